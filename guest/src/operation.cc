#include "parigot/operation.h"

#include <cinttypes>
#include <cstdio>
#include <random>
#include <utility>

#include "guest/src/runtime.h"

namespace parigot {

Future<void, KernelErr> next_turn() { return sleep(0); }

namespace internal {
namespace {

// "op-<n>-<16 hex digits>": the counter keeps ids unique in this guest, the
// random part keeps them from being guessed, or matching an id from before
// a restart.
std::string NewId(uint64_t n) {
  static std::mt19937_64 random(std::random_device{}());
  char id[48];
  std::snprintf(id, sizeof id, "op-%" PRIu64 "-%016" PRIx64, n, random());
  return id;
}

}  // namespace

Ref<OperationRecord> OperationTable::Add() {
  static uint64_t started = 0;
  Evict();
  auto record = MakeRef<OperationRecord>();
  record->state.id = NewId(++started);
  records_.emplace(record->state.id, record);
  return record;
}

void OperationTable::Finish(const Ref<OperationRecord>& record, int32_t error,
                            std::string result) {
  Operation& state = record->state;
  if (state.done) return;
  state.done = true;
  state.error = error;
  if (error == 0) {
    state.result = std::move(result);
    state.progress_permille = 1000;
  }
  record->done_at_ns = Runtime::NowNs();
  done_order_.push_back(state.id);
  // Waiters may start more operations; take them first.
  std::vector<OperationWaiter> waiters = std::move(record->waiters);
  for (OperationWaiter& waiter : waiters) {
    waiter.timeout.cancel();
    if (!waiter.promise.is_completed()) waiter.promise.Complete(state);
  }
  Evict();
}

const Ref<OperationRecord>* OperationTable::Find(std::string_view id) {
  Evict();
  auto it = records_.find(std::string(id));
  return it == records_.end() ? nullptr : &it->second;
}

Future<Operation, int32_t> OperationTable::Wait(std::string_view id, uint32_t timeout_ms,
                                                int32_t unknown) {
  const Ref<OperationRecord>* found = Find(id);
  if (found == nullptr) return Future<Operation, int32_t>::Failed(unknown);
  Ref<OperationRecord> record = *found;
  if (record->state.done || timeout_ms == 0) {
    return Future<Operation, int32_t>::Ready(record->state);
  }
  // Waiters whose timeout passed are answered already: drop them, so that
  // a long operation polled by WaitOperation keeps no more than its live
  // waiters.
  std::erase_if(record->waiters,
                [](const OperationWaiter& waiter) { return waiter.promise.is_completed(); });
  Promise<Operation, int32_t> promise;
  Timer timeout = once(timeout_ms, [promise, record]() mutable {
    if (!promise.is_completed()) promise.Complete(record->state);
  });
  record->waiters.push_back({promise, timeout});
  return promise.future();
}

void OperationTable::Evict() {
  const int64_t now = done_order_.empty() ? 0 : Runtime::NowNs();
  const int64_t keep_ns = int64_t{limits_.keep_done_ms} * 1'000'000;
  while (!done_order_.empty()) {
    auto it = records_.find(done_order_.front());
    const bool too_many = done_order_.size() > limits_.max_done;
    if (it != records_.end() && !too_many && now - it->second->done_at_ns < keep_ns) return;
    if (it != records_.end()) records_.erase(it);
    done_order_.pop_front();
  }
}

}  // namespace internal
}  // namespace parigot
