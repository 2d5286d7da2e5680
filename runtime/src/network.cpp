//===- network.cpp - Building and initialising the arena
//-------------------===//

#include "snnrt/network.h"
#include "snnrt/connectivity.h"
#include "snnrt/io.h"

#include "parallel.h"
#include "run_internal.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>
#include <unistd.h>

namespace snnrt {

ConnectivityDevice::~ConnectivityDevice() = default;

int64_t Network::totalSynapses() const {
  int64_t t = 0;
  for (int64_t s : synapses)
    t += s;
  return t;
}

int64_t Network::deviceBuiltProjections() const {
  return int64_t(std::count(deviceBuilt.begin(), deviceBuilt.end(), true));
}

namespace {

struct BuildError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string &msg) { throw BuildError(msg); }

using detail::Clock;
using detail::secondsSince;

/// "population 'exc'", or "source 'noise'" for spike sources.
std::string populationLabel(const PopulationDesc &p) {
  return std::string(p.kind == PopulationKind::Neuron ? "population '"
                                                      : "source '") +
         p.name + "'";
}

/// "normal(1 ms, 0.5 ms)": a random value specification, for messages.
std::string describeSpec(const ValueSpec &spec, const char *unit) {
  std::string u = *unit ? std::string(" ") + unit : "";
  switch (spec.kind) {
  case ValueSpec::Kind::Uniform:
    return "uniform(" + formatNumber(spec.low) + u + ", " +
           formatNumber(spec.high) + u + ")";
  case ValueSpec::Kind::Normal: {
    std::string s = "normal(" + formatNumber(spec.mean) + u + ", " +
                    formatNumber(spec.std) + u + ")";
    if (std::isfinite(spec.clipLow) || std::isfinite(spec.clipHigh))
      s += " clipped to [" +
           (std::isfinite(spec.clipLow) ? formatNumber(spec.clipLow) + u
                                        : std::string("none")) +
           ", " +
           (std::isfinite(spec.clipHigh) ? formatNumber(spec.clipHigh) + u
                                         : std::string("none")) +
           "]";
    return s;
  }
  case ValueSpec::Kind::Constant:
    return formatNumber(spec.value) + u;
  case ValueSpec::Kind::File:
    return spec.file;
  case ValueSpec::Kind::FromList:
    return "the synapse list";
  }
  return "";
}

/// How to keep a random quantity in range, for the end of messages.
const char *kBoundHint =
    "; bound the distribution in the model with \"clip\": [low, high] "
    "(docs/model-format.md, \"Value specifications\")";

void store(ScalarType t, uint8_t *base, int64_t i, double v) {
  switch (t) {
  case ScalarType::F64:
    reinterpret_cast<double *>(base)[i] = v;
    break;
  case ScalarType::F32:
    reinterpret_cast<float *>(base)[i] = float(v);
    break;
  case ScalarType::I32:
    reinterpret_cast<int32_t *>(base)[i] = int32_t(std::llround(v));
    break;
  case ScalarType::I64:
    reinterpret_cast<int64_t *>(base)[i] = int64_t(std::llround(v));
    break;
  case ScalarType::U16:
    reinterpret_cast<uint16_t *>(base)[i] = uint16_t(std::llround(v));
    break;
  }
}

/// Tables are loaded once per path.
class TableCache {
public:
  const Table &get(const std::string &path) {
    auto it = tables.find(path);
    if (it != tables.end())
      return it->second;
    Table t;
    std::string error;
    if (!readTable(path, t, error))
      fail(error);
    return tables.emplace(path, std::move(t)).first->second;
  }

private:
  std::map<std::string, Table> tables;
};

/// Per-synapse values of a constant, file or from_list value spec, read
/// lazily (thread-safe). Uniform and normal values are drawn by the model's
/// build kernels, never here.
struct SynapseValues {
  bool constant = true;
  double a = 0;                                 // constant
  const std::vector<double> *column = nullptr;  // file / from_list
  const std::vector<int64_t> *source = nullptr; // synapse -> table row
  double scale = 1.0; // file / from_list: the column's unit

  double operator()(int64_t s) const {
    if (constant)
      return a;
    return (*column)[source && !source->empty() ? (*source)[s] : s] * scale;
  }
};

class Builder {
public:
  Builder(const Descriptor &d, uint64_t seed, const BuildOptions &options,
          Network &net)
      : d(d), seed(seed), options(options), net(net) {}

  void build();

private:
  const Descriptor &d;
  uint64_t seed;
  const BuildOptions &options;
  Network &net;
  TableCache tables;
  std::vector<SpikeArray> spikeArrays;
  std::vector<Csr> csr;
  std::vector<ListColumns> listColumns;
  std::vector<std::vector<int32_t>> delaySteps; // per projection with buffer
  /// Per projection: its gpu.build entry when built on the device, or null.
  std::vector<const GpuBuildDesc *> onDevice;

