#include "host/builtin/kv/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "host/builtin/sqlite.h"

namespace parigot::builtin::kv {
namespace {

using sqlite::Statement;

Status SqliteError(sqlite3* db, std::string_view what) { return sqlite::Error(db, "kv", what); }

Status CheckNamespaceAndKey(std::string_view ns, std::string_view key) {
  if (ns.size() > kMaxNamespaceSize) {
    return InvalidArgumentError("kv: namespace of " + std::to_string(ns.size()) +
                                " bytes, over " + std::to_string(kMaxNamespaceSize));
  }
  if (key.empty()) return InvalidArgumentError("kv: empty key");
  if (key.size() > kMaxKeySize) {
    return InvalidArgumentError("kv: key of " + std::to_string(key.size()) + " bytes, over " +
                                std::to_string(kMaxKeySize));
  }
  return Status::Ok();
}

// The smallest string greater than every string that starts with `prefix`,
// or nullopt when there is none (the prefix is empty or all 0xff).
std::optional<std::string> PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) return std::nullopt;
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

}  // namespace

Result<std::unique_ptr<KvStore>> KvStore::Open(const std::filesystem::path& file) {
  Result<sqlite3*> db = sqlite::Open(
      file, "kv",
      {"PRAGMA foreign_keys=OFF",
       "CREATE TABLE IF NOT EXISTS entries ("
       "  ns BLOB NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,"
       "  version INTEGER NOT NULL, PRIMARY KEY (ns, key))"});
  if (!db.ok()) return db.status();
  return std::unique_ptr<KvStore>(new KvStore(*db));
}

KvStore::~KvStore() { sqlite3_close(db_); }

Status KvStore::Exec(const char* sql) { return sqlite::Exec(db_, "kv", sql); }

Result<std::optional<Entry>> KvStore::Get(std::string_view ns, std::string_view key) {
  if (Status s = CheckNamespaceAndKey(ns, key); !s.ok()) return s;
  Statement get(db_, "SELECT value, version FROM entries WHERE ns = ?1 AND key = ?2");
  if (!get.ok()) return SqliteError(db_, "get");
  get.Bind(1, ns);
  get.Bind(2, key);
  int rc = get.Step();
  if (rc == SQLITE_DONE) return std::optional<Entry>();
  if (rc != SQLITE_ROW) return SqliteError(db_, "get");
  return std::optional<Entry>(Entry{std::string(key), get.Bytes(0), get.Int(1)});
}

Result<int64_t> KvStore::WriteLocked(std::string_view ns, const Write& write) {
  if (Status s = CheckNamespaceAndKey(ns, write.key); !s.ok()) return s;
  if (write.value.size() > kMaxValueSize) {
    return InvalidArgumentError("kv: value of " + std::to_string(write.value.size()) +
                                " bytes, over " + std::to_string(kMaxValueSize));
  }
  Statement current(db_, "SELECT version FROM entries WHERE ns = ?1 AND key = ?2");
  if (!current.ok()) return SqliteError(db_, "write");
  current.Bind(1, ns);
  current.Bind(2, write.key);
  int rc = current.Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqliteError(db_, "write");
  const int64_t version = rc == SQLITE_ROW ? current.Int(0) : 0;
  if (write.expected_version && *write.expected_version != version) {
    return FailedPreconditionError("kv: version of the key is " + std::to_string(version) +
                                   ", not " + std::to_string(*write.expected_version));
  }
  if (write.kind == Write::Kind::kDelete) {
    Statement del(db_, "DELETE FROM entries WHERE ns = ?1 AND key = ?2");
    if (!del.ok()) return SqliteError(db_, "delete");
    del.Bind(1, ns);
    del.Bind(2, write.key);
    if (del.Step() != SQLITE_DONE) return SqliteError(db_, "delete");
    return version == 0 ? -1 : 0;  // -1: it was absent
  }
  Statement put(db_,
                "INSERT INTO entries (ns, key, value, version) VALUES (?1, ?2, ?3, ?4) "
                "ON CONFLICT (ns, key) DO UPDATE SET value = ?3, version = ?4");
  if (!put.ok()) return SqliteError(db_, "put");
  put.Bind(1, ns);
  put.Bind(2, write.key);
  put.Bind(3, write.value);
  put.Bind(4, version + 1);
  if (put.Step() != SQLITE_DONE) return SqliteError(db_, "put");
  return version + 1;
}

