// The HTTP and built-ins benchmark (bench/http/README.md), in one run:
//
// * per engine, `parigot run --host web` on ONE host in network mode holding
//   the HTTP ingress and test_web.wasm (http_apps.h); the handler
//   test.v1.Web/Echo is then measured through the ingress with wrk, and by
//   gRPC's C++ client at its fastest (completion queues, generic stub) on
//   the host's port with the request the ingress would build, each with one
//   request at a time and under the same concurrent load;
// * the kv built-in timed from a guest (guest/kv_bench.cc): durable Puts,
//   Gets and Batches, in one process (and with the store on another host),
//   beside the durable-write floor (a write + fdatasync from this process).
// Prints a table with ratios and writes the metrics as JSON.
//
//   http_bench --parigot bin/parigot --out bench/http.json [--wasm-dir wasm]
//              [--engines aot,interp] [--seconds 2] [--runs 3] [--connections 32]
//              [--threads 2] [--wrk wrk] [--kv on|off] [--kv-net on|off]
//              [--base-port 7641]
//
// Ports: base (the host's gRPC), base+1 (the ingress), base+2 and base+3
// (the kv hosts). Exit code 0 when every measurement was made; 1 otherwise
// (the JSON is still written, with nulls); 2 for bad flags.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/harness/background.h"
#include "bench/harness/command.h"
#include "bench/http/grpc_cq_load.h"
#include "bench/http/http_apps.h"
#include "bench/http/http_report.h"
#include "bench/http/wrk.h"
#include "parigot/http/v1/http.pb.h"

namespace parigot::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Flags {
  std::string parigot;
  std::string out;
  std::string wasm_dir;
  std::string wrk = "wrk";
  std::vector<std::string> engines = {"aot"};
  int seconds = 2;   // each measurement's timed span
  int runs = 3;      // rounds of the four HTTP measurements; medians kept
  int connections = 32;
  int threads = 2;
  bool kv = true;
  bool kv_net = true;
  int base_port = 7641;
};

// The flags, by name: each takes one value.
constexpr std::pair<const char*, std::string Flags::*> kTextFlags[] = {
    {"--parigot", &Flags::parigot}, {"--out", &Flags::out},
    {"--wasm-dir", &Flags::wasm_dir}, {"--wrk", &Flags::wrk}};
constexpr std::pair<const char*, int Flags::*> kNumberFlags[] = {
    {"--seconds", &Flags::seconds},   {"--runs", &Flags::runs},
    {"--connections", &Flags::connections}, {"--threads", &Flags::threads},
    {"--base-port", &Flags::base_port}};
constexpr std::pair<const char*, bool Flags::*> kOnOffFlags[] = {{"--kv", &Flags::kv},
                                                                 {"--kv-net", &Flags::kv_net}};

// Sets the flag `name` of `flags` to `value`; false for an unknown flag or
// a bad value.
bool SetFlag(Flags& flags, const std::string& name, const std::string& value) {
  for (auto [flag, field] : kTextFlags) {
    if (name == flag) return !(flags.*field = value).empty();
  }
  for (auto [flag, field] : kNumberFlags) {
    if (name == flag) return (flags.*field = std::atoi(value.c_str())) > 0;
  }
  for (auto [flag, field] : kOnOffFlags) {
    if (name == flag) return (flags.*field = value == "on") || value == "off";
  }
  if (name != "--engines") return false;
  flags.engines.clear();
  std::istringstream list(value);
  for (std::string e; std::getline(list, e, ',');) {
    if (!e.empty()) flags.engines.push_back(e);
  }
  return !flags.engines.empty();
}

std::optional<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  if (argc % 2 == 0) return std::nullopt;  // a flag without its value
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!SetFlag(flags, argv[i], argv[i + 1])) return std::nullopt;
  }
  if (flags.parigot.empty() || flags.out.empty() || flags.connections < flags.threads) {
    return std::nullopt;
  }
  return flags;
}

bool failed = false;

void Error(const Status& status) {
  std::fprintf(stderr, "http_bench: %s\n", status.ToString().c_str());
  failed = true;
}

void Say(const std::string& what) {
  std::printf("  %s\n", what.c_str());
  std::fflush(stdout);
}

// The request the ingress builds for wrk's "GET /echo" (host/builtin/http/
// server.cc: lower-case header names, the host without its port), so that
// both paths give the handler the same work.
std::string EchoRequest(int ingress_port) {
  ::parigot::http::v1::Request request;
  request.set_method("GET");
  request.set_path(kEchoPath);
  ::parigot::http::v1::Header* host = request.add_headers();
  host->set_name("host");
  host->set_value("127.0.0.1:" + std::to_string(ingress_port));
  request.set_host("127.0.0.1");
  request.set_remote_address("127.0.0.1:40000");
  request.set_version("HTTP/1.1");
  request.set_route_prefix(kEchoPath);
  return request.SerializeAsString();
}

