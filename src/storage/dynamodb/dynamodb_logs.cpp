// DynamoDbStore: manual logs, in a partition of their own per user (IT#LOGS#<user>, see
// dynamodb_store.hpp). Each write is one transaction over the log's items and its totals.

#include <functional>
#include <map>
#include <vector>

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

// `sk` split at its first `parts` - 1 '#'s (the last part may hold more).
std::vector<std::string_view> splitSk(std::string_view sk, std::size_t parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < parts) {
    auto hash = sk.find('#');
    if (hash == std::string_view::npos) break;
    out.push_back(sk.substr(0, hash));
    sk.remove_prefix(hash + 1);
  }
  out.push_back(sk);
  return out;
}
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

std::string shareSk(domain::Medium medium, std::string_view language) {
  return "SHARE#" + std::string(domain::mediumName(medium)) + "#" + std::string(language);
}
std::string dateTotalSk(domain::LocalDay day) { return "DAYTOTAL#" + domain::formatIsoDate(day); }

json::object addTally(const std::string& table, const std::string& pk, const std::string& sk,
                      const domain::LogTally& tally) {
  json::object update{
      {"TableName", table},
      {"Key", pkSk(pk, sk)},
      {"UpdateExpression", "ADD #m :m, #l :l"},
      {"ExpressionAttributeNames", {{"#m", "minutes"}, {"#l", "logs"}}},
      {"ExpressionAttributeValues", {{":m", N(tally.minutes)}, {":l", N(tally.logs)}}}};
  return {{"Update", std::move(update)}};
}

// The updates of the three totals that `delta` changes, one per item (a transaction may not
// touch an item twice): per (date, medium, language), per (medium, language), per date.
void addTotals(json::array& actions, const std::string& table, const std::string& pk,
               const domain::LogTotalsDelta& delta) {
  std::map<std::string, domain::LogTally> shares;
  std::map<std::string, domain::LogTally> dates;
  auto add = [](domain::LogTally& to, const domain::LogTally& tally) {
    to.minutes += tally.minutes;
    to.logs += tally.logs;
  };
  for (const auto& [key, tally] : delta) {
    const auto& [day, medium, language] = key;
    actions.push_back(addTally(table, pk, totalSk(key), tally));
    add(shares[shareSk(medium, language)], tally);
    add(dates[dateTotalSk(day)], tally);
  }
  for (const auto* totals : {&shares, &dates}) {
    for (const auto& [sk, tally] : *totals) {
      if (tally != domain::LogTally{}) actions.push_back(addTally(table, pk, sk, tally));
    }
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
    LogPage page;
    // DynamoDB refuses a start key outside the key condition, so a cursor from before the
    // range starts at its top, and one past its bottom has nothing after it (as on SQLite).
    if (query.after_id) {
      if (by_date && query.after_date && query.from && *query.after_date < *query.from) {
        return page;
      }
      const bool before_range =
          by_date && query.after_date && query.to && *query.after_date > *query.to;
      if (!before_range) {
        std::string after =
            by_date && query.after_date
                ? "DATE#" + domain::formatIsoDate(*query.after_date) + "#" + *query.after_id
                : logSk(*query.after_id);
        request["ExclusiveStartKey"] = pkSk(pk, after);
      }
    }
    request["Limit"] = static_cast<std::int64_t>(query.limit) + 1;
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

domain::LogTotals DynamoDbStore::logTotals(std::string_view username, domain::LocalDay from,
                                           domain::LocalDay to, bool all_time) {
  return guarded("reading log totals", [&] {
    const std::string pk = itemKey(kLogsPkPrefix, username);
    auto query = [&](const std::string& low, const std::string& high,
                     const std::function<void(std::string_view, json::object&)>& visit) {
      json::object request = partitionQuery(tables_.immersion, pk);
      request["KeyConditionExpression"] = "pk = :pk AND sk BETWEEN :lo AND :hi";
      auto& values = request["ExpressionAttributeValues"].as_object();
      values[":lo"] = S(low);
      values[":hi"] = S(high);
      ops_.forEach("Query", std::move(request), [&](json::object& item) {
        std::string sk = stringOf(item, "sk").value_or("");
        // Removed logs leave zeros behind.
        if (numberOf(item, "logs").value_or(0) > 0) visit(sk, item);
      });
    };
    auto language = [](std::string_view text) {
      return text.empty() ? std::nullopt : std::optional<std::string>(text);
    };
    domain::LogTotals totals;
    // TOTAL#<YYYY-MM-DD>#<medium>#<language>; '~' sorts after every medium.
    query("TOTAL#" + domain::formatIsoDate(from), "TOTAL#" + domain::formatIsoDate(to) + "#~",
          [&](std::string_view sk, json::object& item) {
            auto parts = splitSk(sk, 4);
            if (parts.size() != 4) return;
            auto day = domain::parseIsoDate(parts[1]);
            auto medium = domain::mediumNamed(parts[2]);
            if (!day || !medium) return;
            totals.days.push_back({*day, *medium, language(parts[3]),
                                   numberOf(item, "minutes").value_or(0),
                                   numberOf(item, "logs").value_or(0)});
          });
    if (!all_time) return totals;
    query("SHARE#", "SHARE#~", [&](std::string_view sk, json::object& item) {
      auto parts = splitSk(sk, 3);  // SHARE#<medium>#<language>
      auto medium = parts.size() == 3 ? domain::mediumNamed(parts[1]) : std::nullopt;
      if (!medium) return;
      totals.shares.push_back({*medium, language(parts[2]), numberOf(item, "minutes").value_or(0),
                               numberOf(item, "logs").value_or(0)});
    });
    query("DAYTOTAL#", "DAYTOTAL#~", [&](std::string_view sk, json::object& item) {
      auto day = domain::parseIsoDate(sk.substr(9));  // DAYTOTAL#<YYYY-MM-DD>
      if (!day) return;
      totals.dates.push_back(
          {*day, numberOf(item, "minutes").value_or(0), numberOf(item, "logs").value_or(0)});
    });
    return totals;
  });
}

}  // namespace it::storage::dynamodb
