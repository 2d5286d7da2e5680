// snn-integrate refuses event-driven equations it cannot solve exactly
// between events, pointing at the equation.
// RUN: snn-opt %s -split-input-file -snn-integrate -verify-diagnostics

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @m attributes {variables = ["w", "x"], params = ["tau"],
      event_driven = ["x"], weight = "w"} ode {
  ^bb0(%x: f64, %tau: f64):
    // expected-error @+1 {{synapse model 'm': the event-driven equation of 'x' is not linear in 'x'}}
    %0 = arith.mulf %x, %x : f64
    snn.yield %0 : f64
  } on_pre {
  ^bb0(%w: f64, %x: f64, %tau: f64):
    snn.yield %w, %x : f64, f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @m attributes {variables = ["w", "x", "y"], params = ["tau"],
      event_driven = ["x", "y"], weight = "w"} ode {
  ^bb0(%x: f64, %y: f64, %tau: f64):
    %0 = arith.negf %x : f64
    %1 = arith.divf %0, %tau : f64
    // expected-error @+1 {{the event-driven equation of 'y' depends on 'x': each event-driven equation may depend on its own variable, parameters and numbers only}}
    %2 = arith.subf %x, %y : f64
    snn.yield %1, %2 : f64, f64
  } on_pre {
  ^bb0(%w: f64, %x: f64, %y: f64, %tau: f64):
    snn.yield %w, %x, %y : f64, f64, f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @m attributes {variables = ["w", "x"], params = ["tau"],
      event_driven = ["x"], weight = "w"} ode {
  ^bb0(%x: f64, %tau: f64):
    // expected-error @+1 {{is not linear in 'x'}}
    %0 = math.exp %x : f64
    snn.yield %0 : f64
  } on_pre {
  ^bb0(%w: f64, %x: f64, %tau: f64):
    snn.yield %w, %x : f64, f64
  }
}
