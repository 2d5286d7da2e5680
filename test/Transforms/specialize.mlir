// RUN: snn-opt %s -split-input-file -snn-specialize | FileCheck %s

// One model, two populations with the same parameters: specialized in place,
// shared, the parameter a constant and -1/tau folded.
// CHECK-LABEL: snn.network @same
// CHECK: snn.neuron_model @lif attributes {inputs = ["I"], method = "exact", variables = ["v"]} update {
// CHECK-NEXT: ^bb0(%[[V:.*]]: f64, %[[I:.*]]: f64):
// CHECK-DAG: %[[TAU:.*]] = arith.constant 1.000000e+01 : f64
// CHECK-DAG: %[[J:.*]] = arith.constant -1.000000e-01 : f64
// CHECK: %[[B:.*]] = arith.divf %[[I]], %[[TAU]] : f64
// CHECK: snn.linear_update (%[[V]]) affine (%[[B]]) jacobian [(0, 0): %[[J]]] dt 0.1 : f64
// CHECK: } threshold {
// CHECK-NEXT: ^bb0(%{{.*}}: f64, %{{.*}}: f64):
// CHECK: arith.cmpf ogt, %{{.*}}, %{{.*}} : f64
// CHECK: snn.population @a of @lif size 2 attributes {init
// CHECK: snn.population @b of @lif size 3{{$}}
snn.network @same attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v"], inputs = ["I"], params = ["tau", "vth"], method = "exact"} update {
  ^bb0(%v: f64, %I: f64, %tau: f64, %vth: f64):
    %m1 = arith.constant -1.0 : f64
    %j = arith.divf %m1, %tau : f64
    %b = arith.divf %I, %tau : f64
    %0 = snn.linear_update (%v) affine (%b) jacobian [(0, 0): %j] dt 0.1 : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64, %I: f64, %tau: f64, %vth: f64):
    %0 = arith.cmpf ogt, %v, %vth : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %I: f64, %tau: f64, %vth: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c : f64
  }
  snn.population @a of @lif size 2 attributes {params = {tau = 10.0 : f64, vth = 1.0 : f64}, init = {v = 0.5 : f64}}
  snn.population @b of @lif size 3 attributes {params = {tau = 10.0 : f64, vth = 1.0 : f64}}
}

// -----

// Two parameter sets: one copy each, named after its first population, the
// generic model gone; a taken name gets a suffix. A model without
// populations is left generic.
// CHECK-LABEL: snn.network @two
// CHECK-NOT: snn.neuron_model @lif attributes
// CHECK: snn.neuron_model @lif_a_{{[0-9]+}} attributes {method = "euler", variables = ["v"]} update {
// CHECK: arith.constant 2.000000e+00 : f64
// CHECK: snn.neuron_model @lif_c attributes {method = "euler", variables = ["v"]} update {
// CHECK: arith.constant 3.000000e+00 : f64
// CHECK: snn.neuron_model @lif_a attributes {method = "euler", variables = ["v"]} update {
// CHECK: snn.neuron_model @unused attributes {method = "euler", params = ["k"], variables = ["v"]} update {
// CHECK-NEXT: ^bb0(%{{.*}}: f64, %{{.*}}: f64):
// CHECK: snn.population @a of @lif_a_{{[0-9]+}} size 1{{$}}
// CHECK: snn.population @b of @lif_a_{{[0-9]+}} size 1{{$}}
// CHECK: snn.population @c of @lif_c size 1{{$}}
// CHECK: snn.population @d of @lif_a size 1{{$}}
snn.network @two attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @lif attributes {variables = ["v"], params = ["k"], method = "euler"} update {
  ^bb0(%v: f64, %k: f64):
    %0 = arith.mulf %v, %k : f64
    snn.yield %0 : f64
  } threshold {
  ^bb0(%v: f64, %k: f64):
    %0 = arith.cmpf ogt, %v, %k : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %k: f64):
    snn.yield %v : f64
  }
  // Takes the name the first copy would get; its one parameter set is
  // specialized in place.
  snn.neuron_model @lif_a attributes {variables = ["v"], params = ["k"], method = "euler"} update {
  ^bb0(%v: f64, %k: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %k: f64):
    %0 = arith.cmpf ogt, %v, %k : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %k: f64):
    snn.yield %v : f64
  }
  snn.neuron_model @unused attributes {variables = ["v"], params = ["k"], method = "euler"} update {
  ^bb0(%v: f64, %k: f64):
    snn.yield %v : f64
  } threshold {
  ^bb0(%v: f64, %k: f64):
    %0 = arith.cmpf ogt, %v, %k : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %k: f64):
    snn.yield %v : f64
  }
  snn.population @a of @lif size 1 attributes {params = {k = 2.0 : f64}}
  snn.population @b of @lif size 1 attributes {params = {k = 2.0 : f64}}
  snn.population @c of @lif size 1 attributes {params = {k = 3.0 : f64}}
  snn.population @d of @lif_a size 1 attributes {params = {k = 5.0 : f64}}
}
