//===- cuda_backend.cpp - Running the steps on a CUDA device --------------===//
//
// One device, its primary context, one stream, one allocation holding the
// arena (same layout as on the host), and the phase kernels of the model's
// module. Every driver call is checked; errors name the call, the driver's
// error name and text, and what the runtime was doing.
//
//===----------------------------------------------------------------------===//

#include "snnrt/descriptor.h"
#include "snnrt/gpu.h"
#include "snnrt/network.h"

#include "cli.h"
#include "cuda_backend.h"
#include "cuda_driver.h"
#include "run_internal.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

#include <nlohmann/json.hpp>

namespace snnrt {

using namespace cu;

const char *gpuModeName(GpuMode mode) {
  switch (mode) {
  case GpuMode::Auto:
    return "auto";
  case GpuMode::Launch:
    return "launch";
  case GpuMode::Graph:
    return "graph";
  case GpuMode::Persistent:
    return "persistent";
  }
  return "?";
}

bool parseGpuMode(const std::string &text, GpuMode &mode) {
  for (GpuMode m :
       {GpuMode::Auto, GpuMode::Launch, GpuMode::Graph, GpuMode::Persistent})
    if (text == gpuModeName(m)) {
      mode = m;
      return true;
    }
  return false;
}

int64_t phaseGridBlocks(int64_t work, int blockSize, int multiprocessors) {
  int64_t block = std::max(blockSize, 1);
  int64_t blocks = (std::max<int64_t>(work, 1) + block - 1) / block;
  int64_t cap =
      int64_t(std::max(multiprocessors, 1)) * kMaxBlocksPerMultiprocessor;
  return std::clamp<int64_t>(blocks, 1, cap);
}

int phaseBlockSize(int maxThreads) {
  if (maxThreads >= kPhaseBlockSize)
    return kPhaseBlockSize;
  if (maxThreads >= 32)
    return maxThreads / 32 * 32;
  return std::max(maxThreads, 1);
}

int persistentBlockSize(int maxThreads) {
  int t = std::min(1024, maxThreads);
  if (t >= 32)
    return t / 32 * 32;
  return std::max(t, 1);
}

int64_t graphStepsFor(int64_t batchSteps) {
  if (batchSteps <= kMaxGraphSteps)
    return std::max<int64_t>(2, batchSteps + (batchSteps & 1));
  for (int64_t l = kMaxGraphSteps; l >= 64; l -= 2)
    if (batchSteps % l == 0)
      return l;
  return kMaxGraphSteps;
}

GpuMode chooseAutoGpuMode(const GpuDesc &gpu, bool graphsAvailable) {
  int64_t work = 0;
  for (const GpuPhaseDesc &p : gpu.phases)
    if (p.name != "propagate")
      work = std::max(work, p.work);
  if (!gpu.persistentKernel.empty() && work <= kAutoPersistentMaxWork)
    return GpuMode::Persistent;
  return graphsAvailable ? GpuMode::Graph : GpuMode::Launch;
}

namespace {

using detail::Clock;
using detail::secondsSince;

/// "10.8 MiB"; small sizes in bytes ("8000 bytes"), not "0.0 MiB".
std::string mib(double bytes) {
  char buf[32];
  if (bytes < 0.1 * 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.0f bytes", bytes);
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / (1024.0 * 1024.0));
  return buf;
}

std::string stepRange(int64_t b, int64_t e) {
  return e - b == 1
             ? "step " + std::to_string(b)
             : "steps " + std::to_string(b) + ".." + std::to_string(e - 1);
}

class CudaBackend : public StepBackend, public ConnectivityDevice {
public:
  explicit CudaBackend(const Driver &drv) : drv_(drv) {
    void *ptrs[] = {&params_.allocated, &params_.aligned, &params_.offset,
                    &params_.size,      &params_.stride,  &params_.seed,
                    &params_.a,         &params_.b};
    std::copy(std::begin(ptrs), std::end(ptrs), paramPtrs_);
  }
  CudaBackend(const CudaBackend &) = delete;
  CudaBackend &operator=(const CudaBackend &) = delete;
  ~CudaBackend() override;

  bool init(const Descriptor &desc, const CudaImage &image,
            const CudaOptions &cuda, std::string &error);

  ConnectivityDevice *connectivityDevice() override { return this; }
  bool runScratch(const GpuKernelRef &k, int64_t seed, int64_t n,
                  std::vector<int64_t> &words, std::string &error,
                  int64_t totalWords, int keepFor) override;
  bool runOnArena(const Network &net, const GpuKernelRef &k, int64_t seed,
                  int64_t n, std::vector<int64_t> &words,
                  std::string &error) override;
  bool upload(Network &net, std::string &error) override;
  bool runSteps(int64_t first, int64_t count, std::string &error) override;
  bool read(int buffer, uint64_t first, uint64_t count, void *dst,
            std::string &error) override;
  bool write(int buffer, uint64_t first, uint64_t count, const void *src,
             std::string &error) override;
  bool zero(int buffer, std::string &error) override;
  bool download(Network &net, bool connectivity, std::string &error) override;
  BackendReport report() const override;

private:
  struct Phase {
    std::string name, kernel;
    int64_t work = 0;
    CUfunction fn = nullptr;
    unsigned grid = 1, block = 1;
  };
  /// Kernel arguments: the arena memref (five values), the seed, and the
  /// parity (phases) or first step and step count (persistent kernel).
  struct Params {
    CUdeviceptr allocated = 0, aligned = 0;
    int64_t offset = 0, size = 0, stride = 1, seed = 0, a = 0, b = 0;
  };
  /// A connectivity build kernel (docs/gpu-abi.md): (arena[5], scratch[5],
  /// seed, n).
  struct BuildKernel {
    CUfunction fn = nullptr;
    unsigned block = 1;
  };
  /// One launch of a build kernel, for the report.
  struct BuildLaunch {
    std::string kernel, role, projection;
    int64_t n = 0;
    unsigned grid = 1, block = 1;
  };
  /// A device buffer given to a build kernel: [ptr, ptr + bytes).
  struct DeviceSpan {
    CUdeviceptr ptr = 0;
    uint64_t bytes = 0;
  };

