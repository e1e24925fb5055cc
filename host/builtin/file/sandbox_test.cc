// The sandbox (sandbox.h) on a real directory, with a sibling directory
// "outside" that nothing may reach: lexical escapes, and symbolic links
// planted from the host's side after the sandbox was opened (to an
// absolute path, to ../outside, in chains, dangling), through every
// operation; and the operations themselves.
#include "host/builtin/file/sandbox.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "host/builtin/testing/service_fixture.h"

namespace parigot::builtin::file {
namespace {

namespace fs = std::filesystem;
namespace pb = ::parigot::file::v1;

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = builtin::testing::ScratchDir("file_sandbox_test");
    fs::create_directories(base_ / "outside");
    Put(base_ / "outside" / "secret", "top secret");
    // The sandbox directory does not exist yet: Open makes it.
    auto sandbox = Sandbox::Open(base_ / "box");
    ASSERT_TRUE(sandbox.ok()) << sandbox.status().message();
    sandbox_ = std::move(*sandbox);
    box_ = base_ / "box";
  }
  void TearDown() override { fs::remove_all(base_); }

  static void Put(const fs::path& file, const std::string& text) {
    std::ofstream(file, std::ios::binary) << text;
  }
  static std::string Get(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  static std::string ReadAll(const UniqueFd& fd) {
    std::string text;
    char buffer[256];
    ssize_t n;
    while ((n = ::read(fd.get(), buffer, sizeof buffer)) > 0) text.append(buffer, n);
    return text;
  }
  // The code `result` failed with, or NoError.
  template <typename T>
  static FileErr CodeOf(const FileResult<T>& result) {
    return result.ok() ? pb::NoError : result.status().code;
  }
  FileErr OpenCode(const std::string& path, OpenOptions options = {}) {
    return CodeOf(sandbox_->OpenFile(path, options));
  }
  static constexpr OpenOptions kCreate{.access = Access::kReadWrite, .create = true};

  // Every operation on `path` (a name that must lead outside) answers
  // `code`, and the outside is as it was.
  void ExpectRefusedEverywhere(const std::string& path, FileErr code) {
    EXPECT_EQ(OpenCode(path), code) << path;
    EXPECT_EQ(OpenCode(path, kCreate), code) << path;
    EXPECT_EQ(OpenCode(path, {.access = Access::kWrite, .truncate = true}), code) << path;
    EXPECT_EQ(CodeOf(sandbox_->Stat(path)), code) << path;
    EXPECT_EQ(CodeOf(sandbox_->List(path, "", 10)), code) << path;
    EXPECT_EQ(CodeOf(sandbox_->MakeDir(path + "/made", false)), code) << path;
    EXPECT_EQ(CodeOf(sandbox_->MakeDir(path + "/made/deeper", true)), code) << path;
    EXPECT_EQ(CodeOf(sandbox_->Delete(path + "/secret")), code) << path;
    EXPECT_EQ(CodeOf(sandbox_->Rename(path + "/secret", "stolen", false)), code) << path;
    Put(box_ / "planted", "mine");
    EXPECT_EQ(CodeOf(sandbox_->Rename("planted", path + "/planted", true)), code) << path;
    EXPECT_EQ(Get(base_ / "outside" / "secret"), "top secret");
    EXPECT_FALSE(fs::exists(base_ / "outside" / "made"));
    EXPECT_FALSE(fs::exists(base_ / "outside" / "planted"));
    EXPECT_FALSE(fs::exists(box_ / "stolen"));
  }

  fs::path base_;
  fs::path box_;
  std::unique_ptr<Sandbox> sandbox_;
};

TEST_F(SandboxTest, LexicalEscapesAreInvalidArguments) {
  // The absolute path is the test's own, so that a broken check writes
  // nowhere else.
  for (const std::string& path : {std::string("../outside"), (base_ / "outside").string(),
                                  std::string("a/../../outside"), std::string("./outside")}) {
    ExpectRefusedEverywhere(path, pb::InvalidArgument);
  }
}

TEST_F(SandboxTest, LinkToAnAbsolutePathIsRefused) {
  fs::create_directory_symlink(base_ / "outside", box_ / "abs");
  fs::create_directory_symlink("/etc", box_ / "etc");
  ExpectRefusedEverywhere("abs", pb::PermissionDenied);
  // Only reads through the link to /etc: were the sandbox broken, a test
  // run as root must not write there.
  EXPECT_EQ(OpenCode("etc/passwd"), pb::PermissionDenied);
  EXPECT_EQ(CodeOf(sandbox_->Stat("etc/passwd")), pb::PermissionDenied);
  EXPECT_EQ(CodeOf(sandbox_->List("etc", "", 10)), pb::PermissionDenied);
}

TEST_F(SandboxTest, LinkUpAndOutIsRefused) {
  fs::create_directory_symlink("../outside", box_ / "up");
  fs::create_directories(box_ / "deep" / "er");
  fs::create_directory_symlink("../../../outside", box_ / "deep" / "er" / "up3");
  ExpectRefusedEverywhere("up", pb::PermissionDenied);
  ExpectRefusedEverywhere("deep/er/up3", pb::PermissionDenied);
}

TEST_F(SandboxTest, ChainsOfLinksThatEndOutsideAreRefused) {
  fs::create_directory_symlink("../outside", box_ / "hop3");
  fs::create_directory_symlink("hop3", box_ / "hop2");
  fs::create_directories(box_ / "d");
  fs::create_directory_symlink("../hop2", box_ / "d" / "hop1");
  ExpectRefusedEverywhere("d/hop1", pb::PermissionDenied);
}

TEST_F(SandboxTest, LinksToFilesOutsideAreNeitherReadNorWrittenNorTruncated) {
  fs::create_symlink(base_ / "outside" / "secret", box_ / "secret");
  fs::create_symlink("../outside/secret", box_ / "secret2");
  fs::create_symlink("../outside/new", box_ / "dangling");
  for (const char* path : {"secret", "secret2", "dangling"}) {
    EXPECT_EQ(OpenCode(path), pb::PermissionDenied) << path;
    EXPECT_EQ(OpenCode(path, kCreate), pb::PermissionDenied) << path;
    EXPECT_EQ(OpenCode(path, {.access = Access::kReadWrite, .create = true, .truncate = true}),
              pb::PermissionDenied)
        << path;
    EXPECT_EQ(CodeOf(sandbox_->Stat(path)), pb::PermissionDenied) << path;
  }
  EXPECT_EQ(Get(base_ / "outside" / "secret"), "top secret");
  EXPECT_FALSE(fs::exists(base_ / "outside" / "new"));
  // Deleting a link removes the link, never what it points to.
  EXPECT_TRUE(sandbox_->Delete("secret").ok());
  EXPECT_FALSE(fs::is_symlink(box_ / "secret"));
  EXPECT_EQ(Get(base_ / "outside" / "secret"), "top secret");
  // Renaming one moves the link inside the sandbox, which still leads
  // nowhere readable.
  EXPECT_TRUE(sandbox_->Rename("secret2", "moved", false).ok());
  EXPECT_EQ(OpenCode("moved"), pb::PermissionDenied);
}

TEST_F(SandboxTest, LinksThatStayInsideAreFollowed) {
  fs::create_directories(box_ / "data" / "sub");
  Put(box_ / "data" / "real.txt", "inside");
  fs::create_symlink("../real.txt", box_ / "data" / "sub" / "up");  // .. stays inside
  fs::create_symlink("data/sub/up", box_ / "chain");
  fs::create_directory_symlink("data", box_ / "alias");
  for (const char* path : {"data/sub/up", "chain", "alias/real.txt"}) {
    FileResult<UniqueFd> fd = sandbox_->OpenFile(path, {});
    ASSERT_TRUE(fd.ok()) << path;
    EXPECT_EQ(ReadAll(*fd), "inside") << path;
  }
  EXPECT_EQ(sandbox_->Stat("chain")->size, 6);
  EXPECT_TRUE(sandbox_->MakeDir("alias/made", false).ok());
  EXPECT_TRUE(fs::is_directory(box_ / "data" / "made"));
}

TEST_F(SandboxTest, ALinkToItselfIsRefusedNotFollowedForEver) {
  fs::create_symlink("loop", box_ / "loop");
  EXPECT_EQ(OpenCode("loop"), pb::PermissionDenied);
  EXPECT_EQ(CodeOf(sandbox_->Stat("loop/x")), pb::PermissionDenied);
}

TEST_F(SandboxTest, CreateEmptiesAnExistingFileAndNeverAppends) {
  Put(box_ / "log", "old contents");
  FileResult<UniqueFd> fd = sandbox_->OpenFile(
      "log", {.access = Access::kReadWrite, .create = true, .truncate = true});
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(::write(fd->get(), "new", 3), 3);
  EXPECT_EQ(Get(box_ / "log"), "new");
  EXPECT_EQ(OpenCode("log", {.access = Access::kWrite, .create = true, .exclusive = true}),
            pb::AlreadyExists);
  EXPECT_EQ(Get(box_ / "log"), "new");
  // Without truncate, create opens the file as it is.
  FileResult<UniqueFd> again = sandbox_->OpenFile("log", kCreate);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ReadAll(*again), "new");
}

