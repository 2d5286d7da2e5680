//===- cli.cpp - The simulator's command line
//------------------------------===//

#include "snnrt/batched.h"
#include "snnrt/descriptor.h"
#include "snnrt/emulate.h"
#include "snnrt/io.h"
#include "snnrt/run.h"

#include "cli.h"
#include "interrupt.h"
#include "run_internal.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

namespace snnrt {

namespace {

std::string programName(const char *argv0) {
  std::string p = argv0 ? argv0 : "sim";
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string usage(const std::string &prog, const Descriptor *d,
                  detail::CliTarget target) {
  using detail::CliTarget;
  std::string s = "usage: " + prog + " [--duration MS] [--seed N] [--out DIR]";
  if (target == CliTarget::Emulate)
    s += " [--batch-steps N] [--threads N]\n       " +
         std::string(prog.size(), ' ') +
         " [--build-threads N]";
  if (target == CliTarget::Cuda)
    s += " [--batch-steps N] [--device N]\n       " +
         std::string(prog.size(), ' ') +
         " [--gpu-mode MODE]";
  if (target == CliTarget::Cpu)
    s += " [--threads N]";
  std::string indent = "\n       " + std::string(prog.size(), ' ');
  s += indent + " " +
       "[--save-connectivity] [--quiet] [--help]\n";
  if (d) {
    s += "\nRuns the compiled spiking network model \"" + d->model + "\"";
    if (target == CliTarget::Emulate)
      s += " (GPU code emulated on the CPU)";
    if (target == CliTarget::Cuda)
      s += " on a CUDA GPU";
    s += ".\n";
  }
  s += "\noptions:\n";
  s += "  --duration MS  biological time to simulate, in ms";
  if (d)
    s += " (default " + formatNumber(stepTimeMs(d->steps, d->dt)) + ", i.e. " +
         std::to_string(d->steps) + " steps of " + formatNumber(d->dt) + " ms)";
  s += "\n  --seed N       random seed: initial values, connectivity and "
       "per-step draws";
  if (d)
    s += " (default " + std::to_string(d->seed) + ")";
  s += "\n  --out DIR      output directory (default snn-out)\n";
  if (target != CliTarget::Cpu) {
    s += "  --batch-steps N\n"
         "                 steps per batch (even): the device's recordings are "
         "copied to\n"
         "                 the host once per batch (default: ";
    s += d && d->gpu.batchSteps > 0
             ? "the model's " + std::to_string(d->gpu.batchSteps)
             : std::to_string(kDefaultBatchSteps);
    s += ", or fewer when\n"
         "                 recording one batch would take much memory)\n";
  }
  if (target == CliTarget::Cpu)
    s += "  --threads N    threads that run the steps (default: the " +
         std::to_string(availableCores()) +
         " cores this process\n"
         "                 may use, at most one per " +
         std::to_string(kNeuronsPerThread) +
         " neurons); the results do not\n"
         "                 depend on it\n";
  if (target == CliTarget::Emulate)
    s += "  --threads N    GPU threads emulated per phase (default " +
         std::to_string(kDefaultEmulatedThreads) + ")\n"
         "  --build-threads N\n"
         "                 GPU threads emulated per connectivity build kernel\n"
         "                 (default: as --threads)\n";
  if (target == CliTarget::Cuda)
    s += "  --device N     CUDA device (default 0)\n"
         "  --gpu-mode MODE\n"
         "                 how steps are launched: auto, launch (one launch "
         "per phase),\n"
         "                 graph (CUDA graphs of many steps) or persistent "
         "(one block\n"
         "                 runs many steps); default auto\n";
  s += "  --save-connectivity\n"
       "                 also write every projection's synapses to the "
       "output directory\n"
       "                 (<name>_synapses_row_ptr.npy, _col, _weight, _delay "
       "in steps)\n"
       "  --quiet        no progress bar and no run summary\n"
       "  --help         show this help\n";
  return s;
}

bool parseDouble(const std::string &s, double &v) {
  const char *b = s.data(), *e = b + s.size();
  if (b != e && *b == '+')
    ++b;
  auto r = std::from_chars(b, e, v);
  return b != e && r.ec == std::errc() && r.ptr == e && std::isfinite(v);
}

bool parseU64(const std::string &s, uint64_t &v) {
  const char *b = s.data(), *e = b + s.size();
  auto r = std::from_chars(b, e, v);
  return b != e && r.ec == std::errc() && r.ptr == e;
}

} // namespace

namespace {

bool parseI64(const std::string &s, int64_t &v) {
  const char *b = s.data(), *e = b + s.size();
  auto r = std::from_chars(b, e, v);
  return b != e && r.ec == std::errc() && r.ptr == e;
}

/// SNNRT_TEST_INTERRUPT=STEP[:SIGNAL] (testing): the run is interrupted as
/// if SIGNAL (default INT) arrived when step STEP is about to start
/// (RunOptions::interruptAtStep), so that tests of interrupted runs are
/// deterministic.
bool parseTestInterrupt(RunOptions &opts, std::string &error) {
  const char *env = std::getenv("SNNRT_TEST_INTERRUPT");
  if (!env || !*env)
    return true;
  std::string v = env, stepText = v, signalText = "INT";
  size_t colon = v.find(':');
  if (colon != std::string::npos) {
    stepText = v.substr(0, colon);
    signalText = v.substr(colon + 1);
  }
  int64_t step = 0;
  int signal = detail::parseSignalName(signalText);
  if (!parseI64(stepText, step) || step < 0 || signal == 0) {
    error = "SNNRT_TEST_INTERRUPT='" + v +
            "': expected STEP[:SIGNAL], e.g. 100 or 100:TERM";
    return false;
  }
  opts.interruptAtStep = step;
  opts.interruptSignal = signal;
  return true;
}

int cliMainImpl(int argc, char **argv, const char *descriptorJson,
                detail::CliTarget target, const detail::CliRun &run) {
  using detail::CliTarget;
  std::string prog = programName(argc > 0 ? argv[0] : nullptr);
  detail::CliOptions cli;
  cli.threads = kDefaultEmulatedThreads;
  RunOptions &opts = cli.run;
  bool quiet = false, help = false;
  std::string badArg;
  for (int i = 1; i < argc && badArg.empty(); ++i) {
    std::string a = argv[i], value;
    bool hasValue = false;
    size_t eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      hasValue = true;
    }
    auto takeValue = [&]() -> bool {
      if (hasValue)
        return true;
      if (i + 1 >= argc) {
        badArg = "option " + a + " needs a value";
        return false;
      }
      value = argv[++i];
      return true;
    };
    if (a == "--help" || a == "-h") {
      help = true;
    } else if (a == "--quiet" || a == "-q") {
      if (hasValue)
        badArg = "option --quiet takes no value";
      quiet = true;
    } else if (a == "--duration") {
      double ms;
      if (takeValue()) {
        if (!parseDouble(value, ms) || ms < 0)
          badArg = "invalid duration '" + value +
                   "' (expected a non-negative number of ms)";
        else
          opts.durationMs = ms;
      }
    } else if (a == "--seed") {
      uint64_t seed;
      if (takeValue()) {
        if (!parseU64(value, seed))
          badArg =
              "invalid seed '" + value + "' (expected a non-negative integer)";
        else
          opts.seed = seed;
      }
    } else if (a == "--out") {
      if (takeValue()) {
        if (value.empty())
          badArg = "empty output directory";
        else
          opts.outDir = value;
      }
    } else if (a == "--batch-steps" && target != CliTarget::Cpu) {
      int64_t n;
      if (takeValue()) {
        if (!parseI64(value, n) || n < 2 || n % 2 != 0)
          badArg = "invalid batch size '" + value +
                   "' (expected a positive even number of steps)";
        else
          opts.batchSteps = n;
      }
    } else if (a == "--save-connectivity") {
      if (hasValue)
        badArg = "option --save-connectivity takes no value";
      opts.saveConnectivity = true;
    } else if (a == "--threads" && target == CliTarget::Cpu) {
      int64_t n;
      if (takeValue()) {
        if (!parseI64(value, n) || n < 1 || n > 4096)
          badArg = "invalid thread count '" + value +
                   "' (expected an integer from 1 to 4096)";
        else
          opts.threads = n;
      }
    } else if ((a == "--threads" || a == "--build-threads") &&
               target == CliTarget::Emulate) {
      int64_t n;
      if (takeValue()) {
        if (!parseI64(value, n) || n < 1 || n > (int64_t(1) << 24))
          badArg = "invalid thread count '" + value +
                   "' (expected an integer from 1 to 16777216)";
        else
          (a == "--threads" ? cli.threads : cli.buildThreads) = n;
      }
    } else if (a == "--device" && target == CliTarget::Cuda) {
      int64_t n;
      if (takeValue()) {
        if (!parseI64(value, n) || n < 0 || n > INT32_MAX)
          badArg = "invalid device '" + value +
                   "' (expected a non-negative integer)";
        else
          cli.device = int(n);
      }
    } else if (a == "--gpu-mode" && target == CliTarget::Cuda) {
      if (takeValue()) {
        if (value != "auto" && value != "launch" && value != "graph" &&
            value != "persistent")
          badArg = "invalid GPU mode '" + value +
                   "' (expected auto, launch, graph or persistent)";
        else
          cli.gpuMode = value;
      }
    } else {
      badArg = (a.rfind("-", 0) == 0 ? "unknown option '"
                                     : "unexpected "
                                       "argument '") +
               std::string(argv[i]) + "'";
    }
  }

