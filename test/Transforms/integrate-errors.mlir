// snn-integrate refuses what a method cannot do, pointing at the equation.
// RUN: snn-opt %s -split-input-file -snn-integrate -verify-diagnostics

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v", "g"], params = ["tau"], method = "exact"} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    // expected-error @+1 {{model 'm' asks for method 'exact', but dv/dt is not linear in the variables with constant coefficients; choose euler, rk2, rk4 or exponential_euler}}
    %0 = arith.mulf %g, %v : f64
    %1 = arith.negf %g : f64
    %2 = arith.divf %1, %tau : f64
    snn.yield %0, %2 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    snn.yield %v, %g : f64, f64
  }
}

// -----

// A coefficient that is a per-neuron variable is not constant either.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v", "tau"], method = "exact"} ode {
  ^bb0(%v: f64, %tau: f64):
    %0 = arith.negf %v : f64
    // expected-error @+1 {{dv/dt is not linear in the variables with constant coefficients}}
    %1 = arith.divf %0, %tau : f64
    %z = arith.constant 0.0 : f64
    snn.yield %1, %z : f64, f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v, %tau : f64, f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], method = "exponential_euler"} ode {
  ^bb0(%v: f64):
    // expected-error @+1 {{method 'exponential_euler' needs dv/dt to be linear in v; choose euler, rk2 or rk4}}
    %0 = arith.mulf %v, %v : f64
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

// floor() has no derivative: fine for Euler, not for exponential Euler.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], method = "exponential_euler"} ode {
  ^bb0(%v: f64):
    // expected-error @+1 {{method 'exponential_euler' needs dv/dt to be linear in v}}
    %0 = math.floor %v : f64
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
