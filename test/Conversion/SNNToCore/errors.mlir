// convert-snn-to-core needs integrated models and one network per module.
// RUN: snn-opt %s -split-input-file -convert-snn-to-core -verify-diagnostics

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{has not been integrated: run snn-integrate before convert-snn-to-core}}
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
// expected-error @+1 {{a module may hold only one network (the simulator exports one snn_step)}}
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
