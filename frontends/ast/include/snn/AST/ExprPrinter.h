//===- ExprPrinter.h - Expressions back to text ------------------*- C++
//-*-===//
//
// Part of snnc. Prints expression trees in the syntax ExprParser.h reads,
// with the fewest parentheses that keep the tree, and numbers in their
// shortest round-trip form (base units, no unit suffix): parsing the output
// gives the same tree.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_AST_EXPRPRINTER_H
#define SNN_AST_EXPRPRINTER_H

#include "snn/AST/ModelSpec.h"

#include <string>

namespace snn::ast {

/// Shortest decimal text that reads back as exactly `value` ("0.1", "-60",
/// "1e-05", "inf", "nan").
std::string formatNumber(double value);

std::string printExpr(const Expr &e);
std::string printEquation(const Equation &eq);    // "dv/dt = ..."
std::string printAssignment(const Assignment &a); // "v = ...", "u += d"
const char *assignOpSpelling(AssignOp op);        // "=", "+=", ...

} // namespace snn::ast

#endif // SNN_AST_EXPRPRINTER_H
