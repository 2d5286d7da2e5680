//===- ExprParser.cpp - Equations, thresholds and resets ------------------===//

#include "snn/AST/ExprParser.h"

#include "snn/AST/Units.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace snn::ast {

bool isIdentifier(std::string_view name) {
  if (name.empty() || !(std::isalpha((unsigned char)name[0]) || name[0] == '_'))
    return false;
  for (char c : name)
    if (!(std::isalnum((unsigned char)c) || c == '_'))
      return false;
  return true;
}

bool isReservedName(const std::string &name) {
  return name == "and" || name == "or" || name == "not" || name == "t" ||
         name == "dt";
}

namespace {

enum class Tok {
  End,
  Number,
  Ident,
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
  LParen,
  RParen,
  Comma,
  Lt,
  Le,
  Gt,
  Ge,
  EqEq,
  Ne,
  And,
  Or,
  Not,
  Assign,    // =
  AddAssign, // +=
  SubAssign, // -=
  MulAssign, // *=
  DivAssign, // /=
  Colon,
};

struct Token {
  Tok kind = Tok::End;
  size_t offset = 0, length = 0;
  std::string text; // identifier name, or the spelling
  double value = 0; // numbers, in base units
  std::optional<Dim> dim; // numbers written with a unit
};

/// Thrown inside the parser only; turned into an ExprParseError at the API.
struct SyntaxError {
  size_t offset;
  std::string message;
};

bool isIdentStart(char c) { return std::isalpha((unsigned char)c) || c == '_'; }
bool isIdentChar(char c) { return std::isalnum((unsigned char)c) || c == '_'; }

class Lexer {
public:
  explicit Lexer(std::string_view text) : text(text) {}

  std::vector<Token> run() {
    std::vector<Token> toks;
    while (true) {
      Token t = next();
      toks.push_back(t);
      if (t.kind == Tok::End)
        return toks;
    }
  }

private:
  std::string_view text;
  size_t pos = 0;

  void skipSpaces() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  Token make(Tok k, size_t start, size_t len) {
    Token t;
    t.kind = k;
    t.offset = start;
    t.length = len;
    t.text = std::string(text.substr(start, len));
    pos = start + len;
    return t;
  }

  Token number(size_t start) {
    size_t n = units::scanNumber(text.substr(start), /*allowSign=*/false);
    std::string_view literal = text.substr(start, n);
    size_t end = start + n;
    // An identifier-like word right after a number must be its unit: there
    // is no other meaning for "2 x" (multiplication needs '*').
    size_t u = end;
    while (u < text.size() && (text[u] == ' ' || text[u] == '\t'))
      ++u;
    units::Unit unit;
    if (u < text.size() &&
        (isIdentStart(text[u]) || (unsigned char)text[u] >= 0x80)) {
      size_t w = u;
      while (w < text.size() &&
             (isIdentChar(text[w]) || (unsigned char)text[w] >= 0x80))
        ++w;
      std::string word(text.substr(u, w - u));
      if (word != "and" && word != "or" && word != "not") {
        size_t len = units::lexUnit(text.substr(u), unit);
        if (len == 0 || (u + len < text.size() && isIdentChar(text[u + len])))
          throw SyntaxError{u, "'" + word +
                                   "' after a number is not a unit (to "
                                   "multiply, write '" +
                                   std::string(literal) + " * " + word + "')"};
        end = u + len;
      }
    }
    Token t = make(Tok::Number, start, end - start);
    if (end != start + n)
      t.dim = unit.dim;
    if (!units::decimalToDouble(literal, unit.exp10, t.value))
      throw SyntaxError{start, "number '" + t.text + "' is out of range"};
    return t;
  }

