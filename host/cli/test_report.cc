#include "host/cli/test_report.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "host/cli/junit.h"
#include "host/log/escape.h"

namespace parigot::cli {
namespace {

using abi::TestOutcome;
using abi::TestResult;

std::string FullName(const TestResult& result) { return result.suite + "." + result.name; }

std::string Millis(std::chrono::microseconds duration) {
  return std::to_string(duration.count() / 1000) + " ms";
}

// The lines that end a report: the failed tests again, then the counts.
void PrintSummary(const std::vector<TestResult>& results, int filtered_out,
                  const std::function<void(std::string_view)>& output) {
  int passed = 0, failed = 0, skipped = 0;
  for (const TestResult& result : results) {
    switch (result.outcome) {
      case TestOutcome::kPassed: ++passed; break;
      case TestOutcome::kFailed:
        ++failed;
        output("[" + log::EscapeControl(result.program) + "] FAILED " +
               log::EscapeControl(FullName(result)));
        break;
      case TestOutcome::kSkipped: ++skipped; break;
    }
  }
  if (filtered_out > 0) {
    output(std::to_string(filtered_out) + " test" + (filtered_out == 1 ? "" : "s") +
           " left out by --filter");
  }
  output(std::to_string(passed) + " passed, " + std::to_string(failed) + " failed" +
         (skipped > 0 ? ", " + std::to_string(skipped) + " skipped" : ""));
}

bool AnyFailed(const std::vector<TestResult>& results) {
  for (const TestResult& result : results) {
    if (result.outcome == TestOutcome::kFailed) return true;
  }
  return false;
}

// Writes the JUnit file; false (reported on stderr) if it cannot.
bool WriteJunit(const std::string& path, const std::vector<TestResult>& results) {
  if (path.empty()) return true;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << JunitXml(results);
  out.close();
  if (!out) {
    std::cerr << "parigot: --junit " << path << ": cannot write: " << std::strerror(errno)
              << "\n";
    return false;
  }
  return true;
}

// Results files: one result per line, fields separated by tabs, each with
// backslash, tab, newline and carriage return escaped.
std::string EscapeField(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<std::string> SplitFields(std::string_view line) {
  std::vector<std::string> fields(1);
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\t') {
      fields.emplace_back();
    } else if (c == '\\' && i + 1 < line.size()) {
      char e = line[++i];
      fields.back() += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

constexpr std::string_view kFilteredRecord = "#filtered";

}  // namespace

std::string EncodeResult(const TestResult& result) {
  std::string outcome = result.outcome == TestOutcome::kPassed   ? "passed"
                        : result.outcome == TestOutcome::kFailed ? "failed"
                                                                 : "skipped";
  std::string line;
  for (const std::string& field :
       {result.program, result.suite, result.name, result.file, std::to_string(result.line),
        outcome, std::to_string(result.duration.count()), result.skip_reason}) {
    line += EscapeField(field) + "\t";
  }
  line += std::to_string(result.failures.size());
  for (const abi::TestFailure& failure : result.failures) {
    line += "\t" + EscapeField(failure.file) + "\t" + std::to_string(failure.line) + "\t" +
            EscapeField(failure.message);
  }
  return line;
}

std::optional<TestResult> DecodeResult(std::string_view line) {
  std::vector<std::string> f = SplitFields(line);
  if (f.size() < 9) return std::nullopt;
  TestResult result;
  result.program = f[0];
  result.suite = f[1];
  result.name = f[2];
  result.file = f[3];
  char* end = nullptr;
  result.line = static_cast<uint32_t>(std::strtoul(f[4].c_str(), &end, 10));
  if (f[5] == "passed") {
    result.outcome = TestOutcome::kPassed;
  } else if (f[5] == "failed") {
    result.outcome = TestOutcome::kFailed;
  } else if (f[5] == "skipped") {
    result.outcome = TestOutcome::kSkipped;
  } else {
    return std::nullopt;
  }
  result.duration = std::chrono::microseconds(std::strtoll(f[6].c_str(), &end, 10));
  result.skip_reason = f[7];
  size_t count = std::strtoul(f[8].c_str(), &end, 10);
  if (f.size() != 9 + 3 * count) return std::nullopt;
  for (size_t i = 0; i < count; ++i) {
    result.failures.push_back({f[9 + 3 * i],
                               static_cast<uint32_t>(std::strtoul(f[10 + 3 * i].c_str(), &end, 10)),
                               f[11 + 3 * i]});
  }
  return result;
}

Result<std::unique_ptr<TestReport>> TestReport::Make(TestReportOptions options) {
  std::unique_ptr<TestReport> report(new TestReport(std::move(options)));
  if (!report->options_.results_path.empty()) {
    report->results_file_ = std::fopen(report->options_.results_path.c_str(), "a");
    if (report->results_file_ == nullptr) {
      return InvalidArgumentError("--results-file " + report->options_.results_path + ": " +
                                  std::strerror(errno));
    }
  }
  return report;
}

bool TestReport::Begin(std::string_view program, std::string_view suite, std::string_view name,
                       std::string_view file, uint32_t line) {
  std::lock_guard lock(mu_);
  if (!options_.filter.Matches(suite, name)) {
    ++filtered_out_;
    return false;
  }
  running_[{std::string(program), std::string(suite), std::string(name)}] = {std::string(file),
                                                                              line};
  return true;
}

void TestReport::Report(TestResult result) {
  std::lock_guard lock(mu_);
  auto running = running_.find({result.program, result.suite, result.name});
  if (running != running_.end()) {
    result.file = running->second.first;
    result.line = running->second.second;
    running_.erase(running);
  }
  RecordLocked(std::move(result));
}

void TestReport::RecordLocked(TestResult result) {
  PrintResultLocked(result);
  if (results_file_ != nullptr) {
    std::string line = EncodeResult(result) + "\n";
    std::fwrite(line.data(), 1, line.size(), results_file_);
    std::fflush(results_file_);
  }
  results_.push_back(std::move(result));
}

void TestReport::PrintResultLocked(const TestResult& result) {
  std::string source =
      "[" + log::EscapeControl(options_.source_prefix + result.program) + "] ";
  std::string name = log::EscapeControl(FullName(result));
  switch (result.outcome) {
    case TestOutcome::kPassed:
      options_.output(source + "PASS " + name + " (" + Millis(result.duration) + ")");
      break;
    case TestOutcome::kFailed:
      options_.output(source + "FAIL " + name + " (" + Millis(result.duration) + ")");
      break;
    case TestOutcome::kSkipped:
      options_.output(source + "SKIP " + name +
                      (result.skip_reason.empty() ? "" : ": " + log::EscapeControl(result.skip_reason)));
      break;
  }
  for (const abi::TestFailure& failure : result.failures) {
    // A message of several lines stays one failure, each line indented.
    for (const std::string& line : log::EscapedLines(failure.file + ":" +
                                                     std::to_string(failure.line) + ": " +
                                                     failure.message)) {
      options_.output(source + "  " + line);
    }
  }
}

int TestReport::Finish(int exit_code) {
  std::lock_guard lock(mu_);
  for (auto& [key, where] : running_) {
    TestResult result;
    std::tie(result.program, result.suite, result.name) = key;
    result.file = where.first;
    result.line = where.second;
    result.outcome = TestOutcome::kFailed;
    result.failures.push_back(
        {where.first, where.second, "did not end: its program ended first (see the log)"});
    RecordLocked(std::move(result));
  }
  running_.clear();
  if (results_file_ != nullptr) {
    std::fprintf(results_file_, "%s\t%d\n", std::string(kFilteredRecord).c_str(), filtered_out_);
    std::fclose(results_file_);
    results_file_ = nullptr;
    return exit_code;  // `parigot up` sums up
  }
  // A Test program that never uses the test API reports nothing: its exit
  // code is its whole result, as it always was.
  if (results_.empty() && filtered_out_ == 0) return exit_code;
  PrintSummary(results_, filtered_out_, options_.output);
  bool written = WriteJunit(options_.junit_path, results_);
  if (exit_code == 0 && (AnyFailed(results_) || !written)) return 1;
  return exit_code;
}

int FinishUpTests(const std::vector<std::string>& results_paths, const std::string& junit_path,
                  const std::function<void(std::string_view)>& output, int exit_code) {
  std::vector<TestResult> results;
  int filtered_out = 0;
  for (const std::string& path : results_paths) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(kFilteredRecord, 0) == 0) {
        filtered_out += std::atoi(line.c_str() + kFilteredRecord.size());
      } else if (std::optional<TestResult> result = DecodeResult(line)) {
        results.push_back(std::move(*result));
      }
    }
  }
  if (results.empty() && filtered_out == 0) return exit_code;
  PrintSummary(results, filtered_out, output);
  bool written = WriteJunit(junit_path, results);
  if (exit_code == 0 && (AnyFailed(results) || !written)) return 1;
  return exit_code;
}

}  // namespace parigot::cli
