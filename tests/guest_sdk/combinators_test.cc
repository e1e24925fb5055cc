// The plain-future combinators (parigot/combinators.h), natively: AllOf over
// different types, AnyOf, Race. (AllOf over vectors: future_test.cc. The
// timed ones, WithTimeout and Retry, need a guest's timers: e2e
// `coroutines` in tests/guest/coroutines.cc.)
#include "parigot/combinators.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "parigot/coroutine.h"
#include "parigot/future.h"

namespace parigot {
namespace {

enum class Err { kNone = 0, kDispatch = 1, kFirst = 4, kSecond = 5 };

TEST(AllOfTupleTest, GathersValuesOfDifferentTypesInArgumentOrder) {
  Promise<int, Err> number;
  Promise<std::string, Err> text;
  Promise<void, Err> done;
  auto all = AllOf(number.future(), text.future(), done.future());
  static_assert(std::is_same_v<decltype(all),
                               Future<std::tuple<int, std::string, std::monostate>, Err>>);
  text.Complete("two");
  done.Complete();
  EXPECT_FALSE(all.is_completed());
  number.Complete(1);
  ASSERT_TRUE(all.is_success());
  EXPECT_EQ(std::get<0>(all.value()), 1);
  EXPECT_EQ(std::get<1>(all.value()), "two");
}

TEST(AllOfTupleTest, FailsWithTheFirstErrorAndItsCause) {
  Promise<int, Err> number;
  Promise<std::string, Err> text;
  auto all = AllOf(number.future(), text.future());
  text.Fail(Err::kDispatch, CallCause::kCalleeKilled);
  number.Fail(Err::kFirst);  // later: ignored
  ASSERT_TRUE(all.is_failure());
  EXPECT_EQ(all.error(), Err::kDispatch);
  EXPECT_EQ(all.cause(), CallCause::kCalleeKilled);
}

TEST(AllOfTupleTest, AlreadyCompletedInputs) {
  auto all = AllOf(Future<int, Err>::Ready(3), Future<void, Err>::Ready());
  ASSERT_TRUE(all.is_success());
  EXPECT_EQ(std::get<0>(all.value()), 3);
}

TEST(AnyOfTest, TheFirstSuccessWinsEvenAfterFailures) {
  std::vector<Promise<int, Err>> p(3);
  auto any = AnyOf(p[0].future(), p[1].future(), p[2].future());
  p[0].Fail(Err::kFirst);
  EXPECT_FALSE(any.is_completed()) << "one failure is not the end";
  p[2].Complete(30);
  p[1].Complete(20);  // later: ignored
  ASSERT_TRUE(any.is_success());
  EXPECT_EQ(any.value(), 30);
}

TEST(AnyOfTest, FailsOnlyWhenAllFailedWithTheLastFailure) {
  std::vector<Promise<void, Err>> p(2);
  auto any = AnyOf(std::vector<Future<void, Err>>{p[0].future(), p[1].future()});
  p[1].Fail(Err::kFirst);
  EXPECT_FALSE(any.is_completed());
  p[0].Fail(Err::kSecond, CallCause::kNetworkFailed);
  ASSERT_TRUE(any.is_failure());
  EXPECT_EQ(any.error(), Err::kSecond);
  EXPECT_EQ(any.cause(), CallCause::kNetworkFailed);
}

TEST(RaceTest, TheFirstToCompleteWinsEitherWay) {
  std::vector<Promise<int, Err>> p(2);
  auto failed_first = Race(p[0].future(), p[1].future());
  p[1].Fail(Err::kFirst, CallCause::kDeadlineExceeded);
  p[0].Complete(1);
  ASSERT_TRUE(failed_first.is_failure());
  EXPECT_EQ(failed_first.error(), Err::kFirst);
  EXPECT_EQ(failed_first.cause(), CallCause::kDeadlineExceeded);

  std::vector<Promise<int, Err>> q(2);
  auto won = Race(std::vector<Future<int, Err>>{q[0].future(), q[1].future()});
  q[0].Complete(7);
  q[1].Fail(Err::kFirst);
  ASSERT_TRUE(won.is_success());
  EXPECT_EQ(won.value(), 7);
}

TEST(CombinatorsDeathTest, EmptyAnyOfOrRaceAborts) {
  EXPECT_DEATH((void)AnyOf(std::vector<Future<int, Err>>{}), "");
  EXPECT_DEATH((void)Race(std::vector<Future<int, Err>>{}), "");
}

// Combinators are futures like any other: awaitable.
Future<int, Err> SumOfBoth(Future<int, Err> a, Future<int, Err> b) {
  auto both = co_await AllOf(a, b);
  if (!both) co_return fail(both.error(), both.cause());
  co_return std::get<0>(*both) + std::get<1>(*both);
}

TEST(CombinatorsTest, AwaitedFromACoroutine) {
  Promise<int, Err> a;
  Promise<int, Err> b;
  Future<int, Err> sum = SumOfBoth(a.future(), b.future());
  b.Complete(2);
  a.Complete(40);
  ASSERT_TRUE(sum.is_success());
  EXPECT_EQ(sum.value(), 42);
}

}  // namespace
}  // namespace parigot
