// convert-snn-to-core: timed-array currents. The table is a buffer of
// rows x columns values (planned and described for the runtime to fill
// from the file); step n reads row min(n / every, rows - 1): the row's only
// value for every neuron, or the neuron's own column.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe | FileCheck %s --check-prefix=PLAN
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s

snn.network @tables attributes {dt = 0.1 : f64, duration = 100.0 : f64, seed = 3 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v"], inputs = ["I"], params = ["tau"], method = "euler"} ode {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    %0 = arith.subf %I, %v : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } threshold {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    %c = arith.constant 1.0 : f64
    %0 = arith.cmpf ogt, %v, %c : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c : f64
  }
  snn.population @a of @lif size 8 attributes {params = {tau = 10.0 : f64}}
  snn.population @b of @lif size 4 attributes {params = {tau = 20.0 : f64}}
  snn.current @shared into @a input "I" attributes {kind = "timed_array", amplitude = #snn.file<"/data/shared.csv", "I", scale = 1000.0>, rows = 300 : i64, columns = 1 : i64, every = 10 : i64}
  snn.current @each into @b input "I" attributes {kind = "timed_array", amplitude = #snn.file<"/data/each.npy", "">, rows = 7 : i64, columns = 4 : i64, every = 5 : i64}
}

// PLAN: snn.buffer "shared.amplitude" : f64 [300]
// PLAN: snn.buffer "each.amplitude" : f64 [28]
// PLAN: snn.descriptor
// PLAN-SAME: kind = "timed_array", name = "shared"
// PLAN-SAME: table = {columns = 1 : i64, every = 10 : i64, rows = 300 : i64}
// PLAN-SAME: kind = "timed_array", name = "each"
// PLAN-SAME: table = {columns = 4 : i64, every = 5 : i64, rows = 7 : i64}

// CHECK-LABEL: func.func @snn_update
// CHECK-DAG: %[[C10:.*]] = arith.constant 10 : index
// CHECK-DAG: %[[C299:.*]] = arith.constant 299 : index
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK-DAG: %[[C6:.*]] = arith.constant 6 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// @a: row = min(n / 10, 299), the row's only value for every neuron.
// CHECK: %[[ROW:.*]] = arith.divui %{{.*}}, %[[C10]] : index
// CHECK: %[[CLAMPED:.*]] = arith.minui %[[ROW]], %[[C299]] : index
// CHECK: memref.load %{{.*}}[%[[CLAMPED]]] : memref<?xf64>
// @b: row = min(n / 5, 6), column i: row * 4 + i.
// CHECK: %[[ROWB:.*]] = arith.divui %{{.*}}, %[[C5]] : index
// CHECK: %[[CLB:.*]] = arith.minui %[[ROWB]], %[[C6]] : index
// CHECK: %[[BASE:.*]] = arith.muli %[[CLB]], %[[C4]] : index
// CHECK: %[[AT:.*]] = arith.addi %[[BASE]], %{{.*}} : index
// CHECK: memref.load %{{.*}}[%[[AT]]] : memref<?xf64>
