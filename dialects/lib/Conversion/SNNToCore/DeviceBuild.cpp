//===- DeviceBuild.cpp - connectivity on the device ---------------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include <limits>

namespace mlir::snn::lowering {

json::Object NetworkLowering::beginBuildKernel(StringRef what, size_t e,
                                               int64_t work, Value &arenaArg,
                                               Value &scratch, Value &n) {
  auto bufType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  Type i64Type = b.getI64Type(), indexType = b.getIndexType();
  std::string name = (Twine("snn_build_") + what + "_" + Twine(e)).str();
  b.setInsertionPoint(network);
  auto func = b.create<func::FuncOp>(
      loc, (Twine("snn_body_build_") + what + "_" + Twine(e)).str(),
      b.getFunctionType(
          {bufType, bufType, i64Type, i64Type, indexType, indexType}, {}));
  func.setPrivate();
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  arenaArg = entry->getArgument(0);
  scratch = entry->getArgument(1);
  seed = entry->getArgument(2);
  n = entry->getArgument(3);
  tid = entry->getArgument(4);
  nthreads = entry->getArgument(5);
  json::Object ref{{"kernel", name},
                   {"emulate", static_cast<int64_t>(buildKernels.size())}};
  if (work >= 0)
    ref["work"] = work;
  buildKernels.push_back({name, func});
  return ref;
}

json::Object NetworkLowering::emitBuildKernel(
    StringRef what, size_t e, int64_t work,
    llvm::function_ref<void(Value, Value, Value)> body) {
  OpBuilder::InsertionGuard guard(b);
  Value arenaArg, scratch, n;
  json::Object ref = beginBuildKernel(what, e, work, arenaArg, scratch, n);
  Block *entryBlock = b.getInsertionBlock();
  body(arenaArg, scratch, n);
  b.setInsertionPointToEnd(entryBlock);
  b.create<func::ReturnOp>(loc);
  return ref;
}

Value NetworkLowering::emitRow(ProjectionInfo &info, uint32_t entity, Value i,
                               llvm::function_ref<void(Value, Value)> onSynapse) {
  Type i64Type = b.getI64Type();
  Attribute conn = info.op.getConnectivity();
  int64_t npost = populationByName.lookup(info.op.getPost())->op.getSize();
  bool self = info.op.getPre() == info.op.getPost();
  Value row = b.create<arith::IndexCastOp>(loc, i64Type, i);
  if (isa<OneToOneAttr>(conn)) {
    if (onSynapse)
      onSynapse(i64(0), row);
    return i64(1);
  }
  bool allowSelf = true;
  double p = 1.0;
  if (auto a = dyn_cast<AllToAllAttr>(conn))
    allowSelf = a.getAllowSelf();
  auto fp = dyn_cast<FixedProbabilityAttr>(conn);
  if (fp) {
    allowSelf = fp.getAllowSelf();
    p = fp.getP().convertToDouble();
  }
  // Row i skips itself when self-connections are excluded (and i < npost).
  Value skipSelf = b.create<arith::ConstantIntOp>(loc, 0, 1);
  if (self && !allowSelf)
    skipSelf = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, row,
                                       i64(npost));
  Value candidates = b.create<arith::SubIOp>(
      loc, i64(npost), b.create<arith::ExtUIOp>(loc, i64Type, skipSelf));
  // Candidate c is neuron c, or c + 1 at and after i when i is skipped.
  auto neuronOf = [&](Value c) {
    Value shift = b.create<arith::AndIOp>(
        loc, skipSelf,
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, c, row));
    return b.create<arith::AddIOp>(
        loc, c, b.create<arith::ExtUIOp>(loc, i64Type, shift));
  };
  if (p <= 0.0)
    return i64(0);
  if (!fp || p >= 1.0) {
    // Every candidate, in order.
    if (onSynapse) {
      auto loop = b.create<scf::ForOp>(loc, i64(0), candidates, i64(1));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value c = loop.getInductionVar();
      onSynapse(c, neuronOf(c));
    }
    return candidates;
  }
  // Geometric skipping (docs/runtime-abi.md): draw k of the row skips
  // floor(log(1 - u) / log(1 - p)) candidates before the next synapse.
  Type i32Type = b.getI32Type(), f64Type = b.getF64Type();
  double logq = std::log1p(-p);
  auto f64 = [&](double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
  };
  Value c0 = b.create<arith::TruncIOp>(loc, i32Type, row);
  auto loop = b.create<scf::WhileOp>(
      loc, TypeRange{i64Type, i64Type, i64Type},
      ValueRange{i64(-1), i64(0), i64(0)},
      [&](OpBuilder &, Location, ValueRange args) {
        Value pos = args[0], draw = args[1], count = args[2];
        Value c1 = b.create<arith::TruncIOp>(loc, i32Type, draw);
        Value c2 = b.create<arith::TruncIOp>(
            loc, i32Type, b.create<arith::ShRUIOp>(loc, draw, i64(32)));
        auto x = emitDraw(b, loc, seed, c0, c1, c2, entity,
                          RandomPurpose::Connectivity);
        Value u = emitUniform(b, loc, x, b.getF64Type());
        Value skip = b.create<math::FloorOp>(
            loc, b.create<arith::DivFOp>(
                     loc,
                     b.create<math::Log1pOp>(
                         loc, b.create<arith::NegFOp>(loc, u)),
                     f64(logq)));
        Value left = b.create<arith::SIToFPOp>(
            loc, f64Type,
            b.create<arith::SubIOp>(
                loc, b.create<arith::SubIOp>(loc, candidates, pos), i64(1)));
        Value more =
            b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, skip, left);
        // Only converted when it is in range.
        Value steps = b.create<arith::FPToSIOp>(
            loc, i64Type,
            b.create<arith::SelectOp>(loc, more, skip, f64(0.0)));
        Value next = b.create<arith::AddIOp>(
            loc, b.create<arith::AddIOp>(loc, pos, steps), i64(1));
        b.create<scf::ConditionOp>(
            loc, more,
            ValueRange{next, b.create<arith::AddIOp>(loc, draw, i64(1)),
                       count});
      },
      [&](OpBuilder &, Location, ValueRange args) {
        Value pos = args[0], count = args[2];
        if (onSynapse)
          onSynapse(count, neuronOf(pos));
        b.create<scf::YieldOp>(
            loc, ValueRange{pos, args[1],
                            b.create<arith::AddIOp>(loc, count, i64(1))});
      });
  return loop.getResult(2);
}

