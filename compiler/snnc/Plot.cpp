//===- Plot.cpp - snnc plot: a self-contained report of a run -----------===//
//
// Part of snnc. `snnc plot OUTDIR [-o FILE]` reads a simulator's output
// directory (summary.json, the spike and state recordings, NPY or CSV) and
// writes one file that needs no server and no network: an HTML page (the
// default, OUTDIR.html beside the directory: a later run into OUTDIR would
// refuse a directory with files of anything else) with the summary table and inline SVG
// figures, or, with `-o NAME.svg`, one SVG of the figures alone (for a
// README). Figures: a raster per recorded population (a mark per spike), its
// population rate over time, and each recorded state variable's traces.
//
// Large runs are thinned so that the file stays small: at most --max-marks
// raster marks in all (default 200000, about 3 MB): 1 spike in k of each
// population (k the same for all), at most 10 traces per variable and 2000
// points per trace; the report says when and how it thinned.
//
//===----------------------------------------------------------------------===//

#include "Plot.h"
#include "OutputFile.h"

#include "snnrt/io.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace snn::driver {

namespace {

constexpr double kWidth = 900, kRasterHeight = 220, kRateHeight = 110,
                 kTraceHeight = 160, kLeft = 60, kRight = 15, kTop = 22,
                 kBottom = 30;
constexpr size_t kMaxTraces = 10, kMaxPoints = 2000;

std::string escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

/// Pixels to one decimal: enough for a plot, and short.
std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0)
    s.resize(s.size() - 2);
  return s;
}

struct Spikes {
  std::string population;
  int64_t size = 0;
  std::vector<double> t;
  std::vector<double> i;
};

struct State {
  std::string name;               // "exc_v"
  std::vector<double> t;          // sample times (ms)
  std::vector<std::string> labels; // per trace
  std::vector<std::vector<double>> traces;
};

/// A frame: axes, ticks and labels, and the plot area for its marks.
struct Frame {
  double x0, y0, w, h; // plot area in the SVG
  double tmax;         // the time axis: [0, tmax]
  double ylo, yhi;
  double x(double t) const { return x0 + (tmax > 0 ? t / tmax * w : 0); }
  double y(double v) const {
    return y0 + h - (yhi > ylo ? (v - ylo) / (yhi - ylo) * h : h / 2);
  }
};

void axes(std::ostringstream &o, const Frame &f, const std::string &title,
          const std::string &ylabel) {
  o << "<text x=\"" << px(f.x0) << "\" y=\"" << px(f.y0 - 6)
    << "\" class=\"title\">" << escape(title) << "</text>\n";
  o << "<rect x=\"" << px(f.x0) << "\" y=\"" << px(f.y0) << "\" width=\""
    << px(f.w) << "\" height=\"" << px(f.h) << "\" class=\"frame\"/>\n";
  for (int k = 0; k <= 4; ++k) {
    double t = f.tmax * k / 4;
    o << "<text x=\"" << px(f.x(t)) << "\" y=\"" << px(f.y0 + f.h + 14)
      << "\" class=\"tick\" text-anchor=\"middle\">" << num(t) << "</text>\n";
  }
  for (double v : {f.ylo, f.yhi})
    o << "<text x=\"" << px(f.x0 - 4) << "\" y=\"" << px(f.y(v) + 4)
      << "\" class=\"tick\" text-anchor=\"end\">" << num(v) << "</text>\n";
  o << "<text x=\"" << px(f.x0 + f.w) << "\" y=\"" << px(f.y0 + f.h + 26)
    << "\" class=\"tick\" text-anchor=\"end\">time (ms)</text>\n";
  o << "<text x=\"" << px(f.x0 - 45) << "\" y=\"" << px(f.y0 + f.h / 2)
    << "\" class=\"tick\">" << escape(ylabel) << "</text>\n";
}

