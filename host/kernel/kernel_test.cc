#include "host/kernel/kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "host/kernel/testing/kernel_fixture.h"

namespace parigot::kernel {
namespace {

using std::chrono::milliseconds;
namespace sc = syscall::v1;

using KernelTest = testing::KernelFixture;
using testing::InterruptRecorder;

TEST_F(KernelTest, LaunchCompletesOnlyAfterRequirementsRun) {
  Kernel kernel(Options());
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Event event;
  EXPECT_EQ(kernel.ReadOne(main, milliseconds(20), &event), sc::ReadOneTimeout);
  GuestId greet = Start(kernel, "greet", GuestKind::kService, {kGreeting}, {});
  EXPECT_TRUE(std::holds_alternative<LaunchCompleted>(Read(kernel, greet)));
  Event launched = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<LaunchCompleted>(launched));
  EXPECT_EQ(std::get<LaunchCompleted>(launched).error, sc::NoError);
}

TEST_F(KernelTest, CallRoundTrip) {
  Kernel kernel(Options());
  auto [greet, main, service, method] = StartPair(kernel, "FetchGreeting");
  std::vector<ServiceId> ids = {service};

  ServiceId located;
  std::vector<std::pair<std::string, MethodId>> methods;
  ASSERT_EQ(kernel.Locate(main, kGreeting, &located, &methods), sc::NoError);
  EXPECT_EQ(located, ids[0]);
  ASSERT_EQ(methods.size(), 1u);
  EXPECT_EQ(methods[0].first, "FetchGreeting");

  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, located, methods[0].second, "req",
                            milliseconds(0), &call),
            sc::NoError);
  Event incoming = Read(kernel, greet);
  ASSERT_TRUE(std::holds_alternative<IncomingCall>(incoming));
  EXPECT_EQ(std::get<IncomingCall>(incoming).param, "req");
  EXPECT_EQ(std::get<IncomingCall>(incoming).call, call);
  ASSERT_EQ(kernel.ReturnValue(greet, call, "resp", 4), sc::NoError);
  Event resolved = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(resolved));
  EXPECT_EQ(std::get<CallResolved>(resolved).result, "resp");
  EXPECT_EQ(std::get<CallResolved>(resolved).result_error, 4);
  EXPECT_EQ(std::get<CallResolved>(resolved).kernel_error, sc::NoError);
  // A second answer to the same call has nowhere to go.
  EXPECT_EQ(kernel.ReturnValue(greet, call, "again", 0), sc::CallerUnavailable);
}

TEST_F(KernelTest, LocateWithoutRequireIsNotRequired) {
  Kernel kernel(Options());
  Start(kernel, "greet", GuestKind::kService, {kGreeting}, {});
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {});
  ServiceId id;
  std::vector<std::pair<std::string, MethodId>> methods;
  EXPECT_EQ(kernel.Locate(main, kGreeting, &id, &methods), sc::NotRequired);
}

TEST_F(KernelTest, DuplicateExportNamesBothOrigins) {
  Kernel kernel(Options());
  Start(kernel, "first", GuestKind::kService, {kGreeting}, {});
  GuestId second = kernel.AddGuest("second", GuestKind::kService, "app.toml:9");
  std::string name;
  ASSERT_EQ(kernel.Register(second, &name), sc::NoError);
  std::vector<ServiceId> ids;
  EXPECT_EQ(kernel.Export(second, {kGreeting}, &ids),
            sc::ServiceAlreadyClosedOrExported);
  EXPECT_NE(LogText().find("first.toml:1"), std::string::npos) << LogText();
  EXPECT_NE(LogText().find("app.toml:9"), std::string::npos) << LogText();
  EXPECT_EQ(kernel.WaitForExit(), kExitStartupFailed);
  EXPECT_EQ(kernel.exit_reason(), "start-up failed: greeting.v1.Greeting is exported twice");
}

