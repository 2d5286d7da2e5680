//===- SNNOps.cpp - snn operations ----------------------------------------===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/SNNOps.h"
#include "snn/Dialect/SNN/BinomialTable.h"
#include "snn/Dialect/SNN/Propagator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"

#include <cmath>

using namespace mlir;
using namespace mlir::snn;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static int indexOf(ArrayAttr names, StringRef name) {
  for (auto [i, attr] : llvm::enumerate(names))
    if (cast<StringAttr>(attr).getValue() == name)
      return static_cast<int>(i);
  return -1;
}

std::optional<int64_t> mlir::snn::getSpikingSize(Operation *op) {
  if (auto pop = dyn_cast_or_null<PopulationOp>(op))
    return pop.getSizeAttr().getInt();
  if (auto src = dyn_cast_or_null<PoissonSourceOp>(op))
    return src.getSizeAttr().getInt();
  if (auto src = dyn_cast_or_null<SpikeSourceArrayOp>(op))
    return src.getSizeAttr().getInt();
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// NetworkOp
//===----------------------------------------------------------------------===//

LogicalResult NetworkOp::verify() {
  if (!(getDt().convertToDouble() > 0.0))
    return emitOpError("time step dt = ")
           << formatDouble(getDt().convertToDouble()) << " ms must be positive";
  if (!(getDuration().convertToDouble() >= 0.0))
    return emitOpError("duration ")
           << formatDouble(getDuration().convertToDouble()) << " ms must not be negative";
  if (!getPrecision().isF32() && !getPrecision().isF64())
    return emitOpError("precision must be f32 or f64, not ")
           << getPrecision();
  if (getRecordFormat() != "npy" && getRecordFormat() != "csv")
    return emitOpError("record format '")
           << getRecordFormat() << "' is neither 'npy' nor 'csv'";
  return success();
}

int64_t NetworkOp::getNumSteps() {
  return std::llround(getDuration().convertToDouble() /
                      getDt().convertToDouble());
}

//===----------------------------------------------------------------------===//
// NeuronModelOp
//===----------------------------------------------------------------------===//

int NeuronModelOp::lookupVariable(StringRef name) {
  return indexOf(getVariables(), name);
}
int NeuronModelOp::lookupInput(StringRef name) {
  return indexOf(getInputs(), name);
}
int NeuronModelOp::lookupParam(StringRef name) {
  return indexOf(getParams(), name);
}

FloatType NeuronModelOp::getFloatType() {
  return cast<NetworkOp>((*this)->getParentOp()).getFloatType();
}

void NeuronModelOp::getAsmBlockArgumentNames(Region &region,
                                             OpAsmSetValueNameFn setNameFn) {
  if (region.empty())
    return;
  SmallVector<StringRef> names;
  for (ArrayAttr list : {getVariables(), getInputs(), getParams()})
    for (Attribute attr : list)
      names.push_back(cast<StringAttr>(attr).getValue());
  for (auto [arg, name] : llvm::zip(region.getArguments(), names))
    setNameFn(arg, name);
}

static const char *const kMethods[] = {"exact", "euler", "rk2", "rk4",
                                       "exponential_euler"};

LogicalResult NeuronModelOp::verify() {
  llvm::SmallSet<StringRef, 16> seen;
  for (ArrayAttr list : {getVariables(), getInputs(), getParams()})
    for (Attribute attr : list) {
      StringRef name = cast<StringAttr>(attr).getValue();
      if (!seen.insert(name).second)
        return emitOpError("name '") << name << "' is declared twice";
    }
  if (getVariables().empty())
    return emitOpError("needs at least one variable");
  if (!llvm::is_contained(kMethods, getMethod()))
    return emitOpError("unknown integration method '") << getMethod() << "'";
  if (!(getRefractory().convertToDouble() >= 0.0))
    return emitOpError("refractory period ")
           << formatDouble(getRefractory().convertToDouble()) << " ms is negative";
  for (Attribute attr : getRefractoryClamp())
    if (lookupVariable(cast<StringAttr>(attr).getValue()) < 0)
      return emitOpError("refractory_clamp names '")
             << cast<StringAttr>(attr).getValue() << "', not a variable";
  return success();
}

LogicalResult NeuronModelOp::verifyRegions() {
  if (getOde().empty() == getUpdate().empty())
    return emitOpError("needs exactly one of the 'ode' and 'update' regions");
  FloatType floatType = getFloatType();
  unsigned numArgs = getNumRegionArgs();

  auto checkRegion = [&](Region &region, StringRef what,
                         ArrayRef<Type> yields) -> LogicalResult {
    if (region.empty())
      return success();
    Block &block = region.front();
    if (block.getNumArguments() != numArgs)
      return emitOpError("region '")
             << what << "' takes " << block.getNumArguments()
             << " arguments, expected " << numArgs
             << " (variables, inputs, parameters)";
    for (BlockArgument arg : block.getArguments())
      if (arg.getType() != floatType)
        return emitOpError("region '")
               << what << "' argument #" << arg.getArgNumber() << " has type "
               << arg.getType() << ", expected the network's " << floatType;
    auto yield = dyn_cast<YieldOp>(block.getTerminator());
    if (!yield)
      return emitOpError("region '") << what << "' must end in snn.yield";
    if (yield.getValues().getTypes() != TypeRange(yields))
      return yield.emitOpError("in region '")
             << what << "' must yield " << yields.size() << " value(s) of type "
             << (yields.empty() ? Type() : yields.front()) << ", got "
             << yield.getValues().size();
    return success();
  };

  SmallVector<Type> perVariable(getNumVariables(), floatType);
  Type i1 = IntegerType::get(getContext(), 1);
  if (failed(checkRegion(getOde(), "ode", perVariable)) ||
      failed(checkRegion(getUpdate(), "update", perVariable)) ||
      failed(checkRegion(getThreshold(), "threshold", {i1})) ||
      failed(checkRegion(getReset(), "reset", perVariable)))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// PopulationOp
//===----------------------------------------------------------------------===//

LogicalResult PopulationOp::verify() {
  if (getSizeAttr().getInt() <= 0)
    return emitOpError("size ") << getSizeAttr().getInt() << " must be positive";
  for (NamedAttribute entry : getParams())
    if (!isa<FloatAttr>(entry.getValue()))
      return emitOpError("parameter '")
             << entry.getName().getValue() << "' must be a float constant";
  for (NamedAttribute entry : getInit())
    if (!isValueSpec(entry.getValue()) ||
        isa<FromListAttr>(entry.getValue()))
      return emitOpError("initial value of '")
             << entry.getName().getValue()
             << "' must be a constant, #snn.uniform, #snn.normal or #snn.file";
  return success();
}

LogicalResult
PopulationOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto model =
      symbolTable.lookupNearestSymbolFrom<NeuronModelOp>(*this, getModelAttr());
  if (!model)
    return emitOpError("model '")
           << getModel() << "' is not a neuron model of this network";
  for (Attribute attr : model.getParams()) {
    StringRef name = cast<StringAttr>(attr).getValue();
    if (!getParams().get(name))
      return emitOpError("gives no value for parameter '")
             << name << "' of model '" << getModel() << "'";
  }
  for (NamedAttribute entry : getParams())
    if (model.lookupParam(entry.getName().getValue()) < 0)
      return emitOpError("model '")
             << getModel() << "' has no parameter '"
             << entry.getName().getValue() << "'";
  for (NamedAttribute entry : getInit())
    if (model.lookupVariable(entry.getName().getValue()) < 0)
      return emitOpError("model '")
             << getModel() << "' has no variable '"
             << entry.getName().getValue() << "' to initialise";
  return success();
}

//===----------------------------------------------------------------------===//
// Sources and currents
//===----------------------------------------------------------------------===//

LogicalResult PoissonSourceOp::verify() {
  if (getSizeAttr().getInt() <= 0)
    return emitOpError("size ") << getSizeAttr().getInt() << " must be positive";
  if (!isValueSpec(getRate()) || isa<FromListAttr>(getRate()))
    return emitOpError("rate must be a constant, #snn.uniform, #snn.normal "
                       "or #snn.file");
  if (auto rate = dyn_cast<FloatAttr>(getRate()))
    if (!(rate.getValueAsDouble() >= 0.0))
      return emitOpError("rate ")
             << formatDouble(rate.getValueAsDouble()) << " Hz must not be negative";
  return success();
}

LogicalResult SpikeSourceArrayOp::verify() {
  if (getSizeAttr().getInt() <= 0)
    return emitOpError("size ") << getSizeAttr().getInt() << " must be positive";
  if (getPath().empty())
    return emitOpError("needs the path of a spike-time file");
  return success();
}

LogicalResult CurrentOp::verify() {
  if (getKind() != "constant" && getKind() != "noise")
    return emitOpError("kind '")
           << getKind() << "' is neither 'constant' nor 'noise'";
  if (!isValueSpec(getAmplitude()) || isa<FromListAttr>(getAmplitude()))
    return emitOpError("amplitude must be a constant, #snn.uniform, "
                       "#snn.normal or #snn.file");
  if (!(getStd().convertToDouble() >= 0.0))
    return emitOpError("standard deviation ")
           << formatDouble(getStd().convertToDouble()) << " must not be negative";
  if (getKind() == "constant" && getStd().convertToDouble() != 0.0)
    return emitOpError("a constant current has no standard deviation");
  if (!(getStart().convertToDouble() >= 0.0))
    return emitOpError("start time ")
           << formatDouble(getStart().convertToDouble()) << " ms must not be negative";
  return success();
}

LogicalResult CurrentOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto pop =
      symbolTable.lookupNearestSymbolFrom<PopulationOp>(*this, getTargetAttr());
  if (!pop)
    return emitOpError("target '")
           << getTarget() << "' is not a neuron population";
  auto model = symbolTable.lookupNearestSymbolFrom<NeuronModelOp>(
      pop, pop.getModelAttr());
  if (model && model.lookupInput(getInput()) < 0)
    return emitOpError("model '")
           << pop.getModel() << "' of population '" << getTarget()
           << "' has no input '" << getInput() << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// PoissonInputOp
//===----------------------------------------------------------------------===//

LogicalResult PoissonInputOp::verify() {
  int64_t n = getNAttr().getInt();
  if (n < 0)
    return emitOpError("n ") << n << " must not be negative";
  double rate = getRate().convertToDouble();
  if (!(rate >= 0.0) || !std::isfinite(rate))
    return emitOpError("rate ") << formatDouble(rate)
                                << " Hz must be a finite number >= 0";
  if (!std::isfinite(getWeight().convertToDouble()))
    return emitOpError("weight must be a finite number");
  double dt = cast<NetworkOp>((*this)->getParentOp()).getDt().convertToDouble();
  double p = getProbability(dt);
  if (p > 1.0)
    return emitOpError("rate ")
           << formatDouble(rate) << " Hz is above 1 / dt = "
           << formatDouble(1e3 / dt)
           << " Hz: an input spikes at most once per step";
  BinomialTable table = computeBinomialTable(n, p);
  if (!table.ok())
    return emitOpError("n = ")
           << n << " inputs at " << formatDouble(rate)
           << " Hz cannot be drawn: " << table.error
           << "; split them into several Poisson inputs";
  return success();
}

LogicalResult
PoissonInputOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto pop =
      symbolTable.lookupNearestSymbolFrom<PopulationOp>(*this, getTargetAttr());
  if (!pop)
    return emitOpError("target '")
           << getTarget() << "' is not a neuron population";
  auto model = symbolTable.lookupNearestSymbolFrom<NeuronModelOp>(
      pop, pop.getModelAttr());
  if (model && model.lookupVariable(getVariable()) < 0)
    return emitOpError("variable '")
           << getVariable() << "' is not a variable of model '"
           << pop.getModel() << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// ProjectionOp
//===----------------------------------------------------------------------===//

LogicalResult ProjectionOp::verify() {
  if (!isConnectivity(getConnectivity()))
    return emitOpError("connectivity must be a connectivity attribute, not ")
           << getConnectivity();
  bool isList = isa<SynapseListAttr>(getConnectivity());
  for (auto [what, value] : {std::pair<StringRef, Attribute>{"weight", getWeight()},
                             {"delay", getDelay()}}) {
    if (!isValueSpec(value))
      return emitOpError(what) << " must be a value specification, not "
                               << value;
    if (isa<FromListAttr>(value) && !isList)
      return emitOpError(what)
             << " comes from a synapse list, but the connectivity is not one";
  }
  if (auto delay = dyn_cast<FloatAttr>(getDelay()))
    if (!(delay.getValueAsDouble() >= 0.0))
      return emitOpError("delay ")
             << formatDouble(delay.getValueAsDouble()) << " ms must not be negative";
  if (getStorage() == StorageKind::procedural) {
    std::string why = proceduralUnsupported(getConnectivity(), getWeight(),
                                            getDelay());
    if (!why.empty())
      return emitOpError("cannot be procedural: ") << why;
  }
  return success();
}

LogicalResult
ProjectionOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  Operation *pre = symbolTable.lookupNearestSymbolFrom(*this, getPreAttr());
  std::optional<int64_t> preSize = getSpikingSize(pre);
  if (!preSize)
    return emitOpError("presynaptic '")
           << getPre() << "' is not a population or source";
  auto post =
      symbolTable.lookupNearestSymbolFrom<PopulationOp>(*this, getPostAttr());
  if (!post)
    return emitOpError("postsynaptic '")
           << getPost() << "' is not a neuron population";
  auto model = symbolTable.lookupNearestSymbolFrom<NeuronModelOp>(
      post, post.getModelAttr());
  if (model && model.lookupVariable(getTarget()) < 0)
    return emitOpError("target '")
           << getTarget() << "' is not a variable of model '"
           << post.getModel() << "'";
  if (isa<OneToOneAttr>(getConnectivity()) && *preSize != post.getSizeAttr().getInt())
    return emitOpError("one_to_one needs equal sizes, but '")
           << getPre() << "' has " << *preSize << " and '" << getPost()
           << "' " << post.getSizeAttr().getInt();
  if (auto indegree = dyn_cast<FixedIndegreeAttr>(getConnectivity())) {
    int64_t available = *preSize;
    if (pre == post.getOperation() && !indegree.getAllowSelf())
      --available;
    if (indegree.getK() > available)
      return emitOpError("in-degree ")
             << indegree.getK() << " exceeds the " << available
             << " distinct presynaptic neurons available";
  }
  if (auto total = dyn_cast<FixedTotalNumberAttr>(getConnectivity())) {
    bool self = pre == post.getOperation() && !total.getAllowSelf();
    int64_t postSize = post.getSizeAttr().getInt();
    if (total.getN() > 0 && (*preSize <= 0 || postSize - (self ? 1 : 0) <= 0))
      return emitOpError("cannot draw ")
             << total.getN() << " synapses: there is no (pre, post) pair (pre '"
             << getPre() << "' of size " << *preSize << ", post '" << getPost()
             << "' of size " << postSize
             << (self ? ", self-connections excluded" : "") << ")";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Recordings
//===----------------------------------------------------------------------===//

LogicalResult
RecordSpikesOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  Operation *target =
      symbolTable.lookupNearestSymbolFrom(*this, getPopulationAttr());
  if (!getSpikingSize(target))
    return emitOpError("'") << getPopulation()
                            << "' is not a population or source";
  return success();
}

LogicalResult RecordStateOp::verify() {
  if (getEveryAttr().getInt() < 1)
    return emitOpError("recording interval ")
           << getEveryAttr().getInt() << " must be at least one step";
  for (int64_t n : getNeurons())
    if (n < 0)
      return emitOpError("neuron index ") << n << " is negative";
  return success();
}

LogicalResult
RecordStateOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto pop = symbolTable.lookupNearestSymbolFrom<PopulationOp>(
      *this, getPopulationAttr());
  if (!pop)
    return emitOpError("'") << getPopulation()
                            << "' is not a neuron population";
  auto model = symbolTable.lookupNearestSymbolFrom<NeuronModelOp>(
      pop, pop.getModelAttr());
  if (model && model.lookupVariable(getVariable()) < 0)
    return emitOpError("model '")
           << pop.getModel() << "' has no variable '" << getVariable() << "'";
  for (int64_t n : getNeurons())
    if (n >= pop.getSizeAttr().getInt())
      return emitOpError("neuron index ")
             << n << " is out of range for '" << getPopulation()
             << "' of size " << pop.getSizeAttr().getInt();
  return success();
}

