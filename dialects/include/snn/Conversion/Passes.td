//===- Passes.td - snn conversions -------------------------*- tablegen -*-===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_CONVERSION_PASSES_TD
#define SNN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def SNNPlanBuffers : Pass<"snn-plan-buffers", "::mlir::ModuleOp"> {
  let summary = "Plan the simulator's buffers: snn.arena";
  let description = [{
    Writes `snn.arena "<target>"` at the end of each `snn.network`: every
    buffer the simulator for `target` needs (state variables, spike lists
    and counts, refractoriness, synapse storage as `snn-select-storage`
    chose it, delay rings, sources' data, the GPU's step cells, spike flags
    and recording buffers), one `snn.buffer` each, in the order of the
    arena (docs/runtime-abi.md). Needs integrated models and the step
    schedule for `target` (the GPU's spike flags follow from it).
    `convert-snn-to-core` then takes every buffer's place and type from the
    plan. A plan already there for `target` is kept (so a hand-edited one
    in a `.mlir` input survives); one for the other target is an error, as
    are a network that is not integrated or has no schedule.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "'cpu' or 'gpu'">,
  ];
  let dependentDialects = [];
}

def SNNDescribe : Pass<"snn-describe", "::mlir::ModuleOp"> {
  let summary = "The network's part of the runtime's descriptor: snn.descriptor";
  let description = [{
    Writes `snn.descriptor` at the end of each `snn.network`: the buffers of
    its plan (`snn.arena`, see `snn-plan-buffers`), its populations and
    sources (buffers, initial values, rates, refractory steps), currents,
    projections (connectivity, weights, delays, storage, buffers), delay
    rings and recordings, as the runtime reads them (docs/runtime-abi.md).
    `convert-snn-to-core` completes it with what its code brings. A
    descriptor already there is replaced (it is derived data: it follows
    the plan, edited or not); a network without a plan is an error.
  }];
}

def ConvertSNNToCore : Pass<"convert-snn-to-core", "::mlir::ModuleOp"> {
  let summary = "Lower an integrated snn.network to loops over buffers";
  let description = [{
    Replaces each `snn.network` (whose neuron models must already be
    integrated, see `snn-integrate`, whose step must be scheduled for this
    target, see `snn-schedule-step`, whose buffers must be planned for it,
    see `snn-plan-buffers`, and which must be described, see
    `snn-describe`) by:

    - `func.func @snn_update` and `@snn_propagate(%arena: memref<?xi8>,
      %step: i64, %seed: i64, %tid: i64, %nthreads: i64)` with the C
      interface: the schedule's two phases, which every simulation thread
      runs on its share of the neurons (docs/runtime-abi.md, "Threads"),
      each step op of a phase lowered in order to its loop: update and
      threshold fused per population, the sources' spikes; propagation
      through delay rings (csr rows, or rows drawn again for
      `#snn.storage<procedural>`), delivery, reset. Built from `scf`,
      `arith`, `math` and `memref` ops;
      the per-neuron loops are marked `snn.parallel` for
      `snn-vectorize-loops`. Every buffer is a `memref.view` of the arena,
      located through the table at its start (docs/runtime-abi.md).
      Parameters become constants, so the Jacobians of `snn.linear_update`
      fold and the op expands into multiply-adds with compile-time
      coefficients;
    - with more than `inline-limit` projections, the propagation of
      projection k is `func.func private @snn_propagate_<k>`, with the same
      arguments and `passthrough = ["noinline", "optsize"]`, which
      `snn_propagate` calls in order; likewise the updates of populations
      and sources (`@snn_update_<k>`) when there are more than
      min(`inline-limit`, 4); the deliveries of an outlined phase are
      outlined too (`@snn_propagate_<k>`, not counted towards the limit);
      such functions alike but for constants are merged into one, the
      constants that differ becoming trailing arguments of the calls;
    - the connectivity build kernels' bodies (as for `target=gpu`, below)
      and `func.func @snn_build(%arena, %scratch, %seed, %n, %kernel, %tid,
      %nthreads)` with the C interface, which runs body number `kernel` as
      thread `tid` of `nthreads`: the CPU simulators draw those rules with
      the GPU's code (docs/runtime-abi.md, "Building connectivity");
    - `llvm.mlir.global @snn_descriptor`: `snn.descriptor` as JSON, with
      the build kernels (and, GPU, the kernels; CPU, the threads): buffers,
      populations, projections and recordings that the runtime reads.

    Random draws (Poisson sources, noise currents) are Philox4x32-10,
    generated inline with the runtime's keying.

    With `target=gpu` (docs/gpu-abi.md) the step is split into phases, each
    a grid-stride loop over `(tid, nthreads)` with atomic spike appends,
    double-buffered spike counts, a device-resident step counter and
    device-side recording:

    - `func.func private @snn_body_<name>(%arena, %seed, %parity, %tid,
      %nthreads)` per phase of the schedule (as snn-schedule-step writes
      it: record, update, propagate, deliver), the last one ending the
      step (step counter, spike totals), marked
      `snn.phase = "<name>"` and `snn.phase_index` (its place in the step);
    - `func.func private @snn_body_build_<what>_<e>(%arena, %scratch,
      %seed, %n, %tid, %nthreads)` per build kernel (connectivity drawn on
      the device), marked `snn.build_kernel = "snn_build_<what>_<e>"` and
      `snn.build_index` (its number for the host emulation);
    - the descriptor gains a `gpu` section, which names the kernels that
      `snn-gpu-outline-kernels` then makes of these bodies.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "'cpu' (snn_update and snn_propagate) or 'gpu' (phases and "
           "kernels)">,
    Option<"inlineLimit", "inline-limit", "int64_t",
           /*default=*/"8",
           "CPU: with more projections than this, each one's "
           "propagation is a function of its own (noinline, optsize), "
           "which snn_propagate calls: LLVM's time grows faster than a "
           "function's size, but a call per projection and step costs "
           "small networks' steps some percent">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::gpu::GPUDialect"];
}

def SNNGPUOutlineKernels : Pass<"snn-gpu-outline-kernels",
                                 "::mlir::ModuleOp"> {
  let summary = "The GPU step's kernels and host emulation from the marked "
                "phase and build bodies";
  let description = [{
    Runs after `convert-snn-to-core{target=gpu}`, on the bodies it marks
    (`snn.phase` / `snn.phase_index`, `snn.build_kernel` /
    `snn.build_index`), and makes, under the names of docs/gpu-abi.md that
    the descriptor already holds:

    - `func.func @snn_emulate_step(%arena, %seed, %parity, %nthreads)`: each
      phase, in `snn.phase_index` order, called for every thread in turn;
    - `func.func @snn_emulate_build(%arena, %scratch, %seed, %n, %kernel,
      %nthreads)`: build body number `%kernel` (`snn.build_index`) for every
      thread in turn;
    - `gpu.module @snn_kernels` (and `gpu.container_module` on the module)
      with one grid-stride kernel `snn_phase_<name>(%arena, %seed,
      %parity)` per phase; `snn_persistent(%arena, %seed, %first, %count)`,
      all phases of steps `first .. first + count - 1` in one block with a
      `gpu.barrier` after every phase and the reads of the arena's table
      hoisted out of the loop over steps; and one grid-stride kernel per
      build body, named by its `snn.build_kernel`. The bodies are inlined
      into the kernels.

    The marks are removed: the bodies stay as the host emulation's callees.
    Fails when no body is marked, when a mark lacks its partner, has the
    wrong type, or when the indices are not 0, 1, ... once each, a body's
    type or name is not the convention's, or a symbol to be made exists.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::scf::SCFDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect"];
}

def SNNGPUEmbedImage : Pass<"snn-gpu-embed-image", "::mlir::ModuleOp"> {
  let summary = "The kernels' PTX (and cubin, with ptxas) as host globals";
  let description = [{
    Runs after `gpu-module-to-binary{format=isa}`: takes the PTX out of
    `gpu.binary @snn_kernels` and, when `ptxas` is set and the toolkit's
    ptxas (`<cuda-path>/bin/ptxas`, else the one on the PATH) is found,
    assembles it for `chip` at `-O<opt-level>`; without a ptxas the image
    is PTX only (an empty cubin), a failing ptxas is an error with its log.
    Adds the globals of docs/gpu-abi.md ("Host symbols"): `snn_gpu_ptx`
    (NUL-terminated), `snn_gpu_cubin`, `snn_gpu_cubin_size`,
    `snn_gpu_arch`, and removes the binary and `gpu.container_module`.

    Fails when there is no single-object `gpu.binary @snn_kernels`, or when
    the PTX calls an `__nv_` function: libdevice was not linked (not found
    under `<cuda-path>/nvvm/libdevice`).
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_80\"",
           "The GPU architecture of the cubin (ptxas -arch)">,
    Option<"cudaPath", "cuda-path", "std::string", /*default=*/"\"\"",
           "CUDA Toolkit root, where ptxas and libdevice are looked for "
           "(empty: no toolkit; ptxas from the PATH)">,
    Option<"optLevel", "opt-level", "int", /*default=*/"3",
           "ptxas optimization level (0-3)">,
    Option<"ptxas", "ptxas", "bool", /*default=*/"true",
           "Assemble a cubin when ptxas is found (false: PTX only)">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def SNNGPUDropEmulation : Pass<"snn-gpu-drop-emulation", "::mlir::ModuleOp"> {
  let summary = "Remove the host emulation (--target=cuda)";
  let description = [{
    Removes every `func.func` whose name starts with `snn_emulate_` or
    `snn_body_`: the host emulation of the step and of the build kernels
    and the bodies it calls. A CUDA simulator never calls them, and
    compiling them for the host would only cost time.
  }];
}

def SNNGPUDropKernels : Pass<"snn-gpu-drop-kernels", "::mlir::ModuleOp"> {
  let summary = "Remove the device module (--target=cuda-emulate)";
  let description = [{
    Removes `gpu.module @snn_kernels` and `gpu.container_module`: the
    emulated target runs the host emulation only.
  }];
}

def SNNGPUKernelsToHost : Pass<"snn-gpu-kernels-to-host", "::mlir::ModuleOp"> {
  let summary = "Copy every GPU kernel into a host function (for the fake "
                "CUDA driver)";
  let description = [{
    For each `gpu.func` kernel `@K` of the module's `gpu.module`s, adds
    `func.func @snn_hostk_K(<K's arguments>, %ctx: !llvm.ptr)` to the host
    module: the kernel's body, with the thread's identity read from `%ctx`
    instead of the GPU's special registers. `%ctx` points to

        struct { int64_t thread, block, block_dim, grid_dim;
                 void (*barrier)(void *ctx); }

    (x dimension; y and z are index 0 of extent 1). `gpu.barrier` becomes a
    call of `ctx->barrier(ctx)`. The copy carries `snn.host_kernel = "K"`,
    and `snn.host_kernel_barrier` when it has barriers (its threads must
    then run concurrently). The kernels themselves are left as they are.

    This is how `snnc --host-kernels` lets a simulator run against the fake
    CUDA driver (runtime/testing/fake_cuda.cpp): the whole CUDA runtime path,
    kernels launched through the driver API, checked without a GPU.
    `snn-host-kernel-table` finishes the job after the lowering to the LLVM
    dialect.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect"];
}

def SNNHostKernelTable : Pass<"snn-host-kernel-table", "::mlir::ModuleOp"> {
  let summary = "Packed entry points and the table of the host copies of the "
                "kernels";
  let description = [{
    Runs on the LLVM dialect, after `snn-gpu-kernels-to-host` and the
    lowering. For each `llvm.func` marked `snn.host_kernel = "K"` (its
    parameters: the kernel's, each a pointer or an i64, then the context),
    adds `llvm.func internal @snn_hostw_K(%params: !llvm.ptr, %ctx:
    !llvm.ptr)`, which loads parameter `i` from `*params[i]` (the layout of
    `cuLaunchKernel`'s `kernelParams`) and calls the copy; then the table

        struct { const char *name; void (*fn)(void **params, void *ctx);
                 int64_t params; int64_t flags; } snn_host_kernels[];

    one entry per kernel and a last entry of zeros. `flags` bit 0: the kernel
    has barriers. The markers are removed.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // SNN_CONVERSION_PASSES_TD
