//===- PropagatorTest.cpp - Exact propagators against closed forms --------===//
//
// Part of snnc. computePropagator (long double scaling and squaring) against
// independent computations: closed forms of P = exp(A dt) and
// M = integral_0^dt exp(A u) du evaluated in quadruple precision (long
// double where the compiler has no __float128), over time constants from
// 1e-30 ms to 1e30 ms.
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/Propagator.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <string>
#include <vector>

#ifdef SNN_HAVE_QUADMATH
#include <quadmath.h>
#endif

using namespace mlir::snn;

namespace {

#ifdef SNN_HAVE_QUADMATH
using Ref = __float128;
Ref refExp(Ref x) { return expq(x); }
Ref refExpm1(Ref x) { return expm1q(x); }
Ref refSinh(Ref x) { return sinhq(x); }
Ref refSin(Ref x) { return sinq(x); }
Ref refCos(Ref x) { return cosq(x); }
Ref refAbs(Ref x) { return fabsq(x); }
#else
using Ref = long double;
Ref refExp(Ref x) { return std::exp(x); }
Ref refExpm1(Ref x) { return std::expm1(x); }
Ref refSinh(Ref x) { return std::sinh(x); }
Ref refSin(Ref x) { return std::sin(x); }
Ref refCos(Ref x) { return std::cos(x); }
Ref refAbs(Ref x) { return std::fabs(x); }
#endif

constexpr double kDt = 0.1;
/// A few units in the last place of f64: the computation is in long double
/// and rounded once, so nearly every entry is correctly rounded.
constexpr double kUlps = 4.0;

/// exp(x) - 1 over x: the M entry of a 1x1 block per unit of time.
Ref phi1(Ref x) { return x == 0 ? Ref(1) : refExpm1(x) / x; }

/// (exp(a) - exp(b)) / (a - b), stably (as exp((a+b)/2) sinh(d)/d for close
/// a and b).
Ref expDividedDifference(Ref a, Ref b) {
  if (a == b)
    return refExp(a);
  Ref d = (a - b) / 2;
  if (refAbs(d) < 1)
    return refExp((a + b) / 2) * refSinh(d) / d;
  return (refExp(a) - refExp(b)) / (a - b);
}

/// (phi1(a) - phi1(b)) / (a - b): by its series where a and b are small
/// (sum_k h_k(a, b) / (k + 2)!, h_k the complete homogeneous polynomials),
/// else directly.
Ref phi1DividedDifference(Ref a, Ref b) {
  if (refAbs(a) < 1 && refAbs(b) < 1) {
    Ref sum = 0, h = 1, bk = 1, factorial = 2;
    for (int k = 0; k < 80; ++k) {
      sum += h / factorial;
      factorial *= k + 3;
      bk *= b;
      h = a * h + bk;
    }
    return sum;
  }
  if (a == b)
    return (refExp(a) * (a - 1) + 1) / (a * a);
  return (phi1(a) - phi1(b)) / (a - b);
}

/// Relative error of `got` against `want`, in units of 2^-53; entries the
/// propagator drops (below the smallest normal f64) must be 0.
double ulpsOff(double got, Ref want) {
  if (refAbs(want) < Ref(DBL_MIN))
    return got == 0.0 || std::fabs(got) < 2 * DBL_MIN ? 0.0 : INFINITY;
  return static_cast<double>(refAbs((Ref(got) - want) / want)) /
         std::ldexp(1.0, -53);
}

std::string describe(const char *what, double tau1, double tau2) {
  char buffer[128];
  std::snprintf(buffer, sizeof buffer, "%s (%g ms, %g ms)", what, tau1, tau2);
  return buffer;
}

/// The closed forms of dv/dt = (g - v) / tau, dg/dt = -g / tau_s over kDt,
/// from the f64 Jacobian entries, in the order (v, g).
struct LifSynapse {
  Ref p[4], m[4];
  LifSynapse(double a00, double a01, double a11) {
    Ref a = Ref(a00) * kDt, c = Ref(a01) * kDt, b = Ref(a11) * kDt;
    p[0] = refExp(a);
    p[1] = c * expDividedDifference(a, b);
    p[2] = 0;
    p[3] = refExp(b);
    m[0] = kDt * phi1(a);
    m[1] = kDt * c * phi1DividedDifference(a, b);
    m[2] = 0;
    m[3] = kDt * phi1(b);
  }
};

TEST(Propagator, ScalarDecayAndGrowth) {
  for (int e = -30; e <= 30; ++e)
    for (double sign : {-1.0, 1.0}) {
      double tau = std::pow(10.0, e);
      double a = sign / tau;
      Propagator prop = computePropagator({a}, 1, kDt, FloatFormat::F64);
      Ref x = Ref(a) * kDt;
      if (refExp(x) > Ref(DBL_MAX)) {
        EXPECT_FALSE(prop.ok()) << "growth with tau " << tau;
        continue;
      }
      ASSERT_TRUE(prop.ok()) << prop.error;
      EXPECT_LE(ulpsOff(prop.p[0], refExp(x)), kUlps) << tau;
      EXPECT_LE(ulpsOff(prop.m[0], kDt * phi1(x)), kUlps) << tau;
      EXPECT_LE(prop.checkRatio, 1.0);
    }
  Propagator still = computePropagator({0.0}, 1, kDt, FloatFormat::F64);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still.p[0], 1.0);
  EXPECT_EQ(still.m[0], kDt);
}

