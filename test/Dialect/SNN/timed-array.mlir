// snn.current of kind "timed_array" (a table of rows x columns, a row every
// `every` steps): round trip, and every verifier error.
// RUN: snn-opt %s -split-input-file -verify-diagnostics | FileCheck %s

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
  // CHECK: snn.current @shared into @p input "I" attributes {amplitude = #snn.file<"/data/drive.csv", "I", scale = 1.0e+03>, columns = 1 : i64, every = 10 : i64, kind = "timed_array", rows = 300 : i64}
  snn.current @shared into @p input "I" attributes {kind = "timed_array", amplitude = #snn.file<"/data/drive.csv", "I", scale = 1000.0>, rows = 300 : i64, columns = 1 : i64, every = 10 : i64}
  // CHECK: snn.current @each into @p input "I" attributes {amplitude = #snn.file<"/data/each.npy", "">, columns = 10 : i64, every = 5 : i64, kind = "timed_array", rows = 7 : i64, start = 2.000000e+00 : f64}
  snn.current @each into @p input "I" attributes {kind = "timed_array", amplitude = #snn.file<"/data/each.npy", "">, rows = 7 : i64, columns = 10 : i64, every = 5 : i64, start = 2.0 : f64}
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
  // expected-error @+1 {{the table of a timed_array current must be a #snn.file}}
  snn.current @c into @p input "I" attributes {kind = "timed_array", amplitude = 1.0 : f64, rows = 3 : i64, columns = 1 : i64, every = 1 : i64}
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
  // expected-error @+1 {{a timed_array current needs rows, columns and every}}
  snn.current @c into @p input "I" attributes {kind = "timed_array", amplitude = #snn.file<"/d.csv", "">, rows = 3 : i64, columns = 1 : i64}
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
  // expected-error @+1 {{rows, columns and every must be >= 1}}
  snn.current @c into @p input "I" attributes {kind = "timed_array", amplitude = #snn.file<"/d.csv", "">, rows = 0 : i64, columns = 1 : i64, every = 1 : i64}
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
  // expected-error @+1 {{the table of a timed_array current has no index column}}
  snn.current @c into @p input "I" attributes {kind = "timed_array", amplitude = #snn.file<"/d.csv", "", index = "n">, rows = 3 : i64, columns = 1 : i64, every = 1 : i64}
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
  // expected-error @+1 {{only a timed_array current has rows, columns and every}}
  snn.current @c into @p input "I" attributes {amplitude = 1.0 : f64, rows = 3 : i64}
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
  // expected-error @+1 {{a table of 4 columns for population 'p' of 10 neurons (one column, or one per neuron)}}
  snn.current @c into @p input "I" attributes {kind = "timed_array", amplitude = #snn.file<"/d.csv", "">, rows = 3 : i64, columns = 4 : i64, every = 1 : i64}
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
  snn.current @c into @p input "I" attributes {kind = "timed_array", amplitude = #snn.file<"/d.csv", "">, rows = 3 : i64, columns = 1 : i64, every = 1 : i64, std = 1.0 : f64}
}
