#include "host/kernel/kernel.h"

#include <algorithm>
#include <atomic>

#include "host/kernel/kernel_state.h"
#include "host/kernel/scheduler.h"

namespace parigot::kernel {

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

Kernel::Guest* Kernel::FindGuestLocked(GuestId id) const {
  auto it = guests_by_id_.find(id);
  return it == guests_by_id_.end() ? nullptr : it->second;
}

Kernel::Service* Kernel::FindOrAddServiceLocked(const ServiceName& name) {
  std::unique_ptr<Service>& service = services_by_name_[name];
  if (service == nullptr) {
    service = std::make_unique<Service>();
    service->id = NewIdLocked<ServiceId>();
    service->name = name;
    services_[service->id] = service.get();
  }
  return service.get();
}

GuestId Kernel::AddGuest(std::string name, GuestKind kind, std::string origin,
                         GuestOptions options) {
  std::lock_guard lock(mu_);
  auto guest = std::make_unique<Guest>();
  guest->id = NewIdLocked<GuestId>();
  guest->name = std::move(name);
  guest->kind = kind;
  guest->origin = std::move(origin);
  guest->time_scale = std::max(1, options.time_scale);
  guest->time_limit =
      (options.time_limit.count() > 0 ? options.time_limit : options_.call_timeout) *
      guest->time_scale;
  guest->method_limits = std::move(options.method_limits);
  guest->method_limit_uses.resize(guest->method_limits.size());
  guest->restart = options.restart;
  GuestId id = guest->id;
  if (kind != GuestKind::kService) {
    ++programs_running_;
    ++programs_;
  }
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
  for (auto& uses : guest->method_limit_uses) uses.clear();  // a new instance
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
    if (it != services_by_name_.end() && it->second->exporter != nullptr &&
        it->second->exporter != guest) {
      const Guest* other = it->second->exporter;
      Report(guest->name, LogLevel::kError,
             name.ToString() + " is exported twice: by " + other->name +
                 " (" + other->origin + ") and by " + guest->name +
                 " (" + guest->origin + ")");
      // Which of the two should serve is unknowable: the application cannot
      // start.
      ExitAllLocked(kExitStartupFailed,
                    "start-up failed: " + name.ToString() + " is exported twice");
      return sc::ServiceAlreadyClosedOrExported;
    }
  }
  for (const ServiceName& name : names) {
    // If other processes serve it too, this guest joins them.
    Service* service = FindOrAddServiceLocked(name);
    if (service->exporter != guest) guest->exports.push_back(service);
    service->exporter = guest;
    // A restarted guest's services come back when its new instance runs.
    service->alive = !guest->restarting;
    ids->push_back(service->id);
  }
  return sc::NoError;
}