  const Driver &drv_;
  int ordinal_ = 0;
  CUdevice dev_ = 0;
  CUcontext ctx_ = nullptr;
  bool retained_ = false;
  CUstream stream_ = nullptr;
  CUmodule module_ = nullptr;
  CUdeviceptr arena_ = 0;
  uint64_t arenaBytes_ = 0;
  CUgraph graph_ = nullptr;
  CUgraphExec graphExec_ = nullptr;
  int64_t graphSteps_ = 0;
  std::vector<Phase> phases_;
  CUfunction persistent_ = nullptr;
  std::string persistentName_;
  unsigned persistentBlock_ = 0;
  GpuMode requested_ = GpuMode::Auto, mode_ = GpuMode::Auto;
  Network *net_ = nullptr;
  Params params_;
  void *paramPtrs_[8] = {};
  std::map<std::string, BuildKernel> buildKernels_;
  std::vector<BuildLaunch> buildLaunches_;
  /// Scratches kept by runScratch(keepFor) for the projections' fill
  /// kernels, freed by runDeviceInit (or the destructor).
  std::map<int, DeviceSpan> kept_;
  double scratchSeconds_ = 0, initSeconds_ = 0;
  uint64_t uploadedBytes_ = 0, deviceWrittenBytes_ = 0, downloadedBytes_ = 0;

  // For the report.
  std::string deviceName_, arch_, moduleKind_, cubinProblem_;
  int major_ = 0, minor_ = 0, multiprocessors_ = 0;
  bool watchdog_ = false;
  uint64_t totalMemory_ = 0;
  double setupSeconds_ = 0;

