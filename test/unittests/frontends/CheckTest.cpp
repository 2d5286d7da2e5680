//===- CheckTest.cpp - Conversion and semantic checks of models
//------------===//
//
// Each test breaks one thing in a small valid model (TestUtil.h) and looks
// for the diagnostic.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include "snn/AST/Check.h"
#include "snn/AST/ExprParser.h"
#include "snn/AST/ExprPrinter.h"

#include <random>

using namespace snn;
using namespace snn::test;
using ast::Model;

namespace {

ojson &lif(ojson &j) { return j["neuron_models"]["lif"]; }

TEST(Check, BaseModelIsValid) {
  Parsed p = parseJson(baseModel());
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_TRUE(p.diags.empty()) << p.text();
  const Model &m = *p.model;
  EXPECT_EQ(m.name, "base");
  EXPECT_DOUBLE_EQ(m.simulation.dt, 0.1);
  EXPECT_DOUBLE_EQ(m.simulation.duration, 100);
  EXPECT_EQ(m.simulation.seed, 7u);
  ASSERT_EQ(m.models.size(), 1u);
  EXPECT_EQ(m.models[0].method, ast::Method::Exact);
  EXPECT_EQ(m.models[0].params[5].name, "R");
  EXPECT_DOUBLE_EQ(m.models[0].params[5].value, 0.1);
  ASSERT_EQ(m.populations.size(), 2u);
  EXPECT_EQ(m.populations[0].name, "exc"); // declaration order is kept
  EXPECT_EQ(m.populations[1].name, "inh");
  ASSERT_EQ(m.sources.size(), 1u);
  EXPECT_DOUBLE_EQ(m.sources[0].rate.a, 5); // rates are stored in Hz
  EXPECT_DOUBLE_EQ(m.currents[0].amplitude.a, 100);
  EXPECT_EQ(m.currents[0].stop, -1);
  EXPECT_DOUBLE_EQ(m.projections[0].delay.a, 1);
  EXPECT_EQ(m.projections[1].delay.kind, ast::ValueSpec::Kind::Constant);
  EXPECT_DOUBLE_EQ(m.projections[1].delay.a, 0);
  EXPECT_EQ(m.projections[1].connectivity.indegree, 10);
  EXPECT_EQ(m.record.state[0].every, 10);
  EXPECT_TRUE(std::filesystem::path(m.file).is_absolute());
}

TEST(Check, NameDefaultsToFileStem) {
  ojson j = baseModel();
  j.erase("name");
  Parsed p = parseJson(j, "dir/my_net.json");
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_EQ(p.model->name, "my_net");
}

//===----------------------------------------------------------------------===//
// Shape: keys, types, required fields
//===----------------------------------------------------------------------===//

TEST(Check, UnknownKeysSuggestTheClosestName) {
  ojson j = baseModel();
  j["projection"] = ojson::object();
  EXPECT_MODEL_ERROR(parseJson(j), "unknown key 'projection' in the model "
                                   "(did you mean 'projections'?) "
                                   "[at /projection]");
  j = baseModel();
  j["populations"]["exc"]["sise"] = 3;
  EXPECT_MODEL_ERROR(parseJson(j), "unknown key 'sise' in population 'exc' "
                                   "(did you mean 'size'?)");
  j = baseModel();
  lif(j)["treshold"] = "v > 0";
  EXPECT_MODEL_ERROR(parseJson(j), "(did you mean 'threshold'?)");
  j = baseModel();
  j["simulation"]["seeed"] = 1;
  EXPECT_MODEL_ERROR(parseJson(j), "unknown key 'seeed' in \"simulation\" "
                                   "(did you mean 'seed'?)");
  j = baseModel();
  j["sources"]["noise"]["file"] = "x.csv"; // not a poisson key
  EXPECT_MODEL_ERROR(parseJson(j),
                     "unknown key 'file' in poisson source 'noise'");
}

TEST(Check, MissingRequiredKeys) {
  ojson j = baseModel();
  j.erase("simulation");
  EXPECT_MODEL_ERROR(parseJson(j),
                     "missing required key 'simulation' in the model");
  j = baseModel();
  j["populations"]["exc"].erase("size");
  EXPECT_MODEL_ERROR(parseJson(j),
                     "missing required key 'size' in population 'exc'");
  j = baseModel();
  j["projections"]["ee"].erase("weight");
  EXPECT_MODEL_ERROR(parseJson(j),
                     "missing required key 'weight' in projection 'ee'");
  j = baseModel();
  j["simulation"].erase("dt");
  EXPECT_MODEL_ERROR(parseJson(j), "missing required key 'dt'");
  j = baseModel();
  lif(j).erase("variables");
  EXPECT_MODEL_ERROR(parseJson(j), "missing required key 'variables' in "
                                   "neuron model 'lif'");
  j = baseModel();
  j["currents"]["drive"]["type"] = "noise";
  EXPECT_MODEL_ERROR(parseJson(j),
                     "missing required key 'std' in noise current 'drive'");
}

TEST(Check, WrongJsonTypes) {
  ojson j = baseModel();
  j["populations"]["exc"]["size"] = "100";
  EXPECT_MODEL_ERROR(parseJson(j), "the size of population 'exc' must be an "
                                   "integer, got a string (write numbers "
                                   "without quotes)");
  j = baseModel();
  j["populations"] = ojson::array();
  EXPECT_MODEL_ERROR(parseJson(j),
                     "\"populations\" must be an object, got an array");
  j = baseModel();
  j["simulation"]["dt"] = true;
  EXPECT_MODEL_ERROR(parseJson(j), "dt must be a number or a quantity string "
                                   "such as \"20 ms\", got a boolean");
  j = baseModel();
  j["projections"]["ee"]["connectivity"]["allow_self"] = "no";
  EXPECT_MODEL_ERROR(parseJson(j),
                     "\"allow_self\" must be true or false, got a string");
  j = baseModel();
  lif(j)["equations"] = 3;
  EXPECT_MODEL_ERROR(parseJson(j),
                     "\"equations\" must be an array of strings, got a number");
  j = baseModel();
  EXPECT_MODEL_ERROR(parseText("[1, 2]"),
                     "a model file must hold a JSON object, got an array");
  j = baseModel();
  j["projections"]["ee"]["connectivity"]["p"] = "0.1";
  EXPECT_MODEL_ERROR(parseJson(j), "the connection probability \"p\" must be "
                                   "a number, got a string");
}

//===----------------------------------------------------------------------===//
// Simulation
//===----------------------------------------------------------------------===//

TEST(Check, Simulation) {
  ojson j = baseModel();
  j["simulation"]["dt"] = 0;
  EXPECT_MODEL_ERROR(parseJson(j),
                     "dt must be > 0, got 0 ms [at /simulation/dt]");
  j["simulation"]["dt"] = "-0.1 ms";
  EXPECT_MODEL_ERROR(parseJson(j), "dt must be > 0, got -0.1 ms");
  j["simulation"]["dt"] = "0.1 mV";
  EXPECT_MODEL_ERROR(
      parseJson(j), "dt must be a time (in ms or with a unit such as \"1 s\"), "
                    "got a voltage (\"0.1 mV\")");
  j = baseModel();
  j["simulation"]["duration"] = "-1 s";
  EXPECT_MODEL_ERROR(parseJson(j), "duration must be >= 0, got -1000 ms");
  j = baseModel();
  j["simulation"]["duration"] = "1e6 s";
  j["simulation"]["dt"] = "1 us";
  EXPECT_MODEL_ERROR(parseJson(j), "steps; at most 2147483647 are supported");
  j = baseModel();
  j["simulation"]["seed"] = -1;
  EXPECT_MODEL_ERROR(parseJson(j),
                     "seed must be a non-negative integer, got -1");
  j["simulation"]["seed"] = 1.5;
  EXPECT_MODEL_ERROR(parseJson(j),
                     "seed must be a non-negative integer, got 1.5");
  j["simulation"]["seed"] = "42";
  EXPECT_MODEL_ERROR(parseJson(j),
                     "seed must be a non-negative integer, got a string");
  j = baseModel();
  j["simulation"]["precision"] = "f16";
  EXPECT_MODEL_ERROR(parseJson(j),
                     "precision must be \"f32\" or \"f64\", got \"f16\"");
  j = baseModel();
  j["simulation"]["seed"] = 18446744073709551615ull;
  j["simulation"]["precision"] = "f32";
  Parsed p = parseJson(j);
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_EQ(p.model->simulation.seed, 18446744073709551615ull);
  EXPECT_EQ(p.model->simulation.precision, ast::Precision::F32);
  EXPECT_MODEL_ERROR(parseText(R"({"simulation": {"dt": 0.1, "duration": 1,
                   "seed": 18446744073709551616}, "populations": {}})"),
                     "seed 18446744073709551616 is too large");
}

