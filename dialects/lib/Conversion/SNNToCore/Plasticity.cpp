//===- Plasticity.cpp - synapse models: on_pre, on_post -----------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h.
//
// A projection with a synapse model (snn.synapse_model) keeps a buffer per
// synapse variable, in the order of its row storage (csr), and the step of
// each synapse's last event when the model has event-driven variables.
// `on_pre` runs in the projection's propagation, for each synapse of a
// spiking presynaptic neuron whose post is in the thread's share (so one
// thread owns each synapse, as it owns each ring entry), and adds to the
// post neuron at once; `on_post` runs in snn.propagate_post for each spike
// of the thread's share of the post population, over the synapses into the
// spiking neuron, through the per-post index (`col_ptr`, `col_syn`) that
// the runtime builds from the rows at start-up (docs/design.md,
// "Plasticity").
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

namespace mlir::snn::lowering {

/// The value `model`'s advance region yields for the event-driven variable
/// at position `p` when it is `x` (the others 0), with parameters `params`
/// and `elapsed` ms; none when the region holds an operation this does not
/// evaluate.
static std::optional<double> evaluateAdvance(SynapseModelOp model, unsigned p,
                                             double x, ArrayRef<double> params,
                                             double elapsed) {
  Block &block = model.getAdvance().front();
  unsigned numEvent = model.getEventDriven().size();
  llvm::DenseMap<Value, double> values;
  for (BlockArgument arg : block.getArguments()) {
    unsigned a = arg.getArgNumber();
    values[arg] = a < numEvent                   ? (a == p ? x : 0.0)
                  : a < numEvent + params.size() ? params[a - numEvent]
                                                 : elapsed;
  }
  for (Operation &op : block.without_terminator()) {
    if (op.getNumResults() != 1)
      return std::nullopt;
    auto in = [&](unsigned i) { return values.lookup(op.getOperand(i)); };
    double r;
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      auto f = dyn_cast<FloatAttr>(c.getValue());
      if (!f)
        return std::nullopt;
      r = f.getValueAsDouble();
    } else if (isa<arith::AddFOp>(op)) {
      r = in(0) + in(1);
    } else if (isa<arith::SubFOp>(op)) {
      r = in(0) - in(1);
    } else if (isa<arith::MulFOp>(op)) {
      r = in(0) * in(1);
    } else if (isa<arith::DivFOp>(op)) {
      r = in(0) / in(1);
    } else if (isa<arith::NegFOp>(op)) {
      r = -in(0);
    } else if (isa<math::ExpOp>(op)) {
      r = std::exp(in(0));
    } else if (isa<math::ExpM1Op>(op)) {
      r = std::expm1(in(0));
    } else {
      return std::nullopt;
    }
    values[op.getResult(0)] = r;
  }
  return values.lookup(block.getTerminator()->getOperand(p));
}

