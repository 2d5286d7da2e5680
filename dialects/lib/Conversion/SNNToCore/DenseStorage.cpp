//===- DenseStorage.cpp - dense storage: rows of bits -------------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h.
//
// Everything the lowering does for `#snn.storage<dense>` (docs/design.md,
// "Storage"): row i of the projection is ceil(npost / 64) 64-bit words,
// bit j % 64 of word j / 64 set when (i, j) is a synapse. The rows are
// drawn by the same code as csr's (emitRow), so the synapses are the same,
// and so are the weights and delays where they vary: stored in csr order,
// synapse k of row i at row_ptr[i] + (set bits of the row before it).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

namespace mlir::snn::lowering {

void NetworkLowering::planDenseBuffers(ProjectionInfo &info, int64_t npre,
                                       int64_t npost) {
  std::string name = info.op.getSymName().str();
  Type i64Type = b.getI64Type();
  info.maskWords = (npost + 63) / 64;
  info.rowPtr = addBuffer(name + ".row_ptr", i64Type, npre + 1);
  info.mask = addBuffer(name + ".mask", i64Type, npre * info.maskWords);
}

void NetworkLowering::emitDenseBuild(ProjectionInfo &info, size_t e,
                                     json::Object &entry,
                                     json::Array &writes) {
  writes.push_back(info.mask);
  entry["rows"] = emitRowsKernel(info, e);
  entry["fill"] = emitDenseFillKernel(info, e);
  entry["columns"] = emitDenseColumnsKernel(info, e);
}

json::Object NetworkLowering::emitDenseColumnsKernel(ProjectionInfo &info,
                                                     size_t e) {
  // The scratch: i64 words, row_ptr (npre + 1, the runtime's) then the n
  // columns, read from the bits (--save-connectivity).
  int64_t npre = spikingByName.lookup(info.op.getPre())->size;
  Type i64Type = b.getI64Type();
  return emitBuildKernel("columns", e, npre, [&](Value arenaArg, Value scratch,
                                                 Value n) {
    arena = arenaArg;
    emitViews();
    // (Not a structured binding: the lambdas below capture them.)
    Value rowPtr, cols;
    std::tie(rowPtr, cols) = columnsScratch(scratch, npre, n);
    Value i = gridLoop(index(npre)).getInductionVar();
    Value base = b.create<memref::LoadOp>(loc, rowPtr, ValueRange{i});
    auto words = b.create<scf::ForOp>(loc, index(0), index(info.maskWords),
                                      index(1), ValueRange{base});
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(words.getBody());
    Value w = words.getInductionVar();
    Value firstPost = b.create<arith::IndexCastOp>(
        loc, i64Type, b.create<arith::MulIOp>(loc, w, index(64)));
    // Every set bit, lowest first, into the next place of the row.
    SmallVector<Value> end = emitSetBits(
        denseWord(info, i, w), ValueRange{words.getRegionIterArg(0)},
        [&](Value t, ValueRange at) -> SmallVector<Value> {
          b.create<memref::StoreOp>(loc,
                                    b.create<arith::AddIOp>(loc, firstPost, t),
                                    cols, ValueRange{toIndex(at[0])});
          return {b.create<arith::AddIOp>(loc, at[0], i64(1))};
        });
    b.create<scf::YieldOp>(loc, ValueRange{end[0]});
  });
}

json::Object NetworkLowering::emitDenseFillKernel(ProjectionInfo &info,
                                                  size_t e) {
  int64_t npre = spikingByName.lookup(info.op.getPre())->size;
  uint32_t entity = static_cast<uint32_t>(e);
  return emitBuildKernel("fill", e, npre, [&](Value arenaArg, Value, Value) {
    arena = arenaArg;
    emitViews();
    // Row i is this thread's alone: cleared, then a bit set per synapse.
    Value i = gridLoop(index(npre)).getInductionVar();
    Value rowBase = b.create<arith::MulIOp>(loc, i, index(info.maskWords));
    {
      OpBuilder::InsertionGuard guard(b);
      auto clear = b.create<scf::ForOp>(loc, index(0), index(info.maskWords),
                                        index(1));
      b.setInsertionPointToStart(clear.getBody());
      store(i64(0), info.mask,
            b.create<arith::AddIOp>(loc, rowBase, clear.getInductionVar()));
    }
    emitRow(info, entity, i, [&](Value, Value j) {
      Value at = b.create<arith::AddIOp>(
          loc, rowBase, toIndex(b.create<arith::ShRUIOp>(loc, j, i64(6))));
      Value bit = b.create<arith::ShLIOp>(
          loc, i64(1), b.create<arith::AndIOp>(loc, j, i64(63)));
      store(b.create<arith::OrIOp>(loc, load(info.mask, at), bit), info.mask,
            at);
    });
  });
}

SmallVector<Value> NetworkLowering::emitSetBits(
    Value bits, ValueRange carried,
    llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  // while (bits != 0) { t = trailing zeros; body; bits &= bits - 1; }
  SmallVector<Value> init{bits};
  init.append(carried.begin(), carried.end());
  SmallVector<Type> types;
  for (Value v : init)
    types.push_back(v.getType());
  auto loop = b.create<scf::WhileOp>(
      loc, types, init,
      [&](OpBuilder &, Location, ValueRange args) {
        b.create<scf::ConditionOp>(
            loc,
            b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, args[0],
                                    i64(0)),
            args);
      },
      [&](OpBuilder &, Location, ValueRange args) {
        Value t = b.create<math::CountTrailingZerosOp>(loc, args[0]);
        SmallVector<Value> next{b.create<arith::AndIOp>(
            loc, args[0], b.create<arith::SubIOp>(loc, args[0], i64(1)))};
        SmallVector<Value> rest = body(t, args.drop_front());
        next.append(rest.begin(), rest.end());
        b.create<scf::YieldOp>(loc, next);
      });
  return SmallVector<Value>(loop.getResults().drop_front());
}

