//===- GPUPhases.cpp - the GPU step -------------------------------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

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

} // namespace mlir::snn::lowering
