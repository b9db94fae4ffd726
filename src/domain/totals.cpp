#include "domain/totals.hpp"

#include <algorithm>

namespace it::domain {

namespace {

template <class Map>
void mergeTallies(Map& into, const Map& from) {
  for (const auto& [key, tally] : from) {
    Tally& sum = into[key];
    sum.items += tally.items;
    sum.seconds += tally.seconds;
    if (sum == Tally{}) into.erase(key);
  }
}

}  // namespace

void TotalsDelta::merge(const TotalsDelta& other) {
  mergeTallies(days, other.days);
  mergeTallies(sync_times, other.sync_times);
  for (const auto& [key, items] : other.groups) {
    if ((groups[key] += items) == 0) groups.erase(key);
  }
  if (other.first_timestamp) {
    first_timestamp =
        std::min(first_timestamp.value_or(*other.first_timestamp), *other.first_timestamp);
  }
}

void TotalsBuilder::add(ItemKind kind, std::int64_t timestamp, std::string_view group,
                        std::int64_t seconds) {
  Tally& day = delta_.days[{localDayOf(timestamp, days_), kind}];
  day.items += 1;
  day.seconds += seconds;
  if (sync_times_.kept && timestamp >= sync_times_.since) {
    Tally& sync = delta_.sync_times[{timestamp, kind}];
    sync.items += 1;
    sync.seconds += seconds;
  }
  // Movies belong to no group.
  if (kind != ItemKind::kMovie) ++delta_.groups[{kind, std::string(group)}];
  if (!delta_.first_timestamp || timestamp < *delta_.first_timestamp) {
    delta_.first_timestamp = timestamp;
  }
}

TotalsDelta tally(std::span<const TalliedItem> items, const DayRule& days, SyncTimes sync_times) {
  TotalsBuilder builder(days, sync_times);
  for (const TalliedItem& item : items) builder.add(item);
  return builder.take();
}

TotalsDelta retimeEpisodes(std::span<const std::int64_t> episode_timestamps,
                           std::optional<std::int64_t> old_runtime_seconds,
                           std::optional<std::int64_t> new_runtime_seconds, const DayRule& days,
                           SyncTimes sync_times) {
  TotalsDelta delta;
  const std::int64_t change =
      episodeSeconds(new_runtime_seconds) - episodeSeconds(old_runtime_seconds);
  if (change == 0) return delta;
  for (std::int64_t timestamp : episode_timestamps) {
    delta.days[{localDayOf(timestamp, days), ItemKind::kEpisode}].seconds += change;
    if (sync_times.kept && timestamp >= sync_times.since) {
      delta.sync_times[{timestamp, ItemKind::kEpisode}].seconds += change;
    }
  }
  return delta;
}

SyncTimes recentSyncTimes(std::span<const TalliedItem> items) {
  std::int64_t latest = 0;
  for (const TalliedItem& item : items) latest = std::max(latest, item.timestamp);
  return SyncTimes::after(latest - kSyncTimeTotalsSeconds);
}

}  // namespace it::domain
