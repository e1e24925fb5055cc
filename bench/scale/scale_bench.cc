// The scale benchmark (issue 4): N services in one process start, serve one
// call each, and exit. Reports the time for the whole run and the resident
// memory each idle service adds, measured against a run of the client alone.
//
//   scale_bench --parigot BIN --work-dir DIR --out FILE [--count N]
//               [--engine aot|interp] [--runs R] [--append-to rpc.json]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "bench/harness/command.h"
#include "bench/harness/measure.h"
#include "bench/harness/report.h"

namespace parigot::bench {
namespace {

struct Flags {
  std::string parigot;
  std::string work_dir;
  std::string out;
  std::string engine = "aot";
  std::string append_to;  // also add the metrics to this report
  int count = 1000;
  int runs = 3;
};

// A deployment of `count` services (test_scale_service.wasm, each exporting
// scale.v1.S<i>) and the client that calls each once.
std::string WriteDescriptor(const Flags& flags, int count) {
  std::string path = flags.work_dir + "/scale" + std::to_string(count) + ".toml";
  std::ofstream out(path);
  out << "# Written by scale_bench: " << count << " services and a client.\n"
      << "[config.scale.Timeout]\nStartup = 120000\nComplete = 60000\n";
  for (int i = 0; i < count; ++i) {
    out << "[config.scale.microservice.s" << i << "]\n"
        << "WasmPath = \"test_scale_service.wasm\"\nArg = [\"" << i << "\"]\n";
  }
  out << "[config.scale.microservice.client]\n"
      << "WasmPath = \"test_scale_client.wasm\"\nArg = [\"" << count << "\"]\n"
      << "Main = true\n";
  return path;
}

// Median wall time and median peak RSS over `runs` runs of `count` services.
Result<RunCost> Measure(const Flags& flags, int count) {
  std::string descriptor = WriteDescriptor(flags, count);
  std::vector<double> wall, rss;
  for (int run = 0; run < flags.runs + 1; ++run) {
    Result<RunCost> cost =
        RunMeasured({flags.parigot, "run", "--engine", flags.engine, descriptor});
    if (!cost.ok()) return cost.status();
    if (run == 0) continue;  // warm-up: AOT artifacts, page cache
    wall.push_back(cost->wall_ms);
    rss.push_back(static_cast<double>(cost->max_rss_kb));
  }
  return RunCost{Median(wall), static_cast<long>(Median(rss))};
}

int Main(const Flags& flags) {
  Result<RunCost> alone = Measure(flags, 0);
  Result<RunCost> many = Measure(flags, flags.count);
  if (!alone.ok() || !many.ok()) {
    std::cerr << "scale_bench: " << (alone.ok() ? many : alone).status().ToString() << "\n";
    return 1;
  }
  double per_service_kb =
      static_cast<double>(many->max_rss_kb - alone->max_rss_kb) / flags.count;
  std::string n = std::to_string(flags.count);
  std::printf("scale: %d services on %s, median of %d runs\n", flags.count,
              flags.engine.c_str(), flags.runs);
  std::printf("  client alone          %8.1f ms  %8ld KB peak RSS\n", alone->wall_ms,
              alone->max_rss_kb);
  std::printf("  %4d services         %8.1f ms  %8ld KB peak RSS\n", flags.count,
              many->wall_ms, many->max_rss_kb);
  std::printf("  per service                      %8.1f KB (goal: <= 2048 KB beyond "
              "its linear memory)\n",
              per_service_kb);
  std::vector<Metric> metrics = {
      Compared("scale.client_alone_ms", alone->wall_ms, "ms", "", std::nullopt),
      Compared("scale.services_" + n + "_startup_ms", many->wall_ms, "ms",
               "scale.client_alone_ms", alone->wall_ms),
      Compared("scale.client_alone_rss_kb", static_cast<double>(alone->max_rss_kb), "KB",
               "", std::nullopt),
      Compared("scale.rss_per_service_kb", per_service_kb, "KB", "", std::nullopt),
      Compared("scale.services_" + n + "_rss_kb", static_cast<double>(many->max_rss_kb),
               "KB", "scale.client_alone_rss_kb", static_cast<double>(alone->max_rss_kb)),
  };
  Status written = WriteJson(flags.out, metrics);
  if (!written.ok()) {
    std::cerr << "scale_bench: " << written.ToString() << "\n";
    return 1;
  }
  std::printf("wrote %s\n", flags.out.c_str());
  if (!flags.append_to.empty()) {
    Status appended = AppendJson(flags.append_to, metrics);
    if (!appended.ok()) {
      std::cerr << "scale_bench: " << appended.ToString() << "\n";
      return 1;
    }
    std::printf("added to %s\n", flags.append_to.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace parigot::bench

int main(int argc, char** argv) {
  parigot::bench::Flags flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i], value = argv[i + 1];
    if (key == "--parigot") flags.parigot = value;
    else if (key == "--work-dir") flags.work_dir = value;
    else if (key == "--out") flags.out = value;
    else if (key == "--engine") flags.engine = value;
    else if (key == "--append-to") flags.append_to = value;
    else if (key == "--count") flags.count = std::atoi(value.c_str());
    else if (key == "--runs") flags.runs = std::atoi(value.c_str());
    else {
      std::cerr << "scale_bench: unknown flag " << key << "\n";
      return 2;
    }
  }
  if (flags.parigot.empty() || flags.work_dir.empty() || flags.out.empty() ||
      flags.count <= 0 || flags.runs <= 0) {
    std::cerr << "usage: scale_bench --parigot BIN --work-dir DIR --out FILE "
                 "[--count N] [--engine aot|interp] [--runs R]\n";
    return 2;
  }
  return parigot::bench::Main(flags);
}
