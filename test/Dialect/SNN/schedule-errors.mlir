// Every error of the snn.schedule verifier (a whole, valid step), one case
// per split.
// RUN: snn-opt %s -split-input-file -verify-diagnostics

// A target is cpu or gpu.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {

  // expected-error @+1 {{unknown target 'tpu' (expected 'cpu' or 'gpu')}}
  snn.schedule "tpu" {
  }
}

// -----

// One schedule per network.
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
  snn.population @p of @keep size 2
  // expected-note @+1 {{here}}
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "end" {
      snn.end_step
    }
  }
  // expected-error @+1 {{the network has a schedule already}}
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// Phase names become kernel names.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {

  snn.schedule "gpu" {
    // expected-error @+1 {{name 'up date' is not made of letters, digits and '_'}}
    snn.phase "up date" {
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// Each phase once.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {

  snn.schedule "gpu" {
    snn.phase "update" {
    }
    // expected-error @+1 {{'update' is a phase twice}}
    snn.phase "update" {
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// The CPU runs snn_update and snn_propagate.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {

  // expected-error @+1 {{a CPU step has two phases, 'update' then 'propagate'}}
  snn.schedule "cpu" {
    snn.phase "propagate" {
    }
    snn.phase "update" {
    }
  }
}

// -----

// A schedule holds phases only.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {

  snn.schedule "gpu" {
    // expected-error @+1 {{is not a phase}}
    %c = arith.constant 0 : i32
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// A phase holds step ops only.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {

  snn.schedule "gpu" {
    snn.phase "update" {
      // expected-error @+1 {{is not a step op}}
      %c = arith.constant 0 : i32
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// Step ops name entities of their kind.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {

  snn.poisson_source @noise size 3 attributes {rate = 5.0 : f64}
  snn.schedule "gpu" {
    snn.phase "update" {
      // expected-error @+1 {{'noise' is not a neuron population}}
      snn.update @noise
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// 
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
  snn.population @p of @keep size 2
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
      // expected-error @+1 {{'p' is not a source}}
      snn.emit @p
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// 
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
  snn.population @p of @keep size 2
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "propagate" {
      // expected-error @+1 {{'p' is not a projection}}
      snn.propagate @p
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// Everything once.
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
  snn.population @p of @keep size 2
  snn.schedule "gpu" {
    snn.phase "update" {
      // expected-note @+1 {{first here}}
      snn.update @p
      // expected-error @+1 {{'p' is updated twice}}
      snn.update @p
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// 
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
  snn.population @p of @lif size 2
  snn.schedule "gpu" {
    snn.phase "update" {
      // expected-note @+1 {{first here}}
      snn.update @p reset
    }
    snn.phase "deliver" {
      // expected-error @+1 {{'p' is reset twice}}
      snn.deliver @p reset
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// The CPU keeps no spike flags.
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
  snn.population @p of @lif size 2
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "propagate" {
      // expected-error @+1 {{cannot reset on the CPU, which keeps no per-neuron spike flags: reset with snn.reset}}
      snn.deliver @p reset
    }
  }
}

// -----

// The CPU samples between steps.
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
  snn.population @p of @keep size 2
  snn.record_state @p "v"
  snn.schedule "cpu" {
    snn.phase "update" {
      // expected-error @+1 {{has no place on the CPU, whose simulators sample state between steps}}
      snn.sample 0
      snn.update @p
    }
    snn.phase "propagate" {
    }
  }
}

// -----

// 
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
  snn.population @p of @keep size 2
  snn.record_state @p "v"
  snn.schedule "gpu" {
    snn.phase "record" {
      // expected-error @+1 {{names state recording 1; the network has 1}}
      snn.sample 1
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// 
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
  snn.population @p of @keep size 2
  snn.record_state @p "v"
  snn.schedule "gpu" {
    snn.phase "record" {
      // expected-note @+1 {{first here}}
      snn.sample 0
      // expected-error @+1 {{state recording 0 is sampled twice}}
      snn.sample 0
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// Nothing left out.
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
  // expected-note @+1 {{declared here}}
  snn.population @p of @keep size 2
  // expected-error @+1 {{does not update population 'p'}}
  snn.schedule "gpu" {
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// 
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
  // expected-note @+1 {{declared here}}
  snn.population @p of @lif size 2
  // expected-error @+1 {{does not reset population 'p'}}
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// A reset that changes nothing needs no op; a source needs one.
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
  snn.population @p of @keep size 2
  // expected-note @+1 {{declared here}}
  snn.spike_source_array @stim size 2 from "/data/stim.csv"
  // expected-error @+1 {{does not emit the spikes of source 'stim'}}
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// 
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
  snn.population @p of @keep size 2
  // expected-note @+1 {{declared here}}
  snn.projection @pp from @p to @p target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.0 : f64}
  // expected-error @+1 {{does not propagate projection 'pp'}}
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// 
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
  snn.population @p of @keep size 2
  // expected-note @+1 {{declared here}}
  snn.record_state @p "v"
  // expected-error @+1 {{does not sample state recording 0}}
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// Delayed input and Poisson inputs pass through the delivery.
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
  snn.population @p of @keep size 2
  // expected-note @+1 {{declared here}}
  snn.poisson_input @bg into @p target "v" attributes {n = 10 : i64, rate = 5.0 : f64, weight = 1.0 : f64}
  // expected-error @+1 {{does not deliver the input of population 'p'}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "propagate" {
    }
  }
}

// -----

// 
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
  snn.population @p of @keep size 2
  // expected-note @+1 {{declared here}}
  snn.projection @pp from @p to @p target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 1.0 : f64}
  // expected-error @+1 {{does not deliver the input of population 'p'}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "propagate" {
      snn.propagate @pp
    }
  }
}

// -----

// Spikes are read a phase after they are made.
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
  snn.population @p of @keep size 2
  snn.projection @pp from @p to @p target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.schedule "gpu" {
    snn.phase "update" {
      // expected-note @+1 {{which is here}}
      snn.update @p
      // expected-error @+1 {{must come after the spikes of 'p' it propagates, in a later phase}}
      snn.propagate @pp
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// Input after the update: on the CPU later in the phase is enough.
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
  snn.population @p of @keep size 2
  snn.poisson_input @bg into @p target "v" attributes {n = 10 : i64, rate = 5.0 : f64, weight = 1.0 : f64}
  snn.schedule "cpu" {
    snn.phase "update" {
      // expected-error @+1 {{must come after the update of 'p'}}
      snn.deliver @p
      // expected-note @+1 {{which is here}}
      snn.update @p
    }
    snn.phase "propagate" {
    }
  }
}

// -----

// On the GPU only a later phase is.
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
  snn.population @p of @keep size 2
  snn.projection @pp from @p to @p target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 1.0 : f64}
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "propagate" {
      // expected-note @+1 {{which is here}}
      snn.propagate @pp
      // expected-error @+1 {{must come after the propagation of 'pp', in a later phase}}
      snn.deliver @p
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// A reset at the threshold only where no input comes after it.
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
  snn.population @p of @lif size 2
  // expected-note @+1 {{from here}}
  snn.projection @pp from @p to @p target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.schedule "gpu" {
    snn.phase "update" {
      // expected-error @+1 {{resets 'p' at the threshold, but input comes later in the step}}
      snn.update @p reset
    }
    snn.phase "propagate" {
      snn.propagate @pp
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// The reset has the last word.
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
  snn.population @p of @lif size 2
  snn.poisson_input @bg into @p target "v" attributes {n = 10 : i64, rate = 5.0 : f64, weight = 1.0 : f64}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "propagate" {
      // expected-error @+1 {{must come after the delivery into 'p'}}
      snn.reset @p
      // expected-note @+1 {{which is here}}
      snn.deliver @p
    }
  }
}

// -----

// 
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
  snn.population @p of @lif size 2
  snn.projection @pp from @p to @p target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "propagate" {
      // expected-note @+1 {{which is here}}
      snn.propagate @pp
      // expected-error @+1 {{must come after the propagation of 'pp', in a later phase}}
      snn.reset @p
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// A sample is of the state at the start of the step.
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
  snn.population @p of @keep size 2
  snn.record_state @p "v"
  snn.schedule "gpu" {
    snn.phase "update" {
      // expected-note @+1 {{which is here}}
      snn.update @p
      // expected-error @+1 {{must come before the update of 'p', in an earlier phase}}
      snn.sample 0
    }
    snn.phase "end" {
      snn.end_step
    }
  }
}

// -----

// The GPU step ends with its bookkeeping: once, after every update and
// emission.
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
  snn.population @p of @keep size 2
  // expected-error @+1 {{does not end the step: snn.end_step after the last update and emission}}
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
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
  snn.population @p of @keep size 2
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "end" {
      // expected-note @+1 {{first here}}
      snn.end_step
      // expected-error @+1 {{ends the step twice}}
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
  snn.population @p of @keep size 2
  snn.poisson_source @noise size 2 attributes {rate = 5.0 : f64}
  snn.schedule "gpu" {
    snn.phase "update" {
      snn.update @p
    }
    snn.phase "emit" {
      // expected-note @+1 {{which is here}}
      snn.emit @noise
      // expected-error @+1 {{must come after the spikes of 'noise' it counts, in a later phase}}
      snn.end_step
    }
  }
}

// -----

// The CPU's runtime ends each step itself.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.schedule "cpu" {
    snn.phase "update" {
    }
    snn.phase "propagate" {
      // expected-error @+1 {{has no place on the CPU, whose runtime ends each step}}
      snn.end_step
    }
  }
}

// -----

// A merged group has two populations at least.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["v"], params = ["tau"], inputs = ["I"]} update {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  }
  snn.neuron_model @other attributes {variables = ["v"]} update {
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
  snn.population @p of @keep size 2 attributes {params = {tau = 1.0 : f64}}
  snn.population @q of @keep size 3 attributes {params = {tau = 1.0 : f64}}
  snn.population @r of @keep size 3 attributes {params = {tau = 2.0 : f64}}
  snn.population @o of @other size 3
  snn.schedule "cpu" {
    snn.phase "update" {
      // expected-error @+1 {{merges at least two populations, not 1}}
      snn.update_group [@p]
    }
    snn.phase "propagate" {
    }
  }
}

// -----

// A merged group names populations.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["v"], params = ["tau"], inputs = ["I"]} update {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  }
  snn.neuron_model @other attributes {variables = ["v"]} update {
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
  snn.population @p of @keep size 2 attributes {params = {tau = 1.0 : f64}}
  snn.population @q of @keep size 3 attributes {params = {tau = 1.0 : f64}}
  snn.population @r of @keep size 3 attributes {params = {tau = 2.0 : f64}}
  snn.population @o of @other size 3
  snn.schedule "cpu" {
    snn.phase "update" {
      // expected-error @+1 {{'nowhere' is not a neuron population}}
      snn.update_group [@p, @nowhere]
    }
    snn.phase "propagate" {
    }
  }
}

// -----

// A merged group names each population once.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["v"], params = ["tau"], inputs = ["I"]} update {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  }
  snn.neuron_model @other attributes {variables = ["v"]} update {
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
  snn.population @p of @keep size 2 attributes {params = {tau = 1.0 : f64}}
  snn.population @q of @keep size 3 attributes {params = {tau = 1.0 : f64}}
  snn.population @r of @keep size 3 attributes {params = {tau = 2.0 : f64}}
  snn.population @o of @other size 3
  snn.schedule "cpu" {
    snn.phase "update" {
      // expected-error @+1 {{names 'p' twice}}
      snn.update_group [@p, @q, @p]
    }
    snn.phase "propagate" {
    }
  }
}

// -----

// One model for the group.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["v"], params = ["tau"], inputs = ["I"]} update {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  }
  snn.neuron_model @other attributes {variables = ["v"]} update {
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
  snn.population @p of @keep size 2 attributes {params = {tau = 1.0 : f64}}
  snn.population @q of @keep size 3 attributes {params = {tau = 1.0 : f64}}
  snn.population @r of @keep size 3 attributes {params = {tau = 2.0 : f64}}
  snn.population @o of @other size 3
  snn.schedule "cpu" {
    snn.phase "update" {
      // expected-error @+1 {{merges populations of different models: 'p' of 'keep', 'o' of 'other'}}
      snn.update_group [@p, @o]
    }
    snn.phase "propagate" {
    }
  }
}

// -----

// The same parameters.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["v"], params = ["tau"], inputs = ["I"]} update {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  }
  snn.neuron_model @other attributes {variables = ["v"]} update {
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
  snn.population @p of @keep size 2 attributes {params = {tau = 1.0 : f64}}
  snn.population @q of @keep size 3 attributes {params = {tau = 1.0 : f64}}
  snn.population @r of @keep size 3 attributes {params = {tau = 2.0 : f64}}
  snn.population @o of @other size 3
  snn.schedule "cpu" {
    snn.phase "update" {
      // expected-error @+1 {{merges populations with different parameters: 'p' and 'r'}}
      snn.update_group [@p, @q, @r]
    }
    snn.phase "propagate" {
    }
  }
}

// -----

// No current into a member: the update loop of a population reads it.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["v"], params = ["tau"], inputs = ["I"]} update {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  }
  snn.neuron_model @other attributes {variables = ["v"]} update {
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
  snn.population @p of @keep size 2 attributes {params = {tau = 1.0 : f64}}
  snn.population @q of @keep size 3 attributes {params = {tau = 1.0 : f64}}
  snn.population @r of @keep size 3 attributes {params = {tau = 2.0 : f64}}
  snn.population @o of @other size 3
  // expected-note @+1 {{the current}}
  snn.current @drive into @q input "I" attributes {amplitude = 1.0 : f64}
  snn.schedule "cpu" {
    snn.phase "update" {
      // expected-error @+1 {{cannot merge 'q', which a current drives (its update reads it)}}
      snn.update_group [@p, @q]
    }
    snn.phase "propagate" {
    }
  }
}

// -----

// A population in a group is updated there only.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @keep attributes {variables = ["v"], params = ["tau"], inputs = ["I"]} update {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %I: f64, %tau: f64):
    snn.yield %v : f64
  }
  snn.neuron_model @other attributes {variables = ["v"]} update {
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
  snn.population @p of @keep size 2 attributes {params = {tau = 1.0 : f64}}
  snn.population @q of @keep size 3 attributes {params = {tau = 1.0 : f64}}
  snn.population @r of @keep size 3 attributes {params = {tau = 2.0 : f64}}
  snn.population @o of @other size 3
  snn.schedule "cpu" {
    snn.phase "update" {
      // expected-note @+1 {{first here}}
      snn.update_group [@p, @q]
      // expected-error @+1 {{'q' is updated twice}}
      snn.update @q
    }
    snn.phase "propagate" {
    }
  }
}
