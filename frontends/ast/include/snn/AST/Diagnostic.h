//===- Diagnostic.h - Problems found in a model ------------------*- C++
//-*-===//
//
// Part of snnc. Frontends and the checker report problems as a list of
// diagnostics (never by throwing or exiting), each pointing at the offending
// value of the model file.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_AST_DIAGNOSTIC_H
#define SNN_AST_DIAGNOSTIC_H

#include "snn/AST/ModelSpec.h"

#include <string>
#include <vector>

namespace snn::ast {

enum class Severity { Error, Warning };

struct Diagnostic {
  Loc loc;
  std::string message;
  Severity severity = Severity::Error;
};

/// True when `diags` holds an error (warnings do not count).
bool hasErrors(const std::vector<Diagnostic> &diags);

/// The candidate closest to `name` (by edit distance, ignoring case), or ""
/// when none is close enough to be a likely typo.
std::string closestName(const std::string &name,
                        const std::vector<std::string> &candidates);

/// " (did you mean 'x'?)" for the closest candidate, or "".
std::string didYouMean(const std::string &name,
                       const std::vector<std::string> &candidates);

} // namespace snn::ast

#endif // SNN_AST_DIAGNOSTIC_H
