//===- emulate_main.cpp - main() of emulated GPU simulators ---------------===//
//
// `snnc --target=cuda-emulate` links: model.o libsnnrt_emulate_main.a
// libsnnrt.a -lpthread -lm. The model object provides the descriptor (with
// its "gpu" section) and the host versions of the GPU step and of the
// connectivity build kernels (docs/gpu-abi.md).

#include "snnrt/emulate.h"

#include <cstdint>

extern "C" const char snn_descriptor[];
extern "C" void _mlir_ciface_snn_emulate_step(snnrt::MemRefI8 *arena,
                                              int64_t seed, int64_t parity,
                                              int64_t nthreads);
extern "C" void _mlir_ciface_snn_emulate_build(snnrt::MemRefI8 *arena,
                                               snnrt::MemRefI8 *scratch,
                                               int64_t seed, int64_t n,
                                               int64_t kernel,
                                               int64_t nthreads);

int main(int argc, char **argv) {
  return snnrt::runEmulatedMain(argc, argv, snn_descriptor,
                                &_mlir_ciface_snn_emulate_step,
                                &_mlir_ciface_snn_emulate_build);
}
