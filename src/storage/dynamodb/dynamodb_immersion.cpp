// DynamoDbStore: immersion tracking on the original Lambda service's single table, with the
// per-user aggregates described in dynamodb_store.hpp (kept by aggregates.cpp, from the
// ledger in domain/totals.hpp).

#include <algorithm>
#include <ctime>
#include <map>
#include <set>
#include <unordered_set>

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

bool cancelledByCondition(const aws::AwsError& e) {
  const auto& reasons = e.cancellationReasons();
  return e.code() == "TransactionCanceledException" &&
         std::find(reasons.begin(), reasons.end(), "ConditionalCheckFailed") != reasons.end();
}

ShowRecord showFrom(const json::object& item) {
  std::string folder = stringOf(item, "folder_name").value_or("");
  if (folder.empty()) folder = stringOf(item, "sk").value_or("SHOW#").substr(5);
  return ShowRecord{std::move(folder),
                    numberOf(item, "tvdb_id"),
                    stringOf(item, "tvdb_name"),
                    stringOf(item, "tvdb_image"),
                    numberOf(item, "tvdb_average_runtime"),
                    numberOf(item, "version").value_or(1)};
}

}  // namespace

// ---- aggregates ---------------------------------------------------------------------------

void DynamoDbStore::ensureTotals(const std::string& username, const Calendar& calendar) {
  auto totals = readTotals(ops_, tables_.immersion, itemKey(kTotalsPkPrefix, username));
  if (totals && stringOf(*totals, "zone") == calendar.zone_name) return;
  rebuildAggregates(ops_, tables_.immersion, username, calendar.zone_name, *calendar.zone);
}

// ---- settings -----------------------------------------------------------------------------

std::optional<std::string> DynamoDbStore::userTimeZone(std::string_view username) {
  return guarded("reading a time zone", [&]() -> std::optional<std::string> {
    json::object answer = ops_.call(
        "GetItem",
        {{"TableName", tables_.immersion}, {"Key", userKey(username)}, {"ConsistentRead", true}});
    auto* item = answer.if_contains("Item");
    if (item == nullptr || !item->is_object()) return std::nullopt;
    return stringOf(item->get_object(), "time_zone");
  });
}

bool DynamoDbStore::setUserTimeZone(std::string_view username, std::string_view zone_name) {
  return guarded("setting a time zone", [&] {
    json::object update{{"TableName", tables_.immersion},
                        {"Key", userKey(username)},
                        {"ConditionExpression", "attribute_exists(pk)"}};
    if (zone_name.empty()) {
      update["UpdateExpression"] = "REMOVE time_zone";
    } else {
      update["UpdateExpression"] = "SET time_zone = :z";
      update["ExpressionAttributeValues"] = {{":z", S(zone_name)}};
    }
    try {
      ops_.call("UpdateItem", update);
      return true;
    } catch (const aws::AwsError& e) {
      if (isConditionFailure(e)) return false;
      throw;
    }
  });
}

// ---- shows and episodes -------------------------------------------------------------------

namespace {

json::object prefixQuery(const std::string& table, std::string_view pk, std::string_view prefix) {
  return {{"TableName", table},
          {"KeyConditionExpression", "pk = :pk AND begins_with(sk, :p)"},
          {"ExpressionAttributeValues", {{":pk", S(pk)}, {":p", S(prefix)}}},
          {"ConsistentRead", true}};
}

}  // namespace

std::vector<ShowRecord> DynamoDbStore::listShows(std::string_view username) {
  return guarded("listing shows", [&] {
    std::vector<ShowRecord> shows;
    ops_.forEach("Query", prefixQuery(tables_.immersion, itemKey(kUserPkPrefix, username), "SHOW#"),
                 [&](json::object& item) { shows.push_back(showFrom(item)); });
    return shows;  // in key order: by folder name
  });
}

std::optional<ShowRecord> DynamoDbStore::findShow(std::string_view username,
                                                  std::string_view folder_name) {
  return guarded("reading a show", [&]() -> std::optional<ShowRecord> {
    json::object answer = ops_.call(
        "GetItem", {{"TableName", tables_.immersion},
                    {"Key", pkSk(itemKey(kUserPkPrefix, username), itemKey("SHOW#", folder_name))},
                    {"ConsistentRead", true}});
    auto* item = answer.if_contains("Item");
    if (item == nullptr || !item->is_object()) return std::nullopt;
    return showFrom(item->get_object());
  });
}

