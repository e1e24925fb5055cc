// The application one case of the RPC benchmark runs, as a deployment
// descriptor: the server guest(s) (bench_rpc_server.wasm) and the client
// program (bench_rpc_client.wasm, guest/rpc_client.cc) with the case's
// arguments, either in one process or on two hosts talking gRPC over
// loopback (network mode, docs/descriptor.md).
//
//   GuestCase c{.mode = "seq", .bytes = 16, .n = 20000,
//               .placement = Placement::kTwoHosts};
//   Result<HostPorts> ports = PickLoopbackPorts();
//   std::string toml = AppDescriptor("build/wasm", c, *ports);
//
// Threads: plain values and functions; reentrant.
#ifndef PARIGOT_BENCH_RPC_APP_DESCRIPTOR_H_
#define PARIGOT_BENCH_RPC_APP_DESCRIPTOR_H_

#include <cstddef>
#include <string>

#include "parigot/status.h"

namespace parigot::bench {

// Where the case's guests run.
enum class Placement {
  // `parigot run`: every guest in one process.
  kOneProcess,
  // `parigot up`: the client on host "front", the server(s) on host "back",
  // two processes on 127.0.0.1; every call is a unary gRPC call.
  kTwoHosts,
};

// The deployment the descriptor defines (`--deployment` is never needed:
// it is the file's only one).
inline constexpr char kBenchDeployment[] = "bench";

struct GuestCase {
  std::string mode;  // "seq", "pipe" or "fan" (see guest/rpc_client.cc)
  size_t bytes = 16;
  int n = 1000;      // calls (rounds for fan)
  int window = 128;  // pipe only
  int warmup = -1;   // untimed calls first; -1: the client's default
  Placement placement = Placement::kOneProcess;
};

// The loopback ports the two hosts of a kTwoHosts case listen on.
struct HostPorts {
  int front = 0;  // the client's host
  int back = 0;   // the server's host
};

// Two distinct TCP ports of 127.0.0.1 that were free a moment ago: each
// bound as port 0 (the kernel picks) and released. Another process may take
// one before parigot binds it; the run then fails, and says so. Errors:
// Unavailable if no socket can be bound.
Result<HostPorts> PickLoopbackPorts();

// `s` as a TOML basic string, quoted, with '"' and '\' escaped (enough for
// the paths and numbers the benchmarks write).
std::string TomlString(const std::string& s);

// The TOML text of deployment kBenchDeployment that runs `c`. Guests are
// looked for in `wasm_dir` first ("" for parigot's own directory). `ports`
// is read only for Placement::kTwoHosts. REQUIRES: for kTwoHosts, both
// ports > 0.
std::string AppDescriptor(const std::string& wasm_dir, const GuestCase& c,
                          const HostPorts& ports);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_RPC_APP_DESCRIPTOR_H_
