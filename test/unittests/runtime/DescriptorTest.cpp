//===- DescriptorTest.cpp - Parsing and validating descriptors
//-------------===//

#include "snnrt/descriptor.h"

#include "TinyNet.h"

using namespace snnrt;
using namespace snnrt_test;
using json = nlohmann::json;

namespace {

std::string parseError(const json &j) {
  Descriptor d;
  std::string err;
  EXPECT_FALSE(parseDescriptor(j.dump(), d, err)) << "expected an error";
  return err;
}

} // namespace

TEST(Descriptor, ParsesTinyNetwork) {
  TempDir dir;
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(tinyDescriptor(dir).dump(), d, err)) << err;
  EXPECT_EQ(d.model, "tiny");
  EXPECT_EQ(d.dt, 0.1);
  EXPECT_EQ(d.steps, 100);
  EXPECT_EQ(d.seed, 5u);
  EXPECT_EQ(d.precision, ScalarType::F64);
  ASSERT_EQ(d.buffers.size(), 14u);
  EXPECT_EQ(d.buffers[kSrcTimes].count.kind, BufferCount::Kind::SpikeArray);
  EXPECT_EQ(d.buffers[kSrcTimes].count.refIndex, 0);
  EXPECT_EQ(d.buffers[kCol].count.kind, BufferCount::Kind::Synapses);
  EXPECT_EQ(d.buffers[kRing].count.kind, BufferCount::Kind::Ring);
  ASSERT_EQ(d.populations.size(), 2u);
  EXPECT_EQ(d.populations[0].kind, PopulationKind::SpikeArray);
  // Relative paths are resolved against source_file's directory.
  EXPECT_EQ(d.populations[0].file, dir / "spikes.csv");
  EXPECT_EQ(d.populations[1].variables.at(0).buffer, kNV);
  EXPECT_EQ(d.populations[1].refractory, kNRefractory);
  ASSERT_EQ(d.projections.size(), 1u);
  const ProjectionDesc &p = d.projections[0];
  EXPECT_EQ(p.preIndex, 0);
  EXPECT_EQ(p.postIndex, 1);
  EXPECT_EQ(p.connectivity.kind, ConnectivityDesc::Kind::List);
  EXPECT_EQ(p.weight.kind, ValueSpec::Kind::FromList);
  EXPECT_EQ(p.ringIndex, 0);
  EXPECT_EQ(d.rings[0].projectionIndices, std::vector<int>{0});
  EXPECT_EQ(d.record.spikePopulations, (std::vector<int>{0, 1}));
  ASSERT_EQ(d.record.state.size(), 1u);
  EXPECT_EQ(d.record.state[0].neurons, (std::vector<int64_t>{0, 1}));
}

TEST(Descriptor, ValueSpecs) {
  TempDir dir;
  json j = tinyDescriptor(dir);
  auto &init = j["populations"][1]["variables"][0]["init"];
  Descriptor d;
  std::string err;
  // Uniform and normal values are drawn by the model's init kernel.
  j["init"] = json::array(
      {{{"buffer", kNV},
        {"values", {{"kernel", "snn_build_init_7"}, {"emulate", 0}}}}});
  init = {{"kind", "uniform"}, {"low", -60}, {"high", -50}};
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  const ValueSpec &u = d.populations[1].variables[0].init;
  EXPECT_EQ(u.kind, ValueSpec::Kind::Uniform);
  EXPECT_EQ(u.low, -60);
  EXPECT_EQ(u.high, -50);
  init = {{"kind", "normal"}, {"mean", 1.5}, {"std", 0.5}};
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  EXPECT_EQ(d.populations[1].variables[0].init.std, 0.5);
  j.erase("init");
  init = {{"kind", "file"}, {"file", "/abs/v.npy"}, {"column", ""}};
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  EXPECT_EQ(d.populations[1].variables[0].init.file, "/abs/v.npy");
  init = -65.0; // bare number: a constant
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  EXPECT_EQ(d.populations[1].variables[0].init.value, -65.0);
}

