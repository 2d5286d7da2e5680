//===- FakeCudaTest.cpp - The CUDA backend on a fake driver ---------------===//
//
// The CUDA backend's logic (launch geometry, graphs, the persistent kernel,
// parameters, copies, error messages, releasing everything) tested without
// a GPU: the driver is a table of host functions (cu::Driver) whose
// "device" memory is host memory and whose "kernels" are the counter
// model's phases (GpuCounterNet.h), run with gridDim * blockDim emulated
// threads, and the host versions of the connectivity build kernels
// (GpuBuildNet.h).
//
//===----------------------------------------------------------------------===//

#include "snnrt/batched.h"
#include "snnrt/descriptor.h"
#include "snnrt/gpu.h"
#include "snnrt/network.h"

#include "cuda_backend.h"
#include "cuda_driver.h"

#include "GpuBuildNet.h"
#include "GpuCounterNet.h"
#include "TestUtil.h"

#include <cstdlib>
#include <cstring>
#include <map>

#include <nlohmann/json.hpp>

using namespace snnrt;
using namespace snnrt::cu;
using namespace snnrt_test;
using json = nlohmann::json;

namespace {

constexpr CUresult kInvalidValue = CUresult(1);
constexpr CUresult kInvalidImage = CUresult(200);
constexpr CUresult kIllegalAddress = CUresult(700);

struct FakeKernel {
  const char *name;
  int arity;
};
FakeKernel kRecord{"snn_phase_record", 7}, kUpdate{"snn_phase_update", 7},
    kDeliver{"snn_phase_deliver", 7}, kPersistent{"snn_persistent", 8};

/// snn_build_<kind>_<e>: kernel number buildKernelNumber(e, kind) of
/// GpuBuildNet.h (4 e + kind, 16 + e for sort); (arena[5], scratch[5],
/// seed, n).
struct BuildKernels {
  std::string names[20];
  FakeKernel kernels[20];
  BuildKernels() {
    for (int i = 0; i < 20; ++i) {
      names[i] = i >= 16 ? buildKernelName(i - 16, kSort)
                         : buildKernelName(i / 4, i % 4);
      kernels[i] = {names[i].c_str(), 12};
    }
  }
  /// The kernel number of `k`, or -1 for a phase kernel.
  int number(const FakeKernel *k) const {
    return k >= kernels && k < kernels + 20 ? int(k - kernels) : -1;
  }
};
BuildKernels kBuild;

/// One transfer or build launch, for the tests of device connectivity.
struct Event {
  /// "htod", "memset", "dtoh", a build kernel's name or "phase"
  std::string what;
  size_t allocation = 0; ///< size of the allocation it touched
  size_t offset = 0, bytes = 0;
};

struct Launch {
  FakeKernel *kernel = nullptr;
  unsigned grid = 0, block = 0;
  uint64_t args[12] = {};
};

struct FakeGraph {
  std::vector<Launch> launches;
};

/// Everything the fake driver has seen; reset for each test.
struct FakeState {
  int retains = 0, modules = 0, streams = 0, graphs = 0, execs = 0;
  std::map<CUdeviceptr, size_t> allocations;
  size_t freeMemory = size_t(512) << 20;
  int maxThreadsPhase = 1024, maxThreadsPersistent = 1024;
  bool capturing = false;
  std::vector<Launch> captured;
  int64_t plainLaunches = 0, capturedLaunches = 0, graphLaunches = 0,
          persistentLaunches = 0, persistentSteps = 0;
  int64_t stepsRun = 0;                  // end-of-step bookkeeping executed
  int64_t failSyncAfterSteps = -1;       // "kernel fault" once past this
  std::vector<std::string> violations;   // ABI misuse seen by the fake
  std::vector<Launch> log;               // executed plain launches
  std::vector<Event> events;             // transfers and build launches
  const Descriptor *buildDesc = nullptr; // what the build kernels build
  std::string faultingKernel;            // its launch "faults"
  bool faulted = false;
} g;

int gModule, gContext, gStream; // addresses serve as handles

CUresult errorName(CUresult r, const char **s) {
  switch (int(r)) {
  case 0:
    *s = "CUDA_SUCCESS";
    return CUDA_SUCCESS;
  case 2:
    *s = "CUDA_ERROR_OUT_OF_MEMORY";
    return CUDA_SUCCESS;
  case 200:
    *s = "CUDA_ERROR_INVALID_IMAGE";
    return CUDA_SUCCESS;
  case 218:
    *s = "CUDA_ERROR_INVALID_PTX";
    return CUDA_SUCCESS;
  case 500:
    *s = "CUDA_ERROR_NOT_FOUND";
    return CUDA_SUCCESS;
  case 700:
    *s = "CUDA_ERROR_ILLEGAL_ADDRESS";
    return CUDA_SUCCESS;
  }
  *s = nullptr;
  return kInvalidValue;
}
CUresult errorString(CUresult r, const char **s) {
  const char *name = nullptr;
  if (errorName(r, &name) != CUDA_SUCCESS)
    return kInvalidValue;
  *s = "fake description";
  return CUDA_SUCCESS;
}
CUresult init(unsigned int) { return CUDA_SUCCESS; }
CUresult driverVersion(int *v) {
  *v = 13000;
  return CUDA_SUCCESS;
}
CUresult deviceCount(int *n) {
  *n = 1;
  return CUDA_SUCCESS;
}
CUresult deviceGet(CUdevice *d, int ordinal) {
  if (ordinal != 0)
    return CUDA_ERROR_INVALID_DEVICE;
  *d = 0;
  return CUDA_SUCCESS;
}
CUresult deviceName(char *name, int len, CUdevice) {
  std::snprintf(name, size_t(len), "Fake GPU");
  return CUDA_SUCCESS;
}
CUresult deviceAttribute(int *v, CUdevice_attribute a, CUdevice) {
  switch (a) {
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR:
    *v = 9;
    break;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR:
    *v = 0;
    break;
  case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT:
    *v = 4;
    break;
  case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK:
    *v = 1024;
    break;
  default:
    *v = 0;
  }
  return CUDA_SUCCESS;
}
CUresult totalMem(size_t *bytes, CUdevice) {
  *bytes = size_t(1) << 30;
  return CUDA_SUCCESS;
}
CUresult ctxRetain(CUcontext *ctx, CUdevice) {
  ++g.retains;
  *ctx = reinterpret_cast<CUcontext>(&gContext);
  return CUDA_SUCCESS;
}
CUresult ctxRelease(CUdevice) {
  --g.retains;
  return CUDA_SUCCESS;
}
CUresult ctxSetCurrent(CUcontext c) {
  if (c != reinterpret_cast<CUcontext>(&gContext))
    g.violations.push_back("cuCtxSetCurrent with a foreign context");
  return CUDA_SUCCESS;
}
CUresult moduleLoadData(CUmodule *m, const void *image) {
  if (std::memcmp(image, "FAKECUBIN", 9) != 0)
    return kInvalidImage;
  ++g.modules;
  *m = reinterpret_cast<CUmodule>(&gModule);
  return CUDA_SUCCESS;
}
CUresult moduleLoadDataEx(CUmodule *m, const void *image, unsigned int n,
                          CUjit_option *options, void **values) {
  const char *ptx = static_cast<const char *>(image);
  if (std::strstr(ptx, "bogus")) {
    char *log = nullptr;
    size_t size = 0;
    for (unsigned i = 0; i < n; ++i) {
      if (options[i] == CU_JIT_ERROR_LOG_BUFFER)
        log = static_cast<char *>(values[i]);
      if (options[i] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES)
        size = size_t(reinterpret_cast<uintptr_t>(values[i]));
    }
    if (log && size)
      std::snprintf(log, size, "line 4: bogus instruction\n");
    return CUDA_ERROR_INVALID_PTX;
  }
  ++g.modules;
  *m = reinterpret_cast<CUmodule>(&gModule);
  return CUDA_SUCCESS;
}
CUresult moduleUnload(CUmodule) {
  --g.modules;
  return CUDA_SUCCESS;
}
CUresult moduleGetFunction(CUfunction *f, CUmodule, const char *name) {
  for (FakeKernel *k : {&kRecord, &kUpdate, &kDeliver, &kPersistent})
    if (!std::strcmp(name, k->name)) {
      *f = reinterpret_cast<CUfunction>(k);
      return CUDA_SUCCESS;
    }
  for (FakeKernel &k : kBuild.kernels)
    if (!std::strcmp(name, k.name)) {
      *f = reinterpret_cast<CUfunction>(&k);
      return CUDA_SUCCESS;
    }
  return CUDA_ERROR_NOT_FOUND;
}
CUresult funcAttribute(int *v, CUfunction_attribute a, CUfunction f) {
  if (a != CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK)
    return kInvalidValue;
  *v = reinterpret_cast<FakeKernel *>(f) == &kPersistent
           ? g.maxThreadsPersistent
           : g.maxThreadsPhase;
  return CUDA_SUCCESS;
}
CUresult memGetInfo(size_t *free, size_t *total) {
  *free = g.freeMemory;
  *total = size_t(1) << 30;
  return CUDA_SUCCESS;
}
CUresult memAlloc(CUdeviceptr *p, size_t bytes) {
  void *mem = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!mem)
    return CUDA_ERROR_OUT_OF_MEMORY;
  std::memset(mem, 0xCD, bytes); // device memory is not zeroed
  *p = CUdeviceptr(reinterpret_cast<uintptr_t>(mem));
  g.allocations[*p] = bytes;
  return CUDA_SUCCESS;
}
CUresult memFree(CUdeviceptr p) {
  if (!g.allocations.erase(p))
    return kInvalidValue;
  std::free(reinterpret_cast<void *>(uintptr_t(p)));
  return CUDA_SUCCESS;
}
/// True when [p, p + bytes) lies in one allocation.
bool inDevice(CUdeviceptr p, size_t bytes) {
  for (auto &a : g.allocations)
    if (p >= a.first && p + bytes <= a.first + a.second)
      return true;
  g.violations.push_back("access outside device memory");
  return false;
}
void logEvent(const std::string &what, CUdeviceptr p, size_t bytes) {
  for (auto &a : g.allocations)
    if (p >= a.first && p < a.first + a.second) {
      g.events.push_back({what, a.second, size_t(p - a.first), bytes});
      return;
    }
}
bool onOurStream(CUstream s) {
  if (s == reinterpret_cast<CUstream>(&gStream))
    return true;
  g.violations.push_back("work on a stream that is not the backend's");
  return false;
}
CUresult htod(CUdeviceptr dst, const void *src, size_t bytes, CUstream s) {
  if (!inDevice(dst, bytes) || !onOurStream(s))
    return kInvalidValue;
  logEvent("htod", dst, bytes);
  std::memcpy(reinterpret_cast<void *>(uintptr_t(dst)), src, bytes);
  return CUDA_SUCCESS;
}
CUresult dtoh(void *dst, CUdeviceptr src, size_t bytes, CUstream s) {
  if (!inDevice(src, bytes) || !onOurStream(s))
    return kInvalidValue;
  logEvent("dtoh", src, bytes);
  std::memcpy(dst, reinterpret_cast<void *>(uintptr_t(src)), bytes);
  return CUDA_SUCCESS;
}
CUresult memset8(CUdeviceptr dst, unsigned char v, size_t n, CUstream s) {
  if (!inDevice(dst, n) || !onOurStream(s))
    return kInvalidValue;
  logEvent("memset", dst, n);
  std::memset(reinterpret_cast<void *>(uintptr_t(dst)), v, n);
  return CUDA_SUCCESS;
}
CUresult streamCreate(CUstream *s, unsigned int flags) {
  if (flags != CU_STREAM_NON_BLOCKING)
    g.violations.push_back("stream flags");
  ++g.streams;
  *s = reinterpret_cast<CUstream>(&gStream);
  return CUDA_SUCCESS;
}
CUresult streamDestroy(CUstream s) {
  onOurStream(s);
  --g.streams;
  return CUDA_SUCCESS;
}
CUresult streamSync(CUstream s) {
  onOurStream(s);
  if (g.failSyncAfterSteps >= 0 && g.stepsRun > g.failSyncAfterSteps)
    return kIllegalAddress;
  if (g.faulted)
    return kIllegalAddress;
  return CUDA_SUCCESS;
}

