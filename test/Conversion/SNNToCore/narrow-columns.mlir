// convert-snn-to-core: a stored projection into at most 65536 neurons keeps
// its columns in 16 bits (u16 in the descriptor), read unsigned
// (index_castui); into more, in 32 (i32, index_cast). On the GPU the fill
// kernel truncates to the column's width (and the sort compares unsigned:
// test/e2e/narrow-columns.test).
// RUN: snn-opt %s -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s
// RUN: snn-opt %s -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu -snn-describe -convert-snn-to-core=target=gpu | FileCheck %s --check-prefix=GPU

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @sink attributes {variables = ["v"]} update {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.poisson_source @src size 2 attributes {rate = 5.0 : f64}
  snn.population @narrow of @sink size 65536
  snn.population @wide of @sink size 65537
  snn.projection @to_narrow from @src to @narrow target "v" attributes {connectivity = #snn.fixed_probability<0.001, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.projection @to_wide from @src to @wide target "v" attributes {connectivity = #snn.fixed_probability<0.001, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
}

// CHECK-LABEL: func.func @snn_propagate
// CHECK:       %[[C16:.*]] = memref.load %{{.*}} : memref<?xi16>
// CHECK-NEXT:  %[[POST16:.*]] = arith.index_castui %[[C16]] : i16 to index
// CHECK:       %[[C32:.*]] = memref.load %{{.*}} : memref<?xi32>
// CHECK-NEXT:  %[[POST32:.*]] = arith.index_cast %[[C32]] : i32 to index
// CHECK: \22name\22:\22to_narrow.col\22,\22type\22:\22u16\22
// CHECK: \22name\22:\22to_wide.col\22,\22type\22:\22i32\22

// GPU-LABEL: func.func private @snn_body_build_fill_0
// GPU:         %[[J:.*]] = arith.trunci %{{.*}} : i64 to i16
// GPU-NEXT:    memref.store %[[J]], %{{.*}} : memref<?xi16>
// GPU-LABEL: func.func private @snn_body_build_fill_1
// GPU-NOT:     i16
// GPU:         memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<?xi32>
// GPU-NOT:     i16
// GPU:         return
