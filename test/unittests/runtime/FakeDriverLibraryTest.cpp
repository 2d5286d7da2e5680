//===- FakeDriverLibraryTest.cpp - libsnnrt_fakecuda.so itself ------------===//
//
// The fake CUDA driver (runtime/testing/fake_cuda.cpp) stands in for the
// GPU in the end-to-end tests (test/e2e/gpu/fake-driver*.test); a fake
// that let mistakes through would make those tests pass for nothing. These
// tests load it the way the runtime does (loadDriverFrom) and check that it
// is as strict as the real driver: contexts, garbage in fresh device
// memory, copies inside allocations, the rules of stream capture, graphs
// that replay the captured parameter values, modules that must match the
// executable's host kernels, launch limits, and barriers that really make
// a block's threads wait for each other.
//
// The host kernels below are this executable's `snn_host_kernels` (exported
// by the link, as in a simulator compiled with snnc --host-kernels).
//
//===----------------------------------------------------------------------===//

#include "cuda_driver.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace snnrt::cu;

namespace {

struct ThreadCtx {
  int64_t thread, block, blockDim, gridDim;
  void (*barrier)(void *);
};

/// fill(buf, value): buf[global thread] = value.
void fillKernel(void **params, void *vctx) {
  auto *ctx = static_cast<ThreadCtx *>(vctx);
  auto *buf = *static_cast<int64_t **>(params[0]);
  int64_t value = *static_cast<int64_t *>(params[1]);
  buf[ctx->block * ctx->blockDim + ctx->thread] = value;
}

/// rotate(buf, out): buf[t] = t + 1; barrier; out[t] = buf[(t + 1) % n].
/// Without a real barrier, thread t would read buf[t + 1] unwritten.
void rotateKernel(void **params, void *vctx) {
  auto *ctx = static_cast<ThreadCtx *>(vctx);
  auto *buf = *static_cast<int64_t **>(params[0]);
  auto *out = *static_cast<int64_t **>(params[1]);
  int64_t t = ctx->thread, n = ctx->blockDim;
  buf[t] = t + 1;
  ctx->barrier(ctx);
  out[t] = buf[(t + 1) % n];
}

struct HostKernel {
  const char *name;
  void (*fn)(void **, void *);
  int64_t params, flags;
};

} // namespace

extern "C" {
extern __attribute__((visibility("default"))) const HostKernel
    snn_host_kernels[];
const HostKernel snn_host_kernels[] = {
    {"fill", fillKernel, 2, 0},
    {"rotate", rotateKernel, 2, 1},
    {nullptr, nullptr, 0, 0},
};
}

