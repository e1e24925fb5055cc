#include "host/net/node.h"

#include <grpcpp/health_check_service_interface.h>

#include <algorithm>

#include "host/net/call_service.h"
#include "host/net/control_service.h"
#include "host/net/grpc_endpoint.h"
#include "host/net/reflection.h"
#include "host/net/wire.h"
#include "host/net/worker_queue.h"
#include "parigot/net/v1/control.grpc.pb.h"

namespace parigot::net {

using kernel::LogLevel;
using Clock = std::chrono::steady_clock;

namespace {

// Messages up to the application's MaxMessageSize (gRPC's default caps what
// a host receives at 4 MB; a larger one fails as RESOURCE_EXHAUSTED), and
// quick reconnection: a peer that starts late is found within about a poll,
// not after gRPC's default one-second-and-growing back-off.
grpc::ChannelArguments ChannelArgs(int max_message_size) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(max_message_size);
  args.SetMaxSendMessageSize(max_message_size);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return args;
}

std::shared_ptr<grpc::Channel> Dial(const std::string& address, int max_message_size) {
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   ChannelArgs(max_message_size));
}

}  // namespace

// What this host knows of one peer.
struct Node::PeerState {
  NodeOptions::Peer peer;
  std::shared_ptr<GrpcEndpoint> endpoint;
  std::unique_ptr<v1::Control::Stub> control;
  // Guarded by Node::mu_:
  bool answered = false;
  std::string last_error;
  std::vector<std::string> served;  // full names, as last answered
  bool misnamed_reported = false;
};

Node::Node(kernel::Kernel& kernel, NodeOptions options)
    : kernel_(kernel), options_(std::move(options)) {}

Result<std::unique_ptr<Node>> Node::Start(kernel::Kernel& kernel,
                                          NodeOptions options) {
  std::unique_ptr<Node> node(new Node(kernel, std::move(options)));
  if (!node->options_.host.empty()) {
    Status listening = node->Listen();
    if (!listening.ok()) return listening;
  } else {
    node->queue_ = std::make_unique<WorkerQueue>();
  }
  for (const NodeOptions::External& external : node->options_.externals) {
    auto endpoint = std::make_shared<GrpcEndpoint>(
        "external " + external.name + " (" + external.address + ")",
        Dial(external.address, node->MaxMessageSize()), *node->queue_);
    kernel.AddRemoteService(external.service, external.methods, endpoint);
    node->external_endpoints_.push_back(std::move(endpoint));
  }
  for (const NodeOptions::Peer& peer : node->options_.peers) {
    auto state = std::make_unique<PeerState>();
    state->peer = peer;
    std::shared_ptr<grpc::Channel> channel = Dial(peer.address, node->MaxMessageSize());
    state->endpoint = std::make_shared<GrpcEndpoint>(
        "host " + peer.name + " (" + peer.address + ")", channel, *node->queue_);
    state->control = v1::Control::NewStub(channel);
    node->peers_.push_back(std::move(state));
  }
  kernel.SetFederation(node.get());
  for (auto& peer : node->peers_) {
    node->pollers_.emplace_back([n = node.get(), p = peer.get()] { n->Poll(*p); });
  }
  node->thread_ = std::thread([n = node.get()] { n->Run(); });
  return node;
}

Status Node::Listen() {
  calls_ = std::make_unique<CallService>(kernel_, options_.catalog);
  control_ = std::make_unique<ControlService>(kernel_, options_.host, options_.log);
  // Process-wide, read when a server is built: the server then answers
  // grpc.health.v1.Health, with statuses set below.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.listen, grpc::InsecureServerCredentials(),
                           &port_);
  builder.SetMaxReceiveMessageSize(MaxMessageSize());
  builder.SetMaxSendMessageSize(MaxMessageSize());
  // gRPC shares a port with another server by default (SO_REUSEPORT): two
  // hosts given the same Listen would then split each other's calls.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(control_.get());
  if (options_.catalog != nullptr) {
    // What this host serves now, as health reports it too.
    reflection_ = std::make_unique<ReflectionService>(*options_.catalog, [this] {
      std::vector<std::string> names;
      for (const auto& served : kernel_.ServingServices()) {
        names.push_back(served.name.ToString());
      }
      names.push_back("grpc.health.v1.Health");
      return names;
    });
    reflection_->RegisterWith(builder);
  }
  calls_->RegisterWith(builder);
  std::unique_ptr<grpc::ServerCompletionQueue> cq = builder.AddCompletionQueue();
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return UnavailableError(options_.listen_origin + ": cannot listen on " +
                            options_.listen +
                            " (is the address in use, or not this machine's?)");
  }
  queue_ = std::make_unique<WorkerQueue>(std::move(cq));
  calls_->Start(*queue_);
  // Until a service serves, the server as a whole does ("" is the overall
  // status): it answers Control and reflection from the start.
  server_->GetHealthCheckService()->SetServingStatus("", true);
  options_.log(LogLevel::kDebug, "host " + options_.host + " listening on " +
                                     options_.listen);
  return Status::Ok();
}

Node::~Node() { Shutdown(); }

kernel::IdlePort* Node::idle_port() { return queue_.get(); }

void Node::Shutdown() {
  {
    std::lock_guard lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  // The node's thread announces a pending exit before it stops.
  if (thread_.joinable()) thread_.join();
  for (std::thread& poller : pollers_) poller.join();
  // What is still in flight completes on the queue's own thread: its
  // worker may never wait again (a guest that does not end).
  if (queue_ != nullptr) queue_->ReleaseWorker();
  if (server_ != nullptr) {
    server_->GetHealthCheckService()->Shutdown();
    // Calls still in the kernel are cancelled: taken back from it, or
    // answered by it at their deadline at the latest.
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(500));
    calls_->Stop();
  }
  for (auto& endpoint : external_endpoints_) endpoint->Shutdown();
  for (auto& peer : peers_) peer->endpoint->Shutdown();
  if (queue_ != nullptr) queue_->Shutdown();
  kernel_.SetFederation(nullptr);
}

