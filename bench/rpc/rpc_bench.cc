// The RPC benchmark (bench/rpc/README.md): guest->guest calls through the
// real `parigot` command on every engine it accepts, and the same unary
// echo through raw gRPC C++ (in-process channel, loopback TCP) in this
// process, in one run. Prints a table and writes the metrics as JSON.
//
//   rpc_bench --parigot bin/parigot --out bench/rpc.json
//             [--wasm-dir wasm] [--engines aot,interp] [--scale 1.0] [--runs 3]
//
// Exit code 0 when every measurement that should exist was made; 1
// otherwise (the JSON is still written, with nulls); 2 for bad flags.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench/harness/report.h"
#include "bench/rpc/grpc_baseline.h"
#include "bench/rpc/parigot_runner.h"
#include "bench/rpc/stats.h"

namespace parigot::bench {
namespace {

struct Flags {
  std::string parigot;
  std::string out;
  std::string wasm_dir;
  std::vector<std::string> engines = {"aot", "interp"};
  double scale = 1.0;  // multiplies every call count (0.1 for a quick look)
  // Runs of each parigot case on every engine but interp (which gets one);
  // the run with the median p50 is kept.
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

// One row of the benchmark. Call counts are per engine, so that each case
// takes about a second (the interpreter runs guest code ~100x slower).
struct Case {
  std::string key;    // metric name part: "roundtrip", "roundtrip_1kb", ...
  std::string label;  // table row
  std::string mode;   // guest client mode: seq, pipe, fan
  size_t bytes;
  int n_aot;          // calls (rounds for fan) on aot, and for gRPC
  int n_interp;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"roundtrip", "round trip 16 B", "seq", 16, 20000, 3000},
      {"roundtrip_1kb", "round trip 1 KB", "seq", 1024, 20000, 2000},
      {"roundtrip_64kb", "round trip 64 KB", "seq", 65536, 2000, 100},
      {"pipelined", "pipelined 16 B", "pipe", 16, 100000, 5000},
      {"fanout8", "fan-out 8 x 16 B", "fan", 16, 3000, 300},
  };
  return cases;
}

constexpr int kWindow = 128;
constexpr int kFanout = 8;

int Scaled(int n, double scale) { return std::max(10, static_cast<int>(n * scale)); }

// column ("aot", "interp", "grpc_inproc", "grpc_tcp") -> case key -> stats
using Results = std::map<std::string, std::map<std::string, std::optional<LatencyStats>>>;

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
  const std::vector<Column> columns = {{"grpc_inproc", server.InProcessChannel()},
                                       {"grpc_tcp", server.TcpChannel()}};
  for (const Column& column : columns) {
    std::printf("  gRPC %s ...\n", column.name.c_str() + 5);
    std::fflush(stdout);
    for (const Case& c : Cases()) {
      // TCP round trips cost ~3x in-process ones: fewer of them.
      const bool tcp = column.name == "grpc_tcp";
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
        results[column.name][c.key] = *stats;
      } else {
        results[column.name][c.key] = std::nullopt;
        Error(Status(stats.status().code(),
                     column.name + " " + c.label + ": " + stats.status().message()));
      }
    }
  }
}

