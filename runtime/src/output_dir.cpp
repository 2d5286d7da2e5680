//===- output_dir.cpp - One complete run per output directory -------------===//

#include "output_dir.h"

#include "snnrt/io.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include <dirent.h>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace snnrt {
namespace detail {

namespace fs = std::filesystem;

namespace {

std::string errnoText(int e) { return std::strerror(e); }

/// The output directory, resolved.
struct Target {
  std::string path;   ///< the directory replaced (symbolic links resolved)
  std::string parent; ///< where the staging directory goes
  std::string name;   ///< the last component of path
  bool exists = false;
};

std::string stripTrailingSlashes(std::string p) {
  while (p.size() > 1 && p.back() == '/')
    p.pop_back();
  return p;
}

bool realPath(const std::string &p, std::string &out, int &err) {
  char *r = ::realpath(p.c_str(), nullptr);
  if (!r) {
    err = errno;
    return false;
  }
  out = r;
  std::free(r);
  return true;
}

void splitPath(const std::string &abs, std::string &parent, std::string &name) {
  size_t slash = abs.rfind('/');
  parent = slash == 0 ? "/" : abs.substr(0, slash);
  name = abs.substr(slash + 1);
}

/// A writable, searchable directory (where the staging directory is made and
/// renamed). EROFS is what access() says on a read-only file system.
bool checkWritableDir(const std::string &dirShown, const std::string &path,
                      const std::string &what, std::string &error) {
  if (::access(path.c_str(), W_OK | X_OK) == 0)
    return true;
  int e = errno;
  error = dirShown + ": cannot write a run there: " + what + " " + path +
          " is not writable (" + errnoText(e) +
          "); a run is written beside its output directory, then moved "
          "into place";
  return false;
}

/// Resolves the output directory `dir`. A symbolic link is followed: the
/// directory it points to is replaced, beside itself, and the link stays.
/// With `createParents`, a missing parent is created; otherwise the nearest
/// existing ancestor must be a writable directory.
bool resolveTarget(const std::string &dir, bool createParents, Target &t,
                   std::string &error) {
  t = Target();
  if (dir.empty()) {
    error = "empty output directory";
    return false;
  }
  std::string p = stripTrailingSlashes(dir);
  struct stat lst;
  if (::lstat(p.c_str(), &lst) == 0) {
    struct stat st = lst;
    if (S_ISLNK(lst.st_mode) && ::stat(p.c_str(), &st) != 0) {
      int e = errno;
      char buf[PATH_MAX];
      ssize_t n = ::readlink(p.c_str(), buf, sizeof buf - 1);
      std::string to = n > 0 ? std::string(buf, size_t(n)) : "?";
      error = dir + ": is a symbolic link to " + to + ", which " +
              (e == ENOENT ? std::string("does not exist")
                           : "cannot be reached (" + errnoText(e) + ")") +
              ": create that directory or choose another output directory";
      return false;
    }
    if (!S_ISDIR(st.st_mode)) {
      error = dir + ": not a directory";
      return false;
    }
    int e = 0;
    if (!realPath(p, t.path, e)) {
      error = dir + ": " + errnoText(e);
      return false;
    }
    if (t.path == "/") {
      error = dir + ": is the root directory: choose a directory for the "
                    "run's outputs";
      return false;
    }
    splitPath(t.path, t.parent, t.name);
    t.exists = true;
    return true;
  }
  int e = errno;
  if (e != ENOENT) {
    error = dir + ": " +
            (e == ENOTDIR ? std::string("not a directory") : errnoText(e));
    return false;
  }

  // It does not exist: it will be created by the final rename, in its
  // parent (created if missing).
  fs::path fp(p);
  std::string name = fp.filename().string();
  if (name.empty() || name == "." || name == "..") {
    error = dir + ": cannot be created (a path ending in '" + name + "')";
    return false;
  }
  std::string parent = fp.has_parent_path() ? fp.parent_path().string() : ".";
  if (createParents) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
      error = dir + ": cannot create output directory: " + ec.message();
      return false;
    }
  } else {
    // The nearest existing ancestor must let us create what is missing.
    fs::path a = fs::path(parent);
    for (;;) {
      struct stat st;
      if (::stat(a.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
          error = dir + ": cannot create output directory: " + a.string() +
                  " is not a directory";
          return false;
        }
        if (::access(a.c_str(), W_OK | X_OK) != 0) {
          int ae = errno;
          error = dir + ": cannot create output directory: " + a.string() +
                  " is not writable (" + errnoText(ae) + ")";
          return false;
        }
        break;
      }
      if (errno != ENOENT || !a.has_parent_path() || a.parent_path() == a) {
        int se = errno;
        error = dir + ": cannot create output directory: " + a.string() + ": " +
                errnoText(se);
        return false;
      }
      a = a.parent_path();
    }
    struct stat st;
    if (::stat(parent.c_str(), &st) != 0) {
      t.name = name; // the parent is created later, by begin()
      return true;
    }
  }
  if (!realPath(parent, t.parent, e)) {
    error = dir + ": cannot create output directory: " + parent + ": " +
            errnoText(e);
    return false;
  }
  t.name = name;
  t.path = (t.parent == "/" ? "" : t.parent) + "/" + name;
  return true;
}

