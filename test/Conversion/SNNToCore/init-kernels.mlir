// Init kernels (docs/gpu-abi.md, "Drawn per-neuron values"): every uniform
// or normal initial value, Poisson rate and current amplitude is drawn by a
// generated kernel snn_build_init_<buffer> (value i at the draw (entity, i,
// c1, 0) of its purpose, in f64, rounded to the model's type), listed in the
// descriptor's "init" (CPU) or "gpu.init"; constants (p.c) get none: the
// runtime fills them. Order: variables, rates, amplitudes.
// RUN: snn-opt %s -snn-integrate -snn-schedule-step -snn-plan-buffers -snn-describe -convert-snn-to-core | FileCheck %s --check-prefix=CPU
// RUN: snn-opt %s -snn-integrate -snn-schedule-step=target=gpu -snn-plan-buffers=target=gpu -snn-describe -convert-snn-to-core=target=gpu -canonicalize -cse | FileCheck %s --check-prefix=GPU

snn.network @n attributes {dt = 0.1 : f64, duration = 1.0 : f64, seed = 1 : ui64, precision = f32} {
  snn.neuron_model @m attributes {variables = ["v", "w", "c"], inputs = ["I"], params = ["tau"], method = "exact"} ode {
  ^bb0(%v: f32, %w: f32, %c: f32, %i: f32, %tau: f32):
    %0 = arith.negf %v : f32
    %1 = arith.divf %0, %tau : f32
    %z = arith.constant 0.0 : f32
    snn.yield %1, %z, %z : f32, f32, f32
  } threshold {
  ^bb0(%v: f32, %w: f32, %c: f32, %i: f32, %tau: f32):
    %0 = arith.cmpf ogt, %v, %tau : f32
    snn.yield %0 : i1
  } reset {
  ^bb0(%v: f32, %w: f32, %c: f32, %i: f32, %tau: f32):
    %c0 = arith.constant 0.0 : f32
    snn.yield %c0, %w, %c : f32, f32, f32
  }
  snn.poisson_source @noise size 3 attributes {rate = #snn.uniform<1.0, 2.0>}
  snn.population @p of @m size 5 attributes {params = {tau = 10.0 : f64}, init = {v = #snn.uniform<-1.0, 1.0>, w = #snn.normal<0.5, 0.2, clip [0.0, 0.9]>, c = 3.0 : f64}}
  snn.current @bias into @p input "I" attributes {amplitude = #snn.normal<1.0, 0.25>}
}

// On the CPU p.v, p.w, noise.rate, bias.amplitude get one kernel each, run by
// snn_build as kernels 0 to 3, then listed in the descriptor.
// CPU-LABEL: func.func @snn_build(
// CPU: scf.index_switch
// CPU: case 3
// CPU-NOT: case 4
// CPU: \22init\22:[{\22buffer\22:5,\22values\22:{\22emulate\22:0,\22kernel\22:\22snn_build_init_5\22,\22work\22:5}},{\22buffer\22:6,\22values\22:{\22emulate\22:1,\22kernel\22:\22snn_build_init_6\22,\22work\22:5}},{\22buffer\22:2,\22values\22:{\22emulate\22:2,\22kernel\22:\22snn_build_init_2\22,\22work\22:3}},{\22buffer\22:8,\22values\22:{\22emulate\22:3,\22kernel\22:\22snn_build_init_8\22,\22work\22:5}}]

// p.w: normal(0.5, 0.2) clipped to [0, 0.9], by Box-Muller, one value per
// neuron in grid-stride order.
// GPU-LABEL: func.func private @snn_body_build_init_8(
// GPU-SAME: %[[ARENA:.*]]: memref<?xi8>, %{{.*}}: memref<?xi8>, %{{.*}}: i64, %{{.*}}: i64, %[[TID:.*]]: index, %[[NT:.*]]: index) attributes {snn.build_index = 1 : i64, snn.build_kernel = "snn_build_init_8"}
// GPU-DAG: %[[HIGH:.*]] = arith.constant 9.000000e-01 : f64
// GPU-DAG: %[[LOW:.*]] = arith.constant 0.000000e+00 : f64
// GPU-DAG: %[[MEAN:.*]] = arith.constant 5.000000e-01 : f64
// GPU-DAG: %[[STD:.*]] = arith.constant 2.000000e-01 : f64
// GPU: %[[W:.*]] = memref.view %[[ARENA]][%{{.*}}][%{{.*}}] : memref<?xi8> to memref<?xf32>
// GPU: scf.for %[[I:.*]] = %[[TID]] to %c5 step %[[NT]] {
// GPU:   math.log
// GPU:   math.sqrt
// GPU:   math.cos
// GPU:   %[[Z:.*]] = arith.mulf %{{.*}}, %{{.*}} : f64
// GPU:   %[[S:.*]] = arith.mulf %[[Z]], %[[STD]] : f64
// GPU:   %[[X:.*]] = arith.addf %[[S]], %[[MEAN]] : f64
// GPU:   %[[A:.*]] = arith.maximumf %[[X]], %[[LOW]] : f64
// GPU:   %[[B:.*]] = arith.minimumf %[[A]], %[[HIGH]] : f64
// GPU:   %[[F:.*]] = arith.truncf %[[B]] : f64 to f32
// GPU:   memref.store %[[F]], %[[W]][%[[I]]] : memref<?xf32>
// On the GPU the same, in gpu.init (with the GPU plan's buffer ids).
// GPU: \22init\22:[{\22buffer\22:7,{{.*}}snn_build_init_7{{.*}}},{\22buffer\22:8,{{.*}}snn_build_init_8{{.*}}},{\22buffer\22:3,{{.*}}snn_build_init_3{{.*}}},{\22buffer\22:10,{{.*}}snn_build_init_10{{.*}}}]