TEST_F(KernelTest, CycleFailsEveryMemberAndTheApplication) {
  Kernel kernel(Options());
  GuestId a = Start(kernel, "a", GuestKind::kService, {kGreeting}, {kOther});
  GuestId b = Start(kernel, "b", GuestKind::kService, {kOther}, {kGreeting});
  for (GuestId guest : {a, b}) {
    Event event = Read(kernel, guest);
    ASSERT_TRUE(std::holds_alternative<LaunchCompleted>(event));
    EXPECT_EQ(std::get<LaunchCompleted>(event).error, sc::DependencyCycle);
    EXPECT_NE(std::get<LaunchCompleted>(event).detail.find("a -> b -> a"),
              std::string::npos);
  }
  EXPECT_EQ(kernel.WaitForExit(), kExitStartupFailed);
  EXPECT_EQ(kernel.exit_reason(), "start-up failed: dependency cycle a -> b -> a");
}

// A Test program's exports (fakes) serve once it has launched: a service
// that requires one of them may start before the Test program's own
// requirement (that service) runs, which would otherwise be a cycle.
TEST_F(KernelTest, TestProgramsExportsServeOnceItHasLaunched) {
  Kernel kernel(Options());
  GuestId test = Start(kernel, "test", GuestKind::kTest, {kOther}, {kGreeting});
  GuestId greet = Start(kernel, "greet", GuestKind::kService, {kGreeting}, {kOther});
  for (GuestId guest : {greet, test}) {
    Event event = Read(kernel, guest);
    ASSERT_TRUE(std::holds_alternative<LaunchCompleted>(event));
    EXPECT_EQ(std::get<LaunchCompleted>(event).error, sc::NoError);
  }
  EXPECT_FALSE(kernel.exit_code().has_value());
}

TEST_F(KernelTest, UnexportedRequirementReportedAtStartupTimeout) {
  Kernel kernel(Options(milliseconds(50)));
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kOther});
  Event event = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<LaunchCompleted>(event));
  EXPECT_EQ(std::get<LaunchCompleted>(event).error, sc::RunTimeout);
  EXPECT_NE(std::get<LaunchCompleted>(event).detail.find("other.v1.Other"),
            std::string::npos);
  EXPECT_EQ(kernel.WaitForExit(), kExitStartupFailed);
  EXPECT_EQ(kernel.exit_reason(),
            "start-up failed: main did not start within the start-up timeout (50 ms)");
}

TEST_F(KernelTest, UnansweredCallTimesOut) {
  Kernel kernel(Options(milliseconds(2000), milliseconds(30)));
  auto [greet, main, service, method] = StartPair(kernel);
  std::vector<ServiceId> ids = {service};
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, ids[0], method, "", milliseconds(0), &call),
            sc::NoError);
  Event event = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(event));
  EXPECT_EQ(std::get<CallResolved>(event).kernel_error, sc::CallTimeout);
}

// The method's own time limit, counted from its start, kills its guest.
TEST_F(KernelTest, MethodRunningPastItsTimeLimitGetsItsGuestKilled) {
  KernelOptions options = Options(milliseconds(2000), milliseconds(30));
  InterruptRecorder interrupts;
  interrupts.Install(options);
  Kernel kernel(options);
  auto [greet, main, service, method] = StartPair(kernel, "Spin");
  // greet now "runs" Spin and never returns.
  CallAndTake(kernel, main, service, method, greet);
  Event event = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(event));
  EXPECT_EQ(std::get<CallResolved>(event).kernel_error, sc::CallTimeout);
  EXPECT_TRUE(Killed(interrupts, greet,
                     "greet: killed: greeting.v1.Greeting.Spin ran past its time limit (30 ms)"));
  EXPECT_EQ(interrupts.Count(greet), 1);
  // The interrupt ends it as a trap, which is not reported a second time.
  kernel.GuestEnded(greet, 0, "interrupted: greet: interrupted");
  EXPECT_EQ(LogText().find("trapped"), std::string::npos) << LogText();
}

// A caller's deadline ends its own wait and nothing else: the method it
// started runs on (its answer goes nowhere), and is not killed.
TEST_F(KernelTest, CallersDeadlineNeverKillsTheCallee) {
  KernelOptions options = Options(milliseconds(2000), milliseconds(300));
  std::atomic<int> interrupts{0};
  options.interrupt = [&](GuestId) {
    ++interrupts;
    return true;
  };
  Kernel kernel(options);
  auto [greet, main, service, method] = StartPair(kernel, "Slow");
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(5), &call),
            sc::NoError);
  ASSERT_TRUE(std::holds_alternative<IncomingCall>(Read(kernel, greet)));
  Event event = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(event));
  EXPECT_EQ(std::get<CallResolved>(event).kernel_error, sc::CallTimeout);
  std::this_thread::sleep_for(milliseconds(60));  // well past the caller's 5 ms
  EXPECT_EQ(kernel.ReturnValue(greet, call, "late", 0), sc::CallerUnavailable);
  EXPECT_EQ(interrupts.load(), 0);
  EXPECT_EQ(LogText().find("killed"), std::string::npos) << LogText();
}

