// What the RPC benchmark measures (README.md, "What is measured"): its
// cases, its columns, and the numbers one run collected.
//
// Threads: plain values and functions; reentrant.
#ifndef PARIGOT_BENCH_RPC_CASES_H_
#define PARIGOT_BENCH_RPC_CASES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/rpc/stats.h"

namespace parigot::bench {

// One row of the benchmark. Call counts are per column, chosen so that a
// case takes about a second (the interpreter runs guest code ~100x slower;
// a call between two hosts costs a few hundred us on a loaded machine).
struct Case {
  std::string key;    // metric name part: "roundtrip", "roundtrip_1kb", ...
  std::string label;  // table row
  std::string mode;   // guest client mode: seq, coseq, pipe, fan
  size_t bytes = 16;
  int n_aot = 0;      // calls (rounds for fan) on aot, and for gRPC
  int n_interp = 0;
  int n_net = 0;      // calls on two hosts; 0: not measured there
  // The case of the same parigot column this one is compared with, for a
  // variant of how the guest client is written (coseq); empty: compared
  // with gRPC, which then runs the case too.
  std::string compared_with;
};

// The cases, in table order.
const std::vector<Case>& Cases();

inline constexpr int kWindow = 128;  // calls in flight, pipelined cases
inline constexpr int kFanout = 8;    // servers called at once, fan-out case

// The columns besides one per parigot engine ("aot", "interp").
inline constexpr char kNetColumn[] = "net";  // parigot up, two hosts, aot
inline constexpr char kGrpcInProcessColumn[] = "grpc_inproc";
inline constexpr char kGrpcTcpColumn[] = "grpc_tcp";

// The numbers of one run.
struct Results {
  // The parigot engine columns, in the order they were asked for.
  std::vector<std::string> engines;
  // The engine whose numbers are also reported as rpc.inproc.<name>.
  std::string default_engine;
  // Whether the network column was asked for.
  bool net = false;
  // Parigot columns (engines, kNetColumn) that parigot refused: reported as
  // missing, never estimated.
  std::vector<std::string> missing;
  // column -> case key -> stats. nullopt: the case failed; no entry: it was
  // not measured in that column.
  std::map<std::string, std::map<std::string, std::optional<LatencyStats>>> cells;

  // The stats of `key` in `column`, if measured.
  std::optional<LatencyStats> Get(const std::string& column, const std::string& key) const;
  bool IsMissing(const std::string& column) const;
};

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_RPC_CASES_H_
