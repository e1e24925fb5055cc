#include "bench/rpc/parigot_runner.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include "bench/harness/command.h"

namespace parigot::bench {
namespace {

// parigot's exit code for a bad command line or descriptor (docs/cli.md).
constexpr int kUsageExit = 2;

bool Net(const GuestCase& c) { return c.placement == Placement::kTwoHosts; }

std::string Tail(const std::string& output, size_t lines) {
  size_t at = output.size();
  while (lines-- > 0 && at > 0) {
    at = output.rfind('\n', at - 1);
    if (at == std::string::npos) return output;
  }
  return output.substr(at == 0 ? 0 : at + 1);
}

struct Run {
  int exit_code = 0;
  std::string output;
};

Result<Run> RunParigot(const ParigotSetup& setup, const std::string& engine,
                       const GuestCase& c) {
  HostPorts ports;
  if (Net(c)) {
    Result<HostPorts> picked = PickLoopbackPorts();
    if (!picked.ok()) return picked.status();
    ports = *picked;
  }
  std::error_code ec;
  std::filesystem::create_directories(setup.work_dir, ec);
  const std::string path = setup.work_dir + "/rpc_" + (Net(c) ? "net_" : "") + c.mode + "_" +
                           std::to_string(c.bytes) + "_" + engine + ".toml";
  {
    std::ofstream file(path);
    file << AppDescriptor(setup.wasm_dir, c, ports);
    if (!file) return UnavailableError("cannot write " + path);
  }
  const std::vector<std::string> argv = {setup.parigot, Net(c) ? "up" : "run", path,
                                         "--engine", engine};
  Result<CommandResult> run =
      RunCommand(argv, {.capture_output = true, .limit = setup.limit});
  if (!run.ok()) return run.status();
  return Run{run->exit_code, std::move(run->output)};
}

std::string Describe(const std::string& engine, const GuestCase& c) {
  return std::string("parigot ") + (Net(c) ? "up" : "run") + " --engine " + engine + " (" +
         c.mode + ", " + std::to_string(c.bytes) + " B)";
}

// The stats a finished run printed, or why there are none.
Result<LatencyStats> Outcome(const Run& run, const std::string& engine, const GuestCase& c) {
  if (run.exit_code != 0) {
    return AbortedError(Describe(engine, c) + " exited with code " +
                        std::to_string(run.exit_code) + "; it printed:\n" +
                        Tail(run.output, 8));
  }
  auto fields = FindResultLine(run.output);
  if (!fields.ok()) {
    return Status(fields.status().code(), Describe(engine, c) + ": " +
                                              fields.status().message() + "; it printed:\n" +
                                              Tail(run.output, 8));
  }
  Result<LatencyStats> stats = StatsFromFields(*fields);
  if (!stats.ok()) {
    return Status(stats.status().code(), Describe(engine, c) + ": " + stats.status().message());
  }
  return stats;
}

}  // namespace

Result<LatencyStats> RunGuestCase(const ParigotSetup& setup, const std::string& engine,
                                  const GuestCase& c) {
  Result<Run> run = RunParigot(setup, engine, c);
  if (!run.ok()) {
    return Status(run.status().code(), Describe(engine, c) + ": " + run.status().message());
  }
  return Outcome(*run, engine, c);
}

Status ProbeEngine(const ParigotSetup& setup, const std::string& engine,
                   Placement placement) {
  const GuestCase probe{.mode = "seq", .bytes = 16, .n = 10, .warmup = 0,
                        .placement = placement};
  Result<Run> run = RunParigot(setup, engine, probe);
  if (!run.ok()) return run.status();
  if (run->exit_code == kUsageExit) {
    return FailedPreconditionError(Describe(engine, probe) + " is refused: " +
                                   Tail(run->output, 3));
  }
  Result<LatencyStats> stats = Outcome(*run, engine, probe);
  return stats.ok() ? Status::Ok() : stats.status();
}

}  // namespace parigot::bench
