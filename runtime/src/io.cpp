//===- io.cpp - CSV / NPY reading and writing -----------------------------===//

#include <zlib.h>
#include <limits>

#include "snnrt/io.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace snnrt {

int Table::findColumn(const std::string &name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name)
      return int(i);
  return -1;
}

std::string Table::rowLocation(const std::string &path, size_t row) const {
  if (row < lines.size())
    return path + ":" + std::to_string(lines[row]);
  return path + ": row " + std::to_string(row);
}

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string s) {
  for (char &c : s)
    if (c >= 'A' && c <= 'Z')
      c = char(c - 'A' + 'a');
  return s;
}

bool readWholeFile(const std::string &path, std::string &out,
                   std::string &error) {
  // A data file is a regular file: a directory, a device (/dev/zero) or a
  // pipe would fail late, or never end.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    error = path + ": not a regular file";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open file: " + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    error = path + ": read error";
    return false;
  }
  out = ss.str();
  return true;
}

std::string trim(const std::string &s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r'))
    ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
    --e;
  return s.substr(b, e - b);
}

/// Parses a whole field as a number (decimal, optional sign, exponent, inf,
/// nan). A leading '+' is accepted.
bool parseNumber(const std::string &field, double &value) {
  const char *b = field.data();
  const char *e = b + field.size();
  if (b != e && *b == '+')
    ++b;
  if (b == e)
    return false;
  auto r = std::from_chars(b, e, value);
  if (r.ec == std::errc::result_out_of_range) {
    // Overflow/underflow: fall back to strtod's inf/0 semantics.
    value = std::strtod(std::string(b, e).c_str(), nullptr);
    return r.ptr == e;
  }
  return r.ec == std::errc() && r.ptr == e;
}

std::vector<std::string> splitFields(const std::string &line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    std::string f = trim(line.substr(
        start, comma == std::string::npos ? std::string::npos : comma - start));
    if (f.size() >= 2 && f.front() == '"' && f.back() == '"')
      f = f.substr(1, f.size() - 2);
    fields.push_back(f);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return fields;
}

/// A column name as a header comment would hold one: an identifier
/// ('.' allowed), then perhaps a unit in brackets or parentheses ("w (mV)",
/// "delay[ms]"); not free text ("written by x").
bool isColumnName(const std::string &s) {
  size_t i = 0, n = s.size();
  auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '.';
  };
  if (n == 0 || !(std::isalpha(static_cast<unsigned char>(s[0])) ||
                  s[0] == '_'))
    return false;
  while (i < n && word(s[i]))
    ++i;
  while (i < n && s[i] == ' ')
    ++i;
  if (i == n)
    return true;
  char close = s[i] == '(' ? ')' : s[i] == '[' ? ']' : 0;
  if (!close || s.back() != close)
    return false;
  return s.find_first_of("()[]", i + 1) == n - 1;
}

} // namespace

/// The line of a header written as a comment (numpy.savetxt's "# a,b,c"):
/// the last comment line before the first row, when the first row is all
/// numbers and the comment as many column names; 0 when there is none.
static size_t commentHeaderLine(const std::string &text) {
  size_t lineNo = 0, pos = 0, candidate = 0;
  std::string names;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string t = trim(text.substr(
        pos, nl == std::string::npos ? std::string::npos : nl - pos));
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++lineNo;
    if (t.empty())
      continue;
    if (t[0] == '#') {
      candidate = lineNo;
      names = trim(t.substr(1));
      continue;
    }
    if (!candidate || names.empty())
      return 0;
    std::vector<std::string> fields = splitFields(t), header = splitFields(names);
    if (header.size() != fields.size())
      return 0;
    double dummy;
    for (const auto &f : fields)
      if (!parseNumber(f, dummy))
        return 0;
    for (const auto &h : header)
      if (!isColumnName(h))
        return 0;
    return candidate;
  }
  return 0;
}

