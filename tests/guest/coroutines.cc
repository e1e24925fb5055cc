// A Main program, written as coroutines, that checks co_await and the
// combinators against real calls (Echo, and Relay served by
// coroutine_relay.cc, itself a coroutine), and prints one line per check:
//   await       200 awaited calls in sequence, each answer checked
//   concurrent  50 Forwards at once (AllOf over a vector): each answer is
//               built from its own request, after the method suspended
//   fail        a method's co_return fail(Refused) reaches the caller as
//               Refused with no cause; a void coroutine's co_await fail()
//               ends it there
//   deadline    an awaited call to Stall with a 20 ms deadline fails with
//               DeadlineExceeded, after no less than 20 ms
//   all_of      AllOf(call, sleep) over different types: a tuple
//   any_of      AnyOf(refused call, answered call): the answer
//   race        Race(stalled call, WithTimeout(another stalled call, 10)):
//               the timeout, after no less than 10 ms
//   timeout     WithTimeout lets a quick call through, and 2000 quick calls
//               bounded by it leave no timer behind (the program ends)
//   retry       Retry: two transient failures (deadline) then a success, after
//               the back-off; an application error is not retried
// Exits 0 when all pass, 1 at the first that fails.
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "parigot/parigot.h"
#include "test/v1/test.parigot.h"
#include "tests/guest/check.h"

namespace {

using parigot::CallCause;
using parigot::Future;
using parigot::KernelErr;
using test::v1::Payload;
using test::v1::TestErr;

using parigot::check::Fail;
using parigot::check::NowMs;

void Pass(const std::string& line) { parigot::log::info(line); }

// co_await fail() in a void coroutine: nothing after it runs.
Future<void, TestErr> Refuse(bool* went_on) {
  co_await parigot::fail(TestErr::Refused);
  *went_on = true;
}

Future<void, TestErr> Checks(test::v1::Echo echo, test::v1::Relay relay) {
  // await
  for (int i = 0; i < 200; ++i) {
    std::string data = "call " + std::to_string(i);
    auto reply = co_await echo.Reflect({.data = data});
    if (!reply) Fail("await: call " + std::to_string(i) + " failed");
    if (reply->data != data) Fail("await: wrong answer " + reply->data);
  }
  Pass("await: 200 awaited calls answered in order");

  // concurrent
  std::vector<Future<Payload, TestErr>> forwards;
  for (int i = 0; i < 50; ++i) forwards.push_back(relay.Forward({.data = "r" + std::to_string(i)}));
  auto all = co_await parigot::AllOf(std::move(forwards));
  if (!all) Fail("concurrent: a Forward failed");
  for (int i = 0; i < 50; ++i) {
    std::string r = "r" + std::to_string(i);
    if ((*all)[i].data != r + " via coroutine relay (" + r + ")") {
      Fail("concurrent: answer " + std::to_string(i) + " is " + (*all)[i].data);
    }
  }
  Pass("concurrent: 50 coroutine methods kept their requests");

  // fail
  auto refused = co_await relay.Forward({.data = "refuse"});
  if (refused || refused.error() != TestErr::Refused || refused.cause() != CallCause::kNone) {
    Fail("fail: refuse was not answered Refused");
  }
  bool went_on = false;
  auto ended = co_await Refuse(&went_on);
  if (ended || ended.error() != TestErr::Refused || went_on) Fail("fail: co_await fail went on");
  Pass("fail: Refused from a coroutine method, and co_await fail ended its coroutine");

  // deadline
  int64_t start = NowMs();
  auto stalled = co_await echo.Stall({.timeout_ms = 20});
  if (stalled || stalled.cause() != CallCause::kDeadlineExceeded) Fail("deadline: not a deadline");
  if (NowMs() - start < 20) Fail("deadline: failed before 20 ms");
  Pass("deadline: awaited call failed with " +
       std::string(parigot::CallCauseName(stalled.cause())) + ", not early");

  // all_of
  auto both = co_await parigot::AllOf(
      echo.Reflect({.data = "tuple"}),
      parigot::sleep(2).map_error([](KernelErr) { return TestErr::DispatchError; }));
  if (!both || std::get<0>(*both).data != "tuple") Fail("all_of: wrong outcome");
  Pass("all_of: a Payload and a sleep, as a tuple");

  // any_of
  auto any = co_await parigot::AnyOf(relay.Forward({.data = "refuse"}),
                                     echo.Reflect({.data = "any"}));
  if (!any || any->data != "any") Fail("any_of: failed");
  Pass("any_of: the answered call won over the refused one");

  // race
  start = NowMs();
  auto raced = co_await parigot::Race(echo.Stall({.timeout_ms = 1000}),
                                      parigot::WithTimeout(echo.Stall({.timeout_ms = 1000}), 10));
  if (raced || raced.cause() != CallCause::kDeadlineExceeded) Fail("race: not the timeout");
  if (NowMs() - start < 10) Fail("race: timed out early");
  Pass("race: the 10 ms timeout won, not early");

  // timeout
  for (int i = 0; i < 2000; ++i) {
    auto quick = co_await parigot::WithTimeout(echo.Reflect({.data = "q"}), 600000);
    if (!quick || quick->data != "q") Fail("timeout: a quick call did not come through");
  }
  Pass("timeout: 2000 quick calls came through WithTimeout");

  // retry
  int attempts = 0;
  start = NowMs();
  auto retried = co_await parigot::Retry(
      [&attempts, echo]() -> Future<void, TestErr> {
        if (++attempts < 3) return echo.Stall({.timeout_ms = 5});
        return echo.Busy({.ms = 0});
      },
      {.attempts = 5, .initial_backoff_ms = 10, .jitter = 0.5});
  if (!retried || attempts != 3) Fail("retry: " + std::to_string(attempts) + " attempts");
  // Two failures of >= 5 ms each, and waits of >= 5 and >= 10 ms.
  if (NowMs() - start < 25) Fail("retry: did not back off");
  int refusals = 0;
  auto not_retried = co_await parigot::Retry([&refusals, relay] {
    ++refusals;
    return relay.Forward({.data = "refuse"});
  });
  if (not_retried || not_retried.error() != TestErr::Refused || refusals != 1) {
    Fail("retry: an application error was retried");
  }
  Pass("retry: 3 attempts after 2 deadlines, and Refused tried once");
}

Future<void, KernelErr> Main(parigot::Program& app) {
  auto launched = co_await app.launch();
  if (!launched) co_await parigot::fail(launched.error());
  auto checks = co_await Checks(test::v1::Echo::locate(), test::v1::Relay::locate());
  if (!checks) Fail("a check failed");
  // Every WithTimeout timer was cancelled: nothing is left to keep the
  // program alive, so run() returns (with 0) unless something leaked.
  Pass("all checks passed");
}

}  // namespace

int main() {
  parigot::Program app({test::v1::Echo::require, test::v1::Relay::require});
  auto done = Main(app);
  return parigot::run();
}
