// compute_bench: the compute suite (workloads.h) natively and on every engine
// MakeEngine can build, plus helloworld's end-to-end startup time; prints
// tables and writes the metrics as JSON. See bench/README.md.
//
//   compute_bench --wasm bench_compute.wasm --out compute.json
//                 [--parigot bin/parigot --descriptor helloworld.toml]
//                 [--reps 5] [--startup-runs 10] [--only fib,sort]
//
// Exit code 0 when every measurement that could be made was made and every
// checksum matched; 1 on a checksum mismatch or a failure of an engine that
// exists (an engine that is not built yet is reported missing, not an error);
// 2 on a bad command line.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/compute/workloads.h"
#include "bench/harness/command.h"
#include "bench/harness/guest_runner.h"
#include "bench/harness/measure.h"
#include "bench/harness/report.h"
#include "host/engine/make_engine.h"

namespace parigot::bench {
namespace {

struct Workload {
  const char* name;
  uint64_t (*function)(uint32_t);
  uint32_t size;
};

#define PARIGOT_BENCH_ROW(name, function, size) {#name, &function, size},
constexpr Workload kWorkloads[] = {PARIGOT_BENCH_WORKLOADS(PARIGOT_BENCH_ROW)};
#undef PARIGOT_BENCH_ROW

// A call slower than this gets kSlowReps repetitions instead of --reps (the
// interpreter: keeps `make bench` within a minute or two).
constexpr double kSlowCallMs = 1000;
constexpr int kSlowReps = 3;

struct Flags {
  std::string wasm;
  std::string out;
  std::string parigot;
  std::string descriptor;
  int reps = 5;
  int startup_runs = 10;
  std::vector<std::string> only;
};

std::optional<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "compute_bench: %s needs a value\n", arg.c_str());
      return std::nullopt;
    }
    const std::string value = argv[++i];
    if (arg == "--wasm") {
      flags.wasm = value;
    } else if (arg == "--out") {
      flags.out = value;
    } else if (arg == "--parigot") {
      flags.parigot = value;
    } else if (arg == "--descriptor") {
      flags.descriptor = value;
    } else if (arg == "--reps") {
      flags.reps = std::max(1, std::atoi(value.c_str()));
    } else if (arg == "--startup-runs") {
      flags.startup_runs = std::max(1, std::atoi(value.c_str()));
    } else if (arg == "--only") {
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        if (comma == std::string::npos) comma = value.size();
        flags.only.push_back(value.substr(start, comma - start));
        start = comma + 1;
      }
    } else {
      std::fprintf(stderr, "compute_bench: unknown flag %s\n", arg.c_str());
      return std::nullopt;
    }
  }
  if (flags.wasm.empty() || flags.out.empty()) {
    std::fprintf(stderr, "usage: compute_bench --wasm FILE --out FILE [--parigot BIN "
                         "--descriptor TOML] [--reps N] [--startup-runs N] [--only a,b]\n");
    return std::nullopt;
  }
  return flags;
}

// One column of the table: an engine, or the reason it has no numbers.
struct EngineColumn {
  std::string name;
  std::unique_ptr<GuestRunner> runner;  // null: missing or failed
  std::string missing;                  // why runner is null
  double load_ms = 0;
  std::map<std::string, double> ms;     // workload -> median ms
};

// Times `call` (which returns a checksum): one warm-up, then `reps` runs (or
// kSlowReps if the warm-up was slow); every checksum must equal `expected`
// (unless expected is nullopt: then the warm-up's result is the reference,
// returned in *checksum). Returns the median ms, or an error.
template <typename Call>
Result<double> TimeWorkload(Call&& call, int reps, std::optional<uint64_t> expected,
                            uint64_t* checksum) {
  Result<uint64_t> first = 0;
  const double warm_ms = TimeMs([&] { first = call(); });
  if (!first.ok()) return first.status();
  if (expected.has_value() && *first != *expected) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "checksum %016llx, native %016llx",
                  static_cast<unsigned long long>(*first),
                  static_cast<unsigned long long>(*expected));
    return DataLossError(buf);
  }
  if (checksum != nullptr) *checksum = *first;
  const int n = warm_ms > kSlowCallMs ? kSlowReps : reps;
  std::vector<double> samples;
  for (int i = 0; i < n; ++i) {
    Result<uint64_t> result = 0;
    samples.push_back(TimeMs([&] { result = call(); }));
    if (!result.ok()) return result.status();
    if (*result != *first) return DataLossError("checksum changed between repetitions");
  }
  return Median(std::move(samples));
}

