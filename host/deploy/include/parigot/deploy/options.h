// The deployment model: plain option structs filled from a descriptor file.
//
// A descriptor (a TOML file, see docs/descriptor.md) holds one or more
// deployments; the loader in descriptor.h fills a DeploymentOptions for the
// chosen one. These structs are plain data: every field has an in-class
// default (documented as "Default:") and nothing here validates anything —
// ValidateDeployment() and ResolveWasmPaths() in descriptor.h do that.
//
// Every value read from a file remembers where it was written (SourceLocation)
// so that errors found much later, at run time (say two microservices that
// export the same service), can still name "file:line: key" — see
// DescribeKey().
//
// Thread safety: plain values, no internal synchronisation. Concurrent const
// access is safe; mutation needs external synchronisation.
#ifndef PARIGOT_DEPLOY_OPTIONS_H_
#define PARIGOT_DEPLOY_OPTIONS_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parigot::deploy {

// A position in a descriptor file.
struct SourceLocation {
  // The descriptor's path exactly as it was given to ParseDescriptor() (so
  // messages read "app.toml:12:1", not an absolute path). Empty when the value
  // did not come from a file (a default, or set by code).
  std::string file;
  int line = 0;    // 1-based; 0 = unknown.
  int column = 0;  // 1-based; 0 = unknown.

  bool known() const { return line > 0; }
  // "app.toml:12:3", "app.toml:12" (no column), "app.toml" (no line) or "".
  std::string ToString() const;
};

// What a microservice is. At most one of Server / Main / Test may be true in
// the descriptor; when none is, the microservice is a server.
enum class MicroserviceKind {
  kServer,  // exports services and serves calls until the application exits
  kMain,    // a program: runs to completion under `parigot run`
  kTest,    // a program run under `parigot test`
};
// "Server", "Main", "Test" (the descriptor's key names).
std::string_view MicroserviceKindName(MicroserviceKind kind);

// The per-microservice execution engine.
enum class EngineKind {
  kAot,     // wasm2c ahead-of-time compiled code ("aot")
  kInterp,  // the wabt interpreter ("interp")
};
// Whether a microservice that ended is started again (key Restart).
enum class RestartMode { kNever, kOnFailure, kAlways };

// "never", "on-failure", "always" (the descriptor's spelling).
std::string_view RestartModeName(RestartMode mode);
// The inverse of RestartModeName; nullopt if `name` is not a mode.
std::optional<RestartMode> ParseRestartMode(std::string_view name);

// "aot" or "interp" (the descriptor's spelling).
std::string_view EngineKindName(EngineKind engine);
// The inverse of EngineKindName; exact, case-sensitive match. nullopt if
// `name` is not an engine.
std::optional<EngineKind> ParseEngineKind(std::string_view name);

// Where each key of a table was written, keyed by the key as written in the
// descriptor ("WasmPath"), with array elements as "Env[1]" and sub-table keys
// as "Timeout.Startup". Keys that were not written (defaults) are absent.
using KeyLocations = std::map<std::string, SourceLocation, std::less<>>;

struct DeploymentOptions;

// One route of an HTTP ingress ([[...microservice.<name>.Route]]): requests
// whose Host header is `host` (any, when empty; compared without the port,
// case-insensitively) and whose path starts with `prefix` at a segment
// boundary ("/api" takes "/api" and "/api/x", not "/apix") go to `method`
// of `service`, a service taking parigot.http.v1.Request and answering
// parigot.http.v1.Response.
struct HttpRoute {
  std::string host;
  // REQUIRES: begins with '/'. Default: "/" (every path).
  std::string prefix = "/";
  // "package.Service". REQUIRES: non-empty, with a package.
  std::string service;
  // Default: "Handle".
  std::string method = "Handle";
  // Where the route was written.
  SourceLocation location;
};

// One [config.<deployment>.microservice.<name>] table.
struct MicroserviceOptions {
  // The table's name (the last part of its key). Unique within a deployment.
  std::string name;
  // The table's full dotted key, "config.dev.microservice.greet", used to
  // name keys in messages.
  std::string key_path;

