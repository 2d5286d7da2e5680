//===- GpuBuildNet.h - Connectivity built on the device (tests) -*- C++ -*-===//
//
// The counter model (GpuCounterNet.h) with projections, three of them built
// on the device (its descriptor's gpu.build, docs/gpu-abi.md "Connectivity
// on the device"):
//
//   0 "aa": a -> a, fixed_probability 0.2 without self-connections, uniform
//           weights, normal delays: rows, fill, delays, values
//   1 "ba": b -> a, all_to_all, constant weight and delay: rows, fill
//   2 "bb": b -> b, one_to_one, normal weights, constant delay: rows, fill,
//           values
//   3 "ab": a -> b, fixed_indegree 3, uniform weights and delays: the host
//
// The counter phases ignore the new buffers (ids 14 and up), so runs still
// match counterReference(). gpuBuildKernel() is a host version of the build
// kernels (what the compiler's kernels must compute), written from the ABI
// and the runtime's host builders; kernel number 4 e + k is kernel k (rows,
// fill, delays, values) of projection e.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_TEST_GPUBUILDNET_H
#define SNNRT_TEST_GPUBUILDNET_H

#include "snnrt/connectivity.h"
#include "snnrt/descriptor.h"
#include "snnrt/philox.h"

#include "GpuCounterNet.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

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

enum BuildKernelKind { kRows = 0, kFill = 1, kDelays = 2, kValues = 3 };

/// "snn_build_rows_0", ...
inline std::string buildKernelName(int projection, int kind) {
  static const char *names[] = {"rows", "fill", "delays", "values"};
  return std::string("snn_build_") + names[kind] + "_" +
         std::to_string(projection);
}

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
    json k = {{"kernel", buildKernelName(e, kind)}, {"emulate", 4 * e + kind}};
    if (work)
      k["work"] = e == 0 ? 37 : 5;
    return k;
  };
  d["gpu"]["build"] = {{{"projection", "aa"},
                        {"rows", kernel(0, kRows, true)},
                        {"fill", kernel(0, kFill, true)},
                        {"delays", kernel(0, kDelays, false)},
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
  return d;
}

/// The host CSR of projection `e` (all_to_all, one_to_one or
/// fixed_probability), as the runtime builds it.
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
  if (v.kind == snnrt::ValueSpec::Kind::Normal)
    return v.mean +
           v.std * snnrt::standardNormal(seed, purpose, uint32_t(e), lo, hi, 0);
  return v.value;
}

/// Buffer k of a memref'd arena.
template <typename T> T *arenaBuffer(snnrt::MemRefI8 *arena, int k) {
  return counterBuffer<T>(arena, k);
}

/// Build kernel number `kernel` (4 e + kind) of descriptor `d` on `buf`,
/// as the generated kernels compute it (docs/gpu-abi.md).
inline void gpuBuildKernel(const snnrt::Descriptor &d, snnrt::MemRefI8 *buf,
                           int64_t seed, int64_t n, int64_t kernel) {
  int e = int(kernel / 4), kind = int(kernel % 4);
  const snnrt::ProjectionDesc &pr = d.projections[e];
  int64_t *words = reinterpret_cast<int64_t *>(buf->aligned + buf->offset);
  switch (kind) {
  case kRows: {
    snnrt::Csr c = referenceCsr(d, e, uint64_t(seed));
    for (int64_t i = 0; i < n; ++i)
      words[i] = c.rowPtr[i + 1] - c.rowPtr[i];
    break;
  }
  case kFill: {
    snnrt::Csr c = referenceCsr(d, e, uint64_t(seed));
    const int64_t *rowPtr = arenaBuffer<int64_t>(buf, pr.rowPtr);
    int32_t *col = arenaBuffer<int32_t>(buf, pr.col);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = c.rowPtr[i]; s < c.rowPtr[i + 1]; ++s)
        col[rowPtr[i] + (s - c.rowPtr[i])] = c.col[s];
    break;
  }
  case kDelays:
    for (int64_t s = 0; s < n; ++s) {
      double ms = referenceSynapseValue(pr.delay, snnrt::RngPurpose::Delay, e,
                                        uint64_t(seed), s);
      double steps = std::round(ms / d.dt);
      if (std::isfinite(ms) && ms >= 0 && steps <= double(INT32_MAX))
        words[0] = std::max(words[0], int64_t(steps));
      else
        words[1] = std::min(words[1], s);
    }
    break;
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

} // namespace snnrt_test

#endif // SNNRT_TEST_GPUBUILDNET_H
