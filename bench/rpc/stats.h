// Latency samples summarised, and the result lines of the benchmark's guest
// client (bench/rpc/guest/rpc_client.cc) parsed into the same summary.
//
// Threads: plain values and functions; reentrant.
#ifndef PARIGOT_BENCH_RPC_STATS_H_
#define PARIGOT_BENCH_RPC_STATS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/status.h"

namespace parigot::bench {

struct LatencyStats {
  int n = 0;              // timed calls (rounds, for a fan-out)
  double p50_us = 0;      // nearest-rank percentiles of the samples
  double p99_us = 0;
  double mean_us = 0;
  double calls_per_s = 0; // calls answered per second of the timed span
};

// Summarises `samples_us` (any order) taken over `elapsed_us`, in which
// `calls` calls were answered.
LatencyStats Summarize(std::vector<double> samples_us, double elapsed_us, int calls);

// The run with the median p50 of `runs`, or with the median calls_per_s if
// `by_throughput` (for a run of several, the one in the middle: one noisy
// run on a shared machine moves nothing). REQUIRES: !runs.empty().
LatencyStats MedianRun(std::vector<LatencyStats> runs, bool by_throughput);

// The key=value fields of the first line of `output` that contains
// "RESULT ", or NotFound. Example: "... RESULT mode=seq p50_us=21.5" gives
// {"mode": "seq", "p50_us": "21.5"}.
Result<std::map<std::string, std::string>> FindResultLine(std::string_view output);

// The fields of every line of `output` that contains "RESULT ", in order
// (empty if there is none): for programs that report several phases.
std::vector<std::map<std::string, std::string>> FindResultLines(std::string_view output);

// The LatencyStats of a parsed result line. InvalidArgument if a field
// (n, p50_us, p99_us, mean_us, calls_per_s) is missing or not a number.
Result<LatencyStats> StatsFromFields(const std::map<std::string, std::string>& fields);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_RPC_STATS_H_
