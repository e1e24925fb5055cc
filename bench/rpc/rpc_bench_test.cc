// The RPC benchmark's own logic, without running it: the descriptors it
// writes (loaded by parigot's own descriptor loader), the ports it picks,
// RESULT lines, and the metrics and table it reports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "bench/harness/app_dir_test.h"
#include "bench/rpc/app_descriptor.h"
#include "bench/rpc/cases.h"
#include "bench/rpc/rpc_report.h"
#include "bench/rpc/stats.h"
#include "parigot/deploy/descriptor.h"

namespace parigot::bench {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class AppDescriptorTest : public AppDirTest {
 protected:
  AppDescriptorTest() : AppDirTest({"bench_rpc_server.wasm", "bench_rpc_client.wasm"}) {}

  // Writes `c`'s descriptor and loads it as `parigot` does.
  Result<deploy::DeploymentOptions> Load(const GuestCase& c, const HostPorts& ports = {}) {
    return LoadToml(AppDescriptor(wasm_dir(), c, ports));
  }
};

TEST_F(AppDescriptorTest, TwoHostsPutTheClientOnFrontAndTheServerOnBack) {
  auto d = Load({.mode = "seq", .bytes = 16, .n = 100, .placement = Placement::kTwoHosts},
                {.front = 40001, .back = 40002});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->name, kBenchDeployment);
  ASSERT_EQ(d->hosts.size(), 2u);
  EXPECT_EQ(d->hosts[0].name, "front");
  EXPECT_EQ(d->hosts[0].listen, "127.0.0.1:40001");
  EXPECT_EQ(d->hosts[1].name, "back");
  EXPECT_EQ(d->hosts[1].listen, "127.0.0.1:40002");
  EXPECT_THAT(Names(deploy::MicroservicesOnHost(*d, deploy::RunMode::kRun, "front")),
              ElementsAre("client"));
  EXPECT_THAT(Names(deploy::MicroservicesOnHost(*d, deploy::RunMode::kRun, "back")),
              ElementsAre("pong"));
  const deploy::MicroserviceOptions& client = d->microservices.back();
  EXPECT_EQ(client.kind, deploy::MicroserviceKind::kMain);
  EXPECT_THAT(client.args, ElementsAre("seq", "16", "100", "128"));
  EXPECT_EQ(d->timeouts.complete, std::chrono::milliseconds(30000));
}

TEST_F(AppDescriptorTest, OneProcessHasNoHosts) {
  auto d = Load({.mode = "pipe", .bytes = 1024, .n = 50, .window = 8, .warmup = 0});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->hosts.empty());
  ASSERT_EQ(d->microservices.size(), 2u);
  EXPECT_THAT(d->microservices[0].args, ElementsAre("pong"));
  EXPECT_TRUE(d->microservices[0].hosts.empty());
  EXPECT_THAT(d->microservices[1].args, ElementsAre("pipe", "1024", "50", "8", "0"));
}

TEST_F(AppDescriptorTest, FanOutHasEightServers) {
  auto d = Load({.mode = "fan", .n = 10});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->microservices.size(), 9u);
  EXPECT_THAT(d->microservices[7].args, ElementsAre("fan7"));
}

TEST(PickLoopbackPortsTest, TwoDistinctPortsThatCanBeBound) {
  Result<HostPorts> ports = PickLoopbackPorts();
  ASSERT_TRUE(ports.ok()) << ports.status().ToString();
  EXPECT_GT(ports->front, 0);
  EXPECT_GT(ports->back, 0);
  EXPECT_NE(ports->front, ports->back);
  for (int port : {ports->front, ports->back}) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0) << port;
    close(fd);
  }
}

TEST(ResultLineTest, FoundWhateverItsLogPrefix) {
  const std::string output =
      "20:45:13.530 info  [back/net] serving bench.rpc.v1.Pong\n"
      "20:45:13.537 info  [front/client] RESULT mode=seq bytes=16 n=5000 window=1 "
      "p50_us=388.9 p99_us=819.1 mean_us=404.8 calls_per_s=2469.2\n"
      "20:45:13.544 warning [up] host back exited with code 0\n";
  auto fields = FindResultLine(output);
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  Result<LatencyStats> stats = StatsFromFields(*fields);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->n, 5000);
  EXPECT_DOUBLE_EQ(stats->p50_us, 388.9);
  EXPECT_DOUBLE_EQ(stats->p99_us, 819.1);
  EXPECT_DOUBLE_EQ(stats->calls_per_s, 2469.2);
  EXPECT_EQ(FindResultLine("info  [front/client] done\n").status().code(),
            StatusCode::kNotFound);
}

LatencyStats Stats(double p50, double p99, double calls_per_s) {
  return {.n = 100, .p50_us = p50, .p99_us = p99, .mean_us = p50, .calls_per_s = calls_per_s};
}

// aot in one process, two hosts, and both gRPC baselines, for the cases the
// headlines read.
Results Measured() {
  Results results{.engines = {"aot"}, .default_engine = "aot", .net = true};
  results.cells["aot"]["roundtrip"] = Stats(3, 5, 0);
  results.cells["aot"]["pipelined"] = Stats(300, 400, 400000);
  results.cells[kNetColumn]["roundtrip"] = Stats(230, 400, 0);
  results.cells[kNetColumn]["pipelined"] = Stats(7000, 9000, 18000);
  results.cells[kGrpcInProcessColumn]["roundtrip"] = Stats(40, 100, 0);
  results.cells[kGrpcInProcessColumn]["pipelined"] = Stats(3000, 4000, 40000);
  results.cells[kGrpcTcpColumn]["roundtrip"] = Stats(200, 400, 0);
  results.cells[kGrpcTcpColumn]["pipelined"] = Stats(3500, 6500, 36000);
  return results;
}

