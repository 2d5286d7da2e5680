// convert-snn-to-core: Poisson and spike-array sources, currents into an
// input (constant and noise), and per-synapse delays and weights.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s

snn.network @inputs attributes {dt = 0.5 : f64, duration = 100.0 : f64, seed = 11 : ui64, precision = f32} {
  snn.neuron_model @lif attributes {variables = ["v"], inputs = ["I"], params = ["tau"], method = "euler"} ode {
  ^bb0(%v: f32, %I: f32, %tau: f32):
    %0 = arith.subf %I, %v : f32
    %1 = arith.divf %0, %tau : f32
    snn.yield %1 : f32
  } threshold {
  ^bb0(%v: f32, %I: f32, %tau: f32):
    %c = arith.constant 1.0 : f32
    %0 = arith.cmpf ogt, %v, %c : f32
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f32, %I: f32, %tau: f32):
    %c = arith.constant 0.0 : f32
    snn.yield %c : f32
  }
  snn.population @p of @lif size 10 attributes {params = {tau = 10.0 : f64}}
  snn.poisson_source @noise size 20 attributes {rate = 40.0 : f64}
  snn.spike_source_array @stim size 2 from "/data/stim.csv"
  snn.current @drive into @p input "I" attributes {amplitude = 0.5 : f64, start = 10.0 : f64, stop = 60.0 : f64}
  snn.current @jitter into @p input "I" attributes {kind = "noise", amplitude = 0.1 : f64, std = 0.2 : f64}
  snn.projection @np from @noise to @p target "v" attributes {connectivity = #snn.fixed_indegree<3, allow_self = true>, weight = #snn.normal<0.1, 0.01>, delay = #snn.uniform<0.0, 2.0>}
  snn.projection @sp from @stim to @p target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = 0.2 : f64, delay = 1.0 : f64}
}

// CHECK-LABEL: func.func @snn_update
// The drive is active for steps [20, 120): t in [10 ms, 60 ms).
// CHECK-DAG: %[[FIRST:.*]] = arith.constant 20 : i64
// CHECK-DAG: %[[LAST:.*]] = arith.constant 120 : i64
// CHECK-DAG: %[[DRIVE:.*]] = arith.constant 5.000000e-01 : f32
// Poisson: P(spike) = 40 Hz * 0.5 ms = 0.02 per step.
// CHECK-DAG: %[[P:.*]] = arith.constant 0.0200000014 : f32
// Philox multipliers and Weyl increments.
// CHECK-DAG: arith.constant 3528531795 : i64
// CHECK-DAG: arith.constant 3449720151 : i64
// CHECK-DAG: arith.constant -1640531527 : i32
// CHECK-DAG: arith.constant -1150833019 : i32
// Counter word 3 of the noise current (entity 1, purpose 7) and of the
// Poisson source (population entity 1, purpose 1).
// CHECK-DAG: arith.constant 23 : i64
// CHECK-DAG: arith.constant 17 : i64
// The neuron loop: noise drawn by Box-Muller in f64, then truncated.
// CHECK: scf.for
// CHECK:   arith.cmpi sge, %{{.*}}, %[[FIRST]] : i64
// CHECK:   arith.cmpi slt, %{{.*}}, %[[LAST]] : i64
// CHECK:   %[[ON:.*]] = arith.andi
// CHECK:   arith.select %[[ON]], %[[DRIVE]], %{{.*}} : f32
// CHECK:   math.log %{{.*}} : f64
// CHECK:   math.cos %{{.*}} : f64
// CHECK:   arith.truncf %{{.*}} : f64 to f32
// Poisson source: a 24-bit uniform compared with the per-step probability.
// CHECK: scf.for
// CHECK:   arith.uitofp %{{.*}} : i32 to f32
// CHECK:   arith.cmpf olt, %{{.*}}, %[[P]] : f32
// The spike array: thread 0 only, a while loop over the entries due this
// step.
// CHECK: arith.cmpi eq, %{{.*}}, %c0 : index
// CHECK: scf.if
// CHECK: scf.while
// CHECK:   arith.cmpi sle
// CHECK:   scf.condition
// CHECK: return
// Per-synapse delay and weight, loaded from their buffers.
// CHECK-LABEL: func.func @snn_propagate
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:     %[[W:.*]] = memref.load %{{.*}} : memref<?xf32>
// CHECK:     %[[D:.*]] = memref.load %{{.*}} : memref<?xi32>
// CHECK:     arith.index_cast %[[D]] : i32 to index
// CHECK: return
// CHECK: llvm.mlir.global external constant @snn_descriptor
// CHECK-SAME: \22count\22:{\22spike_array\22:\22stim\22}
// CHECK-SAME: \22kind\22:\22noise\22
// CHECK-SAME: \22kind\22:\22poisson\22
// CHECK-SAME: \22delay_buffer\22
// CHECK-SAME: \22weight_buffer\22
