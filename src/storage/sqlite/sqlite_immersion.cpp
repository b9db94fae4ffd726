// SqliteStore: immersion tracking, the original Lambda service's items (schema in migration 2
// of schema.cpp).

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
                    s.columnOptionalText(3), s.columnOptionalInt(4), s.columnInt(5)};
}

constexpr const char* kShowColumns =
    "SELECT folder_name, tvdb_id, tvdb_name, tvdb_image, tvdb_average_runtime, version FROM shows ";

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

// The show's TVDB runtime, or nothing when the folder does not exist.
std::optional<std::optional<std::int64_t>> showRuntime(Connection& db, std::string_view user,
                                                       std::string_view folder) {
  auto s =
      db.prepare("SELECT tvdb_average_runtime FROM shows WHERE username = ?1 AND folder_name = ?2");
  s.bind(1, user).bind(2, folder);
  if (!s.step()) return std::nullopt;
  return s.columnOptionalInt(0);
}

// The runtime of each show folder a sync adds episodes to, read once per folder.
class FolderRuntimes {
 public:
  FolderRuntimes(Connection& db, std::string_view username) : db_(db), username_(username) {}

  std::optional<std::int64_t> of(const std::string& folder) {
    auto [at, inserted] = runtimes_.try_emplace(folder);
    if (inserted) at->second = showRuntime(db_, username_, folder).value_or(std::nullopt);
    return at->second;
  }

 private:
  Connection& db_;
  std::string_view username_;
  std::unordered_map<std::string, std::optional<std::int64_t>> runtimes_;
};

// Records the episodes the user has not got yet (and their folders); returns them.
std::vector<domain::TalliedItem> insertEpisodes(Connection& db, const std::string& user,
                                                const std::vector<EpisodeRef>& episodes,
                                                std::int64_t timestamp) {
  std::unordered_set<std::string_view> folders;
  FolderRuntimes runtimes(db, user);
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
    added.push_back({ItemKind::kEpisode, timestamp, e.folder_name,
                     domain::episodeSeconds(runtimes.of(e.folder_name))});
  }
  return added;
}

// Adds a sync's new items to the totals; counts them.
std::int64_t countAdded(Connection& db, std::string_view user,
                        const std::vector<domain::TalliedItem>& added, const SyncStamp& stamp) {
  applyTotals(db, user, domain::tally(added, stamp.calendar.days(), domain::SyncTimes::none()));
  return static_cast<std::int64_t>(added.size());
}

// The folder's episodes now last `new_runtime` instead of `old_runtime`: corrects the days
// they fall on.
void retimeFolder(Connection& db, std::string_view user, std::string_view folder,
                  std::optional<std::int64_t> old_runtime,
                  std::optional<std::int64_t> new_runtime) {
  if (!domain::changesEpisodeSeconds(old_runtime, new_runtime)) return;
  auto kept_by = totalsZone(db, user);
  if (!kept_by) return;  // no totals yet: built from the items when first needed
  auto days = domain::dayRuleOfKey(*kept_by);
  if (!days) {
    // Totals in a zone this machine no longer knows: forget them; they are rebuilt.
    db.prepare("DELETE FROM daily_totals_zone WHERE username = ?1").bind(1, user).run();
    return;
  }
  std::vector<std::int64_t> timestamps;
  auto s = db.prepare("SELECT timestamp FROM episodes WHERE username = ?1 AND folder_name = ?2");
  s.bind(1, user).bind(2, folder);
  while (s.step()) timestamps.push_back(s.columnInt(0));
  applyTotals(db, user,
              domain::retimeEpisodes(timestamps, old_runtime, new_runtime, *days,
                                     domain::SyncTimes::none()));
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
        auto old_runtime = showRuntime(db, user, folder);
        if (!old_runtime) return 0;
        db.prepare(
              "UPDATE shows SET tvdb_id = ?3, tvdb_name = ?4, tvdb_image = ?5, "
              "tvdb_average_runtime = ?6, version = version + 1 "
              "WHERE username = ?1 AND folder_name = ?2")
            .bind(1, user)
            .bind(2, folder)
            .bind(3, series.id)
            .bind(4, series.name)
            .bindOptional(5, series.image)
            .bindOptional(6, series.average_runtime_seconds)
            .run();
        retimeFolder(db, user, folder, *old_runtime, series.average_runtime_seconds);
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
                            "tmdb_image, movie_duration, timestamp) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                            "ON CONFLICT (username, file_name) DO NOTHING"
                          : "INSERT INTO movies (username, file_name, tvdb_id, tvdb_name, "
                            "tvdb_image, movie_duration, timestamp) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                            "ON CONFLICT (username, file_name) DO NOTHING")
              .bind(1, user)
              .bind(2, m.file_name)
              .bind(3, m.movie.id)
              .bind(4, m.movie.name)
              .bindOptional(5, m.movie.image)
              .bind(6, m.movie.runtime_seconds)
              .bind(7, stamp.timestamp)
              .run();
          if (db.changes() == 1) {
            added.push_back({ItemKind::kMovie, stamp.timestamp, "", m.movie.runtime_seconds});
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
  const char* insert_item;  // ?1 user, ?2 id, ?3 title, ?4 group id, ?5 seconds, ?6 timestamp
  // ?1 user, ?2 group id, ?3 group name, ?4 artwork; a known artwork replaces the one kept (a
  // lookup that failed before is made good by a later one).
  const char* insert_group;
};

constexpr MediaTables kYoutubeTables{
    ItemKind::kYoutubeVideo,
    "INSERT INTO youtube_videos (username, youtube_video_id, youtube_video_title, "
    "youtube_channel_id, youtube_video_duration, timestamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT (username, youtube_video_id) DO NOTHING",
    "INSERT INTO youtube_channels (username, youtube_channel_id, youtube_channel_title, "
    "youtube_channel_artwork_url) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (username, youtube_channel_id) DO UPDATE SET youtube_channel_artwork_url = "
    "COALESCE(excluded.youtube_channel_artwork_url, youtube_channel_artwork_url)"};

constexpr MediaTables kSpotifyTables{
    ItemKind::kSpotifyEpisode,
    "INSERT INTO spotify_episodes (username, spotify_episode_id, spotify_episode_title, "
    "spotify_show_id, spotify_episode_duration, timestamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
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
};
MediaFields fieldsOf(const domain::YoutubeVideo& v) {
  return {v.id, v.title, v.channel_id, v.channel_title, v.duration_seconds, v.channel_artwork_url};
}
MediaFields fieldsOf(const domain::SpotifyEpisode& e) {
  return {e.id, e.title, e.show_id, e.show_name, e.duration_seconds, e.show_artwork_url};
}

// Records the items the user has not got yet, with their groups; counts them.
template <class Media>
std::int64_t recordMedia(Connection& db, const std::string& user, const std::vector<Media>& items,
                         const SyncStamp& stamp, const MediaTables& tables) {
  ensureTotalsZone(db, user, stamp.calendar);
  std::vector<domain::TalliedItem> added;
  for (const auto& item : items) {
    MediaFields f = fieldsOf(item);
    db.prepare(tables.insert_item)
        .bind(1, user)
        .bind(2, f.id)
        .bind(3, f.title)
        .bind(4, f.group_id)
        .bind(5, f.seconds)
        .bind(6, stamp.timestamp)
        .run();
    if (db.changes() != 1) continue;  // already recorded: not counted, not re-stamped
    added.push_back({tables.kind, stamp.timestamp, f.group_id, f.seconds});
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