bool parseCsv(const std::string &text, const std::string &name, Table &out,
              std::string &error) {
  out = Table();
  const size_t commentHeader = commentHeaderLine(text);
  size_t lineNo = 0, pos = 0;
  bool first = true;
  size_t ncols = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(
        pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++lineNo;
    std::string t = trim(line);
    if (lineNo == commentHeader)
      t = trim(t.substr(1)); // "# i,j,w,delay": the header
    else if (t.empty() || t[0] == '#')
      continue;
    std::vector<std::string> fields = splitFields(t);
    if (first) {
      first = false;
      ncols = fields.size();
      bool allNumbers = true;
      double dummy;
      for (const auto &f : fields)
        if (!parseNumber(f, dummy))
          allNumbers = false;
      out.data.assign(ncols, {});
      if (!allNumbers) {
        out.columns = fields;
        out.hasHeader = true;
        for (size_t c = 0; c < ncols; ++c) {
          if (fields[c].empty()) {
            error = name + ":" + std::to_string(lineNo) + ": column " +
                    std::to_string(c + 1) + " of the header has no name";
            return false;
          }
          // Columns are found by name: a name used twice would silently
          // pick one of them.
          for (size_t k = 0; k < c; ++k)
            if (fields[k] == fields[c]) {
              error = name + ":" + std::to_string(lineNo) + ": the header "
                      "names column \"" + fields[c] + "\" twice (columns " +
                      std::to_string(k + 1) + " and " + std::to_string(c + 1) +
                      ")";
              return false;
            }
        }
        continue;
      }
      for (size_t c = 0; c < ncols; ++c)
        out.columns.push_back(std::to_string(c));
    }
    if (fields.size() != ncols) {
      error = name + ":" + std::to_string(lineNo) + ": expected " +
              std::to_string(ncols) + " value" + (ncols == 1 ? "" : "s") +
              ", found " + std::to_string(fields.size());
      return false;
    }
    for (size_t c = 0; c < ncols; ++c) {
      double v;
      if (fields[c].empty()) {
        error = name + ":" + std::to_string(lineNo) + ": column " +
                std::to_string(c + 1) + " is empty";
        return false;
      }
      if (!parseNumber(fields[c], v)) {
        error = name + ":" + std::to_string(lineNo) + ": column " +
                std::to_string(c + 1) + ": '" + fields[c] + "' is not a number";
        return false;
      }
      out.data[c].push_back(v);
    }
    out.lines.push_back(lineNo);
  }
  return true;
}

namespace {

std::string columnNames(const Table &table) {
  std::string names;
  for (const auto &n : table.columns)
    names += (names.empty() ? "\"" : ", \"") + n + "\"";
  return names;
}

} // namespace

bool selectColumn(const Table &table, const std::string &path,
                  const std::string &column, int &c, std::string &error,
                  const std::string &besides) {
  c = table.findColumn(column);
  if (c >= 0)
    return true;
  if (column.empty() && table.columns.size() == 1) {
    c = 0;
    return true;
  }
  // The only column but the index column.
  if (column.empty() && !besides.empty() && table.columns.size() == 2 &&
      table.findColumn(besides) >= 0) {
    c = table.findColumn(besides) == 0 ? 1 : 0;
    return true;
  }
  if (!column.empty() &&
      column.find_first_not_of("0123456789") == std::string::npos &&
      column.size() < 9 && std::stoi(column) < int(table.columns.size())) {
    c = std::stoi(column);
    return true;
  }
  if (column.empty())
    error = path + " has " + std::to_string(table.columns.size()) +
            " columns; choose one with \"column\" (columns: " +
            columnNames(table) + ")";
  else
    error = path + " has no column \"" + column +
            "\" (columns: " + columnNames(table) + ")";
  return false;
}

