//===- Propagator.cpp - Exact propagators of linear ODEs ------------------===//
//
// Part of snnc. See Propagator.h for the method; the comments here say why
// each step is there.
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/Propagator.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

using namespace mlir::snn;

const char *mlir::snn::formatName(FloatFormat format) {
  return format == FloatFormat::F32 ? "f32" : "f64";
}

// Everything is computed in long double (64-bit significand on x86-64: 11
// bits more than f64) and rounded once at the end, so that coefficients are
// correctly rounded in nearly all cases, like a libm exp() of the same
// argument. Its exponent range (to 1e4932) also lets intermediate results of
// f64 models overflow or underflow only where the final ones would.
namespace {
using Real = long double;
constexpr Real kRealEpsilon = LDBL_EPSILON / 2; // unit roundoff, 2^-64

/// The target format's properties.
struct Format {
  Real unitRoundoff; // 2^-24 or 2^-53
  Real max;          // largest finite value
  Real minNormal;    // smallest normal value
};

Format formatOf(FloatFormat f) {
  if (f == FloatFormat::F32)
    return {FLT_EPSILON / 2, FLT_MAX, FLT_MIN};
  return {DBL_EPSILON / 2, DBL_MAX, DBL_MIN};
}

/// A square matrix stored by rows; row i holds columns [lo[i], lo[i] +
/// rows[i].size()) and is zero elsewhere. Products keep rows as short as
/// their non-zero entries, so triangular and banded matrices (chains of
/// synapses, whose far entries underflow) cost what their entries cost.
struct RowMatrix {
  int n = 0;
  std::vector<int> lo;
  std::vector<std::vector<Real>> rows;

