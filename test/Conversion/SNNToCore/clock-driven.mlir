// A synapse model with a clock-driven equation (forward Euler, reading the
// post neuron's v): snn-schedule-step runs snn.clock_synapses after the
// updates and before the pathways (on the CPU first in the propagate phase,
// on the GPU a phase "clock" of its own); the projection gets the per-post
// index, and the step walks, for each post neuron of this thread's share,
// its column: u += dt (v - u) / tau at each synapse, stored per synapse.
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-schedule-step -snn-plan-buffers | FileCheck %s --check-prefix=PLAN
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-schedule-step=target=gpu | FileCheck %s --check-prefix=GPU
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s --check-prefix=CPU

// PLAN:      snn.phase "propagate" {
// PLAN-NEXT:   snn.clock_synapses @s
// PLAN-NEXT:   snn.propagate @s
// PLAN:      snn.buffer "s.var.u" : f64 [synapses "s"]
// PLAN-NOT:  lastupdate
// PLAN:      snn.buffer "s.col_ptr" : i64 [9]
// PLAN-NEXT: snn.buffer "s.col_syn" : i32 [synapses "s"]

// GPU:      snn.phase "update" {
// GPU:      snn.phase "clock" {
// GPU-NEXT:   snn.clock_synapses @s
// GPU:      snn.phase "propagate" {

// CPU-LABEL: func.func @snn_propagate
// CPU:       scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %c1 {
// CPU:         %[[V:.*]] = memref.load %{{.*}}[%[[J]]] : memref<?xf64>
// CPU:         scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %c1 {
// CPU-NEXT:      %[[K32:.*]] = memref.load %{{.*}}[%[[C]]] : memref<?xi32>
// CPU-NEXT:      %[[K:.*]] = arith.index_cast %[[K32]] : i32 to index
// CPU-NEXT:      %[[U:.*]] = memref.load %[[UBUF:.*]][%[[K]]] : memref<?xf64>
// CPU-NEXT:      %[[D:.*]] = arith.subf %[[V]], %[[U]] : f64
// CPU-NEXT:      %[[F:.*]] = arith.divf %[[D]], %{{.*}} : f64
// CPU-NEXT:      %[[S:.*]] = arith.mulf %[[F]], %{{.*}} : f64
// CPU-NEXT:      %[[N:.*]] = arith.addf %[[U]], %[[S]] : f64
// CPU-NEXT:      memref.store %[[N]], %[[UBUF]][%[[K]]] : memref<?xf64>

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v", "g"], method = "exact"} ode {
  ^bb0(%v: f64, %g: f64):
    %0 = arith.subf %g, %v : f64
    %1 = arith.negf %g : f64
    snn.yield %0, %1 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64):
    %c = arith.constant 1.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %g: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z, %g : f64, f64
  }
  snn.synapse_model @decay attributes {variables = ["w", "u"],
      params = ["tau"], clock_driven = ["u"], clock_method = "euler",
      post_reads = ["v"], post_targets = ["g"], weight = "w"} clock {
  ^bb0(%w: f64, %u: f64, %v: f64, %tau: f64):
    %0 = arith.subf %v, %u : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } on_pre {
  ^bb0(%w: f64, %u: f64, %v: f64, %tau: f64):
    %0 = arith.mulf %w, %u : f64
    snn.yield %w, %u, %0 : f64, f64, f64
  }
  snn.population @p of @m size 8
  snn.projection @s from @p to @p synapse @decay attributes {
    connectivity = #snn.fixed_probability<0.5, allow_self = false>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64}}
}
