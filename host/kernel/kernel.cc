#include "host/kernel/kernel.h"

#include <algorithm>
#include <atomic>

#include "host/kernel/startup.h"

namespace parigot::kernel {

namespace sc = syscall::v1;

struct Kernel::Guest {
  enum class State { kCreated, kRegistered, kLaunched, kRunning, kEnded };

  GuestId id;
  std::string name;
  GuestKind kind;
  std::string origin;
  State state = State::kCreated;
  std::vector<ServiceName> requires_;
  std::vector<Service*> exports;
  Mailbox mailbox;
  // The call the guest took last, while it has not come back to read_one:
  // the method it is running right now.
  std::optional<CallId> running_call;
  // When the guest's current turn began: it returned from ReadEvents and runs
  // its own code (steady_clock ticks; 0 while it waits in ReadEvents, and
  // before its first read). Written by the guest's thread without mu_.
  std::atomic<Clock::rep> turn_began{0};
  // How long a method or turn of it may run (AddGuest). Set before it runs.
  std::chrono::milliseconds time_limit{0};
  bool killed = false;
  // Its launch failed (cycle, missing requirement): it runs only to exit.
  bool startup_failed = false;
};

struct Kernel::Service {
  ServiceId id;
  ServiceName name;
  // The guest here that exports it; null when only other processes serve it.
  Guest* exporter = nullptr;
  std::vector<std::pair<std::string, MethodId>> methods;
  // The local exporter has not ended.
  bool alive = false;
  // Replicas in other processes, and the next one to try (round-robin).
  std::vector<std::shared_ptr<RemoteEndpoint>> remotes;
  size_t next_remote = 0;

  bool served_here() const { return exporter != nullptr && alive; }
};

struct Kernel::PendingCall {
  Guest* caller;  // null: a call from another process, answered by `reply`
  Guest* callee;  // null: a call sent to another process, through `remote`
  Service* service;
  MethodId method;
  Clock::time_point deadline;  // the caller's
  ReplyFn reply;
  std::shared_ptr<RemoteEndpoint> remote;
  // The callee here has taken it (its method's time limit is its turn's,
  // counted by Guest::turn_began).
  bool taken = false;
  // The caller has its answer already (CallTimeout) or went away: the method
  // runs on under its own limit, and its result goes nowhere.
  bool caller_gone = false;
};

// Work that must run after the kernel's lock is released: replies to remote
// callers and calls into a transport, either of which may re-enter the
// kernel. Declare it before the lock, so that it runs after the unlock.
class Kernel::Deferred {
 public:
  Deferred() = default;
  Deferred(const Deferred&) = delete;
  Deferred& operator=(const Deferred&) = delete;
  ~Deferred() { Run(); }

  void Add(std::function<void()> work) { work_.push_back(std::move(work)); }
  bool empty() const { return work_.empty(); }
  void Run() {
    std::vector<std::function<void()>> work = std::move(work_);
    work_.clear();
    for (auto& item : work) item();
  }

 private:
  std::vector<std::function<void()>> work_;
};

Kernel::Kernel(KernelOptions options)
    : options_(std::move(options)),
      random_(std::random_device{}()) {
  watchdog_ = std::thread([this] { Watchdog(); });
}

Kernel::~Kernel() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  watchdog_cv_.notify_all();
  watchdog_.join();
}

template <typename IdType>
IdType Kernel::NewIdLocked() {
  uint64_t a = random_(), b = random_();
  return IdType::NewRandom(a, b);
}

Kernel::Guest* Kernel::FindGuestLocked(GuestId id) const {
  auto it = guests_by_id_.find(id);
  return it == guests_by_id_.end() ? nullptr : it->second;
}

GuestId Kernel::AddGuest(std::string name, GuestKind kind, std::string origin,
                         std::chrono::milliseconds time_limit) {
  std::lock_guard lock(mu_);
  auto guest = std::make_unique<Guest>();
  guest->id = NewIdLocked<GuestId>();
  guest->name = std::move(name);
  guest->kind = kind;
  guest->origin = std::move(origin);
  guest->time_limit = time_limit.count() > 0 ? time_limit : options_.call_timeout;
  GuestId id = guest->id;
  if (kind != GuestKind::kService) ++programs_running_;
  guests_by_id_[id] = guest.get();
  guests_.push_back(std::move(guest));
  return id;
}

