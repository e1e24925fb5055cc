#include "host/cli/test_report.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace parigot::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

abi::TestResult Outcome(std::string name, abi::TestOutcome outcome) {
  abi::TestResult result;
  result.program = "tests";
  result.suite = "S";
  result.name = std::move(name);
  result.outcome = outcome;
  result.duration = std::chrono::microseconds(3000);
  return result;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("parigot_test_report_" + std::to_string(getpid()) + "_" + name))
      .string();
}

TEST(TestReportTest, PrintsEachTestThenTheSummary) {
  std::vector<std::string> lines;
  TestReportOptions options;
  options.output = [&](std::string_view line) { lines.emplace_back(line); };
  auto report = TestReport::Make(std::move(options));
  ASSERT_TRUE(report.ok());
  TestReport& r = **report;
  ASSERT_TRUE(r.Begin("tests", "S", "A", "t.cc", 3));
  r.Report(Outcome("A", abi::TestOutcome::kPassed));
  ASSERT_TRUE(r.Begin("tests", "S", "B", "t.cc", 9));
  abi::TestResult failed = Outcome("B", abi::TestOutcome::kFailed);
  failed.failures.push_back({"t.cc", 10, "expected x == 1, but x is 2"});
  r.Report(failed);
  ASSERT_TRUE(r.Begin("tests", "S", "C", "t.cc", 12));  // never reported
  EXPECT_EQ(r.Finish(0), 1);
  EXPECT_THAT(lines, ElementsAre("[tests] PASS S.A (3 ms)", "[tests] FAIL S.B (3 ms)",
                                 "[tests]   t.cc:10: expected x == 1, but x is 2",
                                 "[tests] FAIL S.C (0 ms)",
                                 "[tests]   t.cc:12: did not end: its program ended first (see the log)",
                                 "[tests] FAILED S.B", "[tests] FAILED S.C",
                                 "1 passed, 2 failed"));
}

TEST(TestReportTest, FilterLeavesTestsOutAndSaysHowMany) {
  std::vector<std::string> lines;
  TestReportOptions options;
  options.filter = *TestFilter::Parse("S.A");
  options.output = [&](std::string_view line) { lines.emplace_back(line); };
  auto report = TestReport::Make(std::move(options));
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE((*report)->Begin("tests", "S", "A", "t.cc", 3));
  EXPECT_FALSE((*report)->Begin("tests", "S", "B", "t.cc", 4));
  (*report)->Report(Outcome("A", abi::TestOutcome::kPassed));
  EXPECT_EQ((*report)->Finish(0), 0);
  EXPECT_THAT(lines, ElementsAre("[tests] PASS S.A (3 ms)", "1 test left out by --filter",
                                 "1 passed, 0 failed"));
}

TEST(TestReportTest, NothingReportedKeepsTheOldBehaviour) {
  std::vector<std::string> lines;
  TestReportOptions options;
  options.output = [&](std::string_view line) { lines.emplace_back(line); };
  auto report = TestReport::Make(std::move(options));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ((*report)->Finish(3), 3);
  EXPECT_TRUE(lines.empty());
}

TEST(TestReportTest, ResultsRoundTripThroughTheResultsFile) {
  abi::TestResult result = Outcome("B", abi::TestOutcome::kFailed);
  result.file = "dir/t\tab.cc";
  result.line = 42;
  result.failures.push_back({"t.cc", 10, "two\nlines \\ and\ttab"});
  result.failures.push_back({"u.cc", 11, ""});
  std::optional<abi::TestResult> back = DecodeResult(EncodeResult(result));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->program, "tests");
  EXPECT_EQ(back->file, "dir/t\tab.cc");
  EXPECT_EQ(back->line, 42u);
  EXPECT_EQ(back->outcome, abi::TestOutcome::kFailed);
  EXPECT_EQ(back->duration.count(), 3000);
  ASSERT_EQ(back->failures.size(), 2u);
  EXPECT_EQ(back->failures[0].message, "two\nlines \\ and\ttab");
  EXPECT_EQ(back->failures[1].file, "u.cc");
  EXPECT_FALSE(DecodeResult("not\ta\tresult").has_value());
}

TEST(TestReportTest, UpSumsTheHostsFilesAndWritesJunit) {
  std::string front = TempPath("front"), back = TempPath("back"), junit = TempPath("junit");
  for (const auto& [path, name, outcome] :
       {std::tuple{front, "A", abi::TestOutcome::kPassed},
        std::tuple{back, "B", abi::TestOutcome::kFailed}}) {
    TestReportOptions options;
    options.results_path = path;
    options.filter = *TestFilter::Parse("-S.X");
    options.output = [](std::string_view) {};
    auto report = TestReport::Make(std::move(options));
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE((*report)->Begin("tests", "S", name, "t.cc", 1));
    EXPECT_FALSE((*report)->Begin("tests", "S", "X", "t.cc", 2));
    (*report)->Report(Outcome(name, outcome));
    EXPECT_EQ((*report)->Finish(0), 0);  // up decides
  }
  std::vector<std::string> lines;
  int code = FinishUpTests({front, back, TempPath("missing")}, junit,
                           [&](std::string_view line) { lines.emplace_back(line); }, 0);
  EXPECT_EQ(code, 1);
  EXPECT_THAT(lines, ElementsAre("[tests] FAILED S.B", "2 tests left out by --filter",
                                 "1 passed, 1 failed"));
  std::ifstream in(junit);
  std::stringstream xml;
  xml << in.rdbuf();
  EXPECT_THAT(xml.str(), HasSubstr("<testsuite name=\"S\" tests=\"2\" failures=\"1\""));
  for (const std::string& path : {front, back, junit}) std::remove(path.c_str());
}

}  // namespace
}  // namespace parigot::cli