TEST(Descriptor, InitKernels) {
  TempDir dir;
  json j = tinyDescriptor(dir);
  j["populations"][1]["variables"][0]["init"] = {
      {"kind", "normal"}, {"mean", -55}, {"std", 2}};
  json entry = {{"buffer", kNV},
                {"values", {{"kernel", "snn_build_init_7"}, {"emulate", 3}}}};
  j["init"] = json::array({entry});
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  ASSERT_EQ(d.init.size(), 1u);
  EXPECT_EQ(d.init[0].buffer, kNV);
  EXPECT_EQ(d.init[0].population, 1);
  EXPECT_EQ(d.init[0].variable, 0);
  EXPECT_EQ(d.init[0].values.kernel, "snn_build_init_7");
  EXPECT_EQ(d.init[0].values.emulate, 3);
  EXPECT_EQ(&d.initSpec(d.init[0]), &d.populations[1].variables[0].init);
  EXPECT_EQ(d.findInit(kNV), &d.init[0]);
  EXPECT_EQ(d.findInit(kNRefractory), nullptr);

  // Every drawn value has its kernel: the runtime draws none.
  json k = j;
  k.erase("init");
  EXPECT_EQ(parseError(k),
            "descriptor: populations[1].variables[0].init: normal values are "
            "drawn by a generated init kernel, and init has none for buffer " +
                std::to_string(kNV) + " (n.v)");
  k = j;
  k["init"].push_back(entry);
  EXPECT_EQ(parseError(k), "descriptor: init[1].buffer: duplicate entry for "
                           "buffer " + std::to_string(kNV));
  k = j;
  k["init"][0]["buffer"] = kNRefractory;
  EXPECT_EQ(parseError(k),
            "descriptor: init[0].buffer: buffer " +
                std::to_string(kNRefractory) +
                " (n.refractory) is not a neuron variable, a rate buffer or an "
                "amplitude buffer");
  k = j;
  k["populations"][1]["variables"][0]["init"] = -65.0;
  EXPECT_EQ(parseError(k),
            "descriptor: init[0].buffer: buffer " + std::to_string(kNV) +
                " (n.v) holds no uniform or normal values (the runtime fills "
                "constants and files itself)");
  k = j;
  k["init"][0]["buffer"] = 99;
  EXPECT_EQ(parseError(k),
            "descriptor: init[0].buffer: no buffer 99 (there are 14)");
  k = j;
  k["init"][0].erase("values");
  EXPECT_EQ(parseError(k), "descriptor: init[0]: missing \"values\"");
}

