#include "guest/src/runtime.h"

#include <time.h>

#include <algorithm>
#include <climits>
#include <cstdint>

#include "guest/src/log_internal.h"
#include "guest/src/syscall.h"
#include "parigot/log.h"

namespace parigot::internal {

namespace sc = syscall::v1;

namespace {
// The payload of the high word of the call ids made up for calls to
// in-guest fakes; the kernel's are random.
constexpr uint64_t kLocalCallMark = 0x00fa4e'0000'0000'00;

bool IsLocalCall(CallId call) {
  return call.high() == CallId::NewRandom(kLocalCallMark, 1).high();
}

std::string KernelErrName(KernelErr err) {
  std::string_view name = sc::KernelErr_Name(err);
  if (name.empty()) return "kernel error " + std::to_string(static_cast<int32_t>(err));
  return std::string(name);
}
}  // namespace

Runtime& Runtime::Get() {
  static Runtime runtime;
  return runtime;
}

Future<void, KernelErr> Runtime::Launch(
    const std::vector<ServiceName>& requires_,
    const std::vector<Service*>& exports) {
  if (launched_) {
    log::error("launch() called twice");
    return Future<void, KernelErr>::Failed(KernelErr::BadState);
  }
  launched_ = true;
  auto fail = [](std::string_view what, KernelErr err) {
    log::error(std::string(what) + " failed: " + KernelErrName(err));
    return Future<void, KernelErr>::Failed(err);
  };

  sc::RegisterResponse registered;
  if (KernelErr err = SysRegister({}, &registered); err != KernelErr::NoError) {
    return fail("register", err);
  }
  SetHostLogLevel(registered.log_level);

  if (!exports.empty()) {
    sc::ExportRequest request;
    for (Service* service : exports) {
      request.service.push_back({.package_path = std::string(service->package_name()),
                                 .service = std::string(service->service_name())});
    }
    sc::ExportResponse response;
    if (KernelErr err = SysExport(request, &response); err != KernelErr::NoError) {
      return fail("export", err);
    }
    for (size_t i = 0; i < exports.size(); ++i) {
      Exported exported{exports[i], {}};
      const Service& service = *exports[i];
      for (size_t m = 0; m < service.methods_.size(); ++m) {
        sc::BindMethodResponse bound;
        KernelErr err = SysBindMethod(
            {.service_id = response.service_id[i],
             .method_name = std::string(service.methods_[m]),
             .time_limit_ms = m < service.time_limits_ms_.size() ? service.time_limits_ms_[m] : 0},
            &bound);
        if (err != KernelErr::NoError) return fail("bind_method", err);
        exported.method_ids.push_back(IdFromWire<MethodId>(bound.method_id));
      }
      ServiceId id = ServiceId::FromRaw(response.service_id[i].high,
                                        response.service_id[i].low)
                         .value_or(ServiceId::Zero());
      export_index_[id] = exports_.size();
      exports_.push_back(std::move(exported));
    }
  }

  if (!requires_.empty()) {
    sc::RequireRequest request;
    for (const ServiceName& name : requires_) {
      request.dest.push_back({.package_path = std::string(name.package),
                              .service = std::string(name.service)});
    }
    sc::RequireResponse response;
    if (KernelErr err = SysRequire(request, &response); err != KernelErr::NoError) {
      return fail("require", err);
    }
  }

  sc::LaunchResponse response;
  if (KernelErr err = SysLaunch({}, &response); err != KernelErr::NoError) {
    return fail("launch", err);
  }
  launch_promise_.emplace();
  return launch_promise_->future();
}

Result<ServiceHandle> Runtime::Locate(std::string_view package,
                                      std::string_view service,
                                      std::span<const std::string_view> methods) {
  std::string name = std::string(package) + "." + std::string(service);
  auto found = located_.find(name);
  // A record made for a fake that has gone since holds no real service yet.
  if (found != located_.end() &&
      (found->second->fake != nullptr || !found->second->id.IsZero())) {
    return ServiceHandle(found->second.get());
  }
  sc::LocateResponse response;
  KernelErr err = SysLocate({.package_name = std::string(package),
                             .service_name = std::string(service)},
                            &response);
  if (err == KernelErr::NotRequired) {
    return FailedPreconditionError("locate " + name +
                                   ": not required by this guest (NotRequired)");
  }
  if (err != KernelErr::NoError) {
    return NotFoundError("locate " + name + ": " + KernelErrName(err));
  }
  // Filled in place when a fake made the record: handles on it stay valid.
  std::unique_ptr<LocatedService>& located = located_[name];
  if (located == nullptr) located = std::make_unique<LocatedService>();
  located->name = name;
  located->id = IdFromWire<ServiceId>(response.service_id);
  located->method_names.clear();
  located->method_ids.clear();
  for (std::string_view method : methods) {
    located->method_names.push_back(method);
    MethodId id = MethodId::Zero();
    for (const auto& binding : response.binding) {
      if (binding.method_name == method) id = IdFromWire<MethodId>(binding.method_id);
    }
    located->method_ids.push_back(id);
  }
  return ServiceHandle(located.get());
}

std::string Runtime::MethodName(const LocatedService& service, size_t method_index) {
  return service.name + "." +
         std::string(method_index < service.method_names.size()
                         ? service.method_names[method_index]
                         : "?");
}

char* Runtime::Call(ServiceHandle handle, size_t method_index, size_t param_size,
                    CallOptions options, std::unique_ptr<CallReceiver> receiver) {
  const LocatedService& service = *handle.get();
  if (service.fake != nullptr) {
    return CallFake(service, method_index, param_size, options, std::move(receiver));
  }
  if (method_index >= service.method_ids.size() ||
      service.method_ids[method_index].IsZero()) {
    log::warn("call to " + MethodName(service, method_index) +
              " failed: the service does not implement this method");
    receiver->Fail(kDispatchError, CallCause::kNotFound);
    return nullptr;
  }
  char* param = exchange::AppendOpWithRoom(
      request_,
      exchange::DispatchOp{.service = exchange::WireId::Of(service.id),
                           .method = exchange::WireId::Of(service.method_ids[method_index]),
                           .timeout_ms = options.timeout_ms,
                           .param = {}},  // written in place by the caller
      param_size);
  queued_.push_back({PendingCall{std::move(receiver), &service, method_index}, CallId::Zero()});
  return param;
}

char* Runtime::QueueReturn(CallId call, int32_t result_error, size_t result_size) {
  if (IsLocalCall(call)) {
    auto found = local_calls_.find(call);
    if (found == local_calls_.end() || found->second.answered) {
      // Its deadline passed, or its fake was removed: nobody waits for it.
      dropped_answer_.resize(result_size);
      return dropped_answer_.data();
    }
    LocalCall& local = found->second;
    local.answered = true;
    local.result_error = result_error;
    local.result.resize(result_size);
    timers_.Add(NowNs(), 0, [this, call] { DeliverLocal(call); });
    return local.result.data();
  }
  queued_.push_back({std::nullopt, call});
  return exchange::AppendOpWithRoom(
      request_,
      exchange::ReturnOp{.call = exchange::WireId::Of(call),
                         .result_error = result_error,
                         .result = {}},  // written in place by the caller
      result_size);
}

void Runtime::InstallFake(Service* fake) {
  std::string name = std::string(fake->package_name()) + "." + std::string(fake->service_name());
  std::unique_ptr<LocatedService>& located = located_[name];
  if (located == nullptr) {
    located = std::make_unique<LocatedService>();
    located->name = name;
    for (std::string_view method : fake->methods_) {
      located->method_names.push_back(method);
      located->method_ids.push_back(MethodId::Zero());
    }
  }
  if (located->fake != nullptr && located->fake != fake) RemoveFake(located->fake);
  located->fake = fake;
}

void Runtime::RemoveFake(Service* fake) {
  for (auto& [name, located] : located_) {
    if (located->fake == fake) located->fake = nullptr;
  }
  std::vector<CallId> orphans;
  for (const auto& [id, call] : local_calls_) {
    if (call.fake == fake) orphans.push_back(id);
  }
  for (CallId id : orphans) FailLocal(id, KernelErr::ServiceDied);
}

char* Runtime::CallFake(const LocatedService& service, size_t method_index,
                        size_t param_size, CallOptions options,
                        std::unique_ptr<CallReceiver> receiver) {
  CallId id = CallId::NewRandom(kLocalCallMark, ++next_local_call_);
  LocalCall& call = local_calls_[id];
  call.receiver = std::move(receiver);
  call.service = &service;
  call.fake = service.fake;
  call.method_index = method_index;
  call.param.resize(param_size);
  // Like a real call: it leaves when the caller's callback has returned.
  int64_t now = NowNs();
  timers_.Add(now, 0, [this, id] { DispatchLocal(id); });
  if (options.timeout_ms > 0) {
    call.deadline_timer = timers_.Add(now + int64_t{options.timeout_ms} * 1'000'000, 0,
                                      [this, id] { FailLocal(id, KernelErr::CallTimeout); });
  }
  return call.param.data();
}

void Runtime::DispatchLocal(CallId id) {
  auto found = local_calls_.find(id);
  if (found == local_calls_.end()) return;  // failed meanwhile
  LocalCall& call = found->second;
  // The request is decoded by the fake's generated Dispatch, as a served
  // call's is; it may answer at once (QueueReturn above) or later.
  std::string param = std::move(call.param);
  call.fake->Dispatch(call.method_index, param, Responder(id));
}

void Runtime::DeliverLocal(CallId id) {
  auto found = local_calls_.find(id);
  if (found == local_calls_.end()) return;
  LocalCall call = std::move(found->second);
  local_calls_.erase(found);
  if (call.deadline_timer) timers_.Cancel(*call.deadline_timer);
  if (call.result_error != 0) {
    call.receiver->Fail(call.result_error, CallCause::kNone);
  } else {
    call.receiver->Receive(call.result);
  }
}

void Runtime::FailLocal(CallId id, KernelErr kernel_error) {
  auto found = local_calls_.find(id);
  if (found == local_calls_.end()) return;
  LocalCall call = std::move(found->second);
  local_calls_.erase(found);
  if (call.deadline_timer) timers_.Cancel(*call.deadline_timer);
  log::warn("call to " + MethodName(*call.service, call.method_index) +
            " (in-guest fake) failed: " + KernelErrName(kernel_error));
  call.receiver->Fail(kDispatchError, CallCauseOf(kernel_error));
}

void Runtime::FailCall(PendingCall& call, KernelErr err) {
  log::warn("call to " + MethodName(*call.service, call.method_index) +
            " failed: " + KernelErrName(err));
  call.receiver->Fail(kDispatchError, CallCauseOf(err));
}

void Runtime::HandleResult(QueuedOp& op, const exchange::OpResult& result) {
  auto err = static_cast<KernelErr>(result.error);
  if (op.dispatch) {
    PendingCall& call = *op.dispatch;
    if (err == KernelErr::NoError) {
      pending_.emplace(result.call.As<CallId>().value_or(CallId::Zero()), std::move(call));
      return;
    }
    FailCall(call, err);
    return;
  }
  // The caller may have gone (deadline, exit): nothing more to do.
  if (err != KernelErr::NoError && err != KernelErr::CallerUnavailable) {
    log::warn("answer to call " + op.answered.Short() + " failed: " + KernelErrName(err));
  }
}

void Runtime::HandleIncoming(const exchange::CallEvent& call) {
  Responder responder(call.call.As<CallId>().value_or(CallId::Zero()));
  auto found = export_index_.find(call.service.As<ServiceId>().value_or(ServiceId::Zero()));
  if (found == export_index_.end()) return responder.Fail(kDispatchError);
  Exported& exported = exports_[found->second];
  MethodId method = call.method.As<MethodId>().value_or(MethodId::Zero());
  size_t index = 0;
  while (index < exported.method_ids.size() && exported.method_ids[index] != method) {
    ++index;
  }
  if (index == exported.method_ids.size()) return responder.Fail(kDispatchError);
  exported.service->Dispatch(index, call.param, responder);
}

void Runtime::HandleResolved(const exchange::ResolvedEvent& resolved) {
  auto it = pending_.find(resolved.call.As<CallId>().value_or(CallId::Zero()));
  if (it == pending_.end()) return;  // not ours: nothing waits for it
  PendingCall call = std::move(it->second);
  pending_.erase(it);
  auto kernel_error = static_cast<KernelErr>(resolved.kernel_error);
  if (kernel_error != KernelErr::NoError) {
    FailCall(call, kernel_error);
  } else if (resolved.result_error != 0) {
    call.receiver->Fail(resolved.result_error, CallCause::kNone);
  } else {
    call.receiver->Receive(resolved.result);
  }
}

void Runtime::HandleLaunch(const exchange::LaunchEvent& launch) {
  if (!launch_promise_ || launch_promise_->is_completed()) return;
  auto error = static_cast<KernelErr>(launch.error);
  if (error != KernelErr::NoError) {
    // The kernel has logged why (launch.detail), once, under this guest's
    // name; the program learns of it through the launch future.
    launch_promise_->Fail(error);
    return;
  }
  launch_promise_->Complete();
  for (Exported& exported : exports_) {
    if (!exported.service->Ready()) {
      log::error(std::string(exported.service->package_name()) + "." +
                 std::string(exported.service->service_name()) +
                 ": Ready() returned false; exiting");
      parigot::exit(1);
    }
  }
}

KernelErr Runtime::Exchange(uint32_t max_events, int32_t timeout_ms,
                            std::string_view* response) {
  exchange::FinishRequest(request_, {.timeout_ms = timeout_ms,
                                     .max_events = max_events,
                                     .op_count = static_cast<uint32_t>(queued_.size())});
  KernelErr err = SysExchange(request_, &response_buffer_, response);
  // Whatever the answer, the ops have gone (or never will): start the next
  // request.
  exchange::BeginRequest(request_);
  return err;
}

bool Runtime::Receive(std::string_view response) {
  exchange::Reader reader(response);
  exchange::ResponseHeader header;
  if (!reader.ReadResponseHeader(&header) || header.op_count != sent_.size()) return false;
  for (QueuedOp& op : sent_) {
    exchange::OpResult result;
    if (!reader.ReadResult(&result)) return false;
    HandleResult(op, result);
  }
  sent_.clear();
  exchange::Event event;
  for (uint32_t i = 0; i < header.event_count; ++i) {
    if (!reader.ReadEvent(&event)) return false;
    if (auto* call = std::get_if<exchange::CallEvent>(&event)) {
      HandleIncoming(*call);
    } else if (auto* resolved = std::get_if<exchange::ResolvedEvent>(&event)) {
      HandleResolved(*resolved);
    } else if (auto* launch = std::get_if<exchange::LaunchEvent>(&event)) {
      HandleLaunch(*launch);
    } else if (auto* exit = std::get_if<exchange::ExitEvent>(&event)) {
      parigot::exit(exit->code);
    }
  }
  return reader.AtEnd();
}

void Runtime::Flush() {
  if (queued_.empty()) return;
  std::string_view response;
  (void)Exchange(/*max_events=*/0, /*timeout_ms=*/-1, &response);
  queued_.clear();
}

int Runtime::Run() {
  if (!launched_) {
    log::error("run() called before launch()");
    return 1;
  }
  // Enough for a whole window of pipelined answers; the host also stops at
  // the response buffer's size.
  constexpr uint32_t kMaxEvents = 1024;
  for (;;) {
    bool waiting_for_launch = launch_promise_ && !launch_promise_->is_completed();
    if (!waiting_for_launch && pending_.empty() && exports_.empty() && queued_.empty() &&
        timers_.size() == 0 && local_calls_.empty()) {
      return 0;
    }
    // Wait for events no longer than until the earliest timer is due (the
    // clock is read only while there are timers: calls never pay for it).
    int32_t timeout_ms = -1;
    if (std::optional<int64_t> due = timers_.NextDue()) {
      int64_t left = *due - NowNs();
      timeout_ms = left <= 0 ? 0
                             : static_cast<int32_t>(std::min<int64_t>(
                                   (left + 999'999) / 1'000'000, INT32_MAX));
    }
    std::string_view response;
    KernelErr err = Exchange(kMaxEvents, timeout_ms, &response);
    sent_.swap(queued_);
    queued_.clear();
    if (err != KernelErr::NoError) {
      log::error("exchange: " + KernelErrName(err));
      return 1;
    }
    if (!Receive(response)) {
      log::error("exchange: the host's response is malformed");
      return 1;
    }
    if (timers_.size() > 0) timers_.RunDue(NowNs());
  }
}

int64_t Runtime::NowNs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

}  // namespace parigot::internal
