// Future<T, E> and Promise<T, E>: the results of asynchronous operations in a
// parigot guest. Every generated stub call returns one.
//
// A future completes exactly once, either with a T (success; T may be void)
// or with an E (failure). E is normally a service's generated error enum,
// `enum class ...Err : int32_t { NoError = 0, DispatchError = 1,
// UnmarshalFailed = 2, MarshalFailed = 3, ... }`, but any copyable type works.
//
//   greet.FetchGreeting(req)
//       .then([](const FetchGreetingResponse& r) { log::info(r.greeting); })
//       .or_else([](GreetErr e) { exit(1); });
//
// Handles. Future and Promise are cheap handles (one pointer) to a shared
// state with a non-atomic intrusive reference count, in pooled memory. Copies refer to the
// same state; the state lives while any handle, or any callback that a
// pending future holds, refers to it. A moved-from handle may only be
// assigned to or destroyed. Dropping every Future handle cancels nothing:
// the producer's Promise keeps the state, and the callbacks, alive.
//
// Callbacks run synchronously, in the order they were attached:
//  * attached before completion: they run inside the Complete()/Fail() call
//    that completes the future, on that call's stack;
//  * attached after completion: they run at once, inside then()/or_else();
//  * attached to a future from inside one of its own callbacks: they run
//    after the callbacks already queued, still inside the same completion.
// A callback may complete other futures, attach callbacks and drop handles
// (the completing call keeps the state alive). Long chains of futures that
// complete one another therefore nest on the stack; the guest run loop is
// where deferral belongs, not here.
//
// Which then() you get, by what the callback f returns:
//  * void          -> `Future<T, E>&`, this same future, so further then() or
//                     or_else() calls attach to it and run after f. (A void
//                     callback cannot fail or produce a value, so a new
//                     future would carry nothing new, and returning a
//                     reference keeps `x.then(f);` and `.or_else(g);` at the
//                     end of a statement free of [[nodiscard]] warnings.)
//  * Future<U, E>  -> a new Future<U, E> that completes when the inner one
//                     does (flattening);
//  * any other U   -> a new Future<U, E> completed with f's result.
// A failure skips every then() callback and reaches the or_else() handlers
// of the future it happened on and of every future derived from it by
// then(). or_else() returns this same future as well.
//
// Why a call failed. The future of a generated client's call that failed by
// itself (its deadline passed, its callee was killed, restarting or not
// found, the network failed, ...; see parigot/call_cause.h) fails with the
// service's DispatchError and carries the cause beside it; when the callee's
// method answered with its own error, the cause is CallCause::kNone. Read it
// with cause(), or take it as or_else()'s second parameter:
//
//   store.Put(req).or_else([](StoreErr e, parigot::CallCause cause) {
//     if (cause == parigot::CallCause::kDeadlineExceeded) ...;
//   });
//
// The cause travels with the error through then(), map_error() (which
// changes the error type: Future<T, E> to Future<T, E2>) and the
// combinators.
//
// Completing twice is a bug. The second completion is ignored and the
// double-completion hook is called (see SetDoubleCompletionHook); the
// default hook writes a line to stderr and aborts, which traps the guest.
//
// Copies: then() callbacks receive `const T&` (the value stays in the state
// for the other callbacks); flattening and the combinators copy values, so
// they need a copyable T.
//
// Coroutines (`co_await future`, functions returning a Future written as
// coroutines) are in parigot/coroutine.h; AllOf, AnyOf, Race, WithTimeout
// and Retry in parigot/combinators.h.
//
// Thread safety: loop-confined. Every handle to one state must be used on
// one thread (a guest's only thread; one test thread natively). No locks,
// no atomics, no exceptions, no RTTI.
#ifndef PARIGOT_FUTURE_H_
#define PARIGOT_FUTURE_H_

#include <concepts>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "parigot/call_cause.h"
#include "parigot/pool.h"