Err Kernel::BindMethod(GuestId id, ServiceId service_id,
                       const std::string& method, MethodId* method_id,
                       std::chrono::milliseconds declared_limit) {
  std::lock_guard lock(mu_);
  Guest* guest = FindGuestLocked(id);
  if (guest == nullptr) return sc::BadId;
  auto it = services_.find(service_id);
  if (it == services_.end() || it->second->exporter != guest) {
    return sc::IdDispatch;
  }
  if (method.empty()) return sc::NotFound;
  Service* service = it->second;
  // Its limit: the descriptor's entry naming it (Launch refuses two), else
  // its own, else the guest's.
  std::string full_name = service->name.ToString() + "." + method;
  std::chrono::milliseconds limit =
      declared_limit.count() > 0 ? declared_limit * guest->time_scale : guest->time_limit;
  for (size_t i = 0; i < guest->method_limits.size(); ++i) {
    const MethodLimit& entry = guest->method_limits[i];
    if (entry.method != full_name && entry.method != method) continue;
    std::vector<std::string>& uses = guest->method_limit_uses[i];
    if (std::find(uses.begin(), uses.end(), full_name) == uses.end()) {
      uses.push_back(full_name);
    }
    limit = entry.limit * guest->time_scale;
  }
  for (Service::Method& existing : service->methods) {
    if (existing.name == method) {
      existing.limit = limit;
      *method_id = existing.id;
      return sc::NoError;
    }
  }
  *method_id = NewIdLocked<MethodId>();
  service->methods.push_back({method, *method_id, limit});
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
  if (std::string problems = MethodLimitProblemsLocked(*guest); !problems.empty()) {
    // A limit meant for a method that is not there: the deployment is not
    // what its author thinks, and nothing starts.
    FailStartupLocked(guest, sc::NotFound, problems);
    ExitAllLocked(kExitStartupFailed, "start-up failed: a MethodTimeLimit of " +
                                          guest->name + " fits none of its methods");
    return sc::NoError;
  }
  waiting_.push_back(guest);
  // A Test program's exports serve from now on (Guest::Serving).
  if (guest->Serving() && !guest->exports.empty() && federation_ != nullptr) {
    federation_->ServingChanged();
  }
  ReleaseLaunchedLocked();
  if (guest->state == Guest::State::kLaunched && ClosesCycleLocked(guest)) CheckCyclesLocked();
  return sc::NoError;
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
  if (it->second->local_exporter() == nullptr && it->second->remotes.empty()) {
    return it->second->exporter != nullptr ? sc::ServiceDied : sc::LocateError;
  }
  *service_id = it->second->id;
  methods->clear();
  for (const Service::Method& method : it->second->methods) {
    methods->emplace_back(method.name, method.id);
  }
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
  auto binding = std::find_if(service->methods.begin(), service->methods.end(),
                              [&](const Service::Method& m) { return m.id == method_id; });
  if (binding == service->methods.end()) return sc::IdDispatch;
  // A local exporter that restarts gets the call once it runs again, unless
  // other processes serve the service meanwhile.
  const bool local = service->served_here() ||
                     (service->restarting_here() && service->remotes.empty());
  if (!local && service->remotes.empty()) return sc::ServiceDied;
  if (Err admitted = AdmitLocked(param.size()); admitted != sc::NoError) return admitted;
  // A method's limits from another host are scaled there already.
  const int scale = local ? service->exporter->time_scale : 1;
  const std::chrono::milliseconds allowance = RequestAllowance(param.size(), scale);
  const std::chrono::milliseconds longest = LongestWait(binding->limit, scale) + allowance;
  if (timeout.count() <= 0 || timeout > longest) timeout = longest;

  *call_id = NewIdLocked<CallId>();
  Clock::time_point deadline = Clock::now() + timeout;
  if (deadline < WatchdogWake()) watchdog_cv_.notify_all();
  if (!local) {
    DispatchRemoteLocked(caller, service, method_id, std::move(param), deadline,
                         *call_id, after);
    return sc::NoError;
  }
  const size_t request_bytes = param.size();
  AddCallLocked(*call_id,
                PendingCall{caller, service->exporter, service, method_id, deadline, {}, nullptr,
                            binding->limit, allowance},
                request_bytes);
  DeliverLocked(service->exporter,
                IncomingCall{*call_id, service_id, method_id, std::move(param)});
  return sc::NoError;
}

// Waking the watchdog (above) is a futex call: done only when it would sleep
// past the new deadline, which in steady traffic (one timeout for all) is
// rare.

void Kernel::FailCallLocked(CallId id, PendingCall& call, Err error, Deferred& after) {
  if (call.caller_gone) return;  // its caller has had its answer
  if (call.caller != nullptr) {
    call.caller->mailbox.Put(CallResolved{id, {}, 0, error});
  } else {
    after.Add([reply = std::move(call.reply), error, exit = exit_code_] {
      reply(RemoteReply{{}, 0, error, {}, exit});
    });
    call.reply = nullptr;
  }
}

Err Kernel::AdmitLocked(size_t request_bytes) const {
  if (request_bytes > options_.max_message_size) return sc::MessageTooLarge;
  if (in_flight_ + std::max(request_bytes, kMinCallCost) > options_.max_in_flight) {
    return sc::Overloaded;
  }
  return sc::NoError;
}

std::chrono::milliseconds Kernel::LongestWait(std::chrono::milliseconds method_limit,
                                              int scale) const {
  // A method allowed to run longer than the default deadline may be waited
  // for as long as it may run; a slower callee gets a proportionally longer
  // default.
  return std::max(options_.call_timeout * scale, method_limit);
}

