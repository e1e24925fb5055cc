#include "host/kernel/kernel.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "host/kernel/kernel_state.h"
#include "host/kernel/startup.h"

namespace parigot::kernel {

// The start-up graph as the registry has it now (see startup.h). A
// requirement whose exporter has ended for good counts as unexported; one
// whose exporter restarts is a dependency on it.
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
    node.running = guest.Serving() || guest.state == Guest::State::kEnded;
    for (const ServiceName& name : guest.requires_) {
      auto it = services_by_name_.find(name);
      const Service* service =
          it == services_by_name_.end() ? nullptr : it->second.get();
      if (service != nullptr && service->local_exporter() != nullptr) {
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

// True if every service `guest` requires runs: its exporter here runs, or
// (with no exporter here, or one that ended for good) another process
// serves it. The same rule as StartupGraphLocked's, for one guest.
bool Kernel::RequirementsRunLocked(const Guest& guest) const {
  for (const ServiceName& name : guest.requires_) {
    auto it = services_by_name_.find(name);
    if (it == services_by_name_.end()) return false;
    const Service& service = *it->second;
    if (const Guest* exporter = service.local_exporter()) {
      if (!exporter->Serving() && exporter->state != Guest::State::kEnded) {
        return false;
      }
    } else if (service.remotes.empty()) {
      return false;
    }
  }
  return true;
}

// Lets every launched guest whose requirements run, run, to a fixpoint (a
// released guest may release others). Only waiting guests are looked at, so
// a start-up of n guests costs O(n) checks, not O(n^2).
void Kernel::ReleaseLaunchedLocked() {
  bool serving_changed = false;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < waiting_.size();) {
      Guest& guest = *waiting_[i];
      if (guest.state != Guest::State::kLaunched || !RequirementsRunLocked(guest)) {
        // Not launched any more (its start-up failed, or it ended): drop it.
        if (guest.state != Guest::State::kLaunched) {
          waiting_[i] = waiting_.back();
          waiting_.pop_back();
        } else {
          ++i;
        }
        continue;
      }
      waiting_[i] = waiting_.back();
      waiting_.pop_back();
      ReleaseLocked(guest);
      serving_changed |= !guest.exports.empty();
      changed |= !guest.exports.empty();
    }
  }
  if (serving_changed && federation_ != nullptr) federation_->ServingChanged();
  // Once every guest has run, start-up is over: restarts do not reopen it.
  startup_done_ = startup_done_ ||
                  (waiting_.empty() && std::all_of(guests_.begin(), guests_.end(), [](auto& g) {
                     return g->state == Guest::State::kRunning ||
                            g->state == Guest::State::kEnded;
                   }));
}

void Kernel::ReleaseLocked(Guest& guest) {
  guest.state = Guest::State::kRunning;
  if (options_.colocate && !guest.requires_.empty()) {
    auto it = services_by_name_.find(guest.requires_.front());
    if (it != services_by_name_.end() && it->second->exporter != nullptr &&
        it->second->served_here()) {
      options_.colocate(guest.id, it->second->exporter->id);
    }
  }
  guest.mailbox.Put(LaunchCompleted{});
  if (guest.restarting) {
    // Its new instance serves: the calls that waited for it come in.
    guest.restarting = false;
    for (Service* service : guest.exports) service->alive = true;
    for (IncomingCall& call : guest.held_calls) guest.mailbox.Put(std::move(call));
    guest.held_calls.clear();
    Report(guest.name, LogLevel::kInfo,
           "running again (restart " + std::to_string(guest.restarts) + ")");
  }
}

// Whether `start` (launched, waiting) closes a cycle of launched guests that
// wait for each other: a walk over what it waits for, O(the guests it
// reaches). Only then is the whole graph examined (CheckCyclesLocked).
bool Kernel::ClosesCycleLocked(const Guest* start) const {
  std::vector<const Guest*> stack{start};
  std::unordered_set<const Guest*> seen{start};
  while (!stack.empty()) {
    const Guest* guest = stack.back();
    stack.pop_back();
    for (const ServiceName& name : guest->requires_) {
      auto it = services_by_name_.find(name);
      if (it == services_by_name_.end()) continue;
      const Guest* exporter = it->second->exporter;
      if (exporter == nullptr || exporter->state != Guest::State::kLaunched ||
          exporter->Serving()) {
        continue;
      }
      if (exporter == start) return true;
      if (seen.insert(exporter).second) stack.push_back(exporter);
    }
  }
  return false;
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
    std::string names;
    for (size_t i : cycle) names += nodes[i].name + " -> ";
    ExitAllLocked(kExitStartupFailed, "start-up failed: dependency cycle " + names +
                                          nodes[cycle.front()].name);
  }
}

