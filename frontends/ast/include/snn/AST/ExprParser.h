//===- ExprParser.h - Equations, thresholds and resets ------------*- C++
//-*-===//
//
// Part of snnc. One parser for every expression a model writes:
//
//   expr    := or
//   or      := and   (('or' | '||') and)*
//   and     := not   (('and' | '&&') not)*
//   not     := ('not' | '!') not | cmp
//   cmp     := sum   (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/') unary)*
//   unary   := ('-' | '+') unary | power
//   power   := primary (('^' | '**') unary)?      (right-associative)
//   primary := number [unit] | name | name '(' [expr (',' expr)*] ')'
//            | '(' expr ')'
//
// so -x^2 is -(x^2) and 2^-1 is 0.5. A number may carry a unit written
// right after it ("-60 mV", "5 mV/ms", "10 Hz"); it is converted to base
// units (ms, mV, pA, 1/ms). Comparisons do not chain.
//
// The parser only builds trees: names and function arities are checked by
// the checker (Check.h), which knows the model.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_AST_EXPRPARSER_H
#define SNN_AST_EXPRPARSER_H

#include "snn/AST/ModelSpec.h"

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace snn::ast {

/// Maps a byte offset in the parsed text to a location in the model file.
using LocMapper = std::function<Loc(size_t offset)>;

struct ExprParseError {
  size_t offset = 0; // byte offset in the parsed text
  std::string message;
};

/// Parses a whole expression. Returns null and sets `err` on a syntax error.
ExprPtr parseExpression(std::string_view text, const LocMapper &locOf,
                        ExprParseError &err);

/// Parses "dX/dt = expr" into `out` (its loc is that of the 'd').
bool parseEquation(std::string_view text, const LocMapper &locOf, Equation &out,
                   ExprParseError &err);

/// Parses "x = expr", "x += expr", "-=", "*=", "/=" into `out`.
bool parseAssignment(std::string_view text, const LocMapper &locOf,
                     Assignment &out, ExprParseError &err);

/// Splits text holding several statements separated by ';' or newlines into
/// (offset, statement) pairs, skipping blank ones.
std::vector<std::pair<size_t, std::string_view>>
splitStatements(std::string_view text);

/// True for names the expression language reserves: the keywords and, or,
/// not, and t / dt (time is not available in expressions in this version).
bool isReservedName(const std::string &name);

/// True for [A-Za-z_][A-Za-z0-9_]*.
bool isIdentifier(std::string_view name);

} // namespace snn::ast

#endif // SNN_AST_EXPRPARSER_H
