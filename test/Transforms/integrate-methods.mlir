// snn-integrate: which variables go to the exact propagator, and how the rest
// is integrated by each method.
// RUN: snn-opt %s -split-input-file -snn-integrate | FileCheck %s

// A leaky integrator with an exponential synapse and a per-neuron constant:
// v and g form a linear system with constant coefficients (exact); `b` has no
// equation and is left alone.
// CHECK-LABEL: snn.neuron_model @cuba
// CHECK-NOT: ode {
// CHECK: update {
// CHECK-NEXT: ^bb0(%v: f64, %g: f64, %b: f64, %I: f64, %tau: f64, %tau_g: f64):
// Jacobian row of v: -1/tau, 1/tau; row of g: -1/tau_g (the 0 is not listed).
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-DAG: %[[M1:.*]] = arith.constant -1.000000e+00 : f64
// CHECK: %[[A00:.*]] = arith.divf %[[M1]], %tau : f64
// CHECK: %[[A01:.*]] = arith.divf %[[ONE]], %tau : f64
// CHECK: %[[A11:.*]] = arith.divf %[[M1]], %tau_g : f64
// The affine terms are the right-hand sides at v = g = 0: (b + I) / tau and 0.
// CHECK: %[[B0:.*]] = arith.addf %b, %[[ZERO]] : f64
// CHECK: %[[B1:.*]] = arith.addf %[[B0]], %I : f64
// CHECK: %[[B:.*]] = arith.divf %[[B1]], %tau : f64
// CHECK: %[[NEW:.*]]:2 = snn.linear_update (%v, %g) affine (%[[B]], %{{.*}}) jacobian [(0, 0): %[[A00]], (0, 1): %[[A01]], (1, 1): %[[A11]]] dt 0.1 : f64
// CHECK: snn.yield %[[NEW]]#0, %[[NEW]]#1, %b : f64, f64, f64
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @cuba attributes {variables = ["v", "g", "b"], inputs = ["I"], params = ["tau", "tau_g"], method = "exact"} ode {
  ^bb0(%v: f64, %g: f64, %b: f64, %I: f64, %tau: f64, %tau_g: f64):
    %0 = arith.subf %g, %v : f64
    %1 = arith.addf %0, %b : f64
    %2 = arith.addf %1, %I : f64
    %3 = arith.divf %2, %tau : f64
    %4 = arith.negf %g : f64
    %5 = arith.divf %4, %tau_g : f64
    %zero = arith.constant 0.0 : f64
    snn.yield %3, %5, %zero : f64, f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %b: f64, %I: f64, %tau: f64, %tau_g: f64):
    %c = arith.constant 1.0 : f64
    %0 = arith.cmpf ogt, %v, %c : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %b: f64, %I: f64, %tau: f64, %tau_g: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c, %g, %b : f64, f64, f64
  }
}

// -----

