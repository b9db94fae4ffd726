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
                        std::int64_t seconds, std::string_view language) {
  Tally& day = delta_.days[{localDayOf(timestamp, days_), kind, std::string(language)}];
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

TotalsDelta recount(std::span<const std::int64_t> timestamps, ItemKind kind, const Counting& before,
                    const Counting& after, const DayRule& days, SyncTimes sync_times) {
  TotalsDelta delta;
  if (before == after) return delta;
  const std::int64_t change = after.seconds - before.seconds;
  for (std::int64_t timestamp : timestamps) {
    const LocalDay day = localDayOf(timestamp, days);
    Tally& from = delta.days[{day, kind, before.language}];
    from.items -= 1;
    from.seconds -= before.seconds;
    Tally& to = delta.days[{day, kind, after.language}];
    to.items += 1;
    to.seconds += after.seconds;
    if (sync_times.kept && timestamp >= sync_times.since && change != 0) {
      delta.sync_times[{timestamp, kind}].seconds += change;
    }
  }
  std::erase_if(delta.days, [](const auto& entry) { return entry.second == Tally{}; });
  return delta;
}

SyncTimes recentSyncTimes(std::span<const TalliedItem> items) {
  std::int64_t latest = 0;
  for (const TalliedItem& item : items) latest = std::max(latest, item.timestamp);
  return SyncTimes::after(latest - kSyncTimeTotalsSeconds);
}

}  // namespace it::domain
