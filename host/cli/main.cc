// The `parigot` command. See docs/cli.md.
//
//   parigot run  app.toml [--deployment NAME] [--engine aot|interp] [--host H]
//                [--log-format text|json] [--log-level debug|info|warn|error]
//   parigot test app.toml [...]
//   parigot up   app.toml [--deployment NAME] [--engine aot|interp] [--test] [--log-...]
//   parigot check app.toml [--deployment NAME]
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/cli/hosts.h"
#include "host/cli/supervisor.h"
#include "host/cli/test_report.h"
#include "host/engine/make_engine.h"
#include "host/log/format.h"
#include "host/log/sink.h"
#include "host/runtime/application.h"
#include "host/scaffold/scaffold.h"
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

using parigot::log::Level;

struct CommonFlags {
  std::string descriptor;
  std::string deployment;
  std::string engine = "aot";  // the default engine (DESIGN.md section 5)
  bool verbose = false;        // the same as --log-level debug
  std::string log_format = "text";
  std::string log_level = "info";
  std::string host;   // run, test: the one host to run
  bool test = false;  // up: run the Test programs
  // test, up --test: which tests run; where to write JUnit XML.
  std::optional<std::string> filter;
  std::string junit;
  std::string results_file;  // test: set by `up` (test_report.h)
};

// The least level logged: --log-level, or debug with -v (CLI11 has checked
// both, and that they are not given together).
std::string LogLevelName(const CommonFlags& flags) {
  return flags.verbose ? "debug" : flags.log_level;
}

// The one log on stdout, as the flags ask.
std::shared_ptr<parigot::log::Sink> MakeSink(const CommonFlags& flags) {
  return std::make_shared<parigot::log::Sink>(parigot::log::SinkOptions{
      .format = parigot::log::ParseFormat(flags.log_format).value_or(parigot::log::Format::kText),
      .level = parigot::log::ParseLevel(LogLevelName(flags)).value_or(Level::kInfo),
      .host = flags.host});
}

// The last line of run, test and up, at info level but written whatever
// --log-level says: "exited with code 3 (Main program shop exited with
// code 3)". In JSON, the code and the reason are members too, for
// machines; in text the words say them.
void LogExit(parigot::log::Sink& sink, std::string_view source, int code,
             const std::string& reason) {
  std::string message = "exited with code " + std::to_string(code);
  if (!reason.empty()) message += " (" + reason + ")";
  std::vector<parigot::log::Field> fields;
  if (sink.format() == parigot::log::Format::kJson) {
    fields = {{"exit_code", int64_t{code}}, {"reason", reason}};
  }
  sink.WriteUnfiltered(Level::kInfo, source, message, fields);
}

Level FromSpdlog(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return Level::kDebug;
    case spdlog::level::warn: return Level::kWarn;
    case spdlog::level::err:
    case spdlog::level::critical: return Level::kError;
    default: return Level::kInfo;
  }
}

// Where the tests' report goes (test_report.h): whole lines on stdout,
// through the log's sink, so that they never interleave with log lines; in
// JSON each is a message of its own (source "test"), so that every line of
// the output stays JSON.
std::function<void(std::string_view)> ReportWriter(std::shared_ptr<parigot::log::Sink> sink) {
  return [sink = std::move(sink)](std::string_view line) {
    if (sink->format() == parigot::log::Format::kJson) {
      sink->WriteUnfiltered(Level::kInfo, "test", line);
    } else {
      sink->WriteLine(line);
    }
  };
}

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

// Set by `parigot up` for its hosts: its own pid.
constexpr char kSupervisorPidEnvVar[] = "PARIGOT_SUPERVISOR_PID";

// A host started by `parigot up` ends (SIGTERM, as if up had sent it) when
// up dies without stopping it, e.g. killed with SIGKILL: never an orphan
// serving on its port.
void EndWithSupervisor() {
  const char* supervisor = std::getenv(kSupervisorPidEnvVar);
  if (supervisor == nullptr) return;
  pid_t expected = static_cast<pid_t>(std::atol(supervisor));
  if (expected <= 0 || getppid() != expected) return;
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  // The supervisor may have died before prctl took effect.
  if (getppid() != expected) std::raise(SIGTERM);
}

