//===- output_dir.h - One complete run per output directory ----*- C++ -*-===//
//
// An output directory holds exactly one complete run, or, after a failure,
// the previous complete run untouched. A run's files are written into a
// staging directory beside the output directory (same parent, so the same
// file system), flushed to disk, and only then swapped in with one atomic
// renameat2(RENAME_EXCHANGE) (or a plain rename when the output directory
// does not exist yet); the old run, now in the staging directory, is then
// deleted. Any failure removes the staging directory.
//
// Because the whole directory is replaced, a directory that holds anything
// but a previous run (its summary.json and the files its "files" list
// names) is refused, before the run starts, so that a user's files are never
// deleted. docs/runtime.md, "The output directory", states the rules.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_SRC_OUTPUT_DIR_H
#define SNNRT_SRC_OUTPUT_DIR_H

#include <functional>
#include <string>
#include <vector>

namespace snnrt {
namespace detail {

/// Checks, before a (possibly long) run, that `dir` can take its outputs: it
/// does not exist (and its nearest existing ancestor is a writable
/// directory), or it is a directory (or a symbolic link to one) that is
/// empty or holds exactly a previous run, that is not the current directory
/// or one above it, not a mount point, and whose parent is writable. The
/// error names `dir` and says why and what to do. Creates nothing.
bool checkOutputDir(const std::string &dir, std::string &error);

/// Faults injected by tests into StagedOutputDir (the process's only
/// instance; all off by default).
struct OutputFaults {
  /// Writing the file with this name (as passed to add()) fails half-way
  /// with errno `failErrno` (e.g. ENOSPC, which no test can cause for
  /// real without root).
  std::string failFile;
  int failErrno = 0;
  /// Act as if the file system did not support RENAME_EXCHANGE (EINVAL),
  /// to test the fallback.
  bool noExchange = false;
  /// Called before each file is written (e.g. to send a signal then).
  std::function<void(const std::string &file)> beforeAdd;
};
OutputFaults &outputFaults();

/// A run's outputs being written: begin(), add() each file, commit(). Until
/// commit() succeeds nothing in the output directory changes; destroying an
/// uncommitted StagedOutputDir removes what it wrote.
class StagedOutputDir {
public:
  /// `dir`: the output directory as the user named it (messages name files
  /// as `dir/file`).
  explicit StagedOutputDir(std::string dir);
  ~StagedOutputDir();
  StagedOutputDir(const StagedOutputDir &) = delete;
  StagedOutputDir &operator=(const StagedOutputDir &) = delete;

  /// Checks `dir` again (checkOutputDir), creates its missing parents,
  /// removes staging directories left by simulators that were killed, and
  /// creates this run's staging directory.
  bool begin(std::string &error);
  /// Writes `file` (a plain name) into the staging directory and flushes it
  /// to disk. Errors name `dir/file`: "out/a_spikes_t.npy: write error:
  /// File too large".
  bool add(const std::string &file, const std::string &contents,
           std::string &error);
  /// Checks `dir` once more (it may have changed during the run) and swaps
  /// the staging directory in, then deletes the previous run.
  bool commit(std::string &error);

  /// The staging directory (empty before begin() and after commit()).
  const std::string &stagingPath() const { return staging_; }

private:
  void discard();

  std::string dir_;
  std::string parent_, name_; // resolved by begin()
  std::string staging_;
  std::vector<std::string> written_;
};

/// The name of the staging directory of output directory `name` for process
/// `pid`: ".<name>.snn-staging.<pid>" (hidden, and recognisable so that one
/// left by a killed simulator can be removed by the next run).
std::string stagingName(const std::string &name, long pid);

} // namespace detail
} // namespace snnrt

#endif // SNNRT_SRC_OUTPUT_DIR_H
