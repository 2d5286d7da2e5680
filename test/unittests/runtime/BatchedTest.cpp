//===- BatchedTest.cpp - Batched loop, emulated backend -------------------===//

#include "snnrt/batched.h"
#include "snnrt/emulate.h"
#include "snnrt/io.h"
#include "snnrt/network.h"
#include "snnrt/run.h"

#include "GpuCounterNet.h"
#include "TinyNet.h"

#include <csignal>
#include <cstring>
#include <filesystem>
#include <functional>

using namespace snnrt;
using namespace snnrt_test;
using json = nlohmann::json;

namespace {

/// A device in host memory (a separate copy of the arena, so that upload
/// and download are real copies) running the counter model's emulated
/// step; `hook` runs after each step and may corrupt the device state.
class FakeBackend : public StepBackend {
public:
  int64_t threads = 5;
  std::function<void(MemRefI8 *, int64_t step)> hook;
  std::vector<std::pair<int64_t, int64_t>> calls; // runSteps(first, count)
  int reads = 0, writes = 0, zeros = 0;

  bool upload(Network &net, std::string &) override {
    net_ = &net;
    mem_.assign(net.arena.sizeBytes() / 8, 0);
    std::memcpy(mem_.data(), net.arena.data(), net.arena.sizeBytes());
    return true;
  }
  bool runSteps(int64_t first, int64_t count, std::string &) override {
    calls.emplace_back(first, count);
    for (int64_t s = first; s < first + count; ++s) {
      MemRefI8 m = memref();
      counterEmulateStep(&m, int64_t(net_->seed), s & 1, threads);
      if (hook)
        hook(&m, s);
    }
    return true;
  }
  bool read(int buffer, uint64_t first, uint64_t count, void *dst,
            std::string &error) override {
    ++reads;
    uint64_t offset, bytes;
    if (!bufferByteRange(*net_, buffer, first, count, offset, bytes, error))
      return false;
    std::memcpy(dst, bytesAt(offset), bytes);
    return true;
  }
  bool write(int buffer, uint64_t first, uint64_t count, const void *src,
             std::string &error) override {
    ++writes;
    uint64_t offset, bytes;
    if (!bufferByteRange(*net_, buffer, first, count, offset, bytes, error))
      return false;
    std::memcpy(bytesAt(offset), src, bytes);
    return true;
  }
  bool zero(int buffer, std::string &error) override {
    ++zeros;
    uint64_t offset, bytes;
    if (!bufferByteRange(*net_, buffer, 0, net_->arena.slot(buffer).count,
                         offset, bytes, error))
      return false;
    std::memset(bytesAt(offset), 0, bytes);
    return true;
  }
  bool download(Network &net, bool, std::string &) override {
    std::memcpy(net.arena.data(), mem_.data(), net.arena.sizeBytes());
    return true;
  }
  BackendReport report() const override {
    return {"fake", "fake device", "{\"target\": \"fake\"}"};
  }

private:
  Network *net_ = nullptr;
  std::vector<uint64_t> mem_;
  uint8_t *bytesAt(uint64_t offset) {
    return reinterpret_cast<uint8_t *>(mem_.data()) + offset;
  }
  MemRefI8 memref() {
    int8_t *p = reinterpret_cast<int8_t *>(mem_.data());
    return {p, p, 0, int64_t(mem_.size() * 8), 1};
  }
};

RunOptions quiet() {
  RunOptions o;
  o.progress = false;
  o.writeOutput = false;
  return o;
}

double time01(int64_t s) { return stepTimeMs(s, 0.1); }

bool buildCounter(Network &net, std::string &err, int64_t batch,
                  const json &changes = json::object()) {
  json j = json::parse(kCounterDescriptor);
  j.merge_patch(changes);
  Descriptor d;
  if (!parseDescriptor(j.dump(), d, err))
    return false;
  BuildOptions o;
  o.batchSteps = batch;
  return buildNetwork(d, d.seed, o, net, err);
}

/// Runs the counter model on a FakeBackend.
bool runFake(FakeBackend &fake, int64_t steps, int64_t batch, RunResult &r,
             std::string &err, Network *keep = nullptr) {
  Network local;
  Network &net = keep ? *keep : local;
  if (!buildCounter(net, err, batch))
    return false;
  return simulateBatched(net, fake, steps, quiet(), r, err);
}

void expectMatchesReference(const RunResult &r, int64_t steps) {
  CounterExpected e = counterReference(steps, time01);
  ASSERT_EQ(r.spikes.size(), 1u);
  EXPECT_EQ(r.spikes[0].population, "a");
  EXPECT_EQ(r.spikes[0].timesMs, e.spikeTimes);
  EXPECT_EQ(r.spikes[0].neurons, e.spikeIds);
  ASSERT_EQ(r.states.size(), 1u);
  EXPECT_EQ(r.states[0].neurons, (std::vector<int64_t>{0, 5, 36}));
  EXPECT_EQ(r.states[0].timesMs, e.sampleTimes);
  EXPECT_EQ(r.states[0].values, e.samples);
  ASSERT_EQ(r.populations.size(), 2u);
  EXPECT_EQ(r.populations[0].spikes, e.aTotal);
  EXPECT_EQ(r.populations[1].spikes, e.bTotal);
  EXPECT_EQ(r.steps, steps);
}

} // namespace