std::string Kernel::GuestName(GuestId id) const {
  std::lock_guard lock(mu_);
  const Guest* guest = FindGuestLocked(id);
  return guest != nullptr ? guest->name : id.Short();
}

bool Kernel::HasEnded(GuestId id) const {
  std::lock_guard lock(mu_);
  const Guest* guest = FindGuestLocked(id);
  return guest != nullptr && guest->state == Guest::State::kEnded;
}

Err Kernel::Register(GuestId id, std::string* name) {
  std::lock_guard lock(mu_);
  Guest* guest = FindGuestLocked(id);
  if (guest == nullptr) return sc::BadId;
  if (guest->state != Guest::State::kCreated) return sc::BadState;
  guest->state = Guest::State::kRegistered;
  *name = guest->name;
  return sc::NoError;
}

Err Kernel::Export(GuestId id, const std::vector<ServiceName>& names,
                   std::vector<ServiceId>* ids) {
  std::lock_guard lock(mu_);
  Guest* guest = FindGuestLocked(id);
  if (guest == nullptr) return sc::BadId;
  if (guest->state != Guest::State::kRegistered) return sc::BadState;
  for (const ServiceName& name : names) {
    if (name.package.empty() || name.service.empty()) return sc::NotFound;
    auto it = services_by_name_.find(name);
    if (it != services_by_name_.end() && it->second->exporter != nullptr) {
      const Guest* other = it->second->exporter;
      options_.log(guest->name, LogLevel::kError,
                   name.ToString() + " is exported twice: by " + other->name +
                       " (" + other->origin + ") and by " + guest->name +
                       " (" + guest->origin + ")");
      // Which of the two should serve is unknowable: the application cannot
      // start.
      ExitAllLocked(kExitStartupFailed);
      return sc::ServiceAlreadyClosedOrExported;
    }
  }
  for (const ServiceName& name : names) {
    std::unique_ptr<Service>& service = services_by_name_[name];
    if (service == nullptr) {
      // Otherwise other processes serve it too: this guest joins them.
      service = std::make_unique<Service>();
      service->id = NewIdLocked<ServiceId>();
      service->name = name;
      services_[service->id] = service.get();
    }
    service->exporter = guest;
    service->alive = true;
    guest->exports.push_back(service.get());
    ids->push_back(service->id);
  }
  return sc::NoError;
}

Err Kernel::BindMethod(GuestId id, ServiceId service_id,
                       const std::string& method, MethodId* method_id) {
  std::lock_guard lock(mu_);
  Guest* guest = FindGuestLocked(id);
  if (guest == nullptr) return sc::BadId;
  auto it = services_.find(service_id);
  if (it == services_.end() || it->second->exporter != guest) {
    return sc::IdDispatch;
  }
  if (method.empty()) return sc::NotFound;
  Service* service = it->second;
  for (const auto& [name, existing] : service->methods) {
    if (name == method) {
      *method_id = existing;
      return sc::NoError;
    }
  }
  *method_id = NewIdLocked<MethodId>();
  service->methods.emplace_back(method, *method_id);
  return sc::NoError;
}

Err Kernel::Require(GuestId id, const std::vector<ServiceName>& names) {
  std::lock_guard lock(mu_);
  Guest* guest = FindGuestLocked(id);
  if (guest == nullptr) return sc::BadId;
  if (guest->state != Guest::State::kRegistered) return sc::BadState;
  for (const ServiceName& name : names) {
    if (name.package.empty() || name.service.empty()) return sc::NotFound;
    if (std::find(guest->requires_.begin(), guest->requires_.end(), name) !=
        guest->requires_.end()) {
      return sc::ServiceAlreadyRequired;
    }
  }
  guest->requires_.insert(guest->requires_.end(), names.begin(), names.end());
  return sc::NoError;
}