// Waits for both ports, then for the handler to answer a gRPC call with a
// 200 (its service may register a moment after the host's port opens).
Status WaitUntilServing(Background& server, const HttpPorts& ports, const std::string& request) {
  // The first AOT run of a guest compiles it, which takes tens of seconds
  // on this kind of machine.
  for (int port : {ports.host, ports.ingress}) {
    Status up = WaitForPort(port, std::chrono::seconds(240));
    if (!up.ok()) return up;
  }
  const std::string address = "127.0.0.1:" + std::to_string(ports.host);
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(30);
  for (;;) {
    if (!server.Running()) return UnavailableError("parigot exited");
    Result<std::string> answer = CallOnce(address, kEchoMethod, request);
    if (answer.ok()) {
      ::parigot::http::v1::Response response;
      if (!response.ParseFromString(*answer) || response.status() != 200) {
        return DataLossError("the handler's gRPC answer is not a 200 Response");
      }
      return Status::Ok();
    }
    if (Clock::now() > deadline) return answer.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::optional<LatencyStats> Kept(Result<LatencyStats> stats, const std::string& what) {
  if (stats.ok()) return *stats;
  Error(Status(stats.status().code(), what + ": " + stats.status().message()));
  return std::nullopt;
}

std::optional<LatencyStats> Kept(Result<WrkResult> result, const std::string& what) {
  if (result.ok()) return result->stats;
  return Kept(Result<LatencyStats>(result.status()), what);
}

void RunHttp(const Flags& flags, const std::string& engine, const std::string& work_dir,
             HttpResults& results) {
  const HttpPorts ports{.host = flags.base_port, .ingress = flags.base_port + 1};
  const std::string path = work_dir + "/http_" + engine + ".toml";
  std::ofstream(path) << HttpAppDescriptor(flags.wasm_dir, ports);
  Say("parigot run --engine " + engine + " --host " + kHttpHost + " (ingress and handler) ...");
  Result<std::unique_ptr<Background>> server =
      Background::Start({flags.parigot, "run", path, "--host", kHttpHost, "--engine", engine},
                        work_dir + "/http_" + engine + ".log");
  if (!server.ok()) return Error(server.status());
  const std::string request = EchoRequest(ports.ingress);
  Status serving = WaitUntilServing(**server, ports, request);
  if (!serving.ok()) {
    (*server)->Stop();
    return Error(Status(serving.code(), engine + ": " + serving.message() + "; its log ends:\n" +
                                            FileTail((*server)->log_path())));
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(ports.ingress) + kEchoPath;
  const auto duration = std::chrono::seconds(flags.seconds);
  WrkOptions wrk{.wrk = flags.wrk, .url = url, .duration = std::chrono::seconds(1)};
  CqLoadOptions grpc{.address = "127.0.0.1:" + std::to_string(ports.host),
                     .method = kEchoMethod,
                     .request = request,
                     .duration = duration};
  // An untimed wrk second first: connections made, the handler warm. Then
  // `runs` rounds of the four measurements back to back, so that both
  // sides see the same machine; each keeps its median run.
  (void)RunWrk(wrk);
  wrk.duration = duration;
  std::vector<LatencyStats> ingress_seq, grpc_seq, ingress_load, grpc_load;
  auto measure = [&](std::vector<LatencyStats>& into, std::optional<LatencyStats> got) {
    if (got) into.push_back(*got);
  };
  for (int run = 0; run < flags.runs; ++run) {
    Say("run " + std::to_string(run + 1) + " of " + std::to_string(flags.runs) +
        ": wrk and gRPC, 1 then " + std::to_string(flags.connections) + " at once ...");
    wrk.threads = grpc.threads = 1;
    wrk.connections = grpc.concurrency = 1;
    measure(ingress_seq, Kept(RunWrk(wrk), engine + " wrk 1 connection"));
    measure(grpc_seq, Kept(RunCqLoad(grpc), engine + " gRPC sequential"));
    wrk.threads = grpc.threads = flags.threads;
    wrk.connections = grpc.concurrency = flags.connections;
    measure(ingress_load, Kept(RunWrk(wrk), engine + " wrk load"));
    measure(grpc_load, Kept(RunCqLoad(grpc), engine + " gRPC load"));
  }
  // A measurement that failed in any run is missing, not a median of fewer.
  auto median = [&](std::vector<LatencyStats>& runs, bool by_throughput) {
    return static_cast<int>(runs.size()) == flags.runs
               ? std::optional<LatencyStats>(MedianRun(std::move(runs), by_throughput))
               : std::nullopt;
  };
  HttpEngineResults& r = results.http[engine];
  r.ingress_seq = median(ingress_seq, false);
  r.grpc_seq = median(grpc_seq, false);
  r.ingress_load = median(ingress_load, true);
  r.grpc_load = median(grpc_load, true);
  const int code = (*server)->Stop();
  // 130: stopped by the signal, as `parigot run` reports it.
  if (code != 0 && code != 130) {
    Error(UnavailableError(engine + ": parigot exited with code " + std::to_string(code) +
                           "; its log ends:\n" + FileTail((*server)->log_path())));
  }
}

// The durable-write floor: `n` writes of 100 bytes, each followed by
// fdatasync, in `dir` (the store's file system); each write's latency.
Result<LatencyStats> FsyncFloor(const std::string& dir, int n) {
  const std::string path = dir + "/fsync_probe";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return UnavailableError("cannot open " + path);
  const std::string block(100, 'f');
  std::vector<double> samples;
  const Clock::time_point began = Clock::now();
  for (int i = 0; i < n; ++i) {
    const Clock::time_point start = Clock::now();
    if (pwrite(fd, block.data(), block.size(), static_cast<off_t>(i) * 100) < 0 ||
        fdatasync(fd) != 0) {
      close(fd);
      return UnavailableError("write or fdatasync failed on " + path);
    }
    samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  close(fd);
  fs::remove(path);
  return Summarize(std::move(samples),
                   std::chrono::duration<double, std::micro>(Clock::now() - began).count(), n);
}

Result<KvResults> KvFromOutput(const std::string& output) {
  KvResults kv;
  for (const auto& fields : FindResultLines(output)) {
    auto phase = fields.find("phase");
    if (phase == fields.end()) continue;
    Result<LatencyStats> stats = StatsFromFields(fields);
    if (!stats.ok()) return stats.status();
    kv.phases[phase->second] = *stats;
    if (auto keys = fields.find("keys_per_s"); keys != fields.end()) {
      kv.batch_keys_per_s = std::atof(keys->second.c_str());
    }
  }
  if (kv.phases.size() != 3) return NotFoundError("the kv guest reported no put, get and batch");
  return kv;
}

void RunKv(const Flags& flags, const std::string& column, const std::string& work_dir,
           HttpResults& results) {
  const bool net = column != "aot";
  KvCase c;
  if (net) {
    c.front_port = flags.base_port + 2;
    c.store_port = flags.base_port + 3;
  }
  const std::string data_dir = work_dir + "/kv_data_" + (net ? "net" : "aot");
  fs::remove_all(data_dir);  // every run starts on an empty store
  fs::create_directories(data_dir);
  const std::string path = work_dir + "/kv_" + (net ? "net" : "aot") + ".toml";
  std::ofstream(path) << KvAppDescriptor(flags.wasm_dir, data_dir, c);
  Say(std::string("parigot ") + (net ? "up" : "run") + " --engine aot (kv" +
      (net ? ", the store on another host" : "") + ") ...");
  results.kv_columns.push_back(column);
  results.kv[column] = std::nullopt;
  Result<CommandResult> run =
      RunCommand({flags.parigot, net ? "up" : "run", path, "--engine", "aot"},
                 {.capture_output = true, .limit = std::chrono::seconds(300)});
  if (!run.ok()) return Error(run.status());
  if (run->exit_code != 0) {
    const std::string& out = run->output;
    return Error(AbortedError("kv " + column + ": exit code " + std::to_string(run->exit_code) +
                              ":\n" + out.substr(out.size() > 2000 ? out.size() - 2000 : 0)));
  }
  Result<KvResults> kv = KvFromOutput(run->output);
  if (!kv.ok()) return Error(kv.status());
  results.kv[column] = *kv;
  if (!net) results.fsync = Kept(FsyncFloor(data_dir, 200), "fsync floor");
}

int Main(int argc, char** argv) {
  std::optional<Flags> flags = ParseFlags(argc, argv);
  if (!flags) {
    std::fprintf(stderr,
                 "usage: http_bench --parigot BIN --out FILE [--wasm-dir DIR]"
                 " [--engines aot,interp] [--seconds N] [--runs N] [--connections N]"
                 " [--threads N] [--wrk BIN] [--kv on|off] [--kv-net on|off] [--base-port P]\n");
    return 2;
  }
  // Absolute, since a descriptor's relative paths are read relative to the
  // descriptor's own directory.
  const std::string work_dir = (fs::absolute(flags->out).parent_path() / "http_apps").string();
  if (!flags->wasm_dir.empty()) flags->wasm_dir = fs::absolute(flags->wasm_dir).string();
  fs::create_directories(work_dir);
  std::printf("HTTP and built-ins benchmark (bench/http/README.md)\n");
  HttpResults results{.connections = flags->connections,
                      .threads = flags->threads,
                      .engines = flags->engines};
  for (const std::string& engine : flags->engines) RunHttp(*flags, engine, work_dir, results);
  if (flags->kv) RunKv(*flags, "aot", work_dir, results);
  if (flags->kv && flags->kv_net) RunKv(*flags, "aot net", work_dir, results);
  Status written =
      PrintTableAndWriteJson(HttpTable(results), flags->out, BuildHttpMetrics(results));
  if (!written.ok()) Error(written);
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace parigot::bench

int main(int argc, char** argv) { return parigot::bench::Main(argc, argv); }
