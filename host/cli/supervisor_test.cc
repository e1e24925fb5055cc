// The supervisor with fake children: /bin/sh scripts standing in for hosts.
// Scripts that must wait for one another wait for files in $TESTDIR (a fresh
// directory per test), and the test's report sink can create such a file when
// the supervisor reports something, so no test depends on timing.
#include "host/cli/supervisor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace parigot::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Level = spdlog::level::level_enum;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

struct Report {
  Level level;
  std::string text;
};

// Waits in a script until $TESTDIR/<name> exists.
std::string Await(const std::string& name) {
  return "until [ -e \"$TESTDIR/" + name + "\" ]; do sleep 0.01; done; ";
}

// Exits with `code` after leaving its pid in $TESTDIR/<name>.pid.
std::string ExitLeavingPid(const std::string& name, int code) {
  std::string file = "\"$TESTDIR/" + name + ".pid\"";
  return "echo $$ > " + file + ".new; mv " + file + ".new " + file + "; exit " +
         std::to_string(code);
}

// Waits in a script until the process that ran ExitLeavingPid(name) is gone,
// i.e. reaped by the supervisor (kill -0 still finds a zombie).
std::string AwaitReaped(const std::string& name) {
  return Await(name + ".pid") + "while kill -0 $(cat \"$TESTDIR/" + name +
         ".pid\") 2>/dev/null; do sleep 0.01; done; ";
}

ChildSpec Sh(std::string name, std::string script, bool program = false) {
  return {.name = std::move(name),
          .argv = {"/bin/sh", "-c", std::move(script)},
          .is_program = program};
}

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = fs::temp_directory_path() / "supervisor_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    setenv("TESTDIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("TESTDIR");
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void Touch(const std::string& name) { std::ofstream(dir_ / name) << ""; }
  bool Exists(const std::string& name) { return fs::exists(dir_ / name); }
  void AwaitFile(const std::string& name) {
    while (!Exists(name)) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  // Runs `children` under a Supervisor with `options` (output and report
  // are filled in here). `on_report` sees every report as it is made.
  Result<int> Run(std::vector<ChildSpec> children, SupervisorOptions options = {},
                  std::function<void(Supervisor&, const Report&)> on_report = {}) {
    Supervisor* self = nullptr;
    options.output = [this](std::string_view line) {
      lines_.emplace_back(line);
      all_.emplace_back(line);
    };
    options.report = [&](Level level, std::string_view text) {
      reports_.push_back({level, std::string(text)});
      all_.push_back("[up] " + std::string(text));
      if (on_report) on_report(*self, reports_.back());
    };
    Supervisor supervisor(std::move(children), std::move(options));
    self = &supervisor;
    if (before_run_) before_run_(supervisor);
    auto start = Clock::now();
    Result<int> result = supervisor.Run();
    elapsed_ = Clock::now() - start;
    exit_reason_ = supervisor.exit_reason();
    if (helper_.joinable()) helper_.join();
    return result;
  }

  // Makes the next Run() call Interrupt() from another thread once the file
  // $TESTDIR/ready exists.
  void InterruptWhenReady() {
    before_run_ = [this](Supervisor& supervisor) {
      helper_ = std::thread([this, &supervisor] {
        AwaitFile("ready");
        supervisor.Interrupt();
      });
    };
  }

  // Reports at `level` or above.
  std::vector<std::string> ReportsAtLeast(Level level) const {
    std::vector<std::string> out;
    for (const Report& r : reports_) {
      if (r.level >= level) out.push_back(r.text);
    }
    return out;
  }
  bool Reported(Level level, const std::string& text) const {
    return std::any_of(reports_.begin(), reports_.end(), [&](const Report& r) {
      return r.level == level && r.text == text;
    });
  }

  fs::path dir_;
  std::vector<std::string> lines_;  // the children's output
  std::vector<Report> reports_;
  std::vector<std::string> all_;    // both, in order
  Clock::duration elapsed_{};
  std::string exit_reason_;         // the Supervisor's, after Run()
  std::function<void(Supervisor&)> before_run_;
  std::thread helper_;  // started by before_run_, joined by Run()
};

