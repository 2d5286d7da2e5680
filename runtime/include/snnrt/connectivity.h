//===- connectivity.h - Building synapses in CSR form ------------*- C++
//-*-===//
//
// CSR by presynaptic neuron: row_ptr[pre size + 1], col[synapses] holding
// postsynaptic indices; ascending within a row except for list connectivity,
// which keeps the file's order. The runtime builds only list connectivity
// (from its file); every other rule is drawn by the model's build kernels.
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
