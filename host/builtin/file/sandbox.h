// Sandbox: one directory that the file built-in serves, and every operation
// on paths inside it. Paths are checked by path.h's rules, then resolved by
// the kernel with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) from a
// descriptor of the directory held open: a symbolic link (planted by anyone
// with access to the host's side, at any moment) that stays inside is
// followed, one whose target or any step of it leaves the directory
// answers PermissionDenied, and there is no window between a check and its
// use. Operations that change a directory entry (Delete, Rename, MakeDir,
// creating a file) resolve the parent directory that way and then act on
// one checked name in it, so they cannot reach outside either; they never
// follow a link in that last name (Delete removes the link itself).
//
// Linux 5.6 or later is required (openat2); Open fails, saying so, on an
// older kernel or where a seccomp filter hides the call.
//
// Special files (FIFOs, sockets, devices) are never opened for I/O
// (NotAFile): opening one is done without blocking and refused after.
//
// Durability: a file that OpenFile creates, and every change Delete, Rename
// and MakeDir make, is on disk (its directory fsynced) when they return.
//
// Thread safety: every method is const and may be called from any thread;
// two calls on the same entry at once behave as the system calls they make
// would.
#ifndef PARIGOT_HOST_BUILTIN_FILE_SANDBOX_H_
#define PARIGOT_HOST_BUILTIN_FILE_SANDBOX_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/builtin/file/error.h"
#include "host/builtin/file/unique_fd.h"
#include "parigot/status.h"

namespace parigot::builtin::file {

using Kind = ::parigot::file::v1::Kind;

struct FileInfo {
  Kind kind = ::parigot::file::v1::KIND_FILE;
  int64_t size = 0;
  int64_t mtime_ns = 0;  // nanoseconds since 1970 (UTC)
};

struct DirEntry {
  std::string name;
  FileInfo info;  // of the entry itself, not of what a link points to
};

struct DirPage {
  std::vector<DirEntry> entries;  // in byte order of their names
  std::string next_after;         // the last name when more follow, else ""
};

enum class Access { kRead, kWrite, kReadWrite };

struct OpenOptions {
  Access access = Access::kRead;
  bool create = false;     // make the file if missing; REQUIRES: writable access
  bool exclusive = false;  // with create: AlreadyExists if it exists
  bool truncate = false;   // REQUIRES: writable access
};

// The most entries one List page holds.
inline constexpr size_t kMaxListLimit = 1000;

class Sandbox {
 public:
  // Serves `dir`, made (with its parents) if missing. Fails when it cannot
  // be made or opened, or when the kernel has no openat2.
  static Result<std::unique_ptr<Sandbox>> Open(const std::filesystem::path& dir);
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Opens the regular file `path` (refusing directories: IsADirectory, and
  // special files: NotAFile) for reading, writing or both. With create and
  // without exclusive, an existing file is opened (and emptied with
  // truncate); a dangling link is not followed to make its target
  // (NotFound).
  FileResult<UniqueFd> OpenFile(std::string_view path, const OpenOptions& options) const;

  // What `path` ("": the sandbox) is, following links inside.
  FileResult<FileInfo> Stat(std::string_view path) const;

  // The entries of directory `path` ("": the sandbox) whose names come
  // after `start_after` ("" or a valid name), at most `limit` (1 to
  // kMaxListLimit). Names that path.h's rules refuse are left out. Memory
  // and time are those of one pass over the directory, whatever its size.
  FileResult<DirPage> List(std::string_view path, std::string_view start_after,
                           size_t limit) const;

  // Removes the file, link or empty directory `path`.
  FileResult<Done> Delete(std::string_view path) const;

  // Renames `from` to `to`; AlreadyExists if `to` exists and not `replace`.
  FileResult<Done> Rename(std::string_view from, std::string_view to, bool replace) const;

  // Makes directory `path`; with `parents`, its missing parents too, and an
  // existing directory is no error.
  FileResult<Done> MakeDir(std::string_view path, bool parents) const;

 private:
  explicit Sandbox(UniqueFd root) : root_(std::move(root)) {}

  // openat2 of `path` ("" is the sandbox) under root_, with open(2)'s
  // `flags` (O_CLOEXEC added) and, with O_CREAT, `mode`.
  FileResult<UniqueFd> Resolve(std::string_view path, int flags, mode_t mode = 0) const;
  // The directory `path` opened so that it can be read and fsynced.
  FileResult<UniqueFd> OpenDir(std::string_view path) const;

  const UniqueFd root_;
};

}  // namespace parigot::builtin::file

#endif  // PARIGOT_HOST_BUILTIN_FILE_SANDBOX_H_
