// A tiny stand-in for the guest SDK's "parigot/service.h", declaring exactly
// the names protoc-gen-parigot's service code uses, so the generated code can
// be compiled and exercised natively. Calls are recorded, not sent; the
// futures are completed synchronously. Test-only; not the real SDK API.
#ifndef PARIGOT_TESTS_CODEC_FAKE_SDK_SERVICE_H_
#define PARIGOT_TESTS_CODEC_FAKE_SDK_SERVICE_H_

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace parigot {

struct ServiceName {
  std::string_view package;
  std::string_view service;
};

struct CallOptions {
  int deadline_ms = 0;
};

struct Status {
  int code = 0;
};

template <typename T>
class Result {
 public:
  Result(Status s) : status_(s) {}  // NOLINT
  Result(T v) : value_(std::move(v)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  Status status() const { return status_; }
  T& operator*() { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

// Holds either a value (or nothing, for void) or an error.
template <typename T, typename E>
struct Future {
  std::conditional_t<std::is_void_v<T>, bool, std::optional<T>> value{};
  std::optional<E> error;
};

namespace internal {

struct ServiceHandle {
  int id = 0;
};

// What the fake "sent": the last call's method index and bytes.
struct LastCall {
  size_t method = 0;
  std::string bytes;
};
inline LastCall& TEST_LastCall() {
  static LastCall call;
  return call;
}

template <size_t N>
Result<ServiceHandle> Locate(std::string_view, std::string_view,
                             const std::array<std::string_view, N>&) {
  return ServiceHandle{7};
}
template <size_t N>
ServiceHandle LocateOrDie(std::string_view p, std::string_view s,
                          const std::array<std::string_view, N>& m) {
  return *Locate(p, s, m);
}

template <typename Resp, typename E, typename Req>
Future<Resp, E> Call(ServiceHandle, size_t method, const Req& request, CallOptions) {
  TEST_LastCall() = {method, request.SerializeAsString()};
  return {};
}
template <typename Resp, typename E>
Future<Resp, E> Call(ServiceHandle, size_t method, CallOptions) {
  TEST_LastCall() = {method, std::string()};
  return {};
}

// The serialized response (or error code) a dispatched method produced.
struct RawFuture {
  std::string response;
  int error = 0;
};

// Records the answer into a RawFuture.
class Responder {
 public:
  explicit Responder(RawFuture* out) : out_(out) {}
  template <typename M>
  void Reply(const M& response) const {
    out_->response = response.SerializeAsString();
  }
  void ReplyBytes(std::string_view response) const { out_->response = std::string(response); }
  void Fail(int error) const { out_->error = error; }

 private:
  RawFuture* out_;
};

template <typename Req, typename Resp, typename E, typename Fn>
void Serve(std::string_view param, Responder responder, Fn fn) {
  Future<Resp, E> f;
  if constexpr (std::is_void_v<Req>) {
    f = fn();
  } else {
    Req req;
    if (!req.ParseFromString(param)) return responder.Fail(2);
    f = fn(req);
  }
  if (f.error) return responder.Fail(static_cast<int>(*f.error));
  if constexpr (std::is_void_v<Resp>) {
    responder.ReplyBytes("");
  } else {
    responder.Reply(*f.value);
  }
}

inline void UnknownMethod(size_t, Responder responder) { responder.Fail(1); }

template <unsigned... Ms>
inline constexpr unsigned kTimeLimitsMs[] = {Ms...};

}  // namespace internal

class Service {
 public:
  template <size_t N>
  Service(std::string_view package, std::string_view service,
          const std::array<std::string_view, N>& methods)
      : package_(package), service_(service), methods_(methods.begin(), methods.end()) {}
  // The methods' own time limits, one per method.
  template <size_t N>
  Service(std::string_view package, std::string_view service,
          const std::array<std::string_view, N>& methods, const unsigned (&time_limits_ms)[N])
      : Service(package, service, methods) {
    time_limits_ms_.assign(time_limits_ms, time_limits_ms + N);
  }
  virtual ~Service() = default;
  internal::RawFuture TEST_Dispatch(size_t method, std::string_view param) {
    internal::RawFuture out;
    Dispatch(method, param, internal::Responder(&out));
    return out;
  }
  const std::vector<std::string_view>& methods() const { return methods_; }
  // Empty when no method has its own.
  const std::vector<unsigned>& time_limits_ms() const { return time_limits_ms_; }

 private:
  virtual void Dispatch(size_t method_index, std::string_view param,
                        internal::Responder responder) = 0;
  std::string_view package_;
  std::string_view service_;
  std::vector<std::string_view> methods_;
  std::vector<unsigned> time_limits_ms_;
};

}  // namespace parigot

#endif  // PARIGOT_TESTS_CODEC_FAKE_SDK_SERVICE_H_
