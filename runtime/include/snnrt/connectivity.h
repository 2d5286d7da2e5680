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

/// i -> i.
Csr buildOneToOne(int64_t n);

/// Each (pre, post) pair independently with probability p. Per row (pre i)
/// the candidates (posts, without i when excluding self) are visited by
/// geometric skipping: draw k of row i is u = uniform01(seed, 4, projection,
/// i, k, 0) and skips floor(log(1 - u) / log(1 - p)) candidates, so the cost
/// is O(synapses + rows).
Csr buildFixedProbability(int64_t npre, int64_t npost, double p,
                          bool excludeSelf, uint64_t seed, uint32_t projection);

/// Each post j gets exactly `indegree` distinct presynaptic neurons (Floyd's
/// sampling without replacement over the candidates, row = j; draw k picks
/// t = floor(u * (m + 1)) for the k-th value m of Floyd's loop), then the
/// result is transposed to CSR by pre. Fails if indegree exceeds the number
/// of candidates.
bool buildFixedIndegree(int64_t npre, int64_t npost, int64_t indegree,
                        bool excludeSelf, uint64_t seed, uint32_t projection,
                        Csr &out, std::string &error);

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