const Metric& Find(const std::vector<Metric>& metrics, const std::string& name) {
  for (const Metric& m : metrics) {
    if (m.metric == name) return m;
  }
  ADD_FAILURE() << "no metric " << name;
  static const Metric none;
  return none;
}

// The co_await client is compared with the callback client of the same
// column, never with gRPC (which has no such variant).
TEST(RpcReportTest, CoroutineClientIsComparedWithTheCallbackClient) {
  Results results = Measured();
  results.cells["aot"]["roundtrip_coroutine"] = Stats(3.3, 6, 0);
  const std::vector<Metric> metrics = BuildMetrics(results);
  const Metric& p50 = Find(metrics, "rpc.inproc.aot.roundtrip_coroutine_p50_us");
  EXPECT_EQ(p50.baseline, "rpc.inproc.aot.roundtrip_p50_us");
  EXPECT_EQ(p50.baseline_value, 3);
  EXPECT_DOUBLE_EQ(p50.ratio.value_or(0), 1.1);
  EXPECT_DOUBLE_EQ(Find(metrics, "rpc.inproc.coroutine_vs_callback.ratio").value.value_or(0),
                   1.1);
  for (const Metric& m : metrics) {
    EXPECT_EQ(m.metric.find("grpc_inproc.roundtrip_coroutine"), std::string::npos) << m.metric;
  }
  EXPECT_NE(Table(results).find("co_await / callback client, 16 B p50: 1.10x"),
            std::string::npos)
      << Table(results);
}

TEST(RpcReportTest, NetMetricsAreComparedWithGrpcTcp) {
  const std::vector<Metric> metrics = BuildMetrics(Measured());

  const Metric& p50 = Find(metrics, "rpc.net.roundtrip_p50_us");
  EXPECT_EQ(p50.value, 230);
  EXPECT_EQ(p50.unit, "us");
  EXPECT_EQ(p50.baseline, "rpc.grpc_tcp.roundtrip_p50_us");
  EXPECT_EQ(p50.baseline_value, 200);
  EXPECT_DOUBLE_EQ(p50.ratio.value_or(0), 1.15);
  EXPECT_EQ(Find(metrics, "rpc.net.roundtrip_p99_us").value, 400);

  const Metric& throughput = Find(metrics, "rpc.net.calls_per_s");
  EXPECT_EQ(throughput.value, 18000);
  EXPECT_EQ(throughput.unit, "calls/s");
  EXPECT_EQ(throughput.baseline, "rpc.grpc_tcp.pipelined_calls_per_s");
  EXPECT_EQ(throughput.baseline_value, 36000);

  const Metric& ratio = Find(metrics, "rpc.net_vs_grpc_tcp.ratio");
  EXPECT_DOUBLE_EQ(ratio.value.value_or(0), 230.0 / 200.0);
  EXPECT_EQ(ratio.unit, "ratio");
  EXPECT_EQ(ratio.baseline, "grpc_tcp");
  EXPECT_EQ(ratio.baseline_value, 1.0);
  EXPECT_DOUBLE_EQ(Find(metrics, "rpc.net_vs_grpc_tcp.throughput_ratio").value.value_or(0),
                   0.5);
  EXPECT_DOUBLE_EQ(Find(metrics, "rpc.inproc_vs_grpc_inproc.ratio").value.value_or(0),
                   3.0 / 40.0);
  // Cases measured nowhere are null, not left out; fan-out has no TCP and
  // no network metrics.
  EXPECT_FALSE(Find(metrics, "rpc.net.roundtrip_64kb_p50_us").value.has_value());
  for (const Metric& m : metrics) {
    EXPECT_THAT(m.metric, ::testing::Not(HasSubstr("net.fanout"))) << m.metric;
  }
}

TEST(RpcReportTest, NetMetricsAreNullWhenTheColumnIsMissing) {
  Results results = Measured();
  results.cells.erase(kNetColumn);
  results.missing = {kNetColumn};
  const std::vector<Metric> metrics = BuildMetrics(results);
  EXPECT_FALSE(Find(metrics, "rpc.net.roundtrip_p50_us").value.has_value());
  EXPECT_FALSE(Find(metrics, "rpc.net_vs_grpc_tcp.ratio").value.has_value());
  EXPECT_FALSE(Find(metrics, "rpc.net_vs_grpc_tcp.throughput_ratio").value.has_value());
  EXPECT_THAT(Table(results), HasSubstr("missing"));
}

TEST(RpcReportTest, TheTableHasTheNetColumnAndItsHeadline) {
  const std::string table = Table(Measured());
  EXPECT_THAT(table, HasSubstr("parigot net"));
  EXPECT_THAT(table, HasSubstr("230.0 / 400.0"));
  EXPECT_THAT(table, HasSubstr("18000/s"));
  EXPECT_THAT(table, HasSubstr("parigot net / gRPC TCP, 16 B p50: 1.15x   (goal: <= 1.15x); "
                               "pipelined calls/s: 0.50x   (goal: >= 0.90x)"));
  Results without_net = Measured();
  without_net.net = false;
  EXPECT_THAT(Table(without_net), ::testing::Not(HasSubstr("parigot net")));
}

}  // namespace
}  // namespace parigot::bench
