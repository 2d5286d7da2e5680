//===- DSLPrinter.cpp - The document tree as .snn text or JSON text --------===//
//
// Part of snnc. The canonical .snn form (what `snnc fmt` writes): two-space
// indentation, one member per line, blocks for objects, `keyword NAME { }`
// for the named entries of the top level, bare words, quantities and lines
// of code where the reader gives the same string back, calls for value
// specifications and typed objects, and every comment where it was. And the
// JSON text of a tree, for `snnc convert a.snn -o a.json`.
//
//===----------------------------------------------------------------------===//

#include "snn/DSL/DSL.h"

#include "Syntax.h"

#include <cstdio>

namespace snn::dsl {

using json::Member;
using json::Value;

std::string syntax::quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    default:
      if ((unsigned char)c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", (unsigned char)c);
        out += buf;
      } else {
        out += c;
      }
    }
  }
  out += '"';
  return out;
}

namespace {

constexpr size_t kWidth = 80;

bool isScalar(const Value &v) { return !v.isArray() && !v.isObject(); }

bool isScalarArray(const Value &v) {
  if (!v.isArray())
    return false;
  for (const Value &item : v.items)
    if (!isScalar(item))
      return false;
  return true;
}

std::string keyText(const std::string &key) {
  return syntax::isIdentifier(key) ? key : syntax::quote(key);
}

class Printer {
public:
  Printer(const std::map<std::string, Comments> *comments,
          const std::map<std::string, Comments> *endComments)
      : comments(comments), endComments(endComments) {}

  std::string out;

  void document(const Value &root, const std::vector<Import> &imports) {
    if (!root.isObject()) {
      // Not a model; `= VALUE` keeps it (the checker says what is wrong).
      out += "= ";
      value(root, 0);
      out += '\n';
      return;
    }
    bool first = true;
    for (const Import &imp : imports) {
      leading(&imp.comments, 0, first);
      out += "import " + syntax::quote(imp.path);
      trailing(&imp.comments);
      out += '\n';
      first = false;
    }
    bool previousMultiline = false;
    for (const Member &m : root.members) {
      const char *keyword = syntax::collectionKeyword(m.key);
      if (keyword && isEntryCollection(m.value)) {
        for (const Member &e : m.value.members) {
          bool blank = !first;
          leading(find(e.value.path), 0, first, blank);
          out += std::string(keyword) + " " + keyText(e.key) + " ";
          objectBlock(e.value, 0);
          trailing(find(e.value.path));
          out += '\n';
          first = false;
          previousMultiline = true;
        }
        continue;
      }
      // Blank lines around items over several lines at the top level.
      std::string before = std::move(out);
      out.clear();
      member(m, 0);
      std::string item = std::move(out);
      out = std::move(before);
      bool multiline = item.find('\n') != item.size() - 1;
      leading(find(m.value.path), 0, first,
              !first && (multiline || previousMultiline));
      out += item;
      previousMultiline = multiline;
      first = false;
    }
    endLines(findEnd(""), 0);
  }

private:
  const std::map<std::string, Comments> *comments;
  const std::map<std::string, Comments> *endComments;

  const Comments *find(const std::string &path) const {
    if (!comments)
      return nullptr;
    auto it = comments->find(path);
    return it == comments->end() ? nullptr : &it->second;
  }
  const Comments *findEnd(const std::string &path) const {
    if (!endComments)
      return nullptr;
    auto it = endComments->find(path);
    return it == endComments->end() ? nullptr : &it->second;
  }
  /// Whether any value strictly inside `path` has comments.
  /// Whether `c` holds a comment: blank lines alone do not count, since a
  /// value printed on one line drops them and reads back without them (the
  /// same layout again).
  static bool real(const Comments *c) {
    if (!c)
      return false;
    if (!c->after.empty())
      return true;
    for (const std::string &line : c->before)
      if (line != "\n")
        return true;
    return false;
  }
  static bool real(const Comments &c) { return real(&c); }

