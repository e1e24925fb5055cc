// A Main program that calls test.v1.Echo.Reflect steadily, one call every
// `interval` ms for `duration` ms (its two arguments), each with the
// default deadline, and logs every failure with when it happened, then a
// summary: "steady: N calls, M failed, longest L ms". For the failover test
// (tests/e2e/failover.py), which kills and restarts Echo's replicas under
// it. Exits 0 once the time is up, whatever failed.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "parigot/parigot.h"
#include "test/v1/test.parigot.h"

namespace {

using Clock = std::chrono::steady_clock;

int64_t MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

parigot::Future<void, parigot::KernelErr> Run(parigot::Program& app, uint32_t interval,
                                              int64_t duration) {
  auto launched = co_await app.launch();
  if (!launched) co_await parigot::fail(launched.error());
  auto echo = test::v1::Echo::locate();
  const Clock::time_point start = Clock::now();
  int calls = 0;
  int failed = 0;
  int64_t longest = 0;
  while (MillisecondsSince(start) < duration) {
    const Clock::time_point sent = Clock::now();
    auto reply = co_await echo.Reflect({.data = "ping"});
    const int64_t took = MillisecondsSince(sent);
    longest = std::max(longest, took);
    ++calls;
    if (!reply) {
      ++failed;
      parigot::log::warn("call failed", {{"at_ms", MillisecondsSince(start)},
                                         {"took_ms", took},
                                         {"error", static_cast<int64_t>(reply.error())}});
    }
    co_await parigot::sleep(interval);
  }
  parigot::log::info("steady: " + std::to_string(calls) + " calls, " + std::to_string(failed) +
                     " failed, longest " + std::to_string(longest) + " ms");
  parigot::exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  const uint32_t interval = argc > 1 ? static_cast<uint32_t>(std::atoi(argv[1])) : 20;
  const int64_t duration = argc > 2 ? std::atoll(argv[2]) : 5000;
  parigot::Program app({test::v1::Echo::require});
  auto running = Run(app, interval, duration);
  return parigot::run();
}
