//===- GpuDescriptorTest.cpp - The "gpu" section --------------------------===//

#include "snnrt/descriptor.h"

#include "GpuBuildNet.h"
#include "GpuCounterNet.h"
#include "TestUtil.h"

#include <nlohmann/json.hpp>

using namespace snnrt;
using namespace snnrt_test;
using json = nlohmann::json;

namespace {

std::string gpuError(const json &j) {
  Descriptor d;
  std::string err;
  EXPECT_FALSE(parseDescriptor(j.dump(), d, err)) << "expected an error";
  return err;
}

} // namespace

TEST(GpuDescriptor, ParsesTheGpuSection) {
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(kCounterDescriptor, d, err)) << err;
  EXPECT_TRUE(d.hasGpu);
  const GpuDesc &g = d.gpu;
  ASSERT_EQ(g.phases.size(), 3u);
  EXPECT_EQ(g.phases[0].name, "record");
  EXPECT_EQ(g.phases[1].kernel, "snn_phase_update");
  EXPECT_EQ(g.phases[2].work, 37);
  EXPECT_EQ(g.persistentKernel, "snn_persistent");
  EXPECT_EQ(g.step, kCStep);
  EXPECT_EQ(g.batchSteps, 10);
  ASSERT_EQ(g.totals.size(), 2u);
  EXPECT_EQ(g.totals[1].population, "b");
  EXPECT_EQ(g.totals[1].populationIndex, 1);
  EXPECT_EQ(g.totals[1].buffer, kCBTotal);
  ASSERT_EQ(g.recordSpikes.size(), 1u);
  EXPECT_EQ(g.recordSpikes[0].populationIndex, 0);
  EXPECT_EQ(g.recordSpikes[0].count, kCARecCount);
  EXPECT_EQ(g.recordSpikes[0].ids, kCARecIds);
  EXPECT_EQ(g.recordSpikes[0].steps, kCARecSteps);
  ASSERT_EQ(g.recordState.size(), 1u);
  EXPECT_EQ(g.recordState[0].record, 0);
  EXPECT_EQ(g.recordState[0].neurons, kCRecNeurons);
  EXPECT_EQ(g.recordState[0].samples, kCRecSamples);
  EXPECT_EQ(g.recordState[0].values, kCRecValues);
  EXPECT_EQ(d.buffers[kCARecIds].count.kind, BufferCount::Kind::RecordSpikes);
  EXPECT_EQ(d.buffers[kCARecIds].count.refIndex, 0);
  EXPECT_EQ(d.buffers[kCRecValues].count.kind, BufferCount::Kind::RecordState);
  EXPECT_EQ(d.buffers[kCRecValues].count.refIndex, 0);

  // Optional parts.
  json j = json::parse(kCounterDescriptor);
  j["gpu"].erase("persistent_kernel");
  j["gpu"].erase("batch_steps");
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  EXPECT_EQ(d.gpu.persistentKernel, "");
  EXPECT_EQ(d.gpu.batchSteps, 0);
  // CPU descriptors have none of it.
  EXPECT_FALSE(Descriptor().hasGpu);
}

