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

ShowRecord showFrom(const json::object& item) {
  std::string folder = stringOf(item, "folder_name").value_or("");
  if (folder.empty()) folder = stringOf(item, "sk").value_or("SHOW#").substr(5);
  return ShowRecord{std::move(folder),
                    numberOf(item, "tvdb_id"),
                    stringOf(item, "tvdb_name"),
                    stringOf(item, "tvdb_image"),
                    numberOf(item, "tvdb_average_runtime"),
                    numberOf(item, "version").value_or(1),
                    stringOf(item, "tvdb_language")};
}

}  // namespace

// ---- aggregates ---------------------------------------------------------------------------

void DynamoDbStore::ensureTotals(const std::string& username, const Calendar& calendar) {
  auto totals = readTotals(ops_, tables_.immersion, itemKey(kTotalsPkPrefix, username));
  if (aggregatesCurrent(totals, calendar.key())) return;
  rebuildAggregates(ops_, tables_.immersion, username, calendar.key(), calendar.days());
}

// ---- settings -----------------------------------------------------------------------------

std::optional<UserSettings> DynamoDbStore::userSettings(std::string_view username) {
  return guarded("reading settings", [&]() -> std::optional<UserSettings> {
    json::object answer = ops_.call(
        "GetItem",
        {{"TableName", tables_.immersion}, {"Key", userKey(username)}, {"ConsistentRead", true}});
    auto* item = answer.if_contains("Item");
    if (item == nullptr || !item->is_object()) return std::nullopt;
    const json::object& user = item->get_object();
    return UserSettings{stringOf(user, "time_zone"), stringOf(user, "language"),
                        numberOf(user, "daily_goal_minutes").value_or(0),
                        static_cast<int>(numberOf(user, "day_start_hour").value_or(0))};
  });
}

