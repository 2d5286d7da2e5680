// The accuracy of snn-expand-exp against libm (glibc's exp and expf, within
// 1 ulp of the exact value): the greatest distance in ulps over sweeps of
// 2^20 points, the special values, and that a vector computes in each lane
// what the scalar code computes. docs/design.md ("Vector math") quotes these
// numbers.
// REQUIRES: mlir-cpu-runner
// RUN: snn-opt %s -snn-expand-exp -convert-scf-to-cf -convert-vector-to-llvm \
// RUN:   -convert-math-to-llvm -convert-arith-to-llvm -convert-func-to-llvm \
// RUN:   -convert-cf-to-llvm -reconcile-unrealized-casts \
// RUN: | %mlir-cpu-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_c_runner_utils | FileCheck %s

// f64, results normal, [-708, 709]: at most 1 ulp from libm.
// CHECK: {{^[01]$}}
// f64, [-1, 1]:
// CHECK-NEXT: {{^[01]$}}
// f64, results subnormal, [-745, -708.4] (2^k is applied in two steps, but
// the measured distance stays within 1 ulp):
// CHECK-NEXT: {{^[01]$}}
// f32, results normal, [-87, 88]:
// CHECK-NEXT: {{^[01]$}}
// f32, [-1, 1]:
// CHECK-NEXT: {{^[01]$}}
// Vector lanes against the scalar code, f64 and f32: identical.
// CHECK-NEXT: {{^0$}}
// CHECK-NEXT: {{^0$}}
// exp(0) = 1, exp(710) = inf, exp(inf) = inf, exp(-746) = 0, exp(-inf) = 0,
// exp(NaN) is NaN; the same in f32 (exp(89) = inf, exp(-104) = 0):
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 0
// CHECK-NEXT: 0
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 0
// CHECK-NEXT: 1

func.func private @exp(f64) -> f64
func.func private @expf(f32) -> f32
func.func private @printI64(i64)
func.func private @printF64(f64)
func.func private @printNewline()

func.func @print(%v: i64) {
  func.call @printI64(%v) : (i64) -> ()
  func.call @printNewline() : () -> ()
  return
}

func.func @abs(%d: i64) -> i64 {
  %z = arith.constant 0 : i64
  %n = arith.subi %z, %d : i64
  %a = arith.maxsi %d, %n : i64
  return %a : i64
}

// x_k = lo + k (hi - lo) / n, k = 0 .. n - 1.
func.func @point64(%lo: f64, %hi: f64, %n: index, %k: index) -> f64 {
  %ni = arith.index_cast %n : index to i64
  %nf = arith.sitofp %ni : i64 to f64
  %w = arith.subf %hi, %lo : f64
  %s = arith.divf %w, %nf : f64
  %ki = arith.index_cast %k : index to i64
  %kf = arith.sitofp %ki : i64 to f64
  %d = arith.mulf %kf, %s : f64
  %x = arith.addf %lo, %d : f64
  return %x : f64
}

func.func @ulp64(%lo: f64, %hi: f64, %n: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i64
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%m = %z) -> (i64) {
    %x = func.call @point64(%lo, %hi, %n, %k) : (f64, f64, index, index) -> f64
    %f = math.exp %x : f64
    %g = func.call @exp(%x) : (f64) -> f64
    %fb = arith.bitcast %f : f64 to i64
    %gb = arith.bitcast %g : f64 to i64
    %d = arith.subi %fb, %gb : i64
    %a = func.call @abs(%d) : (i64) -> i64
    %mm = arith.maxsi %m, %a : i64
    scf.yield %mm : i64
  }
  return %r : i64
}