  std::string device() const {
    return "device " + std::to_string(ordinal_) + " (" + deviceName_ + ")";
  }
  bool makeCurrent(std::string &error) {
    return drv_.check(drv_.cuCtxSetCurrent(ctx_), "cuCtxSetCurrent",
                      "making the context of " + device() + " current", error);
  }
  bool sync(const std::string &doing, std::string &error) {
    return drv_.check(drv_.cuStreamSynchronize(stream_), "cuStreamSynchronize",
                      doing, error);
  }
  bool attribute(CUdevice_attribute a, int &value, const char *what,
                 std::string &error) {
    return drv_.check(drv_.cuDeviceGetAttribute(&value, a, dev_),
                      "cuDeviceGetAttribute",
                      std::string("querying the ") + what + " of device " +
                          std::to_string(ordinal_),
                      error);
  }
  bool loadModule(const CudaImage &image, std::string &error);
  bool findKernel(const std::string &name, const std::string &what,
                  CUfunction &fn, int &maxThreads, std::string &error);
  bool launchPhase(const Phase &ph, int64_t parity, const char *context,
                   int64_t step, std::string &error);
  bool launchStep(int64_t step, std::string &error);
  bool captureGraph(std::string &error);
  const BuildKernel *buildKernel(const std::string &name,
                                 const std::string &what, std::string &error);
  bool launchBuild(const GpuKernelRef &ref, const BuildKernel &k,
                   DeviceSpan arena, DeviceSpan scratch, int64_t seed,
                   int64_t n, const std::string &role,
                   const std::string &projection, std::string &error);
  /// runScratch, with `arena` (empty, or the device's arena for
  /// runOnArena) as the kernel's arena.
  bool runWithScratch(const GpuKernelRef &k, int64_t seed, int64_t n,
                      std::vector<int64_t> &words, std::string &error,
                      int64_t totalWords, int keepFor, DeviceSpan arena);
  bool copyArena(const Network &net, std::string &error);
  bool runDeviceInit(Network &net, std::string &error);
};

CudaBackend::~CudaBackend() {
  // Best effort on every path: errors cannot be reported from here (after a
  // kernel fault the context is unusable and these calls fail harmlessly).
  if (ctx_)
    drv_.cuCtxSetCurrent(ctx_);
  if (graphExec_)
    drv_.cuGraphExecDestroy(graphExec_);
  if (graph_)
    drv_.cuGraphDestroy(graph_);
  if (stream_) {
    drv_.cuStreamSynchronize(stream_);
    drv_.cuStreamDestroy_v2(stream_);
  }
  for (auto &k : kept_)
    drv_.cuMemFree_v2(k.second.ptr);
  if (arena_)
    drv_.cuMemFree_v2(arena_);
  if (module_)
    drv_.cuModuleUnload(module_);
  if (retained_)
    drv_.cuDevicePrimaryCtxRelease_v2(dev_);
}

bool CudaBackend::loadModule(const CudaImage &image, std::string &error) {
  arch_ = image.arch && *image.arch ? image.arch : "";
  std::string cubinFor = "the cubin" + (arch_.empty() ? "" : " for " + arch_);
  if (image.cubin && image.cubinSize > 0) {
    // The driver reads the cubin as an ELF image: give it aligned memory.
    std::vector<uint64_t> aligned((size_t(image.cubinSize) + 7) / 8);
    std::memcpy(aligned.data(), image.cubin, size_t(image.cubinSize));
    CUresult r = drv_.cuModuleLoadData(&module_, aligned.data());
    if (r == CUDA_SUCCESS) {
      moduleKind_ = "cubin";
      return true;
    }
    module_ = nullptr;
    cubinProblem_ = "cuModuleLoadData (loading " + cubinFor + " on " +
                    device() + ", compute capability " +
                    std::to_string(major_) + "." + std::to_string(minor_) +
                    "): " + drv_.describe(r);
  } else {
    cubinProblem_ = "the model has no cubin (it was compiled without ptxas)";
  }
  if (!image.ptx || !*image.ptx) {
    error = cubinProblem_ + "; and the model has no PTX to fall back to";
    return false;
  }
  static constexpr size_t kLogSize = 16384;
  std::vector<char> log(kLogSize, '\0');
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log.data(), reinterpret_cast<void *>(uintptr_t(kLogSize))};
  CUresult r = drv_.cuModuleLoadDataEx(&module_, image.ptx, 2, options, values);
  if (r != CUDA_SUCCESS) {
    module_ = nullptr;
    log.back() = '\0';
    std::string text = log.data();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
      text.pop_back();
    error = "cuModuleLoadDataEx (JIT-compiling the PTX for " + device() +
            ", compute capability " + std::to_string(major_) + "." +
            std::to_string(minor_) + "): " + drv_.describe(r);
    if (r == CUDA_ERROR_UNSUPPORTED_PTX_VERSION)
      error += " (the driver, CUDA " + drv_.versionString() +
               ", is older than the compiler that produced the PTX)";
    if (!text.empty())
      error += "\nJIT log:\n" + text;
    error += "\n(" + cubinProblem_ + ")";
    return false;
  }
  moduleKind_ = "ptx";
  return true;
}

bool CudaBackend::findKernel(const std::string &name, const std::string &what,
                             CUfunction &fn, int &maxThreads,
                             std::string &error) {
  if (!drv_.check(drv_.cuModuleGetFunction(&fn, module_, name.c_str()),
                  "cuModuleGetFunction",
                  "finding kernel \"" + name + "\" (" + what + ")", error))
    return false;
  return drv_.check(
      drv_.cuFuncGetAttribute(&maxThreads,
                              CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, fn),
      "cuFuncGetAttribute",
      "querying the block size limit of kernel \"" + name + "\"", error);
}

bool CudaBackend::init(const Descriptor &desc, const CudaImage &image,
                       const CudaOptions &cuda, std::string &error) {
  auto t0 = Clock::now();
  const GpuDesc &gpu = desc.gpu;
  if (!desc.hasGpu) {
    error = "the model was compiled for the CPU (its descriptor has no "
            "\"gpu\" section)";
    return false;
  }
  ordinal_ = cuda.device;
  int count = 0;
  if (!drv_.check(drv_.cuDeviceGetCount(&count), "cuDeviceGetCount",
                  "counting CUDA devices", error))
    return false;
  if (count == 0) {
    error = "no CUDA device (the CUDA driver " + drv_.versionString() +
            " sees none)";
    return false;
  }
  if (ordinal_ < 0 || ordinal_ >= count) {
    error = "there is no CUDA device " + std::to_string(ordinal_) + " (" +
            std::to_string(count) + " device" + (count == 1 ? "" : "s") +
            ": 0" + (count > 1 ? ".." + std::to_string(count - 1) : "") + ")";
    return false;
  }
  if (!drv_.check(drv_.cuDeviceGet(&dev_, ordinal_), "cuDeviceGet",
                  "opening CUDA device " + std::to_string(ordinal_), error))
    return false;
  char name[256] = "";
  if (!drv_.check(drv_.cuDeviceGetName(name, int(sizeof name) - 1, dev_),
                  "cuDeviceGetName",
                  "naming CUDA device " + std::to_string(ordinal_), error))
    return false;
  name[sizeof name - 1] = '\0';
  deviceName_ = name;
  int timeout = 0;
  size_t total = 0;
  if (!attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, major_,
                 "compute capability", error) ||
      !attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, minor_,
                 "compute capability", error) ||
      !attribute(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, multiprocessors_,
                 "multiprocessor count", error) ||
      !attribute(CU_DEVICE_ATTRIBUTE_KERNEL_EXEC_TIMEOUT, timeout,
                 "kernel time limit", error) ||
      !drv_.check(drv_.cuDeviceTotalMem_v2(&total, dev_), "cuDeviceTotalMem",
                  "querying the memory of " + device(), error))
    return false;
  watchdog_ = timeout != 0;
  totalMemory_ = total;

  if (!drv_.check(drv_.cuDevicePrimaryCtxRetain(&ctx_, dev_),
                  "cuDevicePrimaryCtxRetain",
                  "opening the primary context of " + device(), error))
    return false;
  retained_ = true;
  if (!makeCurrent(error) ||
      !drv_.check(drv_.cuStreamCreate(&stream_, CU_STREAM_NON_BLOCKING),
                  "cuStreamCreate", "creating a stream on " + device(), error))
    return false;
  if (!loadModule(image, error))
    return false;

  for (const GpuPhaseDesc &p : gpu.phases) {
    Phase ph;
    ph.name = p.name;
    ph.kernel = p.kernel;
    ph.work = p.work;
    int maxThreads = 0;
    if (!findKernel(p.kernel, "phase \"" + p.name + "\"", ph.fn, maxThreads,
                    error))
      return false;
    ph.block = unsigned(phaseBlockSize(maxThreads));
    ph.grid =
        unsigned(phaseGridBlocks(p.work, int(ph.block), multiprocessors_));
    phases_.push_back(ph);
  }

  requested_ = cuda.mode;
  mode_ = requested_ == GpuMode::Auto ? chooseAutoGpuMode(gpu, drv_.hasGraphs)
                                      : requested_;
  if (mode_ == GpuMode::Graph && !drv_.hasGraphs) {
    error = "--gpu-mode=graph: the CUDA driver " + drv_.versionString() +
            " lacks the graph API (cuGraphInstantiateWithFlags needs a "
            "driver for CUDA 11.4 or newer)";
    return false;
  }
  if (mode_ == GpuMode::Persistent) {
    if (gpu.persistentKernel.empty()) {
      error = "--gpu-mode=persistent: the model has no persistent kernel "
              "(its descriptor has no gpu.persistent_kernel)";
      return false;
    }
    persistentName_ = gpu.persistentKernel;
    int maxThreads = 0;
    if (!findKernel(persistentName_, "the persistent kernel", persistent_,
                    maxThreads, error))
      return false;
    persistentBlock_ = unsigned(persistentBlockSize(maxThreads));
  }
  setupSeconds_ = secondsSince(t0);
  return true;
}

