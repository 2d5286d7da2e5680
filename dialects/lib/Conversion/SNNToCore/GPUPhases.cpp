//===- GPUPhases.cpp - the GPU step -------------------------------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "snn/Conversion/GPUKernels.h"

namespace mlir::snn::lowering {

scf::ForOp NetworkLowering::gridLoop(Value extent) {
  auto loop = b.create<scf::ForOp>(loc, tid, extent, nthreads);
  b.setInsertionPointToStart(loop.getBody());
  return loop;
}

Value NetworkLowering::atomicAdd(int buffer, Value index, Value amount) {
  return b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::addi, amount,
                                       view(buffer), ValueRange{index});
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

void NetworkLowering::emitSampleGPU(StateRecord &r) {
  loc = r.population ? r.population->op.getLoc() : network.getLoc();
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

void NetworkLowering::emitUpdateGPU(Population &pop, bool reset) {
  loc = pop.op.getLoc();
  OpBuilder::InsertionGuard guard(b);
  Value i = gridLoop(index(pop.op.getSize())).getInductionVar();
  Updated u = emitNeuronStep(pop, i);
  appendSpikeAtomic(u.spike, *pop.spiking, i, [&] {
    if (pop.refractory >= 0)
      store(refractoryConstant(pop, pop.refractorySteps), pop.refractory, i);
    // Reset here (nothing comes between the threshold and the reset), or
    // remember the spike for the delivery's reset.
    if (reset)
      emitResetAt(pop, i, u.next);
    else if (pop.spiked >= 0)
      store(i32(1), pop.spiked, i);
  });
}

void NetworkLowering::emitGroupDispatch(
    Group &group, Value g, llvm::function_ref<void(Population &, Value)> fn) {
  // The member: how many members after the first start at or before g.
  Value k = index(0);
  for (Population *member : ArrayRef(group.members).drop_front()) {
    Value past = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge, g,
                                         index(member->spiking->shareOffset));
    k = b.create<arith::AddIOp>(
        loc, k, b.create<arith::IndexCastUIOp>(loc, b.getIndexType(), past));
  }
  SmallVector<int64_t> cases;
  for (size_t j = 0; j < group.members.size(); ++j)
    cases.push_back(static_cast<int64_t>(j));
  auto sw = b.create<scf::IndexSwitchOp>(loc, TypeRange{}, k, cases,
                                         cases.size());
  OpBuilder::InsertionGuard guard(b);
  b.createBlock(&sw.getDefaultRegion());
  b.create<scf::YieldOp>(loc); // no such member
  for (auto [j, member] : llvm::enumerate(group.members)) {
    b.createBlock(&sw.getCaseRegions()[j]);
    fn(*member, b.create<arith::SubIOp>(loc, g, index(member->spiking->shareOffset)));
    b.create<scf::YieldOp>(loc);
  }
}

void NetworkLowering::emitGroupUpdateGPU(Group &group, bool reset) {
  loc = group.op.getLoc();
  Population &layout = group.layout;
  OpBuilder::InsertionGuard guard(b);
  Value g = gridLoop(index(group.size)).getInductionVar();
  Updated u = emitNeuronStep(layout, g);
  auto ifOp = b.create<scf::IfOp>(loc, u.spike, /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifOp.thenBlock());
  emitGroupDispatch(group, g, [&](Population &member, Value local) {
    Value always = b.create<arith::ConstantOp>(loc, b.getBoolAttr(true));
    appendSpikeAtomic(always, *member.spiking, local, [&] {
      // Remember the spike for the delivery's reset.
      if (!reset && member.spiked >= 0)
        store(i32(1), member.spiked, local);
    });
  });
  if (layout.refractory >= 0)
    store(refractoryConstant(layout, layout.refractorySteps),
          layout.refractory, g);
  if (reset)
    emitResetAt(layout, g, u.next);
}

void NetworkLowering::emitSourceGPU(Spiking &s) {
  loc = s.op->getLoc();
  OpBuilder::InsertionGuard guard(b);
  if (PoissonInfo *p = poissonNamed(s.name)) {
    Value i = gridLoop(index(s.size)).getInductionVar();
    appendSpikeAtomic(emitPoissonSpike(p->op, s, p->rate, i), s, i, [] {});
    return;
  }
  // A spike array is sequential by nature (a cursor): thread 0 only.
  SpikeArrayInfo *a = spikeArrayNamed(s.name);
  Value first =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, tid, index(0));
  auto ifOp = b.create<scf::IfOp>(loc, first, /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifOp.thenBlock());
  emitSpikeArraySource(s, a->times, a->ids, a->cursor, parity, index(0),
                       [&](Value neuron) { recordSpike(s, neuron); });
}

