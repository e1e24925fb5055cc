// ParseDescriptor: TOML -> DeploymentOptions, reporting syntax errors, unknown
// keys and values of the wrong type. Semantic checks live in validate.cc and
// placement.cc.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <span>
#include <system_error>

#include <toml++/toml.h>

#include "diagnostics.h"
#include "prescan.h"
#include "parigot/deploy/descriptor.h"

namespace parigot::deploy {
namespace internal {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 1> kTopKeys = {"config"};
constexpr std::array<std::string_view, 11> kDeploymentKeys = {
    "Timezone", "SearchDir",    "ParigotLibPath", "ParigotLibSymbol", "MaxMessageSize",
    "MaxInFlight", "Timeout",   "microservice",   "host",             "external",
    "DataDir"};
constexpr std::array<std::string_view, 2> kTimeoutKeys = {"Startup",
                                                          "Complete"};
constexpr std::array<std::string_view, 22> kMicroserviceKeys = {
    "WasmPath",    "Arg",           "Env",           "Server",         "Main",
    "Test",        "Engine",        "Host",          "TimeLimit",      "MethodTimeLimit",
    "MemoryLimit", "Restart",       "MaxRestarts",   "RestartWindow",  "RestartBackoff",
    "TimeScale",   "Builtin",       "Sandbox",       "Listen",         "Route",
    "MaxHeaderSize", "MaxBodySize"};
constexpr std::array<std::string_view, 4> kRouteKeys = {"Host", "Prefix", "Service", "Method"};
constexpr std::array<std::string_view, 3> kRestartModes = {"never", "on-failure", "always"};
constexpr std::array<std::string_view, 2> kHostKeys = {"Listen", "Address"};
constexpr std::array<std::string_view, 2> kExternalKeys = {"Service",
                                                           "Address"};
constexpr std::array<std::string_view, 2> kEngineNames = {"aot", "interp"};

std::string_view TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// Entries of a table in the order they were written (toml::table is sorted).
std::vector<std::pair<const toml::key*, const toml::node*>> InOrder(
    const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> out;
  for (auto&& [key, node] : table) out.emplace_back(&key, &node);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {  // keys never share a position
    const auto& sa = a.first->source().begin;
    const auto& sb = b.first->source().begin;
    return std::pair(sa.line, sa.column) < std::pair(sb.line, sb.column);
  });
  return out;
}

class Parser {
 public:
  Parser(std::string file, Diagnostics& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  SourceLocation Loc(const toml::source_region& region) const {
    return {file_, static_cast<int>(region.begin.line),
            static_cast<int>(region.begin.column)};
  }

  void Error(const toml::source_region& region, std::string key,
             std::string message) {
    diagnostics_.Add(Loc(region), std::move(key), std::move(message));
  }

  void Warn(const toml::source_region& region, const std::string& key,
            std::string_view message, std::vector<std::string>& warnings) {
    warnings.push_back(FormatDiagnostic(Loc(region), key, message));
  }

  void UnknownKey(const toml::key& key, const std::string& full_key,
                  std::span<const std::string_view> known) {
    std::string message = "unknown key";
    std::string_view suggestion = Suggest(key.str(), known);
    if (!suggestion.empty()) {
      message += " (did you mean ";
      message += suggestion;
      message += "?)";
    }
    Error(key.source(), full_key, std::move(message));
  }

  bool CheckType(const toml::node& node, const toml::source_region& where,
                 const std::string& full_key, toml::node_type want) {
    if (node.type() == want) return true;
    Error(where, full_key,
          std::string("expected ") + std::string(TypeName(want)) + ", got " +
              std::string(TypeName(node.type())));
    return false;
  }

  // A string array: each element's location is recorded as "name[i]".
  std::vector<std::string> StringArray(const toml::node& node,
                                       const toml::key& key,
                                       const std::string& full_key,
                                       KeyLocations& locations) {
    std::vector<std::string> out;
    if (!CheckType(node, key.source(), full_key, toml::node_type::array)) {
      return out;
    }
    const toml::array& array = *node.as_array();
    for (size_t i = 0; i < array.size(); ++i) {
      const toml::node& element = array[i];
      std::string index = "[" + std::to_string(i) + "]";
      if (!CheckType(element, element.source(), full_key + index,
                     toml::node_type::string)) {
        continue;
      }
      locations[std::string(key.str()) + index] = Loc(element.source());
      out.push_back(**element.as_string());
    }
    return out;
  }

  // Host: one string, or an array of them.
  std::vector<std::string> StringOrStringArray(const toml::node& node,
                                               const toml::key& key,
                                               const std::string& full_key,
                                               KeyLocations& locations) {
    if (node.is_string()) return {**node.as_string()};
    if (node.is_array()) return StringArray(node, key, full_key, locations);
    Error(key.source(), full_key,
          "expected a string or an array of strings, got " +
              std::string(TypeName(node.type())));
    return {};
  }

  // A table whose keys, all from `known`, have string values: calls
  // `set(key, value)` for each well-typed one and records where it was
  // written; reports the others.
  void StringTable(const toml::table& table, const std::string& path,
                   std::span<const std::string_view> known,
                   KeyLocations& locations,
                   const std::function<void(std::string_view, std::string)>&
                       set) {
    for (auto [key, node] : InOrder(table)) {
      std::string_view k = key->str();
      std::string full = path + "." + TomlKey(k);
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        UnknownKey(*key, full, known);
        continue;
      }
      if (!CheckType(*node, key->source(), full, toml::node_type::string)) {
        continue;
      }
      locations[std::string(k)] = Loc(key->source());
      set(k, **node->as_string());
    }
  }

