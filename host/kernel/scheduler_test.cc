#include "host/kernel/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "host/kernel/mailbox.h"

namespace parigot::kernel {
namespace {

using std::chrono::milliseconds;

TEST(SchedulerTest, RunsEverySpawnedBody) {
  std::atomic<int> ran{0};
  {
    Scheduler scheduler({.workers = 2});
    for (int i = 0; i < 100; ++i) {
      scheduler.Spawn([&] {
        EXPECT_TRUE(Scheduler::OnFiber());
        ++ran;
      });
    }
    scheduler.Join();
    EXPECT_EQ(ran.load(), 100);
  }
  EXPECT_FALSE(Scheduler::OnFiber());
}

// Two fibers bounce a counter through two mailboxes.
void PingPong(int ping_worker, int pong_worker) {
  constexpr int kRounds = 20000;
  Mailbox to_pong, to_ping;
  int last_seen = -1;
  Scheduler scheduler({.workers = 2});
  scheduler.Spawn(
      [&] {
        for (int i = 0; i < kRounds; ++i) {
          auto event = to_pong.Take(milliseconds(-1));
          ASSERT_TRUE(event.has_value());
          to_ping.Put(ExitRequested{std::get<ExitRequested>(*event).code + 1});
        }
      },
      pong_worker);
  scheduler.Spawn(
      [&] {
        int value = 0;
        for (int i = 0; i < kRounds; ++i) {
          to_pong.Put(ExitRequested{value});
          auto event = to_ping.Take(milliseconds(-1));
          ASSERT_TRUE(event.has_value());
          value = std::get<ExitRequested>(*event).code;
        }
        last_seen = value;
      },
      ping_worker);
  scheduler.Join();
  EXPECT_EQ(last_seen, kRounds);
}

TEST(SchedulerTest, PingPongOnOneWorker) { PingPong(0, 0); }
TEST(SchedulerTest, PingPongAcrossWorkers) { PingPong(0, 1); }

TEST(SchedulerTest, ColocatedFibersEndUpOnOneThread) {
  constexpr int kRounds = 1000;
  Mailbox to_pong, to_ping, go;
  std::thread::id ping_thread, pong_thread;
  Scheduler scheduler({.workers = 2});
  auto pong = scheduler.Spawn(
      [&] {
        for (int i = 0; i < kRounds; ++i) {
          ASSERT_TRUE(to_pong.Take(milliseconds(-1)).has_value());
          to_ping.Put(ExitRequested{i});
        }
        pong_thread = std::this_thread::get_id();
      },
      1);
  auto ping = scheduler.Spawn(
      [&] {
        // Parks until Colocate has been asked, however slow this thread is.
        ASSERT_TRUE(go.Take(milliseconds(-1)).has_value());
        for (int i = 0; i < kRounds; ++i) {
          to_pong.Put(ExitRequested{i});
          ASSERT_TRUE(to_ping.Take(milliseconds(-1)).has_value());
        }
        ping_thread = std::this_thread::get_id();
      },
      0);
  scheduler.Colocate(ping, pong);
  go.Put(ExitRequested{0});
  scheduler.Join();
  EXPECT_EQ(ping_thread, pong_thread);
}

TEST(SchedulerTest, TimedTakeOnAFiberTimesOut) {
  Mailbox mailbox;
  bool timed_out = false;
  Scheduler scheduler({.workers = 1});
  auto start = std::chrono::steady_clock::now();
  scheduler.Spawn([&] { timed_out = !mailbox.Take(milliseconds(30)).has_value(); });
  scheduler.Join();
  EXPECT_TRUE(timed_out);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(30));
}

TEST(SchedulerTest, PlainThreadWakesParkedFiber) {
  Mailbox mailbox;
  int got = 0;
  Scheduler scheduler({.workers = 1});
  scheduler.Spawn([&] {
    auto event = mailbox.Take(milliseconds(5000));
    got = event ? std::get<ExitRequested>(*event).code : -1;
  });
  std::this_thread::sleep_for(milliseconds(20));
  mailbox.Put(ExitRequested{42});
  scheduler.Join();
  EXPECT_EQ(got, 42);
}

TEST(SchedulerTest, OtherFibersRunWhileOneWaits) {
  Mailbox mailbox;
  std::atomic<int> others{0};
  Scheduler scheduler({.workers = 1});
  scheduler.Spawn([&] { mailbox.Take(milliseconds(-1)); });
  for (int i = 0; i < 10; ++i) scheduler.Spawn([&] { ++others; });
  scheduler.Spawn([&] {
    while (others.load() < 10) {
      Mailbox idle;
      idle.Take(milliseconds(1));  // parks, letting the others run
    }
    mailbox.Put(ExitRequested{0});
  });
  scheduler.Join();
  EXPECT_EQ(others.load(), 10);
}

// A fiber that polls without ever parking (a guest whose timers are due)
// yields: the other fibers of its worker run, including one woken from
// another thread meanwhile. Without Yield this never ends.
TEST(SchedulerTest, APollingFiberYieldsToTheOthersOfItsWorker) {
  std::atomic<int> others{0};
  std::atomic<bool> woken{false};
  Mailbox mailbox;
  Scheduler scheduler({.workers = 1});
  scheduler.Spawn([&] {
    mailbox.Take(milliseconds(-1));
    woken = true;
  });
  scheduler.Spawn([&] {
    while (others.load() < 10 || !woken.load()) Scheduler::Yield();
  });
  for (int i = 0; i < 10; ++i) scheduler.Spawn([&] { ++others; });
  std::thread waker([&] {
    std::this_thread::sleep_for(milliseconds(20));
    mailbox.Put(ExitRequested{0});  // from the inbox, while the poller spins
  });
  scheduler.Join();
  waker.join();
  EXPECT_EQ(others.load(), 10);
  EXPECT_TRUE(woken.load());
}

TEST(SchedulerTest, YieldOffAFiberDoesNothing) { Scheduler::Yield(); }

TEST(SchedulerTest, ThousandParkedFibersAllWake) {
  constexpr int kFibers = 1000;
  std::vector<std::unique_ptr<Mailbox>> mailboxes;
  for (int i = 0; i < kFibers; ++i) mailboxes.push_back(std::make_unique<Mailbox>());
  std::atomic<int> woken{0};
  Scheduler scheduler({.workers = 2, .stack_size = 64 * 1024});
  for (int i = 0; i < kFibers; ++i) {
    scheduler.Spawn([&, i] {
      if (mailboxes[i]->Take(milliseconds(-1))) ++woken;
    });
  }
  std::this_thread::sleep_for(milliseconds(20));
  for (auto& mailbox : mailboxes) mailbox->Put(ExitRequested{1});
  scheduler.Join();
  EXPECT_EQ(woken.load(), kFibers);
}

// State that must follow its fiber across switches.
thread_local intptr_t tls_state = 0;
std::atomic<int> released{0};
void SaveState(void** slot) { *slot = reinterpret_cast<void*>(tls_state); }
void RestoreState(void** slot) { tls_state = reinterpret_cast<intptr_t>(*slot); }
void ReleaseState(void*) { ++released; }

TEST(SchedulerTest, StateHooksFollowTheFiber) {
  Mailbox a_box, b_box;
  intptr_t a_after = 0, b_after = 0;
  Scheduler scheduler(
      {.workers = 1,
       .hooks = {FiberStateHook{&SaveState, &RestoreState, &ReleaseState}}});
  scheduler.Spawn([&] {
    tls_state = 1;
    b_box.Put(ExitRequested{0});
    a_box.Take(milliseconds(-1));  // b runs and sets its own state meanwhile
    a_after = tls_state;
  });
  scheduler.Spawn([&] {
    tls_state = 2;
    b_box.Take(milliseconds(-1));
    a_box.Put(ExitRequested{0});
    Mailbox idle;
    idle.Take(milliseconds(1));
    b_after = tls_state;
  });
  scheduler.Join();
  EXPECT_EQ(a_after, 1);
  EXPECT_EQ(b_after, 2);
  EXPECT_EQ(released.load(), 2);
}

// An idle port of the test's own: events (closures) that Wait runs on the
// worker's thread, and a count of Wake calls.
class FakePort : public IdlePort {
 public:
  explicit FakePort(int attached) : attached_(attached) {}

