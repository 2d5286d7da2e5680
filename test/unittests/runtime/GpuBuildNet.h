//===- GpuBuildNet.h - Connectivity built on the device (tests) -*- C++ -*-===//
//
// The counter model (GpuCounterNet.h) with four projections, built on the
// device (its descriptor's gpu.build, docs/gpu-abi.md "Connectivity on the
// device"; the runtime draws no connectivity itself):
//
//   0 "aa": a -> a, fixed_probability 0.2 without self-connections, uniform
//           weights, normal delays: rows, fill, delays, values
//   1 "ba": b -> a, all_to_all, constant weight and delay: rows, fill
//   2 "bb": b -> b, one_to_one, normal weights, constant delay: rows, fill,
//           values
//   3 "ab": a -> b, fixed_indegree 3, uniform weights and delays: rows with
//           a kept scratch of 2 * 37 + 5 * 3 words, fill, sort, delays,
//           values
//
// The counter phases ignore the new buffers (ids 14 and up), so runs still
// match counterReference(). gpuBuildKernel() is a host version of the build
// kernels (what the compiler's kernels must compute), written from the ABI
// and the runtime's host builders; kernel number 4 e + k is kernel k (rows,
// fill, delays, values) of projection e, 16 + e its sort kernel, 20 + e its
// delay_at kernel.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_TEST_GPUBUILDNET_H
#define SNNRT_TEST_GPUBUILDNET_H

#include "ReferenceConnectivity.h"
#include "snnrt/descriptor.h"
#include "snnrt/network.h"
#include "ReferencePhilox.h"

#include "GpuCounterNet.h"

#include <algorithm>
#include <functional>
#include <map>
#include <climits>
#include <cmath>
#include <cstring>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace snnrt_test {

enum BuildNetBuffers {
  kAARowPtr = 14,
  kAACol = 15,
  kAAWeight = 16,
  kAADelay = 17,
  kBARowPtr = 18,
  kBACol = 19,
  kBBRowPtr = 20,
  kBBCol = 21,
  kBBWeight = 22,
  kABRowPtr = 23,
  kABCol = 24,
  kABWeight = 25,
  kABDelay = 26,
  kRingA = 27,
  kRingB = 28,
};

enum BuildKernelKind {
  kRows = 0,
  kFill = 1,
  kDelays = 2,
  kValues = 3,
  kSort = 4,
  kDelayAt = 5,
  kColumns = 6
};

/// The number of kernel `kind` of projection `e` ("emulate").
inline int buildKernelNumber(int projection, int kind) {
  return kind == kSort      ? 16 + projection
         : kind == kDelayAt ? 20 + projection
         : kind == kColumns ? 24 + projection
                            : 4 * projection + kind;
}

/// "snn_build_rows_0", ...
inline std::string buildKernelName(int projection, int kind) {
  static const char *names[] = {"rows", "fill",     "delays", "values",
                                "sort", "delay_at", "columns"};
  return std::string("snn_build_") + names[kind] + "_" +
         std::to_string(projection);
}

/// The words of the kept scratch of "ab" on the device: 2 npre + npost k.
inline constexpr int64_t kABScratchWords = 2 * 37 + 5 * 3;

