//===- network.h - Building an initialised arena from a descriptor -*- C++ -*-//
//
// buildNetwork() loads data files, builds connectivity, resolves derived
// buffer counts, lays out and allocates the arena, and initialises every
// buffer the runtime owns (state variables, rates, amplitudes, spike arrays,
// CSR, weights, delays). Generated code then only reads/writes the arena.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_NETWORK_H
#define SNNRT_NETWORK_H

#include "snnrt/arena.h"
#include "snnrt/connectivity.h"
#include "snnrt/descriptor.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace snnrt {

struct Network;

/// A device that builds connectivity (docs/gpu-abi.md, "Connectivity on the
/// device"): the GPU backends provide one (StepBackend::connectivityDevice).
class ConnectivityDevice {
public:
  virtual ~ConnectivityDevice();

  /// Runs build kernel `k` with (empty arena, scratch, seed, n) on a device
  /// scratch of max(words.size(), totalWords) int64: `words`, then zeros.
  /// Waits for it and copies the first words.size() back into `words`.
  /// With keepFor >= 0 (a projection index) the scratch stays on the device
  /// as that projection's kept scratch (DeviceInit::keptScratch) until the
  /// backend has run Network::deviceInit. False with `error` (naming the
  /// kernel) on failure.
  virtual bool runScratch(const GpuKernelRef &k, int64_t seed, int64_t n,
                          std::vector<int64_t> &words, std::string &error,
                          int64_t totalWords = 0, int keepFor = -1) = 0;
  /// Runs build kernel `k` with (the arena of `net` as the device holds it
  /// after the run, scratch `words`): a columns kernel, which may read the
  /// stored rows. Waits for it and copies the scratch back into `words`.
  /// This default passes an empty arena (enough for kernels that draw the
  /// rows again); devices that hold an arena override it.
  virtual bool runOnArena(const Network &net, const GpuKernelRef &k,
                          int64_t seed,
                          int64_t n, std::vector<int64_t> &words,
                          std::string &error) {
    (void)net;
    return runScratch(k, seed, n, words, error);
  }
};

/// A build kernel to run on the uploaded arena (init, fill, sort, values),
/// in order.
struct DeviceInit {
  int projection = -1; ///< index in desc.projections (-1 for init)
  std::string role;    ///< "init", "fill", "sort" or "values"
  GpuKernelRef kernel;
  /// npre for fill and sort, the synapse count for values, the number of
  /// values for init
  int64_t n = 0;
  /// The kernel's scratch is its projection's kept scratch (runScratch's
  /// keepFor); otherwise it gets an empty one.
  bool keptScratch = false;
  int init = -1; ///< role "init": index in desc.init
};

/// What a DeviceInit is about, for messages: "projection \"ee\"" or, for an
/// init kernel, "population 'exc', initial value of 'v'".
std::string deviceInitSubject(const Descriptor &d, const DeviceInit &init);

struct Network {
  Descriptor desc;
  uint64_t seed = 0;
  Arena arena;
  /// Resolved element count of each buffer.
  std::vector<int64_t> counts;
  /// Per projection: number of synapses and largest delay in steps.
  std::vector<int64_t> synapses;
  std::vector<int64_t> maxDelaySteps;
  /// Per ring: number of slots (1 + max delay steps of its projections).
  std::vector<int64_t> ringSlots;
  /// Per population: number of spikes in its spike_array file (0 otherwise).
  std::vector<int64_t> spikeArrayCounts;
  /// The batch size the GPU recording buffers are sized for (0 for CPU
  /// descriptors, which have no such buffers).
  int64_t batchSteps = 0;

  /// Per projection: its synapses were drawn on the device (gpu.build).
  std::vector<bool> deviceBuilt;
  /// Per buffer: written on the device (by the kernels in deviceInit), so
  /// neither filled on the host nor uploaded.
  std::vector<bool> deviceWritten;
  /// The kernels the backend runs on the arena right after uploading it:
  /// the init kernels (desc.init's buffers: neuron variables, rates and
  /// amplitudes in that order), then per device-built projection with
  /// synapses, in projection order, its fill kernel, then its sort and
  /// values kernels if it has them. The backend frees the kept scratches
  /// once they have run, and checks the drawn values (checkInitValues).
  std::vector<DeviceInit> deviceInit;
  /// Time spent building connectivity: on the host, and by the build
  /// kernels during the build; a backend adds the time of deviceInit.
  double connectivitySeconds = 0;

  int64_t totalSynapses() const;
  /// Number of projections built on the device.
  int64_t deviceBuiltProjections() const;
};