namespace parigot {

template <typename T, typename E>
class Future;
template <typename T, typename E>
class Promise;

// Called when a Promise is completed or failed a second time; `message`
// describes the misuse. If the hook returns, the second completion is
// ignored. Never null.
using DoubleCompletionHook = void (*)(const char* message);

// Installs `hook` (null restores the default, which prints `message` to
// stderr and aborts). Returns the previous hook. Loop-confined like the rest.
DoubleCompletionHook SetDoubleCompletionHook(DoubleCompletionHook hook);

namespace internal {

inline void AbortOnDoubleCompletion(const char* message) {
  std::fprintf(stderr, "parigot: %s\n", message);
  std::abort();
}

inline DoubleCompletionHook double_completion_hook = &AbortOnDoubleCompletion;

// Stands in for a void value so that one state type serves every T.
struct Unit {};
template <typename T>
using Stored = std::conditional_t<std::is_void_v<T>, Unit, T>;

// Base of intrusively counted objects; Ref<X> is the only owner. They live
// in pooled memory (pool.h): a call makes and drops several.
class RefCount : public Pooled {
 public:
  RefCount(const RefCount&) = delete;
  RefCount& operator=(const RefCount&) = delete;

 protected:
  RefCount() = default;
  ~RefCount() = default;

 private:
  template <typename>
  friend class Ref;
  std::size_t refs_ = 0;
};

// A counted, copyable reference to an X derived from RefCount. Deletes the X
// when the last Ref goes.
template <typename X>
class Ref {
 public:
  Ref() = default;
  // Adds a reference to `p` (a fresh object starts with none).
  explicit Ref(X* p) : p_(p) {
    if (p_ != nullptr) ++Count(p_);
  }
  Ref(const Ref& other) : Ref(other.p_) {}
  Ref(Ref&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Ref& operator=(Ref other) noexcept {
    std::swap(p_, other.p_);
    return *this;
  }
  ~Ref() {
    if (p_ != nullptr && --Count(p_) == 0) delete p_;
  }

  X* operator->() const { return p_; }
  X& operator*() const { return *p_; }

 private:
  static std::size_t& Count(X* p) { return static_cast<RefCount*>(p)->refs_; }
  X* p_ = nullptr;
};

template <typename X, typename... Args>
Ref<X> MakeRef(Args&&... args) {
  return Ref<X>(new X(std::forward<Args>(args)...));
}

// The shared state of a Future/Promise pair.
template <typename T, typename E>
class FutureState final : public RefCount {
 public:
  using Value = Stored<T>;

  bool completed() const { return phase_ != Phase::kPending; }
  bool succeeded() const { return phase_ == Phase::kSucceeded; }
  bool failed() const { return phase_ == Phase::kFailed; }
  const Value& value() const { return *value_; }
  const E& error() const { return *error_; }
  CallCause cause() const { return cause_; }

  void Succeed(Value value) {
    if (completed()) return double_completion_hook("future completed twice");
    value_.emplace(std::move(value));
    phase_ = Phase::kSucceeded;
    Dispatch();
  }

  void Fail(E error, CallCause cause) {
    if (completed()) return double_completion_hook("future failed after completion");
    error_.emplace(std::move(error));
    cause_ = cause;
    phase_ = Phase::kFailed;
    Dispatch();
  }

  // Runs fn(*this) once the state is completed; see the header comment for
  // when exactly.
  template <typename Fn>
  void OnComplete(Fn fn) {
    if (completed() && !dispatching_) {
      fn(*this);
      return;
    }
    Callback* callback = new CallbackImpl<Fn>(std::move(fn));
    if (tail_ != nullptr) {
      tail_->next = callback;
    } else {
      head_ = callback;
    }
    tail_ = callback;
  }

  ~FutureState() {
    while (head_ != nullptr) delete std::exchange(head_, head_->next);
  }

 private:
  enum class Phase { kPending, kSucceeded, kFailed };

  // Callbacks form an owned singly linked list in the order they were added:
  // one allocation per callback and none for a container (this is on every
  // call's path).
  class Callback : public Pooled {
   public:
    virtual ~Callback() = default;
    virtual void Run(FutureState& state) = 0;
    Callback* next = nullptr;
  };
  template <typename Fn>
  class CallbackImpl final : public Callback {
   public:
    explicit CallbackImpl(Fn fn) : fn_(std::move(fn)) {}
    void Run(FutureState& state) override { fn_(state); }

