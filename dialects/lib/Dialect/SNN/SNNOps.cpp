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
#include "llvm/ADT/StringSet.h"

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

bool NeuronModelOp::resetChangesState() {
  Block &reset = getReset().front();
  Operation *yield = reset.getTerminator();
  for (unsigned k = 0; k < getNumVariables(); ++k)
    if (yield->getOperand(k) != reset.getArgument(k))
      return true;
  return false;
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

static const char *const kMethods[] = {
    "exact",       "euler",     "rk2",       "rk4", "exponential_euler",
    "exact+euler", "exact+rk2", "exact+rk4", "exact+exponential_euler"};

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
// SynapseModelOp
//===----------------------------------------------------------------------===//

int SynapseModelOp::lookupVariable(StringRef name) {
  return indexOf(getVariables(), name);
}
int SynapseModelOp::lookupParam(StringRef name) {
  return indexOf(getParams(), name);
}
int SynapseModelOp::lookupEventDriven(StringRef name) {
  return indexOf(getEventDriven(), name);
}
int SynapseModelOp::lookupClockDriven(StringRef name) {
  return indexOf(getClockDriven(), name);
}
int SynapseModelOp::lookupLink(StringRef name) {
  return indexOf(getLinks(), name);
}

FloatType SynapseModelOp::getFloatType() {
  return cast<NetworkOp>((*this)->getParentOp()).getFloatType();
}

void SynapseModelOp::getAsmBlockArgumentNames(Region &region,
                                              OpAsmSetValueNameFn setNameFn) {
  if (region.empty())
    return;
  // Names with a suffix are made StringAttrs, so that they outlive this
  // function (the names are StringRefs into the context).
  SmallVector<StringRef> names;
  auto add = [&](ArrayAttr list, StringRef suffix = "") {
    for (Attribute attr : list) {
      StringRef name = cast<StringAttr>(attr).getValue();
      names.push_back(suffix.empty()
                          ? name
                          : StringAttr::get(getContext(), name + suffix)
                                .getValue());
    }
  };
  if (&region == &getOde() || &region == &getAdvance()) {
    add(getEventDriven());
    add(getParams());
    if (&region == &getAdvance())
      names.push_back("elapsed");
  } else {
    add(getVariables());
    add(getPostReads(), "_post");
    add(getPreReads(), "_pre");
    add(getLinks());
    add(getParams());
  }
  for (auto [arg, name] : llvm::zip(region.getArguments(), names))
    setNameFn(arg, name);
}

LogicalResult SynapseModelOp::verify() {
  llvm::SmallSet<StringRef, 16> seen;
  for (ArrayAttr list : {getVariables(), getParams(), getLinks()})
    for (Attribute attr : list) {
      StringRef name = cast<StringAttr>(attr).getValue();
      if (!seen.insert(name).second)
        return emitOpError("name '") << name << "' is declared twice";
    }
  if (getVariables().empty())
    return emitOpError("needs at least one variable (its weight)");
  if (lookupVariable(getWeight()) < 0)
    return emitOpError("weight '") << getWeight() << "' is not a variable";
  llvm::SmallSet<StringRef, 16> driven;
  for (Attribute attr : getEventDriven()) {
    StringRef name = cast<StringAttr>(attr).getValue();
    if (lookupVariable(name) < 0)
      return emitOpError("event-driven '") << name << "' is not a variable";
    if (!driven.insert(name).second)
      return emitOpError("event-driven '") << name << "' is listed twice";
  }
  for (Attribute attr : getClockDriven()) {
    StringRef name = cast<StringAttr>(attr).getValue();
    if (lookupVariable(name) < 0)
      return emitOpError("clock-driven '") << name << "' is not a variable";
    if (!driven.insert(name).second)
      return emitOpError("clock-driven '")
             << name << "' is listed twice, or also event-driven";
  }
  if (getClockMethod() != "exact" && getClockMethod() != "euler")
    return emitOpError("clock_method '")
           << getClockMethod() << "' is not \"exact\" or \"euler\"";
  for (auto [what, list] : {std::pair<StringRef, ArrayAttr>{"post_reads",
                                                            getPostReads()},
                            {"pre_reads", getPreReads()},
                            {"post_targets", getPostTargets()}}) {
    llvm::SmallSet<StringRef, 8> names;
    for (Attribute attr : list)
      if (!names.insert(cast<StringAttr>(attr).getValue()).second)
        return emitOpError(what) << " names '"
                                 << cast<StringAttr>(attr).getValue()
                                 << "' twice";
  }
  return success();
}

LogicalResult SynapseModelOp::verifyRegions() {
  bool hasEquations = getNumEventDriven() > 0;
  unsigned solved = !getOde().empty() + !getAdvance().empty();
  if (hasEquations && solved != 1)
    return emitOpError("has event-driven variables, so it needs exactly one "
                       "of the 'ode' and 'advance' regions");
  if (!hasEquations && solved != 0)
    return emitOpError("has no event-driven variables, so no 'ode' or "
                       "'advance' region");
  bool hasClock = getNumClockDriven() > 0;
  unsigned stepped = !getClock().empty() + !getClockStep().empty();
  if (hasClock && stepped != 1)
    return emitOpError("has clock-driven variables, so it needs exactly one "
                       "of the 'clock' and 'clock_step' regions");
  if (!hasClock && stepped != 0)
    return emitOpError("has no clock-driven variables, so no 'clock' or "
                       "'clock_step' region");
  FloatType floatType = getFloatType();
  auto checkRegion = [&](Region &region, StringRef what, unsigned numArgs,
                         StringRef argsText,
                         unsigned numYields) -> LogicalResult {
    if (region.empty())
      return success();
    Block &block = region.front();
    if (block.getNumArguments() != numArgs)
      return emitOpError("region '")
             << what << "' takes " << block.getNumArguments()
             << " arguments, expected " << numArgs << " (" << argsText << ")";
    for (BlockArgument arg : block.getArguments())
      if (arg.getType() != floatType)
        return emitOpError("region '")
               << what << "' argument #" << arg.getArgNumber() << " has type "
               << arg.getType() << ", expected the network's " << floatType;
    auto yield = dyn_cast<YieldOp>(block.getTerminator());
    if (!yield)
      return emitOpError("region '") << what << "' must end in snn.yield";
    SmallVector<Type> yields(numYields, floatType);
    if (yield.getValues().getTypes() != TypeRange(yields))
      return yield.emitOpError("in region '")
             << what << "' must yield " << numYields << " value(s) of type "
             << floatType << ", got " << yield.getValues().size();
    return success();
  };
  unsigned events = getNumVariables() + getPostReads().size() +
                    getPreReads().size() + getLinks().size() + getNumParams();
  unsigned eventYields = getNumVariables() + getPostTargets().size();
  const char *eventArgs =
      "variables, post_reads, pre_reads, links, parameters";
  if (failed(checkRegion(getOde(), "ode", getNumEventDriven() + getNumParams(),
                         "event-driven variables, parameters",
                         getNumEventDriven())) ||
      failed(checkRegion(getAdvance(), "advance",
                         getNumEventDriven() + getNumParams() + 1,
                         "event-driven variables, parameters, elapsed time",
                         getNumEventDriven())) ||
      failed(checkRegion(getClock(), "clock", events, eventArgs,
                         getNumClockDriven())) ||
      failed(checkRegion(getClockStep(), "clock_step", events, eventArgs,
                         getNumClockDriven())) ||
      failed(checkRegion(getOnPre(), "on_pre", events, eventArgs,
                         eventYields)) ||
      failed(checkRegion(getOnPost(), "on_post", events, eventArgs,
                         eventYields)))
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
  for (NamedAttribute entry : getLinks()) {
    StringRef name = entry.getName().getValue();
    if (model.lookupInput(name) < 0)
      return emitOpError("links '")
             << name << "', which is not an input of model '" << getModel()
             << "'";
    if (name == "t")
      return emitOpError("links 't', the time, which reads no variable");
    std::optional<std::pair<StringRef, StringRef>> target = getLinkTarget(name);
    if (!target)
      return emitOpError("link '")
             << name << "' must be \"<population>.<variable>\"";
    auto to = symbolTable.lookupNearestSymbolFrom<PopulationOp>(
        *this, StringAttr::get(getContext(), target->first));
    if (!to)
      return emitOpError("link '") << name << "' reads '" << target->first
                                   << "', which is not a neuron population";
    auto toModel = symbolTable.lookupNearestSymbolFrom<NeuronModelOp>(
        to, to.getModelAttr());
    if (toModel && toModel.lookupVariable(target->second) < 0)
      return emitOpError("link '")
             << name << "': model '" << to.getModel() << "' has no variable '"
             << target->second << "'";
    int64_t size = to.getSizeAttr().getInt();
    if (size != 1 && size != getSizeAttr().getInt())
      return emitOpError("link '")
             << name << "' reads '" << target->first << "' of size " << size
             << ": a link reads a population of size 1 or of this one's size "
             << getSizeAttr().getInt();
  }
  return success();
}

std::optional<std::pair<StringRef, StringRef>>
PopulationOp::getLinkTarget(StringRef name) {
  auto text = dyn_cast_or_null<StringAttr>(getLinks().get(name));
  if (!text)
    return std::nullopt;
  auto [population, variable] = text.getValue().rsplit('.');
  if (population.empty() || variable.empty() ||
      text.getValue().count('.') == 0)
    return std::nullopt;
  return std::make_pair(population, variable);
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
  if (getKind() != "constant" && getKind() != "noise" &&
      getKind() != "timed_array")
    return emitOpError("kind '")
           << getKind()
           << "' is not 'constant', 'noise' or 'timed_array'";
  bool table = getKind() == "timed_array";
  if (!table && (getRows() || getColumns() || getEvery()))
    return emitOpError("only a timed_array current has rows, columns and "
                       "every");
  if (table) {
    if (!isa<FileAttr>(getAmplitude()))
      return emitOpError("the table of a timed_array current must be a "
                         "#snn.file");
    if (!getRows() || !getColumns() || !getEvery())
      return emitOpError("a timed_array current needs rows, columns and "
                         "every");
    if (*getRows() < 1 || *getColumns() < 1 || *getEvery() < 1)
      return emitOpError("rows, columns and every must be >= 1");
    if (!cast<FileAttr>(getAmplitude()).getIndex().empty())
      return emitOpError("the table of a timed_array current has no index "
                         "column");
  }
  if (!isValueSpec(getAmplitude()) || isa<FromListAttr>(getAmplitude()))
    return emitOpError("amplitude must be a constant, #snn.uniform, "
                       "#snn.normal or #snn.file");
  if (!(getStd().convertToDouble() >= 0.0))
    return emitOpError("standard deviation ")
           << formatDouble(getStd().convertToDouble()) << " must not be negative";
  if (getKind() != "noise" && getStd().convertToDouble() != 0.0)
    return emitOpError("only a noise current has a standard deviation");
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
  if (pop.getLinks().get(getInput()))
    return emitOpError("input '") << getInput() << "' of population '"
                                  << getTarget()
                                  << "' is a link: it reads a variable, not "
                                     "currents";
  if (getInput() == "t")
    return emitOpError("input 't' is the time: it takes no currents");
  if (getColumns() && *getColumns() != 1 && *getColumns() != pop.getSize())
    return emitOpError("a table of ")
           << *getColumns() << " columns for population '" << getTarget()
           << "' of " << pop.getSize()
           << " neurons (one column, or one per neuron)";
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
  if (getTarget().has_value() == getSynapse().has_value())
    return emitOpError("needs exactly one of 'target' (a fixed weight added "
                       "to a variable) and 'synapse' (a synapse model)");
  if (!isPlastic() && (getSynapseParams() || getSynapseInit() ||
                       getSynapseLinks()))
    return emitOpError("has synapse parameters or initial values but no "
                       "synapse model");
  if (isPlastic()) {
    if (getStorage() && *getStorage() != StorageKind::csr)
      return emitOpError("has a synapse model, so its synapses are stored as "
                         "csr, not ")
             << stringifyStorageKind(*getStorage());
    if (DictionaryAttr params = getSynapseParamsAttr())
      for (NamedAttribute p : params)
        if (!isa<FloatAttr>(p.getValue()))
          return emitOpError("synapse parameter '")
                 << p.getName().getValue() << "' must be a float, not "
                 << p.getValue();
    if (DictionaryAttr links = getSynapseLinksAttr())
      for (NamedAttribute l : links) {
        auto target = dyn_cast<StringAttr>(l.getValue());
        if (!target || !target.getValue().contains('.'))
          return emitOpError("link '")
                 << l.getName().getValue()
                 << "' must be a string \"<population>.<variable>\", not "
                 << l.getValue();
      }
    if (DictionaryAttr init = getSynapseInitAttr())
      for (NamedAttribute i : init)
        if (!isa<FloatAttr, UniformAttr, NormalAttr>(i.getValue()))
          return emitOpError("initial value of synapse variable '")
                 << i.getName().getValue()
                 << "' must be a float, #snn.uniform or #snn.normal, not "
                 << i.getValue();
  }
  if (auto delay = dyn_cast<FloatAttr>(getDelay()))
    if (!(delay.getValueAsDouble() >= 0.0))
      return emitOpError("delay ")
             << formatDouble(delay.getValueAsDouble()) << " ms must not be negative";
  if (std::optional<StorageKind> kind = getStorage()) {
    std::string why =
        storageUnsupported(*kind, getConnectivity(), getWeight(), getDelay());
    if (!why.empty())
      return emitOpError("cannot be ") << stringifyStorageKind(*kind) << ": "
                                       << why;
  }
  return success();
}

std::optional<std::pair<StringRef, StringRef>>
ProjectionOp::getLinkTarget(StringRef name) {
  DictionaryAttr links = getSynapseLinksAttr();
  auto target = links ? dyn_cast_or_null<StringAttr>(links.get(name))
                      : StringAttr();
  if (!target)
    return std::nullopt;
  auto [population, variable] = target.getValue().rsplit('.');
  return std::make_pair(population, variable);
}

bool ProjectionOp::isImmediate() {
  auto delay = dyn_cast<FloatAttr>(getDelay());
  auto network = (*this)->getParentOfType<NetworkOp>();
  return delay && network &&
         std::llround(delay.getValueAsDouble() /
                      network.getDt().convertToDouble()) == 0;
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
  if (model && getTarget() && model.lookupVariable(*getTarget()) < 0)
    return emitOpError("target '")
           << *getTarget() << "' is not a variable of model '"
           << post.getModel() << "'";
  if (isPlastic()) {
    auto synapse = symbolTable.lookupNearestSymbolFrom<SynapseModelOp>(
        *this, getSynapseAttr());
    if (!synapse)
      return emitOpError("synapse '")
             << *getSynapse() << "' is not a synapse model";
    if (model)
      for (auto [what, list] :
           {std::pair<StringRef, ArrayAttr>{"reads", synapse.getPostReads()},
            {"adds to", synapse.getPostTargets()}})
        for (Attribute attr : list)
          if (model.lookupVariable(cast<StringAttr>(attr).getValue()) < 0)
            return emitOpError("synapse model '")
                   << synapse.getSymName() << "' " << what << " '"
                   << cast<StringAttr>(attr).getValue()
                   << "_post', but model '" << post.getModel()
                   << "' of population '" << getPost()
                   << "' has no variable '"
                   << cast<StringAttr>(attr).getValue() << "'";
    if (!synapse.getPreReads().empty()) {
      auto prePop = dyn_cast_or_null<PopulationOp>(pre);
      auto preModel =
          prePop ? symbolTable.lookupNearestSymbolFrom<NeuronModelOp>(
                       prePop, prePop.getModelAttr())
                 : NeuronModelOp();
      if (!prePop)
        return emitOpError("synapse model '")
               << synapse.getSymName() << "' reads presynaptic variables, "
               << "but '" << getPre() << "' is a source";
      for (Attribute attr : synapse.getPreReads())
        if (preModel &&
            preModel.lookupVariable(cast<StringAttr>(attr).getValue()) < 0)
          return emitOpError("synapse model '")
                 << synapse.getSymName() << "' reads '"
                 << cast<StringAttr>(attr).getValue()
                 << "_pre', but model '" << prePop.getModel()
                 << "' of population '" << getPre() << "' has no variable '"
                 << cast<StringAttr>(attr).getValue() << "'";
    }
    DictionaryAttr params = getSynapseParamsAttr();
    for (Attribute attr : synapse.getParams()) {
      StringRef name = cast<StringAttr>(attr).getValue();
      if (!params || !params.get(name))
        return emitOpError("gives no value for parameter '")
               << name << "' of synapse model '" << synapse.getSymName()
               << "'";
    }
    if (params)
      for (NamedAttribute p : params)
        if (synapse.lookupParam(p.getName().getValue()) < 0)
          return emitOpError("synapse model '")
                 << synapse.getSymName() << "' has no parameter '"
                 << p.getName().getValue() << "'";
    if (DictionaryAttr init = getSynapseInitAttr())
      for (NamedAttribute i : init) {
        StringRef name = i.getName().getValue();
        if (synapse.lookupVariable(name) < 0)
          return emitOpError("synapse model '")
                 << synapse.getSymName() << "' has no variable '" << name
                 << "'";
        if (name == synapse.getWeight())
          return emitOpError("the initial value of the weight '")
                 << name << "' is the projection's 'weight', not in "
                 << "synapse_init";
      }
    for (auto [what, list] :
         {std::pair<StringRef, ArrayAttr>{"pre_traces", getPreTracesAttr()},
          {"post_traces", getPostTracesAttr()}})
      if (list)
        for (Attribute attr : list) {
          StringRef name = cast<StringAttr>(attr).getValue();
          if (synapse.lookupEventDriven(name) < 0 ||
              name == synapse.getWeight())
            return emitOpError(what)
                   << " names '" << name
                   << "', which is not an event-driven variable of synapse "
                      "model '"
                   << synapse.getSymName() << "' other than its weight";
          if (what == "pre_traces" && !isImmediate())
            return emitOpError("has pre_traces but a delay: a pre trace "
                               "per neuron needs a delay of 0 steps");
        }
    for (Attribute attr : synapse.getLinks()) {
      StringRef name = cast<StringAttr>(attr).getValue();
      auto target = getLinkTarget(name);
      if (!target)
        return emitOpError("does not bind link '")
               << name << "' of synapse model '" << synapse.getSymName()
               << "'";
      auto to = symbolTable.lookupNearestSymbolFrom<PopulationOp>(
          *this, StringAttr::get(getContext(), target->first));
      if (!to)
        return emitOpError("link '")
               << name << "' reads '" << target->first
               << "', which is not a neuron population";
      auto toModel = symbolTable.lookupNearestSymbolFrom<NeuronModelOp>(
          to, to.getModelAttr());
      if (toModel && toModel.lookupVariable(target->second) < 0)
        return emitOpError("link '")
               << name << "': model '" << to.getModel()
               << "' of population '" << target->first
               << "' has no variable '" << target->second << "'";
      int64_t size = to.getSizeAttr().getInt();
      if (size != 1 && size != post.getSizeAttr().getInt())
        return emitOpError("link '")
               << name << "' reads population '" << target->first
               << "' of size " << size
               << ", neither 1 nor the post population's "
               << post.getSizeAttr().getInt();
    }
    if (DictionaryAttr links = getSynapseLinksAttr())
      for (NamedAttribute l : links)
        if (synapse.lookupLink(l.getName().getValue()) < 0)
          return emitOpError("synapse model '")
                 << synapse.getSymName() << "' has no link '"
                 << l.getName().getValue() << "'";
  }
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
// PeriodicOp
//===----------------------------------------------------------------------===//

LogicalResult PeriodicOp::verify() {
  if (getEveryAttr().getInt() < 1)
    return emitOpError("period ") << getEveryAttr().getInt()
                                  << " must be at least 1 step";
  return success();
}

SmallVector<std::pair<StringRef, StringRef>> PeriodicOp::getCopiedReads() {
  SmallVector<std::pair<StringRef, StringRef>> reads;
  Operation *owner =
      SymbolTable::lookupNearestSymbolFrom(*this, getOwnerAttr());
  auto linkTarget = [&](StringRef link) {
    if (auto pop = dyn_cast_or_null<PopulationOp>(owner))
      return pop.getLinkTarget(link);
    if (auto projection = dyn_cast_or_null<ProjectionOp>(owner))
      return projection.getLinkTarget(link);
    return std::optional<std::pair<StringRef, StringRef>>();
  };
  for (StringRef link : getLinks().getAsValueRange<StringAttr>())
    if (auto target = linkTarget(link))
      reads.push_back(*target);
  if (auto projection = dyn_cast_or_null<ProjectionOp>(owner))
    for (StringRef variable : getPreReads().getAsValueRange<StringAttr>())
      reads.push_back({projection.getPre(), variable});
  return reads;
}

LogicalResult
PeriodicOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  Operation *owner = symbolTable.lookupNearestSymbolFrom(*this, getOwnerAttr());
  FloatType floatType = cast<NetworkOp>((*this)->getParentOp()).getFloatType();
  unsigned numArgs = 0, numYields = 0;
  std::string argsText;
  if (auto pop = dyn_cast_or_null<PopulationOp>(owner)) {
    auto model = symbolTable.lookupNearestSymbolFrom<NeuronModelOp>(
        pop, pop.getModelAttr());
    if (!model)
      return success(); // the population's verifier says so
    if (!getPostReads().empty() || !getPreReads().empty())
      return emitOpError(
          "of a population reads no post or presynaptic variables");
    for (Attribute attr : getLinks())
      if (!pop.getLinkTarget(cast<StringAttr>(attr).getValue()))
        return emitOpError("reads link '")
               << cast<StringAttr>(attr).getValue() << "', which population '"
               << getOwner() << "' does not bind";
    numArgs = model.getNumVariables() + getLinks().size();
    numYields = model.getNumVariables();
    argsText = "the model's variables, links";
  } else if (auto projection = dyn_cast_or_null<ProjectionOp>(owner);
             projection && projection.isPlastic()) {
    auto synapse = symbolTable.lookupNearestSymbolFrom<SynapseModelOp>(
        projection, projection.getSynapseAttr());
    auto post = symbolTable.lookupNearestSymbolFrom<PopulationOp>(
        projection, projection.getPostAttr());
    if (!synapse || !post)
      return success(); // the projection's verifier says so
    for (Attribute attr : getLinks()) {
      StringRef link = cast<StringAttr>(attr).getValue();
      if (!llvm::is_contained(synapse.getLinks().getAsValueRange<StringAttr>(),
                              link))
        return emitOpError("reads '")
               << link << "', which is not a link of synapse model '"
               << synapse.getSymName() << "'";
      if (!projection.getLinkTarget(link))
        return emitOpError("reads link '")
               << link << "', which projection '" << getOwner()
               << "' does not bind";
    }
    if (!getPreReads().empty()) {
      auto pre = symbolTable.lookupNearestSymbolFrom<PopulationOp>(
          projection, projection.getPreAttr());
      auto preModel = pre ? symbolTable.lookupNearestSymbolFrom<NeuronModelOp>(
                                pre, pre.getModelAttr())
                          : NeuronModelOp();
      if (!pre)
        return emitOpError("reads presynaptic variables, but '")
               << projection.getPre() << "' is not a neuron population";
      for (Attribute attr : getPreReads())
        if (preModel &&
            preModel.lookupVariable(cast<StringAttr>(attr).getValue()) < 0)
          return emitOpError("reads '")
                 << cast<StringAttr>(attr).getValue() << "_pre', but model '"
                 << pre.getModel() << "' has no such variable";
    }
    if (projection.getPreTraces() || projection.getPostTraces())
      return emitOpError("owner '")
             << getOwner()
             << "' holds traces per neuron (pre_traces, post_traces): "
                "periodic statements need its variables per synapse";
    auto postModel = symbolTable.lookupNearestSymbolFrom<NeuronModelOp>(
        post, post.getModelAttr());
    for (Attribute attr : getPostReads())
      if (postModel &&
          postModel.lookupVariable(cast<StringAttr>(attr).getValue()) < 0)
        return emitOpError("reads '")
               << cast<StringAttr>(attr).getValue() << "_post', but model '"
               << post.getModel() << "' has no such variable";
    numArgs = synapse.getNumVariables() + getPostReads().size() +
              getPreReads().size() + getLinks().size() +
              synapse.getNumParams();
    numYields = synapse.getNumVariables();
    argsText = "the synapse's variables, post_reads, pre_reads, links, "
               "parameters";
  } else {
    return emitOpError("owner '")
           << getOwner()
           << "' is neither a neuron population nor a projection with a "
              "synapse model";
  }
  Block &block = getBody().front();
  if (block.getNumArguments() != numArgs)
    return emitOpError("body takes ")
           << block.getNumArguments() << " arguments, expected " << numArgs
           << " (" << argsText << ")";
  for (BlockArgument arg : block.getArguments())
    if (arg.getType() != floatType)
      return emitOpError("body argument #")
             << arg.getArgNumber() << " has type " << arg.getType()
             << ", expected the network's " << floatType;
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  SmallVector<Type> yields(numYields, floatType);
  if (!yield || yield.getValues().getTypes() != TypeRange(yields))
    return emitOpError("body must yield ")
           << numYields << " value(s) of type " << floatType;
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

LogicalResult
RecordWeightsOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  if (!isa_and_nonnull<ProjectionOp>(
          symbolTable.lookupNearestSymbolFrom(*this, getProjectionAttr())))
    return emitOpError("'") << getProjection() << "' is not a projection";
  for (auto other : (*this)->getParentOp()->getRegion(0).getOps<RecordWeightsOp>()) {
    if (other == *this)
      break;
    if (other.getProjection() == getProjection()) {
      InFlightDiagnostic diag = emitOpError("the weights of '")
                                << getProjection() << "' are recorded twice";
      diag.attachNote(other.getLoc()) << "first here";
      return diag;
    }
  }
  return success();
}

LogicalResult
RecordSynapsesOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto projection = dyn_cast_or_null<ProjectionOp>(
      symbolTable.lookupNearestSymbolFrom(*this, getProjectionAttr()));
  if (!projection || !projection.isPlastic())
    return emitOpError("'") << getProjection()
                            << "' is not a projection with a synapse model";
  auto model = symbolTable.lookupNearestSymbolFrom<SynapseModelOp>(
      projection, projection.getSynapseAttr());
  if (!model)
    return success(); // the projection's verifier says so
  for (Attribute attr : getVariables())
    if (model.lookupVariable(cast<StringAttr>(attr).getValue()) < 0)
      return emitOpError("synapse model '")
             << model.getSymName() << "' has no variable '"
             << cast<StringAttr>(attr).getValue() << "'";
  for (auto other : (*this)->getParentOp()->getRegion(0).getOps<RecordSynapsesOp>()) {
    if (other == *this)
      break;
    if (other.getProjection() == getProjection()) {
      InFlightDiagnostic diag = emitOpError("the synapses of '")
                                << getProjection() << "' are recorded twice";
      diag.attachNote(other.getLoc()) << "first here";
      return diag;
    }
  }
  return success();
}

