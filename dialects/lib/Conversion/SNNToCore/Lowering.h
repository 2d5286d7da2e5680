//===- Lowering.h - convert-snn-to-core's shared state ----------*- C++ -*-===//
//
// Part of snnc. The NetworkLowering class of convert-snn-to-core, whose
// methods are defined by family, one file each:
//
//   Plan.cpp         every buffer of the arena and the descriptor
//   NeuronCode.cpp   shared helpers, neuron update and threshold, sources,
//                    reset (the CPU step's snn_update, and the GPU phases')
//   Propagation.cpp  delay rings, propagation (the spike loops), delivery
//   Storage.cpp      the storage kinds, dispatched to one file each:
//   CsrStorage.cpp, ProceduralStorage.cpp, DenseStorage.cpp
//                    a kind's buffers, build kernels and row walks
//   CPUTarget.cpp    the CPU target (Target.h): snn_update, snn_propagate
//   GPUPhases.cpp    the GPU target: the step as phase bodies, marked for
//                    snn-gpu-outline-kernels (GPUKernels/Outline.cpp)
//   DeviceBuild.cpp  connectivity drawn on the device (build kernels)
//   SNNToCore.cpp    the pass, run() and simplification
//
// What differs between the targets is asked of a LoweringTarget (Target.h),
// not branched on.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_CONVERSION_SNNTOCORE_LOWERING_H
#define SNN_CONVERSION_SNNTOCORE_LOWERING_H

#include "Descriptor.h"
#include "LinearUpdateTable.h"
#include "Philox.h"
#include "Target.h"

#include "snn/Dialect/SNN/BinomialTable.h"
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
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <deque>
#include <functional>

namespace mlir::snn::lowering {

namespace json = llvm::json;

/// The buffers a projection of storage `kind` holds besides its row
/// pointers, columns, weights and delays (named `<projection>.<key>` in the
/// plan), which the descriptor lists as the projection's "stored" buffers
/// and its fill kernel writes (Storage.cpp).
ArrayRef<StringRef> storageBuffers(StorageKind kind);

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
inline int64_t stepsOf(double ms, double dt) {
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
  /// CPU: the neurons whose threads' shares this entity's are part of, and
  /// where in them it starts: a merged group's (its size, the population's
  /// offset in it), else its own (size, 0). A thread's share of the entity
  /// is its share of those neurons that fall in it (docs/runtime-abi.md,
  /// "Threads").
  int64_t shareSize = 0, shareOffset = 0;
  uint32_t entity = 0; // RNG entity id: position among populations + sources
  int spikeCount = -1; // buffer ids
  int spikes = -1;
  // GPU target: cumulative count, and device-side spike recording.
  int total = -1;
  int recCount = -1, recIds = -1, recSteps = -1;
};

/// A Poisson input (snn.poisson_input) and the table its draws invert.
struct PoissonInputInfo {
  PoissonInputOp op;
  unsigned variable = 0; // among the target model's variables
  uint32_t entity = 0;   // RNG entity: position among Poisson inputs
  BinomialTable table;
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
  SmallVector<PoissonInputInfo *> poissonInputs;
  /// Whether any projection or Poisson input adds to it.
  bool inputs = false;
  bool resets = false;              // whether the reset changes anything
  int spiked = -1; // GPU: per-neuron flag, reset pending after input
};

/// A merged group (snn.update_group): populations of one code whose neurons
/// are laid end to end in the group's buffers.
struct Group {
  UpdateGroupStepOp op;
  std::string name; // `<first>..<last>`, as its buffers are named
  /// In the group's order; a member's first neuron in the group is its
  /// spiking->shareOffset.
  SmallVector<Population *> members;
  int64_t size = 0;
  /// The members' spike counts and lists, of which each member's are
  /// views, in member order: member k's counts are cells k * C to
  /// k * C + C - 1 (C cells each), its list the list elements of its
  /// neurons (a group's list is as long as a population of its size's).
  int spikeCounts = -1, spikeLists = -1;
  /// The group seen as one population, for the update's code: the model
  /// and parameters of its members, the group's variable and refractory
  /// buffers (neuron i of it is neuron i of the group).
  Population layout;
  /// CPU: the spikes of the update loop, each thread's from the start of
  /// its share, before they go to the members' lists.
  int scratch = -1;
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
  NetworkLowering(NetworkOp network, const LoweringTarget &target)
      : network(network), module(network->getParentOfType<ModuleOp>()),
        floatType(network.getFloatType()), b(network.getContext()),
        target(&target) {}

  /// convert-snn-to-core: the step functions and the descriptor, from the
  /// network's schedule and buffer plan; the network is erased.
  LogicalResult run();
  /// snn-plan-buffers: the buffer plan of the network for this target, as
  /// `snn.arena` at the end of its body.
  LogicalResult writePlan();

private:
  friend class CPUTarget;
  friend class GPUTarget;

