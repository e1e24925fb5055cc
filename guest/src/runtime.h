// The guest's event loop state: pending calls, exported services, launch.
// One per guest (a guest is one single-threaded program).
#ifndef PARIGOT_GUEST_SRC_RUNTIME_H_
#define PARIGOT_GUEST_SRC_RUNTIME_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "parigot/id.h"
#include "parigot/program.h"
#include "parigot/service.h"
#include "parigot/syscall/v1/syscall.parigot.h"

namespace parigot::internal {

struct LocatedService {
  std::string name;  // "greeting.v1.Greeting", for messages
  ServiceId id;
  std::vector<std::string_view> method_names;  // .proto order
  std::vector<MethodId> method_ids;            // same order; zero if unbound
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
  RawFuture Call(ServiceHandle service, size_t method_index, std::string param,
                 CallOptions options);
  int Run();

 private:
  struct Exported {
    Service* service;
    std::vector<MethodId> method_ids;  // index = method index
  };

  void HandleIncoming(const syscall::v1::IncomingCall& call);
  void HandleResolved(const syscall::v1::CallResolved& resolved);
  void HandleLaunch(const syscall::v1::LaunchCompleted& launch);

  bool launched_ = false;
  std::optional<Promise<void, KernelErr>> launch_promise_;
  std::vector<Exported> exports_;
  std::unordered_map<ServiceId, size_t> export_index_;
  struct PendingCall {
    Promise<std::string, int32_t> promise;
    // What was called, for messages (the name is built only for them).
    const LocatedService* service;
    size_t method_index;
  };
  static std::string MethodName(const LocatedService& service, size_t method_index);
  std::unordered_map<CallId, PendingCall> pending_;
  std::map<std::string, std::unique_ptr<LocatedService>> located_;
};

// Id conversions between the generated wire type and typed ids.
template <typename IdType>
IdType IdFromWire(const parigot::wire::Box<protosupport::v1::IdRaw>& raw) {
  if (!raw.has_value()) return IdType::Zero();
  return IdType::FromRaw(raw->high, raw->low).value_or(IdType::Zero());
}
template <typename IdType>
protosupport::v1::IdRaw IdToWire(const IdType& id) {
  return protosupport::v1::IdRaw{.high = id.high(), .low = id.low()};
}

}  // namespace parigot::internal

#endif  // PARIGOT_GUEST_SRC_RUNTIME_H_
