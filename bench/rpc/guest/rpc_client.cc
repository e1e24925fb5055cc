// The RPC benchmark's Main program: times calls to the benchmark's servers
// (pong_service.cc) with the guest's monotonic clock and logs one result
// line for bench/rpc/rpc_bench.cc to parse:
//
//   RESULT mode=seq bytes=16 n=20000 p50_us=21.4 p99_us=40.2 ...
//
// Arguments: MODE BYTES N [WINDOW] [WARMUP]
//   seq   N sequential round trips to Pong (one call outstanding); the
//         latency of each is a sample.
//   coseq the same, by a coroutine that co_awaits each call
//         (parigot/coroutine.h) instead of chaining callbacks.
//   pipe  N calls to Pong with WINDOW (default 128) outstanding at all
//         times: a completion issues the next call. Throughput is N over
//         the time from the first call to the last answer; the samples are
//         each call's latency (issue to answer) under that load.
//   fan   N rounds; each calls Fan0 .. Fan7 at once and waits for all eight
//         answers (AllOf); the round's latency is a sample.
// BYTES is the payload's size, in each direction. WARMUP (default N / 10,
// at least 100) sequential calls (rounds for fan) run first, untimed.
// Exit code: 0 after the result line; 1 if a call fails or an answer has
// the wrong size; 2 for bad arguments.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/harness/percentile.h"
#include "bench/rpc/v1/rpc.parigot.h"
#include "parigot/parigot.h"

