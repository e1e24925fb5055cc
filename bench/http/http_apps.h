// The applications the HTTP and built-ins benchmark runs, as deployment
// descriptors (docs/descriptor.md), generated per run so that the guest
// directory and the data directory can be this build's:
//
// * the HTTP app: ONE host in network mode, holding the ingress
//   (Builtin = "http", route /echo -> test.v1.Web/Echo) and test_web.wasm,
//   so that the same handler is reachable through the ingress and, as an
//   ordinary gRPC service, on the host's Listen port, in one process;
// * the kv app: the kv built-in and bench_kv.wasm (guest/kv_bench.cc) as
//   its Main program, in one process, or with the store on a host of its
//   own (`parigot up`).
//
// Threads: plain values and functions; reentrant.
#ifndef PARIGOT_BENCH_HTTP_HTTP_APPS_H_
#define PARIGOT_BENCH_HTTP_HTTP_APPS_H_

#include <string>

namespace parigot::bench {

// The deployment each descriptor defines (its only one).
inline constexpr char kHttpDeployment[] = "bench";
// The host of the HTTP app (for `parigot run --host`).
inline constexpr char kHttpHost[] = "web";
// The ingress's route to the handler, and the handler's gRPC method path.
inline constexpr char kEchoPath[] = "/echo";
inline constexpr char kEchoMethod[] = "/test.v1.Web/Echo";

struct HttpPorts {
  int host = 0;     // the host's gRPC Listen port. REQUIRES: > 0
  int ingress = 0;  // the ingress's HTTP Listen port. REQUIRES: > 0
};

// The HTTP app's TOML. Guests are looked for in `wasm_dir` first ("" for
// parigot's own directory).
std::string HttpAppDescriptor(const std::string& wasm_dir, const HttpPorts& ports);

struct KvCase {
  int puts = 300;
  int gets = 3000;
  int batches = 100;
  int batch_size = 100;
  // 0: one process. Otherwise the program runs on host "front" on this
  // port and the store on host "back" on store_port (`parigot up`).
  int front_port = 0;
  int store_port = 0;
};

// The kv app's TOML; the store keeps its file in `data_dir` (the
// deployment's DataDir: data_dir/store.kv.db).
std::string KvAppDescriptor(const std::string& wasm_dir, const std::string& data_dir,
                            const KvCase& c);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HTTP_HTTP_APPS_H_
