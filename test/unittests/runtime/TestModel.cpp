//===- TestModel.cpp - A stand-in for a compiled model
//---------------------===//
//
// Provides the symbols generated code exports (the descriptor and the two
// phases of the step, docs/runtime-abi.md), so that a simulator can be
// linked exactly as snnc links one (model object + libsnnrt_main.a +
// libsnnrt.a) and run from ctest, with any number of threads. The network: "drive" (3 neurons, v rises
// by 0.15 per step from a uniform initial value that its init kernel draws,
// threshold 1, reset 0)
// projects all-to-all with a 1 ms delay onto "out" (2 neurons, integrate the
// input, threshold 2).

#include "snnrt/arena.h"
#include "ReferencePhilox.h"

#include <algorithm>
#include <cstdint>

extern "C" const char snn_descriptor[] = R"json({
  "format": "snn-descriptor", "version": 1,
  "model": "testmodel", "dt": 0.1, "steps": 200, "seed": 1, "precision": "f64",
  "buffers": [
    {"id": 0, "name": "drive.spike_count", "type": "i32", "count": 8},
    {"id": 1, "name": "drive.spikes", "type": "i32", "count": 6},
    {"id": 2, "name": "drive.v", "type": "f64", "count": 3},
    {"id": 3, "name": "out.spike_count", "type": "i32", "count": 8},
    {"id": 4, "name": "out.spikes", "type": "i32", "count": 4},
    {"id": 5, "name": "out.v", "type": "f64", "count": 2},
    {"id": 6, "name": "dd.row_ptr", "type": "i64", "count": 4},
    {"id": 7, "name": "dd.col", "type": "i32", "count": {"synapses": "dd"}},
    {"id": 8, "name": "ring.out.v", "type": "f64", "count": {"ring": "out.v"}}
  ],
  "populations": [
    {"name": "drive", "kind": "neuron", "size": 3, "spike_count": 0,
     "spikes": 1, "variables": [{"name": "v", "buffer": 2,
       "init": {"kind": "uniform", "low": 0, "high": 1}}]},
    {"name": "out", "kind": "neuron", "size": 2, "spike_count": 3,
     "spikes": 4, "variables": [{"name": "v", "buffer": 5,
       "init": {"kind": "constant", "value": 0}}]}
  ],
  "currents": [],
  "projections": [
    {"name": "dd", "pre": "drive", "post": "out", "target": "v",
     "connectivity": {"kind": "all_to_all", "allow_self": true},
     "weight": {"kind": "constant", "value": 0.5},
     "delay": {"kind": "constant", "value": 1.0},
     "row_ptr": 6, "col": 7, "ring": "out.v"}
  ],
  "rings": [{"name": "out.v", "population": "out", "variable": "v",
             "buffer": 8, "projections": ["dd"]}],
  "record": {"format": "npy", "spikes": ["drive", "out"],
             "state": [{"population": "out", "variable": "v", "buffer": 5,
                        "neurons": [0, 1], "every": 5}]},
  "init": [{"buffer": 2,
            "values": {"kernel": "snn_build_init_2", "emulate": 0}}],
  "build": [{"projection": "dd",
             "rows": {"kernel": "snn_build_rows_0", "emulate": 1},
             "fill": {"kernel": "snn_build_fill_0", "emulate": 2},
             "writes": [7]}],
  "threads": {"max": 4, "align": 1}
})json";

namespace {

struct View {
  explicit View(snnrt::MemRefI8 *arena) {
    base = arena->aligned + arena->offset;
    table = reinterpret_cast<const int64_t *>(base);
  }
  template <typename T> T *at(int k) const {
    return reinterpret_cast<T *>(base + table[2 * k]);
  }
  int8_t *base;
  const int64_t *table;
};

constexpr int64_t kMax = 4; // threads.max

/// Thread `t`'s share [lo, hi) of `size` neurons (threads.align = 1).
void share(int64_t size, int64_t t, int64_t threads, int64_t &lo,
           int64_t &hi) {
  int64_t chunk = (size + threads - 1) / threads;
  lo = std::min(t * chunk, size);
  hi = std::min(lo + chunk, size);
}

} // namespace

