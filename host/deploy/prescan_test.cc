#include "prescan.h"

#include <gtest/gtest.h>

#include <string>

#include "diagnostics.h"

namespace parigot::deploy::internal {
namespace {

std::string Check(const std::string& text, int* line = nullptr, int* column = nullptr) {
  int l = 0, c = 0;
  std::string out = PreScan(text, &l, &c);
  if (line != nullptr) *line = l;
  if (column != nullptr) *column = c;
  return out;
}

// A problem PreScan found, with its place.
struct Problem {
  std::string message;
  int line = 0;
  int column = 0;
  bool operator==(const Problem&) const = default;
  friend std::ostream& operator<<(std::ostream& out, const Problem& p) {
    return out << p.line << ":" << p.column << ": " << p.message;
  }
};

Problem Find(const std::string& text) {
  Problem problem;
  problem.message = PreScan(text, &problem.line, &problem.column);
  return problem;
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(PreScanTest, OrdinaryDescriptorsPass) {
  EXPECT_EQ(Check("[config.dev.microservice.greet]\nWasmPath = \"greet.wasm\"\n"
                  "Arg = [\"a\", [1, 2], {x = 1.5}]\nx.y.z = 1979-05-27T07:32:00.999\n"),
            "");
  // At the limit.
  EXPECT_EQ(Check("k" + Repeat(".k", kMaxNesting - 1) + " = 1"), "");
  EXPECT_EQ(Check("a = " + Repeat("[", kMaxNesting) + Repeat("]", kMaxNesting)), "");
}

TEST(PreScanTest, DeepKeysAndBracketsAreRefusedWithTheirPlace) {
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

TEST(PreScanTest, StringsAndCommentsDoNotCount) {
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

// What toml++ 3.3 asserts on (or, in its release build, reaches
// __builtin_unreachable / __builtin_assume with), found by
// tests/fuzz/descriptor, is refused first, with its place.
constexpr char kNonAscii[] =
    "a non-ASCII character outside a string or comment (TOML keys are ASCII unless quoted)";

TEST(PreScanTest, NonAsciiOutsideStringsAndCommentsIsRefused) {
  EXPECT_EQ(Find("x = 1\xc3\xb6"), (Problem{kNonAscii, 1, 6}));
  EXPECT_EQ(Find("\xc3\xbf"), (Problem{kNonAscii, 1, 1}));                // U+00FF alone
  EXPECT_EQ(Find("a = 1\n\xe3\x81\x82 = 2"), (Problem{kNonAscii, 2, 1}));  // U+3042, a key
  EXPECT_EQ(Find("a = [1, \xef\xbc\x91]"), (Problem{kNonAscii, 1, 9}));   // U+FF11
  // The column counts characters, as toml++'s do.
  EXPECT_EQ(Find("a = \"\xc3\xa9\xc3\xa9\" \xc3\xa9"), (Problem{kNonAscii, 1, 10}));
  // In strings and comments, and a leading byte order mark, they are fine.
  EXPECT_EQ(Check("\xef\xbb\xbf# caf\xc3\xa9 \xe3\x81\x82\n"
                  "a = \"caf\xc3\xa9 \\u00e9 \xf0\x9f\x98\x80\"\nb = 'na\xc3\xafve'\n"
                  "\"k\xc3\xa9y\" = \"\"\"\n\xc3\xa9t\xc3\xa9\n\"\"\"\n"),
            "");
}

TEST(PreScanTest, InvalidUtf8IsRefusedAnywhere) {
  EXPECT_EQ(Find("a = 1\nb = \"x\xc3\""), (Problem{"invalid UTF-8", 2, 7}));
  for (const char* bad : {"\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                          "\xf8\x88\x80\x80\x80", "\x80", "\xe3\x81"}) {
    EXPECT_EQ(Check(std::string("# ") + bad), "invalid UTF-8") << bad;
    EXPECT_EQ(Check(std::string("a = '") + bad + "'"), "invalid UTF-8") << bad;
    EXPECT_EQ(Check(std::string("a = 1 ") + bad), "invalid UTF-8") << bad;
  }
}

TEST(PreScanTest, TableHeaderMustStartWithAKey) {
  EXPECT_EQ(Find("[\n"), (Problem{"expected a table name after '[' (a bare or quoted key)", 1, 2}));
  EXPECT_EQ(Find("a = 1\n  [[ #x]]"),
            (Problem{"expected a table name after '[[ ' (a bare or quoted key)", 2, 6}));
  for (std::string bad : {"[%bag]", "[^one]", "[[[a]]]", "[\xc3\xa9]"}) {
    EXPECT_NE(Check(bad), "") << bad;
  }
  EXPECT_NE(Check(std::string("[\0]", 3)), "");
  // Keys of every kind, and what toml++ reports itself.
  EXPECT_EQ(Check("[a]\n[ \"b c\" ]\n[[ 'd'.e ]]\n[-_9]\n[]\n["), "");
  // Inside a value, '[' starts an array, whatever follows.
  EXPECT_EQ(Check("a = [\n[\n1], [ ]]\n"), "");
}

TEST(PreScanTest, NonAsciiAfterABackslashIsRefused) {
  // After a line-ending backslash: valid TOML that toml++ misreads.
  const std::string after_line_end =
      "a non-ASCII character first after a line-ending backslash (toml++ misreads it): "
      "write it as \\uXXXX, or before the backslash";
  EXPECT_EQ(Find("a = \"\"\"x \\  \n\n   \xc3\xa9t\xc3\xa9\"\"\""),
            (Problem{after_line_end, 3, 4}));
  EXPECT_EQ(Find("a = \"\"\"\\ \xc3\xa9\"\"\""), (Problem{after_line_end, 1, 10}));
  // An invalid escape, in either kind of basic string.
  const std::string escape = "invalid escape: a backslash followed by a non-ASCII character";
  EXPECT_EQ(Find("a = \"\\\xc3\xa9\""), (Problem{escape, 1, 7}));
  EXPECT_EQ(Find("a = \"\"\"\\\xc3\xa9\"\"\""), (Problem{escape, 1, 9}));
  // What toml++ reads well.
  EXPECT_EQ(Check("a = \"\"\"x \\\n   y\xc3\xa9\"\"\"\nb = \"\\\\\xc3\xa9\"\n"
                  "c = '\\\xc3\xa9'\nd = '''\\\n\xc3\xa9'''\n"),
            "");
}

TEST(PreScanTest, QuoteInABareValueIsRefused) {
  const std::string quote = "a quote inside a bare value (a number, date or boolean)";
  EXPECT_EQ(Find("a = 1\nb = 74x\"\xd0\x80\""), (Problem{quote, 2, 8}));
  EXPECT_EQ(Find("n = 00=?==\"\"\"--\xef\xb3\xbf\"\"\""), (Problem{quote, 1, 11}));
  EXPECT_EQ(Find("o = -66.'''&'\xd0\x8b'''"), (Problem{quote, 1, 9}));
  EXPECT_EQ(Find("a = [1,\n  2'\xd0\x8b']"), (Problem{quote, 2, 4}));
  EXPECT_EQ(Find("t = {x = true\"\xd0\x8b\"}"), (Problem{quote, 1, 14}));
  EXPECT_EQ(Find("d = 1979-05-27 07\"\xd0\x8b\""), (Problem{quote, 1, 18}));
  // Keys may be quoted anywhere; values are strings, arrays, tables, or bare
  // up to what ends them.
  EXPECT_EQ(Check("\xef\xbb\xbf\"a\".'b'.c = \"x\"\nc=[\"d\",'e',{\"f\"=\"\"\"g\"\"\"\"\"}]\n"
                  "[\"h\"]\n[[ 'i' ]]\nj = { k.'l' = 1, \"m\" = 2 }\nn = [ # c\n 1 , 2,]\n"
                  "o = 1979-05-27 07:32:00 # 'p'\nq = 1979-05-27 \"r\"\n"),
            "");
}

TEST(PreScanTest, CloseBraceWhereAnArrayExpectsAValueIsRefused) {
  const std::string brace = "'}' where an array expects a value or ']'";
  EXPECT_EQ(Find("a = [}"), (Problem{brace, 1, 6}));
  EXPECT_EQ(Find("a = [1,\n # x\n}"), (Problem{brace, 3, 1}));
  EXPECT_EQ(Find("oo=[}}}}SXXX}66"), (Problem{brace, 1, 5}));
  // Elsewhere toml++ reports it itself.
  EXPECT_EQ(Check("a = {b = }\nc = }\nd = [1 }\ne = [,]\n"), "");
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
