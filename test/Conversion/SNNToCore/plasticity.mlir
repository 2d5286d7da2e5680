// A synapse model's projections through the plan, the descriptor and the
// CPU step (docs/design.md, "Plasticity"): per-synapse variable buffers,
// the last-event steps, the per-post index, and with a delay the history
// of the spikes; the descriptor's "synapse" entry; snn.propagate_post after
// every snn.propagate; in snn_propagate the advance of the traces (math.exp)
// inlined in the row walks and in the on_post loops; a drawn initial value
// (apre of @s) in the values build kernel. A recording of apre of two
// synapses of @s over time: snn.sample_synapses at the end of the step, its
// buffers, its descriptor entry (after the state recordings) and the
// advance of the sampled trace (the ninth math.exp).
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-schedule-step -snn-plan-buffers | FileCheck %s --check-prefix=PLAN
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-schedule-step -snn-plan-buffers -snn-describe | FileCheck %s --check-prefix=DESC
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s --check-prefix=CPU
// The column walk of on_post on the CPU asks for memory ahead: the lines
// of col_syn (16 i32 entries each) of the first 4 spiking neurons'
// columns before the loop over the spikes (after their column pointers),
// and at each spike those of the column 4 spikes on; then the walk reads
// col_syn.
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s --check-prefix=POST
// On the GPU (the rest in plasticity-gpu.mlir): on_post in a phase after
// every on_pre, and the history's slots with one count each.
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu -snn-describe | FileCheck %s --check-prefix=GPU

// GPU:      snn.phase "propagate" {
// GPU-NEXT:   snn.propagate @s
// GPU-NEXT:   snn.propagate @d
// GPU:      snn.phase "post" {
// GPU-NEXT:   snn.propagate_post @s
// GPU-NEXT:   snn.propagate_post @d
// GPU:      snn.phase "deliver" {
// GPU-NEXT:   snn.deliver @p reset
// GPU:      snn.buffer "d.history" : i32 [history "d"]
// GPU:      synapse = {col_ptr = {{[0-9]+}} : i64, col_syn = {{[0-9]+}} : i64, history = {{[0-9]+}} : i64

// PLAN: snn.projection @s {{.*}}storage = #snn.storage<csr>
// PLAN: snn.projection @d {{.*}}storage = #snn.storage<csr>
// PLAN:      snn.phase "propagate" {
// PLAN-NEXT:   snn.propagate @s
// PLAN-NEXT:   snn.propagate @d
// PLAN-NEXT:   snn.propagate_post @s
// PLAN-NEXT:   snn.propagate_post @d
// PLAN-NEXT:   snn.reset @p
// PLAN-NEXT:   snn.sample_synapses 0
// PLAN:      snn.buffer "s.row_ptr" : i64 [9]
// PLAN-NEXT: snn.buffer "s.col" : i16 [synapses "s"]
// PLAN-NEXT: snn.buffer "s.weight" : f64 [synapses "s"]
// PLAN-NEXT: snn.buffer "s.var.apre" : f64 [synapses "s"]
// PLAN-NEXT: snn.buffer "s.var.apost" : f64 [synapses "s"]
// PLAN-NEXT: snn.buffer "s.lastupdate" : i64 [synapses "s"]
// PLAN-NEXT: snn.buffer "s.col_ptr" : i64 [9]
// PLAN-NEXT: snn.buffer "s.col_syn" : i32 [synapses "s"]
// PLAN-NEXT: snn.buffer "d.row_ptr" : i64 [9]
// PLAN:      snn.buffer "d.col_syn" : i32 [synapses "d"]
// PLAN-NEXT: snn.buffer "d.history" : i32 [history "d"]
// PLAN:      snn.buffer "srecord0.synapses" : i64 [2]
// PLAN-NEXT: snn.buffer "srecord0.sample" : f64 [2]

// DESC: synapse = {col_ptr = 10 : i64, col_syn = 11 : i64, lastupdate = 9 : i64, model = "stdp", variables = [{buffer = 7 : i64, init = {high = 1 : i64, kind = "uniform", low = 0 : i64}, name = "apre"}, {buffer = 8 : i64, init = {kind = "constant", value = 0 : i64}, name = "apost"}], weight = "w"}
// DESC-NOT: target = "g"
// DESC-SAME: weight_buffer = 6 : i64
// DESC: synapse = {col_ptr = 18 : i64, col_syn = 19 : i64, history = 20 : i64, lastupdate = 17 : i64, model = "stdp"
// DESC: state = [{buffer = 22 : i64, every = 2 : i64, post = [1, 0], pre = [0, 1], projection = "s", source = 7 : i64, synapses = 21 : i64, variable = "apre"}]

// POST-LABEL: func.func @snn_propagate
// POST:        scf.for %[[L1:.*]] = %{{.*}} to %{{.*}} step %c16 {
// POST-NEXT:     memref.prefetch %[[CS:.*]][%[[L1]]], read, locality<3>, data : memref<?xi32>
// POST:      scf.for %[[S:.*]] = %c0 to %[[N:.*]] step %c1 {
// POST-NEXT:   %[[AHEAD:.*]] = arith.addi %[[S]], %c4 : index
// POST-NEXT:   arith.cmpi ult, %[[AHEAD]], %[[N]] : index
// POST:          scf.for %[[L2:.*]] = %{{.*}} to %{{.*}} step %c16 {
// POST-NEXT:       memref.prefetch %[[CS]][%[[L2]]], read, locality<3>, data : memref<?xi32>
// POST:        scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %c1 {
// POST-NEXT:     memref.load %[[CS]][%[[C]]] : memref<?xi32>

// CPU-LABEL: func.func @snn_propagate
// CPU-COUNT-9: math.exp
// CPU-NOT: math.exp
// CPU-LABEL: func.func private @snn_body_build_values_0
// CPU: memref.store {{.*}} : memref<?xf64>

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
  snn.synapse_model @stdp attributes {variables = ["w", "apre", "apost"],
      params = ["tau", "a"], event_driven = ["apre", "apost"],
      post_reads = ["v"], post_targets = ["g"], weight = "w"} ode {
  ^bb0(%apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.divf %apre, %tau : f64
    %1 = arith.negf %0 : f64
    %2 = arith.divf %apost, %tau : f64
    %3 = arith.negf %2 : f64
    snn.yield %1, %3 : f64, f64
  } on_pre {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %v: f64, %tau: f64, %a: f64):
    %0 = arith.addf %apre, %a : f64
    %1 = arith.addf %w, %apost : f64
    %2 = arith.mulf %1, %v : f64
    snn.yield %2, %0, %apost, %w : f64, f64, f64, f64
  } on_post {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %v: f64, %tau: f64, %a: f64):
    %0 = arith.subf %apost, %a : f64
    %1 = arith.addf %w, %apre : f64
    %z = arith.constant 0.0 : f64
    snn.yield %1, %apre, %0, %z : f64, f64, f64, f64
  }
  snn.population @p of @m size 8
  snn.projection @s from @p to @p synapse @stdp attributes {
    connectivity = #snn.fixed_probability<0.5, allow_self = false>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64},
    synapse_init = {apre = #snn.uniform<0.0, 1.0>}}
  snn.projection @d from @p to @p synapse @stdp attributes {
    connectivity = #snn.fixed_probability<0.5, allow_self = false>, delay = 0.3 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64}}
  snn.record_synapse_state @s "apre" {pre = array<i64: 0, 1>, post = array<i64: 1, 0>, every = 2}
}
