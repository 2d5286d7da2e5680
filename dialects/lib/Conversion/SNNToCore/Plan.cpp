//===- Plan.cpp - buffers and descriptor --------------------------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

namespace mlir::snn::lowering {

void NetworkLowering::planBuffers() {
  Type i32Type = b.getI32Type(), i64Type = b.getI64Type();
  double dt = network.getDt().convertToDouble();
  auto addSpiking = [&](Operation *op, StringRef name, int64_t size) {
    Spiking &s = spiking.emplace_back();
    s.op = op;
    s.name = name.str();
    s.size = size;
    s.entity = static_cast<uint32_t>(spiking.size() - 1);
    // Double-buffered by step parity on the GPU (docs/gpu-abi.md); on the
    // CPU also one segment per thread (docs/runtime-abi.md, "Threads").
    s.spikeCount = addBuffer(s.name + ".spike_count", i32Type,
                             target->spikeCountCells());
    s.spikes = addBuffer(s.name + ".spikes", i32Type,
                         target->spikeListLength(size));
    target->planSpiking(*this, s);
    spikingByName[s.name] = &s;
    return &s;
  };

  for (Operation &op : network.getBody().front()) {
    if (auto pop = dyn_cast<PopulationOp>(op)) {
      Population &p = populations.emplace_back();
      p.op = pop;
      p.model = SymbolTable::lookupNearestSymbolFrom<NeuronModelOp>(
          pop, pop.getModelAttr());
      p.spiking = addSpiking(pop, pop.getSymName(), pop.getSize());
      populationByName[pop.getSymName()] = &p;
      json::Array vars;
      for (auto [k, attr] : llvm::enumerate(p.model.getVariables())) {
        StringRef var = cast<StringAttr>(attr).getValue();
        int id = addBuffer((pop.getSymName() + "." + var).str(), floatType,
                           pop.getSize());
        p.variables.push_back(id);
        Attribute init = pop.getInit().get(var);
        if (!init)
          init = b.getF64FloatAttr(0.0);
        vars.push_back(json::Object{{"name", var.str()},
                                    {"buffer", id},
                                    {"init", valueSpecToJSON(init)}});
      }
      json::Object entry{{"name", pop.getSymName().str()},
                         {"kind", "neuron"},
                         {"size", pop.getSize()},
                         {"model", p.model.getSymName().str()},
                         {"spike_count", p.spiking->spikeCount},
                         {"spikes", p.spiking->spikes},
                         {"variables", std::move(vars)}};
      p.refractorySteps =
          stepsOf(p.model.getRefractory().convertToDouble(), dt);
      p.refractoryType = p.refractorySteps > INT32_MAX ? b.getI64Type()
                                                        : b.getI32Type();
      if (p.refractorySteps > 0) {
        p.refractory = addBuffer((pop.getSymName() + ".refractory").str(),
                                 p.refractoryType, pop.getSize());
        entry["refractory"] = p.refractory;
        entry["refractory_steps"] = p.refractorySteps;
      }
      populationsJSON.push_back(std::move(entry));
    } else if (auto src = dyn_cast<PoissonSourceOp>(op)) {
      Spiking *s = addSpiking(src, src.getSymName(), src.getSize());
      PoissonInfo info{src, s};
      json::Object entry{{"name", s->name},
                         {"kind", "poisson"},
                         {"size", s->size},
                         {"spike_count", s->spikeCount},
                         {"spikes", s->spikes},
                         {"rate", valueSpecToJSON(src.getRate())}};
      if (!isa<FloatAttr>(src.getRate())) {
        info.rate = addBuffer(s->name + ".rate", floatType, s->size);
        entry["rate_buffer"] = info.rate;
      }
      poissons.push_back(info);
      populationsJSON.push_back(std::move(entry));
    } else if (auto src = dyn_cast<SpikeSourceArrayOp>(op)) {
      Spiking *s = addSpiking(src, src.getSymName(), src.getSize());
      SpikeArrayInfo info{s};
      json::Object count{{"spike_array", s->name}};
      info.times = addBuffer(s->name + ".times", i32Type, json::Object(count));
      info.ids = addBuffer(s->name + ".ids", i32Type, json::Object(count));
      info.cursor = addBuffer(s->name + ".cursor", i64Type, 1);
      spikeArrays.push_back(info);
      populationsJSON.push_back(json::Object{{"name", s->name},
                                             {"kind", "spike_array"},
                                             {"size", s->size},
                                             {"spike_count", s->spikeCount},
                                             {"spikes", s->spikes},
                                             {"file", src.getPath().str()},
                                             {"times", info.times},
                                             {"ids", info.ids},
                                             {"cursor", info.cursor}});
    }
  }

  for (auto op : network.getBody().getOps<CurrentOp>()) {
    Current c{op, static_cast<uint32_t>(currents.size())};
    Population *target = populationByName.lookup(op.getTarget());
    json::Object entry{{"name", op.getSymName().str()},
                       {"kind", op.getKind().str()},
                       {"population", op.getTarget().str()},
                       {"variable", op.getInput().str()},
                       {"amplitude", valueSpecToJSON(op.getAmplitude())},
                       {"std", op.getStd().convertToDouble()},
                       {"start", op.getStart().convertToDouble()},
                       {"stop", op.getStop().convertToDouble()}};
    if (!isa<FloatAttr>(op.getAmplitude())) {
      c.amplitude = addBuffer((op.getSymName() + ".amplitude").str(),
                              floatType, target->op.getSize());
      entry["amplitude_buffer"] = c.amplitude;
    }
    currents.push_back(c);
    currentsJSON.push_back(std::move(entry));
  }

  for (auto op : network.getBody().getOps<PoissonInputOp>()) {
    Population *pop = populationByName.lookup(op.getTarget());
    PoissonInputInfo &info = poissonInputs.emplace_back();
    info.op = op;
    info.entity = static_cast<uint32_t>(poissonInputs.size() - 1);
    info.variable = pop->model.lookupVariable(op.getVariable());
    info.table = computeBinomialTable(op.getNAttr().getInt(),
                                       op.getProbability(dt));
    pop->poissonInputs.push_back(&info);
    pop->inputs = true;
  }

  for (auto op : network.getBody().getOps<ProjectionOp>()) {
    ProjectionInfo info{op};
    info.entity = static_cast<uint32_t>(projections.size());
    info.procedural = op.getStorage() == StorageKind::procedural;
    Spiking *pre = spikingByName.lookup(op.getPre());
    Population *post = populationByName.lookup(op.getPost());
    std::string name = op.getSymName().str();
    json::Object entry{{"name", name},
                       {"pre", op.getPre().str()},
                       {"post", op.getPost().str()},
                       {"target", op.getTarget().str()},
                       {"connectivity", connectivityToJSON(op.getConnectivity())},
                       {"weight", valueSpecToJSON(op.getWeight())},
                       {"delay", valueSpecToJSON(op.getDelay())},
                       {"storage", stringifyStorageKind(
                                       info.procedural ? StorageKind::procedural
                                                       : StorageKind::csr)
                                       .str()}};
    // Procedural synapses are drawn again at each spike: nothing stored.
    if (!info.procedural) {
      info.rowPtr = addBuffer(name + ".row_ptr", i64Type, pre->size + 1);
      // Columns of 16 bits (read unsigned) when every post index fits:
      // half the bytes per synapse to store and to stream at each spike. A
      // plan may keep 32 (but not narrow a population that does not fit).
      bool fits = post->op.getSize() <= kNarrowColumnLimit;
      Type colType = fits ? b.getI16Type() : i32Type;
      if (Type planned = plannedType(name + ".col");
          planned && fits && planned.isInteger(32))
        colType = planned;
      info.col = addBuffer(name + ".col", colType,
                           json::Object{{"synapses", name}});
      entry["row_ptr"] = info.rowPtr;
      entry["col"] = info.col;
    }
    if (!isa<FloatAttr>(op.getWeight())) {
      info.weight = addBuffer(name + ".weight", floatType,
                              json::Object{{"synapses", name}});
      entry["weight_buffer"] = info.weight;
    }
    if (!isa<FloatAttr>(op.getDelay())) {
      info.delay = addBuffer(name + ".delay", i32Type,
                             json::Object{{"synapses", name}});
      entry["delay_buffer"] = info.delay;
    }
    info.post = post;
    info.variable = post->model.lookupVariable(op.getTarget());
    post->inputs = true;
    // Delay 0 steps (as a constant): the weight is added to the target
    // variable at once, without a ring (docs/runtime-abi.md, step 3).
    if (op.isImmediate()) {
      projections.push_back(info);
      projectionsJSON.push_back(std::move(entry));
      continue;
    }
    std::string ringName = (op.getPost() + "." + op.getTarget()).str();
    Ring *&ring = ringByName[ringName];
    if (!ring) {
      ring = &rings.emplace_back();
      ring->name = ringName;
      ring->population = post;
      ring->variable = info.variable;
      ring->buffer = addBuffer(ringName + ".ring", floatType,
                               json::Object{{"ring", ringName}});
    }
    ring->projections.push_back(name);
    info.ring = ring;
    entry["ring"] = ringName;
    projections.push_back(info);
    projectionsJSON.push_back(std::move(entry));
  }
  for (Population &pop : populations)
    pop.resets = pop.model.resetChangesState();
  for (Ring &ring : rings)
    ring.population->rings.push_back(&ring);
  target->planStep(*this);
  for (Ring &ring : rings)
    ringsJSON.push_back(json::Object{
        {"name", ring.name},
        {"population", ring.population->op.getSymName().str()},
        {"variable", cast<StringAttr>(
                         ring.population->model.getVariables()[ring.variable])
                         .getValue()
                         .str()},
        {"buffer", ring.buffer},
        {"projections", json::Array(ring.projections)}});

  json::Array spikes, state;
  for (auto op : network.getBody().getOps<RecordSpikesOp>()) {
    spikes.push_back(op.getPopulation().str());
    target->planSpikeRecord(*this, *spikingByName.lookup(op.getPopulation()));
  }
  for (auto op : network.getBody().getOps<RecordStateOp>()) {
    Population *pop = populationByName.lookup(op.getPopulation());
    json::Array neurons;
    for (int64_t n : op.getNeurons())
      neurons.push_back(n);
    target->planStateRecord(*this, op);
    state.push_back(json::Object{
        {"population", op.getPopulation().str()},
        {"variable", op.getVariable().str()},
        {"buffer", pop->variables[pop->model.lookupVariable(op.getVariable())]},
        {"neurons", std::move(neurons)},
        {"every", op.getEvery()}});
  }
  recordJSON = json::Object{{"format", network.getRecordFormat().str()},
                            {"spikes", std::move(spikes)},
                            {"state", std::move(state)}};
}

json::Value NetworkLowering::countJSON(Attribute count) {
  if (auto n = dyn_cast<IntegerAttr>(count))
    return n.getInt();
  NamedAttribute entry = *cast<DictionaryAttr>(count).begin();
  json::Value of = nullptr;
  if (auto k = dyn_cast<IntegerAttr>(entry.getValue()))
    of = k.getInt();
  else
    of = cast<StringAttr>(entry.getValue()).getValue().str();
  return json::Object{{entry.getName().getValue(), std::move(of)}};
}

Attribute NetworkLowering::countAttr(const json::Value &count) {
  if (std::optional<int64_t> n = count.getAsInteger())
    return b.getI64IntegerAttr(*n);
  const json::Object *o = count.getAsObject();
  assert(o && o->size() == 1 && "a count is a number or {kind: of}");
  const auto &[kind, of] = *o->begin();
  Attribute value;
  if (std::optional<int64_t> k = of.getAsInteger())
    value = b.getI64IntegerAttr(*k);
  else
    value = b.getStringAttr(*of.getAsString());
  return b.getDictionaryAttr(b.getNamedAttr(kind.str(), value));
}

void NetworkLowering::loadPlan() {
  for (BufferOp op : arenaOp.getBuffers()) {
    plannedByName[op.getName()] = static_cast<int>(buffers.size());
    plannedOps.push_back(op);
    buffers.push_back(
        {op.getName().str(), op.getElementType(), countJSON(op.getCount())});
  }
  plannedUsed.assign(buffers.size(), false);
}

Type NetworkLowering::plannedType(StringRef name) const {
  if (!arenaOp)
    return Type();
  auto it = plannedByName.find(name);
  return it == plannedByName.end() ? Type() : buffers[it->second].type;
}

int NetworkLowering::usePlanned(StringRef name, Type elementType,
                                const json::Value &count) {
  // As snn.buffer writes it: `f64 [4]`, `i16 [synapses "q"]`.
  auto describe = [&](Type type, const json::Value &n) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << type << " [";
    if (const json::Object *o = n.getAsObject(); o && o->size() == 1) {
      const auto &[kind, of] = *o->begin();
      os << kind.str() << " ";
      if (std::optional<StringRef> name = of.getAsString())
        os << '"' << *name << '"';
      else
        os << of;
    } else {
      os << n;
    }
    os << "]";
    return text;
  };
  auto it = plannedByName.find(name);
  if (it == plannedByName.end()) {
    arenaOp.emitOpError("has no buffer '")
        << name << "', which the step needs (" << describe(elementType, count)
        << ")";
    planMismatch = true;
    return 0;
  }
  int id = it->second;
  const BufferDecl &decl = buffers[id];
  BufferOp op = plannedOps[id];
  if (decl.type != elementType || decl.count != count) {
    op.emitOpError("buffer '")
        << name << "' is " << describe(decl.type, decl.count)
        << " in the plan, but the step needs " << describe(elementType, count);
    planMismatch = true;
  }
  plannedUsed[id] = true;
  return id;
}

