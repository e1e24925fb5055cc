#include "host/builtin/http/ingress.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <variant>

#include "host/builtin/http/answer.h"
#include "host/builtin/http/router.h"
#include "host/kernel/kernel.h"
#include "parigot/syscall/v1/syscall.pb.h"

namespace parigot::builtin::http {
namespace {

namespace sc = ::parigot::syscall::v1;
using Clock = std::chrono::steady_clock;

// Where a route leads, once located.
struct Target {
  ServiceId service;
  MethodId method;
  std::string name;  // "shop.v1.Api.Handle"
};

// A request whose call is under way.
struct Pending {
  Respond respond;
  const Target* target = nullptr;
  std::string what;  // "GET /x", for the access log
  Clock::time_point start;
};

// The calls under way, keyed by their ids. A call is added while its
// Dispatch runs (under mu), so an answer, read on another thread, always
// finds it.
struct Calls {
  std::mutex mu;
  std::unordered_map<CallId, Pending> pending;
};

std::string Milliseconds(Clock::duration elapsed) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f ms",
                std::chrono::duration<double, std::milli>(elapsed).count());
  return text;
}

}  // namespace

int Ingress::Serve(kernel::Kernel& kernel, GuestId guest) {
  auto failed = [&](std::string_view step, kernel::Err err) {
    log_(kernel::LogLevel::kError, std::string(step) + " failed: " + sc::KernelErr_Name(err));
    return 1;
  };
  std::string name;
  if (kernel::Err err = kernel.Register(guest, &name); err != sc::NoError) {
    return failed("register", err);
  }
  std::vector<kernel::ServiceName> required;
  for (const IngressRoute& route : options_.routes) {
    if (std::find(required.begin(), required.end(), route.service) == required.end()) {
      required.push_back(route.service);
    }
  }
  if (kernel::Err err = kernel.Require(guest, required); err != sc::NoError) {
    return failed("require", err);
  }
  if (kernel::Err err = kernel.Launch(guest); err != sc::NoError) return failed("launch", err);
  for (;;) {
    kernel::Event event;
    if (kernel::Err err = kernel.ReadOne(guest, std::chrono::milliseconds(-1), &event);
        err != sc::NoError) {
      return failed("read", err);
    }
    if (auto* launched = std::get_if<kernel::LaunchCompleted>(&event)) {
      if (launched->error != sc::NoError) return 1;  // the kernel has said why
      break;
    }
    if (std::holds_alternative<kernel::ExitRequested>(event)) return 0;
  }

  // Each route's target, its method checked.
  std::map<std::pair<kernel::ServiceName, std::string>, Target> targets;
  std::vector<Route> routes;
  for (size_t i = 0; i < options_.routes.size(); ++i) {
    const IngressRoute& route = options_.routes[i];
    auto [it, added] = targets.try_emplace({route.service, route.method});
    if (added) {
      std::vector<std::pair<std::string, MethodId>> methods;
      ServiceId service;
      if (kernel::Err err = kernel.Locate(guest, route.service, &service, &methods);
          err != sc::NoError) {
        return failed("locate " + route.service.ToString(), err);
      }
      auto method = std::find_if(methods.begin(), methods.end(),
                                 [&](const auto& m) { return m.first == route.method; });
      if (method == methods.end()) {
        std::string have;
        for (const auto& m : methods) have += (have.empty() ? "" : ", ") + m.first;
        const std::string problem = route.origin + ": the route's service " +
                                    route.service.ToString() + " has no method " + route.method +
                                    " (it has " + (have.empty() ? "none" : have) + ")";
        log_(kernel::LogLevel::kError, problem);
        kernel.ExitAll(1, "the HTTP ingress " + name + " cannot route: " + problem);
        return 1;
      }
      it->second = Target{service, method->second, route.service.ToString() + "." + route.method};
    }
    // Router targets index the routes; the route's Target is found by key.
    routes.push_back(Route{route.host, route.prefix, i});
  }
  std::vector<const Target*> route_targets;
  for (const IngressRoute& route : options_.routes) {
    route_targets.push_back(&targets.at({route.service, route.method}));
  }
  const Router router(std::move(routes));

  auto calls = std::make_shared<Calls>();
  const bool access_log = kernel.log_level() <= kernel::LogLevel::kDebug;
  Handle handle = [&, calls](::parigot::http::v1::Request request, Respond respond) {
    std::optional<Route> route = router.Match(request.host(), request.path());
    if (!route) {
      respond(Answer::Text(404, "no route for " + request.host() + request.path()));
      return;
    }
    const Target* target = route_targets[route->target];
    request.set_route_prefix(route->prefix);
    Pending pending{.respond = std::move(respond),
                    .target = target,
                    .what = access_log ? request.method() + " " + request.path() : std::string(),
                    .start = Clock::now()};
    std::unique_lock lock(calls->mu);
    CallId call;
    kernel::Err err = kernel.Dispatch(guest, target->service, target->method,
                                      request.SerializeAsString(), std::chrono::milliseconds(0),
                                      &call);
    if (err != sc::NoError) {
      lock.unlock();
      pending.respond(FromCallFailure(err, 0, target->name, /*request_refused=*/true));
      return;
    }
    calls->pending.emplace(call, std::move(pending));
  };
  ServerLog server_log = [this](bool error, std::string_view line) {
    log_(error ? kernel::LogLevel::kError : kernel::LogLevel::kDebug, line);
  };
  Result<std::unique_ptr<Server>> server =
      Server::Start(options_.listen, options_.limits, handle, server_log, options_.threads);
  if (!server.ok()) {
    // Nothing could reach the application: end it, saying why, rather
    // than restart into the same taken port.
    log_(kernel::LogLevel::kError, server.status().message());
    kernel.ExitAll(1, "the HTTP ingress " + name + " " + server.status().message());
    return 1;
  }
  log_(kernel::LogLevel::kInfo, "HTTP ingress listening on " + options_.listen);

  int exit_code = 0;
  for (;;) {
    kernel::Event event;
    if (kernel::Err err = kernel.ReadOne(guest, std::chrono::milliseconds(-1), &event);
        err != sc::NoError) {
      exit_code = failed("read", err);
      break;
    }
    if (std::holds_alternative<kernel::ExitRequested>(event)) break;
    auto* resolved = std::get_if<kernel::CallResolved>(&event);
    if (resolved == nullptr) continue;  // it exports nothing: no calls come
    Pending pending;
    {
      std::lock_guard lock(calls->mu);
      auto it = calls->pending.find(resolved->call);
      if (it == calls->pending.end()) continue;
      pending = std::move(it->second);
      calls->pending.erase(it);
    }
    int dropped = 0;
    Answer answer = resolved->kernel_error == sc::NoError && resolved->result_error == 0
                        ? FromResponse(resolved->result, pending.target->name, &dropped)
                        : FromCallFailure(resolved->kernel_error, resolved->result_error,
                                          pending.target->name, /*request_refused=*/false);
    if (access_log) {
      log_(kernel::LogLevel::kDebug,
           pending.what + " -> " + std::to_string(answer.status) + " from " +
               pending.target->name + " in " + Milliseconds(Clock::now() - pending.start) +
               (dropped > 0 ? " (" + std::to_string(dropped) + " server-owned headers dropped)"
                            : std::string()));
    }
    pending.respond(std::move(answer));
  }
  (*server)->Stop();
  std::lock_guard lock(calls->mu);
  calls->pending.clear();  // their answers would be dropped by the stopped server
  return exit_code;
}

}  // namespace parigot::builtin::http