// The model: tau = 10 ms and tau_s = 1e-20 ms used to give P_vv = 1
// exactly (scaling by 2^-64 wiped out the slow decay), so v drifted.
TEST(Propagator, StiffSynapseKeepsTheSlowDecay) {
  double tau = 10.0, tauS = 1e-20;
  Propagator prop = computePropagator({-1 / tau, 1 / tau, 0.0, -1 / tauS}, 2,
                                      kDt, FloatFormat::F64);
  ASSERT_TRUE(prop.ok()) << prop.error;
  EXPECT_EQ(prop.p[0], std::exp(-0.01)); // correctly rounded in glibc
  LifSynapse want(-1 / tau, 1 / tau, -1 / tauS);
  for (int k = 0; k < 4; ++k) {
    EXPECT_LE(ulpsOff(prop.p[k], want.p[k]), kUlps) << "P entry " << k;
    EXPECT_LE(ulpsOff(prop.m[k], want.m[k]), kUlps) << "M entry " << k;
  }
}

// Every decade of both time constants, 1e-30 ms to 1e30 ms: the membrane
// (tau) and the synapse (tau_s), equal ones included.
TEST(Propagator, LifSynapseOverTimeConstants) {
  double worst = 0.0;
  for (int e1 = -30; e1 <= 30; ++e1)
    for (int e2 = -30; e2 <= 30; ++e2) {
      double tau = std::pow(10.0, e1), tauS = std::pow(10.0, e2);
      Propagator prop = computePropagator({-1 / tau, 1 / tau, 0.0, -1 / tauS},
                                          2, kDt, FloatFormat::F64);
      ASSERT_TRUE(prop.ok()) << describe("refused", tau, tauS) << ": "
                             << prop.error;
      EXPECT_LE(prop.checkRatio, 1.0);
      LifSynapse want(-1 / tau, 1 / tau, -1 / tauS);
      for (int k = 0; k < 4; ++k) {
        double ep = ulpsOff(prop.p[k], want.p[k]);
        double em = ulpsOff(prop.m[k], want.m[k]);
        EXPECT_LE(ep, kUlps) << describe("P", tau, tauS) << " entry " << k;
        EXPECT_LE(em, kUlps) << describe("M", tau, tauS) << " entry " << k;
        worst = std::max({worst, ep, em});
      }
    }
  std::printf("LIF + synapse, tau and tau_s in 1e-30..1e30 ms: worst error "
              "%.3g ulp\n",
              worst);
}

