//===- cuda_driver.h - The CUDA driver API, loaded at run time --*- C++ -*-===//
//
// The runtime never links against CUDA: simulators and the build need no
// CUDA toolkit, and a machine without a driver gets a clear error instead of
// a loader failure. libcuda.so.1 is opened with dlopen() and the few driver
// functions the runtime uses are looked up with dlsym(), by their exported
// (versioned) names: cuda.h maps e.g. cuMemAlloc to cuMemAlloc_v2 with
// macros, and dlsym() sees only the real symbols.
//
// The declarations below are our own, written from the driver API's
// documented ABI. CudaDriverTest.cpp, compiled when the build finds cuda.h,
// checks each function type and constant against cuda.h.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_SRC_CUDA_DRIVER_H
#define SNNRT_SRC_CUDA_DRIVER_H

#include <cstddef>
#include <string>

namespace snnrt {
namespace cu {

// Result codes (the ones the runtime looks at; cuGetErrorName names all).
enum CUresult : int {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NOT_INITIALIZED = 3,
  CUDA_ERROR_STUB_LIBRARY = 34,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_INVALID_DEVICE = 101,
  CUDA_ERROR_NO_BINARY_FOR_GPU = 209,
  CUDA_ERROR_INVALID_PTX = 218,
  CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222,
  CUDA_ERROR_NOT_FOUND = 500,
};

using CUdevice = int;
using CUdeviceptr = unsigned long long; // 64-bit targets only
struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUgraph_st;
struct CUgraphExec_st;
using CUcontext = CUctx_st *;
using CUmodule = CUmod_st *;
using CUfunction = CUfunc_st *;
using CUstream = CUstream_st *;
using CUgraph = CUgraph_st *;
using CUgraphExec = CUgraphExec_st *;

enum CUdevice_attribute : int {
  CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
  CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
  CU_DEVICE_ATTRIBUTE_KERNEL_EXEC_TIMEOUT = 17,
  CU_DEVICE_ATTRIBUTE_COMPUTE_MODE = 20,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
};

enum CUfunction_attribute : int {
  CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0,
  CU_FUNC_ATTRIBUTE_NUM_REGS = 4,
};

enum CUjit_option : int {
  CU_JIT_INFO_LOG_BUFFER = 3,
  CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4,
  CU_JIT_ERROR_LOG_BUFFER = 5,
  CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
};

enum CUstreamCaptureMode : int {
  CU_STREAM_CAPTURE_MODE_GLOBAL = 0,
  CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1,
  CU_STREAM_CAPTURE_MODE_RELAXED = 2,
};

enum CUcomputemode : int {
  CU_COMPUTEMODE_DEFAULT = 0,
  CU_COMPUTEMODE_PROHIBITED = 2,
};

inline constexpr unsigned int CU_STREAM_NON_BLOCKING = 0x1;

// X(symbol, function pointer type): the functions every run needs.
#define SNNRT_CUDA_CORE_FUNCTIONS(X)                                           \
  X(cuGetErrorName, CUresult (*)(CUresult, const char **))                     \
  X(cuGetErrorString, CUresult (*)(CUresult, const char **))                   \
  X(cuInit, CUresult (*)(unsigned int))                                        \
  X(cuDriverGetVersion, CUresult (*)(int *))                                   \
  X(cuDeviceGetCount, CUresult (*)(int *))                                     \
  X(cuDeviceGet, CUresult (*)(CUdevice *, int))                                \
  X(cuDeviceGetName, CUresult (*)(char *, int, CUdevice))                      \
  X(cuDeviceGetAttribute, CUresult (*)(int *, CUdevice_attribute, CUdevice))   \
  X(cuDeviceTotalMem_v2, CUresult (*)(size_t *, CUdevice))                     \
  X(cuDevicePrimaryCtxRetain, CUresult (*)(CUcontext *, CUdevice))             \
  X(cuDevicePrimaryCtxRelease_v2, CUresult (*)(CUdevice))                      \
  X(cuCtxSetCurrent, CUresult (*)(CUcontext))                                  \
  X(cuModuleLoadData, CUresult (*)(CUmodule *, const void *))                  \
  X(cuModuleLoadDataEx, CUresult (*)(CUmodule *, const void *, unsigned int,   \
                                     CUjit_option *, void **))                 \
  X(cuModuleUnload, CUresult (*)(CUmodule))                                    \
  X(cuModuleGetFunction, CUresult (*)(CUfunction *, CUmodule, const char *))   \
  X(cuFuncGetAttribute, CUresult (*)(int *, CUfunction_attribute, CUfunction)) \
  X(cuMemGetInfo_v2, CUresult (*)(size_t *, size_t *))                         \
  X(cuMemAlloc_v2, CUresult (*)(CUdeviceptr *, size_t))                        \
  X(cuMemFree_v2, CUresult (*)(CUdeviceptr))                                   \
  X(cuMemcpyHtoDAsync_v2,                                                      \
    CUresult (*)(CUdeviceptr, const void *, size_t, CUstream))                 \
  X(cuMemcpyDtoHAsync_v2, CUresult (*)(void *, CUdeviceptr, size_t, CUstream)) \
  X(cuMemsetD8Async,                                                           \
    CUresult (*)(CUdeviceptr, unsigned char, size_t, CUstream))                \
  X(cuStreamCreate, CUresult (*)(CUstream *, unsigned int))                    \
  X(cuStreamDestroy_v2, CUresult (*)(CUstream))                                \
  X(cuStreamSynchronize, CUresult (*)(CUstream))                               \
  X(cuLaunchKernel,                                                            \
    CUresult (*)(CUfunction, unsigned int, unsigned int, unsigned int,         \
                 unsigned int, unsigned int, unsigned int, unsigned int,       \
                 CUstream, void **, void **))

// Graph mode only (CUDA 11.4+ drivers); a driver without them can still run
// the other modes.
#define SNNRT_CUDA_GRAPH_FUNCTIONS(X)                                          \
  X(cuStreamBeginCapture_v2, CUresult (*)(CUstream, CUstreamCaptureMode))      \
  X(cuStreamEndCapture, CUresult (*)(CUstream, CUgraph *))                     \
  X(cuGraphInstantiateWithFlags,                                               \
    CUresult (*)(CUgraphExec *, CUgraph, unsigned long long))                  \
  X(cuGraphLaunch, CUresult (*)(CUgraphExec, CUstream))                        \
  X(cuGraphExecDestroy, CUresult (*)(CUgraphExec))                             \
  X(cuGraphDestroy, CUresult (*)(CUgraph))

/// Names a type given as a type-id (for the declarations below).
template <typename T> using Type = T;

/// The loaded driver: one pointer per function, named like its symbol.
struct Driver {
#define SNNRT_CUDA_MEMBER(name, type) Type<type> name = nullptr;
  SNNRT_CUDA_CORE_FUNCTIONS(SNNRT_CUDA_MEMBER)
  SNNRT_CUDA_GRAPH_FUNCTIONS(SNNRT_CUDA_MEMBER)
#undef SNNRT_CUDA_MEMBER

