//===- IOTest.cpp - readTable, NPY/CSV writers
//-----------------------------===//

#include "snnrt/io.h"

#include "ChildProcess.h"
#include "TestUtil.h"

#include <cmath>
#include <csignal>
#include <filesystem>

#include <sys/resource.h>

using namespace snnrt;
using namespace snnrt_test;

TEST(ReadTable, CsvWithHeaderAndComments) {
  TempDir dir;
  writeText(dir / "a.csv", "# synapses\n"
                           "pre, post ,weight\n"
                           "\n"
                           "0,1,0.5\n"
                           "# a comment in the middle\n"
                           "2,3,-1.5e-3\r\n"
                           "4,5,+7\n");
  Table t;
  std::string err;
  ASSERT_TRUE(readTable(dir / "a.csv", t, err)) << err;
  EXPECT_TRUE(t.hasHeader);
  ASSERT_EQ(t.columns, (std::vector<std::string>{"pre", "post", "weight"}));
  ASSERT_EQ(t.rows(), 3u);
  EXPECT_EQ(t.data[0], (std::vector<double>{0, 2, 4}));
  EXPECT_EQ(t.data[1], (std::vector<double>{1, 3, 5}));
  EXPECT_EQ(t.data[2], (std::vector<double>{0.5, -1.5e-3, 7}));
  EXPECT_EQ(t.findColumn("post"), 1);
  EXPECT_EQ(t.findColumn("delay"), -1);
  EXPECT_EQ(t.lines, (std::vector<size_t>{4, 6, 7}));
  EXPECT_EQ(t.rowLocation("a.csv", 1), "a.csv:6");
}

TEST(ReadTable, CsvWithoutHeader) {
  TempDir dir;
  writeText(dir / "b.csv", "1,2\n3,4");
  Table t;
  std::string err;
  ASSERT_TRUE(readTable(dir / "b.csv", t, err)) << err;
  EXPECT_FALSE(t.hasHeader);
  EXPECT_EQ(t.columns, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(t.data[0], (std::vector<double>{1, 3}));
  EXPECT_EQ(t.data[1], (std::vector<double>{2, 4}));
}

TEST(ReadTable, CsvHeaderOnlyAndEmpty) {
  TempDir dir;
  writeText(dir / "h.csv", "neuron,time\n");
  Table t;
  std::string err;
  ASSERT_TRUE(readTable(dir / "h.csv", t, err)) << err;
  EXPECT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.rows(), 0u);
  writeText(dir / "e.csv", "# nothing\n\n");
  ASSERT_TRUE(readTable(dir / "e.csv", t, err)) << err;
  EXPECT_EQ(t.rows(), 0u);
  EXPECT_TRUE(t.columns.empty());
}

TEST(ReadTable, CsvErrorsNameFileAndLine) {
  TempDir dir;
  std::string path = dir / "bad.csv";
  Table t;
  std::string err;
  writeText(path, "a,b,c\n1,2,3\n# c\n4,5\n");
  EXPECT_FALSE(readTable(path, t, err));
  EXPECT_EQ(err, path + ":4: expected 3 values, found 2");
  writeText(path, "1,2\n3,x\n");
  EXPECT_FALSE(readTable(path, t, err));
  EXPECT_EQ(err, path + ":2: column 2: 'x' is not a number");
  writeText(path, "1,2\n3,\n");
  EXPECT_FALSE(readTable(path, t, err));
  EXPECT_EQ(err, path + ":2: column 2 is empty");
  writeText(path, "1,2\n3,4,5\n");
  EXPECT_FALSE(readTable(path, t, err));
  EXPECT_EQ(err, path + ":2: expected 2 values, found 3");
  EXPECT_FALSE(readTable(dir / "missing.csv", t, err));
  EXPECT_NE(err.find("missing.csv: cannot open file"), std::string::npos)
      << err;
}

