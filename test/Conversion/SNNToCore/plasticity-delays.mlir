// A synapse model's projection with per-synapse delays on the CPU: the
// plan gives it the rows' order by delay (h.delay_syn, i32 per synapse,
// which the runtime builds at start-up: each row's positions sorted stably
// by delay), the descriptor lists it, and the walk of the spikes of d
// steps ago takes the stretch of the row's delay order that holds delay d
// (two binary searches over delay[delay_syn[m]]) instead of every synapse
// of the row with a test of its delay; within the stretch, as in a row,
// this thread's posts by binary search over col[delay_syn[m]]. The GPU
// plan has no delay order.
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-schedule-step -snn-plan-buffers -snn-describe | FileCheck %s --check-prefix=PLAN
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s --check-prefix=WALK
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu -snn-describe | FileCheck %s --check-prefix=GPU

// PLAN:      snn.buffer "h.delay" : i32 [synapses "h"]
// PLAN:      snn.buffer "h.history" : i32 [history "h"]
// PLAN-NEXT: snn.buffer "h.delay_syn" : i32 [synapses "h"]
// PLAN:      delay_syn = [[ORDER:[0-9]+]] : i64
// PLAN-SAME: history =

// GPU-NOT: delay_syn

// WALK-LABEL: func.func @snn_propagate
// The first binary search: the first position whose delay is not below d.
// WALK:      scf.while
// WALK:        %[[MID:.*]] = arith.shrui
// WALK-NEXT:   %[[K:.*]] = memref.load %[[ORDERV:.*]][%[[MID]]] : memref<?xi32>
// WALK-NEXT:   %[[KI:.*]] = arith.index_cast %[[K]] : i32 to index
// WALK-NEXT:   %[[DL:.*]] = memref.load %[[DELAYV:.*]][%[[KI]]] : memref<?xi32>
// WALK-NEXT:   %[[DI:.*]] = arith.index_cast %[[DL]] : i32 to index
// WALK-NEXT:   arith.cmpi ult, %[[DI]], %[[D:.*]] : index
// The second: the first whose delay is above d.
// WALK:      %[[D1:.*]] = arith.addi %[[D]], %c1 : index
// WALK:      scf.while
// WALK:        memref.load %[[ORDERV]]
// WALK:        memref.load %[[DELAYV]]
// WALK:        arith.cmpi ult, %{{.*}}, %[[D1]] : index
// Then the synapses of the stretch, each through the order, without a test
// of its delay.
// WALK:      scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step %c1 {
// WALK-NEXT:   %[[S:.*]] = memref.load %[[ORDERV]][%[[M]]] : memref<?xi32>
// WALK-NEXT:   %[[SI:.*]] = arith.index_cast %[[S]] : i32 to index
// WALK-NEXT:   memref.load %{{.*}}[%[[SI]]] : memref<?xi16>
// WALK-NOT:    memref.load %[[DELAYV]]
// WALK:      }

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
  snn.projection @h from @p to @p synapse @stdp attributes {
    connectivity = #snn.fixed_probability<0.5, allow_self = false>,
    delay = #snn.uniform<0.0, 0.5>,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64}}
}
