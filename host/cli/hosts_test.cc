#include "host/cli/hosts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace parigot::cli {
namespace {

using deploy::DeploymentOptions;
using deploy::MicroserviceKind;
using deploy::MicroserviceOptions;
using deploy::RunMode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

MicroserviceOptions Placed(std::string name, MicroserviceKind kind,
                           std::vector<std::string> hosts) {
  MicroserviceOptions ms;
  ms.name = std::move(name);
  ms.wasm_path = ms.name + ".wasm";
  ms.kind = kind;
  ms.hosts = std::move(hosts);
  return ms;
}

// Built in code, as the descriptor `app.toml` with [config.net] would fill
// it: front holds the Main program, back a server, lab the Test program.
DeploymentOptions Networked() {
  DeploymentOptions d;
  d.name = "net";
  d.key_path = "config.net";
  d.descriptor_path = "app.toml";
  d.hosts = {{.name = "front", .listen = "127.0.0.1:7401"},
             {.name = "back", .listen = "127.0.0.1:7402"},
             {.name = "lab", .listen = "127.0.0.1:7403"}};
  d.microservices = {Placed("greet", MicroserviceKind::kServer, {"back"}),
                     Placed("hello", MicroserviceKind::kMain, {"front"}),
                     Placed("check", MicroserviceKind::kTest, {"lab"})};
  return d;
}

// The same application without placement: one process.
DeploymentOptions OneProcess() {
  DeploymentOptions d = Networked();
  d.name = "dev";
  d.key_path = "config.dev";
  d.hosts.clear();
  for (MicroserviceOptions& ms : d.microservices) ms.hosts.clear();
  return d;
}

HostCommand Command() {
  return {.executable = "/proc/self/exe",
          .argv0 = "/opt/bin/parigot",
          .descriptor = "app.toml",
          .engine = "interp"};
}

TEST(CheckHostFlagTest, NoHostFlagIsAlwaysFine) {
  EXPECT_TRUE(CheckHostFlag(Networked(), "").ok());
  EXPECT_TRUE(CheckHostFlag(OneProcess(), "").ok());
}

TEST(CheckHostFlagTest, AHostOfTheDeploymentIsFine) {
  EXPECT_TRUE(CheckHostFlag(Networked(), "front").ok());
  EXPECT_TRUE(CheckHostFlag(Networked(), "lab").ok());
}

TEST(CheckHostFlagTest, UnknownHostNamesTheDescriptorAndListsTheHosts) {
  Status status = CheckHostFlag(Networked(), "bak");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "app.toml: deployment \"net\" has no host \"bak\"; its hosts: "
            "front, back, lab");
}

TEST(CheckHostFlagTest, HostOnADeploymentWithoutHostsIsAnError) {
  Status status = CheckHostFlag(OneProcess(), "front");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("app.toml: deployment \"dev\" has no hosts"));
  EXPECT_THAT(status.message(), HasSubstr("--host front"));
}

TEST(PlanUpTest, OneChildPerHostWithSomethingToRun) {
  Result<UpPlan> plan = PlanUp(Networked(), RunMode::kRun, Command());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->children.size(), 2u);
  const ChildSpec& front = plan->children[0];
  EXPECT_EQ(front.name, "host front");
  EXPECT_TRUE(front.is_program);
  EXPECT_EQ(front.executable, "/proc/self/exe");
  EXPECT_THAT(front.argv,
              ElementsAre("/opt/bin/parigot", "run", "app.toml", "-d", "net",
                          "--host", "front", "--engine", "interp", "--log-format", "text",
                          "--log-level", "info"));
  const ChildSpec& back = plan->children[1];
  EXPECT_EQ(back.name, "host back");
  EXPECT_FALSE(back.is_program);
  EXPECT_THAT(back.argv, ElementsAre("/opt/bin/parigot", "run", "app.toml", "-d",
                                     "net", "--host", "back", "--engine", "interp",
                                     "--log-format", "text", "--log-level", "info"));
  // lab holds only a Test program: nothing to run under `parigot run`.
  EXPECT_THAT(plan->idle_hosts, ElementsAre("lab"));
}

