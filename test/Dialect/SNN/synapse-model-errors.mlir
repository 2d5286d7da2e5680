// snn.synapse_model and projections with one: what the verifiers refuse.
// RUN: snn-opt %s -split-input-file -verify-diagnostics

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @below {{weight 'u' is not a variable}}
  snn.synapse_model @m attributes {variables = ["w"], weight = "u"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @below {{event-driven 'x' is not a variable}}
  snn.synapse_model @m attributes {variables = ["w"], event_driven = ["x"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @below {{has event-driven variables, so it needs exactly one of the 'ode' and 'advance' regions}}
  snn.synapse_model @m attributes {variables = ["w", "x"], event_driven = ["x"], weight = "w"} on_pre {
  ^bb0(%w: f64, %x: f64):
    snn.yield %w, %x : f64, f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @below {{region 'on_pre' takes 1 arguments, expected 2 (variables, post_reads, pre_reads, links, parameters)}}
  snn.synapse_model @m attributes {variables = ["w"], post_reads = ["v"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @m attributes {variables = ["w"], post_targets = ["g"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    // expected-error @below {{in region 'on_pre' must yield 2 value(s) of type 'f64', got 1}}
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @below {{name 'w' is declared twice}}
  snn.synapse_model @m attributes {variables = ["w"], params = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64, %p: f64):
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], post_targets = ["g"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w, %w : f64, f64
  }
  snn.population @a of @keep size 2
  // expected-error @below {{synapse model 'm' adds to 'g_post', but model 'keep' of population 'a' has no variable 'g'}}
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], params = ["tau"], weight = "w"} on_pre {
  ^bb0(%w: f64, %tau: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  // expected-error @below {{gives no value for parameter 'tau' of synapse model 'm'}}
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w", "x"], weight = "w"} on_pre {
  ^bb0(%w: f64, %x: f64):
    snn.yield %w, %x : f64, f64
  }
  snn.population @a of @keep size 2
  // expected-error @below {{the initial value of the weight 'w' is the projection's 'weight', not in synapse_init}}
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, synapse_init = {w = 2.0 : f64}}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.population @a of @keep size 2
  // expected-error @below {{needs exactly one of 'target' (a fixed weight added to a variable) and 'synapse' (a synapse model)}}
  snn.projection @p from @a to @a attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.synapse_model @m attributes {variables = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
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
  snn.population @a of @keep size 2
  // expected-error @below {{has a synapse model, so its synapses are stored as csr, not procedural}}
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, storage = #snn.storage<procedural>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  } on_post {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @a
    }
    snn.phase "propagate" {
      // expected-error @below {{must come after the propagation of 'p'}}
      snn.propagate_post @p
      // expected-note @below {{which is here}}
      snn.propagate @p
    }
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  } on_post {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  // expected-note @below {{declared here}}
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
  // expected-error @below {{does not run the on_post of projection 'p'}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @a
    }
    snn.phase "propagate" {
      snn.propagate @p
    }
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], links = ["k"], weight = "w"} on_pre {
  ^bb0(%w: f64, %k: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  // expected-error @below {{does not bind link 'k' of synapse model 'm'}}
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], links = ["k"], weight = "w"} on_pre {
  ^bb0(%w: f64, %k: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.population @b of @keep size 3
  // expected-error @below {{link 'k' reads population 'b' of size 3, neither 1 nor the post population's 2}}
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, synapse_links = {k = "b.v"}}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], links = ["k"], weight = "w"} on_pre {
  ^bb0(%w: f64, %k: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.population @b of @keep size 1
  // expected-note @below {{declared here}}
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, synapse_links = {k = "b.v"}}
  // expected-error @below {{does not copy 'b.v', which projection 'p' reads (through a link or as a presynaptic variable)}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @a
      snn.update @b
    }
    snn.phase "propagate" {
      snn.propagate @p
    }
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], links = ["k"], weight = "w"} on_pre {
  ^bb0(%w: f64, %k: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.population @b of @keep size 1
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, synapse_links = {k = "b.v"}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @a
      // expected-error @below {{must come after the update of 'b'}}
      snn.snapshot @b "v"
      // expected-note @below {{which is here}}
      snn.update @b
    }
    snn.phase "propagate" {
      snn.propagate @p
    }
  }
}

// -----

