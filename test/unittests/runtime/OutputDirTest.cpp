//===- OutputDirTest.cpp - One complete run per output directory ----------===//
//
// An output directory holds exactly one complete run, or after any failure
// the previous one untouched; a user's files are never deleted; write
// failures are errors naming the file, never a signal.
//
//===----------------------------------------------------------------------===//

#include "snnrt/io.h"
#include "snnrt/run.h"

#include "ChildProcess.h"
#include "TinyNet.h"
#include "output_dir.h"

#include <cerrno>
#include <filesystem>
#include <map>

#include <sys/resource.h>
#include <sys/stat.h>

using namespace snnrt;
using namespace snnrt_test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

int gStepsRun = 0;
void countingStep(MemRefI8 *arena, int64_t n, int64_t seed) {
  ++gStepsRun;
  tinyStep(arena, n, seed);
}

/// Every entry of `dir` (hidden ones too) with its bytes ("<dir>" for a
/// directory).
std::map<std::string, std::string> snapshot(const std::string &dir) {
  std::map<std::string, std::string> m;
  for (auto &e : fs::directory_iterator(dir))
    m[e.path().filename().string()] =
        e.is_directory() ? "<dir>" : readText(e.path().string());
  return m;
}

std::vector<std::string> names(const std::string &dir) {
  std::vector<std::string> v;
  for (auto &kv : snapshot(dir))
    v.push_back(kv.first);
  return v;
}

/// runMain with these arguments (output not captured).
int runSim(const std::string &descriptor, std::vector<std::string> args) {
  std::vector<char *> argv;
  std::string prog = "sim";
  argv.push_back(prog.data());
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  return runMain(int(argv.size()) - 1, argv.data(), descriptor.c_str(),
                 &tinyStep);
}

/// Runs the tiny network into `out` (a first, complete run).
void firstRun(const TempDir &dir, const std::string &out, int64_t steps = 50,
              const char *format = "npy") {
  json j = tinyDescriptor(dir);
  j["record"]["format"] = format;
  RunOptions o = quietOptions(out);
  o.steps = steps;
  RunResult r;
  std::string err;
  ASSERT_TRUE(runSimulation(j.dump(), &tinyStep, o, r, err)) << err;
}

/// Resets the injected faults at the end of a test.
struct FaultsGuard {
  ~FaultsGuard() { detail::outputFaults() = detail::OutputFaults(); }
};

const std::vector<std::string> kTinyParent = {"list.csv", "out", "spikes.csv"};

} // namespace

TEST(OutputDir, ARunReplacesThePreviousOneAsAWhole) {
  // A CSV run, then an NPY run: none of the CSV files may stay behind.
  TempDir dir;
  std::string out = dir / "out";
  firstRun(dir, out, 50, "csv");
  ASSERT_TRUE(fs::exists(out + "/n_spikes.csv"));
  firstRun(dir, out, 30, "npy");
  EXPECT_EQ(names(out),
            (std::vector<std::string>{
                "n_spikes_i.npy", "n_spikes_t.npy", "n_v.npy", "n_v_t.npy",
                "src_spikes_i.npy", "src_spikes_t.npy", "summary.json"}));
  EXPECT_EQ(json::parse(readText(out + "/summary.json"))["steps"], 30);
  // No staging directory or temporary file next to it either.
  EXPECT_EQ(names(dir.str()), kTinyParent);
}

TEST(OutputDir, DiskFullLeavesThePreviousRunUntouched) {
  FaultsGuard guard;
  TempDir dir;
  std::string out = dir / "out";
  firstRun(dir, out, 50);
  auto before = snapshot(out);
  // The second run (another duration, so other contents) runs out of space
  // in its fifth file.
  detail::outputFaults().failFile = "n_v.npy";
  detail::outputFaults().failErrno = ENOSPC;
  RunOptions o = quietOptions(out);
  o.steps = 80;
  RunResult r;
  std::string err;
  EXPECT_FALSE(runSimulation(tinyDescriptor(dir).dump(), &tinyStep, o, r, err));
  EXPECT_EQ(err, out + "/n_v.npy: write error: No space left on device");
  EXPECT_EQ(r.outDir, "");
  EXPECT_EQ(snapshot(out), before);
  EXPECT_EQ(names(dir.str()), kTinyParent);
  // Into a new directory: nothing at all.
  EXPECT_FALSE(runSimulation(tinyDescriptor(dir).dump(), &tinyStep,
                             quietOptions(dir / "new"), r, err));
  EXPECT_EQ(names(dir.str()), kTinyParent);
}

TEST(OutputDir, FileSizeLimitIsAnErrorNamingTheFileNotASignal) {
  // `ulimit -f`: without SIGXFSZ ignored the kernel kills the simulator in
  // the middle of a write, leaving a temporary file and a mixed directory.
  TempDir dir;
  std::string out = dir / "out";
  std::string desc = tinyDescriptor(dir).dump();
  firstRun(dir, out, 50);
  auto before = snapshot(out);
  ChildResult c = runInChild([&] {
    // n_v.npy (100 x 2 f64) is the first file above 1000 bytes.
    struct rlimit limit = {1000, 1000};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    return runSim(desc, {"--quiet", "--out", out});
  });
  ASSERT_TRUE(c.exited) << c.describe();
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(c.stderrText,
            "error: " + out + "/n_v.npy: write error: File too large\n");
  EXPECT_EQ(snapshot(out), before);
  EXPECT_EQ(names(dir.str()), kTinyParent);
}

