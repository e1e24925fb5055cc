// The raw gRPC C++ baselines of the RPC benchmark: a unary echo service
// (grpc/echo.proto, the same shape as bench.rpc.v1.Pong) served in this
// process, called over gRPC's in-process channel or over loopback TCP.
//
//   GrpcEchoServer server;            // listens on 127.0.0.1:<ephemeral>
//   auto channel = server.InProcessChannel();
//   LatencyStats s = Sequential(*channel, 16, 20000, 2000);
//
// Threads: the server runs on gRPC's own threads; each measuring function
// blocks its caller until its calls are done. One measurement at a time.
#ifndef PARIGOT_BENCH_RPC_GRPC_BASELINE_H_
#define PARIGOT_BENCH_RPC_GRPC_BASELINE_H_

#include <memory>
#include <string>

#include "bench/rpc/stats.h"
#include "parigot/status.h"

namespace grpc {
class Channel;
class Server;
}  // namespace grpc

namespace parigot::bench {

class GrpcEchoServer {
 public:
  // Starts the server: a callback-API service, listening on 127.0.0.1 on a
  // port the kernel picks. Check status() before use.
  GrpcEchoServer();
  ~GrpcEchoServer();
  GrpcEchoServer(const GrpcEchoServer&) = delete;
  GrpcEchoServer& operator=(const GrpcEchoServer&) = delete;

  // Unavailable if the server did not start.
  const Status& status() const { return status_; }
  int port() const { return port_; }

  std::shared_ptr<grpc::Channel> InProcessChannel();
  // An insecure channel to 127.0.0.1:port(), connected before it returns.
  std::shared_ptr<grpc::Channel> TcpChannel();

 private:
  class Service;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  Status status_;
};

// `n` sequential round trips of `bytes` each way (sync stub, one call
// outstanding), after `warmup` untimed ones. Errors: the first failed call.
Result<LatencyStats> Sequential(grpc::Channel& channel, size_t bytes, int n, int warmup);

// `n` calls with `window` outstanding at all times (callback stub: a
// completion issues the next call); throughput and per-call latency.
Result<LatencyStats> Pipelined(grpc::Channel& channel, size_t bytes, int n, int window);

// `rounds` rounds of `fanout` concurrent calls, each round waiting for all
// of them; the samples are round latencies, calls_per_s counts calls.
Result<LatencyStats> FanOut(grpc::Channel& channel, size_t bytes, int rounds, int fanout);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_RPC_GRPC_BASELINE_H_
