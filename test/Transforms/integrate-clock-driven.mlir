// snn-integrate integrates a synapse model's clock-driven equations over a
// step: `clock` (the arguments of on_pre, yielding the derivatives) becomes
// `clock_step` (the same arguments, yielding the values a step later).
// "exact": each dX/dt = A X + B with A and B made of parameters, numbers
// and the synapse's variables without equations, X exp(A dt) + B expm1(A
// dt) / A; equations that read one another, one snn.linear_update of the
// system; "euler": X + dt f. The event-driven equations beside them are
// solved as before.
// RUN: snn-opt %s -split-input-file -snn-integrate | FileCheck %s

// CHECK-LABEL: snn.synapse_model @exact
// CHECK-NOT: clock {
// CHECK: advance {
// CHECK: clock_step {
// CHECK-NEXT: ^bb0(%w: f64, %u: f64, %x: f64, %w0: f64, %tau: f64):
// The decay of u towards w0 (a variable without equation): u exp(-dt / tau)
// + w0 / tau expm1(-dt / tau) / (-1 / tau).
// CHECK: math.exp
// CHECK: math.expm1
// CHECK: snn.yield
// CHECK: } on_pre {
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @exact attributes {variables = ["w", "u", "x"],
      params = ["w0", "tau"], event_driven = ["x"], clock_driven = ["u"],
      weight = "w"} ode {
  ^bb0(%x: f64, %w0: f64, %tau: f64):
    %0 = arith.negf %x : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } clock {
  ^bb0(%w: f64, %u: f64, %x: f64, %w0: f64, %tau: f64):
    %0 = arith.subf %w0, %u : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } on_pre {
  ^bb0(%w: f64, %u: f64, %x: f64, %w0: f64, %tau: f64):
    snn.yield %w, %u, %x : f64, f64, f64
  }
}

// -----

// Euler: every right-hand side at the step's start values (here it reads
// the post neuron's v).
// CHECK-LABEL: snn.synapse_model @euler
// CHECK: clock_method = "euler"
// CHECK: clock_step {
// CHECK-NEXT: ^bb0(%w: f64, %u: f64, %v_post: f64, %tau: f64):
// CHECK-NEXT: %[[DT:.*]] = arith.constant 1.000000e-01 : f64
// CHECK-NEXT: %[[D:.*]] = arith.subf %v_post, %u : f64
// CHECK-NEXT: %[[F:.*]] = arith.divf %[[D]], %tau : f64
// CHECK-NEXT: %[[S:.*]] = arith.mulf %[[F]], %[[DT]] : f64
// CHECK-NEXT: %[[N:.*]] = arith.addf %u, %[[S]] : f64
// CHECK-NEXT: snn.yield %[[N]] : f64
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @euler attributes {variables = ["w", "u"],
      params = ["tau"], clock_driven = ["u"], clock_method = "euler",
      post_reads = ["v"], weight = "w"} clock {
  ^bb0(%w: f64, %u: f64, %v: f64, %tau: f64):
    %0 = arith.subf %v, %u : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } on_pre {
  ^bb0(%w: f64, %u: f64, %v: f64, %tau: f64):
    snn.yield %w, %u : f64, f64
  }
}

// -----

// Equations that read one another: one snn.linear_update over (u, z), its
// Jacobian made of the parameters (the propagator is computed once they
// are known, when the projection is lowered), the affine terms the
// right-hand sides at u = z = 0 (here the constant-over-step w0 / tau1).
// CHECK-LABEL: snn.synapse_model @coupled
// CHECK: clock_step {
// CHECK-NEXT: ^bb0(%w: f64, %u: f64, %z: f64, %w0: f64, %tau1: f64, %tau2: f64):
// CHECK: %[[A00:.*]] = arith.divf %{{.*}}, %tau1 : f64
// CHECK: %[[A10:.*]] = arith.divf %{{.*}}, %tau2 : f64
// CHECK: %[[A11:.*]] = arith.divf %{{.*}}, %tau2 : f64
// CHECK: %[[B0:.*]] = arith.divf %w0, %tau1 : f64
// CHECK: %[[U:.*]]:2 = snn.linear_update (%u, %z) affine (%[[B0]], %{{.*}}) jacobian [(0, 0): %[[A00]], (1, 0): %[[A10]], (1, 1): %[[A11]]] dt 0.1 : f64
// CHECK-NEXT: snn.yield %[[U]]#0, %[[U]]#1 : f64, f64
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @coupled attributes {variables = ["w", "u", "z"],
      params = ["w0", "tau1", "tau2"], clock_driven = ["u", "z"],
      weight = "w"} clock {
  ^bb0(%w: f64, %u: f64, %z: f64, %w0: f64, %tau1: f64, %tau2: f64):
    %0 = arith.subf %w0, %u : f64
    %1 = arith.divf %0, %tau1 : f64
    %2 = arith.subf %u, %z : f64
    %3 = arith.divf %2, %tau2 : f64
    snn.yield %1, %3 : f64, f64
  } on_pre {
  ^bb0(%w: f64, %u: f64, %z: f64, %w0: f64, %tau1: f64, %tau2: f64):
    snn.yield %w, %u, %z : f64, f64, f64
  }
}
