//===- OutputFile.cpp - Where snnc writes, and what it must not touch -----===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#include "OutputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace snn::driver;

namespace {

std::string quoted(llvm::StringRef path) { return "'" + path.str() + "'"; }

/// What kind of file `st` is, for messages.
const char *fileKind(const struct stat &st) {
  if (S_ISDIR(st.st_mode))
    return "a directory";
  if (S_ISFIFO(st.st_mode))
    return "a pipe";
  if (S_ISCHR(st.st_mode))
    return "a character device";
  if (S_ISBLK(st.st_mode))
    return "a block device";
  if (S_ISSOCK(st.st_mode))
    return "a socket";
  if (S_ISLNK(st.st_mode))
    return "a symbolic link";
  return "not a regular file";
}

} // namespace

bool snn::driver::writeAll(int fd, llvm::StringRef bytes, std::string &error) {
  const char *p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      error = std::strerror(errno);
      return false;
    }
    p += n;
    left -= size_t(n);
  }
  return true;
}

bool OutputFile::open(const std::string &path, bool executable,
                      const std::vector<InputFile> &inputs,
                      std::string &error) {
  path_ = path;
  if (path == "-") {
    kind_ = Kind::Stdout;
    return true;
  }
  if (path.empty()) {
    error = "the output path is empty";
    return false;
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      error = "cannot write " + quoted(path) + ": " + std::strerror(errno);
      return false;
    }
    // A new file: its directory must exist (the temporary goes there).
    llvm::StringRef dir = llvm::sys::path::parent_path(path);
    struct stat dirStat;
    if (!dir.empty() && (::stat(dir.str().c_str(), &dirStat) != 0 ||
                         !S_ISDIR(dirStat.st_mode))) {
      error = "cannot write " + quoted(path) + ": " + quoted(dir) +
              " is not a directory";
      return false;
    }
    kind_ = Kind::Regular;
    return true;
  }
  // By identity: `-o model.json`, `-o ./model.json`, a hard or symbolic link
  // to the model or to one of its data files.
  for (const InputFile &input : inputs) {
    struct stat in;
    if (::stat(input.path.c_str(), &in) != 0)
      continue;
    if (in.st_dev == st.st_dev && in.st_ino == st.st_ino) {
      error = "refusing to write the output to " + quoted(path) + ": it is " +
              input.role + " " + input.path +
              (input.jsonPath.empty() ? "" : " [at " + input.jsonPath + "]") +
              "; choose another output path";
      return false;
    }
  }
  if (S_ISREG(st.st_mode)) {
    kind_ = Kind::Regular;
    return true;
  }
  bool stream = S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode);
  if (!stream || executable) {
    error = "refusing to write the output to " + quoted(path) + ": it is " +
            fileKind(st) + ", not a regular file" +
            (executable ? "; a simulator must be written to a file"
                        : "");
    return false;
  }
  kind_ = Kind::Stream;
  return true;
}

bool OutputFile::write(llvm::StringRef bytes, std::string &error) const {
  std::string why;
  switch (kind_) {
  case Kind::Stdout:
    if (!writeAll(STDOUT_FILENO, bytes, why)) {
      error = "cannot write to standard output: " + why;
      return false;
    }
    return true;
  case Kind::Stream: {
    int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      error = "cannot open " + quoted(path_) + ": " + std::strerror(errno);
      return false;
    }
    bool ok = writeAll(fd, bytes, why);
    if (::close(fd) != 0 && ok) {
      ok = false;
      why = std::strerror(errno);
    }
    if (!ok)
      error = "cannot write " + quoted(path_) + ": " + why;
    return ok;
  }
  case Kind::Regular: {
    std::string temp;
    if (!createTemporary(temp, error))
      return false;
    int fd = ::open(temp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    bool ok = fd >= 0;
    if (!ok)
      why = std::strerror(errno);
    ok = ok && writeAll(fd, bytes, why);
    if (fd >= 0 && ::close(fd) != 0 && ok) {
      ok = false;
      why = std::strerror(errno);
    }
    if (!ok) {
      discard(temp);
      error = "cannot write " + quoted(path_) + ": " + why;
      return false;
    }
    return commit(temp, error);
  }
  }
  return false;
}

bool OutputFile::createTemporary(std::string &tempPath,
                                 std::string &error) const {
  llvm::SmallString<256> model(llvm::sys::path::parent_path(path_));
  llvm::sys::path::append(
      model, "." + llvm::sys::path::filename(path_).str() + ".tmp-%%%%%%");
  llvm::SmallString<256> temp;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, temp)) {
    error = "cannot create a temporary file next to " + quoted(path_) + ": " +
            ec.message();
    return false;
  }
  ::close(fd);
  tempPath = temp.str().str();
  // An interrupt (SIGINT, SIGTERM) removes it: LLVM's signal handlers.
  llvm::sys::RemoveFileOnSignal(tempPath);
  return true;
}

bool OutputFile::commit(const std::string &tempPath, std::string &error) const {
  if (std::error_code ec = llvm::sys::fs::rename(tempPath, path_)) {
    discard(tempPath);
    error = "cannot write " + quoted(path_) + ": " + ec.message();
    return false;
  }
  llvm::sys::DontRemoveFileOnSignal(tempPath);
  return true;
}

void OutputFile::discard(const std::string &tempPath) {
  llvm::sys::fs::remove(tempPath);
  llvm::sys::DontRemoveFileOnSignal(tempPath);
}
