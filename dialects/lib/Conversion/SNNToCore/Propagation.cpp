//===- Propagation.cpp - rings, propagation, delivery -------------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include <limits>

namespace mlir::snn::lowering {

Value NetworkLowering::ringSlots(Ring &ring) {
  return b.create<arith::DivUIOp>(loc, viewCount(ring.buffer),
                                  index(ring.population->op.getSize()));
}

Value NetworkLowering::slotBase(Value slots, int64_t postSize,
                                Value delaySteps) {
  Value postSizeValue = index(postSize);
  Value slot = b.create<arith::RemUIOp>(
      loc, b.create<arith::AddIOp>(loc, stepIndex, delaySteps), slots);
  return b.create<arith::MulIOp>(loc, slot, postSizeValue);
}

Value NetworkLowering::loadIndex(int buffer, Value i) {
  Value v = load(buffer, i);
  if (buffers[buffer].type.isInteger(16))
    return b.create<arith::IndexCastUIOp>(loc, b.getIndexType(), v);
  return toIndex(v);
}

Value NetworkLowering::columnValue(ProjectionInfo &info, Value j) {
  Type type = buffers[info.col].type;
  if (j.getType() == type)
    return j;
  return b.create<arith::TruncIOp>(loc, type, j);
}

Value NetworkLowering::lowerBound(int buffer, Value begin, Value end,
                                  Value key) {
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
            loc, arith::CmpIPredicate::ult, loadIndex(buffer, mid), key);
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

NetworkLowering::SynapseSlots
NetworkLowering::synapseSlots(ProjectionInfo &info) {
  ProjectionOp op = info.op;
  SynapseSlots s;
  s.postSize = info.post->op.getSize();
  if (!info.ring)
    return s; // added at once
  s.slots = ringSlots(*info.ring);
  if (auto delay = dyn_cast<FloatAttr>(op.getDelay()))
    s.constantBase = slotBase(
        s.slots, s.postSize,
        index(std::llround(delay.getValueAsDouble() /
                           network.getDt().convertToDouble())));
  else // per synapse: (step mod slots + d), less slots when past the end
    s.stepSlot = b.create<arith::RemUIOp>(loc, stepIndex, s.slots);
  return s;
}

Value NetworkLowering::synapseBase(const SynapseSlots &s, ProjectionInfo &info,
                                   Value k) {
  if (s.constantBase)
    return s.constantBase;
  // The runtime sizes the ring to 1 + the largest delay, so one
  // subtraction replaces the remainder.
  Value slot =
      b.create<arith::AddIOp>(loc, s.stepSlot, toIndex(load(info.delay, k)));
  Value past =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge, slot, s.slots);
  slot = b.create<arith::SelectOp>(
      loc, past, b.create<arith::SubIOp>(loc, slot, s.slots), slot);
  return b.create<arith::MulIOp>(loc, slot, index(s.postSize));
}

Value NetworkLowering::writable(Population &pop, unsigned variable, Value i) {
  if (pop.refractory < 0 || !isClamped(pop, variable))
    return Value();
  return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                 load(pop.refractory, i),
                                 refractoryConstant(pop, 0));
}

void NetworkLowering::emitArrival(ProjectionInfo &info,
                                  const SynapseSlots &slots, Value post,
                                  Value weight, Value k) {
  auto accumulate = [&](int buffer, Value at) {
    target->accumulate(b, loc, view(buffer), at, weight);
  };
  if (info.ring) {
    accumulate(info.ring->buffer, b.create<arith::AddIOp>(
                                      loc, synapseBase(slots, info, k), post));
    return;
  }
  // Delivered at once: what emitDeliveryAt does with a ring slot, one
  // weight at a time.
  Population &pop = *info.post;
  OpBuilder::InsertionGuard guard(b);
  if (Value free = writable(pop, info.variable, post)) {
    auto ifOp = b.create<scf::IfOp>(loc, free, /*withElseRegion=*/false);
    b.setInsertionPointToStart(ifOp.thenBlock());
  }
  accumulate(pop.variables[info.variable], post);
}

scf::IfOp NetworkLowering::ifInShare(Value post, Value lo, Value hi) {
  Value inRange = b.create<arith::AndIOp>(
      loc, b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge, post, lo),
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, post, hi));
  auto mine = b.create<scf::IfOp>(loc, inRange, /*withElseRegion=*/false);
  b.setInsertionPointToStart(mine.thenBlock());
  return mine;
}