func.func @ulp32(%lo: f64, %hi: f64, %n: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i64
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%m = %z) -> (i64) {
    %x64 = func.call @point64(%lo, %hi, %n, %k) : (f64, f64, index, index) -> f64
    %x = arith.truncf %x64 : f64 to f32
    %f = math.exp %x : f32
    %g = func.call @expf(%x) : (f32) -> f32
    %fb = arith.bitcast %f : f32 to i32
    %gb = arith.bitcast %g : f32 to i32
    %fw = arith.extsi %fb : i32 to i64
    %gw = arith.extsi %gb : i32 to i64
    %d = arith.subi %fw, %gw : i64
    %a = func.call @abs(%d) : (i64) -> i64
    %mm = arith.maxsi %m, %a : i64
    scf.yield %mm : i64
  }
  return %r : i64
}

// Lanes of vector<8xf64> exp against the scalar exp of the same inputs.
func.func @lanes64(%lo: f64, %hi: f64, %n: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0 : i64
  %init = arith.constant dense<0.0> : vector<8xf64>
  %r = scf.for %k = %c0 to %n step %c8 iter_args(%m = %z) -> (i64) {
    %xs = scf.for %j = %c0 to %c8 step %c1 iter_args(%v = %init) -> (vector<8xf64>) {
      %kj = arith.addi %k, %j : index
      %x = func.call @point64(%lo, %hi, %n, %kj) : (f64, f64, index, index) -> f64
      %v1 = vector.insertelement %x, %v[%j : index] : vector<8xf64>
      scf.yield %v1 : vector<8xf64>
    }
    %e = math.exp %xs : vector<8xf64>
    %mm = scf.for %j = %c0 to %c8 step %c1 iter_args(%m1 = %m) -> (i64) {
      %x = vector.extractelement %xs[%j : index] : vector<8xf64>
      %lane = vector.extractelement %e[%j : index] : vector<8xf64>
      %s = math.exp %x : f64
      %lb = arith.bitcast %lane : f64 to i64
      %sb = arith.bitcast %s : f64 to i64
      %d = arith.subi %lb, %sb : i64
      %a = func.call @abs(%d) : (i64) -> i64
      %m2 = arith.maxsi %m1, %a : i64
      scf.yield %m2 : i64
    }
    scf.yield %mm : i64
  }
  return %r : i64
}

func.func @lanes32(%lo: f64, %hi: f64, %n: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0 : i64
  %init = arith.constant dense<0.0> : vector<8xf32>
  %r = scf.for %k = %c0 to %n step %c8 iter_args(%m = %z) -> (i64) {
    %xs = scf.for %j = %c0 to %c8 step %c1 iter_args(%v = %init) -> (vector<8xf32>) {
      %kj = arith.addi %k, %j : index
      %x64 = func.call @point64(%lo, %hi, %n, %kj) : (f64, f64, index, index) -> f64
      %x = arith.truncf %x64 : f64 to f32
      %v1 = vector.insertelement %x, %v[%j : index] : vector<8xf32>
      scf.yield %v1 : vector<8xf32>
    }
    %e = math.exp %xs : vector<8xf32>
    %mm = scf.for %j = %c0 to %c8 step %c1 iter_args(%m1 = %m) -> (i64) {
      %x = vector.extractelement %xs[%j : index] : vector<8xf32>
      %lane = vector.extractelement %e[%j : index] : vector<8xf32>
      %s = math.exp %x : f32
      %lb = arith.bitcast %lane : f32 to i32
      %sb = arith.bitcast %s : f32 to i32
      %d = arith.subi %lb, %sb : i32
      %dw = arith.extsi %d : i32 to i64
      %a = func.call @abs(%dw) : (i64) -> i64
      %m2 = arith.maxsi %m1, %a : i64
      scf.yield %m2 : i64
    }
    scf.yield %mm : i64
  }
  return %r : i64
}

func.func @is_one64(%x: f64) {
  %one = arith.constant 1.0 : f64
  %e = math.exp %x : f64
  %b = arith.cmpf oeq, %e, %one : f64
  %i = arith.extui %b : i1 to i64
  func.call @print(%i) : (i64) -> ()
  return
}

func.func @is_inf64(%x: f64) {
  %inf = arith.constant 0x7FF0000000000000 : f64
  %e = math.exp %x : f64
  %b = arith.cmpf oeq, %e, %inf : f64
  %i = arith.extui %b : i1 to i64
  func.call @print(%i) : (i64) -> ()
  return
}