// A microservice's own TimeLimit, not the deployment's deadline, bounds its
// methods: longer, a method may outlive its callers' deadline...
TEST_F(KernelTest, LongerTimeLimitLetsAMethodOutliveItsCaller) {
  KernelOptions options = Options(milliseconds(2000), milliseconds(30));
  InterruptRecorder interrupts;
  interrupts.Install(options);
  Kernel kernel(options);
  auto [greet, main, service, method] = StartPair(kernel, "Slow", milliseconds(400));
  CallId call;
  // (Without a deadline of its own, the caller would wait the method's
  // 400 ms: see method_limits_test.cc.)
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(30), &call),
            sc::NoError);
  ASSERT_TRUE(std::holds_alternative<IncomingCall>(Read(kernel, greet)));
  EXPECT_EQ(std::get<CallResolved>(Read(kernel, main)).kernel_error, sc::CallTimeout);
  std::this_thread::sleep_for(milliseconds(80));  // past 30 ms, within 400 ms
  EXPECT_EQ(interrupts.Count(greet), 0);
  EXPECT_EQ(kernel.ReturnValue(greet, call, "late", 0), sc::CallerUnavailable);
}

// ...and shorter, it kills the method however long its caller would wait.
TEST_F(KernelTest, ShorterTimeLimitKillsBeforeTheCallersDeadline) {
  KernelOptions options = Options(milliseconds(2000), milliseconds(2000));
  InterruptRecorder interrupts;
  interrupts.Install(options);
  Kernel kernel(options);
  auto [greet, main, service, method] = StartPair(kernel, "Spin", milliseconds(20));
  CallAndTake(kernel, main, service, method, greet);
  EXPECT_TRUE(Killed(interrupts, greet,
                     "greet: killed: greeting.v1.Greeting.Spin ran past its time limit (20 ms)"));
}

// A call still queued when its caller's deadline passes is never started.
TEST_F(KernelTest, QueuedCallPastItsDeadlineIsNeverStarted) {
  Kernel kernel(Options(milliseconds(2000), milliseconds(300)));
  auto [greet, main, service, method] = StartPair(kernel, "M");
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(5), &call),
            sc::NoError);
  Event event = Read(kernel, main);  // greet is busy elsewhere meanwhile
  ASSERT_TRUE(std::holds_alternative<CallResolved>(event));
  EXPECT_EQ(std::get<CallResolved>(event).kernel_error, sc::CallTimeout);
  Event dropped;
  EXPECT_EQ(kernel.ReadOne(greet, milliseconds(20), &dropped), sc::ReadOneTimeout);
}

TEST_F(KernelTest, CallerMayOnlyShortenTheDeadline) {
  Kernel kernel(Options(milliseconds(2000), milliseconds(30)));
  auto [greet, main, service, method] = StartPair(kernel);
  CallId call;
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(60000), &call),
            sc::NoError);
  Event event = Read(kernel, main, 5000);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(event));
  EXPECT_EQ(std::get<CallResolved>(event).kernel_error, sc::CallTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

TEST_F(KernelTest, SlowButIdleCalleeIsNotKilled) {
  KernelOptions options = Options(milliseconds(2000), milliseconds(30));
  InterruptRecorder interrupts;
  interrupts.Install(options);
  Kernel kernel(options);
  auto [greet, main, service, method] = StartPair(kernel);
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, service, method, "", milliseconds(0), &call),
            sc::NoError);
  Read(kernel, greet);  // takes the call...
  Event none;           // ...and goes back to waiting: an async method
  EXPECT_EQ(kernel.ReadOne(greet, milliseconds(60), &none), sc::ReadOneTimeout);
  Event event = Read(kernel, main);
  EXPECT_EQ(std::get<CallResolved>(event).kernel_error, sc::CallTimeout);
  // (main, which this test leaves in its own code meanwhile, may be.)
  EXPECT_EQ(interrupts.Count(greet), 0);
}

