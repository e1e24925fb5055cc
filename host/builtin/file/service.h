// The file built-in's service (proto/parigot/file/v1/file.proto):
// parigot.file.v1.File, served from a Sandbox through a NativeService, with
// its table of open files (OpenFiles).
//
// Every request is decoded and checked before it reaches the file system: a
// request that does not decode answers UnmarshalFailed; a field out of its
// limits (a bad path, mode, whence, size, offset) InvalidArgument; an
// unknown handle BadHandle; a failure of the host's file system
// StorageFailed, logged through `log`. Nothing a caller sends can reach
// outside the sandbox or harm the host.
//
// Each instance starts with no open file: Serve forgets the handles of the
// previous instance (after a restart) and closes their files, unsynced.
//
// Thread safety: as NativeService; Serve is never called twice at once, and
// the handlers run on its thread.
#ifndef PARIGOT_HOST_BUILTIN_FILE_SERVICE_H_
#define PARIGOT_HOST_BUILTIN_FILE_SERVICE_H_

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "host/builtin/builtin.h"
#include "host/builtin/file/open_files.h"
#include "host/builtin/file/sandbox.h"
#include "host/builtin/native_service.h"

namespace parigot::builtin::file {

class FileService : public Builtin {
 public:
  // Serves `sandbox`. `log` reports storage failures (the callers see
  // StorageFailed).
  FileService(std::unique_ptr<Sandbox> sandbox, std::function<void(std::string_view)> log);
  FileService(const FileService&) = delete;
  FileService& operator=(const FileService&) = delete;

  int Serve(kernel::Kernel& kernel, GuestId guest) override;

 private:
  std::vector<NativeMethod> Methods();

  const std::unique_ptr<Sandbox> sandbox_;
  const std::function<void(std::string_view)> log_;
  OpenFiles files_;
  NativeService native_;
};

}  // namespace parigot::builtin::file

#endif  // PARIGOT_HOST_BUILTIN_FILE_SERVICE_H_
