//===- NeuronCode.cpp - neurons, sources, reset -------------------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

namespace mlir::snn::lowering {

SmallVector<Value> NetworkLowering::inlineRegion(Region &region,
                                                 ArrayRef<Value> args) {
  Block &block = region.front();
  IRMapping map;
  map.map(block.getArguments(), args);
  for (Operation &op : block.without_terminator())
    b.clone(op, map);
  SmallVector<Value> results;
  for (Value v : block.getTerminator()->getOperands())
    results.push_back(map.lookupOrDefault(v));
  return results;
}

Value NetworkLowering::copiedValue(StringRef population, StringRef variable,
                                   Value i) {
  auto it = linkedBuffers.find((population + "." + variable).str());
  assert(it != linkedBuffers.end() && "a copy the schedule makes");
  int64_t size = populationByName.lookup(population)->op.getSize();
  // This step's half (the previous step wrote it).
  Value half = b.create<arith::MulIOp>(
      loc, b.create<arith::RemUIOp>(loc, stepIndex, index(2)), index(size));
  return load(it->second,
              size != 1 ? b.create<arith::AddIOp>(loc, half, i) : half);
}

Value NetworkLowering::inputValue(Population &pop, unsigned input, Value i) {
  StringRef name = cast<StringAttr>(pop.model.getInputs()[input]).getValue();
  // A link: the linked variable as the previous step left it (its copy).
  if (auto target = pop.op.getLinkTarget(name))
    return copiedValue(target->first, target->second, i);
  // The time of the step (ms): n dt, as Brian2's t.
  if (name == "t")
    return b.create<arith::MulFOp>(
        loc,
        b.create<arith::SIToFPOp>(
            loc, floatType,
            b.create<arith::IndexCastOp>(loc, b.getI64Type(), stepIndex)),
        real(network.getDt().convertToDouble()));
  Value sum = real(0.0);
  double dt = network.getDt().convertToDouble();
  for (Current &c : currents) {
    if (c.op.getTarget() != pop.op.getSymName() || c.op.getInput() != name)
      continue;
    // Active while start <= t < stop, i.e. for steps in [start/dt, stop/dt).
    int64_t first = stepsOf(c.op.getStart().convertToDouble(), dt);
    double stop = c.op.getStop().convertToDouble();
    Value active = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge,
                                           step, i64(first));
    if (stop >= 0.0) {
      Value before = b.create<arith::CmpIOp>(
          loc, arith::CmpIPredicate::slt, step, i64(stepsOf(stop, dt)));
      active = b.create<arith::AndIOp>(loc, active, before);
    }
    Value amplitude;
    if (c.op.getRows()) {
      // A timed array: row min(n / every, rows - 1), column i (or its only
      // column).
      Value row = b.create<arith::MinUIOp>(
          loc, b.create<arith::DivUIOp>(loc, stepIndex, index(*c.op.getEvery())),
          index(*c.op.getRows() - 1));
      Value at = b.create<arith::MulIOp>(loc, row, index(*c.op.getColumns()));
      if (*c.op.getColumns() != 1)
        at = b.create<arith::AddIOp>(loc, at, i);
      amplitude = load(c.amplitude, at);
    } else {
      amplitude = elementValue(c.op.getAmplitude(), c.amplitude, i);
    }
    if (c.op.getKind() == "noise") {
      auto words = emitStepDraw(b, loc, seed, step, i, c.entity,
                                RandomPurpose::NoiseCurrent);
      Value z = emitNormal(b, loc, words, floatType);
      amplitude = b.create<arith::AddFOp>(
          loc, amplitude,
          b.create<arith::MulFOp>(loc, real(c.op.getStd().convertToDouble()),
                                  z));
    }
    Value contribution =
        b.create<arith::SelectOp>(loc, active, amplitude, real(0.0));
    sum = b.create<arith::AddFOp>(loc, sum, contribution);
  }
  return sum;
}

SmallVector<Value> NetworkLowering::regionArgs(Population &pop,
                                               ArrayRef<Value> vars, Value i) {
  SmallVector<Value> args(vars);
  for (unsigned k = 0; k < pop.model.getNumInputs(); ++k)
    args.push_back(inputValue(pop, k, i));
  for (Attribute attr : pop.model.getParams()) {
    auto value = cast<FloatAttr>(
        pop.op.getParams().get(cast<StringAttr>(attr).getValue()));
    args.push_back(real(value.getValueAsDouble()));
  }
  return args;
}