namespace {

const char kPtx[] = ".version 8.0\n.target sm_90\n.address_size 64\n"
                    ".visible .entry fill(\n.param .u64 a,\n.param .u64 b\n)\n"
                    "{\nret;\n}\n"
                    ".visible .entry rotate(\n.param .u64 a,\n"
                    ".param .u64 b\n)\n{\nret;\n}\n";

constexpr CUresult kInvalidValue = CUresult(1);
constexpr CUresult kInvalidImage = CUresult(200);
constexpr CUresult kInvalidHandle = CUresult(400);
constexpr CUresult kInvalidContext = CUresult(201);
constexpr CUresult kCaptureUnsupported = CUresult(900);
constexpr CUresult kCaptureInvalidated = CUresult(901);

class FakeDriverLibrary : public ::testing::Test {
protected:
  void SetUp() override {
    std::string error;
    void *handle = nullptr;
    // The build's library, or where a copied test binary finds it (the
    // GPU bundle carries both).
    const char *env = std::getenv("SNNRT_TEST_FAKE_CUDA");
    const char *library = env && *env ? env : SNNRT_FAKE_CUDA_LIBRARY;
    ASSERT_TRUE(loadDriverFrom(library, d, handle, error)) << error;
    ASSERT_EQ(d.cuCtxSetCurrent(nullptr), CUDA_SUCCESS);
    ASSERT_EQ(d.cuDevicePrimaryCtxRetain(&ctx, 0), CUDA_SUCCESS);
    ASSERT_EQ(d.cuCtxSetCurrent(ctx), CUDA_SUCCESS);
  }
  void TearDown() override {
    d.cuDevicePrimaryCtxRelease_v2(0);
    d.cuCtxSetCurrent(nullptr);
  }
  CUmodule load() {
    CUmodule m = nullptr;
    EXPECT_EQ(d.cuModuleLoadData(&m, kPtx), CUDA_SUCCESS);
    return m;
  }
  Driver d;
  CUcontext ctx = nullptr;
};

TEST_F(FakeDriverLibrary, ContextsAndMemory) {
  CUdeviceptr p = 0;
  ASSERT_EQ(d.cuCtxSetCurrent(nullptr), CUDA_SUCCESS);
  EXPECT_EQ(d.cuMemAlloc_v2(&p, 64), kInvalidContext);
  ASSERT_EQ(d.cuCtxSetCurrent(ctx), CUDA_SUCCESS);

  ASSERT_EQ(d.cuMemAlloc_v2(&p, 100), CUDA_SUCCESS);
  std::vector<unsigned char> host(100, 0);
  // Fresh device memory is garbage, not zeros.
  ASSERT_EQ(d.cuMemcpyDtoHAsync_v2(host.data(), p, 100, nullptr),
            CUDA_SUCCESS);
  EXPECT_EQ(host[0], 0xA5);
  EXPECT_EQ(host[99], 0xA5);
  // Copies and memsets must stay inside the allocation.
  EXPECT_EQ(d.cuMemcpyHtoDAsync_v2(p + 1, host.data(), 100, nullptr),
            kInvalidValue);
  EXPECT_EQ(d.cuMemsetD8Async(p + 100, 0, 1, nullptr), kInvalidValue);
  EXPECT_EQ(d.cuMemsetD8Async(p + 10, 7, 90, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(d.cuMemcpyDtoHAsync_v2(host.data(), p, 100, nullptr),
            CUDA_SUCCESS);
  EXPECT_EQ(host[9], 0xA5);
  EXPECT_EQ(host[10], 7);
  EXPECT_EQ(host[99], 7);
  size_t freeBytes = 0, total = 0;
  ASSERT_EQ(d.cuMemGetInfo_v2(&freeBytes, &total), CUDA_SUCCESS);
  EXPECT_EQ(total - freeBytes, 100u);
  EXPECT_EQ(d.cuMemFree_v2(p + 1), kInvalidValue);
  EXPECT_EQ(d.cuMemFree_v2(p), CUDA_SUCCESS);
  EXPECT_EQ(d.cuMemFree_v2(p), kInvalidValue);
}

TEST_F(FakeDriverLibrary, ModulesMustMatchTheHostKernels) {
  CUmodule m = nullptr;
  EXPECT_EQ(d.cuModuleLoadData(&m, "not an image"), kInvalidImage);
  // A kernel the executable has no host copy of.
  std::string extra = std::string(kPtx) +
                      ".visible .entry other(\n.param .u64 a\n)\n{\nret;\n}\n";
  EXPECT_EQ(d.cuModuleLoadData(&m, extra.c_str()), kInvalidImage);
  // A host kernel the image lacks.
  std::string fewer = ".version 8.0\n.target sm_90\n"
                      ".visible .entry fill(\n.param .u64 a,\n.param .u64 b\n)"
                      "\n{\nret;\n}\n";
  EXPECT_EQ(d.cuModuleLoadData(&m, fewer.c_str()), kInvalidImage);
  // A different parameter count.
  std::string params = kPtx;
  params.replace(params.find(".param .u64 b\n)\n{\nret;\n}\n.visible"),
                 std::strlen(".param .u64 b\n"), ".param .u64 b,\n.param .u64 c\n");
  EXPECT_EQ(d.cuModuleLoadData(&m, params.c_str()), kInvalidImage);

  m = load();
  ASSERT_NE(m, nullptr);
  CUfunction f = nullptr;
  EXPECT_EQ(d.cuModuleGetFunction(&f, m, "missing"), CUDA_ERROR_NOT_FOUND);
  ASSERT_EQ(d.cuModuleGetFunction(&f, m, "fill"), CUDA_SUCCESS);
  int maxThreads = 0;
  ASSERT_EQ(d.cuFuncGetAttribute(&maxThreads,
                                 CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, f),
            CUDA_SUCCESS);
  CUdeviceptr buf = 0;
  ASSERT_EQ(d.cuMemAlloc_v2(&buf, 8 * 64), CUDA_SUCCESS);
  int64_t value = 3;
  void *args[] = {&buf, &value};
  EXPECT_EQ(d.cuLaunchKernel(f, 1, 1, 1, unsigned(maxThreads) + 1, 1, 1, 0,
                             nullptr, args, nullptr),
            kInvalidValue);
  EXPECT_EQ(d.cuLaunchKernel(f, 1, 2, 1, 1, 1, 1, 0, nullptr, args, nullptr),
            kInvalidValue);
  EXPECT_EQ(d.cuLaunchKernel(f, 2, 1, 1, 4, 1, 1, 0, nullptr, args, nullptr),
            CUDA_SUCCESS);
  int64_t host[8] = {};
  ASSERT_EQ(d.cuMemcpyDtoHAsync_v2(host, buf, sizeof host, nullptr),
            CUDA_SUCCESS);
  for (int64_t v : host)
    EXPECT_EQ(v, 3);
  EXPECT_EQ(d.cuMemFree_v2(buf), CUDA_SUCCESS);
  EXPECT_EQ(d.cuModuleUnload(m), CUDA_SUCCESS);
  EXPECT_EQ(d.cuModuleUnload(m), kInvalidHandle);
}

TEST_F(FakeDriverLibrary, CaptureAndReplay) {
  CUmodule m = load();
  CUfunction fill = nullptr;
  ASSERT_EQ(d.cuModuleGetFunction(&fill, m, "fill"), CUDA_SUCCESS);
  CUstream s = nullptr;
  ASSERT_EQ(d.cuStreamCreate(&s, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  CUdeviceptr buf = 0;
  ASSERT_EQ(d.cuMemAlloc_v2(&buf, 8 * 4), CUDA_SUCCESS);
  ASSERT_EQ(d.cuMemsetD8Async(buf, 0, 32, s), CUDA_SUCCESS);

  // Synchronising a capturing stream is an error that invalidates the
  // capture; so is allocating.
  ASSERT_EQ(d.cuStreamBeginCapture_v2(s, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
            CUDA_SUCCESS);
  EXPECT_EQ(d.cuStreamSynchronize(s), kCaptureUnsupported);
  CUgraph g = nullptr;
  EXPECT_EQ(d.cuStreamEndCapture(s, &g), kCaptureInvalidated);
  EXPECT_EQ(g, nullptr);
  ASSERT_EQ(d.cuStreamBeginCapture_v2(s, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
            CUDA_SUCCESS);
  CUdeviceptr other = 0;
  EXPECT_EQ(d.cuMemAlloc_v2(&other, 8), kCaptureUnsupported);
  EXPECT_EQ(d.cuStreamEndCapture(s, &g), kCaptureInvalidated);

  // Captured work does not run until the graph is launched, and a replay
  // uses the parameter values of the capture.
  int64_t value = 5;
  void *args[] = {&buf, &value};
  ASSERT_EQ(d.cuStreamBeginCapture_v2(s, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
            CUDA_SUCCESS);
  ASSERT_EQ(d.cuLaunchKernel(fill, 1, 1, 1, 4, 1, 1, 0, s, args, nullptr),
            CUDA_SUCCESS);
  ASSERT_EQ(d.cuStreamEndCapture(s, &g), CUDA_SUCCESS);
  value = 9;
  int64_t host[4] = {-1, -1, -1, -1};
  ASSERT_EQ(d.cuMemcpyDtoHAsync_v2(host, buf, sizeof host, s), CUDA_SUCCESS);
  EXPECT_EQ(host[0], 0);
  CUgraphExec e = nullptr;
  ASSERT_EQ(d.cuGraphInstantiateWithFlags(&e, g, 0), CUDA_SUCCESS);
  ASSERT_EQ(d.cuGraphLaunch(e, s), CUDA_SUCCESS);
  ASSERT_EQ(d.cuStreamSynchronize(s), CUDA_SUCCESS);
  ASSERT_EQ(d.cuMemcpyDtoHAsync_v2(host, buf, sizeof host, s), CUDA_SUCCESS);
  for (int64_t v : host)
    EXPECT_EQ(v, 5);

  EXPECT_EQ(d.cuGraphExecDestroy(e), CUDA_SUCCESS);
  EXPECT_EQ(d.cuGraphDestroy(g), CUDA_SUCCESS);
  EXPECT_EQ(d.cuStreamDestroy_v2(s), CUDA_SUCCESS);
  EXPECT_EQ(d.cuMemFree_v2(buf), CUDA_SUCCESS);
  EXPECT_EQ(d.cuModuleUnload(m), CUDA_SUCCESS);
}

TEST_F(FakeDriverLibrary, BarriersMakeThreadsWait) {
  CUmodule m = load();
  CUfunction rotate = nullptr;
  ASSERT_EQ(d.cuModuleGetFunction(&rotate, m, "rotate"), CUDA_SUCCESS);
  constexpr int n = 16;
  CUdeviceptr buf = 0, out = 0;
  ASSERT_EQ(d.cuMemAlloc_v2(&buf, 8 * n), CUDA_SUCCESS);
  ASSERT_EQ(d.cuMemAlloc_v2(&out, 8 * n), CUDA_SUCCESS);
  void *args[] = {&buf, &out};
  ASSERT_EQ(d.cuLaunchKernel(rotate, 1, 1, 1, n, 1, 1, 0, nullptr, args,
                             nullptr),
            CUDA_SUCCESS);
  int64_t host[n] = {};
  ASSERT_EQ(d.cuMemcpyDtoHAsync_v2(host, out, sizeof host, nullptr),
            CUDA_SUCCESS);
  for (int t = 0; t < n; ++t)
    EXPECT_EQ(host[t], (t + 1) % n + 1) << "thread " << t;
  EXPECT_EQ(d.cuMemFree_v2(buf), CUDA_SUCCESS);
  EXPECT_EQ(d.cuMemFree_v2(out), CUDA_SUCCESS);
  EXPECT_EQ(d.cuModuleUnload(m), CUDA_SUCCESS);
}

} // namespace
