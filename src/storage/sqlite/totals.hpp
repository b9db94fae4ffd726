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
// instead of every item: daily_totals per (local day, kind, language), kept in the zone recorded in
// daily_totals_zone; group_totals per (kind, show folder / channel / podcast). Recent items
// are read directly, so no sync-time totals are kept. A change of zone (user set-timezone,
// another server default) rebuilds them from the items once, inside the transaction that
// notices it.

// Adds the ledger's `delta` to the user's totals rows.
void applyTotals(Connection& db, std::string_view username, const domain::TotalsDelta& delta);

// Each item table as (timestamp, group, duration, language) rows, as `i`; an episode's
// duration column is its show's runtime, NULL when TVDB gave none. The language is the one the
// user chose for the item's group (language_choices, kinds as domain::ItemKind), else the
// provider's; NULL when unknown.
struct ItemSource {
  domain::ItemKind kind;
  const char* sql;
};
inline constexpr ItemSource kItemSources[] = {
    {domain::ItemKind::kEpisode,
     "SELECT i.timestamp, i.folder_name, s.tvdb_average_runtime, "
     "COALESCE(c.language, s.tvdb_language) "
     "FROM episodes i LEFT JOIN shows s "
     "ON s.username = i.username AND s.folder_name = i.folder_name "
     "LEFT JOIN language_choices c "
     "ON c.username = i.username AND c.kind = 0 AND c.grp = i.folder_name WHERE i.username = ?1"},
    {domain::ItemKind::kMovie,
     "SELECT i.timestamp, '', i.movie_duration, i.language FROM movies i WHERE i.username = ?1"},
    {domain::ItemKind::kYoutubeVideo,
     "SELECT i.timestamp, i.youtube_channel_id, i.youtube_video_duration, "
     "COALESCE(c.language, i.language) FROM youtube_videos i LEFT JOIN language_choices c "
     "ON c.username = i.username AND c.kind = 2 AND c.grp = i.youtube_channel_id "
     "WHERE i.username = ?1"},
    {domain::ItemKind::kSpotifyEpisode,
     "SELECT i.timestamp, i.spotify_show_id, i.spotify_episode_duration, "
     "COALESCE(c.language, i.language) FROM spotify_episodes i LEFT JOIN language_choices c "
     "ON c.username = i.username AND c.kind = 3 AND c.grp = i.spotify_show_id "
     "WHERE i.username = ?1"},
};

// Calls `visit(kind, timestamp, group, seconds, language)` for each of the user's items, or
// only those watched at or after `since`; the language is "" when unknown.
template <class Visit>
void forEachItem(Connection& db, std::string_view username, std::optional<std::int64_t> since,
                 Visit visit) {
  for (const auto& source : kItemSources) {
    auto s = db.prepare(since ? std::string(source.sql) + " AND i.timestamp >= ?2"
                              : std::string(source.sql));
    s.bind(1, username);
    if (since) s.bind(2, *since);
    while (s.step()) {
      const std::int64_t seconds = source.kind == domain::ItemKind::kEpisode
                                       ? domain::episodeSeconds(s.columnOptionalInt(2))
                                       : s.columnInt(2);
      visit(source.kind, s.columnInt(0), s.columnText(1), seconds,
            s.columnOptionalText(3).value_or(""));
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
