// convert-snn-to-core lowers the schedule it is given: step ops that
// snn-schedule-step would not choose here lower as well (the reset at the
// threshold on the CPU, the reset over the spike list on the GPU); a
// network without a schedule, or with one for another target, is refused.
// RUN: not snn-opt %s -split-input-file -snn-plan-buffers -snn-describe -convert-snn-to-core 2>/dev/null | FileCheck %s --check-prefix=CPU
// RUN: not snn-opt %s -split-input-file -snn-plan-buffers=target=gpu -snn-describe -convert-snn-to-core=target=gpu 2>/dev/null | FileCheck %s --check-prefix=GPU
// RUN: not snn-opt %s -split-input-file -convert-snn-to-core 2>&1 >/dev/null | FileCheck %s --check-prefix=ERR

snn.network @m attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
    %z = arith.constant -5.0 : f64
    snn.yield %z : f64
  }
  snn.population @a of @lif size 4
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @a reset
    }
    snn.phase "propagate" {
    }
  }
}

// The reset (v = -5) is stored where the spike is appended, in the update
// loop; snn_propagate has nothing to do.
// CPU-LABEL: func.func @snn_update
// CPU-DAG:     %[[RESET:.*]] = arith.constant -5.000000e+00 : f64
// CPU:         scf.for %[[I:.*]] = {{.*}} iter_args
// CPU:           %[[V:.*]] = arith.addf
// CPU-NEXT:      memref.store %[[V]], %[[VIEW:.*]][%[[I]]]
// CPU:           scf.if
// CPU:             memref.store %[[RESET]], %[[VIEW]][%[[I]]]
// CPU:           } else {
// CPU:         } {snn.parallel}
// CPU-LABEL: func.func @snn_propagate
// CPU-NEXT:    return

// -----

snn.network @g attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
    %z = arith.constant -5.0 : f64
    snn.yield %z : f64
  }
  snn.population @a of @lif size 4
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @a
    }
    snn.phase "reset" {
      snn.reset @a
      snn.end_step
    }
  }
}

// The update appends spikes and resets nobody (no spike flags); the phase
// "reset" walks this step's spike list (a grid-stride loop up to its count)
// and ends the step (snn.end_step: thread 0's bookkeeping).
// GPU-LABEL: func.func private @snn_body_update
// GPU-NOT:     -5.000000e+00
// GPU-LABEL: func.func private @snn_body_reset
// GPU-SAME:      snn.phase = "reset", snn.phase_index = 1
// GPU-DAG:     %[[RESET:.*]] = arith.constant -5.000000e+00 : f64
// GPU:         %[[COUNT:.*]] = memref.load %{{.*}}[%[[PARITY:.*]]] : memref<?xi32>
// GPU:         %[[N:.*]] = arith.index_cast %[[COUNT]]
// GPU:         scf.for %[[S:.*]] = %arg3 to %[[N]] step %arg4 {
// GPU:           %[[NEURON:.*]] = memref.load %{{.*}}[%[[S]]] : memref<?xi32>
// GPU:           %[[I:.*]] = arith.index_cast %[[NEURON]]
// GPU:           memref.store %[[RESET]], %{{.*}}[%[[I]]] : memref<?xf64>
// GPU:         }
// GPU:         scf.if
// GPU-NOT:     spiked
// GPU:         \22phases\22:[{\22kernel\22:\22snn_phase_update\22,\22name\22:\22update\22,\22work\22:4},{\22kernel\22:\22snn_phase_reset\22,\22name\22:\22reset\22,\22work\22:4}]

// -----

// ERR: error: 'snn.network' op has no step schedule: run snn-schedule-step before convert-snn-to-core
snn.network @none attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
}

// -----

// ERR: error: 'snn.schedule' op is for target 'gpu', not 'cpu'
snn.network @other attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.schedule "gpu" {
    snn.phase "end" {
      snn.end_step
    }
  }
}