void NetworkLowering::planSynapseModel(ProjectionInfo &info, int64_t npost) {
  ProjectionOp op = info.op;
  std::string name = op.getSymName().str();
  info.synapse = SymbolTable::lookupNearestSymbolFrom<SynapseModelOp>(
      op, op.getSynapseAttr());
  SynapseModelOp model = info.synapse;
  json::Object perSynapse{{"synapses", name}};
  if (info.weight < 0) // a constant initial weight: it changes
    info.weight = addBuffer(name + ".weight", floatType,
                            json::Object(perSynapse));
  // Per-neuron traces (snn-hoist-traces) instead of per-synapse values.
  auto listed = [](ArrayAttr list, StringRef var) {
    return list && llvm::any_of(list, [&](Attribute a) {
             return cast<StringAttr>(a).getValue() == var;
           });
  };
  int64_t npre = spikingByName.lookup(op.getPre())->size;
  bool perSynapseEvents = false;
  for (Attribute attr : model.getVariables()) {
    StringRef var = cast<StringAttr>(attr).getValue();
    int pre = -1, before = -1, postTrace = -1, synapse = -1;
    if (var == model.getWeight()) {
      synapse = info.weight;
    } else if (listed(op.getPreTracesAttr(), var)) {
      pre = addBuffer(name + ".pre." + var.str(), floatType, npre);
      before = addBuffer(name + ".pre." + var.str() + ".before", floatType,
                         npre);
    } else if (listed(op.getPostTracesAttr(), var)) {
      postTrace = addBuffer(name + ".post." + var.str(), floatType, npost);
    } else {
      synapse = addBuffer(name + ".var." + var.str(), floatType,
                          json::Object(perSynapse));
    }
    perSynapseEvents |= synapse >= 0 && model.lookupEventDriven(var) >= 0;
    info.synapseVariables.push_back(synapse);
    info.preTrace.push_back(pre);
    info.preBefore.push_back(before);
    info.postTrace.push_back(postTrace);
  }
  if (perSynapseEvents)
    info.lastUpdate = addBuffer(name + ".lastupdate", b.getI64Type(),
                                json::Object(perSynapse));
  // Traces held per epoch (ProjectionInfo::epochTraces) when the advance
  // of each reads only itself, the parameters and the elapsed time: then
  // a trace can be advanced alone, by any number of steps, and back.
  if (op.getPreTraces() || op.getPostTraces()) {
    Block &advance = model.getAdvance().front();
    unsigned numEvent = model.getEventDriven().size();
    SmallVector<double> params;
    for (Attribute attr : model.getParams())
      params.push_back(cast<FloatAttr>(op.getSynapseParamsAttr().get(
                                           cast<StringAttr>(attr).getValue()))
                           .getValueAsDouble());
    double epoch = double(kTraceEpoch) * network.getDt().convertToDouble();
    // A held value is advanced back by up to an epoch: that must stay far
    // from overflow (a trace decaying in much less than a step would not).
    double limit = floatType.isF64() ? 1e200 : 1e20;
    info.epochTraces = true;
    for (auto [p, attr] : llvm::enumerate(model.getEventDriven())) {
      StringRef var = cast<StringAttr>(attr).getValue();
      if (!listed(op.getPreTracesAttr(), var) &&
          !listed(op.getPostTracesAttr(), var))
        continue;
      std::optional<double> back = evaluateAdvance(model, p, 1.0, params,
                                                   -epoch);
      std::optional<double> on = evaluateAdvance(model, p, 1.0, params, epoch);
      if (!back || !on || !std::isfinite(*back) || std::abs(*back) > limit ||
          !std::isfinite(*on) || *on == 0.0) {
        info.epochTraces = false;
        break;
      }
      // The event-driven variables the yielded value depends on.
      SmallVector<Value> work{advance.getTerminator()->getOperand(p)};
      llvm::SmallPtrSet<Operation *, 16> seen;
      while (!work.empty() && info.epochTraces) {
        Value value = work.pop_back_val();
        if (auto arg = dyn_cast<BlockArgument>(value)) {
          if (arg.getOwner() == &advance && arg.getArgNumber() < numEvent &&
              arg.getArgNumber() != p)
            info.epochTraces = false;
          continue;
        }
        Operation *def = value.getDefiningOp();
        if (def && seen.insert(def).second) {
          if (def->getNumRegions() != 0)
            info.epochTraces = false; // keep to straight-line arithmetic
          llvm::append_range(work, def->getOperands());
        }
      }
    }
  }
  // The per-post index: for on_post, and for periodic statements (a
  // thread's synapses are those into its share of the post population).
  bool periodic = false, periodicPreReads = false;
  for (PeriodicOp p : network.getBody().getOps<PeriodicOp>())
    if (p.getOwner() == op.getSymName()) {
      periodic = true;
      periodicPreReads |= !p.getPreReads().empty();
    }
  if (model.hasOnPost() || periodic || model.getNumClockDriven() > 0) {
    info.colPtr = addBuffer(name + ".col_ptr", b.getI64Type(), npost + 1);
    info.colSyn = addBuffer(name + ".col_syn", b.getI32Type(),
                            json::Object(perSynapse));
    // Pre indices of 16 bits (read unsigned) when the pre population fits,
    // as the rows' columns: the walk of a column streams them.
    if (op.getPreTraces() || !model.getPreReads().empty() || periodicPreReads)
      info.colPre = addBuffer(name + ".col_pre",
                              npre <= kNarrowColumnLimit ? b.getI16Type()
                                                         : b.getI32Type(),
                              json::Object(perSynapse));
  }
  if (!op.isImmediate())
    info.history = addBuffer(name + ".history", b.getI32Type(),
                             json::Object{{"history", name}});
  // Per-synapse delays on the CPU: the walk of the spikes of d steps ago
  // takes only the synapses of delay d, through the rows ordered by delay
  // (emitDelayedPropagationCPU).
  if (info.delay >= 0 && info.storage == StorageKind::csr &&
      target->name() == "cpu")
    info.delaySyn = addBuffer(name + ".delay_syn", b.getI32Type(),
                              json::Object(perSynapse));
  for (Attribute attr : model.getPostReads())
    info.postReads.push_back(
        info.post->model.lookupVariable(cast<StringAttr>(attr).getValue()));
  for (Attribute attr : model.getPostTargets())
    info.postTargets.push_back(
        info.post->model.lookupVariable(cast<StringAttr>(attr).getValue()));
  // The copies the statements read (the schedule verifier made sure that
  // each is made: snn.snapshot).
  auto snapshot = [&](StringRef population, StringRef variable) {
    auto it = snapshotBuffers.find((population + "." + variable).str());
    assert(it != snapshotBuffers.end() && "a copy the schedule makes");
    return it->second;
  };
  for (Attribute attr : model.getPreReads())
    info.preReads.push_back(
        snapshot(op.getPre(), cast<StringAttr>(attr).getValue()));
  for (Attribute attr : model.getLinks()) {
    auto [population, variable] =
        *op.getLinkTarget(cast<StringAttr>(attr).getValue());
    int64_t size = populationByName.lookup(population)->op.getSize();
    info.links.push_back({snapshot(population, variable), size != 1});
  }
}

SmallVector<Value> NetworkLowering::synapseParams(ProjectionInfo &info) {
  DictionaryAttr values = info.op.getSynapseParamsAttr();
  SmallVector<Value> params;
  for (Attribute attr : info.synapse.getParams())
    params.push_back(real(
        cast<FloatAttr>(values.get(cast<StringAttr>(attr).getValue()))
            .getValueAsDouble()));
  return params;
}

void NetworkLowering::advanceEventDriven(
    ProjectionInfo &info, MutableArrayRef<Value> vars, Value elapsed,
    llvm::function_ref<bool(unsigned)> advances) {
  SynapseModelOp model = info.synapse;
  SmallVector<Value> args;
  SmallVector<unsigned> positions;
  for (Attribute attr : model.getEventDriven()) {
    unsigned v = model.lookupVariable(cast<StringAttr>(attr).getValue());
    positions.push_back(v);
    args.push_back(advances(v) ? vars[v] : real(0.0));
  }
  args.append(synapseParams(info));
  args.push_back(elapsed);
  SmallVector<Value> next = inlineRegion(model.getAdvance(), args);
  for (auto [v, value] : llvm::zip(positions, next))
    if (advances(v))
      vars[v] = value;
}

