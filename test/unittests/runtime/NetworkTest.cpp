//===- NetworkTest.cpp - Counts, arena contents, initialisation
//------------===//

#include "snnrt/network.h"
#include "ReferenceConnectivity.h"
#include "ReferencePhilox.h"

#include "GpuBuildNet.h"
#include "TinyNet.h"

#include <algorithm>
#include <functional>
#include <cmath>
#include <map>
#include <optional>

using namespace snnrt;
using namespace snnrt_test;
using json = nlohmann::json;

namespace {

/// Builds descriptors buffer by buffer.
class DescBuilder {
public:
  DescBuilder() {
    d = {{"format", "snn-descriptor"},
         {"version", 1},
         {"model", "t"},
         {"dt", 0.1},
         {"steps", 10},
         {"seed", 42},
         {"precision", "f64"},
         {"buffers", json::array()},
         {"populations", json::array()},
         {"currents", json::array()},
         {"projections", json::array()},
         {"rings", json::array()},
         {"record", json::object()}};
  }
  static bool drawn(const json &spec) {
    return spec.is_object() &&
           (spec["kind"] == "uniform" || spec["kind"] == "normal");
  }
  /// The init entry of a buffer of drawn values (kernel number: 100 + its
  /// index).
  void initKernel(int buffer) {
    if (!d.contains("init"))
      d["init"] = json::array();
    int k = 100 + int(d["init"].size());
    d["init"].push_back(
        {{"buffer", buffer},
         {"values",
          {{"kernel", "snn_build_init_" + std::to_string(buffer)},
           {"emulate", k}}}});
  }
  int buffer(const std::string &name, const std::string &type, json count) {
    int id = int(d["buffers"].size());
    d["buffers"].push_back(
        {{"id", id}, {"name", name}, {"type", type}, {"count", count}});
    return id;
  }
  /// A neuron population with variables {name: init}.
  json &neuron(const std::string &name, int64_t size,
               std::vector<std::pair<std::string, json>> vars,
               const std::string &type = "f64") {
    json p = {{"name", name},
              {"kind", "neuron"},
              {"size", size},
              {"spike_count", buffer(name + ".spike_count", "i32", 1)},
              {"spikes", buffer(name + ".spikes", "i32", size)},
              {"variables", json::array()}};
    for (auto &v : vars) {
      int id = buffer(name + "." + v.first, type, size);
      p["variables"].push_back(
          {{"name", v.first}, {"buffer", id}, {"init", v.second}});
      if (drawn(v.second))
        initKernel(id);
    }
    d["populations"].push_back(p);
    return d["populations"].back();
  }
  json &poisson(const std::string &name, int64_t size, json rate) {
    json p = {{"name", name},
              {"kind", "poisson"},
              {"size", size},
              {"spike_count", buffer(name + ".spike_count", "i32", 1)},
              {"spikes", buffer(name + ".spikes", "i32", size)},
              {"rate", rate}};
    if (rate.is_object() && rate["kind"] != "constant")
      p["rate_buffer"] = buffer(name + ".rate", "f64", size);
    if (drawn(rate))
      initKernel(p["rate_buffer"]);
    d["populations"].push_back(p);
    return d["populations"].back();
  }
  json &projection(const std::string &name, const std::string &pre,
                   const std::string &post, int64_t preSize, json conn,
                   json weight, json delay) {
    json p = {{"name", name},
              {"pre", pre},
              {"post", post},
              {"target", "g"},
              {"connectivity", conn},
              {"weight", weight},
              {"delay", delay},
              {"row_ptr", buffer(name + ".row_ptr", "i64", preSize + 1)},
              {"col", buffer(name + ".col", "i32", {{"synapses", name}})}};
    if (weight.is_object() && weight["kind"] != "constant")
      p["weight_buffer"] =
          buffer(name + ".weight", "f64", {{"synapses", name}});
    if (delay.is_object() && delay["kind"] != "constant")
      p["delay_buffer"] = buffer(name + ".delay", "i32", {{"synapses", name}});
    // Every rule but list is drawn by build kernels: here their host
    // versions (GpuBuildNet.h, numbered as there).
    if (conn["kind"] != "list") {
      int e = int(d["projections"].size());
      auto kernel = [&](int kind) {
        return json{{"kernel", buildKernelName(e, kind)},
                    {"emulate", buildKernelNumber(e, kind)}};
      };
      json entry = {{"projection", name},
                    {"rows", kernel(kRows)},
                    {"fill", kernel(kFill)},
                    {"writes", {p["col"]}}};
      if (conn["kind"] == "fixed_indegree" ||
          conn["kind"] == "fixed_total_number")
        entry["sort"] = kernel(kSort);
      if (drawn(delay)) {
        entry["delays"] = kernel(kDelays);
        entry["delay_at"] = kernel(kDelayAt);
        entry["writes"].push_back(p["delay_buffer"]);
      }
      if (drawn(weight))
        entry["writes"].push_back(p["weight_buffer"]);
      if (drawn(weight) || drawn(delay))
        entry["values"] = kernel(kValues);
      if (!d.contains("build"))
        d["build"] = json::array();
      d["build"].push_back(entry);
    }
    d["projections"].push_back(p);
    return d["projections"].back();
  }
  int ring(const std::string &name, const std::string &pop,
           std::vector<std::string> projections) {
    int b = buffer("ring." + name, "f64", {{"ring", name}});
    d["rings"].push_back({{"name", name},
                          {"population", pop},
                          {"variable", "g"},
                          {"buffer", b},
                          {"projections", projections}});
    for (auto &p : d["projections"])
      for (auto &n : projections)
        if (p["name"] == n)
          p["ring"] = name;
    return b;
  }

