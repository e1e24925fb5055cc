// Per-method time limits: which limit a method gets (descriptor entry, its
// .proto option, the guest's TimeLimit, the kernel's default), what the
// watchdog times and reports with it, how long its callers may wait, and the
// check at launch of the descriptor's entries.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "host/kernel/kernel.h"
#include "host/kernel/testing/kernel_fixture.h"

namespace parigot::kernel {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
namespace sc = syscall::v1;
using testing::InterruptRecorder;

class MethodLimitsTest : public testing::KernelFixture {
 protected:
  // Options with a default deadline and limit of 20 ms, whose interrupts go
  // to interrupts_.
  KernelOptions Watched() {
    KernelOptions options = Options(milliseconds(2000), milliseconds(20));
    interrupts_.Install(options);
    return options;
  }
  InterruptRecorder interrupts_;

  // A server whose one method "M" has its own limit `declared` and whose
  // options are `server`, in a kernel whose default is 20 ms: main calls M,
  // greet takes the call and "runs" it forever. Success if greet is killed
  // for running M past `expected`, no sooner.
  ::testing::AssertionResult KilledAfter(GuestOptions server, milliseconds declared,
                                         milliseconds expected) {
    Kernel kernel(Watched());
    auto [greet, main, service, method] = StartPair(kernel, "M", server, declared);
    Clock::time_point taken = Clock::now();
    CallAndTake(kernel, main, service, method, greet);
    ::testing::AssertionResult killed =
        Killed(interrupts_, greet,
               "greet: killed: greeting.v1.Greeting.M ran past its time limit (" +
                   std::to_string(expected.count()) + " ms)");
    if (killed && Clock::now() - taken < expected) {
      return ::testing::AssertionFailure() << "killed too soon";
    }
    return killed;
  }

  static MethodLimit Entry(std::string method, int ms) {
    std::string origin = "app.toml:9: ...MethodTimeLimit." + method;
    return {std::move(method), milliseconds(ms), std::move(origin)};
  }
};

// Precedence: descriptor entry > .proto option > TimeLimit > the default;
// the kill names the limit that applied.
TEST_F(MethodLimitsTest, DescriptorEntryBeatsTheProtoOption) {
  GuestOptions server{.time_limit = milliseconds(30), .method_limits = {Entry("M", 90)}};
  EXPECT_TRUE(KilledAfter(server, milliseconds(60), milliseconds(90)));
}

TEST_F(MethodLimitsTest, FullNameEntryApplies) {
  GuestOptions server{.time_limit = milliseconds(30),
                      .method_limits = {Entry("greeting.v1.Greeting.M", 70)}};
  EXPECT_TRUE(KilledAfter(server, milliseconds(0), milliseconds(70)));
}

TEST_F(MethodLimitsTest, ProtoOptionBeatsTheTimeLimit) {
  EXPECT_TRUE(KilledAfter({.time_limit = milliseconds(30)}, milliseconds(60), milliseconds(60)));
}

TEST_F(MethodLimitsTest, TimeLimitBeatsTheDefault) {
  EXPECT_TRUE(KilledAfter({.time_limit = milliseconds(30)}, milliseconds(0), milliseconds(30)));
}

TEST_F(MethodLimitsTest, DefaultIsTheCallTimeout) {
  EXPECT_TRUE(KilledAfter({}, milliseconds(0), milliseconds(20)));
}

// A method allowed longer than the default deadline runs past it unharmed,
// and its caller, naming no deadline, waits for it: its default deadline is
// the method's limit.
TEST_F(MethodLimitsTest, LongMethodIsNotKilledAndItsCallerWaits) {
  Kernel kernel(Watched());
  auto [greet, main, service, method] =
      StartPair(kernel, "Slow", GuestOptions{.time_limit = milliseconds(20)}, milliseconds(1000));
  CallId call = CallAndTake(kernel, main, service, method, greet);
  std::this_thread::sleep_for(milliseconds(100));  // five times the default
  EXPECT_EQ(interrupts_.Count(greet), 0);
  ASSERT_EQ(kernel.ReturnValue(greet, call, "done", 0), sc::NoError);
  Event event = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(event));
  EXPECT_EQ(std::get<CallResolved>(event).kernel_error, sc::NoError);
  EXPECT_EQ(std::get<CallResolved>(event).result, "done");
}