  /// All graph functions were found.
  bool hasGraphs = false;
  /// cuDriverGetVersion: 1000 * major + 10 * minor (13000 for 13.0).
  int version = 0;
  /// The library that was loaded.
  std::string library;

  /// "CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected".
  std::string describe(CUresult r) const;
  /// On failure sets `error` to "<call> (<doing>): <describe(r)>".
  bool check(CUresult r, const char *call, const std::string &doing,
             std::string &error) const;
  /// "13.0".
  std::string versionString() const;
};

/// The process's driver: libcuda.so.1 (or the library $SNNRT_CUDA_DRIVER
/// names, e.g. the fake driver of runtime/testing), loaded and initialised
/// (cuInit) on
/// first use and then kept for the life of the process (unloading a CUDA
/// driver that has been initialised is not safe). Returns null with `error`
/// set when there is no usable driver; the outcome is cached.
const Driver *loadDriver(std::string &error);

/// Loads `library` into `driver` and calls cuInit(0), without caching. The
/// handle is returned in `handle` (also on a cuInit failure, so the caller
/// can dlclose it); used by loadDriver and by tests.
bool loadDriverFrom(const char *library, Driver &driver, void *&handle,
                    std::string &error);

} // namespace cu
} // namespace snnrt

#endif // SNNRT_SRC_CUDA_DRIVER_H
