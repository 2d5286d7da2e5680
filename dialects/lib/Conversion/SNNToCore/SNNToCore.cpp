//===- SNNToCore.cpp - convert-snn-to-core --------------------------------===//
//
// Part of snnc. Lowers an integrated snn.network to one step function over
// the runtime's arena, plus the JSON descriptor the runtime builds the arena
// from. See docs/runtime-abi.md for the contract and the step semantics.
//
//===----------------------------------------------------------------------===//

#include "Descriptor.h"
#include "LinearUpdateTable.h"
#include "Philox.h"

#include "snn/Conversion/Passes.h"
#include "snn/Dialect/SNN/SNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
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

/// A step count that stands for "never": no run is this long (the runtime
/// refuses runs of more than 2^53 steps), so a time of this many steps or
/// more behaves exactly like an infinite one.
constexpr int64_t kNeverSteps = int64_t(1) << 62;

/// CPU target: the most threads a simulator may run, and the multiple of
/// neurons each thread's range starts at (docs/runtime-abi.md, "Threads").
constexpr int64_t kMaxThreads = 256;
constexpr int64_t kThreadAlign = 16;

/// `ms` in steps of `dt`, rounded half away from zero, saturated at
/// kNeverSteps: `"refractory": "1e300 ms"` means "for the rest of any run",
/// never a wrapped counter. Negative times give 0.
int64_t stepsOf(double ms, double dt) {
  double steps = std::round(ms / dt);
  if (!(steps < double(kNeverSteps)))
    return kNeverSteps;
  return steps > 0 ? int64_t(steps) : 0;
}

/// A population or source: anything with a spike list.
struct Spiking {
  Operation *op = nullptr;
  std::string name;
  int64_t size = 0;
  uint32_t entity = 0; // RNG entity id: position among populations + sources
  int spikeCount = -1; // buffer ids
  int spikes = -1;
  // GPU target: cumulative count, and device-side spike recording.
  int total = -1;
  int recCount = -1, recIds = -1, recSteps = -1;
};

