//===- MLIRGen.cpp - The AST to the snn dialect ---------------------------===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#include "snn/MLIRGen/MLIRGen.h"
#include "snn/Dialect/SNN/SNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <cmath>
#include <functional>

using namespace mlir;
namespace ast = ::snn::ast;

namespace {

class Generator {
public:
  Generator(MLIRContext &context, const ast::Model &model)
      : ctx(context), model(model), b(&context) {
    floatType = model.simulation.precision == ast::Precision::F32
                    ? FloatType(b.getF32Type())
                    : FloatType(b.getF64Type());
  }

  OwningOpRef<ModuleOp> run();

private:
  /// The model file's line and column, named by the value's JSON pointer
  /// when it has one, so that errors raised by passes say both.
  Location loc(const ast::Loc &l) {
    std::string file = l.file.empty() ? model.file : l.file;
    Location position = FileLineColLoc::get(&ctx, file, l.line, l.col);
    if (l.path.empty())
      return position;
    return NameLoc::get(StringAttr::get(&ctx, l.path), position);
  }
  ArrayAttr names(const std::vector<std::string> &list) {
    SmallVector<Attribute> attrs;
    for (const std::string &n : list)
      attrs.push_back(b.getStringAttr(n));
    return b.getArrayAttr(attrs);
  }
  Attribute valueSpec(const ast::ValueSpec &spec);
  Attribute connectivity(const ast::Connectivity &c);

  /// Expressions: `scope` maps names to the region's block arguments.
  Value expr(const ast::Expr &e, const llvm::StringMap<Value> &scope);
  Value number(double v, Location l) {
    return b.create<arith::ConstantOp>(l, b.getFloatAttr(floatType, v));
  }
  bool expectFloat(Value v, const ast::Expr &e);
  bool expectBool(Value v, const ast::Expr &e);

  void genNeuronModel(const ast::NeuronModel &m);
  /// The value statement `a` gives its variable, which was `old`, with
  /// right-hand side `rhs` (`=`, `+=`, `-=`, `*=`, `/=`).
  Value assigned(const ast::Assignment &a, Value old, Value rhs);
  /// Applies `statements` in order to the values in `current`.
  void applyStatements(const std::vector<ast::Assignment> &statements,
                       llvm::StringMap<Value> &current);
  /// snn.periodic for `owner`: a block over `args` (names), the
  /// statements applied in order, yielding the values of `yields`.
  void genPeriodic(const ast::Periodic &p, llvm::StringRef owner,
                   const std::vector<std::string> &args,
                   const std::vector<std::string> &yields,
                   const std::vector<std::string> &postReads,
                   const std::map<std::string, double> &constants = {},
                   const std::vector<std::string> &linkNames = {},
                   const std::vector<std::string> &preReads = {});
  /// A synapse model's op, named `name`; `target` (when not empty) is the
  /// post variable its `target_post` stands for.
  void genSynapseModel(const ast::SynapseModel &m, const std::string &name,
                       const std::string &target);
  /// A block for one region of `op` with the model's arguments; fills
  /// `scope`.
  Block *regionBlock(Region &region, const ast::NeuronModel &m,
                     llvm::StringMap<Value> &scope);

