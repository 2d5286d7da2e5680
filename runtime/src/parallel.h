//===- parallel.h - A minimal parallel-for (internal) -----------*- C++ -*-===//

#ifndef SNNRT_SRC_PARALLEL_H
#define SNNRT_SRC_PARALLEL_H

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <thread>
#include <vector>

namespace snnrt {
namespace detail {

/// Number of worker threads for build-time loops: SNNRT_THREADS when set,
/// else the hardware concurrency.
inline int64_t workerThreads() {
  if (const char *env = std::getenv("SNNRT_THREADS")) {
    long v = std::strtol(env, nullptr, 10);
    if (v >= 1)
      return v;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? int64_t(hw) : 1;
}

/// Calls f(begin, end) on disjoint chunks covering [0, n), on up to
/// workerThreads() threads, with at least `grain` items per chunk. `f` must
/// not throw. Falls back to running chunks inline when a thread cannot be
/// started.
template <typename F> void parallelFor(int64_t n, int64_t grain, F &&f) {
  if (n <= 0)
    return;
  int64_t threads =
      std::min<int64_t>(workerThreads(), std::max<int64_t>(1, n / grain));
  if (threads <= 1) {
    f(int64_t(0), n);
    return;
  }
  int64_t chunk = (n + threads - 1) / threads;
  std::vector<std::thread> pool;
  std::vector<std::pair<int64_t, int64_t>> inline_;
  for (int64_t t = 1; t < threads; ++t) {
    int64_t b = t * chunk, e = std::min(n, b + chunk);
    if (b >= e)
      break;
    try {
      pool.emplace_back([&f, b, e] { f(b, e); });
    } catch (...) {
      inline_.emplace_back(b, e);
    }
  }
  f(int64_t(0), std::min(n, chunk));
  for (auto &r : inline_)
    f(r.first, r.second);
  for (auto &th : pool)
    th.join();
}

} // namespace detail
} // namespace snnrt

#endif // SNNRT_SRC_PARALLEL_H
