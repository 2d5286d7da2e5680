// snn-describe needs a buffer plan; convert-snn-to-core needs a
// descriptor, and one that describes the plan's buffers (not one written
// before the plan was edited).
// RUN: snn-opt %s -split-input-file -snn-schedule-step -snn-plan-buffers -convert-snn-to-core -verify-diagnostics
// RUN: not snn-opt %s -split-input-file -snn-schedule-step -snn-describe 2>&1 >/dev/null | FileCheck %s --check-prefix=NOPLAN

// NOPLAN: error: 'snn.network' op has no buffer plan: run snn-plan-buffers before snn-describe

// expected-error @+1 {{has no descriptor: run snn-describe before convert-snn-to-core}}
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v"]} update {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %c = arith.constant 10.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @p of @lif size 4
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v"]} update {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %c = arith.constant 10.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @p of @lif size 4
  // expected-error @+1 {{does not describe the buffers of the plan: run snn-describe again}}
  snn.descriptor {buffers = [{count = 4 : i64, id = 0 : i64, name = "p.v", type = "f32"}]}
}
