// snn-select-storage and all_to_all projections.
// all_to_all rows cost nothing to draw either (every post): on the CPU, a
// projection with one weight and one delay is procedural whatever the
// budget; with a weight per synapse it is stored. On the GPU (one thread per
// procedural row, 32 lanes per stored row) it is stored, dense when its
// weight is one (a bit per synapse against 2 bytes of column).
// RUN: snn-opt %s -snn-select-storage | FileCheck %s --check-prefix=DENSE
// RUN: snn-opt %s -snn-select-storage="target=gpu" | FileCheck %s --check-prefix=DENSE-GPU
// DENSE-LABEL: snn.network @dense
// DENSE: snn.projection @all {{.*}}storage = #snn.storage<procedural>
// DENSE: snn.projection @all_weighted {{.*}}storage = #snn.storage<csr>
// DENSE-GPU-LABEL: snn.network @dense
// DENSE-GPU: snn.projection @all {{.*}}storage = #snn.storage<dense>
// DENSE-GPU: snn.projection @all_weighted {{.*}}storage = #snn.storage<csr>
snn.network @dense attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.projection @all from @a to @a target "v" attributes {connectivity = #snn.all_to_all<allow_self = false>, weight = 1.0 : f64, delay = 0.5 : f64}
  snn.projection @all_weighted from @a to @a target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = #snn.uniform<0.0, 1.0>, delay = 0.0 : f64}
}
