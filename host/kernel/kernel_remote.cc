#include "host/kernel/kernel.h"

#include <algorithm>

#include "host/kernel/kernel_state.h"

namespace parigot::kernel {

namespace {

// The next replica of `service` to try, round-robin: a reachable one not
// in `skip`, or, when `skip` is empty and none is reachable, the next one
// anyway (one may have come back). Null when none is left.
std::shared_ptr<RemoteEndpoint> NextReplica(std::vector<std::shared_ptr<RemoteEndpoint>>& remotes,
                                            size_t& next,
                                            const std::vector<RemoteEndpoint*>& skip) {
  const size_t count = remotes.size();
  for (size_t tried = 0; tried < count; ++tried) {
    std::shared_ptr<RemoteEndpoint>& candidate = remotes[next++ % count];
    if (std::find(skip.begin(), skip.end(), candidate.get()) != skip.end()) continue;
    if (candidate->Reachable()) return candidate;
  }
  if (!skip.empty() || count == 0) return nullptr;
  return remotes[next++ % count];
}

}  // namespace

void Kernel::DispatchRemoteLocked(Guest* caller, Service* service,
                                  MethodId method, std::string param,
                                  Clock::time_point deadline, CallId call,
                                  Deferred& after) {
  std::shared_ptr<RemoteEndpoint> remote = NextReplica(service->remotes, service->next_remote, {});
  PendingCall pending{caller, nullptr, service, method, deadline, {}, remote};
  if (service->remotes.size() > 1) pending.resend = std::make_shared<const std::string>(param);
  AddCallLocked(call, std::move(pending), param.size());
  SendRemoteLater(call, remote, *service, method, std::move(param), deadline, after);
}

void Kernel::SendRemoteLater(CallId call, std::shared_ptr<RemoteEndpoint> remote,
                             const Service& service, MethodId method, std::string param,
                             Clock::time_point deadline, Deferred& after) {
  after.Add([this, remote = std::move(remote), call, name = service.name,
             method_name = MethodNameLocked(service, method), param = std::move(param),
             deadline]() mutable {
    remote->Send(call, name, method_name, std::move(param), deadline,
                 [this, call](RemoteReply reply) {
                   RemoteReplied(call, std::move(reply));
                 });
  });
}

bool Kernel::ResendLocked(CallId call_id, PendingCall& call, const RemoteReply& reply,
                          Deferred& after) {
  if (!reply.not_sent || call.resend == nullptr || call.caller_gone ||
      Clock::now() >= call.deadline) {
    return false;
  }
  call.unreachable.push_back(call.remote.get());
  std::shared_ptr<RemoteEndpoint> next =
      NextReplica(call.service->remotes, call.service->next_remote, call.unreachable);
  if (next == nullptr) return false;
  Report(call.caller != nullptr ? call.caller->name : "net", LogLevel::kDebug,
         "the call to " + call.service->name.ToString() + "." +
             MethodNameLocked(*call.service, call.method) + " could not reach " +
             call.remote->Describe() + " (" + reply.detail + "); sent to " + next->Describe() +
             " instead");
  call.remote = next;
  SendRemoteLater(call_id, std::move(next), *call.service, call.method, *call.resend,
                  call.deadline, after);
  return true;
}

void Kernel::RemoteReplied(CallId call_id, RemoteReply reply) {
  Deferred after;
  std::lock_guard lock(mu_);
  auto it = calls_.find(call_id);
  // The answering host's exit is everyone's, and comes first.
  if (reply.application_exit) {
    ExitAllLocked(*reply.application_exit,
                  it == calls_.end() ? "another host ended the application"
                                     : "the host serving " +
                                           it->second.service->name.ToString() +
                                           " ended the application",
                  ExitScope::kProcess);
  }
  if (it == calls_.end()) return;  // already failed by its deadline
  // One that never left goes to another replica, if there is one.
  if (ResendLocked(call_id, it->second, reply, after)) return;
  Guest* caller = it->second.caller;
  // The caller's SDK reports the failure ("call to ... failed:
  // NetworkFailed"), once; what only this side knows, the peer and the
  // transport's words, is for -v.
  if (reply.kernel_error != sc::NoError && !reply.detail.empty()) {
    Report(caller->name, LogLevel::kDebug,
           "why the call to " + it->second.service->name.ToString() + "." +
               MethodNameLocked(*it->second.service, it->second.method) + " failed (" +
               sc::KernelErr_Name(reply.kernel_error) + "): " + reply.detail);
  }
  calls_.erase(it);
  if (caller->state == Guest::State::kEnded) return;
  caller->mailbox.Put(CallResolved{call_id, std::move(reply.result),
                                   reply.result_error, reply.kernel_error});
}

std::string Kernel::MethodNameLocked(const Service& service,
                                     MethodId method) const {
  for (const Service::Method& m : service.methods) {
    if (m.id == method) return m.name;
  }
  return method.Short();
}

void Kernel::SetFederation(Federation* federation) {
  std::lock_guard lock(mu_);
  federation_ = federation;
}

void Kernel::AddRemoteService(const ServiceName& name,
                              const std::vector<std::string>& methods,
                              std::shared_ptr<RemoteEndpoint> endpoint,
                              const std::vector<std::chrono::milliseconds>& time_limits) {
  std::lock_guard lock(mu_);
  Service* service = FindOrAddServiceLocked(name);
  for (size_t i = 0; i < methods.size(); ++i) {
    auto known = std::find_if(service->methods.begin(), service->methods.end(),
                              [&](const Service::Method& m) { return m.name == methods[i]; });
    if (known == service->methods.end()) {
      known = service->methods.insert(service->methods.end(),
                                      {methods[i], NewIdLocked<MethodId>()});
    }
    // An exporter here binds its own limits; replicas elsewhere share theirs.
    if (service->exporter == nullptr && i < time_limits.size()) {
      known->limit = std::max(known->limit, time_limits[i]);
    }
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
  // A restarting exporter gets the call once its new instance runs.
  if (service->local_exporter() == nullptr) return sc::ServiceDied;
  auto binding = std::find_if(service->methods.begin(), service->methods.end(),
                              [&](const Service::Method& m) { return m.name == method; });
  if (binding == service->methods.end()) return sc::NotFound;
  if (Err admitted = AdmitLocked(param.size()); admitted != sc::NoError) return admitted;

  Clock::time_point now = Clock::now();
  // Arrived too late: never started (gRPC: DEADLINE_EXCEEDED).
  if (deadline <= now) return sc::CallTimeout;
  // As for a caller here (Dispatch): a gRPC client may wait as long as the
  // method may run, and no longer.
  const int scale = service->exporter->time_scale;
  const std::chrono::milliseconds allowance = RequestAllowance(param.size(), scale);
  deadline = std::min(deadline, now + LongestWait(binding->limit, scale) + allowance);
  *call_id = NewIdLocked<CallId>();
  const size_t request_bytes = param.size();
  AddCallLocked(*call_id,
                PendingCall{nullptr, service->exporter, service, binding->id, deadline,
                            std::move(reply), nullptr, binding->limit, allowance},
                request_bytes);
  DeliverLocked(service->exporter,
                IncomingCall{*call_id, service->id, binding->id, std::move(param)});
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
    if (!service->served_here() || !exporter->Serving() ||
        exporter->startup_failed) {
      continue;
    }
    ServedService& served = out.emplace_back();
    served.name = name;
    for (const Service::Method& method : service->methods) {
      served.methods.push_back(method.name);
      served.time_limits.push_back(method.limit);
    }
  }
  return out;
}

}  // namespace parigot::kernel
