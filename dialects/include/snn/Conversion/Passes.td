//===- Passes.td - snn conversions -------------------------*- tablegen -*-===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_CONVERSION_PASSES_TD
#define SNN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSNNToCore : Pass<"convert-snn-to-core", "::mlir::ModuleOp"> {
  let summary = "Lower an integrated snn.network to loops over buffers";
  let description = [{
    Replaces each `snn.network` (whose neuron models must already be
    integrated, see `snn-integrate`) by:

    - `func.func @snn_step(%arena: memref<?xi8>, %step: i64, %seed: i64)`
      with the C interface, which performs one time step in the documented
      order (update and threshold fused per population, sources, propagation
      through delay rings, delivery, reset), built from `scf`, `arith`,
      `math` and `memref` ops. Every buffer is a `memref.view` of the arena,
      located through the table at its start (docs/runtime-abi.md).
      Parameters become constants, so the Jacobians of `snn.linear_update`
      fold and the op expands into multiply-adds with compile-time
      coefficients;
    - `llvm.mlir.global @snn_descriptor`: the JSON descriptor of buffers,
      populations, projections and recordings that the runtime reads.

    Random draws (Poisson sources, noise currents) are Philox4x32-10,
    generated inline with the runtime's keying.

    With `target=gpu` (docs/gpu-abi.md) the step is split into phases, each
    a grid-stride loop over `(tid, nthreads)` with atomic spike appends,
    double-buffered spike counts, a device-resident step counter and
    device-side recording:

    - `func.func private @snn_body_<name>` (record, update, propagate,
      deliver) and `func.func @snn_emulate_step` running them on the host;
    - `gpu.module @snn_kernels` with one kernel per phase and
      `snn_persistent`, which runs many steps in one block with a barrier
      after every phase;
    - the descriptor gains a `gpu` section.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "'cpu' (one snn_step function) or 'gpu' (phases and kernels)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::gpu::GPUDialect"];
}

#endif // SNN_CONVERSION_PASSES_TD
