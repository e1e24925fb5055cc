// CallService: the application's services, as this host serves them to
// gRPC clients: every "/<package>.<Service>/<Method>" call is handed to the
// kernel (Kernel::CallFromRemote), which queues it for the exporting guest.
//
// It uses gRPC's asynchronous generic API on the host's WorkerQueue: a call
// arrives on the idle worker that polls it, which goes on to run the guest
// itself (worker_queue.h says why), and the guest's answer is written from
// the guest's worker, without handing it to another thread.
#ifndef PARIGOT_HOST_NET_CALL_SERVICE_H_
#define PARIGOT_HOST_NET_CALL_SERVICE_H_

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/server_builder.h>

#include <condition_variable>
#include <mutex>

#include "host/kernel/kernel.h"
#include "host/net/service_catalog.h"
#include "host/net/worker_queue.h"

namespace parigot::net {

// Unary calls only: one request message, one response. Any method of any
// service the server has no other handler for comes here.
//
// Life cycle: RegisterWith(builder) and the builder's completion queue (as
// a WorkerQueue) before the server starts; Start once it has; at the end,
// the server's Shutdown, then Stop, then the queue's Shutdown.
//
// Thread safety: Start and Stop from one thread; the calls themselves run
// on whichever threads poll the queue and answer them. REQUIRES: the kernel
// and the queue outlive the service's calls (Stop waits for them).
class CallService {
 public:
  // `catalog` (may be null) names application errors in trailers
  // (wire.h); it must outlive the service.
  CallService(kernel::Kernel& kernel, const ServiceCatalog* catalog)
      : kernel_(kernel), catalog_(catalog) {}
  ~CallService();
  CallService(const CallService&) = delete;
  CallService& operator=(const CallService&) = delete;

  void RegisterWith(grpc::ServerBuilder& builder);

  // Takes calls on `queue`. REQUIRES: it is the server's
  // (WorkerQueue::server_queue).
  void Start(WorkerQueue& queue);

  // Takes no more calls, and waits until every call taken has ended: those
  // still in the kernel are answered by it or taken back from it (at the
  // latest at their deadline), and the server's Shutdown cancels the
  // others. Call after the server's Shutdown (which asks for no more
  // calls), before the queue's Shutdown (its last events must run).
  void Stop();

 private:
  class Call;
  void Arm(WorkerQueue& queue);
  void Ended();

  kernel::Kernel& kernel_;
  const ServiceCatalog* const catalog_;
  grpc::AsyncGenericService service_;
  std::mutex mu_;
  std::condition_variable ended_;
  int live_ = 0;          // guarded by mu_: calls armed or in progress
  bool stopped_ = false;  // guarded by mu_
};

}  // namespace parigot::net

#endif  // PARIGOT_HOST_NET_CALL_SERVICE_H_
