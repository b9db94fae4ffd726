#pragma once

// SqliteStore's per-user totals: the rows GET /progress reads instead of every item, kept by
// applying the ledger's changes (domain/totals.hpp). Shared by the files of SqliteStore; not
// part of its interface.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/totals.hpp"
#include "storage/immersion_store.hpp"
#include "storage/sqlite/connection.hpp"

namespace it::storage::sqlite {

// Per-user totals (domain/totals.hpp) that let GET /progress read O(days + groups) rows
// instead of every item: daily_totals per (local day, kind), kept in the zone recorded in
// daily_totals_zone; group_totals per (kind, show folder / channel / podcast). Recent items
// are read directly, so no sync-time totals are kept. A change of zone (user set-timezone,
// another server default) rebuilds them from the items once, inside the transaction that
// notices it.

// Adds the ledger's `delta` to the user's totals rows.
void applyTotals(Connection& db, std::string_view username, const domain::TotalsDelta& delta);

// Each item table as (timestamp, group, duration) rows; an episode's duration column is its
// show's runtime, NULL when TVDB gave none.
struct ItemSource {
  domain::ItemKind kind;
  const char* sql;
};
inline constexpr ItemSource kItemSources[] = {
    {domain::ItemKind::kEpisode,
     "SELECT e.timestamp, e.folder_name, s.tvdb_average_runtime "
     "FROM episodes e LEFT JOIN shows s "
     "ON s.username = e.username AND s.folder_name = e.folder_name WHERE e.username = ?1"},
    {domain::ItemKind::kMovie,
     "SELECT timestamp, '', movie_duration FROM movies WHERE username = ?1"},
    {domain::ItemKind::kYoutubeVideo,
     "SELECT timestamp, youtube_channel_id, youtube_video_duration FROM youtube_videos "
     "WHERE username = ?1"},
    {domain::ItemKind::kSpotifyEpisode,
     "SELECT timestamp, spotify_show_id, spotify_episode_duration FROM spotify_episodes "
     "WHERE username = ?1"},
};

// Calls `visit(kind, timestamp, group, seconds)` for each of the user's items, or only those
// watched at or after `since`.
template <class Visit>
void forEachItem(Connection& db, std::string_view username, std::optional<std::int64_t> since,
                 Visit visit) {
  for (const auto& source : kItemSources) {
    const char* timestamp = source.kind == domain::ItemKind::kEpisode ? "e.timestamp" : "timestamp";
    auto s = db.prepare(since ? std::string(source.sql) + " AND " + timestamp + " >= ?2"
                              : std::string(source.sql));
    s.bind(1, username);
    if (since) s.bind(2, *since);
    while (s.step()) {
      const std::int64_t seconds = source.kind == domain::ItemKind::kEpisode
                                       ? domain::episodeSeconds(s.columnOptionalInt(2))
                                       : s.columnInt(2);
      visit(source.kind, s.columnInt(0), s.columnText(1), seconds);
    }
  }
}

// Replaces the user's totals with those of all their items, by `calendar`.
void rebuildTotals(Connection& db, std::string_view username, const Calendar& calendar);
// The calendar the user's totals are kept by (Calendar::key()); nothing when they have none.
std::optional<std::string> totalsZone(Connection& db, std::string_view username);
// Rebuilds the user's totals unless they are kept by `calendar`.
void ensureTotalsZone(Connection& db, std::string_view username, const Calendar& calendar);

// The tables of watched items, one per kind.
inline constexpr const char* kItemTables[] = {"episodes", "movies", "youtube_videos",
                                              "spotify_episodes"};

// Whether the user has any watched item.
bool hasItems(Connection& db, std::string_view username);

}  // namespace it::storage::sqlite