  // `node`, the value of `key` (full key `path`), as a table of tables
  // ([config.dev.microservice.NAME]): calls `parse(name, table, full key)`
  // for each entry in file order, reporting entries that are not tables.
  void ForEachNamedTable(
      const toml::node& node, const toml::key& key, const std::string& path,
      const std::function<void(const toml::key&, const toml::table&,
                               const std::string&)>& parse) {
    if (!CheckType(node, key.source(), path, toml::node_type::table)) return;
    for (auto [name, entry] : InOrder(*node.as_table())) {
      std::string entry_path = path + "." + TomlKey(name->str());
      if (CheckType(*entry, name->source(), entry_path,
                    toml::node_type::table)) {
        parse(*name, *entry->as_table(), entry_path);
      }
    }
  }

  // The options of the table named `name` (full key `path`), with only the
  // name, key path and location filled.
  template <typename NamedTable>
  NamedTable Named(const toml::key& name, const std::string& path) const {
    NamedTable options;
    options.name = std::string(name.str());
    options.key_path = path;
    options.location = Loc(name.source());
    return options;
  }

  HostOptions ParseHost(const toml::key& name, const toml::table& table,
                        const std::string& path) {
    auto host = Named<HostOptions>(name, path);
    StringTable(table, path, kHostKeys, host.key_locations,
                [&](std::string_view k, std::string value) {
                  (k == "Listen" ? host.listen : host.address) =
                      std::move(value);
                });
    return host;
  }

  ExternalServiceOptions ParseExternal(const toml::key& name,
                                       const toml::table& table,
                                       const std::string& path) {
    auto external = Named<ExternalServiceOptions>(name, path);
    StringTable(table, path, kExternalKeys, external.key_locations,
                [&](std::string_view k, std::string value) {
                  (k == "Service" ? external.service : external.address) =
                      std::move(value);
                });
    return external;
  }

  void ParseTimeouts(const toml::table& table, const std::string& path,
                     DeploymentOptions& d) {
    for (auto [key, node] : InOrder(table)) {
      std::string full = path + "." + TomlKey(key->str());
      if (key->str() != "Startup" && key->str() != "Complete") {
        UnknownKey(*key, full, kTimeoutKeys);
        continue;
      }
      if (!CheckType(*node, key->source(), full, toml::node_type::integer)) {
        continue;
      }
      d.key_locations["Timeout." + std::string(key->str())] =
          Loc(key->source());
      std::chrono::milliseconds ms(**node->as_integer());
      (key->str() == "Startup" ? d.timeouts.startup : d.timeouts.complete) = ms;
    }
  }

