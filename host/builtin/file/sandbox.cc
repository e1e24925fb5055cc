#include "host/builtin/file/sandbox.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <set>
#include <system_error>
#include <utility>

#include "host/builtin/file/path.h"

namespace parigot::builtin::file {
namespace {

namespace pb = ::parigot::file::v1;

// How often a resolution that a concurrent rename or mount disturbed
// (EAGAIN from openat2) is tried again before it counts as a failure.
constexpr int kResolveAttempts = 8;

// "" (the sandbox itself) as a path openat2 takes.
std::string AsRelative(std::string_view path) {
  return path.empty() ? std::string(".") : std::string(path);
}

std::string Quoted(std::string_view path) { return "\"" + std::string(path) + "\""; }

FileInfo InfoOf(const struct stat& st) {
  FileInfo info;
  if (S_ISREG(st.st_mode)) {
    info.kind = pb::KIND_FILE;
  } else if (S_ISDIR(st.st_mode)) {
    info.kind = pb::KIND_DIRECTORY;
  } else if (S_ISLNK(st.st_mode)) {
    info.kind = pb::KIND_SYMLINK;
  } else {
    info.kind = pb::KIND_OTHER;
  }
  info.size = st.st_size;
  info.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  return info;
}

// fsync of a directory, so that the entries changed in it are on disk.
FileResult<Done> SyncDir(const UniqueFd& dir, std::string_view path) {
  if (::fsync(dir.get()) != 0) return ErrnoError(errno, "fsync of directory " + Quoted(path));
  return Done{};
}

}  // namespace

Result<std::unique_ptr<Sandbox>> Sandbox::Open(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return InternalError("cannot make the sandbox directory " + dir.string() + ": " +
                         error.message());
  }
  UniqueFd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) {
    return InternalError("cannot open the sandbox directory " + dir.string() + ": " +
                         std::strerror(errno));
  }
  std::unique_ptr<Sandbox> sandbox(new Sandbox(std::move(root)));
  // Without openat2 nothing keeps links from leading out: refuse to serve.
  FileResult<UniqueFd> probe = sandbox->Resolve("", O_PATH | O_DIRECTORY);
  if (!probe.ok()) {
    return InternalError("the file service needs openat2 (Linux 5.6 or later), which " +
                         probe.status().message);
  }
  return sandbox;
}

FileResult<UniqueFd> Sandbox::Resolve(std::string_view path, int flags, mode_t mode) const {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  // openat2 refuses a mode without O_CREAT.
  how.mode = (flags & O_CREAT) != 0 ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const std::string relative = AsRelative(path);
  for (int attempt = 1;; ++attempt) {
    const long fd = ::syscall(SYS_openat2, root_.get(), relative.c_str(), &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    const int err = errno;
    if (err == EINTR || (err == EAGAIN && attempt < kResolveAttempts)) continue;
    return ErrnoError(err, "openat2 " + Quoted(path));
  }
}

FileResult<UniqueFd> Sandbox::OpenDir(std::string_view path) const {
  return Resolve(path, O_RDONLY | O_DIRECTORY);
}

FileResult<UniqueFd> Sandbox::OpenFile(std::string_view path,
                                       const OpenOptions& options) const {
  if (FileResult<Done> checked = CheckPath(path, RootPath::kRefused); !checked.ok()) {
    return checked.status();
  }
  const bool writable = options.access != Access::kRead;
  if ((options.create || options.truncate) && !writable) {
    return Error(pb::InvalidArgument, "create and truncate need a writable mode");
  }
  if (options.exclusive && !options.create) {
    return Error(pb::InvalidArgument, "exclusive goes with create");
  }
  int flags = options.access == Access::kRead    ? O_RDONLY
              : options.access == Access::kWrite ? O_WRONLY
                                                 : O_RDWR;
  // O_NONBLOCK: opening a FIFO must not wait for its other end (it is
  // refused just after); regular files ignore the flag.
  flags |= O_NOCTTY | O_NONBLOCK;
  const int truncate = options.truncate ? O_TRUNC : 0;
  UniqueFd fd;
  bool created = false;
  if (!options.create) {
    FileResult<UniqueFd> opened = Resolve(path, flags | truncate);
    if (!opened.ok()) return opened;
    fd = std::move(*opened);
  } else {
    // O_EXCL first, to know whether the file is new (its directory then
    // needs an fsync); then the existing file, which may have gone in
    // between: try again a few times.
    for (int attempt = 1; !fd.valid(); ++attempt) {
      FileResult<UniqueFd> made = Resolve(path, flags | O_CREAT | O_EXCL, 0666);
      if (made.ok()) {
        fd = std::move(*made);
        created = true;
        break;
      }
      if (made.status().code != pb::AlreadyExists || options.exclusive) return made;
      FileResult<UniqueFd> existing = Resolve(path, flags | truncate);
      if (existing.ok()) {
        fd = std::move(*existing);
      } else if (existing.status().code != pb::NotFound || attempt == 3) {
        return existing;
      }
    }
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError(errno, "fstat " + Quoted(path));
  if (S_ISDIR(st.st_mode)) return Error(pb::IsADirectory, Quoted(path) + " is a directory");
  if (!S_ISREG(st.st_mode)) return Error(pb::NotAFile, Quoted(path) + " is not a regular file");
  if (created) {
    const std::string_view parent = Split(path).parent;
    FileResult<UniqueFd> dir = OpenDir(parent);
    if (!dir.ok()) return dir;
    if (FileResult<Done> synced = SyncDir(*dir, parent); !synced.ok()) return synced.status();
  }
  return fd;
}

FileResult<FileInfo> Sandbox::Stat(std::string_view path) const {
  if (FileResult<Done> checked = CheckPath(path, RootPath::kAllowed); !checked.ok()) {
    return checked.status();
  }
  FileResult<UniqueFd> fd = Resolve(path, O_PATH);
  if (!fd.ok()) return fd.status();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return ErrnoError(errno, "fstat " + Quoted(path));
  return InfoOf(st);
}

FileResult<DirPage> Sandbox::List(std::string_view path, std::string_view start_after,
                                  size_t limit) const {
  if (FileResult<Done> checked = CheckPath(path, RootPath::kAllowed); !checked.ok()) {
    return checked.status();
  }
  if (!start_after.empty() && !IsValidName(start_after)) {
    return Error(pb::InvalidArgument, "start_after is not a name");
  }
  if (limit < 1 || limit > kMaxListLimit) {
    return Error(pb::InvalidArgument, "the limit is not in 1..1000");
  }
  FileResult<UniqueFd> fd = OpenDir(path);
  if (!fd.ok()) return fd.status();
  // fdopendir takes the descriptor; closedir closes it.
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fd->get()), &::closedir);
  if (dir == nullptr) return ErrnoError(errno, "fdopendir " + Quoted(path));
  fd->Release();
  // The limit + 1 smallest names after start_after: one more than the page
  // tells whether another page follows.
  std::set<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return ErrnoError(errno, "readdir " + Quoted(path));
      break;
    }
    const std::string_view name = entry->d_name;
    if (!IsValidName(name) || name <= start_after) continue;
    if (names.size() > limit && name >= *names.rbegin()) continue;
    names.emplace(name);
    if (names.size() > limit + 1) names.erase(std::prev(names.end()));
  }
  DirPage page;
  const bool more = names.size() > limit;
  if (more) names.erase(std::prev(names.end()));
  for (const std::string& name : names) {
    struct stat st {};
    if (::fstatat(::dirfd(dir.get()), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // removed since it was read
      return ErrnoError(errno, "fstatat " + Quoted(name) + " in " + Quoted(path));
    }
    page.entries.push_back({name, InfoOf(st)});
  }
  if (more) page.next_after = *names.rbegin();
  return page;
}