TEST(OutputDir, UserFilesAreRefusedBeforeTheRunAndNeverDeleted) {
  TempDir dir;
  std::string desc = tinyDescriptor(dir).dump();
  std::string out = dir / "out";
  RunResult r;
  std::string err;
  auto refused = [&](const std::string &expected) {
    gStepsRun = 0;
    auto before = snapshot(out);
    EXPECT_FALSE(runSimulation(desc, &countingStep, quietOptions(out), r, err));
    EXPECT_EQ(err, expected);
    EXPECT_EQ(gStepsRun, 0) << "checked only after running";
    EXPECT_EQ(snapshot(out), before);
  };
  const std::string advice =
      "): a run replaces its output directory as a whole, so choose a new or "
      "empty directory";

  // A directory of the user's.
  fs::create_directories(out + "/data");
  writeText(out + "/notes.txt", "mine");
  refused(out +
          ": holds files that are not from a simulator run (data/, "
          "notes.txt" +
          advice);
  // A previous run plus a file of the user's.
  fs::remove_all(out);
  firstRun(dir, out);
  writeText(out + "/analysis.py", "import numpy");
  refused(out +
          ": holds files that are not from a simulator run "
          "(analysis.py" +
          advice);
  // A summary.json that is not a run's: nothing in there is ours.
  fs::remove_all(out);
  fs::create_directories(out);
  writeText(out + "/summary.json", "{\"files\": [\"a\"]}");
  writeText(out + "/a", "x");
  refused(out +
          ": holds files that are not from a simulator run (a, "
          "summary.json" +
          advice);
  // Many: the first three, and how many more.
  for (int i = 0; i < 5; ++i)
    writeText(out + "/f" + std::to_string(i), "x");
  refused(out +
          ": holds files that are not from a simulator run (a, f0, f1, "
          "and 4 more" +
          advice);

  // Empty, or a previous run whose files the user deleted some of: fine.
  fs::remove_all(out);
  fs::create_directories(out);
  ASSERT_TRUE(runSimulation(desc, &tinyStep, quietOptions(out), r, err)) << err;
  fs::remove(out + "/n_v.npy");
  ASSERT_TRUE(runSimulation(desc, &tinyStep, quietOptions(out), r, err)) << err;
  EXPECT_TRUE(fs::exists(out + "/n_v.npy"));
}

TEST(OutputDir, TheCurrentDirectoryIsNeverReplaced) {
  TempDir dir;
  std::string desc = tinyDescriptor(dir).dump();
  fs::create_directories(dir / "here");
  fs::path cwd = fs::current_path();
  fs::current_path(dir / "here");
  RunResult r;
  std::string err1, err2;
  // Even empty: the user's shell (and ours) would be left in a deleted
  // directory.
  bool ok1 = runSimulation(desc, &tinyStep, quietOptions("."), r, err1);
  bool ok2 = runSimulation(desc, &tinyStep, quietOptions(".."), r, err2);
  fs::current_path(cwd);
  EXPECT_FALSE(ok1);
  EXPECT_EQ(err1, ".: is the current directory: a run replaces its output "
                  "directory as a whole; choose a new directory (e.g. --out "
                  "snn-out)");
  EXPECT_FALSE(ok2);
  EXPECT_EQ(err2.rfind("..: holds the current directory (", 0), 0u) << err2;
  EXPECT_TRUE(fs::is_empty(dir / "here"));
}

TEST(OutputDir, ASymbolicLinkIsFollowedAndKept) {
  TempDir dir;
  std::string desc = tinyDescriptor(dir).dump();
  fs::create_directories(dir / "store");
  std::string target = dir / "store/run";
  firstRun(dir, target, 50, "csv");
  fs::create_directory_symlink(target, dir / "link");
  RunResult r;
  std::string err;
  ASSERT_TRUE(
      runSimulation(desc, &tinyStep, quietOptions(dir / "link"), r, err))
      << err;
  EXPECT_TRUE(fs::is_symlink(dir / "link"));
  EXPECT_FALSE(fs::exists(target + "/n_spikes.csv"));
  EXPECT_TRUE(fs::exists(target + "/n_spikes_t.npy"));
  EXPECT_EQ(names(dir / "store"), std::vector<std::string>{"run"});
  EXPECT_EQ(r.outDir, dir / "link");
  // A link to nothing is refused, before running.
  fs::create_directory_symlink(dir / "nowhere", dir / "dangling");
  EXPECT_FALSE(
      runSimulation(desc, &tinyStep, quietOptions(dir / "dangling"), r, err));
  EXPECT_EQ(err, dir / "dangling" + ": is a symbolic link to " +
                     dir / "nowhere" +
                     ", which does not exist: create that directory or "
                     "choose another output directory");
}

