//===- BinomialTable.cpp - Binomial draws by table inversion --------------===//
//
// Part of snnc. See BinomialTable.h.
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/BinomialTable.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlir::snn {

int64_t BinomialTable::draw(double u) const {
  int64_t k = offset;
  for (const auto &[threshold, count] : steps)
    if (u >= threshold)
      k += count;
  return k;
}

BinomialTable computeBinomialTable(int64_t n, double p) {
  BinomialTable table;
  char text[160];
  if (n < 0 || !(p >= 0.0 && p <= 1.0)) {
    std::snprintf(text, sizeof text,
                  "B(n = %lld, p = %g) is not a binomial distribution",
                  static_cast<long long>(n), p);
    table.error = text;
    return table;
  }
  if (n == 0 || p == 0.0)
    return table; // always 0
  if (p == 1.0) {
    table.offset = n; // always n
    return table;
  }
  // P(K = 0) = (1 - p)^n must be representable to start the recurrence:
  // long double reaches e^-11355; the tables that fit the threshold limit
  // have far smaller means anyway.
  const long double q = 1.0L - static_cast<long double>(p);
  const long double logP0 =
      static_cast<long double>(n) * std::log1p(-static_cast<long double>(p));
  const double mean = static_cast<double>(n) * p;
  auto tooLarge = [&] {
    std::snprintf(text, sizeof text,
                  "a binomial of mean n p = %g needs more than %u "
                  "comparisons per draw",
                  mean, kMaxBinomialThresholds);
    table.error = text;
    return table;
  };
  if (logP0 < -11000.0L)
    return tooLarge();
  const long double ratio = static_cast<long double>(p) / q;
  const double floor53 = std::ldexp(1.0, -53);
  long double pmf = std::exp(logP0), cdf = 0.0L;
  for (int64_t j = 0; j < n; ++j) {
    if (j > 0)
      pmf *= static_cast<long double>(n - j + 1) / static_cast<long double>(j) *
             ratio;
    cdf += pmf;
    double c = static_cast<double>(cdf);
    if (c >= 1.0)
      break; // u < 1 never reaches it, nor any later one
    // Past the mean, once the terms are far below what a double can
    // resolve next to 1, the rest of the tail is nothing: stop, rather than
    // let the rounding error of the sum decide the largest counts.
    if (static_cast<double>(j) > mean && pmf < 1e-30L)
      break;
    if (c <= 0.0) {
      ++table.offset; // u >= 0 always
      continue;
    }
    c = std::max(c, floor53);
    if (!table.steps.empty() && table.steps.back().first == c) {
      ++table.steps.back().second;
      continue;
    }
    if (table.steps.size() == kMaxBinomialThresholds)
      return tooLarge();
    table.steps.push_back({c, 1});
  }
  return table;
}

} // namespace mlir::snn
