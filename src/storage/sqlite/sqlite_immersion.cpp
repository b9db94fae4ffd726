// SqliteStore: immersion tracking, the original Lambda service's items (schema in migration 2
// of schema.cpp).

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "domain/totals.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/sqlite/totals.hpp"

namespace it::storage::sqlite {
namespace {

using domain::ItemKind;

ShowRecord readShow(Statement& s) {
  return ShowRecord{s.columnText(0),         s.columnOptionalInt(1), s.columnOptionalText(2),
                    s.columnOptionalText(3), s.columnOptionalInt(4), s.columnInt(5),
                    s.columnOptionalText(6)};
}

constexpr const char* kShowColumns =
    "SELECT folder_name, tvdb_id, tvdb_name, tvdb_image, tvdb_average_runtime, version, "
    "tvdb_language FROM shows ";

}  // namespace

void SqliteStore::submitCounting(std::function<std::int64_t(Connection&)> op, CountDone done) {
  auto count = std::make_shared<std::int64_t>(0);
  submit([op = std::move(op), count](Connection& db) { *count = op(db); },
         [done = std::move(done), count](Result<void> written) {
           done(written ? Result<std::int64_t>::success(*count)
                        : Result<std::int64_t>::fail(*written.failure));
         });
}

// ---- settings -----------------------------------------------------------------------------

std::optional<UserSettings> SqliteStore::userSettings(std::string_view username) {
  auto db = reader();
  auto s = db->prepare(
      "SELECT time_zone, language, daily_goal_minutes, day_start_hour FROM users WHERE name = ?1");
  s.bind(1, username);
  if (!s.step()) return std::nullopt;
  return UserSettings{s.columnOptionalText(0), s.columnOptionalText(1), s.columnInt(2),
                      static_cast<int>(s.columnInt(3))};
}

bool SqliteStore::changeUserSettings(std::string_view username, const SettingsChange& change) {
  bool found = false;
  writeAndWait([&](Connection& db) {
    // One statement per setting given, in one transaction; CASE keeps the ones not given.
    db.prepare(
          "UPDATE users SET "
          "time_zone = CASE WHEN ?2 THEN ?3 ELSE time_zone END, "
          "language = CASE WHEN ?4 THEN ?5 ELSE language END, "
          "daily_goal_minutes = COALESCE(?6, daily_goal_minutes), "
          "day_start_hour = COALESCE(?7, day_start_hour) "
          "WHERE name = ?1")
        .bind(1, username)
        .bind(2, std::int64_t{change.time_zone.has_value()})
        .bindOptional(3, change.time_zone.value_or(std::nullopt))
        .bind(4, std::int64_t{change.language.has_value()})
        .bindOptional(5, change.language.value_or(std::nullopt))
        .bindOptional(6, change.daily_goal_minutes)
        .bindOptional(7, change.day_start_hour ? std::optional<std::int64_t>(*change.day_start_hour)
                                               : std::nullopt)
        .run();
    found = db.changes() == 1;
  });
  return found;
}

// ---- shows and episodes -------------------------------------------------------------------

std::vector<ShowRecord> SqliteStore::listShows(std::string_view username) {
  auto db = reader();
  auto s = db->prepare(std::string(kShowColumns) + "WHERE username = ?1 ORDER BY folder_name");
  s.bind(1, username);
  std::vector<ShowRecord> shows;
  while (s.step()) shows.push_back(readShow(s));
  return shows;
}

std::optional<ShowRecord> SqliteStore::findShow(std::string_view username,
                                                std::string_view folder_name) {
  auto db = reader();
  auto s = db->prepare(std::string(kShowColumns) + "WHERE username = ?1 AND folder_name = ?2");
  s.bind(1, username).bind(2, folder_name);
  if (!s.step()) return std::nullopt;
  return readShow(s);
}

namespace {

// The language the user chose for a group, if they did.
std::optional<std::string> chosenLanguage(Connection& db, std::string_view user, ItemKind kind,
                                          std::string_view group) {
  auto s = db.prepare(
      "SELECT language FROM language_choices WHERE username = ?1 AND kind = ?2 AND grp = ?3");
  s.bind(1, user).bind(2, std::int64_t{static_cast<int>(kind)}).bind(3, group);
  if (!s.step()) return std::nullopt;
  return s.columnText(0);
}

// What TVDB said of a show folder that decides how its episodes count.
struct FolderFacts {
  std::optional<std::int64_t> runtime;
  std::optional<std::string> language;  // TVDB's
};

// The show folder's facts, or nothing when the folder does not exist.
std::optional<FolderFacts> folderFacts(Connection& db, std::string_view user,
                                       std::string_view folder) {
  auto s = db.prepare(
      "SELECT tvdb_average_runtime, tvdb_language FROM shows "
      "WHERE username = ?1 AND folder_name = ?2");
  s.bind(1, user).bind(2, folder);
  if (!s.step()) return std::nullopt;
  return FolderFacts{s.columnOptionalInt(0), s.columnOptionalText(1)};
}

// How a group's items count in a sync, read once per group: an episode by its folder's
// runtime and language, a video or podcast episode in its group's chosen language if any.
class GroupCountings {
 public:
  GroupCountings(Connection& db, std::string_view username, ItemKind kind)
      : db_(db), username_(username), kind_(kind) {}