std::string Kernel::MethodLimitProblemsLocked(const Guest& guest) const {
  std::string problems;
  auto add = [&](const MethodLimit& entry, const std::string& what) {
    problems += (problems.empty() ? "" : "; ") + entry.origin + ": " + what;
  };
  auto join = [](const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
  };
  std::map<std::string, const MethodLimit*> named;  // a method's full name -> its entry
  for (size_t i = 0; i < guest.method_limits.size(); ++i) {
    const MethodLimit& entry = guest.method_limits[i];
    const std::vector<std::string>& uses = guest.method_limit_uses[i];
    if (uses.empty()) {
      std::vector<std::string> bound;
      for (const Service* service : guest.exports) {
        for (const Service::Method& method : service->methods) {
          bound.push_back(service->name.ToString() + "." + method.name);
        }
      }
      add(entry, "names no method that " + guest.name + " serves (" +
                     (bound.empty() ? "it serves none" : "it serves " + join(bound)) + ")");
    } else if (uses.size() > 1) {
      add(entry, "\"" + entry.method + "\" is ambiguous: " + join(uses) +
                     " (name one as PACKAGE.Service.Method)");
    }
    for (const std::string& use : uses) {
      auto [other, fresh] = named.emplace(use, &entry);
      if (!fresh) add(entry, "names " + use + ", which " + other->second->origin + " names too");
    }
  }
  return problems;
}

void Kernel::FailStartupLocked(Guest* guest, Err error,
                               const std::string& detail) {
  if (guest->state != Guest::State::kLaunched) return;
  Report(guest->name, LogLevel::kError, "start-up failed: " + detail);
  guest->state = Guest::State::kRunning;  // no longer waiting for launch
  guest->startup_failed = true;
  guest->mailbox.Put(LaunchCompleted{error, detail});
}

namespace {

std::string Milliseconds(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + " ms";
}

}  // namespace

