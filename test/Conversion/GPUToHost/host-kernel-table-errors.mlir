// RUN: snn-opt %s -split-input-file -snn-host-kernel-table -verify-diagnostics

// The table's entry points need host copies in the shape
// snn-gpu-kernels-to-host gives them.

// The fake driver copies 8 bytes per kernel parameter.
// expected-error @below {{parameter 1 has type 'f64': the host copies of the kernels take pointers and i64 only}}
llvm.func @snn_hostk_k(%a: !llvm.ptr, %x: f64, %ctx: !llvm.ptr) attributes {snn.host_kernel = "k"} {
  llvm.return
}

// -----

// expected-error @below {{is not a host copy of a kernel: expected (..., !llvm.ptr) -> void}}
llvm.func @snn_hostk_k(%a: i64) attributes {snn.host_kernel = "k"} {
  llvm.return
}
