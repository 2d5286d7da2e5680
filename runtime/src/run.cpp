//===- run.cpp - The run loop, recording and outputs
//-----------------------===//

#include "snnrt/run.h"
#include "snnrt/descriptor.h"
#include "snnrt/io.h"
#include "snnrt/network.h"
#include "snnrt/progress.h"

#include "host_kernels.h"
#include "interrupt.h"
#include "output_dir.h"
#include "parallel.h"
#include "run_internal.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <type_traits>

#include <nlohmann/json.hpp>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace snnrt {

namespace {

using detail::Clock;
using detail::secondsSince;

const char *populationKindName(PopulationKind k) {
  switch (k) {
  case PopulationKind::Neuron:
    return "neuron";
  case PopulationKind::Poisson:
    return "poisson";
  case PopulationKind::SpikeArray:
    return "spike_array";
  }
  return "?";
}

/// A file-name-safe version of a population/variable name.
std::string safeName(const std::string &s) {
  std::string out;
  for (char c : s)
    out += (std::isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.')
               ? c
               : '_';
  return out.empty() ? "_" : out;
}

} // namespace

double stepTimeMs(int64_t step, double dt) {
  // Round to 15 significant digits: removes the binary noise of n * dt
  // (15 * 0.1 = 1.5000000000000002) while keeping any real precision.
  double t = double(step) * dt;
  if (!std::isfinite(t) || t == 0)
    return t;
  char buf[64];
  auto w =
      std::to_chars(buf, buf + sizeof buf, t, std::chars_format::general, 15);
  double cleaned = t;
  std::from_chars(buf, w.ptr, cleaned);
  return cleaned;
}

namespace detail {

double loadScalar(ScalarType t, const uint8_t *base, int64_t i) {
  switch (t) {
  case ScalarType::F64:
    return reinterpret_cast<const double *>(base)[i];
  case ScalarType::F32:
    return reinterpret_cast<const float *>(base)[i];
  case ScalarType::I32:
    return reinterpret_cast<const int32_t *>(base)[i];
  case ScalarType::I64:
    return double(reinterpret_cast<const int64_t *>(base)[i]);
  case ScalarType::U16:
    return reinterpret_cast<const uint16_t *>(base)[i];
  }
  return 0;
}

std::vector<int> initRunResult(const Network &net, int64_t steps,
                               RunResult &result) {
  const Descriptor &d = net.desc;
  result.model = d.model;
  result.precision = scalarTypeName(d.precision);
  result.dt = d.dt;
  result.steps = steps;
  result.requestedSteps = steps;
  result.interruptSignal = 0;
  result.seed = net.seed;
  result.populations.clear();
  for (const PopulationDesc &p : d.populations)
    result.populations.push_back(
        {p.name, populationKindName(p.kind), p.size, 0, 0.0});
  result.projections.clear();
  for (size_t e = 0; e < d.projections.size(); ++e)
    result.projections.push_back(
        {d.projections[e].name, d.projections[e].pre, d.projections[e].post,
         net.synapses[e],
         e < net.deviceBuilt.size() && bool(net.deviceBuilt[e]),
         d.projections[e].storage});
  result.totalSynapses = net.totalSynapses();

  size_t npops = d.populations.size();
  std::vector<int> spikeRecord(npops, -1);
  result.spikes.clear();
  for (int p : d.record.spikePopulations) {
    if (spikeRecord[p] >= 0)
      continue;
    spikeRecord[p] = int(result.spikes.size());
    result.spikes.push_back({d.populations[p].name, {}, {}});
  }
  result.states.clear();
  for (const StateRecordDesc &s : d.record.state) {
    StateRecord r;
    r.population = s.population;
    r.variable = s.variable;
    r.neurons = s.neurons;
    r.pre = s.pre;
    r.post = s.post;
    int64_t samples = steps > 0 ? (steps + s.every - 1) / s.every : 0;
    r.timesMs.reserve(size_t(samples));
    r.values.reserve(size_t(samples) * s.neurons.size());
    result.states.push_back(std::move(r));
  }
  return spikeRecord;
}

void finishRunResult(const std::vector<int64_t> &totals, RunResult &result) {
  double bioSeconds = double(result.steps) * result.dt / 1000.0;
  for (size_t p = 0; p < result.populations.size() && p < totals.size(); ++p) {
    result.populations[p].spikes = totals[p];
    int64_t size = result.populations[p].size;
    result.populations[p].rateHz =
        size > 0 && bioSeconds > 0
            ? double(totals[p]) / (double(size) * bioSeconds)
            : 0.0;
  }
  result.realTimeFactor =
      bioSeconds > 0 ? result.simulationSeconds / bioSeconds : 0.0;
}

std::string describeInterruption(const RunResult &r) {
  return "interrupted by " + signalName(r.interruptSignal) + " at " +
         formatNumber(stepTimeMs(r.steps, r.dt)) + " ms, after " +
         std::to_string(r.steps) + " of " + std::to_string(r.requestedSteps) +
         " steps";
}

bool resolveRunSteps(const Descriptor &d, const RunOptions &options,
                     int64_t &steps, std::string &error) {
  steps = d.steps;
  if (options.steps) {
    steps = *options.steps;
  } else if (options.durationMs) {
    double exact = *options.durationMs / d.dt;
    double s = std::round(exact);
    if (!std::isfinite(s) || s < 0 || s > 9.0e15) {
      error = "invalid duration " + formatNumber(*options.durationMs) + " ms";
      return false;
    }
    // Whole steps only (within 1e-4 of a step, as Brian2 allows): never a
    // silent partial step, such as 0.05 ms running one 0.1 ms step.
    if (std::fabs(exact - s) > 1e-4) {
      double down = std::floor(exact), up = std::ceil(exact);
      error = "invalid duration " + formatNumber(*options.durationMs) +
              " ms: not a whole number of steps of dt = " +
              formatNumber(d.dt) + " ms (" + formatNumber(stepTimeMs(1, exact)) +
              " steps); use a multiple of dt, such as " +
              (down > 0 ? formatNumber(stepTimeMs(int64_t(down), d.dt)) +
                              " ms or "
                        : std::string()) +
              formatNumber(stepTimeMs(int64_t(up), d.dt)) + " ms";
      return false;
    }
    steps = int64_t(s);
  }
  if (steps < 0) {
    error = "negative number of steps";
    return false;
  }
  // Fail before a long run, not after it.
  return !options.writeOutput || checkOutputDir(options.outDir, error);
}

} // namespace detail

namespace {

/// A barrier for the simulation threads: spins a little (steps are short,
/// the others usually arrive within microseconds), then sleeps on a futex
/// (the machine may be shared: a thread that is not running must not be
/// waited for by burning the core it needs). The spin is bounded in time,
/// kSpin: a count of `pause`s took ~0.4 ms on Zen 4 (a pause is ~65
/// cycles there), and with another process on the second core every
/// barrier then cost that much: CUBA-64000 on 2 threads ran at RTF 5.4
/// instead of 0.3.
class StepBarrier {
public:
  explicit StepBarrier(int64_t threads) : threads_(threads) {}
  void wait() {
    if (threads_ == 1)
      return;
    uint32_t generation = generation_.load();
    if (arrived_.fetch_add(1) + 1 == threads_) {
      arrived_.store(0);
      generation_.fetch_add(1);
      if (sleepers_.load() > 0)
        futex(FUTEX_WAKE_PRIVATE, INT32_MAX);
      return;
    }
    auto start = Clock::now();
    for (int spins = 1;; ++spins) {
      if (generation_.load() != generation)
        return;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
      if (spins % 64 == 0 && Clock::now() - start > kSpin)
        break;
    }
    // The kernel sleeps only while the generation is still the old one, so
    // a wake-up that came before the sleep is not lost.
    sleepers_.fetch_add(1);
    while (generation_.load() == generation)
      futex(FUTEX_WAIT_PRIVATE, generation);
    sleepers_.fetch_sub(1);
  }

private:
  void futex(int op, uint32_t value) {
    ::syscall(SYS_futex, reinterpret_cast<uint32_t *>(&generation_), op,
              value, nullptr, nullptr, 0);
  }
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));

