// The kernel's side of network mode: services served by other processes,
// calls from other processes, and what the federation hears.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "host/kernel/federation.h"
#include "host/kernel/kernel.h"
#include "host/kernel/testing/kernel_fixture.h"

namespace parigot::kernel {
namespace {

using std::chrono::milliseconds;
namespace sc = syscall::v1;
using Clock = std::chrono::steady_clock;

// An endpoint that records what is sent and answers when the test says.
class FakeEndpoint : public RemoteEndpoint {
 public:
  explicit FakeEndpoint(std::string name) : name_(std::move(name)) {}

  struct Sent {
    CallId call;
    ServiceName service;
    std::string method;
    std::string param;
    ReplyFn done;
    Clock::time_point deadline;
  };

  std::string Describe() const override { return name_; }
  bool Reachable() const override { return reachable; }
  void Send(CallId call, const ServiceName& service, const std::string& method,
            std::string param, Clock::time_point deadline, ReplyFn done) override {
    std::lock_guard lock(mu_);
    sent_.push_back({call, service, method, std::move(param), std::move(done), deadline});
    cv_.notify_all();
  }
  void Cancel(CallId call) override {
    std::lock_guard lock(mu_);
    cancelled_.push_back(call);
    cv_.notify_all();
  }

  // Waits for the n-th Send (0-based) and returns it.
  Sent WaitSent(size_t n) {
    std::unique_lock lock(mu_);
    EXPECT_TRUE(cv_.wait_for(lock, milliseconds(2000),
                             [&] { return sent_.size() > n; }));
    return sent_.size() > n ? sent_[n] : Sent{};
  }
  size_t sent_count() {
    std::lock_guard lock(mu_);
    return sent_.size();
  }
  std::vector<CallId> WaitCancelled(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, milliseconds(2000), [&] { return cancelled_.size() >= n; });
    return cancelled_;
  }

  bool reachable = true;

 private:
  std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Sent> sent_;
  std::vector<CallId> cancelled_;
};

class FakeFederation : public Federation {
 public:
  void ServingChanged() override { ++serving_changes; }
  void ExitFixed(int code) override { exit_codes.push_back(code); }
  std::string ExplainMissing(const ServiceName& service) override {
    return "host back (127.0.0.1:1) never answered for " + service.ToString();
  }
  int serving_changes = 0;
  std::vector<int> exit_codes;
};

class FederationTest : public testing::KernelFixture {
 protected:
  // Locates kGreeting for `guest` and dispatches to its method `method`.
  static CallId Call(Kernel& kernel, GuestId guest, const std::string& method,
                     std::string param, milliseconds timeout = milliseconds(0)) {
    ServiceId service;
    std::vector<std::pair<std::string, MethodId>> methods;
    EXPECT_EQ(kernel.Locate(guest, kGreeting, &service, &methods), sc::NoError);
    for (const auto& [name, id] : methods) {
      if (name != method) continue;
      CallId call;
      EXPECT_EQ(kernel.Dispatch(guest, service, id, std::move(param), timeout,
                                &call),
                sc::NoError);
      return call;
    }
    ADD_FAILURE() << "no method " << method;
    return CallId();
  }
};

TEST_F(FederationTest, RemoteServiceReleasesItsRequirerAndAnswersItsCalls) {
  Kernel kernel(Options());
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Event event;
  EXPECT_EQ(kernel.ReadOne(main, milliseconds(20), &event), sc::ReadOneTimeout);

  auto back = std::make_shared<FakeEndpoint>("back");
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, back);
  ASSERT_TRUE(std::holds_alternative<LaunchCompleted>(Read(kernel, main)));

  CallId call = Call(kernel, main, "FetchGreeting", "hello");
  FakeEndpoint::Sent sent = back->WaitSent(0);
  EXPECT_EQ(sent.call, call);
  EXPECT_EQ(sent.service, kGreeting);
  EXPECT_EQ(sent.method, "FetchGreeting");
  EXPECT_EQ(sent.param, "hello");

  sent.done(RemoteReply{"bonjour", 0, sc::NoError, {}});
  Event resolved = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(resolved));
  EXPECT_EQ(std::get<CallResolved>(resolved).call, call);
  EXPECT_EQ(std::get<CallResolved>(resolved).result, "bonjour");
  EXPECT_EQ(std::get<CallResolved>(resolved).kernel_error, sc::NoError);
}

