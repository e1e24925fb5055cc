// Scheduler: guests as fibers over a pool of worker threads.
//
// A guest never blocks a thread. Each guest body runs on its own fiber
// (Boost.Context, with a guard page below its stack) pinned to one worker
// thread. When it must wait (read_one with nothing to read), it parks: its
// worker switches to the next ready fiber. Waking a fiber that lives on the
// waker's own worker is a queue push with no system call, so a call between
// two guests on one worker costs two fiber switches each way and no OS
// wake-up. Waking a fiber on another worker pushes onto that worker's inbox
// and, only if the worker sleeps, notifies it.
//
// Waiter is how code waits without knowing where it runs: on a scheduler
// fiber it parks the fiber; on any other thread (tests, tools) it blocks the
// thread.
//
// An idle worker spins on its inbox for a while, then sleeps on a condition
// variable; or, given an IdlePort, spins on its inbox and the port, then
// waits in the port: an idle worker of a networked host polls the network
// itself, so that the thread that receives a call or an answer is the one
// that runs the guest it is for.
//
// Thread safety: Spawn, Join and Waiter::Wake may be called from any thread.
// A Waiter is waited on by the thread or fiber that made it.
#ifndef PARIGOT_HOST_KERNEL_SCHEDULER_H_
#define PARIGOT_HOST_KERNEL_SCHEDULER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace parigot::kernel {

class Worker;
struct Task;

// Carries per-thread state with a fiber (e.g. an engine's trap unwind
// target and stack limit): each fiber has one slot per hook, null at first.
// `restore` runs on the worker thread just before the fiber is switched in,
// `save` just after it is switched out, and `release` once when the fiber
// has ended. Plain function pointers: they run on every switch.
struct FiberStateHook {
  void (*save)(void** slot);
  void (*restore)(void** slot);
  void (*release)(void* slot);
};

// What an idle worker waits on instead of its own condition variable: an
// event loop of some other library (kj calls it an EventPort), whose events
// the worker handles itself. host/net's polls a gRPC completion queue
// (net/worker_queue.h).
//
// The scheduler's constructor calls Attach once per worker, before the
// worker starts. An attached worker with nothing to run calls Poll for a
// short while (50 us), then Wait; anyone calls Wake to have it look at its
// inbox again. An event
// that Poll or Wait handles may wake fibers (Waiter::Wake, on the worker's
// thread but on no fiber): a fiber woken so moves to that worker from its
// next wait on, so that the next event for it is handled and run on one
// thread, with no wake-up in between.
//
// Thread safety: Wake from any thread; Wait(w) only on worker w's thread.
class IdlePort {
 public:
  using Clock = std::chrono::steady_clock;

  virtual ~IdlePort() = default;

  // Whether worker `worker` (0-based) waits in this port; if not, it sleeps
  // on its own.
  virtual bool Attach(int worker) = 0;

  // Handles one event of the port's own if one is ready, without waiting;
  // true if it did (or if a Wake came). Called in a spin loop: it may cost
  // a system call, not more.
  virtual bool Poll(int worker) = 0;

  // Returns after Wake(worker), at `deadline`, or after handling one event
  // of the port's own; may return early for no reason. A Wake that came
  // before the call makes it return at once.
  virtual void Wait(int worker, Clock::time_point deadline) = 0;

  // Makes the current or next Wait of `worker` return soon.
  virtual void Wake(int worker) = 0;
};

struct SchedulerOptions {
  // Worker threads. Default: DefaultWorkerCount().
  int workers = 0;
  // Usable stack of each fiber; a guard page lies below it, so running off
  // the end faults instead of corrupting memory. Default: 1 MiB.
  size_t stack_size = size_t{1} << 20;
  // Run on every fiber switch, in order. Default: none.
  std::vector<FiberStateHook> hooks;
  // Where idle workers wait (see IdlePort); must outlive the scheduler.
  // Default: null (they spin briefly on their inbox, then sleep).
  IdlePort* idle_port = nullptr;
};

class Scheduler {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Scheduler(SchedulerOptions options = {});
  // Waits for every spawned body to return, then stops the workers.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Identifies a spawned fiber until its body returns.
  using FiberId = Task*;

  // Runs `body` on a new fiber on worker `worker` (modulo the worker count;
  // negative: round-robin). Returns at once.
  FiberId Spawn(std::function<void()> body, int worker = -1);

  // Moves `fiber` to the worker that runs `with`, the next time it waits, so
  // that the two exchange wake-ups on one thread. REQUIRES: both fibers'
  // bodies have not returned.
  void Colocate(FiberId fiber, FiberId with);

  // Blocks until every spawned body has returned.
  void Join();
  // Join with a deadline; false if some body is still running then.
  bool JoinUntil(Clock::time_point deadline);

  int worker_count() const { return static_cast<int>(workers_.size()); }

  // One worker per core.
  static int DefaultWorkerCount();

  // True when the caller runs on one of this process's scheduler fibers.
  static bool OnFiber();

  // On a fiber: lets the other fibers ready on its worker run first (a
  // fiber that polls without waiting would otherwise keep its worker from
  // them), then returns; nothing when there is none. Elsewhere: nothing.
  static void Yield();

  // The index of the worker the caller runs on (on a fiber, or in an
  // IdlePort's Wait), or -1 on any other thread.
  static int CurrentWorker();

 private:
  friend class Worker;
  void TaskFinished();

  const SchedulerOptions options_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<unsigned> next_worker_{0};
  std::mutex mu_;
  std::condition_variable all_done_;
  size_t live_tasks_ = 0;  // guarded by mu_
};

// One wait of one fiber or thread. Make it, publish it to the waker (under
// the waker's lock), release that lock, then WaitUntil. Wake may come before
// the wait starts: it is not lost.
class Waiter {
 public:
  using Clock = Scheduler::Clock;

  Waiter();
  ~Waiter();
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  // Waits until Wake() or `deadline` (Clock::time_point::max(): forever).
  // Returns true if woken. Call once.
  bool WaitUntil(Clock::time_point deadline);

  // Ends the wait (or the next one, if it has not started). Only the first
  // call counts. The waiter must still exist: call it under the lock that
  // guards the waiter's publication.
  void Wake();

 private:
  Task* task_;  // the fiber that waits, or null for a plain thread
  // Plain-thread mode.
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
};

// Holds back, until the end of the scope, the wake-ups of sleeping workers
// (a futex call, or IdlePort::Wake) that Waiter::Wake and Spawn would make
// on this thread; the fibers themselves are queued at once, so an awake
// worker runs them without waiting for the scope to end.
//
// Why: a woken worker often runs at once, on the waker's core, preempting
// the waker. If the waker still holds the locks the woken fiber takes first
// (a mailbox's, the kernel's: wakes come from inside them), the fiber blocks
// on each in turn, and each costs two more context switches. Code that calls
// into the kernel from outside a fiber (a network library's callback) opens
// one around the call: the kernel's locks are released when it returns.
//
// Thread safety: confined to the thread that made it. Scopes nest (the
// outermost one wakes). REQUIRES: on a fiber, it ends before the fiber
// waits; the scheduler outlives it.
class DeferWakes {
 public:
  DeferWakes();
  ~DeferWakes();
  DeferWakes(const DeferWakes&) = delete;
  DeferWakes& operator=(const DeferWakes&) = delete;

 private:
  friend class Worker;
  void Add(Worker* worker);

  DeferWakes* const outer_;       // the scope that wakes, when this one nests
  std::vector<Worker*> workers_;  // to wake at the end, each once
};

}  // namespace parigot::kernel

#endif  // PARIGOT_HOST_KERNEL_SCHEDULER_H_
