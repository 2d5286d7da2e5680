//===- host_kernels.cpp - Build kernels on host memory --------------------===//

#include "host_kernels.h"

#include <algorithm>
#include <cstring>

namespace snnrt {
namespace detail {

namespace {

MemRefI8 memRef(int8_t *p, int64_t bytes) { return MemRefI8{p, p, 0, bytes, 1}; }

MemRefI8 memRefOf(std::vector<int64_t> &words) {
  return memRef(reinterpret_cast<int8_t *>(words.data()),
                int64_t(words.size() * sizeof(int64_t)));
}

} // namespace

bool HostKernels::runScratch(const GpuKernelRef &k, int64_t seed, int64_t n,
                             std::vector<int64_t> &words, std::string &error,
                             int64_t totalWords, int keepFor) {
  size_t total =
      std::max(words.size(), size_t(std::max<int64_t>(totalWords, 0)));
  if (total == 0)
    return true;
  std::vector<int64_t> scratch(total, 0);
  std::copy(words.begin(), words.end(), scratch.begin());
  MemRefI8 none = memRef(nullptr, 0), buf = memRefOf(scratch);
  if (!launch_(k, &none, &buf, seed, n, error))
    return false;
  std::copy(scratch.begin(), scratch.begin() + ptrdiff_t(words.size()),
            words.begin());
  if (keepFor >= 0)
    kept_[keepFor] = std::move(scratch);
  return true;
}

bool HostKernels::runOnArena(const Network &net, const GpuKernelRef &k,
                             int64_t seed, int64_t n,
                             std::vector<int64_t> &words,
                             std::string &error) {
  // The kernel reads the arena (the run's stored rows) and writes only the
  // scratch.
  MemRefI8 arena = const_cast<Arena &>(net.arena).memref();
  MemRefI8 buf = memRefOf(words);
  return launch_(k, &arena, &buf, seed, n, error);
}

bool HostKernels::runInit(Network &net, std::string &error,
                          const Instead &instead) {
  for (const DeviceInit &init : net.deviceInit) {
    std::string name = deviceInitSubject(net.desc, init) + ": ";
    if (instead && instead(init))
      continue;
    MemRefI8 arena = net.arena.memref(), scratch = memRef(nullptr, 0);
    if (init.keptScratch) {
      auto it = kept_.find(init.projection);
      if (it == kept_.end()) {
        error = name + init.role + " kernel " + init.kernel.kernel +
                ": no kept scratch (the rows kernel did not keep one)";
        return false;
      }
      scratch = memRefOf(it->second);
    }
    if (!launch_(init.kernel, &arena, &scratch, int64_t(net.seed), init.n,
                 error)) {
      error = name + error;
      return false;
    }
  }
  kept_.clear();
  // The values the init kernels drew, checked as the host's.
  return checkInitValues(
      net,
      [&](int buffer, void *dst, std::string &) {
        const ArenaSlot &slot = net.arena.slot(size_t(buffer));
        std::memcpy(dst, net.arena.data() + slot.offset, size_t(slot.bytes));
        return true;
      },
      error);
}

} // namespace detail
} // namespace snnrt
