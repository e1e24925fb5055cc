// CallService: the application's services, as this host serves them to
// gRPC clients: every "/<package>.<Service>/<Method>" call is handed to the
// kernel (Kernel::CallFromRemote), which queues it for the exporting guest.
#ifndef PARIGOT_HOST_NET_CALL_SERVICE_H_
#define PARIGOT_HOST_NET_CALL_SERVICE_H_

#include <grpcpp/generic/async_generic_service.h>

#include "host/kernel/kernel.h"

namespace parigot::net {

// A generic gRPC service (it receives every method the server has no other
// handler for). Unary calls only: one request message, one response.
//
// Thread safety: gRPC calls it from its own threads. REQUIRES: the kernel
// outlives the gRPC server the service is registered with (shut the server
// down first: that cancels the calls still in the kernel).
class CallService : public grpc::CallbackGenericService {
 public:
  explicit CallService(kernel::Kernel& kernel) : kernel_(kernel) {}

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override;

 private:
  kernel::Kernel& kernel_;
};

}  // namespace parigot::net

#endif  // PARIGOT_HOST_NET_CALL_SERVICE_H_