  /// Long enough for the imbalance of a step's phases on an idle machine,
  /// short next to a scheduler's time slice.
  static constexpr std::chrono::microseconds kSpin{20};

  const int64_t threads_;
  std::atomic<int64_t> arrived_{0};
  std::atomic<uint32_t> generation_{0};
  std::atomic<int32_t> sleepers_{0};
};

/// The recording of a CPU run: state before a step, spikes after it.
class Recorder {
public:
  Recorder(Network &net, RunResult &result, std::vector<int> spikeRecord,
           int64_t threads)
      : net_(net), d_(net.desc), result_(result),
        spikeRecord_(std::move(spikeRecord)), threads_(threads),
        totals_(d_.populations.size(), 0) {
    for (const PopulationDesc &p : d_.populations) {
      counts_.push_back(net.arena.buffer<int32_t>(p.spikeCount));
      ids_.push_back(net.arena.buffer<int32_t>(p.spikes));
      // Where each thread's segment starts (once, not every step).
      std::vector<int64_t> &starts = starts_.emplace_back();
      for (int64_t t = 0; t < (d_.maxThreads ? threads_ : 1); ++t)
        starts.push_back(d_.maxThreads ? d_.threadStart(p, t, threads_) : 0);
    }
  }

  bool stateDue(int64_t n) const {
    for (const StateRecordDesc &s : d_.record.state)
      if (n % s.every == 0)
        return true;
    return false;
  }

  void recordState(int64_t n) {
    for (size_t k = 0; k < d_.record.state.size(); ++k) {
      const StateRecordDesc &s = d_.record.state[k];
      if (n % s.every != 0)
        continue;
      StateRecord &r = result_.states[k];
      r.timesMs.push_back(stepTimeMs(n, d_.dt));
      const uint8_t *base = net_.arena.buffer<uint8_t>(s.buffer);
      ScalarType t = d_.buffers[s.buffer].type;
      for (int64_t i : s.neurons)
        r.values.push_back(detail::loadScalar(t, base, i));
    }
  }

