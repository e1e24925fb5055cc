#include "parigot/future.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "parigot/combinators.h"

namespace parigot {
namespace {

// Shaped like a generated service error enum.
enum class GreetErr : int32_t {
  NoError = 0,
  DispatchError = 1,
  UnmarshalFailed = 2,
  MarshalFailed = 3,
  NotFound = 4,
};

struct Greeting {
  std::string text;
};

using IntFuture = Future<int, GreetErr>;
using IntPromise = Promise<int, GreetErr>;
using VoidFuture = Future<void, GreetErr>;
using VoidPromise = Promise<void, GreetErr>;

// Counts double completions instead of aborting, for one test.
class DoubleCompletionCounter {
 public:
  DoubleCompletionCounter() { previous_ = SetDoubleCompletionHook(&Count); }
  ~DoubleCompletionCounter() { SetDoubleCompletionHook(previous_); }
  static int count() { return count_; }

 private:
  static void Count(const char*) { ++count_; }
  static inline int count_ = 0;
  DoubleCompletionHook previous_;
};

TEST(FutureTest, PendingUntilCompleted) {
  IntPromise promise;
  IntFuture future = promise.future();
  EXPECT_FALSE(future.is_completed());
  EXPECT_FALSE(promise.is_completed());
  promise.Complete(7);
  EXPECT_TRUE(future.is_completed());
  EXPECT_TRUE(future.is_success());
  EXPECT_FALSE(future.is_failure());
  EXPECT_EQ(future.value(), 7);
}

TEST(FutureTest, FailedCarriesError) {
  IntPromise promise;
  IntFuture future = promise.future();
  promise.Fail(GreetErr::NotFound);
  EXPECT_TRUE(future.is_completed());
  EXPECT_TRUE(future.is_failure());
  EXPECT_EQ(future.error(), GreetErr::NotFound);
}

TEST(FutureTest, ReadyAndFailedHelpers) {
  IntFuture ready = IntFuture::Ready(3);
  EXPECT_TRUE(ready.is_success());
  EXPECT_EQ(ready.value(), 3);
  IntFuture failed = IntFuture::Failed(GreetErr::DispatchError);
  EXPECT_TRUE(failed.is_failure());
  EXPECT_EQ(failed.error(), GreetErr::DispatchError);
  VoidFuture void_ready = VoidFuture::Ready();
  EXPECT_TRUE(void_ready.is_success());
}

TEST(FutureTest, CompletesExactlyOnce) {
  DoubleCompletionCounter counter;
  int before = DoubleCompletionCounter::count();
  IntPromise promise;
  int calls = 0;
  promise.future().then([&](const int&) { ++calls; }).or_else([&](GreetErr) {
    ++calls;
  });
  promise.Complete(1);
  promise.Complete(2);
  promise.Fail(GreetErr::DispatchError);
  IntPromise copy = promise;  // A copied handle completes the same future.
  copy.Complete(3);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(promise.future().value(), 1);
  EXPECT_EQ(DoubleCompletionCounter::count() - before, 3);
}

TEST(FutureDeathTest, DefaultHookAborts) {
  EXPECT_DEATH(
      {
        IntPromise promise;
        promise.Complete(1);
        promise.Complete(2);
      },
      "completed twice");
}

TEST(FutureDeathTest, AccessorsAbortOnWrongState) {
  EXPECT_DEATH({ (void)IntFuture::Failed(GreetErr::NotFound).value(); }, "");
  EXPECT_DEATH({ (void)IntFuture::Ready(1).error(); }, "");
}

TEST(FutureTest, CallbacksRunInAttachOrder) {
  IntPromise promise;
  IntFuture future = promise.future();
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) {
    future.then([&order, i](const int&) { order.push_back(i); });
  }
  future.on_complete([&] { order.push_back(100); });
  EXPECT_TRUE(order.empty());
  promise.Complete(0);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 100}));
}

