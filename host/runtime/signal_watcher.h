// SignalWatcher: Ctrl-C and SIGTERM end a running application cleanly.
#ifndef PARIGOT_HOST_RUNTIME_SIGNAL_WATCHER_H_
#define PARIGOT_HOST_RUNTIME_SIGNAL_WATCHER_H_

#include <signal.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "host/kernel/kernel.h"

namespace parigot::runtime::internal {

// Turns SIGINT/SIGTERM into exit-all(130) while the application runs; in a
// networked application only this host ends (its peers see it go). Make
// it before any other thread (the kernel's watchdog, engine threads,
// workers), so that every thread inherits the blocked mask and only the
// watcher ever takes these signals. A signal that arrives before the kernel
// is attached is kept and delivered when it is.
//
// Thread safety: Attach may be called from any thread.
class SignalWatcher {
 public:
  SignalWatcher();
  // Restores the signal mask and handlers it found.
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // The kernel to tell; null detaches (before the kernel goes away).
  void Attach(kernel::Kernel* kernel);

 private:
  std::mutex mu_;
  kernel::Kernel* kernel_ = nullptr;  // guarded by mu_
  int interrupted_ = 0;               // the first signal taken; guarded by mu_
  sigset_t old_mask_;
  struct sigaction old_int_;
  struct sigaction old_term_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace parigot::runtime::internal

#endif  // PARIGOT_HOST_RUNTIME_SIGNAL_WATCHER_H_
