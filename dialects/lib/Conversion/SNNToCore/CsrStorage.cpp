//===- CsrStorage.cpp - csr storage: rows of post indices ---------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h.
//
// What the lowering does for `#snn.storage<csr>` (docs/design.md,
// "Storage"): per presynaptic neuron a row of post indices (`col`, u16 or
// i32) from `row_ptr[i]` on, ascending (but for synapse lists, in the
// file's order); drawn on the device by the rule's kernels (DeviceBuild.cpp)
// or read from the list by the runtime.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

namespace mlir::snn::lowering {

void NetworkLowering::planCsrBuffers(ProjectionInfo &info, int64_t npre,
                                     int64_t npost) {
  std::string name = info.op.getSymName().str();
  info.rowPtr = addBuffer(name + ".row_ptr", b.getI64Type(), npre + 1);
  // Columns of 16 bits (read unsigned) when every post index fits: half the
  // bytes per synapse to store and to stream at each spike. A plan may keep
  // 32 (but not narrow a population that does not fit).
  bool fits = npost <= kNarrowColumnLimit;
  Type colType = fits ? b.getI16Type() : b.getI32Type();
  if (Type planned = plannedType(name + ".col");
      planned && fits && planned.isInteger(32))
    colType = planned;
  info.col = addBuffer(name + ".col", colType,
                       json::Object{{"synapses", name}});
}

void NetworkLowering::emitCsrBuild(ProjectionInfo &info, size_t e,
                                   json::Object &entry, json::Array &writes) {
  writes.push_back(info.col);
  Attribute conn = info.op.getConnectivity();
  if (isa<FixedIndegreeAttr>(conn)) {
    emitIndegreeKernels(info, e, entry);
    return;
  }
  if (isa<FixedTotalNumberAttr>(conn)) {
    entry["sort"] = emitTotalNumberKernels(info, e, entry);
    return;
  }
  // Rules drawn row by row: the row lengths, then the columns of row i
  // from row_ptr[i] on (the runtime's prefix sums of the lengths).
  entry["rows"] = emitRowsKernel(info, e);
  int64_t npre = spikingByName.lookup(info.op.getPre())->size;
  uint32_t entity = static_cast<uint32_t>(e);
  entry["fill"] = emitBuildKernel("fill", e, npre, [&](Value arenaArg, Value,
                                                       Value) {
    arena = arenaArg;
    emitViews();
    Value i = gridLoop(index(npre)).getInductionVar();
    Value base = load(info.rowPtr, i);
    emitRow(info, entity, i, [&](Value k, Value j) {
      Value at = toIndex(b.create<arith::AddIOp>(loc, base, k));
      store(columnValue(info, j), info.col, at);
    });
  });
}

Value NetworkLowering::columnValue(ProjectionInfo &info, Value j) {
  Type type = buffers[info.col].type;
  if (j.getType() == type)
    return j;
  return b.create<arith::TruncIOp>(loc, type, j);
}

Value NetworkLowering::lowerBound(int buffer, Value begin, Value end,
                                  Value key) {
  return lowerBound([&](Value k) { return loadIndex(buffer, k); }, begin, end,
                    key);
}

Value NetworkLowering::lowerBound(llvm::function_ref<Value(Value)> keyAt,
                                  Value begin, Value end, Value key) {
  // while (lo < hi) { mid = (lo + hi) / 2; col[mid] < key ? lo = mid + 1
  //                                                       : hi = mid; }
  Type indexType = b.getIndexType();
  auto loop = b.create<scf::WhileOp>(
      loc, TypeRange{indexType, indexType}, ValueRange{begin, end},
      [&](OpBuilder &, Location, ValueRange args) {
        b.create<scf::ConditionOp>(
            loc,
            b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, args[0],
                                    args[1]),
            args);
      },
      [&](OpBuilder &, Location, ValueRange args) {
        Value mid = b.create<arith::ShRUIOp>(
            loc, b.create<arith::AddIOp>(loc, args[0], args[1]), index(1));
        Value below = b.create<arith::CmpIOp>(
            loc, arith::CmpIPredicate::ult, keyAt(mid), key);
        b.create<scf::YieldOp>(
            loc,
            ValueRange{b.create<arith::SelectOp>(
                           loc, below,
                           b.create<arith::AddIOp>(loc, mid, index(1)),
                           args[0]),
                       b.create<arith::SelectOp>(loc, below, args[1], mid)});
      });
  return loop.getResult(0);
}

