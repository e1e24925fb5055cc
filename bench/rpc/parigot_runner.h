// Runs one case of the RPC benchmark through the real `parigot` command: a
// generated deployment descriptor with the benchmark's server guest(s) and
// its client program (guest/rpc_client.cc), `parigot run --engine E`, and
// the client's RESULT line parsed.
//
// Threads: reentrant; blocks until the application exits.
#ifndef PARIGOT_BENCH_RPC_PARIGOT_RUNNER_H_
#define PARIGOT_BENCH_RPC_PARIGOT_RUNNER_H_

#include <chrono>
#include <string>

#include "bench/rpc/stats.h"
#include "parigot/status.h"

namespace parigot::bench {

struct ParigotSetup {
  std::string parigot;   // the `parigot` binary. REQUIRES: set.
  std::string wasm_dir;  // searched for the guests first; "" for parigot's own
  std::string work_dir;  // where the generated descriptors go. REQUIRES: set.
  // A run still going after this is killed and fails.
  std::chrono::milliseconds limit{120000};
};

struct GuestCase {
  std::string mode;  // "seq", "pipe" or "fan" (see guest/rpc_client.cc)
  size_t bytes = 16;
  int n = 1000;      // calls (rounds for fan)
  int window = 128;  // pipe only
  int warmup = -1;   // untimed calls first; -1: the client's default
};

// Runs `c` on `engine` ("aot", "interp"). Errors: Unavailable if parigot
// could not be started or the descriptor not written; Aborted if it exited
// non-zero (the message holds the exit code and the tail of its output);
// NotFound/InvalidArgument if it printed no usable RESULT line.
Result<LatencyStats> RunGuestCase(const ParigotSetup& setup, const std::string& engine,
                                  const GuestCase& c);

// Checks that `parigot run --engine E` works, with a tiny sequential case.
// Errors: FailedPrecondition if parigot rejects the command line (exit code
// 2: an engine it does not know, a guest it cannot load); otherwise those of
// RunGuestCase.
Status ProbeEngine(const ParigotSetup& setup, const std::string& engine);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_RPC_PARIGOT_RUNNER_H_
