//===- Registration.cpp - What snnc and snn-opt register ------------------===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#include "snn/Compiler/Registration.h"
#include "snn/Compiler/Pipeline.h"
#include "snn/Conversion/Passes.h"
#include "snn/Dialect/SNN/SNNDialect.h"
#include "snn/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

void ::snn::compiler::registerDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::snn::SNNDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::math::MathDialect,
                  mlir::scf::SCFDialect, mlir::cf::ControlFlowDialect,
                  mlir::memref::MemRefDialect, mlir::LLVM::LLVMDialect,
                  mlir::gpu::GPUDialect, mlir::NVVM::NVVMDialect,
                  mlir::vector::VectorDialect>();
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  // The CUDA target: gpu.module -> NVVM -> PTX.
  mlir::registerGPUDialectTranslation(registry);
  mlir::registerNVVMDialectTranslation(registry);
  mlir::NVVM::registerNVVMTargetInterfaceExternalModels(registry);
}

namespace {

/// The options of snn-opt's `snn-to-core` pipeline: snnc's own.
struct SNNToCoreOptions
    : public mlir::PassPipelineOptions<SNNToCoreOptions> {
  Option<snn::compiler::Target> target{
      *this, "target", llvm::cl::desc("What the simulator runs on"),
      llvm::cl::init(snn::compiler::Target::CPU),
      llvm::cl::values(
          clEnumValN(snn::compiler::Target::CPU, "cpu", "the CPU"),
          clEnumValN(snn::compiler::Target::CUDA, "gpu",
                     "CUDA (and its emulation: the same kernels)"))};
  ListOption<std::string> storage{
      *this, "storage",
      llvm::cl::desc("projection=kind choices, as snnc's --storage")};
  Option<int64_t> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Width of the vectors of neurons (0: scalar)"),
      llvm::cl::init(512)};
  Option<bool> mergeGroups{
      *this, "merge-groups",
      llvm::cl::desc("Merge populations of one code (snn-merge-groups)"),
      llvm::cl::init(true)};
  Option<bool> hoistTraces{
      *this, "hoist-traces",
      llvm::cl::desc("Hold synapse traces per neuron where exact "
                     "(snn-hoist-traces)"),
      llvm::cl::init(true)};
  Option<bool> preciseMath{*this, "precise-math",
                           llvm::cl::desc("Keep libm's exp"),
                           llvm::cl::init(false)};
};

} // namespace

void ::snn::compiler::registerPasses() {
  // snnc's pipeline from the snn dialect to core (what --emit=core prints),
  // so that snn-opt replays it: every stage's passes, in order.
  static mlir::PassPipelineRegistration<SNNToCoreOptions> snnToCore(
      "snn-to-core",
      "snnc's pipeline from the snn dialect to scf/memref/vector (as "
      "snnc --emit=core): integrate, specialize, select storage, schedule, "
      "merge groups, plan buffers, convert, vectorize",
      [](mlir::OpPassManager &pm, const SNNToCoreOptions &options) {
        Target target = options.target;
        std::vector<std::string> storage(options.storage.begin(),
                                         options.storage.end());
        populateIntegratePipeline(pm);
        populateSpecializePipeline(pm);
        // (The pass copies the choices when it is created.)
        populateStoragePipeline(pm, target, storage);
        populateSchedulePipeline(pm, target, options.mergeGroups,
                                 options.hoistTraces);
        populatePlanPipeline(pm, target);
        CoreOptions core;
        core.vectorBits = options.vectorBits;
        core.preciseMath = options.preciseMath;
        populateCorePipeline(pm, target, core);
      });

  mlir::snn::registerSNNTransformsPasses();
  mlir::snn::registerSNNConversionPasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerLoopInvariantCodeMotionPass();
  mlir::registerSCCPPass();
  // The lowering to the LLVM dialect.
  mlir::registerSCFToControlFlowPass();
  mlir::registerConvertControlFlowToLLVMPass();
  mlir::registerArithToLLVMConversionPass();
  mlir::registerConvertMathToLLVMPass();
  mlir::registerConvertVectorToLLVMPass();
  mlir::registerConvertMathToLibmPass();
  mlir::registerFinalizeMemRefToLLVMConversionPass();
  mlir::registerConvertFuncToLLVMPass();
  mlir::registerReconcileUnrealizedCastsPass();
  // The lowering of kernels to PTX.
  mlir::registerConvertGpuOpsToNVVMOpsPass();
  mlir::registerGpuNVVMAttachTargetPass();
  mlir::registerGpuModuleToBinaryPass();
}
