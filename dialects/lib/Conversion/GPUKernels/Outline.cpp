//===- Outline.cpp - snn-gpu-outline-kernels ------------------------------===//
//
// Part of snnc. Makes the GPU step's kernels, its persistent kernel, its
// build kernels and its host emulation out of the bodies that
// convert-snn-to-core{target=gpu} marks (docs/gpu-abi.md).
//
//===----------------------------------------------------------------------===//

#include "snn/Conversion/GPUKernels.h"
#include "snn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::snn {
#define GEN_PASS_DEF_SNNGPUOUTLINEKERNELS
#include "snn/Conversion/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;
namespace names = mlir::snn::gpu_kernels;

namespace {

/// Moves the reads of the arena's table (and the views and casts built on
/// them) out of `loop`: nothing in a simulation writes the table, so every
/// step of the persistent kernel sees the same buffers.
void hoistArenaTable(scf::ForOp loop) {
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

/// A marked body: a phase's (name = the phase) or a build kernel's (name =
/// the kernel's symbol).
struct Body {
  mutable func::FuncOp func; // a handle: usable through a const Body
  std::string name;
  int64_t index;
};

struct OutlineKernelsPass
    : mlir::snn::impl::SNNGPUOutlineKernelsBase<OutlineKernelsPass> {
  void runOnOperation() override;

private:
  /// Collects the marked bodies in `phases` and `builds`, ordered by their
  /// index; fails (with an error) when the marks are missing or
  /// inconsistent.
  LogicalResult collect(ModuleOp module, SmallVectorImpl<Body> &phases,
                        SmallVectorImpl<Body> &builds, Operation *&last);
  void outline(ModuleOp module, ArrayRef<Body> phases, ArrayRef<Body> builds,
               Operation *last);
};

/// Checks that the indices of `bodies` are 0 .. size - 1, once each, and
/// sorts them by index.
LogicalResult orderBodies(SmallVectorImpl<Body> &bodies, StringRef attr) {
  llvm::sort(bodies,
             [](const Body &a, const Body &b) { return a.index < b.index; });
  for (auto [k, body] : llvm::enumerate(bodies)) {
    if (body.index == static_cast<int64_t>(k))
      continue;
    if (k > 0 && body.index == bodies[k - 1].index)
      return body.func.emitOpError()
             << "has the same " << attr << " (" << body.index << ") as @"
             << bodies[k - 1].func.getSymName();
    return body.func.emitOpError()
           << "has " << attr << " = " << body.index << ", but the "
           << bodies.size() << " marked bodies must be numbered 0 to "
           << bodies.size() - 1;
  }
  return success();
}

LogicalResult OutlineKernelsPass::collect(ModuleOp module,
                                          SmallVectorImpl<Body> &phases,
                                          SmallVectorImpl<Body> &builds,
                                          Operation *&last) {
  Builder b(module.getContext());
  auto arenaType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  Type i64Type = b.getI64Type(), indexType = b.getIndexType();
  // (arena, seed, parity, tid, nthreads) and (arena, scratch, seed, n, tid,
  // nthreads).
  FunctionType phaseType = b.getFunctionType(
      {arenaType, i64Type, i64Type, indexType, indexType}, {});
  FunctionType buildType = b.getFunctionType(
      {arenaType, arenaType, i64Type, i64Type, indexType, indexType}, {});

  // A string mark and its index, both or neither.
  auto marks = [&](func::FuncOp func, StringRef nameAttr, StringRef indexAttr,
                   std::optional<Body> &body) -> LogicalResult {
    Attribute name = func->getAttr(nameAttr);
    Attribute number = func->getAttr(indexAttr);
    if (!name && !number)
      return success();
    auto nameString = dyn_cast_or_null<StringAttr>(name);
    if (!nameString || nameString.getValue().empty())
      return func.emitOpError() << "needs a non-empty string '" << nameAttr
                                << "' with its '" << indexAttr << "'";
    auto indexInt = dyn_cast_or_null<IntegerAttr>(number);
    if (!indexInt || !indexInt.getType().isInteger(64))
      return func.emitOpError() << "needs an i64 '" << indexAttr
                                << "' with its '" << nameAttr << "'";
    body = Body{func, nameString.getValue().str(), indexInt.getInt()};
    return success();
  };

  llvm::StringSet<> buildNames;
  for (auto func : module.getOps<func::FuncOp>()) {
    std::optional<Body> phase, build;
    if (failed(marks(func, names::kPhaseAttr, names::kPhaseIndexAttr, phase)) ||
        failed(marks(func, names::kBuildKernelAttr, names::kBuildIndexAttr,
                     build)))
      return failure();
    if (!phase && !build)
      continue;
    if (phase && build)
      return func.emitOpError()
             << "is marked both as a phase body and as a build kernel body";
    if (func.isExternal())
      return func.emitOpError() << "is marked as a kernel body but has none";
    last = func;
    if (phase) {
      if (func.getFunctionType() != phaseType)
        return func.emitOpError()
               << "is the body of phase '" << phase->name << "': expected type "
               << phaseType << " (arena, seed, parity, tid, nthreads)";
      // The host emulation is what the body names say (snn-gpu-drop-
      // emulation removes it by them).
      if (func.getSymName() != names::phaseBodyName(phase->name))
        return func.emitOpError()
               << "is the body of phase '" << phase->name << "': expected it "
               << "to be named @" << names::phaseBodyName(phase->name);
      phases.push_back(*phase);
      continue;
    }
    if (func.getFunctionType() != buildType)
      return func.emitOpError()
             << "is the body of build kernel '" << build->name
             << "': expected type " << buildType
             << " (arena, scratch, seed, n, tid, nthreads)";
    if (!func.getSymName().starts_with(names::kBodyPrefix))
      return func.emitOpError() << "is the body of build kernel '"
                                << build->name << "': expected its name to "
                                << "start with '" << names::kBodyPrefix << "'";
    if (build->name == names::kPersistentKernel ||
        !buildNames.insert(build->name).second)
      return func.emitOpError() << "is the body of build kernel '"
                                << build->name
                                << "', a kernel name already taken";
    builds.push_back(*build);
  }
  if (phases.empty())
    return module.emitOpError()
           << "has no phase bodies (functions marked '" << names::kPhaseAttr
           << "'): run convert-snn-to-core{target=gpu} first";
  // A build kernel may not take a phase kernel's name either.
  for (const Body &build : builds)
    for (const Body &phase : phases)
      if (build.name == names::phaseKernelName(phase.name))
        return build.func.emitOpError()
               << "is the body of build kernel '" << build.name
               << "', the name of the kernel of phase '" << phase.name << "'";
  for (StringRef taken : {StringRef(names::kKernelModule),
                          StringRef(names::kEmulateStep),
                          StringRef(names::kEmulateBuild)})
    if (Operation *op = SymbolTable::lookupSymbolIn(module, taken))
      return op->emitOpError() << "uses the symbol @" << taken
                               << ", which snn-gpu-outline-kernels makes "
                                  "(are the kernels outlined already?)";
  if (failed(orderBodies(phases, names::kPhaseIndexAttr)) ||
      failed(orderBodies(builds, names::kBuildIndexAttr)))
    return failure();
  return success();
}

void OutlineKernelsPass::outline(ModuleOp module, ArrayRef<Body> phases,
                                 ArrayRef<Body> builds, Operation *last) {
  MLIRContext *ctx = module.getContext();
  OpBuilder b(ctx);
  b.setInsertionPointAfter(last);
  // Everything made here is at the network's place: the first phase body's.
  Location loc = phases.front().func.getLoc();
  Type i64Type = b.getI64Type();
  auto arenaType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  auto index = [&](int64_t v) -> Value {
    return b.create<arith::ConstantIndexOp>(loc, v);
  };
  auto i64 = [&](int64_t v) -> Value {
    return b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(v));
  };
  auto toIndex = [&](Value integer) -> Value {
    return b.create<arith::IndexCastOp>(loc, b.getIndexType(), integer);
  };

  // The host emulation of one step: each phase for every thread in turn.
  auto emulate = b.create<func::FuncOp>(
      loc, names::kEmulateStep,
      b.getFunctionType({arenaType, i64Type, i64Type, i64Type}, {}));
  emulate->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                   UnitAttr::get(ctx));
  {
    OpBuilder::InsertionGuard guard(b);
    Block *entry = emulate.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Value threads = toIndex(entry->getArgument(3));
    for (const Body &phase : phases) {
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
      loc, names::kEmulateBuild,
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
    for (size_t k = 0; k < builds.size(); ++k)
      cases.push_back(static_cast<int64_t>(k));
    auto sw = b.create<scf::IndexSwitchOp>(
        loc, TypeRange{}, toIndex(entry->getArgument(4)), cases, cases.size());
    b.createBlock(&sw.getDefaultRegion());
    b.create<scf::YieldOp>(loc);
    for (auto [k, kernel] : llvm::enumerate(builds)) {
      b.createBlock(&sw.getCaseRegions()[k]);
      auto loop = b.create<scf::ForOp>(loc, index(0), threads, index(1));
      b.create<scf::YieldOp>(loc);
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(loop.getBody());
      b.create<func::CallOp>(
          loc, kernel.func,
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
  auto kernels = b.create<gpu::GPUModuleOp>(loc, names::kKernelModule);
  b.setInsertionPointToStart(&kernels.getBodyRegion().front());
  // The bodies are inlined into the kernels: (arena, seed) of the kernel,
  // the parity, this thread and the thread count.
  auto inlineBody = [&](func::FuncOp func, ValueRange args) {
    Block &body = func.getBody().front();
    IRMapping map;
    map.map(body.getArguments(), args);
    for (Operation &op : body.without_terminator())
      b.clone(op, map);
  };
  auto inlinePhase = [&](const Body &phase, gpu::GPUFuncOp kernel,
                         Value parityArg, Value t, Value n) {
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
  for (const Body &phase : phases) {
    auto kernel = b.create<gpu::GPUFuncOp>(
        loc, names::phaseKernelName(phase.name),
        b.getFunctionType({arenaType, i64Type, i64Type}, {}));
    kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    UnitAttr::get(ctx));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&kernel.getBody().front());
    auto [t, n] = gridThreads();
    inlinePhase(phase, kernel, kernel.getArgument(2), t, n);
    b.create<gpu::ReturnOp>(loc);
  }
  {
    // snn_persistent(arena, seed, first, count): one block, steps
    // first .. first + count - 1, a barrier after every phase.
    auto kernel = b.create<gpu::GPUFuncOp>(
        loc, names::kPersistentKernel,
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
      for (const Body &phase : phases) {
        inlinePhase(phase, kernel, p, t, n);
        b.create<gpu::BarrierOp>(loc);
      }
    }
    hoistArenaTable(loop);
    b.create<gpu::ReturnOp>(loc);
  }
  // The build kernels: (arena, scratch, seed, n) over the grid.
  for (const Body &build : builds) {
    auto kernel = b.create<gpu::GPUFuncOp>(
        loc, build.name,
        b.getFunctionType({arenaType, arenaType, i64Type, i64Type}, {}));
    kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    UnitAttr::get(ctx));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&kernel.getBody().front());
    auto [t, n] = gridThreads();
    inlineBody(build.func,
               ValueRange{kernel.getArgument(0), kernel.getArgument(1),
                          kernel.getArgument(2), kernel.getArgument(3), t, n});
    b.create<gpu::ReturnOp>(loc);
  }

  // The marks are consumed: what is left are the host emulation's bodies.
  for (ArrayRef<Body> bodies : {phases, builds})
    for (const Body &body : bodies)
      for (StringRef attr :
           {StringRef(names::kPhaseAttr), StringRef(names::kPhaseIndexAttr),
            StringRef(names::kBuildKernelAttr),
            StringRef(names::kBuildIndexAttr)})
        body.func->removeAttr(attr);
}

void OutlineKernelsPass::runOnOperation() {
  ModuleOp module = getOperation();
  SmallVector<Body> phases, builds;
  Operation *last = nullptr;
  if (failed(collect(module, phases, builds, last)))
    return signalPassFailure();
  outline(module, phases, builds, last);
}

} // namespace
