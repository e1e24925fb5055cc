// A Main program that exercises calls; its first argument picks the case:
//   big <bytes>   echo a payload of that size and check it comes back whole
//   crunch <n>    call Echo.Crunch with n rounds, with no deadline of its
//                 own: exit 0 if it answers, 1 if it fails
//   crash         call Crasher.Crash (the callee traps), then check that Echo
//                 still answers
//   exitall <c>   ask Echo to end the application with code c
//   callexit <c>  ask Echo to end the application with code c, and exit
//                 with c in the same callback: the call must still leave
//                 (exit() sends what is queued first), so Echo logs it
//   unrequired    locate Crasher without requiring it (must fail)
//   spin          spin forever in a callback after launch (no method runs:
//                 the kernel's turn limit must end it)
//   relay         call Relay.Forward (which calls Echo from its method)
//   many <n>      n concurrent Echo calls, joined with AllOf
//   stall         call Echo.Stall, which never answers: the call must fail
//                 at its deadline, and Echo must still answer afterwards
//   busy <ms>     call Echo.Busy, which computes for ms (-1: forever): the
//                 call must fail at its deadline and Echo must be dead
//   revive <ms>   as busy, but Echo is restarted: a later call succeeds
//   slow <method> <ms>  call Echo.<method> (Busy or Linger), which computes
//                 for ms, with no deadline of its own: exit 0 if it
//                 answers, 3 if it fails
//   crashloop     call Crasher.Crash, then Ping; again and again: Crasher
//                 is restarted after each crash, until its restart limit
//                 ends the application
//   loop <n>      n Echo calls, one after the other; the first that fails
//                 ends the program with code 4 (network tests kill Echo's
//                 host while it runs)
//   toolarge <n>  with MaxMessageSize n: a request over it (Echo.Reflect),
//                 then one just under it whose answer is over it
//                 (Relay.Forward adds " via relay"); both must fail as
//                 "message too large", and Echo must still answer
// Failures are logged as "error N (cause)", the cause as the call's future
// reports it (parigot/call_cause.h).
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/parigot.h"
#include "test/v1/test.parigot.h"

namespace {

using test::v1::TestErr;

// "error 1 (callee killed)".
std::string Why(TestErr e, parigot::CallCause cause) {
  return "error " + std::to_string(static_cast<int>(e)) + " (" +
         std::string(parigot::CallCauseName(cause)) + ")";
}

std::string Pattern(size_t size) {
  std::string data(size, '\0');
  for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131 + 7) % 251);
  return data;
}

void Big(size_t size) {
  auto echo = test::v1::Echo::locate();
  echo.Reflect({.data = Pattern(size)})
      .then([size](const test::v1::Payload& reply) {
        bool same = reply.data == Pattern(size);
        parigot::log::info("echoed " + std::to_string(reply.data.size()) +
                           " bytes, " + (same ? "intact" : "CORRUPTED"));
        parigot::exit(same ? 0 : 1);
      })
      .or_else([](TestErr e) {
        parigot::log::error("echo failed: " + std::to_string(static_cast<int>(e)));
        parigot::exit(1);
      });
}

void Crash() {
  auto crasher = test::v1::Crasher::locate();
  auto echo = test::v1::Echo::locate();
  crasher.Crash()
      .then([] {
        parigot::log::error("Crash returned normally");
        parigot::exit(1);
      })
      .or_else([echo](TestErr e, parigot::CallCause cause) {
        parigot::log::info("Crash failed with " + Why(e, cause));
        echo.Reflect({.data = "still here"})
            .then([](const test::v1::Payload& reply) {
              parigot::log::info("echo after crash: " + reply.data);
              parigot::exit(0);
            })
            .or_else([](TestErr) { parigot::exit(1); });
      });
}

// Crashes Crasher, then checks that its next instance answers; `round`
// times, then exits 0 (a restart limit ends the application before).
void CrashLoop(test::v1::Crasher crasher, int round) {
  crasher.Crash().then([] { parigot::exit(1); }).or_else([crasher, round](TestErr e,
                                                                         parigot::CallCause cause) {
    parigot::log::info("crash " + std::to_string(round) + " failed with " + Why(e, cause));
    crasher.Ping()
        .then([crasher, round] {
          parigot::log::info("crasher answers again after crash " + std::to_string(round));
          CrashLoop(crasher, round + 1);
        })
        .or_else([](TestErr e, parigot::CallCause cause) {
          parigot::log::info("ping failed with " + Why(e, cause));
          parigot::exit(1);
        });
  });
}

