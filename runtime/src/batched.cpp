//===- batched.cpp - The batched run loop of GPU targets ------------------===//

#include "snnrt/batched.h"
#include "snnrt/descriptor.h"
#include "snnrt/io.h"
#include "snnrt/network.h"
#include "snnrt/progress.h"

#include "interrupt.h"
#include "run_internal.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>
#include <unistd.h>

namespace snnrt {

StepBackend::~StepBackend() = default;

using detail::Clock;
using detail::secondsSince;

bool bufferByteRange(const Network &net, int buffer, uint64_t first,
                     uint64_t count, uint64_t &offset, uint64_t &bytes,
                     std::string &error) {
  if (buffer < 0 || size_t(buffer) >= net.arena.numBuffers() ||
      size_t(buffer) >= net.desc.buffers.size()) {
    error = "no buffer " + std::to_string(buffer);
    return false;
  }
  const ArenaSlot &slot = net.arena.slot(size_t(buffer));
  if (first > slot.count || count > slot.count - first) {
    error = "elements " + std::to_string(first) + ".." +
            std::to_string(first + count) + " are outside buffer " +
            std::to_string(buffer) + " (" + net.desc.buffers[buffer].name +
            ", " + std::to_string(slot.count) + " elements)";
    return false;
  }
  uint64_t size = scalarTypeSize(net.desc.buffers[buffer].type);
  offset = slot.offset + first * size;
  bytes = count * size;
  return true;
}

bool chooseBatchSteps(const Descriptor &d, int64_t steps,
                      std::optional<int64_t> requested, int64_t &batchSteps,
                      std::string &error) {
  // A batch never needs to be longer than the run (rounded up to even).
  int64_t cap = std::max<int64_t>(2, steps + (steps & 1));
  if (requested) {
    if (*requested < 2 || *requested % 2 != 0) {
      error = "invalid batch size " + std::to_string(*requested) +
              " (steps per batch must be a positive even number)";
      return false;
    }
    batchSteps = std::min(*requested, cap);
    return true;
  }
  int64_t b = d.gpu.batchSteps > 0 ? d.gpu.batchSteps : kDefaultBatchSteps;
  if (b > INT64_MAX - 1)
    b = INT64_MAX - 1;
  b += b & 1;
  b = std::min(b, cap);

  // Keep one batch of recordings small, and within 32-bit device counters.
  double perStep = 0, fixed = 0;
  int64_t limit = b;
  for (const GpuSpikeRecordDesc &r : d.gpu.recordSpikes) {
    int64_t size = d.populations[r.populationIndex].size;
    perStep += 2.0 * 4 * double(size);
    if (size > 0)
      limit = std::min<int64_t>(limit, INT32_MAX / size);
  }
  for (const GpuStateRecordDesc &r : d.gpu.recordState) {
    const StateRecordDesc &s = d.record.state[r.record];
    double bytes = double(s.neurons.size()) *
                   double(scalarTypeSize(d.buffers[r.values].type));
    perStep += bytes / double(s.every);
    fixed += 2 * bytes;
    int64_t n = int64_t(s.neurons.size());
    if (n > 0) {
      int64_t samples = INT32_MAX / n - 2;
      limit =
          std::min<int64_t>(limit, samples > 0 && samples < INT64_MAX / s.every
                                       ? samples * s.every
                                       : (samples > 0 ? INT64_MAX : 0));
    }
  }
  if (perStep > 0) {
    double fit = std::floor((kMaxDefaultRecordBytes - fixed) / perStep);
    if (fit < double(limit))
      limit = fit < 2 ? 2 : int64_t(fit);
  }
  b = std::min(b, limit);
  b -= b & 1;
  batchSteps = std::max<int64_t>(b, 2);
  return true;
}

namespace {

/// Number of multiples of `every` in [b, e).
int64_t multiplesIn(int64_t b, int64_t e, int64_t every) {
  if (e <= b)
    return 0;
  int64_t first = (b + every - 1) / every; // b >= 0
  int64_t last = (e - 1) / every;
  return last >= first ? last - first + 1 : 0;
}

std::string stepRange(int64_t b, int64_t e) {
  return e - b == 1
             ? "step " + std::to_string(b)
             : "steps " + std::to_string(b) + ".." + std::to_string(e - 1);
}

class BatchedRun {
public:
  BatchedRun(Network &net, StepBackend &backend, int64_t steps,
             const RunOptions &options, RunResult &result, std::string &error)
      : net(net), d(net.desc), backend(backend), steps(steps), options(options),
        result(result), error(error) {}