  /// Buffer `k` exists and the host fills it.
  bool hostFilled(int k) const { return k >= 0 && !net.deviceWritten[k]; }
  /// "projection 'ee'": how messages name things (the model's names).
  std::string projName(size_t e) const {
    return "projection '" + d.projections[e].name + "'";
  }
  /// "population 'exc'", or "source 'noise'" for spike sources.
  std::string popName(size_t i) const {
    return populationLabel(d.populations[i]);
  }
  /// `weight`: the values are weights (else delays).
  SynapseValues synapseValues(size_t e, const ValueSpec &spec, bool weight,
                              const std::string &what);
  void runOnDevice(size_t e, const GpuKernelRef &k, const char *role, int64_t n,
                   std::vector<int64_t> &words, int64_t totalWords = 0,
                   int keepFor = -1);
  void buildRowsOnDevice(size_t e);
  bool delaysOnDevice(size_t e);
  /// Counts the invalid delays among the `n` of `values` and fails.
  [[noreturn]] void failBadDelays(size_t e, const SynapseValues &values,
                                  int64_t n, const std::string &what);
  /// Fails with the message about `negative` + `tooLong` invalid delays of
  /// `n`, the first synapse `first` with delay `firstMs`.
  [[noreturn]] void failBadDelays(size_t e, int64_t negative, int64_t tooLong,
                                  int64_t first, double firstMs, int64_t n,
                                  const std::string &what);
  void buildProjection(size_t e);
  /// Fails: `what`, drawn by the model's build kernels, has none here.
  [[noreturn]] void failNotDrawn(size_t e, const std::string &what);
  /// Fills `buffer` with the `n` values of `spec` (constants, files), or
  /// queues its init kernel (uniform and normal values); `rate`: the values
  /// are a Poisson source's rates.
  void fillValues(int buffer, const ValueSpec &spec, int64_t n, bool rate,
                  const std::string &what);
  /// The table of a timed-array current, row-major.
  void fillTable(const CurrentDesc &cur);
  void checkFixedCount(int buffer, int64_t expected, const std::string &what);
  void checkMemory();
};

/// Expected synapse count of a projection before it is built (lists: 0, their
/// file's size already bounds them).
double expectedSynapses(const Descriptor &d, const ProjectionDesc &pr) {
  const ConnectivityDesc &cd = pr.connectivity;
  double npre = double(d.populations[pr.preIndex].size);
  double npost = double(d.populations[pr.postIndex].size);
  bool self = pr.preIndex == pr.postIndex;
  switch (cd.kind) {
  case ConnectivityDesc::Kind::AllToAll:
    return npre * npost - (self && !cd.allowSelf ? npre : 0.0);
  case ConnectivityDesc::Kind::OneToOne:
    return npre;
  case ConnectivityDesc::Kind::FixedProbability:
    return cd.p * npre * npost;
  case ConnectivityDesc::Kind::FixedIndegree:
    return double(cd.indegree) * npost;
  case ConnectivityDesc::Kind::FixedTotalNumber:
    return double(cd.total);
  case ConnectivityDesc::Kind::List:
    return 0.0;
  }
  return 0.0;
}

/// Refuses, with a message naming the largest projection, a network whose
/// synapses cannot fit in this machine's memory: building it would only end
/// in the kernel's out-of-memory killer, after minutes of work.
void Builder::checkMemory() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || pageSize <= 0)
    return;
  double physical = double(pages) * double(pageSize);
  size_t weightBytes = scalarTypeSize(d.precision);
  double total = 0.0, synapses = 0.0, largest = 0.0;
  std::string largestName;
  for (size_t e = 0; e < d.projections.size(); ++e) {
    const ProjectionDesc &pr = d.projections[e];
    double n = expectedSynapses(d, pr);
    synapses += n;
    // While building: the CSR being built (i32 columns) and its copy into
    // the arena, the weights and delays when they vary. The
    // device builds its projections' columns, and the values it computes:
    // the host holds their row pointers (and the values it still fills).
    double columnBytes =
        pr.col >= 0 ? double(scalarTypeSize(d.buffers[pr.col].type)) : 0.0;
    // On the CPU the "device" is this machine: what its kernels write
    // (columns, weights, delays) is host memory too.
    bool drawn = onDevice[e] && onDevice[e]->drawsSynapses();
    bool hostArena = !d.hasGpu;
    auto held = [&](int k) { return k >= 0 && (hostArena || hostFilled(k)); };
    double perSynapse =
        (drawn ? (hostArena ? columnBytes : 0.0) : 4 + columnBytes) +
        (held(pr.weightBuffer) ? weightBytes : 0) +
        (held(pr.delayBuffer) ? 4 : 0);
    // A synapse model's variables, last events, per-post index (with its
    // pre neurons) and order by delay.
    for (const ProjectionDesc::SynapseVariable &v : pr.synapseVariables)
      perSynapse += held(v.buffer) ? weightBytes : 0;
    perSynapse += (held(pr.lastUpdate) ? 8 : 0) + (held(pr.colSyn) ? 4 : 0) +
                  (held(pr.delaySyn) ? 4 : 0);
    if (held(pr.colPre))
      perSynapse += double(scalarTypeSize(d.buffers[size_t(pr.colPre)].type));
    total += n * perSynapse;
    // The storage's other buffers (dense: the rows of bits), whatever the
    // synapse count.
    for (int k : pr.stored)
      if (held(k) && d.buffers[size_t(k)].count.kind ==
                         BufferCount::Kind::Fixed)
        total += double(d.buffers[size_t(k)].count.value) *
                 double(scalarTypeSize(d.buffers[size_t(k)].type));
    if (drawn)
      total += 2.0 * 8 * double(d.populations[pr.preIndex].size + 1);
    if (n > largest) {
      largest = n;
      largestName = pr.name;
    }
  }
  // GPU targets: the device-side recording buffers of one batch live in the
  // arena too (worst case: every neuron spikes every step).
  double recordBytes = 0.0;
  if (d.hasGpu) {
    double batch = double(std::max<int64_t>(options.batchSteps, 0));
    for (const GpuSpikeRecordDesc &r : d.gpu.recordSpikes)
      recordBytes +=
          2.0 * 4 * double(d.populations[r.populationIndex].size) * batch;
    for (const GpuStateRecordDesc &r : d.gpu.recordState) {
      const StateRecordDesc &sr = d.record.state[r.record];
      recordBytes += double(sr.neurons.size()) *
                     (std::floor(batch / double(sr.every)) + 2) *
                     double(scalarTypeSize(d.buffers[r.values].type));
    }
  }
  if (total + recordBytes <= physical)
    return;
  auto g = [](double x) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", x);
    return std::string(buffer);
  };
  if (recordBytes == 0.0)
    fail("the network needs about " + g(total / 1e9) + " GB for its " +
         g(synapses) + " synapses, more than this machine's " +
         g(physical / 1e9) + " GB of memory (largest projection: \"" +
         largestName + "\", about " + g(largest) + " synapses)");
  std::string batch = std::to_string(options.batchSteps);
  if (total == 0.0)
    fail("recording a batch of " + batch + " steps on the device needs about " +
         g(recordBytes / 1e9) + " GB, more than this machine's " +
         g(physical / 1e9) + " GB of memory (fewer steps per batch need less)");
  fail("the network needs about " + g((total + recordBytes) / 1e9) + " GB (" +
       g(total / 1e9) + " GB for its " + g(synapses) + " synapses, " +
       g(recordBytes / 1e9) + " GB to record a batch of " + batch +
       " steps), more than this machine's " + g(physical / 1e9) +
       " GB of memory (fewer steps per batch need less)");
}

SynapseValues Builder::synapseValues(size_t e, const ValueSpec &spec,
                                     bool weight, const std::string &what) {
  const ProjectionDesc &pr = d.projections[e];
  SynapseValues v;
  int64_t n = net.synapses[e];
  bool isList = pr.connectivity.kind == ConnectivityDesc::Kind::List;
  switch (spec.kind) {
  case ValueSpec::Kind::Constant:
    v.a = spec.value;
    break;
  case ValueSpec::Kind::Uniform:
  case ValueSpec::Kind::Normal:
    failNotDrawn(e, what + " (" + describeSpec(spec, weight ? "" : "ms") +
                        ")");
  case ValueSpec::Kind::File: {
    if (!spec.index.empty())
      fail(what + ": an index column (\"" + spec.index +
           "\") is for per-neuron files; per-synapse values follow the "
           "synapses' order");
    const Table &t = tables.get(spec.file);
    int c;
    std::string error;
    if (!selectColumn(t, spec.file, spec.column, c, error))
      fail(what + ": " + error);
    if (int64_t(t.rows()) != n)
      fail(what + ": " + spec.file + " has " + std::to_string(t.rows()) +
           " rows, expected one per synapse (" + std::to_string(n) + ")");
    v.constant = false;
    v.column = &t.data[c];
    if (isList)
      v.source = &csr[e].source; // file rows follow the list's rows
    break;
  }
  case ValueSpec::Kind::FromList: {
    const Table &t = tables.get(pr.connectivity.file);
    int c = findListValueColumn(t, listColumns[e], spec.column);
    if (c < 0)
      fail(what + ": " + pr.connectivity.file + " has no column \"" +
           spec.column + "\"");
    v.constant = false;
    v.column = &t.data[c];
    v.source = &csr[e].source;
    break;
  }
  }
  v.scale = spec.scale;
  // Values read from files now, not at compile time: they may have changed.
  if (v.column) {
    const std::string &file = spec.kind == ValueSpec::Kind::FromList
                                  ? pr.connectivity.file
                                  : spec.file;
    const Table &t = tables.get(file);
    const bool f32 = pr.weightBuffer >= 0 && weight &&
                     d.buffers[pr.weightBuffer].type == ScalarType::F32;
    for (size_t r = 0; r < v.column->size(); ++r) {
      double x = (*v.column)[r] * v.scale;
      if (!std::isfinite(x))
        fail(what + ": " + t.rowLocation(file, r) + ": value " +
             formatNumber(x) + " is not finite");
      if (f32 && std::fabs(x) > double(std::numeric_limits<float>::max()))
        fail(what + ": " + t.rowLocation(file, r) + ": value " +
             formatNumber(x) + " does not fit a float (the model is f32)");
    }
  }
  return v;
}

