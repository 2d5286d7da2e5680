//===- Plot.h - snnc plot ----------------------------------------*- C++ -*-===//
//
// Part of snnc. `snnc plot OUTDIR [-o FILE.html|FILE.svg] [--max-marks=N]`:
// a self-contained report of a simulator's run (Plot.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_PLOT_H
#define SNNC_PLOT_H

#include <string>
#include <vector>

namespace snn::driver {

/// Runs `snnc plot` with the arguments after "plot"; returns the exit code.
int plotMain(const std::vector<std::string> &args);

} // namespace snn::driver

#endif // SNNC_PLOT_H
