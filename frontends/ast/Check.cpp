//===- Check.cpp - Semantic checks of a model -----------------------------===//

#include "snn/AST/Check.h"

#include "snn/AST/ExprParser.h"
#include "snn/AST/ExprPrinter.h"
#include "snn/AST/Units.h"
#include "snn/Dialect/SNN/BinomialTable.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <set>

namespace snn::ast {

double stepsOf(double ms, double dt) { return std::round(ms / dt); }

std::string formatRounded(double v) {
  if (!std::isfinite(v))
    return formatNumber(v);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return formatNumber(std::strtod(buf, nullptr));
}

bool wholeSteps(double duration, double dt, int64_t &steps) {
  double exact = duration / dt;
  double rounded = std::round(exact);
  if (!std::isfinite(rounded) || rounded > 9.0e15)
    return false;
  steps = int64_t(rounded);
  return std::fabs(exact - rounded) <= 1e-4;
}

namespace {

/// "5 ms", "-60 mV", "0.02": a value in base units for messages.
std::string quantity(double v, const char *unit) {
  std::string s = formatNumber(v);
  return *unit ? s + " " + unit : s;
}

std::string join(const std::vector<std::string> &names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i ? ", '" : "'") + names[i] + "'";
  return out;
}

class Checker {
public:
  explicit Checker(std::vector<Diagnostic> &diags) : diags(diags) {}

  void error(const Loc &loc, std::string message) {
    diags.push_back(Diagnostic{loc, std::move(message), Severity::Error});
    ++errors;
  }

  unsigned errors = 0;

  void neuronModel(const NeuronModel &m);
  void synapseModel(const SynapseModel &m, double dt);
  /// Periodic statements of `where`: a period of whole steps, statements
  /// that assign `assignable` names and read `readable` ones.
  void periodic(const std::vector<Periodic> &list, const std::string &where,
                double dt, const std::vector<std::string> &assignable,
                const std::vector<std::string> &readable,
                const std::string &hint);
  /// The projection's uses of its synapse model `sm` (post variables,
  /// parameters, initial values); `post` is the post model if known.
  void synapseUse(const Model &model, const Projection &pr,
                  const SynapseModel &sm, const NeuronModel *post,
                  bool isList, bool f32);
  void model(const Model &m);
  /// What link `name` of `what` (`link`) reads: a variable of a population
  /// of size 1 or `size` (a population's or a projection's post
  /// population's; -1: unknown), as the two texts say.
  void linkTarget(const Model &model, const std::string &name,
                  const Link &link, const std::string &what, int64_t size,
                  const char *sizes, const char *each);
  /// record.state of a projection: a synapse model's variable of chosen
  /// synapses over time.
  void synapseRecording(const Model &m, const StateRecording &s,
                        const std::vector<std::string> &projectionNames);

private:
  std::vector<Diagnostic> &diags;

  //===--------------------------------------------------------------------===//
  // Expressions
  //===--------------------------------------------------------------------===//

  enum class Type { Number, Condition, Error };

  /// Names visible in the expressions of one neuron model.
  struct Scope {
    const NeuronModel *model;
    std::vector<std::string> all;
    bool has(const std::string &n) const {
      return std::find(all.begin(), all.end(), n) != all.end();
    }
  };

  static const char *typeName(Type t) {
    return t == Type::Condition ? "a condition" : "a number";
  }

  Type expr(const Expr &e, const Scope &scope, const std::string &context);

  /// The dimensions of the names an expression may read (those written
  /// with a unit; the others are unknown).
  using Dims = std::map<std::string, Dim>;
  /// The dimension of `e` when it is known (a bare number, or a name without
  /// a unit, makes it unknown, so models written in bare numbers are not
  /// checked); reports terms of different dimensions added or compared,
  /// and functions of a quantity that must be dimensionless, at the term.
  std::optional<Dim> dimOf(const Expr &e, const Dims &dims,
                           const std::string &context);
  /// The dimensions of assignments (`x = e`, `x += e`, `x *= e`, ...):
  /// `e` in x's unit, or dimensionless for a factor; `where` ends messages
  /// ("in reset", "in the periodic statements of population 'p'").
  void assignmentDimensions(const std::vector<Assignment> &list,
                            const Dims &dims, const std::string &where);
  /// The dimensions of equations: each right-hand side X's unit per time;
  /// `where` follows "equation of 'dX/dt'" in messages.
  void equationDimensions(const std::vector<Equation> &list, const Dims &dims,
                          const std::string &where);
  /// The dimensions of a model's parameters and variables written with
  /// units.
  static Dims ownDims(const std::vector<Param> &params,
                      const std::vector<Variable> &variables);
  /// The dimensions of a neuron model's equations, threshold and reset.
  void modelDimensions(
      const NeuronModel &m,
      const std::function<bool(const std::string &)> &isVariable);
  void requireType(const ExprPtr &e, Type want, const Scope &scope,
                   const std::string &context, const Loc &where,
                   const std::string &what);

  //===--------------------------------------------------------------------===//
  // Values
  //===--------------------------------------------------------------------===//