//===----------------------------------------------------------------------===//
// LinearUpdateOp
//===----------------------------------------------------------------------===//

// snn.linear_update (%x...) affine (%b...)
//     jacobian [(row, col): %a, ...] dt <f64> : type
// or, dense, jacobian [%a00, %a01, ...].
ParseResult LinearUpdateOp::parse(OpAsmParser &parser, OperationState &result) {
  SmallVector<OpAsmParser::UnresolvedOperand> state, affine, jacobian;
  SmallVector<int64_t> positions;
  Type type;
  FailureOr<double> dt;
  // Each entry is either `(row, col): %a` or `%a`; one form per list.
  bool sparse = false;
  auto parseEntry = [&]() -> ParseResult {
    bool hasPosition = succeeded(parser.parseOptionalLParen());
    if (!jacobian.empty() && hasPosition != sparse)
      return parser.emitError(parser.getCurrentLocation(),
                              "Jacobian entries must all have positions or "
                              "none");
    sparse = hasPosition;
    if (hasPosition) {
      int64_t row, col;
      if (parser.parseInteger(row) || parser.parseComma() ||
          parser.parseInteger(col) || parser.parseRParen() ||
          parser.parseColon())
        return failure();
      positions.push_back(row);
      positions.push_back(col);
    }
    return parser.parseOperand(jacobian.emplace_back());
  };
  if (parser.parseOperandList(state, OpAsmParser::Delimiter::Paren) ||
      parser.parseKeyword("affine") ||
      parser.parseOperandList(affine, OpAsmParser::Delimiter::Paren) ||
      parser.parseKeyword("jacobian") ||
      parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Square,
                                     parseEntry) ||
      parser.parseKeyword("dt") || failed(dt = parseDouble(parser)) ||
      parser.parseOptionalAttrDict(result.attributes) ||
      parser.parseColonType(type))
    return failure();
  if (parser.resolveOperands(state, type, result.operands) ||
      parser.resolveOperands(affine, type, result.operands) ||
      parser.resolveOperands(jacobian, type, result.operands))
    return failure();
  Builder &b = parser.getBuilder();
  result.addAttribute(getDtAttrName(result.name), b.getF64FloatAttr(*dt));
  // `jacobian []` is the all-zero sparse Jacobian (a dense one has s * s
  // entries, and s >= 1).
  if (sparse || jacobian.empty())
    result.addAttribute(getJacobianPositionsAttrName(result.name),
                        b.getDenseI64ArrayAttr(positions));
  result.addAttribute(getOperandSegmentSizesAttrName(result.name),
                      b.getDenseI32ArrayAttr(
                          {static_cast<int32_t>(state.size()),
                           static_cast<int32_t>(affine.size()),
                           static_cast<int32_t>(jacobian.size())}));
  result.addTypes(SmallVector<Type>(state.size(), type));
  return success();
}