namespace {

// The sort keys among `candidates` that the user has already.
std::unordered_set<std::string> existingSks(TableOps& ops, const std::string& table,
                                            const std::string& pk,
                                            const std::vector<SyncCandidate>& candidates) {
  std::vector<json::object> keys;
  for (const auto& c : candidates) keys.push_back(pkSk(pk, c.sk));
  std::unordered_set<std::string> existing;
  for (const auto& item : ops.batchGet(table, std::move(keys), "sk")) {
    existing.insert(stringOf(item, "sk").value_or(""));
  }
  return existing;
}

// The candidates' groups that exist already, with their TVDB runtime (show folders).
std::map<std::string, std::optional<std::int64_t>> existingGroups(
    TableOps& ops, const std::string& table, const std::string& pk, const char* group_prefix,
    const std::vector<SyncCandidate>& candidates) {
  std::set<std::string> group_sks;
  for (const auto& c : candidates) group_sks.insert(group_prefix + c.group);
  std::vector<json::object> group_keys;
  for (const auto& sk : group_sks) group_keys.push_back(pkSk(pk, sk));
  std::map<std::string, std::optional<std::int64_t>> runtimes;
  for (const auto& item : ops.batchGet(table, std::move(group_keys), "sk, tvdb_average_runtime")) {
    std::string sk = stringOf(item, "sk").value_or("");
    runtimes[sk.substr(std::string_view(group_prefix).size())] =
        numberOf(item, "tvdb_average_runtime");
  }
  return runtimes;
}

// What a sync writes: the new items and the group items they need (in the original's layout),
// the items for the ledger, and the names of new groups for the aggregates.
struct SyncWrites {
  std::vector<json::object> puts;
  std::vector<domain::TalliedItem> added;
  std::map<std::string, std::string> group_titles;
};

SyncWrites planSync(const std::string& username, const std::string& pk,
                    const std::string& totals_pk, const std::vector<SyncCandidate>& candidates,
                    const std::unordered_set<std::string>& existing,
                    const std::map<std::string, std::optional<std::int64_t>>& group_runtime,
                    std::int64_t timestamp, ItemKind kind) {
  const char* group_prefix = prefixesOf(kind).group;
  SyncWrites writes;
  std::set<std::string> groups_created;
  for (const auto& c : candidates) {
    const bool is_new = !existing.contains(c.sk);
    // Episodes create their folder's show item even when they are not new (as the original
    // and the SQLite store do); other groups come with new items only.
    if (group_prefix != nullptr && (is_new || kind == ItemKind::kEpisode) &&
        !group_runtime.contains(c.group) && groups_created.insert(c.group).second) {
      json::object group = pkSk(pk, group_prefix + c.group);
      group["user"] = S(username);
      for (const auto& [name, value] : c.group_attributes) group[name] = value;
      group["version"] = N(1);
      writes.puts.push_back({{"PutRequest", {{"Item", std::move(group)}}}});
    }
    if (!is_new) continue;
    json::object item = c.item;
    item["pk"] = S(pk);
    item["sk"] = S(c.sk);
    item["user"] = S(username);
    item["timestamp"] = N(timestamp);
    item["version"] = N(1);
    writes.puts.push_back({{"PutRequest", {{"Item", std::move(item)}}}});
    std::int64_t seconds = c.seconds;
    if (kind == ItemKind::kEpisode) {
      auto runtime = group_runtime.find(c.group);
      seconds =
          domain::episodeSeconds(runtime == group_runtime.end() ? std::nullopt : runtime->second);
    }
    writes.added.push_back({kind, timestamp, c.group, seconds});
    if (c.group_title) writes.group_titles.try_emplace(c.group, *c.group_title);
    if (kind == ItemKind::kMovie) {
      writes.puts.push_back(
          {{"PutRequest",
            {{"Item", movieNameItem(totals_pk, stringOf(c.item, "tvdb_name"),
                                    stringOf(c.item, "file_name").value_or(""))}}}});
    }
  }
  return writes;
}

// Adds a sync's new items to the aggregates, in transactions of at most 100 actions (one
// unless a sync spans more than 97 groups), each checking that the aggregates are kept in the
// zone counted in.
void countInAggregates(TableOps& ops, const std::string& table, const std::string& totals_pk,
                       const SyncWrites& writes, const SyncStamp& stamp) {
  const domain::TotalsDelta delta =
      domain::tally(writes.added, *stamp.calendar.zone, domain::SyncTimes::all());
  auto totals_update = [&] {
    return json::object{
        {"Update",
         {{"TableName", table},
          {"Key", pkSk(totals_pk, kTotalsSk)},
          {"UpdateExpression", "SET first_timestamp = if_not_exists(first_timestamp, :t)"},
          {"ConditionExpression", "#z = :z"},
          {"ExpressionAttributeNames", {{"#z", "zone"}}},
          {"ExpressionAttributeValues",
           {{":t", N(delta.first_timestamp.value_or(stamp.timestamp))},
            {":z", S(stamp.calendar.zone_name)}}}}}};
  };
  json::array actions;
  for (auto& update : aggregateUpdates(table, totals_pk, delta, writes.group_titles)) {
    if (actions.size() + 1 == TableOps::kTransactionLimit) {
      actions.push_back(totals_update());
      ops.transact(std::move(actions));
      actions = json::array{};
    }
    actions.push_back(std::move(update));
  }
  actions.push_back(totals_update());
  ops.transact(std::move(actions));
}

}  // namespace