//===----------------------------------------------------------------------===//
// Neuron models
//===----------------------------------------------------------------------===//

TEST(Check, UnknownMethod) {
  ojson j = baseModel();
  lif(j)["method"] = "rk45";
  EXPECT_MODEL_ERROR(parseJson(j), "unknown integration method 'rk45'");
  lif(j)["method"] = "eular";
  EXPECT_MODEL_ERROR(parseJson(j), "(did you mean 'euler'?)");
}

TEST(Check, UndefinedIdentifiers) {
  ojson j = baseModel();
  lif(j)["equations"][0] = "dv/dt = (v_rest - v) / tau_x";
  EXPECT_MODEL_ERROR(parseJson(j), "unknown name 'tau_x' in equation of "
                                   "'dv/dt' (did you mean 'tau_m'?) "
                                   "[at /neuron_models/lif/equations/0]");
  // The time and the time step (and pi) are names of a model's equations,
  // threshold and reset.
  lif(j)["equations"][0] =
      "dv/dt = -v / tau_m + sin(2 * pi * t / dt) * (1 mV) / tau_m";
  lif(j)["threshold"] = "v > v_th and t > 5 ms";
  lif(j)["reset"] = ojson::array({"v = v_reset + t / (1000 ms) * (1 mV)"});
  EXPECT_MODEL_OK(parseJson(j));
  j = baseModel();
  lif(j)["parameters"]["t"] = "1 ms";
  EXPECT_MODEL_ERROR(parseJson(j), "'t' is reserved for time in model");
  lif(j)["equations"][0] = "dv/dt = -v / tau_m * mV";
  EXPECT_MODEL_ERROR(parseJson(j), "unknown name 'mV' in equation of 'dv/dt' "
                                   "(a unit follows a number directly, as in "
                                   "'5 mV')");
  j = baseModel();
  lif(j)["threshold"] = "v > v_thr";
  EXPECT_MODEL_ERROR(parseJson(j), "unknown name 'v_thr' in threshold (did "
                                   "you mean 'v_th'?)");
  j = baseModel();
  lif(j)["reset"][0] = "v = v_rst";
  EXPECT_MODEL_ERROR(parseJson(j), "unknown name 'v_rst' in reset of 'v'");
}