  Token next() {
    skipSpaces();
    if (pos >= text.size())
      return make(Tok::End, text.size(), 0);
    size_t s = pos;
    char c = text[s];
    char c1 = s + 1 < text.size() ? text[s + 1] : '\0';
    if (std::isdigit((unsigned char)c) ||
        (c == '.' && std::isdigit((unsigned char)c1)))
      return number(s);
    if (isIdentStart(c)) {
      size_t e = s;
      while (e < text.size() && isIdentChar(text[e]))
        ++e;
      std::string_view w = text.substr(s, e - s);
      if (w == "and")
        return make(Tok::And, s, e - s);
      if (w == "or")
        return make(Tok::Or, s, e - s);
      if (w == "not")
        return make(Tok::Not, s, e - s);
      return make(Tok::Ident, s, e - s);
    }
    switch (c) {
    case '+':
      return c1 == '=' ? make(Tok::AddAssign, s, 2) : make(Tok::Plus, s, 1);
    case '-':
      return c1 == '=' ? make(Tok::SubAssign, s, 2) : make(Tok::Minus, s, 1);
    case '*':
      if (c1 == '*')
        return make(Tok::Caret, s, 2);
      return c1 == '=' ? make(Tok::MulAssign, s, 2) : make(Tok::Star, s, 1);
    case '/':
      return c1 == '=' ? make(Tok::DivAssign, s, 2) : make(Tok::Slash, s, 1);
    case '^':
      return make(Tok::Caret, s, 1);
    case '(':
      return make(Tok::LParen, s, 1);
    case ')':
      return make(Tok::RParen, s, 1);
    case ',':
      return make(Tok::Comma, s, 1);
    case ':':
      return make(Tok::Colon, s, 1);
    case '<':
      return c1 == '=' ? make(Tok::Le, s, 2) : make(Tok::Lt, s, 1);
    case '>':
      return c1 == '=' ? make(Tok::Ge, s, 2) : make(Tok::Gt, s, 1);
    case '=':
      return c1 == '=' ? make(Tok::EqEq, s, 2) : make(Tok::Assign, s, 1);
    case '!':
      return c1 == '=' ? make(Tok::Ne, s, 2) : make(Tok::Not, s, 1);
    case '&':
      if (c1 == '&')
        return make(Tok::And, s, 2);
      break;
    case '|':
      if (c1 == '|')
        return make(Tok::Or, s, 2);
      break;
    default:
      break;
    }
    if ((unsigned char)c >= 0x80)
      throw SyntaxError{s, "unexpected non-ASCII character"};
    if (std::isprint((unsigned char)c))
      throw SyntaxError{s, std::string("unexpected character '") + c + "'"};
    throw SyntaxError{s, "unexpected control character"};
  }
};

std::string describe(const Token &t) {
  switch (t.kind) {
  case Tok::End:
    return "the end of the expression";
  case Tok::Number:
    return "number '" + t.text + "'";
  case Tok::Ident:
    return "name '" + t.text + "'";
  default:
    return "'" + t.text + "'";
  }
}

class Parser {
public:
  Parser(std::string_view text, const LocMapper &locOf)
      : locOf(locOf), toks(Lexer(text).run()) {}

  ExprPtr expression() { return parseOr(); }

  const Token &peek() const { return toks[i]; }
  const Token &take() { return toks[i < toks.size() - 1 ? i++ : i]; }

  void expectEnd(const char *what) {
    const Token &t = peek();
    if (t.kind == Tok::End)
      return;
    if (t.kind == Tok::Colon)
      throw SyntaxError{t.offset,
                        "unexpected ':'; Brian2-style unit annotations are "
                        "not used here: declare variables in \"variables\" "
                        "and their units with their values"};
    if (t.kind == Tok::Assign)
      throw SyntaxError{t.offset, "unexpected '=' (comparison is '==')"};
    throw SyntaxError{t.offset, "unexpected " + describe(t) + " after " + what};
  }

private:
  const LocMapper &locOf;
  std::vector<Token> toks;
  size_t i = 0;
  unsigned depth = 0;

  struct DepthGuard {
    Parser &p;
    explicit DepthGuard(Parser &p, size_t offset) : p(p) {
      if (++p.depth > 200)
        throw SyntaxError{offset, "expression is nested too deeply"};
    }
    ~DepthGuard() { --p.depth; }
  };

  std::shared_ptr<Expr> node(ExprKind k, size_t offset) {
    auto e = std::make_shared<Expr>();
    e->kind = k;
    e->loc = locOf(offset);
    return e;
  }

  /// Height of every inner node built so far. Long operator chains
  /// ("a + a + ... + a") build deep trees without deep recursion here, but
  /// everything that walks the tree later (checker, printer, MLIRGen, even
  /// the destructor) recurses: trees are kept at most kMaxHeight deep.
  static constexpr unsigned kMaxHeight = 10000;
  std::unordered_map<const Expr *, unsigned> heights;

  void seal(const std::shared_ptr<Expr> &e, size_t offset) {
    unsigned h = 0;
    for (const ExprPtr &x : e->operands) {
      auto it = heights.find(x.get());
      h = std::max(h, it == heights.end() ? 1u : it->second);
    }
    if (h + 1 > kMaxHeight)
      throw SyntaxError{offset, "expression is nested too deeply"};
    heights[e.get()] = h + 1;
  }

