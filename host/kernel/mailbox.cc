#include "host/kernel/mailbox.h"

namespace parigot::kernel {

void Mailbox::Put(Event event) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  events_.push_back(std::move(event));
  // Woken under the lock: the taker cannot have gone and freed its waiter.
  if (waiter_ != nullptr) std::exchange(waiter_, nullptr)->Wake();
}

bool Mailbox::WaitLocked(std::unique_lock<std::mutex>& lock,
                         std::chrono::milliseconds timeout) {
  using Clock = Waiter::Clock;
  // Read the clock only for a wait that needs it: a poll, or a take that
  // finds an event, costs no clock read.
  std::optional<Clock::time_point> deadline;
  for (;;) {
    if (!events_.empty()) return true;
    if (closed_ || timeout.count() == 0) return false;
    if (!deadline) {
      deadline = timeout.count() < 0 ? Clock::time_point::max() : Clock::now() + timeout;
    }
    Waiter waiter;
    waiter_ = &waiter;
    lock.unlock();
    bool woken = waiter.WaitUntil(*deadline);
    lock.lock();
    if (waiter_ == &waiter) waiter_ = nullptr;
    if (!woken && events_.empty()) return false;
  }
}

std::vector<Event> Mailbox::Drain() {
  std::lock_guard lock(mu_);
  std::vector<Event> out(std::make_move_iterator(events_.begin()),
                         std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

std::optional<Event> Mailbox::Take(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!WaitLocked(lock, timeout)) return std::nullopt;
  Event event = std::move(events_.front());
  events_.pop_front();
  return event;
}

namespace {
size_t PayloadSize(const Event& event) {
  if (const auto* call = std::get_if<IncomingCall>(&event)) return call->param.size();
  if (const auto* resolved = std::get_if<CallResolved>(&event)) return resolved->result.size();
  if (const auto* launch = std::get_if<LaunchCompleted>(&event)) return launch->detail.size();
  return 0;
}
}  // namespace

size_t Mailbox::TakeBatch(std::chrono::milliseconds timeout, size_t max_events,
                          size_t max_bytes, std::vector<Event>* events) {
  std::unique_lock lock(mu_);
  if (!WaitLocked(lock, timeout)) return 0;
  size_t taken = 0;
  size_t bytes = 0;
  while (!events_.empty()) {
    events->push_back(std::move(events_.front()));
    events_.pop_front();
    ++taken;
    bytes += PayloadSize(events->back());
    if (taken >= max_events || bytes >= max_bytes ||
        std::holds_alternative<IncomingCall>(events->back())) {
      break;
    }
  }
  return taken;
}

void Mailbox::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  events_.clear();
  if (waiter_ != nullptr) std::exchange(waiter_, nullptr)->Wake();
}

}  // namespace parigot::kernel
