// The File service through a real Kernel: what a guest sends, encoded, and
// what it gets back; handles across a restart of the service; and garbage
// fed to every method, which must get error codes and harm nothing.
#include "host/builtin/file/service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "host/builtin/testing/service_fixture.h"
#include "parigot/file/v1/file.pb.h"

namespace parigot::builtin::file {
namespace {

namespace fs = std::filesystem;
namespace pb = ::parigot::file::v1;
using kernel::CallResolved;

const char* const kMethods[] = {"Open", "Create", "Read",   "Write",  "Seek",   "Sync",
                                "Close", "Stat",  "List",   "Delete", "Rename", "MakeDir"};

class FileServiceTest : public builtin::testing::ServiceFixture {
 protected:
  void SetUp() override {
    base_ = builtin::testing::ScratchDir("file_service_test");
    fs::create_directories(base_ / "outside");
    std::ofstream(base_ / "outside" / "secret") << "top secret";
    auto sandbox = Sandbox::Open(base_ / "box");
    ASSERT_TRUE(sandbox.ok()) << sandbox.status().message();
    service_ = std::make_unique<FileService>(std::move(*sandbox), [this](std::string_view line) {
      storage_log_ += std::string(line) + "\n";
    });
    StartServing(*service_, kFile);
  }
  void TearDown() override {
    ServiceFixture::TearDown();
    fs::remove_all(base_);
  }

  uint64_t Create(const std::string& path) {
    pb::CreateRequest create;
    create.set_path(path);
    return Ok<pb::OpenResponse>("Create", create).handle();
  }
  pb::ReadResponse ReadAt(uint64_t handle, int64_t offset, uint32_t max_bytes) {
    pb::ReadRequest read;
    read.set_handle(handle);
    read.set_offset(offset);
    read.set_max_bytes(max_bytes);
    return Ok<pb::ReadResponse>("Read", read);
  }

  static inline const kernel::ServiceName kFile{"parigot.file.v1", "File"};
  fs::path base_;
  std::unique_ptr<FileService> service_;
  std::string storage_log_;
};

TEST_F(FileServiceTest, WritesAFileLargerThanAChunkAndReadsItBack) {
  const uint64_t handle = Create("big.bin");
  std::string content;
  for (int chunk = 0; chunk < 3; ++chunk) {
    pb::WriteRequest write;
    write.set_handle(handle);
    std::string data(kMaxChunk, '\0');
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 7 + chunk) % 251);
    write.set_data(data);
    EXPECT_EQ(Ok<pb::WriteResponse>("Write", write).written(), kMaxChunk);
    content += data;
  }
  pb::CloseRequest close;
  close.set_handle(handle);
  Ok<pb::CloseResponse>("Close", close);

  pb::OpenRequest open;
  open.set_path("big.bin");
  pb::OpenResponse opened = Ok<pb::OpenResponse>("Open", open);
  EXPECT_EQ(opened.size(), static_cast<int64_t>(3 * kMaxChunk));
  std::string back;
  bool eof = false;
  while (!eof) {
    pb::ReadRequest read;
    read.set_handle(opened.handle());
    read.set_max_bytes(kMaxChunk);
    pb::ReadResponse got = Ok<pb::ReadResponse>("Read", read);
    back += got.data();
    eof = got.eof();
  }
  EXPECT_TRUE(back == content);
  pb::StatRequest stat;
  stat.set_path("big.bin");
  EXPECT_EQ(Ok<pb::StatResponse>("Stat", stat).size(), static_cast<int64_t>(3 * kMaxChunk));
}

TEST_F(FileServiceTest, CreateReplacesContentsInsteadOfAppending) {
  uint64_t handle = Create("notes");
  pb::WriteRequest write;
  write.set_handle(handle);
  write.set_data("a long first version");
  Ok<pb::WriteResponse>("Write", write);
  handle = Create("notes");
  write.set_handle(handle);
  write.set_data("v2");
  Ok<pb::WriteResponse>("Write", write);
  pb::ReadResponse read = ReadAt(handle, 0, 100);
  EXPECT_EQ(read.data(), "v2");
  EXPECT_TRUE(read.eof());
  pb::CreateRequest exclusive;
  exclusive.set_path("notes");
  exclusive.set_exclusive(true);
  EXPECT_EQ(ErrorOf("Create", exclusive), pb::AlreadyExists);
  EXPECT_EQ(ReadAt(handle, 0, 100).data(), "v2");
}