TEST(Batched, MatchesTheSequentialReference) {
  FakeBackend fake;
  Network net;
  RunResult r;
  std::string err;
  ASSERT_TRUE(runFake(fake, 25, 10, r, err, &net)) << err;
  expectMatchesReference(r, 25);
  // Batches of 10 steps, the last one short.
  EXPECT_EQ(fake.calls, (std::vector<std::pair<int64_t, int64_t>>{
                            {0, 10}, {10, 10}, {20, 5}}));
  // Rates from the device totals: spikes / (size * 2.5 ms).
  CounterExpected e = counterReference(25, time01);
  EXPECT_DOUBLE_EQ(r.populations[1].rateHz, double(e.bTotal) / (5 * 0.0025));
  // The final device state was copied back to the host network.
  const double *v = net.arena.buffer<double>(kCAV);
  EXPECT_EQ(std::vector<double>(v, v + kCounterASize), e.finalV);
  EXPECT_EQ(net.arena.buffer<int64_t>(kCStep)[25 & 1], 25);
  // Recording counters were reset after each batch.
  EXPECT_EQ(*net.arena.buffer<int32_t>(kCARecCount), 0);
  EXPECT_EQ(*net.arena.buffer<int64_t>(kCRecSamples), 0);
  EXPECT_EQ(r.backend.target, "fake");
  EXPECT_NE(r.backend.json.find("\"batch_steps\":10"), std::string::npos)
      << r.backend.json;
  EXPECT_NE(r.backend.summary.find("batches of 10 steps"), std::string::npos);
}

TEST(Batched, SpikesAreSortedByStepThenNeuron) {
  // With 5 emulated threads, thread 0 appends 0, 5, 10, ... before thread 1
  // appends 1, 6, ...: the device order is not sorted.
  FakeBackend fake;
  fake.threads = 5;
  RunResult r;
  std::string err;
  ASSERT_TRUE(runFake(fake, 60, 20, r, err)) << err;
  const SpikeRecord &s = r.spikes[0];
  ASSERT_GT(s.neurons.size(), 10u);
  for (size_t i = 1; i < s.neurons.size(); ++i) {
    ASSERT_LE(s.timesMs[i - 1], s.timesMs[i]) << i;
    if (s.timesMs[i - 1] == s.timesMs[i])
      ASSERT_LT(s.neurons[i - 1], s.neurons[i]) << i;
  }
  expectMatchesReference(r, 60);
}

