// A plan written by hand: the buffers in another order, the columns in 32
// bits where 16 would do. snn-plan-buffers keeps it; convert-snn-to-core
// numbers the buffers in its order and reads the columns as signed 32-bit
// indices.
// RUN: snn-opt %s -snn-schedule-step -snn-plan-buffers | FileCheck %s --check-prefix=CPU
// RUN: snn-opt %s -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s --check-prefix=EDITED

snn.network @e attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v"]} update {
  ^bb0(%v: f64):
    %one = arith.constant 1.0 : f64
    %n = arith.addf %v, %one : f64
    snn.yield %n : f64
  } threshold {
  ^bb0(%v: f64):
    %c = arith.constant 10.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z : f64
  }
  snn.population @p of @lif size 4
  snn.projection @q from @p to @p target "v" attributes {connectivity = #snn.all_to_all<allow_self = false>, weight = 1.0 : f64, delay = 0.0 : f64, storage = #snn.storage<csr>}
  snn.arena "cpu" {
    snn.buffer "q.col" : i32 [synapses "q"]
    snn.buffer "q.row_ptr" : i64 [5]
    snn.buffer "p.v" : f64 [4]
    snn.buffer "p.spikes" : i32 [8]
    snn.buffer "p.spike_count" : i32 [512]
  }
}

// CPU-LABEL: snn.network @e
// CPU:      snn.arena "cpu" {
// CPU-NEXT:   snn.buffer "q.col" : i32 [synapses "q"]
// CPU-NEXT:   snn.buffer "q.row_ptr" : i64 [5]

// EDITED-LABEL: func.func @snn_propagate(
// EDITED: %[[COLS:.*]] = memref.view {{.*}} to memref<?xi32>
// EDITED: scf.for
// EDITED: scf.for
// EDITED: %[[C:.*]] = memref.load %[[COLS]][%{{.*}}] : memref<?xi32>
// EDITED-NEXT: arith.index_cast %[[C]] : i32 to index
// EDITED: llvm.mlir.global external constant @snn_descriptor
// EDITED-SAME: \22buffers\22:[{\22count\22:{\22synapses\22:\22q\22},\22id\22:0,\22name\22:\22q.col\22,\22type\22:\22i32\22},{\22count\22:5,\22id\22:1,\22name\22:\22q.row_ptr\22,\22type\22:\22i64\22},{\22count\22:4,\22id\22:2,\22name\22:\22p.v\22,\22type\22:\22f64\22},{\22count\22:8,\22id\22:3,\22name\22:\22p.spikes\22,\22type\22:\22i32\22},{\22count\22:512,\22id\22:4,\22name\22:\22p.spike_count\22,\22type\22:\22i32\22}]
