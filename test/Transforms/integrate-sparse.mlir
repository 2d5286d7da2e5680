// snn-integrate lists only the Jacobian entries that are not structurally
// zero: a chain of s variables gets 2 s - 1 entries, not s^2 (and costs
// O(s) derivatives).
// RUN: snn-opt %s -snn-integrate | FileCheck %s

// dx0/dt = (1 - x0) / tau, dx_i/dt = (x_{i-1} - x_i) / tau.
// CHECK-LABEL: snn.neuron_model @chain
// CHECK: snn.linear_update (%x0, %x1, %x2, %x3) affine (%{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}})
// CHECK-SAME: jacobian [(0, 0): %{{[0-9]+}}, (1, 0): %{{[0-9]+}}, (1, 1): %{{[0-9]+}}, (2, 1): %{{[0-9]+}}, (2, 2): %{{[0-9]+}}, (3, 2): %{{[0-9]+}}, (3, 3): %{{[0-9]+}}] dt 0.1 : f64
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @chain attributes {variables = ["x0", "x1", "x2", "x3"], params = ["tau"], method = "exact"} ode {
  ^bb0(%x0: f64, %x1: f64, %x2: f64, %x3: f64, %tau: f64):
    %one = arith.constant 1.0 : f64
    %0 = arith.subf %one, %x0 : f64
    %d0 = arith.divf %0, %tau : f64
    %1 = arith.subf %x0, %x1 : f64
    %d1 = arith.divf %1, %tau : f64
    %2 = arith.subf %x1, %x2 : f64
    %d2 = arith.divf %2, %tau : f64
    %3 = arith.subf %x2, %x3 : f64
    %d3 = arith.divf %3, %tau : f64
    snn.yield %d0, %d1, %d2, %d3 : f64, f64, f64, f64
  } threshold {
  ^bb0(%x0: f64, %x1: f64, %x2: f64, %x3: f64, %tau: f64):
    %0 = arith.cmpf ogt, %x3, %tau : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%x0: f64, %x1: f64, %x2: f64, %x3: f64, %tau: f64):
    snn.yield %x0, %x1, %x2, %x3 : f64, f64, f64, f64
  }
}
