//===- MLIRGen.h - The AST to the snn dialect -------------------*- C++ -*-===//
//
// Part of snnc. One lowering from the checked AST (whatever the syntax it came
// from) to an snn.network in a fresh module.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_MLIRGEN_MLIRGEN_H
#define SNN_MLIRGEN_MLIRGEN_H

#include "snn/AST/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace snn {

/// Builds the module for `model`. Locations are the model file's. Returns a
/// null module (after emitting errors at the offending locations) when the
/// AST is inconsistent, which the frontend's checks should prevent.
mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &context,
                                          const ast::Model &model);

} // namespace snn

#endif // SNN_MLIRGEN_MLIRGEN_H
