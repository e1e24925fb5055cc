// Long-running operations: work that takes longer than a call should wait
// (a method's time limit is 50 ms unless set) starts in a method that
// answers at once with an operation id, goes on in slices, each a short
// turn of the guest's loop, and is followed by its callers until it is
// done (proto/parigot/operation/v1/operation.proto has the protocol).
//
// The service keeps its operations in a parigot::Operations and serves the
// protocol's methods from it; its work is typically a coroutine that gives
// the loop back between slices:
//
//   parigot::Future<CountResult, PrimesErr> CountPrimes(
//       uint32_t limit, parigot::OperationContext op) {
//     uint32_t count = 0;
//     for (uint32_t n = 2; n < limit; ++n) {
//       count += IsPrime(n);
//       if (n % 10000 == 0) {            // a slice: about a millisecond
//         if (op.cancel_requested()) co_return parigot::fail(PrimesErr::Cancelled);
//         op.set_progress(n * 1000ull / limit);
//         co_await parigot::next_turn();  // serve calls, then go on
//       }
//     }
//     co_return CountResult{.count = count};
//   }
//
//   class PrimesImpl : public PrimesServer {
//     parigot::Operations<CountResult, PrimesErr> ops_{PrimesErr::UnknownOperation};
//     Future<Operation, PrimesErr> Count(const CountRequest& r) override {
//       return ops_.Start([limit = r.limit](parigot::OperationContext op) {
//         return CountPrimes(limit, op);
//       });
//     }
//     Future<Operation, PrimesErr> GetOperation(const OperationRequest& r) override {
//       return ops_.Get(r);
//     }
//     ... WaitOperation: ops_.Wait(r); CancelOperation: ops_.Cancel(r)
//   };
//
// A caller awaits the result, following the operation with WaitOperation
// (or polling GetOperation):
//
//   auto count = co_await parigot::AwaitOperation<CountResult>(
//       primes.Count({.limit = 5'000'000}),
//       [primes](const std::string& id) {
//         return primes.WaitOperation({.id = id, .timeout_ms = 5000});
//       });
//
// Operations live in the memory of the guest that runs them: a restart of
// that guest forgets them (their ids then answer the `unknown` error), and
// on a service with several replicas, follow an operation on the replica
// that started it. A done operation is kept for a while (Options) for its
// callers to collect, then forgotten.
//
// Everything here is loop-confined (program.h).
#ifndef PARIGOT_OPERATION_H_
#define PARIGOT_OPERATION_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parigot/call_cause.h"
#include "parigot/coroutine.h"
#include "parigot/future.h"
#include "parigot/operation/v1/operation.parigot.h"
#include "parigot/program.h"
#include "parigot/service.h"
#include "parigot/timer.h"

namespace parigot {

using operation::v1::Operation;
using operation::v1::OperationRequest;
using operation::v1::WaitOperationRequest;

// A future that completes at the loop's next turn, once the events waiting
// have been handled (calls to serve, answers to calls made): what a
// long-running operation awaits between slices. sleep(0).
[[nodiscard]] Future<void, KernelErr> next_turn();

namespace internal {

// A WaitOperation call waiting for its operation to be done, and the timer
// that answers it at its timeout (cancelled when the operation ends first).
struct OperationWaiter {
  Promise<Operation, int32_t> promise;
  Timer timeout;
};

// One operation's state; shared by its table and its OperationContext.
struct OperationRecord final : RefCount {
  Operation state;
  int64_t done_at_ns = 0;
  std::vector<OperationWaiter> waiters;
};

// The untyped part of Operations<Result, E>: results are encoded bytes,
// errors int32 values (guest/src/operation.cc).
class OperationTable {
 public:
  struct Limits {
    size_t max_done;
    uint32_t keep_done_ms;
  };
  explicit OperationTable(Limits limits) : limits_(limits) {}
  OperationTable(const OperationTable&) = delete;
  OperationTable& operator=(const OperationTable&) = delete;

  // A new operation, not done, with a fresh id.
  Ref<OperationRecord> Add();
  // Ends `record` with `error` (0: success with `result`) and answers its
  // waiters. Ending an ended operation is ignored.
  void Finish(const Ref<OperationRecord>& record, int32_t error, std::string result);
  // The operation `id`, or null when it is not (or no longer) known.
  const Ref<OperationRecord>* Find(std::string_view id);
  // Answers when `id` is done, or after `timeout_ms` with it as it is then.
  // Fails with `unknown` for an unknown id.
  Future<Operation, int32_t> Wait(std::string_view id, uint32_t timeout_ms, int32_t unknown);

 private:
  // Forgets done operations past the limits, oldest first.
  void Evict();

  const Limits limits_;
  std::unordered_map<std::string, Ref<OperationRecord>> records_;
  std::deque<std::string> done_order_;  // ids of done operations, oldest first
};

}  // namespace internal

// What a long-running operation's work sees of its operation. Cheap to
// copy; copies see the same operation.
class OperationContext {
 public:
  explicit OperationContext(internal::Ref<internal::OperationRecord> record)
      : record_(std::move(record)) {}

