//===- Propagator.h - Exact propagators of linear ODEs ----------*- C++ -*-===//
//
// Part of snnc. Plain C++ (no MLIR), so the runtime and unit tests can use it.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DIALECT_SNN_PROPAGATOR_H
#define SNN_DIALECT_SNN_PROPAGATOR_H

#include <vector>

namespace mlir::snn {

/// exp(X) of the n x n row-major matrix X, by scaling and squaring with a
/// Taylor series (accurate to a few ulp for the small, well-scaled matrices
/// of neuron models).
std::vector<double> matrixExponential(const std::vector<double> &x, int n);

/// For dx/dt = A x + b (A: s x s, row-major; b constant over the step), the
/// exact step is x(t + dt) = P x(t) + M b with P = exp(A dt) and
/// M = integral_0^dt exp(A u) du. Both come from one exponential of the
/// augmented matrix [[A, I], [0, 0]] dt, so A need not be invertible.
void computePropagator(const std::vector<double> &a, int s, double dt,
                       std::vector<double> &p, std::vector<double> &m);

} // namespace mlir::snn

#endif // SNN_DIALECT_SNN_PROPAGATOR_H
