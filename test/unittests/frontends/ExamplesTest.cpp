//===- ExamplesTest.cpp - The shipped examples parse
//-----------------------===//

#include "TestUtil.h"

#include "snn/AST/ExprPrinter.h"

#include <cmath>
#include <sstream>

using namespace snn;
using namespace snn::test;

namespace {

Parsed parseExample(const std::string &relative) {
  Parsed p;
  p.model = frontend::parseModelFile(
      std::string(SNN_SOURCE_DIR) + "/" + relative, p.diags);
  return p;
}

/// dumpModel writes a valid model file: parsing it again gives the same dump.
void expectDumpRoundTrips(const ast::Model &m) {
  std::ostringstream first;
  frontend::dumpModel(m, first);
  Parsed again = parseText(first.str(), m.file);
  ASSERT_TRUE(again.model) << again.text() << "\n" << first.str();
  std::ostringstream second;
  frontend::dumpModel(*again.model, second);
  EXPECT_EQ(first.str(), second.str());
}

TEST(Examples, Cuba) {
  Parsed p = parseExample("examples/cuba/cuba.json");
  EXPECT_MODEL_OK(p);
  ASSERT_TRUE(p.model);
  const ast::Model &m = *p.model;
  EXPECT_EQ(m.name, "cuba");
  EXPECT_DOUBLE_EQ(m.simulation.dt, 0.1);
  EXPECT_DOUBLE_EQ(m.simulation.duration, 1000);
  ASSERT_EQ(m.populations.size(), 2u);
  EXPECT_EQ(m.populations[0].size + m.populations[1].size, 4000);
  EXPECT_EQ(m.models[0].method, ast::Method::Exact);
  ASSERT_EQ(m.projections.size(), 4u);
  EXPECT_DOUBLE_EQ(m.projections[0].weight.a, 60 * 0.27 / 10);
  EXPECT_DOUBLE_EQ(m.projections[2].weight.a, -20 * 4.5 / 10);
  EXPECT_DOUBLE_EQ(m.projections[0].connectivity.p, 0.02);
  const ast::ValueSpec &v0 = m.populations[0].initial.at("v");
  EXPECT_EQ(v0.kind, ast::ValueSpec::Kind::Uniform);
  EXPECT_DOUBLE_EQ(v0.a, -60);
  EXPECT_DOUBLE_EQ(v0.b, -50);
  expectDumpRoundTrips(m);
}

TEST(Examples, Coba) {
  Parsed p = parseExample("examples/coba/coba.json");
  EXPECT_MODEL_OK(p);
  ASSERT_TRUE(p.model);
  const ast::Model &m = *p.model;
  EXPECT_EQ(m.models[0].name, "lif_cond_exp");
  EXPECT_EQ(m.models[0].method, ast::Method::ExponentialEuler);
  EXPECT_DOUBLE_EQ(m.projections[0].weight.a, 6);
  EXPECT_DOUBLE_EQ(m.projections[2].weight.a, 67);
  const ast::ValueSpec &v0 = m.populations[0].initial.at("v");
  EXPECT_EQ(v0.kind, ast::ValueSpec::Kind::Normal);
  EXPECT_DOUBLE_EQ(v0.a, -65);
  EXPECT_DOUBLE_EQ(v0.b, 5);
  expectDumpRoundTrips(m);
}

TEST(Examples, Izhikevich) {
  Parsed p = parseExample("examples/izhikevich/izhikevich.json");
  EXPECT_MODEL_OK(p);
  ASSERT_TRUE(p.model);
  const ast::Model &m = *p.model;
  EXPECT_EQ(m.populations[0].size, 800);
  EXPECT_EQ(m.populations[1].size, 200);
  EXPECT_EQ(m.populations[0].initial.at("c").kind, ast::ValueSpec::Kind::File);
  ASSERT_EQ(m.currents.size(), 2u);
  EXPECT_EQ(m.currents[0].kind, ast::CurrentInput::Kind::Noise);
  EXPECT_DOUBLE_EQ(m.currents[0].stddev, 5);
  EXPECT_DOUBLE_EQ(m.currents[1].stddev, 2);
  EXPECT_EQ(m.projections[0].connectivity.kind,
            ast::Connectivity::Kind::AllToAll);
  EXPECT_DOUBLE_EQ(m.projections[2].weight.a, -1);
  expectDumpRoundTrips(m);
}

/// The Potjans & Diesmann (2014) microcircuit (examples/microcircuit): the
/// published sizes, the synapse counts derived from Table 5's connection
/// probabilities, clipped weights and delays, and both background variants
/// (Poisson inputs, DC).
TEST(Examples, Microcircuit) {
  for (const char *file : {"examples/microcircuit/microcircuit.json",
                           "examples/microcircuit/microcircuit_dc.json"}) {
    SCOPED_TRACE(file);
    Parsed p = parseExample(file);
    EXPECT_MODEL_OK(p);
    ASSERT_TRUE(p.model);
    const ast::Model &m = *p.model;
    bool dc = std::string(file).find("_dc") != std::string::npos;
    ASSERT_EQ(m.populations.size(), 8u);
    int64_t neurons = 0;
    for (const ast::Population &pop : m.populations)
      neurons += pop.size;
    EXPECT_EQ(neurons, 77169);
    EXPECT_EQ(m.populations[0].name, "L23e");
    EXPECT_EQ(m.populations[0].size, 20683);
    EXPECT_EQ(m.simulation.precision, ast::Precision::F32);
    int64_t recurrent = 0, projections = 0;
    for (const ast::Projection &pr : m.projections) {
      if (pr.connectivity.kind != ast::Connectivity::Kind::FixedTotalNumber)
        continue;
      ++projections;
      recurrent += pr.connectivity.total;
      bool inhibitory = pr.pre.back() == 'i';
      const ast::ValueSpec &w = pr.weight;
      ASSERT_EQ(w.kind, ast::ValueSpec::Kind::Normal) << pr.name;
      double mean = pr.name == "L4e_L23e" ? 2 * 87.8
                    : inhibitory         ? -4 * 87.8
                                         : 87.8;
      EXPECT_DOUBLE_EQ(w.a, mean) << pr.name;
      EXPECT_DOUBLE_EQ(w.b, 0.1 * std::abs(mean)) << pr.name;
      // Excitatory weights stay >= 0, inhibitory <= 0.
      EXPECT_EQ(w.clipLow.has_value(), !inhibitory) << pr.name;
      EXPECT_EQ(w.clipHigh.has_value(), inhibitory) << pr.name;
      EXPECT_DOUBLE_EQ(pr.delay.a, inhibitory ? 0.75 : 1.5) << pr.name;
      ASSERT_TRUE(pr.delay.clipLow) << pr.name;
      EXPECT_DOUBLE_EQ(*pr.delay.clipLow, 0.1) << pr.name;
      if (pr.name == "L23e_L23e")
        EXPECT_EQ(pr.connectivity.total, 45499806);
    }
    EXPECT_EQ(projections, 55); // the 9 zero probabilities have none
    EXPECT_EQ(recurrent, 298880970);
    // The background: K_ext Poisson inputs of 8 Hz per neuron, or DC.
    EXPECT_TRUE(m.sources.empty());
    ASSERT_EQ(m.poissonInputs.size(), dc ? 0u : 8u);
    if (!dc) {
      const ast::PoissonInput &bg = m.poissonInputs[6];
      EXPECT_EQ(bg.target, "L6e");
      EXPECT_EQ(bg.variable, "I_syn");
      EXPECT_EQ(bg.n, 2900);
      EXPECT_DOUBLE_EQ(bg.rate, 8.0);
      EXPECT_DOUBLE_EQ(bg.weight, 87.8);
    }
    if (dc)
      EXPECT_DOUBLE_EQ(m.populations[6].params.at("I_bg"),
                       2900 * 8e-3 * 87.8 * 0.5);
    expectDumpRoundTrips(m);
  }
}

TEST(Examples, DumpOfTheBaseModel) {
  Parsed p = parseJson(baseModel());
  ASSERT_TRUE(p.model) << p.text();
  expectDumpRoundTrips(*p.model);
  std::ostringstream os;
  frontend::dumpModel(*p.model, os);
  EXPECT_NE(os.str().find("\"dv/dt = (v_rest - v + ge + R * I) / tau_m\""),
            std::string::npos)
      << os.str();
  EXPECT_NE(os.str().find("\"rate\": 5"), std::string::npos) << os.str();
}

} // namespace
