#include "host/net/control_service.h"

#include <algorithm>
#include <cstdint>

namespace parigot::net {

grpc::ServerUnaryReactor* ControlService::Services(
    grpc::CallbackServerContext* context, const v1::ServicesRequest*,
    v1::ServicesResponse* response) {
  response->set_host(host_);
  for (const auto& served : kernel_.ServingServices()) {
    v1::ServedService* out = response->add_services();
    out->set_name(served.name.ToString());
    for (const std::string& method : served.methods) out->add_methods(method);
    for (auto limit : served.time_limits) {
      out->add_time_limits_ms(
          static_cast<uint32_t>(std::min<int64_t>(limit.count(), UINT32_MAX)));
    }
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* ControlService::ExitAll(
    grpc::CallbackServerContext* context, const v1::ExitAllRequest* request,
    v1::ExitAllResponse*) {
  // This host's last line says so ("exited with code 0 (host front ended
  // the application)"): once is enough, unless asked for more (-v).
  if (!kernel_.exit_code()) {
    log_(kernel::LogLevel::kDebug,
         "host " + request->from_host() + " ended the application with code " +
             std::to_string(request->code()));
  }
  // The sender tells every host itself: this one must not tell them again.
  kernel_.ExitAll(request->code(), "host " + request->from_host() + " ended the application",
                  kernel::Kernel::ExitScope::kProcess);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace parigot::net
