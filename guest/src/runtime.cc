#include "guest/src/runtime.h"

#include "guest/src/syscall.h"
#include "parigot/log.h"

namespace parigot::internal {

namespace sc = syscall::v1;

namespace {
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
      for (std::string_view method : exports[i]->methods_) {
        sc::BindMethodResponse bound;
        KernelErr err = SysBindMethod(
            {.service_id = response.service_id[i],
             .method_name = std::string(method)},
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
  if (auto it = located_.find(name); it != located_.end()) {
    return ServiceHandle(it->second.get());
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
  auto located = std::make_unique<LocatedService>();
  located->name = name;
  located->id = IdFromWire<ServiceId>(response.service_id);
  for (std::string_view method : methods) {
    located->method_names.push_back(method);
    MethodId id = MethodId::Zero();
    for (const auto& binding : response.binding) {
      if (binding.method_name == method) id = IdFromWire<MethodId>(binding.method_id);
    }
    located->method_ids.push_back(id);
  }
  const LocatedService* handle = located.get();
  located_[name] = std::move(located);
  return ServiceHandle(handle);
}

std::string Runtime::MethodName(const LocatedService& service, size_t method_index) {
  return service.name + "." +
         std::string(method_index < service.method_names.size()
                         ? service.method_names[method_index]
                         : "?");
}

RawFuture Runtime::Call(ServiceHandle handle, size_t method_index,
                        std::string param, CallOptions options) {
  const LocatedService& service = *handle.get();
  auto fail = [&](const std::string& why) {
    log::warn("call to " + MethodName(service, method_index) + " failed: " + why);
    return RawFuture::Failed(kDispatchError);
  };
  if (method_index >= service.method_ids.size() ||
      service.method_ids[method_index].IsZero()) {
    return fail("the service does not implement this method");
  }
  sc::DispatchResponse response;
  KernelErr err = SysDispatch({.service_id = IdToWire(service.id),
                               .method_id = IdToWire(service.method_ids[method_index]),
                               .param = std::move(param),
                               .timeout_ms = options.timeout_ms},
                              &response);
  if (err != KernelErr::NoError) return fail(KernelErrName(err));
  Promise<std::string, int32_t> promise;
  pending_.emplace(IdFromWire<CallId>(response.call_id),
                   PendingCall{promise, &service, method_index});
  return promise.future();
}

void Runtime::HandleIncoming(const sc::IncomingCall& call) {
  CallId call_id = IdFromWire<CallId>(call.call_id);
  auto reply = [call_id](std::string result, int32_t error) {
    sc::ReturnValueResponse response;
    KernelErr err = SysReturnValue(
        {.call_id = IdToWire(call_id), .result = std::move(result),
         .result_error = error},
        &response);
    // The caller may have gone (deadline, exit): nothing more to do.
    if (err != KernelErr::NoError && err != KernelErr::CallerUnavailable) {
      log::warn("return_value for " + call_id.Short() + ": " + KernelErrName(err));
    }
  };
  auto found = export_index_.find(IdFromWire<ServiceId>(call.service_id));
  if (found == export_index_.end()) return reply({}, kDispatchError);
  Exported& exported = exports_[found->second];
  MethodId method = IdFromWire<MethodId>(call.method_id);
  size_t index = 0;
  while (index < exported.method_ids.size() && exported.method_ids[index] != method) {
    ++index;
  }
  if (index == exported.method_ids.size()) return reply({}, kDispatchError);
  exported.service->Dispatch(index, call.param)
      .then([reply](const std::string& result) { reply(result, 0); })
      .or_else([reply](int32_t error) { reply({}, error); });
}

void Runtime::HandleResolved(const sc::CallResolved& resolved) {
  auto it = pending_.find(IdFromWire<CallId>(resolved.call_id));
  if (it == pending_.end()) return;  // not ours: nothing waits for it
  PendingCall call = std::move(it->second);
  pending_.erase(it);
  Promise<std::string, int32_t>& promise = call.promise;
  if (resolved.kernel_error != KernelErr::NoError) {
    log::warn("call to " + MethodName(*call.service, call.method_index) +
              " failed: " + KernelErrName(resolved.kernel_error));
    promise.Fail(kDispatchError);
  } else if (resolved.result_error != 0) {
    promise.Fail(resolved.result_error);
  } else {
    promise.Complete(resolved.result);
  }
}

void Runtime::HandleLaunch(const sc::LaunchCompleted& launch) {
  if (!launch_promise_ || launch_promise_->is_completed()) return;
  if (launch.error != KernelErr::NoError) {
    log::error("launch failed: " + launch.detail);
    launch_promise_->Fail(launch.error);
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

int Runtime::Run() {
  if (!launched_) {
    log::error("run() called before launch()");
    return 1;
  }
  for (;;) {
    bool waiting_for_launch = launch_promise_ && !launch_promise_->is_completed();
    if (!waiting_for_launch && pending_.empty() && exports_.empty()) return 0;
    sc::ReadOneResponse event;
    KernelErr err = SysReadOne({.timeout_ms = -1}, &event);
    if (err != KernelErr::NoError) {
      log::error("read_one: " + KernelErrName(err));
      return 1;
    }
    using Event = sc::ReadOneResponse;
    if (auto* call = std::get_if<Event::kCall>(&event.event)) {
      HandleIncoming(**call);
    } else if (auto* resolved = std::get_if<Event::kResolved>(&event.event)) {
      HandleResolved(**resolved);
    } else if (auto* launch = std::get_if<Event::kLaunch>(&event.event)) {
      HandleLaunch(**launch);
    } else if (auto* exit = std::get_if<Event::kExit>(&event.event)) {
      parigot::exit((*exit)->code);
    }
  }
}

}  // namespace parigot::internal
