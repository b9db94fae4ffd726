#include "domain/progress.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <tuple>

#include "domain/activity.hpp"

namespace it::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

const date::time_zone& zoneNamed(std::string_view name) {
  const date::time_zone* zone = findTimeZone(name);
  if (zone == nullptr) throw std::runtime_error("no time zone " + std::string(name));
  return *zone;
}

const date::time_zone& auckland() { return zoneNamed("Pacific/Auckland"); }
const date::time_zone& utcZone() { return zoneNamed("UTC"); }

// Epoch seconds of a UTC wall-clock time.
std::int64_t utc(int y, unsigned m, unsigned d, int h = 0, int min = 0, int s = 0) {
  const auto tp = date::sys_days{date::year{y} / m / d} + hours{h} + minutes{min} + seconds{s};
  return tp.time_since_epoch().count();
}

// Epoch seconds of an unambiguous local wall-clock time in `zone`.
std::int64_t local(const date::time_zone& zone, int y, unsigned m, unsigned d, int h = 0,
                   int min = 0) {
  const auto tp = date::local_days{date::year{y} / m / d} + hours{h} + minutes{min};
  return zone.to_sys(tp).time_since_epoch().count();
}

std::chrono::sys_seconds at(std::int64_t epoch_seconds) {
  return std::chrono::sys_seconds{seconds{epoch_seconds}};
}

// One watched item as the original stored it.
struct Item {
  ItemKind kind = ItemKind::kEpisode;
  std::string group;
  std::int64_t timestamp = 0;
  std::int64_t seconds = 0;
};

Item episode(std::string folder, std::int64_t timestamp) {
  return {ItemKind::kEpisode, std::move(folder), timestamp, 0};
}
Item video(std::string channel, std::int64_t timestamp, std::int64_t seconds) {
  return {ItemKind::kYoutubeVideo, std::move(channel), timestamp, seconds};
}
Item spotify(std::string show, std::int64_t timestamp, std::int64_t seconds) {
  return {ItemKind::kSpotifyEpisode, std::move(show), timestamp, seconds};
}
Item movie(std::int64_t timestamp, std::int64_t seconds) {
  return {ItemKind::kMovie, "", timestamp, seconds};
}

ShowInfo show(std::string folder, std::optional<std::int64_t> tvdb_id,
              std::optional<std::string> name,
              std::optional<std::int64_t> runtime_seconds = std::nullopt) {
  return {std::move(folder), tvdb_id, std::move(name), runtime_seconds};
}

// Does what the store does: per-day and per-group totals in `zone` for every item (an episode
// lasting its show's runtime from base.shows, else 20 minutes), and the items themselves only
// from recentWindowStart on. computeProgress sees nothing else, so every test also checks that
// the window is wide enough for what it computes from the recent items.
ProgressInput inputOf(const std::vector<Item>& items, std::int64_t now, const date::time_zone& zone,
                      ProgressInput base = {}) {
  const std::int64_t window_start = recentWindowStart(at(now), zone);
  std::map<std::string, std::int64_t> runtimes;
  for (const ShowInfo& s : base.shows) {
    if (s.average_runtime_seconds) runtimes.try_emplace(s.folder_name, *s.average_runtime_seconds);
  }
  std::map<std::tuple<LocalDay, ItemKind>, DailyTotal> totals;
  std::map<std::tuple<ItemKind, std::string>, GroupTotal> groups;
  for (const Item& item : items) {
    std::int64_t seconds = item.seconds;
    if (item.kind == ItemKind::kEpisode) {
      auto it = runtimes.find(item.group);
      seconds = it == runtimes.end() ? kDefaultEpisodeSeconds : it->second;
    }
    const LocalDay day = localDayOf(item.timestamp, zone);
    DailyTotal& total = totals[{day, item.kind}];
    total.day = day;
    total.kind = item.kind;
    total.items += 1;
    total.seconds += seconds;
    if (item.kind != ItemKind::kMovie) {
      GroupTotal& group = groups[{item.kind, item.group}];
      group.kind = item.kind;
      group.group = item.group;
      group.items += 1;
    }
    if (item.timestamp >= window_start) base.recent.push_back({item.kind, item.timestamp, seconds});
    if (!base.first_timestamp || item.timestamp < *base.first_timestamp) {
      base.first_timestamp = item.timestamp;
    }
  }
  for (auto& [key, total] : totals) base.daily.push_back(total);
  for (auto& [key, group] : groups) base.groups.push_back(std::move(group));
  return base;
}

Progress compute(const std::vector<Item>& items, std::int64_t now,
                 const date::time_zone& zone = auckland(), ProgressInput base = {}) {
  return computeProgress(inputOf(items, now, zone, std::move(base)), at(now), zone);
}

