//===- Integrate.cpp - snn-integrate: ODEs to per-step updates ------------===//
//
// Part of snnc. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/SNNOps.h"
#include "snn/Transforms/Differentiate.h"
#include "snn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::snn {
#define GEN_PASS_DEF_SNNINTEGRATE
#include "snn/Transforms/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;
using namespace mlir::snn;

namespace {

/// Integrates one neuron model. Works inside the new update block: the ODE
/// body is cloned there as often as the method needs it (once per stage, with
/// the variables mapped to that stage's values).
class ModelIntegrator {
public:
  ModelIntegrator(NeuronModelOp model, double dt)
      : model(model), dt(dt), type(model.getFloatType()),
        numVars(model.getNumVariables()),
        paramBegin(model.getNumVariables() + model.getNumInputs()),
        numArgs(model.getNumRegionArgs()) {
    // The input `t`, the time, if the model reads it.
    for (auto [k, attr] : llvm::enumerate(model.getInputs()))
      if (cast<StringAttr>(attr).getValue() == "t")
        timeArg = static_cast<int>(numVars + k);
  }

  LogicalResult run();

private:
  /// Clones the ODE body into the update block with the variables replaced by
  /// `vars` (the other arguments map to the update block's) and returns the
  /// derivatives.
  /// `time`, when given, stands for the time `t` (a stage at t + h).
  SmallVector<Value> evaluateODE(ArrayRef<Value> vars, Value time = {});
  /// The equation's location for messages: where the derivative of variable
  /// `i` is computed.
  Location equationLoc(unsigned i);

