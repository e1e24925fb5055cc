// The test runner of parigot/testing.h: registration, one test at a time on
// the event loop, timeouts, fakes, and the test_begin/test_report system
// calls through which `parigot test` learns the results.
#include "parigot/testing.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "guest/src/runtime.h"
#include "guest/src/syscall.h"
#include "parigot/log.h"
#include "parigot/timer.h"

namespace parigot::testing {
namespace {

namespace sc = syscall::v1;

struct TestInfo {
  const char* suite;
  const char* name;
  const char* file;
  int line;
  void (*start)();
  bool async;
};

// The registered tests. A function-local static: registration runs in
// static initializers, in an order C++ leaves open.
std::vector<TestInfo>& Registry() {
  static std::vector<TestInfo> tests;
  return tests;
}

struct Running {
  const TestInfo* info = nullptr;
  uint64_t generation = 0;
  int64_t started_ns = 0;
  uint32_t timeout_ms = kDefaultTimeoutMs;
  std::optional<Timer> timeout;
  std::vector<sc::TestFailure> failures;
  std::optional<std::string> skip_reason;
  std::vector<Service*> fakes;
  std::vector<std::unique_ptr<Service>> owned_fakes;
};

// The runner's state: one test runs at a time.
struct Runner {
  std::optional<Program> program;
  size_t next = 0;
  uint64_t generation = 0;
  std::optional<Running> running;
  // False when the host does not take reports (not run by `parigot test`):
  // results are logged instead.
  bool reporting = true;
  int passed = 0;
  int failed = 0;
  int skipped = 0;
};

Runner& TheRunner() {
  static Runner runner;
  return runner;
}

Running& Current(const char* what) {
  Runner& runner = TheRunner();
  if (!runner.running) {
    log::error(std::string(what) + " called while no test runs");
    parigot::exit(1);
  }
  return *runner.running;
}

void StartNext();

// Ends the running test and reports it; the next one starts on a later
// turn of the loop (so that nothing of this one is still on the stack).
void End() {
  Runner& runner = TheRunner();
  if (!runner.running) return;
  Running test = std::move(*runner.running);
  runner.running.reset();
  if (test.timeout) test.timeout->cancel();
  for (Service* fake : test.fakes) ::parigot::internal::Runtime::Get().RemoveFake(fake);
  test.owned_fakes.clear();

  sc::TestReportRequest report;
  report.suite = test.info->suite;
  report.name = test.info->name;
  int64_t elapsed_ns = ::parigot::internal::Runtime::NowNs() - test.started_ns;
  report.duration_us = static_cast<uint64_t>(std::max<int64_t>(elapsed_ns, 0) / 1000);
  if (!test.failures.empty()) {
    report.outcome = sc::TestOutcome::TEST_OUTCOME_FAILED;
    ++runner.failed;
  } else if (test.skip_reason) {
    report.outcome = sc::TestOutcome::TEST_OUTCOME_SKIPPED;
    report.skip_reason = *test.skip_reason;
    ++runner.skipped;
  } else {
    report.outcome = sc::TestOutcome::TEST_OUTCOME_PASSED;
    ++runner.passed;
  }
  std::string full = std::string(test.info->suite) + "." + test.info->name;
  if (runner.reporting) {
    report.failure = std::move(test.failures);
    sc::TestReportResponse response;
    if (sc::KernelErr err = ::parigot::internal::SysTestReport(report, &response);
        err != sc::KernelErr::NoError) {
      log::error("test_report for " + full + " failed: " + std::string(sc::KernelErr_Name(err)));
    }
  } else {
    for (const sc::TestFailure& failure : test.failures) {
      log::error(failure.file + ":" + std::to_string(failure.line) + ": " + failure.message);
    }
    std::string_view outcome = !test.failures.empty() ? "FAIL" : test.skip_reason ? "SKIP" : "PASS";
    log::info(std::string(outcome) + " " + full + " (" +
              std::to_string(report.duration_us / 1000) + " ms)");
  }
  parigot::sleep(0).then(StartNext);
}

void Finish() {
  Runner& runner = TheRunner();
  if (!runner.reporting) {
    log::info(std::to_string(runner.passed) + " passed, " + std::to_string(runner.failed) +
              " failed" +
              (runner.skipped > 0 ? ", " + std::to_string(runner.skipped) + " skipped" : ""));
  }
  parigot::exit(runner.failed > 0 ? 1 : 0);
}

void StartNext() {
  Runner& runner = TheRunner();
  std::vector<TestInfo>& tests = Registry();
  while (runner.next < tests.size()) {
    const TestInfo& info = tests[runner.next++];
    if (runner.reporting) {
      sc::TestBeginResponse begun;
      sc::KernelErr err = ::parigot::internal::SysTestBegin(
          {.suite = info.suite, .name = info.name, .file = info.file,
           .line = static_cast<uint32_t>(info.line)},
          &begun);
      if (err == sc::KernelErr::BadState) {
        // Not a Test program run by `parigot test`: run everything, log.
        runner.reporting = false;
      } else if (err != sc::KernelErr::NoError) {
        log::error(std::string("test_begin failed: ") + std::string(sc::KernelErr_Name(err)));
        parigot::exit(1);
      } else if (!begun.run) {
        continue;  // left out by --filter
      }
    }
    Running& test = runner.running.emplace();
    test.info = &info;
    test.generation = ++runner.generation;
    test.started_ns = ::parigot::internal::Runtime::NowNs();
    info.start();
    if (!runner.running || runner.running->generation != test.generation) return;  // ended
    if (!info.async) return End();
    // The body has run (and may have set its timeout): the clock started
    // with it.
    int64_t left_ms = test.timeout_ms - (::parigot::internal::Runtime::NowNs() - test.started_ns) / 1'000'000;
    uint64_t generation = test.generation;
    test.timeout = every(static_cast<uint32_t>(std::max<int64_t>(left_ms, 0)), [generation] {
      Runner& runner = TheRunner();
      if (!runner.running || runner.running->generation != generation) return;
      Running& timed_out = *runner.running;
      timed_out.timeout->cancel();
      sc::TestFailure failure;
      failure.file = timed_out.info->file;
      failure.line = static_cast<uint32_t>(timed_out.info->line);
      failure.message = "timed out after " + std::to_string(timed_out.timeout_ms) + " ms";
      timed_out.failures.push_back(std::move(failure));
      End();
    });
    return;
  }
  Finish();
}

}  // namespace

int RunAll(std::initializer_list<ServiceName> requires_, std::initializer_list<Service*> exports) {
  return RunAll(std::vector<ServiceName>(requires_), std::vector<Service*>(exports));
}

int RunAll(std::vector<ServiceName> requires_, std::vector<Service*> exports) {
  Runner& runner = TheRunner();
  if (runner.program) {
    log::error("parigot::testing::RunAll called twice");
    return 1;
  }
  std::vector<TestInfo>& tests = Registry();
  std::stable_sort(tests.begin(), tests.end(), [](const TestInfo& a, const TestInfo& b) {
    int by_file = std::strcmp(a.file, b.file);
    return by_file != 0 ? by_file < 0 : a.line < b.line;
  });
  runner.program.emplace(std::move(requires_), std::move(exports));
  runner.program->launch().then(StartNext).or_else([](KernelErr) {
    // The kernel has said why; the application is ending.
    parigot::exit(1);
  });
  return parigot::run();
}

void set_timeout(uint32_t ms) { Current("parigot::testing::set_timeout").timeout_ms = ms; }

void install_fake(Service& fake) {
  Current("parigot::testing::install_fake").fakes.push_back(&fake);
  ::parigot::internal::Runtime::Get().InstallFake(&fake);
}

bool has_failure() {
  Runner& runner = TheRunner();
  return runner.running && !runner.running->failures.empty();
}

namespace internal {

bool Register(const char* suite, const char* name, const char* file, int line, void (*start)(),
              bool async) {
  Registry().push_back({suite, name, file, line, start, async});
  return true;
}

uint64_t CurrentGeneration() {
  Runner& runner = TheRunner();
  return runner.running ? runner.running->generation : 0;
}

void EndAsync(uint64_t generation, std::string failure) {
  Runner& runner = TheRunner();
  if (!runner.running || runner.running->generation != generation) return;  // over already
  if (!failure.empty()) {
    const TestInfo& info = *runner.running->info;
    sc::TestFailure recorded;
    recorded.file = info.file;
    recorded.line = static_cast<uint32_t>(info.line);
    recorded.message = std::move(failure);
    runner.running->failures.push_back(std::move(recorded));
  }
  End();
}

void OwnFake(std::unique_ptr<Service> fake) {
  Current("parigot::testing::install_fake").owned_fakes.push_back(std::move(fake));
}

void Reporter::operator=(const Message& message) {
  Runner& runner = TheRunner();
  std::string text = text_;
  if (!message.text().empty()) text += ": " + message.text();
  if (!runner.running) {
    // A callback of a test that has ended (timed out, or failed an ASSERT)
    // ran late: there is no test to blame; say so.
    log::error(std::string(file_) + ":" + std::to_string(line_) + ": " + text +
               " (after its test ended)");
    return;
  }
  sc::TestFailure failure;
  failure.file = file_;
  failure.line = static_cast<uint32_t>(line_);
  failure.message = std::move(text);
  runner.running->failures.push_back(std::move(failure));
  if (fatal_) End();
}

void Skip(std::string reason) {
  Running& test = Current("PARIGOT_SKIP");
  test.skip_reason = std::move(reason);
  End();
}

CheckResult Truth(const char* text, bool value, bool expected) {
  if (value == expected) return {};
  return {false, "expected " + std::string(text) + " to be " + (expected ? "true" : "false") +
                     ", but it is " + (value ? "true" : "false")};
}

std::string Quote(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c == quote) {
          out += '\\';
          out += c;
        } else if (byte < 0x20 || byte >= 0x7f) {
          static const char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[byte >> 4];
          out += kHex[byte & 15];
        } else {
          out += c;
        }
    }
  }
  return out + quote;
}

std::string Values(std::string_view a_text, const std::string& a, std::string_view b_text,
                   const std::string& b) {
  std::string out;
  if (a_text != a) out = std::string(a_text) + " is " + a;
  if (b_text != b) out += (out.empty() ? "" : " and ") + std::string(b_text) + " is " + b;
  // Both literals (EXPECT_EQ(1, 2)): the values are the expressions.
  return out.empty() ? std::string(a_text) + " is " + a : out;
}

std::string CauseText(CallCause cause) {
  if (cause == CallCause::kNone) return "";
  return " (cause: " + std::string(CallCauseName(cause)) + ")";
}

}  // namespace internal
}  // namespace parigot::testing