LogicalResult RecordSynapseStateOp::verify() {
  if (getEveryAttr().getInt() < 1)
    return emitOpError("recording interval ")
           << getEveryAttr().getInt() << " must be at least one step";
  if (getPre().size() != getPost().size())
    return emitOpError("has ")
           << getPre().size() << " presynaptic and " << getPost().size()
           << " postsynaptic neurons; a synapse is one of each";
  if (getPre().empty())
    return emitOpError("records no synapse");
  for (auto [pre, post] : llvm::zip(getPre(), getPost()))
    if (pre < 0 || post < 0)
      return emitOpError("neuron index ") << std::min(pre, post)
                                          << " is negative";
  return success();
}

LogicalResult
RecordSynapseStateOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto projection = dyn_cast_or_null<ProjectionOp>(
      symbolTable.lookupNearestSymbolFrom(*this, getProjectionAttr()));
  if (!projection || !projection.isPlastic())
    return emitOpError("'") << getProjection()
                            << "' is not a projection with a synapse model";
  auto model = symbolTable.lookupNearestSymbolFrom<SynapseModelOp>(
      projection, projection.getSynapseAttr());
  if (model && model.lookupVariable(getVariable()) < 0)
    return emitOpError("synapse model '")
           << model.getSymName() << "' has no variable '" << getVariable()
           << "'";
  for (ArrayAttr traces :
       {projection.getPreTracesAttr(), projection.getPostTracesAttr()})
    if (traces && llvm::is_contained(traces.getAsValueRange<StringAttr>(),
                                     getVariable()))
      return emitOpError("'")
             << getVariable() << "' of '" << getProjection()
             << "' is held per neuron (pre_traces, post_traces), not per "
                "synapse";
  auto size = [&](StringRef name) -> int64_t {
    Operation *op = symbolTable.lookupNearestSymbolFrom(
        *this, StringAttr::get(getContext(), name));
    if (auto pop = dyn_cast_or_null<PopulationOp>(op))
      return pop.getSizeAttr().getInt();
    if (auto src = dyn_cast_or_null<PoissonSourceOp>(op))
      return src.getSizeAttr().getInt();
    if (auto src = dyn_cast_or_null<SpikeSourceArrayOp>(op))
      return src.getSizeAttr().getInt();
    return -1;
  };
  int64_t npre = size(projection.getPre()), npost = size(projection.getPost());
  for (auto [pre, post] : llvm::zip(getPre(), getPost())) {
    if (npre >= 0 && pre >= npre)
      return emitOpError("presynaptic neuron ")
             << pre << " is out of range for '" << projection.getPre()
             << "' of size " << npre;
    if (npost >= 0 && post >= npost)
      return emitOpError("postsynaptic neuron ")
             << post << " is out of range for '" << projection.getPost()
             << "' of size " << npost;
  }
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