// A server that says it is up, ends cleanly on SIGTERM, and otherwise runs.
std::string PoliteServer(const std::string& ready_file) {
  return "trap 'echo server stopping; exit 0' TERM; touch \"$TESTDIR/" +
         ready_file + "\"; while :; do sleep 0.02; done";
}

TEST_F(SupervisorTest, ProgramCodeEndsTheRunAndServersAreTerminated) {
  Result<int> code = Run({Sh("host back", PoliteServer("ready")),
                          Sh("host front", Await("ready") + "echo program done; exit 5",
                             /*program=*/true)},
                         {.grace = std::chrono::seconds(20)});
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, 5);
  EXPECT_THAT(lines_, Contains("program done"));
  EXPECT_THAT(lines_, Contains("server stopping"));  // SIGTERM, not SIGKILL
  EXPECT_TRUE(Reported(Level::info, "host front exited with code 5"));
  EXPECT_THAT(ReportsAtLeast(Level::warn), ::testing::IsEmpty());
  EXPECT_LT(elapsed_, std::chrono::seconds(10));
  EXPECT_EQ(exit_reason_, "host front exited with code 5");
}

TEST_F(SupervisorTest, ANonZeroProgramCodeWinsOverZero) {
  Result<int> code = Run(
      {Sh("host a", "exit 0", true),
       Sh("host b", Await("a-ended") + "exit 4", true)},
      {}, [this](Supervisor&, const Report& r) {
        if (r.text == "host a exited with code 0") Touch("a-ended");
      });
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 4);
}

TEST_F(SupervisorTest, TheFirstNonZeroProgramCodeWins) {
  Result<int> code = Run(
      {Sh("host a", Await("b-ended") + "exit 4", true),
       Sh("host b", "exit 3", true)},
      {}, [this](Supervisor&, const Report& r) {
        if (r.text == "host b exited with code 3") Touch("b-ended");
      });
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 3);
  EXPECT_EQ(exit_reason_, "host b exited with code 3");
}

TEST_F(SupervisorTest, AServerDyingEarlyIsReportedAndTheProgramStillEndsTheRun) {
  Result<int> code = Run(
      {Sh("host back", "printf 'back going'; exit 3"),  // no final newline
       Sh("host other", "kill -9 $$"),
       Sh("host front",
          Await("back-reported") + Await("other-reported") + "echo front on; exit 0",
          true)},
      {.settle = std::chrono::milliseconds(100)}, [this](Supervisor&, const Report& r) {
        if (r.text == "host back exited with code 3") Touch("back-reported");
        if (r.text == "host other was killed by signal 9") Touch("other-reported");
      });
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 0);
  EXPECT_TRUE(Reported(Level::warn, "host back exited with code 3"));
  EXPECT_TRUE(Reported(Level::err, "host other was killed by signal 9"));
  EXPECT_THAT(lines_, Contains("front on"));
  // The child's last words, even unterminated, come before the report of
  // its end.
  auto said = std::find(all_.begin(), all_.end(), "back going");
  auto reported = std::find(all_.begin(), all_.end(), "[up] host back exited with code 3");
  EXPECT_LT(said, reported);
}

TEST_F(SupervisorTest, AProgramKilledBySignalIsReportedAndGives128PlusN) {
  Result<int> code = Run({Sh("host back", "exec sleep 30"),
                          Sh("host front", "kill -9 $$", true)},
                         {.grace = std::chrono::seconds(20)});
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 137);
  EXPECT_EQ(exit_reason_, "host front was killed by signal 9");
  EXPECT_TRUE(Reported(Level::err, "host front was killed by signal 9"));
  // The server ended on SIGTERM within the grace period: not a failure.
  EXPECT_THAT(ReportsAtLeast(Level::warn),
              ::testing::ElementsAre("host front was killed by signal 9"));
  EXPECT_LT(elapsed_, std::chrono::seconds(10));
}