TEST(GpuDescriptor, Errors) {
  const json base = json::parse(kCounterDescriptor);
  json j;

  // Spike counts are double-buffered on the GPU.
  j = base;
  j["buffers"][kCACount]["count"] = 1;
  EXPECT_EQ(gpuError(j), "descriptor: populations[0].spike_count: buffer 1 "
                         "(a.spike_count) has count 1, expected 2");
  // ... and not on the CPU.
  j = base;
  j.erase("gpu");
  for (auto &b : j["buffers"])
    if (b["count"].is_object())
      b["count"] = 1;
  EXPECT_EQ(gpuError(j), "descriptor: populations[0].spike_count: buffer 1 "
                         "(a.spike_count) has count 2, expected 1");
  // Batch-sized counts need the gpu section.
  j = base;
  j.erase("gpu");
  j["buffers"][kCACount]["count"] = 1;
  j["buffers"][kCBCount]["count"] = 1;
  EXPECT_EQ(gpuError(j), "descriptor: buffers[6].count: {\"record_spikes\": "
                         "...} is only valid with a \"gpu\" section");

  j = base;
  j["gpu"]["phases"] = json::array();
  EXPECT_EQ(gpuError(j), "descriptor: gpu.phases: no phases");
  j = base;
  j["gpu"]["phases"][1]["work"] = -1;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.phases[1].work: must not be "
                         "negative");
  j = base;
  j["gpu"]["phases"][2]["name"] = "update";
  EXPECT_EQ(gpuError(j), "descriptor: gpu.phases[2].name: duplicate phase "
                         "\"update\"");
  j = base;
  j["gpu"]["phases"][0].erase("kernel");
  EXPECT_EQ(gpuError(j), "descriptor: gpu.phases[0]: missing \"kernel\"");
  j = base;
  j["gpu"]["phases"][0]["kernel"] = "";
  EXPECT_EQ(gpuError(j), "descriptor: gpu.phases[0].kernel: empty kernel "
                         "name");
  j = base;
  j["gpu"].erase("step");
  EXPECT_EQ(gpuError(j), "descriptor: gpu: missing \"step\"");
  j = base;
  j["gpu"]["step"] = kCATotal;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.step: buffer 4 (a.total) has count "
                         "1, expected 2");
  j = base;
  j["gpu"]["batch_steps"] = 0;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.batch_steps: must be at least 1");
  j = base;
  j["gpu"]["totals"].erase(1);
  EXPECT_EQ(gpuError(j), "descriptor: gpu.totals: expected one entry per "
                         "population (2), found 1");
  j = base;
  std::swap(j["gpu"]["totals"][0], j["gpu"]["totals"][1]);
  EXPECT_EQ(gpuError(j), "descriptor: gpu.totals[0].population: expected "
                         "\"a\" (the order of \"populations\"), found \"b\"");
  j = base;
  j["gpu"]["totals"][0]["buffer"] = kCACount;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.totals[0].buffer: buffer 1 "
                         "(a.spike_count) has type i32, expected i64");
  j = base;
  j["gpu"]["record_spikes"] = json::array();
  EXPECT_EQ(gpuError(j), "descriptor: gpu.record_spikes: no entry for "
                         "population \"a\" (in record.spikes)");
  j = base;
  j["gpu"]["record_spikes"][0]["population"] = "b";
  EXPECT_EQ(gpuError(j), "descriptor: gpu.record_spikes[0].population: \"b\" "
                         "is not in record.spikes");
  j = base;
  j["gpu"]["record_spikes"].push_back(j["gpu"]["record_spikes"][0]);
  EXPECT_EQ(gpuError(j), "descriptor: gpu.record_spikes[1].population: "
                         "duplicate entry for \"a\"");
  j = base;
  j["buffers"][kCARecIds]["count"] = {{"record_spikes", "b"}};
  EXPECT_EQ(gpuError(j), "descriptor: gpu.record_spikes[0].ids: buffer 6 "
                         "(a.rec_ids) has a count derived from \"b\", "
                         "expected one derived from \"a\"");
  j = base;
  j["buffers"][kCARecSteps]["count"] = {{"record_state", 0}};
  j["buffers"][kCARecSteps]["type"] = "i32";
  EXPECT_EQ(gpuError(j), "descriptor: gpu.record_spikes[0].steps: buffer 7 "
                         "(a.rec_steps) has a count derived from "
                         "{\"record_state\": 0}, expected {\"record_spikes\": "
                         "\"a\"}");
  j = base;
  j["buffers"][kCARecSteps]["count"] = {{"record_spikes", "ghost"}};
  j["gpu"]["record_spikes"][0]["steps"] = kCARecIds; // not referenced
  EXPECT_EQ(gpuError(j), "descriptor: buffers[7].count: no population "
                         "\"ghost\"");
  j = base;
  j["buffers"][kCRecValues]["count"] = {{"record_state", 3}};
  EXPECT_EQ(gpuError(j), "descriptor: gpu.record_state[0].values: buffer 13 "
                         "(record0.values) has a count derived from \"3\", "
                         "expected one derived from \"0\"");
  j = base;
  j["buffers"][kCRecValues]["count"] = {{"record_state", "zero"}};
  EXPECT_EQ(gpuError(j), "descriptor: buffers[13].count.record_state: "
                         "expected an integer");
  j = base;
  j["gpu"]["record_state"][0]["record"] = 1;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.record_state[0].record: no "
                         "record.state[1] (there are 1)");
  j = base;
  j["gpu"]["record_state"].push_back(j["gpu"]["record_state"][0]);
  EXPECT_EQ(gpuError(j), "descriptor: gpu.record_state[1].record: duplicate "
                         "entry for record.state[0]");
  j = base;
  j["gpu"].erase("record_state");
  EXPECT_EQ(gpuError(j), "descriptor: gpu.record_state: no entry for "
                         "record.state[0]");
  j = base;
  j["buffers"][kCRecNeurons]["count"] = 2;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.record_state[0].neurons: buffer 11 "
                         "(record0.neurons) has count 2, expected 3");
  j = base;
  j["gpu"]["record_state"][0]["samples"] = kCRecNeurons;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.record_state[0].samples: buffer 11 "
                         "(record0.neurons) has type i32, expected i64");
  j = base;
  j["gpu"] = json::array();
  EXPECT_EQ(gpuError(j), "descriptor: gpu: expected an object");
}

