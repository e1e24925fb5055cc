// ValidateDeployment, ResolveWasmPaths and LoadDeployment's combined report.
#include "parigot/deploy/descriptor.h"

#include <chrono>
#include <map>
#include <string>

#include "test_util.h"

namespace parigot::deploy::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ValidateTest : public TempDirTest {};

TEST_F(ValidateTest, MissingWasmPath) {
  auto d = LoadDeployment(Descriptor(R"([config.dev.microservice.greet]
Arg = ["x"]
)"),
                          "");
  EXPECT_EQ(ErrorOf(d),
            "app.toml:1:26: config.dev.microservice.greet.WasmPath: missing "
            "(every microservice needs a WasmPath, or a Builtin)");
}

TEST_F(ValidateTest, ABuiltinNeedsNoWasmPathAndTakesNoGuestKeys) {
  Touch("main.wasm");
  auto ok = LoadDeployment(Descriptor(R"([config.dev]
DataDir = "/var/lib/shop"
[config.dev.microservice.store]
Builtin = "kv"
TimeLimit = 500
[config.dev.microservice.main]
WasmPath = "main.wasm"
Main = true
)"),
                           "");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->microservices[0].builtin, "kv");
  EXPECT_EQ(ok->DataDir(), "/var/lib/shop");

  auto bad = LoadDeployment(Descriptor(R"([config.dev.microservice.store]
Builtin = "kv"
WasmPath = "kv.wasm"
Arg = ["x"]
Main = true
)"),
                            "");
  std::string e = ErrorOf(bad);
  EXPECT_NE(e.find("store.WasmPath: does not apply to a built-in service (Builtin = \"kv\")"),
            std::string::npos) << e;
  EXPECT_NE(e.find("store.Arg: does not apply"), std::string::npos) << e;
  EXPECT_NE(e.find("store.Main: a built-in service is a server, never a program"),
            std::string::npos) << e;

  auto unknown = LoadDeployment(Descriptor(R"([config.dev.microservice.store]
Builtin = "kb"
)"),
                                "");
  EXPECT_NE(ErrorOf(unknown).find(R"(unknown built-in service "kb" (expected "kv", "file", "queue" or "http"); did you mean "kv"?)"),
            std::string::npos) << ErrorOf(unknown);
}