TEST(Descriptor, ErrorsNameTheJsonPath) {
  TempDir dir;
  const json base = tinyDescriptor(dir);
  json j;

  EXPECT_NE(parseError(json("not an object")).find("expected an object"),
            std::string::npos);
  {
    Descriptor d;
    std::string err;
    EXPECT_FALSE(parseDescriptor("{\"dt\": ", d, err));
    EXPECT_EQ(err.rfind("descriptor: invalid JSON", 0), 0u) << err;
  }
  j = base;
  j.erase("dt");
  EXPECT_EQ(parseError(j), "descriptor: missing \"dt\"");
  j = base;
  j["dt"] = -0.1;
  EXPECT_EQ(parseError(j), "descriptor: dt: must be positive");
  j = base;
  j["version"] = 2;
  EXPECT_NE(parseError(j).find("unsupported descriptor version 2"),
            std::string::npos);
  j = base;
  j["populations"][1]["variables"][0]["init"] = {{"kind", "gamma"}};
  EXPECT_EQ(parseError(j),
            "descriptor: populations[1].variables[0].init.kind: unknown value "
            "kind \"gamma\" (expected constant, uniform, normal, file or "
            "from_list)");
  j = base;
  j["populations"][1]["variables"][0]["init"] = {
      {"kind", "uniform"}, {"low", 1}, {"high", 0}};
  EXPECT_NE(parseError(j).find("populations[1].variables[0].init: uniform: "
                               "high"),
            std::string::npos);
  j = base;
  j["populations"][1]["spikes"] = 99;
  EXPECT_EQ(parseError(j),
            "descriptor: populations[1].spikes: no buffer 99 (there are 14)");
  j = base;
  j["populations"][1]["spike_count"] = kNV;
  EXPECT_EQ(parseError(j), "descriptor: populations[1].spike_count: buffer 7 "
                           "(n.v) has type f64, expected i32");
  j = base;
  j["buffers"][kNV]["count"] = 3;
  EXPECT_EQ(parseError(j), "descriptor: populations[1].variables[0].buffer: "
                           "buffer 7 (n.v) has count 3, expected 2");
  j = base;
  j["buffers"][3]["id"] = 4;
  EXPECT_NE(parseError(j).find("buffers[3].id: buffer ids must equal their "
                               "position"),
            std::string::npos);
  j = base;
  j["buffers"][kCol]["count"] = {{"synapses", "nope"}};
  EXPECT_EQ(parseError(j),
            "descriptor: projections[0].col: buffer 10 (p.col) has a count "
            "derived from \"nope\", expected one derived from \"p\"");
  j = base;
  j["buffers"][kCol]["count"] = {{"neurons", "p"}};
  EXPECT_NE(parseError(j).find("buffers[10].count: unknown count kind "
                               "\"neurons\""),
            std::string::npos);
  j = base;
  j["populations"][1]["name"] = "src";
  EXPECT_EQ(parseError(j),
            "descriptor: populations[1].name: duplicate population \"src\"");
  j = base;
  j["projections"][0]["post"] = "src";
  EXPECT_NE(parseError(j).find("projections[0].post: \"src\" is a source"),
            std::string::npos);
  j = base;
  j["projections"][0].erase("weight_buffer");
  EXPECT_EQ(parseError(j), "descriptor: projections[0]: a non-constant weight "
                           "needs \"weight_buffer\"");
  j = base;
  j["projections"][0]["connectivity"] = {{"kind", "fixed_probability"},
                                         {"p", 1.5}};
  EXPECT_EQ(parseError(j), "descriptor: projections[0].connectivity.p: "
                           "probability must be in [0, 1]");
  j = base;
  j["projections"][0]["connectivity"] = {{"kind", "all_to_all"}};
  EXPECT_EQ(parseError(j), "descriptor: projections[0].weight: from_list "
                           "needs \"list\" connectivity");
  j = base;
  j["projections"][0]["connectivity"] = {{"kind", "fixed_indegree"},
                                         {"indegree", 3}};
  j["projections"][0]["weight"] = 1.0;
  j["projections"][0]["delay"] = {{"kind", "constant"}, {"value", 1.0}};
  EXPECT_NE(parseError(j).find("in-degree 3 exceeds the 2 possible"),
            std::string::npos);
  j = base;
  j["projections"][0]["connectivity"] = {{"kind", "fixed_total_number"},
                                         {"total", -1}};
  j["projections"][0]["weight"] = 1.0;
  j["projections"][0]["delay"] = {{"kind", "constant"}, {"value", 1.0}};
  EXPECT_EQ(parseError(j), "descriptor: projections[0].connectivity.total: "
                           "negative total number of synapses");
  j["projections"][0]["connectivity"] = {{"kind", "fixed_total_number"}};
  EXPECT_NE(parseError(j).find("projections[0].connectivity: missing "
                               "\"total\""),
            std::string::npos)
      << parseError(j);
  j = base;
  j["projections"][0]["delay"] = {{"kind", "constant"}, {"value", -1.0}};
  EXPECT_EQ(parseError(j), "descriptor: projections[0].delay: negative delay");
  j = base;
  j["rings"][0]["population"] = "src";
  EXPECT_NE(parseError(j).find("rings[0].projections[0]: projection \"p\" "
                               "targets \"n\", not \"src\""),
            std::string::npos);
  j = base;
  j["projections"][0]["ring"] = "other";
  EXPECT_NE(parseError(j).find("names ring \"other\""), std::string::npos);
  // Without a ring the weights are added at once: no per-synapse delays.
  j = base;
  j["projections"][0].erase("ring");
  j["rings"] = json::array();
  j["buffers"].erase(j["buffers"].size() - 1); // the ring's buffer
  EXPECT_EQ(parseError(j),
            "descriptor: projections[0].delay_buffer: a projection in no ring "
            "adds its weights at once, so its delay must be a constant (of 0 "
            "steps), not per synapse");
  j = base;
  j["record"]["spikes"] = {"n", "ghost"};
  EXPECT_EQ(parseError(j),
            "descriptor: record.spikes[1]: no population \"ghost\"");
  j = base;
  j["record"]["state"][0]["neurons"] = {0, 2};
  EXPECT_EQ(parseError(j), "descriptor: record.state[0].neurons[1]: neuron 2 "
                           "out of range [0, 2)");
  j = base;
  j["record"]["format"] = "hdf5";
  EXPECT_NE(parseError(j).find("record.format: unknown format \"hdf5\""),
            std::string::npos);
  j = base;
  j["populations"][1]["kind"] = "izhikevich";
  EXPECT_NE(parseError(j).find("populations[1].kind: unknown population kind"),
            std::string::npos);
}