std::vector<std::int64_t> minutesByDay(const Progress& progress) {
  std::vector<std::int64_t> minutes;
  for (int i = 0; i < static_cast<int>(progress.daily_activity.size()); ++i) {
    EXPECT_EQ(progress.daily_activity[i].days_ago, 6 - i);
    minutes.push_back(progress.daily_activity[i].minutes_watched);
  }
  return minutes;
}

std::vector<std::pair<std::optional<std::string>, std::int64_t>> showsOf(const Progress& p) {
  std::vector<std::pair<std::optional<std::string>, std::int64_t>> result;
  for (const auto& s : p.shows) result.emplace_back(s.name, s.episodes_watched);
  return result;
}

std::vector<std::pair<std::optional<std::string>, std::int64_t>> channelsOf(const Progress& p) {
  std::vector<std::pair<std::optional<std::string>, std::int64_t>> result;
  for (const auto& c : p.youtube_channels) result.emplace_back(c.channel_name, c.videos_watched);
  return result;
}

std::vector<std::pair<std::optional<std::string>, std::int64_t>> spotifyOf(const Progress& p) {
  std::vector<std::pair<std::optional<std::string>, std::int64_t>> result;
  for (const auto& s : p.spotify_shows) result.emplace_back(s.show_name, s.episodes_watched);
  return result;
}

std::vector<std::pair<std::string, std::int64_t>> quartersOf(const Progress& p) {
  std::vector<std::pair<std::string, std::int64_t>> result;
  for (const auto& q : p.all_time_progress) result.emplace_back(q.label, q.cumulative_hours);
  return result;
}

using Named = std::vector<std::pair<std::optional<std::string>, std::int64_t>>;

// GET /api/activity's days: every day of the range, in order, each medium summed (synced kinds
// as tv, movie, youtube, podcast; logs as theirs); days outside the range ignored.
TEST(Activity, EveryDayOfTheRangeWithItsMediumsSummed) {
  ProgressInput input;
  input.daily = {{9, ItemKind::kEpisode, 2, 2400},
                 {10, ItemKind::kEpisode, 1, 1200},
                 {10, ItemKind::kSpotifyEpisode, 1, 1500},
                 {12, ItemKind::kMovie, 1, 7320},
                 {13, ItemKind::kYoutubeVideo, 3, 900}};
  input.logs.days = {{10, Medium::kTv, "ja", 30, 1},
                     {12, Medium::kBook, "ja", 45, 2},
                     {12, Medium::kBook, std::nullopt, 5, 1},
                     {14, Medium::kBook, "ja", 60, 1}};
  auto at = [](const DayActivity& d, Medium m) { return d.mediums[static_cast<int>(m)]; };
  auto days = activityBetween(input, 10, 12);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].day, 10);
  EXPECT_EQ(at(days[0], Medium::kTv).items, 2);
  EXPECT_EQ(at(days[0], Medium::kTv).seconds, 1200 + 30 * 60);
  EXPECT_EQ(at(days[0], Medium::kPodcast).seconds, 1500);
  EXPECT_EQ(days[1].day, 11);
  for (const auto& medium : days[1].mediums) EXPECT_EQ(medium.items + medium.seconds, 0);
  EXPECT_EQ(at(days[2], Medium::kMovie).seconds, 7320);
  EXPECT_EQ(at(days[2], Medium::kBook).seconds, 50 * 60);
  EXPECT_EQ(at(days[2], Medium::kBook).items, 3);
  EXPECT_TRUE(activityBetween(input, 12, 10).empty());
  EXPECT_EQ(activityBetween({}, 0, 365).size(), 366u);
}

TEST(Activity, ALanguageFilterKeepsThatLanguageOnly) {
  ProgressInput input;
  input.daily = {{10, ItemKind::kEpisode, 1, 1200}};
  input.logs.days = {{10, Medium::kBook, "ja", 45, 2},
                     {10, Medium::kManga, "ko", 5, 1},
                     {10, Medium::kOther, std::nullopt, 7, 1}};
  auto japanese = activityBetween(input, 10, 10, LanguageFilter::only("ja"));
  std::int64_t seconds = 0;
  for (const auto& m : japanese[0].mediums) seconds += m.seconds;
  EXPECT_EQ(seconds, 45 * 60);
  // Unknown: synced items (no language yet) and logs without one.
  auto unknown = activityBetween(input, 10, 10, LanguageFilter::only(std::nullopt));
  EXPECT_EQ(unknown[0].mediums[static_cast<int>(Medium::kTv)].seconds, 1200);
  EXPECT_EQ(unknown[0].mediums[static_cast<int>(Medium::kOther)].seconds, 7 * 60);
  EXPECT_EQ(unknown[0].mediums[static_cast<int>(Medium::kBook)].seconds, 0);
}

