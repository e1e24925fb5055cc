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

RawFuture CallRaw(ServiceHandle service, size_t method_index, std::string param,
                  CallOptions options) {
  return Runtime::Get().Call(service, method_index, std::move(param), options);
}

}  // namespace parigot::internal
