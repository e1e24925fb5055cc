#include "host/kernel/restart.h"

#include <algorithm>

namespace parigot::kernel {

RestartHistory::Decision RestartHistory::OnEnd(const RestartPolicy& policy, bool failed,
                                               Clock::time_point now) {
  Decision decision;
  decision.total_restarts = total_;
  bool wanted = policy.mode == RestartMode::kAlways ||
                (policy.mode == RestartMode::kOnFailure && failed);
  if (!wanted) return decision;
  while (!restarts_.empty() && now - restarts_.front() >= policy.window) {
    restarts_.pop_front();
  }
  int in_window = static_cast<int>(restarts_.size());
  if (in_window >= policy.max_restarts) {
    decision.kind = Decision::Kind::kGiveUp;
    decision.restarts_in_window = in_window;
    return decision;
  }
  // backoff * 2^in_window, without overflow: the cap is reached long before.
  std::chrono::milliseconds delay = policy.backoff;
  for (int i = 0; i < in_window && delay < kMaxRestartDelay; ++i) delay *= 2;
  restarts_.push_back(now);
  ++total_;
  decision.kind = Decision::Kind::kRestart;
  decision.delay = std::min(delay, kMaxRestartDelay);
  decision.restarts_in_window = in_window + 1;
  decision.total_restarts = total_;
  return decision;
}

}  // namespace parigot::kernel
