//===- GPUToHost.cpp - The kernels as host functions ----------------------===//
//
// Part of snnc. Two passes that let a `--target=cuda` simulator carry host
// copies of its kernels, so that the fake CUDA driver
// (runtime/testing/fake_cuda.cpp) can run them when the runtime launches
// them through the driver API:
//
//   snn-gpu-kernels-to-host  gpu.func @K -> func.func @snn_hostk_K(..., ctx)
//   snn-host-kernel-table    (LLVM dialect) packed entry points and the table
//                            `snn_host_kernels` the fake driver looks up
//
// The contract is in docs/gpu-abi.md, "Host copies of the kernels".
//
//===----------------------------------------------------------------------===//

#include "snn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::snn {
#define GEN_PASS_DEF_SNNGPUKERNELSTOHOST
#define GEN_PASS_DEF_SNNHOSTKERNELTABLE
#include "snn/Conversion/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kKernelAttr = "snn.host_kernel";
constexpr llvm::StringLiteral kBarrierAttr = "snn.host_kernel_barrier";

/// Fields of the thread context, in i64 words.
enum CtxField : int32_t {
  kThread = 0,
  kBlock = 1,
  kBlockDim = 2,
  kGridDim = 3,
  kBarrier = 4, // a function pointer
};

/// A pointer to field `field` of the context.
Value ctxField(OpBuilder &b, Location loc, Value ctx, CtxField field) {
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  return b.create<LLVM::GEPOp>(loc, ptr, b.getI64Type(), ctx,
                               ArrayRef<LLVM::GEPArg>{int32_t(field)});
}

/// The value of a thread-identity op: the context's field in the x
/// dimension; index 0 (ids) or extent 1 (dims) in y and z.
Value threadValue(OpBuilder &b, Location loc, Value ctx, gpu::Dimension dim,
                  CtxField field) {
  if (dim != gpu::Dimension::x) {
    bool extent = field == kBlockDim || field == kGridDim;
    return b.create<arith::ConstantIndexOp>(loc, extent ? 1 : 0);
  }
  Value v = b.create<LLVM::LoadOp>(loc, b.getI64Type(),
                                   ctxField(b, loc, ctx, field));
  return b.create<arith::IndexCastOp>(loc, b.getIndexType(), v);
}

struct GPUKernelsToHostPass
    : mlir::snn::impl::SNNGPUKernelsToHostBase<GPUKernelsToHostPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    SmallVector<gpu::GPUFuncOp> kernels;
    for (auto gpuModule : module.getOps<gpu::GPUModuleOp>())
      for (auto func : gpuModule.getOps<gpu::GPUFuncOp>())
        if (func.isKernel())
          kernels.push_back(func);

    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    for (gpu::GPUFuncOp kernel : kernels) {
      Location loc = kernel.getLoc();
      if (!kernel.getWorkgroupAttributions().empty() ||
          !kernel.getPrivateAttributions().empty()) {
        kernel.emitOpError("has workgroup or private memory, which the host "
                           "copies of the kernels do not support");
        return signalPassFailure();
      }
      if (kernel.getFunctionType().getNumResults() != 0) {
        kernel.emitOpError("returns values: a kernel cannot");
        return signalPassFailure();
      }
      std::string name = ("snn_hostk_" + kernel.getName()).str();
      if (module.lookupSymbol(name)) {
        kernel.emitOpError("its host copy @")
            << name << " clashes with a symbol of the host module (two "
            << "kernels of this name?)";
        return signalPassFailure();
      }
      SmallVector<Type> inputs(kernel.getFunctionType().getInputs());
      inputs.push_back(ptrType);
      auto func =
          b.create<func::FuncOp>(loc, name, b.getFunctionType(inputs, {}));
      IRMapping map;
      kernel.getBody().cloneInto(&func.getBody(), map);
      Value ctxArg = func.getBody().front().addArgument(ptrType, loc);

      bool barrier = false;
      SmallVector<Operation *> gpuOps;
      func.walk([&](Operation *op) {
        if (isa_and_nonnull<gpu::GPUDialect>(op->getDialect()))
          gpuOps.push_back(op);
      });
      for (Operation *op : gpuOps) {
        OpBuilder ob(op);
        Location opLoc = op->getLoc();
        Value replacement;
        if (auto o = dyn_cast<gpu::ThreadIdOp>(op))
          replacement = threadValue(ob, opLoc, ctxArg, o.getDimension(), kThread);
        else if (auto o = dyn_cast<gpu::BlockIdOp>(op))
          replacement = threadValue(ob, opLoc, ctxArg, o.getDimension(), kBlock);
        else if (auto o = dyn_cast<gpu::BlockDimOp>(op))
          replacement =
              threadValue(ob, opLoc, ctxArg, o.getDimension(), kBlockDim);
        else if (auto o = dyn_cast<gpu::GridDimOp>(op))
          replacement =
              threadValue(ob, opLoc, ctxArg, o.getDimension(), kGridDim);
        else if (isa<gpu::BarrierOp>(op)) {
          barrier = true;
          Value fn = ob.create<LLVM::LoadOp>(
              opLoc, ptrType, ctxField(ob, opLoc, ctxArg, kBarrier));
          auto type = LLVM::LLVMFunctionType::get(
              LLVM::LLVMVoidType::get(ctx), {ptrType});
          ob.create<LLVM::CallOp>(opLoc, type, ValueRange{fn, ctxArg});
          op->erase();
          continue;
        } else if (isa<gpu::ReturnOp>(op)) {
          ob.create<func::ReturnOp>(opLoc);
          op->erase();
          continue;
        } else {
          op->emitOpError("cannot run in a host copy of kernel @")
              << kernel.getName();
          return signalPassFailure();
        }
        op->getResult(0).replaceAllUsesWith(replacement);
        op->erase();
      }
      func->setAttr(kKernelAttr, b.getStringAttr(kernel.getName()));
      if (barrier)
        func->setAttr(kBarrierAttr, b.getUnitAttr());
    }
  }
};

