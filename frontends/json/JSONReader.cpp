//===- JSONReader.cpp - JSON with the position of every value -------------===//

#include "snn/Frontend/JSONReader.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace snn::json {

const Value *Value::find(std::string_view key) const {
  const Member *m = findMember(key);
  return m ? &m->value : nullptr;
}

const Member *Value::findMember(std::string_view key) const {
  for (const Member &m : members)
    if (m.key == key)
      return &m;
  return nullptr;
}

unsigned Value::colOfChar(size_t offset) const {
  if (!charCols.empty())
    return charCols[offset < charCols.size() ? offset : charCols.size() - 1];
  if (offset > text.size())
    offset = text.size();
  return col + 1 + unsigned(offset);
}

const char *Value::kindName() const {
  switch (kind) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "a boolean";
  case Kind::Number:
    return "a number";
  case Kind::String:
    return "a string";
  case Kind::Array:
    return "an array";
  case Kind::Object:
    return "an object";
  }
  return "a value";
}

bool sameDocument(const Value &a, const Value &b) {
  if (a.kind != b.kind)
    return false;
  switch (a.kind) {
  case Value::Kind::Null:
    return true;
  case Value::Kind::Bool:
    return a.boolean == b.boolean;
  case Value::Kind::Number:
  case Value::Kind::String:
    return a.text == b.text;
  case Value::Kind::Array:
    if (a.items.size() != b.items.size())
      return false;
    for (size_t i = 0; i < a.items.size(); ++i)
      if (!sameDocument(a.items[i], b.items[i]))
        return false;
    return true;
  case Value::Kind::Object:
    if (a.members.size() != b.members.size())
      return false;
    for (size_t i = 0; i < a.members.size(); ++i)
      if (a.members[i].key != b.members[i].key ||
          !sameDocument(a.members[i].value, b.members[i].value))
        return false;
    return true;
  }
  return false;
}

