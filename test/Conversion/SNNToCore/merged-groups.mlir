// A merged group (snn.update_group, snn-merge-groups) through the plan, the
// descriptor and the step (docs/design.md, "Merged groups"): the group's
// buffers, of which its members' are views; the members' place in the
// group in the descriptor (the CPU threads share the group); on the CPU one
// vectorizable loop over this thread's share of the group appending to the
// group's scratch list, then the members' segments filled from it in one
// loop over the members (their spike lists and counts are views of the
// group's too); on the GPU one grid-stride loop, each spike appended to its
// member's list.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-merge-groups -snn-plan-buffers | FileCheck %s --check-prefix=PLAN
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-merge-groups -snn-plan-buffers -snn-describe | FileCheck %s --check-prefix=DESC
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-merge-groups -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s --check-prefix=CPU
// RUN: snn-opt %s -snn-integrate -snn-schedule-step=target=gpu -snn-merge-groups -snn-plan-buffers=target=gpu -snn-describe -convert-snn-to-core=target=gpu | FileCheck %s --check-prefix=GPU

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], method = "exact", refractory = 0.5 : f64, refractory_clamp = ["v"]} ode {
  ^bb0(%v: f64):
    %0 = arith.negf %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64):
    %c = arith.constant 1.0 : f64
    %0 = arith.cmpf ogt, %v, %c : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c : f64
  }
  snn.population @a of @m size 40
  snn.population @b of @m size 24
  snn.population @c of @m size 8
  snn.projection @ab from @a to @b target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
}


// PLAN:      snn.phase "update" {
// PLAN-NEXT:   snn.update_group [@a, @b, @c]
// PLAN-NEXT: }
// PLAN:      snn.arena "cpu" {
// PLAN-NEXT:   snn.buffer "a..c.spike_count" : i32 [1536]
// PLAN-NEXT:   snn.buffer "a..c.spikes" : i32 [144]
// PLAN-NEXT:   snn.buffer "a..c.v" : f64 [72]
// PLAN-NEXT:   snn.buffer "a..c.refractory" : i32 [72]
// PLAN-NEXT:   snn.buffer "a..c.scratch" : i32 [72]
// PLAN-NEXT:   snn.buffer "a.spike_count" : i32 [512] in "a..c.spike_count" at 0
// PLAN-NEXT:   snn.buffer "a.spikes" : i32 [80] in "a..c.spikes" at 0
// PLAN-NEXT:   snn.buffer "a.v" : f64 [40] in "a..c.v" at 0
// PLAN-NEXT:   snn.buffer "a.refractory" : i32 [40] in "a..c.refractory" at 0
// PLAN-NEXT:   snn.buffer "b.spike_count" : i32 [512] in "a..c.spike_count" at 512
// PLAN-NEXT:   snn.buffer "b.spikes" : i32 [48] in "a..c.spikes" at 80
// PLAN-NEXT:   snn.buffer "b.v" : f64 [24] in "a..c.v" at 40
// PLAN-NEXT:   snn.buffer "b.refractory" : i32 [24] in "a..c.refractory" at 40
// PLAN-NEXT:   snn.buffer "c.spike_count" : i32 [512] in "a..c.spike_count" at 1024
// PLAN-NEXT:   snn.buffer "c.spikes" : i32 [16] in "a..c.spikes" at 128
// PLAN-NEXT:   snn.buffer "c.v" : f64 [8] in "a..c.v" at 64
// PLAN-NEXT:   snn.buffer "c.refractory" : i32 [8] in "a..c.refractory" at 64
// PLAN-NEXT:   snn.buffer "ab.row_ptr" : i64 [41]
// PLAN-NEXT:   snn.buffer "ab.col" : i16 [synapses "ab"]
// PLAN-NEXT: }

// DESC: {count = 40 : i64, id = 7 : i64, name = "a.v", type = "f64", view = {at = 0 : i64, of = 2 : i64}}
// DESC: {count = 24 : i64, id = 11 : i64, name = "b.v", type = "f64", view = {at = 40 : i64, of = 2 : i64}}
// DESC: group = {name = "a..c", offset = 0 : i64, size = 72 : i64}, kind = "neuron", model = "m", name = "a"
// DESC: group = {name = "a..c", offset = 40 : i64, size = 72 : i64}, kind = "neuron", model = "m", name = "b"
// DESC: group = {name = "a..c", offset = 64 : i64, size = 72 : i64}, kind = "neuron", model = "m", name = "c"

