//===- DataFiles.cpp - Compile-time checks of data files ------------------===//
//
// Columns are chosen by the runtime's own rules (snnrt/io.h:
// selectColumn, findSpikeArrayColumns, findListColumns), so a file accepted
// here is read the same way there; the limits are the runtime's too (delays
// and spike times in 32-bit steps, values in the state's precision).
//
//===----------------------------------------------------------------------===//

#include "DataFiles.h"

#include "snn/AST/Check.h"
#include "snn/AST/ExprPrinter.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <map>

#ifdef SNN_HAVE_TABLE_IO
#include "snnrt/io.h"
#endif

namespace snn::frontend {

using namespace snn::ast;

#ifdef SNN_HAVE_TABLE_IO

namespace {

class Validator {
public:
  Validator(Model &m, std::vector<Diagnostic> &diags) : m(m), diags(diags) {}

  unsigned errors = 0;

  void run() {
    for (const Population &p : m.populations)
      for (auto &[var, spec] : p.initial)
        if (spec.kind == ValueSpec::Kind::File)
          perNeuron(spec, p.size,
                    "initial values of '" + var + "' in population '" + p.name +
                        "'",
                    false);
    for (const Source &s : m.sources) {
      if (s.kind == Source::Kind::Poisson &&
          s.rate.kind == ValueSpec::Kind::File)
        perNeuron(s.rate, s.size, "rates of source '" + s.name + "'", true);
      if (s.kind == Source::Kind::SpikeArray)
        spikeArray(s);
    }
    for (CurrentInput &c : m.currents)
      if (c.kind == CurrentInput::Kind::TimedArray)
        timedArray(c);
      else if (c.amplitude.kind == ValueSpec::Kind::File)
        perNeuron(c.amplitude, m.sizeOf(c.target),
                  "amplitudes of current '" + c.name + "'", false);
    for (const Projection &p : m.projections)
      if (p.connectivity.kind == Connectivity::Kind::List)
        synapseList(p);
  }

private:
  Model &m;
  std::vector<Diagnostic> &diags;
  std::map<std::string, std::pair<bool, snnrt::Table>> cache;

  void error(const Loc &loc, std::string message) {
    diags.push_back(Diagnostic{loc, std::move(message), Severity::Error});
    ++errors;
  }

  /// Whether a value kept in the state's precision fits it.
  bool fitsState(double v) const {
    return m.simulation.precision != Precision::F32 ||
           std::fabs(v) <= double(std::numeric_limits<float>::max());
  }

  /// Reads (once) the table at `path`; reports a failure at `loc`.
  const snnrt::Table *table(const std::string &path, const Loc &loc) {
    auto it = cache.find(path);
    if (it == cache.end()) {
      snnrt::Table t;
      std::string err;
      bool ok = snnrt::readTable(path, t, err);
      it = cache.emplace(path, std::make_pair(ok, std::move(t))).first;
      if (!ok) {
        error(loc, "cannot use data file: " + err);
        return nullptr;
      }
    }
    return it->second.first ? &it->second.second : nullptr;
  }

  static std::string columnList(const snnrt::Table &t) {
    std::string out;
    for (const std::string &c : t.columns)
      out += (out.empty() ? "\"" : ", \"") + c + "\"";
    return out;
  }

  /// The table of a timed-array current: its column (one value for every
  /// neuron) or all its columns (one per neuron), finite values.
  void timedArray(CurrentInput &c) {
    const ValueSpec &spec = c.amplitude;
    const std::string what = "table of current '" + c.name + "'";
    const snnrt::Table *t = table(spec.file, spec.loc);
    if (!t)
      return;
    int64_t size = m.sizeOf(c.target);
    std::vector<size_t> used;
    if (!spec.column.empty()) {
      int col;
      std::string why;
      if (!snnrt::selectColumn(*t, spec.file, spec.column, col, why)) {
        error(spec.loc, "the " + what + ": " + why);
        return;
      }
      used.push_back(size_t(col));
    } else {
      for (size_t k = 0; k < t->data.size(); ++k)
        used.push_back(k);
      if (used.size() != 1 && int64_t(used.size()) != size) {
        error(spec.loc,
              spec.file + " has " + std::to_string(used.size()) +
                  " columns, but the " + what +
                  " needs one (the amplitude of every neuron) or one per "
                  "neuron of '" +
                  c.target + "' (" + std::to_string(size) +
                  "); \"column\" picks one");
        return;
      }
    }
    if (t->rows() == 0) {
      error(spec.loc, spec.file + " has no rows: the " + what +
                          " needs at least one");
      return;
    }
    for (size_t k : used) {
      const std::vector<double> &col = t->data[k];
      for (size_t r = 0; r < col.size(); ++r) {
        double x = col[r] * spec.scale;
        if (!std::isfinite(x) || !fitsState(x)) {
          error(spec.loc, t->rowLocation(spec.file, r) + ": value " +
                              formatNumber(x) + " of the " + what +
                              (std::isfinite(x) ? " does not fit a float (the "
                                                  "model is f32)"
                                                : " is not finite"));
          return;
        }
      }
    }
    c.rows = int64_t(t->rows());
    c.columns = int64_t(used.size());
  }

