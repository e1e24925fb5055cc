// GrpcEndpoint: a RemoteEndpoint (kernel/federation.h) reached over gRPC —
// a peer host of the application, or an outside gRPC server.
#ifndef PARIGOT_HOST_NET_GRPC_ENDPOINT_H_
#define PARIGOT_HOST_NET_GRPC_ENDPOINT_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "host/kernel/federation.h"
#include "host/net/worker_queue.h"

namespace parigot::net {

// Sends each call as a unary gRPC call on one channel (see wire.h for the
// mapping). Unreachable after a call fails to connect; reachable again once
// its channel connects (each look at Reachable asks the channel to try,
// after gRPC's reconnect back-off) or after any answer. A call that failed
// to connect is marked not_sent, so that the kernel may give it to another
// replica.
//
// A call's answer comes back on the host's WorkerQueue: the worker that
// polls it handles it and goes on to run the calling guest, without a
// wake-up between threads.
//
// Thread safety: every method may be called from any thread. REQUIRES: the
// queue outlives the endpoint, and is shut down only after Shutdown.
class GrpcEndpoint : public kernel::RemoteEndpoint {
 public:
  // `name` says who answers ("back (127.0.0.1:7402)"); `channel` leads
  // there; the answers come back on `queue`.
  GrpcEndpoint(std::string name, std::shared_ptr<grpc::Channel> channel,
               WorkerQueue& queue);
  // Cancels what is in flight and waits for its callbacks.
  ~GrpcEndpoint() override;

  std::string Describe() const override { return name_; }
  bool Reachable() const override;
  void Send(CallId call, const kernel::ServiceName& service,
            const std::string& method, std::string param,
            std::chrono::steady_clock::time_point deadline,
            kernel::ReplyFn done) override;
  void Cancel(CallId call) override;

  // Cancels every call in flight and waits until their `done` callbacks have
  // returned (someone must poll the queue meanwhile). Later Sends fail at
  // once with NetworkFailed. Call it before whatever the callbacks reach
  // (the kernel) goes away.
  void Shutdown();

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  struct InFlight;
  void Answered(InFlight& flight);

  const std::string name_;
  const std::shared_ptr<grpc::Channel> channel_;
  WorkerQueue& queue_;
  grpc::GenericStub stub_;
  mutable std::atomic<bool> reachable_{true};

  std::mutex mu_;
  std::condition_variable drained_;
  bool shut_down_ = false;                                      // guarded by mu_
  std::unordered_map<CallId, std::shared_ptr<InFlight>> calls_;  // guarded by mu_
};

}  // namespace parigot::net

#endif  // PARIGOT_HOST_NET_GRPC_ENDPOINT_H_