Result<std::vector<int64_t>> KvStore::Transact(std::string_view ns,
                                               const std::vector<Write>& writes) {
  if (Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  std::vector<int64_t> results;
  results.reserve(writes.size());
  for (size_t i = 0; i < writes.size(); ++i) {
    Result<int64_t> result = WriteLocked(ns, writes[i]);
    if (!result.ok()) {
      (void)Exec("ROLLBACK");
      return Status(result.status().code(),
                    "write " + std::to_string(i) + ": " + result.status().message());
    }
    results.push_back(*result);
  }
  if (Status s = Exec("COMMIT"); !s.ok()) {
    (void)Exec("ROLLBACK");
    return s;
  }
  return results;
}

Result<std::vector<int64_t>> KvStore::Apply(std::string_view ns,
                                            const std::vector<Write>& writes) {
  if (writes.size() > kMaxBatchOps) {
    return InvalidArgumentError("kv: batch of " + std::to_string(writes.size()) +
                                " writes, over " + std::to_string(kMaxBatchOps));
  }
  Result<std::vector<int64_t>> results = Transact(ns, writes);
  if (!results.ok()) return results.status();
  // A delete's version is 0, whether or not its key was there.
  for (int64_t& version : *results) version = std::max<int64_t>(version, 0);
  return results;
}

Result<int64_t> KvStore::Put(std::string_view ns, std::string_view key, std::string_view value,
                             std::optional<int64_t> expected_version) {
  Result<std::vector<int64_t>> versions =
      Transact(ns, {Write{Write::Kind::kPut, std::string(key), std::string(value),
                          expected_version}});
  if (!versions.ok()) return versions.status();
  return versions->front();
}

Result<bool> KvStore::Delete(std::string_view ns, std::string_view key,
                             std::optional<int64_t> expected_version) {
  Result<std::vector<int64_t>> results =
      Transact(ns, {Write{Write::Kind::kDelete, std::string(key), {}, expected_version}});
  if (!results.ok()) return results.status();
  return results->front() == 0;
}

Result<Page> KvStore::List(std::string_view ns, std::string_view prefix,
                           std::string_view start_after, size_t limit, bool with_values) {
  if (ns.size() > kMaxNamespaceSize || prefix.size() > kMaxKeySize ||
      start_after.size() > kMaxKeySize) {
    return InvalidArgumentError("kv: namespace, prefix or start key over its limit");
  }
  if (limit == 0 || limit > kMaxListLimit) {
    return InvalidArgumentError("kv: list limit " + std::to_string(limit) + " not in 1.." +
                                std::to_string(kMaxListLimit));
  }
  std::optional<std::string> end = PrefixEnd(prefix);
  // One more than asked: whether another page follows.
  Statement list(db_, with_values
                          ? "SELECT key, value, version FROM entries WHERE ns = ?1 "
                            "AND key >= ?2 AND key > ?3 AND (?4 IS NULL OR key < ?4) "
                            "ORDER BY key LIMIT ?5"
                          : "SELECT key, NULL, version FROM entries WHERE ns = ?1 "
                            "AND key >= ?2 AND key > ?3 AND (?4 IS NULL OR key < ?4) "
                            "ORDER BY key LIMIT ?5");
  if (!list.ok()) return SqliteError(db_, "list");
  list.Bind(1, ns);
  list.Bind(2, prefix);
  list.Bind(3, start_after);
  if (end) list.Bind(4, *end);
  list.Bind(5, static_cast<int64_t>(limit + 1));
  Page page;
  int rc;
  while ((rc = list.Step()) == SQLITE_ROW) {
    if (page.entries.size() == limit) {
      page.next_after = page.entries.back().key;
      break;
    }
    page.entries.push_back(Entry{list.Bytes(0), list.Bytes(1), list.Int(2)});
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqliteError(db_, "list");
  return page;
}

}  // namespace parigot::builtin::kv
