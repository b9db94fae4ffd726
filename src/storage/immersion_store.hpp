#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/media.hpp"
#include "domain/progress.hpp"
#include "domain/time_zone.hpp"
#include "storage/store_error.hpp"

namespace it::storage {

// A show folder of a user, with what TVDB said about it once tagged (PUT /show).
struct ShowRecord {
  std::string folder_name;
  std::optional<std::int64_t> tvdb_id;
  std::optional<std::string> tvdb_name;
  std::optional<std::string> tvdb_image;
  std::optional<std::int64_t> tvdb_average_runtime;  // seconds
  std::int64_t version = 1;                          // +1 on every update, as the original's
  std::optional<std::string> tvdb_language;          // the series' original language
};

// The language a user chose for a show folder (kEpisode), a YouTube channel (kYoutubeVideo) or
// a podcast (kSpotifyEpisode): its items, past and future, count in it whatever the providers
// say.
struct LanguageChoice {
  domain::ItemKind kind = domain::ItemKind::kEpisode;
  std::string group;  // the folder name, channel id or Spotify show id
  std::string language;

  friend bool operator==(const LanguageChoice&, const LanguageChoice&) = default;
};

struct EpisodeRef {
  std::string folder_name;
  std::string file_name;
};

struct MovieRecord {
  std::string file_name;
  domain::Movie movie;
};

// The user's calendar: the time zone and the hour their days begin, by which per-day totals
// are kept. A store keeps its totals by one calendar per user (recorded as key()) and rebuilds
// them when asked for another one.
struct Calendar {
  std::string zone_name;
  const date::time_zone* zone = nullptr;
  int day_start_hour = 0;

  domain::DayRule days() const { return domain::DayRule(*zone, day_start_hour); }
  std::string key() const { return domain::dayRuleKey(zone_name, day_start_hour); }
};

// A user's own settings; nothing set means the server's defaults.
struct UserSettings {
  std::optional<std::string> time_zone;  // a tz database name
  std::optional<std::string> language;   // a BCP 47 primary tag: what a log without one is in
  std::int64_t daily_goal_minutes = 0;   // 0: no goal
  int day_start_hour = 0;                // 0-23: the hour at which the user's day begins

  friend bool operator==(const UserSettings&, const UserSettings&) = default;
};

// Which settings to change: those given (an empty inner optional clears a setting).
struct SettingsChange {
  std::optional<std::optional<std::string>> time_zone;
  std::optional<std::optional<std::string>> language;
  std::optional<std::int64_t> daily_goal_minutes;
  std::optional<int> day_start_hour;
};

// When a sync happened (epoch seconds; every item of one request gets the same time, as the
// original's) and in which calendar to count it.
struct SyncStamp {
  std::int64_t timestamp = 0;
  Calendar calendar;
};

// One watched item as recorded, for an export: when, and what identifies it and was learnt of
// it (not how it counts, which follows from its show folder, channel or podcast).
struct WatchedItem {
  domain::ItemKind kind = domain::ItemKind::kEpisode;
  std::int64_t timestamp = 0;  // epoch seconds
  std::string folder_name;     // episodes
  std::string file_name;       // episodes and movies
  domain::Movie movie;         // movies
  std::string id;              // videos and Spotify episodes
  std::string title;           // videos and Spotify episodes
  std::string group;           // a video's channel id, a Spotify episode's show id
  std::int64_t seconds = 0;    // videos and Spotify episodes (a movie's is movie.runtime_seconds)
  std::optional<std::string> language;  // the provider's: videos and Spotify episodes

  friend bool operator==(const WatchedItem&, const WatchedItem&) = default;
};

// A page of a user's watched items, and where the next one starts (nothing after the last).
struct WatchedPage {
  std::vector<WatchedItem> items;
  std::optional<std::string> next_cursor;
};

// A user's YouTube channel (kind kYoutubeVideo) or Spotify show (kSpotifyEpisode).
struct GroupRecord {
  domain::ItemKind kind = domain::ItemKind::kYoutubeVideo;
  domain::GroupInfo info;

  friend bool operator==(const GroupRecord&, const GroupRecord&) = default;
};

// What users watched (the original Lambda service's items), with the totals GET /progress
// reads (domain/totals.hpp). Implementations are thread-safe; reads throw StoreError on
// failure.
class ImmersionStore {
 public:
  virtual ~ImmersionStore() = default;

  // Every write below is one transaction: all of it is recorded or none. Items a user already
  // has are left alone (not re-timestamped) and not counted.