TEST_F(ValidateTest, AnIngressTakesListenRoutesAndLimits) {
  auto ok = LoadDeployment(Descriptor(R"([config.dev.microservice.web]
Builtin = "http"
Listen = "127.0.0.1:8080"
MaxBodySize = "1MiB"
MaxHeaderSize = 8192
[[config.dev.microservice.web.Route]]
Prefix = "/api"
Service = "shop.v1.Api"
[[config.dev.microservice.web.Route]]
Host = "static.example.com"
Service = "shop.v1.Pages"
Method = "Serve"
)"),
                           "");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  const MicroserviceOptions& web = ok->microservices[0];
  EXPECT_EQ(web.listen, "127.0.0.1:8080");
  EXPECT_EQ(web.max_body_size, uint64_t{1} << 20);
  EXPECT_EQ(web.max_header_size, 8192u);
  ASSERT_EQ(web.routes.size(), 2u);
  EXPECT_EQ(web.routes[0].prefix, "/api");
  EXPECT_EQ(web.routes[0].service, "shop.v1.Api");
  EXPECT_EQ(web.routes[0].method, "Handle");
  EXPECT_EQ(web.routes[0].host, "");
  EXPECT_EQ(web.routes[1].host, "static.example.com");
  EXPECT_EQ(web.routes[1].prefix, "/");
  EXPECT_EQ(web.routes[1].method, "Serve");

  std::string e = ErrorOf(LoadDeployment(Descriptor(R"([config.dev.microservice.web]
Builtin = "http"
Listen = "8080"
MaxHeaderSize = 10
Route = [{Prefix = "api", Service = "Api"}, {Service = "a.B", Verb = "GET"}]
)"),
                                         ""));
  EXPECT_NE(e.find(R"(web.Listen: "8080" is not "address:port")"), std::string::npos) << e;
  EXPECT_NE(e.find(R"(web.Route[0].Service: "Api" is not "package.Service")"),
            std::string::npos) << e;
  EXPECT_NE(e.find(R"(web.Route[0].Prefix: "api" must begin with '/')"), std::string::npos)
      << e;
  EXPECT_NE(e.find("web.Route[1].Verb: unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find("web.MaxHeaderSize: must be between 1 KiB"), std::string::npos) << e;

  e = ErrorOf(LoadDeployment(Descriptor(R"([config.dev.microservice.web]
Builtin = "http"
)"),
                             ""));
  EXPECT_NE(e.find("web.Listen: missing"), std::string::npos) << e;
  EXPECT_NE(e.find("web.Route: missing"), std::string::npos) << e;
}

TEST_F(ValidateTest, BuiltinKeysApplyOnlyToTheirKind) {
  Touch("main.wasm");
  std::string e = ErrorOf(LoadDeployment(Descriptor(R"([config.dev.microservice.store]
Builtin = "kv"
Sandbox = "files"
Listen = "127.0.0.1:1"
[config.dev.microservice.main]
WasmPath = "main.wasm"
Main = true
Route = [{Service = "a.B"}]
)"),
                                         ""));
  EXPECT_NE(e.find(R"(store.Sandbox: applies only to a built-in service with Builtin = "file")"),
            std::string::npos) << e;
  EXPECT_NE(e.find(R"(store.Listen: applies only to a built-in service with Builtin = "http")"),
            std::string::npos) << e;
  EXPECT_NE(e.find(R"(main.Route: applies only to a built-in service with Builtin = "http")"),
            std::string::npos) << e;

  auto files = LoadDeployment(Descriptor(R"([config.dev.microservice.docs]
Builtin = "file"
Sandbox = "shared/docs"
[config.dev.microservice.tmp]
Builtin = "file"
)"),
                              "");
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(files->microservices[0].SandboxDir(*files),
            files->descriptor_dir / "shared" / "docs");
  EXPECT_EQ(files->microservices[1].SandboxDir(*files), files->DataDir() / "tmp.files");
}

TEST_F(ValidateTest, DataDirDefaultsBesideTheDescriptor) {
  auto d = LoadDeployment(Descriptor(R"([config.prod.microservice.store]
Builtin = "kv"
)"),
                          "");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->DataDir(), d->descriptor_dir / ".parigot-data" / "prod");
}

// More guests than one process can reserve memory for: refused by
// `parigot check`, never an abort at run time.
TEST_F(ValidateTest, AtMostMaxMicroservices) {
  std::string text;
  for (size_t i = 0; i <= kMaxMicroservices; ++i) {
    text += "[config.dev.microservice.s" + std::to_string(i) + "]\nWasmPath = \"s.wasm\"\n";
  }
  auto d = LoadDeployment(Descriptor(text), "");
  EXPECT_THAT(ErrorOf(d), HasSubstr("config.dev.microservice: 8193 microservices; a "
                                    "deployment has at most 8192"));
}

TEST_F(ValidateTest, EmptyWasmPath) {
  auto d = LoadDeployment(Descriptor(R"([config.dev.microservice.greet]
WasmPath = ""
)"),
                          "");
  EXPECT_EQ(ErrorOf(d),
            "app.toml:2:1: config.dev.microservice.greet.WasmPath: must not "
            "be empty");
}

TEST_F(ValidateTest, WrongTypeIsNotReportedTwice) {
  auto d = LoadDeployment(Descriptor(R"([config.dev.microservice.greet]
WasmPath = 7
)"),
                          "");
  EXPECT_EQ(ErrorOf(d),
            "app.toml:2:1: config.dev.microservice.greet.WasmPath: expected a "
            "string, got an integer");
}

TEST_F(ValidateTest, NoMicroservices) {
  auto d = LoadDeployment(Descriptor(R"([config.dev]
Timezone = "UTC"
)"),
                          "");
  EXPECT_THAT(ErrorOf(d), HasSubstr("app.toml:1:9: config.dev.microservice: "
                                    "no microservices"));
}

TEST_F(ValidateTest, BadEnvEntries) {
  Touch("a.wasm");
  auto d = LoadDeployment(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
Env = ["GOOD=1",
       "DEBUG",
       "=value"]
)"),
                          "");
  std::string e = ErrorOf(d);
  EXPECT_THAT(e, HasSubstr("app.toml:4:8: config.dev.microservice.a.Env[1]: "
                           "\"DEBUG\" is not KEY=VALUE (no '=')\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:5:8: config.dev.microservice.a.Env[2]: "
                           "\"=value\" is not KEY=VALUE (empty KEY)"));
  EXPECT_THAT(e, Not(HasSubstr("Env[0]")));
}

