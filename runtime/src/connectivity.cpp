//===- connectivity.cpp - CSR from synapse lists ----------------------------===//
//
// The runtime draws no connectivity: every rule but list is drawn by the
// model's generated build kernels (docs/gpu-abi.md). The tests keep an
// independent implementation of the rules (test/unittests/runtime/
// ReferenceConnectivity.h) to check those kernels against.

#include "snnrt/connectivity.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace snnrt {

namespace {

bool indexValue(double v, int64_t limit, int64_t &out) {
  if (!(v >= 0) || v != std::floor(v) || v >= double(limit))
    return false;
  out = int64_t(v);
  return true;
}

} // namespace

bool buildFromList(const Table &table, const std::string &path, int64_t npre,
                   int64_t npost, Csr &out, std::string &error) {
  out = Csr();
  ListColumns cols;
  if (!findListColumns(table, path, cols, error))
    return false;
  size_t n = table.rows();
  std::vector<int32_t> pre(n), post(n);
  for (size_t r = 0; r < n; ++r) {
    int64_t a, b;
    double va = table.data[cols.pre][r], vb = table.data[cols.post][r];
    if (!indexValue(va, npre, a)) {
      error = table.rowLocation(path, r) + ": pre index " + formatNumber(va) +
              (va == std::floor(va)
                   ? " is out of range [0, " + std::to_string(npre) + ")"
                   : " is not an integer");
      return false;
    }
    if (!indexValue(vb, npost, b)) {
      error = table.rowLocation(path, r) + ": post index " + formatNumber(vb) +
              (vb == std::floor(vb)
                   ? " is out of range [0, " + std::to_string(npost) + ")"
                   : " is not an integer");
      return false;
    }
    pre[r] = int32_t(a);
    post[r] = int32_t(b);
  }
  // Counting sort by pre (stable).
  out.rowPtr.assign(npre + 1, 0);
  for (size_t r = 0; r < n; ++r)
    ++out.rowPtr[pre[r] + 1];
  for (int64_t i = 0; i < npre; ++i)
    out.rowPtr[i + 1] += out.rowPtr[i];
  out.col.resize(n);
  out.source.resize(n);
  std::vector<int64_t> fill(out.rowPtr.begin(), out.rowPtr.end() - 1);
  for (size_t r = 0; r < n; ++r) {
    int64_t at = fill[pre[r]]++;
    out.col[at] = post[r];
    out.source[at] = int64_t(r);
  }
  return true;
}

bool delayToSteps(double delayMs, double dt, int32_t &steps) {
  if (!std::isfinite(delayMs) || delayMs < 0 || !(dt > 0))
    return false;
  double s = std::round(delayMs / dt); // half away from zero
  if (s > double(INT32_MAX))
    return false;
  steps = int32_t(s);
  return true;
}

} // namespace snnrt
