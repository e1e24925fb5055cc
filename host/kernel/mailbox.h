// Mailbox: the queue of events waiting for one guest.
#ifndef PARIGOT_HOST_KERNEL_MAILBOX_H_
#define PARIGOT_HOST_KERNEL_MAILBOX_H_

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "host/kernel/scheduler.h"
#include "host/kernel/types.h"

namespace parigot::kernel {

// A FIFO of events with a blocking, timed take. Taking parks the guest's
// fiber (or blocks a plain thread) through a Waiter, so a Put from a guest on
// the same worker wakes the taker without any system call.
//
// Thread safety: every method may be called from any thread. Exactly one
// thread or fiber (the guest's) takes; any number put.
class Mailbox {
 public:
  Mailbox() = default;
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  // Appends an event and wakes the taker. Ignored after Close().
  void Put(Event event);

  // Waits up to `timeout` for an event (negative: forever, zero: poll).
  // Returns nullopt on timeout or when the mailbox is closed and empty.
  std::optional<Event> Take(std::chrono::milliseconds timeout);

  // Take for a batch, under one lock: waits like Take for the first event,
  // then also takes those queued behind it, without waiting, appending them
  // all to `*events` (oldest first). Stops at `max_events` events (at least
  // one is taken), after an IncomingCall, or once the events' payloads
  // (param, result, detail) reach `max_bytes`. Returns how many it took
  // (0: timeout or closed).
  size_t TakeBatch(std::chrono::milliseconds timeout, size_t max_events,
                   size_t max_bytes, std::vector<Event>* events);

  // Takes every queued event at once, without waiting (oldest first). The
  // mailbox stays open: a restarted guest's next instance takes from it.
  std::vector<Event> Drain();

  // Drops the queued events and makes every later Put a no-op; wakes a
  // blocked Take.
  void Close();

 private:
  // With `lock` held on mu_: waits until an event is queued (true) or the
  // timeout passes or the mailbox is closed (false).
  bool WaitLocked(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds timeout);

  std::mutex mu_;
  std::deque<Event> events_;    // guarded by mu_
  bool closed_ = false;         // guarded by mu_
  Waiter* waiter_ = nullptr;    // guarded by mu_: the Take waiting, if any
};

}  // namespace parigot::kernel

#endif  // PARIGOT_HOST_KERNEL_MAILBOX_H_
