// snn-hoist-traces marks the event-driven synapse variables that are the
// same for every synapse of a neuron: a pre trace (changed by on_pre only,
// from itself and parameters, delay 0), a post trace (changed by on_post
// only, the same way); both starting at 0, the projection without
// periodic statements. Anything else stays per synapse.
// RUN: snn-opt %s -snn-integrate -snn-hoist-traces | FileCheck %s

// CHECK: snn.projection @both {{.*}}post_traces = ["apost"], pre_traces = ["apre"]
// With a delay, the pre trace stays per synapse (it changes at arrival).
// CHECK: snn.projection @delayed
// CHECK-NOT: pre_traces
// CHECK-SAME: post_traces = ["apost"]
// CHECK-NOT: pre_traces
// A trace whose change reads the weight, or that starts elsewhere than 0:
// per synapse.
// CHECK: snn.projection @mixed
// CHECK-NOT: _traces
// CHECK: snn.projection @started
// CHECK-SAME: post_traces = ["apost"]
// CHECK-NOT: pre_traces
// CHECK: snn.projection @regular
// CHECK-NOT: _traces
// CHECK: snn.periodic

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["v"]} update {
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
  snn.synapse_model @stdp attributes {variables = ["w", "apre", "apost"],
      params = ["tau", "a"], event_driven = ["apre", "apost"], weight = "w"} ode {
  ^bb0(%apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.negf %apre : f64
    %1 = arith.divf %0, %tau : f64
    %2 = arith.negf %apost : f64
    %3 = arith.divf %2, %tau : f64
    snn.yield %1, %3 : f64, f64
  } on_pre {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.addf %apre, %a : f64
    %1 = arith.addf %w, %apost : f64
    snn.yield %1, %0, %apost : f64, f64, f64
  } on_post {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.subf %apost, %a : f64
    %1 = arith.addf %w, %apre : f64
    snn.yield %1, %apre, %0 : f64, f64, f64
  }
  snn.synapse_model @weighted attributes {variables = ["w", "apre", "apost"],
      params = ["tau", "a"], event_driven = ["apre", "apost"], weight = "w"} ode {
  ^bb0(%apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.negf %apre : f64
    %1 = arith.divf %0, %tau : f64
    %2 = arith.negf %apost : f64
    %3 = arith.divf %2, %tau : f64
    snn.yield %1, %3 : f64, f64
  } on_pre {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.addf %apre, %w : f64
    %1 = arith.addf %w, %apost : f64
    snn.yield %1, %0, %apost : f64, f64, f64
  } on_post {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.subf %apost, %w : f64
    %1 = arith.addf %w, %apre : f64
    snn.yield %1, %apre, %0 : f64, f64, f64
  }
  snn.population @p of @keep size 4
  snn.projection @both from @p to @p synapse @stdp attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64}}
  snn.projection @delayed from @p to @p synapse @stdp attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 1.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64}}
  snn.projection @mixed from @p to @p synapse @weighted attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64}}
  snn.projection @started from @p to @p synapse @stdp attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64},
    synapse_init = {apre = 0.25 : f64}}
  snn.projection @regular from @p to @p synapse @stdp attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64}}
  snn.periodic @regular every 10 {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %tau: f64, %a: f64):
    snn.yield %w, %apre, %apost : f64, f64, f64
  }
}
