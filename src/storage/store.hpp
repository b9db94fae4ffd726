#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace it::storage {

// A storage failure the caller cannot fix (disk full, database locked for too long, ...).
// Handlers map it to 500 {"error": "Database error"}, as the original did.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct UserRecord {
  std::string name;
  std::string password_hash;  // libsodium crypto_pwhash_str output (Argon2id)
  bool admin = false;
  std::string created_at;
};

struct TokenInfo {
  std::string id;  // short public identifier, used to revoke one token
  std::string username;
  std::string label;
  std::string created_at;
};

// Seed 000's item: where a user is in a show (current position, not a history).
struct TvProgress {
  std::string username;
  std::string tv_show;
  std::int64_t season = 0;
  std::int64_t episode = 0;
  std::string last_updated;  // "2025-01-15T10:30:00.123456" (UTC)
};

// Keyset position for paging GET /api/show_all: the last (username, tv_show) returned.
using TvProgressKey = std::pair<std::string, std::string>;

struct TvProgressPage {
  std::vector<TvProgress> entries;
  std::optional<TvProgressKey> next;  // set when more entries follow
};

// Called exactly once, from any thread, after the write is durable (nullptr) or failed.
using WriteDone = std::function<void(std::exception_ptr)>;

// Everything the service persists. One implementation per engine; the domain and the handlers
// only see this interface. Implementations are thread-safe. Reads throw StoreError on failure.
class Store {
 public:
  virtual ~Store() = default;

  // True when point reads take microseconds (embedded engine), so they may run on I/O threads.
  virtual bool fastReads() const = 0;

  // A number that changes whenever a user is added, removed or given a new password, by this
  // process or another one using the same store; cheap enough to ask on every request.
  // Nothing when the engine cannot tell: callers then re-read the user.
  virtual std::optional<std::uint64_t> credentialsVersion() { return std::nullopt; }

  // Users and API tokens (synchronous: used by the CLI, start-up and the auth slow path).
  virtual std::optional<UserRecord> findUser(std::string_view name) = 0;
  virtual std::vector<UserRecord> listUsers() = 0;
  virtual bool addUser(const UserRecord& user) = 0;  // false when the name is taken
  virtual bool setPasswordHash(std::string_view name, std::string_view hash) = 0;
  // Removes the user with their tokens and their data. False when there is no such user.
  virtual bool removeUser(std::string_view name) = 0;
  virtual void addToken(const TokenInfo& token, std::string_view token_hash) = 0;
  virtual std::optional<UserRecord> findUserByTokenHash(std::string_view token_hash) = 0;
  virtual std::vector<TokenInfo> listTokens(std::string_view username) = 0;
  // Revokes one token (by id) or all of a user's tokens (id empty). Returns how many.
  virtual int revokeTokens(std::string_view username, std::string_view id) = 0;

  // TV progress (seed 000).
  virtual std::optional<TvProgress> getTvProgress(std::string_view username,
                                                  std::string_view tv_show) = 0;
  // All of a user's shows, sorted by show name (byte order, as DynamoDB sorts keys).
  virtual std::vector<TvProgress> listTvProgress(std::string_view username) = 0;
  // Every entry sorted by (username, tv_show); limit 0 means all.
  virtual TvProgressPage listAllTvProgress(std::size_t limit,
                                           const std::optional<TvProgressKey>& after) = 0;
  // Create-or-overwrite. `done` runs once the write is durable or has failed.
  virtual void putTvProgress(TvProgress progress, WriteDone done) = 0;
};

}  // namespace it::storage
