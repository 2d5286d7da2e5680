//===- DeviceConnectivityTest.cpp - Connectivity built on the device ------===//
//
// buildNetwork() with a ConnectivityDevice (docs/gpu-abi.md, "Connectivity
// on the device"): a fake device runs the host versions of the build
// kernels (GpuBuildNet.h), and the result must be the host build, byte for
// byte, once the arena kernels have run. Then the emulated backend, which
// runs them through EmulateBuildFn.
//
//===----------------------------------------------------------------------===//

#include "snnrt/batched.h"
#include "snnrt/descriptor.h"
#include "snnrt/emulate.h"
#include "snnrt/io.h"
#include "snnrt/network.h"

#include "GpuBuildNet.h"
#include "GpuCounterNet.h"
#include "TestUtil.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>

using namespace snnrt;
using namespace snnrt_test;
using json = nlohmann::json;

namespace {

Descriptor parse(const json &j) {
  Descriptor d;
  std::string err;
  EXPECT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  return d;
}

BuildOptions withDevice(ConnectivityDevice *device) {
  BuildOptions o;
  o.batchSteps = 10;
  o.device = device;
  return o;
}

template <typename T> std::vector<T> bufferOf(const Network &net, int k) {
  const T *p = net.arena.buffer<T>(size_t(k));
  return std::vector<T>(p, p + net.counts[k]);
}

bool sameArena(const Network &a, const Network &b) {
  return a.arena.sizeBytes() == b.arena.sizeBytes() &&
         std::memcmp(a.arena.data(), b.arena.data(),
                     size_t(a.arena.sizeBytes())) == 0;
}

} // namespace

TEST(DeviceConnectivity, MatchesTheHostBuild) {
  Descriptor d = parse(buildNetJson());
  std::string err;
  Network host, dev;
  ASSERT_TRUE(referenceBuild(d, 3, host, err)) << err;
  FakeDevice device(d);
  ASSERT_TRUE(buildNetwork(d, 3, withDevice(&device), dev, err)) << err;

  // The build kernels that ran during the build: rows, and the delays of
  // "aa" (its synapse count is n).
  int64_t aa = host.synapses[0];
  ASSERT_GT(aa, 100);
  ASSERT_EQ(device.calls.size(), 6u);
  EXPECT_EQ(device.calls[0].kernel, "snn_build_rows_0");
  EXPECT_EQ(device.calls[0].n, 37);
  EXPECT_EQ(device.calls[0].words, 37u);
  EXPECT_EQ(device.calls[0].seed, 3);
  EXPECT_EQ(device.calls[1].kernel, "snn_build_delays_0");
  EXPECT_EQ(device.calls[1].n, aa);
  EXPECT_EQ(device.calls[1].words, 4u); // largest, first bad, counts
  EXPECT_EQ(device.calls[2].kernel, "snn_build_rows_1");
  EXPECT_EQ(device.calls[2].n, 5);
  EXPECT_EQ(device.calls[3].kernel, "snn_build_rows_2");

  // Same counts, row pointers, delays and layout.
  EXPECT_EQ(dev.synapses, host.synapses);
  EXPECT_EQ(dev.maxDelaySteps, host.maxDelaySteps);
  EXPECT_EQ(dev.ringSlots, host.ringSlots);
  EXPECT_EQ(dev.counts, host.counts);
  for (int k : {kAARowPtr, kBARowPtr, kBBRowPtr, kABRowPtr})
    EXPECT_EQ(bufferOf<int64_t>(dev, k), bufferOf<int64_t>(host, k)) << k;

  // What the device writes, the host leaves alone (zero) ...
  EXPECT_EQ(dev.deviceBuilt, (std::vector<bool>{true, true, true, true}));
  EXPECT_EQ(dev.deviceBuiltProjections(), 4);
  ASSERT_EQ(dev.deviceWritten.size(), d.buffers.size());
  for (size_t k = 0; k < d.buffers.size(); ++k) {
    bool written = k == kAACol || k == kAAWeight || k == kAADelay ||
                   k == kBACol || k == kBBCol || k == kBBWeight ||
                   k == kABCol || k == kABWeight || k == kABDelay;
    EXPECT_EQ(dev.deviceWritten[k], written) << k;
    const uint8_t *p = dev.arena.buffer<uint8_t>(k);
    if (written)
      EXPECT_EQ(std::count(p, p + dev.arena.slot(k).bytes, 0),
                int64_t(dev.arena.slot(k).bytes))
          << k;
  }
  EXPECT_EQ(host.deviceWritten, std::vector<bool>(d.buffers.size(), false));
  EXPECT_TRUE(host.deviceInit.empty());

  // The arena kernels, in order.
  ASSERT_EQ(dev.deviceInit.size(), 8u);
  struct Expected {
    int projection;
    const char *role, *kernel;
    int64_t n;
  };
  std::vector<Expected> expected = {{0, "fill", "snn_build_fill_0", 37},
                                    {0, "values", "snn_build_values_0", aa},
                                    {1, "fill", "snn_build_fill_1", 5},
                                    {2, "fill", "snn_build_fill_2", 5},
                                    {2, "values", "snn_build_values_2", 5},
                                    {3, "fill", "snn_build_fill_3", 37},
                                    {3, "sort", "snn_build_sort_3", 37},
                                    {3, "values", "snn_build_values_3", 15}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(dev.deviceInit[i].projection, expected[i].projection) << i;
    EXPECT_EQ(dev.deviceInit[i].role, expected[i].role) << i;
    EXPECT_EQ(dev.deviceInit[i].kernel.kernel, expected[i].kernel) << i;
    EXPECT_EQ(dev.deviceInit[i].n, expected[i].n) << i;
  }
  EXPECT_EQ(dev.deviceInit[0].kernel.work, 37);
  EXPECT_EQ(dev.deviceInit[1].kernel.emulate, 3);

  // Once they have run, the arena is the host's, byte for byte.
  EXPECT_FALSE(sameArena(dev, host));
  runDeviceInit(dev, device);
  EXPECT_TRUE(sameArena(dev, host));
  EXPECT_GE(dev.connectivitySeconds, 0.0);
}

