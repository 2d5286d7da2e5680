// Connectivity on the device (docs/gpu-abi.md): build kernels for
// fixed_probability (geometric skipping with the runtime's Philox draws and
// log1p), all_to_all and one_to_one; the delays kernel (largest delay,
// first invalid synapse) and the values kernel (uniform weights rounded to
// f32, normal delays rounded to steps); fixed_indegree drawn per post
// (Floyd's sampling with a table per post in the scratch, then a fill with
// atomic cursors and a heap sort of every row).
// RUN: snn-opt %s -snn-integrate -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu -snn-describe -convert-snn-to-core=target=gpu -snn-gpu-outline-kernels -canonicalize -cse | FileCheck %s

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f32} {
  snn.neuron_model @m attributes {variables = ["v"], params = ["tau"], method = "exact"} ode {
  ^bb0(%v: f32, %tau: f32):
    %0 = arith.negf %v : f32
    %1 = arith.divf %0, %tau : f32
    snn.yield %1 : f32
  } threshold {
  ^bb0(%v: f32, %tau: f32):
    %0 = arith.cmpf ogt, %v, %tau : f32
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f32, %tau: f32):
    %c = arith.constant 0.0 : f32
    snn.yield %c : f32
  }
  snn.population @p of @m size 100 attributes {params = {tau = 10.0 : f64}}
  snn.population @q of @m size 50 attributes {params = {tau = 10.0 : f64}}
  snn.projection @pp from @p to @p target "v" attributes {connectivity = #snn.fixed_probability<0.1, allow_self = false>, weight = #snn.uniform<0.5, 1.5>, delay = #snn.normal<2.0, 0.5>}
  snn.projection @pq from @p to @q target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = 1.0 : f64, delay = 0.1 : f64}
  snn.projection @qq from @q to @q target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.1 : f64}
  snn.projection @qp from @q to @p target "v" attributes {connectivity = #snn.fixed_indegree<5, allow_self = true>, weight = #snn.uniform<0.5, 1.5>, delay = 0.1 : f64}
  snn.projection @qq2 from @q to @q target "v" attributes {connectivity = #snn.fixed_indegree<3, allow_self = false>, weight = 1.0 : f64, delay = 0.1 : f64}
}

// pp: rows counts the synapses of row i without i itself (i < 100): the
// loop ends at the first skip past the remaining candidates.
// CHECK-LABEL: func.func private @snn_body_build_rows_0(
// CHECK-SAME: %{{.*}}: memref<?xi8>, %[[BUF:.*]]: memref<?xi8>, %[[SEED:.*]]: i64, %{{.*}}: i64, %[[TID:.*]]: index, %[[NT:.*]]: index)
// CHECK-DAG: %[[LOGQ:.*]] = arith.constant -0.10536051565782631 : f64
// CHECK: %[[ROWS:.*]] = memref.view %[[BUF]][%c0][] : memref<?xi8> to memref<100xi64>
// CHECK: scf.for %[[I:.*]] = %[[TID]] to %c100 step %[[NT]] {
// CHECK:   %[[ROW:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK:   %[[SKIPSELF:.*]] = arith.cmpi slt, %[[ROW]], %c100_i64 : i64
// CHECK:   %[[LEN:.*]]:3 = scf.while (%[[POS:.*]] = %c-1_i64, %[[DRAW:.*]] = %c0_i64, %[[COUNT:.*]] = %c0_i64)
// CHECK:     math.log1p
// CHECK:     %[[Q:.*]] = arith.divf %{{.*}}, %[[LOGQ]] : f64
// CHECK:     %[[SKIP:.*]] = math.floor %[[Q]] : f64
// CHECK:     %[[MORE:.*]] = arith.cmpf olt, %[[SKIP]], %{{.*}} : f64
// CHECK:     scf.condition(%[[MORE]])
// CHECK:   } do {
// CHECK:     scf.yield
// CHECK:   memref.store %[[LEN]]#2, %[[ROWS]][%[[I]]] : memref<100xi64>

// fill writes post j of the k-th synapse at row_ptr[i] + k.
// CHECK-LABEL: func.func private @snn_body_build_fill_0(
// CHECK: %[[COL:.*]] = memref.view %{{.*}} : memref<?xi8> to memref<?xi16>
// CHECK: scf.for %[[I:.*]] = %arg4 to %c100 step %arg5 {
// CHECK:   %[[BASE:.*]] = memref.load %{{.*}}[%[[I]]] : memref<?xi64>
// CHECK:   scf.while
// CHECK:   } do {
// CHECK:   ^bb0(%[[POS:.*]]: i64, %{{.*}}: i64, %[[K:.*]]: i64):
// CHECK:     %[[AFTER:.*]] = arith.cmpi sge, %[[POS]], %{{.*}} : i64
// CHECK:     %[[AT:.*]] = arith.addi %[[BASE]], %[[K]] : i64
// CHECK:     memref.store %{{.*}}, %[[COL]][%{{.*}}] : memref<?xi16>

// delays: the largest delay in steps, the first invalid synapse, and the
// invalid delays counted as negative (or not finite) and as too long, kept
// per thread (iter_args) and merged with one atomic each after the loop.
// CHECK-LABEL: func.func private @snn_body_build_delays_0(
// CHECK: %[[CELLS:.*]] = memref.view %arg1[%c0][] : memref<?xi8> to memref<4xi64>
// CHECK: %[[R:.*]]:4 = scf.for %[[S:.*]] = %arg4 to %{{.*}} step %arg5 iter_args(%[[LARGEST:.*]] = %c0_i64, %[[FIRST:.*]] = %c9223372036854775807_i64, %[[NNEG:.*]] = %c0_i64, %[[NBIG:.*]] = %c0_i64) -> (i64, i64, i64, i64) {
// CHECK:   math.log
// CHECK:   math.cos
// Rounding half away from zero, from floor.
// CHECK:   %[[X:.*]] = arith.divf %[[MS:.*]], %{{.*}} : f64
// CHECK:   %[[NEG:.*]] = arith.cmpf olt, %[[X]], %{{.*}} : f64
// CHECK:   %[[WHOLE:.*]] = math.floor %{{.*}} : f64
// CHECK:   %[[FRAC:.*]] = arith.subf %{{.*}}, %[[WHOLE]] : f64
// CHECK:   %[[UP:.*]] = arith.cmpf oge, %[[FRAC]], %{{.*}} : f64
// CHECK:   %[[STEPS:.*]] = arith.select %[[NEG]], %{{.*}}, %{{.*}} : f64
// CHECK:   %[[FITS:.*]] = arith.cmpf ole, %[[STEPS]], %{{.*}} : f64
// CHECK:   %[[POSITIVE:.*]] = arith.cmpf oge, %[[MS]], %{{.*}} : f64
// CHECK:   %[[VALID:.*]] = arith.andi %[[POSITIVE]], %[[FITS]] : i1
// CHECK:   %[[SAFE:.*]] = arith.select %[[VALID]], %[[STEPS]], %{{.*}} : f64
// CHECK:   %[[N:.*]] = arith.fptosi %[[SAFE]] : f64 to i64
// CHECK:   %[[FINITE:.*]] = arith.cmpf olt, %[[MS]], %{{.*}} : f64
// CHECK:   %[[INRANGE:.*]] = arith.andi %[[POSITIVE]], %[[FINITE]] : i1
// CHECK:   %[[ISNEG:.*]] = arith.andi %{{.*}}, %{{.*}} : i1
// CHECK:   %[[ISBIG:.*]] = arith.andi %{{.*}}, %[[INRANGE]] : i1
// CHECK:   %[[M:.*]] = arith.maxsi %[[LARGEST]], %[[N]] : i64
// CHECK:   %[[M2:.*]] = arith.select %[[VALID]], %[[M]], %[[LARGEST]] : i64
// CHECK:   %[[B:.*]] = arith.minsi %[[FIRST]], %{{.*}} : i64
// CHECK:   %[[B2:.*]] = arith.select %[[VALID]], %[[FIRST]], %[[B]] : i64
// CHECK:   %[[C1:.*]] = arith.extui %[[ISNEG]] : i1 to i64
// CHECK:   %[[NNEG2:.*]] = arith.addi %[[NNEG]], %[[C1]] : i64
// CHECK:   %[[C2:.*]] = arith.extui %[[ISBIG]] : i1 to i64
// CHECK:   %[[NBIG2:.*]] = arith.addi %[[NBIG]], %[[C2]] : i64
// CHECK:   scf.yield %[[M2]], %[[B2]], %[[NNEG2]], %[[NBIG2]] : i64, i64, i64, i64
// CHECK: }
// CHECK: memref.atomic_rmw maxs %[[R]]#0, %[[CELLS]][%c0] : (i64, memref<4xi64>) -> i64
// CHECK: memref.atomic_rmw mins %[[R]]#1, %[[CELLS]][%c1] : (i64, memref<4xi64>) -> i64
// CHECK: memref.atomic_rmw addi %[[R]]#2, %[[CELLS]][%c2] : (i64, memref<4xi64>) -> i64
// CHECK: memref.atomic_rmw addi %[[R]]#3, %[[CELLS]][%c3] : (i64, memref<4xi64>) -> i64

// delay_at: thread 0 writes the delay (ms) of synapse n into the scratch.
// CHECK-LABEL: func.func private @snn_body_build_delay_at_0(
// CHECK-SAME: %{{.*}}: memref<?xi8>, %[[SCRATCH:.*]]: memref<?xi8>, %{{.*}}: i64, %[[NSYN:.*]]: i64, %[[TID:.*]]: index, %{{.*}}: index)
// CHECK: %[[CELL:.*]] = memref.view %[[SCRATCH]][%c0][] : memref<?xi8> to memref<1xf64>
// CHECK: %[[ZERO:.*]] = arith.cmpi eq, %[[TID]], %c0 : index
// CHECK: scf.if %[[ZERO]] {
// CHECK:   arith.trunci %[[NSYN]] : i64 to i32
// CHECK:   math.cos
// CHECK:   memref.store %{{.*}}, %[[CELL]][%c0] : memref<1xf64>

// values: f32 weights from f64 draws, delays in steps.
// CHECK-LABEL: func.func private @snn_body_build_values_0(
// CHECK: scf.for
// CHECK:   %[[W:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK:   memref.store %[[W]], %{{.*}} : memref<?xf32>
// CHECK:   math.floor
// CHECK:   %[[D:.*]] = arith.fptosi %{{.*}} : f64 to i32
// CHECK:   memref.store %[[D]], %{{.*}} : memref<?xi32>

// pq (all_to_all): 50 per row, every post in order.
// CHECK-LABEL: func.func private @snn_body_build_rows_1(
// CHECK: memref.store %c50_i64
// CHECK-LABEL: func.func private @snn_body_build_fill_1(
// CHECK: scf.for %{{.*}} = %c0_i64 to %c50_i64 step %c1_i64 : i64 {

// qq (one_to_one): one synapse, i -> i.
// CHECK-LABEL: func.func private @snn_body_build_rows_2(
// CHECK: memref.store %c1_i64
// CHECK-LABEL: func.func private @snn_body_build_fill_2(

// qp (fixed_indegree, 5 of 50): rows, fill, sort and values.
// CHECK-LABEL: func.func private @snn_body_build_rows_3(
// CHECK-LABEL: func.func private @snn_body_build_fill_3(
// CHECK-LABEL: func.func private @snn_body_build_sort_3(
// CHECK-LABEL: func.func private @snn_body_build_values_3(

// qq2 (fixed_indegree, 3 of the 49 others): per post j, Floyd's sampling
// over m = 47 - skip .. 49 - skip, each pick probed into j's table of 6
// slots at i32 index 200 + 6j of the scratch (byte 800), then counted.
// CHECK-LABEL: func.func private @snn_body_build_rows_4(
// CHECK-SAME: %{{.*}}: memref<?xi8>, %[[SCRATCH:.*]]: memref<?xi8>, %{{.*}}: i64, %{{.*}}: i64, %[[TID:.*]]: index, %[[NT:.*]]: index)
// CHECK: %[[COUNTS:.*]] = memref.view %[[SCRATCH]][%c0][] : memref<?xi8> to memref<50xi64>
// CHECK: %[[TABLES:.*]] = memref.view %[[SCRATCH]][%c800][] : memref<?xi8> to memref<300xi32>
// CHECK: scf.for %[[J:.*]] = %[[TID]] to %c50 step %[[NT]] {
// CHECK:   %[[POST:.*]] = arith.index_cast %[[J]] : index to i64
// CHECK:   %[[BASE:.*]] = arith.muli %[[POST]], %c6_i64 : i64
// CHECK:   %[[SKIPSELF:.*]] = arith.cmpi slt, %[[POST]], %c50_i64 : i64
// CHECK:   scf.for %[[R:.*]] = %c0_i64 to %c3_i64 step %c1_i64 : i64 {
// CHECK:     %[[M:.*]] = arith.addi %{{.*}}, %[[R]] : i64
// CHECK:     %[[M1:.*]] = arith.addi %[[M]], %c1_i64 : i64
// CHECK:     %[[SCALE:.*]] = arith.sitofp %[[M1]] : i64 to f64
// CHECK:     %[[TU:.*]] = arith.mulf %{{.*}}, %[[SCALE]] : f64
// CHECK:     %[[T0:.*]] = arith.fptosi %[[TU]] : f64 to i64
// CHECK:     %[[T:.*]] = arith.minsi %[[T0]], %[[M]] : i64
// CHECK:     %[[TKEY:.*]] = arith.trunci %{{.*}} : i64 to i32
// CHECK:     %[[TSTART:.*]] = arith.remsi %[[T]], %c6_i64 : i64
// CHECK:     %[[TSLOT:.*]] = scf.while (%[[P:.*]] = %[[TSTART]]) : (i64) -> i64 {
// CHECK:       memref.load %[[TABLES]]
// CHECK:       scf.condition
// CHECK:     } do {
// CHECK:       arith.cmpi eq, %{{.*}}, %c6_i64 : i64
// CHECK:     %[[TAKEN:.*]] = arith.cmpi eq, %{{.*}}, %[[TKEY]] : i32
// CHECK:     %[[PICK:.*]] = arith.select %[[TAKEN]], %[[M]], %[[T]] : i64
// CHECK:     %[[SLOT:.*]] = scf.while
// CHECK:     memref.store %{{.*}}, %[[TABLES]][%{{.*}}] : memref<300xi32>
// CHECK:     %[[AFTER:.*]] = arith.cmpi sge, %[[PICK]], %[[POST]] : i64
// CHECK:     arith.andi %[[SKIPSELF]], %[[AFTER]] : i1
// CHECK:     memref.atomic_rmw addi %c1_i64, %[[COUNTS]][%{{.*}}] : (i64, memref<50xi64>) -> i64

// fill: post j into slot cursor[i]++ of each chosen row i.
// CHECK-LABEL: func.func private @snn_body_build_fill_4(
// CHECK: %[[ROWPTR:.*]] = memref.view %arg0[%{{.*}}][%{{.*}}] : memref<?xi8> to memref<?xi64>
// CHECK: %[[COL:.*]] = memref.view %arg0[%{{.*}}][%{{.*}}] : memref<?xi8> to memref<?xi16>
// CHECK: %[[CURSORS:.*]] = memref.view %arg1[%c400][] : memref<?xi8> to memref<50xi64>
// CHECK: %[[TABLES:.*]] = memref.view %arg1[%c800][] : memref<?xi8> to memref<300xi32>
// CHECK: scf.for %[[J:.*]] = %arg4 to %c50 step %arg5 {
// CHECK:   scf.for %{{.*}} = %c0_i64 to %c6_i64 step %c1_i64 : i64 {
// CHECK:     %[[V:.*]] = memref.load %[[TABLES]]
// CHECK:     %[[USED:.*]] = arith.cmpi ne, %[[V]], %c0_i32 : i32
// CHECK:     scf.if %[[USED]] {
// CHECK:       %[[ROW:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:       %[[SLOT:.*]] = memref.atomic_rmw addi %c1_i64, %[[CURSORS]][%[[ROW]]] : (i64, memref<50xi64>) -> i64
// CHECK:       %[[FIRST:.*]] = memref.load %[[ROWPTR]][%[[ROW]]] : memref<?xi64>
// CHECK:       %[[AT:.*]] = arith.addi %[[FIRST]], %[[SLOT]] : i64
// CHECK:       memref.store %{{.*}}, %[[COL]][%{{.*}}] : memref<?xi16>

// sort: heap sort of row i, [row_ptr[i], row_ptr[i + 1]): heapify from
// len / 2 - 1 down, then len - 1 swaps of the root with the end.
// CHECK-LABEL: func.func private @snn_body_build_sort_4(
// CHECK: scf.for %[[I:.*]] = %arg4 to %c50 step %arg5 {
// CHECK:   %[[FIRST:.*]] = memref.load %{{.*}}[%[[I]]] : memref<?xi64>
// CHECK:   %[[LEN:.*]] = arith.subi %{{.*}}, %[[FIRST]] : i64
// CHECK:   %[[HALF:.*]] = arith.divsi %[[LEN]], %c2_i64 : i64
// CHECK:   scf.for %{{.*}} = %c0_i64 to %[[HALF]] step %c1_i64 : i64 {
// CHECK:     scf.while
// CHECK:       %[[CHILD:.*]] = arith.addi %{{.*}}, %c1_i64 : i64
// CHECK:       %[[HAS:.*]] = arith.cmpi slt, %[[CHILD]], %[[LEN]] : i64
// CHECK:       scf.if %[[HAS]] -> (i1, i64) {
// CHECK:   %[[LAST:.*]] = arith.subi %[[LEN]], %c1_i64 : i64
// CHECK:   scf.for %{{.*}} = %c0_i64 to %[[LAST]] step %c1_i64 : i64 {
// CHECK:     memref.store
// CHECK:     memref.store
// CHECK:     scf.while

// The host emulation runs build kernel k for every thread in turn.
// CHECK-LABEL: func.func @snn_emulate_build(
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: scf.index_switch
// CHECK: case 0 {
// CHECK:   func.call @snn_body_build_rows_0
// CHECK: case 7 {
// CHECK:   func.call @snn_body_build_fill_2

// The kernels: grid-stride, (arena, scratch, seed, n).
// CHECK: gpu.func @snn_build_rows_0(%{{.*}}: memref<?xi8>, %{{.*}}: memref<?xi8>, %{{.*}}: i64, %{{.*}}: i64) kernel
// CHECK: gpu.func @snn_build_fill_0(
// CHECK: gpu.func @snn_build_delays_0(
// CHECK: gpu.func @snn_build_delay_at_0(
// CHECK: gpu.func @snn_build_values_0(
// CHECK: gpu.func @snn_build_rows_1(
// CHECK:   gpu.block_id
// CHECK:   gpu.grid_dim
// CHECK: gpu.func @snn_build_fill_2(
// CHECK: gpu.func @snn_build_sort_4(
// CHECK-NOT: gpu.func @snn_build

// The descriptor: pp writes col (9), weight (10) and delay (11).
// CHECK: llvm.mlir.global external constant @snn_descriptor(
// CHECK-SAME: \22build\22:[{\22delay_at\22:{\22emulate\22:3,\22kernel\22:\22snn_build_delay_at_0\22,\22work\22:1},\22delays\22:{\22emulate\22:2,\22kernel\22:\22snn_build_delays_0\22},\22fill\22:{\22emulate\22:1,\22kernel\22:\22snn_build_fill_0\22,\22work\22:100},\22projection\22:\22pp\22,\22rows\22:{\22emulate\22:0,\22kernel\22:\22snn_build_rows_0\22,\22work\22:100},\22values\22:{\22emulate\22:4,\22kernel\22:\22snn_build_values_0\22},\22writes\22:[9,10,11]}
// qq2's scratch is 2 * 50 + 50 * 3 words; it has a sort kernel.
// CHECK-SAME: \22fill\22:{\22emulate\22:14,\22kernel\22:\22snn_build_fill_4\22,\22work\22:50},\22projection\22:\22qq2\22,\22rows\22:{\22emulate\22:13,\22kernel\22:\22snn_build_rows_4\22,\22work\22:50},\22scratch\22:250,\22sort\22:{\22emulate\22:15,\22kernel\22:\22snn_build_sort_4\22,\22work\22:50},\22writes\22:[22]}
