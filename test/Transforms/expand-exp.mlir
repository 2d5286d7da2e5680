// RUN: snn-opt %s -snn-expand-exp | FileCheck %s

// Scalars and vectors, f64 and f32: no math.exp is left, only arithmetic
// (and math.floor) that vectorizes.
// CHECK-LABEL: func.func @scalar
// CHECK-NOT: math.exp
// CHECK: arith.cmpf uno, %[[X:.*]], %[[X]] : f64
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: math.floor {{.*}} : f64
// CHECK: arith.fptosi {{.*}} : f64 to i64
// CHECK: arith.shli
// CHECK: arith.bitcast {{.*}} : i64 to f64
// CHECK: arith.select
// CHECK-NOT: math.exp
// CHECK: return
func.func @scalar(%x: f64) -> f64 {
  %0 = math.exp %x : f64
  return %0 : f64
}

// CHECK-LABEL: func.func @vector
// CHECK-NOT: math.exp
// CHECK: math.floor {{.*}} : vector<8xf32>
// CHECK: arith.fptosi {{.*}} : vector<8xf32> to vector<8xi32>
// CHECK: arith.bitcast {{.*}} : vector<8xi32> to vector<8xf32>
// CHECK-NOT: math.exp
// CHECK: return
func.func @vector(%x: vector<8xf32>) -> vector<8xf32> {
  %0 = math.exp %x : vector<8xf32>
  return %0 : vector<8xf32>
}

// Other types are left to libm.
// CHECK-LABEL: func.func @half
// CHECK: math.exp {{.*}} : f16
func.func @half(%x: f16) -> f16 {
  %0 = math.exp %x : f16
  return %0 : f16
}
