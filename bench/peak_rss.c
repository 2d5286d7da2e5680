/* peak_rss: runs a command and writes its peak resident set size.

   Usage: peak_rss RESULT_FILE COMMAND [ARGS...]

   Writes "<ru_maxrss in KiB> <wait status>" to RESULT_FILE and exits with
   the command's exit status (128 + signal if it was killed).

   Why not os.wait4 in Python directly: Linux keeps a process's peak RSS
   across exec, and a child forked (or vforked) by Python starts with the
   peak of the Python process (10-20 MB), so small simulators would all
   report the harness's size. Forked from this small program, the command
   starts from about 1 MB.

   cpu_vs_brian2.py compiles it with cc into its work directory. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: peak_rss RESULT_FILE COMMAND [ARGS...]\n");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) {
    perror("peak_rss: fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    fprintf(stderr, "peak_rss: %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  int status = 0;
  struct rusage usage;
  while (wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      perror("peak_rss: wait4");
      return 2;
    }
  }
  FILE *f = fopen(argv[1], "w");
  if (!f) {
    perror("peak_rss: result file");
    return 2;
  }
  fprintf(f, "%ld %d\n", (long)usage.ru_maxrss, status);
  fclose(f);
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