//===----------------------------------------------------------------------===//
// The step schedule
//===----------------------------------------------------------------------===//

namespace {

/// Where a step op stands in a schedule: its phase, then its place among
/// all step ops.
struct StepPosition {
  Operation *op = nullptr;
  unsigned phase = 0, order = 0;
  explicit operator bool() const { return op; }
  /// Whether this comes before `later` in program order (CPU threads run
  /// their share of a phase in order).
  bool before(const StepPosition &later) const { return order < later.order; }
};

/// Checks that a schedule is a whole, valid step of its network.
class ScheduleVerifier {
public:
  ScheduleVerifier(ScheduleOp schedule)
      : schedule(schedule),
        network(schedule->getParentOfType<NetworkOp>()), symbols(network),
        gpu(schedule.getTarget() == "gpu") {}

  LogicalResult verify();

private:
  /// Whether `first` is done, for every neuron, before `then` starts: on
  /// the CPU an earlier place in the same phase is enough for work on the
  /// same neurons (a thread's share of a population is the same range in
  /// every op); on the GPU, and for whole spike lists, only an earlier
  /// phase is.
  bool doneBefore(const StepPosition &first, const StepPosition &then,
                  bool sameNeurons) const {
    if (sameNeurons && !gpu)
      return first.before(then);
    return first.phase < then.phase;
  }
  /// "after <what> (<where>)" for an order error at `op`.
  InFlightDiagnostic orderError(Operation *op, const StepPosition &first,
                                const Twine &what) {
    InFlightDiagnostic diag = op->emitOpError("must come after ");
    diag << what;
    diag << (gpu || !first.op || first.op->getParentOp() != op->getParentOp()
                 ? ", in a later phase"
                 : "");
    if (first.op)
      diag.attachNote(first.op->getLoc()) << "which is here";
    return diag;
  }
  /// Records `op` under `name` in `seen`; an error when it is there.
  LogicalResult once(llvm::StringMap<StepPosition> &seen, StringRef name,
                     const StepPosition &at, StringRef what) {
    auto [it, inserted] = seen.try_emplace(name, at);
    if (inserted)
      return success();
    InFlightDiagnostic diag = at.op->emitOpError("'");
    diag << name << "' is " << what << " twice";
    diag.attachNote(it->second.op->getLoc()) << "first here";
    return diag;
  }
  template <typename OpT>
  OpT lookup(Operation *user, FlatSymbolRefAttr name, StringRef kind,
             LogicalResult &result) {
    auto op = symbols.lookup<OpT>(name.getValue());
    if (!op) {
      user->emitOpError("'") << name.getValue() << "' is not " << kind;
      result = failure();
    }
    return op;
  }