void LinearUpdateOp::print(OpAsmPrinter &p) {
  p << " (" << getState() << ") affine (" << getAffine() << ") jacobian [";
  if (getJacobianPositions()) {
    llvm::interleaveComma(llvm::enumerate(getJacobian()), p, [&](auto entry) {
      auto [row, col] = getJacobianPosition(entry.index());
      p << "(" << row << ", " << col << "): " << entry.value();
    });
  } else {
    p << getJacobian();
  }
  p << "] dt ";
  printDouble(p, getDt().convertToDouble());
  p.printOptionalAttrDict((*this)->getAttrs(),
                          {getDtAttrName(), getOperandSegmentSizesAttrName(),
                           getJacobianPositionsAttrName()});
  p << " : " << getState().front().getType();
}

std::pair<unsigned, unsigned> LinearUpdateOp::getJacobianPosition(unsigned k) {
  if (std::optional<ArrayRef<int64_t>> positions = getJacobianPositions())
    return {static_cast<unsigned>((*positions)[2 * k]),
            static_cast<unsigned>((*positions)[2 * k + 1])};
  unsigned s = getState().size();
  return {k / s, k % s};
}

LogicalResult LinearUpdateOp::verify() {
  size_t s = getState().size();
  if (s == 0)
    return emitOpError("needs at least one state value");
  if (getAffine().size() != s)
    return emitOpError("has ") << s << " state values but "
                               << getAffine().size() << " affine terms";
  if (std::optional<ArrayRef<int64_t>> positions = getJacobianPositions()) {
    if (positions->size() != 2 * getJacobian().size())
      return emitOpError("has ")
             << getJacobian().size() << " Jacobian entries but "
             << positions->size() << " position values (2 per entry)";
    int64_t previous = -1;
    for (size_t k = 0; k < getJacobian().size(); ++k) {
      int64_t row = (*positions)[2 * k], col = (*positions)[2 * k + 1];
      if (row < 0 || col < 0 || row >= static_cast<int64_t>(s) ||
          col >= static_cast<int64_t>(s))
        return emitOpError("Jacobian position (")
               << row << ", " << col << ") is out of range for " << s
               << " state values";
      int64_t flat = row * static_cast<int64_t>(s) + col;
      if (flat <= previous)
        return emitOpError("Jacobian positions must be in row-major order "
                           "without repeats, but (")
               << row << ", " << col << ") follows ("
               << previous / static_cast<int64_t>(s) << ", "
               << previous % static_cast<int64_t>(s) << ")";
      previous = flat;
    }
  } else if (getJacobian().size() != s * s) {
    return emitOpError("needs a ")
           << s << "x" << s << " Jacobian (" << s * s << " values), got "
           << getJacobian().size();
  }
  if (getResults().size() != s)
    return emitOpError("must return one value per state value");
  Type type = getState().front().getType();
  for (Value v : getOperation()->getOperands())
    if (v.getType() != type)
      return emitOpError("mixes types ") << type << " and " << v.getType();
  for (Value v : getResults())
    if (v.getType() != type)
      return emitOpError("mixes types ") << type << " and " << v.getType();
  if (!(getDt().convertToDouble() > 0.0))
    return emitOpError("time step must be positive");
  return success();
}

