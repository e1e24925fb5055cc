#include "host/net/worker_queue.h"

#include <grpc/support/time.h>

#include "host/net/wire.h"

namespace parigot::net {

WorkerQueue::WorkerQueue()
    : WorkerQueue(std::make_unique<grpc::CompletionQueue>(), false) {}

WorkerQueue::WorkerQueue(std::unique_ptr<grpc::ServerCompletionQueue> queue)
    : WorkerQueue(std::move(queue), true) {}

WorkerQueue::WorkerQueue(std::unique_ptr<grpc::CompletionQueue> queue, bool server)
    : cq_(std::move(queue)),
      server_cq_(server ? static_cast<grpc::ServerCompletionQueue*>(cq_.get())
                        : nullptr) {
  thread_ = std::thread([this] { PollOnOwnThread(); });
}

WorkerQueue::~WorkerQueue() { Shutdown(); }

// Whoever polls runs it: the worker returns from Wait, or the own thread
// looks at poller_ again. A worker that no longer polls may have been the
// one to wake: it is woken off the queue as well.
void WorkerQueue::Interruption::Completed(bool) {
  queue_.alarm_pending_.store(false);
  if (queue_.poller_.load() != Poller::kWorker) {
    std::lock_guard lock(queue_.mu_);
    queue_.woken_ = true;
    queue_.cv_.notify_all();
  }
}

void WorkerQueue::PollOnOwnThread() {
  void* tag;
  bool ok;
  while (cq_->Next(&tag, &ok)) {
    QueueTag::FromTag(tag)->Completed(ok);
    if (poller_.load() != Poller::kThread) return;  // the worker took over
  }
}

bool WorkerQueue::Interrupt() {
  if (alarm_pending_.exchange(true)) return true;  // one is on its way
  std::lock_guard lock(alarm_mu_);
  if (shut_down_) {
    alarm_pending_.store(false);
    return false;
  }
  // An alarm already due: gRPC queues its tag at once, waking the poller.
  alarm_.Set(cq_.get(), gpr_inf_past(GPR_CLOCK_MONOTONIC), interruption_.tag());
  return true;
}

bool WorkerQueue::Attach(int worker) {
  if (worker != 0) return false;
  poller_.store(Poller::kWorker);
  Interrupt();
  thread_.join();
  return true;
}

template <typename Deadline>
std::optional<bool> WorkerQueue::HandleNext(Deadline deadline) {
  worker_polling_.store(true);
  if (poller_.load() == Poller::kWorker) {
    void* tag;
    bool ok;
    bool handled = cq_->AsyncNext(&tag, &ok, deadline) == grpc::CompletionQueue::GOT_EVENT;
    if (handled) QueueTag::FromTag(tag)->Completed(ok);
    worker_polling_.store(false);
    if (poller_.load() == Poller::kWorker) return handled;
  } else {
    worker_polling_.store(false);
  }
  std::lock_guard lock(mu_);
  cv_.notify_all();  // ReleaseWorker may wait for us to leave
  return std::nullopt;
}

bool WorkerQueue::Poll(int) {
  std::optional<bool> handled = HandleNext(gpr_inf_past(GPR_CLOCK_MONOTONIC));
  return handled.value_or(false);
}

void WorkerQueue::Wait(int, Clock::time_point deadline) {
  if (!HandleNext(ToSystemClock(deadline))) SleepOffQueue(deadline);
}

void WorkerQueue::SleepOffQueue(Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  if (deadline == Clock::time_point::max()) {
    cv_.wait(lock, [this] { return woken_; });
  } else {
    cv_.wait_until(lock, deadline, [this] { return woken_; });
  }
  woken_ = false;
}

void WorkerQueue::Wake(int) {
  if (poller_.load() == Poller::kWorker && Interrupt()) return;
  std::lock_guard lock(mu_);
  woken_ = true;
  cv_.notify_all();
}

void WorkerQueue::ReleaseWorker() {
  if (poller_.load() != Poller::kWorker) return;
  poller_.store(Poller::kThread);
  Interrupt();
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !worker_polling_.load(); });
  }
  thread_ = std::thread([this] { PollOnOwnThread(); });
}

void WorkerQueue::Shutdown() {
  ReleaseWorker();
  {
    std::lock_guard lock(alarm_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    cq_->Shutdown();
  }
  thread_.join();
}

}  // namespace parigot::net
