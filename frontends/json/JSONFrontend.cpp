//===- JSONFrontend.cpp - JSON model files to the AST ---------------------===//
//
// Two stages. This file turns the JSON value tree (JSONReader.h) into an
// ast::Model: it knows the format's keys and JSON types, converts quantities
// with units (checking the dimension a field needs), parses expressions and
// resolves built-in neuron models. Each problem is reported at the value it
// concerns, and conversion goes on to find more. When it succeeds the model
// goes to the shared semantic checker (snn/AST/Check.h), then its data files
// are read (DataFiles.h).
//
//===----------------------------------------------------------------------===//

#include "snn/Frontend/JSONFrontend.h"

#include "DataFiles.h"
#include "snn/AST/Check.h"
#include "snn/AST/ExprParser.h"
#include "snn/AST/Units.h"
#include "snn/Frontend/BuiltinModels.h"
#include "snn/Frontend/JSONReader.h"
#include "snn/DSL/DSL.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

namespace snn::frontend {

using namespace snn::ast;
using json::Member;
using json::Value;
namespace fs = std::filesystem;

void printDiagnostics(const std::vector<Diagnostic> &diags, std::ostream &os,
                      size_t maxErrors) {
  size_t errors = 0, hidden = 0;
  for (const Diagnostic &d : diags) {
    if (d.severity == Severity::Error && ++errors > maxErrors) {
      ++hidden;
      continue;
    }
    os << (d.loc.file.empty() ? std::string("<input>") : d.loc.file);
    if (d.loc.line) {
      os << ':' << d.loc.line;
      if (d.loc.col)
        os << ':' << d.loc.col;
    }
    os << (d.severity == Severity::Warning ? ": warning: " : ": error: ")
       << d.message;
    // The JSON pointer helps in a JSON file; a .snn file's diagnostics
    // quote the line instead (snnc prints it).
    if (!d.loc.path.empty() && !dsl::isDSLPath(d.loc.file))
      os << " [at " << d.loc.path << "]";
    os << '\n';
  }
  if (hidden > 0) {
    const std::string &file = diags.front().loc.file;
    os << (file.empty() ? std::string("<input>") : file) << ": note: "
       << hidden << " more error" << (hidden == 1 ? "" : "s")
       << " not shown (only the first " << maxErrors << " are)\n";
  }
}

namespace {

/// Options of a field that holds a per-neuron or per-synapse value.
struct SpecOptions {
  std::optional<Dim> dim; // the dimension the field needs, if fixed
  int extraExp10 = 0;     // 3 for rates stored in Hz
  const char *fromListColumn = nullptr; // weight/delay: "from_list" default
};

class Converter {
public:
  Converter(std::string file, std::string dir, std::vector<Diagnostic> &diags)
      : file(std::move(file)), dir(std::move(dir)), diags(diags) {}

  unsigned errors = 0;

  std::optional<Model> model(const Value &root, const std::string &absFile,
                             const std::string &stem);
  void neuronModel(const std::string &name, const Value &v, NeuronModel &out);

private:
  std::string file; // as shown in diagnostics
  std::string dir;  // relative data files resolve against it
  std::vector<Diagnostic> &diags;

  //===--------------------------------------------------------------------===//
  // Diagnostics
  //===--------------------------------------------------------------------===//

  /// The file a value comes from: the model file, or a library it imports.
  const std::string &fileOf(const Value &v) const {
    return v.file ? *v.file : file;
  }
  Loc loc(const Value &v) const {
    return Loc{fileOf(v), v.line, v.col, v.path};
  }
  Loc keyLoc(const Member &m) const {
    return Loc{fileOf(m.value), m.line, m.col, m.value.path};
  }
  void error(const Loc &l, std::string message) {
    diags.push_back(Diagnostic{l, std::move(message), Severity::Error});
    ++errors;
  }
  void error(const Value &v, std::string message) {
    error(loc(v), std::move(message));
  }
  LocMapper mapper(const Value &s, size_t base = 0) const {
    return [this, &s, base](size_t offset) {
      return Loc{fileOf(s), s.line, s.colOfChar(base + offset), s.path};
    };
  }

  //===--------------------------------------------------------------------===//
  // Shapes
  //===--------------------------------------------------------------------===//

  /// Reports members of `obj` not in `allowed`.
  void checkKeys(const Value &obj, const std::vector<std::string> &allowed,
                 const std::string &where) {
    for (const Member &m : obj.members)
      if (std::find(allowed.begin(), allowed.end(), m.key) == allowed.end())
        error(keyLoc(m), "unknown key '" + m.key + "' in " + where +
                             didYouMean(m.key, allowed));
  }

  const Value *required(const Value &obj, const char *key,
                        const std::string &where) {
    const Value *v = obj.find(key);
    if (!v)
      error(obj, "missing required key '" + std::string(key) + "' in " + where);
    return v;
  }

  bool expectObject(const Value &v, const std::string &what) {
    if (v.isObject())
      return true;
    error(v, what + " must be an object, got " + v.kindName());
    return false;
  }

  std::optional<std::string> string(const Value &v, const std::string &what) {
    if (v.isString())
      return v.text;
    error(v, what + " must be a string, got " + v.kindName());
    return std::nullopt;
  }

  /// A name referring to something else in the model.
  std::optional<std::string> name(const Value &v, const std::string &what) {
    auto s = string(v, what);
    if (s && s->empty()) {
      error(v, what + " is empty");
      return std::nullopt;
    }
    return s;
  }

  /// The name at key `key` of object `v` (required), as `what` of
  /// `where`: into `out`, its location into `at`.
  void requiredName(const Value &v, const char *key, const std::string &where,
                    const std::string &what, Loc &at, std::string &out) {
    if (const Value *x = required(v, key, where)) {
      at = loc(*x);
      if (auto s = name(*x, what + " of " + where))
        out = *s;
    }
  }

  std::optional<bool> boolean(const Value &v, const std::string &what) {
    if (v.isBool())
      return v.boolean;
    error(v, what + " must be true or false, got " + v.kindName());
    return std::nullopt;
  }

  std::optional<int64_t> integer(const Value &v, const std::string &what) {
    if (!v.isNumber()) {
      error(v, what + " must be an integer, got " + v.kindName() +
                   (v.isString() && !dsl::isDSLPath(fileOf(v))
                        ? " (write numbers without quotes)"
                        : ""));
      return std::nullopt;
    }
    if (v.text.find_first_of(".eE") == std::string::npos) {
      errno = 0;
      long long x = std::strtoll(v.text.c_str(), nullptr, 10);
      if (errno == ERANGE) {
        error(v, what + " " + v.text + " is too large");
        return std::nullopt;
      }
      return int64_t(x);
    }
    double x = v.number;
    if (x != std::floor(x)) {
      error(v, what + " must be an integer, got " + v.text);
      return std::nullopt;
    }
    if (std::fabs(x) >= 9.2e18) {
      error(v, what + " " + v.text + " is too large");
      return std::nullopt;
    }
    return int64_t(x);
  }

  /// A list of strings; a single string is a list of one.
  std::vector<std::pair<std::string, const Value *>>
  stringList(const Value &v, const std::string &what) {
    std::vector<std::pair<std::string, const Value *>> out;
    if (v.isString()) {
      out.emplace_back(v.text, &v);
      return out;
    }
    if (!v.isArray()) {
      error(v, what + " must be an array of strings, got " + v.kindName());
      return out;
    }
    for (const Value &item : v.items)
      if (auto s = string(item, "each entry of " + what))
        out.emplace_back(*s, &item);
    return out;
  }