TEST(Check, Functions) {
  ojson j = baseModel();
  lif(j)["equations"][0] = "dv/dt = exp(v, 2)";
  EXPECT_MODEL_ERROR(parseJson(j), "'exp' takes 1 argument, got 2 in equation "
                                   "of 'dv/dt'");
  lif(j)["equations"][0] = "dv/dt = clip(v, 0)";
  EXPECT_MODEL_ERROR(parseJson(j), "'clip' takes 3 arguments, got 2");
  lif(j)["equations"][0] = "dv/dt = expp(v)";
  EXPECT_MODEL_ERROR(parseJson(j), "unknown function 'expp' in equation of "
                                   "'dv/dt' (did you mean 'exp'?)");
  lif(j)["equations"][0] = "dv/dt = tau_m(v)";
  EXPECT_MODEL_ERROR(parseJson(j), "'tau_m' is not a function");
  lif(j)["equations"][0] = "dv/dt = exp";
  EXPECT_MODEL_ERROR(parseJson(j), "'exp' is a function; call it as exp(...)");
  lif(j)["equations"][0] = "dv/dt = ifelse(v, 1, 2)";
  EXPECT_MODEL_ERROR(parseJson(j),
                     "first argument of 'ifelse' must be a condition");
  lif(j)["equations"][0] = "dv/dt = ifelse(v > 0, 1, v < 2)";
  EXPECT_MODEL_ERROR(parseJson(j), "the branches of 'ifelse' must both be");
  lif(j)["method"] = "euler";
  for (const char *ok :
       {"dv/dt = (ifelse(v > 0, 1, 2) + max(v / (1 mV), 0) + "
        "pow(v / (1 mV), 2) + abs(v / (1 mV))) * (1 mV) / tau_m",
        "dv/dt = (clip(v / (1 mV), -1, 1) * atan2(v, 1 mV) + "
        "erf(v / (1 mV)) + log1p(v / (1 mV))) * (1 mV) / tau_m"}) {
    lif(j)["equations"][0] = ok;
    EXPECT_MODEL_OK(parseJson(j));
  }
}

TEST(Check, ConditionsAndNumbers) {
  ojson j = baseModel();
  lif(j)["threshold"] = "v + 1";
  EXPECT_MODEL_ERROR(parseJson(j), "the threshold must be a condition such as "
                                   "'v > v_th', got a number");
  j = baseModel();
  lif(j)["equations"][1] = "dge/dt = ge > 0";
  EXPECT_MODEL_ERROR(parseJson(j), "the right-hand side of 'dge/dt' must be a "
                                   "number, got a condition");
  j = baseModel();
  lif(j)["threshold"] = "v > v_th and v";
  EXPECT_MODEL_ERROR(parseJson(j), "right operand of 'and' is a number, not a "
                                   "condition in threshold");
  j = baseModel();
  lif(j)["equations"][1] = "dge/dt = -ge / tau_e + (v > 0)";
  EXPECT_MODEL_ERROR(parseJson(j), "right operand of '+' is a condition, not a "
                                   "number");
  j = baseModel();
  lif(j)["threshold"] = "not v";
  EXPECT_MODEL_ERROR(parseJson(j), "operand of 'not' is a number");
  j = baseModel();
  lif(j)["threshold"] = "v > v_th or not (ge < 0)";
  EXPECT_MODEL_OK(parseJson(j));
}

TEST(Check, EquationsNeedDeclaredVariables) {
  ojson j = baseModel();
  lif(j)["equations"].push_back("dw/dt = -w");
  EXPECT_MODEL_ERROR(parseJson(j), "equation for undeclared variable 'w' in "
                                   "model 'lif'");
  j = baseModel();
  lif(j)["equations"].push_back("dtau_m/dt = 1");
  EXPECT_MODEL_ERROR(parseJson(j), "'tau_m' is a parameter in model 'lif'; "
                                   "only variables have equations");
  j = baseModel();
  lif(j)["equations"].push_back("dI/dt = 1");
  EXPECT_MODEL_ERROR(parseJson(j), "'I' is an input in model 'lif'");
  j = baseModel();
  lif(j)["equations"].push_back("dge/dt = 0");
  EXPECT_MODEL_ERROR(parseJson(j), "second equation for 'ge' in model 'lif'");
  j = baseModel();
  lif(j)["equations"][0] = "v = 3";
  EXPECT_MODEL_ERROR(parseJson(j), "expected an equation 'dX/dt = expression' "
                                   "for a variable X in equation");
}

TEST(Check, Resets) {
  ojson j = baseModel();
  lif(j)["reset"] = "v_th = 0";
  EXPECT_MODEL_ERROR(parseJson(j), "reset cannot assign to parameter 'v_th' in "
                                   "model 'lif'; only variables can change");
  lif(j)["reset"] = "w = 0";
  EXPECT_MODEL_ERROR(parseJson(j), "reset assigns to unknown variable 'w'");
  lif(j)["reset"] = "v = v_reset; ge += 1 mV; ge *= 0.5";
  Parsed p = parseJson(j);
  ASSERT_TRUE(p.model) << p.text();
  ASSERT_EQ(p.model->models[0].reset.size(), 3u);
  EXPECT_EQ(ast::printAssignment(p.model->models[0].reset[1]), "ge += 1");
  j = baseModel();
  lif(j).erase("threshold");
  lif(j).erase("refractory");
  EXPECT_MODEL_ERROR(parseJson(j), "model 'lif' has a reset but no threshold");
  j = baseModel();
  lif(j)["refractory"] = "-1 ms";
  EXPECT_MODEL_ERROR(parseJson(j), "refractory period must be >= 0, got -1 ms");
  lif(j)["refractory"] = "1 mV";
  EXPECT_MODEL_ERROR(parseJson(j), "the refractory period must be a time");
  j = baseModel();
  lif(j)["refractory_clamp"] = {"vv"};
  EXPECT_MODEL_ERROR(parseJson(j), "refractory_clamp names 'vv', which is not "
                                   "a variable in model 'lif' (did you mean "
                                   "'v'?)");
}

