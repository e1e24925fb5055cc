// Runs a command as a child process and waits for it: how the benchmarks run
// `parigot`. The startup and scale benchmarks time it and measure its memory
// with its output discarded; the RPC benchmark reads what it prints.
//
//   Result<CommandResult> run = RunCommand(
//       {"bin/parigot", "run", "app.toml"},
//       {.capture_output = true, .limit = std::chrono::seconds(60)});
//   if (run.ok() && run->exit_code == 0) Parse(run->output);
//
// Threads: reentrant. The child inherits the environment and has /dev/null
// as stdin; it stays in this process's process group (a terminal's Ctrl-C
// reaches it too). It is reaped by its own pid, never by waitpid(-1), so
// other children of this process are left alone.
#ifndef PARIGOT_BENCH_HARNESS_COMMAND_H_
#define PARIGOT_BENCH_HARNESS_COMMAND_H_

#include <chrono>
#include <string>
#include <vector>

#include "parigot/status.h"

namespace parigot::bench {

struct CommandOptions {
  // Keep stdout and stderr, interleaved as written, in CommandResult::output.
  // Default: false (both go to /dev/null).
  bool capture_output = false;
  // A child still running `limit` after it started is sent SIGTERM (on which
  // `parigot run` stops its guests and `parigot up` its hosts), and SIGKILL
  // if it is still running `grace` later. Default: 0, no limit.
  std::chrono::milliseconds limit{0};
  std::chrono::milliseconds grace{5000};
};

// What one finished run of a command did.
struct CommandResult {
  // The exit code, or 128 + the signal number if a signal killed it.
  int exit_code = 0;
  // The signal that killed it, or 0 if it exited.
  int signal = 0;
  // Wall milliseconds from spawn to reap.
  double wall_ms = 0;
  // The peak resident memory of the child (or of the largest of the
  // descendants it waited for), in KB.
  long max_rss_kb = 0;
  // With capture_output, what it printed before it ended (output that a
  // descendant still running writes later is not waited for).
  std::string output;
};

// Runs argv (argv[0] is a path, not searched for) to completion, whatever
// its exit code. Errors: InvalidArgument for an empty argv; Unavailable if
// it cannot be started; DeadlineExceeded if it ran past `options.limit` (it
// has then been stopped and reaped; with capture_output the message ends
// with what it printed).
Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 const CommandOptions& options = {});

// What one run of a command cost.
struct RunCost {
  double wall_ms = 0;   // spawn to reap
  long max_rss_kb = 0;  // the child's peak resident memory
};

// Runs argv to completion with its output discarded and no time limit.
// Errors: those of RunCommand, and Aborted if it exits non-zero or dies of
// a signal (the message names the code or the signal).
Result<RunCost> RunMeasured(const std::vector<std::string>& argv);

// RunMeasured's wall milliseconds.
Result<double> RunTimed(const std::vector<std::string>& argv);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HARNESS_COMMAND_H_
