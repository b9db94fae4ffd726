#include "storage/sqlite/sqlite_store.hpp"

#include <atomic>
#include <future>

#include "storage/sqlite/schema.hpp"

namespace it::storage::sqlite {
namespace {

UserRecord readUser(Statement& s) {
  return UserRecord{s.columnText(0), s.columnText(1), s.columnInt(2) != 0, s.columnText(3)};
}

TvProgress readProgress(Statement& s) {
  return TvProgress{s.columnText(0), s.columnText(1), s.columnInt(2), s.columnInt(3),
                    s.columnText(4)};
}

// Each thread keeps a reader connection to the last store it read from, so a point read on an
// I/O thread takes no lock. Stores are told apart by a process-unique id, never by address
// (a new store may reuse a freed one's address).
struct ThreadReader {
  std::uint64_t store_id = 0;
  std::unique_ptr<Connection> conn;
  bool busy = false;  // a read is using `conn`
};
thread_local ThreadReader t_reader;
std::atomic<std::uint64_t> g_next_store_id{1};

// TV progress entries kept between commits: about 200 bytes each, so at most ~2 MiB.
constexpr std::size_t kTvCacheEntries = 10000;

}  // namespace

int SqliteStore::latestSchemaVersion() { return sqlite::latestSchemaVersion(); }

SqliteStore::SqliteStore(Options options)
    : options_(std::move(options)),
      id_(g_next_store_id.fetch_add(1)),
      counters_(options_.path),
      tv_cache_(kTvCacheEntries) {
  writer_conn_ = std::make_unique<Connection>(options_.path, Connection::Mode::kReadWrite);
  writer_conn_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  migrate(*writer_conn_);
  counters_.bumpCommits();  // a migration may have changed what other processes cached
  writer_ = std::thread([this] { writerLoop(); });
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  writer_.join();
}

SqliteStore::ReaderLease::~ReaderLease() {
  if (busy_ != nullptr) {
    *busy_ = false;
  } else if (owned_ != nullptr) {
    std::lock_guard lock(pool_->readers_mutex_);
    pool_->idle_readers_.push_back(std::move(owned_));
  }
}

SqliteStore::ReaderLease SqliteStore::reader() {
  if (!t_reader.busy) {
    if (t_reader.store_id != id_ || t_reader.conn == nullptr) {
      t_reader.conn.reset();
      t_reader.conn = std::make_unique<Connection>(options_.path, Connection::Mode::kReadOnly);
      t_reader.store_id = id_;
    }
    t_reader.busy = true;
    return ReaderLease(t_reader.conn.get(), &t_reader.busy);
  }
  // A read nested inside another read on this thread: borrow from the pool.
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return ReaderLease(this, std::move(conn));
    }
  }
  return ReaderLease(this,
                     std::make_unique<Connection>(options_.path, Connection::Mode::kReadOnly));
}

// ---- writer -------------------------------------------------------------------------------

void SqliteStore::submit(WriteOp op, WriteDone done) {
  {
    std::lock_guard lock(queue_mutex_);
    if (!stopping_) {
      queue_.push_back(PendingWrite{std::move(op), std::move(done)});
      queue_cv_.notify_one();
      return;
    }
  }
  done(Result<void>::fail(FailureKind::kStorage, "the store is closing"));
}

void SqliteStore::writeAndWait(WriteOp op) {
  std::promise<void> committed;
  auto result = committed.get_future();
  submit(std::move(op), [&committed](Result<void> written) {
    if (written) return committed.set_value();
    committed.set_exception(std::make_exception_ptr(written.failure->kind == FailureKind::kStorage
                                                        ? StoreError(written.failure->message)
                                                        : FailureError(*written.failure)));
  });
  result.get();
}

void SqliteStore::writerLoop() {
  std::vector<PendingWrite> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commitBatch(batch);
    batch.clear();
  }
}

void SqliteStore::commitBatch(std::vector<PendingWrite>& batch) {
  Connection& db = *writer_conn_;
  std::vector<std::exception_ptr> errors(batch.size());
  std::exception_ptr batch_error;
  try {
    db.prepare("BEGIN IMMEDIATE").run();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      // A savepoint per write: one failing write (a constraint, say) leaves the rest of the
      // group to commit.
      db.prepare("SAVEPOINT op").run();
      try {
        batch[i].op(db);
        db.prepare("RELEASE op").run();
      } catch (...) {
        errors[i] = std::current_exception();
        db.prepare("ROLLBACK TO op").run();
        db.prepare("RELEASE op").run();
      }
    }
    db.prepare("COMMIT").run();
    counters_.bumpCommits();  // before any write of the group is acknowledged
  } catch (...) {
    batch_error = std::current_exception();
    try {
      db.exec("ROLLBACK");
    } catch (...) {  // no transaction was open (BEGIN failed): nothing to undo
    }
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::exception_ptr error = batch_error ? batch_error : errors[i];
    // Whatever went wrong while writing is a store failure (the original's "Database error").
    batch[i].done(error ? Result<void>::fail(failureOf(error, FailureKind::kStorage))
                        : Result<void>::success());
  }
}

