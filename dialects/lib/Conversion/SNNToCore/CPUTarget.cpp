//===- CPUTarget.cpp - the CPU step -------------------------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h and Target.h. The CPU
// target: snn_update and snn_propagate, each run by every simulation thread
// on its share of the neurons, with a barrier between them
// (docs/runtime-abi.md, "Threads").
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <functional>

namespace mlir::snn::lowering {

class CPUTarget final : public LoweringTarget {
public:
  explicit CPUTarget(int64_t inlineLimit) : inlineLimit(inlineLimit) {}
  StringRef name() const override { return "cpu"; }

  int64_t spikeCountCells() const override { return 2 * kMaxThreads; }
  int64_t spikeListLength(int64_t size) const override { return 2 * size; }
  int64_t historyCells() const override { return kMaxThreads; }

  scf::ForOp ownNeurons(NetworkLowering &l, Spiking &s,
                        bool parallel) const override {
    auto [lo, hi] = l.threadShare(s, l.tid);
    auto loop = l.b.create<scf::ForOp>(l.loc, lo, hi, l.index(1));
    if (parallel)
      l.markParallel(loop);
    l.b.setInsertionPointToStart(loop.getBody());
    return loop;
  }

  void planGroup(NetworkLowering &l, Group &group) const override {
    group.scratch =
        l.addBuffer(group.name + ".scratch", l.b.getI32Type(), group.size);
  }

  void bindArguments(NetworkLowering &l, Block *entry) const override {
    // (arena, step, seed, tid, nthreads)
    l.step = entry->getArgument(1);
    l.seed = entry->getArgument(2);
    l.tid = l.toIndex(entry->getArgument(3));
    l.nthreads = l.toIndex(entry->getArgument(4));
    l.emitViews();
    l.stepIndex = l.toIndex(l.step);
    l.parity = l.b.create<arith::AndIOp>(l.loc, l.stepIndex, l.index(1));
  }

  void accumulate(OpBuilder &b, Location loc, Value memref, Value index,
                  Value amount) const override {
    // One thread owns every element it adds into (docs/runtime-abi.md).
    Value old = b.create<memref::LoadOp>(loc, memref, ValueRange{index});
    b.create<memref::StoreOp>(loc, b.create<arith::AddFOp>(loc, old, amount),
                              memref, ValueRange{index});
  }

  void markParallel(scf::ForOp loop) const override {
    loop->setAttr("snn.parallel", UnitAttr::get(loop.getContext()));
  }

  void addSimplifyPatterns(RewritePatternSet &patterns) const override {
    // Large propagators: loops over constant tables (host code only).
    populateLinearUpdateTablePatterns(patterns);
  }

  LogicalResult emitStep(NetworkLowering &l) const override {
    return l.emitCPUStep(inlineLimit);
  }

  void describe(NetworkLowering &l, json::Object &descriptor) const override {
    descriptor["threads"] =
        json::Object{{"max", kMaxThreads}, {"align", kThreadAlign}};
    descriptor["build"] = std::move(l.buildJSON);
    if (!l.initJSON.empty())
      descriptor["init"] = std::move(l.initJSON);
  }

private:
  int64_t inlineLimit;
};

std::unique_ptr<LoweringTarget> createCPUTarget(int64_t inlineLimit) {
  return std::make_unique<CPUTarget>(inlineLimit);
}

namespace {

/// Where an outlined function's work is done after merging: the function to
/// call, and the constants to pass after the common arguments.
struct MergedCall {
  func::FuncOp callee;
  SmallVector<TypedAttr> constants;
};

/// Whether `c` flows into the Jacobian of an snn.linear_update, which must
/// fold to constants (the propagator is computed at compile time): such a
/// constant cannot become an argument.
bool feedsJacobian(arith::ConstantOp c) {
  // The Jacobian is made of parameters and constants by arithmetic (the
  // integrator requires it): follow the results of the ops using `c`, not
  // into regions (a loop bound reaches no Jacobian).
  SmallVector<Value> work{c.getResult()};
  DenseSet<Value> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (auto update = dyn_cast<LinearUpdateOp>(user)) {
        if (llvm::is_contained(update.getJacobian(), v))
          return true;
        continue;
      }
      if (user->getNumRegions() == 0)
        llvm::append_range(work, user->getResults());
    }
  }
  return false;
}