Value NetworkLowering::denseWord(ProjectionInfo &info, Value source,
                                 Value w) {
  Value rowBase = b.create<arith::MulIOp>(loc, source, index(info.maskWords));
  return load(info.mask, b.create<arith::AddIOp>(loc, rowBase, w));
}

Value NetworkLowering::denseSynapseIndex(Value before, Value word,
                                         Value bit) {
  // before + the set bits of `word` below `bit`.
  Value below = b.create<arith::SubIOp>(
      loc, b.create<arith::ShLIOp>(loc, i64(1), bit), i64(1));
  return toIndex(b.create<arith::AddIOp>(
      loc, before,
      b.create<math::CtPopOp>(loc,
                              b.create<arith::AndIOp>(loc, word, below))));
}

void NetworkLowering::emitDenseRowCPU(
    ProjectionInfo &info, Value source, Value lo, Value hi,
    llvm::function_ref<void(Value, Value)> onSynapse) {
  Type i64Type = b.getI64Type(), indexType = b.getIndexType();
  // The words that hold posts lo .. hi - 1.
  Value firstWord = b.create<arith::DivUIOp>(loc, lo, index(64));
  Value wordEnd = b.create<arith::DivUIOp>(
      loc, b.create<arith::AddIOp>(loc, hi, index(63)), index(64));
  bool indexed = info.weight >= 0 || info.delay >= 0;
  // The synapses before the first word: the row's first index plus the
  // set bits of the row's words before it.
  Value before = i64(0);
  if (indexed) {
    OpBuilder::InsertionGuard guard(b);
    auto count = b.create<scf::ForOp>(loc, index(0), firstWord, index(1),
                                      ValueRange{load(info.rowPtr, source)});
    b.setInsertionPointToStart(count.getBody());
    b.create<scf::YieldOp>(
        loc, ValueRange{b.create<arith::AddIOp>(
                 loc, count.getRegionIterArg(0),
                 b.create<math::CtPopOp>(
                     loc, denseWord(info, source, count.getInductionVar())))});
    before = count.getResult(0);
  }
  auto words = b.create<scf::ForOp>(loc, firstWord, wordEnd, index(1),
                                    ValueRange{before});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(words.getBody());
  Value w = words.getInductionVar();
  Value full = denseWord(info, source, w);
  Value firstPost = b.create<arith::MulIOp>(loc, w, index(64));
  // Only posts in [lo, hi): the bits below lo in the first word, from hi
  // on in the last (shift amounts taken mod 64, used only in range).
  Value base64 = b.create<arith::IndexCastOp>(loc, i64Type, firstPost);
  auto shift = [&](Value post) {
    return b.create<arith::AndIOp>(
        loc,
        b.create<arith::SubIOp>(
            loc, b.create<arith::IndexCastOp>(loc, i64Type, post), base64),
        i64(63));
  };
  Value cutLow =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, firstPost, lo);
  Value keepFrom = b.create<arith::SelectOp>(
      loc, cutLow, b.create<arith::ShLIOp>(loc, i64(-1), shift(lo)), i64(-1));
  Value cutHigh = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::ugt,
      b.create<arith::AddIOp>(loc, firstPost, index(64)), hi);
  Value keepBelow = b.create<arith::SelectOp>(
      loc, cutHigh,
      b.create<arith::SubIOp>(
          loc, b.create<arith::ShLIOp>(loc, i64(1), shift(hi)), i64(1)),
      i64(-1));
  Value bits = b.create<arith::AndIOp>(
      loc, full, b.create<arith::AndIOp>(loc, keepFrom, keepBelow));
  Value wordBefore = words.getRegionIterArg(0);
  emitSetBits(bits, ValueRange{}, [&](Value t, ValueRange) {
    Value post = b.create<arith::AddIOp>(
        loc, firstPost, b.create<arith::IndexCastOp>(loc, indexType, t));
    onSynapse(post, indexed ? denseSynapseIndex(wordBefore, full, t) : Value());
    return SmallVector<Value>{};
  });
  Value next = wordBefore;
  if (indexed)
    next = b.create<arith::AddIOp>(loc, wordBefore,
                                   b.create<math::CtPopOp>(loc, full));
  b.create<scf::YieldOp>(loc, ValueRange{next});
}

