//===- Describe.cpp - snn-describe: the network's descriptor --------------===//
//
// Part of snnc. The part of the runtime's descriptor (docs/runtime-abi.md)
// that the network and its buffer plan determine: buffers, populations,
// currents, projections, rings, recordings. Written as `snn.descriptor` by
// snn-describe; convert-snn-to-core adds what its code brings (the build
// kernels, the GPU's kernels, the CPU's threads) and emits the global.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "snn/Conversion/Passes.h"

namespace mlir::snn {
#define GEN_PASS_DEF_SNNDESCRIBE
#include "snn/Conversion/Passes.h.inc"
} // namespace mlir::snn

namespace mlir::snn::lowering {

json::Value attributeToJSON(Attribute attr) {
  if (auto dict = dyn_cast<DictionaryAttr>(attr)) {
    json::Object o;
    for (NamedAttribute entry : dict)
      o[entry.getName().getValue()] = attributeToJSON(entry.getValue());
    return o;
  }
  if (auto array = dyn_cast<ArrayAttr>(attr)) {
    json::Array a;
    for (Attribute element : array)
      a.push_back(attributeToJSON(element));
    return a;
  }
  if (auto b = dyn_cast<BoolAttr>(attr))
    return b.getValue();
  if (auto i = dyn_cast<IntegerAttr>(attr)) {
    if (i.getType().isUnsignedInteger())
      return static_cast<uint64_t>(i.getValue().getZExtValue());
    return i.getInt();
  }
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto s = dyn_cast<StringAttr>(attr))
    return s.getValue().str();
  return nullptr; // UnitAttr
}

Attribute attributeFromJSON(Builder &b, const json::Value &value) {
  if (const json::Object *o = value.getAsObject()) {
    SmallVector<NamedAttribute> entries;
    for (const auto &[key, v] : *o)
      entries.push_back(b.getNamedAttr(key.str(), attributeFromJSON(b, v)));
    return b.getDictionaryAttr(entries);
  }
  if (const json::Array *a = value.getAsArray()) {
    SmallVector<Attribute> elements;
    for (const json::Value &v : *a)
      elements.push_back(attributeFromJSON(b, v));
    return b.getArrayAttr(elements);
  }
  if (std::optional<bool> v = value.getAsBoolean())
    return b.getBoolAttr(*v);
  if (value.kind() == json::Value::Number) {
    // json keeps integers apart from doubles but says so only in print: a
    // double prints with a point or an exponent unless it is integral and
    // short, and then the integer prints the same.
    // Integers above 2^63 (a seed) are unsigned.
    std::string text = llvm::formatv("{0}", value).str();
    if (text.find_first_of(".eE") == std::string::npos) {
      if (std::optional<int64_t> i = value.getAsInteger())
        return b.getI64IntegerAttr(*i);
      if (std::optional<uint64_t> u = value.getAsUINT64())
        return b.getIntegerAttr(b.getIntegerType(64, /*isSigned=*/false),
                                APInt(64, *u));
    }
    return b.getF64FloatAttr(*value.getAsNumber());
  }
  if (std::optional<StringRef> s = value.getAsString())
    return b.getStringAttr(*s);
  return b.getUnitAttr();
}

namespace {

/// The network's part of the descriptor, from the network and its plan.
class Describer {
public:
  Describer(NetworkOp network, ArenaOp arena)
      : network(network), symbols(network) {
    for (auto [k, buffer] : llvm::enumerate(arena.getBuffers())) {
      ids[buffer.getName()] = static_cast<int64_t>(k);
      std::optional<StringRef> of = buffer.getViewOf();
      buffers.push_back(NetworkLowering::bufferJSON(
          static_cast<int64_t>(k), buffer.getName(), buffer.getElementType(),
          NetworkLowering::countJSON(buffer.getCount()),
          of ? id(*of) : -1, buffer.getViewAt().value_or(0)));
    }
    // Merged groups: each member's place (the CPU's thread shares).
    for (auto schedule : network.getBody().getOps<ScheduleOp>())
      schedule.walk([&](UpdateGroupStepOp group) {
        int64_t size = 0;
        SmallVector<std::pair<StringRef, int64_t>> members;
        for (auto member :
             group.getPopulations().getAsRange<FlatSymbolRefAttr>()) {
          members.push_back({member.getValue(), size});
          size += symbols.lookup<PopulationOp>(member.getValue()).getSize();
        }
        for (auto [name, at] : members)
          groupOf[name] = {group.getGroupName(), size, at};
      });
  }

