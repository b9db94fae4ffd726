#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace it::storage::sqlite {

class Connection;

// A prepared statement borrowed from a Connection's cache. Resets and clears its bindings when
// it goes out of scope so the next borrower starts clean. Not thread-safe (like its Connection).
class Statement {
 public:
  Statement(Connection& conn, sqlite3_stmt* stmt) : conn_(&conn), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : conn_(other.conn_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  ~Statement();

  // Binds by 1-based index; chainable.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bindNull(int index);
  // NULL when empty.
  Statement& bindOptional(int index, const std::optional<std::string>& text);
  Statement& bindOptional(int index, const std::optional<std::int64_t>& value);

  // Steps once: true when a row is available, false when done. Throws StoreError on failure.
  bool step();
  // Steps to completion (for writes).
  void run();

  std::int64_t columnInt(int index) const;
  std::string columnText(int index) const;
  bool columnIsNull(int index) const;
  std::optional<std::int64_t> columnOptionalInt(int index) const;
  std::optional<std::string> columnOptionalText(int index) const;

 private:
  Connection* conn_;
  sqlite3_stmt* stmt_;
};

// One SQLite connection with a cache of prepared statements. Owned by one thread at a time.
class Connection {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  Connection(const std::string& path, Mode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without results. Throws StoreError.
  void exec(const char* sql);
  // Returns a cached prepared statement for `sql` (prepared on first use).
  Statement prepare(std::string_view sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int changes() const;

  [[noreturn]] void fail(const char* what) const;

 private:
  // Transparent hashing so a lookup by string_view allocates nothing on the hot path.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
};

// A read transaction on a reader connection: every query inside sees one snapshot.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& db) : db_(db) { db_.exec("BEGIN"); }
  ~ReadTransaction() {
    try {
      db_.exec("COMMIT");
    } catch (...) {  // a read-only transaction has nothing to lose
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Connection& db_;
};

}  // namespace it::storage::sqlite
