// A refractory period longer than 2^31 - 1 steps gets a 64-bit countdown
// (a 32-bit one would wrap and let the neuron fire again), and a period
// longer than any run (1e300 ms) saturates at 2^62 steps, which no run
// reaches. Shorter periods keep the 32-bit countdown.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @forever attributes {variables = ["v"], params = ["tau"], method = "exact", refractory = 1.0e300 : f64} ode {
  ^bb0(%v: f64, %tau: f64):
    %0 = arith.negf %v : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %0 = arith.cmpf ogt, %v, %tau : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c : f64
  }
  snn.neuron_model @just_over attributes {variables = ["v"], params = ["tau"], method = "exact", refractory = 214748364.8 : f64} ode {
  ^bb0(%v: f64, %tau: f64):
    %0 = arith.negf %v : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %0 = arith.cmpf ogt, %v, %tau : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c : f64
  }
  snn.neuron_model @just_under attributes {variables = ["v"], params = ["tau"], method = "exact", refractory = 214748364.7 : f64} ode {
  ^bb0(%v: f64, %tau: f64):
    %0 = arith.negf %v : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %0 = arith.cmpf ogt, %v, %tau : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c : f64
  }
  snn.population @a of @forever size 2 attributes {params = {tau = 10.0 : f64}}
  snn.population @b of @just_over size 2 attributes {params = {tau = 10.0 : f64}}
  snn.population @c of @just_under size 2 attributes {params = {tau = 10.0 : f64}}
}

// CHECK-LABEL: func.func @snn_update
// CHECK-DAG: %[[NEVER:.*]] = arith.constant 4611686018427387904 : i64
// CHECK-DAG: %[[OVER:.*]] = arith.constant 2147483648 : i64
// CHECK-DAG: %[[UNDER:.*]] = arith.constant 2147483647 : i32
// Population a: the countdown is decremented and set in 64 bits, to 2^62.
// CHECK: %[[RA:.*]] = memref.load %[[A:.*]][%{{.*}}] : memref<?xi64>
// CHECK: arith.subi %[[RA]], %{{.*}} : i64
// CHECK: memref.store %[[NEVER]], %[[A]][%{{.*}}] : memref<?xi64>
// Population b: 2^31 steps, in 64 bits.
// CHECK: %[[RB:.*]] = memref.load %[[B:.*]][%{{.*}}] : memref<?xi64>
// CHECK: memref.store %[[OVER]], %[[B]][%{{.*}}] : memref<?xi64>
// Population c: 2^31 - 1 steps still fit 32 bits.
// CHECK: %[[RC:.*]] = memref.load %[[C:.*]][%{{.*}}] : memref<?xi32>
// CHECK: memref.store %[[UNDER]], %[[C]][%{{.*}}] : memref<?xi32>

// The descriptor: one countdown per population, of the width it needs.
// CHECK: \22name\22:\22a.refractory\22,\22type\22:\22i64\22
// CHECK: \22name\22:\22b.refractory\22,\22type\22:\22i64\22
// CHECK: \22name\22:\22c.refractory\22,\22type\22:\22i32\22
// CHECK: \22name\22:\22a\22,\22refractory\22:{{[0-9]+}},\22refractory_steps\22:4611686018427387904
// CHECK: \22name\22:\22b\22,\22refractory\22:{{[0-9]+}},\22refractory_steps\22:2147483648
// CHECK: \22name\22:\22c\22,\22refractory\22:{{[0-9]+}},\22refractory_steps\22:2147483647
