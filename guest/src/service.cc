#include "parigot/service.h"

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

void StartCall(ServiceHandle service, size_t method_index, std::string_view param,
               CallOptions options, std::unique_ptr<CallReceiver> receiver) {
  Runtime::Get().Call(service, method_index, param, options, std::move(receiver));
}

RawFuture CallRaw(ServiceHandle service, size_t method_index, std::string_view param,
                  CallOptions options) {
  class Receiver final : public CallReceiver {
   public:
    void Receive(std::string_view bytes) override { promise.Complete(std::string(bytes)); }
    void Fail(int32_t error) override { promise.Fail(error); }

    Promise<std::string, int32_t> promise;
  };
  auto receiver = std::make_unique<Receiver>();
  RawFuture future = receiver->promise.future();
  StartCall(service, method_index, param, options, std::move(receiver));
  return future;
}

}  // namespace parigot::internal