  Descriptor d;
  std::string error;
  bool descOk = descriptorJson && parseDescriptor(descriptorJson, d, error);
  if (!badArg.empty()) {
    std::fprintf(stderr, "%s: %s\n%s", prog.c_str(), badArg.c_str(),
                 usage(prog, descOk ? &d : nullptr, target).c_str());
    return 2;
  }
  if (help) {
    std::fputs(usage(prog, descOk ? &d : nullptr, target).c_str(), stdout);
    return 0;
  }
  if (!descriptorJson) {
    std::fprintf(stderr, "error: no network descriptor\n");
    return 1;
  }

  opts.progress = !quiet;
  cli.quiet = quiet;
  if (!parseTestInterrupt(opts, error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 1;
  }
  RunResult result;
  bool ok;
  {
    // SIGXFSZ ignored (write errors name the file), SIGINT/SIGTERM stop the
    // run at a step boundary once it has started; restored afterwards.
    detail::RunSignalHandlers signals;
    ok = run(cli, result, error);
  }
  std::string interruption =
      result.interrupted() ? detail::describeInterruption(result) : "";
  if (!ok) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    if (!interruption.empty())
      std::fprintf(stderr, "note: the run was %s\n", interruption.c_str());
    return 1;
  }
  if (!quiet) {
    std::fputs(formatSummary(result).c_str(), stdout);
    std::fflush(stdout);
  }
  if (result.interrupted()) {
    // The shells' convention for a process ended by a signal, but with the
    // outputs of the steps that ran written.
    std::fprintf(stderr, "%s: %s; outputs written%s%s\n", prog.c_str(),
                 interruption.c_str(), result.outDir.empty() ? "" : " to ",
                 result.outDir.c_str());
    return 128 + result.interruptSignal;
  }
  return 0;
}

} // namespace

int detail::cliMain(int argc, char **argv, const char *descriptorJson,
                    CliTarget target, const CliRun &run) {
  try {
    return cliMainImpl(argc, argv, descriptorJson, target, run);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "error: unexpected failure\n");
  }
  return 1;
}

int runMain(int argc, char **argv, const char *descriptorJson,
            const StepFunctions &step) {
  return detail::cliMain(argc, argv, descriptorJson, detail::CliTarget::Cpu,
                         [&](const detail::CliOptions &cli, RunResult &result,
                             std::string &error) {
                           return runSimulation(descriptorJson, step, cli.run,
                                                result, error);
                         });
}

int runEmulatedMain(int argc, char **argv, const char *descriptorJson,
                    EmulateStepFn step, EmulateBuildFn build) {
  return detail::cliMain(argc, argv, descriptorJson, detail::CliTarget::Emulate,
                         [&](const detail::CliOptions &cli, RunResult &result,
                             std::string &error) {
                           return runEmulatedSimulation(
                               descriptorJson, step, build, cli.threads,
                               cli.run, result, error, cli.buildThreads);
                         });
}

} // namespace snnrt
