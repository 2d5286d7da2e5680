// Round trip of snn.synapse_model (pair STDP with event-driven traces, its
// ode before snn-integrate and the advance after), a projection with a
// synapse model, and snn.propagate_post in a schedule (errors:
// synapse-model-errors.mlir).
// RUN: snn-opt %s | snn-opt | FileCheck %s

// CHECK-LABEL: snn.network @stdp
// CHECK: snn.synapse_model @pair attributes {event_driven = ["apre", "apost"], params = ["tau", "a"], post_reads = ["v"], post_targets = ["g"], variables = ["w", "apre", "apost"], weight = "w"} ode {
// CHECK-NEXT: ^bb0(%apre: f64, %apost: f64, %tau: f64, %a: f64):
// CHECK: } on_pre {
// CHECK-NEXT: ^bb0(%w: f64, %apre: f64, %apost: f64, %v_post: f64, %tau: f64, %a: f64):
// CHECK: } on_post {
// CHECK: snn.synapse_model @solved attributes {event_driven = ["x"], params = ["tau"], variables = ["w", "x"], weight = "w"} advance {
// CHECK-NEXT: ^bb0(%x: f64, %tau: f64, %elapsed: f64):
// CHECK: } on_pre {
// CHECK-NOT: on_post
// CHECK: snn.synapse_model @plain attributes {variables = ["w"], weight = "w"} on_pre {
// CHECK: snn.projection @p from @n to @n synapse @pair attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.000000e+00 : f64, synapse_init = {apre = #snn.uniform<0.0, 1.0>}, synapse_params = {a = 1.000000e-02 : f64, tau = 2.000000e+01 : f64}, weight = 5.000000e-01 : f64}
// CHECK: snn.projection @q from @n to @n target "g"
// CHECK: snn.record_synapses @p ["w", "apre"]
// CHECK: snn.propagate @p
// CHECK-NEXT: snn.propagate @q
// CHECK-NEXT: snn.propagate_post @p

snn.network @stdp attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["v", "g"]} update {
  ^bb0(%v: f64, %g: f64):
    snn.yield %v, %g : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %g: f64):
    snn.yield %v, %g : f64, f64
  }
  snn.synapse_model @pair attributes {variables = ["w", "apre", "apost"],
      params = ["tau", "a"], event_driven = ["apre", "apost"],
      post_reads = ["v"], post_targets = ["g"], weight = "w"} ode {
  ^bb0(%apre: f64, %apost: f64, %tau: f64, %a: f64):
    %0 = arith.divf %apre, %tau : f64
    %1 = arith.negf %0 : f64
    %2 = arith.divf %apost, %tau : f64
    %3 = arith.negf %2 : f64
    snn.yield %1, %3 : f64, f64
  } on_pre {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %v: f64, %tau: f64, %a: f64):
    %0 = arith.addf %apre, %a : f64
    %1 = arith.addf %w, %apost : f64
    snn.yield %1, %0, %apost, %w : f64, f64, f64, f64
  } on_post {
  ^bb0(%w: f64, %apre: f64, %apost: f64, %v: f64, %tau: f64, %a: f64):
    %0 = arith.subf %apost, %a : f64
    %1 = arith.addf %w, %apre : f64
    %z = arith.constant 0.0 : f64
    snn.yield %1, %apre, %0, %z : f64, f64, f64, f64
  }
  snn.synapse_model @solved attributes {variables = ["w", "x"],
      params = ["tau"], event_driven = ["x"], weight = "w"} advance {
  ^bb0(%x: f64, %tau: f64, %e: f64):
    %0 = arith.divf %e, %tau : f64
    %1 = arith.negf %0 : f64
    %2 = math.exp %1 : f64
    %3 = arith.mulf %x, %2 : f64
    snn.yield %3 : f64
  } on_pre {
  ^bb0(%w: f64, %x: f64, %tau: f64):
    snn.yield %w, %x : f64, f64
  }
  snn.synapse_model @plain attributes {variables = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
  snn.population @n of @keep size 4
  snn.projection @p from @n to @n synapse @pair attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 20.0 : f64, a = 0.01 : f64},
    synapse_init = {apre = #snn.uniform<0.0, 1.0>}}
  snn.projection @q from @n to @n target "g" attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64}
  snn.record_synapses @p ["w", "apre"]
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @n
    }
    snn.phase "propagate" {
      snn.propagate @p
      snn.propagate @q
      snn.propagate_post @p
    }
  }
}

// Links (third factors) and the snapshot their readers need.
// CHECK-LABEL: snn.network @links
// CHECK: snn.synapse_model @modulated attributes {links = ["m"], variables = ["w"], weight = "w"} on_pre {
// CHECK-NEXT: ^bb0(%w: f64, %m: f64):
// CHECK: snn.projection @p from @n to @n synapse @modulated attributes {{{.*}}synapse_links = {m = "da.level"}
// CHECK: snn.snapshot @da "level"
snn.network @links attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["level"]} update {
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
  snn.synapse_model @modulated attributes {variables = ["w"], links = ["m"], weight = "w"} on_pre {
  ^bb0(%w: f64, %m: f64):
    %0 = arith.addf %w, %m : f64
    snn.yield %0 : f64
  }
  snn.population @n of @keep size 4
  snn.population @da of @keep size 1
  snn.projection @p from @n to @n synapse @modulated attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {}, synapse_links = {m = "da.level"}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @n
      snn.update @da
      snn.snapshot @da "level"
    }
    snn.phase "propagate" {
      snn.propagate @p
    }
  }
}

