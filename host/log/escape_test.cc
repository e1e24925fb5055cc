#include "host/log/escape.h"

#include <gtest/gtest.h>

namespace parigot::log {
namespace {

TEST(EscapeTest, ControlCharactersAreWrittenAsEscapes) {
  EXPECT_EQ(EscapeControl("plain: été"), "plain: été");
  EXPECT_EQ(EscapeControl("a\nb"), "a\\nb");
  EXPECT_EQ(EscapeControl("\x1b[2J\r\t"), "\\x1b[2J\\r\\t");
  EXPECT_EQ(EscapeControl(std::string_view("n\0l\x7f", 4)), "n\\x00l\\x7f");
}

TEST(EscapeTest, EveryLineIsItsOwn) {
  EXPECT_EQ(EscapedLines("one"), (std::vector<std::string>{"one"}));
  EXPECT_EQ(EscapedLines("one\n[other] forged\n"),
            (std::vector<std::string>{"one", "[other] forged"}));
  EXPECT_EQ(EscapedLines("a\r\nb\x1b"), (std::vector<std::string>{"a\\r", "b\\x1b"}));
  EXPECT_EQ(EscapedLines(""), (std::vector<std::string>{""}));
  EXPECT_EQ(EscapedLines("\n\n"), (std::vector<std::string>{"", ""}));
}

}  // namespace
}  // namespace parigot::log
