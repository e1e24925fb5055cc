// Supervision: when a guest that ended is started again, and when its
// restarts are too many for the application to go on.
//
// The rule is Erlang's supervisor intensity with Kubernetes' crash-loop
// back-off: a guest that fails is restarted after a delay that doubles with
// each restart in the current window (RestartBackoff, 2x, 4x, ... capped at
// kMaxRestartDelay); once it has been restarted MaxRestarts times within
// RestartWindow, the next failure ends the application instead. A window
// without restarts resets the delay.
//
// Pure logic over times the caller passes in, so it is unit-tested without
// clocks. Thread safety: none; the kernel guards each guest's history with
// its own lock.
#ifndef PARIGOT_HOST_KERNEL_RESTART_H_
#define PARIGOT_HOST_KERNEL_RESTART_H_

#include <chrono>
#include <deque>
#include <string_view>

namespace parigot::kernel {

// When a guest that ended is started again (descriptor key Restart).
enum class RestartMode {
  kNever,      // never: the default for Main and Test programs
  kOnFailure,  // after a trap, a kill or a non-zero exit: services' default
  kAlways,     // after any end, a clean exit too
};

struct RestartPolicy {
  RestartMode mode = RestartMode::kNever;
  // At most this many restarts within `window` (descriptor keys MaxRestarts,
  // RestartWindow); one more failure ends the application.
  int max_restarts = 5;
  std::chrono::milliseconds window{60000};
  // The first restart's delay; each further restart within the window
  // doubles it (descriptor key RestartBackoff).
  std::chrono::milliseconds backoff{100};
};

// The longest delay back-off reaches.
inline constexpr std::chrono::milliseconds kMaxRestartDelay{10000};

// One guest's restarts, and the decision after each of its ends.
class RestartHistory {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    enum class Kind {
      kEnd,      // the policy does not restart after such an end
      kRestart,  // start it again after `delay`
      kGiveUp,   // too many restarts: the application must end
    };
    Kind kind = Kind::kEnd;
    std::chrono::milliseconds delay{0};
    // kRestart: this restart's number within the window (1 for the first);
    // kGiveUp: the restarts already made within it.
    int restarts_in_window = 0;
    // Every restart so far, this one included.
    int total_restarts = 0;
  };

  // The guest ended at `now`; `failed` if it trapped, was killed or exited
  // with a non-zero code. Records the restart it decides on.
  Decision OnEnd(const RestartPolicy& policy, bool failed, Clock::time_point now);

 private:
  std::deque<Clock::time_point> restarts_;  // within the last window
  int total_ = 0;
};

}  // namespace parigot::kernel

#endif  // PARIGOT_HOST_KERNEL_RESTART_H_