/// The figures, one SVG; `note` gets what was thinned.
std::string figures(const std::vector<Spikes> &spikes,
                    const std::vector<State> &states, double duration,
                    size_t maxMarks, std::vector<std::string> &notes,
                    bool notesBelow) {
  size_t total = 0;
  for (const Spikes &s : spikes)
    total += s.t.size();
  size_t stride = total > maxMarks ? (total + maxMarks - 1) / maxMarks : 1;
  size_t drawn = 0;
  std::ostringstream o;
  double y = 0;
  std::ostringstream body;
  for (const Spikes &s : spikes) {
    Frame f{kLeft, y + kTop, kWidth - kLeft - kRight, kRasterHeight, duration,
            -0.5, double(std::max<int64_t>(s.size, 1)) - 0.5};
    axes(body, f, s.population + ": " + std::to_string(s.t.size()) +
                      " spikes", "neuron");
    size_t marks = 0;
    std::string d;
    for (size_t k = 0; k < s.t.size(); k += stride, ++marks)
      d += "M" + px(f.x(s.t[k])) + " " + px(f.y(s.i[k])) + "h1.5";
    drawn += marks;
    body << "<path class=\"raster\" data-population=\"" << escape(s.population)
         << "\" data-marks=\"" << marks << "\" data-spikes=\"" << s.t.size()
         << "\" d=\"" << (d.empty() ? "M0 0" : d) << "\"/>\n";
    y += kTop + kRasterHeight + kBottom;
    // The population rate: every spike, in bins of about duration / 200.
    size_t bins = 200;
    double width = duration > 0 ? duration / double(bins) : 1;
    std::vector<double> rate(bins, 0.0);
    for (double t : s.t) {
      size_t b = std::min(bins - 1, size_t(std::max(0.0, t / width)));
      rate[b] += 1;
    }
    double peak = 0;
    for (double &r : rate) {
      r = s.size > 0 ? r / double(s.size) / (width / 1000.0) : 0; // Hz
      peak = std::max(peak, r);
    }
    Frame g{kLeft, y + kTop, kWidth - kLeft - kRight, kRateHeight, duration, 0,
            peak > 0 ? peak : 1};
    axes(body, g, s.population + ": population rate (bins of " + num(width) +
                      " ms)", "Hz");
    std::string pts;
    for (size_t b = 0; b < bins; ++b)
      pts += px(g.x((double(b) + 0.5) * width)) + "," + px(g.y(rate[b])) + " ";
    body << "<polyline class=\"rate\" points=\"" << pts << "\"/>\n";
    y += kTop + kRateHeight + kBottom;
  }
  if (stride > 1)
    notes.insert(notes.begin(),
                 "The rasters show 1 spike in " + std::to_string(stride) +
                     " (" + std::to_string(drawn) + " of " +
                     std::to_string(total) +
                     "), to keep the file small; the rates count every "
                     "spike.");
  for (const State &st : states) {
    double lo = INFINITY, hi = -INFINITY;
    size_t shown = std::min(st.traces.size(), kMaxTraces);
    for (size_t c = 0; c < shown; ++c)
      for (double v : st.traces[c])
        if (std::isfinite(v)) {
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
    if (!(lo <= hi))
      lo = hi = 0;
    double tmax = st.t.empty() ? duration : std::max(duration, st.t.back());
    Frame f{kLeft, y + kTop, kWidth - kLeft - kRight, kTraceHeight, tmax, lo,
            hi};
    axes(body, f, st.name + (shown < st.traces.size()
                                 ? " (" + std::to_string(shown) + " of " +
                                       std::to_string(st.traces.size()) +
                                       " traces)"
                                 : ""),
         "");
    if (shown < st.traces.size())
      notes.push_back(st.name + ": the first " + std::to_string(shown) +
                      " of " + std::to_string(st.traces.size()) +
                      " recorded traces are shown.");
    size_t step = st.t.size() > kMaxPoints
                      ? (st.t.size() + kMaxPoints - 1) / kMaxPoints
                      : 1;
    if (step > 1)
      notes.push_back(st.name + ": 1 sample in " + std::to_string(step) +
                      " of " + std::to_string(st.t.size()) + " is drawn.");
    for (size_t c = 0; c < shown; ++c) {
      std::string pts;
      for (size_t k = 0; k < st.t.size(); k += step)
        if (std::isfinite(st.traces[c][k]))
          pts += px(f.x(st.t[k])) + "," + px(f.y(st.traces[c][k])) + " ";
      body << "<polyline class=\"trace trace" << (c % kMaxTraces)
           << "\" data-label=\"" << escape(st.labels[c]) << "\" points=\""
           << pts << "\"/>\n";
    }
    y += kTop + kTraceHeight + kBottom;
  }
  // An SVG alone says itself what was thinned.
  if (notesBelow)
    for (const std::string &n : notes) {
      body << "<text x=\"" << px(kLeft) << "\" y=\"" << px(y + 4)
           << "\" class=\"tick\">" << escape(n) << "</text>\n";
      y += 16;
    }
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << px(kWidth)
    << "\" height=\"" << px(std::max(y, 40.0)) << "\" viewBox=\"0 0 "
    << px(kWidth) << " " << px(std::max(y, 40.0)) << "\">\n"
    << "<style>.title{font:13px sans-serif;font-weight:bold}"
       ".tick{font:10px sans-serif;fill:#444}"
       ".frame{fill:none;stroke:#999;stroke-width:0.5}"
       ".raster{stroke:#1f4e8c;stroke-width:1.2;fill:none}"
       ".rate{fill:none;stroke:#b5402a;stroke-width:1}"
       ".trace{fill:none;stroke-width:0.8}"
       ".trace0{stroke:#1f77b4}.trace1{stroke:#ff7f0e}.trace2{stroke:#2ca02c}"
       ".trace3{stroke:#d62728}.trace4{stroke:#9467bd}.trace5{stroke:#8c564b}"
       ".trace6{stroke:#e377c2}.trace7{stroke:#7f7f7f}.trace8{stroke:#bcbd22}"
       ".trace9{stroke:#17becf}</style>\n";
  if (spikes.empty() && states.empty())
    o << "<text x=\"10\" y=\"25\" class=\"title\">nothing recorded</text>\n";
  o << body.str() << "</svg>\n";
  return o.str();
}

bool readJson(const std::string &path, llvm::json::Value &out,
              std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    error = path + ": " + buffer.getError().message();
    return false;
  }
  auto parsed = llvm::json::parse((*buffer)->getBuffer());
  if (!parsed) {
    error = path + ": " + llvm::toString(parsed.takeError());
    return false;
  }
  out = std::move(*parsed);
  return true;
}

} // namespace

