//===- connectivity.h - Building synapses in CSR form ------------*- C++
//-*-===//
//
// CSR by presynaptic neuron: row_ptr[pre size + 1], col[synapses] holding
// postsynaptic indices; ascending within a row except for list connectivity,
// which keeps the file's order. Random builders draw with Philox, purpose 4
// (connectivity), entity = projection index, c0 = row, (c1, c2) = the draw
// index within the row (low, high 32 bits), so results do not depend on the
// number of threads.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_CONNECTIVITY_H
#define SNNRT_CONNECTIVITY_H

#include "snnrt/io.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnrt {

struct Csr {
  std::vector<int64_t> rowPtr; ///< pre size + 1 entries
  std::vector<int32_t> col;    ///< postsynaptic index of each synapse
  /// list connectivity only: the table row each synapse came from.
  std::vector<int64_t> source;

  int64_t rows() const {
    return rowPtr.empty() ? 0 : int64_t(rowPtr.size()) - 1;
  }
  int64_t synapses() const { return int64_t(col.size()); }
};

/// Every pre to every post; `excludeSelf` drops i -> i (for a projection of a
/// population onto itself with allow_self false).
Csr buildAllToAll(int64_t npre, int64_t npost, bool excludeSelf);
/// The number of synapses buildAllToAll makes.
int64_t countAllToAll(int64_t npre, int64_t npost, bool excludeSelf);

/// i -> i.
Csr buildOneToOne(int64_t n);

/// Each (pre, post) pair independently with probability p. Per row (pre i)
/// the candidates (posts, without i when excluding self) are visited by
/// geometric skipping: draw k of row i is u = uniform01(seed, 4, projection,
/// i, k, 0) and skips floor(log(1 - u) / log(1 - p)) candidates, so the cost
/// is O(synapses + rows).
Csr buildFixedProbability(int64_t npre, int64_t npost, double p,
                          bool excludeSelf, uint64_t seed, uint32_t projection);

/// The number of synapses buildFixedProbability makes, without storing them
/// (procedural projections: the simulation draws the rows again).
int64_t countFixedProbability(int64_t npre, int64_t npost, double p,
                              bool excludeSelf, uint64_t seed,
                              uint32_t projection);

/// Each post j gets exactly `indegree` distinct presynaptic neurons (Floyd's
/// sampling without replacement over the candidates, row = j; draw k picks
/// t = floor(u * (m + 1)) for the k-th value m of Floyd's loop), then the
/// result is transposed to CSR by pre. Fails if indegree exceeds the number
/// of candidates.
bool buildFixedIndegree(int64_t npre, int64_t npost, int64_t indegree,
                        bool excludeSelf, uint64_t seed, uint32_t projection,
                        Csr &out, std::string &error);

/// Exactly `total` synapses, each an independent draw of a (pre, post) pair
/// uniform over all pairs (without i -> i when excluding self), so a pair may
/// be drawn more than once (multapses). Synapse draw s (s in [0, total)) is
/// one Philox output x at (purpose 4, projection, c0 = 0, c1 = s low 32 bits,
/// c2 = s high 32): pre = floor(((x0 << 32) | x1) * npre / 2^64), post =
/// floor(((x2 << 32) | x3) * m / 2^64) with m = npost (m = npost - 1 and
/// post >= pre shifted up by one when excluding self). The pairs are then
/// counting-sorted by pre into CSR rows, each row ascending by post, so the
/// result depends only on the seed, never on the threads. Fails for a
/// negative total, or a positive one with no pair to draw from.
bool buildFixedTotalNumber(int64_t npre, int64_t npost, int64_t total,
                           bool excludeSelf, uint64_t seed,
                           uint32_t projection, Csr &out, std::string &error);

/// The (pre, post) pair of synapse draw `s` of buildFixedTotalNumber (before
/// the sort into rows), for tests.
void fixedTotalNumberPair(int64_t npre, int64_t npost, bool excludeSelf,
                          uint64_t seed, uint32_t projection, uint64_t s,
                          int64_t &pre, int64_t &post);

// ListColumns, findListColumns and findListValueColumn: snnrt/io.h (the
// compiler checks data files with the same rules).

/// Builds CSR from a synapse list: synapses are grouped by pre (stable, so
/// each row keeps the file's order); `source` maps each synapse to its table
/// row. Indices must be integers in range; errors name the offending row.
bool buildFromList(const Table &table, const std::string &path, int64_t npre,
                   int64_t npost, Csr &out, std::string &error);

/// round(delayMs / dt), half away from zero. False for a negative or
/// non-finite delay or one that does not fit in int32 steps.
bool delayToSteps(double delayMs, double dt, int32_t &steps);

} // namespace snnrt

#endif // SNNRT_CONNECTIVITY_H