TEST(Batched, OddStepCountsAndBatchBoundaries) {
  for (int64_t steps : {0, 1, 2, 7, 9, 10, 11, 31}) {
    for (int64_t batch : {2, 4, 6, 10, 32}) {
      FakeBackend fake;
      RunResult r;
      std::string err;
      ASSERT_TRUE(runFake(fake, steps, batch, r, err))
          << err << " (steps " << steps << ", batch " << batch << ")";
      SCOPED_TRACE("steps " + std::to_string(steps) + ", batch " +
                   std::to_string(batch));
      expectMatchesReference(r, steps);
      int64_t expectedCalls = (steps + batch - 1) / batch;
      ASSERT_EQ(int64_t(fake.calls.size()), expectedCalls);
      int64_t next = 0;
      for (auto &c : fake.calls) {
        EXPECT_EQ(c.first, next);
        EXPECT_EQ(c.first % 2, 0); // batches start on even steps
        next += c.second;
      }
      EXPECT_EQ(next, steps);
    }
  }
}

TEST(Batched, AnInterruptedRunStopsAtTheEndOfTheBatch) {
  // The host sees the device only between batches: a signal during a batch
  // lets it finish, and the run holds every step up to its end, exactly as
  // a run of that many steps (the device's counters must agree).
  for (int64_t at : {0, 5, 7, 8, 23, 24}) {
    FakeBackend fake;
    Network net;
    RunResult r;
    std::string err;
    ASSERT_TRUE(buildCounter(net, err, 8)) << err;
    RunOptions o = quiet();
    o.interruptAtStep = at;
    o.interruptSignal = SIGTERM;
    ASSERT_TRUE(simulateBatched(net, fake, 25, o, r, err)) << err;
    SCOPED_TRACE("interrupted at step " + std::to_string(at));
    int64_t end = std::min<int64_t>(25, (at / 8 + 1) * 8);
    EXPECT_EQ(r.interruptSignal, end < 25 ? SIGTERM : 0);
    EXPECT_EQ(r.requestedSteps, 25);
    expectMatchesReference(r, end);
    EXPECT_EQ(int64_t(fake.calls.size()), (end + 7) / 8);
  }
}

TEST(Batched, StepCounterCheck) {
  FakeBackend fake;
  // The last step "forgets" its bookkeeping of the step cell.
  fake.hook = [](MemRefI8 *m, int64_t s) {
    if (s == 24)
      counterBuffer<int64_t>(m, kCStep)[1] = 24;
  };
  RunResult r;
  std::string err;
  EXPECT_FALSE(runFake(fake, 25, 10, r, err));
  EXPECT_EQ(err, "after 25 steps the device's step counter snn.step[1] is "
                 "24, expected 25 (not every step ran to its end-of-step "
                 "bookkeeping)");
}

