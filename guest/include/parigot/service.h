// Calling and serving protobuf services: the runtime that the code generated
// by protoc-gen-parigot builds on. Users meet it through generated classes:
// a client handle (Greeting) and a server base (GreetingServer, which derives
// from parigot::Service).
//
// Everything here is loop-confined (see program.h).
#ifndef PARIGOT_SERVICE_H_
#define PARIGOT_SERVICE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "parigot/call_cause.h"
#include "parigot/coroutine.h"
#include "parigot/future.h"
#include "parigot/id.h"
#include "parigot/log.h"
#include "parigot/pool.h"
#include "parigot/program.h"
#include "parigot/status.h"
#include "parigot/wire/coding.h"

namespace parigot {

// Per-call options.
struct CallOptions {
  // The call's deadline in milliseconds; 0 uses the default: the
  // descriptor's Timeout.Complete (50 ms unless set), or the method's time
  // limit if that is longer, both times the callee's time scale
  // (docs/runtime.md). A longer one is cut to that default. When it passes,
  // the call fails with the service's DispatchError and the cause
  // CallCause::kDeadlineExceeded (parigot/call_cause.h).
  uint32_t timeout_ms = 0;
};

namespace internal {
// An encoded response, or the callee's error enum value.
using RawFuture = Future<std::string, int32_t>;
class Runtime;
struct LocatedService;

// Queues the answer to `call` (result_error 0: success) and returns where to
// write its `result_size`-byte encoded result: the caller writes it there at
// once, before its next call into the SDK.
char* QueueReturn(CallId call, int32_t result_error, size_t result_size);

// How the outcome of one incoming call gets back to its caller: exactly one
// of Reply, ReplyBytes or Fail, once, now or later (the answer leaves with
// the guest's next exchange). Cheap to copy; copies answer the same call.
class Responder {
 public:
  explicit Responder(CallId call) : call_(call) {}

  // Encodes `response` straight into the outgoing answer.
  template <typename Message>
  void Reply(const Message& response) const {
    size_t size = response.ByteSizeLong();
    wire::Writer writer(QueueReturn(call_, 0, size));
    response.SerializeWithCachedSizes(writer);
  }
  // An already encoded response (empty for a response with no fields).
  void ReplyBytes(std::string_view response) const {
    char* at = QueueReturn(call_, 0, response.size());
    if (!response.empty()) std::memcpy(at, response.data(), response.size());
  }
  // The service's error enum value (not 0).
  void Fail(int32_t error) const { QueueReturn(call_, error, 0); }

 private:
  CallId call_;
};
}  // namespace internal

namespace internal {
// The methods' own time limits (milliseconds, 0: none; .proto option
// protosupport.v1.time_limit_ms), in rpc order, as generated servers pass
// them to Service.
template <uint32_t... Ms>
inline constexpr uint32_t kTimeLimitsMs[] = {Ms...};
}  // namespace internal

// Base class of every generated server (XxxServer). Implement the generated
// pure virtual methods, and pass the object to Program as an export.
class Service {
 public:
  // `methods` in rpc order; `time_limits_ms`, if not empty, each method's
  // own time limit in milliseconds (0: none), in the same order. Both must
  // outlive the Service.
  Service(std::string_view package, std::string_view service,
          std::span<const std::string_view> methods,
          std::span<const uint32_t> time_limits_ms = {})
      : package_(package), service_(service), methods_(methods),
        time_limits_ms_(time_limits_ms) {}
  virtual ~Service() = default;
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Runs once, after launch completes (every service this guest requires is
  // running) and before any call is served: locate the services you use
  // here. Returning false ends this guest with exit code 1, reported as not
  // ready.
  virtual bool Ready() { return true; }

  std::string_view package_name() const { return package_; }
  std::string_view service_name() const { return service_; }

 private:
  friend class internal::Runtime;
  // Decodes `param`, runs the method with index `method_index` (order of the
  // rpcs in the .proto), and answers through `responder`.
  virtual void Dispatch(size_t method_index, std::string_view param,
                        internal::Responder responder) = 0;

  std::string_view package_;
  std::string_view service_;
  std::span<const std::string_view> methods_;
  std::span<const uint32_t> time_limits_ms_;
};

namespace internal {

// A located service: what a generated client handle holds. Cheap to copy;
// the record it points to lives until the guest exits.
class ServiceHandle {
 public:
  explicit ServiceHandle(const LocatedService* service) : service_(service) {}
  const LocatedService* get() const { return service_; }

