// KvStore: the key-value built-in's storage, one SQLite database file per
// store (issue 12, docs/builtins.md when the service lands). Keys live in
// named namespaces; every entry has a version that grows by one with each
// write, for compare-and-swap. Keys and values are bytes; they are
// compared as bytes (memcmp order).
//
// Durability: WAL journal with synchronous=FULL, so a write returns only
// once it is on disk, and a process killed at any point leaves every write
// that returned, and no part of any other (SQLite's transactions).
//
// Thread safety: none; one thread uses a store (the service's).
#ifndef PARIGOT_HOST_BUILTIN_KV_STORE_H_
#define PARIGOT_HOST_BUILTIN_KV_STORE_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/status.h"

struct sqlite3;

namespace parigot::builtin::kv {

// Limits a request must keep to (kInvalidArgument otherwise).
inline constexpr size_t kMaxNamespaceSize = 1024;
inline constexpr size_t kMaxKeySize = 64 * 1024;
inline constexpr size_t kMaxValueSize = 64 * 1024 * 1024;
inline constexpr size_t kMaxBatchOps = 1000;
inline constexpr size_t kMaxListLimit = 1000;

struct Entry {
  std::string key;
  std::string value;  // empty when listed without values
  int64_t version = 0;
};

// A write in a batch. `expected_version`: the write happens only if the
// key's version is that (0: the key must not exist); nullopt: whatever it is.
struct Write {
  enum class Kind { kPut, kDelete };
  Kind kind = Kind::kPut;
  std::string key;
  std::string value;  // kPut
  std::optional<int64_t> expected_version;
};

// One page of List: entries in key order, and the key to start after for
// the next page (empty when this is the last).
struct Page {
  std::vector<Entry> entries;
  std::string next_after;
};

class KvStore {
 public:
  // Opens (creating it and its schema if need be) the store in `file`.
  static Result<std::unique_ptr<KvStore>> Open(const std::filesystem::path& file);
  ~KvStore();
  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;

  // The entry, or nullopt if the key is absent.
  Result<std::optional<Entry>> Get(std::string_view ns, std::string_view key);
  // Writes one key; returns its new version (1 for a new key).
  // kFailedPrecondition when `expected_version` does not match.
  Result<int64_t> Put(std::string_view ns, std::string_view key, std::string_view value,
                      std::optional<int64_t> expected_version = std::nullopt);
  // Deletes one key; false if it was absent (with no expected version).
  // kFailedPrecondition when `expected_version` does not match.
  Result<bool> Delete(std::string_view ns, std::string_view key,
                      std::optional<int64_t> expected_version = std::nullopt);
  // All the writes or none: kFailedPrecondition (naming the write) when an
  // expected version does not match. Returns each write's new version (0
  // for a delete).
  Result<std::vector<int64_t>> Apply(std::string_view ns, const std::vector<Write>& writes);
  // Up to `limit` (1..kMaxListLimit) entries whose keys start with
  // `prefix`, after `start_after` (empty: from the first), in key order.
  Result<Page> List(std::string_view ns, std::string_view prefix, std::string_view start_after,
                    size_t limit, bool with_values);

 private:
  explicit KvStore(sqlite3* db) : db_(db) {}
  // Applies `writes` in one transaction, all or none: each one's result as
  // WriteLocked gives it.
  Result<std::vector<int64_t>> Transact(std::string_view ns, const std::vector<Write>& writes);
  // Applies one write inside the current transaction: the key's new
  // version; for a delete, 0, or -1 when the key was absent.
  Result<int64_t> WriteLocked(std::string_view ns, const Write& write);
  Status Exec(const char* sql);

  sqlite3* db_;
};

}  // namespace parigot::builtin::kv

#endif  // PARIGOT_HOST_BUILTIN_KV_STORE_H_