TEST_F(FederationTest, NetworkFailureReachesTheCallerAndTheLog) {
  Kernel kernel(Options());
  auto back = std::make_shared<FakeEndpoint>("back");
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, back);
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Read(kernel, main);

  CallId call = Call(kernel, main, "FetchGreeting", "x");
  back->WaitSent(0).done(
      RemoteReply{{}, 0, sc::NetworkFailed, "connection refused"});
  Event resolved = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(resolved));
  EXPECT_EQ(std::get<CallResolved>(resolved).call, call);
  EXPECT_EQ(std::get<CallResolved>(resolved).kernel_error, sc::NetworkFailed);
  // The caller's SDK says the call failed; the kernel adds only what the
  // SDK cannot know (at debug level), so the failure is not said twice.
  EXPECT_NE(LogText().find("why the call to greeting.v1.Greeting.FetchGreeting failed "
                           "(NetworkFailed): connection refused"),
            std::string::npos)
      << LogText();
  EXPECT_EQ(LogText().find("FetchGreeting failed: NetworkFailed"), std::string::npos)
      << LogText();
}

TEST_F(FederationTest, AnswerFromAnEndingApplicationEndsItHereFirst) {
  Kernel kernel(Options());
  FakeFederation federation;
  kernel.SetFederation(&federation);
  auto back = std::make_shared<FakeEndpoint>("back");
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, back);
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Read(kernel, main);

  Call(kernel, main, "FetchGreeting", "x");
  back->WaitSent(0).done(RemoteReply{{}, 0, sc::ServiceDied, {}, 7});
  EXPECT_EQ(kernel.exit_code(), std::optional<int>(7));
  // The guest is told to exit before it learns that its callee died.
  EXPECT_TRUE(std::holds_alternative<ExitRequested>(Read(kernel, main)));
  EXPECT_TRUE(std::holds_alternative<CallResolved>(Read(kernel, main)));
  // The host that answered tells the others itself.
  EXPECT_TRUE(federation.exit_codes.empty());
  kernel.SetFederation(nullptr);
}

TEST_F(FederationTest, UnansweredRemoteCallTimesOutAndIsCancelled) {
  Kernel kernel(Options(milliseconds(2000), milliseconds(50)));
  auto back = std::make_shared<FakeEndpoint>("back");
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, back);
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Read(kernel, main);

  CallId call = Call(kernel, main, "FetchGreeting", "x");
  Event resolved = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(resolved));
  EXPECT_EQ(std::get<CallResolved>(resolved).kernel_error, sc::CallTimeout);
  EXPECT_EQ(back->WaitCancelled(1), std::vector<CallId>{call});
  // A reply after the deadline goes nowhere.
  back->WaitSent(0).done(RemoteReply{"late", 0, sc::NoError, {}});
  EXPECT_EQ(kernel.ReadOne(main, milliseconds(20), &resolved), sc::ReadOneTimeout);
}

TEST_F(FederationTest, CallsSpreadOverReachableReplicas) {
  Kernel kernel(Options());
  auto one = std::make_shared<FakeEndpoint>("one");
  auto two = std::make_shared<FakeEndpoint>("two");
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, one);
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, two);
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, two);  // no-op
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Read(kernel, main);

  for (int i = 0; i < 4; ++i) Call(kernel, main, "FetchGreeting", "x");
  one->WaitSent(1);
  two->WaitSent(1);
  EXPECT_EQ(one->sent_count(), 2u);
  EXPECT_EQ(two->sent_count(), 2u);

  two->reachable = false;
  for (int i = 0; i < 2; ++i) Call(kernel, main, "FetchGreeting", "x");
  one->WaitSent(3);
  EXPECT_EQ(one->sent_count(), 4u);
  EXPECT_EQ(two->sent_count(), 2u);
}