// ---- users and tokens ---------------------------------------------------------------------

std::optional<std::uint64_t> SqliteStore::credentialsVersion() { return counters_.credentials(); }

std::optional<UserRecord> SqliteStore::findUser(std::string_view name) {
  auto db = reader();
  auto s =
      db->prepare("SELECT name, password_hash, is_admin, created_at FROM users WHERE name = ?1");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return readUser(s);
}

std::vector<UserRecord> SqliteStore::listUsers() {
  auto db = reader();
  auto s = db->prepare("SELECT name, password_hash, is_admin, created_at FROM users ORDER BY name");
  std::vector<UserRecord> users;
  while (s.step()) users.push_back(readUser(s));
  return users;
}

bool SqliteStore::addUser(const UserRecord& user) {
  bool added = false;
  writeAndWait([&](Connection& db) {
    auto s = db.prepare(
        "INSERT INTO users (name, password_hash, is_admin, created_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (name) DO NOTHING");
    s.bind(1, user.name)
        .bind(2, user.password_hash)
        .bind(3, std::int64_t{user.admin ? 1 : 0})
        .bind(4, user.created_at)
        .run();
    added = db.changes() == 1;
  });
  if (added) counters_.bumpCredentials();
  return added;
}

bool SqliteStore::setPasswordHash(std::string_view name, std::string_view hash) {
  bool changed = false;
  writeAndWait([&](Connection& db) {
    db.prepare("UPDATE users SET password_hash = ?2 WHERE name = ?1")
        .bind(1, name)
        .bind(2, hash)
        .run();
    changed = db.changes() == 1;
    // Signed in with the old password: signed out.
    db.prepare("DELETE FROM sessions WHERE username = ?1").bind(1, name).run();
  });
  if (changed) counters_.bumpCredentials();
  return changed;
}

bool SqliteStore::removeUser(std::string_view name) {
  bool removed = false;
  writeAndWait([&](Connection& db) {
    db.prepare("DELETE FROM tv_progress WHERE username = ?1").bind(1, name).run();
    db.prepare("DELETE FROM api_tokens WHERE username = ?1").bind(1, name).run();
    db.prepare("DELETE FROM sessions WHERE username = ?1").bind(1, name).run();
    db.prepare("DELETE FROM users WHERE name = ?1").bind(1, name).run();
    removed = db.changes() == 1;
  });
  if (removed) counters_.bumpCredentials();
  return removed;
}

