// A Test program written with the test API (parigot/testing.h), checked by
// the e2e tests `testapi*` on both engines, in one process and on hosts:
// passing and failing checks (file:line, the expression, both values),
// ASSERT ending a test, asynchronous tests (passing, failing, timing out),
// skipping, in-guest fakes (calls answered inside this guest through the
// real wire format, deadlines included), and coroutine bodies (CO_ASSERT_*,
// awaited calls). Some tests here fail on purpose: the e2e tests check how.
#include <time.h>

#include <cstdint>
#include <string>

#include "parigot/parigot.h"
#include "parigot/testing.h"
#include "test/v1/test.parigot.h"

namespace {

using test::v1::Payload;
using test::v1::TestErr;

// Echo, served inside this guest: "fake:" before the data; Stall never
// answers.
class FakeEcho : public test::v1::EchoServer {
 public:
  int calls = 0;
  parigot::Future<Payload, TestErr> Reflect(const Payload& request) override {
    ++calls;
    if (request.data == "refuse") return parigot::Future<Payload, TestErr>::Failed(TestErr::Refused);
    return parigot::Future<Payload, TestErr>::Ready({.data = "fake:" + request.data});
  }
  parigot::Future<void, TestErr> ExitAll(const test::v1::ExitAllRequest&) override {
    return parigot::Future<void, TestErr>::Failed(TestErr::Refused);
  }
  parigot::Future<void, TestErr> Stall() override { return stalled_.future(); }
  parigot::Future<void, TestErr> Busy(const test::v1::BusyRequest&) override {
    return parigot::Future<void, TestErr>::Ready();
  }
  parigot::Future<void, TestErr> Linger(const test::v1::BusyRequest&) override {
    return parigot::Future<void, TestErr>::Ready();
  }
  parigot::Future<test::v1::CrunchResponse, TestErr> Crunch(
      const test::v1::CrunchRequest&) override {
    return parigot::Future<test::v1::CrunchResponse, TestErr>::Ready({});
  }

