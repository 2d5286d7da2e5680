//===- GPUKernels.h - names shared by the GPU lowering's passes -*- C++ -*-===//
//
// Part of snnc. What convert-snn-to-core{target=gpu} marks its bodies with
// and the symbols snn-gpu-outline-kernels makes of them: the naming
// convention of docs/gpu-abi.md, which the descriptor's "gpu" section
// (written by the conversion) names and the runtime looks up.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_CONVERSION_GPUKERNELS_H
#define SNN_CONVERSION_GPUKERNELS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <string>

namespace mlir::snn::gpu_kernels {

/// On `func.func @snn_body_<phase>`: the phase's name (string) and its place
/// in the step (0, 1, ...: the order the kernels run in).
constexpr llvm::StringLiteral kPhaseAttr = "snn.phase";
constexpr llvm::StringLiteral kPhaseIndexAttr = "snn.phase_index";
/// On a build kernel's body: the kernel's symbol (string) and its number
/// for snn_emulate_build (the descriptor's "emulate").
constexpr llvm::StringLiteral kBuildKernelAttr = "snn.build_kernel";
constexpr llvm::StringLiteral kBuildIndexAttr = "snn.build_index";

/// Every function the host emulation is made of starts with one of these.
constexpr llvm::StringLiteral kBodyPrefix = "snn_body_";
constexpr llvm::StringLiteral kEmulatePrefix = "snn_emulate_";

constexpr llvm::StringLiteral kKernelModule = "snn_kernels";
constexpr llvm::StringLiteral kPersistentKernel = "snn_persistent";
constexpr llvm::StringLiteral kEmulateStep = "snn_emulate_step";
constexpr llvm::StringLiteral kEmulateBuild = "snn_emulate_build";

/// The body of phase `phase`, and its grid-stride kernel.
inline std::string phaseBodyName(llvm::StringRef phase) {
  return (llvm::Twine(kBodyPrefix) + phase).str();
}
inline std::string phaseKernelName(llvm::StringRef phase) {
  return (llvm::Twine("snn_phase_") + phase).str();
}

} // namespace mlir::snn::gpu_kernels

#endif // SNN_CONVERSION_GPUKERNELS_H