  // Whether a caller asked to cancel it (CancelOperation). The work decides
  // when to stop, and with which error.
  bool cancel_requested() const { return record_->state.cancel_requested; }
  // Reports how far the work is: 0 to 1000 (per mille; more is taken as
  // 1000), shown to callers in Operation.progress_permille.
  void set_progress(uint32_t permille) const {
    record_->state.progress_permille = permille > 1000 ? 1000 : permille;
  }
  // The operation's id.
  const std::string& id() const { return record_->state.id; }

 private:
  internal::Ref<internal::OperationRecord> record_;
};

// A service's long-running operations whose work completes with a Result
// message or fails with an E (the service's error enum). Each method
// returns a future to return from the service's method as it is. Must
// outlive the work it runs (a member of the service object does).
template <typename Result, typename E>
class Operations {
 public:
  struct Options {
    // Done operations kept for their callers to collect; the oldest go
    // first past it.
    size_t max_done = 1000;
    // How long a done operation is kept after it ended.
    uint32_t keep_done_ms = 10 * 60 * 1000;
  };

  // `unknown`: the error for an id that is not known (never started,
  // forgotten, or from before a restart of this guest).
  explicit Operations(E unknown) : Operations(unknown, Options{}) {}
  Operations(E unknown, Options options)
      : unknown_(unknown), table_({options.max_done, options.keep_done_ms}) {}

  // Runs work(context) (a function returning Future<Result, E>, usually a
  // coroutine that awaits next_turn() between slices) and answers at once
  // with the operation: done already if the work completed at once.
  template <typename Work>
    requires std::is_invocable_r_v<Future<Result, E>, Work&, OperationContext>
  Future<Operation, E> Start(Work work) {
    internal::Ref<internal::OperationRecord> record = table_.Add();
    Future<Result, E> done = work(OperationContext(record));
    done.then([this, record](const Result& result) {
          table_.Finish(record, 0, result.SerializeAsString());
        })
        .or_else([this, record](const E& error) {
          table_.Finish(record, static_cast<int32_t>(error), {});
        });
    return Future<Operation, E>::Ready(record->state);
  }

  // GetOperation: the operation as it is now.
  Future<Operation, E> Get(const OperationRequest& request) {
    const internal::Ref<internal::OperationRecord>* record = table_.Find(request.id);
    if (record == nullptr) return Future<Operation, E>::Failed(unknown_);
    return Future<Operation, E>::Ready((*record)->state);
  }

  // WaitOperation: once it is done, or after request.timeout_ms.
  Future<Operation, E> Wait(const WaitOperationRequest& request) {
    return table_.Wait(request.id, request.timeout_ms, static_cast<int32_t>(unknown_))
        .map_error([](int32_t error) { return static_cast<E>(error); });
  }

  // CancelOperation: asks the work to stop (OperationContext::
  // cancel_requested); answers the operation as it is now.
  Future<Operation, E> Cancel(const OperationRequest& request) {
    const internal::Ref<internal::OperationRecord>* record = table_.Find(request.id);
    if (record == nullptr) return Future<Operation, E>::Failed(unknown_);
    if (!(*record)->state.done) (*record)->state.cancel_requested = true;
    return Future<Operation, E>::Ready((*record)->state);
  }

 private:
  const E unknown_;
  internal::OperationTable table_;
};

// The caller's side: follows the operation that `started` answers until it
// is done, asking poll(id) (a function returning Future<Operation, E>: the
// service's WaitOperation, or GetOperation) each time, `interval_ms` apart
// (for GetOperation; 0 for WaitOperation, which waits by itself). Completes
// with the result decoded as Result, or fails with the operation's error,
// or with the failure of a call on the way (and its cause). A result that
// does not decode fails with UnmarshalFailed (2) and kBadResponse.
template <typename Result, typename E, typename Poll>
  requires std::is_invocable_r_v<Future<Operation, E>, Poll&, const std::string&>
Future<Result, E> AwaitOperation(Future<Operation, E> started, Poll poll,
                                 uint32_t interval_ms = 0) {
  auto answered = co_await started;
  if (!answered) co_return fail(answered.error(), answered.cause());
  Operation operation = *answered;
  while (!operation.done) {
    if (interval_ms > 0) co_await sleep(interval_ms);
    auto next = co_await poll(operation.id);
    if (!next) co_return fail(next.error(), next.cause());
    operation = *next;
  }
  if (operation.error != 0) co_return fail(static_cast<E>(operation.error));
  Result result;
  if (!result.ParseFromString(operation.result)) {
    co_return fail(static_cast<E>(internal::kUnmarshalFailed), CallCause::kBadResponse);
  }
  co_return result;
}

}  // namespace parigot

#endif  // PARIGOT_OPERATION_H_
