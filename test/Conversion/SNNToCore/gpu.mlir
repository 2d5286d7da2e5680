// The GPU lowering (docs/gpu-abi.md): the step split into phases, each a
// grid-stride loop over (tid, nthreads); atomic spike appends into the
// count of this step's parity; reset after delivery for a population with
// rings, at the spike for one without; thread 0 ends the step; kernels and
// the persistent kernel call the same phase bodies.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu -snn-describe -convert-snn-to-core=target=gpu -snn-gpu-outline-kernels | FileCheck %s
// The conversion alone: the bodies, marked for snn-gpu-outline-kernels
// (test/Conversion/GPUKernels), and the descriptor that names the kernels
// it will make; no kernels or host emulation yet.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu -snn-describe -convert-snn-to-core=target=gpu | FileCheck %s --check-prefix=BODIES
// RUN: not snn-opt %s -snn-integrate -convert-snn-to-core=target=tpu 2>&1 | FileCheck %s --check-prefix=TARGET

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v", "g"], params = ["tau"], method = "exact", refractory = 0.2 : f64, refractory_clamp = ["v"]} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %0 = arith.subf %g, %v : f64
    %1 = arith.divf %0, %tau : f64
    %2 = arith.negf %g : f64
    %3 = arith.divf %2, %tau : f64
    snn.yield %1, %3 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %0 = arith.cmpf ogt, %v, %tau : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c, %g : f64, f64
  }
  snn.population @p of @m size 100 attributes {params = {tau = 10.0 : f64}}
  snn.population @q of @m size 50 attributes {params = {tau = 10.0 : f64}}
  snn.poisson_source @drive size 30 attributes {rate = 40.0 : f64}
  snn.projection @in from @drive to @p target "g" attributes {connectivity = #snn.fixed_probability<0.1, allow_self = true>, weight = 2.0 : f64, delay = 0.5 : f64}
  snn.record_spikes @p
  snn.record_state @p "v" {neurons = array<i64: 0, 7>, every = 2}
}

// TARGET: unknown target 'tpu' (expected 'cpu' or 'gpu')

// BODIES-NOT: gpu.container_module
// BODIES: func.func private @snn_body_record({{.*}}) attributes {snn.phase = "record", snn.phase_index = 0 : i64}
// BODIES: func.func private @snn_body_update({{.*}}) attributes {snn.phase = "update", snn.phase_index = 1 : i64}
// BODIES: func.func private @snn_body_propagate({{.*}}) attributes {snn.phase = "propagate", snn.phase_index = 2 : i64}
// BODIES: func.func private @snn_body_deliver({{.*}}) attributes {snn.phase = "deliver", snn.phase_index = 3 : i64}
// BODIES: func.func private @snn_body_build_rows_0({{.*}}) attributes {snn.build_index = 0 : i64, snn.build_kernel = "snn_build_rows_0"}
// BODIES: func.func private @snn_body_build_fill_0({{.*}}) attributes {snn.build_index = 1 : i64, snn.build_kernel = "snn_build_fill_0"}
// BODIES-NOT: snn_emulate
// BODIES-NOT: gpu.module
// BODIES: llvm.mlir.global external constant @snn_descriptor
// BODIES-SAME: \22persistent_kernel\22:\22snn_persistent\22,\22phases\22:[{\22kernel\22:\22snn_phase_record\22,\22name\22:\22record\22,
// BODIES-NOT: snn_emulate
// BODIES-NOT: gpu.module

// CHECK: module attributes {gpu.container_module}

// Record: at steps that are multiples of `every`, sample `samples` of the
// recorded neurons.
// CHECK-LABEL: func.func private @snn_body_record(
// CHECK-SAME: %[[ARENA:.*]]: memref<?xi8>, %{{.*}}: i64, %[[PARITY:.*]]: i64, %[[TID:.*]]: index, %[[NT:.*]]: index)
// CHECK: %[[P:.*]] = arith.index_cast %[[PARITY]] : i64 to index
// CHECK: %[[STEP:.*]] = memref.load %{{.*}}[%[[P]]] : memref<?xi64>
// CHECK: %[[REM:.*]] = arith.remui %{{.*}}, %c2 : index
// CHECK: %[[DUE:.*]] = arith.cmpi eq, %[[REM]], %c0 : index
// CHECK: scf.if %[[DUE]] {
// CHECK:   scf.for %[[J:.*]] = %[[TID]] to %c2 step %[[NT]] {
// CHECK:     memref.store %{{.*}} : memref<?xf64>

