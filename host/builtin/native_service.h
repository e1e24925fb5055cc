// NativeService: a service the host implements (a built-in such as the
// key-value store, files, queues or HTTP ingress), served through the
// kernel exactly as a guest's service is. It registers, exports its
// service, binds its methods and launches as a guest does, then answers the
// calls the kernel hands it; its callers (guests of this host, peers on
// other hosts, gRPC clients) cannot tell it from a guest, and deadlines,
// message limits, routing and placement apply unchanged.
//
// It serves on a thread of its own, not on the guests' fibers: a handler
// may block (a write waiting for fsync) without holding up any guest. It
// takes one call at a time, as a guest does.
//
//   NativeService kv({"parigot.kv.v1", "KV"},
//                    {{"Get", [&](std::string_view request) { return store.Get(request); }},
//                     {"Put", ...}});
//   GuestId id = kernel.AddGuest("kv", GuestKind::kService, "app.toml:7");
//   std::thread server([&] { kernel.GuestEnded(id, kv.Serve(kernel, id), std::nullopt); });
//
// Thread safety: Serve runs on its caller's thread until the service ends;
// the handlers run there, one at a time. Serve may be called again, for
// the guest's next instance after a restart; never twice at once.
#ifndef PARIGOT_HOST_BUILTIN_NATIVE_SERVICE_H_
#define PARIGOT_HOST_BUILTIN_NATIVE_SERVICE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host/builtin/builtin.h"
#include "host/kernel/kernel.h"
#include "host/kernel/types.h"

namespace parigot::builtin {

// What a method answers: the encoded response message, or the service's
// error enum value (not 0; the usual first values are NoError 0,
// DispatchError 1, UnmarshalFailed 2, MarshalFailed 3).
struct Reply {
  std::string response;
  int32_t error = 0;

  static Reply Error(int32_t error) { return Reply{.response = {}, .error = error}; }
};

// One method: its name as in the .proto ("Get"), and what answers a call
// given the encoded request message. A handler must not throw.
struct NativeMethod {
  std::string name;
  std::function<Reply(std::string_view request)> handler;
};

class NativeService : public Builtin {
 public:
  NativeService(kernel::ServiceName service, std::vector<NativeMethod> methods)
      : service_(std::move(service)), methods_(std::move(methods)) {}
  NativeService(const NativeService&) = delete;
  NativeService& operator=(const NativeService&) = delete;

  // Builtin::Serve, for a guest added as a GuestKind::kService.
  int Serve(kernel::Kernel& kernel, GuestId guest) override;

 private:
  const kernel::ServiceName service_;
  const std::vector<NativeMethod> methods_;
};

}  // namespace parigot::builtin

#endif  // PARIGOT_HOST_BUILTIN_NATIVE_SERVICE_H_
