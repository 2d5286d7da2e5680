//===- ScheduleStep.cpp - snn-schedule-step -------------------------------===//
//
// Part of snnc.
//
// Writes the step of every network as an snn.schedule for the target: which
// work runs in which phase, in which order, and which resets are fused into
// the update or the delivery loop (docs/design.md, "The step schedule").
// convert-snn-to-core lowers what it finds there.
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/SNNOps.h"
#include "snn/Transforms/Passes.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

#include <optional>

namespace mlir::snn {
#define GEN_PASS_DEF_SNNSCHEDULESTEP
#include "snn/Transforms/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;
using namespace mlir::snn;

namespace {

struct ScheduleStepPass
    : mlir::snn::impl::SNNScheduleStepBase<ScheduleStepPass> {
  using SNNScheduleStepBase::SNNScheduleStepBase;

  void runOnOperation() override {
    if (target != "cpu" && target != "gpu") {
      getOperation().emitError("snn-schedule-step: unknown target '")
          << target << "' (expected 'cpu' or 'gpu')";
      return signalPassFailure();
    }
    bool failed = false;
    getOperation().walk([&](NetworkOp network) {
      if (mlir::failed(schedule(network)))
        failed = true;
    });
    if (failed)
      signalPassFailure();
  }

  LogicalResult schedule(NetworkOp network) {
    Block &body = network.getBody().front();
    for (auto existing : body.getOps<ScheduleOp>()) {
      if (existing.getTarget() == target)
        return success();
      return existing.emitOpError("is for target '")
             << existing.getTarget() << "', not '" << target << "'";
    }
    bool gpu = target == "gpu";

    // Who receives input: through a ring or a Poisson input (delivered),
    // or at all (then a GPU reset waits for it).
    llvm::StringSet<> delivered, reached;
    for (Operation &op : body) {
      if (auto projection = dyn_cast<ProjectionOp>(op)) {
        reached.insert(projection.getPost());
        if (projection.hasRing())
          delivered.insert(projection.getPost());
      } else if (auto input = dyn_cast<PoissonInputOp>(op)) {
        reached.insert(input.getTarget());
        delivered.insert(input.getTarget());
      }
    }
    SymbolTable symbols(network);
    SmallVector<PopulationOp> populations(body.getOps<PopulationOp>());
    auto resets = [&](PopulationOp pop) {
      auto model = symbols.lookup<NeuronModelOp>(pop.getModel());
      return model && model.resetChangesState();
    };

    OpBuilder b = OpBuilder::atBlockEnd(&body);
    Location loc = network.getLoc();
    auto schedule = b.create<ScheduleOp>(loc, target);
    b.setInsertionPointToStart(&schedule.getBody().emplaceBlock());
    auto phase = [&](StringRef name) {
      OpBuilder::InsertionGuard guard(b);
      auto op = b.create<PhaseOp>(loc, name);
      return OpBuilder::atBlockEnd(&op.getBody().emplaceBlock());
    };

    if (gpu) {
      // State recordings, then synapse recordings (whose samples the end
      // of the step before wrote: snn.sample_synapses).
      SmallVector<Operation *> records;
      for (auto op : body.getOps<RecordStateOp>())
        records.push_back(op);
      for (auto op : body.getOps<RecordSynapseStateOp>())
        records.push_back(op);
      if (!records.empty()) {
        OpBuilder record = phase("record");
        for (auto [k, op] : llvm::enumerate(records))
          record.create<SampleStepOp>(op->getLoc(), static_cast<int64_t>(k));
      }
    }
    // Periodic statements, at the start of the step (Brian2's
    // run_regularly, when='start'): on the CPU at the start of the update
    // phase (a thread's own neurons and synapses), on the GPU a phase of
    // their own.
    auto periodics = body.getOps<PeriodicOp>();
    if (!periodics.empty()) {
      OpBuilder start = phase(gpu ? "periodic" : "update");
      for (auto [k, op] : llvm::enumerate(periodics))
        start.create<PeriodicStepOp>(op.getLoc(), static_cast<int64_t>(k));
    }
    // The variables synapse models' links read: copied after their
    // population's update, read from the next phase (on the CPU, the
    // update phase's end; on the GPU, a phase of their own).
    llvm::SetVector<std::pair<StringRef, StringRef>> linked;
    for (auto projection : body.getOps<ProjectionOp>()) {
      if (!projection.isPlastic())
        continue;
      auto synapse = symbols.lookup<SynapseModelOp>(*projection.getSynapse());
      if (!synapse)
        continue;
      for (Attribute attr : synapse.getLinks())
        if (auto target =
                projection.getLinkTarget(cast<StringAttr>(attr).getValue()))
          linked.insert(*target);
      // Presynaptic variables read by the statements: copied the same way.
      for (Attribute attr : synapse.getPreReads())
        linked.insert({projection.getPre(), cast<StringAttr>(attr).getValue()});
    }
    llvm::StringSet<> copiedPopulations;
    for (auto [population, variable] : linked)
      copiedPopulations.insert(population);
    OpBuilder update = periodics.empty() || gpu
                           ? phase("update")
                           : OpBuilder::atBlockEnd(
                                 &cast<PhaseOp>(schedule.getBody()
                                                    .front()
                                                    .back())
                                      .getBody()
                                      .front());
    for (PopulationOp pop : populations) {
      // Not a population whose variables are copied: the copy holds the
      // values before the reset.
      bool fused = gpu && resets(pop) && !reached.contains(pop.getSymName()) &&
                   !copiedPopulations.contains(pop.getSymName());
      update.create<UpdateStepOp>(pop.getLoc(), pop.getSymName(), fused);
    }
    // Poisson sources, then spike arrays (whose cursor makes them
    // sequential).
    for (auto source : body.getOps<PoissonSourceOp>())
      update.create<EmitStepOp>(source.getLoc(), source.getSymName());
    for (auto source : body.getOps<SpikeSourceArrayOp>())
      update.create<EmitStepOp>(source.getLoc(), source.getSymName());

    if (!linked.empty()) {
      OpBuilder copy = gpu ? phase("snapshot") : update;
      for (auto [population, variable] : linked)
        copy.create<SnapshotStepOp>(loc, population, variable);
    }
    // Per-neuron traces (snn-hoist-traces): one step on, after the spikes
    // of the step (their threads' own: CPU, the update phase).
    std::optional<OpBuilder> traces;
    for (auto projection : body.getOps<ProjectionOp>())
      if (projection.getPreTraces() || projection.getPostTraces()) {
        if (!traces)
          traces = gpu ? phase("traces") : update;
        traces->create<TracesStepOp>(projection.getLoc(),
                                     projection.getSymName());
      }

    // Clock-driven synapse equations, after the updates and before the
    // pathways (Brian2's groups, then synapses): on the CPU at the start
    // of the propagate phase (each thread the synapses into its neurons,
    // before it propagates), on the GPU a phase of their own.
    SmallVector<ProjectionOp> clockDriven;
    for (auto projection : body.getOps<ProjectionOp>()) {
      if (!projection.isPlastic())
        continue;
      auto synapse = symbols.lookup<SynapseModelOp>(*projection.getSynapse());
      if (synapse && synapse.getNumClockDriven() > 0)
        clockDriven.push_back(projection);
    }
    if (gpu && !clockDriven.empty()) {
      OpBuilder clock = phase("clock");
      for (ProjectionOp projection : clockDriven)
        clock.create<ClockSynapsesStepOp>(projection.getLoc(),
                                          projection.getSymName());
    }
    OpBuilder propagate = phase("propagate");
    if (!gpu)
      for (ProjectionOp projection : clockDriven)
        propagate.create<ClockSynapsesStepOp>(projection.getLoc(),
                                              projection.getSymName());
    for (auto projection : body.getOps<ProjectionOp>())
      propagate.create<PropagateStepOp>(projection.getLoc(),
                                        projection.getSymName());
    // Synapse models' on_post, after every on_pre (Brian2's order: the pre
    // pathways, then the post pathways): on the CPU in the same phase (a
    // thread's synapses are those into its share), on the GPU in a phase
    // of their own.
    std::optional<OpBuilder> post;
    for (auto projection : body.getOps<ProjectionOp>()) {
      if (!projection.isPlastic())
        continue;
      auto synapse = symbols.lookup<SynapseModelOp>(*projection.getSynapse());
      if (!synapse || !synapse.hasOnPost())
        continue;
      if (!post)
        post = gpu ? phase("post") : propagate;
      post->create<PropagatePostStepOp>(projection.getLoc(),
                                        projection.getSymName());
    }
    // CPU: each thread delivers into and resets its own range, right after
    // its propagation into that range. GPU: a phase of its own, after all
    // propagation, the reset fused into its loop.
    OpBuilder deliver = gpu ? phase("deliver") : propagate;
    for (PopulationOp pop : populations) {
      StringRef name = pop.getSymName();
      bool fused = gpu && resets(pop) &&
                   (reached.contains(name) || copiedPopulations.contains(name));
      if (delivered.contains(name) || fused)
        deliver.create<DeliverStepOp>(pop.getLoc(), name, fused);
    }
    if (!gpu)
      for (PopulationOp pop : populations)
        if (resets(pop))
          deliver.create<ResetStepOp>(pop.getLoc(), pop.getSymName());
    // Synapse recordings: the values at the end of the step (the start of
    // the next), after everything that changes the synapses.
    for (auto [k, op] :
         llvm::enumerate(body.getOps<RecordSynapseStateOp>()))
      deliver.create<SampleSynapsesStepOp>(op.getLoc(),
                                           static_cast<int64_t>(k));
    // GPU: the bookkeeping, after every spike and sample of the step.
    if (gpu)
      deliver.create<EndStepOp>(loc);
    // The variables populations' links read, copied at the end of the step
    // (after every delivery and reset: on the CPU each thread its share at
    // the end of the propagate phase, on the GPU a phase of their own),
    // read by the next step's updates; and those periodic statements read
    // of other populations (a projection's links and presynaptic
    // variables), read at the next step's start.
    llvm::SetVector<std::pair<StringRef, StringRef>> linkedVars;
    for (PopulationOp pop : populations)
      for (NamedAttribute entry : pop.getLinks())
        if (auto target = pop.getLinkTarget(entry.getName().getValue()))
          linkedVars.insert(*target);
    for (PeriodicOp periodic : periodics)
      for (auto target : periodic.getCopiedReads())
        linkedVars.insert(target);
    if (!linkedVars.empty()) {
      OpBuilder copy = gpu ? phase("linked") : deliver;
      for (auto [population, variable] : linkedVars)
        copy.create<CopyLinkedStepOp>(loc, population, variable);
    }
    return success();
  }
};

} // namespace