TEST(Check, DeclaredNames) {
  ojson j = baseModel();
  lif(j)["parameters"]["v"] = 1;
  EXPECT_MODEL_ERROR(parseJson(j), "'v' is declared twice in model 'lif': as "
                                   "a parameter and as a variable");
  j = baseModel();
  lif(j)["parameters"]["t"] = 1;
  EXPECT_MODEL_ERROR(parseJson(j), "'t' is reserved for time in model 'lif'");
  j = baseModel();
  lif(j)["variables"]["and"] = 1;
  EXPECT_MODEL_ERROR(parseJson(j), "'and' is a keyword and cannot name a "
                                   "variable");
  j = baseModel();
  lif(j)["variables"]["exp"] = 1;
  EXPECT_MODEL_ERROR(parseJson(j), "'exp' is the name of a function");
  j = baseModel();
  lif(j)["parameters"]["tau-m"] = 1;
  EXPECT_MODEL_ERROR(parseJson(j), "'tau-m' is not a valid parameter name");
  j = baseModel();
  j["populations"]["ex c"] = {{"model", "lif"}, {"size", 1}};
  EXPECT_MODEL_ERROR(parseJson(j), "'ex c' is not a valid population name");
  j = baseModel();
  j["sources"]["exc"] = {{"type", "poisson"}, {"size", 1}, {"rate", 1}};
  EXPECT_MODEL_ERROR(parseJson(j), "the name 'exc' is used twice (populations "
                                   "and sources share one namespace)");
  j = baseModel();
  lif(j)["variables"] = ojson::object();
  EXPECT_MODEL_ERROR(parseJson(j), "neuron model 'lif' declares no variables");
}

TEST(Check, ExpressionSyntaxErrorsHaveExactColumns) {
  // The column is that of the character inside the JSON string.
  const std::string text = R"({
  "simulation": {"dt": 0.1, "duration": 10},
  "neuron_models": {
    "m": {
      "variables": {"v": 0},
      "equations": ["dv/dt = (v + ) / 2"]
    }
  },
  "populations": {"p": {"model": "m", "size": 1}}
})";
  Parsed p = parseText(text, "t.json");
  EXPECT_MODEL_ERROR(p, "t.json:6:35: error: expected an operand, found ')' in "
                        "equation [at /neuron_models/m/equations/0]");
}

TEST(Check, ColumnsAccountForEscapes) {
  // "\u0020" takes six columns in the file but one byte in the string.
  const std::string text = R"({
  "simulation": {"dt": 0.1, "duration": 10},
  "neuron_models": {
    "m": {"variables": {"v": 0}, "equations": ["dv/dt =\u0020-v/tau"]}
  },
  "populations": {"p": {"model": "m", "size": 1}}
})";
  Parsed p = parseText(text, "t.json");
  EXPECT_MODEL_ERROR(p, "t.json:4:65: error: unknown name 'tau' in equation "
                        "of 'dv/dt'");
}

TEST(Check, UnusedUserModelsAreCheckedToo) {
  ojson j = baseModel();
  j["neuron_models"]["spare"] = {{"variables", {{"x", 0}}},
                                 {"equations", {"dx/dt = -y"}}};
  EXPECT_MODEL_ERROR(parseJson(j), "unknown name 'y' in equation of 'dx/dt'");
}

//===----------------------------------------------------------------------===//
// Populations
//===----------------------------------------------------------------------===//

TEST(Check, PopulationSizes) {
  ojson j = baseModel();
  j["populations"]["exc"]["size"] = 0;
  EXPECT_MODEL_ERROR(parseJson(j),
                     "size of population 'exc' must be >= 1, got 0");
  j["populations"]["exc"]["size"] = -5;
  EXPECT_MODEL_ERROR(parseJson(j), "must be >= 1, got -5");
  j["populations"]["exc"]["size"] = 2147483648ll;
  EXPECT_MODEL_ERROR(parseJson(j), "size of population 'exc' 2147483648 is too "
                                   "large (at most 2147483647)");
  j["populations"]["exc"]["size"] = 12.5;
  EXPECT_MODEL_ERROR(parseJson(j), "must be an integer, got 12.5");
  j["populations"]["exc"]["size"] = 1e300;
  EXPECT_MODEL_ERROR(parseJson(j), "is too large");
  EXPECT_MODEL_ERROR(
      parseText(R"({"simulation": {"dt": 0.1, "duration": 1},
      "sources": {"s": {"type": "poisson", "size": 99999999999999999999,
                        "rate": 1}}})"),
      "the size of source 's' 99999999999999999999 is too large");
  j["populations"]["exc"]["size"] = 1e3; // integral: accepted
  Parsed p = parseJson(j);
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_EQ(p.model->populations[0].size, 1000);
}

TEST(Check, UnknownModels) {
  ojson j = baseModel();
  j["populations"]["exc"]["model"] = "lfi";
  EXPECT_MODEL_ERROR(parseJson(j), "unknown neuron model 'lfi' in population "
                                   "'exc' (did you mean 'lif'?)");
  j["populations"]["exc"]["model"] = "lif_cond_ex";
  EXPECT_MODEL_ERROR(parseJson(j), "(did you mean 'lif_cond_exp'?)");
}