int plotMain(const std::vector<std::string> &args) {
  std::string dir, output;
  size_t maxMarks = 200000;
  auto fail = [](const std::string &message) {
    llvm::errs() << "snnc plot: error: " << message << "\n";
    return 1;
  };
  for (size_t k = 0; k < args.size(); ++k) {
    const std::string &a = args[k];
    if (a == "-o" && k + 1 < args.size())
      output = args[++k];
    else if (a.rfind("--max-marks=", 0) == 0) {
      char *end = nullptr;
      long long v = std::strtoll(a.c_str() + 12, &end, 10);
      if (!end || *end || v < 1)
        return fail("--max-marks needs a positive whole number");
      maxMarks = size_t(v);
    } else if (a == "--help" || a == "-h") {
      llvm::outs() << "usage: snnc plot OUTDIR [-o FILE.html | FILE.svg] "
                      "[--max-marks=N]\n\n"
                      "Writes a self-contained report of the run in OUTDIR "
                      "(default OUTDIR.html):\nrasters, population "
                      "rates, recorded state traces and the run summary.\n";
      return 0;
    } else if (!a.empty() && a[0] == '-')
      return fail("unknown option '" + a + "' (snnc plot --help)");
    else if (dir.empty())
      dir = a;
    else
      return fail("one output directory, got '" + dir + "' and '" + a + "'");
  }
  if (dir.empty())
    return fail("which output directory? (snnc plot OUTDIR)");
  std::string summaryPath = dir + "/summary.json";
  llvm::json::Value summary(nullptr);
  std::string error;
  if (!readJson(summaryPath, summary, error))
    return fail(error + " (is '" + dir + "' a simulator's output directory?)");
  const llvm::json::Object *root = summary.getAsObject();
  if (!root)
    return fail(summaryPath + ": not a JSON object");
  double duration = root->getNumber("duration_ms").value_or(0.0);
  std::vector<std::string> files;
  if (const llvm::json::Array *list = root->getArray("files"))
    for (const llvm::json::Value &f : *list)
      if (auto s = f.getAsString())
        files.push_back(s->str());
  auto has = [&](const std::string &name) {
    return std::find(files.begin(), files.end(), name) != files.end();
  };
  std::vector<Spikes> spikes;
  std::vector<State> states;
  std::vector<std::string> notes;
  std::map<std::string, int64_t> sizes;
  if (const llvm::json::Object *pops = root->getObject("populations"))
    for (const auto &[name, value] : *pops) {
      const llvm::json::Object *p = value.getAsObject();
      int64_t size = p ? p->getInteger("size").value_or(0) : 0;
      sizes[name.str()] = size;
      std::string n = name.str();
      Spikes s{n, size, {}, {}};
      snnrt::Table t;
      if (has(n + "_spikes_t.npy") && has(n + "_spikes_i.npy")) {
        snnrt::Table ti;
        if (!snnrt::readTable(dir + "/" + n + "_spikes_t.npy", t, error) ||
            !snnrt::readTable(dir + "/" + n + "_spikes_i.npy", ti, error))
          return fail(error);
        s.t = t.data.empty() ? std::vector<double>() : t.data[0];
        s.i = ti.data.empty() ? std::vector<double>() : ti.data[0];
      } else if (has(n + "_spikes.csv")) {
        if (!snnrt::readTable(dir + "/" + n + "_spikes.csv", t, error))
          return fail(error);
        int ct = t.findColumn("t_ms"), ci = t.findColumn("neuron");
        if (ct < 0 || ci < 0)
          return fail(dir + "/" + n + "_spikes.csv: no t_ms and neuron columns");
        s.t = t.data[size_t(ct)];
        s.i = t.data[size_t(ci)];
      } else {
        continue;
      }
      if (s.t.size() != s.i.size())
        return fail("the spike files of '" + n + "' differ in length");
      spikes.push_back(std::move(s));
    }
  // State recordings: P_V.npy with P_V_t.npy, or P_V.csv (t_ms, n<i>...).
  for (const std::string &f : files) {
    llvm::StringRef name(f);
    if (name.ends_with("_spikes_t.npy") || name.ends_with("_spikes_i.npy") ||
        name.ends_with("_spikes.csv") || name == "summary.json" ||
        name.contains("_synapses_") || name.ends_with("_t.npy") ||
        name.ends_with("_pre.npy") || name.ends_with("_post.npy") ||
        name.ends_with("_weights.npy") || name.ends_with("_weights.csv"))
      continue;
    State st;
    snnrt::Table t;
    if (name.ends_with(".npy")) {
      std::string stem = name.drop_back(4).str();
      if (!has(stem + "_t.npy"))
        continue;
      snnrt::Table tt;
      if (!snnrt::readTable(dir + "/" + f, t, error) ||
          !snnrt::readTable(dir + "/" + stem + "_t.npy", tt, error))
        return fail(error);
      st.name = stem;
      st.t = tt.data.empty() ? std::vector<double>() : tt.data[0];
      for (size_t c = 0; c < t.data.size(); ++c) {
        st.labels.push_back(t.columns[c]);
        st.traces.push_back(t.data[c]);
      }
    } else if (name.ends_with(".csv")) {
      if (!snnrt::readTable(dir + "/" + f, t, error))
        return fail(error);
      int ct = t.findColumn("t_ms");
      if (ct < 0)
        continue;
      st.name = name.drop_back(4).str();
      st.t = t.data[size_t(ct)];
      for (size_t c = 0; c < t.data.size(); ++c)
        if (int(c) != ct) {
          st.labels.push_back(t.columns[c]);
          st.traces.push_back(t.data[c]);
        }
    } else {
      continue;
    }
    bool consistent = true;
    for (const auto &trace : st.traces)
      consistent &= trace.size() == st.t.size();
    if (!consistent)
      return fail("the samples and times of '" + st.name + "' differ in length");
    states.push_back(std::move(st));
  }

  bool asSvg = llvm::StringRef(output).ends_with(".svg");
  std::string svg = figures(spikes, states, duration, maxMarks, notes, asSvg);
  // Beside the directory, not in it: a run replaces its output directory
  // as a whole and refuses one that holds files of anything else.
  if (output.empty()) {
    std::string base = dir;
    while (base.size() > 1 && base.back() == '/')
      base.pop_back();
    output = base + ".html";
  }
  std::string text;
  if (asSvg) {
    text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg;
  } else {
    std::ostringstream h;
    std::string model = root->getString("model").value_or("").str();
    h << "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
         "lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>snnc run: "
      << escape(model)
      << "</title>\n<style>body{font:14px sans-serif;margin:20px}"
         "table{border-collapse:collapse;margin:8px 0}"
         "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
         "th{background:#f3f3f3}.note{color:#8a4b00}</style>\n</head>\n"
         "<body>\n<h1>Run of "
      << escape(model) << "</h1>\n";
    h << "<table class=\"summary\">\n";
    auto row = [&](const std::string &k, const std::string &v) {
      h << "<tr><th>" << escape(k) << "</th><td>" << escape(v)
        << "</td></tr>\n";
    };
    row("dt (ms)", num(root->getNumber("dt").value_or(0)));
    row("steps", num(double(root->getInteger("steps").value_or(0))));
    row("duration (ms)", num(duration));
    row("seed", num(double(root->getInteger("seed").value_or(0))));
    row("precision", root->getString("precision").value_or("").str());
    row("interrupted", root->getBoolean("interrupted").value_or(false)
                           ? "yes"
                           : "no");
    row("synapses", num(double(root->getInteger("synapses_total").value_or(0))));
    row("build (s)", num(root->getNumber("build_seconds").value_or(0)));
    row("simulation (s)", num(root->getNumber("simulation_seconds").value_or(0)));
    row("real-time factor", num(root->getNumber("real_time_factor").value_or(0)));
    h << "</table>\n<table class=\"populations\">\n<tr><th>population</th>"
         "<th>kind</th><th>size</th><th>spikes</th><th>rate (Hz)</th></tr>\n";
    if (const llvm::json::Object *pops = root->getObject("populations"))
      for (const auto &[name, value] : *pops)
        if (const llvm::json::Object *p = value.getAsObject())
          h << "<tr><td>" << escape(name.str()) << "</td><td>"
            << escape(p->getString("kind").value_or("").str()) << "</td><td>"
            << p->getInteger("size").value_or(0) << "</td><td>"
            << p->getInteger("spikes").value_or(0) << "</td><td>"
            << num(p->getNumber("rate_hz").value_or(0)) << "</td></tr>\n";
    h << "</table>\n";
    for (const std::string &n : notes)
      h << "<p class=\"note\">" << escape(n) << "</p>\n";
    h << svg << "</body>\n</html>\n";
    text = h.str();
  }
  // As snnc writes its outputs: atomically, and never over one of the run's
  // files (OutputFile.h).
  std::vector<InputFile> inputs{{summaryPath, "the run's summary", ""}};
  for (const std::string &f : files)
    inputs.push_back({dir + "/" + f, "a file of the run", ""});
  OutputFile out;
  if (!out.open(output, /*executable=*/false, inputs, error) ||
      !out.write(text, error))
    return fail(error);
  llvm::outs() << "wrote " << output << " (" << text.size() << " bytes";
  for (const std::string &n : notes)
    llvm::outs() << "; " << n;
  llvm::outs() << ")\n";
  return 0;
}

} // namespace snn::driver