  // WasmPath exactly as written. REQUIRES: non-empty unless `builtin` is
  // set, empty if it is (ValidateDeployment).
  std::string wasm_path;
  // Builtin: the built-in service the host runs here instead of a guest
  // ("kv", "file", "queue", "http": docs/builtins.md). REQUIRES: one of kBuiltinNames; a server, with
  // no WasmPath, Engine, Arg, Env, MemoryLimit or TimeScale
  // (ValidateDeployment). Default: empty (a guest).
  std::string builtin;
  // The absolute, lexically normalised path of an existing file, filled by
  // ResolveWasmPaths(). Default: empty (not resolved yet).
  std::filesystem::path resolved_wasm_path;

  // Arg: argv[1..] for the guest (argv[0] is the microservice name).
  // Default: empty.
  std::vector<std::string> args;
  // Env: "KEY=VALUE" strings added to the guest's environment.
  // REQUIRES: each contains '=' after a non-empty KEY (ValidateDeployment).
  // Default: empty.
  std::vector<std::string> env;

  // Default: kServer.
  MicroserviceKind kind = MicroserviceKind::kServer;
  // Engine. Default: nullopt — the runner chooses (aot unless told otherwise).
  std::optional<EngineKind> engine;
  // TimeLimit: how long one of this microservice's methods, or any other
  // turn of its code between two returns to its event loop, may run before
  // it is killed. Default: nullopt — the deployment's Timeout.Complete.
  // REQUIRES: positive (ValidateDeployment).
  std::optional<std::chrono::milliseconds> time_limit;
  // TimeScale: the multiplier of its time limits (and of the default
  // deadline of calls to it). Default: nullopt — its engine's times its
  // build's (docs/runtime.md, "Engines and build types"); 1 takes the limits
  // as written. REQUIRES: 1..10000 (ValidateDeployment).
  std::optional<int> time_scale;
  // MethodTimeLimit: time limits of single methods, keyed by the method's
  // name ("Put": that method of whichever service the guest exports) or
  // its full name ("store.v1.Store.Put", quoted in the file). Each overrides,
  // for its method, the method's own limit (its .proto option
  // protosupport.v1.time_limit_ms) and TimeLimit. Key locations are
  // recorded under MethodTimeLimitKey(name). REQUIRES: each name a method's
  // name or full name, each limit in 1..kMaxMethodTimeLimitMs
  // (ValidateDeployment); that each names exactly one method the guest
  // serves is only known once it runs (the kernel checks it at launch).
  // Default: empty.
  std::map<std::string, std::chrono::milliseconds> method_time_limits;
  // Supervision (docs/descriptor.md, "Restarts"). Restart: when it is started
  // again after it ends. Default: nullopt — on-failure for a server, never
  // for a Main or Test program.
  std::optional<RestartMode> restart;
  // MaxRestarts within RestartWindow; one more failure ends the
  // application. REQUIRES: 0..1000. Default: 5.
  int max_restarts = 5;
  // RestartWindow. REQUIRES: positive. Default: 60 s.
  std::chrono::milliseconds restart_window{60000};
  // RestartBackoff: the first restart's delay, doubled for each further
  // restart within the window. REQUIRES: 0..60000 ms. Default: 100 ms.
  std::chrono::milliseconds restart_backoff{100};
  // MemoryLimit: the most linear memory the guest may have, in bytes
  // (an integer, or a string such as "64MiB" in the file): memory.grow past
  // it fails, and a guest whose module asks for more at start is refused.
  // Default: nullopt — the engine's default (engine::kDefaultMemoryLimit,
  // 1 GiB). REQUIRES: kMinMemoryLimit <= it <= kMaxMemoryLimit
  // (ValidateDeployment).
  std::optional<uint64_t> memory_limit;
  // Host: the names of the [config.<deployment>.host.<name>] tables this
  // microservice runs on (a string or an array of strings in the file).
  // Several hosts make replicas: callers on other hosts spread their calls
  // across them. REQUIRES: empty when the deployment declares no hosts (one
  // process); otherwise non-empty, each naming a declared host, no host
  // twice, and exactly one for a Main or Test program (ValidateDeployment).
  // Default: empty.
  std::vector<std::string> hosts;

  // --- Keys of one kind of built-in (docs/builtins.md) ------------------
  // Each is refused on any other microservice (ValidateDeployment).