  /// The spikes of step `n`: one list per population, or (with threads)
  /// one segment per thread in this step's half (docs/runtime-abi.md).
  bool recordSpikes(int64_t n, std::string &error) {
    double tStep = -1; // computed when a recorded population spiked
    for (size_t p = 0; p < d_.populations.size(); ++p) {
      const PopulationDesc &pd = d_.populations[p];
      int64_t size = pd.size;
      int64_t segments = d_.maxThreads ? threads_ : 1;
      int64_t half = d_.maxThreads ? (n & 1) : 0;
      int64_t total = 0;
      for (int64_t t = 0; t < segments; ++t) {
        int32_t c = counts_[p][half * d_.maxThreads + t];
        int64_t start = starts_[p][t];
        if (c < 0 || start + c > size || total + c > size) {
          error = "step " + std::to_string(n) + ": population \"" + pd.name +
                  "\" reports " + std::to_string(c) + " spikes" +
                  (segments > 1 ? " in thread " + std::to_string(t) + "'s share"
                                : std::string()) +
                  " (size " + std::to_string(size) + ")";
          return false;
        }
        total += c;
        if (spikeRecord_[p] < 0 || c == 0)
          continue;
        SpikeRecord &r = result_.spikes[spikeRecord_[p]];
        if (tStep < 0)
          tStep = stepTimeMs(n, d_.dt);
        const int32_t *ids = ids_[p] + half * size + start;
        for (int32_t i = 0; i < c; ++i) {
          if (ids[i] < 0 || ids[i] >= size) {
            error = "step " + std::to_string(n) + ": population \"" +
                    pd.name + "\" reports spike of neuron " +
                    std::to_string(ids[i]) + " (size " + std::to_string(size) +
                    ")";
            return false;
          }
          r.timesMs.push_back(tStep);
          r.neurons.push_back(ids[i]);
        }
      }
      totals_[p] += total;
    }
    return true;
  }

  const std::vector<int64_t> &totals() const { return totals_; }

private:
  Network &net_;
  const Descriptor &d_;
  RunResult &result_;
  std::vector<int> spikeRecord_;
  int64_t threads_;
  std::vector<const int32_t *> counts_, ids_;
  std::vector<std::vector<int64_t>> starts_; // per population, per thread
  std::vector<int64_t> totals_;
};

/// Whether the run stops at the boundary before step `n`.
bool stopsAt(int64_t n, const RunOptions &options, RunResult &result) {
  // Everything recorded so far is exactly what a run of n steps records,
  // so an interrupted run stops here.
  if (options.interruptAtStep && *options.interruptAtStep == n)
    requestInterrupt(options.interruptSignal);
  if (int signal = detail::pendingInterrupt()) {
    result.interruptSignal = signal;
    return true;
  }
  return false;
}

bool simulateImpl(Network &net, const StepFunctions &fns, int64_t steps,
                  const RunOptions &options, RunResult &result,
                  std::string &error) {
  const Descriptor &d = net.desc;
  std::vector<int> spikeRecord = detail::initRunResult(net, steps, result);

  if (!fns) {
    error = "no step function";
    return false;
  }
  if (d.hasGpu) {
    error = "the model was compiled for the GPU (its descriptor has a "
            "\"gpu\" section): link it with libsnnrt_cuda_main.a or "
            "libsnnrt_emulate_main.a, not libsnnrt_main.a";
    return false;
  }
  bool phases = fns.update && fns.propagate;
  if (phases != (d.maxThreads > 0)) {
    error = phases ? "the descriptor has no \"threads\" section, but the "
                     "model's step comes in two phases"
                   : "the descriptor has a \"threads\" section, but the "
                     "model has one step function";
    return false;
  }
  int64_t neurons = 0;
  for (const PopulationDesc &p : d.populations)
    neurons += p.size;
  int64_t threads = 1;
  if (phases) {
    if (options.threads && *options.threads > d.maxThreads) {
      error = "--threads " + std::to_string(*options.threads) +
              ": this simulator runs at most " + std::to_string(d.maxThreads) +
              " threads";
      return false;
    }
    threads = std::clamp<int64_t>(
        options.threads ? *options.threads : defaultThreads(neurons), 1,
        d.maxThreads);
  }
  result.threads = threads;
  Recorder recorder(net, result, std::move(spikeRecord), threads);

  bool terminal = ::isatty(::fileno(stderr)) != 0;
  ProgressReporter progress(options.progress ? stderr : nullptr, terminal,
                            steps);
  MemRefI8 mem = net.arena.memref();
  const int64_t seedArg = int64_t(net.seed);
  auto t0 = Clock::now();
  int64_t n = 0;
  bool ok = true;
  if (!phases) {
    for (; n < steps; ++n) {
      if (stopsAt(n, options, result))
        break;
      recorder.recordState(n);
      MemRefI8 arg = mem;
      fns.step(&arg, n, seedArg);
      if (!recorder.recordSpikes(n, error)) {
        ok = false;
        break;
      }
      if (options.progress)
        progress.update(n + 1, secondsSince(t0));
    }
  } else {
    // Every thread runs every step: update, barrier, propagate. Thread 0
    // (this one) also records: the spikes of step n between the phases
    // (the other threads write this step's half of the spike lists only in
    // step n + 2, after the next barrier), and, on the steps that record
    // state, the state between two barriers. It decides before the
    // barrier of step n whether the run stops after step n, so that every
    // thread reads the same decision after it.
    StepBarrier barrier(threads);
    enum : int { kGoOn, kStop, kFailed };
    // By step parity: thread 0 writes step k + 1's before the others have
    // all read step k's, but cannot write step k + 2's before they reach
    // the barrier of step k + 1.
    std::atomic<int> decision[2] = {kGoOn, kGoOn};
    bool failed = false; // thread 0's: recording step k failed
    n = steps;
    if (stopsAt(0, options, result))
      n = 0;
    auto run = [&](int64_t tid) {
      for (int64_t k = 0; k < n; ++k) {
        if (recorder.stateDue(k)) {
          barrier.wait();
          if (tid == 0)
            recorder.recordState(k);
          barrier.wait();
        }
        MemRefI8 arg = mem;
        fns.update(&arg, k, seedArg, tid, threads);
        if (tid == 0)
          decision[k & 1].store(
              failed                                         ? kFailed
              : k + 1 < n && stopsAt(k + 1, options, result) ? kStop
                                                             : kGoOn,
              std::memory_order_relaxed);
        barrier.wait();
        int now = decision[k & 1].load(std::memory_order_relaxed);
        if (now == kFailed)
          return;
        if (tid == 0) {
          try {
            failed = !recorder.recordSpikes(k, error);
          } catch (const std::bad_alloc &) {
            error = "out of memory";
            failed = true;
          }
          if (options.progress)
            progress.update(k + 1, secondsSince(t0));
        }
        arg = mem;
        fns.propagate(&arg, k, seedArg, tid, threads);
        if (now == kStop) {
          if (tid == 0)
            result.steps = k + 1;
          return;
        }
      }
      if (tid == 0)
        result.steps = n;
    };
    std::vector<std::thread> workers;
    for (int64_t t = 1; t < threads; ++t)
      workers.emplace_back(run, t);
    run(0);
    for (std::thread &w : workers)
      w.join();
    n = result.steps;
    ok = !failed;
  }
  result.steps = n;
  result.simulationSeconds = secondsSince(t0);
  progress.finish(result.simulationSeconds);
  if (!ok)
    return false;
  detail::finishRunResult(recorder.totals(), result);
  return true;
}

