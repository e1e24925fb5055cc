// Builtin: one running built-in service (key-value store, files, queues,
// HTTP ingress; docs/builtins.md), as the runtime drives it. The runtime
// declares it to the kernel as a guest and calls Serve on a thread of its
// own; Serve registers, exports or requires, launches and then answers or
// makes calls through the kernel, exactly as a guest's code would, until
// the application ends or the kernel asks it to exit.
//
// Thread safety: Serve runs on its caller's thread until the built-in
// ends; it may be called again for the next instance after a restart, never
// twice at once.
#ifndef PARIGOT_HOST_BUILTIN_BUILTIN_H_
#define PARIGOT_HOST_BUILTIN_BUILTIN_H_

#include "host/kernel/kernel.h"
#include "host/kernel/types.h"

namespace parigot::builtin {

class Builtin {
 public:
  virtual ~Builtin() = default;

  // Serves as guest `guest` (added to `kernel` by the caller) until the
  // application ends. Returns the guest's exit code: 0 when asked to exit;
  // 1 when start-up failed (the kernel has logged why) or a system call
  // failed (logged here). The caller reports it with Kernel::GuestEnded.
  virtual int Serve(kernel::Kernel& kernel, GuestId guest) = 0;
};

}  // namespace parigot::builtin

#endif  // PARIGOT_HOST_BUILTIN_BUILTIN_H_