  bool run();

private:
  Network &net;
  const Descriptor &d;
  StepBackend &backend;
  int64_t steps;
  const RunOptions &options;
  RunResult &result;
  std::string &error;

  std::vector<int> spikeRecord;      // population -> result.spikes index
  std::vector<int64_t> recorded;     // population -> spikes read
  std::vector<int32_t> ids, stepsOf; // scratch
  std::vector<uint64_t> keys;
  std::vector<uint8_t> bytes;

  bool readSpikes(const GpuSpikeRecordDesc &r, int64_t b, int64_t e);
  bool readState(size_t k, int64_t b, int64_t e);
  /// The per-post index of every synapse model's projection that has one,
  /// from its rows as the device holds them after upload (build kernels
  /// may have written them there), built on the host and written back.
  bool buildDeviceColumnIndices(std::string &error);
  /// The synapses of each synapse recording and their first sample
  /// (findRecordedSynapses), from the rows and values the device holds,
  /// written to the device.
  bool findDeviceRecordedSynapses(std::string &error);
  /// The descriptor's initial copies, of the values the device holds.
  bool initialCopies(std::string &error) {
    for (auto [from, to] : d.initialCopies)
      if (!fetch(from, error))
        return false;
    applyInitialCopies(net);
    for (auto [from, to] : d.initialCopies)
      if (!put(to, error))
        return false;
    return true;
  }
  /// Buffer `buffer` (a whole one) from the device into net.arena.
  bool fetch(int buffer, std::string &error) {
    return buffer < 0 ||
           backend.read(buffer, 0, net.arena.slot(size_t(buffer)).count,
                        net.arena.buffer<uint8_t>(size_t(buffer)), error);
  }
  /// Buffer `buffer` from net.arena to the device.
  bool put(int buffer, std::string &error) {
    return buffer < 0 ||
           backend.write(buffer, 0, net.arena.slot(size_t(buffer)).count,
                         net.arena.buffer<uint8_t>(size_t(buffer)), error);
  }
  bool fail(const std::string &msg) {
    error = msg;
    return false;
  }
};

bool BatchedRun::readSpikes(const GpuSpikeRecordDesc &r, int64_t b, int64_t e) {
  const PopulationDesc &p = d.populations[r.populationIndex];
  int32_t count = 0;
  if (!backend.read(r.count, 0, 1, &count, error))
    return false;
  int64_t capacity = std::min(net.counts[r.ids], net.counts[r.steps]);
  if (count < 0 || count > capacity)
    return fail(stepRange(b, e) + ": population \"" + p.name + "\" recorded " +
                std::to_string(count) + " spikes, outside its capacity [0, " +
                std::to_string(capacity) + "]");
  if (count == 0)
    return true;
  ids.resize(size_t(count));
  stepsOf.resize(size_t(count));
  if (!backend.read(r.ids, 0, uint64_t(count), ids.data(), error) ||
      !backend.read(r.steps, 0, uint64_t(count), stepsOf.data(), error) ||
      !backend.zero(r.count, error))
    return false;
  keys.resize(size_t(count));
  for (int32_t i = 0; i < count; ++i) {
    int32_t id = ids[i], s = stepsOf[i];
    if (id < 0 || id >= p.size)
      return fail(stepRange(b, e) + ": population \"" + p.name +
                  "\" recorded a spike of neuron " + std::to_string(id) +
                  " (size " + std::to_string(p.size) + ")");
    if (s < b || s >= e)
      return fail(stepRange(b, e) + ": population \"" + p.name +
                  "\" recorded a spike of neuron " + std::to_string(id) +
                  " at step " + std::to_string(s) + ", outside the batch");
    keys[i] = (uint64_t(uint32_t(s)) << 32) | uint32_t(id);
  }
  std::sort(keys.begin(), keys.end());
  SpikeRecord &out = result.spikes[spikeRecord[r.populationIndex]];
  out.timesMs.reserve(out.timesMs.size() + keys.size());
  out.neurons.reserve(out.neurons.size() + keys.size());
  int64_t lastStep = -1;
  double t = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    int64_t s = int64_t(keys[i] >> 32);
    int32_t id = int32_t(uint32_t(keys[i]));
    if (i > 0 && keys[i] == keys[i - 1])
      return fail("step " + std::to_string(s) + ": population \"" + p.name +
                  "\" recorded neuron " + std::to_string(id) +
                  " spiking twice");
    if (s != lastStep) {
      t = stepTimeMs(s, d.dt);
      lastStep = s;
    }
    out.timesMs.push_back(t);
    out.neurons.push_back(id);
  }
  recorded[r.populationIndex] += count;
  return true;
}

bool BatchedRun::buildDeviceColumnIndices(std::string &error) {
  bool any = false;
  for (const ProjectionDesc &pr : d.projections) {
    if (pr.colPtr < 0)
      continue;
    any = true;
    if (!fetch(pr.rowPtr, error) || !fetch(pr.col, error))
      return false;
  }
  if (!any)
    return true;
  if (!buildColumnIndices(net, error))
    return false;
  for (const ProjectionDesc &pr : d.projections)
    if (pr.colPtr >= 0 && (!put(pr.colPtr, error) || !put(pr.colSyn, error) ||
                           !put(pr.colPre, error)))
      return false;
  return true;
}

bool BatchedRun::findDeviceRecordedSynapses(std::string &error) {
  bool any = false;
  for (const StateRecordDesc &s : d.record.state) {
    if (!s.ofSynapses())
      continue;
    any = true;
    const ProjectionDesc &pr = d.projections[size_t(s.projectionIndex)];
    if (!fetch(pr.rowPtr, error) || !fetch(pr.col, error) ||
        !fetch(s.source, error))
      return false;
  }
  if (!any)
    return true;
  if (!findRecordedSynapses(net, error))
    return false;
  for (const StateRecordDesc &s : d.record.state)
    if (s.ofSynapses() && (!put(s.synapses, error) || !put(s.buffer, error)))
      return false;
  return true;
}

bool BatchedRun::readState(size_t k, int64_t b, int64_t e) {
  const StateRecordDesc &s = d.record.state[k];
  const GpuStateRecordDesc &r = d.gpu.recordState[k];
  int64_t samples = 0;
  if (!backend.read(r.samples, 0, 1, &samples, error))
    return false;
  int64_t expected = multiplesIn(b, e, s.every);
  std::string what = "record.state[" + std::to_string(k) + "] (" +
                     s.population + "." + s.variable + ")";
  if (samples != expected)
    return fail(stepRange(b, e) + ": " + what + ": the device wrote " +
                std::to_string(samples) + " samples, expected " +
                std::to_string(expected) + " (one every " +
                std::to_string(s.every) + " steps)");
  if (samples == 0)
    return true;
  uint64_t n = s.neurons.size();
  uint64_t values = uint64_t(samples) * n;
  if (values > uint64_t(net.counts[r.values]))
    return fail(what + ": " + std::to_string(samples) +
                " samples do not fit its buffer of " +
                std::to_string(net.counts[r.values]) + " values");
  ScalarType type = d.buffers[r.values].type;
  bytes.resize(size_t(values * scalarTypeSize(type)));
  if ((values > 0 && !backend.read(r.values, 0, values, bytes.data(), error)) ||
      !backend.zero(r.samples, error))
    return false;
  StateRecord &out = result.states[k];
  int64_t step = (b + s.every - 1) / s.every * s.every;
  for (int64_t j = 0; j < samples; ++j, step += s.every) {
    out.timesMs.push_back(stepTimeMs(step, d.dt));
    for (uint64_t i = 0; i < n; ++i)
      out.values.push_back(
          detail::loadScalar(type, bytes.data(), int64_t(j * n + i)));
  }
  return true;
}

bool BatchedRun::run() {
  spikeRecord = detail::initRunResult(net, steps, result);
  if (!d.hasGpu)
    return fail("the model was compiled for the CPU (its descriptor has no "
                "\"gpu\" section): link it with libsnnrt_main.a");
  int64_t batch = net.batchSteps;
  if (batch < 2 || batch % 2 != 0)
    return fail("invalid batch size " + std::to_string(batch) +
                " (the network must be built with an even "
                "BuildOptions::batchSteps)");
  if (steps > INT32_MAX)
    return fail("a GPU run has at most 2^31 - 1 steps, not " +
                std::to_string(steps));
  size_t npops = d.populations.size();
  recorded.assign(npops, 0);
  if (!net.deviceInit.empty() && !backend.connectivityDevice())
    return fail("the network was built for kernels on the device "
                "(connectivity, drawn values), but this backend cannot run "
                "build kernels");

  auto tUpload = Clock::now();
  if (!backend.upload(net, error) || !buildDeviceColumnIndices(error) ||
      !findDeviceRecordedSynapses(error) || !initialCopies(error))
    return false;
  result.buildSeconds += secondsSince(tUpload);

  bool terminal = ::isatty(::fileno(stderr)) != 0;
  ProgressReporter progress(options.progress ? stderr : nullptr, terminal,
                            steps);
  auto t0 = Clock::now();
  auto stop = [&] {
    progress.finish(secondsSince(t0));
    return false;
  };
  int64_t batches = 0;
  // The host sees the device only between batches: that is where an
  // interrupted run stops (the batch in progress runs to its end, and its
  // recordings are read, so the steps that ran are all recorded).
  int64_t ran = 0;
  for (int64_t b = 0; b < steps; b += batch) {
    if (int signal = detail::pendingInterrupt()) {
      result.interruptSignal = signal;
      break;
    }
    int64_t e = std::min(steps, b + batch);
    if (options.interruptAtStep && *options.interruptAtStep >= b &&
        *options.interruptAtStep < e)
      requestInterrupt(options.interruptSignal);
    if (!backend.runSteps(b, e - b, error))
      return stop();
    ++batches;
    for (const GpuSpikeRecordDesc &r : d.gpu.recordSpikes)
      if (!readSpikes(r, b, e))
        return stop();
    for (size_t k = 0; k < d.record.state.size(); ++k)
      if (!readState(k, b, e))
        return stop();
    if (options.progress)
      progress.update(e, secondsSince(t0));
    ran = e;
  }
  // From here on, the run is the steps that ran (all of them unless
  // interrupted): the device's counters must agree with that.
  steps = ran;
  result.steps = ran;

  // Totals and the step counter, once at the end.
  std::vector<int64_t> totals(npops, 0);
  for (const GpuTotalDesc &t : d.gpu.totals)
    if (!backend.read(t.buffer, 0, 1, &totals[t.populationIndex], error))
      return stop();
  int64_t cell[2] = {0, 0};
  if (!backend.read(d.gpu.step, 0, 2, cell, error))
    return stop();
  result.simulationSeconds = secondsSince(t0);
  progress.finish(result.simulationSeconds);

  const std::string &stepName = d.buffers[d.gpu.step].name;
  if (cell[steps & 1] != steps)
    return fail(
        "after " + std::to_string(steps) + " steps the device's step counter " +
        (stepName.empty() ? "snn.step" : stepName) + "[" +
        std::to_string(steps & 1) + "] is " + std::to_string(cell[steps & 1]) +
        ", expected " + std::to_string(steps) +
        " (not every step ran to its end-of-step bookkeeping)");
  for (size_t p = 0; p < npops; ++p) {
    const PopulationDesc &pd = d.populations[p];
    if (totals[p] < 0 || (pd.size > 0 && totals[p] / pd.size > steps) ||
        (pd.size == 0 && totals[p] != 0))
      return fail("population \"" + pd.name + "\": the device counted " +
                  std::to_string(totals[p]) + " spikes in " +
                  std::to_string(steps) + " steps (size " +
                  std::to_string(pd.size) + ")");
    if (spikeRecord[p] >= 0 && recorded[p] != totals[p])
      return fail("population \"" + pd.name + "\": the device recorded " +
                  std::to_string(recorded[p]) + " spikes but counted " +
                  std::to_string(totals[p]));
  }
  detail::finishRunResult(totals, result);

  // The final state, for inspection (and checkpoints).
  // Synapse models change what the build kernels wrote (their weights and
  // variables): with one, all of it.
  bool plastic = std::any_of(
      d.projections.begin(), d.projections.end(),
      [](const ProjectionDesc &pr) { return pr.plastic(); });
  if (!backend.download(net,
                        options.downloadConnectivity ||
                            options.saveConnectivity ||
                            !net.desc.record.weights.empty() || plastic,
                        error))
    return false;
  if (options.saveConnectivity &&
      !collectConnectivity(net, backend.connectivityDevice(), result, error))
    return false;
  if (!collectWeights(net, backend.connectivityDevice(), result, error))
    return false;

  result.backend = backend.report();
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(
      result.backend.json.empty() ? "{}" : result.backend.json, nullptr, false);
  if (!j.is_object())
    j = nlohmann::ordered_json::object();
  j["batch_steps"] = batch;
  j["batches"] = batches;
  std::string &summary = result.backend.summary;
  summary += (summary.empty() ? "" : ", ") + std::string("batches of ") +
             std::to_string(batch) + " steps";
  if (!d.projections.empty()) {
    // Where the synapses were drawn, and how long that took.
    nlohmann::ordered_json onDevice = nlohmann::ordered_json::array(),
                           onHost = nlohmann::ordered_json::array();
    for (size_t e = 0; e < d.projections.size(); ++e)
      (e < net.deviceBuilt.size() && net.deviceBuilt[e] ? onDevice : onHost)
          .push_back(d.projections[e].name);
    j["connectivity"] = {{"device", onDevice}, {"host", onHost}};
    j["connectivity_seconds"] = net.connectivitySeconds;
    size_t nd = onDevice.size(), nh = onHost.size();
    auto count = [](size_t n, bool word) {
      return std::to_string(n) +
             (word ? (n == 1 ? " projection" : " projections") : "");
    };
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3g s", net.connectivitySeconds);
    summary += ", connectivity: ";
    if (nd)
      summary += "device (" + count(nd, true) + ")";
    if (nh)
      summary += std::string(nd ? ", " : "") + "host (" + count(nh, !nd) + ")";
    summary += ", " + std::string(seconds);
  }
  result.backend.json =
      j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return true;
}

} // namespace