  /// A data file's path: relative to the directory of the file that names
  /// it (the model, or a library it imports).
  std::string resolvePath(const std::string &p, const Value &at) const {
    fs::path path(p);
    if (path.is_relative()) {
      fs::path base = fs::path(dir);
      if (at.file) {
        std::error_code ec;
        fs::path lib = fs::absolute(fs::path(*at.file), ec);
        base = (ec ? fs::path(*at.file) : lib).parent_path();
      }
      path = base / path;
    }
    return path.lexically_normal().string();
  }

  //===--------------------------------------------------------------------===//
  // Quantities and values
  //===--------------------------------------------------------------------===//

  struct Q {
    double value = 0;
    std::optional<Dim> dim; // set when written with a unit
  };

  std::optional<Q> quantity(const Value &v, const std::string &what,
                            std::optional<Dim> need = std::nullopt,
                            int extraExp10 = 0) {
    if (v.isNumber())
      return Q{v.number, std::nullopt};
    if (!v.isString()) {
      error(v, what +
                   " must be a number or a quantity string such as "
                   "\"20 ms\", got " +
                   v.kindName());
      return std::nullopt;
    }
    units::Quantity q;
    std::string message;
    size_t offset = 0;
    if (!units::parseQuantity(v.text, q, message, offset, extraExp10)) {
      error(Loc{fileOf(v), v.line, v.colOfChar(offset), v.path},
            "invalid quantity \"" + v.text + "\" for " + what + ": " + message);
      return std::nullopt;
    }
    if (!q.hasUnit)
      return Q{q.value, std::nullopt};
    if (need && q.dim != *need) {
      // Rates are read in Hz (extraExp10 3), other values in base units.
      std::string bare = *need == units::Frequency && extraExp10 == 3
                             ? std::string("Hz")
                             : units::baseUnit(*need);
      error(v, what + " must be " + units::describe(*need) + " (in " + bare +
                   " or with a unit such as " +
                   example(*need) + "), got " + units::describe(q.dim) +
                   " (\"" + v.text + "\")");
      return std::nullopt;
    }
    return Q{q.value, q.dim};
  }

  static std::string example(Dim d) {
    if (d == units::Time)
      return "\"1 s\"";
    if (d == units::Frequency)
      return "\"10 Hz\"";
    if (d == units::Current)
      return "\"0.5 nA\"";
    if (d == units::Voltage)
      return "\"-60 mV\"";
    return "\"1 " + units::baseUnit(d) + "\"";
  }

  /// Two numbers of one distribution: the same unit (or none) for both.
  bool pair(const Value &arr, const std::string &what, const char *form,
            const SpecOptions &opt, ValueSpec &out) {
    if (!arr.isArray() || arr.items.size() != 2) {
      error(arr, what + ": " + form + " takes an array of two values");
      return false;
    }
    auto a = quantity(arr.items[0], what, opt.dim, opt.extraExp10);
    auto b = quantity(arr.items[1], what, opt.dim, opt.extraExp10);
    if (!a || !b)
      return false;
    if (a->dim && b->dim && *a->dim != *b->dim) {
      error(arr.items[1], what + ": the two values of " + form +
                              " have different units (" +
                              units::describe(*a->dim) + " and " +
                              units::describe(*b->dim) + ")");
      return false;
    }
    out.a = a->value;
    out.b = b->value;
    out.dim = a->dim ? a->dim : b->dim;
    return true;
  }

  /// "clip": [low, high] of a normal distribution; null leaves a side open.
  bool clipBounds(const Value &arr, const std::string &what,
                  const SpecOptions &opt, ValueSpec &out) {
    out.clipLoc = loc(arr);
    if (!arr.isArray() || arr.items.size() != 2) {
      error(arr, what + ": \"clip\" takes an array of two values [low, "
                        "high] (null for no bound)");
      return false;
    }
    std::optional<Dim> dim = out.dim;
    for (int side = 0; side < 2; ++side) {
      const Value &item = arr.items[size_t(side)];
      if (item.kind == Value::Kind::Null)
        continue;
      auto q = quantity(item, what, opt.dim, opt.extraExp10);
      if (!q)
        return false;
      if (q->dim && dim && *q->dim != *dim) {
        error(item, what + ": the clip bound is " + units::describe(*q->dim) +
                        ", but the distribution is " + units::describe(*dim));
        return false;
      }
      (side == 0 ? out.clipLow : out.clipHigh) = q->value;
    }
    if (!out.clipLow && !out.clipHigh) {
      error(arr, what + ": \"clip\" needs at least one bound");
      return false;
    }
    return true;
  }

  std::optional<ValueSpec> valueSpec(const Value &v, const std::string &what,
                                     const SpecOptions &opt) {
    ValueSpec spec;
    spec.loc = loc(v);
    if (v.isString() && v.text == "from_list") {
      spec.kind = ValueSpec::Kind::FromList;
      spec.column = opt.fromListColumn ? opt.fromListColumn : "";
      return spec;
    }
    if (v.isNumber() || v.isString()) {
      auto q = quantity(v, what, opt.dim, opt.extraExp10);
      if (!q)
        return std::nullopt;
      spec.kind = ValueSpec::Kind::Constant;
      spec.a = q->value;
      spec.dim = q->dim;
      return spec;
    }
    if (!v.isObject()) {
      error(v, what +
                   " must be a number, a quantity string, or an object "
                   "such as {\"uniform\": [low, high]}, got " +
                   v.kindName());
      return std::nullopt;
    }
    static const std::vector<std::string> forms = {
        "uniform", "normal", "clip",  "file",
        "column",  "from_list", "unit", "index"};
    checkKeys(v, forms, what);
    const Value *uniform = v.find("uniform"), *normal = v.find("normal"),
                *fileV = v.find("file"), *fromList = v.find("from_list");
    int count = !!uniform + !!normal + !!fileV + !!fromList;
    if (count != 1) {
      error(v, what + " needs exactly one of \"uniform\", \"normal\", "
                      "\"file\" or \"from_list\"");
      return std::nullopt;
    }
    const Value *column = v.find("column");
    if (column && !fileV) {
      error(*column, what + ": \"column\" goes with \"file\"");
      return std::nullopt;
    }
    if (const Value *unit = v.find("unit")) {
      if (!fileV && !fromList) {
        error(*unit, what + ": \"unit\" is the unit of a \"file\" or "
                            "\"from_list\" column (a distribution's bounds "
                            "carry their own: \"uniform\": [\"1 mV\", \"2 mV\"])");
        return std::nullopt;
      }
      auto u = string(*unit, "the unit of " + what);
      if (!u)
        return std::nullopt;
      units::Unit parsed;
      std::string message;
      if (!units::parseUnit(*u, parsed, message)) {
        error(*unit, "invalid unit \"" + *u + "\" for " + what + ": " +
                         message);
        return std::nullopt;
      }
      if (opt.dim && parsed.dim != *opt.dim) {
        error(*unit, what + " must be " + units::describe(*opt.dim) +
                         ", but its column's unit \"" + *u + "\" is " +
                         units::describe(parsed.dim));
        return std::nullopt;
      }
      double scale = 0;
      // Rates are stored in Hz (extraExp10 3), other values in base units.
      if (!units::decimalToDouble("1", parsed.exp10 + opt.extraExp10,
                                  scale)) {
        error(*unit, "the unit \"" + *u + "\" of " + what + " is out of range");
        return std::nullopt;
      }
      spec.unit = *u;
      spec.scale = scale;
      spec.dim = parsed.dim;
      spec.unitLoc = loc(*unit);
    }
    if (const Value *index = v.find("index")) {
      if (!fileV) {
        error(*index, what + ": \"index\" names the column of a \"file\" "
                             "that gives each row's neuron");
        return std::nullopt;
      }
      auto ix = string(*index, "the index column of " + what);
      if (!ix)
        return std::nullopt;
      if (ix->empty()) {
        error(*index, "the index column of " + what + " has no name");
        return std::nullopt;
      }
      spec.index = *ix;
      spec.indexLoc = loc(*index);
    }
    const Value *clip = v.find("clip");
    if (clip && !normal) {
      error(*clip, what + ": \"clip\" bounds a \"normal\" distribution (a "
                          "uniform one is bounded by its range)");
      return std::nullopt;
    }
    if (uniform) {
      spec.kind = ValueSpec::Kind::Uniform;
      if (!pair(*uniform, what, "\"uniform\"", opt, spec))
        return std::nullopt;
      return spec;
    }
    if (normal) {
      spec.kind = ValueSpec::Kind::Normal;
      if (!pair(*normal, what, "\"normal\"", opt, spec))
        return std::nullopt;
      if (clip && !clipBounds(*clip, what, opt, spec))
        return std::nullopt;
      return spec;
    }
    if (fromList) {
      spec.kind = ValueSpec::Kind::FromList;
      auto col = name(*fromList, "the \"from_list\" column of " + what);
      if (!col)
        return std::nullopt;
      spec.column = *col;
      return spec;
    }
    spec.kind = ValueSpec::Kind::File;
    auto path = name(*fileV, "the file of " + what);
    if (!path)
      return std::nullopt;
    spec.file = resolvePath(*path, *fileV);
    spec.loc = loc(*fileV);
    if (column) {
      if (column->isNumber()) {
        auto c = integer(*column, "the column of " + what);
        if (!c)
          return std::nullopt;
        if (*c < 0) {
          error(*column, "the column of " + what + " must be >= 0");
          return std::nullopt;
        }
        spec.column = std::to_string(*c);
      } else {
        auto c = string(*column, "the column of " + what);
        if (!c)
          return std::nullopt;
        spec.column = *c;
      }
    }
    return spec;
  }