std::int64_t DynamoDbStore::recordItems(const std::string& username,
                                        std::vector<SyncCandidate> candidates,
                                        const SyncStamp& stamp, ItemKind item_kind) {
  const char* group_prefix = prefixesOf(item_kind).group;
  const std::string pk = itemKey(kUserPkPrefix, username);
  const std::string totals_pk = itemKey(kTotalsPkPrefix, username);
  {  // One candidate per key: the first.
    std::unordered_set<std::string> seen;
    std::erase_if(candidates, [&](const SyncCandidate& c) { return !seen.insert(c.sk).second; });
  }
  if (candidates.empty()) return 0;

  // While the lease is held nobody else writes this user's items or aggregates, so what the
  // reads below find missing is exactly what this sync adds.
  std::lock_guard lock(writeLock(username));
  Lease lease = acquireLease(username);
  ensureTotals(username, stamp.calendar);
  const auto existing = existingSks(ops_, tables_.immersion, pk, candidates);
  const auto group_runtime =
      group_prefix == nullptr
          ? std::map<std::string, std::optional<std::int64_t>>{}
          : existingGroups(ops_, tables_.immersion, pk, group_prefix, candidates);
  SyncWrites writes = planSync(username, pk, totals_pk, candidates, existing, group_runtime,
                               stamp.timestamp, item_kind);
  if (writes.puts.empty()) return 0;
  try {
    ops_.batchWrite(tables_.immersion, std::move(writes.puts));
    if (!writes.added.empty()) {
      countInAggregates(ops_, tables_.immersion, totals_pk, writes, stamp);
    }
  } catch (...) {
    // Some items may be written and not counted: have the aggregates rebuilt from the items.
    lease.invalidateTotals();
    throw;
  }
  return static_cast<std::int64_t>(writes.added.size());
}

void DynamoDbStore::recordEpisodes(std::string_view username, std::vector<EpisodeRef> episodes,
                                   SyncStamp stamp, CountDone done) {
  std::vector<SyncCandidate> candidates;
  candidates.reserve(episodes.size());
  for (auto& e : episodes) {
    SyncCandidate c;
    c.sk = episodeSk(e.folder_name, e.file_name);
    c.item = {{"folder_name", S(e.folder_name)}, {"file_name", S(e.file_name)}};
    c.group_attributes = {{"folder_name", S(e.folder_name)}};
    c.group = std::move(e.folder_name);
    candidates.push_back(std::move(c));
  }
  record(username, std::move(candidates), stamp, ItemKind::kEpisode, done);
}