TEST_F(ValidateTest, ZeroAndNegativeTimeouts) {
  Touch("a.wasm");
  auto d = LoadDeployment(Descriptor(R"([config.dev.Timeout]
Startup = 0
Complete = -5
[config.dev.microservice.a]
WasmPath = "a.wasm"
)"),
                          "");
  EXPECT_EQ(ErrorOf(d),
            "app.toml:2:1: config.dev.Timeout.Startup: must be a positive "
            "number of milliseconds, got 0\n"
            "app.toml:3:1: config.dev.Timeout.Complete: must be a positive "
            "number of milliseconds, got -5");
}

TEST_F(ValidateTest, TimeLimitIsParsedAndMustBePositive) {
  Touch("a.wasm");
  auto ok = LoadDeployment(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
TimeLimit = 250
)"),
                           "");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->microservices.size(), 1u);
  EXPECT_EQ(ok->microservices[0].time_limit, std::chrono::milliseconds(250));
  auto bad = LoadDeployment(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
TimeLimit = 0
)"),
                            "");
  EXPECT_EQ(ErrorOf(bad),
            "app.toml:3:1: config.dev.microservice.a.TimeLimit: must be a positive "
            "number of milliseconds, got 0");
}

// MethodTimeLimit: method names (bare or full) to milliseconds, each with
// its own location for the run-time check of the names (the kernel's).
TEST_F(ValidateTest, MethodTimeLimitIsParsedByMethodName) {
  Touch("a.wasm");
  auto ok = LoadDeployment(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
TimeLimit = 50
[config.dev.microservice.a.MethodTimeLimit]
Put = 500
"store.v1.Store.Get" = 20
[config.dev.microservice.b]
WasmPath = "a.wasm"
MethodTimeLimit = { Get = 4294967295 }
)"),
                           "");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  const MicroserviceOptions& a = ok->microservices[0];
  using std::chrono::milliseconds;
  EXPECT_EQ(a.method_time_limits,
            (std::map<std::string, milliseconds>{{"Put", milliseconds(500)},
                                                 {"store.v1.Store.Get", milliseconds(20)}}));
  EXPECT_EQ(DescribeKey(a, MethodTimeLimitKey("store.v1.Store.Get")),
            "app.toml:6: config.dev.microservice.a.MethodTimeLimit.\"store.v1.Store.Get\"");
  EXPECT_EQ(DescribeKey(a, MethodTimeLimitKey("Put")),
            "app.toml:5: config.dev.microservice.a.MethodTimeLimit.Put");
  EXPECT_EQ(ok->microservices[1].method_time_limits,
            (std::map<std::string, milliseconds>{{"Get", milliseconds(4294967295)}}));
}

