// OpenFiles: the file built-in's table of open files, by handle, and the
// I/O done through a handle (read, write, seek, sync, close).
//
// Handles are drawn at random (never 0) from a series that Reset starts
// anew, so that a handle of a previous instance of the service, or of a
// previous process, finds nothing (BadHandle) rather than another file.
// They are not secrets: any guest that can call the service and knows a
// handle may use it.
//
// Thread safety: none; the service calls it from its one thread.
#ifndef PARIGOT_HOST_BUILTIN_FILE_OPEN_FILES_H_
#define PARIGOT_HOST_BUILTIN_FILE_OPEN_FILES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

#include "host/builtin/file/error.h"
#include "host/builtin/file/unique_fd.h"

namespace parigot::builtin::file {

// The most files open at once in one service.
inline constexpr size_t kMaxOpenFiles = 1024;
// The most bytes one Read gives or one Write takes (4 MiB): a larger file
// moves in several calls, each well under the default MaxMessageSize.
inline constexpr size_t kMaxChunk = size_t{4} << 20;

enum class Whence { kStart, kCurrent, kEnd };

struct ReadResult {
  std::string data;
  bool eof = false;  // nothing is left after data
};

class OpenFiles {
 public:
  OpenFiles() { Reset(); }
  OpenFiles(const OpenFiles&) = delete;
  OpenFiles& operator=(const OpenFiles&) = delete;

  // Closes every file (without syncing it) and starts a new series of
  // handles.
  void Reset();

  // Whether kMaxOpenFiles are open: Add would fail. Asked before opening,
  // so that a refused Create empties no file.
  bool Full() const { return files_.size() >= kMaxOpenFiles; }
  size_t size() const { return files_.size(); }

  // The handle of `fd`, now open for reading and/or writing; TooManyOpen
  // when Full().
  FileResult<uint64_t> Add(UniqueFd fd, bool readable, bool writable);

  // Up to `max_bytes` (1..kMaxChunk) at `offset` (>= 0), or at the
  // handle's position (then moved past them) when unset.
  FileResult<ReadResult> Read(uint64_t handle, std::optional<int64_t> offset, size_t max_bytes);
  // All of `data` (at most kMaxChunk) at `offset` or at the position;
  // gives the bytes written (data's size).
  FileResult<uint64_t> Write(uint64_t handle, std::optional<int64_t> offset,
                             std::string_view data);
  // Moves the position; gives the new one. It may not become negative.
  FileResult<int64_t> Seek(uint64_t handle, int64_t offset, Whence whence);
  // fsyncs the file.
  FileResult<Done> Sync(uint64_t handle);
  // Syncs the file if it was written through `handle`, then closes it;
  // closed even when the sync fails (whose error is then returned).
  FileResult<Done> Close(uint64_t handle);

 private:
  struct OpenFile {
    UniqueFd fd;
    bool readable = false;
    bool writable = false;
    bool written = false;  // since the last sync
  };
  // The file of `handle`, open for reading or writing as asked; BadHandle
  // otherwise.
  FileResult<OpenFile*> Find(uint64_t handle, bool read, bool write);

  std::unordered_map<uint64_t, OpenFile> files_;
  std::mt19937_64 ids_;
};

}  // namespace parigot::builtin::file

#endif  // PARIGOT_HOST_BUILTIN_FILE_OPEN_FILES_H_
