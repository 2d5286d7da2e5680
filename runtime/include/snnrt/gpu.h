//===- gpu.h - Running CUDA models (libsnnrt_cuda) --------------*- C++ -*-===//
//
// The CUDA backend of the batched run loop (snnrt/batched.h). The driver is
// loaded at run time with dlopen("libcuda.so.1"), so neither the build nor
// the simulators need a CUDA toolkit; a machine without a GPU or driver gets
// a clear error. Contract with generated code: docs/gpu-abi.md.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_GPU_H
#define SNNRT_GPU_H

#include "snnrt/batched.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace snnrt {

struct Descriptor;
struct GpuDesc;
struct Network;

/// The device code of a `--target=cuda` object: snn_gpu_ptx,
/// snn_gpu_cubin / snn_gpu_cubin_size and snn_gpu_arch.
struct CudaImage {
  const char *ptx = nullptr;   ///< NUL-terminated PTX (may be empty)
  const char *cubin = nullptr; ///< cubin for `arch`, or empty
  int64_t cubinSize = 0;       ///< 0 without a cubin
  const char *arch = nullptr;  ///< "sm_90"
};

/// How steps are launched.
enum class GpuMode {
  Auto,       ///< Persistent for small networks, else Graph (a heuristic)
  Launch,     ///< one cuLaunchKernel per phase per step
  Graph,      ///< CUDA graphs of an even number of steps, replayed
  Persistent, ///< snn_persistent: one block runs many steps per launch
};

const char *gpuModeName(GpuMode mode);
/// "auto", "launch", "graph", "persistent".
bool parseGpuMode(const std::string &text, GpuMode &mode);

struct CudaOptions {
  int device = 0; ///< CUDA device ordinal (--device)
  GpuMode mode = GpuMode::Auto;
};

// Launch geometry (pure functions, so that they can be tested without a GPU).

/// Threads per block of the grid-stride phases.
inline constexpr int kPhaseBlockSize = 256;
/// Blocks per multiprocessor at most, for the grid-stride phases.
inline constexpr int kMaxBlocksPerMultiprocessor = 8;
/// Auto mode picks the persistent kernel up to this many neurons in the
/// largest per-neuron phase (a first guess, to be replaced by measurements).
inline constexpr int64_t kAutoPersistentMaxWork = 16384;
/// The persistent kernel runs at most this many steps per launch, to stay
/// far below display watchdogs.
inline constexpr int64_t kPersistentChunkSteps = 256;
/// A captured graph holds at most this many steps.
inline constexpr int64_t kMaxGraphSteps = 128;

/// Blocks of a grid-stride phase: enough blocks of `blockSize` threads to
/// cover `work`, at least 1, at most multiprocessors * 8.
int64_t phaseGridBlocks(int64_t work, int blockSize, int multiprocessors);
/// Threads per block of a phase kernel whose limit is `maxThreads`
/// (CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK): kPhaseBlockSize or less, a
/// multiple of 32 (at least 32 when the limit allows; else the limit).
int phaseBlockSize(int maxThreads);
/// Threads of the persistent kernel's single block: min(1024, maxThreads)
/// rounded down to a multiple of 32.
int persistentBlockSize(int maxThreads);
/// Steps per captured graph for batches of `batchSteps` (even): the whole
/// batch when it is at most kMaxGraphSteps, else an even divisor of the
/// batch in [64, 128] when there is one, else 128 (the rest of each batch
/// then runs with plain launches).
int64_t graphStepsFor(int64_t batchSteps);
/// The mode `auto` resolves to: Persistent when the model has a persistent
/// kernel and its largest per-neuron phase (any phase but "propagate") has
/// at most kAutoPersistentMaxWork threads of work; else Graph when the
/// driver has graphs; else Launch.
GpuMode chooseAutoGpuMode(const GpuDesc &gpu, bool graphsAvailable);

/// The CUDA backend for a network of `desc` (to be built with the backend
/// as its connectivity device, then uploaded): loads the driver, opens the
/// device's primary context and a stream, loads the module (the cubin, else
/// the PTX), finds the phase kernels and resolves the mode. Null with
/// `error` set on failure; everything acquired so far is released.
std::unique_ptr<StepBackend> makeCudaBackend(const Descriptor &desc,
                                             const CudaImage &image,
                                             const CudaOptions &cuda,
                                             std::string &error);

/// Checks, before any long work, that the driver loads and `device` exists.
bool checkCudaDevice(int device, std::string &error);

/// runBatchedSimulation() on a CUDA device.
bool runCudaSimulation(const std::string &descriptorJson,
                       const CudaImage &image, const CudaOptions &cuda,
                       const RunOptions &options, RunResult &result,
                       std::string &error);

/// main() of a CUDA simulator: the CPU simulator's command line plus
/// `--batch-steps N`, `--device N` and `--gpu-mode MODE`. Returns the exit
/// code (0 ok, 1 error, e.g. no GPU; 2 bad arguments).
int runCudaMain(int argc, char **argv, const char *descriptorJson,
                const CudaImage &image);

/// One CUDA device as the driver sees it.
struct CudaDeviceInfo {
  int ordinal = 0;
  std::string name;
  int major = 0, minor = 0; ///< compute capability
  int multiprocessors = 0;
  uint64_t totalMemory = 0;
  bool usable = false; ///< its primary context could be created
  std::string problem; ///< why not, when !usable
};

struct CudaProbe {
  std::string library;   ///< the driver library loaded
  int driverVersion = 0; ///< 1000 * major + 10 * minor
  std::vector<CudaDeviceInfo> devices;
};

/// Loads the driver and lists the devices. False with `why` set when there
/// is no driver, cuInit fails or there is no device; true otherwise (check
/// each device's `usable`).
bool probeCuda(CudaProbe &probe, std::string &why);

} // namespace snnrt

#endif // SNNRT_GPU_H