   private:
    Fn fn_;
  };

  void Dispatch() {
    Ref<FutureState> keep_alive(this);
    dispatching_ = true;
    // Callbacks may append to the list while we run: take them one at a time
    // from the head until none is left.
    while (head_ != nullptr) {
      std::unique_ptr<Callback> callback(head_);
      head_ = head_->next;
      if (head_ == nullptr) tail_ = nullptr;
      callback->Run(*this);
    }
    dispatching_ = false;
  }

  Phase phase_ = Phase::kPending;
  bool dispatching_ = false;
  CallCause cause_ = CallCause::kNone;
  std::optional<Value> value_;
  std::optional<E> error_;
  Callback* head_ = nullptr;  // owned
  Callback* tail_ = nullptr;
};

template <typename X>
struct IsFuture : std::false_type {};
template <typename U, typename E>
struct IsFuture<Future<U, E>> : std::true_type {};

// What f returns when called the way then() calls it.
template <typename F, typename T>
struct ThenCall {
  using type = std::invoke_result_t<F&, const T&>;
};
template <typename F>
struct ThenCall<F, void> {
  using type = std::invoke_result_t<F&>;
};
template <typename F, typename T>
using ThenCallResult = typename ThenCall<F, T>::type;

template <typename F, typename T>
struct IsThenCallback : std::is_invocable<F&, const T&> {};
template <typename F>
struct IsThenCallback<F, void> : std::is_invocable<F&> {};
template <typename F, typename T>
concept ThenCallback = IsThenCallback<F, T>::value;

// The future type a value-producing then() returns.
template <typename R, typename E>
struct ThenFutureOf {
  using type = Future<R, E>;
};
template <typename U, typename E2, typename E>
struct ThenFutureOf<Future<U, E2>, E> {
  static_assert(std::is_same_v<E2, E>,
                "a then() callback may return a Future only with the same "
                "error type as the future it is attached to");
  using type = Future<U, E>;
};
template <typename F, typename T, typename E>
using ThenFuture =
    typename ThenFutureOf<std::remove_cvref_t<ThenCallResult<F, T>>, E>::type;

// or_else() handlers take the error, or the error and its cause.
template <typename G, typename E>
concept ErrorHandler =
    std::invocable<G&, const E&> || std::invocable<G&, const E&, CallCause>;

// The error type a map_error() handler returns.
template <typename G, typename E>
struct MappedErrorOf {
  using type = std::invoke_result_t<G&, const E&>;
};
template <typename G, typename E>
  requires std::invocable<G&, const E&, CallCause>
struct MappedErrorOf<G, E> {
  using type = std::invoke_result_t<G&, const E&, CallCause>;
};
template <typename G, typename E>
using MappedError = std::remove_cvref_t<typename MappedErrorOf<G, E>::type>;

template <typename G, typename E>
auto CallMapError(G& g, const E& error, CallCause cause) {
  if constexpr (std::invocable<G&, const E&, CallCause>) {
    return g(error, cause);
  } else {
    return g(error);
  }
}

template <typename G, typename T, typename E>
void CallOrElse(G& g, const FutureState<T, E>& state) {
  if constexpr (std::invocable<G&, const E&, CallCause>) {
    static_assert(std::is_void_v<std::invoke_result_t<G&, const E&, CallCause>>,
                  "or_else() handlers return void");
    g(state.error(), state.cause());
  } else {
    static_assert(std::is_void_v<std::invoke_result_t<G&, const E&>>,
                  "or_else() handlers return void");
    g(state.error());
  }
}

template <typename F, typename T, typename E>
decltype(auto) CallThen(F& f, const FutureState<T, E>& state) {
  if constexpr (std::is_void_v<T>) {
    return f();
  } else {
    return f(state.value());
  }
}

}  // namespace internal

inline DoubleCompletionHook SetDoubleCompletionHook(DoubleCompletionHook hook) {
  return std::exchange(internal::double_completion_hook,
                       hook != nullptr ? hook
                                       : &internal::AbortOnDoubleCompletion);
}

// The consumer's side: a handle on a result that arrives (or has arrived).
// [[nodiscard]]: dropping a fresh future usually drops its error unseen.
template <typename T, typename E>
class [[nodiscard]] Future {
 public:
  using value_type = T;
  using error_type = E;

