// ValidateDeployment and ResolveWasmPaths: the checks that need the whole
// model (validation; its network-mode part is in placement.cc) or the file
// system (resolution), plus LoadDeployment.
#include <cstdlib>
#include <string_view>
#include <system_error>

#include "diagnostics.h"
#include "parigot/deploy/descriptor.h"

namespace parigot::deploy {
namespace internal {
namespace {

namespace fs = std::filesystem;

void CheckTimeout(const DeploymentOptions& d, std::string_view key,
                  std::chrono::milliseconds value, Diagnostics& diagnostics) {
  if (value.count() > 0) return;
  std::string full_key = "Timeout." + std::string(key);
  diagnostics.Add(Where(d.key_locations, full_key, d.location),
                  DeploymentKey(d, full_key),
                  "must be a positive number of milliseconds, got " +
                      std::to_string(value.count()));
}

// The keys of one kind of built-in: refused elsewhere, required where
// that kind needs them.
void ValidateBuiltinKeys(const MicroserviceOptions& ms, Diagnostics& diagnostics) {
  struct OwnKey {
    std::string_view key;
    std::string_view builtin;
  };
  static constexpr OwnKey kOwnKeys[] = {{"Sandbox", "file"},      {"Listen", "http"},
                                        {"Route", "http"},        {"MaxHeaderSize", "http"},
                                        {"MaxBodySize", "http"}};
  for (const OwnKey& own : kOwnKeys) {
    if (ms.builtin == own.builtin || !ms.key_locations.contains(std::string(own.key))) continue;
    diagnostics.Add(Where(ms.key_locations, own.key, ms.location), FullKey(ms, own.key),
                    "applies only to a built-in service with Builtin = \"" +
                        std::string(own.builtin) + "\"");
  }
  if (ms.builtin != "http") return;
  const bool has_port = ms.listen.rfind(':') != std::string::npos &&
                        ms.listen.rfind(':') + 1 < ms.listen.size();
  if (!has_port) {
    diagnostics.Add(Where(ms.key_locations, "Listen", ms.location), FullKey(ms, "Listen"),
                    ms.listen.empty() ? "missing (an HTTP ingress needs an \"address:port\")"
                                      : "\"" + ms.listen + "\" is not \"address:port\"");
  }
  if (ms.routes.empty()) {
    diagnostics.Add(Where(ms.key_locations, "Route", ms.location), FullKey(ms, "Route"),
                    "missing (an HTTP ingress needs at least one [[" + FullKey(ms, "Route") +
                        "]] with a Service)");
  }
  for (size_t i = 0; i < ms.routes.size(); ++i) {
    const HttpRoute& route = ms.routes[i];
    const std::string key = FullKey(ms, "Route") + "[" + std::to_string(i) + "]";
    const size_t dot = route.service.rfind('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == route.service.size()) {
      diagnostics.Add(route.location, key + ".Service",
                      route.service.empty()
                          ? std::string("missing (the \"package.Service\" that answers)")
                          : "\"" + route.service + "\" is not \"package.Service\"");
    }
    if (route.prefix.empty() || route.prefix.front() != '/') {
      diagnostics.Add(route.location, key + ".Prefix",
                      "\"" + route.prefix + "\" must begin with '/'");
    }
    if (route.method.empty()) diagnostics.Add(route.location, key + ".Method", "must not be empty");
  }
  if (ms.max_header_size && (*ms.max_header_size < 1024 || *ms.max_header_size > (1u << 20))) {
    diagnostics.Add(Where(ms.key_locations, "MaxHeaderSize", ms.location),
                    FullKey(ms, "MaxHeaderSize"),
                    "must be between 1 KiB (1024) and 1 MiB (1048576) bytes, got " +
                        std::to_string(*ms.max_header_size));
  }
  if (ms.max_body_size && *ms.max_body_size > kMaxMaxMessageSize) {
    diagnostics.Add(Where(ms.key_locations, "MaxBodySize", ms.location),
                    FullKey(ms, "MaxBodySize"),
                    "must be at most 1 GiB (1073741824) bytes, got " +
                        std::to_string(*ms.max_body_size));
  }
}

void ValidateMicroservice(const MicroserviceOptions& ms,
                          Diagnostics& diagnostics) {
  CheckName(ms, "a microservice", diagnostics);
  if (ms.time_limit && ms.time_limit->count() <= 0) {
    diagnostics.Add(Where(ms.key_locations, "TimeLimit", ms.location),
                    FullKey(ms, "TimeLimit"),
                    "must be a positive number of milliseconds, got " +
                        std::to_string(ms.time_limit->count()));
  }
  for (const auto& [method, limit] : ms.method_time_limits) {
    std::string key = MethodTimeLimitKey(method);
    SourceLocation where = Where(ms.key_locations, key, ms.location);
    if (std::string problem = MethodNameProblem(method); !problem.empty()) {
      diagnostics.Add(where, FullKey(ms, key), problem);
    } else if (limit.count() <= 0 || limit.count() > kMaxMethodTimeLimitMs) {
      diagnostics.Add(where, FullKey(ms, key),
                      "must be a positive number of milliseconds, at most " +
                          std::to_string(kMaxMethodTimeLimitMs) + ", got " +
                          std::to_string(limit.count()));
    }
  }
  if (ms.max_restarts < 0 || ms.max_restarts > 1000) {
    diagnostics.Add(Where(ms.key_locations, "MaxRestarts", ms.location),
                    FullKey(ms, "MaxRestarts"),
                    "must be between 0 and 1000, got " + std::to_string(ms.max_restarts));
  }
  if (ms.time_scale && (*ms.time_scale < 1 || *ms.time_scale > 10000)) {
    diagnostics.Add(Where(ms.key_locations, "TimeScale", ms.location),
                    FullKey(ms, "TimeScale"),
                    "must be between 1 and 10000, got " + std::to_string(*ms.time_scale));
  }
  if (ms.restart_window.count() <= 0) {
    diagnostics.Add(Where(ms.key_locations, "RestartWindow", ms.location),
                    FullKey(ms, "RestartWindow"),
                    "must be a positive number of milliseconds, got " +
                        std::to_string(ms.restart_window.count()));
  }
  if (ms.restart_backoff.count() < 0 || ms.restart_backoff.count() > 60000) {
    diagnostics.Add(Where(ms.key_locations, "RestartBackoff", ms.location),
                    FullKey(ms, "RestartBackoff"),
                    "must be between 0 and 60000 milliseconds, got " +
                        std::to_string(ms.restart_backoff.count()));
  }
  if (ms.memory_limit && (*ms.memory_limit < kMinMemoryLimit ||
                          *ms.memory_limit > kMaxMemoryLimit)) {
    diagnostics.Add(Where(ms.key_locations, "MemoryLimit", ms.location),
                    FullKey(ms, "MemoryLimit"),
                    "must be between 64 KiB (65536) and 4 GiB (4294967296) bytes, got " +
                        std::to_string(*ms.memory_limit));
  }
  if (!ms.builtin.empty()) {
    // A built-in is the host's own code: nothing of a guest applies to it.
    for (std::string_view key :
         {"WasmPath", "Engine", "Arg", "Env", "MemoryLimit", "TimeScale"}) {
      if (!ms.key_locations.contains(std::string(key))) continue;
      diagnostics.Add(Where(ms.key_locations, std::string(key), ms.location),
                      FullKey(ms, std::string(key)),
                      "does not apply to a built-in service (Builtin = \"" + ms.builtin +
                          "\"): it is no guest");
    }
    if (ms.kind != MicroserviceKind::kServer) {
      std::string key(MicroserviceKindName(ms.kind));
      diagnostics.Add(Where(ms.key_locations, key, ms.location), FullKey(ms, key),
                      "a built-in service is a server, never a program");
    }
    ValidateBuiltinKeys(ms, diagnostics);
  } else {
    ValidateBuiltinKeys(ms, diagnostics);
  }
  if (ms.builtin.empty() && ms.wasm_path.empty()) {
    bool written = ms.key_locations.contains("WasmPath");
    diagnostics.Add(Where(ms.key_locations, "WasmPath", ms.location),
                    FullKey(ms, "WasmPath"),
                    written ? "must not be empty"
                            : "missing (every microservice needs a WasmPath, or a Builtin)");
  }
  for (size_t i = 0; i < ms.env.size(); ++i) {
    const std::string& entry = ms.env[i];
    std::string key = "Env[" + std::to_string(i) + "]";
    size_t eq = entry.find('=');
    std::string problem;
    if (eq == std::string::npos) {
      problem = "\"" + entry + "\" is not KEY=VALUE (no '=')";
    } else if (eq == 0) {
      problem = "\"" + entry + "\" is not KEY=VALUE (empty KEY)";
    } else if (entry.find('\0') != std::string::npos) {
      problem = "contains a NUL character";
    }
    if (!problem.empty()) {
      SourceLocation where = Where(ms.key_locations, key,
                                   Where(ms.key_locations, "Env", ms.location));
      diagnostics.Add(where, FullKey(ms, key), problem);
    }
  }
}

// The directories searched for a relative WasmPath, each with a note on where
// it came from (for the error message).
struct SearchDir {
  fs::path dir;
  std::string_view origin;
};

std::vector<SearchDir> SearchDirs(
    const DeploymentOptions& d, const fs::path& base,
    std::span<const fs::path> extra_dirs) {
  std::error_code ec;
  std::vector<SearchDir> out;
  out.push_back({base, "descriptor directory"});
  for (const std::string& s : d.search_dirs) {
    if (s.empty()) continue;
    out.push_back({(base / s).lexically_normal(), "SearchDir"});
  }
  if (const char* env = std::getenv(kWasmPathEnvVar); env != nullptr) {
    std::string_view rest = env;
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      std::string_view entry = rest.substr(0, colon);
      rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
      if (entry.empty()) continue;
      out.push_back({fs::absolute(fs::path(entry), ec).lexically_normal(),
                     "$PARIGOT_PATH"});
    }
  }
  for (const fs::path& p : extra_dirs) {
    if (p.empty()) continue;
    out.push_back({fs::absolute(p, ec).lexically_normal(), "default"});
  }
  return out;
}

bool IsRegularFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);  // follows symlinks
}

}  // namespace

