#include "host/builtin/file/error.h"

#include <cerrno>
#include <cstring>

namespace parigot::builtin::file {
namespace {

namespace pb = ::parigot::file::v1;

FileErr CodeOf(int err) {
  switch (err) {
    case ENOENT: return pb::NotFound;
    case EEXIST: return pb::AlreadyExists;
    // EXDEV: openat2's RESOLVE_BENEATH refused a path (through a link or a
    // magic link) that leads out of the sandbox. ELOOP: a link it will not
    // follow, or a chain too long. EROFS: the sandbox is read-only.
    case EXDEV:
    case ELOOP:
    case EACCES:
    case EPERM:
    case EROFS: return pb::PermissionDenied;
    case EISDIR: return pb::IsADirectory;
    case ENOTDIR: return pb::NotADirectory;
    case ENOTEMPTY: return pb::NotEmpty;
    case EMFILE:
    case ENFILE: return pb::TooManyOpen;
    case ENOSPC:
    case EDQUOT:
    case EFBIG: return pb::NoSpace;
    // Paths are checked before they reach the file system; these are a
    // file system with shorter limits, or a directory renamed into itself.
    case ENAMETOOLONG:
    case EINVAL: return pb::InvalidArgument;
    // A FIFO without a reader opened for writing, a device without its
    // driver.
    case ENXIO:
    case ENODEV: return pb::NotAFile;
    default: return pb::StorageFailed;
  }
}

}  // namespace

FileError ErrnoError(int err, std::string_view what) {
  return FileError{CodeOf(err), std::string(what) + ": " + std::strerror(err)};
}

}  // namespace parigot::builtin::file
