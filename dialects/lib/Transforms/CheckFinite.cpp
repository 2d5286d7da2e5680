//===- CheckFinite.cpp - snn-check-finite: no NaN or inf made at compile time //
//
// Part of snnc. See the pass description in Passes.td.
//
// Evaluates, for every population, whatever its neuron model computes from
// numbers and the population's parameters alone (the parts canonicalization
// would fold), in the network's precision, and reports every value that
// comes out infinite or NaN where the model wrote it, naming the parameters
// that caused it. A division by a parameter that is zero is reported even
// when the numerator is a variable ("tau_syn = 0 makes dg/dt infinite").
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/SNNOps.h"
#include "snn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <charconv>
#include <cmath>
#include <optional>

namespace mlir::snn {
#define GEN_PASS_DEF_SNNCHECKFINITE
#include "snn/Transforms/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;
using namespace mlir::snn;

namespace {

/// The shortest text that reads back as `v` (as a float in f32 models).
std::string formatValue(double v, bool f32 = false) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = f32 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
               : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

/// What a non-finite value is, for messages.
const char *describe(double v) {
  return std::isnan(v) ? "not a number (NaN)" : "infinite";
}

/// The value of `op` for known operand values, in double; nullopt for ops it
/// does not know (which then count as unknown). Booleans are 0 and 1.
std::optional<double> evaluate(Operation *op, ArrayRef<double> x) {
  using R = std::optional<double>;
  auto cmp = [&](arith::CmpFPredicate p) -> R {
    double a = x[0], b = x[1];
    bool unordered = std::isnan(a) || std::isnan(b);
    switch (p) {
    case arith::CmpFPredicate::OEQ:
      return !unordered && a == b;
    case arith::CmpFPredicate::ONE:
      return !unordered && a != b;
    case arith::CmpFPredicate::OLT:
      return !unordered && a < b;
    case arith::CmpFPredicate::OLE:
      return !unordered && a <= b;
    case arith::CmpFPredicate::OGT:
      return !unordered && a > b;
    case arith::CmpFPredicate::OGE:
      return !unordered && a >= b;
    case arith::CmpFPredicate::UNE:
      return unordered || a != b;
    default:
      return std::nullopt;
    }
  };
  return llvm::TypeSwitch<Operation *, R>(op)
      .Case([&](arith::AddFOp) { return x[0] + x[1]; })
      .Case([&](arith::SubFOp) { return x[0] - x[1]; })
      .Case([&](arith::MulFOp) { return x[0] * x[1]; })
      .Case([&](arith::DivFOp) { return x[0] / x[1]; })
      .Case([&](arith::RemFOp) { return std::fmod(x[0], x[1]); })
      .Case([&](arith::NegFOp) { return -x[0]; })
      .Case([&](arith::MinimumFOp) -> R {
        if (std::isnan(x[0]) || std::isnan(x[1]))
          return NAN;
        return std::min(x[0], x[1]);
      })
      .Case([&](arith::MaximumFOp) -> R {
        if (std::isnan(x[0]) || std::isnan(x[1]))
          return NAN;
        return std::max(x[0], x[1]);
      })
      .Case([&](arith::MinNumFOp) { return std::fmin(x[0], x[1]); })
      .Case([&](arith::MaxNumFOp) { return std::fmax(x[0], x[1]); })
      .Case([&](arith::SelectOp) { return x[0] != 0 ? x[1] : x[2]; })
      .Case([&](arith::CmpFOp c) { return cmp(c.getPredicate()); })
      .Case([&](arith::AndIOp) { return double(x[0] != 0 && x[1] != 0); })
      .Case([&](arith::OrIOp) { return double(x[0] != 0 || x[1] != 0); })
      .Case([&](arith::XOrIOp) { return double((x[0] != 0) != (x[1] != 0)); })
      .Case([&](math::ExpOp) { return std::exp(x[0]); })
      .Case([&](math::ExpM1Op) { return std::expm1(x[0]); })
      .Case([&](math::Exp2Op) { return std::exp2(x[0]); })
      .Case([&](math::LogOp) { return std::log(x[0]); })
      .Case([&](math::Log1pOp) { return std::log1p(x[0]); })
      .Case([&](math::Log2Op) { return std::log2(x[0]); })
      .Case([&](math::Log10Op) { return std::log10(x[0]); })
      .Case([&](math::SqrtOp) { return std::sqrt(x[0]); })
      .Case([&](math::RsqrtOp) { return 1.0 / std::sqrt(x[0]); })
      .Case([&](math::CbrtOp) { return std::cbrt(x[0]); })
      .Case([&](math::AbsFOp) { return std::fabs(x[0]); })
      .Case([&](math::FloorOp) { return std::floor(x[0]); })
      .Case([&](math::CeilOp) { return std::ceil(x[0]); })
      .Case([&](math::RoundOp) { return std::round(x[0]); })
      .Case([&](math::SinOp) { return std::sin(x[0]); })
      .Case([&](math::CosOp) { return std::cos(x[0]); })
      .Case([&](math::TanOp) { return std::tan(x[0]); })
      .Case([&](math::TanhOp) { return std::tanh(x[0]); })
      .Case([&](math::SinhOp) { return std::sinh(x[0]); })
      .Case([&](math::CoshOp) { return std::cosh(x[0]); })
      .Case([&](math::AsinOp) { return std::asin(x[0]); })
      .Case([&](math::AcosOp) { return std::acos(x[0]); })
      .Case([&](math::AtanOp) { return std::atan(x[0]); })
      .Case([&](math::ErfOp) { return std::erf(x[0]); })
      .Case([&](math::PowFOp) { return std::pow(x[0], x[1]); })
      .Case([&](math::Atan2Op) { return std::atan2(x[0], x[1]); })
      .Default([](Operation *) -> R { return std::nullopt; });
}

/// A readable form of `op` applied to known operands: "1 / 0", "log(-1)".
std::string spell(Operation *op, ArrayRef<double> x, bool f32) {
  auto format = [&](double v) { return formatValue(v, f32); };
  auto infix = [&](const char *sym) {
    return format(x[0]) + " " + sym + " " + format(x[1]);
  };
  if (isa<arith::AddFOp>(op))
    return infix("+");
  if (isa<arith::SubFOp>(op))
    return infix("-");
  if (isa<arith::MulFOp>(op))
    return infix("*");
  if (isa<arith::DivFOp>(op))
    return infix("/");
  if (isa<arith::NegFOp>(op))
    return "-(" + format(x[0]) + ")";
  llvm::StringRef name = op->getName().stripDialect();
  if (name == "absf")
    name = "abs";
  else if (name == "powf")
    name = "pow";
  else if (name.ends_with("f") && op->getDialect()->getNamespace() == "arith")
    name = name.drop_back(); // minimumf -> minimum
  std::string out = name.str() + "(";
  for (size_t i = 0; i < x.size(); ++i)
    out += (i ? ", " : "") + format(x[i]);
  return out + ")";
}

/// Checks one population: its model's regions with its parameter values.
class PopulationChecker {
public:
  PopulationChecker(PopulationOp pop, NeuronModelOp model)
      : pop(pop), model(model), type(model.getFloatType()),
        paramBegin(model.getNumVariables() + model.getNumInputs()) {}