  //===--------------------------------------------------------------------===//
  // Descriptor and buffers
  //===--------------------------------------------------------------------===//
  /// What both passes check first: integrated models, projections the
  /// target supports, a schedule for it.
  LogicalResult checkInput(StringRef pass);
  /// The buffer `name` (its id): appended to the plan while planning
  /// (snn-plan-buffers), else taken from the plan (`planned`), whose type
  /// and count must be these.
  /// With `viewOf` >= 0, a view of elements [viewAt, viewAt + count) of
  /// that buffer (snn.buffer ... in "..." at k).
  int addBuffer(std::string name, Type elementType, json::Value count,
                int viewOf = -1, int64_t viewAt = 0) {
    if (!arenaOp) {
      buffers.push_back(
          {std::move(name), elementType, std::move(count), viewOf, viewAt});
      return static_cast<int>(buffers.size()) - 1;
    }
    return usePlanned(name, elementType, count, viewOf, viewAt);
  }
  int usePlanned(StringRef name, Type elementType, const json::Value &count,
                 int viewOf, int64_t viewAt);
public:
  /// The count of an snn.buffer as descriptor JSON, and a type's name there.
  static json::Value countJSON(Attribute count);
  /// Buffer `id` as an entry of the descriptor's `buffers`; a view (of
  /// buffer `viewOf` >= 0, from element `viewAt`) says so.
  static json::Object bufferJSON(int64_t id, StringRef name, Type type,
                                 json::Value count, int64_t viewOf = -1,
                                 int64_t viewAt = 0) {
    json::Object entry{{"id", id},
                       {"name", name.str()},
                       {"type", typeName(type)},
                       {"count", std::move(count)}};
    if (viewOf >= 0)
      entry["view"] = json::Object{{"of", viewOf}, {"at", viewAt}};
    return entry;
  }
  static std::string typeName(Type t) {
    if (t.isF32())
      return "f32";
    if (t.isF64())
      return "f64";
    if (t.isInteger(16))
      return "u16"; // narrow columns, unsigned
    return t.isInteger(32) ? "i32" : "i64";
  }

private:
  /// The planned type of buffer `name`, or null (no plan, or not in it).
  Type plannedType(StringRef name) const;
  /// Reads the plan of `arenaOp` into `buffers`.
  void loadPlan();
  /// The count of a planned buffer as an snn.buffer's count attribute.
  Attribute countAttr(const json::Value &count);
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
  void markParallel(scf::ForOp loop) { target->markParallel(loop); }
  Value toIndex(Value integer) {
    return b.create<arith::IndexCastOp>(loc, b.getIndexType(), integer);
  }
  Value load(int buffer, Value i) {
    return b.create<memref::LoadOp>(loc, view(buffer), ValueRange{i});
  }
  void store(Value v, int buffer, Value i) {
    b.create<memref::StoreOp>(loc, v, view(buffer), ValueRange{i});
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
  /// Whether input may change `variable` of neuron `i` of `pop` now (its
  /// refractory countdown is 0), as an i1; null when the variable is never
  /// held (input always applies).
  Value writable(Population &pop, unsigned variable, Value i);
  /// The sum of the currents into input `input` of neuron `i` of `pop`.
  Value inputValue(Population &pop, unsigned input, Value i);
  /// `variable` of `population` as the previous step left it (its copy,
  /// snn.copy_linked), at neuron `i` (any `i` for a population of size 1).
  Value copiedValue(StringRef population, StringRef variable, Value i);

  /// The lowering's record of projection, Poisson source or spike array
  /// `name` (planned).
  struct ProjectionInfo;
  struct PoissonInfo;
  struct SpikeArrayInfo;
  struct StateRecord;
  ProjectionInfo &projectionNamed(StringRef name);
  /// The lowering's record of merged group `op` (planned).
  Group &groupNamed(UpdateGroupStepOp op) {
    return *groupOfMember
                .lookup(cast<FlatSymbolRefAttr>(op.getPopulations()[0])
                            .getValue())
                .group;
  }
  PoissonInfo *poissonNamed(StringRef name);
  SpikeArrayInfo *spikeArrayNamed(StringRef name);

  /// If `cond`, appends neuron `i` to spike list `spikes` (a buffer) at
  /// position `base + count` (and runs `onSpike`); returns the new count.
  Value appendSpikeIf(Value cond, int spikes, Value base, Value count,
                      Value i, llvm::function_ref<void()> onSpike);

  /// Views of every buffer at the start of `func`, whose first argument is
  /// the arena.
  void emitPrologue(func::FuncOp func);
  /// Starts the views of `arena`'s buffers: the buffer table here; each
  /// buffer's view is made where first asked for (view, viewCount), after
  /// the table and the views made before it, so a function holds the views
  /// it uses, in the order it first uses them.
  void emitViews();
  /// The view (memref<?xT>) of `buffer`, and its element count (index).
  Value view(int buffer) { return bufferView(buffer).first; }
  Value viewCount(int buffer) { return bufferView(buffer).second; }
  std::pair<Value, Value> bufferView(int buffer);

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
  /// Adds every Poisson input of `pop` to neuron `i` (after the rings'
  /// slots, before the reset), under the refractory rule of delivery.
  void emitPoissonInputsAt(Population &pop, Value i);
  /// Number of slots of `ring` (the runtime sized it to 1 + max delay).
  Value ringSlots(Ring &ring);
  /// Offset of the slot `delaySteps` ahead in a ring of `slots` slots over
  /// `postSize` neurons.
  Value slotBase(Value slots, int64_t postSize, Value delaySteps);

  /// CPU: this thread's range [lo, hi) of an entity of `size` neurons.
  std::pair<Value, Value> threadRange(int64_t size, Value thread);
  /// CPU: this thread's share [lo, hi) of the neurons of `s` (a share of
  /// its merged group, when it is in one: Spiking::shareSize).
  std::pair<Value, Value> threadShare(Spiking &s, Value thread);
  /// CPU: where thread `thread`'s spikes of this step start in `s.spikes`,
  /// and where their count is.
  Value segmentStart(Spiking &s, Value thread);
  Value segmentCount(Value thread);

  /// CPU: the update loop of this thread's share of `pop`; with `reset`,
  /// a neuron that spikes is reset in it.
  void emitUpdateAndThreshold(Population &pop, bool reset);
  /// The update of merged group `group` (snn.update_group): one loop over
  /// this thread's share of its neurons, its spikes then handed to their
  /// populations' lists in order (CPU), or a grid-stride loop over all of
  /// them, each spike appended to its population's list (GPU).
  void emitGroupUpdateCPU(Group &group, bool reset);
  void emitGroupUpdateGPU(Group &group, bool reset);
  /// GPU, at group neuron `g` (index): `fn(member, local)` for the member
  /// it belongs to and its index there (one comparison per member, then a
  /// switch).
  void emitGroupDispatch(Group &group, Value g,
                         llvm::function_ref<void(Population &, Value)> fn);
  void emitPoissonSource(PoissonSourceOp op, Spiking &spiking, int rateBuffer);
  /// Emits the due entries of a spike array, from `spikeBase` on; `onEntry`
  /// runs for each with its neuron (i32). The count is stored at
  /// `countIndex`.
  void emitSpikeArraySource(Spiking &spiking, int times, int ids, int cursor,
                            Value countIndex, Value spikeBase,
                            llvm::function_ref<void(Value)> onEntry);
  /// GPU: every spike of `info`'s source, lanes of a group sharing a row
  /// (where the storage lets them), atomically into the ring or the
  /// variables.
  void emitPropagationGPU(ProjectionInfo &info);
  /// CPU: the spikes of `info`'s source, every thread's segment in order,
  /// into the ring entries of this thread's range of the target.
  void emitPropagationCPU(ProjectionInfo &info);
  /// Plasticity (Plasticity.cpp): the buffers of a synapse model's
  /// projection (planBuffers); `on_pre` of synapse `k` (index) to post
  /// neuron `post` (index), its additions to the post neuron made at once;
  /// and the CPU's snn.propagate_post (`on_post` for this thread's post
  /// spikes).
  void planSynapseModel(ProjectionInfo &info, int64_t npost);
  /// `pre` is the synapse's presynaptic neuron (index; needed with pre
  /// traces); `postBefore` gives, for on_post, each post trace's value
  /// before this spike (empty for on_pre).
  void emitSynapseEvent(ProjectionInfo &info, Region &statements, Value post,
                        Value k, Value pre, ArrayRef<Value> postBefore = {});
  /// The parameters of `info`'s synapse model, as constants.
  SmallVector<Value> synapseParams(ProjectionInfo &info);
  /// Advances the event-driven variables `v` of `info`'s model for which
  /// `advances(v)` holds by `elapsed` ms (its `advance` region), in place
  /// in `vars` (a value per model variable).
  void advanceEventDriven(ProjectionInfo &info, MutableArrayRef<Value> vars,
                          Value elapsed,
                          llvm::function_ref<bool(unsigned)> advances);
  /// CPU, snn.traces: the projection's per-neuron traces one step on, and
  /// the pre traces of this step's spikes changed by on_pre.
  void emitTracesCPU(ProjectionInfo &info);
  /// GPU, snn.traces: every per-neuron trace one step on, each pre trace's
  /// value also kept as its value before this step's spike (the
  /// propagation changes the spiking neurons' own: emitPreTraceChanges).
  void emitTracesGPU(ProjectionInfo &info);
  /// The traces `which` (a buffer per model variable, -1 for the others)
  /// of neuron `i` one step on (dt); also stored into `before` (the same
  /// shape) where given.
  /// With ProjectionInfo::epochTraces: by `elapsed` instead, and with
  /// `onlyWhenDue` only when traceEpochDue() holds (else the held values
  /// stay); what `before` gets is then the value (traceValue).
  void advanceTracesAt(ProjectionInfo &info, ArrayRef<int> which, Value i,
                       ArrayRef<int> before = {}, Value elapsed = {},
                       bool onlyWhenDue = false);
  /// (n + 1) mod kTraceEpoch (n this step): the steps since the held
  /// traces' epoch began; 0 when this step ends one (traceEpochDue).
  Value traceEpochStep();
  Value traceEpochDue();
  /// Steps between two advances of held traces (ProjectionInfo::
  /// epochTraces).
  static constexpr int64_t kTraceEpoch = 16;
  /// Trace `v` at `x` advanced by traceEpochStep() steps, or back by as
  /// many (`x` itself without ProjectionInfo::epochTraces).
  Value advanceTraceInEpoch(ProjectionInfo &info, unsigned v, Value x,
                            bool back);
  /// Trace `v`'s value this step from its held value, and the held value
  /// of a value.
  Value traceValue(ProjectionInfo &info, unsigned v, Value held) {
    return advanceTraceInEpoch(info, v, held, /*back=*/false);
  }
  Value traceHeld(ProjectionInfo &info, unsigned v, Value value) {
    return advanceTraceInEpoch(info, v, value, /*back=*/true);
  }
  /// The pre traces of spiking neuron `i` changed by on_pre, from their
  /// values before the spike.
  /// With `keepBefore`, those values are the traces' now, and are kept
  /// (CPU); else they are already kept (GPU: emitTracesGPU).
  void emitPreTraceChanges(ProjectionInfo &info, Value i, bool keepBefore);
  /// The value variable `v` of `info`'s synapse model gets from `region`
  /// (on_pre or on_post) when it is `x` (the hoisting pass checked that
  /// it depends on nothing else but parameters).
  Value traceChange(ProjectionInfo &info, Region &region, unsigned v,
                    Value x);
  /// snn.propagate_post: on_post of each spike of the post population,
  /// this thread's (CPU: its share's, in order; GPU: a grid-stride loop
  /// over the list), each by emitOnPostAt.
  void emitPropagatePostCPU(ProjectionInfo &info);
  void emitPropagatePostGPU(ProjectionInfo &info);
  /// on_post of every synapse into post neuron `j` (index), which spiked,
  /// in the order of their pre neurons (the per-post index), after the post
  /// traces' change.
  void emitOnPostAt(ProjectionInfo &info, Value j);
  /// Prefetches the lines of post neuron `j`'s column (col_syn, col_pre).
  void emitColumnPrefetch(ProjectionInfo &info, Value j);
  /// snn.periodic_step: the `k`-th snn.periodic when it is due, over this
  /// thread's neurons (LoweringTarget::ownNeurons; a projection's: the
  /// synapses into them); returns its work (GPU threads it can use).
  int64_t emitPeriodic(int64_t k);
  /// snn.sample_synapses: when the next step is one of the `k`-th synapse
  /// recording's, the current value of each recorded synapse (this
  /// thread's: CPU, those into its share of the post population), its
  /// event-driven variable advanced to the start of the next step, into
  /// the sample; returns its work.
  int64_t emitSampleSynapses(int64_t k, bool gpu);
  /// snn.clock_synapses: the clock-driven variables of the synapses into
  /// this thread's post neurons a step on; returns its work.
  int64_t emitClockSynapses(ProjectionInfo &info);
  /// snn.snapshot: this thread's neurons' `variable` of `pop` into its
  /// snapshot buffer.
  void emitSnapshot(SnapshotStepOp op);
  /// GPU: a synapse model's propagation: on_pre at the synapses of each
  /// arriving spike (with delays, this step's spikes into the history
  /// first), lanes of a group sharing a row as static propagation does.
  void emitPlasticPropagationGPU(ProjectionInfo &info);
  /// GPU: how the threads share the rows of `info`'s spikes: group `first`
  /// of `stride` groups, lane `lane` of `width` (emitStorageRowGPU).
  struct RowLanes {
    Value first, stride, lane, width;
  };
  RowLanes rowLanes(ProjectionInfo &info);
  /// Snapshot buffers by "<population>.<variable>" (planBuffers).
  llvm::StringMap<int> snapshotBuffers;
  /// The copies populations' links read, by "<population>.<variable>"
  /// (planBuffers), and snn.copy_linked.
  llvm::StringMap<int> linkedBuffers;
  void emitCopyLinked(CopyLinkedStepOp op);
  /// This thread's neurons' `variable` of `population` into buffer `to`,
  /// from element `offset` (index; none: 0) on.
  void emitCopy(StringRef population, StringRef variable, int to,
                Value offset);
  /// CPU: a synapse model's propagation with delays: this thread's spikes
  /// of this step into the history, then, oldest step first, the spikes
  /// that arrive now (those of step n - d at the synapses of delay d).
  void emitDelayedPropagationCPU(ProjectionInfo &info);
  /// The descriptor's entries of a synapse model's projection (snn-describe
  /// writes them from the plan: Describe.cpp).
  /// A read prefetch of `buffer[i]`.
  void prefetch(int buffer, Value i);
  /// Read prefetches of every cache line of `[first, last)` (up to a
  /// bound) in each of the buffers `which` (-1 entries skipped).
  void prefetchLines(ArrayRef<int> which, Value first, Value last);
  /// Before a loop over `numSpikes` spikes of neurons `neuronAt(s)`:
  /// prefetches each neuron's entry of `pointers` (its row's or column's
  /// start), then calls `whole(s)` (prefetching a row or column) for the
  /// first kSpikesAhead spikes; prefetchAhead, in the loop at spike `s`,
  /// calls it for spike s + kSpikesAhead.
  static constexpr int64_t kSpikesAhead = 4;
  void prefetchBeforeSpikes(int pointers, Value numSpikes,
                            llvm::function_ref<Value(Value)> neuronAt,
                            llvm::function_ref<void(Value)> whole);
  void prefetchAhead(Value s, Value numSpikes,
                     llvm::function_ref<void(Value)> whole);

  //===--------------------------------------------------------------------===//
  // Storage kinds: each in its file (CsrStorage.cpp, ProceduralStorage.cpp,
  // DenseStorage.cpp), reached only through the switches of Storage.cpp.
  //===--------------------------------------------------------------------===//
  /// Called for each synapse of a row with its post (index) and its index
  /// in csr order (index; null when neither weight nor delay varies).
  using SynapseFn = llvm::function_ref<void(Value, Value)>;
  /// The buffers of `info`'s storage (planBuffers).
  void planStorage(ProjectionInfo &info, int64_t npre, int64_t npost);
  /// The build kernels that draw `info`'s synapses (any rule but list)
  /// into its storage, into `entry`; the buffers they write into `writes`.
  void emitStorageBuild(ProjectionInfo &info, size_t e, json::Object &entry,
                        json::Array &writes);
  /// CPU, before the loop over a segment's `numSpikes` spiking neurons
  /// (`sourceAt(s)`), and in it at spike `s` (prefetches).
  void emitStorageBeforeSpikesCPU(ProjectionInfo &info, Value numSpikes,
                                  llvm::function_ref<Value(Value)> sourceAt);
  void emitStorageAtSpikeCPU(ProjectionInfo &info, Value s, Value numSpikes,
                             llvm::function_ref<Value(Value)> sourceAt);
  /// CPU: every synapse of row `source` to a post in [lo, hi), ascending
  /// (but for synapse lists, in their order).
  void emitStorageRowCPU(ProjectionInfo &info, Value source, Value lo,
                         Value hi, SynapseFn onSynapse);
  /// GPU: whether the lanes of a group share a row (else one thread walks
  /// each row).
  bool storageLanesShareRow(ProjectionInfo &info);
  /// GPU: lane `lane`'s share of row `source`, `lanes` lanes sharing it.
  void emitStorageRowGPU(ProjectionInfo &info, Value source, Value lane,
                         Value lanes, SynapseFn onSynapse);

  // csr (CsrStorage.cpp)
  void planCsrBuffers(ProjectionInfo &info, int64_t npre, int64_t npost);
  void emitCsrBuild(ProjectionInfo &info, size_t e, json::Object &entry,
                    json::Array &writes);
  void emitCsrRowCPU(ProjectionInfo &info, Value source, Value lo, Value hi,
                     SynapseFn onSynapse);
  /// The synapses at positions [begin, end) of the rows (synapse m, or
  /// synapse positions[m] with a buffer `positions`: increasing within the
  /// stretch) whose post is in [lo, hi): emitCsrRowCPU's walk of a row.
  void emitCsrStretchCPU(ProjectionInfo &info, Value begin, Value end,
                         Value lo, Value hi, int positions,
                         SynapseFn onSynapse);
  void emitCsrRowGPU(ProjectionInfo &info, Value source, Value lane,
                     Value lanes, SynapseFn onSynapse);
  // procedural (ProceduralStorage.cpp)
  void emitProceduralBuild(ProjectionInfo &info, size_t e,
                           json::Object &entry, json::Array &writes);
  void emitProceduralRowCPU(ProjectionInfo &info, Value source, Value lo,
                            Value hi, SynapseFn onSynapse);
  void emitProceduralRowGPU(ProjectionInfo &info, Value source,
                            SynapseFn onSynapse);
  // dense (DenseStorage.cpp)
  void planDenseBuffers(ProjectionInfo &info, int64_t npre, int64_t npost);
  void emitDenseBuild(ProjectionInfo &info, size_t e, json::Object &entry,
                      json::Array &writes);
  /// The fill kernel: each row's words cleared, a bit per drawn synapse.
  json::Object emitDenseFillKernel(ProjectionInfo &info, size_t e);
  /// The columns kernel: the bits read back as post indices into a scratch
  /// (row_ptr, then the columns), for --save-connectivity.
  json::Object emitDenseColumnsKernel(ProjectionInfo &info, size_t e);
  /// A loop over the set bits of `bits` (i64), lowest first:
  /// `body(t, carried)` runs at bit `t` (i64) and returns the next values of
  /// `carried`; returns their last values.
  SmallVector<Value> emitSetBits(
      Value bits, ValueRange carried,
      llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body);
  /// Word `w` (index) of row `source`'s bits (i64).
  Value denseWord(ProjectionInfo &info, Value source, Value w);
  /// The csr index of the synapse at bit `bit` (i64) of `word`, `before`
  /// (i64) synapses preceding the word in its row.
  Value denseSynapseIndex(Value before, Value word, Value bit);
  void emitDenseRowCPU(ProjectionInfo &info, Value source, Value lo, Value hi,
                       SynapseFn onSynapse);
  void emitDenseRowGPU(ProjectionInfo &info, Value source, Value lane,
                       Value lanes, SynapseFn onSynapse);

  /// CPU, stored rows: prefetches the row pointers of the `numSpikes`
  /// spiking neurons `sourceAt(s)` and the first rows; then, in the loop
  /// over them at spike `s`, the row some spikes ahead (emitRowPrefetch:
  /// the lines of one row).
  void emitRowPrefetch(ProjectionInfo &info, Value source);
  void emitRowPrefetchesBefore(ProjectionInfo &info, Value numSpikes,
                               llvm::function_ref<Value(Value)> sourceAt);
  void emitRowPrefetchAhead(ProjectionInfo &info, Value s, Value numSpikes,
                            llvm::function_ref<Value(Value)> sourceAt);
  /// Where projection `info`'s synapses add into its ring this step.
  struct SynapseSlots {
    int64_t postSize = 0;
    Value slots;        // number of slots of the ring
    Value constantBase; // the slot's first element, with a constant delay
    Value stepSlot;     // step mod slots, with per-synapse delays
  };
  SynapseSlots synapseSlots(ProjectionInfo &info);
  /// The first element of synapse `k`'s slot.
  Value synapseBase(const SynapseSlots &slots, ProjectionInfo &info, Value k);
  /// Synapse `k` of `info` (to `post`, index) adds `weight`: into its ring
  /// slot, or, without a ring, into the target variable unless that is
  /// clamped and `post` refractory (as delivery would). Atomic on the GPU.
  void emitArrival(ProjectionInfo &info, const SynapseSlots &slots,
                   Value post, Value weight, Value k);
  /// `scf.if lo <= post < hi` (no results); the builder is left in it.
  scf::IfOp ifInShare(Value post, Value lo, Value hi);
  /// Element `i` of integer buffer `buffer` as an index; an i16 buffer
  /// (u16 in the descriptor: narrow columns) is read unsigned.
  Value loadIndex(int buffer, Value i);
  /// Post index `j` (any integer type) as `info`'s columns hold it: i32, or
  /// u16 for a target of at most 65536 neurons (docs/runtime-abi.md).
  Value columnValue(ProjectionInfo &info, Value j);
  /// The first k in [begin, end) with buffer[k] >= key (an integer buffer
  /// sorted in that range, read by loadIndex), or end.
  Value lowerBound(int buffer, Value begin, Value end, Value key);
  /// The same with the value at position k given by `keyAt(k)`.
  Value lowerBound(llvm::function_ref<Value(Value)> keyAt, Value begin,
                   Value end, Value key);
  /// CPU: this step's slot of every ring into `pop` and its Poisson inputs,
  /// one loop.
  void emitDelivery(Population &pop);
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
  /// CPU target: snn_update and snn_propagate (CPUTarget.cpp), from the
  /// schedule's phases; with more than `inlineLimit` projections, a
  /// function per projection.
  LogicalResult emitCPUStep(int64_t inlineLimit);
  /// CPU: the code of step op `op` for this thread's share.
  void emitStepOpCPU(Operation *op);
  /// GPU: the code of step op `op`, grid-stride loops; returns its work
  /// (threads it can keep busy).
  int64_t emitStepOpGPU(Operation *op);
  void emitSampleGPU(StateRecord &r);
  void emitUpdateGPU(Population &pop, bool reset);
  void emitSourceGPU(Spiking &s);
  void emitDeliverGPU(Population &pop, bool reset);
  void emitResetGPU(Population &pop);
  /// GPU, snn.end_step (thread 0): the step counter, the spike totals and
  /// the state recordings' sample counts.
  void emitEndOfStepGPU();
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
  /// The descriptor's "init" (CPU) or "gpu.init": one entry per buffer whose
  /// values an init kernel draws.
  json::Array initJSON;
  /// The rows kernel of projection `e` (rules drawn row by row): scratch
  /// i64[npre], the length of each row.
  json::Object emitRowsKernel(ProjectionInfo &info, size_t e);
  /// A columns kernel's scratch (i64 words): its row pointers (npre + 1,
  /// the runtime's) and its `n` columns.
  std::pair<Value, Value> columnsScratch(Value scratch, int64_t npre, Value n);
  /// Row `source`'s first synapse and the next row's (indices), from its
  /// row pointers.
  std::pair<Value, Value> rowBounds(ProjectionInfo &info, Value source);
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
  /// The kernels that draw fixed_total_number projection `info` (rows and
  /// fill over the synapse draws, the kept scratch holding counts and
  /// cursors); returns its sort kernel's entry.
  json::Object emitTotalNumberKernels(ProjectionInfo &info, size_t e,
                                      json::Object &entry);
  /// The kernel that sorts every row of `info` ascending (nothing when
  /// `empty`).
  json::Object emitSortKernel(ProjectionInfo &info, size_t e, bool empty);
  /// Emits the synapses of row `i` (index) of projection `info`: calls
  /// `onSynapse(k, j)` for the k-th synapse (i64) to post `j` (i64), in
  /// ascending order, when given; returns the row's length (i64).
  Value emitRow(ProjectionInfo &info, uint32_t entity, Value i,
                llvm::function_ref<void(Value, Value)> onSynapse);
  /// The value of `spec` (uniform or normal) for synapse `s` (index) of
  /// projection `entity`, as f64.
  Value emitSynapseValue(Attribute spec, RandomPurpose purpose,
                         uint32_t entity, Value s, Value c2 = Value());
  /// The value of `spec` (uniform or normal) at draw (entity, c0, c1, 0) of
  /// `purpose` (c0, c1: i32), as f64.
  Value emitDrawnValue(Attribute spec, RandomPurpose purpose, uint32_t entity,
                       Value c0, Value c1, Value c2 = Value());
  /// The init kernel snn_build_init_<buffer>: the `size` values of `spec`
  /// into `buffer`, value i at draw (entity, i, c1, 0) of `purpose`; its
  /// entry goes to initJSON.
  void emitInitKernel(int buffer, Attribute spec, RandomPurpose purpose,
                      uint32_t entity, uint32_t c1, int64_t size);
  /// The init kernels of every drawn initial value, Poisson rate and
  /// current amplitude (one source for each draw: the runtime draws none).
  void emitInitFunctions();
  /// round(ms / dt) as f64, and whether it is a valid delay.
  std::pair<Value, Value> emitDelaySteps(Value ms);
  /// The build kernels' bodies and descriptor entries (connectivity, then
  /// the init kernels).
  void emitBuildFunctions();
  /// CPU: snn_build(arena, scratch, seed, n, kernel, tid, nthreads), which
  /// runs build kernel number `kernel` as thread `tid` of `nthreads`.
  void emitBuildDispatcher();
  /// Folds parameters, expands propagators; fails on a non-constant
  /// Jacobian.
  LogicalResult simplify(func::FuncOp func);
  json::Value descriptorJSON();

  NetworkOp network;
  /// The network's step (snn-schedule-step), and the populations whose
  /// delivery resets them.
  ScheduleOp schedule;
  llvm::StringSet<> resetInDelivery;
  ModuleOp module;
  FloatType floatType;
  OpBuilder b;
  Location loc = UnknownLoc::get(network.getContext());

  struct BufferDecl {
    std::string name;
    Type type;
    json::Value count;
    /// A view: the buffer it is in (id) and its first element there.
    int viewOf = -1;
    int64_t viewAt = 0;
  };
  std::vector<BufferDecl> buffers;
  // convert-snn-to-core: the plan (snn.arena), its buffers by name, which of
  // them the lowering took, and whether the plan did not fit.
  ArenaOp arenaOp;
  SmallVector<BufferOp> plannedOps;
  llvm::StringMap<int> plannedByName;
  std::vector<bool> plannedUsed;
  bool planMismatch = false;
  // The function's buffer table, where its views go, and those made.
  Value bufferTable;
  Operation *lastView = nullptr;
  DenseMap<int, std::pair<Value, Value>> views; // buffer -> (view, count)
  Value arena, step, stepIndex, seed;
  const LoweringTarget *target;
  // GPU target: the step's parity (index) and its complement, this thread
  // and the number of threads (index).
  Value parity, other, tid, nthreads;
  int stepCells = -1;
  struct StateRecord {
    Population *population = nullptr; // null: a synapse recording's sample
    int variable = -1; // buffer
    int64_t every = 1, size = 0;
    int neurons = -1, samples = -1, values = -1;
  };
  std::vector<StateRecord> stateRecords;
  /// The synapse recordings (snn.record_synapse_state), in order: the
  /// recorded synapses' positions in the rows (i64, the runtime's) and the
  /// sample of their values.
  struct SynapseRecord {
    RecordSynapseStateOp op;
    int synapses = -1, sample = -1;
  };
  std::vector<SynapseRecord> synapseRecords;
  json::Object gpuJSON;
  json::Array gpuSpikesJSON, gpuStateJSON; // device-side recordings

  std::deque<Spiking> spiking;
  llvm::StringMap<Spiking *> spikingByName;
  std::deque<Population> populations;
  llvm::StringMap<Population *> populationByName;
  std::deque<Group> groups;
  /// The group of each merged population, from the schedule, its place
  /// among the members and its first neuron in the group (planBuffers).
  struct GroupPlace {
    Group *group;
    int64_t index, offset;
  };
  llvm::StringMap<GroupPlace> groupOfMember;
  std::deque<Ring> rings;
  llvm::StringMap<Ring *> ringByName;

  struct Current {
    CurrentOp op;
    uint32_t entity;
    int amplitude = -1; // buffer, when not constant
  };
  std::vector<Current> currents;
  std::deque<PoissonInputInfo> poissonInputs;
  struct ProjectionInfo {
    ProjectionOp op;
    int rowPtr = -1, col = -1, weight = -1, delay = -1;
    Population *post = nullptr;
    unsigned variable = 0; // the target, among post's model variables
    /// The ring the weights go through; none when the delay is 0 steps
    /// (a constant): then they are added to the target variable at once.
    Ring *ring = nullptr;
    uint32_t entity = 0; // RNG entity: position among projections
    StorageKind storage = StorageKind::csr;
    /// Dense storage: the rows of bits, words of 64 post neurons each.
    int mask = -1;
    int64_t maskWords = 0; // words per row
    /// A synapse model's projection (Plasticity.cpp): the model, a buffer
    /// per synapse variable (the weight's is `weight`), the step of each
    /// synapse's last event (when it has event-driven variables), the
    /// per-post index (when it has on_post), and the post variables its
    /// statements read and add to.
    SynapseModelOp synapse;
    SmallVector<int> synapseVariables;
    int lastUpdate = -1, colPtr = -1, colSyn = -1;
    /// With a delay that is not 0 steps: the presynaptic spikes of the last
    /// `slots` steps (slots = 1 + the largest delay), slot k holding the
    /// thread counts then the spike lists of the steps s with s mod slots
    /// = k (`kMaxThreads + pre size` elements), so that on_pre runs when a
    /// spike arrives, with the synapse's state then.
    int history = -1;
    SmallVector<unsigned> postReads, postTargets;
    /// Per link of the model: the snapshot buffer it reads, and whether it
    /// has a value per post neuron (else one for all).
    SmallVector<std::pair<int, bool>> links;
    /// Per model variable, its per-neuron trace buffers (-1 when it is per
    /// synapse): a pre trace's value and its value before this step's spike
    /// (what on_pre reads), a post trace's value; and, for on_post reading
    /// pre traces, the pre neuron of each entry of the per-post index.
    SmallVector<int> preTrace, preBefore, postTrace;
    int colPre = -1;
    /// CPU, per-synapse delays: the row's positions ordered by delay (the
    /// runtime sorts each row stably by its delays at start-up), so that
    /// the synapses a spike reaches d steps later are one stretch of it.
    int delaySyn = -1;
    /// The per-neuron traces are held as their values at the last step n
    /// with (n + 1) mod kTraceEpoch = 0 (snn.traces steps them on only
    /// then, by kTraceEpoch steps): a trace's value at step n is the held
    /// one advanced by (n + 1) mod kTraceEpoch steps (traceValue), and a
    /// changed value is held advanced back as far (traceHeld). Set when
    /// each trace's advance reads no other variable and an epoch's advance
    /// back stays far from overflow (planSynapseModel).
    bool epochTraces = false;
    /// The copies (snapshots) of the presynaptic variables the statements
    /// read, in the model's pre_reads order.
    SmallVector<int> preReads;
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

  // The network's part of the descriptor (snn-describe).
  DescriptorOp descriptorOp;
};

/// A descriptor attribute (snn.descriptor) as JSON, and back (integers stay
/// integers, doubles doubles: the JSON text is the same both ways).
json::Value attributeToJSON(Attribute attr);
Attribute attributeFromJSON(Builder &b, const json::Value &value);
/// snn-describe: writes snn.descriptor for `network` from its plan.
LogicalResult describeNetwork(NetworkOp network);

} // namespace mlir::snn::lowering

#endif // SNN_CONVERSION_SNNTOCORE_LOWERING_H
