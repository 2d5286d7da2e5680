// snn-gpu-embed-image: the PTX of gpu.binary @snn_kernels (its trailing NULs
// dropped) and, with ptxas, the cubin, as the host globals of
// docs/gpu-abi.md ("Host symbols"); the binary and gpu.container_module go.
// ptxas is <cuda-path>/bin/ptxas: here stand-ins that succeed or fail.
// RUN: snn-opt %s -snn-gpu-embed-image="ptxas=false chip=sm_90" | FileCheck %s --check-prefixes=CHECK,PTXONLY
// RUN: snn-opt %s -snn-gpu-embed-image="chip=sm_90 opt-level=2 cuda-path=%S/inputs/cuda-ok" | FileCheck %s --check-prefixes=CHECK,CUBIN
// Without ptxas=false the failing stand-in is an error, with its log.
// RUN: snn-opt %s -snn-gpu-embed-image="ptxas=false cuda-path=%S/inputs/cuda-failing" | FileCheck %s --check-prefixes=CHECK,PTXONLY-SM80
// RUN: not snn-opt %s -snn-gpu-embed-image="cuda-path=%S/inputs/cuda-failing" 2>&1 | FileCheck %s --check-prefix=PTXAS

module attributes {gpu.container_module} {
  func.func @snn_emulate_step() {
    return
  }
  gpu.binary @snn_kernels [#gpu.object<#nvvm.target<chip = "sm_90">, "//\0A.version 8.0\0A.target sm_90\0A.address_size 64\0A\00\00">]
  llvm.mlir.global external constant @snn_descriptor("{}\00") {addr_space = 0 : i32}
}

// CHECK: module {
// CHECK-NOT: gpu.binary
// CHECK: func.func @snn_emulate_step()
// CHECK-NOT: gpu.binary
// CHECK: llvm.mlir.global external constant @snn_descriptor
// CHECK-NEXT: llvm.mlir.global external constant @snn_gpu_ptx("//\0A.version 8.0\0A.target sm_90\0A.address_size 64\0A\00") {addr_space = 0 : i32}
// PTXONLY-NEXT: llvm.mlir.global external constant @snn_gpu_cubin("\00") {addr_space = 0 : i32}
// PTXONLY-NEXT: llvm.mlir.global external constant @snn_gpu_arch("sm_90\00") {addr_space = 0 : i32}
// PTXONLY-NEXT: llvm.mlir.global external constant @snn_gpu_cubin_size(0 : i64) {addr_space = 0 : i32} : i64
// CUBIN-NEXT: llvm.mlir.global external constant @snn_gpu_cubin("cubin -arch=sm_90 -O2") {addr_space = 0 : i32}
// CUBIN-NEXT: llvm.mlir.global external constant @snn_gpu_arch("sm_90\00") {addr_space = 0 : i32}
// CUBIN-NEXT: llvm.mlir.global external constant @snn_gpu_cubin_size(21 : i64) {addr_space = 0 : i32} : i64
// PTXONLY-SM80: @snn_gpu_arch("sm_80\00")
// CHECK-NOT: gpu.binary

// PTXAS: error: {{.*}}inputs/cuda-failing/bin/ptxas -arch=sm_80 failed:
// PTXAS-NEXT: ptxas fatal   : Unresolved extern function 'f'