bool DynamoDbStore::changeUserSettings(std::string_view username, const SettingsChange& change) {
  return guarded("changing settings", [&] {
    // Attribute names through placeholders: "language" is one of DynamoDB's reserved words.
    std::string set;
    std::string remove;
    json::object names;
    json::object values;
    auto name = [&](const char* attribute) {
      std::string placeholder = "#" + std::to_string(names.size());
      names[placeholder] = attribute;
      return placeholder;
    };
    auto assign = [&](const char* attribute, json::object value) {
      std::string placeholder = ":" + std::to_string(values.size());
      set += (set.empty() ? "SET " : ", ") + name(attribute) + " = " + placeholder;
      values[placeholder] = std::move(value);
    };
    auto text = [&](const char* attribute, const std::optional<std::optional<std::string>>& v) {
      if (!v) return;
      if (*v) return assign(attribute, S(**v));
      remove += (remove.empty() ? "REMOVE " : ", ") + name(attribute);
    };
    text("time_zone", change.time_zone);
    text("language", change.language);
    if (change.daily_goal_minutes) assign("daily_goal_minutes", N(*change.daily_goal_minutes));
    if (change.day_start_hour) assign("day_start_hour", N(*change.day_start_hour));
    json::object update{{"TableName", tables_.immersion},
                        {"Key", userKey(username)},
                        {"ConditionExpression", "attribute_exists(pk)"}};
    // Nothing to change still says whether the user exists.
    if (set.empty() && remove.empty()) return userSettings(username).has_value();
    update["UpdateExpression"] = set + (set.empty() || remove.empty() ? "" : " ") + remove;
    update["ExpressionAttributeNames"] = std::move(names);
    if (!values.empty()) update["ExpressionAttributeValues"] = std::move(values);
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

// What a group item says of how its items count: a show folder's TVDB runtime and language.
struct GroupFacts {
  std::optional<std::int64_t> runtime;
  std::optional<std::string> language;
};

// The candidates' groups that exist already, with their facts.
std::map<std::string, GroupFacts> existingGroups(TableOps& ops, const std::string& table,
                                                 const std::string& pk, const char* group_prefix,
                                                 const std::vector<SyncCandidate>& candidates) {
  std::set<std::string> group_sks;
  for (const auto& c : candidates) group_sks.insert(group_prefix + c.group);
  std::vector<json::object> group_keys;
  for (const auto& sk : group_sks) group_keys.push_back(pkSk(pk, sk));
  std::map<std::string, GroupFacts> groups;
  for (const auto& item :
       ops.batchGet(table, std::move(group_keys), "sk, tvdb_average_runtime, tvdb_language")) {
    std::string sk = stringOf(item, "sk").value_or("");
    groups[sk.substr(std::string_view(group_prefix).size())] = {
        numberOf(item, "tvdb_average_runtime"), stringOf(item, "tvdb_language")};
  }
  return groups;
}

// The languages the user chose for groups of `kind`, by group.
using ChosenLanguages = std::map<std::pair<ItemKind, std::string>, std::string>;

// What a sync writes: the new items and the group items they need (in the original's layout),
// the items for the ledger, and the names of new groups for the aggregates.
struct SyncWrites {
  std::vector<json::object> puts;
  // Pictures found for groups that have an item already (UpdateItem requests).
  std::vector<json::object> artwork_updates;
  std::vector<domain::TalliedItem> added;
  std::map<std::string, GroupLabel> group_labels;
};

SyncWrites planSync(const std::string& table, const std::string& username, const std::string& pk,
                    const std::string& totals_pk, const std::vector<SyncCandidate>& candidates,
                    const std::unordered_set<std::string>& existing,
                    const std::map<std::string, GroupFacts>& group_runtime,
                    const ChosenLanguages& chosen, std::int64_t timestamp, ItemKind kind) {
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
    std::optional<std::string> language = c.language;
    if (kind == ItemKind::kEpisode) {
      auto group = group_runtime.find(c.group);
      GroupFacts facts = group == group_runtime.end() ? GroupFacts{} : group->second;
      seconds = domain::episodeSeconds(facts.runtime);
      language = std::move(facts.language);
    }
    auto choice = chosen.find({kind, c.group});
    writes.added.push_back(
        {kind, timestamp, c.group, seconds,
         domain::countedLanguage(
             choice == chosen.end() ? std::nullopt : std::optional<std::string>(choice->second),
             language)});
    if (c.group_title) {
      auto [label, inserted] = writes.group_labels.try_emplace(c.group, GroupLabel{*c.group_title});
      if (c.group_artwork) label->second.artwork_url = c.group_artwork->second;
      if (c.group_artwork && group_runtime.contains(c.group) && inserted) {
        writes.artwork_updates.push_back(
            {{"TableName", table},
             {"Key", pkSk(pk, group_prefix + c.group)},
             {"UpdateExpression", "SET #a = :a"},
             {"ExpressionAttributeNames", {{"#a", c.group_artwork->first}}},
             {"ExpressionAttributeValues", {{":a", S(c.group_artwork->second)}}}});
      }
    }
    if (kind == ItemKind::kMovie) {
      writes.puts.push_back({{"PutRequest", {{"Item", movieNameItem(totals_pk, c.item)}}}});
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
      domain::tally(writes.added, stamp.calendar.days(), domain::SyncTimes::all());
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
            {":z", S(stamp.calendar.key())}}}}}};
  };
  json::array actions;
  for (auto& update : aggregateUpdates(table, totals_pk, delta, writes.group_labels)) {
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
  const auto group_runtime = group_prefix == nullptr ? std::map<std::string, GroupFacts>{}
                                                     : existingGroups(ops_, tables_.immersion, pk,
                                                                      group_prefix, candidates);
  const ChosenLanguages chosen = group_prefix == nullptr
                                     ? ChosenLanguages{}
                                     : readLanguageChoices(ops_, tables_.immersion, username);
  SyncWrites writes = planSync(tables_.immersion, username, pk, totals_pk, candidates, existing,
                               group_runtime, chosen, stamp.timestamp, item_kind);
  if (writes.puts.empty()) return 0;
  try {
    ops_.batchWrite(tables_.immersion, std::move(writes.puts));
    for (auto& update : writes.artwork_updates) ops_.call("UpdateItem", std::move(update));
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

std::optional<std::string> DynamoDbStore::movieWithTmdbId(std::string_view username,
                                                          std::int64_t tmdb_id) {
  return guarded("reading movies", [&] {
    // A user has few movies: their items are read, and filtered by DynamoDB.
    json::object query = prefixQuery(tables_.immersion, itemKey(kUserPkPrefix, username), "MOVIE#");
    query["FilterExpression"] = "tmdb_id = :id";
    query["ProjectionExpression"] = "sk, file_name";
    query["ExpressionAttributeValues"].as_object()[":id"] = N(tmdb_id);
    std::optional<std::string> file;
    ops_.forEach("Query", std::move(query), [&](json::object& item) {
      if (!file) file = stringOf(item, "file_name").value_or(stringOf(item, "sk")->substr(6));
    });
    return file;
  });
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
    // The original's attributes for the movie's database: tmdb_* today, tvdb_* before.
    bool tmdb = m.movie.database == domain::MovieDatabase::kTmdb;
    c.item = {{"file_name", S(m.file_name)},
              {tmdb ? "tmdb_id" : "tvdb_id", N(m.movie.id)},
              {tmdb ? "tmdb_name" : "tvdb_name", S(m.movie.name)},
              {"movie_duration", N(m.movie.runtime_seconds)}};
    if (m.movie.image) c.item[tmdb ? "tmdb_image" : "tvdb_image"] = S(*m.movie.image);
    if (m.movie.language) c.item["language"] = S(*m.movie.language);
    c.language = m.movie.language;
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
  const char* group_artwork;  // the original's name for it, since it shows pictures
};
constexpr MediaAttributes kYoutubeAttributes{"YOUTUBEVIDEO#",
                                             "youtube_video_id",
                                             "youtube_video_title",
                                             "youtube_channel_id",
                                             "youtube_video_duration",
                                             "youtube_channel_title",
                                             "youtube_channel_artwork_url"};
constexpr MediaAttributes kSpotifyAttributes{
    "SPOTIFYEPISODE#",          "spotify_episode_id", "spotify_episode_title",   "spotify_show_id",
    "spotify_episode_duration", "spotify_show_name",  "spotify_show_artwork_url"};

SyncCandidate mediaCandidate(const MediaAttributes& a, const std::string& id,
                             const std::string& title, const std::string& group_id,
                             const std::string& group_title,
                             const std::optional<std::string>& group_artwork, std::int64_t seconds,
                             const std::optional<std::string>& language) {
  SyncCandidate c;
  c.sk = itemKey(a.sk_prefix, id);
  c.item = {
      {a.id, S(id)}, {a.title, S(title)}, {a.group_id, S(group_id)}, {a.duration, N(seconds)}};
  if (language) c.item["language"] = S(*language);
  c.language = language;
  c.group_attributes = {{a.group_id, S(group_id)}, {a.group_title, S(group_title)}};
  if (group_artwork) {
    c.group_attributes.emplace_back(a.group_artwork, S(*group_artwork));
    c.group_artwork.emplace(a.group_artwork, *group_artwork);
  }
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
                                        v.channel_title, v.channel_artwork_url, v.duration_seconds,
                                        v.language));
  }
  record(username, std::move(candidates), stamp, ItemKind::kYoutubeVideo, done);
}