NetworkLowering::ProjectionInfo &
NetworkLowering::projectionNamed(StringRef name) {
  auto it = llvm::find_if(projections, [&](ProjectionInfo &p) {
    return p.op.getSymName() == name;
  });
  assert(it != projections.end() && "the verifier resolved the name");
  return *it;
}

NetworkLowering::PoissonInfo *NetworkLowering::poissonNamed(StringRef name) {
  auto it = llvm::find_if(
      poissons, [&](PoissonInfo &p) { return p.op.getSymName() == name; });
  return it == poissons.end() ? nullptr : &*it;
}

NetworkLowering::SpikeArrayInfo *
NetworkLowering::spikeArrayNamed(StringRef name) {
  auto it = llvm::find_if(spikeArrays, [&](SpikeArrayInfo &a) {
    return a.spiking->name == name;
  });
  return it == spikeArrays.end() ? nullptr : &*it;
}

json::Value NetworkLowering::descriptorJSON() {
  json::Array buffersJSON;
  for (auto [k, decl] : llvm::enumerate(buffers))
    buffersJSON.push_back(json::Object{{"id", static_cast<int64_t>(k)},
                                       {"name", decl.name},
                                       {"type", typeName(decl.type)},
                                       {"count", decl.count}});
  json::Object descriptor{
      {"format", "snn-descriptor"},
      {"version", 1},
      {"model", network.getSymName().str()},
      {"source_file", network.getSourceFile().value_or("").str()},
      {"dt", network.getDt().convertToDouble()},
      {"steps", network.getNumSteps()},
      {"seed", network.getSeed()},
      {"precision", typeName(floatType)},
      {"buffers", std::move(buffersJSON)},
      {"populations", std::move(populationsJSON)},
      {"currents", std::move(currentsJSON)},
      {"projections", std::move(projectionsJSON)},
      {"rings", std::move(ringsJSON)},
      {"record", std::move(recordJSON)}};
  target->describe(*this, descriptor);
  return json::Value(std::move(descriptor));
}

} // namespace mlir::snn::lowering
