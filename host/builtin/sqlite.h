// What the built-ins that keep their data in SQLite (kv, queue) share: a
// database opened durable, statements that finalize themselves, and
// errors that name the operation.
//
// Durability: every database is opened in WAL mode with synchronous=FULL,
// so a transaction is on disk when its COMMIT returns, and a process
// killed at any point leaves every committed transaction and no part of
// any other. Several connections (processes) may share a file: one that
// finds it locked waits up to 2 s (busy_timeout) before failing.
//
// Thread safety: none; a database and its statements belong to one thread
// (the built-in's service thread). The connection is opened NOMUTEX.
#ifndef PARIGOT_HOST_BUILTIN_SQLITE_H_
#define PARIGOT_HOST_BUILTIN_SQLITE_H_

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include "parigot/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace parigot::builtin::sqlite {

// Opens (creating it if need be) the database in `file`, durable as above,
// and runs `schema` (CREATE ... IF NOT EXISTS statements) on it. Errors
// start with `who` ("kv", "queue"). On success the caller owns the
// connection (sqlite3_close).
Result<sqlite3*> Open(const std::filesystem::path& file, std::string_view who,
                      std::initializer_list<const char*> schema);

// Runs `sql` (no results); an error names it.
Status Exec(sqlite3* db, std::string_view who, const char* sql);

// The connection's last error, as "WHO: WHAT: message".
Status Error(sqlite3* db, std::string_view who, std::string_view what);

// A prepared statement, finalized when it goes.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Whether it compiled; the other methods need it to have.
  bool ok() const { return status_ == 0; }
  // Binds bytes to parameter `index` (1-based); SQLite copies them.
  void Bind(int index, std::string_view bytes);
  void Bind(int index, int64_t value);
  // SQLITE_ROW, SQLITE_DONE or an error.
  int Step();
  // Makes it ready to Step again with new bindings.
  void Reset();
  std::string Bytes(int column) const;
  int64_t Int(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int status_;
};

}  // namespace parigot::builtin::sqlite

#endif  // PARIGOT_HOST_BUILTIN_SQLITE_H_
