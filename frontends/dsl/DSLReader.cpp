//===- DSLReader.cpp - .snn text to the JSON document tree -----------------===//
//
// Part of snnc. A hand-written recursive-descent reader for the grammar of
// docs/dsl.md. It builds the json::Value tree the JSON reader would build for
// the same model (with .snn lines and columns), keeps comments for the
// printer, reports every syntax error it finds (recovering at the end of
// the line) and merges imported model libraries.
//
//===----------------------------------------------------------------------===//

#include "snn/DSL/DSL.h"

#include "Syntax.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace snn::dsl {

using json::Member;
using json::Value;
namespace fs = std::filesystem;

bool syntax::isPrintableUTF8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return false;
      ++i;
      continue;
    }
    auto cont = [&](size_t k) {
      return i + k < s.size() && ((unsigned char)s[i + k] & 0xC0) == 0x80;
    };
    size_t n = 0;
    if (c >= 0xC2 && c <= 0xDF)
      n = cont(1) ? 2 : 0;
    else if (c >= 0xE0 && c <= 0xEF) {
      unsigned char c1 = i + 1 < s.size() ? (unsigned char)s[i + 1] : 0;
      if (!((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)))
        n = cont(1) && cont(2) ? 3 : 0;
    } else if (c >= 0xF0 && c <= 0xF4) {
      unsigned char c1 = i + 1 < s.size() ? (unsigned char)s[i + 1] : 0;
      if (!((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)))
        n = cont(1) && cont(2) && cont(3) ? 4 : 0;
    }
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

bool isDSLPath(std::string_view path) {
  return path.size() >= 4 && path.substr(path.size() - 4) == ".snn";
}

namespace {

constexpr unsigned kMaxDepth = 256;
constexpr unsigned kMaxImportDepth = 64;

/// Thrown to abandon the member being read after its error was reported;
/// the enclosing block skips to the end of the line and goes on.
struct MemberError {};
/// Thrown when too many errors were reported.
struct TooManyErrors {};

std::string describeChar(std::string_view src, size_t pos) {
  if (pos >= src.size())
    return "end of file";
  unsigned char c = (unsigned char)src[pos];
  if (c == '\n')
    return "end of line";
  if (c >= 0x20 && c < 0x7f)
    return std::string("'") + char(c) + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02X", c);
  return buf;
}

/// Whether comment lines hold a comment (not only blank lines).
bool hasComment(const Comments &c) {
  for (const std::string &line : c.before)
    if (line != "\n")
      return true;
  return false;
}

/// Re-roots the JSON pointers of a subtree (after a call's arguments found
/// their place).
void repath(Value &v, const std::string &path) {
  v.path = path;
  for (size_t i = 0; i < v.items.size(); ++i)
    repath(v.items[i], path + "/" + std::to_string(i));
  for (Member &m : v.members)
    repath(m.value, path + "/" + json::escapePointer(m.key));
}

/// Points every value of a subtree without a file at `file`.
void setFile(Value &v, const std::string *file) {
  if (!v.file)
    v.file = file;
  for (Value &item : v.items)
    setFile(item, file);
  for (Member &m : v.members)
    setFile(m.value, file);
}

/// "at line 3, column 12" (of a member's key), with the file when it is
/// not the main one.
std::string locationText(const Member &m, const std::string &mainFile) {
  std::string out;
  if (m.value.file && *m.value.file != mainFile)
    out += "in " + *m.value.file + " ";
  out += "at line " + std::to_string(m.line) + ", column " +
         std::to_string(m.col);
  return out;
}

/// State shared by a file and the files it imports.
struct Session {
  Document &doc;
  std::vector<ast::Diagnostic> &diags;
  const ParseOptions &options;
  unsigned errors = 0;
  std::set<std::string> done;     // canonical paths of imported files
  std::vector<std::string> stack; // canonical paths being read (cycles)
};

class Reader {
public:
  Reader(std::string_view text, const std::string *file,
         const std::string &displayFile, Session &session, Document &out)
      : src(text), file(file), displayFile(displayFile), session(session),
        out(out) {}

  /// Reads the whole file into out.root / out.imports / out comments.
  void document() {
    out.root = Value();
    out.root.kind = Value::Kind::Object;
    out.root.line = 1;
    out.root.col = 1;
    out.root.file = file;
    if (src.substr(0, 3) == "\xEF\xBB\xBF") {
      pos = 3;
      lineStart = 3;
    }
    // `= VALUE`: a document that is not an object (not a model, but JSON
    // converts to .snn and back whatever it holds).
    size_t save = pos;
    unsigned saveLine = line;
    size_t saveLineStart = lineStart;
    Comments ignored;
    trivia(ignored);
    if (peek() == '=') {
      try {
        advance();
        skipBlanks();
        value(out.root, "", 1);
        trivia(ignored);
        if (!atEnd())
          fail("unexpected " + here() + " after the document's value");
      } catch (const MemberError &) {
      }
      return;
    }
    pos = save;
    line = saveLine;
    lineStart = saveLineStart;
    block(out.root, "", 0, /*topLevel=*/true);
  }

private:
  std::string_view src;
  const std::string *file; // null for the main file
  const std::string &displayFile;
  Session &session;
  Document &out;
  size_t pos = 0;
  unsigned line = 1;
  size_t lineStart = 0;
  bool sawMember = false; // imports must come first

