//===- cli.cpp - The simulator's command line
//------------------------------===//

#include "snnrt/descriptor.h"
#include "snnrt/io.h"
#include "snnrt/run.h"

#include <charconv>
#include <cmath>
#include <cstdio>
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

std::string usage(const std::string &prog, const Descriptor *d) {
  std::string s = "usage: " + prog +
                  " [--duration MS] [--seed N] [--out DIR] [--quiet] "
                  "[--help]\n";
  if (d)
    s += "\nRuns the compiled spiking network model \"" + d->model + "\".\n";
  s += "\noptions:\n";
  s += "  --duration MS  biological time to simulate, in ms";
  if (d)
    s += " (default " + formatNumber(stepTimeMs(d->steps, d->dt)) + ", i.e. " +
         std::to_string(d->steps) + " steps of " + formatNumber(d->dt) + " ms)";
  s += "\n  --seed N       random seed: initial values, connectivity and "
       "per-step draws";
  if (d)
    s += " (default " + std::to_string(d->seed) + ")";
  s += "\n  --out DIR      output directory (default snn-out)\n"
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

int runMainImpl(int argc, char **argv, const char *descriptorJson,
                StepFn step) {
  std::string prog = programName(argc > 0 ? argv[0] : nullptr);
  RunOptions opts;
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
                 usage(prog, descOk ? &d : nullptr).c_str());
    return 2;
  }
  if (help) {
    std::fputs(usage(prog, descOk ? &d : nullptr).c_str(), stdout);
    return 0;
  }
  if (!descriptorJson) {
    std::fprintf(stderr, "error: no network descriptor\n");
    return 1;
  }

  opts.progress = !quiet;
  RunResult result;
  if (!runSimulation(descriptorJson, step, opts, result, error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 1;
  }
  if (!quiet) {
    std::fputs(formatSummary(result).c_str(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

} // namespace

int runMain(int argc, char **argv, const char *descriptorJson, StepFn step) {
  try {
    return runMainImpl(argc, argv, descriptorJson, step);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "error: unexpected failure\n");
  }
  return 1;
}

} // namespace snnrt
