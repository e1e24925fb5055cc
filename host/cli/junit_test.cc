#include "host/cli/junit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace parigot::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

abi::TestResult Result(std::string suite, std::string name, abi::TestOutcome outcome) {
  abi::TestResult result;
  result.program = "tests";
  result.suite = std::move(suite);
  result.name = std::move(name);
  result.file = "t.cc";
  result.line = 7;
  result.outcome = outcome;
  result.duration = std::chrono::microseconds(1500);
  return result;
}

TEST(XmlEscapeTest, MarkupControlsAndBadUtf8) {
  EXPECT_EQ(XmlEscape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(XmlEscape("l1\nl2\tx"), "l1&#10;l2&#9;x");
  EXPECT_EQ(XmlEscape(std::string("\x1b[2J\0", 5)), "\\x1b[2J\\x00");
  EXPECT_EQ(XmlEscape("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 kept
  EXPECT_EQ(XmlEscape("\xff\xc3"), "\\xff\\xc3");       // not UTF-8
}

TEST(JunitXmlTest, OneTestsuitePerSuiteWithCounts) {
  abi::TestResult failed = Result("Checks", "Equal", abi::TestOutcome::kFailed);
  failed.failures.push_back({"t.cc", 20, "expected a == b, but a is 1 and b is <2>"});
  failed.failures.push_back({"t.cc", 21, "second"});
  abi::TestResult skipped = Result("Checks", "Later", abi::TestOutcome::kSkipped);
  skipped.skip_reason = "not yet";
  std::string xml = JunitXml({Result("Greeting", "Bonjour", abi::TestOutcome::kPassed), failed,
                              skipped, Result("Greeting", "Hallo", abi::TestOutcome::kPassed)});
  EXPECT_THAT(xml, HasSubstr("<testsuites tests=\"4\" failures=\"1\" errors=\"0\" "
                             "skipped=\"1\" time=\"0.006\">"));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"Greeting\" tests=\"2\" failures=\"0\""));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"Checks\" tests=\"2\" failures=\"1\" "
                             "errors=\"0\" skipped=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"Bonjour\" classname=\"Greeting\" file=\"t.cc\" "
                             "line=\"7\" time=\"0.002\"/>"));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"expected a == b, but a is 1 and b is &lt;2&gt;\">"
                             "t.cc:20: expected a == b, but a is 1 and b is &lt;2&gt;&#10;"
                             "t.cc:21: second&#10;</failure>"));
  EXPECT_THAT(xml, HasSubstr("<skipped message=\"not yet\"/>"));
  // Suites in the order they first appear.
  EXPECT_LT(xml.find("name=\"Greeting\""), xml.find("name=\"Checks\""));
}

TEST(JunitXmlTest, NoTests) {
  std::string xml = JunitXml({});
  EXPECT_THAT(xml, HasSubstr("<testsuites tests=\"0\""));
  EXPECT_THAT(xml, Not(HasSubstr("<testsuite ")));
}

}  // namespace
}  // namespace parigot::cli