  // An already-successful future.
  static Future Ready(internal::Stored<T> value)
    requires(!std::is_void_v<T>);
  static Future Ready()
    requires std::is_void_v<T>;
  // An already-failed future.
  static Future Failed(E error, CallCause cause = CallCause::kNone);

  Future(const Future&) = default;
  Future(Future&&) noexcept = default;
  Future& operator=(const Future&) = default;
  Future& operator=(Future&&) noexcept = default;

  bool is_completed() const { return state_->completed(); }
  bool is_success() const { return state_->succeeded(); }
  bool is_failure() const { return state_->failed(); }

  // REQUIRES: is_success(); aborts otherwise. Valid while this handle lives.
  const internal::Stored<T>& value() const
    requires(!std::is_void_v<T>);
  // REQUIRES: is_failure(); aborts otherwise.
  const E& error() const;
  // Why the call failed, when it failed by itself (see the header comment);
  // kNone when it has not failed, or when its callee answered with error().
  CallCause cause() const { return state_->failed() ? state_->cause() : CallCause::kNone; }

  // On success, calls f(value) (f() when T is void); on failure, skips f and
  // passes the error on. The return type depends on what f returns: see the
  // header comment (void -> this future; Future<U, E> -> flattened
  // Future<U, E>; U -> Future<U, E>).
  template <typename F>
    requires internal::ThenCallback<F, T> &&
             std::is_void_v<internal::ThenCallResult<F, T>>
  Future& then(F f);
  template <typename F>
    requires internal::ThenCallback<F, T> &&
             (!std::is_void_v<internal::ThenCallResult<F, T>>)
  internal::ThenFuture<F, T, E> then(F f);

  // On failure, calls g(error), or g(error, cause) (parigot/call_cause.h).
  // g returns void. Returns this same future.
  template <typename G>
    requires internal::ErrorHandler<G, E>
  Future& or_else(G g);

  // A future of the same value with another error type: on failure,
  // g(error) (or g(error, cause)) gives its error, and the cause is kept;
  // a success passes through. For a service whose method calls another
  // service: `return store.Get(req).map_error([](StoreErr) { return
  // PricingErr::StoreDown; });`.
  template <typename G>
    requires internal::ErrorHandler<G, E>
  [[nodiscard]] auto map_error(G g) -> Future<T, internal::MappedError<G, E>>;

  // Calls f() once the future completes either way. Returns this future.
  // The building block for run-loop and co_await integration.
  template <typename F>
    requires std::invocable<F&>
  Future& on_complete(F f);

 private:
  using State = internal::FutureState<T, E>;
  template <typename, typename>
  friend class Future;
  friend class Promise<T, E>;

  explicit Future(internal::Ref<State> state) : state_(std::move(state)) {}

  internal::Ref<State> state_;
};

// The producer's side: completes its future exactly once. Copyable handle
// (copies complete the same future), so it can be captured by copyable
// callables. Destroying every Promise of a pending future leaves the future
// pending forever; a producer must always complete what it promised.
template <typename T, typename E>
class Promise {
 public:
  // A promise with a fresh, pending future.
  Promise() : state_(internal::MakeRef<State>()) {}

  // Another handle on the future this promise completes.
  Future<T, E> future() const { return Future<T, E>(state_); }

  // Completes the future with `value` (nothing when T is void) or `error`
  // and runs its callbacks before returning. Completing a completed future
  // calls the double-completion hook and is otherwise ignored.
  void Complete(internal::Stored<T> value)
    requires(!std::is_void_v<T>)
  {
    state_->Succeed(std::move(value));
  }
  void Complete()
    requires std::is_void_v<T>
  {
    state_->Succeed(internal::Unit{});
  }
  // `cause`: why a call failed by itself (see the header comment); a
  // producer that is not a call leaves it kNone.
  void Fail(E error, CallCause cause = CallCause::kNone) {
    state_->Fail(std::move(error), cause);
  }

  bool is_completed() const { return state_->completed(); }

