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
    kernel::Err error;
    {
      std::lock_guard lock(mu_);
      error = kernel_.CallFromRemote(
          target->service, target->method, ToString(request_),
          ToSteadyClock(context_->deadline()),
          [this](kernel::RemoteReply reply) { Answer(std::move(reply)); }, &call_);
    }
    if (error != sc::NoError) {
      FinishOnce(StatusForKernelError(error, context_->method(), *context_));
    }
  }

  // The client went away (or its deadline passed, or the server is shutting
  // down): if the kernel gives the call back, finish; if not, its answer (at
  // the latest the kernel's own deadline) is on its way and finishes it.
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
  // Finish may make gRPC call OnDone, which deletes this, on another thread
  // before Finish returns: nothing of this is touched after it, not even the
  // lock's unlock.
  void Answer(kernel::RemoteReply reply) {
    {
      std::lock_guard lock(mu_);
      if (finished_) return;
      finished_ = true;
    }
    grpc::Status status = StatusForReply(reply, *context_);
    if (status.ok()) {
      response_ = ToByteBuffer(reply.result);
      StartWriteAndFinish(&response_, grpc::WriteOptions(), status);
    } else {
      Finish(status);
    }
  }

  void FinishOnce(grpc::Status status) {
    {
      std::lock_guard lock(mu_);
      if (finished_) return;
      finished_ = true;
    }
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