Value NetworkLowering::emitSynapseValue(Attribute spec, RandomPurpose purpose,
                                        uint32_t entity, Value s, Value c2) {
  Type i32Type = b.getI32Type(), i64Type = b.getI64Type();
  Value wide = b.create<arith::IndexCastOp>(loc, i64Type, s);
  Value c0 = b.create<arith::TruncIOp>(loc, i32Type, wide);
  Value c1 = b.create<arith::TruncIOp>(
      loc, i32Type, b.create<arith::ShRUIOp>(loc, wide, i64(32)));
  return emitDrawnValue(spec, purpose, entity, c0, c1, c2);
}

Value NetworkLowering::emitDrawnValue(Attribute spec, RandomPurpose purpose,
                                      uint32_t entity, Value c0, Value c1,
                                      Value c2) {
  auto x = emitDraw(b, loc, seed, c0, c1, c2 ? c2 : i32(0), entity, purpose);
  auto f64 = [&](double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
  };
  // low + (high - low) * u, mean + std * z, in f64 (docs/runtime-abi.md).
  if (auto u = dyn_cast<UniformAttr>(spec)) {
    double low = u.getLow().convertToDouble();
    double high = u.getHigh().convertToDouble();
    return b.create<arith::AddFOp>(
        loc, f64(low),
        b.create<arith::MulFOp>(loc, f64(high - low),
                                emitUniform(b, loc, x, b.getF64Type())));
  }
  auto normal = cast<NormalAttr>(spec);
  Value value = b.create<arith::AddFOp>(
      loc, f64(normal.getMean().convertToDouble()),
      b.create<arith::MulFOp>(loc, f64(normal.getStd().convertToDouble()),
                              emitNormal(b, loc, x, b.getF64Type())));
  // Clipping: max then min, exact.
  if (!normal.getLow().isInfinity())
    value = b.create<arith::MaximumFOp>(
        loc, value, f64(normal.getLow().convertToDouble()));
  if (!normal.getHigh().isInfinity())
    value = b.create<arith::MinimumFOp>(
        loc, value, f64(normal.getHigh().convertToDouble()));
  return value;
}

std::pair<Value, Value> NetworkLowering::emitDelaySteps(Value ms) {
  auto f64 = [&](double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
  };
  double dt = network.getDt().convertToDouble();
  // Half away from zero, as the runtime's std::round, from floor (math.round
  // has no NVVM lowering in MLIR 19): r = floor(|x|), plus 1 when the
  // fraction |x| - r (exact) is at least 1/2, with the sign of x.
  Value x = b.create<arith::DivFOp>(loc, ms, f64(dt));
  Value negative =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, f64(0));
  Value magnitude = b.create<arith::SelectOp>(
      loc, negative, b.create<arith::NegFOp>(loc, x), x);
  Value whole = b.create<math::FloorOp>(loc, magnitude);
  Value up = b.create<arith::CmpFOp>(
      loc, arith::CmpFPredicate::OGE,
      b.create<arith::SubFOp>(loc, magnitude, whole), f64(0.5));
  Value rounded = b.create<arith::AddFOp>(
      loc, whole, b.create<arith::SelectOp>(loc, up, f64(1), f64(0)));
  Value steps = b.create<arith::SelectOp>(
      loc, negative, b.create<arith::NegFOp>(loc, rounded), rounded);
  // Not NaN, not negative, at most INT32_MAX steps (which also rules out
  // infinity).
  Value valid = b.create<arith::AndIOp>(
      loc, b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, ms, f64(0)),
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLE, steps,
                              f64(2147483647.0)));
  return {steps, valid};
}

