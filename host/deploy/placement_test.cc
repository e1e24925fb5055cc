// Network mode in the descriptor: [host.NAME] and [external.NAME] tables and
// the microservices' Host key, parsed (ParseDescriptor) and validated
// (ValidateDeployment, LoadDeployment).
#include <utility>

#include "parigot/deploy/descriptor.h"
#include "test_util.h"

namespace parigot::deploy::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class PlacementTest : public TempDirTest {
 protected:
  // Every WasmPath of the descriptors below exists, except "missing.wasm".
  void SetUp() override {
    TempDirTest::SetUp();
    for (const char* wasm : {"a", "b", "c", "m", "s", "t"}) {
      Touch(std::string(wasm) + ".wasm");
    }
  }

  // LoadDeployment's errors for `descriptor` ("" when it loads).
  std::string LoadErrors(std::string_view descriptor) {
    return ErrorOf(LoadDeployment(Descriptor(descriptor), ""));
  }
};

// The names of `list`, for ElementsAre.
std::vector<std::string> Names(
    const std::vector<const MicroserviceOptions*>& list) {
  std::vector<std::string> out;
  for (const MicroserviceOptions* ms : list) out.push_back(ms->name);
  return out;
}

constexpr std::string_view kTwoHosts = R"([config.net.host.front]
Listen = "127.0.0.1:7401"

[config.net.host.back]
Listen = "0.0.0.0:7402"
Address = "back.example:7402"

[config.net.external.weather]
Service = "weather.v1.Weather"
Address = "weather.example:443"

[config.net.microservice.greet]
WasmPath = "greet.wasm"
Host = ["back", "front"]

[config.net.microservice.store]
WasmPath = "store.wasm"
Host = "back"

[config.net.microservice.hello]
WasmPath = "hello.wasm"
Main = true
Host = "front"

[config.net.microservice.check]
WasmPath = "check.wasm"
Test = true
Host = ["back"]
)";

TEST_F(PlacementTest, HostsExternalsAndHostKeysParse) {
  auto d = ParseDescriptor(Descriptor(kTwoHosts), "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_TRUE(ValidateDeployment(*d).ok()) << ValidateDeployment(*d).ToString();

  ASSERT_EQ(d->hosts.size(), 2u);
  const HostOptions& front = d->hosts[0];
  EXPECT_EQ(front.name, "front");
  EXPECT_EQ(front.key_path, "config.net.host.front");
  EXPECT_EQ(front.listen, "127.0.0.1:7401");
  EXPECT_EQ(front.address, "");
  EXPECT_EQ(DialAddress(front), "127.0.0.1:7401");  // Address defaults
  EXPECT_EQ(front.location.ToString(), "app.toml:1:18");
  EXPECT_EQ(front.key_locations.at("Listen").ToString(), "app.toml:2:1");
  const HostOptions& back = d->hosts[1];
  EXPECT_EQ(back.name, "back");
  EXPECT_EQ(back.listen, "0.0.0.0:7402");
  EXPECT_EQ(DialAddress(back), "back.example:7402");

  ASSERT_EQ(d->externals.size(), 1u);
  const ExternalServiceOptions& weather = d->externals[0];
  EXPECT_EQ(weather.name, "weather");
  EXPECT_EQ(weather.key_path, "config.net.external.weather");
  EXPECT_EQ(weather.service, "weather.v1.Weather");
  EXPECT_EQ(weather.address, "weather.example:443");
  EXPECT_EQ(weather.key_locations.at("Address").ToString(), "app.toml:10:1");

  ASSERT_EQ(d->microservices.size(), 4u);
  EXPECT_THAT(d->microservices[0].hosts, ElementsAre("back", "front"));
  EXPECT_THAT(d->microservices[1].hosts, ElementsAre("back"));
  EXPECT_THAT(d->microservices[2].hosts, ElementsAre("front"));
  EXPECT_THAT(d->microservices[3].hosts, ElementsAre("back"));
  EXPECT_EQ(d->microservices[0].key_locations.at("Host[1]").ToString(),
            "app.toml:14:17");
  EXPECT_EQ(d->microservices[1].key_locations.at("Host").ToString(),
            "app.toml:18:1");
  EXPECT_THAT(d->warnings, IsEmpty());
}

TEST_F(PlacementTest, MicroservicesOnHostFollowPlacementAndMode) {
  auto d = ParseDescriptor(Descriptor(kTwoHosts), "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  // greet is a replica on both hosts; the programs run where they are placed
  // and only in their mode.
  EXPECT_THAT(Names(MicroservicesOnHost(*d, RunMode::kRun, "front")),
              ElementsAre("greet", "hello"));
  EXPECT_THAT(Names(MicroservicesOnHost(*d, RunMode::kRun, "back")),
              ElementsAre("greet", "store"));
  EXPECT_THAT(Names(MicroservicesOnHost(*d, RunMode::kTest, "front")),
              ElementsAre("greet"));
  EXPECT_THAT(Names(MicroservicesOnHost(*d, RunMode::kTest, "back")),
              ElementsAre("greet", "store", "check"));
  // No host: placement is ignored, everything of the mode runs.
  EXPECT_THAT(Names(MicroservicesOnHost(*d, RunMode::kRun, "")),
              ElementsAre("greet", "store", "hello"));
  EXPECT_THAT(Names(MicroservicesOnHost(*d, RunMode::kRun, "nowhere")),
              IsEmpty());
  EXPECT_EQ(FindHost(*d, "back"), &d->hosts[1]);
  EXPECT_EQ(FindHost(*d, "Back"), nullptr);
  EXPECT_EQ(HostNames(*d), "front, back");
  EXPECT_EQ(HostNames(DeploymentOptions{}), "");
}

TEST_F(PlacementTest, DottedKeysWorkLikeTables) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev]
host.front.Listen = "127.0.0.1:7401"
host.back = { Listen = "127.0.0.1:7402" }
external.kv.Service = "kv.v1.Store"
external.kv.Address = "127.0.0.1:9000"
microservice.a.WasmPath = "a.wasm"
microservice.a.Host = "back"
)"),
                           "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->hosts.size(), 2u);
  EXPECT_EQ(d->hosts[0].name, "front");
  EXPECT_EQ(d->hosts[0].listen, "127.0.0.1:7401");
  EXPECT_EQ(d->hosts[0].location.ToString(), "app.toml:2:6");
  EXPECT_EQ(d->hosts[1].listen, "127.0.0.1:7402");
  ASSERT_EQ(d->externals.size(), 1u);
  EXPECT_EQ(d->externals[0].service, "kv.v1.Store");
  EXPECT_THAT(d->microservices[0].hosts, ElementsAre("back"));
}