std::optional<std::vector<uint8_t>> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::string Cell(std::optional<double> ms, std::optional<double> native) {
  if (!ms.has_value()) return "missing";
  char buf[48];
  if (native.has_value() && *native > 0) {
    std::snprintf(buf, sizeof buf, "%.1f (%.2fx)", *ms, *ms / *native);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", *ms);
  }
  return buf;
}

template <typename Map>
std::optional<double> Find(const Map& map, const std::string& key) {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

// helloworld end to end, `runs` times after one warm-up run; the median ms.
Result<double> TimeHelloworld(const Flags& flags, const std::string& engine) {
  const std::vector<std::string> argv = {flags.parigot, "run", "--engine", engine,
                                         flags.descriptor};
  const auto failure = [&](const Status& status) {
    return Status(status.code(), "parigot run --engine " + engine + " " + flags.descriptor +
                                     ": " + status.message());
  };
  Result<double> warm = RunTimed(argv);
  if (!warm.ok()) return failure(warm.status());
  std::vector<double> samples;
  for (int i = 0; i < flags.startup_runs; ++i) {
    Result<double> ms = RunTimed(argv);
    if (!ms.ok()) return failure(ms.status());
    samples.push_back(*ms);
  }
  return Median(std::move(samples));
}

int Main(int argc, char** argv) {
  std::optional<Flags> flags = ParseFlags(argc, argv);
  if (!flags) return 2;
  bool failed = false;

  std::vector<const Workload*> workloads;
  for (const Workload& w : kWorkloads) {
    if (flags->only.empty() ||
        std::find(flags->only.begin(), flags->only.end(), w.name) != flags->only.end()) {
      workloads.push_back(&w);
    }
  }

  std::optional<std::vector<uint8_t>> wasm = ReadFile(flags->wasm);
  std::vector<EngineColumn> engines;
  for (std::string_view name : engine::EngineNames()) {
    EngineColumn column{.name = std::string(name)};
    auto made = engine::MakeEngine(name);
    if (!made.ok()) {
      column.missing = made.status().ToString();
    } else if (!wasm.has_value()) {
      column.missing = "cannot read " + flags->wasm;
      failed = true;
    } else {
      auto runner = GuestRunner::Create(**made, *wasm, "bench_compute.wasm", &column.load_ms);
      if (runner.ok()) {
        column.runner = std::move(*runner);
      } else {
        column.missing = runner.status().ToString();
        failed = true;
      }
    }
    if (!column.missing.empty()) {
      std::printf("engine %s: missing: %s\n", column.name.c_str(), column.missing.c_str());
    } else {
      std::printf("engine %s: bench_compute.wasm loaded and instantiated in %.1f ms\n",
                  column.name.c_str(), column.load_ms);
    }
    engines.push_back(std::move(column));
  }
  std::fflush(stdout);

  std::map<std::string, double> native_ms;
  for (const Workload* w : workloads) {
    uint64_t checksum = 0;
    volatile uint32_t size = w->size;  // keeps the native call opaque
    Result<double> ms = TimeWorkload([&]() -> Result<uint64_t> { return w->function(size); },
                                     flags->reps, std::nullopt, &checksum);
    native_ms[w->name] = *ms;  // native calls cannot fail
    std::printf("%-10s native  %10.1f ms  checksum %016llx\n", w->name, *ms,
                static_cast<unsigned long long>(checksum));
    std::fflush(stdout);
    for (EngineColumn& column : engines) {
      if (!column.runner) continue;
      Result<double> engine_ms = TimeWorkload(
          [&]() { return column.runner->Call(w->name, w->size); }, flags->reps, checksum,
          nullptr);
      if (!engine_ms.ok()) {
        std::printf("%-10s %-7s ERROR: %s\n", w->name, column.name.c_str(),
                    engine_ms.status().ToString().c_str());
        failed = true;
        continue;
      }
      column.ms[w->name] = *engine_ms;
      std::printf("%-10s %-7s %10.1f ms  (%.2fx native)\n", w->name, column.name.c_str(),
                  *engine_ms, *engine_ms / *ms);
      std::fflush(stdout);
    }
  }

  // The metrics, in table order.
  std::vector<Metric> metrics;
  for (const Workload* w : workloads) {
    const std::string prefix = std::string("compute.") + w->name + ".";
    metrics.push_back(Compared(prefix + "native_ms", native_ms[w->name], "ms", "", std::nullopt));
    for (const EngineColumn& column : engines) {
      metrics.push_back(Compared(prefix + column.name + "_ms", Find(column.ms, w->name), "ms",
                                 prefix + "native_ms", native_ms[w->name]));
    }
  }
  std::map<std::string, std::optional<double>> geomeans;
  for (const EngineColumn& column : engines) {
    std::vector<double> ratios;
    for (const Workload* w : workloads) {
      if (auto ms = Find(column.ms, w->name)) ratios.push_back(*ms / native_ms[w->name]);
    }
    std::optional<double> geomean;
    if (!ratios.empty() && ratios.size() == workloads.size()) geomean = GeoMean(ratios);
    geomeans[column.name] = geomean;
    metrics.push_back(Compared("compute." + column.name + "_vs_native.geomean", geomean,
                               "ratio", "native", 1.0));
  }
  for (const EngineColumn& column : engines) {
    if (column.runner) {
      metrics.push_back(Compared("compute." + column.name + ".load_ms", column.load_ms, "ms",
                                 "", std::nullopt));
    }
  }

  // Startup: helloworld end to end, the interpreter as the baseline.
  std::map<std::string, std::optional<double>> startup;
  std::map<std::string, std::string> startup_missing;
  if (!flags->parigot.empty() && !flags->descriptor.empty()) {
    for (const char* engine : {"interp", "aot"}) {
      if (auto made = engine::MakeEngine(engine); !made.ok()) {
        startup_missing[engine] = made.status().ToString();
        continue;
      }
      Result<double> ms = TimeHelloworld(*flags, engine);
      if (ms.ok()) {
        startup[engine] = *ms;
      } else {
        startup_missing[engine] = ms.status().ToString();
        failed = true;
      }
    }
    metrics.push_back(Compared("startup.helloworld_interp_ms", startup["interp"], "ms", "",
                               std::nullopt));
    metrics.push_back(Compared("startup.helloworld_aot_ms", startup["aot"], "ms",
                               "startup.helloworld_interp_ms", startup["interp"]));
  }

  // The table.
  std::printf("\ncompute suite: median wall ms per call (x native), same size on every "
              "engine\n");
  std::printf("%-10s %8s %12s", "workload", "size", "native");
  for (const EngineColumn& column : engines) std::printf(" %20s", column.name.c_str());
  std::printf("\n");
  for (const Workload* w : workloads) {
    std::printf("%-10s %8u %12.1f", w->name, w->size, native_ms[w->name]);
    for (const EngineColumn& column : engines) {
      std::printf(" %20s", Cell(Find(column.ms, w->name), native_ms[w->name]).c_str());
    }
    std::printf("\n");
  }
  std::printf("%-10s %8s %12s", "geomean", "", "1.00x");
  for (const EngineColumn& column : engines) {
    const std::optional<double>& g = geomeans[column.name];
    char buf[32];
    if (g.has_value()) std::snprintf(buf, sizeof buf, "%.2fx", *g);
    std::printf(" %20s", g.has_value() ? buf : "missing");
  }
  std::printf("   (goal: aot <= 1.10x)\n");
  if (!flags->parigot.empty() && !flags->descriptor.empty()) {
    std::printf("\nstartup: helloworld end to end (parigot run), median of %d warm runs\n",
                flags->startup_runs);
    for (const char* engine : {"interp", "aot"}) {
      if (auto ms = startup[engine]) {
        std::printf("  %-7s %8.1f ms%s\n", engine, *ms,
                    std::strcmp(engine, "aot") == 0 ? "   (goal: <= 20 ms)" : "");
      } else {
        std::printf("  %-7s  missing: %s\n", engine, startup_missing[engine].c_str());
      }
    }
  }

  if (Status written = WriteJson(flags->out, metrics); !written.ok()) {
    std::fprintf(stderr, "compute_bench: %s\n", written.ToString().c_str());
    return 1;
  }
  std::printf("\nwrote %s\n", flags->out.c_str());
  if (failed) std::printf("compute_bench: FAILED (see the errors above)\n");
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace parigot::bench

int main(int argc, char** argv) { return parigot::bench::Main(argc, argv); }