TEST(FutureTest, LateCallbacksRunImmediately) {
  IntFuture future = IntFuture::Ready(5);
  int seen = 0;
  future.then([&](const int& v) { seen = v; });
  EXPECT_EQ(seen, 5);  // Before then() returned.

  GreetErr error = GreetErr::NoError;
  IntFuture::Failed(GreetErr::MarshalFailed).or_else([&](GreetErr e) {
    error = e;
  });
  EXPECT_EQ(error, GreetErr::MarshalFailed);
}

TEST(FutureTest, CallbackAttachedDuringDispatchRunsAfterQueuedOnes) {
  IntPromise promise;
  IntFuture future = promise.future();
  std::vector<std::string> order;
  future.then([&](const int&) {
    order.push_back("first");
    future.then([&](const int&) { order.push_back("nested"); });
  });
  future.then([&](const int&) { order.push_back("second"); });
  promise.Complete(1);
  EXPECT_EQ(order, (std::vector<std::string>{"first", "second", "nested"}));
  // After dispatch has finished, attaching runs at once again.
  future.then([&](const int&) { order.push_back("late"); });
  EXPECT_EQ(order.back(), "late");
}

TEST(FutureTest, ThenVoidReturnsSameFuture) {
  IntPromise promise;
  IntFuture future = promise.future();
  std::vector<int> seen;
  IntFuture& same = future.then([&](const int& v) { seen.push_back(v); });
  EXPECT_EQ(&same, &future);
  same.then([&](const int& v) { seen.push_back(v * 10); });
  promise.Complete(4);
  EXPECT_EQ(seen, (std::vector<int>{4, 40}));
}

TEST(FutureTest, ThenPlainValueMakesNewFuture) {
  IntPromise promise;
  Future<std::string, GreetErr> text =
      promise.future().then([](const int& v) { return std::to_string(v); });
  EXPECT_FALSE(text.is_completed());
  promise.Complete(42);
  ASSERT_TRUE(text.is_success());
  EXPECT_EQ(text.value(), "42");
}

TEST(FutureTest, ThenFutureFlattens) {
  IntPromise outer;
  Promise<Greeting, GreetErr> inner;
  Future<Greeting, GreetErr> result =
      outer.future().then([&](const int&) { return inner.future(); });
  outer.Complete(1);
  EXPECT_FALSE(result.is_completed());  // Waits for the inner future.
  inner.Complete(Greeting{"bonjour"});
  ASSERT_TRUE(result.is_success());
  EXPECT_EQ(result.value().text, "bonjour");
}

TEST(FutureTest, ThenFutureFlattensInnerFailure) {
  IntPromise outer;
  IntFuture result = outer.future().then(
      [](const int&) { return IntFuture::Failed(GreetErr::UnmarshalFailed); });
  GreetErr error = GreetErr::NoError;
  result.or_else([&](GreetErr e) { error = e; });
  outer.Complete(1);
  EXPECT_EQ(error, GreetErr::UnmarshalFailed);
}

TEST(FutureTest, ThenFutureFlattensVoid) {
  VoidPromise first;
  VoidPromise second;
  VoidFuture result = first.future().then([&] { return second.future(); });
  first.Complete();
  EXPECT_FALSE(result.is_completed());
  second.Complete();
  EXPECT_TRUE(result.is_success());
}

TEST(FutureTest, ErrorPropagatesToFirstOrElse) {
  IntPromise promise;
  int then_calls = 0;
  std::vector<GreetErr> errors;
  Future<std::string, GreetErr> end =
      promise.future()
          .then([&](const int& v) {
            ++then_calls;
            return v + 1;
          })
          .then([&](const int& v) {
            ++then_calls;
            return IntFuture::Ready(v * 2);
          })
          .then([&](const int& v) {
            ++then_calls;
            return std::to_string(v);
          });
  end.then([&](const std::string&) { ++then_calls; }).or_else([&](GreetErr e) {
    errors.push_back(e);
  });
  promise.Fail(GreetErr::DispatchError);
  EXPECT_EQ(then_calls, 0);
  EXPECT_EQ(errors, (std::vector<GreetErr>{GreetErr::DispatchError}));
  EXPECT_EQ(end.error(), GreetErr::DispatchError);
}