TEST(Batched, DeviceRecordingIsValidated) {
  struct Case {
    std::function<void(MemRefI8 *, int64_t)> hook;
    std::string error;
  };
  auto recCount = [](MemRefI8 *m) {
    return counterBuffer<int32_t>(m, kCARecCount);
  };
  std::vector<Case> cases = {
      {[&](MemRefI8 *m, int64_t s) {
         if (s == 9)
           *recCount(m) = 371;
       },
       "steps 0..9: population \"a\" recorded 371 spikes, outside its "
       "capacity [0, 370]"},
      {[&](MemRefI8 *m, int64_t s) {
         if (s == 9)
           *recCount(m) = -1;
       },
       "steps 0..9: population \"a\" recorded -1 spikes, outside its "
       "capacity [0, 370]"},
      {[&](MemRefI8 *m, int64_t s) {
         if (s == 12 && *recCount(m) > 0)
           counterBuffer<int32_t>(m, kCARecIds)[0] = 37;
       },
       "steps 10..19: population \"a\" recorded a spike of neuron 37 (size "
       "37)"},
      {[&](MemRefI8 *m, int64_t s) {
         if (s == 12 && *recCount(m) > 0)
           counterBuffer<int32_t>(m, kCARecSteps)[0] = 20;
       },
       ""}, // filled below: the neuron id depends on the model
      {[&](MemRefI8 *m, int64_t s) {
         if (s == 5)
           ++counterBuffer<int64_t>(m, kCRecSamples)[0];
       },
       "steps 0..9: record.state[0] (a.v): the device wrote 5 samples, "
       "expected 4 (one every 3 steps)"},
      {[&](MemRefI8 *m, int64_t s) {
         if (s == 5)
           ++*counterBuffer<int64_t>(m, kCATotal);
       },
       ""}, // recorded != counted
      {[&](MemRefI8 *m, int64_t s) {
         if (s == 7) { // record one spike twice
           int32_t &n = *recCount(m);
           counterBuffer<int32_t>(m, kCARecIds)[n] =
               counterBuffer<int32_t>(m, kCARecIds)[n - 1];
           counterBuffer<int32_t>(m, kCARecSteps)[n] =
               counterBuffer<int32_t>(m, kCARecSteps)[n - 1];
           ++n;
         }
       },
       ""},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    FakeBackend fake;
    fake.hook = cases[i].hook;
    RunResult r;
    std::string err;
    EXPECT_FALSE(runFake(fake, 25, 10, r, err)) << "case " << i;
    if (!cases[i].error.empty())
      EXPECT_EQ(err, cases[i].error) << "case " << i;
    else if (i == 3)
      EXPECT_NE(err.find("at step 20, outside the batch"), std::string::npos)
          << err;
    else if (i == 5)
      EXPECT_NE(err.find("population \"a\": the device recorded "),
                std::string::npos)
          << err;
    else
      EXPECT_NE(err.find("spiking twice"), std::string::npos) << err;
  }
}

TEST(Batched, RecordingBuffersAreSizedForOneBatch) {
  Network net;
  std::string err;
  ASSERT_TRUE(buildCounter(net, err, 10)) << err;
  EXPECT_EQ(net.batchSteps, 10);
  EXPECT_EQ(net.counts[kCARecIds], 37 * 10);
  EXPECT_EQ(net.counts[kCARecSteps], 37 * 10);
  EXPECT_EQ(net.counts[kCRecValues], 3 * (10 / 3 + 2));
  const int32_t *neurons = net.arena.buffer<int32_t>(kCRecNeurons);
  EXPECT_EQ(std::vector<int32_t>(neurons, neurons + 3),
            (std::vector<int32_t>{0, 5, 36}));
  ASSERT_TRUE(buildCounter(net, err, 1000)) << err;
  EXPECT_EQ(net.counts[kCARecIds], 37000);
  EXPECT_EQ(net.counts[kCRecValues], 3 * (1000 / 3 + 2));

  // The batch size is required.
  EXPECT_FALSE(buildCounter(net, err, 0));
  EXPECT_EQ(err, "buffers[6] (a.rec_ids): a recording buffer needs the batch "
                 "size (steps per batch), which was not given");
  // 32-bit device counters (checked without building: the memory check
  // would refuse such a batch first).
  Descriptor cd;
  ASSERT_TRUE(parseDescriptor(kCounterDescriptor, cd, err)) << err;
  int64_t n = 0;
  EXPECT_TRUE(recordBufferCount(cd, cd.buffers[kCARecIds].count, INT32_MAX / 37,
                                n, err));
  EXPECT_EQ(n, INT32_MAX / 37 * 37);
  EXPECT_FALSE(recordBufferCount(cd, cd.buffers[kCARecIds].count,
                                 INT32_MAX / 37 + 1, n, err));
  EXPECT_EQ(err, "recording the spikes of \"a\" for a batch of 58040099 steps "
                 "needs 2147483663 entries, more than 2^31 - 1; use fewer "
                 "steps per batch");
  EXPECT_TRUE(recordBufferCount(cd, cd.buffers[kCRecValues].count, 30, n, err));
  EXPECT_EQ(n, 3 * 12);
  // A plain count must match the batch.
  json j = json::parse(kCounterDescriptor);
  j["buffers"][kCARecIds]["count"] = 370;
  Descriptor d;
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  BuildOptions o;
  o.batchSteps = 10;
  EXPECT_TRUE(buildNetwork(d, 1, o, net, err)) << err;
  o.batchSteps = 20;
  EXPECT_FALSE(buildNetwork(d, 1, o, net, err));
  EXPECT_EQ(err, "buffers[6] (a.rec_ids): count 370 does not match the "
                 "recording capacity of a batch of 20 steps (740)");
}

