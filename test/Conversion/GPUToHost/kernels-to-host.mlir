// RUN: snn-opt %s -snn-gpu-kernels-to-host | FileCheck %s
// RUN: snn-opt %s -snn-gpu-kernels-to-host -convert-scf-to-cf -convert-arith-to-llvm -finalize-memref-to-llvm -convert-func-to-llvm -reconcile-unrealized-casts -snn-host-kernel-table | FileCheck %s --check-prefix=TABLE

// Each kernel is copied into a host function that takes a thread context
// after the kernel's arguments; the kernels stay as they are (the NVVM
// pipeline compiles them afterwards).

module attributes {gpu.container_module} {
  gpu.module @snn_kernels {
    gpu.func @grid(%buf: memref<?xi64>, %seed: i64) kernel {
      %b = gpu.block_id x
      %d = gpu.block_dim x
      %t = gpu.thread_id x
      %g = gpu.grid_dim x
      %ty = gpu.thread_id y
      %dz = gpu.block_dim z
      %bd = arith.muli %b, %d : index
      %tid = arith.addi %bd, %t : index
      %n = arith.muli %g, %d : index
      %i = arith.addi %tid, %ty : index
      %m = arith.muli %n, %dz : index
      %v = arith.index_cast %m : index to i64
      %w = arith.addi %v, %seed : i64
      memref.store %w, %buf[%i] : memref<?xi64>
      gpu.return
    }
    gpu.func @block(%buf: memref<?xi64>, %first: i64, %count: i64) kernel {
      %t = gpu.thread_id x
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      scf.for %s = %c0 to %n step %c1 {
        memref.store %first, %buf[%t] : memref<?xi64>
        gpu.barrier
      }
      gpu.return
    }
  }
}

// CHECK-LABEL: gpu.module @snn_kernels
// CHECK: gpu.func @grid(%{{.*}}: memref<?xi64>, %{{.*}}: i64) kernel
// CHECK: gpu.block_id x
// CHECK: gpu.func @block

// CHECK-LABEL: func.func @snn_hostk_grid(
// CHECK-SAME: %[[BUF:.*]]: memref<?xi64>, %[[SEED:.*]]: i64, %[[CTX:.*]]: !llvm.ptr)
// CHECK-SAME: attributes {snn.host_kernel = "grid"}
// CHECK: %[[BP:.*]] = llvm.getelementptr %[[CTX]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[B64:.*]] = llvm.load %[[BP]] : !llvm.ptr -> i64
// CHECK: %[[B:.*]] = arith.index_cast %[[B64]] : i64 to index
// CHECK: %[[DP:.*]] = llvm.getelementptr %[[CTX]][2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[D64:.*]] = llvm.load %[[DP]] : !llvm.ptr -> i64
// CHECK: %[[D:.*]] = arith.index_cast %[[D64]] : i64 to index
// CHECK: %[[TP:.*]] = llvm.getelementptr %[[CTX]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[T64:.*]] = llvm.load %[[TP]] : !llvm.ptr -> i64
// CHECK: %[[T:.*]] = arith.index_cast %[[T64]] : i64 to index
// CHECK: %[[GP:.*]] = llvm.getelementptr %[[CTX]][3] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[G64:.*]] = llvm.load %[[GP]] : !llvm.ptr -> i64
// CHECK: %[[G:.*]] = arith.index_cast %[[G64]] : i64 to index
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: %[[BD:.*]] = arith.muli %[[B]], %[[D]] : index
// CHECK: %[[TID:.*]] = arith.addi %[[BD]], %[[T]] : index
// CHECK: %[[N:.*]] = arith.muli %[[G]], %[[D]] : index
// CHECK: %[[I:.*]] = arith.addi %[[TID]], %[[ZERO]] : index
// CHECK: arith.muli %[[N]], %[[ONE]] : index
// CHECK: memref.store %{{.*}}, %[[BUF]][%[[I]]] : memref<?xi64>
// CHECK-NEXT: return
// CHECK-NOT: gpu.

// CHECK-LABEL: func.func @snn_hostk_block(
// CHECK-SAME: %[[BUF2:.*]]: memref<?xi64>, %[[FIRST:.*]]: i64, %{{.*}}: i64, %[[CTX2:.*]]: !llvm.ptr)
// CHECK-SAME: attributes {snn.host_kernel = "block", snn.host_kernel_barrier}
// CHECK: scf.for
// CHECK: memref.store %[[FIRST]], %[[BUF2]]
// CHECK: %[[FP:.*]] = llvm.getelementptr %[[CTX2]][4] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[FN:.*]] = llvm.load %[[FP]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call %[[FN]](%[[CTX2]]) : !llvm.ptr, (!llvm.ptr) -> ()
// CHECK-NOT: gpu.barrier
// CHECK: return

// After the lowering: a packed entry point per kernel (its arguments loaded
// from kernelParams[i], memrefs as five values) and the table.
// TABLE-LABEL: llvm.func @snn_hostk_grid(
// TABLE-SAME: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: !llvm.ptr)
// TABLE-NOT: snn.host_kernel
// TABLE-LABEL: llvm.func internal @snn_hostw_grid(%arg0: !llvm.ptr, %arg1: !llvm.ptr)
// TABLE: %[[S0:.*]] = llvm.getelementptr %arg0[0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// TABLE: %[[P0:.*]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// TABLE: %[[A0:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// TABLE: %[[S5:.*]] = llvm.getelementptr %arg0[5] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// TABLE: %[[P5:.*]] = llvm.load %[[S5]] : !llvm.ptr -> !llvm.ptr
// TABLE: %[[A5:.*]] = llvm.load %[[P5]] : !llvm.ptr -> i64
// TABLE: llvm.call @snn_hostk_grid(%[[A0]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[A5]], %arg1)
// TABLE: llvm.mlir.global private constant @snn_hostn_grid("grid\00")
// TABLE: llvm.func internal @snn_hostw_block(
// TABLE: llvm.mlir.global private constant @snn_hostn_block("block\00")
// TABLE: llvm.mlir.global external constant @snn_host_kernels() {{.*}} : !llvm.array<3 x struct<(ptr, ptr, i64, i64)>>
// TABLE: llvm.mlir.zero : !llvm.array<3 x struct<(ptr, ptr, i64, i64)>>
// TABLE: llvm.mlir.addressof @snn_hostn_grid
// TABLE: llvm.mlir.addressof @snn_hostw_grid
// TABLE: llvm.mlir.constant(6 : i64)
// TABLE: llvm.mlir.constant(0 : i64)
// TABLE: llvm.mlir.addressof @snn_hostn_block
// TABLE: llvm.mlir.addressof @snn_hostw_block
// TABLE: llvm.mlir.constant(7 : i64)
// TABLE: llvm.mlir.constant(1 : i64)
// TABLE: llvm.return