void NetworkLowering::emitIndegreeKernels(ProjectionInfo &info, size_t e,
                                          json::Object &entry) {
  Type i32Type = b.getI32Type(), i64Type = b.getI64Type();
  FloatType f64Type = b.getF64Type();
  auto i64Memref = MemRefType::get({ShapedType::kDynamic}, i64Type);
  auto i32Memref = MemRefType::get({ShapedType::kDynamic}, i32Type);
  auto conn = cast<FixedIndegreeAttr>(info.op.getConnectivity());
  uint32_t entity = static_cast<uint32_t>(e);
  int64_t npre = spikingByName.lookup(info.op.getPre())->size;
  int64_t npost = populationByName.lookup(info.op.getPost())->op.getSize();
  int64_t k = conn.getK();
  int64_t slots = 2 * k; // per post: an open-addressing table
  bool excludeSelf =
      info.op.getPre() == info.op.getPost() && !conn.getAllowSelf();
  // The scratch: counts i64[npre], cursors i64[npre], then the tables,
  // i32[npost * 2k] (docs/gpu-abi.md, "fixed_indegree").
  entry["scratch"] = 2 * npre + npost * k;
  auto cmp = [&](arith::CmpIPredicate pred, Value x, Value y) {
    return b.create<arith::CmpIOp>(loc, pred, x, y);
  };
  auto add = [&](Value x, Value y) {
    return b.create<arith::AddIOp>(loc, x, y);
  };
  // Per post j: its table, whether it skips itself, and candidate -> neuron.
  struct Post {
    Value j, table, base, skipSelf;
  };
  auto viewAt = [&](Value scratch, MemRefType type, int64_t byteOffset,
                    int64_t size) -> Value {
    return b.create<memref::ViewOp>(loc, type, scratch, index(byteOffset),
                                    ValueRange{index(size)});
  };
  auto beginPost = [&](Value scratch) {
    Post p;
    p.table = viewAt(scratch, i32Memref, 16 * npre, npost * slots);
    Value j = gridLoop(index(npost)).getInductionVar();
    p.j = b.create<arith::IndexCastOp>(loc, i64Type, j);
    p.base = b.create<arith::MulIOp>(loc, p.j, i64(slots));
    p.skipSelf = b.create<arith::ConstantIntOp>(loc, 0, 1);
    if (excludeSelf)
      p.skipSelf = cmp(arith::CmpIPredicate::slt, p.j, i64(npre));
    return p;
  };
  // Candidate c is neuron c, or c + 1 at and after j when j is skipped.
  auto neuronOf = [&](Post &p, Value c) -> Value {
    Value shift = b.create<arith::AndIOp>(
        loc, p.skipSelf, cmp(arith::CmpIPredicate::sge, c, p.j));
    return add(c, b.create<arith::ExtUIOp>(loc, i64Type, shift));
  };
  auto slotAt = [&](Post &p, Value slot) { return toIndex(add(p.base, slot)); };
  // The slot of candidate c in post p's table: where it is, or the empty
  // slot where it belongs (linear probing from c mod 2k).
  auto probe = [&](Post &p, Value c) -> std::pair<Value, Value> {
    Value key = b.create<arith::TruncIOp>(loc, i32Type, add(c, i64(1)));
    Value zero32 = i32(0);
    auto loop = b.create<scf::WhileOp>(
        loc, TypeRange{i64Type},
        ValueRange{b.create<arith::RemSIOp>(loc, c, i64(slots))},
        [&](OpBuilder &, Location, ValueRange args) {
          Value v = b.create<memref::LoadOp>(loc, p.table,
                                             ValueRange{slotAt(p, args[0])});
          Value go = b.create<arith::AndIOp>(
              loc, cmp(arith::CmpIPredicate::ne, v, zero32),
              cmp(arith::CmpIPredicate::ne, v, key));
          b.create<scf::ConditionOp>(loc, go, args);
        },
        [&](OpBuilder &, Location, ValueRange args) {
          Value next = add(args[0], i64(1));
          b.create<scf::YieldOp>(
              loc, ValueRange{b.create<arith::SelectOp>(
                       loc, cmp(arith::CmpIPredicate::eq, next, i64(slots)),
                       i64(0), next)});
        });
    Value slot = loop.getResult(0);
    Value found = cmp(arith::CmpIPredicate::eq,
                      b.create<memref::LoadOp>(loc, p.table,
                                               ValueRange{slotAt(p, slot)}),
                      key);
    return {slot, found};
  };

  // rows: per post j, Floyd's sampling as the host's (runtime-abi.md): for
  // the r-th value m of n - k .. n - 1, t = floor(u * (m + 1)), capped at m;
  // take t unless it was taken, else m. Each pick counts in its row.
  entry["rows"] = emitBuildKernel(
      "rows", e, npost, [&](Value, Value scratch, Value) {
        if (k == 0)
          return;
        Value counts = viewAt(scratch, i64Memref, 0, npre);
        Post p = beginPost(scratch);
        Value candidates = b.create<arith::SubIOp>(
            loc, i64(npre), b.create<arith::ExtUIOp>(loc, i64Type, p.skipSelf));
        Value c0 = b.create<arith::TruncIOp>(loc, i32Type, p.j);
        auto loop = b.create<scf::ForOp>(loc, i64(0), i64(k), i64(1));
        b.setInsertionPointToStart(loop.getBody());
        Value r = loop.getInductionVar();
        Value m = add(b.create<arith::SubIOp>(loc, candidates, i64(k)), r);
        auto x = emitDraw(
            b, loc, seed, c0, b.create<arith::TruncIOp>(loc, i32Type, r),
            b.create<arith::TruncIOp>(
                loc, i32Type, b.create<arith::ShRUIOp>(loc, r, i64(32))),
            entity, RandomPurpose::Connectivity);
        Value u = emitUniform(b, loc, x, f64Type);
        Value scaled = b.create<arith::MulFOp>(
            loc, u,
            b.create<arith::SIToFPOp>(loc, f64Type, add(m, i64(1))));
        Value t = b.create<arith::MinSIOp>(
            loc, b.create<arith::FPToSIOp>(loc, i64Type, scaled), m);
        Value taken = probe(p, t).second;
        Value pick = b.create<arith::SelectOp>(loc, taken, m, t);
        Value slot = probe(p, pick).first;
        b.create<memref::StoreOp>(
            loc, b.create<arith::TruncIOp>(loc, i32Type, add(pick, i64(1))),
            p.table, ValueRange{slotAt(p, slot)});
        b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::addi, i64(1),
                                      counts,
                                      ValueRange{toIndex(neuronOf(p, pick))});
      });

  // fill: per post j, j into the next free slot of each chosen row.
  entry["fill"] = emitBuildKernel(
      "fill", e, npost, [&](Value arenaArg, Value scratch, Value) {
        if (k == 0)
          return;
        arena = arenaArg;
        emitViews();
        Value cursors = viewAt(scratch, i64Memref, 8 * npre, npre);
        Post p = beginPost(scratch);
        Value post = b.create<arith::TruncIOp>(loc, i32Type, p.j);
        auto loop = b.create<scf::ForOp>(loc, i64(0), i64(slots), i64(1));
        b.setInsertionPointToStart(loop.getBody());
        Value v = b.create<memref::LoadOp>(
            loc, p.table, ValueRange{slotAt(p, loop.getInductionVar())});
        auto ifOp = b.create<scf::IfOp>(
            loc, cmp(arith::CmpIPredicate::ne, v, i32(0)),
            /*withElseRegion=*/false);
        b.setInsertionPointToStart(ifOp.thenBlock());
        Value c = b.create<arith::SubIOp>(
            loc, b.create<arith::ExtSIOp>(loc, i64Type, v), i64(1));
        Value row = toIndex(neuronOf(p, c));
        Value at = b.create<memref::AtomicRMWOp>(
            loc, arith::AtomicRMWKind::addi, i64(1), cursors, ValueRange{row});
        store(columnValue(info, post), info.col,
              toIndex(add(load(info.rowPtr, row), at)));
      });

  entry["sort"] = emitSortKernel(info, e, k == 0);
}