bool CudaBackend::launchPhase(const Phase &ph, int64_t parity,
                              const char *context, int64_t step,
                              std::string &error) {
  params_.a = parity;
  CUresult r = drv_.cuLaunchKernel(ph.fn, ph.grid, 1, 1, ph.block, 1, 1, 0,
                                   stream_, paramPtrs_, nullptr);
  if (r == CUDA_SUCCESS)
    return true;
  return drv_.check(r, "cuLaunchKernel",
                    "launching " + ph.kernel + " (phase \"" + ph.name + "\", " +
                        std::to_string(ph.grid) + " blocks of " +
                        std::to_string(ph.block) + " threads) " + context +
                        std::to_string(step),
                    error);
}

bool CudaBackend::launchStep(int64_t step, std::string &error) {
  for (const Phase &ph : phases_)
    if (!launchPhase(ph, step & 1, "for step ", step, error))
      return false;
  return true;
}

bool CudaBackend::captureGraph(std::string &error) {
  graphSteps_ = graphStepsFor(net_->batchSteps);
  std::string doing =
      "capturing a graph of " + std::to_string(graphSteps_) + " steps";
  if (!drv_.check(drv_.cuStreamBeginCapture_v2(
                      stream_, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                  "cuStreamBeginCapture", doing, error))
    return false;
  // Parities alternate from 0: a replay must start on an even step.
  for (int64_t i = 0; i < graphSteps_; ++i)
    for (const Phase &ph : phases_)
      if (!launchPhase(ph, i & 1, "while capturing step ", i, error)) {
        CUgraph partial = nullptr;
        drv_.cuStreamEndCapture(stream_, &partial);
        if (partial)
          drv_.cuGraphDestroy(partial);
        return false;
      }
  if (!drv_.check(drv_.cuStreamEndCapture(stream_, &graph_),
                  "cuStreamEndCapture", doing, error))
    return false;
  return drv_.check(drv_.cuGraphInstantiateWithFlags(&graphExec_, graph_, 0),
                    "cuGraphInstantiateWithFlags",
                    "instantiating the graph of " +
                        std::to_string(graphSteps_) + " steps",
                    error);
}

const CudaBackend::BuildKernel *
CudaBackend::buildKernel(const std::string &name, const std::string &what,
                         std::string &error) {
  auto it = buildKernels_.find(name);
  if (it != buildKernels_.end())
    return &it->second;
  BuildKernel k;
  int maxThreads = 0;
  if (!makeCurrent(error) || !findKernel(name, what, k.fn, maxThreads, error))
    return nullptr;
  k.block = unsigned(phaseBlockSize(maxThreads));
  return &buildKernels_.emplace(name, k).first->second;
}

/// Launches build kernel `ref` on (arena, scratch) and waits for it.
bool CudaBackend::launchBuild(const GpuKernelRef &ref, const BuildKernel &k,
                              DeviceSpan arena, DeviceSpan scratch,
                              int64_t seed, int64_t n, const std::string &role,
                              const std::string &projection,
                              std::string &error) {
  struct {
    CUdeviceptr aAllocated, aAligned;
    int64_t aOffset, aSize, aStride;
    CUdeviceptr sAllocated, sAligned;
    int64_t sOffset, sSize, sStride, seed, n;
  } p = {arena.ptr,   arena.ptr, 0, int64_t(arena.bytes),   1,    scratch.ptr,
         scratch.ptr, 0,         int64_t(scratch.bytes),    1, seed, n};
  void *ptrs[] = {&p.aAllocated, &p.aAligned, &p.aOffset, &p.aSize,
                  &p.aStride,    &p.sAllocated, &p.sAligned, &p.sOffset,
                  &p.sSize,      &p.sStride,  &p.seed,    &p.n};
  // Grid-stride like the phases: `work` threads keep every thread busy.
  unsigned grid = unsigned(phaseGridBlocks(ref.work > 0 ? ref.work : n,
                                           int(k.block), multiprocessors_));
  BuildLaunch l;
  l.kernel = ref.kernel;
  l.role = role;
  l.projection = projection;
  l.n = n;
  l.grid = grid;
  l.block = k.block;
  buildLaunches_.push_back(l);
  std::string doing =
      ref.kernel + " (" + role +
      (projection.empty() ? "" : " of projection \"" + projection + "\"") + ")";
  return drv_.check(drv_.cuLaunchKernel(k.fn, grid, 1, 1, k.block, 1, 1, 0,
                                        stream_, ptrs, nullptr),
                    "cuLaunchKernel",
                    "launching " + doing + ", " + std::to_string(grid) + "x" +
                        std::to_string(k.block) + " threads",
                    error) &&
         sync("running " + doing, error);
}

bool CudaBackend::runOnArena(const Network &net, const GpuKernelRef &k,
                             int64_t seed, int64_t n,
                             std::vector<int64_t> &words,
                             std::string &error) {
  if (&net != net_ || !arena_) {
    error = "build kernel " + k.kernel + ": the network is not on the device";
    return false;
  }
  return runWithScratch(k, seed, n, words, error, 0, -1,
                        DeviceSpan{arena_, arenaBytes_});
}

bool CudaBackend::runScratch(const GpuKernelRef &k, int64_t seed, int64_t n,
                             std::vector<int64_t> &words, std::string &error,
                             int64_t totalWords, int keepFor) {
  return runWithScratch(k, seed, n, words, error, totalWords, keepFor,
                        DeviceSpan{});
}

bool CudaBackend::runWithScratch(const GpuKernelRef &k, int64_t seed,
                                 int64_t n, std::vector<int64_t> &words,
                                 std::string &error, int64_t totalWords,
                                 int keepFor, DeviceSpan arena) {
  uint64_t total = std::max<uint64_t>(words.size(),
                                      uint64_t(std::max<int64_t>(totalWords, 0)));
  if (total == 0)
    return true;
  auto t0 = Clock::now();
  std::string what = "connectivity build kernel";
  const BuildKernel *bk = buildKernel(k.kernel, what, error);
  if (!bk || !makeCurrent(error))
    return false;
  uint64_t bytes = total * sizeof(int64_t);
  uint64_t given = words.size() * sizeof(int64_t);
  CUdeviceptr scratch = 0;
  std::string doing = mib(double(bytes)) + " of scratch for " + k.kernel;
  if (!drv_.check(drv_.cuMemAlloc_v2(&scratch, size_t(bytes)), "cuMemAlloc",
                  "allocating " + doing + " on " + device(), error))
    return false;
  bool ok =
      (given == 0 ||
       drv_.check(drv_.cuMemcpyHtoDAsync_v2(scratch, words.data(),
                                            size_t(given), stream_),
                  "cuMemcpyHtoDAsync", "copying " + doing, error)) &&
      (given == bytes ||
       drv_.check(drv_.cuMemsetD8Async(scratch + given, 0,
                                       size_t(bytes - given), stream_),
                  "cuMemsetD8Async", "zeroing " + doing, error)) &&
      launchBuild(k, *bk, arena, DeviceSpan{scratch, bytes}, seed, n,
                  arena.ptr ? "arena and scratch" : "scratch", "", error) &&
      (given == 0 ||
       drv_.check(drv_.cuMemcpyDtoHAsync_v2(words.data(), scratch,
                                            size_t(given), stream_),
                  "cuMemcpyDtoHAsync", "reading the scratch of " + k.kernel,
                  error)) &&
      sync("reading the scratch of " + k.kernel, error);
  if (ok && keepFor >= 0) {
    // Kept for the projection's fill kernel (runDeviceInit frees it).
    auto old = kept_.find(keepFor);
    if (old != kept_.end())
      drv_.cuMemFree_v2(old->second.ptr);
    kept_[keepFor] = DeviceSpan{scratch, bytes};
    scratchSeconds_ += secondsSince(t0);
    return true;
  }
  // Freed on every other path (after a fault this fails harmlessly).
  CUresult r = drv_.cuMemFree_v2(scratch);
  if (ok)
    ok =
        drv_.check(r, "cuMemFree", "freeing the scratch of " + k.kernel, error);
  scratchSeconds_ += secondsSince(t0);
  return ok;
}

/// The byte ranges [begin, end) of the buffers the device writes, in
/// order, merged across the padding between buffers.
std::vector<std::pair<uint64_t, uint64_t>>
deviceWrittenRanges(const Network &net) {
  std::vector<std::pair<uint64_t, uint64_t>> written, ranges;
  for (size_t k = 0; k < net.arena.numBuffers(); ++k) {
    const ArenaSlot &s = net.arena.slot(k);
    if (k < net.deviceWritten.size() && net.deviceWritten[k] && s.bytes)
      written.emplace_back(s.offset, s.offset + s.bytes);
  }
  // In arena order (a view lies inside an earlier buffer, so buffer order
  // need not be), merged across the padding (< 64 bytes of zeros) between
  // buffers.
  std::sort(written.begin(), written.end());
  for (const auto &r : written) {
    if (!ranges.empty() && r.first <= ranges.back().second + kArenaAlignment)
      ranges.back().second = std::max(ranges.back().second, r.second);
    else
      ranges.push_back(r);
  }
  return ranges;
}

/// Copies the host's part of the arena: everything but the buffers the
/// device writes, which are zeroed instead (contiguous runs coalesced).
bool CudaBackend::copyArena(const Network &net, std::string &error) {
  std::vector<std::pair<uint64_t, uint64_t>> skip = deviceWrittenRanges(net);
  const uint8_t *host = net.arena.data();
  uint64_t at = 0;
  uploadedBytes_ = deviceWrittenBytes_ = 0;
  auto copy = [&](uint64_t b, uint64_t e) {
    uploadedBytes_ += e - b;
    return b == e ||
           drv_.check(drv_.cuMemcpyHtoDAsync_v2(arena_ + b, host + b,
                                                size_t(e - b), stream_),
                      "cuMemcpyHtoDAsync", "copying the arena to the device",
                      error);
  };
  for (const auto &r : skip) {
    deviceWrittenBytes_ += r.second - r.first;
    if (!copy(at, r.first) ||
        !drv_.check(drv_.cuMemsetD8Async(arena_ + r.first, 0,
                                         size_t(r.second - r.first), stream_),
                    "cuMemsetD8Async", "zeroing the buffers the device builds",
                    error))
      return false;
    at = r.second;
  }
  return copy(at, arenaBytes_) &&
         sync("copying the arena to the device", error);
}

/// Runs the fill, sort and values kernels of the device-built projections,
/// then frees the kept scratches.
bool CudaBackend::runDeviceInit(Network &net, std::string &error) {
  auto t0 = Clock::now();
  for (const DeviceInit &init : net.deviceInit) {
    std::string what = init.role + " of " + deviceInitSubject(net.desc, init);
    DeviceSpan scratch;
    if (init.keptScratch) {
      auto it = kept_.find(init.projection);
      if (it == kept_.end()) {
        error = what + ": " + init.kernel.kernel +
                " needs the rows kernel's kept scratch, which is missing";
        return false;
      }
      scratch = it->second;
    }
    const BuildKernel *k = buildKernel(init.kernel.kernel, what, error);
    if (!k || !launchBuild(init.kernel, *k, DeviceSpan{arena_, arenaBytes_},
                           scratch, int64_t(net.seed), init.n, init.role,
                           init.projection < 0
                               ? std::string()
                               : net.desc.projections[init.projection].name,
                           error))
      return false;
  }
  // The values the init kernels drew, read back and checked as the host's.
  if (!checkInitValues(
          net,
          [&](int buffer, void *dst, std::string &e) {
            return read(buffer, 0, net.arena.slot(size_t(buffer)).count, dst,
                        e);
          },
          error))
    return false;
  std::map<int, DeviceSpan> kept;
  kept.swap(kept_);
  std::string freeError; // the first; all are freed even after a failure
  for (auto &k : kept) {
    std::string e;
    if (!drv_.check(drv_.cuMemFree_v2(k.second.ptr), "cuMemFree",
                    "freeing the kept scratch of projection \"" +
                        net.desc.projections[k.first].name + "\"",
                    e) &&
        freeError.empty())
      freeError = e;
  }
  if (!freeError.empty()) {
    error = freeError;
    return false;
  }
  initSeconds_ = secondsSince(t0);
  net.connectivitySeconds += initSeconds_;
  return true;
}

bool CudaBackend::upload(Network &net, std::string &error) {
  auto t0 = Clock::now();
  if (arena_) {
    error = "CUDA backend: the arena was already uploaded";
    return false;
  }
  net_ = &net;
  arenaBytes_ = net.arena.sizeBytes();
  if (!makeCurrent(error))
    return false;
  size_t freeBytes = 0, totalBytes = 0;
  if (!drv_.check(drv_.cuMemGetInfo_v2(&freeBytes, &totalBytes), "cuMemGetInfo",
                  "querying the free memory of " + device(), error))
    return false;
  if (arenaBytes_ > freeBytes) {
    error = "the network needs " + mib(double(arenaBytes_)) +
            " of device memory, but " + device() + " has only " +
            mib(double(freeBytes)) + " free (of " + mib(double(totalBytes)) +
            ")";
    return false;
  }
  if (!drv_.check(drv_.cuMemAlloc_v2(&arena_, size_t(arenaBytes_)),
                  "cuMemAlloc",
                  "allocating the " + mib(double(arenaBytes_)) + " arena on " +
                      device(),
                  error)) {
    arena_ = 0;
    return false;
  }
  if (!copyArena(net, error) || !runDeviceInit(net, error))
    return false;
  params_.allocated = params_.aligned = arena_;
  params_.offset = 0;
  params_.size = int64_t(arenaBytes_);
  params_.stride = 1;
  params_.seed = int64_t(net.seed);
  if (mode_ == GpuMode::Graph && !captureGraph(error))
    return false;
  setupSeconds_ += secondsSince(t0);
  return true;
}

bool CudaBackend::runSteps(int64_t first, int64_t count, std::string &error) {
  if (!arena_) {
    error = "CUDA backend: steps run before the arena was uploaded";
    return false;
  }
  if (!makeCurrent(error))
    return false;
  int64_t s = first, end = first + count;
  switch (mode_) {
  case GpuMode::Auto: // resolved in init
  case GpuMode::Launch:
    for (; s < end; ++s)
      if (!launchStep(s, error))
        return false;
    break;
  case GpuMode::Graph:
    for (; s < end && (s & 1); ++s)
      if (!launchStep(s, error))
        return false;
    for (; end - s >= graphSteps_; s += graphSteps_)
      if (!drv_.check(drv_.cuGraphLaunch(graphExec_, stream_), "cuGraphLaunch",
                      "launching the graph for " +
                          stepRange(s, s + graphSteps_),
                      error))
        return false;
    for (; s < end; ++s)
      if (!launchStep(s, error))
        return false;
    break;
  case GpuMode::Persistent:
    while (s < end) {
      int64_t n = std::min(kPersistentChunkSteps, end - s);
      params_.a = s;
      params_.b = n;
      if (!drv_.check(drv_.cuLaunchKernel(persistent_, 1, 1, 1,
                                          persistentBlock_, 1, 1, 0, stream_,
                                          paramPtrs_, nullptr),
                      "cuLaunchKernel",
                      "launching " + persistentName_ + " (1 block of " +
                          std::to_string(persistentBlock_) + " threads) for " +
                          stepRange(s, s + n),
                      error))
        return false;
      s += n;
    }
    break;
  }
  return sync("running " + stepRange(first, end) + " in " + gpuModeName(mode_) +
                  " mode",
              error);
}

bool CudaBackend::read(int buffer, uint64_t first, uint64_t count, void *dst,
                       std::string &error) {
  uint64_t offset = 0, bytes = 0;
  if (!net_ ||
      !bufferByteRange(*net_, buffer, first, count, offset, bytes, error)) {
    error = "CUDA backend: reading: " +
            (net_ ? error : std::string("no arena on the device"));
    return false;
  }
  if (bytes == 0)
    return true;
  std::string doing = "reading buffer " + std::to_string(buffer) + " (" +
                      net_->desc.buffers[buffer].name + ")";
  return makeCurrent(error) &&
         drv_.check(drv_.cuMemcpyDtoHAsync_v2(dst, arena_ + offset,
                                              size_t(bytes), stream_),
                    "cuMemcpyDtoHAsync", doing, error) &&
         sync(doing, error);
}

bool CudaBackend::write(int buffer, uint64_t first, uint64_t count,
                        const void *src, std::string &error) {
  uint64_t offset = 0, bytes = 0;
  if (!net_ ||
      !bufferByteRange(*net_, buffer, first, count, offset, bytes, error)) {
    error = "CUDA backend: writing: " +
            (net_ ? error : std::string("no arena on the device"));
    return false;
  }
  if (bytes == 0)
    return true;
  std::string doing = "writing buffer " + std::to_string(buffer) + " (" +
                      net_->desc.buffers[buffer].name + ")";
  return makeCurrent(error) &&
         drv_.check(drv_.cuMemcpyHtoDAsync_v2(arena_ + offset, src,
                                              size_t(bytes), stream_),
                    "cuMemcpyHtoDAsync", doing, error) &&
         sync(doing, error);
}

bool CudaBackend::zero(int buffer, std::string &error) {
  uint64_t offset = 0, bytes = 0;
  if (!net_ || buffer < 0 || size_t(buffer) >= net_->arena.numBuffers() ||
      !bufferByteRange(*net_, buffer, 0, net_->arena.slot(buffer).count, offset,
                       bytes, error)) {
    error = "CUDA backend: zeroing buffer " + std::to_string(buffer) +
            (net_ ? "" : ": no arena on the device");
    return false;
  }
  if (bytes == 0)
    return true;
  return makeCurrent(error) &&
         drv_.check(
             drv_.cuMemsetD8Async(arena_ + offset, 0, size_t(bytes), stream_),
             "cuMemsetD8Async",
             "zeroing buffer " + std::to_string(buffer) + " (" +
                 net_->desc.buffers[buffer].name + ")",
             error);
}

bool CudaBackend::download(Network &net, bool connectivity,
                           std::string &error) {
  if (&net != net_ || !arena_ || net.arena.sizeBytes() != arenaBytes_) {
    error = "CUDA backend: download into a network that was not uploaded";
    return false;
  }
  std::string doing = "copying the final arena back to the host";
  if (!makeCurrent(error))
    return false;
  // Without the connectivity: the runs between the device-written ranges.
  std::vector<std::pair<uint64_t, uint64_t>> skip;
  if (!connectivity)
    skip = deviceWrittenRanges(net);
  skip.emplace_back(arenaBytes_, arenaBytes_);
  uint64_t at = 0;
  downloadedBytes_ = 0;
  for (const auto &r : skip) {
    if (r.first > at) {
      if (!drv_.check(drv_.cuMemcpyDtoHAsync_v2(net.arena.data() + at,
                                                arena_ + at,
                                                size_t(r.first - at), stream_),
                      "cuMemcpyDtoHAsync", doing, error))
        return false;
      downloadedBytes_ += r.first - at;
    }
    at = std::max(at, r.second);
  }
  return sync(doing, error);
}

BackendReport CudaBackend::report() const {
  BackendReport r;
  r.target = "cuda";
  std::string cc = std::to_string(major_) + "." + std::to_string(minor_);
  r.summary = "cuda on " + deviceName_ + " (device " +
              std::to_string(ordinal_) + ", compute capability " + cc + ", " +
              std::to_string(multiprocessors_) + " SMs), " +
              gpuModeName(mode_) + " mode" +
              (requested_ == GpuMode::Auto ? " (auto)" : "");
  if (mode_ == GpuMode::Graph)
    r.summary += " of " + std::to_string(graphSteps_) + "-step graphs";
  if (mode_ == GpuMode::Persistent)
    r.summary +=
        ", 1 block of " + std::to_string(persistentBlock_) + " threads";
  else {
    r.summary += ", grids";
    for (const Phase &ph : phases_)
      r.summary += " " + ph.name + " " + std::to_string(ph.grid) + "x" +
                   std::to_string(ph.block);
  }
  r.summary += ", " + (moduleKind_ == "cubin"
                           ? "cubin" + (arch_.empty() ? "" : " " + arch_)
                           : std::string("PTX (JIT-compiled)"));

  nlohmann::ordered_json j;
  j["target"] = r.target;
  j["device"] = ordinal_;
  j["device_name"] = deviceName_;
  j["compute_capability"] = cc;
  j["multiprocessors"] = multiprocessors_;
  j["device_memory_bytes"] = totalMemory_;
  j["kernel_time_limit"] = watchdog_;
  j["driver_version"] = drv_.versionString();
  j["mode"] = gpuModeName(mode_);
  j["mode_requested"] = gpuModeName(requested_);
  j["module"] = moduleKind_;
  j["module_arch"] = arch_;
  if (moduleKind_ != "cubin")
    j["cubin_problem"] = cubinProblem_;
  nlohmann::ordered_json phases = nlohmann::ordered_json::array();
  for (const Phase &ph : phases_)
    phases.push_back({{"name", ph.name},
                      {"kernel", ph.kernel},
                      {"work", ph.work},
                      {"grid", ph.grid},
                      {"block", ph.block}});
  j["phases"] = phases;
  if (mode_ == GpuMode::Graph)
    j["graph_steps"] = graphSteps_;
  if (mode_ == GpuMode::Persistent)
    j["persistent"] = {{"kernel", persistentName_},
                       {"grid", 1},
                       {"block", persistentBlock_},
                       {"steps_per_launch", kPersistentChunkSteps}};
  j["arena_bytes"] = arenaBytes_;
  j["uploaded_bytes"] = uploadedBytes_;
  j["downloaded_bytes"] = downloadedBytes_;
  j["setup_seconds"] = setupSeconds_;
  if (!buildLaunches_.empty()) {
    nlohmann::ordered_json launches = nlohmann::ordered_json::array();
    for (const BuildLaunch &l : buildLaunches_) {
      nlohmann::ordered_json b = {{"kernel", l.kernel}, {"role", l.role}};
      if (!l.projection.empty())
        b["projection"] = l.projection;
      b["n"] = l.n;
      b["grid"] = l.grid;
      b["block"] = l.block;
      launches.push_back(b);
    }
    j["build_kernels"] = launches;
    j["build_scratch_seconds"] = scratchSeconds_;
    j["build_arena_seconds"] = initSeconds_;
    j["device_written_bytes"] = deviceWrittenBytes_;
  }
  r.json = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

} // namespace

std::unique_ptr<StepBackend> makeCudaBackendWith(const Driver &driver,
                                                 const Descriptor &desc,
                                                 const CudaImage &image,
                                                 const CudaOptions &cuda,
                                                 std::string &error) {
  try {
    auto backend = std::make_unique<CudaBackend>(driver);
    if (!backend->init(desc, image, cuda, error))
      return nullptr; // the destructor releases what init acquired
    return backend;
  } catch (const std::bad_alloc &) {
    error = "out of memory while setting up the CUDA device";
  } catch (const std::exception &e) {
    error = e.what();
  }
  return nullptr;
}

std::unique_ptr<StepBackend> makeCudaBackend(const Descriptor &desc,
                                             const CudaImage &image,
                                             const CudaOptions &cuda,
                                             std::string &error) {
  const Driver *drv = loadDriver(error);
  if (!drv)
    return nullptr;
  return makeCudaBackendWith(*drv, desc, image, cuda, error);
}

bool checkCudaDevice(int device, std::string &error) {
  const Driver *drv = loadDriver(error);
  if (!drv)
    return false;
  int count = 0;
  if (!drv->check(drv->cuDeviceGetCount(&count), "cuDeviceGetCount",
                  "counting CUDA devices", error))
    return false;
  if (count == 0) {
    error = "no CUDA device (the CUDA driver " + drv->versionString() +
            " sees none)";
    return false;
  }
  if (device < 0 || device >= count) {
    error = "there is no CUDA device " + std::to_string(device) + " (" +
            std::to_string(count) + " device" + (count == 1 ? "" : "s") +
            ": 0" + (count > 1 ? ".." + std::to_string(count - 1) : "") + ")";
    return false;
  }
  return true;
}

bool runCudaSimulation(const std::string &descriptorJson,
                       const CudaImage &image, const CudaOptions &cuda,
                       const RunOptions &options, RunResult &result,
                       std::string &error) {
  result = RunResult();
  // Fail before building a large network when there is no GPU at all.
  if (!checkCudaDevice(cuda.device, error))
    return false;
  return runBatchedSimulation(
      descriptorJson,
      [&](const Descriptor &desc, std::string &err) {
        return makeCudaBackend(desc, image, cuda, err);
      },
      options, result, error);
}

int runCudaMain(int argc, char **argv, const char *descriptorJson,
                const CudaImage &image) {
  return detail::cliMain(argc, argv, descriptorJson, detail::CliTarget::Cuda,
                         [&](const detail::CliOptions &cli, RunResult &result,
                             std::string &error) {
                           CudaOptions cuda;
                           cuda.device = cli.device;
                           if (!parseGpuMode(cli.gpuMode, cuda.mode)) {
                             error = "invalid GPU mode '" + cli.gpuMode + "'";
                             return false;
                           }
                           return runCudaSimulation(descriptorJson, image, cuda,
                                                    cli.run, result, error);
                         });
}

bool probeCuda(CudaProbe &probe, std::string &why) {
  probe = CudaProbe();
  const Driver *drv = loadDriver(why);
  if (!drv)
    return false;
  probe.library = drv->library;
  probe.driverVersion = drv->version;
  int count = 0;
  if (!drv->check(drv->cuDeviceGetCount(&count), "cuDeviceGetCount",
                  "counting CUDA devices", why))
    return false;
  if (count == 0) {
    why = "the CUDA driver " + drv->versionString() + " sees no device";
    return false;
  }
  for (int i = 0; i < count; ++i) {
    CudaDeviceInfo info;
    info.ordinal = i;
    CUdevice dev = 0;
    std::string error;
    char name[256] = "";
    int mode = 0;
    size_t total = 0;
    if (!drv->check(drv->cuDeviceGet(&dev, i), "cuDeviceGet", "", error) ||
        !drv->check(drv->cuDeviceGetName(name, int(sizeof name) - 1, dev),
                    "cuDeviceGetName", "", error) ||
        !drv->check(
            drv->cuDeviceGetAttribute(
                &info.major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev),
            "cuDeviceGetAttribute", "compute capability", error) ||
        !drv->check(
            drv->cuDeviceGetAttribute(
                &info.minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev),
            "cuDeviceGetAttribute", "compute capability", error) ||
        !drv->check(drv->cuDeviceGetAttribute(
                        &info.multiprocessors,
                        CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev),
                    "cuDeviceGetAttribute", "multiprocessor count", error) ||
        !drv->check(drv->cuDeviceGetAttribute(
                        &mode, CU_DEVICE_ATTRIBUTE_COMPUTE_MODE, dev),
                    "cuDeviceGetAttribute", "compute mode", error) ||
        !drv->check(drv->cuDeviceTotalMem_v2(&total, dev), "cuDeviceTotalMem",
                    "", error)) {
      info.problem = error;
      probe.devices.push_back(info);
      continue;
    }
    name[sizeof name - 1] = '\0';
    info.name = name;
    info.totalMemory = total;
    if (mode == CU_COMPUTEMODE_PROHIBITED) {
      info.problem = "the device is in compute-prohibited mode";
      probe.devices.push_back(info);
      continue;
    }
    // Usable means a context can be opened on it.
    CUcontext ctx = nullptr;
    if (drv->check(drv->cuDevicePrimaryCtxRetain(&ctx, dev),
                   "cuDevicePrimaryCtxRetain", "opening its primary context",
                   error)) {
      info.usable = true;
      drv->cuDevicePrimaryCtxRelease_v2(dev);
    } else {
      info.problem = error;
    }
    probe.devices.push_back(info);
  }
  return true;
}

} // namespace snnrt
