//===- CudaDriverTest.cpp - Driver declarations vs cuda.h -----------------===//
//
// Compiled only when CMake finds cuda.h (the runtime itself never includes
// it). Every function the runtime looks up with dlsym must have, under that
// exact (versioned) symbol name, the type cuda.h declares; every constant
// must have cuda.h's value. Our own types are mapped to cuda.h's
// structurally, so a wrong parameter, a missing pointer level or a wrong
// integer type fails to compile.
//
//===----------------------------------------------------------------------===//

#include <cuda.h>

#include "cuda_driver.h"

#include <gtest/gtest.h>

#include <type_traits>

namespace {

namespace cu = snnrt::cu;

/// ToCuda<T>::type: T with each of our driver types replaced by cuda.h's.
template <typename T> struct ToCuda { using type = T; };
template <typename T> struct ToCuda<T *> {
  using type = typename ToCuda<T>::type *;
};
template <typename T> struct ToCuda<const T> {
  using type = const typename ToCuda<T>::type;
};
template <typename R, typename... A> struct ToCuda<R (*)(A...)> {
  using type = typename ToCuda<R>::type (*)(typename ToCuda<A>::type...);
};
#define SNNRT_MAP(ours, theirs)                                                \
  template <> struct ToCuda<ours> { using type = theirs; };
SNNRT_MAP(cu::CUresult, ::CUresult)
SNNRT_MAP(cu::CUdevice_attribute, ::CUdevice_attribute)
SNNRT_MAP(cu::CUfunction_attribute, ::CUfunction_attribute)
SNNRT_MAP(cu::CUjit_option, ::CUjit_option)
SNNRT_MAP(cu::CUstreamCaptureMode, ::CUstreamCaptureMode)
SNNRT_MAP(cu::CUctx_st, ::CUctx_st)
SNNRT_MAP(cu::CUmod_st, ::CUmod_st)
SNNRT_MAP(cu::CUfunc_st, ::CUfunc_st)
SNNRT_MAP(cu::CUstream_st, ::CUstream_st)
SNNRT_MAP(cu::CUgraph_st, ::CUgraph_st)
SNNRT_MAP(cu::CUgraphExec_st, ::CUgraphExec_st)
#undef SNNRT_MAP

} // namespace

// Expanded inside snnrt::cu so that the unqualified types of the X-macros
// are ours; `::name` is cuda.h's declaration of the very symbol we dlsym.
namespace snnrt {
namespace cu {
#define SNNRT_CHECK_DECL(name, fnType)                                         \
  static_assert(                                                               \
      std::is_same_v<typename ToCuda<fnType>::type, decltype(&::name)>,        \
      #name ": our declaration does not match cuda.h");
SNNRT_CUDA_CORE_FUNCTIONS(SNNRT_CHECK_DECL)
SNNRT_CUDA_GRAPH_FUNCTIONS(SNNRT_CHECK_DECL)
#undef SNNRT_CHECK_DECL
} // namespace cu
} // namespace snnrt

// Plain types.
static_assert(std::is_same_v<cu::CUdevice, ::CUdevice>);
static_assert(std::is_same_v<cu::CUdeviceptr, ::CUdeviceptr>);
// Enums: same size (they are passed by value), same values.
static_assert(sizeof(cu::CUresult) == sizeof(::CUresult));
static_assert(sizeof(cu::CUdevice_attribute) == sizeof(::CUdevice_attribute));
static_assert(sizeof(cu::CUfunction_attribute) ==
              sizeof(::CUfunction_attribute));
static_assert(sizeof(cu::CUjit_option) == sizeof(::CUjit_option));
static_assert(sizeof(cu::CUstreamCaptureMode) == sizeof(::CUstreamCaptureMode));
#define SNNRT_SAME_VALUE(name)                                                 \
  static_assert(int(cu::name) == int(::name), #name " differs from cuda.h");
SNNRT_SAME_VALUE(CUDA_SUCCESS)
SNNRT_SAME_VALUE(CUDA_ERROR_OUT_OF_MEMORY)
SNNRT_SAME_VALUE(CUDA_ERROR_NOT_INITIALIZED)
SNNRT_SAME_VALUE(CUDA_ERROR_STUB_LIBRARY)
SNNRT_SAME_VALUE(CUDA_ERROR_NO_DEVICE)
SNNRT_SAME_VALUE(CUDA_ERROR_INVALID_DEVICE)
SNNRT_SAME_VALUE(CUDA_ERROR_NO_BINARY_FOR_GPU)
SNNRT_SAME_VALUE(CUDA_ERROR_INVALID_PTX)
SNNRT_SAME_VALUE(CUDA_ERROR_UNSUPPORTED_PTX_VERSION)
SNNRT_SAME_VALUE(CUDA_ERROR_NOT_FOUND)
SNNRT_SAME_VALUE(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK)
SNNRT_SAME_VALUE(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)
SNNRT_SAME_VALUE(CU_DEVICE_ATTRIBUTE_KERNEL_EXEC_TIMEOUT)
SNNRT_SAME_VALUE(CU_DEVICE_ATTRIBUTE_COMPUTE_MODE)
SNNRT_SAME_VALUE(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
SNNRT_SAME_VALUE(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)
SNNRT_SAME_VALUE(CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK)
SNNRT_SAME_VALUE(CU_FUNC_ATTRIBUTE_NUM_REGS)
SNNRT_SAME_VALUE(CU_JIT_INFO_LOG_BUFFER)
SNNRT_SAME_VALUE(CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES)
SNNRT_SAME_VALUE(CU_JIT_ERROR_LOG_BUFFER)
SNNRT_SAME_VALUE(CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES)
SNNRT_SAME_VALUE(CU_STREAM_CAPTURE_MODE_GLOBAL)
SNNRT_SAME_VALUE(CU_STREAM_CAPTURE_MODE_THREAD_LOCAL)
SNNRT_SAME_VALUE(CU_STREAM_CAPTURE_MODE_RELAXED)
SNNRT_SAME_VALUE(CU_COMPUTEMODE_DEFAULT)
SNNRT_SAME_VALUE(CU_COMPUTEMODE_PROHIBITED)
SNNRT_SAME_VALUE(CU_STREAM_NON_BLOCKING)
#undef SNNRT_SAME_VALUE

TEST(CudaDriverDeclarations, MatchCudaH) {
  // Everything is checked at compile time; this records that it ran.
  EXPECT_EQ(CUDA_VERSION / 1000 >= 11, true);
}
