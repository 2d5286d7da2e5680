//===- TestGpuModel.cpp - Stand-in for a --target=cuda object -------------===//
//
// Exports what a model compiled for the GPU exports (docs/gpu-abi.md): the
// descriptor with its "gpu" section, the device code (hand-written PTX, no
// cubin), the emulated step and the emulated build kernels. Linked the way snnc
// links the emulated simulator (libsnnrt_emulate_main.a libsnnrt.a) and the
// CUDA one (libsnnrt_cuda_main.a libsnnrt_cuda.a libsnnrt.a), run as CLI smoke
// tests. The model: GpuCounterNet.h.

#include "GpuCounterNet.h"

#include <cstdint>

extern "C" const char snn_descriptor[] =
#include "CounterDescriptor.inc"
    ;

extern "C" const char snn_gpu_ptx[] =
#include "CounterKernels.inc"
    ;

extern "C" const char snn_gpu_cubin[] = "";
extern "C" const int64_t snn_gpu_cubin_size = 0;
extern "C" const char snn_gpu_arch[] = "sm_75";

extern "C" void _mlir_ciface_snn_emulate_step(snnrt::MemRefI8 *arena,
                                              int64_t seed, int64_t parity,
                                              int64_t nthreads) {
  snnrt_test::counterEmulateStep(arena, seed, parity, nthreads);
}

// The counter model has no projections: nothing to build.
extern "C" void _mlir_ciface_snn_emulate_build(snnrt::MemRefI8 *, int64_t,
                                               int64_t, int64_t, int64_t) {}