// Conductance-based, exact+exponential_euler: g decays exactly; v depends on
// g*v, so it is integrated by exponential Euler: A = -(1 + g)/tau, B = (E*g + El)/tau, with the
// update -B/A + (v + B/A) exp(A dt). The common divisor tau cancels:
// B/A = (E*g + El) / (-g - 1) and A dt = (-g - 1) (dt / tau), one division
// by a neuron's value instead of three.
// CHECK-LABEL: snn.neuron_model @coba
// CHECK: update {
// Y = -g - 1 (A = Y / tau)
// CHECK: %[[NG:.*]] = arith.negf %g : f64
// CHECK: %[[Y:.*]] = arith.addf %[[NG]], %{{.*}} : f64
// CHECK: %[[G:.*]] = snn.linear_update (%g) affine (%{{.*}}) jacobian [(0, 0): %{{.*}}] dt 0.1 : f64
// X = El + g E (B = X / tau)
// CHECK: %[[GE:.*]] = arith.mulf %g, %E : f64
// CHECK: %[[X:.*]] = arith.addf %El, %[[GE]] : f64
// CHECK: %[[BA:.*]] = arith.divf %[[X]], %[[Y]] : f64
// CHECK: %[[DTT:.*]] = arith.divf %{{.*}}, %tau : f64
// CHECK: %[[ADT:.*]] = arith.mulf %[[Y]], %[[DTT]] : f64
// CHECK: %[[E:.*]] = math.exp %[[ADT]] : f64
// CHECK: %[[S:.*]] = arith.addf %[[BA]], %v : f64
// CHECK: %[[P:.*]] = arith.mulf %[[S]], %[[E]] : f64
// CHECK: %[[NBA:.*]] = arith.negf %[[BA]] : f64
// CHECK: %[[V:.*]] = arith.addf %[[NBA]], %[[P]] : f64
// CHECK: snn.yield %[[V]], %[[G]] : f64, f64
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @coba attributes {variables = ["v", "g"], params = ["tau", "E", "El", "tau_g"], method = "exact+exponential_euler"} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64, %E: f64, %El: f64, %tau_g: f64):
    %0 = arith.subf %El, %v : f64
    %1 = arith.subf %E, %v : f64
    %2 = arith.mulf %g, %1 : f64
    %3 = arith.addf %0, %2 : f64
    %4 = arith.divf %3, %tau : f64
    %5 = arith.negf %g : f64
    %6 = arith.divf %5, %tau_g : f64
    snn.yield %4, %6 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %tau: f64, %E: f64, %El: f64, %tau_g: f64):
    %0 = arith.cmpf ogt, %v, %E : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %tau: f64, %E: f64, %El: f64, %tau_g: f64):
    snn.yield %El, %g : f64, f64
  }
}

// -----

// Quadratic: Euler.
// CHECK-LABEL: snn.neuron_model @quad
// CHECK: update {
// CHECK-NOT: snn.linear_update
// CHECK: %[[DT:.*]] = arith.constant 5.000000e-01 : f64
// CHECK: %[[VV:.*]] = arith.mulf %v, %v : f64
// CHECK: %[[F:.*]] = arith.mulf %a, %[[VV]] : f64
// CHECK: %[[STEP:.*]] = arith.mulf %[[F]], %[[DT]] : f64
// CHECK: %[[V:.*]] = arith.addf %v, %[[STEP]] : f64
// CHECK: snn.yield %[[V]] : f64
snn.network @n attributes {dt = 0.5 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @quad attributes {variables = ["v"], params = ["a"], method = "euler"} ode {
  ^bb0(%v: f64, %a: f64):
    %0 = arith.mulf %v, %v : f64
    %1 = arith.mulf %a, %0 : f64
    snn.yield %1 : f64
  } threshold {
  ^bb0(%v: f64, %a: f64):
    %0 = arith.cmpf ogt, %v, %a : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %a: f64):
    snn.yield %a : f64
  }
}

// -----

// Midpoint method for what is not linear (exact+rk2): the right-hand side is evaluated twice, the second time at
// v + dt/2 * k1; the linear part (g) enters the midpoint at its exact value at
// t + dt/2.
// CHECK-LABEL: snn.neuron_model @mid
// CHECK: update {
// CHECK-DAG: %[[H:.*]] = arith.constant 5.000000e-02 : f64
// CHECK-DAG: %[[DT:.*]] = arith.constant 1.000000e-01 : f64
// CHECK: %[[VV:.*]] = arith.mulf %v, %v : f64
// CHECK: %[[K1:.*]] = arith.addf %[[VV]], %g : f64
// CHECK: %[[GFULL:.*]] = snn.linear_update (%g) affine (%{{.*}}) jacobian [(0, 0): %{{.*}}] dt 0.1 : f64
// CHECK: %[[GHALF:.*]] = snn.linear_update (%g) affine (%{{.*}}) jacobian [(0, 0): %{{.*}}] dt 0.05 : f64
// CHECK: %[[K1H:.*]] = arith.mulf %[[K1]], %[[H]] : f64
// CHECK: %[[VMID:.*]] = arith.addf %v, %[[K1H]] : f64
// CHECK: %[[VM2:.*]] = arith.mulf %[[VMID]], %[[VMID]] : f64
// CHECK: %[[K2:.*]] = arith.addf %[[VM2]], %[[GHALF]] : f64
// CHECK: %[[INC:.*]] = arith.mulf %[[K2]], %[[DT]] : f64
// CHECK: %[[V:.*]] = arith.addf %v, %[[INC]] : f64
// CHECK: snn.yield %[[V]], %[[GFULL]] : f64, f64
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @mid attributes {variables = ["v", "g"], params = ["tau_g"], method = "exact+rk2"} ode {
  ^bb0(%v: f64, %g: f64, %tau_g: f64):
    %0 = arith.mulf %v, %v : f64
    %1 = arith.addf %0, %g : f64
    %2 = arith.negf %g : f64
    %3 = arith.divf %2, %tau_g : f64
    snn.yield %1, %3 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %tau_g: f64):
    %0 = arith.cmpf ogt, %v, %tau_g : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %tau_g: f64):
    snn.yield %tau_g, %g : f64, f64
  }
}

