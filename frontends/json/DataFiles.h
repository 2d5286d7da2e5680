//===- DataFiles.h - Compile-time checks of data files -----------*- C++
//-*-===//
//
// Part of snnc (private to the JSON frontend). Reads every data file a
// checked model names, with the runtime's reader, and reports what the
// simulator would otherwise only find at run time: missing or malformed
// files, missing columns, the wrong number of per-neuron values, neuron
// indices out of range, negative times, delays or rates, non-finite values.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_FRONTEND_DATAFILES_H
#define SNN_FRONTEND_DATAFILES_H

#include "snn/AST/Diagnostic.h"
#include "snn/AST/ModelSpec.h"

#include <vector>

namespace snn::frontend {

/// Appends diagnostics; returns true when it found no error. Records the
/// shape of each timed-array current's table (CurrentInput::rows, columns).
bool validateDataFiles(ast::Model &model, std::vector<ast::Diagnostic> &diags);

} // namespace snn::frontend

#endif // SNN_FRONTEND_DATAFILES_H