bool indexRows(const Table &table, const std::string &path,
               const std::string &index, int64_t n, std::vector<int64_t> &at,
               std::string &error) {
  at.clear();
  int c = table.findColumn(index);
  if (c < 0) {
    error = path + " has no index column \"" + index + "\" (columns: " +
            columnNames(table) + ")";
    return false;
  }
  std::vector<size_t> rowOf(size_t(n), SIZE_MAX);
  at.reserve(table.rows());
  for (size_t r = 0; r < table.rows(); ++r) {
    double x = table.data[size_t(c)][r];
    if (!(x >= 0 && x < double(n) && x == std::floor(x))) {
      error = table.rowLocation(path, r) + ": index " + formatNumber(x) +
              " in column \"" + index + "\" is not a whole number in [0, " +
              std::to_string(n) + ")";
      at.clear();
      return false;
    }
    size_t i = size_t(x);
    if (rowOf[i] != SIZE_MAX) {
      error = table.rowLocation(path, r) + ": index " + std::to_string(i) +
              " in column \"" + index + "\" appears again (first at " +
              table.rowLocation(path, rowOf[i]) + ")";
      at.clear();
      return false;
    }
    rowOf[i] = r;
    at.push_back(int64_t(i));
  }
  for (size_t i = 0; i < rowOf.size(); ++i)
    if (rowOf[i] == SIZE_MAX) {
      error = path + ": no row for index " + std::to_string(i) +
              " in column \"" + index + "\" (each of 0.." +
              std::to_string(n - 1) + " needs one)";
      at.clear();
      return false;
    }
  return true;
}

bool findSpikeArrayColumns(const Table &table, const std::string &path,
                           int &neuron, int &time, std::string &error) {
  neuron = time = -1;
  if (table.hasHeader) {
    for (const char *n : {"neuron", "i", "index", "indices", "id", "ids"})
      if (neuron < 0)
        neuron = table.findColumn(n);
    for (const char *n : {"time", "t", "t_ms", "time_ms", "times"})
      if (time < 0)
        time = table.findColumn(n);
    // A header that names other columns is not read by position: the
    // columns might be in any order.
    if (neuron < 0 || time < 0) {
      error = path + ": the header (" + columnNames(table) +
              ") names no " +
              (neuron < 0 ? "neuron column (neuron, i, index, indices, id or "
                            "ids)"
                          : "") +
              (neuron < 0 && time < 0 ? " and no " : "") +
              (time < 0 ? "time column (time, t, t_ms, time_ms or times)"
                        : "") +
              "; name the columns, or remove the header to read the first "
              "two columns as neuron and time";
      return false;
    }
    return true;
  }
  if (table.columns.size() < 2) {
    error = path +
            ": a spike array needs 2 columns (neuron, time in ms), found " +
            std::to_string(table.columns.size());
    return false;
  }
  neuron = 0;
  time = 1;
  return true;
}

bool findListColumns(const Table &table, const std::string &path,
                     ListColumns &cols, std::string &error) {
  cols = ListColumns();
  if (table.hasHeader) {
    // The names, or Brian2's (a table of S.i, S.j, S.w, S.delay).
    auto find = [&](std::initializer_list<const char *> names) {
      for (const char *n : names)
        if (int c = table.findColumn(n); c >= 0)
          return c;
      return -1;
    };
    cols.pre = find({"pre", "i"});
    cols.post = find({"post", "j"});
    cols.weight = find({"weight", "w"});
    cols.delay = find({"delay"});
    if (cols.pre < 0 || cols.post < 0) {
      error = path + ": the header (" + columnNames(table) +
              ") does not name both a \"pre\" (or \"i\") and a \"post\" "
              "(or \"j\") column; name them, or remove the header to read "
              "the columns by position (pre, post, weight, delay)";
      return false;
    }
    return true;
  }
  size_t n = table.columns.size();
  if (n < 2) {
    error = path +
            ": a synapse list needs at least 2 columns (pre, post), found " +
            std::to_string(n);
    return false;
  }
  cols.pre = 0;
  cols.post = 1;
  cols.weight = n > 2 ? 2 : -1;
  cols.delay = n > 3 ? 3 : -1;
  return true;
}

int findListValueColumn(const Table &table, const ListColumns &cols,
                        const std::string &column) {
  int c = table.findColumn(column);
  if (c >= 0)
    return c;
  if (column == "weight")
    return cols.weight;
  if (column == "delay")
    return cols.delay;
  return -1;
}