void Validate(const DeploymentOptions& d, Diagnostics& diagnostics,
              std::vector<std::string>* warnings) {
  if (d.microservices.empty()) {
    diagnostics.Add(d.location, DeploymentKey(d, "microservice"),
                    "no microservices: add at least one [" +
                        DeploymentKey(d, "microservice") + ".NAME] table");
  }
  if (d.microservices.size() > kMaxMicroservices) {
    diagnostics.Add(d.location, DeploymentKey(d, "microservice"),
                    std::to_string(d.microservices.size()) +
                        " microservices; a deployment has at most " +
                        std::to_string(kMaxMicroservices) +
                        " (each guest's memory takes 8 GiB of the process's "
                        "address space)");
  }
  for (const MicroserviceOptions& ms : d.microservices) {
    ValidateMicroservice(ms, diagnostics);
  }
  CheckTimeout(d, "Startup", d.timeouts.startup, diagnostics);
  CheckTimeout(d, "Complete", d.timeouts.complete, diagnostics);
  if (d.max_message_size < kMinMaxMessageSize || d.max_message_size > kMaxMaxMessageSize) {
    diagnostics.Add(Where(d.key_locations, "MaxMessageSize", d.location),
                    DeploymentKey(d, "MaxMessageSize"),
                    "must be between 1 KiB (1024) and 1 GiB (1073741824) bytes, got " +
                        std::to_string(d.max_message_size));
  }
  if (d.max_in_flight &&
      (*d.max_in_flight < d.max_message_size || *d.max_in_flight > kMaxMaxInFlight)) {
    diagnostics.Add(Where(d.key_locations, "MaxInFlight", d.location),
                    DeploymentKey(d, "MaxInFlight"),
                    "must be between MaxMessageSize (" + std::to_string(d.max_message_size) +
                        ") and 64 GiB (68719476736) bytes, got " +
                        std::to_string(*d.max_in_flight));
  }
  if (d.timezone && d.timezone->empty()) {
    diagnostics.Add(Where(d.key_locations, "Timezone", d.location),
                    DeploymentKey(d, "Timezone"),
                    "must not be empty (leave it out to set no TZ)");
  }
  ValidatePlacement(d, diagnostics, warnings);
}

