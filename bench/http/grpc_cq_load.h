// gRPC's C++ client at its fastest, as the baseline of the HTTP benchmark:
// unary calls of one method through grpc::GenericStub on completion queues
// polled by the measuring threads themselves (no callback threads, no
// generated stub: the request is bytes already encoded), for a bounded
// time, like wrk.
//
//   CqLoadOptions o{.address = "127.0.0.1:7641", .method = "/test.v1.Web/Echo",
//                   .request = encoded, .threads = 2, .concurrency = 32,
//                   .duration = std::chrono::seconds(3)};
//   Result<LatencyStats> s = RunCqLoad(o);
//
// Threads: reentrant; RunCqLoad blocks for the run and uses `threads`
// threads of its own, each with its own channel (so its own TCP connection,
// as each wrk thread has its own connections) and completion queue.
#ifndef PARIGOT_BENCH_HTTP_GRPC_CQ_LOAD_H_
#define PARIGOT_BENCH_HTTP_GRPC_CQ_LOAD_H_

#include <chrono>
#include <string>

#include "bench/rpc/stats.h"
#include "parigot/status.h"

namespace parigot::bench {

struct CqLoadOptions {
  std::string address;  // "127.0.0.1:7641". REQUIRES: set
  std::string method;   // "/test.v1.Web/Echo". REQUIRES: set
  std::string request;  // the encoded request message
  int threads = 1;      // REQUIRES: 1 <= threads <= concurrency
  // Calls outstanding at all times, spread evenly over the threads (each
  // completion issues the next call); 1 gives sequential round trips.
  int concurrency = 1;
  std::chrono::milliseconds duration{3000};
  // Untimed load first (connections made, caches warm).
  std::chrono::milliseconds warmup{500};
};

// Runs the load. The samples are the latencies (issue to completion) of the
// calls issued inside the timed span; calls_per_s counts them over it.
// Errors: Unavailable if the channel does not connect within 5 s; the
// first failed call's status (as Unavailable, with gRPC's code in the
// message).
Result<LatencyStats> RunCqLoad(const CqLoadOptions& options);

// One call of `method` with `request`, waiting up to 5 s: the answer's
// bytes. For checking the target before loading it. Errors: as RunCqLoad.
Result<std::string> CallOnce(const std::string& address, const std::string& method,
                             const std::string& request);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HTTP_GRPC_CQ_LOAD_H_
