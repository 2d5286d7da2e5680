//===- GpuCounterNet.h - A tiny model compiled for the GPU ------*- C++ -*-===//
//
// The counter model: population "a" (37 neurons, variable v) and "b" (5
// neurons), no synapses. Every step v += 1 for each neuron of "a"; neuron i
// of "a" spikes at step s when (7 s + 3 i) % 11 == 0 (and v is reset to 0);
// neuron i of "b" spikes when (s + i) % 4 == 0. Spikes of "a" are recorded,
// and v of neurons 0, 5, 36 every 3 steps. The descriptor has a "gpu"
// section (CounterDescriptor.inc); counterEmulateStep is the step the
// `--target=cuda-emulate` lowering would produce (phases record, update,
// deliver, each emulating `nthreads` threads one after another, with
// double-buffered counts, the step cell and device-side recording, as in
// docs/gpu-abi.md); CounterKernels.inc holds the same phases in PTX.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_TEST_GPUCOUNTERNET_H
#define SNNRT_TEST_GPUCOUNTERNET_H

#include "snnrt/arena.h"

#include <cstdint>
#include <vector>

namespace snnrt_test {

inline const char kCounterDescriptor[] =
#include "CounterDescriptor.inc"
    ;

enum CounterBuffers {
  kCStep = 0,
  kCACount = 1,
  kCASpikes = 2,
  kCAV = 3,
  kCATotal = 4,
  kCARecCount = 5,
  kCARecIds = 6,
  kCARecSteps = 7,
  kCBCount = 8,
  kCBSpikes = 9,
  kCBTotal = 10,
  kCRecNeurons = 11,
  kCRecSamples = 12,
  kCRecValues = 13,
};

inline constexpr int kCounterASize = 37, kCounterBSize = 5;
inline constexpr int64_t kCounterEvery = 3;

inline bool counterASpikes(int64_t s, int64_t i) {
  return (7 * s + 3 * i) % 11 == 0;
}
inline bool counterBSpikes(int64_t s, int64_t i) { return (s + i) % 4 == 0; }

/// Buffer k of an arena memref, as T.
template <typename T> T *counterBuffer(snnrt::MemRefI8 *arena, int k) {
  int8_t *base = arena->aligned + arena->offset;
  const int64_t *table = reinterpret_cast<const int64_t *>(base);
  return reinterpret_cast<T *>(base + table[2 * k]);
}

// The phases of one step, each run by `nthreads` threads (thread t handles
// items t, t + nthreads, ...), one thread after another; parity p.

/// record: at steps s % 3 == 0, values[samples * 3 + j] = v[neurons[j]].
inline void counterRecordPhase(snnrt::MemRefI8 *arena, int64_t p,
                               int64_t nthreads) {
  const int64_t s = counterBuffer<int64_t>(arena, kCStep)[p];
  const double *v = counterBuffer<double>(arena, kCAV);
  const int32_t *neurons = counterBuffer<int32_t>(arena, kCRecNeurons);
  const int64_t *samples = counterBuffer<int64_t>(arena, kCRecSamples);
  double *values = counterBuffer<double>(arena, kCRecValues);
  if (s % kCounterEvery == 0)
    for (int64_t t = 0; t < nthreads; ++t)
      for (int64_t j = t; j < 3; j += nthreads)
        values[samples[0] * 3 + j] = v[neurons[j]];
}

/// update: thread t appends t, t + T, ..., so spikes come out unsorted.
inline void counterUpdatePhase(snnrt::MemRefI8 *arena, int64_t p,
                               int64_t nthreads) {
  const int64_t s = counterBuffer<int64_t>(arena, kCStep)[p];
  int32_t *aCount = counterBuffer<int32_t>(arena, kCACount);
  int32_t *aSpikes = counterBuffer<int32_t>(arena, kCASpikes);
  double *v = counterBuffer<double>(arena, kCAV);
  int32_t *recCount = counterBuffer<int32_t>(arena, kCARecCount);
  int32_t *recIds = counterBuffer<int32_t>(arena, kCARecIds);
  int32_t *recSteps = counterBuffer<int32_t>(arena, kCARecSteps);
  int32_t *bCount = counterBuffer<int32_t>(arena, kCBCount);
  int32_t *bSpikes = counterBuffer<int32_t>(arena, kCBSpikes);
  for (int64_t t = 0; t < nthreads; ++t) {
    for (int64_t i = t; i < kCounterASize; i += nthreads) {
      v[i] += 1.0;
      if (counterASpikes(s, i)) {
        aSpikes[aCount[p]++] = int32_t(i);
        int32_t r = (*recCount)++;
        recIds[r] = int32_t(i);
        recSteps[r] = int32_t(s);
        v[i] = 0.0;
      }
    }
    for (int64_t i = t; i < kCounterBSize; i += nthreads)
      if (counterBSpikes(s, i))
        bSpikes[bCount[p]++] = int32_t(i);
  }
}

/// deliver: the end-of-step bookkeeping of docs/gpu-abi.md (thread 0).
inline void counterDeliverPhase(snnrt::MemRefI8 *arena, int64_t p,
                                int64_t /*nthreads*/) {
  int64_t *step = counterBuffer<int64_t>(arena, kCStep);
  int32_t *aCount = counterBuffer<int32_t>(arena, kCACount);
  int32_t *bCount = counterBuffer<int32_t>(arena, kCBCount);
  const int64_t s = step[p];
  *counterBuffer<int64_t>(arena, kCATotal) += aCount[p];
  aCount[1 - p] = 0;
  *counterBuffer<int64_t>(arena, kCBTotal) += bCount[p];
  bCount[1 - p] = 0;
  if (s % kCounterEvery == 0)
    ++counterBuffer<int64_t>(arena, kCRecSamples)[0];
  step[1 - p] = s + 1;
}

/// One step of the counter model, as _mlir_ciface_snn_emulate_step.
inline void counterEmulateStep(snnrt::MemRefI8 *arena, int64_t /*seed*/,
                               int64_t p, int64_t nthreads) {
  counterRecordPhase(arena, p, nthreads);
  counterUpdatePhase(arena, p, nthreads);
  counterDeliverPhase(arena, p, nthreads);
}

/// What a run of `steps` steps must produce.
struct CounterExpected {
  std::vector<double> spikeTimes;
  std::vector<int32_t> spikeIds;
  std::vector<double> sampleTimes;
  std::vector<double> samples; ///< samples x 3
  int64_t aTotal = 0, bTotal = 0;
  std::vector<double> finalV;
};

/// A plain sequential simulation of the counter model; times are n * dt
/// cleaned like snnrt::stepTimeMs (dt = 0.1).
template <typename TimeFn>
CounterExpected counterReference(int64_t steps, TimeFn time) {
  CounterExpected e;
  std::vector<double> v(kCounterASize, 0.0);
  for (int64_t s = 0; s < steps; ++s) {
    if (s % kCounterEvery == 0) {
      e.sampleTimes.push_back(time(s));
      for (int j : {0, 5, 36})
        e.samples.push_back(v[j]);
    }
    for (int i = 0; i < kCounterASize; ++i) {
      v[i] += 1.0;
      if (counterASpikes(s, i)) {
        e.spikeTimes.push_back(time(s));
        e.spikeIds.push_back(i);
        v[i] = 0.0;
        ++e.aTotal;
      }
    }
    for (int i = 0; i < kCounterBSize; ++i)
      e.bTotal += counterBSpikes(s, i);
  }
  e.finalV = v;
  return e;
}

} // namespace snnrt_test

#endif // SNNRT_TEST_GPUCOUNTERNET_H
