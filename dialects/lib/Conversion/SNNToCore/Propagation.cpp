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

void NetworkLowering::emitPropagationCPU(ProjectionInfo &info) {
  if (info.history >= 0)
    return emitDelayedPropagationCPU(info);
  ProjectionOp op = info.op;
  loc = op.getLoc();
  Spiking &pre = *spikingByName.lookup(op.getPre());
  SynapseSlots slots = synapseSlots(info);
  // Every spike in order (segment by segment: ascending neurons), every
  // synapse of its row, but only the targets in this thread's range: each
  // ring entry is summed by one thread in the order of one thread.
  auto [postLo, postHi] = threadShare(*info.post->spiking, tid);
  auto segments = b.create<scf::ForOp>(loc, index(0), nthreads, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(segments.getBody());
  Value segment = segments.getInductionVar();
  Value numSpikes = toIndex(load(pre.spikeCount, segmentCount(segment)));
  Value start = segmentStart(pre, segment);
  auto sourceAt = [&](Value s) {
    return toIndex(load(pre.spikes, b.create<arith::AddIOp>(loc, start, s)));
  };
  emitStorageBeforeSpikesCPU(info, numSpikes, sourceAt);
  auto spikes = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
  b.setInsertionPointToStart(spikes.getBody());
  emitStorageAtSpikeCPU(info, spikes.getInductionVar(), numSpikes, sourceAt);
  Value source = sourceAt(spikes.getInductionVar());
  emitStorageRowCPU(info, source, postLo, postHi, [&](Value post, Value k) {
    if (info.synapse)
      return emitSynapseEvent(info, info.synapse.getOnPre(), post, k,
                              source);
    emitArrival(info, slots, post, elementValue(op.getWeight(), info.weight, k),
                k);
  });
}

NetworkLowering::RowLanes NetworkLowering::rowLanes(ProjectionInfo &info) {
  // Group g of G takes spikes g, g + G, ...; its W lanes share the row. W =
  // 32 when the thread count is a multiple of 32 and the storage lets
  // lanes share a row, else 1 (one thread per spike).
  Value width = index(1);
  if (storageLanesShareRow(info)) {
    Value multiple = b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::eq,
        b.create<arith::RemUIOp>(loc, nthreads, index(32)), index(0));
    width = b.create<arith::SelectOp>(loc, multiple, index(32), index(1));
  }
  return {b.create<arith::DivUIOp>(loc, tid, width),
          b.create<arith::DivUIOp>(loc, nthreads, width),
          b.create<arith::RemUIOp>(loc, tid, width), width};
}

void NetworkLowering::emitPropagationGPU(ProjectionInfo &info) {
  if (info.synapse)
    return emitPlasticPropagationGPU(info);
  ProjectionOp op = info.op;
  loc = op.getLoc();
  Spiking &pre = *spikingByName.lookup(op.getPre());
  SynapseSlots slots = synapseSlots(info);
  RowLanes lanes = rowLanes(info);
  Value numSpikes = toIndex(load(pre.spikeCount, parity));
  auto spikes =
      b.create<scf::ForOp>(loc, lanes.first, numSpikes, lanes.stride);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(spikes.getBody());
  Value source = toIndex(load(pre.spikes, spikes.getInductionVar()));
  emitStorageRowGPU(info, source, lanes.lane, lanes.width,
                    [&](Value post, Value k) {
    emitArrival(info, slots, post, elementValue(op.getWeight(), info.weight, k),
                k);
  });
}

void NetworkLowering::prefetch(int buffer, Value i) {
  b.create<memref::PrefetchOp>(loc, view(buffer), ValueRange{i},
                               /*isWrite=*/false, /*localityHint=*/3,
                               /*isDataCache=*/true);
}

void NetworkLowering::prefetchLines(ArrayRef<int> which, Value first,
                                    Value last) {
  // A row or column starts at a random place, and its lines one after
  // another would come one miss at a time (the hardware prefetcher needs a
  // few to find the stream): ask for them all at once, up to kPrefetchLines
  // of each array (past those, the hardware's stream has started).
  constexpr int64_t kPrefetchLines = 32, kLineBytes = 64;
  for (int buffer : which) {
    if (buffer < 0)
      continue;
    int64_t perLine = std::max<int64_t>(
        kLineBytes * 8 / buffers[size_t(buffer)].type.getIntOrFloatBitWidth(),
        1);
    Value end = b.create<arith::MinUIOp>(
        loc, last,
        b.create<arith::AddIOp>(loc, first, index(kPrefetchLines * perLine)));
    auto lines = b.create<scf::ForOp>(loc, first, end, index(perLine));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(lines.getBody());
    prefetch(buffer, lines.getInductionVar());
  }
}

void NetworkLowering::prefetchBeforeSpikes(
    int pointers, Value numSpikes, llvm::function_ref<Value(Value)> neuronAt,
    llvm::function_ref<void(Value)> whole) {
  // Every spike's pointer first, all misses at once; then the whole of the
  // first kSpikesAhead spikes' rows or columns.
  {
    auto loop = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    prefetch(pointers, neuronAt(loop.getInductionVar()));
  }
  auto loop = b.create<scf::ForOp>(
      loc, index(0),
      b.create<arith::MinUIOp>(loc, numSpikes, index(kSpikesAhead)),
      index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  whole(loop.getInductionVar());
}

void NetworkLowering::prefetchAhead(Value s, Value numSpikes,
                                    llvm::function_ref<void(Value)> whole) {
  // The spike kSpikesAhead on (its pointer was asked for before the loop),
  // so that its lines arrive while the spikes before it are walked.
  Value ahead = b.create<arith::AddIOp>(loc, s, index(kSpikesAhead));
  auto ifOp = b.create<scf::IfOp>(
      loc,
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, ahead,
                              numSpikes),
      /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  whole(ahead);
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
  auto [lo, hi] = threadShare(*pop.spiking, tid);
  auto loop = b.create<scf::ForOp>(loc, lo, hi, index(1));
  markParallel(loop);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  for (auto [ring, base] : llvm::zip(pop.rings, bases))
    emitDeliveryAt(*ring, loop.getInductionVar(), base);
  emitPoissonInputsAt(pop, loop.getInductionVar());
}

} // namespace mlir::snn::lowering