void Builder::runOnDevice(size_t e, const GpuKernelRef &k, const char *role,
                          int64_t n, std::vector<int64_t> &words,
                          int64_t totalWords, int keepFor) {
  std::string error;
  size_t size = words.size();
  if (!options.device->runScratch(k, int64_t(seed), n, words, error,
                                  totalWords, keepFor))
    fail(projName(e) + ": " + role + " kernel " + k.kernel + ": " + error);
  if (words.size() != size)
    fail(projName(e) + ": " + role + " kernel " + k.kernel + ": the device " +
         "returned " + std::to_string(words.size()) + " words, not " +
         std::to_string(size));
}

/// The row lengths from the device's rows kernel, checked, into row_ptr.
void Builder::buildRowsOnDevice(size_t e) {
  const GpuBuildDesc &b = *onDevice[e];
  const ProjectionDesc &pr = d.projections[e];
  int64_t npre = d.populations[pr.preIndex].size;
  int64_t npost = d.populations[pr.postIndex].size;
  Csr &c = csr[e];
  c = Csr();
  c.rowPtr.assign(size_t(npre) + 1, 0);
  if (npre > 0) {
    // fixed_indegree: a larger scratch, kept for the fill kernel.
    std::vector<int64_t> words(size_t(npre), 0);
    if (b.scratchWords > 0)
      runOnDevice(e, b.rows, "rows", npre, words, b.scratchWords, int(e));
    else
      runOnDevice(e, b.rows, "rows", npre, words);
    // A row holds at most npost synapses, or, with multapses
    // (fixed_total_number), at most all of them.
    int64_t most = pr.connectivity.kind == ConnectivityDesc::Kind::FixedTotalNumber
                       ? pr.connectivity.total
                       : npost;
    for (int64_t i = 0; i < npre; ++i) {
      int64_t count = words[size_t(i)];
      if (count < 0 || count > most)
        fail(projName(e) + ": the device's rows kernel " + b.rows.kernel +
             " counted " + std::to_string(count) + " synapses in row " +
             std::to_string(i) + ", outside [0, " + std::to_string(most) +
             "] (a bug in the generated code)");
      c.rowPtr[size_t(i) + 1] = c.rowPtr[size_t(i)] + count;
    }
  }
  // col stays empty: the fill kernel writes it on the device.
  net.synapses[e] = c.rowPtr.back();
}

/// The largest delay from the device's delays kernel, which also finds the
/// first invalid one. False when the host must compute the delays.
bool Builder::delaysOnDevice(size_t e) {
  const ProjectionDesc &pr = d.projections[e];
  const GpuBuildDesc *b = onDevice[e];
  if (!b || !b->delays || pr.delayBuffer < 0 || hostFilled(pr.delayBuffer))
    return false;
  int64_t n = net.synapses[e];
  net.maxDelaySteps[e] = 0;
  if (n == 0)
    return true;
  const GpuKernelRef &k = *b->delays;
  std::vector<int64_t> words = {0, INT64_MAX, 0, 0};
  runOnDevice(e, k, "delays", n, words);
  const std::string what = projName(e) + ", delay";
  const std::string bug = " (a bug in the generated code)";
  if (words[1] != INT64_MAX) {
    // The kernel counted them; delay_at gives the first one's value.
    int64_t s = words[1], negative = words[2], tooLong = words[3];
    if (s < 0 || s >= n || negative < 0 || tooLong < 0 ||
        negative + tooLong < 1 || negative + tooLong > n - s)
      fail(what + ": the device's delays kernel " + k.kernel +
           " reported synapse " + std::to_string(s) + " and " +
           std::to_string(negative) + " + " + std::to_string(tooLong) +
           " invalid delays of " + std::to_string(n) + bug);
    std::vector<int64_t> value = {0};
    runOnDevice(e, *b->delayAt, "delay_at", s, value);
    double ms;
    std::memcpy(&ms, value.data(), sizeof ms);
    int32_t steps = 0;
    if (delayToSteps(ms, d.dt, steps))
      fail(what + ": the device's delays kernel " + k.kernel +
           " reported the delay of synapse " + std::to_string(s) + " (" +
           formatNumber(ms) + " ms) as invalid" + bug);
    failBadDelays(e, negative, tooLong, s, ms, n, what);
  }
  if (words[0] < 0 || words[0] > INT32_MAX)
    fail(what + ": the device's delays kernel " + k.kernel +
         " gave a largest delay of " + std::to_string(words[0]) + " steps" +
         bug);
  net.maxDelaySteps[e] = words[0];
  return true;
}

void Builder::failNotDrawn(size_t e, const std::string &what) {
  fail(what + ": drawn by the model's generated build kernels, and " +
       (!options.device ? std::string("this network is built without a "
                                      "device to run them on")
        : d.findBuild(int(e))
            ? std::string("its build entry has none for it")
            : "the descriptor has no build entry for projection '" +
                  d.projections[e].name + "'"));
}

void Builder::buildProjection(size_t e) {
  const ProjectionDesc &pr = d.projections[e];
  const std::string path = projName(e);
  const ConnectivityDesc &cd = pr.connectivity;
  int64_t npre = d.populations[pr.preIndex].size;
  int64_t npost = d.populations[pr.postIndex].size;
  Csr &c = csr[e];
  std::string error;
  if (cd.kind == ConnectivityDesc::Kind::List) {
    // The one rule the runtime builds: the file's synapses.
    const Table &t = tables.get(cd.file);
    if (!findListColumns(t, cd.file, listColumns[e], error) ||
        !buildFromList(t, cd.file, npre, npost, c, error))
      fail(path + ": " + error);
    net.synapses[e] = c.synapses();
  } else if (onDevice[e] && onDevice[e]->drawsSynapses()) {
    // Drawn by the rows kernel (procedural rows: only counted, for the
    // summary; the simulation draws them again at each spike).
    buildRowsOnDevice(e);
  } else {
    failNotDrawn(e, path + ", connectivity");
  }
  const int64_t n = net.synapses[e];

  // Delays: in steps, needed now for the ring sizes.
  const std::string what = path + ", delay";
  if (pr.delayBuffer < 0) {
    int32_t s = 0;
    if (!delayToSteps(pr.delay.value, d.dt, s))
      fail(what + ": invalid delay " + formatNumber(pr.delay.value) + " ms");
    if (pr.ringIndex < 0 && pr.history < 0 && s != 0)
      fail(what + ": " + formatNumber(pr.delay.value) + " ms is " +
           std::to_string(s) + " steps, but the projection is in no ring "
           "(its weights are added at once: delay 0 steps)");
    net.maxDelaySteps[e] = s;
    return;
  }
  if (delaysOnDevice(e))
    return;
  SynapseValues values = synapseValues(e, pr.delay, false, what);
  std::vector<int32_t> &steps = delaySteps[e];
  steps.resize(size_t(n));
  double dt = d.dt;
  detail::parallelFor(n, 4096, [&](int64_t b, int64_t end) {
    for (int64_t s = b; s < end; ++s) {
      int32_t v;
      steps[s] = delayToSteps(values(s), dt, v) ? v : -1;
    }
  });
  int64_t maxSteps = 0;
  for (int64_t s = 0; s < n; ++s) {
    if (steps[s] < 0)
      failBadDelays(e, values, n, what);
    maxSteps = std::max<int64_t>(maxSteps, steps[s]);
  }
  net.maxDelaySteps[e] = maxSteps;
  if (!hostFilled(pr.delayBuffer)) // the device computes them again
    std::vector<int32_t>().swap(steps);
}

