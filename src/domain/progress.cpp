#include "domain/progress.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace it::domain {
namespace {

constexpr std::int64_t kSecondsPerDay = 24 * 60 * 60;
constexpr std::int64_t kTrendWindowSeconds = 7 * kSecondsPerDay;
// The trend compares a week with the all-time weekly average, which means little before two
// weeks of history (the original's threshold).
constexpr std::int64_t kMinDaysForTrend = 14;
constexpr int kDailyActivityDays = 7;

// The user's show folders by name, built once so that naming the shows costs one hash lookup
// per folder.
class ShowsByFolder {
 public:
  explicit ShowsByFolder(const std::vector<ShowInfo>& shows) {
    shows_.reserve(shows.size());
    for (const ShowInfo& show : shows) {
      // Folder names are unique per user; should a duplicate slip in, the first one wins, as in
      // the original's map of shows by folder.
      shows_.try_emplace(show.folder_name, &show);
    }
  }

  const ShowInfo* find(std::string_view folder) const {
    auto it = shows_.find(folder);
    return it == shows_.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string_view, const ShowInfo*> shows_;
};

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

std::vector<ShowProgress> showProgress(const ProgressInput& input) {
  const ShowsByFolder shows(input.shows);
  std::unordered_map<std::string_view, std::int64_t> episodes_by_folder;
  for (const GroupTotal& total : input.groups) {
    if (total.kind == ItemKind::kEpisode) {
      episodes_by_folder[total.group] += total.items;
    }
  }

  struct TvdbGroup {
    std::int64_t episodes = 0;
    std::string_view first_folder;
    std::optional<std::string> name;
  };
  std::unordered_map<std::int64_t, TvdbGroup> groups;
  std::int64_t untagged_episodes = 0;
  for (const auto& [folder, episodes] : episodes_by_folder) {
    if (episodes <= 0) {
      continue;
    }
    const ShowInfo* show = shows.find(folder);
    if (show == nullptr || !show->tvdb_id.has_value()) {
      untagged_episodes += episodes;
      continue;
    }
    auto [it, inserted] = groups.try_emplace(*show->tvdb_id);
    TvdbGroup& group = it->second;
    group.episodes += episodes;
    // The original named a group after its first episode in sort-key order, i.e. the folder
    // that sorts first; doing the same keeps the name independent of hash order.
    if (inserted || folder < group.first_folder) {
      group.first_folder = folder;
      group.name = show->tvdb_name;
    }
  }

  struct Entry {
    ShowProgress progress;
    bool untagged = false;
    std::int64_t tvdb_id = 0;
  };
  std::vector<Entry> entries;
  entries.reserve(groups.size() + 1);
  if (untagged_episodes > 0) {
    entries.push_back({{std::nullopt, untagged_episodes}, true, 0});
  }
  for (auto& [tvdb_id, group] : groups) {
    entries.push_back({{std::move(group.name), group.episodes}, false, tvdb_id});
  }
  // Episodes descending. Ties: the untagged entry first (where the original's stable sort left
  // it), then name ascending in byte order with unnamed TVDB shows last, then tvdb_id, so the
  // order never depends on hash iteration.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.progress.episodes_watched != b.progress.episodes_watched) {
      return a.progress.episodes_watched > b.progress.episodes_watched;
    }
    if (a.untagged != b.untagged) {
      return a.untagged;
    }
    const auto& name_a = a.progress.name;
    const auto& name_b = b.progress.name;
    if (name_a.has_value() != name_b.has_value()) {
      return name_a.has_value();
    }
    if (name_a.has_value() && *name_a != *name_b) {
      return *name_a < *name_b;
    }
    return a.tvdb_id < b.tvdb_id;
  });

  std::vector<ShowProgress> result;
  result.reserve(entries.size());
  for (Entry& entry : entries) {
    result.push_back(std::move(entry.progress));
  }
  return result;
}

struct NamedCount {
  std::optional<std::string> name;
  std::int64_t count = 0;
};

// Items of `kind` counted per group (YouTube channel, Spotify show) and named from `names`.
// Sorted by count descending, then name ascending with unknown names last (as the original),
// then group id so that equal names still come out in a fixed order.
std::vector<NamedCount> countByGroup(
    const ProgressInput& input, ItemKind kind,
    const std::vector<std::pair<std::string, std::string>>& names) {
  std::unordered_map<std::string_view, std::int64_t> counts;
  for (const GroupTotal& total : input.groups) {
    if (total.kind == kind) {
      counts[total.group] += total.items;
    }
  }
  std::unordered_map<std::string_view, std::string_view> name_by_id;
  name_by_id.reserve(names.size());
  for (const auto& [id, name] : names) {
    name_by_id.try_emplace(id, name);
  }

  struct Entry {
    NamedCount named;
    std::string_view id;
  };
  std::vector<Entry> entries;
  entries.reserve(counts.size());
  for (const auto& [id, count] : counts) {
    if (count <= 0) {
      continue;
    }
    Entry entry{{std::nullopt, count}, id};
    if (auto it = name_by_id.find(id); it != name_by_id.end()) {
      entry.named.name = std::string(it->second);
    }
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.named.count != b.named.count) {
      return a.named.count > b.named.count;
    }
    if (a.named.name.has_value() != b.named.name.has_value()) {
      return a.named.name.has_value();
    }
    if (a.named.name.has_value() && *a.named.name != *b.named.name) {
      return *a.named.name < *b.named.name;
    }
    return a.id < b.id;
  });

  std::vector<NamedCount> result;
  result.reserve(entries.size());
  for (Entry& entry : entries) {
    result.push_back(std::move(entry.named));
  }
  return result;
}

}  // namespace

