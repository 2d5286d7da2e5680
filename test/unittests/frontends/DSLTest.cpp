//===- DSLTest.cpp - The text DSL: reader, printer, JSON writer ------------===//
//
// The reader against hand-written .snn text (what each construct means in
// the JSON document tree, where its values are), JSON -> .snn -> JSON on
// values with no nice spelling, the canonical form and its idempotence, and
// the comments `snnc fmt` must keep.
//
//===----------------------------------------------------------------------===//

#include "snn/DSL/DSL.h"
#include "snn/Frontend/JSONFrontend.h"

#include "gtest/gtest.h"

#include <filesystem>
#include <fstream>

using namespace snn;
using json::Value;

namespace {

dsl::Document read(const std::string &text,
                   std::vector<ast::Diagnostic> *errors = nullptr,
                   bool expand = true) {
  dsl::Document doc;
  std::vector<ast::Diagnostic> diags;
  dsl::ParseOptions options;
  options.expandImports = expand;
  bool ok = dsl::parse(text, "/nonexistent/m.snn", doc, diags, options);
  if (errors)
    *errors = diags;
  else {
    EXPECT_TRUE(ok) << text;
    for (const ast::Diagnostic &d : diags)
      ADD_FAILURE() << d.loc.line << ":" << d.loc.col << ": " << d.message;
  }
  return doc;
}

Value parseJSON(const std::string &text) {
  Value v;
  json::ParseError err;
  EXPECT_TRUE(json::parse(text, v, err)) << err.message;
  return v;
}

/// JSON -> .snn -> JSON gives the same tree, and the .snn is canonical.
void expectRoundTrip(const std::string &jsonText) {
  Value original = parseJSON(jsonText);
  std::string snn = dsl::print(original);
  dsl::Document doc = read(snn);
  EXPECT_TRUE(json::sameDocument(original, doc.root)) << "printed as:\n" << snn;
  EXPECT_EQ(dsl::print(doc), snn) << "not canonical";
  Value back = parseJSON(dsl::writeJSON(doc.root));
  EXPECT_TRUE(json::sameDocument(original, back)) << dsl::writeJSON(doc.root);
}

} // namespace

TEST(DSL, ConstructsMeanWhatTheJSONSays) {
  dsl::Document doc = read(R"(
simulation { dt = 0.1 ms, duration = 1 s }
neuron_model lif {
  equations {
    dv/dt = -v / tau   # a comment is not part of the line
  }
  threshold: v > 1 mV
  reset { v = 0 mV }
}
population p {
  model = lif
  size = 10
  initial { v = normal(-65 mV, 5 mV, clip = [0 mV, null]) }
}
projection q {
  pre = p
  post = p
  connectivity = fixed_probability(p = 0.1, allow_self = false)
  weight = 0.5mV
  links = {M = dopamine.level}
}
)");
  Value expected = parseJSON(R"({
    "simulation": {"dt": "0.1 ms", "duration": "1 s"},
    "neuron_models": {"lif": {"equations": ["dv/dt = -v / tau"],
                              "threshold": "v > 1 mV",
                              "reset": ["v = 0 mV"]}},
    "populations": {"p": {"model": "lif", "size": 10,
        "initial": {"v": {"normal": ["-65 mV", "5 mV"],
                          "clip": ["0 mV", null]}}}},
    "projections": {"q": {"pre": "p", "post": "p",
        "connectivity": {"type": "fixed_probability", "p": 0.1,
                         "allow_self": false},
        "weight": "0.5 mV", "links": {"M": "dopamine.level"}}}})");
  EXPECT_TRUE(json::sameDocument(expected, doc.root)) << dsl::writeJSON(doc.root);
}

TEST(DSL, PositionsPointIntoTheFile) {
  dsl::Document doc = read("neuron_model m {\n"
                           "  equations {\n"
                           "    dv/dt = -v / tau\n"
                           "  }\n"
                           "  refractory = 2ms\n"
                           "}\n");
  const Value &m = doc.root.find("neuron_models")->find("m")[0];
  const Value &eq = m.find("equations")->items[0];
  EXPECT_EQ(eq.line, 3u);
  EXPECT_EQ(eq.col, 5u);
  EXPECT_EQ(eq.colOfChar(13), 18u); // the 't' of "tau"
  EXPECT_EQ(eq.path, "/neuron_models/m/equations/0");
  const Value &r = *m.find("refractory");
  EXPECT_EQ(r.text, "2 ms");
  EXPECT_EQ(r.colOfChar(0), 16u);
  EXPECT_EQ(r.colOfChar(1), 17u); // the inserted space stands for the unit
  EXPECT_EQ(r.colOfChar(2), 17u); // 'm'
  EXPECT_EQ(r.colOfChar(3), 18u); // 's'
}

