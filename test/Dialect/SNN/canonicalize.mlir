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

// A stiff synapse: v' = (g - v) / 10, g' = -g / 1e-20 over dt = 0.1. The
// slow decay of v survives: P_vv = exp(-0.01), correctly rounded (scaling
// by 2^-64 used to round it to 1), P_vg = 0.01 (e^-0.01 - e^-1e19) / 1e19.
// CHECK-LABEL: func.func @stiff
// CHECK-DAG: %[[PVV:.*]] = arith.constant 0.99004983374916811 : f64
// CHECK-DAG: %[[PVG:.*]] = arith.constant 9.9004983374916819E-22 : f64
// CHECK-DAG: %[[MVV:.*]] = arith.constant 0.099501662508319474 : f64
// CHECK: %[[T0:.*]] = arith.mulf %arg0, %[[PVV]] : f64
// CHECK: %[[T1:.*]] = arith.mulf %arg1, %[[PVG]] : f64
// CHECK: %[[S:.*]] = arith.addf %[[T0]], %[[T1]] : f64
// CHECK: %[[T2:.*]] = arith.mulf %arg2, %[[MVV]] : f64
// CHECK: %[[V:.*]] = arith.addf %[[S]], %[[T2]] : f64
// CHECK: return %[[V]]
func.func @stiff(%v: f64, %g: f64, %b: f64) -> (f64, f64) {
  %a00 = arith.constant -0.1 : f64
  %a01 = arith.constant 0.1 : f64
  %a11 = arith.constant -1.0e20 : f64
  %zero = arith.constant 0.0 : f64
  %0:2 = snn.linear_update (%v, %g) affine (%b, %zero) jacobian [(0, 0): %a00, (0, 1): %a01, (1, 1): %a11] dt 0.1 : f64
  return %0#0, %0#1 : f64, f64
}

// The same in f32: coefficients rounded to f32.
// CHECK-LABEL: func.func @stiff_f32
// CHECK-DAG: arith.constant 0.990049839 : f32
// CHECK: return
func.func @stiff_f32(%v: f32, %g: f32, %b: f32) -> (f32, f32) {
  %a00 = arith.constant -0.1 : f32
  %a01 = arith.constant 0.1 : f32
  %a11 = arith.constant -1.0e20 : f32
  %zero = arith.constant 0.0 : f32
  %0:2 = snn.linear_update (%v, %g) affine (%b, %zero) jacobian [(0, 0): %a00, (0, 1): %a01, (1, 1): %a11] dt 0.1 : f32
  return %0#0, %0#1 : f32, f32
}

// A propagator that cannot be computed to the type's precision stays (for
// convert-snn-to-core to report): growth by exp(1e19) per step overflows,
// and so does exp(100) in f32; an infinite coefficient is refused.
// CHECK-LABEL: func.func @not_computable
// CHECK: snn.linear_update (%arg0) affine (%{{.*}}) jacobian [(0, 0): %{{.*}}] dt 0.1 : f64
// CHECK: snn.linear_update (%arg1) affine (%{{.*}}) jacobian [(0, 0): %{{.*}}] dt 0.1 : f32
// CHECK: snn.linear_update (%arg0) affine (%{{.*}}) jacobian [(0, 0): %{{.*}}] dt 0.1 : f64
func.func @not_computable(%x: f64, %y: f32) -> (f64, f32, f64) {
  %grow = arith.constant 1.0e20 : f64
  %zero = arith.constant 0.0 : f64
  %0 = snn.linear_update (%x) affine (%zero) jacobian [(0, 0): %grow] dt 0.1 : f64
  %grow32 = arith.constant 1000.0 : f32
  %zero32 = arith.constant 0.0 : f32
  %1 = snn.linear_update (%y) affine (%zero32) jacobian [(0, 0): %grow32] dt 0.1 : f32
  %inf = arith.constant 0x7FF0000000000000 : f64
  %2 = snn.linear_update (%x) affine (%zero) jacobian [(0, 0): %inf] dt 0.1 : f64
  return %0, %1, %2 : f64, f32, f64
}