/// Whether `b` is `a` but for the values of some constants (same ops in the
/// same order, same attributes and types, operands that correspond); the
/// pairs of constants that differ are appended to `differing`, in `a`'s
/// order. Constants the propagators need stay constants (feedsJacobian).
bool alikeButConstants(
    func::FuncOp a, func::FuncOp b,
    SmallVectorImpl<std::pair<arith::ConstantOp, arith::ConstantOp>>
        &differing) {
  IRMapping map;
  std::function<bool(Region &, Region &)> regions = [&](Region &ra,
                                                        Region &rb) {
    if (ra.getBlocks().size() != rb.getBlocks().size())
      return false;
    for (auto [ba, bb] : llvm::zip(ra, rb)) {
      if (ba.getNumArguments() != bb.getNumArguments())
        return false;
      map.map(&ba, &bb);
      for (auto [x, y] : llvm::zip(ba.getArguments(), bb.getArguments())) {
        if (x.getType() != y.getType())
          return false;
        map.map(x, y);
      }
    }
    for (auto [ba, bb] : llvm::zip(ra, rb)) {
      auto ia = ba.begin(), ib = bb.begin();
      for (; ia != ba.end() && ib != bb.end(); ++ia, ++ib) {
        Operation &x = *ia, &y = *ib;
        if (x.getName() != y.getName() ||
            x.getNumOperands() != y.getNumOperands() ||
            x.getNumResults() != y.getNumResults() ||
            x.getNumRegions() != y.getNumRegions() ||
            x.getNumSuccessors() != y.getNumSuccessors() ||
            x.getResultTypes() != y.getResultTypes())
          return false;
        auto cx = dyn_cast<arith::ConstantOp>(x);
        if (cx) {
          auto cy = cast<arith::ConstantOp>(y);
          if (cx.getValue() != cy.getValue()) {
            if (!isa<IntegerAttr, FloatAttr>(cx.getValue()) ||
                feedsJacobian(cx))
              return false;
            differing.push_back({cx, cy});
          }
        } else if (x.getAttrDictionary() != y.getAttrDictionary()) {
          return false;
        }
        for (auto [u, v] : llvm::zip(x.getOperands(), y.getOperands()))
          if (map.lookupOrNull(u) != v)
            return false;
        for (auto [u, v] : llvm::zip(x.getSuccessors(), y.getSuccessors()))
          if (map.lookupOrNull(u) != v)
            return false;
        map.map(x.getResults(), y.getResults());
        for (auto [rx, ry] : llvm::zip(x.getRegions(), y.getRegions()))
          if (!regions(rx, ry))
            return false;
      }
      if (ia != ba.end() || ib != bb.end())
        return false;
    }
    return true;
  };
  return a.getFunctionType() == b.getFunctionType() &&
         regions(a.getBody(), b.getBody());
}

