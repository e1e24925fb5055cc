// Node: one host of a networked application, as seen from the network.
//
// It serves the guests' services to other hosts and to any gRPC client
// (CallService), with grpc.health.v1 and parigot's Control service; it
// finds the services its peers serve and hands them to the kernel as remote
// endpoints; it tells its peers when the application ends here. It is the
// kernel's Federation (kernel/federation.h).
//
// Its gRPC calls (those it serves and those it sends) complete on a
// completion queue that a worker of the scheduler polls when idle: give
// idle_port() to the scheduler (worker_queue.h says why). Until a scheduler
// does, a thread of the node's own polls it.
//
// Life cycle: Node::Start(kernel, options) before the kernel starts its
// guests, and before the scheduler that polls its queue is made;
// Shutdown() (or the destructor) once the application has ended here and
// before the kernel goes. The node must outlive that scheduler.
#ifndef PARIGOT_HOST_NET_NODE_H_
#define PARIGOT_HOST_NET_NODE_H_

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "host/kernel/federation.h"
#include "host/kernel/kernel.h"
#include "host/kernel/scheduler.h"
#include "parigot/status.h"

namespace parigot::net {

class CallService;
class ControlService;
class GrpcEndpoint;
class ReflectionService;
class ServiceCatalog;
class WorkerQueue;

struct NodeOptions {
  // This host's name in the descriptor. Empty: the node serves nothing and
  // has no peers (a one-process application that calls outside services).
  std::string host;
  // Where this host's gRPC server listens ("127.0.0.1:7401"); used only
  // with a `host`.
  std::string listen;
  // How to name `listen` in an error ("app.toml:4:10: config.net.host.
  // front.Listen").
  std::string listen_origin;

  // The other hosts of the application.
  struct Peer {
    std::string name;
    std::string address;  // what to dial
  };
  std::vector<Peer> peers;

  // Outside gRPC servers, each serving one service.
  struct External {
    std::string name;  // the descriptor's table name
    kernel::ServiceName service;
    std::string address;
    // Its method names (from the guests' descriptors). REQUIRES: non-empty.
    std::vector<std::string> methods;
  };
  std::vector<External> externals;

  // The descriptors of this host's guests: with them the server answers
  // server reflection (net/reflection.h). Must outlive the node. Default:
  // null (no reflection).
  const ServiceCatalog* catalog = nullptr;

  // The central log (source "net"). REQUIRES: set.
  std::function<void(kernel::LogLevel, std::string_view)> log;

  // How often a peer is asked what it serves: `poll_fast` after its answer
  // changed, doubling up to `poll_slow` while it stays the same or while the
  // peer does not answer.
  std::chrono::milliseconds poll_fast{10};
  std::chrono::milliseconds poll_slow{500};
};

// Thread safety: the Federation methods are called by the kernel with its
// lock held (they only record and wake the node's thread); Shutdown from
// any one thread.
class Node : public kernel::Federation {
 public:
  // Listens (when options.host is set), attaches itself to `kernel` as its
  // federation, registers the externals and starts asking the peers what
  // they serve. Errors: the listen address cannot be bound (in use, or not
  // an address of this machine).
  static Result<std::unique_ptr<Node>> Start(kernel::Kernel& kernel,
                                             NodeOptions options);
  ~Node() override;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Tells the peers that the application ended (when it ended here: at most
  // one second per peer, in parallel), stops serving (cancelling calls still
  // in the kernel), cancels calls in flight to other hosts and waits for
  // their callbacks, and detaches from the kernel. Idempotent.
  void Shutdown();

  // The port the server listens on (useful when `listen` asked for port 0).
  int port() const { return port_; }

  // Where the scheduler's idle worker waits, polling the node's queue
  // (SchedulerOptions::idle_port).
  kernel::IdlePort* idle_port();

  // kernel::Federation
  void ServingChanged() override;
  void ExitFixed(int code) override;
  std::string ExplainMissing(const kernel::ServiceName& service) override;

 private:
  struct PeerState;

  Node(kernel::Kernel& kernel, NodeOptions options);
  Status Listen();
  // The kernel's max_message_size, as gRPC takes it.
  int MaxMessageSize() const {
    return static_cast<int>(std::min<size_t>(kernel_.max_message_size(), INT32_MAX));
  }
  void Poll(PeerState& peer);
  void Run();
  void UpdateHealth();
  void BroadcastExit(int code);

  kernel::Kernel& kernel_;
  const NodeOptions options_;
  std::unique_ptr<WorkerQueue> queue_;  // before what uses it
  std::unique_ptr<CallService> calls_;
  std::unique_ptr<ControlService> control_;
  std::unique_ptr<ReflectionService> reflection_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::vector<std::shared_ptr<GrpcEndpoint>> external_endpoints_;
  std::vector<std::unique_ptr<PeerState>> peers_;
  std::vector<std::thread> pollers_;
  std::thread thread_;  // health updates and the exit broadcast

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                // guarded by mu_
  bool serving_dirty_ = false;           // guarded by mu_
  std::optional<int> exit_to_announce_;  // guarded by mu_
  bool shut_down_ = false;               // guarded by mu_
  std::set<std::string> healthy_;        // only on thread_
};

}  // namespace parigot::net

#endif  // PARIGOT_HOST_NET_NODE_H_