void Resolve(DeploymentOptions& d, std::span<const fs::path> extra_dirs,
             Diagnostics& diagnostics) {
  std::error_code ec;
  fs::path base = d.descriptor_dir.empty() ? fs::current_path(ec)
                                           : fs::absolute(d.descriptor_dir, ec);
  std::vector<SearchDir> dirs;  // computed on first need
  for (MicroserviceOptions& ms : d.microservices) {
    ms.resolved_wasm_path.clear();
    if (ms.wasm_path.empty()) continue;  // Validate reports it
    fs::path wasm(ms.wasm_path);
    SourceLocation where = Where(ms.key_locations, "WasmPath", ms.location);
    if (wasm.is_absolute()) {
      if (IsRegularFile(wasm)) {
        ms.resolved_wasm_path = wasm.lexically_normal();
      } else {
        diagnostics.Add(where, FullKey(ms, "WasmPath"),
                        "\"" + ms.wasm_path + "\" " +
                            (fs::is_directory(wasm, ec)
                                 ? "is a directory, not a file"
                                 : "does not exist"),
                        StatusCode::kNotFound);
      }
      continue;
    }
    if (dirs.empty()) dirs = SearchDirs(d, base, extra_dirs);
    for (const SearchDir& dir : dirs) {
      fs::path candidate = (dir.dir / wasm).lexically_normal();
      if (IsRegularFile(candidate)) {
        ms.resolved_wasm_path = candidate;
        break;
      }
    }
    if (!ms.resolved_wasm_path.empty()) continue;
    std::string message =
        "\"" + ms.wasm_path + "\" not found; searched (in order): ";
    for (size_t i = 0; i < dirs.size(); ++i) {
      if (i > 0) message += ", ";
      message += dirs[i].dir.string() + " (" + std::string(dirs[i].origin) + ")";
    }
    diagnostics.Add(where, FullKey(ms, "WasmPath"), std::move(message),
                    StatusCode::kNotFound);
  }
}

}  // namespace internal

Status ValidateDeployment(const DeploymentOptions& deployment,
                          std::vector<std::string>* warnings) {
  internal::Diagnostics diagnostics;
  internal::Validate(deployment, diagnostics, warnings);
  return diagnostics.ToStatus();
}

Status ResolveWasmPaths(DeploymentOptions& deployment,
                        std::span<const std::filesystem::path> extra_dirs) {
  internal::Diagnostics diagnostics;
  internal::Resolve(deployment, extra_dirs, diagnostics);
  return diagnostics.ToStatus();
}

Result<DeploymentOptions> LoadDeployment(
    const std::filesystem::path& path, std::string_view deployment_name,
    std::span<const std::filesystem::path> extra_dirs) {
  internal::Diagnostics diagnostics;
  std::optional<DeploymentOptions> d =
      internal::Parse(path, deployment_name, diagnostics);
  if (!d) return diagnostics.ToStatus();
  internal::Validate(*d, diagnostics, &d->warnings);
  internal::Resolve(*d, extra_dirs, diagnostics);
  if (!diagnostics.empty()) return diagnostics.ToStatus();
  return std::move(*d);
}

}  // namespace parigot::deploy
