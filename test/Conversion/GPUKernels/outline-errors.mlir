// snn-gpu-outline-kernels refuses bodies whose marks are missing or
// inconsistent, and modules it has nothing to do in.
// RUN: snn-opt %s -split-input-file -snn-gpu-outline-kernels -verify-diagnostics

// expected-error@+1 {{has no phase bodies (functions marked 'snn.phase'): run convert-snn-to-core{target=gpu} first}}
module {
  func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) {
    return
  }
}

// -----

// expected-error@+1 {{needs an i64 'snn.phase_index' with its 'snn.phase'}}
func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "update"} {
  return
}

// -----

// expected-error@+1 {{needs a non-empty string 'snn.phase' with its 'snn.phase_index'}}
func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase_index = 0 : i64} {
  return
}

// -----

// expected-error@+1 {{needs an i64 'snn.phase_index' with its 'snn.phase'}}
func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "update", snn.phase_index = 0 : i32} {
  return
}

// -----

// expected-error@+1 {{needs an i64 'snn.build_index' with its 'snn.build_kernel'}}
func.func private @snn_body_build_rows_0(%a: memref<?xi8>, %b: memref<?xi8>, %s: i64, %c: i64, %t: index, %n: index) attributes {snn.build_kernel = "snn_build_rows_0"} {
  return
}

// -----

func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "update", snn.phase_index = 0 : i64} {
  return
}
// expected-error@+1 {{has the same snn.phase_index (0) as @snn_body_update}}
func.func private @snn_body_deliver(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "deliver", snn.phase_index = 0 : i64} {
  return
}

// -----

func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "update", snn.phase_index = 0 : i64} {
  return
}
// expected-error@+1 {{has snn.phase_index = 2, but the 2 marked bodies must be numbered 0 to 1}}
func.func private @snn_body_deliver(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "deliver", snn.phase_index = 2 : i64} {
  return
}

// -----

// expected-error@+1 {{is the body of phase 'update': expected type '(memref<?xi8>, i64, i64, index, index) -> ()' (arena, seed, parity, tid, nthreads)}}
func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index) attributes {snn.phase = "update", snn.phase_index = 0 : i64} {
  return
}

// -----

// expected-error@+1 {{is the body of phase 'update': expected it to be named @snn_body_update}}
func.func private @update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "update", snn.phase_index = 0 : i64} {
  return
}

// -----

// expected-error@+1 {{is marked as a kernel body but has none}}
func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "update", snn.phase_index = 0 : i64}

// -----

// expected-error@+1 {{is marked both as a phase body and as a build kernel body}}
func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "update", snn.phase_index = 0 : i64, snn.build_kernel = "snn_build_rows_0", snn.build_index = 0 : i64} {
  return
}

// -----

func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "update", snn.phase_index = 0 : i64} {
  return
}
// expected-error@+1 {{is the body of build kernel 'snn_build_rows_0': expected type '(memref<?xi8>, memref<?xi8>, i64, i64, index, index) -> ()' (arena, scratch, seed, n, tid, nthreads)}}
func.func private @snn_body_build_rows_0(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.build_kernel = "snn_build_rows_0", snn.build_index = 0 : i64} {
  return
}

// -----

func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "update", snn.phase_index = 0 : i64} {
  return
}
func.func private @snn_body_build_rows_0(%a: memref<?xi8>, %b: memref<?xi8>, %s: i64, %c: i64, %t: index, %n: index) attributes {snn.build_kernel = "snn_build_rows_0", snn.build_index = 0 : i64} {
  return
}
// expected-error@+1 {{is the body of build kernel 'snn_build_rows_0', a kernel name already taken}}
func.func private @snn_body_build_rows_1(%a: memref<?xi8>, %b: memref<?xi8>, %s: i64, %c: i64, %t: index, %n: index) attributes {snn.build_kernel = "snn_build_rows_0", snn.build_index = 1 : i64} {
  return
}

// -----

func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "update", snn.phase_index = 0 : i64} {
  return
}
// expected-error@+1 {{is the body of build kernel 'snn_phase_update', the name of the kernel of phase 'update'}}
func.func private @snn_body_build_rows_0(%a: memref<?xi8>, %b: memref<?xi8>, %s: i64, %c: i64, %t: index, %n: index) attributes {snn.build_kernel = "snn_phase_update", snn.build_index = 0 : i64} {
  return
}

// -----

func.func private @snn_body_update(%a: memref<?xi8>, %s: i64, %p: i64, %t: index, %n: index) attributes {snn.phase = "update", snn.phase_index = 0 : i64} {
  return
}
// expected-error@+1 {{uses the symbol @snn_emulate_step, which snn-gpu-outline-kernels makes (are the kernels outlined already?)}}
func.func @snn_emulate_step(%a: memref<?xi8>, %s: i64, %p: i64, %n: i64) {
  return
}