 private:
  using State = internal::FutureState<T, E>;
  internal::Ref<State> state_;
};

// ---------------------------------------------------------------------------
// Implementation.

template <typename T, typename E>
Future<T, E> Future<T, E>::Ready(internal::Stored<T> value)
  requires(!std::is_void_v<T>)
{
  Promise<T, E> promise;
  promise.Complete(std::move(value));
  return promise.future();
}

template <typename T, typename E>
Future<T, E> Future<T, E>::Ready()
  requires std::is_void_v<T>
{
  Promise<T, E> promise;
  promise.Complete();
  return promise.future();
}

template <typename T, typename E>
Future<T, E> Future<T, E>::Failed(E error, CallCause cause) {
  Promise<T, E> promise;
  promise.Fail(std::move(error), cause);
  return promise.future();
}

template <typename T, typename E>
const internal::Stored<T>& Future<T, E>::value() const
  requires(!std::is_void_v<T>)
{
  if (!state_->succeeded()) std::abort();
  return state_->value();
}

template <typename T, typename E>
const E& Future<T, E>::error() const {
  if (!state_->failed()) std::abort();
  return state_->error();
}

template <typename T, typename E>
template <typename F>
  requires internal::ThenCallback<F, T> &&
           std::is_void_v<internal::ThenCallResult<F, T>>
Future<T, E>& Future<T, E>::then(F f) {
  state_->OnComplete([f = std::move(f)](State& state) mutable {
    if (state.succeeded()) internal::CallThen(f, state);
  });
  return *this;
}

template <typename T, typename E>
template <typename F>
  requires internal::ThenCallback<F, T> &&
           (!std::is_void_v<internal::ThenCallResult<F, T>>)
internal::ThenFuture<F, T, E> Future<T, E>::then(F f) {
  using Out = internal::ThenFuture<F, T, E>;
  using U = typename Out::value_type;
  Promise<U, E> promise;
  Out out = promise.future();
  state_->OnComplete([f = std::move(f),
                      promise = std::move(promise)](State& state) mutable {
    if (!state.succeeded()) {
      promise.Fail(state.error(), state.cause());
      return;
    }
    if constexpr (internal::IsFuture<
                      std::remove_cvref_t<internal::ThenCallResult<F, T>>>::value) {
      Out inner = internal::CallThen(f, state);
      inner.state_->OnComplete(
          [promise = std::move(promise)](
              internal::FutureState<U, E>& inner_state) mutable {
            if (inner_state.failed()) {
              promise.Fail(inner_state.error(), inner_state.cause());
            } else if constexpr (std::is_void_v<U>) {
              promise.Complete();
            } else {
              promise.Complete(inner_state.value());
            }
          });
    } else {
      promise.Complete(internal::CallThen(f, state));
    }
  });
  return out;
}

template <typename T, typename E>
template <typename G>
  requires internal::ErrorHandler<G, E>
Future<T, E>& Future<T, E>::or_else(G g) {
  state_->OnComplete([g = std::move(g)](State& state) mutable {
    if (state.failed()) internal::CallOrElse(g, state);
  });
  return *this;
}

template <typename T, typename E>
template <typename G>
  requires internal::ErrorHandler<G, E>
auto Future<T, E>::map_error(G g) -> Future<T, internal::MappedError<G, E>> {
  using E2 = internal::MappedError<G, E>;
  static_assert(!std::is_void_v<E2>, "a map_error() handler returns the new error");
  Promise<T, E2> promise;
  Future<T, E2> out = promise.future();
  state_->OnComplete([g = std::move(g), promise = std::move(promise)](State& state) mutable {
    if (state.failed()) {
      promise.Fail(internal::CallMapError(g, state.error(), state.cause()), state.cause());
    } else if constexpr (std::is_void_v<T>) {
      promise.Complete();
    } else {
      promise.Complete(state.value());
    }
  });
  return out;
}

template <typename T, typename E>
template <typename F>
  requires std::invocable<F&>
Future<T, E>& Future<T, E>::on_complete(F f) {
  state_->OnComplete([f = std::move(f)](State&) mutable { f(); });
  return *this;
}

}  // namespace parigot

#endif  // PARIGOT_FUTURE_H_