TEST(GpuDescriptor, InitKernelsAreInTheGpuSection) {
  json j = json::parse(kCounterDescriptor);
  j["populations"][0]["variables"][0]["init"] = {
      {"kind", "uniform"}, {"low", 0}, {"high", 1}};
  json entry = {{"buffer", kCAV},
                {"values", {{"kernel", "snn_build_init_3"}, {"emulate", 0}}}};
  EXPECT_EQ(gpuError(j),
            "descriptor: populations[0].variables[0].init: uniform values are "
            "drawn by a generated init kernel, and gpu.init has none for "
            "buffer 3 (a.v)");
  j["init"] = json::array({entry});
  EXPECT_EQ(gpuError(j),
            "descriptor: init: a GPU descriptor lists its init kernels in "
            "gpu.init");
  j.erase("init");
  j["gpu"]["init"] = json::array({entry});
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  ASSERT_EQ(d.init.size(), 1u);
  EXPECT_EQ(d.init[0].buffer, kCAV);
  EXPECT_EQ(d.init[0].values.kernel, "snn_build_init_3");
}

TEST(GpuDescriptor, ParsesGpuBuild) {
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(buildNetJson().dump(), d, err)) << err;
  const std::vector<GpuBuildDesc> &b = d.build;
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[0].projection, "aa");
  EXPECT_EQ(b[0].projectionIndex, 0);
  EXPECT_EQ(b[0].rows.kernel, "snn_build_rows_0");
  EXPECT_EQ(b[0].rows.emulate, 0);
  EXPECT_EQ(b[0].rows.work, 37);
  EXPECT_EQ(b[0].fill.kernel, "snn_build_fill_0");
  EXPECT_EQ(b[0].fill.emulate, 1);
  ASSERT_TRUE(b[0].delays);
  EXPECT_EQ(b[0].delays->kernel, "snn_build_delays_0");
  EXPECT_EQ(b[0].delays->emulate, 2);
  EXPECT_EQ(b[0].delays->work, 0);
  ASSERT_TRUE(b[0].values);
  EXPECT_EQ(b[0].values->emulate, 3);
  EXPECT_EQ(b[0].writes, (std::vector<int>{kAACol, kAAWeight, kAADelay}));
  EXPECT_EQ(b[1].projectionIndex, 1);
  EXPECT_EQ(b[1].fill.work, 0); // optional
  EXPECT_FALSE(b[1].delays);
  EXPECT_FALSE(b[1].values);
  EXPECT_EQ(b[1].writes, (std::vector<int>{kBACol}));
  EXPECT_EQ(b[2].projectionIndex, 2);
  EXPECT_FALSE(b[2].delays);
  ASSERT_TRUE(b[2].values);
  EXPECT_EQ(b[2].values->kernel, "snn_build_values_2");
  EXPECT_EQ(d.findBuild(2), &b[2]);
  EXPECT_EQ(d.findBuild(3), &b[3]);
  EXPECT_FALSE(b[0].sort);
  EXPECT_EQ(b[0].scratchWords, 0);

  // fixed_indegree: a sort kernel and a kept scratch.
  const GpuBuildDesc &ab = d.build[3];
  EXPECT_EQ(ab.projectionIndex, 3);
  EXPECT_EQ(ab.scratchWords, kABScratchWords);
  ASSERT_TRUE(ab.sort);
  EXPECT_EQ(ab.sort->kernel, "snn_build_sort_3");
  EXPECT_EQ(ab.sort->emulate, 19);
  EXPECT_EQ(ab.sort->work, 37);
  EXPECT_EQ(d.findBuild(3), &ab);

  // Optional: a model without projections has no "build".
  ASSERT_TRUE(parseDescriptor(kCounterDescriptor, d, err)) << err;
  EXPECT_TRUE(d.build.empty());
  // Weights on the device with a constant delay on the host.
  json j = buildNetJson();
  j["gpu"]["build"][0]["writes"] = {kAACol, kAAWeight};
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
}