TEST(Descriptor, DefaultsAndRecordAllNeurons) {
  TempDir dir;
  json j = tinyDescriptor(dir);
  j["record"]["state"][0].erase("neurons");
  j["record"]["state"][0].erase("every");
  j["record"]["state"][0].erase("buffer"); // found through the variable name
  j["record"].erase("format");
  j["seed"] = 18446744073709551615ull;
  j["projections"][0]["delay"] = {{"kind", "constant"}, {"value", 0.5}};
  j["projections"][0].erase("delay_buffer");
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  EXPECT_EQ(d.record.format, "npy");
  EXPECT_EQ(d.record.state[0].neurons, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(d.record.state[0].every, 1);
  j["record"]["state"][0]["neurons"] = json::array(); // empty: all as well
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  EXPECT_EQ(d.record.state[0].neurons, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(d.record.state[0].buffer, kNV);
  EXPECT_EQ(d.seed, 18446744073709551615ull);
  EXPECT_TRUE(d.projections[0].delay.isConstant());
  EXPECT_EQ(d.projections[0].delayBuffer, -1);
}

TEST(Descriptor, StorageBuffers) {
  // The runtime goes by a projection's buffers, not by its storage kind's
  // name: rows of columns, other stored buffers (dense's bits), or none.
  TempDir dir;
  json j = tinyDescriptor(dir);
  json &p = j["projections"][0];
  p["storage"] = "dense";
  p.erase("col");
  EXPECT_EQ(parseError(j), "descriptor: projections[0]: list connectivity is "
                           "read into rows of columns: it needs \"row_ptr\" "
                           "and \"col\"");
  p["connectivity"] = {{"kind", "fixed_probability"}, {"p", 0.5}};
  p["weight"] = {{"kind", "constant"}, {"value", 1.0}};
  p["delay"] = {{"kind", "constant"}, {"value", 0.5}};
  p.erase("weight_buffer");
  p.erase("delay_buffer");
  p["stored"] = {12}; // p.delay: a count per synapse
  EXPECT_EQ(parseError(j), "descriptor: projections[0].stored[0]: buffer 12 "
                           "(p.delay) has a derived count; a stored buffer "
                           "has a fixed one");
  p["stored"] = {9};
  EXPECT_EQ(parseError(j), "descriptor: projections[0].stored[0]: buffer 9 "
                           "(p.row_ptr) is listed twice");
  p["stored"] = {99};
  EXPECT_EQ(parseError(j), "descriptor: projections[0].stored[0]: no buffer "
                           "99 (there are 14)");
  // Two rows (src has 2 neurons) of one 64-bit word (n has 2).
  j["buffers"][11] = {{"id", 11}, {"name", "p.mask"}, {"type", "i64"},
                      {"count", 2}};
  p["stored"] = {11};
  {
    Descriptor d;
    std::string err;
    ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
    const ProjectionDesc &pr = d.projections[0];
    EXPECT_EQ(pr.storage, "dense");
    EXPECT_EQ(pr.stored, std::vector<int>{11});
    EXPECT_EQ(pr.rowPtr, 9);
    EXPECT_EQ(pr.col, -1);
    EXPECT_TRUE(pr.storesRows());
  }
  // Values per synapse are indexed through the row pointers.
  p.erase("row_ptr");
  p.erase("stored");
  p["weight"] = {{"kind", "uniform"}, {"low", 0.0}, {"high", 1.0}};
  p["weight_buffer"] = 11;
  EXPECT_EQ(parseError(j), "descriptor: projections[0].weight_buffer: values "
                           "per synapse are in the order of the rows: they "
                           "need \"row_ptr\"");
  // Nothing stored (procedural): no buffers at all.
  p["weight"] = {{"kind", "constant"}, {"value", 1.0}};
  p.erase("weight_buffer");
  p["storage"] = "procedural";
  {
    Descriptor d;
    std::string err;
    ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
    EXPECT_FALSE(d.projections[0].storesRows());
  }
  // Columns need row pointers.
  p["col"] = 10;
  EXPECT_EQ(parseError(j), "descriptor: projections[0].col: columns need row "
                           "pointers (\"row_ptr\")");
}

TEST(Descriptor, StorageAndThreadsSections) {
  TempDir dir;
  const json base = tinyDescriptor(dir);
  json j = base;
  j["projections"][0]["storage"] = "";
  EXPECT_EQ(parseError(j),
            "descriptor: projections[0].storage: empty storage kind");
  j = base;
  j["projections"][0]["storage"] = "csr";
  {
    Descriptor d;
    std::string err;
    ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
    EXPECT_EQ(d.projections[0].storage, "csr");
    EXPECT_TRUE(d.projections[0].storesRows());
    EXPECT_EQ(d.maxThreads, 0);
  }
  j = base;
  j["threads"] = {{"max", 0}, {"align", 16}};
  EXPECT_EQ(parseError(j), "descriptor: threads.max: out of range (1 to 4096)");
  j = base;
  j["threads"] = {{"max", 4}};
  EXPECT_EQ(parseError(j), "descriptor: threads: missing \"align\"");
  // With threads, spike counts and lists are per thread and step parity.
  j = base;
  j["threads"] = {{"max", 4}, {"align", 1}};
  EXPECT_EQ(parseError(j), "descriptor: populations[0].spike_count: buffer 0 "
                           "(src.spike_count) has count 1, expected 8");
  {
    j["buffers"][kSrcCount]["count"] = 8;
    j["buffers"][kSrcSpikes]["count"] = 4;
    j["buffers"][kNCount]["count"] = 8;
    j["buffers"][kNSpikes]["count"] = 4;
    Descriptor d;
    std::string err;
    ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
    EXPECT_EQ(d.maxThreads, 4);
    // 10 neurons on 3 threads, align 1: 4, 4, 2; align 4 would give 4, 4, 2
    // too; 2 neurons on 3 threads: 1, 1, 0.
    EXPECT_EQ(d.threadStart(10, 0, 3), 0);
    EXPECT_EQ(d.threadStart(10, 1, 3), 4);
    EXPECT_EQ(d.threadStart(10, 2, 3), 8);
    EXPECT_EQ(d.threadStart(2, 2, 3), 2);
  }
}

TEST(Descriptor, ViewsAndGroups) {
  TempDir dir;
  json base = tinyDescriptor(dir);
  // The neurons' v (2 of them) as elements 3-4 of a group buffer of 5.
  int group = int(base["buffers"].size()), view = group + 1;
  base["buffers"].push_back(
      {{"id", group}, {"name", "g.v"}, {"type", "f64"}, {"count", 5}});
  base["buffers"].push_back({{"id", view},
                             {"name", "n.v"},
                             {"type", "f64"},
                             {"count", 2},
                             {"view", {{"of", group}, {"at", 3}}}});
  base["populations"][1]["variables"][0]["buffer"] = view;
  base["populations"][1]["group"] = {
      {"name", "x..n"}, {"size", 5}, {"offset", 3}};
  {
    Descriptor d;
    std::string err;
    ASSERT_TRUE(parseDescriptor(base.dump(), d, err)) << err;
    EXPECT_EQ(d.buffers[size_t(view)].viewOf, group);
    EXPECT_EQ(d.buffers[size_t(view)].viewAt, 3);
    EXPECT_EQ(d.buffers[size_t(group)].viewOf, -1);
    const PopulationDesc &n = d.populations[1];
    EXPECT_EQ(n.groupSize, 5);
    EXPECT_EQ(n.groupOffset, 3);
    // Alone: its own size from 0.
    EXPECT_EQ(d.populations[0].groupSize, d.populations[0].size);
    EXPECT_EQ(d.populations[0].groupOffset, 0);
  }
  std::string viewPath = "descriptor: buffers[" + std::to_string(view) + "]";
  json j = base;
  j["buffers"][view]["view"]["at"] = 4;
  EXPECT_EQ(parseError(j),
            viewPath + ".view.at: elements 4 to 6 are not all in buffer " +
                std::to_string(group) + " (g.v, 5 elements)");
  j = base;
  j["buffers"][view]["view"]["of"] = view;
  EXPECT_EQ(parseError(j), viewPath + ".view.of: a view must be of an "
                                      "earlier buffer (0 to " +
                               std::to_string(group) + ")");
  j = base;
  j["buffers"][view]["type"] = "f32";
  EXPECT_EQ(parseError(j), viewPath + ".view.of: buffer " +
                               std::to_string(group) +
                               " (g.v) has type f64, the view f32");
  j = base;
  j["buffers"][group]["count"] = {{"synapses", "ab"}};
  EXPECT_EQ(parseError(j),
            viewPath + ".view: a view and its buffer need fixed counts");
  j = base;
  j["buffers"].push_back({{"id", view + 1},
                          {"name", "m.v"},
                          {"type", "f64"},
                          {"count", 1},
                          {"view", {{"of", view}, {"at", 0}}}});
  EXPECT_EQ(parseError(j), "descriptor: buffers[" + std::to_string(view + 1) +
                               "].view.of: buffer " + std::to_string(view) +
                               " (n.v) is itself a view");
  j = base;
  j["populations"][1]["group"]["offset"] = 4;
  EXPECT_EQ(parseError(j), "descriptor: populations[1].group: a group of 5 "
                           "neurons cannot hold 2 from neuron 4");
  j = base;
  j["populations"][1]["group"].erase("size");
  EXPECT_EQ(parseError(j), "descriptor: populations[1].group: missing \"size\"");
}

TEST(Descriptor, ThreadSharesOfAGroup) {
  // A group of 100 neurons on 3 threads (align 16): shares [0, 48),
  // [48, 96), [96, 100). A member of 30 neurons from neuron 40 has
  // [40, 48) -> [0, 8), [48, 70) -> [8, 30), and nothing of the third.
  Descriptor d;
  d.maxThreads = 256;
  d.threadAlign = 16;
  PopulationDesc p;
  p.size = 30;
  p.groupSize = 100;
  p.groupOffset = 40;
  EXPECT_EQ(d.threadStart(p, 0, 3), 0);
  EXPECT_EQ(d.threadStart(p, 1, 3), 8);
  EXPECT_EQ(d.threadStart(p, 2, 3), 30);
  EXPECT_EQ(d.threadStart(p, 3, 3), 30);
  // Alone, as a population of its own.
  p.groupSize = 30;
  p.groupOffset = 0;
  EXPECT_EQ(d.threadStart(p, 1, 3), d.threadStart(30, 1, 3));
}

TEST(Descriptor, RecordWeights) {
  TempDir dir;
  json j = tinyDescriptor(dir);
  std::string name = j["projections"][0]["name"];
  j["record"]["weights"] = {name};
  {
    Descriptor d;
    std::string err;
    ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
    EXPECT_EQ(d.record.weights, std::vector<int>{0});
  }
  j["record"]["weights"] = {"nope"};
  EXPECT_EQ(parseError(j),
            "descriptor: record.weights[0]: no projection \"nope\"");
  j["record"]["weights"] = {name, name};
  EXPECT_EQ(parseError(j), "descriptor: record.weights[1]: the weights of \"" +
                               name + "\" are recorded twice");
}
