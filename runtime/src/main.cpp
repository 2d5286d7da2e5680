//===- main.cpp - main() of every simulator snnc links
//---------------------===//
//
// The generated model object provides the descriptor and the step function
// (docs/runtime-abi.md); everything else is in libsnnrt.

#include "snnrt/run.h"

#include <cstdint>

extern "C" const char snn_descriptor[];
extern "C" void _mlir_ciface_snn_update(snnrt::MemRefI8 *arena, int64_t step,
                                        int64_t seed, int64_t tid,
                                        int64_t nthreads);
extern "C" void _mlir_ciface_snn_propagate(snnrt::MemRefI8 *arena,
                                           int64_t step, int64_t seed,
                                           int64_t tid, int64_t nthreads);

int main(int argc, char **argv) {
  return snnrt::runMain(argc, argv, snn_descriptor,
                        snnrt::StepFunctions(&_mlir_ciface_snn_update,
                                             &_mlir_ciface_snn_propagate));
}