bool writeOutputsImpl(RunResult &r, const std::string &format,
                      const std::string &dir, std::string &error);

} // namespace

int64_t defaultThreads(int64_t neurons) {
  return std::clamp<int64_t>(neurons / kNeuronsPerThread, 1, availableCores());
}

int64_t availableCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    return std::max(1, CPU_COUNT(&set));
  return std::max<int64_t>(1, std::thread::hardware_concurrency());
}

bool simulateNetwork(Network &net, const StepFunctions &step, int64_t steps,
                     const RunOptions &options, RunResult &result,
                     std::string &error) {
  try {
    detail::InterruptibleScope interruptible;
    return simulateImpl(net, step, steps, options, result, error);
  } catch (const std::bad_alloc &) {
    error = "out of memory while recording";
  } catch (const std::exception &e) {
    error = e.what();
  }
  return false;
}

namespace {

/// Projection `e`'s synapses as the arena holds them (those of a projection
/// without stored columns from its columns kernel on `device`).
bool projectionSynapses(const Network &net, size_t e,
                        ConnectivityDevice *device, ConnectivityRecord &c,
                        std::string &error) {
  const Descriptor &d = net.desc;
  const ProjectionDesc &pr = d.projections[e];
  c.projection = pr.name;
  auto copy = [&](int buffer, auto &out) {
    using T = typename std::decay_t<decltype(out)>::value_type;
    const T *p = net.arena.buffer<T>(size_t(buffer));
    out.assign(p, p + net.counts[size_t(buffer)]);
  };
  if (pr.col < 0) {
    // No columns stored (procedural, dense): the synapses as the
    // projection's columns kernel gives them, from what the run used.
    Csr rows;
    if (!device) {
      error = "projection '" + pr.name + "': its synapses are given by "
              "its kernels, and there is no device to run them on";
      return false;
    }
    if (!drawRows(net, e, *device, rows, error))
      return false;
    c.rowPtr = std::move(rows.rowPtr);
    c.col = std::move(rows.col);
  } else {
    copy(pr.rowPtr, c.rowPtr);
    if (d.buffers[pr.col].type == ScalarType::U16) {
      const uint16_t *p = net.arena.buffer<uint16_t>(size_t(pr.col));
      c.col.assign(p, p + net.counts[size_t(pr.col)]); // written as i32
    } else {
      copy(pr.col, c.col);
    }
  }
  c.hasWeights = pr.weightBuffer >= 0;
  c.hasDelays = pr.delayBuffer >= 0;
  if (c.hasWeights) {
    c.weightF32 = d.buffers[pr.weightBuffer].type == ScalarType::F32;
    const ArenaSlot &s = net.arena.slot(size_t(pr.weightBuffer));
    c.weightBytes.assign(
        reinterpret_cast<const char *>(net.arena.data() + s.offset),
        size_t(net.counts[size_t(pr.weightBuffer)]) *
            (c.weightF32 ? 4 : 8));
  }
  if (c.hasDelays)
    copy(pr.delayBuffer, c.delaySteps);
  return true;
}

} // namespace

