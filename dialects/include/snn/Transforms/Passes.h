//===- Passes.h - snn dialect passes ----------------------------*- C++ -*-===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_TRANSFORMS_PASSES_H
#define SNN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace mlir::snn {

#define GEN_PASS_DECL
#include "snn/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "snn/Transforms/Passes.h.inc"

/// What snn-integrate and snn-specialize fold neuron model regions with:
/// the arith dialect's canonicalizations and those of every arith and math
/// op.
void populateModelFoldingPatterns(RewritePatternSet &patterns);

} // namespace mlir::snn

#endif // SNN_TRANSFORMS_PASSES_H