// Outside its methods, a guest's turns keep its TimeLimit: the long limit
// of the method it ran last does not stay with it.
TEST_F(MethodLimitsTest, TurnOutsideAMethodKeepsTheTimeLimit) {
  Kernel kernel(Watched());
  auto [greet, main, service, method] =
      StartPair(kernel, "Slow", GuestOptions{.time_limit = milliseconds(30),
                                             .method_limits = {Entry("Slow", 5000)}});
  CallId call = CallAndTake(kernel, main, service, method, greet);
  ASSERT_EQ(kernel.ReturnValue(greet, call, "", 0), sc::NoError);
  Event none;  // back to its loop, then it "spins" outside any method
  EXPECT_EQ(kernel.ReadOne(greet, milliseconds(1), &none), sc::ReadOneTimeout);
  EXPECT_TRUE(Killed(interrupts_, greet,
                     "greet: killed: ran past its turn limit (30 ms) without returning to its "
                     "event loop"));
}

// The caller's deadline: by default the longer of the default and the
// method's limit, and no caller may name a longer one. A call the callee
// never takes shows it.
TEST_F(MethodLimitsTest, CallersDeadlineIsTheMethodsLimitAtMost) {
  Kernel kernel(Options(milliseconds(2000), milliseconds(20)));
  auto [greet, main, service, method] =
      StartPair(kernel, "Slow", GuestOptions{}, milliseconds(150));
  for (milliseconds asked : {milliseconds(0), milliseconds(60000)}) {
    Clock::time_point start = Clock::now();
    CallId call;
    ASSERT_EQ(kernel.Dispatch(main, service, method, "", asked, &call), sc::NoError);
    Event event = Read(kernel, main, 5000);
    ASSERT_TRUE(std::holds_alternative<CallResolved>(event));
    EXPECT_EQ(std::get<CallResolved>(event).kernel_error, sc::CallTimeout);
    EXPECT_GE(Clock::now() - start, milliseconds(150)) << asked.count();
    EXPECT_LT(Clock::now() - start, milliseconds(2000)) << asked.count();
  }
  // A shorter one stands.
  Clock::time_point start = Clock::now();
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(5), &call), sc::NoError);
  EXPECT_EQ(std::get<CallResolved>(Read(kernel, main)).kernel_error, sc::CallTimeout);
  EXPECT_LT(Clock::now() - start, milliseconds(150));
}

// --- The descriptor's entries, checked at launch ----------------------------

class MethodLimitEntriesTest : public MethodLimitsTest {
 protected:
  // Starts "greet" exporting kGreeting and kOther, with `bindings`, and
  // `entries`; returns its launch's outcome.
  LaunchCompleted Launch(Kernel& kernel, std::vector<MethodLimit> entries,
                         std::vector<Binding> bindings) {
    GuestId greet = Start(kernel, "greet", GuestKind::kService, {kGreeting, kOther}, {},
                          nullptr, GuestOptions{.method_limits = std::move(entries)},
                          &bindings);
    greet_ = greet;
    Event event = Read(kernel, greet);
    EXPECT_TRUE(std::holds_alternative<LaunchCompleted>(event));
    return std::get<LaunchCompleted>(event);
  }
  GuestId greet_;
};

TEST_F(MethodLimitEntriesTest, EntryNamingNoMethodFailsTheStartup) {
  Kernel kernel(Options());
  LaunchCompleted launch = Launch(kernel, {Entry("Get", 100), Entry("Nope", 100)},
                                  {{0, "Get"}, {1, "Put"}});
  EXPECT_EQ(launch.error, sc::NotFound);
  EXPECT_EQ(launch.detail,
            "app.toml:9: ...MethodTimeLimit.Nope: names no method that greet serves (it "
            "serves greeting.v1.Greeting.Get, other.v1.Other.Put)");
  EXPECT_NE(LogText().find("greet: start-up failed: app.toml:9: ...MethodTimeLimit.Nope"),
            std::string::npos)
      << LogText();
  EXPECT_EQ(kernel.exit_code(), kExitStartupFailed);
}

