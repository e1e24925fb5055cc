// CallCause: why a call failed by itself, as opposed to the callee's method
// answering it with one of its service's errors. Shared by the guest SDK
// (a failed future carries one: Future::cause(), or_else(f(error, cause)))
// and the host (the gRPC status a call's failure is sent as).
//
// The kernel reports a call's failure as a KernelErr (syscall.proto);
// CallCauseOf maps it to the cause a caller acts on, and StatusCodeFor maps
// the cause to gRPC's status code, so that a parigot caller and a plain gRPC
// client learn the same thing:
//
//   cause               gRPC status         retry?
//   kDeadlineExceeded   DEADLINE_EXCEEDED   the caller's own deadline passed
//   kCancelled          CANCELLED           the call was cancelled
//   kCalleeKilled       INTERNAL            no: the method may have had effects
//   kCalleeTrapped      INTERNAL            no: the same
//   kCalleeEnded        UNAVAILABLE         the service has ended
//   kCalleeRestarting   UNAVAILABLE         yes: it was restarting; never started
//   kNotFound           UNIMPLEMENTED       no such service or method
//   kNetworkFailed      UNAVAILABLE         its host could not be reached
//   kMessageTooLarge    RESOURCE_EXHAUSTED  request or answer over the limit
//   kOverloaded         RESOURCE_EXHAUSTED  yes, later: too many calls in progress
//   kShuttingDown       UNAVAILABLE         the application is ending
//   kBadResponse        INTERNAL            the answer could not be decoded
//   kInternal           INTERNAL            anything else (a parigot bug)
//
// Thread safety: constant functions only.
#ifndef PARIGOT_CALL_CAUSE_H_
#define PARIGOT_CALL_CAUSE_H_

#include <cstdint>
#include <string_view>

#include "parigot/status.h"

namespace parigot {

enum class CallCause : uint8_t {
  // Not a failure of the call itself: it succeeded, or the callee's method
  // answered with its own error (the future's error value says which).
  kNone = 0,
  // The caller's deadline passed before the answer came. The method, if it
  // had started, runs on under its own time limit; if it had not, it never
  // will.
  kDeadlineExceeded,
  // The call was cancelled before it was answered (a remote caller's
  // cancellation, or its host's).
  kCancelled,
  // The callee was killed while it served the call: its method ran past
  // its time limit (or its turn limit). Supervision restarts it.
  kCalleeKilled,
  // The callee trapped while it served the call.
  kCalleeTrapped,
  // The callee exited while it served the call, or the service has ended
  // for good and no instance serves it.
  kCalleeEnded,
  // The callee was restarting and did not run again before the caller's
  // deadline. The call never started.
  kCalleeRestarting,
  // No such service or method (not exported, not required, or the service
  // does not implement the method).
  kNotFound,
  // The host that serves it could not be reached, or the connection broke.
  kNetworkFailed,
  // The request or the answer is larger than the application's
  // MaxMessageSize.
  kMessageTooLarge,
  // The process that should take the call has too many calls in progress
  // (the deployment's MaxInFlight): refused at once, never started.
  kOverloaded,
  // The application is ending.
  kShuttingDown,
  // The answer arrived but is not a valid response message.
  kBadResponse,
  // Any other failure of parigot itself.
  kInternal,
};

// "deadline exceeded", "callee killed", ...: for messages.
constexpr std::string_view CallCauseName(CallCause cause) {
  switch (cause) {
    case CallCause::kNone: return "none";
    case CallCause::kDeadlineExceeded: return "deadline exceeded";
    case CallCause::kCancelled: return "cancelled";
    case CallCause::kCalleeKilled: return "callee killed";
    case CallCause::kCalleeTrapped: return "callee trapped";
    case CallCause::kCalleeEnded: return "callee ended";
    case CallCause::kCalleeRestarting: return "callee restarting";
    case CallCause::kNotFound: return "not found";
    case CallCause::kNetworkFailed: return "network failed";
    case CallCause::kMessageTooLarge: return "message too large";
    case CallCause::kOverloaded: return "overloaded";
    case CallCause::kShuttingDown: return "shutting down";
    case CallCause::kBadResponse: return "bad response";
    case CallCause::kInternal: return "internal";
  }
  return "internal";
}

// The gRPC status a call that failed for `cause` is sent as (OK for kNone:
// an application error has its own mapping, see host/net/wire.h).
constexpr StatusCode StatusCodeFor(CallCause cause) {
  switch (cause) {
    case CallCause::kNone: return StatusCode::kOk;
    case CallCause::kDeadlineExceeded: return StatusCode::kDeadlineExceeded;
    case CallCause::kCancelled: return StatusCode::kCancelled;
    case CallCause::kCalleeKilled:
    case CallCause::kCalleeTrapped:
    case CallCause::kBadResponse:
    case CallCause::kInternal: return StatusCode::kInternal;
    case CallCause::kCalleeEnded:
    case CallCause::kCalleeRestarting:
    case CallCause::kNetworkFailed:
    case CallCause::kShuttingDown: return StatusCode::kUnavailable;
    case CallCause::kNotFound: return StatusCode::kUnimplemented;
    case CallCause::kMessageTooLarge:
    case CallCause::kOverloaded: return StatusCode::kResourceExhausted;
  }
  return StatusCode::kInternal;
}

// The cause of a call that the kernel failed with `error`. KernelErr is
// syscall.v1.KernelErr as either code generator spells it (the guest's enum
// class or the host's protoc enum): the same names, the same numbers.
template <typename KernelErr>
constexpr CallCause CallCauseOf(KernelErr error) {
  switch (error) {
    case KernelErr::NoError: return CallCause::kNone;
    case KernelErr::CallTimeout: return CallCause::kDeadlineExceeded;
    case KernelErr::CallCancelled: return CallCause::kCancelled;
    case KernelErr::ServiceKilled: return CallCause::kCalleeKilled;
    case KernelErr::ServiceTrapped: return CallCause::kCalleeTrapped;
    case KernelErr::ServiceDied: return CallCause::kCalleeEnded;
    case KernelErr::ServiceRestarting: return CallCause::kCalleeRestarting;
    case KernelErr::NotFound:
    case KernelErr::IdDispatch:
    case KernelErr::LocateError:
    case KernelErr::NotRequired: return CallCause::kNotFound;
    case KernelErr::NetworkFailed: return CallCause::kNetworkFailed;
    case KernelErr::MessageTooLarge: return CallCause::kMessageTooLarge;
    case KernelErr::Overloaded: return CallCause::kOverloaded;
    case KernelErr::AbortRequest: return CallCause::kShuttingDown;
    default: return CallCause::kInternal;
  }
}

}  // namespace parigot

#endif  // PARIGOT_CALL_CAUSE_H_