bool collectConnectivity(const Network &net, ConnectivityDevice *device,
                         RunResult &result, std::string &error) {
  result.connectivity.clear();
  for (size_t e = 0; e < net.desc.projections.size(); ++e) {
    ConnectivityRecord c;
    if (!projectionSynapses(net, e, device, c, error))
      return false;
    result.connectivity.push_back(std::move(c));
  }
  return true;
}

bool collectWeights(const Network &net, ConnectivityDevice *device,
                    RunResult &result, std::string &error) {
  const Descriptor &d = net.desc;
  result.weights.clear();
  for (int e : d.record.weights) {
    ConnectivityRecord c;
    if (!projectionSynapses(net, size_t(e), device, c, error))
      return false;
    WeightRecord w;
    w.projection = c.projection;
    size_t n = c.col.size();
    w.post = std::move(c.col);
    w.pre.reserve(n);
    for (size_t i = 0; i + 1 < c.rowPtr.size(); ++i)
      for (int64_t k = c.rowPtr[i]; k < c.rowPtr[i + 1]; ++k)
        w.pre.push_back(int32_t(i));
    if (w.pre.size() != n) {
      error = "projection '" + w.projection + "': its row pointers hold " +
              std::to_string(w.pre.size()) + " synapses, its columns " +
              std::to_string(n);
      return false;
    }
    if (c.hasWeights) {
      w.weight.resize(n);
      for (size_t k = 0; k < n; ++k) {
        if (c.weightF32) {
          float v;
          std::memcpy(&v, c.weightBytes.data() + 4 * k, 4);
          w.weight[k] = v;
        } else {
          std::memcpy(&w.weight[k], c.weightBytes.data() + 8 * k, 8);
        }
      }
    } else {
      // One weight for all, compiled into the code: the descriptor's.
      w.weight.assign(n, d.projections[size_t(e)].weight.value);
    }
    result.weights.push_back(std::move(w));
  }
  // Synapse model variables (CPU targets: the arena is the host's).
  result.synapseStates.clear();
  for (const RecordDesc::SynapseState &s : d.record.synapses) {
    ConnectivityRecord c;
    if (!projectionSynapses(net, size_t(s.projectionIndex), device, c, error))
      return false;
    SynapseStateRecord r;
    r.projection = s.projection;
    size_t n = c.col.size();
    r.post = std::move(c.col);
    for (size_t i = 0; i + 1 < c.rowPtr.size(); ++i)
      for (int64_t k = c.rowPtr[i]; k < c.rowPtr[i + 1]; ++k)
        r.pre.push_back(int32_t(i));
    for (const auto &[name, buffer] : s.variables) {
      if (size_t(net.counts[size_t(buffer)]) != n) {
        error = "projection '" + s.projection + "': variable '" + name +
                "' has " + std::to_string(net.counts[size_t(buffer)]) +
                " values for " + std::to_string(n) + " synapses";
        return false;
      }
      std::vector<double> values(n);
      if (d.buffers[size_t(buffer)].type == ScalarType::F32) {
        const float *p = net.arena.buffer<float>(size_t(buffer));
        std::copy(p, p + n, values.begin());
      } else {
        const double *p = net.arena.buffer<double>(size_t(buffer));
        std::copy(p, p + n, values.begin());
      }
      r.variables.emplace_back(name, std::move(values));
    }
    result.synapseStates.push_back(std::move(r));
  }
  return true;
}

bool writeOutputs(RunResult &r, const std::string &format,
                  const std::string &dir, std::string &error) {
  try {
    return writeOutputsImpl(r, format, dir, error);
  } catch (const std::bad_alloc &) {
    error = "out of memory while writing outputs";
  } catch (const std::exception &e) {
    error = dir + ": " + e.what();
  }
  return false;
}

