//===- Format.h - snnc convert, snnc fmt ------------------------*- C++ -*-===//
//
// Part of snnc. `snnc convert IN [-o OUT]` rewrites a model between the JSON
// format and the text DSL (.snn); `snnc fmt FILE.snn...` prints a .snn file
// in its canonical form (docs/dsl.md). And the frontend's diagnostics with
// the source line of a .snn file quoted under each.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_FORMAT_H
#define SNNC_FORMAT_H

#include "snn/AST/Diagnostic.h"

#include <ostream>
#include <string>
#include <vector>

namespace snn::driver {

/// Runs `snnc convert` with the arguments after "convert".
int convertMain(const std::vector<std::string> &args);

/// Runs `snnc fmt` with the arguments after "fmt".
int fmtMain(const std::vector<std::string> &args);

/// printDiagnostics (the frontend's format), and under each diagnostic in a
/// .snn file its source line (a window of 120 bytes) with a caret.
void printDiagnosticsWithSource(const std::vector<ast::Diagnostic> &diags,
                                std::ostream &os, size_t maxErrors = 50);

} // namespace snn::driver

#endif // SNNC_FORMAT_H
