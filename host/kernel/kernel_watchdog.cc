#include "host/kernel/kernel.h"

#include <algorithm>

#include "host/kernel/kernel_state.h"

namespace parigot::kernel {

std::optional<Kernel::Clock::time_point> Kernel::TurnBeganLocked(const Guest& guest) const {
  Clock::rep began = guest.turn_began.load();
  if (began == 0 || guest.killed || guest.state == Guest::State::kEnded) return std::nullopt;
  return Clock::time_point(Clock::duration(began));
}

std::string Kernel::StartupOverrun() const {
  return "its start-up code ran past the start-up timeout (" +
         std::to_string(options_.startup_timeout.count()) + " ms) without reaching its event loop";
}

// A turn that runs a method is limited by the method's limit; start-up code
// by the start-up timeout; any other turn by the guest's TimeLimit.
std::chrono::milliseconds Kernel::TurnLimit(const Guest& guest) const {
  if (guest.starting.load()) return options_.startup_timeout;
  int64_t method_limit = guest.method_limit_ms.load();
  return method_limit > 0 ? std::chrono::milliseconds(method_limit) : guest.time_limit;
}

std::string Kernel::LimitText(std::chrono::milliseconds limit, int scale) {
  if (scale == 1) return std::to_string(limit.count()) + " ms";
  return std::to_string(limit.count()) + " ms: " + std::to_string(limit.count() / scale) +
         " ms x" + std::to_string(scale);
}

bool Kernel::RunningLocked(CallId id, const PendingCall& call) const {
  return call.callee != nullptr && call.callee->running_call == id;
}

void Kernel::KillLocked(const PendingCall& call) {
  std::string method = call.service->name.ToString() + "." +
                       MethodNameLocked(*call.service, call.method);
  // The limit its turn was timed by: the method's (PendingCall::limit),
  // and what its request's size added.
  std::string limit = LimitText(call.limit, call.callee->time_scale);
  if (call.allowance.count() > 0) {
    limit += ", + " + std::to_string(call.allowance.count()) + " ms for its request";
  }
  KillGuestLocked(call.callee, method + " ran past its time limit (" + limit + ")");
}

std::chrono::milliseconds Kernel::RequestAllowance(size_t bytes, int scale) {
  // Whole milliseconds, rounded down: small requests add nothing.
  const uint64_t per_mib = kRequestAllowancePerMiB.count();
  return std::chrono::milliseconds(bytes * per_mib / (uint64_t{1} << 20) * scale);
}

void Kernel::KillGuestLocked(Guest* guest, const std::string& what) {
  if (guest->killed || guest->state == Guest::State::kEnded ||
      guest->state == Guest::State::kRestarting) {
    return;
  }
  if (!options_.interrupt || !options_.interrupt(guest->id)) {
    Report(guest->name, LogLevel::kError, what + "; this engine cannot interrupt it");
    return;
  }
  guest->killed = true;
  guest->kill_reason = what;
  Report(guest->name, LogLevel::kError, "killed: " + what);
}

void Kernel::Watchdog() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    Clock::time_point now = Clock::now();
    {
      Deferred after;
      ExpireLocked(now, after);
      if (!after.empty()) {
        lock.unlock();
        after.Run();
        lock.lock();
        continue;
      }
    }
    Clock::time_point next = Clock::time_point::max();
    if (startup_began_ && !startup_done_ && !exit_code_) {
      next = *startup_began_ + options_.startup_timeout;
    }
    for (const auto& [id, call] : calls_) {
      if (!call.caller_gone) next = std::min(next, call.deadline);
    }
    // Turns. The wake time is 0 while the guests are scanned; a guest
    // stores its turn's start, then reads the wake time (all seq_cst). If it
    // read before the 0, this scan sees its turn; if it reads the 0, or a
    // wake time after its turn's limit, it notifies under mu_, which it can
    // take only once this thread waits; else this thread wakes first.
    watchdog_wake_.store(0);
    for (const auto& guest : guests_) {
      if (auto began = TurnBeganLocked(*guest)) {
        next = std::min(next, *began + TurnLimit(*guest));
      }
    }
    watchdog_wake_.store(next.time_since_epoch().count());
    if (next == Clock::time_point::max()) {
      watchdog_cv_.wait(lock);
    } else {
      watchdog_cv_.wait_until(lock, next);
    }
  }
}