TEST(DeviceConnectivity, FixedIndegreeKeepsItsScratchForFill) {
  // "ab" (fixed_indegree 3, a -> b) on the device too.
  Descriptor d = parse(buildNetJson());
  std::string err;
  Network host, dev;
  ASSERT_TRUE(referenceBuild(d, 3, host, err)) << err;
  FakeDevice device(d);
  ASSERT_TRUE(buildNetwork(d, 3, withDevice(&device), dev, err)) << err;
  EXPECT_EQ(dev.deviceBuilt, (std::vector<bool>(4, true)));

  // Its rows kernel ran on a scratch of kABScratchWords, read back the 37
  // counts, and kept it; the others kept nothing.
  ASSERT_EQ(device.calls.size(), 6u);
  const FakeDevice::Call &rows = device.calls[4];
  EXPECT_EQ(rows.kernel, "snn_build_rows_3");
  EXPECT_EQ(rows.words, 37u);
  EXPECT_EQ(rows.totalWords, kABScratchWords);
  EXPECT_EQ(rows.keepFor, 3);
  EXPECT_EQ(device.calls[5].kernel, "snn_build_delays_3");
  EXPECT_EQ(device.calls[5].keepFor, -1);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_EQ(device.calls[i].keepFor, -1) << i;
  ASSERT_EQ(device.kept.size(), 1u);
  EXPECT_EQ(device.kept.begin()->first, 3);
  EXPECT_EQ(int64_t(device.kept[3].size()), kABScratchWords);
  EXPECT_EQ(dev.synapses[3], 5 * 3);
  EXPECT_EQ(bufferOf<int64_t>(dev, kABRowPtr),
            bufferOf<int64_t>(host, kABRowPtr));
  EXPECT_EQ(dev.maxDelaySteps, host.maxDelaySteps);
  for (int k : {kABCol, kABWeight, kABDelay})
    EXPECT_TRUE(dev.deviceWritten[k]) << k;

  // fill (with the kept scratch), sort, values.
  ASSERT_EQ(dev.deviceInit.size(), 8u);
  const DeviceInit *fill = &dev.deviceInit[5];
  EXPECT_EQ(fill->role, "fill");
  EXPECT_EQ(fill->kernel.kernel, "snn_build_fill_3");
  EXPECT_TRUE(fill->keptScratch);
  EXPECT_EQ(fill->n, 37);
  EXPECT_EQ(dev.deviceInit[6].role, "sort");
  EXPECT_EQ(dev.deviceInit[6].kernel.kernel, "snn_build_sort_3");
  EXPECT_EQ(dev.deviceInit[6].kernel.emulate, 19);
  EXPECT_EQ(dev.deviceInit[6].kernel.work, 37);
  EXPECT_EQ(dev.deviceInit[6].n, 37);
  EXPECT_FALSE(dev.deviceInit[6].keptScratch);
  EXPECT_EQ(dev.deviceInit[7].role, "values");
  EXPECT_EQ(dev.deviceInit[7].n, 15);
  for (size_t i = 0; i < 5; ++i)
    EXPECT_FALSE(dev.deviceInit[i].keptScratch) << i;

  runDeviceInit(dev, device);
  EXPECT_TRUE(sameArena(dev, host));

  // Without its sort kernel the rows would stay reversed: the sort is what
  // gives the host's order.
  json j = buildNetJson();
  j["gpu"]["build"][3].erase("sort");
  Descriptor unsorted = parse(j);
  FakeDevice device2(unsorted);
  Network dev2;
  ASSERT_TRUE(buildNetwork(unsorted, 3, withDevice(&device2), dev2, err))
      << err;
  runDeviceInit(dev2, device2);
  EXPECT_FALSE(sameArena(dev2, host));
  std::vector<int32_t> col = bufferOf<int32_t>(dev2, kABCol);
  std::vector<int64_t> rowPtr = bufferOf<int64_t>(dev2, kABRowPtr);
  for (size_t i = 0; i + 1 < rowPtr.size(); ++i)
    std::sort(col.begin() + rowPtr[i], col.begin() + rowPtr[i + 1]);
  EXPECT_EQ(col, bufferOf<int32_t>(host, kABCol));
}