int Run(const CommonFlags& flags, parigot::deploy::RunMode mode) {
  EndWithSupervisor();
  std::optional<parigot::deploy::DeploymentOptions> deployment = Load(flags);
  if (!deployment) return kExitUsage;
  if (parigot::Status host = parigot::cli::CheckHostFlag(*deployment, flags.host);
      !host.ok()) {
    std::cerr << "parigot: " << host.message() << "\n";
    return kExitUsage;
  }
  // Servers alone would run for ever, waiting for a program that never
  // comes. With --host, the program may be on another host.
  if (parigot::Status program = parigot::cli::CheckHasProgram(
          *deployment, mode,
          mode == parigot::deploy::RunMode::kRun ? "parigot run" : "parigot test");
      !program.ok()) {
    std::cerr << "parigot: " << program.message() << "\n";
    return kExitUsage;
  }
  // With --host, lines name their host too ("[front/helloworld]"), so that
  // the merged log of `parigot up` says where each line comes from. Every
  // line is its own, named by its true source: a name or a text holding a
  // newline or a terminal control cannot forge another line (log/format.h).
  std::shared_ptr<parigot::log::Sink> sink = MakeSink(flags);
  std::unique_ptr<parigot::cli::TestReport> tests;
  if (mode == parigot::deploy::RunMode::kTest) {
    parigot::Result<parigot::cli::TestFilter> filter =
        parigot::cli::TestFilter::Parse(flags.filter.value_or("*"));
    parigot::Result<std::unique_ptr<parigot::cli::TestReport>> made =
        filter.ok() ? parigot::cli::TestReport::Make(
                          {.filter = *filter,
                           .junit_path = flags.junit,
                           .results_path = flags.results_file,
                           .source_prefix = flags.host.empty() ? "" : flags.host + "/",
                           .output = ReportWriter(sink)})
                    : parigot::Result<std::unique_ptr<parigot::cli::TestReport>>(filter.status());
    if (!made.ok()) {
      std::cerr << "parigot: " << made.status().message() << "\n";
      return kExitUsage;
    }
    tests = std::move(*made);
  }
  parigot::runtime::ApplicationOptions options;
  options.mode = mode;
  options.tests = tests.get();
  options.default_engine = flags.engine;
  options.host = flags.host;
  options.log_level = sink->level();
  options.log = [sink](std::string_view source, Level level, std::string_view text,
                       std::span<const parigot::log::Field> fields) {
    sink->Write(level, source, text, fields);
  };
  auto result = parigot::runtime::RunApplication(*deployment, options);
  if (!result.ok()) {
    // Under `parigot up` this line is merged with other hosts' output.
    std::cerr << "parigot: " << (flags.host.empty() ? "" : "host " + flags.host + ": ")
              << result.status().message() << "\n";
    return kExitUsage;
  }
  // A failed test makes the exit code 1 when the programs' was 0.
  const int exit_code = tests ? tests->Finish(result->exit_code) : result->exit_code;
  LogExit(*sink, "parigot", exit_code,
          exit_code == result->exit_code ? result->exit_reason : "a test failed");
  if (result->abandoned_guests > 0) {
    std::fflush(nullptr);
    std::_Exit(exit_code);
  }
  return exit_code;
}

// `parigot up`: every host of the deployment as a child process running
// `parigot run --host H`, supervised (host/cli/supervisor.h).
int Up(const CommonFlags& flags) {
  if (!flags.test && (flags.filter || !flags.junit.empty())) {
    std::cerr << "parigot: up: --filter and --junit need --test\n";
    return kExitUsage;
  }
  std::optional<parigot::deploy::DeploymentOptions> deployment = Load(flags);
  if (!deployment) return kExitUsage;
  parigot::deploy::RunMode mode =
      flags.test ? parigot::deploy::RunMode::kTest : parigot::deploy::RunMode::kRun;
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  parigot::cli::HostCommand command{
      // Still this program if its file is replaced or deleted while it runs.
      .executable = "/proc/self/exe",
      .argv0 = error ? "parigot" : self.string(),
      .descriptor = flags.descriptor,
      .engine = flags.engine,
      .log_format = flags.log_format,
      .log_level = LogLevelName(flags),
      .filter = flags.filter,
  };
  // The hosts' test results meet in a directory of up's own, then one
  // summary (test_report.h).
  std::string results_dir;
  if (flags.test) {
    if (flags.filter) {
      if (auto filter = parigot::cli::TestFilter::Parse(*flags.filter); !filter.ok()) {
        std::cerr << "parigot: " << filter.status().message() << "\n";
        return kExitUsage;
      }
    }
    std::error_code no_tmpdir;
    std::filesystem::path tmp = std::filesystem::temp_directory_path(no_tmpdir);
    std::string pattern = ((no_tmpdir ? std::filesystem::path("/tmp") : tmp) /
                           "parigot-up-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "parigot: cannot make a directory for the hosts' test results: "
                << std::strerror(errno) << "\n";
      return kExitUsage;
    }
    results_dir = command.results_dir = pattern;
  }
  struct RemoveResults {
    const std::string& dir;
    ~RemoveResults() {
      std::error_code ignored;
      if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
    }
  } remove_results{results_dir};
  parigot::Result<parigot::cli::UpPlan> plan =
      parigot::cli::PlanUp(*deployment, mode, command);
  if (!plan.ok()) {
    std::cerr << "parigot: " << plan.status().message() << "\n";
    return kExitUsage;
  }
  // If stdout goes away (`parigot up ... | head`), the application runs on
  // and ends as usual rather than leaving its hosts without a supervisor.
  std::signal(SIGPIPE, SIG_IGN);
  setenv(kSupervisorPidEnvVar, std::to_string(getpid()).c_str(), 1);
  std::shared_ptr<parigot::log::Sink> sink = MakeSink(flags);
  for (const std::string& host : plan->idle_hosts) {
    sink->Write(Level::kInfo, "up", "host " + host + " has nothing to run: not started");
  }
  const bool json = sink->format() == parigot::log::Format::kJson;
  parigot::cli::Supervisor supervisor(
      std::move(plan->children),
      {.output =
           [sink, json](std::string_view line) {
             // Children format and filter their own lines, as they are told
             // to (HostCommand), and up passes them on as they are. What a
             // child writes outside its log (an error on its stderr before
             // its log began, a crash) is not JSON: in JSON, up wraps it in
             // a message of its own, whatever up's level.
             if (!json || parigot::log::IsJsonObject(line)) {
               sink->WriteLine(line);
             } else {
               sink->WriteUnfiltered(Level::kWarn, "up", line);
             }
           },
       .report =
           [sink](spdlog::level::level_enum level, std::string_view text) {
             sink->Write(FromSpdlog(level), "up", text);
           }});
  parigot::Result<int> exit_code = supervisor.Run();
  if (!exit_code.ok()) {
    std::cerr << "parigot: " << exit_code.status().message() << "\n";
    return kExitUsage;
  }
  int code = *exit_code;
  if (flags.test) {
    code = parigot::cli::FinishUpTests(plan->results_paths, flags.junit, ReportWriter(sink),
                                       *exit_code);
  }
  LogExit(*sink, "up", code, code == *exit_code ? supervisor.exit_reason() : "a test failed");
  return code;
}

