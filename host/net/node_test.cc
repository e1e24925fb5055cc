// Two hosts in one test process, each a kernel with a Node, talking real
// gRPC over loopback: the guests are played by threads calling the kernel
// as host/abi would.
#include "host/net/node.h"

#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "host/kernel/scheduler.h"
#include "host/net/wire.h"

namespace parigot::net {
namespace {

using std::chrono::milliseconds;
using kernel::CallResolved;
using kernel::Event;
using kernel::GuestKind;
using kernel::IncomingCall;
using kernel::Kernel;
using kernel::LaunchCompleted;
namespace sc = syscall::v1;

const kernel::ServiceName kGreeting{"greeting.v1", "Greeting"};

kernel::KernelOptions KernelOptionsFor(milliseconds startup = milliseconds(3000),
                                       milliseconds call = milliseconds(1000)) {
  kernel::KernelOptions options;
  options.startup_timeout = startup;
  options.call_timeout = call;
  options.log = [](std::string_view, kernel::LogLevel, std::string_view,
                   std::span<const kernel::LogField>) {};
  return options;
}

NodeOptions NodeOptionsFor(std::string host) {
  NodeOptions options;
  options.host = std::move(host);
  options.listen = "127.0.0.1:0";
  options.listen_origin = "test";
  options.log = [](kernel::LogLevel, std::string_view) {};
  return options;
}

// The "back" host: a greet guest exporting greeting.v1.Greeting, answering
// FetchGreeting("x") with "bonjour x", "fail" with error 7, and leaving
// "silence" unanswered. The guest is a thread, or a fiber of a scheduler
// whose idle workers poll the node's queues (as in parigot run).
class BackHost {
 public:
  enum class Guest { kThread, kFiber };

  explicit BackHost(Guest guest = Guest::kThread) : kernel_(KernelOptionsFor()) {
    greet_ = kernel_.AddGuest("greet", GuestKind::kService, "test");
    kernel_.StartGuests();
    std::string name;
    kernel_.Register(greet_, &name);
    std::vector<ServiceId> ids;
    kernel_.Export(greet_, {kGreeting}, &ids);
    MethodId method;
    kernel_.BindMethod(greet_, ids[0], "FetchGreeting", &method);
    kernel_.Launch(greet_);
    auto node = Node::Start(kernel_, NodeOptionsFor("back"));
    EXPECT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(*node);
    if (guest == Guest::kFiber) {
      scheduler_ = std::make_unique<kernel::Scheduler>(
          kernel::SchedulerOptions{.idle_port = node_->idle_port()});
      scheduler_->Spawn([this] { Serve(); });
    } else {
      serve_ = std::thread([this] { Serve(); });
    }
  }
  ~BackHost() {
    node_->Shutdown();
    kernel_.GuestEnded(greet_, 0, std::nullopt);
    if (serve_.joinable()) serve_.join();
    scheduler_.reset();  // before the node, whose queues its workers poll
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(node_->port()); }
  Kernel& kernel() { return kernel_; }
  Node& node() { return *node_; }

 private:
  void Serve() {
    while (true) {
      Event event;
      if (kernel_.ReadOne(greet_, milliseconds(-1), &event) != sc::NoError) return;
      auto* call = std::get_if<IncomingCall>(&event);
      if (call == nullptr) {
        if (std::holds_alternative<kernel::ExitRequested>(event)) return;
        continue;
      }
      if (call->param == "fail") {
        kernel_.ReturnValue(greet_, call->call, "", 7);
      } else if (call->param == "silence") {
        std::lock_guard lock(mu_);
        silenced_.push_back(call->call);
      } else {
        kernel_.ReturnValue(greet_, call->call, "bonjour " + call->param, 0);
      }
    }
  }

  Kernel kernel_;
  GuestId greet_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<kernel::Scheduler> scheduler_;
  std::thread serve_;
  std::mutex mu_;
  std::vector<CallId> silenced_;  // guarded by mu_

 public:
  // The calls left unanswered so far.
  std::vector<CallId> silenced() {
    std::lock_guard lock(mu_);
    return silenced_;
  }
  // Answers a call as the greet guest would.
  kernel::Err Answer(CallId call) {
    return kernel_.ReturnValue(greet_, call, "late", 0);
  }
};

// The "front" host: a main guest requiring greeting.v1.Greeting from `back`.
class FrontHost {
 public:
  explicit FrontHost(const std::string& back_address,
                     milliseconds startup = milliseconds(3000))
      : kernel_(KernelOptionsFor(startup)) {
    main_ = kernel_.AddGuest("main", GuestKind::kMain, "test");
    NodeOptions options = NodeOptionsFor("front");
    options.peers.push_back({"back", back_address});
    auto node = Node::Start(kernel_, std::move(options));
    EXPECT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(*node);
    kernel_.StartGuests();
    std::string name;
    kernel_.Register(main_, &name);
    kernel_.Require(main_, {kGreeting});
    kernel_.Launch(main_);
  }
  ~FrontHost() { node_->Shutdown(); }

