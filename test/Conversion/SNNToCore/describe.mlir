// snn-describe writes the network's part of the runtime's descriptor as
// snn.descriptor, from the network and its plan (snn.arena): every buffer,
// and each population, source, projection, ring and recording with the ids
// of its buffers in the plan. Run again, it replaces its descriptor (one is
// left); convert-snn-to-core emits it, completed, as @snn_descriptor.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe | FileCheck %s
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe | snn-opt | FileCheck %s
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -snn-describe | grep -c snn.descriptor | FileCheck %s --check-prefix=ONE
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s --check-prefix=GLOBAL

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v", "g"], params = ["tau"], method = "exact", refractory = 0.5 : f64, refractory_clamp = ["v"]} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %0 = arith.subf %g, %v : f64
    %1 = arith.divf %0, %tau : f64
    %2 = arith.negf %g : f64
    %3 = arith.divf %2, %tau : f64
    snn.yield %1, %3 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %0 = arith.cmpf ogt, %v, %tau : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c, %g : f64, f64
  }
  snn.population @p of @m size 4 attributes {params = {tau = 10.0 : f64}}
  snn.poisson_source @noise size 3 attributes {rate = #snn.uniform<1.0, 2.0>}
  snn.spike_source_array @stim size 2 from "/data/stim.csv"
  snn.projection @pp from @p to @p target "g" attributes {connectivity = #snn.fixed_probability<0.5, allow_self = false>, weight = #snn.normal<1.0, 0.1>, delay = #snn.uniform<0.1, 0.3>}
  snn.projection @np from @noise to @p target "g" attributes {connectivity = #snn.fixed_probability<0.5, allow_self = true>, weight = 2.0 : f64, delay = 0.2 : f64, storage = #snn.storage<procedural>}
  snn.projection @sp from @stim to @p target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = 3.0 : f64, delay = 0.0 : f64}
  snn.record_spikes @p
  snn.record_state @p "v" {every = 1 : i64, neurons = array<i64: 0, 2>}
}

// The buffers, as the plan has them (u16: 16-bit columns).
// CHECK: snn.descriptor {buffers = [{count = 512 : i64, id = 0 : i64, name = "p.spike_count", type = "i32"}, {count = 8 : i64, id = 1 : i64, name = "p.spikes", type = "i32"}, {count = 4 : i64, id = 2 : i64, name = "p.v", type = "f64"}
// CHECK-SAME: {count = {synapses = "pp"}, id = 14 : i64, name = "pp.col", type = "u16"}
// CHECK-SAME: {count = {ring = "p.g"}, id = 17 : i64, name = "p.g.ring", type = "f64"}
// The population: its spike list, refractoriness (0.5 ms = 5 steps) and
// variables; the Poisson source's rates; the spike array's data.
// CHECK-SAME: populations = [{kind = "neuron", model = "m", name = "p", refractory = 4 : i64, refractory_steps = 5 : i64, size = 4 : i64, spike_count = 0 : i64, spikes = 1 : i64, variables = [{buffer = 2 : i64, init = {kind = "constant", value = 0 : i64}, name = "v"}, {buffer = 3 : i64,
// CHECK-SAME: {kind = "poisson", name = "noise", rate = {high = 2 : i64, kind = "uniform", low = 1 : i64}, rate_buffer = 7 : i64
// CHECK-SAME: {cursor = 12 : i64, file = "/data/stim.csv", ids = 11 : i64, kind = "spike_array"
// Projections: stored (its buffers, its ring), procedural (none), immediate
// (no ring).
// CHECK-SAME: projections = [{col = 14 : i64, {{.*}}delay_buffer = 16 : i64, name = "pp", {{.*}}ring = "p.g", row_ptr = 13 : i64, storage = "csr", {{.*}}weight_buffer = 15 : i64}
// CHECK-SAME: {connectivity = {allow_self = true, kind = "fixed_probability", p = 5.000000e-01 : f64}, delay = {kind = "constant", value = 2.000000e-01 : f64}, name = "np", post = "p", pre = "noise", ring = "p.g", storage = "procedural"
// CHECK-SAME: {col = 19 : i64, connectivity = {allow_self = true, kind = "all_to_all"}, delay = {kind = "constant", value = 0 : i64}, name = "sp", post = "p", pre = "stim", row_ptr = 18 : i64, storage = "csr", target = "v"
// CHECK-SAME: record = {format = "npy", spikes = ["p"], state = [{buffer = 2 : i64, every = 1 : i64, neurons = [0, 2], population = "p", variable = "v"}]}
// CHECK-SAME: rings = [{buffer = 17 : i64, name = "p.g", population = "p", projections = ["pp", "np"], variable = "g"}]

// ONE: 1

// The global: the same, as JSON, with the build kernels and threads.
// GLOBAL: llvm.mlir.global external constant @snn_descriptor
// GLOBAL-SAME: \22rings\22:[{\22buffer\22:17,\22name\22:\22p.g\22,\22population\22:\22p\22,\22projections\22:[\22pp\22,\22np\22],\22variable\22:\22g\22}]
// GLOBAL-SAME: \22threads\22:{\22align\22:16,\22max\22:256}