  bool Attach(int worker) override { return worker < attached_; }

  bool Poll(int worker) override {
    std::unique_lock lock(mu_);
    ++polls_[worker];
    return RunLocked(worker, lock);
  }

  void Wait(int worker, Clock::time_point deadline) override {
    std::unique_lock lock(mu_);
    cv_.wait_until(lock, deadline, [&] {
      return woken_.count(worker) > 0 || events_.count(worker) > 0;
    });
    RunLocked(worker, lock);
  }

  void Wake(int worker) override {
    std::lock_guard lock(mu_);
    ++wakes_[worker];
    woken_.insert(worker);
    cv_.notify_all();
  }

  // Has worker `worker` run `event` in its Poll or Wait (one at a time).
  void Post(int worker, std::function<void()> event) {
    std::lock_guard lock(mu_);
    events_[worker] = std::move(event);
    cv_.notify_all();
  }

  int wakes(int worker) {
    std::lock_guard lock(mu_);
    return wakes_[worker];
  }
  int polls(int worker) {
    std::lock_guard lock(mu_);
    return polls_[worker];
  }

 private:
  // Consumes a Wake, and runs the worker's event if there is one (unlocked).
  // True if there was either.
  bool RunLocked(int worker, std::unique_lock<std::mutex>& lock) {
    bool woken = woken_.erase(worker) > 0;
    auto event = events_.find(worker);
    if (event == events_.end()) return woken;
    std::function<void()> run = std::move(event->second);
    events_.erase(event);
    lock.unlock();
    run();
    lock.lock();
    return true;
  }

