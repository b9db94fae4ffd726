#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/medium.hpp"
#include "domain/time_zone.hpp"

namespace it::domain {

// GET /progress, computed from what the store keeps: per-day and per-group totals for the
// whole history and the individual items of the last days. Pure functions, no I/O.

// An episode without a show runtime from TVDB counts as 20 minutes, as in the original.
constexpr std::int64_t kDefaultEpisodeSeconds = 20 * 60;

enum class ItemKind : std::uint8_t { kEpisode, kMovie, kYoutubeVideo, kSpotifyEpisode };

// How many items of one kind and language were watched on one local day, and for how long.
struct DailyTotal {
  LocalDay day = 0;
  ItemKind kind = ItemKind::kEpisode;
  std::int64_t items = 0;
  // Sum of the items' durations. An episode lasts its show's TVDB runtime (else
  // kDefaultEpisodeSeconds); the store keeps these sums right when a show's runtime changes.
  std::int64_t seconds = 0;
  // The language they count in (see domain::countedLanguage); nothing when unknown.
  std::optional<std::string> language;
};

// How many items of one kind a group holds over all time. Groups: episodes by folder name,
// YouTube videos by channel id, Spotify episodes by show id (movies have none).
struct GroupTotal {
  ItemKind kind = ItemKind::kEpisode;
  std::string group;
  std::int64_t items = 0;
};

// Watched items of one kind and one instant (for the last days, where exact timestamps
// matter): one item, or the items of one sync.
struct RecentItem {
  ItemKind kind = ItemKind::kEpisode;
  std::int64_t timestamp = 0;  // epoch seconds
  std::int64_t seconds = 0;    // their durations, as in DailyTotal
  std::int64_t items = 1;
};

// A show folder of the user, with what TVDB said about it (nothing when untagged).
struct ShowInfo {
  std::string folder_name;
  std::optional<std::int64_t> tvdb_id;
  std::optional<std::string> tvdb_name;
  std::optional<std::int64_t> average_runtime_seconds;
  std::optional<std::string> tvdb_image;
};

// A YouTube channel or a Spotify show of the user: its id, its name, and its picture when
// known (a channel's thumbnail, a show's first image).
struct GroupInfo {
  std::string id;
  std::string name;
  std::optional<std::string> artwork_url;

  friend auto operator<=>(const GroupInfo&, const GroupInfo&) = default;
};

// A movie of the user: its file name (its id in the answer), and what the provider said.
struct MovieInfo {
  std::string file_name;
  std::optional<std::string> name;
  std::optional<std::string> artwork_url;

  friend auto operator<=>(const MovieInfo&, const MovieInfo&) = default;
};

// What the store keeps about a user's history, sized by days and groups rather than items (a
// user with 100,000 items has a few thousand of these).
struct ProgressInput {
  // Every item of the user, summed per (local day in the zone given to computeProgress, kind).
  // Order does not matter.
  std::vector<DailyTotal> daily;
  // Every item of the user, counted per (kind, group).
  std::vector<GroupTotal> groups;
  // Every item with timestamp >= recentWindowStart(now, zone).
  std::vector<RecentItem> recent;
  // The earliest timestamp of any item; nothing when the user has no items.
  std::optional<std::int64_t> first_timestamp;
  std::vector<ShowInfo> shows;
  std::vector<GroupInfo> youtube_channels;
  std::vector<GroupInfo> spotify_shows;
  // One per movie, in any order (computeProgress sorts them; sorted by name with unnamed ones
  // last saves it the sort).
  std::vector<MovieInfo> movies;
  // The user's manual logs, summed (domain/logs.hpp): filled by the caller, apart from the
  // store's progressInput.
  LogTotals logs;
};

struct DailyActivity {
  int days_ago = 0;
  std::int64_t minutes_watched = 0;
};
struct CumulativeProgress {
  std::string label;  // quarter start, "Oct 2025"
  std::int64_t cumulative_hours = 0;
};
// Ids and artwork are null where unknown: untagged folders have neither, and so on.
struct ShowProgress {
  std::optional<std::string> name;  // null: untagged folders (and folders with no show)
  std::int64_t episodes_watched = 0;
  std::optional<std::string> show_id;  // the TVDB id, as text
  std::optional<std::string> artwork_url;
};
struct ChannelProgress {
  std::optional<std::string> channel_name;
  std::int64_t videos_watched = 0;
  std::string channel_id;
  std::optional<std::string> artwork_url;
};
struct SpotifyShowProgress {
  std::optional<std::string> show_name;
  std::int64_t episodes_watched = 0;
  std::string show_id;
  std::optional<std::string> artwork_url;
};
// A movie as the answer lists it: as the store gives it (its id is the file name), so that the
// store's list of them becomes the answer's without a copy.
using MovieProgress = MovieInfo;

// The fields of GET /progress, in the original Lambda service's order and meaning.
struct Progress {
  std::int64_t total_episodes_watched = 0;
  std::int64_t total_movies_watched = 0;
  std::int64_t total_hours_watched = 0;
  std::int64_t episodes_watched_today = 0;
  std::int64_t movies_watched_today = 0;
  std::int64_t youtube_videos_watched = 0;
  std::int64_t youtube_videos_watched_today = 0;
  std::int64_t spotify_episodes_watched = 0;
  std::int64_t spotify_episodes_watched_today = 0;
  std::int64_t days_since_first_episode = 0;
  std::optional<double> weekly_trend_percentage;
  std::vector<DailyActivity> daily_activity;  // 7 entries, days_ago 6 -> 0
  std::vector<CumulativeProgress> all_time_progress;
  std::vector<ShowProgress> shows;
  std::vector<ChannelProgress> youtube_channels;
  std::vector<SpotifyShowProgress> spotify_shows;
  std::vector<MovieProgress> movies;  // by name, unnamed last
};

// The earliest timestamp whose items computeProgress needs one by one: the start of the
// 7-day trend window or of today, whichever is earlier.
std::int64_t recentWindowStart(std::chrono::sys_seconds now, const DayRule& days);

// GET /progress for `input` at `now`, with days (and so quarters) by `days`. The second takes
// the movies from `input` instead of copying them (and leaves it without movies).
Progress computeProgress(const ProgressInput& input, std::chrono::sys_seconds now,
                         const DayRule& days);
Progress computeProgress(ProgressInput&& input, std::chrono::sys_seconds now, const DayRule& days);

}  // namespace it::domain