/// The descriptor of the counter model with projections (as JSON).
inline nlohmann::json buildNetJson() {
  using json = nlohmann::json;
  json d = json::parse(kCounterDescriptor);
  d["model"] = "counter-synapses";
  auto buf = [&](const char *name, const char *type, json count) {
    int id = int(d["buffers"].size());
    d["buffers"].push_back(
        {{"id", id}, {"name", name}, {"type", type}, {"count", count}});
  };
  buf("aa.row_ptr", "i64", 38);
  buf("aa.col", "i32", {{"synapses", "aa"}});
  buf("aa.weight", "f64", {{"synapses", "aa"}});
  buf("aa.delay", "i32", {{"synapses", "aa"}});
  buf("ba.row_ptr", "i64", 6);
  buf("ba.col", "i32", {{"synapses", "ba"}});
  buf("bb.row_ptr", "i64", 6);
  buf("bb.col", "i32", {{"synapses", "bb"}});
  buf("bb.weight", "f64", {{"synapses", "bb"}});
  buf("ab.row_ptr", "i64", 38);
  buf("ab.col", "i32", {{"synapses", "ab"}});
  buf("ab.weight", "f64", {{"synapses", "ab"}});
  buf("ab.delay", "i32", {{"synapses", "ab"}});
  buf("ring.a.v", "f64", {{"ring", "a.v"}});
  buf("ring.b.x", "f64", {{"ring", "b.x"}});
  auto uniform = [](double a, double b) {
    return json{{"kind", "uniform"}, {"low", a}, {"high", b}};
  };
  auto normal = [](double m, double s) {
    return json{{"kind", "normal"}, {"mean", m}, {"std", s}};
  };
  auto constant = [](double v) {
    return json{{"kind", "constant"}, {"value", v}};
  };
  d["projections"] = {
      {{"name", "aa"},
       {"pre", "a"},
       {"post", "a"},
       {"target", "v"},
       {"connectivity",
        {{"kind", "fixed_probability"}, {"p", 0.2}, {"allow_self", false}}},
       {"weight", uniform(0.5, 1.5)},
       {"delay", normal(2.0, 0.3)},
       {"row_ptr", kAARowPtr},
       {"col", kAACol},
       {"weight_buffer", kAAWeight},
       {"delay_buffer", kAADelay},
       {"ring", "a.v"}},
      {{"name", "ba"},
       {"pre", "b"},
       {"post", "a"},
       {"target", "v"},
       {"connectivity", {{"kind", "all_to_all"}}},
       {"weight", constant(0.5)},
       {"delay", constant(0.3)},
       {"row_ptr", kBARowPtr},
       {"col", kBACol},
       {"ring", "a.v"}},
      {{"name", "bb"},
       {"pre", "b"},
       {"post", "b"},
       {"target", "x"},
       {"connectivity", {{"kind", "one_to_one"}}},
       {"weight", normal(1.0, 0.25)},
       {"delay", constant(0.1)},
       {"row_ptr", kBBRowPtr},
       {"col", kBBCol},
       {"weight_buffer", kBBWeight},
       {"ring", "b.x"}},
      {{"name", "ab"},
       {"pre", "a"},
       {"post", "b"},
       {"target", "x"},
       {"connectivity", {{"kind", "fixed_indegree"}, {"indegree", 3}}},
       {"weight", uniform(-1.0, 0.0)},
       {"delay", uniform(0.1, 0.9)},
       {"row_ptr", kABRowPtr},
       {"col", kABCol},
       {"weight_buffer", kABWeight},
       {"delay_buffer", kABDelay},
       {"ring", "b.x"}}};
  d["rings"] = {{{"name", "a.v"},
                 {"population", "a"},
                 {"variable", "v"},
                 {"buffer", kRingA},
                 {"projections", {"aa", "ba"}}},
                {{"name", "b.x"},
                 {"population", "b"},
                 {"variable", "x"},
                 {"buffer", kRingB},
                 {"projections", {"bb", "ab"}}}};
  auto kernel = [](int e, int kind, bool work) {
    json k = {{"kernel", buildKernelName(e, kind)},
              {"emulate", buildKernelNumber(e, kind)}};
    if (work)
      k["work"] = e == 0 || kind == kSort ? 37 : 5;
    return k;
  };
  d["gpu"]["build"] = {{{"projection", "aa"},
                        {"rows", kernel(0, kRows, true)},
                        {"fill", kernel(0, kFill, true)},
                        {"delays", kernel(0, kDelays, false)},
                        {"delay_at", kernel(0, kDelayAt, false)},
                        {"values", kernel(0, kValues, false)},
                        {"writes", {kAACol, kAAWeight, kAADelay}}},
                       {{"projection", "ba"},
                        {"rows", kernel(1, kRows, true)},
                        {"fill", kernel(1, kFill, false)},
                        {"writes", {kBACol}}},
                       {{"projection", "bb"},
                        {"rows", kernel(2, kRows, true)},
                        {"fill", kernel(2, kFill, true)},
                        {"values", kernel(2, kValues, false)},
                        {"writes", {kBBCol, kBBWeight}}}};
  d["gpu"]["build"].push_back({{"projection", "ab"},
                                 {"scratch", kABScratchWords},
                                 {"rows", kernel(3, kRows, true)},
                                 {"fill", kernel(3, kFill, true)},
                                 {"sort", kernel(3, kSort, true)},
                                 {"delays", kernel(3, kDelays, false)},
                                 {"delay_at", kernel(3, kDelayAt, false)},
                                 {"values", kernel(3, kValues, false)},
                                 {"writes", {kABCol, kABWeight, kABDelay}}});
  return d;
}

