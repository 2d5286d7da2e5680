//===- IOTest.cpp - readTable, NPY/CSV writers
//-----------------------------===//

#include "snnrt/io.h"

#include "ChildProcess.h"
#include "TestUtil.h"

#include <cmath>
#include <csignal>
#include <filesystem>

#include <sys/resource.h>
#include <zlib.h>

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

/// `text` gzip-compressed (one member).
static std::string gzipped(const std::string &text) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS,
                         8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&zs, uLong(text.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(text.data()));
  zs.avail_in = uInt(text.size());
  zs.next_out = reinterpret_cast<Bytef *>(out.data());
  zs.avail_out = uInt(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(ReadTable, GzipCsvAndNpy) {
  TempDir dir;
  const std::string csv = "pre,post,weight\n0,1,0.5\n2,3,-1.5e-3\n";
  writeText(dir / "s.csv", csv);
  writeText(dir / "s.csv.gz", gzipped(csv));
  // Two members (as `cat a.gz b.gz` makes): read as one file.
  writeText(dir / "two.CSV.GZ",
            gzipped("pre,post,weight\n0,1,0.5\n") + gzipped("2,3,-1.5e-3\n"));
  Table plain, gz, two;
  std::string err;
  ASSERT_TRUE(readTable(dir / "s.csv", plain, err)) << err;
  ASSERT_TRUE(readTable(dir / "s.csv.gz", gz, err)) << err;
  ASSERT_TRUE(readTable(dir / "two.CSV.GZ", two, err)) << err;
  for (const Table *t : {&gz, &two}) {
    EXPECT_EQ(t->columns, plain.columns);
    EXPECT_EQ(t->data, plain.data);
    EXPECT_EQ(t->lines, plain.lines); // lines of the decompressed text
  }
  // NPY inside gzip: read as NPY.
  std::vector<double> values = {1.5, -2.0, 3.25};
  std::string npy = encodeNpy(NpyType::F64, values.data(), {3});
  writeText(dir / "v.npy.gz", gzipped(npy));
  Table v;
  ASSERT_TRUE(readTable(dir / "v.npy.gz", v, err)) << err;
  ASSERT_EQ(v.data.size(), 1u);
  EXPECT_EQ(v.data[0], values);
}

TEST(ReadTable, OnlyRegularFiles) {
  TempDir dir;
  Table t;
  std::string err;
  EXPECT_FALSE(readTable("/dev/zero", t, err)); // would never end
  EXPECT_EQ(err, "/dev/zero: not a regular file");
  EXPECT_FALSE(readTable(dir / ".", t, err));
  EXPECT_NE(err.find(": not a regular file"), std::string::npos) << err;
}

TEST(ReadTable, GzipErrorsNameTheFile) {
  TempDir dir;
  Table t;
  std::string err;
  // Not gzip at all.
  writeText(dir / "plain.csv.gz", "0,1\n");
  EXPECT_FALSE(readTable(dir / "plain.csv.gz", t, err));
  EXPECT_NE(err.find("plain.csv.gz: not valid gzip data"), std::string::npos)
      << err;
  // Cut short.
  std::string whole = gzipped("0,1\n2,3\n4,5\n");
  writeText(dir / "cut.csv.gz", whole.substr(0, whole.size() / 2));
  EXPECT_FALSE(readTable(dir / "cut.csv.gz", t, err));
  EXPECT_NE(err.find("cut.csv.gz: not valid gzip data (the file ends early)"),
            std::string::npos)
      << err;
  // A damaged checksum.
  std::string bad = whole;
  bad[bad.size() - 6] ^= 0x55;
  writeText(dir / "crc.csv.gz", bad);
  EXPECT_FALSE(readTable(dir / "crc.csv.gz", t, err));
  EXPECT_NE(err.find("crc.csv.gz: not valid gzip data"), std::string::npos)
      << err;
  // CSV errors inside: the compressed file's name and the line.
  writeText(dir / "rows.csv.gz", gzipped("a,b\n1,2\n3\n"));
  EXPECT_FALSE(readTable(dir / "rows.csv.gz", t, err));
  EXPECT_NE(err.find("rows.csv.gz:3:"), std::string::npos) << err;
}

TEST(ReadTable, CommentHeaderAsNumpySavetxtWritesIt) {
  TempDir dir;
  Table t;
  std::string err;
  // numpy.savetxt(..., header="i,j,w,delay", delimiter=","): a comment.
  writeText(dir / "s.csv", "# i,j,w,delay\n0,1,0.001,0.0005\n2,3,0.002,0\n");
  ASSERT_TRUE(readTable(dir / "s.csv", t, err)) << err;
  EXPECT_TRUE(t.hasHeader);
  EXPECT_EQ(t.columns, (std::vector<std::string>{"i", "j", "w", "delay"}));
  EXPECT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.lines, (std::vector<size_t>{2, 3}));
  ListColumns cols;
  ASSERT_TRUE(findListColumns(t, "s.csv", cols, err)) << err;
  EXPECT_EQ(cols.pre, 0);
  EXPECT_EQ(cols.post, 1);
  EXPECT_EQ(cols.weight, 2);
  EXPECT_EQ(cols.delay, 3);
  // Units in brackets make a name; the last comment before the rows counts.
  writeText(dir / "u.csv",
            "# written by hand\n# neuron, v (mV)\n0,-60\n1,-61\n");
  ASSERT_TRUE(readTable(dir / "u.csv", t, err)) << err;
  EXPECT_EQ(t.columns, (std::vector<std::string>{"neuron", "v (mV)"}));
  // Not a header: free text, a count that differs, a real header after it,
  // rows that are not all numbers (a real header).
  for (const char *text :
       {"# written by x, on monday\n0,1\n", "# a,b,c\n0,1\n",
        "# a,b\npre,post\n0,1\n", "# a\n1\n2\n# b\n3\n"}) {
    writeText(dir / "n.csv", text);
    ASSERT_TRUE(readTable(dir / "n.csv", t, err)) << text << ": " << err;
    bool named = t.hasHeader && t.columns[0] != "pre";
    if (std::string(text).rfind("# a\n1", 0) == 0) {
      // A one-column table: "a" is a name and the rows are numbers.
      EXPECT_TRUE(t.hasHeader) << text;
      EXPECT_EQ(t.rows(), 3u) << text;
      continue;
    }
    EXPECT_FALSE(named) << text;
  }
}