  // A string value that names none of `names`: says so, with the closest.
  void UnknownName(const toml::node& node, const std::string& full, std::string_view what,
                   const std::string& value, std::span<const std::string_view> names,
                   std::string_view expected) {
    std::string message = "unknown " + std::string(what) + " \"" + value + "\" (expected " +
                          std::string(expected) + ")";
    std::string_view suggestion = Suggest(value, names);
    if (!suggestion.empty()) {
      message += "; did you mean \"" + std::string(suggestion) + "\"?";
    }
    Error(node.source(), full, std::move(message));
  }

  // MemoryLimit, MaxMessageSize: an integer of bytes, or a string with a
  // unit ("64MiB"). Its range is checked by ValidateDeployment.
  std::optional<uint64_t> ParseSize(const toml::node& node,
                                           const std::string& full) {
    if (const auto* bytes = node.as_integer()) {
      if (**bytes >= 0) return static_cast<uint64_t>(**bytes);
    } else if (const auto* text = node.as_string()) {
      if (auto size = ParseByteSize(**text)) return size;
    }
    Error(node.source(), full,
          "expected a number of bytes: an integer >= 0, or a string such as "
          "\"64MiB\" (units B, KiB, MiB, GiB)");
    return std::nullopt;
  }

  // MethodTimeLimit: a table of method names to integers (milliseconds);
  // names and ranges are checked by ValidateDeployment.
  void ParseMethodTimeLimits(const toml::table& table, const std::string& path,
                             MicroserviceOptions& ms) {
    for (auto [key, node] : InOrder(table)) {
      std::string method(key->str());
      if (!CheckType(*node, key->source(), path + "." + TomlKey(method),
                     toml::node_type::integer)) {
        continue;
      }
      ms.key_locations[MethodTimeLimitKey(method)] = Loc(key->source());
      ms.method_time_limits[method] = std::chrono::milliseconds(**node->as_integer());
    }
  }