/// Merges the functions of `funcs` that are alike but for constants into
/// one each, whose differing constants become trailing arguments; returns,
/// per function of `funcs`, whom to call with which constants. The merged
/// functions keep the first one's name; the others are erased.
SmallVector<MergedCall> mergeAlikeFunctions(ArrayRef<func::FuncOp> funcs) {
  struct Group {
    func::FuncOp leader;
    SmallVector<size_t> members; // indices into funcs
    // Per member: the constants at the leader's differing positions,
    // keyed by the leader's constant op.
    SmallVector<DenseMap<Operation *, TypedAttr>> values;
  };
  SmallVector<Group> groups;
  for (auto [k, func] : llvm::enumerate(funcs)) {
    bool placed = false;
    for (Group &group : groups) {
      SmallVector<std::pair<arith::ConstantOp, arith::ConstantOp>> differing;
      if (!alikeButConstants(group.leader, func, differing))
        continue;
      DenseMap<Operation *, TypedAttr> values;
      for (auto [x, y] : differing)
        values[x] = y.getValue();
      group.members.push_back(k);
      group.values.push_back(std::move(values));
      placed = true;
      break;
    }
    if (!placed) {
      Group &group = groups.emplace_back();
      group.leader = func;
      group.members.push_back(k);
      group.values.emplace_back();
    }
  }
  SmallVector<MergedCall> calls(funcs.size());
  for (Group &group : groups) {
    // The leader's constants that differ in any member, in body order.
    SmallVector<arith::ConstantOp> varying;
    group.leader.walk([&](arith::ConstantOp c) {
      if (llvm::any_of(group.values, [&](auto &values) {
            return values.count(c.getOperation()) != 0;
          }))
        varying.push_back(c);
    });
    Block &entry = group.leader.getBody().front();
    for (arith::ConstantOp c : varying) {
      Value arg = entry.addArgument(c.getType(), c.getLoc());
      c.replaceAllUsesWith(arg);
    }
    group.leader.setType(FunctionType::get(
        group.leader.getContext(), entry.getArgumentTypes(),
        group.leader.getFunctionType().getResults()));
    for (auto [slot, k] : llvm::enumerate(group.members)) {
      MergedCall &call = calls[k];
      call.callee = group.leader;
      for (arith::ConstantOp c : varying) {
        auto it = group.values[slot].find(c.getOperation());
        call.constants.push_back(it != group.values[slot].end()
                                     ? it->second
                                     : cast<TypedAttr>(c.getValue()));
      }
      if (funcs[k] != group.leader)
        func::FuncOp(funcs[k]).erase();
    }
    for (arith::ConstantOp c : varying)
      c.erase();
  }
  return calls;
}

} // namespace

