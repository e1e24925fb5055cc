// `parigot test --filter PATTERN`: which tests run, GoogleTest's way.
//
// PATTERN is `POSITIVES[-NEGATIVES]`, each a `:`-separated list of
// patterns matched against a test's full name `Suite.Name`, where `*`
// matches any run of characters (also none) and `?` any one character. A
// test runs if it matches some positive pattern (none given: `*`) and no
// negative one:
//
//   Greeting.*          every test of suite Greeting
//   *Bonjour*           every test whose full name holds "Bonjour"
//   *-Slow.*:*Flaky     everything but suite Slow and names ending in Flaky
//
// Thread safety: immutable after construction; const methods may be called
// from any thread.
#ifndef PARIGOT_HOST_CLI_TEST_FILTER_H_
#define PARIGOT_HOST_CLI_TEST_FILTER_H_

#include <string>
#include <string_view>
#include <vector>

#include "parigot/status.h"

namespace parigot::cli {

class TestFilter {
 public:
  // Every test runs.
  TestFilter() = default;

  // Errors (kInvalidArgument): a pattern with a control character, or more
  // than one '-' section.
  static Result<TestFilter> Parse(std::string_view pattern);

  // Whether the test `suite`.`name` runs.
  bool Matches(std::string_view suite, std::string_view name) const;

  // Whether every test runs (no filter given, or just `*`).
  bool all() const { return positive_.empty() && negative_.empty(); }

 private:
  std::vector<std::string> positive_;  // empty: every test
  std::vector<std::string> negative_;
};

// Whether `text` matches the glob `pattern` (`*` any run, `?` any one
// character; nothing else is special).
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace parigot::cli

#endif  // PARIGOT_HOST_CLI_TEST_FILTER_H_
