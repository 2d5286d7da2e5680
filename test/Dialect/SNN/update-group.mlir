// Round trip of snn.update_group (a merged group, snn-merge-groups), with
// and without reset (its errors: schedule-errors.mlir).
// RUN: snn-opt %s | snn-opt | FileCheck %s

snn.network @g attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.population @a of @keep size 4
  snn.population @b of @keep size 2
  snn.population @c of @keep size 2
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update_group [@a, @b]
      snn.update_group [@c, @c2] reset
    }
    snn.phase "end" {
      snn.end_step
    }
  }
  snn.population @c2 of @keep size 3
}

// CHECK-LABEL: snn.network @g
// CHECK:      snn.phase "update" {
// CHECK-NEXT:   snn.update_group [@a, @b]
// CHECK-NEXT:   snn.update_group [@c, @c2] reset
// CHECK-NEXT: }