/// A neuron population and its buffers.
struct Population {
  PopulationOp op;
  NeuronModelOp model;
  Spiking *spiking = nullptr;
  SmallVector<int> variables; // buffer per model variable
  int refractory = -1;        // countdown buffer, when refractory > 0
  int64_t refractorySteps = 0;
  /// The countdown's type: i32, or i64 when the period is longer than
  /// 2^31 - 1 steps (which the counter must hold without wrapping).
  IntegerType refractoryType;
  SmallVector<struct Ring *> rings; // delay rings into this population
  bool resets = false;              // whether the reset changes anything
  int spiked = -1; // GPU: per-neuron flag, reset pending after delivery
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
  NetworkLowering(NetworkOp network, bool gpu)
      : network(network), module(network->getParentOfType<ModuleOp>()),
        floatType(network.getFloatType()), b(network.getContext()), gpu(gpu) {}

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
  /// A constant of the type of `pop`'s refractory countdown.
  Value refractoryConstant(const Population &pop, int64_t v) {
    return b.create<arith::ConstantOp>(
        loc, b.getIntegerAttr(pop.refractoryType, v));
  }
  /// Marks a CPU loop over neurons for snn-vectorize-loops: iteration i
  /// touches neuron i's elements only, but for a spike append at its end.
  void markParallel(scf::ForOp loop) {
    if (!gpu)
      loop->setAttr("snn.parallel", b.getUnitAttr());
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
  /// position `base + count` (and runs `onSpike`); returns the new count.
  Value appendSpikeIf(Value cond, Spiking &target, Value base, Value count,
                      Value i, llvm::function_ref<void()> onSpike);

  /// Views of every buffer at the start of `func`, whose first argument is
  /// the arena.
  void emitPrologue(func::FuncOp func);
  /// Views of every buffer of `arena` (views, viewCounts).
  void emitViews();

  /// Update, refractory countdown and threshold of neuron `i` of `pop`: the
  /// updated variables are stored; returns the spike condition and the
  /// updated values.
  struct Updated {
    Value spike;
    SmallVector<Value> next;
  };
  Updated emitNeuronStep(Population &pop, Value i);
  /// Applies `pop`'s reset to neuron `i` whose variables are `vars`.
  void emitResetAt(Population &pop, Value i, ArrayRef<Value> vars);
  /// Whether source neuron `i` fires this step.
  Value emitPoissonSpike(PoissonSourceOp op, Spiking &s, int rateBuffer,
                         Value i);
  /// Element offset of this step's slot in `ring`.
  Value ringBase(Ring &ring);
  /// Adds this step's slot of `ring` to neuron `i`'s variable, clears it.
  void emitDeliveryAt(Ring &ring, Value i, Value base);
  /// Number of slots of `ring` (the runtime sized it to 1 + max delay).
  Value ringSlots(Ring &ring);
  /// Offset of the slot `delaySteps` ahead in a ring of `slots` slots over
  /// `postSize` neurons.
  Value slotBase(Value slots, int64_t postSize, Value delaySteps);

  /// CPU: this thread's range [lo, hi) of an entity of `size` neurons.
  std::pair<Value, Value> threadRange(int64_t size, Value thread);
  /// CPU: where thread `thread`'s spikes of this step start in `s.spikes`,
  /// and where their count is.
  Value segmentStart(Spiking &s, Value thread);
  Value segmentCount(Value thread);

  void emitUpdateAndThreshold(Population &pop);
  void emitPoissonSource(PoissonSourceOp op, Spiking &spiking, int rateBuffer);
  /// Emits the due entries of a spike array, from `spikeBase` on; `onEntry`
  /// runs for each with its neuron (i32). The count is stored at
  /// `countIndex`.
  void emitSpikeArraySource(Spiking &spiking, int times, int ids, int cursor,
                            Value countIndex, Value spikeBase,
                            llvm::function_ref<void(Value)> onEntry);
  struct ProjectionInfo;
  void emitPropagation(ProjectionInfo &info);
  /// CPU: the spikes of `info`'s source, every thread's segment in order,
  /// into the ring entries of this thread's range of the target.
  void emitPropagationCPU(ProjectionInfo &info);
  /// The first k in [begin, end) with buffer[k] >= key (i32 buffer sorted
  /// in that range), or end.
  Value lowerBound(int buffer, Value begin, Value end, Value key);
  void emitDelivery(Ring &ring);
  void emitReset(Population &pop);

  //===--------------------------------------------------------------------===//
  // GPU target (docs/gpu-abi.md)
  //===--------------------------------------------------------------------===//
  /// `scf.for %i = tid to extent step nthreads`; the builder is left at the
  /// start of its body.
  scf::ForOp gridLoop(Value extent);
  /// Atomically adds `amount` to `buffer[index]`; returns the old value.
  Value atomicAdd(int buffer, Value index, Value amount);
  /// If `cond`, appends neuron `i` to `target`'s spike list for this step
  /// (and to its device-side record), then runs `onSpike`.
  void appendSpikeAtomic(Value cond, Spiking &target, Value i,
                         llvm::function_ref<void()> onSpike);
  /// Appends (step, neuron) to the device-side record of `s`, if recorded.
  void recordSpike(Spiking &s, Value neuron);
  void emitPhaseRecord();
  void emitPhaseUpdate();
  void emitPhasePropagate();
  void emitPhaseDeliver();
  LogicalResult runGPU();

  //===--------------------------------------------------------------------===//
  // Connectivity on the device (docs/gpu-abi.md)
  //===--------------------------------------------------------------------===//
  /// A build kernel's body: func (arena, scratch, seed, n, tid, nthreads).
  struct BuildKernel {
    std::string name; // kernel symbol
    func::FuncOp body;
  };
  std::vector<BuildKernel> buildKernels;
  json::Array buildJSON;
  /// Whether projection `info` is built on the device.
  static bool builtOnDevice(ProjectionInfo &info);
  /// Whether a per-synapse value is computed on the device.
  static bool computedOnDevice(Attribute spec) {
    return isa<UniformAttr, NormalAttr>(spec);
  }
  /// Starts the body of build kernel `what` of projection `e` (the builder
  /// is left in it; seed, tid and nthreads are set); returns the descriptor
  /// entry {"kernel", "emulate"} (plus "work" when `work` >= 0).
  json::Object beginBuildKernel(StringRef what, size_t e, int64_t work,
                                Value &arenaArg, Value &scratch, Value &n);
  /// A whole build kernel: `body(arena, scratch, n)` in a function begun by
  /// beginBuildKernel, then the return.
  json::Object
  emitBuildKernel(StringRef what, size_t e, int64_t work,
                  llvm::function_ref<void(Value, Value, Value)> body);
  /// The kernels that draw fixed_indegree projection `info` per post
  /// (docs/gpu-abi.md, "fixed_indegree"): rows, fill and sort into `entry`.
  void emitIndegreeKernels(ProjectionInfo &info, size_t e, json::Object &entry);
  /// Emits the synapses of row `i` (index) of projection `info`: calls
  /// `onSynapse(k, j)` for the k-th synapse (i64) to post `j` (i64), in
  /// ascending order, when given; returns the row's length (i64).
  Value emitRow(ProjectionInfo &info, uint32_t entity, Value i,
                llvm::function_ref<void(Value, Value)> onSynapse);
  /// The value of `spec` (uniform or normal) for synapse `s` (index) of
  /// projection `entity`, as f64.
  Value emitSynapseValue(Attribute spec, RandomPurpose purpose,
                         uint32_t entity, Value s);
  /// round(ms / dt) as f64, and whether it is a valid delay.
  std::pair<Value, Value> emitDelaySteps(Value ms);
  /// The build kernels' bodies and descriptor entries.
  void emitBuildFunctions();
  /// Folds parameters, expands propagators; fails on a non-constant
  /// Jacobian.
  LogicalResult simplify(func::FuncOp func);
  json::Value descriptorJSON();

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
  bool gpu = false;
  // GPU target: the step's parity (index) and its complement, this thread
  // and the number of threads (index).
  Value parity, other, tid, nthreads;
  int stepCells = -1;
  struct StateRecord {
    Population *population;
    int variable = -1; // buffer
    int64_t every = 1, size = 0;
    int neurons = -1, samples = -1, values = -1;
  };
  std::vector<StateRecord> stateRecords;
  json::Object gpuJSON;

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
    uint32_t entity = 0;     // RNG entity: position among projections
    bool procedural = false; // rows drawn at each spike, not stored
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
    // Double-buffered by step parity on the GPU (docs/gpu-abi.md); on the
    // CPU also one segment per thread (docs/runtime-abi.md, "Threads").
    s.spikeCount = addBuffer(s.name + ".spike_count", i32Type,
                             gpu ? 2 : 2 * kMaxThreads);
    s.spikes = addBuffer(s.name + ".spikes", i32Type, gpu ? size : 2 * size);
    if (gpu)
      s.total = addBuffer(s.name + ".total", i64Type, 1);
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
          stepsOf(p.model.getRefractory().convertToDouble(), dt);
      p.refractoryType = p.refractorySteps > INT32_MAX ? b.getI64Type()
                                                        : b.getI32Type();
      if (p.refractorySteps > 0) {
        p.refractory = addBuffer((pop.getSymName() + ".refractory").str(),
                                 p.refractoryType, pop.getSize());
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
    info.entity = static_cast<uint32_t>(projections.size());
    info.procedural = op.getStorage() == StorageKind::procedural;
    Spiking *pre = spikingByName.lookup(op.getPre());
    Population *post = populationByName.lookup(op.getPost());
    std::string name = op.getSymName().str();
    json::Object entry{{"name", name},
                       {"pre", op.getPre().str()},
                       {"post", op.getPost().str()},
                       {"target", op.getTarget().str()},
                       {"connectivity", connectivityToJSON(op.getConnectivity())},
                       {"weight", valueSpecToJSON(op.getWeight())},
                       {"delay", valueSpecToJSON(op.getDelay())},
                       {"storage", stringifyStorageKind(
                                       info.procedural ? StorageKind::procedural
                                                       : StorageKind::csr)
                                       .str()}};
    // Procedural synapses are drawn again at each spike: nothing stored.
    if (!info.procedural) {
      info.rowPtr = addBuffer(name + ".row_ptr", i64Type, pre->size + 1);
      info.col = addBuffer(name + ".col", i32Type,
                           json::Object{{"synapses", name}});
      entry["row_ptr"] = info.rowPtr;
      entry["col"] = info.col;
    }
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
  for (Population &pop : populations) {
    Block &reset = pop.model.getReset().front();
    Operation *yield = reset.getTerminator();
    for (unsigned k = 0; k < pop.model.getNumVariables(); ++k)
      pop.resets |= yield->getOperand(k) != reset.getArgument(k);
  }
  for (Ring &ring : rings)
    ring.population->rings.push_back(&ring);
  if (gpu) {
    stepCells = addBuffer("snn.step", i64Type, 2);
    // A population with rings is reset after delivery: remember who spiked.
    for (Population &pop : populations)
      if (pop.resets && !pop.rings.empty())
        pop.spiked = addBuffer(pop.spiking->name + ".spiked", i32Type,
                               pop.op.getSize());
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
  json::Array gpuSpikes, gpuState;
  for (auto op : network.getBody().getOps<RecordSpikesOp>()) {
    spikes.push_back(op.getPopulation().str());
    Spiking *s = spikingByName.lookup(op.getPopulation());
    if (!gpu || s->recCount >= 0)
      continue;
    json::Object capacity{{"record_spikes", s->name}};
    s->recCount = addBuffer(s->name + ".rec_count", i32Type, 1);
    s->recIds = addBuffer(s->name + ".rec_ids", i32Type,
                          json::Object(capacity));
    s->recSteps = addBuffer(s->name + ".rec_steps", i32Type,
                            json::Object(capacity));
    gpuSpikes.push_back(json::Object{{"population", s->name},
                                     {"count", s->recCount},
                                     {"ids", s->recIds},
                                     {"steps", s->recSteps}});
  }
  for (auto op : network.getBody().getOps<RecordStateOp>()) {
    Population *pop = populationByName.lookup(op.getPopulation());
    json::Array neurons;
    for (int64_t n : op.getNeurons())
      neurons.push_back(n);
    if (gpu) {
      int64_t k = static_cast<int64_t>(stateRecords.size());
      std::string name = "record" + std::to_string(k);
      StateRecord &r = stateRecords.emplace_back();
      r.population = pop;
      r.variable = pop->variables[pop->model.lookupVariable(op.getVariable())];
      r.every = static_cast<int64_t>(op.getEvery());
      // No neurons listed means all of them (as the runtime reads it).
      r.size = op.getNeurons().empty()
                   ? pop->op.getSize()
                   : static_cast<int64_t>(op.getNeurons().size());
      r.neurons = addBuffer(name + ".neurons", i32Type, r.size);
      r.samples = addBuffer(name + ".samples", i64Type, 1);
      r.values = addBuffer(name + ".values", floatType,
                           json::Object{{"record_state", k}});
      gpuState.push_back(json::Object{{"record", k},
                                      {"neurons", r.neurons},
                                      {"samples", r.samples},
                                      {"values", r.values}});
    }
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
  if (gpu) {
    json::Array totals;
    for (Spiking &s : spiking)
      totals.push_back(
          json::Object{{"population", s.name}, {"buffer", s.total}});
    gpuJSON = json::Object{{"step", stepCells},
                           {"batch_steps", 1000},
                           {"totals", std::move(totals)},
                           {"record_spikes", std::move(gpuSpikes)},
                           {"record_state", std::move(gpuState)}};
  }
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
    int64_t first = stepsOf(c.op.getStart().convertToDouble(), dt);
    double stop = c.op.getStop().convertToDouble();
    Value active = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge,
                                           step, i64(first));
    if (stop >= 0.0) {
      Value before = b.create<arith::CmpIOp>(
          loc, arith::CmpIPredicate::slt, step, i64(stepsOf(stop, dt)));
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
  if (gpu) {
    // (arena, seed, parity, tid, nthreads)
    seed = entry->getArgument(1);
    parity = toIndex(entry->getArgument(2));
    other = b.create<arith::SubIOp>(loc, index(1), parity);
    tid = entry->getArgument(3);
    nthreads = entry->getArgument(4);
  } else {
    // (arena, step, seed, tid, nthreads)
    step = entry->getArgument(1);
    seed = entry->getArgument(2);
    tid = toIndex(entry->getArgument(3));
    nthreads = toIndex(entry->getArgument(4));
  }
  emitViews();
  if (gpu)
    step = load(stepCells, parity);
  stepIndex = toIndex(step);
  if (!gpu)
    parity = b.create<arith::AndIOp>(loc, stepIndex, index(1));
}

std::pair<Value, Value> NetworkLowering::threadRange(int64_t size,
                                                     Value thread) {
  // chunk = ceil(ceil(size / nthreads) / align) * align
  // (arith.ceildivui has no lowering to LLVM: (a + b - 1) / b.)
  Value n = index(size), align = index(kThreadAlign);
  auto ceilDiv = [&](Value a, Value d) -> Value {
    Value sum = b.create<arith::AddIOp>(
        loc, a, b.create<arith::SubIOp>(loc, d, index(1)));
    return b.create<arith::DivUIOp>(loc, sum, d);
  };
  Value chunk = b.create<arith::MulIOp>(
      loc, ceilDiv(ceilDiv(n, nthreads), align), align);
  Value lo = b.create<arith::MinUIOp>(
      loc, b.create<arith::MulIOp>(loc, thread, chunk), n);
  Value hi = b.create<arith::MinUIOp>(
      loc, b.create<arith::AddIOp>(loc, lo, chunk), n);
  return {lo, hi};
}

Value NetworkLowering::segmentStart(Spiking &s, Value thread) {
  return b.create<arith::AddIOp>(
      loc, b.create<arith::MulIOp>(loc, parity, index(s.size)),
      threadRange(s.size, thread).first);
}

Value NetworkLowering::segmentCount(Value thread) {
  return b.create<arith::AddIOp>(
      loc, b.create<arith::MulIOp>(loc, parity, index(kMaxThreads)), thread);
}

void NetworkLowering::emitViews() {
  views.clear();
  viewCounts.clear();
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

NetworkLowering::Updated NetworkLowering::emitNeuronStep(Population &pop,
                                                         Value i) {
  unsigned numVars = pop.model.getNumVariables();
  SmallVector<Value> old;
  for (int buffer : pop.variables)
    old.push_back(load(buffer, i));

  // Refractory countdown: decrement, then refractory while non-zero.
  Value notRefractory;
  if (pop.refractory >= 0) {
    Value r = load(pop.refractory, i);
    Value dec = b.create<arith::MaxSIOp>(
        loc, b.create<arith::SubIOp>(loc, r, refractoryConstant(pop, 1)),
        refractoryConstant(pop, 0));
    store(dec, pop.refractory, i);
    notRefractory = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                            dec, refractoryConstant(pop, 0));
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
  next.resize(numVars);
  return {spike, std::move(next)};
}

void NetworkLowering::emitResetAt(Population &pop, Value i,
                                  ArrayRef<Value> vars) {
  SmallVector<Value> next =
      inlineRegion(pop.model.getReset(), regionArgs(pop, vars, i));
  for (unsigned k = 0; k < pop.model.getNumVariables(); ++k)
    if (next[k] != vars[k])
      store(next[k], pop.variables[k], i);
}

void NetworkLowering::emitUpdateAndThreshold(Population &pop) {
  loc = pop.op.getLoc();
  auto [lo, hi] = threadRange(pop.op.getSize(), tid);
  Value base = segmentStart(*pop.spiking, tid);
  auto loop = b.create<scf::ForOp>(loc, lo, hi, index(1), ValueRange{i32(0)});
  markParallel(loop);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value i = loop.getInductionVar();
  Value count = loop.getRegionIterArg(0);
  Updated u = emitNeuronStep(pop, i);
  b.create<scf::YieldOp>(loc, appendSpikeIf(u.spike, *pop.spiking, base,
                                            count, i, [&] {
                                              if (pop.refractory >= 0)
                                                store(refractoryConstant(
                                                          pop,
                                                          pop.refractorySteps),
                                                      pop.refractory, i);
                                            }));
  b.setInsertionPointAfter(loop);
  store(loop.getResult(0), pop.spiking->spikeCount, segmentCount(tid));
}

Value NetworkLowering::appendSpikeIf(Value cond, Spiking &target, Value base,
                                     Value count, Value i,
                                     llvm::function_ref<void()> onSpike) {
  auto ifOp = b.create<scf::IfOp>(loc, TypeRange{b.getI32Type()}, cond,
                                  /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value neuron = b.create<arith::IndexCastOp>(loc, b.getI32Type(), i);
  store(neuron, target.spikes,
        b.create<arith::AddIOp>(loc, base, toIndex(count)));
  onSpike();
  b.create<scf::YieldOp>(loc, ValueRange{b.create<arith::AddIOp>(loc, count, i32(1))});
  b.setInsertionPointToStart(ifOp.elseBlock());
  b.create<scf::YieldOp>(loc, ValueRange{count});
  return ifOp.getResult(0);
}

Value NetworkLowering::emitPoissonSpike(PoissonSourceOp op, Spiking &s,
                                        int rateBuffer, Value i) {
  // P(spike in one step) = rate[Hz] * dt[ms] / 1000.
  Value perStep = real(network.getDt().convertToDouble() * 1e-3);
  Value rate = elementValue(op.getRate(), rateBuffer, i);
  Value p = b.create<arith::MulFOp>(loc, rate, perStep);
  auto words =
      emitStepDraw(b, loc, seed, step, i, s.entity, RandomPurpose::StepDraw);
  Value u = emitUniform(b, loc, words, floatType);
  return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, u, p);
}

void NetworkLowering::emitPoissonSource(PoissonSourceOp op, Spiking &s,
                                        int rateBuffer) {
  loc = op.getLoc();
  auto [lo, hi] = threadRange(s.size, tid);
  Value base = segmentStart(s, tid);
  auto loop = b.create<scf::ForOp>(loc, lo, hi, index(1), ValueRange{i32(0)});
  markParallel(loop);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value i = loop.getInductionVar();
  Value spike = emitPoissonSpike(op, s, rateBuffer, i);
  b.create<scf::YieldOp>(
      loc, appendSpikeIf(spike, s, base, loop.getRegionIterArg(0), i, [] {}));
  b.setInsertionPointAfter(loop);
  store(loop.getResult(0), s.spikeCount, segmentCount(tid));
}

void NetworkLowering::emitSpikeArraySource(
    Spiking &s, int times, int ids, int cursor, Value countIndex,
    Value spikeBase, llvm::function_ref<void(Value)> onEntry) {
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
        store(neuron, s.spikes,
              b.create<arith::AddIOp>(loc, spikeBase, toIndex(args[1])));
        onEntry(neuron);
        b.create<scf::YieldOp>(
            loc, ValueRange{b.create<arith::AddIOp>(loc, args[0], index(1)),
                            b.create<arith::AddIOp>(loc, args[1], i32(1))});
      });
  store(b.create<arith::IndexCastOp>(loc, b.getI64Type(), whileOp.getResult(0)),
        cursor, index(0));
  store(whileOp.getResult(1), s.spikeCount, countIndex);
}

Value NetworkLowering::ringSlots(Ring &ring) {
  return b.create<arith::DivUIOp>(loc, viewCounts[ring.buffer],
                                  index(ring.population->op.getSize()));
}

Value NetworkLowering::slotBase(Value slots, int64_t postSize,
                                Value delaySteps) {
  Value postSizeValue = index(postSize);
  Value slot = b.create<arith::RemUIOp>(
      loc, b.create<arith::AddIOp>(loc, stepIndex, delaySteps), slots);
  return b.create<arith::MulIOp>(loc, slot, postSizeValue);
}

Value NetworkLowering::lowerBound(int buffer, Value begin, Value end,
                                  Value key) {
  // while (lo < hi) { mid = (lo + hi) / 2; col[mid] < key ? lo = mid + 1
  //                                                       : hi = mid; }
  Type indexType = b.getIndexType();
  auto loop = b.create<scf::WhileOp>(
      loc, TypeRange{indexType, indexType}, ValueRange{begin, end},
      [&](OpBuilder &, Location, ValueRange args) {
        b.create<scf::ConditionOp>(
            loc,
            b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, args[0],
                                    args[1]),
            args);
      },
      [&](OpBuilder &, Location, ValueRange args) {
        Value mid = b.create<arith::ShRUIOp>(
            loc, b.create<arith::AddIOp>(loc, args[0], args[1]), index(1));
        Value below = b.create<arith::CmpIOp>(
            loc, arith::CmpIPredicate::ult, toIndex(load(buffer, mid)), key);
        b.create<scf::YieldOp>(
            loc,
            ValueRange{b.create<arith::SelectOp>(
                           loc, below,
                           b.create<arith::AddIOp>(loc, mid, index(1)),
                           args[0]),
                       b.create<arith::SelectOp>(loc, below, args[1], mid)});
      });
  return loop.getResult(0);
}

void NetworkLowering::emitPropagationCPU(ProjectionInfo &info) {
  ProjectionOp op = info.op;
  loc = op.getLoc();
  Spiking &pre = *spikingByName.lookup(op.getPre());
  Ring &ring = *info.ring;
  int64_t postSize = ring.population->op.getSize();
  double dt = network.getDt().convertToDouble();
  Value slots = ringSlots(ring);
  Value constantBase, stepSlot;
  if (auto delay = dyn_cast<FloatAttr>(op.getDelay()))
    constantBase = slotBase(
        slots, postSize,
        index(std::llround(delay.getValueAsDouble() / dt)));
  else // per synapse: (step mod slots + d), less slots when past the end
    stepSlot = b.create<arith::RemUIOp>(loc, stepIndex, slots);
  // Every spike in order (segment by segment: ascending neurons), every
  // synapse of its row, but only the targets in this thread's range: each
  // ring entry is summed by one thread in the order of one thread.
  auto [postLo, postHi] = threadRange(postSize, tid);
  Value wholeRange = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::eq, nthreads, index(1));
  auto segments = b.create<scf::ForOp>(loc, index(0), nthreads, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(segments.getBody());
  Value segment = segments.getInductionVar();
  Value numSpikes = toIndex(load(pre.spikeCount, segmentCount(segment)));
  Value start = segmentStart(pre, segment);
  auto spikes = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
  b.setInsertionPointToStart(spikes.getBody());
  Value source = toIndex(load(
      pre.spikes, b.create<arith::AddIOp>(loc, start, spikes.getInductionVar())));
  if (info.procedural) {
    // The row, drawn again as the runtime draws it to build csr rows;
    // weight and delay are constants.
    Value weight = elementValue(op.getWeight(), -1, Value());
    emitRow(info, info.entity, source, [&](Value, Value j) {
      Value post = toIndex(j);
      Value inRange = b.create<arith::AndIOp>(
          loc,
          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge, post,
                                  postLo),
          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, post,
                                  postHi));
      auto mine = b.create<scf::IfOp>(loc, inRange, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(mine.thenBlock());
      Value slotIndex = b.create<arith::AddIOp>(loc, constantBase, post);
      store(b.create<arith::AddFOp>(loc, load(ring.buffer, slotIndex), weight),
            ring.buffer, slotIndex);
    });
    return;
  }
  Value begin = toIndex(load(info.rowPtr, source));
  Value end = toIndex(
      load(info.rowPtr, b.create<arith::AddIOp>(loc, source, index(1))));
  // Rows sorted by post (every rule but synapse lists): this thread's
  // targets are one stretch of the row, found by binary search (the whole
  // row with one thread). Otherwise every synapse, filtered.
  bool sorted = !isa<SynapseListAttr>(op.getConnectivity());
  if (sorted) {
    auto bounds = b.create<scf::IfOp>(
        loc, TypeRange{b.getIndexType(), b.getIndexType()}, wholeRange,
        /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(bounds.thenBlock());
    b.create<scf::YieldOp>(loc, ValueRange{begin, end});
    b.setInsertionPointToStart(bounds.elseBlock());
    Value first = lowerBound(info.col, begin, end, postLo);
    Value last = lowerBound(info.col, first, end, postHi);
    b.create<scf::YieldOp>(loc, ValueRange{first, last});
    begin = bounds.getResult(0);
    end = bounds.getResult(1);
  }
  auto synapses = b.create<scf::ForOp>(loc, begin, end, index(1));
  b.setInsertionPointToStart(synapses.getBody());
  Value k = synapses.getInductionVar();
  Value post = toIndex(load(info.col, k));
  if (!sorted) {
    Value inRange = b.create<arith::AndIOp>(
        loc,
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge, post, postLo),
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, post,
                                postHi));
    auto mine = b.create<scf::IfOp>(loc, inRange, /*withElseRegion=*/false);
    b.setInsertionPointToStart(mine.thenBlock());
  }
  Value weight = elementValue(op.getWeight(), info.weight, k);
  Value base = constantBase;
  if (!base) {
    Value slot = b.create<arith::AddIOp>(loc, stepSlot,
                                         toIndex(load(info.delay, k)));
    Value past = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge,
                                         slot, slots);
    slot = b.create<arith::SelectOp>(
        loc, past, b.create<arith::SubIOp>(loc, slot, slots), slot);
    base = b.create<arith::MulIOp>(loc, slot, index(postSize));
  }
  Value slotIndex = b.create<arith::AddIOp>(loc, base, post);
  Value sum = b.create<arith::AddFOp>(loc, load(ring.buffer, slotIndex), weight);
  store(sum, ring.buffer, slotIndex);
}