TEST_F(MethodLimitEntriesTest, BareNameOfSeveralServicesIsAmbiguous) {
  Kernel kernel(Options());
  LaunchCompleted launch = Launch(kernel, {Entry("Get", 100)}, {{0, "Get"}, {1, "Get"}});
  EXPECT_EQ(launch.error, sc::NotFound);
  EXPECT_EQ(launch.detail,
            "app.toml:9: ...MethodTimeLimit.Get: \"Get\" is ambiguous: "
            "greeting.v1.Greeting.Get, other.v1.Other.Get (name one as "
            "PACKAGE.Service.Method)");
  EXPECT_EQ(kernel.exit_code(), kExitStartupFailed);
}

TEST_F(MethodLimitEntriesTest, TwoEntriesForOneMethodAreRefused) {
  Kernel kernel(Options());
  LaunchCompleted launch = Launch(kernel, {Entry("Get", 100), Entry("other.v1.Other.Get", 200)},
                                  {{1, "Get"}});
  EXPECT_EQ(launch.error, sc::NotFound);
  EXPECT_EQ(launch.detail,
            "app.toml:9: ...MethodTimeLimit.other.v1.Other.Get: names other.v1.Other.Get, "
            "which app.toml:9: ...MethodTimeLimit.Get names too");
}

// Full names tell apart the methods of one name in several services.
TEST_F(MethodLimitEntriesTest, FullNamesPickOneOfSeveralServices) {
  Kernel kernel(Watched());
  std::vector<Binding> bindings{{0, "Get"}, {1, "Get"}};
  std::vector<ServiceId> ids;
  GuestId greet = Start(kernel, "greet", GuestKind::kService, {kGreeting, kOther}, {}, &ids,
                        GuestOptions{.method_limits = {Entry("other.v1.Other.Get", 40),
                                                       Entry("greeting.v1.Greeting.Get", 500)}},
                        &bindings);
  EXPECT_EQ(std::get<LaunchCompleted>(Read(kernel, greet)).error, sc::NoError);
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kOther});
  Read(kernel, main);
  CallAndTake(kernel, main, ids[1], bindings[1].id, greet);
  EXPECT_TRUE(Killed(interrupts_, greet,
                     "greet: killed: other.v1.Other.Get ran past its time limit (40 ms)"));
}

// A restarted guest binds its methods again: its entries are checked
// against the new instance's bindings alone, and still apply.
TEST_F(MethodLimitEntriesTest, RestartedGuestIsCheckedAndLimitedAgain) {
  Kernel kernel(Options());
  GuestOptions options{.method_limits = {Entry("Get", 100)}};
  options.restart.mode = RestartMode::kAlways;
  std::vector<Binding> bindings{{0, "Get"}};
  GuestId greet = Start(kernel, "greet", GuestKind::kService, {kGreeting}, {}, nullptr,
                        options, &bindings);
  EXPECT_EQ(std::get<LaunchCompleted>(Read(kernel, greet)).error, sc::NoError);
  ASSERT_TRUE(kernel.GuestEnded(greet, 0, std::nullopt));
  ASSERT_TRUE(kernel.WaitToRestart(greet));
  Relaunch(kernel, greet, "greet", {kGreeting}, {}, nullptr, &bindings);
  EXPECT_EQ(std::get<LaunchCompleted>(Read(kernel, greet)).error, sc::NoError);
  EXPECT_EQ(kernel.exit_code(), std::nullopt);
  std::vector<Kernel::ServedService> served = kernel.ServingServices();
  ASSERT_EQ(served.size(), 1u);
  EXPECT_EQ(served[0].time_limits, std::vector<milliseconds>{milliseconds(100)});
}

}  // namespace
}  // namespace parigot::kernel
