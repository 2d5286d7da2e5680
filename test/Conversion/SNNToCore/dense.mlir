// convert-snn-to-core: a dense projection holds its rows as bits, one per
// post neuron (64-bit words), with row pointers where per-synapse values
// need csr's synapse index: its fill kernel clears each row and sets a bit
// per synapse of the drawn row (the same draws as csr's fill); the CPU's
// propagation walks the set bits of this thread's words (math.cttz), the
// synapse index being row_ptr[i] plus the set bits before it (math.ctpop);
// the GPU's lanes read each word and take bits lane, lane + lanes, ...
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s
// RUN: snn-opt %s -snn-integrate -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu -snn-describe -convert-snn-to-core=target=gpu | FileCheck %s --check-prefix=GPU

snn.network @dense attributes {dt = 0.1 : f64, duration = 10.0 : f64, seed = 3 : ui64, precision = f64} {
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
  snn.population @exc of @lif size 100 attributes {params = {tau = 10.0 : f64}}
  snn.projection @ee from @exc to @exc target "v" attributes {connectivity = #snn.fixed_probability<0.5, allow_self = false>, weight = #snn.normal<0.25, 0.05>, delay = 0.5 : f64, storage = #snn.storage<dense>}
}

// 100 posts: 2 words per row, 100 rows.
// CHECK-LABEL: func.func @snn_propagate
// The words before this thread's first one, counted from row_ptr[i]:
// CHECK:      %[[FIRST:.*]] = memref.load %[[ROWPTR:.*]][%[[I:.*]]] : memref<?xi64>
// CHECK:      %[[BEFORE:.*]] = scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[FIRST]]) -> (i64) {
// CHECK:        math.ctpop
// CHECK:      scf.for {{.*}} iter_args(%[[WB:.*]] = %[[BEFORE]]) -> (i64) {
// CHECK:        %[[WORD:.*]] = memref.load %[[MASK:.*]][%{{.*}}] : memref<?xi64>
// Only this thread's posts: the bits below its first one and from its end
// on are cleared.
// CHECK:        arith.shli %c-1_i64
// CHECK:        scf.while (%[[BITS:.*]] = %{{.*}}) : (i64) -> i64 {
// CHECK:          arith.cmpi ne, %[[BITS]], %c0_i64
// CHECK:        } do {
// CHECK:          %[[T:.*]] = math.cttz %[[B:.*]] : i64
// The next bit: b & (b - 1).
// CHECK:          %[[M1:.*]] = arith.subi %[[B]], %c1_i64 : i64
// CHECK:          arith.andi %[[B]], %[[M1]] : i64
// The synapse's weight: index WB + the bits of the word below it.
// CHECK:          %[[BELOW:.*]] = arith.shli %c1_i64, %[[T]] : i64
// CHECK:          %[[LOW:.*]] = arith.subi %[[BELOW]], %c1_i64 : i64
// CHECK:          %[[MASKED:.*]] = arith.andi %[[WORD]], %[[LOW]] : i64
// CHECK:          %[[N:.*]] = math.ctpop %[[MASKED]] : i64
// CHECK:          %[[K:.*]] = arith.addi %[[WB]], %[[N]] : i64
// CHECK:          %[[KI:.*]] = arith.index_cast %[[K]] : i64 to index
// CHECK:          %[[W:.*]] = memref.load %{{.*}}[%[[KI]]] : memref<?xf64>
// CHECK:          arith.addf %{{.*}}, %[[W]] : f64
// CHECK:        math.ctpop %[[WORD]] : i64
// The fill kernel: row i's 2 words cleared, then a bit per drawn synapse.
// CHECK-LABEL: func.func private @snn_body_build_fill_0
// CHECK:      scf.for %[[ROW:.*]] = %{{.*}} to %c100 step
// CHECK:        %[[BASE:.*]] = arith.muli %[[ROW]], %c2 : index
// CHECK:        scf.for %[[Q:.*]] = %{{.*}} to %{{.*}} step
// CHECK:          %[[AT0:.*]] = arith.addi %[[BASE]], %[[Q]] : index
// CHECK:          memref.store %{{.*}}, %{{.*}}[%[[AT0]]] : memref<?xi64>
// CHECK:        scf.while
// CHECK:          math.log1p
// CHECK:        } do {
// CHECK:          arith.shrui %{{.*}}, %c6_i64 : i64
// CHECK:          arith.andi %{{.*}}, %c63_i64 : i64
// CHECK:          arith.shli %c1_i64
// CHECK:          arith.ori
// CHECK:          memref.store
// The columns kernel (--save-connectivity): row i's bits, lowest first,
// into the scratch from row_ptr[i] on.
// CHECK-LABEL: func.func private @snn_body_build_columns_0
// CHECK:      scf.for %[[CROW:.*]] = %{{.*}} to %c100 step
// CHECK:        %[[CBASE:.*]] = memref.load %{{.*}}[%[[CROW]]] : memref<?xi64>
// CHECK:        scf.for %{{.*}} = %c0{{.*}} to %c2{{.*}} step %c1{{.*}} iter_args(%[[AT:.*]] = %[[CBASE]]) -> (i64) {
// CHECK:          scf.while
// CHECK:            math.cttz
// CHECK:            memref.store
// The descriptor: row pointers and 100 x 2 words of bits (a stored
// buffer), no columns; the build entry's fill writes the bits (and values
// the weights), its columns kernel reads them back as post indices.
// CHECK: llvm.mlir.global external constant @snn_descriptor
// CHECK-SAME: {\22count\22:101,\22id\22:3,\22name\22:\22ee.row_ptr\22,\22type\22:\22i64\22},{\22count\22:200,\22id\22:4,\22name\22:\22ee.mask\22,\22type\22:\22i64\22}
// CHECK-SAME: \22build\22:[{\22columns\22:{\22emulate\22:2,\22kernel\22:\22snn_build_columns_0\22,\22work\22:100},\22fill\22:{\22emulate\22:1,\22kernel\22:\22snn_build_fill_0\22,\22work\22:100},\22projection\22:\22ee\22,\22rows\22:{\22emulate\22:0,\22kernel\22:\22snn_build_rows_0\22,\22work\22:100},\22values\22:{\22emulate\22:3,\22kernel\22:\22snn_build_values_0\22},\22writes\22:[4,5]}]
// CHECK-NOT: ee.col
// CHECK-SAME: \22name\22:\22ee\22,
// CHECK-SAME: \22row_ptr\22:3,\22storage\22:\22dense\22,\22stored\22:[4],

// On the GPU a group's lanes share the row: every word (loaded by each lane),
// bits lane, lane + lanes, ... below 64, added atomically.
// GPU-LABEL: func.func private @snn_body_propagate(
// GPU:      scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%[[GWB:.*]] = %{{.*}}) -> (i64) {
// GPU:        %[[GW:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<?xi64>
// GPU:        scf.for %[[BIT:.*]] = %{{.*}} to %c64 step %{{.*}} {
// GPU:          %[[SH:.*]] = arith.shrui %[[GW]], %{{.*}} : i64
// GPU:          arith.andi %[[SH]], %c1_i64 : i64
// GPU:          scf.if
// GPU:            math.ctpop
// GPU:            memref.atomic_rmw addf
// GPU:        math.ctpop %[[GW]] : i64
