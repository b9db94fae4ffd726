// DynamoDbStore: what GET /progress reads, from the user's aggregates partition only (two
// Queries), never their items.

#include <ctime>

#include "storage/dynamodb/aggregates.hpp"
#include "storage/dynamodb/dynamodb_store.hpp"
#include "storage/dynamodb/keys.hpp"
#include "storage/dynamodb/store_internal.hpp"

namespace it::storage::dynamodb {
namespace {

using domain::ItemKind;

// Reads the recent sync times (STAMP#<12 digits>#<KIND>) into `in`; returns the TOTALS item,
// which sorts after them.
std::optional<json::object> readRecent(TableOps& ops, const std::string& table,
                                       const std::string& totals_pk, std::int64_t recent_since,
                                       domain::ProgressInput& in) {
  std::optional<json::object> totals;
  ops.forEach("Query",
              {{"TableName", table},
               {"KeyConditionExpression", "pk = :pk AND sk >= :from"},
               {"ExpressionAttributeValues",
                {{":pk", S(totals_pk)}, {":from", S("STAMP#" + paddedTime(recent_since))}}},
               {"ConsistentRead", true}},
              [&](json::object& item) {
                std::string sk = stringOf(item, "sk").value_or("");
                if (sk == kTotalsSk) {
                  totals = std::move(item);
                  return;
                }
                if (!startsWith(sk, "STAMP#")) return;
                auto kind = kindNamed(std::string_view(sk).substr(6 + 12 + 1));
                if (!kind) return;
                in.recent.push_back(domain::RecentItem{*kind, std::stoll(sk.substr(6, 12)),
                                                       numberOf(item, "seconds").value_or(0),
                                                       numberOf(item, "items").value_or(0)});
              });
  return totals;
}

// A GROUP#<KIND>#<group> aggregate: its count, and what GET /progress shows of it.
void readGroup(const std::string& sk, json::object& item, std::int64_t items,
               domain::ProgressInput& in) {
  auto hash = sk.find('#', 6);
  if (hash == std::string::npos) return;
  auto kind = kindNamed(std::string_view(sk).substr(6, hash - 6));
  // Tagging a folder without episodes leaves a group with names but no items.
  if (!kind || items <= 0) return;
  std::string group = sk.substr(hash + 1);
  if (*kind == ItemKind::kEpisode) {
    in.shows.push_back(
        domain::ShowInfo{group, numberOf(item, "tvdb_id"), stringOf(item, "tvdb_name"),
                         numberOf(item, "tvdb_average_runtime"), stringOf(item, "tvdb_image")});
  } else if (auto title = stringOf(item, "title")) {
    (*kind == ItemKind::kYoutubeVideo ? in.youtube_channels : in.spotify_shows)
        .push_back({group, std::move(*title), stringOf(item, "artwork")});
  }
  in.groups.push_back(domain::GroupTotal{*kind, std::move(group), items});
}

// Reads the day, group and movie aggregates (everything sorting before the sync times) into
// `in`; returns whether the write lease was left expired by a writer that died.
bool readAggregates(TableOps& ops, const std::string& table, const std::string& totals_pk,
                    domain::ProgressInput& in) {
  bool dead_writer = false;
  ops.forEach("Query",
              {{"TableName", table},
               {"KeyConditionExpression", "pk = :pk AND sk < :stamps"},
               {"ExpressionAttributeValues", {{":pk", S(totals_pk)}, {":stamps", S("STAMP#")}}},
               {"ConsistentRead", true}},
              [&](json::object& item) {
                std::string sk = stringOf(item, "sk").value_or("");
                std::int64_t items = numberOf(item, "items").value_or(0);
                if (startsWith(sk, "DAY#")) {  // DAY#<day>#<KIND>[#<language>]
                  auto key = dayKeyOf(sk);
                  if (!key) return;
                  std::optional<std::string> language;
                  if (!key->language.empty()) language = std::move(key->language);
                  in.daily.push_back(domain::DailyTotal{key->day, key->kind, items,
                                                        numberOf(item, "seconds").value_or(0),
                                                        std::move(language)});
                } else if (startsWith(sk, "GROUP#")) {
                  readGroup(sk, item, items, in);
                } else if (startsWith(sk, "MOVIE#")) {  // in name order, unnamed last
                  in.movies.push_back({stringOf(item, "file_name").value_or(""),
                                       stringOf(item, "name"), stringOf(item, "image")});
                } else if (sk == kLeaseSk) {
                  dead_writer = numberOf(item, "expires").value_or(0) < std::time(nullptr);
                }
              });
  return dead_writer;
}

}  // namespace

domain::ProgressInput DynamoDbStore::progressInput(std::string_view username,
                                                   const Calendar& calendar,
                                                   std::int64_t recent_since) {
  return guarded("reading progress", [&] {
    const std::string user(username);
    const std::string totals_pk = itemKey(kTotalsPkPrefix, user);
    for (int attempt = 0;; ++attempt) {
      domain::ProgressInput in;
      auto totals = readRecent(ops_, tables_.immersion, totals_pk, recent_since, in);
      const bool stale = !aggregatesCurrent(totals, calendar.key());
      if (stale && attempt == 3) {
        throw StoreError("the aggregates keep changing time zone");
      }
      // Aggregates kept in another zone or layout, or left by a writer that died between its
      // items and the aggregates: rebuilt under the lease (taking a dead writer's lease over
      // has them rebuilt), then read again.
      if (stale || (readAggregates(ops_, tables_.immersion, totals_pk, in) && attempt < 3)) {
        std::lock_guard lock(writeLock(user));
        Lease lease = acquireLease(user);
        ensureTotals(user, calendar);
        continue;
      }
      in.first_timestamp = numberOf(*totals, "first_timestamp");
      return in;
    }
  });
}

}  // namespace it::storage::dynamodb
