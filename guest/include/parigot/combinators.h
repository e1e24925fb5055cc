// Combinators: futures made of other futures.
//
//   AllOf(a, b, c)          every one succeeds: a tuple of their values
//   AllOf(vector)           every one succeeds: a vector of their values
//   AnyOf(vector or a, b)   the first to succeed (fails once all failed)
//   Race(vector or a, b)    the first to complete, either way
//
// and, in parigot/timed.h, WithTimeout(f, ms) and Retry(fn, policy).
// For example, an item and its rate, from two services at once:
//
//   auto both = parigot::AllOf(
//       store.Get({.key = sku}),
//       rates.Rate({.currency = "EUR"})
//           .map_error([](RateErr) { return StoreErr::DispatchError; }));
//   both.then([](const std::tuple<GetResponse, RateResponse>& got) { ... });
//
// The futures combined must share one error type (map_error() converts);
// their causes (parigot/call_cause.h) come through with their errors. A
// combinator never cancels what it combines: a call whose answer is no
// longer wanted still runs to its end (a caller's wait never kills a
// callee), and its outcome is dropped. Values are copied out of the inputs,
// so value types must be copyable; a void input's tuple element is
// std::monostate.
//
// Thread safety: loop-confined, as futures are.
#ifndef PARIGOT_COMBINATORS_H_
#define PARIGOT_COMBINATORS_H_

#include <cstddef>
#include <cstdlib>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "parigot/call_cause.h"
#include "parigot/future.h"

namespace parigot {

// Succeeds with every value, in input order, once all `futures` have;
// fails with the first error (and its cause) to arrive (later outcomes are
// ignored). An empty input succeeds at once.
template <typename T, typename E>
  requires(!std::is_void_v<T>)
[[nodiscard]] Future<std::vector<T>, E> AllOf(std::vector<Future<T, E>> futures);
// The same for void futures.
template <typename E>
[[nodiscard]] Future<void, E> AllOf(std::vector<Future<void, E>> futures);

// The same over futures of different value types: a tuple of their values
// (std::monostate for a void future), in argument order.
template <typename E, typename... Ts>
  requires(sizeof...(Ts) > 0)
[[nodiscard]] auto AllOf(Future<Ts, E>... futures);

// Succeeds with the first value to arrive; fails only once every input has
// failed, with the last failure's error and cause. REQUIRES: at least one
// input (an empty vector aborts the guest: nothing could ever complete it).
template <typename T, typename E>
[[nodiscard]] Future<T, E> AnyOf(std::vector<Future<T, E>> futures);
template <typename T, typename E, typename... More>
  requires(std::is_same_v<More, Future<T, E>> && ...)
[[nodiscard]] Future<T, E> AnyOf(Future<T, E> first, More... more);

// Completes as the first input to complete does, success or failure.
// REQUIRES: at least one input (as AnyOf).
template <typename T, typename E>
[[nodiscard]] Future<T, E> Race(std::vector<Future<T, E>> futures);
template <typename T, typename E, typename... More>
  requires(std::is_same_v<More, Future<T, E>> && ...)
[[nodiscard]] Future<T, E> Race(Future<T, E> first, More... more);

// ---------------------------------------------------------------------------
// Implementation.

namespace internal {

// Completes `promise` with `future`'s outcome unless it has completed
// already; `before()` runs first, either way.
template <typename T, typename E, typename Before>
void Settle(Future<T, E>& future, Promise<T, E> promise, Before before) {
  future
      .then([promise, before](const auto&... value) mutable {
        before();
        if (!promise.is_completed()) promise.Complete(value...);
      })
      .or_else([promise, before](const E& error, CallCause cause) mutable {
        before();
        if (!promise.is_completed()) promise.Fail(error, cause);
      });
}

template <typename T, typename E>
struct AllOfState final : RefCount {
  Promise<std::vector<T>, E> promise;
  std::vector<std::optional<T>> results;
  std::size_t remaining = 0;
};

template <typename E>
struct AllOfVoidState final : RefCount {
  Promise<void, E> promise;
  std::size_t remaining = 0;
};

template <typename T>
using TupleValue = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <typename E, typename... Ts>
struct AllOfTupleState final : RefCount {
  Promise<std::tuple<TupleValue<Ts>...>, E> promise;
  std::tuple<std::optional<TupleValue<Ts>>...> values;
  std::size_t remaining = sizeof...(Ts);

