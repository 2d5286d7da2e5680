//===- InterruptTest.cpp - SIGINT/SIGTERM stop a run at a step boundary ---===//
//
// An interrupted run writes what it recorded up to the step boundary where
// it stopped (exactly what a run of that many steps writes), says so in
// summary.json and the printed summary, and the simulator exits with
// 128 + signal. The batched loop's interruptions are in BatchedTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "snnrt/io.h"
#include "snnrt/run.h"

#include "ChildProcess.h"
#include "TinyNet.h"
#include "interrupt.h"
#include "output_dir.h"

#include <csignal>
#include <cstdlib>
#include <filesystem>

using namespace snnrt;
using namespace snnrt_test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

int64_t gRaiseAt = -1;
int gRaiseSignal = SIGTERM;
/// A signal arriving while step gRaiseAt runs.
void raisingStep(MemRefI8 *arena, int64_t n, int64_t seed) {
  tinyStep(arena, n, seed);
  if (n == gRaiseAt)
    std::raise(gRaiseSignal);
}

/// The files of two runs are the same, but for summary.json.
void expectSameFiles(const RunResult &a, const std::string &dirA,
                     const RunResult &b, const std::string &dirB) {
  EXPECT_EQ(a.files, b.files);
  for (const std::string &f : a.files)
    if (f != "summary.json")
      EXPECT_EQ(readText(dirA + "/" + f), readText(dirB + "/" + f)) << f;
}

struct FaultsGuard {
  ~FaultsGuard() { detail::outputFaults() = detail::OutputFaults(); }
};

} // namespace

TEST(Interrupt, TheRunStopsAtAStepBoundaryAndWritesWhatItRecorded) {
  TempDir dir;
  std::string desc = tinyDescriptor(dir).dump();
  RunOptions o = quietOptions(dir / "int");
  o.interruptAtStep = 37; // as if SIGINT arrived as step 37 was to start
  RunResult r;
  std::string err;
  ASSERT_TRUE(runSimulation(desc, &tinyStep, o, r, err)) << err;
  EXPECT_TRUE(r.interrupted());
  EXPECT_EQ(r.interruptSignal, SIGINT);
  EXPECT_EQ(r.steps, 37);
  EXPECT_EQ(r.requestedSteps, 100);
  EXPECT_EQ(r.spikes[1].timesMs, (std::vector<double>{1.6, 2.6}));
  EXPECT_EQ(r.states[0].samples(), 37u);
  EXPECT_EQ(r.populations[1].spikes, 2);

  // Exactly the files of a run of 37 steps.
  RunOptions refOptions = quietOptions(dir / "ref");
  refOptions.steps = 37;
  RunResult ref;
  ASSERT_TRUE(runSimulation(desc, &tinyStep, refOptions, ref, err)) << err;
  EXPECT_FALSE(ref.interrupted());
  expectSameFiles(r, dir / "int", ref, dir / "ref");

  json s = json::parse(readText(dir / "int/summary.json"));
  EXPECT_EQ(s["steps"], 37);
  EXPECT_EQ(s["duration_ms"], 3.7);
  EXPECT_EQ(s["interrupted"], true);
  EXPECT_EQ(s["interruption"], json({{"signal", "SIGINT"},
                                     {"step", 37},
                                     {"time_ms", 3.7},
                                     {"requested_steps", 100},
                                     {"requested_duration_ms", 10.0}}));
  EXPECT_EQ(s["populations"]["n"]["spikes"], 2);
  json sr = json::parse(readText(dir / "ref/summary.json"));
  EXPECT_EQ(sr["interrupted"], false);
  EXPECT_FALSE(sr.contains("interruption"));

  std::string text = formatSummary(r);
  EXPECT_EQ(text.substr(0, text.find('\n', text.find('\n') + 1) + 1),
            "snn run: tiny, 37 steps of 0.1 ms (3.7 ms biological), seed 5, "
            "f64\n"
            "  interrupted by SIGINT at 3.7 ms, after 37 of 100 steps\n");
}

TEST(Interrupt, BeforeTheFirstStepTheRunIsEmpty) {
  TempDir dir;
  RunOptions o = quietOptions(dir / "out");
  o.interruptAtStep = 0;
  RunResult r;
  std::string err;
  ASSERT_TRUE(runSimulation(tinyDescriptor(dir).dump(), &tinyStep, o, r, err))
      << err;
  EXPECT_EQ(r.steps, 0);
  EXPECT_TRUE(r.interrupted());
  EXPECT_EQ(r.states[0].samples(), 0u);
  json s = json::parse(readText(dir / "out/summary.json"));
  EXPECT_EQ(s["interruption"]["step"], 0);
  EXPECT_EQ(s["populations"]["n"]["rate_hz"], 0.0);
}

TEST(Interrupt, ARealSignalStopsTheRunAfterTheStepInProgress) {
  TempDir dir;
  RunResult r;
  std::string err;
  {
    detail::RunSignalHandlers handlers;
    gRaiseAt = 40;
    gRaiseSignal = SIGTERM;
    ASSERT_TRUE(runSimulation(tinyDescriptor(dir).dump(), &raisingStep,
                              quietOptions(dir / "out"), r, err))
        << err;
    gRaiseAt = -1;
  }
  EXPECT_EQ(r.interruptSignal, SIGTERM);
  EXPECT_EQ(r.steps, 41); // step 40 ran to its end
  EXPECT_EQ(
      json::parse(readText(dir / "out/summary.json"))["interruption"]["signal"],
      "SIGTERM");
}

