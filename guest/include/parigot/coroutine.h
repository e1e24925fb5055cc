// Coroutines over futures: `co_await` any Future, and write a function that
// returns a Future as a coroutine.
//
//   parigot::Future<PriceResponse, PricingErr> PricingImpl::Price(
//       const PriceRequest& request) {
//     auto item = co_await store_.Get({.key = request.item});
//     if (!item) co_return parigot::fail(PricingErr::StoreDown);
//     co_await parigot::sleep(5);
//     co_return PriceResponse{.cents = item->price * request.count};
//   }
//
// Awaiting. `co_await future` suspends the coroutine until the future
// completes (not at all if it has) and gives its Outcome: a success with
// the value, or the error and its cause (parigot/call_cause.h). Errors are
// values; nothing is thrown (guests are built without exceptions). The
// coroutine resumes inside the completion, exactly where a then() callback
// would run: an awaited call's deadline, its callee's failure and its cause
// reach the coroutine as they reach callbacks.
//
// Returning. A coroutine whose return type is Future<T, E> starts at once,
// runs until its first co_await of a pending future, and hands its caller
// the Future, which completes when the coroutine ends:
//  * `co_return value;` succeeds (`co_return;` when T is void);
//  * `co_return parigot::fail(error);` fails with `error` (T not void);
//  * `co_await parigot::fail(error);` fails with `error` and ends the
//    coroutine there, in any coroutine (the only way when T is void).
// A service method may be written so: the request it receives stays valid
// until the future it returns completes (internal::Serve keeps it).
//
// Lifetimes. A suspended coroutine lives in a frame (pooled memory) that the
// awaited future's callback keeps: it ends when the coroutine does. The
// usual C++ rules for coroutines apply: parameters taken by reference must
// outlive the coroutine's suspensions, and a lambda that is a coroutine
// must capture nothing (its captures die with the lambda object, usually
// before the coroutine resumes); pass what it needs as parameters instead.
// A coroutine awaiting a future that never completes stays suspended; its
// frame is never freed (as a callback attached to such a future is never).
//
// Thread safety: loop-confined, as futures are.
#ifndef PARIGOT_COROUTINE_H_
#define PARIGOT_COROUTINE_H_

#include <coroutine>
#include <cstdlib>
#include <type_traits>
#include <utility>

#include "parigot/call_cause.h"
#include "parigot/future.h"
#include "parigot/pool.h"

namespace parigot {

// What `co_await` on a Future<T, E> gives: the completed future's result.
// Holds a handle on the future's state, so value() is a reference into it,
// valid while the Outcome lives; nothing is copied.
template <typename T, typename E>
class Outcome {
 public:
  // REQUIRES: future.is_completed().
  explicit Outcome(Future<T, E> future) : future_(std::move(future)) {}

  bool ok() const { return future_.is_success(); }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok(); aborts otherwise.
  const internal::Stored<T>& value() const
    requires(!std::is_void_v<T>)
  {
    return future_.value();
  }
  const internal::Stored<T>& operator*() const
    requires(!std::is_void_v<T>)
  {
    return value();
  }
  const internal::Stored<T>* operator->() const
    requires(!std::is_void_v<T>)
  {
    return &value();
  }
  // REQUIRES: !ok(); aborts otherwise.
  const E& error() const { return future_.error(); }
  // Why the call failed by itself; kNone on success or for the callee's own
  // error (see future.h).
  CallCause cause() const { return future_.cause(); }

 private:
  Future<T, E> future_;
};

// How a coroutine fails: `co_return parigot::fail(e);` or
// `co_await parigot::fail(e);` (see the header comment). `cause` is for
// code that passes a call's failure on unchanged.
template <typename E>
struct Failure {
  E error;
  CallCause cause = CallCause::kNone;

  // Awaiting a Failure fails the coroutine's future and ends the coroutine.
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> coroutine) const {
    coroutine.promise().Fail(*this);
    // The coroutine never resumes: its frame goes now, locals included.
    coroutine.destroy();
  }
  void await_resume() const noexcept {}
};

template <typename E>
Failure<E> fail(E error, CallCause cause = CallCause::kNone) {
  return Failure<E>{std::move(error), cause};
}

namespace internal {

// Resumes a coroutine suspended on a future, once the future completes.
template <typename T, typename E>
class FutureAwaiter {
 public:
  explicit FutureAwaiter(Future<T, E> future) : future_(std::move(future)) {}

  bool await_ready() const { return future_.is_completed(); }
  void await_suspend(std::coroutine_handle<> coroutine) {
    future_.on_complete([coroutine] { coroutine.resume(); });
  }
  Outcome<T, E> await_resume() { return Outcome<T, E>(std::move(future_)); }

 private:
  Future<T, E> future_;
};

// The parts of a Future<T, E> coroutine's promise that do not depend on
// whether T is void.
template <typename T, typename E>
class FutureCoroutineBase {
 public:
  // Frames are allocated and dropped as often as calls: pooled, like
  // future states.
  static void* operator new(std::size_t size) { return Pool::Allocate(size); }
  static void operator delete(void* p, std::size_t size) { Pool::Free(p, size); }

  Future<T, E> get_return_object() { return promise_.future(); }
  // Eager, like a function: the coroutine runs until it first waits.
  std::suspend_never initial_suspend() const noexcept { return {}; }
  // The frame goes as the coroutine ends: the future holds the result.
  std::suspend_never final_suspend() const noexcept { return {}; }
  // Guests have no exceptions; a native build that throws out of a
  // coroutine has a bug that no future can carry.
  void unhandled_exception() const noexcept { std::abort(); }

  template <typename E2>
  void Fail(const Failure<E2>& failure) {
    static_assert(std::is_convertible_v<const E2&, E>,
                  "parigot::fail(error): the error must convert to the error "
                  "type of the coroutine's Future (map it first)");
    promise_.Fail(static_cast<E>(failure.error), failure.cause);
  }


 protected:
  Promise<T, E> promise_;
};

template <typename T, typename E>
class FutureCoroutine final : public FutureCoroutineBase<T, E> {
 public:
  // Not a template, so that `co_return {.field = ...};` works.
  void return_value(T value) { this->promise_.Complete(std::move(value)); }
  template <typename E2>
  void return_value(const Failure<E2>& failure) {
    this->Fail(failure);
  }
};

template <typename E>
class FutureCoroutine<void, E> final : public FutureCoroutineBase<void, E> {
 public:
  void return_void() { this->promise_.Complete(); }
};

}  // namespace internal

// `co_await future` (found by argument-dependent lookup, so any coroutine
// type may await futures): suspends until `future` completes and gives its
// Outcome.
template <typename T, typename E>
internal::FutureAwaiter<T, E> operator co_await(Future<T, E> future) {
  return internal::FutureAwaiter<T, E>(std::move(future));
}

}  // namespace parigot

// Makes Future<T, E> a coroutine return type.
template <typename T, typename E, typename... Args>
struct std::coroutine_traits<parigot::Future<T, E>, Args...> {
  using promise_type = parigot::internal::FutureCoroutine<T, E>;
};

#endif  // PARIGOT_COROUTINE_H_