TEST(DeviceConnectivity, TheRuntimeDrawsNoConnectivity) {
  // Without a device, or without the build entry of a projection, the
  // network is refused: the runtime has no rule of its own to fall back on.
  Descriptor d = parse(buildNetJson());
  std::string err;
  Network net;
  EXPECT_FALSE(buildNetwork(d, 3, withDevice(nullptr), net, err));
  EXPECT_EQ(err, "projection 'aa', connectivity: drawn by the model's "
                 "generated build kernels, and this network is built without "
                 "a device to run them on");
  json j = buildNetJson();
  j["gpu"]["build"].erase(1); // "ba"
  Descriptor partial = parse(j);
  FakeDevice device(partial);
  EXPECT_FALSE(buildNetwork(partial, 3, withDevice(&device), net, err));
  EXPECT_EQ(err, "projection 'ba', connectivity: drawn by the model's "
                 "generated build kernels, and the descriptor has no build "
                 "entry for projection 'ba'");
  // Drawn weights without their values kernel: refused too.
  j = buildNetJson();
  j["gpu"]["build"][2].erase("values");
  j["gpu"]["build"][2]["writes"] = {kBBCol};
  Descriptor noValues = parse(j);
  FakeDevice device2(noValues);
  EXPECT_FALSE(buildNetwork(noValues, 3, withDevice(&device2), net, err));
  EXPECT_EQ(err, "projection 'bb', weight (normal(1, 0.25)): drawn by the "
                 "model's generated build kernels, and its build entry has "
                 "none for it");
}