// Call number `i` of `n`, then the next.
void Loop(test::v1::Echo echo, int i, int n) {
  if (i == n) {
    parigot::log::info(std::to_string(n) + " calls answered");
    parigot::exit(0);
    return;
  }
  if (i == 100) parigot::log::info("100 calls answered, going on");
  echo.Reflect({.data = std::to_string(i)})
      .then([echo, i, n](const test::v1::Payload&) { Loop(echo, i + 1, n); })
      .or_else([i](TestErr e, parigot::CallCause cause) {
        parigot::log::info("call " + std::to_string(i) + " failed with " + Why(e, cause));
        parigot::exit(4);
      });
}

// Both calls must fail as too large; then Echo must still answer.
void TooLarge(size_t limit) {
  auto echo = test::v1::Echo::locate();
  auto relay = test::v1::Relay::locate();
  auto failures = std::make_shared<int>(0);
  auto expect_too_large = [echo, failures](std::string_view what) {
    return [what, echo, failures](TestErr e, parigot::CallCause cause) {
      parigot::log::info(std::string(what) + " failed with " + Why(e, cause));
      if (cause != parigot::CallCause::kMessageTooLarge) parigot::exit(1);
      if (++*failures < 2) return;
      echo.Reflect({.data = "small"})
          .then([](const test::v1::Payload& reply) {
            parigot::log::info("echo still answers: " + reply.data);
            parigot::exit(0);
          })
          .or_else([](TestErr) { parigot::exit(1); });
    };
  };
  echo.Reflect({.data = Pattern(limit + 1)})
      .then([](const test::v1::Payload&) { parigot::exit(1); })
      .or_else(expect_too_large("request over the limit"));
  // Its request fits (tag and length take 3 bytes); its answer does not.
  relay.Forward({.data = Pattern(limit - 8)})
      .then([](const test::v1::Payload&) { parigot::exit(1); })
      .or_else(expect_too_large("answer over the limit"));
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view mode = argc > 1 ? argv[1] : "";
  std::string_view arg = argc > 2 ? argv[2] : "";
  if (mode == "spin") {
    // Spins in a callback, outside any method: only the turn limit stops it.
    parigot::Program app({test::v1::Echo::require});
    app.launch().then([] {
      parigot::log::info("spinning outside any method");
      volatile uint64_t spins = 0;
      while (true) spins = spins + 1;
    });
    return parigot::run();
  }
  if (mode == "unrequired") {
    parigot::Program app({test::v1::Echo::require});
    app.launch().then([] {
      auto crasher = test::v1::Crasher::try_locate();
      if (crasher.ok()) parigot::exit(1);
      parigot::log::info("locate failed: " + crasher.status().message());
      parigot::exit(4);
    });
    return parigot::run();
  }
  if (mode == "relay") {
    parigot::Program app({test::v1::Relay::require});
    app.launch().then([] {
      test::v1::Relay::locate()
          .Forward({.data = "ping"})
          .then([](const test::v1::Payload& reply) {
            parigot::log::info("relay answered: " + reply.data);
            parigot::exit(reply.data == "ping via relay" ? 0 : 1);
          })
          .or_else([](TestErr) { parigot::exit(1); });
    });
    return parigot::run();
  }
  if (mode == "crash") {
    parigot::Program app({test::v1::Crasher::require, test::v1::Echo::require});
    app.launch().then(Crash);
    return parigot::run();
  }
  if (mode == "toolarge") {
    size_t limit = std::strtoul(std::string(arg).c_str(), nullptr, 10);
    parigot::Program app({test::v1::Echo::require, test::v1::Relay::require});
    app.launch().then([limit] { TooLarge(limit); });
    return parigot::run();
  }
  if (mode == "crashloop") {
    parigot::Program app({test::v1::Crasher::require});
    app.launch().then([] { CrashLoop(test::v1::Crasher::locate(), 1); });
    return parigot::run();
  }
  parigot::Program app({test::v1::Echo::require});
  if (mode == "big") {
    size_t size = std::strtoul(std::string(arg).c_str(), nullptr, 10);
    app.launch().then([size] { Big(size); });
  } else if (mode == "crunch") {
    uint32_t rounds = static_cast<uint32_t>(std::strtoul(std::string(arg).c_str(), nullptr, 10));
    app.launch().then([rounds] {
      test::v1::Echo::locate()
          .Crunch({.rounds = rounds})
          .then([rounds](const test::v1::CrunchResponse&) {
            parigot::log::info("crunched " + std::to_string(rounds) + " rounds");
            parigot::exit(0);
          })
          .or_else([](TestErr error, parigot::CallCause cause) {
            parigot::log::error("crunch failed: " + std::to_string(static_cast<int>(error)) +
                                " (" + std::string(parigot::CallCauseName(cause)) + ")");
            parigot::exit(1);
          });
    });
  } else if (mode == "exitall") {
    int code = std::atoi(std::string(arg).c_str());
    app.launch().then([code] {
      test::v1::Echo::locate()
          .ExitAll({.code = code})
          .then([] { parigot::log::error("ExitAll returned"); })
          .or_else([](TestErr) { parigot::log::error("ExitAll failed"); });
    });
  } else if (mode == "callexit") {
    int code = std::atoi(std::string(arg).c_str());
    app.launch().then([code] {
      test::v1::Echo::locate().ExitAll({.code = code}).or_else([](TestErr) {});
      parigot::exit(code);
    });
  } else if (mode == "many") {
    int count = std::atoi(std::string(arg).c_str());
    app.launch().then([count] {
      auto echo = test::v1::Echo::locate();
      std::vector<parigot::Future<test::v1::Payload, TestErr>> calls;
      for (int i = 0; i < count; ++i) {
        calls.push_back(echo.Reflect({.data = std::to_string(i)}));
      }
      parigot::AllOf(std::move(calls))
          .then([count](const std::vector<test::v1::Payload>& replies) {
            bool ordered = static_cast<int>(replies.size()) == count;
            for (int i = 0; ordered && i < count; ++i) {
              ordered = replies[i].data == std::to_string(i);
            }
            parigot::log::info(std::to_string(replies.size()) + " concurrent calls " +
                               (ordered ? "answered in order" : "MISMATCHED"));
            parigot::exit(ordered ? 0 : 1);
          })
          .or_else([](TestErr) { parigot::exit(1); });
    });
  } else if (mode == "loop") {
    int count = std::atoi(std::string(arg).c_str());
    app.launch().then([count] { Loop(test::v1::Echo::locate(), 0, count); });
  } else if (mode == "stall" || mode == "busy" || mode == "revive") {
    int ms = std::atoi(std::string(arg).c_str());
    bool expect_alive = mode != "busy";
    app.launch().then([mode, ms, expect_alive] {
      auto echo = test::v1::Echo::locate();
      auto call = mode == "stall" ? echo.Stall() : echo.Busy({.ms = ms});
      // After a kill, the call waits for Echo's next instance.
      call.then([] { parigot::exit(1); })
          .or_else([echo, mode, expect_alive](TestErr e, parigot::CallCause cause) {
            parigot::log::info(std::string(mode) + " failed with " + Why(e, cause));
            echo.Reflect({.data = "alive?"})
                .then([expect_alive](const test::v1::Payload&) {
                  parigot::log::info("echo still answers");
                  parigot::exit(expect_alive ? 0 : 1);
                })
                .or_else([expect_alive](TestErr) {
                  parigot::log::info("echo is gone");
                  parigot::exit(expect_alive ? 1 : 0);
                });
          });
    });
  } else if (mode == "slow") {
    std::string method(arg);
    int ms = argc > 3 ? std::atoi(argv[3]) : 0;
    app.launch().then([method, ms] {
      auto echo = test::v1::Echo::locate();
      auto call = method == "Linger" ? echo.Linger({.ms = ms}) : echo.Busy({.ms = ms});
      call.then([method] {
            parigot::log::info(method + " answered");
            parigot::exit(0);
          })
          .or_else([method](TestErr e) {
            parigot::log::info(method + " failed with error " +
                               std::to_string(static_cast<int>(e)));
            parigot::exit(3);
          });
    });
  } else {
    parigot::log::error("unknown mode " + std::string(mode));
    return 2;
  }
  return parigot::run();
}
