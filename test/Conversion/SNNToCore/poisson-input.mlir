// Poisson inputs (snn.poisson_input): in the delivery loop, after the rings,
// k = sum of [u >= c_j] over the binomial's distribution function c_j (here
// B(3, 1/2): 1/8, 1/2, 7/8), times the weight, added to the variable; into
// a variable held while refractory (v) only where the countdown is zero. A
// rate of 1 / dt always gives n (no draw); a rate of 0 gives no code. On the
// GPU the same code is in the deliver phase, before the pending reset.
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
  snn.poisson_input @half into @p target "v" attributes {n = 3 : i64, rate = 5000.0 : f64, weight = 0.25 : f64}
  snn.poisson_input @never into @p target "g" attributes {n = 3 : i64, rate = 0.0 : f64, weight = 1.0 : f64}
  snn.poisson_input @always into @p target "g" attributes {n = 3 : i64, rate = 10000.0 : f64, weight = 0.5 : f64}
}

// CHECK-LABEL: func.func @snn_propagate
// CHECK-DAG: %[[ULP:.*]] = arith.constant 1.1102230246251565E-16 : f64
// CHECK-DAG: %[[T0:.*]] = arith.constant 1.250000e-01 : f64
// CHECK-DAG: %[[T1:.*]] = arith.constant 5.000000e-01 : f64
// CHECK-DAG: %[[T2:.*]] = arith.constant 8.750000e-01 : f64
// CHECK-DAG: %[[W:.*]] = arith.constant 2.500000e-01 : f64
// CHECK-DAG: %[[ALWAYS:.*]] = arith.constant 1.500000e+00 : f64
// CHECK: scf.for %[[I:arg[0-9]+]] = %{{.*}} to %{{.*}} step %c1 {
// The draw of neuron I in this step (Philox), as a 53-bit uniform.
// CHECK:   %[[U:.*]] = arith.mulf %{{.*}}, %[[ULP]] : f64
// CHECK:   %[[C0:.*]] = arith.cmpf oge, %[[U]], %[[T0]] : f64
// CHECK:   %[[S0:.*]] = arith.extui %[[C0]] : i1 to i32
// CHECK:   %[[C1:.*]] = arith.cmpf oge, %[[U]], %[[T1]] : f64
// CHECK:   %[[S1:.*]] = arith.extui %[[C1]] : i1 to i32
// CHECK:   %[[K1:.*]] = arith.addi %[[S0]], %[[S1]] : i32
// CHECK:   %[[C2:.*]] = arith.cmpf oge, %[[U]], %[[T2]] : f64
// CHECK:   %[[S2:.*]] = arith.extui %[[C2]] : i1 to i32
// CHECK:   %[[K:.*]] = arith.addi %[[K1]], %[[S2]] : i32
// CHECK-NOT: arith.cmpf oge, %[[U]]
// CHECK:   %[[KF:.*]] = arith.sitofp %[[K]] : i32 to f64
// CHECK:   %[[AMOUNT:.*]] = arith.mulf %[[KF]], %[[W]] : f64
// CHECK:   %[[OLD:.*]] = memref.load %[[V:.*]][%[[I]]] : memref<?xf64>
// CHECK:   %[[SUM:.*]] = arith.addf %[[OLD]], %[[AMOUNT]] : f64
// CHECK:   %[[R:.*]] = memref.load %{{.*}}[%[[I]]] : memref<?xi32>
// CHECK:   %[[FREE:.*]] = arith.cmpi eq, %[[R]], %{{.*}} : i32
// CHECK:   %[[NEW:.*]] = arith.select %[[FREE]], %[[SUM]], %[[OLD]] : f64
// CHECK:   memref.store %[[NEW]], %[[V]][%[[I]]] : memref<?xf64>
// Rate 1 / dt: 3 * 0.5 every step, into g, without a draw or a guard.
// CHECK:   %[[GOLD:.*]] = memref.load %[[G:.*]][%[[I]]] : memref<?xf64>
// CHECK:   %[[GSUM:.*]] = arith.addf %[[GOLD]], %[[ALWAYS]] : f64
// CHECK:   memref.store %[[GSUM]], %[[G]][%[[I]]] : memref<?xf64>
// CHECK: } {snn.parallel}

// GPU-LABEL: func.func private @snn_body_deliver
// GPU: scf.for %[[I:arg[0-9]+]] = %arg3 to %{{.*}} step %arg4 {
// GPU:   arith.cmpf oge
// GPU:   arith.cmpf oge
// GPU:   arith.cmpf oge
// GPU:   %[[KF:.*]] = arith.sitofp %{{.*}} : i32 to f64
// GPU:   arith.select
// GPU:   memref.store
// GPU:   memref.store
// The reset of the neurons that spiked comes after the input.
// GPU:   scf.if
// GPU: }

// -----

// B(20, 0.05): the thresholds below 1 - 2^-10 (P(K <= 0..4)) always; the
// rest (from P(K <= 5) = 0.99967 on) in a branch taken where u reaches the
// first of them.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f32} {
  snn.neuron_model @m attributes {variables = ["x"]} ode {
  ^bb0(%x: f32):
    %z = arith.constant 0.0 : f32
    snn.yield %z : f32
  } threshold {
  ^bb0(%x: f32):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%x: f32):
    snn.yield %x : f32
  }
  snn.population @p of @m size 4
  snn.poisson_input @bg into @p target "x" attributes {n = 20 : i64, rate = 500.0 : f64, weight = 1.0 : f64}
}

// CHECK-LABEL: func.func @snn_propagate
// CHECK: scf.for
// CHECK-COUNT-5: arith.cmpf oge, %[[U:.*]], %{{.*}} : f64
// CHECK: %[[RARE:.*]] = arith.cmpf oge, %[[U]], %{{.*}} : f64
// CHECK: %[[K:.*]] = scf.if %[[RARE]] -> (i32) {
// CHECK:   arith.cmpf oge, %[[U]], %{{.*}} : f64
// CHECK: } else {
// CHECK: arith.sitofp %[[K]] : i32 to f32