  explicit RowMatrix(int n) : n(n), lo(n, 0), rows(n) {}
  static RowMatrix identity(int n) {
    RowMatrix m(n);
    for (int i = 0; i < n; ++i) {
      m.lo[i] = i;
      m.rows[i].assign(1, 1.0L);
    }
    return m;
  }
  int hi(int i) const { return lo[i] + static_cast<int>(rows[i].size()); }
  Real at(int i, int j) const {
    return j >= lo[i] && j < hi(i) ? rows[i][j - lo[i]] : 0.0L;
  }
  /// Sets entry (i, j), growing row i if needed.
  void set(int i, int j, Real v) {
    std::vector<Real> &row = rows[i];
    if (row.empty()) {
      if (v == 0.0L)
        return;
      lo[i] = j;
      row.assign(1, v);
      return;
    }
    if (j < lo[i]) {
      if (v == 0.0L)
        return;
      row.insert(row.begin(), lo[i] - j, 0.0L);
      lo[i] = j;
    } else if (j >= hi(i)) {
      if (v == 0.0L)
        return;
      row.resize(j - lo[i] + 1, 0.0L);
    }
    row[j - lo[i]] = v;
  }
  /// Sets the entries of magnitude below `threshold` to 0 and drops the zeros
  /// at both ends of every row.
  void flush(Real threshold) {
    for (int i = 0; i < n; ++i) {
      std::vector<Real> &row = rows[i];
      for (Real &v : row)
        if (std::fabs(v) < threshold)
          v = 0.0L;
      size_t first = 0, last = row.size();
      while (first < last && row[first] == 0.0L)
        ++first;
      while (last > first && row[last - 1] == 0.0L)
        --last;
      if (first == last) {
        row.clear();
        lo[i] = i;
        continue;
      }
      if (last < row.size())
        row.resize(last);
      if (first > 0) {
        row.erase(row.begin(), row.begin() + first);
        lo[i] += static_cast<int>(first);
      }
    }
  }
  bool allFinite() const {
    for (const std::vector<Real> &row : rows)
      for (Real v : row)
        if (!std::isfinite(v))
          return false;
    return true;
  }
};

/// A sparse square matrix by rows: (column, value) pairs.
using SparseMatrix = std::vector<std::vector<std::pair<int, Real>>>;

/// Accumulates sum_l c_l * B[l] into a row of the result, where the sum runs
/// over `terms` (l, c_l); the result row spans the union of the rows used.
template <typename Terms>
void accumulateRow(const Terms &terms, const RowMatrix &b, int &lo,
                   std::vector<Real> &out) {
  int first = b.n, last = 0;
  for (const auto &[l, c] : terms) {
    if (c == 0.0L || b.rows[l].empty())
      continue;
    first = std::min(first, b.lo[l]);
    last = std::max(last, b.hi(l));
  }
  out.clear();
  if (first >= last)
    return;
  lo = first;
  out.assign(last - first, 0.0L);
  for (const auto &[l, c] : terms) {
    if (c == 0.0L || b.rows[l].empty())
      continue;
    const std::vector<Real> &row = b.rows[l];
    Real *dst = out.data() + (b.lo[l] - first);
    for (size_t k = 0, e = row.size(); k < e; ++k)
      dst[k] += c * row[k];
  }
}

/// X * B with X sparse.
RowMatrix multiply(const SparseMatrix &x, const RowMatrix &b) {
  RowMatrix c(b.n);
  for (int i = 0; i < b.n; ++i) {
    c.lo[i] = i;
    accumulateRow(x[i], b, c.lo[i], c.rows[i]);
  }
  return c;
}

/// A * B.
RowMatrix multiply(const RowMatrix &a, const RowMatrix &b) {
  RowMatrix c(b.n);
  std::vector<std::pair<int, Real>> terms;
  for (int i = 0; i < b.n; ++i) {
    terms.clear();
    for (size_t k = 0; k < a.rows[i].size(); ++k)
      terms.emplace_back(a.lo[i] + static_cast<int>(k), a.rows[i][k]);
    c.lo[i] = i;
    accumulateRow(terms, b, c.lo[i], c.rows[i]);
  }
  return c;
}

/// (A + B) * scale, entrywise.
RowMatrix addScaled(const RowMatrix &a, const RowMatrix &b, Real scale) {
  RowMatrix c(a.n);
  for (int i = 0; i < a.n; ++i) {
    if (a.rows[i].empty() && b.rows[i].empty())
      continue;
    int first = a.rows[i].empty()   ? b.lo[i]
                : b.rows[i].empty() ? a.lo[i]
                                    : std::min(a.lo[i], b.lo[i]);
    int last = std::max(a.rows[i].empty() ? 0 : a.hi(i),
                        b.rows[i].empty() ? 0 : b.hi(i));
    c.lo[i] = first;
    c.rows[i].assign(last - first, 0.0L);
    for (size_t k = 0; k < a.rows[i].size(); ++k)
      c.rows[i][a.lo[i] - first + k] += a.rows[i][k];
    for (size_t k = 0; k < b.rows[i].size(); ++k)
      c.rows[i][b.lo[i] - first + k] += b.rows[i][k];
    for (Real &v : c.rows[i])
      v *= scale;
  }
  return c;
}

/// (exp(x) - 1) / x, the M entry of a 1x1 block per unit of time.
Real phi1(Real x) { return x == 0.0L ? 1.0L : std::expm1(x) / x; }

/// The divided difference (exp(a) - exp(b)) / (a - b), without cancellation
/// when a and b are close (then it is exp((a + b) / 2) sinh(d) / d with
/// d = (a - b) / 2), nor overflow of the factors when they are far apart.
Real expDividedDifference(Real a, Real b) {
  if (a == b)
    return std::exp(a);
  Real d = (a - b) / 2;
  if (std::fabs(d) < 1.0L)
    return std::exp((a + b) / 2) * (std::sinh(d) / d);
  // |a - b| >= 2: exp(a) - exp(b) loses at most a factor 1 / (1 - e^-2).
  return (std::exp(a) - std::exp(b)) / (a - b);
}

/// The strongly connected components of the dependency graph (i -> j when
/// x_ij != 0), ordered so that every edge goes from a component to itself or
/// to a later one: in that order the matrix is block upper triangular.
/// Returns, per new position, the old index, and per new position the start
/// and end of its component. Iterative Tarjan (no recursion depth limit).
void blockTriangularOrder(const SparseMatrix &x, std::vector<int> &order,
                          std::vector<int> &blockBegin,
                          std::vector<int> &blockEnd) {
  int n = static_cast<int>(x.size());
  std::vector<int> index(n, -1), low(n, 0), stack;
  std::vector<bool> onStack(n, false);
  std::vector<std::vector<int>> components; // sinks first
  int counter = 0;
  std::vector<std::pair<int, size_t>> calls; // (vertex, next edge)
  for (int root = 0; root < n; ++root) {
    if (index[root] >= 0)
      continue;
    calls.emplace_back(root, 0);
    index[root] = low[root] = counter++;
    stack.push_back(root);
    onStack[root] = true;
    while (!calls.empty()) {
      auto &[v, next] = calls.back();
      if (next < x[v].size()) {
        int w = x[v][next++].first;
        if (w == v)
          continue;
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          onStack[w] = true;
          calls.emplace_back(w, 0);
        } else if (onStack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      int done = v;
      calls.pop_back();
      if (!calls.empty())
        low[calls.back().first] = std::min(low[calls.back().first], low[done]);
      if (low[done] == index[done]) {
        std::vector<int> component;
        int w;
        do {
          w = stack.back();
          stack.pop_back();
          onStack[w] = false;
          component.push_back(w);
        } while (w != done);
        std::sort(component.begin(), component.end());
        components.push_back(std::move(component));
      }
    }
  }
  order.clear();
  blockBegin.assign(n, 0);
  blockEnd.assign(n, 0);
  for (auto it = components.rbegin(); it != components.rend(); ++it) {
    int begin = static_cast<int>(order.size());
    int end = begin + static_cast<int>(it->size());
    for (int v : *it) {
      blockBegin[order.size()] = begin;
      blockEnd[order.size()] = end;
      order.push_back(v);
    }
  }
}

std::string formatNumber(Real v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3Lg", v);
  return buffer;
}

/// The propagator in the permuted (block upper triangular) order.
class Computation {
public:
  Computation(SparseMatrix t, std::vector<int> blockBegin,
              std::vector<int> blockEnd, Format format, Real dt)
      : n(static_cast<int>(t.size())), t(std::move(t)),
        blockBegin(std::move(blockBegin)), blockEnd(std::move(blockEnd)),
        format(format), dt(dt), e(n), f(n) {}

  /// Computes E = exp(T) and F = phi1(T) (so P = E, M = dt F).
  void run();
  /// The largest ratio |residual| / tolerance of the a-posteriori check, and
  /// where (permuted indices).
  Real check(int &row, int &col, Real kappa) const;

  int n;
  SparseMatrix t; // A dt
  std::vector<int> blockBegin, blockEnd;
  Format format;
  Real dt;
  RowMatrix e, f;
  int squarings = 0;

private:
  bool isScalarBlock(int i) const { return blockEnd[i] - blockBegin[i] == 1; }
  Real diagonal(int i) const {
    for (const auto &[j, v] : t[i])
      if (j == i)
        return v;
    return 0.0L;
  }
  Real superdiagonal(int i) const {
    for (const auto &[j, v] : t[i])
      if (j == i + 1)
        return v;
    return 0.0L;
  }
  /// Overwrites, for T scaled by `scale` (a power of 2), the entries that
  /// have a closed form.
  void setExactEntries(Real scale);
  /// Entries of magnitude below the result of this are dropped: with `left`
  /// squarings to come, the dropped entries cannot change any final entry by
  /// more than a quarter of the format's smallest step at its smallest
  /// normal number.
  Real flushThreshold(int left) const;
  /// log2 of a bound on ||exp(s T)||_inf for 0 <= s <= 1: exp(s mu(T)) <=
  /// exp(max(0, mu(T))) with mu(T) = max_i (t_ii + sum_{j != i} |t_ij|), the
  /// logarithmic infinity norm. It is 0 for the usual neuron models (decay
  /// dominates coupling in every row).
  Real log2GrowthBound = 0.0L;
};

Real Computation::flushThreshold(int left) const {
  // A perturbation d of E_k = exp(2^-left T) (or of F_k) grows to at most
  // about 2^(left + 2) G^2 d through the `left` squarings to come, where G
  // bounds ||exp(s T)|| for 0 <= s <= 1 (in the infinity norm; a row holds
  // at most n dropped entries).
  Real target = format.minNormal * format.unitRoundoff / 4 /
                std::max<Real>(1.0L, dt);
  Real log2Threshold = std::log2(target) - std::log2(static_cast<Real>(n)) -
                       (left + 2) - 2 * log2GrowthBound;
  if (!(log2Threshold > -16000.0L))
    return 0.0L;
  return std::exp2(log2Threshold);
}

void Computation::setExactEntries(Real scale) {
  for (int i = 0; i < n; ++i) {
    if (!isScalarBlock(i))
      continue;
    Real a = diagonal(i) * scale;
    e.set(i, i, std::exp(a));
    f.set(i, i, phi1(a));
    if (i + 1 < n && isScalarBlock(i + 1)) {
      Real c = superdiagonal(i) * scale;
      Real b = diagonal(i + 1) * scale;
      e.set(i, i + 1, c == 0.0L ? 0.0L : c * expDividedDifference(a, b));
    }
  }
}

void Computation::run() {
  // Scale T by 2^-j so that its norm is at most 1/2: the series then
  // converges fast, and j squarings undo the scaling.
  Real norm1 = 0.0L, normInf = 0.0L;
  std::vector<Real> columnSums(n, 0.0L);
  for (int i = 0; i < n; ++i) {
    Real rowSum = 0.0L;
    for (const auto &[j, v] : t[i]) {
      rowSum += std::fabs(v);
      columnSums[j] += std::fabs(v);
    }
    normInf = std::max(normInf, rowSum);
  }
  for (Real c : columnSums)
    norm1 = std::max(norm1, c);
  Real theta = std::min(norm1, normInf);
  Real logNorm = 0.0L;
  for (int i = 0; i < n; ++i) {
    Real sum = 0.0L;
    for (const auto &[j, v] : t[i])
      sum += j == i ? v : std::fabs(v);
    logNorm = std::max(logNorm, sum);
  }
  log2GrowthBound = logNorm / std::log(2.0L);
  int j = 0;
  if (theta > 0.5L)
    j = static_cast<int>(std::ceil(std::log2(theta / 0.5L)));
  squarings = j;
  Real scale = std::ldexp(1.0L, -j);
  SparseMatrix x = t;
  for (auto &row : x)
    for (auto &[col, v] : row)
      v *= scale;

  // F = phi1(X) = sum_k X^k / (k + 1)!, summed until every entry of the
  // next term is negligible next to the sum so far (componentwise, so that
  // small entries far from the diagonal, e.g. e^-x x^k / k! along a chain,
  // are accurate too) or below the flush threshold. The series' terms are
  // at most 2^-k / (k + 1)! in norm: after 300, whatever is left is below
  // 1e-700 relative to the sum.
  RowMatrix term = RowMatrix::identity(n);
  f = RowMatrix::identity(n);
  Real threshold = flushThreshold(j);
  for (int k = 1; k <= 300; ++k) {
    term = multiply(x, term);
    for (std::vector<Real> &row : term.rows)
      for (Real &v : row)
        v /= static_cast<Real>(k + 1);
    term.flush(threshold);
    bool converged = true;
    for (int i = 0; i < n && converged; ++i)
      for (size_t c = 0; c < term.rows[i].size(); ++c) {
        Real v = term.rows[i][c];
        if (std::fabs(v) > kRealEpsilon / 4 *
                               std::fabs(f.at(i, term.lo[i] + int(c)))) {
          converged = false;
          break;
        }
      }
    f = addScaled(f, term, 1.0L);
    if (converged)
      break;
  }
  // E = I + X F.
  e = addScaled(multiply(x, f), RowMatrix::identity(n), 1.0L);
  setExactEntries(scale);

  // Squaring: exp(2Y) = exp(Y)^2 and phi1(2Y) = (exp(Y) + I) phi1(Y) / 2.
  for (int k = 1; k <= j; ++k) {
    threshold = flushThreshold(j - k + 1);
    e.flush(threshold);
    f.flush(threshold);
    RowMatrix ef = multiply(e, f);
    f = addScaled(ef, f, 0.5L);
    e = multiply(e, e);
    setExactEntries(std::ldexp(1.0L, k - j));
    if (!e.allFinite() || !f.allFinite())
      break; // overflow: reported by the caller
  }
}

Real Computation::check(int &row, int &col, Real kappa) const {
  // For exact E and F, T F = F T = E - I. Were they exact for T + D instead,
  // the residuals would be -D F and -F D: bounded by u |T| |F| and
  // u |F| |T| if |D| <= u |T| (a backward error of u, the format's unit
  // roundoff). Add u |E| for the final rounding of E, and an absolute floor
  // for the entries flushed below the smallest normal number.
  Real u = format.unitRoundoff;
  Real floor = format.minNormal;
  Real worst = 0.0L;
  row = col = 0;
  std::vector<Real> product(n), bound(n);
  std::vector<int> touched;
  auto compare = [&](int i) {
    for (int c : touched) {
      Real ec = e.at(i, c);
      Real residual = std::fabs(product[c] - (ec - (c == i ? 1.0L : 0.0L)));
      Real ratio = residual / (kappa * u * (bound[c] + std::fabs(ec)) + floor);
      if (!(ratio <= worst)) {
        worst = ratio;
        row = i;
        col = c;
      }
      product[c] = bound[c] = 0.0L;
    }
  };
  std::vector<bool> seen(n, false);
  auto touch = [&](int c) {
    if (!seen[c]) {
      seen[c] = true;
      touched.push_back(c);
    }
  };
  for (int i = 0; i < n; ++i) {
    // Row i of T F - (E - I) and of F T - (E - I), over every column where
    // either side is non-zero.
    for (int pass = 0; pass < 2; ++pass) {
      touched.clear();
      touch(i);
      for (size_t k = 0; k < e.rows[i].size(); ++k)
        touch(e.lo[i] + static_cast<int>(k));
      if (pass == 0) {
        for (const auto &[l, v] : t[i])
          for (size_t k = 0; k < f.rows[l].size(); ++k) {
            int c = f.lo[l] + static_cast<int>(k);
            touch(c);
            product[c] += v * f.rows[l][k];
            bound[c] += std::fabs(v * f.rows[l][k]);
          }
      } else {
        for (size_t k = 0; k < f.rows[i].size(); ++k) {
          Real fv = f.rows[i][k];
          for (const auto &[c, v] : t[f.lo[i] + static_cast<int>(k)]) {
            touch(c);
            product[c] += fv * v;
            bound[c] += std::fabs(fv * v);
          }
        }
      }
      compare(i);
      for (int c : touched)
        seen[c] = false;
    }
  }
  return worst;
}
} // namespace

Propagator mlir::snn::computePropagator(const std::vector<double> &a, int s,
                                        double dt, FloatFormat floatFormat,
                                        const std::vector<std::string> &names) {
  Propagator result;
  Format format = formatOf(floatFormat);
  auto name = [&](int i) {
    return names.size() == static_cast<size_t>(s) ? names[i]
                                                  : "x" + std::to_string(i);
  };
  auto fail = [&](std::string message) {
    result.error = std::move(message);
    result.p.clear();
    result.m.clear();
    return result;
  };

  // T = A dt, sparse, in long double.
  SparseMatrix x(s);
  Real maxDiagonal = -std::numeric_limits<Real>::infinity();
  for (int i = 0; i < s; ++i)
    for (int j = 0; j < s; ++j) {
      double v = a[i * s + j];
      if (!std::isfinite(v))
        return fail("the coefficient of " + name(j) + " in d" + name(i) +
                    "/dt is " + formatNumber(v));
      if (v != 0.0)
        x[i].emplace_back(j, static_cast<Real>(v) * dt);
      if (i == j)
        maxDiagonal = std::max(maxDiagonal, static_cast<Real>(v) * dt);
    }

  std::vector<int> order, blockBegin, blockEnd;
  blockTriangularOrder(x, order, blockBegin, blockEnd);
  std::vector<int> position(s);
  for (int k = 0; k < s; ++k)
    position[order[k]] = k;
  SparseMatrix t(s);
  for (int k = 0; k < s; ++k) {
    for (const auto &[j, v] : x[order[k]])
      t[k].emplace_back(position[j], v);
    std::sort(t[k].begin(), t[k].end());
  }

  Computation c(std::move(t), std::move(blockBegin), std::move(blockEnd),
                format, dt);
  c.run();
  result.squarings = c.squarings;

  // Overflow: non-finite in long double, or beyond the format's range.
  Real largest = 0.0L;
  bool finite = c.e.allFinite() && c.f.allFinite();
  for (int i = 0; i < s && finite; ++i) {
    for (Real v : c.e.rows[i])
      largest = std::max(largest, std::fabs(v));
    for (Real v : c.f.rows[i])
      largest = std::max(largest, std::fabs(v) * dt);
  }
  if (!finite || largest > format.max) {
    std::string magnitude = finite ? "reaches " + formatNumber(largest)
                                   : "overflows even in extended precision";
    return fail("exp(A dt) " + magnitude + ", beyond the range of " +
                formatName(floatFormat) +
                ": the system grows too fast over one step (the largest "
                "diagonal entry of A dt is " +
                formatNumber(maxDiagonal) + ")");
  }

  // The a-posteriori check, to a few units of the format's roundoff.
  int row = 0, col = 0;
  const Real kappa = 8.0L;
  Real ratio = c.check(row, col, kappa);
  result.checkRatio = static_cast<double>(ratio);
  if (!(ratio <= 1.0L))
    return fail("the result fails its check (A M = M A = exp(A dt) - I, off "
                "by " +
                formatNumber(ratio * kappa) + " rounding errors of " +
                formatName(floatFormat) + " at d" + name(order[row]) + "/dt, " +
                name(order[col]) +
                "): the system is too stiff or too ill-conditioned for this "
                "time step");

  // Back to the original order, rounded once to the format; entries below
  // its smallest normal number are dropped (they would only cost subnormal
  // arithmetic).
  auto round = [&](Real v) {
    return floatFormat == FloatFormat::F32
               ? static_cast<double>(static_cast<float>(v))
               : static_cast<double>(v);
  };
  result.p.assign(static_cast<size_t>(s) * s, 0.0);
  result.m.assign(static_cast<size_t>(s) * s, 0.0);
  for (int i = 0; i < s; ++i) {
    for (size_t k = 0; k < c.e.rows[i].size(); ++k) {
      Real v = c.e.rows[i][k];
      int j = c.e.lo[i] + static_cast<int>(k);
      if (std::fabs(v) >= format.minNormal)
        result.p[size_t(order[i]) * s + order[j]] = round(v);
    }
    for (size_t k = 0; k < c.f.rows[i].size(); ++k) {
      Real v = c.f.rows[i][k] * dt;
      int j = c.f.lo[i] + static_cast<int>(k);
      if (std::fabs(v) >= format.minNormal)
        result.m[size_t(order[i]) * s + order[j]] = round(v);
    }
  }
  return result;
}
