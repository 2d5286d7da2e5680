// snn-gpu-embed-image's errors, at no location (snnc prints them as its
// own): no binary to take the PTX from, and PTX that calls a libdevice
// function (libdevice was not found when the kernels were compiled).
// RUN: not snn-opt %s -split-input-file -snn-gpu-embed-image="ptxas=false" 2>&1 | FileCheck %s
// RUN: not snn-opt %s -split-input-file -snn-gpu-embed-image="ptxas=false cuda-path=/no/toolkit" 2>&1 | FileCheck %s --check-prefix=PATH

// CHECK: error: no PTX for the kernels (expected one gpu.binary @snn_kernels)
module attributes {gpu.container_module} {
  gpu.module @snn_kernels {
  }
}

// -----

// CHECK: error: no PTX for the kernels (expected one gpu.binary @snn_kernels)
module {
  gpu.binary @snn_kernels [#gpu.object<#nvvm.target, "a">, #gpu.object<#nvvm.target<chip = "sm_90">, "b">]
}

// -----

// CHECK: error: the kernels need __nv_expf from CUDA's libdevice, which was not found (no CUDA Toolkit: set CUDA_PATH)
// PATH: error: the kernels need __nv_expf from CUDA's libdevice, which was not found under /no/toolkit/nvvm/libdevice
module attributes {gpu.container_module} {
  gpu.binary @snn_kernels [#gpu.object<#nvvm.target, ".extern .func (.param .b64 r) __nv_expf\0A(\0A.param .b64 x\0A)\0A;\0A">]
}