void Builder::failBadDelays(size_t e, const SynapseValues &values, int64_t n,
                            const std::string &what) {
  // Count them all: one message says how many, where the first is, and how
  // to keep a random delay in range.
  std::atomic<int64_t> negative{0}, tooLong{0};
  std::atomic<int64_t> first{INT64_MAX};
  const double dt = d.dt;
  detail::parallelFor(n, 4096, [&](int64_t b, int64_t end) {
    int64_t neg = 0, big = 0, firstHere = INT64_MAX;
    for (int64_t s = b; s < end; ++s) {
      double ms = values(s);
      int32_t steps;
      if (delayToSteps(ms, dt, steps))
        continue;
      (ms < 0 || !std::isfinite(ms) ? neg : big) += 1;
      firstHere = std::min(firstHere, s);
    }
    negative += neg;
    tooLong += big;
    int64_t seen = first.load();
    while (firstHere < seen && !first.compare_exchange_weak(seen, firstHere)) {
    }
  });
  int64_t s = first.load();
  failBadDelays(e, negative, tooLong, s, values(s), n, what);
}

void Builder::failBadDelays(size_t e, int64_t negative, int64_t tooLong,
                            int64_t s, double ms, int64_t n,
                            const std::string &what) {
  const double dt = d.dt;
  const ProjectionDesc &pr = d.projections[e];
  const ConnectivityDesc &cd = pr.connectivity;
  std::string where = "synapse " + std::to_string(s);
  if (!csr[e].source.empty())
    where = tables.get(cd.file).rowLocation(cd.file, size_t(csr[e].source[s]));
  std::string one =
      ms < 0 || !std::isfinite(ms)
          ? "negative delay " + formatNumber(ms) + " ms"
          : "delay " + formatNumber(ms) + " ms is " +
                formatNumber(std::round(ms / dt)) + " steps of dt = " +
                formatNumber(dt) + " ms, more than the " +
                std::to_string(INT32_MAX) + " a delay can have";
  bool random = pr.delay.kind == ValueSpec::Kind::Normal ||
                pr.delay.kind == ValueSpec::Kind::Uniform;
  int64_t bad = negative + tooLong;
  if (!random)
    fail(what + ": " + where + ": " + one +
         (bad > 1 ? " (and " + std::to_string(bad - 1) + " more)" : ""));
  fail(what + ": " + std::to_string(bad) + " of " + std::to_string(n) +
       " delays drawn from " + describeSpec(pr.delay, "ms") + " are " +
       (tooLong == 0 ? "negative"
        : negative == 0
            ? "longer than a delay can be"
            : "negative or longer than a delay can be") +
       " (the first, " + where + ": " + one + ")" + kBoundHint);
}

/// The messages' name of what init entry `in` (or the value specification of
/// a variable, rate or amplitude) initialises.
std::string initWhat(const Descriptor &d, const InitDesc &in) {
  if (in.population < 0)
    return "current '" + d.currents[size_t(in.current)].name + "', amplitude";
  const PopulationDesc &p = d.populations[size_t(in.population)];
  std::string pop = populationLabel(p);
  if (in.variable < 0)
    return pop + ", rate";
  return pop + ", initial value of '" + p.variables[size_t(in.variable)].name +
         "'";
}

/// Checks `n` values of `spec` (computed on the host, or drawn by an init
/// kernel and read back) for a buffer of type `t`: finite, and for rates
/// (`rate`) between 0 and one spike per step. False with `error`.
bool checkValues(const ValueSpec &spec, bool rate, ScalarType t, double dt,
                 const std::vector<double> &values, const std::string &what,
                 std::string &error) {
  int64_t n = int64_t(values.size());
  // The compiler refuses specifications that can draw non-finite values;
  // a descriptor written by hand (or from .mlir) is checked here. An f32
  // value drawn on the device that overflowed is infinite.
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(values[i])) {
      std::string value =
          "value " + formatNumber(values[i]) + " of neuron " + std::to_string(i);
      if (spec.kind == ValueSpec::Kind::File)
        error = what + ": " + spec.file + ": " + value + " is not finite";
      else
        error = what + ": " + value + " (drawn from " +
                describeSpec(spec, "") + ") " +
                (spec.isDrawn() && t == ScalarType::F32 &&
                         std::isinf(values[i])
                     ? "does not fit a float (the model is f32)"
                     : "is not finite");
      return false;
    }
  // Rates are probabilities per step: a negative one is no rate at all.
  if (rate) {
    int64_t negative = 0, first = -1;
    for (int64_t i = 0; i < n; ++i)
      if (values[i] < 0 && negative++ == 0)
        first = i;
    if (negative > 0) {
      std::string one = "neuron " + std::to_string(first) + ": " +
                        formatNumber(values[first]) + " Hz";
      if (spec.kind == ValueSpec::Kind::File)
        error = what + ": " + spec.file + ": " + one + " is negative";
      else
        error = what + ": " + std::to_string(negative) + " of " +
                std::to_string(n) + " rates drawn from " +
                describeSpec(spec, "Hz") + " are negative (the first, " + one +
                ")" + kBoundHint;
      return false;
    }
    // At most one spike per step: a rate above 1 / dt would fire every
    // step, at 1 / dt, whatever it says.
    const double most = 1e3 / dt;
    int64_t over = 0;
    first = -1;
    for (int64_t i = 0; i < n; ++i)
      if (values[i] > most && over++ == 0)
        first = i;
    if (over > 0) {
      std::string one = "neuron " + std::to_string(first) + ": " +
                        formatNumber(values[first]) + " Hz";
      std::string limit = " (a Poisson source spikes at most once per step "
                          "of " + formatNumber(dt) + " ms: at most " +
                          formatNumber(most) + " Hz)";
      if (spec.kind == ValueSpec::Kind::File)
        error = what + ": " + spec.file + ": " + one +
                " is above one spike per step" + limit;
      else
        error = what + ": " + std::to_string(over) + " of " +
                std::to_string(n) + " rates drawn from " +
                describeSpec(spec, "Hz") +
                " are above one spike per step (the first, " + one + ")" +
                limit + kBoundHint;
      return false;
    }
  }
  if (t == ScalarType::F32)
    for (int64_t i = 0; i < n; ++i)
      if (std::fabs(values[i]) > double(std::numeric_limits<float>::max())) {
        error = what + ": value " + formatNumber(values[i]) + " of neuron " +
                std::to_string(i) + " does not fit a float (the model is f32)";
        return false;
      }
  return true;
}

void Builder::fillValues(int buffer, const ValueSpec &spec, int64_t n,
                         bool rate, const std::string &what) {
  ScalarType t = d.buffers[buffer].type;
  if (spec.isDrawn()) {
    // Drawn by the model's init kernel (the parser saw its entry), which
    // the backend runs on the arena with the connectivity's kernels.
    if (!options.device)
      fail(what + ": " + describeSpec(spec, "") +
           " values are drawn by the model's init kernel, and this network "
           "is built without a device to run it on");
    const InitDesc *in = d.findInit(buffer);
    DeviceInit di;
    di.role = "init";
    di.kernel = in->values;
    di.n = n;
    di.init = int(in - d.init.data());
    net.deviceInit.push_back(di);
    return;
  }
  std::vector<double> values;
  std::string error;
  if (!computeValues(spec, n, what, values, error) ||
      !checkValues(spec, rate, t, d.dt, values, what, error))
    fail(error);
  uint8_t *base = net.arena.buffer<uint8_t>(buffer);
  for (int64_t i = 0; i < n; ++i)
    store(t, base, i, values[i]);
}

