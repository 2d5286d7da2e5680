// Every error of snn.arena and snn.buffer, one case per split.
// RUN: snn-opt %s -split-input-file -verify-diagnostics

// A target is cpu or gpu.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{unknown target 'tpu' (expected 'cpu' or 'gpu')}}
  snn.arena "tpu" {
  }
}

// -----

// One plan per network.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-note @+1 {{here}}
  snn.arena "cpu" {
  }
  // expected-error @+1 {{the network has a buffer plan already}}
  snn.arena "cpu" {
  }
}

// -----

// A buffer's name is planned once.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-note @+1 {{first here}}
    snn.buffer "a.v" : f64 [4]
    // expected-error @+1 {{buffer 'a.v' is planned twice}}
    snn.buffer "a.v" : f64 [4]
  }
}

// -----

// Only buffers in an arena.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-error @+1 {{is not a buffer: an arena holds snn.buffer ops only}}
    %c = arith.constant 1 : i32
  }
}

// -----

// A buffer belongs to an arena.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{expects parent op 'snn.arena'}}
  snn.buffer "a.v" : f64 [4]
}

// -----

// Element types the runtime knows.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-error @+1 {{element type 'i8' is not one of f32, f64, i16, i32, i64}}
    snn.buffer "a.v" : i8 [4]
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-error @+1 {{has an empty name}}
    snn.buffer "" : f64 [4]
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-error @+1 {{count -4 is negative}}
    snn.buffer "a.v" : f64 [-4]
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-error @+1 {{unknown count 'neurons' (expected a number, synapses, ring, spike_array, record_spikes or record_state)}}
    snn.buffer "a.v" : f64 [neurons "a"]
  }
}

// -----

// The generic form reaches the verifier with counts the syntax cannot write.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-error @+1 {{count must be a number or one of synapses, ring, spike_array, record_spikes, record_state}}
    "snn.buffer"() {name = "a.v", element_type = f64, count = {synapses = "p", ring = "a.v"}} : () -> ()
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-error @+1 {{synapses count needs a name}}
    "snn.buffer"() {name = "p.col", element_type = i32, count = {synapses = 3 : i64}} : () -> ()
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-error @+1 {{record_state count needs a recording's number}}
    "snn.buffer"() {name = "record0.values", element_type = f64, count = {record_state = "a"}} : () -> ()
  }
}

// -----

// What a count names must be in the network, and of the right kind.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-error @+1 {{count names 'ghost', which is not a projection of the network}}
    snn.buffer "ghost.col" : i32 [synapses "ghost"]
  }
}

// -----

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
    snn.yield %v : f64
  }
  snn.population @a of @lif size 4
  snn.arena "cpu" {
    // expected-error @+1 {{count names 'a', which is not a spike source array of the network}}
    snn.buffer "a.times" : i32 [spike_array "a"]
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "gpu" {
    // expected-error @+1 {{count names 'nobody', which is not a population or source of the network}}
    snn.buffer "nobody.rec_ids" : i32 [record_spikes "nobody"]
  }
}

// -----

// A view is in an earlier buffer.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-error @+1 {{is a view of 'g.v', which is not an earlier buffer of the arena}}
    snn.buffer "a.v" : f64 [2] in "g.v" at 0
    snn.buffer "g.v" : f64 [4]
  }
}

// -----

// A view is not in itself.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    // expected-error @+1 {{is a view of 'a.v', which is not an earlier buffer of the arena}}
    snn.buffer "a.v" : f64 [2] in "a.v" at 0
  }
}

// -----

// A view is not in a view.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    snn.buffer "g.v" : f64 [4]
    snn.buffer "a.v" : f64 [2] in "g.v" at 0
    // expected-error @+1 {{is a view of 'a.v', itself a view}}
    snn.buffer "b.v" : f64 [1] in "a.v" at 0
  }
}

// -----

// A view has its buffer's element type.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    snn.buffer "g.v" : f64 [4]
    // expected-error @+1 {{is a view of 'g.v' of another element type ('f64')}}
    snn.buffer "a.v" : f32 [2] in "g.v" at 0
  }
}

// -----

// A view lies inside its buffer.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    snn.buffer "g.v" : f64 [4]
    // expected-error @+1 {{ends at element 5 of 'g.v', which is not that long}}
    snn.buffer "a.v" : f64 [2] in "g.v" at 3
  }
}

// -----

// A view of a buffer whose count the runtime decides does not fit surely.
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
  snn.projection @p from @a to @a target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = 1.0 : f64, delay = 1.0 : f64}
  snn.arena "cpu" {
    snn.buffer "g.v" : f64 [synapses "p"]
    // expected-error @+1 {{ends at element 2 of 'g.v', which is not that long}}
    snn.buffer "a.v" : f64 [2] in "g.v" at 0
  }
}

// -----

// A view has a count of its own, a number.
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
  snn.projection @p from @a to @a target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = 1.0 : f64, delay = 1.0 : f64}
  snn.arena "cpu" {
    snn.buffer "g.v" : f64 [4]
    // expected-error @+1 {{a view's count must be a number}}
    snn.buffer "a.v" : f64 [synapses "p"] in "g.v" at 0
  }
}

// -----

// A view starts at an element.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.arena "cpu" {
    snn.buffer "g.v" : f64 [4]
    // expected-error @+1 {{a view cannot start at -1}}
    snn.buffer "a.v" : f64 [2] in "g.v" at -1
  }
}