/// The memref at args[first..first + 5); false (a violation) unless it is
/// {ptr, ptr, 0, bytes, 1} of a whole allocation, or, when `mayBeEmpty`,
/// {0, 0, 0, 0, 1}.
bool memrefArg(const Launch &l, int first, bool mayBeEmpty, MemRefI8 &m,
               size_t &allocation) {
  const uint64_t *a = l.args + first;
  m = MemRefI8{reinterpret_cast<int8_t *>(uintptr_t(a[0])),
               reinterpret_cast<int8_t *>(uintptr_t(a[1])), int64_t(a[2]),
               int64_t(a[3]), int64_t(a[4])};
  allocation = 0;
  if (mayBeEmpty && !a[0] && !a[1] && !a[2] && !a[3] && a[4] == 1)
    return true;
  auto it = g.allocations.find(CUdeviceptr(a[0]));
  if (it == g.allocations.end() || a[1] != a[0] || m.offset != 0 ||
      m.stride != 1 || uint64_t(m.size) != it->second) {
    g.violations.push_back(std::string(l.kernel->name) + ": memref " +
                           std::to_string(first / 5) +
                           " is not {ptr, ptr, 0, bytes, 1}" +
                           (mayBeEmpty ? " or empty" : ""));
    return false;
  }
  allocation = it->second;
  return true;
}

