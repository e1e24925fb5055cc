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

TEST(EscapeTest, ValidUtf8IsKept) {
  EXPECT_EQ(ToValidUtf8(""), "");
  EXPECT_EQ(ToValidUtf8("plain ascii\n\x01"), "plain ascii\n\x01");
  EXPECT_EQ(ToValidUtf8("été \xe2\x82\xac \xf0\x9f\x98\x80"), "été € 😀");
  EXPECT_EQ(ToValidUtf8(std::string_view("nul\0inside", 11)), std::string("nul\0inside", 11));
  EXPECT_EQ(ToValidUtf8("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");  // U+10FFFF
}

TEST(EscapeTest, EachInvalidSequenceBecomesOneReplacementCharacter) {
  const std::string r = "\xef\xbf\xbd";  // U+FFFD
  EXPECT_EQ(ToValidUtf8("a\xff" "b"), "a" + r + "b");              // never valid
  EXPECT_EQ(ToValidUtf8("\x80"), r);                            // lone continuation
  EXPECT_EQ(ToValidUtf8("\xe2\x82"), r);                        // cut short at the end
  EXPECT_EQ(ToValidUtf8("\xe2\x82x"), r + "x");                 // cut short
  EXPECT_EQ(ToValidUtf8("\xc0\xaf"), r + r);                    // overlong '/'
  EXPECT_EQ(ToValidUtf8("\xe0\x80\xaf"), r + r + r);            // overlong, 3 bytes
  EXPECT_EQ(ToValidUtf8("\xed\xa0\x80"), r + r + r);            // a surrogate
  EXPECT_EQ(ToValidUtf8("\xf4\x90\x80\x80"), r + r + r + r);    // above U+10FFFF
  EXPECT_EQ(ToValidUtf8("\xf0\x9f\x98"), r);                    // 3 of 4 bytes
  EXPECT_EQ(ToValidUtf8("\xf0\x9f\x98\xf0\x9f\x98\x80"), r + "😀");
}

}  // namespace
}  // namespace parigot::log
