//===- BinomialTableTest.cpp - binomial draws by table inversion ---------===//
//
// Part of snnc. The tables of dialects/lib/Dialect/SNN/BinomialTable.cpp
// against the binomial distribution computed independently (lgamma, per
// term), and the draw they make over the uniforms the generator can give.
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/BinomialTable.h"

#include <gtest/gtest.h>

#include <cmath>

using mlir::snn::BinomialTable;
using mlir::snn::computeBinomialTable;

namespace {

/// P(K = k) for K ~ B(n, p), from lgamma (independent of the table's
/// recurrence).
double binomialPmf(int64_t n, double p, int64_t k) {
  return static_cast<double>(
      std::exp(std::lgamma(n + 1.0L) - std::lgamma(k + 1.0L) -
               std::lgamma(n - k + 1.0L) + k * std::log((long double)p) +
               (n - k) * std::log1p(-(long double)p)));
}

/// The probability of each count under the table: the share of uniforms
/// u = m 2^-53 that give it, i.e. the gaps between thresholds.
std::vector<double> tableDistribution(const BinomialTable &t, int64_t n) {
  std::vector<double> pk(static_cast<size_t>(n + 1), 0.0);
  double previous = 0.0;
  int64_t k = t.offset;
  for (const auto &[threshold, m] : t.steps) {
    pk[static_cast<size_t>(k)] += threshold - previous;
    previous = threshold;
    k += m;
  }
  pk[static_cast<size_t>(k)] += 1.0 - previous;
  return pk;
}

TEST(BinomialTable, HalfOfThree) {
  // B(3, 1/2): P(K <= k) = 1/8, 1/2, 7/8, exact in binary.
  BinomialTable t = computeBinomialTable(3, 0.5);
  ASSERT_TRUE(t.ok()) << t.error;
  EXPECT_EQ(t.offset, 0);
  ASSERT_EQ(t.steps.size(), 3u);
  EXPECT_EQ(t.steps[0], std::make_pair(0.125, int64_t(1)));
  EXPECT_EQ(t.steps[1], std::make_pair(0.5, int64_t(1)));
  EXPECT_EQ(t.steps[2], std::make_pair(0.875, int64_t(1)));
  EXPECT_EQ(t.draw(0.0), 0);
  EXPECT_EQ(t.draw(0.124999), 0);
  EXPECT_EQ(t.draw(0.125), 1);
  EXPECT_EQ(t.draw(0.5), 2);
  EXPECT_EQ(t.draw(0.874), 2);
  EXPECT_EQ(t.draw(0.875), 3);
  EXPECT_EQ(t.draw(1.0 - std::ldexp(1.0, -53)), 3);
}

TEST(BinomialTable, Degenerate) {
  for (auto [n, p, k] : {std::tuple<int64_t, double, int64_t>{0, 0.3, 0},
                         {10, 0.0, 0},
                         {10, 1.0, 10}}) {
    BinomialTable t = computeBinomialTable(n, p);
    ASSERT_TRUE(t.ok()) << t.error;
    EXPECT_TRUE(t.steps.empty());
    EXPECT_EQ(t.offset, k);
    EXPECT_EQ(t.draw(0.0), k);
    EXPECT_EQ(t.draw(0.999), k);
  }
}

TEST(BinomialTable, Invalid) {
  EXPECT_FALSE(computeBinomialTable(-1, 0.5).ok());
  EXPECT_FALSE(computeBinomialTable(5, -0.1).ok());
  EXPECT_FALSE(computeBinomialTable(5, 1.5).ok());
  EXPECT_FALSE(computeBinomialTable(5, std::nan("")).ok());
}

TEST(BinomialTable, MatchesTheDistribution) {
  // The microcircuit's background (1600 to 2900 inputs at 8 Hz, dt 0.1 ms),
  // and means from 0.01 to a few hundred.
  for (auto [n, p] : {std::pair<int64_t, double>{1600, 8e-4},
                      {2900, 8e-4},
                      {1, 0.3},
                      {100, 1e-4},
                      {100000, 2e-3},
                      {5000, 0.05},
                      {40, 0.9}}) {
    SCOPED_TRACE("n = " + std::to_string(n) + ", p = " + std::to_string(p));
    BinomialTable t = computeBinomialTable(n, p);
    ASSERT_TRUE(t.ok()) << t.error;
    // Thresholds ascending, distinct, in [2^-53, 1).
    double previous = 0.0;
    for (const auto &[threshold, m] : t.steps) {
      EXPECT_GT(threshold, previous);
      EXPECT_GE(threshold, std::ldexp(1.0, -53));
      EXPECT_LT(threshold, 1.0);
      EXPECT_GE(m, 1);
      previous = threshold;
    }
    // Each count's probability under the table is the binomial's, to
    // rounding (the thresholds are the distribution function rounded once).
    std::vector<double> pk = tableDistribution(t, n);
    double mean = 0, second = 0;
    for (int64_t k = 0; k <= n; ++k) {
      ASSERT_NEAR(pk[static_cast<size_t>(k)], binomialPmf(n, p, k), 1e-12)
          << "k = " << k;
      mean += k * pk[static_cast<size_t>(k)];
      second += double(k) * k * pk[static_cast<size_t>(k)];
    }
    double np = double(n) * p;
    EXPECT_NEAR(mean, np, 1e-9 * std::max(1.0, np));
    EXPECT_NEAR(second - mean * mean, np * (1 - p), 1e-7 * std::max(1.0, np));
  }
}

TEST(BinomialTable, LargeMeansAreRefused) {
  // The table would need thousands of comparisons per draw.
  BinomialTable t = computeBinomialTable(100000000, 0.1);
  EXPECT_FALSE(t.ok());
  EXPECT_NE(t.error.find("needs more than 1024 comparisons"), std::string::npos)
      << t.error;
  // A mean of 2000 still fits (its lower tail collapses to a few steps).
  EXPECT_TRUE(computeBinomialTable(20000, 0.1).ok());
}

} // namespace