/// buildNetJson() with "ba" (b -> a, all_to_all) held as rows of bits, as
/// snnc's dense storage does: 5 rows of one 64-bit word (a has 37 neurons)
/// in place of the columns, a stored buffer its fill kernel writes, and a
/// columns kernel that reads them back.
inline nlohmann::json denseBANetJson() {
  nlohmann::json j = buildNetJson();
  j["buffers"][kBACol] = {{"id", kBACol}, {"name", "ba.mask"},
                          {"type", "i64"}, {"count", 5}};
  nlohmann::json &ba = j["projections"][1];
  ba.erase("col");
  ba["stored"] = {kBACol};
  ba["storage"] = "dense";
  j["gpu"]["build"][1]["columns"] = {
      {"kernel", buildKernelName(1, kColumns)},
      {"emulate", buildKernelNumber(1, kColumns)}};
  return j;
}

/// The host CSR of projection `e` (any rule but list), as the runtime
/// builds it.
inline snnrt::Csr referenceCsr(const snnrt::Descriptor &d, int e,
                               uint64_t seed) {
  const snnrt::ProjectionDesc &pr = d.projections[e];
  int64_t npre = d.populations[pr.preIndex].size;
  int64_t npost = d.populations[pr.postIndex].size;
  bool excludeSelf = !pr.connectivity.allowSelf && pr.preIndex == pr.postIndex;
  switch (pr.connectivity.kind) {
  case snnrt::ConnectivityDesc::Kind::AllToAll:
    return snnrt::buildAllToAll(npre, npost, excludeSelf);
  case snnrt::ConnectivityDesc::Kind::OneToOne:
    return snnrt::buildOneToOne(npre);
  case snnrt::ConnectivityDesc::Kind::FixedProbability:
    return snnrt::buildFixedProbability(npre, npost, pr.connectivity.p,
                                        excludeSelf, seed, uint32_t(e));
  case snnrt::ConnectivityDesc::Kind::FixedIndegree: {
    snnrt::Csr c;
    std::string error;
    EXPECT_TRUE(snnrt::buildFixedIndegree(npre, npost, pr.connectivity.indegree,
                                          excludeSelf, seed, uint32_t(e), c,
                                          error))
        << error;
    return c;
  }
  case snnrt::ConnectivityDesc::Kind::FixedTotalNumber: {
    snnrt::Csr c;
    std::string error;
    EXPECT_TRUE(snnrt::buildFixedTotalNumber(
        npre, npost, pr.connectivity.total, excludeSelf, seed, uint32_t(e), c,
        error))
        << error;
    return c;
  }
  default:
    return snnrt::Csr();
  }
}

