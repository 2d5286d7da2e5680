//===- ReferenceConnectivity.h - The connectivity rules, for tests -*- C++ -*-//
//
// The random rules of docs/runtime-abi.md ("projections") on the host,
// drawn with Philox, purpose 4 (connectivity), entity = projection index,
// c0 = row, (c1, c2) = the draw index within the row, so results do not
// depend on the number of threads: the tests' oracle for the generated build
// kernels (simulators draw with those kernels only).
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_TEST_REFERENCECONNECTIVITY_H
#define SNNRT_TEST_REFERENCECONNECTIVITY_H

#include "snnrt/connectivity.h"

#include <cstdint>
#include <string>

namespace snnrt {

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

} // namespace snnrt

#endif // SNNRT_TEST_REFERENCECONNECTIVITY_H
