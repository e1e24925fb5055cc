#include "host/kernel/kernel.h"

#include <algorithm>

#include "host/kernel/kernel_state.h"
#include "host/kernel/startup.h"

namespace parigot::kernel {

// The start-up graph as the registry has it now (see startup.h). A
// requirement whose exporter has ended counts as unexported.
std::vector<StartupNode> Kernel::StartupGraphLocked() const {
  std::vector<StartupNode> nodes(guests_.size());
  std::unordered_map<const Guest*, size_t> index;
  for (size_t i = 0; i < guests_.size(); ++i) index[guests_[i].get()] = i;
  for (size_t i = 0; i < guests_.size(); ++i) {
    const Guest& guest = *guests_[i];
    StartupNode& node = nodes[i];
    node.name = guest.name;
    node.launched = guest.state == Guest::State::kLaunched ||
                    guest.state == Guest::State::kRunning;
    // Ended guests wait for nothing: for start-up they count as running.
    node.running = guest.state == Guest::State::kRunning ||
                   guest.state == Guest::State::kEnded;
    for (const ServiceName& name : guest.requires_) {
      auto it = services_by_name_.find(name);
      const Service* service =
          it == services_by_name_.end() ? nullptr : it->second.get();
      if (service != nullptr && service->served_here()) {
        node.depends_on.push_back(index[service->exporter]);
        node.depends_on_service.push_back(name.ToString());
      } else if (service == nullptr || service->remotes.empty()) {
        node.unexported.push_back(name.ToString());
      }
      // Else another process serves it already: nothing to wait for.
    }
  }
  return nodes;
}

// Lets every guest whose requirements run, run.
void Kernel::ReleaseLaunchedLocked() {
  std::vector<StartupNode> nodes = StartupGraphLocked();
  bool serving_changed = false;
  for (size_t i : ReleasableGuests(nodes)) {
    Guest& guest = *guests_[i];
    guest.state = Guest::State::kRunning;
    serving_changed |= !guest.exports.empty();
    if (options_.colocate && !nodes[i].depends_on.empty()) {
      options_.colocate(guest.id, guests_[nodes[i].depends_on.front()]->id);
    }
    guest.mailbox.Put(LaunchCompleted{});
  }
  if (serving_changed && federation_ != nullptr) federation_->ServingChanged();
  startup_done_ = std::all_of(guests_.begin(), guests_.end(), [](auto& g) {
    return g->state == Guest::State::kRunning ||
           g->state == Guest::State::kEnded;
  });
}

void Kernel::CheckCyclesLocked() {
  std::vector<StartupNode> nodes = StartupGraphLocked();
  for (const auto& cycle : FindDependencyCycles(nodes)) {
    std::string detail =
        "dependency cycle: " + DescribeCycle(nodes, cycle) +
        "; no start-up order exists";
    for (size_t i : cycle) {
      FailStartupLocked(guests_[i].get(), sc::DependencyCycle, detail);
    }
    ExitAllLocked(kExitStartupFailed);
  }
}

void Kernel::FailStartupLocked(Guest* guest, Err error,
                               const std::string& detail) {
  if (guest->state != Guest::State::kLaunched) return;
  options_.log(guest->name, LogLevel::kError, "start-up failed: " + detail);
  guest->state = Guest::State::kRunning;  // no longer waiting for launch
  guest->startup_failed = true;
  guest->mailbox.Put(LaunchCompleted{error, detail});
}

void Kernel::GuestEnded(GuestId id, int exit_code,
                        std::optional<std::string> trap) {
  Deferred after;
  std::lock_guard lock(mu_);
  Guest* guest = FindGuestLocked(id);
  if (guest == nullptr || guest->state == Guest::State::kEnded) return;
  guest->state = Guest::State::kEnded;
  guest->mailbox.Close();
  // A guest the kernel killed ends by the interrupt it was sent: the
  // "killed: ..." line said why, once.
  if (trap && !guest->killed) {
    options_.log(guest->name, LogLevel::kError, "trapped: " + *trap);
  }
  for (Service* service : guest->exports) service->alive = false;
  if (!guest->exports.empty() && federation_ != nullptr) {
    federation_->ServingChanged();
  }
  // Callers waiting on this guest learn now, not at their deadline.
  for (auto it = calls_.begin(); it != calls_.end();) {
    PendingCall& call = it->second;
    if (call.callee == guest) {
      if (call.caller_gone) {
        // Its caller has had its answer.
      } else if (call.caller != nullptr) {
        call.caller->mailbox.Put(CallResolved{it->first, {}, 0, sc::ServiceDied});
      } else {
        after.Add([reply = std::move(call.reply), exit = exit_code_] {
          reply(RemoteReply{{}, 0, sc::ServiceDied, {}, exit});
        });
      }
      it = calls_.erase(it);
    } else if (call.caller == guest) {
      if (call.remote != nullptr) {
        after.Add([remote = call.remote, id = it->first] { remote->Cancel(id); });
      }
      // A call to a guest here still runs (a program may send a call and
      // exit: the call is delivered), its answer going nowhere; a method
      // that already returned a future will find no call when it answers.
      if (call.callee != nullptr && (!call.taken || RunningLocked(it->first, call))) {
        call.caller_gone = true;
        ++it;
      } else {
        it = calls_.erase(it);
      }
    } else {
      ++it;
    }
  }
  if (guest->kind != GuestKind::kService) {
    // The application ends with its last program; its code is the first
    // failure among them, or 0.
    int code = trap ? kExitProgramTrapped : exit_code;
    if (!programs_failed_code_ && code != 0) programs_failed_code_ = code;
    if (--programs_running_ == 0) ExitAllLocked(programs_failed_code_.value_or(0));
  } else if (!startup_done_) {
    // Guests waiting for its services will never start.
    ReleaseLaunchedLocked();
  }
}

void Kernel::StartGuests() {
  std::lock_guard lock(mu_);
  if (!startup_began_) startup_began_ = Clock::now();
  watchdog_cv_.notify_all();
}

void Kernel::ExitAll(int code, ExitScope scope) {
  std::lock_guard lock(mu_);
  ExitAllLocked(code, scope);
}

void Kernel::ExitAllLocked(int code, ExitScope scope) {
  if (exit_code_) return;
  exit_code_ = code;
  if (federation_ != nullptr && scope == ExitScope::kApplication) {
    federation_->ExitFixed(code);
  }
  for (auto& guest : guests_) {
    if (guest->state != Guest::State::kEnded) {
      guest->mailbox.Put(ExitRequested{code});
    }
  }
  exit_cv_.notify_all();
  watchdog_cv_.notify_all();
}

int Kernel::WaitForExit() {
  std::unique_lock lock(mu_);
  exit_cv_.wait(lock, [this] { return exit_code_.has_value(); });
  return *exit_code_;
}

std::optional<int> Kernel::exit_code() const {
  std::lock_guard lock(mu_);
  return exit_code_;
}

}  // namespace parigot::kernel