TEST(Check, ParameterOverrides) {
  ojson j = baseModel();
  j["populations"]["exc"]["parameters"] = {{"tau_x", 3}};
  EXPECT_MODEL_ERROR(parseJson(j), "model 'lif' has no parameter 'tau_x' (did "
                                   "you mean 'tau_m'?)");
  j["populations"]["exc"]["parameters"] = {{"v", 3}};
  EXPECT_MODEL_ERROR(parseJson(j), "'v' is a variable of model 'lif', not a "
                                   "parameter; set its initial value in "
                                   "\"initial\"");
  j["populations"]["exc"]["parameters"] = {{"tau_m", "10 mV"}};
  EXPECT_MODEL_ERROR(parseJson(j), "the value of 'tau_m' is a voltage, but "
                                   "parameter 'tau_m' of model 'lif' is a "
                                   "time");
  j["populations"]["exc"]["parameters"] = {{"tau_m", "0.01 s"}, {"v_th", -55}};
  Parsed p = parseJson(j);
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_DOUBLE_EQ(p.model->populations[0].params.at("tau_m"), 10);
  EXPECT_DOUBLE_EQ(p.model->populations[0].params.at("v_th"), -55);
}

TEST(Check, InitialValues) {
  ojson j = baseModel();
  j["populations"]["exc"]["initial"] = {{"w", 0}};
  EXPECT_MODEL_ERROR(parseJson(j), "model 'lif' has no variable 'w'");
  j["populations"]["exc"]["initial"] = {{"tau_m", 0}};
  EXPECT_MODEL_ERROR(parseJson(j), "'tau_m' is a parameter of model 'lif', not "
                                   "a variable; set it in \"parameters\"");
  j["populations"]["exc"]["initial"] = {{"v", "-60 nS"}};
  EXPECT_MODEL_ERROR(parseJson(j), "the initial value of 'v' is a conductance, "
                                   "but variable 'v' of model 'lif' is a "
                                   "voltage");
  j["populations"]["exc"]["initial"] = {
      {"v", {{"uniform", {"-50 mV", "-60 mV"}}}}};
  EXPECT_MODEL_ERROR(parseJson(j), "uniform range of the initial value of 'v' "
                                   "is empty: low -50 > high -60");
  j["populations"]["exc"]["initial"] = {
      {"v", {{"uniform", {"-60 mV", "-50 ms"}}}}};
  EXPECT_MODEL_ERROR(parseJson(j), "the two values of \"uniform\" have "
                                   "different units");
  j["populations"]["exc"]["initial"] = {{"v", {{"uniform", {"-60 mV"}}}}};
  EXPECT_MODEL_ERROR(parseJson(j), "\"uniform\" takes an array of two values");
  j["populations"]["exc"]["initial"] = {
      {"v", {{"normal", {"-60 mV", "-5 mV"}}}}};
  EXPECT_MODEL_ERROR(parseJson(j), "standard deviation of the initial value of "
                                   "'v' must be >= 0, got -5");
  j["populations"]["exc"]["initial"] = {
      {"v", {{"uniform", {0, 1}}, {"normal", {0, 1}}}}};
  EXPECT_MODEL_ERROR(parseJson(j), "needs exactly one of \"uniform\", "
                                   "\"normal\", \"file\" or \"from_list\"");
  j["populations"]["exc"]["initial"] = {{"v", {{"unifrom", {0, 1}}}}};
  EXPECT_MODEL_ERROR(parseJson(j), "unknown key 'unifrom' in the initial value "
                                   "of 'v' in population 'exc' (did you mean "
                                   "'uniform'?)");
  j["populations"]["exc"]["initial"] = {{"v", "from_list"}};
  EXPECT_MODEL_ERROR(parseJson(j), "'from_list' is only for the weights and "
                                   "delays of projections with connectivity "
                                   "\"list\"");
  j["populations"]["exc"]["initial"] = {{"v", {-60, -50}}};
  EXPECT_MODEL_ERROR(parseJson(j), "must be a number, a quantity string, or "
                                   "an object such as {\"uniform\": [low, "
                                   "high]}, got an array");
  j["populations"]["exc"]["initial"] = {{"v", {{"normal", {"-65 mV", "5 mV"}}}},
                                        {"ge", "1 mV"}};
  Parsed p = parseJson(j);
  ASSERT_TRUE(p.model) << p.text();
  const ast::ValueSpec &v = p.model->populations[0].initial.at("v");
  EXPECT_EQ(v.kind, ast::ValueSpec::Kind::Normal);
  EXPECT_DOUBLE_EQ(v.a, -65);
  EXPECT_DOUBLE_EQ(v.b, 5);
}

//===----------------------------------------------------------------------===//
// Sources and currents
//===----------------------------------------------------------------------===//