void NetworkLowering::emitPropagation(ProjectionInfo &info) {
  if (!gpu)
    return emitPropagationCPU(info);
  ProjectionOp op = info.op;
  loc = op.getLoc();
  Spiking &pre = *spikingByName.lookup(op.getPre());
  Ring &ring = *info.ring;
  int64_t postSize = ring.population->op.getSize();
  double dt = network.getDt().convertToDouble();
  Value slots = ringSlots(ring);
  Value constantBase;
  if (auto delay = dyn_cast<FloatAttr>(op.getDelay()))
    constantBase = slotBase(
        slots, postSize,
        index(std::llround(delay.getValueAsDouble() / dt)));

  // CPU: every spike, every synapse of its row. GPU: group g of G takes
  // spikes g, g + G, ...; its W lanes share the row.
  Value first = index(0), spikeStride = index(1), lane = index(0),
        laneStride = index(1);
  Value countIndex = index(0);
  if (gpu) {
    // W = 32 when the thread count is a multiple of 32, else 1.
    Value c32 = index(32);
    Value multiple = b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::eq,
        b.create<arith::RemUIOp>(loc, nthreads, c32), index(0));
    laneStride = b.create<arith::SelectOp>(loc, multiple, c32, index(1));
    first = b.create<arith::DivUIOp>(loc, tid, laneStride);
    spikeStride = b.create<arith::DivUIOp>(loc, nthreads, laneStride);
    lane = b.create<arith::RemUIOp>(loc, tid, laneStride);
    countIndex = parity;
  }
  Value numSpikes = toIndex(load(pre.spikeCount, countIndex));
  auto spikes = b.create<scf::ForOp>(loc, first, numSpikes, spikeStride);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(spikes.getBody());
  Value source = toIndex(load(pre.spikes, spikes.getInductionVar()));
  Value begin = toIndex(load(info.rowPtr, source));
  Value end = toIndex(
      load(info.rowPtr, b.create<arith::AddIOp>(loc, source, index(1))));
  auto synapses = b.create<scf::ForOp>(
      loc, b.create<arith::AddIOp>(loc, begin, lane), end, laneStride);
  b.setInsertionPointToStart(synapses.getBody());
  Value k = synapses.getInductionVar();
  Value post = toIndex(load(info.col, k));
  Value weight = elementValue(op.getWeight(), info.weight, k);
  Value base = constantBase
                   ? constantBase
                   : slotBase(slots, postSize, toIndex(load(info.delay, k)));
  Value slotIndex = b.create<arith::AddIOp>(loc, base, post);
  if (gpu) {
    b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::addf, weight,
                                  views[ring.buffer], ValueRange{slotIndex});
    return;
  }
  Value sum = b.create<arith::AddFOp>(loc, load(ring.buffer, slotIndex), weight);
  store(sum, ring.buffer, slotIndex);
}