  bool commentsInside(const std::string &path) const {
    std::string prefix = path + "/";
    for (auto *map : {comments, endComments}) {
      if (!map)
        continue;
      for (auto it = map->lower_bound(prefix);
           it != map->end() && it->first.compare(0, prefix.size(), prefix) == 0;
           ++it)
        if (real(it->second))
          return true;
    }
    if (const Comments *c = findEnd(path))
      return real(*c);
    return false;
  }

  static std::string commentLine(const std::string &text) {
    return text.empty() ? "#" : "# " + text;
  }

  void indentTo(unsigned indent) { out.append(indent, ' '); }

  /// Comment lines and blank lines above an item; `first` drops blank
  /// lines at the start of a block, `forceBlank` asks for one.
  void leading(const Comments *c, unsigned indent, bool first,
               bool forceBlank = false) {
    static const std::vector<std::string> none;
    const std::vector<std::string> &lines = c ? c->before : none;
    size_t i = 0;
    if (first)
      while (i < lines.size() && lines[i] == "\n")
        ++i;
    else if (forceBlank && (lines.empty() || lines[0] != "\n"))
      out += '\n';
    for (; i < lines.size(); ++i) {
      if (lines[i] == "\n") {
        out += '\n';
        continue;
      }
      indentTo(indent);
      out += commentLine(lines[i]) + "\n";
    }
  }
  /// Comment lines before a block's end (blank lines kept between them
  /// only).
  void endLines(const Comments *c, unsigned indent) {
    if (!c)
      return;
    size_t n = c->before.size();
    while (n > 0 && c->before[n - 1] == "\n")
      --n;
    size_t i = 0;
    while (i < n && c->before[i] == "\n")
      ++i;
    if (i > 0 && i < n && !out.empty())
      out += '\n';
    for (; i < n; ++i) {
      if (c->before[i] == "\n") {
        out += '\n';
        continue;
      }
      indentTo(indent);
      out += commentLine(c->before[i]) + "\n";
    }
  }
  void trailing(const Comments *c) {
    if (c && !c->after.empty())
      out += "  " + commentLine(c->after);
  }
  void endOf(const std::string &path, unsigned indent) {
    endLines(findEnd(path), indent);
  }

  static bool isEntryCollection(const Value &v) {
    if (!v.isObject() || v.members.empty())
      return false;
    for (const Member &e : v.members)
      if (!e.value.isObject())
        return false;
    return true;
  }

  bool isCodeLines(const Value &v) const {
    if (!v.isArray())
      return false;
    for (const Value &item : v.items)
      if (!item.isString())
        return false;
    return true;
  }

  //===--------------------------------------------------------------------===//
  // Members
  //===--------------------------------------------------------------------===//

  void member(const Member &m, unsigned indent) {
    const Value &v = m.value;
    const Comments *c = find(v.path);
    indentTo(indent);
    std::string key = keyText(m.key);
    if (syntax::isCodeKey(m.key) && isCodeLines(v)) {
      out += key + " ";
      codeBlock(v, indent);
    } else if (syntax::isRawKey(m.key) && v.isString() &&
               syntax::isRawText(v.text)) {
      out += key + ": " + v.text;
    } else if (v.isObject() && !isCall(v) && !syntax::isCodeKey(m.key)) {
      out += key + " ";
      objectBlock(v, indent);
    } else {
      out += key + " = ";
      value(v, indent);
    }
    trailing(c);
    out += '\n';
  }

  /// `{` members `}` (the key, or `keyword NAME`, already printed).
  void objectBlock(const Value &v, unsigned indent) {
    if (v.members.empty() && !real(findEnd(v.path))) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const Member &m : v.members) {
      leading(find(m.value.path), indent + 2, first);
      member(m, indent + 2);
      first = false;
    }
    endOf(v.path, indent + 2);
    indentTo(indent);
    out += "}";
  }

