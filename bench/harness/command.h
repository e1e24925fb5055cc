// Runs a command to time it end to end (fork + exec + exit), as the startup
// benchmark does with `parigot run`.
//
// Threads: reentrant; the child inherits nothing but the argv, the
// environment and /dev/null as stdin/stdout/stderr.
#ifndef PARIGOT_BENCH_HARNESS_COMMAND_H_
#define PARIGOT_BENCH_HARNESS_COMMAND_H_

#include <string>
#include <vector>

#include "parigot/status.h"

namespace parigot::bench {

// What one run of a command cost.
struct RunCost {
  double wall_ms = 0;     // spawn to reap
  long max_rss_kb = 0;    // the child's peak resident memory
};

// Runs argv (argv[0] is a path) to completion with its output discarded.
// Errors as RunTimed's.
Result<RunCost> RunMeasured(const std::vector<std::string>& argv);

// Runs argv (argv[0] is a path) to completion with its output discarded and
// returns the wall milliseconds from spawn to reap. Errors: Unavailable if it
// cannot be started, Aborted if it exits non-zero or dies of a signal (the
// message names the code).
Result<double> RunTimed(const std::vector<std::string>& argv);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HARNESS_COMMAND_H_
