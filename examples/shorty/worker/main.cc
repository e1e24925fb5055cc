// shorty's worker: takes visits off the "visits" queue and adds them to
// each link's click count in the store ("clicks/CODE"), then acknowledges
// them. Delivery is at least once: a batch whose acknowledgement is lost
// (the worker killed between counting and acking) is delivered again after
// its visibility timeout and counted again; Status says how many messages
// came more than once.
#include <map>
#include <string>
#include <vector>

#include "parigot/kv/v1/kv.parigot.h"
#include "parigot/parigot.h"
#include "parigot/queue/v1/queue.parigot.h"
#include "shorty/v1/shorty.parigot.h"

namespace {

namespace kv = parigot::kv::v1;
namespace queue = parigot::queue::v1;
using shorty::v1::ShortyErr;
using parigot::KernelErr;

constexpr char kNamespace[] = "shorty";
constexpr char kVisits[] = "visits";
constexpr uint32_t kBatch = 64;
constexpr uint32_t kVisibilityMs = 10000;
constexpr uint32_t kIdleMs = 20;

class Worker : public shorty::v1::WorkerServer {
 public:
  parigot::Future<shorty::v1::WorkerStatusResponse, ShortyErr> Status() override {
    return parigot::Future<shorty::v1::WorkerStatusResponse, ShortyErr>::Ready(
        {.counted = counted_, .redelivered = redelivered_});
  }

  // Counts `n` more visits of `code`: read, add, write back only if the
  // count did not change meanwhile (another worker), else read again.
  parigot::Future<void, kv::KvErr> Add(std::string code, uint64_t n) {
    kv::KV store = kv::KV::locate();
    for (;;) {
      auto clicks = co_await store.Get({.ns = kNamespace, .key = "clicks/" + code});
      if (!clicks) co_await parigot::fail(clicks.error());
      const uint64_t now = clicks->found ? std::stoull(clicks->value) : 0;
      auto put = co_await store.Put({.ns = kNamespace, .key = "clicks/" + code,
                                     .value = std::to_string(now + n), .check_version = true,
                                     .expected_version = clicks->version});
      if (put) co_return;
      if (put.error() != kv::KvErr::VersionMismatch) co_await parigot::fail(put.error());
    }
  }

  parigot::Future<void, KernelErr> Run() {
    queue::Queue visits = queue::Queue::locate();
    auto created = co_await visits.Create({.name = kVisits});
    if (!created) parigot::log::warn("cannot create the visits queue yet; retrying");
    for (;;) {
      auto got = co_await visits.Receive(
          {.queue = kVisits, .max_messages = kBatch, .visibility_timeout_ms = kVisibilityMs});
      if (!got || got->messages.empty()) {
        // Nothing to do (or the queue is unavailable): look again soon.
        co_await parigot::sleep(got ? kIdleMs : 500);
        if (!got) co_await visits.Create({.name = kVisits});
        continue;
      }
      std::map<std::string, uint64_t> per_code;
      std::vector<std::string> receipts;
      for (const queue::Message& message : got->messages) {
        ++per_code[message.body];
        receipts.push_back(message.receipt);
        if (message.delivery_count > 1) ++redelivered_;
      }
      bool stored = true;
      for (const auto& [code, n] : per_code) {
        auto added = co_await Add(code, n);
        stored = stored && added.ok();
      }
      if (!stored) {
        // Not acknowledged: the batch comes back after its timeout.
        parigot::log::warn("the store failed; the batch will be delivered again");
        continue;
      }
      auto acked = co_await visits.Ack({.queue = kVisits, .receipts = receipts});
      if (!acked) parigot::log::warn("an ack failed; the batch will be counted again");
      counted_ += got->messages.size();
    }
  }

 private:
  uint64_t counted_ = 0;
  uint64_t redelivered_ = 0;
};

parigot::Future<void, KernelErr> Start(parigot::Program& app, Worker& worker) {
  auto launched = co_await app.launch();
  if (!launched) co_await parigot::fail(launched.error());
  co_await worker.Run();
}

}  // namespace

int main() {
  Worker worker;
  parigot::Program app({kv::KV::require, queue::Queue::require}, {&worker});
  auto running = Start(app, worker);
  return parigot::run();
}