namespace {

/// Extracts the text after `'key':` in an NPY header dict, up to the value's
/// end (a quoted string, a tuple, or a bare word).
bool npyHeaderValue(const std::string &header, const std::string &key,
                    std::string &value) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos)
    k = header.find("\"" + key + "\"");
  if (k == std::string::npos)
    return false;
  size_t colon = header.find(':', k + key.size() + 2);
  if (colon == std::string::npos)
    return false;
  size_t b = colon + 1;
  while (b < header.size() && header[b] == ' ')
    ++b;
  if (b >= header.size())
    return false;
  size_t e;
  if (header[b] == '\'' || header[b] == '"') {
    e = header.find(header[b], b + 1);
    if (e == std::string::npos)
      return false;
    value = header.substr(b + 1, e - b - 1);
    return true;
  }
  if (header[b] == '(') {
    e = header.find(')', b);
    if (e == std::string::npos)
      return false;
    value = header.substr(b, e - b + 1);
    return true;
  }
  e = b;
  while (e < header.size() && header[e] != ',' && header[e] != '}')
    ++e;
  value = trim(header.substr(b, e - b));
  return true;
}

template <typename T> T loadLE(const unsigned char *p) {
  T v;
  std::memcpy(&v, p, sizeof(T)); // little-endian host (x86-64, aarch64)
  return v;
}

} // namespace