FileResult<Done> Sandbox::Delete(std::string_view path) const {
  if (FileResult<Done> checked = CheckPath(path, RootPath::kRefused); !checked.ok()) {
    return checked;
  }
  const SplitPath split = Split(path);
  FileResult<UniqueFd> dir = OpenDir(split.parent);
  if (!dir.ok()) return dir.status();
  const std::string name(split.name);
  if (::unlinkat(dir->get(), name.c_str(), 0) != 0) {
    // Linux answers EISDIR for a directory, which takes AT_REMOVEDIR.
    if (errno != EISDIR || ::unlinkat(dir->get(), name.c_str(), AT_REMOVEDIR) != 0) {
      return ErrnoError(errno, "delete " + Quoted(path));
    }
  }
  return SyncDir(*dir, split.parent);
}

FileResult<Done> Sandbox::Rename(std::string_view from, std::string_view to,
                                 bool replace) const {
  for (std::string_view path : {from, to}) {
    if (FileResult<Done> checked = CheckPath(path, RootPath::kRefused); !checked.ok()) {
      return checked;
    }
  }
  const SplitPath source = Split(from);
  const SplitPath target = Split(to);
  FileResult<UniqueFd> source_dir = OpenDir(source.parent);
  if (!source_dir.ok()) return source_dir.status();
  FileResult<UniqueFd> target_dir = OpenDir(target.parent);
  if (!target_dir.ok()) return target_dir.status();
  if (::renameat2(source_dir->get(), std::string(source.name).c_str(), target_dir->get(),
                  std::string(target.name).c_str(), replace ? 0 : RENAME_NOREPLACE) != 0) {
    // Here EXDEV means two file systems mounted inside the sandbox, not
    // an escape (the directories were resolved beneath it).
    if (errno == EXDEV) {
      return Error(pb::StorageFailed, "rename " + Quoted(from) + " to " + Quoted(to) +
                                          ": they are on different file systems");
    }
    return ErrnoError(errno, "rename " + Quoted(from) + " to " + Quoted(to));
  }
  if (FileResult<Done> synced = SyncDir(*target_dir, target.parent); !synced.ok()) {
    return synced;
  }
  if (source.parent == target.parent) return Done{};
  return SyncDir(*source_dir, source.parent);
}

FileResult<Done> Sandbox::MakeDir(std::string_view path, bool parents) const {
  if (FileResult<Done> checked = CheckPath(path, RootPath::kRefused); !checked.ok()) {
    return checked;
  }
  // Without parents, only the last component is made; with them, each in
  // turn, from the first.
  size_t end = parents ? path.find('/') : path.size();
  for (;;) {
    const bool last = end == std::string_view::npos || end >= path.size();
    const std::string_view prefix = last ? path : path.substr(0, end);
    const SplitPath split = Split(prefix);
    FileResult<UniqueFd> dir = OpenDir(split.parent);
    if (!dir.ok()) return dir.status();
    if (::mkdirat(dir->get(), std::string(split.name).c_str(), 0777) == 0) {
      if (FileResult<Done> synced = SyncDir(*dir, split.parent); !synced.ok()) return synced;
    } else if (errno != EEXIST || !parents) {
      return ErrnoError(errno, "mkdir " + Quoted(prefix));
    } else if (FileResult<UniqueFd> existing = OpenDir(prefix); !existing.ok()) {
      // Something that is not a directory is in the way.
      if (existing.status().code == pb::NotADirectory && last) {
        return Error(pb::AlreadyExists, Quoted(prefix) + " exists and is not a directory");
      }
      return existing.status();
    }
    if (last) return Done{};
    end = path.find('/', end + 1);
  }
}

}  // namespace parigot::builtin::file
