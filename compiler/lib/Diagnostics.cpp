//===- Diagnostics.cpp - MLIR diagnostics in the model's terms ------------===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#include "snn/Compiler/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"

using namespace mlir;

namespace snn::compiler {

namespace {

/// Where a diagnostic points: the model file's position and the JSON pointer
/// of the value (empty when the location does not carry one).
struct Place {
  std::string file;
  unsigned line = 0, col = 0;
  std::string path;
};

void resolve(Location loc, Place &place) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (place.path.empty() && name.getName().strref().starts_with("/"))
      place.path = name.getName().str();
    resolve(name.getChildLoc(), place);
  } else if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    if (place.file.empty()) {
      place.file = file.getFilename().str();
      place.line = file.getLine();
      place.col = file.getColumn();
    }
  } else if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location part : fused.getLocations()) {
      resolve(part, place);
      if (!place.file.empty())
        break;
    }
  } else if (auto call = dyn_cast<CallSiteLoc>(loc)) {
    resolve(call.getCallee(), place);
  }
}

bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

const char *severityName(DiagnosticSeverity s) {
  switch (s) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Remark:
    return "remark";
  case DiagnosticSeverity::Note:
    return "note";
  }
  return "error";
}

} // namespace

std::string sourceWindow(llvm::StringRef line, unsigned col, unsigned width,
                         unsigned &caret) {
  size_t at = col > 0 ? std::min<size_t>(col - 1, line.size()) : 0;
  size_t begin = 0, end = line.size();
  if (line.size() > width) {
    begin = at > width / 2 ? at - width / 2 : 0;
    end = std::min(line.size(), begin + width);
    if (end == line.size() && end > width)
      begin = end - width;
    // Never cut a UTF-8 character in two.
    while (begin > 0 && begin < line.size() && isContinuationByte(line[begin]))
      --begin;
    while (end < line.size() && isContinuationByte(line[end]))
      ++end;
  }
  std::string out;
  if (begin > 0)
    out += "...";
  unsigned caretCol = begin > 0 ? 3 : 0;
  for (size_t i = begin; i < end; ++i) {
    char c = line[i];
    out += c == '\t' ? ' ' : c;
    if (i < at && !isContinuationByte(c))
      ++caretCol;
  }
  if (end < line.size())
    out += "...";
  caret = caretCol;
  return out;
}

ModelDiagnosticPrinter::ModelDiagnosticPrinter(MLIRContext &context,
                                               llvm::raw_ostream &os,
                                               unsigned maxErrors)
    : context(context), os(os), maxErrors(maxErrors) {
  id = context.getDiagEngine().registerHandler([this](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error &&
        ++errorCount > this->maxErrors) {
      ++hiddenErrors;
      return success();
    }
    print(diag, false);
    for (Diagnostic &note : diag.getNotes())
      print(note, true);
    return success();
  });
}

ModelDiagnosticPrinter::~ModelDiagnosticPrinter() {
  context.getDiagEngine().eraseHandler(id);
}

void ModelDiagnosticPrinter::finish() {
  if (hiddenErrors > 0)
    os << "snnc: note: " << hiddenErrors << " more error"
       << (hiddenErrors == 1 ? "" : "s") << " not shown (only the first "
       << maxErrors << " are)\n";
  os.flush();
}

llvm::StringRef ModelDiagnosticPrinter::sourceLine(const std::string &file,
                                                   unsigned line) {
  auto it = files.find(file);
  if (it == files.end()) {
    auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/true);
    it = files.try_emplace(file, buffer ? std::move(*buffer) : nullptr).first;
  }
  if (!it->second || line == 0)
    return {};
  llvm::StringRef text = it->second->getBuffer();
  for (unsigned l = 1; l < line; ++l) {
    size_t nl = text.find('\n');
    if (nl == llvm::StringRef::npos)
      return {};
    text = text.drop_front(nl + 1);
  }
  return text.take_until([](char c) { return c == '\n' || c == '\r'; });
}

void ModelDiagnosticPrinter::print(Diagnostic &diag, bool isNote) {
  Place place;
  resolve(diag.getLocation(), place);
  if (place.file.empty())
    os << "snnc";
  else {
    os << place.file;
    if (place.line) {
      os << ':' << place.line;
      if (place.col)
        os << ':' << place.col;
    }
  }
  os << ": " << (isNote ? "note" : severityName(diag.getSeverity())) << ": "
     << diag.str();
  // The JSON pointer helps in a JSON file; a .snn file's line is quoted
  // below.
  if (!place.path.empty() && !llvm::StringRef(place.file).ends_with(".snn"))
    os << " [at " << place.path << "]";
  os << '\n';
  llvm::StringRef line = sourceLine(place.file, place.line);
  if (!line.empty()) {
    unsigned caret = 0;
    os << sourceWindow(line, place.col, 120, caret) << '\n';
    if (place.col)
      os.indent(caret) << "^\n";
  }
}

} // namespace snn::compiler