TEST(OutputDir, MountPointsAreRefused) {
  if (!fs::exists("/proc/self"))
    GTEST_SKIP() << "no /proc";
  std::string err;
  EXPECT_FALSE(detail::checkOutputDir("/proc", err));
  EXPECT_EQ(err.rfind("/proc: is a mount point: ", 0), 0u) << err;
  EXPECT_FALSE(detail::checkOutputDir("/", err));
  EXPECT_EQ(err.rfind("/: is the root directory", 0), 0u) << err;
}

TEST(OutputDir, UnwritableParentIsAClearErrorBeforeTheRun) {
  TempDir dir;
  std::string desc = tinyDescriptor(dir).dump();
  std::string out = dir / "out";
  firstRun(dir, out);
  auto before = snapshot(out);
  ChildResult c = runInChild([&] {
    // As root, become nobody (root writes anywhere); otherwise take the
    // write permission away.
    if (::geteuid() == 0) {
      if (::setgid(65534) != 0 || ::setuid(65534) != 0)
        return 77;
    } else if (::chmod(dir.str().c_str(), 0555) != 0) {
      return 77;
    }
    gStepsRun = 0;
    RunResult r;
    std::string err1, err2;
    bool ok1 = runSimulation(desc, &countingStep, quietOptions(out), r, err1);
    bool ok2 =
        runSimulation(desc, &countingStep, quietOptions(dir / "new"), r, err2);
    std::fprintf(stderr, "%d %d %d\n%s\n%s\n", ok1, ok2, gStepsRun,
                 err1.c_str(), err2.c_str());
    return 0;
  });
  ::chmod(dir.str().c_str(), 0755);
  if (c.exited && c.code == 77)
    GTEST_SKIP() << "cannot drop the write permission";
  ASSERT_TRUE(c.exited && c.code == 0) << c.describe() << c.stderrText;
  EXPECT_EQ(c.stderrText,
            "0 0 0\n" + out +
                ": cannot write a run there: its parent "
                "directory " +
                dir.str() +
                " is not writable (Permission denied); "
                "a run is written beside its output directory, then moved into "
                "place\n" +
                dir / "new" + ": cannot create output directory: " + dir.str() +
                " is not writable (Permission denied)\n");
  EXPECT_EQ(snapshot(out), before);
}

TEST(OutputDir, StagingLeftByAKilledSimulatorIsRemoved) {
  TempDir dir;
  std::string out = dir / "out";
  // A process that is gone, and one that is alive (our parent).
  pid_t dead = ::fork();
  if (dead == 0)
    ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  std::string stale = dir / detail::stagingName("out", dead);
  std::string live = dir / detail::stagingName("out", long(::getppid()));
  std::string odd = dir / detail::stagingName("out", dead + 1000000);
  for (const std::string &d : {stale, live, odd}) {
    fs::create_directories(d);
    writeText(d + "/a_spikes_t.npy", "partial");
  }
  // Not only regular files: not ours to delete.
  fs::create_directories(odd + "/sub");
  firstRun(dir, out);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live + "/a_spikes_t.npy"));
  EXPECT_TRUE(fs::exists(odd + "/sub"));
}

TEST(OutputDir, WithoutAtomicExchangeTheFallbackReplacesTheRun) {
  FaultsGuard guard;
  detail::outputFaults().noExchange = true;
  TempDir dir;
  std::string out = dir / "out";
  firstRun(dir, out, 50, "csv");
  firstRun(dir, out, 30, "npy");
  EXPECT_FALSE(fs::exists(out + "/n_spikes.csv"));
  EXPECT_EQ(json::parse(readText(out + "/summary.json"))["steps"], 30);
  EXPECT_EQ(names(dir.str()), kTinyParent);
}

TEST(OutputDir, TheDirectoryKeepsItsPermissions) {
  TempDir dir;
  std::string out = dir / "out";
  firstRun(dir, out);
  ASSERT_EQ(::chmod(out.c_str(), 0750), 0);
  firstRun(dir, out, 20);
  struct stat st;
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
}

TEST(OutputDir, AFileOfTheUsersAddedDuringTheRunIsNotDeleted) {
  // Checked before the run and again just before the swap.
  TempDir dir;
  std::string out = dir / "out";
  firstRun(dir, out);
  detail::StagedOutputDir staged(out);
  std::string err;
  ASSERT_TRUE(staged.begin(err)) << err;
  ASSERT_TRUE(
      staged.add("summary.json", "{\"files\": [\"summary.json\"]}", err))
      << err;
  writeText(out + "/late.txt", "mine");
  EXPECT_FALSE(staged.commit(err));
  EXPECT_EQ(err.rfind(out + ": holds files that are not from a simulator run "
                            "(late.txt)",
                      0),
            0u)
      << err;
  EXPECT_EQ(readText(out + "/late.txt"), "mine");
  EXPECT_TRUE(fs::exists(out + "/n_v.npy"));
  EXPECT_EQ(names(dir.str()), kTinyParent);
}
