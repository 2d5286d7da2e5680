// convert-snn-to-core: a procedural projection has no row_ptr or col
// buffer; when a presynaptic neuron spikes, snn_propagate draws its row
// again (geometric skipping over Philox draws, as the runtime builds csr
// rows) and adds the one weight to this thread's targets.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s
// RUN: snn-opt %s -snn-integrate -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu -snn-describe -convert-snn-to-core=target=gpu | FileCheck %s --check-prefix=GPU

snn.network @proc attributes {dt = 0.1 : f64, duration = 10.0 : f64, seed = 3 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v"], params = ["tau"], method = "exact"} ode {
  ^bb0(%v: f64, %tau: f64):
    %0 = arith.negf %v : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %c = arith.constant 1.0 : f64
    %0 = arith.cmpf ogt, %v, %c : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c : f64
  }
  snn.population @exc of @lif size 100 attributes {params = {tau = 10.0 : f64}, init = {v = #snn.uniform<0.0, 1.5>}}
  snn.projection @ee from @exc to @exc target "v" attributes {connectivity = #snn.fixed_probability<0.1, allow_self = false>, weight = 0.25 : f64, delay = 0.5 : f64, storage = #snn.storage<procedural>}
}

// CHECK-LABEL: func.func @snn_propagate
// CHECK-DAG: %[[W:.*]] = arith.constant 2.500000e-01 : f64
// Every spike of every thread's segment:
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c1 {
// CHECK:   scf.for
// The row: draw, skip floor(log1p(-u) / log(1 - p)) candidates, next.
// CHECK:     scf.while
// CHECK:       math.log1p
// CHECK:       math.floor
// CHECK:       scf.condition
// CHECK:     } do {
// This thread's targets only.
// CHECK-DAG:   arith.cmpi uge
// CHECK-DAG:   arith.cmpi ult
// CHECK:       scf.if
// CHECK:         arith.addf %{{.*}}, %[[W]] : f64
// CHECK: return
// The descriptor: the storage, and neither row_ptr nor col; its build
// entry has the rows kernel (the synapse count, for the summary) and the
// columns kernel (the synapses, for --save-connectivity), and writes no
// buffer.
// CHECK: llvm.mlir.global external constant @snn_descriptor
// CHECK-SAME: \22build\22:[{\22columns\22:{\22emulate\22:1,\22kernel\22:\22snn_build_columns_0\22,\22work\22:100},\22projection\22:\22ee\22,\22rows\22:{\22emulate\22:0,\22kernel\22:\22snn_build_rows_0\22,\22work\22:100},\22writes\22:[]}]
// CHECK-NOT: row_ptr
// CHECK-SAME: \22storage\22:\22procedural\22
// CHECK-NOT: ee.col
// On the GPU one thread per spike (spikes tid, tid + nthreads, ...) draws the row
// and adds atomically; no build kernel fills a row beforehand (rows and
// columns only count and save, as on the CPU; and the init kernel of the
// uniform initial value).
// GPU-NOT: snn.build_kernel = "snn_build_{{fill|sort|delays|values}}
// GPU-LABEL: func.func private @snn_body_propagate(
// GPU-SAME: %[[ARENA:.*]]: memref<?xi8>, %[[SEED:.*]]: i64, %[[PARITY:.*]]: i64, %[[TID:.*]]: index, %[[NT:.*]]: index)
// GPU: scf.for %{{.*}} = %[[TID]] to %{{.*}} step %[[NT]] {
// GPU:   scf.while
// GPU:     math.log1p
// GPU:   } do {
// GPU:     memref.atomic_rmw addf %{{.*}}, %{{.*}}[%{{.*}}] : (f64, memref<?xf64>) -> f64
// GPU-NOT: snn.build_kernel = "snn_build_{{fill|sort|delays|values}}
