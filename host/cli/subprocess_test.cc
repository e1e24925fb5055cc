#include "host/cli/subprocess.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <vector>

namespace parigot::cli {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Finished {
  std::vector<std::string> out;
  std::vector<std::string> err;
  ExitStatus status;
};

// Drives `child` to its end the way a supervisor would: poll, read, reap.
Finished RunToEnd(Subprocess& child) {
  Finished done;
  auto to = [](std::vector<std::string>& lines) {
    return [&lines](std::string_view line) { lines.emplace_back(line); };
  };
  while (child.exit_fd() >= 0) {
    pollfd fds[3] = {{.fd = child.out().fd(), .events = POLLIN},
                     {.fd = child.err().fd(), .events = POLLIN},
                     {.fd = child.exit_fd(), .events = POLLIN}};
    poll(fds, 3, 10'000);
    child.out().Read(to(done.out));
    child.err().Read(to(done.err));
    if (fds[2].revents != 0) {
      child.out().Close(to(done.out));
      child.err().Close(to(done.err));
      if (auto status = child.TryWait()) done.status = *status;
    }
  }
  return done;
}

Subprocess Sh(const std::string& script) {
  Result<Subprocess> child = Subprocess::Spawn({"/bin/sh", "-c", script});
  EXPECT_TRUE(child.ok()) << child.status().ToString();
  return std::move(*child);
}

TEST(SubprocessTest, StdoutAndStderrComeBackAsLines) {
  Subprocess child = Sh(
      "echo one; printf 'tw'; printf 'o\\n'; echo oops >&2; printf 'no newline'");
  Finished done = RunToEnd(child);
  EXPECT_THAT(done.out, ElementsAre("one", "two", "no newline"));
  EXPECT_THAT(done.err, ElementsAre("oops"));
  EXPECT_TRUE(done.status.exited);
  EXPECT_EQ(done.status.code(), 0);
}

TEST(SubprocessTest, ExitCode) {
  Subprocess child = Sh("exit 3");
  ExitStatus status = RunToEnd(child).status;
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.code(), 3);
  EXPECT_EQ(status.ToString(), "exited with code 3");
}

TEST(SubprocessTest, KilledBySignal) {
  Subprocess child = Sh("kill -9 $$");
  ExitStatus status = RunToEnd(child).status;
  EXPECT_FALSE(status.exited);
  EXPECT_EQ(status.value, 9);
  EXPECT_EQ(status.code(), 137);
  EXPECT_EQ(status.ToString(), "was killed by signal 9");
}

TEST(SubprocessTest, ChildDoesNotInheritBlockedSignals) {
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, &old);
  Subprocess child = Sh("echo ready; exec sleep 30");
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  child.Signal(SIGTERM);
  ExitStatus status = child.Wait();
  EXPECT_FALSE(status.exited);
  EXPECT_EQ(status.value, SIGTERM);
}

TEST(SubprocessTest, StdinIsEmpty) {
  Subprocess child = Sh("cat; echo done");
  EXPECT_THAT(RunToEnd(child).out, ElementsAre("done"));
}

TEST(SubprocessTest, LongLinesStayWholeAndEndlessOnesAreCut) {
  constexpr size_t kMax = OutputPipe::kMaxLine;
  // 300000 bytes then '\n' (far beyond the pipe's buffer, so many reads),
  // then 2.5 x kMaxLine bytes without any newline.
  Subprocess child = Sh(
      "head -c 300000 /dev/zero | tr '\\0' a; echo; "
      "head -c " + std::to_string(kMax * 5 / 2) + " /dev/zero | tr '\\0' b");
  Finished done = RunToEnd(child);
  ASSERT_EQ(done.out.size(), 4u);
  EXPECT_EQ(done.out[0], std::string(300000, 'a'));
  EXPECT_EQ(done.out[1], std::string(kMax, 'b'));
  EXPECT_EQ(done.out[2], std::string(kMax, 'b'));
  EXPECT_EQ(done.out[3], std::string(kMax / 2, 'b'));
}

TEST(SubprocessTest, ADescendantHoldingThePipeDoesNotDelayTheEnd) {
  auto start = std::chrono::steady_clock::now();
  Subprocess child = Sh("sleep 5 & echo parent done");
  Finished done = RunToEnd(child);
  EXPECT_THAT(done.out, ElementsAre("parent done"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST(SubprocessTest, ADescendantStillWritingDoesNotHoldTheClose) {
  auto start = std::chrono::steady_clock::now();
  // The descendant writes until the pipe is closed (then SIGPIPE ends it).
  Subprocess child = Sh("(while :; do echo more; done) & echo parent done");
  Finished done = RunToEnd(child);
  EXPECT_THAT(done.out, Contains("parent done"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST(SubprocessTest, ProgramThatCannotRunIsAnError) {
  Result<Subprocess> child = Subprocess::Spawn({"/nonexistent/parigot-test"});
  ASSERT_FALSE(child.ok());
  EXPECT_THAT(child.status().message(),
              HasSubstr("cannot run /nonexistent/parigot-test"));
}

TEST(SubprocessTest, ExecutableCanDifferFromArgv0) {
  Result<Subprocess> child =
      Subprocess::Spawn({"shown-name", "-c", "echo $0"}, "/bin/sh");
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  EXPECT_THAT(RunToEnd(*child).out, ElementsAre("shown-name"));
}

}  // namespace
}  // namespace parigot::cli