Value NetworkLowering::ringBase(Ring &ring) {
  return slotBase(ringSlots(ring), ring.population->op.getSize(), index(0));
}

void NetworkLowering::emitDeliveryAt(Ring &ring, Value i, Value base) {
  Value slotIndex = b.create<arith::AddIOp>(loc, base, i);
  int target = ring.population->variables[ring.variable];
  Value old = load(target, i);
  Value sum = b.create<arith::AddFOp>(loc, old, load(ring.buffer, slotIndex));
  // A clamped variable cannot be written while its neuron is refractory, by
  // synapses neither (Brian2's `unless refractory`): from the step of the
  // spike (countdown just set) to the last refractory step, the input is
  // dropped.
  Population &pop = *ring.population;
  if (pop.refractory >= 0 && isClamped(pop, ring.variable)) {
    Value free = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                         load(pop.refractory, i),
                                         refractoryConstant(pop, 0));
    sum = b.create<arith::SelectOp>(loc, free, sum, old);
  }
  store(sum, target, i);
  store(real(0.0), ring.buffer, slotIndex);
}

void NetworkLowering::emitDelivery(Ring &ring) {
  loc = ring.population->op.getLoc();
  Value base = ringBase(ring);
  auto [lo, hi] = threadRange(ring.population->op.getSize(), tid);
  auto loop = b.create<scf::ForOp>(loc, lo, hi, index(1));
  markParallel(loop);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  emitDeliveryAt(ring, loop.getInductionVar(), base);
}

void NetworkLowering::emitReset(Population &pop) {
  if (!pop.resets)
    return; // the reset yields its arguments unchanged
  loc = pop.op.getLoc();
  // This thread's own spikes: its segment holds the neurons of its range.
  Value numSpikes =
      toIndex(load(pop.spiking->spikeCount, segmentCount(tid)));
  Value start = segmentStart(*pop.spiking, tid);
  auto loop = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value i = toIndex(load(pop.spiking->spikes,
                         b.create<arith::AddIOp>(loc, start,
                                                 loop.getInductionVar())));
  SmallVector<Value> old;
  for (int buffer : pop.variables)
    old.push_back(load(buffer, i));
  emitResetAt(pop, i, old);
}

//===----------------------------------------------------------------------===//
// GPU phases
//===----------------------------------------------------------------------===//

scf::ForOp NetworkLowering::gridLoop(Value extent) {
  auto loop = b.create<scf::ForOp>(loc, tid, extent, nthreads);
  b.setInsertionPointToStart(loop.getBody());
  return loop;
}

Value NetworkLowering::atomicAdd(int buffer, Value index, Value amount) {
  return b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::addi, amount,
                                       views[buffer], ValueRange{index});
}

void NetworkLowering::recordSpike(Spiking &s, Value neuron) {
  if (s.recCount < 0)
    return;
  Value at = toIndex(atomicAdd(s.recCount, index(0), i32(1)));
  store(neuron, s.recIds, at);
  store(b.create<arith::TruncIOp>(loc, b.getI32Type(), step), s.recSteps, at);
}

void NetworkLowering::appendSpikeAtomic(Value cond, Spiking &target, Value i,
                                        llvm::function_ref<void()> onSpike) {
  auto ifOp = b.create<scf::IfOp>(loc, cond, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value neuron = b.create<arith::IndexCastOp>(loc, b.getI32Type(), i);
  Value at = toIndex(atomicAdd(target.spikeCount, parity, i32(1)));
  store(neuron, target.spikes, at);
  recordSpike(target, neuron);
  onSpike();
}

void NetworkLowering::emitPhaseRecord() {
  for (StateRecord &r : stateRecords) {
    loc = r.population->op.getLoc();
    // Sampled at the start of steps that are multiples of `every`.
    Value due = b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::eq,
        b.create<arith::RemUIOp>(loc, stepIndex, index(r.every)), index(0));
    auto ifOp = b.create<scf::IfOp>(loc, due, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    Value base = b.create<arith::MulIOp>(
        loc, toIndex(load(r.samples, index(0))), index(r.size));
    auto loop = gridLoop(index(r.size));
    Value j = loop.getInductionVar();
    Value neuron = toIndex(load(r.neurons, j));
    store(load(r.variable, neuron), r.values,
          b.create<arith::AddIOp>(loc, base, j));
  }
}

void NetworkLowering::emitPhaseUpdate() {
  for (Population &pop : populations) {
    loc = pop.op.getLoc();
    OpBuilder::InsertionGuard guard(b);
    Value i = gridLoop(index(pop.op.getSize())).getInductionVar();
    Updated u = emitNeuronStep(pop, i);
    appendSpikeAtomic(u.spike, *pop.spiking, i, [&] {
      if (pop.refractory >= 0)
        store(refractoryConstant(pop, pop.refractorySteps), pop.refractory,
              i);
      if (!pop.resets)
        return;
      // No ring delivers into it: nothing happens between the threshold
      // and the reset, so reset now; otherwise after delivery.
      if (pop.spiked >= 0)
        store(i32(1), pop.spiked, i);
      else
        emitResetAt(pop, i, u.next);
    });
  }
  for (PoissonInfo &p : poissons) {
    loc = p.op.getLoc();
    OpBuilder::InsertionGuard guard(b);
    Value i = gridLoop(index(p.spiking->size)).getInductionVar();
    appendSpikeAtomic(emitPoissonSpike(p.op, *p.spiking, p.rate, i),
                      *p.spiking, i, [] {});
  }
  for (SpikeArrayInfo &s : spikeArrays) {
    // Sequential by nature (a cursor): thread 0 only.
    loc = s.spiking->op->getLoc();
    Value first = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, tid,
                                          index(0));
    auto ifOp = b.create<scf::IfOp>(loc, first, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    emitSpikeArraySource(*s.spiking, s.times, s.ids, s.cursor, parity,
                         index(0),
                         [&](Value neuron) { recordSpike(*s.spiking, neuron); });
  }
}

void NetworkLowering::emitPhasePropagate() {
  for (ProjectionInfo &p : projections)
    emitPropagation(p);
}

void NetworkLowering::emitPhaseDeliver() {
  for (Population &pop : populations) {
    if (pop.rings.empty())
      continue;
    loc = pop.op.getLoc();
    SmallVector<Value> bases;
    for (Ring *ring : pop.rings)
      bases.push_back(ringBase(*ring));
    OpBuilder::InsertionGuard guard(b);
    Value i = gridLoop(index(pop.op.getSize())).getInductionVar();
    for (auto [ring, base] : llvm::zip(pop.rings, bases))
      emitDeliveryAt(*ring, i, base);
    if (pop.spiked < 0)
      continue;
    Value spiked = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne,
                                           load(pop.spiked, i), i32(0));
    auto ifOp = b.create<scf::IfOp>(loc, spiked, /*withElseRegion=*/false);
    b.setInsertionPointToStart(ifOp.thenBlock());
    store(i32(0), pop.spiked, i);
    SmallVector<Value> vars;
    for (int buffer : pop.variables)
      vars.push_back(load(buffer, i));
    emitResetAt(pop, i, vars);
  }

  // End of step, thread 0: nobody else touches these cells in this phase.
  loc = network.getLoc();
  Value first =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, tid, index(0));
  auto ifOp = b.create<scf::IfOp>(loc, first, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  store(b.create<arith::AddIOp>(loc, step, i64(1)), stepCells, other);
  for (Spiking &s : spiking) {
    Value count = b.create<arith::ExtSIOp>(loc, b.getI64Type(),
                                           load(s.spikeCount, parity));
    store(b.create<arith::AddIOp>(loc, load(s.total, index(0)), count), s.total,
          index(0));
    store(i32(0), s.spikeCount, other);
  }
  for (StateRecord &r : stateRecords) {
    Value due = b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::eq,
        b.create<arith::RemUIOp>(loc, stepIndex, index(r.every)), index(0));
    Value samples = load(r.samples, index(0));
    store(b.create<arith::SelectOp>(
              loc, due, b.create<arith::AddIOp>(loc, samples, i64(1)), samples),
          r.samples, index(0));
  }
}