void DynamoDbStore::recordSpotifyEpisodes(std::string_view username,
                                          std::vector<domain::SpotifyEpisode> episodes,
                                          SyncStamp stamp, CountDone done) {
  std::vector<SyncCandidate> candidates;
  for (const auto& e : episodes) {
    candidates.push_back(mediaCandidate(kSpotifyAttributes, e.id, e.title, e.show_id, e.show_name,
                                        e.show_artwork_url, e.duration_seconds, e.language));
  }
  record(username, std::move(candidates), stamp, ItemKind::kSpotifyEpisode, done);
}

// ---- export -------------------------------------------------------------------------------

namespace {

// A watched item of the user's partition as an export lists it; nothing for group items and
// the items written without a timestamp (never by this server or the originals).
std::optional<WatchedItem> watchedFrom(const json::object& item) {
  const std::string sk = stringOf(item, "sk").value_or("");
  auto timestamp = numberOf(item, "timestamp");
  if (!timestamp) return std::nullopt;
  WatchedItem w;
  w.timestamp = *timestamp;
  auto media = [&](ItemKind kind, const MediaAttributes& a) {
    w.kind = kind;
    w.id = stringOf(item, a.id).value_or(sk.substr(std::string_view(a.sk_prefix).size()));
    w.title = stringOf(item, a.title).value_or("");
    w.group = stringOf(item, a.group_id).value_or("");
    w.seconds = numberOf(item, a.duration).value_or(0);
    w.language = stringOf(item, "language");
  };
  if (startsWith(sk, "EPISODE#")) {
    w.kind = ItemKind::kEpisode;
    w.folder_name = folderOf(item);
    w.file_name =
        stringOf(item, "file_name")
            .value_or(sk.substr(std::string_view("EPISODE#").size() + w.folder_name.size() + 1));
  } else if (startsWith(sk, "MOVIE#")) {
    w.kind = ItemKind::kMovie;
    w.file_name = stringOf(item, "file_name").value_or(sk.substr(6));
    const bool tmdb = numberOf(item, "tmdb_id").has_value();
    const char* prefix = tmdb ? "tmdb_" : "tvdb_";
    w.movie = {tmdb ? domain::MovieDatabase::kTmdb : domain::MovieDatabase::kTvdb,
               numberOf(item, std::string(prefix) + "id").value_or(0),
               stringOf(item, std::string(prefix) + "name").value_or(""),
               stringOf(item, std::string(prefix) + "image"),
               numberOf(item, "movie_duration").value_or(0),
               stringOf(item, "language")};
  } else if (startsWith(sk, kYoutubeAttributes.sk_prefix)) {
    media(ItemKind::kYoutubeVideo, kYoutubeAttributes);
  } else if (startsWith(sk, kSpotifyAttributes.sk_prefix)) {
    media(ItemKind::kSpotifyEpisode, kSpotifyAttributes);
  } else {
    return std::nullopt;
  }
  return w;
}

}  // namespace