  void perNeuron(const ValueSpec &spec, int64_t size, const std::string &what,
                 bool nonNegative) {
    const snnrt::Table *t = table(spec.file, spec.loc);
    if (!t)
      return;
    int c;
    std::string why;
    if (!snnrt::selectColumn(*t, spec.file, spec.column, c, why, spec.index)) {
      error(spec.loc, "the " + what + ": " + why);
      return;
    }
    if (int64_t(t->rows()) != size) {
      error(spec.loc, spec.file + " has " + std::to_string(t->rows()) +
                          " values for the " + what + ", but " +
                          std::to_string(size) +
                          " (one per neuron) are needed");
      return;
    }
    std::vector<int64_t> at;
    if (!spec.index.empty() &&
        !snnrt::indexRows(*t, spec.file, spec.index, size, at, why)) {
      error(spec.indexLoc.line ? spec.indexLoc : spec.loc,
            "the " + what + ": " + why);
      return;
    }
    const std::vector<double> &col = t->data[size_t(c)];
    for (size_t r = 0; r < col.size(); ++r) {
      // In the model's units (a column written in another unit, scaled).
      double x = col[r] * spec.scale;
      if (!std::isfinite(x)) {
        error(spec.loc, t->rowLocation(spec.file, r) + ": value " +
                            formatNumber(x) + " of the " + what +
                            " is not finite");
        return;
      }
      if (!fitsState(x)) {
        error(spec.loc, t->rowLocation(spec.file, r) + ": value " +
                            formatNumber(x) + " of the " + what +
                            " does not fit a float (the model is f32)");
        return;
      }
      if (nonNegative && x < 0) {
        error(spec.loc, t->rowLocation(spec.file, r) + ": value " +
                            formatNumber(x) + " of the " + what +
                            " is negative");
        return;
      }
    }
  }

  /// Checks that column `c` holds neuron indices in [0, size).
  bool indices(const snnrt::Table &t, int c, int64_t size,
               const std::string &path, const Loc &loc,
               const std::string &what) {
    const std::vector<double> &col = t.data[size_t(c)];
    for (size_t r = 0; r < col.size(); ++r) {
      double id = col[r];
      if (!(id >= 0 && id < double(size) && id == std::floor(id))) {
        bool integral = std::isfinite(id) && id == std::floor(id);
        error(loc,
              t.rowLocation(path, r) + ": " + what + " " + formatNumber(id) +
                  (integral
                       ? " is out of range [0, " + std::to_string(size) + ")"
                       : " is not an integer index"));
        return false;
      }
    }
    return true;
  }

  void spikeArray(const Source &s) {
    const Loc &loc = s.fileLoc.line ? s.fileLoc : s.loc;
    const snnrt::Table *t = table(s.file, loc);
    if (!t)
      return;
    int ci, ct;
    std::string why;
    if (!snnrt::findSpikeArrayColumns(*t, s.file, ci, ct, why)) {
      error(loc, why);
      return;
    }
    if (!indices(*t, ci, s.size, s.file, loc,
                 "neuron of source '" + s.name + "'"))
      return;
    const std::vector<double> &times = t->data[size_t(ct)];
    const double dt = m.simulation.dt;
    for (size_t r = 0; r < times.size(); ++r) {
      if (!std::isfinite(times[r]) || times[r] < 0) {
        error(loc, t->rowLocation(s.file, r) + ": spike time " +
                       formatNumber(times[r]) + " ms must be >= 0");
        return;
      }
      double step = stepsOf(times[r], dt);
      if (step > double(kMaxSpikeStep)) {
        error(loc, t->rowLocation(s.file, r) + ": spike time " +
                       formatNumber(times[r]) + " ms is step " +
                       formatRounded(step) + " of dt = " + formatNumber(dt) +
                       " ms; spike arrays reach at most step " +
                       std::to_string(kMaxSpikeStep) + " (" +
                       formatRounded(double(kMaxSpikeStep) * dt) + " ms)");
        return;
      }
    }
  }

