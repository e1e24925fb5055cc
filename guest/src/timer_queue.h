// TimerQueue: one guest's timers, by due time. The run loop asks it how long
// it may wait (NextDue) and runs what is due (RunDue); the timer API
// (parigot/timer.h) adds and cancels.
//
// A binary heap of (due, sequence, id) with lazy cancellation: Add and
// RunDue cost O(log n), Cancel O(1) amortised (its heap entry is dropped
// when it comes up, or when cancelled entries outnumber live ones). Timers due at the same time run in the order they were added. A
// periodic timer is re-armed before its callback runs (so the callback may
// cancel it), at its next multiple of the period after `now`: a guest that
// fell behind skips the runs it missed instead of running them in a burst.
//
// Times are nanoseconds on one monotonic clock, given by the caller, so the
// queue is testable without one. Loop-confined, like the rest of the SDK.
#ifndef PARIGOT_GUEST_SRC_TIMER_QUEUE_H_
#define PARIGOT_GUEST_SRC_TIMER_QUEUE_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace parigot::internal {

class TimerQueue {
 public:
  // Runs `fn` at `due` (and, with a positive `period`, every `period` after
  // it, until cancelled). Returns the timer's id, never 0.
  uint64_t Add(int64_t due, int64_t period, std::function<void()> fn) {
    uint64_t id = ++last_id_;
    timers_.emplace(id, Timer{period, std::move(fn)});
    Push(Entry{due, id});
    return id;
  }

  // Stops timer `id` if it is still to run; an unknown id is ignored.
  void Cancel(uint64_t id) {
    timers_.erase(id);
    // Cancelled entries wait in the heap until they come up; a guest that
    // cancels most of its timers early (WithTimeout on quick calls) would
    // pile them up, so past twice the live ones they are dropped at once.
    if (heap_.size() > 2 * timers_.size() + kCompactSlack) Compact();
  }

  bool Active(uint64_t id) const { return timers_.contains(id); }

  // Timers still to run.
  size_t size() const { return timers_.size(); }
  // Entries in the heap, cancelled ones included (for tests).
  size_t heap_size() const { return heap_.size(); }

  // The due time of the earliest timer still to run, or nullopt.
  std::optional<int64_t> NextDue() {
    DropCancelled();
    if (heap_.empty()) return std::nullopt;
    return heap_.front().due;
  }

  // Runs every timer due at `now`, earliest first (timers that callbacks add
  // run in this call if they are due too).
  void RunDue(int64_t now) {
    for (;;) {
      DropCancelled();
      if (heap_.empty() || heap_.front().due > now) return;
      Entry entry = heap_.front();
      Pop();
      auto it = timers_.find(entry.id);
      if (it->second.period > 0) {
        const int64_t period = it->second.period;
        const int64_t missed = (now - entry.due) / period;
        Push(Entry{entry.due + (missed + 1) * period, entry.id});
        std::function<void()> fn = it->second.fn;  // the callback may cancel it
        fn();
      } else {
        std::function<void()> fn = std::move(it->second.fn);
        timers_.erase(it);
        fn();
      }
    }
  }

 private:
  struct Timer {
    int64_t period;
    std::function<void()> fn;
  };
  struct Entry {
    int64_t due;
    uint64_t id;  // ids grow: equal dues run in the order they were added
    bool operator>(const Entry& other) const {
      return due != other.due ? due > other.due : id > other.id;
    }
  };

  static constexpr size_t kCompactSlack = 64;

  // Rebuilds the heap from the entries of live timers: O(n), once per n
  // cancellations at least, so O(1) amortised.
  void Compact() {
    std::erase_if(heap_, [this](const Entry& entry) { return !timers_.contains(entry.id); });
    std::make_heap(heap_.begin(), heap_.end(), std::greater<Entry>());
  }

  void Push(Entry entry) {
    heap_.push_back(entry);
    std::push_heap(heap_.begin(), heap_.end(), std::greater<Entry>());
  }
  void Pop() {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<Entry>());
    heap_.pop_back();
  }

  void DropCancelled() {
    while (!heap_.empty() && !timers_.contains(heap_.front().id)) Pop();
  }

  uint64_t last_id_ = 0;
  std::unordered_map<uint64_t, Timer> timers_;
  std::vector<Entry> heap_;  // a min-heap by (due, id)
};

}  // namespace parigot::internal

#endif  // PARIGOT_GUEST_SRC_TIMER_QUEUE_H_