TEST(ReadTable, NpyRoundTripF64TwoD) {
  TempDir dir;
  std::vector<double> v = {1.5, -2, 3, 4.25, 5, 6};
  std::string err;
  ASSERT_TRUE(writeNpy(dir / "m.npy", v, {3, 2}, err)) << err;
  // The header block is 64-byte aligned, as numpy writes it.
  std::string bytes = readText(dir / "m.npy");
  EXPECT_EQ((bytes.size() - 6 * 8) % 64, 0u);
  EXPECT_NE(bytes.find("'shape': (3, 2)"), std::string::npos);
  Table t;
  ASSERT_TRUE(readTable(dir / "m.npy", t, err)) << err;
  ASSERT_EQ(t.columns, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(t.data[0], (std::vector<double>{1.5, 3, 5}));
  EXPECT_EQ(t.data[1], (std::vector<double>{-2, 4.25, 6}));
  EXPECT_TRUE(t.lines.empty());
}

TEST(ReadTable, NpyRoundTripI32OneD) {
  TempDir dir;
  std::vector<int32_t> v = {7, -1, 2147483647};
  std::string err;
  ASSERT_TRUE(writeNpy(dir / "i.npy", v, {3}, err)) << err;
  EXPECT_NE(readText(dir / "i.npy").find("'shape': (3,)"), std::string::npos);
  Table t;
  ASSERT_TRUE(readTable(dir / "i.npy", t, err)) << err;
  ASSERT_EQ(t.columns, (std::vector<std::string>{""}));
  EXPECT_EQ(t.data[0], (std::vector<double>{7, -1, 2147483647}));
}

TEST(ReadTable, NpyDtypes) {
  struct Case {
    std::string descr, data;
    std::vector<double> expected;
  };
  std::vector<Case> cases = {
      {"<f4", rawBytes<float>({0.5f, -2.0f}), {0.5, -2}},
      {"<i8", rawBytes<int64_t>({-5, 1ll << 40}), {-5, double(1ll << 40)}},
      {"<u4", rawBytes<uint32_t>({4000000000u, 1}), {4000000000.0, 1}},
      {"<u8", rawBytes<uint64_t>({3, 9}), {3, 9}},
      {"|u1", rawBytes<uint8_t>({255, 0}), {255, 0}},
      {"|b1", rawBytes<uint8_t>({1, 0}), {1, 0}},
  };
  TempDir dir;
  for (const Case &c : cases) {
    std::string path = dir / "d.npy";
    writeText(path, npyBytes("{'descr': '" + c.descr +
                                 "', 'fortran_order': False, 'shape': (2,), }",
                             c.data));
    Table t;
    std::string err;
    ASSERT_TRUE(readTable(path, t, err)) << c.descr << ": " << err;
    EXPECT_EQ(t.data[0], c.expected) << c.descr;
  }
}

TEST(ReadTable, NpyVersion2AndFortranOrder) {
  TempDir dir;
  std::string path = dir / "f.npy";
  // Fortran order: column-major data of [[1, 2], [3, 4], [5, 6]].
  writeText(path, npyBytes("{'descr': '<f8', 'fortran_order': True, "
                           "'shape': (3, 2), }",
                           rawBytes<double>({1, 3, 5, 2, 4, 6}), 2));
  Table t;
  std::string err;
  ASSERT_TRUE(readTable(path, t, err)) << err;
  EXPECT_EQ(t.data[0], (std::vector<double>{1, 3, 5}));
  EXPECT_EQ(t.data[1], (std::vector<double>{2, 4, 6}));
}

TEST(ReadTable, NpyErrors) {
  TempDir dir;
  std::string path = dir / "x.npy";
  Table t;
  std::string err;
  writeText(path, "not numpy at all");
  EXPECT_FALSE(readTable(path, t, err));
  EXPECT_EQ(err, path + ": not an NPY file (bad magic)");
  writeText(path, npyBytes("{'descr': '>f8', 'fortran_order': False, "
                           "'shape': (1,), }",
                           std::string(8, '\0')));
  EXPECT_FALSE(readTable(path, t, err));
  EXPECT_NE(err.find("unsupported NPY dtype '>f8'"), std::string::npos) << err;
  writeText(path, npyBytes("{'descr': '<c16', 'fortran_order': False, "
                           "'shape': (1,), }",
                           std::string(16, '\0')));
  EXPECT_FALSE(readTable(path, t, err));
  EXPECT_NE(err.find("unsupported NPY dtype '<c16'"), std::string::npos) << err;
  writeText(path, npyBytes("{'descr': '<f8', 'fortran_order': False, "
                           "'shape': (4,), }",
                           std::string(24, '\0')));
  EXPECT_FALSE(readTable(path, t, err));
  EXPECT_NE(err.find("truncated NPY data"), std::string::npos) << err;
  writeText(path, npyBytes("{'descr': '<f8', 'fortran_order': False, "
                           "'shape': (1, 1, 1), }",
                           std::string(8, '\0')));
  EXPECT_FALSE(readTable(path, t, err));
  EXPECT_NE(err.find("must be 1-d or 2-d"), std::string::npos) << err;
}

TEST(WriteCsv, RoundTripAndFormatting) {
  TempDir dir;
  std::string err;
  ASSERT_TRUE(writeCsv(dir / "o.csv", {"t_ms", "neuron"},
                       {{0.1, 1.5, 1e-7}, {3, 0, 12}}, err))
      << err;
  EXPECT_EQ(readText(dir / "o.csv"), "t_ms,neuron\n0.1,3\n1.5,0\n1e-07,12\n");
  Table t;
  ASSERT_TRUE(readTable(dir / "o.csv", t, err)) << err;
  EXPECT_EQ(t.columns, (std::vector<std::string>{"t_ms", "neuron"}));
  EXPECT_EQ(t.data[0], (std::vector<double>{0.1, 1.5, 1e-7}));
  EXPECT_EQ(formatNumber(0.30000000000000004), "0.30000000000000004");
  EXPECT_EQ(formatNumber(-2), "-2");
}

TEST(WriteFileAtomic, LeavesNoTemporaryAndReplaces) {
  TempDir dir;
  std::string err;
  ASSERT_TRUE(writeFileAtomic(dir / "f.txt", "one", err)) << err;
  ASSERT_TRUE(writeFileAtomic(dir / "f.txt", "two", err)) << err;
  EXPECT_EQ(readText(dir / "f.txt"), "two");
  int files = 0;
  for (auto &e : std::filesystem::directory_iterator(dir.str())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
  EXPECT_FALSE(writeFileAtomic(dir / "no/such/dir/f.txt", "x", err));
  EXPECT_NE(err.find("cannot create file"), std::string::npos) << err;
}

TEST(WriteNewFile, FlushesAndRefusesAnExistingFile) {
  TempDir dir;
  std::string err;
  ASSERT_TRUE(writeNewFile(dir / "f.bin", std::string(100000, 'x'), err))
      << err;
  EXPECT_EQ(readText(dir / "f.bin"), std::string(100000, 'x'));
  EXPECT_FALSE(writeNewFile(dir / "f.bin", "y", err, "out/f.bin"));
  EXPECT_EQ(err, "out/f.bin: cannot create file: File exists");
  EXPECT_EQ(readText(dir / "f.bin"), std::string(100000, 'x'));
}

TEST(WriteNewFile, AFileSizeLimitIsAnErrorAndLeavesNoFile) {
  // With SIGXFSZ ignored (the simulators ignore it), a write past the limit
  // fails with EFBIG: half a file must not stay, nor a temporary one.
  TempDir dir;
  ChildResult c = runInChild([&] {
    std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = {4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::string err1, err2;
    bool ok1 = writeNewFile(dir / "big.npy", std::string(10000, 'x'), err1,
                            "out/big.npy");
    bool ok2 =
        writeFileAtomic(dir / "atomic.npy", std::string(10000, 'x'), err2);
    std::fprintf(stderr, "%d %d\n%s\n%s\n", ok1, ok2, err1.c_str(),
                 err2.c_str());
    return 0;
  });
  ASSERT_TRUE(c.exited) << c.describe();
  EXPECT_EQ(c.stderrText, "0 0\nout/big.npy: write error: File too large\n" +
                              dir / "atomic.npy" +
                              ": write error: File too large\n");
  EXPECT_TRUE(std::filesystem::is_empty(dir.str()));
}