TEST_F(ValidateTest, MethodTimeLimitNamesAndRangesAreChecked) {
  Touch("a.wasm");
  auto bad = LoadDeployment(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
[config.dev.microservice.a.MethodTimeLimit]
Put = 0
Get = -5
Big = 4294967296
Ok = 4294967295
"1x" = 10
"Store.Put" = 10
"s.v1.S.9" = 10
Slow = "fast"
[config.dev.microservice.b]
WasmPath = "a.wasm"
MethodTimeLimit = 5
)"),
                            "");
  EXPECT_EQ(ErrorOf(bad),
            "app.toml:4:1: config.dev.microservice.a.MethodTimeLimit.Put: must be a positive "
            "number of milliseconds, at most 4294967295, got 0\n"
            "app.toml:5:1: config.dev.microservice.a.MethodTimeLimit.Get: must be a positive "
            "number of milliseconds, at most 4294967295, got -5\n"
            "app.toml:6:1: config.dev.microservice.a.MethodTimeLimit.Big: must be a positive "
            "number of milliseconds, at most 4294967295, got 4294967296\n"
            "app.toml:8:1: config.dev.microservice.a.MethodTimeLimit.1x: not a method name "
            "(letters, digits and '_', not starting with a digit), nor a full one like "
            "\"store.v1.Store.Put\"\n"
            "app.toml:9:1: config.dev.microservice.a.MethodTimeLimit.\"Store.Put\": no package; "
            "a full method name reads like \"store.v1.Store.Put\"\n"
            "app.toml:10:1: config.dev.microservice.a.MethodTimeLimit.\"s.v1.S.9\": method name "
            "\"9\" is not an identifier (letters, digits and '_', not starting with a digit)\n"
            "app.toml:11:1: config.dev.microservice.a.MethodTimeLimit.Slow: expected an integer, "
            "got a string\n"
            "app.toml:14:1: config.dev.microservice.b.MethodTimeLimit: expected a table, got an "
            "integer");
}

TEST_F(ValidateTest, RestartKeysAreParsedAndChecked) {
  Touch("a.wasm");
  auto ok = LoadDeployment(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
Restart = "always"
MaxRestarts = 3
RestartWindow = 2000
RestartBackoff = 0
)"),
                           "");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  const MicroserviceOptions& ms = ok->microservices[0];
  EXPECT_EQ(ms.restart, RestartMode::kAlways);
  EXPECT_EQ(ms.max_restarts, 3);
  EXPECT_EQ(ms.restart_window, std::chrono::milliseconds(2000));
  EXPECT_EQ(ms.restart_backoff, std::chrono::milliseconds(0));
  auto bad = LoadDeployment(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
Restart = "on_failure"
MaxRestarts = 5000000000
RestartWindow = 0
RestartBackoff = 60001
)"),
                            "");
  EXPECT_EQ(ErrorOf(bad),
            "app.toml:3:11: config.dev.microservice.a.Restart: unknown restart policy "
            "\"on_failure\" (expected \"on-failure\", \"always\" or \"never\"); did you mean "
            "\"on-failure\"?\n"
            "app.toml:4:1: config.dev.microservice.a.MaxRestarts: must be between 0 and "
            "1000, got 1073741824\n"
            "app.toml:5:1: config.dev.microservice.a.RestartWindow: must be a positive "
            "number of milliseconds, got 0\n"
            "app.toml:6:1: config.dev.microservice.a.RestartBackoff: must be between 0 and "
            "60000 milliseconds, got 60001");
}

TEST_F(ValidateTest, TimeScaleIsAPositiveMultiplier) {
  Touch("a.wasm");
  const std::string ms = "[config.dev.microservice.a]\nWasmPath = \"a.wasm\"\n";
  auto defaulted = LoadDeployment(Descriptor(ms), "");
  ASSERT_TRUE(defaulted.ok()) << defaulted.status().ToString();
  EXPECT_FALSE(defaulted->microservices[0].time_scale);
  auto set = LoadDeployment(Descriptor(ms + "TimeScale = 1\n"), "");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->microservices[0].time_scale, 1);
  for (const char* bad : {"0", "10001", "-3", "99999999999"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(ErrorOf(LoadDeployment(Descriptor(ms + "TimeScale = " + bad + "\n"), "")),
                ::testing::StartsWith("app.toml:3:1: config.dev.microservice.a.TimeScale: must "
                                      "be between 1 and 10000, got "));
  }
}

