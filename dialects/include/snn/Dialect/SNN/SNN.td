//===- SNN.td - snn dialect umbrella -----------------------*- tablegen -*-===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DIALECT_SNN_SNN_TD
#define SNN_DIALECT_SNN_SNN_TD

include "snn/Dialect/SNN/SNNDialect.td"
include "snn/Dialect/SNN/SNNAttributes.td"
include "snn/Dialect/SNN/SNNOps.td"

#endif // SNN_DIALECT_SNN_SNN_TD
