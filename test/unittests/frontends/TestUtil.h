//===- TestUtil.h - Helpers for the frontend unit tests ----------*- C++
//-*-===//

#ifndef SNN_TEST_FRONTENDS_TESTUTIL_H
#define SNN_TEST_FRONTENDS_TESTUTIL_H

#include "snn/Frontend/JSONFrontend.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

namespace snn::test {

using ojson = nlohmann::ordered_json;

struct Parsed {
  std::optional<ast::Model> model;
  std::vector<frontend::Diagnostic> diags;

  /// The diagnostics as snnc prints them.
  std::string text() const {
    std::ostringstream os;
    frontend::printDiagnostics(diags, os);
    return os.str();
  }
};

inline Parsed parseText(const std::string &text,
                        const std::string &path = "test.json") {
  Parsed p;
  p.model = frontend::parseModelText(text, path, p.diags);
  return p;
}

inline Parsed parseJson(const ojson &j, const std::string &path = "test.json") {
  return parseText(j.dump(2), path);
}

/// A small valid model the checks below break one field at a time.
inline ojson baseModel() {
  return ojson::parse(R"({
    "name": "base",
    "simulation": {"dt": "0.1 ms", "duration": "100 ms", "seed": 7},
    "neuron_models": {
      "lif": {
        "parameters": {"tau_m": "20 ms", "v_rest": "-60 mV", "v_th": "-50 mV",
                       "v_reset": "-60 mV", "tau_e": "5 ms", "R": "0.1 GOhm"},
        "variables": {"v": "-60 mV", "ge": "0 mV"},
        "inputs": ["I"],
        "equations": ["dv/dt = (v_rest - v + ge + R * I) / tau_m",
                      "dge/dt = -ge / tau_e"],
        "threshold": "v > v_th",
        "reset": ["v = v_reset"],
        "refractory": "2 ms",
        "refractory_clamp": ["v"],
        "method": "exact"
      }
    },
    "populations": {
      "exc": {"model": "lif", "size": 100},
      "inh": {"model": "lif", "size": 25}
    },
    "sources": {
      "noise": {"type": "poisson", "size": 50, "rate": "5 Hz"}
    },
    "currents": {
      "drive": {"type": "constant", "target": "exc", "variable": "I",
                "amplitude": "100 pA"}
    },
    "projections": {
      "ee": {"pre": "exc", "post": "exc", "target": "ge",
             "connectivity": {"type": "fixed_probability", "p": 0.1},
             "weight": "0.5 mV", "delay": "1 ms"},
      "ne": {"pre": "noise", "post": "inh", "target": "ge",
             "connectivity": {"type": "fixed_indegree", "k": 10},
             "weight": "0.5 mV"}
    },
    "record": {"spikes": ["exc", "noise"],
               "state": [{"population": "exc", "variable": "v",
                          "neurons": [0, 1], "every": 10}],
               "format": "npy"}
  })");
}

/// Expects the model to be rejected with a diagnostic containing `needle`.
#define EXPECT_MODEL_ERROR(parsed, needle)                                     \
  do {                                                                         \
    const ::snn::test::Parsed &p_ = (parsed);                                  \
    EXPECT_FALSE(p_.model.has_value());                                        \
    EXPECT_NE(p_.text().find(needle), std::string::npos)                       \
        << "expected a diagnostic containing: " << (needle) << "\ngot:\n"      \
        << p_.text();                                                          \
  } while (0)

#define EXPECT_MODEL_OK(parsed)                                                \
  do {                                                                         \
    const ::snn::test::Parsed &p_ = (parsed);                                  \
    EXPECT_TRUE(p_.model.has_value()) << p_.text();                            \
    EXPECT_TRUE(p_.diags.empty()) << p_.text();                                \
  } while (0)

} // namespace snn::test

#endif // SNN_TEST_FRONTENDS_TESTUTIL_H