  //===--------------------------------------------------------------------===//
  // Characters and errors
  //===--------------------------------------------------------------------===//

  unsigned column() const { return unsigned(pos - lineStart) + 1; }
  unsigned columnOf(size_t p) const { return unsigned(p - lineStart) + 1; }
  char peek(size_t k = 0) const {
    return pos + k < src.size() ? src[pos + k] : '\0';
  }
  bool atEnd() const { return pos >= src.size(); }
  void advance() {
    if (src[pos] == '\n') {
      ++line;
      lineStart = pos + 1;
    }
    ++pos;
  }
  std::string here() const { return describeChar(src, pos); }

  void report(unsigned l, unsigned c, std::string message) {
    session.diags.push_back(ast::Diagnostic{
        ast::Loc{displayFile, l, c, ""}, std::move(message),
        ast::Severity::Error});
    if (++session.errors >= session.options.maxErrors)
      throw TooManyErrors{};
  }
  [[noreturn]] void fail(unsigned l, unsigned c, std::string message) {
    report(l, c, std::move(message));
    throw MemberError{};
  }
  [[noreturn]] void fail(std::string message) {
    fail(line, column(), std::move(message));
  }

  /// Spaces, tabs and carriage returns (not newlines).
  void skipBlanks() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\r'))
      advance();
  }