void Builder::fillTable(const CurrentDesc &cur) {
  const ValueSpec &spec = cur.amplitude;
  std::string what = "current '" + cur.name + "', table", error;
  Table t;
  if (!readTable(spec.file, t, error))
    fail(what + ": " + error);
  // The compiler read the file and sized the table after it; it is read
  // again now and may have changed since.
  std::vector<int> cols;
  if (!spec.column.empty()) {
    int c;
    if (!selectColumn(t, spec.file, spec.column, c, error))
      fail(what + ": " + error);
    cols.push_back(c);
  } else {
    for (size_t k = 0; k < t.data.size(); ++k)
      cols.push_back(int(k));
  }
  if (int64_t(t.rows()) != cur.rows || int64_t(cols.size()) != cur.columns)
    fail(what + ": " + spec.file + " has " + std::to_string(t.rows()) +
         " rows of " + std::to_string(cols.size()) + " columns, but it had " +
         std::to_string(cur.rows) + " of " + std::to_string(cur.columns) +
         " when the model was compiled (compile it again)");
  ScalarType type = d.buffers[cur.amplitudeBuffer].type;
  uint8_t *base = net.arena.buffer<uint8_t>(cur.amplitudeBuffer);
  for (size_t r = 0; r < t.rows(); ++r)
    for (size_t k = 0; k < cols.size(); ++k) {
      double x = t.data[size_t(cols[k])][r] * spec.scale;
      if (!std::isfinite(x) ||
          (type == ScalarType::F32 &&
           std::fabs(x) > double(std::numeric_limits<float>::max())))
        fail(what + ": " + t.rowLocation(spec.file, r) + ": value " +
             formatNumber(x) +
             (std::isfinite(x) ? " does not fit a float (the model is f32)"
                               : " is not finite"));
      store(type, base, int64_t(r) * cur.columns + int64_t(k), x);
    }
}

void Builder::checkFixedCount(int buffer, int64_t expected,
                              const std::string &what) {
  const BufferDesc &b = d.buffers[buffer];
  if (b.count.kind == BufferCount::Kind::Fixed && b.count.value != expected)
    fail("buffers[" + std::to_string(buffer) + "] (" + b.name + "): count " +
         std::to_string(b.count.value) + " does not match " + what + " (" +
         std::to_string(expected) + ")");
}