  ExprPtr binary(Op op, ExprPtr l, ExprPtr r, size_t offset) {
    auto e = node(ExprKind::Binary, offset);
    e->op = op;
    e->operands = {std::move(l), std::move(r)};
    seal(e, offset);
    return e;
  }

  ExprPtr unary(Op op, ExprPtr x, size_t offset) {
    auto e = node(ExprKind::Unary, offset);
    e->op = op;
    e->operands = {std::move(x)};
    seal(e, offset);
    return e;
  }

  ExprPtr parseOr() {
    ExprPtr l = parseAnd();
    while (peek().kind == Tok::Or) {
      size_t at = take().offset;
      l = binary(Op::Or, l, parseAnd(), at);
    }
    return l;
  }

  ExprPtr parseAnd() {
    ExprPtr l = parseNot();
    while (peek().kind == Tok::And) {
      size_t at = take().offset;
      l = binary(Op::And, l, parseNot(), at);
    }
    return l;
  }

  ExprPtr parseNot() {
    if (peek().kind == Tok::Not) {
      size_t at = take().offset;
      DepthGuard g(*this, at);
      return unary(Op::Not, parseNot(), at);
    }
    return parseCmp();
  }

  static bool cmpOp(Tok k, Op &op) {
    switch (k) {
    case Tok::Lt:
      op = Op::Lt;
      return true;
    case Tok::Le:
      op = Op::Le;
      return true;
    case Tok::Gt:
      op = Op::Gt;
      return true;
    case Tok::Ge:
      op = Op::Ge;
      return true;
    case Tok::EqEq:
      op = Op::Eq;
      return true;
    case Tok::Ne:
      op = Op::Ne;
      return true;
    default:
      return false;
    }
  }

  ExprPtr parseCmp() {
    ExprPtr l = parseSum();
    Op op;
    if (cmpOp(peek().kind, op)) {
      size_t at = take().offset;
      l = binary(op, l, parseSum(), at);
      Op op2;
      if (cmpOp(peek().kind, op2))
        throw SyntaxError{peek().offset,
                          "comparisons cannot be chained; combine them with "
                          "'and'"};
    }
    return l;
  }

  ExprPtr parseSum() {
    ExprPtr l = parseProduct();
    while (peek().kind == Tok::Plus || peek().kind == Tok::Minus) {
      const Token &t = take();
      Op op = t.kind == Tok::Plus ? Op::Add : Op::Sub;
      l = binary(op, l, parseProduct(), t.offset);
    }
    return l;
  }

  ExprPtr parseProduct() {
    ExprPtr l = parseUnary();
    while (peek().kind == Tok::Star || peek().kind == Tok::Slash) {
      const Token &t = take();
      Op op = t.kind == Tok::Star ? Op::Mul : Op::Div;
      l = binary(op, l, parseUnary(), t.offset);
    }
    return l;
  }

  ExprPtr parseUnary() {
    Tok k = peek().kind;
    if (k == Tok::Minus || k == Tok::Plus) {
      size_t at = take().offset;
      DepthGuard g(*this, at);
      ExprPtr x = parseUnary();
      return k == Tok::Minus ? unary(Op::Neg, x, at) : x;
    }
    return parsePower();
  }

  ExprPtr parsePower() {
    ExprPtr base = parsePrimary();
    if (peek().kind == Tok::Caret) {
      size_t at = take().offset;
      DepthGuard g(*this, at);
      return binary(Op::Pow, base, parseUnary(), at);
    }
    return base;
  }