 private:
  const LocatedService* service_;
};

// Locates a required service; `methods` in .proto order.
Result<ServiceHandle> Locate(std::string_view package, std::string_view service,
                             std::span<const std::string_view> methods);
// Locate, or end the guest with a logged error (exit code 1).
ServiceHandle LocateOrDie(std::string_view package, std::string_view service,
                          std::span<const std::string_view> methods);

// Where the outcome of one call goes: Receive gets the encoded response (a
// view valid only during the call), Fail an error enum value and its cause:
// the callee's own error with CallCause::kNone, or 1 (DispatchError) with
// the cause when the call itself failed (deadline passed, callee killed,
// not found, ...). Exactly one of them is called, once.
class CallReceiver : public Pooled {
 public:
  virtual ~CallReceiver() = default;
  virtual void Receive(std::string_view response) = 0;
  virtual void Fail(int32_t error, CallCause cause) = 0;
};

// Starts a call whose encoded request is `param_size` bytes long, and
// returns where to write them: the caller writes them there at once, before
// its next call into the SDK. Null if the call failed at once (an unbound
// method: the receiver has been told). The call leaves when the guest's
// callback returns to its event loop (or at exit()); its outcome goes to
// `receiver`.
char* StartCall(ServiceHandle service, size_t method_index, size_t param_size,
                CallOptions options, std::unique_ptr<CallReceiver> receiver);

// StartCall with the encoded request `param`, and the outcome as a future of
// the encoded response.
RawFuture CallRaw(ServiceHandle service, size_t method_index, std::string_view param,
                  CallOptions options);

// The generated error enums start NoError, DispatchError, UnmarshalFailed,
// MarshalFailed.
inline constexpr int32_t kDispatchError = 1;
inline constexpr int32_t kUnmarshalFailed = 2;
inline constexpr int32_t kMarshalFailed = 3;

// Receives a call's outcome into a Future<Response, E>, decoding the
// response (nothing to decode when Response is void).
template <typename Response, typename E>
class TypedReceiver final : public CallReceiver {
 public:
  void Receive(std::string_view bytes) override {
    if constexpr (std::is_void_v<Response>) {
      promise_.Complete();
    } else {
      Response response;
      if (!response.ParseFromString(bytes)) {
        promise_.Fail(static_cast<E>(kUnmarshalFailed), CallCause::kBadResponse);
        return;
      }
      promise_.Complete(std::move(response));
    }
  }
  void Fail(int32_t error, CallCause cause) override {
    promise_.Fail(static_cast<E>(error), cause);
  }
  Future<Response, E> future() const { return promise_.future(); }

 private:
  Promise<Response, E> promise_;
};

// A call of a generated client: `request` is encoded straight into the
// outgoing call.
template <typename Response, typename E, typename Request>
Future<Response, E> Call(ServiceHandle service, size_t method_index,
                         const Request& request, CallOptions options) {
  auto receiver = std::make_unique<TypedReceiver<Response, E>>();
  Future<Response, E> future = receiver->future();
  size_t size = request.ByteSizeLong();
  if (char* at = StartCall(service, method_index, size, options, std::move(receiver))) {
    wire::Writer writer(at);
    request.SerializeWithCachedSizes(writer);
  }
  return future;
}
// The same for a method whose request message has no fields.
template <typename Response, typename E>
Future<Response, E> Call(ServiceHandle service, size_t method_index, CallOptions options) {
  auto receiver = std::make_unique<TypedReceiver<Response, E>>();
  Future<Response, E> future = receiver->future();
  StartCall(service, method_index, 0, options, std::move(receiver));
  return future;
}

// Answers through `responder` once `outcome` completes (at once if it has).
template <typename Response, typename E>
void Answer(Future<Response, E>& outcome, Responder responder) {
  outcome
      .then([responder]([[maybe_unused]] const auto&... response) {
        if constexpr (std::is_void_v<Response>) {
          responder.ReplyBytes({});
        } else {
          responder.Reply(response...);
        }
      })
      .or_else([responder](E error) { responder.Fail(static_cast<int32_t>(error)); });
}

// A T in pooled memory.
template <typename T>
struct PooledBox : Pooled {
  T value;
};

// Runs a server method on an encoded request and answers its outcome.
// `Request` is void for methods whose request message has no fields.
template <typename Request, typename Response, typename E, typename Method>
void Serve(std::string_view param, Responder responder, Method&& method) {
  if constexpr (std::is_void_v<Request>) {
    Future<Response, E> outcome = method();
    Answer(outcome, responder);
  } else {
    // A method written as a coroutine (parigot/coroutine.h) refers to its
    // request after it first waits: the request lives until the method's
    // future completes, in pooled memory.
    auto request = std::make_unique<PooledBox<Request>>();
    if (!request->value.ParseFromString(param)) return responder.Fail(kUnmarshalFailed);
    Future<Response, E> outcome = method(request->value);
    Answer(outcome, responder);
    if (!outcome.is_completed()) outcome.on_complete([request = std::move(request)] {});
  }
}

// What Dispatch answers for a method index it does not know.
inline void UnknownMethod(size_t, Responder responder) { responder.Fail(kDispatchError); }

}  // namespace internal
}  // namespace parigot

#endif  // PARIGOT_SERVICE_H_