int64_t NetworkLowering::emitPeriodic(int64_t k) {
  PeriodicOp op = *std::next(network.getBody().getOps<PeriodicOp>().begin(), k);
  loc = op.getLoc();
  // When the step is a multiple of the period.
  Value due = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::eq,
      b.create<arith::RemUIOp>(loc, stepIndex,
                               index(op.getEveryAttr().getInt())),
      index(0));
  auto ifOp = b.create<scf::IfOp>(loc, due, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  if (Population *pop = populationByName.lookup(op.getOwner())) {
    // Each neuron of this thread's.
    Value i = target->ownNeurons(*this, *pop->spiking, /*parallel=*/true)
                  .getInductionVar();
    SmallVector<Value> vars;
    for (int buffer : pop->variables)
      vars.push_back(load(buffer, i));
    SmallVector<Value> args(vars);
    for (Attribute attr : op.getLinks())
      args.push_back(inputValue(
          *pop, pop->model.lookupInput(cast<StringAttr>(attr).getValue()), i));
    SmallVector<Value> next = inlineRegion(op.getBody(), args);
    for (auto [v, value] : llvm::enumerate(next))
      if (value != vars[v])
        store(value, pop->variables[v], i);
    return pop->op.getSize();
  }
  // A projection: the synapses into this thread's post neurons, through the
  // per-post index (a synapse is its post neuron's thread's, as at on_pre).
  ProjectionInfo &info = projectionNamed(op.getOwner());
  Population &post = *info.post;
  Value j = target->ownNeurons(*this, *post.spiking, /*parallel=*/false)
                .getInductionVar();
  Value first = toIndex(load(info.colPtr, j));
  Value last =
      toIndex(load(info.colPtr, b.create<arith::AddIOp>(loc, j, index(1))));
  SmallVector<Value> reads;
  for (Attribute attr : op.getPostReads())
    reads.push_back(load(
        post.variables[post.model.lookupVariable(
            cast<StringAttr>(attr).getValue())],
        j));
  // The links, at the post neuron (as the previous step left them).
  SmallVector<Value> links;
  for (Attribute attr : op.getLinks()) {
    auto [population, variable] =
        *info.op.getLinkTarget(cast<StringAttr>(attr).getValue());
    links.push_back(copiedValue(population, variable, j));
  }
  auto synapses = b.create<scf::ForOp>(loc, first, last, index(1));
  b.setInsertionPointToStart(synapses.getBody());
  Value c = synapses.getInductionVar();
  Value s = toIndex(load(info.colSyn, c));
  SmallVector<Value> vars;
  for (int buffer : info.synapseVariables)
    vars.push_back(load(buffer, s));
  SmallVector<Value> args(vars);
  args.append(reads);
  // The presynaptic neuron's variables, as the previous step left them.
  if (!op.getPreReads().empty()) {
    Value pre = loadIndex(info.colPre, c);
    for (Attribute attr : op.getPreReads())
      args.push_back(copiedValue(info.op.getPre(),
                                 cast<StringAttr>(attr).getValue(), pre));
  }
  args.append(links);
  args.append(synapseParams(info));
  SmallVector<Value> next = inlineRegion(op.getBody(), args);
  for (auto [v, value] : llvm::enumerate(next))
    if (value != vars[v])
      store(value, info.synapseVariables[v], s);
  return post.op.getSize();
}

void NetworkLowering::emitCopy(StringRef population, StringRef variable,
                               int to, Value offset) {
  Population &pop = *populationByName.lookup(population);
  int from = pop.variables[pop.model.lookupVariable(variable)];
  OpBuilder::InsertionGuard guard(b);
  Value i =
      target->ownNeurons(*this, *pop.spiking, /*parallel=*/true).getInductionVar();
  store(load(from, i), to, offset ? b.create<arith::AddIOp>(loc, offset, i) : i);
}

void NetworkLowering::emitCopyLinked(CopyLinkedStepOp op) {
  loc = op.getLoc();
  // Into the next step's half (the readers of this step read the other).
  int64_t size = populationByName.lookup(op.getPopulation())->op.getSize();
  Value half = b.create<arith::MulIOp>(
      loc,
      b.create<arith::RemUIOp>(
          loc, b.create<arith::AddIOp>(loc, stepIndex, index(1)), index(2)),
      index(size));
  emitCopy(op.getPopulation(), op.getVariable(),
           linkedBuffers.lookup(
               (op.getPopulation() + "." + op.getVariable()).str()),
           half);
}

void NetworkLowering::emitSnapshot(SnapshotStepOp op) {
  loc = op.getLoc();
  emitCopy(op.getPopulation(), op.getVariable(),
           snapshotBuffers.lookup(
               (op.getPopulation() + "." + op.getVariable()).str()),
           Value());
}

Value NetworkLowering::traceChange(ProjectionInfo &info, Region &region,
                                   unsigned v, Value x) {
  // The statements with the trace as `x`, the other arguments 0 (dead: the
  // trace's new value does not read them), the parameters as constants.
  SynapseModelOp model = info.synapse;
  Block &block = region.front();
  unsigned numArgs = block.getNumArguments();
  unsigned paramBegin = numArgs - model.getNumParams();
  SmallVector<Value> args;
  for (unsigned a = 0; a < paramBegin; ++a)
    args.push_back(a == v ? x : real(0.0));
  args.append(synapseParams(info));
  return inlineRegion(region, args)[v];
}

