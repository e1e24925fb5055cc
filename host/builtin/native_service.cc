#include "host/builtin/native_service.h"

#include <chrono>
#include <unordered_map>
#include <utility>
#include <variant>

namespace parigot::builtin {
namespace {

using syscall::v1::KernelErr_Name;
namespace sc = syscall::v1;

}  // namespace

int NativeService::Serve(kernel::Kernel& kernel, GuestId guest) {
  auto failed = [&](std::string_view step, kernel::Err err) {
    kernel.Log(guest, kernel::LogLevel::kError,
               std::string(step) + " failed: " + KernelErr_Name(err));
    return 1;
  };
  std::string name;
  if (kernel::Err err = kernel.Register(guest, &name); err != sc::NoError) {
    return failed("register", err);
  }
  std::vector<ServiceId> ids;
  if (kernel::Err err = kernel.Export(guest, {service_}, &ids); err != sc::NoError) {
    return failed("export of " + service_.ToString(), err);
  }
  std::unordered_map<MethodId, const NativeMethod*> by_id;
  for (const NativeMethod& method : methods_) {
    MethodId id;
    if (kernel::Err err = kernel.BindMethod(guest, ids.front(), method.name, &id);
        err != sc::NoError) {
      return failed("bind_method " + method.name, err);
    }
    by_id.emplace(id, &method);
  }
  if (kernel::Err err = kernel.Launch(guest); err != sc::NoError) {
    return failed("launch", err);
  }
  for (;;) {
    kernel::Event event;
    if (kernel::Err err = kernel.ReadOne(guest, std::chrono::milliseconds(-1), &event);
        err != sc::NoError) {
      return failed("read", err);
    }
    if (auto* launched = std::get_if<kernel::LaunchCompleted>(&event)) {
      // The kernel has logged why start-up failed, and is ending the
      // application.
      if (launched->error != sc::NoError) return 1;
    } else if (auto* call = std::get_if<kernel::IncomingCall>(&event)) {
      auto method = by_id.find(call->method);
      // The kernel routes only the methods bound here; DispatchError (1)
      // for anything else, as the SDK answers an unknown method.
      Reply reply = method == by_id.end() ? Reply::Error(1)
                                          : method->second->handler(call->param);
      // An answer the caller no longer waits for, or one over the message
      // limit (its caller is told), is the kernel's to report.
      (void)kernel.ReturnValue(guest, call->call, std::move(reply.response), reply.error);
    } else if (std::holds_alternative<kernel::ExitRequested>(event)) {
      return 0;
    }
    // CallResolved: a native service makes no calls.
  }
}

}  // namespace parigot::builtin
