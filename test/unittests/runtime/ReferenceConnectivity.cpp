//===- ReferenceConnectivity.cpp - The connectivity rules, for tests ------===//
//
// An implementation of the random connectivity rules of docs/runtime-abi.md
// written from the ABI on the host, apart from the compiler's build kernels
// (the one implementation simulators use): the oracle the tests check those
// kernels' synapses against.
//
//===----------------------------------------------------------------------===//

#include "ReferenceConnectivity.h"
#include "ReferencePhilox.h"

#include "parallel.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <cmath>
#include <memory>

namespace snnrt {

Csr buildAllToAll(int64_t npre, int64_t npost, bool excludeSelf) {
  Csr c;
  c.rowPtr.resize(npre + 1);
  c.rowPtr[0] = 0;
  for (int64_t i = 0; i < npre; ++i) {
    int64_t rowLen = npost - (excludeSelf && i < npost ? 1 : 0);
    c.rowPtr[i + 1] = c.rowPtr[i] + rowLen;
  }
  c.col.resize(c.rowPtr[npre]);
  detail::parallelFor(npre, 64, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      int64_t k = c.rowPtr[i];
      for (int64_t j = 0; j < npost; ++j)
        if (!(excludeSelf && j == i))
          c.col[k++] = int32_t(j);
    }
  });
  return c;
}

Csr buildOneToOne(int64_t n) {
  Csr c;
  c.rowPtr.resize(n + 1);
  c.col.resize(n);
  for (int64_t i = 0; i <= n; ++i)
    c.rowPtr[i] = i;
  for (int64_t i = 0; i < n; ++i)
    c.col[i] = int32_t(i);
  return c;
}

namespace {

/// Row i of a fixed_probability projection: calls `onSynapse(j)` for each
/// post j, in ascending order (geometric skipping, see the header).
template <typename OnSynapse>
void fixedProbabilityRow(int64_t i, int64_t npost, double logq,
                         bool excludeSelf, uint64_t seed, uint32_t projection,
                         OnSynapse onSynapse) {
  bool skipSelf = excludeSelf && i < npost;
  int64_t m = npost - (skipSelf ? 1 : 0); // number of candidates
  int64_t pos = -1;                       // last chosen candidate
  uint64_t draw = 0;
  while (true) {
    double u = uniform01(seed, RngPurpose::Connectivity, projection,
                         uint32_t(i), uint32_t(draw), uint32_t(draw >> 32));
    ++draw;
    double skip = std::floor(std::log1p(-u) / logq);
    if (!(skip < double(m - pos - 1)))
      break;
    pos += int64_t(skip) + 1;
    onSynapse(skipSelf && pos >= i ? pos + 1 : pos);
  }
}

} // namespace

Csr buildFixedProbability(int64_t npre, int64_t npost, double p,
                          bool excludeSelf, uint64_t seed,
                          uint32_t projection) {
  Csr c;
  c.rowPtr.assign(npre + 1, 0);
  if (npre == 0)
    return c;
  if (p >= 1.0)
    return buildAllToAll(npre, npost, excludeSelf);
  if (p <= 0.0)
    return c;
  const double logq = std::log1p(-p);
  // Rows are independent (counter-based draws), so chunks of rows are built
  // in parallel and concatenated; the result does not depend on threading.
  int64_t threads = std::min<int64_t>(detail::workerThreads(),
                                      std::max<int64_t>(1, npre / 16));
  int64_t chunk = (npre + threads - 1) / threads;
  std::vector<std::vector<int32_t>> parts((npre + chunk - 1) / chunk);
  std::vector<int64_t> rowLen(npre, 0);
  detail::parallelFor(int64_t(parts.size()), 1, [&](int64_t pb, int64_t pe) {
    for (int64_t part = pb; part < pe; ++part) {
      std::vector<int32_t> &out = parts[part];
      int64_t rb = part * chunk, re = std::min(npre, rb + chunk);
      out.reserve(size_t(double(re - rb) * double(npost) * p * 1.05) + 16);
      for (int64_t i = rb; i < re; ++i) {
        size_t before = out.size();
        fixedProbabilityRow(i, npost, logq, excludeSelf, seed, projection,
                            [&](int64_t j) { out.push_back(int32_t(j)); });
        rowLen[i] = int64_t(out.size() - before);
      }
    }
  });
  for (int64_t i = 0; i < npre; ++i)
    c.rowPtr[i + 1] = c.rowPtr[i] + rowLen[i];
  c.col.resize(c.rowPtr[npre]);
  size_t at = 0;
  for (auto &part : parts) {
    std::copy(part.begin(), part.end(), c.col.begin() + at);
    at += part.size();
    std::vector<int32_t>().swap(part);
  }
  return c;
}

