// The CUDA target's last edits before the lowering to the LLVM dialect:
// snn-gpu-drop-emulation (--target=cuda) removes the host emulation and the
// bodies it calls, by name (snn_emulate_*, snn_body_*), and keeps the rest
// (here a host copy of a kernel, --host-kernels); snn-gpu-drop-kernels
// (--target=cuda-emulate) removes gpu.module @snn_kernels and
// gpu.container_module.
// RUN: snn-opt %s -snn-gpu-drop-emulation | FileCheck %s --check-prefix=CUDA
// RUN: snn-opt %s -snn-gpu-drop-kernels | FileCheck %s --check-prefix=EMULATE

module attributes {gpu.container_module} {
  func.func private @snn_body_update(%a: memref<?xi8>) {
    return
  }
  func.func private @snn_body_build_rows_0(%a: memref<?xi8>) {
    return
  }
  func.func @snn_emulate_step(%a: memref<?xi8>) {
    func.call @snn_body_update(%a) : (memref<?xi8>) -> ()
    return
  }
  func.func @snn_emulate_build(%a: memref<?xi8>) {
    func.call @snn_body_build_rows_0(%a) : (memref<?xi8>) -> ()
    return
  }
  func.func @snn_hostk_snn_phase_update(%a: memref<?xi8>) {
    return
  }
  gpu.module @snn_kernels {
    gpu.func @snn_phase_update(%a: memref<?xi8>) kernel {
      gpu.return
    }
  }
  llvm.mlir.global external constant @snn_descriptor("{}\00") {addr_space = 0 : i32}
}

// CUDA: module attributes {gpu.container_module} {
// CUDA-NOT: snn_body_
// CUDA-NOT: snn_emulate_
// CUDA: func.func @snn_hostk_snn_phase_update(
// CUDA: gpu.module @snn_kernels
// CUDA: llvm.mlir.global external constant @snn_descriptor

// EMULATE: module {
// EMULATE: func.func private @snn_body_update(
// EMULATE: func.func private @snn_body_build_rows_0(
// EMULATE: func.func @snn_emulate_step(
// EMULATE: func.func @snn_emulate_build(
// EMULATE: func.func @snn_hostk_snn_phase_update(
// EMULATE-NOT: gpu.module
// EMULATE: llvm.mlir.global external constant @snn_descriptor