  // Sandbox (Builtin = "file"): the directory the file service serves,
  // relative to the descriptor's directory unless absolute. Default: empty,
  // which means <DataDir>/<name>.files (SandboxDir()).
  std::string sandbox;
  // Listen (Builtin = "http"): the "address:port" the HTTP ingress takes
  // requests on. REQUIRES: non-empty for an ingress, with a port.
  std::string listen;
  // Route (Builtin = "http"): where requests go, the first match winning
  // (longest prefix first among those of the same host). REQUIRES: at
  // least one for an ingress.
  std::vector<HttpRoute> routes;
  // MaxHeaderSize, MaxBodySize (Builtin = "http"): the largest request
  // header block and body the ingress accepts (431 and 413 beyond).
  // Default: 16 KiB and 4 MiB. REQUIRES: 1 KiB..1 MiB and 0..MaxMessageSize.
  std::optional<uint64_t> max_header_size;
  std::optional<uint64_t> max_body_size;

  // Where the table was declared (its name in the table header or dotted key).
  SourceLocation location;
  // Where each of its keys was written.
  KeyLocations key_locations;

  // The directory the file built-in serves: Sandbox, or its default.
  std::filesystem::path SandboxDir(const DeploymentOptions& deployment) const;
};

// [config.<deployment>.Timeout], in milliseconds.
struct TimeoutOptions {
  // Startup: how long start-up may take, from the first guest being launched
  // until every guest has launched and all requirements are met. It does not
  // include preparing engines (compiling a wasm that has no cached AOT
  // artifact yet). REQUIRES: > 0. Default: 5000 ms.
  std::chrono::milliseconds startup{5000};
  // Complete: the default deadline for a call to be answered (DESIGN.md §2).
  // REQUIRES: > 0. Default: 50 ms.
  std::chrono::milliseconds complete{50};
};

// One [config.<deployment>.host.<name>] table: a process of a networked
// deployment (docs/descriptor.md, "Network mode"). A deployment with hosts
// places every microservice on one or more of them (MicroserviceOptions::
// hosts); `parigot run --host NAME` runs one host, `parigot up` all of them.
//
// HOST:PORT, as required below: HOST is an IPv4 address, a host name, or an
// IPv6 address in brackets ("[::1]"); PORT is a decimal integer in 1..65535.
struct HostOptions {
  // The table's name; `--host NAME` on the command line. Unique within a
  // deployment. REQUIRES: non-empty (ValidateDeployment).
  std::string name;
  // "config.net.host.front", to name keys in messages.
  std::string key_path;
  // Listen: the HOST:PORT the host's gRPC server binds, e.g.
  // "127.0.0.1:7401" or "0.0.0.0:7401" or "[::1]:7401". REQUIRES: HOST:PORT,
  // and no other host of the deployment has the same Listen, compared as
  // written (ValidateDeployment).
  std::string listen;
  // Address: the HOST:PORT other hosts dial to reach it, when that differs
  // from Listen (a host listening on 0.0.0.0, or behind a proxy). REQUIRES:
  // HOST:PORT when written (ValidateDeployment). Default: empty, meaning
  // Listen (see DialAddress()).
  std::string address;

  SourceLocation location;
  KeyLocations key_locations;
};

// The address peers dial to reach `host`: Address, or else Listen.
inline const std::string& DialAddress(const HostOptions& host) {
  return host.address.empty() ? host.listen : host.address;
}

// One [config.<deployment>.external.<name>] table: a gRPC service outside
// the application that guests may require and call like any other. Honoured
// with or without hosts.
struct ExternalServiceOptions {
  // The table's name (for messages only). Unique within a deployment.
  // REQUIRES: non-empty (ValidateDeployment).
  std::string name;
  // "config.dev.external.weather".
  std::string key_path;
  // Service: the protobuf service's full name, "weather.v1.Weather": the
  // package and the service's name, split at the last dot. REQUIRES: both
  // parts non-empty, the package dot-separated identifiers and the service
  // one identifier (letters, digits and '_', not starting with a digit); no
  // other external has the same Service (ValidateDeployment). That no guest
  // exports it too is checked at run time, when the exports are known.
  std::string service;
  // Address: the HOST:PORT of the gRPC server (see HostOptions).
  // REQUIRES: HOST:PORT (ValidateDeployment).
  std::string address;