void NetworkLowering::prefetch(int buffer, Value i) {
  b.create<memref::PrefetchOp>(loc, view(buffer), ValueRange{i},
                               /*isWrite=*/false, /*localityHint=*/3,
                               /*isDataCache=*/true);
}

void NetworkLowering::emitRowPrefetchesBefore(
    ProjectionInfo &info, Value numSpikes,
    llvm::function_ref<Value(Value)> sourceAt) {
  // Rows of spiking neurons are scattered over the synapse arrays: the
  // first access to each misses the caches, and with one row after another
  // the misses would come one at a time. Ask for every row pointer first,
  // all misses at once.
  auto loop = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  prefetch(info.rowPtr, sourceAt(loop.getInductionVar()));
}

void NetworkLowering::emitRowPrefetchAhead(
    ProjectionInfo &info, Value s, Value numSpikes,
    llvm::function_ref<Value(Value)> sourceAt) {
  // The start of the row kRowsAhead spikes ahead (its pointer was asked for
  // before the loop), so that it arrives while the rows before it are added.
  constexpr int64_t kRowsAhead = 4;
  Value ahead = b.create<arith::AddIOp>(loc, s, index(kRowsAhead));
  auto ifOp = b.create<scf::IfOp>(
      loc,
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, ahead,
                              numSpikes),
      /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value first = toIndex(load(info.rowPtr, sourceAt(ahead)));
  for (int buffer : {info.col, info.weight, info.delay})
    if (buffer >= 0)
      prefetch(buffer, first);
}