int64_t countAllToAll(int64_t npre, int64_t npost, bool excludeSelf) {
  return npre * npost -
         (excludeSelf ? std::min<int64_t>(npre, npost) : int64_t(0));
}

int64_t countFixedProbability(int64_t npre, int64_t npost, double p,
                              bool excludeSelf, uint64_t seed,
                              uint32_t projection) {
  if (npre <= 0 || p <= 0.0)
    return 0;
  if (p >= 1.0)
    return countAllToAll(npre, npost, excludeSelf);
  const double logq = std::log1p(-p);
  std::atomic<int64_t> total{0};
  detail::parallelFor(npre, 64, [&](int64_t b, int64_t e) {
    int64_t n = 0;
    for (int64_t i = b; i < e; ++i)
      fixedProbabilityRow(i, npost, logq, excludeSelf, seed, projection,
                          [&](int64_t) { ++n; });
    total += n;
  });
  return total.load();
}

bool buildFixedIndegree(int64_t npre, int64_t npost, int64_t indegree,
                        bool excludeSelf, uint64_t seed, uint32_t projection,
                        Csr &out, std::string &error) {
  out = Csr();
  out.rowPtr.assign(npre + 1, 0);
  if (indegree < 0) {
    error = "negative in-degree";
    return false;
  }
  if (npost == 0 || indegree == 0)
    return true;
  for (int64_t j = 0; j < npost; ++j) {
    int64_t candidates = npre - (excludeSelf && j < npre ? 1 : 0);
    if (indegree > candidates) {
      error = "in-degree " + std::to_string(indegree) + " exceeds the " +
              std::to_string(candidates) + " possible presynaptic neurons";
      return false;
    }
  }
  const int64_t k = indegree;
  std::vector<int32_t> chosen(size_t(npost * k));
  detail::parallelFor(npost, 16, [&](int64_t b, int64_t e) {
    std::vector<uint8_t> mark(npre, 0);
    for (int64_t j = b; j < e; ++j) {
      bool skipSelf = excludeSelf && j < npre;
      int64_t n = npre - (skipSelf ? 1 : 0);
      int32_t *row = &chosen[size_t(j * k)];
      uint64_t draw = 0;
      // Floyd: for m in [n - k, n): t = uniform int in [0, m]; take t unless
      // already taken, then take m.
      for (int64_t m = n - k, r = 0; m < n; ++m, ++r) {
        double u = uniform01(seed, RngPurpose::Connectivity, projection,
                             uint32_t(j), uint32_t(draw), uint32_t(draw >> 32));
        ++draw;
        int64_t t = int64_t(u * double(m + 1));
        if (t > m)
          t = m;
        int64_t pick = mark[t] ? m : t;
        mark[pick] = 1;
        row[r] = int32_t(pick);
      }
      for (int64_t r = 0; r < k; ++r) {
        mark[row[r]] = 0;
        if (skipSelf && row[r] >= j)
          row[r] += 1; // candidate index -> neuron index
      }
    }
  });
  // Transpose to CSR by pre; iterating posts in order keeps rows ascending.
  for (int64_t j = 0; j < npost; ++j)
    for (int64_t r = 0; r < k; ++r)
      ++out.rowPtr[chosen[size_t(j * k + r)] + 1];
  for (int64_t i = 0; i < npre; ++i)
    out.rowPtr[i + 1] += out.rowPtr[i];
  out.col.resize(size_t(npost * k));
  std::vector<int64_t> fill(out.rowPtr.begin(), out.rowPtr.end() - 1);
  for (int64_t j = 0; j < npost; ++j)
    for (int64_t r = 0; r < k; ++r)
      out.col[fill[chosen[size_t(j * k + r)]]++] = int32_t(j);
  return true;
}