// The same systems with g listed first (A lower triangular): the propagator
// permutes to block upper triangular form itself.
TEST(Propagator, LifSynapseInEitherOrder) {
  for (int e1 = -30; e1 <= 30; e1 += 3)
    for (int e2 = -30; e2 <= 30; e2 += 3) {
      double tau = std::pow(10.0, e1), tauS = std::pow(10.0, e2);
      Propagator prop = computePropagator({-1 / tauS, 0.0, 1 / tau, -1 / tau},
                                          2, kDt, FloatFormat::F64);
      ASSERT_TRUE(prop.ok()) << prop.error;
      LifSynapse want(-1 / tau, 1 / tau, -1 / tauS);
      // (g, v) order: index 0 is g, 1 is v.
      int map[4] = {3, 2, 1, 0};
      for (int k = 0; k < 4; ++k) {
        EXPECT_LE(ulpsOff(prop.p[k], want.p[map[k]]), kUlps)
            << describe("P", tau, tauS) << " entry " << k;
        EXPECT_LE(ulpsOff(prop.m[k], want.m[map[k]]), kUlps)
            << describe("M", tau, tauS) << " entry " << k;
      }
    }
}

/// dx0/dt = -x0 / tau, dx_i/dt = (x_{i-1} - x_i) / tau: with x = dt / tau,
/// P_{i,i-k} = e^-x x^k / k! and M_{i,i-k} = tau e^-x sum_{j>k} x^j / j!
/// (the regularized incomplete gamma function).
void checkChain(int n, double tau, double &worst) {
  std::vector<double> a(n * n, 0.0);
  for (int i = 0; i < n; ++i) {
    a[i * n + i] = -1 / tau;
    if (i > 0)
      a[i * n + i - 1] = 1 / tau;
  }
  Propagator prop = computePropagator(a, n, kDt, FloatFormat::F64);
  ASSERT_TRUE(prop.ok()) << "chain of " << n << ", tau " << tau << ": "
                         << prop.error;
  EXPECT_LE(prop.checkRatio, 1.0);
  Ref x = Ref(1 / tau) * kDt; // the entries as the f64 Jacobian has them
  Ref scale = kDt / x;
  Ref decay = refExp(-x);
  std::vector<Ref> p(n), m(n);
  Ref power = 1; // x^k / k!
  Ref head = 0;  // sum_{j<=k} x^j / j!
  for (int k = 0; k < n; ++k) {
    head += power;
    p[k] = decay * power;
    // The tail from its series while x is below k + 1 (no cancellation
    // there), from 1 - e^-x head otherwise.
    if (x < k + 1) {
      Ref term = power, tail = 0;
      for (int j = k + 1; j < k + 4000; ++j) {
        term *= x / j;
        tail += term;
        if (term < tail * Ref(1e-36))
          break;
      }
      m[k] = scale * decay * tail;
    } else {
      m[k] = scale * (1 - decay * head);
    }
    power *= x / (k + 1);
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      Ref wantP = j <= i ? p[i - j] : Ref(0);
      Ref wantM = j <= i ? m[i - j] : Ref(0);
      double ep = ulpsOff(prop.p[i * n + j], wantP);
      double em = ulpsOff(prop.m[i * n + j], wantM);
      EXPECT_LE(ep, kUlps) << "chain " << n << " tau " << tau << " P(" << i
                           << ", " << j << ")";
      EXPECT_LE(em, kUlps) << "chain " << n << " tau " << tau << " M(" << i
                           << ", " << j << ")";
      worst = std::max({worst, ep, em});
      if (ep > kUlps || em > kUlps)
        return;
    }
}

TEST(Propagator, ChainsWithEqualTimeConstants) {
  double worst = 0.0;
  for (int e = -30; e <= 30; ++e)
    checkChain(8, std::pow(10.0, e), worst);
  for (double tau : {1e-20, 1e-2, 1.0, 10.0, 1e20})
    checkChain(120, tau, worst);
  std::printf("chains, tau in 1e-30..1e30 ms: worst error %.3g ulp\n", worst);
}