TEST_F(PlacementTest, UnknownKeysSuggest) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev.hosts.front]
Listen = "127.0.0.1:7401"
[config.dev.host.back]
Listn = "127.0.0.1:7402"
Adress = "x:1"
Port = 7402
[config.dev.external.kv]
Servce = "kv.v1.Store"
[config.dev.externals.x]
[config.dev.microservice.a]
WasmPath = "a.wasm"
Hosts = "back"
)"),
                           "");
  std::string e = ErrorOf(d);
  EXPECT_THAT(e, HasSubstr("app.toml:1:13: config.dev.hosts: unknown key "
                           "(did you mean host?)\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:4:1: config.dev.host.back.Listn: unknown "
                           "key (did you mean Listen?)\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:5:1: config.dev.host.back.Adress: "
                           "unknown key (did you mean Address?)\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:6:1: config.dev.host.back.Port: unknown "
                           "key\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:8:1: config.dev.external.kv.Servce: "
                           "unknown key (did you mean Service?)\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:9:13: config.dev.externals: unknown key "
                           "(did you mean external?)\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:12:1: config.dev.microservice.a.Hosts: "
                           "unknown key (did you mean Host?)"));
}

TEST_F(PlacementTest, WrongValueTypes) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev]
external = "kv"
[config.dev.host.front]
Listen = 7401
Address = ["a:1"]
[config.dev.host]
back = "127.0.0.1:7402"
[config.dev.microservice.a]
WasmPath = "a.wasm"
Host = 1
[config.dev.microservice.b]
WasmPath = "b.wasm"
Host = ["front", 2]
[config.dev.microservice.c]
WasmPath = "c.wasm"
Host = { name = "front" }
)"),
                           "");
  std::string e = ErrorOf(d);
  EXPECT_THAT(e, HasSubstr("app.toml:2:1: config.dev.external: expected a "
                           "table, got a string\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:4:1: config.dev.host.front.Listen: "
                           "expected a string, got an integer\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:5:1: config.dev.host.front.Address: "
                           "expected a string, got an array\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:7:1: config.dev.host.back: expected a "
                           "table, got a string\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:10:1: config.dev.microservice.a.Host: "
                           "expected a string or an array of strings, got an "
                           "integer\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:13:18: config.dev.microservice.b.Host[1]: "
                           "expected a string, got an integer\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:16:1: config.dev.microservice.c.Host: "
                           "expected a string or an array of strings, got a "
                           "table"));
}