// A call that could not reach its replica (never sent) goes to the next
// reachable one, once per replica, within its deadline; the caller sees
// only the answer.
TEST_F(FederationTest, ACallThatNeverLeftGoesToAnotherReplica) {
  Kernel kernel(Options());
  auto one = std::make_shared<FakeEndpoint>("one");
  auto two = std::make_shared<FakeEndpoint>("two");
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, one);
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, two);
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Read(kernel, main);

  CallId call = Call(kernel, main, "FetchGreeting", "hello");
  RemoteReply refused{{}, 0, sc::NetworkFailed, "connection refused"};
  refused.not_sent = true;
  one->WaitSent(0).done(refused);
  FakeEndpoint::Sent again = two->WaitSent(0);
  EXPECT_EQ(again.call, call);
  EXPECT_EQ(again.param, "hello");
  again.done(RemoteReply{"bonjour", 0, sc::NoError, {}});
  Event resolved = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(resolved));
  EXPECT_EQ(std::get<CallResolved>(resolved).result, "bonjour");
  EXPECT_EQ(std::get<CallResolved>(resolved).kernel_error, sc::NoError);
  EXPECT_NE(LogText().find("could not reach one (connection refused); sent to two instead"),
            std::string::npos)
      << LogText();

  // When every replica refuses, the caller gets the failure: each was tried
  // once (round-robin: one, then two).
  CallId second = Call(kernel, main, "FetchGreeting", "x");
  one->WaitSent(1).done(refused);
  two->WaitSent(1).done(refused);
  resolved = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(resolved));
  EXPECT_EQ(std::get<CallResolved>(resolved).call, second);
  EXPECT_EQ(std::get<CallResolved>(resolved).kernel_error, sc::NetworkFailed);
}

// A call that may have started on its replica (its connection was lost,
// not refused) is never sent again: the caller learns it failed.
TEST_F(FederationTest, ACallThatMayHaveStartedIsNotRepeated) {
  Kernel kernel(Options());
  auto one = std::make_shared<FakeEndpoint>("one");
  auto two = std::make_shared<FakeEndpoint>("two");
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, one);
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, two);
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Read(kernel, main);

  Call(kernel, main, "FetchGreeting", "x");
  one->WaitSent(0).done(RemoteReply{{}, 0, sc::NetworkFailed, "connection reset"});
  Event resolved = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(resolved));
  EXPECT_EQ(std::get<CallResolved>(resolved).kernel_error, sc::NetworkFailed);
  EXPECT_EQ(two->sent_count(), 0u);
}

TEST_F(FederationTest, LocalExporterServesBeforeRemoteReplicas) {
  Kernel kernel(Options());
  auto back = std::make_shared<FakeEndpoint>("back");
  kernel.AddRemoteService(kGreeting, {"FetchGreeting"}, back);
  std::vector<ServiceId> ids;
  GuestId greet =
      Start(kernel, "greet", GuestKind::kService, {kGreeting}, {}, &ids);
  MethodId method;
  ASSERT_EQ(kernel.BindMethod(greet, ids[0], "FetchGreeting", &method),
            sc::NoError);
  Read(kernel, greet);
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Read(kernel, main);

  Call(kernel, main, "FetchGreeting", "x");
  Event incoming = Read(kernel, greet);
  ASSERT_TRUE(std::holds_alternative<IncomingCall>(incoming));
  EXPECT_EQ(std::get<IncomingCall>(incoming).method, method);
  EXPECT_EQ(back->sent_count(), 0u);
}

TEST_F(FederationTest, CallFromRemoteIsAnsweredThroughItsReply) {
  Kernel kernel(Options());
  std::vector<ServiceId> ids;
  GuestId greet =
      Start(kernel, "greet", GuestKind::kService, {kGreeting}, {}, &ids);
  MethodId method;
  ASSERT_EQ(kernel.BindMethod(greet, ids[0], "FetchGreeting", &method),
            sc::NoError);
  Read(kernel, greet);

  CallId call;
  ReplyFn ignore = [](RemoteReply) {};
  EXPECT_EQ(kernel.CallFromRemote({"nope.v1", "Nope"}, "FetchGreeting", "",
                                  Clock::now() + milliseconds(100), ignore, &call),
            sc::NotFound);
  EXPECT_EQ(kernel.CallFromRemote(kGreeting, "Nope", "",
                                  Clock::now() + milliseconds(100), ignore, &call),
            sc::NotFound);

  std::mutex mu;
  std::optional<RemoteReply> got;
  ASSERT_EQ(kernel.CallFromRemote(
                kGreeting, "FetchGreeting", "hi", Clock::now() + milliseconds(100),
                [&](RemoteReply reply) {
                  std::lock_guard lock(mu);
                  got = std::move(reply);
                },
                &call),
            sc::NoError);
  Event incoming = Read(kernel, greet);
  ASSERT_TRUE(std::holds_alternative<IncomingCall>(incoming));
  EXPECT_EQ(std::get<IncomingCall>(incoming).param, "hi");
  EXPECT_EQ(std::get<IncomingCall>(incoming).method, method);
  ASSERT_EQ(kernel.ReturnValue(greet, call, "bonjour", 3), sc::NoError);
  std::lock_guard lock(mu);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->result, "bonjour");
  EXPECT_EQ(got->result_error, 3);
  EXPECT_EQ(got->kernel_error, sc::NoError);
}