TEST(ReadTable, IndexColumnPlacesRows) {
  Table t;
  std::string err;
  ASSERT_TRUE(parseCsv("neuron,v\n2,0.5\n0,1.5\n1,2.5\n", "x.csv", t, err));
  std::vector<int64_t> at;
  ASSERT_TRUE(indexRows(t, "x.csv", "neuron", 3, at, err)) << err;
  EXPECT_EQ(at, (std::vector<int64_t>{2, 0, 1}));
  int c;
  ASSERT_TRUE(selectColumn(t, "x.csv", "", c, err, "neuron")) << err;
  EXPECT_EQ(c, 1);
  EXPECT_FALSE(indexRows(t, "x.csv", "id", 3, at, err));
  EXPECT_NE(err.find("x.csv has no index column \"id\""), std::string::npos)
      << err;
  EXPECT_FALSE(indexRows(t, "x.csv", "neuron", 2, at, err)); // 2 >= n
  EXPECT_NE(err.find("x.csv:2: index 2 in column \"neuron\" is not a whole "
                     "number in [0, 2)"),
            std::string::npos)
      << err;
  ASSERT_TRUE(parseCsv("neuron,v\n1,0.5\n1,1.5\n", "d.csv", t, err));
  EXPECT_FALSE(indexRows(t, "d.csv", "neuron", 2, at, err));
  EXPECT_NE(err.find("d.csv:3: index 1 in column \"neuron\" appears again "
                     "(first at d.csv:2)"),
            std::string::npos)
      << err;
  ASSERT_TRUE(parseCsv("neuron,v\n1,0.5\n", "m.csv", t, err));
  EXPECT_FALSE(indexRows(t, "m.csv", "neuron", 2, at, err));
  EXPECT_NE(err.find("m.csv: no row for index 0"), std::string::npos) << err;
  ASSERT_TRUE(parseCsv("neuron,v\n0.5,0.5\n", "f.csv", t, err));
  EXPECT_FALSE(indexRows(t, "f.csv", "neuron", 2, at, err));
  EXPECT_NE(err.find("index 0.5"), std::string::npos) << err;
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
