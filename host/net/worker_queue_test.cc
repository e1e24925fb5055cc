#include "host/net/worker_queue.h"

#include <grpcpp/alarm.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace parigot::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

// An event: which thread handled it.
class Recorder final : public QueueTag {
 public:
  void Completed(bool) override {
    std::lock_guard lock(mu_);
    thread_ = std::this_thread::get_id();
    cv_.notify_all();
  }

  // The thread that handled it, once it has (at most 5 s from now).
  std::optional<std::thread::id> HandledOn() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, seconds(5), [&] { return thread_.has_value(); });
    return thread_;
  }
  bool handled() {
    std::lock_guard lock(mu_);
    return thread_.has_value();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::thread::id> thread_;  // guarded by mu_
};

// An event on `queue` after `delay`.
void Post(WorkerQueue& queue, grpc::Alarm& alarm, Recorder& recorder,
          milliseconds delay = milliseconds(0)) {
  alarm.Set(&queue.queue(), std::chrono::system_clock::now() + delay, recorder.tag());
}

// Worker 0 (this thread) waits; another thread wakes it 20 ms later.
void ExpectWakeFromAnotherThreadEndsWait(WorkerQueue& queue) {
  std::thread waker([&] {
    std::this_thread::sleep_for(milliseconds(20));
    queue.Wake(0);
  });
  auto began = Clock::now();
  queue.Wait(0, began + seconds(5));
  EXPECT_LT(Clock::now() - began, seconds(1));
  waker.join();
}

// An event on `queue` that no worker polls: the queue's own thread
// handles it.
void ExpectHandledOnOwnThread(WorkerQueue& queue) {
  grpc::Alarm alarm;
  Recorder recorder;
  Post(queue, alarm, recorder);
  std::optional<std::thread::id> on = recorder.HandledOn();
  ASSERT_TRUE(on.has_value());
  EXPECT_NE(*on, std::this_thread::get_id());
}

TEST(WorkerQueueTest, OwnThreadHandlesEventsUntilAWorkerAttaches) {
  WorkerQueue queue;
  ExpectHandledOnOwnThread(queue);
}

TEST(WorkerQueueTest, AttachedWorkerHandlesTheQueueInWait) {
  WorkerQueue queue;
  EXPECT_FALSE(queue.Attach(1));  // only the first worker polls
  ASSERT_TRUE(queue.Attach(0));   // this thread plays worker 0
  grpc::Alarm alarm;
  Recorder recorder;
  Post(queue, alarm, recorder);
  auto began = Clock::now();
  while (!recorder.handled() && Clock::now() - began < seconds(5)) {
    queue.Wait(0, Clock::now() + seconds(5));
  }
  EXPECT_EQ(recorder.HandledOn(), std::this_thread::get_id());
  EXPECT_LT(Clock::now() - began, seconds(1));
}

TEST(WorkerQueueTest, PollHandlesAReadyEventWithoutWaiting) {
  WorkerQueue queue;
  ASSERT_TRUE(queue.Attach(0));
  auto began = Clock::now();
  EXPECT_FALSE(queue.Poll(0));
  EXPECT_LT(Clock::now() - began, milliseconds(100));
  grpc::Alarm alarm;
  Recorder recorder;
  Post(queue, alarm, recorder);
  while (!queue.Poll(0) && Clock::now() - began < seconds(5)) {
  }
  EXPECT_EQ(recorder.HandledOn(), std::this_thread::get_id());
  queue.Wake(0);  // a Wake counts as an event
  began = Clock::now();
  while (!queue.Poll(0) && Clock::now() - began < seconds(5)) {
  }
  EXPECT_LT(Clock::now() - began, seconds(1));
}

TEST(WorkerQueueTest, WaitReturnsAtItsDeadline) {
  WorkerQueue queue;
  ASSERT_TRUE(queue.Attach(0));
  auto began = Clock::now();
  queue.Wait(0, began + milliseconds(30));
  EXPECT_GE(Clock::now() - began, milliseconds(30));
}

TEST(WorkerQueueTest, WakeEndsTheWaitEvenBeforeItStarts) {
  WorkerQueue queue;
  ASSERT_TRUE(queue.Attach(0));
  queue.Wake(0);
  auto began = Clock::now();
  queue.Wait(0, began + seconds(5));
  EXPECT_LT(Clock::now() - began, seconds(1));

  ExpectWakeFromAnotherThreadEndsWait(queue);
}

TEST(WorkerQueueTest, ReleasedQueueCompletesWithoutItsWorker) {
  WorkerQueue queue;
  ASSERT_TRUE(queue.Attach(0));
  queue.ReleaseWorker();
  // The worker never polls again: the queue's own thread handles events.
  ExpectHandledOnOwnThread(queue);

  // The worker now sleeps off the queue, and still wakes.
  ExpectWakeFromAnotherThreadEndsWait(queue);
}

TEST(WorkerQueueTest, ReleaseTakesTheQueueFromAWaitingWorker) {
  WorkerQueue queue;
  ASSERT_TRUE(queue.Attach(0));
  std::atomic<bool> stop{false};
  std::thread worker([&] {
    while (!stop) queue.Wait(0, Clock::now() + seconds(5));
  });
  std::this_thread::sleep_for(milliseconds(20));  // inside its Wait
  auto began = Clock::now();
  queue.ReleaseWorker();  // returns once the worker has left the queue
  EXPECT_LT(Clock::now() - began, seconds(1));
  stop = true;
  queue.Wake(0);
  worker.join();
}

TEST(WorkerQueueTest, ShutdownHandlesTheLastEvents) {
  WorkerQueue queue;
  ASSERT_TRUE(queue.Attach(0));
  grpc::Alarm alarm;
  Recorder recorder;
  Post(queue, alarm, recorder, milliseconds(30));
  queue.Shutdown();
  EXPECT_TRUE(recorder.handled());
}

}  // namespace
}  // namespace parigot::net
