//===- DumpModel.cpp - The checked model as normalized JSON ---------------===//
//
// `snnc --emit=ast`: the model as the frontend understood it, in the model
// format itself (so the dump is a valid model file that parses to the same
// AST): every quantity a bare number in base units (ms, mV, pA, nS, pF, GOhm;
// source rates in Hz), built-in neuron models written out, equations printed
// from their trees, data files as absolute paths.
//
//===----------------------------------------------------------------------===//

#include "snn/Frontend/JSONFrontend.h"

#include "snn/AST/ExprPrinter.h"

#include <nlohmann/json.hpp>

namespace snn::frontend {

using namespace snn::ast;
using ojson = nlohmann::ordered_json;

namespace {

ojson valueSpec(const ValueSpec &v, const char *fromListDefault = nullptr) {
  switch (v.kind) {
  case ValueSpec::Kind::Constant:
    return v.a;
  case ValueSpec::Kind::Uniform:
    return ojson{{"uniform", {v.a, v.b}}};
  case ValueSpec::Kind::Normal: {
    ojson j{{"normal", {v.a, v.b}}};
    if (v.clipLow || v.clipHigh)
      j["clip"] = {v.clipLow ? ojson(*v.clipLow) : ojson(nullptr),
                   v.clipHigh ? ojson(*v.clipHigh) : ojson(nullptr)};
    return j;
  }
  case ValueSpec::Kind::File: {
    ojson j{{"file", v.file}};
    if (!v.column.empty())
      j["column"] = v.column;
    if (!v.unit.empty())
      j["unit"] = v.unit;
    if (!v.index.empty())
      j["index"] = v.index;
    return j;
  }
  case ValueSpec::Kind::FromList:
    if (fromListDefault && v.column == fromListDefault && v.unit.empty())
      return "from_list";
    if (v.unit.empty())
      return ojson{{"from_list", v.column}};
    return ojson{{"from_list", v.column}, {"unit", v.unit}};
  }
  return nullptr;
}

ojson parameters(const std::vector<Param> &list) {
  ojson j = ojson::object();
  for (const Param &p : list)
    j[p.name] = p.value;
  return j;
}

ojson variables(const std::vector<Variable> &list) {
  ojson j = ojson::object();
  for (const Variable &v : list)
    j[v.name] = v.initial;
  return j;
}

ojson neuronModel(const NeuronModel &m) {
  ojson j = ojson::object();
  j["parameters"] = parameters(m.params);
  j["variables"] = variables(m.variables);
  j["inputs"] = m.inputs;
  if (!m.links.empty())
    j["links"] = m.links;
  ojson eqs = ojson::array();
  for (const Equation &e : m.equations)
    eqs.push_back(printEquation(e));
  j["equations"] = eqs;
  if (m.threshold)
    j["threshold"] = printExpr(*m.threshold);
  ojson reset = ojson::array();
  for (const Assignment &a : m.reset)
    reset.push_back(printAssignment(a));
  j["reset"] = reset;
  j["refractory"] = m.refractory;
  j["refractory_clamp"] = m.refractoryClamped;
  j["method"] = methodName(m.method);
  return j;
}

ojson periodic(const std::vector<Periodic> &list) {
  ojson out = ojson::array();
  for (const Periodic &p : list) {
    ojson statements = ojson::array();
    for (const Assignment &a : p.statements)
      statements.push_back(printAssignment(a));
    out.push_back(ojson{{"every", p.every}, {"statements", statements}});
  }
  return out;
}

ojson synapseModel(const SynapseModel &m) {
  ojson j = ojson::object();
  j["parameters"] = parameters(m.params);
  j["variables"] = variables(m.variables);
  j["weight"] = m.weight;
  ojson eqs = ojson::array();
  for (const Equation &e : m.equations) {
    std::string text = printEquation(e);
    if (e.driven == Equation::Driven::Event)
      text += " (event-driven)";
    else if (e.driven == Equation::Driven::Clock)
      text += " (clock-driven)";
    eqs.push_back(text);
  }
  j["equations"] = eqs;
  if (m.method != "exact")
    j["method"] = m.method;
  if (!m.links.empty())
    j["links"] = m.links;
  if (!m.periodic.empty())
    j["periodic"] = periodic(m.periodic);
  for (auto [key, list] : {std::pair<const char *, const std::vector<Assignment> *>{
                               "on_pre", &m.onPre},
                           {"on_post", &m.onPost}}) {
    ojson statements = ojson::array();
    for (const Assignment &a : *list)
      statements.push_back(printAssignment(a));
    j[key] = statements;
  }
  return j;
}

const char *connectivityName(Connectivity::Kind k) {
  switch (k) {
  case Connectivity::Kind::AllToAll:
    return "all_to_all";
  case Connectivity::Kind::OneToOne:
    return "one_to_one";
  case Connectivity::Kind::FixedProbability:
    return "fixed_probability";
  case Connectivity::Kind::FixedIndegree:
    return "fixed_indegree";
  case Connectivity::Kind::FixedTotalNumber:
    return "fixed_total_number";
  case Connectivity::Kind::List:
    return "list";
  }
  return "all_to_all";
}

ojson connectivity(const Connectivity &c) {
  ojson j{{"type", connectivityName(c.kind)}};
  switch (c.kind) {
  case Connectivity::Kind::AllToAll:
    j["allow_self"] = c.allowSelf;
    break;
  case Connectivity::Kind::OneToOne:
    break;
  case Connectivity::Kind::FixedProbability:
    j["p"] = c.p;
    j["allow_self"] = c.allowSelf;
    break;
  case Connectivity::Kind::FixedIndegree:
    j["k"] = c.indegree;
    j["allow_self"] = c.allowSelf;
    break;
  case Connectivity::Kind::FixedTotalNumber:
    j["n"] = c.total;
    j["allow_self"] = c.allowSelf;
    break;
  case Connectivity::Kind::List:
    j["file"] = c.file;
    break;
  }
  return j;
}

/// One line: {"uniform": [-60, -50]}.
std::string compact(const ojson &j) {
  if (j.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < j.size(); ++i)
      out += (i ? ", " : "") + compact(j[i]);
    return out + "]";
  }
  if (j.is_object()) {
    std::string out = "{";
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      out += (first ? "" : ", ") + ojson(it.key()).dump() + ": " +
             compact(it.value());
      first = false;
    }
    return out + "}";
  }
  return j.dump();
}

