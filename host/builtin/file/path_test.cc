// The path rules (path.h): every lexical escape and malformed path is
// refused before anything reaches the file system.
#include "host/builtin/file/path.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace parigot::builtin::file {
namespace {

namespace pb = ::parigot::file::v1;

bool Accepted(std::string_view path, RootPath root = RootPath::kRefused) {
  return CheckPath(path, root).ok();
}

TEST(PathTest, AcceptsRelativePathsOfValidNames) {
  EXPECT_TRUE(Accepted("a"));
  EXPECT_TRUE(Accepted("notes.txt"));
  EXPECT_TRUE(Accepted("dir/sub/file.tar.gz"));
  EXPECT_TRUE(Accepted("...hidden/..x/x.."));
  EXPECT_TRUE(Accepted("caf\xc3\xa9/\xe2\x82\xac.txt"));  // UTF-8
  EXPECT_TRUE(Accepted(std::string(255, 'n')));
  std::string longest;
  while (longest.size() + 101 <= kMaxPathBytes) longest += std::string(100, 'p') + "/";
  longest += std::string(kMaxPathBytes - longest.size(), 'q');
  ASSERT_EQ(longest.size(), kMaxPathBytes);
  EXPECT_TRUE(Accepted(longest));
}

TEST(PathTest, RefusesEscapesAndMalformedPaths) {
  const std::initializer_list<std::string> paths = {
      "/etc/passwd", "/", "..", "../outside", "a/../../b", "a/..", "./a", "a/./b", ".",
      "a//b", "a/", "//a", "a\nb", std::string("a\0b", 3), "tab\there", "del\x7f",
      "bad\xff", "half\xc3", std::string(256, 'n'), "d/" + std::string(256, 'n'),
      std::string(kMaxPathBytes + 1, 'p')};
  for (const std::string& path : paths) {
    FileResult<Done> checked = CheckPath(path, RootPath::kAllowed);
    ASSERT_FALSE(checked.ok()) << path;
    EXPECT_EQ(checked.status().code, pb::InvalidArgument) << path;
  }
}

TEST(PathTest, TheEmptyPathNamesTheSandboxOnlyWhereAllowed) {
  EXPECT_TRUE(Accepted("", RootPath::kAllowed));
  FileResult<Done> refused = CheckPath("", RootPath::kRefused);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code, pb::InvalidArgument);
}

TEST(PathTest, NamesAreSingleComponents) {
  EXPECT_TRUE(IsValidName("file"));
  EXPECT_FALSE(IsValidName(""));
  EXPECT_FALSE(IsValidName("a/b"));
  EXPECT_FALSE(IsValidName(".."));
}

TEST(PathTest, SplitsParentAndName) {
  EXPECT_EQ(Split("a/b/c").parent, "a/b");
  EXPECT_EQ(Split("a/b/c").name, "c");
  EXPECT_EQ(Split("c").parent, "");
  EXPECT_EQ(Split("c").name, "c");
}

}  // namespace
}  // namespace parigot::builtin::file