  void Finish() {
    promise.Complete(std::apply(
        [](auto&... value) { return std::tuple<TupleValue<Ts>...>(std::move(*value)...); },
        values));
  }
};

// Attaches the I-th input of a tuple AllOf.
template <std::size_t I, typename State, typename T, typename E>
void AllOfTupleInput(const Ref<State>& all, Future<T, E>& future) {
  future
      .then([all](const auto&... value) {
        if (all->promise.is_completed()) return;
        std::get<I>(all->values).emplace(value...);
        if (--all->remaining == 0) all->Finish();
      })
      .or_else([all](const E& error, CallCause cause) {
        if (!all->promise.is_completed()) all->promise.Fail(error, cause);
      });
}

template <typename T, typename E>
struct AnyOfState final : RefCount {
  Promise<T, E> promise;
  std::size_t remaining = 0;
};

}  // namespace internal

template <typename T, typename E>
  requires(!std::is_void_v<T>)
Future<std::vector<T>, E> AllOf(std::vector<Future<T, E>> futures) {
  auto all = internal::MakeRef<internal::AllOfState<T, E>>();
  Future<std::vector<T>, E> out = all->promise.future();
  all->results.resize(futures.size());
  all->remaining = futures.size();
  if (futures.empty()) all->promise.Complete({});
  for (std::size_t i = 0; i < futures.size(); ++i) {
    futures[i]
        .then([all, i](const T& value) {
          if (all->promise.is_completed()) return;
          all->results[i].emplace(value);
          if (--all->remaining > 0) return;
          std::vector<T> values;
          values.reserve(all->results.size());
          for (std::optional<T>& result : all->results) {
            values.push_back(std::move(*result));
          }
          all->promise.Complete(std::move(values));
        })
        .or_else([all](const E& error, CallCause cause) {
          if (!all->promise.is_completed()) all->promise.Fail(error, cause);
        });
  }
  return out;
}

template <typename E>
Future<void, E> AllOf(std::vector<Future<void, E>> futures) {
  auto all = internal::MakeRef<internal::AllOfVoidState<E>>();
  Future<void, E> out = all->promise.future();
  all->remaining = futures.size();
  if (futures.empty()) all->promise.Complete();
  for (Future<void, E>& future : futures) {
    future
        .then([all] {
          if (!all->promise.is_completed() && --all->remaining == 0) {
            all->promise.Complete();
          }
        })
        .or_else([all](const E& error, CallCause cause) {
          if (!all->promise.is_completed()) all->promise.Fail(error, cause);
        });
  }
  return out;
}

template <typename E, typename... Ts>
  requires(sizeof...(Ts) > 0)
auto AllOf(Future<Ts, E>... futures) {
  auto all = internal::MakeRef<internal::AllOfTupleState<E, Ts...>>();
  auto out = all->promise.future();
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (internal::AllOfTupleInput<I>(all, futures), ...);
  }(std::index_sequence_for<Ts...>{});
  return out;
}

template <typename T, typename E>
Future<T, E> AnyOf(std::vector<Future<T, E>> futures) {
  if (futures.empty()) std::abort();
  auto any = internal::MakeRef<internal::AnyOfState<T, E>>();
  Future<T, E> out = any->promise.future();
  any->remaining = futures.size();
  for (Future<T, E>& future : futures) {
    future
        .then([any](const auto&... value) {
          if (!any->promise.is_completed()) any->promise.Complete(value...);
        })
        .or_else([any](const E& error, CallCause cause) {
          if (--any->remaining == 0 && !any->promise.is_completed()) {
            any->promise.Fail(error, cause);
          }
        });
  }
  return out;
}

template <typename T, typename E, typename... More>
  requires(std::is_same_v<More, Future<T, E>> && ...)
Future<T, E> AnyOf(Future<T, E> first, More... more) {
  return AnyOf(std::vector<Future<T, E>>{std::move(first), std::move(more)...});
}

template <typename T, typename E>
Future<T, E> Race(std::vector<Future<T, E>> futures) {
  if (futures.empty()) std::abort();
  Promise<T, E> promise;
  for (Future<T, E>& future : futures) internal::Settle(future, promise, [] {});
  return promise.future();
}

template <typename T, typename E, typename... More>
  requires(std::is_same_v<More, Future<T, E>> && ...)
Future<T, E> Race(Future<T, E> first, More... more) {
  return Race(std::vector<Future<T, E>>{std::move(first), std::move(more)...});
}

}  // namespace parigot

#endif  // PARIGOT_COMBINATORS_H_