struct BuildOptions {
  /// Steps per batch of a GPU run (docs/gpu-abi.md): sizes the device-side
  /// recording buffers, {"record_spikes": P} = size(P) * batchSteps and
  /// {"record_state": k} = n * (batchSteps / every + 2). Required (> 0) when
  /// the descriptor has such buffers; ignored otherwise.
  int64_t batchSteps = 0;
  /// Builds the synapses of the projections listed in the descriptor's
  /// gpu.build (build for the CPU) on this device (not owned): their row
  /// lengths and largest delays come from the rows and delays kernels;
  /// their columns, and the values the device computes, are left to the
  /// kernels of Network::deviceInit (the host never holds them). Required
  /// for every rule but list and for every uniform or normal value: the
  /// runtime draws nothing itself. Null: only what the host fills.
  ConnectivityDevice *device = nullptr;
};

/// Builds the network of `desc` for `seed` (which keys every random draw).
/// On failure returns false and sets `error`.
bool buildNetwork(const Descriptor &desc, uint64_t seed, Network &net,
                  std::string &error);
bool buildNetwork(const Descriptor &desc, uint64_t seed,
                  const BuildOptions &options, Network &net,
                  std::string &error);

/// Builds the per-post index of every synapse model's projection with an
/// on_post (`colPtr`, `colSyn`) from its rows in the arena: for post neuron
/// j, colSyn[colPtr[j] .. colPtr[j + 1]) are its synapses (their positions
/// in the rows) in row order, and colPre (when present) their presynaptic
/// neurons; and each row's order by delay (`delaySyn`, when present: the
/// row's positions sorted stably by their delays). Runs once the rows are
/// final (after the build kernels). False with `error` when a projection
/// has too many synapses for the indices' 32-bit entries.
bool buildColumnIndices(Network &net, std::string &error);

/// The synapses of each synapse recording (record.state with "projection"):
/// for each (pre, post) asked for, the first synapse from pre to post in
/// its row, into the recording's `synapses` buffer, and its value in the
/// `source` buffer as the first sample (`buffer`). Reads the rows and the
/// source from the arena (after the build kernels). False with `error`
/// when a pair has no synapse.
bool findRecordedSynapses(Network &net, std::string &error);

/// The descriptor's initial copies, in the arena (once the initial values
/// are in place).
void applyInitialCopies(Network &net);

/// The element count of a GPU recording buffer for a batch of `batchSteps`
/// steps ({"record_spikes": ...} or {"record_state": ...}). False (with
/// `error`) when it does not fit the device's 32-bit counters.
bool recordBufferCount(const Descriptor &desc, const BufferCount &count,
                       int64_t batchSteps, int64_t &n, std::string &error);

/// Computes `n` values of a constant or file value specification as f64
/// (uniform and normal values are drawn by generated init kernels; an
/// error here). File values must have exactly n rows. `what` prefixes
/// error messages.
bool computeValues(const ValueSpec &spec, int64_t n, const std::string &what,
                   std::vector<double> &out, std::string &error);

/// Copies the values of buffer `buffer` (all of them, as the buffer's
/// element type) from where the init kernels wrote them into `dst`.
using ReadBuffer =
    std::function<bool(int buffer, void *dst, std::string &error)>;

/// Checks the values the init kernels of net.deviceInit drew, as the host
/// checks the values it fills: finite (an f32 that overflowed is not), and
/// rates from 0 to one spike per step. False with `error` naming the
/// variable, rate or amplitude and the first bad neuron.
bool checkInitValues(const Network &net, const ReadBuffer &read,
                     std::string &error);

/// Spikes of a spike_array source, sorted by (step, neuron), duplicates
/// removed.
struct SpikeArray {
  std::vector<int32_t> steps;
  std::vector<int32_t> ids;
};

/// Loads a spike_array file (columns neuron, time in ms; by header name,
/// neuron|i|index|indices|id|ids and time|t|t_ms|time_ms|times, else the
/// first two columns) and converts times to steps with round(t / dt), half
/// away from zero. Negative times and out-of-range neurons are errors.
bool loadSpikeArray(const std::string &path, int64_t size, double dt,
                    SpikeArray &out, std::string &error);

/// The rows of projection `e` of `net` that stores no columns (procedural,
/// dense), as its rows and columns kernels give them on `device` (the
/// columns kernel with the arena as the run left it): the same synapses as
/// the simulation used. False with `error` (naming the projection and the
/// kernel) on failure.
bool drawRows(const Network &net, size_t e, ConnectivityDevice &device,
              Csr &out, std::string &error);

} // namespace snnrt

#endif // SNNRT_NETWORK_H