TEST(GpuDescriptor, StoredBuildEntries) {
  // "ba" (b -> a, all_to_all) held as rows of bits: 5 rows of one word (a
  // has 37 neurons), a stored buffer written by its fill kernel in place of
  // the columns; without columns, its entry has a columns kernel.
  json j = denseBANetJson();
  const json &entry = j["gpu"]["build"][1];
  {
    Descriptor d;
    std::string err;
    ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
    EXPECT_EQ(d.projections[1].storage, "dense");
    ASSERT_NE(d.findBuild(1), nullptr);
    EXPECT_EQ(d.findBuild(1)->writes, std::vector<int>{kBACol});
    ASSERT_TRUE(d.findBuild(1)->columns.has_value());
  }
  json e = j;
  e["gpu"]["build"][1]["writes"] = json::array();
  EXPECT_EQ(gpuError(e), "descriptor: gpu.build[1].writes: missing buffer " +
                             std::to_string(kBACol) +
                             " (ba.mask), which the fill kernel writes");
  e = j;
  e["gpu"]["build"][1]["sort"] = e["gpu"]["build"][1]["fill"];
  EXPECT_EQ(gpuError(e), "descriptor: gpu.build[1].sort: projection \"ba\" "
                         "stores no columns to sort");
  e = j;
  e["gpu"]["build"][1].erase("columns");
  EXPECT_EQ(gpuError(e), "descriptor: gpu.build[1]: missing \"columns\"");
  e = j;
  e["gpu"]["build"][1].erase("fill");
  EXPECT_EQ(gpuError(e), "descriptor: gpu.build[1]: missing \"fill\"");
  e = j;
  e["gpu"]["build"][1]["writes"] = {kBARowPtr};
  EXPECT_EQ(gpuError(e), "descriptor: gpu.build[1].writes[0]: buffer " +
                             std::to_string(kBARowPtr) +
                             " (ba.row_ptr) is not written by the kernels of "
                             "projection \"ba\" (its columns or stored "
                             "buffers, weights and delays)");
  // Nothing stored: nothing to fill; stored columns: no columns kernel.
  e = j;
  e["projections"][1].erase("stored");
  e["projections"][1].erase("row_ptr");
  e["gpu"]["build"][1]["writes"] = json::array();
  EXPECT_EQ(gpuError(e), "descriptor: gpu.build[1].fill: projection \"ba\" "
                         "stores no synapses: nothing to fill");
  e = buildNetJson();
  e["gpu"]["build"][1]["columns"] = entry["columns"];
  EXPECT_EQ(gpuError(e), "descriptor: gpu.build[1].columns: projection "
                         "\"ba\" stores its columns: they are read from the "
                         "arena");
}