  // The user's own settings; nothing when there is no such user. Synchronous.
  virtual std::optional<UserSettings> userSettings(std::string_view username) = 0;
  // Changes the settings `change` names, in one write. False when there is no such user.
  virtual bool changeUserSettings(std::string_view username, const SettingsChange& change) = 0;

  // The user's own time zone setting; nothing means the server's default.
  std::optional<std::string> userTimeZone(std::string_view username) {
    auto settings = userSettings(username);
    return settings ? settings->time_zone : std::nullopt;
  }
  // Sets (or, with an empty name, clears) it. False when there is no such user.
  bool setUserTimeZone(std::string_view username, std::string_view zone_name) {
    SettingsChange change;
    change.time_zone = zone_name.empty() ? std::nullopt : std::optional<std::string>(zone_name);
    return changeUserSettings(username, change);
  }

  // The user's show folders, sorted by folder name (byte order, as DynamoDB sorts keys).
  virtual std::vector<ShowRecord> listShows(std::string_view username) = 0;
  virtual std::optional<ShowRecord> findShow(std::string_view username,
                                             std::string_view folder_name) = 0;
  // Records episodes (creating missing show folders); counts the new episodes.
  virtual void recordEpisodes(std::string_view username, std::vector<EpisodeRef> episodes,
                              SyncStamp stamp, CountDone done) = 0;
  // Tags a show folder with TVDB's series; counts 1, or 0 when the folder does not exist.
  virtual void updateShow(std::string_view username, std::string_view folder_name,
                          domain::TvdbSeries series, CountDone done) = 0;

  // Which of `keys` the user already has (movie file names, YouTube or Spotify ids).
  virtual std::vector<std::string> existingMovies(std::string_view username,
                                                  const std::vector<std::string>& keys) = 0;
  virtual std::vector<std::string> existingYoutubeVideos(std::string_view username,
                                                         const std::vector<std::string>& keys) = 0;
  virtual std::vector<std::string> existingSpotifyEpisodes(
      std::string_view username, const std::vector<std::string>& keys) = 0;
  // The file name under which the user has the TMDB movie `tmdb_id`, if they have it.
  virtual std::optional<std::string> movieWithTmdbId(std::string_view username,
                                                     std::int64_t tmdb_id) = 0;
  virtual void recordMovies(std::string_view username, std::vector<MovieRecord> movies,
                            SyncStamp stamp, CountDone done) = 0;
  // Also records each video's channel (each episode's show) when the user has not got it yet.
  virtual void recordYoutubeVideos(std::string_view username,
                                   std::vector<domain::YoutubeVideo> videos, SyncStamp stamp,
                                   CountDone done) = 0;
  virtual void recordSpotifyEpisodes(std::string_view username,
                                     std::vector<domain::SpotifyEpisode> episodes, SyncStamp stamp,
                                     CountDone done) = 0;

  // The user's watched items, in an order of the store's own, at most `limit` (at least 1)
  // after `cursor` (a page's next_cursor; nothing for the first page). A page may hold fewer
  // items than the limit, even none, and still have a next one.
  virtual WatchedPage listWatched(std::string_view username,
                                  const std::optional<std::string>& cursor, std::size_t limit) = 0;
  // The user's YouTube channels, then Spotify shows, each by id.
  virtual std::vector<GroupRecord> listGroups(std::string_view username) = 0;

  // The languages the user chose, by kind and group.
  virtual std::vector<LanguageChoice> languageChoices(std::string_view username) = 0;
  // Records (or, with no language, forgets) the language of a group's items, and counts them
  // in it from now on, past ones included. Synchronous.
  virtual void chooseLanguage(std::string_view username, domain::ItemKind kind,
                              std::string_view group, std::optional<std::string> language) = 0;

  // What GET /progress needs (see domain/progress.hpp): per-day totals in `calendar`, items
  // since `recent_since` (epoch seconds), names. Reads O(days + recent items), not O(history).
  virtual domain::ProgressInput progressInput(std::string_view username, const Calendar& calendar,
                                              std::int64_t recent_since) = 0;
  // The per-day totals of the days from `from` to `to` in `calendar`, as progressInput gives
  // them (its `daily`): all GET /api/activity needs. A store may read those days alone.
  virtual std::vector<domain::DailyTotal> dailyTotals(std::string_view username,
                                                      const Calendar& calendar,
                                                      domain::LocalDay from, domain::LocalDay to) {
    // No recent items: none is watched at or after the largest time.
    auto in = progressInput(username, calendar, std::numeric_limits<std::int64_t>::max());
    std::erase_if(in.daily,
                  [&](const domain::DailyTotal& t) { return t.day < from || t.day > to; });
    return std::move(in.daily);
  }
};

}  // namespace it::storage
