//===- SNNToCore.cpp - convert-snn-to-core --------------------------------===//
//
// Part of snnc. Lowers an integrated snn.network to one step function over
// the runtime's arena, plus the JSON descriptor the runtime builds the arena
// from. See docs/runtime-abi.md for the contract and the step semantics.
//
//===----------------------------------------------------------------------===//

#include "Descriptor.h"
#include "Philox.h"

#include "snn/Conversion/Passes.h"
#include "snn/Dialect/SNN/SNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <deque>

namespace mlir::snn {
#define GEN_PASS_DEF_CONVERTSNNTOCORE
#include "snn/Conversion/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;
using namespace mlir::snn;
namespace json = llvm::json;

namespace {

/// A population or source: anything with a spike list.
struct Spiking {
  Operation *op = nullptr;
  std::string name;
  int64_t size = 0;
  uint32_t entity = 0; // RNG entity id: position among populations + sources
  int spikeCount = -1; // buffer ids
  int spikes = -1;
};

/// A neuron population and its buffers.
struct Population {
  PopulationOp op;
  NeuronModelOp model;
  Spiking *spiking = nullptr;
  SmallVector<int> variables; // buffer per model variable
  int refractory = -1;        // countdown buffer, when refractory > 0
  int64_t refractorySteps = 0;
};

/// A delay ring of one (population, variable).
struct Ring {
  std::string name;
  Population *population = nullptr;
  unsigned variable = 0;
  int buffer = -1;
  json::Array projections;
};

class NetworkLowering {
public:
  explicit NetworkLowering(NetworkOp network)
      : network(network), module(network->getParentOfType<ModuleOp>()),
        floatType(network.getFloatType()), b(network.getContext()) {}

  LogicalResult run();

private:
  //===--------------------------------------------------------------------===//
  // Descriptor and buffers
  //===--------------------------------------------------------------------===//
  int addBuffer(std::string name, Type elementType, json::Value count) {
    buffers.push_back({std::move(name), elementType, std::move(count)});
    return static_cast<int>(buffers.size()) - 1;
  }
  static std::string typeName(Type t) {
    if (t.isF32())
      return "f32";
    if (t.isF64())
      return "f64";
    return t.isInteger(32) ? "i32" : "i64";
  }
  void planBuffers();

