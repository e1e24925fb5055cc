// Combinators that wait, on the SDK's timers (parigot/timer.h):
//
//   WithTimeout(f, ms)      f, or a failure once `ms` have passed
//   Retry(fn, policy)       fn() again, after a back-off, while it fails
//                           for a reason that may pass
//
//   // A price within 20 ms, whatever the store does:
//   parigot::WithTimeout(pricing.Price(req), 20)
//       .or_else([](PricingErr e, parigot::CallCause cause) { ... });
//
//   // An idempotent read, up to 3 times, 10 ms then 20 ms apart:
//   parigot::Retry([store] { return store.Get({.key = "a"}); })
//       .then([](const GetResponse& got) { ... });
//
// As with the other combinators (parigot/combinators.h), nothing combined
// is cancelled: an attempt or a call that a timeout gave up on runs to its
// end, and its outcome is dropped. They run only in a guest (they need its
// timers and its clock).
//
// Thread safety: loop-confined, as futures are.
#ifndef PARIGOT_TIMED_H_
#define PARIGOT_TIMED_H_

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "parigot/call_cause.h"
#include "parigot/combinators.h"
#include "parigot/future.h"
#include "parigot/program.h"
#include "parigot/service.h"
#include "parigot/timer.h"

namespace parigot {

// The error WithTimeout fails with unless told another: for a generated
// service error enum its DispatchError (1), as when a call's own deadline
// passes; for KernelErr, CallTimeout.
template <typename E>
  requires std::is_enum_v<E>
constexpr E TimeoutError() {
  if constexpr (std::is_same_v<E, KernelErr>) {
    return KernelErr::CallTimeout;
  } else {
    return static_cast<E>(internal::kDispatchError);
  }
}

// `future`, or, if it has not completed `ms` milliseconds from now, a
// failure with `timeout_error` and CallCause::kDeadlineExceeded. The input
// runs on; its later outcome is dropped. For a call, CallOptions::timeout_ms
// does the same with no timer; WithTimeout bounds anything: several calls,
// a coroutine, a long-running operation's result.
template <typename T, typename E>
[[nodiscard]] Future<T, E> WithTimeout(Future<T, E> future, uint32_t ms,
                                       E timeout_error);
template <typename T, typename E>
  requires std::is_enum_v<E>
[[nodiscard]] Future<T, E> WithTimeout(Future<T, E> future, uint32_t ms) {
  return WithTimeout(std::move(future), ms, TimeoutError<E>());
}

// How Retry waits between attempts: the first wait is initial_backoff_ms,
// each next one `multiplier` times longer, at most max_backoff_ms; each is
// shortened by a random fraction of up to `jitter` (0: none, 1: anywhere
// down to 0), so that many callers retrying at once spread out.
struct RetryPolicy {
  int attempts = 3;  // in all, the first included; at least 1
  uint32_t initial_backoff_ms = 10;
  double multiplier = 2.0;
  uint32_t max_backoff_ms = 1000;
  double jitter = 0.2;
};

// Whether a call that failed by itself for `cause` may succeed if made
// again: its deadline passed, its callee was killed or restarting, the
// network failed, or the process was overloaded. Never for the callee's
// own error (kNone), nor for a trap, a missing service, a message too
// large or a bad response, which would only fail again.
constexpr bool IsTransient(CallCause cause) {
  switch (cause) {
    case CallCause::kDeadlineExceeded:
    case CallCause::kCalleeKilled:
    case CallCause::kCalleeRestarting:
    case CallCause::kNetworkFailed:
    case CallCause::kOverloaded:
      return true;
    default:
      return false;
  }
}

// Calls attempt() (which returns a Future<T, E>, typically a call), and
// again after a back-off while it fails with should_retry(error, cause)
// true and attempts are left; completes with the last attempt's outcome.
// Only for operations the caller knows to be idempotent: an attempt that
// timed out may have had its effect. The default should_retry retries
// transient causes (IsTransient).
template <typename Attempt, typename ShouldRetry>
[[nodiscard]] auto Retry(Attempt attempt, RetryPolicy policy, ShouldRetry should_retry);
template <typename Attempt>
[[nodiscard]] auto Retry(Attempt attempt, RetryPolicy policy = {}) {
  return Retry(std::move(attempt), policy,
               [](const auto&, CallCause cause) { return IsTransient(cause); });
}

// ---------------------------------------------------------------------------
// Implementation.

namespace internal {

// A fraction in [0, 1), for back-off jitter (guest/src/timed.cc).
double RandomFraction();

template <typename T, typename E, typename Attempt, typename ShouldRetry>
struct RetryState final : RefCount {
  RetryState(Attempt attempt, RetryPolicy policy, ShouldRetry should_retry)
      : attempt(std::move(attempt)), policy(policy), should_retry(std::move(should_retry)) {}
  Attempt attempt;
  RetryPolicy policy;
  ShouldRetry should_retry;
  Promise<T, E> promise;
  int made = 0;
};

// The wait before attempt `made` + 1 (made >= 1).
inline uint32_t RetryBackoffMs(const RetryPolicy& policy, int made) {
  double wait = policy.initial_backoff_ms;
  for (int i = 1; i < made && wait < policy.max_backoff_ms; ++i) wait *= policy.multiplier;
  wait = std::min(wait, static_cast<double>(policy.max_backoff_ms));
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  wait *= 1.0 - jitter * RandomFraction();
  return static_cast<uint32_t>(wait);
}

template <typename State>
void RetryAttempt(Ref<State> retry) {
  ++retry->made;
  auto future = retry->attempt();
  future
      .then([retry](const auto&... value) { retry->promise.Complete(value...); })
      .or_else([retry](const auto& error, CallCause cause) {
        if (retry->made >= std::max(retry->policy.attempts, 1) ||
            !retry->should_retry(error, cause)) {
          retry->promise.Fail(error, cause);
          return;
        }
        sleep(RetryBackoffMs(retry->policy, retry->made)).then([retry] {
          RetryAttempt(retry);
        });
      });
}

}  // namespace internal

template <typename T, typename E>
Future<T, E> WithTimeout(Future<T, E> future, uint32_t ms, E timeout_error) {
  if (future.is_completed()) return future;
  Promise<T, E> promise;
  Timer timer = once(ms, [promise, timeout_error]() mutable {
    if (!promise.is_completed()) promise.Fail(timeout_error, CallCause::kDeadlineExceeded);
  });
  // The timer goes as soon as it is not needed: a guest that bounds many
  // quick calls keeps no timers for them.
  internal::Settle(future, promise, [timer] { timer.cancel(); });
  return promise.future();
}

template <typename Attempt, typename ShouldRetry>
auto Retry(Attempt attempt, RetryPolicy policy, ShouldRetry should_retry) {
  using Out = std::remove_cvref_t<std::invoke_result_t<Attempt&>>;
  static_assert(internal::IsFuture<Out>::value, "Retry: attempt() must return a Future");
  using T = typename Out::value_type;
  using E = typename Out::error_type;
  static_assert(std::is_invocable_r_v<bool, ShouldRetry&, const E&, CallCause>,
                "Retry: should_retry(error, cause) must return bool");
  auto retry = internal::MakeRef<internal::RetryState<T, E, Attempt, ShouldRetry>>(
      std::move(attempt), policy, std::move(should_retry));
  Out out = retry->promise.future();
  internal::RetryAttempt(retry);
  return out;
}

}  // namespace parigot

#endif  // PARIGOT_TIMED_H_
