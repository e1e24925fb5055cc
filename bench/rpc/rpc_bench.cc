// The RPC benchmark (bench/rpc/README.md): guest->guest calls through the
// real `parigot` command on every engine it accepts, in one process, and
// between two local hosts over gRPC (`parigot up`, network mode); and the
// same unary echo through raw gRPC C++ (in-process channel, loopback TCP) in
// this process, in one run. Prints a table and writes the metrics as JSON.
//
//   rpc_bench --parigot bin/parigot --out bench/rpc.json
//             [--wasm-dir wasm] [--engines aot,interp] [--net on|off]
//             [--scale 1.0] [--runs 3]
//
// Exit code 0 when every measurement that should exist was made; 1
// otherwise (the JSON is still written, with nulls); 2 for bad flags.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench/harness/report.h"
#include "bench/rpc/cases.h"
#include "bench/rpc/grpc_baseline.h"
#include "bench/rpc/parigot_runner.h"
#include "bench/rpc/rpc_report.h"

namespace parigot::bench {
namespace {

struct Flags {
  std::string parigot;
  std::string out;
  std::string wasm_dir;
  std::vector<std::string> engines = {"aot", "interp"};
  double scale = 1.0;  // multiplies every call count (0.1 for a quick look)
  // The network column: the cases between two hosts (`parigot up`, aot).
  bool net = true;
  // Runs of each parigot case on every engine but interp (which gets one),
  // and on two hosts; the run with the median p50 is kept.
  int runs = 3;
};

std::optional<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    const std::string value = argv[++i];
    if (arg == "--parigot") {
      flags.parigot = value;
    } else if (arg == "--out") {
      flags.out = value;
    } else if (arg == "--wasm-dir") {
      flags.wasm_dir = value;
    } else if (arg == "--engines") {
      flags.engines.clear();
      std::istringstream list(value);
      for (std::string e; std::getline(list, e, ',');) {
        if (!e.empty()) flags.engines.push_back(e);
      }
    } else if (arg == "--net") {
      if (value != "on" && value != "off") return std::nullopt;
      flags.net = value == "on";
    } else if (arg == "--runs") {
      flags.runs = std::atoi(value.c_str());
    } else if (arg == "--scale") {
      flags.scale = std::atof(value.c_str());
    } else {
      return std::nullopt;
    }
  }
  if (flags.parigot.empty() || flags.out.empty() || flags.scale <= 0 || flags.runs <= 0) {
    return std::nullopt;
  }
  return flags;
}

int Scaled(int n, double scale) { return std::max(10, static_cast<int>(n * scale)); }

bool failed = false;

void Error(const Status& status) {
  std::fprintf(stderr, "rpc_bench: %s\n", status.ToString().c_str());
  failed = true;
}

void RunGrpc(const Flags& flags, Results& results) {
  GrpcEchoServer server;
  if (!server.status().ok()) return Error(server.status());
  struct Column {
    std::string name;
    std::shared_ptr<grpc::Channel> channel;
  };
  const std::vector<Column> columns = {{kGrpcInProcessColumn, server.InProcessChannel()},
                                       {kGrpcTcpColumn, server.TcpChannel()}};
  for (const Column& column : columns) {
    std::printf("  gRPC %s ...\n", column.name.c_str() + 5);
    std::fflush(stdout);
    for (const Case& c : Cases()) {
      if (!c.compared_with.empty()) continue;  // a parigot client variant
      // TCP round trips cost ~3x in-process ones: fewer of them.
      const bool tcp = column.name == kGrpcTcpColumn;
      const int n = Scaled(tcp ? c.n_aot / 2 : c.n_aot, flags.scale);
      Result<LatencyStats> stats = UnavailableError("unreached");
      if (c.mode == "seq") {
        stats = Sequential(*column.channel, c.bytes, n, std::max(100, n / 10));
      } else if (c.mode == "pipe") {
        stats = Pipelined(*column.channel, c.bytes, n, kWindow);
      } else if (!tcp) {
        stats = FanOut(*column.channel, c.bytes, n, kFanout);
      } else {
        continue;  // fan-out over TCP: not measured
      }
      if (stats.ok()) {
        results.cells[column.name][c.key] = *stats;
      } else {
        results.cells[column.name][c.key] = std::nullopt;
        Error(Status(stats.status().code(),
                     column.name + " " + c.label + ": " + stats.status().message()));
      }
    }
  }
}

// One parigot column: the cases run on one engine in one process, or on two
// hosts.
struct ParigotColumn {
  std::string name;  // in Results::cells
  std::string engine;
  Placement placement = Placement::kOneProcess;
  int runs = 1;                 // runs of each case; the median is kept
  int Case::*calls = nullptr;   // the case's call count for this column
};

