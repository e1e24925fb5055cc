#include "host/kernel/scheduler.h"

#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <queue>
#include <thread>

namespace parigot::kernel {

namespace ctx = boost::context;
using Clock = Scheduler::Clock;

// One guest body on its fiber.
struct Task {
  enum WaitState : uint8_t { kIdle, kWaiting, kWoken, kTimedOut };

  std::function<void()> body;
  // Where wakes enqueue it. Changes only while the task is parked (see
  // Worker::RunTask), so any value a waker reads is a correct place.
  std::atomic<Worker*> worker{nullptr};
  // Where Colocate (or an idle port's event that woke it) wants it; applied
  // the next time it parks.
  std::atomic<Worker*> home{nullptr};
  ctx::fiber fiber;  // the task, while it is not running
  ctx::fiber sink;   // the worker's loop, while the task runs
  std::atomic<bool> done{false};
  // One for the fiber plus one per timer still in some worker's heap; the
  // last to let go frees the task.
  std::atomic<int> refs{1};
  std::atomic<uint8_t> wait{kIdle};
  std::atomic<uint64_t> wait_generation{0};
  std::vector<void*> saved_state;  // one slot per FiberStateHook

  void Release() {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};

namespace {
thread_local Worker* tls_worker = nullptr;

// Tells the core we are spinning (saves power, frees the sibling hyperthread).
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

thread_local Task* tls_task = nullptr;
// The outermost DeferWakes scope open on this thread, if any.
thread_local DeferWakes* tls_deferred_wakes = nullptr;
}  // namespace

class Worker {
 public:
  Worker(Scheduler& scheduler, const SchedulerOptions& options, int index)
      : scheduler_(scheduler),
        hooks_(options.hooks),
        index_(index),
        port_(options.idle_port),
        in_port_(port_ != nullptr && port_->Attach(index)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Worker() {
    {
      std::lock_guard lock(inbox_mu_);
      stopping_ = true;
    }
    Notify();
    thread_.join();
  }

  // From any thread.
  void Enqueue(Task* task) {
    if (tls_worker == this) {
      ready_.push_back(task);
      return;
    }
    bool wake;
    {
      std::lock_guard lock(inbox_mu_);
      inbox_.push_back(task);
      has_inbox_.store(true, std::memory_order_release);
      wake = sleeping_;
    }
    if (!wake) return;
    if (tls_deferred_wakes != nullptr) {
      tls_deferred_wakes->Add(this);
    } else {
      Notify();
    }
  }

  // Ends the worker's sleep (or, harmlessly, its next one). From any thread.
  void Notify() {
    if (in_port_) {
      port_->Wake(index_);
    } else {
      inbox_cv_.notify_one();
    }
  }

  // On the task's own fiber, on this worker's thread: switch to the worker
  // until the task is enqueued again (by Wake or by its timer).
  void Park(Task* task, Clock::time_point deadline) {
    if (deadline != Clock::time_point::max()) {
      task->refs.fetch_add(1, std::memory_order_relaxed);
      timers_.push(Timer{deadline, task, task->wait_generation.load()});
    }
    task->sink = std::move(task->sink).resume();
  }

  // On the task's own fiber, on this worker's thread: lets the fibers that
  // are ready here (or wait in the inbox, or whose wait timed out) run
  // before it, then resumes it. Costs nothing when none is.
  void Yield(Task* task) {
    if (has_inbox_.load(std::memory_order_acquire)) {
      std::lock_guard lock(inbox_mu_);
      for (Task* incoming : inbox_) ready_.push_back(incoming);
      inbox_.clear();
      has_inbox_.store(false, std::memory_order_relaxed);
    }
    FireTimers();
    // The port's events (a call from another host) may be for fibers here.
    if (in_port_) port_->Poll(index_);
    if (ready_.empty()) return;
    ready_.push_back(task);
    task->sink = std::move(task->sink).resume();
  }

  static Worker* Current() { return tls_worker; }
  int index() const { return index_; }

 private:
  struct Timer {
    Clock::time_point at;
    Task* task;
    uint64_t generation;
    bool operator>(const Timer& other) const { return at > other.at; }
  };

  void Run() {
    tls_worker = this;
    std::vector<Task*> incoming;
    for (;;) {
      if (ready_.empty()) SpinForWork();
      {
        std::unique_lock lock(inbox_mu_);
        if (ready_.empty() && inbox_.empty()) {
          if (stopping_) {
            DropTimers();
            return;
          }
          sleeping_ = true;
          if (in_port_) {
            // Events the port handles may queue fibers here (ready_).
            lock.unlock();
            port_->Wait(index_, timers_.empty() ? Clock::time_point::max()
                                                : timers_.top().at);
            lock.lock();
          } else if (timers_.empty()) {
            inbox_cv_.wait(lock, [&] { return !inbox_.empty() || stopping_; });
          } else {
            inbox_cv_.wait_until(lock, timers_.top().at,
                                 [&] { return !inbox_.empty() || stopping_; });
          }
          sleeping_ = false;
        }
        incoming.swap(inbox_);
        has_inbox_.store(false, std::memory_order_relaxed);
      }
      for (Task* task : incoming) ready_.push_back(task);
      incoming.clear();
      FireTimers();
      while (!ready_.empty()) {
        Task* task = ready_.front();
        ready_.pop_front();
        RunTask(task);
      }
    }
  }

  // Polls the inbox for a short while before the worker goes to sleep: a
  // wake from another worker that arrives meanwhile costs no system call on
  // either side. Bounded, so an idle worker soon stops using its core.
  void SpinForWork() {
    if (in_port_) {
      SpinOnPort();
      return;
    }
    // About 110 us on this project's 2-core VM (a pause is ~27 ns there).
    constexpr int kSpins = 4000;
    for (int i = 0; i < kSpins; ++i) {
      if (has_inbox_.load(std::memory_order_acquire)) return;
      if (!timers_.empty() && (i & 63) == 0 && timers_.top().at <= Clock::now()) {
        return;
      }
      CpuRelax();
    }
  }

  // The same with the port polled too: an event that comes meanwhile (a
  // call, or an answer a guest here waits for) costs no sleep and wake-up
  // of this thread. A poll costs a system call, so the spin is bounded by
  // time. Measured on a 2-core VM, two hosts calling each other: 50 us gave
  // the same round trips as 100 us, and each was ~20% faster than none.
  void SpinOnPort() {
    constexpr auto kSpin = std::chrono::microseconds(50);
    Clock::time_point until = Clock::now() + kSpin;
    while (!has_inbox_.load(std::memory_order_acquire)) {
      if (port_->Poll(index_)) return;  // it may have queued fibers here
      Clock::time_point now = Clock::now();
      if (now >= until || (!timers_.empty() && timers_.top().at <= now)) return;
    }
  }

  void FireTimers() {
    if (timers_.empty()) return;
    Clock::time_point now = Clock::now();
    while (!timers_.empty() && timers_.top().at <= now) {
      Timer timer = timers_.top();
      timers_.pop();
      Task* task = timer.task;
      uint8_t expected = Task::kWaiting;
      if (!task->done.load() && timer.generation == task->wait_generation.load() &&
          task->wait.compare_exchange_strong(expected, Task::kTimedOut)) {
        task->worker.load()->Enqueue(task);
      }
      task->Release();
    }
  }

  void RunTask(Task* task) {
    tls_task = task;
    for (size_t i = 0; i < hooks_.size(); ++i) hooks_[i].restore(&task->saved_state[i]);
    task->fiber = std::move(task->fiber).resume();
    for (size_t i = 0; i < hooks_.size(); ++i) hooks_[i].save(&task->saved_state[i]);
    tls_task = nullptr;
    if (task->done.load()) {
      for (size_t i = 0; i < hooks_.size(); ++i) hooks_[i].release(task->saved_state[i]);
      scheduler_.TaskFinished();
      task->Release();  // timers still in a heap hold it until they fire
      return;
    }
    // Parked: nobody runs it now, so it may change workers. A wake already
    // enqueued here still resumes it here, once; later wakes go there.
    Worker* home = task->home.exchange(nullptr);
    if (home != nullptr) task->worker.store(home);
  }

  // At shutdown every task is done; only their stale timers remain.
  void DropTimers() {
    while (!timers_.empty()) {
      Task* task = timers_.top().task;
      timers_.pop();
      task->Release();
    }
  }

  Scheduler& scheduler_;
  const std::vector<FiberStateHook> hooks_;
  const int index_;
  IdlePort* const port_;  // null: none
  const bool in_port_;    // whether this worker waits in port_
  std::thread thread_;
  std::deque<Task*> ready_;  // worker thread only
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::mutex inbox_mu_;
  std::condition_variable inbox_cv_;
  std::vector<Task*> inbox_;  // guarded by inbox_mu_
  // Whether inbox_ may be non-empty, readable without the lock.
  std::atomic<bool> has_inbox_{false};
  bool sleeping_ = false;     // guarded by inbox_mu_
  bool stopping_ = false;     // guarded by inbox_mu_
};

Scheduler::Scheduler(SchedulerOptions options) : options_(std::move(options)) {
  int count = options_.workers > 0 ? options_.workers : DefaultWorkerCount();
  for (int i = 0; i < count; ++i) {
    workers_.push_back(std::make_unique<Worker>(*this, options_, i));
  }
}

int Scheduler::DefaultWorkerCount() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

Scheduler::~Scheduler() {
  Join();
  workers_.clear();
}

Scheduler::FiberId Scheduler::Spawn(std::function<void()> body, int worker) {
  size_t index = worker >= 0 ? static_cast<size_t>(worker) : next_worker_++;
  Worker* target = workers_[index % workers_.size()].get();
  auto* task = new Task;
  task->body = std::move(body);
  task->worker.store(target);
  task->saved_state.assign(options_.hooks.size(), nullptr);
  task->fiber = ctx::fiber(
      std::allocator_arg, ctx::protected_fixedsize_stack(options_.stack_size),
      [task](ctx::fiber&& sink) {
        task->sink = std::move(sink);
        task->body();
        task->done.store(true);
        return std::move(task->sink);
      });
  {
    std::lock_guard lock(mu_);
    ++live_tasks_;
  }
  target->Enqueue(task);
  return task;
}

void Scheduler::Colocate(FiberId fiber, FiberId with) {
  Worker* target = with->home.load();
  if (target == nullptr) target = with->worker.load();
  if (target != fiber->worker.load()) fiber->home.store(target);
}

void Scheduler::Join() {
  std::unique_lock lock(mu_);
  all_done_.wait(lock, [this] { return live_tasks_ == 0; });
}

bool Scheduler::JoinUntil(Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return all_done_.wait_until(lock, deadline, [this] { return live_tasks_ == 0; });
}

void Scheduler::TaskFinished() {
  std::lock_guard lock(mu_);
  if (--live_tasks_ == 0) all_done_.notify_all();
}

bool Scheduler::OnFiber() { return tls_task != nullptr; }

void Scheduler::Yield() {
  if (tls_task != nullptr && tls_worker != nullptr) tls_worker->Yield(tls_task);
}

int Scheduler::CurrentWorker() {
  return tls_worker != nullptr ? tls_worker->index() : -1;
}

Waiter::Waiter() : task_(tls_task) {
  if (task_ != nullptr) {
    task_->wait_generation.fetch_add(1);
    task_->wait.store(Task::kWaiting);
  }
}

Waiter::~Waiter() {
  if (task_ != nullptr) task_->wait.store(Task::kIdle);
}

bool Waiter::WaitUntil(Clock::time_point deadline) {
  if (task_ == nullptr) {
    std::unique_lock lock(mu_);
    if (deadline == Clock::time_point::max()) {
      cv_.wait(lock, [this] { return woken_; });
      return true;
    }
    return cv_.wait_until(lock, deadline, [this] { return woken_; });
  }
  // Parks even when already woken: Wake has enqueued the task exactly once,
  // and that entry is what resumes it.
  // A wait without a deadline (the usual one) reads no clock.
  uint8_t state = task_->wait.load();
  if (deadline != Clock::time_point::max() && state == Task::kWaiting &&
      deadline <= Clock::now()) {
    uint8_t expected = Task::kWaiting;
    if (task_->wait.compare_exchange_strong(expected, Task::kTimedOut)) {
      return false;  // nobody enqueued us: no need to park
    }
  }
  Worker::Current()->Park(task_, deadline);
  return task_->wait.load() == Task::kWoken;
}

void Waiter::Wake() {
  if (task_ == nullptr) {
    std::lock_guard lock(mu_);
    woken_ = true;
    cv_.notify_one();
    return;
  }
  uint8_t expected = Task::kWaiting;
  if (task_->wait.compare_exchange_strong(expected, Task::kWoken)) {
    // On a worker but on no fiber: an event its IdlePort handled. The fiber
    // follows it (from its next wait on), so that the next such event wakes
    // it on this thread.
    Worker* here = Worker::Current();
    if (here != nullptr && tls_task == nullptr && task_->worker.load() != here) {
      task_->home.store(here);
    }
    task_->worker.load()->Enqueue(task_);
  }
}

DeferWakes::DeferWakes() : outer_(tls_deferred_wakes) {
  if (outer_ == nullptr) tls_deferred_wakes = this;
}

DeferWakes::~DeferWakes() {
  if (outer_ != nullptr) return;
  tls_deferred_wakes = nullptr;
  for (Worker* worker : workers_) worker->Notify();
}

void DeferWakes::Add(Worker* worker) {
  if (std::find(workers_.begin(), workers_.end(), worker) == workers_.end()) {
    workers_.push_back(worker);
  }
}

}  // namespace parigot::kernel
