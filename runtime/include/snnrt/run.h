//===- run.h - Running a compiled network ------------------------*- C++
//-*-===//
//
// runSimulation() is the whole runtime: parse the descriptor, build and
// initialise the arena, call the step function once per step while recording
// spikes and state, and write the outputs. runMain() wraps it in the
// simulator's command line. Neither throws nor exits.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_RUN_H
#define SNNRT_RUN_H

#include "snnrt/arena.h"

#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snnrt {

struct Network;
class ConnectivityDevice;

/// The number of cores this process may run on (its affinity mask), at
/// least 1.
int64_t availableCores();

/// Neurons per thread below which another thread costs more (in per-step
/// synchronisation) than it saves, as measured (bench/results/).
inline constexpr int64_t kNeuronsPerThread = 8000;

/// The default thread count of a CPU run of `neurons` neurons (populations
/// and sources): the available cores, but at most one thread per
/// kNeuronsPerThread neurons.
int64_t defaultThreads(int64_t neurons);

struct RunOptions {
  /// Number of steps; overrides the descriptor's (and durationMs).
  std::optional<int64_t> steps;
  /// Biological time in ms; steps = round(durationMs / dt).
  std::optional<double> durationMs;
  /// Overrides the descriptor's seed.
  std::optional<uint64_t> seed;
  /// Output directory (created if missing). A run replaces it as a whole
  /// (see writeOutputs), so it must not exist, be empty or hold a previous
  /// run; this is checked before the run starts.
  std::string outDir = "snn-out";
  /// Write the output files (spikes, state, summary.json).
  bool writeOutput = true;
  /// Show the progress bar on stderr for long runs.
  bool progress = true;
  /// GPU and emulated runs: steps per batch (even; the device-side
  /// recording buffers hold one batch). Default: the descriptor's
  /// gpu.batch_steps, see chooseBatchSteps() in snnrt/batched.h. Ignored by
  /// the CPU loop.
  std::optional<int64_t> batchSteps;
  /// GPU runs: at the end, copy the synapses the device built back into
  /// the host arena along with the state. Off by default: a simulator
  /// never reads them, and for big networks they are most of the arena
  /// (the host would page in gigabytes it never built). Ignored by the CPU
  /// loop.
  bool downloadConnectivity = false;
  /// Copy every projection's synapses (row pointers, columns, weights and
  /// delays as the simulation used them) into RunResult::connectivity, and
  /// write them with the outputs (--save-connectivity). On GPU targets this
  /// implies downloadConnectivity.
  bool saveConnectivity = false;
  /// Testing: act as if signal `interruptSignal` had arrived (see
  /// requestInterrupt) when step `interruptAtStep` is about to start. The
  /// CPU loop then stops before that step; the batched loop at the end of
  /// the batch that holds it. Simulators take it from the environment:
  /// SNNRT_TEST_INTERRUPT=STEP[:SIGNAL].
  std::optional<int64_t> interruptAtStep;
  int interruptSignal = SIGINT;
  /// CPU runs of generated models: threads that run the steps (--threads;
  /// default: defaultThreads()). Spikes and state are the same for every
  /// count (docs/runtime-abi.md, "Threads").
  std::optional<int64_t> threads;
};

struct PopulationResult {
  std::string name, kind;
  int64_t size = 0;
  int64_t spikes = 0;
  double rateHz = 0; ///< spikes / (size * biological seconds)
};

struct ProjectionResult {
  std::string name, pre, post;
  int64_t synapses = 0;
  /// Drawn by the model's generated build code (on the CPU's threads or on
  /// the device) rather than by the runtime's builders.
  bool generated = false;
  /// The storage kind the compiler chose (csr, procedural, dense).
  std::string storage;
};

/// The synapses of one projection (RunOptions::saveConnectivity), CSR by
/// presynaptic neuron, as the arena holds them.
struct ConnectivityRecord {
  std::string projection;
  std::vector<int64_t> rowPtr; ///< npre + 1
  std::vector<int32_t> col;    ///< postsynaptic neuron of each synapse
  /// Per-synapse weights in the buffer's type (f32 or f64 bytes), when the
  /// weight varies per synapse (else it is one constant, compiled into the
  /// code, and hasWeights is false).
  bool hasWeights = false, weightF32 = false;
  std::string weightBytes;
  /// Per-synapse delays in steps, when the delay varies per synapse.
  bool hasDelays = false;
  std::vector<int32_t> delaySteps;
};

/// The synapses of a projection recorded with record.weights: one entry per
/// synapse, in storage order (by presynaptic neuron), with the weight the
/// run left it (a constant weight for every synapse when it does not vary).
struct WeightRecord {
  std::string projection;
  std::vector<int32_t> pre, post;
  std::vector<double> weight;
};

/// The synapses of a projection recorded with record.synapses: pre and post
/// of each, and the final value of each recorded variable.
struct SynapseStateRecord {
  std::string projection;
  std::vector<int32_t> pre, post;
  std::vector<std::pair<std::string, std::vector<double>>> variables;
};

struct SpikeRecord {
  std::string population;
  std::vector<double> timesMs;
  std::vector<int32_t> neurons;
};

struct StateRecord {
  std::string population, variable; ///< population: or projection
  std::vector<int64_t> neurons;
  /// A synapse recording's synapses (the values' columns): pre and post
  /// neurons; empty for a population's recording.
  std::vector<int64_t> pre, post;
  std::vector<double> timesMs;
  std::vector<double> values; ///< samples x neurons, row-major
  size_t samples() const { return timesMs.size(); }
};

