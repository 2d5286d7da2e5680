//===- PhiloxTest.cpp - Philox4x32-10 and the ABI conversions
//--------------===//

#include "ReferencePhilox.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using namespace snnrt;

namespace {

// Known-answer vectors of Random123 (kat_vectors, "philox4x32 10").
struct Kat {
  PhiloxCounter ctr;
  PhiloxKey key;
  PhiloxCounter expected;
};

const Kat kKats[] = {
    {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

// An independent, deliberately different implementation: 16-bit limb
// multiplication instead of 64-bit products, round keys computed as
// key + r * W instead of bumped in place, state in a plain array.
void mulhilo16(uint32_t a, uint32_t b, uint32_t &hi, uint32_t &lo) {
  uint32_t a0 = a & 0xffff, a1 = a >> 16, b0 = b & 0xffff, b1 = b >> 16;
  uint32_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint32_t mid = (p00 >> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  lo = (p00 & 0xffff) | (mid << 16);
  hi = p11 + (p01 >> 16) + (p10 >> 16) + (mid >> 16);
}

void referencePhilox(const uint32_t in[4], const uint32_t key[2],
                     uint32_t out[4]) {
  uint32_t s[4] = {in[0], in[1], in[2], in[3]};
  for (uint32_t r = 0; r < 10; ++r) {
    uint32_t k0 = key[0] + r * 0x9E3779B9u;
    uint32_t k1 = key[1] + r * 0xBB67AE85u;
    uint32_t hiA, loA, hiB, loB;
    mulhilo16(0xD2511F53u, s[0], hiA, loA);
    mulhilo16(0xCD9E8D57u, s[2], hiB, loB);
    uint32_t n0 = hiB ^ s[1] ^ k0, n1 = loB, n2 = hiA ^ s[3] ^ k1, n3 = loA;
    s[0] = n0;
    s[1] = n1;
    s[2] = n2;
    s[3] = n3;
  }
  for (int i = 0; i < 4; ++i)
    out[i] = s[i];
}

} // namespace

TEST(Philox, KnownAnswerVectors) {
  for (const Kat &k : kKats) {
    PhiloxCounter out = philox4x32(k.ctr, k.key, 10);
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(out[i], k.expected[i]) << "word " << i;
  }
}

TEST(Philox, ReferenceImplementationAgreesOnKats) {
  // Validates the reference itself, so the random comparison below means
  // something.
  for (const Kat &k : kKats) {
    uint32_t out[4];
    referencePhilox(k.ctr.data(), k.key.data(), out);
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(out[i], k.expected[i]);
  }
}

TEST(Philox, MatchesReferenceOnManyInputs) {
  uint32_t x = 12345;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
  };
  for (int n = 0; n < 2000; ++n) {
    PhiloxCounter c = {next(), next(), next(), next()};
    PhiloxKey k = {next(), next()};
    uint32_t ref[4];
    referencePhilox(c.data(), k.data(), ref);
    PhiloxCounter out = philox4x32(c, k);
    for (int i = 0; i < 4; ++i)
      ASSERT_EQ(out[i], ref[i]);
  }
}

TEST(Philox, CounterAndKeyScheme) {
  uint64_t seed = 0x0123456789abcdefull;
  PhiloxKey key = philoxKey(seed);
  EXPECT_EQ(key[0], 0x89abcdefu);
  EXPECT_EQ(key[1], 0x01234567u);
  PhiloxCounter a = philoxDraw(seed, RngPurpose::Weight, 3, 7, 8, 9);
  PhiloxCounter b =
      philox4x32({7, 8, 9, (3u << 4) | 5u}, {0x89abcdefu, 0x01234567u});
  EXPECT_EQ(a, b);
  // Different purposes/entities give different streams.
  EXPECT_NE(philoxDraw(seed, RngPurpose::Weight, 3, 7, 8, 9),
            philoxDraw(seed, RngPurpose::Delay, 3, 7, 8, 9));
  EXPECT_NE(philoxDraw(seed, RngPurpose::Weight, 3, 7, 8, 9),
            philoxDraw(seed, RngPurpose::Weight, 4, 7, 8, 9));
}

TEST(Philox, UniformBitDefinition) {
  EXPECT_EQ(uniform53(0, 0), 0.0);
  // All ones: (2^53 - 1) * 2^-53, the largest double below 1.
  EXPECT_EQ(uniform53(0xffffffffu, 0xffffffffu), std::nextafter(1.0, 0.0));
  // Only x0's top 27 and x1's top 26 bits count.
  EXPECT_EQ(uniform53(0x1fu, 0x3fu), 0.0);
  EXPECT_EQ(uniform53(0x20u, 0), std::ldexp(1.0, -53 + 26));
  EXPECT_EQ(uniform53(0, 0x40u), std::ldexp(1.0, -53));
  EXPECT_EQ(uniform53(0x80000000u, 0), 0.5);
  EXPECT_EQ(uniform24(0xffffffffu), 1.0f - std::ldexp(1.0f, -24));
  EXPECT_EQ(uniform24(0x80000000u), 0.5f);
  EXPECT_EQ(uniform24(0xffu), 0.0f);
  // Box-Muller: u1 = 1 - uniform(x0, x1) = 1 and u2 = 0 give z = 0; u1 = 0.5
  // with u2 = 0 gives sqrt(2 ln 2).
  EXPECT_EQ(normalFromBits({0, 0, 0, 0}), 0.0);
  EXPECT_NEAR(normalFromBits({0x80000000u, 0, 0, 0}),
              std::sqrt(2 * std::log(2.0)), 1e-15);
  // u2 = 0.5 -> cos(pi) = -1.
  EXPECT_NEAR(normalFromBits({0x80000000u, 0, 0x80000000u, 0}),
              -std::sqrt(2 * std::log(2.0)), 1e-15);
  // The smallest u1 (2^-53) stays finite.
  EXPECT_TRUE(std::isfinite(normalFromBits({0xffffffffu, 0xffffffffu, 0, 0})));
}

TEST(Philox, UniformStatistics) {
  const int n = 200000;
  double sum = 0, sum2 = 0;
  int bins[10] = {0};
  for (int i = 0; i < n; ++i) {
    double u = uniform01(42, RngPurpose::InitialValue, 1, uint32_t(i), 0, 0);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
    ++bins[int(u * 10)];
  }
  double mean = sum / n, var = sum2 / n - mean * mean;
  // Standard error of the mean: sqrt(1/12/n) ~ 6.5e-4.
  EXPECT_NEAR(mean, 0.5, 5 * 6.5e-4);
  EXPECT_NEAR(var, 1.0 / 12, 2e-3);
  for (int b : bins)
    EXPECT_NEAR(b, n / 10, 5 * std::sqrt(n * 0.1 * 0.9));
  float fs = 0;
  for (int i = 0; i < 10000; ++i)
    fs += uniform01f(7, RngPurpose::StepDraw, 0, uint32_t(i), 0, 0);
  EXPECT_NEAR(fs / 10000, 0.5, 0.015);
}

TEST(Philox, NormalStatistics) {
  const int n = 200000;
  double sum = 0, sum2 = 0, sum4 = 0;
  int within1 = 0;
  for (int i = 0; i < n; ++i) {
    double z = standardNormal(7, RngPurpose::Weight, 2, uint32_t(i), 0, 0);
    sum += z;
    sum2 += z * z;
    sum4 += z * z * z * z;
    within1 += std::fabs(z) < 1;
  }
  double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 5 / std::sqrt(double(n)));
  EXPECT_NEAR(var, 1.0, 5 * std::sqrt(2.0 / n));
  EXPECT_NEAR(sum4 / n, 3.0, 0.1); // kurtosis of a normal
  EXPECT_NEAR(double(within1) / n, 0.6827, 0.005);
}

TEST(Philox, DrawsAreDistinctAcrossCounters) {
  std::set<uint64_t> seen;
  for (uint32_t i = 0; i < 1000; ++i) {
    PhiloxCounter x = philoxDraw(1, RngPurpose::Connectivity, 0, i, 0, 0);
    seen.insert((uint64_t(x[0]) << 32) | x[1]);
    x = philoxDraw(1, RngPurpose::Connectivity, 0, 0, i + 1, 0);
    seen.insert((uint64_t(x[0]) << 32) | x[1]);
  }
  EXPECT_EQ(seen.size(), 2000u);
}