/// Runs a launch on the host: the memrefs must describe the arena (or a
/// build kernel's scratch) exactly.
void execute(const Launch &l) {
  int64_t threads = int64_t(l.grid) * l.block;
  if (int number = kBuild.number(l.kernel); number >= 0) {
    MemRefI8 arena, scratch;
    size_t arenaBytes = 0, scratchBytes = 0;
    if (!memrefArg(l, 0, true, arena, arenaBytes) ||
        !memrefArg(l, 5, true, scratch, scratchBytes))
      return;
    if (int64_t(l.args[10]) != 3) // the counter model's seed
      g.violations.push_back("seed");
    size_t touched = arenaBytes ? arenaBytes : scratchBytes;
    g.events.push_back({l.kernel->name, touched, 0, touched});
    if (!g.buildDesc) {
      g.violations.push_back("a build kernel without a network");
      return;
    }
    int64_t n = int64_t(l.args[11]);
    if (threads < n && l.grid < 32) // 4 SMs x 8 blocks
      g.violations.push_back(std::string(l.kernel->name) + ": grid too small");
    gpuBuildKernel(*g.buildDesc, &arena, &scratch, int64_t(l.args[10]), n,
                   number);
    if (g.faultingKernel == l.kernel->name)
      g.faulted = true;
    return;
  }
  MemRefI8 m;
  size_t arenaBytes = 0;
  if (!memrefArg(l, 0, false, m, arenaBytes))
    return;
  if (int64_t(l.args[5]) != 3) // the counter model's seed
    g.violations.push_back("seed");
  g.events.push_back({"phase", arenaBytes, 0, arenaBytes});
  if (l.kernel == &kPersistent) {
    if (l.grid != 1)
      g.violations.push_back("persistent kernel with more than one block");
    int64_t first = int64_t(l.args[6]), count = int64_t(l.args[7]);
    for (int64_t s = first; s < first + count; ++s) {
      counterRecordPhase(&m, s & 1, l.block);
      counterUpdatePhase(&m, s & 1, l.block);
      counterDeliverPhase(&m, s & 1, l.block);
    }
    ++g.persistentLaunches;
    g.persistentSteps += count;
    g.stepsRun += count;
    return;
  }
  int64_t p = int64_t(l.args[6]);
  if (p != 0 && p != 1)
    g.violations.push_back("parity");
  if (l.kernel == &kRecord)
    counterRecordPhase(&m, p, threads);
  else if (l.kernel == &kUpdate)
    counterUpdatePhase(&m, p, threads);
  else {
    counterDeliverPhase(&m, p, threads);
    ++g.stepsRun;
  }
}

CUresult launchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz,
                      unsigned bx, unsigned by, unsigned bz, unsigned shared,
                      CUstream s, void **params, void **extra) {
  onOurStream(s);
  if (gy != 1 || gz != 1 || by != 1 || bz != 1 || shared != 0 || extra)
    g.violations.push_back("launch configuration");
  if (bx == 0 || bx > 1024 || gx == 0)
    return kInvalidValue;
  Launch l;
  l.kernel = reinterpret_cast<FakeKernel *>(f);
  l.grid = gx;
  l.block = bx;
  for (int i = 0; i < l.kernel->arity; ++i)
    std::memcpy(&l.args[i], params[i], 8);
  if (g.capturing) {
    g.captured.push_back(l);
    ++g.capturedLaunches;
    return CUDA_SUCCESS;
  }
  if (l.kernel != &kPersistent) {
    ++g.plainLaunches;
    g.log.push_back(l);
  }
  execute(l);
  return CUDA_SUCCESS;
}
CUresult beginCapture(CUstream s, CUstreamCaptureMode) {
  onOurStream(s);
  g.capturing = true;
  g.captured.clear();
  return CUDA_SUCCESS;
}
CUresult endCapture(CUstream s, CUgraph *graph) {
  onOurStream(s);
  g.capturing = false;
  ++g.graphs;
  *graph = reinterpret_cast<CUgraph>(new FakeGraph{g.captured});
  return CUDA_SUCCESS;
}
CUresult instantiate(CUgraphExec *exec, CUgraph graph, unsigned long long) {
  ++g.execs;
  *exec = reinterpret_cast<CUgraphExec>(
      new FakeGraph(*reinterpret_cast<FakeGraph *>(graph)));
  return CUDA_SUCCESS;
}
CUresult graphLaunch(CUgraphExec exec, CUstream s) {
  onOurStream(s);
  ++g.graphLaunches;
  for (const Launch &l : reinterpret_cast<FakeGraph *>(exec)->launches)
    execute(l);
  return CUDA_SUCCESS;
}
CUresult execDestroy(CUgraphExec exec) {
  --g.execs;
  delete reinterpret_cast<FakeGraph *>(exec);
  return CUDA_SUCCESS;
}
CUresult graphDestroy(CUgraph graph) {
  --g.graphs;
  delete reinterpret_cast<FakeGraph *>(graph);
  return CUDA_SUCCESS;
}