LogicalResult NetworkLowering::emitCPUStep(int64_t inlineLimit) {
  MLIRContext *ctx = network.getContext();
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
  auto terminate = [&](func::FuncOp func) {
    loc = network.getLoc();
    b.create<func::ReturnOp>(loc);
    b.setInsertionPointAfter(func);
  };
  auto finish = [&](func::FuncOp func) {
    terminate(func);
    return simplify(func);
  };
  OpBuilder::InsertionGuard guard(b);
  // The step function `name`: the step ops of its phase, in order. With
  // more than `limit` outlinable ones (updates, Poisson sources,
  // propagations), each of those is a function of its own, `<name>_<k>`
  // (same arguments, kept out of line, optimized for size), which the step
  // function calls in its place: LLVM's time per function grows faster
  // than its size, and the microcircuit's 55 projections compiled in 1.2 s
  // instead of 2.6 this way, while its steps are long enough not to notice
  // the calls nor the size optimization (its propagation waits for
  // memory). A small network's step is not: CUBA-4000 ran 10-15 % slower
  // with its four projections out of line, so up to `limit` parts it is
  // one function. Parts alike but for constants are then merged into one
  // function (mergeAlikeFunctions): the microcircuit's 55 projections are
  // one, and its eight updates one (parameters that the propagators need
  // stay constants: feedsJacobian); it compiles in 0.66 s instead of 1.13
  // with its Poisson inputs, 0.29 instead of 0.66 with DC, with the same
  // spikes and speed.
  auto outlinable = [&](Operation *op) {
    if (auto emit = dyn_cast<EmitStepOp>(op))
      return poissonNamed(emit.getSource()) != nullptr;
    return isa<UpdateStepOp, UpdateGroupStepOp, PropagateStepOp>(op);
  };
  // Once a phase is outlined, its deliveries are too (they do not count
  // towards the limit): the microcircuit's eight, each with its own
  // Poisson table, were one 8,000-line snn_propagate for LLVM, and snnc
  // took 0.95 s for it instead of 0.62.
  auto outlinedWith = [&](Operation *op, bool outline) {
    return outline && (outlinable(op) || isa<DeliverStepOp>(op));
  };
  auto emitStepFunction = [&](StringRef name, PhaseOp phase,
                              int64_t limit) -> LogicalResult {
    SmallVector<Operation *> ops;
    for (Operation &op : phase.getBody().front())
      ops.push_back(&op);
    int64_t parts = llvm::count_if(ops, outlinable);
    bool outline = parts > limit;
    SmallVector<func::FuncOp> outlined;
    for (Operation *op : ops) {
      if (!outlinedWith(op, outline))
        continue;
      func::FuncOp func = begin((name + "_" + Twine(outlined.size())).str());
      func->removeAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName());
      func.setPrivate();
      func->setAttr("passthrough",
                    b.getArrayAttr({b.getStringAttr("noinline"),
                                    b.getStringAttr("optsize")}));
      emitPrologue(func);
      emitStepOpCPU(op);
      terminate(func);
      outlined.push_back(func);
    }
    // Parts that differ only in constants (the microcircuit's 55
    // projections: buffer ids, sizes) become one function taking those
    // constants as arguments: LLVM then compiles one function, not 55.
    SmallVector<MergedCall> calls = mergeAlikeFunctions(outlined);
    SmallPtrSet<Operation *, 8> simplified;
    for (MergedCall &call : calls)
      if (simplified.insert(call.callee).second &&
          failed(simplify(call.callee)))
        return failure();
    func::FuncOp step = begin(name);
    emitPrologue(step);
    MergedCall *call = calls.begin();
    for (Operation *op : ops) {
      if (!outlinedWith(op, outline)) {
        emitStepOpCPU(op);
        continue;
      }
      SmallVector<Value> args(step.getBody().front().getArguments());
      for (TypedAttr c : call->constants)
        args.push_back(b.create<arith::ConstantOp>(loc, c));
      b.create<func::CallOp>(loc, call->callee, args);
      ++call;
    }
    return finish(step);
  };

  // The two phases of the schedule (its verifier makes them "update" and
  // "propagate"): update and threshold fused per population, the sources;
  // then propagation per projection into the delay rings or the target
  // variables, delivery of this step's slot, reset.
  SmallVector<PhaseOp, 2> phases(schedule.getPhases());
  if (failed(emitStepFunction("snn_update", phases[0],
                              std::min<int64_t>(inlineLimit, 4))) ||
      failed(emitStepFunction("snn_propagate", phases[1], inlineLimit)))
    return failure();

  // Connectivity: the rules the GPU draws on the device are drawn by the
  // same generated code on the CPU, run by the simulator's threads (one
  // source for each rule; docs/runtime-abi.md, "Building connectivity").
  emitBuildFunctions();
  emitBuildDispatcher();
  return success();
}

void NetworkLowering::emitBuildDispatcher() {
  // snn_build(arena, scratch, seed, n, kernel, tid, nthreads): build kernel
  // number `kernel` (the descriptor's "emulate"), as thread `tid` of
  // `nthreads` running it at once.
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(network);
  loc = network.getLoc();
  auto bufType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  Type i64Type = b.getI64Type();
  auto func = b.create<func::FuncOp>(
      loc, "snn_build",
      b.getFunctionType({bufType, bufType, i64Type, i64Type, i64Type, i64Type,
                         i64Type},
                        {}));
  func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                b.getUnitAttr());
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value thread = toIndex(entry->getArgument(5));
  Value threads = toIndex(entry->getArgument(6));
  SmallVector<int64_t> cases;
  for (size_t k = 0; k < buildKernels.size(); ++k)
    cases.push_back(static_cast<int64_t>(k));
  auto sw = b.create<scf::IndexSwitchOp>(loc, TypeRange{},
                                         toIndex(entry->getArgument(4)),
                                         cases, cases.size());
  b.createBlock(&sw.getDefaultRegion());
  b.create<scf::YieldOp>(loc);
  // Bodies alike but for constants (the microcircuit's 55 projections'
  // rows, fill, sort, delays and values kernels) are one function each,
  // called with their constants: LLVM compiles a handful of functions, not
  // hundreds (snnc compiled the microcircuit in 5.8 s without this).
  SmallVector<func::FuncOp> bodies;
  for (BuildKernel &kernel : buildKernels)
    bodies.push_back(kernel.body);
  SmallVector<MergedCall> calls = mergeAlikeFunctions(bodies);
  // Called from many cases: inlined into each, they would be compiled as
  // many times.
  for (MergedCall &call : calls)
    call.callee->setAttr("passthrough",
                         b.getArrayAttr({b.getStringAttr("noinline")}));
  for (auto [k, call] : llvm::enumerate(calls)) {
    b.createBlock(&sw.getCaseRegions()[k]);
    SmallVector<Value> args{entry->getArgument(0), entry->getArgument(1),
                            entry->getArgument(2), entry->getArgument(3),
                            thread, threads};
    for (TypedAttr c : call.constants)
      args.push_back(b.create<arith::ConstantOp>(loc, c));
    b.create<func::CallOp>(loc, call.callee, args);
    b.create<scf::YieldOp>(loc);
  }
  b.setInsertionPointAfter(sw);
  b.create<func::ReturnOp>(loc);
}

