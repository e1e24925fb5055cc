// The guest's event loop state: pending calls, exported services, launch.
// One per guest (a guest is one single-threaded program).
//
// Calls and answers are not sent one system call at a time: Call() and the
// answer to an incoming call queue an op, and the loop sends every queued op
// in the exchange that also waits for the next events (parigot/exchange.h).
// So an op leaves when the callback that made it returns to the loop (or at
// exit()), and one call costs one exchange on each side.
#ifndef PARIGOT_GUEST_SRC_RUNTIME_H_
#define PARIGOT_GUEST_SRC_RUNTIME_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "guest/src/timer_queue.h"
#include "parigot/exchange.h"
#include "parigot/id.h"
#include "parigot/pool.h"
#include "parigot/program.h"
#include "parigot/service.h"
#include "parigot/syscall/v1/syscall.parigot.h"

namespace parigot::internal {

struct LocatedService {
  std::string name;  // "greeting.v1.Greeting", for messages
  ServiceId id;
  std::vector<std::string_view> method_names;  // .proto order
  std::vector<MethodId> method_ids;            // same order; zero if unbound
  // An in-guest fake serving this service's calls instead (InstallFake):
  // while set, calls never reach the kernel. Not owned.
  Service* fake = nullptr;
};

class Runtime {
 public:
  // The guest's runtime.
  static Runtime& Get();

  Future<void, KernelErr> Launch(const std::vector<ServiceName>& requires_,
                                 const std::vector<Service*>& exports);
  Result<ServiceHandle> Locate(std::string_view package,
                               std::string_view service,
                               std::span<const std::string_view> methods);
  // Queue a call or an answer; see the file comment, StartCall and
  // QueueReturn (service.h).
  char* Call(ServiceHandle service, size_t method_index, size_t param_size,
             CallOptions options, std::unique_ptr<CallReceiver> receiver);
  char* QueueReturn(CallId call, int32_t result_error, size_t result_size);
  int Run();
  // Sends the queued ops now, waiting for no event and ignoring their
  // results: the guest is about to exit. Only exit() calls it.
  void Flush();
  // Calls through `fake`'s service (its package and service names) go to
  // `fake`, inside this guest, until RemoveFake(fake): each is encoded,
  // then decoded and dispatched to `fake` on a later turn of the loop, and
  // its answer delivered on a turn after that, as a real call would be; a
  // call that names a deadline (CallOptions::timeout_ms) fails with
  // kDeadlineExceeded past it. The service may then be located without
  // being required. Handles located before keep working and go to the fake
  // meanwhile. Installing a second fake of one service replaces the first.
  // `fake` must stay alive until removed. (parigot/testing.h)
  void InstallFake(Service* fake);
  // Ends InstallFake(fake); calls it has not answered yet fail with
  // DispatchError and kCalleeEnded. Nothing if `fake` is not installed.
  void RemoveFake(Service* fake);
  // This guest's timers (parigot/timer.h), run by Run().
  TimerQueue& timers() { return timers_; }
  // The monotonic clock the timers use, in nanoseconds.
  static int64_t NowNs();

 private:
  struct Exported {
    Service* service;
    std::vector<MethodId> method_ids;  // index = method index
  };
  struct PendingCall {
    std::unique_ptr<CallReceiver> receiver;
    // What was called, for messages (the name is built only for them).
    const LocatedService* service;
    size_t method_index;
  };
  // A queued op, in op order: a dispatch waiting for its call id, or the
  // answer to `answered`.
  struct QueuedOp {
    std::optional<PendingCall> dispatch;
    CallId answered;
  };

  // A call to an in-guest fake (InstallFake).
  struct LocalCall {
    std::unique_ptr<CallReceiver> receiver;
    const LocatedService* service;
    Service* fake;
    size_t method_index;
    std::string param;   // the encoded request, until dispatched
    std::string result;  // the encoded answer, once answered
    int32_t result_error = 0;
    bool answered = false;
    std::optional<uint64_t> deadline_timer;
  };
  char* CallFake(const LocatedService& service, size_t method_index, size_t param_size,
                 CallOptions options, std::unique_ptr<CallReceiver> receiver);
  void DispatchLocal(CallId id);
  void DeliverLocal(CallId id);
  // Fails a local call that is still pending; `kernel_error` says why.
  void FailLocal(CallId id, KernelErr kernel_error);

  static std::string MethodName(const LocatedService& service, size_t method_index);
  // A call that failed by itself: logs why, and fails its future with
  // DispatchError and the cause.
  static void FailCall(PendingCall& call, KernelErr err);
  // Sends the queued ops and waits for up to `max_events` events, at most
  // `timeout_ms` (negative: until one comes); on success `*response` views
  // the response (valid until the next exchange). The caller takes the ops
  // from queued_.
  KernelErr Exchange(uint32_t max_events, int32_t timeout_ms, std::string_view* response);
  // Handles an exchange's response: the queued ops' results, then the events.
  // False if it is malformed.
  bool Receive(std::string_view response);
  void HandleResult(QueuedOp& op, const exchange::OpResult& result);
  void HandleIncoming(const exchange::CallEvent& call);
  void HandleResolved(const exchange::ResolvedEvent& resolved);
  void HandleLaunch(const exchange::LaunchEvent& launch);

  bool launched_ = false;
  std::optional<Promise<void, KernelErr>> launch_promise_;
  std::vector<Exported> exports_;
  std::unordered_map<ServiceId, size_t> export_index_;
  std::unordered_map<CallId, PendingCall, std::hash<CallId>, std::equal_to<CallId>,
                     PoolAllocator<std::pair<const CallId, PendingCall>>>
      pending_;
  std::map<std::string, std::unique_ptr<LocatedService>> located_;
  TimerQueue timers_;
  // Calls to in-guest fakes, by the call ids this guest made up for them.
  std::unordered_map<CallId, LocalCall> local_calls_;
  uint64_t next_local_call_ = 0;
  // Where an answer to a local call that has already failed (its deadline
  // passed) is written, and dropped.
  std::string dropped_answer_;

  // The next exchange request: its header's room, then the queued ops.
  std::string request_ = std::string(exchange::kRequestHeaderSize, '\0');
  std::vector<QueuedOp> queued_;
  // The ops of the exchange being received (kept for its capacity).
  std::vector<QueuedOp> sent_;
  // The exchange's response buffer; the events' bytes point into it.
  std::vector<char> response_buffer_;
};

// A typed id from the generated wire type.
template <typename IdType>
IdType IdFromWire(const parigot::wire::Box<protosupport::v1::IdRaw>& raw) {
  if (!raw.has_value()) return IdType::Zero();
  return IdType::FromRaw(raw->high, raw->low).value_or(IdType::Zero());
}

}  // namespace parigot::internal

#endif  // PARIGOT_GUEST_SRC_RUNTIME_H_