void SqliteStore::addToken(const TokenInfo& token, std::string_view token_hash) {
  writeAndWait([&](Connection& db) {
    db.prepare(
          "INSERT INTO api_tokens (token_hash, id, username, label, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, token_hash)
        .bind(2, token.id)
        .bind(3, token.username)
        .bind(4, token.label)
        .bind(5, token.created_at)
        .run();
  });
}

std::optional<UserRecord> SqliteStore::findUserByTokenHash(std::string_view token_hash) {
  auto db = reader();
  auto s = db->prepare(
      "SELECT u.name, u.password_hash, u.is_admin, u.created_at "
      "FROM api_tokens t JOIN users u ON u.name = t.username WHERE t.token_hash = ?1");
  s.bind(1, token_hash);
  if (!s.step()) return std::nullopt;
  return readUser(s);
}

std::vector<TokenInfo> SqliteStore::listTokens(std::string_view username) {
  std::vector<TokenInfo> tokens;
  for (auto& stored : listStoredTokens(username)) tokens.push_back(std::move(stored.info));
  return tokens;
}

std::vector<StoredToken> SqliteStore::listStoredTokens(std::string_view username) {
  auto db = reader();
  auto s = db->prepare(
      "SELECT id, username, label, created_at, token_hash FROM api_tokens WHERE username = ?1 "
      "ORDER BY created_at, id");
  s.bind(1, username);
  std::vector<StoredToken> tokens;
  while (s.step()) {
    tokens.push_back(
        StoredToken{TokenInfo{s.columnText(0), s.columnText(1), s.columnText(2), s.columnText(3)},
                    s.columnText(4)});
  }
  return tokens;
}

int SqliteStore::revokeTokens(std::string_view username, std::string_view id) {
  int revoked = 0;
  writeAndWait([&](Connection& db) {
    if (id.empty()) {
      db.prepare("DELETE FROM api_tokens WHERE username = ?1").bind(1, username).run();
    } else {
      db.prepare("DELETE FROM api_tokens WHERE username = ?1 AND id = ?2")
          .bind(1, username)
          .bind(2, id)
          .run();
    }
    revoked = db.changes();
  });
  return revoked;
}

// ---- TV progress --------------------------------------------------------------------------

std::optional<TvProgress> SqliteStore::getTvProgress(std::string_view username,
                                                     std::string_view tv_show) {
  std::uint64_t read_at = counters_.commits();
  if (auto cached = tv_cache_.find(read_at, username, tv_show)) return *cached;
  std::optional<TvProgress> entry;
  {
    auto db = reader();
    auto s = db->prepare(
        "SELECT username, tv_show, season, episode, last_updated FROM tv_progress "
        "WHERE username = ?1 AND tv_show = ?2");
    s.bind(1, username).bind(2, tv_show);
    if (s.step()) entry = readProgress(s);
  }
  tv_cache_.keep(read_at, counters_.commits(), username, tv_show, entry);
  return entry;
}

std::vector<TvProgress> SqliteStore::listTvProgress(std::string_view username) {
  auto db = reader();
  auto s = db->prepare(
      "SELECT username, tv_show, season, episode, last_updated FROM tv_progress "
      "WHERE username = ?1 ORDER BY tv_show");
  s.bind(1, username);
  std::vector<TvProgress> shows;
  while (s.step()) shows.push_back(readProgress(s));
  return shows;
}

TvProgressPage SqliteStore::listAllTvProgress(std::size_t limit,
                                              const std::optional<TvProgressKey>& after) {
  auto db = reader();
  // One row more than asked tells whether another page follows.
  std::int64_t fetch = limit == 0 ? -1 : static_cast<std::int64_t>(limit) + 1;
  auto s = db->prepare(
      "SELECT username, tv_show, season, episode, last_updated FROM tv_progress "
      "WHERE ?1 IS NULL OR (username, tv_show) > (?1, ?2) "
      "ORDER BY username, tv_show LIMIT ?3");
  if (after) {
    s.bind(1, after->first).bind(2, after->second);
  } else {
    s.bindNull(1).bindNull(2);
  }
  s.bind(3, fetch);
  TvProgressPage page;
  while (s.step()) page.entries.push_back(readProgress(s));
  if (limit != 0 && page.entries.size() > limit) {
    page.entries.resize(limit);
    page.next = TvProgressKey{page.entries.back().username, page.entries.back().tv_show};
  }
  return page;
}

void SqliteStore::putTvProgress(TvProgress p, WriteDone done) {
  submit(
      [p = std::move(p)](Connection& db) {
        db.prepare(
              "INSERT INTO tv_progress (username, tv_show, season, episode, last_updated) "
              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (username, tv_show) DO UPDATE SET "
              "season = excluded.season, episode = excluded.episode, "
              "last_updated = excluded.last_updated")
            .bind(1, p.username)
            .bind(2, p.tv_show)
            .bind(3, p.season)
            .bind(4, p.episode)
            .bind(5, p.last_updated)
            .run();
      },
      std::move(done));
}

// ---- sessions -----------------------------------------------------------------------------

void SqliteStore::addSession(std::string_view session_hash, std::string_view username,
                             std::int64_t expires_at, std::int64_t now) {
  writeAndWait([&](Connection& db) {
    db.prepare("DELETE FROM sessions WHERE username = ?1 AND expires_at <= ?2")
        .bind(1, username)
        .bind(2, now)
        .run();
    db.prepare("INSERT INTO sessions (session_hash, username, expires_at) VALUES (?1, ?2, ?3)")
        .bind(1, session_hash)
        .bind(2, username)
        .bind(3, expires_at)
        .run();
  });
}

std::optional<SessionUser> SqliteStore::findUserBySessionHash(std::string_view session_hash) {
  auto db = reader();
  auto s = db->prepare(
      "SELECT u.name, u.password_hash, u.is_admin, u.created_at, s.expires_at "
      "FROM sessions s JOIN users u ON u.name = s.username WHERE s.session_hash = ?1");
  s.bind(1, session_hash);
  if (!s.step()) return std::nullopt;
  return SessionUser{readUser(s), s.columnInt(4)};
}

void SqliteStore::extendSession(std::string_view session_hash, std::int64_t expires_at) {
  writeAndWait([&](Connection& db) {
    db.prepare("UPDATE sessions SET expires_at = ?2 WHERE session_hash = ?1")
        .bind(1, session_hash)
        .bind(2, expires_at)
        .run();
  });
}

void SqliteStore::removeSession(std::string_view session_hash) {
  writeAndWait([&](Connection& db) {
    db.prepare("DELETE FROM sessions WHERE session_hash = ?1").bind(1, session_hash).run();
  });
}

}  // namespace it::storage::sqlite