bool simulateBatched(Network &net, StepBackend &backend, int64_t steps,
                     const RunOptions &options, RunResult &result,
                     std::string &error) {
  try {
    detail::InterruptibleScope interruptible;
    return BatchedRun(net, backend, steps, options, result, error).run();
  } catch (const std::bad_alloc &) {
    error = "out of memory while recording";
  } catch (const std::exception &e) {
    error = e.what();
  }
  return false;
}

bool runBatchedSimulation(const std::string &descriptorJson,
                          const BackendFactory &makeBackend,
                          const RunOptions &options, RunResult &result,
                          std::string &error) {
  result = RunResult();
  try {
    auto t0 = Clock::now();
    Descriptor d;
    if (!parseDescriptor(descriptorJson, d, error))
      return false;
    if (!d.hasGpu) {
      error = "the model was compiled for the CPU (its descriptor has no "
              "\"gpu\" section): link it with libsnnrt_main.a";
      return false;
    }
    uint64_t seed = options.seed ? *options.seed : d.seed;
    int64_t steps = 0;
    if (!detail::resolveRunSteps(d, options, steps, error))
      return false;
    if (steps > INT32_MAX) {
      error =
          "a GPU run has at most 2^31 - 1 steps, not " + std::to_string(steps);
      return false;
    }
    BuildOptions build;
    if (!chooseBatchSteps(d, steps, options.batchSteps, build.batchSteps,
                          error))
      return false;
    if (!makeBackend) {
      error = "no backend";
      return false;
    }
    // The backend first: it may build the connectivity.
    std::unique_ptr<StepBackend> backend = makeBackend(d, error);
    if (!backend)
      return false;
    build.device = backend->connectivityDevice();
    Network net;
    if (!buildNetwork(d, seed, build, net, error))
      return false;
    result.buildSeconds = secondsSince(t0);
    // From the upload until the outputs are written, SIGINT and SIGTERM stop
    // the run at the end of a batch (and, while writing, wait for it).
    detail::InterruptibleScope interruptible;
    if (!simulateBatched(net, *backend, steps, options, result, error))
      return false;
    backend.reset(); // release the device before writing files
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