void NetworkLowering::emitSynapseEvent(ProjectionInfo &info,
                                       Region &statements, Value post,
                                       Value k, Value pre,
                                       ArrayRef<Value> postBefore) {
  SynapseModelOp model = info.synapse;
  bool onPost = &statements == &model.getOnPost();
  // The variables: per synapse, or a per-neuron trace (on_pre reads a pre
  // trace as it was before this step's spike, on_post as it is now; a post
  // trace the other way round).
  unsigned numVars = model.getNumVariables();
  SmallVector<Value> vars;
  for (unsigned v = 0; v < numVars; ++v) {
    if (info.synapseVariables[v] >= 0)
      vars.push_back(load(info.synapseVariables[v], k));
    else if (info.preTrace[v] >= 0)
      vars.push_back(onPost ? traceValue(info, v, load(info.preTrace[v], pre))
                            : load(info.preBefore[v], pre));
    else
      vars.push_back(onPost ? postBefore[v]
                            : traceValue(info, v,
                                         load(info.postTrace[v], post)));
  }
  SmallVector<Value> loaded(vars);
  // The per-synapse event-driven variables, advanced from the synapse's
  // last event to this step (Brian2: t - lastupdate), then the step
  // recorded.
  if (info.lastUpdate >= 0) {
    Value now = b.create<arith::IndexCastOp>(loc, b.getI64Type(), stepIndex);
    Value elapsedSteps =
        b.create<arith::SubIOp>(loc, now, load(info.lastUpdate, k));
    Value elapsed = b.create<arith::MulFOp>(
        loc, b.create<arith::SIToFPOp>(loc, floatType, elapsedSteps),
        real(network.getDt().convertToDouble()));
    advanceEventDriven(info, vars, elapsed, [&](unsigned v) {
      return info.synapseVariables[v] >= 0;
    });
    store(now, info.lastUpdate, k);
  }
  Population &pop = *info.post;
  SmallVector<Value> args(vars);
  for (unsigned v : info.postReads)
    args.push_back(load(pop.variables[v], post));
  for (int buffer : info.preReads)
    args.push_back(load(buffer, pre));
  for (auto [buffer, perNeuron] : info.links)
    args.push_back(load(buffer, perNeuron ? post : index(0)));
  args.append(synapseParams(info));
  SmallVector<Value> results = inlineRegion(statements, args);
  for (unsigned v = 0; v < numVars; ++v)
    if (info.synapseVariables[v] >= 0 && results[v] != loaded[v])
      store(results[v], info.synapseVariables[v], k);
  // Additions to the post neuron, at once, under the refractory rule of
  // delivery (as a projection without ring adds its weights).
  for (auto [t, variable] : llvm::enumerate(info.postTargets)) {
    Value amount = results[numVars + t];
    if (auto c = amount.getDefiningOp<arith::ConstantOp>())
      if (auto f = dyn_cast<FloatAttr>(c.getValue()); f && f.getValue().isZero())
        continue; // nothing added by these statements
    OpBuilder::InsertionGuard guard(b);
    if (Value free = writable(pop, variable, post)) {
      auto ifOp = b.create<scf::IfOp>(loc, free, /*withElseRegion=*/false);
      b.setInsertionPointToStart(ifOp.thenBlock());
    }
    target->accumulate(b, loc, view(pop.variables[variable]), post, amount);
  }
}

void NetworkLowering::advanceTracesAt(ProjectionInfo &info,
                                      ArrayRef<int> which, Value i,
                                      ArrayRef<int> before, Value elapsed,
                                      bool onlyWhenDue) {
  unsigned numVars = info.synapse.getNumVariables();
  SmallVector<Value> vars(numVars);
  for (unsigned v = 0; v < numVars; ++v)
    if (which[v] >= 0)
      vars[v] = load(which[v], i);
  SmallVector<Value> held(vars);
  // One step (or an epoch) of the event-driven solution for the traces in
  // `which`.
  advanceEventDriven(
      info, vars,
      elapsed ? elapsed : real(network.getDt().convertToDouble()),
      [&](unsigned v) { return which[v] >= 0; });
  Value due = onlyWhenDue ? traceEpochDue() : Value();
  for (unsigned v = 0; v < numVars; ++v) {
    if (which[v] < 0)
      continue;
    Value x = due ? b.create<arith::SelectOp>(loc, due, vars[v], held[v])
                  : vars[v];
    store(x, which[v], i);
    if (!before.empty())
      store(traceValue(info, v, x), before[v], i);
  }
}

Value NetworkLowering::traceEpochStep() {
  return b.create<arith::RemUIOp>(
      loc, b.create<arith::AddIOp>(loc, stepIndex, index(1)),
      index(kTraceEpoch));
}

Value NetworkLowering::traceEpochDue() {
  return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                 traceEpochStep(), index(0));
}

Value NetworkLowering::advanceTraceInEpoch(ProjectionInfo &info, unsigned v,
                                           Value x, bool back) {
  if (!info.epochTraces)
    return x;
  // (n + 1) mod kTraceEpoch steps, in ms, on or back.
  double dt = network.getDt().convertToDouble();
  Value elapsed = b.create<arith::MulFOp>(
      loc,
      b.create<arith::SIToFPOp>(
          loc, floatType,
          b.create<arith::IndexCastOp>(loc, b.getI64Type(), traceEpochStep())),
      real(back ? -dt : dt));
  SmallVector<Value> vars(info.synapse.getNumVariables(), real(0.0));
  vars[v] = x;
  advanceEventDriven(info, vars, elapsed, [&](unsigned u) { return u == v; });
  return vars[v];
}