// --- Hosts --------------------------------------------------------------------

// Options built by code, with no file behind them.
HostOptions Host(std::string name, std::string listen,
                 std::string address = "") {
  HostOptions host;
  host.name = std::move(name);
  host.listen = std::move(listen);
  host.address = std::move(address);
  return host;
}

ExternalServiceOptions External(std::string name, std::string service) {
  ExternalServiceOptions external;
  external.name = std::move(name);
  external.service = std::move(service);
  external.address = "127.0.0.1:9000";
  return external;
}

// A deployment of one server, "svc", placed on `hosts`.
DeploymentOptions OneServer(std::vector<std::string> hosts = {}) {
  DeploymentOptions d;
  d.key_path = "config.code";
  MicroserviceOptions ms;
  ms.name = "svc";
  ms.wasm_path = "svc.wasm";
  ms.hosts = std::move(hosts);
  d.microservices.push_back(ms);
  return d;
}

// One host "h" listening on `listen` (and dialled at `address`), with the
// server placed on it.
DeploymentOptions OneHost(std::string listen, std::string address = "") {
  DeploymentOptions d = OneServer({"h"});
  d.hosts.push_back(Host("h", std::move(listen), std::move(address)));
  return d;
}

TEST(PlacementSyntaxTest, GoodListenAddresses) {
  for (const char* listen :
       {"127.0.0.1:7401", "0.0.0.0:1", "localhost:65535", "[::1]:7401",
        "[::]:80", "[fe80::1:2]:9000", "back.internal:80", "my-host_1:08080",
        "[::ffff:10.0.0.1]:443"}) {
    EXPECT_TRUE(ValidateDeployment(OneHost(listen)).ok())
        << listen << ": " << ValidateDeployment(OneHost(listen)).ToString();
  }
}

TEST(PlacementSyntaxTest, BadListenAddresses) {
  const std::pair<const char*, const char*> cases[] = {
      {"127.0.0.1", "(no :PORT)"},
      {":7401", "(empty HOST; to listen on every interface, write 0.0.0.0)"},
      {"::1:7401", "(an IPv6 address needs brackets, as in [::1]:7401)"},
      {"[::1]7401", "(no :PORT after the ']')"},
      {"[::1:7401", "(no ']' after the IPv6 address)"},
      {"[]:80", "(\"\" is not an IPv6 address)"},
      {"[fe80::zz]:80", "(\"fe80::zz\" is not an IPv6 address)"},
      {"[127.0.0.1]:80", "(\"127.0.0.1\" is not an IPv6 address)"},
      {"999.0.0.1:80", "(\"999.0.0.1\" is not an IPv4 address)"},
      {"10.0.1:80", "(\"10.0.1\" is not an IPv4 address)"},
      {"a..b:80", "(\"a..b\" is not a host name, an IPv4 address, or an IPv6 "
                  "address in brackets)"},
      {"my host:80", "(\"my host\" is not a host name"},
      {"host:", "(empty PORT)"},
      {"host:0", "(PORT 0 is not in 1..65535)"},
      {"host:65536", "(PORT 65536 is not in 1..65535)"},
      {"host:99999999999", "(PORT 99999999999 is not in 1..65535)"},
      {"host:http", "(PORT \"http\" is not a number)"},
      {"host:80a", "(PORT \"80a\" is not a number)"},
      {"host:-1", "(PORT \"-1\" is not a number)"},
  };
  for (auto [listen, why] : cases) {
    EXPECT_THAT(ValidateDeployment(OneHost(listen)).message(),
                HasSubstr(std::string("host.h.Listen: \"") + listen +
                          "\" is not HOST:PORT " + why))
        << listen;
  }
}

TEST(PlacementSyntaxTest, AddressIsCheckedLikeListen) {
  EXPECT_TRUE(ValidateDeployment(OneHost("0.0.0.0:7401", "10.1.2.3:7401")).ok());
  EXPECT_EQ(ValidateDeployment(OneHost("0.0.0.0:7401", "10.1.2.3")).message(),
            "host.h.Address: \"10.1.2.3\" is not HOST:PORT (no :PORT)");
}

