// Vocabulary of the kernel: names, events and error codes.
#ifndef PARIGOT_HOST_KERNEL_TYPES_H_
#define PARIGOT_HOST_KERNEL_TYPES_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "host/log/record.h"
#include "parigot/id.h"
#include "parigot/syscall/v1/syscall.pb.h"

namespace parigot::kernel {

// The kernel answers with the same codes the ABI carries to guests.
using Err = syscall::v1::KernelErr;

// A protobuf service's full name: package "greeting.v1", service "Greeting".
struct ServiceName {
  std::string package;
  std::string service;

  // "greeting.v1.Greeting"
  std::string ToString() const { return package + "." + service; }
  bool operator==(const ServiceName&) const = default;
  auto operator<=>(const ServiceName&) const = default;
};

// What kind of microservice a guest is (see docs/descriptor.md).
enum class GuestKind { kService, kMain, kTest };

// Events a guest receives (Kernel::ReadOne, ReadEvents). A guest sees them
// as the events of the exchange system call (common/include/parigot/exchange.h).
struct IncomingCall {
  CallId call;
  ServiceId service;
  MethodId method;
  std::string param;
};
struct CallResolved {
  CallId call;
  std::string result;
  int32_t result_error = 0;
  Err kernel_error = syscall::v1::NoError;
};
struct LaunchCompleted {
  Err error = syscall::v1::NoError;
  std::string detail;
};
struct ExitRequested {
  int32_t code = 0;
};
using Event =
    std::variant<IncomingCall, CallResolved, LaunchCompleted, ExitRequested>;

// Severity of a message in the central log, and the key/value fields a
// guest may attach to one (host/log/record.h).
using LogLevel = log::Level;
using LogField = log::Field;

// The central log: `source` (a guest's name, or "net") says `text` at
// `level`, with `fields` (a guest's own; the kernel's reports have none).
using LogFn = std::function<void(std::string_view source, LogLevel level,
                                 std::string_view text,
                                 std::span<const LogField> fields)>;

}  // namespace parigot::kernel

#endif  // PARIGOT_HOST_KERNEL_TYPES_H_
