//===- interrupt.h - Stopping a run at a step boundary ---------*- C++ -*-===//
//
// SIGINT and SIGTERM must not lose a long run: once the simulation has
// started, they only raise a flag (requestInterrupt in snnrt/run.h), the run
// loops stop at their next step boundary, and the outputs of the steps that
// ran are written as usual. Before that (parsing, building, which cannot stop
// half-way and have written nothing yet) the signals keep their default
// action, so Ctrl-C during a long build still ends the process at once.
//
// The simulators' command line (cli.cpp) installs the handlers and turns an
// interrupted run into the exit status 128 + signal; the library never exits.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_SRC_INTERRUPT_H
#define SNNRT_SRC_INTERRUPT_H

#include <csignal>
#include <string>

namespace snnrt {
namespace detail {

/// While one of these lives, requestInterrupt() is taken (the run loops poll
/// pendingInterrupt()), so a signal through RunSignalHandlers stops the run
/// instead of killing the process. Scopes nest (runSimulation holds one from
/// the first step until its outputs are written, simulateNetwork one around
/// the loop); the outermost starts and ends with no request pending.
class InterruptibleScope {
public:
  InterruptibleScope();
  ~InterruptibleScope();
  InterruptibleScope(const InterruptibleScope &) = delete;
  InterruptibleScope &operator=(const InterruptibleScope &) = delete;
};

/// The signal of the pending request, or 0 (one relaxed atomic load: cheap
/// enough to poll every step).
int pendingInterrupt();

/// "SIGINT", "SIGTERM", ..., or "signal N".
std::string signalName(int signal);

/// The signal named `name` ("INT", "SIGINT", "TERM", "SIGTERM" or a number),
/// or 0.
int parseSignalName(const std::string &name);

/// Installs, for its lifetime, the simulators' signal handling:
/// - SIGINT, SIGTERM: requestInterrupt() while an InterruptibleScope lives,
///   else the default action (the process ends by the signal). A signal that
///   was ignored when the process started (a background job of a
///   non-interactive shell, nohup) stays ignored.
/// - SIGXFSZ ignored: a write past `ulimit -f` then fails with EFBIG, which
///   is reported with the file's name, instead of killing the process and
///   leaving a temporary file behind.
/// The previous dispositions are restored on destruction.
class RunSignalHandlers {
public:
  RunSignalHandlers();
  ~RunSignalHandlers();
  RunSignalHandlers(const RunSignalHandlers &) = delete;
  RunSignalHandlers &operator=(const RunSignalHandlers &) = delete;

private:
  struct sigaction oldInt_, oldTerm_, oldXfsz_;
};

} // namespace detail
} // namespace snnrt

#endif // SNNRT_SRC_INTERRUPT_H