void NetworkLowering::emitPrologue(func::FuncOp func) {
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  arena = entry->getArgument(0);
  target->bindArguments(*this, entry);
}

std::pair<Value, Value> NetworkLowering::threadRange(int64_t size,
                                                     Value thread) {
  // chunk = ceil(ceil(size / nthreads) / align) * align
  // (arith.ceildivui has no lowering to LLVM: (a + b - 1) / b.)
  Value n = index(size), align = index(kThreadAlign);
  auto ceilDiv = [&](Value a, Value d) -> Value {
    Value sum = b.create<arith::AddIOp>(
        loc, a, b.create<arith::SubIOp>(loc, d, index(1)));
    return b.create<arith::DivUIOp>(loc, sum, d);
  };
  Value chunk = b.create<arith::MulIOp>(
      loc, ceilDiv(ceilDiv(n, nthreads), align), align);
  Value lo = b.create<arith::MinUIOp>(
      loc, b.create<arith::MulIOp>(loc, thread, chunk), n);
  Value hi = b.create<arith::MinUIOp>(
      loc, b.create<arith::AddIOp>(loc, lo, chunk), n);
  return {lo, hi};
}

std::pair<Value, Value> NetworkLowering::threadShare(Spiking &s,
                                                     Value thread) {
  auto [lo, hi] = threadRange(s.shareSize, thread);
  if (s.shareSize == s.size)
    return {lo, hi};
  // The part of [lo, hi) in [offset, offset + size), from the offset.
  Value first = index(s.shareOffset), end = index(s.shareOffset + s.size);
  auto clamp = [&](Value v) -> Value {
    return b.create<arith::SubIOp>(
        loc,
        b.create<arith::MinUIOp>(loc, b.create<arith::MaxUIOp>(loc, v, first),
                                 end),
        first);
  };
  return {clamp(lo), clamp(hi)};
}

Value NetworkLowering::segmentStart(Spiking &s, Value thread) {
  return b.create<arith::AddIOp>(
      loc, b.create<arith::MulIOp>(loc, parity, index(s.size)),
      threadShare(s, thread).first);
}

Value NetworkLowering::segmentCount(Value thread) {
  return b.create<arith::AddIOp>(
      loc, b.create<arith::MulIOp>(loc, parity, index(kMaxThreads)), thread);
}

void NetworkLowering::emitViews() {
  views.clear();
  // The table: 2 * B int64 values at the start of the arena.
  auto i64Memref = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
  auto table = b.create<memref::ViewOp>(
      loc, i64Memref, arena, index(0),
      ValueRange{index(2 * static_cast<int64_t>(buffers.size()))});
  bufferTable = table;
  lastView = table;
}

std::pair<Value, Value> NetworkLowering::bufferView(int buffer) {
  auto it = views.find(buffer);
  if (it != views.end())
    return it->second;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfter(lastView);
  int64_t k = buffer;
  Value offset = toIndex(
      b.create<memref::LoadOp>(loc, bufferTable, ValueRange{index(2 * k)}));
  Value count = toIndex(b.create<memref::LoadOp>(
      loc, bufferTable, ValueRange{index(2 * k + 1)}));
  auto type =
      MemRefType::get({ShapedType::kDynamic}, buffers[buffer].type);
  auto view = b.create<memref::ViewOp>(loc, type, arena, offset,
                                       ValueRange{count});
  lastView = view;
  return views[buffer] = {view, count};
}

bool NetworkLowering::isClamped(Population &pop, unsigned variable) {
  StringRef name =
      cast<StringAttr>(pop.model.getVariables()[variable]).getValue();
  return llvm::any_of(pop.model.getRefractoryClamp(), [&](Attribute attr) {
    return cast<StringAttr>(attr).getValue() == name;
  });
}