Err Kernel::Launch(GuestId id) {
  std::lock_guard lock(mu_);
  Guest* guest = FindGuestLocked(id);
  if (guest == nullptr) return sc::BadId;
  if (guest->state != Guest::State::kRegistered) return sc::BadState;
  guest->state = Guest::State::kLaunched;
  ReleaseLaunchedLocked();
  CheckCyclesLocked();
  return sc::NoError;
}

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

Err Kernel::Locate(GuestId id, const ServiceName& name, ServiceId* service_id,
                   std::vector<std::pair<std::string, MethodId>>* methods) {
  std::lock_guard lock(mu_);
  Guest* guest = FindGuestLocked(id);
  if (guest == nullptr) return sc::BadId;
  auto it = services_by_name_.find(name);
  bool required = std::find(guest->requires_.begin(), guest->requires_.end(),
                            name) != guest->requires_.end();
  bool exported_by_self = it != services_by_name_.end() &&
                          it->second->exporter == guest;
  if (!required && !exported_by_self) return sc::NotRequired;
  if (it == services_by_name_.end()) return sc::LocateError;
  if (!it->second->served_here() && it->second->remotes.empty()) {
    return it->second->exporter != nullptr ? sc::ServiceDied : sc::LocateError;
  }
  *service_id = it->second->id;
  *methods = it->second->methods;
  return sc::NoError;
}

Err Kernel::Dispatch(GuestId caller_id, ServiceId service_id,
                     MethodId method_id, std::string param,
                     std::chrono::milliseconds timeout, CallId* call_id) {
  Deferred after;
  std::lock_guard lock(mu_);
  Guest* caller = FindGuestLocked(caller_id);
  if (caller == nullptr) return sc::BadId;
  if (service_id.IsZero() || service_id.IsEmpty() || method_id.IsZero() ||
      method_id.IsEmpty()) {
    return sc::BadId;
  }
  auto it = services_.find(service_id);
  if (it == services_.end()) return sc::IdDispatch;
  Service* service = it->second;
  bool known_method = std::any_of(
      service->methods.begin(), service->methods.end(),
      [&](const auto& binding) { return binding.second == method_id; });
  if (!known_method) return sc::IdDispatch;
  if (!service->served_here() && service->remotes.empty()) {
    return sc::ServiceDied;
  }
  if (timeout.count() <= 0 || timeout > options_.call_timeout) {
    timeout = options_.call_timeout;
  }

  *call_id = NewIdLocked<CallId>();
  Clock::time_point deadline = Clock::now() + timeout;
  if (deadline < WatchdogWake()) watchdog_cv_.notify_all();
  if (!service->served_here()) {
    DispatchRemoteLocked(caller, service, method_id, std::move(param), deadline,
                         *call_id, after);
    return sc::NoError;
  }
  calls_[*call_id] =
      PendingCall{caller, service->exporter, service, method_id, deadline, {}, nullptr};
  service->exporter->mailbox.Put(
      IncomingCall{*call_id, service_id, method_id, std::move(param)});
  return sc::NoError;
}

// Waking the watchdog (above) is a futex call: done only when it would sleep
// past the new deadline, which in steady traffic (one timeout for all) is
// rare.

void Kernel::DispatchRemoteLocked(Guest* caller, Service* service,
                                  MethodId method, std::string param,
                                  Clock::time_point deadline, CallId call,
                                  Deferred& after) {
  // Round-robin over the replicas, skipping those known to be unreachable
  // unless all are (one may have come back).
  size_t count = service->remotes.size();
  std::shared_ptr<RemoteEndpoint> remote;
  for (size_t tried = 0; tried < count && remote == nullptr; ++tried) {
    auto& candidate = service->remotes[service->next_remote++ % count];
    if (candidate->Reachable()) remote = candidate;
  }
  if (remote == nullptr) remote = service->remotes[service->next_remote++ % count];
  calls_[call] = PendingCall{caller, nullptr, service, method, deadline, {}, remote};
  after.Add([this, remote, call, name = service->name,
             method_name = MethodNameLocked(*service, method),
             param = std::move(param), deadline]() mutable {
    remote->Send(call, name, method_name, std::move(param), deadline,
                 [this, call](RemoteReply reply) {
                   RemoteReplied(call, std::move(reply));
                 });
  });
}

