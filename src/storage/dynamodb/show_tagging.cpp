// DynamoDbStore: tagging a show folder with its TVDB series (PUT /show), which recounts the
// episodes already counted in the aggregates (runtime and language).

#include <algorithm>

#include "domain/totals.hpp"
#include "storage/dynamodb/aggregates.hpp"
#include "storage/dynamodb/dynamodb_store.hpp"
#include "storage/dynamodb/keys.hpp"
#include "storage/dynamodb/store_internal.hpp"

namespace it::storage::dynamodb {
namespace {

using domain::ItemKind;

// Attempts at a write whose conditions keep failing because of concurrent writers.
constexpr int kWriteAttempts = 5;

// The two updates that tag a show folder with TVDB's series: its SHOW item (the original's
// attributes, version + 1) and its GROUP aggregate, which carries the same TVDB fields for
// GET /progress.
json::array tagActions(const std::string& table, const std::string& pk,
                       const std::string& totals_pk, std::string_view folder_name,
                       const domain::TvdbSeries& series) {
  json::object values{{":id", N(series.id)}, {":name", S(series.name)}};
  std::string group_set = "SET tvdb_id = :id, tvdb_name = :name";
  std::string remove;  // what both items drop, TVDB having nothing for it
  if (series.average_runtime_seconds) {
    group_set += ", tvdb_average_runtime = :runtime";
    values[":runtime"] = N(*series.average_runtime_seconds);
  } else {
    remove = " REMOVE tvdb_average_runtime";
  }
  if (series.image) {
    group_set += ", tvdb_image = :image";
    values[":image"] = S(*series.image);
  } else {
    remove += remove.empty() ? " REMOVE tvdb_image" : ", tvdb_image";
  }
  json::object show_values = values;
  show_values[":zero"] = N(0);
  show_values[":one"] = N(1);
  std::string set = group_set + ", version = if_not_exists(version, :zero) + :one";
  std::string show_remove = remove;
  if (series.language) {
    set += ", tvdb_language = :language";
    show_values[":language"] = S(*series.language);
  } else {
    show_remove += show_remove.empty() ? " REMOVE tvdb_language" : ", tvdb_language";
  }
  json::array actions;
  actions.push_back(json::object{{"Update",
                                  {{"TableName", table},
                                   {"Key", pkSk(pk, itemKey("SHOW#", folder_name))},
                                   {"UpdateExpression", set + show_remove},
                                   {"ConditionExpression", "attribute_exists(pk)"},
                                   {"ExpressionAttributeValues", std::move(show_values)}}}});
  actions.push_back(
      json::object{{"Update",
                    {{"TableName", table},
                     {"Key", pkSk(totals_pk, groupSk(ItemKind::kEpisode, folder_name))},
                     {"UpdateExpression", group_set + remove},
                     {"ExpressionAttributeValues", std::move(values)}}}});
  return actions;
}

// When the user's episodes in `folder_name` were watched.
std::vector<std::int64_t> episodeTimes(TableOps& ops, const std::string& table,
                                       const std::string& pk, std::string_view folder_name) {
  std::vector<std::int64_t> times;
  json::object query = partitionQuery(table, pk);
  query["KeyConditionExpression"] = "pk = :pk AND begins_with(sk, :p)";
  query["ExpressionAttributeValues"].as_object()[":p"] = S(episodeSk(folder_name, ""));
  query["ProjectionExpression"] = "sk, folder_name, #ts";
  query["ExpressionAttributeNames"] = {{"#ts", "timestamp"}};
  ops.forEach("Query", std::move(query), [&](json::object& item) {
    auto timestamp = numberOf(item, "timestamp");
    // The prefix also matches folders whose names continue with '#'.
    if (timestamp && folderOf(item) == folder_name) times.push_back(*timestamp);
  });
  return times;
}

// The folder's episodes now count otherwise (another runtime or language): adds to `actions`
// the corrections of the days and sync times they count in, conditioned on the aggregates' zone
// and generation, or, when that is too much for one transaction (or the zone is unknown here),
// the removal of the aggregates' zone, which has them rebuilt.
void addRecount(TableOps& ops, const std::string& table, const std::string& pk,
                const std::string& totals_pk, std::string_view folder_name,
                const domain::Counting& before, const domain::Counting& after,
                json::array& actions) {
  auto totals = readTotals(ops, table, totals_pk);
  auto zone_name = totals ? stringOf(*totals, "zone") : std::nullopt;
  if (!zone_name) return;  // no aggregates yet: built from the items when first needed
  const auto days = domain::dayRuleOfKey(*zone_name);
  domain::TotalsDelta delta;
  if (days) {
    delta = domain::recount(episodeTimes(ops, table, pk, folder_name), ItemKind::kEpisode, before,
                            after, *days, domain::SyncTimes::all());
  }
  json::object totals_condition{
      {"TableName", table},
      {"Key", pkSk(totals_pk, kTotalsSk)},
      {"ConditionExpression", "#z = :z AND generation = :g"},
      {"ExpressionAttributeNames", {{"#z", "zone"}}},
      {"ExpressionAttributeValues",
       {{":z", S(*zone_name)}, {":g", N(numberOf(*totals, "generation").value_or(0))}}}};
  if (days && actions.size() + delta.days.size() + delta.sync_times.size() + 1 <=
                  TableOps::kTransactionLimit) {
    for (auto& update : aggregateUpdates(table, totals_pk, delta, {})) {
      actions.push_back(std::move(update));
    }
    actions.push_back(json::object{{"ConditionCheck", std::move(totals_condition)}});
  } else {
    totals_condition["UpdateExpression"] = "REMOVE #z";
    actions.push_back(json::object{{"Update", std::move(totals_condition)}});
  }
}

}  // namespace

void DynamoDbStore::updateShow(std::string_view username, std::string_view folder_name,
                               domain::TvdbSeries series, CountDone done) {
  std::int64_t updated = 0;
  auto work = [&] {
    guarded("tagging a show", [&] {
      const std::string user(username);
      const std::string pk = itemKey(kUserPkPrefix, user);
      const std::string totals_pk = itemKey(kTotalsPkPrefix, user);
      std::lock_guard lock(writeLock(user));
      Lease lease = acquireLease(user);
      const auto chosen = readLanguageChoices(ops_, tables_.immersion, user);
      for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
        auto show = findShow(user, folder_name);
        if (!show) return;
        json::array actions = tagActions(tables_.immersion, pk, totals_pk, folder_name, series);
        auto choice = chosen.find({ItemKind::kEpisode, std::string(folder_name)});
        const auto language =
            choice == chosen.end() ? std::nullopt : std::optional<std::string>(choice->second);
        const domain::Counting before{domain::episodeSeconds(show->tvdb_average_runtime),
                                      domain::countedLanguage(language, show->tvdb_language)};
        const domain::Counting after{domain::episodeSeconds(series.average_runtime_seconds),
                                     domain::countedLanguage(language, series.language)};
        if (before != after) {
          addRecount(ops_, tables_.immersion, pk, totals_pk, folder_name, before, after, actions);
        }
        try {
          ops_.transact(std::move(actions));
          updated = 1;
          return;
        } catch (const aws::AwsError& e) {
          if (!cancelledByCondition(e)) throw;
          const auto& reasons = e.cancellationReasons();
          if (!reasons.empty() && reasons.front() == "ConditionalCheckFailed") return;  // gone
        }
      }
      throw StoreError("DynamoDB: tagging the show kept conflicting with concurrent writes");
    });
  };
  completeWith(done, work, updated);
}

}  // namespace it::storage::dynamodb
