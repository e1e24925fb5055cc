#include "guest/src/timer_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace parigot::internal {
namespace {

constexpr int64_t kMs = 1'000'000;

TEST(TimerQueueTest, RunsWhatIsDueInDueOrderAndNothingEarly) {
  TimerQueue timers;
  std::string ran;
  timers.Add(30 * kMs, 0, [&] { ran += "c"; });
  timers.Add(10 * kMs, 0, [&] { ran += "a"; });
  timers.Add(20 * kMs, 0, [&] { ran += "b"; });
  timers.Add(20 * kMs, 0, [&] { ran += "B"; });  // same due: in the order added
  EXPECT_EQ(timers.NextDue(), 10 * kMs);
  timers.RunDue(10 * kMs - 1);
  EXPECT_EQ(ran, "");
  timers.RunDue(25 * kMs);
  EXPECT_EQ(ran, "abB");
  EXPECT_EQ(timers.NextDue(), 30 * kMs);
  timers.RunDue(30 * kMs);
  EXPECT_EQ(ran, "abBc");
  EXPECT_EQ(timers.size(), 0u);
  EXPECT_EQ(timers.NextDue(), std::nullopt);
}

TEST(TimerQueueTest, CancelledTimersNeverRun) {
  TimerQueue timers;
  int runs = 0;
  uint64_t first = timers.Add(10 * kMs, 0, [&] { ++runs; });
  timers.Add(20 * kMs, 0, [&] { ++runs; });
  EXPECT_TRUE(timers.Active(first));
  timers.Cancel(first);
  timers.Cancel(first);  // again: nothing
  timers.Cancel(12345);  // unknown: nothing
  EXPECT_FALSE(timers.Active(first));
  EXPECT_EQ(timers.NextDue(), 20 * kMs) << "the cancelled one no longer counts";
  timers.RunDue(100 * kMs);
  EXPECT_EQ(runs, 1);
}

// WithTimeout on quick calls: every timer cancelled long before it is due.
// The heap must not keep them all.
TEST(TimerQueueTest, CancelledEntriesDoNotPileUp) {
  TimerQueue timers;
  int runs = 0;
  uint64_t keep = timers.Add(10'000 * kMs, 0, [&] { ++runs; });
  for (int i = 0; i < 100000; ++i) {
    timers.Cancel(timers.Add((5000 + i % 100) * kMs, 0, [&] { ++runs; }));
    ASSERT_LE(timers.heap_size(), 2 * timers.size() + 65) << "after " << i;
  }
  uint64_t late = timers.Add(20'000 * kMs, 0, [&] { runs += 10; });
  EXPECT_EQ(timers.size(), 2u);
  EXPECT_EQ(timers.NextDue(), 10'000 * kMs);
  timers.RunDue(30'000 * kMs);
  EXPECT_EQ(runs, 11);
  EXPECT_FALSE(timers.Active(keep));
  EXPECT_FALSE(timers.Active(late));
}

TEST(TimerQueueTest, PeriodicTimersRearmAndSkipWhatTheyMissed) {
  TimerQueue timers;
  std::vector<int64_t> at;
  int64_t now = 0;
  uint64_t tick = timers.Add(5 * kMs, 5 * kMs, [&] { at.push_back(now); });
  for (now = 0; now <= 20 * kMs; now += kMs) timers.RunDue(now);
  EXPECT_EQ(at, (std::vector<int64_t>{5 * kMs, 10 * kMs, 15 * kMs, 20 * kMs}));
  // Far behind: one run, then the next multiple of the period.
  now = 47 * kMs;
  timers.RunDue(now);
  EXPECT_EQ(at.size(), 5u);
  EXPECT_EQ(timers.NextDue(), 50 * kMs);
  timers.Cancel(tick);
  timers.RunDue(100 * kMs);
  EXPECT_EQ(at.size(), 5u);
}

TEST(TimerQueueTest, CallbacksMayCancelThemselvesAndAddTimers) {
  TimerQueue timers;
  int ticks = 0;
  uint64_t tick = 0;
  tick = timers.Add(kMs, kMs, [&] {
    if (++ticks == 3) timers.Cancel(tick);
  });
  std::string ran;
  timers.Add(2 * kMs, 0, [&] {
    ran += "x";
    timers.Add(2 * kMs, 0, [&] { ran += "y"; });  // already due: runs now
    timers.Add(9 * kMs, 0, [&] { ran += "z"; });
  });
  for (int64_t now = 0; now <= 10 * kMs; now += kMs) timers.RunDue(now);
  EXPECT_EQ(ticks, 3);
  EXPECT_EQ(ran, "xyz");
  EXPECT_EQ(timers.size(), 0u);
}

TEST(TimerQueueTest, TenThousandTimersRunInOrder) {
  TimerQueue timers;
  std::vector<int64_t> dues;
  for (int i = 0; i < 10000; ++i) {
    int64_t due = (i * 7919 % 10000) * kMs / 100;
    timers.Add(due, 0, [&dues, due] { dues.push_back(due); });
  }
  timers.RunDue(100 * kMs);
  ASSERT_EQ(dues.size(), 10000u);
  EXPECT_TRUE(std::is_sorted(dues.begin(), dues.end()));
}

}  // namespace
}  // namespace parigot::internal