struct HostKernelTablePass
    : mlir::snn::impl::SNNHostKernelTableBase<HostKernelTablePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i64Type = IntegerType::get(ctx, 64);
    auto voidType = LLVM::LLVMVoidType::get(ctx);

    struct Entry {
      std::string kernel;
      LLVM::LLVMFuncOp wrapper;
      LLVM::GlobalOp name;
      int64_t params = 0;
      bool barrier = false;
    };
    SmallVector<Entry> entries;
    SmallVector<LLVM::LLVMFuncOp> copies;
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
      if (fn->hasAttr(kKernelAttr))
        copies.push_back(fn);
    if (copies.empty())
      return; // nothing to do: no snn-gpu-kernels-to-host before

    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    for (LLVM::LLVMFuncOp fn : copies) {
      Location loc = fn.getLoc();
      auto kernelName = fn->getAttrOfType<StringAttr>(kKernelAttr);
      if (!kernelName) {
        fn.emitOpError("has a ") << kKernelAttr << " that is not a string";
        return signalPassFailure();
      }
      LLVM::LLVMFunctionType type = fn.getFunctionType();
      ArrayRef<Type> params = type.getParams();
      if (params.empty() || !isa<LLVM::LLVMPointerType>(params.back()) ||
          type.isVarArg() || !isa<LLVM::LLVMVoidType>(type.getReturnType())) {
        fn.emitOpError("is not a host copy of a kernel: expected "
                       "(..., !llvm.ptr) -> void");
        return signalPassFailure();
      }
      for (auto [i, t] : llvm::enumerate(params.drop_back()))
        if (!isa<LLVM::LLVMPointerType>(t) && !t.isInteger(64)) {
          fn.emitOpError("parameter ")
              << i << " has type " << t
              << ": the host copies of the kernels take pointers and i64 "
                 "only (the fake driver copies 8 bytes per parameter)";
          return signalPassFailure();
        }

      Entry e;
      e.kernel = kernelName.getValue().str();
      e.params = int64_t(params.size()) - 1;
      e.barrier = fn->hasAttr(kBarrierAttr);
      fn->removeAttr(kKernelAttr);
      fn->removeAttr(kBarrierAttr);

      // snn_hostw_K(params, ctx): the arguments from *params[i].
      e.wrapper = b.create<LLVM::LLVMFuncOp>(
          loc, "snn_hostw_" + e.kernel,
          LLVM::LLVMFunctionType::get(voidType, {ptrType, ptrType}),
          LLVM::Linkage::Internal);
      {
        OpBuilder::InsertionGuard guard(b);
        Block *entry = e.wrapper.addEntryBlock(b);
        b.setInsertionPointToStart(entry);
        SmallVector<Value> args;
        for (auto [i, t] : llvm::enumerate(params.drop_back())) {
          Value slot = b.create<LLVM::GEPOp>(
              loc, ptrType, ptrType, entry->getArgument(0),
              ArrayRef<LLVM::GEPArg>{int32_t(i)});
          Value at = b.create<LLVM::LoadOp>(loc, ptrType, slot);
          args.push_back(b.create<LLVM::LoadOp>(loc, t, at));
        }
        args.push_back(entry->getArgument(1));
        b.create<LLVM::CallOp>(loc, fn, args);
        b.create<LLVM::ReturnOp>(loc, ValueRange{});
      }
      std::string text = e.kernel;
      text.push_back('\0');
      e.name = b.create<LLVM::GlobalOp>(
          loc, LLVM::LLVMArrayType::get(b.getI8Type(), text.size()),
          /*isConstant=*/true, LLVM::Linkage::Private,
          "snn_hostn_" + e.kernel, b.getStringAttr(text));
      entries.push_back(e);
    }

    // The table, terminated by an entry of zeros.
    auto entryType = LLVM::LLVMStructType::getLiteral(
        ctx, {ptrType, ptrType, i64Type, i64Type});
    auto tableType = LLVM::LLVMArrayType::get(entryType, entries.size() + 1);
    Location loc = module.getLoc();
    if (module.lookupSymbol("snn_host_kernels")) {
      module.emitError("snn-host-kernel-table: the module already has a "
                       "symbol @snn_host_kernels");
      return signalPassFailure();
    }
    auto table = b.create<LLVM::GlobalOp>(loc, tableType, /*isConstant=*/true,
                                          LLVM::Linkage::External,
                                          "snn_host_kernels", Attribute());
    Block *init = b.createBlock(&table.getInitializerRegion());
    b.setInsertionPointToStart(init);
    Value value = b.create<LLVM::ZeroOp>(loc, tableType);
    for (auto [k, e] : llvm::enumerate(entries)) {
      int64_t at = int64_t(k);
      Value fields[] = {
          b.create<LLVM::AddressOfOp>(loc, e.name),
          b.create<LLVM::AddressOfOp>(loc, e.wrapper),
          b.create<LLVM::ConstantOp>(loc, i64Type, e.params),
          b.create<LLVM::ConstantOp>(loc, i64Type, e.barrier ? 1 : 0)};
      for (auto [f, v] : llvm::enumerate(fields))
        value = b.create<LLVM::InsertValueOp>(
            loc, value, v, ArrayRef<int64_t>{at, int64_t(f)});
    }
    b.create<LLVM::ReturnOp>(loc, value);
  }
};

} // namespace
