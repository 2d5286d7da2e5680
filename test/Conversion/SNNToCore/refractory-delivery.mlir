// Input into a variable held while refractory (v), and into one that is not
// (g). Through a ring (delay 1 step): the ring slot is cleared for every
// neuron, but only added where the countdown is zero. Without a ring (delay
// 0 steps): each weight is added at once, to v only where the countdown is
// zero; on the GPU by an atomic add, and the reset waits for the deliver
// phase.
// RUN: snn-opt %s -split-input-file -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s
// RUN: snn-opt %s -split-input-file -snn-integrate -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu -snn-describe -convert-snn-to-core=target=gpu | FileCheck %s --check-prefix=GPU

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v", "g"], params = ["tau"], method = "exact", refractory = 1.0 : f64, refractory_clamp = ["v"]} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %0 = arith.negf %v : f64
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
  snn.population @p of @m size 4 attributes {params = {tau = 10.0 : f64}}
  snn.projection @to_v from @p to @p target "v" attributes {connectivity = #snn.all_to_all<allow_self = false>, weight = 1.0 : f64, delay = 0.1 : f64}
  snn.projection @to_g from @p to @p target "g" attributes {connectivity = #snn.all_to_all<allow_self = false>, weight = 1.0 : f64, delay = 0.1 : f64}
}

// CHECK-LABEL: func.func @snn_propagate
// Both rings of the population in one loop over this thread's share.
// Delivery into v: guarded by the countdown.
// CHECK: scf.for %[[I:arg[0-9]+]] = %{{.*}} to %{{.*}} step %c1 {
// CHECK:   %[[OLD:.*]] = memref.load %[[V:.*]][%[[I]]] : memref<?xf64>
// CHECK:   %[[SUM:.*]] = arith.addf %[[OLD]], %{{.*}} : f64
// CHECK:   %[[R:.*]] = memref.load %{{.*}}[%[[I]]] : memref<?xi32>
// CHECK:   %[[FREE:.*]] = arith.cmpi eq, %[[R]], %{{.*}} : i32
// CHECK:   %[[NEW:.*]] = arith.select %[[FREE]], %[[SUM]], %[[OLD]] : f64
// CHECK:   memref.store %[[NEW]], %[[V]][%[[I]]] : memref<?xf64>
// CHECK:   memref.store %{{.*}} : memref<?xf64>
// Delivery into g: unconditional.
// CHECK:   %[[GOLD:.*]] = memref.load %[[G:.*]][%[[I]]] : memref<?xf64>
// CHECK:   %[[GSUM:.*]] = arith.addf %[[GOLD]], %{{.*}} : f64
// CHECK-NOT: arith.select
// CHECK:   memref.store %[[GSUM]], %[[G]][%[[I]]] : memref<?xf64>
// CHECK: } {snn.parallel}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v", "g"], params = ["tau"], method = "exact", refractory = 1.0 : f64, refractory_clamp = ["v"]} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %0 = arith.negf %v : f64
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
  snn.population @p of @m size 4 attributes {params = {tau = 10.0 : f64}}
  snn.projection @to_v from @p to @p target "v" attributes {connectivity = #snn.all_to_all<allow_self = false>, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.projection @to_g from @p to @p target "g" attributes {connectivity = #snn.all_to_all<allow_self = false>, weight = 1.0 : f64, delay = 0.0 : f64}
}

// Direct: the weight goes into v inside the synapse loop, guarded by the
// countdown of the target neuron, and into g unconditionally; no ring.
// CHECK-LABEL: func.func @snn_propagate
// CHECK: scf.for %[[K:arg[0-9]+]] = %{{[0-9]+}}#0 to %{{[0-9]+}}#1
// CHECK:   %[[POST16:.*]] = memref.load %{{.*}}[%[[K]]] : memref<?xi16>
// CHECK:   %[[POST:.*]] = arith.index_castui %[[POST16]] : i16 to index
// CHECK:   %[[R:.*]] = memref.load %{{.*}}[%[[POST]]] : memref<?xi32>
// CHECK:   %[[FREE:.*]] = arith.cmpi eq, %[[R]], %{{.*}} : i32
// CHECK:   scf.if %[[FREE]] {
// CHECK:     %[[OLD:.*]] = memref.load %[[V:.*]][%[[POST]]] : memref<?xf64>
// CHECK:     %[[SUM:.*]] = arith.addf %[[OLD]], %{{.*}} : f64
// CHECK:     memref.store %[[SUM]], %[[V]][%[[POST]]] : memref<?xf64>
// CHECK: scf.for %[[K2:arg[0-9]+]] = %{{[0-9]+}}#0 to %{{[0-9]+}}#1
// CHECK:   %[[POST2_16:.*]] = memref.load %{{.*}}[%[[K2]]] : memref<?xi16>
// CHECK:   %[[POST2:.*]] = arith.index_castui %[[POST2_16]] : i16 to index
// CHECK-NEXT: %[[GOLD:.*]] = memref.load %[[G:.*]][%[[POST2]]] : memref<?xf64>
// CHECK-NEXT: %[[GSUM:.*]] = arith.addf %[[GOLD]], %{{.*}} : f64
// CHECK-NEXT: memref.store %[[GSUM]], %[[G]][%[[POST2]]] : memref<?xf64>
// No delivery loop, and the descriptor has no ring.
// CHECK-NOT: snn.parallel
// CHECK: llvm.mlir.global external constant @snn_descriptor
// CHECK-SAME: rings\22:[]

// The second network's GPU phases.
// GPU: {{^}}// {{-+}}{{$}}
// GPU: func.func private @snn_body_update
// The spike is only flagged: the reset waits for the input.
// GPU: memref.atomic_rmw addi
// GPU: memref.store %{{.*}} : memref<?xi32>
// GPU-NOT: memref.store %{{.*}} : memref<?xf64>
// GPU: func.func private @snn_body_propagate
// The row of the spike, then its synapses.
// GPU: memref.load %{{.*}} : memref<?xi64>
// GPU: memref.load %{{.*}} : memref<?xi64>
// GPU: scf.for %[[K:arg[0-9]+]] = %{{.*}} to %{{.*}} step %{{.*}} {
// GPU-NEXT: %[[POST16:.*]] = memref.load %{{.*}}[%[[K]]] : memref<?xi16>
// GPU-NEXT: %[[POST:.*]] = arith.index_castui %[[POST16]] : i16 to index
// GPU-NEXT: %[[R:.*]] = memref.load %{{.*}}[%[[POST]]] : memref<?xi32>
// GPU-NEXT: %[[FREE:.*]] = arith.cmpi eq, %[[R]], %{{.*}} : i32
// GPU: scf.if %[[FREE]] {
// GPU-NEXT: memref.atomic_rmw addf %{{.*}}, %[[V:.*]][%[[POST]]] : (f64, memref<?xf64>) -> f64
// GPU: memref.atomic_rmw addf
// GPU: func.func private @snn_body_deliver
// GPU: scf.for %[[I:arg[0-9]+]] =
// GPU:   %[[FLAG:.*]] = memref.load %[[SPIKED:.*]][%[[I]]] : memref<?xi32>
// GPU-NEXT: %[[DID:.*]] = arith.cmpi ne, %[[FLAG]], %{{.*}} : i32
// GPU:   scf.if %[[DID]] {
// GPU:     memref.store %{{.*}}, %[[SPIKED]][%[[I]]] : memref<?xi32>
// GPU:     memref.store %{{.*}}, %{{.*}}[%[[I]]] : memref<?xf64>
