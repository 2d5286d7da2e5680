//===- RunTest.cpp - runSimulation, outputs, summary, CLI, progress
//--------===//

#include "snnrt/run.h"
#include "snnrt/io.h"
#include "snnrt/progress.h"

#include "TinyNet.h"

#include <atomic>
#include <filesystem>

using namespace snnrt;
using namespace snnrt_test;
using json = nlohmann::json;

namespace {

std::vector<double> column(const std::string &path, int c = 0) {
  Table t;
  std::string err;
  EXPECT_TRUE(readTable(path, t, err)) << err;
  return c < int(t.data.size()) ? t.data[c] : std::vector<double>{};
}

int32_t gBadStep = 3;
void overflowingStep(MemRefI8 *arena, int64_t n, int64_t seed) {
  tinyStep(arena, n, seed);
  if (n == gBadStep) {
    const int64_t *table = reinterpret_cast<const int64_t *>(arena->aligned);
    *reinterpret_cast<int32_t *>(arena->aligned + table[2 * kNCount]) = 5;
  }
}

int64_t gSeedSeen = -1;
void seedRecordingStep(MemRefI8 *arena, int64_t n, int64_t seed) {
  gSeedSeen = seed;
  tinyStep(arena, n, seed);
}

} // namespace

TEST(Run, TinyNetworkSpikesStateAndFiles) {
  TempDir dir;
  std::string out = dir / "out";
  RunResult r;
  std::string err;
  ASSERT_TRUE(runSimulation(tinyDescriptor(dir).dump(), &tinyStep,
                            quietOptions(out), r, err))
      << err;
  EXPECT_EQ(r.model, "tiny");
  EXPECT_EQ(r.steps, 100);
  EXPECT_EQ(r.seed, 5u);
  ASSERT_EQ(r.spikes.size(), 2u);
  EXPECT_EQ(r.spikes[0].population, "src");
  EXPECT_EQ(r.spikes[0].timesMs, (std::vector<double>{1.0, 2.0, 2.2, 5.0}));
  EXPECT_EQ(r.spikes[0].neurons, (std::vector<int32_t>{0, 1, 1, 0}));
  EXPECT_EQ(r.spikes[1].population, "n");
  EXPECT_EQ(r.spikes[1].timesMs, (std::vector<double>{1.6, 2.6, 5.6}));
  EXPECT_EQ(r.spikes[1].neurons, (std::vector<int32_t>{0, 1, 0}));
  // State is recorded before each step.
  ASSERT_EQ(r.states.size(), 1u);
  const StateRecord &s = r.states[0];
  ASSERT_EQ(s.samples(), 100u);
  EXPECT_EQ(s.timesMs[16], 1.6);
  auto v = [&](int step, int neuron) { return s.values[step * 2 + neuron]; };
  EXPECT_EQ(v(15, 0), 0.0);
  EXPECT_EQ(v(16, 0), 1.0);
  EXPECT_EQ(v(17, 0), 0.0);
  EXPECT_EQ(v(24, 1), 0.6);
  EXPECT_EQ(v(26, 1), 1.2);
  EXPECT_EQ(v(27, 1), 0.0);
  // Summary numbers: 10 ms, 2 neurons each.
  ASSERT_EQ(r.populations.size(), 2u);
  EXPECT_EQ(r.populations[0].spikes, 4);
  EXPECT_DOUBLE_EQ(r.populations[0].rateHz, 200.0);
  EXPECT_EQ(r.populations[1].spikes, 3);
  EXPECT_DOUBLE_EQ(r.populations[1].rateHz, 150.0);
  EXPECT_EQ(r.totalSynapses, 2);
  EXPECT_GE(r.buildSeconds, 0.0);
  EXPECT_DOUBLE_EQ(r.realTimeFactor, r.simulationSeconds / 0.01);

  // Files.
  EXPECT_EQ(r.outDir, out);
  std::vector<std::string> expectedFiles = {
      "src_spikes_t.npy", "src_spikes_i.npy", "n_spikes_t.npy",
      "n_spikes_i.npy",   "n_v.npy",          "n_v_t.npy",
      "summary.json"};
  EXPECT_EQ(r.files, expectedFiles);
  size_t inDir = 0;
  for (auto &e : std::filesystem::directory_iterator(out)) {
    (void)e;
    ++inDir;
  }
  EXPECT_EQ(inDir, expectedFiles.size()); // no temporaries left behind
  EXPECT_EQ(column(out + "/n_spikes_t.npy"),
            (std::vector<double>{1.6, 2.6, 5.6}));
  EXPECT_EQ(column(out + "/n_spikes_i.npy"), (std::vector<double>{0, 1, 0}));
  EXPECT_NE(readText(out + "/n_spikes_i.npy").find("'<i4'"), std::string::npos);
  std::string vnpy = readText(out + "/n_v.npy");
  EXPECT_NE(vnpy.find("'shape': (100, 2)"), std::string::npos);
  EXPECT_EQ(column(out + "/n_v.npy", 0)[16], 1.0);
  EXPECT_EQ(column(out + "/n_v.npy", 1)[26], 1.2);
  EXPECT_EQ(column(out + "/n_v_t.npy").size(), 100u);

  json sum = json::parse(readText(out + "/summary.json"));
  EXPECT_EQ(sum["model"], "tiny");
  EXPECT_EQ(sum["dt"], 0.1);
  EXPECT_EQ(sum["steps"], 100);
  EXPECT_EQ(sum["duration_ms"], 10.0);
  EXPECT_EQ(sum["seed"], 5);
  EXPECT_EQ(sum["precision"], "f64");
  EXPECT_EQ(sum["populations"]["n"]["spikes"], 3);
  EXPECT_EQ(sum["populations"]["n"]["rate_hz"], 150.0);
  EXPECT_EQ(sum["populations"]["n"]["size"], 2);
  EXPECT_EQ(sum["populations"]["src"]["kind"], "spike_array");
  EXPECT_EQ(sum["projections"]["p"]["synapses"], 2);
  EXPECT_EQ(sum["synapses_total"], 2);
  EXPECT_TRUE(sum["build_seconds"].is_number());
  EXPECT_TRUE(sum["simulation_seconds"].is_number());
  EXPECT_TRUE(sum["real_time_factor"].is_number());
}

