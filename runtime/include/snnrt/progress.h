//===- progress.h - Progress reporting on stderr -----------------*- C++
//-*-===//

#ifndef SNNRT_PROGRESS_H
#define SNNRT_PROGRESS_H

#include <cstdint>
#include <cstdio>

namespace snnrt {

/// Reports simulation progress for long runs. Nothing is printed until the
/// run has lasted 1 s and is expected to last at least 2 s (or has lasted
/// 2 s). On a terminal a bar is redrawn with carriage returns at most 4 times
/// a second and erased at the end; otherwise one line is printed per 10%.
class ProgressReporter {
public:
  ProgressReporter(std::FILE *out, bool terminal, int64_t totalSteps);

  /// `done` steps completed after `elapsed` seconds.
  void update(int64_t done, double elapsed);
  /// The run is over (prints the final state if anything was shown).
  void finish(double elapsed);

  bool active() const { return active_; }

private:
  void draw(int64_t done, double elapsed, bool final = false);

  std::FILE *out_;
  bool terminal_;
  int64_t total_;
  bool active_ = false;
  double lastDraw_ = -1;
  int64_t lastDecile_ = -1;
  int64_t lastDone_ = 0;
};

} // namespace snnrt

#endif // SNNRT_PROGRESS_H