NetworkLowering::Updated NetworkLowering::emitNeuronStep(Population &pop,
                                                         Value i) {
  unsigned numVars = pop.model.getNumVariables();
  SmallVector<Value> old;
  for (int buffer : pop.variables)
    old.push_back(load(buffer, i));

  // Refractory countdown: decrement, then refractory while non-zero.
  Value notRefractory;
  if (pop.refractory >= 0) {
    Value r = load(pop.refractory, i);
    Value dec = b.create<arith::MaxSIOp>(
        loc, b.create<arith::SubIOp>(loc, r, refractoryConstant(pop, 1)),
        refractoryConstant(pop, 0));
    store(dec, pop.refractory, i);
    notRefractory = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                            dec, refractoryConstant(pop, 0));
  }

  SmallVector<Value> args = regionArgs(pop, old, i);
  SmallVector<Value> next = inlineRegion(pop.model.getUpdate(), args);
  for (unsigned k = 0; k < numVars; ++k) {
    if (next[k] == old[k])
      continue; // constant per neuron: nothing to store
    if (notRefractory && isClamped(pop, k))
      next[k] = b.create<arith::SelectOp>(loc, notRefractory, next[k], old[k]);
    store(next[k], pop.variables[k], i);
  }

  // Threshold on the updated state (inputs and parameters unchanged).
  for (unsigned k = 0; k < numVars; ++k)
    args[k] = next[k];
  Value spike = inlineRegion(pop.model.getThreshold(), args).front();
  if (notRefractory)
    spike = b.create<arith::AndIOp>(loc, spike, notRefractory);
  next.resize(numVars);
  return {spike, std::move(next)};
}

void NetworkLowering::emitResetAt(Population &pop, Value i,
                                  ArrayRef<Value> vars) {
  SmallVector<Value> next =
      inlineRegion(pop.model.getReset(), regionArgs(pop, vars, i));
  for (unsigned k = 0; k < pop.model.getNumVariables(); ++k)
    if (next[k] != vars[k])
      store(next[k], pop.variables[k], i);
}

void NetworkLowering::emitUpdateAndThreshold(Population &pop, bool reset) {
  loc = pop.op.getLoc();
  auto [lo, hi] = threadShare(*pop.spiking, tid);
  Value base = segmentStart(*pop.spiking, tid);
  auto loop = b.create<scf::ForOp>(loc, lo, hi, index(1), ValueRange{i32(0)});
  markParallel(loop);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value i = loop.getInductionVar();
  Value count = loop.getRegionIterArg(0);
  Updated u = emitNeuronStep(pop, i);
  b.create<scf::YieldOp>(loc, appendSpikeIf(u.spike, pop.spiking->spikes, base,
                                            count, i, [&] {
                                              if (pop.refractory >= 0)
                                                store(refractoryConstant(
                                                          pop,
                                                          pop.refractorySteps),
                                                      pop.refractory, i);
                                              if (reset)
                                                emitResetAt(pop, i, u.next);
                                            }));
  b.setInsertionPointAfter(loop);
  store(loop.getResult(0), pop.spiking->spikeCount, segmentCount(tid));
}