  //===--------------------------------------------------------------------===//
  // Code generation helpers
  //===--------------------------------------------------------------------===//
  Value index(int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); }
  Value i32(int32_t v) {
    return b.create<arith::ConstantOp>(loc, b.getI32IntegerAttr(v));
  }
  Value i64(int64_t v) {
    return b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(v));
  }
  Value real(double v) {
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(floatType, v));
  }
  Value toIndex(Value integer) {
    return b.create<arith::IndexCastOp>(loc, b.getIndexType(), integer);
  }
  Value load(int buffer, Value i) {
    return b.create<memref::LoadOp>(loc, views[buffer], ValueRange{i});
  }
  void store(Value v, int buffer, Value i) {
    b.create<memref::StoreOp>(loc, v, views[buffer], ValueRange{i});
  }
  /// A per-element value: the constant, or a load from `buffer` at `i`.
  Value elementValue(Attribute spec, int buffer, Value i) {
    if (auto c = dyn_cast<FloatAttr>(spec))
      return real(c.getValueAsDouble());
    return load(buffer, i);
  }
  /// Clones the single block of `region` at the builder, with the arguments
  /// mapped to `args`; returns the yielded values.
  SmallVector<Value> inlineRegion(Region &region, ArrayRef<Value> args);
  /// Region arguments for neuron `i` of `pop` given its variable values.
  SmallVector<Value> regionArgs(Population &pop, ArrayRef<Value> vars,
                                Value i);
  /// Whether `variable` of `pop`'s model is held while refractory.
  static bool isClamped(Population &pop, unsigned variable);
  /// The sum of the currents into input `input` of neuron `i` of `pop`.
  Value inputValue(Population &pop, unsigned input, Value i);

  /// If `cond`, appends neuron `i` to the spike list of `target` at
  /// position `count` (and runs `onSpike`); returns the new count.
  Value appendSpikeIf(Value cond, Spiking &target, Value count, Value i,
                      llvm::function_ref<void()> onSpike);

  void emitPrologue(func::FuncOp func);
  void emitUpdateAndThreshold(Population &pop);
  void emitPoissonSource(PoissonSourceOp op, Spiking &spiking, int rateBuffer);
  void emitSpikeArraySource(Spiking &spiking, int times, int ids, int cursor);
  struct ProjectionInfo;
  void emitPropagation(ProjectionInfo &info);
  void emitDelivery(Ring &ring);
  void emitReset(Population &pop);

  NetworkOp network;
  ModuleOp module;
  FloatType floatType;
  OpBuilder b;
  Location loc = UnknownLoc::get(network.getContext());

  struct BufferDecl {
    std::string name;
    Type type;
    json::Value count;
  };
  std::vector<BufferDecl> buffers;
  SmallVector<Value> views;       // memref<?xT> per buffer
  SmallVector<Value> viewCounts;  // element count (index) per buffer
  Value arena, step, stepIndex, seed;

  std::deque<Spiking> spiking;
  llvm::StringMap<Spiking *> spikingByName;
  std::deque<Population> populations;
  llvm::StringMap<Population *> populationByName;
  std::deque<Ring> rings;
  llvm::StringMap<Ring *> ringByName;

  struct Current {
    CurrentOp op;
    uint32_t entity;
    int amplitude = -1; // buffer, when not constant
  };
  std::vector<Current> currents;
  struct ProjectionInfo {
    ProjectionOp op;
    int rowPtr = -1, col = -1, weight = -1, delay = -1;
    Ring *ring = nullptr;
  };
  std::vector<ProjectionInfo> projections;
  struct PoissonInfo {
    PoissonSourceOp op;
    Spiking *spiking;
    int rate = -1;
  };
  std::vector<PoissonInfo> poissons;
  struct SpikeArrayInfo {
    Spiking *spiking;
    int times = -1, ids = -1, cursor = -1;
  };
  std::vector<SpikeArrayInfo> spikeArrays;

  json::Array populationsJSON, currentsJSON, projectionsJSON, ringsJSON;
  json::Object recordJSON;
};

//===----------------------------------------------------------------------===//
// Planning: every buffer and the descriptor
//===----------------------------------------------------------------------===//