  // An episode of `folder`.
  const domain::Counting& episodeOf(const std::string& folder) {
    auto [at, inserted] = countings_.try_emplace(folder);
    if (inserted) {
      FolderFacts facts = folderFacts(db_, username_, folder).value_or(FolderFacts{});
      at->second = {domain::episodeSeconds(facts.runtime),
                    domain::countedLanguage(chosen(folder), facts.language)};
    }
    return at->second;
  }
  // An item of `group` that says it is in `language`.
  std::string languageOf(const std::string& group, const std::optional<std::string>& language) {
    return domain::countedLanguage(chosen(group), language);
  }

 private:
  std::optional<std::string> chosen(const std::string& group) {
    auto [at, inserted] = chosen_.try_emplace(group);
    if (inserted) at->second = chosenLanguage(db_, username_, kind_, group);
    return at->second;
  }

  Connection& db_;
  std::string_view username_;
  ItemKind kind_;
  std::unordered_map<std::string, domain::Counting> countings_;
  std::unordered_map<std::string, std::optional<std::string>> chosen_;
};

// Records the episodes the user has not got yet (and their folders); returns them.
std::vector<domain::TalliedItem> insertEpisodes(Connection& db, const std::string& user,
                                                const std::vector<EpisodeRef>& episodes,
                                                std::int64_t timestamp) {
  std::unordered_set<std::string_view> folders;
  GroupCountings countings(db, user, ItemKind::kEpisode);
  std::vector<domain::TalliedItem> added;
  for (const auto& e : episodes) {
    if (folders.insert(e.folder_name).second) {
      db.prepare(
            "INSERT INTO shows (username, folder_name) VALUES (?1, ?2) "
            "ON CONFLICT (username, folder_name) DO NOTHING")
          .bind(1, user)
          .bind(2, e.folder_name)
          .run();
    }
    db.prepare(
          "INSERT INTO episodes (username, folder_name, file_name, timestamp) "
          "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (username, folder_name, file_name) DO NOTHING")
        .bind(1, user)
        .bind(2, e.folder_name)
        .bind(3, e.file_name)
        .bind(4, timestamp)
        .run();
    if (db.changes() != 1) continue;  // already recorded: not counted, not re-stamped
    const domain::Counting& counting = countings.episodeOf(e.folder_name);
    added.push_back(
        {ItemKind::kEpisode, timestamp, e.folder_name, counting.seconds, counting.language});
  }
  return added;
}

// Adds a sync's new items to the totals; counts them.
std::int64_t countAdded(Connection& db, std::string_view user,
                        const std::vector<domain::TalliedItem>& added, const SyncStamp& stamp) {
  applyTotals(db, user, domain::tally(added, stamp.calendar.days(), domain::SyncTimes::none()));
  return static_cast<std::int64_t>(added.size());
}

// The day rule the user's totals are kept by, or nothing when they have none to correct (none
// yet, or kept by a zone this machine no longer knows: those are forgotten and rebuilt).
std::optional<domain::DayRule> keptDayRule(Connection& db, std::string_view user) {
  auto kept_by = totalsZone(db, user);
  if (!kept_by) return std::nullopt;  // no totals yet: built from the items when first needed
  auto days = domain::dayRuleOfKey(*kept_by);
  if (!days) db.prepare("DELETE FROM daily_totals_zone WHERE username = ?1").bind(1, user).run();
  return days;
}

// The folder's episodes now count as `after` instead of `before`: corrects the days they fall
// on.
void recountFolder(Connection& db, std::string_view user, std::string_view folder,
                   const domain::Counting& before, const domain::Counting& after) {
  if (before == after) return;
  auto days = keptDayRule(db, user);
  if (!days) return;
  std::vector<std::int64_t> timestamps;
  auto s = db.prepare("SELECT timestamp FROM episodes WHERE username = ?1 AND folder_name = ?2");
  s.bind(1, user).bind(2, folder);
  while (s.step()) timestamps.push_back(s.columnInt(0));
  applyTotals(db, user,
              domain::recount(timestamps, ItemKind::kEpisode, before, after, *days,
                              domain::SyncTimes::none()));
}

// A group's items now count in `after` (a language, or nothing for the provider's) instead
// of `before`: corrects the days they fall on.
void recountGroup(Connection& db, std::string_view user, ItemKind kind, std::string_view group,
                  const std::optional<std::string>& before,
                  const std::optional<std::string>& after) {
  if (before == after) return;
  auto days = keptDayRule(db, user);
  if (!days) return;
  static constexpr std::pair<ItemKind, const char*> kGroupItems[] = {
      {ItemKind::kEpisode,
       "SELECT i.timestamp, s.tvdb_average_runtime, s.tvdb_language FROM episodes i "
       "JOIN shows s ON s.username = i.username AND s.folder_name = i.folder_name "
       "WHERE i.username = ?1 AND i.folder_name = ?2"},
      {ItemKind::kYoutubeVideo,
       "SELECT timestamp, youtube_video_duration, language FROM youtube_videos "
       "WHERE username = ?1 AND youtube_channel_id = ?2"},
      {ItemKind::kSpotifyEpisode,
       "SELECT timestamp, spotify_episode_duration, language FROM spotify_episodes "
       "WHERE username = ?1 AND spotify_show_id = ?2"},
  };
  domain::TotalsDelta delta;
  for (const auto& [item_kind, sql] : kGroupItems) {
    if (item_kind != kind) continue;
    auto s = db.prepare(sql);
    s.bind(1, user).bind(2, group);
    while (s.step()) {
      const std::int64_t timestamp = s.columnInt(0);
      const std::int64_t seconds = kind == ItemKind::kEpisode
                                       ? domain::episodeSeconds(s.columnOptionalInt(1))
                                       : s.columnInt(1);
      const auto provided = s.columnOptionalText(2);
      delta.merge(domain::recount(
          {&timestamp, 1}, kind, {seconds, domain::countedLanguage(before, provided)},
          {seconds, domain::countedLanguage(after, provided)}, *days, domain::SyncTimes::none()));
    }
  }
  applyTotals(db, user, delta);
}

}  // namespace

void SqliteStore::recordEpisodes(std::string_view username, std::vector<EpisodeRef> episodes,
                                 SyncStamp stamp, CountDone done) {
  submitCounting(
      [user = std::string(username), episodes = std::move(episodes),
       stamp = std::move(stamp)](Connection& db) {
        ensureTotalsZone(db, user, stamp.calendar);
        return countAdded(db, user, insertEpisodes(db, user, episodes, stamp.timestamp), stamp);
      },
      std::move(done));
}

void SqliteStore::updateShow(std::string_view username, std::string_view folder_name,
                             domain::TvdbSeries series, CountDone done) {
  submitCounting(
      [user = std::string(username), folder = std::string(folder_name),
       series = std::move(series)](Connection& db) -> std::int64_t {
        auto old_facts = folderFacts(db, user, folder);
        if (!old_facts) return 0;
        db.prepare(
              "UPDATE shows SET tvdb_id = ?3, tvdb_name = ?4, tvdb_image = ?5, "
              "tvdb_average_runtime = ?6, tvdb_language = ?7, version = version + 1 "
              "WHERE username = ?1 AND folder_name = ?2")
            .bind(1, user)
            .bind(2, folder)
            .bind(3, series.id)
            .bind(4, series.name)
            .bindOptional(5, series.image)
            .bindOptional(6, series.average_runtime_seconds)
            .bindOptional(7, series.language)
            .run();
        const auto chosen = chosenLanguage(db, user, ItemKind::kEpisode, folder);
        recountFolder(db, user, folder,
                      {domain::episodeSeconds(old_facts->runtime),
                       domain::countedLanguage(chosen, old_facts->language)},
                      {domain::episodeSeconds(series.average_runtime_seconds),
                       domain::countedLanguage(chosen, series.language)});
        return 1;
      },
      std::move(done));
}

// ---- movies, YouTube, Spotify -------------------------------------------------------------

std::vector<std::string> SqliteStore::existingKeys(const char* sql, std::string_view username,
                                                   const std::vector<std::string>& keys) {
  auto db = reader();
  std::vector<std::string> found;
  for (const auto& key : keys) {
    auto s = db->prepare(sql);
    s.bind(1, username).bind(2, key);
    if (s.step()) found.push_back(key);
  }
  return found;
}

std::vector<std::string> SqliteStore::existingMovies(std::string_view username,
                                                     const std::vector<std::string>& keys) {
  return existingKeys("SELECT 1 FROM movies WHERE username = ?1 AND file_name = ?2", username,
                      keys);
}

std::optional<std::string> SqliteStore::movieWithTmdbId(std::string_view username,
                                                        std::int64_t tmdb_id) {
  auto db = reader();
  auto s = db->prepare(
      "SELECT file_name FROM movies WHERE username = ?1 AND tmdb_id = ?2 "
      "ORDER BY file_name LIMIT 1");
  s.bind(1, username).bind(2, tmdb_id);
  if (!s.step()) return std::nullopt;
  return s.columnText(0);
}

std::vector<std::string> SqliteStore::existingYoutubeVideos(std::string_view username,
                                                            const std::vector<std::string>& keys) {
  return existingKeys("SELECT 1 FROM youtube_videos WHERE username = ?1 AND youtube_video_id = ?2",
                      username, keys);
}

std::vector<std::string> SqliteStore::existingSpotifyEpisodes(
    std::string_view username, const std::vector<std::string>& keys) {
  return existingKeys(
      "SELECT 1 FROM spotify_episodes WHERE username = ?1 AND spotify_episode_id = ?2", username,
      keys);
}

void SqliteStore::recordMovies(std::string_view username, std::vector<MovieRecord> movies,
                               SyncStamp stamp, CountDone done) {
  submitCounting(
      [user = std::string(username), movies = std::move(movies),
       stamp = std::move(stamp)](Connection& db) {
        ensureTotalsZone(db, user, stamp.calendar);
        std::vector<domain::TalliedItem> added;
        for (const auto& m : movies) {
          // The same columns for either database: its own id, name and image.
          bool tmdb = m.movie.database == domain::MovieDatabase::kTmdb;
          db.prepare(tmdb ? "INSERT INTO movies (username, file_name, tmdb_id, tmdb_name, "
                            "tmdb_image, movie_duration, timestamp, language) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                            "ON CONFLICT (username, file_name) DO NOTHING"
                          : "INSERT INTO movies (username, file_name, tvdb_id, tvdb_name, "
                            "tvdb_image, movie_duration, timestamp, language) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                            "ON CONFLICT (username, file_name) DO NOTHING")
              .bind(1, user)
              .bind(2, m.file_name)
              .bind(3, m.movie.id)
              .bind(4, m.movie.name)
              .bindOptional(5, m.movie.image)
              .bind(6, m.movie.runtime_seconds)
              .bind(7, stamp.timestamp)
              .bindOptional(8, m.movie.language)
              .run();
          if (db.changes() == 1) {
            added.push_back({ItemKind::kMovie, stamp.timestamp, "", m.movie.runtime_seconds,
                             m.movie.language.value_or("")});
          }
        }
        return countAdded(db, user, added, stamp);
      },
      std::move(done));
}

namespace {

// A watched item that belongs to a group the user also gets a row for: a YouTube video and
// its channel, a Spotify episode and its show.
struct MediaTables {
  ItemKind kind;
  // ?1 user, ?2 id, ?3 title, ?4 group id, ?5 seconds, ?6 timestamp, ?7 language
  const char* insert_item;
  // ?1 user, ?2 group id, ?3 group name, ?4 artwork; a known artwork replaces the one kept (a
  // lookup that failed before is made good by a later one).
  const char* insert_group;
};

constexpr MediaTables kYoutubeTables{
    ItemKind::kYoutubeVideo,
    "INSERT INTO youtube_videos (username, youtube_video_id, youtube_video_title, "
    "youtube_channel_id, youtube_video_duration, timestamp, language) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (username, youtube_video_id) DO NOTHING",
    "INSERT INTO youtube_channels (username, youtube_channel_id, youtube_channel_title, "
    "youtube_channel_artwork_url) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (username, youtube_channel_id) DO UPDATE SET youtube_channel_artwork_url = "
    "COALESCE(excluded.youtube_channel_artwork_url, youtube_channel_artwork_url)"};

constexpr MediaTables kSpotifyTables{
    ItemKind::kSpotifyEpisode,
    "INSERT INTO spotify_episodes (username, spotify_episode_id, spotify_episode_title, "
    "spotify_show_id, spotify_episode_duration, timestamp, language) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (username, spotify_episode_id) DO NOTHING",
    "INSERT INTO spotify_shows (username, spotify_show_id, spotify_show_name, "
    "spotify_show_artwork_url) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (username, spotify_show_id) DO UPDATE SET spotify_show_artwork_url = "
    "COALESCE(excluded.spotify_show_artwork_url, spotify_show_artwork_url)"};

struct MediaFields {
  const std::string& id;
  const std::string& title;
  const std::string& group_id;
  const std::string& group_name;
  std::int64_t seconds;
  const std::optional<std::string>& group_artwork;
  const std::optional<std::string>& language;
};
MediaFields fieldsOf(const domain::YoutubeVideo& v) {
  return {
      v.id,      v.title, v.channel_id, v.channel_title, v.duration_seconds, v.channel_artwork_url,
      v.language};
}
MediaFields fieldsOf(const domain::SpotifyEpisode& e) {
  return {e.id,      e.title, e.show_id, e.show_name, e.duration_seconds, e.show_artwork_url,
          e.language};
}

// Records the items the user has not got yet, with their groups; counts them.
template <class Media>
std::int64_t recordMedia(Connection& db, const std::string& user, const std::vector<Media>& items,
                         const SyncStamp& stamp, const MediaTables& tables) {
  ensureTotalsZone(db, user, stamp.calendar);
  std::vector<domain::TalliedItem> added;
  GroupCountings countings(db, user, tables.kind);
  for (const auto& item : items) {
    MediaFields f = fieldsOf(item);
    db.prepare(tables.insert_item)
        .bind(1, user)
        .bind(2, f.id)
        .bind(3, f.title)
        .bind(4, f.group_id)
        .bind(5, f.seconds)
        .bind(6, stamp.timestamp)
        .bindOptional(7, f.language)
        .run();
    if (db.changes() != 1) continue;  // already recorded: not counted, not re-stamped
    added.push_back({tables.kind, stamp.timestamp, f.group_id, f.seconds,
                     countings.languageOf(f.group_id, f.language)});
    db.prepare(tables.insert_group)
        .bind(1, user)
        .bind(2, f.group_id)
        .bind(3, f.group_name)
        .bindOptional(4, f.group_artwork)
        .run();
  }
  return countAdded(db, user, added, stamp);
}

}  // namespace

void SqliteStore::recordYoutubeVideos(std::string_view username,
                                      std::vector<domain::YoutubeVideo> videos, SyncStamp stamp,
                                      CountDone done) {
  submitCounting(
      [user = std::string(username), videos = std::move(videos), stamp = std::move(stamp)](
          Connection& db) { return recordMedia(db, user, videos, stamp, kYoutubeTables); },
      std::move(done));
}

void SqliteStore::recordSpotifyEpisodes(std::string_view username,
                                        std::vector<domain::SpotifyEpisode> episodes,
                                        SyncStamp stamp, CountDone done) {
  submitCounting(
      [user = std::string(username), episodes = std::move(episodes), stamp = std::move(stamp)](
          Connection& db) { return recordMedia(db, user, episodes, stamp, kSpotifyTables); },
      std::move(done));
}

// ---- export -------------------------------------------------------------------------------

namespace {

// Each kind's items in key order, at most ?4, after the key (?2, ?3) when ?5: what an export
// reads of them.
constexpr std::pair<ItemKind, const char*> kWatchedPages[] = {
    {ItemKind::kEpisode,
     "SELECT timestamp, folder_name, file_name FROM episodes "
     "WHERE username = ?1 AND (?5 = 0 OR (folder_name, file_name) > (?2, ?3)) "
     "ORDER BY folder_name, file_name LIMIT ?4"},
    {ItemKind::kMovie,
     "SELECT timestamp, file_name, tmdb_id, tvdb_id, COALESCE(tmdb_name, tvdb_name), "
     "COALESCE(tmdb_image, tvdb_image), movie_duration, language FROM movies "
     "WHERE username = ?1 AND (?5 = 0 OR file_name > ?2) ORDER BY file_name LIMIT ?4"},
    {ItemKind::kYoutubeVideo,
     "SELECT timestamp, youtube_video_id, youtube_video_title, youtube_channel_id, "
     "youtube_video_duration, language FROM youtube_videos "
     "WHERE username = ?1 AND (?5 = 0 OR youtube_video_id > ?2) ORDER BY youtube_video_id LIMIT "
     "?4"},
    {ItemKind::kSpotifyEpisode,
     "SELECT timestamp, spotify_episode_id, spotify_episode_title, spotify_show_id, "
     "spotify_episode_duration, language FROM spotify_episodes "
     "WHERE username = ?1 AND (?5 = 0 OR spotify_episode_id > ?2) ORDER BY spotify_episode_id "
     "LIMIT ?4"},
};

WatchedItem readWatched(ItemKind kind, Statement& s) {
  WatchedItem item;
  item.kind = kind;
  item.timestamp = s.columnInt(0);
  switch (kind) {
    case ItemKind::kEpisode:
      item.folder_name = s.columnText(1);
      item.file_name = s.columnText(2);
      break;
    case ItemKind::kMovie: {
      item.file_name = s.columnText(1);
      const bool tmdb = !s.columnIsNull(2);
      item.movie = {tmdb ? domain::MovieDatabase::kTmdb : domain::MovieDatabase::kTvdb,
                    tmdb ? s.columnInt(2) : s.columnInt(3),
                    s.columnOptionalText(4).value_or(""),
                    s.columnOptionalText(5),
                    s.columnInt(6),
                    s.columnOptionalText(7)};
      break;
    }
    case ItemKind::kYoutubeVideo:
    case ItemKind::kSpotifyEpisode:
      item.id = s.columnText(1);
      item.title = s.columnText(2);
      item.group = s.columnText(3);
      item.seconds = s.columnInt(4);
      item.language = s.columnOptionalText(5);
      break;
  }
  return item;
}

// A page's cursor: the last item's kind and key, apart by NULs (keys are text without them).
std::string cursorOf(const WatchedItem& item) {
  std::string cursor(1, static_cast<char>('0' + static_cast<int>(item.kind)));
  cursor += '\0';
  if (item.kind == ItemKind::kEpisode) {
    cursor += item.folder_name;
    cursor += '\0';
    cursor += item.file_name;
  } else {
    cursor += item.kind == ItemKind::kMovie ? item.file_name : item.id;
  }
  return cursor;
}

}  // namespace

WatchedPage SqliteStore::listWatched(std::string_view username,
                                     const std::optional<std::string>& cursor, std::size_t limit) {
  // Where the page starts: the kind of the cursor, after its key.
  int first_kind = 0;
  std::string key1;
  std::string key2;
  if (cursor && cursor->size() >= 2 && (*cursor)[1] == '\0') {
    first_kind = (*cursor)[0] - '0';
    std::string_view rest = std::string_view(*cursor).substr(2);
    auto nul = rest.find('\0');
    key1 = std::string(rest.substr(0, nul));
    if (nul != std::string_view::npos) key2 = std::string(rest.substr(nul + 1));
  }
  limit = std::max<std::size_t>(limit, 1);
  auto db = reader();
  ReadTransaction snapshot(*db);
  WatchedPage page;
  for (const auto& [kind, sql] : kWatchedPages) {
    if (static_cast<int>(kind) < first_kind) continue;
    const bool resumed = static_cast<int>(kind) == first_kind && cursor;
    auto s = db->prepare(sql);
    s.bind(1, username)
        .bind(2, resumed ? key1 : std::string())
        .bind(3, resumed ? key2 : std::string())
        .bind(4, static_cast<std::int64_t>(limit - page.items.size()))
        .bind(5, std::int64_t{resumed});
    while (s.step()) page.items.push_back(readWatched(kind, s));
    if (page.items.size() == limit) {
      page.next_cursor = cursorOf(page.items.back());
      return page;
    }
  }
  return page;
}

std::vector<GroupRecord> SqliteStore::listGroups(std::string_view username) {
  auto db = reader();
  ReadTransaction snapshot(*db);
  std::vector<GroupRecord> groups;
  auto read = [&](ItemKind kind, const char* sql) {
    auto s = db->prepare(sql);
    s.bind(1, username);
    while (s.step()) {
      groups.push_back({kind, {s.columnText(0), s.columnText(1), s.columnOptionalText(2)}});
    }
  };
  read(ItemKind::kYoutubeVideo,
       "SELECT youtube_channel_id, youtube_channel_title, youtube_channel_artwork_url "
       "FROM youtube_channels WHERE username = ?1 ORDER BY youtube_channel_id");
  read(ItemKind::kSpotifyEpisode,
       "SELECT spotify_show_id, spotify_show_name, spotify_show_artwork_url "
       "FROM spotify_shows WHERE username = ?1 ORDER BY spotify_show_id");
  return groups;
}

// ---- languages ----------------------------------------------------------------------------

std::vector<LanguageChoice> SqliteStore::languageChoices(std::string_view username) {
  auto db = reader();
  auto s = db->prepare(
      "SELECT kind, grp, language FROM language_choices WHERE username = ?1 ORDER BY kind, grp");
  s.bind(1, username);
  std::vector<LanguageChoice> choices;
  while (s.step()) {
    choices.push_back({static_cast<ItemKind>(s.columnInt(0)), s.columnText(1), s.columnText(2)});
  }
  return choices;
}

void SqliteStore::chooseLanguage(std::string_view username, ItemKind kind, std::string_view group,
                                 std::optional<std::string> language) {
  writeAndWait([&](Connection& db) {
    const auto before = chosenLanguage(db, username, kind, group);
    if (language) {
      db.prepare(
            "INSERT INTO language_choices (username, kind, grp, language) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (username, kind, grp) DO UPDATE SET language = excluded.language")
          .bind(1, username)
          .bind(2, std::int64_t{static_cast<int>(kind)})
          .bind(3, group)
          .bind(4, *language)
          .run();
    } else {
      db.prepare("DELETE FROM language_choices WHERE username = ?1 AND kind = ?2 AND grp = ?3")
          .bind(1, username)
          .bind(2, std::int64_t{static_cast<int>(kind)})
          .bind(3, group)
          .run();
    }
    recountGroup(db, username, kind, group, before, language);
  });
}

// ---- metadata cache -----------------------------------------------------------------------

std::optional<MetadataEntry> SqliteStore::cachedMetadata(std::string_view kind,
                                                         std::string_view id) {
  auto db = reader();
  auto s = db->prepare("SELECT body, fetched_at FROM metadata_cache WHERE kind = ?1 AND id = ?2");
  s.bind(1, kind).bind(2, id);
  if (!s.step()) return std::nullopt;
  return MetadataEntry{std::string(kind), std::string(id), s.columnText(0), s.columnInt(1)};
}

void SqliteStore::putCachedMetadata(std::vector<MetadataEntry> entries, WriteDone done) {
  submit(
      [entries = std::move(entries)](Connection& db) {
        for (const auto& e : entries) {
          db.prepare(
                "INSERT INTO metadata_cache (kind, id, body, fetched_at) VALUES (?1, ?2, ?3, ?4) "
                "ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, "
                "fetched_at = excluded.fetched_at")
              .bind(1, e.kind)
              .bind(2, e.id)
              .bind(3, e.body)
              .bind(4, e.fetched_at)
              .run();
        }
      },
      std::move(done));
}

}  // namespace it::storage::sqlite
