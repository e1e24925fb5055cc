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
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "parigot/future.h"
#include "parigot/log.h"
#include "parigot/pool.h"
#include "parigot/program.h"
#include "parigot/status.h"

namespace parigot {

// Per-call options.
struct CallOptions {
  // The call's deadline in milliseconds; 0 uses the callee's default (the
  // descriptor's Timeout.Complete, 50 ms unless set). When it passes, the
  // call fails with the service's DispatchError.
  uint32_t timeout_ms = 0;
};

namespace internal {
// An encoded response, or the callee's error enum value.
using RawFuture = Future<std::string, int32_t>;
class Runtime;
struct LocatedService;
}  // namespace internal

// Base class of every generated server (XxxServer). Implement the generated
// pure virtual methods, and pass the object to Program as an export.
class Service {
 public:
  Service(std::string_view package, std::string_view service,
          std::span<const std::string_view> methods)
      : package_(package), service_(service), methods_(methods) {}
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
  // rpcs in the .proto), and returns its encoded result.
  virtual internal::RawFuture Dispatch(size_t method_index,
                                       std::string_view param) = 0;

  std::string_view package_;
  std::string_view service_;
  std::span<const std::string_view> methods_;
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
// view valid only during the call), Fail an error enum value (1,
// DispatchError, when the call itself failed: deadline passed, callee died
// or unknown; the cause is logged). Exactly one of them is called, once.
class CallReceiver : public Pooled {
 public:
  virtual ~CallReceiver() = default;
  virtual void Receive(std::string_view response) = 0;
  virtual void Fail(int32_t error) = 0;
};

// Starts a call with the encoded request `param` (copied: it need not
// outlive the call). The call leaves when the guest's callback returns to
// its event loop (or at exit()); its outcome goes to `receiver`.
void StartCall(ServiceHandle service, size_t method_index, std::string_view param,
               CallOptions options, std::unique_ptr<CallReceiver> receiver);

// StartCall with the outcome as a future of the encoded response.
RawFuture CallRaw(ServiceHandle service, size_t method_index, std::string_view param,
                  CallOptions options);

// The generated error enums start NoError, DispatchError, UnmarshalFailed,
// MarshalFailed.
inline constexpr int32_t kDispatchError = 1;
inline constexpr int32_t kUnmarshalFailed = 2;
inline constexpr int32_t kMarshalFailed = 3;

// StartCall with the outcome decoded into a Response (void: nothing to
// decode) or an E.
template <typename Response, typename E>
Future<Response, E> Call(ServiceHandle service, size_t method_index,
                         std::string_view param, CallOptions options) {
  class Receiver final : public CallReceiver {
   public:
    void Receive(std::string_view bytes) override {
      if constexpr (std::is_void_v<Response>) {
        promise.Complete();
      } else {
        Response response;
        if (!response.ParseFromString(bytes)) {
          promise.Fail(static_cast<E>(kUnmarshalFailed));
          return;
        }
        promise.Complete(std::move(response));
      }
    }
    void Fail(int32_t error) override { promise.Fail(static_cast<E>(error)); }

    Promise<Response, E> promise;
  };
  auto receiver = std::make_unique<Receiver>();
  Future<Response, E> future = receiver->promise.future();
  StartCall(service, method_index, param, options, std::move(receiver));
  return future;
}

// Runs a server method on an encoded request and encodes its outcome.
// `Request` is void for methods whose request message has no fields.
template <typename Request, typename Response, typename E, typename Method>
RawFuture Serve(std::string_view param, Method&& method) {
  auto run = [&]() {
    if constexpr (std::is_void_v<Request>) {
      return method();
    } else {
      Request request;
      if (!request.ParseFromString(param)) {
        return Future<Response, E>::Failed(static_cast<E>(kUnmarshalFailed));
      }
      return method(request);
    }
  };
  Promise<std::string, int32_t> promise;
  run()
      .then([promise]([[maybe_unused]] const auto&... response) mutable {
        if constexpr (std::is_void_v<Response>) {
          promise.Complete(std::string());
        } else {
          promise.Complete(response.SerializeAsString()...);
        }
      })
      .or_else([promise](E error) mutable { promise.Fail(static_cast<int32_t>(error)); });
  return promise.future();
}

// What Dispatch answers for a method index it does not know.
inline RawFuture UnknownMethod(size_t) {
  return RawFuture::Failed(kDispatchError);
}

}  // namespace internal
}  // namespace parigot

#endif  // PARIGOT_SERVICE_H_