LogicalResult NetworkLowering::simplify(func::FuncOp func) {
  // Parameters are constants now: fold the Jacobians and expand the exact
  // propagators (and clean up whatever else folds). On the host, large
  // propagators become loops over constant tables (LinearUpdateTable.h);
  // GPU kernels, cloned into a gpu.module later, keep the expansion.
  MLIRContext *ctx = func.getContext();
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  if (!gpu)
    populateLinearUpdateTablePatterns(patterns);
  if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
    return network.emitOpError("simplification did not converge");

  // What is left of snn.linear_update could not be expanded: say why, with
  // the population and variables. A state operand is a load of the
  // variable's buffer "<population>.<variable>", whose view starts at the
  // offset read from entry 2 k of the buffer table (emitViews).
  auto bufferName = [&](Value v) -> std::optional<StringRef> {
    auto load = v.getDefiningOp<memref::LoadOp>();
    auto view = load ? load.getMemRef().getDefiningOp<memref::ViewOp>()
                     : memref::ViewOp();
    if (!view)
      return std::nullopt;
    Value offset = view.getByteShift();
    if (auto cast = offset.getDefiningOp<arith::IndexCastOp>())
      offset = cast.getIn();
    auto entry = offset.getDefiningOp<memref::LoadOp>();
    APInt k;
    if (!entry || entry.getIndices().size() != 1 ||
        !matchPattern(entry.getIndices()[0], m_ConstantInt(&k)))
      return std::nullopt;
    uint64_t id = k.getZExtValue() / 2;
    if (id >= buffers.size())
      return std::nullopt;
    return StringRef(buffers[id].name);
  };
  LogicalResult result = success();
  func.walk([&](LinearUpdateOp op) {
    result = failure();
    std::string population;
    std::vector<std::string> names;
    for (Value v : op.getState()) {
      std::optional<StringRef> name = bufferName(v);
      if (!name || !name->contains('.')) {
        names.clear();
        break;
      }
      auto [pop, var] = name->rsplit('.');
      population = pop.str();
      names.push_back(var.str());
    }
    std::string prefix =
        names.empty() ? "" : "population '" + population + "': ";
    FailureOr<Propagator> propagator = op.computeConstantPropagator(names);
    if (failed(propagator)) {
      op.emitOpError(prefix) << "Jacobian is not a compile-time constant; "
                                "the parameters of the linear subsystem "
                                "must be";
      return;
    }
    std::string variables;
    for (auto [k, name] : llvm::enumerate(names))
      variables += (k ? ", " : "") + name;
    auto diag = op.emitError(prefix) << "the exact propagator";
    if (!names.empty())
      diag << " of (" << variables << ")";
    std::string type;
    llvm::raw_string_ostream(type) << op.getState().front().getType();
    char dt[32];
    std::snprintf(dt, sizeof dt, "%g", op.getDt().convertToDouble());
    diag << " over dt = " << dt << " ms cannot be computed to " << type
         << " precision: "
         << (propagator->ok() ? "it was not expanded" : propagator->error);
  });
  return result;
}

json::Value NetworkLowering::descriptorJSON() {
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
  if (gpu)
    descriptor["gpu"] = std::move(gpuJSON);
  else
    descriptor["threads"] =
        json::Object{{"max", kMaxThreads}, {"align", kThreadAlign}};
  return json::Value(std::move(descriptor));
}

/// Moves the reads of the arena's table (and the views and casts built on
/// them) out of `loop`: nothing in a simulation writes the table, so every
/// step of the persistent kernel sees the same buffers.
static void hoistArenaTable(scf::ForOp loop) {
  auto isTableRead = [](Operation *op) {
    auto load = dyn_cast<memref::LoadOp>(op);
    if (!load)
      return false;
    // The table is the one statically shaped view of the arena.
    auto view = load.getMemRef().getDefiningOp<memref::ViewOp>();
    return view && view.getType().hasStaticShape();
  };
  bool changed = true;
  while (changed) {
    changed = false;
    SmallVector<Operation *> movable;
    for (Operation &op : loop.getBody()->without_terminator()) {
      bool invariant = llvm::all_of(op.getOperands(), [&](Value v) {
        return !loop.getRegion().isAncestor(v.getParentRegion());
      });
      if (invariant && op.getNumRegions() == 0 &&
          (isMemoryEffectFree(&op) || isTableRead(&op)))
        movable.push_back(&op);
    }
    for (Operation *op : movable)
      op->moveBefore(loop);
    changed = !movable.empty();
  }
}

//===----------------------------------------------------------------------===//
// Connectivity on the device: the build kernels
//===----------------------------------------------------------------------===//

bool NetworkLowering::builtOnDevice(ProjectionInfo &info) {
  return isa<AllToAllAttr, OneToOneAttr, FixedProbabilityAttr,
             FixedIndegreeAttr>(info.op.getConnectivity());
}

json::Object NetworkLowering::beginBuildKernel(StringRef what, size_t e,
                                               int64_t work, Value &arenaArg,
                                               Value &scratch, Value &n) {
  auto bufType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  Type i64Type = b.getI64Type(), indexType = b.getIndexType();
  std::string name = (Twine("snn_build_") + what + "_" + Twine(e)).str();
  b.setInsertionPoint(network);
  auto func = b.create<func::FuncOp>(
      loc, (Twine("snn_body_build_") + what + "_" + Twine(e)).str(),
      b.getFunctionType(
          {bufType, bufType, i64Type, i64Type, indexType, indexType}, {}));
  func.setPrivate();
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  arenaArg = entry->getArgument(0);
  scratch = entry->getArgument(1);
  seed = entry->getArgument(2);
  n = entry->getArgument(3);
  tid = entry->getArgument(4);
  nthreads = entry->getArgument(5);
  json::Object ref{{"kernel", name},
                   {"emulate", static_cast<int64_t>(buildKernels.size())}};
  if (work >= 0)
    ref["work"] = work;
  buildKernels.push_back({name, func});
  return ref;
}

json::Object NetworkLowering::emitBuildKernel(
    StringRef what, size_t e, int64_t work,
    llvm::function_ref<void(Value, Value, Value)> body) {
  OpBuilder::InsertionGuard guard(b);
  Value arenaArg, scratch, n;
  json::Object ref = beginBuildKernel(what, e, work, arenaArg, scratch, n);
  Block *entryBlock = b.getInsertionBlock();
  body(arenaArg, scratch, n);
  b.setInsertionPointToEnd(entryBlock);
  b.create<func::ReturnOp>(loc);
  return ref;
}

Value NetworkLowering::emitRow(ProjectionInfo &info, uint32_t entity, Value i,
                               llvm::function_ref<void(Value, Value)> onSynapse) {
  Type i64Type = b.getI64Type();
  Attribute conn = info.op.getConnectivity();
  int64_t npost = populationByName.lookup(info.op.getPost())->op.getSize();
  bool self = info.op.getPre() == info.op.getPost();
  Value row = b.create<arith::IndexCastOp>(loc, i64Type, i);
  if (isa<OneToOneAttr>(conn)) {
    if (onSynapse)
      onSynapse(i64(0), row);
    return i64(1);
  }
  bool allowSelf = true;
  double p = 1.0;
  if (auto a = dyn_cast<AllToAllAttr>(conn))
    allowSelf = a.getAllowSelf();
  auto fp = dyn_cast<FixedProbabilityAttr>(conn);
  if (fp) {
    allowSelf = fp.getAllowSelf();
    p = fp.getP().convertToDouble();
  }
  // Row i skips itself when self-connections are excluded (and i < npost).
  Value skipSelf = b.create<arith::ConstantIntOp>(loc, 0, 1);
  if (self && !allowSelf)
    skipSelf = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, row,
                                       i64(npost));
  Value candidates = b.create<arith::SubIOp>(
      loc, i64(npost), b.create<arith::ExtUIOp>(loc, i64Type, skipSelf));
  // Candidate c is neuron c, or c + 1 at and after i when i is skipped.
  auto neuronOf = [&](Value c) {
    Value shift = b.create<arith::AndIOp>(
        loc, skipSelf,
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, c, row));
    return b.create<arith::AddIOp>(
        loc, c, b.create<arith::ExtUIOp>(loc, i64Type, shift));
  };
  if (p <= 0.0)
    return i64(0);
  if (!fp || p >= 1.0) {
    // Every candidate, in order.
    if (onSynapse) {
      auto loop = b.create<scf::ForOp>(loc, i64(0), candidates, i64(1));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value c = loop.getInductionVar();
      onSynapse(c, neuronOf(c));
    }
    return candidates;
  }
  // Geometric skipping (docs/runtime-abi.md): draw k of the row skips
  // floor(log(1 - u) / log(1 - p)) candidates before the next synapse.
  Type i32Type = b.getI32Type(), f64Type = b.getF64Type();
  double logq = std::log1p(-p);
  auto f64 = [&](double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
  };
  Value c0 = b.create<arith::TruncIOp>(loc, i32Type, row);
  auto loop = b.create<scf::WhileOp>(
      loc, TypeRange{i64Type, i64Type, i64Type},
      ValueRange{i64(-1), i64(0), i64(0)},
      [&](OpBuilder &, Location, ValueRange args) {
        Value pos = args[0], draw = args[1], count = args[2];
        Value c1 = b.create<arith::TruncIOp>(loc, i32Type, draw);
        Value c2 = b.create<arith::TruncIOp>(
            loc, i32Type, b.create<arith::ShRUIOp>(loc, draw, i64(32)));
        auto x = emitDraw(b, loc, seed, c0, c1, c2, entity,
                          RandomPurpose::Connectivity);
        Value u = emitUniform(b, loc, x, b.getF64Type());
        Value skip = b.create<math::FloorOp>(
            loc, b.create<arith::DivFOp>(
                     loc,
                     b.create<math::Log1pOp>(
                         loc, b.create<arith::NegFOp>(loc, u)),
                     f64(logq)));
        Value left = b.create<arith::SIToFPOp>(
            loc, f64Type,
            b.create<arith::SubIOp>(
                loc, b.create<arith::SubIOp>(loc, candidates, pos), i64(1)));
        Value more =
            b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, skip, left);
        // Only converted when it is in range.
        Value steps = b.create<arith::FPToSIOp>(
            loc, i64Type,
            b.create<arith::SelectOp>(loc, more, skip, f64(0.0)));
        Value next = b.create<arith::AddIOp>(
            loc, b.create<arith::AddIOp>(loc, pos, steps), i64(1));
        b.create<scf::ConditionOp>(
            loc, more,
            ValueRange{next, b.create<arith::AddIOp>(loc, draw, i64(1)),
                       count});
      },
      [&](OpBuilder &, Location, ValueRange args) {
        Value pos = args[0], count = args[2];
        if (onSynapse)
          onSynapse(count, neuronOf(pos));
        b.create<scf::YieldOp>(
            loc, ValueRange{pos, args[1],
                            b.create<arith::AddIOp>(loc, count, i64(1))});
      });
  return loop.getResult(2);
}

