// ParseDescriptor / LoadDeployment: happy paths, syntax and structure
// errors, deployment choice.
#include "parigot/deploy/descriptor.h"

#include "test_util.h"

namespace parigot::deploy::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DescriptorTest : public TempDirTest {};

TEST_F(DescriptorTest, HelloworldParsesValidatesAndResolves) {
  std::ifstream in(fs::path(PARIGOT_DEPLOY_TESTDATA) / "helloworld.toml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  ASSERT_FALSE(text.empty());
  fs::path path = Descriptor(text);
  fs::path greet = Touch("build/greeting.p.wasm");
  fs::path hello = Touch("build/hello.p.wasm");

  auto d = LoadDeployment(path, "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->name, "dev");
  EXPECT_EQ(d->key_path, "config.dev");
  EXPECT_EQ(d->descriptor_path, "app.toml");
  EXPECT_EQ(d->timeouts.startup, std::chrono::milliseconds(100));
  EXPECT_EQ(d->timeouts.complete, std::chrono::milliseconds(20));
  EXPECT_EQ(d->timezone, "US/Eastern");
  EXPECT_THAT(d->search_dirs, ElementsAre("build", "../wasm"));
  ASSERT_EQ(d->microservices.size(), 2u);

  const MicroserviceOptions& g = d->microservices[0];
  EXPECT_EQ(g.name, "greet");
  EXPECT_EQ(g.wasm_path, "build/greeting.p.wasm");
  EXPECT_EQ(g.resolved_wasm_path, greet);
  EXPECT_EQ(g.kind, MicroserviceKind::kServer);
  EXPECT_FALSE(g.engine.has_value());
  EXPECT_TRUE(g.args.empty());
  EXPECT_EQ(g.location.ToString(), "app.toml:12:26");

  const MicroserviceOptions& h = d->microservices[1];
  EXPECT_EQ(h.name, "hello");
  EXPECT_EQ(h.resolved_wasm_path, hello);
  EXPECT_EQ(h.kind, MicroserviceKind::kMain);
  EXPECT_EQ(h.engine, EngineKind::kInterp);
  EXPECT_THAT(h.args, ElementsAre("--verbose"));
  EXPECT_THAT(h.env, ElementsAre("GREETING=bonjour"));

  ASSERT_EQ(d->warnings.size(), 2u);
  EXPECT_THAT(d->warnings[0],
              HasSubstr("app.toml:5:1: config.dev.ParigotLibPath: ignored"));
  EXPECT_THAT(d->warnings[1],
              HasSubstr("app.toml:6:1: config.dev.ParigotLibSymbol: ignored"));
}

TEST_F(DescriptorTest, DefaultsWhenKeysAreLeftOut) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev.microservice.svc]
WasmPath = "svc.wasm"
)"),
                           "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->timeouts.startup, std::chrono::milliseconds(5000));
  EXPECT_EQ(d->timeouts.complete, std::chrono::milliseconds(50));
  EXPECT_FALSE(d->timezone.has_value());
  EXPECT_TRUE(d->search_dirs.empty());
  EXPECT_TRUE(d->warnings.empty());
  ASSERT_EQ(d->microservices.size(), 1u);
  EXPECT_EQ(d->microservices[0].kind, MicroserviceKind::kServer);
  EXPECT_TRUE(d->microservices[0].resolved_wasm_path.empty());
}

TEST_F(DescriptorTest, MicroservicesKeepDeclarationOrder) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev.microservice.zeta]
WasmPath = "z.wasm"
[config.dev.microservice.alpha]
WasmPath = "a.wasm"
[config.dev.microservice.mid]
WasmPath = "m.wasm"
)"),
                           "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->microservices.size(), 3u);
  EXPECT_EQ(d->microservices[0].name, "zeta");
  EXPECT_EQ(d->microservices[1].name, "alpha");
  EXPECT_EQ(d->microservices[2].name, "mid");
}

TEST_F(DescriptorTest, MissingDescriptorIsNotFound) {
  auto d = ParseDescriptor("nope.toml", "");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(ErrorOf(d), HasSubstr("nope.toml: cannot open descriptor"));
}

TEST_F(DescriptorTest, SyntaxErrorNamesFileLineAndColumn) {
  auto d = ParseDescriptor(Descriptor("[config.dev]\nTimezone = \n"), "");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ErrorOf(d), HasSubstr("app.toml:2:12: "));
}

TEST_F(DescriptorTest, DuplicateKeyIsASyntaxError) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
WasmPath = "b.wasm"
)"),
                           "");
  EXPECT_THAT(ErrorOf(d), HasSubstr("app.toml:3:"));
}

