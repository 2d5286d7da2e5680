// A synapse model on the GPU (docs/design.md, "Plasticity", "On the GPU"):
// the schedule's own phases for periodic statements, snapshots (links) and
// per-neuron traces, on_post after every on_pre; a population whose
// variable a link reads is reset in the delivery, not at its update (the
// copy holds the values of the step before the reset, as on the CPU).
// The bodies: periodic statements over a grid-stride loop when due; the
// snapshot copy; the traces, held per epoch of 16 steps, advanced by an
// epoch (a select: only in the step that ends one) for every neuron, each
// pre trace's value this step (the held one advanced by (n + 1) mod 16
// steps) kept as its value before a spike; in the propagation, on_pre at
// each synapse of the spike's row (lanes of a group sharing it), its
// addition to the post neuron atomic, then lane 0 changes the spiking
// neuron's pre trace from the kept value and holds it advanced back by
// (n + 1) mod 16 steps; on_post a thread per post spike:
// the post trace's change once, then the column of the neuron (per-post
// index), adding nothing to the post neuron here. A recording of a trace
// of chosen synapses over time: sampled at the end of the step (its trace
// stays per synapse), copied by the record phase at the start of the next.
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-hoist-traces -snn-schedule-step=target=gpu | FileCheck %s --check-prefix=SCHED
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-hoist-traces -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu -snn-describe -convert-snn-to-core=target=gpu | FileCheck %s --check-prefix=GPU

// SCHED: snn.projection @s {{.*}}post_traces = ["apost"], pre_traces = ["apre"]
// SCHED: snn.projection @r {{.*}}post_traces = ["apost"], storage
// SCHED:      snn.schedule "gpu" {
// SCHED-NEXT:   snn.phase "record" {
// SCHED-NEXT:     snn.sample 0
// SCHED:        snn.phase "periodic" {
// SCHED-NEXT:     snn.periodic_step 0
// SCHED:        snn.phase "update" {
// SCHED-NEXT:     snn.update @p
// SCHED-NEXT:     snn.update @da{{$}}
// SCHED:        snn.phase "snapshot" {
// SCHED-NEXT:     snn.snapshot @da "v"
// SCHED:        snn.phase "traces" {
// SCHED-NEXT:     snn.traces @s
// SCHED:        snn.phase "propagate" {
// SCHED-NEXT:     snn.propagate @s
// SCHED:        snn.phase "post" {
// SCHED-NEXT:     snn.propagate_post @s
// SCHED:        snn.phase "deliver" {
// SCHED-NEXT:     snn.deliver @p reset
// SCHED-NEXT:     snn.deliver @da reset
// SCHED-NEXT:     snn.sample_synapses 0
// SCHED-NEXT:     snn.end_step

