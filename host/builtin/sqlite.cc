#include "host/builtin/sqlite.h"

#include <sqlite3.h>

namespace parigot::builtin::sqlite {

Status Error(sqlite3* db, std::string_view who, std::string_view what) {
  return InternalError(std::string(who) + ": " + std::string(what) + ": " + sqlite3_errmsg(db));
}

Status Exec(sqlite3* db, std::string_view who, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return InternalError(std::string(who) + ": " + sql + ": " + text);
  }
  return Status::Ok();
}

Result<sqlite3*> Open(const std::filesystem::path& file, std::string_view who,
                      std::initializer_list<const char*> schema) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    Status error = InternalError(std::string(who) + ": cannot open " + file.string() + ": " +
                                 (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return error;
  }
  // WAL with synchronous=FULL: a commit is on disk when it returns. A
  // second connection to the file (another process run on the same data
  // directory) waits up to 2 s for the other's transaction rather than
  // failing at once.
  for (const char* sql :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=2000"}) {
    if (Status s = Exec(db, who, sql); !s.ok()) {
      sqlite3_close(db);
      return s;
    }
  }
  for (const char* sql : schema) {
    if (Status s = Exec(db, who, sql); !s.ok()) {
      sqlite3_close(db);
      return s;
    }
  }
  return db;
}

Statement::Statement(sqlite3* db, const char* sql) {
  status_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::Bind(int index, std::string_view bytes) {
  // A null pointer would bind NULL, not an empty blob.
  const char* data = bytes.data() != nullptr ? bytes.data() : "";
  sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
}

void Statement::Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

int Statement::Step() { return sqlite3_step(stmt_); }

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::Bytes(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

}  // namespace parigot::builtin::sqlite