void NetworkLowering::planBuffers() {
  Type i32Type = b.getI32Type(), i64Type = b.getI64Type();
  double dt = network.getDt().convertToDouble();
  auto addSpiking = [&](Operation *op, StringRef name, int64_t size) {
    Spiking &s = spiking.emplace_back();
    s.op = op;
    s.name = name.str();
    s.size = size;
    s.entity = static_cast<uint32_t>(spiking.size() - 1);
    s.spikeCount = addBuffer(s.name + ".spike_count", i32Type, 1);
    s.spikes = addBuffer(s.name + ".spikes", i32Type, size);
    spikingByName[s.name] = &s;
    return &s;
  };

  for (Operation &op : network.getBody().front()) {
    if (auto pop = dyn_cast<PopulationOp>(op)) {
      Population &p = populations.emplace_back();
      p.op = pop;
      p.model = SymbolTable::lookupNearestSymbolFrom<NeuronModelOp>(
          pop, pop.getModelAttr());
      p.spiking = addSpiking(pop, pop.getSymName(), pop.getSize());
      populationByName[pop.getSymName()] = &p;
      json::Array vars;
      for (auto [k, attr] : llvm::enumerate(p.model.getVariables())) {
        StringRef var = cast<StringAttr>(attr).getValue();
        int id = addBuffer((pop.getSymName() + "." + var).str(), floatType,
                           pop.getSize());
        p.variables.push_back(id);
        Attribute init = pop.getInit().get(var);
        if (!init)
          init = b.getF64FloatAttr(0.0);
        vars.push_back(json::Object{{"name", var.str()},
                                    {"buffer", id},
                                    {"init", valueSpecToJSON(init)}});
      }
      json::Object entry{{"name", pop.getSymName().str()},
                         {"kind", "neuron"},
                         {"size", pop.getSize()},
                         {"model", p.model.getSymName().str()},
                         {"spike_count", p.spiking->spikeCount},
                         {"spikes", p.spiking->spikes},
                         {"variables", std::move(vars)}};
      p.refractorySteps =
          std::llround(p.model.getRefractory().convertToDouble() / dt);
      if (p.refractorySteps > 0) {
        p.refractory = addBuffer((pop.getSymName() + ".refractory").str(),
                                 i32Type, pop.getSize());
        entry["refractory"] = p.refractory;
        entry["refractory_steps"] = p.refractorySteps;
      }
      populationsJSON.push_back(std::move(entry));
    } else if (auto src = dyn_cast<PoissonSourceOp>(op)) {
      Spiking *s = addSpiking(src, src.getSymName(), src.getSize());
      PoissonInfo info{src, s};
      json::Object entry{{"name", s->name},
                         {"kind", "poisson"},
                         {"size", s->size},
                         {"spike_count", s->spikeCount},
                         {"spikes", s->spikes},
                         {"rate", valueSpecToJSON(src.getRate())}};
      if (!isa<FloatAttr>(src.getRate())) {
        info.rate = addBuffer(s->name + ".rate", floatType, s->size);
        entry["rate_buffer"] = info.rate;
      }
      poissons.push_back(info);
      populationsJSON.push_back(std::move(entry));
    } else if (auto src = dyn_cast<SpikeSourceArrayOp>(op)) {
      Spiking *s = addSpiking(src, src.getSymName(), src.getSize());
      SpikeArrayInfo info{s};
      json::Object count{{"spike_array", s->name}};
      info.times = addBuffer(s->name + ".times", i32Type, json::Object(count));
      info.ids = addBuffer(s->name + ".ids", i32Type, json::Object(count));
      info.cursor = addBuffer(s->name + ".cursor", i64Type, 1);
      spikeArrays.push_back(info);
      populationsJSON.push_back(json::Object{{"name", s->name},
                                             {"kind", "spike_array"},
                                             {"size", s->size},
                                             {"spike_count", s->spikeCount},
                                             {"spikes", s->spikes},
                                             {"file", src.getPath().str()},
                                             {"times", info.times},
                                             {"ids", info.ids},
                                             {"cursor", info.cursor}});
    }
  }

  for (auto op : network.getBody().getOps<CurrentOp>()) {
    Current c{op, static_cast<uint32_t>(currents.size())};
    Population *target = populationByName.lookup(op.getTarget());
    json::Object entry{{"name", op.getSymName().str()},
                       {"kind", op.getKind().str()},
                       {"population", op.getTarget().str()},
                       {"variable", op.getInput().str()},
                       {"amplitude", valueSpecToJSON(op.getAmplitude())},
                       {"std", op.getStd().convertToDouble()},
                       {"start", op.getStart().convertToDouble()},
                       {"stop", op.getStop().convertToDouble()}};
    if (!isa<FloatAttr>(op.getAmplitude())) {
      c.amplitude = addBuffer((op.getSymName() + ".amplitude").str(),
                              floatType, target->op.getSize());
      entry["amplitude_buffer"] = c.amplitude;
    }
    currents.push_back(c);
    currentsJSON.push_back(std::move(entry));
  }

  for (auto op : network.getBody().getOps<ProjectionOp>()) {
    ProjectionInfo info{op};
    Spiking *pre = spikingByName.lookup(op.getPre());
    Population *post = populationByName.lookup(op.getPost());
    std::string name = op.getSymName().str();
    info.rowPtr = addBuffer(name + ".row_ptr", i64Type, pre->size + 1);
    info.col = addBuffer(name + ".col", i32Type,
                         json::Object{{"synapses", name}});
    json::Object entry{{"name", name},
                       {"pre", op.getPre().str()},
                       {"post", op.getPost().str()},
                       {"target", op.getTarget().str()},
                       {"connectivity", connectivityToJSON(op.getConnectivity())},
                       {"weight", valueSpecToJSON(op.getWeight())},
                       {"delay", valueSpecToJSON(op.getDelay())},
                       {"row_ptr", info.rowPtr},
                       {"col", info.col}};
    if (!isa<FloatAttr>(op.getWeight())) {
      info.weight = addBuffer(name + ".weight", floatType,
                              json::Object{{"synapses", name}});
      entry["weight_buffer"] = info.weight;
    }
    if (!isa<FloatAttr>(op.getDelay())) {
      info.delay = addBuffer(name + ".delay", i32Type,
                             json::Object{{"synapses", name}});
      entry["delay_buffer"] = info.delay;
    }
    std::string ringName = (op.getPost() + "." + op.getTarget()).str();
    Ring *&ring = ringByName[ringName];
    if (!ring) {
      ring = &rings.emplace_back();
      ring->name = ringName;
      ring->population = post;
      ring->variable = post->model.lookupVariable(op.getTarget());
      ring->buffer = addBuffer(ringName + ".ring", floatType,
                               json::Object{{"ring", ringName}});
    }
    ring->projections.push_back(name);
    info.ring = ring;
    entry["ring"] = ringName;
    projections.push_back(info);
    projectionsJSON.push_back(std::move(entry));
  }
  for (Ring &ring : rings)
    ringsJSON.push_back(json::Object{
        {"name", ring.name},
        {"population", ring.population->op.getSymName().str()},
        {"variable", cast<StringAttr>(
                         ring.population->model.getVariables()[ring.variable])
                         .getValue()
                         .str()},
        {"buffer", ring.buffer},
        {"projections", json::Array(ring.projections)}});

  json::Array spikes, state;
  for (auto op : network.getBody().getOps<RecordSpikesOp>())
    spikes.push_back(op.getPopulation().str());
  for (auto op : network.getBody().getOps<RecordStateOp>()) {
    Population *pop = populationByName.lookup(op.getPopulation());
    json::Array neurons;
    for (int64_t n : op.getNeurons())
      neurons.push_back(n);
    state.push_back(json::Object{
        {"population", op.getPopulation().str()},
        {"variable", op.getVariable().str()},
        {"buffer", pop->variables[pop->model.lookupVariable(op.getVariable())]},
        {"neurons", std::move(neurons)},
        {"every", op.getEvery()}});
  }
  recordJSON = json::Object{{"format", network.getRecordFormat().str()},
                            {"spikes", std::move(spikes)},
                            {"state", std::move(state)}};
}