  json::Object describe();

private:
  /// The id of buffer `name` in the plan, or -1.
  int64_t id(const Twine &name) const {
    auto it = ids.find(name.str());
    return it == ids.end() ? -1 : it->second;
  }
  /// Sets `key` to the id of buffer `name` when the plan has it.
  void setIfPlanned(json::Object &o, StringRef key,
                    const Twine &name) const {
    if (int64_t k = id(name); k >= 0)
      o[key] = k;
  }

  NetworkOp network;
  SymbolTable symbols;
  llvm::StringMap<int64_t> ids;
  json::Array buffers;
  struct GroupPlace {
    std::string name;
    int64_t size, offset;
  };
  llvm::StringMap<GroupPlace> groupOf;
};

json::Object Describer::describe() {
  double dt = network.getDt().convertToDouble();
  json::Array populations, currents, projections, rings;
  auto spiking = [&](StringRef name, StringRef kind, int64_t size) {
    return json::Object{{"name", name.str()},
                        {"kind", kind.str()},
                        {"size", size},
                        {"spike_count", id(name + ".spike_count")},
                        {"spikes", id(name + ".spikes")}};
  };
  for (Operation &op : network.getBody().front()) {
    if (auto pop = dyn_cast<PopulationOp>(op)) {
      auto model = symbols.lookup<NeuronModelOp>(pop.getModel());
      json::Object entry = spiking(pop.getSymName(), "neuron", pop.getSize());
      entry["model"] = model.getSymName().str();
      json::Array vars;
      for (Attribute attr : model.getVariables()) {
        StringRef var = cast<StringAttr>(attr).getValue();
        Attribute init = pop.getInit().get(var);
        if (!init)
          init = FloatAttr::get(Float64Type::get(network.getContext()), 0.0);
        vars.push_back(
            json::Object{{"name", var.str()},
                         {"buffer", id(pop.getSymName() + "." + var)},
                         {"init", valueSpecToJSON(init)}});
      }
      entry["variables"] = std::move(vars);
      if (auto it = groupOf.find(pop.getSymName()); it != groupOf.end())
        entry["group"] = json::Object{{"name", it->second.name},
                                      {"size", it->second.size},
                                      {"offset", it->second.offset}};
      if (int64_t k = id(pop.getSymName() + ".refractory"); k >= 0) {
        entry["refractory"] = k;
        entry["refractory_steps"] =
            stepsOf(model.getRefractory().convertToDouble(), dt);
      }
      populations.push_back(std::move(entry));
    } else if (auto src = dyn_cast<PoissonSourceOp>(op)) {
      json::Object entry =
          spiking(src.getSymName(), "poisson", src.getSize());
      entry["rate"] = valueSpecToJSON(src.getRate());
      setIfPlanned(entry, "rate_buffer", src.getSymName() + ".rate");
      populations.push_back(std::move(entry));
    } else if (auto src = dyn_cast<SpikeSourceArrayOp>(op)) {
      json::Object entry =
          spiking(src.getSymName(), "spike_array", src.getSize());
      entry["file"] = src.getPath().str();
      entry["times"] = id(src.getSymName() + ".times");
      entry["ids"] = id(src.getSymName() + ".ids");
      entry["cursor"] = id(src.getSymName() + ".cursor");
      populations.push_back(std::move(entry));
    } else if (auto current = dyn_cast<CurrentOp>(op)) {
      json::Object entry{
          {"name", current.getSymName().str()},
          {"kind", current.getKind().str()},
          {"population", current.getTarget().str()},
          {"variable", current.getInput().str()},
          {"amplitude", valueSpecToJSON(current.getAmplitude())},
          {"std", current.getStd().convertToDouble()},
          {"start", current.getStart().convertToDouble()},
          {"stop", current.getStop().convertToDouble()}};
      setIfPlanned(entry, "amplitude_buffer",
                   current.getSymName() + ".amplitude");
      if (current.getRows())
        entry["table"] = json::Object{{"rows", *current.getRows()},
                                      {"columns", *current.getColumns()},
                                      {"every", *current.getEvery()}};
      currents.push_back(std::move(entry));
    }
  }

  // Projections, and the rings they share: one per (post, target), in the
  // order of their first projection.
  struct Ring {
    std::string name, population, variable;
    json::Array projections;
  };
  std::vector<Ring> ringList;
  llvm::StringMap<size_t> ringIndex;
  for (auto op : network.getBody().getOps<ProjectionOp>()) {
    std::string name = op.getSymName().str();
    json::Object entry{
        {"name", name},
        {"pre", op.getPre().str()},
        {"post", op.getPost().str()},
        {"connectivity", connectivityToJSON(op.getConnectivity())},
        {"weight", valueSpecToJSON(op.getWeight())},
        {"delay", valueSpecToJSON(op.getDelay())},
        {"storage",
         stringifyStorageKind(op.getStorage().value_or(StorageKind::csr))
             .str()}};
    setIfPlanned(entry, "row_ptr", name + ".row_ptr");
    setIfPlanned(entry, "col", name + ".col");
    json::Array stored;
    for (StringRef key :
         storageBuffers(op.getStorage().value_or(StorageKind::csr)))
      if (int64_t k = id(name + "." + key); k >= 0)
        stored.push_back(k);
    if (!stored.empty())
      entry["stored"] = std::move(stored);
    if (std::optional<StringRef> target = op.getTarget())
      entry["target"] = target->str();
    setIfPlanned(entry, "weight_buffer", name + ".weight");
    setIfPlanned(entry, "delay_buffer", name + ".delay");
    if (op.isPlastic()) {
      // A synapse model: its other variables (the weight is weight_buffer),
      // the steps of the synapses' last events, the per-post index the
      // runtime builds (docs/runtime-abi.md, "projections").
      auto model = SymbolTable::lookupNearestSymbolFrom<SynapseModelOp>(
          op, op.getSynapseAttr());
      json::Object synapse{{"model", model.getSymName().str()},
                           {"weight", model.getWeight().str()}};
      json::Array variables;
      DictionaryAttr init = op.getSynapseInitAttr();
      for (Attribute attr : model.getVariables()) {
        StringRef var = cast<StringAttr>(attr).getValue();
        // The weight is weight_buffer; a per-neuron trace has no buffer
        // per synapse (snn-hoist-traces; it starts at 0).
        if (var == model.getWeight() || id(Twine(name) + ".var." + var) < 0)
          continue;
        Attribute value = init ? init.get(var) : Attribute();
        variables.push_back(json::Object{
            {"name", var.str()},
            {"buffer", id(Twine(name) + ".var." + var)},
            {"init", valueSpecToJSON(value ? value : FloatAttr::get(Float64Type::get(op.getContext()), 0.0))}});
      }
      synapse["variables"] = std::move(variables);
      setIfPlanned(synapse, "lastupdate", name + ".lastupdate");
      setIfPlanned(synapse, "history", name + ".history");
      setIfPlanned(synapse, "col_ptr", name + ".col_ptr");
      setIfPlanned(synapse, "col_syn", name + ".col_syn");
      setIfPlanned(synapse, "col_pre", name + ".col_pre");
      setIfPlanned(synapse, "delay_syn", name + ".delay_syn");
      entry["synapse"] = std::move(synapse);
    }
    if (op.hasRing()) {
      std::string ring = (op.getPost() + "." + *op.getTarget()).str();
      auto [it, inserted] = ringIndex.try_emplace(ring, ringList.size());
      if (inserted)
        ringList.push_back(
            {ring, op.getPost().str(), op.getTarget()->str(), {}});
      ringList[it->second].projections.push_back(name);
      entry["ring"] = ring;
    }
    projections.push_back(std::move(entry));
  }
  for (Ring &ring : ringList)
    rings.push_back(json::Object{{"name", ring.name},
                                 {"population", ring.population},
                                 {"variable", ring.variable},
                                 {"buffer", id(ring.name + ".ring")},
                                 {"projections", std::move(ring.projections)}});

  json::Array spikes, state;
  for (auto op : network.getBody().getOps<RecordSpikesOp>())
    spikes.push_back(op.getPopulation().str());
  for (auto op : network.getBody().getOps<RecordStateOp>()) {
    json::Array neurons;
    for (int64_t n : op.getNeurons())
      neurons.push_back(n);
    state.push_back(json::Object{
        {"population", op.getPopulation().str()},
        {"variable", op.getVariable().str()},
        {"buffer", id(op.getPopulation() + "." + op.getVariable())},
        {"neurons", std::move(neurons)},
        {"every", op.getEvery()}});
  }

  // Synapse recordings, after the state recordings: the sample buffer,
  // the buffer of the recorded synapses' positions the runtime fills, the
  // variable's per-synapse buffer (the first sample's values) and the
  // synapses asked for.
  for (auto [k, op] :
       llvm::enumerate(network.getBody().getOps<RecordSynapseStateOp>())) {
    auto projection = symbols.lookup<ProjectionOp>(op.getProjection());
    auto model = symbols.lookup<SynapseModelOp>(*projection.getSynapse());
    std::string name = op.getProjection().str(), prefix =
        "srecord" + std::to_string(k);
    int64_t source = op.getVariable() == model.getWeight()
                         ? id(name + ".weight")
                         : id(Twine(name) + ".var." + op.getVariable());
    json::Array pre, post;
    for (auto [i, j] : llvm::zip(op.getPre(), op.getPost())) {
      pre.push_back(i);
      post.push_back(j);
    }
    state.push_back(json::Object{{"projection", name},
                                 {"variable", op.getVariable().str()},
                                 {"buffer", id(prefix + ".sample")},
                                 {"synapses", id(prefix + ".synapses")},
                                 {"source", source},
                                 {"pre", std::move(pre)},
                                 {"post", std::move(post)},
                                 {"every", op.getEvery()}});
  }

  json::Object record{{"format", network.getRecordFormat().str()},
                      {"spikes", std::move(spikes)},
                      {"state", std::move(state)}};
  json::Array weights;
  for (auto op : network.getBody().getOps<RecordWeightsOp>())
    weights.push_back(op.getProjection().str());
  if (!weights.empty())
    record["weights"] = std::move(weights);
  // Synapse model variables: each with its per-synapse buffer (the weight's
  // is the projection's weight buffer).
  json::Array synapseStates;
  for (auto op : network.getBody().getOps<RecordSynapsesOp>()) {
    auto projection = symbols.lookup<ProjectionOp>(op.getProjection());
    auto model = symbols.lookup<SynapseModelOp>(*projection.getSynapse());
    std::string name = op.getProjection().str();
    json::Array variables;
    for (Attribute attr : op.getVariables()) {
      StringRef var = cast<StringAttr>(attr).getValue();
      int64_t buffer = var == model.getWeight()
                           ? id(name + ".weight")
                           : id(Twine(name) + ".var." + var);
      variables.push_back(
          json::Object{{"name", var.str()}, {"buffer", buffer}});
    }
    synapseStates.push_back(json::Object{{"projection", name},
                                         {"variables", std::move(variables)}});
  }
  if (!synapseStates.empty())
    record["synapses"] = std::move(synapseStates);

  // The copies populations' links read: the runtime writes the first one
  // (of the initial values), the step's end the others.
  json::Array copies;
  for (auto schedule : network.getBody().getOps<ScheduleOp>())
    schedule.walk([&](CopyLinkedStepOp op) {
      std::string key = (op.getPopulation() + "." + op.getVariable()).str();
      copies.push_back(json::Object{{"from", id(key)},
                                    {"to", id(key + ".linked")}});
    });

  json::Object descriptor{
      {"format", "snn-descriptor"},
      {"version", 1},
      {"model", network.getSymName().str()},
      {"source_file", network.getSourceFile().value_or("").str()},
      {"dt", dt},
      {"steps", network.getNumSteps()},
      {"seed", network.getSeed()},
      {"precision", NetworkLowering::typeName(network.getFloatType())},
      {"buffers", std::move(buffers)},
      {"populations", std::move(populations)},
      {"currents", std::move(currents)},
      {"projections", std::move(projections)},
      {"rings", std::move(rings)},
      {"record", std::move(record)}};
  if (!copies.empty())
    descriptor["initial_copies"] = std::move(copies);
  return descriptor;
}

} // namespace

