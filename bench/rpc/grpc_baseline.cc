#include "bench/rpc/grpc_baseline.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "bench/rpc/grpc/echo.grpc.pb.h"

namespace parigot::bench {
namespace {

using benchgrpc::v1::Blob;
using benchgrpc::v1::Echo;
using Clock = std::chrono::steady_clock;

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

Blob Payload(size_t bytes) {
  Blob blob;
  std::string data(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) data[i] = static_cast<char>((i * 131 + 7) % 251);
  blob.set_data(std::move(data));
  return blob;
}

Status CallFailed(const grpc::Status& status) {
  return UnavailableError("gRPC call failed: code " + std::to_string(status.error_code()) +
                          ": " + status.error_message());
}

// One call of a pipelined run; kept until the run ends, so that nothing
// gRPC may still touch is freed inside its own completion callback.
struct PipeCall {
  grpc::ClientContext context;
  Blob response;
  Clock::time_point start;
};

// A pipelined run: `window` calls outstanding; each completion issues the
// next call from the completion callback itself (on a gRPC thread).
class Pipeline {
 public:
  Pipeline(Echo::Stub& stub, const Blob& request, int n)
      : stub_(stub), request_(request), n_(n) {
    samples_us_.reserve(static_cast<size_t>(n));
    calls_.reserve(static_cast<size_t>(n));
  }

  Result<LatencyStats> Run(int window) {
    const int first = std::min(window, n_);
    std::vector<PipeCall*> starting;
    {
      std::lock_guard lock(mu_);
      for (int i = 0; i < first; ++i) starting.push_back(NewCallLocked());
      began_ = Clock::now();
    }
    for (PipeCall* call : starting) Issue(call);
    std::unique_lock lock(mu_);
    done_.wait(lock, [&] { return answered_ == issued_ && (issued_ == n_ || failed_); });
    const double elapsed_us = MicrosSince(began_);
    if (failed_) return CallFailed(error_);
    return Summarize(std::move(samples_us_), elapsed_us, answered_);
  }

 private:
  PipeCall* NewCallLocked() {
    ++issued_;
    calls_.push_back(std::make_unique<PipeCall>());
    return calls_.back().get();
  }

  void Issue(PipeCall* call) {
    call->start = Clock::now();
    stub_.async()->Ping(&call->context, &request_, &call->response,
                        [this, call](grpc::Status status) { Done(call, status); });
  }

  void Done(PipeCall* call, const grpc::Status& status) {
    const double us = MicrosSince(call->start);
    PipeCall* next = nullptr;
    {
      std::lock_guard lock(mu_);
      ++answered_;
      if (!status.ok() && !failed_) {
        failed_ = true;
        error_ = status;
      }
      samples_us_.push_back(us);
      if (!failed_ && issued_ < n_) next = NewCallLocked();
      if (answered_ == issued_ && (issued_ == n_ || failed_)) done_.notify_all();
    }
    if (next != nullptr) Issue(next);
  }

  Echo::Stub& stub_;
  const Blob& request_;
  const int n_;
  std::mutex mu_;
  std::condition_variable done_;
  Clock::time_point began_;                        // guarded by mu_
  int issued_ = 0;                                 // guarded by mu_
  int answered_ = 0;                               // guarded by mu_
  bool failed_ = false;                            // guarded by mu_
  grpc::Status error_;                             // guarded by mu_
  std::vector<double> samples_us_;                 // guarded by mu_
  std::vector<std::unique_ptr<PipeCall>> calls_;   // guarded by mu_
};

}  // namespace

class GrpcEchoServer::Service final : public Echo::CallbackService {
 public:
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context, const Blob* request,
                                 Blob* response) override {
    *response = *request;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

GrpcEchoServer::GrpcEchoServer() : service_(std::make_unique<Service>()) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    status_ = UnavailableError("cannot start the gRPC echo server on 127.0.0.1");
  }
}

GrpcEchoServer::~GrpcEchoServer() {
  if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

std::shared_ptr<grpc::Channel> GrpcEchoServer::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

std::shared_ptr<grpc::Channel> GrpcEchoServer::TcpChannel() {
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                     grpc::InsecureChannelCredentials());
  channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return channel;
}

Result<LatencyStats> Sequential(grpc::Channel& channel, size_t bytes, int n, int warmup) {
  auto stub = Echo::NewStub(std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  const Blob request = Payload(bytes);
  std::vector<double> samples_us;
  samples_us.reserve(static_cast<size_t>(n));
  Clock::time_point began;
  for (int i = -warmup; i < n; ++i) {
    if (i == 0) began = Clock::now();
    grpc::ClientContext context;
    Blob response;
    const Clock::time_point start = Clock::now();
    grpc::Status status = stub->Ping(&context, request, &response);
    const double us = MicrosSince(start);
    if (!status.ok()) return CallFailed(status);
    if (response.data().size() != bytes) return DataLossError("gRPC echo changed the size");
    if (i >= 0) samples_us.push_back(us);
  }
  return Summarize(std::move(samples_us), MicrosSince(began), n);
}

Result<LatencyStats> Pipelined(grpc::Channel& channel, size_t bytes, int n, int window) {
  auto stub = Echo::NewStub(std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  const Blob request = Payload(bytes);
  {
    Pipeline warm(*stub, request, std::max(window * 4, n / 10));
    Result<LatencyStats> result = warm.Run(window);
    if (!result.ok()) return result.status();
  }
  Pipeline timed(*stub, request, n);
  return timed.Run(window);
}

Result<LatencyStats> FanOut(grpc::Channel& channel, size_t bytes, int rounds, int fanout) {
  auto stub = Echo::NewStub(std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  const Blob request = Payload(bytes);
  std::mutex mu;
  std::condition_variable done;
  std::vector<double> samples_us;
  samples_us.reserve(static_cast<size_t>(rounds));
  const int warmup = std::max(10, rounds / 10);
  Clock::time_point began;
  for (int round = -warmup; round < rounds; ++round) {
    if (round == 0) began = Clock::now();
    std::vector<PipeCall> calls(static_cast<size_t>(fanout));
    int left = fanout;
    grpc::Status error;
    const Clock::time_point start = Clock::now();
    for (PipeCall& call : calls) {
      stub->async()->Ping(&call.context, &request, &call.response,
                          [&](grpc::Status status) {
                            std::lock_guard lock(mu);
                            if (!status.ok()) error = status;
                            if (--left == 0) done.notify_all();
                          });
    }
    std::unique_lock lock(mu);
    done.wait(lock, [&] { return left == 0; });
    if (!error.ok()) return CallFailed(error);
    if (round >= 0) samples_us.push_back(MicrosSince(start));
  }
  return Summarize(std::move(samples_us), MicrosSince(began), rounds * fanout);
}

}  // namespace parigot::bench
