//===- TinyNet.h - A tiny network and a hand-written step function -*- C++ -*-//
//
// A spike_array source "src" (2 neurons) drives a neuron population "n"
// (2 neurons, variable v, threshold v >= 1, reset v = 0, refractory 2 steps)
// through a list projection "p" (0 -> 0 weight 1.0 delay 0.5 ms; 1 -> 1
// weight 0.6 delay 0.3 ms). tinyStep implements the step semantics of
// docs/runtime-abi.md for this descriptor, the way generated code would.
//
// Source spikes (after sort/dedupe): steps 10 (n0), 20 (n1), 22 (n1), 50 (n0).
// n0: input at 10 + 5 = 15 -> v = 1 -> spikes at step 16 and (50) 56.
// n1: inputs 0.6 at 23 and 25 -> v = 1.2 -> spikes at step 26.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_TEST_TINYNET_H
#define SNNRT_TEST_TINYNET_H

#include "snnrt/arena.h"
#include "snnrt/run.h"

#include "TestUtil.h"

#include <nlohmann/json.hpp>

namespace snnrt_test {

enum TinyBuffers {
  kSrcCount = 0,
  kSrcSpikes = 1,
  kSrcTimes = 2,
  kSrcIds = 3,
  kSrcCursor = 4,
  kNCount = 5,
  kNSpikes = 6,
  kNV = 7,
  kNRefractory = 8,
  kRowPtr = 9,
  kCol = 10,
  kWeight = 11,
  kDelay = 12,
  kRing = 13,
};

/// Writes the tiny network's data files into `dir` and returns its
/// descriptor.
inline nlohmann::json tinyDescriptor(const TempDir &dir) {
  writeText(dir / "spikes.csv", "neuron,time\n"
                                "0,5.0\n"
                                "1,2.2\n"
                                "0,1.0\n"
                                "1,2.0\n"
                                "0,1.0\n");
  writeText(dir / "list.csv", "pre,post,weight,delay\n"
                              "1,1,0.6,0.3\n"
                              "0,0,1.0,0.5\n");
  using json = nlohmann::json;
  auto buf = [](int id, const char *name, const char *type, json count) {
    return json{{"id", id}, {"name", name}, {"type", type}, {"count", count}};
  };
  json d = {
      {"format", "snn-descriptor"},
      {"version", 1},
      {"model", "tiny"},
      {"source_file", dir / "tiny.json"},
      {"dt", 0.1},
      {"steps", 100},
      {"seed", 5},
      {"precision", "f64"},
      {"buffers",
       {buf(0, "src.spike_count", "i32", 1), buf(1, "src.spikes", "i32", 2),
        buf(2, "src.times", "i32", {{"spike_array", "src"}}),
        buf(3, "src.ids", "i32", {{"spike_array", "src"}}),
        buf(4, "src.cursor", "i64", 1), buf(5, "n.spike_count", "i32", 1),
        buf(6, "n.spikes", "i32", 2), buf(7, "n.v", "f64", 2),
        buf(8, "n.refractory", "i32", 2), buf(9, "p.row_ptr", "i64", 3),
        buf(10, "p.col", "i32", {{"synapses", "p"}}),
        buf(11, "p.weight", "f64", {{"synapses", "p"}}),
        buf(12, "p.delay", "i32", {{"synapses", "p"}}),
        buf(13, "ring.n.v", "f64", {{"ring", "n.v"}})}},
      {"populations",
       {{{"name", "src"},
         {"kind", "spike_array"},
         {"size", 2},
         {"spike_count", 0},
         {"spikes", 1},
         {"file", "spikes.csv"}, // relative to source_file's directory
         {"times", 2},
         {"ids", 3},
         {"cursor", 4}},
        {{"name", "n"},
         {"kind", "neuron"},
         {"size", 2},
         {"spike_count", 5},
         {"spikes", 6},
         {"variables",
          {{{"name", "v"},
            {"buffer", 7},
            {"init", {{"kind", "constant"}, {"value", 0.0}}}}}},
         {"refractory", 8}}}},
      {"currents", json::array()},
      {"projections",
       {{{"name", "p"},
         {"pre", "src"},
         {"post", "n"},
         {"target", "v"},
         {"connectivity", {{"kind", "list"}, {"file", dir / "list.csv"}}},
         {"weight", {{"kind", "from_list"}, {"column", "weight"}}},
         {"delay", {{"kind", "from_list"}, {"column", "delay"}}},
         {"row_ptr", 9},
         {"col", 10},
         {"weight_buffer", 11},
         {"delay_buffer", 12},
         {"ring", "n.v"}}}},
      {"rings",
       {{{"name", "n.v"},
         {"population", "n"},
         {"variable", "v"},
         {"buffer", 13},
         {"projections", {"p"}}}}},
      {"record",
       {{"format", "npy"},
        {"spikes", {"src", "n"}},
        {"state",
         {{{"population", "n"},
           {"variable", "v"},
           {"buffer", 7},
           {"neurons", {0, 1}},
           {"every", 1}}}}}}};
  return d;
}

/// The step function for tinyDescriptor, written against the ABI only.
inline void tinyStep(snnrt::MemRefI8 *arena, int64_t n, int64_t /*seed*/) {
  int8_t *base = arena->aligned + arena->offset;
  const int64_t *table = reinterpret_cast<const int64_t *>(base);
  auto count = [&](int k) { return table[2 * k + 1]; };
  auto i32 = [&](int k) {
    return reinterpret_cast<int32_t *>(base + table[2 * k]);
  };
  auto i64 = [&](int k) {
    return reinterpret_cast<int64_t *>(base + table[2 * k]);
  };
  auto f64 = [&](int k) {
    return reinterpret_cast<double *>(base + table[2 * k]);
  };
  const int64_t size = 2;
  const int32_t refractorySteps = 2; // round(0.2 ms / 0.1 ms)
  double *v = f64(kNV);
  int32_t *refr = i32(kNRefractory);
  // 1. Update (no dynamics besides the refractory countdown).
  for (int64_t i = 0; i < size; ++i)
    if (refr[i] > 0)
      --refr[i];
  // 2. Threshold; sources emit.
  int32_t &nCount = *i32(kNCount);
  int32_t *nSpikes = i32(kNSpikes);
  nCount = 0;
  for (int64_t i = 0; i < size; ++i)
    if (refr[i] == 0 && v[i] >= 1.0) {
      nSpikes[nCount++] = int32_t(i);
      refr[i] = refractorySteps;
    }
  int32_t &srcCount = *i32(kSrcCount);
  int32_t *srcSpikes = i32(kSrcSpikes);
  int64_t &cursor = *i64(kSrcCursor);
  const int32_t *times = i32(kSrcTimes), *ids = i32(kSrcIds);
  srcCount = 0;
  while (cursor < count(kSrcTimes) && times[cursor] <= n) {
    if (times[cursor] == n)
      srcSpikes[srcCount++] = ids[cursor];
    ++cursor;
  }
  // 3. Propagation into the ring (slot-major: ring[slot * size + post]).
  const int64_t *rowPtr = i64(kRowPtr);
  const int32_t *col = i32(kCol), *delay = i32(kDelay);
  const double *w = f64(kWeight);
  double *ring = f64(kRing);
  int64_t slots = count(kRing) / size;
  for (int32_t k = 0; k < srcCount; ++k) {
    int32_t pre = srcSpikes[k];
    for (int64_t s = rowPtr[pre]; s < rowPtr[pre + 1]; ++s)
      ring[((n + delay[s]) % slots) * size + col[s]] += w[s];
  }
  // 4. Delivery.
  int64_t slot = n % slots;
  for (int64_t i = 0; i < size; ++i) {
    v[i] += ring[slot * size + i];
    ring[slot * size + i] = 0;
  }
  // 5. Reset.
  for (int32_t k = 0; k < nCount; ++k)
    v[nSpikes[k]] = 0;
}

/// Options for a library run into `out` without a progress bar.
inline snnrt::RunOptions quietOptions(const std::string &out) {
  snnrt::RunOptions o;
  o.outDir = out;
  o.progress = false;
  return o;
}

/// Runs the CPU simulator's main (runMain) with `args`, capturing stdout
/// and stderr.
inline int runCli(const std::string &descriptor, std::vector<std::string> args,
                  std::string &out, std::string &err,
                  snnrt::StepFn step = &tinyStep) {
  std::vector<char *> argv;
  std::string prog = "/some/dir/sim";
  argv.push_back(prog.data());
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int rc = snnrt::runMain(int(argv.size()) - 1, argv.data(),
                          descriptor.c_str(), step);
  out = ::testing::internal::GetCapturedStdout();
  err = ::testing::internal::GetCapturedStderr();
  return rc;
}

} // namespace snnrt_test

#endif // SNNRT_TEST_TINYNET_H