json::Object NetworkLowering::emitSortKernel(ProjectionInfo &info, size_t e,
                                             bool empty) {
  Type i64Type = b.getI64Type();
  int64_t npre = spikingByName.lookup(info.op.getPre())->size;
  auto cmp = [&](arith::CmpIPredicate pred, Value x, Value y) {
    return b.create<arith::CmpIOp>(loc, pred, x, y);
  };
  auto add = [&](Value x, Value y) {
    return b.create<arith::AddIOp>(loc, x, y);
  };
  // Each row ascending (heap sort in place: equal posts, multapses, are
  // interchangeable, so any correct sort gives the host's order).
  return emitBuildKernel(
      "sort", e, npre, [&](Value arenaArg, Value, Value) {
        if (empty)
          return;
        arena = arenaArg;
        emitViews();
        Value i = gridLoop(index(npre)).getInductionVar();
        Value first = load(info.rowPtr, i);
        Value length = b.create<arith::SubIOp>(
            loc, load(info.rowPtr, b.create<arith::AddIOp>(loc, i, index(1))),
            first);
        auto at = [&](Value x) { return toIndex(add(first, x)); };
        auto get = [&](Value x) { return load(info.col, at(x)); };
        auto swap = [&](Value x, Value y) {
          Value vx = get(x), vy = get(y);
          store(vy, info.col, at(x));
          store(vx, info.col, at(y));
        };
        // Moves the value at `root` down the heap of [0, end).
        auto siftDown = [&](Value root, Value end) {
          b.create<scf::WhileOp>(
              loc, TypeRange{i64Type, i64Type}, ValueRange{root, i64(0)},
              [&](OpBuilder &, Location, ValueRange args) {
                Value node = args[0];
                Value child = add(
                    b.create<arith::MulIOp>(loc, node, i64(2)), i64(1));
                auto ifOp = b.create<scf::IfOp>(
                    loc, cmp(arith::CmpIPredicate::slt, child, end),
                    [&](OpBuilder &, Location) {
                      Value right = add(child, i64(1));
                      auto pick = b.create<scf::IfOp>(
                          loc, cmp(arith::CmpIPredicate::slt, right, end),
                          [&](OpBuilder &, Location) {
                            b.create<scf::YieldOp>(
                                loc, ValueRange{b.create<arith::SelectOp>(
                                         loc,
                                         cmp(arith::CmpIPredicate::ult,
                                             get(child), get(right)),
                                         right, child)});
                          },
                          [&](OpBuilder &, Location) {
                            b.create<scf::YieldOp>(loc, ValueRange{child});
                          });
                      Value larger = pick.getResult(0);
                      // Columns compare unsigned (u16 ones above 32767).
                      Value down = cmp(arith::CmpIPredicate::ult, get(node),
                                       get(larger));
                      b.create<scf::YieldOp>(loc, ValueRange{down, larger});
                    },
                    [&](OpBuilder &, Location) {
                      b.create<scf::YieldOp>(
                          loc,
                          ValueRange{b.create<arith::ConstantIntOp>(loc, 0, 1),
                                     i64(0)});
                    });
                b.create<scf::ConditionOp>(
                    loc, ifOp.getResult(0),
                    ValueRange{node, ifOp.getResult(1)});
              },
              [&](OpBuilder &, Location, ValueRange args) {
                swap(args[0], args[1]);
                b.create<scf::YieldOp>(loc, ValueRange{args[1], i64(0)});
              });
        };
        // Heapify, then move the largest to the end, len - 1 times.
        Value half = b.create<arith::DivSIOp>(loc, length, i64(2));
        {
          OpBuilder::InsertionGuard inner(b);
          auto loop = b.create<scf::ForOp>(loc, i64(0), half, i64(1));
          b.setInsertionPointToStart(loop.getBody());
          Value root = b.create<arith::SubIOp>(
              loc, b.create<arith::SubIOp>(loc, half, i64(1)),
              loop.getInductionVar());
          siftDown(root, length);
        }
        Value last = b.create<arith::SubIOp>(loc, length, i64(1));
        auto loop = b.create<scf::ForOp>(loc, i64(0), last, i64(1));
        b.setInsertionPointToStart(loop.getBody());
        Value end = b.create<arith::SubIOp>(loc, last, loop.getInductionVar());
        swap(i64(0), end);
        siftDown(i64(0), end);
      });
}