//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

SmallVector<Value> NetworkLowering::inlineRegion(Region &region,
                                                 ArrayRef<Value> args) {
  Block &block = region.front();
  IRMapping map;
  map.map(block.getArguments(), args);
  for (Operation &op : block.without_terminator())
    b.clone(op, map);
  SmallVector<Value> results;
  for (Value v : block.getTerminator()->getOperands())
    results.push_back(map.lookupOrDefault(v));
  return results;
}

Value NetworkLowering::inputValue(Population &pop, unsigned input, Value i) {
  StringRef name = cast<StringAttr>(pop.model.getInputs()[input]).getValue();
  Value sum = real(0.0);
  double dt = network.getDt().convertToDouble();
  for (Current &c : currents) {
    if (c.op.getTarget() != pop.op.getSymName() || c.op.getInput() != name)
      continue;
    // Active while start <= t < stop, i.e. for steps in [start/dt, stop/dt).
    int64_t first = std::llround(c.op.getStart().convertToDouble() / dt);
    double stop = c.op.getStop().convertToDouble();
    Value active = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge,
                                           step, i64(first));
    if (stop >= 0.0) {
      Value before = b.create<arith::CmpIOp>(
          loc, arith::CmpIPredicate::slt, step, i64(std::llround(stop / dt)));
      active = b.create<arith::AndIOp>(loc, active, before);
    }
    Value amplitude = elementValue(c.op.getAmplitude(), c.amplitude, i);
    if (c.op.getKind() == "noise") {
      auto words = emitStepDraw(b, loc, seed, step, i, c.entity,
                                RandomPurpose::NoiseCurrent);
      Value z = emitNormal(b, loc, words, floatType);
      amplitude = b.create<arith::AddFOp>(
          loc, amplitude,
          b.create<arith::MulFOp>(loc, real(c.op.getStd().convertToDouble()),
                                  z));
    }
    Value contribution =
        b.create<arith::SelectOp>(loc, active, amplitude, real(0.0));
    sum = b.create<arith::AddFOp>(loc, sum, contribution);
  }
  return sum;
}

