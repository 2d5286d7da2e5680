// Periodic statements of a projection reading a link (`m` of a population
// of size 1) and a presynaptic variable (`level_pre`): snn-schedule-step
// copies both at the end of the step (snn.copy_linked, as for populations'
// links), snn-plan-buffers gives the projection its per-post index with the
// pre neurons (col_pre), snn-describe lists the copies among the initial
// copies, and the lowering reads this step's half of each copy: the link
// once per post neuron (size 1: element n mod 2), the pre variable at
// (n mod 2) * size + pre for each synapse of the column.
// RUN: snn-opt %s -snn-schedule-step -snn-plan-buffers -snn-describe | FileCheck %s --check-prefix=PLAN
// RUN: snn-opt %s -snn-schedule-step=target=gpu | FileCheck %s --check-prefix=GPU
// RUN: snn-opt %s -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s --check-prefix=CPU

// PLAN:      snn.phase "propagate" {
// PLAN-NEXT:   snn.propagate @p
// PLAN-NEXT:   snn.copy_linked @da "level"
// PLAN-NEXT:   snn.copy_linked @n "level"
// PLAN-NEXT: }
// PLAN:      snn.buffer "da.level.linked" : f64 [2]
// PLAN-NEXT: snn.buffer "n.level.linked" : f64 [8]
// PLAN:      snn.buffer "p.col_pre" : i16 [synapses "p"]
// PLAN:      initial_copies = [{from = 5 : i64, to = 7 : i64}, {from = 2 : i64, to = 8 : i64}]

// GPU:      snn.phase "periodic" {
// GPU-NEXT:   snn.periodic_step 0
// GPU:      snn.phase "linked" {
// GPU-NEXT:   snn.copy_linked @da "level"
// GPU-NEXT:   snn.copy_linked @n "level"

// CPU-LABEL: func.func @snn_update
// CPU:       %[[STEP:.*]] = arith.index_cast %arg1 : i64 to index
// CPU:       arith.remui %[[STEP]], %c100 : index
// CPU:       scf.for %[[J:arg[0-9]+]] =
// CPU:         %[[POST:.*]] = memref.load %{{.*}}[%[[J]]] : memref<?xf64>
// CPU-NEXT:    %[[HALF:.*]] = arith.remui %[[STEP]], %c2 : index
// CPU-NEXT:    %[[M:.*]] = memref.load %{{.*}}[%[[HALF]]] : memref<?xf64>
// CPU-NEXT:    scf.for %[[C:arg[0-9]+]] =
// CPU-NEXT:      %[[S:.*]] = memref.load %{{.*}}[%[[C]]] : memref<?xi32>
// CPU-NEXT:      %[[SI:.*]] = arith.index_cast %[[S]] : i32 to index
// CPU-NEXT:      %[[W:.*]] = memref.load %[[WV:.*]][%[[SI]]] : memref<?xf64>
// CPU-NEXT:      %[[P:.*]] = memref.load %{{.*}}[%[[C]]] : memref<?xi16>
// CPU-NEXT:      %[[PI:.*]] = arith.index_castui %[[P]] : i16 to index
// CPU-NEXT:      %[[H:.*]] = arith.remui %[[STEP]], %c2 : index
// CPU-NEXT:      %[[BASE:.*]] = arith.muli %[[H]], %c4 : index
// CPU-NEXT:      %[[AT:.*]] = arith.addi %[[BASE]], %[[PI]] : index
// CPU-NEXT:      %[[PRE:.*]] = memref.load %{{.*}}[%[[AT]]] : memref<?xf64>
// CPU-NEXT:      %[[A:.*]] = arith.mulf %[[POST]], %[[PRE]] : f64
// CPU-NEXT:      %[[B:.*]] = arith.mulf %[[A]], %[[M]] : f64
// CPU-NEXT:      %[[NEW:.*]] = arith.addf %[[W]], %[[B]] : f64
// CPU-NEXT:      memref.store %[[NEW]], %[[WV]][%[[SI]]] : memref<?xf64>

snn.network @periodic_reads attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["level"]} update {
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
  snn.synapse_model @gated attributes {variables = ["w"], params = ["g"], links = ["m"], weight = "w"} on_pre {
  ^bb0(%w: f64, %m: f64, %g: f64):
    snn.yield %w : f64
  }
  snn.population @n of @keep size 4
  snn.population @da of @keep size 1
  snn.projection @p from @n to @n synapse @gated attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {g = 2.0 : f64},
    synapse_links = {m = "da.level"}}
  snn.periodic @p every 100 attributes {post_reads = ["level"], pre_reads = ["level"], links = ["m"]} {
  ^bb0(%w: f64, %post: f64, %pre: f64, %m: f64, %g: f64):
    %0 = arith.mulf %post, %pre : f64
    %1 = arith.mulf %0, %m : f64
    %2 = arith.addf %w, %1 : f64
    snn.yield %2 : f64
  }
}