TEST(Check, Sources) {
  ojson j = baseModel();
  j["sources"]["noise"]["rate"] = "-5 Hz";
  EXPECT_MODEL_ERROR(parseJson(j), "the rate of source 'noise' must be >= 0, "
                                   "got -5 Hz");
  j["sources"]["noise"]["rate"] = "5 ms";
  EXPECT_MODEL_ERROR(parseJson(j), "the rate of source 'noise' must be a "
                                   "frequency");
  j["sources"]["noise"]["rate"] = {{"uniform", {"1 Hz", "0.01 kHz"}}};
  Parsed p = parseJson(j);
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_DOUBLE_EQ(p.model->sources[0].rate.a, 1);
  EXPECT_DOUBLE_EQ(p.model->sources[0].rate.b, 10);
  j["sources"]["noise"]["type"] = "poison";
  EXPECT_MODEL_ERROR(parseJson(j), "unknown source type 'poison' (expected "
                                   "\"poisson\" or \"spike_array\") (did you "
                                   "mean 'poisson'?)");
  j = baseModel();
  j["sources"]["noise"]["size"] = 0;
  EXPECT_MODEL_ERROR(parseJson(j), "size of source 'noise' must be >= 1");
  j = baseModel();
  j["sources"]["arr"] = {{"type", "spike_array"}, {"size", 2}};
  EXPECT_MODEL_ERROR(parseJson(j), "missing required key 'file' in "
                                   "spike_array source 'arr'");
}

TEST(Check, Currents) {
  ojson j = baseModel();
  j["currents"]["drive"]["variable"] = "J";
  EXPECT_MODEL_ERROR(parseJson(j), "'J' is not an input of model 'lif' (its "
                                   "inputs: 'I')");
  j["currents"]["drive"]["variable"] = "I";
  j["currents"]["drive"]["target"] = "noise";
  EXPECT_MODEL_ERROR(parseJson(j), "the target of current 'drive' is source "
                                   "'noise'; currents go into neuron "
                                   "populations");
  j["currents"]["drive"]["target"] = "exd";
  EXPECT_MODEL_ERROR(parseJson(j), "unknown population 'exd' in current "
                                   "'drive' (did you mean 'exc'?)");
  j = baseModel();
  j["currents"]["drive"]["amplitude"] = "1 mV";
  EXPECT_MODEL_ERROR(parseJson(j), "the amplitude of current 'drive' must be a "
                                   "current");
  j = baseModel();
  j["currents"]["drive"]["start"] = "50 ms";
  j["currents"]["drive"]["stop"] = "10 ms";
  EXPECT_MODEL_ERROR(parseJson(j), "stop of current 'drive' (10 ms) is before "
                                   "its start (50 ms)");
  j["currents"]["drive"]["start"] = "-5 ms";
  j["currents"]["drive"].erase("stop");
  EXPECT_MODEL_ERROR(parseJson(j), "start of current 'drive' must be >= 0");
  j = baseModel();
  j["currents"]["drive"] = {{"type", "noise"},
                            {"target", "exc"},
                            {"variable", "I"},
                            {"std", "-2 pA"}};
  EXPECT_MODEL_ERROR(parseJson(j), "standard deviation of current 'drive' must "
                                   "be >= 0, got -2 pA");
  j["currents"]["drive"]["std"] = "0.02 nA";
  j["currents"]["drive"]["stop"] = "1 s";
  Parsed p = parseJson(j);
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_DOUBLE_EQ(p.model->currents[0].stddev, 20);
  EXPECT_DOUBLE_EQ(p.model->currents[0].amplitude.a, 0);
  EXPECT_DOUBLE_EQ(p.model->currents[0].stop, 1000);
  j = baseModel();
  j["currents"]["drive"]["std"] = 2; // not a key of constant currents
  EXPECT_MODEL_ERROR(parseJson(j), "unknown key 'std' in constant current "
                                   "'drive'");
}

//===----------------------------------------------------------------------===//
// Projections
//===----------------------------------------------------------------------===//

TEST(Check, ProjectionEnds) {
  ojson j = baseModel();
  j["projections"]["ee"]["pre"] = "exd";
  EXPECT_MODEL_ERROR(parseJson(j), "unknown population or source 'exd' in "
                                   "projection 'ee' (did you mean 'exc'?)");
  j = baseModel();
  j["projections"]["ee"]["post"] = "noise";
  EXPECT_MODEL_ERROR(parseJson(j), "the post of projection 'ee' is source "
                                   "'noise'; sources cannot receive spikes");
  j = baseModel();
  j["projections"]["ee"]["target"] = "gee";
  EXPECT_MODEL_ERROR(parseJson(j), "bad target of projection 'ee': model 'lif' "
                                   "has no variable 'gee' (did you mean "
                                   "'ge'?)");
  j["projections"]["ee"]["target"] = "I";
  EXPECT_MODEL_ERROR(parseJson(j), "'I' is an input of model 'lif', not a "
                                   "variable (inputs are for currents; "
                                   "projections add to variables)");
  j["projections"]["ee"]["target"] = "tau_m";
  EXPECT_MODEL_ERROR(parseJson(j), "'tau_m' is a parameter of model 'lif', not "
                                   "a variable");
}

