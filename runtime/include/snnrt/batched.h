//===- batched.h - The batched run loop of GPU targets ----------*- C++ -*-===//
//
// A model compiled for the GPU (`--target=cuda` or `--target=cuda-emulate`)
// keeps its whole state in device memory and records spikes and state there
// (docs/gpu-abi.md). The host runs the steps in batches: after each batch it
// reads the device-side recordings, sorts them into the same RunResult the
// CPU loop fills, and resets the device counters. A StepBackend hides where
// the arena lives and how steps run: the CUDA driver (snnrt/gpu.h) or the
// host emulation of the kernels (snnrt/emulate.h), or a fake in tests.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_BATCHED_H
#define SNNRT_BATCHED_H

#include "snnrt/run.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace snnrt {

class ConnectivityDevice;
struct Descriptor;
struct Network;

/// Where the arena lives and how steps run. Every call returns false with
/// `error` set on failure; the run then stops. Calls come in this order:
/// connectivityDevice() (the network is built with it), upload, then
/// runSteps/read/zero any number of times, then download.
class StepBackend {
public:
  virtual ~StepBackend();

  /// The device that builds connectivity for this backend (passed to
  /// buildNetwork as BuildOptions::device), or null when the backend cannot
  /// run build kernels: the host then builds every projection.
  virtual ConnectivityDevice *connectivityDevice() { return nullptr; }
  /// Copies the initial arena of `net` (already built) to the device, except
  /// the buffers in net.deviceWritten, then runs the kernels of
  /// net.deviceInit on it in order (adding their time to
  /// net.connectivitySeconds) and waits for them. The layout of `net.arena`
  /// is the device layout from then on; `net` outlives the backend's use of
  /// it.
  virtual bool upload(Network &net, std::string &error) = 0;
  /// Runs steps first .. first + count - 1 and waits for them.
  virtual bool runSteps(int64_t first, int64_t count, std::string &error) = 0;
  /// Copies `count` elements of buffer `buffer`, starting at element `first`,
  /// to `dst` (waiting for earlier work).
  virtual bool read(int buffer, uint64_t first, uint64_t count, void *dst,
                    std::string &error) = 0;
  /// Copies `count` elements from `src` into buffer `buffer`, from element
  /// `first` on (waiting for the copy).
  virtual bool write(int buffer, uint64_t first, uint64_t count,
                     const void *src, std::string &error) = 0;
  /// Sets every byte of buffer `buffer` to zero.
  virtual bool zero(int buffer, std::string &error) = 0;
  /// Copies the device arena back into `net.arena`: all of it with
  /// `connectivity`, else all but the buffers the build kernels wrote
  /// (Network::deviceWritten: synapses no step changes), which then stay
  /// as the host has them (zero).
  virtual bool download(Network &net, bool connectivity,
                        std::string &error) = 0;
  /// What ran the steps (for the summary); called after a successful run.
  virtual BackendReport report() const = 0;
};

/// The byte range of elements [first, first + count) of buffer `buffer` of
/// `net`'s arena. False when the range is outside the buffer.
bool bufferByteRange(const Network &net, int buffer, uint64_t first,
                     uint64_t count, uint64_t &offset, uint64_t &bytes,
                     std::string &error);

/// The descriptor's suggested batch size when it gives none.
inline constexpr int64_t kDefaultBatchSteps = 1000;
/// Without an explicit batch size, the recording buffers of one batch are
/// kept below this size (worst case: every neuron spikes every step).
inline constexpr double kMaxDefaultRecordBytes = 256.0 * 1024 * 1024;

/// The batch size of a run of `steps` steps: `requested` when given (it must
/// be even and positive), else the descriptor's gpu.batch_steps (default
/// kDefaultBatchSteps) rounded up to even and reduced until one batch of
/// recordings needs at most kMaxDefaultRecordBytes and fits the device's
/// 32-bit counters. Never more than `steps` rounded up to even, never less
/// than 2.
bool chooseBatchSteps(const Descriptor &d, int64_t steps,
                      std::optional<int64_t> requested, int64_t &batchSteps,
                      std::string &error);

/// Runs `steps` steps of `net` (built with BuildOptions::batchSteps, which
/// is the batch size) on `backend`: uploads the arena, runs the batches,
/// records as the descriptor says, checks the device's step counter and
/// totals, and downloads the final arena into `net`. Fills everything in
/// `result` except outputs; adds the upload time to result.buildSeconds.
/// An interruption (requestInterrupt, snnrt/run.h) stops the run at the end
/// of the batch in progress: `result` then holds the batches that ran.
bool simulateBatched(Network &net, StepBackend &backend, int64_t steps,
                     const RunOptions &options, RunResult &result,
                     std::string &error);

/// Creates the backend for a descriptor, before the network is built: the
/// backend may build connectivity (StepBackend::connectivityDevice). Timed
/// as part of the build.
using BackendFactory = std::function<std::unique_ptr<StepBackend>(
    const Descriptor &desc, std::string &error)>;

/// What runSimulation() is for the CPU: parse, choose the batch size,
/// create the backend, build (on the backend's connectivity device),
/// simulateBatched(), write the outputs.
bool runBatchedSimulation(const std::string &descriptorJson,
                          const BackendFactory &makeBackend,
                          const RunOptions &options, RunResult &result,
                          std::string &error);

} // namespace snnrt

#endif // SNNRT_BATCHED_H
