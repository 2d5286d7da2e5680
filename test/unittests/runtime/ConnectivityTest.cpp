//===- ConnectivityTest.cpp - CSR builders, delays
//-------------------------===//

#include "ReferenceConnectivity.h"
#include "snnrt/io.h"

#include "TestUtil.h"

#include <cmath>
#include <cstdlib>
#include <set>

using namespace snnrt;
using namespace snnrt_test;

namespace {

/// Checks CSR invariants: monotone row_ptr, in-range columns, ascending
/// within each row (strictly: no duplicates).
void expectWellFormed(const Csr &c, int64_t npre, int64_t npost,
                      bool ascending = true) {
  ASSERT_EQ(c.rows(), npre);
  ASSERT_EQ(c.rowPtr.front(), 0);
  ASSERT_EQ(c.rowPtr.back(), c.synapses());
  for (int64_t i = 0; i < npre; ++i) {
    ASSERT_LE(c.rowPtr[i], c.rowPtr[i + 1]);
    for (int64_t s = c.rowPtr[i]; s < c.rowPtr[i + 1]; ++s) {
      ASSERT_GE(c.col[s], 0);
      ASSERT_LT(c.col[s], npost);
      if (ascending && s > c.rowPtr[i])
        ASSERT_LT(c.col[s - 1], c.col[s]) << "row " << i;
    }
  }
}

int64_t countSelf(const Csr &c) {
  int64_t n = 0;
  for (int64_t i = 0; i < c.rows(); ++i)
    for (int64_t s = c.rowPtr[i]; s < c.rowPtr[i + 1]; ++s)
      n += c.col[s] == i;
  return n;
}

} // namespace

TEST(Connectivity, AllToAll) {
  Csr c = buildAllToAll(3, 4, false);
  expectWellFormed(c, 3, 4);
  EXPECT_EQ(c.synapses(), 12);
  EXPECT_EQ(countSelf(c), 3);
  EXPECT_EQ(c.rowPtr, (std::vector<int64_t>{0, 4, 8, 12}));

  Csr n = buildAllToAll(4, 4, true);
  expectWellFormed(n, 4, 4);
  EXPECT_EQ(n.synapses(), 12);
  EXPECT_EQ(countSelf(n), 0);
  EXPECT_EQ(std::vector<int32_t>(n.col.begin(), n.col.begin() + 3),
            (std::vector<int32_t>{1, 2, 3}));

  // Excluding self with more pre than post: rows beyond npost are full.
  Csr m = buildAllToAll(3, 2, true);
  expectWellFormed(m, 3, 2);
  EXPECT_EQ(m.rowPtr, (std::vector<int64_t>{0, 1, 2, 4}));
}

TEST(Connectivity, OneToOne) {
  Csr c = buildOneToOne(5);
  expectWellFormed(c, 5, 5);
  EXPECT_EQ(c.synapses(), 5);
  EXPECT_EQ(countSelf(c), 5);
}

TEST(Connectivity, FixedProbabilityCountWithinBounds) {
  const int64_t npre = 1000, npost = 800;
  const double p = 0.05;
  Csr c = buildFixedProbability(npre, npost, p, false, 42, 0);
  expectWellFormed(c, npre, npost);
  double mean = double(npre) * npost * p;
  double sd = std::sqrt(double(npre) * npost * p * (1 - p));
  EXPECT_NEAR(double(c.synapses()), mean, 5 * sd);
  // Every post index is reachable (no bias to the start of a row).
  std::vector<int> perPost(npost, 0);
  for (int32_t j : c.col)
    ++perPost[j];
  double mPost = npre * p, sPost = std::sqrt(npre * p * (1 - p));
  int outliers = 0;
  for (int v : perPost)
    outliers += std::fabs(v - mPost) > 4.5 * sPost;
  EXPECT_LE(outliers, 1);
  // First and last half of the candidates get the same share.
  int64_t low = 0;
  for (int32_t j : c.col)
    low += j < npost / 2;
  EXPECT_NEAR(double(low) / c.synapses(), 0.5, 0.02);
}

