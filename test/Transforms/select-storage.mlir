// snn-select-storage: csr unless the stored synapses exceed the memory
// budget; then the largest projections that can be procedural become so,
// largest first, until the rest fits. Forced choices override the model.
// RUN: snn-opt %s -split-input-file -snn-select-storage | FileCheck %s --check-prefix=DEFAULT
// RUN: snn-opt %s -split-input-file -snn-select-storage="memory-budget=3000000" | FileCheck %s --check-prefix=BUDGET
// RUN: snn-opt %s -split-input-file -snn-select-storage="memory-budget=0" | FileCheck %s --check-prefix=NONE
// RUN: snn-opt %s -split-input-file -snn-select-storage="force=small=procedural,big=csr memory-budget=0" | FileCheck %s --check-prefix=FORCED
// RUN: snn-opt %s -split-input-file -snn-select-storage="target=gpu memory-budget=0" | FileCheck %s --check-prefix=GPU

// Stored (csr) bytes: big 1000 x 1000 x 0.5 x 4 + 8 x 1001 = 2008008;
// small 1000 x 1000 x 0.1 x 4 + 8008 = 408008; varying 1000 x 10 x (4 + 8)
// + 8008 = 128008 (its weight varies: never procedural); total 2544024
// (direct, one_to_one, is procedural and stores nothing).
// DEFAULT: snn.projection @big {{.*}}storage = #snn.storage<csr>
// DEFAULT: snn.projection @small {{.*}}storage = #snn.storage<csr>
// DEFAULT: snn.projection @varying {{.*}}storage = #snn.storage<csr>
// one_to_one rows cost nothing to draw: procedural whatever the budget
// (but on the GPU).
// DEFAULT: snn.projection @direct {{.*}}storage = #snn.storage<procedural>
// Over a budget of 3e6 nothing changes; the budget is
// BUDGET: snn.projection @big {{.*}}storage = #snn.storage<csr>
// BUDGET: snn.projection @small {{.*}}storage = #snn.storage<csr>
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

// A budget between the two: only the largest becomes procedural.
// RUN: snn-opt %s -split-input-file -snn-select-storage="memory-budget=1000000" | FileCheck %s --check-prefix=HALF
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
  snn.projection @big from @a to @a target "v" attributes {connectivity = #snn.fixed_probability<0.5, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.projection @small from @a to @a target "v" attributes {connectivity = #snn.fixed_probability<0.1, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
}

