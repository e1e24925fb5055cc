// The kv benchmark's Main program: times the kv built-in (parigot.kv.v1.KV)
// through its generated client, one call outstanding at a time, with the
// guest's monotonic clock, and logs one result line per phase for
// bench/http/http_bench.cc to parse:
//
//   RESULT phase=put n=300 p50_us=2100.5 p99_us=5200.1 mean_us=... calls_per_s=...
//
// Arguments: PUTS GETS BATCHES BATCH_SIZE [VALUE_BYTES]
//   put    PUTS sequential Puts of new keys: each is its own durable
//          transaction (the store syncs before it answers), so this is the
//          cost of one durable write;
//   get    GETS sequential Gets of the keys just written;
//   batch  BATCHES sequential Batch calls of BATCH_SIZE new keys each (one
//          transaction each); calls_per_s counts batches, and keys_per_s
//          the keys written.
// VALUE_BYTES (default 100) is every value's size. A tenth of each phase's
// count (at least 5) runs first, untimed, on keys of its own.
// Exit code: 0 after the result lines; 1 if a call fails or a Get misses;
// 2 for bad arguments.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/harness/percentile.h"
#include "parigot/kv/v1/kv.parigot.h"
#include "parigot/parigot.h"

namespace {

namespace kv = parigot::kv::v1;
using parigot::Future;
using parigot::KernelErr;
using parigot::bench::Percentile;
using Clock = std::chrono::steady_clock;

// The store's namespace; the benchmark starts on an empty data directory.
constexpr char kNs[] = "bench";

struct Options {
  int puts = 0;
  int gets = 0;
  int batches = 0;
  int batch_size = 0;
  size_t value_bytes = 100;
};

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

int Warmup(int n) { return std::max(5, n / 10); }

std::string Key(const char* phase, int i) {
  char key[48];
  std::snprintf(key, sizeof key, "%s/%08d", phase, i);
  return key;
}

[[noreturn]] void Fail(const std::string& what) {
  parigot::log::error("kv benchmark failed: " + what);
  parigot::exit(1);
}

std::string Name(kv::KvErr error) { return std::string(kv::KvErr_Name(error)); }

// Logs one phase's result line: `samples` are per-call latencies, `calls`
// were answered in `elapsed_us`; `extra` is appended as written.
void Report(const char* phase, std::vector<double> samples, double elapsed_us, int calls,
            const std::string& extra = "") {
  std::sort(samples.begin(), samples.end());
  double sum = 0;
  for (double s : samples) sum += s;
  char line[320];
  std::snprintf(line, sizeof line,
                "RESULT phase=%s n=%zu p50_us=%.3f p99_us=%.3f mean_us=%.3f calls_per_s=%.1f%s",
                phase, samples.size(), Percentile(samples, 50), Percentile(samples, 99),
                samples.empty() ? 0 : sum / static_cast<double>(samples.size()),
                calls / (elapsed_us / 1e6), extra.c_str());
  parigot::log::info(line);
}

Future<void, kv::KvErr> Bench(kv::KV store, Options o) {
  const std::string value(o.value_bytes, 'v');
  std::vector<double> samples;

  // put: warm-up keys are "warm/..." so that the timed Gets read only
  // keys written by timed Puts.
  samples.reserve(static_cast<size_t>(std::max({o.puts, o.gets, o.batches})));
  Clock::time_point began;
  for (int i = -Warmup(o.puts); i < o.puts; ++i) {
    if (i == 0) began = Clock::now();
    const Clock::time_point start = Clock::now();
    auto put =
        co_await store.Put({.ns = kNs, .key = Key(i < 0 ? "warm" : "put", i), .value = value});
    if (!put) Fail("Put: " + Name(put.error()));
    if (i >= 0) samples.push_back(MicrosSince(start));
  }
  Report("put", samples, MicrosSince(began), o.puts);

  samples.clear();
  for (int i = -Warmup(o.gets); i < o.gets; ++i) {
    if (i == 0) began = Clock::now();
    const Clock::time_point start = Clock::now();
    auto got = co_await store.Get({.ns = kNs, .key = Key("put", (i + o.gets) % o.puts)});
    if (!got) Fail("Get: " + Name(got.error()));
    if (!got->found || got->value.size() != o.value_bytes) Fail("Get missed a written key");
    if (i >= 0) samples.push_back(MicrosSince(start));
  }
  Report("get", samples, MicrosSince(began), o.gets);

  samples.clear();
  int next_key = 0;
  for (int i = -Warmup(o.batches); i < o.batches; ++i) {
    if (i == 0) began = Clock::now();
    kv::BatchRequest batch{.ns = kNs};
    for (int k = 0; k < o.batch_size; ++k) {
      batch.writes.push_back({.key = Key("batch", next_key++), .value = value});
    }
    const Clock::time_point start = Clock::now();
    auto written = co_await store.Batch(batch);
    if (!written) Fail("Batch: " + Name(written.error()));
    if (i >= 0) samples.push_back(MicrosSince(start));
  }
  const double elapsed_us = MicrosSince(began);
  Report("batch", samples, elapsed_us, o.batches,
         " batch_size=" + std::to_string(o.batch_size) + " keys_per_s=" +
             std::to_string(static_cast<long>(o.batches * o.batch_size / (elapsed_us / 1e6))));
}

Future<void, KernelErr> Main(parigot::Program& app, Options o) {
  auto launched = co_await app.launch();
  if (!launched) co_await parigot::fail(launched.error());
  auto done = co_await Bench(kv::KV::locate(), o);
  parigot::exit(done ? 0 : 1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    parigot::log::error("usage: bench_kv PUTS GETS BATCHES BATCH_SIZE [VALUE_BYTES]");
    return 2;
  }
  Options o{.puts = std::atoi(argv[1]),
            .gets = std::atoi(argv[2]),
            .batches = std::atoi(argv[3]),
            .batch_size = std::atoi(argv[4])};
  if (argc > 5) o.value_bytes = std::strtoul(argv[5], nullptr, 10);
  if (o.puts <= 0 || o.gets <= 0 || o.batches <= 0 || o.batch_size <= 0) {
    parigot::log::error("bench_kv: every count must be > 0");
    return 2;
  }
  parigot::Program app({kv::KV::require});
  auto running = Main(app, o);
  return parigot::run();
}