// GPU-LABEL: func.func private @snn_body_record
// GPU-LABEL: func.func private @snn_body_periodic
// GPU:       arith.remui %{{.*}}, %c100 : index
// GPU:       scf.if
// GPU-NEXT:    scf.for %{{.*}} = %arg3 to %c8 step %arg4 {
// GPU-LABEL: func.func private @snn_body_snapshot
// GPU:       scf.for %[[I:.*]] = %arg3 to %c1 step %arg4 {
// GPU-NEXT:    %[[V:.*]] = memref.load %{{.*}}[%[[I]]] : memref<?xf64>
// GPU-NEXT:    memref.store %[[V]], %{{.*}}[%[[I]]] : memref<?xf64>
// GPU-LABEL: func.func private @snn_body_traces
// GPU:       %[[EPOCH:.*]] = arith.constant 0.92311634638663576 : f64
// GPU:       scf.for %[[J:.*]] = %arg3 to %c8 step %arg4 {
// GPU-NEXT:    %[[X:.*]] = memref.load %[[PRE:.*]][%[[J]]] : memref<?xf64>
// GPU-NEXT:    %[[ON:.*]] = arith.mulf %[[X]], %[[EPOCH]] : f64
// GPU-NEXT:    %[[N1:.*]] = arith.addi %{{.*}}, %c1 : index
// GPU-NEXT:    %[[K:.*]] = arith.remui %[[N1]], %c16 : index
// GPU-NEXT:    %[[DUE:.*]] = arith.cmpi eq, %[[K]], %c0 : index
// GPU-NEXT:    %[[Y:.*]] = arith.select %[[DUE]], %[[ON]], %[[X]] : f64
// GPU-NEXT:    memref.store %[[Y]], %[[PRE]][%[[J]]] : memref<?xf64>
// GPU:         %[[E:.*]] = math.exp
// GPU-NEXT:    %[[V:.*]] = arith.mulf %[[Y]], %[[E]] : f64
// GPU-NEXT:    memref.store %[[V]], %[[BEFORE:.*]][%[[J]]] : memref<?xf64>
// GPU:       scf.for %{{.*}} = %arg3 to %c8 step %arg4 {
// GPU-LABEL: func.func private @snn_body_propagate
// GPU:       %[[LANE:.*]] = arith.remui %arg3, %{{.*}} : index
// GPU:       scf.for
// GPU:         scf.for
// GPU:           memref.atomic_rmw addf
// GPU:         %[[LEAD:.*]] = arith.cmpi eq, %[[LANE]], %c0 : index
// GPU-NEXT:    scf.if %[[LEAD]] {
// GPU-NEXT:      %[[OLD:.*]] = memref.load %{{.*}} : memref<?xf64>
// GPU-NEXT:      %[[NEW:.*]] = arith.addf %[[OLD]], %{{.*}} : f64
// GPU:           %[[BACK:.*]] = math.exp
// GPU-NEXT:      %[[HELD:.*]] = arith.mulf %[[NEW]], %[[BACK]] : f64
// GPU-NEXT:      memref.store %[[HELD]]
// GPU-LABEL: func.func private @snn_body_post
// GPU-NOT:   atomic_rmw
// GPU:       scf.for %{{.*}} = %arg3 to %{{.*}} step %arg4 {
// GPU:         arith.subf
// GPU:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1 {
// GPU-NOT:   atomic_rmw
// GPU-LABEL: func.func private @snn_body_deliver

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
      params = ["tau", "a"], event_driven = ["apre", "apost"], links = ["m"],
      post_targets = ["g"], weight = "w"} ode {
  ^bb0(%apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.divf %apre, %tau : f64
    %1 = arith.negf %0 : f64
    %2 = arith.divf %apost, %tau : f64
    %3 = arith.negf %2 : f64
    snn.yield %1, %3 : f64, f64
  } on_pre {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %m: f64, %tau: f64, %a: f64):
    %0 = arith.addf %apre, %a : f64
    %1 = arith.mulf %apost, %m : f64
    %2 = arith.addf %w, %1 : f64
    snn.yield %2, %0, %apost, %w : f64, f64, f64, f64
  } on_post {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %m: f64, %tau: f64, %a: f64):
    %0 = arith.subf %apost, %a : f64
    %1 = arith.mulf %apre, %m : f64
    %2 = arith.addf %w, %1 : f64
    %z = arith.constant 0.0 : f64
    snn.yield %2, %apre, %0, %z : f64, f64, f64, f64
  }
  snn.population @p of @m size 8
  snn.population @da of @m size 1
  snn.projection @s from @p to @p synapse @stdp attributes {
    connectivity = #snn.fixed_probability<0.5, allow_self = false>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64},
    synapse_links = {m = "da.v"}}
  snn.projection @r from @p to @p synapse @stdp attributes {
    connectivity = #snn.fixed_probability<0.5, allow_self = false>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64},
    synapse_links = {m = "da.v"}}
  snn.record_synapse_state @r "apre" {pre = array<i64: 0>, post = array<i64: 1>, every = 10}
  snn.periodic @p every 100 {
  ^bb0(%v: f64, %g: f64):
    %c = arith.constant 0.5 : f64
    %0 = arith.mulf %g, %c : f64
    snn.yield %v, %0 : f64, f64
  }
}