/// What ran the steps, when it was not the CPU loop (GPU, emulated GPU).
struct BackendReport {
  std::string target;  ///< "cuda", "cuda-emulate"; empty for the CPU loop
  std::string summary; ///< one-line description for formatSummary()
  std::string json;    ///< a JSON object, summary.json's "backend"
};

struct RunResult {
  std::string model, precision;
  double dt = 0;
  int64_t steps = 0;
  uint64_t seed = 0;
  std::vector<PopulationResult> populations;
  std::vector<ProjectionResult> projections;
  int64_t totalSynapses = 0;
  std::vector<SpikeRecord> spikes;
  std::vector<StateRecord> states;
  std::vector<ConnectivityRecord> connectivity; ///< saveConnectivity only
  std::vector<WeightRecord> weights;            ///< record.weights
  std::vector<SynapseStateRecord> synapseStates; ///< record.synapses
  double buildSeconds = 0, simulationSeconds = 0;
  /// CPU runs: the threads that ran the steps.
  int64_t threads = 1;
  double realTimeFactor = 0;      ///< simulation wall time / biological time
  BackendReport backend;          ///< empty target for CPU runs
  std::string outDir;             ///< empty when no output was written
  std::vector<std::string> files; ///< output files written
  /// The steps asked for. `steps` is the number that ran: the same, unless
  /// the run was interrupted.
  int64_t requestedSteps = 0;
  /// The signal that interrupted the run (requestInterrupt), or 0. An
  /// interrupted run holds everything recorded in its `steps` steps, exactly
  /// what a run of that many steps records.
  int interruptSignal = 0;

  double biologicalMs() const { return double(steps) * dt; }
  bool interrupted() const { return interruptSignal != 0; }
};

/// Asks the run in progress (from its first step until its outputs are
/// written) to stop at its next step boundary, as `signal` (SIGINT,
/// SIGTERM) does in the simulators: the steps that ran are recorded and
/// written as usual, and RunResult::interruptSignal says it was
/// interrupted. Async-signal-safe: meant to be called from a signal handler.
/// Returns false, doing nothing, when no run is in that phase. The request is
/// process-wide: it stops every run in progress in this process.
bool requestInterrupt(int signal);

/// Parses `descriptorJson`, builds the network, runs it with `step` and
/// (unless options.writeOutput is false) writes the outputs. On failure
/// returns false with `error` set, and the output directory is as it was.
/// An interrupted run (requestInterrupt) succeeds, with the steps that ran.
bool runSimulation(const std::string &descriptorJson,
                   const StepFunctions &step,
                   const RunOptions &options, RunResult &result,
                   std::string &error);

/// Runs an already built network for `steps` steps (recording as its
/// descriptor says), filling everything in `result` except build time and
/// outputs. The arena keeps the final state. CPU descriptors only (GPU
/// descriptors run with simulateBatched(), snnrt/batched.h).
bool simulateNetwork(Network &net, const StepFunctions &step, int64_t steps,
                     const RunOptions &options, RunResult &result,
                     std::string &error);

/// Copies every projection's synapses out of `net`'s arena into
/// result.connectivity (on GPU targets, after a download with the
/// connectivity); those of procedural projections are drawn by their
/// kernels on `device`. False with `error`.
bool collectConnectivity(const Network &net, ConnectivityDevice *device,
                         RunResult &result, std::string &error);

/// The synapses and final weights of the projections of record.weights into
/// result.weights (on GPU targets, after a download with the connectivity),
/// as collectConnectivity reads them. False with `error`.
bool collectWeights(const Network &net, ConnectivityDevice *device,
                    RunResult &result, std::string &error);

/// Writes spikes, state, recorded weights (<projection>_weights.csv with
/// columns pre, post, weight, or _weights_pre.npy, _weights_post.npy (i32)
/// and _weights.npy (f64)) and summary.json to `dir` in `format` ("npy" or
/// "csv"), and the saved connectivity (always NPY:
/// <projection>_row_ptr.npy, _col.npy, _weight.npy, _delay.npy), recording
/// the written paths in result.files/outDir. The files are written into a
/// staging directory beside `dir`, flushed to disk, and swapped in as a
/// whole: afterwards `dir` holds exactly this run, or, on failure, what it
/// held before. `dir` must not exist, be empty or hold a previous run (its
/// summary.json and the files it lists): anything else is refused, never
/// deleted. A symbolic link is followed (the directory it points to is
/// replaced; the link stays).
bool writeOutputs(RunResult &result, const std::string &format,
                  const std::string &dir, std::string &error);

/// The summary.json text.
std::string summaryJson(const RunResult &result);

/// The human-readable run summary printed by the simulator.
std::string formatSummary(const RunResult &result);

/// Time of step n in ms: n * dt rounded to 15 significant digits, which
/// removes binary rounding noise (15 * 0.1 gives 1.5, not 1.5000000000000002).
double stepTimeMs(int64_t step, double dt);

/// The simulator's main(): parses the command line, runs, prints the
/// summary. Returns the exit code (0 ok, 1 error, 2 bad arguments, 128 +
/// signal when SIGINT or SIGTERM interrupted the run and its outputs were
/// written). While it runs, SIGXFSZ is ignored (a write past `ulimit -f` is
/// an error naming the file) and SIGINT/SIGTERM interrupt the run at a step
/// boundary once it has started (before that they end the process).
int runMain(int argc, char **argv, const char *descriptorJson,
            const StepFunctions &step);

} // namespace snnrt

#endif // SNNRT_RUN_H
