//===- SNNToCore.cpp - convert-snn-to-core --------------------------------===//
//
// Part of snnc. Lowers an integrated snn.network to the step functions over
// the runtime's arena, plus the JSON descriptor the runtime builds the arena
// from. See docs/runtime-abi.md for the contract and the step semantics, and
// Lowering.h for where each family of ops is lowered.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

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
#define GEN_PASS_DEF_SNNPLANBUFFERS
#include "snn/Conversion/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;
using namespace mlir::snn;
using mlir::snn::lowering::createCPUTarget;
using mlir::snn::lowering::createGPUTarget;
using mlir::snn::lowering::LoweringTarget;
using mlir::snn::lowering::NetworkLowering;

namespace mlir::snn::lowering {

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
  target->addSimplifyPatterns(patterns);
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
      // A synapse variable's buffer is "<projection>.var.<variable>".
      if (pop.ends_with(".var"))
        pop = pop.drop_back(4);
      population = pop.str();
      names.push_back(var.str());
    }
    // A synapse model's clock-driven system holds synapse variables
    // ("<projection>.<variable>").
    bool projection = false;
    for (auto p : network.getBody().getOps<ProjectionOp>())
      projection = projection || p.getSymName() == population;
    std::string prefix =
        names.empty() ? ""
                      : std::string(projection ? "projection '"
                                               : "population '") +
                            population + "': ";
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

LogicalResult NetworkLowering::checkInput(StringRef pass) {
  for (auto model : network.getBody().getOps<NeuronModelOp>())
    if (!model.isIntegrated())
      return model.emitOpError("has not been integrated: run snn-integrate "
                               "before ")
             << pass;
  for (auto model : network.getBody().getOps<SynapseModelOp>())
    if (!model.isIntegrated())
      return model.emitOpError("has not been integrated: run snn-integrate "
                               "before ")
             << pass;
  for (auto op : network.getBody().getOps<ProjectionOp>()) {
    if (std::optional<std::string> why = target->unsupported(op))
      return op.emitOpError(*why);
  }
  // The step to lower: the schedule for this target (snn-schedule-step).
  for (auto op : network.getBody().getOps<ScheduleOp>())
    schedule = op;
  if (!schedule)
    return network.emitOpError("has no step schedule: run snn-schedule-step "
                               "before ")
           << pass;
  if (schedule.getTarget() != target->name())
    return schedule.emitOpError("is for target '")
           << schedule.getTarget() << "', not '" << target->name() << "'";
  schedule.walk([&](DeliverStepOp op) {
    if (op.getReset())
      resetInDelivery.insert(op.getPopulation());
  });
  return success();
}

LogicalResult NetworkLowering::writePlan() {
  for (auto existing : network.getBody().getOps<ArenaOp>()) {
    if (existing.getTarget() == target->name())
      return success(); // planned already (a hand-edited plan stays)
    return existing.emitOpError("is for target '")
           << existing.getTarget() << "', not '" << target->name() << "'";
  }
  if (failed(checkInput("snn-plan-buffers")))
    return failure();
  planBuffers();
  b.setInsertionPointToEnd(&network.getBody().front());
  auto arena = b.create<ArenaOp>(network.getLoc(), target->name());
  b.setInsertionPointToStart(&arena.getBody().emplaceBlock());
  for (const BufferDecl &decl : buffers)
    b.create<BufferOp>(
        network.getLoc(), b.getStringAttr(decl.name), TypeAttr::get(decl.type),
        countAttr(decl.count),
        decl.viewOf >= 0 ? b.getStringAttr(buffers[decl.viewOf].name)
                         : StringAttr(),
        decl.viewOf >= 0 ? b.getI64IntegerAttr(decl.viewAt) : IntegerAttr());
  return success();
}

LogicalResult NetworkLowering::run() {
  if (failed(checkInput("convert-snn-to-core")))
    return failure();
  // The buffers: the plan for this target (snn-plan-buffers).
  for (auto op : network.getBody().getOps<ArenaOp>())
    arenaOp = op;
  if (!arenaOp)
    return network.emitOpError("has no buffer plan: run snn-plan-buffers "
                               "before convert-snn-to-core");
  if (arenaOp.getTarget() != target->name())
    return arenaOp.emitOpError("is for target '")
           << arenaOp.getTarget() << "', not '" << target->name() << "'";
  loadPlan();
  planBuffers();
  for (auto [k, used] : llvm::enumerate(plannedUsed))
    if (!used) {
      plannedOps[k].emitOpError("buffer '")
          << plannedOps[k].getName() << "' is not one the step uses";
      planMismatch = true;
    }
  if (planMismatch)
    return failure();
  // The network's part of the descriptor (snn-describe).
  for (auto op : network.getBody().getOps<DescriptorOp>())
    descriptorOp = op;
  if (!descriptorOp)
    return network.emitOpError("has no descriptor: run snn-describe before "
                               "convert-snn-to-core");
  // Its buffers must be the plan's (an edited plan, described before it
  // was edited, would have the runtime lay out another arena).
  json::Array planned;
  for (auto [k, decl] : llvm::enumerate(buffers))
    planned.push_back(bufferJSON(static_cast<int64_t>(k), decl.name,
                                 decl.type, decl.count, decl.viewOf,
                                 decl.viewAt));
  Attribute described = descriptorOp.getValue().get("buffers");
  if (!described ||
      attributeToJSON(described) != json::Value(std::move(planned)))
    return descriptorOp.emitOpError("does not describe the buffers of the "
                                    "plan: run snn-describe again");

  b.setInsertionPoint(network);
  loc = network.getLoc();
  if (failed(target->emitStep(*this)))
    return failure();

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

} // namespace mlir::snn::lowering

namespace {

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
                              "simulator exports one step)");
      return signalPassFailure();
    }
    std::unique_ptr<LoweringTarget> lowering =
        target == "gpu" ? createGPUTarget() : createCPUTarget(inlineLimit);
    for (NetworkOp network : networks)
      if (failed(NetworkLowering(network, *lowering).run()))
        return signalPassFailure();
  }
};

struct SNNPlanBuffersPass
    : mlir::snn::impl::SNNPlanBuffersBase<SNNPlanBuffersPass> {
  using SNNPlanBuffersBase::SNNPlanBuffersBase;
  void runOnOperation() override {
    if (target != "cpu" && target != "gpu") {
      getOperation().emitError("snn-plan-buffers: unknown target '")
          << target << "' (expected 'cpu' or 'gpu')";
      return signalPassFailure();
    }
    // The plan needs no code options: the CPU's inline limit is moot.
    std::unique_ptr<LoweringTarget> lowering =
        target == "gpu" ? createGPUTarget() : createCPUTarget(0);
    SmallVector<NetworkOp> networks(getOperation().getOps<NetworkOp>());
    for (NetworkOp network : networks)
      if (failed(NetworkLowering(network, *lowering).writePlan()))
        return signalPassFailure();
  }
};


} // namespace
