// Outlined updates (inline-limit=1) that are alike but for constants are one
// function, the constants that differ passed by the calls; but a constant
// that reaches the Jacobian of an snn.linear_update stays a constant (the
// exact propagator is computed at compile time), so populations whose time
// constants differ keep functions of their own.
// RUN: snn-opt %s -split-input-file -snn-integrate -snn-specialize -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core=inline-limit=1 | FileCheck %s

// Same tau, different bias b (the affine part): one function.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], params = ["tau", "b"], method = "exact"} ode {
  ^bb0(%v: f64, %tau: f64, %b: f64):
    %0 = arith.subf %b, %v : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64, %b: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %tau: f64, %b: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 40 attributes {params = {tau = 10.0 : f64, b = 1.0 : f64}}
  snn.population @c of @m size 24 attributes {params = {tau = 10.0 : f64, b = 2.0 : f64}}
}

// CHECK-LABEL: func.func private @snn_update_0(
// CHECK-SAME: %{{.*}}: memref<?xi8>, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, {{.*}}: f64)
// CHECK-NOT: func.func private @snn_update_1(
// The two calls pass their sizes (40, 24) and their affine constants.
// CHECK-LABEL: func.func @snn_update(
// CHECK: call @snn_update_0({{.*}}, %c40, {{.*}}, %[[B1:cst[_0-9]*]]) : ({{.*}}, f64) -> ()
// CHECK-NEXT: call @snn_update_0({{.*}}, %c24, {{.*}}, %[[B2:cst[_0-9]*]]) : ({{.*}}, f64) -> ()

// -----

// Different tau (the Jacobian): two functions.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], params = ["tau", "b"], method = "exact"} ode {
  ^bb0(%v: f64, %tau: f64, %b: f64):
    %0 = arith.subf %b, %v : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64, %b: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %tau: f64, %b: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 40 attributes {params = {tau = 10.0 : f64, b = 1.0 : f64}}
  snn.population @c of @m size 24 attributes {params = {tau = 20.0 : f64, b = 1.0 : f64}}
}

// CHECK-LABEL: func.func private @snn_update_0(
// CHECK-LABEL: func.func private @snn_update_1(
// CHECK-LABEL: func.func @snn_update(
// CHECK: call @snn_update_0(
// CHECK-NEXT: call @snn_update_1(
