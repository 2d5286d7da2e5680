//===- BuiltinModels.h - Neuron models shipped with snnc ---------*- C++
//-*-===//
//
// Part of snnc. The built-in neuron models are ordinary JSON files in
// frontends/json/models/ (the format of one "neuron_models" entry), embedded
// into the library at build time. A population may name one without defining
// it; a user model of the same name shadows it.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_FRONTEND_BUILTINMODELS_H
#define SNN_FRONTEND_BUILTINMODELS_H

#include <string>
#include <vector>

namespace snn::frontend {

struct BuiltinModelSource {
  const char *name; // the file stem: "lif_cond_exp"
  const char *json; // the file's text
};

/// All built-in models, sorted by name.
const std::vector<BuiltinModelSource> &builtinModelSources();

/// The JSON text of the built-in model `name`, or null.
const char *findBuiltinModelSource(const std::string &name);

/// The location used in diagnostics for a built-in model's file.
std::string builtinModelFile(const std::string &name);

/// The built-in synapse models (frontends/json/models/synapses/, the format
/// of one "synapse_models" entry), sorted by name; one by name (or null);
/// and the location of its file in diagnostics. A projection may name one
/// without defining it; a user model of the same name shadows it.
const std::vector<BuiltinModelSource> &builtinSynapseModelSources();
const char *findBuiltinSynapseModelSource(const std::string &name);
std::string builtinSynapseModelFile(const std::string &name);

} // namespace snn::frontend

#endif // SNN_FRONTEND_BUILTINMODELS_H
