// The built-in services of one host (descriptor `Builtin = "kv"`, "file",
// "queue", "http"): each opened from its descriptor options (storage under
// the deployment's DataDir), added to the kernel as a service guest, and
// served on a thread of its own (host/builtin/builtin.h), restarted by its
// restart policy like a guest. A new kind of built-in is one entry in
// builtins.cc's table.
//
// Thread safety: Make, Start and Join from the runtime's thread.
#ifndef PARIGOT_HOST_RUNTIME_BUILTINS_H_
#define PARIGOT_HOST_RUNTIME_BUILTINS_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "host/builtin/builtin.h"
#include "host/kernel/kernel.h"
#include "parigot/deploy/options.h"
#include "parigot/status.h"

namespace parigot::runtime {

// A built-in's time limit when its descriptor sets none: a durable write
// of a large value waits for the disk (a 64 MiB one took 3.7 s on a slow
// virtual disk), and a caller that names no deadline waits this long.
inline constexpr std::chrono::milliseconds kBuiltinTimeLimit{10000};

class RunningBuiltin {
 public:
  // Opens `ms`'s storage and declares it to `kernel`. Fails (naming the
  // file) when its storage cannot be opened.
  static Result<std::unique_ptr<RunningBuiltin>> Make(const deploy::MicroserviceOptions& ms,
                                                      const deploy::DeploymentOptions& deployment,
                                                      kernel::Kernel& kernel,
                                                      kernel::GuestOptions options,
                                                      const kernel::LogFn& log);
  ~RunningBuiltin();

  // Serves, on its own thread, until the application ends. Call once the
  // kernel's guests start (Kernel::StartGuests).
  void Start();
  // Waits for its thread to end (the application has ended).
  void Join();

  GuestId id() const { return id_; }

  // The FileDescriptorSet of the built-ins' .proto files (those of the
  // services they serve and of the messages they take), for the service
  // catalog (reflection, names of errors) in network mode.
  static Result<std::vector<uint8_t>> DescriptorSet();

 private:
  RunningBuiltin() = default;

  kernel::Kernel* kernel_ = nullptr;
  GuestId id_;
  std::unique_ptr<builtin::Builtin> builtin_;
  std::thread thread_;
};

}  // namespace parigot::runtime

#endif  // PARIGOT_HOST_RUNTIME_BUILTINS_H_
