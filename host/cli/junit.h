// JUnit XML for `parigot test --junit FILE`: the format CI systems read
// (Jenkins, GitLab, GitHub actions' reporters).
//
//   <testsuites tests= failures= skipped= time=>
//     <testsuite name="Greeting" tests= failures= skipped= time=>
//       <testcase name="SaysBonjour" classname="Greeting" file= line= time=>
//         <failure message="first failure">every failure, file:line: ...</failure>
//         <skipped message="why"/>
//
// One testsuite per Suite, in the order suites first appear; with several
// Test programs, a suite of the same name in two programs is one testsuite.
// Times are seconds. Text is escaped for XML 1.0: markup characters become
// entities, and characters XML cannot hold (controls other than tab and
// newline, bytes that are not UTF-8) become `\xNN`.
//
// Thread safety: functions of their arguments only.
#ifndef PARIGOT_HOST_CLI_JUNIT_H_
#define PARIGOT_HOST_CLI_JUNIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "host/abi/test_sink.h"

namespace parigot::cli {

std::string JunitXml(const std::vector<abi::TestResult>& results);

// `text` escaped for an XML attribute value or element content.
std::string XmlEscape(std::string_view text);

}  // namespace parigot::cli

#endif  // PARIGOT_HOST_CLI_JUNIT_H_