  json d;
};

/// Builds the network of `j` with the host versions of its build kernels.
bool build(const json &j, Network &net, std::string &err,
           std::optional<uint64_t> seed = std::nullopt) {
  Descriptor d;
  if (!parseDescriptor(j.dump(), d, err))
    return false;
  return referenceBuild(d, seed ? *seed : d.seed, net, err, 0);
}

json constant(double v) { return {{"kind", "constant"}, {"value", v}}; }
json uniform(double a, double b) {
  return {{"kind", "uniform"}, {"low", a}, {"high", b}};
}
json normal(double m, double s) {
  return {{"kind", "normal"}, {"mean", m}, {"std", s}};
}

} // namespace

TEST(Network, TinyNetworkCountsAndContents) {
  TempDir dir;
  Network net;
  std::string err;
  ASSERT_TRUE(build(tinyDescriptor(dir), net, err)) << err;
  const Arena &a = net.arena;
  // Derived counts.
  EXPECT_EQ(net.spikeArrayCounts, (std::vector<int64_t>{4, 0}));
  EXPECT_EQ(net.synapses, std::vector<int64_t>{2});
  EXPECT_EQ(net.maxDelaySteps, std::vector<int64_t>{5});
  EXPECT_EQ(net.ringSlots, std::vector<int64_t>{6});
  EXPECT_EQ(net.counts[kSrcTimes], 4);
  EXPECT_EQ(net.counts[kCol], 2);
  EXPECT_EQ(net.counts[kRing], 12);
  // The table holds the resolved counts.
  const int64_t *table = reinterpret_cast<const int64_t *>(a.data());
  for (size_t k = 0; k < a.numBuffers(); ++k) {
    EXPECT_EQ(table[2 * k + 1], net.counts[k]) << "buffer " << k;
    EXPECT_EQ(table[2 * k] % 64, 0) << "buffer " << k;
  }
  // Spike array: sorted by (step, neuron), duplicates removed.
  const int32_t *times = a.buffer<int32_t>(kSrcTimes);
  const int32_t *ids = a.buffer<int32_t>(kSrcIds);
  EXPECT_EQ(std::vector<int32_t>(times, times + 4),
            (std::vector<int32_t>{10, 20, 22, 50}));
  EXPECT_EQ(std::vector<int32_t>(ids, ids + 4),
            (std::vector<int32_t>{0, 1, 1, 0}));
  EXPECT_EQ(*a.buffer<int64_t>(kSrcCursor), 0);
  // CSR by pre; weights and delays follow the synapses, not the file rows.
  const int64_t *rowPtr = a.buffer<int64_t>(kRowPtr);
  EXPECT_EQ(std::vector<int64_t>(rowPtr, rowPtr + 3),
            (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(a.buffer<int32_t>(kCol)[0], 0);
  EXPECT_EQ(a.buffer<int32_t>(kCol)[1], 1);
  EXPECT_EQ(a.buffer<double>(kWeight)[0], 1.0);
  EXPECT_EQ(a.buffer<double>(kWeight)[1], 0.6);
  EXPECT_EQ(a.buffer<int32_t>(kDelay)[0], 5);
  EXPECT_EQ(a.buffer<int32_t>(kDelay)[1], 3);
  // Ring zero-filled.
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(a.buffer<double>(kRing)[i], 0.0);
}

/// A device whose kernels never run: buildNetwork only queues the init
/// kernels (the backends run them).
class QueueOnly : public ConnectivityDevice {
public:
  bool runScratch(const GpuKernelRef &, int64_t, int64_t,
                  std::vector<int64_t> &, std::string &error, int64_t,
                  int) override {
    error = "no scratch kernels here";
    return false;
  }
};

bool buildWithDevice(const json &j, Network &net, std::string &err) {
  Descriptor d;
  if (!parseDescriptor(j.dump(), d, err))
    return false;
  QueueOnly device;
  BuildOptions o;
  o.device = &device;
  return buildNetwork(d, d.seed, o, net, err);
}

TEST(Network, DrawnValuesAreLeftToInitKernels) {
  // The runtime draws no value: uniform and normal initial values, rates
  // and amplitudes are queued as init kernels (in desc.init's order, before
  // any connectivity kernel), and their buffers stay zero until the backend
  // runs them (test/e2e/philox-streams.test checks what they draw).
  DescBuilder b;
  b.neuron("pad", 3, {{"x", constant(1)}});
  b.neuron(
      "a", 500,
      {{"v", uniform(-60, -50)}, {"w", normal(2, 0.5)}, {"c", constant(-65)}});
  b.poisson("rates", 200, uniform(10, 20));
  int amp = b.buffer("drive.amplitude", "f64", 500);
  b.d["currents"].push_back({{"name", "drive"},
                             {"kind", "noise"},
                             {"population", "a"},
                             {"variable", "v"},
                             {"amplitude", normal(100, 10)},
                             {"amplitude_buffer", amp},
                             {"std", 3.0}});
  b.initKernel(amp);
  Network net;
  std::string err;
  ASSERT_TRUE(buildWithDevice(b.d, net, err)) << err;
  const Descriptor &d = net.desc;
  ASSERT_EQ(net.deviceInit.size(), 4u);
  std::vector<int> buffers;
  for (size_t k = 0; k < 4; ++k) {
    const DeviceInit &di = net.deviceInit[k];
    EXPECT_EQ(di.role, "init");
    EXPECT_EQ(di.projection, -1);
    EXPECT_EQ(di.init, int(k));
    EXPECT_EQ(di.kernel.emulate, 100 + int(k));
    buffers.push_back(d.init[size_t(di.init)].buffer);
  }
  EXPECT_EQ(buffers, (std::vector<int>{d.populations[1].variables[0].buffer,
                                       d.populations[1].variables[1].buffer,
                                       d.populations[2].rateBuffer, amp}));
  EXPECT_EQ(net.deviceInit[0].n, 500);
  EXPECT_EQ(net.deviceInit[2].n, 200);
  EXPECT_EQ(net.deviceInit[3].n, 500);
  EXPECT_EQ(deviceInitSubject(d, net.deviceInit[1]),
            "population 'a', initial value of 'w'");
  EXPECT_EQ(deviceInitSubject(d, net.deviceInit[2]), "source 'rates', rate");
  EXPECT_EQ(deviceInitSubject(d, net.deviceInit[3]),
            "current 'drive', amplitude");
  for (int k : buffers)
    for (int64_t i = 0; i < net.counts[size_t(k)]; ++i)
      ASSERT_EQ(net.arena.buffer<double>(size_t(k))[i], 0.0);
  // Constants are the host's.
  const double *c =
      net.arena.buffer<double>(d.populations[1].variables[2].buffer);
  EXPECT_EQ(c[0], -65);
  EXPECT_EQ(c[499], -65);

  // Without a device to run them on: an error, not values from elsewhere.
  Descriptor plain;
  ASSERT_TRUE(parseDescriptor(b.d.dump(), plain, err)) << err;
  EXPECT_FALSE(buildNetwork(plain, plain.seed, net, err));
  EXPECT_EQ(err, "population 'a', initial value of 'v': uniform(-60, -50) "
                 "values are drawn by the model's init kernel, and this "
                 "network is built without a device to run it on");
}

TEST(Network, DrawnValuesAreCheckedAsTheHostsAre) {
  DescBuilder b;
  b.neuron("a", 4, {{"v", uniform(-60, -50)}});
  b.poisson("rates", 3, normal(10, 5));
  b.neuron("f", 2, {{"v", normal(0, 1)}}, "f32");
  Network net;
  std::string err;
  ASSERT_TRUE(buildWithDevice(b.d, net, err)) << err;
  const Descriptor &d = net.desc;
  // What the kernels "drew", by buffer.
  std::map<int, std::vector<double>> values = {
      {d.populations[0].variables[0].buffer, {-55, -51, -59, -60}},
      {d.populations[1].rateBuffer, {10, 12, 3}},
      {d.populations[2].variables[0].buffer, {0.5, -1.5}}};
  auto read = [&](int buffer, void *dst, std::string &) {
    const std::vector<double> &v = values.at(buffer);
    if (d.buffers[size_t(buffer)].type == ScalarType::F32)
      for (size_t i = 0; i < v.size(); ++i)
        static_cast<float *>(dst)[i] = float(v[i]);
    else
      std::copy(v.begin(), v.end(), static_cast<double *>(dst));
    return true;
  };
  EXPECT_TRUE(checkInitValues(net, read, err)) << err;

  values[d.populations[1].rateBuffer] = {10, -2, -1};
  EXPECT_FALSE(checkInitValues(net, read, err));
  EXPECT_EQ(err.rfind("source 'rates', rate: 2 of 3 rates drawn from "
                      "normal(10 Hz, 5 Hz) are negative (the first, neuron "
                      "1: -2 Hz)",
                      0),
            0u)
      << err;
  values[d.populations[1].rateBuffer] = {10, 20000, 1};
  EXPECT_FALSE(checkInitValues(net, read, err));
  EXPECT_NE(err.find("1 of 3 rates drawn from normal(10 Hz, 5 Hz) are above "
                     "one spike per step (the first, neuron 1: 20000 Hz)"),
            std::string::npos)
      << err;
  values[d.populations[1].rateBuffer] = {10, 12, 3};
  values[d.populations[2].variables[0].buffer] = {0.5, 1e300};
  EXPECT_FALSE(checkInitValues(net, read, err));
  EXPECT_EQ(err, "population 'f', initial value of 'v': value inf of neuron "
                 "1 (drawn from normal(0, 1)) does not fit a float (the "
                 "model is f32)");
  values[d.populations[2].variables[0].buffer] = {0.5, 1.0};
  values[d.populations[0].variables[0].buffer] = {-55, std::nan(""), -59, -60};
  EXPECT_FALSE(checkInitValues(net, read, err));
  EXPECT_EQ(err, "population 'a', initial value of 'v': value nan of neuron "
                 "1 (drawn from uniform(-60, -50)) is not finite");
}

TEST(Network, FileInitialValues) {
  TempDir dir;
  std::string err;
  ASSERT_TRUE(writeNpy(dir / "v.npy", std::vector<double>{1, 2, 3}, {3}, err));
  writeText(dir / "cols.csv", "a,b\n1,10\n2,20\n3,30\n");
  DescBuilder b;
  b.neuron(
      "n", 3,
      {{"v", {{"kind", "file"}, {"file", dir / "v.npy"}, {"column", ""}}},
       {"b", {{"kind", "file"}, {"file", dir / "cols.csv"}, {"column", "b"}}}});
  Network net;
  ASSERT_TRUE(build(b.d, net, err)) << err;
  const double *v =
      net.arena.buffer<double>(net.desc.populations[0].variables[0].buffer);
  const double *bb =
      net.arena.buffer<double>(net.desc.populations[0].variables[1].buffer);
  EXPECT_EQ(std::vector<double>(v, v + 3), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(std::vector<double>(bb, bb + 3), (std::vector<double>{10, 20, 30}));

  b.d["populations"][0]["variables"][1]["init"]["column"] = "c";
  EXPECT_FALSE(build(b.d, net, err));
  EXPECT_EQ(err, "population 'n', initial value of 'b': " + dir / "cols.csv" +
                     " has no column \"c\" (columns: \"a\", \"b\")");
  b.d["populations"][0]["size"] = 4;
  b.d["buffers"][1]["count"] = 4;
  b.d["buffers"][2]["count"] = 4;
  b.d["buffers"][3]["count"] = 4;
  b.d["populations"][0]["variables"][1]["init"]["column"] = "b";
  EXPECT_FALSE(build(b.d, net, err));
  EXPECT_EQ(err, "population 'n', initial value of 'v': " + dir / "v.npy" +
                     " has 3 rows, expected 4 (one per neuron)");
}

TEST(Network, TimedArrayTables) {
  // A timed-array current's table, row-major in its amplitude buffer, the
  // file's values times the unit's scale; read again at build time, so a
  // file that changed shape since the compiler sized the table is refused.
  TempDir dir;
  writeText(dir / "each.csv", "a,b,c\n1,2,3\n4,5,6\n");
  writeText(dir / "one.csv", "t,I\n0,0.5\n1,1.5\n2,2.5\n");
  DescBuilder b;
  b.neuron("n", 3, {{"v", constant(0)}});
  int each = b.buffer("each.amplitude", "f64", 6);
  int one = b.buffer("one.amplitude", "f32", 3);
  auto current = [&](const char *name, const std::string &file,
                     const char *column, double scale, int buffer,
                     int64_t rows, int64_t columns) {
    return json{{"name", name},
                {"kind", "timed_array"},
                {"population", "n"},
                {"variable", "I"},
                {"amplitude", {{"kind", "file"},
                               {"file", file},
                               {"column", column},
                               {"scale", scale}}},
                {"amplitude_buffer", buffer},
                {"table", {{"rows", rows}, {"columns", columns}, {"every", 10}}}};
  };
  b.d["currents"].push_back(
      current("each", dir / "each.csv", "", 1.0, each, 2, 3));
  b.d["currents"].push_back(
      current("one", dir / "one.csv", "I", 1000.0, one, 3, 1));
  Network net;
  std::string err;
  ASSERT_TRUE(build(b.d, net, err)) << err;
  const double *e = net.arena.buffer<double>(size_t(each));
  EXPECT_EQ(std::vector<double>(e, e + 6),
            (std::vector<double>{1, 2, 3, 4, 5, 6}));
  const float *o = net.arena.buffer<float>(size_t(one));
  EXPECT_EQ(std::vector<float>(o, o + 3),
            (std::vector<float>{500, 1500, 2500}));

  writeText(dir / "each.csv", "a,b,c\n1,2,3\n4,5,6\n7,8,9\n");
  EXPECT_FALSE(build(b.d, net, err));
  EXPECT_EQ(err, "current 'each', table: " + dir / "each.csv" +
                     " has 3 rows of 3 columns, but it had 2 of 3 when the "
                     "model was compiled (compile it again)");

  // The descriptor's own checks: a table of 2 columns for 3 neurons.
  b.d["currents"][0]["table"]["columns"] = 2;
  Descriptor d;
  EXPECT_FALSE(parseDescriptor(b.d.dump(), d, err));
  EXPECT_NE(err.find("1 column or one per neuron (3)"), std::string::npos)
      << err;
}

TEST(Network, RandomConnectivityWeightsAndDelays) {
  DescBuilder b;
  b.neuron("e", 400, {{"v", constant(0)}});
  b.neuron("i", 100, {{"v", constant(0)}});
  b.projection(
      "ee", "e", "e", 400,
      {{"kind", "fixed_probability"}, {"p", 0.1}, {"allow_self", false}},
      uniform(0.5, 1.5), normal(2.0, 0.3));
  b.projection("ie", "i", "e", 100,
               {{"kind", "fixed_indegree"}, {"indegree", 20}}, constant(-2),
               constant(0.25));
  b.ring("e.g", "e", {"ee", "ie"});
  Network net;
  std::string err;
  ASSERT_TRUE(build(b.d, net, err, 3)) << err;
  const Descriptor &d = net.desc;
  // Same CSR as the builder keyed with the projection's index.
  Csr ee = buildFixedProbability(400, 400, 0.1, true, 3, 0);
  ASSERT_EQ(net.synapses[0], ee.synapses());
  const int32_t *col = net.arena.buffer<int32_t>(d.projections[0].col);
  EXPECT_EQ(std::vector<int32_t>(col, col + ee.synapses()), ee.col);
  const int64_t *rowPtr = net.arena.buffer<int64_t>(d.projections[0].rowPtr);
  EXPECT_EQ(std::vector<int64_t>(rowPtr, rowPtr + 401), ee.rowPtr);
  Csr ie;
  ASSERT_TRUE(buildFixedIndegree(100, 400, 20, false, 3, 1, ie, err));
  EXPECT_EQ(net.synapses[1], 400 * 20);
  const int32_t *col2 = net.arena.buffer<int32_t>(d.projections[1].col);
  EXPECT_EQ(std::vector<int32_t>(col2, col2 + ie.synapses()), ie.col);
  // Weights: purpose 5, synapse index in CSR order.
  const double *w = net.arena.buffer<double>(d.projections[0].weightBuffer);
  const int32_t *delay =
      net.arena.buffer<int32_t>(d.projections[0].delayBuffer);
  int64_t maxDelay = 0;
  for (int64_t s = 0; s < ee.synapses(); ++s) {
    ASSERT_EQ(w[s],
              0.5 + uniform01(3, RngPurpose::Weight, 0, uint32_t(s), 0, 0));
    double ms =
        2.0 + 0.3 * standardNormal(3, RngPurpose::Delay, 0, uint32_t(s), 0, 0);
    ASSERT_EQ(delay[s], int32_t(std::round(ms / 0.1)));
    maxDelay = std::max<int64_t>(maxDelay, delay[s]);
  }
  EXPECT_EQ(net.maxDelaySteps[0], maxDelay);
  EXPECT_EQ(net.maxDelaySteps[1], 3); // 0.25 ms -> 2.5 steps -> 3
  // Ring: 1 + the largest delay over both projections, times the size.
  EXPECT_EQ(net.ringSlots[0], 1 + std::max<int64_t>(maxDelay, 3));
  EXPECT_EQ(net.counts[d.rings[0].buffer], net.ringSlots[0] * 400);
  EXPECT_EQ(net.totalSynapses(), ee.synapses() + 8000);
}

TEST(Network, SixteenBitColumns) {
  // u16 columns hold the same synapses as i32 ones, up to post index 65535.
  DescBuilder b;
  b.neuron("s", 3, {{"v", constant(0)}});
  b.neuron("big", 65536, {{"v", constant(0)}});
  b.projection("sb", "s", "big", 3,
               {{"kind", "fixed_indegree"}, {"indegree", 2}}, constant(1),
               constant(0));
  b.d["buffers"][b.d["projections"][0]["col"].get<int>()]["type"] = "u16";
  Network net;
  std::string err;
  ASSERT_TRUE(build(b.d, net, err, 3)) << err;
  const Descriptor &d = net.desc;
  EXPECT_EQ(d.buffers[d.projections[0].col].type, ScalarType::U16);
  EXPECT_EQ(scalarTypeSize(ScalarType::U16), 2u);
  Csr sb;
  ASSERT_TRUE(buildFixedIndegree(3, 65536, 2, false, 3, 0, sb, err)) << err;
  ASSERT_EQ(net.synapses[0], sb.synapses());
  const uint16_t *col = net.arena.buffer<uint16_t>(d.projections[0].col);
  EXPECT_EQ(std::vector<int32_t>(col, col + sb.synapses()), sb.col);
  EXPECT_EQ(*std::max_element(col, col + sb.synapses()), 65535);

  // Into 65537 neurons they cannot: the descriptor is refused.
  DescBuilder wide;
  wide.neuron("s", 3, {{"v", constant(0)}});
  wide.neuron("big", 65537, {{"v", constant(0)}});
  wide.projection("sb", "s", "big", 3,
                  {{"kind", "fixed_indegree"}, {"indegree", 2}}, constant(1),
                  constant(0));
  wide.d["buffers"][wide.d["projections"][0]["col"].get<int>()]["type"] =
      "u16";
  EXPECT_FALSE(build(wide.d, net, err));
  EXPECT_NE(err.find("projections[0].col: u16 columns cannot hold the post "
                     "indices of \"big\" (65537 neurons; at most 65536)"),
            std::string::npos)
      << err;
}

TEST(Network, FixedTotalNumberConnectivity) {
  DescBuilder b;
  b.neuron("e", 300, {{"v", constant(0)}});
  b.neuron("i", 80, {{"v", constant(0)}});
  b.projection("ie", "i", "e", 80,
               {{"kind", "fixed_total_number"}, {"total", 5000}},
               normal(1.0, 0.1), constant(0.5));
  b.projection("ee", "e", "e", 300,
               {{"kind", "fixed_total_number"},
                {"total", 200000},
                {"allow_self", false}},
               constant(0.25), uniform(0.1, 2.0));
  b.ring("e.g", "e", {"ie", "ee"});
  Network net;
  std::string err;
  ASSERT_TRUE(build(b.d, net, err, 9)) << err;
  const Descriptor &d = net.desc;
  // The builder's CSR, keyed with the projection's index.
  for (int e = 0; e < 2; ++e) {
    int64_t npre = e == 0 ? 80 : 300, n = e == 0 ? 5000 : 200000;
    Csr c;
    ASSERT_TRUE(buildFixedTotalNumber(npre, 300, n, e == 1, 9, uint32_t(e), c,
                                      err))
        << err;
    ASSERT_EQ(net.synapses[e], n);
    const int32_t *col = net.arena.buffer<int32_t>(d.projections[e].col);
    EXPECT_EQ(std::vector<int32_t>(col, col + n), c.col);
    const int64_t *rowPtr =
        net.arena.buffer<int64_t>(d.projections[e].rowPtr);
    EXPECT_EQ(std::vector<int64_t>(rowPtr, rowPtr + npre + 1), c.rowPtr);
  }
  // Weights: purpose 5 by synapse index in CSR order, like every rule.
  const double *w = net.arena.buffer<double>(d.projections[0].weightBuffer);
  for (int64_t s = 0; s < 5000; ++s)
    ASSERT_EQ(w[s], 1.0 + 0.1 * standardNormal(9, RngPurpose::Weight, 0,
                                                 uint32_t(s), 0, 0));
  EXPECT_EQ(net.totalSynapses(), 205000);
}

TEST(Network, FixedTotalNumberWithoutPairsFails) {
  DescBuilder b;
  b.neuron("a", 1, {{"v", constant(0)}});
  b.projection("aa", "a", "a", 1,
               {{"kind", "fixed_total_number"},
                {"total", 4},
                {"allow_self", false}},
               constant(1), constant(0));
  b.ring("a.g", "a", {"aa"});
  Network net;
  std::string err;
  EXPECT_FALSE(build(b.d, net, err, 1));
  EXPECT_NE(err.find("projections[0].connectivity.total: cannot draw 4 "
                     "synapses: there is no (pre, post) pair to connect "
                     "(pre \"a\" of size 1, post \"a\" of size 1, "
                     "self-connections excluded)"),
            std::string::npos)
      << err;
}

TEST(Network, RingWithoutDelaysHasOneSlot) {
  DescBuilder b;
  b.neuron("a", 5, {{"v", constant(0)}});
  b.projection("aa", "a", "a", 5, {{"kind", "one_to_one"}}, constant(1),
               constant(0.0));
  b.ring("a.g", "a", {"aa"});
  Network net;
  std::string err;
  ASSERT_TRUE(build(b.d, net, err)) << err;
  EXPECT_EQ(net.ringSlots[0], 1);
  EXPECT_EQ(net.counts[net.desc.rings[0].buffer], 5);
}

TEST(Network, ProjectionWithoutRingHasDelayZero) {
  DescBuilder b;
  b.neuron("a", 5, {{"v", constant(0)}});
  b.projection("aa", "a", "a", 5, {{"kind", "one_to_one"}}, constant(1),
               constant(0.04)); // rounds to 0 steps of 0.1 ms
  Network net;
  std::string err;
  ASSERT_TRUE(build(b.d, net, err)) << err;
  EXPECT_EQ(net.synapses[0], 5);

  DescBuilder late;
  late.neuron("a", 5, {{"v", constant(0)}});
  late.projection("aa", "a", "a", 5, {{"kind", "one_to_one"}}, constant(1),
                  constant(0.2));
  EXPECT_FALSE(build(late.d, net, err));
  EXPECT_EQ(err, "projection 'aa', delay: 0.2 ms is 2 steps, but the "
                 "projection is in no ring (its weights are added at once: "
                 "delay 0 steps)");
}

TEST(Network, BuildErrors) {
  TempDir dir;
  std::string err;
  Network net;
  {
    json j = tinyDescriptor(dir);
    writeText(dir / "list.csv",
              "pre,post,weight,delay\n0,0,1,0.5\n1,1,1,-0.3\n");
    EXPECT_FALSE(build(j, net, err));
    EXPECT_EQ(err, "projection 'p', delay: " + dir / "list.csv" +
                       ":3: negative delay -0.3 ms");
    writeText(dir / "list.csv",
              "pre,post,weight,delay\n0,0,1,0.5\n2,1,1,0.3\n");
    EXPECT_FALSE(build(j, net, err));
    EXPECT_EQ(err, "projection 'p': " + dir / "list.csv" +
                       ":3: pre index 2 is out of range [0, 2)");
    writeText(dir / "list.csv", "pre,post,weight\n0,0,1\n");
    EXPECT_FALSE(build(j, net, err));
    EXPECT_EQ(err, "projection 'p', delay: " + dir / "list.csv" +
                       " has no column \"delay\"");
  }
  {
    json j = tinyDescriptor(dir);
    writeText(dir / "spikes.csv", "neuron,time\n0,1.0\n2,1.0\n");
    EXPECT_FALSE(build(j, net, err));
    EXPECT_EQ(err, "source 'src': " + dir / "spikes.csv" +
                       ":3: neuron 2 is out of range [0, 2)");
    writeText(dir / "spikes.csv", "neuron,time\n0,-1.0\n");
    EXPECT_FALSE(build(j, net, err));
    EXPECT_NE(err.find("invalid spike time -1 ms"), std::string::npos) << err;
  }
  {
    json j = tinyDescriptor(dir);
    j["populations"][0]["file"] = "missing.csv";
    EXPECT_FALSE(build(j, net, err));
    EXPECT_NE(err.find(dir / "missing.csv" + ": cannot open file"),
              std::string::npos)
        << err;
  }
  {
    json j = tinyDescriptor(dir);
    j["buffers"][kCol]["count"] = 3; // fixed counts must match the real one
    EXPECT_FALSE(build(j, net, err));
    EXPECT_EQ(err, "buffers[10] (p.col): count 3 does not match the synapses "
                   "of \"p\" (2)");
  }
  {
    DescBuilder b;
    b.neuron("a", 5, {{"v", constant(0)}});
    b.projection("aa", "a", "a", 5, {{"kind", "all_to_all"}}, constant(1),
                 normal(0.1, 1.0));
    b.ring("a.g", "a", {"aa"});
    EXPECT_FALSE(build(b.d, net, err));
    // Every draw is counted: how many broke the rule, where the first is,
    // and how to bound the distribution.
    EXPECT_EQ(err.rfind("projection 'aa', delay: 16 of 25 delays drawn from "
                        "normal(0.1 ms, 1 ms) are negative (the first, "
                        "synapse 0: negative delay -",
                        0),
              0u)
        << err;
    EXPECT_NE(err.find("; bound the distribution in the model with \"clip\": "
                       "[low, high]"),
              std::string::npos)
        << err;
  }
}

TEST(Network, SynapsesBeyondMemoryAreRefusedBeforeBuilding) {
  // 3 million all-to-all: 9e12 synapses, terabytes, on any machine.
  DescBuilder b;
  b.neuron("big", 3000000, {{"v", constant(0)}});
  b.projection("dense", "big", "big", 3000000,
               {{"kind", "all_to_all"}, {"allow_self", true}}, constant(1),
               constant(0));
  b.ring("big.v", "big", {"dense"});
  Network net;
  std::string err;
  EXPECT_FALSE(build(b.d, net, err, 1));
  EXPECT_NE(err.find("synapses, more than this machine's"), std::string::npos)
      << err;
  EXPECT_NE(err.find("\"dense\", about 9e+12 synapses"), std::string::npos)
      << err;
}

/// tinyDescriptor's projection as a synapse model's (docs/runtime-abi.md,
/// "projections": "synapse"): five synapses from a list with delays of 0
/// to 5 steps, a second variable with a constant initial value, the steps
/// of the last events, the per-post index and the history of the spikes.
json plasticTiny(const TempDir &dir) {
  json j = tinyDescriptor(dir);
  writeText(dir / "plastic.csv", "pre,post,weight,delay\n"
                                 "0,1,0.5,0.3\n"
                                 "1,0,0.25,0.5\n"
                                 "0,0,1.0,0.0\n"
                                 "1,1,2.0,0.1\n"
                                 "0,1,4.0,0.2\n");
  auto buf = [](int id, const char *name, const char *type, json count) {
    return json{{"id", id}, {"name", name}, {"type", type}, {"count", count}};
  };
  // Threads (a history needs the CPU's thread count cells): spike counts
  // and lists double-buffered, a count per thread.
  j["threads"] = {{"max", 4}, {"align", 16}};
  for (int k : {0, 5})
    j["buffers"][k]["count"] = 2 * 4;
  for (int k : {1, 6})
    j["buffers"][k]["count"] = 2 * 2;
  j["buffers"].erase(13); // no ring
  j["buffers"].push_back(buf(13, "p.var.x", "f64", {{"synapses", "p"}}));
  j["buffers"].push_back(buf(14, "p.lastupdate", "i64", {{"synapses", "p"}}));
  j["buffers"].push_back(buf(15, "p.col_ptr", "i64", 3));
  j["buffers"].push_back(buf(16, "p.col_syn", "i32", {{"synapses", "p"}}));
  j["buffers"].push_back(buf(17, "p.history", "i32", {{"history", "p"}}));
  json &p = j["projections"][0];
  p.erase("target");
  p.erase("ring");
  p["connectivity"]["file"] = dir / "plastic.csv";
  p["synapse"] = {
      {"model", "stdp"},
      {"weight", "w"},
      {"variables",
       {{{"name", "x"},
         {"buffer", 13},
         {"init", {{"kind", "constant"}, {"value", 0.75}}}}}},
      {"lastupdate", 14},
      {"col_ptr", 15},
      {"col_syn", 16},
      {"history", 17}};
  j.erase("rings");
  return j;
}

TEST(Network, SynapseModelBuffersAndPerPostIndex) {
  TempDir dir;
  Network net;
  std::string err;
  json j = plasticTiny(dir);
  ASSERT_TRUE(build(j, net, err)) << err;
  const ProjectionDesc &pr = net.desc.projections[0];
  EXPECT_TRUE(pr.plastic());
  EXPECT_EQ(pr.synapseModel, "stdp");
  ASSERT_EQ(pr.synapseVariables.size(), 1u);
  EXPECT_EQ(pr.synapseVariables[0].buffer, 13);
  EXPECT_EQ(net.synapses, std::vector<int64_t>{5});
  EXPECT_EQ(net.maxDelaySteps, std::vector<int64_t>{5});
  // The history: (1 + 5) slots of 4 thread counts and 2 spikes.
  EXPECT_EQ(net.counts[17], 6 * (4 + 2));
  // Rows by pre, in the file's order: row 0 = synapses 0..2 (posts 1, 0,
  // 1), row 1 = synapses 3, 4 (posts 0, 1); weights and x follow them.
  const Arena &a = net.arena;
  const double *w = a.buffer<double>(11), *x = a.buffer<double>(13);
  EXPECT_EQ(std::vector<double>(w, w + 5),
            (std::vector<double>{0.5, 1.0, 4.0, 0.25, 2.0}));
  for (int k = 0; k < 5; ++k)
    EXPECT_EQ(x[k], 0.75) << k;
  // The per-post index: post 0 <- synapses 1, 3; post 1 <- 0, 2, 4.
  ASSERT_TRUE(buildColumnIndices(net, err)) << err;
  const int64_t *colPtr = a.buffer<int64_t>(15);
  const int32_t *colSyn = a.buffer<int32_t>(16);
  EXPECT_EQ(std::vector<int64_t>(colPtr, colPtr + 3),
            (std::vector<int64_t>{0, 2, 5}));
  EXPECT_EQ(std::vector<int32_t>(colSyn, colSyn + 5),
            (std::vector<int32_t>{1, 3, 0, 2, 4}));
}

/// plasticTiny with its synapse entry `key` naming a new per-synapse buffer
/// (id 18, "p.<key>") of `type`.
json plasticTinyWith(const TempDir &dir, const char *key, const char *type) {
  json j = plasticTiny(dir);
  j["buffers"].push_back({{"id", 18},
                          {"name", std::string("p.") + key},
                          {"type", type},
                          {"count", {{"synapses", "p"}}}});
  j["projections"][0]["synapse"][key] = 18;
  return j;
}

TEST(Network, PerPostIndexPreNeurons) {
  // col_pre: the pre neuron of each entry of col_syn, 32 or 16 bits (the
  // compiler's choice when the pre population fits); another type is
  // refused.
  for (const char *type : {"i32", "u16"}) {
    TempDir dir;
    Network net;
    std::string err;
    json j = plasticTinyWith(dir, "col_pre", type);
    ASSERT_TRUE(build(j, net, err)) << type << ": " << err;
    ASSERT_TRUE(buildColumnIndices(net, err)) << err;
    // post 0 <- synapses 1, 3 (pre 0, 1); post 1 <- 0, 2, 4 (pre 0, 0, 1).
    std::vector<int64_t> pre;
    for (int k = 0; k < 5; ++k)
      pre.push_back(std::string(type) == "u16"
                        ? int64_t(net.arena.buffer<uint16_t>(18)[k])
                        : int64_t(net.arena.buffer<int32_t>(18)[k]));
    EXPECT_EQ(pre, (std::vector<int64_t>{0, 1, 0, 0, 1})) << type;
  }
  TempDir dir;
  Network net;
  std::string err;
  json j = plasticTinyWith(dir, "col_pre", "f64");
  EXPECT_FALSE(build(j, net, err));
  EXPECT_NE(err.find("col_pre"), std::string::npos) << err;
}

TEST(Network, DelayOrderOfTheRows) {
  // delay_syn: each row's positions by delay in steps, ties in row order
  // (the generated walk of the spikes of d steps ago takes one stretch).
  auto order = [](const char *list) {
    TempDir dir;
    Network net;
    std::string err;
    json j = plasticTinyWith(dir, "delay_syn", "i32");
    if (list)
      writeText(dir / "plastic.csv", list);
    EXPECT_TRUE(build(j, net, err)) << err;
    EXPECT_TRUE(buildColumnIndices(net, err)) << err;
    const int32_t *o = net.arena.buffer<int32_t>(18);
    return std::vector<int32_t>(o, o + 5);
  };
  // Row 0: synapses 0, 1, 2 with 3, 0, 2 steps; row 1: 3, 4 with 5, 1.
  EXPECT_EQ(order(nullptr), (std::vector<int32_t>{1, 2, 0, 4, 3}));
  // Ties: row 0 with 2, 2, 0 steps; row 1 with 1, 1.
  EXPECT_EQ(order("pre,post,weight,delay\n"
                  "0,1,0.5,0.2\n"
                  "1,0,0.25,0.1\n"
                  "0,0,1.0,0.2\n"
                  "1,1,2.0,0.1\n"
                  "0,1,4.0,0.0\n"),
            (std::vector<int32_t>{2, 0, 1, 3, 4}));
  // It needs the delays (a constant delay has none).
  TempDir dir;
  Network net;
  std::string err;
  json j = plasticTiny(dir);
  j["projections"][0]["delay"] = {{"kind", "constant"}, {"value", 0.3}};
  j["projections"][0].erase("delay_buffer");
  j["projections"][0]["synapse"]["delay_syn"] = 12;
  EXPECT_FALSE(build(j, net, err));
  EXPECT_EQ(err, "descriptor: projections[0].synapse.delay_syn: orders the "
                 "synapses by delay: it needs \"delay_buffer\"");
}

TEST(Network, InitialCopiesCopyTheInitialValues) {
  // "initial_copies": n.v (initial value 0.75) into a copy a link reads.
  TempDir dir;
  json j = tinyDescriptor(dir);
  j["populations"][1]["variables"][0]["init"]["value"] = 0.75;
  j["buffers"].push_back({{"id", 14},
                          {"name", "n.v.linked"},
                          {"type", "f64"},
                          {"count", 2}});
  j["initial_copies"] = {{{"from", 7}, {"to", 14}}};
  Network net;
  std::string err;
  ASSERT_TRUE(build(j, net, err)) << err;
  ASSERT_EQ(net.desc.initialCopies.size(), 1u);
  applyInitialCopies(net);
  const double *copy = net.arena.buffer<double>(14);
  EXPECT_EQ(std::vector<double>(copy, copy + 2),
            (std::vector<double>{0.75, 0.75}));
  // A shorter copy (or another type) is refused.
  j["buffers"][14]["count"] = 1;
  Descriptor d;
  EXPECT_FALSE(parseDescriptor(j.dump(), d, err));
  EXPECT_EQ(err, "descriptor: initial_copies[0]: buffers 7 (n.v) and 14 "
                 "(n.v.linked) differ in type, the second is shorter, or one "
                 "has a derived count");
}

TEST(Network, SynapseRecordingFindsItsSynapses) {
  TempDir dir;
  json j = plasticTiny(dir);
  auto buf = [](int id, const char *name, const char *type, json count) {
    return json{{"id", id}, {"name", name}, {"type", type}, {"count", count}};
  };
  j["buffers"].push_back(buf(18, "srecord0.synapses", "i64", 3));
  j["buffers"].push_back(buf(19, "srecord0.sample", "f64", 3));
  // Asked in another order than the rows': (1, 1) is synapse 4, (0, 1)
  // the first of row 0's two to post 1 (synapse 0), (0, 0) synapse 1.
  j["record"]["state"] = {{{"projection", "p"},
                           {"variable", "w"},
                           {"buffer", 19},
                           {"synapses", 18},
                           {"source", 11},
                           {"pre", {1, 0, 0}},
                           {"post", {1, 1, 0}},
                           {"every", 2}}};
  Network net;
  std::string err;
  ASSERT_TRUE(build(j, net, err)) << err;
  const StateRecordDesc &s = net.desc.record.state[0];
  EXPECT_TRUE(s.ofSynapses());
  EXPECT_EQ(s.neurons, (std::vector<int64_t>{0, 1, 2}));
  ASSERT_TRUE(findRecordedSynapses(net, err)) << err;
  const int64_t *k = net.arena.buffer<int64_t>(18);
  EXPECT_EQ(std::vector<int64_t>(k, k + 3), (std::vector<int64_t>{4, 0, 1}));
  const double *sample = net.arena.buffer<double>(19);
  EXPECT_EQ(std::vector<double>(sample, sample + 3),
            (std::vector<double>{2.0, 0.5, 1.0}));

  // A pair without a synapse (no 1 -> 0 in this list once it is gone).
  writeText(dir / "plastic.csv", "pre,post,weight,delay\n"
                                 "0,1,0.5,0.3\n"
                                 "0,0,1.0,0.0\n"
                                 "1,1,2.0,0.1\n"
                                 "0,1,4.0,0.2\n"
                                 "1,1,0.25,0.5\n");
  j["record"]["state"][0]["pre"] = {1, 0, 1};
  j["record"]["state"][0]["post"] = {1, 1, 0};
  ASSERT_TRUE(build(j, net, err)) << err;
  EXPECT_FALSE(findRecordedSynapses(net, err));
  EXPECT_EQ(err, "record.state[0]: projection 'p' has no synapse from 1 to 0 "
                 "(the connectivity drawn with this seed)");

  // The descriptor's checks.
  auto error = [&](const std::function<void(json &)> &edit) {
    json e = j;
    edit(e);
    Descriptor d;
    std::string msg;
    EXPECT_FALSE(parseDescriptor(e.dump(), d, msg));
    return msg;
  };
  EXPECT_EQ(error([](json &e) { e["record"]["state"][0]["post"] = {1, 1}; }),
            "descriptor: record.state[0]: \"pre\" and \"post\" list the "
            "recorded synapses: as many of each, at least one");
  EXPECT_EQ(error([](json &e) { e["record"]["state"][0]["pre"] = {1, 2, 0}; }),
            "descriptor: record.state[0].pre[1]: neuron 2 out of range [0, 2)");
  EXPECT_EQ(error([](json &e) { e["record"]["state"][0]["synapses"] = 19; }),
            "descriptor: record.state[0].synapses: buffer 19 "
            "(srecord0.sample) has type f64, expected i64");
}

TEST(Descriptor, SynapseModelErrors) {
  TempDir dir;
  auto error = [&](const std::function<void(json &)> &edit) {
    json j = plasticTiny(dir);
    edit(j);
    Descriptor d;
    std::string err;
    EXPECT_FALSE(parseDescriptor(j.dump(), d, err));
    return err;
  };
  EXPECT_EQ(error([](json &j) {
              j["projections"][0]["synapse"].erase("col_syn");
            }),
            "descriptor: projections[0].synapse: the per-post index needs "
            "both \"col_ptr\" and \"col_syn\"");
  EXPECT_EQ(error([](json &j) {
              j["projections"][0]["synapse"]["history"] = 13;
            }),
            "descriptor: projections[0].synapse.history: buffer 13 "
            "(p.var.x) has type f64, expected i32");
  EXPECT_EQ(error([](json &j) {
              j.erase("threads"); // back to one count and one list each
              for (int k : {0, 5})
                j["buffers"][k]["count"] = 1;
              for (int k : {1, 6})
                j["buffers"][k]["count"] = 2;
            }),
            "descriptor: projections[0].synapse.history: a history's slots "
            "hold a spike count per thread: it needs the \"threads\" "
            "section");
}