Driver makeFakeDriver(bool graphs) {
  Driver d;
  d.cuGetErrorName = errorName;
  d.cuGetErrorString = errorString;
  d.cuInit = init;
  d.cuDriverGetVersion = driverVersion;
  d.cuDeviceGetCount = deviceCount;
  d.cuDeviceGet = deviceGet;
  d.cuDeviceGetName = deviceName;
  d.cuDeviceGetAttribute = deviceAttribute;
  d.cuDeviceTotalMem_v2 = totalMem;
  d.cuDevicePrimaryCtxRetain = ctxRetain;
  d.cuDevicePrimaryCtxRelease_v2 = ctxRelease;
  d.cuCtxSetCurrent = ctxSetCurrent;
  d.cuModuleLoadData = moduleLoadData;
  d.cuModuleLoadDataEx = moduleLoadDataEx;
  d.cuModuleUnload = moduleUnload;
  d.cuModuleGetFunction = moduleGetFunction;
  d.cuFuncGetAttribute = funcAttribute;
  d.cuMemGetInfo_v2 = memGetInfo;
  d.cuMemAlloc_v2 = memAlloc;
  d.cuMemFree_v2 = memFree;
  d.cuMemcpyHtoDAsync_v2 = htod;
  d.cuMemcpyDtoHAsync_v2 = dtoh;
  d.cuMemsetD8Async = memset8;
  d.cuStreamCreate = streamCreate;
  d.cuStreamDestroy_v2 = streamDestroy;
  d.cuStreamSynchronize = streamSync;
  d.cuLaunchKernel = launchKernel;
  if (graphs) {
    d.cuStreamBeginCapture_v2 = beginCapture;
    d.cuStreamEndCapture = endCapture;
    d.cuGraphInstantiateWithFlags = instantiate;
    d.cuGraphLaunch = graphLaunch;
    d.cuGraphExecDestroy = execDestroy;
    d.cuGraphDestroy = graphDestroy;
  }
  d.hasGraphs = graphs;
  d.version = 13000;
  d.library = "fake";
  return d;
}

const Driver &fakeDriver(bool graphs = true) {
  static const Driver with = makeFakeDriver(true),
                      without = makeFakeDriver(false);
  return graphs ? with : without;
}

CudaImage ptxImage() {
  CudaImage image;
  image.ptx = "// fake PTX";
  image.cubin = "";
  image.cubinSize = 0;
  image.arch = "sm_90";
  return image;
}

RunOptions quiet(int64_t steps, int64_t batch) {
  RunOptions o;
  o.progress = false;
  o.writeOutput = false;
  o.steps = steps;
  o.batchSteps = batch;
  return o;
}

bool runOnFake(const std::string &descriptor, const CudaImage &image,
               const CudaOptions &cuda, const RunOptions &options,
               RunResult &result, std::string &error, bool graphs = true) {
  return runBatchedSimulation(
      descriptor,
      [&](const Descriptor &desc, std::string &err) {
        return makeCudaBackendWith(fakeDriver(graphs), desc, image, cuda, err);
      },
      options, result, error);
}

double time01(int64_t s) { return stepTimeMs(s, 0.1); }

class FakeCuda : public ::testing::Test {
protected:
  void SetUp() override { g = FakeState(); }
  void TearDown() override {
    // Everything acquired was released, whatever happened.
    EXPECT_EQ(g.retains, 0);
    EXPECT_EQ(g.modules, 0);
    EXPECT_EQ(g.streams, 0);
    EXPECT_EQ(g.graphs, 0);
    EXPECT_EQ(g.execs, 0);
    EXPECT_TRUE(g.allocations.empty());
    EXPECT_FALSE(g.capturing);
    for (const std::string &v : g.violations)
      ADD_FAILURE() << "driver misuse: " << v;
  }
};

void expectCounterRun(const RunResult &r, int64_t steps) {
  CounterExpected e = counterReference(steps, time01);
  ASSERT_EQ(r.spikes.size(), 1u);
  EXPECT_EQ(r.spikes[0].timesMs, e.spikeTimes);
  EXPECT_EQ(r.spikes[0].neurons, e.spikeIds);
  ASSERT_EQ(r.states.size(), 1u);
  EXPECT_EQ(r.states[0].timesMs, e.sampleTimes);
  EXPECT_EQ(r.states[0].values, e.samples);
  ASSERT_EQ(r.populations.size(), 2u);
  EXPECT_EQ(r.populations[0].spikes, e.aTotal);
  EXPECT_EQ(r.populations[1].spikes, e.bTotal);
}

} // namespace

TEST_F(FakeCuda, EveryModeMatchesTheReference) {
  struct Run {
    int64_t steps, batch;
  };
  for (Run run : {Run{25, 10}, Run{301, 200}, Run{301, 130}, Run{7, 4},
                  Run{0, 2}, Run{1000, 1000}}) {
    for (GpuMode mode : {GpuMode::Launch, GpuMode::Graph, GpuMode::Persistent,
                         GpuMode::Auto}) {
      SCOPED_TRACE(std::string(gpuModeName(mode)) + ", " +
                   std::to_string(run.steps) + " steps, batches of " +
                   std::to_string(run.batch));
      g = FakeState();
      CudaOptions cuda;
      cuda.mode = mode;
      RunResult r;
      std::string err;
      ASSERT_TRUE(runOnFake(kCounterDescriptor, ptxImage(), cuda,
                            quiet(run.steps, run.batch), r, err))
          << err;
      expectCounterRun(r, run.steps);
      json j = json::parse(r.backend.json);
      GpuMode used = mode == GpuMode::Auto ? GpuMode::Persistent : mode;
      EXPECT_EQ(j["mode"], gpuModeName(used));
      EXPECT_EQ(j["mode_requested"], gpuModeName(mode));

      // How the steps were launched.
      int64_t batch = std::min(run.batch, run.steps + (run.steps & 1));
      batch = std::max<int64_t>(batch, 2);
      int64_t graphSteps = graphStepsFor(batch), replays = 0, chunks = 0;
      for (int64_t b = 0; b < run.steps; b += batch) {
        int64_t n = std::min(batch, run.steps - b);
        replays += n / graphSteps;
        chunks += (n + kPersistentChunkSteps - 1) / kPersistentChunkSteps;
      }
      switch (used) {
      case GpuMode::Launch:
        EXPECT_EQ(g.plainLaunches, 3 * run.steps);
        EXPECT_EQ(g.graphLaunches + g.capturedLaunches + g.persistentLaunches,
                  0);
        break;
      case GpuMode::Graph:
        EXPECT_EQ(j["graph_steps"], graphSteps);
        EXPECT_EQ(g.capturedLaunches, 3 * graphSteps);
        EXPECT_EQ(g.graphLaunches, replays);
        EXPECT_EQ(g.plainLaunches, 3 * (run.steps - replays * graphSteps));
        break;
      default:
        EXPECT_EQ(g.persistentLaunches, chunks);
        EXPECT_EQ(g.persistentSteps, run.steps);
        EXPECT_EQ(g.plainLaunches, 0);
        EXPECT_EQ(j["persistent"]["block"], 1024);
        break;
      }
      if (::testing::Test::HasFailure())
        return;
    }
  }
}