  /// A comment from '#' to the end of the line (not included); its text
  /// without the '#' and one space after it.
  std::string comment() {
    size_t start = pos;
    unsigned l = line, c = column();
    while (!atEnd() && peek() != '\n')
      advance();
    std::string_view text = src.substr(start, pos - start);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' ||
                             text.back() == '\t'))
      text.remove_suffix(1);
    if (!syntax::isPrintableUTF8(text))
      report(l, c, "invalid UTF-8 or control character in a comment");
    text.remove_prefix(1);
    if (!text.empty() && text.front() == ' ')
      text.remove_prefix(1);
    return std::string(text);
  }

  /// Blank lines and comment lines before the next item of a block; what
  /// they hold goes to `into`. Stops at the item (or '}', or the end).
  void trivia(Comments &into) {
    bool lineEmpty = column() == 1 || onlyBlanksBefore();
    while (true) {
      skipBlanks();
      if (atEnd())
        return;
      if (peek() == '\n') {
        if (lineEmpty &&
            (into.before.empty() || into.before.back() != "\n"))
          into.before.push_back("\n");
        advance();
        lineEmpty = true;
        continue;
      }
      if (peek() == '#') {
        into.before.push_back(comment());
        lineEmpty = false;
        continue;
      }
      return;
    }
  }
  bool onlyBlanksBefore() const {
    for (size_t p = lineStart; p < pos; ++p)
      if (src[p] != ' ' && src[p] != '\t' && src[p] != '\r')
        return false;
    return true;
  }

  /// Skips the rest of a line that held an error, keeping brackets
  /// balanced: stops at the newline (or before a closing bracket) that
  /// ends the broken item.
  void recover() {
    int depth = 0;
    while (!atEnd()) {
      char c = peek();
      if (c == '\n' && depth <= 0)
        return;
      if (skipStringOrComment())
        continue;
      if (c == '{' || c == '[' || c == '(')
        ++depth;
      if (c == '}' || c == ']' || c == ')') {
        // A '}' may close the block the broken item is in; a stray ')' or
        // ']' belongs to the broken item.
        if (depth <= 0 && c == '}')
          return;
        if (depth > 0)
          --depth;
      }
      advance();
    }
  }

  /// At a '"' or a '#': skips the string (to its closing quote or the end
  /// of the line) or the comment, and says so; anything else stays.
  bool skipStringOrComment() {
    if (peek() == '"') {
      advance();
      while (!atEnd() && peek() != '"' && peek() != '\n') {
        if (peek() == '\\' && pos + 1 < src.size() && src[pos + 1] != '\n')
          advance();
        advance();
      }
      if (!atEnd() && peek() == '"')
        advance();
      return true;
    }
    if (peek() == '#') {
      while (!atEnd() && peek() != '\n')
        advance();
      return true;
    }
    return false;
  }

  /// After a '{': skips to its matching '}' (strings and comments
  /// skipped whole).
  void skipBlock() {
    int depth = 1;
    while (!atEnd() && depth > 0) {
      char c = peek();
      if (skipStringOrComment())
        continue;
      if (c == '{')
        ++depth;
      else if (c == '}')
        --depth;
      advance();
    }
  }

  /// Blanks and new lines up to a '{' on a later line (a brace on a line
  /// of its own); whether one is there. Nothing is consumed otherwise.
  bool braceOnNextLine() {
    size_t p = pos;
    while (p < src.size() && (src[p] == ' ' || src[p] == '\t' ||
                              src[p] == '\r' || src[p] == '\n'))
      ++p;
    if (p >= src.size() || src[p] != '{')
      return false;
    while (pos < p)
      advance();
    return true;
  }

  //===--------------------------------------------------------------------===//
  // Blocks and members
  //===--------------------------------------------------------------------===//

  /// The members of an object up to its '}' (consumed), or the end of the
  /// file at the top level.
  void block(Value &obj, const std::string &path, unsigned depth,
             bool topLevel = false) {
    unsigned openLine = obj.line, openCol = obj.col;
    while (true) {
      Comments pending;
      trivia(pending);
      if (atEnd()) {
        if (!topLevel)
          report(openLine, openCol,
                 "this '{' is never closed: the file ends before its '}'");
        if (hasComment(pending))
          out.endComments[path] = std::move(pending);
        return;
      }
      if (peek() == '}') {
        if (topLevel) {
          report(line, column(), "unexpected '}': no block is open");
          advance();
          continue;
        }
        if (hasComment(pending))
          out.endComments[path] = std::move(pending);
        advance();
        return;
      }
      if (peek() == ',') {
        report(line, column(), "unexpected ','");
        advance();
        continue;
      }
      size_t start = pos;
      try {
        std::string itemPath = member(obj, path, depth, topLevel, pending);
        endOfItem(itemPath, topLevel ? "a top-level item" : "a member");
      } catch (const MemberError &) {
        recover();
        if (pos == start && !atEnd() && peek() != '}')
          advance(); // always make progress
      }
    }
  }

  /// After an item: a comment, then a newline, ',' or the block's '}'.
  void endOfItem(const std::string &itemPath, const char *what) {
    skipBlanks();
    if (peek() == '#') {
      std::string c = comment();
      if (itemPath.rfind("\x01import", 0) == 0)
        out.imports.back().comments.after = c;
      else
        out.comments[itemPath].after = c;
    }
    if (atEnd() || peek() == '\n' || peek() == '}')
      return;
    if (peek() == ',') {
      advance();
      skipBlanks();
      if (peek() == '#') {
        std::string c = comment();
        if (itemPath.rfind("\x01import", 0) == 0)
          out.imports.back().comments.after = c;
        else
          out.comments[itemPath].after = c;
      }
      return;
    }
    fail(std::string("expected a new line, ',' or '}' after ") + what +
         ", found " + here());
  }

  std::string key(unsigned &kl, unsigned &kc) {
    kl = line;
    kc = column();
    if (peek() == '"') {
      std::vector<unsigned> cols;
      std::string k;
      quoted(k, cols);
      return k;
    }
    if (!syntax::isIdentStart(peek())) {
      if (syntax::isDigit(peek()) || peek() == '-')
        fail("expected a name, found a number (a name that is not an "
             "identifier is written in double quotes)");
      fail("expected a name, found " + here());
    }
    size_t start = pos;
    while (syntax::isIdentChar(peek()))
      advance();
    return std::string(src.substr(start, pos - start));
  }

  /// One member of a block (or a top-level item). Returns its path.
  std::string member(Value &obj, const std::string &path, unsigned depth,
                     bool topLevel, Comments &pending) {
    unsigned kl, kc;
    bool quotedKey = peek() == '"';
    std::string k = key(kl, kc);
    skipBlanks();

    if (topLevel && !quotedKey && k == "import" && peek() == '"') {
      if (sawMember)
        fail(kl, kc,
             "imports come first in a file, before its other items");
      Import imp;
      imp.line = line;
      imp.col = column();
      std::vector<unsigned> cols;
      quoted(imp.path, cols);
      if (imp.path.empty())
        fail(imp.line, imp.col, "empty import path");
      imp.comments = std::move(pending);
      out.imports.push_back(std::move(imp));
      return "\x01import" + std::to_string(out.imports.size() - 1);
    }
    sawMember = true;

    if (topLevel && !quotedKey && (syntax::isIdentStart(peek()) ||
                                   peek() == '"')) {
      if (const char *collection = syntax::collectionKey(k))
        return entry(obj, k, collection, depth, pending);
      std::vector<std::string> all;
      for (const syntax::Collection &c : syntax::kCollections)
        all.push_back(c.keyword);
      std::string suggestion = ast::closestName(k, all);
      if (k != "name" && k != "description" && k != "simulation" &&
          k != "record")
        fail(kl, kc,
           "unknown block '" + k + "'" +
               (suggestion.empty()
                    ? std::string(" (blocks with a name are ") +
                          "neuron_model, synapse_model, population, source, "
                          "current, poisson_input and projection)"
                    : " (did you mean '" + suggestion + "'?)"));
    }

    if (!quotedKey && k == "import" && peek() == '"')
      fail(kl, kc, "imports come first in a file, at the top level, before "
                   "its other items");
    if (topLevel && !quotedKey && syntax::collectionKey(k) && peek() != '=' &&
        peek() != '{' && peek() != ':' && !braceOnNextLine())
      fail("expected the name of the " + k + " after '" + k + "', found " +
           here());
    if (atEnd() || peek() == '\n')
      braceOnNextLine(); // `key`, and its block's '{' on the next line
    Member m;
    m.key = k;
    m.line = kl;
    m.col = kc;
    std::string mpath = path + "/" + json::escapePointer(k);
    if (peek() == '=') {
      advance();
      skipBlanks();
      if (atEnd() || peek() == '\n' || peek() == '#')
        fail("expected a value after '='");
      value(m.value, mpath, depth + 1);
    } else if (peek() == '{') {
      m.value.line = line;
      m.value.col = column();
      m.value.path = mpath;
      m.value.file = file;
      advance();
      if (syntax::isCodeKey(k)) {
        codeBlock(m.value, mpath, m.value.line, m.value.col);
      } else {
        m.value.kind = Value::Kind::Object;
        if (depth + 1 > kMaxDepth) {
          unsigned l = m.value.line, c = m.value.col;
          skipBlock();
          fail(l, c, "nesting is too deep (more than " +
                         std::to_string(kMaxDepth) + " levels)");
        }
        block(m.value, mpath, depth + 1);
      }
    } else if (peek() == ':') {
      advance();
      skipBlanks();
      raw(m.value, mpath, /*inBlock=*/false);
    } else {
      fail("expected '=', '{' or ':' after '" + k + "', found " + here());
    }
    add(obj, std::move(m), pending);
    return mpath;
  }

  /// Adds a member, refusing a key the object already has (but the
  /// entries of a collection may come in several pieces:
  /// `population a {...}` and `populations { b {...} }`).
  void add(Value &obj, Member m, Comments &pending) {
    for (Member &other : obj.members) {
      if (other.key != m.key)
        continue;
      if (&obj == &out.root && syntax::collectionKeyword(m.key) &&
          other.value.isObject() && m.value.isObject()) {
        for (Member &e : m.value.members) {
          for (const Member &o : other.value.members)
            if (o.key == e.key)
              fail(e.line, e.col,
                   std::string("duplicate ") +
                       syntax::collectionKeyword(m.key) + " '" + e.key +
                       "' (first at line " + std::to_string(o.line) +
                       ", column " + std::to_string(o.col) + ")");
          other.value.members.push_back(std::move(e));
        }
        return;
      }
      fail(m.line, m.col,
           "duplicate key '" + m.key + "' (first at line " +
               std::to_string(other.line) + ", column " +
               std::to_string(other.col) + ")");
    }
    if (!pending.before.empty())
      out.comments[m.value.path] = std::move(pending);
    obj.members.push_back(std::move(m));
  }

  /// `population NAME { ... }`: a member of the root's "populations".
  std::string entry(Value &root, const std::string &keyword,
                    const char *collection, unsigned depth,
                    Comments &pending) {
    unsigned nl, nc;
    std::string name = key(nl, nc);
    skipBlanks();
    if (peek() != '{' && !braceOnNextLine())
      fail("expected '{' after " + keyword + " '" + name + "', found " +
           here());
    Member *coll = nullptr;
    for (Member &m : root.members)
      if (m.key == collection)
        coll = &m;
    if (!coll) {
      Member m;
      m.key = collection;
      m.line = nl;
      m.col = nc;
      m.value.kind = Value::Kind::Object;
      m.value.line = nl;
      m.value.col = nc;
      m.value.path = std::string("/") + collection;
      m.value.file = file;
      root.members.push_back(std::move(m));
      coll = &root.members.back();
    } else if (!coll->value.isObject()) {
      fail(nl, nc,
           keyword + " '" + name + "': '" + collection +
               "' is already given as " + coll->value.kindName() +
               " at line " + std::to_string(coll->line));
    }
    Member m;
    m.key = name;
    m.line = nl;
    m.col = nc;
    std::string epath = std::string("/") + collection + "/" +
                        json::escapePointer(name);
    m.value.kind = Value::Kind::Object;
    m.value.line = line;
    m.value.col = column();
    m.value.path = epath;
    m.value.file = file;
    for (const Member &other : coll->value.members)
      if (other.key == name)
        fail(nl, nc,
             "duplicate " + keyword + " '" + name + "' (first at line " +
                 std::to_string(other.line) + ", column " +
                 std::to_string(other.col) + ")");
    advance(); // {
    block(m.value, epath, depth + 2);
    // The block may have appended to root.members: find the collection
    // again.
    for (Member &c : root.members)
      if (c.key == collection) {
        if (!pending.before.empty())
          out.comments[epath] = std::move(pending);
        c.value.members.push_back(std::move(m));
        break;
      }
    return epath;
  }

  /// Lines of code up to '}' (consumed): an array of strings.
  void codeBlock(Value &v, const std::string &path, unsigned openLine,
                 unsigned openCol) {
    v.kind = Value::Kind::Array;
    while (true) {
      Comments pending;
      trivia(pending);
      if (atEnd())
        fail(openLine, openCol,
             "this '{' is never closed: the file ends before its '}'");
      if (peek() == '}') {
        if (hasComment(pending))
          out.endComments[path] = std::move(pending);
        advance();
        return;
      }
      Value item;
      std::string ipath = path + "/" + std::to_string(v.items.size());
      try {
        raw(item, ipath, /*inBlock=*/true);
        if (!pending.before.empty())
          out.comments[ipath] = std::move(pending);
        v.items.push_back(std::move(item));
        skipBlanks();
        if (peek() == '#')
          out.comments[ipath].after = comment();
        if (!atEnd() && peek() != '\n' && peek() != '}')
          fail("expected a new line or '}' after a line of code, found " +
               here());
      } catch (const MemberError &) {
        size_t start = pos;
        recover();
        if (pos == start && !atEnd() && peek() != '}')
          advance();
      }
    }
  }

  /// Raw text to the end of the line, a '#' or a '}' (blanks around it
  /// dropped), or one string in double quotes.
  void raw(Value &v, const std::string &path, bool inBlock) {
    v.kind = Value::Kind::String;
    v.line = line;
    v.col = column();
    v.path = path;
    v.file = file;
    if (peek() == '"') {
      quoted(v.text, v.charCols);
      return;
    }
    size_t start = pos;
    // A '{' has no place in a line of code; its '}' is skipped with it, so
    // that the block around the line stays whole.
    size_t brace = std::string_view::npos;
    int depth = 0;
    while (!atEnd() && peek() != '\n' && peek() != '#' &&
           (peek() != '}' || depth > 0)) {
      if (peek() == '{') {
        if (brace == std::string_view::npos)
          brace = pos;
        ++depth;
      } else if (peek() == '}') {
        --depth;
      }
      advance();
    }
    if (brace != std::string_view::npos)
      fail(v.line, columnOf(brace),
           "unexpected '{' in a line of code (write the line in double "
           "quotes if it must hold one)");
    size_t end = pos;
    while (end > start && (src[end - 1] == ' ' || src[end - 1] == '\t' ||
                           src[end - 1] == '\r'))
      --end;
    std::string_view text = src.substr(start, end - start);
    if (text.empty())
      fail(v.line, v.col,
           inBlock ? "expected a line of code" : "expected text after ':'");
    if (!syntax::isPrintableUTF8(text))
      fail(v.line, v.col, "invalid UTF-8 or control character in a line of "
                          "code");
    v.text = std::string(text);
    v.charCols.resize(text.size() + 1);
    for (size_t i = 0; i <= text.size(); ++i)
      v.charCols[i] = v.col + unsigned(i);
  }

  //===--------------------------------------------------------------------===//
  // Values
  //===--------------------------------------------------------------------===//

  /// Blanks, newlines and comments inside brackets; comments go to
  /// `into` (the next element's).
  void skipInside(Comments *into) {
    while (true) {
      skipBlanks();
      if (peek() == '\n') {
        advance();
        continue;
      }
      if (peek() == '#') {
        unsigned l = line, c = column();
        std::string text = comment();
        if (!into)
          report(l, c, "a comment cannot stand inside a call's parentheses");
        else
          into->before.push_back(std::move(text));
        continue;
      }
      return;
    }
  }

  void value(Value &v, const std::string &path, unsigned depth) {
    if (depth > kMaxDepth)
      fail("nesting is too deep (more than " + std::to_string(kMaxDepth) +
           " levels)");
    v.line = line;
    v.col = column();
    v.path = path;
    v.file = file;
    if (atEnd())
      fail("unexpected end of file: expected a value");
    char c = peek();
    if (c == '"') {
      v.kind = Value::Kind::String;
      quoted(v.text, v.charCols);
      return;
    }
    if (c == '{') {
      v.kind = Value::Kind::Object;
      advance();
      block(v, path, depth);
      return;
    }
    if (c == '[') {
      array(v, path, depth);
      return;
    }
    if (c == '-' || syntax::isDigit(c)) {
      number(v);
      return;
    }
    if (syntax::isIdentStart(c)) {
      size_t n = syntax::wordLength(src.substr(pos));
      std::string word(src.substr(pos, n));
      for (size_t i = 0; i < n; ++i)
        advance();
      if (word == "true" || word == "false") {
        v.kind = Value::Kind::Bool;
        v.boolean = word == "true";
        return;
      }
      if (word == "null") {
        v.kind = Value::Kind::Null;
        return;
      }
      if (peek() == '(') {
        if (!syntax::isIdentifier(word))
          fail(v.line, v.col, "'" + word + "' is not a name that can be "
                                           "called");
        call(v, word, path, depth);
        return;
      }
      v.kind = Value::Kind::String;
      v.text = word;
      v.charCols.resize(n + 1);
      for (size_t i = 0; i <= n; ++i)
        v.charCols[i] = v.col + unsigned(i);
      return;
    }
    if ((c == '.' || c == '+') && syntax::isDigit(peek(1)))
      fail("invalid number: numbers start with '-' or a digit (write 0.5, "
           "not .5 or +0.5)");
    if (c == '\'')
      fail("strings use double quotes");
    fail("expected a value, found " + here());
  }

  void array(Value &v, const std::string &path, unsigned depth) {
    v.kind = Value::Kind::Array;
    unsigned ol = line, oc = column();
    advance(); // [
    while (true) {
      Comments pending;
      skipInside(&pending);
      if (peek() == ']') {
        if (hasComment(pending))
          out.endComments[path] = std::move(pending);
        advance();
        return;
      }
      if (atEnd())
        fail("unexpected end of file: expected ']' to close the array "
             "opened at line " +
             std::to_string(ol) + ", column " + std::to_string(oc));
      Value item;
      std::string ipath = path + "/" + std::to_string(v.items.size());
      value(item, ipath, depth + 1);
      if (!pending.before.empty())
        out.comments[ipath] = std::move(pending);
      v.items.push_back(std::move(item));
      skipBlanks();
      bool comma = peek() == ',';
      if (comma) {
        advance();
        skipBlanks();
      }
      if (peek() == '#')
        out.comments[ipath].after = comment();
      if (comma)
        continue; // the next element, or ']' after a trailing comma
      Comments more;
      skipInside(&more);
      if (peek() != ']')
        fail("expected ',' or ']' after an array element, found " + here());
      if (hasComment(more))
        out.endComments[path] = std::move(more);
    }
  }

  /// name(args): {"name": positional, named...}, or {"type": name, named...}
  /// without a positional argument.
  void call(Value &v, const std::string &name, const std::string &path,
            unsigned depth) {
    unsigned nameLine = v.line, nameCol = v.col;
    advance(); // (
    std::vector<Value> positional;
    std::vector<Member> named;
    unsigned pl = line, pc = column();
    while (true) {
      skipInside(nullptr);
      if (peek() == ')') {
        advance();
        break;
      }
      if (atEnd())
        fail("unexpected end of file: expected ')' to close the call of '" +
             name + "'");
      // name = value?
      size_t save = pos;
      unsigned saveLine = line;
      size_t saveLineStart = lineStart;
      if (syntax::isIdentStart(peek())) {
        unsigned kl = line, kc = column();
        size_t start = pos;
        while (syntax::isIdentChar(peek()))
          advance();
        std::string k(src.substr(start, pos - start));
        skipBlanks();
        if (peek() == '=' && peek(1) != '=') {
          advance();
          skipInside(nullptr);
          Member m;
          m.key = k;
          m.line = kl;
          m.col = kc;
          value(m.value, path + "/" + json::escapePointer(k), depth + 1);
          bool dup = false;
          for (const Member &o : named)
            dup = dup || o.key == k;
          if (dup)
            fail(kl, kc, "argument '" + k + "' is given twice in the call of '" +
                             name + "'");
          if (positional.empty() ? k == "type" : k == name)
            fail(kl, kc,
                 "argument '" + k + "' of the call of '" + name +
                     "' clashes with the call itself: " + name +
                     "(x, ...) means {\"" + name + "\": x, ...} and " + name +
                     "(k = v, ...) means {\"type\": \"" + name +
                     "\", \"k\": v, ...} (write the object in braces)");
          named.push_back(std::move(m));
          goto separator;
        }
        pos = save;
        line = saveLine;
        lineStart = saveLineStart;
      }
      if (!named.empty())
        fail("a positional argument cannot follow named ones in the call "
             "of '" +
             name + "'");
      {
        Value item;
        if (positional.empty()) {
          pl = line;
          pc = column();
        }
        value(item, path, depth + 2);
        positional.push_back(std::move(item));
      }
    separator:
      skipInside(nullptr);
      if (peek() == ',') {
        advance();
        continue;
      }
      if (peek() == ')') {
        advance();
        break;
      }
      fail("expected ',' or ')' in the call of '" + name + "', found " +
           here());
    }
    v.kind = Value::Kind::Object;
    v.members.clear();
    Member first;
    if (positional.empty()) {
      first.key = "type";
      first.line = nameLine;
      first.col = nameCol;
      first.value.kind = Value::Kind::String;
      first.value.text = name;
      first.value.line = nameLine;
      first.value.col = nameCol;
      first.value.file = file;
      first.value.charCols.resize(name.size() + 1);
      for (size_t i = 0; i <= name.size(); ++i)
        first.value.charCols[i] = nameCol + unsigned(i);
    } else {
      first.key = name;
      first.line = nameLine;
      first.col = nameCol;
      if (positional.size() == 1) {
        first.value = std::move(positional[0]);
      } else {
        first.value.kind = Value::Kind::Array;
        first.value.line = pl;
        first.value.col = pc;
        first.value.file = file;
        first.value.items = std::move(positional);
      }
    }
    v.members.push_back(std::move(first));
    for (Member &m : named)
      v.members.push_back(std::move(m));
    repath(v, path);
  }

  void quoted(std::string &text, std::vector<unsigned> &cols) {
    // The JSON reader's rules for one string, run on the text from here.
    unsigned l = line, c = column();
    size_t start = pos;
    size_t end = start + 1;
    while (end < src.size() && src[end] != '"' && src[end] != '\n') {
      if (src[end] == '\\' && end + 1 < src.size() && src[end + 1] != '\n')
        ++end;
      ++end;
    }
    if (end >= src.size() || src[end] != '"')
      fail(l, c, "unterminated string (strings cannot span lines)");
    std::string_view lit = src.substr(start, end + 1 - start);
    json::Value tmp;
    json::ParseError err;
    if (!json::parse(lit, tmp, err))
      fail(l, c + err.col - 1, err.message);
    text = tmp.text;
    cols.clear();
    for (unsigned k : tmp.charCols)
      cols.push_back(k + c - 1);
    while (pos <= end)
      advance();
  }

  void number(Value &v) {
    size_t n = syntax::numberLength(src.substr(pos));
    unsigned l = line, c = column();
    if (n == 0 || (n < src.size() - pos && syntax::isDigit(src[pos + n]))) {
      // Let the JSON reader say what is wrong with it.
      size_t end = pos;
      while (end < src.size() &&
             (syntax::isDigit(src[end]) || src[end] == '-' ||
              src[end] == '+' || src[end] == '.' || src[end] == 'e' ||
              src[end] == 'E'))
        ++end;
      json::Value tmp;
      json::ParseError err;
      if (!json::parse(src.substr(pos, end - pos), tmp, err)) {
        // The DSL's numbers are JSON's: say so without naming JSON.
        std::string message = err.message;
        size_t at = message.find(" in JSON numbers");
        if (at != std::string::npos)
          message.erase(at + 3, 5); // "... in numbers"
        fail(l, c + err.col - 1, message);
      }
      fail(l, c, "invalid number");
    }
    std::string text(src.substr(pos, n));
    for (size_t i = 0; i < n; ++i)
      advance();
    if (peek() == '.')
      fail("invalid number");
    // A unit on the same line makes it a quantity: "20 ms".
    size_t save = pos;
    skipBlanks();
    if (syntax::isUnitStart(src.substr(pos))) {
      size_t ul = syntax::unitLength(src.substr(pos));
      std::string unit(src.substr(pos, ul));
      if (!syntax::isPrintableUTF8(unit))
        fail("invalid UTF-8 in a unit");
      v.kind = Value::Kind::String;
      v.text = text + " " + unit;
      v.charCols.clear();
      for (size_t i = 0; i < text.size(); ++i)
        v.charCols.push_back(c + unsigned(i));
      unsigned uc = column();
      v.charCols.push_back(uc);
      for (size_t i = 0; i <= unit.size(); ++i)
        v.charCols.push_back(uc + unsigned(i));
      for (size_t i = 0; i < ul; ++i)
        advance();
      size_t after = pos;
      while (after < src.size() && (src[after] == ' ' || src[after] == '\t'))
        ++after;
      if (after < src.size() && src[after] == '=' &&
          (after + 1 >= src.size() || src[after + 1] != '=') &&
          syntax::isIdentifier(unit))
        fail(line, uc,
             "'" + unit + "' reads as the unit of " + text +
                 ": a new line or ',' must separate two members");
      return;
    }
    pos = save;
    v.kind = Value::Kind::Number;
    v.text = text;
    v.number = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(v.number))
      fail(l, c, "number " + text + " is out of range");
  }
};