/// Value of synapse s of a uniform or normal spec (purpose 5 or 6).
inline double referenceSynapseValue(const snnrt::ValueSpec &v,
                                    snnrt::RngPurpose purpose, int e,
                                    uint64_t seed, int64_t s) {
  uint32_t lo = uint32_t(s), hi = uint32_t(uint64_t(s) >> 32);
  if (v.kind == snnrt::ValueSpec::Kind::Uniform)
    return v.low + (v.high - v.low) *
                       snnrt::uniform01(seed, purpose, uint32_t(e), lo, hi, 0);
  if (v.kind == snnrt::ValueSpec::Kind::Normal) // clipped: max, then min
    return std::min(
        std::max(v.mean + v.std * snnrt::standardNormal(seed, purpose,
                                                        uint32_t(e), lo, hi, 0),
                 v.clipLow),
        v.clipHigh);
  return v.value;
}

/// Buffer k of a memref'd arena.
template <typename T> T *arenaBuffer(snnrt::MemRefI8 *arena, int k) {
  return counterBuffer<T>(arena, k);
}

/// Build kernel number `kernel` (buildKernelNumber) of descriptor `d` with
/// (arena, scratch), as the generated kernels compute it (docs/gpu-abi.md).
/// Those of a projection with a kept scratch (fixed_indegree) differ in
/// how, not in what: rows leaves the CSR's columns in the scratch after the
/// counts, fill copies them from there, each row reversed (an order the
/// sort must undo), and sort sorts the rows.
inline void referenceKernel(const snnrt::Descriptor &d, snnrt::MemRefI8 *arena,
                            snnrt::MemRefI8 *scratch, int64_t seed, int64_t n,
                            int e, int kind);

inline void gpuBuildKernel(const snnrt::Descriptor &d, snnrt::MemRefI8 *arena,
                           snnrt::MemRefI8 *scratch, int64_t seed, int64_t n,
                           int64_t kernel) {
  int e = int(kernel >= 24   ? kernel - 24
              : kernel >= 20 ? kernel - 20
              : kernel >= 16 ? kernel - 16
                             : kernel / 4);
  int kind = int(kernel >= 24   ? kColumns
                 : kernel >= 20 ? kDelayAt
                 : kernel >= 16 ? kSort
                                : kernel % 4);
  referenceKernel(d, arena, scratch, seed, n, e, kind);
}

/// The (projection, kind) of a kernel named snn_build_<kind>_<e> (as the
/// compiler names them), or false (init kernels, other names).
inline bool kernelOfName(const std::string &name, int &e, int &kind) {
  static const char *names[] = {"rows", "fill",     "delays", "values",
                                "sort", "delay_at", "columns"};
  const std::string prefix = "snn_build_";
  if (name.rfind(prefix, 0) != 0)
    return false;
  std::string rest = name.substr(prefix.size());
  size_t cut = rest.rfind('_');
  if (cut == std::string::npos)
    return false;
  std::string what = rest.substr(0, cut);
  for (int k = 0; k < 7; ++k)
    if (what == names[k]) {
      kind = k;
      e = std::stoi(rest.substr(cut + 1));
      return true;
    }
  return false;
}

