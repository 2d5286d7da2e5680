//===- Registration.h - What snnc and snn-opt register ----------*- C++ -*-===//
//
// Part of snnc. Only the dialects and passes snnc uses: including MLIR's
// InitAllDialects.h costs ~40 s of compile time per file.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_COMPILER_REGISTRATION_H
#define SNN_COMPILER_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace snn::compiler {
/// snn, builtin, func, arith, math, scf, cf, memref, llvm (+ LLVM IR
/// translation interfaces).
void registerDialects(mlir::DialectRegistry &registry);
/// The snn passes and conversions, and the upstream passes of the pipeline.
void registerPasses();
} // namespace snn::compiler

#endif // SNN_COMPILER_REGISTRATION_H