json::Object NetworkLowering::emitTotalNumberKernels(ProjectionInfo &info,
                                                     size_t e,
                                                     json::Object &entry) {
  Type i32Type = b.getI32Type(), i64Type = b.getI64Type();
  auto i64Memref = MemRefType::get({ShapedType::kDynamic}, i64Type);
  auto conn = cast<FixedTotalNumberAttr>(info.op.getConnectivity());
  uint32_t entity = static_cast<uint32_t>(e);
  int64_t npre = spikingByName.lookup(info.op.getPre())->size;
  int64_t npost = populationByName.lookup(info.op.getPost())->op.getSize();
  int64_t total = conn.getN();
  bool excludeSelf =
      info.op.getPre() == info.op.getPost() && !conn.getAllowSelf();
  // The scratch: counts i64[npre], then cursors i64[npre] (kept for fill).
  entry["scratch"] = 2 * npre;
  // floor(bits * m / 2^64) of the 64 bits hi:lo (docs/runtime-abi.md).
  auto scaleBits = [&](Value hi, Value lo, Value m) {
    Value bits = b.create<arith::OrIOp>(
        loc,
        b.create<arith::ShLIOp>(loc, b.create<arith::ExtUIOp>(loc, i64Type, hi),
                                i64(32)),
        b.create<arith::ExtUIOp>(loc, i64Type, lo));
    return b.create<arith::MulUIExtendedOp>(loc, bits, m).getHigh();
  };
  // Synapse draw s: (pre, post), as the host's fixedTotalNumberPair.
  auto pair = [&](Value s) -> std::pair<Value, Value> {
    Value s64 = b.create<arith::IndexCastOp>(loc, i64Type, s);
    auto x = emitDraw(
        b, loc, seed, b.create<arith::ConstantIntOp>(loc, 0, 32),
        b.create<arith::TruncIOp>(loc, i32Type, s64),
        b.create<arith::TruncIOp>(
            loc, i32Type, b.create<arith::ShRUIOp>(loc, s64, i64(32))),
        entity, RandomPurpose::Connectivity);
    Value pre = scaleBits(x[0], x[1], i64(npre));
    if (!excludeSelf)
      return {pre, scaleBits(x[2], x[3], i64(npost))};
    // The post is one of the other npost - 1 neurons.
    Value post = scaleBits(x[2], x[3], i64(npost - 1));
    Value shift = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge,
                                          post, pre);
    return {pre, b.create<arith::AddIOp>(
                     loc, post, b.create<arith::ExtUIOp>(loc, i64Type, shift))};
  };

  // rows: every draw counts in its row.
  entry["rows"] = emitBuildKernel(
      "rows", e, total, [&](Value, Value scratch, Value) {
        if (total == 0)
          return;
        Value counts = b.create<memref::ViewOp>(loc, i64Memref, scratch,
                                                index(0),
                                                ValueRange{index(npre)});
        Value s = gridLoop(index(total)).getInductionVar();
        Value pre = pair(s).first;
        b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::addi, i64(1),
                                      counts, ValueRange{toIndex(pre)});
      });
  // fill: the same draws again (counter-based), each post into the next
  // free place of its row; the sort then fixes the order.
  entry["fill"] = emitBuildKernel(
      "fill", e, total, [&](Value arenaArg, Value scratch, Value) {
        if (total == 0)
          return;
        arena = arenaArg;
        emitViews();
        Value cursors = b.create<memref::ViewOp>(
            loc, i64Memref, scratch, index(8 * npre), ValueRange{index(npre)});
        Value s = gridLoop(index(total)).getInductionVar();
        auto [pre, post] = pair(s);
        Value row = toIndex(pre);
        Value at = b.create<memref::AtomicRMWOp>(
            loc, arith::AtomicRMWKind::addi, i64(1), cursors, ValueRange{row});
        store(columnValue(info, post), info.col,
              toIndex(b.create<arith::AddIOp>(loc, load(info.rowPtr, row), at)));
      });
  return emitSortKernel(info, e, total == 0);
}

