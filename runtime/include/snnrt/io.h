//===- io.h - Reading and writing CSV / NPY tables ---------------*- C++
//-*-===//
//
// Used by the runtime (data files, outputs) and by the compiler's frontend
// (to validate data files at compile time). Self-contained: depends on no
// other runtime header. Errors are returned, never thrown.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_IO_H
#define SNNRT_IO_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace snnrt {

/// A column-major table of numbers.
struct Table {
  /// Column names: the CSV header, or "" (1-d NPY), or "0", "1", ... (2-d
  /// NPY). A CSV without a header gets "0", "1", ... as well.
  std::vector<std::string> columns;
  /// data[c][r]: value of column c in row r.
  std::vector<std::vector<double>> data;
  /// CSV only: the 1-based line of each row in the file (for messages);
  /// empty for NPY.
  std::vector<size_t> lines;
  /// True when the CSV file had a header row.
  bool hasHeader = false;

  size_t rows() const { return data.empty() ? 0 : data[0].size(); }
  /// Index of the first column named `name`, or -1.
  int findColumn(const std::string &name) const;
  /// "path:LINE" for CSV rows, "path: row R" (0-based) otherwise.
  std::string rowLocation(const std::string &path, size_t row) const;
};

/// Reads a CSV file (comma separated; an optional header row, recognised by
/// not being all numbers; lines starting with '#' and blank lines ignored) or,
/// when the path ends in ".npy", an NPY file (little-endian <f8 <f4 <i4 <i8
/// <u4 <u8 |u1 |b1, 1-d -> one column "", 2-d -> columns "0", "1", ...).
/// On failure returns false and sets `error` (which names the path and, for
/// CSV, the line: "file.csv:12: expected 3 values, found 2").
bool readTable(const std::string &path, Table &out, std::string &error);

/// The column of a per-neuron value: the one named `column`; with no name,
/// the only column; a number selects by position ("2"). Otherwise false,
/// with `error` naming the file and its columns.
/// With `besides` (an index column) and no `column`, the only other column
/// of a table of two.
bool selectColumn(const Table &table, const std::string &path,
                  const std::string &column, int &c, std::string &error,
                  const std::string &besides = "");

/// Rows matched to elements by an index column: at[r] is the element of
/// row r, the value of column `index` there, a whole number in [0, n);
/// each element must have exactly one row. Otherwise false, with `error`
/// naming the file and line.
bool indexRows(const Table &table, const std::string &path,
               const std::string &index, int64_t n, std::vector<int64_t> &at,
               std::string &error);

/// The columns of a spike array (neuron, time in ms). A header must name
/// them: neuron|i|index|indices|id|ids and time|t|t_ms|time_ms|times;
/// without a header they are the first two columns.
bool findSpikeArrayColumns(const Table &table, const std::string &path,
                           int &neuron, int &time, std::string &error);

/// Column indices of a synapse-list table.
struct ListColumns {
  int pre = -1, post = -1, weight = -1, delay = -1;
};

/// Finds the pre/post/weight/delay columns of a list table. A header must
/// name "pre" and "post" ("weight" and "delay" are optional, other columns
/// are for from_list); without a header: 0 pre, 1 post, 2 weight, 3 delay.
bool findListColumns(const Table &table, const std::string &path,
                     ListColumns &cols, std::string &error);

/// Index of the column a from_list value refers to ("weight", "delay", or
/// any header name / position), or -1.
int findListValueColumn(const Table &table, const ListColumns &cols,
                        const std::string &column);

/// Parses CSV text (`name` is used in messages in place of a path).
bool parseCsv(const std::string &text, const std::string &name, Table &out,
              std::string &error);

/// Parses NPY bytes (`name` is used in messages in place of a path).
bool parseNpy(const std::string &bytes, const std::string &name, Table &out,
              std::string &error);

/// Element types the NPY writer knows.
enum class NpyType { F64, F32, I32, I64 };

/// Serialises a C-order array of `shape` to NPY (format 1.0) bytes.
std::string encodeNpy(NpyType type, const void *data,
                      const std::vector<size_t> &shape);

/// Writes an NPY file atomically (temporary file + rename).
bool writeNpy(const std::string &path, const std::vector<double> &values,
              const std::vector<size_t> &shape, std::string &error);
bool writeNpy(const std::string &path, const std::vector<int32_t> &values,
              const std::vector<size_t> &shape, std::string &error);

/// Formats a double in its shortest round-trip decimal form ("0.1", "3",
/// "1e-07").
std::string formatNumber(double value);

/// Serialises columns (columns[c][r]) with a header line to CSV text. All
/// columns must have the same length.
std::string encodeCsv(const std::vector<std::string> &header,
                      const std::vector<std::vector<double>> &columns);

/// Writes a CSV file atomically (temporary file + rename).
bool writeCsv(const std::string &path, const std::vector<std::string> &header,
              const std::vector<std::vector<double>> &columns,
              std::string &error);

/// Writes `contents` to `path` atomically: a temporary file in the same
/// directory (`path.tmp.<pid>`) is written, flushed to disk and renamed over
/// `path`. On failure the temporary file is removed and `path` is as it was.
bool writeFileAtomic(const std::string &path, const std::string &contents,
                     std::string &error);

/// Creates `path`, which must not exist, writes `contents` and flushes them
/// to disk (fsync). Every write, the flush and the close are checked; on
/// failure the file is removed and `error` names `shownAs` (default: `path`)
/// and the reason: "out/a.npy: write error: No space left on device".
/// (SIGXFSZ must be ignored for a write past `ulimit -f` to fail with EFBIG
/// rather than kill the process; the simulators ignore it.)
bool writeNewFile(const std::string &path, const std::string &contents,
                  std::string &error, const std::string &shownAs = "");

} // namespace snnrt

#endif // SNNRT_IO_H
