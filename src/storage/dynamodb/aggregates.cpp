#include "storage/dynamodb/aggregates.hpp"

#include "storage/dynamodb/keys.hpp"
#include "storage/dynamodb/store_internal.hpp"

namespace it::storage::dynamodb {

using domain::ItemKind;

std::optional<json::object> readTotals(TableOps& ops, const std::string& table,
                                       const std::string& totals_pk) {
  json::object answer = ops.call(
      "GetItem",
      {{"TableName", table}, {"Key", pkSk(totals_pk, kTotalsSk)}, {"ConsistentRead", true}});
  auto* item = answer.if_contains("Item");
  if (item == nullptr || !item->is_object()) return std::nullopt;
  return std::move(item->get_object());
}

bool aggregatesCurrent(const std::optional<json::object>& totals, const std::string& zone_name) {
  return totals && stringOf(*totals, "zone") == zone_name &&
         numberOf(*totals, "layout") == kAggregatesLayout;
}

json::object movieNameItem(const std::string& totals_pk, const json::object& movie) {
  auto name = stringOf(movie, "tmdb_name");
  auto image = stringOf(movie, "tmdb_image");
  if (!name) {
    name = stringOf(movie, "tvdb_name");
    image = stringOf(movie, "tvdb_image");
  }
  std::string file =
      stringOf(movie, "file_name").value_or(stringOf(movie, "sk").value_or("MOVIE#").substr(6));
  json::object item = pkSk(totals_pk, movieNameSk(name, file));
  item["file_name"] = S(file);
  if (name) item["name"] = S(*name);
  if (image) item["image"] = S(*image);
  return item;
}

namespace {

// ADD to an aggregate: items and seconds, or seconds alone when `tally` changes no count.
json::object addTally(const std::string& table, json::object key, const domain::Tally& tally) {
  json::object update{{"TableName", table}, {"Key", std::move(key)}};
  if (tally.items != 0) {
    update["UpdateExpression"] = "ADD #i :i, #s :s";
    update["ExpressionAttributeNames"] = {{"#i", "items"}, {"#s", "seconds"}};
    update["ExpressionAttributeValues"] = {{":i", N(tally.items)}, {":s", N(tally.seconds)}};
  } else {
    update["UpdateExpression"] = "ADD #s :s";
    update["ExpressionAttributeNames"] = {{"#s", "seconds"}};
    update["ExpressionAttributeValues"] = {{":s", N(tally.seconds)}};
  }
  return {{"Update", std::move(update)}};
}

json::object addGroupItems(const std::string& table, json::object key, std::int64_t items,
                           const GroupLabel* label) {
  json::object update{{"TableName", table},
                      {"Key", std::move(key)},
                      {"UpdateExpression", "ADD #i :i"},
                      {"ExpressionAttributeNames", {{"#i", "items"}}},
                      {"ExpressionAttributeValues", {{":i", N(items)}}}};
  if (label != nullptr) {
    // The channel's or podcast's name for GET /progress, as its item has it, and its picture
    // once known (a lookup that failed before is made good by a later one).
    std::string expression = "ADD #i :i SET title = if_not_exists(title, :title)";
    auto& values = update["ExpressionAttributeValues"].as_object();
    values[":title"] = S(label->title);
    if (label->artwork_url) {
      expression += ", artwork = :artwork";
      values[":artwork"] = S(*label->artwork_url);
    }
    update["UpdateExpression"] = std::move(expression);
  }
  return {{"Update", std::move(update)}};
}

}  // namespace

std::vector<json::object> aggregateUpdates(const std::string& table, const std::string& totals_pk,
                                           const domain::TotalsDelta& delta,
                                           const std::map<std::string, GroupLabel>& labels) {
  std::vector<json::object> updates;
  for (const auto& [key, tally] : delta.days) {
    updates.push_back(addTally(table, pkSk(totals_pk, daySk(key)), tally));
  }
  for (const auto& [key, tally] : delta.sync_times) {
    updates.push_back(addTally(table, pkSk(totals_pk, stampSk(key.first, key.second)), tally));
  }
  for (const auto& [key, items] : delta.groups) {
    auto label = labels.find(key.second);
    updates.push_back(addGroupItems(table, pkSk(totals_pk, groupSk(key.first, key.second)), items,
                                    label == labels.end() ? nullptr : &label->second));
  }
  return updates;
}

namespace {

// What a rebuild reads of a user's items: each watched item, what their groups are called,
// and one name entry per movie.
struct History {
  std::vector<domain::TalliedItem> items;
  std::map<std::pair<ItemKind, std::string>, json::object> group_names;
  std::vector<json::object> movie_names;
};

// Projection that reads what the aggregates need from every item type of a user.
constexpr const char* kWatchedProjection =
    "sk, folder_name, file_name, #ts, tvdb_id, tvdb_name, tvdb_image, tvdb_average_runtime, "
    "tmdb_name, tmdb_image, movie_duration, youtube_video_duration, youtube_channel_id, "
    "youtube_channel_title, "
    "youtube_channel_artwork_url, spotify_episode_duration, spotify_show_id, spotify_show_name, "
    "spotify_show_artwork_url, tvdb_language, #lang";

// The names a show's GROUP aggregate carries for GET /progress: its SHOW item's TVDB fields.
json::object showNames(const json::object& show) {
  json::object names;
  for (const char* field : {"tvdb_id", "tvdb_name", "tvdb_average_runtime", "tvdb_image"}) {
    if (const auto* v = show.if_contains(field)) names[field] = *v;
  }
  return names;
}

// What a channel's or podcast's GROUP aggregate carries for GET /progress.
json::object groupNames(const std::string& title, const std::optional<std::string>& artwork) {
  json::object names{{"title", S(title)}};
  if (artwork) names["artwork"] = S(*artwork);
  return names;
}

// A watched item as read, before its episode's show (which sorts after it) is known.
struct ReadItem {
  ItemKind kind;
  std::optional<std::int64_t> timestamp;
  std::string group;
  std::int64_t seconds = 0;
  std::optional<std::string> language;  // the provider's
};

// What a rebuild needs of a show folder: TVDB's runtime and language.
struct FolderFacts {
  std::optional<std::int64_t> runtime;
  std::optional<std::string> language;
};

// Reads one item of the user's partition into `history`, `read` and `folders`.
void readItem(json::object& item, const std::string& totals_pk, History& history,
              std::vector<ReadItem>& read, std::map<std::string, FolderFacts>& folders) {
  std::string sk = stringOf(item, "sk").value_or("");
  auto timestamp = numberOf(item, "timestamp");
  if (startsWith(sk, "SHOW#")) {
    std::string folder = stringOf(item, "folder_name").value_or(sk.substr(5));
    folders[folder] = {numberOf(item, "tvdb_average_runtime"), stringOf(item, "tvdb_language")};
    history.group_names[{ItemKind::kEpisode, folder}] = showNames(item);
  } else if (startsWith(sk, "YOUTUBECHANNEL#")) {
    if (auto title = stringOf(item, "youtube_channel_title")) {
      history.group_names[{ItemKind::kYoutubeVideo, sk.substr(15)}] =
          groupNames(*title, stringOf(item, "youtube_channel_artwork_url"));
    }
  } else if (startsWith(sk, "SPOTIFYSHOW#")) {
    if (auto name = stringOf(item, "spotify_show_name")) {
      history.group_names[{ItemKind::kSpotifyEpisode, sk.substr(12)}] =
          groupNames(*name, stringOf(item, "spotify_show_artwork_url"));
    }
  } else if (startsWith(sk, "EPISODE#")) {
    read.push_back({ItemKind::kEpisode, timestamp, folderOf(item)});
  } else if (startsWith(sk, "MOVIE#")) {
    read.push_back({ItemKind::kMovie, timestamp, "", numberOf(item, "movie_duration").value_or(0),
                    stringOf(item, "language")});
    history.movie_names.push_back(movieNameItem(totals_pk, item));
  } else if (startsWith(sk, "YOUTUBEVIDEO#")) {
    read.push_back(
        {ItemKind::kYoutubeVideo, timestamp, stringOf(item, "youtube_channel_id").value_or(""),
         numberOf(item, "youtube_video_duration").value_or(0), stringOf(item, "language")});
  } else if (startsWith(sk, "SPOTIFYEPISODE#")) {
    read.push_back(
        {ItemKind::kSpotifyEpisode, timestamp, stringOf(item, "spotify_show_id").value_or(""),
         numberOf(item, "spotify_episode_duration").value_or(0), stringOf(item, "language")});
  }
}

}  // namespace

std::map<std::pair<ItemKind, std::string>, std::string> readLanguageChoices(
    TableOps& ops, const std::string& table, std::string_view username) {
  std::map<std::pair<ItemKind, std::string>, std::string> choices;
  ops.forEach("Query", partitionQuery(table, itemKey(kLanguagesPkPrefix, username)),
              [&](json::object& item) {
                std::string sk = stringOf(item, "sk").value_or("");
                auto hash = sk.find('#');
                auto kind = kindNamed(std::string_view(sk).substr(0, hash));
                auto language = stringOf(item, "language");
                if (!kind || hash == std::string::npos || !language) return;
                choices[{*kind, sk.substr(hash + 1)}] = std::move(*language);
              });
  return choices;
}

namespace {

// The user's items, whoever wrote them (this server or the originals).
History readHistory(TableOps& ops, const std::string& table, const std::string& username,
                    const std::string& totals_pk) {
  History history;
  std::vector<ReadItem> read;
  std::map<std::string, FolderFacts> folders;
  json::object query = partitionQuery(table, itemKey(kUserPkPrefix, username));
  query["ProjectionExpression"] = kWatchedProjection;
  query["ExpressionAttributeNames"] = {{"#ts", "timestamp"}, {"#lang", "language"}};
  ops.forEach("Query", std::move(query),
              [&](json::object& item) { readItem(item, totals_pk, history, read, folders); });
  const auto choices = readLanguageChoices(ops, table, username);
  for (ReadItem& r : read) {
    if (!r.timestamp) continue;  // cannot be placed in a day (never written so)
    if (r.kind == ItemKind::kEpisode) {
      auto folder = folders.find(r.group);
      FolderFacts facts = folder == folders.end() ? FolderFacts{} : folder->second;
      r.seconds = domain::episodeSeconds(facts.runtime);
      r.language = std::move(facts.language);
    }
    auto chosen = choices.find({r.kind, r.group});
    std::string language = domain::countedLanguage(
        chosen == choices.end() ? std::nullopt : std::optional<std::string>(chosen->second),
        r.language);
    history.items.push_back(
        {r.kind, *r.timestamp, std::move(r.group), r.seconds, std::move(language)});
  }
  return history;
}

// Removes the zone and bumps the generation of the TOTALS item; returns the new generation.
std::int64_t startRebuild(TableOps& ops, const std::string& table, const std::string& totals_pk) {
  json::object bumped =
      ops.call("UpdateItem", {{"TableName", table},
                              {"Key", pkSk(totals_pk, kTotalsSk)},
                              {"UpdateExpression", "REMOVE #z ADD generation :one"},
                              {"ExpressionAttributeNames", {{"#z", "zone"}}},
                              {"ExpressionAttributeValues", {{":one", N(1)}}},
                              {"ReturnValues", "UPDATED_NEW"}});
  if (auto* a = bumped.if_contains("Attributes"); a != nullptr && a->is_object()) {
    return numberOf(a->get_object(), "generation").value_or(1);
  }
  return 1;
}

// Replaces every aggregate item but TOTALS and LEASE with `totals` and the history's names.
void replaceAggregates(TableOps& ops, const std::string& table, const std::string& totals_pk,
                       const domain::TotalsDelta& totals, History& history) {
  std::vector<json::object> writes;
  json::object old_items = partitionQuery(table, totals_pk);
  old_items["ProjectionExpression"] = "pk, sk";
  ops.forEach("Query", std::move(old_items), [&](json::object& item) {
    auto sk = stringOf(item, "sk");
    if (sk == kTotalsSk || sk == kLeaseSk) return;
    writes.push_back({{"DeleteRequest", {{"Key", std::move(item)}}}});
  });
  ops.batchWrite(table, std::move(writes));
  writes.clear();
  auto put = [&](const std::string& sk, const domain::Tally& tally, bool seconds,
                 json::object item = {}) {
    item["pk"] = S(totals_pk);
    item["sk"] = S(sk);
    item["items"] = N(tally.items);
    if (seconds) item["seconds"] = N(tally.seconds);
    writes.push_back({{"PutRequest", {{"Item", std::move(item)}}}});
  };
  for (const auto& [key, tally] : totals.days) put(daySk(key), tally, true);
  for (const auto& [key, tally] : totals.sync_times) {
    put(stampSk(key.first, key.second), tally, true);
  }
  for (const auto& [key, items] : totals.groups) {
    auto names = history.group_names.find(key);
    put(groupSk(key.first, key.second), {items, 0}, false,
        names == history.group_names.end() ? json::object{} : names->second);
  }
  for (auto& movie : history.movie_names) {
    writes.push_back({{"PutRequest", {{"Item", std::move(movie)}}}});
  }
  ops.batchWrite(table, std::move(writes));
}

// Marks the aggregates as kept in `zone_name`, unless another rebuild started meanwhile.
void finishRebuild(TableOps& ops, const std::string& table, const std::string& totals_pk,
                   std::int64_t generation, const std::string& zone_name,
                   std::optional<std::int64_t> first_timestamp) {
  json::object values{{":z", S(zone_name)}, {":g", N(generation)}, {":l", N(kAggregatesLayout)}};
  std::string expression = "SET #z = :z, layout = :l";
  if (first_timestamp) {
    expression += ", first_timestamp = :f";
    values[":f"] = N(*first_timestamp);
  } else {
    expression += " REMOVE first_timestamp";
  }
  try {
    ops.call("UpdateItem", {{"TableName", table},
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

}  // namespace

void rebuildAggregates(TableOps& ops, const std::string& table, const std::string& username,
                       const std::string& zone_name, const domain::DayRule& days) {
  const std::string totals_pk = itemKey(kTotalsPkPrefix, username);
  // Invalidate first: writers elsewhere that still count in the old aggregates fail their
  // condition on the zone from now on.
  const std::int64_t generation = startRebuild(ops, table, totals_pk);
  History history = readHistory(ops, table, username, totals_pk);
  const domain::TotalsDelta totals =
      domain::tally(history.items, days, domain::recentSyncTimes(history.items));
  replaceAggregates(ops, table, totals_pk, totals, history);
  finishRebuild(ops, table, totals_pk, generation, zone_name, totals.first_timestamp);
}

}  // namespace it::storage::dynamodb
