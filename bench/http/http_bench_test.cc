// The HTTP benchmark's own logic, without running it: wrk's report, the
// descriptors it writes (loaded by parigot's own descriptor loader), the
// kv guest's RESULT lines, and the metrics and table it reports. No test
// here reads a clock or asserts a duration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "bench/harness/app_dir_test.h"
#include "bench/harness/percentile.h"
#include "bench/http/http_apps.h"
#include "bench/http/http_report.h"
#include "bench/http/wrk.h"
#include "bench/rpc/stats.h"
#include "parigot/deploy/descriptor.h"

namespace parigot::bench {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// wrk 4.1's report with --latency (a real run's shape, figures made up).
constexpr char kWrkReport[] = R"(Running 3s test @ http://127.0.0.1:7642/echo
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.52ms  410.23us  12.01ms   88.10%
    Req/Sec    10.62k   612.40    11.80k    71.67%
  Latency Distribution
     50%    1.43ms
     75%    1.65ms
     90%    1.90ms
     99%    3.10ms
  63412 requests in 3.00s, 9.01MB read
Requests/sec:  21130.44
Transfer/sec:      3.00MB
)";

TEST(ParseWrkOutputTest, ReadsLatenciesCountAndRate) {
  Result<WrkResult> r = ParseWrkOutput(kWrkReport);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(r->stats.mean_us, 1520);
  EXPECT_DOUBLE_EQ(r->stats.p50_us, 1430);
  EXPECT_DOUBLE_EQ(r->stats.p99_us, 3100);
  EXPECT_EQ(r->stats.n, 63412);
  EXPECT_DOUBLE_EQ(r->stats.calls_per_s, 21130.44);
  EXPECT_EQ(r->non_2xx, 0);
  EXPECT_EQ(r->socket_errors, 0);
}

TEST(ParseWrkOutputTest, ReadsMicrosecondsSecondsAndFailures) {
  const std::string report = R"(  1 threads and 1 connections
    Latency    85.10us   20.00us   1.00s    90.00%
  Latency Distribution
     50%   80.50us
     99%    1.20s
  1.2k requests in 3.00s, 1.00MB read
  Socket errors: connect 1, read 2, write 0, timeout 4
  Non-2xx or 3xx responses: 17
Requests/sec:    400.00
)";
  Result<WrkResult> r = ParseWrkOutput(report);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(r->stats.mean_us, 85.1);
  EXPECT_DOUBLE_EQ(r->stats.p50_us, 80.5);
  EXPECT_DOUBLE_EQ(r->stats.p99_us, 1.2e6);
  EXPECT_EQ(r->stats.n, 1200);
  EXPECT_EQ(r->socket_errors, 7);
  EXPECT_EQ(r->non_2xx, 17);
}

TEST(ParseWrkOutputTest, RefusesAReportWithoutTheDistribution) {
  std::string report = kWrkReport;
  report.erase(report.find("     99%"), std::string("     99%    3.10ms\n").size());
  EXPECT_EQ(ParseWrkOutput(report).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseWrkOutput("    Latency   1.0xs\n").ok());
  EXPECT_FALSE(ParseWrkOutput("").ok());
}

TEST(PercentileTest, NearestRank) {
  const std::vector<double> sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(Percentile(sorted, 50), 5);
  EXPECT_EQ(Percentile(sorted, 99), 10);
  EXPECT_EQ(Percentile({}, 50), 0);
}

TEST(MedianRunTest, TheMiddleRunByLatencyOrByThroughput) {
  const std::vector<LatencyStats> runs = {{.p50_us = 9, .calls_per_s = 1},
                                          {.p50_us = 1, .calls_per_s = 3},
                                          {.p50_us = 5, .calls_per_s = 2}};
  EXPECT_EQ(MedianRun(runs, false).p50_us, 5);
  EXPECT_EQ(MedianRun(runs, true).calls_per_s, 2);
}

TEST(FindResultLinesTest, EveryLineInOrder) {
  const auto lines = FindResultLines(
      "[bench] RESULT phase=put n=3 p50_us=2\nnoise\n[bench] RESULT phase=get n=4\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].at("phase"), "put");
  EXPECT_EQ(lines[1].at("n"), "4");
  EXPECT_TRUE(FindResultLines("nothing\n").empty());
}

class HttpAppsTest : public AppDirTest {
 protected:
  HttpAppsTest() : AppDirTest({"test_web.wasm", "bench_kv.wasm"}) {}
};

TEST_F(HttpAppsTest, TheIngressAndTheHandlerShareOneHost) {
  auto d = LoadToml(HttpAppDescriptor(wasm_dir(), {.host = 7641, .ingress = 7642}));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->name, kHttpDeployment);
  ASSERT_EQ(d->hosts.size(), 1u);
  EXPECT_EQ(d->hosts[0].name, kHttpHost);
  EXPECT_EQ(d->hosts[0].listen, "127.0.0.1:7641");
  EXPECT_THAT(Names(deploy::MicroservicesOnHost(*d, deploy::RunMode::kRun, kHttpHost)),
              ElementsAre("ingress", "handlers"));
}