Value NetworkLowering::emitSynapseValue(Attribute spec, RandomPurpose purpose,
                                        uint32_t entity, Value s) {
  Type i32Type = b.getI32Type(), i64Type = b.getI64Type();
  Value wide = b.create<arith::IndexCastOp>(loc, i64Type, s);
  Value c0 = b.create<arith::TruncIOp>(loc, i32Type, wide);
  Value c1 = b.create<arith::TruncIOp>(
      loc, i32Type, b.create<arith::ShRUIOp>(loc, wide, i64(32)));
  auto x = emitDraw(b, loc, seed, c0, c1, i32(0), entity, purpose);
  auto f64 = [&](double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
  };
  // As the runtime: low + (high - low) * u, mean + std * z, in f64.
  if (auto u = dyn_cast<UniformAttr>(spec)) {
    double low = u.getLow().convertToDouble();
    double high = u.getHigh().convertToDouble();
    return b.create<arith::AddFOp>(
        loc, f64(low),
        b.create<arith::MulFOp>(loc, f64(high - low),
                                emitUniform(b, loc, x, b.getF64Type())));
  }
  auto normal = cast<NormalAttr>(spec);
  Value value = b.create<arith::AddFOp>(
      loc, f64(normal.getMean().convertToDouble()),
      b.create<arith::MulFOp>(loc, f64(normal.getStd().convertToDouble()),
                              emitNormal(b, loc, x, b.getF64Type())));
  // Clipping, as the runtime's std::clamp: max then min, exact.
  if (!normal.getLow().isInfinity())
    value = b.create<arith::MaximumFOp>(
        loc, value, f64(normal.getLow().convertToDouble()));
  if (!normal.getHigh().isInfinity())
    value = b.create<arith::MinimumFOp>(
        loc, value, f64(normal.getHigh().convertToDouble()));
  return value;
}

std::pair<Value, Value> NetworkLowering::emitDelaySteps(Value ms) {
  auto f64 = [&](double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
  };
  double dt = network.getDt().convertToDouble();
  // Half away from zero, as the runtime's std::round, from floor (math.round
  // has no NVVM lowering in MLIR 19): r = floor(|x|), plus 1 when the
  // fraction |x| - r (exact) is at least 1/2, with the sign of x.
  Value x = b.create<arith::DivFOp>(loc, ms, f64(dt));
  Value negative =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, f64(0));
  Value magnitude = b.create<arith::SelectOp>(
      loc, negative, b.create<arith::NegFOp>(loc, x), x);
  Value whole = b.create<math::FloorOp>(loc, magnitude);
  Value up = b.create<arith::CmpFOp>(
      loc, arith::CmpFPredicate::OGE,
      b.create<arith::SubFOp>(loc, magnitude, whole), f64(0.5));
  Value rounded = b.create<arith::AddFOp>(
      loc, whole, b.create<arith::SelectOp>(loc, up, f64(1), f64(0)));
  Value steps = b.create<arith::SelectOp>(
      loc, negative, b.create<arith::NegFOp>(loc, rounded), rounded);
  // Not NaN, not negative, at most INT32_MAX steps (which also rules out
  // infinity).
  Value valid = b.create<arith::AndIOp>(
      loc, b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, ms, f64(0)),
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLE, steps,
                              f64(2147483647.0)));
  return {steps, valid};
}

void NetworkLowering::emitIndegreeKernels(ProjectionInfo &info, size_t e,
                                          json::Object &entry) {
  Type i32Type = b.getI32Type(), i64Type = b.getI64Type();
  FloatType f64Type = b.getF64Type();
  auto i64Memref = MemRefType::get({ShapedType::kDynamic}, i64Type);
  auto i32Memref = MemRefType::get({ShapedType::kDynamic}, i32Type);
  auto conn = cast<FixedIndegreeAttr>(info.op.getConnectivity());
  uint32_t entity = static_cast<uint32_t>(e);
  int64_t npre = spikingByName.lookup(info.op.getPre())->size;
  int64_t npost = populationByName.lookup(info.op.getPost())->op.getSize();
  int64_t k = conn.getK();
  int64_t slots = 2 * k; // per post: an open-addressing table
  bool excludeSelf =
      info.op.getPre() == info.op.getPost() && !conn.getAllowSelf();
  // The scratch: counts i64[npre], cursors i64[npre], then the tables,
  // i32[npost * 2k] (docs/gpu-abi.md, "fixed_indegree").
  entry["scratch"] = 2 * npre + npost * k;
  auto cmp = [&](arith::CmpIPredicate pred, Value x, Value y) {
    return b.create<arith::CmpIOp>(loc, pred, x, y);
  };
  auto add = [&](Value x, Value y) {
    return b.create<arith::AddIOp>(loc, x, y);
  };
  // Per post j: its table, whether it skips itself, and candidate -> neuron.
  struct Post {
    Value j, table, base, skipSelf;
  };
  auto viewAt = [&](Value scratch, MemRefType type, int64_t byteOffset,
                    int64_t size) -> Value {
    return b.create<memref::ViewOp>(loc, type, scratch, index(byteOffset),
                                    ValueRange{index(size)});
  };
  auto beginPost = [&](Value scratch) {
    Post p;
    p.table = viewAt(scratch, i32Memref, 16 * npre, npost * slots);
    Value j = gridLoop(index(npost)).getInductionVar();
    p.j = b.create<arith::IndexCastOp>(loc, i64Type, j);
    p.base = b.create<arith::MulIOp>(loc, p.j, i64(slots));
    p.skipSelf = b.create<arith::ConstantIntOp>(loc, 0, 1);
    if (excludeSelf)
      p.skipSelf = cmp(arith::CmpIPredicate::slt, p.j, i64(npre));
    return p;
  };
  // Candidate c is neuron c, or c + 1 at and after j when j is skipped.
  auto neuronOf = [&](Post &p, Value c) -> Value {
    Value shift = b.create<arith::AndIOp>(
        loc, p.skipSelf, cmp(arith::CmpIPredicate::sge, c, p.j));
    return add(c, b.create<arith::ExtUIOp>(loc, i64Type, shift));
  };
  auto slotAt = [&](Post &p, Value slot) { return toIndex(add(p.base, slot)); };
  // The slot of candidate c in post p's table: where it is, or the empty
  // slot where it belongs (linear probing from c mod 2k).
  auto probe = [&](Post &p, Value c) -> std::pair<Value, Value> {
    Value key = b.create<arith::TruncIOp>(loc, i32Type, add(c, i64(1)));
    Value zero32 = i32(0);
    auto loop = b.create<scf::WhileOp>(
        loc, TypeRange{i64Type},
        ValueRange{b.create<arith::RemSIOp>(loc, c, i64(slots))},
        [&](OpBuilder &, Location, ValueRange args) {
          Value v = b.create<memref::LoadOp>(loc, p.table,
                                             ValueRange{slotAt(p, args[0])});
          Value go = b.create<arith::AndIOp>(
              loc, cmp(arith::CmpIPredicate::ne, v, zero32),
              cmp(arith::CmpIPredicate::ne, v, key));
          b.create<scf::ConditionOp>(loc, go, args);
        },
        [&](OpBuilder &, Location, ValueRange args) {
          Value next = add(args[0], i64(1));
          b.create<scf::YieldOp>(
              loc, ValueRange{b.create<arith::SelectOp>(
                       loc, cmp(arith::CmpIPredicate::eq, next, i64(slots)),
                       i64(0), next)});
        });
    Value slot = loop.getResult(0);
    Value found = cmp(arith::CmpIPredicate::eq,
                      b.create<memref::LoadOp>(loc, p.table,
                                               ValueRange{slotAt(p, slot)}),
                      key);
    return {slot, found};
  };

  // rows: per post j, Floyd's sampling as the host's (runtime-abi.md): for
  // the r-th value m of n - k .. n - 1, t = floor(u * (m + 1)), capped at m;
  // take t unless it was taken, else m. Each pick counts in its row.
  entry["rows"] = emitBuildKernel(
      "rows", e, npost, [&](Value, Value scratch, Value) {
        if (k == 0)
          return;
        Value counts = viewAt(scratch, i64Memref, 0, npre);
        Post p = beginPost(scratch);
        Value candidates = b.create<arith::SubIOp>(
            loc, i64(npre), b.create<arith::ExtUIOp>(loc, i64Type, p.skipSelf));
        Value c0 = b.create<arith::TruncIOp>(loc, i32Type, p.j);
        auto loop = b.create<scf::ForOp>(loc, i64(0), i64(k), i64(1));
        b.setInsertionPointToStart(loop.getBody());
        Value r = loop.getInductionVar();
        Value m = add(b.create<arith::SubIOp>(loc, candidates, i64(k)), r);
        auto x = emitDraw(
            b, loc, seed, c0, b.create<arith::TruncIOp>(loc, i32Type, r),
            b.create<arith::TruncIOp>(
                loc, i32Type, b.create<arith::ShRUIOp>(loc, r, i64(32))),
            entity, RandomPurpose::Connectivity);
        Value u = emitUniform(b, loc, x, f64Type);
        Value scaled = b.create<arith::MulFOp>(
            loc, u,
            b.create<arith::SIToFPOp>(loc, f64Type, add(m, i64(1))));
        Value t = b.create<arith::MinSIOp>(
            loc, b.create<arith::FPToSIOp>(loc, i64Type, scaled), m);
        Value taken = probe(p, t).second;
        Value pick = b.create<arith::SelectOp>(loc, taken, m, t);
        Value slot = probe(p, pick).first;
        b.create<memref::StoreOp>(
            loc, b.create<arith::TruncIOp>(loc, i32Type, add(pick, i64(1))),
            p.table, ValueRange{slotAt(p, slot)});
        b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::addi, i64(1),
                                      counts,
                                      ValueRange{toIndex(neuronOf(p, pick))});
      });

  // fill: per post j, j into the next free slot of each chosen row.
  entry["fill"] = emitBuildKernel(
      "fill", e, npost, [&](Value arenaArg, Value scratch, Value) {
        if (k == 0)
          return;
        arena = arenaArg;
        emitViews();
        Value cursors = viewAt(scratch, i64Memref, 8 * npre, npre);
        Post p = beginPost(scratch);
        Value post = b.create<arith::TruncIOp>(loc, i32Type, p.j);
        auto loop = b.create<scf::ForOp>(loc, i64(0), i64(slots), i64(1));
        b.setInsertionPointToStart(loop.getBody());
        Value v = b.create<memref::LoadOp>(
            loc, p.table, ValueRange{slotAt(p, loop.getInductionVar())});
        auto ifOp = b.create<scf::IfOp>(
            loc, cmp(arith::CmpIPredicate::ne, v, i32(0)),
            /*withElseRegion=*/false);
        b.setInsertionPointToStart(ifOp.thenBlock());
        Value c = b.create<arith::SubIOp>(
            loc, b.create<arith::ExtSIOp>(loc, i64Type, v), i64(1));
        Value row = toIndex(neuronOf(p, c));
        Value at = b.create<memref::AtomicRMWOp>(
            loc, arith::AtomicRMWKind::addi, i64(1), cursors, ValueRange{row});
        store(post, info.col, toIndex(add(load(info.rowPtr, row), at)));
      });

  // sort: each row ascending (heap sort in place: the rows are distinct
  // posts, so any correct sort gives the host's order).
  entry["sort"] = emitBuildKernel(
      "sort", e, npre, [&](Value arenaArg, Value, Value) {
        if (k == 0)
          return;
        arena = arenaArg;
        emitViews();
        Value i = gridLoop(index(npre)).getInductionVar();
        Value first = load(info.rowPtr, i);
        Value length = b.create<arith::SubIOp>(
            loc, load(info.rowPtr, b.create<arith::AddIOp>(loc, i, index(1))),
            first);
        auto at = [&](Value x) { return toIndex(add(first, x)); };
        auto get = [&](Value x) { return load(info.col, at(x)); };
        auto swap = [&](Value x, Value y) {
          Value vx = get(x), vy = get(y);
          store(vy, info.col, at(x));
          store(vx, info.col, at(y));
        };
        // Moves the value at `root` down the heap of [0, end).
        auto siftDown = [&](Value root, Value end) {
          b.create<scf::WhileOp>(
              loc, TypeRange{i64Type, i64Type}, ValueRange{root, i64(0)},
              [&](OpBuilder &, Location, ValueRange args) {
                Value node = args[0];
                Value child = add(
                    b.create<arith::MulIOp>(loc, node, i64(2)), i64(1));
                auto ifOp = b.create<scf::IfOp>(
                    loc, cmp(arith::CmpIPredicate::slt, child, end),
                    [&](OpBuilder &, Location) {
                      Value right = add(child, i64(1));
                      auto pick = b.create<scf::IfOp>(
                          loc, cmp(arith::CmpIPredicate::slt, right, end),
                          [&](OpBuilder &, Location) {
                            b.create<scf::YieldOp>(
                                loc, ValueRange{b.create<arith::SelectOp>(
                                         loc,
                                         cmp(arith::CmpIPredicate::slt,
                                             get(child), get(right)),
                                         right, child)});
                          },
                          [&](OpBuilder &, Location) {
                            b.create<scf::YieldOp>(loc, ValueRange{child});
                          });
                      Value larger = pick.getResult(0);
                      Value down = cmp(arith::CmpIPredicate::slt, get(node),
                                       get(larger));
                      b.create<scf::YieldOp>(loc, ValueRange{down, larger});
                    },
                    [&](OpBuilder &, Location) {
                      b.create<scf::YieldOp>(
                          loc,
                          ValueRange{b.create<arith::ConstantIntOp>(loc, 0, 1),
                                     i64(0)});
                    });
                b.create<scf::ConditionOp>(
                    loc, ifOp.getResult(0),
                    ValueRange{node, ifOp.getResult(1)});
              },
              [&](OpBuilder &, Location, ValueRange args) {
                swap(args[0], args[1]);
                b.create<scf::YieldOp>(loc, ValueRange{args[1], i64(0)});
              });
        };
        // Heapify, then move the largest to the end, len - 1 times.
        Value half = b.create<arith::DivSIOp>(loc, length, i64(2));
        {
          OpBuilder::InsertionGuard inner(b);
          auto loop = b.create<scf::ForOp>(loc, i64(0), half, i64(1));
          b.setInsertionPointToStart(loop.getBody());
          Value root = b.create<arith::SubIOp>(
              loc, b.create<arith::SubIOp>(loc, half, i64(1)),
              loop.getInductionVar());
          siftDown(root, length);
        }
        Value last = b.create<arith::SubIOp>(loc, length, i64(1));
        auto loop = b.create<scf::ForOp>(loc, i64(0), last, i64(1));
        b.setInsertionPointToStart(loop.getBody());
        Value end = b.create<arith::SubIOp>(loc, last, loop.getInductionVar());
        swap(i64(0), end);
        siftDown(i64(0), end);
      });
}