  NeuronModelOp model;
  double dt;
  FloatType type;
  unsigned numVars, paramBegin, numArgs;
  int timeArg = -1; // the argument of the input `t`, or -1
  Block *update = nullptr;
  SmallVector<Value> odeYield; // derivatives as yielded in the ODE region
};

SmallVector<Value> ModelIntegrator::evaluateODE(ArrayRef<Value> vars,
                                                Value time) {
  Block &ode = model.getOde().front();
  OpBuilder b = OpBuilder::atBlockEnd(update);
  IRMapping map;
  for (unsigned i = 0; i < numArgs; ++i)
    map.map(ode.getArgument(i),
            i < numVars                                   ? vars[i]
            : time && static_cast<int>(i) == timeArg ? time
                                                          : Value(update->getArgument(i)));
  for (Operation &op : ode.without_terminator())
    b.clone(op, map);
  SmallVector<Value> result;
  for (Value v : ode.getTerminator()->getOperands())
    result.push_back(map.lookupOrDefault(v));
  return result;
}

Location ModelIntegrator::equationLoc(unsigned i) {
  Value v = odeYield[i];
  if (Operation *def = v.getDefiningOp())
    return def->getLoc();
  return model.getLoc();
}

static StringRef nameOf(ArrayAttr names, unsigned i) {
  return cast<StringAttr>(names[i]).getValue();
}

LogicalResult ModelIntegrator::run() {
  Block &ode = model.getOde().front();
  odeYield.assign(ode.getTerminator()->operand_begin(),
                  ode.getTerminator()->operand_end());

  // The update block takes the same arguments as the ODE block.
  Region &updateRegion = model.getUpdate();
  update = new Block();
  updateRegion.push_back(update);
  for (BlockArgument arg : ode.getArguments())
    update->addArgument(arg.getType(), arg.getLoc());

  SmallVector<Value> current(update->getArguments().take_front(numVars));
  SmallVector<Value> f = evaluateODE(current);

  OpBuilder b = OpBuilder::atBlockEnd(update);
  FoldingBuilder fb(b, model.getLoc(), type);
  BlockDependencies deps(*update);

  // Variables with an equation (a derivative that is not the constant 0).
  SmallVector<unsigned> odeVars;
  for (unsigned i = 0; i < numVars; ++i)
    if (!FoldingBuilder::isConstant(f[i], 0.0))
      odeVars.push_back(i);

  // The Jacobian over the ODE variables, sparse: row i holds d f_i / d x_j
  // for the variables x_j that f_i depends on (the other entries are 0
  // without differentiating anything, so a chain of s variables costs O(s)
  // derivatives, not s^2); a null entry: not differentiable.
  llvm::BitVector isODE(numVars);
  for (unsigned j : odeVars)
    isODE.set(j);
  std::vector<SmallVector<std::pair<unsigned, Value>>> jac(numVars);
  auto entry = [&](unsigned i, unsigned j) -> Value {
    for (auto &[col, v] : jac[i])
      if (col == j)
        return v;
    return fb.constant(0.0);
  };
  llvm::SetVector<unsigned> linear;
  for (unsigned i : odeVars) {
    bool affine = true;
    // A copy: differentiating adds to `deps`' cache.
    llvm::BitVector dependsOn = deps.of(f[i]);
    for (unsigned j : dependsOn.set_bits()) {
      if (j >= numVars || !isODE.test(j))
        continue;
      Differentiator diff(fb, deps, update->getArgument(j));
      Value a = diff.derivative(f[i]);
      if (a && FoldingBuilder::isConstant(a, 0.0))
        continue;
      jac[i].emplace_back(j, a);
      // Constant coefficients depend on parameters only (not on variables,
      // per-neuron constants or inputs).
      if (!a || !deps.dependsOnlyOn(a, paramBegin, numArgs))
        affine = false;
    }
    // An equation that reads the time changes over the step: not one the
    // propagator (terms held constant over the step) integrates exactly.
    if (timeArg >= 0 && deps.of(f[i]).test(static_cast<unsigned>(timeArg)))
      affine = false;
    if (affine)
      linear.insert(i);
  }
  // The linear subsystem must be closed: no variable in it may depend on a
  // variable outside it.
  for (bool changed = true; changed;) {
    changed = false;
    for (unsigned i : SmallVector<unsigned>(linear.begin(), linear.end()))
      for (auto &[j, a] : jac[i])
        if (!linear.contains(j)) {
          linear.remove(i);
          changed = true;
          break;
        }
  }
  // `exact+<method>`: the linear subsystem exactly, the rest by <method>;
  // any other method (but `exact`) integrates every equation as written, as
  // Brian2 does.
  StringRef method = model.getMethod();
  bool linearExact = method.consume_front("exact+") || method == "exact";
  if (!linearExact)
    linear.clear();
  SmallVector<unsigned> nonlinear;
  for (unsigned i : odeVars)
    if (!linear.contains(i))
      nonlinear.push_back(i);

  if (method == "exact" && !nonlinear.empty()) {
    unsigned i = nonlinear.front();
    bool readsTime =
        timeArg >= 0 && deps.of(f[i]).test(static_cast<unsigned>(timeArg));
    return emitError(equationLoc(i))
           << "model '" << model.getSymName()
           << "' asks for method 'exact', but d" << nameOf(model.getVariables(), i)
           << (readsTime ? "/dt reads the time t (its terms change over the "
                           "step); "
                         : "/dt is not linear in the variables with constant "
                           "coefficients; ")
           << "choose euler, rk2, rk4 or exponential_euler (every equation "
              "by it), or exact+euler, exact+rk2, exact+rk4 or "
              "exact+exponential_euler (the linear part exactly, the rest "
              "by it)";
  }

  Value dtValue = fb.constant(dt);

  // The exact part: affine terms are the right-hand sides with the linear
  // subsystem's variables set to 0.
  SmallVector<Value> linState, linAffine, linJacobian;
  SmallVector<int64_t> linPositions;
  if (!linear.empty()) {
    SmallVector<Value> zeroed(current);
    Value zero = fb.constant(0.0);
    for (unsigned i : linear)
      zeroed[i] = zero;
    SmallVector<Value> fz = evaluateODE(zeroed);
    b.setInsertionPointToEnd(update);
    // Positions are indices into `linear`, row-major (rows in order, and
    // each row's entries sorted by column).
    DenseMap<unsigned, int64_t> indexInLinear;
    for (auto [k, i] : llvm::enumerate(linear))
      indexInLinear[i] = k;
    for (auto [k, i] : llvm::enumerate(linear)) {
      linState.push_back(current[i]);
      linAffine.push_back(fz[i]);
      SmallVector<std::pair<int64_t, Value>> row;
      for (auto &[j, a] : jac[i])
        row.emplace_back(indexInLinear.lookup(j), a);
      llvm::sort(row, [](auto &x, auto &y) { return x.first < y.first; });
      for (auto &[col, a] : row) {
        linPositions.push_back(static_cast<int64_t>(k));
        linPositions.push_back(col);
        linJacobian.push_back(a);
      }
    }
  }
  // Errors about the propagator (reported when it is computed) point at the
  // first equation of the linear subsystem.
  Location linearLoc =
      linear.empty() ? model.getLoc() : equationLoc(linear.front());
  auto exactAt = [&](double h) {
    SmallVector<Value> result(current);
    if (linear.empty())
      return result;
    auto op = b.create<LinearUpdateOp>(
        linearLoc, SmallVector<Type>(linState.size(), type), linState,
        linAffine, linJacobian, b.getF64FloatAttr(h),
        b.getDenseI64ArrayAttr(linPositions));
    for (auto [k, i] : llvm::enumerate(linear))
      result[i] = op.getResult(k);
    return result;
  };

  SmallVector<Value> next = exactAt(dt);

  // The rest, by the model's method. Stages at t + h use the exact values of
  // the linear subsystem at t + h.
  if (!nonlinear.empty()) {
    auto stage = [&](ArrayRef<Value> base, ArrayRef<Value> k, Value h,
                     ArrayRef<Value> linearAtH) {
      SmallVector<Value> x(linearAtH);
      for (unsigned i : nonlinear)
        x[i] = fb.add(base[i], fb.mul(h, k[i]));
      return x;
    };
    // The derivatives at `x`, at t + h when `h` is given (the time a stage
    // reads), else at t.
    auto derivatives = [&](ArrayRef<Value> x, Value h = {}) {
      Value time;
      if (timeArg >= 0 && h)
        time = fb.add(update->getArgument(static_cast<unsigned>(timeArg)), h);
      SmallVector<Value> k = evaluateODE(x, time);
      b.setInsertionPointToEnd(update);
      return k;
    };

    if (method == "euler") {
      for (unsigned i : nonlinear) {
        // x + dt (X / c) with c made of parameters and constants (dv/dt =
        // (...) / C_m) as x + X (dt / c): dt / c folds, and with it a
        // division per neuron and step (as for exponential Euler below).
        auto div = f[i].getDefiningOp<arith::DivFOp>();
        Value increment =
            div && deps.dependsOnlyOn(div.getRhs(), paramBegin, numArgs)
                ? fb.mul(div.getLhs(), fb.div(dtValue, div.getRhs()))
                : fb.mul(dtValue, f[i]);
        next[i] = fb.add(current[i], increment);
      }
    } else if (method == "rk2") {
      Value half = fb.constant(dt / 2);
      SmallVector<Value> mid = stage(current, f, half, exactAt(dt / 2));
      SmallVector<Value> k2 = derivatives(mid, half);
      for (unsigned i : nonlinear)
        next[i] = fb.add(current[i], fb.mul(dtValue, k2[i]));
    } else if (method == "rk4") {
      Value half = fb.constant(dt / 2);
      SmallVector<Value> atHalf = exactAt(dt / 2);
      SmallVector<Value> k1 = f;
      SmallVector<Value> k2 =
          derivatives(stage(current, k1, half, atHalf), half);
      SmallVector<Value> k3 =
          derivatives(stage(current, k2, half, atHalf), half);
      SmallVector<Value> k4 =
          derivatives(stage(current, k3, dtValue, next), dtValue);
      Value two = fb.constant(2.0), sixth = fb.constant(dt / 6);
      for (unsigned i : nonlinear) {
        Value sum = fb.add(fb.add(k1[i], fb.mul(two, k2[i])),
                           fb.add(fb.mul(two, k3[i]), k4[i]));
        next[i] = fb.add(current[i], fb.mul(sixth, sum));
      }
    } else if (method == "exponential_euler") {
      // dx/dt = A x + B with A, B independent of x (other variables held at
      // their values at the start of the step):
      //   x(t + dt) = -B/A + (x + B/A) exp(A dt),  or x + dt B when A = 0.
      for (unsigned i : nonlinear) {
        Value a = entry(i, i);
        if (!a || deps.dependsOn(a, i))
          return emitError(equationLoc(i))
                 << "method 'exponential_euler' needs d"
                 << nameOf(model.getVariables(), i) << "/dt to be linear in "
                 << nameOf(model.getVariables(), i)
                 << "; choose euler, rk2 or rk4";
        SmallVector<Value> zeroed(current);
        zeroed[i] = fb.constant(0.0);
        Value bTerm = derivatives(zeroed)[i];
        if (FoldingBuilder::isConstant(a, 0.0)) {
          next[i] = fb.add(current[i], fb.mul(dtValue, bTerm));
          continue;
        }
        // B/A and A dt. When A = Y / c and B = X / c with the same divisor
        // (dv/dt = (...) / C_m), c cancels as it would by hand: B/A = X / Y
        // and A dt = Y (dt / c), where dt / c folds when c is a parameter.
        // One division per neuron and step instead of three, and fewer
        // roundings.
        Value ba, rate;
        auto aDiv = a.getDefiningOp<arith::DivFOp>();
        auto bDiv = bTerm.getDefiningOp<arith::DivFOp>();
        if (aDiv && bDiv && aDiv.getRhs() == bDiv.getRhs()) {
          ba = fb.div(bDiv.getLhs(), aDiv.getLhs());
          rate = fb.mul(aDiv.getLhs(), fb.div(dtValue, aDiv.getRhs()));
        } else {
          ba = fb.div(bTerm, a);
          rate = fb.mul(a, dtValue);
        }
        Value decay = fb.exp(rate);
        next[i] = fb.add(fb.neg(ba), fb.mul(fb.add(ba, current[i]), decay));
      }
    } else {
      return emitError(model.getLoc())
             << "unknown integration method '" << method << "'";
    }
  }

  b.setInsertionPointToEnd(update);
  b.create<YieldOp>(model.getLoc(), next);

  // Drop the ODE region and whatever the update block computed but does not
  // use (derivatives that were only needed to classify the system).
  Region &odeRegion = model.getOde();
  odeRegion.dropAllReferences();
  odeRegion.getBlocks().clear();
  // Walking backwards frees whole dead chains in one pass (uses follow defs).
  for (Operation *op = update->getTerminator()->getPrevNode(); op;) {
    Operation *prev = op->getPrevNode();
    if (op->use_empty() && isMemoryEffectFree(op))
      op->erase();
    op = prev;
  }
  return success();
}

/// The right-hand side `rhs` (a value of `ode`) with argument `zeroArg`
/// set to 0 and argument k to `args[k]`, cloned at `b` and folded as it is
/// built (so that a trace's B is the constant 0, not -0 / tau).
static Value rhsAtZero(OpBuilder &b, FoldingBuilder &fb, Block &ode,
                       Value rhs, unsigned zeroArg, ArrayRef<Value> args) {
  IRMapping map;
  for (unsigned k = 0; k < ode.getNumArguments(); ++k)
    map.map(ode.getArgument(k), k == zeroArg ? fb.constant(0.0) : args[k]);
  for (Operation &op : ode.without_terminator()) {
    auto operand = [&](unsigned k) {
      return map.lookupOrDefault(op.getOperand(k));
    };
    Value folded;
    if (isa<arith::AddFOp>(op))
      folded = fb.add(operand(0), operand(1));
    else if (isa<arith::SubFOp>(op))
      folded = fb.sub(operand(0), operand(1));
    else if (isa<arith::MulFOp>(op))
      folded = fb.mul(operand(0), operand(1));
    else if (isa<arith::DivFOp>(op))
      folded = fb.div(operand(0), operand(1));
    else if (isa<arith::NegFOp>(op))
      folded = fb.neg(operand(0));
    if (folded)
      map.map(op.getResult(0), folded);
    else
      b.clone(op, map);
  }
  return map.lookupOrDefault(rhs);
}

/// X(t + e) for dX/dt = A X + B: X exp(A e) + B expm1(A e) / A, or X + B e
/// when A is 0.
static Value linearSolution(OpBuilder &b, FoldingBuilder &fb, Value x,
                            Value a, Value bTerm, Value elapsed) {
  if (FoldingBuilder::isConstant(a, 0.0))
    return fb.add(x, fb.mul(bTerm, elapsed));
  Value ae = fb.mul(a, elapsed);
  Value solved = fb.mul(x, fb.exp(ae));
  if (!FoldingBuilder::isConstant(bTerm, 0.0))
    solved = fb.add(
        solved,
        fb.mul(bTerm, fb.div(b.create<math::ExpM1Op>(fb.getLoc(), ae), a)));
  return solved;
}

/// The right-hand sides of `ode`'s yield, cloned at the end of `into`
/// with argument k mapped to `args[k]`.
static SmallVector<Value> evaluateRhs(OpBuilder &b, Block &ode,
                                      ArrayRef<Value> args) {
  IRMapping map;
  for (unsigned k = 0; k < ode.getNumArguments(); ++k)
    map.map(ode.getArgument(k), args[k]);
  for (Operation &op : ode.without_terminator())
    b.clone(op, map);
  SmallVector<Value> result;
  for (Value v : ode.getTerminator()->getOperands())
    result.push_back(map.lookupOrDefault(v));
  return result;
}

/// Where equation `i` of `ode` was written (its right-hand side's op).
static Location equationLoc(SynapseModelOp model, Block &ode, unsigned i) {
  Value v = ode.getTerminator()->getOperand(i);
  if (Operation *def = v.getDefiningOp())
    return def->getLoc();
  return model.getLoc();
}

/// Solves the event-driven equations of a synapse model: its `ode` region
/// becomes `advance`, which takes the same arguments and the elapsed time
/// (ms) and yields each variable after that time. Each equation must be
/// dX/dt = A X + B with A and B made of parameters and numbers (the traces
/// of STDP rules): X(t + e) = X exp(A e) + B expm1(A e) / A, or X + B e
/// when A is 0, exact for any e (Brian2's `(event-driven)` solves the
/// linear systems it accepts the same way).
static LogicalResult solveEventDriven(SynapseModelOp model) {
  Block &ode = model.getOde().front();
  unsigned numVars = model.getNumEventDriven();
  FloatType type = model.getFloatType();
  Block *advance = new Block();
  model.getAdvance().push_back(advance);
  for (BlockArgument arg : ode.getArguments())
    advance->addArgument(arg.getType(), arg.getLoc());
  Value elapsed = advance->addArgument(type, model.getLoc());
  OpBuilder b = OpBuilder::atBlockEnd(advance);
  FoldingBuilder fb(b, model.getLoc(), type);
  SmallVector<Value> args(advance->getArguments().drop_back());
  SmallVector<Value> f = evaluateRhs(b, ode, args);
  BlockDependencies deps(*advance);
  SmallVector<Value> next;
  for (unsigned i = 0; i < numVars; ++i) {
    StringRef name = cast<StringAttr>(model.getEventDriven()[i]).getValue();
    for (unsigned j = 0; j < numVars; ++j)
      if (j != i && deps.dependsOn(f[i], j))
        return emitError(equationLoc(model, ode, i))
               << "synapse model '" << model.getSymName()
               << "': the event-driven equation of '" << name
               << "' depends on '"
               << cast<StringAttr>(model.getEventDriven()[j]).getValue()
               << "': each event-driven equation may depend on its own "
                  "variable, parameters and numbers only (dX/dt = A X + B)";
    Differentiator diff(fb, deps, advance->getArgument(i));
    Value a = diff.derivative(f[i]);
    if (!a || deps.dependsOn(a, i))
      return emitError(equationLoc(model, ode, i))
             << "synapse model '" << model.getSymName()
             << "': the event-driven equation of '" << name
             << "' is not linear in '" << name
             << "' (dX/dt = A X + B with A and B made of parameters and "
                "numbers), so it cannot be solved exactly between events: "
                "snnc solves event-driven equations of that form only";
    Value bTerm = rhsAtZero(b, fb, ode, ode.getTerminator()->getOperand(i),
                            i, args);
    next.push_back(linearSolution(b, fb, args[i], a, bTerm, elapsed));
  }
  b.create<YieldOp>(model.getLoc(), next);
  model.getOde().front().erase();
  return success();
}

/// Integrates the clock-driven equations of a synapse model over one step:
/// its `clock` region becomes `clock_step` (same arguments, the values a
/// step later). "exact": each equation dX/dt = A X + B with A and B made of
/// parameters, numbers and the synapse's variables that have no equation
/// (constant over a step), solved as the event-driven ones, or, when the
/// equations read one another, one snn.linear_update of the system (A made
/// of parameters and numbers: its propagator is computed when the
/// projection is lowered, with the parameters known); "euler": X + dt f,
/// every right-hand side at the values of the step's start.
static LogicalResult integrateClockDriven(SynapseModelOp model, double dt) {
  Block &ode = model.getClock().front();
  FloatType type = model.getFloatType();
  Block *step = new Block();
  model.getClockStep().push_back(step);
  for (BlockArgument arg : ode.getArguments())
    step->addArgument(arg.getType(), arg.getLoc());
  OpBuilder b = OpBuilder::atBlockEnd(step);
  FoldingBuilder fb(b, model.getLoc(), type);
  SmallVector<Value> args(step->getArguments());
  SmallVector<Value> f = evaluateRhs(b, ode, args);
  Value dtValue = fb.constant(dt);
  // The argument of each clock-driven variable (the synapse's variables
  // come first).
  SmallVector<unsigned> position;
  for (Attribute attr : model.getClockDriven())
    position.push_back(model.lookupVariable(cast<StringAttr>(attr).getValue()));
  // An event-driven variable is up to date only at events: no clock-driven
  // equation may read it (the frontend says so at the equation too).
  {
    BlockDependencies deps(*step);
    for (auto [i, p] : llvm::enumerate(position))
      for (Attribute attr : model.getEventDriven()) {
        StringRef driven = cast<StringAttr>(attr).getValue();
        if (deps.dependsOn(f[i], model.lookupVariable(driven)))
          return emitError(equationLoc(model, ode, i))
                 << "synapse model '" << model.getSymName()
                 << "': the clock-driven equation of '"
                 << cast<StringAttr>(model.getClockDriven()[i]).getValue()
                 << "' reads the event-driven '" << driven
                 << "', which is up to date only at events";
      }
  }
  SmallVector<Value> next;
  if (model.getClockMethod() == "euler") {
    for (auto [i, p] : llvm::enumerate(position))
      next.push_back(fb.add(args[p], fb.mul(dtValue, f[i])));
  } else {
    // What an exact equation may read: its own variable, the synapse's
    // variables without equations, the parameters.
    unsigned numVars = model.getNumVariables();
    unsigned paramBegin = step->getNumArguments() - model.getNumParams();
    auto constantOverStep = [&](unsigned k) {
      if (k >= paramBegin)
        return true;
      if (k >= numVars)
        return false; // a neuron's variable or a link: it changes
      StringRef name = cast<StringAttr>(model.getVariables()[k]).getValue();
      return model.lookupEventDriven(name) < 0 &&
             model.lookupClockDriven(name) < 0;
    };
    // The name the statements use for argument k.
    auto argName = [&](unsigned k) -> std::string {
      auto nth = [](ArrayAttr list, unsigned j) {
        return cast<StringAttr>(list[j]).getValue().str();
      };
      if (k < numVars)
        return nth(model.getVariables(), k);
      k -= numVars;
      if (k < model.getPostReads().size())
        return nth(model.getPostReads(), k) + "_post";
      k -= model.getPostReads().size();
      if (k < model.getPreReads().size())
        return nth(model.getPreReads(), k) + "_pre";
      k -= model.getPreReads().size();
      return nth(model.getLinks(), k);
    };
    BlockDependencies deps(*step);
    // Equations that read one another's variables form a linear system
    // dx/dt = A x + b, integrated as a neuron model's linear subsystem:
    // an snn.linear_update whose propagator exp(A dt) is computed at
    // compile time once the projection's parameters are known, so A must
    // be made of parameters and numbers.
    auto isClockDriven = [&](unsigned k) {
      return llvm::is_contained(position, k);
    };
    // Equation i may read the clock-driven variables (its own; the others
    // only in a coupled system) and what is constant over a step.
    auto readsOnlyConstants = [&](unsigned i) -> LogicalResult {
      for (unsigned k = 0; k < step->getNumArguments(); ++k)
        if (!isClockDriven(k) && !constantOverStep(k) &&
            deps.dependsOn(f[i], k))
          return emitError(equationLoc(model, ode, i))
                 << "synapse model '" << model.getSymName()
                 << "': the clock-driven equation of '"
                 << cast<StringAttr>(model.getClockDriven()[i]).getValue()
                 << "' reads '" << argName(k)
                 << "', which changes during the run, so it has no exact "
                    "solution over a step: give the synapse model "
                    "\"method\": \"euler\"";
      return success();
    };
    bool coupled = false;
    for (auto [i, p] : llvm::enumerate(position))
      for (unsigned q : position)
        if (q != p && deps.dependsOn(f[i], q))
          coupled = true;
    if (coupled) {
      SmallVector<Value> jacobian, state;
      SmallVector<int64_t> positions;
      for (auto [i, p] : llvm::enumerate(position)) {
        StringRef name =
            cast<StringAttr>(model.getClockDriven()[i]).getValue();
        state.push_back(args[p]);
        if (failed(readsOnlyConstants(i)))
          return failure();
        for (auto [j, q] : llvm::enumerate(position)) {
          if (!deps.dependsOn(f[i], q))
            continue;
          StringRef other =
              cast<StringAttr>(model.getClockDriven()[j]).getValue();
          Differentiator diff(fb, deps, step->getArgument(q));
          Value a = diff.derivative(f[i]);
          if (!a || !deps.dependsOnlyOn(a, paramBegin, step->getNumArguments()))
            return emitError(equationLoc(model, ode, i))
                   << "synapse model '" << model.getSymName()
                   << "': the clock-driven equation of '" << name
                   << "' is not linear in '" << other
                   << "' with a coefficient made of parameters and numbers "
                      "(the clock-driven equations read one another, and "
                      "such a system is integrated exactly only as dx/dt = "
                      "A x + b with A constant): give the synapse model "
                      "\"method\": \"euler\"";
          if (FoldingBuilder::isConstant(a, 0.0))
            continue;
          positions.push_back(static_cast<int64_t>(i));
          positions.push_back(static_cast<int64_t>(j));
          jacobian.push_back(a);
        }
      }
      // b: the right-hand sides with the system's variables at 0.
      SmallVector<Value> zeroed(args);
      for (unsigned q : position)
        zeroed[q] = fb.constant(0.0);
      SmallVector<Value> affine = evaluateRhs(b, ode, zeroed);
      auto op = b.create<LinearUpdateOp>(
          equationLoc(model, ode, 0),
          SmallVector<Type>(state.size(), type), state, affine, jacobian,
          b.getF64FloatAttr(dt), b.getDenseI64ArrayAttr(positions));
      llvm::append_range(next, op.getResults());
    }
    for (auto [i, p] : llvm::enumerate(coupled ? ArrayRef<unsigned>()
                                               : ArrayRef(position))) {
      StringRef name = cast<StringAttr>(model.getClockDriven()[i]).getValue();
      if (failed(readsOnlyConstants(i)))
        return failure();
      Differentiator diff(fb, deps, step->getArgument(p));
      Value a = diff.derivative(f[i]);
      if (!a || deps.dependsOn(a, p))
        return emitError(equationLoc(model, ode, i))
               << "synapse model '" << model.getSymName()
               << "': the clock-driven equation of '" << name
               << "' is not linear in '" << name
               << "' (dX/dt = A X + B), so it has no exact solution over a "
                  "step: give the synapse model \"method\": \"euler\"";
      Value bTerm = rhsAtZero(b, fb, ode, ode.getTerminator()->getOperand(i),
                              p, args);
      next.push_back(linearSolution(b, fb, args[p], a, bTerm, dtValue));
    }
  }
  b.create<YieldOp>(model.getLoc(), next);
  model.getClock().front().erase();
  // Drop what the classification built and the step does not use.
  for (Operation *op = step->getTerminator()->getPrevNode(); op;) {
    Operation *prev = op->getPrevNode();
    if (op->use_empty() && isMemoryEffectFree(op))
      op->erase();
    op = prev;
  }
  return success();
}

struct SNNIntegratePass
    : mlir::snn::impl::SNNIntegrateBase<SNNIntegratePass> {
  void runOnOperation() override {
    bool failed = false;
    getOperation().walk([&](NetworkOp network) {
      double dt = network.getDt().convertToDouble();
      for (auto model : network.getBody().getOps<NeuronModelOp>()) {
        if (model.isIntegrated())
          continue;
        if (mlir::failed(ModelIntegrator(model, dt).run()))
          failed = true;
      }
      for (auto model : network.getBody().getOps<SynapseModelOp>()) {
        if (!model.getOde().empty() && mlir::failed(solveEventDriven(model)))
          failed = true;
        if (!model.getClock().empty() &&
            mlir::failed(integrateClockDriven(model, dt)))
          failed = true;
      }
    });
    if (failed)
      return signalPassFailure();

    // Fold what the construction left (right-hand sides evaluated at 0,
    // duplicated constants) so that the update regions read cleanly.
    RewritePatternSet patterns(&getContext());
    mlir::snn::populateModelFoldingPatterns(patterns);
    FrozenRewritePatternSet frozen(std::move(patterns));
    getOperation().walk([&](NeuronModelOp model) {
      (void)applyPatternsAndFoldGreedily(model.getUpdate(), frozen);
    });
    getOperation().walk([&](SynapseModelOp model) {
      (void)applyPatternsAndFoldGreedily(model.getAdvance(), frozen);
      (void)applyPatternsAndFoldGreedily(model.getClockStep(), frozen);
    });
  }
};

} // namespace

void mlir::snn::populateModelFoldingPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  ctx->getLoadedDialect<arith::ArithDialect>()->getCanonicalizationPatterns(
      patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    if (op.getDialectNamespace() == "arith" ||
        op.getDialectNamespace() == "math")
      op.getCanonicalizationPatterns(patterns, ctx);
}