std::int64_t recentWindowStart(std::chrono::sys_seconds now, const date::time_zone& zone) {
  const std::int64_t now_seconds = now.time_since_epoch().count();
  const std::int64_t today_start = startOfLocalDay(localDayOf(now_seconds, zone), zone);
  return std::min(now_seconds - kTrendWindowSeconds, today_start);
}

Progress computeProgress(const ProgressInput& input, std::chrono::sys_seconds now,
                         const date::time_zone& zone) {
  const std::int64_t now_seconds = now.time_since_epoch().count();
  const LocalDay today = localDayOf(now_seconds, zone);
  const std::int64_t today_start = startOfLocalDay(today, zone);

  Progress progress;

  // Totals and the last seven calendar days, from the per-day totals.
  std::int64_t total_seconds = 0;
  std::array<std::int64_t, kDailyActivityDays> seconds_by_days_ago{};
  for (const DailyTotal& total : input.daily) {
    const std::int64_t seconds = total.seconds;
    total_seconds += seconds;
    switch (total.kind) {
      case ItemKind::kEpisode:
        progress.total_episodes_watched += total.items;
        break;
      case ItemKind::kMovie:
        progress.total_movies_watched += total.items;
        break;
      case ItemKind::kYoutubeVideo:
        progress.youtube_videos_watched += total.items;
        break;
      case ItemKind::kSpotifyEpisode:
        progress.spotify_episodes_watched += total.items;
        break;
    }
    const std::int64_t days_ago = static_cast<std::int64_t>(today) - total.day;
    if (days_ago >= 0 && days_ago < kDailyActivityDays) {
      seconds_by_days_ago[static_cast<size_t>(days_ago)] += seconds;
    }
  }
  progress.total_hours_watched = total_seconds / 3600;

  // "Today" and "last week" need exact instants, so they come from the recent items.
  const std::int64_t week_start = now_seconds - kTrendWindowSeconds;
  std::int64_t last_week_seconds = 0;
  for (const RecentItem& item : input.recent) {
    if (item.timestamp > week_start) {
      last_week_seconds += item.seconds;
    }
    if (item.timestamp <= today_start) {
      continue;
    }
    switch (item.kind) {
      case ItemKind::kEpisode:
        progress.episodes_watched_today += item.items;
        break;
      case ItemKind::kMovie:
        progress.movies_watched_today += item.items;
        break;
      case ItemKind::kYoutubeVideo:
        progress.youtube_videos_watched_today += item.items;
        break;
      case ItemKind::kSpotifyEpisode:
        progress.spotify_episodes_watched_today += item.items;
        break;
    }
  }

  // Whole 24-hour periods, truncated toward zero (Java's ChronoUnit.DAYS.between).
  if (input.first_timestamp.has_value()) {
    progress.days_since_first_episode = (now_seconds - *input.first_timestamp) / kSecondsPerDay;
  }

  if (progress.days_since_first_episode >= kMinDaysForTrend) {
    const std::int64_t last_week_minutes = last_week_seconds / 60;
    const std::int64_t total_minutes = total_seconds / 60;
    const double average_per_week = static_cast<double>(total_minutes) /
                                    static_cast<double>(progress.days_since_first_episode) * 7;
    // With no minutes at all (e.g. only zero-length items) the original divided by zero and
    // returned NaN, which is not valid JSON; there is no trend to report.
    if (average_per_week != 0) {
      progress.weekly_trend_percentage =
          (static_cast<double>(last_week_minutes) - average_per_week) / average_per_week * 100;
    }
  }

  progress.daily_activity.reserve(kDailyActivityDays);
  for (int days_ago = kDailyActivityDays - 1; days_ago >= 0; --days_ago) {
    progress.daily_activity.push_back(
        {days_ago, seconds_by_days_ago[static_cast<size_t>(days_ago)] / 60});
  }

  progress.all_time_progress = allTimeProgress(input);
  progress.shows = showProgress(input);

  for (NamedCount& channel : countByGroup(input, ItemKind::kYoutubeVideo, input.youtube_channels)) {
    progress.youtube_channels.push_back({std::move(channel.name), channel.count});
  }
  for (NamedCount& show : countByGroup(input, ItemKind::kSpotifyEpisode, input.spotify_shows)) {
    progress.spotify_shows.push_back({std::move(show.name), show.count});
  }

  progress.movies = input.movie_names;
  auto by_name_nulls_last = [](const std::optional<std::string>& a,
                               const std::optional<std::string>& b) {
    if (a.has_value() != b.has_value()) {
      return a.has_value();
    }
    return a.has_value() && *a < *b;
  };
  // The store usually hands them over sorted already (from an index).
  if (!std::is_sorted(progress.movies.begin(), progress.movies.end(), by_name_nulls_last)) {
    std::sort(progress.movies.begin(), progress.movies.end(), by_name_nulls_last);
  }

  return progress;
}

}  // namespace it::domain