SmallVector<Value> NetworkLowering::regionArgs(Population &pop,
                                               ArrayRef<Value> vars, Value i) {
  SmallVector<Value> args(vars);
  for (unsigned k = 0; k < pop.model.getNumInputs(); ++k)
    args.push_back(inputValue(pop, k, i));
  for (Attribute attr : pop.model.getParams()) {
    auto value = cast<FloatAttr>(
        pop.op.getParams().get(cast<StringAttr>(attr).getValue()));
    args.push_back(real(value.getValueAsDouble()));
  }
  return args;
}

void NetworkLowering::emitPrologue(func::FuncOp func) {
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  arena = entry->getArgument(0);
  step = entry->getArgument(1);
  seed = entry->getArgument(2);
  stepIndex = toIndex(step);
  // The table: 2 * B int64 values at the start of the arena.
  auto i64Memref = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
  Value table = b.create<memref::ViewOp>(
      loc, i64Memref, arena, index(0),
      ValueRange{index(2 * static_cast<int64_t>(buffers.size()))});
  for (auto [k, decl] : llvm::enumerate(buffers)) {
    Value offset = toIndex(b.create<memref::LoadOp>(
        loc, table, ValueRange{index(2 * static_cast<int64_t>(k))}));
    Value count = toIndex(b.create<memref::LoadOp>(
        loc, table, ValueRange{index(2 * static_cast<int64_t>(k) + 1)}));
    auto type = MemRefType::get({ShapedType::kDynamic}, decl.type);
    views.push_back(b.create<memref::ViewOp>(loc, type, arena, offset,
                                             ValueRange{count}));
    viewCounts.push_back(count);
  }
}

bool NetworkLowering::isClamped(Population &pop, unsigned variable) {
  StringRef name =
      cast<StringAttr>(pop.model.getVariables()[variable]).getValue();
  return llvm::any_of(pop.model.getRefractoryClamp(), [&](Attribute attr) {
    return cast<StringAttr>(attr).getValue() == name;
  });
}

void NetworkLowering::emitUpdateAndThreshold(Population &pop) {
  loc = pop.op.getLoc();
  unsigned numVars = pop.model.getNumVariables();

  auto loop = b.create<scf::ForOp>(loc, index(0), index(pop.op.getSize()),
                                   index(1), ValueRange{i32(0)});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value i = loop.getInductionVar();
  Value count = loop.getRegionIterArg(0);

  SmallVector<Value> old;
  for (int buffer : pop.variables)
    old.push_back(load(buffer, i));

  // Refractory countdown: decrement, then refractory while non-zero.
  Value notRefractory;
  if (pop.refractory >= 0) {
    Value r = load(pop.refractory, i);
    Value dec = b.create<arith::MaxSIOp>(
        loc, b.create<arith::SubIOp>(loc, r, i32(1)), i32(0));
    store(dec, pop.refractory, i);
    notRefractory =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, dec, i32(0));
  }

  SmallVector<Value> args = regionArgs(pop, old, i);
  SmallVector<Value> next = inlineRegion(pop.model.getUpdate(), args);
  for (unsigned k = 0; k < numVars; ++k) {
    if (next[k] == old[k])
      continue; // constant per neuron: nothing to store
    if (notRefractory && isClamped(pop, k))
      next[k] = b.create<arith::SelectOp>(loc, notRefractory, next[k], old[k]);
    store(next[k], pop.variables[k], i);
  }

  // Threshold on the updated state (inputs and parameters unchanged).
  for (unsigned k = 0; k < numVars; ++k)
    args[k] = next[k];
  Value spike = inlineRegion(pop.model.getThreshold(), args).front();
  if (notRefractory)
    spike = b.create<arith::AndIOp>(loc, spike, notRefractory);
  b.create<scf::YieldOp>(loc, appendSpikeIf(spike, *pop.spiking, count, i,
                                            [&] {
                                              if (pop.refractory >= 0)
                                                store(i32(pop.refractorySteps),
                                                      pop.refractory, i);
                                            }));
  b.setInsertionPointAfter(loop);
  store(loop.getResult(0), pop.spiking->spikeCount, index(0));
}

