// Every verifier of the snn dialect, one case per split.
// RUN: snn-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'snn.network' op time step dt = 0 ms must be positive}}
snn.network @n attributes {dt = 0.0 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
}

// -----

// expected-error @+1 {{duration -5 ms must not be negative}}
snn.network @n attributes {dt = 0.1 : f64, duration = -5.0 : f64, seed = 1 : ui64, precision = f64} {
}

// -----

// expected-error @+1 {{precision must be f32 or f64, not 'f16'}}
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f16} {
}

// -----

// expected-error @+1 {{record format 'hdf5' is neither 'npy' nor 'csv'}}
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64, record_format = "hdf5"} {
}

// -----

// expected-error @+1 {{attribute 'seed' failed to satisfy constraint: 64-bit unsigned integer attribute}}
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = -3 : i64, precision = f64} {
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{name 'v' is declared twice}}
  snn.neuron_model @m attributes {variables = ["v"], params = ["v"]} ode {
  ^bb0(%v: f64, %p: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %p: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %p: f64):
    snn.yield %v : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{unknown integration method 'leapfrog'}}
  snn.neuron_model @m attributes {variables = ["v"], method = "leapfrog"} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{refractory period -1 ms is negative}}
  snn.neuron_model @m attributes {variables = ["v"], refractory = -1.0 : f64} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{refractory_clamp names 'w', not a variable}}
  snn.neuron_model @m attributes {variables = ["v"], refractory_clamp = ["w"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{region 'ode' takes 1 arguments, expected 2 (variables, inputs, parameters)}}
  snn.neuron_model @m attributes {variables = ["v"], params = ["tau"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f32} {
  // expected-error @+1 {{region 'ode' argument #0 has type 'f64', expected the network's 'f32'}}
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f32):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f32):
    snn.yield %v : f32
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    // expected-error @+1 {{'snn.yield' op in region 'threshold' must yield 1 value(s) of type 'i1', got 1}}
    snn.yield %v : f64
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{needs exactly one of the 'ode' and 'update' regions}}
  snn.neuron_model @m attributes {variables = ["v"]} threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{size 0 must be positive}}
  snn.population @p of @m size 0
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{model 'nope' is not a neuron model of this network}}
  snn.population @p of @nope size 10
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], params = ["tau"]} ode {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  }
  // expected-error @+1 {{gives no value for parameter 'tau' of model 'm'}}
  snn.population @p of @m size 10
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], params = ["tau"]} ode {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  }
  // expected-error @+1 {{model 'm' has no parameter 'taux'}}
  snn.population @q of @m size 10 attributes {params = {tau = 1.0 : f64, taux = 2.0 : f64}}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], params = ["tau"]} ode {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  }
  // expected-error @+1 {{model 'm' has no variable 'w' to initialise}}
  snn.population @r of @m size 10 attributes {params = {tau = 1.0 : f64}, init = {w = 1.0 : f64}}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], params = ["tau"]} ode {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  }
  // expected-error @+1 {{initial value of 'v' must be a constant, #snn.uniform, #snn.normal or #snn.file}}
  snn.population @s of @m size 10 attributes {params = {tau = 1.0 : f64}, init = {v = #snn.from_list<"weight">}}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], params = ["tau"]} ode {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %tau: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %tau: f64):
    snn.yield %v : f64
  }
  // expected-error @+1 {{parameter 'tau' must be a float constant}}
  snn.population @t of @m size 10 attributes {params = {tau = "fast"}}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{rate -2 Hz must not be negative}}
  snn.poisson_source @s size 10 attributes {rate = -2.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{size -1 must be positive}}
  snn.spike_source_array @s size -1 from "/x.csv"
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{needs the path of a spike-time file}}
  snn.spike_source_array @s size 3 from ""
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  // expected-error @+1 {{model 'm' of population 'p' has no input 'J'}}
  snn.current @c into @p input "J" attributes {amplitude = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  // expected-error @+1 {{kind 'ramp' is not 'constant', 'noise' or 'timed_array'}}
  snn.current @d into @p input "I" attributes {kind = "ramp", amplitude = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  // expected-error @+1 {{only a noise current has a standard deviation}}
  snn.current @e into @p input "I" attributes {amplitude = 1.0 : f64, std = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  // expected-error @+1 {{target 'nobody' is not a neuron population}}
  snn.current @f into @nobody input "I" attributes {amplitude = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  // expected-error @+1 {{start time -1 ms must not be negative}}
  snn.current @g into @p input "I" attributes {amplitude = 1.0 : f64, start = -1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{target 'g' is not a variable of model 'm'}}
  snn.projection @p1 from @a to @b target "g" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{one_to_one needs equal sizes, but 'a' has 10 and 'b' 20}}
  snn.projection @p2 from @a to @b target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{in-degree 10 exceeds the 9 distinct presynaptic neurons available}}
  snn.projection @p3 from @a to @a target "v" attributes {connectivity = #snn.fixed_indegree<10, allow_self = false>, weight = 1.0 : f64, delay = 0.0 : f64}
}

// -----

// fixed_total_number: synapses to draw but no pair (one neuron onto itself
// without self-connections); none to draw is fine.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @one of @m size 1
  snn.projection @none from @one to @one target "v" attributes {connectivity = #snn.fixed_total_number<0, allow_self = false>, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.projection @self from @one to @one target "v" attributes {connectivity = #snn.fixed_total_number<3, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
  // expected-error @+1 {{cannot draw 3 synapses: there is no (pre, post) pair (pre 'one' of size 1, post 'one' of size 1, self-connections excluded)}}
  snn.projection @p from @one to @one target "v" attributes {connectivity = #snn.fixed_total_number<3, allow_self = false>, weight = 1.0 : f64, delay = 0.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{postsynaptic 's' is not a neuron population}}
  snn.projection @p4 from @a to @s target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{presynaptic 'ghost' is not a population or source}}
  snn.projection @p5 from @ghost to @a target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{delay -1 ms must not be negative}}
  snn.projection @p6 from @a to @a target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = -1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{weight comes from a synapse list, but the connectivity is not one}}
  snn.projection @p7 from @a to @a target "v" attributes {connectivity = #snn.one_to_one, weight = #snn.from_list<"weight">, delay = 0.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{connectivity must be a connectivity attribute, not 1.000000e+00 : f64}}
  snn.projection @p8 from @a to @a target "v" attributes {connectivity = 1.0 : f64, weight = 1.0 : f64, delay = 0.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{delay must be a value specification, not "soon"}}
  snn.projection @p9 from @a to @a target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = "soon"}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{'s' is not a neuron population}}
  snn.record_state @s "v"
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{model 'm' has no variable 'u'}}
  snn.record_state @a "u"
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{neuron index 10 is out of range for 'a' of size 10}}
  snn.record_state @a "v" {neurons = array<i64: 3, 10>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{recording interval 0 must be at least one step}}
  snn.record_state @a "v" {every = 0}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{neuron index -1 is negative}}
  snn.record_state @a "v" {neurons = array<i64: -1>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  snn.population @b of @m size 20
  snn.poisson_source @s size 5 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{'ghost' is not a population or source}}
  snn.record_spikes @ghost
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{connection probability 1.5 is outside [0, 1]}}
  snn.projection @p from @a to @a target "v" attributes {connectivity = #snn.fixed_probability<1.5, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{in-degree -4 is negative}}
  snn.projection @p from @a to @a target "v" attributes {connectivity = #snn.fixed_indegree<-4, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{total number of synapses -7 is negative}}
  snn.projection @p from @a to @a target "v" attributes {connectivity = #snn.fixed_total_number<-7, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{uniform range [2, 1) is empty}}
  snn.poisson_source @s size 5 attributes {rate = #snn.uniform<2.0, 1.0>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{uniform range [-1e+308, 1e+308) is wider than the largest double}}
  snn.population @p of @m size 5 attributes {init = {v = #snn.uniform<-1.0e308, 1.0e308>}}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{normal standard deviation -1 is negative or not finite}}
  snn.poisson_source @s size 5 attributes {rate = #snn.normal<2.0, -1.0>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{normal clip range [3, 1] is empty}}
  snn.poisson_source @s size 5 attributes {rate = #snn.normal<2.0, 1.0, clip [3.0, 1.0]>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  // expected-error @+1 {{expected 'clip'}}
  snn.poisson_source @s size 5 attributes {rate = #snn.normal<2.0, 1.0, [0.0, 1.0]>}
}

// -----

func.func @f(%x: f64, %b: f64, %a: f64) {
  // expected-error @+1 {{needs a 2x2 Jacobian (4 values), got 1}}
  %0:2 = snn.linear_update (%x, %x) affine (%b, %b) jacobian [%a] dt 0.1 : f64
  return
}

// -----

func.func @f(%x: f64, %b: f64, %a: f64) {
  // expected-error @+1 {{time step must be positive}}
  %0 = snn.linear_update (%x) affine (%b) jacobian [%a] dt 0.0 : f64
  return
}

// -----

func.func @f(%x: f64, %b: f64, %a: f64) {
  // expected-error @+1 {{has 1 Jacobian entries but 4 position values (2 per entry)}}
  %0:2 = "snn.linear_update"(%x, %x, %b, %b, %a) <{dt = 0.1 : f64, jacobian_positions = array<i64: 0, 0, 1, 1>, operandSegmentSizes = array<i32: 2, 2, 1>}> : (f64, f64, f64, f64, f64) -> (f64, f64)
  return
}

// -----

func.func @f(%x: f64, %b: f64, %a: f64) {
  // expected-error @+1 {{Jacobian position (0, 2) is out of range for 2 state values}}
  %0:2 = snn.linear_update (%x, %x) affine (%b, %b) jacobian [(0, 2): %a] dt 0.1 : f64
  return
}

// -----

func.func @f(%x: f64, %b: f64, %a: f64) {
  // expected-error @+1 {{Jacobian positions must be in row-major order without repeats, but (0, 1) follows (1, 0)}}
  %0:2 = snn.linear_update (%x, %x) affine (%b, %b) jacobian [(1, 0): %a, (0, 1): %a] dt 0.1 : f64
  return
}

// -----

func.func @f(%x: f64, %b: f64, %a: f64) {
  // expected-error @+1 {{Jacobian positions must be in row-major order without repeats, but (1, 1) follows (1, 1)}}
  %0:2 = snn.linear_update (%x, %x) affine (%b, %b) jacobian [(1, 1): %a, (1, 1): %a] dt 0.1 : f64
  return
}

// -----

func.func @f(%x: f64, %b: f64, %a: f64) {
  // expected-error @+1 {{Jacobian entries must all have positions or none}}
  %0:2 = snn.linear_update (%x, %x) affine (%b, %b) jacobian [(0, 0): %a, %a] dt 0.1 : f64
  return
}

// -----

// Procedural storage: only rules drawn row by row, with one weight and
// delay.
snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  // expected-error @+1 {{'snn.projection' op cannot be procedural: its rows are not drawn one presynaptic neuron at a time (only all_to_all, one_to_one and fixed_probability are)}}
  snn.projection @p from @a to @a target "v" attributes {connectivity = #snn.fixed_indegree<3, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64, storage = #snn.storage<procedural>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  // expected-error @+1 {{cannot be procedural: its weight varies per synapse (procedural synapses have one weight)}}
  snn.projection @p from @a to @a target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = #snn.uniform<0.0, 1.0>, delay = 0.0 : f64, storage = #snn.storage<procedural>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  // expected-error @+1 {{cannot be procedural: its delay varies per synapse (procedural synapses have one delay)}}
  snn.projection @p from @a to @a target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = #snn.uniform<0.0, 1.0>, storage = #snn.storage<procedural>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  // expected-error @+2 {{expected ::mlir::snn::StorageKind to be one of: csr, procedural, dense}}
  // expected-error @+1 {{failed to parse SNN_StorageAttr parameter 'value'}}
  snn.projection @p from @a to @a target "v" attributes {connectivity = #snn.one_to_one, weight = 1.0 : f64, delay = 0.0 : f64, storage = #snn.storage<bitmask>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"]} ode {
  ^bb0(%v: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64):
    snn.yield %v : f64
  }
  snn.population @a of @m size 10
  // A bit per pair cannot hold multapses (fixed_indegree may draw them).
  // expected-error @+1 {{cannot be dense: a bit per pair holds only rules without multapses drawn one presynaptic neuron at a time (all_to_all and fixed_probability)}}
  snn.projection @p from @a to @a target "v" attributes {connectivity = #snn.fixed_indegree<3, allow_self = true>, weight = 1.0 : f64, delay = 0.0 : f64, storage = #snn.storage<dense>}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  snn.poisson_source @s size 10 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{n -1 must not be negative}}
  snn.poisson_input @a into @p target "v" attributes {n = -1 : i64, rate = 1.0 : f64, weight = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  snn.poisson_source @s size 10 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{rate -2 Hz must be a finite number >= 0}}
  snn.poisson_input @a into @p target "v" attributes {n = 10 : i64, rate = -2.0 : f64, weight = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  snn.poisson_source @s size 10 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{rate inf Hz must be a finite number >= 0}}
  snn.poisson_input @a into @p target "v" attributes {n = 10 : i64, rate = 0x7FF0000000000000 : f64, weight = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  snn.poisson_source @s size 10 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{weight must be a finite number}}
  snn.poisson_input @a into @p target "v" attributes {n = 10 : i64, rate = 1.0 : f64, weight = 0x7FF8000000000000 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  snn.poisson_source @s size 10 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{rate 2e+04 Hz is above 1 / dt = 1e+04 Hz: an input spikes at most once per step}}
  snn.poisson_input @a into @p target "v" attributes {n = 10 : i64, rate = 20000.0 : f64, weight = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  snn.poisson_source @s size 10 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{n = 100000000 inputs at 1e+03 Hz cannot be drawn: a binomial of mean n p = 1e+07 needs more than 1024 comparisons per draw; split them into several Poisson inputs}}
  snn.poisson_input @a into @p target "v" attributes {n = 100000000 : i64, rate = 1000.0 : f64, weight = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  snn.poisson_source @s size 10 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{target 's' is not a neuron population}}
  snn.poisson_input @a into @s target "v" attributes {n = 10 : i64, rate = 1.0 : f64, weight = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v"], inputs = ["I"]} ode {
  ^bb0(%v: f64, %I: f64):
    snn.yield %I : f64
  } threshold {
  ^bb0(%v: f64, %I: f64):
    %f = arith.constant false
    snn.yield %f : i1
  } reset {
  ^bb0(%v: f64, %I: f64):
    snn.yield %v : f64
  }
  snn.population @p of @m size 10
  snn.poisson_source @s size 10 attributes {rate = 1.0 : f64}
  // expected-error @+1 {{variable 'I' is not a variable of model 'm'}}
  snn.poisson_input @a into @p target "I" attributes {n = 10 : i64, rate = 1.0 : f64, weight = 1.0 : f64}
}

// -----

// snn.record_weights names a projection, once.
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
  // expected-error @+1 {{'a' is not a projection}}
  snn.record_weights @a
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
  snn.projection @aa from @a to @a target "v" attributes {connectivity = #snn.all_to_all<allow_self = true>, weight = 1.0 : f64, delay = 1.0 : f64}
  // expected-note @+1 {{first here}}
  snn.record_weights @aa
  // expected-error @+1 {{the weights of 'aa' are recorded twice}}
  snn.record_weights @aa
}