  //===--------------------------------------------------------------------===//
  // Sections
  //===--------------------------------------------------------------------===//

  void simulation(const Value &v, Simulation &out);
  void population(const Member &m, Population &out);
  void source(const Member &m, Source &out);
  void current(const Member &m, CurrentInput &out);
  void poissonInput(const Member &m, PoissonInput &out);
  void projection(const Member &m, Projection &out);
  void connectivity(const Value &v, const std::string &what, Connectivity &out);
  void record(const Value &v, Recording &out);
  void equations(const Value &v, NeuronModel &out);
  void resets(const Value &v, NeuronModel &out);
  void synapseModel(const Member &m, SynapseModel &out);
  /// A link's "<population>.<variable>", split; an error otherwise.
  std::optional<std::pair<std::string, std::string>>
  linkTarget(const Member &l, const std::string &where);
  /// "periodic": [{"every": "100 ms", "statements": [...]}, ...].
  void periodic(const Value &v, const std::string &where,
                std::vector<Periodic> &out);
  /// Statements of `key` ("on_pre", "on_post").
  void statements(const Value &v, const char *key,
                  std::vector<Assignment> &out);

  /// Members of a section object ("populations": {...}).
  const std::vector<Member> *section(const Value &root, const char *key) {
    const Value *v = root.find(key);
    if (!v)
      return nullptr;
    if (!expectObject(*v, "\"" + std::string(key) + "\""))
      return nullptr;
    return &v->members;
  }
};

//===----------------------------------------------------------------------===//
// Neuron models
//===----------------------------------------------------------------------===//

void Converter::equations(const Value &v, NeuronModel &out) {
  for (auto &[text, str] : stringList(v, "\"equations\"")) {
    for (auto &[offset, stmt] : splitStatements(text)) {
      Equation eq;
      ExprParseError err;
      if (!parseEquation(stmt, mapper(*str, offset), eq, err)) {
        error(mapper(*str, offset)(err.offset), err.message + " in equation");
        continue;
      }
      out.equations.push_back(std::move(eq));
    }
  }
}

void Converter::resets(const Value &v, NeuronModel &out) {
  for (auto &[text, str] : stringList(v, "\"reset\"")) {
    for (auto &[offset, stmt] : splitStatements(text)) {
      Assignment a;
      ExprParseError err;
      if (!parseAssignment(stmt, mapper(*str, offset), a, err)) {
        error(mapper(*str, offset)(err.offset), err.message + " in reset");
        continue;
      }
      out.reset.push_back(std::move(a));
    }
  }
}

void Converter::neuronModel(const std::string &modelName, const Value &v,
                            NeuronModel &out) {
  out.name = modelName;
  const std::string where = "neuron model '" + modelName + "'";
  if (!expectObject(v, where))
    return;
  checkKeys(v,
            {"description", "parameters", "variables", "inputs", "links",
             "equations", "threshold", "reset", "refractory",
             "refractory_clamp", "method"},
            where);
  if (const Value *links = v.find("links"))
    for (auto &[n, item] : stringList(*links, "\"links\"")) {
      out.links.push_back(n);
      out.linkLocs.push_back(loc(*item));
    }
  if (const Value *d = v.find("description"))
    string(*d, "the description of " + where);
  if (const Value *params = v.find("parameters")) {
    if (expectObject(*params, "the parameters of " + where))
      for (const Member &m : params->members)
        if (auto q = quantity(m.value, "parameter '" + m.key + "'"))
          out.params.push_back(Param{m.key, q->value, keyLoc(m), q->dim});
  }
  if (const Value *vars = required(v, "variables", where)) {
    if (expectObject(*vars, "the variables of " + where)) {
      if (vars->members.empty())
        error(*vars, where + " declares no variables");
      for (const Member &m : vars->members)
        if (auto q = quantity(m.value, "the initial value of '" + m.key + "'"))
          out.variables.push_back(Variable{m.key, q->value, keyLoc(m), q->dim});
    }
  }
  if (const Value *inputs = v.find("inputs"))
    for (auto &[n, item] : stringList(*inputs, "\"inputs\"")) {
      out.inputs.push_back(n);
      out.inputLocs.push_back(loc(*item));
    }
  if (const Value *eqs = v.find("equations"))
    equations(*eqs, out);
  if (const Value *th = v.find("threshold")) {
    if (!th->isNull())
      if (auto text = string(*th, "the threshold")) {
        ExprParseError err;
        out.threshold = parseExpression(*text, mapper(*th), err);
        if (!out.threshold)
          error(mapper(*th)(err.offset), err.message + " in threshold");
      }
  }
  if (const Value *r = v.find("reset"))
    resets(*r, out);
  if (const Value *r = v.find("refractory")) {
    out.refractoryLoc = loc(*r);
    if (auto q = quantity(*r, "the refractory period", units::Time))
      out.refractory = q->value;
  }
  if (const Value *c = v.find("refractory_clamp"))
    for (auto &[n, item] : stringList(*c, "\"refractory_clamp\"")) {
      out.refractoryClamped.push_back(n);
      out.refractoryClampedLocs.push_back(loc(*item));
    }
  if (const Value *m = v.find("method")) {
    if (auto s = string(*m, "the method of " + where)) {
      if (auto method = parseMethod(*s))
        out.method = *method;
      else
        error(*m, "unknown integration method '" + *s +
                      "' (expected exact, euler, rk2, rk4, "
                      "exponential_euler, or exact+<one of those four> for "
                      "the linear part exactly and the rest by it)" +
                      didYouMean(*s, methodNames()));
    }
  }
}

//===----------------------------------------------------------------------===//
// Synapse models
//===----------------------------------------------------------------------===//

void Converter::statements(const Value &v, const char *key,
                           std::vector<Assignment> &out) {
  std::string what = std::string("\"") + key + "\"";
  for (auto &[text, str] : stringList(v, what)) {
    for (auto &[offset, stmt] : splitStatements(text)) {
      Assignment a;
      ExprParseError err;
      if (!parseAssignment(stmt, mapper(*str, offset), a, err)) {
        error(mapper(*str, offset)(err.offset), err.message + " in " + key);
        continue;
      }
      out.push_back(std::move(a));
    }
  }
}

void Converter::periodic(const Value &v, const std::string &where,
                         std::vector<Periodic> &out) {
  const std::string what = "the periodic statements of " + where;
  if (!v.isArray()) {
    error(v, what + " must be an array of {\"every\", \"statements\"}, "
                    "got " + v.kindName());
    return;
  }
  for (const Value &item : v.items) {
    if (!expectObject(item, what))
      continue;
    checkKeys(item, {"every", "statements"}, what);
    Periodic p;
    p.loc = loc(item);
    if (const Value *e = required(item, "every", what)) {
      p.everyLoc = loc(*e);
      if (auto q = quantity(*e, "the period of " + where, units::Time))
        p.every = q->value;
    }
    if (const Value *s = required(item, "statements", what))
      statements(*s, "periodic statements", p.statements);
    out.push_back(std::move(p));
  }
}

void Converter::synapseModel(const Member &m, SynapseModel &out) {
  out.name = m.key;
  out.loc = keyLoc(m);
  const std::string where = "synapse model '" + m.key + "'";
  const Value &v = m.value;
  if (!expectObject(v, where))
    return;
  checkKeys(v,
            {"description", "parameters", "variables", "weight", "equations",
             "method", "on_pre", "on_post", "links", "periodic"},
            where);
  if (const Value *method = v.find("method")) {
    out.methodLoc = loc(*method);
    if (auto s = string(*method, "the method of " + where)) {
      if (*s == "exact" || *s == "euler")
        out.method = *s;
      else
        error(*method, "the method of " + where +
                           " (for its clock-driven equations) must be "
                           "\"exact\" or \"euler\", got \"" + *s + "\"");
    }
  }
  if (const Value *p = v.find("periodic"))
    periodic(*p, where, out.periodic);
  if (const Value *links = v.find("links"))
    for (auto &[n, item] : stringList(*links, "\"links\"")) {
      out.links.push_back(n);
      out.linkLocs.push_back(loc(*item));
    }
  if (const Value *d = v.find("description"))
    string(*d, "the description of " + where);
  if (const Value *params = v.find("parameters")) {
    if (expectObject(*params, "the parameters of " + where))
      for (const Member &p : params->members)
        if (auto q = quantity(p.value, "parameter '" + p.key + "'"))
          out.params.push_back(Param{p.key, q->value, keyLoc(p), q->dim});
  }
  if (const Value *vars = required(v, "variables", where)) {
    if (expectObject(*vars, "the variables of " + where)) {
      if (vars->members.empty())
        error(*vars, where + " declares no variables (it needs its weight)");
      for (const Member &p : vars->members)
        if (auto q = quantity(p.value, "the initial value of '" + p.key + "'"))
          out.variables.push_back(Variable{p.key, q->value, keyLoc(p), q->dim});
    }
  }
  out.weightLoc = out.loc;
  if (const Value *w = v.find("weight")) {
    out.weightLoc = loc(*w);
    if (auto s = string(*w, "the weight of " + where))
      out.weight = *s;
  }
  if (const Value *eqs = v.find("equations")) {
    for (auto &[text, str] : stringList(*eqs, "\"equations\"")) {
      for (auto &[offset, stmt] : splitStatements(text)) {
        // A marker after the right-hand side: `(event-driven)` or
        // `(clock-driven)`, as Brian2 writes it.
        std::string body(stmt);
        Equation eq;
        size_t end = body.find_last_not_of(" \t");
        if (end != std::string::npos && body[end] == ')') {
          size_t open = body.rfind('(', end);
          std::string marker =
              open == std::string::npos ? "" : body.substr(open + 1, end - open - 1);
          marker.erase(0, marker.find_first_not_of(" \t"));
          marker.erase(marker.find_last_not_of(" \t") + 1);
          if (marker == "event-driven" || marker == "clock-driven") {
            eq.driven = marker == "event-driven" ? Equation::Driven::Event
                                                 : Equation::Driven::Clock;
            eq.drivenLoc = mapper(*str, offset)(open);
            body.resize(open);
          }
        }
        ExprParseError err;
        if (!parseEquation(body, mapper(*str, offset), eq, err)) {
          error(mapper(*str, offset)(err.offset), err.message + " in equation");
          continue;
        }
        out.equations.push_back(std::move(eq));
      }
    }
  }
  if (const Value *s = required(v, "on_pre", where))
    statements(*s, "on_pre", out.onPre);
  if (const Value *s = v.find("on_post"))
    statements(*s, "on_post", out.onPost);
}

//===----------------------------------------------------------------------===//
// Simulation
//===----------------------------------------------------------------------===//

void Converter::simulation(const Value &v, Simulation &out) {
  out.loc = loc(v);
  if (!expectObject(v, "\"simulation\""))
    return;
  checkKeys(v, {"dt", "duration", "seed", "precision"}, "\"simulation\"");
  if (const Value *dt = required(v, "dt", "\"simulation\"")) {
    out.dtLoc = loc(*dt);
    if (auto q = quantity(*dt, "dt", units::Time))
      out.dt = q->value;
  }
  if (const Value *d = required(v, "duration", "\"simulation\"")) {
    out.durationLoc = loc(*d);
    if (auto q = quantity(*d, "duration", units::Time))
      out.duration = q->value;
  }
  if (const Value *s = v.find("seed")) {
    bool digits = s->isNumber() &&
                  s->text.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) {
      error(*s, "seed must be a non-negative integer, got " +
                    (s->isNumber() ? s->text : std::string(s->kindName())));
    } else {
      errno = 0;
      unsigned long long x = std::strtoull(s->text.c_str(), nullptr, 10);
      if (errno == ERANGE)
        error(*s, "seed " + s->text + " is too large (at most 2^64 - 1)");
      else
        out.seed = x;
    }
  }
  if (const Value *p = v.find("precision")) {
    if (auto s = string(*p, "precision")) {
      if (*s == "f32")
        out.precision = Precision::F32;
      else if (*s == "f64")
        out.precision = Precision::F64;
      else
        error(*p, "precision must be \"f32\" or \"f64\", got \"" + *s + "\"");
    }
  }
}

//===----------------------------------------------------------------------===//
// Populations, sources, currents
//===----------------------------------------------------------------------===//

std::optional<std::pair<std::string, std::string>>
Converter::linkTarget(const Member &l, const std::string &where) {
  auto text = string(l.value, "link '" + l.key + "'");
  if (!text)
    return std::nullopt;
  size_t dot = text->rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text->size()) {
    error(l.value, "link '" + l.key + "' of " + where +
                       " must be \"<population>.<variable>\", got \"" +
                       *text + "\"");
    return std::nullopt;
  }
  return std::make_pair(text->substr(0, dot), text->substr(dot + 1));
}