TEST(Check, Connectivity) {
  ojson j = baseModel();
  auto &c = j["projections"]["ee"]["connectivity"];
  c["p"] = 1.5;
  EXPECT_MODEL_ERROR(parseJson(j),
                     "connection probability must be in [0, 1], "
                     "got 1.5 [at /projections/ee/connectivity/p]");
  c["p"] = -0.1;
  EXPECT_MODEL_ERROR(parseJson(j), "got -0.1");
  c = {{"type", "fixed_indegree"}, {"k", 101}};
  EXPECT_MODEL_ERROR(parseJson(j), "indegree k = 101 is larger than the 100 "
                                   "presynaptic neurons available");
  c = {{"type", "fixed_indegree"}, {"k", 100}, {"allow_self", false}};
  EXPECT_MODEL_ERROR(parseJson(j), "larger than the 99 presynaptic neurons "
                                   "available (self-connections excluded)");
  c = {{"type", "fixed_indegree"}, {"k", -1}};
  EXPECT_MODEL_ERROR(parseJson(j), "indegree k must be >= 0, got -1");
  c = {{"type", "fixed_indegree"}, {"k", 100}};
  EXPECT_MODEL_OK(parseJson(j));
  // fixed_total_number: any n >= 0, also more than the 100 x 100 pairs
  // (multapses).
  c = {{"type", "fixed_total_number"}, {"n", 25000}, {"allow_self", false}};
  {
    Parsed p = parseJson(j);
    ASSERT_TRUE(p.model) << p.text();
    const auto &conn = p.model->projections[0].connectivity;
    EXPECT_EQ(conn.kind, snn::ast::Connectivity::Kind::FixedTotalNumber);
    EXPECT_EQ(conn.total, 25000);
    EXPECT_FALSE(conn.allowSelf);
  }
  c = {{"type", "fixed_total_number"}, {"n", 0}};
  EXPECT_MODEL_OK(parseJson(j));
  c = {{"type", "fixed_total_number"}, {"n", -2}};
  EXPECT_MODEL_ERROR(parseJson(j), "the total number of synapses n must be "
                                   ">= 0, got -2 [at /projections/ee/"
                                   "connectivity/n]");
  c = {{"type", "fixed_total_number"}, {"n", "10"}};
  EXPECT_MODEL_ERROR(parseJson(j), "the total number of synapses \"n\" must "
                                   "be an integer, got a string");
  c = {{"type", "fixed_total_number"}, {"n", 10}, {"p", 0.1}};
  EXPECT_MODEL_ERROR(parseJson(j), "unknown key 'p' in the fixed_total_number "
                                   "connectivity of projection 'ee'");
  j["projections"]["ee"]["post"] = "inh";
  c = "one_to_one";
  EXPECT_MODEL_ERROR(parseJson(j), "one_to_one connectivity needs populations "
                                   "of equal size, but 'exc' has 100 neurons "
                                   "and 'inh' has 25");
  c = {{"type", "fixed_probabilty"}, {"p", 0.1}};
  EXPECT_MODEL_ERROR(parseJson(j), "unknown connectivity type "
                                   "'fixed_probabilty' (did you mean "
                                   "'fixed_probability'?)");
  c = "fixed_probability";
  EXPECT_MODEL_ERROR(parseJson(j), "connectivity \"fixed_probability\" needs "
                                   "\"p\": write it as an object");
  c = {{"type", "all_to_all"}, {"p", 0.5}};
  EXPECT_MODEL_ERROR(parseJson(j), "unknown key 'p' in the all_to_all "
                                   "connectivity of projection 'ee'");
  c = {{"type", "all_to_all"}, {"allow_self", false}};
  Parsed p = parseJson(j);
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_FALSE(p.model->projections[0].connectivity.allowSelf);
}

TEST(Check, WeightsAndDelays) {
  ojson j = baseModel();
  j["projections"]["ee"]["weight"] = "1 nS";
  EXPECT_MODEL_ERROR(parseJson(j), "the weight of projection 'ee' is a "
                                   "conductance, but its target 'ge' of model "
                                   "'lif' is a voltage");
  j = baseModel();
  j["projections"]["ee"]["delay"] = "-1 ms";
  EXPECT_MODEL_ERROR(parseJson(j), "the delay of projection 'ee' must be >= 0, "
                                   "got -1 ms");
  j["projections"]["ee"]["delay"] = "1 mV";
  EXPECT_MODEL_ERROR(parseJson(j), "the delay of projection 'ee' must be a "
                                   "time");
  j["projections"]["ee"]["delay"] = {{"uniform", {"-1 ms", "2 ms"}}};
  EXPECT_MODEL_ERROR(parseJson(j), "the delay of projection 'ee' must be >= 0, "
                                   "but its uniform range starts at -1 ms");
  j["projections"]["ee"]["delay"] = "from_list";
  EXPECT_MODEL_ERROR(parseJson(j), "'from_list' is only for the weights and "
                                   "delays of projections with connectivity "
                                   "\"list\"");
  j = baseModel();
  j["projections"]["ee"]["weight"] = {{"file", "w.npy"}};
  EXPECT_MODEL_ERROR(parseJson(j), "cannot come from a per-neuron file here");
  j = baseModel();
  j["projections"]["ee"]["weight"] = {{"normal", {"0.5 mV", "0.1 mV"}}};
  j["projections"]["ee"]["delay"] = {{"uniform", {"0.5 ms", "2 ms"}}};
  EXPECT_MODEL_OK(parseJson(j));
}

//===----------------------------------------------------------------------===//
// Recording
//===----------------------------------------------------------------------===//

