#include "host/kernel/restart.h"

#include <gtest/gtest.h>

namespace parigot::kernel {
namespace {

using std::chrono::milliseconds;
using Kind = RestartHistory::Decision::Kind;
using Clock = RestartHistory::Clock;

RestartPolicy OnFailure(int max_restarts = 3) {
  RestartPolicy policy;
  policy.mode = RestartMode::kOnFailure;
  policy.max_restarts = max_restarts;
  policy.window = milliseconds(1000);
  policy.backoff = milliseconds(10);
  return policy;
}

TEST(RestartTest, NeverRestarts) {
  RestartHistory history;
  RestartPolicy never;
  EXPECT_EQ(history.OnEnd(never, /*failed=*/true, Clock::now()).kind, Kind::kEnd);
}

TEST(RestartTest, OnFailureIgnoresACleanExitAndAlwaysDoesNot) {
  RestartHistory history;
  EXPECT_EQ(history.OnEnd(OnFailure(), /*failed=*/false, Clock::now()).kind, Kind::kEnd);
  RestartPolicy always = OnFailure();
  always.mode = RestartMode::kAlways;
  EXPECT_EQ(history.OnEnd(always, /*failed=*/false, Clock::now()).kind, Kind::kRestart);
}

TEST(RestartTest, DelayDoublesWithinTheWindowThenTheLimitGivesUp) {
  RestartHistory history;
  Clock::time_point t0 = Clock::now();
  auto first = history.OnEnd(OnFailure(), true, t0);
  auto second = history.OnEnd(OnFailure(), true, t0 + milliseconds(100));
  auto third = history.OnEnd(OnFailure(), true, t0 + milliseconds(200));
  EXPECT_EQ(first.kind, Kind::kRestart);
  EXPECT_EQ(first.delay, milliseconds(10));
  EXPECT_EQ(first.restarts_in_window, 1);
  EXPECT_EQ(second.delay, milliseconds(20));
  EXPECT_EQ(third.delay, milliseconds(40));
  EXPECT_EQ(third.total_restarts, 3);
  auto fourth = history.OnEnd(OnFailure(), true, t0 + milliseconds(300));
  EXPECT_EQ(fourth.kind, Kind::kGiveUp);
  EXPECT_EQ(fourth.restarts_in_window, 3);
}

TEST(RestartTest, AQuietWindowResetsTheDelayAndTheCount) {
  RestartHistory history;
  Clock::time_point t0 = Clock::now();
  history.OnEnd(OnFailure(), true, t0);
  history.OnEnd(OnFailure(), true, t0 + milliseconds(10));
  auto later = history.OnEnd(OnFailure(), true, t0 + milliseconds(5000));
  EXPECT_EQ(later.kind, Kind::kRestart);
  EXPECT_EQ(later.delay, milliseconds(10));
  EXPECT_EQ(later.restarts_in_window, 1);
  EXPECT_EQ(later.total_restarts, 3);
}

TEST(RestartTest, DelayIsCapped) {
  RestartHistory history;
  RestartPolicy policy = OnFailure(/*max_restarts=*/100);
  policy.backoff = milliseconds(1000);
  policy.window = milliseconds(1000000);
  RestartHistory::Decision last;
  for (int i = 0; i < 40; ++i) last = history.OnEnd(policy, true, Clock::now());
  EXPECT_EQ(last.kind, Kind::kRestart);
  EXPECT_EQ(last.delay, kMaxRestartDelay);
}

TEST(RestartTest, ZeroRestartsAllowedGivesUpAtTheFirstFailure) {
  RestartHistory history;
  EXPECT_EQ(history.OnEnd(OnFailure(/*max_restarts=*/0), true, Clock::now()).kind,
            Kind::kGiveUp);
}

}  // namespace
}  // namespace parigot::kernel
