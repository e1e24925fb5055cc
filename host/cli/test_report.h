// What `parigot test` (and `parigot up --test`) prints about the tests of
// its Test programs (parigot/testing.h in the guest), and where it writes
// them: one line per test as it ends, the failures under it, a recap of
// the failed tests and a closing `N passed, N failed` line, and, asked
// for, a JUnit file (junit.h). docs/cli.md, "Tests".
//
//   [tests] PASS Greeting.SaysBonjour (2 ms)
//   [tests] FAIL Checks.Equal (0 ms)
//   [tests]   tests/guest/checks.cc:20: expected a == b, but a is 1 and b is 2
//   [tests] SKIP Checks.Later: not written yet
//   ...
//   [tests] FAILED Checks.Equal
//   1 passed, 1 failed, 1 skipped
//
// A test that began and never reported (its program trapped or exited
// meanwhile) fails with "did not end: its program ended first".
//
// Thread safety: Begin and Report may be called from any thread; the other
// methods from one thread, after the application has ended.
#ifndef PARIGOT_HOST_CLI_TEST_REPORT_H_
#define PARIGOT_HOST_CLI_TEST_REPORT_H_

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "host/abi/test_sink.h"
#include "host/cli/test_filter.h"
#include "parigot/status.h"

namespace parigot::cli {

struct TestReportOptions {
  // --filter: which tests run. Default: all.
  TestFilter filter;
  // --junit: where to write JUnit XML at the end. Empty: nowhere.
  std::string junit_path;
  // `parigot up` gives each host's child a file to append every result to
  // (one line each, in the form ReadResultsFile reads) and prints the
  // recap and summary itself: the child then prints only per-test lines.
  std::string results_path;
  // Before each line's bracketed program name: "front/" under --host.
  std::string source_prefix;
  // Writes one line of output (no newline). REQUIRES: set; called with a
  // lock held, from any thread.
  std::function<void(std::string_view)> output;
};

class TestReport final : public abi::TestSink {
 public:
  // Errors: the results file cannot be opened.
  static Result<std::unique_ptr<TestReport>> Make(TestReportOptions options);

  bool Begin(std::string_view program, std::string_view suite, std::string_view name,
             std::string_view file, uint32_t line) override;
  void Report(abi::TestResult result) override;

  // After the application has ended: fails the tests that began and never
  // reported, prints the recap and summary (unless results_path is set),
  // writes the JUnit file, and returns the exit code to use: `exit_code`,
  // or 1 if it is 0 and a test failed. A JUnit file that cannot be written
  // is reported on stderr and makes the exit code 1 when it was 0.
  int Finish(int exit_code);

 private:
  explicit TestReport(TestReportOptions options) : options_(std::move(options)) {}
  void PrintResultLocked(const abi::TestResult& result);
  void RecordLocked(abi::TestResult result);

  const TestReportOptions options_;
  std::mutex mu_;
  // Begun and not reported: (program, suite, name) -> where declared.
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<std::string, uint32_t>>
      running_;                             // guarded by mu_
  std::vector<abi::TestResult> results_;    // guarded by mu_
  int filtered_out_ = 0;                    // guarded by mu_
  std::FILE* results_file_ = nullptr;       // guarded by mu_
};

// What `parigot up --test` does once its hosts have ended: reads the
// results files of its children (a missing one holds no results: its host
// ran no test), prints the recap and summary and writes the JUnit file as
// TestReport::Finish does, and returns the exit code to use. `output`
// writes one line.
int FinishUpTests(const std::vector<std::string>& results_paths, const std::string& junit_path,
                  const std::function<void(std::string_view)>& output, int exit_code);

// One result as one line of a results file, and back (nullopt: not one).
std::string EncodeResult(const abi::TestResult& result);
std::optional<abi::TestResult> DecodeResult(std::string_view line);

}  // namespace parigot::cli

#endif  // PARIGOT_HOST_CLI_TEST_REPORT_H_