void NetworkLowering::emitPropagationCPU(ProjectionInfo &info) {
  ProjectionOp op = info.op;
  loc = op.getLoc();
  Spiking &pre = *spikingByName.lookup(op.getPre());
  SynapseSlots slots = synapseSlots(info);
  // Every spike in order (segment by segment: ascending neurons), every
  // synapse of its row, but only the targets in this thread's range: each
  // ring entry is summed by one thread in the order of one thread.
  auto [postLo, postHi] = threadRange(slots.postSize, tid);
  Value wholeRange = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::eq, nthreads, index(1));
  auto segments = b.create<scf::ForOp>(loc, index(0), nthreads, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(segments.getBody());
  Value segment = segments.getInductionVar();
  Value numSpikes = toIndex(load(pre.spikeCount, segmentCount(segment)));
  Value start = segmentStart(pre, segment);
  auto sourceAt = [&](Value s) {
    return toIndex(load(pre.spikes, b.create<arith::AddIOp>(loc, start, s)));
  };
  bool csr = info.storage == StorageKind::csr;
  if (csr)
    emitRowPrefetchesBefore(info, numSpikes, sourceAt);
  auto spikes = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
  b.setInsertionPointToStart(spikes.getBody());
  if (csr)
    emitRowPrefetchAhead(info, spikes.getInductionVar(), numSpikes, sourceAt);
  Value source = sourceAt(spikes.getInductionVar());
  if (info.storage == StorageKind::dense) {
    emitDenseRowCPU(info, source, postLo, postHi, [&](Value post, Value k) {
      emitArrival(info, slots, post,
                  elementValue(op.getWeight(), info.weight, k), k);
    });
    return;
  }
  if (info.procedural()) {
    // The row, drawn again as the runtime draws it to build csr rows;
    // weight and delay are constants.
    Value weight = elementValue(op.getWeight(), -1, Value());
    emitRow(info, info.entity, source, [&](Value, Value j) {
      OpBuilder::InsertionGuard g(b);
      Value post = toIndex(j);
      ifInShare(post, postLo, postHi);
      emitArrival(info, slots, post, weight, Value());
    });
    return;
  }
  Value begin = toIndex(load(info.rowPtr, source));
  Value end = toIndex(
      load(info.rowPtr, b.create<arith::AddIOp>(loc, source, index(1))));
  // Rows sorted by post (every rule but synapse lists): this thread's
  // targets are one stretch of the row, found by binary search (the whole
  // row with one thread). Otherwise every synapse, filtered.
  bool sorted = !isa<SynapseListAttr>(op.getConnectivity());
  if (sorted) {
    auto bounds = b.create<scf::IfOp>(
        loc, TypeRange{b.getIndexType(), b.getIndexType()}, wholeRange,
        /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(bounds.thenBlock());
    b.create<scf::YieldOp>(loc, ValueRange{begin, end});
    b.setInsertionPointToStart(bounds.elseBlock());
    Value first = lowerBound(info.col, begin, end, postLo);
    Value last = lowerBound(info.col, first, end, postHi);
    b.create<scf::YieldOp>(loc, ValueRange{first, last});
    begin = bounds.getResult(0);
    end = bounds.getResult(1);
  }
  auto synapses = b.create<scf::ForOp>(loc, begin, end, index(1));
  b.setInsertionPointToStart(synapses.getBody());
  Value k = synapses.getInductionVar();
  Value post = loadIndex(info.col, k);
  if (!sorted)
    ifInShare(post, postLo, postHi);
  emitArrival(info, slots, post, elementValue(op.getWeight(), info.weight, k),
              k);
}

void NetworkLowering::emitPropagationGPU(ProjectionInfo &info) {
  ProjectionOp op = info.op;
  loc = op.getLoc();
  Spiking &pre = *spikingByName.lookup(op.getPre());
  SynapseSlots slots = synapseSlots(info);
  if (info.procedural()) {
    // A row is drawn in order (each draw skips to the next synapse): one
    // thread per spike, spikes tid, tid + nthreads, ...; weight and delay
    // are constants.
    Value numSpikes = toIndex(load(pre.spikeCount, parity));
    auto spikes = b.create<scf::ForOp>(loc, tid, numSpikes, nthreads);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(spikes.getBody());
    Value source = toIndex(load(pre.spikes, spikes.getInductionVar()));
    Value weight = elementValue(op.getWeight(), -1, Value());
    emitRow(info, info.entity, source, [&](Value, Value j) {
      emitArrival(info, slots, toIndex(j), weight, Value());
    });
    return;
  }
  // Group g of G takes spikes g, g + G, ...; its W lanes share the row.
  // W = 32 when the thread count is a multiple of 32, else 1.
  Value c32 = index(32);
  Value multiple = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::eq,
      b.create<arith::RemUIOp>(loc, nthreads, c32), index(0));
  Value laneStride = b.create<arith::SelectOp>(loc, multiple, c32, index(1));
  Value first = b.create<arith::DivUIOp>(loc, tid, laneStride);
  Value spikeStride = b.create<arith::DivUIOp>(loc, nthreads, laneStride);
  Value lane = b.create<arith::RemUIOp>(loc, tid, laneStride);
  Value numSpikes = toIndex(load(pre.spikeCount, parity));
  auto spikes = b.create<scf::ForOp>(loc, first, numSpikes, spikeStride);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(spikes.getBody());
  Value source = toIndex(load(pre.spikes, spikes.getInductionVar()));
  if (info.storage == StorageKind::dense) {
    emitDenseRowGPU(info, source, lane, laneStride, [&](Value post, Value k) {
      emitArrival(info, slots, post,
                  elementValue(op.getWeight(), info.weight, k), k);
    });
    return;
  }
  Value begin = toIndex(load(info.rowPtr, source));
  Value end = toIndex(
      load(info.rowPtr, b.create<arith::AddIOp>(loc, source, index(1))));
  auto synapses = b.create<scf::ForOp>(
      loc, b.create<arith::AddIOp>(loc, begin, lane), end, laneStride);
  b.setInsertionPointToStart(synapses.getBody());
  Value k = synapses.getInductionVar();
  Value post = loadIndex(info.col, k);
  emitArrival(info, slots, post, elementValue(op.getWeight(), info.weight, k),
              k);
}

Value NetworkLowering::ringBase(Ring &ring) {
  return slotBase(ringSlots(ring), ring.population->op.getSize(), index(0));
}

void NetworkLowering::emitDeliveryAt(Ring &ring, Value i, Value base) {
  Value slotIndex = b.create<arith::AddIOp>(loc, base, i);
  int target = ring.population->variables[ring.variable];
  Value old = load(target, i);
  Value sum = b.create<arith::AddFOp>(loc, old, load(ring.buffer, slotIndex));
  // A clamped variable cannot be written while its neuron is refractory, by
  // synapses neither (Brian2's `unless refractory`): from the step of the
  // spike (countdown just set) to the last refractory step, the input is
  // dropped.
  if (Value free = writable(*ring.population, ring.variable, i))
    sum = b.create<arith::SelectOp>(loc, free, sum, old);
  store(sum, target, i);
  store(real(0.0), ring.buffer, slotIndex);
}