void Builder::build() {
  size_t npops = d.populations.size(), nprojs = d.projections.size();
  net.synapses.assign(nprojs, 0);
  net.maxDelaySteps.assign(nprojs, 0);
  net.ringSlots.assign(d.rings.size(), 1);
  net.spikeArrayCounts.assign(npops, 0);

  // 1. Spike-array sources.
  spikeArrays.resize(npops);
  for (size_t i = 0; i < npops; ++i) {
    const PopulationDesc &p = d.populations[i];
    if (p.kind != PopulationKind::SpikeArray)
      continue;
    std::string error;
    if (!loadSpikeArray(p.file, p.size, d.dt, spikeArrays[i], error))
      fail(popName(i) + ": " + error);
    net.spikeArrayCounts[i] = int64_t(spikeArrays[i].ids.size());
    checkFixedCount(p.times, net.spikeArrayCounts[i],
                    "the spikes in " + p.file);
    checkFixedCount(p.ids, net.spikeArrayCounts[i], "the spikes in " + p.file);
  }

  // 2. Connectivity and delays, once we know they can fit. With a device,
  // the projections of gpu.build are drawn there (docs/gpu-abi.md).
  net.deviceBuilt.assign(nprojs, false);
  net.deviceWritten.assign(d.buffers.size(), false);
  net.deviceInit.clear();
  onDevice.assign(nprojs, nullptr);
  if (options.device)
    for (const GpuBuildDesc &b : d.build) {
      onDevice[b.projectionIndex] = &b;
      net.deviceBuilt[b.projectionIndex] = b.drawsSynapses();
      for (int k : b.writes)
        net.deviceWritten[k] = true;
    }
  checkMemory();
  auto tConnectivity = Clock::now();
  csr.resize(nprojs);
  listColumns.resize(nprojs);
  delaySteps.resize(nprojs);
  for (size_t e = 0; e < nprojs; ++e) {
    buildProjection(e);
    const ProjectionDesc &pr = d.projections[e];
    std::string what = "the synapses of \"" + pr.name + "\"";
    if (pr.col >= 0)
      checkFixedCount(pr.col, net.synapses[e], what);
    if (pr.weightBuffer >= 0)
      checkFixedCount(pr.weightBuffer, net.synapses[e], what);
    if (pr.delayBuffer >= 0)
      checkFixedCount(pr.delayBuffer, net.synapses[e], what);
  }
  net.connectivitySeconds += secondsSince(tConnectivity);

  // 3. Rings.
  for (size_t r = 0; r < d.rings.size(); ++r) {
    const RingDesc &ring = d.rings[r];
    int64_t slots = 1;
    for (int e : ring.projectionIndices)
      slots = std::max<int64_t>(slots, 1 + net.maxDelaySteps[e]);
    const BufferDesc &b = d.buffers[ring.buffer];
    int64_t size = d.populations[ring.populationIndex].size;
    if (b.count.kind == BufferCount::Kind::Fixed) {
      int64_t given = size > 0 ? b.count.value / size : 0;
      if (size > 0 && (b.count.value % size != 0 || given < slots))
        fail("rings[" + std::to_string(r) + "] (\"" + ring.name +
             "\"): buffer count " + std::to_string(b.count.value) +
             " is not a multiple of " + std::to_string(size) +
             " with at least " + std::to_string(slots) + " slots");
      slots = std::max<int64_t>(given, 1);
    }
    net.ringSlots[r] = slots;
  }

  // 4. Counts and layout.
  net.counts.resize(d.buffers.size());
  std::vector<uint64_t> counts(d.buffers.size()), sizes(d.buffers.size());
  for (size_t k = 0; k < d.buffers.size(); ++k) {
    const BufferCount &c = d.buffers[k].count;
    int64_t n = 0;
    switch (c.kind) {
    case BufferCount::Kind::Fixed:
      n = c.value;
      break;
    case BufferCount::Kind::Synapses:
      n = net.synapses[c.refIndex];
      break;
    case BufferCount::Kind::Ring:
      n = net.ringSlots[c.refIndex] *
          d.populations[d.rings[c.refIndex].populationIndex].size;
      break;
    case BufferCount::Kind::SpikeArray:
      n = net.spikeArrayCounts[c.refIndex];
      break;
    case BufferCount::Kind::History: {
      const ProjectionDesc &pr = d.projections[size_t(c.refIndex)];
      n = (1 + net.maxDelaySteps[size_t(c.refIndex)]) *
          (d.historyCells() + d.populations[size_t(pr.preIndex)].size);
      break;
    }
    case BufferCount::Kind::RecordSpikes:
    case BufferCount::Kind::RecordState: {
      std::string error;
      if (!recordBufferCount(d, c, options.batchSteps, n, error))
        fail("buffers[" + std::to_string(k) + "] (" + d.buffers[k].name +
             "): " + error);
      break;
    }
    }
    net.counts[k] = n;
    counts[k] = uint64_t(n);
    sizes[k] = scalarTypeSize(d.buffers[k].type);
  }
  if (d.hasGpu) {
    // A record buffer given a plain count must hold exactly one batch.
    auto checkRecord = [&](int buffer, BufferCount::Kind kind,
                           const std::string &ref, int refIndex) {
      const BufferDesc &b = d.buffers[buffer];
      if (b.count.kind != BufferCount::Kind::Fixed)
        return;
      BufferCount derived;
      derived.kind = kind;
      derived.ref = ref;
      derived.refIndex = refIndex;
      int64_t n = 0;
      std::string error;
      if (!recordBufferCount(d, derived, options.batchSteps, n, error))
        fail("buffers[" + std::to_string(buffer) + "] (" + b.name +
             "): " + error);
      checkFixedCount(buffer, n,
                      "the recording capacity of a batch of " +
                          std::to_string(options.batchSteps) + " steps");
    };
    for (const GpuSpikeRecordDesc &r : d.gpu.recordSpikes) {
      checkRecord(r.ids, BufferCount::Kind::RecordSpikes, r.population,
                  r.populationIndex);
      checkRecord(r.steps, BufferCount::Kind::RecordSpikes, r.population,
                  r.populationIndex);
    }
    for (const GpuStateRecordDesc &r : d.gpu.recordState)
      checkRecord(r.values, BufferCount::Kind::RecordState,
                  std::to_string(r.record), r.record);
  }
  net.batchSteps = d.hasGpu ? options.batchSteps : 0;

  std::vector<ArenaView> views(d.buffers.size());
  for (size_t k = 0; k < d.buffers.size(); ++k)
    views[k] = {d.buffers[k].viewOf, uint64_t(d.buffers[k].viewAt)};
  std::string error;
  if (!net.arena.allocate(counts, sizes, error, views))
    fail(error);

  // 4b. The neurons recorded on the device (GPU targets).
  for (const GpuStateRecordDesc &r : d.gpu.recordState) {
    const std::vector<int64_t> &neurons = d.record.state[r.record].neurons;
    int32_t *out = net.arena.buffer<int32_t>(r.neurons);
    for (size_t i = 0; i < neurons.size(); ++i)
      out[i] = int32_t(neurons[i]);
  }

  // 5. Populations (drawn values: by their init kernels, queued first in
  // deviceInit).
  for (size_t i = 0; i < npops; ++i) {
    const PopulationDesc &p = d.populations[i];
    std::string path = popName(i);
    if (p.kind == PopulationKind::Neuron) {
      for (size_t j = 0; j < p.variables.size(); ++j) {
        const VariableDesc &v = p.variables[j];
        if (v.hasInit)
          fillValues(v.buffer, v.init, p.size, false,
                     path + ", initial value of '" + v.name + "'");
      }
    } else if (p.kind == PopulationKind::Poisson) {
      if (p.rateBuffer >= 0)
        fillValues(p.rateBuffer, p.rate, p.size, true, path + ", rate");
    } else {
      const SpikeArray &sa = spikeArrays[i];
      std::copy(sa.steps.begin(), sa.steps.end(),
                net.arena.buffer<int32_t>(p.times));
      std::copy(sa.ids.begin(), sa.ids.end(), net.arena.buffer<int32_t>(p.ids));
    }
  }

  // 6. Currents.
  for (size_t c = 0; c < d.currents.size(); ++c) {
    const CurrentDesc &cur = d.currents[c];
    if (cur.isTable())
      fillTable(cur);
    else if (cur.amplitudeBuffer >= 0)
      fillValues(cur.amplitudeBuffer, cur.amplitude,
                 d.populations[cur.populationIndex].size, false,
                 "current '" + cur.name + "', amplitude");
  }

  // 7. Projections: CSR, weights, delays; what the device writes is left
  // to the kernels of deviceInit, which run once the arena is uploaded.
  tConnectivity = Clock::now();
  for (size_t e = 0; e < nprojs; ++e) {
    // Whatever the projection holds (nothing, when its rows are drawn
    // again at each spike).
    const ProjectionDesc &pr = d.projections[e];
    Csr &c = csr[e];
    int64_t n = net.synapses[e];
    if (pr.rowPtr >= 0)
      std::copy(c.rowPtr.begin(), c.rowPtr.end(),
                net.arena.buffer<int64_t>(pr.rowPtr));
    if (hostFilled(pr.col)) {
      if (d.buffers[pr.col].type == ScalarType::U16) // post < 65536: checked
        std::copy(c.col.begin(), c.col.end(),
                  net.arena.buffer<uint16_t>(pr.col));
      else
        std::copy(c.col.begin(), c.col.end(),
                  net.arena.buffer<int32_t>(pr.col));
    }
    if (hostFilled(pr.weightBuffer)) {
      SynapseValues w = synapseValues(e, pr.weight, true,
                                      projName(e) + ", weight");
      ScalarType t = d.buffers[pr.weightBuffer].type;
      uint8_t *base = net.arena.buffer<uint8_t>(pr.weightBuffer);
      detail::parallelFor(n, 4096, [&](int64_t b, int64_t end) {
        for (int64_t s = b; s < end; ++s)
          store(t, base, s, w(s));
      });
    }
    if (hostFilled(pr.delayBuffer))
      std::copy(delaySteps[e].begin(), delaySteps[e].end(),
                net.arena.buffer<int32_t>(pr.delayBuffer));
    // A synapse model's other variables: constants here, drawn ones by the
    // values kernel.
    for (const ProjectionDesc::SynapseVariable &v : pr.synapseVariables)
      if (hostFilled(v.buffer)) {
        SynapseValues values = synapseValues(
            e, v.init, true, projName(e) + ", initial value of '" + v.name + "'");
        ScalarType t = d.buffers[size_t(v.buffer)].type;
        uint8_t *base = net.arena.buffer<uint8_t>(v.buffer);
        detail::parallelFor(n, 4096, [&](int64_t b, int64_t end) {
          for (int64_t s = b; s < end; ++s)
            store(t, base, s, values(s));
        });
      }
    std::vector<int32_t>().swap(c.col);
    std::vector<int32_t>().swap(delaySteps[e]);
    if (onDevice[e] && n > 0) {
      const GpuBuildDesc &b = *onDevice[e];
      int64_t npre = d.populations[pr.preIndex].size;
      if (!b.fill.kernel.empty())
        net.deviceInit.push_back({int(e), "fill", b.fill, npre,
                                  /*keptScratch=*/b.scratchWords > 0});
      if (b.sort)
        net.deviceInit.push_back({int(e), "sort", *b.sort, npre});
      if (b.values)
        net.deviceInit.push_back({int(e), "values", *b.values, n});
    }
  }
  net.connectivitySeconds += secondsSince(tConnectivity);
}

} // namespace