TEST_F(FakeCuda, ReportAndLaunchGeometry) {
  g.maxThreadsPhase = 200;       // phases: blocks of 192
  g.maxThreadsPersistent = 1000; // persistent: one block of 992
  json d = json::parse(kCounterDescriptor);
  d["gpu"]["phases"][1]["work"] = 100000; // capped at 4 SMs x 8 blocks
  CudaOptions cuda;
  cuda.mode = GpuMode::Launch;
  RunResult r;
  std::string err;
  ASSERT_TRUE(runOnFake(d.dump(), ptxImage(), cuda, quiet(25, 10), r, err))
      << err;
  expectCounterRun(r, 25);
  json j = json::parse(r.backend.json);
  EXPECT_EQ(j["target"], "cuda");
  EXPECT_EQ(j["device"], 0);
  EXPECT_EQ(j["device_name"], "Fake GPU");
  EXPECT_EQ(j["compute_capability"], "9.0");
  EXPECT_EQ(j["multiprocessors"], 4);
  EXPECT_EQ(j["driver_version"], "13.0");
  EXPECT_EQ(j["module"], "ptx");
  EXPECT_EQ(j["cubin_problem"],
            "the model has no cubin (it was compiled without ptxas)");
  EXPECT_EQ(j["phases"][0], json({{"name", "record"},
                                  {"kernel", "snn_phase_record"},
                                  {"work", 3},
                                  {"grid", 1},
                                  {"block", 192}}));
  EXPECT_EQ(j["phases"][1]["grid"], 32);
  EXPECT_EQ(j["phases"][2]["grid"], 1);
  EXPECT_EQ(j["batch_steps"], 10);
  EXPECT_EQ(j["batches"], 3);
  EXPECT_EQ(r.backend.summary,
            "cuda on Fake GPU (device 0, compute capability 9.0, 4 SMs), "
            "launch mode, grids record 1x192 update 32x192 deliver 1x192, PTX "
            "(JIT-compiled), batches of 10 steps");
  ASSERT_FALSE(g.log.empty());
  EXPECT_EQ(g.log[1].grid, 32u);
  EXPECT_EQ(g.log[1].block, 192u);

  // A cubin is preferred; the persistent block follows the kernel's limit.
  g = FakeState();
  g.maxThreadsPersistent = 1000;
  static const char cubin[] = "FAKECUBIN and more";
  CudaImage image = ptxImage();
  image.cubin = cubin;
  image.cubinSize = sizeof cubin;
  ASSERT_TRUE(runOnFake(kCounterDescriptor, image, CudaOptions(), quiet(25, 10),
                        r, err))
      << err;
  j = json::parse(r.backend.json);
  EXPECT_EQ(j["module"], "cubin");
  EXPECT_EQ(j["module_arch"], "sm_90");
  EXPECT_FALSE(j.contains("cubin_problem"));
  EXPECT_EQ(j["mode"], "persistent");
  EXPECT_EQ(j["persistent"]["block"], 992);
  EXPECT_EQ(r.backend.summary,
            "cuda on Fake GPU (device 0, compute capability 9.0, 4 SMs), "
            "persistent mode (auto), 1 block of 992 threads, cubin sm_90, "
            "batches of 10 steps");
}

TEST_F(FakeCuda, ModuleErrors) {
  RunResult r;
  std::string err;
  // A cubin the driver rejects: the PTX is used.
  static const char junk[] = "JUNK CUBIN"; // >= 9 bytes: the fake compares 9
  CudaImage image = ptxImage();
  image.cubin = junk;
  image.cubinSize = sizeof junk;
  ASSERT_TRUE(runOnFake(kCounterDescriptor, image, CudaOptions(), quiet(25, 10),
                        r, err))
      << err;
  EXPECT_EQ(json::parse(r.backend.json)["cubin_problem"],
            "cuModuleLoadData (loading the cubin for sm_90 on device 0 (Fake "
            "GPU), compute capability 9.0): CUDA_ERROR_INVALID_IMAGE: fake "
            "description");
  // Broken PTX: the JIT log and why the cubin was not used.
  image.ptx = "bogus PTX";
  EXPECT_FALSE(runOnFake(kCounterDescriptor, image, CudaOptions(),
                         quiet(25, 10), r, err));
  EXPECT_EQ(err, "cuModuleLoadDataEx (JIT-compiling the PTX for device 0 "
                 "(Fake GPU), compute capability 9.0): CUDA_ERROR_INVALID_PTX: "
                 "fake description\n"
                 "JIT log:\n"
                 "line 4: bogus instruction\n"
                 "(cuModuleLoadData (loading the cubin for sm_90 on device 0 "
                 "(Fake GPU), compute capability 9.0): "
                 "CUDA_ERROR_INVALID_IMAGE: fake description)");
  // Nothing to load.
  EXPECT_FALSE(runOnFake(kCounterDescriptor, CudaImage(), CudaOptions(),
                         quiet(25, 10), r, err));
  EXPECT_EQ(err, "the model has no cubin (it was compiled without ptxas); "
                 "and the model has no PTX to fall back to");
  // A kernel the module lacks.
  json d = json::parse(kCounterDescriptor);
  d["gpu"]["phases"][2]["kernel"] = "snn_nope";
  EXPECT_FALSE(
      runOnFake(d.dump(), ptxImage(), CudaOptions(), quiet(25, 10), r, err));
  EXPECT_EQ(err, "cuModuleGetFunction (finding kernel \"snn_nope\" (phase "
                 "\"deliver\")): CUDA_ERROR_NOT_FOUND: fake description");
}