TEST_F(ValidateTest, MemoryLimitIsBytesOrASizeWithAUnit) {
  Touch("a.wasm");
  for (auto [text, bytes] : {std::pair<std::string, uint64_t>{"65536", 65536},
                             {R"("64MiB")", uint64_t{64} << 20},
                             {R"("1 GiB")", uint64_t{1} << 30},
                             {R"("4GiB")", uint64_t{4} << 30},
                             {R"("640KiB")", 640 * 1024},
                             {R"("131072B")", 131072}}) {
    SCOPED_TRACE(text);
    auto ok = LoadDeployment(
        Descriptor("[config.dev.microservice.a]\nWasmPath = \"a.wasm\"\nMemoryLimit = " +
                   text + "\n"),
        "");
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_EQ(ok->microservices[0].memory_limit, bytes);
  }
  auto defaulted = LoadDeployment(Descriptor("[config.dev.microservice.a]\nWasmPath = \"a.wasm\"\n"), "");
  ASSERT_TRUE(defaulted.ok());
  EXPECT_FALSE(defaulted->microservices[0].memory_limit);
}

TEST_F(ValidateTest, MaxMessageSizeDefaultsTo128MiBAndIsChecked) {
  Touch("a.wasm");
  const std::string ms = "[config.dev.microservice.a]\nWasmPath = \"a.wasm\"\n";
  auto defaulted = LoadDeployment(Descriptor(ms), "");
  ASSERT_TRUE(defaulted.ok()) << defaulted.status().ToString();
  EXPECT_EQ(defaulted->max_message_size, uint64_t{128} << 20);
  auto set = LoadDeployment(Descriptor("[config.dev]\nMaxMessageSize = \"4MiB\"\n" + ms), "");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->max_message_size, uint64_t{4} << 20);
  EXPECT_EQ(ErrorOf(LoadDeployment(Descriptor("[config.dev]\nMaxMessageSize = 1023\n" + ms), "")),
            "app.toml:2:1: config.dev.MaxMessageSize: must be between 1 KiB (1024) and 1 GiB "
            "(1073741824) bytes, got 1023");
  EXPECT_EQ(ErrorOf(LoadDeployment(Descriptor("[config.dev]\nMaxMessageSize = \"2GiB\"\n" + ms), "")),
            "app.toml:2:1: config.dev.MaxMessageSize: must be between 1 KiB (1024) and 1 GiB "
            "(1073741824) bytes, got 2147483648");
  EXPECT_EQ(set->MaxInFlight(), uint64_t{16} << 20) << "4 x MaxMessageSize";
  auto in_flight = LoadDeployment(
      Descriptor("[config.dev]\nMaxMessageSize = 2048\nMaxInFlight = \"8KiB\"\n" + ms), "");
  ASSERT_TRUE(in_flight.ok()) << in_flight.status().ToString();
  EXPECT_EQ(in_flight->MaxInFlight(), 8192u);
  EXPECT_EQ(ErrorOf(LoadDeployment(
                Descriptor("[config.dev]\nMaxMessageSize = 4096\nMaxInFlight = 4095\n" + ms), "")),
            "app.toml:3:1: config.dev.MaxInFlight: must be between MaxMessageSize (4096) and "
            "64 GiB (68719476736) bytes, got 4095");
  EXPECT_EQ(ErrorOf(LoadDeployment(Descriptor("[config.dev]\nMaxMessageSize = \"big\"\n" + ms), "")),
            "app.toml:2:18: config.dev.MaxMessageSize: expected a number of bytes: an integer "
            ">= 0, or a string such as \"64MiB\" (units B, KiB, MiB, GiB)");
}

TEST_F(ValidateTest, MemoryLimitOutOfRangeOrMalformed) {
  Touch("a.wasm");
  auto check = [&](const std::string& value, const std::string& error) {
    SCOPED_TRACE(value);
    auto bad = LoadDeployment(
        Descriptor("[config.dev.microservice.a]\nWasmPath = \"a.wasm\"\nMemoryLimit = " +
                   value + "\n"),
        "");
    EXPECT_EQ(ErrorOf(bad), error);
  };
  const std::string range =
      "app.toml:3:1: config.dev.microservice.a.MemoryLimit: must be between 64 KiB (65536) "
      "and 4 GiB (4294967296) bytes, got ";
  check("65535", range + "65535");
  check(R"("5GiB")", range + "5368709120");
  check("0", range + "0");
  const std::string malformed =
      "config.dev.microservice.a.MemoryLimit: expected a number of bytes: an integer >= 0, "
      "or a string such as \"64MiB\" (units B, KiB, MiB, GiB)";
  check("-1", "app.toml:3:15: " + malformed);
  check(R"("64MB")", "app.toml:3:15: " + malformed);
  check(R"("lots")", "app.toml:3:15: " + malformed);
  check(R"("99999999999999999999GiB")", "app.toml:3:15: " + malformed);
  check("1.5", "app.toml:3:15: " + malformed);
}