  void valueSpec(const ValueSpec &v, const std::string &what,
                 bool allowNegative, bool allowFromList, bool allowFile,
                 const char *unit);
  /// Every value `v` can produce must be finite, and representable in the
  /// state's precision when it is stored in it (`f32`).
  /// A Poisson rate must not exceed one spike per step.
  void poissonRate(const ValueSpec &v, const std::string &what, double dt);
  void drawRange(const ValueSpec &v, const std::string &what, bool f32,
                 const char *unit);
  /// A delay (constant, or the largest of a uniform range) must fit the
  /// runtime's delay rings.
  void delaySteps(const ValueSpec &v, const std::string &what, double dt);
  void dimAgrees(const std::optional<Dim> &written,
                 const std::optional<Dim> &declared, const Loc &loc,
                 const std::string &what, const std::string &declaredWhat);
  void size(int64_t n, const Loc &loc, const std::string &what);
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// An expression as written for messages; a number with its unit (in base
/// units).
static std::string withUnit(const Expr &x) {
  if (x.kind == ExprKind::Number && x.dim && *x.dim != units::Dimensionless)
    return printExpr(x) + " " + units::baseUnit(*x.dim);
  return printExpr(x);
}

static std::string describeDim(Dim d) {
  std::string unit = units::baseUnit(d), what = units::describe(d);
  return what + (unit.empty() || what.find(unit) != std::string::npos
                     ? ""
                     : " (" + unit + ")");
}

std::optional<Dim> Checker::dimOf(const Expr &e, const Dims &dims,
                                  const std::string &context) {
  auto operand = [&](size_t k) -> std::optional<Dim> {
    return k < e.operands.size() && e.operands[k]
               ? dimOf(*e.operands[k], dims, context)
               : std::nullopt;
  };
  auto at = [&](size_t k) -> const Loc & {
    return k < e.operands.size() && e.operands[k] ? e.operands[k]->loc : e.loc;
  };
  auto text = [&](size_t k) {
    return k < e.operands.size() && e.operands[k] ? withUnit(*e.operands[k])
                                                   : std::string("?");
  };
  // Operands that must agree: the first known one sets the dimension.
  auto agree = [&](size_t from, size_t to,
                   const std::string &how) -> std::optional<Dim> {
    std::optional<Dim> first;
    size_t firstAt = from;
    for (size_t k = from; k < to; ++k) {
      std::optional<Dim> d = operand(k);
      if (!d)
        continue;
      if (!first) {
        first = d;
        firstAt = k;
      } else if (*d != *first) {
        error(at(k), "'" + text(k) + "' is " + describeDim(*d) + ", but '" +
                         text(firstAt) + "', " + how + ", is " +
                         describeDim(*first) + " " + context);
        return std::nullopt;
      }
    }
    return first;
  };
  auto dimensionless = [&](size_t k, const std::string &what) {
    std::optional<Dim> d = operand(k);
    if (d && *d != units::Dimensionless) {
      error(at(k), what + " must be dimensionless, but '" + text(k) + "' is " +
                       describeDim(*d) + " " + context);
      return false;
    }
    return true;
  };
  switch (e.kind) {
  case ExprKind::Number:
    return e.dim;
  case ExprKind::Variable: {
    auto it = dims.find(e.name);
    if (it != dims.end())
      return it->second;
    if (e.name == "t" || e.name == "dt")
      return units::Time;
    if (e.name == "pi")
      return units::Dimensionless;
    return std::nullopt;
  }
  case ExprKind::Unary:
    if (e.op == Op::Not) {
      operand(0);
      return std::nullopt;
    }
    return operand(0);
  case ExprKind::Binary:
    switch (e.op) {
    case Op::Add:
    case Op::Sub:
      return agree(0, 2, "which it is added to");
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::Eq:
    case Op::Ne:
      agree(0, 2, "which it is compared with");
      return std::nullopt;
    case Op::And:
    case Op::Or:
      operand(0);
      operand(1);
      return std::nullopt;
    case Op::Mul:
    case Op::Div: {
      std::optional<Dim> a = operand(0), b = operand(1);
      if (!a || !b)
        return std::nullopt;
      Dim d = units::multiply(*a, e.op == Op::Mul ? *b : units::power(*b, -1));
      auto big = [](int x) { return x > 1000 || x < -1000; };
      if (big(d.time) || big(d.voltage) || big(d.current))
        return std::nullopt; // see Pow
      return d;
    }
    case Op::Pow: {
      std::optional<Dim> a = operand(0);
      dimensionless(1, "an exponent");
      if (!a)
        return std::nullopt;
      if (*a == units::Dimensionless)
        return a;
      // A constant whole exponent (2, -1).
      const Expr *x = e.operands.size() > 1 ? e.operands[1].get() : nullptr;
      double n = 0.5;
      if (x && x->kind == ExprKind::Number)
        n = x->value;
      else if (x && x->kind == ExprKind::Unary && x->op == Op::Neg &&
               x->operands.size() == 1 && x->operands[0] &&
               x->operands[0]->kind == ExprKind::Number)
        n = -x->operands[0]->value;
      if (n == std::floor(n) && std::fabs(n) <= 16) {
        // Powers of powers: beyond any unit anyone writes, no longer
        // tracked (and no overflow of the exponents).
        auto big = [](int x) { return x > 1000 || x < -1000; };
        if (big(a->time * int(n)) || big(a->voltage * int(n)) ||
            big(a->current * int(n)))
          return std::nullopt;
        return units::power(*a, int(n));
      }
      error(at(0), "'" + text(0) + "' is " + describeDim(*a) +
                       ": a quantity with a unit can only be raised to a "
                       "whole constant power " + context);
      return std::nullopt;
    }
    default:
      return std::nullopt;
    }
  case ExprKind::Call: {
    const std::string &f = e.name;
    if (f == "abs" || f == "floor" || f == "ceil" || f == "round")
      return operand(0);
    if (f == "min" || f == "max")
      return agree(0, 2, "the other argument of " + f);
    if (f == "clip")
      return agree(0, 3, "another argument of clip");
    if (f == "ifelse") {
      operand(0);
      return agree(1, 3, "the other value of ifelse");
    }
    if (f == "sqrt" || f == "cbrt") {
      std::optional<Dim> a = operand(0);
      if (!a)
        return std::nullopt;
      int root = f == "sqrt" ? 2 : 3;
      if (a->time % root || a->voltage % root || a->current % root) {
        error(at(0), "'" + text(0) + "' is " + describeDim(*a) + ": its " +
                         f + " has no unit " + context);
        return std::nullopt;
      }
      return Dim{a->time / root, a->voltage / root, a->current / root};
    }
    if (f == "atan2") {
      agree(0, 2, "the other argument of atan2");
      return units::Dimensionless;
    }
    // exp, log, sin, pow, ...: of dimensionless numbers (after a wrong
    // argument, unknown: one message).
    bool ok = true;
    for (size_t k = 0; k < e.operands.size(); ++k)
      ok &= dimensionless(k, "the argument of " + f);
    return ok ? std::optional<Dim>(units::Dimensionless) : std::nullopt;
  }
  }
  return std::nullopt;
}

void Checker::equationDimensions(const std::vector<Equation> &list,
                                 const Dims &dims, const std::string &where) {
  for (const Equation &eq : list) {
    if (!eq.rhs)
      continue;
    unsigned before = errors;
    std::optional<Dim> rhs =
        dimOf(*eq.rhs, dims, "in equation of 'd" + eq.var + "/dt'" + where);
    auto it = dims.find(eq.var);
    if (!rhs || it == dims.end() || errors != before)
      continue;
    Dim want = units::multiply(it->second, units::power(units::Time, -1));
    if (*rhs != want)
      error(eq.rhs->loc, "the right-hand side of 'd" + eq.var + "/dt' is " +
                             describeDim(*rhs) + ", but d" + eq.var +
                             "/dt must be " + describeDim(want) + " (" +
                             eq.var + " is " + describeDim(it->second) + ")" +
                             where);
  }
}

Checker::Dims Checker::ownDims(const std::vector<Param> &params,
                               const std::vector<Variable> &variables) {
  Dims dims;
  for (const Param &p : params)
    if (p.dim)
      dims[p.name] = *p.dim;
  for (const Variable &v : variables)
    if (v.dim)
      dims[v.name] = *v.dim;
  return dims;
}

void Checker::assignmentDimensions(const std::vector<Assignment> &list,
                                   const Dims &dims,
                                   const std::string &where) {
  for (const Assignment &a : list) {
    if (!a.rhs)
      continue;
    unsigned before = errors;
    std::string context = where == "in reset"
                              ? "in reset of '" + a.var + "'"
                              : where + ", assigning '" + a.var + "'";
    std::optional<Dim> rhs = dimOf(*a.rhs, dims, context);
    auto it = dims.find(a.var);
    std::optional<Dim> var =
        it == dims.end() ? std::nullopt : std::optional<Dim>(it->second);
    if (!rhs || errors != before)
      continue;
    bool scales = a.op == AssignOp::Mul || a.op == AssignOp::Div;
    if (scales && *rhs != units::Dimensionless)
      error(a.rhs->loc, "'" + withUnit(*a.rhs) + "' is " + describeDim(*rhs) +
                            ": a factor of '" + a.var +
                            "' must be dimensionless " + context);
    else if (!scales && var && *rhs != *var)
      error(a.rhs->loc, "'" + withUnit(*a.rhs) + "' is " + describeDim(*rhs) +
                            ", but '" + a.var + "' is " + describeDim(*var) +
                            " " + context);
  }
}

void Checker::modelDimensions(
    const NeuronModel &m,
    const std::function<bool(const std::string &)> &isVariable) {
  Dims dims = ownDims(m.params, m.variables);
  std::vector<Equation> equations;
  for (const Equation &eq : m.equations)
    if (isVariable(eq.var))
      equations.push_back(eq);
  equationDimensions(equations, dims, "");
  if (m.threshold)
    dimOf(*m.threshold, dims, "in threshold");
  std::vector<Assignment> reset;
  for (const Assignment &a : m.reset)
    if (isVariable(a.var))
      reset.push_back(a);
  assignmentDimensions(reset, dims, "in reset");
}

Checker::Type Checker::expr(const Expr &e, const Scope &scope,
                            const std::string &context) {
  switch (e.kind) {
  case ExprKind::Number:
    if (!std::isfinite(e.value)) {
      error(e.loc, "number is not finite " + context);
      return Type::Error;
    }
    return Type::Number;
  case ExprKind::Variable: {
    if (scope.has(e.name) || e.name == "pi")
      return Type::Number;
    if (e.name == "t" || e.name == "dt") {
      error(e.loc, "'" + e.name + "' is not available " + context +
                       ": only a neuron model's equations, threshold and "
                       "reset read the time");
      return Type::Error;
    }
    if (functionArity(e.name) >= 0) {
      error(e.loc, "'" + e.name + "' is a function; call it as " + e.name +
                       "(...) " + context);
      return Type::Error;
    }
    units::Unit u;
    if (units::lexUnit(e.name, u) == e.name.size()) {
      error(e.loc, "unknown name '" + e.name + "' " + context +
                       " (a unit follows a number directly, as in '5 " +
                       e.name + "')");
      return Type::Error;
    }
    error(e.loc, "unknown name '" + e.name + "' " + context +
                     didYouMean(e.name, scope.all));
    return Type::Error;
  }
  case ExprKind::Unary: {
    if (e.operands.size() != 1 || !e.operands[0]) {
      error(e.loc, "malformed unary expression " + context);
      return Type::Error;
    }
    Type x = expr(*e.operands[0], scope, context);
    Type want = e.op == Op::Not ? Type::Condition : Type::Number;
    if (x != Type::Error && x != want) {
      error(e.loc, std::string("operand of '") + opSpelling(e.op) + "' is " +
                       typeName(x) + ", not " + typeName(want) + " " + context);
      return Type::Error;
    }
    return x == Type::Error ? Type::Error : want;
  }
  case ExprKind::Binary: {
    if (e.operands.size() != 2 || !e.operands[0] || !e.operands[1]) {
      error(e.loc, "malformed binary expression " + context);
      return Type::Error;
    }
    Type l = expr(*e.operands[0], scope, context);
    Type r = expr(*e.operands[1], scope, context);
    bool logic = e.op == Op::And || e.op == Op::Or;
    bool compare = e.op == Op::Lt || e.op == Op::Le || e.op == Op::Gt ||
                   e.op == Op::Ge || e.op == Op::Eq || e.op == Op::Ne;
    Type want = logic ? Type::Condition : Type::Number;
    bool ok = true;
    for (auto [t, side] : {std::pair{l, "left"}, std::pair{r, "right"}})
      if (t != Type::Error && t != want && ok) {
        error(e.loc, std::string(side) + " operand of '" + opSpelling(e.op) +
                         "' is " + typeName(t) + ", not " + typeName(want) +
                         " " + context);
        ok = false;
      }
    if (!ok || l == Type::Error || r == Type::Error)
      return Type::Error;
    return logic || compare ? Type::Condition : Type::Number;
  }
  case ExprKind::Call: {
    int arity = functionArity(e.name);
    if (arity < 0) {
      if (scope.has(e.name))
        error(e.loc, "'" + e.name + "' is not a function " + context);
      else {
        static const std::vector<std::string> functions = {
            "exp",  "expm1", "log",   "log1p", "log2",  "log10", "sqrt",
            "cbrt", "abs",   "floor", "ceil",  "round", "sin",   "cos",
            "tan",  "tanh",  "sinh",  "cosh",  "asin",  "acos",  "atan",
            "erf",  "pow",   "atan2", "min",   "max",   "clip",  "ifelse"};
        error(e.loc, "unknown function '" + e.name + "' " + context +
                         didYouMean(e.name, functions));
      }
      return Type::Error;
    }
    if (int(e.operands.size()) != arity) {
      error(e.loc, "'" + e.name + "' takes " + std::to_string(arity) +
                       (arity == 1 ? " argument" : " arguments") + ", got " +
                       std::to_string(e.operands.size()) + " " + context);
      return Type::Error;
    }
    std::vector<Type> args;
    for (const ExprPtr &a : e.operands)
      args.push_back(a ? expr(*a, scope, context) : Type::Error);
    for (Type t : args)
      if (t == Type::Error)
        return Type::Error;
    if (e.name == "ifelse") {
      if (args[0] != Type::Condition) {
        error(e.operands[0]->loc, "first argument of 'ifelse' must be a "
                                  "condition " +
                                      context);
        return Type::Error;
      }
      if (args[1] != args[2]) {
        error(e.loc, "the branches of 'ifelse' must both be numbers or both "
                     "conditions " +
                         context);
        return Type::Error;
      }
      return args[1];
    }
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i] != Type::Number) {
        error(e.operands[i]->loc,
              "argument " + std::to_string(i + 1) + " of '" + e.name +
                  "' is a condition, not a number " + context);
        return Type::Error;
      }
    return Type::Number;
  }
  }
  return Type::Error;
}

/// Where an expression starts (binary nodes sit at their operator).
const Loc &startLoc(const Expr &e) {
  if (e.kind == ExprKind::Binary && !e.operands.empty() && e.operands[0])
    return startLoc(*e.operands[0]);
  return e.loc;
}

void Checker::requireType(const ExprPtr &e, Type want, const Scope &scope,
                          const std::string &context, const Loc &where,
                          const std::string &what) {
  if (!e) {
    error(where, what + " is missing");
    return;
  }
  Type t = expr(*e, scope, context);
  if (t != Type::Error && t != want)
    error(startLoc(*e),
          what + " must be " + typeName(want) +
              (want == Type::Condition ? " such as 'v > v_th'" : "") +
              ", got " + typeName(t));
}

//===----------------------------------------------------------------------===//
// Neuron models
//===----------------------------------------------------------------------===//

