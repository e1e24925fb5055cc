// Internal: the error list shared by the descriptor's parse, validate and
// resolve steps, and the "did you mean" helper.
//
// Thread safety: a Diagnostics is confined to the thread that fills it.
#ifndef PARIGOT_HOST_DEPLOY_DIAGNOSTICS_H_
#define PARIGOT_HOST_DEPLOY_DIAGNOSTICS_H_

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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

  // OK when empty; else every diagnostic, sorted by position (stable), one
  // per line. The code is the diagnostics' common code, or kInvalidArgument
  // when they differ.
  Status ToStatus() const;

 private:
  std::vector<Diagnostic> list_;
};

// The steps behind descriptor.h, reporting into `diagnostics` instead of
// returning a Status. Parse returns nullopt when no model could be built (the
// file is unreadable or not TOML, or no deployment could be chosen); else the
// model, possibly with errors reported for some keys.
std::optional<DeploymentOptions> Parse(const std::filesystem::path& path,
                                       std::string_view deployment_name,
                                       Diagnostics& diagnostics);
void Validate(const DeploymentOptions& deployment, Diagnostics& diagnostics);
void Resolve(DeploymentOptions& deployment,
             std::span<const std::filesystem::path> extra_dirs,
             Diagnostics& diagnostics);

// The full dotted key of `key` in `ms` ("config.dev.microservice.greet.Env").
std::string FullKey(const MicroserviceOptions& ms, std::string_view key);

// The entry of `known` closest to `unknown` by case-insensitive edit distance
// (transpositions count once), if within one edit per three characters (at
// least 1, at most 2); else "".
std::string_view Suggest(std::string_view unknown,
                         std::span<const std::string_view> known);

// `key` as it would be written in a dotted TOML key: bare when it only has
// A-Za-z0-9_- characters, else quoted.
std::string TomlKey(std::string_view key);

}  // namespace parigot::deploy::internal

#endif  // PARIGOT_HOST_DEPLOY_DIAGNOSTICS_H_
