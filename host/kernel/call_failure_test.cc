// Why a call failed: the kernel error each way a call can fail by itself
// resolves it with (the caller's SDK maps it to a CallCause,
// parigot/call_cause.h), and MaxMessageSize.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "host/kernel/kernel.h"
#include "host/kernel/testing/kernel_fixture.h"

namespace parigot::kernel {
namespace {

namespace sc = syscall::v1;
using std::chrono::milliseconds;
using CallFailureTest = testing::KernelFixture;

GuestOptions Restarting() {
  GuestOptions options;
  options.restart.mode = RestartMode::kOnFailure;
  options.restart.backoff = milliseconds(10);
  return options;
}

TEST_F(CallFailureTest, ACalleeKilledInTheMethodFailsItsCallerAsKilled) {
  KernelOptions options = Options(milliseconds(2000), milliseconds(2000));
  testing::InterruptRecorder interrupts;
  interrupts.Install(options);
  Kernel kernel(options);
  auto [greet, main, service, method] = StartPair(kernel, "M", milliseconds(30));
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &call), sc::NoError);
  ASSERT_EQ(std::get<IncomingCall>(Read(kernel, greet)).call, call);
  // greet "spins" in the method until the watchdog interrupts it; its
  // engine then reports the interruption as a trap.
  ASSERT_TRUE(interrupts.WaitFor(greet));
  kernel.GuestEnded(greet, 0, "interrupted");
  auto failed = std::get<CallResolved>(Read(kernel, main));
  EXPECT_EQ(failed.call, call);
  EXPECT_EQ(failed.kernel_error, sc::ServiceKilled);
}

TEST_F(CallFailureTest, ACalleeThatTrapsInTheMethodFailsItsCallerAsTrapped) {
  Kernel kernel(Options());
  auto [greet, main, service, method] = StartPair(kernel);
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &call), sc::NoError);
  Read(kernel, greet);
  kernel.GuestEnded(greet, 0, "unreachable");
  EXPECT_EQ(std::get<CallResolved>(Read(kernel, main)).kernel_error, sc::ServiceTrapped);
}

TEST_F(CallFailureTest, ACalleeThatExitsInTheMethodFailsItsCallerAsEnded) {
  Kernel kernel(Options());
  auto [greet, main, service, method] = StartPair(kernel);
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &call), sc::NoError);
  Read(kernel, greet);
  kernel.GuestEnded(greet, 3, std::nullopt);
  EXPECT_EQ(std::get<CallResolved>(Read(kernel, main)).kernel_error, sc::ServiceDied);
}

TEST_F(CallFailureTest, ACallWaitingForARestartingCalleeFailsAsRestarting) {
  Kernel kernel(Options(milliseconds(2000), milliseconds(2000)));
  auto [greet, main, service, method] = StartPair(kernel, "M", Restarting());
  ASSERT_TRUE(kernel.GuestEnded(greet, 0, "unreachable"));
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(30), &call), sc::NoError);
  EXPECT_EQ(std::get<CallResolved>(Read(kernel, main)).kernel_error, sc::ServiceRestarting);
}

TEST_F(CallFailureTest, ARequestOverTheLimitIsRefusedAndNeverDelivered) {
  KernelOptions options = Options();
  options.max_message_size = 16;
  Kernel kernel(options);
  EXPECT_EQ(kernel.max_message_size(), 16u);
  auto [greet, main, service, method] = StartPair(kernel);
  CallId call;
  EXPECT_EQ(kernel.Dispatch(main, service, method, std::string(17, 'x'), milliseconds(0), &call),
            sc::MessageTooLarge);
  EXPECT_EQ(kernel.CallFromRemote(kGreeting, "M", std::string(17, 'x'),
                                  std::chrono::steady_clock::now() + milliseconds(1000),
                                  [](RemoteReply) { ADD_FAILURE() << "answered"; }, &call),
            sc::MessageTooLarge);
  Event event;
  EXPECT_EQ(kernel.ReadOne(greet, milliseconds(20), &event), sc::ReadOneTimeout);
  // At the limit, it goes.
  ASSERT_EQ(kernel.Dispatch(main, service, method, std::string(16, 'x'), milliseconds(0), &call),
            sc::NoError);
  EXPECT_EQ(std::get<IncomingCall>(Read(kernel, greet)).param.size(), 16u);
}

TEST_F(CallFailureTest, AnAnswerOverTheLimitFailsTheCallForBothEnds) {
  KernelOptions options = Options();
  options.max_message_size = 16;
  Kernel kernel(options);
  auto [greet, main, service, method] = StartPair(kernel);
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &call), sc::NoError);
  Read(kernel, greet);
  EXPECT_EQ(kernel.ReturnValue(greet, call, std::string(17, 'x'), 0), sc::MessageTooLarge);
  auto failed = std::get<CallResolved>(Read(kernel, main));
  EXPECT_EQ(failed.call, call);
  EXPECT_EQ(failed.kernel_error, sc::MessageTooLarge);
  EXPECT_TRUE(failed.result.empty());
  // The service goes on.
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &call), sc::NoError);
  Read(kernel, greet);
  EXPECT_EQ(kernel.ReturnValue(greet, call, "ok", 0), sc::NoError);
  EXPECT_EQ(std::get<CallResolved>(Read(kernel, main)).result, "ok");
}