Value NetworkLowering::appendSpikeIf(Value cond, Spiking &target, Value count,
                                     Value i,
                                     llvm::function_ref<void()> onSpike) {
  auto ifOp = b.create<scf::IfOp>(loc, TypeRange{b.getI32Type()}, cond,
                                  /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value neuron = b.create<arith::IndexCastOp>(loc, b.getI32Type(), i);
  store(neuron, target.spikes, toIndex(count));
  onSpike();
  b.create<scf::YieldOp>(loc, ValueRange{b.create<arith::AddIOp>(loc, count, i32(1))});
  b.setInsertionPointToStart(ifOp.elseBlock());
  b.create<scf::YieldOp>(loc, ValueRange{count});
  return ifOp.getResult(0);
}

void NetworkLowering::emitPoissonSource(PoissonSourceOp op, Spiking &s,
                                        int rateBuffer) {
  loc = op.getLoc();
  // P(spike in one step) = rate[Hz] * dt[ms] / 1000.
  Value perStep = real(network.getDt().convertToDouble() * 1e-3);
  auto loop = b.create<scf::ForOp>(loc, index(0), index(s.size), index(1),
                                   ValueRange{i32(0)});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value i = loop.getInductionVar();
  Value rate = elementValue(op.getRate(), rateBuffer, i);
  Value p = b.create<arith::MulFOp>(loc, rate, perStep);
  auto words =
      emitStepDraw(b, loc, seed, step, i, s.entity, RandomPurpose::StepDraw);
  Value u = emitUniform(b, loc, words, floatType);
  Value spike = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, u, p);
  b.create<scf::YieldOp>(
      loc, appendSpikeIf(spike, s, loop.getRegionIterArg(0), i, [] {}));
  b.setInsertionPointAfter(loop);
  store(loop.getResult(0), s.spikeCount, index(0));
}

void NetworkLowering::emitSpikeArraySource(Spiking &s, int times, int ids,
                                           int cursor) {
  loc = s.op->getLoc();
  // Emit every entry at the cursor whose step is this step; the runtime has
  // sorted them by step, and none is earlier than the cursor's.
  Value total = viewCounts[times];
  Value start = toIndex(load(cursor, index(0)));
  Value step32 = b.create<arith::TruncIOp>(loc, b.getI32Type(), step);
  Type indexType = b.getIndexType(), i32Type = b.getI32Type();
  auto whileOp = b.create<scf::WhileOp>(
      loc, TypeRange{indexType, i32Type}, ValueRange{start, i32(0)},
      [&](OpBuilder &, Location, ValueRange args) {
        Value inRange = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult,
                                                args[0], total);
        // Only load when in range: the condition is evaluated lazily.
        auto due = b.create<scf::IfOp>(
            loc, TypeRange{b.getI1Type()}, inRange, /*withElseRegion=*/true);
        {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(due.thenBlock());
          Value t = load(times, args[0]);
          b.create<scf::YieldOp>(
              loc, ValueRange{b.create<arith::CmpIOp>(
                       loc, arith::CmpIPredicate::sle, t, step32)});
          b.setInsertionPointToStart(due.elseBlock());
          b.create<scf::YieldOp>(
              loc, ValueRange{b.create<arith::ConstantOp>(loc, b.getBoolAttr(false))});
        }
        b.create<scf::ConditionOp>(loc, due.getResult(0), args);
      },
      [&](OpBuilder &, Location, ValueRange args) {
        Value neuron = load(ids, args[0]);
        store(neuron, s.spikes, toIndex(args[1]));
        b.create<scf::YieldOp>(
            loc, ValueRange{b.create<arith::AddIOp>(loc, args[0], index(1)),
                            b.create<arith::AddIOp>(loc, args[1], i32(1))});
      });
  store(b.create<arith::IndexCastOp>(loc, b.getI64Type(), whileOp.getResult(0)),
        cursor, index(0));
  store(whileOp.getResult(1), s.spikeCount, index(0));
}

