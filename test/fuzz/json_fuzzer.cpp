//===- json_fuzzer.cpp - libFuzzer target for the JSON frontend ----------===//
//
// Part of snnc. Feeds arbitrary bytes to the JSON frontend (the reader, the
// converter to the AST, the checker, the data-file checks), as `snnc
// model.json` would. What must hold for every input:
//   - no crash, no sanitizer report, no hang (libFuzzer's -timeout);
//   - a model that is refused comes with at least one diagnostic;
//   - a model that is accepted dumps (--emit=ast) to a model that is
//     accepted again and dumps to the same text.
// Built by scripts/fuzz with clang (-fsanitize=fuzzer,address,undefined).
//
//===----------------------------------------------------------------------===//

#include "snn/Frontend/JSONFrontend.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace snn;

namespace {

// Relative data files resolve against a directory that does not exist:
// the inputs never read the fuzzing machine's files by accident.
const char *kPath = "/snn-fuzz-nonexistent/model.json";

[[noreturn]] void fail(const char *what, const std::string &text,
                       const std::vector<frontend::Diagnostic> &diags) {
  std::fprintf(stderr, "json_fuzzer: %s\n--- text ---\n%s\n--- diagnostics ---\n",
               what, text.c_str());
  frontend::printDiagnostics(diags, std::cerr);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Models are small; megabytes of input only slow the search down.
  if (size > (1u << 16))
    return 0;
  std::string text(reinterpret_cast<const char *>(data), size);
  std::vector<frontend::Diagnostic> diags;
  auto model = frontend::parseModelText(text, kPath, diags);
  std::ostringstream sink;
  frontend::printDiagnostics(diags, sink);
  if (!model) {
    if (diags.empty())
      fail("refused without a diagnostic", text, diags);
    return 0;
  }
  std::ostringstream first;
  frontend::dumpModel(*model, first);
  std::vector<frontend::Diagnostic> again;
  auto reparsed = frontend::parseModelText(first.str(), kPath, again);
  if (!reparsed)
    fail("the dump of an accepted model is refused", first.str(), again);
  std::ostringstream second;
  frontend::dumpModel(*reparsed, second);
  if (first.str() != second.str())
    fail("dumping the dump changes it", first.str() + "\n--- second ---\n" +
                                            second.str(),
         again);
  return 0;
}