void Checker::neuronModel(const NeuronModel &m) {
  const std::string in = " in model '" + m.name + "'";
  const unsigned errorsBefore = errors;
  // Declared names: one namespace for parameters, variables and inputs.
  std::vector<std::pair<std::string, const char *>> declared;
  auto declare = [&](const std::string &name, const Loc &loc,
                     const char *kind) {
    if (!isIdentifier(name)) {
      error(loc, "'" + name + "' is not a valid " + kind + " name" + in +
                     " (use letters, digits and '_', not starting with a "
                     "digit)");
      return;
    }
    if (name == "t" || name == "dt") {
      error(loc, "'" + name + "' is reserved for time" + in +
                     " (the expressions read it: the time of the step, the "
                     "time step); choose another name");
      return;
    }
    if (isReservedName(name)) {
      error(loc, "'" + name + "' is a keyword and cannot name a " + kind + in);
      return;
    }
    if (functionArity(name) >= 0) {
      error(loc, "'" + name + "' is the name of a function and cannot name a " +
                     kind + in);
      return;
    }
    for (auto &[n, k] : declared)
      if (n == name) {
        error(loc, "'" + name + "' is declared twice" + in + ": as a " + k +
                       " and as a " + kind);
        return;
      }
    declared.emplace_back(name, kind);
  };
  for (const Param &p : m.params) {
    declare(p.name, p.loc, "parameter");
    if (!std::isfinite(p.value))
      error(p.loc, "parameter '" + p.name + "' is not a finite number");
  }
  for (const Variable &v : m.variables) {
    declare(v.name, v.loc, "variable");
    if (!std::isfinite(v.initial))
      error(v.loc, "initial value of '" + v.name + "' is not finite");
  }
  for (size_t i = 0; i < m.inputs.size(); ++i)
    declare(m.inputs[i], i < m.inputLocs.size() ? m.inputLocs[i] : m.loc,
            "input");
  for (size_t i = 0; i < m.links.size(); ++i)
    declare(m.links[i], i < m.linkLocs.size() ? m.linkLocs[i] : m.loc,
            "link");

  Scope scope{&m, {}};
  for (auto &[n, k] : declared)
    scope.all.push_back(n);
  // The time of the step and the time step (ms).
  scope.all.push_back("t");
  scope.all.push_back("dt");
  auto isVariable = [&](const std::string &n) {
    return std::any_of(m.variables.begin(), m.variables.end(),
                       [&](const Variable &v) { return v.name == n; });
  };
  auto kindOf = [&](const std::string &n) -> const char * {
    for (auto &[name, k] : declared)
      if (name == n)
        return k;
    return nullptr;
  };
  std::vector<std::string> variableNames;
  for (const Variable &v : m.variables)
    variableNames.push_back(v.name);

  // Equations.
  std::vector<std::string> integrated;
  for (const Equation &eq : m.equations) {
    const char *kind = kindOf(eq.var);
    if (!isVariable(eq.var)) {
      if (kind)
        error(eq.loc, "'" + eq.var + "' is " +
                          (std::string(kind) == "input" ? "an " : "a ") + kind +
                          in +
                          "; only variables have equations (declare it in "
                          "\"variables\")");
      else
        error(eq.loc, "equation for undeclared variable '" + eq.var + "'" + in +
                          didYouMean(eq.var, variableNames));
    } else if (std::find(integrated.begin(), integrated.end(), eq.var) !=
               integrated.end()) {
      error(eq.loc, "second equation for '" + eq.var + "'" + in +
                        " (each variable has at most one)");
    } else {
      integrated.push_back(eq.var);
    }
    requireType(eq.rhs, Type::Number, scope,
                "in equation of 'd" + eq.var + "/dt'", eq.loc,
                "the right-hand side of 'd" + eq.var + "/dt'");
  }

  // Threshold, reset, refractoriness.
  if (m.threshold)
    requireType(m.threshold, Type::Condition, scope, "in threshold",
                m.threshold->loc, "the threshold");
  for (const Assignment &a : m.reset) {
    const char *kind = kindOf(a.var);
    if (!isVariable(a.var)) {
      if (kind)
        error(a.loc, "reset cannot assign to " + std::string(kind) + " '" +
                         a.var + "'" + in + "; only variables can change");
      else
        error(a.loc, "reset assigns to unknown variable '" + a.var + "'" + in +
                         didYouMean(a.var, variableNames));
    }
    requireType(a.rhs, Type::Number, scope, "in reset of '" + a.var + "'",
                a.loc, "the value assigned to '" + a.var + "'");
  }
  // Dimensions: what was written with units must add up (names and numbers
  // without a unit are not checked). Only in a model without other errors,
  // so that one mistake gives one message.
  if (errors == errorsBefore)
    modelDimensions(m, isVariable);
  if (!m.threshold && !m.reset.empty() && !m.reset.front().loc.file.empty())
    error(m.reset.front().loc,
          "model '" + m.name + "' has a reset but no threshold");
  if (!(m.refractory >= 0) || !std::isfinite(m.refractory))
    error(m.refractoryLoc.line ? m.refractoryLoc : m.loc,
          "refractory period must be >= 0, got " +
              quantity(m.refractory, "ms"));
  if (m.refractory > 0 && !m.threshold)
    error(m.refractoryLoc.line ? m.refractoryLoc : m.loc,
          "model '" + m.name + "' has a refractory period but no threshold");
  for (size_t i = 0; i < m.refractoryClamped.size(); ++i) {
    const std::string &n = m.refractoryClamped[i];
    const Loc &loc =
        i < m.refractoryClampedLocs.size() ? m.refractoryClampedLocs[i] : m.loc;
    if (!isVariable(n))
      error(loc, "refractory_clamp names '" + n + "', which is not a variable" +
                     in + didYouMean(n, variableNames));
  }
}


//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

void Checker::dimAgrees(const std::optional<Dim> &written,
                        const std::optional<Dim> &declared, const Loc &loc,
                        const std::string &what,
                        const std::string &declaredWhat) {
  if (written && declared && *written != *declared)
    error(loc, what + " is " + units::describe(*written) + ", but " +
                   declaredWhat + " is " + units::describe(*declared));
}

void Checker::valueSpec(const ValueSpec &v, const std::string &what,
                        bool allowNegative, bool allowFromList, bool allowFile,
                        const char *unit) {
  switch (v.kind) {
  case ValueSpec::Kind::Constant:
    if (!std::isfinite(v.a))
      error(v.loc, what + " is not a finite number");
    else if (!allowNegative && v.a < 0)
      error(v.loc, what + " must be >= 0, got " + quantity(v.a, unit));
    break;
  case ValueSpec::Kind::Uniform:
    if (!std::isfinite(v.a) || !std::isfinite(v.b))
      error(v.loc, "the bounds of " + what + " are not finite");
    else if (v.a > v.b)
      error(v.loc, "uniform range of " + what + " is empty: low " +
                       quantity(v.a, unit) + " > high " + quantity(v.b, unit));
    else if (!allowNegative && v.a < 0)
      error(v.loc, what + " must be >= 0, but its uniform range starts at " +
                       quantity(v.a, unit));
    break;
  case ValueSpec::Kind::Normal:
    if (!std::isfinite(v.a) || !std::isfinite(v.b))
      error(v.loc,
            "the mean and standard deviation of " + what + " must be finite");
    else if (v.b < 0)
      error(v.loc, "standard deviation of " + what + " must be >= 0, got " +
                       quantity(v.b, unit));
    else if (!allowNegative && v.a < 0 && !(v.clipLow && *v.clipLow >= 0))
      error(v.loc, "the mean of " + what + " must be >= 0, got " +
                       quantity(v.a, unit) +
                       " (or clip the distribution at 0 and above)");
    else if ((v.clipLow && !std::isfinite(*v.clipLow)) ||
             (v.clipHigh && !std::isfinite(*v.clipHigh)))
      error(v.clipLoc, "the clip bounds of " + what + " must be finite");
    else if (v.clipLow && v.clipHigh && *v.clipLow > *v.clipHigh)
      error(v.clipLoc, "the clip range of " + what + " is empty: low " +
                           quantity(*v.clipLow, unit) + " > high " +
                           quantity(*v.clipHigh, unit));
    else if (!allowNegative && v.clipLow && *v.clipLow < 0)
      error(v.clipLoc, what + " must be >= 0, but its clip range starts at " +
                           quantity(*v.clipLow, unit));
    break;
  case ValueSpec::Kind::File:
    if (!allowFile)
      error(v.loc, what + " cannot come from a per-neuron file here; for "
                          "per-synapse values use connectivity \"list\" and "
                          "\"from_list\"");
    else if (v.file.empty())
      error(v.loc, what + ": empty file name");
    break;
  case ValueSpec::Kind::FromList:
    if (!allowFromList)
      error(v.loc, "'from_list' is only for the weights and delays of "
                   "projections with connectivity \"list\"");
    break;
  }
}

void Checker::poissonRate(const ValueSpec &v, const std::string &what,
                          double dt) {
  // A Poisson source spikes in a step with probability rate * dt: at most
  // once per step, so a rate above 1 / dt cannot be what it says (it would
  // fire every step). The largest rate the specification can give, where it
  // is known before drawing (file and drawn values: the runtime checks).
  double highest = -1;
  if (v.kind == ValueSpec::Kind::Constant)
    highest = v.a;
  else if (v.kind == ValueSpec::Kind::Uniform)
    highest = v.b;
  else if (v.kind == ValueSpec::Kind::Normal)
    highest = v.clipHigh ? std::min(*v.clipHigh, v.a) : v.a;
  double perStep = highest * dt * 1e-3; // dt in ms
  if (!std::isfinite(perStep) || perStep <= 1.0)
    return;
  error(v.loc, "the rate of " + what + " reaches " + quantity(highest, "Hz") +
                   ", a spike probability of " + formatNumber(perStep) +
                   " per step of " + formatNumber(dt) +
                   " ms: a Poisson source spikes at most once per step (at " +
                   "most " + quantity(1e3 / dt, "Hz") +
                   "); use several sources, or a smaller dt");
}

void Checker::drawRange(const ValueSpec &v, const std::string &what,
                        bool f32, const char *unit) {
  const double limit = f32 ? double(std::numeric_limits<float>::max())
                           : std::numeric_limits<double>::max();
  const char *type = f32 ? "a float (the model is f32)" : "a double";
  auto fits = [&](double x) { return std::isfinite(x) && std::fabs(x) <= limit; };
  switch (v.kind) {
  case ValueSpec::Kind::Constant:
    if (std::isfinite(v.a) && !fits(v.a))
      error(v.loc, what + " " + quantity(v.a, unit) + " does not fit " + type);
    break;
  case ValueSpec::Kind::Uniform:
    if (!std::isfinite(v.a) || !std::isfinite(v.b) || v.a > v.b)
      break; // reported by valueSpec()
    if (!fits(v.a) || !fits(v.b))
      error(v.loc, "the uniform range of " + what + " does not fit " + type);
    else if (!std::isfinite(v.b - v.a))
      error(v.loc, "the uniform range of " + what + " is wider than the " +
                       "largest double (" + quantity(v.a, unit) + " to " +
                       quantity(v.b, unit) +
                       "): its draws would not be finite");
    break;
  case ValueSpec::Kind::Normal: {
    if (!std::isfinite(v.a) || !std::isfinite(v.b) || v.b < 0)
      break; // reported by valueSpec()
    // The draws before clipping must be finite (mean + std z), and after
    // clipping fit the state.
    double lowest = v.a - kMaxNormalDeviations * v.b;
    double highest = v.a + kMaxNormalDeviations * v.b;
    if (v.clipLow)
      lowest = std::max(lowest, *v.clipLow);
    if (v.clipHigh)
      highest = std::min(highest, *v.clipHigh);
    double reach = std::max(std::fabs(lowest), std::fabs(highest));
    if (!std::isfinite(std::fabs(v.a) + kMaxNormalDeviations * v.b) ||
        !fits(reach))
      error(v.loc, "the normal distribution of " + what + " (mean " +
                       quantity(v.a, unit) + ", standard deviation " +
                       quantity(v.b, unit) + ") can draw values that do not " +
                       "fit " + type + " (draws reach " +
                       formatNumber(kMaxNormalDeviations) +
                       " standard deviations from the mean)");
    break;
  }
  case ValueSpec::Kind::File:
  case ValueSpec::Kind::FromList:
    break; // the data files are checked with their values
  }
}

