//===- BuiltinModelsTest.cpp - The neuron models shipped with snnc
//---------===//

#include "TestUtil.h"

#include "snn/AST/ExprPrinter.h"
#include "snn/Frontend/BuiltinModels.h"

using namespace snn;
using namespace snn::test;

namespace {

/// A one-population model using the built-in `name`.
ojson usingModel(const std::string &name) {
  return ojson::parse(R"({"simulation": {"dt": 0.1, "duration": 10},
                         "populations": {"p": {"model": ")" +
                      name + R"(", "size": 10}}})");
}

const ast::NeuronModel &onlyModel(const Parsed &p) {
  EXPECT_TRUE(p.model) << p.text();
  EXPECT_EQ(p.model->models.size(), 1u);
  return p.model->models.at(0);
}

double param(const ast::NeuronModel &m, const std::string &name) {
  for (const ast::Param &p : m.params)
    if (p.name == name)
      return p.value;
  ADD_FAILURE() << "no parameter " << name;
  return 0;
}

TEST(BuiltinModels, AllParseAndCheck) {
  const auto &models = frontend::builtinModelSources();
  ASSERT_GE(models.size(), 4u);
  for (const auto &b : models) {
    Parsed p = parseJson(usingModel(b.name));
    EXPECT_MODEL_OK(p);
    if (p.model) {
      EXPECT_EQ(p.model->models[0].name, b.name);
      EXPECT_EQ(p.model->models[0].loc.file,
                frontend::builtinModelFile(b.name));
    }
  }
  EXPECT_TRUE(frontend::findBuiltinModelSource("izhikevich"));
  EXPECT_FALSE(frontend::findBuiltinModelSource("nope"));
}

TEST(BuiltinModels, LifCurrentExp) {
  Parsed p = parseJson(usingModel("lif_current_exp"));
  const ast::NeuronModel &m = onlyModel(p);
  EXPECT_EQ(m.method, ast::Method::Exact);
  ASSERT_EQ(m.inputs, std::vector<std::string>{"I"});
  EXPECT_EQ(ast::printEquation(m.equations[0]),
            "dv/dt = (v_rest - v + ge + gi + R_m * I) / tau_m");
  EXPECT_DOUBLE_EQ(param(m, "R_m"), 0.1); // GOhm: R_m * I is in mV
  EXPECT_DOUBLE_EQ(m.refractory, 5);
  EXPECT_EQ(m.refractoryClamped, std::vector<std::string>{"v"});
  EXPECT_EQ(*m.variables[1].dim, (ast::Dim{0, 1, 0})); // ge in mV
}

TEST(BuiltinModels, LifCondExpHasTheCobaDefaults) {
  Parsed p = parseJson(usingModel("lif_cond_exp"));
  const ast::NeuronModel &m = onlyModel(p);
  EXPECT_EQ(m.method, ast::Method::ExponentialEuler);
  EXPECT_DOUBLE_EQ(param(m, "C_m"), 200);
  EXPECT_DOUBLE_EQ(param(m, "g_L"), 10);
  EXPECT_DOUBLE_EQ(param(m, "E_L"), -60);
  EXPECT_DOUBLE_EQ(param(m, "E_e"), 0);
  EXPECT_DOUBLE_EQ(param(m, "E_i"), -80);
  EXPECT_DOUBLE_EQ(param(m, "tau_e"), 5);
  EXPECT_DOUBLE_EQ(param(m, "tau_i"), 10);
  EXPECT_DOUBLE_EQ(param(m, "v_th"), -50);
  EXPECT_DOUBLE_EQ(param(m, "v_reset"), -60);
  EXPECT_DOUBLE_EQ(m.refractory, 5);
  EXPECT_EQ(*m.variables[1].dim, (ast::Dim{0, -1, 1})); // ge in nS
}

TEST(BuiltinModels, LifAdaptiveThreshold) {
  Parsed p = parseJson(usingModel("lif_adaptive_threshold"));
  const ast::NeuronModel &m = onlyModel(p);
  EXPECT_EQ(m.method, ast::Method::Exact);
  EXPECT_EQ(ast::printExpr(*m.threshold), "v > v_th + theta");
  ASSERT_EQ(m.reset.size(), 2u);
  EXPECT_EQ(ast::printAssignment(m.reset[0]), "v = v_reset");
  EXPECT_EQ(ast::printAssignment(m.reset[1]), "theta += delta_th");
  ASSERT_EQ(m.equations.size(), 4u);
  EXPECT_EQ(ast::printEquation(m.equations[3]), "dtheta/dt = -theta / tau_th");
  EXPECT_DOUBLE_EQ(param(m, "tau_th"), 50);
  EXPECT_DOUBLE_EQ(param(m, "delta_th"), 2);
  EXPECT_DOUBLE_EQ(m.refractory, 2);
  EXPECT_EQ(m.refractoryClamped, std::vector<std::string>{"v"});
  EXPECT_EQ(*m.variables[3].dim, (ast::Dim{0, 1, 0})); // theta in mV
}

TEST(BuiltinModels, Izhikevich) {
  Parsed p = parseJson(usingModel("izhikevich"));
  const ast::NeuronModel &m = onlyModel(p);
  EXPECT_EQ(m.method, ast::Method::Euler);
  EXPECT_EQ(ast::printExpr(*m.threshold), "v >= v_peak");
  ASSERT_EQ(m.reset.size(), 2u);
  EXPECT_EQ(ast::printAssignment(m.reset[0]), "v = c");
  EXPECT_EQ(ast::printAssignment(m.reset[1]), "u += d");
  EXPECT_EQ(m.equations.size(), 2u); // a, b, c, d have none
  EXPECT_EQ(m.variables.size(), 6u);
}

