//===- LinearUpdateTable.h - Large propagators as table loops ---*- C++ -*-===//
//
// Part of snnc. convert-snn-to-core's lowering of an snn.linear_update whose
// propagator has many non-zero terms: a loop over constant tables instead of
// one multiply-add per term.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_CONVERSION_SNNTOCORE_LINEARUPDATETABLE_H
#define SNN_CONVERSION_SNNTOCORE_LINEARUPDATETABLE_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::snn {

/// Below this many multiply-adds, or this many per state value on average,
/// a propagator is expanded in place (the canonicalization of
/// snn.linear_update); from both on, it becomes a loop over tables.
/// Straight-line code costs LLVM time superlinear in its length (register
/// allocation and scheduling with thousands of live values); a loop costs
/// the same whatever the number of terms, but it moves every state value
/// through memory (4 memory operations per state value), which is not worth
/// it for a few terms per row (e.g. many independent decays).
constexpr unsigned kMinTableTerms = 1024;
constexpr unsigned kMinTableTermsPerRow = 8;

/// Adds the pattern that lowers an snn.linear_update with a constant
/// Jacobian, at least `minTerms` non-zero terms and at least
/// kMinTableTermsPerRow per state value to a loop over constant
/// tables (memref.global, one set per op, in the module), in the order of
/// the in-place expansion: per row, state terms by column, then affine terms
/// by column. The tables are module symbols: run it from a module-level
/// pass, on host code only (the GPU kernels are cloned into a gpu.module
/// that does not see them).
void populateLinearUpdateTablePatterns(RewritePatternSet &patterns,
                                       unsigned minTerms = kMinTableTerms);

} // namespace mlir::snn

#endif // SNN_CONVERSION_SNNTOCORE_LINEARUPDATETABLE_H