TEST(Connectivity, FixedProbabilityNoSelfAndDeterministic) {
  const int64_t n = 300;
  Csr a = buildFixedProbability(n, n, 0.3, true, 7, 2);
  expectWellFormed(a, n, n);
  EXPECT_EQ(countSelf(a), 0);
  double mean = double(n) * (n - 1) * 0.3;
  EXPECT_NEAR(double(a.synapses()), mean, 5 * std::sqrt(mean * 0.7));
  Csr b = buildFixedProbability(n, n, 0.3, true, 7, 2);
  EXPECT_EQ(a.col, b.col);
  EXPECT_EQ(a.rowPtr, b.rowPtr);
  Csr other = buildFixedProbability(n, n, 0.3, true, 8, 2);
  EXPECT_NE(a.col, other.col);
  Csr otherProj = buildFixedProbability(n, n, 0.3, true, 7, 3);
  EXPECT_NE(a.col, otherProj.col);
  // Allowing self connections does produce some.
  Csr s = buildFixedProbability(n, n, 0.3, false, 7, 2);
  EXPECT_GT(countSelf(s), 0);
}

TEST(Connectivity, FixedProbabilityIndependentOfThreads) {
  const char *old = std::getenv("SNNRT_THREADS");
  std::string saved = old ? old : "";
  ::setenv("SNNRT_THREADS", "1", 1);
  Csr one = buildFixedProbability(500, 400, 0.1, true, 3, 1);
  Csr ione;
  std::string err;
  ASSERT_TRUE(buildFixedIndegree(300, 200, 30, true, 3, 1, ione, err));
  ::setenv("SNNRT_THREADS", "7", 1);
  Csr seven = buildFixedProbability(500, 400, 0.1, true, 3, 1);
  Csr iseven;
  ASSERT_TRUE(buildFixedIndegree(300, 200, 30, true, 3, 1, iseven, err));
  if (old)
    ::setenv("SNNRT_THREADS", saved.c_str(), 1);
  else
    ::unsetenv("SNNRT_THREADS");
  EXPECT_EQ(ione.col, iseven.col);
  EXPECT_EQ(ione.rowPtr, iseven.rowPtr);
  EXPECT_EQ(one.rowPtr, seven.rowPtr);
  EXPECT_EQ(one.col, seven.col);
}

TEST(Connectivity, FixedProbabilityEdges) {
  EXPECT_EQ(buildFixedProbability(10, 10, 0.0, false, 1, 0).synapses(), 0);
  Csr full = buildFixedProbability(10, 10, 1.0, true, 1, 0);
  EXPECT_EQ(full.synapses(), 90);
  EXPECT_EQ(countSelf(full), 0);
  Csr tiny = buildFixedProbability(100, 100, 1e-9, false, 1, 0);
  expectWellFormed(tiny, 100, 100);
  EXPECT_EQ(buildFixedProbability(0, 10, 0.5, false, 1, 0).rowPtr.size(), 1u);
}

TEST(Connectivity, FixedIndegreeExactAndDistinct) {
  const int64_t npre = 50, npost = 40, k = 10;
  for (bool excludeSelf : {false, true}) {
    Csr c;
    std::string err;
    ASSERT_TRUE(buildFixedIndegree(npre, npost, k, excludeSelf, 11, 4, c, err))
        << err;
    expectWellFormed(c, npre, npost); // ascending rows -> no duplicate pairs
    EXPECT_EQ(c.synapses(), npost * k);
    std::vector<std::set<int64_t>> in(npost);
    for (int64_t i = 0; i < npre; ++i)
      for (int64_t s = c.rowPtr[i]; s < c.rowPtr[i + 1]; ++s)
        EXPECT_TRUE(in[c.col[s]].insert(i).second) << "duplicate";
    for (int64_t j = 0; j < npost; ++j)
      EXPECT_EQ(int64_t(in[j].size()), k) << "post " << j;
    if (excludeSelf)
      EXPECT_EQ(countSelf(c), 0);
  }
}

