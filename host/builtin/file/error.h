// What the file built-in's operations give back: a value, or a FileError
// that carries the FileErr its caller sees (proto/parigot/file/v1/file.proto)
// and a message for the host's log. parigot::Result cannot stand in: its
// gRPC-style codes have no BadHandle, IsADirectory or NotEmpty.
//
// Thread safety: plain values.
#ifndef PARIGOT_HOST_BUILTIN_FILE_ERROR_H_
#define PARIGOT_HOST_BUILTIN_FILE_ERROR_H_

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "parigot/file/v1/file.pb.h"

namespace parigot::builtin::file {

using FileErr = ::parigot::file::v1::FileErr;

struct FileError {
  FileErr code = ::parigot::file::v1::StorageFailed;
  // What failed and why ("open a/b: No space left on device"); logged by
  // the service when the code is StorageFailed, never sent to the caller.
  std::string message;
};

// The result of an operation that gives nothing but success.
struct Done {};

// Either a T or a FileError. Reading the value of an error is a bug and
// aborts. Shaped as parigot::Result (ok, status, operator->), so that
// TypedMethod (host/builtin/method.h) takes it.
template <typename T>
class [[nodiscard]] FileResult {
 public:
  FileResult(T value) : rep_(std::move(value)) {}       // NOLINT: implicit by design
  FileResult(FileError error) : rep_(std::move(error)) {  // NOLINT
    if (std::get<FileError>(rep_).code == ::parigot::file::v1::NoError) std::abort();
  }

  bool ok() const { return rep_.index() == 0; }
  // The error. REQUIRES: !ok().
  const FileError& status() const { return std::get<FileError>(rep_); }

  T& operator*() { Check(); return std::get<T>(rep_); }
  const T& operator*() const { Check(); return std::get<T>(rep_); }
  T* operator->() { return &**this; }
  const T* operator->() const { return &**this; }

 private:
  void Check() const {
    if (!ok()) std::abort();
  }
  std::variant<T, FileError> rep_;
};

// An error of `code` saying `message`.
inline FileError Error(FileErr code, std::string message) {
  return FileError{code, std::move(message)};
}

// The error for a system call on `what` (a step and a path, "open a/b")
// that failed with errno `err`: ENOENT is NotFound, EXDEV (openat2 refusing
// to leave the sandbox) and ELOOP PermissionDenied, and so on; what has no
// code of its own is StorageFailed.
FileError ErrnoError(int err, std::string_view what);

}  // namespace parigot::builtin::file

#endif  // PARIGOT_HOST_BUILTIN_FILE_ERROR_H_
