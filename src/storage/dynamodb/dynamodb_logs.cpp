// DynamoDbStore: manual logs, in a partition of their own per user (IT#LOGS#<user>, see
// dynamodb_store.hpp). Each write is one transaction over the log's items and its totals.

#include "domain/logs.hpp"
#include "storage/dynamodb/dynamodb_store.hpp"
#include "storage/dynamodb/store_internal.hpp"

namespace it::storage::dynamodb {
namespace {

using domain::ImmersionLog;

std::string logSk(std::string_view id) { return "LOG#" + std::string(id); }
std::string dateSk(const ImmersionLog& log) {
  return "DATE#" + domain::formatIsoDate(log.date) + "#" + log.id;
}
std::string keySk(std::string_view key) { return "KEY#" + std::string(key); }
std::string totalSk(const domain::LogTotalsKey& key) {
  const auto& [day, medium, language] = key;
  return "TOTAL#" + domain::formatIsoDate(day) + "#" + std::string(domain::mediumName(medium)) +
         "#" + language;
}

// The log's attributes (without pk and sk).
json::object logAttributes(const ImmersionLog& log) {
  json::object item{{"id", S(log.id)},
                    {"date", S(domain::formatIsoDate(log.date))},
                    {"medium", S(domain::mediumName(log.medium))},
                    {"minutes", N(log.minutes)},
                    {"created_at", N(log.created_at)},
                    {"revision", N(log.revision)}};
  if (log.title) item["title"] = S(*log.title);
  if (log.amount) item["amount"] = N(*log.amount);
  if (log.unit) item["unit"] = S(domain::unitName(*log.unit));
  if (log.language) item["language"] = S(*log.language);
  if (log.note) item["note"] = S(*log.note);
  return item;
}

std::optional<ImmersionLog> logFrom(const json::object& item) {
  auto id = stringOf(item, "id");
  auto date = domain::parseIsoDate(stringOf(item, "date").value_or(""));
  auto medium = domain::mediumNamed(stringOf(item, "medium").value_or(""));
  if (!id || !date || !medium) return std::nullopt;
  ImmersionLog log;
  log.id = std::move(*id);
  log.date = *date;
  log.medium = *medium;
  log.minutes = numberOf(item, "minutes").value_or(0);
  log.title = stringOf(item, "title");
  log.amount = numberOf(item, "amount");
  if (auto unit = stringOf(item, "unit")) log.unit = domain::unitNamed(*unit);
  log.language = stringOf(item, "language");
  log.note = stringOf(item, "note");
  log.created_at = numberOf(item, "created_at").value_or(0);
  log.revision = numberOf(item, "revision").value_or(1);
  return log;
}

json::object put(const std::string& table, const std::string& pk, const std::string& sk,
                 json::object attributes) {
  json::object item = pkSk(pk, sk);
  for (auto& [name, value] : attributes) item[name] = std::move(value);
  return {{"Put", {{"TableName", table}, {"Item", std::move(item)}}}};
}

json::object remove(const std::string& table, const std::string& pk, const std::string& sk) {
  return {{"Delete", {{"TableName", table}, {"Key", pkSk(pk, sk)}}}};
}

// Only while the item is at `revision` (a Put or Delete action).
json::object& atRevision(json::object& action, std::int64_t revision) {
  json::object& inner = action.begin()->value().as_object();
  inner["ConditionExpression"] = "#r = :r";
  inner["ExpressionAttributeNames"] = {{"#r", "revision"}};
  inner["ExpressionAttributeValues"] = {{":r", N(revision)}};
  return action;
}

void addTotals(json::array& actions, const std::string& table, const std::string& pk,
               const domain::LogTotalsDelta& delta) {
  for (const auto& [key, tally] : delta) {
    json::object update{
        {"TableName", table},
        {"Key", pkSk(pk, totalSk(key))},
        {"UpdateExpression", "ADD #m :m, #l :l"},
        {"ExpressionAttributeNames", {{"#m", "minutes"}, {"#l", "logs"}}},
        {"ExpressionAttributeValues", {{":m", N(tally.minutes)}, {":l", N(tally.logs)}}}};
    actions.push_back(json::object{{"Update", std::move(update)}});
  }
}

// A log as stored, with the idempotency key it was recorded under.
struct StoredLog {
  ImmersionLog log;
  std::optional<std::string> idempotency_key;
};

// The user's log `id` (in partition `pk`) if it is still at `revision`.
std::optional<StoredLog> storedAt(TableOps& ops, const std::string& table, const std::string& pk,
                                  std::string_view id, std::int64_t revision) {
  json::object answer = ops.call(
      "GetItem", {{"TableName", table}, {"Key", pkSk(pk, logSk(id))}, {"ConsistentRead", true}});
  auto* item = answer.if_contains("Item");
  if (item == nullptr || !item->is_object()) return std::nullopt;
  auto log = logFrom(item->get_object());
  if (!log || log->revision != revision) return std::nullopt;
  return StoredLog{std::move(*log), stringOf(item->get_object(), "idempotency_key")};
}

// Runs the transaction; false when one of its conditions failed (a concurrent change).
bool transactUnlessChanged(TableOps& ops, json::array actions) {
  try {
    ops.transact(std::move(actions));
  } catch (const aws::AwsError& e) {
    if (cancelledByCondition(e)) return false;
    throw;
  }
  return true;
}

}  // namespace

AddedLog DynamoDbStore::addLog(std::string_view username, const ImmersionLog& log,
                               std::string_view idempotency_key) {
  return guarded("recording a log", [&]() -> AddedLog {
    const std::string pk = itemKey(kLogsPkPrefix, username);
    auto earlier = [&]() -> std::optional<AddedLog> {
      json::object answer = ops_.call("GetItem", {{"TableName", tables_.immersion},
                                                  {"Key", pkSk(pk, keySk(idempotency_key))},
                                                  {"ConsistentRead", true}});
      auto* item = answer.if_contains("Item");
      if (item == nullptr || !item->is_object()) return std::nullopt;
      auto found = findLog(username, stringOf(item->get_object(), "log_id").value_or(""));
      if (!found) return std::nullopt;
      return AddedLog{std::move(*found), true};
    };
    if (!idempotency_key.empty()) {
      if (auto replay = earlier()) return std::move(*replay);
    }
    json::object attributes = logAttributes(log);
    if (!idempotency_key.empty()) attributes["idempotency_key"] = S(idempotency_key);
    json::array actions;
    json::object log_item = put(tables_.immersion, pk, logSk(log.id), attributes);
    log_item["Put"].as_object()["ConditionExpression"] = "attribute_not_exists(pk)";
    actions.push_back(std::move(log_item));
    actions.push_back(put(tables_.immersion, pk, dateSk(log), std::move(attributes)));
    if (!idempotency_key.empty()) {
      json::object key_item =
          put(tables_.immersion, pk, keySk(idempotency_key), {{"log_id", S(log.id)}});
      key_item["Put"].as_object()["ConditionExpression"] = "attribute_not_exists(pk)";
      actions.push_back(std::move(key_item));
    }
    addTotals(actions, tables_.immersion, pk, domain::logTotals(log, +1));
    try {
      ops_.transact(std::move(actions));
    } catch (const aws::AwsError& e) {
      // Another request with the same key got there first: answer with its log.
      if (!idempotency_key.empty() && cancelledByCondition(e)) {
        if (auto replay = earlier()) return std::move(*replay);
      }
      throw;
    }
    return AddedLog{log, false};
  });
}

std::optional<ImmersionLog> DynamoDbStore::findLog(std::string_view username, std::string_view id) {
  return guarded("reading a log", [&]() -> std::optional<ImmersionLog> {
    if (id.empty()) return std::nullopt;
    json::object answer =
        ops_.call("GetItem", {{"TableName", tables_.immersion},
                              {"Key", pkSk(itemKey(kLogsPkPrefix, username), logSk(id))},
                              {"ConsistentRead", true}});
    auto* item = answer.if_contains("Item");
    if (item == nullptr || !item->is_object()) return std::nullopt;
    return logFrom(item->get_object());
  });
}

LogPage DynamoDbStore::listLogs(std::string_view username, const LogQuery& query) {
  return guarded("listing logs", [&] {
    const std::string pk = itemKey(kLogsPkPrefix, username);
    const bool by_date = query.order == LogQuery::Order::kDate;
    json::object request = partitionQuery(tables_.immersion, pk);
    auto& values = request["ExpressionAttributeValues"].as_object();
    if (by_date) {
      // '~' sorts after every id, so the upper bound takes in the whole last day.
      request["KeyConditionExpression"] = "pk = :pk AND sk BETWEEN :lo AND :hi";
      values[":lo"] = S("DATE#" + (query.from ? domain::formatIsoDate(*query.from) : ""));
      values[":hi"] = S("DATE#" + (query.to ? domain::formatIsoDate(*query.to) : "9999") + "#~");
    } else {
      request["KeyConditionExpression"] = "pk = :pk AND begins_with(sk, :prefix)";
      values[":prefix"] = S("LOG#");
    }
    request["ScanIndexForward"] = false;
    if (query.after_id) {
      std::string after =
          by_date && query.after_date
              ? "DATE#" + domain::formatIsoDate(*query.after_date) + "#" + *query.after_id
              : logSk(*query.after_id);
      request["ExclusiveStartKey"] = pkSk(pk, after);
    }
    request["Limit"] = static_cast<std::int64_t>(query.limit) + 1;
    LogPage page;
    // Pages until one log more than asked for is seen (a page may stop at 1 MB early).
    for (;;) {
      json::object answer = ops_.call("Query", request);
      if (auto* items = answer.if_contains("Items"); items != nullptr && items->is_array()) {
        for (auto& value : items->get_array()) {
          auto log = logFrom(value.as_object());
          if (!log) continue;
          if (!by_date &&
              ((query.from && log->date < *query.from) || (query.to && log->date > *query.to))) {
            continue;
          }
          if (page.logs.size() == query.limit) {
            page.more = true;
            return page;
          }
          page.logs.push_back(std::move(*log));
        }
      }
      auto* next = answer.if_contains("LastEvaluatedKey");
      if (next == nullptr || !next->is_object()) return page;
      request["ExclusiveStartKey"] = std::move(next->as_object());
    }
  });
}

bool DynamoDbStore::replaceLog(std::string_view username, const ImmersionLog& before,
                               const ImmersionLog& after) {
  return guarded("changing a log", [&] {
    const std::string pk = itemKey(kLogsPkPrefix, username);
    auto stored = storedAt(ops_, tables_.immersion, pk, before.id, before.revision);
    if (!stored) return false;
    json::object attributes = logAttributes(after);
    if (stored->idempotency_key) attributes["idempotency_key"] = S(*stored->idempotency_key);
    json::array actions;
    json::object log_item = put(tables_.immersion, pk, logSk(after.id), attributes);
    actions.push_back(std::move(atRevision(log_item, before.revision)));
    if (dateSk(stored->log) != dateSk(after)) {
      actions.push_back(remove(tables_.immersion, pk, dateSk(stored->log)));
    }
    actions.push_back(put(tables_.immersion, pk, dateSk(after), std::move(attributes)));
    addTotals(actions, tables_.immersion, pk, domain::logTotalsChange(stored->log, after));
    return transactUnlessChanged(ops_, std::move(actions));
  });
}

bool DynamoDbStore::removeLog(std::string_view username, const ImmersionLog& log) {
  return guarded("removing a log", [&] {
    const std::string pk = itemKey(kLogsPkPrefix, username);
    auto stored = storedAt(ops_, tables_.immersion, pk, log.id, log.revision);
    if (!stored) return false;
    json::array actions;
    json::object log_item = remove(tables_.immersion, pk, logSk(log.id));
    actions.push_back(std::move(atRevision(log_item, log.revision)));
    actions.push_back(remove(tables_.immersion, pk, dateSk(stored->log)));
    if (stored->idempotency_key) {
      actions.push_back(remove(tables_.immersion, pk, keySk(*stored->idempotency_key)));
    }
    addTotals(actions, tables_.immersion, pk, domain::logTotals(stored->log, -1));
    return transactUnlessChanged(ops_, std::move(actions));
  });
}

std::vector<domain::LogDayTotal> DynamoDbStore::logTotalsOf(std::string_view username) {
  json::object request = partitionQuery(tables_.immersion, itemKey(kLogsPkPrefix, username));
  request["KeyConditionExpression"] = "pk = :pk AND begins_with(sk, :prefix)";
  request["ExpressionAttributeValues"].as_object()[":prefix"] = S("TOTAL#");
  std::vector<domain::LogDayTotal> totals;
  ops_.forEach("Query", std::move(request), [&](json::object& item) {
    // TOTAL#<YYYY-MM-DD>#<medium>#<language>
    std::string sk = stringOf(item, "sk").value_or("");
    auto date_end = sk.find('#', 6);
    auto medium_end = date_end == std::string::npos ? date_end : sk.find('#', date_end + 1);
    if (medium_end == std::string::npos) return;
    auto day = domain::parseIsoDate(std::string_view(sk).substr(6, date_end - 6));
    auto medium =
        domain::mediumNamed(std::string_view(sk).substr(date_end + 1, medium_end - date_end - 1));
    std::int64_t logs = numberOf(item, "logs").value_or(0);
    if (!day || !medium || logs <= 0) return;  // removed logs leave zeros behind
    std::string language = sk.substr(medium_end + 1);
    totals.push_back({*day, *medium,
                      language.empty() ? std::nullopt : std::optional<std::string>(language),
                      numberOf(item, "minutes").value_or(0), logs});
  });
  return totals;
}

}  // namespace it::storage::dynamodb