// The copy holds the values of the step before the reset: not after a reset
// fused into the update (GPU).
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["v"]} update {
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
  snn.synapse_model @m attributes {variables = ["w"], links = ["k"], weight = "w"} on_pre {
  ^bb0(%w: f64, %k: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.population @b of @keep size 1
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, synapse_links = {k = "b.v"}}
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @a
      // expected-note @below {{which is here}}
      snn.update @b reset
    }
    snn.phase "snapshot" {
      // expected-error @below {{must come before the reset of 'b'}}
      snn.snapshot @b "v"
    }
    snn.phase "propagate" {
      snn.propagate @p
    }
    snn.phase "deliver" {
      snn.deliver @a reset
      snn.end_step
    }
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.population @a of @keep size 2
  // expected-error @below {{body takes 2 arguments, expected 1 (the model's variables, links)}}
  snn.periodic @a every 10 {
  ^bb0(%v: f64, %x: f64):
    snn.yield %v : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.population @a of @keep size 2
  snn.projection @p from @a to @a target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64}
  // expected-error @below {{owner 'p' is neither a neuron population nor a projection with a synapse model}}
  snn.periodic @p every 10 {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.population @a of @keep size 2
  snn.periodic @a every 10 {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.schedule "cpu" {
    snn.phase "update" {
      // expected-note @below {{which is here}}
      snn.update @a
      // expected-error @below {{must come before the update of 'a'}}
      snn.periodic_step 0
    }
    snn.phase "propagate" {
    }
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w", "x"], event_driven = ["x"], weight = "w"} advance {
  ^bb0(%x: f64, %e: f64):
    snn.yield %x : f64
  } on_pre {
  ^bb0(%w: f64, %x: f64):
    snn.yield %w, %x : f64, f64
  }
  snn.population @a of @keep size 2
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, pre_traces = ["x"]}
  // expected-error @below {{owner 'p' holds traces per neuron (pre_traces, post_traces): periodic statements need its variables per synapse}}
  snn.periodic @p every 10 {
  ^bb0(%w: f64, %x: f64):
    snn.yield %w, %x : f64, f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w", "x"], event_driven = ["x"], weight = "w"} advance {
  ^bb0(%x: f64, %e: f64):
    snn.yield %x : f64
  } on_pre {
  ^bb0(%w: f64, %x: f64):
    snn.yield %w, %x : f64, f64
  }
  snn.population @a of @keep size 2
  // expected-error @below {{has pre_traces but a delay: a pre trace per neuron needs a delay of 0 steps}}
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 1.0 : f64, weight = 1.0 : f64, synapse_params = {}, pre_traces = ["x"]}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], pre_reads = ["u"], weight = "w"} on_pre {
  ^bb0(%w: f64, %u: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  // expected-error @below {{synapse model 'm' reads 'u_pre', but model 'keep' of population 'a' has no variable 'u'}}
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], pre_reads = ["v"], weight = "w"} on_pre {
  ^bb0(%w: f64, %v: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.poisson_source @s size 2 attributes {rate = 5.0 : f64}
  // expected-error @below {{synapse model 'm' reads presynaptic variables, but 's' is a source}}
  snn.projection @p from @s to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
  // expected-error @below {{synapse model 'm' has no variable 'u'}}
  snn.record_synapses @p ["u"]
}

// -----

// A synapse recording: as many pre as post neurons, in range, of a variable
// of a projection with a synapse model, sampled after the projection's
// propagation.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.population @a of @keep size 2
  // expected-error @below {{has 2 presynaptic and 1 postsynaptic neurons; a synapse is one of each}}
  snn.record_synapse_state @p "w" {pre = array<i64: 0, 1>, post = array<i64: 1>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.population @a of @keep size 2
  snn.projection @s from @a to @a attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, target = "v"}
  // expected-error @below {{'s' is not a projection with a synapse model}}
  snn.record_synapse_state @s "w" {pre = array<i64: 0>, post = array<i64: 1>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
  // expected-error @below {{postsynaptic neuron 2 is out of range for 'a' of size 2}}
  snn.record_synapse_state @p "w" {pre = array<i64: 0>, post = array<i64: 2>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
  // expected-error @below {{synapse model 'm' has no variable 'x'}}
  snn.record_synapse_state @p "x" {pre = array<i64: 0>, post = array<i64: 1>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
  snn.record_synapse_state @p "w" {pre = array<i64: 0>, post = array<i64: 1>}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @a
      // expected-error @below {{must come after the synapses of 'p' changing in the step}}
      snn.sample_synapses 0
    }
    snn.phase "propagate" {
      // expected-note @below {{which is here}}
      snn.propagate @p
    }
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
  // expected-note @below {{declared here}}
  snn.record_synapse_state @p "w" {pre = array<i64: 0>, post = array<i64: 1>}
  // expected-error @below {{does not sample synapse recording 0}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @a
    }
    snn.phase "propagate" {
      snn.propagate @p
    }
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w", "x"], event_driven = ["x"], weight = "w"} advance {
  ^bb0(%x: f64, %e: f64):
    snn.yield %x : f64
  } on_pre {
  ^bb0(%w: f64, %x: f64):
    snn.yield %w, %x : f64, f64
  }
  snn.population @a of @keep size 2
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, pre_traces = ["x"]}
  // expected-error @below {{'x' of 'p' is held per neuron (pre_traces, post_traces), not per synapse}}
  snn.record_synapse_state @p "x" {pre = array<i64: 0>, post = array<i64: 1>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @below {{clock-driven 'x' is listed twice, or also event-driven}}
  snn.synapse_model @m attributes {variables = ["w", "x"], event_driven = ["x"], clock_driven = ["x"], weight = "w"} advance {
  ^bb0(%x: f64, %e: f64):
    snn.yield %x : f64
  } on_pre {
  ^bb0(%w: f64, %x: f64):
    snn.yield %w, %x : f64, f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @below {{clock_method 'rk4' is not "exact" or "euler"}}
  snn.synapse_model @m attributes {variables = ["w"], clock_driven = ["w"], clock_method = "rk4", weight = "w"} clock {
  ^bb0(%w: f64):
    snn.yield %w : f64
  } on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @below {{has clock-driven variables, so it needs exactly one of the 'clock' and 'clock_step' regions}}
  snn.synapse_model @m attributes {variables = ["w"], clock_driven = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @below {{region 'clock_step' takes 1 arguments, expected 2 (variables, post_reads, pre_reads, links, parameters)}}
  snn.synapse_model @m attributes {variables = ["w"], params = ["tau"], clock_driven = ["w"], weight = "w"} clock_step {
  ^bb0(%w: f64):
    snn.yield %w : f64
  } on_pre {
  ^bb0(%w: f64, %tau: f64):
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], clock_driven = ["w"], weight = "w"} clock_step {
  ^bb0(%w: f64):
    snn.yield %w : f64
  } on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @a
    }
    snn.phase "propagate" {
      // expected-error @below {{must come after the clock-driven equations of 'p'}}
      snn.propagate @p
      // expected-note @below {{which is here}}
      snn.clock_synapses @p
    }
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @m attributes {variables = ["w"], weight = "w"} on_pre {
  ^bb0(%w: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.projection @p from @a to @a synapse @m attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @a
    }
    snn.phase "propagate" {
      // expected-error @below {{'p' has no clock-driven equations}}
      snn.clock_synapses @p
      snn.propagate @p
    }
  }
}