// parigot hosts end together when the application ends, and a server host
// may end a moment before the program host: not an early end.
TEST_F(SupervisorTest, AServerExitingJustBeforeTheProgramIsNotAFailure) {
  Result<int> code = Run({Sh("host back", ExitLeavingPid("back", 0)),
                          Sh("host front", AwaitReaped("back") + "exit 0", true)},
                         {.settle = std::chrono::seconds(20)});
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 0);
  EXPECT_TRUE(Reported(Level::debug,
                       "host back ended with the application: exited with code 0"));
  EXPECT_THAT(ReportsAtLeast(Level::warn), ::testing::IsEmpty());
  EXPECT_LT(elapsed_, std::chrono::seconds(10));
  EXPECT_EQ(exit_reason_, "host front ended");
}

// A server that fails (here: exit 2, as a host that cannot listen) just
// before the program ends is still reported, as its code is not the
// application's.
TEST_F(SupervisorTest, AServerFailingJustBeforeTheProgramIsReported) {
  Result<int> code = Run({Sh("host back", ExitLeavingPid("back", 2)),
                          Sh("host front", AwaitReaped("back") + "exit 0", true)},
                         {.settle = std::chrono::seconds(20)});
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 0);
  EXPECT_THAT(ReportsAtLeast(Level::warn),
              ::testing::ElementsAre("host back exited with code 2"));
  EXPECT_LT(elapsed_, std::chrono::seconds(10));
}

TEST_F(SupervisorTest, WithoutProgramsTheRunEndsWhenEveryChildHasEnded) {
  Result<int> code = Run({Sh("host a", "exit 6"), Sh("host b", "exit 6")},
                         {.settle = std::chrono::seconds(20)});
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 6);
  EXPECT_TRUE(Reported(Level::debug, "host a ended with the application: exited with code 6"));
  EXPECT_TRUE(Reported(Level::debug, "host b ended with the application: exited with code 6"));
  EXPECT_THAT(ReportsAtLeast(Level::warn), ::testing::IsEmpty());
  EXPECT_LT(elapsed_, std::chrono::seconds(10));
  // Both end at once: whichever is reaped first gives the reason.
  EXPECT_THAT(exit_reason_, ::testing::AnyOf("host a exited with code 6",
                                             "host b exited with code 6"));
}

TEST_F(SupervisorTest, WithoutProgramsAServerEndingAloneIsAnEarlyEnd) {
  Result<int> code = Run(
      {Sh("host a", "exit 5"), Sh("host b", Await("a-reported") + "exit 0")},
      {.settle = std::chrono::milliseconds(100)}, [this](Supervisor&, const Report& r) {
        if (r.text == "host a exited with code 5") Touch("a-reported");
      });
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 5);
  // b's end ended the application, but with another code than the
  // application's (a's): reported too.
  EXPECT_THAT(ReportsAtLeast(Level::warn),
              ::testing::ElementsAre("host a exited with code 5",
                                     "host b exited with code 0"));
}

TEST_F(SupervisorTest, SigtermToTheSupervisorStopsEveryChildWith130) {
  std::thread sender([this] {
    // This thread must block SIGTERM too, or it could take the signal itself.
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, nullptr);
    AwaitFile("ready");
    kill(getpid(), SIGTERM);
  });
  Result<int> code = Run({Sh("host back", PoliteServer("ready")),
                          Sh("host idle", "exec sleep 30"),
                          Sh("host front", "exec sleep 30", true)},
                         {.grace = std::chrono::seconds(20), .handle_signals = true});
  sender.join();
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, kExitInterrupted);
  EXPECT_EQ(exit_reason_, "terminated by SIGTERM");
  EXPECT_THAT(lines_, Contains("server stopping"));
  EXPECT_TRUE(Reported(Level::info, "interrupted: stopping every child"));
  EXPECT_THAT(ReportsAtLeast(Level::warn), ::testing::IsEmpty());
  EXPECT_LT(elapsed_, std::chrono::seconds(10));
}