WatchedPage DynamoDbStore::listWatched(std::string_view username,
                                       const std::optional<std::string>& cursor,
                                       std::size_t limit) {
  return guarded("listing watched items", [&] {
    const std::string pk = itemKey(kUserPkPrefix, username);
    json::object query = partitionQuery(tables_.immersion, pk);
    query["Limit"] = static_cast<std::int64_t>(std::max<std::size_t>(limit, 1));
    if (cursor) query["ExclusiveStartKey"] = pkSk(pk, *cursor);
    json::object answer = ops_.call("Query", std::move(query));
    WatchedPage page;
    if (auto* items = answer.if_contains("Items"); items != nullptr && items->is_array()) {
      for (const auto& item : items->get_array()) {
        if (!item.is_object()) continue;
        if (auto w = watchedFrom(item.get_object())) page.items.push_back(std::move(*w));
      }
    }
    if (auto* last = answer.if_contains("LastEvaluatedKey"); last != nullptr && last->is_object()) {
      page.next_cursor = stringOf(last->get_object(), "sk");
    }
    return page;
  });
}

std::vector<GroupRecord> DynamoDbStore::listGroups(std::string_view username) {
  return guarded("listing channels and podcasts", [&] {
    const std::string pk = itemKey(kUserPkPrefix, username);
    std::vector<GroupRecord> groups;
    auto read = [&](ItemKind kind, const MediaAttributes& a) {
      const std::string prefix = prefixesOf(kind).group;
      ops_.forEach("Query", prefixQuery(tables_.immersion, pk, prefix), [&](json::object& item) {
        std::string id = stringOf(item, a.group_id)
                             .value_or(stringOf(item, "sk").value_or(prefix).substr(prefix.size()));
        groups.push_back({kind,
                          {std::move(id), stringOf(item, a.group_title).value_or(""),
                           stringOf(item, a.group_artwork)}});
      });
    };
    read(ItemKind::kYoutubeVideo, kYoutubeAttributes);
    read(ItemKind::kSpotifyEpisode, kSpotifyAttributes);
    return groups;
  });
}

// ---- languages ----------------------------------------------------------------------------

std::vector<LanguageChoice> DynamoDbStore::languageChoices(std::string_view username) {
  return guarded("reading languages", [&] {
    std::vector<LanguageChoice> choices;
    for (auto& [key, language] : readLanguageChoices(ops_, tables_.immersion, username)) {
      choices.push_back({key.first, key.second, language});
    }
    return choices;
  });
}

void DynamoDbStore::chooseLanguage(std::string_view username, ItemKind kind, std::string_view group,
                                   std::optional<std::string> language) {
  guarded("choosing a language", [&] {
    const std::string user(username);
    const json::object key = pkSk(itemKey(kLanguagesPkPrefix, user), languageChoiceSk(kind, group));
    // Under the lease, so that no sync counts the group's items in the old language after the
    // aggregates are marked for a rebuild, which recounts them all in the new one.
    std::lock_guard lock(writeLock(user));
    Lease lease = acquireLease(user);
    if (language) {
      json::object item = key;
      item["language"] = S(*language);
      ops_.call("PutItem", {{"TableName", tables_.immersion}, {"Item", std::move(item)}});
    } else {
      ops_.call("DeleteItem", {{"TableName", tables_.immersion}, {"Key", key}});
    }
    invalidateTotals(user);
  });
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

}  // namespace it::storage::dynamodb
