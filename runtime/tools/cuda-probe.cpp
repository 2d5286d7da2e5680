//===- cuda-probe.cpp - Is there a usable CUDA device? --------------------===//
//
// snnrt-cuda-probe prints the CUDA devices the driver sees (name and compute
// capability) and exits 0 when at least one can be used; otherwise it says
// why (no libcuda.so.1, cuInit failed, no device, ...) and exits 1. lit uses
// it to enable the tests that need a GPU. Like the simulators, it loads the
// driver at run time and needs no CUDA toolkit.

#include "snnrt/gpu.h"

#include <cstdio>
#include <cstring>

int main(int argc, char **argv) {
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quiet") || !std::strcmp(argv[i], "-q")) {
      quiet = true;
    } else if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      std::printf("usage: snnrt-cuda-probe [--quiet]\n\n"
                  "Lists the CUDA devices; exits 0 when at least one is "
                  "usable, else 1.\n");
      return 0;
    } else {
      std::fprintf(stderr, "snnrt-cuda-probe: unknown argument '%s'\n",
                   argv[i]);
      return 2;
    }
  }
  snnrt::CudaProbe probe;
  std::string why;
  if (!snnrt::probeCuda(probe, why)) {
    std::printf("no usable CUDA device: %s\n", why.c_str());
    return 1;
  }
  int usable = 0;
  if (!quiet)
    std::printf("CUDA driver %d.%d (%s), %zu device%s\n",
                probe.driverVersion / 1000, probe.driverVersion % 1000 / 10,
                probe.library.c_str(), probe.devices.size(),
                probe.devices.size() == 1 ? "" : "s");
  for (const snnrt::CudaDeviceInfo &d : probe.devices) {
    usable += d.usable;
    if (quiet)
      continue;
    if (d.name.empty())
      std::printf("device %d: %s\n", d.ordinal, d.problem.c_str());
    else
      std::printf("device %d: %s, compute capability %d.%d, %d SMs, %.1f "
                  "GiB%s%s\n",
                  d.ordinal, d.name.c_str(), d.major, d.minor,
                  d.multiprocessors,
                  double(d.totalMemory) / (1024.0 * 1024.0 * 1024.0),
                  d.usable ? "" : ", not usable: ", d.problem.c_str());
  }
  if (usable == 0) {
    std::printf("no usable CUDA device: none of the %zu device%s can be "
                "used\n",
                probe.devices.size(), probe.devices.size() == 1 ? "" : "s");
    return 1;
  }
  return 0;
}
