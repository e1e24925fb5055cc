// ParseDescriptor on hostile text: what toml++ 3.3 asserts on is an error
// with its place (prescan.h), the parse is linear in the number of keys,
// and a key nested far too deep is an error, not a stack overflow.
#include <algorithm>
#include <chrono>

#include "parigot/deploy/descriptor.h"
#include "test_util.h"

namespace parigot::deploy::testing {
namespace {

using ::testing::HasSubstr;

class UntrustedTextTest : public TempDirTest {
 protected:
  std::string ErrorFor(std::string_view text) {
    return ErrorOf(ParseDescriptor(Descriptor(text), ""));
  }

  // The fastest of `runs` parses of the descriptor written last, in
  // seconds, and the message of the last.
  double ParseSeconds(int runs, std::string* message) {
    double best = 1e9;
    for (int i = 0; i < runs; ++i) {
      auto start = std::chrono::steady_clock::now();
      auto d = ParseDescriptor("app.toml", "");
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      best = std::min(best, took.count());
      *message = ErrorOf(d);
    }
    return best;
  }
};

// Each of these tripped an assertion inside toml++ (tests/fuzz/descriptor
// found them; the release library reaches __builtin_unreachable or
// __builtin_assume instead).
TEST_F(UntrustedTextTest, WhatTomlPlusPlusAssertsOnIsAnError) {
  EXPECT_EQ(ErrorFor("[\n"), "app.toml:1:2: expected a table name after '[' (a bare or quoted key)");
  EXPECT_EQ(ErrorFor("[config.dev]\n[[#]]\n"),
            "app.toml:2:3: expected a table name after '[[' (a bare or quoted key)");
  EXPECT_EQ(ErrorFor("x = 1\xc3\xb6"),
            "app.toml:1:6: a non-ASCII character outside a string or comment (TOML keys "
            "are ASCII unless quoted)");
  EXPECT_EQ(ErrorFor("\xc6\xa0"), "app.toml:1:1: a non-ASCII character outside a string or "
                                  "comment (TOML keys are ASCII unless quoted)");
  EXPECT_EQ(ErrorFor("[config.dev]\nTimezone = \"\"\"\\\n  \xe3\x81\x82\"\"\"\n"),
            "app.toml:3:3: a non-ASCII character first after a line-ending backslash "
            "(toml++ misreads it): write it as \\uXXXX, or before the backslash");
  EXPECT_EQ(ErrorFor("[config.dev]\nTimezone = \"\xff\"\n"), "app.toml:2:13: invalid UTF-8");
}

TEST_F(UntrustedTextTest, NonAsciiInStringsAndCommentsStillParses) {
  auto d = ParseDescriptor(Descriptor("\xef\xbb\xbf# caf\xc3\xa9\n"
                                      "[config.dev]\nTimezone = \"\"\"\\\n  \\u3042\xe3\x81\x82\"\"\"\n"
                                      "[config.dev.microservice.\"gr\xc3\xbc\xc3\x9f\"]\n"
                                      "WasmPath = 'caf\xc3\xa9.wasm'\n"),
                           "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->timezone, "\xe3\x81\x82\xe3\x81\x82");
  ASSERT_EQ(d->microservices.size(), 1u);
  EXPECT_EQ(d->microservices[0].name, "gr\xc3\xbc\xc3\x9f");
  EXPECT_EQ(d->microservices[0].wasm_path, "caf\xc3\xa9.wasm");
}

// N unknown keys: one error each, the first 100 printed.
std::string ManyKeys(int n) {
  std::string text = "[config.dev.microservice.svc]\nWasmPath = \"svc.wasm\"\n";
  for (int i = 0; i < n; ++i) text += "key" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  return text;
}

TEST_F(UntrustedTextTest, ParseIsLinearInTheNumberOfKeys) {
  std::string message;
  Descriptor(ManyKeys(10000));
  double small = ParseSeconds(3, &message);
  EXPECT_THAT(message, HasSubstr("\n... and 9900 more errors"));
  Descriptor(ManyKeys(100000));
  double large = ParseSeconds(1, &message);
  EXPECT_THAT(message, HasSubstr("app.toml:3:1: config.dev.microservice.svc.key0: unknown key"));
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 100);
  EXPECT_THAT(message, HasSubstr("\n... and 99900 more errors"));

  // Ten times the keys: ten times the time, give or take; a quadratic parse
  // (as the unknown-key check once was) would take a hundred times.
  EXPECT_LT(large / small, 25) << small << " s for 10,000 keys, " << large << " s for 100,000";
}

TEST_F(UntrustedTextTest, FiftyThousandPartDottedKeyIsAnError) {
  std::string key = "a";
  for (int i = 1; i < 50000; ++i) key += ".a";
  EXPECT_EQ(ErrorFor("[config.dev]\n" + key + " = 1\n"),
            "app.toml:2:128: a dotted key of more than 64 parts");
  EXPECT_EQ(ErrorFor("[" + key + "]\n"), "app.toml:1:129: a dotted key of more than 64 parts");
}

}  // namespace
}  // namespace parigot::deploy::testing
