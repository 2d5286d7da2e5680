// snn-select-storage refuses forced choices a projection cannot take,
// names that are not projections, and two kinds for one projection (the
// same kind twice is one choice).
// RUN: snn-opt %s -split-input-file -snn-select-storage="force=varying=procedural" -verify-diagnostics
// RUN: not snn-opt %s -split-input-file -snn-select-storage="force=ghost=csr" 2>&1 | FileCheck %s --check-prefix=GHOST
// RUN: not snn-opt %s -split-input-file -snn-select-storage="force=varying=bits" 2>&1 | FileCheck %s --check-prefix=KIND
// GHOST: error: storage choice for 'ghost': the network has no projection of that name
// RUN: not snn-opt %s -split-input-file -snn-select-storage="force=varying=csr,varying=dense" 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: snn-opt %s -split-input-file -snn-select-storage="force=varying=csr,varying=csr" | FileCheck %s --check-prefix=SAME
// KIND: error: storage choice 'varying=bits': expected <projection>=<kind>, kind csr, procedural or dense
// TWICE: error: storage choice for projection 'varying' given twice: csr and dense
// SAME: snn.projection @varying {{.*}}storage = #snn.storage<csr>
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.population @a of @m size 100
  // expected-error @+1 {{projection 'varying' cannot be procedural: its weight varies per synapse (procedural synapses have one weight)}}
  snn.projection @varying from @a to @a target "v" attributes {connectivity = #snn.fixed_probability<0.1, allow_self = true>, weight = #snn.uniform<0.0, 1.0>, delay = 0.0 : f64}
}
