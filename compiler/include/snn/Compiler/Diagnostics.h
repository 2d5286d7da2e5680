//===- Diagnostics.h - MLIR diagnostics in the model's terms ----*- C++ -*-===//
//
// Part of snnc. Prints the diagnostics that MLIR passes raise the way the
// frontend prints its own: the model file's line and column, the message,
// and the JSON pointer of the value the error is about
//
//   model.json:9:36: error: ... [at /neuron_models/quad/equations/0]
//         "equations": ["dv/dt = v * v / tau"],
//                                    ^
//
// MLIRGen gives every op a `NameLoc` whose name is the JSON pointer, around
// the `FileLineColLoc` of the value. The quoted source line is cut to a
// window around the column, so a minified model (one line of megabytes)
// does not flood the terminal, and at most `maxErrors` errors are printed;
// the rest are counted and summed up by `finish()`.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_COMPILER_DIAGNOSTICS_H
#define SNN_COMPILER_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>

namespace snn::compiler {

/// Cuts `line` to at most `width` bytes around the 1-based byte column `col`
/// (marking cuts with "..."), and returns the column of the caret in the
/// result, counted in characters (UTF-8 code points), 0-based. Tabs become
/// spaces so that the caret lines up.
std::string sourceWindow(llvm::StringRef line, unsigned col, unsigned width,
                         unsigned &caret);

class ModelDiagnosticPrinter {
public:
  /// Registers itself with `context`'s diagnostic engine for its lifetime.
  ModelDiagnosticPrinter(mlir::MLIRContext &context, llvm::raw_ostream &os,
                         unsigned maxErrors = 50);
  ~ModelDiagnosticPrinter();

  /// Errors seen, and those not printed because of the limit.
  unsigned errors() const { return errorCount; }
  unsigned errorsNotShown() const { return hiddenErrors; }

  /// Prints "N more errors not shown" when some were held back.
  void finish();

private:
  void print(mlir::Diagnostic &diag, bool isNote);
  llvm::StringRef sourceLine(const std::string &file, unsigned line);

  mlir::MLIRContext &context;
  llvm::raw_ostream &os;
  unsigned maxErrors;
  unsigned errorCount = 0, hiddenErrors = 0;
  mlir::DiagnosticEngine::HandlerID id;
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> files;
};

} // namespace snn::compiler

#endif // SNN_COMPILER_DIAGNOSTICS_H
