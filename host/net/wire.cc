#include "host/net/wire.h"

#include <charconv>

#include "parigot/call_cause.h"

namespace parigot::net {

namespace sc = syscall::v1;
using kernel::RemoteReply;

std::string MethodPath(const kernel::ServiceName& service,
                       std::string_view method) {
  std::string path = "/" + service.ToString() + "/";
  path += method;
  return path;
}

std::optional<kernel::ServiceName> ParseServiceName(std::string_view full_name) {
  size_t dot = full_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == full_name.size()) {
    return std::nullopt;
  }
  return kernel::ServiceName{std::string(full_name.substr(0, dot)),
                             std::string(full_name.substr(dot + 1))};
}

std::optional<MethodRef> ParseMethodPath(std::string_view path) {
  if (path.size() < 2 || path[0] != '/') return std::nullopt;
  path.remove_prefix(1);
  size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash + 1 == path.size() ||
      path.find('/', slash + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<kernel::ServiceName> service =
      ParseServiceName(path.substr(0, slash));
  if (!service) return std::nullopt;
  return MethodRef{std::move(*service), std::string(path.substr(slash + 1))};
}

std::chrono::system_clock::time_point ToSystemClock(
    std::chrono::steady_clock::time_point deadline) {
  if (deadline == std::chrono::steady_clock::time_point::max()) {
    return std::chrono::system_clock::time_point::max();
  }
  auto left = deadline - std::chrono::steady_clock::now();
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(left);
}

std::chrono::steady_clock::time_point ToSteadyClock(
    std::chrono::system_clock::time_point deadline) {
  auto system_now = std::chrono::system_clock::now();
  // Far futures (gRPC's "no deadline" is a huge value) would overflow.
  if (deadline - system_now > std::chrono::hours(24 * 365)) {
    return std::chrono::steady_clock::time_point::max();
  }
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             deadline - system_now);
}

grpc::Status StatusForKernelError(kernel::Err error, std::string_view detail,
                                  grpc::ServerContextBase& context) {
  context.AddTrailingMetadata(kKernelErrorKey, sc::KernelErr_Name(error));
  CallCause cause = CallCauseOf(error);
  // Its numbers are gRPC's (parigot/status.h).
  auto code = static_cast<grpc::StatusCode>(StatusCodeFor(cause));
  std::string message = sc::KernelErr_Name(error) + " (" + std::string(CallCauseName(cause)) + ")";
  if (!detail.empty()) message += ": " + std::string(detail);
  return grpc::Status(code, message);
}

grpc::Status StatusForReply(const RemoteReply& reply,
                            grpc::ServerContextBase& context,
                            std::string_view error_name) {
  if (reply.application_exit) {
    context.AddTrailingMetadata(kApplicationExitKey,
                                std::to_string(*reply.application_exit));
  }
  if (reply.kernel_error != sc::NoError) {
    return StatusForKernelError(reply.kernel_error, reply.detail, context);
  }
  if (reply.result_error != 0) {
    context.AddTrailingMetadata(kResultErrorKey,
                                std::to_string(reply.result_error));
    std::string number = std::to_string(reply.result_error);
    if (error_name.empty()) {
      return grpc::Status(grpc::StatusCode::UNKNOWN, "the method returned error " + number);
    }
    context.AddTrailingMetadata(kResultErrorNameKey, std::string(error_name));
    return grpc::Status(grpc::StatusCode::UNKNOWN, "the method returned error " +
                                                       std::string(error_name) + " (" +
                                                       number + ")");
  }
  return grpc::Status::OK;
}

namespace {

std::optional<std::string_view> Trailer(const grpc::ClientContext& context,
                                        std::string_view key) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find(grpc::string_ref(key.data(), key.size()));
  if (it == trailers.end()) return std::nullopt;
  return std::string_view(it->second.data(), it->second.size());
}

std::optional<int32_t> ParseInt(std::string_view text) {
  int32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

RemoteReply ReplyForStatus(const grpc::Status& status,
                           const grpc::ClientContext& context,
                           std::string_view peer) {
  RemoteReply reply;
  if (auto value = Trailer(context, kApplicationExitKey)) {
    if (std::optional<int32_t> code = ParseInt(*value)) reply.application_exit = *code;
  }
  if (status.ok()) return reply;
  reply.detail = std::string(peer) + ": " + status.error_message();
  if (auto value = Trailer(context, kResultErrorKey)) {
    std::optional<int32_t> error = ParseInt(*value);
    if (error && *error != 0) {
      reply.result_error = *error;
      reply.detail.clear();
      return reply;
    }
  }
  if (auto value = Trailer(context, kKernelErrorKey)) {
    sc::KernelErr error;
    if (sc::KernelErr_Parse(std::string(*value), &error) && error != sc::NoError) {
      // The peer's kernel said it: the error's name says it all.
      reply.kernel_error = error;
      reply.detail = "answered by " + std::string(peer);
      return reply;
    }
  }
  // From a peer that did not say (an outside server, or gRPC itself): the
  // cause its status code stands for; anything else is the connection's.
  switch (status.error_code()) {
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      reply.kernel_error = sc::CallTimeout;
      break;
    case grpc::StatusCode::CANCELLED:
      reply.kernel_error = sc::CallCancelled;
      break;
    case grpc::StatusCode::UNIMPLEMENTED:
      reply.kernel_error = sc::NotFound;
      break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      reply.kernel_error = sc::MessageTooLarge;
      break;
    default:
      reply.kernel_error = sc::NetworkFailed;
      break;
  }
  return reply;
}

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::string out;
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

grpc::ByteBuffer ToByteBuffer(std::string_view bytes) {
  grpc::Slice slice(bytes.data(), bytes.size());
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace parigot::net
