#include "host/net/call_service.h"

#include "host/net/wire.h"

namespace parigot::net {

namespace sc = syscall::v1;

// One call, from its arrival to its end; it deletes itself. gRPC reports
// four events, each with a tag of its own: the call arrived, its request
// was read, the answer was sent (finished), and the call is done (answered,
// or cancelled by the client or the server's shutdown). The answer comes
// from the kernel, on any thread.
//
// It lives while an event is due (`pending_`) and until it has answered:
// an event's handler keeps it alive until it returns, and Finish counts its
// own event before it starts it, so no thread deletes the call under
// another that still uses it.
class CallService::Call {
 public:
  // Arms the call: asks gRPC for the next call on `queue`.
  Call(CallService& service, WorkerQueue& queue) : service_(service), queue_(queue) {
    grpc::ServerCompletionQueue* cq = queue.server_queue();
    // Its tag comes only if the call arrives (then always).
    context_.AsyncNotifyWhenDone(done_.tag());
    service.service_.RequestCall(&context_, &stream_, cq, cq, arrived_.tag());
  }

 private:
  using Handler = void (Call::*)(bool ok);
  // The tag of one kind of event.
  class Event final : public QueueTag {
   public:
    Event(Call* call, Handler handler) : call_(call), handler_(handler) {}
    void Completed(bool ok) override { call_->Handle(handler_, ok); }

   private:
    Call* const call_;
    const Handler handler_;
  };

  void Handle(Handler handler, bool ok) {
    (this->*handler)(ok);
    bool last;
    {
      std::lock_guard lock(mu_);
      last = --pending_ == 0 && (finished_ || !arrived_ok_);
    }
    if (last) {
      CallService& service = service_;
      delete this;
      service.Ended();
    }
  }

  void Arrived(bool ok) {
    if (!ok) return;  // the server is shutting down
    {
      std::lock_guard lock(mu_);
      arrived_ok_ = true;
      pending_ += 2;  // the request's reading, and the done event
      stream_.Read(&request_, read_.tag());
    }
    service_.Arm(queue_);  // the next call
  }

  void Read(bool ok) {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "a unary call needs one request message"));
      return;
    }
    std::optional<MethodRef> target = ParseMethodPath(context_.method());
    if (!target) {
      Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                          "not a method path: " + context_.method()));
      return;
    }
    kernel::Err error;
    {
      // The guest's worker is woken once this call's and the kernel's locks
      // are released, not while they are held (see DeferWakes).
      kernel::DeferWakes defer_wakes;
      std::lock_guard lock(mu_);
      error = service_.kernel_.CallFromRemote(
          target->service, target->method, ToString(request_),
          ToSteadyClock(context_.deadline()),
          [this](kernel::RemoteReply reply) { Answer(std::move(reply)); }, &call_);
    }
    if (error != sc::NoError) {
      Finish(StatusForKernelError(error, context_.method(), context_));
    }
  }

  // The client went away (or its deadline passed, or the server is shutting
  // down): if the kernel gives the call back, finish; if not, its answer (at
  // the latest at the kernel's own deadline) is on its way and finishes it.
  void Done(bool) {
    if (!context_.IsCancelled()) return;
    CallId call;
    {
      std::lock_guard lock(mu_);
      call = call_;
    }
    if (!call.IsZero() && service_.kernel_.CancelRemoteCall(call)) {
      Finish(grpc::Status::CANCELLED);
    }
  }

  void Sent(bool) {}

  void Answer(kernel::RemoteReply reply) {
    std::string error_name;
    if (reply.result_error != 0 && service_.catalog_ != nullptr) {
      if (std::optional<MethodRef> target = ParseMethodPath(context_.method())) {
        error_name = service_.catalog_->ErrorName(target->service.ToString(), reply.result_error);
      }
    }
    grpc::Status status = StatusForReply(reply, context_, error_name);
    if (status.ok()) {
      Finish(status, ToByteBuffer(reply.result));
    } else {
      Finish(status);
    }
  }

  // Once only. Nothing of this call is touched after the send starts: its
  // event may end the call on another thread before the send returns.
  void Finish(grpc::Status status, std::optional<grpc::ByteBuffer> response = {}) {
    {
      std::lock_guard lock(mu_);
      if (finished_) return;
      finished_ = true;
      ++pending_;  // the answer's event
      if (response) response_ = std::move(*response);
    }
    if (response) {
      stream_.WriteAndFinish(response_, grpc::WriteOptions(), status, sent_.tag());
    } else {
      stream_.Finish(status, sent_.tag());
    }
  }

  CallService& service_;
  WorkerQueue& queue_;
  grpc::GenericServerContext context_;
  grpc::GenericServerAsyncReaderWriter stream_{&context_};
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  Event arrived_{this, &Call::Arrived};
  Event read_{this, &Call::Read};
  Event done_{this, &Call::Done};
  Event sent_{this, &Call::Sent};

  std::mutex mu_;
  int pending_ = 1;          // guarded by mu_: events due (first, the arrival)
  bool arrived_ok_ = false;  // guarded by mu_
  bool finished_ = false;    // guarded by mu_
  CallId call_;              // guarded by mu_; zero until the kernel has it
};

CallService::~CallService() { Stop(); }

void CallService::RegisterWith(grpc::ServerBuilder& builder) {
  builder.RegisterAsyncGenericService(&service_);
}

void CallService::Start(WorkerQueue& queue) { Arm(queue); }

void CallService::Arm(WorkerQueue& queue) {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    ++live_;
  }
  new Call(*this, queue);
}

void CallService::Ended() {
  std::lock_guard lock(mu_);
  if (--live_ == 0) ended_.notify_all();
}

void CallService::Stop() {
  std::unique_lock lock(mu_);
  stopped_ = true;
  ended_.wait(lock, [this] { return live_ == 0; });
}

}  // namespace parigot::net