// CPU-LABEL: func.func @snn_update(
// The group's views: a..c.spike_count, a..c.spikes, a..c.v,
// a..c.refractory, a..c.scratch (in the order the step first uses them).
// CPU-DAG:  %[[V:.*]] = memref.view %arg0{{.*}} to memref<?xf64>
// This thread's share of the group's 72 neurons.
// CPU:      %[[LO:.*]] = arith.minui %{{.*}}, %c72 : index
// CPU:      %[[HI:.*]] = arith.minui %{{.*}}, %c72 : index
// CPU:      %[[N:.*]] = scf.for %[[G:.*]] = %[[LO]] to %[[HI]] step %c1 iter_args(%[[C:.*]] = %c0_i32) -> (i32) {
// CPU:        memref.load %[[V]][%[[G]]] : memref<?xf64>
// CPU:        %[[SPIKE:.*]] = arith.andi
// CPU:        scf.if %[[SPIKE]] -> (i32) {
// CPU:          %[[AT:.*]] = arith.addi %[[LO]], %{{.*}} : index
// CPU:          memref.store %{{.*}}, %[[SCRATCH:.*]][%[[AT]]] : memref<?xi32>
// CPU:          memref.store %c5_i32, %{{.*}}[%[[G]]] : memref<?xi32>
// CPU:      } {snn.parallel}
// Then the members in order, their first neuron and size from a switch of
// constants, their segment and count cell by arithmetic in the group's
// list and counts; the spikes below their end.
// CPU:      %[[TOTAL:.*]] = arith.index_cast %[[N]] : i32 to index
// CPU:      scf.for %[[K:.*]] = %c0 to %c3 step %c1 iter_args(%[[TAKEN:.*]] = %c0) -> (index) {
// CPU:        %[[M:.*]]:2 = scf.index_switch %[[K]] -> index, index
// CPU-NEXT:   case 0 {
// CPU-NEXT:     scf.yield %c0, %c40 : index, index
// CPU:        case 1 {
// CPU-NEXT:     scf.yield %c40, %c24 : index, index
// CPU:        case 2 {
// CPU-NEXT:     scf.yield %c64, %c8 : index, index
// CPU:        %[[END:.*]] = arith.addi %[[M]]#0, %[[M]]#1 : index
// CPU:        %[[FIRST2:.*]] = arith.muli %[[M]]#0, %c2 : index
// CPU:        %[[CELLS:.*]] = arith.muli %[[K]], %c512 : index
// CPU:        scf.while
// CPU:          arith.cmpi ult, %{{.*}}, %[[TOTAL]] : index
// CPU:          memref.load %[[SCRATCH]]
// CPU:          arith.cmpi ult, %{{.*}}, %[[END]] : index
// CPU:        } do {
// CPU:          %[[LOCAL:.*]] = arith.subi %{{.*}}, %[[M]]#0 : index
// CPU:          %[[LOCAL32:.*]] = arith.index_cast %[[LOCAL]] : index to i32
// CPU:          memref.store %[[LOCAL32]], %[[LISTS:.*]][%{{.*}}] : memref<?xi32>
// CPU:        memref.store %{{.*}}, %[[COUNTS:.*]][%{{.*}}] : memref<?xi32>

// On the GPU, @b (input reaches it) resets in its delivery: @a and @c are
// the group, each spike appended to its member's list after a comparison.
// GPU-LABEL: func.func private @snn_body_update(
// GPU:      scf.for %[[G:.*]] = %arg3 to %c48 step %arg4 {
// GPU:        scf.if
// GPU-NEXT:     %[[PAST:.*]] = arith.cmpi uge, %[[G]], %c40 : index
// GPU-NEXT:     %[[K:.*]] = arith.index_castui %[[PAST]] : i1 to index
// GPU-NEXT:     scf.index_switch %[[K]]
// GPU-NEXT:     case 0 {
// GPU-NEXT:       %[[I:.*]] = arith.index_cast %[[G]] : index to i32
// GPU-NEXT:       memref.atomic_rmw addi
// GPU:          case 1 {
// GPU-NEXT:       %[[LOCAL:.*]] = arith.subi %[[G]], %c40 : index
// GPU-NEXT:       arith.index_cast %[[LOCAL]] : index to i32
// GPU-NEXT:       memref.atomic_rmw addi
// GPU:      scf.for %{{.*}} = %arg3 to %c24 step %arg4 {
