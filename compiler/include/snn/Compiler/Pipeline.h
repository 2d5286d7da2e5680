//===- Pipeline.h - snnc's compilation pipeline -----------------*- C++ -*-===//
//
// Part of snnc. The pipeline as library functions, shared by the driver and
// the tests: snn -> integrated snn -> core dialects -> LLVM dialect -> LLVM IR
// -> native code.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_COMPILER_PIPELINE_H
#define SNN_COMPILER_PIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace snn::compiler {

/// The stages `snnc --emit=` can stop after, in pipeline order.
enum class Stage {
  AST,         // the checked model, as normalized JSON
  SNN,         // the snn dialect as generated from the model
  Integrated,  // after snn-integrate
  Specialized, // after snn-specialize
  Storage,     // after snn-select-storage
  Scheduled,   // after snn-schedule-step
  Planned,     // after snn-plan-buffers
  Core,        // after convert-snn-to-core: scf/arith/math/memref/func
  PTX,         // the kernels' PTX (CUDA target)
  LLVMDialect, // the LLVM dialect
  LLVMIR,      // LLVM IR, optimized
  Asm,         // native assembly
  Object,      // native object file
  Executable,  // the linked simulator (default)
};

/// snn-integrate.
void populateIntegratePipeline(mlir::OpPassManager &pm);
/// What the simulator runs on.
enum class Target {
  CPU,         // snn_update + snn_propagate, per thread (docs/runtime-abi.md)
  CUDA,        // phases as CUDA kernels (docs/gpu-abi.md)
  CUDAEmulate, // the same phases run on the host, for testing
};

/// snn-specialize: one model per parameter set, parameters as constants.
void populateSpecializePipeline(mlir::OpPassManager &pm);

/// snn-select-storage for `target`, with `force` entries
/// ("projection=kind") overriding its cost model.
void populateStoragePipeline(mlir::OpPassManager &pm, Target target,
                             llvm::ArrayRef<std::string> force = {});

/// Whether `kind` names a storage kind (#snn.storage).
bool isStorageKind(llvm::StringRef kind);
/// The storage kinds' names, for messages: "csr, procedural or dense".
std::string storageKindList();

/// With `hoistTraces`, snn-hoist-traces (synapse traces held per neuron
/// where that is exact); snn-schedule-step for `target`: the step's phases
/// and their order; then, with `mergeGroups`, snn-merge-groups (populations
/// of one code updated in one loop).
void populateSchedulePipeline(mlir::OpPassManager &pm, Target target,
                              bool mergeGroups = true,
                              bool hoistTraces = true);

/// snn-plan-buffers for `target`: the arena's buffers, in order.
void populatePlanPipeline(mlir::OpPassManager &pm, Target target);

/// Choices of the core pipeline.
struct CoreOptions {
  /// Width of the vectors of neurons (snn-vectorize-loops).
  int64_t vectorBits = 512;
  /// Keep libm's exp (no snn-expand-exp): slower, correctly rounded.
  bool preciseMath = false;
};

/// snn-describe, convert-snn-to-core (for `target`; on the GPU targets followed by
/// snn-gpu-outline-kernels), clean-ups, vectorization of the per-neuron
/// loops and of exp.
void populateCorePipeline(mlir::OpPassManager &pm, Target target = Target::CPU,
                          const CoreOptions &options = {});

/// How kernels are compiled for the CUDA target.
struct GPUOptions {
  std::string chip = "sm_80";  // PTX target and cubin architecture
  std::string cudaPath;        // CUDA Toolkit root, for libdevice and ptxas
  int optLevel = 3;
  /// Run ptxas (when found) for a cubin; otherwise the image is PTX only.
  bool assemble = true;
};

/// The CUDA Toolkit root: $CUDA_PATH, $CUDA_HOME, the one found when snnc
/// was built, or /usr/local/cuda; empty when none of them exists.
std::string findCUDAPath();

/// `gpu.module @snn_kernels` -> NVVM -> PTX in-process (LLVM's NVPTX
/// backend, libdevice linked from the toolkit when present), then
/// snn-gpu-embed-image (the PTX, and a cubin when `options.assemble` and
/// ptxas is found, as the image globals snn_gpu_*; fails when the PTX needs
/// libdevice functions that were not linked, or ptxas fails) and
/// snn-gpu-drop-emulation (a CUDA simulator never calls the host emulation,
/// and compiling it would only cost time): host code and the image remain.
void populateNVVMPipeline(mlir::OpPassManager &pm, const GPUOptions &options);

/// --target=cuda-emulate: snn-gpu-drop-kernels (the device module goes, the
/// host emulation stays).
void populateEmulatePipeline(mlir::OpPassManager &pm);

/// The PTX held by the global snn_gpu_ptx (after snn-gpu-embed-image),
/// without its NUL; false when there is none.
bool embeddedPTX(mlir::ModuleOp module, std::string &ptx);

/// --host-kernels: host copies of the kernels (snn-gpu-kernels-to-host), for
/// the fake CUDA driver. Runs before populateNVVMPipeline, which consumes
/// the gpu.module.
void populateHostKernelsPipeline(mlir::OpPassManager &pm);

/// Core dialects to the LLVM dialect; with `hostKernelTable`, then the
/// packed entry points and the table of the host copies of the kernels
/// (snn-host-kernel-table).
void populateLLVMPipeline(mlir::OpPassManager &pm,
                          bool hostKernelTable = false);

/// Whether `cpu` is "native" or a processor LLVM knows for this host's
/// target (x86-64 CPUs on x86-64); otherwise a message for --cpu, with the
/// closest valid name.
bool checkTargetCPU(const std::string &cpu, std::string &error);

/// Whether `chip` is an NVPTX architecture LLVM knows ("sm_80"); otherwise a
/// message for --gpu-arch.
bool checkGPUArch(const std::string &chip, std::string &error);

/// A target machine for this host (cpu "native") or the named CPU, with the
/// PIC relocation model that PIE executables need.
std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const std::string &cpu, std::string &error);

/// Translates an LLVM-dialect module to LLVM IR for `tm` and runs LLVM's
/// optimization pipeline at `optLevel` (0-3).
std::unique_ptr<llvm::Module> translateAndOptimize(mlir::ModuleOp module,
                                                   llvm::LLVMContext &context,
                                                   llvm::TargetMachine &tm,
                                                   int optLevel,
                                                   std::string &error);

/// Writes assembly or an object file for `module`.
bool emitNativeCode(llvm::Module &module, llvm::TargetMachine &tm, bool asm_,
                    llvm::raw_pwrite_stream &os, std::string &error);

} // namespace snn::compiler

#endif // SNN_COMPILER_PIPELINE_H
