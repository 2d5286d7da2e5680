//===- emulate.cpp - The emulated GPU backend -----------------------------===//

#include "snnrt/emulate.h"
#include "snnrt/network.h"

#include <cstring>

#include <nlohmann/json.hpp>

namespace snnrt {

namespace {

/// Device memory is the network's own arena: upload and download copy
/// nothing, and the kernels' host versions run on it directly.
class EmulatedBackend : public StepBackend {
public:
  EmulatedBackend(EmulateStepFn step, int64_t nthreads)
      : step_(step), nthreads_(nthreads) {}

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
    if (bytes)
      std::memcpy(dst, net_->arena.data() + offset, size_t(bytes));
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

  bool download(Network &net, std::string &error) override {
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
    r.json = j.dump();
    return r;
  }

private:
  EmulateStepFn step_;
  int64_t nthreads_;
  Network *net_ = nullptr;
};

} // namespace

std::unique_ptr<StepBackend> makeEmulatedBackend(EmulateStepFn step,
                                                 int64_t nthreads) {
  return std::make_unique<EmulatedBackend>(step, nthreads);
}

bool runEmulatedSimulation(const std::string &descriptorJson,
                           EmulateStepFn step, int64_t nthreads,
                           const RunOptions &options, RunResult &result,
                           std::string &error) {
  if (!step) {
    result = RunResult();
    error = "no emulated step function";
    return false;
  }
  return runBatchedSimulation(
      descriptorJson,
      [&](Network &, std::string &) {
        return makeEmulatedBackend(step, nthreads);
      },
      options, result, error);
}

} // namespace snnrt
