// Round trip of snn.schedule, snn.phase and every step op; a schedule
// written by hand (here: the reset over the spike list on the GPU, at the
// threshold on the CPU, where snn-schedule-step would choose otherwise)
// is kept by snn-schedule-step for its target, and refused for another.
// RUN: snn-opt %s -split-input-file | snn-opt -split-input-file | FileCheck %s
// RUN: not snn-opt %s -split-input-file -snn-schedule-step=target=gpu 2>/dev/null | FileCheck %s --check-prefix=KEPT
// RUN: not snn-opt %s -split-input-file -snn-schedule-step=target=gpu 2>&1 >/dev/null | FileCheck %s --check-prefix=OTHER-GPU
// RUN: not snn-opt %s -split-input-file -snn-schedule-step=target=cpu 2>/dev/null | FileCheck %s --check-prefix=KEPT-CPU
// RUN: not snn-opt %s -split-input-file -snn-schedule-step=target=cpu 2>&1 >/dev/null | FileCheck %s --check-prefix=OTHER-CPU

// OTHER-GPU: error: 'snn.schedule' op is for target 'cpu', not 'gpu'
// OTHER-CPU: error: 'snn.schedule' op is for target 'gpu', not 'cpu'

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v"]} update {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z : f64
  }
  snn.population @a of @lif size 4
  snn.population @b of @lif size 4
  snn.poisson_source @noise size 4 attributes {rate = 5.0 : f64}
  snn.poisson_input @bg into @a target "v" attributes {n = 10 : i64, rate = 5.0 : f64, weight = 1.0 : f64}
  snn.projection @nb from @noise to @b target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 1.0 : f64}
  snn.record_state @a "v"
  snn.schedule "gpu" {
    snn.phase "record" {
      snn.sample 0
    }
    snn.phase "update" {
      snn.update @a
      snn.update @b
      snn.emit @noise
    }
    snn.phase "propagate" {
      snn.propagate @nb
      snn.end_step
    }
    snn.phase "deliver" {
      snn.deliver @a reset
      snn.deliver @b
    }
    snn.phase "reset" {
      snn.reset @b
    }
  }
}

// CHECK-LABEL: snn.network @n
// CHECK:      snn.schedule "gpu" {
// CHECK-NEXT:   snn.phase "record" {
// CHECK-NEXT:     snn.sample 0
// CHECK-NEXT:   }
// CHECK-NEXT:   snn.phase "update" {
// CHECK-NEXT:     snn.update @a
// CHECK-NEXT:     snn.update @b
// CHECK-NEXT:     snn.emit @noise
// CHECK-NEXT:   }
// CHECK-NEXT:   snn.phase "propagate" {
// CHECK-NEXT:     snn.propagate @nb
// CHECK-NEXT:     snn.end_step
// CHECK-NEXT:   }
// CHECK-NEXT:   snn.phase "deliver" {
// CHECK-NEXT:     snn.deliver @a reset
// CHECK-NEXT:     snn.deliver @b
// CHECK-NEXT:   }
// CHECK-NEXT:   snn.phase "reset" {
// CHECK-NEXT:     snn.reset @b
// CHECK-NEXT:   }
// CHECK-NEXT: }

// KEPT-LABEL: snn.network @n
// KEPT:         snn.phase "reset" {
// KEPT-NEXT:      snn.reset @b
// KEPT-NOT:     snn.schedule
// KEPT-NOT:     snn.network

// -----

// The CPU: a population without input reset at its threshold.
snn.network @m attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v"]} update {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64):
    %z = arith.constant 0.0 : f64
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

// KEPT-CPU-NOT: snn.network @n
// KEPT-CPU-LABEL: snn.network @m
// KEPT-CPU:     snn.update @a reset
// KEPT-CPU-NOT: snn.schedule

// CHECK-LABEL: snn.network @m
// CHECK:      snn.schedule "cpu" {
// CHECK-NEXT:   snn.phase "update" {
// CHECK-NEXT:     snn.update @a reset
// CHECK-NEXT:   }
// CHECK-NEXT:   snn.phase "propagate" {
// CHECK-NEXT:   }
// CHECK-NEXT: }