bool parseNpy(const std::string &bytes, const std::string &name, Table &out,
              std::string &error) {
  out = Table();
  const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
  if (bytes.size() < 10 || std::memcmp(p, "\x93NUMPY", 6) != 0) {
    error = name + ": not an NPY file (bad magic)";
    return false;
  }
  unsigned major = p[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = size_t(p[8]) | (size_t(p[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) {
      error = name + ": truncated NPY header";
      return false;
    }
    headerLen = size_t(p[8]) | (size_t(p[9]) << 8) | (size_t(p[10]) << 16) |
                (size_t(p[11]) << 24);
    headerStart = 12;
  } else {
    error = name + ": unsupported NPY version " + std::to_string(major);
    return false;
  }
  if (bytes.size() < headerStart + headerLen) {
    error = name + ": truncated NPY header";
    return false;
  }
  std::string header = bytes.substr(headerStart, headerLen);
  std::string descr, fortran, shapeText;
  if (!npyHeaderValue(header, "descr", descr) ||
      !npyHeaderValue(header, "fortran_order", fortran) ||
      !npyHeaderValue(header, "shape", shapeText)) {
    error = name + ": malformed NPY header: " + trim(header);
    return false;
  }
  // Shape "(a,)" or "(a, b)" or "()".
  std::vector<size_t> shape;
  {
    std::string inner = shapeText.substr(1, shapeText.size() - 2);
    std::stringstream ss(inner);
    std::string item;
    while (std::getline(ss, item, ',')) {
      item = trim(item);
      if (!item.empty() && item.back() == 'L')
        item.pop_back();
      if (item.empty())
        continue;
      size_t v = 0;
      auto r = std::from_chars(item.data(), item.data() + item.size(), v);
      if (r.ec != std::errc() || r.ptr != item.data() + item.size()) {
        error = name + ": malformed NPY shape " + shapeText;
        return false;
      }
      shape.push_back(v);
    }
  }
  if (shape.size() != 1 && shape.size() != 2) {
    error = name + ": NPY array must be 1-d or 2-d, found shape " + shapeText;
    return false;
  }
  bool fortranOrder = fortran == "True";
  if (!fortranOrder && fortran != "False") {
    error = name + ": malformed NPY header (fortran_order " + fortran + ")";
    return false;
  }
  if (descr.size() < 2 || descr[0] == '>') {
    error = name + ": unsupported NPY dtype '" + descr +
            "' (only little-endian numbers)";
    return false;
  }
  std::string kind = descr.substr(1);
  size_t itemSize;
  if (kind == "f8" || kind == "i8" || kind == "u8")
    itemSize = 8;
  else if (kind == "f4" || kind == "i4" || kind == "u4")
    itemSize = 4;
  else if (kind == "i2" || kind == "u2")
    itemSize = 2;
  else if (kind == "u1" || kind == "i1" || kind == "b1")
    itemSize = 1;
  else {
    error = name + ": unsupported NPY dtype '" + descr +
            "' (expected <f8 <f4 <i4 <i8 <u4 <u8 |u1 |b1)";
    return false;
  }
  if (itemSize > 1 && descr[0] != '<' && descr[0] != '=') {
    error = name + ": unsupported NPY dtype '" + descr + "'";
    return false;
  }
  size_t rows = shape[0];
  size_t cols = shape.size() == 2 ? shape[1] : 1;
  size_t dataStart = headerStart + headerLen;
  size_t n = rows * cols;
  if (cols != 0 && n / cols != rows) {
    error = name + ": NPY shape too large";
    return false;
  }
  if ((bytes.size() - dataStart) / itemSize < n) {
    error = name + ": truncated NPY data (expected " + std::to_string(n) +
            " values of " + descr + ")";
    return false;
  }
  out.data.assign(cols, std::vector<double>(rows));
  if (shape.size() == 1)
    out.columns.push_back("");
  else
    for (size_t c = 0; c < cols; ++c)
      out.columns.push_back(std::to_string(c));
  const unsigned char *d = p + dataStart;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char *e = d + i * itemSize;
    double v;
    if (kind == "f8")
      v = loadLE<double>(e);
    else if (kind == "f4")
      v = loadLE<float>(e);
    else if (kind == "i8")
      v = double(loadLE<int64_t>(e));
    else if (kind == "u8")
      v = double(loadLE<uint64_t>(e));
    else if (kind == "i4")
      v = loadLE<int32_t>(e);
    else if (kind == "u4")
      v = loadLE<uint32_t>(e);
    else if (kind == "i2")
      v = loadLE<int16_t>(e);
    else if (kind == "u2")
      v = loadLE<uint16_t>(e);
    else if (kind == "i1")
      v = loadLE<int8_t>(e);
    else if (kind == "b1")
      v = *e ? 1.0 : 0.0;
    else
      v = *e;
    size_t r = fortranOrder ? i % rows : i / cols;
    size_t c = fortranOrder ? i / rows : i % cols;
    out.data[c][r] = v;
  }
  return true;
}

/// Inflates gzip data (every member of a multi-member file, as gzip -d
/// does). On failure sets `error`, naming `path`.
static bool gunzip(const std::string &bytes, const std::string &path,
                   std::string &out, std::string &error) {
  z_stream zs{};
  // 16 + MAX_WBITS: a gzip header and trailer (checked: CRC and length).
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    error = path + ": cannot start decompression";
    return false;
  }
  zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  if (bytes.size() > std::numeric_limits<uInt>::max()) {
    inflateEnd(&zs);
    error = path + ": compressed file too large (4 GiB at most)";
    return false;
  }
  char buffer[1 << 16];
  int rc = Z_OK;
  while (true) {
    zs.next_out = reinterpret_cast<Bytef *>(buffer);
    zs.avail_out = sizeof buffer;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - zs.avail_out);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0)
        break;
      // Another member follows.
      if (inflateReset(&zs) != Z_OK)
        break;
      continue;
    }
    if (rc != Z_OK) {
      break;
    }
  }
  std::string message = zs.msg ? zs.msg : "";
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    error = path + ": not valid gzip data" +
            (rc == Z_BUF_ERROR ? std::string(" (the file ends early)")
             : message.empty() ? std::string()
                               : " (" + message + ")");
    return false;
  }
  return true;
}

bool readTable(const std::string &path, Table &out, std::string &error) {
  try {
    std::string bytes;
    if (!readWholeFile(path, bytes, error))
      return false;
    // Compressed (file.csv.gz, file.npy.gz): decompressed in memory, then
    // read as the name without ".gz" says.
    std::string name = lower(path);
    if (endsWith(name, ".gz")) {
      std::string plain;
      if (!gunzip(bytes, path, plain, error))
        return false;
      bytes.swap(plain);
      name.resize(name.size() - 3);
    }
    if (endsWith(name, ".npy"))
      return parseNpy(bytes, path, out, error);
    return parseCsv(bytes, path, out, error);
  } catch (const std::bad_alloc &) {
    error = path + ": out of memory";
  } catch (const std::exception &e) {
    error = path + ": " + e.what();
  }
  out = Table();
  return false;
}

