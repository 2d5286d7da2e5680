//===- JSONFrontend.h - JSON model files to the AST -------------*- C++ -*-===//
//
// Part of snnc. Reads a model file (docs/model-format.md), resolves built-in
// neuron models, converts quantities with units to base units, parses the
// equation strings and checks the whole model. Every problem found is reported
// with the file:line:col of the offending value and its JSON path.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_FRONTEND_JSONFRONTEND_H
#define SNN_FRONTEND_JSONFRONTEND_H

#include "snn/AST/Diagnostic.h"
#include "snn/AST/ModelSpec.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace snn::frontend {

/// { Loc loc; std::string message; Severity severity = Error; }: shared with
/// the checker (snn/AST/Diagnostic.h) so every frontend reports alike.
using Diagnostic = ast::Diagnostic;

/// Prints "file:line:col: error: message [at /json/path]" one per line
/// ("warning:" for warnings; "file: error: ..." when the line is unknown).
/// Only the first `maxErrors` errors are printed, then how many more there
/// were: a million bad entries must not flood the terminal.
void printDiagnostics(const std::vector<Diagnostic> &diags, std::ostream &os,
                      size_t maxErrors = 50);

/// Parses and checks the model file at `path`. On failure returns nullopt and
/// appends at least one diagnostic; never throws, never exits.
std::optional<ast::Model> parseModelFile(const std::string &path,
                                         std::vector<Diagnostic> &diags);

/// The same for text already in memory (`path` is used for locations and to
/// resolve relative data-file paths).
std::optional<ast::Model> parseModelText(const std::string &text,
                                         const std::string &path,
                                         std::vector<Diagnostic> &diags);

/// Writes the checked model back as normalized JSON (base units, built-ins
/// expanded, equations printed from the AST): `snnc --emit=ast`.
void dumpModel(const ast::Model &model, std::ostream &os);

} // namespace snn::frontend

#endif // SNN_FRONTEND_JSONFRONTEND_H