TEST(Connectivity, FixedIndegreeAllCandidatesAndUniformity) {
  Csr c;
  std::string err;
  // k equal to the number of candidates: everything but self.
  ASSERT_TRUE(buildFixedIndegree(6, 6, 5, true, 1, 0, c, err)) << err;
  EXPECT_EQ(c.synapses(), 30);
  EXPECT_EQ(countSelf(c), 0);
  EXPECT_FALSE(buildFixedIndegree(6, 6, 6, true, 1, 0, c, err));
  EXPECT_NE(err.find("exceeds the 5 possible"), std::string::npos) << err;
  // Each pre is chosen about equally often.
  ASSERT_TRUE(buildFixedIndegree(20, 5000, 3, false, 9, 0, c, err)) << err;
  for (int64_t i = 0; i < 20; ++i) {
    double n = double(c.rowPtr[i + 1] - c.rowPtr[i]);
    double mean = 5000 * 3 / 20.0;
    EXPECT_NEAR(n, mean, 5 * std::sqrt(mean)) << "pre " << i;
  }
}

namespace {

Csr totalNumber(int64_t npre, int64_t npost, int64_t n, bool excludeSelf,
                uint64_t seed = 5, uint32_t projection = 2) {
  Csr c;
  std::string err;
  EXPECT_TRUE(buildFixedTotalNumber(npre, npost, n, excludeSelf, seed,
                                    projection, c, err))
      << err;
  return c;
}

/// How often each (pre, post) pair occurs: counts[pre * npost + post].
std::vector<int64_t> pairCounts(const Csr &c, int64_t npost) {
  std::vector<int64_t> counts(size_t(c.rows() * npost), 0);
  for (int64_t i = 0; i < c.rows(); ++i)
    for (int64_t s = c.rowPtr[i]; s < c.rowPtr[i + 1]; ++s)
      ++counts[size_t(i * npost + c.col[s])];
  return counts;
}

} // namespace

TEST(Connectivity, FixedTotalNumberExactCountAndTheDrawnPairs) {
  const int64_t npre = 37, npost = 23, n = 5000;
  Csr c = totalNumber(npre, npost, n, false);
  // Rows may repeat a post (multapses): ascending, not strictly.
  expectWellFormed(c, npre, npost, false);
  for (int64_t i = 0; i < npre; ++i)
    for (int64_t s = c.rowPtr[i] + 1; s < c.rowPtr[i + 1]; ++s)
      ASSERT_LE(c.col[s - 1], c.col[s]) << "row " << i;
  ASSERT_EQ(c.synapses(), n);
  EXPECT_EQ(c.rowPtr.back(), n);
  // The rows hold exactly the pairs of draws 0 .. n-1 (docs/runtime-abi.md).
  std::vector<int64_t> expected(size_t(npre * npost), 0);
  for (int64_t s = 0; s < n; ++s) {
    int64_t pre, post;
    fixedTotalNumberPair(npre, npost, false, 5, 2, uint64_t(s), pre, post);
    ASSERT_GE(pre, 0);
    ASSERT_LT(pre, npre);
    ASSERT_GE(post, 0);
    ASSERT_LT(post, npost);
    ++expected[size_t(pre * npost + post)];
  }
  EXPECT_EQ(pairCounts(c, npost), expected);
}