  ScheduleOp schedule;
  NetworkOp network;
  SymbolTable symbols;
  bool gpu;
  llvm::StringMap<StepPosition> updated, emitted, propagated, delivered,
      resetAt, postPropagated, snapshots, tracesAt, clocked, linkedCopies;
  DenseMap<int64_t, StepPosition> sampled, periodicRun, synapsesSampled;
  StepPosition endStep;
};

LogicalResult ScheduleVerifier::verify() {
  if (schedule.getTarget() != "cpu" && schedule.getTarget() != "gpu")
    return schedule.emitOpError("unknown target '")
           << schedule.getTarget() << "' (expected 'cpu' or 'gpu')";
  for (auto other : network.getBody().getOps<ScheduleOp>())
    if (other != schedule) {
      if (other->isBeforeInBlock(schedule)) {
        InFlightDiagnostic diag =
            schedule.emitOpError("the network has a schedule already");
        diag.attachNote(other.getLoc()) << "here";
        return diag;
      }
      break;
    }

  // The phases.
  SmallVector<StringRef> names;
  for (PhaseOp phase : schedule.getPhases()) {
    StringRef name = phase.getName();
    if (name.empty() || !llvm::all_of(name, [](char c) {
          return llvm::isAlnum(c) || c == '_';
        }))
      return phase.emitOpError("name '")
             << name << "' is not made of letters, digits and '_'";
    if (llvm::is_contained(names, name))
      return phase.emitOpError("'") << name << "' is a phase twice";
    names.push_back(name);
  }
  if (!gpu && (names.size() != 2 || names[0] != "update" ||
               names[1] != "propagate"))
    return schedule.emitOpError(
        "a CPU step has two phases, 'update' then 'propagate' (the "
        "simulator's snn_update and snn_propagate)");
  for (Operation &op : schedule.getBody().front())
    if (!isa<PhaseOp>(op))
      return op.emitOpError("is not a phase");

  // The step ops, where they stand, and the entities they name.
  LogicalResult result = success();
  unsigned order = 0, phaseIndex = 0;
  // State recordings, then synapse recordings (GPU: sampled the same way).
  int64_t numRecords =
      std::distance(network.getBody().getOps<RecordStateOp>().begin(),
                    network.getBody().getOps<RecordStateOp>().end()) +
      std::distance(network.getBody().getOps<RecordSynapseStateOp>().begin(),
                    network.getBody().getOps<RecordSynapseStateOp>().end());
  for (PhaseOp phase : schedule.getPhases()) {
    for (Operation &op : phase.getBody().front()) {
      StepPosition at{&op, phaseIndex, order++};
      if (auto update = dyn_cast<UpdateStepOp>(op)) {
        if (!lookup<PopulationOp>(&op, update.getPopulationAttr(),
                                  "a neuron population", result))
          continue;
        if (failed(once(updated, update.getPopulation(), at, "updated")) ||
            (update.getReset() &&
             failed(once(resetAt, update.getPopulation(), at, "reset"))))
          return failure();
      } else if (auto group = dyn_cast<UpdateGroupStepOp>(op)) {
        // Its own verifier has checked the members.
        for (auto member :
             group.getPopulations().getAsRange<FlatSymbolRefAttr>())
          if (failed(once(updated, member.getValue(), at, "updated")) ||
              (group.getReset() &&
               failed(once(resetAt, member.getValue(), at, "reset"))))
            return failure();
      } else if (auto emit = dyn_cast<EmitStepOp>(op)) {
        Operation *source = symbols.lookup(emit.getSource());
        if (!isa_and_nonnull<PoissonSourceOp, SpikeSourceArrayOp>(source)) {
          result = op.emitOpError("'") << emit.getSource()
                                       << "' is not a source";
          continue;
        }
        if (failed(once(emitted, emit.getSource(), at, "emitted")))
          return failure();
      } else if (auto propagate = dyn_cast<PropagateStepOp>(op)) {
        if (!lookup<ProjectionOp>(&op, propagate.getProjectionAttr(),
                                  "a projection", result))
          continue;
        if (failed(once(propagated, propagate.getProjection(), at,
                        "propagated")))
          return failure();
      } else if (auto post = dyn_cast<PropagatePostStepOp>(op)) {
        auto projection = lookup<ProjectionOp>(
            &op, post.getProjectionAttr(), "a projection", result);
        if (!projection)
          continue;
        auto synapse = projection.isPlastic()
                           ? symbols.lookup<SynapseModelOp>(
                                 *projection.getSynapse())
                           : SynapseModelOp();
        if (!synapse || !synapse.hasOnPost())
          return op.emitOpError("'")
                 << post.getProjection()
                 << "' has no synapse model with on_post";
        if (failed(once(postPropagated, post.getProjection(), at,
                        "propagated to its synapses' posts")))
          return failure();
      } else if (auto traces = dyn_cast<TracesStepOp>(op)) {
        auto projection = lookup<ProjectionOp>(
            &op, traces.getProjectionAttr(), "a projection", result);
        if (!projection)
          continue;
        if (!projection.getPreTraces() && !projection.getPostTraces())
          return op.emitOpError("'")
                 << traces.getProjection() << "' has no per-neuron traces";
        if (failed(once(tracesAt, traces.getProjection(), at,
                        "advanced a step")))
          return failure();
      } else if (auto copy = dyn_cast<CopyLinkedStepOp>(op)) {
        auto pop = lookup<PopulationOp>(&op, copy.getPopulationAttr(),
                                        "a neuron population", result);
        if (!pop)
          continue;
        auto model = symbols.lookup<NeuronModelOp>(pop.getModel());
        if (model && model.lookupVariable(copy.getVariable()) < 0)
          return op.emitOpError("population '")
                 << copy.getPopulation() << "' has no variable '"
                 << copy.getVariable() << "'";
        std::string key =
            (copy.getPopulation() + "." + copy.getVariable()).str();
        if (failed(once(linkedCopies, key, at, "copied for links")))
          return failure();
      } else if (auto clock = dyn_cast<ClockSynapsesStepOp>(op)) {
        auto projection = lookup<ProjectionOp>(
            &op, clock.getProjectionAttr(), "a projection", result);
        if (!projection)
          continue;
        auto model = projection.isPlastic()
                         ? symbols.lookup<SynapseModelOp>(
                               *projection.getSynapse())
                         : SynapseModelOp();
        if (!model || model.getNumClockDriven() == 0)
          return op.emitOpError("'") << clock.getProjection()
                                     << "' has no clock-driven equations";
        if (failed(once(clocked, clock.getProjection(), at,
                        "advanced a step")))
          return failure();
      } else if (auto run = dyn_cast<PeriodicStepOp>(op)) {
        int64_t k = run.getIndex();
        int64_t numPeriodic =
            std::distance(network.getBody().getOps<PeriodicOp>().begin(),
                          network.getBody().getOps<PeriodicOp>().end());
        if (k < 0 || k >= numPeriodic)
          return op.emitOpError("names periodic statements ")
                 << k << "; the network has " << numPeriodic;
        auto [it, inserted] = periodicRun.try_emplace(k, at);
        if (!inserted) {
          InFlightDiagnostic diag = op.emitOpError("periodic statements ")
                                    << k << " run twice";
          diag.attachNote(it->second.op->getLoc()) << "first here";
          return diag;
        }
      } else if (auto snapshot = dyn_cast<SnapshotStepOp>(op)) {
        auto pop = lookup<PopulationOp>(&op, snapshot.getPopulationAttr(),
                                        "a neuron population", result);
        if (!pop)
          continue;
        auto model = symbols.lookup<NeuronModelOp>(pop.getModel());
        if (model && model.lookupVariable(snapshot.getVariable()) < 0)
          return op.emitOpError("model '")
                 << pop.getModel() << "' of population '"
                 << snapshot.getPopulation() << "' has no variable '"
                 << snapshot.getVariable() << "'";
        std::string key =
            (snapshot.getPopulation() + "." + snapshot.getVariable()).str();
        if (failed(once(snapshots, key, at, "copied for links")))
          return failure();
      } else if (auto deliver = dyn_cast<DeliverStepOp>(op)) {
        if (!lookup<PopulationOp>(&op, deliver.getPopulationAttr(),
                                  "a neuron population", result))
          continue;
        if (deliver.getReset() && !gpu)
          return op.emitOpError(
              "cannot reset on the CPU, which keeps no per-neuron spike "
              "flags: reset with snn.reset");
        if (failed(once(delivered, deliver.getPopulation(), at,
                        "delivered")) ||
            (deliver.getReset() &&
             failed(once(resetAt, deliver.getPopulation(), at, "reset"))))
          return failure();
      } else if (auto reset = dyn_cast<ResetStepOp>(op)) {
        if (!lookup<PopulationOp>(&op, reset.getPopulationAttr(),
                                  "a neuron population", result))
          continue;
        if (failed(once(resetAt, reset.getPopulation(), at, "reset")))
          return failure();
      } else if (auto sample = dyn_cast<SampleStepOp>(op)) {
        int64_t k = sample.getRecord();
        if (!gpu)
          return op.emitOpError(
              "has no place on the CPU, whose simulators sample state "
              "between steps");
        if (k < 0 || k >= numRecords)
          return op.emitOpError("names state recording ")
                 << k << "; the network has " << numRecords;
        auto [it, inserted] = sampled.try_emplace(k, at);
        if (!inserted) {
          InFlightDiagnostic diag = op.emitOpError("state recording ")
                                    << k << " is sampled twice";
          diag.attachNote(it->second.op->getLoc()) << "first here";
          return diag;
        }
      } else if (auto sample = dyn_cast<SampleSynapsesStepOp>(op)) {
        int64_t k = sample.getRecord();
        int64_t numSynapseRecords = std::distance(
            network.getBody().getOps<RecordSynapseStateOp>().begin(),
            network.getBody().getOps<RecordSynapseStateOp>().end());
        if (k < 0 || k >= numSynapseRecords)
          return op.emitOpError("names synapse recording ")
                 << k << "; the network has " << numSynapseRecords;
        auto [it, inserted] = synapsesSampled.try_emplace(k, at);
        if (!inserted) {
          InFlightDiagnostic diag = op.emitOpError("synapse recording ")
                                    << k << " is sampled twice";
          diag.attachNote(it->second.op->getLoc()) << "first here";
          return diag;
        }
      } else if (isa<EndStepOp>(op)) {
        if (!gpu)
          return op.emitOpError("has no place on the CPU, whose runtime "
                                "ends each step");
        if (endStep) {
          InFlightDiagnostic diag = op.emitOpError("ends the step twice");
          diag.attachNote(endStep.op->getLoc()) << "first here";
          return diag;
        }
        endStep = at;
      } else {
        return op.emitOpError("is not a step op");
      }
    }
    ++phaseIndex;
  }
  if (failed(result))
    return failure();

  // Everything is done once, after what it needs.
  auto missing = [&](Operation *entity, const Twine &what) {
    InFlightDiagnostic diag = schedule.emitOpError("does not ") << what;
    diag.attachNote(entity->getLoc()) << "declared here";
    return diag;
  };
  for (Operation &op : network.getBody().front()) {
    if (auto pop = dyn_cast<PopulationOp>(op)) {
      if (!updated.count(pop.getSymName()))
        return missing(pop, "update population '" + pop.getSymName() + "'");
      auto model = symbols.lookup<NeuronModelOp>(pop.getModel());
      if (model && model.resetChangesState() &&
          !resetAt.count(pop.getSymName()))
        return missing(pop, "reset population '" + pop.getSymName() + "'");
    } else if (isa<PoissonSourceOp, SpikeSourceArrayOp>(op)) {
      StringRef name = SymbolTable::getSymbolName(&op).getValue();
      if (!emitted.count(name))
        return missing(&op, "emit the spikes of source '" + name + "'");
    } else if (auto projection = dyn_cast<ProjectionOp>(op)) {
      if (!propagated.count(projection.getSymName()))
        return missing(projection, "propagate projection '" +
                                       projection.getSymName() + "'");
      if (projection.isPlastic()) {
        auto synapse =
            symbols.lookup<SynapseModelOp>(*projection.getSynapse());
        if (synapse && synapse.hasOnPost() &&
            !postPropagated.count(projection.getSymName()))
          return missing(projection, "run the on_post of projection '" +
                                         projection.getSymName() + "'");
      }
    }
  }
  if (gpu) {
    int64_t k = 0;
    for (auto record : network.getBody().getOps<RecordStateOp>())
      if (!sampled.count(k++))
        return missing(record, "sample state recording " + Twine(k - 1));
    for (auto record : network.getBody().getOps<RecordSynapseStateOp>())
      if (!sampled.count(k++))
        return missing(record, "sample state recording " + Twine(k - 1));
  }
  // The input of each population: projections and Poisson inputs.
  llvm::StringMap<SmallVector<Operation *>> inputs;
  for (Operation &op : network.getBody().front()) {
    if (auto projection = dyn_cast<ProjectionOp>(op))
      inputs[projection.getPost()].push_back(&op);
    else if (auto input = dyn_cast<PoissonInputOp>(op))
      inputs[input.getTarget()].push_back(&op);
  }
  auto position = [](const llvm::StringMap<StepPosition> &map,
                     StringRef name) {
    auto it = map.find(name);
    return it == map.end() ? StepPosition() : it->second;
  };
  for (auto &[name, at] : propagated) {
    auto projection = symbols.lookup<ProjectionOp>(name);
    StringRef pre = projection.getPre();
    StepPosition made = position(updated, pre);
    if (!made)
      made = position(emitted, pre);
    if (made && !doneBefore(made, at, /*sameNeurons=*/false))
      return orderError(at.op, made,
                        "the spikes of '" + pre + "' it propagates");
  }
  // Periodic statements: each run once, before the update of the neurons
  // they change or read (a projection's: its post population).
  for (auto [k, periodic] :
       llvm::enumerate(network.getBody().getOps<PeriodicOp>())) {
    auto it = periodicRun.find(static_cast<int64_t>(k));
    if (it == periodicRun.end())
      return missing(periodic, "run periodic statements " + Twine(k));
    StringRef neurons = periodic.getOwner();
    if (auto projection = symbols.lookup<ProjectionOp>(neurons))
      neurons = projection.getPost();
    StepPosition update = position(updated, neurons);
    if (update && !doneBefore(it->second, update, /*sameNeurons=*/true)) {
      InFlightDiagnostic diag =
          it->second.op->emitOpError("must come before the update of '")
          << neurons << "'";
      diag.attachNote(update.op->getLoc()) << "which is here";
      return diag;
    }
  }
  // Per-neuron traces: advanced once per step, after the spikes of the
  // presynaptic population (on the CPU each thread's own, or thread 0's for
  // a spike array: the same phase will do), before the propagation and the
  // on_post that read them (another thread's: an earlier phase).
  for (Operation &op : network.getBody().front()) {
    auto projection = dyn_cast<ProjectionOp>(op);
    if (!projection ||
        (!projection.getPreTraces() && !projection.getPostTraces()))
      continue;
    StepPosition at = position(tracesAt, projection.getSymName());
    if (!at)
      return missing(projection, "advance the per-neuron traces of '" +
                                     projection.getSymName() + "'");
    StringRef pre = projection.getPre();
    StepPosition made = position(updated, pre);
    if (!made)
      made = position(emitted, pre);
    if (made && !doneBefore(made, at, /*sameNeurons=*/true))
      return orderError(at.op, made, "the spikes of '" + pre + "'");
    for (auto *map : {&propagated, &postPropagated}) {
      StepPosition reader = position(*map, projection.getSymName());
      if (reader && !doneBefore(at, reader, /*sameNeurons=*/false))
        return orderError(reader.op, at,
                          "the traces of '" + projection.getSymName() + "'");
    }
  }
  // Snapshots: after the update of their population; links read them from
  // a later phase (another thread's copy) and need one.
  for (auto &[key, at] : snapshots) {
    StringRef pop = StringRef(key).rsplit('.').first;
    StepPosition update = position(updated, pop);
    if (!doneBefore(update, at, /*sameNeurons=*/true))
      return orderError(at.op, update, "the update of '" + pop + "'");
    // The values of the step, before the reset (what the CPU's copy at the
    // update phase's end holds): not after a reset fused into the update.
    StepPosition reset = position(resetAt, pop);
    if (reset && !doneBefore(at, reset, /*sameNeurons=*/true)) {
      InFlightDiagnostic diag =
          at.op->emitOpError("must come before the reset of '") << pop << "'";
      diag.attachNote(reset.op->getLoc()) << "which is here";
      return diag;
    }
  }
  for (Operation &op : network.getBody().front()) {
    auto projection = dyn_cast<ProjectionOp>(op);
    if (!projection || !projection.isPlastic())
      continue;
    auto synapse = symbols.lookup<SynapseModelOp>(*projection.getSynapse());
    if (!synapse)
      continue;
    SmallVector<std::pair<StringRef, StringRef>> copied;
    for (Attribute attr : synapse.getLinks())
      if (auto target =
              projection.getLinkTarget(cast<StringAttr>(attr).getValue()))
        copied.push_back(*target); // else the projection's verifier says so
    for (Attribute attr : synapse.getPreReads())
      copied.push_back({projection.getPre(), cast<StringAttr>(attr).getValue()});
    for (auto [population, variable] : copied) {
      std::string key = (population + "." + variable).str();
      StepPosition copy = position(snapshots, key);
      if (!copy)
        return missing(projection, "copy '" + key + "', which projection '" +
                                       projection.getSymName() +
                                       "' reads (through a link or as a "
                                       "presynaptic variable)");
      for (auto *map : {&propagated, &postPropagated, &clocked}) {
        StepPosition reader = position(*map, projection.getSymName());
        if (reader && !doneBefore(copy, reader, /*sameNeurons=*/false))
          return orderError(reader.op, copy, "the copy of '" + key + "'");
      }
    }
  }
  // Populations' links and what periodic statements read of other
  // populations: the variables copied at the end of the step, after the
  // delivery and reset of their population.
  auto copiedAfterStep = [&](Operation *reader,
                             std::pair<StringRef, StringRef> target,
                             const Twine &who) -> LogicalResult {
    std::string key = (target.first + "." + target.second).str();
    StepPosition copy = position(linkedCopies, key);
    if (!copy)
      return missing(reader, "copy '" + key + "', which " + who);
    for (auto *map : {&delivered, &resetAt}) {
      StepPosition before = position(*map, target.first);
      if (before && !doneBefore(before, copy, /*sameNeurons=*/true))
        return orderError(copy.op, before,
                          "the input and reset of '" + target.first + "'");
    }
    return success();
  };
  for (auto pop : network.getBody().getOps<PopulationOp>())
    for (NamedAttribute entry : pop.getLinks()) {
      auto target = pop.getLinkTarget(entry.getName().getValue());
      if (!target)
        continue; // the population's verifier says so
      if (failed(copiedAfterStep(pop, *target,
                                 "population '" + pop.getSymName() +
                                     "' reads through a link")))
        return failure();
    }
  for (auto periodic : network.getBody().getOps<PeriodicOp>())
    for (auto target : periodic.getCopiedReads())
      if (failed(copiedAfterStep(periodic, target,
                                 "the periodic statements of '" +
                                     periodic.getOwner() + "' read")))
        return failure();
  // Clock-driven synapse equations: once a step, after the post
  // population's update, before the projection's propagation and on_post.
  for (Operation &op : network.getBody().front()) {
    auto projection = dyn_cast<ProjectionOp>(op);
    if (!projection || !projection.isPlastic())
      continue;
    auto model = symbols.lookup<SynapseModelOp>(*projection.getSynapse());
    if (!model || model.getNumClockDriven() == 0)
      continue;
    StepPosition at = position(clocked, projection.getSymName());
    if (!at)
      return missing(projection, "advance the clock-driven equations of '" +
                                     projection.getSymName() + "'");
    StepPosition update = position(updated, projection.getPost());
    if (update && !doneBefore(update, at, /*sameNeurons=*/true))
      return orderError(at.op, update,
                        "the update of '" + projection.getPost() + "'");
    for (auto *map : {&propagated, &postPropagated}) {
      StepPosition reader = position(*map, projection.getSymName());
      if (reader && !doneBefore(at, reader, /*sameNeurons=*/true))
        return orderError(reader.op, at,
                          "the clock-driven equations of '" +
                              projection.getSymName() + "'");
    }
  }
  // on_post: after the post population's update (its spikes: on the CPU a
  // thread's own), after every on_pre of the step (Brian2 runs the pre
  // pathways first) and before the post population's reset.
  for (auto &[name, at] : postPropagated) {
    StringRef post = symbols.lookup<ProjectionOp>(name).getPost();
    StepPosition update = position(updated, post);
    if (!doneBefore(update, at, /*sameNeurons=*/true))
      return orderError(at.op, update, "the update of '" + post + "'");
    for (auto &[other, propagate] : propagated)
      if (!doneBefore(propagate, at, /*sameNeurons=*/true))
        return orderError(at.op, propagate,
                          "the propagation of '" + other + "'");
    StepPosition reset = position(resetAt, post);
    if (reset && !doneBefore(at, reset, /*sameNeurons=*/true)) {
      InFlightDiagnostic diag =
          at.op->emitOpError("must come before the reset of '") << post << "'";
      diag.attachNote(reset.op->getLoc()) << "which is here";
      return diag;
    }
  }
  for (auto &[name, at] : delivered) {
    if (!inputs.count(name))
      continue; // nothing to deliver: harmless
    StepPosition update = position(updated, name);
    if (!doneBefore(update, at, /*sameNeurons=*/true))
      return orderError(at.op, update, "the update of '" + name + "'");
  }
  for (auto &[name, list] : inputs) {
    StepPosition deliver = position(delivered, name);
    for (Operation *input : list) {
      auto projection = dyn_cast<ProjectionOp>(input);
      // Poisson inputs and ring slots are added by the delivery; an
      // immediate projection adds at propagation, before it.
      if (!deliver && (!projection || projection.hasRing()))
        return missing(input, "deliver the input of population '" + name +
                                  "'");
      if (!projection || !deliver)
        continue;
      StepPosition propagate = position(propagated, projection.getSymName());
      if (!doneBefore(propagate, deliver, /*sameNeurons=*/true))
        return orderError(deliver.op, propagate,
                          "the propagation of '" +
                              projection.getSymName() + "'");
    }
  }
  for (auto &[name, at] : resetAt) {
    auto it = inputs.find(name);
    if (isa<UpdateStepOp, UpdateGroupStepOp>(at.op)) {
      if (it != inputs.end()) {
        InFlightDiagnostic diag =
            at.op->emitOpError("resets '")
            << name << "' at the threshold, but input comes later in the "
                       "step";
        diag.attachNote(it->second.front()->getLoc()) << "from here";
        return diag;
      }
      continue;
    }
    // After the update (whose spikes or flags it reads: on the CPU this
    // thread's own), the delivery and every propagation into the
    // population.
    StepPosition update = position(updated, name);
    if (!doneBefore(update, at, /*sameNeurons=*/true))
      return orderError(at.op, update, "the update of '" + name + "'");
    StepPosition deliver = position(delivered, name);
    if (deliver && deliver.op != at.op &&
        !doneBefore(deliver, at, /*sameNeurons=*/true))
      return orderError(at.op, deliver, "the delivery into '" + name + "'");
    if (it == inputs.end())
      continue;
    for (Operation *input : it->second)
      if (auto projection = dyn_cast<ProjectionOp>(input)) {
        StepPosition propagate =
            position(propagated, projection.getSymName());
        if (!doneBefore(propagate, at, /*sameNeurons=*/true))
          return orderError(at.op, propagate,
                            "the propagation of '" +
                                projection.getSymName() + "'");
      }
  }
  // A synapse recording's sample: after everything that changes the
  // synapses in the step (their propagation and on_post; on the CPU the
  // same thread's).
  for (auto [k, record] :
       llvm::enumerate(network.getBody().getOps<RecordSynapseStateOp>())) {
    auto it = synapsesSampled.find(static_cast<int64_t>(k));
    if (it == synapsesSampled.end())
      return missing(record, "sample synapse recording " + Twine(k));
    for (auto *map : {&propagated, &postPropagated}) {
      StepPosition changed = position(*map, record.getProjection());
      if (changed && !doneBefore(changed, it->second, /*sameNeurons=*/true))
        return orderError(it->second.op, changed,
                          "the synapses of '" + record.getProjection() +
                              "' changing in the step");
    }
  }
  // A state sample is of the state at the start of the step.
  for (auto [k, record] :
       llvm::enumerate(network.getBody().getOps<RecordStateOp>())) {
    auto it = sampled.find(static_cast<int64_t>(k));
    if (it == sampled.end())
      continue;
    StepPosition update = position(updated, record.getPopulation());
    if (update && !(it->second.phase < update.phase)) {
      InFlightDiagnostic diag =
          it->second.op->emitOpError("must come before the update of '")
          << record.getPopulation() << "', in an earlier phase";
      diag.attachNote(update.op->getLoc()) << "which is here";
      return diag;
    }
  }
  // The GPU's bookkeeping counts every spike of the step (and every
  // sample, which comes before its population's update).
  if (gpu) {
    if (!endStep)
      return schedule.emitOpError(
          "does not end the step: snn.end_step after the last update and "
          "emission");
    for (auto *map : {&updated, &emitted})
      for (auto &[name, at] : *map)
        if (!(at.phase < endStep.phase))
          return orderError(endStep.op, at,
                            "the spikes of '" + name + "' it counts");
  }

  return success();
}

} // namespace