  LaunchCompleted WaitLaunch() {
    Event event;
    EXPECT_EQ(kernel_.ReadOne(main_, milliseconds(5000), &event), sc::NoError);
    auto* launched = std::get_if<LaunchCompleted>(&event);
    return launched ? *launched : LaunchCompleted{sc::KernelDependencyFailure, "?"};
  }

  CallResolved Call(std::string param, milliseconds timeout = milliseconds(0)) {
    ServiceId service;
    std::vector<std::pair<std::string, MethodId>> methods;
    EXPECT_EQ(kernel_.Locate(main_, kGreeting, &service, &methods), sc::NoError);
    EXPECT_EQ(methods.size(), 1u);
    if (methods.empty()) return {};
    CallId call;
    EXPECT_EQ(kernel_.Dispatch(main_, service, methods[0].second, std::move(param),
                               timeout, &call),
              sc::NoError);
    Event event;
    EXPECT_EQ(kernel_.ReadOne(main_, milliseconds(5000), &event), sc::NoError);
    auto* resolved = std::get_if<CallResolved>(&event);
    EXPECT_NE(resolved, nullptr);
    if (resolved == nullptr) return {};
    EXPECT_EQ(resolved->call, call);
    return *resolved;
  }

  // Dispatches without waiting for the answer.
  void Send(std::string param) {
    ServiceId service;
    std::vector<std::pair<std::string, MethodId>> methods;
    ASSERT_EQ(kernel_.Locate(main_, kGreeting, &service, &methods), sc::NoError);
    CallId call;
    ASSERT_EQ(kernel_.Dispatch(main_, service, methods.at(0).second,
                               std::move(param), milliseconds(0), &call),
              sc::NoError);
  }
  void EndMain() { kernel_.GuestEnded(main_, 0, std::nullopt); }

  Kernel& kernel() { return kernel_; }
  Node& node() { return *node_; }

