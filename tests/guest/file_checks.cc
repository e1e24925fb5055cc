// The file built-in seen from a guest (`parigot test`, tests/e2e/files.toml):
// symbolic links planted from the host's side before the run
// (plant_links.py: `etc` -> /etc, `up` -> ../../outside, `chain` -> up)
// lead nowhere; requests with every field wrong get their error codes;
// handles behave; and the service still works after all of it.
#include <cstdint>
#include <string>

#include "parigot/file/v1/file.parigot.h"
#include "parigot/parigot.h"
#include "parigot/testing.h"

namespace {

namespace file = parigot::file::v1;
using file::FileErr;

file::File Files() { return file::File::locate(); }

PARIGOT_ASYNC_TEST(Links, PlantedLinksLeadNowhere) {
  auto files = Files();
  for (const char* path : {"etc/passwd", "up/secret", "chain/secret"}) {
    auto read = co_await files.Open({.path = path});
    EXPECT_ERR(read, FileErr::PermissionDenied) << path;
    auto stat = co_await files.Stat({.path = path});
    EXPECT_ERR(stat, FileErr::PermissionDenied) << path;
  }
  // Writes only through links to the test's own `outside`: were the
  // sandbox broken, a run as root must not write to /etc.
  for (const char* path : {"up/secret", "chain/secret"}) {
    auto write = co_await files.Open(
        {.path = path, .mode = file::Mode::READ_WRITE, .create = true, .truncate = true});
    EXPECT_ERR(write, FileErr::PermissionDenied) << path;
  }
  auto created = co_await files.Create({.path = "up/planted"});
  EXPECT_ERR(created, FileErr::PermissionDenied);
  auto listed = co_await files.List({.path = "etc", .limit = 10});
  EXPECT_ERR(listed, FileErr::PermissionDenied);
  auto made = co_await files.MakeDir({.path = "up/made"});
  EXPECT_ERR(made, FileErr::PermissionDenied);
  auto removed = co_await files.Delete({.path = "up/secret"});
  EXPECT_ERR(removed, FileErr::PermissionDenied);
  auto renamed = co_await files.Rename({.from = "up/secret", .to = "stolen"});
  EXPECT_ERR(renamed, FileErr::PermissionDenied);
  // The links are listed as links, and removing one removes only it.
  auto root = co_await files.List({.limit = 10});
  CO_ASSERT_OK(root);
  int links = 0;
  for (const auto& entry : root->entries) links += entry.kind == file::Kind::KIND_SYMLINK;
  EXPECT_EQ(links, 3);
  auto unlinked = co_await files.Delete({.path = "chain"});
  EXPECT_OK(unlinked);
}

PARIGOT_ASYNC_TEST(Requests, EveryFieldIsChecked) {
  auto files = Files();
  auto empty = co_await files.Open({.path = ""});
  EXPECT_ERR(empty, FileErr::InvalidArgument);
  auto dotdot = co_await files.Stat({.path = "a/../../b"});
  EXPECT_ERR(dotdot, FileErr::InvalidArgument);
  auto control = co_await files.Create({.path = "new\nline"});
  EXPECT_ERR(control, FileErr::InvalidArgument);
  auto long_name = co_await files.Create({.path = std::string(256, 'n')});
  EXPECT_ERR(long_name, FileErr::InvalidArgument);
  auto mode = co_await files.Open({.path = "x", .mode = static_cast<file::Mode>(7)});
  EXPECT_ERR(mode, FileErr::InvalidArgument);
  auto read_create = co_await files.Open({.path = "x", .create = true});
  EXPECT_ERR(read_create, FileErr::InvalidArgument);
  auto limit = co_await files.List({.limit = 1001});
  EXPECT_ERR(limit, FileErr::InvalidArgument);
  auto missing = co_await files.Open({.path = "missing"});
  EXPECT_ERR(missing, FileErr::NotFound);
  for (uint64_t handle : {uint64_t{0}, uint64_t{1}, ~uint64_t{0}}) {
    auto read = co_await files.Read({.handle = handle, .max_bytes = 1});
    EXPECT_ERR(read, FileErr::BadHandle);
    auto closed = co_await files.Close({.handle = handle});
    EXPECT_ERR(closed, FileErr::BadHandle);
  }
}

PARIGOT_ASYNC_TEST(Handles, ReadWriteSeekAndClose) {
  auto files = Files();
  auto created = co_await files.Create({.path = "h.txt"});
  CO_ASSERT_OK(created);
  const uint64_t handle = created->handle;
  auto written = co_await files.Write({.handle = handle, .data = "0123456789"});
  CO_ASSERT_OK(written);
  EXPECT_EQ(written->written, 10u);
  auto seek =
      co_await files.Seek({.handle = handle, .offset = -4, .whence = file::Whence::FROM_END});
  CO_ASSERT_OK(seek);
  EXPECT_EQ(seek->position, 6);
  auto tail = co_await files.Read({.handle = handle, .max_bytes = 100});
  CO_ASSERT_OK(tail);
  EXPECT_EQ(tail->data, "6789");
  EXPECT_TRUE(tail->eof);
  auto negative = co_await files.Seek({.handle = handle, .offset = -1});
  EXPECT_ERR(negative, FileErr::InvalidArgument);
  auto zero = co_await files.Read({.handle = handle, .offset = 0, .max_bytes = 0});
  EXPECT_ERR(zero, FileErr::InvalidArgument);
  auto synced = co_await files.Sync({.handle = handle});
  EXPECT_OK(synced);
  auto closed = co_await files.Close({.handle = handle});
  EXPECT_OK(closed);
  auto again = co_await files.Read({.handle = handle, .max_bytes = 1});
  EXPECT_ERR(again, FileErr::BadHandle);
  auto reader = co_await files.Open({.path = "h.txt"});
  CO_ASSERT_OK(reader);
  auto refused = co_await files.Write({.handle = reader->handle, .data = "x"});
  EXPECT_ERR(refused, FileErr::BadHandle);
  auto done = co_await files.Close({.handle = reader->handle});
  EXPECT_OK(done);
  auto removed = co_await files.Delete({.path = "h.txt"});
  EXPECT_OK(removed);
}

}  // namespace

int main() { return parigot::testing::RunAll({file::File::require}); }
