#include "nesting.h"

#include <gtest/gtest.h>

#include <string>

#include "diagnostics.h"

namespace parigot::deploy::internal {
namespace {

std::string Check(const std::string& text, int* line = nullptr, int* column = nullptr) {
  int l = 0, c = 0;
  std::string out = CheckNesting(text, &l, &c);
  if (line != nullptr) *line = l;
  if (column != nullptr) *column = c;
  return out;
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(NestingTest, OrdinaryDescriptorsPass) {
  EXPECT_EQ(Check("[config.dev.microservice.greet]\nWasmPath = \"greet.wasm\"\n"
                  "Arg = [\"a\", [1, 2], {x = 1.5}]\nx.y.z = 1979-05-27T07:32:00.999\n"),
            "");
  // At the limit.
  EXPECT_EQ(Check("k" + Repeat(".k", kMaxNesting - 1) + " = 1"), "");
  EXPECT_EQ(Check("a = " + Repeat("[", kMaxNesting) + Repeat("]", kMaxNesting)), "");
}

TEST(NestingTest, DeepKeysAndBracketsAreRefusedWithTheirPlace) {
  int line = 0, column = 0;
  EXPECT_EQ(Check("x = 1\nk" + Repeat(".k", 50000) + " = 1", &line, &column),
            "a dotted key of more than 64 parts");
  EXPECT_EQ(line, 2);
  EXPECT_EQ(column, 2 * kMaxNesting);
  EXPECT_EQ(Check("a = " + Repeat("[", 100000) + Repeat("]", 100000), &line, &column),
            "nested more than 64 arrays or tables deep");
  EXPECT_EQ(line, 1);
  EXPECT_EQ(column, 5 + kMaxNesting);
  EXPECT_NE(Check("a = " + Repeat("{b = ", 100) + "1" + Repeat("}", 100)), "");
}

TEST(NestingTest, StringsAndCommentsDoNotCount) {
  std::string many_dots = Repeat(".", 1000), many_brackets = Repeat("[", 1000);
  EXPECT_EQ(Check("a = \"" + many_dots + many_brackets + "\\\"\"\n"), "");
  EXPECT_EQ(Check("a = '" + many_dots + many_brackets + "'\n"), "");
  EXPECT_EQ(Check("a = \"\"\"\n" + many_dots + "\n" + many_brackets + "\"\"\"\n"), "");
  EXPECT_EQ(Check("a = '''\n" + many_brackets + "\n'''\n"), "");
  EXPECT_EQ(Check("# " + many_dots + many_brackets + "\na = 1\n"), "");
  // Lines are still counted across a multi-line string.
  int line = 0;
  EXPECT_NE(Check("a = \"\"\"\n\n\n\"\"\"\nb = " + Repeat("[", 100), &line), "");
  EXPECT_EQ(line, 5);
}

// Many diagnostics: one per key, the first kMaxReported reported.
TEST(DiagnosticsTest, ManyErrorsAreCountedNotAllPrinted) {
  Diagnostics diagnostics;
  for (int i = 0; i < 100000; ++i) {
    diagnostics.Add({"f.toml", i + 1, 1}, "k" + std::to_string(i), "unknown key");
    diagnostics.Add({"f.toml", i + 1, 1}, "k" + std::to_string(i), "again");
  }
  EXPECT_EQ(diagnostics.size(), 100000u);
  std::string message = diagnostics.ToStatus().message();
  EXPECT_NE(message.find("f.toml:1:1: k0: unknown key"), std::string::npos);
  EXPECT_EQ(message.find("again"), std::string::npos);
  EXPECT_NE(message.find("... and 99900 more errors"), std::string::npos);
}

}  // namespace
}  // namespace parigot::deploy::internal