TEST_F(SandboxTest, OpenChecksItsOptionsAndWhatItOpens) {
  EXPECT_EQ(OpenCode("missing"), pb::NotFound);
  EXPECT_EQ(OpenCode("missing/child", kCreate), pb::NotFound);
  EXPECT_EQ(OpenCode("x", {.access = Access::kRead, .create = true}), pb::InvalidArgument);
  EXPECT_EQ(OpenCode("x", {.access = Access::kRead, .truncate = true}), pb::InvalidArgument);
  EXPECT_EQ(OpenCode("x", {.access = Access::kWrite, .exclusive = true}), pb::InvalidArgument);
  EXPECT_EQ(OpenCode(""), pb::InvalidArgument);
  fs::create_directory(box_ / "dir");
  EXPECT_EQ(OpenCode("dir"), pb::IsADirectory);
  EXPECT_EQ(OpenCode("dir", {.access = Access::kWrite}), pb::IsADirectory);
  Put(box_ / "file", "f");
  EXPECT_EQ(OpenCode("file/child"), pb::NotADirectory);
  // A FIFO would block an open for reading until a writer comes: refused
  // at once instead.
  ASSERT_EQ(::mkfifo((box_ / "fifo").c_str(), 0600), 0);
  EXPECT_EQ(OpenCode("fifo"), pb::NotAFile);
  EXPECT_EQ(OpenCode("fifo", {.access = Access::kWrite}), pb::NotAFile);
}

