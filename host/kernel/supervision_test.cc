// Restarts (Kernel::GuestEnded, WaitToRestart): what callers see while a
// service is restarted, and when the kernel gives up.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "host/kernel/kernel.h"
#include "host/kernel/testing/kernel_fixture.h"

namespace parigot::kernel {
namespace {

namespace sc = syscall::v1;
using std::chrono::milliseconds;
using SupervisionTest = testing::KernelFixture;

GuestOptions Restarting(int max_restarts = 5, milliseconds backoff = milliseconds(10)) {
  GuestOptions options;
  options.restart.mode = RestartMode::kOnFailure;
  options.restart.max_restarts = max_restarts;
  options.restart.backoff = backoff;
  return options;
}

TEST_F(SupervisionTest, CallsItHadNotTakenReachItsNextInstance) {
  Kernel kernel(Options(milliseconds(2000), milliseconds(2000)));
  auto [greet, main, service, method] = StartPair(kernel, "M", Restarting());
  CallId running, queued;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "1", milliseconds(0), &running), sc::NoError);
  ASSERT_EQ(std::get<IncomingCall>(Read(kernel, greet)).call, running);
  ASSERT_EQ(kernel.Dispatch(main, service, method, "2", milliseconds(0), &queued), sc::NoError);

  // The instance traps while running the first call.
  ASSERT_TRUE(kernel.GuestEnded(greet, 0, "unreachable"));
  auto failed = std::get<CallResolved>(Read(kernel, main));
  EXPECT_EQ(failed.call, running);
  EXPECT_EQ(failed.kernel_error, sc::ServiceTrapped);
  EXPECT_FALSE(kernel.HasEnded(greet));

  // A call made during the back-off waits too; Locate still finds the service.
  CallId during;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "3", milliseconds(0), &during), sc::NoError);
  ServiceId located;
  std::vector<std::pair<std::string, MethodId>> methods;
  ASSERT_EQ(kernel.Locate(main, kGreeting, &located, &methods), sc::NoError);
  EXPECT_EQ(located, service);

  ASSERT_TRUE(kernel.WaitToRestart(greet));
  std::vector<ServiceId> ids;
  Relaunch(kernel, greet, "greet", {kGreeting}, {}, &ids);
  EXPECT_EQ(ids.at(0), service);  // callers' handles stay valid
  MethodId rebound;
  ASSERT_EQ(kernel.BindMethod(greet, service, "M", &rebound), sc::NoError);
  EXPECT_EQ(rebound, method);

  // Its launch completes first, then the calls that waited, in order.
  EXPECT_TRUE(std::holds_alternative<LaunchCompleted>(Read(kernel, greet)));
  for (CallId expected : {queued, during}) {
    auto call = std::get<IncomingCall>(Read(kernel, greet));
    EXPECT_EQ(call.call, expected);
    ASSERT_EQ(kernel.ReturnValue(greet, call.call, "ok " + call.param, 0), sc::NoError);
    auto answer = std::get<CallResolved>(Read(kernel, main));
    EXPECT_EQ(answer.call, expected);
    EXPECT_EQ(answer.kernel_error, sc::NoError);
  }
  EXPECT_NE(LogText().find("greet: trapped in greeting.v1.Greeting.M: unreachable; "
                           "restarting in 10 ms (restart 1; 1 of at most 5 within 60000 ms)"),
            std::string::npos)
      << LogText();
  EXPECT_NE(LogText().find("greet: running again (restart 1)"), std::string::npos);
}

TEST_F(SupervisionTest, AWaitingCallStillEndsAtItsDeadline) {
  Kernel kernel(Options(milliseconds(2000), milliseconds(2000)));
  auto [greet, main, service, method] = StartPair(kernel, "M", Restarting());
  ASSERT_TRUE(kernel.GuestEnded(greet, 3, std::nullopt));  // a non-zero exit
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(30), &call), sc::NoError);
  auto timed_out = std::get<CallResolved>(Read(kernel, main));
  EXPECT_EQ(timed_out.kernel_error, sc::ServiceRestarting);
  // Its new instance never sees it.
  ASSERT_TRUE(kernel.WaitToRestart(greet));
  Relaunch(kernel, greet, "greet", {kGreeting}, {});
  EXPECT_TRUE(std::holds_alternative<LaunchCompleted>(Read(kernel, greet)));
  Event event;
  EXPECT_EQ(kernel.ReadOne(greet, milliseconds(50), &event), sc::ReadOneTimeout);
}

