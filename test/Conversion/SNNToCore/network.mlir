// convert-snn-to-core: one population with a recurrent projection becomes
// snn_update and snn_propagate over arena views, and the descriptor global.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s

snn.network @small attributes {dt = 0.1 : f64, duration = 10.0 : f64, seed = 3 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v", "g"], params = ["tau", "tau_g", "vth", "vr"], method = "exact", refractory = 0.5 : f64, refractory_clamp = ["v"]} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_g: f64, %vth: f64, %vr: f64):
    %0 = arith.subf %g, %v : f64
    %1 = arith.divf %0, %tau : f64
    %2 = arith.negf %g : f64
    %3 = arith.divf %2, %tau_g : f64
    snn.yield %1, %3 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_g: f64, %vth: f64, %vr: f64):
    %0 = arith.cmpf ogt, %v, %vth : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_g: f64, %vth: f64, %vr: f64):
    snn.yield %vr, %g : f64, f64
  }
  snn.population @exc of @lif size 100 attributes {params = {tau = 10.0 : f64, tau_g = 5.0 : f64, vth = 1.0 : f64, vr = 0.0 : f64}, init = {v = #snn.uniform<0.0, 1.0>}}
  snn.projection @ee from @exc to @exc target "g" attributes {connectivity = #snn.fixed_probability<0.1, allow_self = false>, weight = 0.5 : f64, delay = 0.2 : f64}
  snn.record_spikes @exc
}

// The step in two phases, each run by every thread (tid, nthreads) on its
// share (docs/runtime-abi.md, "Threads").
// CHECK-LABEL: func.func @snn_update(
// CHECK-SAME: %[[ARENA:.*]]: memref<?xi8>, %[[STEP:.*]]: i64, %{{.*}}: i64, %[[TID:.*]]: i64, %[[NT:.*]]: i64) attributes {llvm.emit_c_interface}
// The propagator, computed at compile time: v' = e^-0.01 v + c g, g' = e^-0.02 g.
// CHECK-DAG: arith.constant 0.99004983374916811 : f64
// CHECK-DAG: arith.constant 0.98019867330675525 : f64
// The refractory period is 5 steps.
// CHECK-DAG: %[[R:.*]] = arith.constant 5 : i32
// The table of buffers at the start of the arena, then a view per buffer used.
// CHECK: %[[TABLE:.*]] = memref.view %[[ARENA]][%{{.*}}][] : memref<?xi8> to memref<16xi64>
// CHECK: memref.view %[[ARENA]][%{{.*}}][%{{.*}}] : memref<?xi8> to memref<?x{{.*}}>
// The step's parity; this thread's share of the 100 neurons: chunks of
// ceil(ceil(100 / nthreads) / 16) * 16 neurons.
// CHECK: %[[PARITY:.*]] = arith.andi %{{.*}}, %c1 : index
// CHECK: arith.divui %{{.*}}, %c16 : index
// CHECK: %[[CHUNK:.*]] = arith.muli %{{.*}}, %c16 : index
// CHECK: %[[LO0:.*]] = arith.muli %{{.*}}, %[[CHUNK]] : index
// CHECK: %[[LO:.*]] = arith.minui %[[LO0]], %c100 : index
// CHECK: %[[HI:.*]] = arith.minui %{{.*}}, %c100 : index
// Its spikes go to its own segment of this step's half of the list.
// CHECK: %[[HALF:.*]] = arith.muli %[[PARITY]], %c100 : index
// CHECK: %[[SEG:.*]] = arith.addi %[[HALF]], %{{.*}} : index
// Update and threshold, fused: one loop over the share counting spikes,
// marked for snn-vectorize-loops.
// CHECK: %[[N:.*]] = scf.for %[[I:.*]] = %[[LO]] to %[[HI]] step %{{.*}} iter_args(%[[COUNT:.*]] = %{{.*}}) -> (i32) {
// CHECK:   arith.maxsi
// CHECK:   %[[FREE:.*]] = arith.cmpi eq
// CHECK:   %[[VNEW:.*]] = arith.select %[[FREE]], %{{.*}}, %{{.*}} : f64
// CHECK:   %[[ABOVE:.*]] = arith.cmpf ogt, %[[VNEW]], %{{.*}} : f64
// CHECK:   %[[SPIKE:.*]] = arith.andi %[[ABOVE]], %[[FREE]] : i1
// CHECK:   scf.if %[[SPIKE]] -> (i32) {
// CHECK:     %[[AT:.*]] = arith.addi %[[SEG]], %{{.*}} : index
// CHECK:     memref.store %{{.*}}, %{{.*}}[%[[AT]]] : memref<?xi32>
// CHECK:     memref.store %[[R]], %{{.*}}[%[[I]]] : memref<?xi32>
// CHECK:     arith.addi %[[COUNT]], %{{.*}} : i32
// CHECK: } {snn.parallel}
// The count of the segment: entry parity * 256 + tid.
// CHECK: %[[CI:.*]] = arith.muli %[[PARITY]], %c256 : index
// CHECK: %[[C:.*]] = arith.addi %[[CI]], %{{.*}} : index
// CHECK: memref.store %[[N]], %{{.*}}[%[[C]]] : memref<?xi32>
// CHECK: return

// CHECK-LABEL: func.func @snn_propagate(
// Propagation: slot (step + 2) mod slots of the ring; every thread's
// segment in order; in each row (sorted by post) the stretch of this
// thread's targets, found by binary search (the whole row on one thread).
// CHECK: %[[SLOTS:.*]] = arith.divui
// CHECK: arith.remui %{{.*}}, %[[SLOTS]] : index
// CHECK: %[[PLO:.*]] = arith.minui %{{.*}}, %c100 : index
// CHECK: %[[PHI:.*]] = arith.minui %{{.*}}, %c100 : index
// Before a segment's spikes, a prefetch of each one's row pointer, then of
// every line (32 u16 columns) of the first 4 rows, up to 32 lines; at spike
// s, of the lines of the row of spike s + 4 (rows are scattered: their
// first accesses miss the caches, and this way the misses overlap).
// CHECK: scf.for %[[SEGMENT:.*]] = %c0 to %{{.*}} step %c1 {
// CHECK:   scf.for %{{.*}} = %c0 to %[[N:.*]] step %c1 {
// CHECK:     memref.prefetch %{{.*}}[%{{.*}}], read, locality<3>, data : memref<?xi64>
// CHECK:   }
// CHECK:   %[[FIRSTS:.*]] = arith.minui %[[N]], %c4 : index
// CHECK:   scf.for %{{.*}} = %c0 to %[[FIRSTS]] step %c1 {
// CHECK:     %[[B0:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:     %[[E0:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:     %[[CAP0:.*]] = arith.addi %[[B0]], %c1024 : index
// CHECK:     %[[END0:.*]] = arith.minui %[[E0]], %[[CAP0]] : index
// CHECK:     scf.for %[[L0:.*]] = %[[B0]] to %[[END0]] step %c32 {
// CHECK-NEXT:  memref.prefetch %{{.*}}[%[[L0]]], read, locality<3>, data : memref<?xi16>
// CHECK:   scf.for %[[S:.*]] = %c0 to %[[N]] step %c1 {
// CHECK:     %[[AHEAD:.*]] = arith.addi %[[S]], %c4 : index
// CHECK:     %[[IN:.*]] = arith.cmpi ult, %[[AHEAD]], %[[N]] : index
// CHECK:     scf.if %[[IN]] {
// CHECK:       %[[START:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:       %[[STOP:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:       %[[CAP:.*]] = arith.addi %[[START]], %c1024 : index
// CHECK:       %[[END:.*]] = arith.minui %[[STOP]], %[[CAP]] : index
// CHECK:       scf.for %[[L:.*]] = %[[START]] to %[[END]] step %c32 {
// CHECK-NEXT:    memref.prefetch %{{.*}}[%[[L]]], read, locality<3>, data : memref<?xi16>
// CHECK:     }
// CHECK:     %[[ONE:.*]] = arith.cmpi eq, %{{.*}}, %c1 : index
// CHECK:     %[[B:.*]]:2 = scf.if %[[ONE]] -> (index, index) {
// CHECK:     } else {
// CHECK:       %[[FIRST:.*]]:2 = scf.while
// CHECK:         arith.cmpi ult, %{{.*}}, %[[PLO]] : index
// CHECK:       %[[LAST:.*]]:2 = scf.while
// CHECK:         arith.cmpi ult, %{{.*}}, %[[PHI]] : index
// CHECK:       scf.yield %[[FIRST]]#0, %[[LAST]]#0 : index, index
// CHECK:     scf.for %{{.*}} = %[[B]]#0 to %[[B]]#1 step %c1 {
// CHECK:       arith.addf %{{.*}}, %{{.*}} : f64
// Delivery of this step's slot into g, which is then cleared: this thread's
// share, marked for snn-vectorize-loops.
// CHECK: scf.for
// CHECK:   arith.addf
// CHECK:   memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<?xf64>
// CHECK:   memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<?xf64>
// CHECK: } {snn.parallel}
// Reset of the neurons that spiked, this thread's segment: v = vr = 0.
// CHECK: scf.for
// CHECK:   memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<?xf64>
// CHECK: return

// The descriptor.
// CHECK: llvm.mlir.global external constant @snn_descriptor
// CHECK-SAME: \22format\22:\22snn-descriptor\22
// CHECK-SAME: \22refractory_steps\22:5
// CHECK-SAME: \22kind\22:\22fixed_probability\22
// CHECK-SAME: \22steps\22:100
// CHECK-SAME: \22threads\22:{\22align\22:16,\22max\22:256}
// CHECK-NOT: snn.