void NetworkLowering::emitPreTraceChanges(ProjectionInfo &info, Value i,
                                          bool keepBefore) {
  unsigned numVars = info.synapse.getNumVariables();
  for (unsigned v = 0; v < numVars; ++v) {
    if (info.preTrace[v] < 0)
      continue;
    // `before` holds the value (not the held one): it is read this step.
    Value x;
    if (keepBefore) {
      x = traceValue(info, v, load(info.preTrace[v], i));
      store(x, info.preBefore[v], i);
    } else {
      x = load(info.preBefore[v], i);
    }
    store(traceHeld(info, v, traceChange(info, info.synapse.getOnPre(), v, x)),
          info.preTrace[v], i);
  }
}

static bool anyBuffer(ArrayRef<int> buffers) {
  return llvm::any_of(buffers, [](int b) { return b >= 0; });
}

void NetworkLowering::emitTracesCPU(ProjectionInfo &info) {
  loc = info.op.getLoc();
  auto stepOn = [&](ArrayRef<int> which, Value lo, Value hi) {
    if (!anyBuffer(which))
      return;
    OpBuilder::InsertionGuard guard(b);
    // Held traces: on by an epoch at its end only.
    Value elapsed;
    if (info.epochTraces) {
      auto ifOp =
          b.create<scf::IfOp>(loc, traceEpochDue(), /*withElseRegion=*/false);
      b.setInsertionPointToStart(ifOp.thenBlock());
      elapsed = real(double(kTraceEpoch) * network.getDt().convertToDouble());
    }
    auto loop = b.create<scf::ForOp>(loc, lo, hi, index(1));
    markParallel(loop);
    b.setInsertionPointToStart(loop.getBody());
    advanceTracesAt(info, which, loop.getInductionVar(), {}, elapsed);
  };
  // Pre traces: one step on, then each spike of this step changes its
  // neuron's (keeping the value before, for on_pre). A thread's spikes are
  // those of its share, but a spike array's are all thread 0's.
  Spiking &pre = *spikingByName.lookup(info.op.getPre());
  if (anyBuffer(info.preTrace)) {
    OpBuilder::InsertionGuard guard(b);
    Value lo, hi;
    if (spikeArrayNamed(pre.name)) {
      Value first = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                            tid, index(0));
      auto ifOp = b.create<scf::IfOp>(loc, first, /*withElseRegion=*/false);
      b.setInsertionPointToStart(ifOp.thenBlock());
      lo = index(0);
      hi = index(pre.size);
    } else {
      std::tie(lo, hi) = threadShare(pre, tid);
    }
    stepOn(info.preTrace, lo, hi);
    Value numSpikes = toIndex(load(pre.spikeCount, segmentCount(tid)));
    Value start = segmentStart(pre, tid);
    auto spikes = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
    b.setInsertionPointToStart(spikes.getBody());
    emitPreTraceChanges(
        info,
        toIndex(load(pre.spikes, b.create<arith::AddIOp>(
                                     loc, start, spikes.getInductionVar()))),
        /*keepBefore=*/true);
  }
  // Post traces: one step on (on_post changes them).
  auto [postLo, postHi] = threadShare(*info.post->spiking, tid);
  stepOn(info.postTrace, postLo, postHi);
}

void NetworkLowering::emitTracesGPU(ProjectionInfo &info) {
  loc = info.op.getLoc();
  // Every neuron's one step on; a pre trace's value is also its value
  // before this step's spike, which the propagation changes (a later
  // phase: the spike's thread there).
  Spiking &pre = *spikingByName.lookup(info.op.getPre());
  // Held traces: on by an epoch where it ends (a select: the same values
  // as the CPU's branch).
  Value elapsed;
  if (info.epochTraces)
    elapsed = real(double(kTraceEpoch) * network.getDt().convertToDouble());
  if (anyBuffer(info.preTrace)) {
    OpBuilder::InsertionGuard guard(b);
    advanceTracesAt(info, info.preTrace,
                    gridLoop(index(pre.size)).getInductionVar(),
                    info.preBefore, elapsed, info.epochTraces);
  }
  if (anyBuffer(info.postTrace)) {
    OpBuilder::InsertionGuard guard(b);
    advanceTracesAt(info, info.postTrace,
                    gridLoop(index(info.post->op.getSize())).getInductionVar(),
                    {}, elapsed, info.epochTraces);
  }
}

