#include "host/net/grpc_endpoint.h"

#include "host/net/wire.h"

namespace parigot::net {

namespace sc = syscall::v1;

// One call in flight; its answer's tag. Owned by calls_ until answered.
struct GrpcEndpoint::InFlight final : QueueTag {
  InFlight(GrpcEndpoint& endpoint, CallId call, kernel::ReplyFn done)
      : endpoint(endpoint), call(call), done(std::move(done)) {}
  void Completed(bool) override { endpoint.Answered(*this); }

  GrpcEndpoint& endpoint;
  const CallId call;
  const kernel::ReplyFn done;
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
};

GrpcEndpoint::GrpcEndpoint(std::string name, std::shared_ptr<grpc::Channel> channel,
                           WorkerQueue& queue)
    : name_(std::move(name)),
      channel_(std::move(channel)),
      queue_(queue),
      stub_(channel_) {}

GrpcEndpoint::~GrpcEndpoint() { Shutdown(); }

void GrpcEndpoint::Send(CallId call, const kernel::ServiceName& service,
                        const std::string& method, std::string param,
                        std::chrono::steady_clock::time_point deadline,
                        kernel::ReplyFn done) {
  auto flight = std::make_shared<InFlight>(*this, call, std::move(done));
  flight->request = ToByteBuffer(param);
  flight->context.set_deadline(ToSystemClock(deadline));
  std::unique_lock lock(mu_);
  if (shut_down_) {
    lock.unlock();
    flight->done(kernel::RemoteReply{{}, 0, sc::NetworkFailed, name_ + ": shutting down", {}});
    return;
  }
  // Listed before it starts: Shutdown (and so the queue's shutdown) waits
  // for its answer, and its answer finds it.
  calls_[call] = flight;
  lock.unlock();
  flight->reader = stub_.PrepareUnaryCall(&flight->context, MethodPath(service, method),
                                          flight->request, &queue_.queue());
  flight->reader->StartCall();
  flight->reader->Finish(&flight->response, &flight->status, flight->tag());
}

bool GrpcEndpoint::Reachable() const {
  if (reachable_.load()) return true;
  // Known down: back in the rotation once the channel has connected again.
  // Asking for the state with try_to_connect starts an attempt when the
  // channel is idle (it does not block).
  if (channel_->GetState(/*try_to_connect=*/true) != GRPC_CHANNEL_READY) return false;
  reachable_.store(true);
  return true;
}

void GrpcEndpoint::Answered(InFlight& answered) {
  std::shared_ptr<InFlight> flight;
  {
    std::lock_guard lock(mu_);
    flight = calls_.at(answered.call);
  }
  kernel::RemoteReply reply = ReplyForStatus(flight->status, flight->context, name_);
  if (flight->status.ok()) reply.result = ToString(flight->response);
  // UNAVAILABLE without a parigot trailer: nobody answered.
  bool answered_at_all = flight->status.error_code() != grpc::StatusCode::UNAVAILABLE ||
                         reply.kernel_error != sc::NetworkFailed;
  reachable_.store(answered_at_all);
  // gRPC fails a call it could not send with "failed to connect to all
  // addresses" (no connection was ever made for it); any other
  // UNAVAILABLE (a connection lost mid-call) may have reached the peer.
  reply.not_sent = !answered_at_all &&
                   flight->status.error_message().find("failed to connect") != std::string::npos;
  {
    // The caller's worker is woken after the kernel's locks are released,
    // not while they are held (see DeferWakes).
    kernel::DeferWakes defer_wakes;
    flight->done(std::move(reply));
  }
  std::lock_guard lock(mu_);
  calls_.erase(flight->call);
  if (calls_.empty()) drained_.notify_all();
}

// TryCancel is called without mu_ held: the answer's handler, which takes
// mu_, may run on another thread before TryCancel returns.
void GrpcEndpoint::Cancel(CallId call) {
  std::shared_ptr<InFlight> flight;
  {
    std::lock_guard lock(mu_);
    auto it = calls_.find(call);
    if (it == calls_.end()) return;
    flight = it->second;
  }
  flight->context.TryCancel();
}

void GrpcEndpoint::Shutdown() {
  std::vector<std::shared_ptr<InFlight>> flights;
  {
    std::lock_guard lock(mu_);
    shut_down_ = true;
    for (auto& [id, flight] : calls_) flights.push_back(flight);
  }
  for (auto& flight : flights) flight->context.TryCancel();
  std::unique_lock lock(mu_);
  drained_.wait(lock, [this] { return calls_.empty(); });
}

}  // namespace parigot::net
