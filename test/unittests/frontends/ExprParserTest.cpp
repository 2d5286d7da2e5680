//===- ExprParserTest.cpp - Expression parser and printer
//------------------===//

#include "snn/AST/ExprParser.h"
#include "snn/AST/ExprPrinter.h"

#include <gtest/gtest.h>

using namespace snn::ast;

namespace {

/// Fully parenthesised prefix form: "(+ a (* b c))".
std::string sexpr(const Expr &e) {
  switch (e.kind) {
  case ExprKind::Number:
    return formatNumber(e.value);
  case ExprKind::Variable:
    return e.name;
  case ExprKind::Unary:
    return std::string("(") + (e.op == Op::Neg ? "neg" : "not") + " " +
           sexpr(*e.operands[0]) + ")";
  case ExprKind::Binary:
    return std::string("(") + opSpelling(e.op) + " " + sexpr(*e.operands[0]) +
           " " + sexpr(*e.operands[1]) + ")";
  case ExprKind::Call: {
    std::string s = "(" + e.name;
    for (auto &a : e.operands)
      s += " " + sexpr(*a);
    return s + ")";
  }
  }
  return "?";
}

LocMapper cols() {
  return [](size_t offset) { return Loc{"f", 1, unsigned(offset) + 1, "/p"}; };
}

std::string parse(const std::string &text) {
  ExprParseError err;
  ExprPtr e = parseExpression(text, cols(), err);
  if (!e)
    return "error@" + std::to_string(err.offset) + ": " + err.message;
  return sexpr(*e);
}

std::string error(const std::string &text, size_t *offset = nullptr) {
  ExprParseError err;
  ExprPtr e = parseExpression(text, cols(), err);
  EXPECT_FALSE(e) << text;
  if (offset)
    *offset = err.offset;
  return err.message;
}

TEST(ExprParser, Precedence) {
  EXPECT_EQ(parse("a + b * c"), "(+ a (* b c))");
  EXPECT_EQ(parse("a * b + c"), "(+ (* a b) c)");
  EXPECT_EQ(parse("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(parse("a + b < c * d"), "(< (+ a b) (* c d))");
  EXPECT_EQ(parse("a < b and c > d or e == f"),
            "(or (and (< a b) (> c d)) (== e f))");
  EXPECT_EQ(parse("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(parse("not a < b"), "(not (< a b))");
  EXPECT_EQ(parse("not a and b"), "(and (not a) b)");
  EXPECT_EQ(parse("-x^2"), "(neg (^ x 2))");
  EXPECT_EQ(parse("-a * b"), "(* (neg a) b)");
  EXPECT_EQ(parse("a * -b"), "(* a (neg b))");
  EXPECT_EQ(parse("2^-1"), "(^ 2 (neg 1))");
  EXPECT_EQ(parse("+a"), "a");
}

TEST(ExprParser, Associativity) {
  EXPECT_EQ(parse("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(parse("a / b / c"), "(/ (/ a b) c)");
  EXPECT_EQ(parse("a / b * c"), "(* (/ a b) c)");
  EXPECT_EQ(parse("a ^ b ^ c"), "(^ a (^ b c))");
  EXPECT_EQ(parse("a ** b ** c"), "(^ a (^ b c))");
  EXPECT_EQ(parse("a and b and c"), "(and (and a b) c)");
}

TEST(ExprParser, AlternativeSpellings) {
  EXPECT_EQ(parse("a && b || !c"), "(or (and a b) (not c))");
  EXPECT_EQ(parse("a != b"), "(!= a b)");
  EXPECT_EQ(parse("a <= b"), "(<= a b)");
  EXPECT_EQ(parse("a >= b"), "(>= a b)");
}

TEST(ExprParser, NumbersAndUnits) {
  EXPECT_EQ(parse("1e-3"), "0.001");
  EXPECT_EQ(parse("2.5E+2"), "250");
  EXPECT_EQ(parse(".5"), "0.5");
  EXPECT_EQ(parse("(v - -60 mV)"), "(- v (neg 60))");
  EXPECT_EQ(parse("v - -60 mV"), "(- v (neg 60))");
  EXPECT_EQ(parse("v - -60mV"), "(- v (neg 60))");
  EXPECT_EQ(parse("10 Hz"), "0.01");
  EXPECT_EQ(parse("1 s"), "1000");
  EXPECT_EQ(parse("0.5 nA * R"), "(* 500 R)");
  EXPECT_EQ(parse("5 mV/ms * tau"), "(* 5 tau)");
  EXPECT_EQ(parse("5 mV / tau"), "(/ 5 tau)");
  EXPECT_EQ(parse("5 mV/tau"), "(/ 5 tau)");
  EXPECT_EQ(parse("2 and b"), "(and 2 b)"); // keywords are not units
  EXPECT_EQ(parse("10 nS*mV"), "10");
}

TEST(ExprParser, Calls) {
  EXPECT_EQ(parse("exp(-v / tau)"), "(exp (/ (neg v) tau))");
  EXPECT_EQ(parse("clip(v, lo, hi)"), "(clip v lo hi)");
  EXPECT_EQ(parse("f()"), "(f)");
  EXPECT_EQ(parse("ifelse(v > 0, 1, 2)"), "(ifelse (> v 0) 1 2)");
}

TEST(ExprParser, ErrorsPointAtTheProblem) {
  size_t at = 0;
  EXPECT_EQ(error("a +", &at), "expected an expression");
  EXPECT_EQ(at, 3u);
  EXPECT_EQ(error("a + * b", &at), "expected an operand, found '*'");
  EXPECT_EQ(at, 4u);
  EXPECT_EQ(error("(a + b", &at), "unbalanced '(': missing ')'");
  EXPECT_EQ(at, 0u);
  EXPECT_EQ(error("a + b)", &at), "unexpected ')' after the expression");
  EXPECT_EQ(at, 5u);
  EXPECT_EQ(error("a < b < c", &at),
            "comparisons cannot be chained; combine them with 'and'");
  EXPECT_EQ(at, 6u);
  EXPECT_EQ(error("2 x", &at),
            "'x' after a number is not a unit (to multiply, write '2 * x')");
  EXPECT_EQ(at, 2u);
  EXPECT_EQ(error("20 msec", &at),
            "'msec' after a number is not a unit (to multiply, write '20 * "
            "msec')");
  EXPECT_EQ(error("a $ b", &at), "unexpected character '$'");
  EXPECT_EQ(at, 2u);
  EXPECT_EQ(error("a = b", &at), "unexpected '=' (comparison is '==')");
  EXPECT_EQ(error("1e999", &at), "number '1e999' is out of range");
  EXPECT_EQ(error("f(a b)", &at),
            "expected ',' or ')' in the call of 'f', found name 'b'");
  EXPECT_EQ(at, 4u);
  EXPECT_EQ(error("", &at), "expected an expression");
  EXPECT_EQ(error("v : volt"),
            "unexpected ':'; Brian2-style unit annotations are not used here: "
            "declare variables in \"variables\" and their units with their "
            "values");
}

TEST(ExprParser, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '(');
  EXPECT_EQ(error(deep), "expression is nested too deeply");
  std::string minus(100000, '-');
  EXPECT_EQ(error(minus + "x"), "expression is nested too deeply");
  std::string pow = "x";
  for (int i = 0; i < 5000; ++i)
    pow += "^x";
  EXPECT_EQ(error(pow), "expression is nested too deeply");
  // Long flat chains build deep trees: bounded too, so that nothing that
  // walks the tree later can overflow the stack.
  std::string chain = "x";
  for (int i = 0; i < 200000; ++i)
    chain += " + x";
  EXPECT_EQ(error(chain), "expression is nested too deeply");
  std::string ok = "x";
  for (int i = 0; i < 200; ++i)
    ok += " * x";
  EXPECT_NE(parse(ok).find("(* "), std::string::npos);
  // A flat sum of thousands of terms is a long chain, not deep nesting: it
  // parses (up to 10000 operands deep; snnc walks trees on a large stack).
  std::string sum = "x";
  for (int i = 0; i < 9000; ++i)
    sum += " + x";
  ExprParseError err;
  EXPECT_TRUE(parseExpression(sum, cols(), err)) << err.message;
}

TEST(ExprParser, Locations) {
  ExprParseError err;
  ExprPtr e = parseExpression("alpha + beta", cols(), err);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->loc.col, 7u); // the operator
  EXPECT_EQ(e->operands[0]->loc.col, 1u);
  EXPECT_EQ(e->operands[1]->loc.col, 9u);
  EXPECT_EQ(e->operands[1]->loc.path, "/p");
}

TEST(ExprParser, Equations) {
  Equation eq;
  ExprParseError err;
  ASSERT_TRUE(parseEquation("dv/dt = (v_rest - v) / tau", cols(), eq, err));
  EXPECT_EQ(eq.var, "v");
  EXPECT_EQ(sexpr(*eq.rhs), "(/ (- v_rest v) tau)");
  ASSERT_TRUE(parseEquation("  dge / dt=-ge/tau_e", cols(), eq, err));
  EXPECT_EQ(eq.var, "ge");
  EXPECT_EQ(eq.loc.col, 3u);
  EXPECT_FALSE(parseEquation("v = 3", cols(), eq, err));
  EXPECT_EQ(err.message,
            "expected an equation 'dX/dt = expression' for a variable X");
  EXPECT_FALSE(parseEquation("dv/dx = 3", cols(), eq, err));
  EXPECT_EQ(err.offset, 3u);
  EXPECT_FALSE(parseEquation("dv/dt == 3", cols(), eq, err));
  EXPECT_EQ(err.message, "expected '=' after 'dv/dt'");
  EXPECT_FALSE(parseEquation("dv/dt = ", cols(), eq, err));
  EXPECT_EQ(err.message, "expected an expression");
  EXPECT_EQ(err.offset, 8u);
}

TEST(ExprParser, Assignments) {
  Assignment a;
  ExprParseError err;
  ASSERT_TRUE(parseAssignment("v = v_reset", cols(), a, err));
  EXPECT_EQ(a.var, "v");
  EXPECT_EQ(a.op, AssignOp::Set);
  for (auto [text, op] :
       {std::pair{"u += d", AssignOp::Add}, std::pair{"u -= d", AssignOp::Sub},
        std::pair{"u *= d", AssignOp::Mul},
        std::pair{"u /= d", AssignOp::Div}}) {
    ASSERT_TRUE(parseAssignment(text, cols(), a, err)) << text;
    EXPECT_EQ(a.op, op) << text;
    EXPECT_EQ(printAssignment(a), text);
  }
  EXPECT_FALSE(parseAssignment("v == 3", cols(), a, err));
  EXPECT_EQ(err.message,
            "expected '=', '+=', '-=', '*=' or '/=' after 'v', found '=='");
  EXPECT_FALSE(parseAssignment("3 = v", cols(), a, err));
  EXPECT_FALSE(parseAssignment("v = 3 4", cols(), a, err));
}

TEST(ExprParser, SplitStatements) {
  auto parts = splitStatements("v = c; u += d\n\n w = 1 ;");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].first, 0u);
  EXPECT_EQ(parts[0].second, "v = c");
  EXPECT_EQ(parts[1].first, 6u);
  EXPECT_EQ(parts[2].first, 15u);
  EXPECT_EQ(parts[2].second, " w = 1 ");
}

TEST(ExprPrinter, FormatNumber) {
  EXPECT_EQ(formatNumber(0.1), "0.1");
  EXPECT_EQ(formatNumber(140), "140");
  EXPECT_EQ(formatNumber(-60), "-60");
  EXPECT_EQ(formatNumber(1e-5), "1e-05");
  EXPECT_EQ(formatNumber(1e20), "1e+20");
  EXPECT_EQ(formatNumber(1.62), "1.62");
  EXPECT_EQ(formatNumber(60 * 0.27 / 10), "1.6200000000000003");
  EXPECT_EQ(formatNumber(123456789), "123456789");
}

TEST(ExprPrinter, MinimalParenthesesRoundTrip) {
  for (const char *text : {"a + b * c",
                           "(a + b) * c",
                           "a - (b - c)",
                           "a - b - c",
                           "a / (b * c)",
                           "-x^2",
                           "(-x)^2",
                           "a^b^c",
                           "(a^b)^c",
                           "a^-b",
                           "-(a + b)",
                           "not a < b",
                           "(not a) == b",
                           "a < b and c < d or not e > f",
                           "a and (b or c)",
                           "exp(-v / tau) * clip(x, 0, 1)",
                           "ifelse(v > 0, 1, 2)",
                           "-(-x)",
                           "(a < b) == (c < d)",
                           "0.04 * v^2 + 5 * v + 140 - u + I"}) {
    ExprParseError err;
    ExprPtr e = parseExpression(text, cols(), err);
    ASSERT_TRUE(e) << text << ": " << err.message;
    std::string printed = printExpr(*e);
    EXPECT_EQ(printed, text);
    ExprPtr again = parseExpression(printed, cols(), err);
    ASSERT_TRUE(again) << printed;
    EXPECT_EQ(sexpr(*again), sexpr(*e)) << text;
  }
}

TEST(ExprPrinter, NegativeLiterals) {
  auto num = std::make_shared<Expr>();
  num->kind = ExprKind::Number;
  num->value = -2;
  auto pow = std::make_shared<Expr>();
  pow->kind = ExprKind::Binary;
  pow->op = Op::Pow;
  pow->operands = {num, num};
  EXPECT_EQ(printExpr(*pow), "(-2)^-2");
}

} // namespace