FailureOr<Propagator> LinearUpdateOp::computeConstantPropagator(
    ArrayRef<std::string> names) {
  // The canonicalizer retries the op each time one of its operands folds:
  // give up before allocating anything while some are not constant yet.
  SmallVector<double> entries;
  entries.reserve(getJacobian().size());
  for (Value v : getJacobian()) {
    FloatAttr attr;
    if (!matchPattern(v, m_Constant(&attr)))
      return failure();
    entries.push_back(attr.getValueAsDouble());
  }
  unsigned s = getState().size();
  std::vector<double> a(static_cast<size_t>(s) * s, 0.0);
  for (auto [k, value] : llvm::enumerate(entries)) {
    auto [row, col] = getJacobianPosition(k);
    a[static_cast<size_t>(row) * s + col] = value;
  }
  Type type = getState().front().getType();
  Propagator result;
  if (!type.isF32() && !type.isF64()) {
    result.error = "only f32 and f64 are supported";
    return result;
  }
  return computePropagator(a, s, getDt().convertToDouble(),
                           type.isF32() ? FloatFormat::F32 : FloatFormat::F64,
                           std::vector<std::string>(names.begin(),
                                                    names.end()));
}

namespace {
/// Once the Jacobian is made of constants, computes the propagator matrices
/// (at compile time, once) and replaces the op by the sums of the products
/// with their non-zero entries. Terms are added in a fixed order: state terms
/// by column, then affine terms by column. Refuses (and leaves the op for
/// convert-snn-to-core to report) when the propagator cannot be computed to
/// the type's precision.
struct ExpandConstantLinearUpdate : OpRewritePattern<LinearUpdateOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearUpdateOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<Propagator> propagator = op.computeConstantPropagator();
    if (failed(propagator))
      return rewriter.notifyMatchFailure(op, "Jacobian is not constant");
    if (!propagator->ok())
      return rewriter.notifyMatchFailure(op, [&](Diagnostic &diag) {
        diag << propagator->error;
      });
    const std::vector<double> &p = propagator->p, &m = propagator->m;