// Update: population p (rings into it) flags the spike; q resets at once;
// the Poisson source appends the same way. Recorded p also appends to its
// device-side record.
// CHECK-LABEL: func.func private @snn_body_update(
// CHECK-SAME: %[[TID:arg3]]: index, %[[NT:arg4]]: index)
// CHECK: %[[P:.*]] = arith.index_cast %arg2 : i64 to index
// CHECK: %[[STEP:.*]] = memref.load %{{.*}}[%[[P]]] : memref<?xi64>
// CHECK: scf.for %[[I:.*]] = %[[TID]] to %c100 step %[[NT]] {
// CHECK:   scf.if %{{.*}} {
// CHECK:     %[[N:.*]] = arith.index_cast %[[I]] : index to i32
// CHECK:     %[[AT:.*]] = memref.atomic_rmw addi %c1_i32, %[[COUNT:.*]][%[[P]]] : (i32, memref<?xi32>) -> i32
// CHECK:     %[[ATI:.*]] = arith.index_cast %[[AT]] : i32 to index
// CHECK:     memref.store %[[N]], %{{.*}}[%[[ATI]]] : memref<?xi32>
// CHECK:     %[[R:.*]] = memref.atomic_rmw addi %c1_i32, %{{.*}}[%c0] : (i32, memref<?xi32>) -> i32
// CHECK:     %[[RI:.*]] = arith.index_cast %[[R]] : i32 to index
// CHECK:     memref.store %[[N]], %{{.*}}[%[[RI]]] : memref<?xi32>
// CHECK:     %[[S32:.*]] = arith.trunci %[[STEP]] : i64 to i32
// CHECK:     memref.store %[[S32]], %{{.*}}[%[[RI]]] : memref<?xi32>
// CHECK:     memref.store %c2_i32, %{{.*}}[%[[I]]] : memref<?xi32>
// CHECK:     memref.store %c1_i32, %[[SPIKED:.*]][%[[I]]] : memref<?xi32>
// CHECK-NEXT: }
// CHECK: scf.for %[[K:.*]] = %[[TID]] to %c50 step %[[NT]] {
// CHECK:   scf.if %{{.*}} {
// CHECK:     memref.atomic_rmw addi %c1_i32, %{{.*}}[%[[P]]]
// CHECK:     memref.store %c2_i32, %{{.*}}[%[[K]]] : memref<?xi32>
// CHECK:     memref.store %{{.*}}, %{{.*}}[%[[K]]] : memref<?xf64>
// CHECK-NEXT: }
// CHECK: scf.for %{{.*}} = %[[TID]] to %c30 step %[[NT]] {
// CHECK:   memref.atomic_rmw addi %c1_i32, %{{.*}}[%[[P]]]

// Propagate: groups of W = 32 lanes (1 if the thread count is not a multiple
// of 32) share a row; the ring slot is added atomically.
// CHECK-LABEL: func.func private @snn_body_propagate(
// CHECK: %[[REM:.*]] = arith.remui %arg4, %c32 : index
// CHECK: %[[MULT:.*]] = arith.cmpi eq, %[[REM]], %c0 : index
// CHECK: %[[W:.*]] = arith.select %[[MULT]], %c32, %c1 : index
// CHECK: %[[G:.*]] = arith.divui %arg3, %[[W]] : index
// CHECK: %[[NG:.*]] = arith.divui %arg4, %[[W]] : index
// CHECK: %[[LANE:.*]] = arith.remui %arg3, %[[W]] : index
// CHECK: scf.for %{{.*}} = %[[G]] to %{{.*}} step %[[NG]] {
// CHECK:   %[[BEGIN:.*]] = arith.addi %{{.*}}, %[[LANE]] : index
// CHECK:   scf.for %{{.*}} = %[[BEGIN]] to %{{.*}} step %[[W]] {
// CHECK:     memref.atomic_rmw addf %{{.*}} : (f64, memref<?xf64>) -> f64

// Deliver: the slot into g, then the pending reset; thread 0 ends the step.
// CHECK-LABEL: func.func private @snn_body_deliver(
// CHECK: %[[P:.*]] = arith.index_cast %arg2 : i64 to index
// CHECK: %[[OTHER:.*]] = arith.subi %c1, %[[P]] : index
// CHECK: %[[STEP:.*]] = memref.load %[[CELLS:.*]][%[[P]]] : memref<?xi64>
// CHECK: scf.for %[[I:.*]] = %arg3 to %c100 step %arg4 {
// CHECK:   arith.addf
// CHECK:   %[[FLAG:.*]] = memref.load %[[SPIKED:.*]][%[[I]]] : memref<?xi32>
// CHECK:   %[[PENDING:.*]] = arith.cmpi ne, %[[FLAG]], %c0_i32 : i32
// CHECK:   scf.if %[[PENDING]] {
// CHECK:     memref.store %c0_i32, %[[SPIKED]][%[[I]]] : memref<?xi32>
// CHECK:     memref.store %{{.*}}, %{{.*}}[%[[I]]] : memref<?xf64>
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %arg3, %c0 : index
// CHECK: scf.if %[[FIRST]] {
// CHECK:   %[[NEXT:.*]] = arith.addi %[[STEP]], %c1_i64 : i64
// CHECK:   memref.store %[[NEXT]], %[[CELLS]][%[[OTHER]]] : memref<?xi64>
// CHECK:   %[[C:.*]] = memref.load %[[COUNT:.*]][%[[P]]] : memref<?xi32>
// CHECK:   %[[C64:.*]] = arith.extsi %[[C]] : i32 to i64
// CHECK:   %[[T:.*]] = memref.load %[[TOTAL:.*]][%c0] : memref<?xi64>
// CHECK:   %[[SUM:.*]] = arith.addi %[[T]], %[[C64]] : i64
// CHECK:   memref.store %[[SUM]], %[[TOTAL]][%c0] : memref<?xi64>
// CHECK:   memref.store %c0_i32, %[[COUNT]][%[[OTHER]]] : memref<?xi32>

