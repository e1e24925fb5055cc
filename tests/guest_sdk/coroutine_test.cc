// Coroutines over futures (parigot/coroutine.h), natively: awaiting
// completed and pending futures, failing, lifetimes of frames and locals.
#include "parigot/coroutine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parigot/future.h"

namespace parigot {
namespace {

enum class Err { kNone = 0, kDispatch = 1, kBad = 4 };
enum class OtherErr { kNone = 0, kWrapped = 7 };

// Counts live instances: a coroutine's locals must be destroyed with it.
struct Tracked {
  explicit Tracked(int* live) : live_(live) { ++*live_; }
  Tracked(const Tracked&) = delete;
  ~Tracked() { --*live_; }
  int* live_;
};

Future<int, Err> AddOne(Future<int, Err> input) {
  Outcome<int, Err> got = co_await input;
  if (!got) co_return fail(got.error(), got.cause());
  co_return *got + 1;
}

TEST(CoroutineTest, CompletedFutureIsAwaitedWithoutSuspending) {
  Future<int, Err> out = AddOne(Future<int, Err>::Ready(41));
  ASSERT_TRUE(out.is_success());
  EXPECT_EQ(out.value(), 42);
}

TEST(CoroutineTest, PendingFutureResumesTheCoroutineWhenItCompletes) {
  Promise<int, Err> input;
  Future<int, Err> out = AddOne(input.future());
  EXPECT_FALSE(out.is_completed());
  input.Complete(1);
  ASSERT_TRUE(out.is_success());
  EXPECT_EQ(out.value(), 2);
}

TEST(CoroutineTest, FailurePassesOnWithItsCause) {
  Promise<int, Err> input;
  Future<int, Err> out = AddOne(input.future());
  input.Fail(Err::kDispatch, CallCause::kDeadlineExceeded);
  ASSERT_TRUE(out.is_failure());
  EXPECT_EQ(out.error(), Err::kDispatch);
  EXPECT_EQ(out.cause(), CallCause::kDeadlineExceeded);
}

Future<std::string, OtherErr> Describe(Future<int, Err> input) {
  auto got = co_await input;
  if (!got) co_return fail(OtherErr::kWrapped);
  co_return {"value " + std::to_string(*got)};
}

TEST(CoroutineTest, ErrorTypeMayDifferFromTheAwaitedOnes) {
  Future<std::string, OtherErr> ok = Describe(Future<int, Err>::Ready(3));
  ASSERT_TRUE(ok.is_success());
  EXPECT_EQ(ok.value(), "value 3");
  Future<std::string, OtherErr> bad = Describe(Future<int, Err>::Failed(Err::kBad));
  ASSERT_TRUE(bad.is_failure());
  EXPECT_EQ(bad.error(), OtherErr::kWrapped);
  EXPECT_EQ(bad.cause(), CallCause::kNone);
}

// A void coroutine fails with co_await fail(...), which ends it there.
Future<void, Err> CheckPositive(Future<int, Err> input, int* live, bool* went_on) {
  Tracked local(live);
  auto got = co_await input;
  if (!got || *got <= 0) co_await fail(Err::kBad);
  *went_on = true;
}

TEST(CoroutineTest, AwaitingFailEndsAVoidCoroutineAndDestroysItsLocals) {
  int live = 0;
  bool went_on = false;
  Promise<int, Err> input;
  Future<void, Err> out = CheckPositive(input.future(), &live, &went_on);
  EXPECT_EQ(live, 1);  // suspended, its local alive
  input.Complete(-5);
  ASSERT_TRUE(out.is_failure());
  EXPECT_EQ(out.error(), Err::kBad);
  EXPECT_FALSE(went_on);
  EXPECT_EQ(live, 0);
}

TEST(CoroutineTest, VoidCoroutineSucceedsAtItsEndAndFreesItsFrame) {
  int live = 0;
  bool went_on = false;
  Promise<int, Err> input;
  Future<void, Err> out = CheckPositive(input.future(), &live, &went_on);
  input.Complete(5);
  EXPECT_TRUE(out.is_success());
  EXPECT_TRUE(went_on);
  EXPECT_EQ(live, 0);
}

Future<void, Err> AwaitVoid(Future<void, Err> input, std::vector<std::string>* log) {
  log->push_back("before");
  auto done = co_await input;
  log->push_back(done ? "ok" : "failed");
}

TEST(CoroutineTest, AwaitsVoidFuturesAndResumesWhereCallbacksRun) {
  std::vector<std::string> log;
  Promise<void, Err> input;
  Future<void, Err> future = input.future();
  future.then([&log] { log.push_back("callback 1"); });
  Future<void, Err> out = AwaitVoid(future, &log);
  future.then([&log] { log.push_back("callback 2"); });
  EXPECT_EQ(log, (std::vector<std::string>{"before"}));
  input.Complete();
  // The coroutine resumed in attachment order, inside Complete().
  EXPECT_EQ(log, (std::vector<std::string>{"before", "callback 1", "ok", "callback 2"}));
  EXPECT_TRUE(out.is_success());
}

Future<int, Err> Sum(std::vector<Future<int, Err>> inputs) {
  int sum = 0;
  for (Future<int, Err>& input : inputs) {
    auto got = co_await input;
    if (!got) co_return fail(got.error());
    sum += *got;
  }
  co_return sum;
}

TEST(CoroutineTest, CoroutinesAwaitCoroutines) {
  std::vector<Promise<int, Err>> promises(3);
  std::vector<Future<int, Err>> futures;
  for (auto& p : promises) futures.push_back(p.future());
  Future<int, Err> sum = Sum(std::move(futures));
  Future<int, Err> plus_one = AddOne(sum);
  promises[2].Complete(100);  // out of order: the loop waits for [0] first
  promises[0].Complete(1);
  EXPECT_FALSE(plus_one.is_completed());
  promises[1].Complete(10);
  ASSERT_TRUE(plus_one.is_success());
  EXPECT_EQ(plus_one.value(), 112);
}

// Many suspensions in one coroutine, each resumed from a fresh stack (as the
// run loop does): nothing grows with their number.
Future<int, Err> CountTo(int n, std::vector<Promise<int, Err>>* next) {
  int total = 0;
  for (int i = 0; i < n; ++i) {
    Promise<int, Err> promise;
    next->push_back(promise);
    auto got = co_await promise.future();
    total += *got;
  }
  co_return total;
}

TEST(CoroutineTest, ManySuspensionsInOneCoroutine) {
  std::vector<Promise<int, Err>> next;
  Future<int, Err> total = CountTo(100000, &next);
  for (int i = 0; i < 100000; ++i) {
    ASSERT_EQ(next.size(), 1u);
    Promise<int, Err> promise = next.back();
    next.clear();
    promise.Complete(1);
  }
  ASSERT_TRUE(total.is_success());
  EXPECT_EQ(total.value(), 100000);
}

TEST(CoroutineTest, OutcomeViewsTheValueWithoutCopying) {
  Future<std::string, Err> input = Future<std::string, Err>::Ready("text");
  const std::string* seen = nullptr;
  auto look = [](Future<std::string, Err> in, const std::string** at) -> Future<void, Err> {
    auto got = co_await in;
    *at = &*got;
  };
  Future<void, Err> done = look(input, &seen);
  EXPECT_TRUE(done.is_success());
  EXPECT_EQ(seen, &input.value());
}

}  // namespace
}  // namespace parigot