TEST(Run, CsvOutputAndRecordingInterval) {
  TempDir dir;
  json j = tinyDescriptor(dir);
  j["record"]["format"] = "csv";
  j["record"]["state"][0]["every"] = 10;
  j["record"]["state"][0]["neurons"] = {1};
  std::string out = dir / "csv";
  RunResult r;
  std::string err;
  ASSERT_TRUE(runSimulation(j.dump(), &tinyStep, quietOptions(out), r, err))
      << err;
  EXPECT_EQ(readText(out + "/n_spikes.csv"),
            "t_ms,neuron\n1.6,0\n2.6,1\n5.6,0\n");
  EXPECT_EQ(readText(out + "/src_spikes.csv"),
            "t_ms,neuron\n1,0\n2,1\n2.2,1\n5,0\n");
  std::string v = readText(out + "/n_v.csv");
  EXPECT_EQ(v.substr(0, v.find('\n')), "t_ms,n1");
  Table t;
  ASSERT_TRUE(readTable(out + "/n_v.csv", t, err)) << err;
  EXPECT_EQ(t.data[0], (std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(t.data[1][0], 0.0);
  EXPECT_EQ(r.files.back(), "summary.json");
  EXPECT_FALSE(std::filesystem::exists(out + "/n_v.npy"));
}

TEST(Run, DurationAndSeedOverrides) {
  TempDir dir;
  RunOptions o = quietOptions(dir / "o");
  o.durationMs = 3.0; // 30 steps: the spike at 5.6 ms is not reached
  o.seed = 1234;
  o.writeOutput = false;
  RunResult r;
  std::string err;
  ASSERT_TRUE(
      runSimulation(tinyDescriptor(dir).dump(), &seedRecordingStep, o, r, err))
      << err;
  EXPECT_EQ(r.steps, 30);
  EXPECT_EQ(r.seed, 1234u);
  EXPECT_EQ(gSeedSeen, 1234);
  EXPECT_EQ(r.spikes[1].timesMs, (std::vector<double>{1.6, 2.6}));
  EXPECT_EQ(r.states[0].samples(), 30u);
  EXPECT_FALSE(std::filesystem::exists(dir / "o"));
  o.durationMs.reset();
  o.steps = 0;
  ASSERT_TRUE(runSimulation(tinyDescriptor(dir).dump(), &tinyStep, o, r, err))
      << err;
  EXPECT_EQ(r.populations[1].spikes, 0);
  EXPECT_EQ(r.populations[1].rateHz, 0.0);
  o.steps.reset();
  o.durationMs = -1;
  EXPECT_FALSE(runSimulation(tinyDescriptor(dir).dump(), &tinyStep, o, r, err));
}

TEST(Run, BadStepOutputIsReportedAndNothingWritten) {
  TempDir dir;
  std::string out = dir / "bad";
  RunResult r;
  std::string err;
  EXPECT_FALSE(runSimulation(tinyDescriptor(dir).dump(), &overflowingStep,
                             quietOptions(out), r, err));
  EXPECT_EQ(err, "step 3: population \"n\" reports 5 spikes (size 2)");
  EXPECT_FALSE(std::filesystem::exists(out));
  // An output path that is a file is reported before running.
  writeText(dir / "file", "x");
  EXPECT_FALSE(runSimulation(tinyDescriptor(dir).dump(), &tinyStep,
                             quietOptions(dir / "file"), r, err));
  EXPECT_EQ(err, dir / "file" + ": not a directory");
  // Build errors too.
  json j = tinyDescriptor(dir);
  j["populations"][0]["file"] = "nope.csv";
  EXPECT_FALSE(runSimulation(j.dump(), &tinyStep, quietOptions(out), r, err));
  EXPECT_NE(err.find("nope.csv: cannot open file"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Run, FormatSummary) {
  RunResult r;
  r.model = "cuba";
  r.dt = 0.1;
  r.steps = 10000;
  r.seed = 42;
  r.precision = "f64";
  r.populations = {{"exc", "neuron", 3200, 51234, 16.01},
                   {"inh", "neuron", 800, 12000, 15.0}};
  r.projections = {{"ee", "exc", "exc", 204800}, {"ei", "exc", "inh", 51200}};
  r.totalSynapses = 256000;
  r.buildSeconds = 0.12;
  r.simulationSeconds = 1.23;
  r.realTimeFactor = 1.23;
  r.outDir = "snn-out";
  EXPECT_EQ(formatSummary(r),
            "snn run: cuba, 10000 steps of 0.1 ms (1000 ms biological), seed "
            "42, f64\n"
            "  population     size    spikes   rate (Hz)\n"
            "  exc            3200     51234       16.01\n"
            "  inh             800     12000       15.00\n"
            "  synapses: 256000 (ee 204800, ei 51200)\n"
            "  build 0.12 s, simulation 1.23 s, real-time factor 1.23\n"
            "  output: snn-out/\n");
}

TEST(Run, StepTime) {
  EXPECT_EQ(stepTimeMs(15, 0.1), 1.5);
  EXPECT_EQ(stepTimeMs(3, 0.1), 0.3);
  EXPECT_EQ(stepTimeMs(7, 0.25), 1.75);
  EXPECT_EQ(stepTimeMs(1, 1e-12), 1e-12); // below the cleaning resolution
}

TEST(Cli, RunsAndPrintsSummary) {
  TempDir dir;
  std::string desc = tinyDescriptor(dir).dump(), out, err;
  int rc = runCli(desc, {"--out", dir / "cli", "--seed", "9", "--duration=5"},
                  out, err);
  EXPECT_EQ(rc, 0) << err;
  EXPECT_EQ(out.rfind("snn run: tiny, 50 steps of 0.1 ms (5 ms biological), "
                      "seed 9, f64\n",
                      0),
            0u)
      << out;
  EXPECT_NE(out.find("  n                 2         2      200.00\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  synapses: 2 (p 2)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  output: " + dir / "cli" + "/\n"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "cli/summary.json"));
  EXPECT_EQ(err, "");

  rc = runCli(desc, {"--quiet", "--out", dir / "q"}, out, err);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(out, "");
  EXPECT_TRUE(std::filesystem::exists(dir / "q/n_v.npy"));
}

TEST(Cli, BadArgumentsExitTwo) {
  TempDir dir;
  std::string desc = tinyDescriptor(dir).dump(), out, err;
  for (std::vector<std::string> args : {std::vector<std::string>{"--bogus"},
                                        {"--duration"},
                                        {"--duration", "abc"},
                                        {"--duration", "-5"},
                                        {"--seed", "-1"},
                                        {"--seed", "1.5"},
                                        {"extra"},
                                        {"--quiet=1"},
                                        {"--host-connectivity"},
                                        // GPU simulators only:
                                        {"--batch-steps", "4"}}) {
    int rc = runCli(desc, args, out, err);
    EXPECT_EQ(rc, 2) << args[0];
    EXPECT_NE(err.find("usage: sim [--duration MS]"), std::string::npos) << err;
    EXPECT_EQ(out, "");
  }
  runCli(desc, {"--bogus"}, out, err);
  EXPECT_EQ(err.rfind("sim: unknown option '--bogus'\n", 0), 0u) << err;
}

TEST(Cli, HelpAndErrors) {
  TempDir dir;
  std::string desc = tinyDescriptor(dir).dump(), out, err;
  EXPECT_EQ(runCli(desc, {"--help"}, out, err), 0);
  EXPECT_NE(out.find("usage: sim"), std::string::npos);
  EXPECT_NE(out.find("model \"tiny\""), std::string::npos);
  // No --host-connectivity: the runtime draws no connectivity itself.
  EXPECT_EQ(out.find("--host-connectivity"), std::string::npos) << out;
  EXPECT_NE(out.find("default 10, i.e. 100 steps of 0.1 ms"), std::string::npos)
      << out;
  // Runtime errors: "error: ..." and exit 1.
  json j = tinyDescriptor(dir);
  j["populations"][0]["file"] = "nope.csv";
  EXPECT_EQ(runCli(j.dump(), {"--out", dir / "x"}, out, err), 1);
  EXPECT_EQ(err.rfind("error: source 'src': ", 0), 0u) << err;
  EXPECT_EQ(out, "");
  EXPECT_EQ(runCli("{", {}, out, err), 1);
  EXPECT_EQ(err.rfind("error: descriptor: invalid JSON", 0), 0u) << err;
  EXPECT_EQ(runCli(desc, {"--out", dir / "y"}, out, err, &overflowingStep), 1);
  EXPECT_EQ(err, "error: step 3: population \"n\" reports 5 spikes (size 2)\n");
}

TEST(Progress, SilentForShortRuns) {
  std::FILE *f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressReporter p(f, false, 100);
  for (int i = 1; i <= 100; ++i)
    p.update(i, i * 0.015); // 1.5 s in total
  p.finish(1.5);
  EXPECT_FALSE(p.active());
  EXPECT_EQ(std::ftell(f), 0);
  std::fclose(f);
}

TEST(Progress, LinePerTenPercentWhenNotATerminal) {
  std::FILE *f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressReporter p(f, false, 1000);
  for (int i = 1; i <= 1000; ++i)
    p.update(i, i * 0.005); // 5 s in total; active after 1 s (20%)
  p.finish(5.0);
  std::rewind(f);
  std::string text;
  char buf[256];
  while (std::fgets(buf, sizeof buf, f))
    text += buf;
  std::fclose(f);
  EXPECT_EQ(text.find("progress:  30% (300/1000 steps, 1.5 s, ~3.5 s left)\n"),
            0u)
      << text;
  size_t lines = 0;
  for (char c : text)
    lines += c == '\n';
  EXPECT_EQ(lines, 8u) << text; // 30%, 40%, ..., 100%
  EXPECT_NE(text.find("progress: 100% (1000/1000 steps, 5.0 s)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find('\r'), std::string::npos);
}

TEST(Progress, AnEarlyStopEndsWithoutAnEstimate) {
  // An interrupted run's last line says where it stopped, not how long the
  // rest would have taken.
  std::FILE *f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressReporter p(f, false, 1000);
  for (int i = 1; i <= 450; ++i)
    p.update(i, i * 0.005);
  p.finish(2.3);
  std::rewind(f);
  std::string text;
  char buf[256];
  while (std::fgets(buf, sizeof buf, f))
    text += buf;
  std::fclose(f);
  EXPECT_NE(text.find("progress:  40% (400/1000 steps, 2.0 s, ~3.0 s left)\n"
                      "progress:  45% (450/1000 steps, 2.3 s)\n"),
            std::string::npos)
      << text;
}

TEST(Progress, TerminalRedrawsAtMostFourTimesASecond) {
  std::FILE *f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressReporter p(f, true, 10000);
  for (int i = 1; i <= 10000; ++i)
    p.update(i, i * 0.0003); // 3 s
  p.finish(3.0);
  std::rewind(f);
  std::string text;
  int c;
  while ((c = std::fgetc(f)) != EOF)
    text += char(c);
  std::fclose(f);
  size_t redraws = 0;
  for (char ch : text)
    redraws += ch == '\r';
  // Active from 1 s to 3 s: about 8 redraws, plus the final erase.
  EXPECT_GE(redraws, 5u);
  EXPECT_LE(redraws, 11u);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_NE(text.find("steps"), std::string::npos);
}

namespace {

/// The tiny network's descriptor with a "threads" section (max 4 threads,
/// align 1): per-thread spike counts and lists by step parity.
json threadedTinyDescriptor(const TempDir &dir) {
  json j = tinyDescriptor(dir);
  j["threads"] = {{"max", 4}, {"align", 1}};
  j["buffers"][kSrcCount]["count"] = 8;
  j["buffers"][kSrcSpikes]["count"] = 4;
  j["buffers"][kNCount]["count"] = 8;
  j["buffers"][kNSpikes]["count"] = 4;
  return j;
}

std::atomic<int64_t> gPhaseCalls{0};

/// Phases that spike nobody, except that thread 1 reports 3 spikes of "n"
/// (2 neurons) at step 7.
void badCountUpdate(MemRefI8 *arena, int64_t n, int64_t, int64_t tid,
                    int64_t) {
  ++gPhaseCalls;
  const int64_t *table = reinterpret_cast<const int64_t *>(arena->aligned);
  int32_t *src = reinterpret_cast<int32_t *>(arena->aligned +
                                             table[2 * kSrcCount]);
  int32_t *cell = reinterpret_cast<int32_t *>(arena->aligned +
                                              table[2 * kNCount]);
  src[(n & 1) * 4 + tid] = 0;
  cell[(n & 1) * 4 + tid] = (n == 7 && tid == 1) ? 3 : 0;
}

void idlePropagate(MemRefI8 *, int64_t, int64_t, int64_t, int64_t) {
  ++gPhaseCalls;
}

} // namespace

TEST(Run, ThreadedRunsStopOnBadSpikeCounts) {
  // Every thread stops (no thread waits at a barrier for one that left):
  // the run fails with the step and the thread's share, and writes nothing.
  TempDir dir;
  for (int64_t threads : {1, 2, 3}) {
    std::string out = dir / ("bad" + std::to_string(threads));
    RunOptions o = quietOptions(out);
    o.threads = threads;
    RunResult r;
    std::string err;
    gPhaseCalls = 0;
    bool ok = runSimulation(threadedTinyDescriptor(dir).dump(),
                            StepFunctions(&badCountUpdate, &idlePropagate), o,
                            r, err);
    if (threads == 1) { // thread 1 does not exist: nothing is wrong
      EXPECT_TRUE(ok) << err;
      EXPECT_EQ(r.threads, 1);
      EXPECT_EQ(gPhaseCalls.load(), 2 * 100);
      continue;
    }
    EXPECT_FALSE(ok);
    EXPECT_EQ(err, "step 7: population \"n\" reports 3 spikes in thread 1's "
                   "share (size 2)");
    EXPECT_FALSE(std::filesystem::exists(out));
    // Thread 0 finds the error after the barrier of step 7; every thread
    // leaves after the barrier of step 8 at the latest.
    EXPECT_LE(gPhaseCalls.load(), threads * 2 * 9);
  }
}

TEST(Run, ThreadedDescriptorNeedsPhases) {
  TempDir dir;
  RunResult r;
  std::string err;
  EXPECT_FALSE(runSimulation(threadedTinyDescriptor(dir).dump(), &tinyStep,
                             quietOptions(dir / "out"), r, err));
  EXPECT_EQ(err, "the descriptor has a \"threads\" section, but the model "
                 "has one step function");
  EXPECT_FALSE(runSimulation(tinyDescriptor(dir).dump(),
                             StepFunctions(&badCountUpdate, &idlePropagate),
                             quietOptions(dir / "out"), r, err));
  EXPECT_EQ(err, "the descriptor has no \"threads\" section, but the model's "
                 "step comes in two phases");
  RunOptions o = quietOptions(dir / "out");
  o.threads = 5;
  EXPECT_FALSE(runSimulation(threadedTinyDescriptor(dir).dump(),
                             StepFunctions(&badCountUpdate, &idlePropagate), o,
                             r, err));
  EXPECT_EQ(err, "--threads 5: this simulator runs at most 4 threads");
}
