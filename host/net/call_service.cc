#include "host/net/call_service.h"

#include <mutex>

#include "host/net/wire.h"

namespace parigot::net {
namespace {

namespace sc = syscall::v1;

// One call: read the request, hand it to the kernel, answer when the guest
// returns (or the kernel gives up). Deletes itself when gRPC is done with it.
class CallReactor : public grpc::ServerGenericBidiReactor {
 public:
  CallReactor(kernel::Kernel& kernel, grpc::GenericCallbackServerContext* context)
      : kernel_(kernel), context_(context) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      FinishOnce(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                              "a unary call needs one request message"));
      return;
    }
    std::optional<MethodRef> target = ParseMethodPath(context_->method());
    if (!target) {
      FinishOnce(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                              "not a method path: " + context_->method()));
      return;
    }
    std::lock_guard lock(mu_);
    kernel::Err error = kernel_.CallFromRemote(
        target->service, target->method, ToString(request_),
        ToSteadyClock(context_->deadline()),
        [this](kernel::RemoteReply reply) { Answer(std::move(reply)); }, &call_);
    if (error != sc::NoError) {
      finished_ = true;
      Finish(StatusForKernelError(error, context_->method(), *context_));
    }
  }

  // The client went away (or its deadline passed, or the server is shutting
  // down): if the call is still in the kernel, take it back and finish; if
  // not, its answer is on its way and finishes the call.
  void OnCancel() override {
    CallId call;
    {
      std::lock_guard lock(mu_);
      call = call_;
    }
    if (!call.IsZero() && kernel_.CancelRemoteCall(call)) {
      FinishOnce(grpc::Status::CANCELLED);
    }
  }

  void OnDone() override { delete this; }

 private:
  void Answer(kernel::RemoteReply reply) {
    std::lock_guard lock(mu_);
    if (finished_) return;
    finished_ = true;
    if (reply.kernel_error == sc::NoError && reply.result_error == 0) {
      response_ = ToByteBuffer(reply.result);
      StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
    } else {
      Finish(StatusForReply(reply, *context_));
    }
  }

  void FinishOnce(grpc::Status status) {
    std::lock_guard lock(mu_);
    if (finished_) return;
    finished_ = true;
    Finish(std::move(status));
  }

  kernel::Kernel& kernel_;
  grpc::GenericCallbackServerContext* const context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::mutex mu_;
  CallId call_;            // guarded by mu_; zero until the kernel has it
  bool finished_ = false;  // guarded by mu_
};

}  // namespace

grpc::ServerGenericBidiReactor* CallService::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  return new CallReactor(kernel_, context);
}

}  // namespace parigot::net