TEST_F(FederationTest, CancelledRemoteCallRefusesTheAnswer) {
  Kernel kernel(Options());
  std::vector<ServiceId> ids;
  GuestId greet =
      Start(kernel, "greet", GuestKind::kService, {kGreeting}, {}, &ids);
  MethodId method;
  kernel.BindMethod(greet, ids[0], "FetchGreeting", &method);
  Read(kernel, greet);

  bool replied = false;
  CallId call;
  ASSERT_EQ(kernel.CallFromRemote(kGreeting, "FetchGreeting", "",
                                  Clock::now() + milliseconds(100),
                                  [&](RemoteReply) { replied = true; }, &call),
            sc::NoError);
  // Still queued: the kernel gives it back, and the callee never sees it.
  EXPECT_TRUE(kernel.CancelRemoteCall(call));
  EXPECT_FALSE(kernel.CancelRemoteCall(call));
  Event never;
  EXPECT_EQ(kernel.ReadOne(greet, milliseconds(10), &never), sc::ReadOneTimeout);
  EXPECT_EQ(kernel.ReturnValue(greet, call, "late", 0), sc::CallerUnavailable);
  EXPECT_FALSE(replied);

  // Being run: the method goes on (under its own time limit); its answer
  // goes nowhere.
  ASSERT_EQ(kernel.CallFromRemote(kGreeting, "FetchGreeting", "",
                                  Clock::now() + milliseconds(100),
                                  [&](RemoteReply) { replied = true; }, &call),
            sc::NoError);
  Read(kernel, greet);
  EXPECT_TRUE(kernel.CancelRemoteCall(call));
  EXPECT_FALSE(kernel.CancelRemoteCall(call));
  EXPECT_EQ(kernel.ReturnValue(greet, call, "answer", 0), sc::CallerUnavailable);
  EXPECT_FALSE(replied);

  // Arrived after its deadline: never started.
  EXPECT_EQ(kernel.CallFromRemote(kGreeting, "FetchGreeting", "",
                                  Clock::now() - milliseconds(1),
                                  [&](RemoteReply) { replied = true; }, &call),
            sc::CallTimeout);
  Event nothing;
  EXPECT_EQ(kernel.ReadOne(greet, milliseconds(10), &nothing), sc::ReadOneTimeout);
  EXPECT_FALSE(replied);
}

TEST_F(FederationTest, RemoteCallersLearnOfTimeoutsAndDeaths) {
  Kernel kernel(Options(milliseconds(2000), milliseconds(40)));
  std::vector<ServiceId> ids;
  GuestId greet =
      Start(kernel, "greet", GuestKind::kService, {kGreeting}, {}, &ids);
  MethodId method;
  kernel.BindMethod(greet, ids[0], "FetchGreeting", &method);
  Read(kernel, greet);

  std::mutex mu;
  std::condition_variable cv;
  std::vector<Err> errors;
  auto record = [&](RemoteReply reply) {
    std::lock_guard lock(mu);
    errors.push_back(reply.kernel_error);
    cv.notify_all();
  };
  CallId call;
  // The callee does not answer the first: it times out at the kernel's
  // default deadline, though the remote caller allowed a whole second.
  ASSERT_EQ(kernel.CallFromRemote(kGreeting, "FetchGreeting", "",
                                  Clock::now() + milliseconds(1000), record,
                                  &call),
            sc::NoError);
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, milliseconds(2000),
                            [&] { return errors.size() == 1; }));
    EXPECT_EQ(errors[0], sc::CallTimeout);
  }
  ASSERT_EQ(kernel.CallFromRemote(kGreeting, "FetchGreeting", "",
                                  Clock::now() + milliseconds(1000), record,
                                  &call),
            sc::NoError);
  kernel.GuestEnded(greet, 0, std::string("unreachable executed"));
  std::lock_guard lock(mu);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[1], sc::ServiceDied);
}