TEST_F(ValidateTest, EmptyTimezone) {
  Touch("a.wasm");
  auto d = LoadDeployment(Descriptor(R"([config.dev]
Timezone = ""
[config.dev.microservice.a]
WasmPath = "a.wasm"
)"),
                          "");
  EXPECT_THAT(ErrorOf(d), HasSubstr("app.toml:2:1: config.dev.Timezone: must "
                                    "not be empty"));
}

TEST_F(ValidateTest, PureServiceDeploymentIsAllowed) {
  Touch("a.wasm");
  Touch("b.wasm");
  auto d = LoadDeployment(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
[config.dev.microservice.b]
WasmPath = "b.wasm"
Server = true
)"),
                          "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(MicroservicesFor(*d, RunMode::kRun).size(), 2u);
}

TEST_F(ValidateTest, AllErrorsAreReportedTogetherInLineOrder) {
  auto d = LoadDeployment(Descriptor(R"([config.dev.Timeout]
Complete = 0
[config.dev.microservice.a]
WasmPth = "a.wasm"
Env = ["X"]
[config.dev.microservice.b]
WasmPath = "missing.wasm"
Main = true
Test = true
Engine = "fast"
)"),
                          "");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  std::string e = ErrorOf(d);
  std::vector<std::string> lines;
  for (size_t start = 0; start <= e.size();) {
    size_t end = e.find('\n', start);
    if (end == std::string::npos) end = e.size();
    lines.push_back(e.substr(start, end - start));
    start = end + 1;
  }
  ASSERT_EQ(lines.size(), 7u) << e;
  EXPECT_THAT(lines[0], HasSubstr("app.toml:2:1: config.dev.Timeout.Complete"));
  EXPECT_THAT(lines[1], HasSubstr("app.toml:3:26: config.dev.microservice.a."
                                  "WasmPath: missing"));
  EXPECT_THAT(lines[2], HasSubstr("app.toml:4:1: config.dev.microservice.a."
                                  "WasmPth: unknown key (did you mean "
                                  "WasmPath?)"));
  EXPECT_THAT(lines[3], HasSubstr("app.toml:5:8: config.dev.microservice.a."
                                  "Env[0]"));
  EXPECT_THAT(lines[4], HasSubstr("app.toml:7:1: config.dev.microservice.b."
                                  "WasmPath: \"missing.wasm\" not found"));
  EXPECT_THAT(lines[5], HasSubstr("app.toml:9:1: config.dev.microservice.b."
                                  "Test: Test = true conflicts"));
  EXPECT_THAT(lines[6], HasSubstr("app.toml:10:10: config.dev.microservice.b."
                                  "Engine: unknown engine"));
}

TEST_F(ValidateTest, OptionsBuiltByCodeAreValidatedWithoutLocations) {
  DeploymentOptions d;
  d.name = "code";
  d.key_path = "config.code";
  d.timeouts.complete = std::chrono::milliseconds(0);
  MicroserviceOptions ms;
  ms.name = "svc";
  ms.env = {"NOEQUALS"};
  d.microservices.push_back(ms);
  Status s = ValidateDeployment(d);
  EXPECT_EQ(s.message(),
            "svc.WasmPath: missing (every microservice needs a WasmPath, or a Builtin)\n"
            "svc.Env[0]: \"NOEQUALS\" is not KEY=VALUE (no '=')\n"
            "config.code.Timeout.Complete: must be a positive number of "
            "milliseconds, got 0");
}

// --- Resolving WasmPaths --------------------------------------------------