TEST(DeviceConnectivity, DelaysWithoutTheirKernel) {
  // The device writes the delays, but there is no delays kernel to check
  // them and size the rings: the descriptor is refused (the host would
  // have to draw them again).
  json j = buildNetJson();
  j["gpu"]["build"][0].erase("delays");
  j["gpu"]["build"][0].erase("delay_at");
  Descriptor d;
  std::string err;
  EXPECT_FALSE(parseDescriptor(j.dump(), d, err));
  EXPECT_EQ(err, "descriptor: gpu.build[0].writes[2]: buffer 17 (aa.delay): "
                 "the delays of projection \"aa\" are written on the device, "
                 "which needs a \"delays\" kernel (to check them and size "
                 "the rings)");
  Network host, dev;
  ASSERT_TRUE(referenceBuild(parse(buildNetJson()), 3, host, err)) << err;

  // Weights on the device and normal delays nowhere: the host does not
  // draw them instead.
  j = buildNetJson();
  j["gpu"]["build"][0].erase("delays");
  j["gpu"]["build"][0].erase("delay_at");
  j["gpu"]["build"][0]["writes"] = {kAACol, kAAWeight};
  d = parse(j);
  FakeDevice device2(d);
  EXPECT_FALSE(buildNetwork(d, 3, withDevice(&device2), dev, err));
  EXPECT_EQ(err, "projection 'aa', delay (normal(2 ms, 0.3 ms)): drawn by the "
                 "model's generated build kernels, and its build entry has "
                 "none for it");
}

TEST(DeviceConnectivity, BadRowCountsAreGeneratedCodeBugs) {
  Descriptor d = parse(buildNetJson());
  std::string err;
  Network net;
  FakeDevice device(d);
  device.corrupt = [](const GpuKernelRef &k, std::vector<int64_t> &w) {
    if (k.kernel == "snn_build_rows_0")
      w[3] = 38;
  };
  EXPECT_FALSE(buildNetwork(d, 3, withDevice(&device), net, err));
  EXPECT_EQ(err, "projection 'aa': the device's rows kernel "
                 "snn_build_rows_0 counted 38 synapses in row 3, outside "
                 "[0, 37] (a bug in the generated code)");
  device.corrupt = [](const GpuKernelRef &k, std::vector<int64_t> &w) {
    if (k.kernel == "snn_build_rows_2")
      w[4] = -1;
  };
  EXPECT_FALSE(buildNetwork(d, 3, withDevice(&device), net, err));
  EXPECT_EQ(err, "projection 'bb': the device's rows kernel "
                 "snn_build_rows_2 counted -1 synapses in row 4, outside "
                 "[0, 5] (a bug in the generated code)");
  // The device's own errors name the projection and the kernel.
  device.corrupt = nullptr;
  device.failure = "cuLaunchKernel (...): CUDA_ERROR_LAUNCH_FAILED";
  EXPECT_FALSE(buildNetwork(d, 3, withDevice(&device), net, err));
  EXPECT_EQ(err, "projection 'aa': rows kernel snn_build_rows_0: "
                 "cuLaunchKernel (...): CUDA_ERROR_LAUNCH_FAILED");
}

