// The HTTP and built-ins benchmark's results as http.json metrics and as the
// printed table (README.md, "Reading the output").
//
// Threads: plain values and functions; reentrant.
#ifndef PARIGOT_BENCH_HTTP_HTTP_REPORT_H_
#define PARIGOT_BENCH_HTTP_HTTP_REPORT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/harness/report.h"
#include "bench/rpc/stats.h"

namespace parigot::bench {

// The four measurements of one engine: the handler through the ingress
// (wrk) and by gRPC (completion queues), each with one request at a time
// ("seq") and under load ("load"). nullopt: not measured (failed).
struct HttpEngineResults {
  std::optional<LatencyStats> ingress_seq, ingress_load, grpc_seq, grpc_load;
};

// One kv placement's phases, "put", "get" and "batch" (LatencyStats of the
// guest's result lines; for batch, calls_per_s counts batches).
struct KvResults {
  std::map<std::string, LatencyStats> phases;
  double batch_keys_per_s = 0;
};

struct HttpResults {
  int connections = 0;  // the load's concurrency (wrk -c, gRPC window)
  int threads = 0;      // wrk -t, gRPC client threads
  std::vector<std::string> engines;                 // in the order run
  std::map<std::string, HttpEngineResults> http;    // by engine
  std::vector<std::string> kv_columns;              // "aot", "aot net"
  std::map<std::string, std::optional<KvResults>> kv;
  // The durable-write floor: one small write + fdatasync of a file in the
  // store's directory, from this process.
  std::optional<LatencyStats> fsync;
};

// Every metric: http.<engine>.{ingress,grpc}.{seq,load}.{p50_us,p99_us,
// calls_per_s}, the ingress ones compared with the gRPC ones (latency
// ratios lower-is-better; throughput ratio = ingress/gRPC, higher is
// better); kv.<column>.{put,get,batch}.*, the put p50 compared with
// kv.fsync.p50_us. Missing values are null.
std::vector<Metric> BuildHttpMetrics(const HttpResults& results);

// The table: per engine, the ingress and gRPC figures side by side with
// their ratios; then kv. Ends with a newline.
std::string HttpTable(const HttpResults& results);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HTTP_HTTP_REPORT_H_