void Checker::delaySteps(const ValueSpec &v, const std::string &what,
                         double dt) {
  if (!(dt > 0) || !std::isfinite(dt))
    return;
  double largest;
  if (v.kind == ValueSpec::Kind::Constant)
    largest = v.a;
  else if (v.kind == ValueSpec::Kind::Uniform)
    largest = v.b;
  else
    return; // normal: drawn at run time; files: checked with their values
  if (!std::isfinite(largest) || largest < 0)
    return;
  double steps = stepsOf(largest, dt);
  if (steps > double(kMaxDelaySteps))
    error(v.loc, what + (v.kind == ValueSpec::Kind::Uniform
                             ? " reaches " : " is ") +
                     quantity(largest, "ms") + ", " + formatRounded(steps) +
                     " steps of dt = " + quantity(dt, "ms") +
                     "; a delay is at most " + std::to_string(kMaxDelaySteps) +
                     " steps (" + formatRounded(double(kMaxDelaySteps) * dt) +
                     " ms)");
}

void Checker::size(int64_t n, const Loc &loc, const std::string &what) {
  if (n < 1)
    error(loc, what + " must be >= 1, got " + std::to_string(n));
  else if (n > kMaxSize)
    error(loc, what + " " + std::to_string(n) + " is too large (at most " +
                   std::to_string(kMaxSize) + ")");
}

//===----------------------------------------------------------------------===//
// The network
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// Synapse models
//===----------------------------------------------------------------------===//

/// Every variable name an expression reads.
static void namesIn(const Expr &e, std::vector<std::string> &out) {
  if (e.kind == ExprKind::Variable)
    out.push_back(e.name);
  for (const ExprPtr &o : e.operands)
    if (o)
      namesIn(*o, out);
}

static bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void Checker::periodic(const std::vector<Periodic> &list,
                       const std::string &where, double dt,
                       const std::vector<std::string> &assignable,
                       const std::vector<std::string> &readable,
                       const std::string &hint) {
  for (const Periodic &p : list) {
    const Loc &at = p.everyLoc.line ? p.everyLoc : p.loc;
    int64_t steps = 0;
    if (!(p.every > 0) || !std::isfinite(p.every))
      error(at, "the period of the periodic statements of " + where +
                    " must be > 0, got " + quantity(p.every, "ms"));
    else if (dt > 0 && (!wholeSteps(p.every, dt, steps) || steps < 1))
      error(at, "the period " + quantity(p.every, "ms") +
                    " of the periodic statements of " + where +
                    " is not a whole number of steps of dt = " +
                    quantity(dt, "ms"));
    Scope scope{nullptr, readable};
    const std::string context = "in the periodic statements of " + where;
    for (const Assignment &a : p.statements) {
      if (a.rhs)
        requireType(a.rhs, Type::Number, scope, context, a.loc,
                    "the right-hand side");
      if (std::find(assignable.begin(), assignable.end(), a.var) ==
          assignable.end())
        error(a.loc, "cannot assign '" + a.var + "' " + context + ": " +
                         hint + didYouMean(a.var, assignable));
    }
  }
}

void Checker::synapseModel(const SynapseModel &m, double dt) {
  const std::string in = " in synapse model '" + m.name + "'";
  std::vector<std::string> declared, variables, params;
  auto declare = [&](const std::string &name, const Loc &loc,
                     const char *kind) {
    if (!isIdentifier(name)) {
      error(loc, "'" + name + "' is not a valid " + kind + " name" + in +
                     " (use letters, digits and '_', not starting with a "
                     "digit)");
      return false;
    }
    if (name == "t" || name == "dt" || isReservedName(name) ||
        functionArity(name) >= 0) {
      error(loc, "'" + name + "' is reserved (time, a keyword or a "
                     "function) and cannot name a " + kind + in);
      return false;
    }
    if (std::find(declared.begin(), declared.end(), name) != declared.end()) {
      error(loc, "'" + name + "' is declared twice" + in);
      return false;
    }
    declared.push_back(name);
    return true;
  };
  for (const Param &p : m.params) {
    if (declare(p.name, p.loc, "parameter"))
      params.push_back(p.name);
    if (!std::isfinite(p.value))
      error(p.loc, "parameter '" + p.name + "' is not a finite number");
  }
  for (const Variable &v : m.variables) {
    if (declare(v.name, v.loc, "variable"))
      variables.push_back(v.name);
    if (!std::isfinite(v.initial))
      error(v.loc, "initial value of '" + v.name + "' is not finite");
  }
  std::vector<std::string> links;
  for (size_t i = 0; i < m.links.size(); ++i)
    if (declare(m.links[i], i < m.linkLocs.size() ? m.linkLocs[i] : m.loc,
                "link"))
      links.push_back(m.links[i]);
  auto isVariable = [&](const std::string &n) {
    return std::find(variables.begin(), variables.end(), n) !=
           variables.end();
  };
  auto isParam = [&](const std::string &n) {
    return std::find(params.begin(), params.end(), n) != params.end();
  };
  auto isLink = [&](const std::string &n) {
    return std::find(links.begin(), links.end(), n) != links.end();
  };
  if (!m.variables.empty() && !isVariable(m.weight))
    error(m.weightLoc, "the weight '" + m.weight + "'" + in +
                           " is not one of its variables" +
                           didYouMean(m.weight, variables) +
                           (m.weight == "w"
                                ? " (name the weight variable with "
                                  "\"weight\")"
                                : ""));

  // Event-driven equations: of a variable, reading event-driven variables,
  // parameters and numbers. Clock-driven ones: reading anything but
  // event-driven variables (those change only at events).
  std::vector<std::string> driven, eventDriven;
  for (const Equation &eq : m.equations)
    if (eq.driven == Equation::Driven::Event)
      eventDriven.push_back(eq.var);
  for (const Equation &eq : m.equations) {
    if (!isVariable(eq.var)) {
      error(eq.loc, "equation of '" + eq.var + "'" + in +
                        ", which is not one of its variables" +
                        didYouMean(eq.var, variables));
      continue;
    }
    if (std::find(driven.begin(), driven.end(), eq.var) != driven.end()) {
      error(eq.loc, "'" + eq.var + "' has two equations" + in);
      continue;
    }
    driven.push_back(eq.var);
    if (eq.driven == Equation::Driven::Unmarked)
      error(eq.loc, "the equation of '" + eq.var + "'" + in +
                        " needs a marker after it: '(event-driven)' (solved "
                        "between the events that touch the synapse) or "
                        "'(clock-driven)' (integrated every step)");
  }
  for (const Equation &eq : m.equations) {
    if (!eq.rhs || !isVariable(eq.var))
      continue;
    if (eq.driven == Equation::Driven::Clock) {
      // Synapse variables (but event-driven ones), parameters, links and
      // the neurons' variables (X_post, X_pre: checked by use).
      Scope scope{nullptr, {}};
      for (const std::string &v : variables)
        scope.all.push_back(v);
      for (const std::string &p : params)
        scope.all.push_back(p);
      scope.all.insert(scope.all.end(), m.links.begin(), m.links.end());
      std::vector<std::string> used;
      namesIn(*eq.rhs, used);
      bool ok = true;
      for (const std::string &n : used) {
        if (std::find(eventDriven.begin(), eventDriven.end(), n) !=
            eventDriven.end()) {
          error(eq.loc, "the clock-driven equation of '" + eq.var + "'" + in +
                            " reads the event-driven '" + n +
                            "', whose value is brought up to date only at "
                            "events: make both clock-driven, or both "
                            "event-driven");
          ok = false;
        } else if ((endsWith(n, kPostSuffix) || endsWith(n, kPreSuffix)) &&
                   !scope.has(n)) {
          scope.all.push_back(n);
        }
      }
      if (ok)
        requireType(eq.rhs, Type::Number, scope,
                    "in the equation of '" + eq.var + "'" + in, eq.loc,
                    "the right-hand side");
      continue;
    }
    if (eq.driven != Equation::Driven::Event)
      continue;
    Scope scope{nullptr, {}};
    for (const std::string &d : eventDriven)
      scope.all.push_back(d);
    for (const std::string &p : params)
      scope.all.push_back(p);
    std::vector<std::string> used;
    namesIn(*eq.rhs, used);
    bool ok = true;
    for (const std::string &n : used)
      if (isVariable(n) && !scope.has(n)) {
        error(eq.loc, "the event-driven equation of '" + eq.var + "'" + in +
                          " reads '" + n +
                          "', which has no event-driven equation: it may "
                          "read event-driven variables, parameters and "
                          "numbers only");
        ok = false;
      } else if (!scope.has(n) &&
                 (endsWith(n, kPostSuffix) || endsWith(n, kPreSuffix))) {
        error(eq.loc, "the event-driven equation of '" + eq.var + "'" + in +
                          " reads the neuron variable '" + n +
                          "': it may read event-driven variables, "
                          "parameters and numbers only");
        ok = false;
      }
    if (ok)
      requireType(eq.rhs, Type::Number, scope,
                  "in the equation of '" + eq.var + "'" + in, eq.loc,
                  "the right-hand side");
  }

  // on_pre and on_post.
  auto statements = [&](const std::vector<Assignment> &list,
                        const char *key) {
    std::string context = std::string("in ") + key + in;
    Scope scope{nullptr, {}};
    scope.all = declared;
    for (const Assignment &a : list) {
      std::vector<std::string> used;
      if (a.rhs)
        namesIn(*a.rhs, used);
      used.push_back(a.var);
      for (const std::string &n : used)
        if ((endsWith(n, kPostSuffix) || endsWith(n, kPreSuffix)) &&
            !scope.has(n))
          scope.all.push_back(n); // checked against the neuron models by use
    }
    for (const Assignment &a : list) {
      if (a.rhs)
        requireType(a.rhs, Type::Number, scope, context, a.loc,
                    "the right-hand side");
      bool own = std::find(declared.begin(), declared.end(), a.var) !=
                 declared.end();
      if (!own && endsWith(a.var, kPreSuffix)) {
        error(a.loc, "'" + a.var + "' " + context +
                         ": writing presynaptic neuron variables is not "
                         "supported");
      } else if (!own && endsWith(a.var, kPostSuffix)) {
        if (a.op != AssignOp::Add && a.op != AssignOp::Sub)
          error(a.loc, "'" + a.var + "' " + context +
                           ": a postsynaptic neuron's variable can only be "
                           "added to ('" +
                           a.var + " += ...' or '-='), as a spike adds to it");
      } else if (isParam(a.var)) {
        error(a.loc, "'" + a.var + "' " + context +
                         " is a parameter: parameters are shared and cannot "
                         "be assigned (make it a variable)");
      } else if (isLink(a.var)) {
        error(a.loc, "'" + a.var + "' " + context +
                         " is a link: it reads another population's "
                         "variable and cannot be assigned");
      } else if (!isVariable(a.var)) {
        error(a.loc, "cannot assign '" + a.var + "' " + context +
                         ": not a variable of the synapse" +
                         didYouMean(a.var, variables) +
                         " (a postsynaptic neuron's variable X is 'X_post')");
      }
    }
  };
  statements(m.onPre, "on_pre");
  statements(m.onPost, "on_post");
  // Periodic statements: the synapse's variables, from its variables, its
  // parameters, its links and the post and pre neurons' variables (X_post,
  // X_pre, checked by use).
  std::vector<std::string> readable(variables);
  readable.insert(readable.end(), params.begin(), params.end());
  readable.insert(readable.end(), m.links.begin(), m.links.end());
  for (const Periodic &p : m.periodic)
    for (const Assignment &a : p.statements) {
      std::vector<std::string> used;
      if (a.rhs)
        namesIn(*a.rhs, used);
      for (const std::string &n : used)
        if ((endsWith(n, kPostSuffix) || endsWith(n, kPreSuffix)) &&
            std::find(readable.begin(), readable.end(), n) == readable.end())
          readable.push_back(n);
    }
  periodic(m.periodic, "synapse model '" + m.name + "'", dt, variables,
           readable, "periodic statements assign the synapse's variables");
}

