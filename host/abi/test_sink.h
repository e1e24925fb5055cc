// Where the test_begin and test_report system calls of Test programs go
// (docs/abi.md; the guest side is parigot/testing.h): the `parigot test`
// command collects them for its report, its summary and JUnit.
//
// The ABI only decodes the calls and checks their order; what a test's
// result means to the user is the sink's business.
#ifndef PARIGOT_HOST_ABI_TEST_SINK_H_
#define PARIGOT_HOST_ABI_TEST_SINK_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parigot::abi {

enum class TestOutcome { kPassed, kFailed, kSkipped };

// One failed check of a test: where, and what (the check, its expression
// and both values, as the guest's SDK wrote it; may span lines).
struct TestFailure {
  std::string file;
  uint32_t line = 0;
  std::string message;
};

// One test's result.
struct TestResult {
  std::string program;  // the Test program's name in the descriptor
  std::string suite;
  std::string name;
  std::string file;  // where the test is declared
  uint32_t line = 0;
  TestOutcome outcome = TestOutcome::kPassed;
  std::chrono::microseconds duration{0};
  std::vector<TestFailure> failures;
  std::string skip_reason;  // kSkipped only
};

// Thread safety: Begin and Report are called from the guests' threads,
// several Test programs at once; implementations synchronize.
class TestSink {
 public:
  virtual ~TestSink() = default;

  // `program`'s test `suite`.`name` (declared at file:line) is about to
  // run. Returns whether to run it (false: a filter leaves it out).
  virtual bool Begin(std::string_view program, std::string_view suite,
                     std::string_view name, std::string_view file, uint32_t line) = 0;

  // The outcome of a test that Begin was told of and answered true.
  virtual void Report(TestResult result) = 0;
};

}  // namespace parigot::abi

#endif  // PARIGOT_HOST_ABI_TEST_SINK_H_