TEST_F(FakeCuda, DeviceAndModeErrors) {
  RunResult r;
  std::string err;
  CudaOptions cuda;
  cuda.device = 3;
  EXPECT_FALSE(
      runOnFake(kCounterDescriptor, ptxImage(), cuda, quiet(25, 10), r, err));
  EXPECT_EQ(err, "there is no CUDA device 3 (1 device: 0)");

  g.freeMemory = 1000;
  EXPECT_FALSE(runOnFake(kCounterDescriptor, ptxImage(), CudaOptions(),
                         quiet(25, 10), r, err));
  EXPECT_EQ(err.rfind("the network needs ", 0), 0u) << err;
  EXPECT_NE(err.find(" bytes of device memory, but device 0 (Fake GPU) has only "
                     "1000 bytes free (of 1024.0 MiB)"),
            std::string::npos)
      << err;
  g.freeMemory = size_t(512) << 20;

  // No persistent kernel: auto uses graphs, or launches without graphs.
  json d = json::parse(kCounterDescriptor);
  d["gpu"].erase("persistent_kernel");
  ASSERT_TRUE(
      runOnFake(d.dump(), ptxImage(), CudaOptions(), quiet(25, 10), r, err))
      << err;
  EXPECT_EQ(json::parse(r.backend.json)["mode"], "graph");
  ASSERT_TRUE(runOnFake(d.dump(), ptxImage(), CudaOptions(), quiet(25, 10), r,
                        err, /*graphs=*/false))
      << err;
  EXPECT_EQ(json::parse(r.backend.json)["mode"], "launch");
  expectCounterRun(r, 25);
  cuda = CudaOptions();
  cuda.mode = GpuMode::Persistent;
  EXPECT_FALSE(runOnFake(d.dump(), ptxImage(), cuda, quiet(25, 10), r, err));
  EXPECT_EQ(err, "--gpu-mode=persistent: the model has no persistent kernel "
                 "(its descriptor has no gpu.persistent_kernel)");
  cuda.mode = GpuMode::Graph;
  EXPECT_FALSE(runOnFake(kCounterDescriptor, ptxImage(), cuda, quiet(25, 10), r,
                         err, /*graphs=*/false));
  EXPECT_EQ(err, "--gpu-mode=graph: the CUDA driver 13.0 lacks the graph API "
                 "(cuGraphInstantiateWithFlags needs a driver for CUDA 11.4 "
                 "or newer)");
}

TEST_F(FakeCuda, KernelFaultsNameTheSteps) {
  // The second batch "faults": its synchronisation reports the error, and
  // everything is released (checked by TearDown).
  for (GpuMode mode : {GpuMode::Launch, GpuMode::Graph, GpuMode::Persistent}) {
    g = FakeState();
    g.failSyncAfterSteps = 10;
    CudaOptions cuda;
    cuda.mode = mode;
    RunResult r;
    std::string err;
    EXPECT_FALSE(
        runOnFake(kCounterDescriptor, ptxImage(), cuda, quiet(25, 10), r, err));
    EXPECT_EQ(err, "cuStreamSynchronize (running steps 10..19 in " +
                       std::string(gpuModeName(mode)) +
                       " mode): CUDA_ERROR_ILLEGAL_ADDRESS: fake description");
  }
}

TEST_F(FakeCuda, FinalArenaIsCopiedBack) {
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(kCounterDescriptor, d, err)) << err;
  BuildOptions b;
  b.batchSteps = 10;
  Network net;
  ASSERT_TRUE(buildNetwork(d, d.seed, b, net, err)) << err;
  CudaOptions cuda;
  cuda.mode = GpuMode::Graph;
  {
    std::unique_ptr<StepBackend> backend =
        makeCudaBackendWith(fakeDriver(), net.desc, ptxImage(), cuda, err);
    ASSERT_TRUE(backend) << err;
    RunResult r;
    RunOptions o;
    o.progress = false;
    ASSERT_TRUE(simulateBatched(net, *backend, 33, o, r, err)) << err;
  }
  CounterExpected e = counterReference(33, time01);
  const double *v = net.arena.buffer<double>(kCAV);
  EXPECT_EQ(std::vector<double>(v, v + kCounterASize), e.finalV);
  EXPECT_EQ(net.arena.buffer<int64_t>(kCStep)[1], 33);
  EXPECT_EQ(*net.arena.buffer<int64_t>(kCATotal), e.aTotal);
  EXPECT_EQ(*net.arena.buffer<int32_t>(kCARecCount), 0);
}

namespace {

/// The network of buildNetJson(), built on the host by the host versions
/// of its kernels.
Network hostBuildNet(const Descriptor &d) {
  Network net;
  std::string err;
  EXPECT_TRUE(referenceBuild(d, 3, net, err)) << err;
  return net;
}

bool overlaps(size_t b0, size_t e0, size_t b1, size_t e1) {
  return b0 < e1 && b1 < e0;
}

} // namespace