TEST(DeviceConnectivity, InvalidDelaysAreReportedLikeOnTheHost) {
  // Normal delays around 0.5 ms with std 1 ms: some are negative.
  json j = buildNetJson();
  j["projections"][0]["delay"] = {
      {"kind", "normal"}, {"mean", 0.5}, {"std", 1.0}};
  Descriptor d = parse(j);
  std::string hostError, err;
  Network net;
  // The delays kernel counts the bad draws and finds the first; delay_at
  // gives its value (the host versions of the kernels, here).
  FakeDevice first(d);
  EXPECT_FALSE(buildNetwork(d, 3, withDevice(&first), net, hostError));
  EXPECT_EQ(hostError.rfind("projection 'aa', delay: 84 of 279 delays drawn "
                            "from normal(0.5 ms, 1 ms) are negative (the "
                            "first, synapse 2: negative delay -",
                            0),
            0u)
      << hostError;
  FakeDevice device(d);
  EXPECT_FALSE(buildNetwork(d, 3, withDevice(&device), net, err));
  EXPECT_EQ(err, hostError);
  // The delays kernel counts them; delay_at gives the first one's value.
  ASSERT_EQ(device.calls.size(), 3u);
  EXPECT_EQ(device.calls[1].kernel, "snn_build_delays_0");
  EXPECT_EQ(device.calls[2].kernel, "snn_build_delay_at_0");
  EXPECT_EQ(device.calls[2].n, 2);
  EXPECT_EQ(device.calls[2].words, 1u);

  // A delays kernel that disagrees with the host, or reports nonsense.
  Descriptor good = parse(buildNetJson());
  FakeDevice bad(good);
  bad.corrupt = [](const GpuKernelRef &k, std::vector<int64_t> &w) {
    if (k.kernel == "snn_build_delays_0") {
      w[1] = 5;
      w[2] = 1;
    }
  };
  EXPECT_FALSE(buildNetwork(good, 3, withDevice(&bad), net, err));
  double ms = referenceSynapseValue(good.projections[0].delay,
                                    RngPurpose::Delay, 0, 3, 5);
  EXPECT_EQ(err, "projection 'aa', delay: the device's delays kernel "
                 "snn_build_delays_0 reported the delay of synapse 5 (" +
                     formatNumber(ms) +
                     " ms) as invalid (a bug in the generated code)");
  bad.corrupt = [](const GpuKernelRef &k, std::vector<int64_t> &w) {
    if (k.kernel == "snn_build_delays_0")
      w[1] = -2;
  };
  EXPECT_FALSE(buildNetwork(good, 3, withDevice(&bad), net, err));
  EXPECT_NE(err.find("reported synapse -2 and 0 + 0 invalid delays of "),
            std::string::npos)
      << err;
  // A first invalid synapse without a count.
  bad.corrupt = [](const GpuKernelRef &k, std::vector<int64_t> &w) {
    if (k.kernel == "snn_build_delays_0")
      w[1] = 5;
  };
  EXPECT_FALSE(buildNetwork(good, 3, withDevice(&bad), net, err));
  EXPECT_NE(err.find("reported synapse 5 and 0 + 0 invalid delays of "),
            std::string::npos)
      << err;
  bad.corrupt = [](const GpuKernelRef &k, std::vector<int64_t> &w) {
    if (k.kernel == "snn_build_delays_0")
      w[0] = -1;
  };
  EXPECT_FALSE(buildNetwork(good, 3, withDevice(&bad), net, err));
  EXPECT_EQ(err, "projection 'aa', delay: the device's delays kernel "
                 "snn_build_delays_0 gave a largest delay of -1 steps (a bug "
                 "in the generated code)");
}

namespace {

const Descriptor *gEmulatedDesc = nullptr;
std::vector<int64_t> gEmulatedKernels;

/// _mlir_ciface_snn_emulate_build for the network of buildNetJson().
void emulateBuild(MemRefI8 *arena, MemRefI8 *scratch, int64_t seed, int64_t n,
                  int64_t kernel, int64_t nthreads) {
  gEmulatedKernels.push_back(kernel);
  EXPECT_EQ(nthreads, 7);
  gpuBuildKernel(*gEmulatedDesc, arena, scratch, seed, n, kernel);
}

RunOptions quiet() {
  RunOptions o;
  o.progress = false;
  o.writeOutput = false;
  o.batchSteps = 10;
  return o;
}

double time01(int64_t s) { return stepTimeMs(s, 0.1); }

} // namespace