bool computeValues(const ValueSpec &spec, int64_t n, const std::string &what,
                   std::vector<double> &out, std::string &error) {
  out.assign(size_t(n), 0.0);
  switch (spec.kind) {
  case ValueSpec::Kind::Constant:
    std::fill(out.begin(), out.end(), spec.value);
    return true;
  case ValueSpec::Kind::Uniform:
  case ValueSpec::Kind::Normal:
    error = what + ": " + describeSpec(spec, "") +
            " values are drawn by generated code (init kernels), not by the "
            "runtime";
    return false;
  case ValueSpec::Kind::File: {
    Table t;
    int c;
    if (!readTable(spec.file, t, error) ||
        !selectColumn(t, spec.file, spec.column, c, error, spec.index)) {
      error = what + ": " + error;
      return false;
    }
    if (int64_t(t.rows()) != n) {
      error = what + ": " + spec.file + " has " + std::to_string(t.rows()) +
              " rows, expected " + std::to_string(n) + " (one per neuron)";
      return false;
    }
    std::vector<int64_t> at;
    if (!spec.index.empty() &&
        !indexRows(t, spec.file, spec.index, n, at, error)) {
      error = what + ": " + error;
      return false;
    }
    // The compiler checked the file, but it is read again now: it may have
    // changed since.
    for (size_t r = 0; r < t.rows(); ++r) {
      double x = t.data[c][r] * spec.scale;
      if (!std::isfinite(x)) {
        error = what + ": " + t.rowLocation(spec.file, r) + ": value " +
                formatNumber(x) + " is not finite";
        return false;
      }
      out[at.empty() ? r : size_t(at[r])] = x;
    }
    return true;
  }
  case ValueSpec::Kind::FromList:
    error = what + ": from_list is only valid for synapses";
    return false;
  }
  return false;
}

std::string deviceInitSubject(const Descriptor &d, const DeviceInit &init) {
  if (init.init >= 0)
    return initWhat(d, d.init[size_t(init.init)]);
  return "projection \"" + d.projections[size_t(init.projection)].name + "\"";
}

bool checkInitValues(const Network &net, const ReadBuffer &read,
                     std::string &error) {
  const Descriptor &d = net.desc;
  for (const DeviceInit &di : net.deviceInit) {
    if (di.init < 0)
      continue;
    const InitDesc &in = d.init[size_t(di.init)];
    ScalarType t = d.buffers[size_t(in.buffer)].type;
    std::vector<double> values(size_t(di.n));
    if (t == ScalarType::F32) {
      std::vector<float> raw(size_t(di.n));
      if (!read(in.buffer, raw.data(), error))
        return false;
      std::copy(raw.begin(), raw.end(), values.begin());
    } else if (!read(in.buffer, values.data(), error)) {
      return false;
    }
    bool rate = in.population >= 0 && in.variable < 0;
    if (!checkValues(d.initSpec(in), rate, t, d.dt, values, initWhat(d, in),
                     error))
      return false;
  }
  return true;
}

bool loadSpikeArray(const std::string &path, int64_t size, double dt,
                    SpikeArray &out, std::string &error) {
  out = SpikeArray();
  Table t;
  if (!readTable(path, t, error))
    return false;
  int ci, ct;
  if (!findSpikeArrayColumns(t, path, ci, ct, error))
    return false;
  size_t n = t.rows();
  std::vector<std::pair<int64_t, int32_t>> spikes(n);
  for (size_t r = 0; r < n; ++r) {
    double id = t.data[ci][r], time = t.data[ct][r];
    if (!(id >= 0 && id < double(size) && id == std::floor(id))) {
      error = t.rowLocation(path, r) + ": neuron " + formatNumber(id) +
              (id == std::floor(id)
                   ? " is out of range [0, " + std::to_string(size) + ")"
                   : " is not an integer");
      return false;
    }
    if (!std::isfinite(time) || time < 0) {
      error = t.rowLocation(path, r) + ": invalid spike time " +
              formatNumber(time) + " ms";
      return false;
    }
    double step = std::round(time / dt);
    if (step > double(INT32_MAX)) {
      error = t.rowLocation(path, r) + ": spike time " + formatNumber(time) +
              " ms is too far in the future";
      return false;
    }
    spikes[r] = {int64_t(step), int32_t(id)};
  }
  std::sort(spikes.begin(), spikes.end());
  spikes.erase(std::unique(spikes.begin(), spikes.end()), spikes.end());
  out.steps.reserve(spikes.size());
  out.ids.reserve(spikes.size());
  for (auto &s : spikes) {
    out.steps.push_back(int32_t(s.first));
    out.ids.push_back(s.second);
  }
  return true;
}

bool recordBufferCount(const Descriptor &desc, const BufferCount &count,
                       int64_t batchSteps, int64_t &n, std::string &error) {
  n = 0;
  if (batchSteps <= 0) {
    error = "a recording buffer needs the batch size (steps per batch), "
            "which was not given";
    return false;
  }
  int64_t perStep = 0, samples = 0;
  std::string what;
  if (count.kind == BufferCount::Kind::RecordSpikes) {
    if (count.refIndex < 0 || count.refIndex >= int(desc.populations.size())) {
      error = "no population \"" + count.ref + "\"";
      return false;
    }
    perStep = desc.populations[count.refIndex].size;
    samples = batchSteps;
    what = "spikes of \"" + count.ref + "\"";
  } else if (count.kind == BufferCount::Kind::RecordState) {
    if (count.refIndex < 0 || count.refIndex >= int(desc.record.state.size())) {
      error = "no record.state[" + count.ref + "]";
      return false;
    }
    const StateRecordDesc &sr = desc.record.state[count.refIndex];
    perStep = int64_t(sr.neurons.size());
    samples = batchSteps / sr.every + 2;
    what = "samples of record.state[" + count.ref + "]";
  } else {
    error = "not a recording buffer count";
    return false;
  }
  // The device counts and indexes these buffers with 32-bit integers.
  if (perStep > 0 && samples > INT32_MAX / perStep) {
    error = "recording the " + what + " for a batch of " +
            std::to_string(batchSteps) + " steps needs " +
            formatNumber(double(perStep) * double(samples)) +
            " entries, more than 2^31 - 1; use fewer steps per batch";
    return false;
  }
  n = perStep * samples;
  return true;
}

namespace {
/// The post neurons of a projection's synapses, as its columns hold them
/// (u16 or i32).
struct Columns {
  const uint8_t *col;
  bool narrow;
  Columns(const Network &net, const ProjectionDesc &pr)
      : col(net.arena.buffer<uint8_t>(size_t(pr.col))),
        narrow(net.desc.buffers[size_t(pr.col)].type == ScalarType::U16) {}
  int64_t operator()(int64_t k) const {
    return narrow ? int64_t(reinterpret_cast<const uint16_t *>(col)[k])
                  : int64_t(reinterpret_cast<const int32_t *>(col)[k]);
  }
};
} // namespace

