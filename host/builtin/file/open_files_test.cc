// The table of open files (open_files.h): reads and writes at offsets and
// at the position, their limits, seeking, handles that are wrong, closed,
// of a previous instance, or one too many.
#include "host/builtin/file/open_files.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <string>

namespace parigot::builtin::file {
namespace {

namespace pb = ::parigot::file::v1;

class OpenFilesTest : public ::testing::Test {
 protected:
  // A new, empty file, unlinked already: only its descriptor reaches it.
  static UniqueFd TempFile() {
    char name[] = "/tmp/open_files_test_XXXXXX";
    UniqueFd fd(::mkstemp(name));
    ::unlink(name);
    return fd;
  }
  uint64_t Add(bool readable = true, bool writable = true) {
    FileResult<uint64_t> handle = files_.Add(TempFile(), readable, writable);
    EXPECT_TRUE(handle.ok());
    return handle.ok() ? *handle : 0;
  }
  template <typename T>
  static FileErr CodeOf(const FileResult<T>& result) {
    return result.ok() ? pb::NoError : result.status().code;
  }

  OpenFiles files_;
};

TEST_F(OpenFilesTest, WritesAndReadsAtThePositionAndAtOffsets) {
  const uint64_t h = Add();
  EXPECT_NE(h, 0u);
  EXPECT_EQ(*files_.Write(h, std::nullopt, "hello "), 6u);
  EXPECT_EQ(*files_.Write(h, std::nullopt, "world"), 5u);
  EXPECT_EQ(*files_.Write(h, 0, "J"), 1u);  // at an offset: the position stays
  EXPECT_EQ(*files_.Seek(h, 0, Whence::kCurrent), 11);
  EXPECT_EQ(*files_.Seek(h, 0, Whence::kStart), 0);

  FileResult<ReadResult> first = files_.Read(h, std::nullopt, 5);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->data, "Jello");
  EXPECT_FALSE(first->eof);
  FileResult<ReadResult> rest = files_.Read(h, std::nullopt, 100);
  EXPECT_EQ(rest->data, " world");
  EXPECT_TRUE(rest->eof);
  FileResult<ReadResult> exact = files_.Read(h, 6, 5);  // ends at the end: eof
  EXPECT_EQ(exact->data, "world");
  EXPECT_TRUE(exact->eof);
  FileResult<ReadResult> past = files_.Read(h, 1000, 5);
  EXPECT_EQ(past->data, "");
  EXPECT_TRUE(past->eof);
  EXPECT_EQ(*files_.Seek(h, -5, Whence::kEnd), 6);
  EXPECT_EQ(files_.Read(h, std::nullopt, 2)->data, "wo");
}

TEST_F(OpenFilesTest, ChunksUpToTheLimitAndNoMore) {
  const uint64_t h = Add();
  const std::string chunk(kMaxChunk, 'c');
  EXPECT_EQ(*files_.Write(h, std::nullopt, chunk), kMaxChunk);
  EXPECT_EQ(CodeOf(files_.Write(h, std::nullopt, chunk + "x")), pb::InvalidArgument);
  FileResult<ReadResult> read = files_.Read(h, 0, kMaxChunk);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->data, chunk);
  EXPECT_EQ(CodeOf(files_.Read(h, 0, kMaxChunk + 1)), pb::InvalidArgument);
  EXPECT_EQ(CodeOf(files_.Read(h, 0, 0)), pb::InvalidArgument);
}

TEST_F(OpenFilesTest, BadOffsetsAndPositionsAreInvalidArguments) {
  const uint64_t h = Add();
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(CodeOf(files_.Read(h, -1, 1)), pb::InvalidArgument);
  EXPECT_EQ(CodeOf(files_.Write(h, -1, "x")), pb::InvalidArgument);
  EXPECT_EQ(CodeOf(files_.Read(h, max, 10)), pb::InvalidArgument);
  EXPECT_EQ(CodeOf(files_.Write(h, max - 1, "xy")), pb::InvalidArgument);
  EXPECT_EQ(CodeOf(files_.Seek(h, -1, Whence::kStart)), pb::InvalidArgument);
  EXPECT_EQ(CodeOf(files_.Seek(h, -1, Whence::kEnd)), pb::InvalidArgument);
  EXPECT_EQ(*files_.Seek(h, 0, Whence::kCurrent), 0);
}

TEST_F(OpenFilesTest, HandlesAreCheckedForWhatTheyWereOpenedFor) {
  const uint64_t read_only = Add(true, false);
  const uint64_t write_only = Add(false, true);
  EXPECT_EQ(CodeOf(files_.Write(read_only, std::nullopt, "x")), pb::BadHandle);
  EXPECT_EQ(CodeOf(files_.Read(write_only, std::nullopt, 1)), pb::BadHandle);
  EXPECT_TRUE(files_.Write(write_only, std::nullopt, "x").ok());
  EXPECT_TRUE(files_.Sync(read_only).ok());
  for (uint64_t unknown : {uint64_t{0}, read_only + 1, ~uint64_t{0}}) {
    if (unknown == write_only) continue;
    EXPECT_EQ(CodeOf(files_.Read(unknown, std::nullopt, 1)), pb::BadHandle);
    EXPECT_EQ(CodeOf(files_.Write(unknown, std::nullopt, "x")), pb::BadHandle);
    EXPECT_EQ(CodeOf(files_.Seek(unknown, 0, Whence::kStart)), pb::BadHandle);
    EXPECT_EQ(CodeOf(files_.Sync(unknown)), pb::BadHandle);
    EXPECT_EQ(CodeOf(files_.Close(unknown)), pb::BadHandle);
  }
  EXPECT_TRUE(files_.Close(write_only).ok());
  EXPECT_EQ(CodeOf(files_.Close(write_only)), pb::BadHandle);
  EXPECT_EQ(CodeOf(files_.Write(write_only, std::nullopt, "x")), pb::BadHandle);
}

TEST_F(OpenFilesTest, HandlesOfAPreviousInstanceFindNothing) {
  const uint64_t before = Add();
  files_.Reset();
  EXPECT_EQ(files_.size(), 0u);
  EXPECT_EQ(CodeOf(files_.Read(before, std::nullopt, 1)), pb::BadHandle);
  // The new series does not start over where the old one began.
  EXPECT_NE(Add(), before);
}

TEST_F(OpenFilesTest, AtMostKMaxOpenFilesAreOpen) {
  // Room for the table's descriptors where the soft limit is Debian's 1024.
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur < kMaxOpenFiles + 64 && limit.rlim_max >= kMaxOpenFiles + 64) {
    limit.rlim_cur = kMaxOpenFiles + 64;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
  }
  ASSERT_GE(limit.rlim_cur, kMaxOpenFiles + 64) << "the hard limit on descriptors is too low";
  uint64_t last = 0;
  for (size_t i = 0; i < kMaxOpenFiles; ++i) last = Add();
  EXPECT_TRUE(files_.Full());
  EXPECT_EQ(CodeOf(files_.Add(TempFile(), true, true)), pb::TooManyOpen);
  EXPECT_TRUE(files_.Close(last).ok());
  EXPECT_FALSE(files_.Full());
  Add();
}

}  // namespace
}  // namespace parigot::builtin::file