// Periodic statements of a population and of a projection with a synapse
// model, and their runs in the schedule.
// CHECK-LABEL: snn.network @periodic
// CHECK: snn.periodic @n every 100 {
// CHECK-NEXT: ^bb0(%{{.*}}: f64):
// CHECK: snn.periodic @p every 10000 attributes {post_reads = ["level"]} {
// CHECK: snn.phase "update" {
// CHECK-NEXT: snn.periodic_step 0
// CHECK-NEXT: snn.periodic_step 1
// CHECK-NEXT: snn.update @n
snn.network @periodic attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["level"]} update {
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
  snn.synapse_model @plain attributes {variables = ["w"], params = ["g"], weight = "w"} on_pre {
  ^bb0(%w: f64, %g: f64):
    snn.yield %w : f64
  }
  snn.population @n of @keep size 4
  snn.projection @p from @n to @n synapse @plain attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {g = 2.0 : f64}}
  snn.periodic @n every 100 {
  ^bb0(%v: f64):
    %c = arith.constant 0.5 : f64
    %0 = arith.mulf %v, %c : f64
    snn.yield %0 : f64
  }
  snn.periodic @p every 10000 attributes {post_reads = ["level"]} {
  ^bb0(%w: f64, %level: f64, %g: f64):
    %0 = arith.mulf %w, %level : f64
    %1 = arith.mulf %0, %g : f64
    snn.yield %1 : f64
  }
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.periodic_step 0
      snn.periodic_step 1
      snn.update @n
    }
    snn.phase "propagate" {
      snn.propagate @p
    }
  }
}

// Periodic statements of a projection reading a link and a presynaptic
// variable (after the synapse's variables and post_reads, before the
// parameters), and the copies of both at the end of the step.
// CHECK-LABEL: snn.network @periodic_reads
// CHECK: snn.periodic @p every 100 attributes {links = ["m"], post_reads = ["level"], pre_reads = ["level"]} {
// CHECK-NEXT: ^bb0(%{{.*}}: f64, %{{.*}}: f64, %{{.*}}: f64, %{{.*}}: f64, %{{.*}}: f64):
// CHECK: snn.copy_linked @da "level"
// CHECK-NEXT: snn.copy_linked @n "level"
snn.network @periodic_reads attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["level"]} update {
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
  snn.synapse_model @gated attributes {variables = ["w"], params = ["g"], links = ["m"], weight = "w"} on_pre {
  ^bb0(%w: f64, %m: f64, %g: f64):
    snn.yield %w : f64
  }
  snn.population @n of @keep size 4
  snn.population @da of @keep size 1
  snn.projection @p from @n to @n synapse @gated attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {g = 2.0 : f64},
    synapse_links = {m = "da.level"}}
  snn.periodic @p every 100 attributes {post_reads = ["level"], pre_reads = ["level"], links = ["m"]} {
  ^bb0(%w: f64, %post: f64, %pre: f64, %m: f64, %g: f64):
    %0 = arith.mulf %post, %pre : f64
    %1 = arith.mulf %0, %m : f64
    %2 = arith.addf %w, %1 : f64
    snn.yield %2 : f64
  }
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.periodic_step 0
      snn.update @n
      snn.update @da
      snn.snapshot @da "level"
    }
    snn.phase "propagate" {
      snn.propagate @p
      snn.copy_linked @da "level"
      snn.copy_linked @n "level"
    }
  }
}

// A synapse model's variable of chosen synapses recorded over time, and
// its sample at the end of the step.
// CHECK-LABEL: snn.network @recorded
// CHECK: snn.record_synapse_state @p "w" {every = 10 : i64, post = array<i64: 1, 0>, pre = array<i64: 0, 3>}
// CHECK: snn.sample_synapses 0
snn.network @recorded attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["level"]} update {
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
  snn.synapse_model @plain attributes {variables = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
  snn.population @n of @keep size 4
  snn.projection @p from @n to @n synapse @plain attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {}}
  snn.record_synapse_state @p "w" {pre = array<i64: 0, 3>, post = array<i64: 1, 0>, every = 10}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @n
    }
    snn.phase "propagate" {
      snn.propagate @p
      snn.sample_synapses 0
    }
  }
}

// Clock-driven equations: the `clock` region (before snn-integrate) and a
// schedule that advances them.
// CHECK-LABEL: snn.network @clocked
// CHECK: snn.synapse_model @relax attributes {clock_driven = ["w"], clock_method = "euler", params = ["tau"], variables = ["w"], weight = "w"} clock {
// CHECK-NEXT: ^bb0(%w: f64, %tau: f64):
// CHECK: snn.clock_synapses @p
snn.network @clocked attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["level"]} update {
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
  snn.synapse_model @relax attributes {variables = ["w"], params = ["tau"], clock_driven = ["w"], clock_method = "euler", weight = "w"} clock {
  ^bb0(%w: f64, %tau: f64):
    %0 = arith.negf %w : f64
    %1 = arith.divf %0, %tau : f64
    snn.yield %1 : f64
  } on_pre {
  ^bb0(%w: f64, %tau: f64):
    snn.yield %w : f64
  }
  snn.population @n of @keep size 4
  snn.projection @p from @n to @n synapse @relax attributes {
    connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64,
    weight = 0.5 : f64, synapse_params = {tau = 2.0 : f64}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @n
    }
    snn.phase "propagate" {
      snn.clock_synapses @p
      snn.propagate @p
    }
  }
}
