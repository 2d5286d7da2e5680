//===- CudaTest.cpp - The CUDA backend ------------------------------------===//
//
// Launch geometry and driver-loading errors are tested everywhere. Tests
// that need a GPU run the counter model (GpuCounterNet.h) from hand-written
// PTX (CounterKernels.inc) and are skipped, with the probe's reason, on
// machines without a usable CUDA device.
//
//===----------------------------------------------------------------------===//

#include "snnrt/batched.h"
#include "snnrt/descriptor.h"
#include "snnrt/gpu.h"
#include "snnrt/network.h"

#include "cuda_driver.h"

#include "GpuCounterNet.h"
#include "TestUtil.h"

#include <cstdlib>
#include <filesystem>

#include <dlfcn.h>
#include <nlohmann/json.hpp>

using namespace snnrt;
using namespace snnrt_test;
using json = nlohmann::json;

namespace {

const char kCounterPtx[] =
#include "CounterKernels.inc"
    ;

CudaImage counterImage() {
  CudaImage image;
  image.ptx = kCounterPtx;
  image.cubin = "";
  image.cubinSize = 0;
  image.arch = "sm_75";
  return image;
}

/// Empty when a CUDA device can be used; else why not, in the probe's words.
const std::string &noGpuReason() {
  static const std::string reason = [] {
    CudaProbe probe;
    std::string why;
    if (!probeCuda(probe, why))
      return why.empty() ? std::string("no CUDA device") : why;
    for (const CudaDeviceInfo &d : probe.devices)
      if (d.usable)
        return std::string();
    return std::string("no usable CUDA device");
  }();
  return reason;
}

#define REQUIRE_GPU()                                                          \
  do {                                                                         \
    if (!noGpuReason().empty())                                                \
      GTEST_SKIP() << "needs a CUDA GPU: " << noGpuReason();                   \
  } while (0)

RunOptions quiet() {
  RunOptions o;
  o.progress = false;
  o.writeOutput = false;
  return o;
}

double time01(int64_t s) { return stepTimeMs(s, 0.1); }

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

int runCudaCli(std::vector<std::string> args, std::string &out,
               std::string &err) {
  std::vector<char *> argv;
  std::string prog = "/x/gpu-sim";
  argv.push_back(prog.data());
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int rc = runCudaMain(int(argv.size()) - 1, argv.data(), kCounterDescriptor,
                       counterImage());
  out = ::testing::internal::GetCapturedStdout();
  err = ::testing::internal::GetCapturedStderr();
  return rc;
}

} // namespace

//===-- Without a GPU -----------------------------------------------------===//

TEST(CudaGeometry, PhaseGrids) {
  EXPECT_EQ(phaseGridBlocks(4000, 256, 132), 16);
  EXPECT_EQ(phaseGridBlocks(4096, 256, 132), 16);
  EXPECT_EQ(phaseGridBlocks(4097, 256, 132), 17);
  EXPECT_EQ(phaseGridBlocks(100000000, 256, 132), 132 * 8);
  EXPECT_EQ(phaseGridBlocks(0, 256, 132), 1);
  EXPECT_EQ(phaseGridBlocks(37, 256, 0), 1);
  EXPECT_EQ(phaseBlockSize(1024), 256);
  EXPECT_EQ(phaseBlockSize(256), 256);
  EXPECT_EQ(phaseBlockSize(200), 192);
  EXPECT_EQ(phaseBlockSize(16), 16);
  EXPECT_EQ(persistentBlockSize(1024), 1024);
  EXPECT_EQ(persistentBlockSize(2048), 1024);
  EXPECT_EQ(persistentBlockSize(1000), 992);
  EXPECT_EQ(persistentBlockSize(640), 640);
}

TEST(CudaGeometry, GraphLength) {
  EXPECT_EQ(graphStepsFor(2), 2);
  EXPECT_EQ(graphStepsFor(10), 10);
  EXPECT_EQ(graphStepsFor(128), 128);
  EXPECT_EQ(graphStepsFor(1000), 100); // the largest even divisor <= 128
  EXPECT_EQ(graphStepsFor(1024), 128);
  EXPECT_EQ(graphStepsFor(2000), 100);
  EXPECT_EQ(graphStepsFor(130), 128); // no divisor in [64, 128]
  EXPECT_EQ(graphStepsFor(1006), 128);
  for (int64_t b = 2; b < 3000; b += 2)
    ASSERT_EQ(graphStepsFor(b) % 2, 0) << b;
}