TEST_F(PlacementTest, ListenIsRequiredAndAddressMustNotBeEmpty) {
  EXPECT_EQ(LoadErrors(R"([config.dev.host.front]
Address = ""
[config.dev.host.back]
Listen = ""
[config.dev.microservice.a]
WasmPath = "a.wasm"
Host = ["front", "back"]
)"),
            "app.toml:1:18: config.dev.host.front.Listen: missing (every host "
            "needs the HOST:PORT its server listens on)\n"
            "app.toml:2:1: config.dev.host.front.Address: must not be empty\n"
            "app.toml:4:1: config.dev.host.back.Listen: must not be empty");
}

TEST_F(PlacementTest, WrongTypeIsNotAlsoReportedMissing) {
  EXPECT_EQ(LoadErrors(R"([config.dev.host.front]
Listen = 7401
[config.dev.microservice.a]
WasmPath = "a.wasm"
Host = 3
)"),
            "app.toml:2:1: config.dev.host.front.Listen: expected a string, "
            "got an integer\n"
            "app.toml:5:1: config.dev.microservice.a.Host: expected a string "
            "or an array of strings, got an integer");
}

TEST_F(PlacementTest, TwoHostsWithOneListenNamesBoth) {
  EXPECT_EQ(LoadErrors(R"([config.dev.host.front]
Listen = "127.0.0.1:7401"
[config.dev.host.back]
Listen = "127.0.0.1:7401"
[config.dev.host.other]
Listen = "127.0.0.1:7402"
[config.dev.microservice.a]
WasmPath = "a.wasm"
Host = ["front", "back", "other"]
)"),
            "app.toml:4:1: config.dev.host.back.Listen: \"127.0.0.1:7401\" is "
            "already the Listen of host front at line 2 (two hosts cannot "
            "listen on one address)");
}

TEST(PlacementSyntaxTest, HostsAndExternalsNeedNames) {
  DeploymentOptions d = OneHost("127.0.0.1:7401");
  d.hosts.push_back(Host("", "127.0.0.1:7402"));
  d.externals.push_back(External("", "kv.v1.Store"));
  Status s = ValidateDeployment(d);
  EXPECT_THAT(s.message(), HasSubstr("a host needs a non-empty name"));
  EXPECT_THAT(s.message(),
              HasSubstr("an external service needs a non-empty name"));
}

TEST_F(PlacementTest, HostWithNothingPlacedIsAWarning) {
  auto d = LoadDeployment(Descriptor(R"([config.dev.host.front]
Listen = "127.0.0.1:7401"
[config.dev.host.spare]
Listen = "127.0.0.1:7402"
[config.dev.microservice.a]
WasmPath = "a.wasm"
Host = "front"
)"),
                          "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_THAT(d->warnings,
              ElementsAre("app.toml:3:18: config.dev.host.spare: no "
                          "microservice is placed on this host (no Host "
                          "names it)"));

  // ValidateDeployment alone reports it where asked, and only there.
  std::vector<std::string> warnings;
  EXPECT_TRUE(ValidateDeployment(*d, &warnings).ok());
  EXPECT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(ValidateDeployment(*d).ok());
}

// --- Each microservice's Host ---------------------------------------------

TEST_F(PlacementTest, HostWithoutHostTablesIsAnError) {
  EXPECT_EQ(LoadErrors(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
Host = "front"
[config.dev.microservice.b]
WasmPath = "b.wasm"
Host = []
)"),
            "app.toml:3:1: config.dev.microservice.a.Host: the deployment "
            "declares no hosts ([config.dev.host.NAME])\n"
            "app.toml:6:1: config.dev.microservice.b.Host: the deployment "
            "declares no hosts ([config.dev.host.NAME])");
}

TEST_F(PlacementTest, WithHostsEveryMicroserviceNeedsAHost) {
  EXPECT_EQ(LoadErrors(R"([config.dev.host.front]
Listen = "127.0.0.1:7401"
[config.dev.microservice.a]
WasmPath = "a.wasm"
[config.dev.microservice.b]
WasmPath = "b.wasm"
Host = []
[config.dev.microservice.c]
WasmPath = "c.wasm"
Host = "front"
)"),
            "app.toml:3:26: config.dev.microservice.a.Host: missing (the "
            "deployment declares hosts, so every microservice needs a Host: "
            "the name of a host, or an array of them for replicas)\n"
            "app.toml:7:1: config.dev.microservice.b.Host: names no host (the "
            "deployment declares hosts, so every microservice needs a Host: "
            "the name of a host, or an array of them for replicas)");
}