std::string summaryJson(const RunResult &r) {
  nlohmann::ordered_json j;
  j["model"] = r.model;
  j["dt"] = r.dt;
  j["steps"] = r.steps;
  j["duration_ms"] = stepTimeMs(r.steps, r.dt);
  j["interrupted"] = r.interrupted();
  if (r.interrupted())
    j["interruption"] = {
        {"signal", detail::signalName(r.interruptSignal)},
        {"step", r.steps},
        {"time_ms", stepTimeMs(r.steps, r.dt)},
        {"requested_steps", r.requestedSteps},
        {"requested_duration_ms", stepTimeMs(r.requestedSteps, r.dt)}};
  j["seed"] = r.seed;
  j["precision"] = r.precision;
  nlohmann::ordered_json pops = nlohmann::ordered_json::object();
  for (const PopulationResult &p : r.populations)
    pops[p.name] = {{"kind", p.kind},
                    {"size", p.size},
                    {"spikes", p.spikes},
                    {"rate_hz", p.rateHz}};
  j["populations"] = pops;
  nlohmann::ordered_json projs = nlohmann::ordered_json::object();
  for (const ProjectionResult &p : r.projections)
    projs[p.name] = {{"pre", p.pre},
                     {"post", p.post},
                     {"synapses", p.synapses},
                     {"built_by", p.generated ? "generated" : "runtime"},
                     {"storage", p.storage}};
  j["projections"] = projs;
  j["synapses_total"] = r.totalSynapses;
  j["build_seconds"] = r.buildSeconds;
  j["simulation_seconds"] = r.simulationSeconds;
  j["threads"] = r.threads;
  j["real_time_factor"] = r.realTimeFactor;
  if (!r.backend.target.empty()) {
    nlohmann::ordered_json b = nlohmann::ordered_json::parse(
        r.backend.json.empty() ? "{}" : r.backend.json, nullptr, false);
    if (!b.is_object())
      b = nlohmann::ordered_json::object();
    if (!b.contains("target"))
      b["target"] = r.backend.target;
    j["backend"] = b;
  }
  j["files"] = r.files;
  // Names are not guaranteed to be UTF-8: replace bad bytes, never throw.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

bool writeOutputsImpl(RunResult &r, const std::string &format,
                      const std::string &dir, std::string &error) {
  // Everything goes to a staging directory first, swapped in by commit():
  // the output directory never holds a mix of two runs.
  detail::StagedOutputDir out(dir);
  if (!out.begin(error))
    return false;
  bool csv = format == "csv";
  std::vector<std::string> files;
  std::set<std::string> used;
  auto unique = [&](std::string base) {
    std::string name = base;
    for (int k = 2; used.count(name); ++k)
      name = base + "_" + std::to_string(k);
    used.insert(name);
    return name;
  };
  auto add = [&](const std::string &file, const std::string &contents) {
    files.push_back(file);
    return out.add(file, contents, error);
  };

  for (const SpikeRecord &s : r.spikes) {
    std::string base = unique(safeName(s.population) + "_spikes");
    if (csv) {
      std::vector<double> ids(s.neurons.begin(), s.neurons.end());
      if (!add(base + ".csv", encodeCsv({"t_ms", "neuron"}, {s.timesMs, ids})))
        return false;
    } else {
      if (!add(base + "_t.npy", encodeNpy(NpyType::F64, s.timesMs.data(),
                                          {s.timesMs.size()})) ||
          !add(base + "_i.npy", encodeNpy(NpyType::I32, s.neurons.data(),
                                          {s.neurons.size()})))
        return false;
    }
  }
  for (const StateRecord &s : r.states) {
    std::string base =
        unique(safeName(s.population) + "_" + safeName(s.variable));
    size_t samples = s.samples(), n = s.neurons.size();
    if (csv) {
      std::vector<std::string> header = {"t_ms"};
      std::vector<std::vector<double>> cols = {s.timesMs};
      for (size_t k = 0; k < n; ++k) {
        // A synapse's column: s<pre>_<post>.
        header.push_back(s.pre.empty()
                             ? "n" + std::to_string(s.neurons[k])
                             : "s" + std::to_string(s.pre[k]) + "_" +
                                   std::to_string(s.post[k]));
        std::vector<double> col(samples);
        for (size_t i = 0; i < samples; ++i)
          col[i] = s.values[i * n + k];
        cols.push_back(std::move(col));
      }
      if (!add(base + ".csv", encodeCsv(header, cols)))
        return false;
    } else {
      if (!add(base + ".npy",
               encodeNpy(NpyType::F64, s.values.data(), {samples, n})) ||
          !add(base + "_t.npy",
               encodeNpy(NpyType::F64, s.timesMs.data(), {samples})))
        return false;
      // A synapse recording: each column's pre and post neuron.
      std::vector<int32_t> pre(s.pre.begin(), s.pre.end()),
          post(s.post.begin(), s.post.end());
      if (!s.pre.empty() &&
          (!add(base + "_pre.npy",
                encodeNpy(NpyType::I32, pre.data(), {pre.size()})) ||
           !add(base + "_post.npy",
                encodeNpy(NpyType::I32, post.data(), {post.size()}))))
        return false;
    }
  }
  for (const WeightRecord &w : r.weights) {
    std::string base = unique(safeName(w.projection) + "_weights");
    if (csv) {
      std::vector<double> pre(w.pre.begin(), w.pre.end()),
          post(w.post.begin(), w.post.end());
      if (!add(base + ".csv",
               encodeCsv({"pre", "post", "weight"}, {pre, post, w.weight})))
        return false;
    } else {
      if (!add(base + "_pre.npy",
               encodeNpy(NpyType::I32, w.pre.data(), {w.pre.size()})) ||
          !add(base + "_post.npy",
               encodeNpy(NpyType::I32, w.post.data(), {w.post.size()})) ||
          !add(base + ".npy",
               encodeNpy(NpyType::F64, w.weight.data(), {w.weight.size()})))
        return false;
    }
  }
  // record.synapses: <projection>_state_pre.npy, _post.npy (i32) and
  // _<variable>.npy (f64) each, or <projection>_state.csv (pre, post, the
  // variables).
  for (const SynapseStateRecord &s : r.synapseStates) {
    std::string base = unique(safeName(s.projection) + "_state");
    if (csv) {
      std::vector<std::string> header{"pre", "post"};
      std::vector<std::vector<double>> cols{
          std::vector<double>(s.pre.begin(), s.pre.end()),
          std::vector<double>(s.post.begin(), s.post.end())};
      for (const auto &[name, values] : s.variables) {
        header.push_back(name);
        cols.push_back(values);
      }
      if (!add(base + ".csv", encodeCsv(header, cols)))
        return false;
      continue;
    }
    std::string pre = unique(base + "_pre"), post = unique(base + "_post");
    if (!add(pre + ".npy",
             encodeNpy(NpyType::I32, s.pre.data(), {s.pre.size()})) ||
        !add(post + ".npy",
             encodeNpy(NpyType::I32, s.post.data(), {s.post.size()})))
      return false;
    for (const auto &[name, values] : s.variables)
      if (!add(unique(base + "_" + safeName(name)) + ".npy",
               encodeNpy(NpyType::F64, values.data(), {values.size()})))
        return false;
  }
  for (const ConnectivityRecord &c : r.connectivity) {
    std::string base = unique(safeName(c.projection) + "_synapses");
    auto npy = [&](const char *suffix, NpyType type, const void *data,
                   size_t n) {
      return add(base + suffix, encodeNpy(type, data, {n}));
    };
    if (!npy("_row_ptr.npy", NpyType::I64, c.rowPtr.data(), c.rowPtr.size()) ||
        !npy("_col.npy", NpyType::I32, c.col.data(), c.col.size()))
      return false;
    if (c.hasWeights &&
        !npy("_weight.npy", c.weightF32 ? NpyType::F32 : NpyType::F64,
             c.weightBytes.data(),
             c.weightBytes.size() / (c.weightF32 ? 4 : 8)))
      return false;
    if (c.hasDelays &&
        !npy("_delay.npy", NpyType::I32, c.delaySteps.data(),
             c.delaySteps.size()))
      return false;
  }
  files.push_back("summary.json");
  r.files = files;
  r.outDir = dir;
  if (!out.add("summary.json", summaryJson(r), error) || !out.commit(error)) {
    r.outDir.clear();
    return false;
  }
  return true;
}

} // namespace