LogicalResult ScheduleOp::verifyRegions() {
  return ScheduleVerifier(*this).verify();
}

std::string UpdateGroupStepOp::getGroupName() {
  auto members = getPopulations().getAsRange<FlatSymbolRefAttr>();
  if (members.empty())
    return "";
  return ((*members.begin()).getValue() + ".." +
          (*std::prev(members.end())).getValue())
      .str();
}

LogicalResult UpdateGroupStepOp::verify() {
  ArrayAttr members = getPopulations();
  if (members.size() < 2)
    return emitOpError("merges at least two populations, not ")
           << members.size();
  auto network = (*this)->getParentOfType<NetworkOp>();
  if (!network)
    return success(); // the schedule's verifier reports the misplacement
  PopulationOp first;
  llvm::StringSet<> seen;
  for (auto name : members.getAsRange<FlatSymbolRefAttr>()) {
    if (!seen.insert(name.getValue()).second)
      return emitOpError("names '") << name.getValue() << "' twice";
    auto pop = dyn_cast_or_null<PopulationOp>(
        SymbolTable::lookupSymbolIn(network, name.getAttr()));
    if (!pop)
      return emitOpError("'") << name.getValue()
                              << "' is not a neuron population";
    if (!first) {
      first = pop;
      continue;
    }
    // One code for all: one model, the same parameters.
    if (pop.getModel() != first.getModel())
      return emitOpError("merges populations of different models: '")
             << first.getSymName() << "' of '" << first.getModel() << "', '"
             << pop.getSymName() << "' of '" << pop.getModel() << "'";
    if (pop.getParams() != first.getParams())
      return emitOpError("merges populations with different parameters: '")
             << first.getSymName() << "' and '" << pop.getSymName() << "'";
  }
  // A current is read by its population's update loop alone.
  for (auto current : network.getBody().getOps<CurrentOp>())
    if (seen.contains(current.getTarget())) {
      InFlightDiagnostic diag =
          emitOpError("cannot merge '")
          << current.getTarget()
          << "', which a current drives (its update reads it)";
      diag.attachNote(current.getLoc()) << "the current";
      return diag;
    }
  return success();
}