void Kernel::RemoteReplied(CallId call_id, RemoteReply reply) {
  std::lock_guard lock(mu_);
  // The answering host's exit is everyone's, and comes first.
  if (reply.application_exit) {
    ExitAllLocked(*reply.application_exit, ExitScope::kProcess);
  }
  auto it = calls_.find(call_id);
  if (it == calls_.end()) return;  // already failed by its deadline
  Guest* caller = it->second.caller;
  if (reply.kernel_error != sc::NoError) {
    options_.log(caller->name, LogLevel::kWarn,
                 "call to " + it->second.service->name.ToString() + "." +
                     MethodNameLocked(*it->second.service, it->second.method) +
                     " failed: " + sc::KernelErr_Name(reply.kernel_error) +
                     (reply.detail.empty() ? "" : ": " + reply.detail));
  }
  calls_.erase(it);
  if (caller->state == Guest::State::kEnded) return;
  caller->mailbox.Put(CallResolved{call_id, std::move(reply.result),
                                   reply.result_error, reply.kernel_error});
}

std::string Kernel::MethodNameLocked(const Service& service,
                                     MethodId method) const {
  for (const auto& [name, id] : service.methods) {
    if (id == method) return name;
  }
  return method.Short();
}

Err Kernel::ReturnValue(GuestId callee_id, CallId call_id, std::string result,
                        int32_t result_error) {
  Deferred after;
  std::lock_guard lock(mu_);
  Guest* callee = FindGuestLocked(callee_id);
  if (callee == nullptr) return sc::BadId;
  auto it = calls_.find(call_id);
  if (it == calls_.end()) {
    // Either never issued, or already failed by its deadline: the caller has
    // its answer and this one has nowhere to go.
    return sc::CallerUnavailable;
  }
  if (it->second.callee != callee) return sc::BadCallId;
  if (it->second.caller_gone) {
    calls_.erase(it);
    return sc::CallerUnavailable;
  }
  Guest* caller = it->second.caller;
  if (caller == nullptr) {
    after.Add([reply = std::move(it->second.reply), result = std::move(result),
               result_error, exit = exit_code_]() mutable {
      reply(RemoteReply{std::move(result), result_error, sc::NoError, {}, exit});
    });
    calls_.erase(it);
    return sc::NoError;
  }
  calls_.erase(it);
  if (caller->state == Guest::State::kEnded) return sc::CallerUnavailable;
  caller->mailbox.Put(
      CallResolved{call_id, std::move(result), result_error, sc::NoError});
  return sc::NoError;
}

Err Kernel::ReadOne(GuestId id, std::chrono::milliseconds timeout,
                    Event* event) {
  std::vector<Event> events;
  Err err = ReadEvents(id, timeout, /*max_events=*/1, /*max_bytes=*/SIZE_MAX, &events);
  if (err == sc::NoError) *event = std::move(events.front());
  return err;
}

Err Kernel::ReadEvents(GuestId id, std::chrono::milliseconds timeout, size_t max_events,
                       size_t max_bytes, std::vector<Event>* events) {
  Guest* guest;
  {
    std::lock_guard lock(mu_);
    guest = FindGuestLocked(id);
    if (guest == nullptr) return sc::BadId;
    guest->running_call.reset();
  }
  guest->turn_began.store(0);
  // Takes call `id` if its caller still waits; else it is dropped, never run.
  auto take_call = [this, guest](CallId id) {
    std::lock_guard lock(mu_);
    auto found = calls_.find(id);
    if (found == calls_.end()) return false;
    guest->running_call = id;
    found->second.taken = true;
    return true;
  };
  // Guests are never removed, so the mailbox outlives this wait.
  const bool forever = timeout.count() < 0;
  const Clock::time_point until = Clock::now() + (forever ? std::chrono::milliseconds(0) : timeout);
  Err result = sc::NoError;
  while (true) {
    std::chrono::milliseconds left =
        forever ? timeout
                : std::max(std::chrono::milliseconds(0),
                           std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()));
    size_t before = events->size();
    if (guest->mailbox.TakeBatch(left, max_events, max_bytes, events) == 0) {
      result = sc::ReadOneTimeout;
      break;
    }
    // A batch ends with the one call it may hold.
    auto* call = std::get_if<IncomingCall>(&events->back());
    if (call == nullptr || take_call(call->call)) break;
    events->pop_back();
    if (events->size() > before) break;
  }
  // Whatever this returns, the guest's code runs again: a turn begins (a
  // method's time limit is its turn's). A watchdog that would wake after the
  // turn's limit, or is scanning, is woken to time it (see Watchdog for the
  // ordering).
  const Clock::time_point now = Clock::now();
  guest->turn_began.store(now.time_since_epoch().count());
  Clock::rep wake = watchdog_wake_.load();
  if (wake == 0 || (now + guest->time_limit).time_since_epoch().count() < wake) {
    std::lock_guard lock(mu_);
    watchdog_cv_.notify_all();
  }
  return result;
}