  void codeBlock(const Value &v, unsigned indent) {
    size_t lineStart = out.rfind('\n');
    size_t used =
        out.size() - (lineStart == std::string::npos ? 0 : lineStart + 1);
    bool oneLine = v.items.size() == 1 && syntax::isRawText(v.items[0].text) &&
                   !real(find(v.items[0].path)) && !real(findEnd(v.path)) &&
                   used + v.items[0].text.size() + 4 <= kWidth;
    if (v.items.empty() && !real(findEnd(v.path))) {
      out += "{}";
      return;
    }
    if (oneLine) {
      out += "{ " + v.items[0].text + " }";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const Value &item : v.items) {
      const Comments *c = find(item.path);
      leading(c, indent + 2, first);
      indentTo(indent + 2);
      out += syntax::isRawText(item.text) ? item.text
                                          : syntax::quote(item.text);
      trailing(c);
      out += '\n';
      first = false;
    }
    endOf(v.path, indent + 2);
    indentTo(indent);
    out += "}";
  }

  //===--------------------------------------------------------------------===//
  // Values
  //===--------------------------------------------------------------------===//

  static std::string scalar(const Value &v) {
    switch (v.kind) {
    case Value::Kind::Null:
      return "null";
    case Value::Kind::Bool:
      return v.boolean ? "true" : "false";
    case Value::Kind::Number:
      return v.text;
    case Value::Kind::String:
      if (syntax::isBareQuantity(v.text) ||
          (syntax::isBareWord(v.text) && !looksLikeFileName(v.text)))
        return v.text;
      return syntax::quote(v.text);
    default:
      return "";
    }
  }

  /// `exc.csv` reads back as a bare word, but a file name reads better in
  /// quotes.
  static bool looksLikeFileName(const std::string &s) {
    size_t dot = s.rfind('.');
    if (dot == std::string::npos)
      return false;
    std::string ext = s.substr(dot + 1);
    return ext == "csv" || ext == "npy" || ext == "gz" || ext == "json" ||
           ext == "snn" || ext == "txt" || ext == "dat";
  }

  /// Whether an object prints as a call: `uniform(a, b)`,
  /// `fixed_probability(p = 0.1)`.
  bool isCall(const Value &v) const {
    if (!v.isObject() || v.members.empty() || commentsInside(v.path))
      return false;
    for (const Member &m : v.members)
      if (!syntax::isIdentifier(m.key) ||
          !(isScalar(m.value) || isScalarArray(m.value)))
        return false;
    const Member &first = v.members.front();
    if (first.key == "type")
      return first.value.isString() && syntax::isIdentifier(first.value.text) &&
             syntax::isBareWord(first.value.text); // not true(), null()
    return syntax::isCallKey(first.key);
  }

  std::string callText(const Value &v) const {
    const Member &first = v.members.front();
    std::string s;
    std::vector<std::string> args;
    if (first.key == "type") {
      s = first.value.text;
    } else {
      s = first.key;
      if (first.value.isArray() && first.value.items.size() >= 2)
        for (const Value &item : first.value.items)
          args.push_back(scalar(item));
      else
        args.push_back(inlineText(first.value));
    }
    for (size_t i = 1; i < v.members.size(); ++i)
      args.push_back(v.members[i].key + " = " +
                     inlineText(v.members[i].value));
    s += "(";
    for (size_t i = 0; i < args.size(); ++i)
      s += (i ? ", " : "") + args[i];
    return s + ")";
  }

  /// The one-line text of a value, or "" when it needs several lines.
  std::string inlineText(const Value &v) const {
    if (isScalar(v))
      return scalar(v);
    if (commentsInside(v.path))
      return "";
    if (v.isArray()) {
      std::string s = "[";
      for (size_t i = 0; i < v.items.size(); ++i) {
        std::string item = inlineText(v.items[i]);
        if (item.empty())
          return "";
        s += (i ? ", " : "") + item;
      }
      return s + "]";
    }
    if (isCall(v))
      return callText(v);
    if (v.members.empty())
      return "{}";
    std::string s = "{";
    for (size_t i = 0; i < v.members.size(); ++i) {
      std::string item = inlineText(v.members[i].value);
      if (item.empty())
        return "";
      s += (i ? ", " : "") + keyText(v.members[i].key) + " = " + item;
    }
    return s + "}";
  }