TEST_F(SupervisionTest, ACleanExitIsNotRestartedOnFailureOnly) {
  Kernel kernel(Options());
  auto [greet, main, service, method] = StartPair(kernel, "M", Restarting());
  EXPECT_FALSE(kernel.GuestEnded(greet, 0, std::nullopt));
  EXPECT_TRUE(kernel.HasEnded(greet));
  CallId call;
  EXPECT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &call),
            sc::ServiceDied);
}

TEST_F(SupervisionTest, TheApplicationsEndCutsTheBackOffShort) {
  Kernel kernel(Options());
  auto [greet, main, service, method] =
      StartPair(kernel, "M", Restarting(5, /*backoff=*/milliseconds(60000)));
  ASSERT_TRUE(kernel.GuestEnded(greet, 0, "unreachable"));
  std::thread exit([&] {
    std::this_thread::sleep_for(milliseconds(20));
    kernel.ExitAll(9, "test");
  });
  EXPECT_FALSE(kernel.WaitToRestart(greet));  // within 20 ms, not 60 s
  exit.join();
  EXPECT_TRUE(kernel.HasEnded(greet));
  EXPECT_EQ(kernel.WaitForExit(), 9);
}

TEST_F(SupervisionTest, PastItsRestartLimitTheApplicationEnds) {
  Kernel kernel(Options());
  auto [greet, main, service, method] = StartPair(kernel, "M", Restarting(1));
  ASSERT_TRUE(kernel.GuestEnded(greet, 0, "unreachable"));
  ASSERT_TRUE(kernel.WaitToRestart(greet));
  Relaunch(kernel, greet, "greet", {kGreeting}, {});
  EXPECT_TRUE(std::holds_alternative<LaunchCompleted>(Read(kernel, greet)));
  EXPECT_FALSE(kernel.GuestEnded(greet, 0, "unreachable"));
  EXPECT_EQ(kernel.WaitForExit(), kExitRestartLimit);
  EXPECT_NE(LogText().find("greet: trapped: unreachable; restart limit reached (1 restarts "
                           "within 60000 ms, MaxRestarts 1): the application ends"),
            std::string::npos)
      << LogText();
  EXPECT_EQ(kernel.exit_reason(),
            "greet exceeded its restart limit (MaxRestarts 1 within 60000 ms)");
}

TEST_F(SupervisionTest, AGuestThatRequiresARestartingServiceWaitsForIt) {
  Kernel kernel(Options());
  auto [greet, main, service, method] = StartPair(kernel, "M", Restarting());
  GuestOptions always = Restarting();
  always.restart.mode = RestartMode::kAlways;
  GuestId user = Start(kernel, "user", GuestKind::kService, {kOther}, {kGreeting}, nullptr,
                       always);
  EXPECT_TRUE(std::holds_alternative<LaunchCompleted>(Read(kernel, user)));
  // Both end; the user comes back first and waits for greet.
  ASSERT_TRUE(kernel.GuestEnded(greet, 0, "unreachable"));
  ASSERT_TRUE(kernel.GuestEnded(user, 0, std::nullopt));
  ASSERT_TRUE(kernel.WaitToRestart(user));
  Relaunch(kernel, user, "user", {kOther}, {kGreeting});
  Event event;
  EXPECT_EQ(kernel.ReadOne(user, milliseconds(30), &event), sc::ReadOneTimeout);
  ASSERT_TRUE(kernel.WaitToRestart(greet));
  Relaunch(kernel, greet, "greet", {kGreeting}, {});
  EXPECT_TRUE(std::holds_alternative<LaunchCompleted>(Read(kernel, greet)));
  EXPECT_TRUE(std::holds_alternative<LaunchCompleted>(Read(kernel, user)));
}

}  // namespace
}  // namespace parigot::kernel
