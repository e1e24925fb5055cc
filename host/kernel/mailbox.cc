#include "host/kernel/mailbox.h"

namespace parigot::kernel {

void Mailbox::Put(Event event) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    events_.push_back(std::move(event));
  }
  cv_.notify_one();
}

std::optional<Event> Mailbox::Take(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  auto ready = [this] { return !events_.empty() || closed_; };
  if (timeout.count() < 0) {
    cv_.wait(lock, ready);
  } else if (!cv_.wait_for(lock, timeout, ready)) {
    return std::nullopt;
  }
  if (events_.empty()) return std::nullopt;
  Event event = std::move(events_.front());
  events_.pop_front();
  return event;
}

void Mailbox::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    events_.clear();
  }
  cv_.notify_all();
}

}  // namespace parigot::kernel
