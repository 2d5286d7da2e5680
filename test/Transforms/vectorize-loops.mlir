// RUN: snn-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(snn-vectorize-loops{report-scalar}))' -verify-diagnostics | FileCheck %s
// RUN: snn-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(snn-vectorize-loops{vector-bits=256 report-scalar}))' -verify-diagnostics | FileCheck %s --check-prefix=W4

// An update loop with a spike append (as convert-snn-to-core makes it for a
// LIF population of 100 neurons): vectors of 8 f64 neurons up to 96, the
// append lane by lane, then the scalar loop for neurons 96..99.
// CHECK-LABEL: func.func @update
// CHECK-SAME: (%[[V:.*]]: memref<?xf64>, %[[R:.*]]: memref<?xi32>, %[[S:.*]]: memref<?xi32>)
// CHECK: %[[NV:.*]] = scf.for %[[I:.*]] = %c0 to %c96{{.*}} step %c8 iter_args(%[[N:.*]] = %{{.*}}) -> (i32) {
// CHECK:   %[[X:.*]] = vector.load %[[V]][%[[I]]] : memref<?xf64>, vector<8xf64>
// CHECK:   %[[Y:.*]] = arith.mulf %[[X]], %{{.*}} : vector<8xf64>
// CHECK:   vector.store %[[Y]], %[[V]][%[[I]]] : memref<?xf64>, vector<8xf64>
// CHECK:   %[[M:.*]] = arith.cmpf ogt, %[[Y]], %{{.*}} : vector<8xf64>
// CHECK:   %[[ANY:.*]] = vector.reduction <or>, %[[M]] : vector<8xi1> into i1
// CHECK:   %[[A:.*]] = scf.if %[[ANY]] -> (i32) {
// CHECK:     scf.for %[[L:.*]] = %{{.*}} to %c8{{.*}} step %{{.*}} iter_args(%[[K:.*]] = %[[N]]) -> (i32) {
// CHECK:       %[[B:.*]] = vector.extractelement %[[M]][%[[L]] : index] : vector<8xi1>
// CHECK:       %[[J:.*]] = arith.addi %[[I]], %[[L]] : index
// CHECK:       scf.if %[[B]] -> (i32) {
// CHECK:         %[[ID:.*]] = arith.index_cast %[[J]] : index to i32
// CHECK:         memref.store %[[ID]], %[[S]][%{{.*}}] : memref<?xi32>
// CHECK:         memref.store %{{.*}}, %[[R]][%[[J]]] : memref<?xi32>
// CHECK:   } else {
// CHECK:     scf.yield %[[N]] : i32
// CHECK:   scf.yield %[[A]] : i32
// CHECK: } {snn.vectorized = 8 : i64}
// CHECK: %[[END:.*]] = scf.for %{{.*}} = %c96{{.*}} to %c100 step %c1 iter_args(%{{.*}} = %[[NV]]) -> (i32) {
// CHECK:   memref.load %[[V]]
// CHECK-NOT: snn.parallel
// CHECK: return %[[END]]
// W4: scf.for {{.*}} step %c4
// W4: vector.load {{.*}} vector<4xf64>
// W4: snn.vectorized = 4
func.func @update(%v: memref<?xf64>, %refr: memref<?xi32>, %spikes: memref<?xi32>) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c100 = arith.constant 100 : index
  %zero = arith.constant 0 : i32
  %one = arith.constant 1 : i32
  %steps = arith.constant 20 : i32
  %decay = arith.constant 0.99 : f64
  %thr = arith.constant 1.0 : f64
  %n = scf.for %i = %c0 to %c100 step %c1 iter_args(%count = %zero) -> (i32) {
    %x = memref.load %v[%i] : memref<?xf64>
    %y = arith.mulf %x, %decay : f64
    memref.store %y, %v[%i] : memref<?xf64>
    %s = arith.cmpf ogt, %y, %thr : f64
    %next = scf.if %s -> (i32) {
      %id = arith.index_cast %i : index to i32
      %at = arith.index_cast %count : i32 to index
      memref.store %id, %spikes[%at] : memref<?xi32>
      memref.store %steps, %refr[%i] : memref<?xi32>
      %c = arith.addi %count, %one : i32
      scf.yield %c : i32
    } else {
      scf.yield %count : i32
    }
    scf.yield %next : i32
  } {snn.parallel}
  return %n : i32
}

// -----