  MLIRContext &ctx;
  const ast::Model &model;
  OpBuilder b;
  FloatType floatType;
  bool failed = false;
};

Attribute Generator::valueSpec(const ast::ValueSpec &spec) {
  switch (spec.kind) {
  case ast::ValueSpec::Kind::Constant:
    return b.getF64FloatAttr(spec.a);
  case ast::ValueSpec::Kind::Uniform:
    return mlir::snn::UniformAttr::get(&ctx, llvm::APFloat(spec.a),
                                       llvm::APFloat(spec.b));
  case ast::ValueSpec::Kind::Normal: {
    llvm::APFloat inf = llvm::APFloat::getInf(llvm::APFloat::IEEEdouble());
    llvm::APFloat minusInf =
        llvm::APFloat::getInf(llvm::APFloat::IEEEdouble(), true);
    return mlir::snn::NormalAttr::get(
        &ctx, llvm::APFloat(spec.a), llvm::APFloat(spec.b),
        spec.clipLow ? llvm::APFloat(*spec.clipLow) : minusInf,
        spec.clipHigh ? llvm::APFloat(*spec.clipHigh) : inf);
  }
  case ast::ValueSpec::Kind::File:
    return mlir::snn::FileAttr::get(&ctx, spec.file, spec.column,
                                    llvm::APFloat(spec.scale), spec.index);
  case ast::ValueSpec::Kind::FromList:
    return mlir::snn::FromListAttr::get(&ctx, spec.column,
                                        llvm::APFloat(spec.scale));
  }
  return {};
}

Attribute Generator::connectivity(const ast::Connectivity &c) {
  using Kind = ast::Connectivity::Kind;
  switch (c.kind) {
  case Kind::AllToAll:
    return mlir::snn::AllToAllAttr::get(&ctx, c.allowSelf);
  case Kind::OneToOne:
    return mlir::snn::OneToOneAttr::get(&ctx);
  case Kind::FixedProbability:
    return mlir::snn::FixedProbabilityAttr::get(&ctx, llvm::APFloat(c.p),
                                                c.allowSelf);
  case Kind::FixedIndegree:
    return mlir::snn::FixedIndegreeAttr::get(&ctx, c.indegree, c.allowSelf);
  case Kind::FixedTotalNumber:
    return mlir::snn::FixedTotalNumberAttr::get(&ctx, c.total, c.allowSelf);
  case Kind::List:
    return mlir::snn::SynapseListAttr::get(&ctx, c.file);
  }
  return {};
}

bool Generator::expectFloat(Value v, const ast::Expr &e) {
  if (v && isa<FloatType>(v.getType()))
    return true;
  if (v)
    emitError(loc(e.loc)) << "expected a number here, found a condition";
  failed = true;
  return false;
}

bool Generator::expectBool(Value v, const ast::Expr &e) {
  if (v && v.getType().isInteger(1))
    return true;
  if (v)
    emitError(loc(e.loc)) << "expected a condition here, found a number";
  failed = true;
  return false;
}

Value Generator::expr(const ast::Expr &e, const llvm::StringMap<Value> &scope) {
  Location l = loc(e.loc);
  switch (e.kind) {
  case ast::ExprKind::Number:
    return number(e.value, l);
  case ast::ExprKind::Variable: {
    Value v = scope.lookup(e.name);
    if (!v && e.name == "dt") // the time step (ms), a constant
      return number(model.simulation.dt, l);
    if (!v && e.name == "pi")
      return number(M_PI, l);
    if (!v) {
      emitError(l) << "unknown name '" << e.name << "'";
      failed = true;
    }
    return v;
  }
  case ast::ExprKind::Unary: {
    Value x = expr(*e.operands[0], scope);
    if (e.op == ast::Op::Not) {
      if (!expectBool(x, *e.operands[0]))
        return {};
      Value t = b.create<arith::ConstantOp>(l, b.getBoolAttr(true));
      return b.create<arith::XOrIOp>(l, x, t);
    }
    if (!expectFloat(x, *e.operands[0]))
      return {};
    return b.create<arith::NegFOp>(l, x);
  }
  case ast::ExprKind::Binary: {
    Value x = expr(*e.operands[0], scope);
    Value y = expr(*e.operands[1], scope);
    if (!x || !y)
      return {};
    if (e.op == ast::Op::And || e.op == ast::Op::Or) {
      if (!expectBool(x, *e.operands[0]) || !expectBool(y, *e.operands[1]))
        return {};
      if (e.op == ast::Op::And)
        return b.create<arith::AndIOp>(l, x, y);
      return b.create<arith::OrIOp>(l, x, y);
    }
    if (!expectFloat(x, *e.operands[0]) || !expectFloat(y, *e.operands[1]))
      return {};
    auto compare = [&](arith::CmpFPredicate p) -> Value {
      return b.create<arith::CmpFOp>(l, p, x, y);
    };
    switch (e.op) {
    case ast::Op::Add:
      return b.create<arith::AddFOp>(l, x, y);
    case ast::Op::Sub:
      return b.create<arith::SubFOp>(l, x, y);
    case ast::Op::Mul:
      return b.create<arith::MulFOp>(l, x, y);
    case ast::Op::Div:
      return b.create<arith::DivFOp>(l, x, y);
    case ast::Op::Pow:
      return b.create<math::PowFOp>(l, x, y);
    case ast::Op::Lt:
      return compare(arith::CmpFPredicate::OLT);
    case ast::Op::Le:
      return compare(arith::CmpFPredicate::OLE);
    case ast::Op::Gt:
      return compare(arith::CmpFPredicate::OGT);
    case ast::Op::Ge:
      return compare(arith::CmpFPredicate::OGE);
    case ast::Op::Eq:
      return compare(arith::CmpFPredicate::OEQ);
    case ast::Op::Ne:
      return compare(arith::CmpFPredicate::UNE);
    default:
      break;
    }
    emitError(l) << "unsupported operator";
    failed = true;
    return {};
  }
  case ast::ExprKind::Call: {
    const std::string &f = e.name;
    SmallVector<Value> args;
    for (const ast::ExprPtr &operand : e.operands)
      args.push_back(expr(*operand, scope));
    if (llvm::any_of(args, [](Value v) { return !v; }))
      return {};
    if (f == "ifelse") {
      if (!expectBool(args[0], *e.operands[0]) ||
          !expectFloat(args[1], *e.operands[1]) ||
          !expectFloat(args[2], *e.operands[2]))
        return {};
      return b.create<arith::SelectOp>(l, args[0], args[1], args[2]);
    }
    for (auto [arg, operand] : llvm::zip(args, e.operands))
      if (!expectFloat(arg, *operand))
        return {};
    auto unary = [&]() -> Value {
      Value x = args[0];
      if (f == "exp") return b.create<math::ExpOp>(l, x);
      if (f == "expm1") return b.create<math::ExpM1Op>(l, x);
      if (f == "log") return b.create<math::LogOp>(l, x);
      if (f == "log1p") return b.create<math::Log1pOp>(l, x);
      if (f == "log2") return b.create<math::Log2Op>(l, x);
      if (f == "log10") return b.create<math::Log10Op>(l, x);
      if (f == "sqrt") return b.create<math::SqrtOp>(l, x);
      if (f == "cbrt") return b.create<math::CbrtOp>(l, x);
      if (f == "abs") return b.create<math::AbsFOp>(l, x);
      if (f == "floor") return b.create<math::FloorOp>(l, x);
      if (f == "ceil") return b.create<math::CeilOp>(l, x);
      if (f == "round") return b.create<math::RoundOp>(l, x);
      if (f == "sin") return b.create<math::SinOp>(l, x);
      if (f == "cos") return b.create<math::CosOp>(l, x);
      if (f == "tan") return b.create<math::TanOp>(l, x);
      if (f == "tanh") return b.create<math::TanhOp>(l, x);
      if (f == "sinh") return b.create<math::SinhOp>(l, x);
      if (f == "cosh") return b.create<math::CoshOp>(l, x);
      if (f == "asin") return b.create<math::AsinOp>(l, x);
      if (f == "acos") return b.create<math::AcosOp>(l, x);
      if (f == "atan") return b.create<math::AtanOp>(l, x);
      if (f == "erf") return b.create<math::ErfOp>(l, x);
      return {};
    };
    Value result;
    if (args.size() == 1) {
      result = unary();
    } else if (args.size() == 2) {
      if (f == "pow")
        result = b.create<math::PowFOp>(l, args[0], args[1]);
      else if (f == "atan2")
        result = b.create<math::Atan2Op>(l, args[0], args[1]);
      else if (f == "min")
        result = b.create<arith::MinimumFOp>(l, args[0], args[1]);
      else if (f == "max")
        result = b.create<arith::MaximumFOp>(l, args[0], args[1]);
    } else if (args.size() == 3 && f == "clip") {
      // x < low: low; then above high: high (so high when low > high, as
      // numpy's clip); else x: NaN stays NaN, -0 stays -0 (as Brian2's C++
      // _clip and numpy's). A compare and a select each, which x86 does in
      // one max and one min (maximumf/minimumf took four instructions: the
      // NaN check and a blend).
      auto pick = [&](arith::CmpFPredicate outside, Value x, Value bound) {
        return b.create<arith::SelectOp>(
            l, b.create<arith::CmpFOp>(l, outside, x, bound), bound, x);
      };
      result = pick(arith::CmpFPredicate::OGT,
                    pick(arith::CmpFPredicate::OLT, args[0], args[1]),
                    args[2]);
    }
    if (!result) {
      emitError(l) << "unknown function '" << f << "' with " << args.size()
                   << " argument(s)";
      failed = true;
    }
    return result;
  }
  }
  return {};
}

/// Whether the equations, threshold or reset of `m` read the time `t`.
static bool readsTime(const ast::NeuronModel &m) {
  std::function<bool(const ast::Expr &)> reads = [&](const ast::Expr &e) {
    if (e.kind == ast::ExprKind::Variable && e.name == "t")
      return true;
    for (const ast::ExprPtr &o : e.operands)
      if (o && reads(*o))
        return true;
    return false;
  };
  for (const ast::Equation &e : m.equations)
    if (e.rhs && reads(*e.rhs))
      return true;
  if (m.threshold && reads(*m.threshold))
    return true;
  for (const ast::Assignment &a : m.reset)
    if (a.rhs && reads(*a.rhs))
      return true;
  return false;
}

Block *Generator::regionBlock(Region &region, const ast::NeuronModel &m,
                              llvm::StringMap<Value> &scope) {
  Block *block = new Block();
  region.push_back(block);
  Location l = loc(m.loc);
  auto add = [&](const std::string &name) {
    scope[name] = block->addArgument(floatType, l);
  };
  for (const ast::Variable &v : m.variables)
    add(v.name);
  // The inputs: currents', then links (read from another population), then
  // the time `t` where the model reads it (the lowering gives it the time
  // of the step; snn-integrate the time of each stage).
  for (const std::string &input : m.inputs)
    add(input);
  for (const std::string &link : m.links)
    add(link);
  if (readsTime(m))
    add("t");
  for (const ast::Param &p : m.params)
    add(p.name);
  b.setInsertionPointToStart(block);
  return block;
}

Value Generator::assigned(const ast::Assignment &a, Value old, Value rhs) {
  Location l = loc(a.loc);
  switch (a.op) {
  case ast::AssignOp::Set:
    return rhs;
  case ast::AssignOp::Add:
    return b.create<arith::AddFOp>(l, old, rhs);
  case ast::AssignOp::Sub:
    return b.create<arith::SubFOp>(l, old, rhs);
  case ast::AssignOp::Mul:
    return b.create<arith::MulFOp>(l, old, rhs);
  case ast::AssignOp::Div:
    return b.create<arith::DivFOp>(l, old, rhs);
  }
  return rhs;
}

void Generator::applyStatements(const std::vector<ast::Assignment> &statements,
                                llvm::StringMap<Value> &current) {
  for (const ast::Assignment &a : statements) {
    Value rhs = expr(*a.rhs, current);
    if (!expectFloat(rhs, *a.rhs))
      continue;
    current[a.var] = assigned(a, current.lookup(a.var), rhs);
  }
}

void Generator::genNeuronModel(const ast::NeuronModel &m) {
  Location l = loc(m.loc);
  std::vector<std::string> vars, params;
  for (const ast::Variable &v : m.variables)
    vars.push_back(v.name);
  for (const ast::Param &p : m.params)
    params.push_back(p.name);
  std::vector<std::string> inputs(m.inputs);
  inputs.insert(inputs.end(), m.links.begin(), m.links.end());
  if (readsTime(m))
    inputs.push_back("t");
  auto op = b.create<mlir::snn::NeuronModelOp>(
      l, b.getStringAttr(m.name), names(vars), names(inputs), names(params),
      b.getStringAttr(ast::methodName(m.method)), b.getF64FloatAttr(m.refractory),
      names(m.refractoryClamped));
  OpBuilder::InsertionGuard guard(b);

  // ode: dX/dt for every variable, 0 where there is no equation.
  {
    llvm::StringMap<Value> scope;
    regionBlock(op.getOde(), m, scope);
    SmallVector<Value> derivatives;
    for (const ast::Variable &v : m.variables) {
      const ast::Equation *eq = nullptr;
      for (const ast::Equation &e : m.equations)
        if (e.var == v.name)
          eq = &e;
      Value d = eq ? expr(*eq->rhs, scope) : number(0.0, loc(v.loc));
      if (eq && !expectFloat(d, *eq->rhs))
        d = {};
      derivatives.push_back(d ? d : number(0.0, l));
    }
    b.create<mlir::snn::YieldOp>(l, derivatives);
  }
  // threshold
  {
    llvm::StringMap<Value> scope;
    regionBlock(op.getThreshold(), m, scope);
    Value cond;
    if (m.threshold) {
      cond = expr(*m.threshold, scope);
      if (!expectBool(cond, *m.threshold))
        cond = {};
    }
    if (!cond) // no threshold: the model never spikes
      cond = b.create<arith::ConstantOp>(l, b.getBoolAttr(false));
    b.create<mlir::snn::YieldOp>(l, cond);
  }
  // reset: the statements in order.
  {
    llvm::StringMap<Value> scope;
    regionBlock(op.getReset(), m, scope);
    llvm::StringMap<Value> current = scope;
    applyStatements(m.reset, current);
    SmallVector<Value> values;
    for (const ast::Variable &v : m.variables)
      values.push_back(current.lookup(v.name));
    b.create<mlir::snn::YieldOp>(l, values);
  }
}

/// The post neuron variables synapse statements read and add to (`X` of
/// `X_post`), each sorted by name.
static void postNames(const ast::SynapseModel &m,
                      const std::function<std::string(const std::string &)>
                          &bind,
                      std::vector<std::string> &reads,
                      std::vector<std::string> &targets) {
  const std::string suffix = ast::kPostSuffix;
  auto strip = [&](const std::string &name) -> std::optional<std::string> {
    std::string n = bind(name);
    for (const ast::Param &p : m.params)
      if (p.name == n)
        return std::nullopt; // the model's own
    for (const ast::Variable &v : m.variables)
      if (v.name == n)
        return std::nullopt;
    if (n.size() > suffix.size() &&
        n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
      return n.substr(0, n.size() - suffix.size());
    return std::nullopt;
  };
  std::function<void(const ast::Expr &)> walk = [&](const ast::Expr &e) {
    if (e.kind == ast::ExprKind::Variable)
      if (auto x = strip(e.name))
        reads.push_back(*x);
    for (const ast::ExprPtr &o : e.operands)
      if (o)
        walk(*o);
  };
  for (const auto *list : {&m.onPre, &m.onPost})
    for (const ast::Assignment &a : *list) {
      if (a.rhs)
        walk(*a.rhs);
      if (auto x = strip(a.var))
        targets.push_back(*x);
    }
  for (const ast::Equation &e : m.equations)
    if (e.driven == ast::Equation::Driven::Clock && e.rhs)
      walk(*e.rhs);
  for (auto *v : {&reads, &targets}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
}

void Generator::genPeriodic(const ast::Periodic &p, llvm::StringRef owner,
                            const std::vector<std::string> &args,
                            const std::vector<std::string> &yields,
                            const std::vector<std::string> &postReads,
                            const std::map<std::string, double> &constants,
                            const std::vector<std::string> &linkNames,
                            const std::vector<std::string> &preReads) {
  Location l = loc(p.loc);
  int64_t every = std::llround(p.every / model.simulation.dt);
  // The links the statements read (among the arguments, in their order).
  std::vector<std::string> links;
  for (const std::string &n : args)
    if (llvm::is_contained(linkNames, n))
      links.push_back(n);
  auto op = b.create<mlir::snn::PeriodicOp>(
      l, FlatSymbolRefAttr::get(&ctx, owner), b.getI64IntegerAttr(every),
      names(postReads), names(links), names(preReads));
  OpBuilder::InsertionGuard guard(b);
  Block *block = new Block();
  op.getBody().push_back(block);
  llvm::StringMap<Value> current;
  for (const std::string &n : args)
    current[n] = block->addArgument(floatType, l);
  b.setInsertionPointToStart(block);
  for (auto &[n, value] : constants)
    current[n] = number(value, l);
  applyStatements(p.statements, current);
  SmallVector<Value> values;
  for (const std::string &n : yields)
    values.push_back(current.lookup(n));
  b.create<mlir::snn::YieldOp>(l, values);
}

/// Whether the statements of `m` name `target_post` (not a name of its own):
/// the projection's target.
static bool usesTarget(const ast::SynapseModel &m) {
  for (const ast::Param &p : m.params)
    if (p.name == "target_post")
      return false;
  for (const ast::Variable &v : m.variables)
    if (v.name == "target_post")
      return false;
  std::vector<std::string> reads, targets;
  postNames(m, [](const std::string &n) { return n; }, reads, targets);
  return llvm::is_contained(reads, "target") ||
         llvm::is_contained(targets, "target");
}

/// The symbol of the synapse model op projection `p` uses.
static std::string synapseSymbol(const ast::SynapseModel &m,
                                 const ast::Projection &p) {
  return usesTarget(m) ? m.name + "." + p.target : m.name;
}

void Generator::genSynapseModel(const ast::SynapseModel &m,
                                const std::string &name,
                                const std::string &target) {
  Location l = loc(m.loc);
  // `target_post` is the projection's target's `<target>_post`, unless the
  // model declares the name itself.
  bool own = false;
  for (const ast::Param &p : m.params)
    own |= p.name == "target_post";
  for (const ast::Variable &v : m.variables)
    own |= v.name == "target_post";
  auto bind = [&](const std::string &n) {
    if (!own && !target.empty() && n == "target_post")
      return target + ast::kPostSuffix;
    return n;
  };
  std::vector<std::string> vars, params, driven, clock, reads, targets;
  for (const ast::Variable &v : m.variables)
    vars.push_back(v.name);
  for (const ast::Param &p : m.params)
    params.push_back(p.name);
  // Event-driven and clock-driven variables, in the variables' order.
  for (const ast::Variable &v : m.variables)
    for (const ast::Equation &e : m.equations)
      if (e.var == v.name) {
        (e.driven == ast::Equation::Driven::Clock ? clock : driven)
            .push_back(v.name);
        break;
      }
  postNames(m, bind, reads, targets);
  // The presynaptic neuron's variables the statements read (`x_pre`, not a
  // name of the model's own).
  std::vector<std::string> preReads;
  {
    std::vector<std::string> own;
    for (const ast::Param &p : m.params)
      own.push_back(p.name);
    for (const ast::Variable &v : m.variables)
      own.push_back(v.name);
    own.insert(own.end(), m.links.begin(), m.links.end());
    const std::string suffix = ast::kPreSuffix;
    std::function<void(const ast::Expr &)> walk = [&](const ast::Expr &e) {
      if (e.kind == ast::ExprKind::Variable &&
          !llvm::is_contained(own, e.name) && e.name.size() > suffix.size() &&
          llvm::StringRef(e.name).ends_with(suffix))
        preReads.push_back(e.name.substr(0, e.name.size() - suffix.size()));
      for (const ast::ExprPtr &o : e.operands)
        if (o)
          walk(*o);
    };
    for (const auto *list : {&m.onPre, &m.onPost})
      for (const ast::Assignment &a : *list)
        if (a.rhs)
          walk(*a.rhs);
    for (const ast::Equation &e : m.equations)
      if (e.driven == ast::Equation::Driven::Clock && e.rhs)
        walk(*e.rhs);
    std::sort(preReads.begin(), preReads.end());
    preReads.erase(std::unique(preReads.begin(), preReads.end()),
                   preReads.end());
  }
  auto op = b.create<mlir::snn::SynapseModelOp>(
      l, b.getStringAttr(name), names(vars), names(params), names(driven),
      names(reads), names(targets), names(preReads), names(m.links),
      b.getStringAttr(m.weight), names(clock), b.getStringAttr(m.method));
  OpBuilder::InsertionGuard guard(b);
  auto argsOf = [&](Region &region, const std::vector<std::string> &list,
                    llvm::StringMap<Value> &scope) {
    Block *block = new Block();
    region.push_back(block);
    for (const std::string &n : list)
      scope[n] = block->addArgument(floatType, l);
    b.setInsertionPointToStart(block);
  };
  // A region of `args` yielding the derivatives of `solved`.
  auto derivatives = [&](Region &region, const std::vector<std::string> &args,
                         const std::vector<std::string> &solved) {
    llvm::StringMap<Value> scope;
    argsOf(region, args, scope);
    SmallVector<Value> values;
    for (const std::string &v : solved)
      for (const ast::Equation &e : m.equations)
        if (e.var == v) {
          Value d = expr(*e.rhs, scope);
          if (!expectFloat(d, *e.rhs))
            d = number(0.0, l);
          values.push_back(d);
          break;
        }
    b.create<mlir::snn::YieldOp>(l, values);
  };
  if (!driven.empty()) {
    std::vector<std::string> args(driven);
    args.insert(args.end(), params.begin(), params.end());
    derivatives(op.getOde(), args, driven);
  }
  // The clock-driven equations take the arguments of the statements.
  auto eventArgs = [&] {
    std::vector<std::string> args(vars);
    for (const std::string &r : reads)
      args.push_back(r + ast::kPostSuffix);
    for (const std::string &r : preReads)
      args.push_back(r + ast::kPreSuffix);
    args.insert(args.end(), m.links.begin(), m.links.end());
    args.insert(args.end(), params.begin(), params.end());
    return args;
  };
  if (!clock.empty())
    derivatives(op.getClock(), eventArgs(), clock);
  // on_pre, on_post: the statements in order; a post variable added to
  // reads its value plus what was added so far.
  auto statements = [&](Region &region,
                        const std::vector<ast::Assignment> &list) {
    llvm::StringMap<Value> scope;
    argsOf(region, eventArgs(), scope);
    if (std::string bound = bind("target_post"); bound != "target_post")
      if (Value v = scope.lookup(bound))
        scope["target_post"] = v;
    llvm::StringMap<Value> current = scope;
    llvm::StringMap<Value> added;
    for (const std::string &t : targets)
      added[t + ast::kPostSuffix] = Value(); // nothing added yet
    for (const ast::Assignment &a : list) {
      Value rhs = expr(*a.rhs, current);
      if (!expectFloat(rhs, *a.rhs))
        continue;
      Location al = loc(a.loc);
      const std::string var = bind(a.var);
      auto post = added.find(var);
      if (post != added.end()) {
        Value amount = a.op == ast::AssignOp::Sub
                           ? Value(b.create<arith::NegFOp>(al, rhs))
                           : rhs;
        post->second = post->second ? b.create<arith::AddFOp>(
                                          al, post->second, amount)
                                    : amount;
        if (Value read = scope.lookup(var)) {
          Value now = b.create<arith::AddFOp>(al, read, post->second);
          current[var] = now;
          current[a.var] = now;
        }
        continue;
      }
      current[a.var] = assigned(a, current.lookup(a.var), rhs);
    }
    SmallVector<Value> values;
    for (const std::string &v : vars)
      values.push_back(current.lookup(v));
    for (const std::string &t : targets) {
      Value amount = added.lookup(t + ast::kPostSuffix);
      values.push_back(amount ? amount : number(0.0, l));
    }
    b.create<mlir::snn::YieldOp>(l, values);
  };
  statements(op.getOnPre(), m.onPre);
  if (!m.onPost.empty())
    statements(op.getOnPost(), m.onPost);
}

OwningOpRef<ModuleOp> Generator::run() {
  Location fileLoc = FileLineColLoc::get(&ctx, model.file, 1, 1);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  const ast::Simulation &sim = model.simulation;
  auto network = b.create<mlir::snn::NetworkOp>(
      loc(sim.loc), b.getStringAttr(model.name), b.getF64FloatAttr(sim.dt),
      b.getF64FloatAttr(sim.duration),
      b.getIntegerAttr(b.getIntegerType(64, /*isSigned=*/false),
                       llvm::APInt(64, sim.seed)),
      TypeAttr::get(floatType), b.getStringAttr(model.record.format),
      b.getStringAttr(model.file));
  network.getBody().push_back(new Block());
  b.setInsertionPointToEnd(&network.getBody().front());

  for (const ast::NeuronModel &m : model.models)
    genNeuronModel(m);
  // Synapse models, as the projections use them: one op per model, or,
  // for a model that adds to `target_post`, one per target
  // (`<model>.<target>`).
  llvm::StringSet<> emittedSynapses;
  for (const ast::Projection &p : model.projections) {
    const ast::SynapseModel *sm =
        p.plastic() ? model.findSynapseModel(p.synapse) : nullptr;
    if (!sm)
      continue;
    std::string name = synapseSymbol(*sm, p);
    if (emittedSynapses.insert(name).second)
      genSynapseModel(*sm, name, usesTarget(*sm) ? p.target : "");
  }

  for (const ast::Population &p : model.populations) {
    const ast::NeuronModel *m = model.findModel(p.model);
    if (!m) {
      emitError(loc(p.loc)) << "unknown neuron model '" << p.model << "'";
      failed = true;
      continue;
    }
    SmallVector<NamedAttribute> params, init;
    for (const ast::Param &param : m->params) {
      auto it = p.params.find(param.name);
      double value = it != p.params.end() ? it->second : param.value;
      params.push_back(b.getNamedAttr(param.name, b.getF64FloatAttr(value)));
    }
    for (const ast::Variable &v : m->variables) {
      auto it = p.initial.find(v.name);
      Attribute spec = it != p.initial.end() ? valueSpec(it->second)
                                             : b.getF64FloatAttr(v.initial);
      init.push_back(b.getNamedAttr(v.name, spec));
    }
    SmallVector<NamedAttribute> links;
    for (auto &[name, link] : p.links)
      links.push_back(b.getNamedAttr(
          name, b.getStringAttr(link.population + "." + link.variable)));
    b.create<mlir::snn::PopulationOp>(
        loc(p.loc), b.getStringAttr(p.name),
        FlatSymbolRefAttr::get(&ctx, p.model), b.getI64IntegerAttr(p.size),
        b.getDictionaryAttr(params), b.getDictionaryAttr(init),
        b.getDictionaryAttr(links));
  }

  for (const ast::Source &s : model.sources) {
    if (s.kind == ast::Source::Kind::Poisson)
      b.create<mlir::snn::PoissonSourceOp>(loc(s.loc), b.getStringAttr(s.name),
                                           b.getI64IntegerAttr(s.size),
                                           valueSpec(s.rate));
    else
      b.create<mlir::snn::SpikeSourceArrayOp>(
          loc(s.loc), b.getStringAttr(s.name), b.getI64IntegerAttr(s.size),
          b.getStringAttr(s.file));
  }

  for (const ast::CurrentInput &c : model.currents) {
    bool table = c.kind == ast::CurrentInput::Kind::TimedArray;
    const char *kind = c.kind == ast::CurrentInput::Kind::Noise ? "noise"
                       : table                                  ? "timed_array"
                                                                : "constant";
    // A row every `every` steps (the checker made it a whole number).
    int64_t every =
        table ? std::max<int64_t>(
                    1, std::llround(c.tableDt / model.simulation.dt))
              : 0;
    b.create<mlir::snn::CurrentOp>(
        loc(c.loc), b.getStringAttr(c.name),
        FlatSymbolRefAttr::get(&ctx, c.target), b.getStringAttr(c.variable),
        b.getStringAttr(kind), valueSpec(c.amplitude),
        b.getF64FloatAttr(c.stddev), b.getF64FloatAttr(c.start),
        b.getF64FloatAttr(c.stop),
        table ? b.getI64IntegerAttr(c.rows) : IntegerAttr(),
        table ? b.getI64IntegerAttr(c.columns) : IntegerAttr(),
        table ? b.getI64IntegerAttr(every) : IntegerAttr());
  }

  for (const ast::PoissonInput &pi : model.poissonInputs)
    b.create<mlir::snn::PoissonInputOp>(
        loc(pi.loc), b.getStringAttr(pi.name),
        FlatSymbolRefAttr::get(&ctx, pi.target), b.getStringAttr(pi.variable),
        b.getI64IntegerAttr(pi.n), b.getF64FloatAttr(pi.rate),
        b.getF64FloatAttr(pi.weight));

  for (const ast::Projection &p : model.projections) {
    if (!p.plastic()) {
      b.create<mlir::snn::ProjectionOp>(
          loc(p.loc), b.getStringAttr(p.name),
          FlatSymbolRefAttr::get(&ctx, p.pre),
          FlatSymbolRefAttr::get(&ctx, p.post), b.getStringAttr(p.target),
          /*synapse=*/FlatSymbolRefAttr(), connectivity(p.connectivity),
          valueSpec(p.weight), valueSpec(p.delay), /*synapse_params=*/nullptr,
          /*synapse_init=*/nullptr, /*synapse_links=*/nullptr,
          /*pre_traces=*/nullptr, /*post_traces=*/nullptr,
          /*storage=*/mlir::snn::StorageKindAttr());
      continue;
    }
    // A synapse model: every parameter's value, the weight's initial value
    // as the projection's weight, the others' in synapse_init.
    const ast::SynapseModel *sm = model.findSynapseModel(p.synapse);
    if (!sm) {
      emitError(loc(p.loc)) << "unknown synapse model '" << p.synapse << "'";
      failed = true;
      continue;
    }
    SmallVector<NamedAttribute> params, init;
    for (const ast::Param &param : sm->params) {
      auto it = p.synapseParams.find(param.name);
      double value = it != p.synapseParams.end() ? it->second : param.value;
      params.push_back(b.getNamedAttr(param.name, b.getF64FloatAttr(value)));
    }
    SmallVector<NamedAttribute> links;
    for (auto &[name, link] : p.synapseLinks)
      links.push_back(b.getNamedAttr(
          name, b.getStringAttr(link.population + "." + link.variable)));
    Attribute weight;
    for (const ast::Variable &v : sm->variables) {
      auto it = p.synapseInitial.find(v.name);
      Attribute spec = it != p.synapseInitial.end()
                           ? valueSpec(it->second)
                           : b.getF64FloatAttr(v.initial);
      if (v.name == sm->weight)
        weight = spec;
      else if (it != p.synapseInitial.end() || v.initial != 0.0)
        init.push_back(b.getNamedAttr(v.name, spec));
    }
    b.create<mlir::snn::ProjectionOp>(
        loc(p.loc), b.getStringAttr(p.name), FlatSymbolRefAttr::get(&ctx, p.pre),
        FlatSymbolRefAttr::get(&ctx, p.post), /*target=*/StringAttr(),
        FlatSymbolRefAttr::get(&ctx, synapseSymbol(*sm, p)),
        connectivity(p.connectivity),
        weight ? weight : b.getF64FloatAttr(0.0), valueSpec(p.delay),
        b.getDictionaryAttr(params),
        init.empty() ? DictionaryAttr() : b.getDictionaryAttr(init),
        links.empty() ? DictionaryAttr() : b.getDictionaryAttr(links),
        /*pre_traces=*/nullptr, /*post_traces=*/nullptr,
        /*storage=*/mlir::snn::StorageKindAttr());
  }

  // Periodic statements: of populations, then of the projections whose
  // synapse model has them.
  for (const ast::Population &p : model.populations) {
    const ast::NeuronModel *m = model.findModel(p.model);
    if (!m)
      continue;
    // The population's parameters are constants here (its model is
    // specialized per population later).
    std::vector<std::string> vars;
    for (const ast::Variable &v : m->variables)
      vars.push_back(v.name);
    std::map<std::string, double> constants;
    for (const ast::Param &param : m->params) {
      auto it = p.params.find(param.name);
      constants[param.name] = it != p.params.end() ? it->second : param.value;
    }
    // The model's links follow its variables.
    std::vector<std::string> args(vars);
    args.insert(args.end(), m->links.begin(), m->links.end());
    for (const ast::Periodic &periodic : p.periodic)
      genPeriodic(periodic, p.name, args, vars, {}, constants, m->links);
  }
  for (const ast::Projection &p : model.projections) {
    const ast::SynapseModel *sm =
        p.plastic() ? model.findSynapseModel(p.synapse) : nullptr;
    if (!sm)
      continue;
    std::vector<std::string> vars;
    for (const ast::Variable &v : sm->variables)
      vars.push_back(v.name);
    for (const ast::Periodic &periodic : sm->periodic) {
      // The post and pre variables and the links these statements read, by
      // name (not names of the model's own).
      std::vector<std::string> reads, preReads, links;
      auto own = [&](const std::string &n) {
        return llvm::is_contained(vars, n) ||
               llvm::any_of(sm->params, [&](const ast::Param &param) {
                 return param.name == n;
               });
      };
      auto stem = [](const std::string &n, llvm::StringRef suffix,
                     std::vector<std::string> &into) {
        if (n.size() > suffix.size() && llvm::StringRef(n).ends_with(suffix))
          into.push_back(n.substr(0, n.size() - suffix.size()));
      };
      std::function<void(const ast::Expr &)> walk = [&](const ast::Expr &e) {
        if (e.kind == ast::ExprKind::Variable && !own(e.name)) {
          if (llvm::is_contained(sm->links, e.name))
            links.push_back(e.name);
          else {
            stem(e.name, ast::kPostSuffix, reads);
            stem(e.name, ast::kPreSuffix, preReads);
          }
        }
        for (const ast::ExprPtr &o : e.operands)
          if (o)
            walk(*o);
      };
      for (const ast::Assignment &a : periodic.statements)
        if (a.rhs)
          walk(*a.rhs);
      for (auto *list : {&reads, &preReads, &links}) {
        std::sort(list->begin(), list->end());
        list->erase(std::unique(list->begin(), list->end()), list->end());
      }
      std::vector<std::string> args(vars);
      for (const std::string &r : reads)
        args.push_back(r + ast::kPostSuffix);
      for (const std::string &r : preReads)
        args.push_back(r + ast::kPreSuffix);
      args.insert(args.end(), links.begin(), links.end());
      for (const ast::Param &param : sm->params)
        args.push_back(param.name);
      genPeriodic(periodic, p.name, args, vars, reads, {}, links, preReads);
    }
  }

  for (const std::string &name : model.record.spikes)
    b.create<mlir::snn::RecordSpikesOp>(fileLoc,
                                        FlatSymbolRefAttr::get(&ctx, name));
  for (auto [name, at] : llvm::zip(model.record.weights,
                                   model.record.weightLocs))
    b.create<mlir::snn::RecordWeightsOp>(loc(at),
                                         FlatSymbolRefAttr::get(&ctx, name));
  for (const ast::Recording::SynapseState &s : model.record.synapses)
    b.create<mlir::snn::RecordSynapsesOp>(
        loc(s.loc), FlatSymbolRefAttr::get(&ctx, s.projection),
        names(s.variables));
  for (const ast::StateRecording &r : model.record.state) {
    if (!r.projection.empty()) {
      llvm::SmallVector<int64_t> pre, post;
      for (auto [i, j] : r.synapses) {
        pre.push_back(i);
        post.push_back(j);
      }
      b.create<mlir::snn::RecordSynapseStateOp>(
          loc(r.loc), FlatSymbolRefAttr::get(&ctx, r.projection),
          b.getStringAttr(r.variable), b.getDenseI64ArrayAttr(pre),
          b.getDenseI64ArrayAttr(post), b.getI64IntegerAttr(r.every));
      continue;
    }
    b.create<mlir::snn::RecordStateOp>(
        loc(r.loc), FlatSymbolRefAttr::get(&ctx, r.population),
        b.getStringAttr(r.variable), b.getDenseI64ArrayAttr(r.neurons),
        b.getI64IntegerAttr(r.every));
  }

  if (failed || mlir::failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace

namespace snn {
OwningOpRef<ModuleOp> mlirGen(MLIRContext &context, const ast::Model &model) {
  context.loadDialect<mlir::snn::SNNDialect, arith::ArithDialect,
                      math::MathDialect>();
  return Generator(context, model).run();
}
} // namespace snn
