//===- emulate.h - The GPU lowering run on the host -------------*- C++ -*-===//
//
// `snnc --target=cuda-emulate` compiles the very phases of the CUDA kernels
// for the host: one call of `_mlir_ciface_snn_emulate_step` runs a whole
// step, emulating `nthreads` threads one after another per phase, with the
// same double-buffered counters and device-side recording
// (docs/gpu-abi.md). The emulated "device memory" is the host arena itself.
// The connectivity build kernels are emulated too
// (`_mlir_ciface_snn_emulate_build`, docs/gpu-abi.md "Connectivity on the
// device").
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_EMULATE_H
#define SNNRT_EMULATE_H

#include "snnrt/arena.h"
#include "snnrt/batched.h"

#include <cstdint>
#include <memory>
#include <string>

namespace snnrt {

/// _mlir_ciface_snn_emulate_step(arena, seed, parity, nthreads).
using EmulateStepFn = void (*)(MemRefI8 *arena, int64_t seed, int64_t parity,
                               int64_t nthreads);

/// _mlir_ciface_snn_emulate_build(arena, scratch, seed, n, kernel,
/// nthreads): build kernel number `kernel` (gpu.build[..].<what>.emulate).
using EmulateBuildFn = void (*)(MemRefI8 *arena, MemRefI8 *scratch,
                                int64_t seed, int64_t n, int64_t kernel,
                                int64_t nthreads);

/// The default number of emulated threads per phase (`--threads`).
inline constexpr int64_t kDefaultEmulatedThreads = 64;

/// A backend that calls `step` once per step with parity = step & 1, on the
/// arena of the network it is given by upload(), and builds connectivity
/// with `build` (which may be null: the host then builds everything),
/// emulating `buildThreads` threads per build kernel (0: `nthreads`).
std::unique_ptr<StepBackend> makeEmulatedBackend(EmulateStepFn step,
                                                 EmulateBuildFn build,
                                                 int64_t nthreads,
                                                 int64_t buildThreads = 0);

/// runBatchedSimulation() with the emulated backend.
bool runEmulatedSimulation(const std::string &descriptorJson,
                           EmulateStepFn step, EmulateBuildFn build,
                           int64_t nthreads, const RunOptions &options,
                           RunResult &result, std::string &error,
                           int64_t buildThreads = 0);

/// main() of an emulated simulator: the CPU simulator's command line plus
/// `--threads N` (default 64), `--build-threads N` and `--batch-steps N`.
/// Returns the exit code (0 ok, 1 error, 2 bad arguments).
int runEmulatedMain(int argc, char **argv, const char *descriptorJson,
                    EmulateStepFn step, EmulateBuildFn build);

} // namespace snnrt

#endif // SNNRT_EMULATE_H
