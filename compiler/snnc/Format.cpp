//===- Format.cpp - snnc convert, snnc fmt ---------------------------------===//
//
// Part of snnc. Both work on the document tree (frontends/dsl): they check
// the syntax of what they read, not the model's meaning, so a model with
// mistakes can be converted, formatted and then fixed in either form.
//
//===----------------------------------------------------------------------===//

#include "Format.h"

#include "OutputFile.h"
#include "snn/DSL/DSL.h"
#include "snn/Frontend/JSONFrontend.h"
#include "snn/Frontend/JSONReader.h"
#include "snn/Compiler/Diagnostics.h"

#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace snn::driver {

namespace {

bool readText(const std::string &path, std::string &text, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    error = path + ": cannot read";
    return false;
  }
  text = ss.str();
  return true;
}

/// Line `line` (1-based) of `text`, without its end.
std::string lineOf(const std::string &text, unsigned line) {
  size_t start = 0;
  for (unsigned l = 1; l < line; ++l) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos)
      return "";
    start = nl + 1;
  }
  size_t end = text.find_first_of("\r\n", start);
  return text.substr(start, end == std::string::npos ? std::string::npos
                                                     : end - start);
}

bool isDirectory(const std::string &path) {
  return llvm::sys::fs::is_directory(path);
}

} // namespace

void printDiagnosticsWithSource(const std::vector<ast::Diagnostic> &diags,
                                std::ostream &os, size_t maxErrors) {
  std::map<std::string, std::string> files;
  size_t errors = 0, hidden = 0;
  for (const ast::Diagnostic &d : diags) {
    if (d.severity == ast::Severity::Error && ++errors > maxErrors) {
      ++hidden;
      continue;
    }
    frontend::printDiagnostics({d}, os);
    if (!dsl::isDSLPath(d.loc.file) || d.loc.line == 0)
      continue;
    auto it = files.find(d.loc.file);
    if (it == files.end()) {
      std::string text, error;
      if (!readText(d.loc.file, text, error))
        text.clear();
      it = files.emplace(d.loc.file, std::move(text)).first;
    }
    std::string line = lineOf(it->second, d.loc.line);
    if (line.empty())
      continue;
    unsigned caret = 0;
    os << compiler::sourceWindow(line, d.loc.col, 120, caret) << '\n';
    if (d.loc.col)
      os << std::string(caret, ' ') << "^\n";
  }
  if (hidden > 0)
    os << diags.front().loc.file << ": note: " << hidden << " more error"
       << (hidden == 1 ? "" : "s") << " not shown (only the first "
       << maxErrors << " are)\n";
}

int convertMain(const std::vector<std::string> &args) {
  std::string input, output, to;
  auto fail = [](const std::string &message) {
    llvm::errs() << "snnc convert: error: " << message << "\n";
    return 1;
  };
  for (size_t k = 0; k < args.size(); ++k) {
    const std::string &a = args[k];
    if (a == "-o" && k + 1 < args.size())
      output = args[++k];
    else if (a.rfind("--to=", 0) == 0) {
      to = a.substr(5);
      if (to != "json" && to != "snn")
        return fail("--to is json or snn, not '" + to + "'");
    } else if (a == "--help" || a == "-h") {
      llvm::outs()
          << "usage: snnc convert MODEL [-o OUTPUT] [--to=json|snn]\n\n"
             "Rewrites a model from JSON to the text DSL (.snn) or back. "
             "The output's format\nis --to, else OUTPUT's extension, else "
             "the other one; without -o the result\ngoes to standard "
             "output. Imports of a .snn file are read and merged; comments\n"
             "do not carry over to JSON. Only the syntax is checked: a model "
             "with mistakes\nconverts, and `snnc MODEL` reports them in "
             "either form.\n";
      return 0;
    } else if (!a.empty() && a[0] == '-' && a != "-")
      return fail("unknown option '" + a + "' (snnc convert --help)");
    else if (input.empty())
      input = a;
    else
      return fail("one model file, got '" + input + "' and '" + a + "'");
  }
  if (input.empty())
    return fail("which model? (snnc convert MODEL -o OUTPUT)");
  if (isDirectory(input))
    return fail(input + ": is a directory, not a model file");
  bool fromDSL = dsl::isDSLPath(input);
  if (to.empty()) {
    if (dsl::isDSLPath(output))
      to = "snn";
    else if (llvm::StringRef(output).ends_with(".json"))
      to = "json";
    else
      to = fromDSL ? "json" : "snn";
  }
  std::string text, error;
  if (!readText(input, text, error))
    return fail(error);

  dsl::Document doc;
  if (fromDSL) {
    std::vector<ast::Diagnostic> diags;
    if (!dsl::parse(text, input, doc, diags)) {
      printDiagnosticsWithSource(diags, std::cerr);
      return 1;
    }
  } else {
    json::ParseError perr;
    if (!json::parse(text, doc.root, perr)) {
      std::cerr << input << ':' << perr.line << ':' << perr.col
                << ": error: " << perr.message << '\n';
      return 1;
    }
  }
  // Imports are merged: the result stands alone.
  std::string result =
      to == "json" ? dsl::writeJSON(doc.root) : dsl::print(doc.root);
  OutputFile out;
  std::vector<InputFile> inputs = {{input, "the model file", ""}};
  for (const std::string &f : doc.files)
    inputs.push_back({f, "a file the model imports", ""});
  if (!out.open(output.empty() ? "-" : output, /*executable=*/false, inputs,
                error) ||
      !out.write(result, error))
    return fail(error);
  return 0;
}

