#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace it::storage {

struct UserRecord {
  std::string name;
  std::string password_hash;  // libsodium crypto_pwhash_str output (Argon2id)
  bool admin = false;
  std::string created_at;
};

// A signed-in browser's session (the web dashboard's cookie) as its store reads it: the user
// and when the session ends unless it is used again (epoch seconds).
struct SessionUser {
  UserRecord user;
  std::int64_t expires_at = 0;
};

struct TokenInfo {
  std::string id;  // short public identifier, used to revoke one token
  std::string username;
  std::string label;
  std::string created_at;
};

// A token as the store keeps it: what is shown of it and the hash it is found by (the token
// itself is never stored). Read only to move every user to another store.
struct StoredToken {
  TokenInfo info;
  std::string hash;
};

// Users and their API tokens. Synchronous: used by the CLI, start-up and the authenticator's
// slow path. Implementations are thread-safe; reads throw StoreError on failure.
class UserStore {
 public:
  virtual ~UserStore() = default;

  // True when point reads take microseconds (an embedded engine), so they may run on I/O
  // threads (users and tokens on every request; any role's reads the router runs inline).
  virtual bool fastReads() const = 0;

  // A number that changes whenever a user is added, removed or given a new password, by this
  // process or another one using the same store; cheap enough to ask on every request.
  // Nothing when the engine cannot tell: callers then re-read the user.
  virtual std::optional<std::uint64_t> credentialsVersion() { return std::nullopt; }

  virtual std::optional<UserRecord> findUser(std::string_view name) = 0;
  virtual std::vector<UserRecord> listUsers() = 0;
  virtual bool addUser(const UserRecord& user) = 0;  // false when the name is taken
  virtual bool setPasswordHash(std::string_view name, std::string_view hash) = 0;
  // Removes the user with their tokens and their data. False when there is no such user.
  virtual bool removeUser(std::string_view name) = 0;
  virtual void addToken(const TokenInfo& token, std::string_view token_hash) = 0;
  virtual std::optional<UserRecord> findUserByTokenHash(std::string_view token_hash) = 0;
  virtual std::vector<TokenInfo> listTokens(std::string_view username) = 0;
  // The same (oldest first) with their hashes, for `export --all`.
  virtual std::vector<StoredToken> listStoredTokens(std::string_view username) = 0;
  // Revokes one token (by id) or all of a user's tokens (id empty). Returns how many.
  virtual int revokeTokens(std::string_view username, std::string_view id) = 0;

  // Sessions of the web dashboard, by the SHA-256 of their random id (the id itself is never
  // stored). Giving a user a new password (setPasswordHash) or removing them ends their
  // sessions. Adding one also forgets the user's sessions expired by `now`.
  virtual void addSession(std::string_view session_hash, std::string_view username,
                          std::int64_t expires_at, std::int64_t now) = 0;
  // The session's user and expiry; expired sessions are found too (the caller checks).
  virtual std::optional<SessionUser> findUserBySessionHash(std::string_view session_hash) = 0;
  // Moves a session's expiry.
  virtual void extendSession(std::string_view session_hash, std::int64_t expires_at) = 0;
  virtual void removeSession(std::string_view session_hash) = 0;
};

}  // namespace it::storage
