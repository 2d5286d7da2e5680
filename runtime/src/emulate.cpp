//===- emulate.cpp - The emulated GPU backend -----------------------------===//

#include "snnrt/emulate.h"
#include "snnrt/network.h"

#include "host_kernels.h"
#include "run_internal.h"

#include <cstring>

#include <nlohmann/json.hpp>

namespace snnrt {

namespace {

using detail::Clock;
using detail::secondsSince;

/// Device memory is the network's own arena: upload and download copy
/// nothing, and the kernels' host versions run on it directly.
class EmulatedBackend : public StepBackend, public ConnectivityDevice {
public:
  EmulatedBackend(EmulateStepFn step, EmulateBuildFn build, int64_t nthreads,
                  int64_t buildThreads)
      : step_(step), build_(build), nthreads_(nthreads),
        buildThreads_(buildThreads > 0 ? buildThreads : nthreads),
        kernels_([this](const GpuKernelRef &k, MemRefI8 *arena,
                        MemRefI8 *scratch, int64_t seed, int64_t n,
                        std::string &error) {
          if (!checkBuild(k, error))
            return false;
          build_(arena, scratch, seed, n, k.emulate, buildThreads_);
          return true;
        }) {}

  ConnectivityDevice *connectivityDevice() override {
    return build_ ? this : nullptr;
  }

  bool runScratch(const GpuKernelRef &k, int64_t seed, int64_t n,
                  std::vector<int64_t> &words, std::string &error,
                  int64_t totalWords, int keepFor) override {
    if (!checkBuild(k, error))
      return false;
    auto t0 = Clock::now();
    if (!kernels_.runScratch(k, seed, n, words, error, totalWords, keepFor))
      return false;
    if (!words.empty() || totalWords > 0) {
      scratchSeconds_ += secondsSince(t0);
      ++scratchRuns_;
    }
    return true;
  }

  bool runOnArena(const Network &net, const GpuKernelRef &k, int64_t seed,
                  int64_t n, std::vector<int64_t> &words,
                  std::string &error) override {
    // The emulated device's arena is the host's.
    return checkBuild(k, error) &&
           kernels_.runOnArena(net, k, seed, n, words, error);
  }

  bool upload(Network &net, std::string &error) override {
    if (!step_) {
      error = "no emulated step function";
      return false;
    }
    if (nthreads_ < 1) {
      error = "invalid number of emulated threads " +
              std::to_string(nthreads_) + " (expected at least 1)";
      return false;
    }
    net_ = &net;
    // The device-written buffers are the host's (zero) ones: the kernels
    // write them in place.
    auto t0 = Clock::now();
    if (!kernels_.runInit(net, error))
      return false;
    initSeconds_ = secondsSince(t0);
    net.connectivitySeconds += initSeconds_;
    return true;
  }

  bool runSteps(int64_t first, int64_t count, std::string &error) override {
    if (!net_) {
      error = "emulated backend: steps run before upload";
      return false;
    }
    const int64_t seed = int64_t(net_->seed);
    for (int64_t s = first; s < first + count; ++s) {
      MemRefI8 arena = net_->arena.memref();
      step_(&arena, seed, s & 1, nthreads_);
    }
    return true;
  }

  bool read(int buffer, uint64_t first, uint64_t count, void *dst,
            std::string &error) override {
    uint64_t offset = 0, bytes = 0;
    if (!net_ ||
        !bufferByteRange(*net_, buffer, first, count, offset, bytes, error)) {
      error = "emulated backend: reading: " +
              (net_ ? error : std::string("no arena"));
      return false;
    }
    // The host's arena is the device's: reading into it is a no-op.
    if (bytes && dst != net_->arena.data() + offset)
      std::memmove(dst, net_->arena.data() + offset, size_t(bytes));
    return true;
  }

  bool write(int buffer, uint64_t first, uint64_t count, const void *src,
             std::string &error) override {
    uint64_t offset = 0, bytes = 0;
    if (!net_ ||
        !bufferByteRange(*net_, buffer, first, count, offset, bytes, error)) {
      error = "emulated backend: writing: " +
              (net_ ? error : std::string("no arena"));
      return false;
    }
    if (bytes && src != net_->arena.data() + offset)
      std::memmove(net_->arena.data() + offset, src, size_t(bytes));
    return true;
  }

  bool zero(int buffer, std::string &error) override {
    uint64_t offset = 0, bytes = 0;
    if (!net_ || buffer < 0 || size_t(buffer) >= net_->arena.numBuffers() ||
        !bufferByteRange(*net_, buffer, 0,
                         net_->arena.slot(size_t(buffer)).count, offset, bytes,
                         error)) {
      error = "emulated backend: zeroing buffer " + std::to_string(buffer) +
              (net_ ? "" : ": no arena");
      return false;
    }
    if (bytes)
      std::memset(net_->arena.data() + offset, 0, size_t(bytes));
    return true;
  }

  bool download(Network &net, bool, std::string &error) override {
    if (&net != net_) {
      error = "emulated backend: download into a network that was not "
              "uploaded";
      return false;
    }
    return true; // the arena is already the host's
  }

  BackendReport report() const override {
    BackendReport r;
    r.target = "cuda-emulate";
    r.summary = "cuda-emulate (GPU code on the CPU), " +
                std::to_string(nthreads_) + " emulated threads";
    nlohmann::ordered_json j;
    j["target"] = r.target;
    j["threads"] = nthreads_;
    j["build_threads"] = buildThreads_;
    if (scratchRuns_ || (net_ && !net_->deviceInit.empty()))
      j["build_kernels"] = {{"scratch_runs", scratchRuns_},
                            {"scratch_seconds", scratchSeconds_},
                            {"arena_runs", net_ ? net_->deviceInit.size() : 0},
                            {"arena_seconds", initSeconds_}};
    r.json = j.dump();
    return r;
  }

private:
  EmulateStepFn step_;
  EmulateBuildFn build_;
  int64_t nthreads_, buildThreads_;
  Network *net_ = nullptr;
  int64_t scratchRuns_ = 0;
  double scratchSeconds_ = 0, initSeconds_ = 0;
  detail::HostKernels kernels_;

  bool checkBuild(const GpuKernelRef &k, std::string &error) const {
    if (!build_) {
      error = "build kernel " + k.kernel + ": no emulated build function";
      return false;
    }
    if (buildThreads_ < 1) {
      error = "invalid number of emulated threads " +
              std::to_string(buildThreads_) + " (expected at least 1)";
      return false;
    }
    if (k.emulate < 0) {
      error = "build kernel " + k.kernel + " has no emulated version";
      return false;
    }
    return true;
  }
};

} // namespace

std::unique_ptr<StepBackend> makeEmulatedBackend(EmulateStepFn step,
                                                 EmulateBuildFn build,
                                                 int64_t nthreads,
                                                 int64_t buildThreads) {
  return std::make_unique<EmulatedBackend>(step, build, nthreads,
                                           buildThreads);
}

bool runEmulatedSimulation(const std::string &descriptorJson,
                           EmulateStepFn step, EmulateBuildFn build,
                           int64_t nthreads, const RunOptions &options,
                           RunResult &result, std::string &error,
                           int64_t buildThreads) {
  if (!step) {
    result = RunResult();
    error = "no emulated step function";
    return false;
  }
  return runBatchedSimulation(
      descriptorJson,
      [&](const Descriptor &, std::string &) {
        return makeEmulatedBackend(step, build, nthreads, buildThreads);
      },
      options, result, error);
}

} // namespace snnrt
