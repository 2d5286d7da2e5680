//===- ReferencePhilox.h - Philox4x32-10, for tests --------------*- C++ -*-===//
//
// Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy
// as 1, 2, 3", SC'11) and the counter/key scheme of docs/runtime-abi.md.
// Every draw is a pure function of (seed, purpose, entity, c0, c1, c2). The
// simulators draw only in generated code (the compiler emits Philox as arith
// ops); this host version is the tests' oracle for it.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_TEST_REFERENCEPHILOX_H
#define SNNRT_TEST_REFERENCEPHILOX_H

#include <array>
#include <cmath>
#include <cstdint>

namespace snnrt {

using PhiloxCounter = std::array<uint32_t, 4>;
using PhiloxKey = std::array<uint32_t, 2>;

inline constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
inline constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
inline constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;
inline constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;

/// One Philox4x32 round with the given round key.
inline PhiloxCounter philoxRound(const PhiloxCounter &x, const PhiloxKey &k) {
  uint64_t p0 = uint64_t(kPhiloxM0) * x[0];
  uint64_t p1 = uint64_t(kPhiloxM1) * x[2];
  uint32_t hi0 = uint32_t(p0 >> 32), lo0 = uint32_t(p0);
  uint32_t hi1 = uint32_t(p1 >> 32), lo1 = uint32_t(p1);
  return {hi1 ^ x[1] ^ k[0], lo1, hi0 ^ x[3] ^ k[1], lo0};
}

/// Philox4x32 with `rounds` rounds (10 for Philox4x32-10). The first round
/// uses `key`; the key is bumped by the Weyl constants before each later one.
inline PhiloxCounter philox4x32(PhiloxCounter ctr, PhiloxKey key,
                                int rounds = 10) {
  for (int r = 0; r < rounds; ++r) {
    if (r > 0) {
      key[0] += kPhiloxW0;
      key[1] += kPhiloxW1;
    }
    ctr = philoxRound(ctr, key);
  }
  return ctr;
}

/// Purposes of the ABI's counter scheme (c3 = entity << 4 | purpose).
enum class RngPurpose : uint32_t {
  StepDraw = 1,         ///< per-step draws of a population (Poisson)
  InitialValue = 2,     ///< initial value of variable j
  SourceValue = 3,      ///< per-neuron source values (Poisson rate)
  Connectivity = 4,     ///< connectivity draws
  Weight = 5,           ///< per-synapse weights
  Delay = 6,            ///< per-synapse delays
  NoiseCurrent = 7,     ///< per-step noise currents
  CurrentAmplitude = 8, ///< per-neuron current amplitudes
  PoissonInput = 9,     ///< Poisson-input counts (drawn by generated code)
};

/// The key of a run: (uint32(seed), uint32(seed >> 32)).
inline PhiloxKey philoxKey(uint64_t seed) {
  return {uint32_t(seed), uint32_t(seed >> 32)};
}

/// One Philox4x32-10 output for the ABI coordinates.
inline PhiloxCounter philoxDraw(uint64_t seed, RngPurpose purpose,
                                uint32_t entity, uint32_t c0, uint32_t c1,
                                uint32_t c2) {
  PhiloxCounter ctr = {c0, c1, c2, (entity << 4) | uint32_t(purpose)};
  return philox4x32(ctr, philoxKey(seed), 10);
}

/// 53-bit uniform double in [0, 1) from two words:
/// ((a >> 5) * 2^26 + (b >> 6)) * 2^-53.
inline double uniform53(uint32_t a, uint32_t b) {
  uint64_t m = (uint64_t(a >> 5) << 26) | uint64_t(b >> 6);
  return double(m) * 0x1.0p-53;
}

/// 24-bit uniform float in [0, 1): (a >> 8) * 2^-24.
inline float uniform24(uint32_t a) { return float(a >> 8) * 0x1.0p-24f; }

/// Uniform f64 in [0, 1) from one Philox output (uses x0, x1).
inline double uniformFromBits(const PhiloxCounter &x) {
  return uniform53(x[0], x[1]);
}

/// Uniform f32 in [0, 1) from one Philox output (uses x0).
inline float uniformF32FromBits(const PhiloxCounter &x) {
  return uniform24(x[0]);
}

/// Standard normal from one Philox output (Box-Muller, cosine branch):
/// u1 = 1 - uniform(x0, x1) in (0, 1], u2 = uniform(x2, x3),
/// z = sqrt(-2 ln u1) * cos(2 pi u2).
inline double normalFromBits(const PhiloxCounter &x) {
  double u1 = 1.0 - uniform53(x[0], x[1]);
  double u2 = uniform53(x[2], x[3]);
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

/// Uniform f64 in [0, 1) at the given ABI coordinates.
inline double uniform01(uint64_t seed, RngPurpose purpose, uint32_t entity,
                        uint32_t c0, uint32_t c1, uint32_t c2) {
  return uniformFromBits(philoxDraw(seed, purpose, entity, c0, c1, c2));
}

/// Uniform f32 in [0, 1) at the given ABI coordinates.
inline float uniform01f(uint64_t seed, RngPurpose purpose, uint32_t entity,
                        uint32_t c0, uint32_t c1, uint32_t c2) {
  return uniformF32FromBits(philoxDraw(seed, purpose, entity, c0, c1, c2));
}

/// Standard normal (f64) at the given ABI coordinates.
inline double standardNormal(uint64_t seed, RngPurpose purpose, uint32_t entity,
                             uint32_t c0, uint32_t c1, uint32_t c2) {
  return normalFromBits(philoxDraw(seed, purpose, entity, c0, c1, c2));
}

} // namespace snnrt

#endif // SNNRT_TEST_REFERENCEPHILOX_H