void NetworkLowering::emitPropagation(ProjectionInfo &info) {
  ProjectionOp op = info.op;
  loc = op.getLoc();
  Spiking &pre = *spikingByName.lookup(op.getPre());
  Ring &ring = *info.ring;
  int64_t postSize = ring.population->op.getSize();
  Value postSizeValue = index(postSize);
  // slots = count / size (the runtime sized the ring to 1 + max delay).
  Value slots = b.create<arith::DivUIOp>(loc, viewCounts[ring.buffer],
                                         postSizeValue);
  double dt = network.getDt().convertToDouble();
  auto slotBase = [&](Value delaySteps) {
    Value slot = b.create<arith::RemUIOp>(
        loc, b.create<arith::AddIOp>(loc, stepIndex, delaySteps), slots);
    return b.create<arith::MulIOp>(loc, slot, postSizeValue);
  };
  Value constantBase;
  if (auto delay = dyn_cast<FloatAttr>(op.getDelay()))
    constantBase =
        slotBase(index(std::llround(delay.getValueAsDouble() / dt)));

  Value numSpikes = toIndex(load(pre.spikeCount, index(0)));
  auto spikes = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(spikes.getBody());
  Value source = toIndex(load(pre.spikes, spikes.getInductionVar()));
  Value begin = toIndex(load(info.rowPtr, source));
  Value end = toIndex(
      load(info.rowPtr, b.create<arith::AddIOp>(loc, source, index(1))));
  auto synapses = b.create<scf::ForOp>(loc, begin, end, index(1));
  b.setInsertionPointToStart(synapses.getBody());
  Value k = synapses.getInductionVar();
  Value post = toIndex(load(info.col, k));
  Value weight = elementValue(op.getWeight(), info.weight, k);
  Value base = constantBase ? constantBase
                            : slotBase(toIndex(load(info.delay, k)));
  Value slotIndex = b.create<arith::AddIOp>(loc, base, post);
  Value sum = b.create<arith::AddFOp>(loc, load(ring.buffer, slotIndex), weight);
  store(sum, ring.buffer, slotIndex);
}

void NetworkLowering::emitDelivery(Ring &ring) {
  loc = ring.population->op.getLoc();
  int64_t size = ring.population->op.getSize();
  Value sizeValue = index(size);
  Value slots = b.create<arith::DivUIOp>(loc, viewCounts[ring.buffer], sizeValue);
  Value base = b.create<arith::MulIOp>(
      loc, b.create<arith::RemUIOp>(loc, stepIndex, slots), sizeValue);
  int target = ring.population->variables[ring.variable];
  auto loop = b.create<scf::ForOp>(loc, index(0), sizeValue, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value i = loop.getInductionVar();
  Value slotIndex = b.create<arith::AddIOp>(loc, base, i);
  Value old = load(target, i);
  Value sum = b.create<arith::AddFOp>(loc, old, load(ring.buffer, slotIndex));
  // A clamped variable cannot be written while its neuron is refractory, by
  // synapses neither (Brian2's `unless refractory`): from the step of the
  // spike (countdown just set) to the last refractory step, the input is
  // dropped.
  Population &pop = *ring.population;
  if (pop.refractory >= 0 && isClamped(pop, ring.variable)) {
    Value free = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                         load(pop.refractory, i), i32(0));
    sum = b.create<arith::SelectOp>(loc, free, sum, old);
  }
  store(sum, target, i);
  store(real(0.0), ring.buffer, slotIndex);
}

void NetworkLowering::emitReset(Population &pop) {
  loc = pop.op.getLoc();
  Region &reset = pop.model.getReset();
  unsigned numVars = pop.model.getNumVariables();
  // Nothing to do when the reset yields its arguments unchanged.
  Operation *yield = reset.front().getTerminator();
  bool changes = false;
  for (unsigned k = 0; k < numVars; ++k)
    changes |= yield->getOperand(k) != reset.front().getArgument(k);
  if (!changes)
    return;
  Value numSpikes = toIndex(load(pop.spiking->spikeCount, index(0)));
  auto loop = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value i = toIndex(load(pop.spiking->spikes, loop.getInductionVar()));
  SmallVector<Value> old;
  for (int buffer : pop.variables)
    old.push_back(load(buffer, i));
  SmallVector<Value> next = inlineRegion(reset, regionArgs(pop, old, i));
  for (unsigned k = 0; k < numVars; ++k)
    if (next[k] != old[k])
      store(next[k], pop.variables[k], i);
}

