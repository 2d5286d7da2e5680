// snn-schedule-step: the step of a network as phases of step ops, for the
// CPU and for the GPU (docs/design.md, "The step schedule").
// RUN: snn-opt %s -split-input-file -snn-schedule-step | FileCheck %s --check-prefix=CPU
// RUN: snn-opt %s -split-input-file -snn-schedule-step=target=gpu | FileCheck %s --check-prefix=GPU
// RUN: not snn-opt %s -split-input-file -snn-schedule-step=target=tpu 2>&1 | FileCheck %s --check-prefix=TARGET

// TARGET: snn-schedule-step: unknown target 'tpu' (expected 'cpu' or 'gpu')

// @a: Poisson input, reset. @b: input through a ring and at once, reset.
// @c: input at once only, a reset that changes nothing. @d: no input, reset.
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
  snn.population @a of @lif size 4
  snn.population @b of @lif size 4
  snn.population @c of @keep size 2
  snn.population @d of @lif size 2
  snn.spike_source_array @stim size 2 from "/data/stim.csv"
  snn.poisson_source @noise size 3 attributes {rate = 5.0 : f64}
  snn.poisson_input @bg into @a target "v" attributes {n = 10 : i64, rate = 5.0 : f64, weight = 1.0 : f64}
  // 0.04 ms is 0 steps of 0.1 ms: at once, like 0.
  snn.projection @ab from @a to @b target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 1.0 : f64}
  snn.projection @nb from @noise to @b target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = 1.0 : f64, delay = 0.04 : f64}
  snn.projection @sc from @stim to @c target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.record_state @a "v"
  snn.record_state @d "v" {every = 10 : i64}
}

// CPU-LABEL: snn.network @n
// CPU:      snn.schedule "cpu" {
// CPU-NEXT:   snn.phase "update" {
// CPU-NEXT:     snn.update @a
// CPU-NEXT:     snn.update @b
// CPU-NEXT:     snn.update @c
// CPU-NEXT:     snn.update @d
// CPU-NEXT:     snn.emit @noise
// CPU-NEXT:     snn.emit @stim
// CPU-NEXT:   }
// CPU-NEXT:   snn.phase "propagate" {
// CPU-NEXT:     snn.propagate @ab
// CPU-NEXT:     snn.propagate @nb
// CPU-NEXT:     snn.propagate @sc
// CPU-NEXT:     snn.deliver @a
// CPU-NEXT:     snn.deliver @b
// CPU-NEXT:     snn.reset @a
// CPU-NEXT:     snn.reset @b
// CPU-NEXT:     snn.reset @d
// CPU-NEXT:   }
// CPU-NEXT: }

// GPU-LABEL: snn.network @n
// GPU:      snn.schedule "gpu" {
// GPU-NEXT:   snn.phase "record" {
// GPU-NEXT:     snn.sample 0
// GPU-NEXT:     snn.sample 1
// GPU-NEXT:   }
// GPU-NEXT:   snn.phase "update" {
// GPU-NEXT:     snn.update @a
// GPU-NEXT:     snn.update @b
// GPU-NEXT:     snn.update @c
// GPU-NEXT:     snn.update @d reset
// GPU-NEXT:     snn.emit @noise
// GPU-NEXT:     snn.emit @stim
// GPU-NEXT:   }
// GPU-NEXT:   snn.phase "propagate" {
// GPU-NEXT:     snn.propagate @ab
// GPU-NEXT:     snn.propagate @nb
// GPU-NEXT:     snn.propagate @sc
// GPU-NEXT:   }
// GPU-NEXT:   snn.phase "deliver" {
// GPU-NEXT:     snn.deliver @a reset
// GPU-NEXT:     snn.deliver @b reset
// GPU-NEXT:     snn.end_step
// GPU-NEXT:   }
// GPU-NEXT: }

// -----

// A network without recordings has no record phase; without projections,
// an empty propagate phase (and on the GPU a deliver phase with nothing but
// the end of the step).
snn.network @empty attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.poisson_source @noise size 3 attributes {rate = 5.0 : f64}
}

// CPU-LABEL: snn.network @empty
// CPU:      snn.schedule "cpu" {
// CPU-NEXT:   snn.phase "update" {
// CPU-NEXT:     snn.emit @noise
// CPU-NEXT:   }
// CPU-NEXT:   snn.phase "propagate" {
// CPU-NEXT:   }
// CPU-NEXT: }

// GPU-LABEL: snn.network @empty
// GPU:      snn.schedule "gpu" {
// GPU-NEXT:   snn.phase "update" {
// GPU-NEXT:     snn.emit @noise
// GPU-NEXT:   }
// GPU-NEXT:   snn.phase "propagate" {
// GPU-NEXT:   }
// GPU-NEXT:   snn.phase "deliver" {
// GPU-NEXT:     snn.end_step
// GPU-NEXT:   }
// GPU-NEXT: }