//===----------------------------------------------------------------------===//
// ArenaOp and BufferOp
//===----------------------------------------------------------------------===//

bool BufferOp::isCountKind(StringRef kind) {
  return kind == "synapses" || kind == "ring" || kind == "spike_array" ||
         kind == "record_spikes" || kind == "record_state" ||
         kind == "history";
}

/// `f64 [3200]`, `i16 [synapses "ee"]`, `f64 [record_state 0]`.
static ParseResult parseBufferShape(OpAsmParser &parser, TypeAttr &elementType,
                                    Attribute &count) {
  Type type;
  if (parser.parseType(type) || parser.parseLSquare())
    return failure();
  elementType = TypeAttr::get(type);
  Builder &b = parser.getBuilder();
  int64_t number;
  OptionalParseResult integer = parser.parseOptionalInteger(number);
  if (integer.has_value()) {
    if (failed(*integer))
      return failure();
    count = b.getI64IntegerAttr(number);
    return parser.parseRSquare();
  }
  StringRef kind;
  SMLoc at = parser.getCurrentLocation();
  if (parser.parseKeyword(&kind))
    return failure();
  if (!BufferOp::isCountKind(kind))
    return parser.emitError(at, "unknown count '")
           << kind << "' (expected a number, synapses, ring, spike_array, "
           << "record_spikes or record_state)";
  Attribute of;
  if (kind == "record_state") {
    int64_t k;
    if (parser.parseInteger(k))
      return failure();
    of = b.getI64IntegerAttr(k);
  } else {
    std::string name;
    if (parser.parseString(&name))
      return failure();
    of = b.getStringAttr(name);
  }
  count = b.getDictionaryAttr(b.getNamedAttr(kind, of));
  return parser.parseRSquare();
}