json::Object NetworkLowering::emitRowsKernel(ProjectionInfo &info, size_t e) {
  // The scratch is i64[npre]; scratch[i] = length of row i.
  int64_t npre = spikingByName.lookup(info.op.getPre())->size;
  uint32_t entity = static_cast<uint32_t>(e);
  auto i64Memref = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
  return emitBuildKernel("rows", e, npre, [&](Value, Value scratch, Value) {
    Value lengths = b.create<memref::ViewOp>(loc, i64Memref, scratch, index(0),
                                             ValueRange{index(npre)});
    Value i = gridLoop(index(npre)).getInductionVar();
    Value length = emitRow(info, entity, i, nullptr);
    b.create<memref::StoreOp>(loc, length, lengths, ValueRange{i});
  });
}

std::pair<Value, Value> NetworkLowering::columnsScratch(Value scratch,
                                                       int64_t npre, Value n) {
  auto i64Memref = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
  Value rowPtr = b.create<memref::ViewOp>(loc, i64Memref, scratch, index(0),
                                          ValueRange{index(npre + 1)});
  Value cols =
      b.create<memref::ViewOp>(loc, i64Memref, scratch, index(8 * (npre + 1)),
                               ValueRange{toIndex(n)});
  return {rowPtr, cols};
}

void NetworkLowering::emitBuildFunctions() {
  Type i32Type = b.getI32Type(), i64Type = b.getI64Type();
  auto i64Memref = MemRefType::get({ShapedType::kDynamic}, i64Type);
  for (auto [e, info] : llvm::enumerate(projections)) {
    Attribute weightSpec = info.op.getWeight(), delaySpec = info.op.getDelay();
    bool deviceWeight = computedOnDevice(weightSpec);
    bool deviceDelay = computedOnDevice(delaySpec);
    // A synapse model's other variables drawn from a distribution: (their
    // position among the model's variables, buffer, specification).
    SmallVector<std::tuple<unsigned, int, Attribute>> drawnVariables;
    if (info.synapse)
      if (DictionaryAttr init = info.op.getSynapseInitAttr())
        for (auto [v, attr] : llvm::enumerate(info.synapse.getVariables()))
          if (Attribute spec = init.get(cast<StringAttr>(attr).getValue());
              spec && computedOnDevice(spec))
            drawnVariables.emplace_back(v, info.synapseVariables[v], spec);
    // Every rule but list is drawn here, into the projection's storage; a
    // list's synapses are read from its file by the runtime, but its
    // uniform and normal weights and delays are drawn here too (one source).
    bool list = isa<SynapseListAttr>(info.op.getConnectivity());
    if (list && !deviceWeight && !deviceDelay && drawnVariables.empty())
      continue;
    OpBuilder::InsertionGuard guard(b);
    loc = info.op.getLoc();
    uint32_t entity = static_cast<uint32_t>(e);
    json::Object entry{{"projection", info.op.getSymName().str()}};
    json::Array writes;
    if (!list)
      emitStorageBuild(info, e, entry, writes);
    if (deviceWeight)
      writes.push_back(info.weight);
    if (deviceDelay)
      writes.push_back(info.delay);
    for (auto &[v, buffer, spec] : drawnVariables)
      writes.push_back(buffer);

    auto kernel = [&](StringRef what, int64_t work,
                      llvm::function_ref<void(Value, Value, Value)> body) {
      return emitBuildKernel(what, e, work, body);
    };

    // delays: the scratch is i64[4] = {largest steps, first invalid
    // synapse, invalid delays that are negative or not finite, invalid
    // delays that are too long}.
    if (deviceDelay) {
      entry["delays"] = kernel("delays", -1, [&](Value, Value scratch,
                                                 Value n) {
        Value cells = b.create<memref::ViewOp>(
            loc, i64Memref, scratch, index(0), ValueRange{index(4)});
        // Each thread keeps its largest delay, first invalid synapse and
        // counts, then merges them with one atomic each: an atomic per
        // synapse on one cell had every thread wait for every other.
        auto loop = b.create<scf::ForOp>(
            loc, tid, toIndex(n), nthreads,
            ValueRange{i64(0), i64(std::numeric_limits<int64_t>::max()),
                       i64(0), i64(0)});
        {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(loop.getBody());
          Value s = loop.getInductionVar();
          Value largest = loop.getRegionIterArg(0);
          Value firstBad = loop.getRegionIterArg(1);
          Value negatives = loop.getRegionIterArg(2);
          Value tooLong = loop.getRegionIterArg(3);
          Value ms =
              emitSynapseValue(delaySpec, RandomPurpose::Delay, entity, s);
          auto [steps, valid] = emitDelaySteps(ms);
          // An invalid delay (NaN, too large) is not converted.
          Value safe = b.create<arith::SelectOp>(
              loc, valid, steps,
              b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0.0)));
          Value steps64 = b.create<arith::FPToSIOp>(loc, i64Type, safe);
          Value s64 = b.create<arith::IndexCastOp>(loc, i64Type, s);
          // Invalid: negative or not finite (as the runtime's messages
          // count them), else too long.
          Value finiteNonNegative = b.create<arith::AndIOp>(
              loc,
              b.create<arith::CmpFOp>(
                  loc, arith::CmpFPredicate::OGE, ms,
                  b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0.0))),
              b.create<arith::CmpFOp>(
                  loc, arith::CmpFPredicate::OLT, ms,
                  b.create<arith::ConstantOp>(
                      loc, b.getF64FloatAttr(
                               std::numeric_limits<double>::infinity()))));
          Value invalid = b.create<arith::XOrIOp>(
              loc, valid, b.create<arith::ConstantIntOp>(loc, 1, 1));
          Value negative = b.create<arith::AndIOp>(
              loc, invalid,
              b.create<arith::XOrIOp>(
                  loc, finiteNonNegative,
                  b.create<arith::ConstantIntOp>(loc, 1, 1)));
          Value big = b.create<arith::AndIOp>(loc, invalid, finiteNonNegative);
          b.create<scf::YieldOp>(
              loc,
              ValueRange{
                  b.create<arith::SelectOp>(
                      loc, valid,
                      b.create<arith::MaxSIOp>(loc, largest, steps64),
                      largest),
                  b.create<arith::SelectOp>(
                      loc, valid, firstBad,
                      b.create<arith::MinSIOp>(loc, firstBad, s64)),
                  b.create<arith::AddIOp>(
                      loc, negatives,
                      b.create<arith::ExtUIOp>(loc, i64Type, negative)),
                  b.create<arith::AddIOp>(
                      loc, tooLong,
                      b.create<arith::ExtUIOp>(loc, i64Type, big))});
        }
        b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::maxs,
                                      loop.getResult(0), cells,
                                      ValueRange{index(0)});
        b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::mins,
                                      loop.getResult(1), cells,
                                      ValueRange{index(1)});
        b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::addi,
                                      loop.getResult(2), cells,
                                      ValueRange{index(2)});
        b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::addi,
                                      loop.getResult(3), cells,
                                      ValueRange{index(3)});
      });
      // delay_at: the scratch is f64[1] = the delay in ms of synapse n (for
      // the message about the first invalid delay).
      entry["delay_at"] = kernel("delay_at", 1, [&](Value, Value scratch,
                                                    Value n) {
        Value cell = b.create<memref::ViewOp>(
            loc, MemRefType::get({1}, b.getF64Type()), scratch, index(0),
            ValueRange{});
        Value first = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                              tid, index(0));
        auto ifOp = b.create<scf::IfOp>(loc, first, /*withElse=*/false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
        b.create<memref::StoreOp>(
            loc,
            emitSynapseValue(delaySpec, RandomPurpose::Delay, entity,
                             toIndex(n)),
            cell, ValueRange{index(0)});
      });
    }

    // values: the arena; the weights and delays computed on the device.
    if (deviceWeight || deviceDelay || !drawnVariables.empty())
      entry["values"] = kernel("values", -1, [&](Value arenaArg, Value,
                                                 Value n) {
        arena = arenaArg;
        emitViews();
        Value s = gridLoop(toIndex(n)).getInductionVar();
        if (deviceWeight) {
          Value w =
              emitSynapseValue(weightSpec, RandomPurpose::Weight, entity, s);
          if (floatType != b.getF64Type())
            w = b.create<arith::TruncFOp>(loc, floatType, w);
          store(w, info.weight, s);
        }
        if (deviceDelay) {
          // The delays kernel has checked every value.
          auto steps = emitDelaySteps(
              emitSynapseValue(delaySpec, RandomPurpose::Delay, entity, s));
          store(b.create<arith::FPToSIOp>(loc, i32Type, steps.first),
                info.delay, s);
        }
        // Synapse variable v: draw (s, v) of its own purpose.
        for (auto &[v, buffer, spec] : drawnVariables) {
          Value x = emitSynapseValue(spec, RandomPurpose::SynapseVariable,
                                     entity, s, i32(static_cast<int32_t>(v)));
          if (floatType != b.getF64Type())
            x = b.create<arith::TruncFOp>(loc, floatType, x);
          store(x, buffer, s);
        }
      });
    entry["writes"] = std::move(writes);
    buildJSON.push_back(std::move(entry));
  }
  emitInitFunctions();
}

