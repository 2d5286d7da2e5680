//===- DSL.h - The text model format (.snn) ----------------------*- C++ -*-===//
//
// Part of snnc. The text DSL (docs/dsl.md) is another spelling of the JSON
// model format: a `.snn` file reads into the same document tree the JSON
// reader builds (json::Value, with the line and column of every value and
// its JSON pointer), and the JSON frontend converts that tree to the AST and
// checks it. So both formats share one AST, one checker and the same
// diagnostics, and a model compiles to the same IR from either.
//
//   reader   .snn text -> Document (json::Value + comments + imports)
//   printer  json::Value (+ comments) -> canonical .snn text (snnc fmt,
//            snnc convert a.json -o a.snn)
//   writer   json::Value -> JSON text (snnc convert a.snn -o a.json)
//
// JSON -> .snn -> JSON gives back the same tree (keys in order, numbers as
// written, strings byte for byte); .snn -> JSON -> .snn gives the canonical
// form of the file, less its comments (JSON has none).
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DSL_DSL_H
#define SNN_DSL_DSL_H

#include "snn/AST/Diagnostic.h"
#include "snn/Frontend/JSONReader.h"

#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace snn::dsl {

/// Comments and blank lines around one value of the document, kept so that
/// `snnc fmt` does not lose them. Keyed by the value's JSON pointer.
struct Comments {
  /// Whole-line comments above it (their text after "# "), and blank lines
  /// among them ("\n": several blank lines count as one).
  std::vector<std::string> before;
  std::string after; // a comment at the end of its line
};

struct Import {
  std::string path; // as written
  unsigned line = 0, col = 0;
  Comments comments;
};

struct Document {
  json::Value root; // an object: the model, as the JSON format has it
  std::vector<Import> imports;
  std::map<std::string, Comments> comments;    // by JSON pointer
  std::map<std::string, Comments> endComments; // before a block's '}' ("" : file end)
  /// Names of the imported files, which the values they contributed point
  /// at (json::Value::file). Stable addresses: a deque.
  std::deque<std::string> files;
};

struct ParseOptions {
  /// Read the imported files and merge their entries into the document
  /// (to compile or convert it). Off for `snnc fmt`, which keeps the
  /// imports as written.
  bool expandImports = true;
  /// At most this many syntax errors are reported before giving up.
  unsigned maxErrors = 50;
};

/// Reads `text`, the contents of `path` (used in diagnostics and to resolve
/// imports). Appends every syntax error found (with file:line:col) to
/// `diags` and returns false if there was one.
bool parse(std::string_view text, const std::string &path, Document &doc,
           std::vector<ast::Diagnostic> &diags,
           const ParseOptions &options = ParseOptions());

/// The canonical .snn text of `doc` (imports, comments and all).
std::string print(const Document &doc);

/// The canonical .snn text of a JSON document (no comments, no imports).
std::string print(const json::Value &root);

/// JSON text of a document tree: numbers as written, keys in order.
std::string writeJSON(const json::Value &root);

/// True for a path that names a .snn file.
bool isDSLPath(std::string_view path);

} // namespace snn::dsl

#endif // SNN_DSL_DSL_H