constexpr std::string_view kSearch = R"([config.dev]
SearchDir = ["build", "../shared"]
[config.dev.microservice.a]
WasmPath = "a.wasm"
)";

TEST_F(ValidateTest, DescriptorDirectoryComesFirst) {
  Write("proj/app.toml", kSearch);
  fs::path first = Touch("proj/a.wasm");
  Touch("proj/build/a.wasm");
  auto d = LoadDeployment("proj/app.toml", "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->microservices[0].resolved_wasm_path, first);
}

TEST_F(ValidateTest, SearchDirsInOrderRelativeToDescriptor) {
  Write("proj/app.toml", kSearch);
  fs::path shared = Touch("shared/a.wasm");
  auto d = LoadDeployment("proj/app.toml", "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->microservices[0].resolved_wasm_path, shared);

  fs::path build = Touch("proj/build/a.wasm");
  d = LoadDeployment("proj/app.toml", "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->microservices[0].resolved_wasm_path, build);
}

TEST_F(ValidateTest, ParigotPathThenExtraDirs) {
  Write("proj/app.toml", kSearch);
  fs::path extra = Touch("extra/a.wasm");
  std::vector<fs::path> extra_dirs = {dir_ / "extra"};
  auto d = LoadDeployment("proj/app.toml", "", extra_dirs);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->microservices[0].resolved_wasm_path, extra);

  fs::path env = Touch("env2/a.wasm");
  setenv(kWasmPathEnvVar, "::env1:env2", 1);  // relative to the cwd
  d = LoadDeployment("proj/app.toml", "", extra_dirs);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->microservices[0].resolved_wasm_path, env);
}

TEST_F(ValidateTest, NotFoundListsEverySearchedDirectory) {
  Write("proj/app.toml", kSearch);
  setenv(kWasmPathEnvVar, "envdir", 1);
  std::vector<fs::path> extra_dirs = {"/opt/parigot-wasm"};
  auto d = LoadDeployment("proj/app.toml", "", extra_dirs);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound);
  std::string e = ErrorOf(d);
  EXPECT_THAT(e, HasSubstr("proj/app.toml:4:1: config.dev.microservice.a."
                           "WasmPath: \"a.wasm\" not found; searched (in "
                           "order): "));
  std::string base = (dir_ / "proj").string();
  EXPECT_THAT(e, HasSubstr(base + " (descriptor directory), " + base +
                           "/build (SearchDir), " + dir_.string() +
                           "/shared (SearchDir), " + dir_.string() +
                           "/envdir ($PARIGOT_PATH), /opt/parigot-wasm "
                           "(default)"));
}

TEST_F(ValidateTest, AbsoluteWasmPathMustExist) {
  fs::path abs = dir_ / "abs.wasm";
  auto d = LoadDeployment(
      Descriptor("[config.dev.microservice.a]\nWasmPath = \"" +
                 abs.string() + "\"\n"),
      "");
  EXPECT_THAT(ErrorOf(d), HasSubstr("app.toml:2:1: config.dev.microservice.a."
                                    "WasmPath: \"" + abs.string() +
                                    "\" does not exist"));
  Touch("abs.wasm");
  d = LoadDeployment("app.toml", "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->microservices[0].resolved_wasm_path, abs);
}

TEST_F(ValidateTest, DirectoryIsNotAWasmFile) {
  fs::create_directories(dir_ / "a.wasm");
  auto d = LoadDeployment(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
)"),
                          "");
  EXPECT_THAT(ErrorOf(d), HasSubstr("\"a.wasm\" not found"));
}

TEST_F(ValidateTest, ResolveAloneFillsWhatItFinds) {
  Touch("a.wasm");
  auto d = ParseDescriptor(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
[config.dev.microservice.b]
WasmPath = "b.wasm"
)"),
                           "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  Status s = ResolveWasmPaths(*d);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(d->microservices[0].resolved_wasm_path, dir_ / "a.wasm");
  EXPECT_TRUE(d->microservices[1].resolved_wasm_path.empty());
}

}  // namespace
}  // namespace parigot::deploy::testing