TEST(DeviceConnectivity, EmulatedBackendBuildsOnTheDevice) {
  Descriptor d = parse(buildNetJson());
  gEmulatedDesc = &d;
  gEmulatedKernels.clear();
  std::string err;
  Network host, dev;
  RunResult r;
  {
    auto backend = makeEmulatedBackend(&counterEmulateStep, nullptr, 7);
    EXPECT_EQ(backend->connectivityDevice(), nullptr);
    ASSERT_TRUE(referenceBuild(d, 3, host, err)) << err;
    ASSERT_TRUE(simulateBatched(host, *backend, 25, quiet(), r, err)) << err;
  }
  auto backend = makeEmulatedBackend(&counterEmulateStep, &emulateBuild, 7);
  ASSERT_NE(backend->connectivityDevice(), nullptr);
  ASSERT_TRUE(
      buildNetwork(d, 3, withDevice(backend->connectivityDevice()), dev, err))
      << err;
  // Rows and delays while building, the rest when uploading.
  EXPECT_EQ(gEmulatedKernels, (std::vector<int64_t>{0, 2, 4, 8, 12, 14}));
  ASSERT_TRUE(simulateBatched(dev, *backend, 25, quiet(), r, err)) << err;
  EXPECT_EQ(gEmulatedKernels, (std::vector<int64_t>{0, 2, 4, 8, 12, 14, 1, 3,
                                                    5, 9, 11, 13, 19, 15}));
  EXPECT_TRUE(sameArena(dev, host));
  json j = json::parse(r.backend.json);
  EXPECT_EQ(j["connectivity"]["device"], json({"aa", "ba", "bb", "ab"}));
  EXPECT_EQ(j["connectivity"]["host"], json::array());
  EXPECT_TRUE(j["connectivity_seconds"].is_number());
  EXPECT_EQ(j["build_kernels"]["scratch_runs"], 6);
  EXPECT_EQ(j["build_kernels"]["arena_runs"], 8);
  EXPECT_NE(r.backend.summary.find(", batches of 10 steps, connectivity: "
                                   "device (4 projections), "),
            std::string::npos)
      << r.backend.summary;

  // A network built for the device needs a backend that can run the
  // arena kernels.
  auto cannot = makeEmulatedBackend(&counterEmulateStep, nullptr, 7);
  Network again;
  ASSERT_TRUE(
      buildNetwork(d, 3, withDevice(backend->connectivityDevice()), again, err))
      << err;
  EXPECT_FALSE(simulateBatched(again, *cannot, 25, quiet(), r, err));
  EXPECT_EQ(err, "the network was built for kernels on the device "
                 "(connectivity, drawn values), but this backend cannot run "
                 "build kernels");
}

TEST(DeviceConnectivity, EmulatedBackendKeepsTheScratchForFill) {
  Descriptor d = parse(buildNetJson());
  gEmulatedDesc = &d;
  gEmulatedKernels.clear();
  std::string err;
  Network host, dev;
  RunResult r;
  {
    auto backend = makeEmulatedBackend(&counterEmulateStep, nullptr, 7);
    ASSERT_TRUE(referenceBuild(d, 3, host, err)) << err;
    ASSERT_TRUE(simulateBatched(host, *backend, 25, quiet(), r, err)) << err;
  }
  auto backend = makeEmulatedBackend(&counterEmulateStep, &emulateBuild, 7);
  ASSERT_TRUE(
      buildNetwork(d, 3, withDevice(backend->connectivityDevice()), dev, err))
      << err;
  ASSERT_TRUE(simulateBatched(dev, *backend, 25, quiet(), r, err)) << err;
  // rows_3 (12) and delays_3 (14) while building; fill_3 (13, on the kept
  // scratch: gpuBuildKernel checks), sort_3 (19), values_3 (15) after.
  EXPECT_EQ(gEmulatedKernels, (std::vector<int64_t>{0, 2, 4, 8, 12, 14, 1, 3,
                                                    5, 9, 11, 13, 19, 15}));
  EXPECT_TRUE(sameArena(dev, host));
  json j = json::parse(r.backend.json);
  EXPECT_EQ(j["connectivity"]["device"], json({"aa", "ba", "bb", "ab"}));
}

