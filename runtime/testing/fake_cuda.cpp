//===- fake_cuda.cpp - A CUDA driver that runs the kernels on the host ----===//
//
// libsnnrt_fakecuda.so exports the driver API functions the runtime uses
// (src/cuda_driver.h), by the same names as libcuda.so.1, and runs a
// simulator's kernels on this CPU: a simulator compiled with
// `snnc --target=cuda --host-kernels` carries host copies of its kernels
// (docs/gpu-abi.md, "Host copies of the kernels"), and
//
//   SNNRT_CUDA_DRIVER=/path/to/libsnnrt_fakecuda.so ./sim
//
// then runs the whole CUDA path of the runtime (device selection, module
// loading, allocations, uploads, device-built connectivity, launches, graph
// capture and replay, the persistent kernel, batched spike read-back,
// the final download) without a GPU.
//
// It is strict where the real driver is, or stricter, so that the runtime's
// mistakes show here and not on the rare machine with a GPU:
//  - calls before cuInit, or without a current context, fail;
//  - device memory starts as garbage (0xA5 bytes), not zeros;
//  - every copy and memset must lie inside one allocation;
//  - the module image must be a cubin or PTX whose kernels are exactly the
//    host copies the executable carries (and, for PTX, with the same number
//    of parameters);
//  - launches check their geometry against the reported limits;
//  - while a stream is being captured, synchronising, allocating, freeing
//    and loading modules fail and invalidate the capture, as in the real
//    driver's thread-local capture mode; captured launches keep their
//    parameter values, captured copies their host pointers;
//  - allocations still live when the primary context is released are
//    reported as leaks.
// Work on a stream runs when it is issued (one stream, pageable host memory:
// the real driver gives the same observable order).
//
// Kernels without barriers run their threads one after another, block by
// block (or blocks on several host threads at once); kernels with barriers (the persistent kernel) run each block's
// threads as real threads that meet at the barriers.
//
// Environment:
//   SNNRT_FAKECUDA_MAX_THREADS  threads per block it reports (default 64)
//   SNNRT_FAKECUDA_SMS          multiprocessors it reports (default 2)
//   SNNRT_FAKECUDA_MEMORY_MIB   device memory it reports (default 4096)
//   SNNRT_FAKECUDA_ORDER        "reverse": blocks and threads of kernels
//                               without barriers run last to first
//   SNNRT_FAKECUDA_WORKERS      N: the blocks of kernels without barriers
//                               run on N host threads at once (default 1),
//                               so the kernels' atomics race for real
//   SNNRT_FAKECUDA_FAIL         "call[:n[:code]]": the n-th call (default 1)
//                               of driver function `call` (its exported
//                               name) fails with `code` (default 2,
//                               CUDA_ERROR_OUT_OF_MEMORY), doing nothing
//   SNNRT_FAKECUDA_STATS        "1": at exit, print how often each function
//                               was called, and the bytes copied each way
//
//===----------------------------------------------------------------------===//

#include "../src/cuda_driver.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <dlfcn.h>
#include <elf.h>

using namespace snnrt::cu;

// The opaque handle types of the driver API, defined here.
namespace snnrt::cu {

/// An entry of the executable's `snn_host_kernels` table.
struct HostKernel {
  const char *name;
  void (*fn)(void **params, void *ctx);
  int64_t params;
  int64_t flags; // bit 0: has barriers
};

/// What a captured stream records, and a graph replays.
struct Node {
  enum Kind { Kernel, HtoD, DtoH, Memset } kind = Kernel;
  CUfunc_st *fn = nullptr;
  unsigned grid = 1, block = 1;
  std::vector<uint64_t> params;
  CUdeviceptr device = 0;
  const void *hostSrc = nullptr;
  void *hostDst = nullptr;
  size_t bytes = 0;
  unsigned char value = 0;
};

struct CUctx_st {
  int refs = 0;
};
struct CUmod_st {
  std::map<std::string, CUfunc_st *> functions; // owned
  CUmod_st() = default;
  CUmod_st(const CUmod_st &) = delete;
  CUmod_st &operator=(const CUmod_st &) = delete;
  ~CUmod_st();
};
struct CUfunc_st {
  std::string name;
  const HostKernel *kernel = nullptr;
  CUmod_st *module = nullptr;
};
inline CUmod_st::~CUmod_st() {
  for (auto &f : functions)
    delete f.second;
}
struct CUgraph_st {
  std::vector<Node> nodes;
};
struct CUgraphExec_st {
  std::vector<Node> nodes;
};
struct CUstream_st {
  bool capturing = false;
  bool invalidated = false;
  CUgraph_st *capture = nullptr;
};

} // namespace snnrt::cu

