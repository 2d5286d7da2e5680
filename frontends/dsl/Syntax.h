//===- Syntax.h - What the .snn reader and printer agree on ------*- C++ -*-===//
//
// Part of snnc. The lexical rules the reader applies and the printer relies
// on to print a string bare (a word, a quantity, a line of code) only where
// the reader gives the same string back.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DSL_SYNTAX_H
#define SNN_DSL_SYNTAX_H

#include <cstddef>
#include <string>
#include <string_view>

namespace snn::dsl::syntax {

/// Top-level blocks `population NAME { ... }` and the JSON key they fill.
struct Collection {
  const char *keyword; // "population"
  const char *key;     // "populations"
};
inline constexpr Collection kCollections[] = {
    {"neuron_model", "neuron_models"}, {"synapse_model", "synapse_models"},
    {"population", "populations"},     {"source", "sources"},
    {"current", "currents"},           {"poisson_input", "poisson_inputs"},
    {"projection", "projections"},
};

/// The JSON key of a collection keyword ("population" -> "populations"), or
/// null.
inline const char *collectionKey(std::string_view keyword) {
  for (const Collection &c : kCollections)
    if (keyword == c.keyword)
      return c.key;
  return nullptr;
}
/// The keyword of a collection's JSON key, or null.
inline const char *collectionKeyword(std::string_view key) {
  for (const Collection &c : kCollections)
    if (key == c.key)
      return c.keyword;
  return nullptr;
}

/// Keys whose `key { ... }` block holds lines of code (one string each)
/// rather than members.
inline bool isCodeKey(std::string_view key) {
  return key == "equations" || key == "reset" || key == "on_pre" ||
         key == "on_post" || key == "statements";
}

/// Keys whose string value is printed as a line of code: `key: ...`.
inline bool isRawKey(std::string_view key) {
  return isCodeKey(key) || key == "threshold";
}

/// Value specifications printed as calls with a positional argument:
/// {"uniform": [a, b]} is `uniform(a, b)`.
inline bool isCallKey(std::string_view key) {
  return key == "uniform" || key == "normal" || key == "file" ||
         key == "from_list";
}

inline bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool isIdentChar(char c) {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}
inline bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// An identifier: a key, a name, a call.
inline bool isIdentifier(std::string_view s) {
  if (s.empty() || !isIdentStart(s[0]))
    return false;
  for (char c : s)
    if (!isIdentChar(c))
      return false;
  return true;
}

/// Length of the bare word at the start of `s`: identifiers joined by '.'
/// or '+' (`lif`, `dopamine.level`, `exact+euler`), or 0.
inline size_t wordLength(std::string_view s) {
  size_t i = 0;
  while (true) {
    if (i >= s.size() || !isIdentStart(s[i]))
      return 0;
    while (i < s.size() && isIdentChar(s[i]))
      ++i;
    if (i + 1 < s.size() && (s[i] == '.' || s[i] == '+') &&
        isIdentStart(s[i + 1])) {
      ++i;
      continue;
    }
    return i;
  }
}

/// A string the reader reads back from a bare word.
inline bool isBareWord(std::string_view s) {
  return !s.empty() && wordLength(s) == s.size() && s != "true" &&
         s != "false" && s != "null";
}

/// Length of the JSON number at the start of `s`, or 0.
inline size_t numberLength(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-')
    ++i;
  if (i >= s.size() || !isDigit(s[i]))
    return 0;
  if (s[i] == '0')
    ++i;
  else
    while (i < s.size() && isDigit(s[i]))
      ++i;
  if (i < s.size() && s[i] == '.') {
    if (i + 1 >= s.size() || !isDigit(s[i + 1]))
      return 0;
    i += 2;
    while (i < s.size() && isDigit(s[i]))
      ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-'))
      ++j;
    if (j >= s.size() || !isDigit(s[j]))
      return 0;
    while (j < s.size() && isDigit(s[j]))
      ++j;
    i = j;
  }
  return i;
}

/// Whether a unit starts at the start of `s` (after a number): a letter, a
/// non-ASCII letter (µ, Ω) or `1/` (`0.04 1/mV/ms`).
inline bool isUnitStart(std::string_view s) {
  if (s.empty())
    return false;
  char c = s[0];
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (unsigned char)c >= 0x80 || (c == '1' && s.size() > 1 && s[1] == '/');
}

/// Length of the unit at the start of `s` (isUnitStart holds): letters,
/// digits, non-ASCII bytes, '_', '*', '/', '^', and '-' right after '^'.
inline size_t unitLength(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (isIdentChar(c) || (unsigned char)c >= 0x80 || c == '*' || c == '/' ||
        c == '^' || (c == '-' && i > 0 && s[i - 1] == '^'))
      ++i;
    else
      break;
  }
  return i;
}

/// A string the reader reads back from a bare quantity: a JSON number, one
/// space, a unit (`-60 mV`, `0.04 1/mV/ms`).
inline bool isBareQuantity(std::string_view s) {
  size_t n = numberLength(s);
  if (n == 0 || n + 1 >= s.size() || s[n] != ' ')
    return false;
  std::string_view unit = s.substr(n + 1);
  return isUnitStart(unit) && unitLength(unit) == unit.size();
}

/// Whether `s` is valid UTF-8 without control characters other than tab.
bool isPrintableUTF8(std::string_view s);

/// A string the reader reads back from a line of raw text (`key: text`, a
/// line of a code block): printable, not empty, no surrounding blanks, no
/// '#', '{' or '}', and not starting with '"'.
inline bool isRawText(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.front() == '\t' || s.back() == ' ' ||
      s.back() == '\t' || s.front() == '"')
    return false;
  if (s.find_first_of("#{}") != std::string_view::npos)
    return false;
  return isPrintableUTF8(s);
}

/// `s` as a JSON string literal (quotes, escapes; UTF-8 kept as is).
std::string quote(std::string_view s);

} // namespace snn::dsl::syntax

#endif // SNN_DSL_SYNTAX_H
