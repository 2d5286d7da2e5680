// RUN: snn-opt %s -split-input-file -snn-check-finite -verify-diagnostics | FileCheck %s

// Nothing non-finite: the pass changes nothing.
// CHECK-LABEL: snn.network @fine
// CHECK: arith.divf
snn.network @fine attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], params = ["tau"]} ode {
  ^bb0(%v: f64, %tau: f64):
    %0 = arith.negf %v : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %c = arith.constant 1.0 : f64
    %0 = arith.cmpf ogt, %v, %c : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c : f64
  }
  snn.population @p of @m size 2 attributes {params = {tau = 10.0 : f64}}
}

// -----

// A parameter that is zero divides a variable: infinite whatever the
// variable's value.
snn.network @tau_zero attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v", "g"], params = ["tau", "tau_syn"]} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_syn: f64):
    %0 = arith.subf %g, %v : f64
    %1 = arith.divf %0, %tau : f64
    %2 = arith.negf %g : f64
    // expected-error @+1 {{tau_syn = 0 makes dg/dt infinite in population 'p' (division by zero)}}
    %3 = arith.divf %2, %tau_syn : f64
    snn.yield %1, %3 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_syn: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %tau: f64, %tau_syn: f64):
    snn.yield %v, %g : f64, f64
  }
  // A second population with a good value is fine.
  snn.population @ok of @m size 2 attributes {params = {tau = 10.0 : f64, tau_syn = 5.0 : f64}}
  snn.population @p of @m size 2 attributes {params = {tau = 10.0 : f64, tau_syn = 0.0 : f64}}
}

// -----

// Numbers alone: log of a negative number, in the threshold and in a reset.
snn.network @constants attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], params = []} ode {
  ^bb0(%v: f64):
    %0 = arith.negf %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64):
    %c = arith.constant -1.0 : f64
    // expected-error @+1 {{the threshold is not a number (NaN) in population 'p': log(-1) = NaN}}
    %l = math.log %c : f64
    %0 = arith.cmpf ogt, %v, %l : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64):
    %big = arith.constant 1.0e308 : f64
    %ten = arith.constant 10.0 : f64
    // expected-error @+1 {{the reset of v is infinite in population 'p': 1e+308 * 10 = inf}}
    %0 = arith.mulf %big, %ten : f64
    snn.yield %0 : f64
  }
  snn.population @p of @m size 2
}

// -----

// In f32, a parameter that does not fit, and a product that overflows f32
// (but not f64).
snn.network @single attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f32} {
  snn.neuron_model @m attributes {variables = ["v"], params = ["a", "b"]} ode {
  ^bb0(%v: f32, %a: f32, %b: f32):
    // expected-error @+1 {{b = 1e+30 makes dv/dt infinite in population 'p': 1e+30 * 1e+30 = inf}}
    %0 = arith.mulf %b, %b : f32
    %1 = arith.mulf %0, %v : f32
    %2 = arith.addf %1, %a : f32
    snn.yield %2 : f32
  } threshold {
  ^bb0(%v: f32, %a: f32, %b: f32):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f32, %a: f32, %b: f32):
    snn.yield %v : f32
  }
  // expected-error @+1 {{parameter 'a' = 1e+39 of population 'p' does not fit the model's precision (f32)}}
  snn.population @p of @m size 2 attributes {params = {a = 1.0e39 : f64, b = 1.0e30 : f64}}
}