LogicalResult describeNetwork(NetworkOp network) {
  // Derived from the network and its plan: made again, so that it always
  // says what they say (an edited plan, say).
  for (auto existing :
       llvm::make_early_inc_range(network.getBody().getOps<DescriptorOp>()))
    existing.erase();
  ArenaOp arena;
  for (auto op : network.getBody().getOps<ArenaOp>())
    arena = op;
  if (!arena)
    return network.emitOpError("has no buffer plan: run snn-plan-buffers "
                               "before snn-describe");
  json::Object description = Describer(network, arena).describe();
  OpBuilder b = OpBuilder::atBlockEnd(&network.getBody().front());
  b.create<DescriptorOp>(
      network.getLoc(),
      cast<DictionaryAttr>(attributeFromJSON(b, std::move(description))));
  return success();
}

} // namespace mlir::snn::lowering

namespace {

struct SNNDescribePass : mlir::snn::impl::SNNDescribeBase<SNNDescribePass> {
  using SNNDescribeBase::SNNDescribeBase;
  void runOnOperation() override {
    llvm::SmallVector<mlir::snn::NetworkOp> networks(
        getOperation().getOps<mlir::snn::NetworkOp>());
    for (mlir::snn::NetworkOp network : networks)
      if (mlir::failed(mlir::snn::lowering::describeNetwork(network)))
        return signalPassFailure();
  }
};

} // namespace
