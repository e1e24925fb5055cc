#include "host/net/grpc_endpoint.h"

#include "host/net/wire.h"

namespace parigot::net {

namespace sc = syscall::v1;

struct GrpcEndpoint::InFlight {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
};

GrpcEndpoint::GrpcEndpoint(std::string name, std::shared_ptr<grpc::Channel> channel)
    : name_(std::move(name)), channel_(std::move(channel)), stub_(channel_) {}

GrpcEndpoint::~GrpcEndpoint() { Shutdown(); }

void GrpcEndpoint::Send(CallId call, const kernel::ServiceName& service,
                        const std::string& method, std::string param,
                        std::chrono::steady_clock::time_point deadline,
                        kernel::ReplyFn done) {
  auto flight = std::make_shared<InFlight>();
  flight->request = ToByteBuffer(param);
  flight->context.set_deadline(ToSystemClock(deadline));
  std::unique_lock lock(mu_);
  if (shut_down_) {
    lock.unlock();
    done(kernel::RemoteReply{{}, 0, sc::NetworkFailed, name_ + ": shutting down"});
    return;
  }
  calls_[call] = flight;
  lock.unlock();
  stub_.UnaryCall(
      &flight->context, MethodPath(service, method), grpc::StubOptions(),
      &flight->request, &flight->response,
      [this, call, flight, done = std::move(done)](grpc::Status status) {
        kernel::RemoteReply reply = ReplyForStatus(status, flight->context, name_);
        if (status.ok()) reply.result = ToString(flight->response);
        // UNAVAILABLE without a parigot trailer: nobody answered.
        bool answered = status.error_code() != grpc::StatusCode::UNAVAILABLE ||
                        reply.kernel_error != sc::NetworkFailed;
        reachable_.store(answered);
        done(std::move(reply));
        std::lock_guard lock(mu_);
        calls_.erase(call);
        if (calls_.empty()) drained_.notify_all();
      });
}

// TryCancel is called without mu_ held: gRPC may run the call's callback,
// which takes mu_, before TryCancel returns.
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