// The host emulation: every phase for every thread, in order.
// CHECK-LABEL: func.func @snn_emulate_step(
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: func.call @snn_body_record(
// CHECK: func.call @snn_body_update(
// CHECK: func.call @snn_body_propagate(
// CHECK: func.call @snn_body_deliver(

// CHECK-LABEL: gpu.module @snn_kernels {
// The kernels hold the phase bodies inlined, with the grid's thread index
// and count.
// CHECK-NOT: func.func
// CHECK: gpu.func @snn_phase_update(%[[A:.*]]: memref<?xi8>, %{{.*}}: i64, %[[PAR:.*]]: i64) kernel {
// CHECK:   %[[B:.*]] = gpu.block_id  x
// CHECK:   %[[BD:.*]] = gpu.block_dim  x
// CHECK:   %[[TH:.*]] = gpu.thread_id  x
// CHECK:   %[[GD:.*]] = gpu.grid_dim  x
// CHECK:   %[[BASE:.*]] = arith.muli %[[B]], %[[BD]] : index
// CHECK:   %[[T:.*]] = arith.addi %[[BASE]], %[[TH]] : index
// CHECK:   %[[N:.*]] = arith.muli %[[GD]], %[[BD]] : index
// CHECK:   arith.index_cast %[[PAR]] : i64 to index
// CHECK:   scf.for %{{.*}} = %[[T]] to %{{.*}} step %[[N]] {
// CHECK:   gpu.return
// The persistent kernel: one block; the table is read once, before the
// loop over steps; a barrier after every phase.
// CHECK: gpu.func @snn_persistent(%{{.*}}: memref<?xi8>, %{{.*}}: i64, %[[FIRSTSTEP:.*]]: i64, %[[COUNT:.*]]: i64) kernel {
// CHECK:   %[[TH:.*]] = gpu.thread_id  x
// CHECK:   %[[BD:.*]] = gpu.block_dim  x
// CHECK:   memref.view
// CHECK:   scf.for %[[J:.*]] = %{{.*}} to %[[COUNT]] step %{{.*}}  : i64 {
// CHECK-NOT: memref.view
// CHECK:     %[[S:.*]] = arith.addi %[[FIRSTSTEP]], %[[J]] : i64
// CHECK:     %[[PAR:.*]] = arith.andi %[[S]], %{{.*}} : i64
// CHECK:     arith.index_cast %[[PAR]] : i64 to index
// CHECK:     scf.for %{{.*}} = %[[TH]] to %c2{{.*}} step %[[BD]] {
// CHECK:     gpu.barrier
// CHECK-NOT: memref.view
// CHECK:     scf.for %{{.*}} = %[[TH]] to %c100{{.*}} step %[[BD]] {
// CHECK:     gpu.barrier
// CHECK:     memref.atomic_rmw addf
// CHECK:     gpu.barrier
// CHECK:     scf.for %{{.*}} = %[[TH]] to %c100{{.*}} step %[[BD]] {
// CHECK:     gpu.barrier
// CHECK-NEXT: }
// CHECK-NEXT: gpu.return

// The descriptor: double-buffered counts, the gpu section.
// CHECK: llvm.mlir.global external constant @snn_descriptor
// CHECK-SAME: \22name\22:\22p.spike_count\22,\22type\22:\22i32\22
// CHECK-SAME: \22gpu\22:{\22batch_steps\22:1000,\22build\22:[{\22fill\22:{\22emulate\22:1,\22kernel\22:\22snn_build_fill_0\22,\22work\22:30},\22projection\22:\22in\22,\22rows\22:{\22emulate\22:0,\22kernel\22:\22snn_build_rows_0\22,\22work\22:30},\22writes\22:[{{[0-9]+}}]}],\22persistent_kernel\22:\22snn_persistent\22,\22phases\22:[{\22kernel\22:\22snn_phase_record\22,\22name\22:\22record\22,\22work\22:2},{\22kernel\22:\22snn_phase_update\22,\22name\22:\22update\22,\22work\22:100},{\22kernel\22:\22snn_phase_propagate\22,\22name\22:\22propagate\22,\22work\22:960},{\22kernel\22:\22snn_phase_deliver\22,\22name\22:\22deliver\22,\22work\22:100}],\22record_spikes\22:[{\22count\22:{{[0-9]+}},\22ids\22:{{[0-9]+}},\22population\22:\22p\22,\22steps\22:{{[0-9]+}}}],\22record_state\22:[{\22neurons\22:{{[0-9]+}},\22record\22:0,\22samples\22:{{[0-9]+}},\22values\22:{{[0-9]+}}}],\22step\22:{{[0-9]+}},\22totals\22:[{\22buffer\22:{{[0-9]+}},\22population\22:\22p\22},{\22buffer\22:{{[0-9]+}},\22population\22:\22q\22},{\22buffer\22:{{[0-9]+}},\22population\22:\22drive\22}]}
