// What convert-snn-to-core refuses of a buffer plan (snn.arena): none, one
// for another target, one that lacks a buffer the step needs, has one it
// does not use, or gives one another size or type (16-bit columns included,
// where the post population does not fit them); what snn-plan-buffers
// refuses: a network without a schedule, an unknown target.
// RUN: snn-opt %s -split-input-file -snn-schedule-step -convert-snn-to-core -verify-diagnostics
// RUN: not snn-opt %s -split-input-file -snn-plan-buffers 2>&1 >/dev/null | FileCheck %s --check-prefix=NOSCHED
// RUN: not snn-opt %s -split-input-file -snn-plan-buffers=target=tpu 2>&1 >/dev/null | FileCheck %s --check-prefix=TARGET

// NOSCHED: error: 'snn.network' op has no step schedule: run snn-schedule-step before snn-plan-buffers
// TARGET: error: snn-plan-buffers: unknown target 'tpu' (expected 'cpu' or 'gpu')

// No plan: convert-snn-to-core asks for snn-plan-buffers (which, without a
// schedule, asks for snn-schedule-step).
// expected-error @+1 {{has no buffer plan: run snn-plan-buffers before convert-snn-to-core}}
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

// A plan for the other target.
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
  // expected-error @+1 {{is for target 'gpu', not 'cpu'}}
  snn.arena "gpu" {
    snn.buffer "p.spike_count" : i32 [512]
    snn.buffer "p.spikes" : i32 [8]
    snn.buffer "p.v" : f64 [4]
  }
}

// -----

// A buffer the step needs is missing.
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
  // expected-error @+1 {{has no buffer 'p.v', which the step needs (f64 [4])}}
  snn.arena "cpu" {
    snn.buffer "p.spike_count" : i32 [512]
    snn.buffer "p.spikes" : i32 [8]
  }
}

// -----

// A buffer the step does not use.
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
  snn.arena "cpu" {
    snn.buffer "p.spike_count" : i32 [512]
    snn.buffer "p.spikes" : i32 [8]
    snn.buffer "p.v" : f64 [4]
    // expected-error @+1 {{buffer 'p.w' is not one the step uses}}
    snn.buffer "p.w" : f64 [4]
  }
}

// -----

// Another size.
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
  snn.arena "cpu" {
    snn.buffer "p.spike_count" : i32 [512]
    snn.buffer "p.spikes" : i32 [8]
    // expected-error @+1 {{buffer 'p.v' is f64 [5] in the plan, but the step needs f64 [4]}}
    snn.buffer "p.v" : f64 [5]
  }
}

// -----

// Another type.
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
  snn.arena "cpu" {
    snn.buffer "p.spike_count" : i32 [512]
    snn.buffer "p.spikes" : i32 [8]
    // expected-error @+1 {{buffer 'p.v' is f32 [4] in the plan, but the step needs f64 [4]}}
    snn.buffer "p.v" : f32 [4]
  }
}

// -----

// 16-bit columns into a population of more than 65,536 neurons.
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
  snn.population @p of @lif size 65537
  snn.projection @q from @p to @p target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.0 : f64, storage = #snn.storage<csr>}
  snn.arena "cpu" {
    snn.buffer "p.spike_count" : i32 [512]
    snn.buffer "p.spikes" : i32 [131074]
    snn.buffer "p.v" : f64 [65537]
    snn.buffer "q.row_ptr" : i64 [65538]
    // expected-error @+1 {{buffer 'q.col' is i16 [synapses "q"] in the plan, but the step needs i32 [synapses "q"]}}
    snn.buffer "q.col" : i16 [synapses "q"]
  }
}