void NetworkLowering::emitStepOpCPU(Operation *op) {
  if (auto update = dyn_cast<UpdateStepOp>(op))
    return emitUpdateAndThreshold(
        *populationByName.lookup(update.getPopulation()), update.getReset());
  if (auto update = dyn_cast<UpdateGroupStepOp>(op))
    return emitGroupUpdateCPU(groupNamed(update), update.getReset());
  if (auto emit = dyn_cast<EmitStepOp>(op)) {
    Spiking &s = *spikingByName.lookup(emit.getSource());
    if (PoissonInfo *p = poissonNamed(s.name))
      return emitPoissonSource(p->op, s, p->rate);
    // A spike array is sequential by nature (a cursor): thread 0 only; the
    // others have no spikes of it.
    SpikeArrayInfo *a = spikeArrayNamed(s.name);
    loc = s.op->getLoc();
    Value first =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, tid, index(0));
    auto ifOp = b.create<scf::IfOp>(loc, first, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    emitSpikeArraySource(s, a->times, a->ids, a->cursor, segmentCount(tid),
                         b.create<arith::MulIOp>(loc, parity, index(s.size)),
                         [](Value) {});
    b.setInsertionPointToStart(ifOp.elseBlock());
    store(i32(0), s.spikeCount, segmentCount(tid));
    return;
  }
  if (auto propagate = dyn_cast<PropagateStepOp>(op))
    return emitPropagationCPU(projectionNamed(propagate.getProjection()));
  if (auto post = dyn_cast<PropagatePostStepOp>(op))
    return emitPropagatePostCPU(projectionNamed(post.getProjection()));
  if (auto snapshot = dyn_cast<SnapshotStepOp>(op))
    return emitSnapshot(snapshot);
  if (auto copy = dyn_cast<CopyLinkedStepOp>(op))
    return emitCopyLinked(copy);
  if (auto clock = dyn_cast<ClockSynapsesStepOp>(op)) {
    emitClockSynapses(projectionNamed(clock.getProjection()));
    return;
  }
  if (auto sample = dyn_cast<SampleSynapsesStepOp>(op)) {
    emitSampleSynapses(sample.getRecord(), /*gpu=*/false);
    return;
  }
  if (auto periodic = dyn_cast<PeriodicStepOp>(op)) {
    emitPeriodic(periodic.getIndex());
    return;
  }
  if (auto traces = dyn_cast<TracesStepOp>(op))
    return emitTracesCPU(projectionNamed(traces.getProjection()));
  if (auto deliver = dyn_cast<DeliverStepOp>(op))
    return emitDelivery(*populationByName.lookup(deliver.getPopulation()));
  auto reset = cast<ResetStepOp>(op);
  emitReset(*populationByName.lookup(reset.getPopulation()));
}

} // namespace mlir::snn::lowering
