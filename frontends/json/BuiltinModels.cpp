//===- BuiltinModels.cpp - Neuron models shipped with snnc ----------------===//
//
// The texts themselves are generated into BuiltinModelsData.cpp.
//
//===----------------------------------------------------------------------===//

#include "snn/Frontend/BuiltinModels.h"

namespace snn::frontend {

const char *findBuiltinModelSource(const std::string &name) {
  for (const BuiltinModelSource &m : builtinModelSources())
    if (name == m.name)
      return m.json;
  return nullptr;
}

std::string builtinModelFile(const std::string &name) {
  return "<builtin>/" + name + ".json";
}

const char *findBuiltinSynapseModelSource(const std::string &name) {
  for (const BuiltinModelSource &m : builtinSynapseModelSources())
    if (name == m.name)
      return m.json;
  return nullptr;
}

std::string builtinSynapseModelFile(const std::string &name) {
  return "<builtin>/synapses/" + name + ".json";
}

} // namespace snn::frontend