TEST(Batched, RecordingBuffersCountInTheMemoryCheck) {
  // 2e9 neurons spiking every step of a 1000-step batch: 16 TB.
  json j = json::parse(kCounterDescriptor);
  j["populations"][0]["size"] = 2000000000;
  for (int k : {kCASpikes, kCAV})
    j["buffers"][k]["count"] = 2000000000;
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(j.dump(), d, err)) << err;
  BuildOptions o;
  o.batchSteps = 1000;
  Network net;
  EXPECT_FALSE(buildNetwork(d, 1, o, net, err));
  EXPECT_EQ(err.rfind("recording a batch of 1000 steps on the device needs "
                      "about 1.6e+04 GB, more than this machine's ",
                      0),
            0u)
      << err;
}

TEST(Batched, ChooseBatchSteps) {
  Descriptor d;
  std::string err;
  ASSERT_TRUE(parseDescriptor(kCounterDescriptor, d, err)) << err;
  int64_t b = 0;
  // The descriptor's suggestion (10), never longer than the run.
  ASSERT_TRUE(chooseBatchSteps(d, 25, std::nullopt, b, err));
  EXPECT_EQ(b, 10);
  ASSERT_TRUE(chooseBatchSteps(d, 5, std::nullopt, b, err));
  EXPECT_EQ(b, 6);
  ASSERT_TRUE(chooseBatchSteps(d, 0, std::nullopt, b, err));
  EXPECT_EQ(b, 2);
  // Explicit sizes must be even; they are clamped to the run too.
  ASSERT_TRUE(chooseBatchSteps(d, 25, int64_t(4), b, err));
  EXPECT_EQ(b, 4);
  ASSERT_TRUE(chooseBatchSteps(d, 25, int64_t(1000), b, err));
  EXPECT_EQ(b, 26);
  EXPECT_FALSE(chooseBatchSteps(d, 25, int64_t(3), b, err));
  EXPECT_EQ(err, "invalid batch size 3 (steps per batch must be a positive "
                 "even number)");
  EXPECT_FALSE(chooseBatchSteps(d, 25, int64_t(0), b, err));
  // Odd suggestions are rounded up; no suggestion means 1000.
  d.gpu.batchSteps = 9;
  ASSERT_TRUE(chooseBatchSteps(d, 100000, std::nullopt, b, err));
  EXPECT_EQ(b, 10);
  d.gpu.batchSteps = 0;
  ASSERT_TRUE(chooseBatchSteps(d, 100000, std::nullopt, b, err));
  EXPECT_EQ(b, kDefaultBatchSteps);
  // Large populations get shorter batches: 8 bytes per neuron and step.
  d.populations[0].size = 1000000;
  ASSERT_TRUE(chooseBatchSteps(d, 100000, std::nullopt, b, err));
  EXPECT_EQ(b % 2, 0);
  EXPECT_LE(double(b) * 8e6, kMaxDefaultRecordBytes);
  EXPECT_GT(double(b + 2) * 8e6, kMaxDefaultRecordBytes);
  d.populations[0].size = INT32_MAX;
  ASSERT_TRUE(chooseBatchSteps(d, 100000, std::nullopt, b, err));
  EXPECT_EQ(b, 2);
}

