// longrun's program: starts counting the primes below LIMIT (its argument;
// 2,000,000 unless given) as a long-running operation of the primes
// service, polls GetOperation until it has made progress, then awaits its
// result with WaitOperation; starts a second one (below 100,000,000) and
// cancels it; and asks for an operation that does not exist. Exits 0, or 1 if anything went otherwise.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "parigot/parigot.h"
#include "primes/v1/primes.parigot.h"

namespace {

using parigot::Future;
using parigot::KernelErr;
using parigot::Operation;
using primes::v1::CountResult;
using primes::v1::Primes;
using primes::v1::PrimesErr;

void Fail(const std::string& what) {
  parigot::log::error(what);
  parigot::exit(1);
}

std::string Describe(PrimesErr error) {
  return std::string(primes::v1::PrimesErr_Name(error));
}

Future<void, PrimesErr> CountAndCancel(Primes primes, uint32_t limit) {
  // Start: the answer comes at once, the work goes on.
  auto started = co_await primes.Count({.limit = limit});
  if (!started) Fail("Count failed: " + Describe(started.error()));
  const std::string id = started->id;
  parigot::log::info("started counting the primes below " + std::to_string(limit) +
                     (started->done ? " (done already)" : " (not done yet)"));

  // Poll until the work has made some progress.
  for (;;) {
    auto polled = co_await primes.GetOperation({.id = id});
    if (!polled) Fail("GetOperation failed: " + Describe(polled.error()));
    if (polled->done || polled->progress_permille > 0) {
      parigot::log::info("progress seen", {{"done", polled->done}});
      break;
    }
    co_await parigot::sleep(5);
  }

  // Await the result, following the operation with WaitOperation.
  auto counted = co_await parigot::AwaitOperation<CountResult>(
      primes.GetOperation({.id = id}), [primes](const std::string& op) {
        return primes.WaitOperation({.id = op, .timeout_ms = 2000});
      });
  if (!counted) Fail("the count failed: " + Describe(counted.error()));
  parigot::log::info("primes below " + std::to_string(counted->limit) + ": " +
                     std::to_string(counted->count));

  // Cancel a second, much longer operation: it ends with the error its
  // work chose when it saw the request.
  auto second = co_await primes.Count({.limit = 100'000'000});
  if (!second) Fail("second Count failed");
  auto cancelling = co_await primes.CancelOperation({.id = second->id});
  if (!cancelling || !cancelling->cancel_requested) Fail("CancelOperation failed");
  auto cancelled = co_await parigot::AwaitOperation<CountResult>(
      primes.GetOperation({.id = second->id}),
      [primes](const std::string& op) { return primes.GetOperation({.id = op}); },
      /*interval_ms=*/5);
  if (cancelled || cancelled.error() != PrimesErr::Cancelled) {
    Fail("the cancelled operation did not end as Cancelled");
  }
  parigot::log::info("the cancelled operation ended with " + Describe(cancelled.error()));

  // An id nobody gave out.
  auto unknown = co_await primes.GetOperation({.id = "op-0-0000000000000000"});
  if (unknown || unknown.error() != PrimesErr::UnknownOperation) Fail("a made-up id was found");
  parigot::log::info("a made-up id answers " + Describe(unknown.error()));
}

Future<void, KernelErr> Main(parigot::Program& app, uint32_t limit) {
  auto launched = co_await app.launch();
  if (!launched) co_await parigot::fail(launched.error());
  auto done = co_await CountAndCancel(Primes::locate(), limit);
  parigot::exit(done ? 0 : 1);
}

}  // namespace

int main(int argc, char** argv) {
  const uint32_t limit =
      argc > 1 ? static_cast<uint32_t>(std::strtoul(argv[1], nullptr, 10)) : 2'000'000;
  parigot::Program app({Primes::require});
  auto running = Main(app, limit);
  return parigot::run();
}