TEST_F(SupervisorTest, InterruptStopsEveryChildWith130) {
  InterruptWhenReady();
  Result<int> code = Run(
      {Sh("host back", PoliteServer("ready")), Sh("host front", "exec sleep 30", true)},
      {.grace = std::chrono::seconds(20), .handle_signals = false});
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, kExitInterrupted);
  EXPECT_EQ(exit_reason_, "interrupted");
  EXPECT_THAT(lines_, Contains("server stopping"));
  EXPECT_THAT(ReportsAtLeast(Level::warn), ::testing::IsEmpty());
}

TEST_F(SupervisorTest, InterruptBeforeRunStartsNothing) {
  before_run_ = [](Supervisor& supervisor) { supervisor.Interrupt(); };
  Result<int> code = Run({Sh("host front", "echo should not run", true)},
                         {.handle_signals = false});
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, kExitInterrupted);
  EXPECT_TRUE(lines_.empty());
  EXPECT_TRUE(reports_.empty());
}

TEST_F(SupervisorTest, AChildIgnoringSigtermIsKilledAfterTheGracePeriod) {
  Result<int> code = Run(
      {Sh("host stubborn", "trap '' TERM; touch \"$TESTDIR/ready\"; "
                           "while :; do sleep 0.02; done"),
       Sh("host front", Await("ready") + "exit 0", true)},
      {.grace = std::chrono::milliseconds(300)});
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 0);
  EXPECT_THAT(ReportsAtLeast(Level::warn),
              ::testing::ElementsAre("host stubborn did not stop within 300 ms of "
                                     "SIGTERM: killing it (SIGKILL)"));
  EXPECT_TRUE(Reported(Level::debug, "host stubborn stopped: was killed by signal 9"));
  EXPECT_GE(elapsed_, std::chrono::milliseconds(300));
  EXPECT_LT(elapsed_, std::chrono::seconds(10));
}

TEST_F(SupervisorTest, ASecondInterruptKillsAtOnce) {
  InterruptWhenReady();
  Result<int> code = Run(
      {Sh("host stubborn", "trap '' TERM; touch \"$TESTDIR/ready\"; "
                           "while :; do sleep 0.02; done")},
      {.grace = std::chrono::seconds(30), .handle_signals = false},
      [](Supervisor& supervisor, const Report& r) {
        if (r.text == "interrupted: stopping every child") supervisor.Interrupt();
      });
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, kExitInterrupted);
  EXPECT_TRUE(Reported(Level::warn, "interrupted again: killing every child"));
  EXPECT_TRUE(Reported(Level::warn, "host stubborn is still running: killing it (SIGKILL)"));
  EXPECT_LT(elapsed_, std::chrono::seconds(10));
}

TEST_F(SupervisorTest, AChildThatCannotStartFailsTheRunAndStopsTheOthers) {
  Result<int> code = Run({Sh("host back", "exec sleep 30"),
                          {.name = "host bad", .argv = {"/nonexistent/parigot"}}},
                         {.grace = std::chrono::seconds(20)});
  ASSERT_FALSE(code.ok());
  EXPECT_THAT(code.status().message(),
              HasSubstr("cannot start host bad: cannot run /nonexistent/parigot"));
  EXPECT_TRUE(Reported(Level::debug, "host back stopped: was killed by signal 15"));
  EXPECT_LT(elapsed_, std::chrono::seconds(10));
}

