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
      // No projection targets it: nothing happens between the threshold
      // and the reset, so reset now; otherwise after propagation and
      // delivery.
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
    if (pop.rings.empty() && pop.spiked < 0)
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



LogicalResult NetworkLowering::runGPU() {
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
    if (!pop.rings.empty() || pop.spiked >= 0)
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
        loc, gpu_kernels::phaseBodyName(phase.name), phaseType);
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
  return success();
}

} // namespace mlir::snn::lowering