std::string formatSummary(const RunResult &r) {
  std::string out;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "snn run: %s, %lld steps of %s ms (%s ms biological), seed "
                "%llu, %s\n",
                r.model.empty() ? "(unnamed)" : r.model.c_str(),
                (long long)r.steps, formatNumber(r.dt).c_str(),
                formatNumber(stepTimeMs(r.steps, r.dt)).c_str(),
                (unsigned long long)r.seed, r.precision.c_str());
  out += buf;
  if (r.interrupted())
    out += "  " + detail::describeInterruption(r) + "\n";
  int width = 10;
  for (const PopulationResult &p : r.populations)
    width = std::max<int>(width, int(p.name.size()));
  std::snprintf(buf, sizeof buf, "  %-*s %8s %9s %11s\n", width, "population",
                "size", "spikes", "rate (Hz)");
  out += buf;
  for (const PopulationResult &p : r.populations) {
    std::snprintf(buf, sizeof buf, "  %-*s %8lld %9lld %11.2f\n", width,
                  p.name.c_str(), (long long)p.size, (long long)p.spikes,
                  p.rateHz);
    out += buf;
  }
  out += "  synapses: " + std::to_string(r.totalSynapses);
  if (!r.projections.empty()) {
    out += " (";
    for (size_t i = 0; i < r.projections.size(); ++i)
      out += (i ? ", " : "") + r.projections[i].name + " " +
             std::to_string(r.projections[i].synapses);
    out += ")";
  }
  out += "\n";
  if (!r.backend.target.empty())
    out += "  backend: " +
           (r.backend.summary.empty() ? r.backend.target : r.backend.summary) +
           "\n";
  std::snprintf(buf, sizeof buf,
                "  build %.2f s, simulation %.2f s, real-time factor %.3g\n",
                r.buildSeconds, r.simulationSeconds, r.realTimeFactor);
  out += buf;
  if (!r.outDir.empty()) {
    std::string dir = r.outDir;
    if (dir.back() != '/')
      dir += '/';
    out += "  output: " + dir + "\n";
  }
  return out;
}

namespace {

/// The CPU's connectivity device: the model's generated build kernels
/// (snn_build), run on the host by `threads` threads at once, on host
/// memory: the rows and delays kernels on a scratch while the network is
/// built, then fill, sort and values on the arena (runInit).
class HostBuildDevice final : public ConnectivityDevice {
public:
  HostBuildDevice(BuildFn build, int64_t threads)
      : build_(build), threads_(std::max<int64_t>(threads, 1)),
        kernels_([this](const GpuKernelRef &k, MemRefI8 *arena,
                        MemRefI8 *scratch, int64_t seed, int64_t n,
                        std::string &) {
          run(k, arena, scratch, seed, n);
          return true;
        }) {}

  bool runScratch(const GpuKernelRef &k, int64_t seed, int64_t n,
                  std::vector<int64_t> &words, std::string &error,
                  int64_t totalWords, int keepFor) override {
    return kernels_.runScratch(k, seed, n, words, error, totalWords, keepFor);
  }

  bool runOnArena(const Network &net, const GpuKernelRef &k, int64_t seed,
                  int64_t n, std::vector<int64_t> &words,
                  std::string &error) override {
    return kernels_.runOnArena(net, k, seed, n, words, error);
  }