void NetworkLowering::emitDelayedPropagationCPU(ProjectionInfo &info) {
  ProjectionOp op = info.op;
  loc = op.getLoc();
  Spiking &pre = *spikingByName.lookup(op.getPre());
  int64_t historyCells = target->historyCells();
  Value cells = index(historyCells), slotSize = index(historyCells + pre.size);
  Value slots = b.create<arith::DivUIOp>(loc, viewCount(info.history),
                                         slotSize);
  auto slotBaseOf = [&](Value stepsBack) {
    // ((n + slots - d) mod slots) * slotSize
    Value slot = b.create<arith::RemUIOp>(
        loc,
        b.create<arith::SubIOp>(
            loc, b.create<arith::AddIOp>(loc, stepIndex, slots), stepsBack),
        slots);
    return b.create<arith::MulIOp>(loc, slot, slotSize);
  };
  // This step's spikes of this thread's share into slot n mod slots (read
  // from the next step on, after a barrier; no thread reads that slot in
  // this step).
  {
    Value base = slotBaseOf(index(0));
    Value count = load(pre.spikeCount, segmentCount(tid));
    store(count, info.history, b.create<arith::AddIOp>(loc, base, tid));
    Value from = segmentStart(pre, tid);
    Value to = b.create<arith::AddIOp>(
        loc, b.create<arith::AddIOp>(loc, base, cells),
        threadShare(pre, tid).first);
    auto copy = b.create<scf::ForOp>(loc, index(0), toIndex(count), index(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(copy.getBody());
    Value s = copy.getInductionVar();
    store(load(pre.spikes, b.create<arith::AddIOp>(loc, from, s)),
          info.history, b.create<arith::AddIOp>(loc, to, s));
  }
  // The spikes that arrive now, oldest first (Brian2's queue order: by the
  // step of the spike, then the spike, then the synapse in its row): those
  // of step n - d at the synapses of delay d, d from slots - 1 down to 0;
  // with a constant delay D, only d = D. Only the synapses into this
  // thread's share.
  auto [postLo, postHi] = threadShare(*info.post->spiking, tid);
  auto arrivals = [&](Value d, bool current, bool filter) {
    Value base = current ? Value() : slotBaseOf(d);
    auto segments = b.create<scf::ForOp>(loc, index(0), nthreads, index(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(segments.getBody());
    Value segment = segments.getInductionVar();
    Value numSpikes, start;
    int list;
    if (current) {
      numSpikes = toIndex(load(pre.spikeCount, segmentCount(segment)));
      start = segmentStart(pre, segment);
      list = pre.spikes;
    } else {
      numSpikes = toIndex(
          load(info.history, b.create<arith::AddIOp>(loc, base, segment)));
      start = b.create<arith::AddIOp>(
          loc, b.create<arith::AddIOp>(loc, base, cells),
          threadShare(pre, segment).first);
      list = info.history;
    }
    auto spikes = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
    b.setInsertionPointToStart(spikes.getBody());
    Value source = toIndex(load(
        list, b.create<arith::AddIOp>(loc, start, spikes.getInductionVar())));
    auto onPre = [&](Value post, Value k) {
      emitSynapseEvent(info, info.synapse.getOnPre(), post, k, source);
    };
    if (filter && info.delaySyn >= 0) {
      // The stretch of the row's delay order that holds delay d (found by
      // binary search), in row order within it: the synapses and the order
      // of the filtered walk, without visiting the others.
      auto [begin, end] = rowBounds(info, source);
      auto delayAt = [&](Value m) {
        return toIndex(load(info.delay, toIndex(load(info.delaySyn, m))));
      };
      Value first = lowerBound(delayAt, begin, end, d);
      Value last = lowerBound(delayAt, first, end,
                              b.create<arith::AddIOp>(loc, d, index(1)));
      emitCsrStretchCPU(info, first, last, postLo, postHi, info.delaySyn,
                        onPre);
      return;
    }
    emitStorageRowCPU(info, source, postLo, postHi, [&](Value post, Value k) {
      if (filter) {
        Value mine = b.create<arith::CmpIOp>(
            loc, arith::CmpIPredicate::eq, toIndex(load(info.delay, k)), d);
        auto ifOp = b.create<scf::IfOp>(loc, mine, /*withElseRegion=*/false);
        b.setInsertionPointToStart(ifOp.thenBlock());
      }
      onPre(post, k);
    });
  };
  if (auto delay = dyn_cast<FloatAttr>(op.getDelay())) {
    int64_t steps = stepsOf(delay.getValueAsDouble(),
                            network.getDt().convertToDouble());
    arrivals(index(steps), /*current=*/false, /*filter=*/false);
    return;
  }
  // d = slots - 1 - k for k in [0, slots - 1), then d = 0 from this step's
  // lists.
  auto older = b.create<scf::ForOp>(
      loc, index(0), b.create<arith::SubIOp>(loc, slots, index(1)), index(1));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(older.getBody());
    Value d = b.create<arith::SubIOp>(
        loc, b.create<arith::SubIOp>(loc, slots, index(1)),
        older.getInductionVar());
    arrivals(d, /*current=*/false, /*filter=*/true);
  }
  arrivals(index(0), /*current=*/true, /*filter=*/true);
}

void NetworkLowering::emitColumnPrefetch(ProjectionInfo &info, Value j) {
  Value first = toIndex(load(info.colPtr, j));
  Value last = toIndex(
      load(info.colPtr, b.create<arith::AddIOp>(loc, j, index(1))));
  prefetchLines({info.colSyn, info.colPre}, first, last);
}

void NetworkLowering::emitPropagatePostCPU(ProjectionInfo &info) {
  loc = info.op.getLoc();
  Spiking &post = *info.post->spiking;
  // This thread's spikes of the post population (its share's, in order).
  Value numSpikes = toIndex(load(post.spikeCount, segmentCount(tid)));
  Value start = segmentStart(post, tid);
  auto spikeAt = [&](Value s) {
    return toIndex(
        load(post.spikes, b.create<arith::AddIOp>(loc, start, s)));
  };
  // A column starts at a random place, as a row does
  // (emitRowPrefetchesBefore).
  prefetchBeforeSpikes(info.colPtr, numSpikes, spikeAt, [&](Value s) {
    emitColumnPrefetch(info, spikeAt(s));
  });
  auto spikes = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(spikes.getBody());
  Value s = spikes.getInductionVar();
  prefetchAhead(s, numSpikes, [&](Value ahead) {
    emitColumnPrefetch(info, spikeAt(ahead));
  });
  emitOnPostAt(info, spikeAt(s));
}

void NetworkLowering::emitPropagatePostGPU(ProjectionInfo &info) {
  loc = info.op.getLoc();
  Spiking &post = *info.post->spiking;
  // A thread per spike: each synapse into a spiking neuron is its thread's.
  OpBuilder::InsertionGuard guard(b);
  Value s = gridLoop(toIndex(load(post.spikeCount, parity))).getInductionVar();
  emitOnPostAt(info, toIndex(load(post.spikes, s)));
}

void NetworkLowering::emitOnPostAt(ProjectionInfo &info, Value j) {
  OpBuilder::InsertionGuard guard(b);
  Value first = toIndex(load(info.colPtr, j));
  Value last = toIndex(
      load(info.colPtr, b.create<arith::AddIOp>(loc, j, index(1))));
  // The post traces: their value before this spike (what the synapses
  // read), then its change, once for the neuron.
  unsigned numVars = info.synapse.getNumVariables();
  SmallVector<Value> postBefore(numVars);
  for (unsigned v = 0; v < numVars; ++v) {
    if (info.postTrace[v] < 0)
      continue;
    postBefore[v] = traceValue(info, v, load(info.postTrace[v], j));
    store(traceHeld(info, v,
                    traceChange(info, info.synapse.getOnPost(), v,
                                postBefore[v])),
          info.postTrace[v], j);
  }
  // Each synapse into the spiking neuron, in the order of its pre neuron.
  auto synapses = b.create<scf::ForOp>(loc, first, last, index(1));
  b.setInsertionPointToStart(synapses.getBody());
  Value c = synapses.getInductionVar();
  Value k = toIndex(load(info.colSyn, c));
  Value pre = info.colPre >= 0 ? loadIndex(info.colPre, c) : Value();
  emitSynapseEvent(info, info.synapse.getOnPost(), j, k, pre, postBefore);
}

void NetworkLowering::emitPlasticPropagationGPU(ProjectionInfo &info) {
  ProjectionOp op = info.op;
  loc = op.getLoc();
  Spiking &pre = *spikingByName.lookup(op.getPre());
  RowLanes lanes = rowLanes(info);
  // on_pre at the synapses of `numSpikes` spikes (`sourceAt(s)`), those of
  // delay `d` only when given; a synapse's pre neuron spikes at most once a
  // step, so each synapse is one thread's. With `changeTraces`, lane 0
  // changes the spiking neuron's pre traces (on_pre read their values
  // before: preBefore).
  auto arrivals = [&](Value numSpikes, llvm::function_ref<Value(Value)> sourceAt,
                      Value d, bool changeTraces) {
    OpBuilder::InsertionGuard guard(b);
    auto spikes =
        b.create<scf::ForOp>(loc, lanes.first, numSpikes, lanes.stride);
    b.setInsertionPointToStart(spikes.getBody());
    Value source = sourceAt(spikes.getInductionVar());
    emitStorageRowGPU(info, source, lanes.lane, lanes.width,
                      [&](Value post, Value k) {
      OpBuilder::InsertionGuard guard(b);
      if (d) {
        Value mine = b.create<arith::CmpIOp>(
            loc, arith::CmpIPredicate::eq, toIndex(load(info.delay, k)), d);
        auto ifOp = b.create<scf::IfOp>(loc, mine, /*withElseRegion=*/false);
        b.setInsertionPointToStart(ifOp.thenBlock());
      }
      emitSynapseEvent(info, info.synapse.getOnPre(), post, k, source);
    });
    if (changeTraces && anyBuffer(info.preTrace)) {
      Value lead = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                           lanes.lane, index(0));
      auto ifOp = b.create<scf::IfOp>(loc, lead, /*withElseRegion=*/false);
      b.setInsertionPointToStart(ifOp.thenBlock());
      emitPreTraceChanges(info, source, /*keepBefore=*/false);
    }
  };
  Value numSpikes = toIndex(load(pre.spikeCount, parity));
  auto current = [&](Value s) { return toIndex(load(pre.spikes, s)); };
  if (info.history < 0)
    return arrivals(numSpikes, current, Value(), /*changeTraces=*/true);

  // Delays: the history holds the spike lists of the last `slots` steps,
  // step s's in slot s mod slots (its count, then the list).
  int64_t cells = target->historyCells();
  Value slotSize = index(cells + pre.size);
  Value slots = b.create<arith::DivUIOp>(loc, viewCount(info.history),
                                         slotSize);
  auto slotBaseOf = [&](Value stepsBack) -> Value {
    Value slot = b.create<arith::RemUIOp>(
        loc,
        b.create<arith::SubIOp>(
            loc, b.create<arith::AddIOp>(loc, stepIndex, slots), stepsBack),
        slots);
    return b.create<arith::MulIOp>(loc, slot, slotSize);
  };
  // This step's spikes into slot n mod slots (read from the next step on;
  // no thread reads that slot in this step).
  {
    OpBuilder::InsertionGuard guard(b);
    Value base = slotBaseOf(index(0));
    Value firstThread =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, tid, index(0));
    auto ifOp = b.create<scf::IfOp>(loc, firstThread, /*withElseRegion=*/false);
    b.setInsertionPointToStart(ifOp.thenBlock());
    store(load(pre.spikeCount, parity), info.history, base);
    b.setInsertionPointAfter(ifOp);
    Value s = gridLoop(numSpikes).getInductionVar();
    store(load(pre.spikes, s), info.history,
          b.create<arith::AddIOp>(
              loc, b.create<arith::AddIOp>(loc, base, index(cells)), s));
  }
  // The spikes that arrive now: those of step n - d at the synapses of
  // delay d. Every synapse has one arrival at most, so only the additions
  // to the post neurons depend on the order; it is the CPU's (oldest
  // first), which one GPU thread then repeats exactly.
  auto older = [&](Value d, bool filter) {
    Value base = slotBaseOf(d);
    Value start = b.create<arith::AddIOp>(loc, base, index(cells));
    arrivals(toIndex(load(info.history, base)),
             [&](Value s) {
               return toIndex(load(info.history,
                                   b.create<arith::AddIOp>(loc, start, s)));
             },
             filter ? d : Value(), /*changeTraces=*/false);
  };
  if (auto delay = dyn_cast<FloatAttr>(op.getDelay()))
    return older(index(stepsOf(delay.getValueAsDouble(),
                               network.getDt().convertToDouble())),
                 /*filter=*/false);
  // d = slots - 1 - k for k in [0, slots - 1), then d = 0 from this step's
  // list.
  Value last = b.create<arith::SubIOp>(loc, slots, index(1));
  auto loop = b.create<scf::ForOp>(loc, index(0), last, index(1));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    older(b.create<arith::SubIOp>(loc, last, loop.getInductionVar()),
          /*filter=*/true);
  }
  arrivals(numSpikes, current, index(0), /*changeTraces=*/false);
}