void NetworkLowering::emitInitKernel(int buffer, Attribute spec,
                                     RandomPurpose purpose, uint32_t entity,
                                     uint32_t c1, int64_t size) {
  Type i32Type = b.getI32Type(), i64Type = b.getI64Type();
  json::Object ref = emitBuildKernel(
      "init", static_cast<size_t>(buffer), size, [&](Value arenaArg, Value,
                                                     Value) {
        arena = arenaArg;
        emitViews();
        Value i = gridLoop(index(size)).getInductionVar();
        Value c0 = b.create<arith::TruncIOp>(
            loc, i32Type, b.create<arith::IndexCastOp>(loc, i64Type, i));
        Value value = emitDrawnValue(spec, purpose, entity, c0,
                                     i32(static_cast<int32_t>(c1)));
        if (floatType != b.getF64Type())
          value = b.create<arith::TruncFOp>(loc, floatType, value);
        store(value, buffer, i);
      });
  initJSON.push_back(
      json::Object{{"buffer", buffer}, {"values", std::move(ref)}});
}

void NetworkLowering::emitInitFunctions() {
  OpBuilder::InsertionGuard guard(b);
  // Value i of a drawn specification is the draw at (entity, c0 = i, c1,
  // c2 = 0) of its purpose (docs/runtime-abi.md, "Random numbers"): the
  // entity is the population's or source's position among the spiking
  // entities (the current's among the currents), c1 the variable's index
  // among its model's variables (0 for rates and amplitudes).
  for (Population &p : populations) {
    loc = p.op.getLoc();
    for (auto [j, attr] : llvm::enumerate(p.model.getVariables())) {
      Attribute init = p.op.getInit().get(cast<StringAttr>(attr).getValue());
      if (init && computedOnDevice(init))
        emitInitKernel(p.variables[j], init, RandomPurpose::InitialValue,
                       p.spiking->entity, static_cast<uint32_t>(j),
                       p.op.getSize());
    }
  }
  for (PoissonInfo &src : poissons) {
    loc = src.op.getLoc();
    if (src.rate >= 0 && computedOnDevice(src.op.getRate()))
      emitInitKernel(src.rate, src.op.getRate(), RandomPurpose::SourceValue,
                     src.spiking->entity, 0, src.spiking->size);
  }
  for (Current &c : currents) {
    loc = c.op.getLoc();
    if (c.amplitude >= 0 && computedOnDevice(c.op.getAmplitude()))
      emitInitKernel(
          c.amplitude, c.op.getAmplitude(), RandomPurpose::CurrentAmplitude,
          c.entity, 0,
          populationByName.lookup(c.op.getTarget())->op.getSize());
  }
}

} // namespace mlir::snn::lowering
