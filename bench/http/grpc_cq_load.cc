#include "bench/http/grpc_cq_load.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

namespace parigot::bench {
namespace {

using Clock = std::chrono::steady_clock;

double MicrosBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::micro>(to - from).count();
}

Status CallFailed(const grpc::Status& status) {
  return UnavailableError("gRPC call failed: code " + std::to_string(status.error_code()) +
                          ": " + status.error_message());
}

// A channel of its own: a distinct channel argument and a local subchannel
// pool keep gRPC from sharing one TCP connection between the threads.
std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address, int index) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("parigot.bench.channel", index);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

Result<std::shared_ptr<grpc::Channel>> Connected(const std::string& address, int index) {
  auto channel = OwnChannel(address, index);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5))) {
    return UnavailableError("cannot connect to " + address);
  }
  return channel;
}

grpc::ByteBuffer Bytes(const std::string& data) {
  grpc::Slice slice(data);
  return grpc::ByteBuffer(&slice, 1);
}

// One call in flight; its address is the completion queue tag.
struct Call {
  grpc::ClientContext context;
  grpc::ByteBuffer response;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  Clock::time_point start;
};

// One thread's share of the load: `window` calls outstanding on its own
// channel and completion queue until `stop`; samples of calls issued in
// [timed_from, stop).
struct Worker {
  std::shared_ptr<grpc::Channel> channel;
  int window = 1;
  std::vector<double> samples_us;
  grpc::Status error;
  Clock::time_point last_answer;

  void Run(const std::string& method, const grpc::ByteBuffer& request,
           Clock::time_point timed_from, Clock::time_point stop) {
    grpc::GenericStub stub(channel);
    grpc::CompletionQueue cq;
    auto issue = [&](std::unique_ptr<Call> call) {
      call->start = Clock::now();
      call->reader = stub.PrepareUnaryCall(&call->context, method, request, &cq);
      call->reader->StartCall();
      Call* tag = call.release();
      tag->reader->Finish(&tag->response, &tag->status, tag);
    };
    int outstanding = 0;
    for (int i = 0; i < window; ++i, ++outstanding) issue(std::make_unique<Call>());
    void* tag = nullptr;
    bool ok = false;
    while (outstanding > 0 && cq.Next(&tag, &ok)) {
      std::unique_ptr<Call> done(static_cast<Call*>(tag));
      --outstanding;
      const Clock::time_point now = Clock::now();
      if (!done->status.ok() && error.ok()) error = done->status;
      if (done->start >= timed_from && done->start < stop) {
        samples_us.push_back(MicrosBetween(done->start, now));
        last_answer = now;
      }
      if (error.ok() && now < stop) {
        issue(std::make_unique<Call>());
        ++outstanding;
      }
    }
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) delete static_cast<Call*>(tag);
  }
};

}  // namespace

Result<LatencyStats> RunCqLoad(const CqLoadOptions& options) {
  const int threads = std::clamp(options.threads, 1, std::max(1, options.concurrency));
  std::vector<Worker> workers(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    Result<std::shared_ptr<grpc::Channel>> channel = Connected(options.address, i);
    if (!channel.ok()) return channel.status();
    workers[i].channel = *channel;
    // The remainder goes to the first threads, so the windows add up.
    workers[i].window = options.concurrency / threads + (i < options.concurrency % threads);
  }
  const grpc::ByteBuffer request = Bytes(options.request);
  const Clock::time_point timed_from = Clock::now() + options.warmup;
  const Clock::time_point stop = timed_from + options.duration;
  std::vector<std::thread> running;
  for (Worker& worker : workers) {
    running.emplace_back(
        [&] { worker.Run(options.method, request, timed_from, stop); });
  }
  for (std::thread& t : running) t.join();
  std::vector<double> samples;
  Clock::time_point end = timed_from;
  for (const Worker& worker : workers) {
    if (!worker.error.ok()) return CallFailed(worker.error);
    samples.insert(samples.end(), worker.samples_us.begin(), worker.samples_us.end());
    end = std::max(end, worker.last_answer);
  }
  const int calls = static_cast<int>(samples.size());
  return Summarize(std::move(samples), MicrosBetween(timed_from, end), calls);
}

Result<std::string> CallOnce(const std::string& address, const std::string& method,
                             const std::string& request) {
  Result<std::shared_ptr<grpc::Channel>> channel = Connected(address, 0);
  if (!channel.ok()) return channel.status();
  grpc::GenericStub stub(*channel);
  grpc::CompletionQueue cq;
  Call call;
  call.context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  call.reader = stub.PrepareUnaryCall(&call.context, method, Bytes(request), &cq);
  call.reader->StartCall();
  call.reader->Finish(&call.response, &call.status, &call);
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (!call.status.ok()) return CallFailed(call.status);
  std::vector<grpc::Slice> slices;
  if (!call.response.Dump(&slices).ok()) return DataLossError("unreadable gRPC answer");
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return bytes;
}

}  // namespace parigot::bench