  const int attached_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<int> woken_;
  std::map<int, std::function<void()>> events_;
  std::map<int, int> wakes_;
  std::map<int, int> polls_;
};

// A fiber on worker 1 of a two-worker scheduler with `port` parks; once its
// worker is idle, a plain thread wakes it with `code`. Returns what the
// fiber got.
int WakeParkedFiberOnWorker1(FakePort& port, int code) {
  Mailbox mailbox;
  int got = 0;
  Scheduler scheduler({.workers = 2, .idle_port = &port});
  scheduler.Spawn(
      [&] {
        auto event = mailbox.Take(milliseconds(5000));
        got = event ? std::get<ExitRequested>(*event).code : -1;
      },
      1);
  std::this_thread::sleep_for(milliseconds(50));  // parked, its worker idle
  mailbox.Put(ExitRequested{code});
  scheduler.Join();
  return got;
}

TEST(SchedulerTest, IdleWorkersWaitInThePortAndWakeThroughIt) {
  FakePort port(2);
  EXPECT_EQ(WakeParkedFiberOnWorker1(port, 42), 42);
  EXPECT_GE(port.wakes(1), 1);
  EXPECT_GE(port.polls(1), 1);  // it spun on the port before it waited
}

TEST(SchedulerTest, WorkersThePortDoesNotTakeSleepOnTheirOwn) {
  FakePort port(1);
  EXPECT_EQ(WakeParkedFiberOnWorker1(port, 7), 7);
  EXPECT_EQ(port.wakes(1), 0);
  EXPECT_EQ(port.polls(1), 0);
}

TEST(SchedulerTest, FiberFollowsTheWorkerWhosePortEventWokeIt) {
  FakePort port(2);
  Mailbox mailbox;
  std::vector<int> woken_on;
  std::atomic<int> event_worker{-2};
  Scheduler scheduler({.workers = 2, .idle_port = &port});
  EXPECT_EQ(Scheduler::CurrentWorker(), -1);
  scheduler.Spawn(
      [&] {
        for (int i = 0; i < 2; ++i) {
          ASSERT_TRUE(mailbox.Take(milliseconds(5000)).has_value());
          woken_on.push_back(Scheduler::CurrentWorker());
        }
      },
      1);
  for (int i = 0; i < 2; ++i) {
    std::this_thread::sleep_for(milliseconds(50));  // parked again
    port.Post(0, [&] {
      event_worker = Scheduler::CurrentWorker();
      mailbox.Put(ExitRequested{i});
    });
  }
  scheduler.Join();
  EXPECT_EQ(event_worker.load(), 0);
  // The first wake runs it where it was; from its next wait on it lives on
  // the event's worker, which then wakes it with no wake-up of another.
  EXPECT_EQ(woken_on, (std::vector<int>{1, 0}));
}

TEST(SchedulerTest, DeferWakesHoldsTheWakeUntilTheScopeEnds) {
  FakePort port(1);
  Mailbox mailbox;
  bool got = false;
  Scheduler scheduler({.workers = 1, .idle_port = &port});
  scheduler.Spawn([&] { got = mailbox.Take(milliseconds(5000)).has_value(); });
  std::this_thread::sleep_for(milliseconds(50));
  int before = port.wakes(0);
  {
    DeferWakes outer;
    {
      DeferWakes inner;
      mailbox.Put(ExitRequested{1});
    }
    EXPECT_EQ(port.wakes(0), before);
  }
  EXPECT_EQ(port.wakes(0), before + 1);
  scheduler.Join();
  EXPECT_TRUE(got);
}

}  // namespace
}  // namespace parigot::kernel