TEST(Progress, NoDataGivesZeros) {
  const Progress p = compute({}, utc(2024, 1, 7, 12));
  EXPECT_EQ(p.total_episodes_watched, 0);
  EXPECT_EQ(p.total_movies_watched, 0);
  EXPECT_EQ(p.total_hours_watched, 0);
  EXPECT_EQ(p.episodes_watched_today, 0);
  EXPECT_EQ(p.movies_watched_today, 0);
  EXPECT_EQ(p.youtube_videos_watched, 0);
  EXPECT_EQ(p.youtube_videos_watched_today, 0);
  EXPECT_EQ(p.spotify_episodes_watched, 0);
  EXPECT_EQ(p.spotify_episodes_watched_today, 0);
  EXPECT_EQ(p.days_since_first_episode, 0);
  EXPECT_FALSE(p.weekly_trend_percentage.has_value());
  EXPECT_EQ(minutesByDay(p), (std::vector<std::int64_t>{0, 0, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(p.all_time_progress.empty());
  EXPECT_TRUE(p.shows.empty());
  EXPECT_TRUE(p.youtube_channels.empty());
  EXPECT_TRUE(p.spotify_shows.empty());
  EXPECT_TRUE(p.movies.empty());
}

// The original's first progress test: 100,000 s after the epoch, one episode at the epoch (the
// previous Auckland day) and two now, in folders of two TVDB shows.
TEST(Progress, TotalsAndShowsGroupedByTvdbId) {
  const std::int64_t now = 100'000;
  ProgressInput base;
  base.shows = {show("show1", 1, "my show"), show("show2", 1, "my show"),
                show("show3", 2, "my other show")};
  const Progress p = compute({episode("show1", 0), episode("show2", now), episode("show3", now)},
                             now, auckland(), base);
  EXPECT_EQ(p.total_episodes_watched, 3);
  EXPECT_EQ(p.total_hours_watched, 1);  // 3 x 20 min default runtime
  EXPECT_EQ(p.episodes_watched_today, 2);
  EXPECT_EQ(p.youtube_videos_watched_today, 0);
  EXPECT_EQ(p.days_since_first_episode, 1);
  EXPECT_EQ(showsOf(p), (Named{{"my show", 2}, {"my other show", 1}}));
}

TEST(Progress, MergedShowTakesNameOfFirstFolder) {
  const std::int64_t now = utc(2024, 5, 1, 12);
  ProgressInput base;
  // Same TVDB id, names as they were when each folder was tagged.
  base.shows = {show("b part 2", 7, "Name from b"), show("a part 1", 7, "Name from a")};
  const Progress p =
      compute({episode("b part 2", now), episode("b part 2", now), episode("a part 1", now)}, now,
              auckland(), base);
  EXPECT_EQ(showsOf(p), (Named{{"Name from a", 3}}));
}

TEST(Progress, ShowRuntimeUsedWhenAvailable) {
  const std::int64_t now = 200;
  ProgressInput base;
  base.shows = {show("show1", 1, "my show", 45 * kMinute)};
  const Progress p = compute({episode("show1", now), episode("show1", now), episode("show1", now)},
                             now, auckland(), base);
  EXPECT_EQ(p.total_episodes_watched, 3);
  EXPECT_EQ(p.episodes_watched_today, 3);
  EXPECT_EQ(p.total_hours_watched, 2);  // 135 minutes
  EXPECT_EQ(p.daily_activity.back().days_ago, 0);
  EXPECT_EQ(p.daily_activity.back().minutes_watched, 135);
  EXPECT_EQ(quartersOf(p), (std::vector<std::pair<std::string, std::int64_t>>{{"Jan 1970", 2}}));
}

TEST(Progress, UnknownShowHasNullName) {
  const std::int64_t now = utc(2000, 1, 1);
  ProgressInput base;
  base.shows = {show("show1", 1, "my show")};
  const Progress p = compute({episode("show1", now), episode("show1", now), episode("show3", now)},
                             now, auckland(), base);
  EXPECT_EQ(showsOf(p), (Named{{"my show", 2}, {std::nullopt, 1}}));
}

// The original threw on a show without tvdb_id and failed the whole request.
TEST(Progress, UntaggedShowAndMissingShowShareOneNullEntry) {
  const std::int64_t now = utc(2024, 5, 1, 12);
  ProgressInput base;
  base.shows = {show("tagged", 3, "Tagged"), show("untagged", std::nullopt, std::nullopt, 30 * 60)};
  const Progress p =
      compute({episode("tagged", now), episode("tagged", now), episode("tagged", now),
               episode("untagged", now), episode("untagged", now), episode("no show item", now)},
              now, auckland(), base);
  // Equal counts: the null entry comes first, as in the original.
  EXPECT_EQ(showsOf(p), (Named{{std::nullopt, 3}, {"Tagged", 3}}));
  EXPECT_EQ(p.total_episodes_watched, 6);
  // The untagged folder's runtime still counts: 3 x 20 + 2 x 30 + 1 x 20 = 140 minutes.
  EXPECT_EQ(p.daily_activity.back().minutes_watched, 140);
  EXPECT_EQ(p.total_hours_watched, 2);
}

TEST(Progress, ShowTiesOrderedByNameThenTvdbId) {
  const std::int64_t now = utc(2024, 5, 1, 12);
  ProgressInput base;
  base.shows = {show("f1", 10, "Beta"), show("f2", 11, "Alpha"), show("f3", 13, "Alpha"),
                show("f4", 12, std::nullopt), show("f5", 14, "Most watched")};
  const Progress p =
      compute({episode("f1", now), episode("f2", now), episode("f3", now), episode("f4", now),
               episode("f5", now), episode("f5", now), episode("none", now)},
              now, auckland(), base);
  EXPECT_EQ(showsOf(p), (Named{{"Most watched", 2},
                               {std::nullopt, 1},  // untagged
                               {"Alpha", 1},
                               {"Alpha", 1},
                               {"Beta", 1},
                               {std::nullopt, 1}}));  // tagged, TVDB gave no name
}

TEST(Progress, WeeklyTrendUp) {
  const std::int64_t now = 28 * kDay;
  // 4 episodes over 28 days: 20 min a week on average; 2 of them in the last week.
  const Progress p = compute({episode("show1", 0), episode("show1", 14 * kDay),
                              episode("show1", now - 6 * kDay), episode("show1", now - kDay)},
                             now);
  ASSERT_TRUE(p.weekly_trend_percentage.has_value());
  EXPECT_DOUBLE_EQ(*p.weekly_trend_percentage, 100.0);
}

TEST(Progress, WeeklyTrendDown) {
  const std::int64_t now = 14 * kDay;
  const Progress p = compute({episode("show1", 0), episode("show1", kDay),
                              episode("show1", 2 * kDay), episode("show1", 3 * kDay)},
                             now);
  EXPECT_EQ(p.days_since_first_episode, 14);
  ASSERT_TRUE(p.weekly_trend_percentage.has_value());
  EXPECT_DOUBLE_EQ(*p.weekly_trend_percentage, -100.0);
}

TEST(Progress, WeeklyTrendWithYoutubeAndSpotify) {
  const std::int64_t now = 28 * kDay;
  // 90 minutes in 28 days (22.5 a week); 50 of them in the last week: +122.22 %.
  for (ItemKind kind : {ItemKind::kYoutubeVideo, ItemKind::kSpotifyEpisode}) {
    const Progress p =
        compute({episode("show1", 0), episode("show1", 14 * kDay), episode("show1", now - 6 * kDay),
                 Item{kind, "channel", now - kDay, 30 * kMinute}},
                now);
    ASSERT_TRUE(p.weekly_trend_percentage.has_value());
    EXPECT_NEAR(*p.weekly_trend_percentage, 122.22, 0.01);
  }
}

TEST(Progress, WeeklyTrendWithOnlyYoutubeOrSpotify) {
  const std::int64_t now = 21 * kDay;
  // 100 minutes in 21 days (33.33 a week); 40 of them in the last week: +20 %.
  for (ItemKind kind : {ItemKind::kYoutubeVideo, ItemKind::kSpotifyEpisode}) {
    const Progress p = compute(
        {Item{kind, "c", 0, 30 * kMinute}, Item{kind, "c", 7 * kDay, 30 * kMinute},
         Item{kind, "c", now - 6 * kDay, 25 * kMinute}, Item{kind, "c", now - kDay, 15 * kMinute}},
        now);
    ASSERT_TRUE(p.weekly_trend_percentage.has_value());
    EXPECT_NEAR(*p.weekly_trend_percentage, 20.0, 0.01);
  }
}

TEST(Progress, WeeklyTrendWindowIsStrictlyAfterSevenDaysAgo) {
  const std::int64_t now = 28 * kDay;
  // The item exactly 7 x 24 h ago is not in the last week: 0 vs 35 min a week on average.
  const Progress p =
      compute({video("c", 0, 70 * kMinute), video("c", now - 7 * kDay, 70 * kMinute)}, now);
  ASSERT_TRUE(p.weekly_trend_percentage.has_value());
  EXPECT_DOUBLE_EQ(*p.weekly_trend_percentage, -100.0);
}

TEST(Progress, WeeklyTrendNullUnderFourteenDays) {
  const std::int64_t first = utc(2024, 1, 1);
  const std::int64_t now = first + 14 * kDay - 1;  // 13 whole days
  const Progress p = compute({episode("show1", first), episode("show1", now)}, now);
  EXPECT_EQ(p.days_since_first_episode, 13);
  EXPECT_FALSE(p.weekly_trend_percentage.has_value());

  const Progress later = compute({episode("show1", first), episode("show1", now)}, now + 1);
  EXPECT_EQ(later.days_since_first_episode, 14);
  EXPECT_TRUE(later.weekly_trend_percentage.has_value());
}

// The original divided by a zero average and returned NaN.
TEST(Progress, WeeklyTrendNullWhenTotalMinutesAreZero) {
  const std::int64_t now = 30 * kDay;
  const Progress zero_length = compute({video("c", 0, 0), video("c", now - kDay, 0)}, now);
  EXPECT_EQ(zero_length.days_since_first_episode, 30);
  EXPECT_FALSE(zero_length.weekly_trend_percentage.has_value());

  const Progress under_a_minute = compute({spotify("s", 0, 59)}, now);
  EXPECT_FALSE(under_a_minute.weekly_trend_percentage.has_value());
}

TEST(Progress, DaysSinceFirstAreWholeDaysFromTheEarliestItemOfAnyKind) {
  const std::int64_t now = utc(2024, 6, 30, 12);
  const Progress p = compute({episode("show1", now - kDay), movie(now - 10 * kDay + 1, 60),
                              spotify("s", now - 3 * kDay, 60)},
                             now);
  EXPECT_EQ(p.days_since_first_episode, 9);
}

TEST(Progress, YoutubeVideosIncluded) {
  const std::int64_t now = 123;
  const Progress p =
      compute({episode("show1", now), episode("show1", now), video("UCChannel1", now, 10 * kMinute),
               video("UCChannel2", now, 30 * kMinute)},
              now);
  EXPECT_EQ(p.total_hours_watched, 1);  // 80 minutes
  EXPECT_EQ(p.total_episodes_watched, 2);
  EXPECT_EQ(p.youtube_videos_watched, 2);
  EXPECT_EQ(p.youtube_videos_watched_today, 2);
  EXPECT_EQ(p.episodes_watched_today, 2);
}

TEST(Progress, SpotifyEpisodesIncluded) {
  const std::int64_t now = 123;
  const Progress p =
      compute({episode("show1", now), episode("show1", now), spotify("show1", now, 15 * kMinute),
               spotify("show2", now, 45 * kMinute)},
              now);
  EXPECT_EQ(p.total_hours_watched, 1);  // 100 minutes
  EXPECT_EQ(p.total_episodes_watched, 2);
  EXPECT_EQ(p.spotify_episodes_watched, 2);
  EXPECT_EQ(p.spotify_episodes_watched_today, 2);
  EXPECT_EQ(p.episodes_watched_today, 2);
}

TEST(Progress, YoutubeGroupedByChannelTiesByName) {
  const std::int64_t now = 123;
  ProgressInput base;
  base.youtube_channels = {{"UCChannel1", "Channel One"},
                           {"UCChannel2", "Channel Two"},
                           {"UCChannel3", "Channel Three"}};
  const Progress p = compute(
      {video("UCChannel1", now, 600), video("UCChannel1", now, 900), video("UCChannel2", now, 1200),
       video("UCChannel3", now, 300), video("UCChannel1", now, 480)},
      now, auckland(), base);
  EXPECT_EQ(channelsOf(p), (Named{{"Channel One", 3}, {"Channel Three", 1}, {"Channel Two", 1}}));
}

TEST(Progress, UnknownChannelHasNullNameAndComesLastInTies) {
  const std::int64_t now = 123;
  ProgressInput base;
  base.youtube_channels = {{"UCChannel2", "Channel Two"}, {"UCChannel4", "Channel Four"}};
  const Progress p = compute(
      {video("UCChannel1", now, 600), video("UCChannel2", now, 900), video("UCChannel2", now, 1200),
       video("UCChannel3", now, 60), video("UCChannel4", now, 60)},
      now, auckland(), base);
  EXPECT_EQ(channelsOf(p),
            (Named{{"Channel Two", 2}, {"Channel Four", 1}, {std::nullopt, 1}, {std::nullopt, 1}}));
}

TEST(Progress, SpotifyGroupedByShowTiesByNameNullsLast) {
  const std::int64_t now = 123;
  ProgressInput base;
  base.spotify_shows = {{"id1", "Show One"}, {"id2", "Show Two"}, {"id3", "Show Three"}};
  const Progress p =
      compute({spotify("id1", now, 600), spotify("id1", now, 900), spotify("id2", now, 1200),
               spotify("id3", now, 300), spotify("id1", now, 480), spotify("unknown", now, 60)},
              now, auckland(), base);
  EXPECT_EQ(spotifyOf(p),
            (Named{{"Show One", 3}, {"Show Three", 1}, {"Show Two", 1}, {std::nullopt, 1}}));
}

TEST(Progress, SpotifyShowWithoutMetadata) {
  const std::int64_t now = 123;
  ProgressInput base;
  base.spotify_shows = {{"id2", "Show Two"}};
  const Progress p =
      compute({spotify("id1", now, 600), spotify("id2", now, 900), spotify("id2", now, 1200)}, now,
              auckland(), base);
  EXPECT_EQ(spotifyOf(p), (Named{{"Show Two", 2}, {std::nullopt, 1}}));
}

// The original's daily activity test: Auckland days, now 2024-01-07T12:00:00Z (01:00 on the 8th
// in Auckland).
TEST(Progress, DailyActivityInAucklandDays) {
  const std::int64_t now = utc(2024, 1, 7, 12);
  const std::int64_t today = local(auckland(), 2024, 1, 8);
  EXPECT_EQ(today, utc(2024, 1, 7, 11));
  const Progress p = compute(
      {
          episode("show1", today - 6 * kDay + 6 * kHour),
          episode("show1", today - 4 * kDay + 12 * kHour),
          episode("show1", today - 4 * kDay + 12 * kHour),
          episode("show1", today - 3 * kDay + 18 * kHour),
          video("c", today - 3 * kDay + 18 * kHour, 30 * kMinute),
          spotify("s", today - 3 * kDay + 18 * kHour, 30 * kMinute),
          video("c", today - 2 * kDay + 8 * kHour, 45 * kMinute),
          episode("show1", today - kDay + 14 * kHour),
          episode("show1", today + 10 * kHour),
          video("c", today + 10 * kHour, 10 * kMinute),
      },
      now);
  EXPECT_EQ(minutesByDay(p), (std::vector<std::int64_t>{20, 0, 40, 80, 45, 20, 30}));
}

TEST(Progress, DailyActivityAcrossAucklandMidnight) {
  const std::int64_t now = utc(2024, 1, 7, 12);
  const std::int64_t midnight = local(auckland(), 2024, 1, 8);
  const Progress p =
      compute({video("c", midnight - 1, 10 * kMinute), video("c", midnight, 20 * kMinute),
               video("c", midnight + 1, 40 * kMinute)},
              now);
  EXPECT_EQ(minutesByDay(p), (std::vector<std::int64_t>{0, 0, 0, 0, 0, 10, 60}));
  // "Today" counts are strictly after midnight, as in the original.
  EXPECT_EQ(p.youtube_videos_watched_today, 1);
  EXPECT_EQ(p.youtube_videos_watched, 3);
}

TEST(Progress, DailyActivityIgnoresOlderAndFutureDays) {
  const std::int64_t now = utc(2024, 1, 7, 12);
  const std::int64_t midnight = local(auckland(), 2024, 1, 8);
  const Progress p = compute(
      {video("c", midnight - 6 * kDay - 1, 10 * kMinute),
       video("c", midnight - 6 * kDay, 20 * kMinute), video("c", midnight + kDay, 40 * kMinute)},
      now);
  EXPECT_EQ(minutesByDay(p), (std::vector<std::int64_t>{20, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(p.total_hours_watched, 1);
}

// 2024-03-10 has 23 hours in New York and 2024-11-03 has 25; each is one day. The original's
// "midnight + 24 h" counted 00:30 on 03-11 in both days and dropped 23:30 on 11-03.
TEST(Progress, DstDaysAreCalendarDays) {
  const date::time_zone& ny = zoneNamed("America/New_York");
  {
    const std::int64_t now = local(ny, 2024, 3, 11, 12);
    const Progress p = compute({video("c", local(ny, 2024, 3, 10, 0, 30), 10 * kMinute),
                                video("c", local(ny, 2024, 3, 10, 23, 30), 20 * kMinute),
                                video("c", local(ny, 2024, 3, 11, 0, 30), 40 * kMinute)},
                               now, ny);
    EXPECT_EQ(minutesByDay(p), (std::vector<std::int64_t>{0, 0, 0, 0, 0, 30, 40}));
    EXPECT_EQ(p.youtube_videos_watched_today, 1);
  }
  {
    const std::int64_t now = local(ny, 2024, 11, 4, 12);
    const Progress p = compute({video("c", utc(2024, 11, 3, 4, 30), 10 * kMinute),  // 00:30 EDT
                                video("c", local(ny, 2024, 11, 3, 23, 30), 20 * kMinute),
                                video("c", local(ny, 2024, 11, 4, 0, 30), 40 * kMinute)},
                               now, ny);
    EXPECT_EQ(minutesByDay(p), (std::vector<std::int64_t>{0, 0, 0, 0, 0, 30, 40}));
  }
}

TEST(Progress, AllTimeProgressFillsQuarterGaps) {
  const std::int64_t now = utc(2025, 6, 1);
  const Progress p = compute(
      {video("c", utc(2024, 2, 10), 2 * kHour), video("c", utc(2024, 11, 20), 90 * kMinute)}, now,
      utcZone());
  // Not extended to the current quarter.
  EXPECT_EQ(quartersOf(p),
            (std::vector<std::pair<std::string, std::int64_t>>{
                {"Jan 2024", 2}, {"Apr 2024", 2}, {"Jul 2024", 2}, {"Oct 2024", 3}}));
}

TEST(Progress, AllTimeProgressTruncatesRunningTotalAndKeepsZeroLengthQuarters) {
  const std::int64_t now = utc(2025, 6, 1);
  const Progress p = compute(
      {video("c", utc(2023, 12, 31, 23, 59), 0), video("c", utc(2024, 1, 1), 40 * kMinute),
       video("c", utc(2024, 4, 1), 40 * kMinute), episode("show1", utc(2024, 9, 30, 23, 59))},
      now, utcZone());
  EXPECT_EQ(quartersOf(p),
            (std::vector<std::pair<std::string, std::int64_t>>{
                {"Oct 2023", 0}, {"Jan 2024", 0}, {"Apr 2024", 1}, {"Jul 2024", 1}}));
}

TEST(Progress, QuarterOfTheLocalDay) {
  const std::int64_t now = utc(2024, 6, 1);
  const std::vector<Item> items = {video("c", utc(2024, 3, 31, 12), 2 * kHour)};
  EXPECT_EQ(quartersOf(compute(items, now, auckland())),
            (std::vector<std::pair<std::string, std::int64_t>>{{"Apr 2024", 2}}));
  EXPECT_EQ(quartersOf(compute(items, now, utcZone())),
            (std::vector<std::pair<std::string, std::int64_t>>{{"Jan 2024", 2}}));
}

TEST(Progress, MoviesSortedNullsLast) {
  const std::int64_t now = 123;
  ProgressInput base;
  base.movies = {{"m1.mkv", "My Movie", "https://img/m1"},
                 {"m2.mkv", std::nullopt, std::nullopt},
                 {"m3.mkv", "Another Movie", std::nullopt},
                 {"m4.mkv", "my movie", std::nullopt}};
  const Progress p =
      compute({movie(now, 120 * kMinute), movie(now, 30 * kMinute), movie(now, 0), movie(now, 0)},
              now, auckland(), base);
  EXPECT_EQ(p.total_hours_watched, 2);
  EXPECT_EQ(p.total_movies_watched, 4);
  EXPECT_EQ(p.movies_watched_today, 4);
  EXPECT_EQ(p.movies, (std::vector<MovieProgress>{{"m3.mkv", "Another Movie", std::nullopt},
                                                  {"m1.mkv", "My Movie", "https://img/m1"},
                                                  {"m4.mkv", "my movie", std::nullopt},
                                                  {"m2.mkv", std::nullopt, std::nullopt}}));
}

// Computed from an input it may take apart (the service's case), the answer is the same as from
// one it must leave alone, and the movies' strings are moved rather than copied.
TEST(Progress, FromAnInputItMayTakeTheSameAsFromOneItMustKeep) {
  const std::int64_t now = utc(2024, 1, 7, 12);
  ProgressInput base;
  const std::string long_name(100, 'z');  // on the heap, unlike short strings
  base.movies = {{"b.mkv", long_name, "https://img/b"},
                 {"a.mkv", std::nullopt, std::nullopt},
                 {"c.mkv", "Another", std::nullopt},
                 {"d.mkv", long_name, std::nullopt}};
  ProgressInput input =
      inputOf({movie(now, kHour), movie(now - 3 * 24 * kHour, kHour), movie(now, 0), movie(now, 0)},
              now, auckland(), base);
  const Progress kept = computeProgress(input, at(now), auckland());
  EXPECT_EQ(input.movies, base.movies);
  const char* heap = input.movies[0].name->data();
  const Progress taken = computeProgress(std::move(input), at(now), auckland());
  EXPECT_EQ(taken.movies, (std::vector<MovieProgress>{{"c.mkv", "Another", std::nullopt},
                                                      {"b.mkv", long_name, "https://img/b"},
                                                      {"d.mkv", long_name, std::nullopt},
                                                      {"a.mkv", std::nullopt, std::nullopt}}));
  EXPECT_EQ(taken.movies, kept.movies);
  EXPECT_EQ(taken.movies[1].name->data(), heap);  // the same string, moved
  EXPECT_EQ(taken.total_movies_watched, kept.total_movies_watched);
  EXPECT_EQ(taken.total_hours_watched, kept.total_hours_watched);
  EXPECT_EQ(taken.movies_watched_today, kept.movies_watched_today);
  EXPECT_EQ(taken.weekly_trend_percentage, kept.weekly_trend_percentage);
  EXPECT_EQ(minutesByDay(taken), minutesByDay(kept));
}

// Ids and pictures come with each group: a series' TVDB id and image (of the folder that
// names it), a channel's or podcast's id and picture; none for untagged folders.
TEST(Progress, GroupsCarryTheirIdsAndArtwork) {
  const std::int64_t now = utc(2024, 1, 7, 12);
  ProgressInput base;
  base.shows = {{"Free S1", 278157, "Free!", std::nullopt, "https://img/free-s1"},
                {"Free S2", 278157, "Free!", std::nullopt, "https://img/free-s2"},
                {"Loose", std::nullopt, std::nullopt, std::nullopt, std::nullopt}};
  base.youtube_channels = {{"UC1", "One", "https://img/one"}, {"UC2", "Two", std::nullopt}};
  base.spotify_shows = {{"S1", "Pod", "https://img/pod"}};
  const Progress p = compute(
      {episode("Free S2", now), episode("Free S1", now), episode("Loose", now),
       video("UC1", now, 60), video("UC2", now, 60), video("UC2", now, 60), spotify("S1", now, 60)},
      now, utcZone(), base);
  ASSERT_EQ(p.shows.size(), 2u);
  EXPECT_EQ(p.shows[0].show_id, "278157");
  EXPECT_EQ(p.shows[0].artwork_url, "https://img/free-s1");  // "Free S1" sorts first
  EXPECT_EQ(p.shows[1].show_id, std::nullopt);
  EXPECT_EQ(p.shows[1].artwork_url, std::nullopt);
  ASSERT_EQ(p.youtube_channels.size(), 2u);
  EXPECT_EQ(p.youtube_channels[0].channel_id, "UC2");
  EXPECT_EQ(p.youtube_channels[0].artwork_url, std::nullopt);
  EXPECT_EQ(p.youtube_channels[1].channel_id, "UC1");
  EXPECT_EQ(p.youtube_channels[1].artwork_url, "https://img/one");
  ASSERT_EQ(p.spotify_shows.size(), 1u);
  EXPECT_EQ(p.spotify_shows[0].show_id, "S1");
  EXPECT_EQ(p.spotify_shows[0].artwork_url, "https://img/pod");
}

TEST(Progress, RecentWindowCoversTodayAndTheTrendWeek) {
  const std::int64_t now = utc(2024, 1, 7, 12);
  EXPECT_EQ(recentWindowStart(at(now), auckland()), now - 7 * kDay);
  EXPECT_EQ(recentWindowStart(at(now), utcZone()), now - 7 * kDay);
  // Items before the window only reach computeProgress as daily totals and still count.
  const std::int64_t first = now - 30 * kDay;
  const ProgressInput input =
      inputOf({video("c", first, 70 * kMinute), video("c", now - 7 * kDay, 70 * kMinute),
               video("c", now - 1, 70 * kMinute)},
              now, auckland());
  EXPECT_EQ(input.recent.size(), 2u);
  const Progress p = computeProgress(input, at(now), auckland());
  EXPECT_EQ(p.youtube_videos_watched, 3);
  EXPECT_EQ(p.youtube_videos_watched_today, 1);
  EXPECT_EQ(p.total_hours_watched, 3);
  ASSERT_TRUE(p.weekly_trend_percentage.has_value());
  // 210 min over 30 days = 49 a week; 70 in the last week.
  EXPECT_NEAR(*p.weekly_trend_percentage, (70.0 - 49.0) / 49.0 * 100, 1e-9);
}

}  // namespace
}  // namespace it::domain