TEST_F(FederationTest, FederationHearsOfServingAndExit) {
  Kernel kernel(Options());
  FakeFederation federation;
  kernel.SetFederation(&federation);
  std::vector<ServiceId> ids;
  GuestId greet =
      Start(kernel, "greet", GuestKind::kService, {kGreeting}, {}, &ids);
  MethodId method;
  kernel.BindMethod(greet, ids[0], "FetchGreeting", &method);
  Read(kernel, greet);
  EXPECT_EQ(federation.serving_changes, 1);
  std::vector<Kernel::ServedService> served = kernel.ServingServices();
  ASSERT_EQ(served.size(), 1u);
  EXPECT_EQ(served[0].name, kGreeting);
  EXPECT_EQ(served[0].methods, std::vector<std::string>{"FetchGreeting"});
  // Its limit (here the default), for callers elsewhere.
  EXPECT_EQ(served[0].time_limits, std::vector<milliseconds>{milliseconds(200)});

  kernel.GuestEnded(greet, 0, std::nullopt);
  EXPECT_EQ(federation.serving_changes, 2);
  EXPECT_TRUE(kernel.ServingServices().empty());

  kernel.ExitAll(4, "test");
  kernel.ExitAll(5, "test");
  EXPECT_EQ(federation.exit_codes, std::vector<int>{4});
  kernel.SetFederation(nullptr);
}

TEST_F(FederationTest, ProcessScopedExitIsNotSpread) {
  Kernel kernel(Options());
  FakeFederation federation;
  kernel.SetFederation(&federation);
  kernel.ExitAll(130, "test", Kernel::ExitScope::kProcess);
  EXPECT_EQ(kernel.WaitForExit(), 130);
  EXPECT_TRUE(federation.exit_codes.empty());
  kernel.SetFederation(nullptr);
}

TEST_F(FederationTest, StartupTimeoutSaysWhatTheFederationKnows) {
  Kernel kernel(Options(milliseconds(60)));
  FakeFederation federation;
  kernel.SetFederation(&federation);
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Event launched = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<LaunchCompleted>(launched));
  EXPECT_EQ(std::get<LaunchCompleted>(launched).error, sc::RunTimeout);
  EXPECT_NE(std::get<LaunchCompleted>(launched).detail.find(
                "requires greeting.v1.Greeting: host back (127.0.0.1:1) never "
                "answered"),
            std::string::npos)
      << std::get<LaunchCompleted>(launched).detail;
  kernel.SetFederation(nullptr);
}

// A method with a longer limit than the default: a caller here waits for it
// as long as it may run, whether it runs here or in another process.
TEST_F(FederationTest, CallsWaitForALongMethodElsewhere) {
  Kernel kernel(Options(milliseconds(2000), milliseconds(50)));
  auto back = std::make_shared<FakeEndpoint>("back");
  kernel.AddRemoteService(kGreeting, {"Short", "Long"}, back,
                          {milliseconds(10), milliseconds(400)});
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Read(kernel, main);
  size_t sends = 0;
  for (const auto& [method, wait] : {std::pair{"Short", 50}, std::pair{"Long", 400}}) {
    Clock::time_point start = Clock::now();
    Call(kernel, main, method, "");
    FakeEndpoint::Sent sent = back->WaitSent(sends++);
    EXPECT_GE(sent.deadline - start, milliseconds(wait)) << method;
    EXPECT_LE(sent.deadline - start, milliseconds(wait + 100)) << method;
  }
}

TEST_F(FederationTest, CallFromRemoteWaitsForALongMethod) {
  Kernel kernel(Options(milliseconds(2000), milliseconds(20)));
  std::vector<ServiceId> ids;
  GuestId greet = Start(kernel, "greet", GuestKind::kService, {kGreeting}, {}, &ids);
  MethodId method;
  ASSERT_EQ(kernel.BindMethod(greet, ids[0], "Long", &method, milliseconds(150)), sc::NoError);
  Read(kernel, greet);
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Clock::time_point> failed;
  Clock::time_point start = Clock::now();
  CallId call;
  // The gRPC client would wait 10 s: the call may wait 150 ms, and greet,
  // busy elsewhere, never takes it.
  ASSERT_EQ(kernel.CallFromRemote(kGreeting, "Long", "", start + milliseconds(10000),
                                  [&](RemoteReply reply) {
                                    EXPECT_EQ(reply.kernel_error, sc::CallTimeout);
                                    std::lock_guard lock(mu);
                                    failed = Clock::now();
                                    cv.notify_all();
                                  },
                                  &call),
            sc::NoError);
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, milliseconds(5000), [&] { return failed.has_value(); }));
  EXPECT_GE(*failed - start, milliseconds(150));
}

}  // namespace
}  // namespace parigot::kernel
