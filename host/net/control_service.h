// ControlService: this host's side of parigot.net.v1.Control
// (proto/parigot/net/v1/control.proto): what it serves, and exit-all
// requests from its peers.
#ifndef PARIGOT_HOST_NET_CONTROL_SERVICE_H_
#define PARIGOT_HOST_NET_CONTROL_SERVICE_H_

#include <functional>
#include <string>

#include "host/kernel/kernel.h"
#include "parigot/net/v1/control.grpc.pb.h"

namespace parigot::net {

// Thread safety: gRPC calls it from its own threads. REQUIRES: the kernel
// outlives the server it is registered with.
class ControlService : public v1::Control::CallbackService {
 public:
  ControlService(kernel::Kernel& kernel, std::string host,
                 std::function<void(kernel::LogLevel, std::string_view)> log)
      : kernel_(kernel), host_(std::move(host)), log_(std::move(log)) {}

  grpc::ServerUnaryReactor* Services(grpc::CallbackServerContext* context,
                                     const v1::ServicesRequest* request,
                                     v1::ServicesResponse* response) override;
  grpc::ServerUnaryReactor* ExitAll(grpc::CallbackServerContext* context,
                                    const v1::ExitAllRequest* request,
                                    v1::ExitAllResponse* response) override;

 private:
  kernel::Kernel& kernel_;
  const std::string host_;
  const std::function<void(kernel::LogLevel, std::string_view)> log_;
};

}  // namespace parigot::net

#endif  // PARIGOT_HOST_NET_CONTROL_SERVICE_H_