// A guest that does not come back to its event loop within the limit, in no
// method (a callback, a loop), is killed: it would stall its worker.
TEST_F(KernelTest, GuestOutsideItsEventLoopPastTheTurnLimitIsKilled) {
  KernelOptions options = Options(milliseconds(2000), milliseconds(30));
  InterruptRecorder interrupts;
  interrupts.Install(options);
  Kernel kernel(options);
  auto [greet, main, service, method] = StartPair(kernel);
  Event none;
  // greet waits in its event loop (the read times out: a turn begins),
  // then "spins": it never reads again.
  EXPECT_EQ(kernel.ReadOne(greet, milliseconds(1), &none), sc::ReadOneTimeout);
  EXPECT_TRUE(Killed(interrupts, greet,
                     "greet: killed: ran past its turn limit (30 ms) without returning to its "
                     "event loop"));
}

TEST_F(KernelTest, DeadCalleeFailsPendingCallers) {
  Kernel kernel(Options());
  auto [greet, main, service, method] = StartPair(kernel);
  std::vector<ServiceId> ids = {service};
  CallId call;
  ASSERT_EQ(kernel.Dispatch(main, ids[0], method, "", milliseconds(0), &call),
            sc::NoError);
  kernel.GuestEnded(greet, 0, "unreachable");
  Event event = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<CallResolved>(event));
  EXPECT_EQ(std::get<CallResolved>(event).kernel_error, sc::ServiceDied);
  EXPECT_EQ(kernel.Dispatch(main, ids[0], method, "", milliseconds(0), &call),
            sc::ServiceDied);
  EXPECT_NE(LogText().find("greet: trapped: unreachable"), std::string::npos);
}

TEST_F(KernelTest, MainExitCodeEndsApplication) {
  Kernel kernel(Options());
  GuestId greet = Start(kernel, "greet", GuestKind::kService, {kGreeting}, {});
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  EXPECT_EQ(kernel.exit_reason(), "");  // not over yet
  kernel.GuestEnded(main, 3, std::nullopt);
  EXPECT_EQ(kernel.WaitForExit(), 3);
  EXPECT_EQ(kernel.exit_reason(), "Main program main exited with code 3");
  // The service is asked to exit with the same code.
  Event event = Read(kernel, greet);
  while (std::holds_alternative<LaunchCompleted>(event)) event = Read(kernel, greet);
  ASSERT_TRUE(std::holds_alternative<ExitRequested>(event));
  EXPECT_EQ(std::get<ExitRequested>(event).code, 3);
}

TEST_F(KernelTest, ApplicationEndsWithItsLastProgramAndFirstFailure) {
  Kernel kernel(Options());
  GuestId first = Start(kernel, "first", GuestKind::kTest, {}, {});
  GuestId second = Start(kernel, "second", GuestKind::kTest, {}, {});
  GuestId third = Start(kernel, "third", GuestKind::kTest, {}, {});
  kernel.GuestEnded(first, 0, std::nullopt);
  EXPECT_FALSE(kernel.exit_code().has_value());
  kernel.GuestEnded(second, 4, std::nullopt);
  EXPECT_FALSE(kernel.exit_code().has_value());
  kernel.GuestEnded(third, 9, std::nullopt);
  EXPECT_EQ(kernel.WaitForExit(), 4);
  // The first failure is the reason too, not the last program's end.
  EXPECT_EQ(kernel.exit_reason(), "Test program second exited with code 4");
}

TEST_F(KernelTest, ExitReasonNamesTheOnlyProgramOrCountsThemAll) {
  Kernel one(Options());
  GuestId main = Start(one, "main", GuestKind::kMain, {}, {});
  one.GuestEnded(main, 0, std::nullopt);
  EXPECT_EQ(one.WaitForExit(), 0);
  EXPECT_EQ(one.exit_reason(), "Main program main ended");

  Kernel two(Options());
  GuestId first = Start(two, "first", GuestKind::kTest, {}, {});
  GuestId second = Start(two, "second", GuestKind::kTest, {}, {});
  two.GuestEnded(first, 0, std::nullopt);
  two.GuestEnded(second, 0, std::nullopt);
  EXPECT_EQ(two.WaitForExit(), 0);
  EXPECT_EQ(two.exit_reason(), "all 2 Test programs ended");
}

