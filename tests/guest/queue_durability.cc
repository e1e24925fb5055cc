// The queue built-in's durability, driven by tests/e2e/kill_loop.py
// (--builtin queue), on a queue "durable":
//   write S    first takes every visible message (after waiting out the
//              visibility timeout of those a killed run left in flight) and
//              acks the even ones; then, for n = S, S+1, ... for ever:
//              sends message n, receives every visible message (hidden for
//              kTimeoutMs), acks the even ones among them and leaves the
//              odd ones unacknowledged, and logs "acked n". So once
//              "acked N" is logged, every message up to N was sent and
//              every even one was acknowledged. The driver kills the host
//              with SIGKILL at some point.
//   check N    waits out the visibility timeout, then receives everything
//              and checks: every odd message up to N is there, whole, and
//              was delivered again (a delivery count of 2 or more: the
//              writer received it before the kill); no even message up to
//              N is there (acknowledged means gone); messages past N may
//              be there or not (sent, unanswered, or answered after the
//              last line the driver saw), whole; a message appears at most
//              twice (a killed run's unanswered send is sent again by the
//              next run); every id is distinct. Then it
//              gives every message back (ChangeVisibility 0) for the next
//              round, logs "all N+1 acknowledged sends are there, intact"
//              and exits 0, or logs what is wrong and exits 1.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "parigot/parigot.h"
#include "parigot/queue/v1/queue.parigot.h"
#include "tests/guest/check.h"

namespace {

namespace q = parigot::queue::v1;
using parigot::Future;
using parigot::KernelErr;
using parigot::check::Fail;

constexpr uint32_t kTimeoutMs = 1000;
constexpr const char* kQueue = "durable";

// Message n's body: its number, then 1000 bytes derived from it, so that a
// torn body shows.
std::string BodyOf(long n) {
  std::string body = std::to_string(n) + ":";
  for (int i = 0; i < 1000; ++i) body += static_cast<char>((n * 131 + i) % 251);
  return body;
}

// The number in `body`, or -1 when the body is not one BodyOf wrote.
long NumberOf(const std::string& body) {
  const size_t colon = body.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 12) return -1;
  const long n = std::strtol(body.substr(0, colon).c_str(), nullptr, 10);
  return body == BodyOf(n) ? n : -1;
}

// Receives every visible message, hidden for `timeout_ms`, and acks the
// even ones; gives what it received.
Future<std::vector<q::Message>, q::QueueErr> TakeAll(q::Queue queue, uint32_t timeout_ms,
                                                     bool ack_even) {
  std::vector<q::Message> all;
  for (;;) {
    auto got = co_await queue.Receive(
        {.queue = kQueue, .max_messages = 1000, .visibility_timeout_ms = timeout_ms});
    if (!got) Fail("receive failed: " + std::string(q::QueueErr_Name(got.error())));
    if (got->messages.empty()) break;
    q::AckRequest ack{.queue = kQueue};
    for (const q::Message& m : got->messages) {
      const long n = NumberOf(m.body);
      if (n < 0) Fail("message " + std::to_string(m.id) + " is torn");
      if (ack_even && n % 2 == 0) ack.receipts.push_back(m.receipt);
      all.push_back(m);
    }
    if (!ack.receipts.empty()) {
      auto acked = co_await queue.Ack(ack);
      if (!acked || acked->acked != ack.receipts.size()) Fail("ack failed");
    }
  }
  co_return all;
}

Future<void, q::QueueErr> Write(q::Queue queue, long start) {
  co_await parigot::sleep(kTimeoutMs + 100);
  auto drained = co_await TakeAll(queue, kTimeoutMs, /*ack_even=*/true);
  if (!drained) Fail("drain failed");
  for (long n = start;; ++n) {
    auto sent = co_await queue.Send({.queue = kQueue, .bodies = {BodyOf(n)}});
    if (!sent) Fail("send " + std::to_string(n) + " failed");
    auto taken = co_await TakeAll(queue, kTimeoutMs, /*ack_even=*/true);
    if (!taken) Fail("receive after send " + std::to_string(n) + " failed");
    parigot::log::info("acked " + std::to_string(n));
  }
}

Future<void, q::QueueErr> Check(q::Queue queue, long acked) {
  co_await parigot::sleep(kTimeoutMs + 100);
  auto taken = co_await TakeAll(queue, 60'000, /*ack_even=*/false);
  if (!taken) Fail("receive failed");
  std::map<long, int> copies;
  std::map<long, uint32_t> most_deliveries;
  std::set<int64_t> ids;
  std::vector<std::string> receipts;
  for (const q::Message& m : *taken) {
    const long n = NumberOf(m.body);
    if (!ids.insert(m.id).second) Fail("id " + std::to_string(m.id) + " came twice");
    if (n <= acked && n % 2 == 0) Fail("acknowledged message " + std::to_string(n) + " is back");
    if (++copies[n] > 2) Fail("message " + std::to_string(n) + " is there 3 times");
    most_deliveries[n] = std::max(most_deliveries[n], m.delivery_count);
    receipts.push_back(m.receipt);
  }
  for (long n = 1; n <= acked; n += 2) {
    if (copies[n] == 0) Fail("sent message " + std::to_string(n) + " is missing");
    if (most_deliveries[n] < 2) Fail("message " + std::to_string(n) + " lost its deliveries");
  }
  // 1000 receipts at most per call.
  for (size_t i = 0; i < receipts.size(); i += 1000) {
    q::ChangeVisibilityRequest part{.queue = kQueue, .visibility_timeout_ms = 0};
    const size_t end = std::min(receipts.size(), i + 1000);
    part.receipts.assign(receipts.begin() + i, receipts.begin() + end);
    auto changed = co_await queue.ChangeVisibility(part);
    if (!changed || !changed->stale.empty()) Fail("giving the messages back failed");
  }
  parigot::log::info("all " + std::to_string(acked + 1) +
                     " acknowledged sends are there, intact (" +
                     std::to_string(taken->size()) + " messages left unacknowledged)");
  parigot::exit(0);
}

Future<void, KernelErr> Main(parigot::Program& app, std::string mode, long number) {
  auto launched = co_await app.launch();
  if (!launched) co_await parigot::fail(launched.error());
  auto queue = q::Queue::locate();
  auto created = co_await queue.Create({.name = kQueue});
  if (!created) Fail("create failed");
  auto done = co_await (mode == "write" ? Write(queue, number) : Check(queue, number));
  parigot::exit(done ? 0 : 1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) Fail("usage: queue_durability write S | check N");
  std::string mode = argv[1];
  long number = std::strtol(argv[2], nullptr, 10);
  parigot::Program app({q::Queue::require});
  auto running = Main(app, mode, number);
  return parigot::run();
}
