// Internal: the error list shared by the descriptor's parse, validate and
// resolve steps, the steps themselves, and the helpers they share to name
// keys in messages and suggest a "did you mean".
//
// Thread safety: a Diagnostics is confined to the thread that fills it.
#ifndef PARIGOT_HOST_DEPLOY_DIAGNOSTICS_H_
#define PARIGOT_HOST_DEPLOY_DIAGNOSTICS_H_

#include <algorithm>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "parigot/deploy/options.h"
#include "parigot/status.h"

namespace parigot::deploy::internal {

struct Diagnostic {
  SourceLocation location;
  std::string key;  // full dotted key, may be empty
  std::string message;
  StatusCode code = StatusCode::kInvalidArgument;
};

// "file:line:column: key: message", leaving out the parts that are empty.
std::string FormatDiagnostic(const SourceLocation& location,
                             std::string_view key, std::string_view message);

class Diagnostics {
 public:
  // Adds a diagnostic, unless one for the same non-empty `key` was already
  // added (a later step must not repeat an earlier step's finding).
  void Add(SourceLocation location, std::string key, std::string message,
           StatusCode code = StatusCode::kInvalidArgument);
  bool empty() const { return list_.empty(); }
  size_t size() const { return list_.size(); }
  bool HasErrorFor(std::string_view key) const;

  // OK when empty; else the diagnostics, sorted by position (stable), one
  // per line: the first kMaxReported, then a line saying how many more there
  // are. The code is the diagnostics' common code, or kInvalidArgument when
  // they differ.
  Status ToStatus() const;

  static constexpr size_t kMaxReported = 100;

 private:
  std::vector<Diagnostic> list_;
  std::unordered_set<std::string> keys_;  // the non-empty keys of list_
};

// `key` as it would be written in a dotted TOML key: bare when it only has
// A-Za-z0-9_- characters, else quoted.
std::string TomlKey(std::string_view key);

// The steps behind descriptor.h, reporting into `diagnostics` instead of
// returning a Status. Parse returns nullopt when no model could be built (the
// file is unreadable or not TOML, or no deployment could be chosen); else the
// model, possibly with errors reported for some keys. Validate appends its
// non-fatal findings to `warnings` when it is not null (it may point to
// deployment.warnings: Validate never reads that field).
std::optional<DeploymentOptions> Parse(const std::filesystem::path& path,
                                       std::string_view deployment_name,
                                       Diagnostics& diagnostics);
// Parse's work on the descriptor's text, already read: `file` names it in
// messages and `descriptor_dir` fills DeploymentOptions::descriptor_dir.
// Also the entry point of the descriptor fuzzer (tests/fuzz/descriptor).
std::optional<DeploymentOptions> ParseText(std::string_view text, const std::string& file,
                                           const std::filesystem::path& descriptor_dir,
                                           std::string_view deployment_name,
                                           Diagnostics& diagnostics);
void Validate(const DeploymentOptions& deployment, Diagnostics& diagnostics,
              std::vector<std::string>* warnings);
void Resolve(DeploymentOptions& deployment,
             std::span<const std::filesystem::path> extra_dirs,
             Diagnostics& diagnostics);
// The part of Validate about network mode (placement.cc): hosts, each
// microservice's Host, external services.
void ValidatePlacement(const DeploymentOptions& deployment,
                       Diagnostics& diagnostics,
                       std::vector<std::string>* warnings);

// `table_path` + "." + `key`, or `table_path` alone when `key` is empty.
std::string JoinKey(std::string_view table_path, std::string_view key);

// What stands before the name of a table built by code (which has no
// key_path) in its keys: "host.front.Listen", "external.kv.Address", and for
// a microservice nothing, "greet.WasmPath". It keeps a host, an external and
// a microservice of the same name apart.
constexpr std::string_view CodeKeyPrefix(const MicroserviceOptions&) {
  return "";
}
constexpr std::string_view CodeKeyPrefix(const HostOptions&) { return "host."; }
constexpr std::string_view CodeKeyPrefix(const ExternalServiceOptions&) {
  return "external.";
}

// The full dotted key of `key` in a named table (a MicroserviceOptions,
// HostOptions or ExternalServiceOptions): "config.dev.microservice.greet.Env".
// Options built by code have no key_path; CodeKeyPrefix and the name stand in
// for it.
template <typename NamedTable>
std::string FullKey(const NamedTable& table, std::string_view key) {
  if (!table.key_path.empty()) return JoinKey(table.key_path, key);
  return JoinKey(std::string(CodeKeyPrefix(table)) + TomlKey(table.name), key);
}

// Reports a named table whose name is empty or holds a control character
// (a newline or a terminal escape in a name would garble every log line
// that names it); `what` names its kind, with its article ("a host").
template <typename NamedTable>
void CheckName(const NamedTable& table, std::string_view what,
               Diagnostics& diagnostics) {
  bool control = std::any_of(table.name.begin(), table.name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (!table.name.empty() && !control) return;
  diagnostics.Add(table.location, FullKey(table, ""),
                  std::string(what) + (control ? "'s name cannot hold control characters"
                                               : " needs a non-empty name"));
}

// Letters, digits and '_', not starting with a digit, and not empty.
bool IsIdentifier(std::string_view s);
// Why `service` is not a full protobuf service name, "pkg.v1.Service" (the
// package, dot-separated identifiers, and the service, one identifier,
// split at the last dot); "" if it is one.
std::string ServiceNameProblem(std::string_view service);
// Why `method` is neither a method's name ("Put") nor its full name
// ("store.v1.Store.Put"); "" if it is one.
std::string MethodNameProblem(std::string_view method);

// The full dotted key of a deployment-level `key` ("config.dev.Timezone").
std::string DeploymentKey(const DeploymentOptions& deployment,
                          std::string_view key);

// Where `key` was written, else `table` (the location of the table holding
// it, for keys that were left out).
SourceLocation Where(const KeyLocations& locations, std::string_view key,
                     const SourceLocation& table);

// The entry of `known` closest to `unknown` by case-insensitive edit distance
// (transpositions count once), if within one edit per three characters (at
// least 1, at most 2); else "".
std::string_view Suggest(std::string_view unknown,
                         std::span<const std::string_view> known);

}  // namespace parigot::deploy::internal

#endif  // PARIGOT_HOST_DEPLOY_DIAGNOSTICS_H_