int64_t NetworkLowering::emitClockSynapses(ProjectionInfo &info) {
  SynapseModelOp model = info.synapse;
  loc = info.op.getLoc();
  Population &post = *info.post;
  OpBuilder::InsertionGuard guard(b);
  // The synapses into this thread's post neurons (their owner's), through
  // the per-post index.
  Value j = target->ownNeurons(*this, *post.spiking, /*parallel=*/false)
                .getInductionVar();
  Value first = toIndex(load(info.colPtr, j));
  Value last =
      toIndex(load(info.colPtr, b.create<arith::AddIOp>(loc, j, index(1))));
  SmallVector<Value> postValues;
  for (unsigned v : info.postReads)
    postValues.push_back(load(post.variables[v], j));
  SmallVector<Value> links;
  for (auto [buffer, perNeuron] : info.links)
    links.push_back(load(buffer, perNeuron ? j : index(0)));
  auto synapses = b.create<scf::ForOp>(loc, first, last, index(1));
  b.setInsertionPointToStart(synapses.getBody());
  Value c = synapses.getInductionVar();
  Value k = toIndex(load(info.colSyn, c));
  // The arguments of on_pre; the clock-driven equations read no per-neuron
  // trace (those are event-driven: the frontend and snn-integrate keep
  // them out), so a trace's argument is a dead 0.
  SmallVector<Value> args;
  for (int buffer : info.synapseVariables)
    args.push_back(buffer >= 0 ? load(buffer, k) : real(0.0));
  args.append(postValues);
  if (!info.preReads.empty()) {
    Value pre = loadIndex(info.colPre, c);
    for (int buffer : info.preReads)
      args.push_back(load(buffer, pre));
  }
  args.append(links);
  args.append(synapseParams(info));
  SmallVector<Value> next = inlineRegion(model.getClockStep(), args);
  for (auto [i, attr] : llvm::enumerate(model.getClockDriven())) {
    int buffer = info.synapseVariables[model.lookupVariable(
        cast<StringAttr>(attr).getValue())];
    assert(buffer >= 0 && "a clock-driven variable is per synapse");
    store(next[i], buffer, k);
  }
  return post.op.getSize();
}