// A full 2x2 block (no triangular structure): an undamped oscillator,
// P = [[cos, sin / w], [-w sin, cos]], M its integral.
TEST(Propagator, Oscillator) {
  for (double w : {1e-3, 1e-2, 0.1, 1.0, 10.0, 30.0}) {
    Propagator prop = computePropagator({0.0, 1.0, -w * w, 0.0}, 2, kDt,
                                        FloatFormat::F64);
    ASSERT_TRUE(prop.ok()) << prop.error;
    Ref wh = Ref(w) * kDt, wr = w;
    Ref c = refCos(wh), s = refSin(wh);
    Ref wantP[4] = {c, s / wr, -wr * s, c};
    // 1 - cos(wh) = 2 sin^2(wh / 2), without cancellation.
    Ref half = refSin(wh / 2);
    Ref wantM[4] = {s / wr, 2 * half * half / (wr * wr), -2 * half * half,
                    s / wr};
    // A rotation by wh: errors are relative to the size of the rotation,
    // not to each entry (cos(wh) may be near 0).
    for (int k = 0; k < 4; ++k) {
      Ref rowScale = k < 2 ? Ref(1) + 1 / wr : Ref(1) + wr;
      EXPECT_LE(static_cast<double>(refAbs(Ref(prop.p[k]) - wantP[k]) /
                                    rowScale),
                8 * DBL_EPSILON)
          << "w " << w << " P entry " << k;
      Ref mScale = k < 2 ? kDt * (1 + kDt / wr) : kDt * (1 + wr);
      EXPECT_LE(static_cast<double>(refAbs(Ref(prop.m[k]) - wantM[k]) / mScale),
                8 * DBL_EPSILON)
          << "w " << w << " M entry " << k;
    }
  }
}

// f32 code gets coefficients rounded once to f32, and f32's range.
TEST(Propagator, F32) {
  double tau = 20.0, tauS = 5.0;
  Propagator prop = computePropagator({-1 / tau, 1 / tau, 0.0, -1 / tauS}, 2,
                                      kDt, FloatFormat::F32);
  ASSERT_TRUE(prop.ok()) << prop.error;
  LifSynapse want(-1 / tau, 1 / tau, -1 / tauS);
  for (int k : {0, 1, 3}) {
    EXPECT_EQ(prop.p[k], static_cast<double>(static_cast<float>(want.p[k])));
    EXPECT_EQ(prop.m[k], static_cast<double>(static_cast<float>(want.m[k])));
  }
  // exp(100) ~ 2.7e43: fine for f64, beyond f32's range.
  EXPECT_TRUE(computePropagator({1000.0}, 1, kDt, FloatFormat::F64).ok());
  Propagator big = computePropagator({1000.0}, 1, kDt, FloatFormat::F32);
  EXPECT_FALSE(big.ok());
  EXPECT_NE(big.error.find("beyond the range of f32"), std::string::npos)
      << big.error;
}

TEST(Propagator, GrowthBeyondRangeIsAnError) {
  // dv/dt = v / tau with tau = 1e-20 ms: growth by exp(1e19) per step.
  Propagator prop =
      computePropagator({1e20}, 1, kDt, FloatFormat::F64, {"v"});
  ASSERT_FALSE(prop.ok());
  EXPECT_NE(prop.error.find("beyond the range of f64"), std::string::npos)
      << prop.error;
  EXPECT_NE(prop.error.find("1e+19"), std::string::npos) << prop.error;
  EXPECT_TRUE(prop.p.empty());
}

TEST(Propagator, NonFiniteJacobianIsAnError) {
  Propagator prop = computePropagator({-0.1, INFINITY, 0.0, -1.0}, 2, kDt,
                                      FloatFormat::F64, {"v", "g"});
  ASSERT_FALSE(prop.ok());
  EXPECT_EQ(prop.error, "the coefficient of g in dv/dt is inf");
}

// A full block with a decay 1e21 times slower than the other: scaling by
// 2^-67 leaves the slow one below long double's resolution, and the check
// (A M = exp(A dt) - I) reports it rather than returning P_gg = 1.
TEST(Propagator, LostSlowModeInAFullBlockIsReported) {
  Propagator prop = computePropagator({-1e20, 1.0, 1e-30, -0.1}, 2, kDt,
                                      FloatFormat::F64, {"v", "g"});
  ASSERT_FALSE(prop.ok());
  EXPECT_NE(prop.error.find("too stiff"), std::string::npos) << prop.error;
  EXPECT_GT(prop.checkRatio, 1.0);
}

} // namespace