TEST_F(FileServiceTest, ModesSeekListRenameDelete) {
  pb::MakeDirRequest mkdir;
  mkdir.set_path("docs/2024");
  mkdir.set_parents(true);
  Ok<pb::MakeDirResponse>("MakeDir", mkdir);
  const uint64_t handle = Create("docs/2024/a.txt");
  pb::WriteRequest write;
  write.set_handle(handle);
  write.set_data("0123456789");
  Ok<pb::WriteResponse>("Write", write);
  pb::SeekRequest seek;
  seek.set_handle(handle);
  seek.set_offset(-3);
  seek.set_whence(pb::FROM_END);
  EXPECT_EQ(Ok<pb::SeekResponse>("Seek", seek).position(), 7);
  pb::ReadRequest read;
  read.set_handle(handle);
  read.set_max_bytes(10);
  EXPECT_EQ(Ok<pb::ReadResponse>("Read", read).data(), "789");
  pb::SyncRequest sync;
  sync.set_handle(handle);
  Ok<pb::SyncResponse>("Sync", sync);

  pb::OpenRequest read_only;
  read_only.set_path("docs/2024/a.txt");
  const uint64_t reader = Ok<pb::OpenResponse>("Open", read_only).handle();
  write.set_handle(reader);
  EXPECT_EQ(ErrorOf("Write", write), pb::BadHandle);
  pb::OpenRequest bad_mode = read_only;
  bad_mode.set_mode(static_cast<pb::Mode>(9));
  EXPECT_EQ(ErrorOf("Open", bad_mode), pb::InvalidArgument);
  seek.set_whence(static_cast<pb::Whence>(-1));
  EXPECT_EQ(ErrorOf("Seek", seek), pb::InvalidArgument);

  pb::RenameRequest rename;
  rename.set_from("docs/2024/a.txt");
  rename.set_to("docs/b.txt");
  Ok<pb::RenameResponse>("Rename", rename);
  pb::ListRequest list;
  list.set_path("docs");
  list.set_limit(10);
  pb::ListResponse listed = Ok<pb::ListResponse>("List", list);
  ASSERT_EQ(listed.entries_size(), 2);
  EXPECT_EQ(listed.entries(0).name(), "2024");
  EXPECT_EQ(listed.entries(0).kind(), pb::KIND_DIRECTORY);
  EXPECT_EQ(listed.entries(1).name(), "b.txt");
  EXPECT_EQ(listed.entries(1).size(), 10);
  pb::DeleteRequest remove;
  remove.set_path("docs");
  EXPECT_EQ(ErrorOf("Delete", remove), pb::NotEmpty);
  remove.set_path("docs/b.txt");
  Ok<pb::DeleteResponse>("Delete", remove);
  EXPECT_EQ(ErrorOf("Delete", remove), pb::NotFound);
  // The open handle still reads the deleted file, as on POSIX.
  EXPECT_EQ(ReadAt(reader, 0, 3).data(), "012");
  EXPECT_TRUE(storage_log_.empty()) << storage_log_;
}

TEST_F(FileServiceTest, EscapesAreRefused) {
  fs::create_directory_symlink("../outside", base_ / "box" / "out");
  pb::OpenRequest open;
  for (const char* path : {"../outside/secret", "/etc/passwd", "out/secret"}) {
    open.set_path(path);
    EXPECT_EQ(ErrorOf("Open", open),
              std::string(path) == "out/secret" ? pb::PermissionDenied : pb::InvalidArgument)
        << path;
  }
  pb::CreateRequest create;
  create.set_path("out/secret");
  EXPECT_EQ(ErrorOf("Create", create), pb::PermissionDenied);
  std::ifstream secret(base_ / "outside" / "secret");
  std::string text;
  std::getline(secret, text);
  EXPECT_EQ(text, "top secret");
}

TEST_F(FileServiceTest, HandlesDoNotSurviveARestart) {
  const uint64_t handle = Create("kept.txt");
  StopServing();
  StartServing(*service_, kFile);
  pb::ReadRequest read;
  read.set_handle(handle);
  read.set_max_bytes(1);
  EXPECT_EQ(ErrorOf("Read", read), pb::BadHandle);
  pb::StatRequest stat;
  stat.set_path("kept.txt");
  EXPECT_EQ(Ok<pb::StatResponse>("Stat", stat).kind(), pb::KIND_FILE);
}

// Random bytes, and valid requests with random bytes changed, to every
// method: each gets an answer with a FileErr value, nothing leaves the
// sandbox, and the service works on.
TEST_F(FileServiceTest, GarbageGetsErrorCodesAndHarmsNothing) {
  fs::create_directory_symlink("../outside", base_ / "box" / "out");
  std::mt19937 random(12);
  pb::RenameRequest valid;
  valid.set_from("out/secret");
  valid.set_to("b");
  valid.set_replace(true);
  const std::string seed = valid.SerializeAsString();
  int answered = 0;
  for (const char* method : kMethods) {
    for (int i = 0; i < 150; ++i) {
      std::string bytes;
      if (i % 2 == 0) {
        bytes.resize(random() % 40);
        for (char& c : bytes) c = static_cast<char>(random());
      } else {
        bytes = seed;
        for (int flips = 1 + random() % 3; flips > 0; --flips) {
          bytes[random() % bytes.size()] = static_cast<char>(random());
        }
      }
      CallResolved resolved = Call(method, bytes);
      EXPECT_TRUE(pb::FileErr_IsValid(resolved.result_error)) << resolved.result_error;
      ++answered;
    }
  }
  EXPECT_EQ(answered, 12 * 150);
  EXPECT_EQ(ErrorOf("Open", pb::OpenRequest()), pb::InvalidArgument);
  EXPECT_EQ(Call("Read", "\xff\xff\xff garbage").result_error, pb::UnmarshalFailed);
  EXPECT_TRUE(fs::exists(base_ / "outside" / "secret"));
  EXPECT_EQ(fs::file_size(base_ / "outside" / "secret"), 10u);
  EXPECT_EQ(std::distance(fs::directory_iterator(base_ / "outside"), fs::directory_iterator()),
            1);
  const uint64_t handle = Create("still-works");
  EXPECT_NE(handle, 0u);
}

}  // namespace
}  // namespace parigot::builtin::file