static void printBufferShape(OpAsmPrinter &p, BufferOp, TypeAttr elementType,
                             Attribute count) {
  p << elementType.getValue() << " [";
  if (auto n = dyn_cast<IntegerAttr>(count)) {
    p << n.getInt();
  } else if (auto dict = dyn_cast<DictionaryAttr>(count);
             dict && dict.size() == 1) {
    NamedAttribute entry = *dict.begin();
    p << entry.getName().getValue() << " ";
    if (auto k = dyn_cast<IntegerAttr>(entry.getValue()))
      p << k.getInt();
    else if (auto name = dyn_cast<StringAttr>(entry.getValue()))
      p.printString(name.getValue());
    else
      p.printAttribute(entry.getValue());
  } else {
    p.printAttribute(count);
  }
  p << "]";
}

LogicalResult BufferOp::verify() {
  if (getViewOf().has_value() != getViewAt().has_value())
    return emitOpError("a view needs both the buffer it is in and where");
  if (getViewOf()) {
    if (!isa<IntegerAttr>(getCount()))
      return emitOpError("a view's count must be a number");
    if (getViewAtAttr().getInt() < 0)
      return emitOpError("a view cannot start at ")
             << getViewAtAttr().getInt();
  }
  Type type = getElementType();
  if (!type.isF32() && !type.isF64() && !type.isInteger(16) &&
      !type.isInteger(32) && !type.isInteger(64))
    return emitOpError("element type ")
           << type << " is not one of f32, f64, i16, i32, i64";
  if (getName().empty())
    return emitOpError("has an empty name");
  Attribute count = getCount();
  if (auto n = dyn_cast<IntegerAttr>(count)) {
    if (n.getInt() < 0)
      return emitOpError("count ") << n.getInt() << " is negative";
    return success();
  }
  auto dict = dyn_cast<DictionaryAttr>(count);
  if (!dict || dict.size() != 1 ||
      !isCountKind(dict.begin()->getName().getValue()))
    return emitOpError("count must be a number or one of synapses, ring, "
                       "spike_array, record_spikes, record_state");
  NamedAttribute entry = *dict.begin();
  if (entry.getName() == "record_state") {
    auto k = dyn_cast<IntegerAttr>(entry.getValue());
    if (!k || k.getInt() < 0)
      return emitOpError("record_state count needs a recording's number");
  } else if (!isa<StringAttr>(entry.getValue())) {
    return emitOpError(entry.getName().getValue())
           << " count needs a name";
  }
  return success();
}

