//===- Pipeline.cpp - snnc's compilation pipeline -------------------------===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#include "snn/Compiler/Pipeline.h"
#include "snn/Conversion/Passes.h"
#include "snn/Dialect/SNN/SNNAttributes.h"
#include "snn/Transforms/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/PostOrderIterator.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

using namespace mlir;

namespace snn::compiler {

void populateIntegratePipeline(OpPassManager &pm) {
  // No NaN or inf from numbers and parameters: in the equations as written,
  // then in what integration derived from them (the Jacobian).
  pm.addPass(mlir::snn::createSNNCheckFinite());
  pm.addPass(mlir::snn::createSNNIntegrate());
  pm.addPass(mlir::snn::createSNNCheckFinite());
}

void populateSpecializePipeline(OpPassManager &pm) {
  pm.addPass(mlir::snn::createSNNSpecialize());
}

void populateStoragePipeline(OpPassManager &pm, Target target,
                             llvm::ArrayRef<std::string> force) {
  mlir::snn::SNNSelectStorageOptions options;
  options.target = target == Target::CPU ? "cpu" : "gpu";
  options.force = force; // an ArrayRef: `force` outlives the pass creation
  pm.addPass(mlir::snn::createSNNSelectStorage(options));
}

bool isStorageKind(llvm::StringRef kind) {
  return mlir::snn::symbolizeStorageKind(kind).has_value();
}

std::string storageKindList() { return mlir::snn::storageKindList(); }

void populateSchedulePipeline(OpPassManager &pm, Target target,
                              bool mergeGroups, bool hoistTraces) {
  if (hoistTraces)
    pm.addPass(mlir::snn::createSNNHoistTraces());
  mlir::snn::SNNScheduleStepOptions options;
  options.target = target == Target::CPU ? "cpu" : "gpu";
  pm.addPass(mlir::snn::createSNNScheduleStep(options));
  if (mergeGroups)
    pm.addPass(mlir::snn::createSNNMergeGroups());
}

void populatePlanPipeline(OpPassManager &pm, Target target) {
  mlir::snn::SNNPlanBuffersOptions options;
  options.target = target == Target::CPU ? "cpu" : "gpu";
  pm.addPass(mlir::snn::createSNNPlanBuffers(options));
}

void populateCorePipeline(OpPassManager &pm, Target target,
                          const CoreOptions &core) {
  mlir::snn::ConvertSNNToCoreOptions options;
  options.target = target == Target::CPU ? "cpu" : "gpu";
  // The network's part of the descriptor, from the plan as it is now.
  pm.addPass(mlir::snn::createSNNDescribe());
  pm.addPass(mlir::snn::createConvertSNNToCore(options));
  // The kernels and the host emulation from the phase and build bodies,
  // before any clean-up: what follows treats kernels and bodies alike.
  if (target != Target::CPU)
    pm.addPass(mlir::snn::createSNNGPUOutlineKernels());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createLoopInvariantCodeMotionPass());
  // The per-neuron loops over vectors (CPU; the marker is only set there),
  // and exp as a polynomial that vectorizes, the same on every target so
  // that CPU, emulation and GPU agree.
  mlir::snn::SNNVectorizeLoopsOptions vectorize;
  vectorize.vectorBits = core.vectorBits;
  pm.addNestedPass<func::FuncOp>(mlir::snn::createSNNVectorizeLoops(vectorize));
  if (!core.preciseMath)
    pm.addPass(mlir::snn::createSNNExpandExp());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

namespace {

/// Converts only the `Illegal` ops under `op` with `patterns`; the rest is
/// left alone.
template <typename... Illegal>
LogicalResult convertOnly(Operation *op, RewritePatternSet &&patterns) {
  ConversionTarget target(*op->getContext());
  target.addIllegalOp<Illegal...>();
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  return applyPartialConversion(op, target, std::move(patterns));
}

/// math.log1p and math.expm1 as libm calls. MathToLLVM would expand them to
/// log(1 + x) and exp(x) - 1, which lose the precision these functions exist
/// for (and would differ from the runtime's std::log1p, which the device
/// connectivity draws must match bit for bit).
struct PreciseLibmPass
    : public PassWrapper<PreciseLibmPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(PreciseLibmPass)
  StringRef getArgument() const final { return "snn-precise-libm"; }
  StringRef getDescription() const final {
    return "math.log1p and math.expm1 to libm calls";
  }
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathToLibmConversionPatterns(patterns);
    if (failed(convertOnly<math::Log1pOp, math::ExpM1Op>(getOperation(),
                                                          std::move(patterns))))
      signalPassFailure();
  }
};