TEST_F(SandboxTest, StatAndList) {
  FileResult<FileInfo> root = sandbox_->Stat("");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->kind, pb::KIND_DIRECTORY);
  for (const char* name : {"e", "a", "d", "c", "b"}) Put(box_ / name, name);
  Put(box_ / "b", "bigger");
  fs::create_directory(box_ / "f");
  fs::create_symlink("a", box_ / "g");
  Put(box_ / "bad\xff", "unreachable by any path");  // not UTF-8: left out
  FileResult<FileInfo> b = sandbox_->Stat("b");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->kind, pb::KIND_FILE);
  EXPECT_EQ(b->size, 6);
  EXPECT_GT(b->mtime_ns, int64_t{1600000000} * 1000000000);
  EXPECT_EQ(sandbox_->Stat("g")->kind, pb::KIND_FILE);  // followed

  std::string names;
  std::string after;
  int pages = 0;
  do {
    FileResult<DirPage> page = sandbox_->List("", after, 3);
    ASSERT_TRUE(page.ok());
    ++pages;
    for (const DirEntry& entry : page->entries) {
      names += entry.name;
      if (entry.name == "f") EXPECT_EQ(entry.info.kind, pb::KIND_DIRECTORY);
      if (entry.name == "g") EXPECT_EQ(entry.info.kind, pb::KIND_SYMLINK);
      if (entry.name == "b") EXPECT_EQ(entry.info.size, 6);
    }
    after = page->next_after;
  } while (!after.empty());
  EXPECT_EQ(names, "abcdefg");
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(CodeOf(sandbox_->List("", "", 0)), pb::InvalidArgument);
  EXPECT_EQ(CodeOf(sandbox_->List("", "", kMaxListLimit + 1)), pb::InvalidArgument);
  EXPECT_EQ(CodeOf(sandbox_->List("", "../x", 10)), pb::InvalidArgument);
  EXPECT_EQ(CodeOf(sandbox_->List("a", "", 10)), pb::NotADirectory);
  EXPECT_EQ(CodeOf(sandbox_->List("nope", "", 10)), pb::NotFound);
  EXPECT_EQ(sandbox_->List("f", "", 10)->entries.size(), 0u);
}