  SourceLocation location;
  KeyLocations key_locations;
};

// The most microservices one deployment may have: each runs in this one
// process (or, on hosts, possibly all on one), and the aot engine reserves
// 8 GiB of address space for each guest's memory (host/engine/aot/runtime),
// whatever its MemoryLimit: 8192 reservations take 64 TiB of the 128 TiB a
// process has, and leave the rest to everything else. `parigot check`
// reports a deployment over it; past the address space, a guest's
// instantiation would fail with an error.
inline constexpr size_t kMaxMicroservices = 8192;

// The longest MethodTimeLimit: the range of the .proto option
// protosupport.v1.time_limit_ms (a uint32), about 49 days.
inline constexpr int64_t kMaxMethodTimeLimitMs = 4294967295;

// The KeyLocations key of the MethodTimeLimit entry for `method`:
// "MethodTimeLimit.Put", "MethodTimeLimit.\"store.v1.Store.Put\"".
std::string MethodTimeLimitKey(std::string_view method);

// The bounds of MemoryLimit: one 64 KiB page, and all of wasm32's 4 GiB.
inline constexpr uint64_t kMinMemoryLimit = uint64_t{64} << 10;
inline constexpr uint64_t kMaxMemoryLimit = uint64_t{4} << 30;

// The bounds of MaxMessageSize, and its default: a 64 MiB value and its
// key fit in one message.
inline constexpr uint64_t kMinMaxMessageSize = uint64_t{1} << 10;
inline constexpr uint64_t kMaxMaxMessageSize = uint64_t{1} << 30;
inline constexpr uint64_t kDefaultMaxMessageSize = uint64_t{128} << 20;
// The upper bound of MaxInFlight.
inline constexpr uint64_t kMaxMaxInFlight = uint64_t{64} << 30;

// The environment variable that places the built-ins' data when the
// descriptor names no DataDir.
inline constexpr char kDataDirEnvVar[] = "PARIGOT_DATA_DIR";

// The built-in services a microservice may name in Builtin
// (docs/builtins.md).
inline constexpr std::array<std::string_view, 4> kBuiltinNames = {"kv", "file", "queue", "http"};

// A size as MemoryLimit accepts it in a string: a whole number, optionally
// followed (with or without a space) by a unit: B, KiB, MiB or GiB. nullopt
// if `text` is not one, or is above 2^63 bytes.
std::optional<uint64_t> ParseByteSize(std::string_view text);

// One [config.<name>] table: a deployment.
struct DeploymentOptions {
  // The deployment's name ("dev" for [config.dev]).
  std::string name;
  // Its full dotted key, "config.dev".
  std::string key_path;

  // The descriptor's path as given to ParseDescriptor() (for messages).
  std::string descriptor_path;
  // The absolute directory holding the descriptor; relative WasmPaths and
  // SearchDirs are resolved against it.
  std::filesystem::path descriptor_dir;

  TimeoutOptions timeouts;
  // MaxMessageSize: the largest request or response, in bytes (an integer,
  // or a string such as "16MiB"), of any call: between guests, to or from
  // another host, or from an outside gRPC client. A larger one fails with
  // MessageTooLarge (gRPC: RESOURCE_EXHAUSTED) and reaches no guest.
  // REQUIRES: kMinMaxMessageSize <= it <= kMaxMaxMessageSize.
  // Default: kDefaultMaxMessageSize (128 MiB).
  uint64_t max_message_size = kDefaultMaxMessageSize;
  // MaxInFlight: the most bytes the calls in progress in one process (made
  // and not yet answered) may hold, each counting its request or 4 KiB,
  // whichever is more. A call past it is refused at once with Overloaded
  // (gRPC: RESOURCE_EXHAUSTED): a flood of calls cannot take the host's
  // memory. Default: nullopt — 4 x max_message_size (512 MiB).
  // REQUIRES: max_message_size <= it <= kMaxMaxInFlight (ValidateDeployment).
  std::optional<uint64_t> max_in_flight;
  // max_in_flight, or its default.
  uint64_t MaxInFlight() const { return max_in_flight.value_or(4 * max_message_size); }
  // DataDir, as written: where the built-in services keep their data (a
  // kv store's database file: <DataDir>/<microservice>.kv.db). Relative to
  // descriptor_dir unless absolute. Default: empty, which means
  // "$PARIGOT_DATA_DIR/<deployment name>" when that variable is set (a
  // volume of a container, a test's scratch directory), else
  // ".parigot-data/<deployment name>" next to the descriptor.
  std::string data_dir;
  // The directory DataDir names, or its default.
  std::filesystem::path DataDir() const;
  // SearchDir, as written: extra directories (relative to descriptor_dir
  // unless absolute) in which relative WasmPaths are searched. Default: empty.
  std::vector<std::string> search_dirs;
  // Timezone: given to every guest as TZ. Default: nullopt (no TZ is set).
  std::optional<std::string> timezone;