extern "C" void _mlir_ciface_snn_update(snnrt::MemRefI8 *arena, int64_t n,
                                        int64_t /*seed*/, int64_t tid,
                                        int64_t threads) {
  View v(arena);
  double *dv = v.at<double>(2), *ov = v.at<double>(5);
  int64_t half = n & 1, lo, hi;
  share(3, tid, threads, lo, hi); // drive: update, threshold
  int32_t *ds = v.at<int32_t>(1) + half * 3 + lo, dc = 0;
  for (int64_t i = lo; i < hi; ++i) {
    dv[i] += 0.15;
    if (dv[i] >= 1.0)
      ds[dc++] = int32_t(i);
  }
  v.at<int32_t>(0)[half * kMax + tid] = dc;
  share(2, tid, threads, lo, hi); // out: threshold
  int32_t *os = v.at<int32_t>(4) + half * 2 + lo, oc = 0;
  for (int64_t i = lo; i < hi; ++i)
    if (ov[i] >= 2.0)
      os[oc++] = int32_t(i);
  v.at<int32_t>(3)[half * kMax + tid] = oc;
}

extern "C" void _mlir_ciface_snn_propagate(snnrt::MemRefI8 *arena, int64_t n,
                                           int64_t /*seed*/, int64_t tid,
                                           int64_t threads) {
  View v(arena);
  double *dv = v.at<double>(2), *ov = v.at<double>(5);
  const int64_t *rowPtr = v.at<const int64_t>(6);
  const int32_t *col = v.at<const int32_t>(7);
  double *ring = v.at<double>(8);
  const int64_t slots = v.table[2 * 8 + 1] / 2, delay = 10, half = n & 1;
  int64_t lo, hi, olo, ohi;
  share(2, tid, threads, olo, ohi);
  // Propagation: every drive spike, in thread order; this thread's targets.
  for (int64_t t = 0; t < threads; ++t) {
    share(3, t, threads, lo, hi);
    const int32_t *ds = v.at<int32_t>(1) + half * 3 + lo;
    for (int32_t k = 0; k < v.at<int32_t>(0)[half * kMax + t]; ++k)
      for (int64_t s = rowPtr[ds[k]]; s < rowPtr[ds[k] + 1]; ++s)
        if (col[s] >= olo && col[s] < ohi)
          ring[((n + delay) % slots) * 2 + col[s]] += 0.5;
  }
  for (int64_t i = olo; i < ohi; ++i) { // delivery
    ov[i] += ring[(n % slots) * 2 + i];
    ring[(n % slots) * 2 + i] = 0;
  }
  // Reset: this thread's spikes.
  share(3, tid, threads, lo, hi);
  for (int32_t k = 0; k < v.at<int32_t>(0)[half * kMax + tid]; ++k)
    dv[v.at<int32_t>(1)[half * 3 + lo + k]] = 0;
  for (int32_t k = 0; k < v.at<int32_t>(3)[half * kMax + tid]; ++k)
    ov[v.at<int32_t>(4)[half * 2 + olo + k]] = 0;
}

// The build kernels, thread `tid`'s grid-stride share of each: 0, the init
// kernel of drive.v: uniform(0, 1) at the ABI's draw (seed, purpose 2,
// entity 0, c0 = i, c1 = 0, c2 = 0); 1 and 2, the rows and fill kernels of
// "dd" (all-to-all: every row holds both "out" neurons).
extern "C" void _mlir_ciface_snn_build(snnrt::MemRefI8 *arena,
                                       snnrt::MemRefI8 *scratch, int64_t seed,
                                       int64_t n, int64_t kernel, int64_t tid,
                                       int64_t nthreads) {
  if (kernel == 0) {
    double *dv = View(arena).at<double>(2);
    for (int64_t i = tid; i < n; i += nthreads)
      dv[i] = snnrt::uniform01(uint64_t(seed),
                               snnrt::RngPurpose::InitialValue, 0,
                               uint32_t(i), 0, 0);
  } else if (kernel == 1) {
    int64_t *lengths =
        reinterpret_cast<int64_t *>(scratch->aligned + scratch->offset);
    for (int64_t i = tid; i < n; i += nthreads)
      lengths[i] = 2;
  } else if (kernel == 2) {
    View v(arena);
    const int64_t *rowPtr = v.at<const int64_t>(6);
    int32_t *col = v.at<int32_t>(7);
    for (int64_t i = tid; i < n; i += nthreads)
      for (int32_t j = 0; j < 2; ++j)
        col[rowPtr[i] + j] = j;
  }
}
