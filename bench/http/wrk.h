// Load through the HTTP ingress with wrk (4.x), run as a child process for a
// bounded time, and its report parsed into the benchmarks' LatencyStats.
//
//   Result<WrkResult> r = RunWrk({.wrk = "wrk", .url = "http://127.0.0.1:7642/echo",
//                                 .threads = 2, .connections = 32,
//                                 .duration = std::chrono::seconds(3)});
//
// Threads: reentrant; RunWrk blocks for the run.
#ifndef PARIGOT_BENCH_HTTP_WRK_H_
#define PARIGOT_BENCH_HTTP_WRK_H_

#include <chrono>
#include <string>
#include <string_view>

#include "bench/rpc/stats.h"
#include "parigot/status.h"

namespace parigot::bench {

struct WrkOptions {
  std::string wrk = "wrk";  // the wrk binary; a bare name is searched in PATH
  std::string url;          // REQUIRES: set
  int threads = 1;          // REQUIRES: 1 <= threads <= connections
  int connections = 1;
  std::chrono::seconds duration{3};
};

// What one wrk run reported.
struct WrkResult {
  // n: requests completed; p50_us, p99_us: from wrk's latency distribution;
  // mean_us: its average latency; calls_per_s: its Requests/sec.
  LatencyStats stats;
  long non_2xx = 0;        // "Non-2xx or 3xx responses"
  long socket_errors = 0;  // connect + read + write + timeout
};

// Parses wrk's report as printed with --latency. Errors: InvalidArgument if
// a needed line (Latency, the 50% and 99% lines, "requests in",
// Requests/sec) is missing or a figure has an unknown unit.
Result<WrkResult> ParseWrkOutput(std::string_view output);

// Runs wrk with --latency for options.duration (stopped 15 s after that if
// it hangs) and parses its report. Errors: Unavailable if wrk cannot be run
// or exits non-zero; those of ParseWrkOutput; Aborted if any response was
// not 2xx/3xx or a socket error happened (a benchmark of failures is no
// benchmark).
Result<WrkResult> RunWrk(const WrkOptions& options);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HTTP_WRK_H_