void NetworkLowering::emitDeliverGPU(Population &pop, bool reset) {
  loc = pop.op.getLoc();
  SmallVector<Value> bases;
  for (Ring *ring : pop.rings)
    bases.push_back(ringBase(*ring));
  OpBuilder::InsertionGuard guard(b);
  Value i = gridLoop(index(pop.op.getSize())).getInductionVar();
  for (auto [ring, base] : llvm::zip(pop.rings, bases))
    emitDeliveryAt(*ring, i, base);
  emitPoissonInputsAt(pop, i);
  loc = pop.op.getLoc();
  if (!reset)
    return;
  // The reset of the neurons that spiked, after their input.
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

void NetworkLowering::emitResetGPU(Population &pop) {
  if (!pop.resets)
    return; // the reset yields its arguments unchanged
  // Every neuron in this step's spike list (complete: the update was an
  // earlier phase).
  loc = pop.op.getLoc();
  OpBuilder::InsertionGuard guard(b);
  Value count = toIndex(load(pop.spiking->spikeCount, parity));
  Value s = gridLoop(count).getInductionVar();
  Value i = toIndex(load(pop.spiking->spikes, s));
  SmallVector<Value> vars;
  for (int buffer : pop.variables)
    vars.push_back(load(buffer, i));
  emitResetAt(pop, i, vars);
}

void NetworkLowering::emitEndOfStepGPU() {
  // Thread 0: snn.end_step comes a phase after every spike append and
  // sample of the step, and nobody else touches these cells in its phase.
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

int64_t NetworkLowering::emitStepOpGPU(Operation *op) {
  if (auto sample = dyn_cast<SampleStepOp>(op)) {
    StateRecord &r = stateRecords[sample.getRecord()];
    emitSampleGPU(r);
    return r.size;
  }
  if (auto update = dyn_cast<UpdateStepOp>(op)) {
    Population &pop = *populationByName.lookup(update.getPopulation());
    emitUpdateGPU(pop, update.getReset());
    return pop.op.getSize();
  }
  if (auto update = dyn_cast<UpdateGroupStepOp>(op)) {
    Group &group = groupNamed(update);
    emitGroupUpdateGPU(group, update.getReset());
    return group.size;
  }
  if (auto emit = dyn_cast<EmitStepOp>(op)) {
    Spiking &s = *spikingByName.lookup(emit.getSource());
    emitSourceGPU(s);
    return s.size;
  }
  if (auto propagate = dyn_cast<PropagateStepOp>(op)) {
    ProjectionInfo &info = projectionNamed(propagate.getProjection());
    emitPropagationGPU(info);
    // A group of 32 lanes per spike.
    return 32 * spikingByName.lookup(info.op.getPre())->size;
  }
  if (auto deliver = dyn_cast<DeliverStepOp>(op)) {
    Population &pop = *populationByName.lookup(deliver.getPopulation());
    emitDeliverGPU(pop, deliver.getReset());
    return pop.op.getSize();
  }
  if (isa<EndStepOp>(op)) {
    emitEndOfStepGPU();
    return 1;
  }
  if (auto post = dyn_cast<PropagatePostStepOp>(op)) {
    ProjectionInfo &info = projectionNamed(post.getProjection());
    emitPropagatePostGPU(info);
    return info.post->op.getSize();
  }
  if (auto traces = dyn_cast<TracesStepOp>(op)) {
    ProjectionInfo &info = projectionNamed(traces.getProjection());
    emitTracesGPU(info);
    return std::max<int64_t>(spikingByName.lookup(info.op.getPre())->size,
                             info.post->op.getSize());
  }
  if (auto snapshot = dyn_cast<SnapshotStepOp>(op)) {
    emitSnapshot(snapshot);
    return populationByName.lookup(snapshot.getPopulation())->op.getSize();
  }
  if (auto periodic = dyn_cast<PeriodicStepOp>(op))
    return emitPeriodic(periodic.getIndex());
  if (auto sample = dyn_cast<SampleSynapsesStepOp>(op))
    return emitSampleSynapses(sample.getRecord(), /*gpu=*/true);
  if (auto clock = dyn_cast<ClockSynapsesStepOp>(op))
    return emitClockSynapses(projectionNamed(clock.getProjection()));
  if (auto copy = dyn_cast<CopyLinkedStepOp>(op)) {
    emitCopyLinked(copy);
    return populationByName.lookup(copy.getPopulation())->op.getSize();
  }
  auto reset = cast<ResetStepOp>(op);
  Population &pop = *populationByName.lookup(reset.getPopulation());
  emitResetGPU(pop);
  return pop.op.getSize();
}

LogicalResult NetworkLowering::runGPU() {
  Type i64Type = b.getI64Type(), indexType = b.getIndexType();
  auto arenaType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());

  // The phases of the schedule as functions of (arena, seed, parity, tid,
  // nthreads).
  struct Phase {
    std::string name;
    int64_t work = 1;
    func::FuncOp func;
  };
  auto phaseType = b.getFunctionType(
      {arenaType, i64Type, i64Type, indexType, indexType}, {});
  b.setInsertionPoint(network);
  SmallVector<Phase> phases;
  SmallVector<PhaseOp> phaseOps(schedule.getPhases());
  for (PhaseOp phaseOp : phaseOps) {
    Phase &phase = phases.emplace_back();
    phase.name = phaseOp.getName().str();
    loc = network.getLoc();
    phase.func = b.create<func::FuncOp>(
        loc, gpu_kernels::phaseBodyName(phase.name), phaseType);
    phase.func.setPrivate();
    OpBuilder::InsertionGuard guard(b);
    emitPrologue(phase.func);
    for (Operation &op : phaseOp.getBody().front())
      phase.work = std::max(phase.work, emitStepOpGPU(&op));
    loc = network.getLoc();
    b.create<func::ReturnOp>(loc);
  }
  for (Phase &phase : phases)
    if (failed(simplify(phase.func)))
      return failure();
  emitBuildFunctions();

  // The kernels, the persistent kernel and the host emulation are made of
  // these bodies by snn-gpu-outline-kernels, under the names the descriptor
  // gives here (docs/gpu-abi.md).
  json::Array phasesJSON;
  for (auto [k, phase] : llvm::enumerate(phases)) {
    phase.func->setAttr(gpu_kernels::kPhaseAttr, b.getStringAttr(phase.name));
    phase.func->setAttr(gpu_kernels::kPhaseIndexAttr,
                        b.getI64IntegerAttr(static_cast<int64_t>(k)));
    phasesJSON.push_back(
        json::Object{{"name", phase.name},
                     {"kernel", gpu_kernels::phaseKernelName(phase.name)},
                     {"work", phase.work}});
  }
  for (auto [k, kernel] : llvm::enumerate(buildKernels)) {
    kernel.body->setAttr(gpu_kernels::kBuildKernelAttr,
                         b.getStringAttr(kernel.name));
    kernel.body->setAttr(gpu_kernels::kBuildIndexAttr,
                         b.getI64IntegerAttr(static_cast<int64_t>(k)));
  }
  gpuJSON["phases"] = std::move(phasesJSON);
  gpuJSON["persistent_kernel"] = gpu_kernels::kPersistentKernel;
  gpuJSON["build"] = std::move(buildJSON);
  if (!initJSON.empty())
    gpuJSON["init"] = std::move(initJSON);
  return success();
}

//===----------------------------------------------------------------------===//
// The GPU target
//===----------------------------------------------------------------------===//

class GPUTarget final : public LoweringTarget {
public:
  StringRef name() const override { return "gpu"; }
  // Double-buffered by step parity (docs/gpu-abi.md).
  int64_t spikeCountCells() const override { return 2; }
  int64_t spikeListLength(int64_t size) const override { return size; }
  int64_t historyCells() const override { return 1; }

  scf::ForOp ownNeurons(NetworkLowering &l, Spiking &s,
                        bool) const override {
    return l.gridLoop(l.index(s.size));
  }

  std::optional<std::string> unsupported(ProjectionOp op) const override;

  void planSpiking(NetworkLowering &l, Spiking &s) const override {
    s.total = l.addBuffer(s.name + ".total", l.b.getI64Type(), 1);
  }

  void planStep(NetworkLowering &l) const override {
    l.stepCells = l.addBuffer("snn.step", l.b.getI64Type(), 2);
    // A population reset in its delivery (after its input) remembers who
    // spiked.
    for (Population &pop : l.populations)
      if (l.resetInDelivery.contains(pop.op.getSymName()))
        pop.spiked = l.addBuffer(pop.spiking->name + ".spiked",
                                 l.b.getI32Type(), pop.op.getSize());
  }

  void planSpikeRecord(NetworkLowering &l, Spiking &s) const override {
    if (s.recCount >= 0)
      return; // recorded twice
    Type i32Type = l.b.getI32Type();
    json::Object capacity{{"record_spikes", s.name}};
    s.recCount = l.addBuffer(s.name + ".rec_count", i32Type, 1);
    s.recIds = l.addBuffer(s.name + ".rec_ids", i32Type,
                           json::Object(capacity));
    s.recSteps = l.addBuffer(s.name + ".rec_steps", i32Type,
                             json::Object(capacity));
    l.gpuSpikesJSON.push_back(json::Object{{"population", s.name},
                                           {"count", s.recCount},
                                           {"ids", s.recIds},
                                           {"steps", s.recSteps}});
  }

  void planStateRecord(NetworkLowering &l, RecordStateOp op) const override {
    Population *pop = l.populationByName.lookup(op.getPopulation());
    // No neurons listed means all of them (as the runtime reads it).
    addStateRecord(l, pop,
                   pop->variables[pop->model.lookupVariable(op.getVariable())],
                   static_cast<int64_t>(op.getEvery()),
                   op.getNeurons().empty()
                       ? pop->op.getSize()
                       : static_cast<int64_t>(op.getNeurons().size()));
  }

  void planSynapseRecord(NetworkLowering &l, RecordSynapseStateOp op,
                         int sample, int64_t size) const override {
    // A state recording of the sample buffer (its elements 0 .. size - 1):
    // the record phase copies it at the start of each due step.
    addStateRecord(l, nullptr, sample, static_cast<int64_t>(op.getEvery()),
                   size);
  }

  /// The device-side buffers of the next state recording: `size` elements
  /// of `variable` (of `pop`, or a synapse recording's sample when null)
  /// every `every` steps.
  static void addStateRecord(NetworkLowering &l, Population *pop,
                             int variable, int64_t every, int64_t size) {
    int64_t k = static_cast<int64_t>(l.stateRecords.size());
    std::string name = "record" + std::to_string(k);
    NetworkLowering::StateRecord &r = l.stateRecords.emplace_back();
    r.population = pop;
    r.variable = variable;
    r.every = every;
    r.size = size;
    r.neurons = l.addBuffer(name + ".neurons", l.b.getI32Type(), r.size);
    r.samples = l.addBuffer(name + ".samples", l.b.getI64Type(), 1);
    r.values = l.addBuffer(name + ".values", l.floatType,
                           json::Object{{"record_state", k}});
    l.gpuStateJSON.push_back(json::Object{{"record", k},
                                          {"neurons", r.neurons},
                                          {"samples", r.samples},
                                          {"values", r.values}});
  }

  void bindArguments(NetworkLowering &l, Block *entry) const override {
    // (arena, seed, parity, tid, nthreads); the step is on the device.
    l.seed = entry->getArgument(1);
    l.parity = l.toIndex(entry->getArgument(2));
    l.other = l.b.create<arith::SubIOp>(l.loc, l.index(1), l.parity);
    l.tid = entry->getArgument(3);
    l.nthreads = entry->getArgument(4);
    l.emitViews();
    l.step = l.load(l.stepCells, l.parity);
    l.stepIndex = l.toIndex(l.step);
  }

  void accumulate(OpBuilder &b, Location loc, Value memref, Value index,
                  Value amount) const override {
    b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::addf, amount,
                                  memref, ValueRange{index});
  }

  LogicalResult emitStep(NetworkLowering &l) const override {
    json::Array totals;
    for (Spiking &s : l.spiking)
      totals.push_back(
          json::Object{{"population", s.name}, {"buffer", s.total}});
    l.gpuJSON = json::Object{{"step", l.stepCells},
                             {"batch_steps", 1000},
                             {"totals", std::move(totals)},
                             {"record_spikes", std::move(l.gpuSpikesJSON)},
                             {"record_state", std::move(l.gpuStateJSON)}};
    return l.runGPU();
  }

  void describe(NetworkLowering &l, json::Object &descriptor) const override {
    descriptor["gpu"] = std::move(l.gpuJSON);
  }
};