void Converter::population(const Member &m, Population &out) {
  out.name = m.key;
  out.loc = keyLoc(m);
  const std::string where = "population '" + m.key + "'";
  const Value &v = m.value;
  if (!expectObject(v, where))
    return;
  checkKeys(v, {"model", "size", "parameters", "initial", "periodic", "links"},
            where);
  if (const Value *p = v.find("periodic"))
    periodic(*p, where, out.periodic);
  // "links": {"M": "dopamine.level"}: the model's link M reads variable
  // `level` of population `dopamine`.
  if (const Value *links = v.find("links"))
    if (expectObject(*links, "the links of " + where))
      for (const Member &l : links->members)
        if (auto link = linkTarget(l, where))
          out.links[l.key] = {link->first, link->second, keyLoc(l)};
  requiredName(v, "model", where, "the model", out.modelLoc, out.model);
  if (const Value *size = required(v, "size", where)) {
    out.sizeLoc = loc(*size);
    if (auto n = integer(*size, "the size of " + where))
      out.size = *n;
  }
  if (const Value *params = v.find("parameters"))
    if (expectObject(*params, "the parameters of " + where))
      for (const Member &p : params->members)
        if (auto q = quantity(p.value, "parameter '" + p.key + "'")) {
          out.params[p.key] = q->value;
          out.paramLocs[p.key] = keyLoc(p);
          if (q->dim)
            out.paramDims[p.key] = *q->dim;
        }
  if (const Value *init = v.find("initial"))
    if (expectObject(*init, "the initial values of " + where))
      for (const Member &i : init->members)
        if (auto spec = valueSpec(
                i.value, "the initial value of '" + i.key + "' in " + where,
                SpecOptions{})) {
          out.initial[i.key] = *spec;
          out.initialLocs[i.key] = keyLoc(i);
        }
}