TEST(Batched, TargetMismatchesAreClearErrors) {
  TempDir dir;
  RunResult r;
  std::string err;
  // A GPU descriptor in the CPU loop.
  EXPECT_FALSE(runSimulation(kCounterDescriptor, &tinyStep, quiet(), r, err));
  EXPECT_NE(err.find("compiled for the GPU"), std::string::npos) << err;
  // A CPU descriptor in the batched loop.
  EXPECT_FALSE(runEmulatedSimulation(tinyDescriptor(dir).dump(),
                                     &counterEmulateStep, nullptr, 4, quiet(),
                                     r, err));
  EXPECT_NE(err.find("compiled for the CPU"), std::string::npos) << err;
}

TEST(Emulated, RunMatchesReferenceForAnyThreadCount) {
  for (int64_t threads : {1, 2, 3, 36, 37, 64, 1000}) {
    RunResult r;
    std::string err;
    ASSERT_TRUE(runEmulatedSimulation(kCounterDescriptor, &counterEmulateStep,
                                      nullptr, threads, quiet(), r, err))
        << err;
    SCOPED_TRACE("threads " + std::to_string(threads));
    expectMatchesReference(r, 25);
    EXPECT_EQ(r.backend.target, "cuda-emulate");
    EXPECT_NE(r.backend.json.find("\"threads\":" + std::to_string(threads)),
              std::string::npos);
  }
}

TEST(Emulated, OutputsHaveTheCpuFormat) {
  TempDir dir;
  RunOptions o = quiet();
  o.writeOutput = true;
  o.outDir = dir / "out";
  o.batchSteps = 4;
  o.durationMs = 3.3; // 33 steps
  RunResult r;
  std::string err;
  ASSERT_TRUE(runEmulatedSimulation(kCounterDescriptor, &counterEmulateStep,
                                    nullptr, 64, o, r, err))
      << err;
  CounterExpected e = counterReference(33, time01);
  EXPECT_EQ(r.files,
            (std::vector<std::string>{"a_spikes_t.npy", "a_spikes_i.npy",
                                      "a_v.npy", "a_v_t.npy", "summary.json"}));
  Table t;
  ASSERT_TRUE(readTable(dir / "out/a_spikes_t.npy", t, err)) << err;
  EXPECT_EQ(t.data.at(0), e.spikeTimes);
  ASSERT_TRUE(readTable(dir / "out/a_spikes_i.npy", t, err)) << err;
  EXPECT_EQ(t.data.at(0),
            std::vector<double>(e.spikeIds.begin(), e.spikeIds.end()));
  ASSERT_TRUE(readTable(dir / "out/a_v.npy", t, err)) << err;
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.rows(), e.sampleTimes.size());
  ASSERT_TRUE(readTable(dir / "out/a_v_t.npy", t, err)) << err;
  EXPECT_EQ(t.data.at(0), e.sampleTimes);
  json summary = json::parse(readText(dir / "out/summary.json"));
  EXPECT_EQ(summary["steps"], 33);
  EXPECT_EQ(summary["populations"]["a"]["spikes"], e.aTotal);
  EXPECT_EQ(summary["populations"]["b"]["spikes"], e.bTotal);
  EXPECT_EQ(summary["backend"]["target"], "cuda-emulate");
  EXPECT_EQ(summary["backend"]["threads"], 64);
  EXPECT_EQ(summary["backend"]["batch_steps"], 4);
  EXPECT_EQ(summary["backend"]["batches"], 9);
  EXPECT_NE(formatSummary(r).find("  backend: cuda-emulate (GPU code on the "
                                  "CPU), 64 emulated threads, batches of 4 "
                                  "steps\n"),
            std::string::npos)
      << formatSummary(r);
}