TEST(CudaGeometry, AutoMode) {
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(kCounterDescriptor, d, err)) << err;
  EXPECT_EQ(chooseAutoGpuMode(d.gpu, true), GpuMode::Persistent);
  d.gpu.phases[1].work = kAutoPersistentMaxWork;
  EXPECT_EQ(chooseAutoGpuMode(d.gpu, true), GpuMode::Persistent);
  d.gpu.phases[1].work = kAutoPersistentMaxWork + 1;
  EXPECT_EQ(chooseAutoGpuMode(d.gpu, true), GpuMode::Graph);
  EXPECT_EQ(chooseAutoGpuMode(d.gpu, false), GpuMode::Launch);
  // Propagation work (32 per presynaptic neuron) does not count.
  d.gpu.phases[1].work = 100;
  d.gpu.phases.push_back({"propagate", "snn_phase_propagate", 1 << 20});
  EXPECT_EQ(chooseAutoGpuMode(d.gpu, true), GpuMode::Persistent);
  d.gpu.persistentKernel.clear();
  EXPECT_EQ(chooseAutoGpuMode(d.gpu, true), GpuMode::Graph);
}

TEST(CudaGeometry, ModeNames) {
  GpuMode m;
  for (const char *name : {"auto", "launch", "graph", "persistent"}) {
    ASSERT_TRUE(parseGpuMode(name, m)) << name;
    EXPECT_STREQ(gpuModeName(m), name);
  }
  EXPECT_FALSE(parseGpuMode("fast", m));
}

TEST(CudaDriver, MissingLibraryIsAClearError) {
  cu::Driver driver;
  void *handle = nullptr;
  std::string err;
  EXPECT_FALSE(
      cu::loadDriverFrom("libsnnrt-no-such-driver.so.1", driver, handle, err));
  EXPECT_EQ(handle, nullptr);
  EXPECT_EQ(err.rfind("cannot load the CUDA driver "
                      "(libsnnrt-no-such-driver.so.1): ",
                      0),
            0u)
      << err;
  EXPECT_NE(err.find("needs an NVIDIA GPU and its driver"), std::string::npos);
}

TEST(CudaDriver, ToolkitStubIsNotADriver) {
  std::string stub;
  for (const char *p : {"/usr/local/cuda/lib64/stubs/libcuda.so",
                        "/usr/local/cuda/targets/x86_64-linux/lib/stubs/"
                        "libcuda.so"})
    if (std::filesystem::exists(p)) {
      stub = p;
      break;
    }
  if (stub.empty())
    GTEST_SKIP() << "no CUDA toolkit stub library here";
  cu::Driver driver;
  void *handle = nullptr;
  std::string err;
  EXPECT_FALSE(cu::loadDriverFrom(stub.c_str(), driver, handle, err));
  EXPECT_EQ(err.rfind("cuInit (initialising the CUDA driver): ", 0), 0u) << err;
  EXPECT_NE(err.find("is the CUDA toolkit's stub library, not a driver"),
            std::string::npos)
      << err;
  // Every declared symbol exists under its versioned name.
#define SNNRT_EXPECT_FOUND(name, type) EXPECT_NE(driver.name, nullptr) << #name;
  SNNRT_CUDA_CORE_FUNCTIONS(SNNRT_EXPECT_FOUND)
  SNNRT_CUDA_GRAPH_FUNCTIONS(SNNRT_EXPECT_FOUND)
#undef SNNRT_EXPECT_FOUND
  EXPECT_TRUE(driver.hasGraphs);
  if (handle)
    ::dlclose(handle); // the stub initialised nothing
}

