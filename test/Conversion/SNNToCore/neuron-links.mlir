// A population whose model input is a link (`links = {M = "da.level"}`):
// snn-schedule-step copies the linked variable at the end of the step (on
// the CPU at the end of the propagate phase, each thread its neurons; on
// the GPU a phase "linked" after the delivery), snn-plan-buffers gives the
// copy a buffer of two halves by step parity, snn-describe lists it among
// the initial copies (the runtime writes the first), and the update reads
// this step's half (size 1: its element n mod 2) where it would sum
// currents; the copy writes the other half.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe | FileCheck %s --check-prefix=PLAN
// RUN: snn-opt %s -snn-integrate -snn-schedule-step=target=gpu | FileCheck %s --check-prefix=GPU
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s --check-prefix=CPU

// PLAN:      snn.phase "propagate" {
// PLAN:        snn.copy_linked @da "level"
// PLAN-NEXT: }
// PLAN:      snn.buffer "da.level.linked" : f64 [2]
// PLAN:      initial_copies = [{from = [[FROM:[0-9]+]] : i64, to = [[TO:[0-9]+]] : i64}]

// GPU:      snn.phase "deliver" {
// GPU:      snn.phase "linked" {
// GPU-NEXT:   snn.copy_linked @da "level"

// CPU-LABEL: func.func @snn_update
// CPU:       %[[STEP:.*]] = arith.index_cast %arg1 : i64 to index
// CPU:       scf.for %[[I:arg[0-9]+]] = {{.*}} iter_args
// CPU-NEXT:    memref.load %{{.*}}[%[[I]]] : memref<?xf64>
// CPU-NEXT:    %[[HALF:.*]] = arith.remui %[[STEP]], %c2 : index
// CPU-NEXT:    memref.load %{{.*}}[%[[HALF]]] : memref<?xf64>
// CPU-LABEL: func.func @snn_propagate
// CPU:         %[[L:.*]] = memref.load %{{.*}}[%[[J:arg[0-9]+]]] : memref<?xf64>
// CPU-NEXT:    memref.store %[[L]], %{{.*}}[%{{.*}}] : memref<?xf64>
// CPU-NEXT:  } {snn.parallel}
// CPU-NEXT:  return

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @reader attributes {variables = ["v"], inputs = ["M"], method = "exact"} ode {
  ^bb0(%v: f64, %m: f64):
    %0 = arith.subf %m, %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64, %m: f64):
    %c = arith.constant 1.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %m: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z : f64
  }
  snn.neuron_model @holder attributes {variables = ["level"], method = "exact"} ode {
  ^bb0(%l: f64):
    %0 = arith.negf %l : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%l: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%l: f64):
    snn.yield %l : f64
  }
  snn.population @out of @reader size 4 attributes {links = {M = "da.level"}}
  snn.population @da of @holder size 1
}
