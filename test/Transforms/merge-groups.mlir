// snn-merge-groups: the updates of populations with the same code (one
// model, the same parameters, the same reset placement, no current) become
// one snn.update_group per phase, at the first one's place
// (docs/design.md, "Merged groups"). Before: snn-schedule-step alone.
// RUN: snn-opt %s -split-input-file -snn-schedule-step | FileCheck %s --check-prefix=BEFORE
// RUN: snn-opt %s -split-input-file -snn-schedule-step -snn-merge-groups | FileCheck %s --check-prefix=CPU
// RUN: snn-opt %s -split-input-file -snn-schedule-step=target=gpu -snn-merge-groups | FileCheck %s --check-prefix=GPU

// @a, @b, @d, @e: one model, no parameters, but a current drives @e; @c,
// @k: another model.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v"], inputs = ["I"]} update {
  ^bb0(%v: f64, %I: f64):
    %s = arith.addf %v, %I : f64
    snn.yield %s : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %c = arith.constant 1.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
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
  snn.population @b of @lif size 3
  snn.population @c of @keep size 2
  snn.population @d of @lif size 5
  snn.population @e of @lif size 2
  snn.population @k of @keep size 1
  snn.current @drive into @e input "I" attributes {amplitude = 1.0 : f64}
  snn.projection @ab from @a to @b target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = 1.0 : f64, delay = 1.0 : f64}
}

// BEFORE:      snn.phase "update" {
// BEFORE-NEXT:   snn.update @a
// BEFORE-NEXT:   snn.update @b
// BEFORE-NEXT:   snn.update @c
// BEFORE-NEXT:   snn.update @d
// BEFORE-NEXT:   snn.update @e
// BEFORE-NEXT:   snn.update @k
// BEFORE-NEXT: }

// @e keeps its loop (its current is read there); @c and @k, of @keep, are
// a group of their own.
// CPU:      snn.phase "update" {
// CPU-NEXT:   snn.update_group [@a, @b, @d]
// CPU-NEXT:   snn.update_group [@c, @k]
// CPU-NEXT:   snn.update @e
// CPU-NEXT: }
// CPU:      snn.phase "propagate" {
// CPU-NEXT:   snn.propagate @ab
// CPU-NEXT:   snn.deliver @b
// CPU-NEXT:   snn.reset @a
// CPU-NEXT:   snn.reset @b
// CPU-NEXT:   snn.reset @d
// CPU-NEXT:   snn.reset @e
// CPU-NEXT: }

// On the GPU, @a, @d and @e (no input reaches them) reset in the update:
// @b (input) resets in its delivery, so it is not of their code.
// GPU:      snn.phase "update" {
// GPU-NEXT:   snn.update_group [@a, @d] reset
// GPU-NEXT:   snn.update @b
// GPU-NEXT:   snn.update_group [@c, @k]
// GPU-NEXT:   snn.update @e reset
// GPU-NEXT: }

// -----

// Different parameters, different code: no group; one population alone is
// left as it is.
snn.network @p attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @decay attributes {variables = ["v"], params = ["tau"]} update {
  ^bb0(%v: f64, %tau: f64):
    %s = arith.divf %v, %tau : f64
    snn.yield %s : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  }
  snn.population @x of @decay size 4 attributes {params = {tau = 2.0 : f64}}
  snn.population @y of @decay size 4 attributes {params = {tau = 3.0 : f64}}
  snn.population @z of @decay size 4 attributes {params = {tau = 2.0 : f64}}
}

// CPU-LABEL: snn.network @p
// CPU:      snn.phase "update" {
// CPU-NEXT:   snn.update_group [@x, @z]
// CPU-NEXT:   snn.update @y
// CPU-NEXT: }