TEST(CudaDriver, ErrorMessagesNameCallAndContext) {
  cu::Driver driver; // no driver loaded: names fall back to numbers
  std::string err;
  EXPECT_TRUE(driver.check(cu::CUDA_SUCCESS, "cuInit", "x", err));
  EXPECT_FALSE(driver.check(cu::CUDA_ERROR_NO_BINARY_FOR_GPU,
                            "cuModuleLoadData", "loading the cubin for sm_90",
                            err));
  EXPECT_EQ(err, "cuModuleLoadData (loading the cubin for sm_90): CUDA error "
                 "209");
  driver.version = 12040;
  EXPECT_EQ(driver.versionString(), "12.4");
}

TEST(Cuda, NoGpuIsAClearError) {
  if (noGpuReason().empty())
    GTEST_SKIP() << "a CUDA GPU is present";
  TempDir dir;
  RunOptions o = quiet();
  o.writeOutput = true;
  o.outDir = dir / "out";
  RunResult r;
  std::string err;
  EXPECT_FALSE(runCudaSimulation(kCounterDescriptor, counterImage(),
                                 CudaOptions(), o, r, err));
  EXPECT_FALSE(err.empty());
  EXPECT_NE(err.find("CUDA"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
  std::string out, cerr;
  EXPECT_EQ(runCudaCli({"--quiet", "--out", dir / "cli"}, out, cerr), 1);
  EXPECT_EQ(cerr, "error: " + err + "\n");
  EXPECT_EQ(out, "");
}

TEST(Cuda, CommandLine) {
  std::string out, err;
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--gpu-mode", "fast"},
        {"--device", "-1"},
        {"--device", "x"},
        {"--threads", "4"},
        {"--batch-steps", "5"}}) {
    EXPECT_EQ(runCudaCli(args, out, err), 2) << args[0] << " " << args[1];
    EXPECT_NE(err.find("usage: gpu-sim [--duration MS] [--seed N] [--out DIR] "
                       "[--batch-steps N] [--device N]\n"
                       "               [--gpu-mode MODE]\n"
                       "               [--save-connectivity] [--quiet] "
                       "[--help]"),
              std::string::npos)
        << err;
  }
  EXPECT_EQ(runCudaCli({"--gpu-mode=fast"}, out, err), 2);
  EXPECT_EQ(err.rfind("gpu-sim: invalid GPU mode 'fast' (expected auto, "
                      "launch, graph or persistent)\n",
                      0),
            0u)
      << err;
  EXPECT_EQ(runCudaCli({"--help"}, out, err), 0);
  EXPECT_NE(out.find("on a CUDA GPU"), std::string::npos) << out;
  EXPECT_NE(out.find("--device N     CUDA device (default 0)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("graph (CUDA graphs of many steps)"), std::string::npos);
}

TEST(Cuda, CounterPtxAssembles) {
#ifdef SNNRT_TEST_PTXAS
  TempDir dir;
  writeText(dir / "counter.ptx", kCounterPtx);
  std::string cmd = std::string("'") + SNNRT_TEST_PTXAS + "' -arch=sm_80 '" +
                    dir / "counter.ptx" + "' -o '" + dir / "counter.cubin" +
                    "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
#else
  GTEST_SKIP() << "ptxas not found at configure time";
#endif
}

//===-- With a GPU --------------------------------------------------------===//

TEST(Cuda, ProbeListsDevices) {
  REQUIRE_GPU();
  CudaProbe probe;
  std::string why;
  ASSERT_TRUE(probeCuda(probe, why)) << why;
  ASSERT_FALSE(probe.devices.empty());
  EXPECT_GT(probe.driverVersion, 0);
  for (const CudaDeviceInfo &d : probe.devices) {
    EXPECT_FALSE(d.name.empty());
    EXPECT_GE(d.major, 3);
    EXPECT_GT(d.multiprocessors, 0);
  }
}

TEST(Cuda, CounterModelInEveryMode) {
  REQUIRE_GPU();
  struct Run {
    int64_t steps, batch;
  };
  // Graph lengths: 10 (whole batch), 100 (two per batch), 128 (one per
  // batch and two plain steps).
  for (Run run : {Run{25, 10}, Run{301, 200}, Run{301, 130}, Run{0, 2}}) {
    for (GpuMode mode : {GpuMode::Launch, GpuMode::Graph, GpuMode::Persistent,
                         GpuMode::Auto}) {
      SCOPED_TRACE(std::string(gpuModeName(mode)) + ", " +
                   std::to_string(run.steps) + " steps, batches of " +
                   std::to_string(run.batch));
      RunOptions o = quiet();
      o.steps = run.steps;
      o.batchSteps = run.batch;
      CudaOptions cuda;
      cuda.mode = mode;
      RunResult r;
      std::string err;
      ASSERT_TRUE(runCudaSimulation(kCounterDescriptor, counterImage(), cuda, o,
                                    r, err))
          << err;
      expectCounterRun(r, run.steps);
      json j = json::parse(r.backend.json);
      EXPECT_EQ(j["target"], "cuda");
      EXPECT_EQ(j["mode"],
                mode == GpuMode::Auto ? "persistent" : gpuModeName(mode));
      EXPECT_EQ(j["mode_requested"], gpuModeName(mode));
      EXPECT_EQ(j["module"], "ptx");
      EXPECT_EQ(j["phases"].size(), 3u);
      EXPECT_NE(r.backend.summary.find("cuda on "), std::string::npos);
    }
  }
}

TEST(Cuda, FinalStateIsCopiedBack) {
  REQUIRE_GPU();
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(kCounterDescriptor, d, err)) << err;
  BuildOptions b;
  b.batchSteps = 10;
  Network net;
  ASSERT_TRUE(buildNetwork(d, d.seed, b, net, err)) << err;
  CudaOptions cuda;
  cuda.mode = GpuMode::Graph;
  std::unique_ptr<StepBackend> backend =
      makeCudaBackend(net.desc, counterImage(), cuda, err);
  ASSERT_TRUE(backend) << err;
  RunResult r;
  ASSERT_TRUE(simulateBatched(net, *backend, 33, quiet(), r, err)) << err;
  CounterExpected e = counterReference(33, time01);
  const double *v = net.arena.buffer<double>(kCAV);
  EXPECT_EQ(std::vector<double>(v, v + kCounterASize), e.finalV);
  EXPECT_EQ(net.arena.buffer<int64_t>(kCStep)[1], 33);
  EXPECT_EQ(*net.arena.buffer<int64_t>(kCATotal), e.aTotal);
}

TEST(Cuda, ModuleErrors) {
  REQUIRE_GPU();
  RunResult r;
  std::string err;
  // Broken PTX: the JIT log is part of the message.
  CudaImage bad = counterImage();
  bad.ptx = ".version 7.0\n.target sm_75\n.address_size 64\n"
            ".visible .entry snn_phase_update() { bogus.instruction; }\n";
  EXPECT_FALSE(runCudaSimulation(kCounterDescriptor, bad, CudaOptions(),
                                 quiet(), r, err));
  EXPECT_EQ(
      err.rfind("cuModuleLoadDataEx (JIT-compiling the PTX for device 0 ", 0),
      0u)
      << err;
  EXPECT_NE(err.find("\nJIT log:\n"), std::string::npos) << err;
  EXPECT_NE(err.find("(the model has no cubin"), std::string::npos) << err;
  // A cubin the driver rejects: the PTX is used instead.
  CudaImage garbage = counterImage();
  static const char junk[] = "not a cubin at all";
  garbage.cubin = junk;
  garbage.cubinSize = sizeof junk;
  ASSERT_TRUE(runCudaSimulation(kCounterDescriptor, garbage, CudaOptions(),
                                quiet(), r, err))
      << err;
  expectCounterRun(r, 25);
  json j = json::parse(r.backend.json);
  EXPECT_EQ(j["module"], "ptx");
  EXPECT_NE(j["cubin_problem"].get<std::string>().find(
                "cuModuleLoadData (loading the cubin for sm_75 on device 0"),
            std::string::npos)
      << j["cubin_problem"];
  // No PTX and no cubin.
  CudaImage none;
  EXPECT_FALSE(runCudaSimulation(kCounterDescriptor, none, CudaOptions(),
                                 quiet(), r, err));
  EXPECT_EQ(err, "the model has no cubin (it was compiled without ptxas); "
                 "and the model has no PTX to fall back to");
  // A kernel missing from the module.
  json d = json::parse(kCounterDescriptor);
  d["gpu"]["phases"][1]["kernel"] = "snn_nope";
  EXPECT_FALSE(runCudaSimulation(d.dump(), counterImage(), CudaOptions(),
                                 quiet(), r, err));
  EXPECT_EQ(err.rfind("cuModuleGetFunction (finding kernel \"snn_nope\" "
                      "(phase \"update\")): CUDA_ERROR_NOT_FOUND",
                      0),
            0u)
      << err;
}

TEST(Cuda, CubinIsPreferred) {
  REQUIRE_GPU();
#ifndef SNNRT_TEST_PTXAS
  GTEST_SKIP() << "ptxas not found at configure time";
#else
  CudaProbe probe;
  std::string err;
  ASSERT_TRUE(probeCuda(probe, err)) << err;
  std::string arch = "sm_" + std::to_string(probe.devices[0].major) +
                     std::to_string(probe.devices[0].minor);
  TempDir dir;
  writeText(dir / "counter.ptx", kCounterPtx);
  std::string cmd = std::string("'") + SNNRT_TEST_PTXAS + "' -arch=" + arch +
                    " '" + dir / "counter.ptx" + "' -o '" +
                    dir / "counter.cubin" + "'";
  if (std::system(cmd.c_str()) != 0)
    GTEST_SKIP() << "this ptxas cannot compile for " << arch;
  std::string cubin = readText(dir / "counter.cubin");
  CudaImage image = counterImage();
  image.cubin = cubin.data();
  image.cubinSize = int64_t(cubin.size());
  image.arch = arch.c_str();
  RunResult r;
  ASSERT_TRUE(runCudaSimulation(kCounterDescriptor, image, CudaOptions(),
                                quiet(), r, err))
      << err;
  expectCounterRun(r, 25);
  json j = json::parse(r.backend.json);
  EXPECT_EQ(j["module"], "cubin");
  EXPECT_EQ(j["module_arch"], arch);
#endif
}

TEST(Cuda, ModeAndDeviceErrors) {
  REQUIRE_GPU();
  RunResult r;
  std::string err;
  CudaOptions cuda;
  cuda.device = 9999;
  EXPECT_FALSE(runCudaSimulation(kCounterDescriptor, counterImage(), cuda,
                                 quiet(), r, err));
  EXPECT_EQ(err.rfind("there is no CUDA device 9999 (", 0), 0u) << err;
  // Without a persistent kernel, auto uses graphs and persistent fails.
  json d = json::parse(kCounterDescriptor);
  d["gpu"].erase("persistent_kernel");
  ASSERT_TRUE(runCudaSimulation(d.dump(), counterImage(), CudaOptions(),
                                quiet(), r, err))
      << err;
  EXPECT_EQ(json::parse(r.backend.json)["mode"], "graph");
  cuda = CudaOptions();
  cuda.mode = GpuMode::Persistent;
  EXPECT_FALSE(
      runCudaSimulation(d.dump(), counterImage(), cuda, quiet(), r, err));
  EXPECT_EQ(err, "--gpu-mode=persistent: the model has no persistent kernel "
                 "(its descriptor has no gpu.persistent_kernel)");
}

TEST(Cuda, CommandLineRun) {
  REQUIRE_GPU();
  TempDir dir;
  std::string out, err;
  EXPECT_EQ(runCudaCli({"--gpu-mode", "graph", "--batch-steps", "4", "--out",
                        dir / "o"},
                       out, err),
            0)
      << err;
  EXPECT_NE(out.find("  backend: cuda on "), std::string::npos) << out;
  json s = json::parse(readText(dir / "o/summary.json"));
  EXPECT_EQ(s["backend"]["mode"], "graph");
  EXPECT_EQ(s["backend"]["batch_steps"], 4);
  EXPECT_EQ(s["backend"]["graph_steps"], 4);
}
