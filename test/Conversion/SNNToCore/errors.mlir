// snn-plan-buffers and convert-snn-to-core need integrated models;
// convert-snn-to-core, one network per module.
// RUN: snn-opt %s -split-input-file -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core -verify-diagnostics

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{has not been integrated: run snn-integrate before snn-plan-buffers}}
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
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

snn.network @a attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
}
// expected-error @+1 {{a module may hold only one network (the simulator exports one step)}}
snn.network @b attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
}

// -----

// A linear system whose Jacobian depends on a per-neuron variable is not
// integrated exactly (so this cannot arise from snn-integrate), but a
// hand-written update region can carry one: it is refused at lowering.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v", "a"]} update {
  ^bb0(%v: f64, %a: f64):
    %z = arith.constant 0.0 : f64
    // expected-error @+1 {{Jacobian is not a compile-time constant; the parameters of the linear subsystem must be}}
    %0 = snn.linear_update (%v) affine (%z) jacobian [%a] dt 0.1 : f64
    snn.yield %0, %a : f64, f64
  } threshold {
  ^bb0(%v: f64, %a: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %a: f64):
    snn.yield %v, %a : f64, f64
  }
  snn.population @p of @m size 4
}

// -----

// A propagator that cannot be computed to the network's precision is
// reported at the equation, naming the population and its variables; the
// population of the same model with decaying parameters is fine.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v", "g"], params = ["rate", "tau_g"]} update {
  ^bb0(%v: f64, %g: f64, %rate: f64, %tau_g: f64):
    %z = arith.constant 0.0 : f64
    %m1 = arith.constant -1.0 : f64
    %a11 = arith.divf %m1, %tau_g : f64
    // expected-error @+1 {{population 'grows': the exact propagator of (v, g) over dt = 0.1 ms cannot be computed to f64 precision: exp(A dt) overflows even in extended precision, beyond the range of f64: the system grows too fast over one step (the largest diagonal entry of A dt is 1e+19)}}
    %0:2 = snn.linear_update (%v, %g) affine (%z, %z) jacobian [(0, 0): %rate, (0, 1): %rate, (1, 1): %a11] dt 0.1 : f64
    snn.yield %0#0, %0#1 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %rate: f64, %tau_g: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %rate: f64, %tau_g: f64):
    snn.yield %v, %g : f64, f64
  }
  snn.population @decays of @m size 4 attributes {params = {rate = -0.1 : f64, tau_g = 5.0 : f64}}
  snn.population @grows of @m size 4 attributes {params = {rate = 1.0e20 : f64, tau_g = 5.0 : f64}}
}