LogicalResult ArenaOp::verifyRegions() {
  if (getTarget() != "cpu" && getTarget() != "gpu")
    return emitOpError("unknown target '")
           << getTarget() << "' (expected 'cpu' or 'gpu')";
  auto network = (*this)->getParentOfType<NetworkOp>();
  for (auto other : network.getBody().getOps<ArenaOp>())
    if (other != *this) {
      if (other->isBeforeInBlock(*this)) {
        InFlightDiagnostic diag =
            emitOpError("the network has a buffer plan already");
        diag.attachNote(other.getLoc()) << "here";
        return diag;
      }
      break;
    }
  llvm::StringMap<BufferOp> seen;
  for (Operation &op : getBody().front()) {
    auto buffer = dyn_cast<BufferOp>(op);
    if (!buffer)
      return op.emitOpError("is not a buffer: an arena holds snn.buffer ops "
                            "only");
    auto [it, inserted] = seen.try_emplace(buffer.getName(), buffer);
    if (!inserted) {
      InFlightDiagnostic diag = buffer.emitOpError("buffer '")
                                << buffer.getName() << "' is planned twice";
      diag.attachNote(it->second.getLoc()) << "first here";
      return diag;
    }
    // A view lies inside an earlier buffer of its type, itself no view.
    if (std::optional<StringRef> of = buffer.getViewOf()) {
      auto parent = seen.find(*of);
      if (parent == seen.end() || parent->second == buffer)
        return buffer.emitOpError("is a view of '")
               << *of << "', which is not an earlier buffer of the arena";
      BufferOp in = parent->second;
      if (in.getViewOf())
        return buffer.emitOpError("is a view of '")
               << *of << "', itself a view";
      if (in.getElementType() != buffer.getElementType())
        return buffer.emitOpError("is a view of '")
               << *of << "' of another element type ("
               << in.getElementType() << ")";
      auto inCount = dyn_cast<IntegerAttr>(in.getCount());
      int64_t end = buffer.getViewAtAttr().getInt() +
                    cast<IntegerAttr>(buffer.getCount()).getInt();
      if (!inCount || end > inCount.getInt())
        return buffer.emitOpError("ends at element ")
               << end << " of '" << *of << "', which is not that long";
      continue;
    }
    // What a count names must be in the network.
    auto dict = dyn_cast<DictionaryAttr>(buffer.getCount());
    if (!dict)
      continue;
    NamedAttribute entry = *dict.begin();
    StringRef kind = entry.getName().getValue();
    auto name = dyn_cast<StringAttr>(entry.getValue());
    Operation *named =
        name ? SymbolTable::lookupSymbolIn(network, name) : nullptr;
    bool ok = true;
    if (kind == "synapses")
      ok = isa_and_nonnull<ProjectionOp>(named);
    else if (kind == "spike_array")
      ok = isa_and_nonnull<SpikeSourceArrayOp>(named);
    else if (kind == "record_spikes")
      ok = isa_and_nonnull<PopulationOp, PoissonSourceOp,
                           SpikeSourceArrayOp>(named);
    if (!ok)
      return buffer.emitOpError("count names '")
             << name.getValue() << "', which is not a "
             << (kind == "synapses"      ? "projection"
                 : kind == "spike_array" ? "spike source array"
                                         : "population or source")
             << " of the network";
  }
  return success();
}

#define GET_OP_CLASSES
#include "snn/Dialect/SNN/SNNOps.cpp.inc"
