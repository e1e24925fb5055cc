// A command kept running in the background while a benchmark measures it
// from outside (the HTTP benchmark's `parigot run`), and a wait for a TCP
// port to accept connections. RunCommand (command.h) is for commands the
// benchmark waits for; this is for servers it stops itself.
//
//   Result<std::unique_ptr<Background>> server =
//       Background::Start({"bin/parigot", "run", "app.toml"}, "run.log");
//   Status up = WaitForPort(7641, std::chrono::seconds(30));
//   ... measure ...
//   Result<int> code = (*server)->Stop();
//
// Threads: a Background is used by one thread at a time. The child has
// /dev/null as stdin and its stdout and stderr appended to a log file; it
// is reaped by its own pid, never by waitpid(-1).
#ifndef PARIGOT_BENCH_HARNESS_BACKGROUND_H_
#define PARIGOT_BENCH_HARNESS_BACKGROUND_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "parigot/status.h"

namespace parigot::bench {

class Background {
 public:
  // Starts argv (argv[0] is a path, not searched for) with its output
  // written to `log_path` (truncated). Errors: InvalidArgument for an empty
  // argv; Unavailable if the log cannot be opened or the command started.
  static Result<std::unique_ptr<Background>> Start(const std::vector<std::string>& argv,
                                                   const std::string& log_path);

  // Stops the child if it still runs (Stop()).
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  // True while the child has not exited (reaps it if it has).
  bool Running();

  // Sends SIGTERM, waits up to `grace`, then SIGKILL; returns the exit code
  // (128 + the signal number if a signal ended it). Calling it again returns
  // the same code.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  const std::string& log_path() const { return log_path_; }

 private:
  Background(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  // Reaps the child if it has exited; true then.
  bool Reap(int options);

  pid_t pid_;
  std::string log_path_;
  bool exited_ = false;
  int exit_code_ = 0;
};

// Waits until a TCP connection to 127.0.0.1:`port` succeeds, trying every
// 20 ms. Errors: DeadlineExceeded after `limit`.
Status WaitForPort(int port, std::chrono::milliseconds limit);

// The last `max_bytes` of the file at `path` ("" if it cannot be read): for
// error messages that show what a server logged.
std::string FileTail(const std::string& path, size_t max_bytes = 2000);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HARNESS_BACKGROUND_H_
