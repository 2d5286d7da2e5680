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
  Core,        // after convert-snn-to-core: scf/arith/math/memref/func
  LLVMDialect, // the LLVM dialect
  LLVMIR,      // LLVM IR, optimized
  Asm,         // native assembly
  Object,      // native object file
  Executable,  // the linked simulator (default)
};

/// snn-integrate.
void populateIntegratePipeline(mlir::OpPassManager &pm);
/// convert-snn-to-core and clean-ups.
void populateCorePipeline(mlir::OpPassManager &pm);
/// Core dialects to the LLVM dialect.
void populateLLVMPipeline(mlir::OpPassManager &pm);

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
