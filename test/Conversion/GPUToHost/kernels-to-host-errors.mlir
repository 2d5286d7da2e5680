// RUN: snn-opt %s -split-input-file -snn-gpu-kernels-to-host -verify-diagnostics

// What the host copies of the kernels cannot hold is an error that points at
// the kernel or the op, never a silently wrong copy.

module attributes {gpu.container_module} {
  gpu.module @snn_kernels {
    // expected-error @below {{has workgroup or private memory, which the host copies of the kernels do not support}}
    gpu.func @shared(%buf: memref<?xf32>) workgroup(%tile: memref<32xf32, #gpu.address_space<workgroup>>) kernel {
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @snn_kernels {
    gpu.func @lanes(%buf: memref<?xi32>) kernel {
      // expected-error @below {{'gpu.lane_id' op cannot run in a host copy of kernel @lanes}}
      %l = gpu.lane_id
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @snn_kernels {
    // expected-error @below {{its host copy @snn_hostk_k clashes with a symbol of the host module}}
    gpu.func @k() kernel {
      gpu.return
    }
  }
  func.func @snn_hostk_k() {
    return
  }
}
