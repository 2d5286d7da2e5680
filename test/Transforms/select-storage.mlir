// snn-select-storage: csr, or dense where its rows of bits take at most a
// quarter of the bytes of csr, unless the stored synapses exceed the
// memory budget; then the largest projections that can be procedural become
// so, largest first, until the rest fits. Forced choices override the model.
// RUN: snn-opt %s -split-input-file -snn-select-storage | FileCheck %s --check-prefix=DEFAULT
// RUN: snn-opt %s -split-input-file -snn-select-storage="memory-budget=400000" | FileCheck %s --check-prefix=BUDGET
// RUN: snn-opt %s -split-input-file -snn-select-storage="memory-budget=0" | FileCheck %s --check-prefix=NONE
// RUN: snn-opt %s -split-input-file -snn-select-storage="force=small=procedural,big=csr memory-budget=0" | FileCheck %s --check-prefix=FORCED
// RUN: snn-opt %s -split-input-file -snn-select-storage="target=gpu memory-budget=0" | FileCheck %s --check-prefix=GPU

// Bytes, with 2-byte columns (1000 post neurons) and 8 bytes of row pointer
// per row plus 8: big as csr 1000 x 1000 x 0.5 x 2 + 8008 = 1008008, dense
// 1000 rows x 16 words x 8 + 8008 = 136008 (13%: dense); small as csr
// 1000 x 1000 x 0.1 x 2 + 8008 = 208008, dense 136008 (65%: csr); varying
// 1000 x 10 x (2 + 8) + 8008 = 108008 (fixed_indegree: csr only, and never
// procedural: its weight varies); total 452024 (direct, one_to_one, is
// procedural and stores nothing).
// DEFAULT: snn.projection @big {{.*}}storage = #snn.storage<dense>
// DEFAULT: snn.projection @small {{.*}}storage = #snn.storage<csr>
// DEFAULT: snn.projection @varying {{.*}}storage = #snn.storage<csr>
// one_to_one rows cost nothing to draw: procedural whatever the budget
// (but on the GPU).
// DEFAULT: snn.projection @direct {{.*}}storage = #snn.storage<procedural>
// Over a budget of 400000 the largest that can be procedural, small (208008
// stored), is, and the rest (244016) fits.
// BUDGET: snn.projection @big {{.*}}storage = #snn.storage<dense>
// BUDGET: snn.projection @small {{.*}}storage = #snn.storage<procedural>
// BUDGET: snn.projection @varying {{.*}}storage = #snn.storage<csr>
// With no budget at all, every projection that can be procedural is.
// NONE: snn.projection @big {{.*}}storage = #snn.storage<procedural>
// NONE: snn.projection @small {{.*}}storage = #snn.storage<procedural>
// NONE: snn.projection @varying {{.*}}storage = #snn.storage<csr>
// FORCED: snn.projection @big {{.*}}storage = #snn.storage<csr>
// FORCED: snn.projection @small {{.*}}storage = #snn.storage<procedural>
// FORCED: snn.projection @varying {{.*}}storage = #snn.storage<csr>
// FORCED: snn.projection @direct {{.*}}storage = #snn.storage<procedural>
// The GPU target chooses as the CPU's.
// GPU: snn.projection @big {{.*}}storage = #snn.storage<procedural>
// GPU: snn.projection @small {{.*}}storage = #snn.storage<procedural>
// GPU: snn.projection @varying {{.*}}storage = #snn.storage<csr>
// GPU: snn.projection @direct {{.*}}storage = #snn.storage<procedural>
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
  snn.population @a of @m size 1000
  snn.projection @big from @a to @a target "v" attributes {connectivity = #snn.fixed_probability<0.5, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.projection @small from @a to @a target "v" attributes {connectivity = #snn.fixed_probability<0.1, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.projection @varying from @a to @a target "v" attributes {connectivity = #snn.fixed_indegree<10, allow_self = true>, weight = #snn.uniform<0.0, 1.0>, delay = 0.0 : f64}
  snn.projection @direct from @a to @a target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.0 : f64}
}

// -----

// A budget between the two (csr: big 1000 x 1000 x 0.05 x 2 + 8008 =
// 108008, small 28008): only the largest becomes procedural.
// RUN: snn-opt %s -split-input-file -snn-select-storage="memory-budget=100000" | FileCheck %s --check-prefix=HALF
// HALF-LABEL: snn.network @two
// HALF: snn.projection @big {{.*}}storage = #snn.storage<procedural>
// HALF: snn.projection @small {{.*}}storage = #snn.storage<csr>
// DEFAULT-LABEL: snn.network @two
snn.network @two attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.population @a of @m size 1000
  snn.projection @big from @a to @a target "v" attributes {connectivity = #snn.fixed_probability<0.05, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.projection @small from @a to @a target "v" attributes {connectivity = #snn.fixed_probability<0.01, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
}

