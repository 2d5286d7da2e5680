//===- interrupt.cpp - Stopping a run at a step boundary ------------------===//

#include "interrupt.h"

#include "snnrt/run.h"

#include <atomic>
#include <cerrno>
#include <cstdlib>

namespace snnrt {

namespace {

// Touched from signal handlers: they must be lock-free atomics.
static_assert(std::atomic<int>::is_always_lock_free,
              "the interrupt flag is set from a signal handler");
std::atomic<int> gScopeDepth{0};
std::atomic<int> gSignal{0};

void onRunSignal(int signal) {
  int savedErrno = errno;
  if (!requestInterrupt(signal)) {
    // No run to stop yet (or any more): do what the signal would have done
    // without us. The signal is blocked while its handler runs, so raise()
    // takes effect, with the default action, as the handler returns.
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(signal, &dfl, nullptr);
    ::raise(signal);
  }
  errno = savedErrno;
}

const struct {
  int number;
  const char *name;
} kSignalNames[] = {{SIGINT, "SIGINT"},   {SIGTERM, "SIGTERM"},
                    {SIGHUP, "SIGHUP"},   {SIGQUIT, "SIGQUIT"},
                    {SIGUSR1, "SIGUSR1"}, {SIGUSR2, "SIGUSR2"},
                    {SIGKILL, "SIGKILL"}, {SIGXFSZ, "SIGXFSZ"}};

} // namespace

bool requestInterrupt(int signal) {
  if (signal <= 0 || gScopeDepth.load() <= 0)
    return false;
  // The first signal is the one the run reports.
  int none = 0;
  gSignal.compare_exchange_strong(none, signal);
  return true;
}

namespace detail {

InterruptibleScope::InterruptibleScope() {
  // A request left from an earlier run in this process is not for this one.
  if (gScopeDepth.load() == 0)
    gSignal.store(0);
  gScopeDepth.fetch_add(1);
}

InterruptibleScope::~InterruptibleScope() {
  if (gScopeDepth.fetch_sub(1) == 1)
    gSignal.store(0);
}

int pendingInterrupt() { return gSignal.load(std::memory_order_relaxed); }

std::string signalName(int signal) {
  for (const auto &s : kSignalNames)
    if (s.number == signal)
      return s.name;
  return "signal " + std::to_string(signal);
}

int parseSignalName(const std::string &name) {
  std::string n = name.rfind("SIG", 0) == 0 ? name.substr(3) : name;
  for (const auto &s : kSignalNames)
    if (n == s.name + 3)
      return s.number;
  char *end = nullptr;
  long v = std::strtol(n.c_str(), &end, 10);
  return !n.empty() && end && *end == '\0' && v > 0 && v < 65 ? int(v) : 0;
}

namespace {

void installUnlessIgnored(int signal, const struct sigaction &action,
                          struct sigaction &old) {
  ::sigaction(signal, nullptr, &old);
  if (old.sa_handler != SIG_IGN)
    ::sigaction(signal, &action, nullptr);
}

} // namespace

RunSignalHandlers::RunSignalHandlers() {
  struct sigaction sa = {};
  sa.sa_handler = onRunSignal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  // Restart interrupted system calls: the handler only sets a flag, and the
  // code that runs meanwhile (reading data files, the CUDA driver) need not
  // cope with EINTR.
  sa.sa_flags = SA_RESTART;
  installUnlessIgnored(SIGINT, sa, oldInt_);
  installUnlessIgnored(SIGTERM, sa, oldTerm_);
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGXFSZ, &ignore, &oldXfsz_);
}

RunSignalHandlers::~RunSignalHandlers() {
  ::sigaction(SIGINT, &oldInt_, nullptr);
  ::sigaction(SIGTERM, &oldTerm_, nullptr);
  ::sigaction(SIGXFSZ, &oldXfsz_, nullptr);
}

} // namespace detail
} // namespace snnrt