std::vector<ParigotColumn> ParigotColumns(const Flags& flags) {
  std::vector<ParigotColumn> columns;
  for (const std::string& engine : flags.engines) {
    const bool interp = engine == "interp";
    columns.push_back({.name = engine,
                       .engine = engine,
                       .runs = interp ? 1 : flags.runs,
                       .calls = interp ? &Case::n_interp : &Case::n_aot});
  }
  if (flags.net) {
    columns.push_back({.name = kNetColumn,
                       .engine = "aot",
                       .placement = Placement::kTwoHosts,
                       .runs = flags.runs,
                       .calls = &Case::n_net});
  }
  return columns;
}

// The run with the median p50 (a pipelined case: the median calls/s), after
// printing the spread of all runs.
LatencyStats MedianCaseRun(std::vector<LatencyStats> runs, const Case& c) {
  const bool pipe = c.mode == "pipe";
  if (runs.size() > 1) {
    std::string spread;
    for (const LatencyStats& run : runs) {
      char buf[32];
      std::snprintf(buf, sizeof buf, pipe ? " %.0f" : " %.1f",
                    pipe ? run.calls_per_s : run.p50_us);
      spread += buf;
    }
    std::printf("    %-18s %s over %zu runs:%s\n", c.label.c_str(), pipe ? "calls/s" : "p50 us",
                runs.size(), spread.c_str());
  }
  return MedianRun(std::move(runs), pipe);
}

void RunParigot(const Flags& flags, const ParigotColumn& column, Results& results) {
  ParigotSetup setup{.parigot = flags.parigot,
                     .wasm_dir = flags.wasm_dir,
                     .work_dir = std::filesystem::path(flags.out).parent_path().string() +
                                 "/rpc_apps"};
  if (setup.work_dir == "/rpc_apps") setup.work_dir = "rpc_apps";
  const bool net = column.placement == Placement::kTwoHosts;
  std::printf("  parigot %s --engine %s%s ...\n", net ? "up" : "run", column.engine.c_str(),
              net ? " (two hosts)" : "");
  std::fflush(stdout);
  Status probe = ProbeEngine(setup, column.engine, column.placement);
  if (!probe.ok()) {
    // A column parigot refuses is missing, not failed; any other failure of
    // the probe is a real error of something that exists.
    std::printf("  %s: missing (%s)\n", column.name.c_str(), probe.message().c_str());
    results.missing.push_back(column.name);
    if (probe.code() != StatusCode::kFailedPrecondition) Error(probe);
    return;
  }
  for (const Case& c : Cases()) {
    if (c.*column.calls == 0) continue;  // not measured in this column
    const GuestCase guest_case{.mode = c.mode,
                               .bytes = c.bytes,
                               .n = Scaled(c.*column.calls, flags.scale),
                               .window = kWindow,
                               .placement = column.placement};
    std::vector<LatencyStats> runs;
    for (int run = 0; run < column.runs; ++run) {
      Result<LatencyStats> stats = RunGuestCase(setup, column.engine, guest_case);
      if (!stats.ok()) {
        Error(stats.status());
        break;
      }
      runs.push_back(*stats);
    }
    if (static_cast<int>(runs.size()) < column.runs) {
      results.cells[column.name][c.key] = std::nullopt;
    } else {
      results.cells[column.name][c.key] = MedianCaseRun(std::move(runs), c);
    }
  }
}

int Main(int argc, char** argv) {
  std::optional<Flags> flags = ParseFlags(argc, argv);
  if (!flags) {
    std::fprintf(stderr, "usage: rpc_bench --parigot BIN --out FILE [--wasm-dir DIR] "
                         "[--engines aot,interp] [--net on|off] [--scale F] [--runs N]\n");
    return 2;
  }
  std::printf("RPC benchmark (bench/rpc/README.md)\n");
  Results results{.engines = flags->engines, .net = flags->net};
  for (const ParigotColumn& column : ParigotColumns(*flags)) {
    RunParigot(*flags, column, results);
  }
  RunGrpc(*flags, results);

  // aot if it was measured, else the first engine that was.
  for (const std::string& engine : flags->engines) {
    if (results.cells.count(engine) == 0) continue;
    if (engine == "aot" || results.default_engine.empty()) results.default_engine = engine;
  }
  Status written = PrintTableAndWriteJson(Table(results), flags->out, BuildMetrics(results));
  if (!written.ok()) Error(written);
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace parigot::bench

int main(int argc, char** argv) { return parigot::bench::Main(argc, argv); }