LogicalResult NetworkLowering::run() {
  for (auto model : network.getBody().getOps<NeuronModelOp>())
    if (!model.isIntegrated())
      return model.emitOpError("has not been integrated: run snn-integrate "
                               "before convert-snn-to-core");
  planBuffers();

  MLIRContext *ctx = network.getContext();
  b.setInsertionPoint(network);
  loc = network.getLoc();
  auto arenaType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  auto funcType =
      b.getFunctionType({arenaType, b.getI64Type(), b.getI64Type()}, {});
  auto func = b.create<func::FuncOp>(loc, "snn_step", funcType);
  func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                UnitAttr::get(ctx));
  emitPrologue(func);

  // 1-2. Update and threshold, fused, per population; then the sources.
  for (Population &pop : populations)
    emitUpdateAndThreshold(pop);
  for (PoissonInfo &p : poissons)
    emitPoissonSource(p.op, *p.spiking, p.rate);
  for (SpikeArrayInfo &s : spikeArrays)
    emitSpikeArraySource(*s.spiking, s.times, s.ids, s.cursor);
  // 3. Propagation into the delay rings.
  for (ProjectionInfo &p : projections)
    emitPropagation(p);
  // 4. Delivery of this step's slot.
  for (Ring &ring : rings)
    emitDelivery(ring);
  // 5. Reset.
  for (Population &pop : populations)
    emitReset(pop);
  loc = network.getLoc();
  b.create<func::ReturnOp>(loc);

  // Parameters are constants now: fold the Jacobians and expand the exact
  // propagators (and clean up whatever else folds).
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
    return network.emitOpError("simplification did not converge");
  LogicalResult result = success();
  func.walk([&](LinearUpdateOp op) {
    result = op.emitOpError("Jacobian is not a compile-time constant; the "
                            "parameters of the linear subsystem must be");
  });
  if (failed(result))
    return failure();

  // The descriptor.
  json::Array buffersJSON;
  for (auto [k, decl] : llvm::enumerate(buffers))
    buffersJSON.push_back(json::Object{{"id", static_cast<int64_t>(k)},
                                       {"name", decl.name},
                                       {"type", typeName(decl.type)},
                                       {"count", decl.count}});
  json::Object descriptor{
      {"format", "snn-descriptor"},
      {"version", 1},
      {"model", network.getSymName().str()},
      {"source_file", network.getSourceFile().value_or("").str()},
      {"dt", network.getDt().convertToDouble()},
      {"steps", network.getNumSteps()},
      {"seed", network.getSeed()},
      {"precision", typeName(floatType)},
      {"buffers", std::move(buffersJSON)},
      {"populations", std::move(populationsJSON)},
      {"currents", std::move(currentsJSON)},
      {"projections", std::move(projectionsJSON)},
      {"rings", std::move(ringsJSON)},
      {"record", std::move(recordJSON)}};
  std::string text = llvm::formatv("{0}", json::Value(std::move(descriptor)));
  text.push_back('\0');
  b.setInsertionPoint(network);
  auto arrayType = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
  b.create<LLVM::GlobalOp>(loc, arrayType, /*isConstant=*/true,
                           LLVM::Linkage::External, "snn_descriptor",
                           b.getStringAttr(text));
  network.erase();
  return success();
}

struct ConvertSNNToCorePass
    : mlir::snn::impl::ConvertSNNToCoreBase<ConvertSNNToCorePass> {
  void runOnOperation() override {
    SmallVector<NetworkOp> networks(getOperation().getOps<NetworkOp>());
    if (networks.size() > 1) {
      networks[1].emitOpError("a module may hold only one network (the "
                              "simulator exports one snn_step)");
      return signalPassFailure();
    }
    for (NetworkOp network : networks)
      if (failed(NetworkLowering(network).run()))
        return signalPassFailure();
  }
};


} // namespace
