// snn-gpu-outline-kernels: the kernels and the host emulation made of the
// bodies that convert-snn-to-core{target=gpu} marks (docs/gpu-abi.md). The
// phases run in snn.phase_index order, whatever the order of the bodies in
// the module; the bodies are inlined into the kernels; the marks are
// consumed; the new functions go after the last body.
// RUN: snn-opt %s -snn-gpu-outline-kernels | FileCheck %s

module {
  // Deliver: the end of the step, thread 0.
  func.func private @snn_body_deliver(%arena: memref<?xi8>, %seed: i64, %parity: i64, %tid: index, %nthreads: index) attributes {snn.phase = "deliver", snn.phase_index = 1 : i64} {
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %tid, %c0 : index
    scf.if %first {
      %table = memref.view %arena[%c0][] : memref<?xi8> to memref<2xi64>
      memref.store %parity, %table[%c0] : memref<2xi64>
    }
    return
  }
  // Update: a grid-stride loop over a buffer located through the table.
  func.func private @snn_body_update(%arena: memref<?xi8>, %seed: i64, %parity: i64, %tid: index, %nthreads: index) attributes {snn.phase = "update", snn.phase_index = 0 : i64} {
    %c0 = arith.constant 0 : index
    %c100 = arith.constant 100 : index
    %table = memref.view %arena[%c0][] : memref<?xi8> to memref<2xi64>
    %offset = memref.load %table[%c0] : memref<2xi64>
    %at = arith.index_cast %offset : i64 to index
    %v = memref.view %arena[%at][%c100] : memref<?xi8> to memref<?xi64>
    scf.for %i = %tid to %c100 step %nthreads {
      memref.store %seed, %v[%i] : memref<?xi64>
    }
    return
  }
  func.func private @snn_body_build_rows_0(%arena: memref<?xi8>, %scratch: memref<?xi8>, %seed: i64, %n: i64, %tid: index, %nthreads: index) attributes {snn.build_kernel = "snn_build_rows_0", snn.build_index = 0 : i64} {
    %c0 = arith.constant 0 : index
    %counts = memref.view %scratch[%c0][] : memref<?xi8> to memref<10xi64>
    scf.for %i = %tid to %c0 step %nthreads {
      memref.store %n, %counts[%i] : memref<10xi64>
    }
    return
  }
  llvm.mlir.global external constant @snn_descriptor("{}\00") {addr_space = 0 : i32}
}

// CHECK: module attributes {gpu.container_module} {
// CHECK-NOT: snn.phase
// CHECK-NOT: snn.build
// CHECK: func.func private @snn_body_deliver(
// CHECK: func.func private @snn_body_update(
// CHECK: func.func private @snn_body_build_rows_0(

// The host emulation: every phase for every thread, in phase order.
// CHECK-LABEL: func.func @snn_emulate_step(
// CHECK-SAME: %[[A:.*]]: memref<?xi8>, %[[SEED:.*]]: i64, %[[PAR:.*]]: i64, %[[NT:.*]]: i64) attributes {llvm.emit_c_interface} {
// CHECK:   %[[N:.*]] = arith.index_cast %[[NT]] : i64 to index
// CHECK:   scf.for %[[T:.*]] = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK:     func.call @snn_body_update(%[[A]], %[[SEED]], %[[PAR]], %[[T]], %[[N]])
// CHECK:   scf.for %[[T:.*]] = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK:     func.call @snn_body_deliver(%[[A]], %[[SEED]], %[[PAR]], %[[T]], %[[N]])
// CHECK:   return

// Build kernel number %kernel, for every thread.
// CHECK-LABEL: func.func @snn_emulate_build(
// CHECK-SAME: %[[A:.*]]: memref<?xi8>, %[[S:.*]]: memref<?xi8>, %[[SEED:.*]]: i64, %[[CNT:.*]]: i64, %[[K:.*]]: i64, %[[NT:.*]]: i64) attributes {llvm.emit_c_interface} {
// CHECK:   %[[N:.*]] = arith.index_cast %[[NT]] : i64 to index
// CHECK:   %[[KI:.*]] = arith.index_cast %[[K]] : i64 to index
// CHECK:   scf.index_switch %[[KI]]
// CHECK:   case 0 {
// CHECK:     scf.for %[[T:.*]] = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK:       func.call @snn_body_build_rows_0(%[[A]], %[[S]], %[[SEED]], %[[CNT]], %[[T]], %[[N]])
// CHECK:   default {

