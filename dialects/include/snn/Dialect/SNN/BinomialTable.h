//===- BinomialTable.h - Binomial draws by table inversion ------*- C++ -*-===//
//
// Part of snnc. Plain C++ (no MLIR), so unit tests can use it.
//
// A binomial draw k ~ B(n, p) made from one uniform u in [0, 1) by
// inversion: k is the number of cumulative probabilities
// c_j = P(K <= j), j = 0 .. n-1, that u reaches (u >= c_j). With n and p
// known at compile time, the c_j are constants and the draw is a chain of
// comparisons, which vectorizes; the table holds them in the form the
// generated code uses. See docs/step-semantics.md ("Poisson inputs").
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DIALECT_SNN_BINOMIALTABLE_H
#define SNN_DIALECT_SNN_BINOMIALTABLE_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mlir::snn {

/// The most distinct thresholds a table may hold: the comparisons a draw
/// costs. Binomials of mean up to about 4000 fit.
constexpr unsigned kMaxBinomialThresholds = 1024;

/// k = offset + sum over steps (t, m) of m * [u >= t], for u a multiple of
/// 2^-53 in [0, 1) (the f64 uniform of docs/runtime-abi.md).
struct BinomialTable {
  int64_t offset = 0;
  /// (threshold, multiplicity), thresholds ascending and distinct, each in
  /// [2^-53, 1).
  std::vector<std::pair<double, int64_t>> steps;
  /// Why no table could be made (then offset and steps are not to be used).
  std::string error;

  bool ok() const { return error.empty(); }
  /// The draw for uniform `u`, as the generated code makes it.
  int64_t draw(double u) const;
};

/// The table of B(n, p): n >= 0, p in [0, 1]. The cumulative probabilities
/// are computed in long double and rounded once to double; a threshold at or
/// below 2^-53 becomes 2^-53 (the same comparison for every u the uniform
/// can take), one that rounds to 1 is dropped (u never reaches it).
BinomialTable computeBinomialTable(int64_t n, double p);

} // namespace mlir::snn

#endif // SNN_DIALECT_SNN_BINOMIALTABLE_H
