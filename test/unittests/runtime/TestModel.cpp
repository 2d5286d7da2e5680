//===- TestModel.cpp - A stand-in for a compiled model
//---------------------===//
//
// Provides the two symbols generated code exports, so that a simulator can be
// linked exactly as snnc links one (model object + libsnnrt_main.a +
// libsnnrt.a) and run from ctest. The network: "drive" (3 neurons, v rises
// by 0.15 per step from a uniform initial value, threshold 1, reset 0)
// projects all-to-all with a 1 ms delay onto "out" (2 neurons, integrate the
// input, threshold 2).

#include "snnrt/arena.h"

#include <cstdint>

extern "C" const char snn_descriptor[] = R"json({
  "format": "snn-descriptor", "version": 1,
  "model": "testmodel", "dt": 0.1, "steps": 200, "seed": 1, "precision": "f64",
  "buffers": [
    {"id": 0, "name": "drive.spike_count", "type": "i32", "count": 1},
    {"id": 1, "name": "drive.spikes", "type": "i32", "count": 3},
    {"id": 2, "name": "drive.v", "type": "f64", "count": 3},
    {"id": 3, "name": "out.spike_count", "type": "i32", "count": 1},
    {"id": 4, "name": "out.spikes", "type": "i32", "count": 2},
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
                        "neurons": [0, 1], "every": 5}]}
})json";

extern "C" void _mlir_ciface_snn_step(snnrt::MemRefI8 *arena, int64_t n,
                                      int64_t /*seed*/) {
  int8_t *base = arena->aligned + arena->offset;
  const int64_t *table = reinterpret_cast<const int64_t *>(base);
  auto at = [&](int k) { return base + table[2 * k]; };
  double *dv = reinterpret_cast<double *>(at(2));
  double *ov = reinterpret_cast<double *>(at(5));
  int32_t &dc = *reinterpret_cast<int32_t *>(at(0));
  int32_t *ds = reinterpret_cast<int32_t *>(at(1));
  int32_t &oc = *reinterpret_cast<int32_t *>(at(3));
  int32_t *os = reinterpret_cast<int32_t *>(at(4));
  const int64_t *rowPtr = reinterpret_cast<const int64_t *>(at(6));
  const int32_t *col = reinterpret_cast<const int32_t *>(at(7));
  double *ring = reinterpret_cast<double *>(at(8));
  const int64_t slots = table[2 * 8 + 1] / 2, delay = 10;
  for (int i = 0; i < 3; ++i) // update
    dv[i] += 0.15;
  dc = oc = 0; // threshold
  for (int i = 0; i < 3; ++i)
    if (dv[i] >= 1.0)
      ds[dc++] = i;
  for (int i = 0; i < 2; ++i)
    if (ov[i] >= 2.0)
      os[oc++] = i;
  for (int k = 0; k < dc; ++k) // propagation
    for (int64_t s = rowPtr[ds[k]]; s < rowPtr[ds[k] + 1]; ++s)
      ring[((n + delay) % slots) * 2 + col[s]] += 0.5;
  for (int i = 0; i < 2; ++i) { // delivery
    ov[i] += ring[(n % slots) * 2 + i];
    ring[(n % slots) * 2 + i] = 0;
  }
  for (int k = 0; k < dc; ++k) // reset
    dv[ds[k]] = 0;
  for (int k = 0; k < oc; ++k)
    ov[os[k]] = 0;
}
