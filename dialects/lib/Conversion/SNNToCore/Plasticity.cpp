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

namespace mlir::snn::lowering {

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
  for (Attribute attr : model.getVariables()) {
    StringRef var = cast<StringAttr>(attr).getValue();
    if (var == model.getWeight()) {
      info.synapseVariables.push_back(info.weight);
      continue;
    }
    info.synapseVariables.push_back(addBuffer(
        name + ".var." + var.str(), floatType, json::Object(perSynapse)));
  }
  if (model.getNumEventDriven() > 0)
    info.lastUpdate = addBuffer(name + ".lastupdate", b.getI64Type(),
                                json::Object(perSynapse));
  if (model.hasOnPost()) {
    info.colPtr = addBuffer(name + ".col_ptr", b.getI64Type(), npost + 1);
    info.colSyn = addBuffer(name + ".col_syn", b.getI32Type(),
                            json::Object(perSynapse));
  }
  for (Attribute attr : model.getPostReads())
    info.postReads.push_back(
        info.post->model.lookupVariable(cast<StringAttr>(attr).getValue()));
  for (Attribute attr : model.getPostTargets())
    info.postTargets.push_back(
        info.post->model.lookupVariable(cast<StringAttr>(attr).getValue()));
}

void NetworkLowering::emitSynapseEvent(ProjectionInfo &info,
                                       Region &statements, Value post,
                                       Value k) {
  SynapseModelOp model = info.synapse;
  DictionaryAttr paramValues = info.op.getSynapseParamsAttr();
  SmallVector<Value> params;
  for (Attribute attr : model.getParams())
    params.push_back(real(cast<FloatAttr>(paramValues.get(
                              cast<StringAttr>(attr).getValue()))
                              .getValueAsDouble()));
  SmallVector<Value> vars;
  for (int buffer : info.synapseVariables)
    vars.push_back(load(buffer, k));
  SmallVector<Value> loaded(vars);
  // The event-driven variables, advanced from the synapse's last event to
  // this step (Brian2: t - lastupdate), then the step recorded.
  if (info.lastUpdate >= 0) {
    Value now = b.create<arith::IndexCastOp>(loc, b.getI64Type(), stepIndex);
    Value elapsedSteps =
        b.create<arith::SubIOp>(loc, now, load(info.lastUpdate, k));
    Value elapsed = b.create<arith::MulFOp>(
        loc, b.create<arith::SIToFPOp>(loc, floatType, elapsedSteps),
        real(network.getDt().convertToDouble()));
    SmallVector<Value> args;
    SmallVector<unsigned> positions;
    for (Attribute attr : model.getEventDriven()) {
      unsigned v = model.lookupVariable(cast<StringAttr>(attr).getValue());
      positions.push_back(v);
      args.push_back(vars[v]);
    }
    args.append(params);
    args.push_back(elapsed);
    SmallVector<Value> advanced = inlineRegion(model.getAdvance(), args);
    for (auto [v, value] : llvm::zip(positions, advanced))
      vars[v] = value;
    store(now, info.lastUpdate, k);
  }
  Population &pop = *info.post;
  SmallVector<Value> args(vars);
  for (unsigned v : info.postReads)
    args.push_back(load(pop.variables[v], post));
  args.append(params);
  SmallVector<Value> results = inlineRegion(statements, args);
  unsigned numVars = model.getNumVariables();
  for (unsigned v = 0; v < numVars; ++v)
    if (results[v] != loaded[v])
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

void NetworkLowering::emitPropagatePostCPU(ProjectionInfo &info) {
  loc = info.op.getLoc();
  Spiking &post = *info.post->spiking;
  // This thread's spikes of the post population (its share's, in order),
  // each synapse into the spiking neuron in the order of its pre neuron.
  Value numSpikes = toIndex(load(post.spikeCount, segmentCount(tid)));
  Value start = segmentStart(post, tid);
  auto spikes = b.create<scf::ForOp>(loc, index(0), numSpikes, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(spikes.getBody());
  Value j = toIndex(load(
      post.spikes, b.create<arith::AddIOp>(loc, start, spikes.getInductionVar())));
  Value first = toIndex(load(info.colPtr, j));
  Value last = toIndex(
      load(info.colPtr, b.create<arith::AddIOp>(loc, j, index(1))));
  auto synapses = b.create<scf::ForOp>(loc, first, last, index(1));
  b.setInsertionPointToStart(synapses.getBody());
  Value k = toIndex(load(info.colSyn, synapses.getInductionVar()));
  emitSynapseEvent(info, info.synapse.getOnPost(), j, k);
}

} // namespace mlir::snn::lowering