TEST(DeviceConnectivity, SavedConnectivityIsTheHostBuild) {
  // --save-connectivity: every projection's arrays, as the host builds
  // them, whichever side drew them.
  Descriptor d = parse(buildNetJson());
  gEmulatedDesc = &d;
  std::string err;
  Network host;
  ASSERT_TRUE(referenceBuild(d, 3, host, err)) << err;
  std::string text = buildNetJson().dump();
  {
    RunOptions o = quiet();
    o.saveConnectivity = true;
    RunResult r;
    ASSERT_TRUE(runEmulatedSimulation(text, &counterEmulateStep, &emulateBuild,
                                      7, o, r, err))
        << err;
    ASSERT_EQ(r.connectivity.size(), 4u);
    for (size_t e = 0; e < 4; ++e) {
      const ConnectivityRecord &c = r.connectivity[e];
      const ProjectionDesc &pr = d.projections[e];
      EXPECT_EQ(c.projection, pr.name);
      EXPECT_EQ(c.rowPtr, bufferOf<int64_t>(host, pr.rowPtr)) << e;
      EXPECT_EQ(c.col, bufferOf<int32_t>(host, pr.col)) << e;
      EXPECT_FALSE(c.weightF32);
      EXPECT_EQ(c.hasWeights, pr.weightBuffer >= 0) << e;
      EXPECT_EQ(c.hasDelays, pr.delayBuffer >= 0) << e;
      if (pr.weightBuffer >= 0) {
        std::vector<double> w = bufferOf<double>(host, pr.weightBuffer);
        ASSERT_EQ(c.weightBytes.size(), w.size() * 8) << e;
        EXPECT_EQ(std::memcmp(c.weightBytes.data(), w.data(), w.size() * 8),
                  0)
            << e;
      } else {
        EXPECT_TRUE(c.weightBytes.empty()) << e;
      }
      if (pr.delayBuffer >= 0)
        EXPECT_EQ(c.delaySteps, bufferOf<int32_t>(host, pr.delayBuffer)) << e;
      else
        EXPECT_TRUE(c.delaySteps.empty()) << e;
    }
  }
  // Not asked for: nothing saved.
  RunResult r;
  ASSERT_TRUE(runEmulatedSimulation(text, &counterEmulateStep, &emulateBuild,
                                    7, quiet(), r, err))
      << err;
  EXPECT_TRUE(r.connectivity.empty());
}

TEST(DeviceConnectivity, StoredRowsAreSavedThroughTheColumnsKernel) {
  // A projection that stores rows other than columns ("ba" as dense: a row
  // of bits per neuron, written by its fill kernel) is saved through its
  // columns kernel, run on the arena as the run left it: the synapses the
  // host reference builds.
  json j = denseBANetJson();
  Descriptor d = parse(j);
  Descriptor csr = parse(buildNetJson());
  std::string err;
  Network host;
  ASSERT_TRUE(referenceBuild(csr, 3, host, err)) << err;
  gEmulatedDesc = &d;
  gEmulatedKernels.clear();
  RunOptions o = quiet();
  o.saveConnectivity = true;
  RunResult r;
  ASSERT_TRUE(runEmulatedSimulation(j.dump(), &counterEmulateStep,
                                    &emulateBuild, 7, o, r, err))
      << err;
  ASSERT_EQ(r.connectivity.size(), 4u);
  const ConnectivityRecord &c = r.connectivity[1];
  EXPECT_EQ(c.projection, "ba");
  EXPECT_EQ(c.rowPtr, bufferOf<int64_t>(host, kBARowPtr));
  EXPECT_EQ(c.col, bufferOf<int32_t>(host, kBACol));
  EXPECT_EQ(c.col.size(), 5u * 37u); // all_to_all
  // The fill kernel wrote the bits; the rows and columns kernels ran again
  // for the save.
  for (int kind : {kFill, kColumns})
    EXPECT_EQ(std::count(gEmulatedKernels.begin(), gEmulatedKernels.end(),
                         buildKernelNumber(1, kind)),
              1)
        << kind;
  EXPECT_EQ(std::count(gEmulatedKernels.begin(), gEmulatedKernels.end(),
                       buildKernelNumber(1, kRows)),
            2);
  EXPECT_EQ(r.projections[1].storage, "dense");
}