TEST(DSL, RoundTripsValuesWithoutANiceSpelling) {
  expectRoundTrip(R"({"a": 1, "b": 1.50, "c": -0.0, "d": 1E+3, "e": 2e-7})");
  expectRoundTrip(R"({"s": "two words", "q": "say \"hi\"", "n": "a\nb",
                      "t": "tab\there", "u": "µs Ω ✓", "e": "",
                      "w": "true", "x": "null", "y": "20ms", "z": "20  ms"})");
  expectRoundTrip(R"({"not an identifier": 1, "": 2, "9lives": 3,
                      "import": "x.snn", "population": {"a": 1}})");
  expectRoundTrip(R"({"o": {}, "a": [], "aa": [[]], "oa": [{}],
                      "nested": [[1, [2, {"k": [3]}]]]})");
  expectRoundTrip(R"({"v": {"uniform": []}, "w": {"uniform": [1]},
                      "x": {"uniform": 5}, "y": {"type": "t"},
                      "z": {"type": "not an id", "p": 1},
                      "c": {"file": "a.csv", "type": "x"}})");
  expectRoundTrip(R"({"equations": "dv/dt = -v", "reset": ["a = 1; b = 2",
                      "# not a comment", "x = {1}", " padded ", "\"q\""],
                      "threshold": ["v > 1"], "on_pre": {"a": 1},
                      "on_post": [1, "x"], "statements": []})");
  expectRoundTrip(R"({"neuron_models": {}, "populations": {"p": 1},
                      "sources": {"s": {}}, "projections": [1]})");
  expectRoundTrip(R"([1, "two", {"three": 3}])");
  expectRoundTrip(R"("just a string")");
  expectRoundTrip(R"({"long": [1111111111, 2222222222, 3333333333,
                      4444444444, 5555555555, 6666666666, 7777777777,
                      8888888888, 9999999999, 1010101010]})");
}

TEST(DSL, FmtKeepsCommentsAndIsIdempotent) {
  const std::string text = "# header\n"
                           "\n"
                           "import \"lib.snn\"  # models\n"
                           "simulation { dt = 0.1 ms }\n"
                           "population p {  \n"
                           "  # the size\n"
                           "  size = 10  # neurons\n"
                           "\n"
                           "\n"
                           "  model = lif\n"
                           "  equations {\n"
                           "    # first\n"
                           "    dv/dt = 0  # zero\n"
                           "    # last\n"
                           "  }\n"
                           "  # end of p\n"
                           "}\n"
                           "# end of file\n";
  dsl::Document doc = read(text, nullptr, /*expand=*/false);
  std::string once = dsl::print(doc);
  EXPECT_EQ(once, "# header\n"
                  "\n"
                  "import \"lib.snn\"  # models\n"
                  "\n"
                  "simulation {\n"
                  "  dt = 0.1 ms\n"
                  "}\n"
                  "\n"
                  "population p {\n"
                  "  # the size\n"
                  "  size = 10  # neurons\n"
                  "\n"
                  "  model = lif\n"
                  "  equations {\n"
                  "    # first\n"
                  "    dv/dt = 0  # zero\n"
                  "    # last\n"
                  "  }\n"
                  "  # end of p\n"
                  "}\n"
                  "# end of file\n");
  dsl::Document again = read(once, nullptr, false);
  EXPECT_EQ(dsl::print(again), once);
}

TEST(DSL, LayoutsThatReadTheSame) {
  // A brace on the line after the name, entries of a collection given in
  // pieces (named blocks and a plain block, either order), an empty block
  // with a blank line in it (formatted once and for all).
  dsl::Document a = read("population p\n{\n  size = 1\n}\n"
                         "populations {\n  q { size = 2 }\n}\n"
                         "population r { size = 3 }\n"
                         "record {\n\n}\n");
  Value expected = parseJSON(R"({"populations": {"p": {"size": 1},
      "q": {"size": 2}, "r": {"size": 3}}, "record": {}})");
  EXPECT_TRUE(json::sameDocument(expected, a.root)) << dsl::writeJSON(a.root);
  std::string once = dsl::print(read("record {\n\n}\n", nullptr, false));
  EXPECT_EQ(once, "record {}\n");
  // A block that is a call but for a blank line in it (found by fuzzing:
  // the first format kept the block, the second made it the call).
  once = dsl::print(read("x {\n\n  type = t\n  p = 1\n}\n", nullptr, false));
  EXPECT_EQ(once, "x = t(p = 1)\n");
  EXPECT_EQ(dsl::print(read(once, nullptr, false)), once);
  // Blank lines before a code block's only line (found by fuzzing too).
  once = dsl::print(read("reset {\n\n\nv = 0 }\n", nullptr, false));
  EXPECT_EQ(once, "reset { v = 0 }\n");
  // `threshold` is a line of code, never a block of lines.
  std::vector<ast::Diagnostic> errors;
  dsl::Document t = read("threshold { v > 1 }\n", &errors);
  EXPECT_FALSE(errors.empty());
  // {"type": "true"} is not printed as the call true() (not a name).
  expectRoundTrip(R"({"c": {"type": "true", "p": 1}})");
}