TEST_F(DescriptorTest, UnknownMicroserviceKeySuggestsTheRightOne) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev]
[config.dev.microservice.greet]
Wasmpath = "greet.wasm"
)"),
                           "");
  EXPECT_EQ(ErrorOf(d),
            "app.toml:3:1: config.dev.microservice.greet.Wasmpath: unknown key "
            "(did you mean WasmPath?)");
}

TEST_F(DescriptorTest, UnknownKeysAtEveryLevel) {
  auto d = ParseDescriptor(Descriptor(R"(title = "x"
[config.dev]
TimeZone = "UTC"
Colour = "blue"
[config.dev.Timeout]
Startp = 10
[config.dev.microservice.greet]
WasmPath = "g.wasm"
Mian = true
)"),
                           "");
  std::string e = ErrorOf(d);
  EXPECT_THAT(e, HasSubstr("app.toml:1:1: title: unknown key\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:3:1: config.dev.TimeZone: unknown key "
                           "(did you mean Timezone?)\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:4:1: config.dev.Colour: unknown key\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:6:1: config.dev.Timeout.Startp: unknown "
                           "key (did you mean Startup?)\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:9:1: config.dev.microservice.greet.Mian: "
                           "unknown key (did you mean Main?)"));
}

TEST_F(DescriptorTest, WrongValueTypes) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev]
SearchDir = "build"
Timezone = 5
Timeout = 10
[config.dev.microservice.a]
WasmPath = 3
Arg = "--flag"
Env = ["A=1", 2]
Main = "yes"
Engine = true
[config.dev.microservice.b]
WasmPath = "b.wasm"
[config.prod]
)"),
                           "dev");
  std::string e = ErrorOf(d);
  EXPECT_THAT(e, HasSubstr("app.toml:2:1: config.dev.SearchDir: expected an "
                           "array, got a string"));
  EXPECT_THAT(e, HasSubstr("app.toml:3:1: config.dev.Timezone: expected a "
                           "string, got an integer"));
  EXPECT_THAT(e, HasSubstr("app.toml:4:1: config.dev.Timeout: expected a "
                           "table, got an integer"));
  EXPECT_THAT(e, HasSubstr("app.toml:6:1: config.dev.microservice.a.WasmPath: "
                           "expected a string, got an integer"));
  EXPECT_THAT(e, HasSubstr("app.toml:7:1: config.dev.microservice.a.Arg: "
                           "expected an array, got a string"));
  EXPECT_THAT(e, HasSubstr("app.toml:8:15: config.dev.microservice.a.Env[1]: "
                           "expected a string, got an integer"));
  EXPECT_THAT(e, HasSubstr("app.toml:9:1: config.dev.microservice.a.Main: "
                           "expected a boolean, got a string"));
  EXPECT_THAT(e, HasSubstr("app.toml:10:1: config.dev.microservice.a.Engine: "
                           "expected a string, got a boolean"));
}

TEST_F(DescriptorTest, TimeoutMustBeAnInteger) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev.Timeout]
Complete = 1.5
[config.dev.microservice.a]
WasmPath = "a.wasm"
)"),
                           "");
  EXPECT_EQ(ErrorOf(d),
            "app.toml:2:1: config.dev.Timeout.Complete: expected an integer, "
            "got a float");
}

TEST_F(DescriptorTest, MicroserviceMustBeATable) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev]
microservice.greet = "greet.wasm"
)"),
                           "");
  EXPECT_THAT(ErrorOf(d), HasSubstr("app.toml:2:14: config.dev.microservice."
                                    "greet: expected a table, got a string"));
}

TEST_F(DescriptorTest, TwoKindsTrueIsAnError) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev.microservice.t]
WasmPath = "t.wasm"
Main = true
Test = true
Server = false
)"),
                           "");
  EXPECT_EQ(ErrorOf(d),
            "app.toml:4:1: config.dev.microservice.t.Test: Test = true "
            "conflicts with Main = true at line 3 (at most one of Server, "
            "Main, Test may be true)");
}

TEST_F(DescriptorTest, KindFlags) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev.microservice.s]
WasmPath = "s.wasm"
Server = true
[config.dev.microservice.t]
WasmPath = "t.wasm"
Test = true
Main = false
[config.dev.microservice.n]
WasmPath = "n.wasm"
Main = false
)"),
                           "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->microservices[0].kind, MicroserviceKind::kServer);
  EXPECT_EQ(d->microservices[1].kind, MicroserviceKind::kTest);
  EXPECT_EQ(d->microservices[2].kind, MicroserviceKind::kServer);
}