/// math.fma, math.ctpop and math.cttz as LLVM intrinsics in the kernels
/// (snn-expand-exp's polynomial uses fma, dense storage's row walk the bit
/// counts): convert-gpu-to-nvvm leaves them alone. Nothing else changes.
struct KernelIntrinsicsPass
    : public PassWrapper<KernelIntrinsicsPass, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(KernelIntrinsicsPass)
  StringRef getArgument() const final { return "snn-kernel-intrinsics"; }
  StringRef getDescription() const final {
    return "math.fma, math.ctpop, math.cttz to LLVM intrinsics";
  }
  void runOnOperation() override {
    LLVMTypeConverter converter(&getContext());
    RewritePatternSet patterns(&getContext());
    populateMathToLLVMConversionPatterns(converter, patterns);
    if (failed(convertOnly<math::FmaOp, math::CtPopOp,
                           math::CountTrailingZerosOp>(getOperation(),
                                                       std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void populateHostKernelsPipeline(OpPassManager &pm) {
  pm.addPass(mlir::snn::createSNNGPUKernelsToHost());
}

void populateLLVMPipeline(OpPassManager &pm, bool hostKernelTable) {
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(std::make_unique<PreciseLibmPass>());
  // Intrinsics where LLVM has them, libm calls for the rest.
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  if (hostKernelTable)
    pm.addPass(mlir::snn::createSNNHostKernelTable());
}

namespace {

/// Whether `cpu` names a processor of `target` for `triple`; otherwise
/// `error` says so, with the closest valid name. Asks the subtarget's table
/// (creating a subtarget for an unknown CPU would print LLVM's own warning).
bool checkProcessor(const llvm::Target &target, const std::string &triple,
                    const std::string &cpu, const std::string &option,
                    const std::string &generic, const std::string &what,
                    std::string &error) {
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target.createMCSubtargetInfo(triple, generic, ""));
  if (!sti) {
    error = "cannot describe the processors of " + triple;
    return false;
  }
  std::vector<std::string> names;
  for (const llvm::SubtargetSubTypeKV &kv : sti->getAllProcessorDescriptions()) {
    if (cpu == kv.Key)
      return true;
    names.push_back(kv.Key);
  }
  error = option + ": '" + cpu + "' is not " + what;
  // The closest name by edit distance, when it is close.
  std::string best;
  unsigned bestDistance = ~0u;
  for (const std::string &n : names) {
    unsigned d = llvm::StringRef(n).edit_distance(cpu, true, 4);
    if (d < bestDistance) {
      bestDistance = d;
      best = n;
    }
  }
  if (!best.empty() && bestDistance <= std::max<size_t>(1, cpu.size() / 3))
    error += " (did you mean '" + best + "'?)";
  return false;
}

} // namespace

bool checkTargetCPU(const std::string &cpu, std::string &error) {
  if (cpu == "native")
    return true;
  if (cpu.empty()) {
    error = "--cpu: empty processor name (use 'native', or a processor such "
            "as 'x86-64-v3'; `llc -mcpu=help` lists them)";
    return false;
  }
  llvm::InitializeNativeTarget();
  std::string triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return false;
  if (!checkProcessor(*target, triple, cpu, "--cpu", "generic",
                      "a processor of " + triple, error)) {
    error += "; `llc -mcpu=help` lists them, 'native' is this host";
    return false;
  }
  return true;
}

} // namespace snn::compiler

extern "C" void LLVMInitializeNVPTXTargetInfo();
extern "C" void LLVMInitializeNVPTXTarget();
extern "C" void LLVMInitializeNVPTXTargetMC();

namespace snn::compiler {

bool checkGPUArch(const std::string &chip, std::string &error) {
  llvm::StringRef digits(chip);
  if (!digits.consume_front("sm_") || digits.empty() ||
      !std::isdigit(static_cast<unsigned char>(digits.front()))) {
    error = "--gpu-arch: expected an architecture like sm_80 or sm_90, not '" +
            chip + "'";
    return false;
  }
  LLVMInitializeNVPTXTargetInfo();
  LLVMInitializeNVPTXTarget();
  LLVMInitializeNVPTXTargetMC();
  std::string triple = "nvptx64-nvidia-cuda";
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return false;
  return checkProcessor(*target, triple, chip, "--gpu-arch", "sm_52",
                        "an NVIDIA GPU architecture that LLVM's NVPTX "
                        "backend knows",
                        error);
}

std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const std::string &cpu, std::string &error) {
  if (!checkTargetCPU(cpu, error))
    return nullptr;
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpuName = cpu;
  std::string features;
  if (cpu == "native") {
    cpuName = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures featureSet;
    for (auto &f : llvm::sys::getHostCPUFeatures())
      featureSet.AddFeature(f.first(), f.second);
    features = featureSet.getString();
  }
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpuName, features, options, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    error = "cannot create a target machine for " + triple + " (cpu " +
            cpuName + ")";
  return tm;
}

std::unique_ptr<llvm::Module>
translateAndOptimize(ModuleOp module, llvm::LLVMContext &context,
                                    llvm::TargetMachine &tm, int optLevel,
                                    std::string &error) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, "snn_model");
  if (!llvmModule) {
    error = "translation to LLVM IR failed";
    return nullptr;
  }
  llvmModule->setTargetTriple(tm.getTargetTriple().str());
  llvmModule->setDataLayout(tm.createDataLayout());
  // MLIR 19's translation lays a function's blocks out in an order that
  // changes from run to run (a switch's targets came out shuffled), and
  // the optimizer and the code follow it: the same model gave different
  // LLVM IR and objects. Blocks in reverse post-order, a function of the
  // control flow alone, make the build reproducible.
  for (llvm::Function &f : *llvmModule) {
    if (f.isDeclaration())
      continue;
    llvm::BasicBlock *previous = nullptr;
    for (llvm::BasicBlock *block :
         llvm::ReversePostOrderTraversal<llvm::Function *>(&f)) {
      if (previous)
        block->moveAfter(previous);
      previous = block;
    }
  }
  if (optLevel <= 0)
    return llvmModule;

  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel == 1   ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(level);
  mpm.run(*llvmModule, mam);
  return llvmModule;
}

