//===- Propagator.cpp - Exact propagators of linear ODEs ------------------===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/Propagator.h"

#include <cmath>

using namespace mlir::snn;

// The series is summed in long double (64-bit mantissa on x86-64) so that
// the coefficients, rounded to double at the end, are correctly rounded in
// nearly all cases, like a libm exp() of the same argument.
namespace {
using Real = long double;
using Matrix = std::vector<Real>;

Matrix multiply(const Matrix &a, const Matrix &b, int n) {
  Matrix c(n * n, 0.0L);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k) {
      Real aik = a[i * n + k];
      if (aik == 0.0L)
        continue;
      for (int j = 0; j < n; ++j)
        c[i * n + j] += aik * b[k * n + j];
    }
  return c;
}

Real normOne(const Matrix &a, int n) {
  Real best = 0.0L;
  for (int j = 0; j < n; ++j) {
    Real sum = 0.0L;
    for (int i = 0; i < n; ++i)
      sum += std::fabs(a[i * n + j]);
    best = std::max(best, sum);
  }
  return best;
}
} // namespace

std::vector<double> mlir::snn::matrixExponential(const std::vector<double> &x,
                                                 int n) {
  // Scale so that ||X / 2^k||_1 <= 1/2: the Taylor remainder after 24 terms is
  // then below 2^-25 / 25!, far under long double precision.
  Matrix scaled(x.begin(), x.end());
  int squarings = 0;
  Real norm = normOne(scaled, n);
  if (norm > 0.5L)
    squarings = static_cast<int>(std::ceil(std::log2(norm / 0.5L)));
  Real scale = std::ldexp(1.0L, -squarings);
  for (Real &v : scaled)
    v *= scale;

  // Horner form of sum_{k=0}^{m} X^k / k!: I + X/1 (I + X/2 (I + ...)).
  const int terms = 24;
  Matrix result(n * n, 0.0L);
  for (int i = 0; i < n; ++i)
    result[i * n + i] = 1.0;
  for (int k = terms; k >= 1; --k) {
    Matrix next = multiply(scaled, result, n);
    for (Real &v : next)
      v /= k;
    for (int i = 0; i < n; ++i)
      next[i * n + i] += 1.0;
    result.swap(next);
  }
  for (int i = 0; i < squarings; ++i)
    result = multiply(result, result, n);
  return std::vector<double>(result.begin(), result.end());
}

void mlir::snn::computePropagator(const std::vector<double> &a, int s,
                                  double dt, std::vector<double> &p,
                                  std::vector<double> &m) {
  int n = 2 * s;
  std::vector<double> augmented(n * n, 0.0);
  for (int i = 0; i < s; ++i) {
    for (int j = 0; j < s; ++j)
      augmented[i * n + j] = a[i * s + j] * dt;
    augmented[i * n + s + i] = dt;
  }
  std::vector<double> e = matrixExponential(augmented, n);
  p.assign(s * s, 0.0);
  m.assign(s * s, 0.0);
  for (int i = 0; i < s; ++i)
    for (int j = 0; j < s; ++j) {
      p[i * s + j] = e[i * n + j];
      m[i * s + j] = e[i * n + s + j];
    }
}
