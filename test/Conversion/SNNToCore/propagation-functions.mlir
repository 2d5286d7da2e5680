// With more projections than `inline-limit` (default 8), each one's
// propagation is a function of its own, kept out of line and optimized for
// size, that snn_propagate calls in order; the deliveries are then out of
// line too (without counting towards the limit), the resets stay inline;
// with fewer, the code is inline. Updates likewise, from more than
// min(inline-limit, 4) populations and sources. Functions that differ only
// in constants (buffer ids, sizes, weights, delays) are one function, with
// those constants as trailing arguments.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core=inline-limit=1 | FileCheck %s
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s --check-prefix=INLINE

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f64} {
  snn.neuron_model @m attributes {variables = ["v", "g"], params = ["tau"], method = "exact"} ode {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %0 = arith.subf %g, %v : f64
    %1 = arith.divf %0, %tau : f64
    %2 = arith.negf %g : f64
    %3 = arith.divf %2, %tau : f64
    snn.yield %1, %3 : f64, f64
  } threshold {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %0 = arith.cmpf ogt, %v, %tau : f64
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f64, %g: f64, %tau: f64):
    %c = arith.constant 0.0 : f64
    snn.yield %c, %g : f64, f64
  }
  snn.population @p of @m size 4 attributes {params = {tau = 10.0 : f64}}
  snn.poisson_source @noise size 4 attributes {rate = 10.0 : f64}
  snn.projection @to_v from @p to @p target "v" attributes {connectivity = #snn.all_to_all<allow_self = false>, weight = 1.0 : f64, delay = 0.0 : f64}
  snn.projection @to_g from @p to @p target "g" attributes {connectivity = #snn.all_to_all<allow_self = false>, weight = 2.0 : f64, delay = 0.2 : f64}
  snn.projection @noise_g from @noise to @p target "g" attributes {connectivity = #snn.all_to_all<allow_self = false>, weight = 3.0 : f64, delay = 0.3 : f64}
}

// The updates (a population, a Poisson source) out of line too (more than
// min(inline-limit, 4) of them); they differ in more than constants.
// CHECK-LABEL: func.func private @snn_update_0(
// CHECK-SAME: attributes {passthrough = ["noinline", "optsize"]}
// CHECK-LABEL: func.func private @snn_update_1(
// CHECK-LABEL: func.func @snn_update(
// CHECK: call @snn_update_0(
// CHECK-NEXT: call @snn_update_1(
// CHECK: return
// The first projection (delay 0: into v at once).
// CHECK-LABEL: func.func private @snn_propagate_0(
// CHECK-SAME: %{{.*}}: memref<?xi8>, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64) attributes {passthrough = ["noinline", "optsize"]}
// CHECK: arith.addf %{{.*}}, %{{.*}} : f64
// CHECK: return
// The second and the third (delays of 2 and 3 steps into the ring of g,
// weights 2 and 3, from different sources): one function.
// CHECK-LABEL: func.func private @snn_propagate_1(
// CHECK-SAME: %{{.*}}: memref<?xi8>, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}, %[[W:[^:]*]]: f64
// CHECK-SAME: attributes {passthrough = ["noinline", "optsize"]}
// CHECK: arith.remui
// CHECK: arith.addf %{{.*}}, %[[W]] : f64
// CHECK: return
// CHECK-NOT: snn_propagate_2
// The delivery of the ring of g (named after its place among the outlined
// parts): the slot of this step, added and cleared over this thread's share.
// CHECK-LABEL: func.func private @snn_propagate_3(
// CHECK-SAME: %{{.*}}: memref<?xi8>, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64) attributes {passthrough = ["noinline", "optsize"]}
// CHECK: scf.for
// CHECK: arith.addf
// CHECK: } {snn.parallel}
// CHECK: return
// CHECK-LABEL: func.func @snn_propagate(
// CHECK-SAME: %[[A:.*]]: memref<?xi8>, %[[S:.*]]: i64, %[[SEED:.*]]: i64, %[[T:.*]]: i64, %[[N:.*]]: i64) attributes {llvm.emit_c_interface}
// CHECK-DAG: %[[W2:.*]] = arith.constant 2.000000e+00 : f64
// CHECK-DAG: %[[W3:.*]] = arith.constant 3.000000e+00 : f64
// CHECK: call @snn_propagate_0(%[[A]], %[[S]], %[[SEED]], %[[T]], %[[N]])
// CHECK-NEXT: call @snn_propagate_1(%[[A]], %[[S]], %[[SEED]], %[[T]], %[[N]], {{.*}}, %[[W2]]{{.*}})
// CHECK-NEXT: call @snn_propagate_1(%[[A]], %[[S]], %[[SEED]], %[[T]], %[[N]], {{.*}}, %[[W3]]{{.*}})
// Then the delivery, and the reset inline (a loop over the spike list).
// CHECK-NEXT: call @snn_propagate_3(%[[A]], %[[S]], %[[SEED]], %[[T]], %[[N]])
// CHECK-NOT: call
// CHECK: scf.for
// CHECK: memref.store
// CHECK: return

// INLINE-NOT: snn_update_0
// INLINE-NOT: snn_propagate_0
// INLINE-LABEL: func.func @snn_propagate(
// INLINE-NOT: call
// INLINE: } {snn.parallel}
