// snn-plan-buffers writes every buffer of the simulator as snn.arena, in
// arena order: state, spike lists and counts, refractoriness, a Poisson
// source's rates, a spike array's data, synapse storage (none for a
// procedural projection), delay rings; on the GPU also the spike totals,
// the step cells, spike flags for a reset in delivery and the recording
// buffers (plan-buffers-edited.mlir: a plan written by hand).
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers | FileCheck %s --check-prefix=CPU
// RUN: snn-opt %s -snn-integrate -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu | FileCheck %s --check-prefix=GPU

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

// CPU-LABEL: snn.network @n
// CPU:      snn.arena "cpu" {
// CPU-NEXT:   snn.buffer "p.spike_count" : i32 [512]
// CPU-NEXT:   snn.buffer "p.spikes" : i32 [8]
// CPU-NEXT:   snn.buffer "p.v" : f64 [4]
// CPU-NEXT:   snn.buffer "p.g" : f64 [4]
// CPU-NEXT:   snn.buffer "p.refractory" : i32 [4]
// CPU-NEXT:   snn.buffer "noise.spike_count" : i32 [512]
// CPU-NEXT:   snn.buffer "noise.spikes" : i32 [6]
// CPU-NEXT:   snn.buffer "noise.rate" : f64 [3]
// CPU-NEXT:   snn.buffer "stim.spike_count" : i32 [512]
// CPU-NEXT:   snn.buffer "stim.spikes" : i32 [4]
// CPU-NEXT:   snn.buffer "stim.times" : i32 [spike_array "stim"]
// CPU-NEXT:   snn.buffer "stim.ids" : i32 [spike_array "stim"]
// CPU-NEXT:   snn.buffer "stim.cursor" : i64 [1]
// CPU-NEXT:   snn.buffer "pp.row_ptr" : i64 [5]
// CPU-NEXT:   snn.buffer "pp.col" : i16 [synapses "pp"]
// CPU-NEXT:   snn.buffer "pp.weight" : f64 [synapses "pp"]
// CPU-NEXT:   snn.buffer "pp.delay" : i32 [synapses "pp"]
// CPU-NEXT:   snn.buffer "p.g.ring" : f64 [ring "p.g"]
// CPU-NEXT:   snn.buffer "sp.row_ptr" : i64 [3]
// CPU-NEXT:   snn.buffer "sp.col" : i16 [synapses "sp"]
// CPU-NEXT: }

// GPU-LABEL: snn.network @n
// GPU:      snn.arena "gpu" {
// GPU-NEXT:   snn.buffer "p.spike_count" : i32 [2]
// GPU-NEXT:   snn.buffer "p.spikes" : i32 [4]
// GPU-NEXT:   snn.buffer "p.total" : i64 [1]
// GPU-NEXT:   snn.buffer "p.v" : f64 [4]
// GPU-NEXT:   snn.buffer "p.g" : f64 [4]
// GPU-NEXT:   snn.buffer "p.refractory" : i32 [4]
// GPU-NEXT:   snn.buffer "noise.spike_count" : i32 [2]
// GPU-NEXT:   snn.buffer "noise.spikes" : i32 [3]
// GPU-NEXT:   snn.buffer "noise.total" : i64 [1]
// GPU-NEXT:   snn.buffer "noise.rate" : f64 [3]
// GPU-NEXT:   snn.buffer "stim.spike_count" : i32 [2]
// GPU-NEXT:   snn.buffer "stim.spikes" : i32 [2]
// GPU-NEXT:   snn.buffer "stim.total" : i64 [1]
// GPU-NEXT:   snn.buffer "stim.times" : i32 [spike_array "stim"]
// GPU-NEXT:   snn.buffer "stim.ids" : i32 [spike_array "stim"]
// GPU-NEXT:   snn.buffer "stim.cursor" : i64 [1]
// GPU-NEXT:   snn.buffer "pp.row_ptr" : i64 [5]
// GPU-NEXT:   snn.buffer "pp.col" : i16 [synapses "pp"]
// GPU-NEXT:   snn.buffer "pp.weight" : f64 [synapses "pp"]
// GPU-NEXT:   snn.buffer "pp.delay" : i32 [synapses "pp"]
// GPU-NEXT:   snn.buffer "p.g.ring" : f64 [ring "p.g"]
// GPU-NEXT:   snn.buffer "sp.row_ptr" : i64 [3]
// GPU-NEXT:   snn.buffer "sp.col" : i16 [synapses "sp"]
// GPU-NEXT:   snn.buffer "snn.step" : i64 [2]
// GPU-NEXT:   snn.buffer "p.spiked" : i32 [4]
// GPU-NEXT:   snn.buffer "p.rec_count" : i32 [1]
// GPU-NEXT:   snn.buffer "p.rec_ids" : i32 [record_spikes "p"]
// GPU-NEXT:   snn.buffer "p.rec_steps" : i32 [record_spikes "p"]
// GPU-NEXT:   snn.buffer "record0.neurons" : i32 [2]
// GPU-NEXT:   snn.buffer "record0.samples" : i64 [1]
// GPU-NEXT:   snn.buffer "record0.values" : f64 [record_state 0]
// GPU-NEXT: }
