// The `parigot` command. See docs/cli.md.
//
//   parigot run  app.toml [--deployment NAME] [--engine aot|interp]
//   parigot test app.toml [...]
//   parigot check app.toml [--deployment NAME]
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <string>
#include <vector>

#include "host/engine/make_engine.h"
#include "host/runtime/application.h"
#include "parigot/deploy/descriptor.h"

namespace {

// Exit code for a bad command line or descriptor (nothing ran).
constexpr int kExitUsage = 2;

// Where this build (or installation) keeps its guests: <bin>/../wasm.
std::vector<std::filesystem::path> DefaultWasmDirs() {
  std::error_code error;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return {};
  return {exe.parent_path().parent_path() / "wasm",
          exe.parent_path().parent_path() / "share" / "parigot" / "wasm"};
}

std::shared_ptr<spdlog::logger> MakeLogger(bool verbose) {
  auto logger = spdlog::stdout_color_mt("parigot");
  logger->set_pattern("%H:%M:%S.%e %^%-5l%$ %v");
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::trace);
  return logger;
}

spdlog::level::level_enum ToSpdlog(parigot::kernel::LogLevel level) {
  switch (level) {
    case parigot::kernel::LogLevel::kDebug: return spdlog::level::debug;
    case parigot::kernel::LogLevel::kInfo: return spdlog::level::info;
    case parigot::kernel::LogLevel::kWarn: return spdlog::level::warn;
    case parigot::kernel::LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

struct CommonFlags {
  std::string descriptor;
  std::string deployment;
  std::string engine = "aot";  // the default engine (DESIGN.md section 5)
  bool verbose = false;
};

std::optional<parigot::deploy::DeploymentOptions> Load(const CommonFlags& flags) {
  auto extra = DefaultWasmDirs();
  auto deployment =
      parigot::deploy::LoadDeployment(flags.descriptor, flags.deployment, extra);
  if (!deployment.ok()) {
    std::cerr << "parigot: " << deployment.status().message() << "\n";
    return std::nullopt;
  }
  for (const std::string& warning : deployment->warnings) {
    std::cerr << "parigot: warning: " << warning << "\n";
  }
  return std::move(*deployment);
}

int Run(const CommonFlags& flags, parigot::deploy::RunMode mode) {
  std::optional<parigot::deploy::DeploymentOptions> deployment = Load(flags);
  if (!deployment) return kExitUsage;
  auto logger = MakeLogger(flags.verbose);
  parigot::runtime::ApplicationOptions options;
  options.mode = mode;
  options.default_engine = flags.engine;
  options.log = [logger](std::string_view source, parigot::kernel::LogLevel level,
                         std::string_view text) {
    logger->log(ToSpdlog(level), "[{}] {}", source, text);
  };
  auto result = parigot::runtime::RunApplication(*deployment, options);
  if (!result.ok()) {
    std::cerr << "parigot: " << result.status().message() << "\n";
    return kExitUsage;
  }
  logger->debug("[parigot] application exited with code {}", result->exit_code);
  logger->flush();
  if (result->abandoned_guests > 0) {
    std::fflush(nullptr);
    std::_Exit(result->exit_code);
  }
  return result->exit_code;
}

void AddCommonFlags(CLI::App* command, CommonFlags& flags) {
  command->add_option("descriptor", flags.descriptor,
                      "deployment descriptor (TOML)")
      ->required();
  command->add_option("-d,--deployment", flags.deployment,
                      "deployment in the descriptor ([config.NAME]); default: "
                      "$PARIGOT_DEPLOYMENT, the only one, or \"dev\"");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"parigot: microservices as WebAssembly guests, in one process "
               "or many"};
  app.set_version_flag("--version", "parigot 0.1.0");
  app.require_subcommand(1);

  CommonFlags flags;
  std::vector<std::string> engines;
  for (std::string_view name : parigot::engine::EngineNames()) {
    engines.emplace_back(name);
  }
  CLI::App* run = app.add_subcommand("run", "run an application's Main program and its services");
  CLI::App* test = app.add_subcommand("test", "run an application's Test programs and its services");
  CLI::App* check = app.add_subcommand("check", "validate a descriptor and exit");
  for (CLI::App* command : {run, test}) {
    AddCommonFlags(command, flags);
    command->add_option("--engine", flags.engine,
                        "engine for microservices whose descriptor names none "
                        "(aot: native code, the default; interp: the wabt interpreter)")
        ->check(CLI::IsMember(engines));
    command->add_flag("-v,--verbose", flags.verbose, "log debug lines too");
  }
  AddCommonFlags(check, flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? 0 : kExitUsage;
  }

  if (run->parsed()) return Run(flags, parigot::deploy::RunMode::kRun);
  if (test->parsed()) return Run(flags, parigot::deploy::RunMode::kTest);
  if (check->parsed()) {
    if (!Load(flags)) return kExitUsage;
    std::cout << flags.descriptor << ": ok\n";
    return 0;
  }
  return kExitUsage;
}
