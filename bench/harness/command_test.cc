#include "bench/harness/command.h"

#include <gtest/gtest.h>

#include <chrono>

namespace parigot::bench {
namespace {

using std::chrono::milliseconds;

const CommandOptions kCapture = {.capture_output = true};

TEST(RunCommandTest, CapturesStdoutAndStderrInOrderAndTheExitCode) {
  Result<CommandResult> run =
      RunCommand({"/bin/sh", "-c", "echo one; echo two >&2; echo three; exit 3"}, kCapture);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->exit_code, 3);
  EXPECT_EQ(run->signal, 0);
  EXPECT_EQ(run->output, "one\ntwo\nthree\n");
  EXPECT_GT(run->wall_ms, 0);
  EXPECT_GT(run->max_rss_kb, 0);
}

TEST(RunCommandTest, DiscardsOutputUnlessAsked) {
  Result<CommandResult> run = RunCommand({"/bin/sh", "-c", "echo hidden"});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->exit_code, 0);
  EXPECT_EQ(run->output, "");
}

TEST(RunCommandTest, ReportsTheSignalThatKilledIt) {
  Result<CommandResult> run = RunCommand({"/bin/sh", "-c", "kill -9 $$"});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->signal, 9);
  EXPECT_EQ(run->exit_code, 128 + 9);
}

TEST(RunCommandTest, AProgramThatCannotStartIsUnavailable) {
  Result<CommandResult> run = RunCommand({"/nonexistent/parigot", "run"});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(run.status().message().find("/nonexistent/parigot"), std::string::npos);
}

TEST(RunCommandTest, PastItsLimitItGetsSigtermAndTheOutputIsKept) {
  const auto start = std::chrono::steady_clock::now();
  Result<CommandResult> run =
      RunCommand({"/bin/sh", "-c", "echo started; exec sleep 30"},
                 {.capture_output = true, .limit = milliseconds(200)});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(run.status().message().find("started"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(RunCommandTest, OneThatIgnoresSigtermIsKilledAfterTheGrace) {
  const auto start = std::chrono::steady_clock::now();
  Result<CommandResult> run = RunCommand(
      {"/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"},
      {.capture_output = true, .limit = milliseconds(100), .grace = milliseconds(200)});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(RunCommandTest, ADescendantHoldingThePipeDoesNotKeepItWaiting) {
  // The shell ends at once; the background sleep keeps the pipe open.
  const auto start = std::chrono::steady_clock::now();
  Result<CommandResult> run =
      RunCommand({"/bin/sh", "-c", "echo parent; sleep 3 & exit 0"}, kCapture);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->output, "parent\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(RunMeasuredTest, ANonZeroExitIsAborted) {
  Result<RunCost> cost = RunMeasured({"/bin/sh", "-c", "exit 4"});
  ASSERT_FALSE(cost.ok());
  EXPECT_EQ(cost.status().code(), StatusCode::kAborted);
  EXPECT_NE(cost.status().message().find("code 4"), std::string::npos);
  EXPECT_TRUE(RunTimed({"/bin/sh", "-c", "exit 0"}).ok());
}

}  // namespace
}  // namespace parigot::bench
