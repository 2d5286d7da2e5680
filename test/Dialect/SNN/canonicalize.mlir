// snn.linear_update with a constant Jacobian becomes multiply-adds with the
// propagator entries, computed at compile time; zero entries and zero affine
// terms drop out.
// RUN: snn-opt %s -canonicalize | FileCheck %s

// Pure decay, dx/dt = -x / 10 with dt = 1: x exp(-0.1).
// CHECK-LABEL: func.func @decay
// CHECK-NEXT: %[[P:.*]] = arith.constant 0.90483741803595952 : f64
// CHECK-NEXT: %[[X:.*]] = arith.mulf %arg0, %[[P]] : f64
// CHECK-NEXT: return %[[X]]
func.func @decay(%x: f64) -> f64 {
  %a = arith.constant -0.1 : f64
  %b = arith.constant 0.0 : f64
  %0 = snn.linear_update (%x) affine (%b) jacobian [%a] dt 1.0 : f64
  return %0 : f64
}

// dx/dt = -x + b: x e^-1 + (1 - e^-1) b.
// CHECK-LABEL: func.func @relax
// CHECK-DAG: %[[P:.*]] = arith.constant 0.36787944117144233 : f64
// CHECK-DAG: %[[M:.*]] = arith.constant 0.63212055882855767 : f64
// CHECK: %[[T0:.*]] = arith.mulf %arg0, %[[P]] : f64
// CHECK: %[[T1:.*]] = arith.mulf %arg1, %[[M]] : f64
// CHECK: %[[S:.*]] = arith.addf %[[T0]], %[[T1]] : f64
// CHECK: return %[[S]]
func.func @relax(%x: f64, %b: f64) -> f64 {
  %a = arith.constant -1.0 : f64
  %0 = snn.linear_update (%x) affine (%b) jacobian [%a] dt 1.0 : f64
  return %0 : f64
}

// Coupled: v' = -v + g, g' = -g / 2 (dt = 1). g does not depend on v, so its
// row has one term; v's has two.
// CHECK-LABEL: func.func @coupled
// CHECK-DAG: arith.constant 0.36787944117144233 : f64
// CHECK-DAG: arith.constant 0.4773024370823821{{[0-9]*}} : f64
// CHECK-DAG: arith.constant 0.60653065971263342 : f64
// CHECK: %[[V0:.*]] = arith.mulf %arg0, %{{.*}} : f64
// CHECK: %[[V1:.*]] = arith.mulf %arg1, %{{.*}} : f64
// CHECK: %[[V:.*]] = arith.addf %[[V0]], %[[V1]] : f64
// CHECK: %[[G:.*]] = arith.mulf %arg1, %{{.*}} : f64
// CHECK: return %[[V]], %[[G]]
func.func @coupled(%v: f64, %g: f64) -> (f64, f64) {
  %m1 = arith.constant -1.0 : f64
  %one = arith.constant 1.0 : f64
  %zero = arith.constant 0.0 : f64
  %half = arith.constant -0.5 : f64
  %0:2 = snn.linear_update (%v, %g) affine (%zero, %zero) jacobian [%m1, %one, %zero, %half] dt 1.0 : f64
  return %0#0, %0#1 : f64, f64
}

// The sparse form: the same coupled system, zero entries not listed.
// CHECK-LABEL: func.func @coupled_sparse
// CHECK-DAG: arith.constant 0.36787944117144233 : f64
// CHECK-DAG: arith.constant 0.4773024370823821{{[0-9]*}} : f64
// CHECK-DAG: arith.constant 0.60653065971263342 : f64
// CHECK: %[[V0:.*]] = arith.mulf %arg0, %{{.*}} : f64
// CHECK: %[[V1:.*]] = arith.mulf %arg1, %{{.*}} : f64
// CHECK: %[[V:.*]] = arith.addf %[[V0]], %[[V1]] : f64
// CHECK: %[[G:.*]] = arith.mulf %arg1, %{{.*}} : f64
// CHECK: return %[[V]], %[[G]]
func.func @coupled_sparse(%v: f64, %g: f64) -> (f64, f64) {
  %m1 = arith.constant -1.0 : f64
  %one = arith.constant 1.0 : f64
  %zero = arith.constant 0.0 : f64
  %half = arith.constant -0.5 : f64
  %0:2 = snn.linear_update (%v, %g) affine (%zero, %zero) jacobian [(0, 0): %m1, (0, 1): %one, (1, 1): %half] dt 1.0 : f64
  return %0#0, %0#1 : f64, f64
}


// A Jacobian that is not constant stays.
// CHECK-LABEL: func.func @symbolic
// CHECK: snn.linear_update
func.func @symbolic(%x: f64, %a: f64) -> f64 {
  %b = arith.constant 0.0 : f64
  %0 = snn.linear_update (%x) affine (%b) jacobian [%a] dt 1.0 : f64
  return %0 : f64
}