TEST_F(FakeCuda, ConnectivityIsBuiltOnTheDevice) {
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(buildNetJson().dump(), d, err)) << err;
  g.buildDesc = &d;
  Network host = hostBuildNet(d);
  size_t arenaBytes = host.arena.sizeBytes();
  CudaOptions cuda;
  cuda.mode = GpuMode::Launch;
  RunResult r;
  ASSERT_TRUE(
      runOnFake(buildNetJson().dump(), ptxImage(), cuda, quiet(25, 10), r, err))
      << err;
  expectCounterRun(r, 25);

  // Until the first step: rows and delays on scratch buffers while
  // building, then the arena: its host part copied, the device's part
  // zeroed, then fill and values.
  std::vector<Event> upload;
  for (const Event &e : g.events) {
    if (e.what == "phase")
      break;
    upload.push_back(e);
  }
  std::vector<std::string> order;
  for (const Event &e : upload)
    order.push_back(e.what + (e.allocation == arenaBytes ? "" : " (scratch)"));
  EXPECT_EQ(order, (std::vector<std::string>{"htod (scratch)",
                                             "snn_build_rows_0 (scratch)",
                                             "dtoh (scratch)",
                                             "htod (scratch)",
                                             "snn_build_delays_0 (scratch)",
                                             "dtoh (scratch)",
                                             "htod (scratch)",
                                             "snn_build_rows_1 (scratch)",
                                             "dtoh (scratch)",
                                             "htod (scratch)",
                                             "snn_build_rows_2 (scratch)",
                                             "dtoh (scratch)",
                                             "htod (scratch)",
                                             "memset (scratch)",
                                             "snn_build_rows_3 (scratch)",
                                             "dtoh (scratch)",
                                             "htod (scratch)",
                                             "snn_build_delays_3 (scratch)",
                                             "dtoh (scratch)",
                                             "htod",
                                             "memset",
                                             "htod",
                                             "memset",
                                             "htod",
                                             "memset",
                                             "htod",
                                             "memset",
                                             "htod",
                                             "snn_build_fill_0",
                                             "snn_build_values_0",
                                             "snn_build_fill_1",
                                             "snn_build_fill_2",
                                             "snn_build_values_2",
                                             "snn_build_fill_3",
                                             "snn_build_sort_3",
                                             "snn_build_values_3"}));

  // No device-written buffer is copied; everything else is, once.
  std::vector<std::pair<size_t, size_t>> copied, zeroed;
  for (const Event &e : upload)
    if (e.allocation == arenaBytes && e.what == "htod")
      copied.emplace_back(e.offset, e.offset + e.bytes);
    else if (e.allocation == arenaBytes && e.what == "memset")
      zeroed.emplace_back(e.offset, e.offset + e.bytes);
  size_t covered = 0;
  for (auto &c : copied)
    covered += c.second - c.first;
  for (auto &z : zeroed)
    covered += z.second - z.first;
  EXPECT_EQ(covered, arenaBytes);
  for (int k : {kAACol, kAAWeight, kAADelay, kBACol, kBBCol, kBBWeight, kABCol,
                kABWeight, kABDelay}) {
    const ArenaSlot &s = host.arena.slot(k);
    ASSERT_GT(s.bytes, 0u);
    for (auto &c : copied)
      EXPECT_FALSE(overlaps(c.first, c.second, s.offset, s.offset + s.bytes))
          << "buffer " << k << " was copied";
    bool isZeroed = false;
    for (auto &z : zeroed)
      isZeroed |= z.first <= s.offset && s.offset + s.bytes <= z.second;
    EXPECT_TRUE(isZeroed) << "buffer " << k;
  }
  // aa.col, aa.weight and aa.delay are one run, ba.col another, bb.col and
  // bb.weight a third, ab's a fourth.
  EXPECT_EQ(zeroed.size(), 4u);

  json j = json::parse(r.backend.json);
  EXPECT_EQ(j["connectivity"]["device"], json({"aa", "ba", "bb", "ab"}));
  EXPECT_EQ(j["connectivity"]["host"], json::array());
  ASSERT_EQ(j["build_kernels"].size(), 14u);
  EXPECT_EQ(j["build_kernels"][0], json({{"kernel", "snn_build_rows_0"},
                                         {"role", "scratch"},
                                         {"n", 37},
                                         {"grid", 1},
                                         {"block", 256}}));
  EXPECT_EQ(j["build_kernels"][6], json({{"kernel", "snn_build_fill_0"},
                                         {"role", "fill"},
                                         {"projection", "aa"},
                                         {"n", 37},
                                         {"grid", 1},
                                         {"block", 256}}));
  EXPECT_EQ(j["build_kernels"][7]["n"], host.synapses[0]);
  EXPECT_LT(j["uploaded_bytes"].get<size_t>(), arenaBytes);
  EXPECT_EQ(j["uploaded_bytes"].get<size_t>() +
                j["device_written_bytes"].get<size_t>(),
            arenaBytes);
  EXPECT_NE(r.backend.summary.find("batches of 10 steps, connectivity: "
                                   "device (4 projections), "),
            std::string::npos)
      << r.backend.summary;
}

TEST_F(FakeCuda, DeviceBuiltArenaMatchesTheHost) {
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(buildNetJson().dump(), d, err)) << err;
  g.buildDesc = &d;
  Network host = hostBuildNet(d);
  for (bool downloadConnectivity : {false, true}) {
    SCOPED_TRACE(downloadConnectivity ? "download all" : "download state");
    g.events.clear();
    CudaOptions cuda;
    cuda.mode = GpuMode::Graph;
    std::unique_ptr<StepBackend> backend =
        makeCudaBackendWith(fakeDriver(), d, ptxImage(), cuda, err);
    ASSERT_TRUE(backend) << err;
    BuildOptions b;
    b.batchSteps = 10;
    b.device = backend->connectivityDevice();
    ASSERT_NE(b.device, nullptr);
    Network net;
    ASSERT_TRUE(buildNetwork(d, 3, b, net, err)) << err;
    EXPECT_EQ(net.deviceBuiltProjections(), 4);
    RunResult r;
    RunOptions o;
    o.progress = false;
    o.downloadConnectivity = downloadConnectivity;
    ASSERT_TRUE(simulateBatched(net, *backend, 0, o, r, err)) << err;
    // Zero steps: the downloaded arena is the initial one, but for the
    // synapses the device built, which stay on the device (and zero on the
    // host) unless asked for.
    bool partial = !downloadConnectivity;
    size_t deviceBytes = 0;
    for (size_t k = 0; k < net.arena.numBuffers(); ++k) {
      const ArenaSlot &s = net.arena.slot(k);
      const uint8_t *p = net.arena.data() + s.offset;
      bool left = partial && net.deviceWritten[k];
      if (left) {
        deviceBytes += s.bytes;
        EXPECT_EQ(std::count(p, p + s.bytes, 0), int64_t(s.bytes)) << k;
      } else {
        EXPECT_EQ(std::memcmp(p, host.arena.data() + s.offset, s.bytes), 0)
            << k;
      }
    }
    EXPECT_EQ(deviceBytes > 0, partial);
    EXPECT_TRUE(r.connectivity.empty());
    // The final copy: the arena less the buffers left (and the padding
    // between them), or all of it.
    json j = json::parse(r.backend.json);
    uint64_t downloaded = j["downloaded_bytes"];
    if (partial) {
      EXPECT_LE(downloaded, net.arena.sizeBytes() - deviceBytes);
      EXPECT_GT(downloaded, net.arena.sizeBytes() - deviceBytes - 64 * 6);
    } else {
      EXPECT_EQ(downloaded, net.arena.sizeBytes());
    }
    size_t launches = 0;
    for (const Event &e : g.events)
      launches += e.what.rfind("snn_build_", 0) == 0;
    EXPECT_EQ(launches, 14u);
  }
}