void Kernel::ExpireLocked(Clock::time_point now, Deferred& after) {
  // A guest that has not come back to its event loop within its limit
  // stalls whatever shares its worker: it is killed, whatever its callers
  // chose (GuestEnded then answers them). A turn that runs a method is
  // reported as that method's overrun.
  for (const auto& guest : guests_) {
    auto began = TurnBeganLocked(*guest);
    if (!began || now < *began + TurnLimit(*guest)) continue;
    auto call = guest->running_call ? calls_.find(*guest->running_call) : calls_.end();
    if (call != calls_.end()) {
      KillLocked(call->second);
    } else if (guest->starting.load()) {
      KillGuestLocked(guest.get(), StartupOverrun());
    } else {
      KillGuestLocked(guest.get(), "ran past its turn limit (" +
                                       LimitText(guest->time_limit, guest->time_scale) +
                                       ") without returning to its event loop");
    }
  }
  for (auto it = calls_.begin(); it != calls_.end();) {
    PendingCall& call = it->second;
    if (!call.caller_gone && call.deadline <= now) {
      // The caller's SDK reports the failure with the method's name.
      Report(call.caller != nullptr ? call.caller->name : "net",
             LogLevel::kDebug,
             "call " + it->first.Short() + " to " +
                 (call.callee != nullptr ? call.callee->name
                                         : call.remote->Describe()) +
                 " timed out");
      if (call.remote != nullptr) {
        after.Add([remote = call.remote, id = it->first] { remote->Cancel(id); });
      }
      // A call still held for a restarting callee never started: the
      // caller learns that the service is restarting, not merely slow.
      const bool held = call.callee != nullptr && call.callee->restarting && !call.taken;
      FailCallLocked(it->first, call, held ? sc::ServiceRestarting : sc::CallTimeout, after);
      // A method being run goes on (its limit still applies); a queued call
      // is dropped and never run.
      if (RunningLocked(it->first, call)) {
        call.caller_gone = true;
        ++it;
      } else {
        it = calls_.erase(it);
      }
    } else if (call.caller_gone && call.taken && !RunningLocked(it->first, call)) {
      it = calls_.erase(it);  // its method has returned; nobody waits
    } else {
      ++it;
    }
  }
  if (!startup_began_ || startup_done_ || exit_code_ ||
      now < *startup_began_ + options_.startup_timeout) {
    return;
  }
  // Start-up timed out: say precisely what each waiting guest lacks.
  std::string late;  // their names, for the exit reason
  for (auto& guest : guests_) {
    if (guest->state == Guest::State::kRunning ||
        guest->state == Guest::State::kEnded) {
      continue;
    }
    late += (late.empty() ? "" : ", ") + guest->name;
    std::string detail;
    Err error = sc::RunTimeout;
    if (guest->starting.load() && (guest->killed || TurnBeganLocked(*guest))) {
      // Still in main, never back to its event loop: it is stopped (or was,
      // a moment ago), and that report is the one.
      KillGuestLocked(guest.get(), StartupOverrun());
      continue;
    }
    if (guest->state != Guest::State::kLaunched) {
      detail = "did not launch within the start-up timeout (" +
               std::to_string(options_.startup_timeout.count()) + " ms)";
    } else {
      for (const ServiceName& name : guest->requires_) {
        auto found = services_by_name_.find(name);
        if (found != services_by_name_.end() &&
            found->second->exporter == nullptr) {
          continue;  // another process serves it
        }
        if (found == services_by_name_.end()) {
          std::string elsewhere =
              federation_ != nullptr ? federation_->ExplainMissing(name) : "";
          detail += (detail.empty() ? "" : "; ") +
                    ("requires " + name.ToString() +
                     (elsewhere.empty() ? ", which no microservice exports"
                                        : ": " + elsewhere));
        } else if (!found->second->alive) {
          detail += (detail.empty() ? "" : "; ") +
                    ("requires " + name.ToString() + ", whose exporter " +
                     found->second->exporter->name + " has ended");
        } else if (!found->second->exporter->Serving()) {
          detail += (detail.empty() ? "" : "; ") +
                    ("requires " + name.ToString() + " from " +
                     found->second->exporter->name + ", which never started");
        }
      }
      if (detail.empty()) detail = "start-up timed out";
      detail += " (start-up timeout " +
                std::to_string(options_.startup_timeout.count()) + " ms)";
    }
    if (guest->state == Guest::State::kLaunched) {
      FailStartupLocked(guest.get(), error, detail);
    } else {
      Report(guest->name, LogLevel::kError, "start-up failed: " + detail);
    }
  }
  ExitAllLocked(kExitStartupFailed,
                "start-up failed: " + late + " did not start within the start-up timeout (" +
                    std::to_string(options_.startup_timeout.count()) + " ms)");
  startup_done_ = true;
}

}  // namespace parigot::kernel