func.func @bits64(%x: f64) {
  %e = math.exp %x : f64
  %b = arith.bitcast %e : f64 to i64
  func.call @print(%b) : (i64) -> ()
  return
}

func.func @is_nan64(%x: f64) {
  %e = math.exp %x : f64
  %b = arith.cmpf uno, %e, %e : f64
  %i = arith.extui %b : i1 to i64
  func.call @print(%i) : (i64) -> ()
  return
}

func.func @main() {
  %n = arith.constant 1048576 : index
  %a = arith.constant -708.0 : f64
  %b = arith.constant 709.0 : f64
  %u1 = func.call @ulp64(%a, %b, %n) : (f64, f64, index) -> i64
  func.call @print(%u1) : (i64) -> ()
  %m1 = arith.constant -1.0 : f64
  %p1 = arith.constant 1.0 : f64
  %u2 = func.call @ulp64(%m1, %p1, %n) : (f64, f64, index) -> i64
  func.call @print(%u2) : (i64) -> ()
  %s0 = arith.constant -745.0 : f64
  %s1 = arith.constant -708.4 : f64
  %u3 = func.call @ulp64(%s0, %s1, %n) : (f64, f64, index) -> i64
  func.call @print(%u3) : (i64) -> ()
  %f0 = arith.constant -87.0 : f64
  %f1 = arith.constant 88.0 : f64
  %u4 = func.call @ulp32(%f0, %f1, %n) : (f64, f64, index) -> i64
  func.call @print(%u4) : (i64) -> ()
  %u5 = func.call @ulp32(%m1, %p1, %n) : (f64, f64, index) -> i64
  func.call @print(%u5) : (i64) -> ()
  %l1 = func.call @lanes64(%s0, %b, %n) : (f64, f64, index) -> i64
  func.call @print(%l1) : (i64) -> ()
  %l2 = func.call @lanes32(%f0, %f1, %n) : (f64, f64, index) -> i64
  func.call @print(%l2) : (i64) -> ()

  %zero = arith.constant 0.0 : f64
  func.call @is_one64(%zero) : (f64) -> ()
  %big = arith.constant 710.0 : f64
  func.call @is_inf64(%big) : (f64) -> ()
  %inf = arith.constant 0x7FF0000000000000 : f64
  func.call @is_inf64(%inf) : (f64) -> ()
  %small = arith.constant -746.0 : f64
  func.call @bits64(%small) : (f64) -> ()
  %ninf = arith.constant 0xFFF0000000000000 : f64
  func.call @bits64(%ninf) : (f64) -> ()
  %nan = arith.constant 0x7FF8000000000000 : f64
  func.call @is_nan64(%nan) : (f64) -> ()

  // f32
  %one32 = arith.constant 1.0 : f32
  %z32 = arith.constant 0.0 : f32
  %e0 = math.exp %z32 : f32
  %c0 = arith.cmpf oeq, %e0, %one32 : f32
  %i0 = arith.extui %c0 : i1 to i64
  func.call @print(%i0) : (i64) -> ()
  %inf32 = arith.constant 0x7F800000 : f32
  %big32 = arith.constant 89.0 : f32
  %e1 = math.exp %big32 : f32
  %c1 = arith.cmpf oeq, %e1, %inf32 : f32
  %i1 = arith.extui %c1 : i1 to i64
  func.call @print(%i1) : (i64) -> ()
  %small32 = arith.constant -104.0 : f32
  %e2 = math.exp %small32 : f32
  %b2 = arith.bitcast %e2 : f32 to i32
  %w2 = arith.extsi %b2 : i32 to i64
  func.call @print(%w2) : (i64) -> ()
  %nan32 = arith.constant 0x7FC00000 : f32
  %e3 = math.exp %nan32 : f32
  %c3 = arith.cmpf uno, %e3, %e3 : f32
  %i3 = arith.extui %c3 : i1 to i64
  func.call @print(%i3) : (i64) -> ()
  return
}