  /// A value after `key = ` (or in an array), at `indent`.
  void value(const Value &v, unsigned indent) {
    std::string text = inlineText(v);
    size_t lineStart = out.rfind('\n');
    size_t used = out.size() - (lineStart == std::string::npos ? 0 : lineStart + 1);
    if (!text.empty() && (isScalar(v) || used + text.size() <= kWidth)) {
      out += text;
      return;
    }
    if (v.isArray()) {
      out += "[\n";
      bool first = true;
      for (size_t i = 0; i < v.items.size(); ++i) {
        const Value &item = v.items[i];
        const Comments *c = find(item.path);
        leading(c, indent + 2, first);
        indentTo(indent + 2);
        value(item, indent + 2);
        if (i + 1 < v.items.size())
          out += ',';
        trailing(c);
        out += '\n';
        first = false;
      }
      endOf(v.path, indent + 2);
      indentTo(indent);
      out += "]";
      return;
    }
    // An object that does not fit on a line: a block.
    objectBlock(v, indent);
  }
};

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

class JSONWriter {
public:
  std::string out;

  void value(const Value &v, unsigned indent) {
    std::string text = inlineText(v);
    size_t lineStart = out.rfind('\n');
    size_t used =
        out.size() - (lineStart == std::string::npos ? 0 : lineStart + 1);
    if (!text.empty() && (isScalar(v) || used + text.size() <= kWidth)) {
      out += text;
      return;
    }
    bool object = v.isObject();
    out += object ? "{\n" : "[\n";
    size_t n = object ? v.members.size() : v.items.size();
    for (size_t i = 0; i < n; ++i) {
      out.append(indent + 2, ' ');
      if (object) {
        out += syntax::quote(v.members[i].key) + ": ";
        value(v.members[i].value, indent + 2);
      } else {
        value(v.items[i], indent + 2);
      }
      out += i + 1 < n ? ",\n" : "\n";
    }
    out.append(indent, ' ');
    out += object ? "}" : "]";
  }

private:
  static std::string inlineText(const Value &v) {
    switch (v.kind) {
    case Value::Kind::Null:
      return "null";
    case Value::Kind::Bool:
      return v.boolean ? "true" : "false";
    case Value::Kind::Number:
      return v.text;
    case Value::Kind::String:
      return syntax::quote(v.text);
    case Value::Kind::Array: {
      std::string s = "[";
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (!isScalar(v.items[i]) && !(v.items[i].isObject() &&
                                       v.items[i].members.empty()))
          return "";
        s += (i ? ", " : "") + inlineText(v.items[i]);
      }
      return s + "]";
    }
    case Value::Kind::Object: {
      std::string s = "{";
      for (size_t i = 0; i < v.members.size(); ++i) {
        const Value &m = v.members[i].value;
        if (!isScalar(m) && !isScalarArray(m))
          return "";
        s += (i ? ", " : "") + syntax::quote(v.members[i].key) + ": " +
             inlineText(m);
      }
      return s + "}";
    }
    }
    return "";
  }
};

} // namespace

std::string print(const Document &doc) {
  Printer p(&doc.comments, &doc.endComments);
  p.document(doc.root, doc.imports);
  return std::move(p.out);
}

std::string print(const json::Value &root) {
  Printer p(nullptr, nullptr);
  p.document(root, {});
  return std::move(p.out);
}

std::string writeJSON(const json::Value &root) {
  JSONWriter w;
  w.value(root, 0);
  return w.out + "\n";
}

} // namespace snn::dsl
