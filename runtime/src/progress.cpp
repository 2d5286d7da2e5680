//===- progress.cpp - Progress reporting
//-----------------------------------===//

#include "snnrt/progress.h"

#include <algorithm>
#include <string>

namespace snnrt {

ProgressReporter::ProgressReporter(std::FILE *out, bool terminal,
                                   int64_t totalSteps)
    : out_(out), terminal_(terminal), total_(totalSteps) {}

void ProgressReporter::update(int64_t done, double elapsed) {
  lastDone_ = done;
  if (!out_ || total_ <= 0)
    return;
  if (!active_) {
    if (elapsed < 1.0 || done <= 0)
      return;
    double expected = elapsed * double(total_) / double(done);
    if (expected < 2.0 && elapsed < 2.0)
      return;
    active_ = true;
    // Lines (non-terminal) appear at the next 10% boundary.
    lastDecile_ = done * 10 / total_;
    if (!terminal_)
      return;
  }
  if (terminal_) {
    if (elapsed - lastDraw_ >= 0.25) {
      draw(done, elapsed);
      lastDraw_ = elapsed;
    }
    return;
  }
  int64_t decile = done * 10 / total_;
  if (decile > lastDecile_) {
    lastDecile_ = decile;
    draw(done, elapsed);
  }
}

void ProgressReporter::draw(int64_t done, double elapsed, bool final) {
  double frac = std::min(1.0, double(done) / double(total_));
  char eta[64] = "";
  // A final line short of 100% is a run that stopped early (interrupted, or
  // an error): no time is left to estimate.
  if (!final && done > 0 && done < total_)
    std::snprintf(eta, sizeof eta, ", ~%.1f s left",
                  elapsed * double(total_ - done) / double(done));
  if (terminal_) {
    const int width = 30;
    int filled = int(frac * width);
    std::string bar(size_t(filled), '=');
    if (filled < width)
      bar += '>';
    bar.resize(width, ' ');
    std::fprintf(out_, "\r  [%s] %3d%%  %lld/%lld steps  %.1f s%s\033[K",
                 bar.c_str(), int(frac * 100), (long long)done,
                 (long long)total_, elapsed, eta);
  } else {
    std::fprintf(out_, "progress: %3d%% (%lld/%lld steps, %.1f s%s)\n",
                 int(frac * 100), (long long)done, (long long)total_, elapsed,
                 eta);
  }
  std::fflush(out_);
}

void ProgressReporter::finish(double elapsed) {
  if (!active_ || !out_)
    return;
  if (terminal_) {
    std::fprintf(out_, "\r\033[K");
    std::fflush(out_);
  } else if (lastDecile_ < 10) {
    draw(lastDone_, elapsed, true);
  }
  active_ = false;
}

} // namespace snnrt
