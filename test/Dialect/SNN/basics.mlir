// Round trip of every snn op and attribute.
// RUN: snn-opt %s | snn-opt | FileCheck %s

// CHECK-LABEL: snn.network @net
// CHECK-SAME: dt = 1.000000e-01 : f64
// CHECK-SAME: precision = f64
// CHECK-SAME: record_format = "csv"
snn.network @net attributes {dt = 0.1 : f64, duration = 50.0 : f64, seed = 7 : ui64, precision = f64, record_format = "csv"} {
  // CHECK: snn.neuron_model @lif
  // CHECK-SAME: inputs = ["I"]
  // CHECK-SAME: method = "exponential_euler"
  // CHECK-SAME: refractory = 2.000000e+00 : f64
  // CHECK-SAME: refractory_clamp = ["v"]
  // CHECK: ode {
  // CHECK-NEXT: ^bb0(%v: f64, %g: f64, %I: f64, %tau: f64, %vth: f64):
  // CHECK: snn.yield %{{.*}}, %{{.*}} : f64, f64
  // CHECK: threshold {
  // CHECK: snn.yield %{{.*}} : i1
  // CHECK: reset {
  snn.neuron_model @lif attributes {variables = ["v", "g"], inputs = ["I"], params = ["tau", "vth"], method = "exponential_euler", refractory = 2.0 : f64, refractory_clamp = ["v"]} ode {
  ^bb0(%v: f64, %g: f64, %I: f64, %tau: f64, %vth: f64):
    %0 = arith.addf %g, %I : f64
    %1 = arith.subf %0, %v : f64
    %2 = arith.divf %1, %tau : f64
    %3 = arith.negf %g : f64
    snn.yield %2, %3 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %I: f64, %tau: f64, %vth: f64):
    %0 = arith.cmpf ogt, %v, %vth : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %I: f64, %tau: f64, %vth: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c, %g : f64, f64
  }
  // An already integrated model.
  // CHECK: snn.neuron_model @decay
  // CHECK: update {
  // CHECK: snn.linear_update (%x) affine (%{{.*}}) jacobian [%a] dt 0.5 : f64
  snn.neuron_model @decay attributes {variables = ["x"], params = ["a"]} update {
  ^bb0(%x: f64, %a: f64):
    %z = arith.constant 0.0 : f64
    %0 = snn.linear_update (%x) affine (%z) jacobian [%a] dt 0.5 : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%x: f64, %a: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%x: f64, %a: f64):
    snn.yield %x : f64
  }

  // CHECK: snn.population @exc of @lif size 80 attributes
  // CHECK-SAME: g = #snn.normal<1.0, 0.25>
  // CHECK-SAME: v = #snn.uniform<-6.0e+01, -5.0e+01>
  snn.population @exc of @lif size 80 attributes {params = {tau = 20.0 : f64, vth = 1.0 : f64}, init = {v = #snn.uniform<-60.0, -50.0>, g = #snn.normal<1.0, 0.25>}}
  // CHECK: snn.population @inh of @lif size 20 attributes {{.*}}v = #snn.file<"/data/v0.npy", "">
  snn.population @inh of @lif size 20 attributes {params = {tau = 10.0 : f64, vth = 1.0 : f64}, init = {v = #snn.file<"/data/v0.npy", "">}}
  snn.population @d of @decay size 3 attributes {params = {a = -1.0 : f64}}
  // A column in volts (scale 1000 to mV), rows matched by an index column.
  // CHECK: snn.population @ix of @lif size 4 attributes {{.*}}v = #snn.file<"/data/v0.csv.gz", "v", scale = 1.0e+03, index = "neuron">
  snn.population @ix of @lif size 4 attributes {params = {tau = 10.0 : f64, vth = 1.0 : f64}, init = {v = #snn.file<"/data/v0.csv.gz", "v", scale = 1000.0, index = "neuron">}}
  // CHECK: snn.population @ix2 of @lif size 4 attributes {{.*}}v = #snn.file<"/data/v0.csv", "", index = "i">
  snn.population @ix2 of @lif size 4 attributes {params = {tau = 10.0 : f64, vth = 1.0 : f64}, init = {v = #snn.file<"/data/v0.csv", "", index = "i">}}

  // CHECK: snn.poisson_source @noise size 50 attributes {rate = 5.000000e+00 : f64}
  snn.poisson_source @noise size 50 attributes {rate = 5.0 : f64}
  // CHECK: snn.poisson_source @noisy size 5 attributes {rate = #snn.uniform<1.0, 2.0>}
  snn.poisson_source @noisy size 5 attributes {rate = #snn.uniform<1.0, 2.0>}
  // CHECK: snn.spike_source_array @stim size 4 from "/data/stim.csv"
  snn.spike_source_array @stim size 4 from "/data/stim.csv"

  // CHECK: snn.current @drive into @exc input "I" attributes {amplitude = 1.500000e+00 : f64, start = 1.000000e+01 : f64, stop = 4.000000e+01 : f64}
  snn.current @drive into @exc input "I" attributes {amplitude = 1.5 : f64, start = 10.0 : f64, stop = 40.0 : f64}
  // CHECK: snn.current @jitter into @inh input "I" attributes {amplitude = 0.000000e+00 : f64, kind = "noise", std = 2.000000e+00 : f64}
  snn.current @jitter into @inh input "I" attributes {kind = "noise", amplitude = 0.0 : f64, std = 2.0 : f64}

  // CHECK: snn.poisson_input @bg into @exc target "v" attributes {n = 1600 : i64, rate = 8.000000e+00 : f64, weight = 87.799999999999997 : f64}
  snn.poisson_input @bg into @exc target "v" attributes {n = 1600 : i64, rate = 8.0 : f64, weight = 87.8 : f64}

  // CHECK: snn.projection @ee from @exc to @exc target "g" attributes {connectivity = #snn.fixed_probability<0.1, allow_self = false>, delay = #snn.uniform<0.0, 2.0>, weight = 2.500000e-01 : f64}
  snn.projection @ee from @exc to @exc target "g" attributes {connectivity = #snn.fixed_probability<0.1, allow_self = false>, weight = 0.25 : f64, delay = #snn.uniform<0.0, 2.0>}
  // CHECK: connectivity = #snn.all_to_all<allow_self = true>
  snn.projection @ei from @exc to @inh target "g" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = #snn.normal<0.5, 0.1>, delay = 1.0 : f64}
  // Clipped normal distributions: both bounds, or one ("none" for the other).
  // CHECK: delay = #snn.normal<1.0, 0.5, clip [0.0, none]>, weight = #snn.normal<0.5, 0.1, clip [-1.0, 1.0]>
  snn.projection @ei2 from @exc to @inh target "g" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = #snn.normal<0.5, 0.1, clip [-1.0, 1.0]>, delay = #snn.normal<1.0, 0.5, clip [0.0, none]>}
  // CHECK: connectivity = #snn.one_to_one
  snn.projection @ii from @inh to @inh target "v" attributes {connectivity = #snn.one_to_one, weight = -1.0 : f64, delay = 0.0 : f64}
  // Storage kinds (snn-select-storage).
  // CHECK: snn.projection @ie_csr {{.*}} storage = #snn.storage<csr>
  snn.projection @ie_csr from @inh to @exc target "g" attributes {connectivity = #snn.fixed_probability<0.5, allow_self = true>, weight = -1.0 : f64, delay = 0.0 : f64, storage = #snn.storage<csr>}
  // CHECK: snn.projection @ie_proc {{.*}} storage = #snn.storage<procedural>
  snn.projection @ie_proc from @inh to @exc target "g" attributes {connectivity = #snn.fixed_probability<0.5, allow_self = true>, weight = -1.0 : f64, delay = 0.0 : f64, storage = #snn.storage<procedural>}
  // CHECK: snn.projection @ie_dense {{.*}} storage = #snn.storage<dense>
  snn.projection @ie_dense from @inh to @exc target "g" attributes {connectivity = #snn.fixed_probability<0.5, allow_self = true>, weight = #snn.normal<-1.0, 0.1>, delay = 0.0 : f64, storage = #snn.storage<dense>}
  // CHECK: connectivity = #snn.fixed_indegree<10, allow_self = true>
  snn.projection @ne from @noise to @exc target "g" attributes {connectivity = #snn.fixed_indegree<10, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
  // CHECK: connectivity = #snn.fixed_total_number<5000, allow_self = false>
  snn.projection @tn from @exc to @exc target "g" attributes {connectivity = #snn.fixed_total_number<5000, allow_self = false>, weight = 1.0 : f64, delay = 0.0 : f64}
  // CHECK: connectivity = #snn.fixed_total_number<0, allow_self = true>
  snn.projection @tn0 from @noise to @inh target "g" attributes {connectivity = #snn.fixed_total_number<0, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
  // CHECK: connectivity = #snn.synapse_list<"/data/syn.npy">, delay = #snn.from_list<"delay">, weight = #snn.from_list<"weight">
  snn.projection @se from @stim to @exc target "v" attributes {connectivity = #snn.synapse_list<"/data/syn.npy">, weight = #snn.from_list<"weight">, delay = #snn.from_list<"delay">}
  // Columns in SI units (a Brian2 table): volts and seconds.
  // CHECK: connectivity = #snn.synapse_list<"/data/syn.csv">, delay = #snn.from_list<"delay", scale = 1.0e+03>, weight = #snn.from_list<"w", scale = 1.0e+03>
  snn.projection @si from @stim to @exc target "v" attributes {connectivity = #snn.synapse_list<"/data/syn.csv">, weight = #snn.from_list<"w", scale = 1000.0>, delay = #snn.from_list<"delay", scale = 1000.0>}

  // CHECK: snn.record_spikes @exc
  snn.record_spikes @exc
  // CHECK: snn.record_spikes @noise
  snn.record_spikes @noise
  // CHECK: snn.record_weights @ei
  snn.record_weights @ei
  // CHECK: snn.record_state @exc "v" {every = 10 : i64, neurons = array<i64: 0, 1, 79>}
  snn.record_state @exc "v" {neurons = array<i64: 0, 1, 79>, every = 10}
}

// snn.linear_update: a sparse Jacobian lists (row, column): value, row-major;
// the dense shorthand lists all s * s entries; `jacobian []` is all zero.
// CHECK-LABEL: func.func @linear_update
// CHECK: snn.linear_update (%[[V:[a-z0-9_]+]], %[[G:[a-z0-9_]+]]) affine (%[[B:[a-z0-9_]+]], %[[Z:[a-z0-9_]+]]) jacobian [(0, 0): %[[A00:[a-z0-9_]+]], (0, 1): %[[A01:[a-z0-9_]+]], (1, 1): %[[A11:[a-z0-9_]+]]] dt 0.1 : f64
// CHECK: snn.linear_update (%[[V]], %[[G]]) affine (%[[B]], %[[Z]]) jacobian [%[[A00]], %[[A01]], %[[Z]], %[[A11]]] dt 0.1 : f64
// CHECK: snn.linear_update (%{{.*}}) affine (%{{.*}}) jacobian [] dt 0.05 {note = "integrator"} : f32
func.func @linear_update(%v: f64, %g: f64, %b: f64, %a00: f64, %a01: f64, %a11: f64, %w: f32, %c: f32) -> (f64, f64, f64, f64, f32) {
  %z = arith.constant 0.0 : f64
  %0:2 = snn.linear_update (%v, %g) affine (%b, %z) jacobian [(0, 0): %a00, (0, 1): %a01, (1, 1): %a11] dt 0.1 : f64
  %1:2 = snn.linear_update (%v, %g) affine (%b, %z) jacobian [%a00, %a01, %z, %a11] dt 0.1 : f64
  %2 = snn.linear_update (%w) affine (%c) jacobian [] dt 0.05 {note = "integrator"} : f32
  return %0#0, %0#1, %1#0, %1#1, %2 : f64, f64, f64, f64, f32
}

// The positions are an attribute, pairs in a flat array.
// RUN: snn-opt %s -mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC
// GENERIC: "snn.linear_update"({{.*}}) <{dt = 1.000000e-01 : f64, jacobian_positions = array<i64: 0, 0, 0, 1, 1, 1>, operandSegmentSizes = array<i32: 2, 2, 3>}>
// GENERIC: "snn.linear_update"({{.*}}) <{dt = 1.000000e-01 : f64, operandSegmentSizes = array<i32: 2, 2, 4>}>
// GENERIC: "snn.linear_update"({{.*}}) <{dt = 5.000000e-02 : f64, jacobian_positions = array<i64>, operandSegmentSizes = array<i32: 1, 1, 0>}> {note = "integrator"}