// A slower engine or build: the callee's limits and its callers' default
// deadline are multiplied by its time scale.
TEST_F(CallFailureTest, ATimeScaleMultipliesTheLimitsAndTheDefaultDeadline) {
  KernelOptions options = Options(milliseconds(2000), milliseconds(20));
  testing::InterruptRecorder interrupts;
  interrupts.Install(options);
  {
    Kernel kernel(options);
    auto [greet, main, service, method] =
        StartPair(kernel, "M", GuestOptions{.time_scale = 3});
    CallId call;
    auto sent = std::chrono::steady_clock::now();
    ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &call), sc::NoError);
    // greet takes the call and goes back to its event loop without
    // answering (a method that returned a pending future): the caller's
    // default deadline, 20 ms x3, ends the wait.
    Read(kernel, greet);
    std::thread loop([&kernel, greet = greet] {
      Event none;
      kernel.ReadOne(greet, milliseconds(500), &none);
    });
    EXPECT_EQ(std::get<CallResolved>(Read(kernel, main)).kernel_error, sc::CallTimeout);
    EXPECT_GE(std::chrono::steady_clock::now() - sent, milliseconds(60));
    loop.join();
  }
  Kernel kernel(options);
  auto [greet, main, service, method] =
      StartPair(kernel, "M", GuestOptions{.time_limit = milliseconds(20), .time_scale = 3});
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(1000), &call), sc::NoError);
  Read(kernel, greet);
  EXPECT_TRUE(Killed(interrupts, greet,
                     "greet: killed: greeting.v1.Greeting.M ran past its time limit "
                     "(60 ms: 20 ms x3)"));
}

// A flood cannot take the host's memory: calls in progress hold at most
// max_in_flight bytes (each at least kMinCallCost); past it a call is
// refused at once, and every way a call ends gives its share back.
TEST_F(CallFailureTest, CallsPastTheInFlightBudgetAreRefusedAtOnce) {
  KernelOptions options = Options(milliseconds(2000), milliseconds(2000));
  options.max_in_flight = 3 * kMinCallCost;
  Kernel kernel(options);
  auto [greet, main, service, method] = StartPair(kernel);
  CallId a, b, c, refused;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &a), sc::NoError);
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &b), sc::NoError);
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(50), &c), sc::NoError);
  EXPECT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &refused),
            sc::Overloaded);
  EXPECT_EQ(kernel.CallFromRemote(kGreeting, "M", "", std::chrono::steady_clock::now() +
                                                          milliseconds(1000),
                                  [](RemoteReply) { ADD_FAILURE() << "answered"; }, &refused),
            sc::Overloaded);
  // An answer gives its share back.
  ASSERT_EQ(std::get<IncomingCall>(Read(kernel, greet)).call, a);
  ASSERT_EQ(kernel.ReturnValue(greet, a, "", 0), sc::NoError);
  EXPECT_EQ(std::get<CallResolved>(Read(kernel, main)).call, a);
  CallId d;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &d), sc::NoError);
  EXPECT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &refused),
            sc::Overloaded);
  // So does a deadline (c's, 50 ms): c was never taken, and is dropped.
  EXPECT_EQ(std::get<CallResolved>(Read(kernel, main)).kernel_error, sc::CallTimeout);
  CallId e;
  EXPECT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &e), sc::NoError);
  kernel.GuestEnded(greet, 0, std::nullopt);  // b, d, e fail: all shares back
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(std::get<CallResolved>(Read(kernel, main)).kernel_error, sc::ServiceDied);
  }
}

TEST_F(CallFailureTest, ALargeRequestCountsItsSize) {
  KernelOptions options = Options(milliseconds(2000), milliseconds(2000));
  options.max_in_flight = 3 * kMinCallCost;
  Kernel kernel(options);
  auto [greet, main, service, method] = StartPair(kernel);
  CallId big, small;
  ASSERT_EQ(kernel.Dispatch(main, service, method, std::string(2 * kMinCallCost + 1, 'x'),
                            milliseconds(0), &big),
            sc::NoError);
  EXPECT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &small), sc::Overloaded);
}

// A large request lengthens its method's limit (kRequestAllowancePerMiB,
// times the scale): a caller cannot get a service killed by sending much.
TEST_F(CallFailureTest, ALargeRequestLengthensItsMethodsLimit) {
  KernelOptions options = Options(milliseconds(2000), milliseconds(2000));
  testing::InterruptRecorder interrupts;
  interrupts.Install(options);
  Kernel kernel(options);
  auto [greet, main, service, method] =
      StartPair(kernel, "M", GuestOptions{.time_limit = milliseconds(30), .time_scale = 2});
  EXPECT_EQ(Kernel::RequestAllowance(size_t{3} << 20, 2), milliseconds(240));
  EXPECT_EQ(Kernel::RequestAllowance(20000, 1), milliseconds(0)) << "small: nothing";
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, std::string(size_t{3} << 20, 'x'),
                            milliseconds(0), &call),
            sc::NoError);
  auto taken = std::chrono::steady_clock::now();
  Read(kernel, greet);
  // greet "works" until it is killed.
  ASSERT_TRUE(interrupts.WaitFor(greet));
  EXPECT_GE(std::chrono::steady_clock::now() - taken, milliseconds(300)) << "30 ms x2 + 240 ms";
  EXPECT_TRUE(Killed(interrupts, greet,
                     "greet: killed: greeting.v1.Greeting.M ran past its time limit "
                     "(60 ms: 30 ms x2, + 240 ms for its request)"));
}

}  // namespace
}  // namespace parigot::kernel