TEST(DSL, SeveralSyntaxErrorsInOneRun) {
  std::vector<ast::Diagnostic> errors;
  read("a = \n"
       "b = [1, 2\n"
       "c = 3\n"
       "d == 4\n"
       "e = 'x'\n"
       "f = 5\n",
       &errors);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].loc.line, 1u);
  EXPECT_EQ(errors[0].message, "expected a value after '='");
  EXPECT_EQ(errors[1].loc.line, 3u); // the array runs on: "c" is no ','
  EXPECT_EQ(errors[2].loc.line, 4u);
  EXPECT_EQ(errors[3].loc.line, 5u);
  EXPECT_EQ(errors[3].message, "strings use double quotes");
}

TEST(DSL, ErrorsStopAtTheLimit) {
  std::string text;
  for (int i = 0; i < 1000; ++i)
    text += "x" + std::to_string(i) + " ?\n";
  std::vector<ast::Diagnostic> errors;
  read(text, &errors);
  ASSERT_EQ(errors.size(), 51u);
  EXPECT_EQ(errors[49].severity, ast::Severity::Error);
  EXPECT_EQ(errors[50].severity, ast::Severity::Warning);
  EXPECT_EQ(errors[50].message, "stopped reading after 50 syntax errors");
}

TEST(DSL, ImportsMergeLibrariesOnce) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "snn-dsl-import-test";
  fs::create_directories(dir);
  std::ofstream(dir / "lib.snn") << "import \"base.snn\"\n"
                                    "neuron_model b { variables { v = 0 } }\n";
  std::ofstream(dir / "base.snn") << "neuron_model a { variables { v = 1 } }\n";
  std::ofstream(dir / "m.snn") << "import \"lib.snn\"\n"
                                  "import \"base.snn\"\n"
                                  "neuron_model c { variables { v = 2 } }\n";
  dsl::Document doc;
  std::vector<ast::Diagnostic> diags;
  ASSERT_TRUE(dsl::parse("import \"lib.snn\"\nimport \"base.snn\"\n"
                         "neuron_model c { variables { v = 2 } }\n",
                         (dir / "m.snn").string(), doc, diags));
  const Value *models = doc.root.find("neuron_models");
  ASSERT_TRUE(models);
  ASSERT_EQ(models->members.size(), 3u);
  EXPECT_EQ(models->members[0].key, "a");
  EXPECT_EQ(models->members[1].key, "b");
  EXPECT_EQ(models->members[2].key, "c");
  ASSERT_TRUE(models->members[0].value.file);
  EXPECT_EQ(*models->members[0].value.file, (dir / "base.snn").string());
  EXPECT_EQ(models->members[2].value.file, nullptr);
  EXPECT_EQ(models->members[1].value.path, "/neuron_models/b");

  // A cycle is an error at the import that closes it.
  std::ofstream(dir / "base.snn") << "import \"m.snn\"\n";
  dsl::Document cyc;
  diags.clear();
  EXPECT_FALSE(dsl::parse("import \"base.snn\"\n", (dir / "m.snn").string(),
                          cyc, diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].message.find("import cycle"), std::string::npos);
  fs::remove_all(dir);
}

TEST(DSL, ModelErrorsPointIntoTheSnnFile) {
  std::vector<frontend::Diagnostic> diags;
  auto model = frontend::parseModelText(
      "simulation { dt = 0.1 ms, duration = 1 ms }\n"
      "neuron_model m {\n"
      "  variables { v = 0 mV }\n"
      "  equations { dv/dt = -v / tau_x }\n"
      "}\n"
      "population p { model = m, size = 1 }\n",
      "/nonexistent/m.snn", diags);
  EXPECT_FALSE(model);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].loc.file, "/nonexistent/m.snn");
  EXPECT_EQ(diags[0].loc.line, 4u);
  EXPECT_EQ(diags[0].loc.col, 28u);
  EXPECT_EQ(diags[0].message, "unknown name 'tau_x' in equation of 'dv/dt'");
}