TEST(Emulated, InterruptedRunsWriteTheBatchesThatRan) {
  TempDir dir;
  RunOptions o = quiet();
  o.writeOutput = true;
  o.outDir = dir / "int";
  o.batchSteps = 4;
  o.interruptAtStep = 9; // in the batch [8, 12)
  RunResult r, ref;
  std::string err;
  ASSERT_TRUE(runEmulatedSimulation(kCounterDescriptor, &counterEmulateStep,
                                    nullptr, 64, o, r, err))
      << err;
  EXPECT_EQ(r.steps, 12);
  EXPECT_EQ(r.interruptSignal, SIGINT);
  o.outDir = dir / "ref";
  o.interruptAtStep.reset();
  o.durationMs = 1.2;
  ASSERT_TRUE(runEmulatedSimulation(kCounterDescriptor, &counterEmulateStep,
                                    nullptr, 64, o, ref, err))
      << err;
  ASSERT_EQ(r.files, ref.files);
  for (const std::string &f : r.files)
    if (f != "summary.json")
      EXPECT_EQ(readText(dir / "int/" + f), readText(dir / "ref/" + f)) << f;
  json s = json::parse(readText(dir / "int/summary.json"));
  EXPECT_EQ(s["interrupted"], true);
  EXPECT_EQ(s["interruption"]["step"], 12);
  EXPECT_EQ(s["interruption"]["time_ms"], 1.2);
  EXPECT_EQ(s["interruption"]["requested_steps"], 25);
  EXPECT_EQ(s["backend"]["batches"], 3);
}

TEST(Emulated, FailedRunsWriteNothing) {
  TempDir dir;
  RunOptions o = quiet();
  o.writeOutput = true;
  o.outDir = dir / "out";
  RunResult r;
  std::string err;
  EXPECT_FALSE(runEmulatedSimulation(kCounterDescriptor, nullptr, nullptr, 4, o,
                                     r, err));
  EXPECT_EQ(err, "no emulated step function");
  EXPECT_FALSE(runEmulatedSimulation(kCounterDescriptor, &counterEmulateStep,
                                     nullptr, 0, o, r, err));
  EXPECT_EQ(err, "invalid number of emulated threads 0 (expected at least 1)");
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

namespace {

int runEmulatedCli(std::vector<std::string> args, std::string &out,
                   std::string &err) {
  std::vector<char *> argv;
  std::string prog = "/x/emu-sim";
  argv.push_back(prog.data());
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int rc = runEmulatedMain(int(argv.size()) - 1, argv.data(),
                           kCounterDescriptor, &counterEmulateStep, nullptr);
  out = ::testing::internal::GetCapturedStdout();
  err = ::testing::internal::GetCapturedStderr();
  return rc;
}

} // namespace

TEST(Emulated, CommandLine) {
  TempDir dir;
  std::string out, err;
  EXPECT_EQ(
      runEmulatedCli({"--threads", "3", "--batch-steps=4", "--out", dir / "o"},
                     out, err),
      0)
      << err;
  EXPECT_NE(out.find("snn run: counter, 25 steps"), std::string::npos) << out;
  EXPECT_NE(out.find("  backend: cuda-emulate (GPU code on the CPU), 3 "
                     "emulated threads, batches of 4 steps\n"),
            std::string::npos)
      << out;
  EXPECT_TRUE(std::filesystem::exists(dir / "o/summary.json"));

  for (std::vector<std::string> args :
       {std::vector<std::string>{"--threads", "0"},
        {"--threads", "x"},
        {"--batch-steps", "3"},
        {"--batch-steps", "0"},
        {"--device", "0"},
        {"--gpu-mode", "graph"}}) {
    EXPECT_EQ(runEmulatedCli(args, out, err), 2) << args[0] << " " << args[1];
    EXPECT_NE(err.find("usage: emu-sim [--duration MS] [--seed N] [--out DIR] "
                       "[--batch-steps N] [--threads N]"),
              std::string::npos)
        << err;
  }
  EXPECT_EQ(runEmulatedCli({"--help"}, out, err), 0);
  EXPECT_NE(out.find("GPU code emulated on the CPU"), std::string::npos);
  EXPECT_NE(out.find("--threads N    GPU threads emulated per phase (default "
                     "64)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("the model's 10"), std::string::npos) << out;
}
