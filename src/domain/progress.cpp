#include "domain/progress.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "domain/progress_rankings.hpp"

namespace it::domain {
namespace {

constexpr std::int64_t kSecondsPerDay = 24 * 60 * 60;
constexpr std::int64_t kTrendWindowSeconds = 7 * kSecondsPerDay;
// The trend compares a week with the all-time weekly average, which means little before two
// weeks of history (the original's threshold).
constexpr std::int64_t kMinDaysForTrend = 14;
constexpr int kDailyActivityDays = 7;

// Quarters numbered year * 4 + (month - 1) / 3, so consecutive quarters are consecutive
// integers and the gaps between them are easy to fill.
std::int64_t quarterOf(LocalDay day) {
  const date::year_month_day ymd{date::sys_days{date::days{day}}};
  const int year = static_cast<int>(ymd.year());
  const int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  return static_cast<std::int64_t>(year) * 4 + (month - 1) / 3;
}

// "Jan 2024": the quarter's first month, like Java's "MMM uuuu" in English.
std::string quarterLabel(std::int64_t quarter) {
  static constexpr std::array<const char*, 4> kQuarterMonths = {"Jan", "Apr", "Jul", "Oct"};
  // Floor division: keeps negative years (never seen in practice) on the right quarter.
  std::int64_t year = quarter / 4;
  std::int64_t index = quarter % 4;
  if (index < 0) {
    index += 4;
    year -= 1;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s %04lld", kQuarterMonths[static_cast<size_t>(index)],
                static_cast<long long>(year));
  return buffer;
}

std::vector<CumulativeProgress> allTimeProgress(const ProgressInput& input) {
  std::unordered_map<std::int64_t, std::int64_t> seconds_by_quarter;
  std::int64_t first = 0;
  std::int64_t last = 0;
  bool any = false;
  for (const DailyTotal& total : input.daily) {
    if (total.items <= 0) {
      continue;
    }
    // A day number to a civil date is a few integer operations: no time-zone lookup here.
    const std::int64_t quarter = quarterOf(total.day);
    seconds_by_quarter[quarter] += total.seconds;
    first = any ? std::min(first, quarter) : quarter;
    last = any ? std::max(last, quarter) : quarter;
    any = true;
  }

  std::vector<CumulativeProgress> result;
  if (!any) {
    return result;
  }
  result.reserve(static_cast<size_t>(last - first + 1));
  std::int64_t cumulative_seconds = 0;
  for (std::int64_t quarter = first; quarter <= last; ++quarter) {
    if (auto it = seconds_by_quarter.find(quarter); it != seconds_by_quarter.end()) {
      cumulative_seconds += it->second;
    }
    result.push_back({quarterLabel(quarter), cumulative_seconds / 3600});
  }
  return result;
}

// Where each kind's counts go in Progress: its all-time total and today's count. Indexed by
// ItemKind, so counting an item is one lookup.
struct KindCounters {
  ItemKind kind;
  std::int64_t Progress::*total;
  std::int64_t Progress::*today;
};
constexpr std::array<KindCounters, 4> kCountersByKind = {{
    {ItemKind::kEpisode, &Progress::total_episodes_watched, &Progress::episodes_watched_today},
    {ItemKind::kMovie, &Progress::total_movies_watched, &Progress::movies_watched_today},
    {ItemKind::kYoutubeVideo, &Progress::youtube_videos_watched,
     &Progress::youtube_videos_watched_today},
    {ItemKind::kSpotifyEpisode, &Progress::spotify_episodes_watched,
     &Progress::spotify_episodes_watched_today},
}};

constexpr bool countersIndexedByKind() {
  for (std::size_t i = 0; i < kCountersByKind.size(); ++i) {
    if (static_cast<std::size_t>(kCountersByKind[i].kind) != i) return false;
  }
  return true;
}
static_assert(countersIndexedByKind(), "kCountersByKind must follow the order of ItemKind");

// Nothing for a value outside ItemKind (a corrupt stored kind): such items count nowhere.
const KindCounters* countersOf(ItemKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  return index < kCountersByKind.size() ? &kCountersByKind[index] : nullptr;
}

// What the per-day totals give besides the per-kind counts.
struct DailySums {
  std::int64_t total_seconds = 0;
  std::array<std::int64_t, kDailyActivityDays> seconds_by_days_ago{};
};

// Adds every item to its kind's total in `progress`, and sums the seconds watched over all time
// and on each of the last seven calendar days.
DailySums addDailyTotals(const ProgressInput& input, LocalDay today, Progress& progress) {
  DailySums sums;
  for (const DailyTotal& total : input.daily) {
    sums.total_seconds += total.seconds;
    if (const KindCounters* counters = countersOf(total.kind)) {
      progress.*(counters->total) += total.items;
    }
    const std::int64_t days_ago = static_cast<std::int64_t>(today) - total.day;
    if (days_ago >= 0 && days_ago < kDailyActivityDays) {
      sums.seconds_by_days_ago[static_cast<size_t>(days_ago)] += total.seconds;
    }
  }
  return sums;
}

// "Today" and "last week" need exact instants, so they come from the recent items: adds
// today's items to their kind's count in `progress` and returns the seconds watched in the last
// seven 24-hour periods.
std::int64_t addRecentItems(const ProgressInput& input, std::int64_t now_seconds,
                            std::int64_t today_start, Progress& progress) {
  const std::int64_t week_start = now_seconds - kTrendWindowSeconds;
  std::int64_t last_week_seconds = 0;
  for (const RecentItem& item : input.recent) {
    if (item.timestamp > week_start) {
      last_week_seconds += item.seconds;
    }
    if (item.timestamp <= today_start) {
      continue;
    }
    if (const KindCounters* counters = countersOf(item.kind)) {
      progress.*(counters->today) += item.items;
    }
  }
  return last_week_seconds;
}

// Last week's minutes against the all-time weekly average, in percent.
std::optional<double> weeklyTrend(std::int64_t days_since_first, std::int64_t last_week_seconds,
                                  std::int64_t total_seconds) {
  if (days_since_first < kMinDaysForTrend) {
    return std::nullopt;
  }
  const std::int64_t last_week_minutes = last_week_seconds / 60;
  const std::int64_t total_minutes = total_seconds / 60;
  const double average_per_week =
      static_cast<double>(total_minutes) / static_cast<double>(days_since_first) * 7;
  // With no minutes at all (e.g. only zero-length items) the original divided by zero and
  // returned NaN, which is not valid JSON; there is no trend to report.
  if (average_per_week == 0) {
    return std::nullopt;
  }
  return (static_cast<double>(last_week_minutes) - average_per_week) / average_per_week * 100;
}

// The last seven calendar days, oldest first, in whole minutes.
std::vector<DailyActivity> dailyActivity(
    const std::array<std::int64_t, kDailyActivityDays>& seconds_by_days_ago) {
  std::vector<DailyActivity> activity;
  activity.reserve(kDailyActivityDays);
  for (int days_ago = kDailyActivityDays - 1; days_ago >= 0; --days_ago) {
    activity.push_back({days_ago, seconds_by_days_ago[static_cast<size_t>(days_ago)] / 60});
  }
  return activity;
}

// Sorted by name, unnamed movies last, then by file name so the order is always the same: `infos`
// itself when it is (the store reads them in that order), else its movies moved into a new list.
std::vector<MovieProgress> sortedMovies(std::vector<MovieInfo>&& infos) {
  auto before = [](const MovieInfo& a, const MovieInfo& b) {
    if (a.name.has_value() != b.name.has_value()) {
      return a.name.has_value();
    }
    if (a.name.has_value()) {
      if (int c = a.name->compare(*b.name); c != 0) return c < 0;
    }
    return a.file_name < b.file_name;
  };
  if (std::is_sorted(infos.begin(), infos.end(), before)) return std::move(infos);
  // Sorting positions moves 4 bytes at a time instead of three strings.
  std::vector<std::uint32_t> order(infos.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return before(infos[a], infos[b]); });
  std::vector<MovieProgress> movies;
  movies.reserve(infos.size());
  for (std::uint32_t i : order) movies.push_back(std::move(infos[i]));
  return movies;
}

Progress computeWithMovies(const ProgressInput& input, std::vector<MovieInfo>&& movies,
                           std::chrono::sys_seconds now, const DayRule& days) {
  const std::int64_t now_seconds = now.time_since_epoch().count();
  const LocalDay today = localDayOf(now_seconds, days);
  const std::int64_t today_start = startOfLocalDay(today, days);

  Progress progress;
  const DailySums sums = addDailyTotals(input, today, progress);
  progress.total_hours_watched = sums.total_seconds / 3600;
  const std::int64_t last_week_seconds = addRecentItems(input, now_seconds, today_start, progress);

  // Whole 24-hour periods, truncated toward zero (Java's ChronoUnit.DAYS.between).
  if (input.first_timestamp.has_value()) {
    progress.days_since_first_episode = (now_seconds - *input.first_timestamp) / kSecondsPerDay;
  }
  progress.weekly_trend_percentage =
      weeklyTrend(progress.days_since_first_episode, last_week_seconds, sums.total_seconds);
  progress.daily_activity = dailyActivity(sums.seconds_by_days_ago);

  progress.all_time_progress = allTimeProgress(input);
  progress.shows = showProgress(input);
  progress.youtube_channels = channelProgress(input);
  progress.spotify_shows = spotifyShowProgress(input);
  progress.movies = sortedMovies(std::move(movies));
  return progress;
}

}  // namespace

std::int64_t recentWindowStart(std::chrono::sys_seconds now, const DayRule& days) {
  const std::int64_t now_seconds = now.time_since_epoch().count();
  const std::int64_t today_start = startOfLocalDay(localDayOf(now_seconds, days), days);
  return std::min(now_seconds - kTrendWindowSeconds, today_start);
}

Progress computeProgress(const ProgressInput& input, std::chrono::sys_seconds now,
                         const DayRule& days) {
  return computeWithMovies(input, std::vector<MovieInfo>(input.movies), now, days);
}

Progress computeProgress(ProgressInput&& input, std::chrono::sys_seconds now, const DayRule& days) {
  std::vector<MovieInfo> movies = std::move(input.movies);
  input.movies.clear();
  return computeWithMovies(input, std::move(movies), now, days);
}

}  // namespace it::domain