void Checker::synapseUse(const Model &model, const Projection &pr,
                         const SynapseModel &sm, const NeuronModel *post,
                         bool isList, bool f32) {
  const std::string what = "projection '" + pr.name + "'";
  const unsigned errorsBefore = errors;
  // The post neuron's variables the statements name (a name the model
  // declares is its own, whatever its suffix).
  std::vector<std::string> own;
  for (const Param &p : sm.params)
    own.push_back(p.name);
  for (const Variable &v : sm.variables)
    own.push_back(v.name);
  auto isOwn = [&](const std::string &n) {
    return std::find(own.begin(), own.end(), n) != own.end();
  };
  // `target_post`: the projection's target (built-in models add to it).
  const std::string targetName = std::string("target") + kPostSuffix;
  bool usesTarget = false;
  for (const auto *list : {&sm.onPre, &sm.onPost})
    for (const Assignment &a : *list) {
      std::vector<std::string> names;
      if (a.rhs)
        namesIn(*a.rhs, names);
      names.push_back(a.var);
      usesTarget |= !isOwn(targetName) &&
                    std::find(names.begin(), names.end(), targetName) !=
                        names.end();
    }
  const Loc &useLoc = pr.synapseLoc.line ? pr.synapseLoc : pr.loc;
  if (usesTarget && pr.target.empty())
    error(useLoc, what + " uses synapse model '" + sm.name +
                  "', which adds to 'target_post': name the post variable "
                  "with \"target\"");
  if (!usesTarget && !pr.target.empty())
    error(pr.targetLoc.line ? pr.targetLoc : pr.loc,
          what + " names a target, but its synapse model '" + sm.name +
              "' does not use 'target_post' (its statements name the post "
              "variables they add to)");
  if (post) {
    std::vector<std::string> postVars;
    for (const Variable &v : post->variables)
      postVars.push_back(v.name);
    auto check = [&](const std::vector<Assignment> &list, const char *key) {
      for (const Assignment &a : list) {
        std::vector<std::pair<std::string, Loc>> used;
        std::vector<std::string> names;
        if (a.rhs)
          namesIn(*a.rhs, names);
        for (const std::string &n : names)
          used.emplace_back(n, a.loc);
        if (!endsWith(a.var, kPreSuffix)) // reported by the model's check
          used.emplace_back(a.var, a.loc);
        for (auto &[n, at] : used) {
          if (isOwn(n) || (n == targetName && usesTarget))
            continue;
          if (endsWith(n, kPreSuffix)) {
            // A presynaptic neuron's variable: of a population's model.
            std::string var =
                n.substr(0, n.size() - std::string(kPreSuffix).size());
            const Population *prePop = model.findPopulation(pr.pre);
            const NeuronModel *preModel =
                prePop ? model.findModel(prePop->model) : nullptr;
            if (!prePop && model.findSource(pr.pre))
              error(at, "'" + n + "' in " + key + " of synapse model '" +
                            sm.name + "': the presynaptic '" + pr.pre +
                            "' of " + what +
                            " is a source, which has no variables");
            else if (preModel &&
                     std::none_of(preModel->variables.begin(),
                                  preModel->variables.end(),
                                  [&](const Variable &v) {
                                    return v.name == var;
                                  }))
              error(pr.synapseLoc.line ? pr.synapseLoc : pr.loc,
                    what + " uses synapse model '" + sm.name + "', whose " +
                        key + " reads '" + n + "', but model '" +
                        preModel->name + "' of population '" + pr.pre +
                        "' has no variable '" + var + "'");
            continue;
          }
          if (!endsWith(n, kPostSuffix))
            continue;
          std::string var = n.substr(0, n.size() - std::string(kPostSuffix).size());
          if (std::find(postVars.begin(), postVars.end(), var) ==
              postVars.end())
            error(pr.synapseLoc.line ? pr.synapseLoc : pr.loc,
                  what + " uses synapse model '" + sm.name + "', whose " +
                      key + " names '" + n + "', but model '" + post->name +
                      "' of population '" + pr.post +
                      "' has no variable '" + var + "'" +
                      didYouMean(var, postVars));
        }
      }
    };
    check(sm.onPre, "on_pre");
    check(sm.onPost, "on_post");
    // The clock-driven equations read neurons' variables as statements do.
    std::vector<Assignment> clock;
    for (const Equation &eq : sm.equations)
      if (eq.driven == Equation::Driven::Clock && eq.rhs)
        clock.push_back(Assignment{eq.var, AssignOp::Set, eq.rhs, eq.loc});
    check(clock, "clock-driven equation");
    for (const Periodic &periodic : sm.periodic)
      check(periodic.statements, "periodic statements");
  }
  // Links: each of the model's bound to a variable of a population of size
  // one or of the post population's size.
  for (size_t i = 0; i < sm.links.size(); ++i)
    if (!pr.synapseLinks.count(sm.links[i]))
      error(useLoc, what + " uses synapse model '" + sm.name +
                        "', which reads link '" + sm.links[i] +
                        "': give it \"links\": {\"" + sm.links[i] +
                        "\": \"<population>.<variable>\"}");
  const Population *postPop = model.findPopulation(pr.post);
  for (auto &[name, link] : pr.synapseLinks) {
    if (std::find(sm.links.begin(), sm.links.end(), name) ==
        sm.links.end()) {
      error(link.loc, "synapse model '" + sm.name + "' of " + what +
                          " has no link '" + name + "'" +
                          didYouMean(name, sm.links));
      continue;
    }
    linkTarget(model, name, link, what, postPop ? postPop->size : -1,
               "(one value for all synapses) or of the post population's "
               "size",
               "(the value of the synapse's post neuron)");
  }
  std::vector<std::string> params, variables;
  for (const Param &p : sm.params)
    params.push_back(p.name);
  for (const Variable &v : sm.variables)
    variables.push_back(v.name);
  for (auto &[name, value] : pr.synapseParams) {
    auto at = pr.synapseParamLocs.find(name);
    const Loc &l = at != pr.synapseParamLocs.end() ? at->second : pr.loc;
    if (std::find(params.begin(), params.end(), name) == params.end())
      error(l, "synapse model '" + sm.name + "' of " + what +
                   " has no parameter '" + name + "'" +
                   didYouMean(name, params));
    else if (!std::isfinite(value))
      error(l, "parameter '" + name + "' of " + what +
                   " is not a finite number");
  }
  for (auto &[name, spec] : pr.synapseInitial) {
    auto at = pr.synapseInitialLocs.find(name);
    const Loc &l = at != pr.synapseInitialLocs.end() ? at->second : pr.loc;
    if (std::find(variables.begin(), variables.end(), name) ==
        variables.end()) {
      error(l, "synapse model '" + sm.name + "' of " + what +
                   " has no variable '" + name + "'" +
                   didYouMean(name, variables));
      continue;
    }
    std::string whatValue = "the initial value of '" + name + "' in " + what;
    bool weight = name == sm.weight;
    // Per-synapse files and list columns: the weight's only, for now.
    valueSpec(spec, whatValue, true, weight && isList, false, "");
    if (!weight && spec.kind == ValueSpec::Kind::File)
      error(l, whatValue + ": a synapse variable other than the weight "
                           "takes a constant, uniform or normal value");
    drawRange(spec, whatValue, f32, "");
  }
  // Dimensions of the equations and statements, with this projection's
  // neurons' variables (X_post, X_pre, target_post); only where nothing
  // else is wrong here.
  if (errors != errorsBefore || !post)
    return;
  Dims dims = ownDims(sm.params, sm.variables);
  auto neuronDims = [&](const NeuronModel &nm, const char *suffix) {
    for (const Variable &v : nm.variables)
      if (v.dim && !isOwn(v.name + suffix))
        dims[v.name + suffix] = *v.dim;
  };
  neuronDims(*post, kPostSuffix);
  if (usesTarget)
    for (const Variable &v : post->variables)
      if (v.name == pr.target && v.dim)
        dims[targetName] = *v.dim;
  if (const Population *prePop = model.findPopulation(pr.pre))
    if (const NeuronModel *preModel = model.findModel(prePop->model))
      neuronDims(*preModel, kPreSuffix);
  const std::string in = " of synapse model '" + sm.name + "' in " + what;
  equationDimensions(sm.equations, dims, in);
  assignmentDimensions(sm.onPre, dims, "in on_pre" + in);
  assignmentDimensions(sm.onPost, dims, "in on_post" + in);
  for (const Periodic &p : sm.periodic)
    assignmentDimensions(p.statements, dims, "in the periodic statements" + in);
}

