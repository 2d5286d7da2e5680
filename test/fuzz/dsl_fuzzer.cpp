//===- dsl_fuzzer.cpp - libFuzzer target for the text DSL (.snn) ----------===//
//
// Part of snnc. Feeds arbitrary bytes to the .snn reader and printer, and to
// the whole frontend as `snnc model.snn` would. What must hold for every
// input:
//   - no crash, no sanitizer report, no hang (libFuzzer's -timeout);
//   - a file that is refused comes with at least one diagnostic;
//   - a file that reads: its canonical form (snnc fmt) reads again, to the
//     same document tree, and prints the same (fmt is idempotent); the tree
//     written as JSON reads back as JSON to the same tree, and printed from
//     that (snnc convert) reads to the same tree again;
//   - a model the frontend accepts dumps (--emit=ast) to a JSON model that
//     is accepted again.
// Built by scripts/fuzz with clang (-fsanitize=fuzzer,address,undefined).
//
//===----------------------------------------------------------------------===//

#include "snn/DSL/DSL.h"
#include "snn/Frontend/JSONFrontend.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace snn;
using json::Value;

namespace {

// Imports and data files resolve against a directory that does not exist:
// the inputs never read the fuzzing machine's files by accident.
const char *kPath = "/snn-fuzz-nonexistent/model.snn";
const char *kJSONPath = "/snn-fuzz-nonexistent/model.json";

[[noreturn]] void fail(const char *what, const std::string &text,
                       const std::vector<ast::Diagnostic> &diags = {}) {
  std::fprintf(stderr, "dsl_fuzzer: %s\n--- text ---\n%s\n--- diagnostics ---\n",
               what, text.c_str());
  frontend::printDiagnostics(diags, std::cerr);
  std::abort();
}

void checkDocument(const std::string &text) {
  dsl::Document doc;
  std::vector<ast::Diagnostic> diags;
  dsl::ParseOptions keep;
  keep.expandImports = false;
  if (!dsl::parse(text, kPath, doc, diags, keep)) {
    if (diags.empty())
      fail("refused without a diagnostic", text);
    return;
  }
  std::string formatted = dsl::print(doc);
  dsl::Document again;
  std::vector<ast::Diagnostic> againDiags;
  if (!dsl::parse(formatted, kPath, again, againDiags, keep))
    fail("the formatted text is refused", text + "\n--- formatted ---\n" +
                                              formatted, againDiags);
  if (!json::sameDocument(doc.root, again.root))
    fail("formatting changes the document", text + "\n--- formatted ---\n" +
                                                formatted);
  if (dsl::print(again) != formatted)
    fail("formatting is not idempotent", formatted + "\n--- again ---\n" +
                                              dsl::print(again));
  std::string asJSON = dsl::writeJSON(doc.root);
  Value fromJSON;
  json::ParseError err;
  if (!json::parse(asJSON, fromJSON, err))
    fail(("the JSON written is refused: " + err.message).c_str(),
         text + "\n--- JSON ---\n" + asJSON);
  if (!json::sameDocument(doc.root, fromJSON))
    fail("JSON changes the document", text + "\n--- JSON ---\n" + asJSON);
  std::string converted = dsl::print(fromJSON);
  dsl::Document back;
  std::vector<ast::Diagnostic> backDiags;
  if (!dsl::parse(converted, kPath, back, backDiags, keep) ||
      !json::sameDocument(back.root, fromJSON))
    fail("JSON -> .snn -> tree differs", asJSON + "\n--- .snn ---\n" +
                                             converted, backDiags);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Models are small; megabytes of input only slow the search down.
  if (size > (1u << 16))
    return 0;
  std::string text(reinterpret_cast<const char *>(data), size);
  checkDocument(text);

  std::vector<frontend::Diagnostic> diags;
  auto model = frontend::parseModelText(text, kPath, diags);
  std::ostringstream sink;
  frontend::printDiagnostics(diags, sink);
  if (!model) {
    if (diags.empty())
      fail("model refused without a diagnostic", text);
    return 0;
  }
  std::ostringstream dump;
  frontend::dumpModel(*model, dump);
  std::vector<frontend::Diagnostic> again;
  if (!frontend::parseModelText(dump.str(), kJSONPath, again))
    fail("the dump of an accepted model is refused", dump.str(), again);
  return 0;
}