TEST_F(HttpAppsTest, KvInOneProcessOrWithTheStoreElsewhere) {
  auto one = LoadToml(KvAppDescriptor(wasm_dir(), (dir_ / "data").string(),
                                  {.puts = 10, .gets = 20, .batches = 3, .batch_size = 4}));
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_TRUE(one->hosts.empty());
  ASSERT_EQ(one->microservices.size(), 2u);
  EXPECT_THAT(one->microservices[1].args, ElementsAre("10", "20", "3", "4"));
  EXPECT_EQ(one->timeouts.complete, std::chrono::milliseconds(30000));

  auto net = LoadToml(KvAppDescriptor(wasm_dir(), (dir_ / "data").string(),
                                  {.front_port = 7643, .store_port = 7644}));
  ASSERT_TRUE(net.ok()) << net.status().ToString();
  EXPECT_THAT(Names(deploy::MicroservicesOnHost(*net, deploy::RunMode::kRun, "back")),
              ElementsAre("store"));
  EXPECT_THAT(Names(deploy::MicroservicesOnHost(*net, deploy::RunMode::kRun, "front")),
              ElementsAre("bench"));
}

LatencyStats Stats(double p50, double p99, double rate) {
  return {.n = 100, .p50_us = p50, .p99_us = p99, .mean_us = p50, .calls_per_s = rate};
}

const Metric* Find(const std::vector<Metric>& metrics, const std::string& name) {
  for (const Metric& m : metrics) {
    if (m.metric == name) return &m;
  }
  return nullptr;
}

TEST(HttpReportTest, IngressIsComparedWithGrpcAndMissingIsNull) {
  HttpResults results{.connections = 32, .threads = 2, .engines = {"aot", "interp"}};
  results.http["aot"] = {.ingress_seq = Stats(200, 400, 5000),
                         .ingress_load = Stats(1000, 3000, 30000),
                         .grpc_seq = Stats(100, 200, 10000),
                         .grpc_load = Stats(500, 1000, 60000)};
  results.kv_columns = {"aot"};
  results.kv["aot"] = KvResults{.phases = {{"put", Stats(3000, 9000, 300)},
                                           {"get", Stats(30, 60, 30000)},
                                           {"batch", Stats(5000, 9000, 200)}},
                                .batch_keys_per_s = 20000};
  results.fsync = Stats(1500, 4000, 600);
  const std::vector<Metric> metrics = BuildHttpMetrics(results);

  const Metric* seq = Find(metrics, "http.aot.ingress.seq.p50_us");
  ASSERT_NE(seq, nullptr);
  EXPECT_EQ(seq->baseline, "http.aot.grpc.seq.p50_us");
  EXPECT_DOUBLE_EQ(*seq->ratio, 2.0);
  const Metric* load = Find(metrics, "http.aot.ingress.load.calls_per_s");
  ASSERT_NE(load, nullptr);
  EXPECT_DOUBLE_EQ(*load->ratio, 0.5);
  const Metric* interp = Find(metrics, "http.interp.ingress.seq.p50_us");
  ASSERT_NE(interp, nullptr);
  EXPECT_FALSE(interp->value.has_value());
  EXPECT_FALSE(interp->ratio.has_value());
  const Metric* put = Find(metrics, "kv.aot.put.p50_us");
  ASSERT_NE(put, nullptr);
  EXPECT_DOUBLE_EQ(*put->ratio, 2.0);
  EXPECT_DOUBLE_EQ(*Find(metrics, "kv.aot.batch.keys_per_s")->value, 20000);

  const std::string table = HttpTable(results);
  EXPECT_THAT(table, HasSubstr("test.v1.Web/Echo on aot (load: 32 connections, 2 threads)"));
  EXPECT_THAT(table, HasSubstr("2.00x"));
  EXPECT_THAT(table, HasSubstr("put p50 us"));
  EXPECT_THAT(table, HasSubstr("20000"));
}

}  // namespace
}  // namespace parigot::bench
