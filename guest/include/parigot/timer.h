// Timers: wait, or run something later or periodically, on the guest's
// event loop.
//
//   parigot::sleep(100).then([] { parigot::log::info("100 ms later"); });
//
//   parigot::Timer tick = parigot::every(1000, [] { Report(); });
//   ...
//   tick.cancel();
//
//   parigot::Timer alarm = parigot::once(500, [] { GiveUp(); });
//   ...
//   alarm.cancel();   // before it ran: it never will
//
// Resolution is about a millisecond: the loop waits for the host's events at
// most until the earliest timer is due, then runs every timer that is due,
// in due order (timers due at the same time in the order they were made).
// A timer never runs early; it runs late when the guest is busy (a callback
// or a method runs first), and a periodic timer that falls behind skips the
// runs it missed. Timers count as pending work: a program whose only work
// left is a timer keeps running until it fires. They never keep an
// application alive: it ends with its programs, as always.
//
// Everything here is loop-confined (program.h).
#ifndef PARIGOT_TIMER_H_
#define PARIGOT_TIMER_H_

#include <cstdint>
#include <functional>

#include "parigot/future.h"
#include "parigot/program.h"

namespace parigot {

// A handle on a timer made by once() or every(). Cheap to copy; copies name the same
// timer.
class Timer {
 public:
  // Stops the timer: its callback does not run again (a callback running
  // now finishes). Cancelling a cancelled timer does nothing.
  void cancel() const;
  // Whether it is still to run.
  bool active() const;

 private:
  friend Timer every(uint32_t ms, std::function<void()> fn);
  friend Timer once(uint32_t ms, std::function<void()> fn);
  explicit Timer(uint64_t id) : id_(id) {}
  uint64_t id_;
};

// A future that completes `ms` milliseconds from now (0: at the loop's next
// turn). It never fails.
[[nodiscard]] Future<void, KernelErr> sleep(uint32_t ms);
// The same as sleep(ms), for code that reads better so:
// `after(50).then(retry)`.
[[nodiscard]] Future<void, KernelErr> after(uint32_t ms);

// Runs fn() once, `ms` milliseconds from now, unless the returned timer is
// cancelled first: a sleep() that can be called off.
Timer once(uint32_t ms, std::function<void()> fn);

// Runs fn() every `ms` milliseconds, the first time `ms` from now, until
// the returned timer is cancelled. REQUIRES: ms > 0 (0 is taken as 1).
Timer every(uint32_t ms, std::function<void()> fn);

}  // namespace parigot

#endif  // PARIGOT_TIMER_H_