  /// Returns the number of errors reported.
  unsigned run();

private:
  /// Rounds to the network's precision (f32 models compute in float).
  double round(double v) const {
    return type.isF32() ? double(static_cast<float>(v)) : v;
  }
  void checkRegion(Region &region, llvm::function_ref<std::string(unsigned)>
                                       resultName);
  /// "tau_syn = 0" for the parameters `v` depends on ("" when none).
  std::string causes(Value v);
  void report(Operation *op, const std::string &message);

  PopulationOp pop;
  NeuronModelOp model;
  FloatType type;
  unsigned paramBegin;
  unsigned errors = 0;
  DenseMap<Value, double> known;
  /// Parameters each value depends on (bit k: parameter k).
  DenseMap<Value, llvm::SmallBitVector> params;
  /// Which results of the region (yield operands) each value flows into.
  DenseMap<Operation *, llvm::SmallBitVector> feeds;
  llvm::StringSet<> reported;
};

std::string PopulationChecker::causes(Value v) {
  auto it = params.find(v);
  if (it == params.end() || it->second.none())
    return "";
  std::string out;
  unsigned n = 0, count = it->second.count();
  for (unsigned k : it->second.set_bits()) {
    StringRef name = cast<StringAttr>(model.getParams()[k]).getValue();
    double value = round(
        cast<FloatAttr>(pop.getParams().get(name)).getValueAsDouble());
    out += (n == 0 ? "" : n + 1 == count ? " and " : ", ") + name.str() +
           " = " + formatValue(value, type.isF32());
    ++n;
  }
  return out;
}

void PopulationChecker::report(Operation *op, const std::string &message) {
  // The same expression in the update of several stages (rk4) or of
  // several populations with equal parameters: once per place and text.
  std::string key;
  llvm::raw_string_ostream os(key);
  op->getLoc().print(os);
  os << message;
  if (!reported.insert(os.str()).second)
    return;
  op->emitError(message);
  ++errors;
}

void PopulationChecker::checkRegion(
    Region &region, llvm::function_ref<std::string(unsigned)> resultName) {
  if (region.empty())
    return;
  Block &block = region.front();
  known.clear();
  params.clear();
  feeds.clear();
  unsigned numParams = model.getNumParams();
  for (unsigned k = 0; k < numParams; ++k) {
    Value arg = block.getArgument(paramBegin + k);
    StringRef name = cast<StringAttr>(model.getParams()[k]).getValue();
    auto attr = dyn_cast_or_null<FloatAttr>(pop.getParams().get(name));
    if (!attr)
      continue; // the population verifier reports a missing parameter
    double value = attr.getValueAsDouble();
    if (std::isfinite(value) && !std::isfinite(round(value))) {
      report(pop, "parameter '" + name.str() + "' = " + formatValue(value) +
                      " of population '" + pop.getSymName().str() +
                      "' does not fit the model's precision (f32)");
      continue;
    }
    known[arg] = round(value);
    params[arg] = llvm::SmallBitVector(numParams);
    params[arg].set(k);
  }

  // Which results each op contributes to, for naming them in messages.
  Operation *yield = block.getTerminator();
  unsigned numResults = yield->getNumOperands();
  for (auto [i, v] : llvm::enumerate(yield->getOperands()))
    if (Operation *def = v.getDefiningOp()) {
      auto &bits = feeds[def];
      bits.resize(numResults);
      bits.set(i);
    }
  for (Operation &op : llvm::reverse(block.without_terminator())) {
    auto it = feeds.find(&op);
    if (it == feeds.end())
      continue;
    llvm::SmallBitVector bits = it->second;
    for (Value operand : op.getOperands())
      if (Operation *def = operand.getDefiningOp()) {
        auto &target = feeds[def];
        target.resize(numResults);
        target |= bits;
      }
  }
  auto what = [&](Operation *op) {
    auto it = feeds.find(op);
    if (it == feeds.end() || it->second.none())
      return std::string("an unused expression");
    std::string out;
    unsigned n = 0, count = it->second.count();
    for (unsigned i : it->second.set_bits()) {
      out += (n == 0 ? "" : n + 1 == count ? " and " : ", ") + resultName(i);
      ++n;
    }
    return out;
  };

  for (Operation &op : block.without_terminator()) {
    // Constants.
    Attribute attr;
    if (matchPattern(&op, m_Constant(&attr))) {
      if (auto f = dyn_cast<FloatAttr>(attr))
        known[op.getResult(0)] = f.getValueAsDouble();
      else if (auto i = dyn_cast<IntegerAttr>(attr))
        known[op.getResult(0)] = double(i.getValue().getZExtValue());
      continue;
    }
    if (op.getNumResults() != 1)
      continue;
    Value result = op.getResult(0);
    // Parameters flow through every op, known or not.
    llvm::SmallBitVector deps(numParams);
    for (Value operand : op.getOperands()) {
      auto it = params.find(operand);
      if (it != params.end())
        deps |= it->second;
    }
    params[result] = deps;

    SmallVector<double> x;
    bool allKnown = true, anyNonFinite = false;
    for (Value operand : op.getOperands()) {
      auto it = known.find(operand);
      if (it == known.end()) {
        allKnown = false;
        break;
      }
      x.push_back(it->second);
      anyNonFinite |= !std::isfinite(it->second);
    }
    // A division by a known zero is infinite (or NaN) whatever the
    // numerator: dg/dt = -g / tau_syn with tau_syn = 0.
    if (!allKnown && isa<arith::DivFOp>(op)) {
      auto it = known.find(op.getOperand(1));
      if (it != known.end() && it->second == 0.0) {
        std::string why = causes(op.getOperand(1));
        report(&op, (why.empty() ? std::string("a division by zero")
                                 : why) +
                        " makes " + what(&op) + " infinite in population '" +
                        pop.getSymName().str() + "' (division by zero)");
      }
      continue;
    }
    if (!allKnown)
      continue;
    std::optional<double> value = evaluate(&op, x);
    if (!value)
      continue;
    double v = round(*value);
    known[result] = v;
    if (std::isfinite(v) || anyNonFinite)
      continue; // fine, or already reported where it started
    std::string why = causes(result);
    std::string text =
        spell(&op, x, type.isF32()) + " = " + formatValue(v, type.isF32());
    if (why.empty())
      report(&op, what(&op) + " is " + describe(v) + " in population '" +
                      pop.getSymName().str() + "': " + text);
    else
      report(&op, why + " make" + (deps.count() == 1 ? "s " : " ") +
                      what(&op) + " " + describe(v) + " in population '" +
                      pop.getSymName().str() + "': " + text);
  }
}

unsigned PopulationChecker::run() {
  auto var = [&](unsigned i) {
    return cast<StringAttr>(model.getVariables()[i]).getValue().str();
  };
  if (!model.getOde().empty())
    checkRegion(model.getOde(),
                [&](unsigned i) { return "d" + var(i) + "/dt"; });
  if (!model.getUpdate().empty())
    checkRegion(model.getUpdate(),
                [&](unsigned i) { return "the update of " + var(i); });
  checkRegion(model.getThreshold(),
              [&](unsigned) { return std::string("the threshold"); });
  checkRegion(model.getReset(),
              [&](unsigned i) { return "the reset of " + var(i); });
  return errors;
}

struct CheckFinitePass
    : public mlir::snn::impl::SNNCheckFiniteBase<CheckFinitePass> {
  void runOnOperation() override {
    unsigned errors = 0;
    getOperation().walk([&](NetworkOp network) {
      for (PopulationOp pop : network.getBody().getOps<PopulationOp>()) {
        auto model =
            network.lookupSymbol<NeuronModelOp>(pop.getModelAttr().getAttr());
        if (!model)
          continue; // the verifier reports unknown models
        errors += PopulationChecker(pop, model).run();
      }
    });
    if (errors)
      signalPassFailure();
  }
};

} // namespace
