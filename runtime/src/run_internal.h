//===- run_internal.h - Shared by the run loops (internal) ------*- C++ -*-===//
//
// The CPU loop (run.cpp) and the batched GPU/emulated loop (batched.cpp)
// fill RunResult the same way, so that their outputs are identical in
// format.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_SRC_RUN_INTERNAL_H
#define SNNRT_SRC_RUN_INTERNAL_H

#include "snnrt/descriptor.h"
#include "snnrt/network.h"
#include "snnrt/run.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace snnrt {
namespace detail {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// Element i of a buffer of type t, as f64.
double loadScalar(ScalarType t, const uint8_t *base, int64_t i);

/// Fills the run's header (model, populations, projections, ...) and sets
/// up the recordings (empty spike and state records, as the descriptor
/// says). Returns, per population, its index in result.spikes or -1.
std::vector<int> initRunResult(const Network &net, int64_t steps,
                               RunResult &result);

/// Sets each population's spike total and rate, and the real-time factor
/// (from result.simulationSeconds).
void finishRunResult(const std::vector<int64_t> &totals, RunResult &result);

/// "interrupted by SIGINT at 123.4 ms, after 1234 of 10000 steps", for an
/// interrupted run (printed summary, stderr).
std::string describeInterruption(const RunResult &result);

/// The number of steps of a run (options.steps, else options.durationMs,
/// else the descriptor's), and the early check that the output directory
/// can be one.
bool resolveRunSteps(const Descriptor &d, const RunOptions &options,
                     int64_t &steps, std::string &error);

} // namespace detail
} // namespace snnrt

#endif // SNNRT_SRC_RUN_INTERNAL_H