// `parigot new DIR`: writes an application (host/scaffold/scaffold.h).
int New(const parigot::scaffold::ScaffoldOptions& options) {
  auto written = parigot::scaffold::Scaffold(options);
  if (!written.ok()) {
    std::cerr << "parigot new: " << written.status().message() << "\n";
    return kExitUsage;
  }
  for (const std::filesystem::path& file : written->files) {
    std::cout << "  " << (options.dir / file).string() << "\n";
  }
  const std::string descriptor = written->descriptor.string();
  std::cout << "Build and run it (with parigot's SDK on PATH):\n"
            << "  cd " << options.dir.string() << "\n"
            << "  cmake --workflow --preset default\n"
            << "  parigot run " << descriptor << "\n"
            << "Test it: parigot test " << descriptor << "\n";
  return 0;
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
  CLI::App* up = app.add_subcommand(
      "up", "run every host of a networked deployment as its own process");
  CLI::App* check = app.add_subcommand("check", "validate a descriptor and exit");
  CLI::App* create = app.add_subcommand(
      "new", "write a new application (service, program, test, build, descriptors) into DIR");
  parigot::scaffold::ScaffoldOptions scaffold;
  std::string scaffold_dir;
  create->add_option("dir", scaffold_dir, "directory to write into (created if missing)")
      ->required();
  create->add_option("--name", scaffold.app,
                     "application name (default: the directory's name)");
  create->add_option("--service", scaffold.service, "service name, CamelCase")
      ->capture_default_str();
  create->add_option("--package", scaffold.package,
                     "proto package (default: NAME.v1, lower case)");
  for (CLI::App* command : {run, test, up}) {
    AddCommonFlags(command, flags);
    command->add_option("--engine", flags.engine,
                        "engine for microservices whose descriptor names none "
                        "(aot: native code, the default; interp: the wabt interpreter)")
        ->check(CLI::IsMember(engines));
    command->add_option("--log-format", flags.log_format,
                        "how the log is written: text (the default) or json (one "
                        "object per line)")
        ->check(CLI::IsMember({"text", "json"}));
    CLI::Option* level =
        command
            ->add_option("--log-level", flags.log_level,
                         "the least level logged: debug, info (the default), warn or error")
            ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
    command->add_flag("-v,--verbose", flags.verbose, "log debug lines too (--log-level debug)")
        ->excludes(level);
  }
  for (CLI::App* command : {run, test}) {
    command->add_option("--host", flags.host,
                        "run only this host's microservices (network mode); "
                        "without it, a deployment with hosts runs in one process");
  }
  up->add_flag("--test", flags.test, "run the Test programs instead of Main");
  for (CLI::App* command : {test, up}) {
    command->add_option("--filter", flags.filter,
                        "tests to run: Suite.Name patterns with * and ?, ':'-separated, "
                        "then '-' and patterns to leave out (e.g. 'Greeting.*-*Slow')");
    command->add_option("--junit", flags.junit, "write the tests' results as JUnit XML to FILE");
  }
  // Used by `parigot up --test` for its hosts, not by people.
  test->add_option("--results-file", flags.results_file)->group("");
  AddCommonFlags(check, flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? 0 : kExitUsage;
  }

  if (run->parsed()) return Run(flags, parigot::deploy::RunMode::kRun);
  if (test->parsed()) return Run(flags, parigot::deploy::RunMode::kTest);
  if (up->parsed()) return Up(flags);
  if (create->parsed()) {
    scaffold.dir = scaffold_dir;
    return New(scaffold);
  }
  if (check->parsed()) {
    if (!Load(flags)) return kExitUsage;
    std::cout << flags.descriptor << ": ok\n";
    return 0;
  }
  return kExitUsage;
}