void NetworkLowering::emitBuildFunctions() {
  Type i32Type = b.getI32Type(), i64Type = b.getI64Type();
  auto i64Memref = MemRefType::get({ShapedType::kDynamic}, i64Type);
  for (auto [e, info] : llvm::enumerate(projections)) {
    if (!builtOnDevice(info))
      continue;
    OpBuilder::InsertionGuard guard(b);
    loc = info.op.getLoc();
    uint32_t entity = static_cast<uint32_t>(e);
    int64_t npre = spikingByName.lookup(info.op.getPre())->size;
    Attribute weightSpec = info.op.getWeight(), delaySpec = info.op.getDelay();
    bool deviceWeight = computedOnDevice(weightSpec);
    bool deviceDelay = computedOnDevice(delaySpec);
    json::Object entry{{"projection", info.op.getSymName().str()}};
    json::Array writes{info.col};
    if (deviceWeight)
      writes.push_back(info.weight);
    if (deviceDelay)
      writes.push_back(info.delay);

    auto kernel = [&](StringRef what, int64_t work,
                      llvm::function_ref<void(Value, Value, Value)> body) {
      return emitBuildKernel(what, e, work, body);
    };

    if (isa<FixedIndegreeAttr>(info.op.getConnectivity())) {
      emitIndegreeKernels(info, e, entry);
    } else {
      // rows: the scratch is i64[npre]; scratch[i] = length of row i.
      entry["rows"] = kernel("rows", npre, [&](Value, Value scratch, Value) {
        Value lengths = b.create<memref::ViewOp>(
            loc, i64Memref, scratch, index(0), ValueRange{index(npre)});
        Value i = gridLoop(index(npre)).getInductionVar();
        Value length = emitRow(info, entity, i, nullptr);
        b.create<memref::StoreOp>(loc, length, lengths, ValueRange{i});
      });

      // fill: the arena; the columns of row i from row_ptr[i] on.
      entry["fill"] = kernel("fill", npre, [&](Value arenaArg, Value, Value) {
        arena = arenaArg;
        emitViews();
        Value i = gridLoop(index(npre)).getInductionVar();
        Value base = load(info.rowPtr, i);
        emitRow(info, entity, i, [&](Value k, Value j) {
          Value at = toIndex(b.create<arith::AddIOp>(loc, base, k));
          store(b.create<arith::TruncIOp>(loc, i32Type, j), info.col, at);
        });
      });
    }

    // delays: the scratch is i64[2] = {largest steps, first invalid
    // synapse}.
    if (deviceDelay)
      entry["delays"] = kernel("delays", -1, [&](Value, Value scratch,
                                                 Value n) {
        Value cells = b.create<memref::ViewOp>(
            loc, i64Memref, scratch, index(0), ValueRange{index(2)});
        Value s = gridLoop(toIndex(n)).getInductionVar();
        auto [steps, valid] = emitDelaySteps(
            emitSynapseValue(delaySpec, RandomPurpose::Delay, entity, s));
        auto ifOp = b.create<scf::IfOp>(loc, valid, /*withElseRegion=*/true);
        b.setInsertionPointToStart(ifOp.thenBlock());
        b.create<memref::AtomicRMWOp>(
            loc, arith::AtomicRMWKind::maxs,
            b.create<arith::FPToSIOp>(loc, i64Type, steps), cells,
            ValueRange{index(0)});
        b.setInsertionPointToStart(ifOp.elseBlock());
        b.create<memref::AtomicRMWOp>(
            loc, arith::AtomicRMWKind::mins,
            b.create<arith::IndexCastOp>(loc, i64Type, s), cells,
            ValueRange{index(1)});
      });

    // values: the arena; the weights and delays computed on the device.
    if (deviceWeight || deviceDelay)
      entry["values"] = kernel("values", -1, [&](Value arenaArg, Value,
                                                 Value n) {
        arena = arenaArg;
        emitViews();
        Value s = gridLoop(toIndex(n)).getInductionVar();
        if (deviceWeight) {
          Value w =
              emitSynapseValue(weightSpec, RandomPurpose::Weight, entity, s);
          if (floatType != b.getF64Type())
            w = b.create<arith::TruncFOp>(loc, floatType, w);
          store(w, info.weight, s);
        }
        if (deviceDelay) {
          // The delays kernel has checked every value.
          auto steps = emitDelaySteps(
              emitSynapseValue(delaySpec, RandomPurpose::Delay, entity, s));
          store(b.create<arith::FPToSIOp>(loc, i32Type, steps.first),
                info.delay, s);
        }
      });
    entry["writes"] = std::move(writes);
    buildJSON.push_back(std::move(entry));
  }
}