void NetworkLowering::emitPoissonInputsAt(Population &pop, Value i) {
  for (PoissonInputInfo *input : pop.poissonInputs) {
    const BinomialTable &table = input->table;
    if (table.offset == 0 && table.steps.empty())
      continue; // n = 0 or rate 0: never anything
    loc = input->op.getLoc();
    // k = offset + sum of m [u >= t] over the table's steps (t, m): the
    // inversion of the binomial's distribution function, as compares that
    // vectorize (BinomialTable.h).
    bool wide =
        input->op.getNAttr().getInt() > std::numeric_limits<int32_t>::max();
    Type countType = wide ? Type(b.getI64Type()) : Type(b.getI32Type());
    auto count = [&](int64_t v) -> Value {
      return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(countType, v));
    };
    Value k = count(table.offset);
    if (!table.steps.empty()) {
      auto words = emitStepDraw(b, loc, seed, step, i, input->entity,
                                RandomPurpose::PoissonInput);
      Value u = emitUniform(b, loc, words, b.getF64Type());
      Value zero = count(0);
      auto threshold = [&](size_t j) -> Value {
        return b.create<arith::ConstantOp>(
            loc, b.getF64FloatAttr(table.steps[j].first));
      };
      auto chain = [&](Value sum, size_t from, size_t to) {
        for (size_t j = from; j < to; ++j) {
          Value reached = b.create<arith::CmpFOp>(
              loc, arith::CmpFPredicate::OGE, u, threshold(j));
          sum = b.create<arith::AddIOp>(
              loc, sum,
              b.create<arith::SelectOp>(
                  loc, reached, count(table.steps[j].second), zero));
        }
        return sum;
      };
      // The thresholds below 1 - 2^-10 always; the others only where u
      // reaches the first of them (at most one draw in 1024: a branch
      // the vector code takes when any lane does).
      size_t head = 0, size = table.steps.size();
      while (head < size && table.steps[head].first < 1.0 - 0x1p-10)
        ++head;
      k = chain(k, 0, head);
      if (size - head >= 2) {
        Value rare = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE,
                                             u, threshold(head));
        auto tail = b.create<scf::IfOp>(loc, countType, rare,
                                        /*withElseRegion=*/true);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(tail.thenBlock());
        b.create<scf::YieldOp>(loc, chain(k, head, size));
        b.setInsertionPointToStart(tail.elseBlock());
        b.create<scf::YieldOp>(loc, k);
        b.setInsertionPointAfter(tail);
        k = tail.getResult(0);
      } else {
        k = chain(k, head, size);
      }
    }
    Value amount = b.create<arith::MulFOp>(
        loc, b.create<arith::SIToFPOp>(loc, floatType, k),
        real(input->op.getWeight().convertToDouble()));
    int target = pop.variables[input->variable];
    Value old = load(target, i);
    Value sum = b.create<arith::AddFOp>(loc, old, amount);
    if (Value free = writable(pop, input->variable, i))
      sum = b.create<arith::SelectOp>(loc, free, sum, old);
    store(sum, target, i);
  }
}

void NetworkLowering::emitDelivery(Population &pop) {
  // Every ring into the population in one pass over this thread's share
  // (rings are per variable: the order among them does not matter), then
  // the Poisson inputs.
  if (pop.rings.empty() && pop.poissonInputs.empty())
    return;
  loc = pop.op.getLoc();
  SmallVector<Value> bases;
  for (Ring *ring : pop.rings)
    bases.push_back(ringBase(*ring));
  auto [lo, hi] = threadRange(pop.op.getSize(), tid);
  auto loop = b.create<scf::ForOp>(loc, lo, hi, index(1));
  markParallel(loop);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  for (auto [ring, base] : llvm::zip(pop.rings, bases))
    emitDeliveryAt(*ring, loop.getInductionVar(), base);
  emitPoissonInputsAt(pop, loop.getInductionVar());
}

} // namespace mlir::snn::lowering
