#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "storage/users.hpp"

namespace it::test {

// Another store's users, seen as through a store whose reads are network round trips
// (DynamoDB): fastReads() is false.
class RoundTripUsers : public storage::UserStore {
 public:
  explicit RoundTripUsers(storage::UserStore& inner) : inner_(inner) {}
  bool fastReads() const override { return false; }
  std::optional<storage::UserRecord> findUser(std::string_view name) override {
    return inner_.findUser(name);
  }
  std::vector<storage::UserRecord> listUsers() override { return inner_.listUsers(); }
  bool addUser(const storage::UserRecord& user) override { return inner_.addUser(user); }
  bool setPasswordHash(std::string_view name, std::string_view hash) override {
    return inner_.setPasswordHash(name, hash);
  }
  bool removeUser(std::string_view name) override { return inner_.removeUser(name); }
  void addToken(const storage::TokenInfo& token, std::string_view token_hash) override {
    inner_.addToken(token, token_hash);
  }
  std::optional<storage::UserRecord> findUserByTokenHash(std::string_view token_hash) override {
    return inner_.findUserByTokenHash(token_hash);
  }
  std::vector<storage::TokenInfo> listTokens(std::string_view username) override {
    return inner_.listTokens(username);
  }
  std::vector<storage::StoredToken> listStoredTokens(std::string_view username) override {
    return inner_.listStoredTokens(username);
  }
  int revokeTokens(std::string_view username, std::string_view id) override {
    return inner_.revokeTokens(username, id);
  }
  void addSession(std::string_view session_hash, std::string_view username, std::int64_t expires_at,
                  std::int64_t now) override {
    inner_.addSession(session_hash, username, expires_at, now);
  }
  std::optional<storage::SessionUser> findUserBySessionHash(
      std::string_view session_hash) override {
    return inner_.findUserBySessionHash(session_hash);
  }
  void extendSession(std::string_view session_hash, std::int64_t expires_at) override {
    inner_.extendSession(session_hash, expires_at);
  }
  void removeSession(std::string_view session_hash) override { inner_.removeSession(session_hash); }

 private:
  storage::UserStore& inner_;
};

}  // namespace it::test