namespace {

namespace v1 = bench::rpc::v1;
using v1::Blob;
using v1::RpcErr;
using parigot::bench::Percentile;
using Clock = std::chrono::steady_clock;
using PingFn = std::function<parigot::Future<Blob, RpcErr>(const Blob&)>;

struct Options {
  std::string mode;
  size_t bytes = 16;
  int n = 1000;
  int window = 128;
  int warmup = 100;
};

// The benchmark's state; the guest is single-threaded, so one global.
struct State {
  Options options;
  Blob request;
  std::vector<PingFn> targets;  // seq, pipe: {Pong}; fan: {Fan0 .. Fan7}
  std::vector<double> samples_us;
  int warmup_left = 0;
  int issued = 0;
  int answered = 0;
  Clock::time_point began;
  Clock::time_point round_began;
};
State state;

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

[[noreturn]] void Fail(std::string_view what) {
  parigot::log::error(std::string("rpc benchmark failed: ") + std::string(what));
  parigot::exit(1);
}

void CheckAnswer(const Blob& reply) {
  if (reply.data.size() != state.options.bytes) {
    Fail("answer of " + std::to_string(reply.data.size()) + " bytes, sent " +
         std::to_string(state.options.bytes));
  }
}

void OnError(RpcErr error) {
  Fail("call failed with error " + std::to_string(static_cast<int>(error)));
}

[[noreturn]] void Report(double elapsed_us, int calls) {
  std::vector<double> sorted = state.samples_us;
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (double s : sorted) sum += s;
  const Options& o = state.options;
  char line[400];
  std::snprintf(line, sizeof line,
                "RESULT mode=%s bytes=%zu n=%d window=%d fanout=%zu warmup=%d "
                "p50_us=%.3f p99_us=%.3f mean_us=%.3f min_us=%.3f max_us=%.3f "
                "elapsed_ms=%.3f calls_per_s=%.1f",
                o.mode.c_str(), o.bytes, o.n, o.mode == "pipe" ? o.window : 1,
                state.targets.size(), o.warmup, Percentile(sorted, 50),
                Percentile(sorted, 99), sorted.empty() ? 0 : sum / sorted.size(),
                sorted.empty() ? 0 : sorted.front(), sorted.empty() ? 0 : sorted.back(),
                elapsed_us / 1000, calls / (elapsed_us / 1e6));
  parigot::log::info(line);
  parigot::exit(0);
}

// --- seq: one call outstanding -------------------------------------------

void SeqNext() {
  if (state.answered == state.options.n) Report(MicrosSince(state.began), state.options.n);
  const bool warm = state.warmup_left > 0;
  if (warm) {
    --state.warmup_left;
  } else if (state.answered == 0 && state.samples_us.empty()) {
    state.began = Clock::now();
  }
  const Clock::time_point start = Clock::now();
  state.targets[0](state.request)
      .then([warm, start](const Blob& reply) {
        const double us = MicrosSince(start);
        CheckAnswer(reply);
        if (!warm) {
          state.samples_us.push_back(us);
          ++state.answered;
        }
        SeqNext();
      })
      .or_else(OnError);
}

// --- coseq: seq, written as a coroutine ----------------------------------

parigot::Future<void, RpcErr> CoSeq() {
  const int warmup = state.options.warmup;
  for (int i = 0; i < warmup + state.options.n; ++i) {
    if (i == warmup) state.began = Clock::now();
    const Clock::time_point start = Clock::now();
    auto reply = co_await state.targets[0](state.request);
    const double us = MicrosSince(start);
    if (!reply) OnError(reply.error());
    CheckAnswer(*reply);
    if (i >= warmup) state.samples_us.push_back(us);
  }
  Report(MicrosSince(state.began), state.options.n);
}

// --- pipe: WINDOW calls outstanding --------------------------------------

void PipeIssue() {
  ++state.issued;
  const Clock::time_point start = Clock::now();
  state.targets[0](state.request)
      .then([start](const Blob& reply) {
        state.samples_us.push_back(MicrosSince(start));
        CheckAnswer(reply);
        if (++state.answered == state.options.n) {
          Report(MicrosSince(state.began), state.options.n);
        }
        if (state.issued < state.options.n) PipeIssue();
      })
      .or_else(OnError);
}

void PipeStart() {
  state.began = Clock::now();
  const int first = std::min(state.options.window, state.options.n);
  for (int i = 0; i < first; ++i) PipeIssue();
}

// Untimed sequential calls (rounds), then `then`.
void Warmup(std::function<void()> then) {
  if (state.warmup_left == 0) return then();
  --state.warmup_left;
  std::vector<parigot::Future<Blob, RpcErr>> calls;
  for (const PingFn& ping : state.targets) calls.push_back(ping(state.request));
  parigot::AllOf(std::move(calls))
      .then([then](const std::vector<Blob>&) { Warmup(then); })
      .or_else(OnError);
}

// --- fan: N rounds of eight concurrent calls ------------------------------

void FanRound() {
  if (state.answered == state.options.n) {
    Report(MicrosSince(state.began),
           state.options.n * static_cast<int>(state.targets.size()));
  }
  state.round_began = Clock::now();
  std::vector<parigot::Future<Blob, RpcErr>> calls;
  for (const PingFn& ping : state.targets) calls.push_back(ping(state.request));
  parigot::AllOf(std::move(calls))
      .then([](const std::vector<Blob>& replies) {
        state.samples_us.push_back(MicrosSince(state.round_began));
        for (const Blob& reply : replies) CheckAnswer(reply);
        ++state.answered;
        FanRound();
      })
      .or_else(OnError);
}

template <typename Client>
PingFn PingOf() {
  Client client = Client::locate();
  return [client](const Blob& request) { return client.Ping(request); };
}

int Usage(std::string_view why) {
  parigot::log::error(std::string(why) +
                      "; usage: rpc_client seq|coseq|pipe|fan BYTES N [WINDOW] [WARMUP]");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return Usage("missing arguments");
  Options& o = state.options;
  o.mode = argv[1];
  o.bytes = std::strtoul(argv[2], nullptr, 10);
  o.n = std::atoi(argv[3]);
  if (argc > 4) o.window = std::atoi(argv[4]);
  o.warmup = argc > 5 ? std::atoi(argv[5]) : std::max(100, o.n / 10);
  if (o.n <= 0 || o.window <= 0 || o.warmup < 0) return Usage("N and WINDOW must be > 0");
  if (o.mode != "seq" && o.mode != "coseq" && o.mode != "pipe" && o.mode != "fan") {
    return Usage("unknown mode " + o.mode);
  }
  state.request.data.assign(o.bytes, '\0');
  for (size_t i = 0; i < o.bytes; ++i) {
    state.request.data[i] = static_cast<char>((i * 131 + 7) % 251);
  }
  state.warmup_left = o.warmup;
  state.samples_us.reserve(static_cast<size_t>(o.n));

  const bool fan = o.mode == "fan";
  std::vector<parigot::ServiceName> requires_;
  if (fan) {
    requires_ = {v1::Fan0::require, v1::Fan1::require, v1::Fan2::require, v1::Fan3::require,
                 v1::Fan4::require, v1::Fan5::require, v1::Fan6::require, v1::Fan7::require};
  } else {
    requires_ = {v1::Pong::require};
  }
  parigot::Program app(requires_, {});
  app.launch().then([fan] {
    if (fan) {
      state.targets = {PingOf<v1::Fan0>(), PingOf<v1::Fan1>(), PingOf<v1::Fan2>(),
                       PingOf<v1::Fan3>(), PingOf<v1::Fan4>(), PingOf<v1::Fan5>(),
                       PingOf<v1::Fan6>(), PingOf<v1::Fan7>()};
      Warmup([] {
        state.began = Clock::now();
        FanRound();
      });
    } else if (state.options.mode == "seq") {
      state.targets = {PingOf<v1::Pong>()};
      SeqNext();
    } else if (state.options.mode == "coseq") {
      state.targets = {PingOf<v1::Pong>()};
      CoSeq().or_else(OnError);
    } else {
      state.targets = {PingOf<v1::Pong>()};
      Warmup(PipeStart);
    }
  });
  return parigot::run();
}