  void synapseList(const Projection &p) {
    const Connectivity &c = p.connectivity;
    const Loc &loc = c.fileLoc.line ? c.fileLoc : c.loc;
    const snnrt::Table *t = table(c.file, loc);
    if (!t)
      return;
    snnrt::ListColumns cols;
    std::string why;
    if (!snnrt::findListColumns(*t, c.file, cols, why)) {
      error(loc, why);
      return;
    }
    int pre = cols.pre, post = cols.post;
    const std::string what = "projection '" + p.name + "'";
    if (!indices(*t, pre, m.sizeOf(p.pre), c.file, loc,
                 "pre index of " + what) ||
        !indices(*t, post, m.sizeOf(p.post), c.file, loc,
                 "post index of " + what))
      return;
    auto column = [&](const ValueSpec &spec) {
      return snnrt::findListValueColumn(*t, cols, spec.column);
    };
    if (p.weight.kind == ValueSpec::Kind::FromList) {
      int col = column(p.weight);
      if (col < 0)
        error(p.weight.loc, "the weight of " + what + " is 'from_list', but " +
                                c.file + " has no \"" + p.weight.column +
                                "\" column (columns: " + columnList(*t) + ")");
      else
        finite(*t, col, c.file, loc, "weight of " + what, false, true,
               p.weight.scale);
    }
    if (p.delay.kind == ValueSpec::Kind::FromList) {
      int col = column(p.delay);
      if (col < 0)
        error(p.delay.loc, "the delay of " + what + " is 'from_list', but " +
                               c.file + " has no \"" + p.delay.column +
                               "\" column (columns: " + columnList(*t) + ")");
      else if (finite(*t, col, c.file, loc, "delay of " + what, true, false,
                      p.delay.scale))
        delays(*t, col, c.file, loc, "delay of " + what, p.delay.scale);
    }
  }

  /// Column `c` times `scale` (its unit): finite, perhaps >= 0, perhaps
  /// within the state's precision.
  bool finite(const snnrt::Table &t, int c, const std::string &path,
              const Loc &loc, const std::string &what, bool nonNegative,
              bool state, double scale) {
    const std::vector<double> &col = t.data[size_t(c)];
    for (size_t r = 0; r < col.size(); ++r) {
      double x = col[r] * scale;
      if (!std::isfinite(x) || (nonNegative && x < 0)) {
        error(loc, t.rowLocation(path, r) + ": " + what + " " +
                       formatNumber(x) +
                       (nonNegative ? " must be a finite number >= 0"
                                    : " is not finite"));
        return false;
      }
      if (state && !fitsState(x)) {
        error(loc, t.rowLocation(path, r) + ": " + what + " " +
                       formatNumber(x) +
                       " does not fit a float (the model is f32)");
        return false;
      }
    }
    return true;
  }

  /// Delays (column `c` times `scale`, in ms), which must fit the runtime's
  /// delay rings.
  void delays(const snnrt::Table &t, int c, const std::string &path,
              const Loc &loc, const std::string &what, double scale) {
    const double dt = m.simulation.dt;
    const std::vector<double> &col = t.data[size_t(c)];
    for (size_t r = 0; r < col.size(); ++r) {
      double steps = stepsOf(col[r] * scale, dt);
      if (steps > double(kMaxDelaySteps)) {
        error(loc, t.rowLocation(path, r) + ": " + what + " " +
                       formatNumber(col[r] * scale) + " ms is " +
                       formatRounded(steps) + " steps of dt = " +
                       formatNumber(dt) + " ms; a delay is at most " +
                       std::to_string(kMaxDelaySteps) + " steps (" +
                       formatRounded(double(kMaxDelaySteps) * dt) + " ms)");
        return;
      }
    }
  }
};

} // namespace

bool validateDataFiles(Model &model, std::vector<Diagnostic> &diags) {
  Validator v(model, diags);
  v.run();
  return v.errors == 0;
}

#else // !SNN_HAVE_TABLE_IO

// Without the runtime's reader, data files are only checked to be readable.
bool validateDataFiles(Model &model, std::vector<Diagnostic> &diags) {
  unsigned errors = 0;
  auto check = [&](const std::string &path, const Loc &loc) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      diags.push_back(
          Diagnostic{loc, "cannot open data file " + path, Severity::Error});
      ++errors;
    }
  };
  for (const Population &p : model.populations)
    for (auto &[var, spec] : p.initial)
      if (spec.kind == ValueSpec::Kind::File)
        check(spec.file, spec.loc);
  for (const Source &s : model.sources) {
    if (s.kind == Source::Kind::Poisson && s.rate.kind == ValueSpec::Kind::File)
      check(s.rate.file, s.rate.loc);
    if (s.kind == Source::Kind::SpikeArray)
      check(s.file, s.fileLoc);
  }
  for (const CurrentInput &c : model.currents) {
    if (c.kind == CurrentInput::Kind::TimedArray) {
      diags.push_back(Diagnostic{c.loc,
                                 "timed-array currents need the runtime's "
                                 "table reader, which this snnc was built "
                                 "without",
                                 Severity::Error});
      ++errors;
    } else if (c.amplitude.kind == ValueSpec::Kind::File) {
      check(c.amplitude.file, c.amplitude.loc);
    }
  }
  for (const Projection &p : model.projections)
    if (p.connectivity.kind == Connectivity::Kind::List)
      check(p.connectivity.file, p.connectivity.fileLoc);
  return errors == 0;
}

#endif

} // namespace snn::frontend
