#include "parigot/service.h"

#include <cstring>

#include "guest/src/runtime.h"

namespace parigot::internal {

Result<ServiceHandle> Locate(std::string_view package, std::string_view service,
                             std::span<const std::string_view> methods) {
  return Runtime::Get().Locate(package, service, methods);
}

ServiceHandle LocateOrDie(std::string_view package, std::string_view service,
                          std::span<const std::string_view> methods) {
  Result<ServiceHandle> handle = Locate(package, service, methods);
  if (!handle.ok()) {
    log::error(handle.status().message());
    parigot::exit(1);
  }
  return *handle;
}

char* StartCall(ServiceHandle service, size_t method_index, size_t param_size,
                CallOptions options, std::unique_ptr<CallReceiver> receiver) {
  return Runtime::Get().Call(service, method_index, param_size, options, std::move(receiver));
}

RawFuture CallRaw(ServiceHandle service, size_t method_index, std::string_view param,
                  CallOptions options) {
  class Receiver final : public CallReceiver {
   public:
    void Receive(std::string_view bytes) override { promise.Complete(std::string(bytes)); }
    void Fail(int32_t error, CallCause cause) override { promise.Fail(error, cause); }

    Promise<std::string, int32_t> promise;
  };
  auto receiver = std::make_unique<Receiver>();
  RawFuture future = receiver->promise.future();
  char* at = StartCall(service, method_index, param.size(), options, std::move(receiver));
  if (at != nullptr && !param.empty()) std::memcpy(at, param.data(), param.size());
  return future;
}

char* QueueReturn(CallId call, int32_t result_error, size_t result_size) {
  return Runtime::Get().QueueReturn(call, result_error, result_size);
}

}  // namespace parigot::internal