TEST(Connectivity, FixedTotalNumberMultapsesWhenManyDrawsPerPair) {
  // 1000 draws over 100 pairs: every pair is drawn, most of them repeatedly.
  Csr c = totalNumber(10, 10, 1000, false);
  ASSERT_EQ(c.synapses(), 1000);
  std::vector<int64_t> counts = pairCounts(c, 10);
  int64_t repeated = 0, missing = 0;
  for (int64_t k : counts) {
    repeated += k > 1;
    missing += k == 0;
  }
  EXPECT_GT(repeated, 90);
  EXPECT_EQ(missing, 0);
  // Self-connections are allowed by default: the diagonal is drawn too.
  EXPECT_GT(countSelf(c), 0);
}

TEST(Connectivity, FixedTotalNumberWithoutSelf) {
  const int64_t n = 30;
  Csr c = totalNumber(n, n, 87000, true, 8, 0);
  expectWellFormed(c, n, n, false);
  ASSERT_EQ(c.synapses(), 87000);
  EXPECT_EQ(countSelf(c), 0);
  // The other 870 pairs share the draws evenly (100 each on average).
  std::vector<int64_t> counts = pairCounts(c, n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      if (i != j)
        EXPECT_NEAR(double(counts[size_t(i * n + j)]), 100.0, 60.0)
            << "pair " << i << " -> " << j;
  // Two neurons without self-connections: only 0 -> 1 and 1 -> 0.
  Csr two = totalNumber(2, 2, 50, true);
  EXPECT_EQ(countSelf(two), 0);
  EXPECT_EQ(two.synapses(), 50);
}

TEST(Connectivity, FixedTotalNumberUniformOverPairs) {
  // 600 pairs, 1000 draws each on average: Pearson's chi-square over the
  // pairs has 599 degrees of freedom (mean 599, sd 34.6); a biased pair
  // distribution (a pre or post favoured by even 1 %) pushes it far above.
  const int64_t npre = 20, npost = 30, n = 600000;
  Csr c = totalNumber(npre, npost, n, false, 12, 3);
  std::vector<int64_t> counts = pairCounts(c, npost);
  const double mean = double(n) / double(npre * npost);
  double chi2 = 0;
  for (int64_t k : counts)
    chi2 += (double(k) - mean) * (double(k) - mean) / mean;
  EXPECT_GT(chi2, 599 - 6 * 34.6);
  EXPECT_LT(chi2, 599 + 6 * 34.6);
  // Marginals: rows (pre) and columns (post).
  std::vector<int64_t> in(npost, 0);
  for (int32_t j : c.col)
    ++in[size_t(j)];
  for (int64_t i = 0; i < npre; ++i) {
    double row = double(c.rowPtr[i + 1] - c.rowPtr[i]), m = double(n) / npre;
    EXPECT_NEAR(row, m, 5 * std::sqrt(m)) << "pre " << i;
  }
  for (int64_t j = 0; j < npost; ++j) {
    double m = double(n) / npost;
    EXPECT_NEAR(double(in[j]), m, 5 * std::sqrt(m)) << "post " << j;
  }
}

TEST(Connectivity, FixedTotalNumberDeterministic) {
  Csr a = totalNumber(300, 200, 20000, false, 42, 1);
  Csr b = totalNumber(300, 200, 20000, false, 42, 1);
  EXPECT_EQ(a.rowPtr, b.rowPtr);
  EXPECT_EQ(a.col, b.col);
  // Another seed, or another projection, draws other synapses.
  Csr otherSeed = totalNumber(300, 200, 20000, false, 43, 1);
  Csr otherProjection = totalNumber(300, 200, 20000, false, 42, 2);
  EXPECT_NE(a.col, otherSeed.col);
  EXPECT_NE(a.col, otherProjection.col);
  // Fewer synapses: the first draws of the same stream.
  Csr fewer = totalNumber(300, 200, 10, false, 42, 1);
  std::vector<int64_t> expected(size_t(300 * 200), 0);
  for (uint64_t s = 0; s < 10; ++s) {
    int64_t pre, post;
    fixedTotalNumberPair(300, 200, false, 42, 1, s, pre, post);
    ++expected[size_t(pre * 200 + post)];
  }
  EXPECT_EQ(pairCounts(fewer, 200), expected);
}

TEST(Connectivity, FixedTotalNumberIndependentOfThreads) {
  const char *old = std::getenv("SNNRT_THREADS");
  std::string saved = old ? old : "";
  ::setenv("SNNRT_THREADS", "1", 1);
  // More than one chunk of draws (65536) per thread.
  Csr one = totalNumber(800, 800, 400000, true, 3, 1);
  ::setenv("SNNRT_THREADS", "7", 1);
  Csr seven = totalNumber(800, 800, 400000, true, 3, 1);
  if (old)
    ::setenv("SNNRT_THREADS", saved.c_str(), 1);
  else
    ::unsetenv("SNNRT_THREADS");
  EXPECT_EQ(one.rowPtr, seven.rowPtr);
  EXPECT_EQ(one.col, seven.col);
}

TEST(Connectivity, FixedTotalNumberEdges) {
  Csr c;
  std::string err;
  // None: empty rows, also between populations with no pair at all.
  ASSERT_TRUE(buildFixedTotalNumber(10, 10, 0, false, 1, 0, c, err)) << err;
  EXPECT_EQ(c.synapses(), 0);
  EXPECT_EQ(c.rowPtr, std::vector<int64_t>(11, 0));
  ASSERT_TRUE(buildFixedTotalNumber(1, 1, 0, true, 1, 0, c, err)) << err;
  EXPECT_EQ(c.rowPtr, std::vector<int64_t>(2, 0));
  // One pair: every synapse is a multapse of it.
  ASSERT_TRUE(buildFixedTotalNumber(1, 1, 7, false, 1, 0, c, err)) << err;
  EXPECT_EQ(c.col, std::vector<int32_t>(7, 0));
  EXPECT_EQ(c.rowPtr, (std::vector<int64_t>{0, 7}));
  // Errors: negative, and synapses without a pair to draw them from.
  EXPECT_FALSE(buildFixedTotalNumber(10, 10, -1, false, 1, 0, c, err));
  EXPECT_EQ(err, "negative total number of synapses");
  EXPECT_FALSE(buildFixedTotalNumber(1, 1, 3, true, 1, 0, c, err));
  EXPECT_EQ(err, "cannot draw 3 synapses: there is no (pre, post) pair to "
                 "connect (1 pre and 1 post neurons, self-connections "
                 "excluded)");
  EXPECT_FALSE(buildFixedTotalNumber(0, 10, 3, false, 1, 0, c, err));
  EXPECT_NE(err.find("no (pre, post) pair"), std::string::npos) << err;
  EXPECT_FALSE(buildFixedTotalNumber(10, 0, 3, false, 1, 0, c, err));
  EXPECT_NE(err.find("no (pre, post) pair"), std::string::npos) << err;
}

TEST(Connectivity, ListKeepsFileOrderWithinRows) {
  TempDir dir;
  writeText(dir / "l.csv", "pre,post,weight\n"
                           "2,1,0.1\n"
                           "0,3,0.2\n"
                           "2,0,0.3\n"
                           "0,3,0.4\n"
                           "1,2,0.5\n");
  Table t;
  std::string err;
  ASSERT_TRUE(readTable(dir / "l.csv", t, err)) << err;
  Csr c;
  ASSERT_TRUE(buildFromList(t, dir / "l.csv", 3, 4, c, err)) << err;
  EXPECT_EQ(c.rowPtr, (std::vector<int64_t>{0, 2, 3, 5}));
  EXPECT_EQ(c.col, (std::vector<int32_t>{3, 3, 2, 1, 0}));
  EXPECT_EQ(c.source, (std::vector<int64_t>{1, 3, 4, 0, 2}));
  ListColumns cols;
  ASSERT_TRUE(findListColumns(t, "l.csv", cols, err));
  EXPECT_EQ(findListValueColumn(t, cols, "weight"), 2);
  EXPECT_EQ(findListValueColumn(t, cols, "delay"), -1);
}

TEST(Connectivity, ListByNameAndByPosition) {
  TempDir dir;
  // Named columns in another order.
  writeText(dir / "n.csv", "delay,post,pre\n1.0,0,1\n2.0,1,0\n");
  Table t;
  std::string err;
  ASSERT_TRUE(readTable(dir / "n.csv", t, err)) << err;
  ListColumns cols;
  ASSERT_TRUE(findListColumns(t, "n.csv", cols, err)) << err;
  EXPECT_EQ(cols.pre, 2);
  EXPECT_EQ(cols.post, 1);
  EXPECT_EQ(cols.delay, 0);
  EXPECT_EQ(cols.weight, -1);
  Csr c;
  ASSERT_TRUE(buildFromList(t, "n.csv", 2, 2, c, err)) << err;
  EXPECT_EQ(c.col, (std::vector<int32_t>{1, 0}));
  // No header: by position.
  writeText(dir / "p.csv", "0,1,0.5,1.5\n1,0,0.25,2\n");
  ASSERT_TRUE(readTable(dir / "p.csv", t, err)) << err;
  ASSERT_TRUE(findListColumns(t, "p.csv", cols, err)) << err;
  EXPECT_EQ(findListValueColumn(t, cols, "weight"), 2);
  EXPECT_EQ(findListValueColumn(t, cols, "delay"), 3);
}

TEST(Connectivity, ListRangeErrorsNameTheRow) {
  TempDir dir;
  std::string path = dir / "bad.csv";
  writeText(path, "pre,post\n0,1\n# comment\n1,5\n");
  Table t;
  std::string err;
  ASSERT_TRUE(readTable(path, t, err)) << err;
  Csr c;
  EXPECT_FALSE(buildFromList(t, path, 2, 3, c, err));
  EXPECT_EQ(err, path + ":4: post index 5 is out of range [0, 3)");
  writeText(path, "0,1\n-1,0\n");
  ASSERT_TRUE(readTable(path, t, err)) << err;
  EXPECT_FALSE(buildFromList(t, path, 2, 3, c, err));
  EXPECT_EQ(err, path + ":2: pre index -1 is out of range [0, 2)");
  writeText(path, "0,1.5\n");
  ASSERT_TRUE(readTable(path, t, err)) << err;
  EXPECT_FALSE(buildFromList(t, path, 2, 3, c, err));
  EXPECT_EQ(err, path + ":1: post index 1.5 is not an integer");
  writeText(path, "0\n");
  ASSERT_TRUE(readTable(path, t, err)) << err;
  EXPECT_FALSE(buildFromList(t, path, 2, 3, c, err));
  EXPECT_NE(err.find("at least 2 columns"), std::string::npos) << err;
}

TEST(Connectivity, DelayRounding) {
  int32_t s = -7;
  ASSERT_TRUE(delayToSteps(1.5, 0.1, s));
  EXPECT_EQ(s, 15);
  ASSERT_TRUE(delayToSteps(0.25, 0.1, s)); // 2.5 steps: half away from zero
  EXPECT_EQ(s, 3);
  ASSERT_TRUE(delayToSteps(0.35, 0.1, s)); // 3.4999999999999996 -> 3
  EXPECT_EQ(s, 3);
  ASSERT_TRUE(delayToSteps(0.04, 0.1, s));
  EXPECT_EQ(s, 0);
  ASSERT_TRUE(delayToSteps(0.0, 0.1, s));
  EXPECT_EQ(s, 0);
  EXPECT_FALSE(delayToSteps(-0.1, 0.1, s));
  EXPECT_FALSE(delayToSteps(NAN, 0.1, s));
  EXPECT_FALSE(delayToSteps(1e12, 0.1, s));
}
