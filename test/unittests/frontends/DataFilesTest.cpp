//===- DataFilesTest.cpp - Data files checked at compile time
//--------------===//

#include "TestUtil.h"

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace snn;
using namespace snn::test;
namespace fs = std::filesystem;

namespace {

class DataFiles : public ::testing::Test {
protected:
  fs::path dir;

  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("snn-frontend-data-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  void write(const std::string &name, const std::string &text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  }

  /// Writes `j` as model.json in the test directory and parses the file, so
  /// that relative data paths resolve against it.
  Parsed parseFile(const ojson &j) {
    write("model.json", j.dump(2));
    Parsed p;
    p.model = frontend::parseModelFile((dir / "model.json").string(), p.diags);
    return p;
  }
};

TEST_F(DataFiles, PerNeuronValues) {
  ojson j = baseModel();
  j["populations"]["inh"]["initial"] = {{"v", {{"file", "v0.csv"}}}};
  EXPECT_MODEL_ERROR(parseFile(j), "cannot use data file: ");
  EXPECT_MODEL_ERROR(parseFile(j), "v0.csv: cannot open file");

  std::string values = "v\n";
  for (int i = 0; i < 25; ++i)
    values += std::to_string(-60 + i % 10) + "\n";
  write("v0.csv", values);
  Parsed p = parseFile(j);
  ASSERT_TRUE(p.model) << p.text();
  const ast::ValueSpec &spec = p.model->populations[1].initial.at("v");
  EXPECT_EQ(spec.kind, ast::ValueSpec::Kind::File);
  EXPECT_EQ(spec.file, (dir / "v0.csv").lexically_normal().string());

  write("v0.csv", "v\n1\n2\n");
  EXPECT_MODEL_ERROR(parseFile(j), "has 2 values for the initial values of 'v' "
                                   "in population 'inh', but 25 (one per "
                                   "neuron) are needed");
  write("v0.csv", "a,b\n1,2\n");
  EXPECT_MODEL_ERROR(parseFile(j), "the initial values of 'v' in population "
                                   "'inh': ");
  EXPECT_MODEL_ERROR(parseFile(j), "v0.csv has 2 columns; choose one with "
                                   "\"column\" (columns: \"a\", \"b\")");
  j["populations"]["inh"]["initial"]["v"]["column"] = "c";
  EXPECT_MODEL_ERROR(parseFile(j), "has no column \"c\"");
  write("v0.csv", "a,b\n1,2\n1,x\n");
  EXPECT_MODEL_ERROR(parseFile(j), "v0.csv:3: column 2: 'x' is not a number");
}

TEST_F(DataFiles, PoissonRatesFromAFile) {
  ojson j = baseModel();
  j["sources"]["noise"]["rate"] = {{"file", "rates.csv"}, {"column", 0}};
  std::string rates;
  for (int i = 0; i < 50; ++i)
    rates += std::to_string(i) + "\n";
  write("rates.csv", rates);
  EXPECT_MODEL_OK(parseFile(j));
  write("rates.csv", "-1\n" + rates.substr(2));
  EXPECT_MODEL_ERROR(parseFile(j), "rates.csv:1: value -1 of the rates of "
                                   "source 'noise' is negative");
}

TEST_F(DataFiles, SpikeArrays) {
  ojson j = baseModel();
  j["sources"]["stim"] = {
      {"type", "spike_array"}, {"size", 3}, {"file", "stim.csv"}};
  write("stim.csv", "neuron,time\n0,1.5\n2,3\n");
  Parsed p = parseFile(j);
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_EQ(p.model->sources[1].file,
            (dir / "stim.csv").lexically_normal().string());
  write("stim.csv", "neuron,time\n0,1.5\n3,3\n");
  EXPECT_MODEL_ERROR(parseFile(j), "stim.csv:3: neuron of source 'stim' 3 is "
                                   "out of range [0, 3)");
  write("stim.csv", "0,1.5\n1,-3\n");
  EXPECT_MODEL_ERROR(parseFile(j), "stim.csv:2: spike time -3 ms must be >= 0");
  write("stim.csv", "0\n1\n");
  EXPECT_MODEL_ERROR(parseFile(j), "a spike array needs 2 columns");
}

TEST_F(DataFiles, SynapseLists) {
  ojson j = baseModel();
  j["projections"]["ee"]["connectivity"] = {{"type", "list"},
                                            {"file", "syn.csv"}};
  j["projections"]["ee"]["weight"] = "from_list";
  j["projections"]["ee"]["delay"] = "from_list";
  write("syn.csv", "pre,post,weight,delay\n0,1,0.5,1\n99,0,0.25,2\n");
  EXPECT_MODEL_OK(parseFile(j));
  write("syn.csv", "0,1,0.5,1\n99,0,0.25,2\n"); // positional columns
  EXPECT_MODEL_OK(parseFile(j));
  write("syn.csv", "pre,post,weight\n0,1,0.5\n");
  EXPECT_MODEL_ERROR(parseFile(j), "the delay of projection 'ee' is "
                                   "'from_list', but");
  write("syn.csv", "pre,post,weight,delay\n0,100,0.5,1\n");
  EXPECT_MODEL_ERROR(parseFile(j), "syn.csv:2: post index of projection 'ee' "
                                   "100 is out of range [0, 100)");
  write("syn.csv", "pre,post,weight,delay\n0.5,1,0.5,1\n");
  EXPECT_MODEL_ERROR(parseFile(j), "pre index of projection 'ee' 0.5 is not an "
                                   "integer index");
  write("syn.csv", "pre,post,weight,delay\n0,1,0.5,-1\n");
  EXPECT_MODEL_ERROR(parseFile(j), "delay of projection 'ee' -1 must be a "
                                   "finite number >= 0");
  write("syn.csv", "pre,x\n0,1\n");
  EXPECT_MODEL_ERROR(parseFile(j), "syn.csv: the header (\"pre\", \"x\") does "
                                   "not name both a \"pre\" (or \"i\") and a "
                                   "\"post\" (or \"j\") column; name them, or "
                                   "remove the header");
  // A header of other names is not read by position either.
  write("syn.csv", "a,b,c\n0,1,0.5\n");
  EXPECT_MODEL_ERROR(parseFile(j), "syn.csv: the header (\"a\", \"b\", \"c\") "
                                   "does not name both");
  // Nor one that names a column twice.
  write("syn.csv", "pre,post,pre\n0,1,2\n");
  EXPECT_MODEL_ERROR(parseFile(j), "syn.csv:1: the header names column "
                                   "\"pre\" twice (columns 1 and 3)");
  j["projections"]["ee"]["weight"] = {{"from_list", "w"}};
  j["projections"]["ee"]["delay"] = "1 ms";
  write("syn.csv", "pre,post,w\n0,1,0.5\n");
  EXPECT_MODEL_OK(parseFile(j));
}

TEST_F(DataFiles, AbsolutePathsAreKept) {
  ojson j = baseModel();
  std::string values;
  for (int i = 0; i < 25; ++i)
    values += "1\n";
  write("v0.csv", values);
  j["populations"]["inh"]["initial"] = {
      {"v", {{"file", (dir / "v0.csv").string()}}}};
  Parsed p = parseJson(j, "/somewhere/else/model.json");
  ASSERT_TRUE(p.model) << p.text();
  EXPECT_EQ(p.model->populations[1].initial.at("v").file,
            (dir / "v0.csv").string());
}

} // namespace
