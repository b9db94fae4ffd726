// SqliteStore: what GET /progress reads, in one snapshot.

#include <algorithm>

#include "storage/sqlite/sqlite_store.hpp"
#include "storage/sqlite/totals.hpp"

namespace it::storage::sqlite {
namespace {

using domain::ItemKind;

// The items watched at or after ?2, as (timestamp, duration) rows of each kind: what the
// recent items need and no more, so that each comes from its table's time index (episodes':
// the folder is in it; the others': the duration is, since migration 8) rather than from its
// row, and the rows of the last days lie all over the tables. An episode lasts its show's
// runtime.
struct RecentSource {
  ItemKind kind;
  const char* sql;
};
constexpr RecentSource kRecentSources[] = {
    {ItemKind::kEpisode,
     "SELECT i.timestamp, s.tvdb_average_runtime FROM episodes i LEFT JOIN shows s "
     "ON s.username = i.username AND s.folder_name = i.folder_name "
     "WHERE i.username = ?1 AND i.timestamp >= ?2"},
    {ItemKind::kMovie,
     "SELECT timestamp, movie_duration FROM movies WHERE username = ?1 AND timestamp >= ?2"},
    {ItemKind::kYoutubeVideo,
     "SELECT timestamp, youtube_video_duration FROM youtube_videos "
     "WHERE username = ?1 AND timestamp >= ?2"},
    {ItemKind::kSpotifyEpisode,
     "SELECT timestamp, spotify_episode_duration FROM spotify_episodes "
     "WHERE username = ?1 AND timestamp >= ?2"},
};

// A row of daily_totals as SELECT day, kind, items, seconds, NULLIF(language, '') reads it.
domain::DailyTotal dailyTotalOf(const Statement& s) {
  return {static_cast<domain::LocalDay>(s.columnInt(0)), static_cast<ItemKind>(s.columnInt(1)),
          s.columnInt(2), s.columnInt(3), s.columnOptionalText(4)};
}

// Everything GET /progress needs, read inside the caller's snapshot.
domain::ProgressInput readProgressInput(Connection& db, std::string_view username,
                                        std::int64_t recent_since) {
  domain::ProgressInput in;
  std::int64_t movies = 0;  // how many, to size their list
  {
    auto s = db.prepare(
        "SELECT day, kind, items, seconds, NULLIF(language, '') FROM daily_totals "
        "WHERE username = ?1");
    s.bind(1, username);
    while (s.step()) {
      in.daily.push_back(dailyTotalOf(s));
      if (in.daily.back().kind == ItemKind::kMovie) movies += in.daily.back().items;
    }
  }
  {
    auto s = db.prepare("SELECT kind, grp, items FROM group_totals WHERE username = ?1");
    s.bind(1, username);
    while (s.step()) {
      in.groups.push_back(domain::GroupTotal{static_cast<ItemKind>(s.columnInt(0)), s.columnText(1),
                                             s.columnInt(2)});
    }
  }
  for (const auto& source : kRecentSources) {
    auto s = db.prepare(source.sql);
    s.bind(1, username).bind(2, recent_since);
    while (s.step()) {
      const std::int64_t seconds = source.kind == ItemKind::kEpisode
                                       ? domain::episodeSeconds(s.columnOptionalInt(1))
                                       : s.columnInt(1);
      in.recent.push_back(domain::RecentItem{source.kind, s.columnInt(0), seconds});
    }
  }
  for (const char* table : kItemTables) {
    auto s =
        db.prepare(std::string("SELECT MIN(timestamp) FROM ") + table + " WHERE username = ?1");
    s.bind(1, username);
    if (s.step() && !s.columnIsNull(0)) {
      std::int64_t t = s.columnInt(0);
      if (!in.first_timestamp || t < *in.first_timestamp) in.first_timestamp = t;
    }
  }
  {
    auto s = db.prepare(
        "SELECT folder_name, tvdb_id, tvdb_name, tvdb_average_runtime, tvdb_image FROM shows "
        "WHERE username = ?1");
    s.bind(1, username);
    while (s.step()) {
      in.shows.push_back(domain::ShowInfo{s.columnText(0), s.columnOptionalInt(1),
                                          s.columnOptionalText(2), s.columnOptionalInt(3),
                                          s.columnOptionalText(4)});
    }
  }
  auto groups = [&](const char* sql, std::vector<domain::GroupInfo>& out) {
    auto s = db.prepare(sql);
    s.bind(1, username);
    while (s.step()) out.push_back({s.columnText(0), s.columnText(1), s.columnOptionalText(2)});
  };
  groups(
      "SELECT youtube_channel_id, youtube_channel_title, youtube_channel_artwork_url "
      "FROM youtube_channels WHERE username = ?1",
      in.youtube_channels);
  groups(
      "SELECT spotify_show_id, spotify_show_name, spotify_show_artwork_url FROM spotify_shows "
      "WHERE username = ?1",
      in.spotify_shows);
  {
    // In the answer's order (byte order, unnamed last), read from movies_by_name (migration 8),
    // which holds every column asked for: no sort and no row of the table. A movie is named by
    // TMDB or, when an older client synced it, by TVDB.
    in.movies.reserve(static_cast<std::size_t>(std::max<std::int64_t>(movies, 0)));
    auto s = db.prepare(
        "SELECT file_name, COALESCE(tmdb_name, tvdb_name), COALESCE(tmdb_image, tvdb_image) "
        "FROM movies WHERE username = ?1 "
        "ORDER BY COALESCE(tmdb_name, tvdb_name) IS NULL, COALESCE(tmdb_name, tvdb_name), "
        "file_name");
    s.bind(1, username);
    while (s.step()) {
      in.movies.push_back({s.columnText(0), s.columnOptionalText(1), s.columnOptionalText(2)});
    }
  }
  return in;
}

}  // namespace

void SqliteStore::readTotals(std::string_view username, const Calendar& calendar,
                             const std::function<void(Connection&)>& read) {
  // One snapshot checks the totals' zone and reads them. Totals kept in another zone are
  // rebuilt first (a write); a concurrent change of zone can make that happen again, but not
  // forever.
  for (int attempt = 0;; ++attempt) {
    {
      auto db = reader();
      ReadTransaction snapshot(*db);
      if (totalsZone(*db, username) == calendar.key() || !hasItems(*db, username)) {
        read(*db);
        return;
      }
    }
    if (attempt == 3) throw StoreError("the daily totals keep changing time zone");
    std::string user(username);
    writeAndWait([&](Connection& db) { ensureTotalsZone(db, user, calendar); });
  }
}

domain::ProgressInput SqliteStore::progressInput(std::string_view username,
                                                 const Calendar& calendar,
                                                 std::int64_t recent_since) {
  domain::ProgressInput in;
  readTotals(username, calendar,
             [&](Connection& db) { in = readProgressInput(db, username, recent_since); });
  return in;
}

std::vector<domain::DailyTotal> SqliteStore::dailyTotals(std::string_view username,
                                                         const Calendar& calendar,
                                                         domain::LocalDay from,
                                                         domain::LocalDay to) {
  std::vector<domain::DailyTotal> days;
  readTotals(username, calendar, [&](Connection& db) {
    auto s = db.prepare(
        "SELECT day, kind, items, seconds, NULLIF(language, '') FROM daily_totals "
        "WHERE username = ?1 AND day BETWEEN ?2 AND ?3");
    s.bind(1, username).bind(2, std::int64_t{from}).bind(3, std::int64_t{to});
    while (s.step()) days.push_back(dailyTotalOf(s));
  });
  return days;
}

}  // namespace it::storage::sqlite
