//===- Propagator.h - Exact propagators of linear ODEs ----------*- C++ -*-===//
//
// Part of snnc. Plain C++ (no MLIR), so the runtime and unit tests can use it.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DIALECT_SNN_PROPAGATOR_H
#define SNN_DIALECT_SNN_PROPAGATOR_H

#include <string>
#include <vector>

namespace mlir::snn {

/// The format the generated code computes in: the propagator must be
/// accurate to its precision and fit its range.
enum class FloatFormat { F32, F64 };

/// "f32" or "f64".
const char *formatName(FloatFormat format);

/// The exact step of dx/dt = A x + b (b constant over the step):
/// x(t + dt) = P x(t) + M b, with P = exp(A dt) and
/// M = integral_0^dt exp(A u) du.
struct Propagator {
  /// s x s, row-major; entries below the format's smallest normal number
  /// are 0.
  std::vector<double> p, m;
  /// Empty when P and M were computed to the format's precision; otherwise
  /// why they could not be (and `p`, `m` are not to be used).
  std::string error;
  /// What the computation did, for tests and benchmarks: the number of
  /// squarings, and the largest residual of the a-posteriori check in units
  /// of its tolerance (at most 1 when it passes).
  int squarings = 0;
  double checkRatio = 0.0;

  bool ok() const { return error.empty(); }
};

/// Computes the propagator of the s x s Jacobian `a` (row-major) over `dt`
/// for code computing in `format`. `names` (one per state variable, or
/// empty) name the variables in error messages.
///
/// Method: A is permuted to block upper triangular form (strongly connected
/// components of its dependency graph), then P and M are computed together
/// by scaling and squaring in long double, on the pair (P, M) rather than on
/// the 2s x 2s augmented matrix, with sparse and banded products. After every
/// squaring the entries that have a closed form are recomputed from it: the
/// diagonal entries of 1x1 blocks (exp(a dt), expm1(a dt) / a) and the first
/// superdiagonal of P between two 1x1 blocks (Al-Mohy and Higham, "A New
/// Scaling and Squaring Algorithm for the Matrix Exponential", 2009, sec. 6),
/// so that a fast decay no longer wipes out a slow one. The result is then
/// checked a posteriori: A M = M A = P - I must hold to the format's
/// precision (componentwise, relative to |A| |M| + |P|), and every entry
/// must be finite and within the format's range; otherwise `error` says why.
Propagator computePropagator(const std::vector<double> &a, int s, double dt,
                             FloatFormat format,
                             const std::vector<std::string> &names = {});

} // namespace mlir::snn

#endif // SNN_DIALECT_SNN_PROPAGATOR_H
