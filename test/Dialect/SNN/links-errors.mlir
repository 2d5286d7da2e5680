// Links of populations (inputs of their model read from another
// population's variable): what the verifiers refuse.
// RUN: snn-opt %s -split-input-file -verify-diagnostics

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @reader attributes {variables = ["v"], inputs = ["M"], method = "exact"} ode {
  ^bb0(%v: f64, %m: f64):
    %0 = arith.subf %m, %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64, %m: f64):
    %c = arith.constant 1.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %m: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z : f64
  }
  snn.neuron_model @holder attributes {variables = ["level"], method = "exact"} ode {
  ^bb0(%l: f64):
    %0 = arith.negf %l : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%l: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%l: f64):
    snn.yield %l : f64
  }
  // expected-error @below {{links 'Q', which is not an input of model 'reader'}}
  snn.population @out of @reader size 4 attributes {links = {Q = "da.level"}}
  snn.population @da of @holder size 1
  snn.population @two of @holder size 2
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @reader attributes {variables = ["v"], inputs = ["M"], method = "exact"} ode {
  ^bb0(%v: f64, %m: f64):
    %0 = arith.subf %m, %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64, %m: f64):
    %c = arith.constant 1.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %m: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z : f64
  }
  snn.neuron_model @holder attributes {variables = ["level"], method = "exact"} ode {
  ^bb0(%l: f64):
    %0 = arith.negf %l : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%l: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%l: f64):
    snn.yield %l : f64
  }
  // expected-error @below {{link 'M' must be "<population>.<variable>"}}
  snn.population @out of @reader size 4 attributes {links = {M = "level"}}
  snn.population @da of @holder size 1
  snn.population @two of @holder size 2
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @reader attributes {variables = ["v"], inputs = ["M"], method = "exact"} ode {
  ^bb0(%v: f64, %m: f64):
    %0 = arith.subf %m, %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64, %m: f64):
    %c = arith.constant 1.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %m: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z : f64
  }
  snn.neuron_model @holder attributes {variables = ["level"], method = "exact"} ode {
  ^bb0(%l: f64):
    %0 = arith.negf %l : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%l: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%l: f64):
    snn.yield %l : f64
  }
  // expected-error @below {{link 'M' reads 'two' of size 2: a link reads a population of size 1 or of this one's size 4}}
  snn.population @out of @reader size 4 attributes {links = {M = "two.level"}}
  snn.population @da of @holder size 1
  snn.population @two of @holder size 2
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @reader attributes {variables = ["v"], inputs = ["M"], method = "exact"} ode {
  ^bb0(%v: f64, %m: f64):
    %0 = arith.subf %m, %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64, %m: f64):
    %c = arith.constant 1.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %m: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z : f64
  }
  snn.neuron_model @holder attributes {variables = ["level"], method = "exact"} ode {
  ^bb0(%l: f64):
    %0 = arith.negf %l : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%l: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%l: f64):
    snn.yield %l : f64
  }
  // expected-error @below {{link 'M': model 'holder' has no variable 'lvl'}}
  snn.population @out of @reader size 4 attributes {links = {M = "da.lvl"}}
  snn.population @da of @holder size 1
  snn.population @two of @holder size 2
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @reader attributes {variables = ["v"], inputs = ["M"], method = "exact"} ode {
  ^bb0(%v: f64, %m: f64):
    %0 = arith.subf %m, %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64, %m: f64):
    %c = arith.constant 1.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %m: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z : f64
  }
  snn.neuron_model @holder attributes {variables = ["level"], method = "exact"} ode {
  ^bb0(%l: f64):
    %0 = arith.negf %l : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%l: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%l: f64):
    snn.yield %l : f64
  }
  snn.population @out of @reader size 4 attributes {links = {M = "da.level"}}
  snn.population @da of @holder size 1
  snn.population @two of @holder size 2
  // expected-error @below {{input 'M' of population 'out' is a link: it reads a variable, not currents}}
  snn.current @c into @out input "M" attributes {amplitude = 1.0 : f64}
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @reader attributes {variables = ["v"], inputs = ["M"], method = "exact"} ode {
  ^bb0(%v: f64, %m: f64):
    %0 = arith.subf %m, %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64, %m: f64):
    %c = arith.constant 1.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %m: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z : f64
  }
  snn.neuron_model @holder attributes {variables = ["level"], method = "exact"} ode {
  ^bb0(%l: f64):
    %0 = arith.negf %l : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%l: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%l: f64):
    snn.yield %l : f64
  }
  snn.population @out of @reader size 4 attributes {links = {M = "da.level"}}
  snn.population @da of @holder size 1
  snn.population @two of @holder size 2
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @out
      snn.update @da
      snn.update @two
      // expected-error @below {{must come after the input and reset of 'da'}}
      snn.copy_linked @da "level"
    }
    snn.phase "propagate" {
      snn.reset @out
      // expected-note @below {{which is here}}
      snn.reset @da
    }
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @reader attributes {variables = ["v"], inputs = ["M"], method = "exact"} ode {
  ^bb0(%v: f64, %m: f64):
    %0 = arith.subf %m, %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64, %m: f64):
    %c = arith.constant 1.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %m: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z : f64
  }
  snn.neuron_model @holder attributes {variables = ["level"], method = "exact"} ode {
  ^bb0(%l: f64):
    %0 = arith.negf %l : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%l: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%l: f64):
    snn.yield %l : f64
  }
  // expected-note @below {{declared here}}
  snn.population @out of @reader size 4 attributes {links = {M = "da.level"}}
  snn.population @da of @holder size 1
  snn.population @two of @holder size 2
  // expected-error @below {{does not copy 'da.level', which population 'out' reads through a link}}
  snn.schedule "cpu" {
    snn.phase "update" {
      snn.update @out
      snn.update @da
      snn.update @two
    }
    snn.phase "propagate" {
      snn.reset @out
    }
  }
}

// -----

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @reader attributes {variables = ["v"], inputs = ["M"], method = "exact"} ode {
  ^bb0(%v: f64, %m: f64):
    %0 = arith.subf %m, %v : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64, %m: f64):
    %c = arith.constant 1.0 : f64
    %t = arith.cmpf ogt, %v, %c : f64
    snn.yield %t : i1
  } reset {
  ^bb0(%v: f64, %m: f64):
    %z = arith.constant 0.0 : f64
    snn.yield %z : f64
  }
  snn.neuron_model @holder attributes {variables = ["level"], method = "exact"} ode {
  ^bb0(%l: f64):
    %0 = arith.negf %l : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%l: f64):
    %t = arith.constant false
    snn.yield %t : i1
  } reset {
  ^bb0(%l: f64):
    snn.yield %l : f64
  }
  snn.population @out of @reader size 4 attributes {links = {M = "da.level"}}
  snn.population @da of @holder size 1
  snn.population @two of @holder size 2
  // expected-error @below {{reads link 'Q', which population 'out' does not bind}}
  snn.periodic @out every 10 attributes {links = ["Q"]} {
  ^bb0(%v: f64, %q: f64):
    snn.yield %v : f64
  }
}