void NetworkLowering::emitRowPrefetch(ProjectionInfo &info, Value source) {
  auto [first, last] = rowBounds(info, source);
  prefetchLines({info.col, info.weight, info.delay}, first, last);
}

void NetworkLowering::emitRowPrefetchesBefore(
    ProjectionInfo &info, Value numSpikes,
    llvm::function_ref<Value(Value)> sourceAt) {
  // Rows of spiking neurons are scattered over the synapse arrays: the
  // first access to each misses the caches, and with one row after another
  // the misses would come one at a time.
  prefetchBeforeSpikes(info.rowPtr, numSpikes, sourceAt, [&](Value s) {
    emitRowPrefetch(info, sourceAt(s));
  });
}

void NetworkLowering::emitRowPrefetchAhead(
    ProjectionInfo &info, Value s, Value numSpikes,
    llvm::function_ref<Value(Value)> sourceAt) {
  prefetchAhead(s, numSpikes,
                [&](Value ahead) { emitRowPrefetch(info, sourceAt(ahead)); });
}

std::pair<Value, Value> NetworkLowering::rowBounds(ProjectionInfo &info,
                                                  Value source) {
  return {toIndex(load(info.rowPtr, source)),
          toIndex(load(info.rowPtr,
                       b.create<arith::AddIOp>(loc, source, index(1))))};
}

void NetworkLowering::emitCsrRowCPU(
    ProjectionInfo &info, Value source, Value lo, Value hi,
    llvm::function_ref<void(Value, Value)> onSynapse) {
  auto [begin, end] = rowBounds(info, source);
  emitCsrStretchCPU(info, begin, end, lo, hi, /*positions=*/-1, onSynapse);
}

void NetworkLowering::emitCsrStretchCPU(
    ProjectionInfo &info, Value begin, Value end, Value lo, Value hi,
    int positions, llvm::function_ref<void(Value, Value)> onSynapse) {
  // Position m holds synapse k = m, or positions[m] (increasing within the
  // stretch).
  auto synapseAt = [&](Value m) {
    return positions >= 0 ? toIndex(load(positions, m)) : m;
  };
  // Rows sorted by post (every rule but synapse lists): this thread's
  // targets are one stretch of the row, found by binary search (the whole
  // row with one thread). Otherwise every synapse, filtered.
  bool sorted = !isa<SynapseListAttr>(info.op.getConnectivity());
  if (sorted) {
    Value wholeRange = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                               nthreads, index(1));
    auto bounds = b.create<scf::IfOp>(
        loc, TypeRange{b.getIndexType(), b.getIndexType()}, wholeRange,
        /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(bounds.thenBlock());
    b.create<scf::YieldOp>(loc, ValueRange{begin, end});
    b.setInsertionPointToStart(bounds.elseBlock());
    auto postAt = [&](Value m) { return loadIndex(info.col, synapseAt(m)); };
    Value first = lowerBound(postAt, begin, end, lo);
    Value last = lowerBound(postAt, first, end, hi);
    b.create<scf::YieldOp>(loc, ValueRange{first, last});
    begin = bounds.getResult(0);
    end = bounds.getResult(1);
  }
  OpBuilder::InsertionGuard guard(b);
  auto synapses = b.create<scf::ForOp>(loc, begin, end, index(1));
  b.setInsertionPointToStart(synapses.getBody());
  Value k = synapseAt(synapses.getInductionVar());
  Value post = loadIndex(info.col, k);
  if (!sorted)
    ifInShare(post, lo, hi);
  onSynapse(post, k);
}

void NetworkLowering::emitCsrRowGPU(
    ProjectionInfo &info, Value source, Value lane, Value lanes,
    llvm::function_ref<void(Value, Value)> onSynapse) {
  // Lane l takes synapses l, l + lanes, ... of the row.
  auto [begin, end] = rowBounds(info, source);
  OpBuilder::InsertionGuard guard(b);
  auto synapses = b.create<scf::ForOp>(
      loc, b.create<arith::AddIOp>(loc, begin, lane), end, lanes);
  b.setInsertionPointToStart(synapses.getBody());
  Value k = synapses.getInductionVar();
  onSynapse(loadIndex(info.col, k), k);
}

} // namespace mlir::snn::lowering
