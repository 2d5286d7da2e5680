// snn-select-storage and dense storage (rows of bits): chosen where its bits
// take at most a quarter of the bytes of csr (whose columns take 2 bytes
// per synapse into at most 65536 neurons, else 4), on both targets; forced
// where the rule has no multapses and draws row by row, refused elsewhere.
// RUN: snn-opt %s -split-input-file -snn-select-storage | FileCheck %s
// RUN: snn-opt %s -split-input-file -snn-select-storage="target=gpu" | FileCheck %s --check-prefix=GPU
// RUN: snn-opt %s -snn-select-storage="force=sparse=dense,all=dense" | FileCheck %s --check-prefix=FORCED
// RUN: snn-opt %s -snn-select-storage="force=indegree=dense" -verify-diagnostics

// 640 post neurons: 10 words (80 bytes) of bits per row, plus 8 bytes of
// row pointer. p = 0.4: 256 synapses of 2 bytes (512) per row, 17%: dense;
// p = 0.2 (256 bytes), 34%: csr. With a weight (f64) and a delay (i32) per
// synapse the values dominate: p = 0.5, 320 x 14 bytes against 320 x 12 +
// 80 (88%): csr. all_to_all with one weight: procedural on the CPU (nothing
// stored), dense on the GPU (80 bytes against 1280); with a weight per
// synapse, 640 x 10 against 640 x 8 + 80 (81%): csr.
// CHECK-LABEL: snn.network @choices
// CHECK: snn.projection @dense {{.*}}storage = #snn.storage<dense>
// CHECK: snn.projection @sparse {{.*}}storage = #snn.storage<csr>
// CHECK: snn.projection @weighted {{.*}}storage = #snn.storage<csr>
// CHECK: snn.projection @all {{.*}}storage = #snn.storage<procedural>
// CHECK: snn.projection @all_weighted {{.*}}storage = #snn.storage<csr>
// GPU-LABEL: snn.network @choices
// GPU: snn.projection @dense {{.*}}storage = #snn.storage<dense>
// GPU: snn.projection @sparse {{.*}}storage = #snn.storage<csr>
// GPU: snn.projection @weighted {{.*}}storage = #snn.storage<csr>
// GPU: snn.projection @all {{.*}}storage = #snn.storage<dense>
// GPU: snn.projection @all_weighted {{.*}}storage = #snn.storage<csr>
// FORCED-LABEL: snn.network @choices
// FORCED: snn.projection @dense {{.*}}storage = #snn.storage<dense>
// FORCED: snn.projection @sparse {{.*}}storage = #snn.storage<dense>
// FORCED: snn.projection @all {{.*}}storage = #snn.storage<dense>
snn.network @choices attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.population @a of @m size 640
  snn.projection @dense from @a to @a target "v" attributes {connectivity = #snn.fixed_probability<0.4, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.projection @sparse from @a to @a target "v" attributes {connectivity = #snn.fixed_probability<0.2, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.projection @weighted from @a to @a target "v" attributes {connectivity = #snn.fixed_probability<0.5, allow_self = false>, weight = #snn.normal<1.0, 0.1>, delay = #snn.uniform<1.0, 2.0>}
  snn.projection @all from @a to @a target "v" attributes {connectivity = #snn.all_to_all<allow_self = false>, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.projection @all_weighted from @a to @a target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = #snn.uniform<0.0, 1.0>, delay = 0.0 : f64}
}

// -----

// A bit per pair cannot hold two synapses between the same neurons. (The
// runs that force a projection take the file as one module.)
snn.network @multapses attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  // expected-error @+1 {{projection 'indegree' cannot be dense: a bit per pair holds only rules without multapses drawn one presynaptic neuron at a time (all_to_all and fixed_probability)}}
  snn.projection @indegree from @a to @a target "v" attributes {connectivity = #snn.fixed_indegree<5, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
}
