// queue's program: uses the queue built-in (parigot.queue.v1.Queue) as a
// producer and a worker would: sends a batch of jobs, receives them, acks
// all but one as if the worker had died on it, sees that one come back
// once its visibility timeout has passed, finds the dead worker's receipt
// stale, acks it for good, and shows what bad requests get. Exits 0, or 1
// when anything went otherwise.
#include <set>
#include <string>
#include <vector>

#include "parigot/parigot.h"
#include "parigot/queue/v1/queue.parigot.h"

namespace {

using parigot::Future;
using parigot::KernelErr;
namespace q = parigot::queue::v1;

constexpr uint32_t kVisibilityMs = 1000;

void Fail(const std::string& what) {
  parigot::log::error(what);
  parigot::exit(1);
}

std::string Name(q::QueueErr error) { return std::string(q::QueueErr_Name(error)); }

Future<void, q::QueueErr> Counts(q::Queue queue, std::string when) {
  auto length = co_await queue.Length({.queue = "jobs"});
  if (!length) Fail("Length failed: " + Name(length.error()));
  parigot::log::info(when + ": " + std::to_string(length->visible) + " visible, " +
                     std::to_string(length->in_flight) + " in flight");
}

Future<void, q::QueueErr> Demo(q::Queue queue) {
  // Start afresh: a run that failed half-way may have left jobs behind.
  auto dropped = co_await queue.Delete({.name = "jobs"});
  if (!dropped) Fail("Delete failed: " + Name(dropped.error()));
  auto created = co_await queue.Create({.name = "jobs"});
  if (!created || !created->created) Fail("Create failed");

  // The producer: three jobs in one Send, all or none.
  auto sent = co_await queue.Send({.queue = "jobs", .bodies = {"resize", "encode", "publish"}});
  if (!sent) Fail("Send failed: " + Name(sent.error()));
  std::set<int64_t> ids(sent->ids.begin(), sent->ids.end());
  if (ids.size() != 3) Fail("the three jobs did not get three ids");
  parigot::log::info("sent 3 jobs, each with its own id");

  // The worker: takes them all, hidden from others for a second.
  auto got = co_await queue.Receive(
      {.queue = "jobs", .max_messages = 10, .visibility_timeout_ms = kVisibilityMs});
  if (!got || got->messages.size() != 3) Fail("Receive did not give the three jobs");
  std::string names;
  for (size_t i = 0; i < got->messages.size(); ++i) {
    const q::Message& m = got->messages[i];
    if (m.id != sent->ids[i] || m.delivery_count != 1) Fail("a job came with the wrong id");
    names += (i == 0 ? "" : ", ") + m.body;
  }
  parigot::log::info("received " + names + " in the order sent");

  // It finishes two; it "dies" on the third, which stays unacknowledged.
  auto acked = co_await queue.Ack(
      {.queue = "jobs", .receipts = {got->messages[0].receipt, got->messages[1].receipt}});
  if (!acked || acked->acked != 2) Fail("Ack failed");
  parigot::log::info("acked resize and encode; publish is left unacknowledged");
  co_await Counts(queue, "length");

  auto none = co_await queue.Receive({.queue = "jobs", .max_messages = 10});
  if (!none || !none->messages.empty()) Fail("a hidden job was handed out");
  parigot::log::info("nothing to receive while publish is in flight (an empty list, no error)");

  // After its visibility timeout the job is delivered again.
  co_await parigot::sleep(kVisibilityMs + 100);
  auto again = co_await queue.Receive({.queue = "jobs", .visibility_timeout_ms = 5000});
  if (!again || again->messages.size() != 1) Fail("publish was not delivered again");
  const q::Message& retry = again->messages[0];
  if (retry.body != "publish" || retry.id != sent->ids[2]) Fail("the wrong job came back");
  parigot::log::info("publish was delivered again, delivery " +
                     std::to_string(retry.delivery_count) + ", same id");

  // The dead worker's receipt no longer counts; the new one does.
  auto late = co_await queue.Ack({.queue = "jobs", .receipts = {got->messages[2].receipt}});
  if (!late || late->acked != 0 || late->stale.size() != 1) Fail("a stale receipt acked");
  auto done = co_await queue.Ack({.queue = "jobs", .receipts = {retry.receipt}});
  if (!done || done->acked != 1) Fail("the current receipt did not ack");
  parigot::log::info("the first delivery's receipt is stale; the second one acked publish");
  co_await Counts(queue, "length at the end");

  // Bad requests get their error codes.
  auto bad = co_await queue.Send({.queue = "no spaces", .bodies = {"x"}});
  if (bad || bad.error() != q::QueueErr::InvalidArgument) Fail("a bad name was accepted");
  auto missing = co_await queue.Send({.queue = "missing", .bodies = {"x"}});
  if (missing || missing.error() != q::QueueErr::NotFound) Fail("a missing queue took a job");
  parigot::log::info("a bad queue name gets " + Name(bad.error()) + ", a missing queue " +
                     Name(missing.error()));
}

Future<void, KernelErr> Main(parigot::Program& app) {
  auto launched = co_await app.launch();
  if (!launched) co_await parigot::fail(launched.error());
  auto done = co_await Demo(q::Queue::locate());
  parigot::exit(done ? 0 : 1);
}

}  // namespace

int main() {
  parigot::Program app({q::Queue::require});
  auto running = Main(app);
  return parigot::run();
}
