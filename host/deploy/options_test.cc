// The option structs' helpers: names, DescribeKey, MicroservicesFor,
// DialAddress.
#include "parigot/deploy/options.h"

#include "test_util.h"

namespace parigot::deploy::testing {
namespace {

using ::testing::ElementsAre;

TEST(OptionsTest, Names) {
  EXPECT_EQ(MicroserviceKindName(MicroserviceKind::kMain), "Main");
  EXPECT_EQ(EngineKindName(EngineKind::kInterp), "interp");
  EXPECT_EQ(ParseEngineKind("aot"), EngineKind::kAot);
  EXPECT_EQ(ParseEngineKind("AOT"), std::nullopt);
}

TEST(OptionsTest, SourceLocationToString) {
  EXPECT_EQ((SourceLocation{"a.toml", 3, 7}).ToString(), "a.toml:3:7");
  EXPECT_EQ((SourceLocation{"a.toml", 3, 0}).ToString(), "a.toml:3");
  EXPECT_EQ((SourceLocation{"a.toml", 0, 0}).ToString(), "a.toml");
  EXPECT_EQ(SourceLocation{}.ToString(), "");
}

class DescribeKeyTest : public TempDirTest {};

TEST_F(DescribeKeyTest, NamesFileLineAndKey) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev]
Timezone = "UTC"
[config.dev.microservice.greet]
WasmPath = "greet.wasm"

Env = ["A=1",
       "B=2"]
)"),
                           "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const MicroserviceOptions& ms = d->microservices[0];
  EXPECT_EQ(DescribeKey(ms, "WasmPath"),
            "app.toml:4: config.dev.microservice.greet.WasmPath");
  EXPECT_EQ(DescribeKey(ms, "Env[1]"),
            "app.toml:7: config.dev.microservice.greet.Env[1]");
  EXPECT_EQ(DescribeKey(ms, ""), "app.toml:3: config.dev.microservice.greet");
  // Not written: the table's line.
  EXPECT_EQ(DescribeKey(ms, "Engine"),
            "app.toml:3: config.dev.microservice.greet.Engine");
  EXPECT_EQ(DescribeKey(*d, "Timezone"), "app.toml:2: config.dev.Timezone");
}

TEST_F(DescribeKeyTest, HostAndExternalKeys) {
  auto d = ParseDescriptor(Descriptor(R"([config.net.host.front]
Listen = "127.0.0.1:7401"
[config.net.external.kv]
Service = "kv.v1.Store"
Address = "127.0.0.1:9000"
)"),
                           "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(DescribeKey(d->hosts[0], "Listen"),
            "app.toml:2: config.net.host.front.Listen");
  EXPECT_EQ(DescribeKey(d->hosts[0], "Address"),
            "app.toml:1: config.net.host.front.Address");
  EXPECT_EQ(DescribeKey(d->externals[0], "Address"),
            "app.toml:5: config.net.external.kv.Address");
}

TEST(OptionsTest, DescribeKeyWithoutAFile) {
  MicroserviceOptions ms;
  ms.name = "svc";
  EXPECT_EQ(DescribeKey(ms, "WasmPath"), "svc.WasmPath");
  HostOptions host;
  host.name = "front";
  EXPECT_EQ(DescribeKey(host, "Listen"), "host.front.Listen");
  ExternalServiceOptions external;
  external.name = "kv";
  EXPECT_EQ(DescribeKey(external, ""), "external.kv");
}

TEST(OptionsTest, DialAddressIsAddressElseListen) {
  HostOptions host;
  host.listen = "0.0.0.0:7401";
  EXPECT_EQ(DialAddress(host), "0.0.0.0:7401");
  host.address = "front.example:7401";
  EXPECT_EQ(DialAddress(host), "front.example:7401");
}

TEST(OptionsTest, MicroservicesForRunAndTestModes) {
  DeploymentOptions d;
  for (auto [name, kind] :
       {std::pair{"s1", MicroserviceKind::kServer},
        std::pair{"t1", MicroserviceKind::kTest},
        std::pair{"m", MicroserviceKind::kMain},
        std::pair{"s2", MicroserviceKind::kServer},
        std::pair{"t2", MicroserviceKind::kTest}}) {
    MicroserviceOptions ms;
    ms.name = name;
    ms.kind = kind;
    d.microservices.push_back(ms);
  }
  auto names = [](const std::vector<const MicroserviceOptions*>& list) {
    std::vector<std::string> out;
    for (const auto* ms : list) out.push_back(ms->name);
    return out;
  };
  EXPECT_THAT(names(MicroservicesFor(d, RunMode::kRun)),
              ElementsAre("s1", "m", "s2"));
  EXPECT_THAT(names(MicroservicesFor(d, RunMode::kTest)),
              ElementsAre("s1", "t1", "s2", "t2"));
}

TEST(OptionsTest, FindMicroservice) {
  DeploymentOptions d;
  d.microservices.resize(2);
  d.microservices[0].name = "a";
  d.microservices[1].name = "b";
  EXPECT_EQ(FindMicroservice(d, "b"), &d.microservices[1]);
  EXPECT_EQ(FindMicroservice(d, "c"), nullptr);
}

}  // namespace
}  // namespace parigot::deploy::testing
