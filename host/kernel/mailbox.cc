#include "host/kernel/mailbox.h"

namespace parigot::kernel {

void Mailbox::Put(Event event) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  events_.push_back(std::move(event));
  // Woken under the lock: the taker cannot have gone and freed its waiter.
  if (waiter_ != nullptr) std::exchange(waiter_, nullptr)->Wake();
}

std::optional<Event> Mailbox::Take(std::chrono::milliseconds timeout) {
  using Clock = Waiter::Clock;
  Clock::time_point deadline = timeout.count() < 0
                                   ? Clock::time_point::max()
                                   : Clock::now() + timeout;
  std::unique_lock lock(mu_);
  for (;;) {
    if (!events_.empty()) {
      Event event = std::move(events_.front());
      events_.pop_front();
      return event;
    }
    if (closed_ || timeout.count() == 0) return std::nullopt;
    Waiter waiter;
    waiter_ = &waiter;
    lock.unlock();
    bool woken = waiter.WaitUntil(deadline);
    lock.lock();
    if (waiter_ == &waiter) waiter_ = nullptr;
    if (!woken && events_.empty()) return std::nullopt;
  }
}

void Mailbox::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  events_.clear();
  if (waiter_ != nullptr) std::exchange(waiter_, nullptr)->Wake();
}

}  // namespace parigot::kernel
