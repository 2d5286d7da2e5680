//===- CPUTarget.cpp - the CPU step -------------------------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h and Target.h. The CPU
// target: snn_update and snn_propagate, each run by every simulation thread
// on its share of the neurons, with a barrier between them
// (docs/runtime-abi.md, "Threads").
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::snn::lowering {

class CPUTarget final : public LoweringTarget {
public:
  explicit CPUTarget(int64_t inlineLimit) : inlineLimit(inlineLimit) {}

  int64_t spikeCountCells() const override { return 2 * kMaxThreads; }
  int64_t spikeListLength(int64_t size) const override { return 2 * size; }

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

  void describe(NetworkLowering &, json::Object &descriptor) const override {
    descriptor["threads"] =
        json::Object{{"max", kMaxThreads}, {"align", kThreadAlign}};
  }

private:
  int64_t inlineLimit;
};

std::unique_ptr<LoweringTarget> createCPUTarget(int64_t inlineLimit) {
  return std::make_unique<CPUTarget>(inlineLimit);
}

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
  auto finish = [&](func::FuncOp func) {
    loc = network.getLoc();
    b.create<func::ReturnOp>(loc);
    b.setInsertionPointAfter(func);
    return simplify(func);
  };
  OpBuilder::InsertionGuard guard(b);
  // The step function `name`: `parts` in order, then `rest`. With more
  // parts than `inlineLimit`, each part is a function of its own,
  // `<name>_<k>` (same arguments, kept out of line, optimized for size),
  // which the step function calls: LLVM's time per function grows faster
  // than its size, and the microcircuit's 55 projections compile in
  // 1.2 s instead of 2.6 this way (87 with the Poisson background: 4.4
  // -> 2.4 s), while its steps are long enough not to notice the calls
  // nor the size optimization (its propagation waits for memory). A
  // small network's step is not: CUBA-4000 ran 10-15 % slower with its
  // four projections out of line, so up to `inlineLimit` parts it is one
  // function.
  auto emitStepFunction =
      [&](StringRef name, ArrayRef<std::function<void()>> parts,
          llvm::function_ref<void()> rest) -> LogicalResult {
    bool outline = static_cast<int64_t>(parts.size()) > inlineLimit;
    SmallVector<func::FuncOp> outlined;
    for (auto [k, part] : llvm::enumerate(parts)) {
      if (!outline)
        break;
      func::FuncOp func = begin((name + "_" + Twine(k)).str());
      func->removeAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName());
      func.setPrivate();
      func->setAttr("passthrough",
                    b.getArrayAttr({b.getStringAttr("noinline"),
                                    b.getStringAttr("optsize")}));
      emitPrologue(func);
      part();
      if (failed(finish(func)))
        return failure();
      outlined.push_back(func);
    }
    func::FuncOp step = begin(name);
    emitPrologue(step);
    for (func::FuncOp func : outlined)
      b.create<func::CallOp>(loc, func, step.getBody().front().getArguments());
    if (!outline)
      for (const std::function<void()> &part : parts)
        part();
    rest();
    return finish(step);
  };

  // 1-2. Update and threshold, fused, per population; then the sources.
  // Always one function: outlining the microcircuit's 40 populations and
  // Poisson sources did not shorten its compilation (the vectorized
  // Philox draws dominate it).
  if (failed(emitStepFunction("snn_update", {}, [&] {
        for (Population &pop : populations)
          emitUpdateAndThreshold(pop);
        for (PoissonInfo &p : poissons)
          emitPoissonSource(p.op, *p.spiking, p.rate);
        for (SpikeArrayInfo &s : spikeArrays) {
          // Sequential by nature (a cursor): thread 0 only; the others
          // have no spikes of it.
          loc = s.spiking->op->getLoc();
          Value first = b.create<arith::CmpIOp>(
              loc, arith::CmpIPredicate::eq, tid, index(0));
          auto ifOp =
              b.create<scf::IfOp>(loc, first, /*withElseRegion=*/true);
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(ifOp.thenBlock());
          emitSpikeArraySource(
              *s.spiking, s.times, s.ids, s.cursor, segmentCount(tid),
              b.create<arith::MulIOp>(loc, parity,
                                      index(s.spiking->size)),
              [](Value) {});
          b.setInsertionPointToStart(ifOp.elseBlock());
          store(i32(0), s.spiking->spikeCount, segmentCount(tid));
        }
      })))
    return failure();

  // 3-5. Propagation per projection, into the delay rings or the target
  // variables; then delivery of this step's slot and the reset.
  std::vector<std::function<void()>> propagations;
  for (ProjectionInfo &p : projections)
    propagations.push_back(
        [this, info = &p] { emitPropagationCPU(*info); });
  if (failed(emitStepFunction("snn_propagate", propagations, [&] {
        for (Population &pop : populations)
          emitDelivery(pop);
        for (Population &pop : populations)
          emitReset(pop);
      })))
    return failure();
  return success();
}

} // namespace mlir::snn::lowering
