//===- SNNOps.h - snn operations --------------------------------*- C++ -*-===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DIALECT_SNN_SNNOPS_H
#define SNN_DIALECT_SNN_SNNOPS_H

#include "snn/Dialect/SNN/SNNAttributes.h"
#include "snn/Dialect/SNN/SNNDialect.h"
#include "snn/Dialect/SNN/Propagator.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "snn/Dialect/SNN/SNNOps.h.inc"

namespace mlir::snn {
/// The number of neurons of a population or source, or nullopt for
/// anything else (and for null).
std::optional<int64_t> getSpikingSize(Operation *op);
} // namespace mlir::snn

#endif // SNN_DIALECT_SNN_SNNOPS_H