  ExprPtr parsePrimary() {
    const Token &t = take();
    switch (t.kind) {
    case Tok::Number: {
      auto e = node(ExprKind::Number, t.offset);
      e->value = t.value;
      e->dim = t.dim;
      return e;
    }
    case Tok::Ident: {
      if (peek().kind != Tok::LParen) {
        auto e = node(ExprKind::Variable, t.offset);
        e->name = t.text;
        return e;
      }
      auto e = node(ExprKind::Call, t.offset);
      e->name = t.text;
      size_t open = take().offset;
      DepthGuard g(*this, open);
      if (peek().kind != Tok::RParen) {
        while (true) {
          e->operands.push_back(parseOr());
          if (peek().kind == Tok::Comma) {
            take();
            continue;
          }
          break;
        }
      }
      if (peek().kind != Tok::RParen)
        throw SyntaxError{peek().offset,
                          "expected ',' or ')' in the call of '" + t.text +
                              "', found " + describe(peek())};
      take();
      seal(e, t.offset);
      return e;
    }
    case Tok::LParen: {
      DepthGuard g(*this, t.offset);
      size_t open = t.offset;
      ExprPtr e = parseOr();
      if (peek().kind != Tok::RParen) {
        if (peek().kind == Tok::End)
          throw SyntaxError{open, "unbalanced '(': missing ')'"};
        throw SyntaxError{peek().offset,
                          "expected ')', found " + describe(peek())};
      }
      take();
      return e;
    }
    case Tok::End:
      throw SyntaxError{t.offset, "expected an expression"};
    case Tok::RParen:
      throw SyntaxError{t.offset, "expected an operand, found ')'"};
    default:
      throw SyntaxError{t.offset, "expected an operand, found " + describe(t)};
    }
  }
};

} // namespace

ExprPtr parseExpression(std::string_view text, const LocMapper &locOf,
                        ExprParseError &err) {
  try {
    Parser p(text, locOf);
    ExprPtr e = p.expression();
    p.expectEnd("the expression");
    return e;
  } catch (const SyntaxError &e) {
    err.offset = e.offset;
    err.message = e.message;
    return nullptr;
  }
}

bool parseEquation(std::string_view text, const LocMapper &locOf, Equation &out,
                   ExprParseError &err) {
  try {
    Parser p(text, locOf);
    const Token first = p.peek();
    auto bad = [&](size_t offset) {
      return SyntaxError{offset, "expected an equation 'dX/dt = expression' "
                                 "for a variable X"};
    };
    if (first.kind != Tok::Ident || first.text.size() < 2 ||
        first.text[0] != 'd')
      throw bad(first.offset);
    p.take();
    if (p.peek().kind != Tok::Slash)
      throw bad(p.peek().offset);
    p.take();
    if (p.peek().kind != Tok::Ident || p.peek().text != "dt")
      throw bad(p.peek().offset);
    p.take();
    if (p.peek().kind != Tok::Assign)
      throw SyntaxError{p.peek().offset, "expected '=' after 'd" +
                                             first.text.substr(1) + "/dt'"};
    p.take();
    ExprPtr rhs = p.expression();
    p.expectEnd("the equation");
    out.var = first.text.substr(1);
    out.rhs = rhs;
    out.loc = locOf(first.offset);
    return true;
  } catch (const SyntaxError &e) {
    err.offset = e.offset;
    err.message = e.message;
    return false;
  }
}

bool parseAssignment(std::string_view text, const LocMapper &locOf,
                     Assignment &out, ExprParseError &err) {
  try {
    Parser p(text, locOf);
    const Token target = p.peek();
    if (target.kind != Tok::Ident)
      throw SyntaxError{target.offset,
                        "expected an assignment 'x = expression' (or +=, "
                        "-=, *=, /=)"};
    p.take();
    AssignOp op;
    switch (p.peek().kind) {
    case Tok::Assign:
      op = AssignOp::Set;
      break;
    case Tok::AddAssign:
      op = AssignOp::Add;
      break;
    case Tok::SubAssign:
      op = AssignOp::Sub;
      break;
    case Tok::MulAssign:
      op = AssignOp::Mul;
      break;
    case Tok::DivAssign:
      op = AssignOp::Div;
      break;
    default:
      throw SyntaxError{p.peek().offset,
                        "expected '=', '+=', '-=', '*=' or '/=' after '" +
                            target.text + "', found " + describe(p.peek())};
    }
    p.take();
    ExprPtr rhs = p.expression();
    p.expectEnd("the assignment");
    out.var = target.text;
    out.op = op;
    out.rhs = rhs;
    out.loc = locOf(target.offset);
    return true;
  } catch (const SyntaxError &e) {
    err.offset = e.offset;
    err.message = e.message;
    return false;
  }
}

std::vector<std::pair<size_t, std::string_view>>
splitStatements(std::string_view text) {
  std::vector<std::pair<size_t, std::string_view>> out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != ';' && text[i] != '\n')
      continue;
    std::string_view part = text.substr(start, i - start);
    size_t b = 0;
    while (b < part.size() && std::isspace((unsigned char)part[b]))
      ++b;
    if (b < part.size())
      out.emplace_back(start, part);
    start = i + 1;
  }
  return out;
}

} // namespace snn::ast
