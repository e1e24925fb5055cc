#include "host/builtin/file/service.h"

#include <sys/stat.h>

#include <optional>
#include <string>
#include <utility>

#include "host/builtin/method.h"
#include "parigot/file/v1/file.pb.h"

namespace parigot::builtin::file {
namespace {

namespace pb = ::parigot::file::v1;

// A method answered by an empty Response once `done` succeeds.
template <typename Response>
FileResult<Response> Answer(FileResult<Done> done) {
  if (!done.ok()) return done.status();
  return Response();
}

std::optional<int64_t> OffsetOf(const auto& request) {
  return request.has_offset() ? std::optional<int64_t>(request.offset()) : std::nullopt;
}

void SetInfo(const FileInfo& info, auto& out) {
  out.set_kind(info.kind);
  out.set_size(info.size);
  out.set_mtime_ns(info.mtime_ns);
}

}  // namespace

FileService::FileService(std::unique_ptr<Sandbox> sandbox,
                         std::function<void(std::string_view)> log)
    : sandbox_(std::move(sandbox)),
      log_(std::move(log)),
      native_(kernel::ServiceName{"parigot.file.v1", "File"}, Methods()) {}

int FileService::Serve(kernel::Kernel& kernel, GuestId guest) {
  files_.Reset();
  const int exit_code = native_.Serve(kernel, guest);
  files_.Reset();
  return exit_code;
}

std::vector<NativeMethod> FileService::Methods() {
  auto error = [log = log_](const FileError& failure) {
    if (failure.code == pb::StorageFailed) log(failure.message);
    return Reply::Error(failure.code);
  };
  // Open and Create: refused before the file is touched when the table is
  // full, so that a refused Create empties nothing.
  auto open = [this](const std::string& path,
                     const OpenOptions& options) -> FileResult<pb::OpenResponse> {
    if (files_.Full()) return Error(pb::TooManyOpen, "1024 files are open");
    FileResult<UniqueFd> fd = sandbox_->OpenFile(path, options);
    if (!fd.ok()) return fd.status();
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) return ErrnoError(errno, "fstat \"" + path + "\"");
    FileResult<uint64_t> handle = files_.Add(std::move(*fd), options.access != Access::kWrite,
                                             options.access != Access::kRead);
    if (!handle.ok()) return handle.status();
    pb::OpenResponse response;
    response.set_handle(*handle);
    response.set_size(st.st_size);
    return response;
  };

  std::vector<NativeMethod> methods;
  methods.push_back(Method<pb::OpenRequest>(
      "Open", error,
      [open](const pb::OpenRequest& request) -> FileResult<pb::OpenResponse> {
        if (!pb::Mode_IsValid(request.mode())) {
          return Error(pb::InvalidArgument, "unknown mode");
        }
        const Access access = request.mode() == pb::READ_ONLY    ? Access::kRead
                              : request.mode() == pb::WRITE_ONLY ? Access::kWrite
                                                                 : Access::kReadWrite;
        return open(request.path(), {.access = access,
                                     .create = request.create(),
                                     .exclusive = request.exclusive(),
                                     .truncate = request.truncate()});
      }));
  methods.push_back(Method<pb::CreateRequest>(
      "Create", error,
      [open](const pb::CreateRequest& request) {
        return open(request.path(), {.access = Access::kReadWrite,
                                     .create = true,
                                     .exclusive = request.exclusive(),
                                     .truncate = true});
      }));
  methods.push_back(Method<pb::ReadRequest>(
      "Read", error,
      [this](const pb::ReadRequest& request) -> FileResult<pb::ReadResponse> {
        FileResult<ReadResult> read =
            files_.Read(request.handle(), OffsetOf(request), request.max_bytes());
        if (!read.ok()) return read.status();
        pb::ReadResponse response;
        response.set_data(std::move(read->data));
        response.set_eof(read->eof);
        return response;
      }));
  methods.push_back(Method<pb::WriteRequest>(
      "Write", error,
      [this](const pb::WriteRequest& request) -> FileResult<pb::WriteResponse> {
        FileResult<uint64_t> written =
            files_.Write(request.handle(), OffsetOf(request), request.data());
        if (!written.ok()) return written.status();
        pb::WriteResponse response;
        response.set_written(*written);
        return response;
      }));
  methods.push_back(Method<pb::SeekRequest>(
      "Seek", error,
      [this](const pb::SeekRequest& request) -> FileResult<pb::SeekResponse> {
        if (!pb::Whence_IsValid(request.whence())) {
          return Error(pb::InvalidArgument, "unknown whence");
        }
        const Whence whence = request.whence() == pb::FROM_START     ? Whence::kStart
                              : request.whence() == pb::FROM_CURRENT ? Whence::kCurrent
                                                                     : Whence::kEnd;
        FileResult<int64_t> position = files_.Seek(request.handle(), request.offset(), whence);
        if (!position.ok()) return position.status();
        pb::SeekResponse response;
        response.set_position(*position);
        return response;
      }));
  methods.push_back(Method<pb::SyncRequest>(
      "Sync", error,
      [this](const pb::SyncRequest& request) {
        return Answer<pb::SyncResponse>(files_.Sync(request.handle()));
      }));
  methods.push_back(Method<pb::CloseRequest>(
      "Close", error,
      [this](const pb::CloseRequest& request) {
        return Answer<pb::CloseResponse>(files_.Close(request.handle()));
      }));
  methods.push_back(Method<pb::StatRequest>(
      "Stat", error,
      [this](const pb::StatRequest& request) -> FileResult<pb::StatResponse> {
        FileResult<FileInfo> info = sandbox_->Stat(request.path());
        if (!info.ok()) return info.status();
        pb::StatResponse response;
        SetInfo(*info, response);
        return response;
      }));
  methods.push_back(Method<pb::ListRequest>(
      "List", error,
      [this](const pb::ListRequest& request) -> FileResult<pb::ListResponse> {
        FileResult<DirPage> page =
            sandbox_->List(request.path(), request.start_after(), request.limit());
        if (!page.ok()) return page.status();
        pb::ListResponse response;
        for (DirEntry& entry : page->entries) {
          pb::Entry* out = response.add_entries();
          out->set_name(std::move(entry.name));
          SetInfo(entry.info, *out);
        }
        response.set_next_after(std::move(page->next_after));
        return response;
      }));
  methods.push_back(Method<pb::DeleteRequest>(
      "Delete", error,
      [this](const pb::DeleteRequest& request) {
        return Answer<pb::DeleteResponse>(sandbox_->Delete(request.path()));
      }));
  methods.push_back(Method<pb::RenameRequest>(
      "Rename", error,
      [this](const pb::RenameRequest& request) {
        return Answer<pb::RenameResponse>(
            sandbox_->Rename(request.from(), request.to(), request.replace()));
      }));
  methods.push_back(Method<pb::MakeDirRequest>(
      "MakeDir", error,
      [this](const pb::MakeDirRequest& request) {
        return Answer<pb::MakeDirResponse>(sandbox_->MakeDir(request.path(), request.parents()));
      }));
  return methods;
}

}  // namespace parigot::builtin::file
