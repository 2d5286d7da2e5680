// Delivery into a variable held while refractory: the ring slot is cleared
// for every neuron, but only added where the countdown is zero.
// RUN: snn-opt %s -snn-integrate -convert-snn-to-core | FileCheck %s

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