void Converter::source(const Member &m, Source &out) {
  out.name = m.key;
  out.loc = keyLoc(m);
  const std::string where = "source '" + m.key + "'";
  const Value &v = m.value;
  if (!expectObject(v, where))
    return;
  const Value *type = required(v, "type", where);
  std::optional<std::string> t =
      type ? string(*type, "the type of " + where) : std::nullopt;
  if (t && *t == "poisson") {
    out.kind = Source::Kind::Poisson;
    checkKeys(v, {"type", "size", "rate"}, "poisson " + where);
    if (const Value *rate = required(v, "rate", "poisson " + where))
      if (auto spec = valueSpec(*rate, "the rate of " + where,
                                SpecOptions{units::Frequency, 3, nullptr}))
        out.rate = *spec;
  } else if (t && *t == "spike_array") {
    out.kind = Source::Kind::SpikeArray;
    checkKeys(v, {"type", "size", "file"}, "spike_array " + where);
    if (const Value *f = required(v, "file", "spike_array " + where)) {
      out.fileLoc = loc(*f);
      if (auto s = name(*f, "the file of " + where))
        out.file = resolvePath(*s, *f);
    }
  } else if (t) {
    error(*type, "unknown source type '" + *t +
                     "' (expected \"poisson\" or \"spike_array\")" +
                     didYouMean(*t, {"poisson", "spike_array"}));
  }
  if (const Value *size = required(v, "size", where)) {
    out.sizeLoc = loc(*size);
    if (auto n = integer(*size, "the size of " + where))
      out.size = *n;
  }
}

void Converter::current(const Member &m, CurrentInput &out) {
  out.name = m.key;
  out.loc = keyLoc(m);
  const std::string where = "current '" + m.key + "'";
  const Value &v = m.value;
  if (!expectObject(v, where))
    return;
  const Value *type = required(v, "type", where);
  std::optional<std::string> t =
      type ? string(*type, "the type of " + where) : std::nullopt;
  const SpecOptions currentSpec{units::Current, 0, nullptr};
  if (t && *t == "constant") {
    out.kind = CurrentInput::Kind::Constant;
    checkKeys(v, {"type", "target", "variable", "amplitude", "start", "stop"},
              "constant " + where);
    if (const Value *a = required(v, "amplitude", "constant " + where))
      if (auto spec = valueSpec(*a, "the amplitude of " + where, currentSpec))
        out.amplitude = *spec;
  } else if (t && *t == "noise") {
    out.kind = CurrentInput::Kind::Noise;
    checkKeys(
        v, {"type", "target", "variable", "amplitude", "std", "start", "stop"},
        "noise " + where);
    out.amplitude.loc = loc(v);
    if (const Value *a = v.find("amplitude"))
      if (auto spec = valueSpec(*a, "the amplitude of " + where, currentSpec))
        out.amplitude = *spec;
    if (const Value *s = required(v, "std", "noise " + where)) {
      out.stddevLoc = loc(*s);
      if (auto q = quantity(*s, "the standard deviation of " + where,
                            units::Current))
        out.stddev = q->value;
    }
  } else if (t && *t == "timed_array") {
    out.kind = CurrentInput::Kind::TimedArray;
    const std::string what = "timed_array " + where;
    checkKeys(v,
              {"type", "target", "variable", "values", "dt", "start", "stop"},
              what);
    if (const Value *a = required(v, "values", what)) {
      if (auto spec = valueSpec(*a, "the values of " + where, currentSpec)) {
        if (spec->kind != ValueSpec::Kind::File)
          error(*a, "the values of " + where +
                        " are a table in a data file: {\"file\": "
                        "\"drive.csv\"} (rows in time, one column or one "
                        "per neuron)");
        else if (!spec->index.empty())
          error(spec->indexLoc, "the values of " + where +
                                    " have no index column: row k holds the "
                                    "amplitudes from t = k dt on");
        else
          out.amplitude = *spec;
      }
    }
    if (const Value *d = required(v, "dt", what)) {
      out.tableDtLoc = loc(*d);
      if (auto q = quantity(*d, "the dt of " + where, units::Time))
        out.tableDt = q->value;
    }
  } else if (t) {
    error(*type, "unknown current type '" + *t +
                     "' (expected \"constant\", \"noise\" or "
                     "\"timed_array\")" +
                     didYouMean(*t, {"constant", "noise", "timed_array"}));
  }
  requiredName(v, "target", where, "the target", out.targetLoc, out.target);
  requiredName(v, "variable", where, "the input variable", out.variableLoc,
               out.variable);
  if (const Value *s = v.find("start")) {
    out.startLoc = loc(*s);
    if (auto q = quantity(*s, "the start of " + where, units::Time))
      out.start = q->value;
  }
  if (const Value *s = v.find("stop")) {
    out.stopLoc = loc(*s);
    if (auto q = quantity(*s, "the stop of " + where, units::Time)) {
      if (q->value < 0)
        error(*s, "the stop of " + where +
                      " must be >= 0 (leave it out to run until the end)");
      else
        out.stop = q->value;
    }
  }
}

