//===- ReferenceBuildTool.cpp - Synapses as the tests' reference draws them ===//
//
// snnrt-reference-build DESCRIPTOR.json OUTDIR [SEED]: builds the network of a
// compiled model's descriptor (the JSON that snnc embeds; test/e2e/
// descriptor.py extracts it) with the host versions of its build kernels
// (GpuBuildNet.h, written from docs/runtime-abi.md apart from the compiler)
// and writes every projection's synapses as --save-connectivity does (SEED:
// the descriptor's unless given). The
// simulators draw their synapses with the generated kernels only; this is
// what the end-to-end tests compare them with.
//
//===----------------------------------------------------------------------===//

#include "snnrt/descriptor.h"
#include "snnrt/io.h"
#include "snnrt/network.h"
#include "snnrt/run.h"

#include "GpuBuildNet.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s DESCRIPTOR.json OUTDIR [SEED]\n",
                 argv[0]);
    return 2;
  }
  std::ifstream in(argv[1]);
  std::stringstream text;
  text << in.rdbuf();
  snnrt::Descriptor d;
  std::string error;
  if (!in || !snnrt::parseDescriptor(text.str(), d, error)) {
    std::fprintf(stderr, "error: %s: %s\n", argv[1],
                 error.empty() ? "cannot read" : error.c_str());
    return 1;
  }
  uint64_t seed = argc == 4 ? std::stoull(argv[3]) : d.seed;
  snnrt::Network net;
  snnrt_test::FakeDevice device(d);
  device.byName = true;
  snnrt::BuildOptions o;
  o.batchSteps = d.hasGpu ? 2 : 0;
  o.device = &device;
  if (!snnrt::buildNetwork(d, seed, o, net, error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 1;
  }
  snnrt_test::runDeviceInit(net, device);
  snnrt::RunResult result;
  result.model = d.model;
  result.seed = seed;
  if (!snnrt::collectConnectivity(net, &device, result, error) ||
      !snnrt::writeOutputs(result, "npy", argv[2], error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 1;
  }
  return ::testing::Test::HasFailure() ? 1 : 0;
}