/// Kernel `kind` of projection `e` of descriptor `d` with (arena, scratch),
/// as the generated kernels compute it (docs/gpu-abi.md).
inline void referenceKernel(const snnrt::Descriptor &d, snnrt::MemRefI8 *arena,
                            snnrt::MemRefI8 *scratch, int64_t seed, int64_t n,
                            int e, int kind) {
  const snnrt::ProjectionDesc &pr = d.projections[e];
  const snnrt::GpuBuildDesc *b = d.findBuild(e);
  bool kept = b && b->scratchWords > 0;
  bool usesArena = kind == kFill || kind == kValues || kind == kSort;
  bool usesScratch = kind == kRows || kind == kDelays || kind == kDelayAt ||
                     kind == kColumns || (kept && kind == kFill);
  // Unused buffers are empty memrefs (a columns kernel may get the arena:
  // the run's, to read stored rows from).
  if (!usesArena && kind != kColumns)
    EXPECT_TRUE(arena->aligned == nullptr && arena->size == 0)
        << e << " " << kind;
  if (!usesScratch)
    EXPECT_TRUE(scratch->aligned == nullptr && scratch->size == 0)
        << e << " " << kind;
  int64_t *words =
      usesScratch ? reinterpret_cast<int64_t *>(scratch->aligned +
                                                scratch->offset)
                  : nullptr;
  snnrt::MemRefI8 *buf = usesArena ? arena : scratch;
  int64_t npre = d.populations[pr.preIndex].size;
  switch (kind) {
  case kRows: {
    snnrt::Csr c = referenceCsr(d, e, uint64_t(seed));
    if (kept) {
      EXPECT_EQ(scratch->size, b->scratchWords * 8);
      for (int64_t i = npre; i < b->scratchWords; ++i)
        EXPECT_EQ(words[i], 0) << "scratch word " << i << " is not zero";
      EXPECT_LE(2 * npre + c.synapses(), b->scratchWords);
      for (int64_t s = 0; s < c.synapses(); ++s)
        words[2 * npre + s] = c.col[s];
    }
    for (int64_t i = 0; i < n; ++i)
      words[i] = c.rowPtr[i + 1] - c.rowPtr[i];
    break;
  }
  case kFill: {
    snnrt::Csr c = referenceCsr(d, e, uint64_t(seed));
    if (pr.storage == "dense") {
      // Rows of bits: bit j % 64 of word i * words + j / 64.
      int64_t words = (d.populations[pr.postIndex].size + 63) / 64;
      uint64_t *mask = arenaBuffer<uint64_t>(buf, pr.stored.at(0));
      std::fill(mask, mask + n * words, uint64_t(0));
      for (int64_t i = 0; i < n; ++i)
        for (int64_t s = c.rowPtr[i]; s < c.rowPtr[i + 1]; ++s)
          mask[i * words + c.col[s] / 64] |= uint64_t(1) << (c.col[s] % 64);
      break;
    }
    const int64_t *rowPtr = arenaBuffer<int64_t>(buf, pr.rowPtr);
    bool narrow = d.buffers[pr.col].type == snnrt::ScalarType::U16;
    auto put = [&](int64_t at, int32_t j) {
      if (narrow)
        arenaBuffer<uint16_t>(buf, pr.col)[at] = uint16_t(j);
      else
        arenaBuffer<int32_t>(buf, pr.col)[at] = j;
    };
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = c.rowPtr[i]; s < c.rowPtr[i + 1]; ++s) {
        int64_t k = s - c.rowPtr[i];
        if (kept) // from the scratch, reversed
          put(rowPtr[i + 1] - 1 - k, int32_t(words[2 * npre + s]));
        else
          put(rowPtr[i] + k, c.col[s]);
      }
    break;
  }
  case kSort: {
    const int64_t *rowPtr = arenaBuffer<int64_t>(buf, pr.rowPtr);
    for (int64_t i = 0; i < n; ++i) {
      if (d.buffers[pr.col].type == snnrt::ScalarType::U16) {
        uint16_t *col = arenaBuffer<uint16_t>(buf, pr.col);
        std::sort(col + rowPtr[i], col + rowPtr[i + 1]);
      } else {
        int32_t *col = arenaBuffer<int32_t>(buf, pr.col);
        std::sort(col + rowPtr[i], col + rowPtr[i + 1]);
      }
    }
    break;
  }
  case kDelays:
    for (int64_t s = 0; s < n; ++s) {
      double ms = referenceSynapseValue(pr.delay, snnrt::RngPurpose::Delay, e,
                                        uint64_t(seed), s);
      double steps = std::round(ms / d.dt);
      if (std::isfinite(ms) && ms >= 0 && steps <= double(INT32_MAX)) {
        words[0] = std::max(words[0], int64_t(steps));
      } else {
        words[1] = std::min(words[1], s);
        words[ms < 0 || !std::isfinite(ms) ? 2 : 3] += 1;
      }
    }
    break;
  case kColumns: {
    // row_ptr (npre + 1 words), then the n columns: read from the arena's
    // rows of bits (dense), or drawn again.
    if (pr.storage == "dense") {
      EXPECT_NE(arena->aligned, nullptr) << "the columns kernel of " << pr.name
                                         << " needs the run's arena";
      if (!arena->aligned)
        break;
      int64_t wordsPerRow = (d.populations[pr.postIndex].size + 63) / 64;
      const uint64_t *mask = arenaBuffer<uint64_t>(arena, pr.stored.at(0));
      for (int64_t i = 0; i < npre; ++i) {
        int64_t at = words[i];
        for (int64_t w = 0; w < wordsPerRow; ++w)
          for (uint64_t bits = mask[i * wordsPerRow + w]; bits;
               bits &= bits - 1)
            if (at < n)
              words[npre + 1 + at++] = w * 64 + __builtin_ctzll(bits);
      }
      break;
    }
    snnrt::Csr c = referenceCsr(d, e, uint64_t(seed));
    for (int64_t s = 0; s < n && s < c.synapses(); ++s)
      words[npre + 1 + s] = c.col[s];
    break;
  }
  case kDelayAt: {
    double ms = referenceSynapseValue(pr.delay, snnrt::RngPurpose::Delay, e,
                                      uint64_t(seed), n);
    std::memcpy(words, &ms, sizeof ms);
    break;
  }
  case kValues:
    for (int64_t s = 0; s < n; ++s) {
      if (pr.weightBuffer >= 0 && !pr.weight.isConstant()) {
        double w = referenceSynapseValue(pr.weight, snnrt::RngPurpose::Weight,
                                         e, uint64_t(seed), s);
        if (d.buffers[pr.weightBuffer].type == snnrt::ScalarType::F32)
          arenaBuffer<float>(buf, pr.weightBuffer)[s] = float(w);
        else
          arenaBuffer<double>(buf, pr.weightBuffer)[s] = w;
      }
      if (pr.delayBuffer >= 0 && !pr.delay.isConstant()) {
        double ms = referenceSynapseValue(pr.delay, snnrt::RngPurpose::Delay, e,
                                          uint64_t(seed), s);
        arenaBuffer<int32_t>(buf, pr.delayBuffer)[s] =
            int32_t(std::round(ms / d.dt));
      }
    }
    break;
  }
}

