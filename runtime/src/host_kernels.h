//===- host_kernels.h - Build kernels on host memory (internal) -*- C++ -*-===//
//
// The two simulators whose generated build kernels run on the host share
// how they run them: the CPU's (snn_build, on real threads; run.cpp) and
// the emulated GPU's (snn_emulate_build, emulated threads; emulate.cpp).
// What differs, the call of one kernel, is the `Launch` they give.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_SRC_HOST_KERNELS_H
#define SNNRT_SRC_HOST_KERNELS_H

#include "snnrt/arena.h"
#include "snnrt/network.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace snnrt {
namespace detail {

class HostKernels {
public:
  /// Runs kernel `k` on (arena, scratch, seed, n); false with `error`.
  using Launch =
      std::function<bool(const GpuKernelRef &k, MemRefI8 *arena,
                         MemRefI8 *scratch, int64_t seed, int64_t n,
                         std::string &error)>;
  /// Does `init` some other way and returns true, or returns false to have
  /// its kernel launched.
  using Instead = std::function<bool(const DeviceInit &init)>;

  explicit HostKernels(Launch launch) : launch_(std::move(launch)) {}

  /// ConnectivityDevice::runScratch on a host scratch of
  /// max(words.size(), totalWords) int64 (`words`, then zeros), kept for
  /// projection `keepFor` when that is >= 0.
  bool runScratch(const GpuKernelRef &k, int64_t seed, int64_t n,
                  std::vector<int64_t> &words, std::string &error,
                  int64_t totalWords, int keepFor);
  /// ConnectivityDevice::runOnArena: kernel `k` on (the arena of `net`, a
  /// host scratch holding `words`), which it may read but not write.
  bool runOnArena(const Network &net, const GpuKernelRef &k, int64_t seed,
                  int64_t n, std::vector<int64_t> &words, std::string &error);
  /// Network::deviceInit in order, on the arena (a kernel marked
  /// keptScratch gets its projection's kept scratch); errors name the
  /// projection. The kept scratches are freed afterwards.
  bool runInit(Network &net, std::string &error,
               const Instead &instead = nullptr);

private:
  Launch launch_;
  /// The kept scratches (runScratch's keepFor), by projection.
  std::map<int, std::vector<int64_t>> kept_;
};

} // namespace detail
} // namespace snnrt

#endif // SNNRT_SRC_HOST_KERNELS_H