// Delivery: the ring slot at base + i and the variable at i; values that do
// not depend on the neuron stay scalars and are broadcast; a dynamic trip
// count keeps the bounds computed.
// CHECK-LABEL: func.func @delivery
// CHECK: arith.maxsi
// CHECK: arith.divui
// CHECK: %[[VEND:.*]] = arith.addi
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[VEND]] step %c16 {
// CHECK-NOT: dense<
// CHECK:   %[[AT:.*]] = arith.addi %{{.*}}, %[[I]] : index
// CHECK:   vector.load %{{.*}}[%[[I]]] : memref<?xf32>, vector<16xf32>
// CHECK:   vector.load %{{.*}}[%[[AT]]] : memref<?xf32>, vector<16xf32>
// CHECK:   vector.store %{{.*}}, %{{.*}}[%[[AT]]] : memref<?xf32>, vector<16xf32>
// CHECK: } {snn.vectorized = 16 : i64}
func.func @delivery(%var: memref<?xf32>, %ring: memref<?xf32>, %base: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %n step %c1 {
    %at = arith.addi %base, %i : index
    %old = memref.load %var[%i] : memref<?xf32>
    %in = memref.load %ring[%at] : memref<?xf32>
    %sum = arith.addf %old, %in : f32
    memref.store %sum, %var[%i] : memref<?xf32>
    memref.store %zero, %ring[%at] : memref<?xf32>
  } {snn.parallel}
  return
}

// -----

// A rare branch (the tail of a Poisson input's draw): computed for all lanes
// only when some lane takes it, each lane selecting its own result. The
// other side only yields a value: nothing to guard.
// CHECK-LABEL: func.func @rare_branch
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %c8 {
// CHECK:   %[[U:.*]] = vector.load %{{.*}}[%[[I]]] : memref<?xf64>, vector<8xf64>
// CHECK:   %[[HEAD:.*]] = arith.extui %{{.*}} : vector<8xi1> to vector<8xi32>
// CHECK:   %[[RARE:.*]] = arith.cmpf oge, %[[U]], %{{.*}} : vector<8xf64>
// CHECK:   %[[ANY:.*]] = vector.reduction <or>, %[[RARE]] : vector<8xi1> into i1
// CHECK:   %[[TAIL:.*]] = scf.if %[[ANY]] -> (vector<8xi32>) {
// CHECK:     arith.cmpf oge, %[[U]], %{{.*}} : vector<8xf64>
// CHECK:     %[[MORE:.*]] = arith.addi %[[HEAD]], %{{.*}} : vector<8xi32>
// CHECK:     scf.yield %[[MORE]] : vector<8xi32>
// CHECK:   } else {
// CHECK:     %[[ZERO:.*]] = arith.constant dense<0> : vector<8xi32>
// CHECK:     scf.yield %[[ZERO]] : vector<8xi32>
// CHECK:   %[[K:.*]] = arith.select %[[RARE]], %[[TAIL]], %[[HEAD]] : vector<8xi1>, vector<8xi32>
// CHECK:   vector.store %[[K]], %{{.*}}[%[[I]]] : memref<?xi32>, vector<8xi32>
// CHECK: } {snn.vectorized = 8 : i64}
func.func @rare_branch(%u: memref<?xf64>, %k: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %t0 = arith.constant 0.5 : f64
  %t1 = arith.constant 0.999 : f64
  %t2 = arith.constant 0.9999 : f64
  scf.for %i = %c0 to %c64 step %c1 {
    %x = memref.load %u[%i] : memref<?xf64>
    %r0 = arith.cmpf oge, %x, %t0 : f64
    %k0 = arith.extui %r0 : i1 to i32
    %rare = arith.cmpf oge, %x, %t1 : f64
    %kk = scf.if %rare -> (i32) {
      %r2 = arith.cmpf oge, %x, %t2 : f64
      %e2 = arith.extui %r2 : i1 to i32
      %more = arith.addi %k0, %e2 : i32
      scf.yield %more : i32
    } else {
      scf.yield %k0 : i32
    }
    memref.store %kk, %k[%i] : memref<?xi32>
  } {snn.parallel}
  return
}

// -----

// A branch with work on both sides: each side guarded (then: any lane
// takes it; else: not all lanes take the other); a uniform condition keeps
// one branch, on vectors.
// CHECK-LABEL: func.func @two_sided
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %c8 {
// CHECK:   %[[C:.*]] = arith.cmpf olt, %{{.*}}, %{{.*}} : vector<8xf64>
// CHECK:   %[[ANY:.*]] = vector.reduction <or>, %[[C]] : vector<8xi1> into i1
// CHECK:   %[[ALL:.*]] = vector.reduction <and>, %[[C]] : vector<8xi1> into i1
// CHECK:   %[[NOTALL:.*]] = arith.xori %[[ALL]], %{{.*}} : i1
// CHECK:   %[[T:.*]] = scf.if %[[ANY]] -> (vector<8xf64>) {
// CHECK:     arith.mulf
// CHECK:   %[[E:.*]] = scf.if %[[NOTALL]] -> (vector<8xf64>) {
// CHECK:     arith.addf
// CHECK:   %[[R:.*]] = arith.select %[[C]], %[[T]], %[[E]] : vector<8xi1>, vector<8xf64>
// CHECK:   %[[W:.*]] = scf.if %{{.*}} -> (vector<8xf64>) {
// CHECK:     arith.negf %[[R]] : vector<8xf64>
// CHECK:   } else {
// CHECK:     scf.yield %[[R]] : vector<8xf64>
// CHECK:   vector.store %[[W]], %{{.*}}[%[[I]]] : memref<?xf64>, vector<8xf64>
// CHECK: } {snn.vectorized = 8 : i64}
func.func @two_sided(%v: memref<?xf64>, %flip: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %half = arith.constant 0.5 : f64
  %two = arith.constant 2.0 : f64
  scf.for %i = %c0 to %c16 step %c1 {
    %x = memref.load %v[%i] : memref<?xf64>
    %c = arith.cmpf olt, %x, %half : f64
    %y = scf.if %c -> (f64) {
      %m = arith.mulf %x, %two : f64
      scf.yield %m : f64
    } else {
      %a = arith.addf %x, %two : f64
      scf.yield %a : f64
    }
    %z = scf.if %flip -> (f64) {
      %n = arith.negf %y : f64
      scf.yield %n : f64
    } else {
      scf.yield %y : f64
    }
    memref.store %z, %v[%i] : memref<?xf64>
  } {snn.parallel}
  return
}

// -----

// What is left scalar, and why.
func.func @neighbour(%v: memref<?xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  // expected-remark @+1 {{left scalar: one buffer accessed at two different offsets}}
  scf.for %i = %c0 to %c10 step %c1 {
    %j = arith.addi %i, %c1 : index
    %x = memref.load %v[%j] : memref<?xf64>
    memref.store %x, %v[%i] : memref<?xf64>
  } {snn.parallel}
  return
}

func.func @gather(%v: memref<?xf64>, %ids: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  // expected-remark @+1 {{left scalar: an access at a non-consecutive index}}
  scf.for %i = %c0 to %c10 step %c1 {
    %id = memref.load %ids[%i] : memref<?xi32>
    %j = arith.index_cast %id : i32 to index
    %x = memref.load %v[%j] : memref<?xf64>
    memref.store %x, %v[%i] : memref<?xf64>
  } {snn.parallel}
  return
}

func.func @inner_loop(%v: memref<?xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  // expected-remark @+1 {{left scalar: an op with regions (scf.for)}}
  scf.for %i = %c0 to %c10 step %c1 {
    scf.for %k = %c0 to %c10 step %c1 {
    }
  } {snn.parallel}
  return
}

func.func @branch_with_store(%v: memref<?xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  %half = arith.constant 0.5 : f64
  // expected-remark @+1 {{left scalar: an op that is not elementwise (memref.store) in a branch}}
  scf.for %i = %c0 to %c10 step %c1 {
    %x = memref.load %v[%i] : memref<?xf64>
    %c = arith.cmpf olt, %x, %half : f64
    %y = scf.if %c -> (f64) {
      memref.store %half, %v[%i] : memref<?xf64>
      scf.yield %half : f64
    } else {
      scf.yield %x : f64
    }
    memref.store %y, %v[%i] : memref<?xf64>
  } {snn.parallel}
  return
}

func.func @fixed_store(%v: memref<?xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  %x = arith.constant 1.0 : f64
  // expected-remark @+1 {{left scalar: a store at the same index in every iteration}}
  scf.for %i = %c0 to %c10 step %c1 {
    memref.store %x, %v[%c0] : memref<?xf64>
  } {snn.parallel}
  return
}

// CHECK-LABEL: func.func @unmarked
// CHECK: scf.for %{{.*}} = %c0 to %c10 step %c1 {
// CHECK-NEXT: memref.load
func.func @unmarked(%v: memref<?xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  scf.for %i = %c0 to %c10 step %c1 {
    %x = memref.load %v[%i] : memref<?xf64>
    %y = arith.addf %x, %x : f64
    memref.store %y, %v[%i] : memref<?xf64>
  }
  return
}

func.func @append_reads_neighbour(%v: memref<?xf64>, %s: memref<?xi32>) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  %zero = arith.constant 0 : i32
  %t = arith.constant 0.5 : f64
  // expected-remark @+1 {{left scalar: the spike append touches another neuron's element}}
  %n = scf.for %i = %c0 to %c10 step %c1 iter_args(%count = %zero) -> (i32) {
    %x = memref.load %v[%i] : memref<?xf64>
    memref.store %x, %v[%i] : memref<?xf64>
    %b = arith.cmpf ogt, %x, %t : f64
    %r = scf.if %b -> (i32) {
      %x0 = memref.load %v[%c0] : memref<?xf64>
      scf.yield %count : i32
    } else {
      scf.yield %count : i32
    }
    scf.yield %r : i32
  } {snn.parallel}
  return %n : i32
}