void Converter::poissonInput(const Member &m, PoissonInput &out) {
  out.name = m.key;
  out.loc = keyLoc(m);
  const std::string where = "poisson input '" + m.key + "'";
  const Value &v = m.value;
  if (!expectObject(v, where))
    return;
  checkKeys(v, {"target", "variable", "n", "rate", "weight"}, where);
  requiredName(v, "target", where, "the target", out.targetLoc, out.target);
  requiredName(v, "variable", where, "the variable", out.variableLoc,
               out.variable);
  if (const Value *n = required(v, "n", where)) {
    out.nLoc = loc(*n);
    if (auto k = integer(*n, "the number of inputs (n) of " + where))
      out.n = *k;
  }
  if (const Value *rate = required(v, "rate", where)) {
    out.rateLoc = loc(*rate);
    if (auto q = quantity(*rate, "the rate of " + where, units::Frequency, 3))
      out.rate = q->value;
  }
  if (const Value *w = required(v, "weight", where)) {
    out.weightLoc = loc(*w);
    if (auto q = quantity(*w, "the weight of " + where)) {
      out.weight = q->value;
      out.weightDim = q->dim;
    }
  }
}

//===----------------------------------------------------------------------===//
// Projections
//===----------------------------------------------------------------------===//

void Converter::connectivity(const Value &v, const std::string &owner,
                             Connectivity &out) {
  out.loc = loc(v);
  const std::string what = "the connectivity of " + owner;
  static const std::vector<std::string> types = {"all_to_all", "one_to_one",
                                                 "fixed_probability",
                                                 "fixed_indegree",
                                                 "fixed_total_number", "list"};
  const Value *type = &v;
  if (v.isObject()) {
    type = required(v, "type", what);
    if (!type)
      return;
  } else if (!v.isString()) {
    error(v, what +
                 " must be an object such as {\"type\": "
                 "\"fixed_probability\", \"p\": 0.1} or a type name, got " +
                 v.kindName());
    return;
  }
  auto t = string(*type, "the type of " + what);
  if (!t)
    return;
  const std::string typed = "the " + *t + " connectivity of " + owner;
  auto keys = [&](std::vector<std::string> allowed) {
    if (v.isObject())
      checkKeys(v, allowed, typed);
  };
  auto needObject = [&](const char *key) -> const Value * {
    if (!v.isObject()) {
      error(v, "connectivity \"" + *t + "\" needs \"" + key +
                   "\": write it as an object");
      return nullptr;
    }
    return required(v, key, typed);
  };
  auto allowSelf = [&] {
    if (v.isObject())
      if (const Value *a = v.find("allow_self"))
        if (auto b = boolean(*a, "\"allow_self\""))
          out.allowSelf = *b;
  };
  if (*t == "all_to_all") {
    out.kind = Connectivity::Kind::AllToAll;
    keys({"type", "allow_self"});
    allowSelf();
  } else if (*t == "one_to_one") {
    out.kind = Connectivity::Kind::OneToOne;
    keys({"type"});
  } else if (*t == "fixed_probability") {
    out.kind = Connectivity::Kind::FixedProbability;
    keys({"type", "p", "allow_self"});
    allowSelf();
    if (const Value *p = needObject("p")) {
      out.pLoc = loc(*p);
      if (!p->isNumber())
        error(*p, "the connection probability \"p\" must be a number, got " +
                      std::string(p->kindName()));
      else
        out.p = p->number;
    }
  } else if (*t == "fixed_indegree") {
    out.kind = Connectivity::Kind::FixedIndegree;
    keys({"type", "k", "allow_self"});
    allowSelf();
    if (const Value *k = needObject("k")) {
      out.indegreeLoc = loc(*k);
      if (auto n = integer(*k, "the indegree \"k\""))
        out.indegree = *n;
    }
  } else if (*t == "fixed_total_number") {
    out.kind = Connectivity::Kind::FixedTotalNumber;
    keys({"type", "n", "allow_self"});
    allowSelf();
    if (const Value *n = needObject("n")) {
      out.totalLoc = loc(*n);
      if (auto x = integer(*n, "the total number of synapses \"n\""))
        out.total = *x;
    }
  } else if (*t == "list") {
    out.kind = Connectivity::Kind::List;
    keys({"type", "file"});
    if (const Value *f = needObject("file")) {
      out.fileLoc = loc(*f);
      if (auto s = name(*f, "the synapse list file"))
        out.file = resolvePath(*s, *f);
    }
  } else {
    error(*type, "unknown connectivity type '" + *t + "'" +
                     didYouMean(*t, types) +
                     " (expected all_to_all, one_to_one, fixed_probability, "
                     "fixed_indegree, fixed_total_number or list)");
  }
}

void Converter::projection(const Member &m, Projection &out) {
  out.name = m.key;
  out.loc = keyLoc(m);
  const std::string where = "projection '" + m.key + "'";
  const Value &v = m.value;
  if (!expectObject(v, where))
    return;
  checkKeys(v,
            {"pre", "post", "target", "connectivity", "weight", "delay",
             "synapse", "parameters", "initial", "links"},
            where);
  requiredName(v, "pre", where, "the pre", out.preLoc, out.pre);
  requiredName(v, "post", where, "the post", out.postLoc, out.post);
  if (const Value *s = v.find("synapse")) {
    // A synapse model: its parameters and initial values instead of a
    // target and a weight.
    requiredName(v, "synapse", where, "the synapse model", out.synapseLoc,
                 out.synapse);
    if (const Value *k = v.find("weight"))
      error(*k, where + " has a synapse model, so no \"weight\": "
                        "\"initial\" gives its weight variable's values");
    // The post variable a model's `target_post` stands for.
    if (v.find("target"))
      requiredName(v, "target", where, "the target", out.targetLoc,
                   out.target);
    if (const Value *params = v.find("parameters"))
      if (expectObject(*params, "the parameters of " + where))
        for (const Member &p : params->members)
          if (auto q = quantity(p.value, "parameter '" + p.key + "'")) {
            out.synapseParams[p.key] = q->value;
            out.synapseParamLocs[p.key] = keyLoc(p);
            if (q->dim)
              out.synapseParamDims[p.key] = *q->dim;
          }
    if (const Value *init = v.find("initial"))
      if (expectObject(*init, "the initial values of " + where))
        for (const Member &i : init->members)
          if (auto spec = valueSpec(
                  i.value,
                  "the initial value of '" + i.key + "' in " + where,
                  SpecOptions{std::nullopt, 0, i.key.c_str()})) {
            out.synapseInitial[i.key] = *spec;
            out.synapseInitialLocs[i.key] = keyLoc(i);
          }
    // "links": {"M": "dopamine.level"}: the model's link M reads variable
    // `level` of population `dopamine`.
    if (const Value *links = v.find("links"))
      if (expectObject(*links, "the links of " + where))
        for (const Member &l : links->members)
          if (auto link = linkTarget(l, where))
            out.synapseLinks[l.key] = {link->first, link->second, keyLoc(l)};
    (void)s;
  } else {
    for (const char *key : {"parameters", "initial", "links"})
      if (const Value *k = v.find(key))
        error(*k, where + " has no synapse model, so no \"" + key +
                      "\" (name one with \"synapse\")");
    requiredName(v, "target", where, "the target", out.targetLoc, out.target);
    if (const Value *w = required(v, "weight", where))
      if (auto spec = valueSpec(*w, "the weight of " + where,
                                SpecOptions{std::nullopt, 0, "weight"}))
        out.weight = *spec;
  }
  if (const Value *c = required(v, "connectivity", where))
    connectivity(*c, where, out.connectivity);
  out.delay.loc = loc(v);
  if (const Value *d = v.find("delay"))
    if (auto spec = valueSpec(*d, "the delay of " + where,
                              SpecOptions{units::Time, 0, "delay"}))
      out.delay = *spec;
}