// -----

// Classical Runge-Kutta: four evaluations, combined with weights dt/6 (1 2 2 1).
// CHECK-LABEL: snn.neuron_model @rk
// CHECK: update {
// CHECK: %[[SIXTH:.*]] = arith.constant 0.016666666666666666 : f64
// CHECK-COUNT-4: math.sin
// CHECK: %[[INC:.*]] = arith.mulf %{{.*}}, %[[SIXTH]] : f64
// CHECK: %[[V:.*]] = arith.addf %v, %[[INC]] : f64
// CHECK: snn.yield %[[V]] : f64
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @rk attributes {variables = ["v"], method = "rk4"} ode {
  ^bb0(%v: f64):
    %0 = math.sin %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
}

// -----

// Euler with a constant divisor (dv/dt = (...) / tau): v + X (dt / tau), so
// that dt / tau folds once tau is a constant; no division by a neuron's
// value is left.
// CHECK-LABEL: snn.neuron_model @euler_div
// CHECK: update {
// CHECK: %[[DT:.*]] = arith.constant 5.000000e-01 : f64
// CHECK: %[[VV:.*]] = arith.mulf %v, %v : f64
// CHECK: %[[X:.*]] = arith.subf %E, %[[VV]] : f64
// CHECK: %[[DTT:.*]] = arith.divf %[[DT]], %tau : f64
// CHECK: %[[INC:.*]] = arith.mulf %[[X]], %[[DTT]] : f64
// CHECK: %[[V:.*]] = arith.addf %v, %[[INC]] : f64
// CHECK: snn.yield %[[V]] : f64
snn.network @n attributes {dt = 0.5 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @euler_div attributes {variables = ["v"], params = ["E", "tau"], method = "euler"} ode {
  ^bb0(%v: f64, %E: f64, %tau: f64):
    %0 = arith.mulf %v, %v : f64
    %1 = arith.subf %E, %0 : f64
    %2 = arith.divf %1, %tau : f64
    snn.yield %2 : f64
  } threshold {
  ^bb0(%v: f64, %E: f64, %tau: f64):
    %0 = arith.cmpf ogt, %v, %E : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %E: f64, %tau: f64):
    snn.yield %E : f64
  }
}

// -----

// A method named alone is honoured for every equation, linear or not (as
// Brian2 does): Euler for the linear v and g, no propagator.
// CHECK-LABEL: snn.neuron_model @euler_linear attributes {method = "euler"
// CHECK: update {
// CHECK-NOT: snn.linear_update
// CHECK: %[[DV:.*]] = arith.subf %g, %v : f64
// CHECK: %[[NG:.*]] = arith.negf %g : f64
// CHECK: %[[DTT:.*]] = arith.divf %{{.*}}, %tau : f64
// CHECK: %[[INC:.*]] = arith.mulf %[[DV]], %[[DTT]] : f64
// CHECK: %[[V:.*]] = arith.addf %v, %[[INC]] : f64
// CHECK: %[[GINC:.*]] = arith.mulf %[[NG]], %{{.*}} : f64
// CHECK: %[[G:.*]] = arith.addf %g, %[[GINC]] : f64
// CHECK: snn.yield %[[V]], %[[G]] : f64, f64
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @euler_linear attributes {variables = ["v", "g"], params = ["tau", "tau_g"], method = "euler"} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_g: f64):
    %0 = arith.subf %g, %v : f64
    %1 = arith.divf %0, %tau : f64
    %2 = arith.negf %g : f64
    %3 = arith.divf %2, %tau_g : f64
    snn.yield %1, %3 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_g: f64):
    %c = arith.constant 1.0 : f64
    %0 = arith.cmpf ogt, %v, %c : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_g: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c, %g : f64, f64
  }
}