TEST(Interrupt, ASecondSignalWhileWritingIsIgnoredUntilTheRunIsWritten) {
  FaultsGuard guard;
  TempDir dir;
  std::string desc = tinyDescriptor(dir).dump();
  RunResult r, ref;
  std::string err;
  RunOptions refOptions = quietOptions(dir / "ref");
  refOptions.steps = 30;
  ASSERT_TRUE(runSimulation(desc, &tinyStep, refOptions, ref, err)) << err;
  int signals = 0;
  detail::outputFaults().beforeAdd = [&](const std::string &) {
    ++signals;
    std::raise(SIGTERM);
  };
  {
    detail::RunSignalHandlers handlers;
    RunOptions o = quietOptions(dir / "out");
    o.interruptAtStep = 30;
    ASSERT_TRUE(runSimulation(desc, &tinyStep, o, r, err)) << err;
  }
  EXPECT_EQ(signals, 7);
  EXPECT_EQ(r.interruptSignal, SIGINT); // the first signal is reported
  expectSameFiles(r, dir / "out", ref, dir / "ref");

  // A signal after the last step is too late to interrupt: the run is
  // complete.
  {
    detail::RunSignalHandlers handlers;
    ASSERT_TRUE(
        runSimulation(desc, &tinyStep, quietOptions(dir / "out"), r, err))
        << err;
  }
  EXPECT_FALSE(r.interrupted());
  EXPECT_EQ(r.steps, 100);
}

TEST(Interrupt, OutsideARunSignalsKeepTheirUsualEffect) {
  // Before the run starts (parsing, building) a signal ends the process as
  // it would without the handlers.
  ChildResult c = runInChild([] {
    detail::RunSignalHandlers handlers;
    std::raise(SIGTERM);
    return 0;
  });
  EXPECT_FALSE(c.exited) << c.describe();
  EXPECT_EQ(c.signal, SIGTERM);
  EXPECT_FALSE(requestInterrupt(SIGINT)); // no run to stop

  // A signal ignored when the process started (a background job of a
  // non-interactive shell) stays ignored.
  c = runInChild([] {
    std::signal(SIGINT, SIG_IGN);
    detail::RunSignalHandlers handlers;
    std::raise(SIGINT);
    return 3;
  });
  EXPECT_TRUE(c.exited && c.code == 3) << c.describe();

  // SIGXFSZ is ignored while the handlers live, restored afterwards.
  struct sigaction before, during, after;
  ::sigaction(SIGXFSZ, nullptr, &before);
  {
    detail::RunSignalHandlers handlers;
    ::sigaction(SIGXFSZ, nullptr, &during);
  }
  ::sigaction(SIGXFSZ, nullptr, &after);
  EXPECT_EQ(during.sa_handler, SIG_IGN);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
}

TEST(Interrupt, TheSimulatorExitsWith128PlusTheSignal) {
  TempDir dir;
  std::string desc = tinyDescriptor(dir).dump(), out, err;
  ::setenv("SNNRT_TEST_INTERRUPT", "25:TERM", 1);
  int rc = runCli(desc, {"--out", dir / "o"}, out, err);
  ::unsetenv("SNNRT_TEST_INTERRUPT");
  EXPECT_EQ(rc, 128 + SIGTERM);
  EXPECT_NE(out.find("snn run: tiny, 25 steps of 0.1 ms (2.5 ms biological), "
                     "seed 5, f64\n"
                     "  interrupted by SIGTERM at 2.5 ms, after 25 of 100 "
                     "steps\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(err, "sim: interrupted by SIGTERM at 2.5 ms, after 25 of 100 "
                 "steps; outputs written to " +
                     dir / "o" + "\n");
  EXPECT_EQ(json::parse(readText(dir / "o/summary.json"))["steps"], 25);

  ::setenv("SNNRT_TEST_INTERRUPT", "40", 1); // SIGINT by default
  rc = runCli(desc, {"--quiet", "--out", dir / "o"}, out, err);
  EXPECT_EQ(rc, 128 + SIGINT);
  EXPECT_EQ(out, "");
  ::setenv("SNNRT_TEST_INTERRUPT", "x:TERM", 1);
  rc = runCli(desc, {"--quiet", "--out", dir / "o"}, out, err);
  ::unsetenv("SNNRT_TEST_INTERRUPT");
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(err, "error: SNNRT_TEST_INTERRUPT='x:TERM': expected "
                 "STEP[:SIGNAL], e.g. 100 or 100:TERM\n");
}

TEST(Interrupt, SignalNames) {
  EXPECT_EQ(detail::signalName(SIGINT), "SIGINT");
  EXPECT_EQ(detail::signalName(SIGTERM), "SIGTERM");
  EXPECT_EQ(detail::signalName(99), "signal 99");
  EXPECT_EQ(detail::parseSignalName("INT"), SIGINT);
  EXPECT_EQ(detail::parseSignalName("SIGTERM"), SIGTERM);
  EXPECT_EQ(detail::parseSignalName("15"), 15);
  EXPECT_EQ(detail::parseSignalName("BOGUS"), 0);
  EXPECT_EQ(detail::parseSignalName(""), 0);
}
