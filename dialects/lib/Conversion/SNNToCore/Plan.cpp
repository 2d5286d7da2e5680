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
  int64_t cells = target->spikeCountCells();
  // A merged group's member (`in`, its `k`-th, from neuron `at`) has its
  // counts and list as views of the group's, in member order.
  auto addSpiking = [&](Operation *op, StringRef name, int64_t size,
                        Group *in = nullptr, int64_t k = 0, int64_t at = 0) {
    Spiking &s = spiking.emplace_back();
    s.op = op;
    s.name = name.str();
    s.size = size;
    s.shareSize = in ? in->size : size;
    s.shareOffset = at;
    s.entity = static_cast<uint32_t>(spiking.size() - 1);
    // Double-buffered by step parity on the GPU (docs/gpu-abi.md); on the
    // CPU also one segment per thread (docs/runtime-abi.md, "Threads").
    s.spikeCount = addBuffer(s.name + ".spike_count", i32Type, cells,
                             in ? in->spikeCounts : -1, k * cells);
    s.spikes = addBuffer(s.name + ".spikes", i32Type,
                         target->spikeListLength(size),
                         in ? in->spikeLists : -1,
                         target->spikeListLength(at));
    target->planSpiking(*this, s);
    spikingByName[s.name] = &s;
    return &s;
  };

  // Merged groups (snn.update_group): their members and sizes.
  schedule.walk([&](UpdateGroupStepOp op) {
    Group &g = groups.emplace_back();
    g.op = op;
    g.name = op.getGroupName();
    for (auto [k, member] : llvm::enumerate(
             op.getPopulations().getAsRange<FlatSymbolRefAttr>())) {
      groupOfMember[member.getValue()] = {&g, static_cast<int64_t>(k),
                                          g.size};
      g.size += SymbolTable::lookupNearestSymbolFrom<PopulationOp>(
                    network, member.getAttr())
                    .getSize();
    }
  });
  // A population's model, refractory period and buffers; in a merged group,
  // its buffers are views of the group's, which come before the first
  // member's.
  auto planNeurons = [&](Population &p, StringRef name, int64_t size,
                         const Population *in, int64_t at) {
    p.refractorySteps =
        stepsOf(p.model.getRefractory().convertToDouble(), dt);
    p.refractoryType = p.refractorySteps > INT32_MAX ? b.getI64Type()
                                                      : b.getI32Type();
    for (auto [k, attr] : llvm::enumerate(p.model.getVariables())) {
      StringRef var = cast<StringAttr>(attr).getValue();
      p.variables.push_back(addBuffer((name + "." + var).str(), floatType,
                                      size, in ? in->variables[k] : -1, at));
    }
    if (p.refractorySteps > 0)
      p.refractory = addBuffer((name + ".refractory").str(), p.refractoryType,
                               size, in ? in->refractory : -1, at);
  };

  for (Operation &op : network.getBody().front()) {
    if (auto pop = dyn_cast<PopulationOp>(op)) {
      Population &p = populations.emplace_back();
      p.op = pop;
      p.model = SymbolTable::lookupNearestSymbolFrom<NeuronModelOp>(
          pop, pop.getModelAttr());
      populationByName[pop.getSymName()] = &p;
      auto member = groupOfMember.find(pop.getSymName());
      if (member == groupOfMember.end()) {
        p.spiking = addSpiking(pop, pop.getSymName(), pop.getSize());
        planNeurons(p, pop.getSymName(), pop.getSize(), nullptr, 0);
        continue;
      }
      auto [g, k, at] = member->second;
      if (!g->layout.op) {
        // The group's buffers, before its first member's.
        g->layout.op = pop;
        g->layout.model = p.model;
        g->spikeCounts = addBuffer(g->name + ".spike_count", i32Type,
                                   static_cast<int64_t>(
                                       g->op.getPopulations().size()) *
                                       cells);
        g->spikeLists = addBuffer(g->name + ".spikes", i32Type,
                                  target->spikeListLength(g->size));
        planNeurons(g->layout, g->name, g->size, nullptr, 0);
        target->planGroup(*this, *g);
      }
      p.spiking = addSpiking(pop, pop.getSymName(), pop.getSize(), g, k, at);
      planNeurons(p, pop.getSymName(), pop.getSize(), &g->layout, at);
    } else if (auto src = dyn_cast<PoissonSourceOp>(op)) {
      Spiking *s = addSpiking(src, src.getSymName(), src.getSize());
      PoissonInfo info{src, s};
      if (!isa<FloatAttr>(src.getRate()))
        info.rate = addBuffer(s->name + ".rate", floatType, s->size);
      poissons.push_back(info);
    } else if (auto src = dyn_cast<SpikeSourceArrayOp>(op)) {
      Spiking *s = addSpiking(src, src.getSymName(), src.getSize());
      SpikeArrayInfo info{s};
      json::Object count{{"spike_array", s->name}};
      info.times = addBuffer(s->name + ".times", i32Type, json::Object(count));
      info.ids = addBuffer(s->name + ".ids", i32Type, json::Object(count));
      info.cursor = addBuffer(s->name + ".cursor", i64Type, 1);
      spikeArrays.push_back(info);
    }
  }

  for (auto op : network.getBody().getOps<CurrentOp>()) {
    Current c{op, static_cast<uint32_t>(currents.size())};
    Population *target = populationByName.lookup(op.getTarget());
    // A timed array's table, row-major; otherwise a value per neuron.
    if (op.getRows())
      c.amplitude = addBuffer((op.getSymName() + ".amplitude").str(),
                              floatType, *op.getRows() * *op.getColumns());
    else if (!isa<FloatAttr>(op.getAmplitude()))
      c.amplitude = addBuffer((op.getSymName() + ".amplitude").str(),
                              floatType, target->op.getSize());
    currents.push_back(c);
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

  // The copies of the variables synapse models' links read.
  schedule.walk([&](SnapshotStepOp op) {
    std::string key = (op.getPopulation() + "." + op.getVariable()).str();
    int64_t size = populationByName.lookup(op.getPopulation())->op.getSize();
    snapshotBuffers[key] = addBuffer(key + ".snapshot", floatType, size);
  });
  // The copies of the variables populations' links read, two by step
  // parity: step n reads half n mod 2 and writes the other for step n + 1
  // (so a reset reading a link in the phase of the copy reads this step's).
  schedule.walk([&](CopyLinkedStepOp op) {
    std::string key = (op.getPopulation() + "." + op.getVariable()).str();
    int64_t size = populationByName.lookup(op.getPopulation())->op.getSize();
    linkedBuffers[key] = addBuffer(key + ".linked", floatType, 2 * size);
  });

  for (auto op : network.getBody().getOps<ProjectionOp>()) {
    ProjectionInfo info{op};
    info.entity = static_cast<uint32_t>(projections.size());
    info.storage = op.getStorage().value_or(StorageKind::csr);
    Spiking *pre = spikingByName.lookup(op.getPre());
    Population *post = populationByName.lookup(op.getPost());
    std::string name = op.getSymName().str();
    planStorage(info, pre->size, post->op.getSize());
    if (!isa<FloatAttr>(op.getWeight()))
      info.weight = addBuffer(name + ".weight", floatType,
                              json::Object{{"synapses", name}});
    if (!isa<FloatAttr>(op.getDelay()))
      info.delay = addBuffer(name + ".delay", i32Type,
                             json::Object{{"synapses", name}});
    info.post = post;
    post->inputs = true;
    if (op.isPlastic()) {
      planSynapseModel(info, post->op.getSize());
      projections.push_back(info);
      continue;
    }
    info.variable = post->model.lookupVariable(*op.getTarget());
    // Delay 0 steps (as a constant): the weight is added to the target
    // variable at once, without a ring (docs/runtime-abi.md, step 3).
    if (!op.hasRing()) {
      projections.push_back(info);
      continue;
    }
    std::string ringName = (op.getPost() + "." + *op.getTarget()).str();
    Ring *&ring = ringByName[ringName];
    if (!ring) {
      ring = &rings.emplace_back();
      ring->name = ringName;
      ring->population = post;
      ring->variable = info.variable;
      ring->buffer = addBuffer(ringName + ".ring", floatType,
                               json::Object{{"ring", ringName}});
    }
    info.ring = ring;
    projections.push_back(info);
  }
  for (Population &pop : populations)
    pop.resets = pop.model.resetChangesState();
  for (Group &g : groups) {
    for (auto member : g.op.getPopulations().getAsRange<FlatSymbolRefAttr>())
      g.members.push_back(populationByName.lookup(member.getValue()));
    g.layout.resets = g.layout.model.resetChangesState();
  }
  for (Ring &ring : rings)
    ring.population->rings.push_back(&ring);
  target->planStep(*this);

  for (auto op : network.getBody().getOps<RecordSpikesOp>())
    target->planSpikeRecord(*this, *spikingByName.lookup(op.getPopulation()));
  for (auto op : network.getBody().getOps<RecordStateOp>())
    target->planStateRecord(*this, op);
  // Synapse recordings: the recorded synapses' positions in the rows (the
  // runtime finds them) and the sample of their values.
  for (auto [k, op] :
       llvm::enumerate(network.getBody().getOps<RecordSynapseStateOp>())) {
    SynapseRecord &r = synapseRecords.emplace_back();
    r.op = op;
    int64_t size = static_cast<int64_t>(op.getPre().size());
    std::string name = "srecord" + std::to_string(k);
    r.synapses = addBuffer(name + ".synapses", b.getI64Type(), size);
    r.sample = addBuffer(name + ".sample", floatType, size);
    target->planSynapseRecord(*this, op, r.sample, size);
  }
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
    int viewOf = -1;
    if (std::optional<StringRef> of = op.getViewOf())
      viewOf = plannedByName.lookup(*of); // earlier (the arena's verifier)
    buffers.push_back({op.getName().str(), op.getElementType(),
                       countJSON(op.getCount()), viewOf,
                       static_cast<int64_t>(op.getViewAt().value_or(0))});
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
                                const json::Value &count, int viewOf,
                                int64_t viewAt) {
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
  } else if (decl.viewOf != viewOf || (viewOf >= 0 && decl.viewAt != viewAt)) {
    auto where = [&](int of, int64_t at) {
      return of < 0 ? std::string("a buffer of its own")
                    : "elements from " + std::to_string(at) + " of '" +
                          buffers[of].name + "'";
    };
    op.emitOpError("buffer '")
        << name << "' is " << where(decl.viewOf, decl.viewAt)
        << " in the plan, but the step needs " << where(viewOf, viewAt);
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
  // The network's part (snn-describe), and what the code brings.
  json::Value value = attributeToJSON(descriptorOp.getValue());
  json::Object descriptor = std::move(*value.getAsObject());
  target->describe(*this, descriptor);
  return json::Value(std::move(descriptor));
}

} // namespace mlir::snn::lowering
