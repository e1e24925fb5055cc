#include "host/builtin/file/open_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <utility>

namespace parigot::builtin::file {
namespace {

namespace pb = ::parigot::file::v1;

// An offset that cannot be negative, nor overflow once `length` is added.
FileResult<Done> CheckOffset(std::optional<int64_t> offset, size_t length) {
  if (!offset) return Done{};
  if (*offset < 0) return Error(pb::InvalidArgument, "the offset is negative");
  if (*offset > std::numeric_limits<int64_t>::max() - static_cast<int64_t>(length)) {
    return Error(pb::InvalidArgument, "the offset is too large");
  }
  return Done{};
}

}  // namespace

void OpenFiles::Reset() {
  files_.clear();
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device()};
  ids_.seed(seed);
}

FileResult<uint64_t> OpenFiles::Add(UniqueFd fd, bool readable, bool writable) {
  if (Full()) return Error(pb::TooManyOpen, "1024 files are open");
  uint64_t id = 0;
  while (id == 0 || files_.count(id) != 0) id = ids_();
  files_.emplace(id, OpenFile{.fd = std::move(fd), .readable = readable, .writable = writable});
  return id;
}

FileResult<OpenFiles::OpenFile*> OpenFiles::Find(uint64_t handle, bool read, bool write) {
  auto it = files_.find(handle);
  if (it == files_.end()) return Error(pb::BadHandle, "no file is open with this handle");
  if ((read && !it->second.readable) || (write && !it->second.writable)) {
    return Error(pb::BadHandle, read ? "the handle is not open for reading"
                                     : "the handle is not open for writing");
  }
  return &it->second;
}

FileResult<ReadResult> OpenFiles::Read(uint64_t handle, std::optional<int64_t> offset,
                                       size_t max_bytes) {
  if (max_bytes < 1 || max_bytes > kMaxChunk) {
    return Error(pb::InvalidArgument, "max_bytes is not in 1..4 MiB");
  }
  if (FileResult<Done> checked = CheckOffset(offset, max_bytes); !checked.ok()) {
    return checked.status();
  }
  FileResult<OpenFile*> file = Find(handle, /*read=*/true, /*write=*/false);
  if (!file.ok()) return file.status();
  const int fd = (*file)->fd.get();
  const off_t start = offset ? *offset : ::lseek(fd, 0, SEEK_CUR);
  if (start < 0) return ErrnoError(errno, "lseek");
  ReadResult result;
  result.data.resize(max_bytes);
  size_t done = 0;
  while (done < max_bytes) {
    char* into = result.data.data() + done;
    const ssize_t n = offset ? ::pread(fd, into, max_bytes - done, start + done)
                             : ::read(fd, into, max_bytes - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "read");
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  result.data.resize(done);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoError(errno, "fstat");
  result.eof = start + static_cast<off_t>(done) >= st.st_size;
  return result;
}

FileResult<uint64_t> OpenFiles::Write(uint64_t handle, std::optional<int64_t> offset,
                                      std::string_view data) {
  if (data.size() > kMaxChunk) return Error(pb::InvalidArgument, "data is over 4 MiB");
  if (FileResult<Done> checked = CheckOffset(offset, data.size()); !checked.ok()) {
    return checked.status();
  }
  FileResult<OpenFile*> file = Find(handle, /*read=*/false, /*write=*/true);
  if (!file.ok()) return file.status();
  const int fd = (*file)->fd.get();
  (*file)->written = true;
  size_t done = 0;
  while (done < data.size()) {
    const char* from = data.data() + done;
    const ssize_t n = offset ? ::pwrite(fd, from, data.size() - done, *offset + done)
                             : ::write(fd, from, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "write");
    }
    // A regular file that takes nothing would be asked again for ever.
    if (n == 0) return Error(pb::StorageFailed, "write: the file took no bytes");
    done += static_cast<size_t>(n);
  }
  return static_cast<uint64_t>(done);
}

FileResult<int64_t> OpenFiles::Seek(uint64_t handle, int64_t offset, Whence whence) {
  FileResult<OpenFile*> file = Find(handle, /*read=*/false, /*write=*/false);
  if (!file.ok()) return file.status();
  const int how = whence == Whence::kStart ? SEEK_SET : whence == Whence::kCurrent ? SEEK_CUR
                                                                                   : SEEK_END;
  const off_t position = ::lseek((*file)->fd.get(), offset, how);
  if (position < 0) {
    // EINVAL: the position would be negative; EOVERFLOW: past off_t.
    if (errno == EINVAL || errno == EOVERFLOW) {
      return Error(pb::InvalidArgument, "the new position would be negative or too large");
    }
    return ErrnoError(errno, "lseek");
  }
  return int64_t{position};
}

FileResult<Done> OpenFiles::Sync(uint64_t handle) {
  FileResult<OpenFile*> file = Find(handle, /*read=*/false, /*write=*/false);
  if (!file.ok()) return file.status();
  if (::fsync((*file)->fd.get()) != 0) return ErrnoError(errno, "fsync");
  (*file)->written = false;
  return Done{};
}

FileResult<Done> OpenFiles::Close(uint64_t handle) {
  auto it = files_.find(handle);
  if (it == files_.end()) return Error(pb::BadHandle, "no file is open with this handle");
  OpenFile file = std::move(it->second);
  files_.erase(it);
  if (file.written && ::fsync(file.fd.get()) != 0) return ErrnoError(errno, "fsync");
  return Done{};
}

}  // namespace parigot::builtin::file