LogicalResult NetworkLowering::runGPU() {
  MLIRContext *ctx = network.getContext();
  Type i64Type = b.getI64Type(), indexType = b.getIndexType();
  auto arenaType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());

  // The phases as functions of (arena, seed, parity, tid, nthreads).
  struct Phase {
    const char *name;
    void (NetworkLowering::*emit)();
    int64_t work;
    func::FuncOp func;
  };
  int64_t neurons = 1, ringNeurons = 1, propagation = 32, recorded = 1;
  for (Spiking &s : spiking)
    neurons = std::max(neurons, s.size);
  for (Population &pop : populations)
    if (!pop.rings.empty())
      ringNeurons =
          std::max(ringNeurons, static_cast<int64_t>(pop.op.getSize()));
  for (ProjectionInfo &p : projections)
    propagation =
        std::max(propagation, 32 * spikingByName.lookup(p.op.getPre())->size);
  for (StateRecord &r : stateRecords)
    recorded = std::max(recorded, r.size);
  SmallVector<Phase> phases;
  if (!stateRecords.empty())
    phases.push_back({"record", &NetworkLowering::emitPhaseRecord, recorded});
  phases.push_back({"update", &NetworkLowering::emitPhaseUpdate, neurons});
  phases.push_back(
      {"propagate", &NetworkLowering::emitPhasePropagate, propagation});
  phases.push_back({"deliver", &NetworkLowering::emitPhaseDeliver, ringNeurons});

  auto phaseType = b.getFunctionType(
      {arenaType, i64Type, i64Type, indexType, indexType}, {});
  b.setInsertionPoint(network);
  for (Phase &phase : phases) {
    loc = network.getLoc();
    phase.func = b.create<func::FuncOp>(
        loc, (Twine("snn_body_") + phase.name).str(), phaseType);
    phase.func.setPrivate();
    OpBuilder::InsertionGuard guard(b);
    emitPrologue(phase.func);
    (this->*phase.emit)();
    loc = network.getLoc();
    b.create<func::ReturnOp>(loc);
  }
  for (Phase &phase : phases)
    if (failed(simplify(phase.func)))
      return failure();
  emitBuildFunctions();

  // The host emulation of one step: each phase for every thread in turn.
  loc = network.getLoc();
  auto emulate = b.create<func::FuncOp>(
      loc, "snn_emulate_step",
      b.getFunctionType({arenaType, i64Type, i64Type, i64Type}, {}));
  emulate->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                   UnitAttr::get(ctx));
  {
    OpBuilder::InsertionGuard guard(b);
    Block *entry = emulate.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Value threads = toIndex(entry->getArgument(3));
    for (Phase &phase : phases) {
      auto loop = b.create<scf::ForOp>(loc, index(0), threads, index(1));
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(loop.getBody());
      b.create<func::CallOp>(
          loc, phase.func,
          ValueRange{entry->getArgument(0), entry->getArgument(1),
                     entry->getArgument(2), loop.getInductionVar(), threads});
    }
    b.create<func::ReturnOp>(loc);
  }
  // The host emulation of build kernel number `kernel`: (arena, scratch,
  // seed, n, kernel, nthreads).
  auto emulateBuild = b.create<func::FuncOp>(
      loc, "snn_emulate_build",
      b.getFunctionType(
          {arenaType, arenaType, i64Type, i64Type, i64Type, i64Type}, {}));
  emulateBuild->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                        UnitAttr::get(ctx));
  {
    OpBuilder::InsertionGuard guard(b);
    Block *entry = emulateBuild.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Value threads = toIndex(entry->getArgument(5));
    SmallVector<int64_t> cases;
    for (size_t k = 0; k < buildKernels.size(); ++k)
      cases.push_back(static_cast<int64_t>(k));
    auto sw = b.create<scf::IndexSwitchOp>(
        loc, TypeRange{}, toIndex(entry->getArgument(4)), cases, cases.size());
    b.createBlock(&sw.getDefaultRegion());
    b.create<scf::YieldOp>(loc);
    for (auto [k, kernel] : llvm::enumerate(buildKernels)) {
      b.createBlock(&sw.getCaseRegions()[k]);
      auto loop = b.create<scf::ForOp>(loc, index(0), threads, index(1));
      b.create<scf::YieldOp>(loc);
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(loop.getBody());
      b.create<func::CallOp>(
          loc, kernel.body,
          ValueRange{entry->getArgument(0), entry->getArgument(1),
                     entry->getArgument(2), entry->getArgument(3),
                     loop.getInductionVar(), threads});
    }
    b.setInsertionPointAfter(sw);
    b.create<func::ReturnOp>(loc);
  }

  // The kernels: each phase over the grid, and all phases of many steps in
  // one block.
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(ctx));
  auto kernels = b.create<gpu::GPUModuleOp>(loc, "snn_kernels");
  b.setInsertionPointToStart(&kernels.getBodyRegion().front());
  // The phase bodies are inlined into the kernels: (arena, seed) of the
  // kernel, the parity, this thread and the thread count.
  auto inlineBody = [&](func::FuncOp func, ValueRange args) {
    Block &body = func.getBody().front();
    IRMapping map;
    map.map(body.getArguments(), args);
    for (Operation &op : body.without_terminator())
      b.clone(op, map);
  };
  auto inlinePhase = [&](Phase &phase, gpu::GPUFuncOp kernel, Value parityArg,
                         Value t, Value n) {
    inlineBody(phase.func, ValueRange{kernel.getArgument(0),
                                      kernel.getArgument(1), parityArg, t, n});
  };
  // A grid-stride kernel's thread and thread count.
  auto gridThreads = [&]() -> std::pair<Value, Value> {
    Value blockId = b.create<gpu::BlockIdOp>(loc, gpu::Dimension::x);
    Value blockDim = b.create<gpu::BlockDimOp>(loc, gpu::Dimension::x);
    Value threadId = b.create<gpu::ThreadIdOp>(loc, gpu::Dimension::x);
    Value gridDim = b.create<gpu::GridDimOp>(loc, gpu::Dimension::x);
    Value t = b.create<arith::AddIOp>(
        loc, b.create<arith::MulIOp>(loc, blockId, blockDim), threadId);
    return {t, b.create<arith::MulIOp>(loc, gridDim, blockDim)};
  };
  json::Array phasesJSON;
  for (Phase &phase : phases) {
    std::string name = (Twine("snn_phase_") + phase.name).str();
    auto kernel = b.create<gpu::GPUFuncOp>(
        loc, name, b.getFunctionType({arenaType, i64Type, i64Type}, {}));
    kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    UnitAttr::get(ctx));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&kernel.getBody().front());
    auto [t, n] = gridThreads();
    inlinePhase(phase, kernel, kernel.getArgument(2), t, n);
    b.create<gpu::ReturnOp>(loc);
    phasesJSON.push_back(json::Object{
        {"name", phase.name}, {"kernel", name}, {"work", phase.work}});
  }
  {
    // snn_persistent(arena, seed, first, count): one block, steps
    // first .. first + count - 1, a barrier after every phase.
    auto kernel = b.create<gpu::GPUFuncOp>(
        loc, "snn_persistent",
        b.getFunctionType({arenaType, i64Type, i64Type, i64Type}, {}));
    kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    UnitAttr::get(ctx));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&kernel.getBody().front());
    Value t = b.create<gpu::ThreadIdOp>(loc, gpu::Dimension::x);
    Value n = b.create<gpu::BlockDimOp>(loc, gpu::Dimension::x);
    Value first = kernel.getArgument(2);
    auto loop = b.create<scf::ForOp>(loc, i64(0), kernel.getArgument(3),
                                     i64(1));
    {
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(loop.getBody());
      Value s = b.create<arith::AddIOp>(loc, first, loop.getInductionVar());
      Value p = b.create<arith::AndIOp>(loc, s, i64(1));
      for (Phase &phase : phases) {
        inlinePhase(phase, kernel, p, t, n);
        b.create<gpu::BarrierOp>(loc);
      }
    }
    hoistArenaTable(loop);
    b.create<gpu::ReturnOp>(loc);
  }
  // The build kernels: (arena, scratch, seed, n) over the grid.
  for (BuildKernel &k : buildKernels) {
    auto kernel = b.create<gpu::GPUFuncOp>(
        loc, k.name,
        b.getFunctionType({arenaType, arenaType, i64Type, i64Type}, {}));
    kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    UnitAttr::get(ctx));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&kernel.getBody().front());
    auto [t, n] = gridThreads();
    inlineBody(k.body, ValueRange{kernel.getArgument(0), kernel.getArgument(1),
                                  kernel.getArgument(2), kernel.getArgument(3),
                                  t, n});
    b.create<gpu::ReturnOp>(loc);
  }
  gpuJSON["phases"] = std::move(phasesJSON);
  gpuJSON["persistent_kernel"] = "snn_persistent";
  gpuJSON["build"] = std::move(buildJSON);
  return success();
}

LogicalResult NetworkLowering::run() {
  for (auto model : network.getBody().getOps<NeuronModelOp>())
    if (!model.isIntegrated())
      return model.emitOpError("has not been integrated: run snn-integrate "
                               "before convert-snn-to-core");
  if (gpu)
    for (auto op : network.getBody().getOps<ProjectionOp>())
      if (op.getStorage() == StorageKind::procedural)
        return op.emitOpError("procedural storage is not supported on the "
                              "GPU target yet");
  planBuffers();

  MLIRContext *ctx = network.getContext();
  b.setInsertionPoint(network);
  loc = network.getLoc();
  if (gpu) {
    if (failed(runGPU()))
      return failure();
  } else {
    // Two phases, each run by every thread on its share, with a barrier
    // between them (docs/runtime-abi.md, "Threads").
    auto arenaType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
    Type i64Type = b.getI64Type();
    auto funcType = b.getFunctionType(
        {arenaType, i64Type, i64Type, i64Type, i64Type}, {});
    auto begin = [&](StringRef name) {
      auto func = b.create<func::FuncOp>(loc, name, funcType);
      func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    UnitAttr::get(ctx));
      return func;
    };
    auto finish = [&](func::FuncOp func) {
      loc = network.getLoc();
      b.create<func::ReturnOp>(loc);
      b.setInsertionPointAfter(func);
      return simplify(func);
    };
    OpBuilder::InsertionGuard guard(b);
    // 1-2. Update and threshold, fused, per population; then the sources.
    func::FuncOp update = begin("snn_update");
    emitPrologue(update);
    for (Population &pop : populations)
      emitUpdateAndThreshold(pop);
    for (PoissonInfo &p : poissons)
      emitPoissonSource(p.op, *p.spiking, p.rate);
    for (SpikeArrayInfo &s : spikeArrays) {
      // Sequential by nature (a cursor): thread 0 only; the others have
      // no spikes of it.
      loc = s.spiking->op->getLoc();
      Value first = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                            tid, index(0));
      auto ifOp = b.create<scf::IfOp>(loc, first, /*withElseRegion=*/true);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      emitSpikeArraySource(
          *s.spiking, s.times, s.ids, s.cursor, segmentCount(tid),
          b.create<arith::MulIOp>(loc, parity, index(s.spiking->size)),
          [](Value) {});
      b.setInsertionPointToStart(ifOp.elseBlock());
      store(i32(0), s.spiking->spikeCount, segmentCount(tid));
    }
    if (failed(finish(update)))
      return failure();

    func::FuncOp propagate = begin("snn_propagate");
    emitPrologue(propagate);
    // 3. Propagation into the delay rings.
    for (ProjectionInfo &p : projections)
      emitPropagation(p);
    // 4. Delivery of this step's slot.
    for (Ring &ring : rings)
      emitDelivery(ring);
    // 5. Reset.
    for (Population &pop : populations)
      emitReset(pop);
    if (failed(finish(propagate)))
      return failure();
  }

  // The descriptor.
  loc = network.getLoc();
  std::string text = llvm::formatv("{0}", descriptorJSON());
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
  using ConvertSNNToCoreBase::ConvertSNNToCoreBase;
  void runOnOperation() override {
    if (target != "cpu" && target != "gpu") {
      getOperation().emitError("convert-snn-to-core: unknown target '")
          << target << "' (expected 'cpu' or 'gpu')";
      return signalPassFailure();
    }
    SmallVector<NetworkOp> networks(getOperation().getOps<NetworkOp>());
    if (networks.size() > 1) {
      networks[1].emitOpError("a module may hold only one network (the "
                              "simulator exports one snn_step)");
      return signalPassFailure();
    }
    for (NetworkOp network : networks)
      if (failed(NetworkLowering(network, target == "gpu").run()))
        return signalPassFailure();
  }
};


} // namespace
