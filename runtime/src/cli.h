//===- cli.h - The simulators' command line (internal) ----------*- C++ -*-===//
//
// One parser for the three kinds of simulator (CPU, emulated GPU, CUDA): the
// common options, plus the options of the target.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_SRC_CLI_H
#define SNNRT_SRC_CLI_H

#include "snnrt/run.h"

#include <cstdint>
#include <functional>
#include <string>

namespace snnrt {
namespace detail {

enum class CliTarget { Cpu, Emulate, Cuda };

struct CliOptions {
  RunOptions run;
  bool quiet = false;
  int64_t threads = 64;         ///< Emulate: --threads
  int64_t buildThreads = 0;     ///< Emulate: --build-threads (0: threads)
  int device = 0;               ///< Cuda: --device
  std::string gpuMode = "auto"; ///< Cuda: --gpu-mode
};

/// Runs the simulation for parsed options; false with `error` on failure.
using CliRun =
    std::function<bool(const CliOptions &, RunResult &, std::string &error)>;

/// Parses the command line, calls `run` with the simulators' signal
/// handling installed (RunSignalHandlers, interrupt.h), prints the summary.
/// Returns the exit code: 0 ok, 1 error ("error: ..." on stderr), 2 bad
/// arguments (message and usage on stderr), 128 + signal when SIGINT or
/// SIGTERM interrupted the run (its outputs written; a line on stderr says
/// where it stopped). Never throws.
int cliMain(int argc, char **argv, const char *descriptorJson, CliTarget target,
            const CliRun &run);

} // namespace detail
} // namespace snnrt

#endif // SNNRT_SRC_CLI_H
