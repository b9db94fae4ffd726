// DynamoDbStore: seed 004's immersion tracking on the original's single table, with the
// per-user aggregates described in dynamodb_store.hpp.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <thread>
#include <unordered_set>

#include "storage/dynamodb/dynamodb_store.hpp"
#include "storage/dynamodb/store_internal.hpp"
#include "util/retry.hpp"

namespace it::storage::dynamodb {
namespace {

using domain::ItemKind;

constexpr std::int64_t kDefaultEpisodeSeconds = domain::kDefaultEpisodeSeconds;
constexpr const char* kTotalsSk = "TOTALS";
// How far back a rebuild writes STAMP aggregates: beyond any recentWindowStart.
constexpr std::int64_t kRecentStampSeconds = 9 * 24 * 60 * 60;
// Attempts at a write whose conditions keep failing because of concurrent writers.
constexpr int kWriteAttempts = 5;

const char* kindName(ItemKind kind) {
  switch (kind) {
    case ItemKind::kEpisode:
      return "EPISODE";
    case ItemKind::kMovie:
      return "MOVIE";
    case ItemKind::kYoutubeVideo:
      return "YOUTUBEVIDEO";
    case ItemKind::kSpotifyEpisode:
      return "SPOTIFYEPISODE";
  }
  return "EPISODE";
}

std::optional<ItemKind> kindNamed(std::string_view name) {
  for (ItemKind k :
       {ItemKind::kEpisode, ItemKind::kMovie, ItemKind::kYoutubeVideo, ItemKind::kSpotifyEpisode}) {
    if (name == kindName(k)) return k;
  }
  return std::nullopt;
}

// Sync times as 12 digits, so that sort keys order by time (until the year 33658).
std::string paddedTime(std::int64_t timestamp) {
  char text[24];
  std::snprintf(text, sizeof text, "%012lld",
                static_cast<long long>(std::max<std::int64_t>(timestamp, 0)));
  return text;
}

std::string daySk(domain::LocalDay day, ItemKind kind) {
  return "DAY#" + std::to_string(day) + "#" + kindName(kind);
}
std::string groupSk(ItemKind kind, std::string_view group) {
  return std::string("GROUP#") + kindName(kind) + "#" + std::string(group);
}
std::string stampSk(std::int64_t timestamp, ItemKind kind) {
  return "STAMP#" + paddedTime(timestamp) + "#" + kindName(kind);
}

// A movie in the aggregates, in the order GET /progress lists names: by name (byte order),
// unnamed ones last.
std::string movieNameSk(const std::optional<std::string>& name, std::string_view file) {
  return (name ? "MOVIE#N#" + *name : std::string("MOVIE#~")) + "#" + std::string(file);
}

std::string episodeSk(std::string_view folder, std::string_view file) {
  return "EPISODE#" + std::string(folder) + "#" + std::string(file);
}

// The original's sort key prefixes of the watched items and their groups.
struct ItemPrefixes {
  ItemKind kind;
  const char* item;
  const char* group;  // nullptr for movies
};
constexpr ItemPrefixes kPrefixes[] = {
    {ItemKind::kEpisode, "EPISODE#", "SHOW#"},
    {ItemKind::kMovie, "MOVIE#", nullptr},
    {ItemKind::kYoutubeVideo, "YOUTUBEVIDEO#", "YOUTUBECHANNEL#"},
    {ItemKind::kSpotifyEpisode, "SPOTIFYEPISODE#", "SPOTIFYSHOW#"},
};
const ItemPrefixes& prefixesOf(ItemKind kind) {
  for (const auto& p : kPrefixes) {
    if (p.kind == kind) return p;
  }
  return kPrefixes[0];
}

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// An item of a Query, as the aggregates need it.
struct WatchedItem {
  ItemKind kind;
  std::optional<std::int64_t> timestamp;
  std::string group;  // folder, channel or show id
  std::int64_t seconds = 0;
};

// The folder of an episode item: its attribute, else what its sort key says.
std::string folderOf(const json::object& item) {
  if (auto folder = stringOf(item, "folder_name")) return *folder;
  std::string sk = stringOf(item, "sk").value_or("");
  std::string_view rest = std::string_view(sk).substr(std::string_view("EPISODE#").size());
  auto hash = rest.rfind('#');
  return std::string(hash == std::string_view::npos ? rest : rest.substr(0, hash));
}

// Projection that reads what the aggregates need from every item type of a user.
const json::object& watchedNames() {
  static const json::object names{{"#ts", "timestamp"}};
  return names;
}
constexpr const char* kWatchedProjection =
    "sk, folder_name, file_name, #ts, tvdb_id, tvdb_name, tvdb_average_runtime, movie_duration, "
    "youtube_video_duration, youtube_channel_id, youtube_channel_title, spotify_episode_duration, "
    "spotify_show_id, spotify_show_name";

// The names a show's GROUP aggregate carries for GET /progress: its SHOW item's TVDB fields.
json::object showNames(const json::object& show) {
  json::object names;
  for (const char* field : {"tvdb_id", "tvdb_name", "tvdb_average_runtime"}) {
    if (const auto* v = show.if_contains(field)) names[field] = *v;
  }
  return names;
}

json::object movieNameItem(const std::string& totals_pk, const std::optional<std::string>& name,
                           std::string_view file) {
  json::object item = pkSk(totals_pk, movieNameSk(name, file));
  if (name) item["name"] = S(*name);
  return item;
}

json::object addCounts(const std::string& table, json::object key, std::int64_t items,
                       std::optional<std::int64_t> seconds) {
  json::object update{{"TableName", table}, {"Key", std::move(key)}};
  if (seconds) {
    update["UpdateExpression"] = "ADD #i :i, #s :s";
    update["ExpressionAttributeNames"] = {{"#i", "items"}, {"#s", "seconds"}};
    update["ExpressionAttributeValues"] = {{":i", N(items)}, {":s", N(*seconds)}};
  } else {
    update["UpdateExpression"] = "ADD #i :i";
    update["ExpressionAttributeNames"] = {{"#i", "items"}};
    update["ExpressionAttributeValues"] = {{":i", N(items)}};
  }
  return {{"Update", std::move(update)}};
}

json::object addSeconds(const std::string& table, json::object key, std::int64_t seconds) {
  return {{"Update",
           {{"TableName", table},
            {"Key", std::move(key)},
            {"UpdateExpression", "ADD #s :s"},
            {"ExpressionAttributeNames", {{"#s", "seconds"}}},
            {"ExpressionAttributeValues", {{":s", N(seconds)}}}}}};
}

// The aggregates' TOTALS item, or nothing.
std::optional<json::object> readTotals(TableOps& ops, const std::string& table,
                                       const std::string& totals_pk) {
  json::object answer = ops.call(
      "GetItem",
      {{"TableName", table}, {"Key", pkSk(totals_pk, kTotalsSk)}, {"ConsistentRead", true}});
  auto* item = answer.if_contains("Item");
  if (item == nullptr || !item->is_object()) return std::nullopt;
  return std::move(item->get_object());
}

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

// ---- the write lease -----------------------------------------------------------------------

DynamoDbStore::Lease DynamoDbStore::acquireLease(const std::string& username) {
  const std::string totals_pk = itemKey(kTotalsPkPrefix, username);
  std::string owner = randomHex(12);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int attempt = 0;; ++attempt) {
    const std::int64_t now = std::time(nullptr);
    json::object item = pkSk(totals_pk, kLeaseSk);
    item["owner"] = S(owner);
    item["expires"] = N(now + kLeaseSeconds);
    try {
      json::object answer = ops_.call(
          "PutItem",
          {{"TableName", tables_.immersion},
           {"Item", std::move(item)},
           // Ours already when the answer to an earlier attempt was lost.
           {"ConditionExpression", "attribute_not_exists(sk) OR expires < :now OR #o = :me"},
           {"ExpressionAttributeNames", {{"#o", "owner"}}},
           {"ExpressionAttributeValues", {{":now", N(now)}, {":me", S(owner)}}},
           {"ReturnValues", "ALL_OLD"}});
      // Took over a lease that expired unreleased: its holder may have written items it never
      // counted.
      if (auto* old = answer.if_contains("Attributes");
          old != nullptr && old->is_object() && !old->get_object().empty() &&
          stringOf(old->get_object(), "owner") != owner) {
        invalidateTotals(username);
      }
      return Lease(*this, username, std::move(owner));
    } catch (const aws::AwsError& e) {
      if (!isConditionFailure(e)) throw;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw StoreError("DynamoDB: another write of user " + username +
                       " is still in progress; try again");
    }
    std::this_thread::sleep_for(
        fullJitterBackoff(std::chrono::milliseconds(20), std::chrono::milliseconds(1000), attempt));
  }
}

void DynamoDbStore::invalidateTotals(const std::string& username) {
  ops_.call("UpdateItem", {{"TableName", tables_.immersion},
                           {"Key", pkSk(itemKey(kTotalsPkPrefix, username), kTotalsSk)},
                           {"UpdateExpression", "REMOVE #z"},
                           {"ExpressionAttributeNames", {{"#z", "zone"}}}});
}

void DynamoDbStore::invalidateAggregates(std::string_view username) {
  guarded("invalidating aggregates", [&] {
    const std::string user(username);
    std::lock_guard lock(writeLock(user));
    Lease lease = acquireLease(user);
    invalidateTotals(user);
  });
}

void DynamoDbStore::Lease::invalidateTotals() {
  try {
    store_.invalidateTotals(username_);
  } catch (const std::exception&) {
    release_ = false;  // expiring unreleased, the lease has the next holder rebuild
  }
}

DynamoDbStore::Lease::~Lease() {
  if (!release_) return;
  try {
    store_.ops_.call("DeleteItem", {{"TableName", store_.tables_.immersion},
                                    {"Key", pkSk(itemKey(kTotalsPkPrefix, username_), kLeaseSk)},
                                    {"ConditionExpression", "#o = :o"},
                                    {"ExpressionAttributeNames", {{"#o", "owner"}}},
                                    {"ExpressionAttributeValues", {{":o", S(owner_)}}}});
  } catch (const std::exception&) {
    // Not ours any more, or unreachable: it expires.
  }
}

// ---- aggregates ---------------------------------------------------------------------------

void DynamoDbStore::ensureTotals(const std::string& username, const Calendar& calendar) {
  auto totals = readTotals(ops_, tables_.immersion, itemKey(kTotalsPkPrefix, username));
  if (totals && stringOf(*totals, "zone") == calendar.zone_name) return;
  rebuildTotals(username, calendar);
}

void DynamoDbStore::rebuildTotals(const std::string& username, const Calendar& calendar) {
  const std::string totals_pk = itemKey(kTotalsPkPrefix, username);
  // Invalidate first: writers elsewhere that still count in the old aggregates fail their
  // condition on the zone from now on.
  json::object bumped =
      ops_.call("UpdateItem", {{"TableName", tables_.immersion},
                               {"Key", pkSk(totals_pk, kTotalsSk)},
                               {"UpdateExpression", "REMOVE #z ADD generation :one"},
                               {"ExpressionAttributeNames", {{"#z", "zone"}}},
                               {"ExpressionAttributeValues", {{":one", N(1)}}},
                               {"ReturnValues", "UPDATED_NEW"}});
  std::int64_t generation = 1;
  if (auto* a = bumped.if_contains("Attributes"); a != nullptr && a->is_object()) {
    generation = numberOf(a->get_object(), "generation").value_or(1);
  }

  // The user's items, whoever wrote them, and what their groups are called.
  std::map<std::string, std::int64_t> runtime_of_folder;
  std::map<std::pair<ItemKind, std::string>, json::object> group_names;
  std::vector<json::object> movie_names;
  std::vector<WatchedItem> watched;
  json::object query = partitionQuery(tables_.immersion, itemKey(kUserPkPrefix, username));
  query["ProjectionExpression"] = kWatchedProjection;
  query["ExpressionAttributeNames"] = watchedNames();
  ops_.forEach("Query", std::move(query), [&](json::object& item) {
    std::string sk = stringOf(item, "sk").value_or("");
    if (startsWith(sk, "SHOW#")) {
      std::string folder = stringOf(item, "folder_name").value_or(sk.substr(5));
      if (auto runtime = numberOf(item, "tvdb_average_runtime"))
        runtime_of_folder[folder] = *runtime;
      group_names[{ItemKind::kEpisode, folder}] = showNames(item);
    } else if (startsWith(sk, "YOUTUBECHANNEL#")) {
      if (auto title = stringOf(item, "youtube_channel_title")) {
        group_names[{ItemKind::kYoutubeVideo, sk.substr(15)}] = {{"title", S(*title)}};
      }
    } else if (startsWith(sk, "SPOTIFYSHOW#")) {
      if (auto name = stringOf(item, "spotify_show_name")) {
        group_names[{ItemKind::kSpotifyEpisode, sk.substr(12)}] = {{"title", S(*name)}};
      }
    } else if (startsWith(sk, "EPISODE#")) {
      watched.push_back({ItemKind::kEpisode, numberOf(item, "timestamp"), folderOf(item), 0});
    } else if (startsWith(sk, "MOVIE#")) {
      watched.push_back({ItemKind::kMovie, numberOf(item, "timestamp"), "",
                         numberOf(item, "movie_duration").value_or(0)});
      movie_names.push_back(movieNameItem(totals_pk, stringOf(item, "tvdb_name"),
                                          stringOf(item, "file_name").value_or(sk.substr(6))));
    } else if (startsWith(sk, "YOUTUBEVIDEO#")) {
      watched.push_back({ItemKind::kYoutubeVideo, numberOf(item, "timestamp"),
                         stringOf(item, "youtube_channel_id").value_or(""),
                         numberOf(item, "youtube_video_duration").value_or(0)});
    } else if (startsWith(sk, "SPOTIFYEPISODE#")) {
      watched.push_back({ItemKind::kSpotifyEpisode, numberOf(item, "timestamp"),
                         stringOf(item, "spotify_show_id").value_or(""),
                         numberOf(item, "spotify_episode_duration").value_or(0)});
    }
  });

  struct Sum {
    std::int64_t items = 0;
    std::int64_t seconds = 0;
  };
  std::map<std::pair<domain::LocalDay, ItemKind>, Sum> days;
  std::map<std::pair<std::int64_t, ItemKind>, Sum> stamps;
  std::map<std::pair<ItemKind, std::string>, std::int64_t> groups;
  std::optional<std::int64_t> first;
  // GET /progress asks for the sync times of the last 8 days at most (the trend's week and
  // today): older ones are never read, and items written by the original each have a time
  // of their own. Counted back from the latest item rather than from this machine's clock,
  // which keeps every time that can still be asked for.
  std::int64_t latest = 0;
  for (const WatchedItem& w : watched) latest = std::max(latest, w.timestamp.value_or(0));
  const std::int64_t oldest_stamp = latest - kRecentStampSeconds;
  for (WatchedItem& w : watched) {
    if (!w.timestamp) continue;  // cannot be placed in a day (never written so)
    if (w.kind == ItemKind::kEpisode) {
      auto runtime = runtime_of_folder.find(w.group);
      w.seconds = runtime == runtime_of_folder.end() ? kDefaultEpisodeSeconds : runtime->second;
    }
    Sum& day = days[{domain::localDayOf(*w.timestamp, *calendar.zone), w.kind}];
    day.items += 1;
    day.seconds += w.seconds;
    if (*w.timestamp >= oldest_stamp) {
      Sum& stamp = stamps[{*w.timestamp, w.kind}];
      stamp.items += 1;
      stamp.seconds += w.seconds;
    }
    if (w.kind != ItemKind::kMovie) ++groups[{w.kind, w.group}];
    if (!first || *w.timestamp < *first) first = w.timestamp;
  }

  // Replace the old aggregates with these.
  std::vector<json::object> writes;
  ops_.forEach(
      "Query",
      [&] {
        json::object q = partitionQuery(tables_.immersion, totals_pk);
        q["ProjectionExpression"] = "pk, sk";
        return q;
      }(),
      [&](json::object& item) {
        auto sk = stringOf(item, "sk");
        if (sk == kTotalsSk || sk == kLeaseSk) return;
        writes.push_back({{"DeleteRequest", {{"Key", std::move(item)}}}});
      });
  ops_.batchWrite(tables_.immersion, std::move(writes));
  writes.clear();
  auto put = [&](const std::string& sk, std::int64_t items, std::optional<std::int64_t> seconds,
                 json::object item = {}) {
    item["pk"] = S(totals_pk);
    item["sk"] = S(sk);
    item["items"] = N(items);
    if (seconds) item["seconds"] = N(*seconds);
    writes.push_back({{"PutRequest", {{"Item", std::move(item)}}}});
  };
  for (const auto& [key, sum] : days) put(daySk(key.first, key.second), sum.items, sum.seconds);
  for (const auto& [key, sum] : stamps) put(stampSk(key.first, key.second), sum.items, sum.seconds);
  for (const auto& [key, items] : groups) {
    auto names = group_names.find(key);
    put(groupSk(key.first, key.second), items, std::nullopt,
        names == group_names.end() ? json::object{} : names->second);
  }
  for (auto& movie : movie_names) writes.push_back({{"PutRequest", {{"Item", std::move(movie)}}}});
  ops_.batchWrite(tables_.immersion, std::move(writes));

  json::object values{{":z", S(calendar.zone_name)}, {":g", N(generation)}};
  std::string expression = "SET #z = :z";
  if (first) {
    expression += ", first_timestamp = :f";
    values[":f"] = N(*first);
  } else {
    expression += " REMOVE first_timestamp";
  }
  try {
    ops_.call("UpdateItem", {{"TableName", tables_.immersion},
                             {"Key", pkSk(totals_pk, kTotalsSk)},
                             {"UpdateExpression", expression},
                             {"ConditionExpression", "generation = :g"},
                             {"ExpressionAttributeNames", {{"#z", "zone"}}},
                             {"ExpressionAttributeValues", std::move(values)}});
  } catch (const aws::AwsError& e) {
    // Another process started a rebuild meanwhile; its result stands.
    if (!isConditionFailure(e)) throw;
  }
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

std::int64_t DynamoDbStore::recordItems(const std::string& username,
                                        std::vector<SyncCandidate> candidates,
                                        const SyncStamp& stamp, ItemKind item_kind) {
  const bool episodes = item_kind == ItemKind::kEpisode;
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

  std::vector<json::object> keys;
  for (const auto& c : candidates) keys.push_back(pkSk(pk, c.sk));
  std::unordered_set<std::string> existing;
  for (const auto& item : ops_.batchGet(tables_.immersion, std::move(keys), "sk")) {
    existing.insert(stringOf(item, "sk").value_or(""));
  }
  std::map<std::string, std::optional<std::int64_t>> group_runtime;  // of existing groups
  if (group_prefix != nullptr) {
    std::set<std::string> group_sks;
    for (const auto& c : candidates) group_sks.insert(group_prefix + c.group);
    std::vector<json::object> group_keys;
    for (const auto& sk : group_sks) group_keys.push_back(pkSk(pk, sk));
    for (const auto& item :
         ops_.batchGet(tables_.immersion, std::move(group_keys), "sk, tvdb_average_runtime")) {
      std::string sk = stringOf(item, "sk").value_or("");
      group_runtime[sk.substr(std::string_view(group_prefix).size())] =
          numberOf(item, "tvdb_average_runtime");
    }
  }

  // The new items and the group items they need, in the original's layout.
  std::vector<json::object> puts;
  std::int64_t added = 0;
  std::int64_t seconds = 0;
  std::map<std::string, std::int64_t> per_group;
  std::map<std::string, std::string> group_titles;
  std::set<std::string> groups_created;
  for (const auto& c : candidates) {
    const bool is_new = !existing.contains(c.sk);
    // Episodes create their folder's show item even when they are not new (as the original
    // and the SQLite store do); other groups come with new items only.
    if (group_prefix != nullptr && (is_new || episodes) && !group_runtime.contains(c.group) &&
        groups_created.insert(c.group).second) {
      json::object group = pkSk(pk, group_prefix + c.group);
      group["user"] = S(username);
      for (const auto& [name, value] : c.group_attributes) group[name] = value;
      group["version"] = N(1);
      puts.push_back({{"PutRequest", {{"Item", std::move(group)}}}});
    }
    if (!is_new) continue;
    json::object item = c.item;
    item["pk"] = S(pk);
    item["sk"] = S(c.sk);
    item["user"] = S(username);
    item["timestamp"] = N(stamp.timestamp);
    item["version"] = N(1);
    puts.push_back({{"PutRequest", {{"Item", std::move(item)}}}});
    std::int64_t duration = c.seconds;
    if (episodes) {
      auto runtime = group_runtime.find(c.group);
      duration = runtime != group_runtime.end() && runtime->second ? *runtime->second
                                                                   : kDefaultEpisodeSeconds;
    }
    ++added;
    seconds += duration;
    if (group_prefix != nullptr) ++per_group[c.group];
    if (c.group_title) group_titles.try_emplace(c.group, *c.group_title);
    if (item_kind == ItemKind::kMovie) {
      puts.push_back({{"PutRequest",
                       {{"Item", movieNameItem(totals_pk, stringOf(c.item, "tvdb_name"),
                                               stringOf(c.item, "file_name").value_or(""))}}}});
    }
  }
  if (puts.empty()) return 0;

  try {
    ops_.batchWrite(tables_.immersion, std::move(puts));
    if (added > 0) {
      // The aggregates in transactions of at most 100 actions (one unless a sync spans more
      // than 97 groups), each checking that the aggregates are kept in the zone counted in.
      const domain::LocalDay day = domain::localDayOf(stamp.timestamp, *stamp.calendar.zone);
      auto totals_update = [&] {
        return json::object{
            {"Update",
             {{"TableName", tables_.immersion},
              {"Key", pkSk(totals_pk, kTotalsSk)},
              {"UpdateExpression", "SET first_timestamp = if_not_exists(first_timestamp, :t)"},
              {"ConditionExpression", "#z = :z"},
              {"ExpressionAttributeNames", {{"#z", "zone"}}},
              {"ExpressionAttributeValues",
               {{":t", N(stamp.timestamp)}, {":z", S(stamp.calendar.zone_name)}}}}}};
      };
      json::array actions;
      actions.push_back(
          addCounts(tables_.immersion, pkSk(totals_pk, daySk(day, item_kind)), added, seconds));
      actions.push_back(addCounts(
          tables_.immersion, pkSk(totals_pk, stampSk(stamp.timestamp, item_kind)), added, seconds));
      for (const auto& [group, n] : per_group) {
        if (actions.size() + 1 == TableOps::kTransactionLimit) {
          actions.push_back(totals_update());
          ops_.transact(std::move(actions));
          actions = json::array{};
        }
        json::object add = addCounts(tables_.immersion, pkSk(totals_pk, groupSk(item_kind, group)),
                                     n, std::nullopt);
        if (auto title = group_titles.find(group); title != group_titles.end()) {
          // The channel's or podcast's name for GET /progress, as its item has it.
          json::object& update = add["Update"].as_object();
          update["UpdateExpression"] = "ADD #i :i SET title = if_not_exists(title, :title)";
          update["ExpressionAttributeValues"].as_object()[":title"] = S(title->second);
        }
        actions.push_back(std::move(add));
      }
      actions.push_back(totals_update());
      ops_.transact(std::move(actions));
    }
  } catch (...) {
    // Some items may be written and not counted: have the aggregates rebuilt from the items.
    lease.invalidateTotals();
    throw;
  }
  return added;
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
        json::object values{
            {":id", N(series.id)}, {":name", S(series.name)}, {":zero", N(0)}, {":one", N(1)}};
        std::string set =
            "SET tvdb_id = :id, tvdb_name = :name, version = "
            "if_not_exists(version, :zero) + :one";
        std::string remove;
        auto optional = [&](const char* name, const char* placeholder, json::object value,
                            bool present) {
          if (present) {
            set += std::string(", ") + name + " = " + placeholder;
            values[placeholder] = std::move(value);
          } else {
            remove += std::string(remove.empty() ? " REMOVE " : ", ") + name;
          }
        };
        optional("tvdb_image", ":image", S(series.image.value_or("")), series.image.has_value());
        optional("tvdb_average_runtime", ":runtime", N(series.average_runtime_seconds.value_or(0)),
                 series.average_runtime_seconds.has_value());
        json::array actions;
        // The folder's GROUP aggregate carries the same TVDB fields for GET /progress.
        json::object group_values = values;
        group_values.erase(":zero");
        group_values.erase(":one");
        group_values.erase(":image");
        std::string group_set = "SET tvdb_id = :id, tvdb_name = :name";
        std::string group_remove;
        if (series.average_runtime_seconds) {
          group_set += ", tvdb_average_runtime = :runtime";
        } else {
          group_remove = " REMOVE tvdb_average_runtime";
        }
        actions.push_back(json::object{{"Update",
                                        {{"TableName", tables_.immersion},
                                         {"Key", pkSk(pk, itemKey("SHOW#", folder_name))},
                                         {"UpdateExpression", set + remove},
                                         {"ConditionExpression", "attribute_exists(pk)"},
                                         {"ExpressionAttributeValues", std::move(values)}}}});
        actions.push_back(
            json::object{{"Update",
                          {{"TableName", tables_.immersion},
                           {"Key", pkSk(totals_pk, groupSk(ItemKind::kEpisode, folder_name))},
                           {"UpdateExpression", group_set + group_remove},
                           {"ExpressionAttributeValues", std::move(group_values)}}}});

        // The folder's episodes now last the new runtime: correct the days and sync times
        // they count in, or, when that is too much for one transaction, have the aggregates
        // rebuilt.
        const std::int64_t delta = series.average_runtime_seconds.value_or(kDefaultEpisodeSeconds) -
                                   show->tvdb_average_runtime.value_or(kDefaultEpisodeSeconds);
        auto totals = delta == 0 ? std::nullopt : readTotals(ops_, tables_.immersion, totals_pk);
        auto zone_name = totals ? stringOf(*totals, "zone") : std::nullopt;
        if (zone_name) {
          const date::time_zone* zone = domain::findTimeZone(*zone_name);
          std::map<domain::LocalDay, std::int64_t> per_day;
          std::map<std::int64_t, std::int64_t> per_stamp;
          if (zone != nullptr) {
            json::object query = prefixQuery(tables_.immersion, pk, episodeSk(folder_name, ""));
            query["ProjectionExpression"] = "sk, folder_name, #ts";
            query["ExpressionAttributeNames"] = watchedNames();
            ops_.forEach("Query", std::move(query), [&](json::object& item) {
              auto timestamp = numberOf(item, "timestamp");
              if (!timestamp || folderOf(item) != folder_name) return;
              ++per_day[domain::localDayOf(*timestamp, *zone)];
              ++per_stamp[*timestamp];
            });
          }
          json::object totals_condition{
              {"TableName", tables_.immersion},
              {"Key", pkSk(totals_pk, kTotalsSk)},
              {"ConditionExpression", "#z = :z AND generation = :g"},
              {"ExpressionAttributeNames", {{"#z", "zone"}}},
              {"ExpressionAttributeValues",
               {{":z", S(*zone_name)}, {":g", N(numberOf(*totals, "generation").value_or(0))}}}};
          if (zone != nullptr &&
              3 + per_day.size() + per_stamp.size() <= TableOps::kTransactionLimit) {
            for (const auto& [day, n] : per_day) {
              actions.push_back(addSeconds(
                  tables_.immersion, pkSk(totals_pk, daySk(day, ItemKind::kEpisode)), n * delta));
            }
            for (const auto& [t, n] : per_stamp) {
              actions.push_back(addSeconds(
                  tables_.immersion, pkSk(totals_pk, stampSk(t, ItemKind::kEpisode)), n * delta));
            }
            actions.push_back(json::object{{"ConditionCheck", std::move(totals_condition)}});
          } else {
            totals_condition["UpdateExpression"] = "REMOVE #z";
            actions.push_back(json::object{{"Update", std::move(totals_condition)}});
          }
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
