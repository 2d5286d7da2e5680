//===- main.cpp - main() of every simulator snnc links
//---------------------===//
//
// The generated model object provides the descriptor, the step functions
// and the connectivity build (docs/runtime-abi.md); everything else is in
// libsnnrt.

#include "snnrt/run.h"

#include <cstdint>

extern "C" const char snn_descriptor[];
extern "C" void _mlir_ciface_snn_update(snnrt::MemRefI8 *arena, int64_t step,
                                        int64_t seed, int64_t tid,
                                        int64_t nthreads);
extern "C" void _mlir_ciface_snn_propagate(snnrt::MemRefI8 *arena,
                                           int64_t step, int64_t seed,
                                           int64_t tid, int64_t nthreads);
// Weak: a hand-written model (the runtime's tests) may have none; snnc's
// always do.
extern "C" __attribute__((weak)) void
_mlir_ciface_snn_build(snnrt::MemRefI8 *arena,
                                       snnrt::MemRefI8 *scratch, int64_t seed,
                                       int64_t n, int64_t kernel, int64_t tid,
                                       int64_t nthreads);

int main(int argc, char **argv) {
  return snnrt::runMain(argc, argv, snn_descriptor,
                        snnrt::StepFunctions(&_mlir_ciface_snn_update,
                                             &_mlir_ciface_snn_propagate,
                                             &_mlir_ciface_snn_build));
}