std::string escapePointer(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

namespace {

constexpr unsigned kMaxDepth = 256;

struct Failure {
  unsigned line, col;
  std::string message;
};

class Reader {
public:
  explicit Reader(std::string_view text) : src(text) {}

  void document(Value &out) {
    // A UTF-8 byte order mark is tolerated.
    if (src.substr(0, 3) == "\xEF\xBB\xBF") {
      pos = 3;
      col = 1; // columns count from after the mark, like editors show it
      bomSkipped = true;
    }
    skipSpace();
    if (pos >= src.size())
      fail("empty file: expected a JSON object");
    value(out, "", 0);
    skipSpace();
    if (pos < src.size())
      fail("unexpected " + describeHere() + " after the end of the JSON value");
  }

private:
  std::string_view src;
  size_t pos = 0;
  unsigned line = 1;
  unsigned col = 1;
  bool bomSkipped = false;
  size_t lineStart = 0; // byte offset of the current line's start

  [[noreturn]] void fail(std::string message) {
    throw Failure{line, column(), std::move(message)};
  }
  [[noreturn]] void failAt(unsigned l, unsigned c, std::string message) {
    throw Failure{l, c, std::move(message)};
  }

  unsigned column() const {
    size_t start = lineStart;
    if (line == 1 && bomSkipped)
      start = 3;
    return unsigned(pos - start) + 1;
  }

  char peek() const { return pos < src.size() ? src[pos] : '\0'; }

  void advance() {
    if (src[pos] == '\n') {
      ++line;
      lineStart = pos + 1;
    }
    ++pos;
  }

  void skipSpace() {
    while (pos < src.size()) {
      char c = src[pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
        continue;
      }
      if (c == '/' && pos + 1 < src.size() &&
          (src[pos + 1] == '/' || src[pos + 1] == '*'))
        fail("comments are not allowed in JSON");
      break;
    }
  }

  std::string describeHere() const {
    if (pos >= src.size())
      return "end of file";
    unsigned char c = (unsigned char)src[pos];
    if (c >= 0x20 && c < 0x7f)
      return std::string("'") + char(c) + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02X", c);
    return buf;
  }

  void value(Value &out, const std::string &path, unsigned depth) {
    if (depth > kMaxDepth)
      fail("nesting is too deep (more than " + std::to_string(kMaxDepth) +
           " levels)");
    skipSpace();
    out.line = line;
    out.col = column();
    out.path = path;
    if (pos >= src.size())
      fail("unexpected end of file: expected a value");
    char c = src[pos];
    switch (c) {
    case '{':
      object(out, path, depth);
      return;
    case '[':
      array(out, path, depth);
      return;
    case '"':
      out.kind = Value::Kind::String;
      string(out.text, &out.charCols);
      return;
    case '\'':
      fail("strings must use double quotes");
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
      number(out);
      return;
    default:
      break;
    }
    if (std::isalpha((unsigned char)c) || c == '+' || c == '.') {
      size_t e = pos;
      while (e < src.size() &&
             (std::isalnum((unsigned char)src[e]) || src[e] == '_' ||
              src[e] == '+' || src[e] == '.'))
        ++e;
      std::string word(src.substr(pos, e - pos));
      if (word == "true" || word == "false") {
        out.kind = Value::Kind::Bool;
        out.boolean = word == "true";
        while (pos < e)
          advance();
        return;
      }
      if (word == "null") {
        out.kind = Value::Kind::Null;
        while (pos < e)
          advance();
        return;
      }
      if (word == "NaN" || word == "Infinity" || word == "nan" || word == "inf")
        fail("'" + word + "' is not a JSON number");
      if (c == '+' || c == '.')
        fail("invalid number: JSON numbers start with '-' or a digit");
      fail("unexpected '" + word +
           "': expected a value (strings need double quotes)");
    }
    if (c == '}' || c == ']')
      fail(std::string("unexpected '") + c + "': expected a value");
    fail("unexpected " + describeHere() + ": expected a value");
  }

  void object(Value &out, const std::string &path, unsigned depth) {
    out.kind = Value::Kind::Object;
    advance(); // {
    skipSpace();
    if (peek() == '}') {
      advance();
      return;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        if (pos >= src.size())
          fail("unexpected end of file: expected '}'");
        if (peek() == '}')
          fail("expected a key"); // unreachable after ',' (handled below)
        if (peek() == '\'')
          fail("keys must be strings in double quotes");
        fail("expected a key in double quotes, found " + describeHere());
      }
      Member m;
      m.line = line;
      m.col = column();
      string(m.key, nullptr);
      for (const Member &other : out.members)
        if (other.key == m.key)
          failAt(m.line, m.col,
                 "duplicate key '" + m.key + "' (first at line " +
                     std::to_string(other.line) + ", column " +
                     std::to_string(other.col) + ")");
      skipSpace();
      if (peek() != ':')
        fail("expected ':' after the key '" + m.key + "', found " +
             describeHere());
      advance();
      value(m.value, path + "/" + escapePointer(m.key), depth + 1);
      out.members.push_back(std::move(m));
      skipSpace();
      if (peek() == ',') {
        unsigned cl = line, cc = column();
        advance();
        skipSpace();
        if (peek() == '}')
          failAt(cl, cc, "trailing comma before '}'");
        continue;
      }
      if (peek() == '}') {
        advance();
        return;
      }
      if (pos >= src.size())
        fail("unexpected end of file: expected ',' or '}'");
      if (peek() == '"')
        fail("expected ',' between object members");
      fail("expected ',' or '}' after an object member, found " +
           describeHere());
    }
  }

  void array(Value &out, const std::string &path, unsigned depth) {
    out.kind = Value::Kind::Array;
    advance(); // [
    skipSpace();
    if (peek() == ']') {
      advance();
      return;
    }
    while (true) {
      Value item;
      value(item, path + "/" + std::to_string(out.items.size()), depth + 1);
      out.items.push_back(std::move(item));
      skipSpace();
      if (peek() == ',') {
        unsigned cl = line, cc = column();
        advance();
        skipSpace();
        if (peek() == ']')
          failAt(cl, cc, "trailing comma before ']'");
        continue;
      }
      if (peek() == ']') {
        advance();
        return;
      }
      if (pos >= src.size())
        fail("unexpected end of file: expected ',' or ']'");
      fail("expected ',' or ']' after an array element, found " +
           describeHere());
    }
  }

  static void appendUtf8(std::string &s, unsigned cp) {
    if (cp < 0x80) {
      s += char(cp);
    } else if (cp < 0x800) {
      s += char(0xC0 | (cp >> 6));
      s += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += char(0xE0 | (cp >> 12));
      s += char(0x80 | ((cp >> 6) & 0x3F));
      s += char(0x80 | (cp & 0x3F));
    } else {
      s += char(0xF0 | (cp >> 18));
      s += char(0x80 | ((cp >> 12) & 0x3F));
      s += char(0x80 | ((cp >> 6) & 0x3F));
      s += char(0x80 | (cp & 0x3F));
    }
  }

  unsigned hex4() {
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = peek();
      int d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        fail("invalid \\u escape: expected 4 hex digits");
      v = v * 16 + unsigned(d);
      advance();
    }
    return v;
  }

  /// Length of the valid UTF-8 sequence at pos, or 0.
  size_t utf8Length() const {
    auto byte = [&](size_t i) -> unsigned {
      return pos + i < src.size() ? (unsigned char)src[pos + i] : 0;
    };
    unsigned c = byte(0);
    auto cont = [&](size_t i) { return (byte(i) & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF)
      return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
      unsigned c1 = byte(1);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F))
        return 0;
      return cont(1) && cont(2) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      unsigned c1 = byte(1);
      if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
        return 0;
      return cont(1) && cont(2) && cont(3) ? 4 : 0;
    }
    return 0;
  }

  void string(std::string &out, std::vector<unsigned> *cols) {
    unsigned startLine = line, startCol = column();
    advance(); // opening quote
    std::vector<unsigned> map;
    bool escaped = false;
    while (true) {
      if (pos >= src.size())
        failAt(startLine, startCol, "unterminated string");
      char c = src[pos];
      unsigned here = column();
      if (c == '"') {
        map.push_back(here);
        advance();
        break;
      }
      if (c == '\n')
        failAt(startLine, startCol,
               "unterminated string (strings cannot span lines)");
      if ((unsigned char)c < 0x20)
        fail("control character in string (write it as an escape such as "
             "\\t)");
      if (c == '\\') {
        escaped = true;
        advance();
        if (pos >= src.size())
          failAt(startLine, startCol, "unterminated string");
        char e = src[pos];
        size_t before = out.size();
        switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          advance();
          break;
        case 'b':
          out += '\b';
          advance();
          break;
        case 'f':
          out += '\f';
          advance();
          break;
        case 'n':
          out += '\n';
          advance();
          break;
        case 'r':
          out += '\r';
          advance();
          break;
        case 't':
          out += '\t';
          advance();
          break;
        case 'u': {
          advance();
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (src.substr(pos, 2) != "\\u")
              fail("unpaired surrogate in \\u escape");
            advance();
            advance();
            unsigned lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF)
              fail("invalid low surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("unpaired surrogate in \\u escape");
          }
          if (cp == 0)
            fail("\\u0000 is not allowed in strings");
          appendUtf8(out, cp);
          break;
        }
        default:
          fail(std::string("invalid escape '\\") +
               (std::isprint((unsigned char)e) ? std::string(1, e) : "?") +
               "' in string");
        }
        for (size_t i = before; i < out.size(); ++i)
          map.push_back(here);
        continue;
      }
      if ((unsigned char)c >= 0x80) {
        size_t n = utf8Length();
        if (n == 0)
          fail("invalid UTF-8 in string");
        for (size_t i = 0; i < n; ++i) {
          out += src[pos];
          map.push_back(here);
          advance();
        }
        continue;
      }
      out += c;
      map.push_back(here);
      advance();
    }
    if (cols && escaped)
      *cols = std::move(map);
  }

  void number(Value &out) {
    size_t start = pos;
    unsigned startLine = line, startCol = column();
    if (peek() == '-')
      advance();
    if (peek() == '0') {
      advance();
      if (std::isdigit((unsigned char)peek()))
        failAt(startLine, startCol,
               "leading zeros are not allowed in JSON "
               "numbers");
    } else if (std::isdigit((unsigned char)peek())) {
      while (std::isdigit((unsigned char)peek()))
        advance();
    } else {
      if (peek() == 'I' || peek() == 'N' || peek() == 'i' || peek() == 'n')
        fail("'-" + std::string(1, peek()) +
             "...' is not a JSON number (no infinities or NaN)");
      fail("invalid number: expected a digit after '-'");
    }
    if (peek() == '.') {
      advance();
      if (!std::isdigit((unsigned char)peek()))
        fail("invalid number: expected a digit after '.'");
      while (std::isdigit((unsigned char)peek()))
        advance();
    }
    if (peek() == 'e' || peek() == 'E') {
      advance();
      if (peek() == '+' || peek() == '-')
        advance();
      if (!std::isdigit((unsigned char)peek()))
        fail("invalid number: expected a digit in the exponent");
      while (std::isdigit((unsigned char)peek()))
        advance();
    }
    if (std::isalpha((unsigned char)peek()) || peek() == '_')
      fail("unexpected " + describeHere() +
           " after a number (a quantity with a unit is a string: \"20 ms\")");
    out.kind = Value::Kind::Number;
    out.text = std::string(src.substr(start, pos - start));
    out.number = std::strtod(out.text.c_str(), nullptr);
    if (!std::isfinite(out.number))
      failAt(startLine, startCol, "number " + out.text + " is out of range");
  }
};

} // namespace

bool parse(std::string_view text, Value &out, ParseError &err) {
  out = Value();
  try {
    Reader(text).document(out);
    return true;
  } catch (const Failure &f) {
    err.line = f.line;
    err.col = f.col;
    err.message = f.message;
    out = Value();
    return false;
  }
}

} // namespace snn::json
