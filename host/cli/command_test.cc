// The built `parigot` binary, run as a user would: the command-line errors
// of network mode, and the host tag of log lines under --host.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "host/cli/supervisor.h"

namespace parigot::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr, one line each
};

// Runs `parigot args...` to its end (the Supervisor is the simplest way to
// collect a child's output and exit code).
Outcome Parigot(std::vector<std::string> args) {
  args.insert(args.begin(), PARIGOT_BINARY);
  Outcome outcome;
  Supervisor supervisor(
      {{.name = "parigot", .argv = std::move(args), .is_program = true}},
      {.handle_signals = false,
       .output = [&](std::string_view line) { (outcome.output += line) += "\n"; },
       .report = [](spdlog::level::level_enum, std::string_view) {}});
  Result<int> code = supervisor.Run();
  EXPECT_TRUE(code.ok()) << code.status().ToString();
  if (code.ok()) outcome.exit_code = *code;
  return outcome;
}

const std::string kOneProcess = PARIGOT_EXAMPLES "/helloworld/helloworld.toml";
const std::string kNetworked = PARIGOT_EXAMPLES "/helloworld/helloworld-net.toml";

TEST(CommandTest, RunWithAnUnknownHostNamesTheDescriptorAndTheHosts) {
  for (const char* command : {"run", "test"}) {
    Outcome o = Parigot({command, kNetworked, "--host", "bak"});
    EXPECT_EQ(o.exit_code, 2) << o.output;
    EXPECT_THAT(o.output, HasSubstr("helloworld-net.toml: deployment \"dev\" has no "
                                    "host \"bak\"; its hosts: front, back"));
  }
}

TEST(CommandTest, RunWithHostOnADeploymentWithoutHosts) {
  Outcome o = Parigot({"run", kOneProcess, "--host", "front"});
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_THAT(o.output, HasSubstr("helloworld.toml: deployment \"dev\" has no hosts"));
}

TEST(CommandTest, UpOnADeploymentWithoutHosts) {
  Outcome o = Parigot({"up", kOneProcess});
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_THAT(o.output, HasSubstr("helloworld.toml: deployment \"dev\" has no hosts: "
                                  "it runs as one process; use parigot run"));
}

// A host that holds the whole application needs no peer: its lines are
// tagged with its name, and `parigot up` runs it alone.
TEST(CommandTest, RunWithHostTagsEachLineWithTheHostAndUpRunsIt) {
  std::string dir_pattern = fs::temp_directory_path() / "command_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir_pattern.data()), nullptr);
  fs::path descriptor = fs::path(dir_pattern) / "solo.toml";
  std::ofstream(descriptor) << R"([config.solo.host.front]
Listen = "127.0.0.1:17391"
[config.solo.host.back]
Listen = "127.0.0.1:17392"
[config.solo.microservice.greet]
WasmPath = "greet.wasm"
Host = "front"
[config.solo.microservice.helloworld]
WasmPath = "hello.wasm"
Main = true
Host = "front"
)";
  Outcome o = Parigot({"run", descriptor.string(), "--host", "front", "--engine",
                       "interp"});
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_THAT(o.output, HasSubstr("[front/helloworld] bonjour world"));
  // Without --host, the same deployment runs in one process, untagged.
  Outcome whole = Parigot({"run", descriptor.string(), "--engine", "interp"});
  EXPECT_EQ(whole.exit_code, 0) << whole.output;
  EXPECT_THAT(whole.output, HasSubstr("[helloworld] bonjour world"));
  EXPECT_THAT(whole.output, Not(HasSubstr("[front/")));
  // `up` starts front only (back has nothing to run), and ends with it.
  Outcome up = Parigot({"up", descriptor.string(), "--engine", "interp"});
  EXPECT_EQ(up.exit_code, 0) << up.output;
  EXPECT_THAT(up.output, HasSubstr("[up] host back has nothing to run: not started"));
  EXPECT_THAT(up.output, HasSubstr("[front/helloworld] bonjour world"));
  EXPECT_THAT(up.output, HasSubstr("[up] host front exited with code 0"));
  fs::remove_all(dir_pattern);
}

}  // namespace
}  // namespace parigot::cli
