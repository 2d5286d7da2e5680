//===- ChildProcess.h - Running test code in a forked child -----*- C++ -*-===//
//
// For what a test process must not do to itself: lower its file size limit,
// change its user, receive a signal that may kill it.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_TEST_CHILDPROCESS_H
#define SNNRT_TEST_CHILDPROCESS_H

#include <cstdio>
#include <functional>
#include <string>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace snnrt_test {

struct ChildResult {
  bool exited = false; ///< ended by _exit (else by a signal)
  int code = -1;       ///< exit code when exited
  int signal = 0;      ///< the signal that ended it otherwise
  std::string stderrText;

  std::string describe() const {
    return exited ? "exit code " + std::to_string(code)
                  : "killed by signal " + std::to_string(signal);
  }
};

/// Runs `fn` in a forked child whose stdout goes to /dev/null and whose
/// stderr is returned; the child exits with fn's return value.
inline ChildResult runInChild(const std::function<int()> &fn) {
  ChildResult r;
  int fds[2];
  if (::pipe(fds) != 0)
    return r;
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(fds[1], 2);
    int code = fn();
    std::fflush(stdout);
    std::fflush(stderr);
    ::_exit(code);
  }
  ::close(fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
    r.stderrText.append(buf, size_t(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exited = WIFEXITED(status);
  r.code = r.exited ? WEXITSTATUS(status) : -1;
  r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return r;
}

} // namespace snnrt_test

#endif // SNNRT_TEST_CHILDPROCESS_H