void Kernel::AddCallLocked(CallId id, PendingCall call, size_t request_bytes) {
  PendingCall& added = calls_[id] = std::move(call);
  added.share = InFlightShare(&in_flight_, std::max(request_bytes, kMinCallCost));
}

void Kernel::DeliverLocked(Guest* callee, IncomingCall call) {
  if (callee->restarting) {
    callee->held_calls.push_back(std::move(call));
  } else {
    callee->mailbox.Put(std::move(call));
  }
}

Err Kernel::ReturnValue(GuestId callee_id, CallId call_id, std::string result,
                        int32_t result_error) {
  if (result.size() > options_.max_message_size) {
    return FailReturn(callee_id, call_id, sc::MessageTooLarge);
  }
  return Resolve(callee_id, call_id, std::move(result), result_error, sc::NoError);
}

Err Kernel::FailReturn(GuestId callee_id, CallId call_id, Err error) {
  Err err = Resolve(callee_id, call_id, {}, 0, error);
  return err == sc::NoError ? error : err;
}

Err Kernel::Resolve(GuestId callee_id, CallId call_id, std::string result,
                    int32_t result_error, Err kernel_error) {
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
               result_error, kernel_error, exit = exit_code_]() mutable {
      reply(RemoteReply{std::move(result), result_error, kernel_error, {}, exit});
    });
    calls_.erase(it);
    return sc::NoError;
  }
  calls_.erase(it);
  if (caller->state == Guest::State::kEnded) return sc::CallerUnavailable;
  caller->mailbox.Put(
      CallResolved{call_id, std::move(result), result_error, kernel_error});
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
    // Its turn and its method end together, as the watchdog (which holds
    // mu_) sees them: an ended method's turn is never timed by the limit of
    // no method.
    guest->turn_began.store(0);
    guest->running_call.reset();
    guest->method_limit_ms.store(0);
  }
  // Takes call `id` if its caller still waits; else it is dropped, never run.
  auto take_call = [this, guest](CallId id) {
    std::lock_guard lock(mu_);
    auto found = calls_.find(id);
    if (found == calls_.end()) return false;
    guest->running_call = id;
    guest->method_limit_ms.store((found->second.limit + found->second.allowance).count());
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
  // A guest that only polls (its timers are due: a long-running
  // operation's slices) never parks: let the other guests of its worker
  // run, or it would keep them, and the answers it sends, waiting.
  if (timeout.count() == 0) Scheduler::Yield();
  // Whatever this returns, the guest's code runs again: a turn begins (a
  // method's time limit is its turn's).
  guest->starting.store(false);
  BeginTurn(guest);
  return result;
}

void Kernel::InstanceStarting(GuestId id) {
  Guest* guest;
  {
    std::lock_guard lock(mu_);
    guest = FindGuestLocked(id);
    if (guest == nullptr) return;
  }
  guest->starting.store(true);
  BeginTurn(guest);  // guests are never removed
}

// A watchdog that would wake after the turn's limit, or is scanning, is
// woken to time it (see Watchdog for the ordering).
void Kernel::BeginTurn(Guest* guest) {
  const Clock::time_point now = Clock::now();
  guest->turn_began.store(now.time_since_epoch().count());
  Clock::rep wake = watchdog_wake_.load();
  if (wake == 0 || (now + TurnLimit(*guest)).time_since_epoch().count() < wake) {
    std::lock_guard lock(mu_);
    watchdog_cv_.notify_all();
  }
}

void Kernel::Exit(GuestId id, int32_t code, bool all) {
  std::lock_guard lock(mu_);
  if (all) {
    Guest* guest = FindGuestLocked(id);
    std::string name = guest ? guest->name : id.Short();
    Report(name, LogLevel::kInfo, "exit-all with code " + std::to_string(code));
    ExitAllLocked(code, name + " called exit_all(" + std::to_string(code) + ")");
  }
}

void Kernel::Log(GuestId id, LogLevel level, std::string_view text,
                 std::span<const LogField> fields) {
  std::string name = GuestName(id);
  options_.log(name, level, text, fields);
}

}  // namespace parigot::kernel