TEST_F(PlacementTest, UnknownHostSuggestsADeclaredOne) {
  EXPECT_EQ(LoadErrors(R"([config.dev.host.front]
Listen = "127.0.0.1:7401"
[config.dev.host.back]
Listen = "127.0.0.1:7402"
[config.dev.microservice.a]
WasmPath = "a.wasm"
Host = "frnt"
[config.dev.microservice.b]
WasmPath = "b.wasm"
Host = ["back", "elsewhere"]
)"),
            "app.toml:7:1: config.dev.microservice.a.Host: no host named "
            "\"frnt\" (did you mean front?); declared hosts: front, back\n"
            "app.toml:10:17: config.dev.microservice.b.Host[1]: no host named "
            "\"elsewhere\"; declared hosts: front, back");
}

TEST_F(PlacementTest, HostListedTwice) {
  EXPECT_EQ(LoadErrors(R"([config.dev.host.front]
Listen = "127.0.0.1:7401"
[config.dev.host.back]
Listen = "127.0.0.1:7402"
[config.dev.microservice.a]
WasmPath = "a.wasm"
Host = ["front", "back", "front"]
)"),
            "app.toml:7:26: config.dev.microservice.a.Host[2]: host \"front\" "
            "is already listed as Host[0] (a microservice runs at most once "
            "on a host)");
}

TEST_F(PlacementTest, ProgramsRunOnExactlyOneHostServersMayReplicate) {
  EXPECT_EQ(LoadErrors(R"([config.dev.host.front]
Listen = "127.0.0.1:7401"
[config.dev.host.back]
Listen = "127.0.0.1:7402"
[config.dev.microservice.m]
WasmPath = "m.wasm"
Main = true
Host = ["front", "back"]
[config.dev.microservice.t]
WasmPath = "t.wasm"
Test = true
Host = ["front", "back"]
[config.dev.microservice.s]
WasmPath = "s.wasm"
Host = ["front", "back"]
)"),
            "app.toml:8:1: config.dev.microservice.m.Host: a Main program runs "
            "once: name exactly one host, not 2\n"
            "app.toml:12:1: config.dev.microservice.t.Host: a Test program "
            "runs once: name exactly one host, not 2");
}

TEST(PlacementSyntaxTest, HostNamesOfOptionsBuiltByCode) {
  DeploymentOptions d = OneHost("127.0.0.1:7401");
  d.microservices[0].hosts = {"h", "nope"};
  EXPECT_EQ(ValidateDeployment(d).message(),
            "svc.Host[1]: no host named \"nope\"; declared hosts: h");
  d.microservices[0].hosts = {"hh"};
  EXPECT_EQ(ValidateDeployment(d).message(),
            "svc.Host: no host named \"hh\" (did you mean h?); declared "
            "hosts: h");
}

// --- External services ------------------------------------------------------

DeploymentOptions OneExternal(std::string service) {
  DeploymentOptions d = OneServer();
  d.externals.push_back(External("ext", std::move(service)));
  return d;
}

TEST(PlacementSyntaxTest, GoodServiceNames) {
  for (const char* service :
       {"weather.v1.Weather", "a.B", "_x.y_z.S1", "greeting.v1.Greeting"}) {
    EXPECT_TRUE(ValidateDeployment(OneExternal(service)).ok())
        << service << ": " << ValidateDeployment(OneExternal(service)).ToString();
  }
}

TEST(PlacementSyntaxTest, BadServiceNames) {
  const std::pair<const char*, const char*> cases[] = {
      {"Weather", "(no package; a full name reads like \"weather.v1.Weather\")"},
      {".Weather", "(empty package)"},
      {"weather.v1.", "(empty service name after the last '.')"},
      {"weather..v1.W", "(empty part in package \"weather..v1\")"},
      {".weather.v1.W", "(empty part in package \".weather.v1\")"},
      {"weather.1v.W", "(\"1v\" is not an identifier (letters, digits and "
                       "'_', not starting with a digit))"},
      {"weather.v-1.W", "(\"v-1\" is not an identifier"},
      {"weather.v1.My-Service", "(service name \"My-Service\" is not an "
                                "identifier"},
      {"weather.v1.9W", "(service name \"9W\" is not an identifier"},
  };
  for (auto [service, why] : cases) {
    EXPECT_THAT(ValidateDeployment(OneExternal(service)).message(),
                HasSubstr(std::string("external.ext.Service: \"") + service +
                          "\" is not PACKAGE.Service " + why))
        << service;
  }
}