TEST(BuiltinModels, UserModelsShadowBuiltins) {
  ojson j = usingModel("izhikevich");
  j["neuron_models"]["izhikevich"] = {{"variables", {{"x", 1}}}};
  Parsed p = parseJson(j);
  const ast::NeuronModel &m = onlyModel(p);
  ASSERT_EQ(m.variables.size(), 1u);
  EXPECT_EQ(m.variables[0].name, "x");
}

TEST(BuiltinModels, OverridesAndUnitsAreChecked) {
  ojson j = usingModel("lif_cond_exp");
  j["populations"]["p"]["parameters"] = {{"g_L", "10 mV"}};
  EXPECT_MODEL_ERROR(parseJson(j), "the value of 'g_L' is a voltage, but "
                                   "parameter 'g_L' of model 'lif_cond_exp' is "
                                   "a conductance");
  j["populations"]["p"]["parameters"] = {{"g_L", "20 nS"}};
  Parsed p = parseJson(j);
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_DOUBLE_EQ(p.model->populations[0].params.at("g_L"), 20);
}

TEST(BuiltinModels, OnlyUsedModelsInFirstUseOrder) {
  ojson j = usingModel("lif_cond_exp");
  j["neuron_models"]["mine"] = {{"variables", {{"x", 1}}}};
  j["neuron_models"]["unused"] = {{"variables", {{"y", 1}}}};
  j["populations"]["q"] = {{"model", "mine"}, {"size", 1}};
  j["populations"]["r"] = {{"model", "lif_cond_exp"}, {"size", 1}};
  Parsed p = parseJson(j);
  ASSERT_TRUE(p.model) << p.text();
  ASSERT_EQ(p.model->models.size(), 2u);
  EXPECT_EQ(p.model->models[0].name, "lif_cond_exp");
  EXPECT_EQ(p.model->models[1].name, "mine");
}

} // namespace

namespace {

/// A projection with the built-in synapse model `name` onto lif_current_exp
/// cells, adding to their ge.
ojson usingSynapseModel(const std::string &name) {
  return ojson::parse(R"({"simulation": {"dt": 0.1, "duration": 10},
      "populations": {"p": {"model": "lif_current_exp", "size": 10}},
      "projections": {"s": {"pre": "p", "post": "p", "target": "ge",
                            "connectivity": "all_to_all", "synapse": ")" +
                      name + R"("}}})");
}

} // namespace

TEST(BuiltinSynapseModels, AllParseAndCheck) {
  const auto &models = frontend::builtinSynapseModelSources();
  ASSERT_GE(models.size(), 7u);
  for (const auto &b : models) {
    // A model with links reads them from a population of size one.
    ojson j = usingSynapseModel(b.name);
    ojson source = ojson::parse(b.json);
    if (source.contains("links")) {
      j["populations"]["mod"] = {{"model", "lif_current_exp"}, {"size", 1}};
      for (const auto &link : source["links"])
        j["projections"]["s"]["links"][link.get<std::string>()] = "mod.v";
    }
    Parsed p = parseJson(j);
    EXPECT_MODEL_OK(p);
    if (!p.model)
      continue;
    ASSERT_EQ(p.model->synapseModels.size(), 1u) << b.name;
    const ast::SynapseModel &m = p.model->synapseModels[0];
    EXPECT_EQ(m.name, b.name);
    EXPECT_EQ(m.loc.file, frontend::builtinSynapseModelFile(b.name));
    EXPECT_EQ(m.weight, "w") << b.name;
    // Every one adds its weight to the projection's target.
    ASSERT_FALSE(m.onPre.empty()) << b.name;
    EXPECT_EQ(m.onPre[0].var, "target_post") << b.name;
    for (const ast::Equation &e : m.equations)
      EXPECT_EQ(e.driven, ast::Equation::Driven::Event) << b.name;
  }
  EXPECT_TRUE(frontend::findBuiltinSynapseModelSource("stdp_additive"));
  EXPECT_FALSE(frontend::findBuiltinSynapseModelSource("lif_cond_exp"));
  EXPECT_FALSE(frontend::findBuiltinModelSource("stdp_additive"));
}

TEST(BuiltinSynapseModels, UserModelShadowsBuiltin) {
  ojson j = usingSynapseModel("stdp_additive");
  j["projections"]["s"].erase("target");
  j["synapse_models"]["stdp_additive"] = ojson::parse(
      R"({"variables": {"w": 2}, "on_pre": ["ge_post += w"]})");
  Parsed p = parseJson(j);
  EXPECT_MODEL_OK(p);
  ASSERT_TRUE(p.model);
  ASSERT_EQ(p.model->synapseModels.size(), 1u);
  EXPECT_EQ(p.model->synapseModels[0].variables.size(), 1u);
}

TEST(BuiltinSynapseModels, TargetIsRequiredAndChecked) {
  ojson j = usingSynapseModel("stdp_additive");
  j["projections"]["s"].erase("target");
  Parsed p = parseJson(j);
  EXPECT_FALSE(p.model);
  EXPECT_NE(p.text().find("adds to 'target_post': name the post variable "
                          "with \"target\""),
            std::string::npos)
      << p.text();
  j["projections"]["s"]["target"] = "gee";
  p = parseJson(j);
  EXPECT_NE(p.text().find("bad target of projection 's'"), std::string::npos)
      << p.text();
}
