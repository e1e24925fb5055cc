// Runs a command and captures what it prints: how rpc_bench runs `parigot`.
//
// Threads: reentrant; the child inherits the environment, /dev/null as
// stdin, and one pipe as both stdout and stderr.
#ifndef PARIGOT_BENCH_RPC_SUBPROCESS_H_
#define PARIGOT_BENCH_RPC_SUBPROCESS_H_

#include <chrono>
#include <string>
#include <vector>

#include "parigot/status.h"

namespace parigot::bench {

struct Captured {
  // The exit code, or 128 + the signal number if it died of a signal.
  int exit_code = 0;
  // stdout and stderr, interleaved as written.
  std::string output;
};

// Runs argv (argv[0] is a path) to completion. A child still running after
// `limit` is killed (SIGKILL) and reported. Errors: Unavailable if it
// cannot be started; DeadlineExceeded if it ran past `limit` (the message
// ends with what it printed).
Result<Captured> RunCaptured(const std::vector<std::string>& argv,
                             std::chrono::milliseconds limit);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_RPC_SUBPROCESS_H_
