// SqliteStore: what GET /progress reads, in one snapshot.

#include "storage/sqlite/sqlite_store.hpp"
#include "storage/sqlite/totals.hpp"

namespace it::storage::sqlite {
namespace {

using domain::ItemKind;

// Everything GET /progress needs, read inside the caller's snapshot.
domain::ProgressInput readProgressInput(Connection& db, std::string_view username,
                                        std::int64_t recent_since) {
  domain::ProgressInput in;
  {
    auto s = db.prepare(
        "SELECT day, kind, items, seconds, NULLIF(language, '') FROM daily_totals "
        "WHERE username = ?1");
    s.bind(1, username);
    while (s.step()) {
      in.daily.push_back(domain::DailyTotal{static_cast<domain::LocalDay>(s.columnInt(0)),
                                            static_cast<ItemKind>(s.columnInt(1)), s.columnInt(2),
                                            s.columnInt(3), s.columnOptionalText(4)});
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
  forEachItem(db, username, recent_since,
              [&](ItemKind kind, std::int64_t timestamp, const std::string&, std::int64_t seconds,
                  const std::string&) {
                in.recent.push_back(domain::RecentItem{kind, timestamp, seconds});
              });
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
    // In the order of the answer (byte order, unnamed last). A movie is named by TMDB or, when
    // an older client synced it, by TVDB.
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

domain::ProgressInput SqliteStore::progressInput(std::string_view username,
                                                 const Calendar& calendar,
                                                 std::int64_t recent_since) {
  // One snapshot checks the totals' zone and reads them. Totals kept in another zone are
  // rebuilt first (a write); a concurrent change of zone can make that happen again, but not
  // forever.
  for (int attempt = 0;; ++attempt) {
    {
      auto db = reader();
      ReadTransaction snapshot(*db);
      if (totalsZone(*db, username) == calendar.key() || !hasItems(*db, username)) {
        return readProgressInput(*db, username, recent_since);
      }
    }
    if (attempt == 3) throw StoreError("the daily totals keep changing time zone");
    std::string user(username);
    writeAndWait([&](Connection& db) { ensureTotalsZone(db, user, calendar); });
  }
}

}  // namespace it::storage::sqlite