TEST(GpuDescriptor, GpuBuildErrors) {
  // Without the entry of "ab", which the cases below give to others.
  json base = buildNetJson();
  base["gpu"]["build"].erase(3);
  json j;
  auto entry = [&](int i) -> json & { return j["gpu"]["build"][i]; };

  j = base;
  j["gpu"]["build"] = json::object();
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build: expected an array");
  j = base;
  entry(0) = 3;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0]: expected an object");
  j = base;
  entry(0).erase("projection");
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0]: missing \"projection\"");
  j = base;
  entry(1)["projection"] = "zz";
  EXPECT_EQ(gpuError(j),
            "descriptor: gpu.build[1].projection: no projection \"zz\"");
  j = base;
  entry(2)["projection"] = "ba";
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[2].projection: duplicate "
                         "entry for projection \"ba\"");
  j = base;
  j["projections"][3]["connectivity"] = {{"kind", "list"},
                                         {"file", "synapses.csv"}};
  entry(1)["projection"] = "ab";
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[1].rows: projection \"ab\" "
                         "has list connectivity: its synapses are read from "
                         "its file on the host");
  // A list's entry: its values only (delays and values), never its col.
  json lj = j;
  for (const char *key : {"rows", "fill", "sort", "scratch"})
    lj["gpu"]["build"][1].erase(key);
  lj["gpu"]["build"][1].erase("values");
  EXPECT_EQ(gpuError(lj), "descriptor: gpu.build[1]: projection \"ab\" has "
                          "list connectivity: its entry needs a \"values\" "
                          "kernel");
  // fixed_total_number has build kernels (since they draw its pairs).
  j = base;
  j["projections"][3]["connectivity"] = {{"kind", "fixed_total_number"},
                                         {"total", 100}};
  entry(1)["projection"] = "ab";
  entry(1)["writes"] = {j["projections"][3]["col"]};
  {
    Descriptor d;
    std::string err;
    EXPECT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  }
  // fixed_indegree's scratch must hold the row counts.
  j = buildNetJson();
  entry(3)["scratch"] = 36;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[3].scratch: 36 words cannot "
                         "hold the row counts of projection \"ab\" (37 "
                         "words)");
  j = buildNetJson();
  entry(3)["scratch"] = "many";
  EXPECT_EQ(gpuError(j),
            "descriptor: gpu.build[3].scratch: expected an integer");
  j = buildNetJson();
  entry(3)["sort"].erase("kernel");
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[3].sort: missing \"kernel\"");

  // Kernels.
  j = base;
  entry(0).erase("rows");
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0]: missing \"rows\"");
  j = base;
  entry(1).erase("fill");
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[1]: missing \"fill\"");
  j = base;
  entry(0)["rows"] = "snn_build_rows_0";
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].rows: expected an object");
  j = base;
  entry(0)["rows"].erase("kernel");
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].rows: missing \"kernel\"");
  j = base;
  entry(0)["rows"]["kernel"] = "";
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].rows.kernel: empty kernel "
                         "name");
  j = base;
  entry(0)["fill"]["kernel"] = 7;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].fill.kernel: expected a "
                         "string");
  j = base;
  entry(0)["fill"].erase("emulate");
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].fill: missing "
                         "\"emulate\"");
  j = base;
  entry(0)["delays"]["emulate"] = -1;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].delays.emulate: invalid "
                         "kernel number -1 (expected a non-negative "
                         "integer)");
  j = base;
  entry(0)["values"]["emulate"] = 1.5;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].values.emulate: expected "
                         "an integer");
  j = base;
  entry(1)["fill"]["emulate"] = 0;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[1].fill.emulate: kernel "
                         "number 0 is also \"snn_build_rows_0\" "
                         "(gpu.build[0].rows)");
  j = base;
  entry(0)["rows"]["work"] = -5;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].rows.work: must not be "
                         "negative");
  j = base;
  entry(1)["delays"] = {{"kernel", "snn_build_delays_1"}, {"emulate", 6}};
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[1]: missing \"delay_at\"");
  entry(1)["delay_at"] = {{"kernel", "snn_build_delay_at_1"}, {"emulate", 8}};
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[1].delays: the delay of "
                         "projection \"ba\" is not uniform or normal");
  j = base;
  entry(1)["delay_at"] = {{"kernel", "snn_build_delay_at_1"}, {"emulate", 8}};
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[1].delay_at: comes with a "
                         "\"delays\" kernel");
  j = base;
  entry(1)["values"] = {{"kernel", "snn_build_values_1"}, {"emulate", 7}};
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[1].values: neither the "
                         "weight nor the delay of projection \"ba\" is "
                         "uniform or normal");

  // What the device writes.
  j = base;
  entry(0).erase("writes");
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0]: missing \"writes\"");
  j = base;
  entry(0)["writes"] = kAACol;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].writes: expected an "
                         "array");
  j = base;
  entry(0)["writes"][1] = 99;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].writes[1]: no buffer 99 "
                         "(there are 29)");
  j = base;
  entry(0)["writes"][1] = "x";
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].writes[1]: expected an "
                         "integer");
  j = base;
  entry(0)["writes"][2] = kAACol;
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].writes[2]: duplicate "
                         "buffer 15 (aa.col)");
  j = base;
  entry(0)["writes"] = {kAAWeight, kAADelay};
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].writes: missing buffer "
                         "15 (aa.col), which the fill kernel writes");
  j = base;
  entry(1)["writes"] = {kBACol, kAACol};
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[1].writes[1]: buffer 15 "
                         "(aa.col) is not written by the kernels of "
                         "projection \"ba\" (its columns or stored buffers, "
                         "weights and delays)");
  j = base;
  entry(1)["writes"] = {kBACol, kBARowPtr};
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[1].writes[1]: buffer 18 "
                         "(ba.row_ptr) is not written by the kernels of "
                         "projection \"ba\" (its columns or stored buffers, "
                         "weights and delays)");
  j = base;
  entry(2).erase("values");
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[2].writes[1]: buffer 22 "
                         "(bb.weight): the weight of projection \"bb\" is not "
                         "computed on the device (that needs a uniform or "
                         "normal value and a \"values\" kernel)");
  // A file weight is the host's.
  j = base;
  j["projections"][0]["weight"] = {{"kind", "file"}, {"file", "/w.npy"}};
  EXPECT_EQ(gpuError(j), "descriptor: gpu.build[0].writes[1]: buffer 16 "
                         "(aa.weight): the weight of projection \"aa\" is not "
                         "computed on the device (that needs a uniform or "
                         "normal value and a \"values\" kernel)");
}
