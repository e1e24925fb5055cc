// A Main program that checks the SDK's timers (parigot/timer.h) on the
// engine it runs on, and prints one line per check:
//   sleep         sleep(30) completes, and not before 30 ms have passed
//   every         every(5) runs 10 times, is cancelled from its callback,
//                 and never runs again
//   many          10,000 timers (due within 100 ms) all run, in due order
// Exits 0 when all pass, 1 at the first that fails. Times are checked only
// from below (a timer never runs early): how late it runs depends on the
// machine.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parigot/parigot.h"
#include "tests/guest/check.h"

namespace {

using parigot::check::Fail;
using parigot::check::NowMs;

void Many() {
  constexpr size_t kTimers = 10000;
  // Each timer is due `due` ms after it was made; making them takes a
  // while, so their order is that of (made + due). The clock is read here
  // just before and just after each timer is made: it was made in between,
  // so a timer that runs after another must not be due (by the earliest it
  // could be) later than the other (by the latest it could be).
  struct State {
    size_t ran = 0;
    int64_t latest_lower_bound = 0;
  };
  auto state = std::make_shared<State>();
  for (size_t i = 0; i < kTimers; ++i) {
    uint32_t due = static_cast<uint32_t>(i * 7919 % kTimers) / 100;  // 0..99 ms
    int64_t before = NowMs();
    auto timer = parigot::after(due);
    int64_t after = NowMs();
    timer.then([state, before, after, due] {
      if (NowMs() - before < due) Fail("a timer ran early");
      if (state->latest_lower_bound > after + due + 1) Fail("timers ran out of order");
      state->latest_lower_bound = std::max(state->latest_lower_bound, before + due);
      if (++state->ran < kTimers) return;
      parigot::log::info("many: 10000 timers ran, in due order");
      parigot::exit(0);
    });
  }
}

void Every() {
  auto runs = std::make_shared<int>(0);
  auto timer = std::make_shared<std::optional<parigot::Timer>>();
  *timer = parigot::every(5, [runs, timer] {
    if (++*runs < 10) return;
    (*timer)->cancel();
    // Cancelled from its own callback: it must never run again.
    parigot::sleep(30).then([runs, timer] {
      if (*runs != 10) Fail("every(5) ran " + std::to_string(*runs) + " times, want 10");
      if ((*timer)->active()) Fail("a cancelled timer is still active");
      parigot::log::info("every: every(5) ran 10 times, then stopped");
      Many();
    });
  });
}

}  // namespace

int main() {
  parigot::Program app;
  app.launch().then([] {
    int64_t started = NowMs();
    parigot::sleep(30).then([started] {
      if (NowMs() - started < 30) Fail("sleep(30) woke early");
      parigot::log::info("sleep: sleep(30) woke, not early");
      Every();
    });
  });
  return parigot::run();
}