// Two children, each writing long lines (70 KB: many pipe reads each) to
// stdout and short ones to stderr at the same time: every line comes out
// whole, and each stream's lines in order.
TEST_F(SupervisorTest, ChattyChildrenKeepWholeLines) {
  constexpr int kLines = 20;
  constexpr int kLength = 70000;
  auto chatty = [](char id) {
    std::string tag(1, id);
    return "i=0; while [ $i -lt " + std::to_string(kLines) +
           " ]; do printf '" + tag + "%03d ' $i; head -c " + std::to_string(kLength) +
           " /dev/zero | tr '\\0' " + std::string(1, id + 32) + "; echo; echo " +
           tag + "-err $i >&2; i=$((i+1)); done";
  };
  Result<int> code = Run({Sh("host a", chatty('A'), true), Sh("host b", chatty('B'), true)});
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 0);
  std::map<std::string, int> next;  // per stream: the index expected next
  std::regex short_line("([AB])-err (\\d+)");
  for (const std::string& line : lines_) {
    std::smatch m;
    std::string stream;
    int index = -1;
    if (std::regex_match(line, m, short_line)) {
      stream = m[1].str() + "-err";
      index = std::stoi(m[2].str());
    } else if (line.size() == 5 + kLength && (line[0] == 'A' || line[0] == 'B') &&
               line[4] == ' ') {
      // "A007 aaaa...": its letter, its index, then kLength lower-case letters.
      stream = line.substr(0, 1);
      index = std::stoi(line.substr(1, 3));
      EXPECT_EQ(line.substr(5), std::string(kLength, line[0] + 32)) << "line mixed";
    } else {
      ADD_FAILURE() << "not a whole line: " << line.substr(0, 40) << "... ("
                    << line.size() << " bytes)";
      continue;
    }
    EXPECT_EQ(index, next[stream]) << "stream " << stream;
    next[stream] = index + 1;
  }
  for (const char* stream : {"A", "B", "A-err", "B-err"}) {
    EXPECT_EQ(next[stream], kLines) << "stream " << stream;
  }
}

// Ctrl-C in a terminal reaches every process of the foreground process
// group: the supervisor and its children at once. Run in a forked process
// that leads its own group, so the test can send SIGINT to that group.
TEST_F(SupervisorTest, CtrlCToTheProcessGroupIsNotAFailure) {
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setpgid(0, 0);
    close(pipe_fds[0]);
    int out = pipe_fds[1];
    auto write_line = [out](std::string_view text) {
      std::string line = std::string(text) + "\n";
      [[maybe_unused]] ssize_t n = write(out, line.data(), line.size());
    };
    Supervisor supervisor(
        {Sh("host back", "touch \"$TESTDIR/back\"; exec sleep 30"),
         Sh("host front", "touch \"$TESTDIR/front\"; exec sleep 30", true)},
        {.grace = std::chrono::seconds(20),
         .output = write_line,
         .report = [&](Level level, std::string_view text) {
           write_line(std::string(spdlog::level::to_string_view(level).data()) + " " +
                      std::string(text));
         }});
    Result<int> code = supervisor.Run();
    _exit(code.ok() ? *code : 99);
  }
  close(pipe_fds[1]);
  AwaitFile("back");
  AwaitFile("front");
  ASSERT_EQ(kill(-pid, SIGINT), 0);
  std::string output;
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
    output.append(buffer, n);
  }
  close(pipe_fds[0]);
  int wait_status = 0;
  ASSERT_EQ(waitpid(pid, &wait_status, 0), pid);
  ASSERT_TRUE(WIFEXITED(wait_status)) << output;
  EXPECT_EQ(WEXITSTATUS(wait_status), kExitInterrupted) << output;
  EXPECT_THAT(output, HasSubstr("info interrupted: stopping every child"));
  // By the terminal's SIGINT, or by the supervisor's SIGTERM if that came
  // first: either way part of the stop.
  EXPECT_THAT(output, HasSubstr("debug host front stopped: was killed by signal "));
  EXPECT_THAT(output, HasSubstr("debug host back stopped: was killed by signal "));
  EXPECT_THAT(output, Not(HasSubstr("warning")));
  EXPECT_THAT(output, Not(HasSubstr("error")));
}

}  // namespace
}  // namespace parigot::cli