TEST_F(KernelTest, ExitAllFromServiceWins) {
  Kernel kernel(Options());
  GuestId greet = Start(kernel, "greet", GuestKind::kService, {kGreeting}, {});
  Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  kernel.Exit(greet, 9, /*all=*/true);
  EXPECT_EQ(kernel.WaitForExit(), 9);
  kernel.ExitAll(4, "test");
  EXPECT_EQ(kernel.exit_code(), 9);
  // The first reason stays with the first code.
  EXPECT_EQ(kernel.exit_reason(), "greet called exit_all(9)");
}

TEST_F(KernelTest, TrappedProgramGivesTrapExitCode) {
  Kernel kernel(Options());
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {});
  kernel.GuestEnded(main, 0, "out of bounds memory access");
  EXPECT_EQ(kernel.WaitForExit(), kExitProgramTrapped);
  EXPECT_EQ(kernel.exit_reason(), "Main program main trapped");
}

TEST_F(KernelTest, SyscallsOutOfOrderAreBadState) {
  Kernel kernel(Options());
  GuestId guest = kernel.AddGuest("g", GuestKind::kService, "");
  std::vector<ServiceId> ids;
  EXPECT_EQ(kernel.Export(guest, {kGreeting}, &ids), sc::BadState);
  EXPECT_EQ(kernel.Launch(guest), sc::BadState);
  std::string name;
  ASSERT_EQ(kernel.Register(guest, &name), sc::NoError);
  EXPECT_EQ(kernel.Register(guest, &name), sc::BadState);
  ASSERT_EQ(kernel.Launch(guest), sc::NoError);
  EXPECT_EQ(kernel.Require(guest, {kOther}), sc::BadState);
}

TEST_F(KernelTest, UnknownIdsAreRejected) {
  Kernel kernel(Options());
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {});
  CallId call;
  EXPECT_EQ(kernel.Dispatch(main, ServiceId::Zero(), MethodId::Zero(), "",
                            milliseconds(0), &call),
            sc::BadId);
  EXPECT_EQ(kernel.Dispatch(main, ServiceId::NewRandom(1, 2),
                            MethodId::NewRandom(3, 4), "", milliseconds(0),
                            &call),
            sc::IdDispatch);
  EXPECT_EQ(kernel.ReturnValue(main, CallId::NewRandom(5, 6), "", 0),
            sc::CallerUnavailable);
}

TEST_F(KernelTest, ReadEventsTakesWhatIsQueuedUpToOneCall) {
  Kernel kernel(Options());
  auto [greet, main, service, method] = StartPair(kernel);
  CallId calls[3];
  for (CallId& call : calls) {
    ASSERT_EQ(kernel.Dispatch(main, service, method, "p", milliseconds(0), &call),
              sc::NoError);
  }
  // Three calls queued: one batch holds only the first.
  std::vector<Event> events;
  ASSERT_EQ(kernel.ReadEvents(greet, milliseconds(1000), 10, 1 << 20, &events),
            sc::NoError);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<IncomingCall>(events[0]).call, calls[0]);

  for (CallId& call : calls) {
    ASSERT_EQ(kernel.ReturnValue(greet, call, "0123456789", 0), sc::NoError);
  }
  // Answers are taken together, up to the count...
  events.clear();
  ASSERT_EQ(kernel.ReadEvents(main, milliseconds(1000), 2, 1 << 20, &events), sc::NoError);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<CallResolved>(events[0]).call, calls[0]);
  EXPECT_EQ(std::get<CallResolved>(events[1]).call, calls[1]);
  // ...and up to the payload budget, always at least one.
  events.clear();
  ASSERT_EQ(kernel.ReadEvents(main, milliseconds(1000), 10, 1, &events), sc::NoError);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<CallResolved>(events[0]).call, calls[2]);
  // Nothing left: a timeout, and nothing appended.
  EXPECT_EQ(kernel.ReadEvents(main, milliseconds(0), 10, 1 << 20, &events),
            sc::ReadOneTimeout);
  EXPECT_EQ(events.size(), 1u);
}

}  // namespace
}  // namespace parigot::kernel
