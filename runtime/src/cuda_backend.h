//===- cuda_backend.h - The CUDA backend (internal) -------------*- C++ -*-===//
//
// makeCudaBackend() with an explicit driver, so that tests can run the
// backend against a fake driver (a table of host functions) on machines
// without a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_SRC_CUDA_BACKEND_H
#define SNNRT_SRC_CUDA_BACKEND_H

#include "snnrt/gpu.h"

#include "cuda_driver.h"

namespace snnrt {

/// makeCudaBackend() on `driver` (already initialised), which must outlive
/// the backend.
std::unique_ptr<StepBackend> makeCudaBackendWith(const cu::Driver &driver,
                                                 const Descriptor &desc,
                                                 const CudaImage &image,
                                                 const CudaOptions &cuda,
                                                 std::string &error);

} // namespace snnrt

#endif // SNNRT_SRC_CUDA_BACKEND_H