/// Pretty-prints with two-space indents, keeping short arrays and objects
/// on one line so that the dump reads like a hand-written model file.
void write(const ojson &j, int indent, std::string &out) {
  std::string line = compact(j);
  bool structured = j.is_array() || j.is_object();
  if (!structured || j.empty() || line.size() + size_t(indent) <= 72) {
    out += line;
    return;
  }
  std::string pad(size_t(indent + 2), ' ');
  out += j.is_array() ? "[\n" : "{\n";
  bool first = true;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!first)
      out += ",\n";
    first = false;
    out += pad;
    if (j.is_object())
      out += ojson(it.key()).dump() + ": ";
    write(it.value(), indent + 2, out);
  }
  out += "\n" + std::string(size_t(indent), ' ') + (j.is_array() ? "]" : "}");
}

} // namespace

void dumpModel(const Model &m, std::ostream &os) {
  ojson j = ojson::object();
  j["name"] = m.name;
  j["simulation"] = ojson{
      {"dt", m.simulation.dt},
      {"duration", m.simulation.duration},
      {"seed", m.simulation.seed},
      {"precision", m.simulation.precision == Precision::F32 ? "f32" : "f64"}};

  ojson models = ojson::object();
  for (const NeuronModel &nm : m.models)
    models[nm.name] = neuronModel(nm);
  j["neuron_models"] = models;
  if (!m.synapseModels.empty()) {
    ojson synapses = ojson::object();
    for (const SynapseModel &sm : m.synapseModels)
      synapses[sm.name] = synapseModel(sm);
    j["synapse_models"] = synapses;
  }

  ojson pops = ojson::object();
  for (const Population &p : m.populations) {
    ojson pj{{"model", p.model}, {"size", p.size}};
    if (!p.params.empty()) {
      // Overrides in the model's declaration order, for a stable read.
      ojson params = ojson::object();
      if (const NeuronModel *nm = m.findModel(p.model))
        for (const Param &param : nm->params)
          if (auto it = p.params.find(param.name); it != p.params.end())
            params[param.name] = it->second;
      for (auto &[name, value] : p.params)
        if (!params.contains(name))
          params[name] = value;
      pj["parameters"] = params;
    }
    if (!p.initial.empty()) {
      ojson init = ojson::object();
      if (const NeuronModel *nm = m.findModel(p.model))
        for (const Variable &v : nm->variables)
          if (auto it = p.initial.find(v.name); it != p.initial.end())
            init[v.name] = valueSpec(it->second);
      for (auto &[name, spec] : p.initial)
        if (!init.contains(name))
          init[name] = valueSpec(spec);
      pj["initial"] = init;
    }
    if (!p.periodic.empty())
      pj["periodic"] = periodic(p.periodic);
    if (!p.links.empty()) {
      ojson links = ojson::object();
      for (auto &[name, link] : p.links)
        links[name] = link.population + "." + link.variable;
      pj["links"] = links;
    }
    pops[p.name] = pj;
  }
  j["populations"] = pops;

  ojson sources = ojson::object();
  for (const Source &s : m.sources) {
    if (s.kind == Source::Kind::Poisson)
      sources[s.name] = ojson{
          {"type", "poisson"}, {"size", s.size}, {"rate", valueSpec(s.rate)}};
    else
      sources[s.name] =
          ojson{{"type", "spike_array"}, {"size", s.size}, {"file", s.file}};
  }
  j["sources"] = sources;

  ojson currents = ojson::object();
  for (const CurrentInput &c : m.currents) {
    const char *type = c.kind == CurrentInput::Kind::Noise ? "noise"
                       : c.kind == CurrentInput::Kind::TimedArray
                           ? "timed_array"
                           : "constant";
    ojson cj{{"type", type}, {"target", c.target}, {"variable", c.variable}};
    if (c.kind == CurrentInput::Kind::TimedArray) {
      cj["values"] = valueSpec(c.amplitude);
      cj["dt"] = c.tableDt;
    } else {
      cj["amplitude"] = valueSpec(c.amplitude);
    }
    if (c.kind == CurrentInput::Kind::Noise)
      cj["std"] = c.stddev;
    cj["start"] = c.start;
    if (c.stop >= 0)
      cj["stop"] = c.stop;
    currents[c.name] = cj;
  }
  j["currents"] = currents;

  ojson poissonInputs = ojson::object();
  for (const PoissonInput &pi : m.poissonInputs)
    poissonInputs[pi.name] = ojson{{"target", pi.target},
                                   {"variable", pi.variable},
                                   {"n", pi.n},
                                   {"rate", pi.rate},
                                   {"weight", pi.weight}};
  j["poisson_inputs"] = poissonInputs;

  ojson projections = ojson::object();
  for (const Projection &p : m.projections) {
    if (!p.plastic()) {
      projections[p.name] = ojson{{"pre", p.pre},
                                  {"post", p.post},
                                  {"target", p.target},
                                  {"connectivity", connectivity(p.connectivity)},
                                  {"weight", valueSpec(p.weight, "weight")},
                                  {"delay", valueSpec(p.delay, "delay")}};
      continue;
    }
    ojson pj{{"pre", p.pre},
             {"post", p.post},
             {"synapse", p.synapse},
             {"connectivity", connectivity(p.connectivity)}};
    if (!p.synapseParams.empty()) {
      ojson params = ojson::object();
      for (auto &[name, value] : p.synapseParams)
        params[name] = value;
      pj["parameters"] = params;
    }
    if (!p.synapseInitial.empty()) {
      ojson init = ojson::object();
      for (auto &[name, spec] : p.synapseInitial)
        init[name] = valueSpec(spec, name.c_str());
      pj["initial"] = init;
    }
    if (!p.target.empty())
      pj["target"] = p.target;
    if (!p.synapseLinks.empty()) {
      ojson links = ojson::object();
      for (auto &[name, link] : p.synapseLinks)
        links[name] = link.population + "." + link.variable;
      pj["links"] = links;
    }
    pj["delay"] = valueSpec(p.delay, "delay");
    projections[p.name] = pj;
  }
  j["projections"] = projections;

  ojson state = ojson::array();
  for (const StateRecording &s : m.record.state) {
    ojson sj = s.projection.empty()
                   ? ojson{{"population", s.population}}
                   : ojson{{"projection", s.projection}};
    sj["variable"] = s.variable;
    if (!s.synapses.empty()) {
      ojson pairs = ojson::array();
      for (auto [pre, post] : s.synapses)
        pairs.push_back({pre, post});
      sj["synapses"] = pairs;
    }
    if (!s.neurons.empty())
      sj["neurons"] = s.neurons;
    sj["every"] = s.every;
    state.push_back(sj);
  }
  j["record"] = ojson{{"spikes", m.record.spikes}, {"state", state}};
  if (!m.record.weights.empty())
    j["record"]["weights"] = m.record.weights;
  j["record"]["format"] = m.record.format;
  std::string out;
  write(j, 0, out);
  os << out << '\n';
}

} // namespace snn::frontend
