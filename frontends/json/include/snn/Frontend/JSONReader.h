//===- JSONReader.h - JSON with the position of every value ------*- C++
//-*-===//
//
// Part of snnc. A small strict JSON (RFC 8259) reader that keeps, for every
// value and every object key, its 1-based line and byte column, and the JSON
// pointer of each value, so that diagnostics can point into the model file.
// It also maps each byte of a decoded string back to its column, which lets
// errors inside equation strings point at the exact character even when the
// string holds escapes.
//
// Syntax errors (trailing commas, unterminated strings, duplicate keys,
// comments, NaN, numbers out of range, nesting deeper than 256 levels, bad
// UTF-8, ...) stop the reader with one message and its exact position.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_FRONTEND_JSONREADER_H
#define SNN_FRONTEND_JSONREADER_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace snn::json {

struct Member;

struct Value {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0.0;         // Number (finite)
  std::string text;            // String: decoded UTF-8; Number: the literal
  std::vector<Value> items;    // Array
  std::vector<Member> members; // Object, in file order
  unsigned line = 0, col = 0;  // the value's first character
  std::string path;            // JSON pointer ("" for the root)
  /// String with escapes: column of each decoded byte, plus one entry for
  /// the closing quote. Empty when the string has no escapes (then byte i is
  /// at col + 1 + i).
  std::vector<unsigned> charCols;
  /// The file the value was read from when it is not the model file itself
  /// (a library the .snn model imports); null otherwise. Owned by whoever
  /// read the document (dsl::Document::files).
  const std::string *file = nullptr;

  bool isObject() const { return kind == Kind::Object; }
  bool isArray() const { return kind == Kind::Array; }
  bool isString() const { return kind == Kind::String; }
  bool isNumber() const { return kind == Kind::Number; }
  bool isBool() const { return kind == Kind::Bool; }
  bool isNull() const { return kind == Kind::Null; }

  /// The member value named `key`, or null.
  const Value *find(std::string_view key) const;
  /// The member named `key`, or null.
  const Member *findMember(std::string_view key) const;
  /// Column of byte `offset` of a decoded string (clamped to its end).
  unsigned colOfChar(size_t offset) const;
  /// "an object", "a string", "a number", ...
  const char *kindName() const;
};

struct Member {
  std::string key;
  unsigned line = 0, col = 0; // of the key's opening quote
  Value value;
};

struct ParseError {
  unsigned line = 1, col = 1;
  std::string message;
};

/// Parses `text` (one JSON value, surrounding whitespace and a UTF-8 byte
/// order mark allowed). Returns false and fills `err` on a syntax error.
bool parse(std::string_view text, Value &out, ParseError &err);

/// Whether two documents hold the same JSON: the same kinds, keys in the
/// same order, numbers as written, strings byte for byte (positions,
/// pointers and files aside).
bool sameDocument(const Value &a, const Value &b);

/// Escapes a key for a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string escapePointer(std::string_view key);

} // namespace snn::json

#endif // SNN_FRONTEND_JSONREADER_H