namespace {

/// floor(bits * m / 2^64): an integer in [0, m) from 64 random bits. Each
/// value has floor or ceil of 2^64 / m preimages, a relative bias below
/// m / 2^64 (under 2^-33 for m < 2^31).
inline int64_t scaleBits(uint32_t hi, uint32_t lo, int64_t m) {
  uint64_t bits = (uint64_t(hi) << 32) | lo;
  return int64_t((unsigned __int128)bits * uint64_t(m) >> 64);
}

} // namespace

void fixedTotalNumberPair(int64_t npre, int64_t npost, bool excludeSelf,
                          uint64_t seed, uint32_t projection, uint64_t s,
                          int64_t &pre, int64_t &post) {
  PhiloxCounter x = philoxDraw(seed, RngPurpose::Connectivity, projection, 0,
                               uint32_t(s), uint32_t(s >> 32));
  pre = scaleBits(x[0], x[1], npre);
  // Excluding self (pre and post are the same population): the post is one
  // of the other npost - 1 neurons.
  bool skipSelf = excludeSelf && pre < npost;
  post = scaleBits(x[2], x[3], npost - (skipSelf ? 1 : 0));
  if (skipSelf && post >= pre)
    ++post;
}

bool buildFixedTotalNumber(int64_t npre, int64_t npost, int64_t total,
                           bool excludeSelf, uint64_t seed,
                           uint32_t projection, Csr &out,
                           std::string &error) {
  out = Csr();
  out.rowPtr.assign(size_t(std::max<int64_t>(npre, 0)) + 1, 0);
  if (total < 0) {
    error = "negative total number of synapses";
    return false;
  }
  if (total == 0)
    return true;
  // Self-connections are only excluded for a population onto itself, where
  // npre == npost; each pre then has npost - 1 candidates.
  if (excludeSelf && npre != npost) {
    error = "self-connections can only be excluded between a population and "
            "itself";
    return false;
  }
  int64_t perRow = npost - (excludeSelf ? 1 : 0);
  if (npre <= 0 || perRow <= 0) {
    error = "cannot draw " + std::to_string(total) +
            " synapses: there is no (pre, post) pair to connect (" +
            std::to_string(npre) + " pre and " + std::to_string(npost) +
            " post neurons" + (excludeSelf ? ", self-connections excluded" : "") +
            ")";
    return false;
  }
  // 1. Count the synapses of each row (pre) over all draws.
  std::unique_ptr<std::atomic<int64_t>[]> count(
      new std::atomic<int64_t>[size_t(npre)]);
  for (int64_t i = 0; i < npre; ++i)
    count[size_t(i)].store(0, std::memory_order_relaxed);
  const int64_t grain = 1 << 16;
  detail::parallelFor(total, grain, [&](int64_t b, int64_t e) {
    for (int64_t s = b; s < e; ++s) {
      int64_t pre, post;
      fixedTotalNumberPair(npre, npost, excludeSelf, seed, projection,
                           uint64_t(s), pre, post);
      count[size_t(pre)].fetch_add(1, std::memory_order_relaxed);
    }
  });
  for (int64_t i = 0; i < npre; ++i)
    out.rowPtr[size_t(i) + 1] =
        out.rowPtr[size_t(i)] + count[size_t(i)].load(std::memory_order_relaxed);
  // 2. Draw again (counter-based: the same pairs) and scatter each post into
  //    its row; cursors start at the row starts.
  for (int64_t i = 0; i < npre; ++i)
    count[size_t(i)].store(out.rowPtr[size_t(i)], std::memory_order_relaxed);
  out.col.resize(size_t(total));
  detail::parallelFor(total, grain, [&](int64_t b, int64_t e) {
    for (int64_t s = b; s < e; ++s) {
      int64_t pre, post;
      fixedTotalNumberPair(npre, npost, excludeSelf, seed, projection,
                           uint64_t(s), pre, post);
      int64_t at = count[size_t(pre)].fetch_add(1, std::memory_order_relaxed);
      out.col[size_t(at)] = int32_t(post);
    }
  });
  count.reset();
  // 3. Sort each row by post: the order of the scatter depended on the
  //    threads, the sorted rows do not (equal posts are interchangeable).
  detail::parallelFor(npre, 256, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      std::sort(out.col.begin() + out.rowPtr[size_t(i)],
                out.col.begin() + out.rowPtr[size_t(i) + 1]);
  });
  return true;
}

} // namespace snnrt