TEST_F(SandboxTest, MakeDirDeleteAndRename) {
  EXPECT_EQ(CodeOf(sandbox_->MakeDir("a/b", false)), pb::NotFound);
  EXPECT_TRUE(sandbox_->MakeDir("a/b/c", true).ok());
  EXPECT_TRUE(fs::is_directory(box_ / "a" / "b" / "c"));
  EXPECT_TRUE(sandbox_->MakeDir("a/b/c", true).ok());
  EXPECT_EQ(CodeOf(sandbox_->MakeDir("a/b/c", false)), pb::AlreadyExists);
  Put(box_ / "a" / "file", "x");
  EXPECT_EQ(CodeOf(sandbox_->MakeDir("a/file", true)), pb::AlreadyExists);
  EXPECT_EQ(CodeOf(sandbox_->MakeDir("a/file/sub", true)), pb::NotADirectory);

  EXPECT_EQ(CodeOf(sandbox_->Delete("a/b")), pb::NotEmpty);
  EXPECT_TRUE(sandbox_->Delete("a/b/c").ok());
  EXPECT_TRUE(sandbox_->Delete("a/b").ok());
  EXPECT_FALSE(fs::exists(box_ / "a" / "b"));
  EXPECT_EQ(CodeOf(sandbox_->Delete("a/b")), pb::NotFound);
  EXPECT_EQ(CodeOf(sandbox_->Delete("")), pb::InvalidArgument);

  Put(box_ / "one", "1");
  Put(box_ / "two", "2");
  EXPECT_EQ(CodeOf(sandbox_->Rename("one", "two", false)), pb::AlreadyExists);
  EXPECT_EQ(Get(box_ / "two"), "2");
  EXPECT_TRUE(sandbox_->Rename("one", "two", true).ok());
  EXPECT_EQ(Get(box_ / "two"), "1");
  EXPECT_FALSE(fs::exists(box_ / "one"));
  EXPECT_TRUE(sandbox_->Rename("two", "a/three", false).ok());
  EXPECT_EQ(Get(box_ / "a" / "three"), "1");
  EXPECT_EQ(CodeOf(sandbox_->Rename("a", "a/inside", false)), pb::InvalidArgument);
  EXPECT_EQ(CodeOf(sandbox_->Rename("gone", "x", false)), pb::NotFound);
}

TEST(SandboxOpenTest, FailsOnADirectoryItCannotMake) {
  const fs::path file = fs::temp_directory_path() / "file_sandbox_test_not_a_dir";
  std::ofstream(file) << "x";
  auto sandbox = Sandbox::Open(file / "box");
  EXPECT_FALSE(sandbox.ok());
  fs::remove(file);
}

}  // namespace
}  // namespace parigot::builtin::file