void RunParigot(const Flags& flags, Results& results, std::vector<std::string>& missing) {
  ParigotSetup setup{.parigot = flags.parigot,
                     .wasm_dir = flags.wasm_dir,
                     .work_dir = std::filesystem::path(flags.out).parent_path().string() +
                                 "/rpc_apps"};
  if (setup.work_dir == "/rpc_apps") setup.work_dir = "rpc_apps";
  for (const std::string& engine : flags.engines) {
    std::printf("  parigot --engine %s ...\n", engine.c_str());
    std::fflush(stdout);
    Status probe = ProbeEngine(setup, engine);
    if (!probe.ok()) {
      // An engine parigot refuses is missing, not failed; any other failure
      // of the probe is a real error of an engine that exists.
      std::printf("  %s: missing (%s)\n", engine.c_str(), probe.message().c_str());
      missing.push_back(engine);
      if (probe.code() != StatusCode::kFailedPrecondition) Error(probe);
      continue;
    }
    const int runs = engine == "interp" ? 1 : flags.runs;
    for (const Case& c : Cases()) {
      const int n = Scaled(engine == "interp" ? c.n_interp : c.n_aot, flags.scale);
      std::vector<LatencyStats> kept;
      for (int run = 0; run < runs; ++run) {
        Result<LatencyStats> stats = RunGuestCase(
            setup, engine, {.mode = c.mode, .bytes = c.bytes, .n = n, .window = kWindow});
        if (!stats.ok()) {
          Error(stats.status());
          break;
        }
        kept.push_back(*stats);
      }
      if (static_cast<int>(kept.size()) < runs) {
        results[engine][c.key] = std::nullopt;
        continue;
      }
      // The run with the median p50 (the pipelined case: median calls/s).
      const bool pipe = c.mode == "pipe";
      std::sort(kept.begin(), kept.end(), [pipe](const LatencyStats& a, const LatencyStats& b) {
        return pipe ? a.calls_per_s < b.calls_per_s : a.p50_us < b.p50_us;
      });
      results[engine][c.key] = kept[kept.size() / 2];
      if (runs > 1) {
        std::string spread;
        for (const LatencyStats& k : kept) {
          char buf[32];
          std::snprintf(buf, sizeof buf, pipe ? " %.0f" : " %.1f", pipe ? k.calls_per_s : k.p50_us);
          spread += buf;
        }
        std::printf("    %-18s %s over %d runs:%s\n", c.label.c_str(),
                    pipe ? "calls/s" : "p50 us", runs, spread.c_str());
      }
    }
  }
}

std::optional<LatencyStats> Get(const Results& results, const std::string& column,
                                const std::string& key) {
  auto c = results.find(column);
  if (c == results.end()) return std::nullopt;
  auto k = c->second.find(key);
  return k == c->second.end() ? std::nullopt : k->second;
}

// What one case reports: metric name suffixes and how to read them off.
struct Field {
  std::string suffix;  // appended to the case key
  std::string unit;
  double (*get)(const LatencyStats&);
};

std::vector<Field> FieldsOf(const std::string& mode) {
  auto p50 = [](const LatencyStats& s) { return s.p50_us; };
  auto p99 = [](const LatencyStats& s) { return s.p99_us; };
  auto cps = [](const LatencyStats& s) { return s.calls_per_s; };
  if (mode == "seq") return {{"_p50_us", "us", p50}, {"_p99_us", "us", p99}};
  if (mode == "pipe") return {{"_calls_per_s", "calls/s", cps}, {"_latency_p50_us", "us", p50}};
  return {{"_round_p50_us", "us", p50}, {"_round_p99_us", "us", p99},
          {"_calls_per_s", "calls/s", cps}};
}

std::optional<double> Read(const std::optional<LatencyStats>& stats, const Field& field) {
  if (!stats.has_value()) return std::nullopt;
  return field.get(*stats);
}

std::vector<Metric> BuildMetrics(const Results& results, const std::vector<std::string>& engines,
                                 const std::string& default_engine) {
  std::vector<Metric> metrics;
  for (const Case& c : Cases()) {
    for (const Field& f : FieldsOf(c.mode)) {
      const std::string name = c.key + f.suffix;
      const std::string baseline = "rpc.grpc_inproc." + name;
      const std::optional<double> base = Read(Get(results, "grpc_inproc", c.key), f);
      metrics.push_back(Compared("rpc.inproc." + name,
                                 Read(Get(results, default_engine, c.key), f), f.unit,
                                 baseline, base));
      for (const std::string& engine : engines) {
        metrics.push_back(Compared("rpc.inproc." + engine + "." + name,
                                   Read(Get(results, engine, c.key), f), f.unit, baseline,
                                   base));
      }
      metrics.push_back(Compared(baseline, base, f.unit, "", std::nullopt));
      if (c.mode != "fan") {
        metrics.push_back(Compared("rpc.grpc_tcp." + name,
                                   Read(Get(results, "grpc_tcp", c.key), f), f.unit, "",
                                   std::nullopt));
      }
    }
  }
  // The headline: parigot's 16 B p50 over gRPC in-process's (goal <= 0.2).
  std::optional<double> ratio;
  auto ours = Get(results, default_engine, "roundtrip");
  auto theirs = Get(results, "grpc_inproc", "roundtrip");
  if (ours && theirs && theirs->p50_us > 0) ratio = ours->p50_us / theirs->p50_us;
  metrics.push_back(Compared("rpc.inproc_vs_grpc_inproc.ratio", ratio, "ratio", "grpc_inproc",
                             1.0));
  metrics.push_back(Compared("rpc.inproc.engine_is_aot", default_engine == "aot" ? 1.0 : 0.0,
                             "bool", "", std::nullopt));
  return metrics;
}