TEST_F(FakeCuda, SaveConnectivityDownloadsIt) {
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(buildNetJson().dump(), d, err)) << err;
  g.buildDesc = &d;
  Network host = hostBuildNet(d);
  RunOptions o = quiet(25, 10);
  o.saveConnectivity = true;
  RunResult r;
  ASSERT_TRUE(runOnFake(buildNetJson().dump(), ptxImage(), CudaOptions(), o,
                        r, err))
      << err;
  ASSERT_EQ(r.connectivity.size(), 4u);
  for (size_t e = 0; e < 4; ++e) {
    const ProjectionDesc &pr = d.projections[e];
    const int32_t *col = host.arena.buffer<int32_t>(size_t(pr.col));
    EXPECT_EQ(r.connectivity[e].col,
              std::vector<int32_t>(col, col + host.counts[pr.col]))
        << e;
  }
  json j = json::parse(r.backend.json);
  EXPECT_EQ(j["downloaded_bytes"], host.arena.sizeBytes());
}

TEST_F(FakeCuda, FixedIndegreeScratchIsKeptForFill) {
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(buildNetJson().dump(), d, err)) << err;
  g.buildDesc = &d;
  size_t scratchBytes = size_t(kABScratchWords) * 8;
  size_t arenaBytes = hostBuildNet(d).arena.sizeBytes();
  CudaOptions cuda;
  cuda.mode = GpuMode::Launch;
  RunResult r;
  ASSERT_TRUE(runOnFake(buildNetJson().dump(), ptxImage(), cuda,
                        quiet(25, 10), r, err))
      << err;
  expectCounterRun(r, 25);
  // rows_3's scratch: its 37 counts copied in, the rest zeroed (the fake's
  // fresh memory is 0xCD; gpuBuildKernel checks the zeros and the size),
  // then the counts read back. fill_3 gets the arena and that scratch
  // (gpuBuildKernel takes the columns from it); sort_3 then values_3.
  std::vector<std::string> order;
  for (const Event &e : g.events) {
    if (e.what == "phase")
      break;
    if (e.allocation == scratchBytes)
      order.push_back(e.what + " (" + std::to_string(e.bytes) + ")");
    else if (e.what.rfind("snn_build_", 0) == 0 &&
             e.what.back() == '3')
      order.push_back(e.what + (e.allocation == arenaBytes ? "" : " (?)"));
  }
  EXPECT_EQ(order, (std::vector<std::string>{
                       "htod (296)", "memset (" +
                           std::to_string(scratchBytes - 296) + ")",
                       "snn_build_rows_3 (" + std::to_string(scratchBytes) +
                           ")",
                       "dtoh (296)", "snn_build_delays_3 (?)",
                       "snn_build_fill_3", "snn_build_sort_3",
                       "snn_build_values_3"}));
  // TearDown: the kept scratch was freed.
}

TEST_F(FakeCuda, KeptScratchIsFreedWhenFillFaults) {
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(buildNetJson().dump(), d, err)) << err;
  g.buildDesc = &d;
  g.faultingKernel = "snn_build_fill_3";
  RunResult r;
  EXPECT_FALSE(runOnFake(buildNetJson().dump(), ptxImage(),
                         CudaOptions(), quiet(25, 10), r, err));
  EXPECT_EQ(err, "cuStreamSynchronize (running snn_build_fill_3 (fill of "
                 "projection \"ab\")): CUDA_ERROR_ILLEGAL_ADDRESS: fake "
                 "description");
  g.faulted = false; // TearDown: every allocation was freed all the same
}

TEST_F(FakeCuda, BuildKernelErrorsNameKernelAndProjection) {
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(buildNetJson().dump(), d, err)) << err;
  g.buildDesc = &d;
  RunResult r;
  // A rows kernel the module lacks: while building.
  json j = buildNetJson();
  j["gpu"]["build"][1]["rows"]["kernel"] = "snn_nope";
  EXPECT_FALSE(
      runOnFake(j.dump(), ptxImage(), CudaOptions(), quiet(25, 10), r, err));
  EXPECT_EQ(err, "projection 'ba': rows kernel snn_nope: "
                 "cuModuleGetFunction (finding kernel \"snn_nope\" "
                 "(connectivity build kernel)): CUDA_ERROR_NOT_FOUND: fake "
                 "description");
  // A fill kernel the module lacks: when uploading.
  j = buildNetJson();
  j["gpu"]["build"][2]["fill"]["kernel"] = "snn_nope";
  EXPECT_FALSE(
      runOnFake(j.dump(), ptxImage(), CudaOptions(), quiet(25, 10), r, err));
  EXPECT_EQ(err, "cuModuleGetFunction (finding kernel \"snn_nope\" (fill of "
                 "projection \"bb\")): CUDA_ERROR_NOT_FOUND: fake "
                 "description");
  // Kernel faults.
  g.faultingKernel = "snn_build_values_0";
  EXPECT_FALSE(runOnFake(buildNetJson().dump(), ptxImage(), CudaOptions(),
                         quiet(25, 10), r, err));
  EXPECT_EQ(err, "cuStreamSynchronize (running snn_build_values_0 (values of "
                 "projection \"aa\")): CUDA_ERROR_ILLEGAL_ADDRESS: fake "
                 "description");
  g.faulted = false;
  g.faultingKernel = "snn_build_delays_0";
  EXPECT_FALSE(runOnFake(buildNetJson().dump(), ptxImage(), CudaOptions(),
                         quiet(25, 10), r, err));
  EXPECT_EQ(err, "projection 'aa': delays kernel snn_build_delays_0: "
                 "cuStreamSynchronize (running snn_build_delays_0 "
                 "(scratch)): CUDA_ERROR_ILLEGAL_ADDRESS: fake description");
  g.faulted = false; // TearDown: the scratch was freed all the same
}