  // Route: an array of tables ([[...Route]] or Route = [{...}]), each with
  // string keys; their values are checked by ValidateDeployment.
  void ParseRoutes(const toml::node& node, const toml::key& key, const std::string& full,
                   MicroserviceOptions& ms) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      Error(key.source(), full, "expected an array of tables ([[" + full + "]])");
      return;
    }
    for (size_t i = 0; i < array->size(); ++i) {
      const std::string item = full + "[" + std::to_string(i) + "]";
      const toml::table* table = (*array)[i].as_table();
      if (table == nullptr) {
        Error((*array)[i].source(), item, "expected a table with Service, Prefix, Host, Method");
        continue;
      }
      HttpRoute route;
      route.location = Loc((*array)[i].source());
      for (auto [route_key, value] : InOrder(*table)) {
        std::string_view rk = route_key->str();
        std::string route_full = item + "." + TomlKey(rk);
        if (std::find(kRouteKeys.begin(), kRouteKeys.end(), rk) == kRouteKeys.end()) {
          UnknownKey(*route_key, route_full, kRouteKeys);
          continue;
        }
        if (!CheckType(*value, route_key->source(), route_full, toml::node_type::string)) {
          continue;
        }
        const std::string& text = **value->as_string();
        if (rk == "Host") {
          route.host = text;
        } else if (rk == "Prefix") {
          route.prefix = text;
        } else if (rk == "Service") {
          route.service = text;
        } else {
          route.method = text;
        }
      }
      ms.routes.push_back(std::move(route));
    }
  }

  MicroserviceOptions ParseMicroservice(const toml::key& name,
                                        const toml::table& table,
                                        const std::string& path) {
    auto ms = Named<MicroserviceOptions>(name, path);
    struct Flag {
      std::string_view key;
      MicroserviceKind kind;
      SourceLocation location;
    };
    std::vector<Flag> set_flags;  // kind flags that are true, in file order
    for (auto [key, node] : InOrder(table)) {
      std::string_view k = key->str();
      std::string full = path + "." + TomlKey(k);
      if (std::find(kMicroserviceKeys.begin(), kMicroserviceKeys.end(), k) ==
          kMicroserviceKeys.end()) {
        UnknownKey(*key, full, kMicroserviceKeys);
        continue;
      }
      if (k == "Arg") {
        ms.args = StringArray(*node, *key, full, ms.key_locations);
      } else if (k == "Env") {
        ms.env = StringArray(*node, *key, full, ms.key_locations);
      } else if (k == "Host") {
        ms.hosts = StringOrStringArray(*node, *key, full, ms.key_locations);
      } else if (k == "TimeLimit" || k == "MaxRestarts" || k == "RestartWindow" ||
                 k == "RestartBackoff" || k == "TimeScale") {
        if (!CheckType(*node, key->source(), full, toml::node_type::integer)) {
          continue;
        }
        int64_t value = **node->as_integer();
        if (k == "TimeLimit") {
          ms.time_limit = std::chrono::milliseconds(value);
        } else if (k == "TimeScale") {
          ms.time_scale = static_cast<int>(std::clamp<int64_t>(value, 0, 1 << 30));
        } else if (k == "MaxRestarts") {
          // Out of int's range reads as out of MaxRestarts' (ValidateDeployment).
          ms.max_restarts = static_cast<int>(std::clamp<int64_t>(value, -1, 1 << 30));
        } else {
          (k == "RestartWindow" ? ms.restart_window : ms.restart_backoff) =
              std::chrono::milliseconds(value);
        }
      } else if (k == "Restart") {
        if (!CheckType(*node, key->source(), full, toml::node_type::string)) {
          continue;
        }
        const std::string& value = **node->as_string();
        if (auto mode = ParseRestartMode(value)) {
          ms.restart = mode;
        } else {
          UnknownName(*node, full, "restart policy", value, kRestartModes,
                      "\"on-failure\", \"always\" or \"never\"");
        }
      } else if (k == "MemoryLimit") {
        ms.memory_limit = ParseSize(*node, full);
      } else if (k == "MaxHeaderSize") {
        ms.max_header_size = ParseSize(*node, full);
      } else if (k == "MaxBodySize") {
        ms.max_body_size = ParseSize(*node, full);
      } else if (k == "Route") {
        ParseRoutes(*node, *key, full, ms);
      } else if (k == "Sandbox" || k == "Listen") {
        if (!CheckType(*node, key->source(), full, toml::node_type::string)) continue;
        (k == "Sandbox" ? ms.sandbox : ms.listen) = **node->as_string();
      } else if (k == "MethodTimeLimit") {
        if (!CheckType(*node, key->source(), full, toml::node_type::table)) continue;
        ParseMethodTimeLimits(*node->as_table(), full, ms);
      } else if (k == "WasmPath" || k == "Engine" || k == "Builtin") {
        if (!CheckType(*node, key->source(), full, toml::node_type::string)) {
          continue;
        }
        const std::string& value = **node->as_string();
        if (k == "WasmPath") {
          ms.wasm_path = value;
        } else if (k == "Builtin") {
          if (std::find(kBuiltinNames.begin(), kBuiltinNames.end(), value) !=
              kBuiltinNames.end()) {
            ms.builtin = value;
          } else {
            UnknownName(*node, full, "built-in service", value, kBuiltinNames,
                        "\"kv\", \"file\", \"queue\" or \"http\"");
          }
        } else if (auto engine = ParseEngineKind(value)) {
          ms.engine = engine;
        } else {
          UnknownName(*node, full, "engine", value, kEngineNames, "\"aot\" or \"interp\"");
        }
      } else {  // Server, Main, Test
        if (!CheckType(*node, key->source(), full, toml::node_type::boolean)) {
          continue;
        }
        if (**node->as_boolean()) {
          MicroserviceKind kind = k == "Main"   ? MicroserviceKind::kMain
                                  : k == "Test" ? MicroserviceKind::kTest
                                                : MicroserviceKind::kServer;
          set_flags.push_back({k, kind, Loc(key->source())});
        }
      }
      ms.key_locations[std::string(k)] = Loc(key->source());
    }
    if (!set_flags.empty()) ms.kind = set_flags.front().kind;
    for (size_t i = 1; i < set_flags.size(); ++i) {
      diagnostics_.Add(
          set_flags[i].location, path + "." + std::string(set_flags[i].key),
          std::string(set_flags[i].key) + " = true conflicts with " +
              std::string(set_flags[0].key) + " = true at line " +
              std::to_string(set_flags[0].location.line) +
              " (at most one of Server, Main, Test may be true)");
    }
    return ms;
  }

  void ParseDeployment(const toml::table& table, DeploymentOptions& d) {
    const std::string& path = d.key_path;
    for (auto [key, node] : InOrder(table)) {
      std::string_view k = key->str();
      std::string full = path + "." + TomlKey(k);
      if (std::find(kDeploymentKeys.begin(), kDeploymentKeys.end(), k) ==
          kDeploymentKeys.end()) {
        UnknownKey(*key, full, kDeploymentKeys);
        continue;
      }
      d.key_locations[std::string(k)] = Loc(key->source());
      if (k == "SearchDir") {
        d.search_dirs = StringArray(*node, *key, full, d.key_locations);
      } else if (k == "Timezone" || k == "ParigotLibPath" ||
                 k == "ParigotLibSymbol" || k == "DataDir") {
        if (!CheckType(*node, key->source(), full, toml::node_type::string)) {
          continue;
        }
        if (k == "Timezone") {
          d.timezone = **node->as_string();
        } else if (k == "DataDir") {
          d.data_dir = **node->as_string();
        } else {
          Warn(key->source(), full,
               "ignored (kept for compatibility with the Go parigot; the C++ "
               "host has no syscall library to load)",
               d.warnings);
        }
      } else if (k == "MaxMessageSize") {
        if (auto size = ParseSize(*node, full)) d.max_message_size = *size;
      } else if (k == "MaxInFlight") {
        d.max_in_flight = ParseSize(*node, full);
      } else if (k == "Timeout") {
        if (CheckType(*node, key->source(), full, toml::node_type::table)) {
          ParseTimeouts(*node->as_table(), full, d);
        }
      } else if (k == "microservice") {
        ForEachNamedTable(*node, *key, full,
                          [&](const toml::key& name, const toml::table& t,
                              const std::string& p) {
                            d.microservices.push_back(
                                ParseMicroservice(name, t, p));
                          });
      } else if (k == "host") {
        ForEachNamedTable(*node, *key, full,
                          [&](const toml::key& name, const toml::table& t,
                              const std::string& p) {
                            d.hosts.push_back(ParseHost(name, t, p));
                          });
      } else if (k == "external") {
        ForEachNamedTable(*node, *key, full,
                          [&](const toml::key& name, const toml::table& t,
                              const std::string& p) {
                            d.externals.push_back(ParseExternal(name, t, p));
                          });
      }
    }
  }

  // Picks the deployment table; nullptr (with an error) if it cannot.
  const toml::table* Choose(const toml::table& config,
                            std::string_view requested, std::string& name) {
    std::vector<std::string> names;
    for (auto [key, node] : InOrder(config)) {
      std::string full = "config." + TomlKey(key->str());
      if (CheckType(*node, key->source(), full, toml::node_type::table)) {
        names.emplace_back(key->str());
      }
    }
    auto has = [&](std::string_view n) {
      return std::find(names.begin(), names.end(), n) != names.end();
    };
    std::string from;
    if (!requested.empty()) {
      name = std::string(requested);
    } else if (const char* env = std::getenv(kDeploymentEnvVar);
               env != nullptr && *env != '\0') {
      name = env;
      from = std::string(" (from $") + kDeploymentEnvVar + ")";
    } else if (names.size() == 1) {
      name = names.front();
    } else if (has("dev")) {
      name = "dev";
    } else {
      SourceLocation where{file_, 0, 0};
      if (names.empty()) {
        diagnostics_.Add(where, "config",
                         "no deployments: expected a [config.NAME] table");
      } else {
        diagnostics_.Add(
            where, "config",
            "several deployments and none chosen (name one, or set $" +
                std::string(kDeploymentEnvVar) +
                "); available: " + Join(names));
      }
      return nullptr;
    }
    if (!has(name)) {
      diagnostics_.Add(SourceLocation{file_, 0, 0},
                       "config." + TomlKey(name),
                       "no deployment named \"" + name + "\"" + from +
                           "; available: " +
                           (names.empty() ? "none" : Join(names)));
      return nullptr;
    }
    return config.get(name)->as_table();
  }

 private:
  std::string file_;
  Diagnostics& diagnostics_;
};

}  // namespace