void Checker::linkTarget(const Model &model, const std::string &name,
                         const Link &link, const std::string &what,
                         int64_t size, const char *sizes, const char *each) {
  const Population *to = model.findPopulation(link.population);
  if (!to) {
    std::vector<std::string> names;
    for (const Population &p : model.populations)
      names.push_back(p.name);
    error(link.loc, "link '" + name + "' of " + what +
                        " reads unknown population '" + link.population +
                        "'" +
                        (model.findSource(link.population)
                             ? " (a source has no variables)"
                             : didYouMean(link.population, names)));
    return;
  }
  if (const NeuronModel *tm = model.findModel(to->model)) {
    std::vector<std::string> vars;
    for (const Variable &v : tm->variables)
      vars.push_back(v.name);
    if (std::find(vars.begin(), vars.end(), link.variable) == vars.end())
      error(link.loc, "link '" + name + "' of " + what + ": model '" +
                          tm->name + "' of population '" + to->name +
                          "' has no variable '" + link.variable + "'" +
                          didYouMean(link.variable, vars));
  }
  if (size >= 0 && to->size != 1 && to->size != size)
    error(link.loc, "link '" + name + "' of " + what + " reads population '" +
                        to->name + "' of size " + std::to_string(to->size) +
                        ": a link reads a population of size 1 " + sizes +
                        " " + std::to_string(size) + " " + each);
}

void Checker::synapseRecording(
    const Model &m, const StateRecording &s,
    const std::vector<std::string> &projectionNames) {
  const Loc &at = s.projectionLoc.line ? s.projectionLoc : s.loc;
  const Projection *pr = nullptr;
  for (const Projection &p : m.projections)
    if (p.name == s.projection)
      pr = &p;
  if (!pr) {
    error(at, "cannot record the synapses of unknown projection '" +
                  s.projection + "'" +
                  didYouMean(s.projection, projectionNames));
    return;
  }
  if (!pr->plastic()) {
    error(at, "projection '" + s.projection +
                  "' has no synapse model: its weights do not change "
                  "(\"weights\" records them)");
    return;
  }
  if (const SynapseModel *sm = m.findSynapseModel(pr->synapse)) {
    std::vector<std::string> vars;
    for (const Variable &v : sm->variables)
      vars.push_back(v.name);
    if (std::find(vars.begin(), vars.end(), s.variable) == vars.end())
      error(s.variableLoc.line ? s.variableLoc : s.loc,
            "synapse model '" + sm->name + "' of projection '" +
                s.projection + "' has no variable '" + s.variable + "'" +
                didYouMean(s.variable, vars));
  }
  int64_t npre = m.sizeOf(pr->pre), npost = m.sizeOf(pr->post);
  std::set<std::pair<int64_t, int64_t>> seen;
  for (size_t i = 0; i < s.synapses.size(); ++i) {
    const Loc &loc = i < s.synapseLocs.size() ? s.synapseLocs[i] : s.loc;
    auto [pre, post] = s.synapses[i];
    if (pre < 0 || (npre >= 0 && pre >= npre))
      error(loc, "presynaptic neuron " + std::to_string(pre) +
                     " is out of range [0, " + std::to_string(npre) +
                     ") of '" + pr->pre + "'");
    else if (post < 0 || (npost >= 0 && post >= npost))
      error(loc, "postsynaptic neuron " + std::to_string(post) +
                     " is out of range [0, " + std::to_string(npost) +
                     ") of '" + pr->post + "'");
    else if (!seen.insert(s.synapses[i]).second)
      error(loc, "synapse [" + std::to_string(pre) + ", " +
                     std::to_string(post) + "] is listed twice");
  }
  if (s.every < 1)
    error(s.everyLoc.line ? s.everyLoc : s.loc,
          "'every' must be >= 1 (steps), got " + std::to_string(s.every));
}