void Node::ServingChanged() {
  std::lock_guard lock(mu_);
  serving_dirty_ = true;
  wake_.notify_all();
}

void Node::ExitFixed(int code) {
  std::lock_guard lock(mu_);
  if (!exit_to_announce_) exit_to_announce_ = code;
  wake_.notify_all();
}

std::string Node::ExplainMissing(const kernel::ServiceName& service) {
  std::lock_guard lock(mu_);
  if (peers_.empty()) return "";
  std::string silent, asked;
  for (const auto& peer : peers_) {
    std::string who = "host " + peer->peer.name + " (" + peer->peer.address + ")";
    if (!peer->answered) {
      silent += (silent.empty() ? "" : "; ") + who + " never answered" +
                (peer->last_error.empty() ? "" : ": " + peer->last_error);
    } else {
      asked += (asked.empty() ? "" : ", ") + peer->peer.name;
    }
  }
  if (!silent.empty()) return "no host serves it yet; " + silent;
  return "no host serves it (asked " + asked + ")";
}

void Node::Poll(PeerState& peer) {
  std::chrono::milliseconds interval = options_.poll_fast;
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (stopping_) return;
    }
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::max(options_.poll_slow, std::chrono::milliseconds(200)));
    v1::ServicesRequest request;
    request.set_from_host(options_.host);
    v1::ServicesResponse response;
    grpc::Status status = peer.control->Services(&context, request, &response);

    bool changed = false;
    if (status.ok() && response.host() != peer.peer.name) {
      std::lock_guard lock(mu_);
      if (!peer.misnamed_reported) {
        peer.misnamed_reported = true;
        options_.log(LogLevel::kError,
                     peer.peer.address + " answers as host \"" + response.host() +
                         "\", not \"" + peer.peer.name +
                         "\": check the hosts' addresses in the descriptor");
      }
      peer.last_error = "it is host " + response.host();
    } else if (status.ok()) {
      std::vector<std::string> served;
      for (const v1::ServedService& service : response.services()) {
        served.push_back(service.name());
      }
      {
        std::lock_guard lock(mu_);
        changed = !peer.answered || served != peer.served;
        peer.answered = true;
        peer.served = served;
      }
      for (const v1::ServedService& service : response.services()) {
        std::optional<kernel::ServiceName> name = ParseServiceName(service.name());
        if (!name) continue;
        std::vector<std::string> methods(service.methods().begin(),
                                         service.methods().end());
        std::vector<std::chrono::milliseconds> limits(service.time_limits_ms().begin(),
                                                      service.time_limits_ms().end());
        kernel_.AddRemoteService(*name, methods, peer.endpoint, limits);
      }
    } else {
      std::lock_guard lock(mu_);
      peer.last_error = status.error_message();
    }
    // Fast while the answer changes (a peer starting its guests); slower
    // while it stays the same, or while the peer does not answer at all (it
    // is found within poll_slow of its start).
    interval = changed ? options_.poll_fast
                       : std::min(interval * 2, options_.poll_slow);
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, interval, [this] { return stopping_; });
  }
}

void Node::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] {
      return stopping_ || serving_dirty_ || exit_to_announce_.has_value();
    });
    if (serving_dirty_) {
      serving_dirty_ = false;
      lock.unlock();
      UpdateHealth();
      lock.lock();
    }
    if (exit_to_announce_) {
      int code = *exit_to_announce_;
      lock.unlock();
      BroadcastExit(code);
      return;  // the application has ended here: nothing more to announce
    }
    if (stopping_) return;
  }
}

void Node::UpdateHealth() {
  if (server_ == nullptr) return;
  std::set<std::string> now;
  for (const auto& served : kernel_.ServingServices()) {
    now.insert(served.name.ToString());
  }
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  for (const std::string& name : now) {
    if (!healthy_.count(name)) health->SetServingStatus(name, true);
  }
  for (const std::string& name : healthy_) {
    if (!now.count(name)) health->SetServingStatus(name, false);
  }
  healthy_ = std::move(now);
}

void Node::BroadcastExit(int code) {
  if (peers_.empty()) return;
  struct Pending {
    grpc::ClientContext context;
    v1::ExitAllRequest request;
    v1::ExitAllResponse response;
  };
  std::mutex done_mu;
  std::condition_variable done_cv;
  size_t done = 0;
  std::vector<std::unique_ptr<Pending>> pending;
  for (auto& peer : peers_) {
    auto& call = pending.emplace_back(std::make_unique<Pending>());
    call->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(1));
    // A channel that failed to connect earlier (the peer started after us)
    // would otherwise fail at once while it backs off.
    call->context.set_wait_for_ready(true);
    call->request.set_code(code);
    call->request.set_from_host(options_.host);
    peer->control->async()->ExitAll(
        &call->context, &call->request, &call->response,
        [&, name = peer->peer.name](grpc::Status status) {
          if (!status.ok()) {
            options_.log(LogLevel::kDebug, "could not tell host " + name +
                                               " to exit: " + status.error_message());
          }
          std::lock_guard lock(done_mu);
          ++done;
          done_cv.notify_all();
        });
  }
  std::unique_lock lock(done_mu);
  done_cv.wait(lock, [&] { return done == pending.size(); });
}

}  // namespace parigot::net