void NetworkLowering::emitGroupUpdateCPU(Group &group, bool reset) {
  loc = group.op.getLoc();
  Population &layout = group.layout;
  // This thread's share of the group: its spikes go to the share's part of
  // the group's scratch list, as a population's do to its own list (the
  // append is what snn-vectorize-loops expects), ...
  auto [lo, hi] = threadRange(group.size, tid);
  auto loop = b.create<scf::ForOp>(loc, lo, hi, index(1), ValueRange{i32(0)});
  markParallel(loop);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value g = loop.getInductionVar();
    Updated u = emitNeuronStep(layout, g);
    b.create<scf::YieldOp>(
        loc, appendSpikeIf(u.spike, group.scratch, lo,
                           loop.getRegionIterArg(0), g, [&] {
                             if (layout.refractory >= 0)
                               store(refractoryConstant(
                                         layout, layout.refractorySteps),
                                     layout.refractory, g);
                             if (reset)
                               emitResetAt(layout, g, u.next);
                           }));
  }
  // ... then, in order, each member takes the spikes below its end from
  // there into its segment (its share of this share), as local indices: a
  // pass over the spikes and one test per member. One loop over the
  // members; their lists and counts are views of the group's, so a
  // member's place there is arithmetic on its first neuron and size, which
  // a switch of constants gives (a table, for LLVM): the code does not grow
  // with the members.
  Value numSpikes = toIndex(loop.getResult(0));
  Type indexType = b.getIndexType(), i32Type = b.getI32Type();
  int64_t numMembers = static_cast<int64_t>(group.members.size());
  auto members = b.create<scf::ForOp>(loc, index(0), index(numMembers),
                                      index(1), ValueRange{index(0)});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(members.getBody());
  Value k = members.getInductionVar();
  Value taken = members.getRegionIterArg(0);
  SmallVector<int64_t> cases;
  for (int64_t j = 0; j < numMembers; ++j)
    cases.push_back(j);
  auto sw = b.create<scf::IndexSwitchOp>(loc, TypeRange{indexType, indexType},
                                         k, cases, cases.size());
  auto yieldMember = [&](Region &region, Population &member) {
    OpBuilder::InsertionGuard g(b);
    b.createBlock(&region);
    b.create<scf::YieldOp>(loc, ValueRange{index(member.spiking->shareOffset),
                                           index(member.op.getSize())});
  };
  for (auto [j, member] : llvm::enumerate(group.members))
    yieldMember(sw.getCaseRegions()[j], *member);
  // Not reached (k < the number of members): the last member's.
  yieldMember(sw.getDefaultRegion(), *group.members.back());
  Value first = sw.getResult(0), size = sw.getResult(1);
  Value end = b.create<arith::AddIOp>(loc, first, size);
  // The member's segment (threadShare's, from `lo`) in the group's list:
  // its list starts at element 2 * first there (two halves of its size),
  // this step's half at parity * size.
  Value from = b.create<arith::SubIOp>(
      loc,
      b.create<arith::MinUIOp>(loc, b.create<arith::MaxUIOp>(loc, lo, first),
                               end),
      first);
  Value base = b.create<arith::AddIOp>(
      loc,
      b.create<arith::AddIOp>(loc, b.create<arith::MulIOp>(loc, first, index(2)),
                              b.create<arith::MulIOp>(loc, parity, size)),
      from);
  // Its count cell: this thread's of this half, in the member's cells.
  Value cell = b.create<arith::AddIOp>(
      loc, b.create<arith::MulIOp>(loc, k, index(2 * kMaxThreads)),
      segmentCount(tid));
  auto whileOp = b.create<scf::WhileOp>(
      loc, TypeRange{indexType, i32Type}, ValueRange{taken, i32(0)},
      [&](OpBuilder &, Location, ValueRange args) {
        Value left = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult,
                                             args[0], numSpikes);
        // Only load when there is a spike left.
        auto mine = b.create<scf::IfOp>(loc, TypeRange{b.getI1Type()}, left,
                                        /*withElseRegion=*/true);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(mine.thenBlock());
        Value neuron = toIndex(
            load(group.scratch, b.create<arith::AddIOp>(loc, lo, args[0])));
        b.create<scf::YieldOp>(
            loc, ValueRange{b.create<arith::CmpIOp>(
                     loc, arith::CmpIPredicate::ult, neuron, end)});
        b.setInsertionPointToStart(mine.elseBlock());
        b.create<scf::YieldOp>(
            loc,
            ValueRange{b.create<arith::ConstantOp>(loc, b.getBoolAttr(false))});
        b.setInsertionPointAfter(mine);
        b.create<scf::ConditionOp>(loc, mine.getResult(0), args);
      },
      [&](OpBuilder &, Location, ValueRange args) {
        Value neuron = toIndex(
            load(group.scratch, b.create<arith::AddIOp>(loc, lo, args[0])));
        Value local = b.create<arith::SubIOp>(loc, neuron, first);
        store(b.create<arith::IndexCastOp>(loc, i32Type, local),
              group.spikeLists,
              b.create<arith::AddIOp>(loc, base, toIndex(args[1])));
        b.create<scf::YieldOp>(
            loc, ValueRange{b.create<arith::AddIOp>(loc, args[0], index(1)),
                            b.create<arith::AddIOp>(loc, args[1], i32(1))});
      });
  store(whileOp.getResult(1), group.spikeCounts, cell);
  b.create<scf::YieldOp>(loc, ValueRange{whileOp.getResult(0)});
}

Value NetworkLowering::appendSpikeIf(Value cond, int spikes, Value base,
                                     Value count, Value i,
                                     llvm::function_ref<void()> onSpike) {
  auto ifOp = b.create<scf::IfOp>(loc, TypeRange{b.getI32Type()}, cond,
                                  /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value neuron = b.create<arith::IndexCastOp>(loc, b.getI32Type(), i);
  store(neuron, spikes, b.create<arith::AddIOp>(loc, base, toIndex(count)));
  onSpike();
  b.create<scf::YieldOp>(loc, ValueRange{b.create<arith::AddIOp>(loc, count, i32(1))});
  b.setInsertionPointToStart(ifOp.elseBlock());
  b.create<scf::YieldOp>(loc, ValueRange{count});
  return ifOp.getResult(0);
}

Value NetworkLowering::emitPoissonSpike(PoissonSourceOp op, Spiking &s,
                                        int rateBuffer, Value i) {
  // P(spike in one step) = rate[Hz] * dt[ms] / 1000.
  Value perStep = real(network.getDt().convertToDouble() * 1e-3);
  Value rate = elementValue(op.getRate(), rateBuffer, i);
  Value p = b.create<arith::MulFOp>(loc, rate, perStep);
  auto words =
      emitStepDraw(b, loc, seed, step, i, s.entity, RandomPurpose::StepDraw);
  Value u = emitUniform(b, loc, words, floatType);
  return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, u, p);
}