std::string Cell(const Results& results, const std::vector<std::string>& missing,
                 const std::string& column, const Case& c, bool throughput) {
  for (const std::string& m : missing) {
    if (m == column) return "missing";
  }
  auto col = results.find(column);
  if (col == results.end()) return "-";
  auto it = col->second.find(c.key);
  if (it == col->second.end()) return "-";
  if (!it->second.has_value()) return "error";
  char buf[64];
  if (throughput) {
    std::snprintf(buf, sizeof buf, "%.0f/s", it->second->calls_per_s);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f / %.1f", it->second->p50_us, it->second->p99_us);
  }
  return buf;
}

void PrintTable(const Results& results, const std::vector<std::string>& engines,
                const std::vector<std::string>& missing, const std::string& default_engine) {
  std::vector<std::string> columns;
  std::vector<std::string> titles;
  for (const std::string& e : engines) {
    columns.push_back(e);
    titles.push_back("parigot " + e);
  }
  columns.insert(columns.end(), {"grpc_inproc", "grpc_tcp"});
  titles.insert(titles.end(), {"gRPC in-process", "gRPC TCP"});
  std::printf("\nRPC benchmark: latency p50 / p99 in us (lower is better); throughput in "
              "calls/s (higher is better)\n");
  std::printf("%-30s", "");
  for (const std::string& t : titles) std::printf("%20s", t.c_str());
  std::printf("\n");
  for (const Case& c : Cases()) {
    std::vector<std::pair<std::string, bool>> rows;
    if (c.mode == "seq") rows = {{c.label, false}};
    if (c.mode == "pipe") {
      rows = {{c.label + ", " + std::to_string(kWindow) + " in flight", true},
              {"  (per-call latency)", false}};
    }
    if (c.mode == "fan") rows = {{c.label + " (round)", false}, {"  (calls)", true}};
    for (const auto& [label, throughput] : rows) {
      std::printf("%-30s", label.c_str());
      for (const std::string& col : columns) {
        std::printf("%20s", Cell(results, missing, col, c, throughput).c_str());
      }
      std::printf("\n");
    }
  }
  auto ours = Get(results, default_engine, "roundtrip");
  auto theirs = Get(results, "grpc_inproc", "roundtrip");
  if (ours && theirs) {
    std::printf("\nparigot %s / gRPC in-process, 16 B p50: %.2fx   (goal: <= 0.20x and <= 1 us; "
                "pipelined goal >= 1,000,000 calls/s)\n",
                default_engine.c_str(), ours->p50_us / theirs->p50_us);
  }
}

int Main(int argc, char** argv) {
  std::optional<Flags> flags = ParseFlags(argc, argv);
  if (!flags) {
    std::fprintf(stderr, "usage: rpc_bench --parigot BIN --out FILE [--wasm-dir DIR] "
                         "[--engines aot,interp] [--scale F] [--runs N]\n");
    return 2;
  }
  std::printf("RPC benchmark (bench/rpc/README.md)\n");
  Results results;
  std::vector<std::string> missing;
  RunParigot(*flags, results, missing);
  RunGrpc(*flags, results);

  std::string default_engine = "interp";
  for (const std::string& e : flags->engines) {
    if (e == "aot" && results.count("aot") > 0) default_engine = "aot";
  }
  if (results.count(default_engine) == 0 && !flags->engines.empty() &&
      results.count(flags->engines.front()) > 0) {
    default_engine = flags->engines.front();
  }
  PrintTable(results, flags->engines, missing, default_engine);
  Status written = WriteJson(flags->out, BuildMetrics(results, flags->engines, default_engine));
  if (!written.ok()) {
    Error(written);
  } else {
    std::printf("wrote %s\n", flags->out.c_str());
  }
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace parigot::bench

int main(int argc, char** argv) { return parigot::bench::Main(argc, argv); }