//===----------------------------------------------------------------------===//
// Imports
//===----------------------------------------------------------------------===//

bool readFile(const std::string &path, std::string &text, std::string &why) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    why = "no such file";
    return false;
  }
  if (!fs::is_regular_file(path, ec)) {
    why = "not a regular file";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot be opened";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    why = "cannot be read";
    return false;
  }
  text = ss.str();
  return true;
}

std::string canonical(const std::string &path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(path), ec);
  if (ec)
    p = fs::absolute(fs::path(path), ec).lexically_normal();
  return p.string();
}

void parseFile(std::string_view text, const std::string *file,
               const std::string &display, Session &s, Document &doc);

/// Appends the entries of collection `from` to the matching collection of
/// `into` (created at the end when missing), refusing a name given twice.
void mergeCollection(std::vector<Member> &into, Member &from,
                     const std::string &display, Session &s) {
  Member *target = nullptr;
  for (Member &c : into)
    if (c.key == from.key)
      target = &c;
  if (!target) {
    Member c;
    c.key = from.key;
    c.line = from.line;
    c.col = from.col;
    c.value.kind = Value::Kind::Object;
    c.value.line = from.value.line;
    c.value.col = from.value.col;
    c.value.file = from.value.file;
    into.push_back(std::move(c));
    target = &into.back();
  }
  for (Member &e : from.value.members) {
    bool duplicate = false;
    for (const Member &o : target->value.members)
      if (o.key == e.key) {
        s.diags.push_back(ast::Diagnostic{
            ast::Loc{e.value.file ? *e.value.file : display, e.line, e.col,
                     ""},
            std::string("duplicate ") + syntax::collectionKeyword(from.key) +
                " '" + e.key + "' (first " + locationText(o, display) + ")",
            ast::Severity::Error});
        ++s.errors;
        duplicate = true;
      }
    if (!duplicate)
      target->value.members.push_back(std::move(e));
  }
}