 private:
  parigot::Promise<void, TestErr> stalled_;
};

int64_t NowNs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

PARIGOT_TEST(Checks, Passes) {
  int three = 3;
  std::string bonjour = "bonjour";
  EXPECT_EQ(three, 3);
  EXPECT_NE(three, 4);
  EXPECT_LT(three, 4);
  EXPECT_LE(three, 3);
  EXPECT_GT(three, 2);
  EXPECT_GE(three, 3);
  EXPECT_TRUE(three == 3);
  EXPECT_FALSE(three == 4);
  EXPECT_EQ(bonjour, "bonjour");
  EXPECT_EQ(TestErr::Refused, TestErr::Refused);
  EXPECT_OK((parigot::Future<int, TestErr>::Ready(1)));
  EXPECT_ERR((parigot::Future<int, TestErr>::Failed(TestErr::Refused)), TestErr::Refused);
  EXPECT_FALSE(parigot::testing::has_failure());
}

// Each of these fails, and the test goes on after each.
PARIGOT_TEST(Checks, ExpectFails) {
  int one = 1, two = 2;
  std::string greeting = "bonjour";
  double half = 0.5;
  EXPECT_EQ(one, two);
  EXPECT_EQ(greeting, "hallo") << "in German";
  EXPECT_LT(two, one);
  EXPECT_GE(half, 0.75);
  EXPECT_TRUE(one == two);
  EXPECT_EQ(TestErr::Refused, TestErr::NoError);
  EXPECT_OK((parigot::Future<int, TestErr>::Failed(TestErr::Refused)));
  EXPECT_ERR((parigot::Future<int, TestErr>::Ready(1)), TestErr::Refused);
  parigot::log::info("ExpectFails went on to its end");
}

PARIGOT_TEST(Checks, AssertEnds) {
  ASSERT_EQ(1 + 1, 3);
  parigot::log::error("the test went on after a failed ASSERT");
}

PARIGOT_TEST(Checks, Skipped) { PARIGOT_SKIP("not written yet"); }

PARIGOT_ASYNC_TEST(Async, Sleeps, parigot::Future<void, parigot::KernelErr>) {
  int64_t before = NowNs();
  return parigot::sleep(20).then([before] {
    EXPECT_GE(NowNs() - before, 20'000'000);
  });
}

PARIGOT_ASYNC_TEST(Async, FailsWithItsFuture, parigot::Future<Payload, TestErr>) {
  return parigot::Future<Payload, TestErr>::Failed(TestErr::Refused);
}

PARIGOT_ASYNC_TEST(Async, AssertInACallback) {
  parigot::testing::Async done = parigot::sleep(5).then([] {
    ASSERT_TRUE(false) << "from a callback";
    parigot::log::error("the callback went on after a failed ASSERT");
  }).map_error([](parigot::KernelErr) { return parigot::testing::Failure{"sleep failed"}; });
  return done;
}

// Never completes: the runner fails it after its timeout.
PARIGOT_ASYNC_TEST(Async, TimesOut) {
  parigot::testing::set_timeout(100);
  static parigot::Promise<void, parigot::testing::Failure> never;
  return never.future();
}

PARIGOT_ASYNC_TEST(Fake, InGuest) {
  FakeEcho& fake = parigot::testing::install_fake<FakeEcho>();
  // Not required by RunAll: the fake makes it locatable.
  test::v1::Echo echo = test::v1::Echo::locate();
  auto answered = echo.Reflect({.data = "ping"});
  EXPECT_FALSE(answered.is_completed());  // like a real call: a later turn
  parigot::Promise<void, parigot::testing::Failure> done;
  answered
      .then([echo, &fake, done](const Payload& reply) {
        EXPECT_EQ(reply.data, "fake:ping");
        EXPECT_EQ(fake.calls, 1);
        // The fake's own error reaches the caller, as a service's would.
        echo.Reflect({.data = "refuse"})
            .then([done](const Payload&) mutable {
              done.Fail({"refuse was answered"});
            })
            .or_else([done](TestErr e, parigot::CallCause cause) mutable {
              EXPECT_EQ(e, TestErr::Refused);
              EXPECT_EQ(cause, parigot::CallCause::kNone);
              done.Complete();
            });
      })
      .or_else([done](TestErr) mutable { done.Fail({"ping failed"}); });
  return done.future();
}

PARIGOT_ASYNC_TEST(Fake, Deadline, parigot::Future<void, TestErr>) {
  parigot::testing::install_fake<FakeEcho>();
  test::v1::Echo echo = test::v1::Echo::locate();
  parigot::Promise<void, TestErr> done;
  echo.Stall({.timeout_ms = 30}).or_else([done](TestErr e, parigot::CallCause cause) mutable {
    EXPECT_EQ(e, TestErr::DispatchError);
    EXPECT_EQ(cause, parigot::CallCause::kDeadlineExceeded);
    done.Complete();
  }).then([done]() mutable {
    EXPECT_TRUE(false) << "Stall answered";
    done.Complete();
  });
  return done.future();
}

// After the fakes' tests: Echo is neither required nor faked any more.
PARIGOT_TEST(Fake, GoneAfterItsTest) {
  auto echo = test::v1::Echo::try_locate();
  EXPECT_FALSE(echo.ok());
}

// Coroutine bodies (written last: the e2e tests check the line numbers of
// the tests above).

// Passes: a real call (through the kernel to the crasher service, which the
// testapi deployments run for it; on hosts the call crosses the network), a
// sleep and an in-guest fake's answer and refusal, each awaited, checked
// with OK and ERR on the Outcome that co_await gives. A body that never
// resumed would time out.
PARIGOT_ASYNC_TEST(Coroutine, AwaitsACallAndASleep) {
  auto pinged = co_await test::v1::Crasher::locate().Ping({.timeout_ms = 5000});
  CO_ASSERT_OK(pinged);
  int64_t before = NowNs();
  auto slept = co_await parigot::sleep(20);
  CO_ASSERT_OK(slept);
  EXPECT_GE(NowNs() - before, 20'000'000);
  parigot::testing::install_fake<FakeEcho>();
  test::v1::Echo echo = test::v1::Echo::locate();
  auto reply = co_await echo.Reflect({.data = "ping"});
  CO_ASSERT_OK(reply);
  EXPECT_EQ(reply->data, "fake:ping");
  auto refused = co_await echo.Reflect({.data = "refuse"});
  EXPECT_ERR(refused, TestErr::Refused);
  EXPECT_FALSE(parigot::testing::has_failure());
}

// Fails at its CO_ASSERT, after a wait, and goes no further.
PARIGOT_ASYNC_TEST(Coroutine, AssertEnds) {
  parigot::testing::install_fake<FakeEcho>();
  auto reply = co_await test::v1::Echo::locate().Reflect({.data = "ping"});
  CO_ASSERT_OK(reply);
  CO_ASSERT_EQ(reply->data, "pong") << "after a wait";
  parigot::log::error("the coroutine went on after a failed CO_ASSERT");
}

// Fails because the call it awaits fails (past its deadline: the fake's
// Stall never answers); the failure and its cause reach the test.
PARIGOT_ASYNC_TEST(Coroutine, CallFails, parigot::Future<void, TestErr>) {
  parigot::testing::install_fake<FakeEcho>();
  auto stalled = co_await test::v1::Echo::locate().Stall({.timeout_ms = 30});
  if (!stalled) co_await parigot::fail(stalled.error(), stalled.cause());
  parigot::log::error("the coroutine went on after its call failed");
}

}  // namespace

int main() { return parigot::testing::RunAll({test::v1::Crasher::require}); }