// CHECK-LABEL: gpu.module @snn_kernels {
// One grid-stride kernel per phase, in phase order, the body inlined.
// CHECK: gpu.func @snn_phase_update(%[[A:.*]]: memref<?xi8>, %[[SEED:.*]]: i64, %{{.*}}: i64) kernel {
// CHECK:   %[[B:.*]] = gpu.block_id  x
// CHECK:   %[[BD:.*]] = gpu.block_dim  x
// CHECK:   %[[TH:.*]] = gpu.thread_id  x
// CHECK:   %[[GD:.*]] = gpu.grid_dim  x
// CHECK:   %[[BASE:.*]] = arith.muli %[[B]], %[[BD]] : index
// CHECK:   %[[T:.*]] = arith.addi %[[BASE]], %[[TH]] : index
// CHECK:   %[[N:.*]] = arith.muli %[[GD]], %[[BD]] : index
// CHECK:   %[[V:.*]] = memref.view %[[A]]{{.*}} to memref<?xi64>
// CHECK:   scf.for %[[I:.*]] = %[[T]] to %{{.*}} step %[[N]] {
// CHECK:     memref.store %[[SEED]], %[[V]][%[[I]]] : memref<?xi64>
// CHECK:   gpu.return
// CHECK: gpu.func @snn_phase_deliver(%{{.*}}: memref<?xi8>, %{{.*}}: i64, %[[PAR:.*]]: i64) kernel {
// CHECK:     memref.store %[[PAR]]
// CHECK:   gpu.return

// The persistent kernel: one block (thread id, block size); the table and
// the views on it read once, before the loop over steps; the parity of
// each step; every phase followed by a barrier.
// CHECK: gpu.func @snn_persistent(%[[A:.*]]: memref<?xi8>, %[[SEED:.*]]: i64, %[[FIRST:.*]]: i64, %[[COUNT:.*]]: i64) kernel {
// CHECK:   %[[TH:.*]] = gpu.thread_id  x
// CHECK:   %[[BD:.*]] = gpu.block_dim  x
// CHECK:   %[[TABLE:.*]] = memref.view %[[A]]{{.*}} to memref<2xi64>
// CHECK:   %[[OFF:.*]] = memref.load %[[TABLE]]
// CHECK:   %[[V:.*]] = memref.view %[[A]]{{.*}} to memref<?xi64>
// CHECK:   scf.for %[[J:.*]] = %{{.*}} to %[[COUNT]] step %{{.*}}  : i64 {
// CHECK-NOT:  memref.load %[[TABLE]]
// CHECK:     %[[S:.*]] = arith.addi %[[FIRST]], %[[J]] : i64
// CHECK:     %[[P:.*]] = arith.andi %[[S]], %{{.*}} : i64
// CHECK:     scf.for %[[I:.*]] = %[[TH]] to %{{.*}} step %[[BD]] {
// CHECK:       memref.store %[[SEED]], %[[V]][%[[I]]]
// CHECK:     gpu.barrier
// CHECK:     scf.if
// CHECK:       memref.store %[[P]]
// CHECK:     gpu.barrier
// CHECK-NEXT: }
// CHECK-NEXT: gpu.return

// Build kernels: (arena, scratch, seed, n) over the grid.
// CHECK: gpu.func @snn_build_rows_0(%{{.*}}: memref<?xi8>, %[[S:.*]]: memref<?xi8>, %{{.*}}: i64, %[[CNT:.*]]: i64) kernel {
// CHECK:   gpu.grid_dim  x
// CHECK:   memref.view %[[S]]
// CHECK:     memref.store %[[CNT]]
// CHECK:   gpu.return
// CHECK: }
// CHECK: llvm.mlir.global external constant @snn_descriptor