int64_t NetworkLowering::emitSampleSynapses(int64_t k, bool gpu) {
  SynapseRecord &r = synapseRecords[k];
  loc = r.op.getLoc();
  ProjectionInfo &info = projectionNamed(r.op.getProjection());
  SynapseModelOp model = info.synapse;
  unsigned v = model.lookupVariable(r.op.getVariable());
  int buffer = info.synapseVariables[v];
  assert(buffer >= 0 && "a recorded variable stays per synapse");
  int64_t size = static_cast<int64_t>(r.op.getPre().size());
  // When the next step is one of the recording's.
  Value next = b.create<arith::AddIOp>(loc, stepIndex, index(1));
  Value due = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::eq,
      b.create<arith::RemUIOp>(loc, next, index(r.op.getEvery())), index(0));
  auto ifOp = b.create<scf::IfOp>(loc, due, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value j, s;
  if (gpu) {
    j = gridLoop(index(size)).getInductionVar();
    s = toIndex(load(r.synapses, j));
  } else {
    // The synapses into this thread's share (their owner's).
    auto [lo, hi] = threadShare(*info.post->spiking, tid);
    auto loop = b.create<scf::ForOp>(loc, index(0), index(size), index(1));
    b.setInsertionPointToStart(loop.getBody());
    j = loop.getInductionVar();
    s = toIndex(load(r.synapses, j));
    ifInShare(loadIndex(info.col, s), lo, hi);
  }
  Value value = load(buffer, s);
  if (info.lastUpdate >= 0 && model.lookupEventDriven(r.op.getVariable()) >= 0) {
    // Its value at the start of the next step.
    Value elapsedSteps = b.create<arith::SubIOp>(
        loc, b.create<arith::IndexCastOp>(loc, b.getI64Type(), next),
        load(info.lastUpdate, s));
    Value elapsed = b.create<arith::MulFOp>(
        loc, b.create<arith::SIToFPOp>(loc, floatType, elapsedSteps),
        real(network.getDt().convertToDouble()));
    SmallVector<Value> vars(model.getNumVariables(), real(0.0));
    vars[v] = value;
    advanceEventDriven(info, vars, elapsed,
                       [&](unsigned w) { return w == v; });
    value = vars[v];
  }
  store(value, r.sample, j);
  return size;
}

} // namespace mlir::snn::lowering