int fmtMain(const std::vector<std::string> &args) {
  std::vector<std::string> files;
  bool inPlace = false, check = false;
  auto fail = [](const std::string &message) {
    llvm::errs() << "snnc fmt: error: " << message << "\n";
    return 1;
  };
  for (const std::string &a : args) {
    if (a == "-i" || a == "--in-place")
      inPlace = true;
    else if (a == "--check")
      check = true;
    else if (a == "--help" || a == "-h") {
      llvm::outs()
          << "usage: snnc fmt [-i | --check] FILE.snn...\n\n"
             "Prints each file in the canonical form of the text DSL "
             "(docs/dsl.md): the\nsame model, comments kept, laid out one "
             "way. -i rewrites the files that\nchange; --check writes "
             "nothing and fails, naming them, when some would.\n";
      return 0;
    } else if (!a.empty() && a[0] == '-')
      return fail("unknown option '" + a + "' (snnc fmt --help)");
    else
      files.push_back(a);
  }
  if (files.empty())
    return fail("which files? (snnc fmt FILE.snn)");
  if (inPlace && check)
    return fail("-i and --check do not go together");
  if (!inPlace && !check && files.size() > 1)
    return fail("several files need -i or --check (printing them one "
                "after the other would not give a model)");
  int code = 0;
  for (const std::string &path : files) {
    if (!dsl::isDSLPath(path)) {
      code = fail(path + ": not a .snn file (snnc convert turns JSON into "
                         ".snn)");
      continue;
    }
    if (isDirectory(path)) {
      code = fail(path + ": is a directory");
      continue;
    }
    std::string text, error;
    if (!readText(path, text, error)) {
      code = fail(error);
      continue;
    }
    dsl::Document doc;
    std::vector<ast::Diagnostic> diags;
    dsl::ParseOptions options;
    options.expandImports = false;
    if (!dsl::parse(text, path, doc, diags, options)) {
      printDiagnosticsWithSource(diags, std::cerr);
      code = 1;
      continue;
    }
    std::string formatted = dsl::print(doc);
    if (check) {
      if (formatted != text) {
        llvm::outs() << path << ": not formatted (snnc fmt -i " << path
                     << ")\n";
        code = 1;
      }
      continue;
    }
    if (!inPlace) {
      llvm::outs() << formatted;
      continue;
    }
    if (formatted == text)
      continue;
    // Written beside and renamed over the file: keep its permissions.
    llvm::ErrorOr<llvm::sys::fs::perms> mode =
        llvm::sys::fs::getPermissions(path);
    OutputFile out;
    if (!out.open(path, /*executable=*/false, {}, error) ||
        !out.write(formatted, error)) {
      code = fail(error);
      continue;
    }
    if (mode)
      (void)llvm::sys::fs::setPermissions(path, *mode);
  }
  return code;
}

} // namespace snn::driver
