//===- ExprPrinter.cpp - Expressions back to text -------------------------===//

#include "snn/AST/ExprPrinter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace snn::ast {

std::string formatNumber(double value) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  // Fewest significant digits that read back exactly; but integral parts
  // are written out ("140", not "1.4e+02") below 1e16.
  int minDigits = 1;
  double mag = std::fabs(value);
  if (mag >= 1 && mag < 1e16)
    minDigits = int(std::floor(std::log10(mag))) + 1;
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", std::max(precision, minDigits),
                  value);
    if (std::strtod(buf, nullptr) == value)
      break;
  }
  return buf;
}

namespace {

// Binding strength, loosest first; see the grammar in ExprParser.h.
enum Prec { POr = 1, PAnd, PNot, PCmp, PSum, PProduct, PUnary, PPower, PAtom };

int precedence(const Expr &e) {
  switch (e.kind) {
  case ExprKind::Number:
    return e.value < 0 || std::signbit(e.value) ? PUnary : PAtom;
  case ExprKind::Variable:
  case ExprKind::Call:
    return PAtom;
  case ExprKind::Unary:
    return e.op == Op::Not ? PNot : PUnary;
  case ExprKind::Binary:
    switch (e.op) {
    case Op::Or:
      return POr;
    case Op::And:
      return PAnd;
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::Eq:
    case Op::Ne:
      return PCmp;
    case Op::Add:
    case Op::Sub:
      return PSum;
    case Op::Mul:
    case Op::Div:
      return PProduct;
    case Op::Pow:
      return PPower;
    default:
      return PAtom;
    }
  }
  return PAtom;
}

void print(const Expr &e, std::string &out);

void printOperand(const ExprPtr &e, bool parens, std::string &out) {
  if (!e) {
    out += "<null>";
    return;
  }
  if (parens)
    out += "(";
  print(*e, out);
  if (parens)
    out += ")";
}

void print(const Expr &e, std::string &out) {
  switch (e.kind) {
  case ExprKind::Number:
    out += formatNumber(e.value);
    return;
  case ExprKind::Variable:
    out += e.name;
    return;
  case ExprKind::Call:
    out += e.name;
    out += "(";
    for (size_t i = 0; i < e.operands.size(); ++i) {
      if (i)
        out += ", ";
      printOperand(e.operands[i], false, out);
    }
    out += ")";
    return;
  case ExprKind::Unary: {
    const ExprPtr x = e.operands.empty() ? nullptr : e.operands[0];
    int px = x ? precedence(*x) : PAtom;
    if (e.op == Op::Not) {
      out += "not ";
      printOperand(x, px < PNot, out);
    } else {
      out += "-";
      // "--x" would not lex as two minus signs everywhere; keep it clear.
      bool parens = px < PUnary || (x && px == PUnary);
      printOperand(x, parens, out);
    }
    return;
  }
  case ExprKind::Binary: {
    const ExprPtr l = e.operands.size() > 0 ? e.operands[0] : nullptr;
    const ExprPtr r = e.operands.size() > 1 ? e.operands[1] : nullptr;
    int p = precedence(e);
    int pl = l ? precedence(*l) : PAtom, pr = r ? precedence(*r) : PAtom;
    bool lp, rp;
    if (e.op == Op::Pow) {
      lp = pl <= PPower; // (-x)^2, (a^b)^c
      rp = pr < PUnary;  // a^-b is fine, a^(b*c) needs parens
    } else if (p == PCmp) {
      lp = pl <= PCmp; // comparisons do not chain
      rp = pr <= PCmp;
    } else {
      lp = pl < p; // left-associative
      rp = pr <= p;
    }
    printOperand(l, lp, out);
    out += e.op == Op::Pow ? "^" : std::string(" ") + opSpelling(e.op) + " ";
    printOperand(r, rp, out);
    return;
  }
  }
}

} // namespace

std::string printExpr(const Expr &e) {
  std::string out;
  print(e, out);
  return out;
}

const char *assignOpSpelling(AssignOp op) {
  switch (op) {
  case AssignOp::Set:
    return "=";
  case AssignOp::Add:
    return "+=";
  case AssignOp::Sub:
    return "-=";
  case AssignOp::Mul:
    return "*=";
  case AssignOp::Div:
    return "/=";
  }
  return "=";
}

std::string printEquation(const Equation &eq) {
  return "d" + eq.var + "/dt = " + (eq.rhs ? printExpr(*eq.rhs) : "<null>");
}

std::string printAssignment(const Assignment &a) {
  return a.var + " " + assignOpSpelling(a.op) + " " +
         (a.rhs ? printExpr(*a.rhs) : "<null>");
}

} // namespace snn::ast