void NetworkLowering::emitPoissonSource(PoissonSourceOp op, Spiking &s,
                                        int rateBuffer) {
  loc = op.getLoc();
  auto [lo, hi] = threadShare(s, tid);
  Value base = segmentStart(s, tid);
  auto loop = b.create<scf::ForOp>(loc, lo, hi, index(1), ValueRange{i32(0)});
  markParallel(loop);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value i = loop.getInductionVar();
  Value spike = emitPoissonSpike(op, s, rateBuffer, i);
  b.create<scf::YieldOp>(
      loc, appendSpikeIf(spike, s.spikes, base, loop.getRegionIterArg(0), i,
                         [] {}));
  b.setInsertionPointAfter(loop);
  store(loop.getResult(0), s.spikeCount, segmentCount(tid));
}

void NetworkLowering::emitSpikeArraySource(
    Spiking &s, int times, int ids, int cursor, Value countIndex,
    Value spikeBase, llvm::function_ref<void(Value)> onEntry) {
  loc = s.op->getLoc();
  // Emit every entry at the cursor whose step is this step; the runtime has
  // sorted them by step, and none is earlier than the cursor's.
  Value total = viewCount(times);
  Value start = toIndex(load(cursor, index(0)));
  Value step32 = b.create<arith::TruncIOp>(loc, b.getI32Type(), step);
  Type indexType = b.getIndexType(), i32Type = b.getI32Type();
  auto whileOp = b.create<scf::WhileOp>(
      loc, TypeRange{indexType, i32Type}, ValueRange{start, i32(0)},
      [&](OpBuilder &, Location, ValueRange args) {
        Value inRange = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult,
                                                args[0], total);
        // Only load when in range: the condition is evaluated lazily.
        auto due = b.create<scf::IfOp>(
            loc, TypeRange{b.getI1Type()}, inRange, /*withElseRegion=*/true);
        {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(due.thenBlock());
          Value t = load(times, args[0]);
          b.create<scf::YieldOp>(
              loc, ValueRange{b.create<arith::CmpIOp>(
                       loc, arith::CmpIPredicate::sle, t, step32)});
          b.setInsertionPointToStart(due.elseBlock());
          b.create<scf::YieldOp>(
              loc, ValueRange{b.create<arith::ConstantOp>(loc, b.getBoolAttr(false))});
        }
        b.create<scf::ConditionOp>(loc, due.getResult(0), args);
      },
      [&](OpBuilder &, Location, ValueRange args) {
        Value neuron = load(ids, args[0]);
        store(neuron, s.spikes,
              b.create<arith::AddIOp>(loc, spikeBase, toIndex(args[1])));
        onEntry(neuron);
        b.create<scf::YieldOp>(
            loc, ValueRange{b.create<arith::AddIOp>(loc, args[0], index(1)),
                            b.create<arith::AddIOp>(loc, args[1], i32(1))});
      });
  store(b.create<arith::IndexCastOp>(loc, b.getI64Type(), whileOp.getResult(0)),
        cursor, index(0));
  store(whileOp.getResult(1), s.spikeCount, countIndex);
}


void NetworkLowering::emitReset(Population &pop) {
  if (!pop.resets)
    return; // the reset yields its arguments unchanged
  loc = pop.op.getLoc();
  // This thread's own spikes: its segment holds the neurons of its range.
  Value numSpikes =
      toIndex(load(pop.spiking->spikeCount, segmentCount(tid)));
  Value start = segmentStart(*pop.spiking, tid);
  auto loop = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value i = toIndex(load(pop.spiking->spikes,
                         b.create<arith::AddIOp>(loc, start,
                                                 loop.getInductionVar())));
  SmallVector<Value> old;
  for (int buffer : pop.variables)
    old.push_back(load(buffer, i));
  emitResetAt(pop, i, old);
}

} // namespace mlir::snn::lowering
