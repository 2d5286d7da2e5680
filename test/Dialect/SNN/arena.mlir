// Round trip of snn.arena and snn.buffer with every form of count; a plan
// written by hand is kept by snn-plan-buffers for its target, and refused
// for another.
// RUN: snn-opt %s | snn-opt | FileCheck %s
// RUN: snn-opt %s -snn-plan-buffers=target=gpu | FileCheck %s
// RUN: not snn-opt %s -snn-plan-buffers=target=cpu 2>&1 >/dev/null | FileCheck %s --check-prefix=OTHER

// OTHER: error: 'snn.arena' op is for target 'gpu', not 'cpu'

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v"]} update {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @lif size 4
  snn.spike_source_array @stim size 4 from "/data/stim.csv"
  snn.projection @sa from @stim to @a target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 1.0 : f64}
  snn.arena "gpu" {
    snn.buffer "a.v" : f64 [4]
    snn.buffer "sa.col" : i16 [synapses "sa"]
    snn.buffer "sa.weight" : f32 [synapses "sa"]
    snn.buffer "a.v.ring" : f64 [ring "a.v"]
    snn.buffer "stim.times" : i32 [spike_array "stim"]
    snn.buffer "a.rec_ids" : i32 [record_spikes "a"]
    snn.buffer "record0.values" : f64 [record_state 0]
    snn.buffer "sa.history" : i32 [history "sa"]
    snn.buffer "snn.step" : i64 [2]
    snn.buffer "empty" : i32 [0]
    snn.buffer "a..b.v" : f64 [6]
    snn.buffer "b.v" : f64 [2] in "a..b.v" at 4
  }
}

// CHECK-LABEL: snn.network @n
// CHECK:      snn.arena "gpu" {
// CHECK-NEXT:   snn.buffer "a.v" : f64 [4]
// CHECK-NEXT:   snn.buffer "sa.col" : i16 [synapses "sa"]
// CHECK-NEXT:   snn.buffer "sa.weight" : f32 [synapses "sa"]
// CHECK-NEXT:   snn.buffer "a.v.ring" : f64 [ring "a.v"]
// CHECK-NEXT:   snn.buffer "stim.times" : i32 [spike_array "stim"]
// CHECK-NEXT:   snn.buffer "a.rec_ids" : i32 [record_spikes "a"]
// CHECK-NEXT:   snn.buffer "record0.values" : f64 [record_state 0]
// CHECK-NEXT:   snn.buffer "sa.history" : i32 [history "sa"]
// CHECK-NEXT:   snn.buffer "snn.step" : i64 [2]
// CHECK-NEXT:   snn.buffer "empty" : i32 [0]
// CHECK-NEXT:   snn.buffer "a..b.v" : f64 [6]
// CHECK-NEXT:   snn.buffer "b.v" : f64 [2] in "a..b.v" at 4
// CHECK-NEXT: }
// CHECK-NOT: snn.arena
