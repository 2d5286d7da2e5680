// Per-neuron traces on the CPU, held per epoch of 16 steps
// (docs/design.md, "Plasticity"): snn.traces advances them by an epoch
// (one constant factor, exp(-1.6 / 20)) only in a step n with
// (n + 1) mod 16 = 0, instead of by a step in every step; a trace's value
// in step n is the held one advanced by (n + 1) mod 16 steps, and a pre
// spike's change is held advanced back as far. A projection whose trace
// decays in much less than a step (tau = 0.001 ms: advanced back by an
// epoch it would overflow) keeps the step-by-step traces.
// RUN: snn-opt %s -snn-integrate -snn-select-storage -snn-hoist-traces -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s

// CHECK-LABEL: func.func @snn_update
// @e: the epoch's advance, when due.
// CHECK:      %[[N1:.*]] = arith.addi %{{.*}}, %c1 : index
// CHECK-NEXT: %[[K:.*]] = arith.remui %[[N1]], %c16 : index
// CHECK-NEXT: %[[DUE:.*]] = arith.cmpi eq, %[[K]], %c0 : index
// CHECK-NEXT: scf.if %[[DUE]] {
// CHECK:        scf.for
// CHECK:          arith.mulf %{{.*}}, %cst{{.*}} : f64
// Each pre spike: the value now (kept as before), its change, held back.
// CHECK:      scf.for
// CHECK:        %[[HELD:.*]] = memref.load %[[APRE:.*]][%[[I:.*]]] : memref<?xf64>
// CHECK:        %[[ON:.*]] = math.exp
// CHECK-NEXT:   %[[X:.*]] = arith.mulf %[[HELD]], %[[ON]] : f64
// CHECK-NEXT:   memref.store %[[X]], %{{.*}}[%[[I]]] : memref<?xf64>
// CHECK-NEXT:   %[[NEW:.*]] = arith.addf %[[X]], %{{.*}} : f64
// CHECK:        %[[BACK:.*]] = math.exp
// CHECK-NEXT:   %[[Y:.*]] = arith.mulf %[[NEW]], %[[BACK]] : f64
// CHECK-NEXT:   memref.store %[[Y]], %[[APRE]][%[[I]]] : memref<?xf64>
// The post trace's epoch.
// CHECK:      arith.remui %{{.*}}, %c16 : index
// CHECK:      scf.if
// @f: a step on in every step (exp(-1.6 / 0.001) underflows to 0).
// CHECK-NOT:  arith.remui %{{.*}}, %c16 : index
// CHECK:      scf.for
// CHECK:        arith.mulf %{{.*}}, %cst{{.*}} : f64
// CHECK-NOT:  arith.remui %{{.*}}, %c16 : index
// CHECK-LABEL: func.func @snn_propagate

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
      post_targets = ["g"], weight = "w"} ode {
  ^bb0(%apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.divf %apre, %tau : f64
    %1 = arith.negf %0 : f64
    %2 = arith.divf %apost, %tau : f64
    %3 = arith.negf %2 : f64
    snn.yield %1, %3 : f64, f64
  } on_pre {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.addf %apre, %a : f64
    %1 = arith.addf %w, %apost : f64
    snn.yield %1, %0, %apost, %w : f64, f64, f64, f64
  } on_post {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.subf %apost, %a : f64
    %1 = arith.addf %w, %apre : f64
    %z = arith.constant 0.0 : f64
    snn.yield %1, %apre, %0, %z : f64, f64, f64, f64
  }
  snn.population @p of @m size 64
  snn.projection @e from @p to @p synapse @stdp attributes {
    connectivity = #snn.fixed_probability<0.5, allow_self = false>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64}}
  snn.projection @f from @p to @p synapse @stdp attributes {
    connectivity = #snn.fixed_probability<0.5, allow_self = false>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 0.001 : f64, a = 0.01 : f64}}
}
