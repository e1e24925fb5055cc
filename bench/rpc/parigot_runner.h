// Runs one case of the RPC benchmark through the real `parigot` command: a
// generated deployment descriptor with the benchmark's server guest(s) and
// its client program (app_descriptor.h), `parigot run --engine E` (or, for
// two hosts, `parigot up --engine E`), and the client's RESULT line parsed.
//
// Threads: reentrant; blocks until the application exits.
#ifndef PARIGOT_BENCH_RPC_PARIGOT_RUNNER_H_
#define PARIGOT_BENCH_RPC_PARIGOT_RUNNER_H_

#include <chrono>
#include <string>

#include "bench/rpc/app_descriptor.h"
#include "bench/rpc/stats.h"
#include "parigot/status.h"

namespace parigot::bench {

struct ParigotSetup {
  std::string parigot;   // the `parigot` binary. REQUIRES: set.
  std::string wasm_dir;  // searched for the guests first; "" for parigot's own
  std::string work_dir;  // where the generated descriptors go. REQUIRES: set.
  // A run still going after this is stopped (SIGTERM, then SIGKILL) and
  // fails.
  std::chrono::milliseconds limit{120000};
};

// Runs `c` on `engine` ("aot", "interp"); for Placement::kTwoHosts on two
// loopback ports picked for this run. The RESULT line is found whatever
// prefix the log gives it ("[client]", "[front/client]"). Errors:
// Unavailable if parigot could not be started, no ports could be picked or
// the descriptor not written; DeadlineExceeded if it ran past setup.limit;
// Aborted if it exited non-zero (the message holds the exit code and the
// tail of its output); NotFound/InvalidArgument if it printed no usable
// RESULT line.
Result<LatencyStats> RunGuestCase(const ParigotSetup& setup, const std::string& engine,
                                  const GuestCase& c);

// Checks that parigot runs a tiny sequential case on `engine` with
// `placement`. Errors: FailedPrecondition if parigot rejects the command
// line or the descriptor (exit code 2: an engine it does not know, a guest
// it cannot load, no network mode); otherwise those of RunGuestCase.
Status ProbeEngine(const ParigotSetup& setup, const std::string& engine,
                   Placement placement);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_RPC_PARIGOT_RUNNER_H_