// -----

// Periodic statements of a projection reading links and presynaptic
// variables: what the verifier refuses.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @gated attributes {variables = ["w"], links = ["m"], weight = "w"} on_pre {
  ^bb0(%w: f64, %m: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.population @da of @keep size 1
  snn.projection @p from @a to @a synapse @gated attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, synapse_links = {m = "da.v"}}
  // expected-error @below {{reads 'zz', which is not a link of synapse model 'gated'}}
  snn.periodic @p every 10 attributes {links = ["zz"]} {
  ^bb0(%w: f64, %z: f64):
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @gated attributes {variables = ["w"], links = ["m"], weight = "w"} on_pre {
  ^bb0(%w: f64, %m: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.population @da of @keep size 1
  snn.projection @p from @a to @a synapse @gated attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, synapse_links = {m = "da.v"}}
  // expected-error @below {{of a population reads no post or presynaptic variables}}
  snn.periodic @a every 10 attributes {pre_reads = ["v"]} {
  ^bb0(%v: f64, %x: f64):
    snn.yield %v : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @gated attributes {variables = ["w"], links = ["m"], weight = "w"} on_pre {
  ^bb0(%w: f64, %m: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.population @da of @keep size 1
  snn.spike_source_array @stim size 2 from "/data/stim.csv"
  snn.projection @p from @stim to @a synapse @gated attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, synapse_links = {m = "da.v"}}
  // expected-error @below {{reads presynaptic variables, but 'stim' is not a neuron population}}
  snn.periodic @p every 10 attributes {pre_reads = ["v"]} {
  ^bb0(%w: f64, %x: f64):
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @gated attributes {variables = ["w"], links = ["m"], weight = "w"} on_pre {
  ^bb0(%w: f64, %m: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.population @da of @keep size 1
  snn.projection @p from @a to @a synapse @gated attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, synapse_links = {m = "da.v"}}
  // expected-error @below {{reads 'nope_pre', but model 'keep' has no such variable}}
  snn.periodic @p every 10 attributes {pre_reads = ["nope"]} {
  ^bb0(%w: f64, %x: f64):
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @gated attributes {variables = ["w"], links = ["m"], weight = "w"} on_pre {
  ^bb0(%w: f64, %m: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.population @da of @keep size 1
  snn.projection @p from @a to @a synapse @gated attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, synapse_links = {m = "da.v"}}
  // expected-error @below {{body takes 2 arguments, expected 3 (the synapse's variables, post_reads, pre_reads, links, parameters)}}
  snn.periodic @p every 10 attributes {pre_reads = ["v"], links = ["m"]} {
  ^bb0(%w: f64, %x: f64):
    snn.yield %w : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
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
  snn.synapse_model @gated attributes {variables = ["w"], links = ["m"], weight = "w"} on_pre {
  ^bb0(%w: f64, %m: f64):
    snn.yield %w : f64
  }
  snn.population @a of @keep size 2
  snn.population @da of @keep size 1
  snn.projection @p from @a to @a synapse @gated attributes {connectivity = #snn.all_to_all<allow_self = true>, delay = 0.0 : f64, weight = 1.0 : f64, synapse_params = {}, synapse_links = {m = "da.v"}}
  // expected-note @below {{declared here}}
  snn.periodic @p every 10 attributes {pre_reads = ["v"]} {
  ^bb0(%w: f64, %x: f64):
    snn.yield %w : f64
  }
  // expected-error @below {{does not copy 'a.v', which the periodic statements of 'p' read}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.periodic_step 0
      snn.update @a
      snn.update @da
      snn.snapshot @da "v"
    }
    snn.phase "propagate" {
      snn.propagate @p
    }
  }
}