bool Kernel::GuestEnded(GuestId id, int exit_code, std::optional<std::string> trap) {
  Deferred after;
  std::lock_guard lock(mu_);
  Guest* guest = FindGuestLocked(id);
  if (guest == nullptr || guest->state == Guest::State::kEnded ||
      guest->state == Guest::State::kRestarting) {
    return false;
  }
  const bool failed = trap.has_value() || exit_code != 0;
  // A guest the kernel killed ends by the interrupt it was sent: the
  // "killed: ..." line said why, once.
  // A trap in a method names it: "trapped in test.v1.Crasher.Crash: ...".
  std::string serving;
  if (auto call = guest->running_call ? calls_.find(*guest->running_call) : calls_.end();
      call != calls_.end()) {
    serving = " in " + call->second.service->name.ToString() + "." +
              MethodNameLocked(*call->second.service, call->second.method);
  }
  std::string cause = guest->killed ? "it was killed (" + guest->kill_reason + ")"
                      : trap        ? "trapped" + serving + ": " + *trap
                      : exit_code != 0 ? "exited with code " + std::to_string(exit_code)
                                       : "exited";
  RestartHistory::Decision decision;
  // Nothing restarts once the application ends, nor a guest whose start-up
  // failed (it would fail again the same way).
  if (!exit_code_ && !guest->startup_failed) {
    decision = guest->history.OnEnd(guest->restart, failed, Clock::now());
  }
  using Kind = RestartHistory::Decision::Kind;
  const bool restart = decision.kind == Kind::kRestart;
  if (restart) {
    guest->restarts = decision.total_restarts;
    Report(guest->name, failed ? LogLevel::kError : LogLevel::kInfo,
           (guest->killed ? "restarting after " + cause : cause + "; restarting") +
               " in " + Milliseconds(decision.delay) + " (restart " +
               std::to_string(decision.total_restarts) + "; " +
               std::to_string(decision.restarts_in_window) + " of at most " +
               std::to_string(guest->restart.max_restarts) + " within " +
               Milliseconds(guest->restart.window) + ")");
  } else if (decision.kind == Kind::kGiveUp) {
    Report(guest->name, LogLevel::kError,
           (guest->killed ? "" : cause + "; ") + "restart limit reached (" +
               std::to_string(decision.restarts_in_window) + " restarts within " +
               Milliseconds(guest->restart.window) +
               ", MaxRestarts " + std::to_string(guest->restart.max_restarts) +
               "): the application ends");
  } else if (trap && !guest->killed) {
    Report(guest->name, LogLevel::kError, cause);
  }
  for (Service* service : guest->exports) service->alive = false;
  if (!guest->exports.empty() && federation_ != nullptr) {
    federation_->ServingChanged();
  }
  // Callers waiting on this instance learn now, not at their deadline, and
  // why. The calls it had not taken wait for the next instance, if one comes.
  const Err died = guest->killed ? sc::ServiceKilled
                   : trap        ? sc::ServiceTrapped
                                 : sc::ServiceDied;
  for (auto it = calls_.begin(); it != calls_.end();) {
    PendingCall& call = it->second;
    if (call.callee == guest && call.taken) {
      FailCallLocked(it->first, call, died, after);
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
  const int code = trap ? kExitProgramTrapped : exit_code;
  if (decision.kind == Kind::kGiveUp) {
    ExitAllLocked(kExitRestartLimit,
                  guest->name + " exceeded its restart limit (MaxRestarts " +
                      std::to_string(guest->restart.max_restarts) + " within " +
                      Milliseconds(guest->restart.window) + ")");
  }
  if (!restart) {
    EndForGoodLocked(guest,
                     code,
                     guest->killed    ? "was killed"
                     : trap           ? "trapped"
                     : exit_code != 0 ? "exited with code " + std::to_string(exit_code)
                                      : "ended",
                     after);
    return false;
  }
  guest->state = Guest::State::kRestarting;
  guest->restarting = true;
  guest->restart_at = Clock::now() + decision.delay;
  guest->running_call.reset();
  guest->turn_began.store(0);
  // The dead instance's events go with it, but for the calls it never took.
  for (Event& event : guest->mailbox.Drain()) {
    if (auto* call = std::get_if<IncomingCall>(&event)) {
      guest->held_calls.push_back(std::move(*call));
    }
  }
  return true;
}

bool Kernel::WaitToRestart(GuestId id) {
  Waiter waiter;
  Clock::time_point at;
  {
    std::lock_guard lock(mu_);
    Guest* guest = FindGuestLocked(id);
    if (guest == nullptr || guest->state != Guest::State::kRestarting) return false;
    guest->restart_waiter = &waiter;
    at = guest->restart_at;
    if (exit_code_) waiter.Wake();
  }
  waiter.WaitUntil(at);
  Deferred after;
  std::lock_guard lock(mu_);
  Guest* guest = FindGuestLocked(id);
  guest->restart_waiter = nullptr;
  if (exit_code_) {
    EndForGoodLocked(guest, 0, "ended", after);
    return false;
  }
  // A new instance: it registers, exports, requires and launches again.
  guest->state = Guest::State::kCreated;
  guest->requires_.clear();
  guest->killed = false;
  guest->kill_reason.clear();
  return true;
}

void Kernel::EndForGoodLocked(Guest* guest, int code, const std::string& how,
                              Deferred& after) {
  guest->state = Guest::State::kEnded;
  guest->restarting = false;
  guest->held_calls.clear();
  guest->mailbox.Close();
  for (Service* service : guest->exports) service->alive = false;
  // Calls still waiting for its services fail now.
  for (auto it = calls_.begin(); it != calls_.end();) {
    PendingCall& call = it->second;
    if (call.callee != guest) {
      ++it;
      continue;
    }
    FailCallLocked(it->first, call, sc::ServiceDied, after);
    it = calls_.erase(it);
  }
  if (guest->kind != GuestKind::kService) {
    // The application ends with its last program; its code is the first
    // failure among them, or 0.
    const std::string kind = guest->kind == GuestKind::kMain ? "Main" : "Test";
    const std::string ended = kind + " program " + guest->name + " " + how;
    if (!programs_failed_code_ && code != 0) {
      programs_failed_code_ = code;
      programs_failed_reason_ = ended;
    }
    if (--programs_running_ == 0) {
      ExitAllLocked(programs_failed_code_.value_or(0),
                    programs_failed_code_ ? programs_failed_reason_
                    : programs_ == 1      ? ended
                                          : "all " + std::to_string(programs_) + " " +
                                           kind + " programs ended");
    }
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

void Kernel::ExitAll(int code, std::string reason, ExitScope scope) {
  std::lock_guard lock(mu_);
  ExitAllLocked(code, std::move(reason), scope);
}

void Kernel::ExitAllLocked(int code, std::string reason, ExitScope scope) {
  if (exit_code_) return;
  exit_code_ = code;
  exit_reason_ = std::move(reason);
  if (federation_ != nullptr && scope == ExitScope::kApplication) {
    federation_->ExitFixed(code);
  }
  for (auto& guest : guests_) {
    if (guest->state != Guest::State::kEnded) {
      guest->mailbox.Put(ExitRequested{code});
    }
    if (guest->restart_waiter != nullptr) guest->restart_waiter->Wake();
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

std::string Kernel::exit_reason() const {
  std::lock_guard lock(mu_);
  return exit_reason_;
}

}  // namespace parigot::kernel
