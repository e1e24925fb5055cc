#include "parigot/deploy/options.h"

#include <algorithm>
#include <cstdlib>

#include "diagnostics.h"

namespace parigot::deploy {

std::string SourceLocation::ToString() const {
  std::string out = file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

std::string_view MicroserviceKindName(MicroserviceKind kind) {
  switch (kind) {
    case MicroserviceKind::kServer: return "Server";
    case MicroserviceKind::kMain: return "Main";
    case MicroserviceKind::kTest: return "Test";
  }
  return "Server";
}

std::string_view RestartModeName(RestartMode mode) {
  switch (mode) {
    case RestartMode::kNever: return "never";
    case RestartMode::kOnFailure: return "on-failure";
    case RestartMode::kAlways: return "always";
  }
  return "never";
}

std::optional<RestartMode> ParseRestartMode(std::string_view name) {
  for (RestartMode mode : {RestartMode::kNever, RestartMode::kOnFailure, RestartMode::kAlways}) {
    if (RestartModeName(mode) == name) return mode;
  }
  return std::nullopt;
}

std::string_view EngineKindName(EngineKind engine) {
  switch (engine) {
    case EngineKind::kAot: return "aot";
    case EngineKind::kInterp: return "interp";
  }
  return "aot";
}

std::optional<EngineKind> ParseEngineKind(std::string_view name) {
  if (name == "aot") return EngineKind::kAot;
  if (name == "interp") return EngineKind::kInterp;
  return std::nullopt;
}

std::string MethodTimeLimitKey(std::string_view method) {
  return "MethodTimeLimit." + internal::TomlKey(method);
}

std::optional<uint64_t> ParseByteSize(std::string_view text) {
  constexpr std::pair<std::string_view, int> kUnits[] = {
      {"", 0}, {"B", 0}, {"KiB", 10}, {"MiB", 20}, {"GiB", 30}};
  size_t digits = 0;
  uint64_t value = 0;
  for (; digits < text.size() && text[digits] >= '0' && text[digits] <= '9'; ++digits) {
    if (value > (uint64_t{1} << 63) / 10) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(text[digits] - '0');
  }
  if (digits == 0) return std::nullopt;
  std::string_view unit = text.substr(digits);
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  for (const auto& [name, shift] : kUnits) {
    if (unit != name) continue;
    if (value > ((uint64_t{1} << 63) >> shift)) return std::nullopt;
    return value << shift;
  }
  return std::nullopt;
}

namespace {

// "file:line: key" for `key` of a table whose full dotted key is `table_path`.
std::string Describe(const KeyLocations& locations,
                     const SourceLocation& table, std::string_view table_path,
                     std::string_view key) {
  SourceLocation where = internal::Where(locations, key, table);
  where.column = 0;  // "file:line: key"
  std::string full = internal::JoinKey(table_path, key);
  std::string prefix = where.ToString();
  return prefix.empty() ? full : prefix + ": " + full;
}

// DescribeKey for a named table (microservice, host, external).
template <typename NamedTable>
std::string DescribeTableKey(const NamedTable& table, std::string_view key) {
  return Describe(table.key_locations, table.location,
                  internal::FullKey(table, ""), key);
}

}  // namespace

std::string DescribeKey(const MicroserviceOptions& ms, std::string_view key) {
  return DescribeTableKey(ms, key);
}

std::string DescribeKey(const HostOptions& host, std::string_view key) {
  return DescribeTableKey(host, key);
}

std::string DescribeKey(const ExternalServiceOptions& external,
                        std::string_view key) {
  return DescribeTableKey(external, key);
}

std::string DescribeKey(const DeploymentOptions& deployment,
                        std::string_view key) {
  return Describe(deployment.key_locations, deployment.location,
                  deployment.key_path, key);
}

std::vector<const MicroserviceOptions*> MicroservicesFor(
    const DeploymentOptions& deployment, RunMode mode) {
  MicroserviceKind program =
      mode == RunMode::kRun ? MicroserviceKind::kMain : MicroserviceKind::kTest;
  std::vector<const MicroserviceOptions*> out;
  for (const MicroserviceOptions& ms : deployment.microservices) {
    if (ms.kind == MicroserviceKind::kServer || ms.kind == program) {
      out.push_back(&ms);
    }
  }
  return out;
}

std::vector<const MicroserviceOptions*> MicroservicesOnHost(
    const DeploymentOptions& deployment, RunMode mode, std::string_view host) {
  std::vector<const MicroserviceOptions*> out;
  for (const MicroserviceOptions* ms : MicroservicesFor(deployment, mode)) {
    if (host.empty() ||
        std::find(ms->hosts.begin(), ms->hosts.end(), host) != ms->hosts.end()) {
      out.push_back(ms);
    }
  }
  return out;
}

const HostOptions* FindHost(const DeploymentOptions& deployment,
                            std::string_view name) {
  for (const HostOptions& host : deployment.hosts) {
    if (host.name == name) return &host;
  }
  return nullptr;
}

std::string HostNames(const DeploymentOptions& deployment) {
  std::string names;
  for (const HostOptions& host : deployment.hosts) {
    names += (names.empty() ? "" : ", ") + host.name;
  }
  return names;
}

const MicroserviceOptions* FindMicroservice(const DeploymentOptions& deployment,
                                            std::string_view name) {
  for (const MicroserviceOptions& ms : deployment.microservices) {
    if (ms.name == name) return &ms;
  }
  return nullptr;
}

std::filesystem::path DeploymentOptions::DataDir() const {
  std::filesystem::path dir = data_dir;
  if (data_dir.empty()) {
    const char* env = std::getenv(kDataDirEnvVar);
    dir = (env != nullptr && *env != '\0' ? std::filesystem::path(env)
                                          : std::filesystem::path(".parigot-data")) /
          name;
  }
  return dir.is_absolute() ? dir : descriptor_dir / dir;
}

std::filesystem::path MicroserviceOptions::SandboxDir(const DeploymentOptions& deployment) const {
  if (sandbox.empty()) return deployment.DataDir() / (name + ".files");
  std::filesystem::path dir = sandbox;
  return dir.is_absolute() ? dir : deployment.descriptor_dir / dir;
}

}  // namespace parigot::deploy