//===----------------------------------------------------------------------===//
// Recording
//===----------------------------------------------------------------------===//

void Converter::record(const Value &v, Recording &out) {
  if (!expectObject(v, "\"record\""))
    return;
  checkKeys(v, {"spikes", "state", "weights", "synapses", "format"},
            "\"record\"");
  // "synapses": {"<projection>": ["w", "apost"]}: final values of a synapse
  // model's variables.
  if (const Value *sy = v.find("synapses"))
    if (expectObject(*sy, "\"synapses\""))
      for (const Member &m : sy->members) {
        Recording::SynapseState s;
        s.projection = m.key;
        s.loc = keyLoc(m);
        for (auto &[n, item] :
             stringList(m.value, "the variables of '" + m.key + "'")) {
          s.variables.push_back(n);
          s.variableLocs.push_back(loc(*item));
        }
        out.synapses.push_back(std::move(s));
      }
  if (const Value *s = v.find("spikes"))
    for (auto &[n, item] : stringList(*s, "\"spikes\"")) {
      out.spikes.push_back(n);
      out.spikeLocs.push_back(loc(*item));
    }
  if (const Value *w = v.find("weights"))
    for (auto &[n, item] : stringList(*w, "\"weights\"")) {
      out.weights.push_back(n);
      out.weightLocs.push_back(loc(*item));
    }
  if (const Value *st = v.find("state")) {
    if (!st->isArray()) {
      error(*st, "\"state\" must be an array of objects such as "
                 "{\"population\": \"exc\", \"variable\": \"v\"}, got " +
                     std::string(st->kindName()));
    } else {
      for (const Value &item : st->items) {
        const std::string where = "state recording";
        if (!expectObject(item, "each entry of \"state\""))
          continue;
        StateRecording r;
        r.loc = loc(item);
        checkKeys(item,
                  {"population", "projection", "variable", "neurons",
                   "synapses", "every"},
                  where);
        // A projection's synapses ({"projection": "p", "variable": "w",
        // "synapses": [[pre, post], ...]}), or a population's neurons.
        if (const Value *p = item.find("projection")) {
          r.projectionLoc = loc(*p);
          if (auto s = name(*p, "the projection of a " + where))
            r.projection = *s;
          if (item.find("population"))
            error(*item.find("population"),
                  "a state recording names a population or a projection, "
                  "not both");
          if (const Value *n = item.find("neurons"))
            error(*n, "a projection's recording lists \"synapses\" "
                      "([pre, post] pairs), not \"neurons\"");
          if (const Value *sy =
                  required(item, "synapses", "recording of a projection")) {
            if (!sy->isArray() || sy->items.empty())
              error(*sy, "\"synapses\" must be a non-empty array of "
                         "[pre, post] pairs, such as [[0, 3], [5, 1]]");
            else
              for (const Value &pair : sy->items) {
                if (!pair.isArray() || pair.items.size() != 2) {
                  error(pair, "each synapse is a [pre, post] pair of neuron "
                              "indices");
                  continue;
                }
                auto pre = integer(pair.items[0], "a presynaptic neuron");
                auto post = integer(pair.items[1], "a postsynaptic neuron");
                if (pre && post) {
                  r.synapses.push_back({*pre, *post});
                  r.synapseLocs.push_back(loc(pair));
                }
              }
          }
        } else if (const Value *p = required(item, "population", where)) {
          r.populationLoc = loc(*p);
          if (auto s = name(*p, "the population of a " + where))
            r.population = *s;
          if (const Value *sy = item.find("synapses"))
            error(*sy, "a population's recording lists \"neurons\"; "
                       "\"synapses\" are a projection's");
        }
        if (const Value *p = required(item, "variable", where)) {
          r.variableLoc = loc(*p);
          if (auto s = name(*p, "the variable of a " + where))
            r.variable = *s;
        }
        if (const Value *n = item.find("neurons")) {
          if (!n->isArray())
            error(*n, "\"neurons\" must be an array of neuron indices, got " +
                          std::string(n->kindName()) +
                          " (leave it out to record all neurons)");
          else if (n->items.empty())
            // An empty list would record nothing; reading it as "all"
            // (the default) would record what the user did not ask for.
            error(*n, "\"neurons\" is empty: list the neurons to record, "
                      "or leave it out to record all neurons");
          else
            for (const Value &i : n->items)
              if (auto x = integer(i, "a neuron index")) {
                r.neurons.push_back(*x);
                r.neuronLocs.push_back(loc(i));
              }
        }
        if (const Value *e = item.find("every")) {
          r.everyLoc = loc(*e);
          if (auto x = integer(*e, "\"every\""))
            r.every = *x;
        }
        out.state.push_back(std::move(r));
      }
    }
  }
  if (const Value *f = v.find("format"))
    if (auto s = string(*f, "the record format")) {
      if (*s == "npy" || *s == "csv")
        out.format = *s;
      else
        error(*f,
              "record format must be \"npy\" or \"csv\", got \"" + *s + "\"");
    }
}

//===----------------------------------------------------------------------===//
// The model
//===----------------------------------------------------------------------===//

