// QueueStore: the queue built-in's storage (proto/parigot/queue/v1/
// queue.proto, docs/builtins.md), one SQLite database file holding any
// number of named queues.
//
// Delivery is at least once: Receive hides the messages it hands out until
// their visibility deadline; one not acknowledged by then is handed out
// again, with its delivery count one higher and a new receipt. Only the
// latest receipt of a message acknowledges or changes it, so a receiver
// that took too long cannot delete the message someone else now holds.
// Every message has an id of its own, unique in the store and never
// reused (SQLite AUTOINCREMENT), which also orders the queue.
//
// Durability: as host/builtin/sqlite.h (WAL, synchronous=FULL); every
// method that writes does so in one transaction, so it happens whole or
// not at all, and it returns only once it is on disk. Visibility deadlines
// are stored as wall-clock times, so they outlive a restart.
//
// Time comes from the clock given to Open (milliseconds since the Unix
// epoch), so tests can move it without sleeping.
//
// Thread safety: none; one thread uses a store (the service's).
#ifndef PARIGOT_HOST_BUILTIN_QUEUE_STORE_H_
#define PARIGOT_HOST_BUILTIN_QUEUE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/status.h"

struct sqlite3;

namespace parigot::builtin::queue {

// Limits a request must keep to (kInvalidArgument otherwise); queue.proto
// documents the same.
inline constexpr size_t kMaxNameSize = 128;
inline constexpr size_t kMaxBodySize = size_t{16} << 20;
inline constexpr size_t kMaxSendBodies = 1000;
inline constexpr size_t kMaxSendBytes = size_t{64} << 20;
inline constexpr int64_t kMaxTimeoutMs = int64_t{12} * 60 * 60 * 1000;
inline constexpr size_t kMaxReceiveMessages = 1000;
// Receive stops before a message that would take the bodies over this
// (but always returns at least one).
inline constexpr size_t kMaxReceiveBytes = size_t{64} << 20;
inline constexpr size_t kMaxReceipts = 1000;

// Milliseconds since the Unix epoch.
using Clock = std::function<int64_t()>;
// The host's wall clock.
int64_t WallClockMs();

struct Message {
  int64_t id = 0;
  std::string body;
  int64_t delivery_count = 0;
  std::string receipt;
  int64_t sent_ms = 0;
};

// What Ack and ChangeVisibility did: how many receipts took effect, and
// the positions of those that were stale.
struct ReceiptResult {
  size_t done = 0;
  std::vector<uint32_t> stale;
};

struct Counts {
  int64_t visible = 0;
  int64_t in_flight = 0;
  int64_t delayed = 0;
};

class QueueStore {
 public:
  // Opens (creating it and its schema if need be) the store in `file`.
  static Result<std::unique_ptr<QueueStore>> Open(const std::filesystem::path& file,
                                                  Clock clock = &WallClockMs);
  ~QueueStore();
  QueueStore(const QueueStore&) = delete;
  QueueStore& operator=(const QueueStore&) = delete;

  // Every method checks its arguments against the limits above
  // (kInvalidArgument), and a queue name to be [A-Za-z0-9._-]{1,128};
  // those that name a queue answer kNotFound when it does not exist.
  // A failure of the database answers kInternal.

  // Makes a queue; false when it existed (it is left as it was).
  Result<bool> Create(std::string_view name);
  // Removes a queue and its messages; the number of messages it held, or
  // -1 when there was no such queue.
  Result<int64_t> Delete(std::string_view name);
  // Appends `bodies` in order, hidden for `delay_ms` first; their ids.
  Result<std::vector<int64_t>> Send(std::string_view queue, const std::vector<std::string>& bodies,
                                    int64_t delay_ms = 0);
  // Up to `max_messages` (1..kMaxReceiveMessages) visible messages, oldest
  // first, each hidden for `visibility_ms` (1..kMaxTimeoutMs) from now and
  // given a new receipt. Empty when none is visible.
  Result<std::vector<Message>> Receive(std::string_view queue, size_t max_messages,
                                       int64_t visibility_ms);
  // Deletes the messages whose latest receipts these are (1..kMaxReceipts).
  Result<ReceiptResult> Ack(std::string_view queue, const std::vector<std::string>& receipts);
  // Hides the messages whose latest receipts these are for `visibility_ms`
  // (0..kMaxTimeoutMs) from now; 0 makes them visible at once.
  Result<ReceiptResult> ChangeVisibility(std::string_view queue,
                                         const std::vector<std::string>& receipts,
                                         int64_t visibility_ms);
  Result<Counts> Length(std::string_view queue);

 private:
  QueueStore(sqlite3* db, Clock clock);
  // Runs `body` inside one write transaction: committed if it returns Ok,
  // rolled back otherwise.
  Status Transact(const std::function<Status()>& body);
  // kNotFound unless `queue` exists (inside a transaction).
  Status CheckExists(std::string_view queue);
  // Applies `sql` (parameters: ?1 queue, ?2 id, ?3 token, and ?4 `time`
  // when given) to each receipt's message if the receipt is current, all
  // in one transaction.
  Result<ReceiptResult> ForReceipts(std::string_view queue,
                                    const std::vector<std::string>& receipts, const char* sql,
                                    std::optional<int64_t> time);
  std::string NewToken();

  sqlite3* db_;
  Clock clock_;
  std::mt19937_64 random_;
};

}  // namespace parigot::builtin::queue

#endif  // PARIGOT_HOST_BUILTIN_QUEUE_STORE_H_