// -----

// Without a method (exact+euler, the default) the same system is linear:
// one propagator for both.
// CHECK-LABEL: snn.neuron_model @default_linear attributes {params
// CHECK: update {
// CHECK: %[[NEW:.*]]:2 = snn.linear_update (%v, %g)
// CHECK: snn.yield %[[NEW]]#0, %[[NEW]]#1 : f64, f64
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @default_linear attributes {variables = ["v", "g"], params = ["tau", "tau_g"]} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_g: f64):
    %0 = arith.subf %g, %v : f64
    %1 = arith.divf %0, %tau : f64
    %2 = arith.negf %g : f64
    %3 = arith.divf %2, %tau_g : f64
    snn.yield %1, %3 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_g: f64):
    %c = arith.constant 1.0 : f64
    %0 = arith.cmpf ogt, %v, %c : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_g: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c, %g : f64, f64
  }
}

// -----

// exponential_euler alone: g too by exponential Euler (A = -1/tau_g,
// B = 0: g exp(-dt/tau_g)), as Brian2 does; no propagator.
// CHECK-LABEL: snn.neuron_model @expeuler_all
// CHECK: update {
// CHECK-NOT: snn.linear_update
// CHECK: math.exp
// CHECK: %[[GD:.*]] = math.exp %{{.*}} : f64
// CHECK: %[[G:.*]] = arith.mulf %{{.*}}, %[[GD]] : f64
// CHECK: snn.yield %{{.*}}, %{{.*}} : f64, f64
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @expeuler_all attributes {variables = ["v", "g"], params = ["tau", "E", "El", "tau_g"], method = "exponential_euler"} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64, %E: f64, %El: f64, %tau_g: f64):
    %0 = arith.subf %El, %v : f64
    %1 = arith.subf %E, %v : f64
    %2 = arith.mulf %g, %1 : f64
    %3 = arith.addf %0, %2 : f64
    %4 = arith.divf %3, %tau : f64
    %5 = arith.negf %g : f64
    %6 = arith.divf %5, %tau_g : f64
    snn.yield %4, %6 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %tau: f64, %E: f64, %El: f64, %tau_g: f64):
    %c = arith.constant 1.0 : f64
    %0 = arith.cmpf ogt, %v, %c : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %tau: f64, %E: f64, %El: f64, %tau_g: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c, %g : f64, f64
  }
}

// -----

// The input `t` (the time): an equation that reads it is not linear with
// constant terms (exact+rk2 steps it by rk2, not the propagator), and the
// midpoint stage reads t + dt/2; g, linear, stays exact.
// CHECK-LABEL: snn.neuron_model @timed
// CHECK: update {
// CHECK-NEXT: ^bb0(%v: f64, %g: f64, %t: f64, %tau: f64):
// CHECK-DAG: %[[H:.*]] = arith.constant 5.000000e-02 : f64
// CHECK: %[[SIN:.*]] = math.sin %t : f64
// CHECK: %[[G:.*]] = snn.linear_update (%g)
// CHECK: %[[TH:.*]] = arith.addf %t, %[[H]] : f64
// CHECK: math.sin %[[TH]] : f64
// CHECK-NOT: snn.linear_update (%v
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @timed attributes {variables = ["v", "g"], inputs = ["t"], params = ["tau"], method = "exact+rk2"} ode {
  ^bb0(%v: f64, %g: f64, %t: f64, %tau: f64):
    %s = math.sin %t : f64
    %0 = arith.subf %s, %v : f64
    %1 = arith.addf %0, %g : f64
    %2 = arith.divf %1, %tau : f64
    %3 = arith.negf %g : f64
    %4 = arith.divf %3, %tau : f64
    snn.yield %2, %4 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %t: f64, %tau: f64):
    %c = arith.constant 1.0 : f64
    %0 = arith.cmpf ogt, %v, %c : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %t: f64, %tau: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c, %g : f64, f64
  }
}