TEST(FutureTest, SuccessSkipsOrElse) {
  bool failed = false;
  std::string got;
  IntFuture::Ready(9)
      .then([](const int& v) { return std::to_string(v); })
      .then([&](const std::string& s) { got = s; })
      .or_else([&](GreetErr) { failed = true; });
  EXPECT_EQ(got, "9");
  EXPECT_FALSE(failed);
}

TEST(FutureTest, OrElseThenChainsOnSameFuture) {
  IntPromise promise;
  std::vector<std::string> events;
  promise.future()
      .or_else([&](GreetErr) { events.push_back("error"); })
      .then([&](const int&) { events.push_back("value"); })
      .on_complete([&] { events.push_back("done"); });
  promise.Complete(1);
  EXPECT_EQ(events, (std::vector<std::string>{"value", "done"}));
}

TEST(FutureTest, VoidFutureChains) {
  VoidPromise promise;
  std::vector<std::string> events;
  promise.future()
      .then([&] { events.push_back("a"); })
      .then([&] { events.push_back("b"); });
  IntFuture number = promise.future().then([] { return 5; });
  promise.Complete();
  EXPECT_EQ(events, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(number.value(), 5);
}

// The shape of the DESIGN.md sketch: generic lambdas, nothing kept.
TEST(FutureTest, DesignSketchShape) {
  Promise<Greeting, GreetErr> call;
  VoidPromise launch;
  std::string logged;
  int exit_code = -1;
  launch.future().then([&] {
    call.future()
        .then([&](const auto& r) {
          logged = r.text + " world";
          exit_code = 0;
        })
        .or_else([&](GreetErr) { exit_code = 1; });
  });
  launch.Complete();
  call.Complete(Greeting{"bonjour"});
  EXPECT_EQ(logged, "bonjour world");
  EXPECT_EQ(exit_code, 0);
}

TEST(FutureTest, HandlesShareState) {
  IntPromise promise;
  IntFuture a = promise.future();
  IntFuture b = a;
  IntFuture c = std::move(b);
  promise.Complete(11);
  EXPECT_EQ(a.value(), 11);
  EXPECT_EQ(c.value(), 11);
}

TEST(FutureTest, DroppedHandlesKeepCallbacksAlive) {
  IntPromise promise;
  int seen = 0;
  {
    IntFuture temp = promise.future();
    (void)temp.then([](const int& v) { return v * 3; })
        .then([&](const int& v) { seen = v; });
  }
  promise.Complete(2);
  EXPECT_EQ(seen, 6);
}

TEST(FutureTest, MoveOnlyCallbackAccepted) {
  auto owned = std::make_unique<int>(8);
  int seen = 0;
  IntFuture::Ready(1).then(
      [p = std::move(owned), &seen](const int& v) { seen = *p + v; });
  EXPECT_EQ(seen, 9);
}

TEST(FutureTest, CallbackMayDropLastHandle) {
  IntPromise* promise = new IntPromise;
  int seen = 0;
  promise->future().then([&](const int& v) {
    delete promise;  // The last outside handle to the state goes here.
    promise = nullptr;
    seen = v;
  });
  promise->Complete(3);
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(promise, nullptr);
}

TEST(FutureTest, LongChainCompletes) {
  IntPromise promise;
  IntFuture f = promise.future();
  for (int i = 0; i < 1000; ++i) f = f.then([](const int& v) { return v + 1; });
  promise.Complete(0);
  EXPECT_EQ(f.value(), 1000);
}

TEST(AllOfTest, SucceedsInInputOrder) {
  IntPromise a, b, c;
  Future<std::vector<int>, GreetErr> all =
      AllOf(std::vector<IntFuture>{a.future(), b.future(), c.future()});
  c.Complete(3);
  a.Complete(1);
  EXPECT_FALSE(all.is_completed());
  b.Complete(2);
  ASSERT_TRUE(all.is_success());
  EXPECT_EQ(all.value(), (std::vector<int>{1, 2, 3}));
}

TEST(AllOfTest, FailsWithFirstError) {
  IntPromise a, b, c;
  Future<std::vector<int>, GreetErr> all =
      AllOf(std::vector<IntFuture>{a.future(), b.future(), c.future()});
  a.Complete(1);
  b.Fail(GreetErr::NotFound);
  ASSERT_TRUE(all.is_failure());
  EXPECT_EQ(all.error(), GreetErr::NotFound);
  c.Fail(GreetErr::DispatchError);  // Ignored.
  EXPECT_EQ(all.error(), GreetErr::NotFound);
}

TEST(AllOfTest, EmptyCompletesAtOnce) {
  Future<std::vector<int>, GreetErr> all = AllOf(std::vector<IntFuture>{});
  ASSERT_TRUE(all.is_success());
  EXPECT_TRUE(all.value().empty());
  VoidFuture none = AllOf(std::vector<VoidFuture>{});
  EXPECT_TRUE(none.is_success());
}

TEST(AllOfTest, AlreadyCompletedInputs) {
  Future<std::vector<int>, GreetErr> all =
      AllOf(std::vector<IntFuture>{IntFuture::Ready(1), IntFuture::Ready(2)});
  ASSERT_TRUE(all.is_success());
  EXPECT_EQ(all.value(), (std::vector<int>{1, 2}));
  Future<std::vector<int>, GreetErr> failed = AllOf(std::vector<IntFuture>{
      IntFuture::Failed(GreetErr::MarshalFailed), IntFuture::Ready(2)});
  ASSERT_TRUE(failed.is_failure());
  EXPECT_EQ(failed.error(), GreetErr::MarshalFailed);
}

TEST(AllOfTest, VoidSucceedsAndFails) {
  VoidPromise a, b;
  VoidFuture all = AllOf(std::vector<VoidFuture>{a.future(), b.future()});
  a.Complete();
  EXPECT_FALSE(all.is_completed());
  b.Complete();
  EXPECT_TRUE(all.is_success());

  VoidPromise c, d;
  VoidFuture failing = AllOf(std::vector<VoidFuture>{c.future(), d.future()});
  d.Fail(GreetErr::UnmarshalFailed);
  ASSERT_TRUE(failing.is_failure());
  EXPECT_EQ(failing.error(), GreetErr::UnmarshalFailed);
  c.Complete();
  EXPECT_EQ(failing.error(), GreetErr::UnmarshalFailed);
}

TEST(AllOfTest, ChainsLikeAnyFuture) {
  IntPromise a, b;
  int sum = 0;
  AllOf(std::vector<IntFuture>{a.future(), b.future()})
      .then([&](const std::vector<int>& values) {
        for (int v : values) sum += v;
      })
      .or_else([](GreetErr) {});
  a.Complete(20);
  b.Complete(22);
  EXPECT_EQ(sum, 42);
}

// Why a call failed travels beside its error (parigot/call_cause.h).
TEST(CauseTest, OrElseMayTakeTheCauseAndPlainHandlersStillWork) {
  IntPromise promise;
  IntFuture future = promise.future();
  EXPECT_EQ(future.cause(), CallCause::kNone) << "pending";
  GreetErr seen_error = GreetErr::NoError;
  CallCause seen_cause = CallCause::kNone;
  int plain = 0;
  future.or_else([&](GreetErr e, CallCause cause) {
          seen_error = e;
          seen_cause = cause;
        })
      .or_else([&](GreetErr) { ++plain; });
  promise.Fail(GreetErr::DispatchError, CallCause::kCalleeKilled);
  EXPECT_EQ(seen_error, GreetErr::DispatchError);
  EXPECT_EQ(seen_cause, CallCause::kCalleeKilled);
  EXPECT_EQ(plain, 1);
  EXPECT_EQ(future.cause(), CallCause::kCalleeKilled);
}

TEST(CauseTest, AnApplicationErrorHasNoCause) {
  CallCause seen = CallCause::kInternal;
  IntFuture::Failed(GreetErr::NotFound).or_else([&](GreetErr, CallCause c) { seen = c; });
  EXPECT_EQ(seen, CallCause::kNone);
  EXPECT_EQ(IntFuture::Ready(1).cause(), CallCause::kNone) << "a success";
}

TEST(CauseTest, ThenAndFlatteningPassTheCauseOn) {
  IntPromise promise;
  Future<std::string, GreetErr> mapped =
      promise.future().then([](const int& v) { return std::to_string(v); });
  promise.Fail(GreetErr::DispatchError, CallCause::kDeadlineExceeded);
  ASSERT_TRUE(mapped.is_failure());
  EXPECT_EQ(mapped.cause(), CallCause::kDeadlineExceeded);

  IntPromise outer, inner;
  IntFuture flat = outer.future().then([inner](const int&) { return inner.future(); });
  outer.Complete(1);
  inner.Fail(GreetErr::DispatchError, CallCause::kCalleeRestarting);
  ASSERT_TRUE(flat.is_failure());
  EXPECT_EQ(flat.cause(), CallCause::kCalleeRestarting);
}

TEST(CauseTest, AllOfFailsWithTheFirstErrorsCause) {
  IntPromise a, b;
  Future<std::vector<int>, GreetErr> all = AllOf(std::vector<IntFuture>{a.future(), b.future()});
  b.Fail(GreetErr::DispatchError, CallCause::kNetworkFailed);
  a.Fail(GreetErr::DispatchError, CallCause::kCalleeTrapped);  // ignored
  ASSERT_TRUE(all.is_failure());
  EXPECT_EQ(all.cause(), CallCause::kNetworkFailed);
  VoidPromise c;
  VoidFuture none = AllOf(std::vector<VoidFuture>{c.future()});
  c.Fail(GreetErr::DispatchError, CallCause::kMessageTooLarge);
  EXPECT_EQ(none.cause(), CallCause::kMessageTooLarge);
}

// Another service's errors, for map_error.
enum class PricingErr : int32_t { NoError = 0, DispatchError = 1, StoreDown = 4 };

TEST(MapErrorTest, ChangesTheErrorTypeAndKeepsTheCause) {
  IntPromise promise;
  Future<int, PricingErr> mapped = promise.future().map_error([](GreetErr e) {
    return e == GreetErr::DispatchError ? PricingErr::StoreDown : PricingErr::DispatchError;
  });
  CallCause seen = CallCause::kNone;
  mapped.or_else([&](PricingErr, CallCause cause) { seen = cause; });
  promise.Fail(GreetErr::DispatchError, CallCause::kCalleeRestarting);
  ASSERT_TRUE(mapped.is_failure());
  EXPECT_EQ(mapped.error(), PricingErr::StoreDown);
  EXPECT_EQ(seen, CallCause::kCalleeRestarting);
}

TEST(MapErrorTest, TheHandlerMayLookAtTheCause) {
  Future<void, PricingErr> mapped =
      VoidFuture::Failed(GreetErr::DispatchError, CallCause::kDeadlineExceeded)
          .map_error([](GreetErr, CallCause cause) {
            return cause == CallCause::kDeadlineExceeded ? PricingErr::StoreDown
                                                         : PricingErr::DispatchError;
          });
  ASSERT_TRUE(mapped.is_failure());
  EXPECT_EQ(mapped.error(), PricingErr::StoreDown);
}

TEST(MapErrorTest, SuccessPassesThrough) {
  IntPromise promise;
  Future<int, PricingErr> mapped = promise.future().map_error([](GreetErr) {
    ADD_FAILURE() << "no error to map";
    return PricingErr::DispatchError;
  });
  promise.Complete(42);
  ASSERT_TRUE(mapped.is_success());
  EXPECT_EQ(mapped.value(), 42);
  Future<void, PricingErr> done =
      VoidFuture::Ready().map_error([](GreetErr) { return PricingErr::DispatchError; });
  EXPECT_TRUE(done.is_success());
}

}  // namespace
}  // namespace parigot