/// Reads the imports of `doc` (the file `display`) and merges their
/// entries in front of its own.
void expandImports(Document &doc, const std::string &display, Session &s) {
  if (doc.imports.empty())
    return;
  fs::path dir = fs::path(display).parent_path();
  std::vector<Member> result; // the imported collections, then the file's
  for (const Import &imp : doc.imports) {
    auto err = [&](std::string message) {
      s.diags.push_back(ast::Diagnostic{
          ast::Loc{display, imp.line, imp.col, ""}, std::move(message),
          ast::Severity::Error});
      ++s.errors;
    };
    fs::path target = fs::path(imp.path).is_absolute()
                          ? fs::path(imp.path)
                          : dir / fs::path(imp.path);
    std::string shown = target.lexically_normal().string();
    std::string canon = canonical(shown);
    bool cycle = false;
    for (const std::string &open : s.stack)
      cycle = cycle || open == canon;
    if (cycle) {
      err("import cycle: '" + imp.path + "' is being read already");
      continue;
    }
    if (s.done.count(canon))
      continue; // imported once already (a library two files import)
    if (s.stack.size() >= kMaxImportDepth) {
      err("imports nest too deep (more than " +
          std::to_string(kMaxImportDepth) + " files)");
      continue;
    }
    std::string text, why;
    if (!readFile(shown, text, why)) {
      err("cannot import '" + imp.path + "': " + why);
      continue;
    }
    s.done.insert(canon);
    s.doc.files.push_back(shown);
    const std::string *name = &s.doc.files.back();
    Document lib;
    unsigned before = s.errors;
    if (isDSLPath(shown)) {
      s.stack.push_back(canon);
      parseFile(text, name, shown, s, lib);
      s.stack.pop_back();
    } else {
      json::ParseError perr;
      if (!json::parse(text, lib.root, perr)) {
        s.diags.push_back(
            ast::Diagnostic{ast::Loc{shown, perr.line, perr.col, ""},
                            perr.message, ast::Severity::Error});
        ++s.errors;
        continue;
      }
      setFile(lib.root, name);
    }
    if (s.errors > before)
      continue;
    if (!lib.root.isObject()) {
      err("'" + imp.path + "' does not hold a model library (an object)");
      continue;
    }
    for (Member &m : lib.root.members) {
      if (!syntax::collectionKeyword(m.key) || !m.value.isObject()) {
        s.diags.push_back(ast::Diagnostic{
            ast::Loc{shown, m.line, m.col, ""},
            "an imported file holds only named blocks (neuron_model, "
            "synapse_model, population, ...), not '" +
                m.key + "'",
            ast::Severity::Error});
        ++s.errors;
        continue;
      }
      mergeCollection(result, m, display, s);
    }
  }
  for (Member &m : doc.root.members) {
    bool imported = false;
    for (const Member &c : result)
      imported = imported || c.key == m.key;
    if (!imported)
      result.push_back(std::move(m));
    else if (m.value.isObject())
      mergeCollection(result, m, display, s);
    else {
      s.diags.push_back(ast::Diagnostic{
          ast::Loc{display, m.line, m.col, ""},
          "'" + m.key + "' is " + m.value.kindName() +
              " here, but the imported files define " + m.key +
              ": it must be an object of them",
          ast::Severity::Error});
      ++s.errors;
    }
  }
  doc.root.members = std::move(result);
  repath(doc.root, "");
}

void parseFile(std::string_view text, const std::string *file,
               const std::string &display, Session &s, Document &doc) {
  Reader r(text, file, display, s, doc);
  try {
    r.document();
  } catch (const TooManyErrors &) {
    s.diags.push_back(ast::Diagnostic{
        ast::Loc{display, 0, 0, ""},
        "stopped reading after " + std::to_string(s.options.maxErrors) +
            " syntax errors",
        ast::Severity::Warning});
    return;
  }
  if (s.options.expandImports)
    expandImports(doc, display, s);
}

} // namespace

bool parse(std::string_view text, const std::string &path, Document &doc,
           std::vector<ast::Diagnostic> &diags, const ParseOptions &options) {
  Session s{doc, diags, options, 0, {}, {}};
  s.done.insert(canonical(path));
  s.stack.push_back(canonical(path));
  parseFile(text, nullptr, path, s, doc);
  return s.errors == 0;
}

} // namespace snn::dsl