inline snnrt::MemRefI8 emptyMemRef() { return snnrt::MemRefI8{nullptr, nullptr, 0, 0, 1}; }

inline snnrt::MemRefI8 memRefOf(std::vector<int64_t> &words) {
  int8_t *p = reinterpret_cast<int8_t *>(words.data());
  return snnrt::MemRefI8{p, p, 0, int64_t(words.size() * 8), 1};
}

/// A device whose kernels are the host versions (gpuBuildKernel): runs
/// them on scratch words, records the calls, and can fail or corrupt them.
class FakeDevice : public snnrt::ConnectivityDevice {
public:
  explicit FakeDevice(const snnrt::Descriptor &d) : d(d) {}

  struct Call {
    std::string kernel;
    int64_t seed, n;
    size_t words;
    int64_t totalWords;
    int keepFor;
  };
  std::vector<Call> calls;
  /// Changes the results of kernel `k`, as a buggy kernel would.
  std::function<void(const snnrt::GpuKernelRef &k, std::vector<int64_t> &)> corrupt;
  std::string failure; ///< when set, runScratch fails with it
  /// Find each kernel by its name (snn_build_<kind>_<e>, descriptors made by
  /// snnc), not by this file's numbering.
  bool byName = false;
  /// The kept scratches, by projection.
  std::map<int, std::vector<int64_t>> kept;

