// WorkerQueue: the gRPC completion queue of a host's calls (those it serves
// and those it sends), polled by one scheduler worker whenever that worker
// is idle: it is the scheduler's kernel::IdlePort.
//
// Why: when a call arrives on a thread of gRPC's and is handed to the
// guest's worker, the hand-over is a thread wake-up, and so is the answer's
// on the calling side. On a loaded machine each costs tens of microseconds:
// a call between two hosts cost three times a raw gRPC call. When the worker
// itself polls the queue, the thread that receives a call or an answer is
// the one that runs its guest: the scheduler moves a guest woken by the
// queue to that worker (kernel/scheduler.h, IdlePort).
//
// Why one worker: gRPC 1.51 (its epoll1 poller) lets one idle poller at a
// time read the sockets, whichever queue the data is for, and hands that
// role on after each event. With a queue per worker, the worker that read a
// call was often not the one whose queue it was for, and had to wake it
// (measured: about 40% more context switches per served call than with one
// polling worker). So the guests that serve or call other hosts gather on
// that worker; the others stay on theirs.
//
// Until a scheduler attaches its worker, and again after ReleaseWorker, a
// thread of the queue's own polls it: calls are served without a scheduler
// (tests), and operations in flight complete even when the worker never
// waits again (a guest that never ends).
#ifndef PARIGOT_HOST_NET_WORKER_QUEUE_H_
#define PARIGOT_HOST_NET_WORKER_QUEUE_H_

#include <grpcpp/alarm.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/server_builder.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "host/kernel/scheduler.h"

namespace parigot::net {

// An operation in flight on the queue: its address, as a QueueTag*, is the
// operation's gRPC tag, and whoever polls the queue calls Completed when the
// operation ends. It must live until then.
class QueueTag {
 public:
  // `ok` as gRPC reports it: false if the operation failed (e.g. the call
  // was cancelled, or the server is shutting down).
  virtual void Completed(bool ok) = 0;

  // The gRPC tag of this operation.
  void* tag() { return this; }
  // The operation whose tag gRPC returned.
  static QueueTag* FromTag(void* tag) { return static_cast<QueueTag*>(tag); }

 protected:
  ~QueueTag() = default;
};

// Thread safety: every method may be called from any thread, except
// IdlePort's Wait (the attached worker only).
class WorkerQueue : public kernel::IdlePort {
 public:
  // A queue of its own, for a host that serves nothing.
  WorkerQueue();
  // A server's queue (from its ServerBuilder), on which it takes calls too.
  explicit WorkerQueue(std::unique_ptr<grpc::ServerCompletionQueue> queue);
  // Shutdown().
  ~WorkerQueue() override;
  WorkerQueue(const WorkerQueue&) = delete;
  WorkerQueue& operator=(const WorkerQueue&) = delete;

  grpc::CompletionQueue& queue() { return *cq_; }
  // The queue, if it is a server's; otherwise null.
  grpc::ServerCompletionQueue* server_queue() { return server_cq_; }

  // Hands the queue back to a thread of its own (the worker, if it polls,
  // leaves it): what is in flight completes even if the worker never waits
  // again. The worker then sleeps on a condition variable. Idempotent.
  void ReleaseWorker();

  // ReleaseWorker, shuts the queue down, and returns once its last events
  // have been handled. REQUIRES: no operation is started on the queue
  // afterwards, and no server uses it any more (shut it down first).
  // Idempotent.
  void Shutdown();

  // kernel::IdlePort: worker 0 polls the queue. REQUIRES: Attach before
  // ReleaseWorker.
  bool Attach(int worker) override;
  bool Poll(int worker) override;
  void Wait(int worker, Clock::time_point deadline) override;
  void Wake(int worker) override;

 private:
  // The alarm that interrupts the poller's wait.
  class Interruption final : public QueueTag {
   public:
    explicit Interruption(WorkerQueue& queue) : queue_(queue) {}
    void Completed(bool ok) override;

   private:
    WorkerQueue& queue_;
  };

  // `server`: `queue` is a ServerCompletionQueue.
  WorkerQueue(std::unique_ptr<grpc::CompletionQueue> queue, bool server);
  // Makes whoever polls the queue return from its wait. False once the
  // queue is shut down.
  bool Interrupt();
  // On the worker: handles the queue's next event, waiting for it until
  // `deadline` (a gpr_timespec or a system_clock time point). Returns
  // whether it did; nullopt if the worker no longer polls the queue.
  template <typename Deadline>
  std::optional<bool> HandleNext(Deadline deadline);
  void PollOnOwnThread();
  void SleepOffQueue(Clock::time_point deadline);

  const std::unique_ptr<grpc::CompletionQueue> cq_;
  grpc::ServerCompletionQueue* const server_cq_;  // cq_, if a server's

  // Who polls: a thread of the queue's own, or the worker. The worker
  // announces worker_polling_ before it checks poller_ and enters the queue;
  // ReleaseWorker sets poller_ before it checks worker_polling_ (both
  // sequentially consistent): either the worker sees kThread and stays out,
  // or ReleaseWorker sees it inside and interrupts it.
  enum class Poller : uint8_t { kThread, kWorker };
  std::atomic<Poller> poller_{Poller::kThread};
  std::atomic<bool> worker_polling_{false};
  std::thread thread_;  // polls while poller_ is kThread

  // At most one interruption at a time: the alarm may be set again only
  // once gRPC has returned its tag.
  std::atomic<bool> alarm_pending_{false};
  std::mutex alarm_mu_;  // orders alarm_.Set against the queue's shutdown
  grpc::Alarm alarm_;
  Interruption interruption_{*this};
  bool shut_down_ = false;  // guarded by alarm_mu_

  // The worker's sleep while it does not poll, and ReleaseWorker's wait for
  // it to leave the queue.
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;  // guarded by mu_
};

}  // namespace parigot::net

#endif  // PARIGOT_HOST_NET_WORKER_QUEUE_H_
