// snn-integrate solves a synapse model's event-driven equations: `ode`
// becomes `advance`, which takes the time elapsed since the synapse's last
// event and yields X exp(A e) (+ B expm1(A e) / A, or X + B e when A is 0).
// RUN: snn-opt %s -snn-integrate | FileCheck %s

// CHECK-LABEL: snn.synapse_model @traces
// CHECK-NOT: ode
// CHECK: advance {
// CHECK-NEXT: ^bb0(%x: f64, %y: f64, %z: f64, %tau: f64, %c: f64, %elapsed: f64):
// A pure decay: x exp(-e / tau).
// CHECK: %[[A:.*]] = arith.divf %{{.*}}, %tau : f64
// CHECK: %[[AE:.*]] = arith.mulf %[[A]], %elapsed : f64
// CHECK: %[[E:.*]] = math.exp %[[AE]] : f64
// CHECK: %[[X:.*]] = arith.mulf %x, %[[E]] : f64
// A decay towards c: y exp(A e) + c expm1(A e) / A.
// CHECK: math.expm1
// No decay: z + c e.
// CHECK: %[[CE:.*]] = arith.mulf %c, %elapsed : f64
// CHECK: %[[Z:.*]] = arith.addf %z, %[[CE]] : f64
// CHECK: snn.yield %[[X]], %{{.*}}, %[[Z]] : f64, f64, f64
// CHECK: } on_pre {

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @traces attributes {variables = ["w", "x", "y", "z"],
      params = ["tau", "c"], event_driven = ["x", "y", "z"], weight = "w"} ode {
  ^bb0(%x: f64, %y: f64, %z: f64, %tau: f64, %c: f64):
    %0 = arith.negf %x : f64
    %1 = arith.divf %0, %tau : f64
    %2 = arith.subf %c, %y : f64
    %3 = arith.divf %2, %tau : f64
    snn.yield %1, %3, %c : f64, f64, f64
  } on_pre {
  ^bb0(%w: f64, %x: f64, %y: f64, %z: f64, %tau: f64, %c: f64):
    snn.yield %w, %x, %y, %z : f64, f64, f64, f64
  }
}
