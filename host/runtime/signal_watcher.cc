#include "host/runtime/signal_watcher.h"

#include <pthread.h>

#include <string>

namespace parigot::runtime::internal {
namespace {

// The application's exit reason for `signal`.
std::string Interrupted(int signal) {
  return signal == SIGINT ? "interrupted by SIGINT" : "terminated by SIGTERM";
}

}  // namespace

SignalWatcher::SignalWatcher() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  // An ignored signal is discarded before sigwait can take it (shells start
  // background jobs with SIGINT ignored): give both a handler. It never
  // runs, since the signals stay blocked.
  struct sigaction action = {};
  action.sa_handler = [](int) {};
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
  // Threads made later inherit the mask, so only the watcher takes them.
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  thread_ = std::thread([this, set] {
    for (;;) {
      int signal = 0;
      sigwait(&set, &signal);
      if (stop_.load()) return;
      std::lock_guard lock(mu_);
      if (interrupted_ == 0) interrupted_ = signal;
      if (kernel_ != nullptr) {
        kernel_->ExitAll(130, Interrupted(signal), kernel::Kernel::ExitScope::kProcess);
      }
    }
  });
}

SignalWatcher::~SignalWatcher() {
  stop_.store(true);
  // Wakes the sigwait at once; the flag tells it this one is ours.
  pthread_kill(thread_.native_handle(), SIGTERM);
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

void SignalWatcher::Attach(kernel::Kernel* kernel) {
  std::lock_guard lock(mu_);
  kernel_ = kernel;
  if (interrupted_ != 0 && kernel_ != nullptr) {
    kernel_->ExitAll(130, Interrupted(interrupted_), kernel::Kernel::ExitScope::kProcess);
  }
}

}  // namespace parigot::runtime::internal