void NetworkLowering::emitDenseRowGPU(
    ProjectionInfo &info, Value source, Value lane, Value lanes,
    llvm::function_ref<void(Value, Value)> onSynapse) {
  Type i64Type = b.getI64Type();
  bool indexed = info.weight >= 0 || info.delay >= 0;
  Value before = indexed ? load(info.rowPtr, source) : i64(0);
  // Every lane reads each word of the row (the same address: one
  // transaction) and takes its bits lane, lane + lanes, ...: as many
  // arrivals at once as csr's lanes give, without column loads.
  auto words = b.create<scf::ForOp>(loc, index(0), index(info.maskWords),
                                    index(1), ValueRange{before});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(words.getBody());
  Value w = words.getInductionVar();
  Value full = denseWord(info, source, w);
  Value wordBefore = words.getRegionIterArg(0);
  {
    OpBuilder::InsertionGuard g(b);
    auto bitLoop = b.create<scf::ForOp>(loc, lane, index(64), lanes);
    b.setInsertionPointToStart(bitLoop.getBody());
    Value t = b.create<arith::IndexCastOp>(loc, i64Type,
                                           bitLoop.getInductionVar());
    Value set = b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::ne,
        b.create<arith::AndIOp>(loc, b.create<arith::ShRUIOp>(loc, full, t),
                                i64(1)),
        i64(0));
    auto ifSet = b.create<scf::IfOp>(loc, set, /*withElseRegion=*/false);
    b.setInsertionPointToStart(ifSet.thenBlock());
    Value post = b.create<arith::AddIOp>(
        loc, b.create<arith::MulIOp>(loc, w, index(64)),
        bitLoop.getInductionVar());
    onSynapse(post,
              indexed ? denseSynapseIndex(wordBefore, full, t) : Value());
  }
  Value next = wordBefore;
  if (indexed)
    next = b.create<arith::AddIOp>(loc, wordBefore,
                                   b.create<math::CtPopOp>(loc, full));
  b.create<scf::YieldOp>(loc, ValueRange{next});
}

} // namespace mlir::snn::lowering