TEST(Check, Record) {
  ojson j = baseModel();
  j["record"]["spikes"].push_back("exd");
  EXPECT_MODEL_ERROR(parseJson(j), "cannot record spikes of unknown population "
                                   "'exd' (did you mean 'exc'?)");
  j = baseModel();
  j["record"]["spikes"].push_back("exc");
  EXPECT_MODEL_ERROR(parseJson(j), "spikes of 'exc' are recorded twice");
  j = baseModel();
  j["record"]["state"][0]["variable"] = "vv";
  EXPECT_MODEL_ERROR(parseJson(j), "cannot record 'vv': model 'lif' has no "
                                   "variable 'vv' (did you mean 'v'?)");
  j = baseModel();
  j["record"]["state"][0]["population"] = "noise";
  EXPECT_MODEL_ERROR(parseJson(j), "'noise' is a source; it has no state to "
                                   "record");
  j = baseModel();
  j["record"]["state"][0]["population"] = "ex";
  EXPECT_MODEL_ERROR(parseJson(j), "cannot record unknown population 'ex'");
  j = baseModel();
  j["record"]["state"][0]["neurons"] = {0, 100};
  EXPECT_MODEL_ERROR(parseJson(j), "neuron index 100 is out of range [0, 100) "
                                   "of 'exc' [at /record/state/0/neurons/1]");
  j["record"]["state"][0]["neurons"] = {-1};
  EXPECT_MODEL_ERROR(parseJson(j), "neuron index -1 is out of range");
  j = baseModel();
  j["record"]["state"][0]["every"] = 0;
  EXPECT_MODEL_ERROR(parseJson(j), "'every' must be >= 1 (steps), got 0");
  j = baseModel();
  j["record"]["format"] = "hdf5";
  EXPECT_MODEL_ERROR(parseJson(j), "record format must be \"npy\" or \"csv\", "
                                   "got \"hdf5\"");
  j = baseModel();
  j["record"]["state"][0].erase("neurons");
  j["record"]["state"][0].erase("every");
  Parsed p = parseJson(j);
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_TRUE(p.model->record.state[0].neurons.empty());
  EXPECT_EQ(p.model->record.state[0].every, 1);
}

//===----------------------------------------------------------------------===//
// Whole models
//===----------------------------------------------------------------------===//

TEST(Check, EmptyNetwork) {
  EXPECT_MODEL_ERROR(parseText(R"({"simulation": {"dt": 0.1, "duration": 1}})"),
                     "the model defines no populations or sources");
}

TEST(Check, SeveralErrorsAreReportedInFileOrder) {
  const std::string text = R"({
  "simulation": {"dt": 0, "duration": 10},
  "neuron_models": {"m": {"variables": {"v": 0}, "threshold": "v > x"}},
  "populations": {"p": {"model": "m", "size": 0}}
})";
  Parsed p = parseText(text, "multi.json");
  ASSERT_FALSE(p.model);
  EXPECT_EQ(p.text(),
            "multi.json:2:24: error: dt must be > 0, got 0 ms [at "
            "/simulation/dt]\n"
            "multi.json:3:68: error: unknown name 'x' in threshold [at "
            "/neuron_models/m/threshold]\n"
            "multi.json:4:47: error: size of population 'p' must be >= 1, got "
            "0 [at /populations/p/size]\n");
}

TEST(Check, SyntaxErrorsStopEarly) {
  Parsed p = parseText("{\"simulation\": {\"dt\": 0.1,}}", "s.json");
  EXPECT_EQ(p.text(), "s.json:1:26: error: trailing comma before '}'\n");
}

TEST(Check, MissingModelFile) {
  std::vector<frontend::Diagnostic> diags;
  EXPECT_FALSE(frontend::parseModelFile("/nonexistent/model.json", diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].message,
            "cannot open model file: No such file or directory");
  std::ostringstream os;
  frontend::printDiagnostics(diags, os);
  EXPECT_EQ(os.str(), "/nonexistent/model.json: error: cannot open model "
                      "file: No such file or directory\n");
  diags.clear();
  EXPECT_FALSE(frontend::parseModelFile("/", diags));
  ASSERT_EQ(diags.size(), 1u);
}

TEST(Check, PrintDiagnostics) {
  std::vector<frontend::Diagnostic> diags = {
      {ast::Loc{"m.json", 3, 7, "/a/b"}, "bad thing"},
      {ast::Loc{"m.json", 4, 0, ""}, "odd", ast::Severity::Warning},
      {ast::Loc{}, "no place"}};
  std::ostringstream os;
  frontend::printDiagnostics(diags, os);
  EXPECT_EQ(os.str(), "m.json:3:7: error: bad thing [at /a/b]\n"
                      "m.json:4: warning: odd\n"
                      "<input>: error: no place\n");
  EXPECT_TRUE(ast::hasErrors(diags));
  diags.erase(diags.begin());
  diags.pop_back();
  EXPECT_FALSE(ast::hasErrors(diags));
}

TEST(Check, MutatedModelsNeverCrash) {
  // Deleting, duplicating or replacing bytes of a valid model must always
  // give either a model or at least one diagnostic.
  const std::string text = baseModel().dump(1);
  std::mt19937 rng(42);
  const std::string bytes = "{}[]\":,-0.5e \"abc\\u";
  for (int i = 0; i < 1500; ++i) {
    std::string t = text;
    int edits = 1 + int(rng() % 3);
    for (int e = 0; e < edits && !t.empty(); ++e) {
      size_t at = rng() % t.size();
      switch (rng() % 3) {
      case 0:
        t.erase(at, 1 + rng() % 8);
        break;
      case 1:
        t.insert(at, 1, bytes[rng() % bytes.size()]);
        break;
      default:
        t[at] = char(rng() % 256);
      }
    }
    Parsed p = parseText(t);
    if (!p.model)
      EXPECT_TRUE(ast::hasErrors(p.diags)) << t;
  }
}

TEST(Check, HugeAndOddValuesGiveMessages) {
  ojson j = baseModel();
  j["simulation"]["duration"] = 1e308;
  EXPECT_MODEL_ERROR(parseJson(j), "steps; at most");
  j = baseModel();
  j["simulation"]["dt"] = "1e308 s";
  EXPECT_MODEL_ERROR(parseJson(j), "number out of range");
  j = baseModel();
  lif(j)["equations"][0] =
      "dv/dt = " + std::string(5000, '(') + "v" + std::string(5000, ')');
  EXPECT_MODEL_ERROR(parseJson(j), "expression is nested too deeply");
}

} // namespace