namespace {

constexpr CUresult kInvalidValue = CUresult(1);
constexpr CUresult kOutOfMemory = CUresult(2);
constexpr CUresult kNotInitialized = CUresult(3);
constexpr CUresult kInvalidDevice = CUresult(101);
constexpr CUresult kInvalidImage = CUresult(200);
constexpr CUresult kInvalidContext = CUresult(201);
constexpr CUresult kNoBinary = CUresult(209);
constexpr CUresult kInvalidHandle = CUresult(400);
constexpr CUresult kIllegalState = CUresult(401);
constexpr CUresult kNotFound = CUresult(500);
constexpr CUresult kCaptureUnsupported = CUresult(900);
constexpr CUresult kCaptureInvalidated = CUresult(901);

struct ErrorText {
  int code;
  const char *name, *text;
};
const ErrorText kErrors[] = {
    {0, "CUDA_SUCCESS", "no error"},
    {1, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {3, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {200, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid"},
    {201, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {209, "CUDA_ERROR_NO_BINARY_FOR_GPU",
     "no kernel image is available for execution on the device"},
    {218, "CUDA_ERROR_INVALID_PTX",
     "a PTX JIT compilation failed"},
    {400, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {401, "CUDA_ERROR_ILLEGAL_STATE",
     "the operation cannot be performed in the present state"},
    {500, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {700, "CUDA_ERROR_ILLEGAL_ADDRESS",
     "an illegal memory access was encountered"},
    {900, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED",
     "operation not permitted when stream is capturing"},
    {901, "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED",
     "operation failed due to a previous error during capture"},
    {999, "CUDA_ERROR_UNKNOWN", "unknown error"},
};

int envInt(const char *name, int fallback, int lo, int hi) {
  const char *v = std::getenv(name);
  if (!v || !*v)
    return fallback;
  char *end = nullptr;
  long x = std::strtol(v, &end, 10);
  if (*end || x < lo || x > hi) {
    std::fprintf(stderr,
                 "fake CUDA driver: %s=%s is not a number in [%d, %d]; "
                 "using %d\n",
                 name, v, lo, hi, fallback);
    return fallback;
  }
  return int(x);
}

/// Everything the driver knows, behind one lock. Kernels run outside it.
struct State {
  std::mutex mutex;
  bool initialized = false;
  int maxThreads = 64, sms = 2;
  uint64_t memory = 0;
  bool reverse = false;
  int workers = 1;
  // Fault injection.
  std::string failCall;
  long failAt = 1;
  int failCode = 2;
  bool stats = false;
  std::map<std::string, long> calls;
  uint64_t bytesHtoD = 0, bytesDtoH = 0;

  CUctx_st context;
  std::map<uintptr_t, size_t> allocations; // base -> bytes
  uint64_t allocated = 0;
  std::set<CUmod_st *> modules;
  std::set<CUstream_st *> streams;
  std::set<CUgraph_st *> graphs;
  std::set<CUgraphExec_st *> execs;

  State() {
    maxThreads = envInt("SNNRT_FAKECUDA_MAX_THREADS", 64, 1, 1024);
    sms = envInt("SNNRT_FAKECUDA_SMS", 2, 1, 1024);
    memory = uint64_t(envInt("SNNRT_FAKECUDA_MEMORY_MIB", 4096, 1, 1 << 20))
             << 20;
    const char *order = std::getenv("SNNRT_FAKECUDA_ORDER");
    reverse = order && std::strcmp(order, "reverse") == 0;
    workers = envInt("SNNRT_FAKECUDA_WORKERS", 1, 1, 256);
    if (const char *f = std::getenv("SNNRT_FAKECUDA_FAIL"); f && *f) {
      std::string spec = f;
      size_t a = spec.find(':');
      failCall = spec.substr(0, a);
      if (a != std::string::npos) {
        size_t b = spec.find(':', a + 1);
        failAt = std::atol(spec.substr(a + 1, b - a - 1).c_str());
        if (b != std::string::npos)
          failCode = std::atoi(spec.substr(b + 1).c_str());
      }
    }
    const char *s = std::getenv("SNNRT_FAKECUDA_STATS");
    stats = s && std::strcmp(s, "1") == 0;
  }
  ~State() {
    if (!stats)
      return;
    std::fprintf(stderr, "fake CUDA driver: calls:");
    for (const auto &c : calls)
      std::fprintf(stderr, " %s=%ld", c.first.c_str(), c.second);
    std::fprintf(stderr, "\nfake CUDA driver: bytes host-to-device=%llu "
                         "device-to-host=%llu\n",
                 (unsigned long long)bytesHtoD, (unsigned long long)bytesDtoH);
  }
};

State &state() {
  static State s;
  return s;
}

thread_local CUcontext current = nullptr;

/// Counts the call; true when fault injection makes it fail.
bool injected(State &s, const char *call) {
  long n = ++s.calls[call];
  return !s.failCall.empty() && s.failCall == call && n == s.failAt;
}

#define ENTER(call)                                                            \
  State &s = state();                                                          \
  std::unique_lock<std::mutex> lock(s.mutex);                                  \
  if (injected(s, call))                                                       \
    return CUresult(s.failCode);

#define NEED_INIT()                                                            \
  if (!s.initialized)                                                          \
    return kNotInitialized;

#define NEED_CONTEXT()                                                         \
  NEED_INIT();                                                                 \
  if (!current || current != &s.context || s.context.refs <= 0)                \
    return kInvalidContext;

void complain(const char *call, const std::string &what) {
  std::fprintf(stderr, "fake CUDA driver: %s: %s\n", call, what.c_str());
}

/// True when [ptr, ptr + bytes) lies inside one allocation.
bool inside(const State &s, CUdeviceptr ptr, size_t bytes) {
  auto it = s.allocations.upper_bound(uintptr_t(ptr));
  if (it == s.allocations.begin())
    return false;
  --it;
  return uintptr_t(ptr) >= it->first &&
         uintptr_t(ptr) + bytes <= it->first + it->second;
}

bool checkRange(const State &s, const char *call, CUdeviceptr ptr,
                size_t bytes) {
  if (bytes == 0 || inside(s, ptr, bytes))
    return true;
  char buf[128];
  std::snprintf(buf, sizeof buf, "[0x%llx, +%zu) is not inside one allocation",
                (unsigned long long)ptr, bytes);
  complain(call, buf);
  return false;
}

/// A capture of `stream` was broken by `call`.
CUresult breakCapture(State &s, const char *call) {
  for (CUstream_st *st : s.streams)
    if (st->capturing)
      st->invalidated = true;
  complain(call, "not permitted while a stream is being captured");
  return kCaptureUnsupported;
}

bool anyCapturing(const State &s) {
  for (CUstream_st *st : s.streams)
    if (st->capturing)
      return true;
  return false;
}

CUresult checkStream(const State &s, CUstream stream) {
  if (stream && !s.streams.count(stream))
    return kInvalidHandle;
  return CUDA_SUCCESS;
}

// --- Running kernels ---------------------------------------------------------

/// What a host copy of a kernel reads its thread from (docs/gpu-abi.md).
struct ThreadCtx {
  int64_t thread, block, blockDim, gridDim;
  void (*barrier)(void *ctx);
  struct Block *owner;
};

/// One block's barrier; a thread that returns no longer takes part.
struct Block {
  std::mutex mutex;
  std::condition_variable cv;
  int64_t expected = 0, arrived = 0, generation = 0;
  const char *kernel = "";

  void release() {
    arrived = 0;
    ++generation;
    cv.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mutex);
    int64_t gen = generation;
    if (++arrived == expected) {
      release();
      return;
    }
    if (!cv.wait_for(lock, std::chrono::seconds(300),
                     [&] { return generation != gen; })) {
      std::fprintf(stderr,
                   "fake CUDA driver: kernel %s: threads waited 300 s at a "
                   "barrier that not all threads reach\n",
                   kernel);
      std::abort();
    }
  }
  void leave() {
    std::lock_guard<std::mutex> lock(mutex);
    --expected;
    if (expected > 0 && arrived == expected)
      release();
  }
};

void barrierEntry(void *ctx) { static_cast<ThreadCtx *>(ctx)->owner->wait(); }

/// The barrier of a kernel whose table entry says it has none: its threads
/// run one after another, so a barrier cannot be honoured.
void barrierMissing(void *) {
  std::fprintf(stderr, "fake CUDA driver: a kernel without the barrier flag "
                       "in snn_host_kernels called a barrier\n");
  std::abort();
}

void runKernel(const Node &n) {
  const HostKernel &k = *n.fn->kernel;
  std::vector<uint64_t> values = n.params;
  std::vector<void *> argv(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    argv[i] = &values[i];
  void **params = argv.empty() ? nullptr : argv.data();
  bool reverse = state().reverse;
  if (!(k.flags & 1)) {
    // Worker w runs blocks w, w + W, ...; each block's threads one after
    // another (last to first with `reverse`).
    auto blocks = [&](unsigned w, unsigned workers) {
      for (unsigned bi = w; bi < n.grid; bi += workers) {
        unsigned b = reverse ? n.grid - 1 - bi : bi;
        for (unsigned ti = 0; ti < n.block; ++ti) {
          unsigned t = reverse ? n.block - 1 - ti : ti;
          ThreadCtx ctx{t, b, n.block, n.grid, barrierMissing, nullptr};
          k.fn(params, &ctx);
        }
      }
    };
    unsigned workers = std::min<unsigned>(unsigned(state().workers), n.grid);
    if (workers <= 1) {
      blocks(0, 1);
      return;
    }
    std::vector<std::thread> pool;
    for (unsigned w = 0; w < workers; ++w)
      pool.emplace_back(blocks, w, workers);
    for (std::thread &th : pool)
      th.join();
    return;
  }
  for (unsigned b = 0; b < n.grid; ++b) {
    Block block;
    block.expected = n.block;
    block.kernel = k.name;
    std::vector<std::thread> threads;
    threads.reserve(n.block);
    for (unsigned t = 0; t < n.block; ++t)
      threads.emplace_back([&, t] {
        ThreadCtx ctx{t, b, n.block, n.grid, barrierEntry, &block};
        k.fn(params, &ctx);
        block.leave();
      });
    for (std::thread &th : threads)
      th.join();
  }
}

void runNode(State &s, const Node &n) {
  switch (n.kind) {
  case Node::Kernel:
    runKernel(n);
    break;
  case Node::HtoD:
    std::memcpy(reinterpret_cast<void *>(n.device), n.hostSrc, n.bytes);
    s.bytesHtoD += n.bytes;
    break;
  case Node::DtoH:
    std::memcpy(n.hostDst, reinterpret_cast<const void *>(n.device), n.bytes);
    s.bytesDtoH += n.bytes;
    break;
  case Node::Memset:
    std::memset(reinterpret_cast<void *>(n.device), n.value, n.bytes);
    break;
  }
}

/// Runs `n` now, or records it when `stream` is being captured.
CUresult issue(State &s, std::unique_lock<std::mutex> &lock, CUstream stream,
               Node n) {
  if (stream && stream->capturing) {
    stream->capture->nodes.push_back(std::move(n));
    return CUDA_SUCCESS;
  }
  if (n.kind == Node::Kernel)
    lock.unlock(); // kernels run without the lock
  runNode(s, n);
  return CUDA_SUCCESS;
}

// --- Reading the module image ------------------------------------------------

/// The kernels a PTX text declares, with their parameter counts.
bool ptxKernels(const char *text, std::map<std::string, int64_t> &kernels,
                std::string &why) {
  std::string ptx = text;
  if (ptx.find(".version") == std::string::npos ||
      ptx.find(".target") == std::string::npos) {
    why = "the image is neither a cubin (ELF) nor PTX text";
    return false;
  }
  size_t at = 0;
  while ((at = ptx.find(".entry", at)) != std::string::npos) {
    at += 6;
    size_t nameBegin = ptx.find_first_not_of(" \t", at);
    size_t nameEnd = ptx.find_first_of("( \t\n", nameBegin);
    if (nameBegin == std::string::npos || nameEnd == std::string::npos) {
      why = "a malformed .entry in the PTX";
      return false;
    }
    std::string name = ptx.substr(nameBegin, nameEnd - nameBegin);
    size_t open = ptx.find('(', nameEnd), close = ptx.find(')', nameEnd);
    int64_t params = 0;
    if (open != std::string::npos && close != std::string::npos &&
        open < close && ptx.find('{', nameEnd) > open) {
      for (size_t p = open; (p = ptx.find(".param", p)) < close; p += 6)
        ++params;
    }
    kernels[name] = params;
    at = nameEnd;
  }
  return true;
}

/// The global functions an ELF cubin defines (its kernels), with unknown
/// parameter counts (-1).
bool cubinKernels(const unsigned char *image,
                  std::map<std::string, int64_t> &kernels, std::string &why) {
  const auto *eh = reinterpret_cast<const Elf64_Ehdr *>(image);
  if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(Elf64_Shdr)) {
    why = "the cubin is not a 64-bit ELF image";
    return false;
  }
  const auto *sh = reinterpret_cast<const Elf64_Shdr *>(image + eh->e_shoff);
  for (unsigned i = 0; i < eh->e_shnum; ++i) {
    if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
      continue;
    const char *names =
        reinterpret_cast<const char *>(image + sh[sh[i].sh_link].sh_offset);
    const auto *sym = reinterpret_cast<const Elf64_Sym *>(image + sh[i].sh_offset);
    size_t count = sh[i].sh_size / sizeof(Elf64_Sym);
    for (size_t j = 0; j < count; ++j)
      if (ELF64_ST_TYPE(sym[j].st_info) == STT_FUNC &&
          ELF64_ST_BIND(sym[j].st_info) == STB_GLOBAL && sym[j].st_shndx != 0)
        kernels[names + sym[j].st_name] = -1;
  }
  if (kernels.empty()) {
    why = "the cubin defines no kernels";
    return false;
  }
  return true;
}

CUresult loadModule(State &s, CUmodule *module, const void *image,
                    std::string &why) {
  if (!module || !image)
    return kInvalidValue;
  std::map<std::string, int64_t> declared;
  const auto *bytes = static_cast<const unsigned char *>(image);
  bool elf = std::memcmp(bytes, ELFMAG, SELFMAG) == 0;
  if (!(elf ? cubinKernels(bytes, declared, why)
            : ptxKernels(static_cast<const char *>(image), declared, why)))
    return kInvalidImage;
  const auto *table = static_cast<const HostKernel *>(
      ::dlsym(RTLD_DEFAULT, "snn_host_kernels"));
  if (!table) {
    why = "the executable has no host copies of its kernels (no exported "
          "snn_host_kernels): compile the model with snnc --target=cuda "
          "--host-kernels to run it on the fake driver";
    return kNoBinary;
  }
  std::map<std::string, const HostKernel *> host;
  for (const HostKernel *k = table; k->name; ++k)
    host[k->name] = k;
  auto m = std::make_unique<CUmod_st>();
  for (const auto &d : declared) {
    auto it = host.find(d.first);
    if (it == host.end()) {
      why = "kernel " + d.first + " of the image has no host copy";
      return kInvalidImage;
    }
    if (d.second >= 0 && d.second != it->second->params) {
      why = "kernel " + d.first + " takes " + std::to_string(d.second) +
            " parameters in the image but " +
            std::to_string(it->second->params) + " in its host copy";
      return kInvalidImage;
    }
    auto *f = new CUfunc_st;
    f->name = d.first;
    f->kernel = it->second;
    f->module = m.get();
    m->functions[d.first] = f;
  }
  for (const auto &h : host)
    if (!declared.count(h.first)) {
      why = "host kernel " + h.first +
            " is not in the image (the image and the host copies come from "
            "different compilations)";
      return kInvalidImage;
    }
  *module = m.release();
  s.modules.insert(*module);
  return CUDA_SUCCESS;
}

void freeModule(CUmod_st *m) { delete m; }

} // namespace

// --- The exported driver API -------------------------------------------------

extern "C" {

CUresult cuGetErrorName(CUresult r, const char **name) {
  if (!name)
    return kInvalidValue;
  for (const ErrorText &e : kErrors)
    if (e.code == int(r)) {
      *name = e.name;
      return CUDA_SUCCESS;
    }
  *name = nullptr;
  return kInvalidValue;
}

CUresult cuGetErrorString(CUresult r, const char **text) {
  if (!text)
    return kInvalidValue;
  for (const ErrorText &e : kErrors)
    if (e.code == int(r)) {
      *text = e.text;
      return CUDA_SUCCESS;
    }
  *text = nullptr;
  return kInvalidValue;
}

CUresult cuInit(unsigned int flags) {
  ENTER("cuInit");
  if (flags != 0)
    return kInvalidValue;
  s.initialized = true;
  return CUDA_SUCCESS;
}

CUresult cuDriverGetVersion(int *version) {
  if (!version)
    return kInvalidValue;
  *version = 13000;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int *count) {
  ENTER("cuDeviceGetCount");
  NEED_INIT();
  if (!count)
    return kInvalidValue;
  *count = 1;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice *dev, int ordinal) {
  ENTER("cuDeviceGet");
  NEED_INIT();
  if (!dev)
    return kInvalidValue;
  if (ordinal != 0)
    return kInvalidDevice;
  *dev = 0;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char *name, int len, CUdevice dev) {
  ENTER("cuDeviceGetName");
  NEED_INIT();
  if (dev != 0)
    return kInvalidDevice;
  if (!name || len <= 0)
    return kInvalidValue;
  std::snprintf(name, size_t(len), "snnrt fake CUDA device (host)");
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int *value, CUdevice_attribute a, CUdevice dev) {
  ENTER("cuDeviceGetAttribute");
  NEED_INIT();
  if (dev != 0)
    return kInvalidDevice;
  if (!value)
    return kInvalidValue;
  switch (a) {
  case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK:
    *value = s.maxThreads;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT:
    *value = s.sms;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_KERNEL_EXEC_TIMEOUT:
    *value = 0;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_MODE:
    *value = CU_COMPUTEMODE_DEFAULT;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR:
    *value = 9;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR:
    *value = 0;
    return CUDA_SUCCESS;
  }
  return kInvalidValue;
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev) {
  ENTER("cuDeviceTotalMem_v2");
  NEED_INIT();
  if (dev != 0)
    return kInvalidDevice;
  if (!bytes)
    return kInvalidValue;
  *bytes = size_t(s.memory);
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext *ctx, CUdevice dev) {
  ENTER("cuDevicePrimaryCtxRetain");
  NEED_INIT();
  if (dev != 0)
    return kInvalidDevice;
  if (!ctx)
    return kInvalidValue;
  ++s.context.refs;
  *ctx = &s.context;
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev) {
  ENTER("cuDevicePrimaryCtxRelease_v2");
  NEED_INIT();
  if (dev != 0)
    return kInvalidDevice;
  if (s.context.refs <= 0)
    return kInvalidContext;
  if (--s.context.refs > 0)
    return CUDA_SUCCESS;
  // The last release destroys the context and everything in it.
  uint64_t leaked = 0;
  for (const auto &a : s.allocations) {
    leaked += a.second;
    std::free(reinterpret_cast<void *>(a.first));
  }
  if (!s.allocations.empty())
    std::fprintf(stderr,
                 "fake CUDA driver: leak: %zu allocations (%llu bytes) were "
                 "never freed\n",
                 s.allocations.size(), (unsigned long long)leaked);
  if (!s.modules.empty() || !s.streams.empty() || !s.graphs.empty() ||
      !s.execs.empty())
    std::fprintf(stderr,
                 "fake CUDA driver: leak: %zu modules, %zu streams, %zu "
                 "graphs and %zu graph executables were never destroyed\n",
                 s.modules.size(), s.streams.size(), s.graphs.size(),
                 s.execs.size());
  s.allocations.clear();
  s.allocated = 0;
  for (CUmod_st *m : s.modules)
    freeModule(m);
  s.modules.clear();
  for (CUstream_st *st : s.streams) {
    delete st->capture;
    delete st;
  }
  s.streams.clear();
  for (CUgraph_st *g : s.graphs)
    delete g;
  s.graphs.clear();
  for (CUgraphExec_st *e : s.execs)
    delete e;
  s.execs.clear();
  return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(CUcontext ctx) {
  ENTER("cuCtxSetCurrent");
  NEED_INIT();
  if (ctx && (ctx != &s.context || s.context.refs <= 0))
    return kInvalidContext;
  current = ctx;
  return CUDA_SUCCESS;
}

CUresult cuModuleLoadDataEx(CUmodule *module, const void *image,
                            unsigned int count, CUjit_option *options,
                            void **values) {
  ENTER("cuModuleLoadDataEx");
  NEED_CONTEXT();
  if (anyCapturing(s))
    return breakCapture(s, "cuModuleLoadDataEx");
  if (count > 0 && (!options || !values))
    return kInvalidValue;
  std::string why;
  CUresult r = loadModule(s, module, image, why);
  if (r == CUDA_SUCCESS)
    return r;
  complain("cuModuleLoadDataEx", why);
  char *log = nullptr;
  size_t size = 0;
  for (unsigned i = 0; i < count; ++i) {
    if (options[i] == CU_JIT_ERROR_LOG_BUFFER)
      log = static_cast<char *>(values[i]);
    if (options[i] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES)
      size = size_t(reinterpret_cast<uintptr_t>(values[i]));
  }
  if (log && size > 0)
    std::snprintf(log, size, "fake CUDA driver: %s", why.c_str());
  return r;
}

CUresult cuModuleLoadData(CUmodule *module, const void *image) {
  ENTER("cuModuleLoadData");
  NEED_CONTEXT();
  if (anyCapturing(s))
    return breakCapture(s, "cuModuleLoadData");
  std::string why;
  CUresult r = loadModule(s, module, image, why);
  if (r != CUDA_SUCCESS)
    complain("cuModuleLoadData", why);
  return r;
}

CUresult cuModuleUnload(CUmodule module) {
  ENTER("cuModuleUnload");
  NEED_CONTEXT();
  if (!s.modules.erase(module))
    return kInvalidHandle;
  freeModule(module);
  return CUDA_SUCCESS;
}

CUresult cuModuleGetFunction(CUfunction *fn, CUmodule module,
                             const char *name) {
  ENTER("cuModuleGetFunction");
  NEED_CONTEXT();
  if (!fn || !name)
    return kInvalidValue;
  if (!s.modules.count(module))
    return kInvalidHandle;
  auto it = module->functions.find(name);
  if (it == module->functions.end())
    return kNotFound;
  *fn = it->second;
  return CUDA_SUCCESS;
}

CUresult cuFuncGetAttribute(int *value, CUfunction_attribute a,
                            CUfunction fn) {
  ENTER("cuFuncGetAttribute");
  NEED_CONTEXT();
  if (!value || !fn || !s.modules.count(fn->module))
    return fn ? kInvalidHandle : kInvalidValue;
  switch (a) {
  case CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK:
    *value = s.maxThreads;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_NUM_REGS:
    *value = 32;
    return CUDA_SUCCESS;
  }
  return kInvalidValue;
}

CUresult cuMemGetInfo_v2(size_t *freeBytes, size_t *totalBytes) {
  ENTER("cuMemGetInfo_v2");
  NEED_CONTEXT();
  if (!freeBytes || !totalBytes)
    return kInvalidValue;
  *totalBytes = size_t(s.memory);
  *freeBytes = size_t(s.memory - std::min(s.memory, s.allocated));
  return CUDA_SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t bytes) {
  ENTER("cuMemAlloc_v2");
  NEED_CONTEXT();
  if (!ptr || bytes == 0)
    return kInvalidValue;
  if (anyCapturing(s))
    return breakCapture(s, "cuMemAlloc_v2");
  if (bytes > s.memory - std::min(s.memory, s.allocated))
    return kOutOfMemory;
  size_t rounded = (bytes + 255) / 256 * 256;
  void *p = std::aligned_alloc(256, rounded);
  if (!p)
    return kOutOfMemory;
  std::memset(p, 0xA5, rounded); // device memory is not zeroed
  s.allocations[uintptr_t(p)] = bytes;
  s.allocated += bytes;
  *ptr = CUdeviceptr(uintptr_t(p));
  return CUDA_SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr ptr) {
  ENTER("cuMemFree_v2");
  NEED_CONTEXT();
  if (anyCapturing(s))
    return breakCapture(s, "cuMemFree_v2");
  if (ptr == 0)
    return CUDA_SUCCESS;
  auto it = s.allocations.find(uintptr_t(ptr));
  if (it == s.allocations.end()) {
    complain("cuMemFree_v2", "not the start of an allocation");
    return kInvalidValue;
  }
  s.allocated -= it->second;
  std::free(reinterpret_cast<void *>(it->first));
  s.allocations.erase(it);
  return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t bytes,
                              CUstream stream) {
  ENTER("cuMemcpyHtoDAsync_v2");
  NEED_CONTEXT();
  if (CUresult r = checkStream(s, stream))
    return r;
  if ((bytes && !src) || !checkRange(s, "cuMemcpyHtoDAsync_v2", dst, bytes))
    return kInvalidValue;
  Node n;
  n.kind = Node::HtoD;
  n.device = dst;
  n.hostSrc = src;
  n.bytes = bytes;
  return issue(s, lock, stream, std::move(n));
}

CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t bytes,
                              CUstream stream) {
  ENTER("cuMemcpyDtoHAsync_v2");
  NEED_CONTEXT();
  if (CUresult r = checkStream(s, stream))
    return r;
  if ((bytes && !dst) || !checkRange(s, "cuMemcpyDtoHAsync_v2", src, bytes))
    return kInvalidValue;
  Node n;
  n.kind = Node::DtoH;
  n.device = src;
  n.hostDst = dst;
  n.bytes = bytes;
  return issue(s, lock, stream, std::move(n));
}

CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t bytes,
                         CUstream stream) {
  ENTER("cuMemsetD8Async");
  NEED_CONTEXT();
  if (CUresult r = checkStream(s, stream))
    return r;
  if (!checkRange(s, "cuMemsetD8Async", dst, bytes))
    return kInvalidValue;
  Node n;
  n.kind = Node::Memset;
  n.device = dst;
  n.value = value;
  n.bytes = bytes;
  return issue(s, lock, stream, std::move(n));
}

CUresult cuStreamCreate(CUstream *stream, unsigned int flags) {
  ENTER("cuStreamCreate");
  NEED_CONTEXT();
  if (!stream || (flags & ~CU_STREAM_NON_BLOCKING))
    return kInvalidValue;
  *stream = new CUstream_st;
  s.streams.insert(*stream);
  return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream stream) {
  ENTER("cuStreamDestroy_v2");
  NEED_CONTEXT();
  if (!s.streams.erase(stream))
    return kInvalidHandle;
  delete stream->capture;
  delete stream;
  return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream stream) {
  ENTER("cuStreamSynchronize");
  NEED_CONTEXT();
  if (CUresult r = checkStream(s, stream))
    return r;
  if (stream && stream->capturing)
    return breakCapture(s, "cuStreamSynchronize");
  return CUDA_SUCCESS; // work ran when it was issued
}

CUresult cuLaunchKernel(CUfunction fn, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz,
                        unsigned sharedBytes, CUstream stream, void **params,
                        void **extra) {
  ENTER("cuLaunchKernel");
  NEED_CONTEXT();
  if (!fn || !s.modules.count(fn->module))
    return kInvalidHandle;
  if (CUresult r = checkStream(s, stream))
    return r;
  const HostKernel &k = *fn->kernel;
  std::string why;
  if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0)
    why = "a grid or block dimension is 0";
  else if (gy != 1 || gz != 1 || by != 1 || bz != 1)
    why = "the fake driver runs one-dimensional grids and blocks only";
  else if (int64_t(bx) > s.maxThreads)
    why = "a block of " + std::to_string(bx) + " threads, over the limit of " +
          std::to_string(s.maxThreads);
  else if (sharedBytes != 0)
    why = "dynamic shared memory, which the kernels do not use";
  else if (extra)
    why = "parameters passed through `extra`";
  else if (k.params > 0 && !params)
    why = "no kernelParams for a kernel with parameters";
  if (!why.empty()) {
    complain("cuLaunchKernel", std::string(k.name) + ": " + why);
    return kInvalidValue;
  }
  Node n;
  n.kind = Node::Kernel;
  n.fn = fn;
  n.grid = gx;
  n.block = bx;
  n.params.resize(size_t(k.params));
  for (int64_t i = 0; i < k.params; ++i) {
    if (!params[i]) {
      complain("cuLaunchKernel", std::string(k.name) + ": kernelParams[" +
                                     std::to_string(i) + "] is null");
      return kInvalidValue;
    }
    std::memcpy(&n.params[size_t(i)], params[i], sizeof(uint64_t));
  }
  return issue(s, lock, stream, std::move(n));
}

CUresult cuStreamBeginCapture_v2(CUstream stream, CUstreamCaptureMode mode) {
  ENTER("cuStreamBeginCapture_v2");
  NEED_CONTEXT();
  if (!stream)
    return kCaptureUnsupported; // the legacy stream cannot be captured
  if (CUresult r = checkStream(s, stream))
    return r;
  if (mode != CU_STREAM_CAPTURE_MODE_GLOBAL &&
      mode != CU_STREAM_CAPTURE_MODE_THREAD_LOCAL &&
      mode != CU_STREAM_CAPTURE_MODE_RELAXED)
    return kInvalidValue;
  if (stream->capturing)
    return kIllegalState;
  stream->capturing = true;
  stream->invalidated = false;
  stream->capture = new CUgraph_st;
  return CUDA_SUCCESS;
}

CUresult cuStreamEndCapture(CUstream stream, CUgraph *graph) {
  ENTER("cuStreamEndCapture");
  NEED_CONTEXT();
  if (!graph)
    return kInvalidValue;
  if (CUresult r = checkStream(s, stream))
    return r;
  if (!stream || !stream->capturing)
    return kIllegalState;
  stream->capturing = false;
  CUgraph_st *g = stream->capture;
  stream->capture = nullptr;
  if (stream->invalidated) {
    delete g;
    *graph = nullptr;
    return kCaptureInvalidated;
  }
  s.graphs.insert(g);
  *graph = g;
  return CUDA_SUCCESS;
}

CUresult cuGraphInstantiateWithFlags(CUgraphExec *exec, CUgraph graph,
                                     unsigned long long flags) {
  ENTER("cuGraphInstantiateWithFlags");
  NEED_CONTEXT();
  if (!exec || flags != 0)
    return kInvalidValue;
  if (!s.graphs.count(graph))
    return kInvalidHandle;
  auto *e = new CUgraphExec_st;
  e->nodes = graph->nodes; // an executable graph is a snapshot
  s.execs.insert(e);
  *exec = e;
  return CUDA_SUCCESS;
}

CUresult cuGraphLaunch(CUgraphExec exec, CUstream stream) {
  ENTER("cuGraphLaunch");
  NEED_CONTEXT();
  if (!s.execs.count(exec))
    return kInvalidHandle;
  if (CUresult r = checkStream(s, stream))
    return r;
  if (stream && stream->capturing)
    return breakCapture(s, "cuGraphLaunch");
  std::vector<Node> nodes = exec->nodes;
  lock.unlock();
  for (const Node &n : nodes) {
    if (n.kind == Node::Kernel) {
      runNode(s, n);
    } else {
      std::lock_guard<std::mutex> again(s.mutex);
      runNode(s, n);
    }
  }
  return CUDA_SUCCESS;
}

CUresult cuGraphExecDestroy(CUgraphExec exec) {
  ENTER("cuGraphExecDestroy");
  NEED_CONTEXT();
  if (!s.execs.erase(exec))
    return kInvalidHandle;
  delete exec;
  return CUDA_SUCCESS;
}

CUresult cuGraphDestroy(CUgraph graph) {
  ENTER("cuGraphDestroy");
  NEED_CONTEXT();
  if (!s.graphs.erase(graph))
    return kInvalidHandle;
  delete graph;
  return CUDA_SUCCESS;
}

} // extern "C"