TEST_F(PlacementTest, ExternalNeedsServiceAndAddress) {
  EXPECT_EQ(LoadErrors(R"([config.dev.external.kv]
[config.dev.external.weather]
Service = "weather.v1.Weather"
Address = "weather.example"
[config.dev.microservice.a]
WasmPath = "a.wasm"
)"),
            "app.toml:1:22: config.dev.external.kv.Service: missing (every "
            "external names its gRPC service, as in weather.v1.Weather)\n"
            "app.toml:1:22: config.dev.external.kv.Address: missing (every "
            "external needs the HOST:PORT of its server)\n"
            "app.toml:4:1: config.dev.external.weather.Address: "
            "\"weather.example\" is not HOST:PORT (no :PORT)");
}

TEST_F(PlacementTest, TwoExternalsWithOneService) {
  EXPECT_EQ(LoadErrors(R"([config.dev.external.kv]
Service = "kv.v1.Store"
Address = "127.0.0.1:9000"
[config.dev.external.kv2]
Address = "127.0.0.1:9001"
Service = "kv.v1.Store"
[config.dev.microservice.a]
WasmPath = "a.wasm"
)"),
            "app.toml:6:1: config.dev.external.kv2.Service: \"kv.v1.Store\" "
            "is already the Service of external kv at line 2 (a service is "
            "reached at one address)");
}

TEST_F(PlacementTest, ExternalsNeedNoHosts) {
  auto d = LoadDeployment(Descriptor(R"([config.dev.external.kv]
Service = "kv.v1.Store"
Address = "[::1]:9000"
[config.dev.microservice.a]
WasmPath = "a.wasm"
)"),
                          "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->hosts.empty());
  EXPECT_EQ(d->externals.size(), 1u);
}

TEST_F(PlacementTest, AllPlacementErrorsAreReportedTogether) {
  auto d = LoadDeployment(Descriptor(R"([config.dev.host.front]
Listen = "127.0.0.1"
Lisen = "x"
[config.dev.external.kv]
Service = "kv"
Address = "127.0.0.1:9000"
[config.dev.microservice.a]
WasmPath = "missing.wasm"
Host = "frnt"
)"),
                          "");
  std::string e = ErrorOf(d);
  EXPECT_THAT(e, HasSubstr("app.toml:2:1: config.dev.host.front.Listen: "
                           "\"127.0.0.1\" is not HOST:PORT (no :PORT)\n"
                           "app.toml:3:1: config.dev.host.front.Lisen: "
                           "unknown key (did you mean Listen?)\n"
                           "app.toml:5:1: config.dev.external.kv.Service: "
                           "\"kv\" is not PACKAGE.Service"));
  EXPECT_THAT(e, HasSubstr("app.toml:8:1: config.dev.microservice.a.WasmPath: "
                           "\"missing.wasm\" not found"));
  EXPECT_THAT(e, HasSubstr("app.toml:9:1: config.dev.microservice.a.Host: no "
                           "host named \"frnt\" (did you mean front?)"));
}

// The example shipped with the project stays valid.
TEST(PlacementExampleTest, HelloworldNetIsValid) {
  fs::path path =
      fs::path(PARIGOT_EXAMPLES_DIR) / "helloworld" / "helloworld-net.toml";
  auto d = ParseDescriptor(path, "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  std::vector<std::string> warnings;
  Status s = ValidateDeployment(*d, &warnings);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_EQ(d->hosts.size(), 2u);
  EXPECT_EQ(DialAddress(*FindHost(*d, "front")), "127.0.0.1:7401");
  EXPECT_EQ(DialAddress(*FindHost(*d, "back")), "127.0.0.1:7402");
  EXPECT_THAT(Names(MicroservicesOnHost(*d, RunMode::kRun, "front")),
              ElementsAre("helloworld"));
  EXPECT_THAT(Names(MicroservicesOnHost(*d, RunMode::kRun, "back")),
              ElementsAre("greet"));
}

}  // namespace
}  // namespace parigot::deploy::testing
