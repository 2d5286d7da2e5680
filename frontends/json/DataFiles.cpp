//===- DataFiles.cpp - Compile-time checks of data files ------------------===//
//
// Column selection mirrors the runtime (runtime/src/network.cpp and
// connectivity.cpp), so a file accepted here is read the same way there:
//  - per-neuron values: the named column; the only column when no name is
//    given; a number selects a column by position;
//  - spike arrays: header columns neuron|i|index|indices|id|ids and
//    time|t|t_ms|time_ms|times, else the first two columns;
//  - synapse lists: header columns pre, post[, weight, delay], else by
//    position.
//
//===----------------------------------------------------------------------===//

#include "DataFiles.h"

#include "snn/AST/ExprPrinter.h"

#include <cmath>
#include <fstream>
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
  Validator(const Model &m, std::vector<Diagnostic> &diags)
      : m(m), diags(diags) {}

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
    for (const CurrentInput &c : m.currents)
      if (c.amplitude.kind == ValueSpec::Kind::File)
        perNeuron(c.amplitude, m.sizeOf(c.target),
                  "amplitudes of current '" + c.name + "'", false);
    for (const Projection &p : m.projections)
      if (p.connectivity.kind == Connectivity::Kind::List)
        synapseList(p);
  }

private:
  const Model &m;
  std::vector<Diagnostic> &diags;
  std::map<std::string, std::pair<bool, snnrt::Table>> cache;

  void error(const Loc &loc, std::string message) {
    diags.push_back(Diagnostic{loc, std::move(message), Severity::Error});
    ++errors;
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

  void perNeuron(const ValueSpec &spec, int64_t size, const std::string &what,
                 bool nonNegative) {
    const snnrt::Table *t = table(spec.file, spec.loc);
    if (!t)
      return;
    int c = t->findColumn(spec.column);
    if (c < 0 && spec.column.empty() && t->columns.size() == 1)
      c = 0;
    if (c < 0 && !spec.column.empty() &&
        spec.column.find_first_not_of("0123456789") == std::string::npos &&
        spec.column.size() < 9 &&
        std::stoi(spec.column) < int(t->columns.size()))
      c = std::stoi(spec.column);
    if (c < 0) {
      if (spec.column.empty())
        error(spec.loc,
              spec.file + " has " + std::to_string(t->columns.size()) +
                  " columns; choose one for the " + what +
                  " with \"column\" (columns: " + columnList(*t) + ")");
      else
        error(spec.loc, spec.file + " has no column \"" + spec.column +
                            "\" for the " + what +
                            " (columns: " + columnList(*t) + ")");
      return;
    }
    if (int64_t(t->rows()) != size) {
      error(spec.loc, spec.file + " has " + std::to_string(t->rows()) +
                          " values for the " + what + ", but " +
                          std::to_string(size) +
                          " (one per neuron) are needed");
      return;
    }
    const std::vector<double> &col = t->data[size_t(c)];
    for (size_t r = 0; r < col.size(); ++r) {
      if (!std::isfinite(col[r])) {
        error(spec.loc, t->rowLocation(spec.file, r) + ": value " +
                            formatNumber(col[r]) + " of the " + what +
                            " is not finite");
        return;
      }
      if (nonNegative && col[r] < 0) {
        error(spec.loc, t->rowLocation(spec.file, r) + ": value " +
                            formatNumber(col[r]) + " of the " + what +
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
    int ci = -1, ct = -1;
    if (t->hasHeader) {
      for (const char *n : {"neuron", "i", "index", "indices", "id", "ids"})
        if (ci < 0)
          ci = t->findColumn(n);
      for (const char *n : {"time", "t", "t_ms", "time_ms", "times"})
        if (ct < 0)
          ct = t->findColumn(n);
    }
    if (ci < 0 || ct < 0) {
      if (t->columns.size() < 2) {
        error(loc, s.file +
                       ": a spike array needs 2 columns (neuron, time "
                       "in ms), found " +
                       std::to_string(t->columns.size()));
        return;
      }
      ci = 0;
      ct = 1;
    }
    if (!indices(*t, ci, s.size, s.file, loc,
                 "neuron of source '" + s.name + "'"))
      return;
    const std::vector<double> &times = t->data[size_t(ct)];
    for (size_t r = 0; r < times.size(); ++r)
      if (!std::isfinite(times[r]) || times[r] < 0) {
        error(loc, t->rowLocation(s.file, r) + ": spike time " +
                       formatNumber(times[r]) + " ms must be >= 0");
        return;
      }
  }

  void synapseList(const Projection &p) {
    const Connectivity &c = p.connectivity;
    const Loc &loc = c.fileLoc.line ? c.fileLoc : c.loc;
    const snnrt::Table *t = table(c.file, loc);
    if (!t)
      return;
    int pre = -1, post = -1, weight = -1, delay = -1;
    if (t->hasHeader && t->findColumn("pre") >= 0 &&
        t->findColumn("post") >= 0) {
      pre = t->findColumn("pre");
      post = t->findColumn("post");
      weight = t->findColumn("weight");
      delay = t->findColumn("delay");
    } else if (t->hasHeader &&
               (t->findColumn("pre") >= 0 || t->findColumn("post") >= 0)) {
      error(loc, c.file +
                     ": a synapse list needs both a \"pre\" and a "
                     "\"post\" column (columns: " +
                     columnList(*t) + ")");
      return;
    } else {
      size_t n = t->columns.size();
      if (n < 2) {
        error(loc, c.file +
                       ": a synapse list needs at least 2 columns (pre, "
                       "post), found " +
                       std::to_string(n));
        return;
      }
      pre = 0;
      post = 1;
      weight = n > 2 ? 2 : -1;
      delay = n > 3 ? 3 : -1;
    }
    const std::string what = "projection '" + p.name + "'";
    if (!indices(*t, pre, m.sizeOf(p.pre), c.file, loc,
                 "pre index of " + what) ||
        !indices(*t, post, m.sizeOf(p.post), c.file, loc,
                 "post index of " + what))
      return;
    auto column = [&](const ValueSpec &spec, int fallback) {
      int col = t->findColumn(spec.column);
      if (col >= 0)
        return col;
      if (spec.column == "weight" || spec.column == "delay")
        return fallback;
      return -1;
    };
    if (p.weight.kind == ValueSpec::Kind::FromList) {
      int col = column(p.weight, weight);
      if (col < 0)
        error(p.weight.loc, "the weight of " + what + " is 'from_list', but " +
                                c.file + " has no \"" + p.weight.column +
                                "\" column (columns: " + columnList(*t) + ")");
      else
        finite(*t, col, c.file, loc, "weight of " + what, false);
    }
    if (p.delay.kind == ValueSpec::Kind::FromList) {
      int col = column(p.delay, delay);
      if (col < 0)
        error(p.delay.loc, "the delay of " + what + " is 'from_list', but " +
                               c.file + " has no \"" + p.delay.column +
                               "\" column (columns: " + columnList(*t) + ")");
      else
        finite(*t, col, c.file, loc, "delay of " + what, true);
    }
  }

  void finite(const snnrt::Table &t, int c, const std::string &path,
              const Loc &loc, const std::string &what, bool nonNegative) {
    const std::vector<double> &col = t.data[size_t(c)];
    for (size_t r = 0; r < col.size(); ++r)
      if (!std::isfinite(col[r]) || (nonNegative && col[r] < 0)) {
        error(loc, t.rowLocation(path, r) + ": " + what + " " +
                       formatNumber(col[r]) +
                       (nonNegative ? " must be a finite number >= 0"
                                    : " is not finite"));
        return;
      }
  }
};

} // namespace

bool validateDataFiles(const Model &model, std::vector<Diagnostic> &diags) {
  Validator v(model, diags);
  v.run();
  return v.errors == 0;
}

#else // !SNN_HAVE_TABLE_IO

// Without the runtime's reader, data files are only checked to be readable.
bool validateDataFiles(const Model &model, std::vector<Diagnostic> &diags) {
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
  for (const CurrentInput &c : model.currents)
    if (c.amplitude.kind == ValueSpec::Kind::File)
      check(c.amplitude.file, c.amplitude.loc);
  for (const Projection &p : model.projections)
    if (p.connectivity.kind == Connectivity::Kind::List)
      check(p.connectivity.file, p.connectivity.fileLoc);
  return errors == 0;
}

#endif

} // namespace snn::frontend
