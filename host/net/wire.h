// How a parigot call looks on gRPC, for both ends: the method path, the
// deadline, and how outcomes map to gRPC statuses and back.
//
// A call to method M of service pkg.v1.S is a unary gRPC call to
// "/pkg.v1.S/M" whose request and response are the protobuf messages
// themselves (what guests put in dispatch and return_value), so any gRPC
// client can call a parigot service. An outcome other than a response is a
// non-OK status; the exact parigot outcome also travels in trailing
// metadata (kResultErrorKey, kResultErrorNameKey, kKernelErrorKey), which
// other clients may ignore:
//
//   the method returned error N, the value E of its service's error enum:
//     UNKNOWN, with parigot-result-error: N and parigot-result-error-name: E
//   the call failed by itself, with kernel error K (CallTimeout,
//   ServiceKilled, MessageTooLarge, ...): the status of K's cause
//   (parigot/call_cause.h: DEADLINE_EXCEEDED, INTERNAL, RESOURCE_EXHAUSTED,
//   UNAVAILABLE, ...), with parigot-kernel-error: K
//
// A caller that gets a status without those trailers (the peer is down, or
// an outside server answered) maps it with ReplyForStatus.
#ifndef PARIGOT_HOST_NET_WIRE_H_
#define PARIGOT_HOST_NET_WIRE_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "host/kernel/federation.h"
#include "host/kernel/types.h"

namespace parigot::net {

inline constexpr char kResultErrorKey[] = "parigot-result-error";
// The name of the value of the service's error enum, when the host knows the
// service's descriptors (ServiceCatalog::ErrorName).
inline constexpr char kResultErrorNameKey[] = "parigot-result-error-name";
inline constexpr char kKernelErrorKey[] = "parigot-kernel-error";
// On any answer (OK or not) from a host whose application exit code was
// fixed before it answered (RemoteReply::application_exit).
inline constexpr char kApplicationExitKey[] = "parigot-application-exit";

// "/greeting.v1.Greeting/FetchGreeting".
std::string MethodPath(const kernel::ServiceName& service,
                       std::string_view method);

// The inverse of MethodPath; nullopt unless `path` is "/P.S/M" with a
// non-empty package P, service S and method M.
struct MethodRef {
  kernel::ServiceName service;
  std::string method;
};
std::optional<MethodRef> ParseMethodPath(std::string_view path);

// "greeting.v1.Greeting" -> {"greeting.v1", "Greeting"}; nullopt without a
// dot, or with an empty part.
std::optional<kernel::ServiceName> ParseServiceName(std::string_view full_name);

// gRPC's deadlines are on the system clock, the kernel's on the steady one.
std::chrono::system_clock::time_point ToSystemClock(
    std::chrono::steady_clock::time_point deadline);
// A gRPC deadline (system_clock max: none) as a steady one (max: none).
std::chrono::steady_clock::time_point ToSteadyClock(
    std::chrono::system_clock::time_point deadline);

// Server side: the status answering a call whose outcome is `reply`, with
// the trailers set on `context` (OK for a plain response). `error_name`:
// the name of reply.result_error in the service's error enum, if known.
grpc::Status StatusForReply(const kernel::RemoteReply& reply,
                            grpc::ServerContextBase& context,
                            std::string_view error_name = {});
// Server side: the status for a kernel error met before the call reached a
// guest (CallFromRemote refused it).
grpc::Status StatusForKernelError(kernel::Err error, std::string_view detail,
                                  grpc::ServerContextBase& context);

// Client side: the parigot outcome of a finished call, trailers included
// (the response itself is not filled in). `peer` names the other end for
// messages.
kernel::RemoteReply ReplyForStatus(const grpc::Status& status,
                                   const grpc::ClientContext& context,
                                   std::string_view peer);

// The bytes of a gRPC message, and back. Copies (messages are small next to
// the cost of a network round trip).
std::string ToString(const grpc::ByteBuffer& buffer);
grpc::ByteBuffer ToByteBuffer(std::string_view bytes);

}  // namespace parigot::net

#endif  // PARIGOT_HOST_NET_WIRE_H_