TEST_F(DescriptorTest, UnknownEngine) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
Engine = "jit"
[config.dev.microservice.b]
WasmPath = "b.wasm"
Engine = "Interp"
[config.dev.microservice.c]
WasmPath = "c.wasm"
Engine = "aot"
)"),
                           "");
  std::string e = ErrorOf(d);
  EXPECT_THAT(e, HasSubstr("app.toml:3:10: config.dev.microservice.a.Engine: "
                           "unknown engine \"jit\" (expected \"aot\" or "
                           "\"interp\")\n"));
  EXPECT_THAT(e, HasSubstr("app.toml:6:10: config.dev.microservice.b.Engine: "
                           "unknown engine \"Interp\" (expected \"aot\" or "
                           "\"interp\"); did you mean \"interp\"?"));
  EXPECT_THAT(e, ::testing::Not(HasSubstr("microservice.c")));
}

TEST_F(DescriptorTest, QuotedNamesAreQuotedInMessages) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev.microservice."my.svc"]
WasmPth = "a.wasm"
)"),
                           "");
  EXPECT_THAT(ErrorOf(d), HasSubstr("config.dev.microservice.\"my.svc\".WasmPth"));
}

// --- Choosing the deployment -----------------------------------------------

constexpr std::string_view kTwoDeployments = R"([config.prod.microservice.a]
WasmPath = "prod.wasm"
[config.dev.microservice.a]
WasmPath = "dev.wasm"
)";

constexpr std::string_view kNoDev = R"([config.prod.microservice.a]
WasmPath = "prod.wasm"
[config.staging.microservice.a]
WasmPath = "staging.wasm"
)";

TEST_F(DescriptorTest, ExplicitNameWins) {
  setenv(kDeploymentEnvVar, "dev", 1);
  auto d = ParseDescriptor(Descriptor(kTwoDeployments), "prod");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->name, "prod");
  EXPECT_EQ(d->microservices[0].wasm_path, "prod.wasm");
  EXPECT_EQ(d->microservices[0].key_path, "config.prod.microservice.a");
}

TEST_F(DescriptorTest, EnvironmentChoosesWhenNoName) {
  setenv(kDeploymentEnvVar, "prod", 1);
  auto d = ParseDescriptor(Descriptor(kTwoDeployments), "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->name, "prod");
}

TEST_F(DescriptorTest, OnlyDeploymentIsChosen) {
  auto d = ParseDescriptor(Descriptor(R"([config.solo.microservice.a]
WasmPath = "a.wasm"
)"),
                           "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->name, "solo");
}

TEST_F(DescriptorTest, DevIsChosenAmongSeveral) {
  auto d = ParseDescriptor(Descriptor(kTwoDeployments), "");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->name, "dev");
}

TEST_F(DescriptorTest, SeveralAndNoDevListsNames) {
  auto d = ParseDescriptor(Descriptor(kNoDev), "");
  EXPECT_THAT(ErrorOf(d), HasSubstr("app.toml: config: several deployments "
                                    "and none chosen"));
  EXPECT_THAT(ErrorOf(d), HasSubstr("available: prod, staging"));
}

TEST_F(DescriptorTest, UnknownExplicitNameListsNames) {
  auto d = ParseDescriptor(Descriptor(kNoDev), "qa");
  EXPECT_EQ(ErrorOf(d),
            "app.toml: config.qa: no deployment named \"qa\"; available: "
            "prod, staging");
}

TEST_F(DescriptorTest, UnknownEnvironmentNameSaysWhereItCameFrom) {
  setenv(kDeploymentEnvVar, "qa", 1);
  auto d = ParseDescriptor(Descriptor(kNoDev), "");
  EXPECT_THAT(ErrorOf(d), HasSubstr("no deployment named \"qa\" (from "
                                    "$PARIGOT_DEPLOYMENT); available: prod, "
                                    "staging"));
}

TEST_F(DescriptorTest, NoConfigTable) {
  auto d = ParseDescriptor(Descriptor("# empty\n"), "");
  EXPECT_THAT(ErrorOf(d), HasSubstr("app.toml: config: no deployments"));
}

TEST_F(DescriptorTest, OtherDeploymentsAreNotChecked) {
  auto d = ParseDescriptor(Descriptor(R"([config.dev.microservice.a]
WasmPath = "a.wasm"
[config.future.microservice.a]
WasmPath = "a.wasm"
Replicas = 3
)"),
                           "dev");
  EXPECT_TRUE(d.ok()) << d.status().ToString();
}

}  // namespace
}  // namespace parigot::deploy::testing