  /// Runs net.deviceInit on the arena, in order; the rows' sort is the
  /// runtime's (sortRows).
  bool runInit(Network &net, std::string &error) {
    auto t0 = Clock::now();
    if (!kernels_.runInit(net, error, [&](const DeviceInit &init) {
          if (init.role != "sort")
            return false;
          sortRows(net, init.projection); // a mechanism, not a rule
          return true;
        }))
      return false;
    net.connectivitySeconds += secondsSince(t0);
    return true;
  }

private:
  /// Sorts every row of projection `e` ascending, as its sort kernel does
  /// (rows filled in an order that depends on the threads; equal posts are
  /// interchangeable, so every correct sort gives the same rows). On the
  /// host std::sort takes about half the time of the kernel's heap sort,
  /// which suits a GPU thread per row (the microcircuit's rows, drawn by
  /// the kernels: about 8 s against 5).
  static void sortRows(Network &net, int e) {
    const ProjectionDesc &pr = net.desc.projections[size_t(e)];
    const int64_t *rowPtr = net.arena.buffer<int64_t>(size_t(pr.rowPtr));
    int64_t rows = net.counts[size_t(pr.rowPtr)] - 1;
    auto sortAll = [&](auto *col) {
      detail::parallelFor(rows, 64, [&](int64_t b, int64_t end) {
        for (int64_t i = b; i < end; ++i)
          std::sort(col + rowPtr[i], col + rowPtr[i + 1]);
      });
    };
    if (net.desc.buffers[size_t(pr.col)].type == ScalarType::U16)
      sortAll(net.arena.buffer<uint16_t>(size_t(pr.col)));
    else
      sortAll(net.arena.buffer<int32_t>(size_t(pr.col)));
  }
  /// Kernel `k` on every thread at once (its grid-stride share each).
  void run(const GpuKernelRef &k, MemRefI8 *arena, MemRefI8 *scratch,
           int64_t seed, int64_t n) {
    // No more threads than items: the kernel's `work`, else its count n.
    int64_t work = k.work > 0 ? k.work : n;
    int64_t threads = std::min<int64_t>(threads_, std::max<int64_t>(work, 1));
    std::vector<std::thread> pool;
    int64_t started = 1;
    for (int64_t t = 1; t < threads; ++t) {
      try {
        pool.emplace_back([=] {
          build_(arena, scratch, seed, n, k.emulate, t, threads);
        });
        ++started;
      } catch (...) {
        break;
      }
    }
    // Threads that could not start: their shares, here.
    for (int64_t t = started; t < threads; ++t)
      build_(arena, scratch, seed, n, k.emulate, t, threads);
    build_(arena, scratch, seed, n, k.emulate, 0, threads);
    for (std::thread &th : pool)
      th.join();
  }

  BuildFn build_;
  int64_t threads_;
  detail::HostKernels kernels_;
};

} // namespace

bool runSimulation(const std::string &descriptorJson,
                   const StepFunctions &step,
                   const RunOptions &options, RunResult &result,
                   std::string &error) {
  result = RunResult();
  try {
    auto t0 = Clock::now();
    Descriptor d;
    if (!parseDescriptor(descriptorJson, d, error))
      return false;
    uint64_t seed = options.seed ? *options.seed : d.seed;
    int64_t steps = 0;
    if (!detail::resolveRunSteps(d, options, steps, error))
      return false;
    if (d.hasGpu) { // before building: that can take long
      error = "the model was compiled for the GPU (its descriptor has a "
              "\"gpu\" section): link it with libsnnrt_cuda_main.a or "
              "libsnnrt_emulate_main.a, not libsnnrt_main.a";
      return false;
    }
    // Connectivity and drawn values come from the model's generated build
    // and init kernels (the runtime draws nothing).
    Network net;
    BuildOptions build;
    std::unique_ptr<HostBuildDevice> device;
    if (step.build && (!d.build.empty() || !d.init.empty())) {
      device = std::make_unique<HostBuildDevice>(step.build,
                                                 detail::workerThreads());
      build.device = device.get();
    }
    if (!buildNetwork(d, seed, build, net, error))
      return false;
    if (device && !device->runInit(net, error))
      return false;
    if (!buildColumnIndices(net, error) || !findRecordedSynapses(net, error))
      return false;
    applyInitialCopies(net);
    double buildSeconds = secondsSince(t0);
    // From the first step until the outputs are written, SIGINT and SIGTERM
    // stop the run at a step boundary (and, while writing, wait for it).
    detail::InterruptibleScope interruptible;
    if (!simulateNetwork(net, step, steps, options, result, error))
      return false;
    result.buildSeconds = buildSeconds;
    if (options.saveConnectivity &&
        !collectConnectivity(net, device.get(), result, error))
      return false;
    if (!collectWeights(net, device.get(), result, error))
      return false;
    if (options.writeOutput &&
        !writeOutputs(result, d.record.format, options.outDir, error))
      return false;
    return true;
  } catch (const std::bad_alloc &) {
    error = "out of memory";
  } catch (const std::exception &e) {
    error = e.what();
  }
  return false;
}

} // namespace snnrt