 private:
  Kernel kernel_;
  GuestId main_;
  std::unique_ptr<Node> node_;
};

TEST(NodeTest, CallsCrossHostsWithResultsErrorsAndDeadlines) {
  BackHost back;
  FrontHost front(back.address());
  ASSERT_EQ(front.WaitLaunch().error, sc::NoError);

  CallResolved ok = front.Call("monde");
  EXPECT_EQ(ok.kernel_error, sc::NoError);
  EXPECT_EQ(ok.result, "bonjour monde");

  // Large messages are not capped (gRPC's default receive limit is 4 MB).
  std::string big(6 << 20, 'x');
  CallResolved large = front.Call(big);
  EXPECT_EQ(large.kernel_error, sc::NoError);
  EXPECT_EQ(large.result.size(), big.size() + 8);

  CallResolved failed = front.Call("fail");
  EXPECT_EQ(failed.kernel_error, sc::NoError);
  EXPECT_EQ(failed.result_error, 7);

  auto began = std::chrono::steady_clock::now();
  CallResolved silent = front.Call("silence", milliseconds(100));
  EXPECT_EQ(silent.kernel_error, sc::CallTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - began, milliseconds(2000));
}

// Both guests on fibers whose workers poll their hosts' queues: calls go
// out from the caller's worker, and arrive and are answered on the workers.
TEST(NodeTest, GuestsOnFibersCallThroughTheirWorkersQueues) {
  BackHost back(BackHost::Guest::kFiber);
  FrontHost front(back.address());
  std::vector<std::string> answers;
  LaunchCompleted launched{sc::KernelDependencyFailure, "not run"};
  {
    kernel::Scheduler scheduler({.idle_port = front.node().idle_port()});
    scheduler.Spawn([&] {
      launched = front.WaitLaunch();
      if (launched.error != sc::NoError) return;
      for (int i = 0; i < 20; ++i) {
        answers.push_back(front.Call(std::to_string(i)).result);
      }
    });
    ASSERT_TRUE(scheduler.JoinUntil(std::chrono::steady_clock::now() +
                                    std::chrono::seconds(20)));
  }
  ASSERT_EQ(launched.error, sc::NoError) << launched.detail;
  ASSERT_EQ(answers.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(answers[i], "bonjour " + std::to_string(i));
}

TEST(NodeTest, AnyGrpcClientCallsTheServiceByItsPath) {
  BackHost back;
  auto channel = grpc::CreateChannel(back.address(), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);

  auto call = [&](const std::string& path, const std::string& body,
                  std::string* answer) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::ByteBuffer request = ToByteBuffer(body), response;
    std::mutex mu;
    std::condition_variable cv;
    std::optional<grpc::Status> status;
    stub.UnaryCall(&context, path, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) {
                     std::lock_guard lock(mu);
                     status = s;
                     cv.notify_all();
                   });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return status.has_value(); });
    if (answer) *answer = ToString(response);
    return *status;
  };
  std::string answer;
  grpc::Status ok = call("/greeting.v1.Greeting/FetchGreeting", "toi", &answer);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(answer, "bonjour toi");
  EXPECT_EQ(call("/greeting.v1.Greeting/Nope", "", nullptr).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(call("/nope.v1.Nope/FetchGreeting", "", nullptr).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(call("/greeting.v1.Greeting/FetchGreeting", "fail", nullptr).error_code(),
            grpc::StatusCode::UNKNOWN);
}

TEST(NodeTest, ExitAllReachesThePeers) {
  BackHost back;
  FrontHost front(back.address());
  ASSERT_EQ(front.WaitLaunch().error, sc::NoError);
  front.kernel().ExitAll(5, "test");
  front.node().Shutdown();  // waits for the announcement
  EXPECT_EQ(back.kernel().exit_code(), std::optional<int>(5));
}

TEST(NodeTest, SignalledHostEndsAlone) {
  BackHost back;
  FrontHost front(back.address());
  ASSERT_EQ(front.WaitLaunch().error, sc::NoError);
  front.kernel().ExitAll(130, "test", Kernel::ExitScope::kProcess);
  front.node().Shutdown();
  EXPECT_EQ(back.kernel().exit_code(), std::nullopt);
}

TEST(NodeTest, MissingPeerIsNamedWhenStartUpTimesOut) {
  // Nothing listens there: bind a port and close it again.
  std::string address;
  {
    BackHost gone;
    address = gone.address();
  }
  FrontHost front(address, milliseconds(300));
  LaunchCompleted launched = front.WaitLaunch();
  EXPECT_EQ(launched.error, sc::RunTimeout);
  EXPECT_NE(launched.detail.find("requires greeting.v1.Greeting: no host serves it "
                                 "yet; host back (" + address + ") never answered"),
            std::string::npos)
      << launched.detail;
}

TEST(NodeTest, CallsToADeadHostFailWithinTheirDeadline) {
  auto back = std::make_unique<BackHost>();
  FrontHost front(back->address());
  ASSERT_EQ(front.WaitLaunch().error, sc::NoError);
  EXPECT_EQ(front.Call("one").kernel_error, sc::NoError);

  back.reset();
  auto began = std::chrono::steady_clock::now();
  CallResolved after = front.Call("two", milliseconds(500));
  EXPECT_TRUE(after.kernel_error == sc::NetworkFailed ||
              after.kernel_error == sc::CallTimeout)
      << sc::KernelErr_Name(after.kernel_error);
  EXPECT_LT(std::chrono::steady_clock::now() - began, milliseconds(1500));
}

TEST(NodeTest, CallerEndingCancelsItsCallOnTheServingHost) {
  BackHost back;
  FrontHost front(back.address());
  ASSERT_EQ(front.WaitLaunch().error, sc::NoError);
  front.Send("silence");
  auto until = std::chrono::steady_clock::now() + milliseconds(3000);
  while (back.silenced().empty() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  ASSERT_EQ(back.silenced().size(), 1u);
  CallId call = back.silenced()[0];

  front.EndMain();
  // The cancellation crosses the network (well within this pause): the
  // serving host takes the call back, and the callee's late answer is
  // refused. Without the cancellation the answer would be accepted.
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(back.Answer(call), sc::CallerUnavailable);
}

TEST(NodeTest, ListenErrorNamesTheKey) {
  BackHost back;
  Kernel kernel(KernelOptionsFor());
  NodeOptions options = NodeOptionsFor("again");
  options.listen = back.address();
  options.listen_origin = "app.toml:3:10: config.net.host.again.Listen";
  auto node = Node::Start(kernel, std::move(options));
  ASSERT_FALSE(node.ok());
  EXPECT_NE(node.status().message().find(
                "app.toml:3:10: config.net.host.again.Listen: cannot listen on"),
            std::string::npos)
      << node.status().message();
}

}  // namespace
}  // namespace parigot::net