TEST(DeviceConnectivity, EmulatedRuns) {
  Descriptor d = parse(buildNetJson());
  gEmulatedDesc = &d;
  std::string text = buildNetJson().dump(), err;
  {
    gEmulatedKernels.clear();
    RunOptions o = quiet();
    RunResult r;
    ASSERT_TRUE(runEmulatedSimulation(text, &counterEmulateStep, &emulateBuild,
                                      7, o, r, err))
        << err;
    CounterExpected e = counterReference(25, time01);
    ASSERT_EQ(r.spikes.size(), 1u);
    EXPECT_EQ(r.spikes[0].neurons, e.spikeIds);
    EXPECT_EQ(r.populations[1].spikes, e.bTotal);
    ASSERT_EQ(r.projections.size(), 4u);
    EXPECT_EQ(r.projections[1].synapses, 5 * 37);
    EXPECT_EQ(r.projections[3].synapses, 5 * 3);
    EXPECT_EQ(gEmulatedKernels.size(), 14u);
    std::string expected = "connectivity: device (4 projections), ";
    EXPECT_NE(r.backend.summary.find(expected), std::string::npos)
        << r.backend.summary;
    EXPECT_NE(formatSummary(r).find(expected), std::string::npos);
  }
}

namespace {

int runCli(const std::string &descriptor, std::vector<std::string> args,
           std::string &out, std::string &err) {
  std::vector<char *> argv;
  std::string prog = "/x/emu-sim";
  argv.push_back(prog.data());
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int rc =
      runEmulatedMain(int(argv.size()) - 1, argv.data(), descriptor.c_str(),
                      &counterEmulateStep, &emulateBuild);
  out = ::testing::internal::GetCapturedStdout();
  err = ::testing::internal::GetCapturedStderr();
  return rc;
}

} // namespace

TEST(DeviceConnectivity, CommandLine) {
  Descriptor d = parse(buildNetJson());
  gEmulatedDesc = &d;
  TempDir dir;
  std::string text = buildNetJson().dump(), out, err;
  gEmulatedKernels.clear();
  EXPECT_EQ(runCli(text, {"--threads", "7", "--out", dir / "o"}, out, err), 0)
      << err;
  EXPECT_EQ(gEmulatedKernels.size(), 14u);
  EXPECT_NE(out.find("connectivity: device (4 projections), "),
            std::string::npos)
      << out;
  json summary = json::parse(readText(dir / "o/summary.json"));
  EXPECT_EQ(summary["backend"]["connectivity"]["device"].size(), 4u);
  EXPECT_TRUE(summary["backend"]["connectivity"]["host"].empty());

  // --build-threads: the build kernels emulate 7 threads (emulateBuild
  // checks), the phases 3.
  gEmulatedKernels.clear();
  EXPECT_EQ(runCli(text,
                   {"--threads", "3", "--build-threads=7", "--out", dir / "o"},
                   out, err),
            0)
      << err;
  EXPECT_EQ(gEmulatedKernels.size(), 14u);
  summary = json::parse(readText(dir / "o/summary.json"));
  EXPECT_EQ(summary["backend"]["threads"], 3);
  EXPECT_EQ(summary["backend"]["build_threads"], 7);
  EXPECT_EQ(runCli(text, {"--build-threads", "0"}, out, err), 2);
  EXPECT_NE(err.find("invalid thread count '0' (expected an integer from 1 "
                     "to 16777216)"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("[--build-threads N]"), std::string::npos) << err;

  // The runtime has no builders of its own to choose instead.
  EXPECT_EQ(runCli(text, {"--host-connectivity"}, out, err), 2);
  EXPECT_NE(err.find("unknown option '--host-connectivity'"),
            std::string::npos)
      << err;
}
