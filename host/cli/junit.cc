#include "host/cli/junit.h"

#include <cstdio>
#include <map>

namespace parigot::cli {
namespace {

std::string Seconds(std::chrono::microseconds duration) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(duration.count()) / 1e6);
  return buffer;
}

// The length of the valid UTF-8 sequence at text[i], or 0.
size_t Utf8Length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  return n;
}

std::string Failures(const abi::TestResult& result) {
  std::string text;
  for (const abi::TestFailure& failure : result.failures) {
    text += failure.file + ":" + std::to_string(failure.line) + ": " + failure.message + "\n";
  }
  return text;
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&apos;"; continue;
      case '\n': out += "&#10;"; continue;
      case '\t': out += "&#9;"; continue;
      default: break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else if (size_t n = c >= 0x80 ? Utf8Length(text, i) : 0; n > 0) {
      out.append(text.substr(i, n));
      i += n - 1;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string JunitXml(const std::vector<abi::TestResult>& results) {
  struct Suite {
    std::vector<const abi::TestResult*> cases;
    int failures = 0;
    int skipped = 0;
    std::chrono::microseconds time{0};
  };
  std::vector<std::string> order;
  std::map<std::string, Suite> suites;
  int failures = 0, skipped = 0;
  std::chrono::microseconds time{0};
  for (const abi::TestResult& result : results) {
    auto [it, added] = suites.try_emplace(result.suite);
    if (added) order.push_back(result.suite);
    Suite& suite = it->second;
    suite.cases.push_back(&result);
    suite.time += result.duration;
    time += result.duration;
    if (result.outcome == abi::TestOutcome::kFailed) ++suite.failures, ++failures;
    if (result.outcome == abi::TestOutcome::kSkipped) ++suite.skipped, ++skipped;
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites tests=\"" + std::to_string(results.size()) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"0\" skipped=\"" + std::to_string(skipped) +
         "\" time=\"" + Seconds(time) + "\">\n";
  for (const std::string& name : order) {
    const Suite& suite = suites[name];
    xml += "  <testsuite name=\"" + XmlEscape(name) + "\" tests=\"" +
           std::to_string(suite.cases.size()) + "\" failures=\"" +
           std::to_string(suite.failures) + "\" errors=\"0\" skipped=\"" +
           std::to_string(suite.skipped) + "\" time=\"" + Seconds(suite.time) + "\">\n";
    for (const abi::TestResult* result : suite.cases) {
      xml += "    <testcase name=\"" + XmlEscape(result->name) + "\" classname=\"" +
             XmlEscape(result->suite) + "\" file=\"" + XmlEscape(result->file) +
             "\" line=\"" + std::to_string(result->line) + "\" time=\"" +
             Seconds(result->duration) + "\"";
      if (result->outcome == abi::TestOutcome::kPassed) {
        xml += "/>\n";
        continue;
      }
      xml += ">\n";
      if (result->outcome == abi::TestOutcome::kFailed) {
        std::string first = result->failures.empty() ? "failed" : result->failures[0].message;
        xml += "      <failure message=\"" + XmlEscape(first) + "\">" +
               XmlEscape(Failures(*result)) + "</failure>\n";
      } else {
        xml += "      <skipped message=\"" + XmlEscape(result->skip_reason) + "\"/>\n";
      }
      xml += "    </testcase>\n";
    }
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  return xml;
}

}  // namespace parigot::cli
