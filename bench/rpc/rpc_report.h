// The RPC benchmark's results as rpc.json metrics and as the printed table
// (README.md, "How to read the output" and "rpc.json").
//
// Threads: plain functions; reentrant.
#ifndef PARIGOT_BENCH_RPC_RPC_REPORT_H_
#define PARIGOT_BENCH_RPC_RPC_REPORT_H_

#include <string>
#include <vector>

#include "bench/harness/report.h"
#include "bench/rpc/cases.h"

namespace parigot::bench {

// Every metric of rpc.json, one per case, field and column, plus the
// headline ratios; a value that was not measured is null. The in-process
// metrics (rpc.inproc.*) are compared with gRPC in-process, the network
// ones (rpc.net.*) with gRPC TCP; the headline ratios are
// rpc.inproc_vs_grpc_inproc.ratio (16 B p50), rpc.net_vs_grpc_tcp.ratio
// (16 B p50) and rpc.net_vs_grpc_tcp.throughput_ratio (pipelined calls/s).
std::vector<Metric> BuildMetrics(const Results& results);

// The table, one column per parigot engine, then "parigot net" (if asked
// for), gRPC in-process and gRPC TCP, followed by the headline ratios with
// their goals. Ends with a newline.
std::string Table(const Results& results);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_RPC_RPC_REPORT_H_