    size_t s = op.getState().size();
    auto type = cast<FloatType>(op.getState().front().getType());
    Location loc = op.getLoc();
    auto isZeroConstant = [](Value v) {
      FloatAttr attr;
      return matchPattern(v, m_Constant(&attr)) && attr.getValue().isZero();
    };
    SmallVector<Value> state(op.getState()), affine(op.getAffine());
    // Zero inputs contribute nothing: drop them once, not once per row.
    for (Value &v : state)
      if (isZeroConstant(v))
        v = nullptr;
    for (Value &v : affine)
      if (isZeroConstant(v))
        v = nullptr;
    // One constant per distinct coefficient (the greedy driver would merge
    // them anyway, after building them all).
    DenseMap<uint64_t, Value> constants;
    auto constant = [&](double value) {
      Value &c = constants[llvm::bit_cast<uint64_t>(value)];
      if (!c)
        c = rewriter.create<arith::ConstantOp>(
            loc, rewriter.getFloatAttr(type, value));
      return c;
    };
    SmallVector<Value> results;
    for (size_t i = 0; i < s; ++i) {
      Value sum;
      auto accumulate = [&](double coefficient, Value x) {
        if (coefficient == 0.0 || !x)
          return;
        Value term = x;
        if (coefficient != 1.0)
          term = rewriter.create<arith::MulFOp>(loc, constant(coefficient), x);
        sum = sum ? rewriter.create<arith::AddFOp>(loc, sum, term).getResult()
                  : term;
      };
      for (size_t j = 0; j < s; ++j)
        accumulate(p[i * s + j], state[j]);
      for (size_t j = 0; j < s; ++j)
        accumulate(m[i * s + j], affine[j]);
      if (!sum)
        sum = constant(0.0);
      results.push_back(sum);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};
} // namespace

void LinearUpdateOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                 MLIRContext *context) {
  results.add<ExpandConstantLinearUpdate>(context);
}

#define GET_OP_CLASSES
#include "snn/Dialect/SNN/SNNOps.cpp.inc"