namespace {

// The two updates that tag a show folder with TVDB's series: its SHOW item (the original's
// attributes, version + 1) and its GROUP aggregate, which carries the same TVDB fields for
// GET /progress.
json::array tagActions(const std::string& table, const std::string& pk,
                       const std::string& totals_pk, std::string_view folder_name,
                       const domain::TvdbSeries& series) {
  json::object values{{":id", N(series.id)}, {":name", S(series.name)}};
  std::string group_set = "SET tvdb_id = :id, tvdb_name = :name";
  std::string group_remove;
  std::string remove;
  if (series.average_runtime_seconds) {
    group_set += ", tvdb_average_runtime = :runtime";
    values[":runtime"] = N(*series.average_runtime_seconds);
  } else {
    group_remove = " REMOVE tvdb_average_runtime";
    remove = " REMOVE tvdb_average_runtime";
  }
  json::object show_values = values;
  show_values[":zero"] = N(0);
  show_values[":one"] = N(1);
  std::string set = group_set + ", version = if_not_exists(version, :zero) + :one";
  if (series.image) {
    set += ", tvdb_image = :image";
    show_values[":image"] = S(*series.image);
  } else {
    remove = remove.empty() ? " REMOVE tvdb_image" : remove + ", tvdb_image";
  }
  json::array actions;
  actions.push_back(json::object{{"Update",
                                  {{"TableName", table},
                                   {"Key", pkSk(pk, itemKey("SHOW#", folder_name))},
                                   {"UpdateExpression", set + remove},
                                   {"ConditionExpression", "attribute_exists(pk)"},
                                   {"ExpressionAttributeValues", std::move(show_values)}}}});
  actions.push_back(
      json::object{{"Update",
                    {{"TableName", table},
                     {"Key", pkSk(totals_pk, groupSk(ItemKind::kEpisode, folder_name))},
                     {"UpdateExpression", group_set + group_remove},
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

// The folder's episodes now last another runtime: adds to `actions` the corrections of the
// days and sync times they count in, conditioned on the aggregates' zone and generation, or,
// when that is too much for one transaction (or the zone is unknown here), the removal of the
// aggregates' zone, which has them rebuilt.
void addRetiming(TableOps& ops, const std::string& table, const std::string& pk,
                 const std::string& totals_pk, std::string_view folder_name,
                 std::optional<std::int64_t> old_runtime, std::optional<std::int64_t> new_runtime,
                 json::array& actions) {
  auto totals = readTotals(ops, table, totals_pk);
  auto zone_name = totals ? stringOf(*totals, "zone") : std::nullopt;
  if (!zone_name) return;  // no aggregates yet: built from the items when first needed
  const date::time_zone* zone = domain::findTimeZone(*zone_name);
  domain::TotalsDelta delta;
  if (zone != nullptr) {
    delta = domain::retimeEpisodes(episodeTimes(ops, table, pk, folder_name), old_runtime,
                                   new_runtime, *zone, domain::SyncTimes::all());
  }
  json::object totals_condition{
      {"TableName", table},
      {"Key", pkSk(totals_pk, kTotalsSk)},
      {"ConditionExpression", "#z = :z AND generation = :g"},
      {"ExpressionAttributeNames", {{"#z", "zone"}}},
      {"ExpressionAttributeValues",
       {{":z", S(*zone_name)}, {":g", N(numberOf(*totals, "generation").value_or(0))}}}};
  if (zone != nullptr && actions.size() + delta.days.size() + delta.sync_times.size() + 1 <=
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
      for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
        auto show = findShow(user, folder_name);
        if (!show) return;
        json::array actions = tagActions(tables_.immersion, pk, totals_pk, folder_name, series);
        if (domain::changesEpisodeSeconds(show->tvdb_average_runtime,
                                          series.average_runtime_seconds)) {
          addRetiming(ops_, tables_.immersion, pk, totals_pk, folder_name,
                      show->tvdb_average_runtime, series.average_runtime_seconds, actions);
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

// ---- movies, YouTube, Spotify -------------------------------------------------------------

std::vector<std::string> DynamoDbStore::existingKeys(std::string_view username,
                                                     std::string_view prefix,
                                                     const std::vector<std::string>& keys) {
  return guarded("reading items", [&] {
    const std::string pk = itemKey(kUserPkPrefix, username);
    std::set<std::string> distinct(keys.begin(), keys.end());
    std::vector<json::object> requests;
    for (const auto& key : distinct) requests.push_back(pkSk(pk, std::string(prefix) + key));
    std::unordered_set<std::string> found;
    for (const auto& item : ops_.batchGet(tables_.immersion, std::move(requests), "sk")) {
      found.insert(stringOf(item, "sk").value_or("").substr(prefix.size()));
    }
    std::vector<std::string> existing;
    for (const auto& key : keys) {
      if (found.contains(key)) existing.push_back(key);
    }
    return existing;
  });
}

std::vector<std::string> DynamoDbStore::existingMovies(std::string_view username,
                                                       const std::vector<std::string>& keys) {
  return existingKeys(username, "MOVIE#", keys);
}

std::vector<std::string> DynamoDbStore::existingYoutubeVideos(
    std::string_view username, const std::vector<std::string>& keys) {
  return existingKeys(username, "YOUTUBEVIDEO#", keys);
}

std::vector<std::string> DynamoDbStore::existingSpotifyEpisodes(
    std::string_view username, const std::vector<std::string>& keys) {
  return existingKeys(username, "SPOTIFYEPISODE#", keys);
}

void DynamoDbStore::recordMovies(std::string_view username, std::vector<MovieRecord> movies,
                                 SyncStamp stamp, CountDone done) {
  std::vector<SyncCandidate> candidates;
  for (auto& m : movies) {
    SyncCandidate c;
    c.sk = itemKey("MOVIE#", m.file_name);
    c.item = {{"file_name", S(m.file_name)},
              {"tvdb_id", N(m.movie.id)},
              {"tvdb_name", S(m.movie.name)},
              {"movie_duration", N(m.movie.runtime_seconds)}};
    if (m.movie.image) c.item["tvdb_image"] = S(*m.movie.image);
    c.seconds = m.movie.runtime_seconds;
    candidates.push_back(std::move(c));
  }
  record(username, std::move(candidates), stamp, ItemKind::kMovie, done);
}

namespace {

// The original's attributes of a watched item that belongs to a channel or a podcast, and of
// that group's item.
struct MediaAttributes {
  const char* sk_prefix;
  const char* id;
  const char* title;
  const char* group_id;
  const char* duration;
  const char* group_title;
};
constexpr MediaAttributes kYoutubeAttributes{"YOUTUBEVIDEO#",          "youtube_video_id",
                                             "youtube_video_title",    "youtube_channel_id",
                                             "youtube_video_duration", "youtube_channel_title"};
constexpr MediaAttributes kSpotifyAttributes{"SPOTIFYEPISODE#",          "spotify_episode_id",
                                             "spotify_episode_title",    "spotify_show_id",
                                             "spotify_episode_duration", "spotify_show_name"};

SyncCandidate mediaCandidate(const MediaAttributes& a, const std::string& id,
                             const std::string& title, const std::string& group_id,
                             const std::string& group_title, std::int64_t seconds) {
  SyncCandidate c;
  c.sk = itemKey(a.sk_prefix, id);
  c.item = {
      {a.id, S(id)}, {a.title, S(title)}, {a.group_id, S(group_id)}, {a.duration, N(seconds)}};
  c.group_attributes = {{a.group_id, S(group_id)}, {a.group_title, S(group_title)}};
  c.group_title = group_title;
  c.seconds = seconds;
  c.group = group_id;
  return c;
}

}  // namespace

void DynamoDbStore::recordYoutubeVideos(std::string_view username,
                                        std::vector<domain::YoutubeVideo> videos, SyncStamp stamp,
                                        CountDone done) {
  std::vector<SyncCandidate> candidates;
  for (const auto& v : videos) {
    candidates.push_back(mediaCandidate(kYoutubeAttributes, v.id, v.title, v.channel_id,
                                        v.channel_title, v.duration_seconds));
  }
  record(username, std::move(candidates), stamp, ItemKind::kYoutubeVideo, done);
}

void DynamoDbStore::recordSpotifyEpisodes(std::string_view username,
                                          std::vector<domain::SpotifyEpisode> episodes,
                                          SyncStamp stamp, CountDone done) {
  std::vector<SyncCandidate> candidates;
  for (const auto& e : episodes) {
    candidates.push_back(mediaCandidate(kSpotifyAttributes, e.id, e.title, e.show_id, e.show_name,
                                        e.duration_seconds));
  }
  record(username, std::move(candidates), stamp, ItemKind::kSpotifyEpisode, done);
}

void DynamoDbStore::record(std::string_view username, std::vector<SyncCandidate> candidates,
                           const SyncStamp& stamp, ItemKind kind, const CountDone& done) {
  std::int64_t added = 0;
  completeWith(
      done,
      [&] {
        guarded("recording watched items", [&] {
          added = recordItems(std::string(username), std::move(candidates), stamp, kind);
        });
      },
      added);
}

// ---- progress -----------------------------------------------------------------------------

domain::ProgressInput DynamoDbStore::progressInput(std::string_view username,
                                                   const Calendar& calendar,
                                                   std::int64_t recent_since) {
  return guarded("reading progress", [&] {
    const std::string user(username);
    const std::string totals_pk = itemKey(kTotalsPkPrefix, user);
    for (int attempt = 0;; ++attempt) {
      domain::ProgressInput in;
      // The recent sync times, then (sorting last) the TOTALS item.
      std::optional<json::object> totals;
      ops_.forEach("Query",
                   {{"TableName", tables_.immersion},
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
                     // STAMP#<12 digits>#<KIND>
                     auto kind = kindNamed(std::string_view(sk).substr(6 + 12 + 1));
                     if (!kind) return;
                     in.recent.push_back(domain::RecentItem{*kind, std::stoll(sk.substr(6, 12)),
                                                            numberOf(item, "seconds").value_or(0),
                                                            numberOf(item, "items").value_or(0)});
                   });
      if (!totals || stringOf(*totals, "zone") != calendar.zone_name) {
        if (attempt == 3) throw StoreError("the aggregates keep changing time zone");
        std::lock_guard lock(writeLock(user));
        Lease lease = acquireLease(user);
        ensureTotals(user, calendar);
        continue;
      }
      in.first_timestamp = numberOf(*totals, "first_timestamp");
      bool dead_writer = false;
      ops_.forEach(
          "Query",
          {{"TableName", tables_.immersion},
           {"KeyConditionExpression", "pk = :pk AND sk < :stamps"},
           {"ExpressionAttributeValues", {{":pk", S(totals_pk)}, {":stamps", S("STAMP#")}}},
           {"ConsistentRead", true}},
          [&](json::object& item) {
            std::string sk = stringOf(item, "sk").value_or("");
            std::int64_t items = numberOf(item, "items").value_or(0);
            if (startsWith(sk, "DAY#")) {  // DAY#<day>#<KIND>
              auto hash = sk.find('#', 4);
              if (hash == std::string::npos) return;
              auto kind = kindNamed(std::string_view(sk).substr(hash + 1));
              if (!kind) return;
              in.daily.push_back(domain::DailyTotal{
                  static_cast<domain::LocalDay>(std::stol(sk.substr(4, hash - 4))), *kind, items,
                  numberOf(item, "seconds").value_or(0)});
            } else if (startsWith(sk, "GROUP#")) {  // GROUP#<KIND>#<group>
              auto hash = sk.find('#', 6);
              if (hash == std::string::npos) return;
              auto kind = kindNamed(std::string_view(sk).substr(6, hash - 6));
              // Tagging a folder without episodes leaves a group with names but no items.
              if (!kind || items <= 0) return;
              std::string group = sk.substr(hash + 1);
              if (*kind == ItemKind::kEpisode) {
                in.shows.push_back(domain::ShowInfo{group, numberOf(item, "tvdb_id"),
                                                    stringOf(item, "tvdb_name"),
                                                    numberOf(item, "tvdb_average_runtime")});
              } else if (auto title = stringOf(item, "title")) {
                (*kind == ItemKind::kYoutubeVideo ? in.youtube_channels : in.spotify_shows)
                    .emplace_back(group, std::move(*title));
              }
              in.groups.push_back(domain::GroupTotal{*kind, std::move(group), items});
            } else if (startsWith(sk, "MOVIE#")) {  // in name order, unnamed last
              in.movie_names.push_back(stringOf(item, "name"));
            } else if (sk == kLeaseSk) {
              dead_writer = numberOf(item, "expires").value_or(0) < std::time(nullptr);
            }
          });
      if (dead_writer && attempt < 3) {
        // A writer died between its items and the aggregates: take its lease over, which
        // has the aggregates rebuilt.
        std::lock_guard lock(writeLock(user));
        Lease lease = acquireLease(user);
        ensureTotals(user, calendar);
        continue;
      }
      return in;
    }
  });
}

}  // namespace it::storage::dynamodb