std::optional<Model> Converter::model(const Value &root,
                                      const std::string &absFile,
                                      const std::string &stem) {
  Model m;
  m.file = absFile;
  m.loc = loc(root);
  if (!root.isObject()) {
    error(root, std::string(dsl::isDSLPath(absFile)
                                ? "a .snn file holds a model (an object, "
                                  "not '= value'), got "
                                : "a model file must hold a JSON object, got ") +
                    root.kindName());
    return std::nullopt;
  }
  static const std::vector<std::string> topKeys = {
      "name",        "description",    "simulation", "neuron_models",
      "synapse_models", "populations", "sources",  "currents",
      "poisson_inputs", "projections", "record"};
  checkKeys(root, topKeys, "the model");

  m.name = stem;
  if (const Value *n = root.find("name"))
    if (auto s = name(*n, "the model name"))
      m.name = *s;
  if (const Value *d = root.find("description"))
    string(*d, "the description");

  if (const Value *sim = required(root, "simulation", "the model"))
    simulation(*sim, m.simulation);
  else
    m.simulation.loc = loc(root);

  // User neuron models, by name, in declaration order.
  std::vector<NeuronModel> userModels;
  if (auto *ms = section(root, "neuron_models"))
    for (const Member &mm : *ms) {
      NeuronModel nm;
      nm.loc = keyLoc(mm);
      neuronModel(mm.key, mm.value, nm);
      userModels.push_back(std::move(nm));
    }

  if (auto *ss = section(root, "synapse_models"))
    for (const Member &sm : *ss) {
      SynapseModel model;
      synapseModel(sm, model);
      m.synapseModels.push_back(std::move(model));
    }

  if (auto *ps = section(root, "populations"))
    for (const Member &pm : *ps) {
      Population p;
      population(pm, p);
      m.populations.push_back(std::move(p));
    }
  if (auto *ss = section(root, "sources"))
    for (const Member &sm : *ss) {
      Source s;
      source(sm, s);
      m.sources.push_back(std::move(s));
    }
  if (auto *cs = section(root, "currents"))
    for (const Member &cm : *cs) {
      CurrentInput c;
      current(cm, c);
      m.currents.push_back(std::move(c));
    }
  if (auto *ps = section(root, "poisson_inputs"))
    for (const Member &pm : *ps) {
      PoissonInput p;
      poissonInput(pm, p);
      m.poissonInputs.push_back(std::move(p));
    }
  if (auto *prs = section(root, "projections"))
    for (const Member &pm : *prs) {
      Projection p;
      projection(pm, p);
      m.projections.push_back(std::move(p));
    }
  if (const Value *r = root.find("record"))
    record(*r, m.record);

  // Resolve the neuron models populations use, in order of first use: the
  // user's first, then the built-ins.
  std::vector<std::string> known;
  for (const NeuronModel &nm : userModels)
    known.push_back(nm.name);
  for (const BuiltinModelSource &b : builtinModelSources())
    known.push_back(b.name);
  std::vector<std::string> used;
  for (const Population &p : m.populations) {
    if (p.model.empty() || m.findModel(p.model))
      continue;
    auto user =
        std::find_if(userModels.begin(), userModels.end(),
                     [&](const NeuronModel &nm) { return nm.name == p.model; });
    if (user != userModels.end()) {
      m.models.push_back(*user);
      continue;
    }
    if (const char *text = findBuiltinModelSource(p.model)) {
      json::Value tree;
      json::ParseError perr;
      std::string bfile = builtinModelFile(p.model);
      if (!json::parse(text, tree, perr)) {
        error(Loc{bfile, perr.line, perr.col, ""}, perr.message);
        continue;
      }
      Converter builtin(bfile, dir, diags);
      NeuronModel nm;
      nm.loc = Loc{bfile, 1, 1, ""};
      builtin.neuronModel(p.model, tree, nm);
      errors += builtin.errors;
      m.models.push_back(std::move(nm));
      continue;
    }
    error(p.modelLoc.line ? p.modelLoc : p.loc,
          "unknown neuron model '" + p.model + "' in population '" + p.name +
              "'" + didYouMean(p.model, known));
  }
  // The synapse models projections use that the file does not define: the
  // built-ins.
  std::vector<std::string> knownSynapses;
  for (const SynapseModel &sm : m.synapseModels)
    knownSynapses.push_back(sm.name);
  for (const BuiltinModelSource &b : builtinSynapseModelSources())
    knownSynapses.push_back(b.name);
  for (const Projection &p : m.projections) {
    if (!p.plastic() || m.findSynapseModel(p.synapse))
      continue;
    if (const char *text = findBuiltinSynapseModelSource(p.synapse)) {
      json::Value tree;
      json::ParseError perr;
      std::string bfile = builtinSynapseModelFile(p.synapse);
      if (!json::parse(text, tree, perr)) {
        error(Loc{bfile, perr.line, perr.col, ""}, perr.message);
        continue;
      }
      Converter builtin(bfile, dir, diags);
      SynapseModel sm;
      builtin.synapseModel(Member{p.synapse, 1, 1, tree}, sm);
      sm.loc = Loc{bfile, 1, 1, ""};
      errors += builtin.errors;
      m.synapseModels.push_back(std::move(sm));
      continue;
    }
    error(p.synapseLoc.line ? p.synapseLoc : p.loc,
          "unknown synapse model '" + p.synapse + "' in projection '" +
              p.name + "'" + didYouMean(p.synapse, knownSynapses));
  }
  if (errors)
    return std::nullopt;

  // Unused user models are still checked, so that mistakes in them show.
  for (const NeuronModel &nm : userModels)
    if (!m.findModel(nm.name) && !checkNeuronModel(nm, diags))
      ++errors;
  if (!checkModel(m, diags) || errors)
    return std::nullopt;
  return m;
}

std::string absolutePath(const std::string &path) {
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(path), ec);
  if (ec)
    p = fs::path(path);
  return p.lexically_normal().string();
}

} // namespace

namespace {

/// Diagnostics in file order (the model file first, then built-ins), so that
/// they read top to bottom whatever stage found them.
void sortDiagnostics(std::vector<Diagnostic> &diags, size_t from,
                     const std::string &file) {
  std::stable_sort(diags.begin() + long(from), diags.end(),
                   [&](const Diagnostic &a, const Diagnostic &b) {
                     auto key = [&](const Diagnostic &d) {
                       return std::make_tuple(d.loc.file != file, d.loc.file,
                                              d.loc.line, d.loc.col);
                     };
                     return key(a) < key(b);
                   });
}

std::optional<Model> parseModelTextImpl(const std::string &text,
                                        const std::string &path,
                                        std::vector<Diagnostic> &diags) {
  try {
    // A .snn file reads into the same document tree (docs/dsl.md); the
    // document owns the names of the files it imports, which the tree's
    // values point at, so it lives until the model is converted.
    dsl::Document doc;
    json::Value &root = doc.root;
    if (dsl::isDSLPath(path)) {
      if (!dsl::parse(text, path, doc, diags))
        return std::nullopt;
    } else {
      json::ParseError err;
      if (!json::parse(text, root, err)) {
        diags.push_back(Diagnostic{Loc{path, err.line, err.col, ""},
                                   err.message, Severity::Error});
        return std::nullopt;
      }
    }
    std::string abs = absolutePath(path);
    fs::path absPath(abs);
    Converter c(path, absPath.parent_path().string(), diags);
    std::optional<Model> m = c.model(root, abs, absPath.stem().string());
    if (!m)
      return std::nullopt;
    m->imports.assign(doc.files.begin(), doc.files.end());
    if (!validateDataFiles(*m, diags))
      return std::nullopt;
    return m;
  } catch (const std::bad_alloc &) {
    diags.push_back(Diagnostic{Loc{path, 0, 0, ""},
                               "out of memory while reading the model",
                               Severity::Error});
  } catch (const std::exception &e) {
    diags.push_back(Diagnostic{Loc{path, 0, 0, ""},
                               std::string("internal error: ") + e.what(),
                               Severity::Error});
  }
  return std::nullopt;
}

} // namespace

std::optional<Model> parseModelText(const std::string &text,
                                    const std::string &path,
                                    std::vector<Diagnostic> &diags) {
  size_t first = diags.size();
  std::optional<Model> m = parseModelTextImpl(text, path, diags);
  sortDiagnostics(diags, first, path);
  return m;
}

std::optional<Model> parseModelFile(const std::string &path,
                                    std::vector<Diagnostic> &diags) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    diags.push_back(Diagnostic{Loc{path, 0, 0, ""},
                               "is a directory, not a model file",
                               Severity::Error});
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.push_back(Diagnostic{Loc{path, 0, 0, ""},
                               std::string("cannot open model file: ") +
                                   std::strerror(errno),
                               Severity::Error});
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    diags.push_back(Diagnostic{Loc{path, 0, 0, ""}, "cannot read model file",
                               Severity::Error});
    return std::nullopt;
  }
  return parseModelText(ss.str(), path, diags);
}

} // namespace snn::frontend