TEST(PlanUpTest, TestModeRunsTheTestProgramsHostsWithUpsLogFlags) {
  HostCommand command = Command();
  command.log_format = "json";
  command.log_level = "debug";
  Result<UpPlan> plan = PlanUp(Networked(), RunMode::kTest, command);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->children.size(), 2u);
  EXPECT_EQ(plan->children[0].name, "host back");
  EXPECT_FALSE(plan->children[0].is_program);
  EXPECT_EQ(plan->children[1].name, "host lab");
  EXPECT_TRUE(plan->children[1].is_program);
  EXPECT_THAT(plan->children[1].argv,
              ElementsAre("/opt/bin/parigot", "test", "app.toml", "-d", "net",
                          "--host", "lab", "--engine", "interp", "--log-format", "json",
                          "--log-level", "debug"));
  EXPECT_THAT(plan->idle_hosts, ElementsAre("front"));
}

TEST(PlanUpTest, AReplicatedServerRunsOnEachOfItsHosts) {
  DeploymentOptions d = Networked();
  d.microservices[0].hosts = {"back", "lab"};
  Result<UpPlan> plan = PlanUp(d, RunMode::kRun, Command());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->children.size(), 3u);
  EXPECT_EQ(plan->children[2].name, "host lab");
  EXPECT_FALSE(plan->children[2].is_program);
  EXPECT_TRUE(plan->idle_hosts.empty());
}

TEST(PlanUpTest, DeploymentWithoutHostsIsAnError) {
  Result<UpPlan> plan = PlanUp(OneProcess(), RunMode::kRun, Command());
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(plan.status().message(),
              HasSubstr("app.toml: deployment \"dev\" has no hosts"));
  EXPECT_THAT(plan.status().message(), HasSubstr("use parigot run"));
  EXPECT_THAT(PlanUp(OneProcess(), RunMode::kTest, Command()).status().message(),
              HasSubstr("use parigot test"));
}

// Servers alone would serve for ever: `up` refuses to start them.
TEST(PlanUpTest, NoProgramForTheModeIsAnError) {
  DeploymentOptions d = Networked();
  d.microservices = {Placed("hello", MicroserviceKind::kMain, {"front"}),
                     Placed("greet", MicroserviceKind::kServer, {"back"})};
  Result<UpPlan> plan = PlanUp(d, RunMode::kTest, Command());
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(plan.status().message(),
            "app.toml: deployment \"net\" has no Test program (a microservice with Test = "
            "true): parigot up --test would run its servers and never end; its Main "
            "program runs with parigot run");
  d.microservices.erase(d.microservices.begin());
  EXPECT_EQ(PlanUp(d, RunMode::kRun, Command()).status().message(),
            "app.toml: deployment \"net\" has no Main program (a microservice with Main = "
            "true): parigot up would run its servers and never end");
}

// Requests drive an application behind an HTTP ingress: it runs with no
// Main program, until a handler calls exit_all. Tests still need theirs.
TEST(CheckHasProgramTest, AnHttpIngressRunsWithoutAMainProgram) {
  DeploymentOptions web = OneProcess();
  web.microservices.resize(1);  // greet, a server
  MicroserviceOptions ingress;
  ingress.name = "web";
  ingress.builtin = "http";
  web.microservices.push_back(ingress);
  EXPECT_TRUE(CheckHasProgram(web, RunMode::kRun, "parigot run").ok());
  EXPECT_EQ(CheckHasProgram(web, RunMode::kTest, "parigot test").code(),
            StatusCode::kInvalidArgument);
}

TEST(CheckHasProgramTest, EachModeNeedsItsOwnKindOfProgram) {
  EXPECT_TRUE(CheckHasProgram(OneProcess(), RunMode::kRun, "parigot run").ok());
  EXPECT_TRUE(CheckHasProgram(OneProcess(), RunMode::kTest, "parigot test").ok());
  DeploymentOptions servers = OneProcess();
  servers.microservices.resize(1);  // greet, a server
  Status run = CheckHasProgram(servers, RunMode::kRun, "parigot run");
  EXPECT_EQ(run.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(run.message(),
            "app.toml: deployment \"dev\" has no Main program (a microservice with Main = "
            "true): parigot run would run its servers and never end");
  DeploymentOptions tests_only = OneProcess();
  tests_only.microservices.erase(tests_only.microservices.begin() + 1);  // hello
  EXPECT_THAT(CheckHasProgram(tests_only, RunMode::kRun, "parigot run").message(),
              HasSubstr("; its Test programs run with parigot test"));
  EXPECT_TRUE(CheckHasProgram(tests_only, RunMode::kTest, "parigot test").ok());
}

}  // namespace
}  // namespace parigot::cli
