//===- ProceduralStorage.cpp - procedural storage: rows drawn again ----------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h.
//
// What the lowering does for `#snn.storage<procedural>` (docs/design.md,
// "Storage"): nothing is stored; when a presynaptic neuron spikes, its row
// is drawn again by the code that draws csr's rows (emitRow), so the
// synapses are the same. The weight and delay are constants.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

namespace mlir::snn::lowering {

void NetworkLowering::emitProceduralBuild(ProjectionInfo &info, size_t e,
                                          json::Object &entry,
                                          json::Array &) {
  // Nothing stored (the device writes nothing): rows counts the synapses
  // (for the summary), and columns draws them into a scratch for
  // --save-connectivity: i64 words, row_ptr (npre + 1) then the n columns.
  int64_t npre = spikingByName.lookup(info.op.getPre())->size;
  uint32_t entity = static_cast<uint32_t>(e);
  entry["rows"] = emitRowsKernel(info, e);
  entry["columns"] = emitBuildKernel("columns", e, npre, [&](Value,
                                                             Value scratch,
                                                             Value n) {
    // (Not a structured binding: the lambdas below capture them.)
    Value rowPtr, cols;
    std::tie(rowPtr, cols) = columnsScratch(scratch, npre, n);
    Value i = gridLoop(index(npre)).getInductionVar();
    Value base = b.create<memref::LoadOp>(loc, rowPtr, ValueRange{i});
    emitRow(info, entity, i, [&](Value k, Value j) {
      Value at = toIndex(b.create<arith::AddIOp>(loc, base, k));
      b.create<memref::StoreOp>(loc, j, cols, ValueRange{at});
    });
  });
}

void NetworkLowering::emitProceduralRowCPU(
    ProjectionInfo &info, Value source, Value lo, Value hi,
    llvm::function_ref<void(Value, Value)> onSynapse) {
  // The row, drawn again; only this thread's targets.
  emitRow(info, info.entity, source, [&](Value, Value j) {
    OpBuilder::InsertionGuard g(b);
    Value post = toIndex(j);
    ifInShare(post, lo, hi);
    onSynapse(post, Value());
  });
}

void NetworkLowering::emitProceduralRowGPU(
    ProjectionInfo &info, Value source,
    llvm::function_ref<void(Value, Value)> onSynapse) {
  // A row is drawn in order (each draw skips to the next synapse): one
  // thread walks it.
  emitRow(info, info.entity, source,
          [&](Value, Value j) { onSynapse(toIndex(j), Value()); });
}

} // namespace mlir::snn::lowering
