//===- SNNDialect.h - The snn dialect ---------------------------*- C++ -*-===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DIALECT_SNN_SNNDIALECT_H
#define SNN_DIALECT_SNN_SNNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "snn/Dialect/SNN/SNNDialect.h.inc"

#endif // SNN_DIALECT_SNN_SNNDIALECT_H