void Checker::model(const Model &m) {
  // Simulation.
  const Simulation &sim = m.simulation;
  const Loc &dtLoc = sim.dtLoc.line ? sim.dtLoc : sim.loc;
  const Loc &durLoc = sim.durationLoc.line ? sim.durationLoc : sim.loc;
  if (!(sim.dt > 0) || !std::isfinite(sim.dt))
    error(dtLoc, "dt must be > 0, got " + quantity(sim.dt, "ms"));
  if (!(sim.duration >= 0) || !std::isfinite(sim.duration))
    error(durLoc, "duration must be >= 0, got " + quantity(sim.duration, "ms"));
  else if (sim.dt > 0 && std::isfinite(sim.dt) &&
           std::round(sim.duration / sim.dt) > double(kMaxSize))
    error(durLoc, "duration / dt gives " +
                      formatNumber(std::round(sim.duration / sim.dt)) +
                      " steps; at most " + std::to_string(kMaxSize) +
                      " are supported");
  else if (int64_t steps; sim.dt > 0 && std::isfinite(sim.dt) &&
                          !wholeSteps(sim.duration, sim.dt, steps)) {
    // Never a silent partial step: with dt 0.1 ms, 0.05 ms would run one
    // whole step (0.1 ms), 100.02 ms 1000 steps (100 ms).
    double down = std::floor(sim.duration / sim.dt) * sim.dt;
    double up = std::ceil(sim.duration / sim.dt) * sim.dt;
    error(durLoc, "duration " + quantity(sim.duration, "ms") +
                      " is not a whole number of steps of dt = " +
                      quantity(sim.dt, "ms") + " (" +
                      formatNumber(sim.duration / sim.dt) +
                      " steps); use a multiple of dt, such as " +
                      (down > 0 ? quantity(down, "ms") + " or " : "") +
                      quantity(up, "ms"));
  }

  const bool f32 = sim.precision == Precision::F32;

  // Neuron models.
  std::vector<std::string> modelNames;
  for (const NeuronModel &nm : m.models) {
    if (std::find(modelNames.begin(), modelNames.end(), nm.name) !=
        modelNames.end())
      error(nm.loc, "neuron model '" + nm.name + "' is defined twice");
    modelNames.push_back(nm.name);
    neuronModel(nm);
  }

  // Populations and sources share one namespace.
  std::vector<std::string> groupNames, populationNames;
  auto declareGroup = [&](const std::string &name, const Loc &loc,
                          const char *kind) {
    if (!isIdentifier(name))
      error(loc, "'" + name + "' is not a valid " + kind +
                     " name (use letters, digits and '_', not starting with "
                     "a digit)");
    else if (std::find(groupNames.begin(), groupNames.end(), name) !=
             groupNames.end())
      error(loc, "the name '" + name +
                     "' is used twice (populations and sources share one "
                     "namespace)");
    groupNames.push_back(name);
  };
  for (const Population &p : m.populations) {
    declareGroup(p.name, p.loc, "population");
    populationNames.push_back(p.name);
  }
  for (const Source &s : m.sources)
    declareGroup(s.name, s.loc, "source");
  if (m.populations.empty() && m.sources.empty())
    error(m.loc.file.empty() ? Loc{m.file, 1, 1, ""} : m.loc,
          "the model defines no populations or sources");

  auto hasVar = [](const NeuronModel &nm, const std::string &n) {
    return std::any_of(nm.variables.begin(), nm.variables.end(),
                       [&](const Variable &v) { return v.name == n; });
  };
  auto findVar = [](const NeuronModel &nm,
                    const std::string &n) -> const Variable * {
    for (const Variable &v : nm.variables)
      if (v.name == n)
        return &v;
    return nullptr;
  };
  auto findParam = [](const NeuronModel &nm,
                      const std::string &n) -> const Param * {
    for (const Param &p : nm.params)
      if (p.name == n)
        return &p;
    return nullptr;
  };
  auto hasInput = [](const NeuronModel &nm, const std::string &n) {
    return std::find(nm.inputs.begin(), nm.inputs.end(), n) != nm.inputs.end();
  };
  auto varNames = [](const NeuronModel &nm) {
    std::vector<std::string> out;
    for (const Variable &v : nm.variables)
      out.push_back(v.name);
    return out;
  };
  auto paramNames = [](const NeuronModel &nm) {
    std::vector<std::string> out;
    for (const Param &p : nm.params)
      out.push_back(p.name);
    return out;
  };
  /// Why `n` is not a variable of `nm` ("" when it is).
  auto notAVariable = [&](const NeuronModel &nm, const std::string &n) {
    if (hasVar(nm, n))
      return std::string();
    if (findParam(nm, n))
      return "'" + n + "' is a parameter of model '" + nm.name +
             "', not a variable";
    if (hasInput(nm, n))
      return "'" + n + "' is an input of model '" + nm.name +
             "', not a variable";
    return "model '" + nm.name + "' has no variable '" + n + "'" +
           didYouMean(n, varNames(nm));
  };
  /// Why `n` cannot take what `adders` add ("" when it is a variable).
  auto notATarget = [&](const NeuronModel &nm, const std::string &n,
                        const char *adders) {
    std::string why = notAVariable(nm, n);
    if (!why.empty() && hasInput(nm, n))
      why += std::string(" (inputs are for currents; ") + adders +
             " add to variables)";
    return why;
  };

  // Populations.
  for (const Population &p : m.populations) {
    const std::string what = "population '" + p.name + "'";
    size(p.size, p.sizeLoc.line ? p.sizeLoc : p.loc, "size of " + what);
    const NeuronModel *nm = m.findModel(p.model);
    if (!nm) {
      error(p.modelLoc.line ? p.modelLoc : p.loc,
            "unknown neuron model '" + p.model + "' in " + what +
                didYouMean(p.model, modelNames));
      continue;
    }
    // Links: each of the model's bound to a variable of a population of
    // size 1 or of this one's size.
    for (const std::string &link : nm->links)
      if (!p.links.count(link))
        error(p.modelLoc.line ? p.modelLoc : p.loc,
              what + " uses neuron model '" + nm->name +
                  "', which reads link '" + link + "': give it \"links\": "
                  "{\"" + link + "\": \"<population>.<variable>\"}");
    for (auto &[name, link] : p.links) {
      if (std::find(nm->links.begin(), nm->links.end(), name) ==
          nm->links.end()) {
        error(link.loc, "neuron model '" + nm->name + "' of " + what +
                            " has no link '" + name + "'" +
                            didYouMean(name, nm->links));
        continue;
      }
      linkTarget(m, name, link, what, p.size,
                 "(one value for all neurons) or of this one's size",
                 "(each neuron's own)");
    }
    if (!p.periodic.empty()) {
      std::vector<std::string> vars, readable;
      for (const Variable &v : nm->variables)
        vars.push_back(v.name);
      readable = vars;
      for (const Param &param : nm->params)
        readable.push_back(param.name);
      // The model's links, as the previous step left them (read only).
      readable.insert(readable.end(), nm->links.begin(), nm->links.end());
      unsigned before = errors;
      periodic(p.periodic, what, sim.dt, vars, readable,
               "periodic statements assign the neurons' variables");
      if (errors == before) {
        Dims dims = ownDims(nm->params, nm->variables);
        for (const Periodic &pd : p.periodic)
          assignmentDimensions(pd.statements, dims,
                               "in the periodic statements of " + what);
      }
    }
    for (auto &[name, value] : p.params) {
      auto it = p.paramLocs.find(name);
      const Loc &loc = it != p.paramLocs.end() ? it->second : p.loc;
      const Param *param = findParam(*nm, name);
      if (!param) {
        if (hasVar(*nm, name))
          error(loc, "'" + name + "' is a variable of model '" + nm->name +
                         "', not a parameter; set its initial value in "
                         "\"initial\"");
        else
          error(loc, "model '" + nm->name + "' has no parameter '" + name +
                         "'" + didYouMean(name, paramNames(*nm)));
        continue;
      }
      if (!std::isfinite(value))
        error(loc, "parameter '" + name + "' is not a finite number");
      auto dim = p.paramDims.find(name);
      if (dim != p.paramDims.end())
        dimAgrees(dim->second, param->dim, loc, "the value of '" + name + "'",
                  "parameter '" + name + "' of model '" + nm->name + "'");
    }
    for (auto &[name, spec] : p.initial) {
      std::string why = notAVariable(*nm, name);
      if (!why.empty()) {
        if (findParam(*nm, name))
          why += "; set it in \"parameters\"";
        auto it = p.initialLocs.find(name);
        error(it != p.initialLocs.end() ? it->second : spec.loc, why);
        continue;
      }
      valueSpec(spec, "the initial value of '" + name + "'", true, false, true,
                "");
      drawRange(spec, "the initial value of '" + name + "'", f32, "");
      dimAgrees(spec.dim, findVar(*nm, name)->dim, spec.loc,
                "the initial value of '" + name + "'",
                "variable '" + name + "' of model '" + nm->name + "'");
    }
  }

  // Sources.
  for (const Source &s : m.sources) {
    const std::string what = "source '" + s.name + "'";
    size(s.size, s.sizeLoc.line ? s.sizeLoc : s.loc, "size of " + what);
    if (s.kind == Source::Kind::Poisson) {
      valueSpec(s.rate, "the rate of " + what, false, false, true, "Hz");
      drawRange(s.rate, "the rate of " + what, f32, "Hz");
      poissonRate(s.rate, what, m.simulation.dt);
    }
    else if (s.file.empty())
      error(s.fileLoc.line ? s.fileLoc : s.loc, what + " needs a spike file");
  }

  auto groupSuggestion = [&](const std::string &n) {
    return didYouMean(n, groupNames);
  };

  // The population `name` that `what` goes into (null, reported, when
  // there is none: a source, or an unknown name).
  auto targetPopulation = [&](const std::string &name, const Loc &loc,
                              const std::string &what,
                              const char *plural) -> const Population * {
    if (const Population *p = m.findPopulation(name))
      return p;
    if (m.findSource(name))
      error(loc, "the target of " + what + " is source '" + name + "'; " +
                     plural + " go into neuron populations");
    else
      error(loc, "unknown population '" + name + "' in " + what +
                     didYouMean(name, populationNames));
    return nullptr;
  };

  // Currents.
  std::vector<std::string> currentNames;
  for (const CurrentInput &c : m.currents) {
    const std::string what = "current '" + c.name + "'";
    if (std::find(currentNames.begin(), currentNames.end(), c.name) !=
        currentNames.end())
      error(c.loc, what + " is defined twice");
    currentNames.push_back(c.name);
    const Population *p = targetPopulation(
        c.target, c.targetLoc.line ? c.targetLoc : c.loc, what, "currents");
    const NeuronModel *nm = p ? m.findModel(p->model) : nullptr;
    if (p && nm && !hasInput(*nm, c.variable)) {
      const Loc &varLoc = c.variableLoc.line ? c.variableLoc : c.loc;
      if (nm->inputs.empty())
        error(varLoc, "model '" + nm->name + "' of population '" + p->name +
                          "' has no inputs, so " + what +
                          " has nothing to drive");
      else
        error(varLoc, "'" + c.variable + "' is not an input of model '" +
                          nm->name + "' (its inputs: " + join(nm->inputs) +
                          ")" + didYouMean(c.variable, nm->inputs));
    }
    if (c.kind == CurrentInput::Kind::TimedArray) {
      int64_t steps = 0;
      const Loc &at = c.tableDtLoc.line ? c.tableDtLoc : c.loc;
      if (!(c.tableDt > 0) || !std::isfinite(c.tableDt))
        error(at, "the dt of " + what + " must be > 0, got " +
                      quantity(c.tableDt, "ms"));
      else if (m.simulation.dt > 0 &&
               (!wholeSteps(c.tableDt, m.simulation.dt, steps) || steps < 1))
        error(at, "the dt of " + what + " (" + quantity(c.tableDt, "ms") +
                      ") is not a whole number of steps of dt = " +
                      quantity(m.simulation.dt, "ms") +
                      " (Brian2 warns that such time grids are not aligned)");
    } else {
      valueSpec(c.amplitude, "the amplitude of " + what, true, false, true,
                "pA");
      drawRange(c.amplitude, "the amplitude of " + what, f32, "pA");
    }
    if (!(c.stddev >= 0) || !std::isfinite(c.stddev))
      error(c.stddevLoc.line ? c.stddevLoc : c.loc,
            "standard deviation of " + what + " must be >= 0, got " +
                quantity(c.stddev, "pA"));
    if (!(c.start >= 0) || !std::isfinite(c.start))
      error(c.startLoc.line ? c.startLoc : c.loc, "start of " + what +
                                                      " must be >= 0, got " +
                                                      quantity(c.start, "ms"));
    else if (c.stop >= 0 && c.stop < c.start)
      error(c.stopLoc.line ? c.stopLoc : c.loc,
            "stop of " + what + " (" + quantity(c.stop, "ms") +
                ") is before its start (" + quantity(c.start, "ms") + ")");
  }

  // Poisson inputs.
  std::vector<std::string> poissonInputNames;
  for (const PoissonInput &pi : m.poissonInputs) {
    const std::string what = "poisson input '" + pi.name + "'";
    if (std::find(poissonInputNames.begin(), poissonInputNames.end(),
                  pi.name) != poissonInputNames.end())
      error(pi.loc, what + " is defined twice");
    poissonInputNames.push_back(pi.name);
    const Population *p =
        targetPopulation(pi.target, pi.targetLoc.line ? pi.targetLoc : pi.loc,
                         what, "poisson inputs");
    const NeuronModel *nm = p ? m.findModel(p->model) : nullptr;
    if (nm) {
      std::string why = notATarget(*nm, pi.variable, "poisson inputs");
      if (!why.empty())
        error(pi.variableLoc.line ? pi.variableLoc : pi.loc,
              "bad variable of " + what + ": " + why);
      else
        dimAgrees(pi.weightDim, findVar(*nm, pi.variable)->dim,
                  pi.weightLoc.line ? pi.weightLoc : pi.loc,
                  "the weight of " + what,
                  "variable '" + pi.variable + "' of model '" + nm->name +
                      "'");
    }
    const Loc &nLoc = pi.nLoc.line ? pi.nLoc : pi.loc;
    const Loc &rateLoc = pi.rateLoc.line ? pi.rateLoc : pi.loc;
    bool valid = true;
    if (pi.n < 0) {
      error(nLoc, "the number of inputs (n) of " + what +
                      " must be >= 0, got " + std::to_string(pi.n));
      valid = false;
    }
    double dt = m.simulation.dt;
    double perStep = pi.rate * dt * 1e-3; // dt in ms
    if (!(pi.rate >= 0) || !std::isfinite(pi.rate)) {
      error(rateLoc, "the rate of " + what + " must be >= 0, got " +
                         quantity(pi.rate, "Hz"));
      valid = false;
    } else if (std::isfinite(dt) && dt > 0 && perStep > 1.0) {
      error(rateLoc, "the rate of " + what + " is " +
                         quantity(pi.rate, "Hz") +
                         ", a spike probability of " +
                         formatNumber(perStep) + " per step of " +
                         formatNumber(dt) +
                         " ms: each input spikes at most once per step (at "
                         "most " +
                         quantity(1e3 / dt, "Hz") + "); use a larger n, or a "
                         "smaller dt");
      valid = false;
    }
    if (!std::isfinite(pi.weight))
      error(pi.weightLoc.line ? pi.weightLoc : pi.loc,
            "the weight of " + what + " is not a finite number");
    else {
      ValueSpec weight;
      weight.a = pi.weight;
      weight.loc = pi.weightLoc.line ? pi.weightLoc : pi.loc;
      drawRange(weight, "the weight of " + what, f32, "");
    }
    if (valid && std::isfinite(dt) && dt > 0) {
      mlir::snn::BinomialTable table =
          mlir::snn::computeBinomialTable(pi.n, perStep);
      if (!table.ok())
        error(nLoc, what + ": " + std::to_string(pi.n) + " inputs at " +
                        quantity(pi.rate, "Hz") + " cannot be drawn: " +
                        table.error + "; split them into several poisson "
                        "inputs");
    }
  }

  // Projections.
  // Synapse models, each once (a projection checks its use of one).
  std::vector<std::string> synapseModelNames;
  for (const SynapseModel &sm : m.synapseModels) {
    if (std::find(synapseModelNames.begin(), synapseModelNames.end(),
                  sm.name) != synapseModelNames.end())
      error(sm.loc, "synapse model '" + sm.name + "' is defined twice");
    synapseModelNames.push_back(sm.name);
    synapseModel(sm, sim.dt);
  }

  std::vector<std::string> projectionNames;
  for (const Projection &pr : m.projections) {
    const std::string what = "projection '" + pr.name + "'";
    if (std::find(projectionNames.begin(), projectionNames.end(), pr.name) !=
        projectionNames.end())
      error(pr.loc, what + " is defined twice");
    projectionNames.push_back(pr.name);
    int64_t preSize = m.sizeOf(pr.pre);
    bool preKnown = m.findPopulation(pr.pre) || m.findSource(pr.pre);
    if (!preKnown)
      error(pr.preLoc.line ? pr.preLoc : pr.loc,
            "unknown population or source '" + pr.pre + "' in " + what +
                groupSuggestion(pr.pre));
    const Population *post = m.findPopulation(pr.post);
    const NeuronModel *nm = post ? m.findModel(post->model) : nullptr;
    const Loc &postLoc = pr.postLoc.line ? pr.postLoc : pr.loc;
    if (!post) {
      if (m.findSource(pr.post))
        error(postLoc, "the post of " + what + " is source '" + pr.post +
                           "'; sources cannot receive spikes");
      else
        error(postLoc, "unknown population '" + pr.post + "' in " + what +
                           didYouMean(pr.post, populationNames));
    }
    const Variable *target = nullptr;
    const SynapseModel *sm = nullptr;
    if (pr.plastic()) {
      sm = m.findSynapseModel(pr.synapse);
      if (nm && !pr.target.empty()) {
        std::string why = notATarget(*nm, pr.target, "synapse models");
        if (!why.empty())
          error(pr.targetLoc.line ? pr.targetLoc : pr.loc,
                "bad target of " + what + ": " + why);
      }
      if (!sm) {
        std::vector<std::string> known;
        for (const SynapseModel &s : m.synapseModels)
          known.push_back(s.name);
        error(pr.synapseLoc.line ? pr.synapseLoc : pr.loc,
              "unknown synapse model '" + pr.synapse + "' in " + what +
                  didYouMean(pr.synapse, known));
      }
    } else if (nm) {
      std::string why = notATarget(*nm, pr.target, "projections");
      if (!why.empty())
        error(pr.targetLoc.line ? pr.targetLoc : pr.loc,
              "bad target of " + what + ": " + why);
      else
        target = findVar(*nm, pr.target);
    }

    // Connectivity.
    const Connectivity &c = pr.connectivity;
    bool isList = c.kind == Connectivity::Kind::List;
    switch (c.kind) {
    case Connectivity::Kind::AllToAll:
      break;
    case Connectivity::Kind::OneToOne:
      if (preSize >= 0 && post && preSize != post->size)
        error(c.loc, "one_to_one connectivity needs populations of equal "
                     "size, but '" +
                         pr.pre + "' has " + std::to_string(preSize) +
                         " neurons and '" + pr.post + "' has " +
                         std::to_string(post->size));
      break;
    case Connectivity::Kind::FixedProbability:
      if (!(c.p >= 0 && c.p <= 1))
        error(c.pLoc.line ? c.pLoc : c.loc,
              "connection probability must be in [0, 1], got " +
                  formatNumber(c.p));
      break;
    case Connectivity::Kind::FixedIndegree: {
      const Loc &kLoc = c.indegreeLoc.line ? c.indegreeLoc : c.loc;
      if (c.indegree < 0)
        error(kLoc,
              "indegree k must be >= 0, got " + std::to_string(c.indegree));
      else if (preSize >= 0) {
        bool self = pr.pre == pr.post && !c.allowSelf;
        int64_t available = self ? preSize - 1 : preSize;
        if (c.indegree > available)
          error(kLoc, "indegree k = " + std::to_string(c.indegree) +
                          " is larger than the " + std::to_string(available) +
                          " presynaptic neurons available" +
                          (self ? " (self-connections excluded)" : "") +
                          " (connections are drawn without replacement)");
      }
      break;
    }
    case Connectivity::Kind::FixedTotalNumber: {
      const Loc &nLoc = c.totalLoc.line ? c.totalLoc : c.loc;
      if (c.total < 0) {
        error(nLoc, "the total number of synapses n must be >= 0, got " +
                        std::to_string(c.total));
      } else if (c.total > kMaxTotalSynapses) {
        error(nLoc, "the total number of synapses n = " +
                        std::to_string(c.total) + " is too large (at most " +
                        "2^60 = " + std::to_string(kMaxTotalSynapses) +
                        ": more cannot be addressed in memory)");
      } else if (c.total > 0 && preSize >= 0 && post) {
        // Pairs to draw from: every (pre, post), without i -> i when
        // self-connections of a population onto itself are excluded.
        bool self = pr.pre == pr.post && !c.allowSelf;
        int64_t perPre = self ? post->size - 1 : post->size;
        if (preSize < 1 || perPre < 1) {
          std::string why;
          if (self)
            why = "'" + pr.pre + "' has " + std::to_string(preSize) +
                  (preSize == 1 ? " neuron" : " neurons") +
                  " and self-connections are excluded";
          else
            why = "'" + pr.pre + "' has " + std::to_string(preSize) +
                  " neurons and '" + pr.post + "' has " +
                  std::to_string(post->size);
          error(nLoc, "fixed_total_number connectivity cannot draw n = " +
                          std::to_string(c.total) +
                          " synapses: there is no (pre, post) pair to "
                          "connect (" +
                          why + ")");
        }
      }
      break;
    }
    case Connectivity::Kind::List:
      if (c.file.empty())
        error(c.fileLoc.line ? c.fileLoc : c.loc,
              what + ": connectivity \"list\" needs a file");
      break;
    }

    // Weight and delay.
    if (sm)
      synapseUse(m, pr, *sm, nm, isList, f32);
    if (!pr.plastic())
      valueSpec(pr.weight, "the weight of " + what, true, isList, false, "");
    if (target)
      dimAgrees(pr.weight.dim, target->dim, pr.weight.loc,
                "the weight of " + what,
                "its target '" + pr.target + "' of model '" + nm->name + "'");
    if (!pr.plastic())
      drawRange(pr.weight, "the weight of " + what, f32, "");
    valueSpec(pr.delay, "the delay of " + what, false, isList, false, "ms");
    drawRange(pr.delay, "the delay of " + what, false, "ms");
    delaySteps(pr.delay, "the delay of " + what, sim.dt);
  }

  // Neuron models, populations, sources, currents, Poisson inputs and
  // projections become symbols of one network: their names must differ
  // across kinds too (within a kind, and between populations and sources,
  // a second definition is reported above).
  struct Named {
    std::string name, kind;
    Loc loc;
  };
  std::vector<Named> named;
  for (const NeuronModel &nm : m.models)
    named.push_back({nm.name, "neuron model", nm.loc});
  for (const SynapseModel &sm : m.synapseModels)
    named.push_back({sm.name, "synapse model", sm.loc});
  for (const Population &p : m.populations)
    named.push_back({p.name, "population", p.loc});
  for (const Source &src : m.sources)
    named.push_back({src.name, "source", src.loc});
  for (const CurrentInput &c : m.currents)
    named.push_back({c.name, "current", c.loc});
  for (const PoissonInput &pi : m.poissonInputs)
    named.push_back({pi.name, "poisson input", pi.loc});
  for (const Projection &pr : m.projections)
    named.push_back({pr.name, "projection", pr.loc});
  auto group = [](const std::string &kind) {
    return kind == "population" || kind == "source";
  };
  for (size_t i = 0; i < named.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const Named &a = named[j], &b = named[i];
      if (a.name != b.name || a.kind == b.kind ||
          (group(a.kind) && group(b.kind)))
        continue;
      error(b.loc, b.kind + " '" + b.name + "' has the name of " + a.kind +
                       " '" + a.name +
                       "' (neuron models, populations, sources, currents, "
                       "poisson inputs and projections share one "
                       "namespace)");
      break;
    }

  // Recording.
  const Recording &r = m.record;
  std::vector<std::string> recorded;
  for (size_t i = 0; i < r.spikes.size(); ++i) {
    const std::string &n = r.spikes[i];
    const Loc &loc =
        i < r.spikeLocs.size() ? r.spikeLocs[i] : Loc{m.file, 0, 0, "/record"};
    if (!m.findPopulation(n) && !m.findSource(n))
      error(loc, "cannot record spikes of unknown population '" + n + "'" +
                     groupSuggestion(n));
    else if (std::find(recorded.begin(), recorded.end(), n) != recorded.end())
      error(loc, "spikes of '" + n + "' are recorded twice");
    recorded.push_back(n);
  }
  std::vector<std::string> weighed;
  for (size_t i = 0; i < r.weights.size(); ++i) {
    const std::string &n = r.weights[i];
    const Loc &loc = i < r.weightLocs.size() ? r.weightLocs[i]
                                              : Loc{m.file, 0, 0, "/record"};
    if (std::find(projectionNames.begin(), projectionNames.end(), n) ==
        projectionNames.end())
      error(loc, m.findPopulation(n) || m.findSource(n)
                     ? "'" + n + "' is a population; weights are recorded "
                                 "of projections"
                     : "cannot record the weights of unknown projection '" +
                           n + "'" + didYouMean(n, projectionNames));
    else if (std::find(weighed.begin(), weighed.end(), n) != weighed.end())
      error(loc, "the weights of '" + n + "' are recorded twice");
    weighed.push_back(n);
  }
  for (const Recording::SynapseState &s : r.synapses) {
    const Projection *pr = nullptr;
    for (const Projection &p : m.projections)
      if (p.name == s.projection)
        pr = &p;
    if (!pr) {
      error(s.loc, "cannot record the synapses of unknown projection '" +
                       s.projection + "'" +
                       didYouMean(s.projection, projectionNames));
      continue;
    }
    const SynapseModel *sm =
        pr->plastic() ? m.findSynapseModel(pr->synapse) : nullptr;
    if (!pr->plastic()) {
      error(s.loc, "projection '" + s.projection +
                       "' has no synapse model: record its weights with "
                       "\"weights\"");
      continue;
    }
    if (!sm)
      continue; // reported at the projection
    std::vector<std::string> vars, seen;
    for (const Variable &v : sm->variables)
      vars.push_back(v.name);
    for (size_t i = 0; i < s.variables.size(); ++i) {
      const std::string &n = s.variables[i];
      const Loc &at = i < s.variableLocs.size() ? s.variableLocs[i] : s.loc;
      if (std::find(vars.begin(), vars.end(), n) == vars.end())
        error(at, "synapse model '" + sm->name + "' of projection '" +
                      s.projection + "' has no variable '" + n + "'" +
                      didYouMean(n, vars));
      else if (std::find(seen.begin(), seen.end(), n) != seen.end())
        error(at, "'" + n + "' of projection '" + s.projection +
                      "' is recorded twice");
      seen.push_back(n);
    }
  }
  for (const StateRecording &s : r.state) {
    if (!s.projection.empty()) {
      synapseRecording(m, s, projectionNames);
      continue;
    }
    const Loc &popLoc = s.populationLoc.line ? s.populationLoc : s.loc;
    const Population *p = m.findPopulation(s.population);
    if (!p) {
      if (m.findSource(s.population))
        error(popLoc,
              "'" + s.population + "' is a source; it has no state to record");
      else
        error(popLoc, "cannot record unknown population '" + s.population +
                          "'" + didYouMean(s.population, populationNames));
    } else if (const NeuronModel *nm = m.findModel(p->model)) {
      std::string why = notAVariable(*nm, s.variable);
      if (!why.empty())
        error(s.variableLoc.line ? s.variableLoc : s.loc,
              "cannot record '" + s.variable + "': " + why);
    }
    for (size_t i = 0; i < s.neurons.size(); ++i) {
      const Loc &loc = i < s.neuronLocs.size() ? s.neuronLocs[i] : s.loc;
      if (s.neurons[i] < 0 || (p && s.neurons[i] >= p->size))
        error(loc, "neuron index " + std::to_string(s.neurons[i]) +
                       " is out of range" +
                       (p ? " [0, " + std::to_string(p->size) + ") of '" +
                                p->name + "'"
                          : std::string()));
    }
    if (s.every < 1)
      error(s.everyLoc.line ? s.everyLoc : s.loc,
            "'every' must be >= 1 (steps), got " + std::to_string(s.every));
  }
  if (r.format != "npy" && r.format != "csv")
    error(Loc{m.loc.file.empty() ? m.file : m.loc.file, 0, 0, "/record"},
          "record format must be \"npy\" or \"csv\", got \"" + r.format + "\"");
}

} // namespace

bool checkNeuronModel(const NeuronModel &model,
                      std::vector<Diagnostic> &diags) {
  Checker c(diags);
  c.neuronModel(model);
  return c.errors == 0;
}

bool checkModel(const Model &model, std::vector<Diagnostic> &diags) {
  Checker c(diags);
  c.model(model);
  return c.errors == 0;
}

} // namespace snn::ast
