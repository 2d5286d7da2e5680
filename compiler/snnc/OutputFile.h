//===- OutputFile.h - Where snnc writes, and what it must not touch -*- C++ -*-===//
//
// Part of snnc. The driver decides where a stage's output goes before it
// compiles anything, so that a bad `-o` fails fast and can never destroy an
// input:
//
//  - an output that is one of the inputs (the model file or a data file it
//    names), compared by identity (device and inode), not by name, is
//    refused, whatever the spelling, hard link or symbolic link;
//  - an output that exists and is not a regular file is refused for the
//    simulator executable; printed stages (--emit=...) may write into a pipe
//    or a character device (a terminal, /dev/null), as shells expect;
//  - a regular file is written to a temporary name in the same directory and
//    renamed over the destination only when complete: a failure at any point
//    (disk full, file size limit, interrupt) leaves the previous file as it
//    was and no temporary behind.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_OUTPUTFILE_H
#define SNNC_OUTPUTFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"

#include <string>
#include <vector>

namespace snn::driver {

/// A file the compilation reads, with what it is to the user ("the model
/// file", "a data file of the model") and where the model names it (a JSON
/// pointer, or empty).
struct InputFile {
  std::string path;
  std::string role;
  std::string jsonPath;
};

class OutputFile {
public:
  enum class Kind {
    Stdout,  ///< "-": standard output
    Stream,  ///< an existing pipe or character device, written in place
    Regular, ///< a regular file (existing or not): temporary + rename
  };

  /// Checks `path` as the output of a stage and decides how to write it.
  /// `executable`: the linked simulator (must be a regular file).
  /// Returns false with `error` set (a complete sentence without the
  /// "snnc: error: " prefix) when the output must be refused.
  bool open(const std::string &path, bool executable,
            const std::vector<InputFile> &inputs, std::string &error);

  Kind kind() const { return kind_; }
  const std::string &path() const { return path_; }

  /// Writes `bytes` as the whole output (atomically for regular files).
  bool write(llvm::StringRef bytes, std::string &error) const;

  /// A fresh temporary file next to the output (same directory, so the
  /// final rename cannot cross file systems), removed on SIGINT/SIGTERM
  /// until commit() or discard(). For outputs produced by another program
  /// (the linker).
  bool createTemporary(std::string &tempPath, std::string &error) const;
  /// Renames the temporary over the output.
  bool commit(const std::string &tempPath, std::string &error) const;
  /// Removes the temporary.
  static void discard(const std::string &tempPath);

private:
  Kind kind_ = Kind::Regular;
  std::string path_;
};

/// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
bool writeAll(int fd, llvm::StringRef bytes, std::string &error);

} // namespace snn::driver

#endif // SNNC_OUTPUTFILE_H
