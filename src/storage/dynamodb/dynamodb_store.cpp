// DynamoDbStore: construction, users, tokens, TV progress (the original Flask app's table)
// and the metadata cache. Immersion tracking is in dynamodb_immersion.cpp.

#include "storage/dynamodb/dynamodb_store.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <tuple>

#include "storage/dynamodb/store_internal.hpp"

namespace it::storage::dynamodb {
namespace {

constexpr const char* kUsersPk = "IT#USER";
constexpr const char* kTokensPk = "IT#TOKEN";
constexpr const char* kSessionsPk = "IT#SESSION";

UserRecord userFrom(const json::object& item) {
  return UserRecord{stringOf(item, "name").value_or(stringOf(item, "sk").value_or("")),
                    stringOf(item, "password_hash").value_or(""), boolOf(item, "admin"),
                    stringOf(item, "created_at").value_or("")};
}

TokenInfo tokenFrom(const json::object& item) {
  return TokenInfo{stringOf(item, "token_id").value_or(""), stringOf(item, "username").value_or(""),
                   stringOf(item, "label").value_or(""), stringOf(item, "created_at").value_or("")};
}

TvProgress tvProgressFrom(const json::object& item) {
  return TvProgress{stringOf(item, "username").value_or(""), stringOf(item, "tv_show").value_or(""),
                    numberOf(item, "season").value_or(0), numberOf(item, "episode").value_or(0),
                    stringOf(item, "last_updated").value_or("")};
}

}  // namespace

std::string itemKey(const char* prefix, std::string_view rest) {
  std::string key(prefix);
  key.append(rest);
  return key;
}

json::object pkSk(std::string_view pk, std::string_view sk) {
  return {{"pk", S(pk)}, {"sk", S(sk)}};
}

bool isConditionFailure(const aws::AwsError& e) {
  return e.code() == "ConditionalCheckFailedException";
}

bool cancelledByCondition(const aws::AwsError& e) {
  const auto& reasons = e.cancellationReasons();
  return e.code() == "TransactionCanceledException" &&
         std::find(reasons.begin(), reasons.end(), "ConditionalCheckFailed") != reasons.end();
}

DynamoDbStore::DynamoDbStore(Options options, std::unique_ptr<net::AwsJsonTransport> transport)
    : transport_(transport ? std::move(transport) : net::makeCurlAwsTransport()),
      client_(std::move(options.aws), *transport_, options.retry),
      ops_(client_),
      tables_(std::move(options.tables)) {
  for (const std::string* table : {&tables_.immersion, &tables_.tv_progress}) {
    try {
      client_.call("DescribeTable", {{"TableName", *table}});
    } catch (const aws::AwsError& e) {
      if (e.code() == "ResourceNotFoundException") {
        throw StoreError("DynamoDB table " + *table + " does not exist in " +
                         client_.config().region +
                         " (create it with: immersion-tracker dynamodb create-tables)");
      }
      throw StoreError("DynamoDB at " + client_.config().dynamodb_endpoint +
                       " cannot be used: " + e.what());
    }
  }
}

DynamoDbStore::~DynamoDbStore() = default;

std::mutex& DynamoDbStore::writeLock(std::string_view username) {
  return write_locks_[std::hash<std::string_view>{}(username) % write_locks_.size()];
}

json::object DynamoDbStore::userKey(std::string_view name) const { return pkSk(kUsersPk, name); }

// ---- users and tokens ---------------------------------------------------------------------

std::optional<UserRecord> DynamoDbStore::findUser(std::string_view name) {
  return guarded("reading a user", [&]() -> std::optional<UserRecord> {
    json::object answer = ops_.call(
        "GetItem",
        {{"TableName", tables_.immersion}, {"Key", userKey(name)}, {"ConsistentRead", true}});
    auto* item = answer.if_contains("Item");
    if (item == nullptr || !item->is_object()) return std::nullopt;
    return userFrom(item->get_object());
  });
}

std::vector<UserRecord> DynamoDbStore::listUsers() {
  return guarded("listing users", [&] {
    std::vector<UserRecord> users;
    ops_.forEach("Query", partitionQuery(tables_.immersion, kUsersPk),
                 [&](json::object& item) { users.push_back(userFrom(item)); });
    return users;  // in key order: by name
  });
}

bool DynamoDbStore::addUser(const UserRecord& user) {
  return guarded("adding a user", [&] {
    json::object item = userKey(user.name);
    item["name"] = S(user.name);
    item["password_hash"] = S(user.password_hash);
    item["admin"] = B(user.admin);
    item["created_at"] = S(user.created_at);
    try {
      ops_.call("PutItem", {{"TableName", tables_.immersion},
                            {"Item", std::move(item)},
                            {"ConditionExpression", "attribute_not_exists(pk)"}});
      return true;
    } catch (const aws::AwsError& e) {
      if (isConditionFailure(e)) return false;
      throw;
    }
  });
}

bool DynamoDbStore::setPasswordHash(std::string_view name, std::string_view hash) {
  return guarded("changing a password", [&] {
    try {
      ops_.call("UpdateItem", {{"TableName", tables_.immersion},
                               {"Key", userKey(name)},
                               {"UpdateExpression", "SET password_hash = :h"},
                               {"ConditionExpression", "attribute_exists(pk)"},
                               {"ExpressionAttributeValues", {{":h", S(hash)}}}});
    } catch (const aws::AwsError& e) {
      if (isConditionFailure(e)) return false;
      throw;
    }
    // Signed in with the old password: signed out.
    removeSessionsOf(name, std::nullopt);
    return true;
  });
}

bool DynamoDbStore::removeUser(std::string_view name) {
  return guarded("removing a user", [&] {
    if (!findUser(name)) return false;
    std::lock_guard lock(writeLock(name));
    Lease lease = acquireLease(std::string(name));
    // Tokens first (no more access by token), then the data, the login last: a removal that
    // fails half-way can be run again.
    revokeTokens(name, "");
    removeSessionsOf(name, std::nullopt);
    auto deleteAll = [&](const std::string& table, const char* hash, const char* range,
                         std::string_view partition) {
      std::vector<json::object> deletes;
      ops_.forEach("Query",
                   {{"TableName", table},
                    {"KeyConditionExpression", "#h = :h"},
                    {"ProjectionExpression", "#h, #r"},
                    {"ExpressionAttributeNames", {{"#h", hash}, {"#r", range}}},
                    {"ExpressionAttributeValues", {{":h", S(partition)}}},
                    {"ConsistentRead", true}},
                   [&](json::object& item) {
                     if (stringOf(item, range) == kLeaseSk) return;  // released when done
                     json::object key{{hash, item[hash]}, {range, item[range]}};
                     deletes.push_back({{"DeleteRequest", {{"Key", std::move(key)}}}});
                   });
      ops_.batchWrite(table, std::move(deletes));
    };
    deleteAll(tables_.immersion, "pk", "sk", itemKey(kUserPkPrefix, name));
    deleteAll(tables_.immersion, "pk", "sk", itemKey(kTotalsPkPrefix, name));
    deleteAll(tables_.immersion, "pk", "sk", itemKey(kLogsPkPrefix, name));
    deleteAll(tables_.immersion, "pk", "sk", itemKey(kLanguagesPkPrefix, name));
    deleteAll(tables_.tv_progress, "username", "tv_show", name);
    try {
      ops_.call("DeleteItem", {{"TableName", tables_.immersion},
                               {"Key", userKey(name)},
                               {"ConditionExpression", "attribute_exists(pk)"}});
      return true;
    } catch (const aws::AwsError& e) {
      if (isConditionFailure(e)) return false;  // removed meanwhile by someone else
      throw;
    }
  });
}

void DynamoDbStore::addToken(const TokenInfo& token, std::string_view token_hash) {
  guarded("adding a token", [&] {
    json::object item = pkSk(kTokensPk, token_hash);
    item["token_id"] = S(token.id);
    item["username"] = S(token.username);
    item["label"] = S(token.label);
    item["created_at"] = S(token.created_at);
    ops_.call("PutItem", {{"TableName", tables_.immersion}, {"Item", std::move(item)}});
  });
}

std::optional<UserRecord> DynamoDbStore::findUserByTokenHash(std::string_view token_hash) {
  auto username = guarded("reading a token", [&]() -> std::optional<std::string> {
    json::object answer = ops_.call("GetItem", {{"TableName", tables_.immersion},
                                                {"Key", pkSk(kTokensPk, token_hash)},
                                                {"ConsistentRead", true}});
    auto* item = answer.if_contains("Item");
    if (item == nullptr || !item->is_object()) return std::nullopt;
    return stringOf(item->get_object(), "username");
  });
  if (!username) return std::nullopt;
  return findUser(*username);
}

namespace {

// A user's tokens with their hashes (the sort keys), oldest first.
std::vector<StoredToken> tokensOf(TableOps& ops, const std::string& table,
                                  std::string_view username) {
  json::object query = partitionQuery(table, kTokensPk);
  query["FilterExpression"] = "#u = :u";
  query["ExpressionAttributeNames"] = {{"#u", "username"}};
  query["ExpressionAttributeValues"].as_object()[":u"] = S(username);
  std::vector<StoredToken> tokens;
  ops.forEach("Query", std::move(query), [&](json::object& item) {
    tokens.push_back({tokenFrom(item), stringOf(item, "sk").value_or("")});
  });
  std::sort(tokens.begin(), tokens.end(), [](const auto& a, const auto& b) {
    return std::tie(a.info.created_at, a.info.id) < std::tie(b.info.created_at, b.info.id);
  });
  return tokens;
}

}  // namespace

std::vector<TokenInfo> DynamoDbStore::listTokens(std::string_view username) {
  return guarded("listing tokens", [&] {
    std::vector<TokenInfo> tokens;
    for (auto& stored : tokensOf(ops_, tables_.immersion, username)) {
      tokens.push_back(std::move(stored.info));
    }
    return tokens;
  });
}

std::vector<StoredToken> DynamoDbStore::listStoredTokens(std::string_view username) {
  return guarded("listing tokens", [&] { return tokensOf(ops_, tables_.immersion, username); });
}

int DynamoDbStore::revokeTokens(std::string_view username, std::string_view id) {
  return guarded("revoking tokens", [&] {
    int revoked = 0;
    for (const auto& stored : tokensOf(ops_, tables_.immersion, username)) {
      if (!id.empty() && stored.info.id != id) continue;
      try {
        ops_.call("DeleteItem", {{"TableName", tables_.immersion},
                                 {"Key", pkSk(kTokensPk, stored.hash)},
                                 {"ConditionExpression", "attribute_exists(pk)"}});
        ++revoked;
      } catch (const aws::AwsError& e) {
        if (!isConditionFailure(e)) throw;  // else revoked meanwhile
      }
    }
    return revoked;
  });
}

// ---- sessions -----------------------------------------------------------------------------

void DynamoDbStore::removeSessionsOf(std::string_view username, std::optional<std::int64_t> by) {
  // Sessions are few per user; the partition is read with a filter, as tokens are.
  json::object query = partitionQuery(tables_.immersion, kSessionsPk);
  query["FilterExpression"] = by ? "#u = :u AND expires_at <= :t" : "#u = :u";
  query["ExpressionAttributeNames"] = {{"#u", "username"}};
  json::object& values = query["ExpressionAttributeValues"].as_object();
  values[":u"] = S(username);
  if (by) values[":t"] = N(*by);
  std::vector<json::object> deletes;
  ops_.forEach("Query", std::move(query), [&](json::object& item) {
    deletes.push_back(
        {{"DeleteRequest", {{"Key", pkSk(kSessionsPk, stringOf(item, "sk").value_or(""))}}}});
  });
  ops_.batchWrite(tables_.immersion, std::move(deletes));
}

void DynamoDbStore::addSession(std::string_view session_hash, std::string_view username,
                               std::int64_t expires_at, std::int64_t now) {
  guarded("adding a session", [&] {
    removeSessionsOf(username, now);
    json::object item = pkSk(kSessionsPk, session_hash);
    item["username"] = S(username);
    item["expires_at"] = N(expires_at);
    ops_.call("PutItem", {{"TableName", tables_.immersion}, {"Item", std::move(item)}});
  });
}

std::optional<SessionUser> DynamoDbStore::findUserBySessionHash(std::string_view session_hash) {
  auto session = guarded("reading a session", [&]() -> std::optional<json::object> {
    json::object answer = ops_.call("GetItem", {{"TableName", tables_.immersion},
                                                {"Key", pkSk(kSessionsPk, session_hash)},
                                                {"ConsistentRead", true}});
    auto* item = answer.if_contains("Item");
    if (item == nullptr || !item->is_object()) return std::nullopt;
    return item->get_object();
  });
  if (!session) return std::nullopt;
  auto username = stringOf(*session, "username");
  auto user = username ? findUser(*username) : std::nullopt;
  if (!user) return std::nullopt;
  return SessionUser{std::move(*user), numberOf(*session, "expires_at").value_or(0)};
}

void DynamoDbStore::extendSession(std::string_view session_hash, std::int64_t expires_at) {
  guarded("extending a session", [&] {
    try {
      ops_.call("UpdateItem", {{"TableName", tables_.immersion},
                               {"Key", pkSk(kSessionsPk, session_hash)},
                               {"UpdateExpression", "SET expires_at = :t"},
                               {"ConditionExpression", "attribute_exists(pk)"},
                               {"ExpressionAttributeValues", {{":t", N(expires_at)}}}});
    } catch (const aws::AwsError& e) {
      if (!isConditionFailure(e)) throw;  // else signed out meanwhile: nothing to extend
    }
  });
}

void DynamoDbStore::removeSession(std::string_view session_hash) {
  guarded("removing a session", [&] {
    ops_.call("DeleteItem",
              {{"TableName", tables_.immersion}, {"Key", pkSk(kSessionsPk, session_hash)}});
  });
}

// ---- TV progress (the Flask original's table) ---------------------------------------------

std::optional<TvProgress> DynamoDbStore::getTvProgress(std::string_view username,
                                                       std::string_view tv_show) {
  return guarded("reading TV progress", [&]() -> std::optional<TvProgress> {
    json::object answer =
        ops_.call("GetItem", {{"TableName", tables_.tv_progress},
                              {"Key", {{"username", S(username)}, {"tv_show", S(tv_show)}}},
                              {"ConsistentRead", true}});
    auto* item = answer.if_contains("Item");
    if (item == nullptr || !item->is_object()) return std::nullopt;
    return tvProgressFrom(item->get_object());
  });
}

std::vector<TvProgress> DynamoDbStore::listTvProgress(std::string_view username) {
  return guarded("listing TV progress", [&] {
    std::vector<TvProgress> entries;
    ops_.forEach("Query",
                 {{"TableName", tables_.tv_progress},
                  {"KeyConditionExpression", "#u = :u"},
                  {"ExpressionAttributeNames", {{"#u", "username"}}},
                  {"ExpressionAttributeValues", {{":u", S(username)}}},
                  {"ConsistentRead", true}},
                 [&](json::object& item) { entries.push_back(tvProgressFrom(item)); });
    return entries;  // in key order: by show
  });
}

TvProgressPage DynamoDbStore::listAllTvProgress(std::size_t limit,
                                                const std::optional<TvProgressKey>& after) {
  return guarded("listing all TV progress", [&] {
    std::vector<TvProgress> entries;
    ops_.forEach(
        "Scan", {{"TableName", tables_.tv_progress}, {"ConsistentRead", true}},
        [&](json::object& item) {
          TvProgress p = tvProgressFrom(item);
          if (!after || std::tie(p.username, p.tv_show) > std::tie(after->first, after->second)) {
            entries.push_back(std::move(p));
          }
        });
    std::sort(entries.begin(), entries.end(), [](const TvProgress& a, const TvProgress& b) {
      return std::tie(a.username, a.tv_show) < std::tie(b.username, b.tv_show);
    });
    TvProgressPage page;
    if (limit != 0 && entries.size() > limit) {
      entries.resize(limit);
      page.next = TvProgressKey{entries.back().username, entries.back().tv_show};
    }
    page.entries = std::move(entries);
    return page;
  });
}

void DynamoDbStore::putTvProgress(TvProgress progress, WriteDone done) {
  completeWith(done, [&] {
    guarded("writing TV progress", [&] {
      ops_.call("PutItem", {{"TableName", tables_.tv_progress},
                            {"Item",
                             {{"username", S(progress.username)},
                              {"tv_show", S(progress.tv_show)},
                              {"season", N(progress.season)},
                              {"episode", N(progress.episode)},
                              {"last_updated", S(progress.last_updated)}}}});
    });
  });
}

// ---- metadata cache -----------------------------------------------------------------------

std::optional<MetadataEntry> DynamoDbStore::cachedMetadata(std::string_view kind,
                                                           std::string_view id) {
  return guarded("reading the metadata cache", [&]() -> std::optional<MetadataEntry> {
    json::object answer = ops_.call("GetItem", {{"TableName", tables_.immersion},
                                                {"Key", pkSk(itemKey(kMetaPkPrefix, kind), id)},
                                                {"ConsistentRead", true}});
    auto* item = answer.if_contains("Item");
    if (item == nullptr || !item->is_object()) return std::nullopt;
    const json::object& o = item->get_object();
    return MetadataEntry{std::string(kind), std::string(id), stringOf(o, "body").value_or(""),
                         numberOf(o, "fetched_at").value_or(0)};
  });
}

void DynamoDbStore::putCachedMetadata(std::vector<MetadataEntry> entries, WriteDone done) {
  completeWith(done, [&] {
    guarded("writing the metadata cache", [&] {
      // One write per key (a batch must not name a key twice): the last entry wins.
      std::map<std::pair<std::string, std::string>, const MetadataEntry*> latest;
      for (const auto& e : entries) latest[{e.kind, e.id}] = &e;
      std::vector<json::object> puts;
      for (const auto& [key, e] : latest) {
        json::object item = pkSk(itemKey(kMetaPkPrefix, e->kind), e->id);
        item["body"] = S(e->body);
        item["fetched_at"] = N(e->fetched_at);
        puts.push_back({{"PutRequest", {{"Item", std::move(item)}}}});
      }
      ops_.batchWrite(tables_.immersion, std::move(puts));
    });
  });
}

}  // namespace it::storage::dynamodb