void Kernel::Exit(GuestId id, int32_t code, bool all) {
  std::lock_guard lock(mu_);
  if (all) {
    Guest* guest = FindGuestLocked(id);
    options_.log(guest ? guest->name : id.Short(), LogLevel::kInfo,
                 "exit-all with code " + std::to_string(code));
    ExitAllLocked(code);
  }
}

void Kernel::Log(GuestId id, LogLevel level, std::string_view text) {
  std::string name = GuestName(id);
  options_.log(name, level, text);
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

void Kernel::SetFederation(Federation* federation) {
  std::lock_guard lock(mu_);
  federation_ = federation;
}

void Kernel::AddRemoteService(const ServiceName& name,
                              const std::vector<std::string>& methods,
                              std::shared_ptr<RemoteEndpoint> endpoint) {
  std::lock_guard lock(mu_);
  std::unique_ptr<Service>& service = services_by_name_[name];
  if (service == nullptr) {
    service = std::make_unique<Service>();
    service->id = NewIdLocked<ServiceId>();
    service->name = name;
    services_[service->id] = service.get();
  }
  for (const std::string& method : methods) {
    bool known = std::any_of(service->methods.begin(), service->methods.end(),
                             [&](const auto& m) { return m.first == method; });
    if (!known) service->methods.emplace_back(method, NewIdLocked<MethodId>());
  }
  bool is_new = std::none_of(service->remotes.begin(), service->remotes.end(),
                             [&](const auto& r) { return r == endpoint; });
  if (!is_new) return;
  service->remotes.push_back(std::move(endpoint));
  if (!startup_done_) {
    ReleaseLaunchedLocked();
  }
}

Err Kernel::CallFromRemote(const ServiceName& name, const std::string& method,
                           std::string param, Clock::time_point deadline,
                           ReplyFn reply, CallId* call_id) {
  std::lock_guard lock(mu_);
  auto it = services_by_name_.find(name);
  if (it == services_by_name_.end() || it->second->exporter == nullptr) {
    return sc::NotFound;
  }
  Service* service = it->second.get();
  if (!service->alive) return sc::ServiceDied;
  auto binding = std::find_if(service->methods.begin(), service->methods.end(),
                              [&](const auto& m) { return m.first == method; });
  if (binding == service->methods.end()) return sc::NotFound;

  Clock::time_point now = Clock::now();
  // Arrived too late: never started (gRPC: DEADLINE_EXCEEDED).
  if (deadline <= now) return sc::CallTimeout;
  deadline = std::min(deadline, now + options_.call_timeout);
  *call_id = NewIdLocked<CallId>();
  calls_[*call_id] = PendingCall{nullptr,         service->exporter, service,
                                 binding->second, deadline,          std::move(reply),
                                 nullptr};
  service->exporter->mailbox.Put(
      IncomingCall{*call_id, service->id, binding->second, std::move(param)});
  if (deadline < WatchdogWake()) watchdog_cv_.notify_all();
  return sc::NoError;
}

bool Kernel::CancelRemoteCall(CallId call_id) {
  std::lock_guard lock(mu_);
  auto it = calls_.find(call_id);
  if (it == calls_.end() || it->second.caller != nullptr || it->second.caller_gone) {
    return false;
  }
  // A method being run goes on under its own time limit; a queued call is
  // dropped, and the callee never sees it (ReadEvents); an answer still to
  // come from an asynchronous method will find no call.
  if (RunningLocked(call_id, it->second)) {
    it->second.caller_gone = true;
    it->second.reply = nullptr;
  } else {
    calls_.erase(it);
  }
  return true;
}

std::vector<Kernel::ServedService> Kernel::ServingServices() const {
  std::lock_guard lock(mu_);
  std::vector<ServedService> out;
  for (const auto& [name, service] : services_by_name_) {
    const Guest* exporter = service->exporter;
    if (!service->served_here() || exporter->state != Guest::State::kRunning ||
        exporter->startup_failed) {
      continue;
    }
    ServedService& served = out.emplace_back();
    served.name = name;
    for (const auto& method : service->methods) {
      served.methods.push_back(method.first);
    }
  }
  return out;
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

std::optional<Kernel::Clock::time_point> Kernel::TurnBeganLocked(const Guest& guest) const {
  Clock::rep began = guest.turn_began.load();
  if (began == 0 || guest.killed || guest.state == Guest::State::kEnded) return std::nullopt;
  return Clock::time_point(Clock::duration(began));
}

bool Kernel::RunningLocked(CallId id, const PendingCall& call) const {
  return call.callee != nullptr && call.callee->running_call == id;
}

void Kernel::KillLocked(const PendingCall& call) {
  std::string method = call.service->name.ToString() + "." +
                       MethodNameLocked(*call.service, call.method);
  KillGuestLocked(call.callee, method + " ran past its time limit (" +
                                   std::to_string(call.callee->time_limit.count()) + " ms)");
}

void Kernel::KillGuestLocked(Guest* guest, const std::string& what) {
  if (guest->killed || guest->state == Guest::State::kEnded) return;
  if (!options_.interrupt || !options_.interrupt(guest->id)) {
    options_.log(guest->name, LogLevel::kError, what + "; this engine cannot interrupt it");
    return;
  }
  guest->killed = true;
  options_.log(guest->name, LogLevel::kError, "killed: " + what);
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
        next = std::min(next, *began + guest->time_limit);
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
    if (!began || now < *began + guest->time_limit) continue;
    auto call = guest->running_call ? calls_.find(*guest->running_call) : calls_.end();
    if (call != calls_.end()) {
      KillLocked(call->second);
    } else {
      KillGuestLocked(guest.get(), "ran past its turn limit (" +
                                       std::to_string(guest->time_limit.count()) +
                                       " ms) without returning to its event loop");
    }
  }
  for (auto it = calls_.begin(); it != calls_.end();) {
    PendingCall& call = it->second;
    if (!call.caller_gone && call.deadline <= now) {
      // The caller's SDK reports the failure with the method's name.
      options_.log(call.caller != nullptr ? call.caller->name : "net",
                   LogLevel::kDebug,
                   "call " + it->first.Short() + " to " +
                       (call.callee != nullptr ? call.callee->name
                                               : call.remote->Describe()) +
                       " timed out");
      if (call.remote != nullptr) {
        after.Add([remote = call.remote, id = it->first] { remote->Cancel(id); });
      }
      if (call.caller != nullptr) {
        call.caller->mailbox.Put(CallResolved{it->first, {}, 0, sc::CallTimeout});
      } else {
        after.Add([reply = std::move(call.reply), exit = exit_code_] {
          reply(RemoteReply{{}, 0, sc::CallTimeout, {}, exit});
        });
        call.reply = nullptr;
      }
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
  for (auto& guest : guests_) {
    if (guest->state == Guest::State::kRunning ||
        guest->state == Guest::State::kEnded) {
      continue;
    }
    std::string detail;
    Err error = sc::RunTimeout;
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
        } else if (found->second->exporter->state != Guest::State::kRunning) {
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
      options_.log(guest->name, LogLevel::kError, "start-up failed: " + detail);
    }
  }
  ExitAllLocked(kExitStartupFailed);
  startup_done_ = true;
}

}  // namespace parigot::kernel