  bool runScratch(const snnrt::GpuKernelRef &k, int64_t seed, int64_t n,
                  std::vector<int64_t> &words, std::string &error,
                  int64_t totalWords, int keepFor) override {
    calls.push_back({k.kernel, seed, n, words.size(), totalWords, keepFor});
    if (!failure.empty()) {
      error = failure;
      return false;
    }
    std::vector<int64_t> scratch(
        std::max(words.size(), size_t(std::max<int64_t>(totalWords, 0))), 0);
    std::copy(words.begin(), words.end(), scratch.begin());
    snnrt::MemRefI8 none = emptyMemRef(), m = memRefOf(scratch);
    run(k, &none, &m, seed, n);
    std::copy(scratch.begin(), scratch.begin() + ptrdiff_t(words.size()),
              words.begin());
    if (corrupt)
      corrupt(k, words);
    if (keepFor >= 0)
      kept[keepFor] = std::move(scratch);
    return true;
  }

  /// A columns kernel on (the run's arena, scratch), which it only reads.
  bool runOnArena(const snnrt::Network &net, const snnrt::GpuKernelRef &k,
                  int64_t seed, int64_t n, std::vector<int64_t> &words,
                  std::string &error) override {
    calls.push_back({k.kernel, seed, n, words.size(), 0, -1});
    if (!failure.empty()) {
      error = failure;
      return false;
    }
    snnrt::MemRefI8 arena =
        const_cast<snnrt::Arena &>(net.arena).memref();
    snnrt::MemRefI8 m = memRefOf(words);
    run(k, &arena, &m, seed, n);
    if (corrupt)
      corrupt(k, words);
    return true;
  }

  /// Kernel `k` on (arena, scratch).
  void run(const snnrt::GpuKernelRef &k, snnrt::MemRefI8 *arena,
           snnrt::MemRefI8 *scratch, int64_t seed, int64_t n) {
    int e = 0, kind = 0;
    if (!byName)
      gpuBuildKernel(d, arena, scratch, seed, n, k.emulate);
    else if (kernelOfName(k.kernel, e, kind))
      referenceKernel(d, arena, scratch, seed, n, e, kind);
    else
      ADD_FAILURE() << "no host version of kernel " << k.kernel;
  }

private:
  const snnrt::Descriptor &d;
};

/// Runs the network's deviceInit kernels on its arena (what upload() does),
/// with the scratches `device` kept.
inline void runDeviceInit(snnrt::Network &net, FakeDevice &device) {
  for (const snnrt::DeviceInit &init : net.deviceInit) {
    if (init.role == "init")
      continue; // no host versions of init kernels here (their buffers stay
                // zero); philox-streams.test checks the generated ones
    snnrt::MemRefI8 m = net.arena.memref(), scratch = emptyMemRef();
    if (init.keptScratch) {
      ASSERT_EQ(device.kept.count(init.projection), 1u) << init.projection;
      scratch = memRefOf(device.kept[init.projection]);
    }
    device.run(init.kernel, &m, &scratch, int64_t(net.seed), init.n);
  }
  device.kept.clear();
}


/// The network of `d` for `seed` as the host versions of its build kernels
/// draw it, built and initialised entirely on the host: what every device
/// build must equal, byte for byte (the runtime itself draws nothing).
inline bool referenceBuild(const snnrt::Descriptor &d, uint64_t seed,
                           snnrt::Network &net, std::string &error,
                           int64_t batchSteps = 10, bool byName = false) {
  FakeDevice device(d);
  device.byName = byName;
  snnrt::BuildOptions o;
  o.batchSteps = batchSteps;
  o.device = &device;
  if (!snnrt::buildNetwork(d, seed, o, net, error))
    return false;
  runDeviceInit(net, device);
  // Complete on the host: nothing left for a backend to run or skip.
  net.deviceInit.clear();
  std::fill(net.deviceWritten.begin(), net.deviceWritten.end(), false);
  return true;
}

} // namespace snnrt_test

#endif // SNNRT_TEST_GPUBUILDNET_H