std::optional<DeploymentOptions> Parse(const fs::path& path,
                                       std::string_view deployment_name,
                                       Diagnostics& diagnostics) {
  const std::string file = path.string();
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    diagnostics.Add({file, 0, 0}, "", "cannot open descriptor: no such file",
                    StatusCode::kNotFound);
    return std::nullopt;
  }
  if (fs::is_directory(status)) {
    diagnostics.Add({file, 0, 0}, "",
                    "cannot open descriptor: is a directory");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) {
    diagnostics.Add({file, 0, 0}, "", "cannot read descriptor");
    return std::nullopt;
  }
  return ParseText(text, file, fs::absolute(path, ec).parent_path().lexically_normal(),
                   deployment_name, diagnostics);
}

std::optional<DeploymentOptions> ParseText(std::string_view text, const std::string& file,
                                           const fs::path& descriptor_dir,
                                           std::string_view deployment_name,
                                           Diagnostics& diagnostics) {
  int line = 0, column = 0;
  if (std::string deep = PreScan(text, &line, &column); !deep.empty()) {
    diagnostics.Add({file, line, column}, "", deep);
    return std::nullopt;
  }
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    diagnostics.Add({file, static_cast<int>(e.source().begin.line),
                     static_cast<int>(e.source().begin.column)},
                    "", std::string(e.description()));
    return std::nullopt;
  }

  Parser parser(file, diagnostics);
  for (auto [key, node] : InOrder(root)) {
    if (key->str() != "config") {
      parser.UnknownKey(*key, TomlKey(key->str()), kTopKeys);
    }
  }
  const toml::node* config = root.get("config");
  if (config == nullptr) {
    diagnostics.Add({file, 0, 0}, "config",
                    "no deployments: expected a [config.NAME] table");
    return std::nullopt;
  }
  if (!parser.CheckType(*config, root.find("config")->first.source(),
                        "config", toml::node_type::table)) {
    return std::nullopt;
  }
  DeploymentOptions d;
  const toml::table* table =
      parser.Choose(*config->as_table(), deployment_name, d.name);
  if (table == nullptr) return std::nullopt;

  d.key_path = "config." + TomlKey(d.name);
  d.descriptor_path = file;
  d.descriptor_dir = descriptor_dir;
  d.location = parser.Loc(config->as_table()->find(d.name)->first.source());
  parser.ParseDeployment(*table, d);
  return d;
}

}  // namespace internal

Result<DeploymentOptions> ParseDescriptor(const std::filesystem::path& path,
                                          std::string_view deployment_name) {
  internal::Diagnostics diagnostics;
  std::optional<DeploymentOptions> d =
      internal::Parse(path, deployment_name, diagnostics);
  if (!diagnostics.empty()) return diagnostics.ToStatus();
  return std::move(*d);
}

}  // namespace parigot::deploy