bool buildColumnIndices(Network &net, std::string &error) {
  const Descriptor &d = net.desc;
  for (const ProjectionDesc &pr : d.projections) {
    if (pr.delaySyn >= 0) {
      // Each row's positions by delay, stably: the generated walk of the
      // spikes of d steps ago takes the stretch of delay d.
      int64_t npre = d.populations[size_t(pr.preIndex)].size;
      const int64_t *rowPtr = net.arena.buffer<int64_t>(size_t(pr.rowPtr));
      if (rowPtr[npre] > int64_t(INT32_MAX)) {
        error = "projection '" + pr.name + "': " +
                std::to_string(rowPtr[npre]) +
                " synapses with per-synapse delays and a synapse model; the "
                "order by delay holds at most 2^31 - 1";
        return false;
      }
      const int32_t *delay =
          net.arena.buffer<int32_t>(size_t(pr.delayBuffer));
      int32_t *order = net.arena.buffer<int32_t>(size_t(pr.delaySyn));
      for (int64_t i = 0; i < npre; ++i) {
        int32_t *first = order + rowPtr[i], *last = order + rowPtr[i + 1];
        std::iota(first, last, int32_t(rowPtr[i]));
        std::stable_sort(first, last, [&](int32_t a, int32_t b) {
          return delay[a] < delay[b];
        });
      }
    }
    if (pr.colPtr < 0)
      continue;
    int64_t npre = d.populations[size_t(pr.preIndex)].size;
    int64_t npost = d.populations[size_t(pr.postIndex)].size;
    const int64_t *rowPtr = net.arena.buffer<int64_t>(size_t(pr.rowPtr));
    int64_t n = rowPtr[npre];
    if (n > int64_t(INT32_MAX)) {
      error = "projection '" + pr.name + "': " + std::to_string(n) +
              " synapses with a synapse model's on_post; the per-post index "
              "holds at most 2^31 - 1";
      return false;
    }
    int64_t *colPtr = net.arena.buffer<int64_t>(size_t(pr.colPtr));
    int32_t *colSyn = net.arena.buffer<int32_t>(size_t(pr.colSyn));
    Columns post(net, pr);
    // Counting sort of the synapses by post, stable: row order within.
    std::fill(colPtr, colPtr + npost + 1, int64_t(0));
    for (int64_t k = 0; k < n; ++k)
      ++colPtr[post(k) + 1];
    for (int64_t j = 0; j < npost; ++j)
      colPtr[j + 1] += colPtr[j];
    std::vector<int64_t> fill(colPtr, colPtr + npost);
    // colPre: 16 bits (unsigned) when the compiler found the pre
    // population small enough, else 32.
    uint8_t *colPre =
        pr.colPre >= 0 ? net.arena.buffer<uint8_t>(size_t(pr.colPre)) : nullptr;
    bool narrowPre = colPre && net.desc.buffers[size_t(pr.colPre)].type ==
                                   ScalarType::U16;
    for (int64_t i = 0; i < npre; ++i)
      for (int64_t k = rowPtr[i]; k < rowPtr[i + 1]; ++k) {
        int64_t at = fill[size_t(post(k))]++;
        colSyn[at] = int32_t(k);
        if (narrowPre)
          reinterpret_cast<uint16_t *>(colPre)[at] = uint16_t(i);
        else if (colPre)
          reinterpret_cast<int32_t *>(colPre)[at] = int32_t(i);
      }
  }
  return true;
}

void applyInitialCopies(Network &net) {
  for (auto [from, to] : net.desc.initialCopies)
    std::memcpy(net.arena.buffer<uint8_t>(size_t(to)),
                net.arena.buffer<uint8_t>(size_t(from)),
                size_t(net.arena.slot(size_t(from)).bytes));
}

bool findRecordedSynapses(Network &net, std::string &error) {
  const Descriptor &d = net.desc;
  for (size_t r = 0; r < d.record.state.size(); ++r) {
    const StateRecordDesc &s = d.record.state[r];
    if (!s.ofSynapses())
      continue;
    const ProjectionDesc &pr = d.projections[size_t(s.projectionIndex)];
    const int64_t *rowPtr = net.arena.buffer<int64_t>(size_t(pr.rowPtr));
    Columns post(net, pr);
    int64_t *synapses = net.arena.buffer<int64_t>(size_t(s.synapses));
    ScalarType t = d.buffers[size_t(s.buffer)].type;
    const uint8_t *source = net.arena.buffer<uint8_t>(size_t(s.source));
    uint8_t *sample = net.arena.buffer<uint8_t>(size_t(s.buffer));
    for (size_t j = 0; j < s.pre.size(); ++j) {
      int64_t found = -1;
      for (int64_t k = rowPtr[s.pre[j]]; k < rowPtr[s.pre[j] + 1]; ++k)
        if (post(k) == s.post[j]) {
          found = k;
          break;
        }
      if (found < 0) {
        error = "record.state[" + std::to_string(r) + "]: projection '" +
                pr.name + "' has no synapse from " + std::to_string(s.pre[j]) +
                " to " + std::to_string(s.post[j]) +
                " (the connectivity drawn with this seed)";
        return false;
      }
      synapses[j] = found;
      store(t, sample, int64_t(j), detail::loadScalar(t, source, found));
    }
  }
  return true;
}

bool buildNetwork(const Descriptor &desc, uint64_t seed, Network &net,
                  std::string &error) {
  return buildNetwork(desc, seed, BuildOptions(), net, error);
}

bool buildNetwork(const Descriptor &desc, uint64_t seed,
                  const BuildOptions &options, Network &net,
                  std::string &error) {
  net = Network();
  net.desc = desc;
  net.seed = seed;
  try {
    Builder(net.desc, seed, options, net).build();
    return true;
  } catch (const BuildError &e) {
    error = e.what();
  } catch (const std::bad_alloc &) {
    error = "out of memory while building the network";
  } catch (const std::exception &e) {
    error = e.what();
  }
  net.arena = Arena();
  return false;
}

bool drawRows(const Network &net, size_t e, ConnectivityDevice &device,
              Csr &out, std::string &error) {
  const Descriptor &d = net.desc;
  const ProjectionDesc &pr = d.projections[e];
  const GpuBuildDesc *b = d.findBuild(int(e));
  std::string what = "projection '" + pr.name + "'";
  if (!b || !b->columns) {
    error = what + ": no columns kernel to give its synapses";
    return false;
  }
  int64_t npre = d.populations[pr.preIndex].size;
  int64_t npost = d.populations[pr.postIndex].size;
  out = Csr();
  out.rowPtr.assign(size_t(npre) + 1, 0);
  std::vector<int64_t> lengths(size_t(npre), 0);
  if (npre > 0 &&
      !device.runScratch(b->rows, int64_t(net.seed), npre, lengths, error)) {
    error = what + ": rows kernel " + b->rows.kernel + ": " + error;
    return false;
  }
  for (int64_t i = 0; i < npre; ++i) {
    if (lengths[size_t(i)] < 0 || lengths[size_t(i)] > npost) {
      error = what + ": the rows kernel counted " +
              std::to_string(lengths[size_t(i)]) + " synapses in row " +
              std::to_string(i) + " (a bug in the generated code)";
      return false;
    }
    out.rowPtr[size_t(i) + 1] = out.rowPtr[size_t(i)] + lengths[size_t(i)];
  }
  int64_t n = out.rowPtr.back();
  if (n != net.synapses[e]) {
    error = what + ": drawn again, " + std::to_string(n) +
            " synapses, not the " + std::to_string(net.synapses[e]) +
            " of the build (a bug in the generated code)";
    return false;
  }
  // The scratch: row_ptr, then the columns the kernel writes.
  std::vector<int64_t> words(out.rowPtr.begin(), out.rowPtr.end());
  words.resize(size_t(npre + 1 + n), 0);
  if (npre > 0 &&
      !device.runOnArena(net, *b->columns, int64_t(net.seed), n, words,
                         error)) {
    error = what + ": columns kernel " + b->columns->kernel + ": " + error;
    return false;
  }
  out.col.resize(size_t(n));
  for (int64_t s = 0; s < n; ++s) {
    int64_t j = words[size_t(npre + 1 + s)];
    if (j < 0 || j >= npost) {
      error = what + ": the columns kernel drew post " + std::to_string(j) +
              " for synapse " + std::to_string(s) +
              " (a bug in the generated code)";
      return false;
    }
    out.col[size_t(s)] = int32_t(j);
  }
  return true;
}

} // namespace snnrt
