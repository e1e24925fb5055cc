// The kernel's window on the world outside its process: services served by
// other hosts of the application, or by outside gRPC servers, and the other
// hosts that must hear about this one.
//
// The kernel knows no transport. host/net implements these interfaces over
// gRPC; tests implement them in memory. Data flows as DESIGN.md section 3
// says: the kernel reaches another host only through them.
#ifndef PARIGOT_HOST_KERNEL_FEDERATION_H_
#define PARIGOT_HOST_KERNEL_FEDERATION_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "host/kernel/types.h"

namespace parigot::kernel {

// How a call sent outside the process ended.
struct RemoteReply {
  // The method's response (when kernel_error is NoError and result_error 0).
  std::string result;
  // The error id the method returned; 0 if none.
  int32_t result_error = 0;
  // NoError, or why there is no answer: CallTimeout, NetworkFailed,
  // ServiceDied, NotFound...
  Err kernel_error = syscall::v1::NoError;
  // For the log when kernel_error is set ("back (127.0.0.1:7402):
  // connection refused").
  std::string detail;
  // The application's exit code, when the answering process had it fixed
  // before it answered: the caller's process ends with it too, before its
  // guest sees the answer (as in one process, where a guest whose callee
  // called exit-all is told to exit before it learns the callee died).
  std::optional<int> application_exit;
  // The call surely never reached the peer (its transport could not
  // connect): it may go to another replica without being done twice. Never
  // set for a call that may have started there (a connection lost
  // mid-call, a deadline), which fails as it is.
  bool not_sent = false;
};

// Delivers a RemoteReply. Called exactly once per call, from any thread.
using ReplyFn = std::function<void(RemoteReply)>;

// One place a service can be reached outside the process: a peer host, or
// an outside gRPC server. Shared by the kernel and the transport.
//
// Thread safety: every method may be called from any thread, and with the
// kernel's lock held, so none may call back into the kernel synchronously.
class RemoteEndpoint {
 public:
  virtual ~RemoteEndpoint() = default;

  // Who answers, for messages: "back (127.0.0.1:7402)".
  virtual std::string Describe() const = 0;

  // False while the endpoint is known to be unreachable (its last call failed
  // to connect); the kernel then prefers other replicas. Best effort.
  virtual bool Reachable() const = 0;

  // Sends `param` to `method` of `service`, to be answered by `deadline`.
  // `done` gets the outcome exactly once, from any thread (possibly before
  // Send returns). `call` names the call for Cancel.
  virtual void Send(CallId call, const ServiceName& service,
                    const std::string& method, std::string param,
                    std::chrono::steady_clock::time_point deadline,
                    ReplyFn done) = 0;

  // The caller has gone: abandon `call` if it is still in flight. `done`
  // may still be called (its reply is then dropped).
  virtual void Cancel(CallId call) = 0;
};

// The other hosts of a networked application, as the kernel needs them.
//
// Thread safety: called with the kernel's lock held: implementations must
// return quickly and must not call back into the kernel synchronously.
class Federation {
 public:
  virtual ~Federation() = default;

  // The services this process serves changed (Kernel::ServingServices()):
  // one started serving, or one died.
  virtual void ServingChanged() = 0;

  // The application's exit code was fixed in this process (a program ended,
  // a guest called exit-all, start-up failed, a signal, or a peer asked):
  // the other hosts must end too.
  virtual void ExitFixed(int code) = 0;

  // Why `service`, which a guest here requires, is still not served, for the
  // start-up timeout report: "host back (127.0.0.1:7402) never answered:
  // connection refused". Empty when the federation knows nothing of it.
  virtual std::string ExplainMissing(const ServiceName& service) = 0;
};

}  // namespace parigot::kernel

#endif  // PARIGOT_HOST_KERNEL_FEDERATION_H_