  // The microservices in declaration order (the order of their tables in the
  // file). REQUIRES: non-empty (ValidateDeployment).
  std::vector<MicroserviceOptions> microservices;

  // The hosts in declaration order. Empty: the deployment runs as one
  // process (no placement). A host on which no microservice is placed is
  // reported in `warnings` by ValidateDeployment. Default: empty.
  std::vector<HostOptions> hosts;
  // The outside gRPC services, in declaration order. Default: empty.
  std::vector<ExternalServiceOptions> externals;

  // Non-fatal findings, each one line, "app.toml:4:1: config.dev.
  // ParigotLibPath: ignored ..." — the caller should log them.
  std::vector<std::string> warnings;

  // Where the [config.<name>] table was declared, and where each of its keys
  // (including "Timeout.Startup", "SearchDir[0]") was written.
  SourceLocation location;
  KeyLocations key_locations;
};

// "app.toml:14: config.dev.microservice.greet.WasmPath": where `key` of `ms`
// was written, for run-time error messages. `key` is as in KeyLocations
// ("WasmPath", "Env[1]"); an empty `key` names the table itself. A key that
// was not written in the file (a default) falls back to the table's
// location. Parts that are unknown are left out ("config.dev.microservice.
// greet.Engine" alone when the options were built by code).
std::string DescribeKey(const MicroserviceOptions& ms, std::string_view key);
// The same for a host's key ("Listen") and an external service's
// ("Address").
std::string DescribeKey(const HostOptions& host, std::string_view key);
std::string DescribeKey(const ExternalServiceOptions& external,
                        std::string_view key);
// The same for a deployment-level key ("Timeout.Complete", "Timezone").
std::string DescribeKey(const DeploymentOptions& deployment,
                        std::string_view key);

// Which command the deployment is run by.
enum class RunMode {
  kRun,   // `parigot run`: Main programs and Servers
  kTest,  // `parigot test`: Test programs and Servers
};

// The microservices to start in `mode`, in declaration order. Servers are
// always included; a deployment with no Main (or no Test) is a pure service
// deployment in that mode. The pointers point into `deployment` and are valid
// while it lives and its `microservices` vector is not modified.
std::vector<const MicroserviceOptions*> MicroservicesFor(
    const DeploymentOptions& deployment, RunMode mode);

// The microservices of `MicroservicesFor(deployment, mode)` placed on the
// host named `host`, in declaration order: what `parigot run --host NAME`
// starts. When `host` is empty, all of them: placement is ignored and the
// whole application runs in one process (plain `parigot run`). A replica (a
// microservice on several hosts) is listed for each of its hosts. Same
// lifetime rule as above.
std::vector<const MicroserviceOptions*> MicroservicesOnHost(
    const DeploymentOptions& deployment, RunMode mode, std::string_view host);

// The host named `name`, or nullptr. Same lifetime rule as above.
const HostOptions* FindHost(const DeploymentOptions& deployment,
                            std::string_view name);

// The hosts' names in declaration order, for messages: "front, back"
// (empty when there are none).
std::string HostNames(const DeploymentOptions& deployment);

// The microservice named `name`, or nullptr. Same lifetime rule as above.
const MicroserviceOptions* FindMicroservice(const DeploymentOptions& deployment,
                                            std::string_view name);

}  // namespace parigot::deploy

#endif  // PARIGOT_DEPLOY_OPTIONS_H_
