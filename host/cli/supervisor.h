// Supervisor: runs a set of child processes as one application.
//
// This is the engine of `parigot up` (docs/cli.md), which starts one
// `parigot run --host H` per host; it knows nothing of hosts or descriptors
// and supervises any commands, which is how it is tested.
//
// What it does:
//   * starts every child (Subprocess: stdout and stderr on pipes);
//   * merges their output into one stream of whole lines, in arrival order:
//     a line is never cut by another child's bytes;
//   * ends the application when every program child (ChildSpec::is_program)
//     has ended, with the first non-zero exit code among them (128 + N for a
//     child killed by signal N) or 0; then stops the other children: SIGTERM,
//     a grace period, SIGKILL for those still running, each reported;
//   * with no program child, runs until interrupted or until every child has
//     ended (exit code: the first non-zero among them, or 0);
//   * reports each child that ends before the application is over ("host
//     back exited with code 3", "host back was killed by signal 9") and lets
//     the others run on. A server child that exits (rather than being
//     killed by a signal) is not reported if the application is over
//     within SupervisorOptions::settle with the same exit code: parigot
//     hosts learn of the application's end from one another and each exits
//     with its code, so a server host commonly ends a moment before the
//     program host whose end it followed;
//   * on SIGINT or SIGTERM (or Interrupt()) stops every child the same way
//     and returns kExitInterrupted. A child that ends while the application
//     is stopping is not a failure: a terminal's Ctrl-C reaches the children
//     (in the supervisor's process group) as well as the supervisor. A second
//     interrupt while stopping kills the remaining children at once.
//   * never hangs once the end has begun: after SIGKILL a child gets
//     kKillWait to end, then it is reported and abandoned.
//
// Example:
//   Supervisor supervisor(
//       {{.name = "back", .argv = {"/bin/sh", "-c", "exec my-server"}},
//        {.name = "front", .argv = {"/bin/sh", "-c", "my-program"},
//         .is_program = true}},
//       {.output = [](std::string_view line) { Print(line); },
//        .report = [](spdlog::level::level_enum, std::string_view text) {
//          Print(text); }});
//   Result<int> exit_code = supervisor.Run();
//
// Thread safety: Run() is called once, from one thread; Interrupt() may be
// called from any thread, and from a signal handler.
#ifndef PARIGOT_HOST_CLI_SUPERVISOR_H_
#define PARIGOT_HOST_CLI_SUPERVISOR_H_

#include <spdlog/common.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/status.h"

namespace parigot::cli {

// The exit code of an application stopped by SIGINT or SIGTERM, the same as
// `parigot run`'s.
inline constexpr int kExitInterrupted = 130;

// One child to start.
struct ChildSpec {
  // Names the child in reports: "host <name> exited with code 3".
  std::string name;
  // The command; argv[0] is the file to run unless `executable` is set.
  // REQUIRES: non-empty.
  std::vector<std::string> argv;
  // The file to run, when it differs from argv[0]. Default: empty (argv[0]).
  std::string executable;
  // A program child's end counts towards the end of the application (it
  // holds a Main or a Test program). Default: false (a server).
  bool is_program = false;
};

struct SupervisorOptions {
  // How long children get to end after SIGTERM before they are SIGKILLed.
  // Default: 2 s.
  std::chrono::milliseconds grace{2000};
  // How long after a server child exits the application may end for that
  // exit to count as part of the end (reported at debug level, if its code
  // is the application's) rather than as an early end (reported as a
  // warning when the time is up, or when the application ends with another
  // code). A server killed by a signal is reported at once. Default: 2 s (a
  // parigot host gives its guests up to 2 s to end after the application is
  // over).
  std::chrono::milliseconds settle{2000};
  // Take SIGINT and SIGTERM while Run() runs (through a signalfd) and treat
  // them as Interrupt(). Run() blocks both in the calling thread and gives
  // them a handler that does nothing (an ignored signal would be lost), and
  // restores the mask and the handlers when it returns. Every other thread
  // of the process must block them too, or a signal sent to the process may
  // be taken by that thread and lost; make threads after calling
  // pthread_sigmask, or run Run() before making any. Default: true.
  bool handle_signals = true;
  // Receives every line the children write to stdout or stderr, verbatim and
  // without its '\n', in arrival order; lines of one stream of one child
  // keep their order. Called from Run()'s thread only. REQUIRES: set.
  std::function<void(std::string_view line)> output;
  // Receives the supervisor's own reports ("host back exited with code 3"),
  // from Run()'s thread only, in order with `output`. REQUIRES: set.
  std::function<void(spdlog::level::level_enum level, std::string_view text)>
      report;
};

class Supervisor {
 public:
  // After SIGKILL, how long a child may take to end before it is abandoned
  // (reported, not waited for). Only a process stuck in the kernel outlives
  // SIGKILL that long.
  static constexpr std::chrono::milliseconds kKillWait{1000};

  // REQUIRES: every spec has a non-empty argv; options.output and
  // options.report are set.
  Supervisor(std::vector<ChildSpec> children, SupervisorOptions options);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts every child, supervises them until the application is over and
  // every child has ended (or been abandoned), and returns the exit code.
  // Errors: a child could not be started (the ones already started are
  // stopped first), or the supervisor's own descriptors could not be made.
  // Call once.
  Result<int> Run();

  // Stops the application as SIGTERM would: Run() returns kExitInterrupted
  // (unless the application was already over). Async-signal-safe; may be
  // called before Run(), which then stops at once.
  void Interrupt();

  // After Run(): why the application ended, to complete "exited with code
  // N (...)": the first failing program child's end ("host front exited
  // with code 3", "host front was killed by signal 9"), else "host front
  // ended" or "all 2 program children ended"; "interrupted by SIGINT",
  // "terminated by SIGTERM", "interrupted" (Interrupt()).
  const std::string& exit_reason() const { return exit_reason_; }

 private:
  class Loop;

  std::vector<ChildSpec> children_;
  SupervisorOptions options_;
  int wake_fd_ = -1;    // an eventfd; Interrupt() writes to it
  int wake_error_ = 0;  // errno if it could not be made
  std::string exit_reason_;
};

}  // namespace parigot::cli

#endif  // PARIGOT_HOST_CLI_SUPERVISOR_H_
