// snn-integrate refuses clock-driven equations that have no exact solution
// over a step when the method is "exact": one that reads a value that
// changes during the run (a neuron's variable, a link), one that is not
// linear in its variable, equations that read one another but not as a
// linear system with coefficients made of parameters and numbers; and,
// with any method, one that reads an event-driven variable.
// RUN: snn-opt %s -split-input-file -snn-integrate -verify-diagnostics

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @reads attributes {variables = ["w", "u"],
      params = ["tau"], clock_driven = ["u"], post_reads = ["v"],
      weight = "w"} clock {
  ^bb0(%w: f64, %u: f64, %v: f64, %tau: f64):
    %0 = arith.subf %v, %u : f64
    // expected-error @below {{synapse model 'reads': the clock-driven equation of 'u' reads 'v_post', which changes during the run, so it has no exact solution over a step: give the synapse model "method": "euler"}}
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } on_pre {
  ^bb0(%w: f64, %u: f64, %v: f64, %tau: f64):
    snn.yield %w, %u : f64, f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @square attributes {variables = ["w", "u"],
      params = ["tau"], clock_driven = ["u"], weight = "w"} clock {
  ^bb0(%w: f64, %u: f64, %tau: f64):
    %0 = arith.mulf %u, %u : f64
    // expected-error @below {{synapse model 'square': the clock-driven equation of 'u' is not linear in 'u' (dX/dt = A X + B), so it has no exact solution over a step: give the synapse model "method": "euler"}}
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } on_pre {
  ^bb0(%w: f64, %u: f64, %tau: f64):
    snn.yield %w, %u : f64, f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @mixed attributes {variables = ["w", "a", "u"],
      params = ["tau"], event_driven = ["a"], clock_driven = ["u"],
      clock_method = "euler", weight = "w"} ode {
  ^bb0(%a: f64, %tau: f64):
    %0 = arith.negf %a : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } clock {
  ^bb0(%w: f64, %a: f64, %u: f64, %tau: f64):
    // expected-error @below {{synapse model 'mixed': the clock-driven equation of 'u' reads the event-driven 'a', which is up to date only at events}}
    %0 = arith.subf %a, %u : f64
    snn.yield %0 : f64
  } on_pre {
  ^bb0(%w: f64, %a: f64, %u: f64, %tau: f64):
    snn.yield %w, %a, %u : f64, f64, f64
  }
}

// -----

// Coupled, but the coefficient of u in dz/dt is z / tau: not a constant.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @product attributes {variables = ["w", "u", "z"],
      params = ["tau"], clock_driven = ["u", "z"], weight = "w"} clock {
  ^bb0(%w: f64, %u: f64, %z: f64, %tau: f64):
    %0 = arith.negf %u : f64
    %1 = arith.divf %0, %tau : f64
    %2 = arith.mulf %u, %z : f64
    // expected-error @below {{synapse model 'product': the clock-driven equation of 'z' is not linear in 'u' with a coefficient made of parameters and numbers (the clock-driven equations read one another, and such a system is integrated exactly only as dx/dt = A x + b with A constant): give the synapse model "method": "euler"}}
    %3 = arith.divf %2, %tau : f64
    snn.yield %1, %3 : f64, f64
  } on_pre {
  ^bb0(%w: f64, %u: f64, %z: f64, %tau: f64):
    snn.yield %w, %u, %z : f64, f64, f64
  }
}