std::optional<std::string> GPUTarget::unsupported(ProjectionOp op) const {
  if (!op.isPlastic())
    return std::nullopt;
  auto model =
      SymbolTable::lookupNearestSymbolFrom<SynapseModelOp>(op,
                                                           op.getSynapseAttr());
  if (!model || model.getPostReads().empty())
    return std::nullopt;
  // The statements of the step's synapses run at once on the GPU: one that
  // reads a post variable that synapses add to as they run (at propagation
  // or on_post) would see some of the additions, in no fixed order.
  auto network = op->getParentOfType<NetworkOp>();
  for (auto other : network.getBody().getOps<ProjectionOp>()) {
    if (other.getPost() != op.getPost())
      continue;
    SmallVector<StringRef> adds;
    if (other.isPlastic()) {
      if (auto m = SymbolTable::lookupNearestSymbolFrom<SynapseModelOp>(
              other, other.getSynapseAttr()))
        for (Attribute a : m.getPostTargets())
          adds.push_back(cast<StringAttr>(a).getValue());
    } else if (other.isImmediate() && other.getTarget()) {
      adds.push_back(*other.getTarget());
    }
    for (Attribute a : model.getPostReads()) {
      StringRef read = cast<StringAttr>(a).getValue();
      if (llvm::is_contained(adds, read))
        return ("reads '" + read + "_post', which projection '" +
                other.getSymName() +
                "' adds to while the statements run: on the GPU they run at "
                "once, in no fixed order (compile without --target=cuda)")
            .str();
    }
  }
  return std::nullopt;
}

std::unique_ptr<LoweringTarget> createGPUTarget() {
  return std::make_unique<GPUTarget>();
}

} // namespace mlir::snn::lowering