std::string encodeNpy(NpyType type, const void *data,
                      const std::vector<size_t> &shape) {
  const char *descr = "<f8";
  size_t itemSize = 8;
  switch (type) {
  case NpyType::F64:
    descr = "<f8";
    itemSize = 8;
    break;
  case NpyType::F32:
    descr = "<f4";
    itemSize = 4;
    break;
  case NpyType::I32:
    descr = "<i4";
    itemSize = 4;
    break;
  case NpyType::I64:
    descr = "<i8";
    itemSize = 8;
    break;
  }
  std::string shapeText = "(";
  size_t n = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    shapeText += std::to_string(shape[i]);
    shapeText += shape.size() == 1 ? "," : (i + 1 < shape.size() ? ", " : "");
    n *= shape[i];
  }
  shapeText += ")";
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shapeText +
                       ", }";
  // Pad so that magic + version + length + header is a multiple of 64.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string out = "\x93NUMPY";
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(char(header.size() & 0xff));
  out.push_back(char((header.size() >> 8) & 0xff));
  out += header;
  out.append(static_cast<const char *>(data), n * itemSize);
  return out;
}

bool writeNpy(const std::string &path, const std::vector<double> &values,
              const std::vector<size_t> &shape, std::string &error) {
  return writeFileAtomic(path, encodeNpy(NpyType::F64, values.data(), shape),
                         error);
}

bool writeNpy(const std::string &path, const std::vector<int32_t> &values,
              const std::vector<size_t> &shape, std::string &error) {
  return writeFileAtomic(path, encodeNpy(NpyType::I32, values.data(), shape),
                         error);
}

std::string formatNumber(double value) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, r.ptr);
}

std::string encodeCsv(const std::vector<std::string> &header,
                      const std::vector<std::vector<double>> &columns) {
  std::string out;
  for (size_t c = 0; c < header.size(); ++c) {
    if (c)
      out += ',';
    out += header[c];
  }
  out += '\n';
  size_t rows = columns.empty() ? 0 : columns[0].size();
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c)
        out += ',';
      out += formatNumber(columns[c][r]);
    }
    out += '\n';
  }
  return out;
}

bool writeCsv(const std::string &path, const std::vector<std::string> &header,
              const std::vector<std::vector<double>> &columns,
              std::string &error) {
  return writeFileAtomic(path, encodeCsv(header, columns), error);
}

bool writeNewFile(const std::string &path, const std::string &contents,
                  std::string &error, const std::string &shownAs) {
  const std::string &name = shownAs.empty() ? path : shownAs;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    error = name + ": cannot create file: " + std::strerror(errno);
    return false;
  }
  const char *p = contents.data();
  size_t left = contents.size();
  int err = 0;
  while (left > 0 && !err) {
    // A write may be short (a signal, a file size limit reached half-way):
    // go on until everything is written or a write fails.
    ssize_t n = ::write(fd, p, std::min<size_t>(left, size_t(1) << 30));
    if (n > 0) {
      p += n;
      left -= size_t(n);
    } else if (n < 0 && errno != EINTR) {
      err = errno;
    } else if (n == 0) {
      err = EIO;
    }
  }
  // Write errors of buffered data (NFS, quotas) may only show here. EINVAL:
  // a file system that cannot sync, not a lost write.
  if (!err && ::fsync(fd) != 0 && errno != EINVAL)
    err = errno;
  if (::close(fd) != 0 && !err && errno != EINTR)
    err = errno;
  if (err) {
    ::unlink(path.c_str());
    error = name + ": write error: " + std::strerror(err);
    return false;
  }
  return true;
}

bool writeFileAtomic(const std::string &path, const std::string &contents,
                     std::string &error) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp.c_str()); // one left by a killed process with our pid
  if (!writeNewFile(tmp, contents, error, path))
    return false;
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    error = path + ": cannot rename temporary file: " + std::strerror(e);
    return false;
  }
  return true;
}

} // namespace snnrt
