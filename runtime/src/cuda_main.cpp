//===- cuda_main.cpp - main() of CUDA simulators --------------------------===//
//
// `snnc --target=cuda` links: model.o libsnnrt_cuda_main.a libsnnrt_cuda.a
// libsnnrt.a -ldl -lpthread -lm. The model object provides the descriptor
// (with its "gpu" section) and the device code (docs/gpu-abi.md).

#include "snnrt/gpu.h"

#include <cstdint>

extern "C" const char snn_descriptor[];
extern "C" const char snn_gpu_ptx[];
extern "C" const char snn_gpu_cubin[];
extern "C" const int64_t snn_gpu_cubin_size;
extern "C" const char snn_gpu_arch[];

int main(int argc, char **argv) {
  snnrt::CudaImage image;
  image.ptx = snn_gpu_ptx;
  image.cubin = snn_gpu_cubin;
  image.cubinSize = snn_gpu_cubin_size;
  image.arch = snn_gpu_arch;
  return snnrt::runCudaMain(argc, argv, snn_descriptor, image);
}