/// Reads the "files" list of `dir`/summary.json when it is a run's summary
/// (a JSON object whose "files" array of names includes summary.json).
bool readRunFileList(const std::string &dir, std::set<std::string> &files) {
  std::string path = dir + "/summary.json";
  struct stat st;
  // A summary is a few kilobytes; never read a huge file to find out.
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      st.st_size > (64 << 20))
    return false;
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return false;
  std::string text(size_t(st.st_size), '\0');
  size_t n = std::fread(text.data(), 1, text.size(), f);
  std::fclose(f);
  text.resize(n);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("files") || !j["files"].is_array())
    return false;
  std::set<std::string> names;
  for (const auto &v : j["files"]) {
    if (!v.is_string())
      return false;
    names.insert(v.get<std::string>());
  }
  if (!names.count("summary.json"))
    return false;
  files = std::move(names);
  return true;
}

struct DirEntry {
  std::string name;
  bool regular = false, directory = false;
};

bool listDir(const std::string &path, std::vector<DirEntry> &entries,
             int &err) {
  entries.clear();
  DIR *d = ::opendir(path.c_str());
  if (!d) {
    err = errno;
    return false;
  }
  errno = 0;
  while (struct dirent *e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..")
      continue;
    DirEntry de;
    de.name = n;
    struct stat st;
    if (::fstatat(::dirfd(d), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      de.regular = S_ISREG(st.st_mode);
      de.directory = S_ISDIR(st.st_mode);
    }
    entries.push_back(de);
    errno = 0;
  }
  err = errno;
  ::closedir(d);
  std::sort(
      entries.begin(), entries.end(),
      [](const DirEntry &a, const DirEntry &b) { return a.name < b.name; });
  return err == 0;
}

/// The entries of an existing output directory that are not part of a
/// previous run: all of them unless its summary.json lists them (regular
/// files only; a run never writes anything else).
bool foreignEntries(const std::string &dirShown, const std::string &path,
                    std::vector<std::string> &foreign, bool &empty,
                    std::string &error) {
  std::vector<DirEntry> entries;
  int err = 0;
  if (!listDir(path, entries, err)) {
    error = dirShown + ": cannot read the directory: " + errnoText(err);
    return false;
  }
  empty = entries.empty();
  std::set<std::string> ours;
  readRunFileList(path, ours);
  foreign.clear();
  for (const DirEntry &e : entries)
    if (!e.regular || !ours.count(e.name))
      foreign.push_back(e.name + (e.directory ? "/" : ""));
  return true;
}

bool checkNotCurrentDirectory(const std::string &dirShown, const Target &t,
                              std::string &error) {
  std::string cwd;
  int e = 0;
  if (!realPath(".", cwd, e))
    return true; // no current directory to protect
  if (cwd == t.path || (cwd.size() > t.path.size() &&
                        cwd.compare(0, t.path.size(), t.path) == 0 &&
                        cwd[t.path.size()] == '/')) {
    error = dirShown +
            (cwd == t.path ? ": is the current directory"
                           : ": holds the current directory (" + cwd + ")") +
            ": a run replaces its output directory as a whole; choose a new "
            "directory (e.g. --out snn-out)";
    return false;
  }
  return true;
}

/// A mount point cannot be swapped with a directory beside it.
bool checkNotMountPoint(const std::string &dirShown, const Target &t,
                        std::string &error) {
  bool mountRoot = false;
#ifdef STATX_ATTR_MOUNT_ROOT
  struct statx sx;
  if (::statx(AT_FDCWD, t.path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS,
              &sx) == 0 &&
      (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)) {
    mountRoot = (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  } else
#endif
  {
    struct stat a, b;
    mountRoot = ::stat(t.path.c_str(), &a) == 0 &&
                ::stat(t.parent.c_str(), &b) == 0 && a.st_dev != b.st_dev;
  }
  if (mountRoot) {
    error = dirShown +
            ": is a mount point: a run is written beside its output "
            "directory and moved into place, which a mount point does not "
            "allow; choose a directory inside it (e.g. " +
            stripTrailingSlashes(dirShown) + "/run)";
    return false;
  }
  return true;
}

std::string listNames(const std::vector<std::string> &names) {
  std::string s;
  size_t shown = std::min<size_t>(names.size(), 3);
  for (size_t i = 0; i < shown; ++i)
    s += (i ? ", " : "") + names[i];
  if (names.size() > shown)
    s += ", and " + std::to_string(names.size() - shown) + " more";
  return s;
}

/// The checks of an existing output directory (beyond resolving it).
bool checkExisting(const std::string &dirShown, const Target &t,
                   std::string &error) {
  if (!checkNotCurrentDirectory(dirShown, t, error) ||
      !checkNotMountPoint(dirShown, t, error))
    return false;
  std::vector<std::string> foreign;
  bool empty = true;
  if (!foreignEntries(dirShown, t.path, foreign, empty, error))
    return false;
  if (!foreign.empty()) {
    error = dirShown + ": holds files that are not from a simulator run (" +
            listNames(foreign) +
            "): a run replaces its output directory as a whole, so choose a "
            "new or empty directory";
    return false;
  }
  if (!checkWritableDir(dirShown, t.parent, "its parent directory", error))
    return false;
  if (!empty && ::access(t.path.c_str(), W_OK | X_OK) != 0) {
    int e = errno;
    error = dirShown + ": is not writable (" + errnoText(e) +
            "): the previous run in it could not be removed";
    return false;
  }
  return true;
}

bool checkNameLength(const std::string &dirShown, const Target &t,
                     std::string &error) {
  // The staging directory's name is the longest we make.
  if (stagingName(t.name, long(INT32_MAX)).size() > NAME_MAX) {
    error = dirShown +
            ": name too long (a run is written beside it in a "
            "directory named " +
            stagingName(t.name, ::getpid()) + ")";
    return false;
  }
  return true;
}

/// Removes a staging directory: its regular files (a staging directory holds
/// nothing else), then the directory itself. Anything else found in it
/// (which we never write) is left, and so is the directory.
void removeFilesAndDir(const std::string &path) {
  std::vector<DirEntry> entries;
  int err = 0;
  listDir(path, entries, err);
  for (const DirEntry &e : entries)
    if (e.regular)
      ::unlink((path + "/" + e.name).c_str());
  ::rmdir(path.c_str());
}

/// Removes a previous run swapped out of the output directory: its
/// summary.json and the regular files it lists, then the directory. What
/// else it holds (a file created in the instant between the last check and
/// the swap) is left.
void removeOldRun(const std::string &path) {
  std::set<std::string> ours;
  readRunFileList(path, ours);
  std::vector<DirEntry> entries;
  int err = 0;
  listDir(path, entries, err);
  for (const DirEntry &e : entries)
    if (e.regular && ours.count(e.name))
      ::unlink((path + "/" + e.name).c_str());
  ::rmdir(path.c_str());
}

/// Staging directories of `name` in `parent` left by simulators that were
/// killed (SIGKILL, a crash, power loss): their process is gone, and they
/// hold only regular files. (A staging directory of a run in progress
/// belongs to a live process and is left alone.)
void removeStaleStaging(const std::string &parent, const std::string &name) {
  std::vector<DirEntry> entries;
  int err = 0;
  if (!listDir(parent, entries, err))
    return;
  for (const char *kind : {".snn-staging.", ".snn-old."}) {
    std::string prefix = "." + name + std::string(kind);
    for (const DirEntry &e : entries) {
      if (!e.directory || e.name.compare(0, prefix.size(), prefix) != 0)
        continue;
      std::string digits = e.name.substr(prefix.size());
      if (digits.empty() || digits.size() > 10 ||
          digits.find_first_not_of("0123456789") != std::string::npos)
        continue;
      long pid = std::strtol(digits.c_str(), nullptr, 10);
      if (pid <= 0 || pid == long(::getpid()) ||
          !(::kill(pid_t(pid), 0) != 0 && errno == ESRCH))
        continue;
      std::string path = parent + "/" + e.name;
      std::vector<DirEntry> inside;
      int ierr = 0;
      if (!listDir(path, inside, ierr) ||
          !std::all_of(inside.begin(), inside.end(),
                       [](const DirEntry &x) { return x.regular; }))
        continue;
      removeFilesAndDir(path);
    }
  }
}

/// fsync of a directory (its entries). EINVAL: the file system cannot sync
/// directories, which is not an error.
int syncDir(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  int e = 0;
  if (::fsync(fd) != 0 && errno != EINVAL)
    e = errno;
  ::close(fd);
  return e;
}

int renameExchange(const std::string &a, const std::string &b) {
  if (outputFaults().noExchange)
    return EINVAL;
#if defined(SYS_renameat2)
  if (::syscall(SYS_renameat2, AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(),
                (unsigned)(1u << 1) /* RENAME_EXCHANGE */) == 0)
    return 0;
  return errno;
#else
  return ENOSYS;
#endif
}

std::string renameProblem(int e) {
  if (e == EXDEV || e == EBUSY)
    return errnoText(e) + " (is it a mount point?)";
  return errnoText(e);
}

} // namespace

OutputFaults &outputFaults() {
  static OutputFaults faults;
  return faults;
}

std::string stagingName(const std::string &name, long pid) {
  return "." + name + ".snn-staging." + std::to_string(pid);
}

bool checkOutputDir(const std::string &dir, std::string &error) {
  Target t;
  if (!resolveTarget(dir, false, t, error) || !checkNameLength(dir, t, error))
    return false;
  return !t.exists || checkExisting(dir, t, error);
}

StagedOutputDir::StagedOutputDir(std::string dir) : dir_(std::move(dir)) {}

StagedOutputDir::~StagedOutputDir() { discard(); }

void StagedOutputDir::discard() {
  if (staging_.empty())
    return;
  for (const std::string &f : written_)
    ::unlink((staging_ + "/" + f).c_str());
  removeFilesAndDir(staging_);
  staging_.clear();
  written_.clear();
}

bool StagedOutputDir::begin(std::string &error) {
  discard();
  Target t;
  if (!resolveTarget(dir_, true, t, error) || !checkNameLength(dir_, t, error))
    return false;
  if (t.exists && !checkExisting(dir_, t, error))
    return false;
  if (!t.exists &&
      !checkWritableDir(dir_, t.parent, "its parent directory", error))
    return false;
  parent_ = t.parent;
  name_ = t.name;
  removeStaleStaging(parent_, name_);
  std::string staging = parent_ + "/" + stagingName(name_, ::getpid());
  if (::mkdir(staging.c_str(), 0777) != 0) {
    int e = errno;
    error = dir_ + ": cannot create the staging directory " + staging + ": " +
            errnoText(e);
    return false;
  }
  staging_ = staging;
  return true;
}

bool StagedOutputDir::add(const std::string &file, const std::string &contents,
                          std::string &error) {
  std::string shown = (fs::path(dir_) / file).string();
  if (staging_.empty()) {
    error = shown + ": no staging directory (begin() failed or was not called)";
    return false;
  }
  std::string path = staging_ + "/" + file;
  const OutputFaults &faults = outputFaults();
  if (faults.beforeAdd)
    faults.beforeAdd(file);
  if (!faults.failFile.empty() && faults.failFile == file) {
    // Half the file reaches the disk, then the device is full.
    std::string ignored;
    if (writeNewFile(path, contents.substr(0, contents.size() / 2), ignored,
                     shown))
      written_.push_back(file);
    error = shown + ": write error: " + errnoText(faults.failErrno);
    return false;
  }
  if (!writeNewFile(path, contents, error, shown))
    return false;
  written_.push_back(file);
  return true;
}

bool StagedOutputDir::commit(std::string &error) {
  if (staging_.empty()) {
    error = dir_ + ": nothing to commit (begin() failed or was not called)";
    return false;
  }
  auto fail = [&](const std::string &msg) {
    error = msg;
    discard();
    return false;
  };
  if (int e = syncDir(staging_))
    return fail(dir_ + ": cannot flush the staging directory " + staging_ +
                " to disk: " + errnoText(e));

  // The output directory may have changed during the run (a user's file put
  // in it, the directory created, a link retargeted): check it again, just
  // before it is replaced.
  Target t;
  if (!resolveTarget(dir_, true, t, error))
    return fail(error);
  if (t.parent != parent_ || t.name != name_)
    return fail(dir_ + ": now resolves to " + t.path +
                ", not the directory it was when the run began (" + parent_ +
                "/" + name_ + "): nothing was written");
  if (!t.exists) {
    if (std::rename(staging_.c_str(), t.path.c_str()) == 0) {
      staging_.clear();
      written_.clear();
      if (int se = syncDir(parent_)) {
        error = dir_ +
                ": written, but its parent directory could not be "
                "flushed to disk: " +
                errnoText(se);
        return false;
      }
      return true;
    }
    int e = errno;
    if (e != EEXIST && e != ENOTEMPTY)
      return fail(dir_ +
                  ": cannot move the run into place: " + renameProblem(e));
    // Created meanwhile: replace it like any existing output directory.
    if (!resolveTarget(dir_, true, t, error))
      return fail(error);
  }
  if (!checkExisting(dir_, t, error))
    return fail(error + " (found when moving the finished run into place: "
                        "nothing was written)");

  // The output directory keeps its permissions.
  struct stat st;
  if (::stat(t.path.c_str(), &st) == 0)
    ::chmod(staging_.c_str(), st.st_mode & 07777);

  std::string old;
  int e = renameExchange(staging_, t.path);
  if (e == 0) {
    old = staging_; // now holds the previous run
  } else if (e == EINVAL || e == ENOSYS || e == ENOTSUP) {
    // No atomic exchange on this file system: move the previous run aside,
    // then the new one in (for an instant there is no output directory),
    // and put the previous run back if the second rename fails.
    old = parent_ + "/." + name_ + ".snn-old." + std::to_string(::getpid());
    if (std::rename(t.path.c_str(), old.c_str()) != 0) {
      int re = errno;
      return fail(dir_ +
                  ": cannot move the previous run aside: " + renameProblem(re));
    }
    if (std::rename(staging_.c_str(), t.path.c_str()) != 0) {
      int re = errno;
      std::rename(old.c_str(), t.path.c_str());
      return fail(dir_ +
                  ": cannot move the run into place: " + renameProblem(re));
    }
  } else {
    return fail(dir_ + ": cannot move the run into place: " + renameProblem(e));
  }
  staging_.clear();
  written_.clear();
  removeOldRun(old);
  if (int se = syncDir(parent_)) {
    error = dir_ +
            ": written, but its parent directory could not be "
            "flushed to disk: " +
            errnoText(se);
    return false;
  }
  return true;
}

} // namespace detail
} // namespace snnrt