bool emitNativeCode(llvm::Module &module,
                                   llvm::TargetMachine &tm, bool asm_,
                                   llvm::raw_pwrite_stream &os,
                                   std::string &error) {
  llvm::legacy::PassManager pm;
  auto type = asm_ ? llvm::CodeGenFileType::AssemblyFile
                   : llvm::CodeGenFileType::ObjectFile;
  if (tm.addPassesToEmitFile(pm, os, nullptr, type)) {
    error = "the target cannot emit this file type";
    return false;
  }
  pm.run(module);
  return true;
}

//===----------------------------------------------------------------------===//
// CUDA
//===----------------------------------------------------------------------===//

std::string findCUDAPath() {
  for (const char *var : {"CUDA_PATH", "CUDA_HOME"})
    if (const char *value = std::getenv(var); value && *value &&
                                              llvm::sys::fs::is_directory(value))
      return value;
#ifdef SNN_CUDA_PATH
  if (llvm::sys::fs::is_directory(SNN_CUDA_PATH))
    return SNN_CUDA_PATH;
#endif
  if (llvm::sys::fs::is_directory("/usr/local/cuda"))
    return "/usr/local/cuda";
  return "";
}

void populateNVVMPipeline(OpPassManager &pm, const GPUOptions &options) {
  GpuNVVMAttachTargetOptions attach;
  attach.moduleMatcher = "snn_kernels";
  attach.chip = options.chip;
  attach.optLevel = static_cast<unsigned>(options.optLevel);
  pm.addPass(createGpuNVVMAttachTarget(attach));
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.indexBitwidth = 64;
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(createConvertSCFToCFPass());
  device.addPass(std::make_unique<KernelIntrinsicsPass>());
  device.addPass(createConvertGpuOpsToNVVMOps(nvvm));
  pm.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = options.cudaPath;
  binary.compilationTarget = "isa"; // PTX; ptxas runs separately
  pm.addPass(createGpuModuleToBinaryPass(binary));
  mlir::snn::SNNGPUEmbedImageOptions image;
  image.chip = options.chip;
  image.cudaPath = options.cudaPath;
  image.optLevel = options.optLevel;
  image.ptxas = options.assemble;
  pm.addPass(mlir::snn::createSNNGPUEmbedImage(image));
  pm.addPass(mlir::snn::createSNNGPUDropEmulation());
}

void populateEmulatePipeline(OpPassManager &pm) {
  pm.addPass(mlir::snn::createSNNGPUDropKernels());
}

bool embeddedPTX(ModuleOp module, std::string &ptx) {
  auto global = module.lookupSymbol<LLVM::GlobalOp>("snn_gpu_ptx");
  auto text = global ? dyn_cast_or_null<StringAttr>(global.getValueOrNull())
                     : StringAttr();
  if (!text)
    return false;
  ptx = text.getValue().str();
  while (!ptx.empty() && ptx.back() == '\0')
    ptx.pop_back();
  return true;
}

} // namespace snn::compiler
