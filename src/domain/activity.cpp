#include "domain/activity.hpp"

#include "domain/logs.hpp"

namespace it::domain {

std::vector<DayActivity> activityBetween(const ProgressInput& input, LocalDay from, LocalDay to,
                                         const LanguageFilter& filter) {
  std::vector<DayActivity> days;
  if (from > to) return days;
  days.resize(static_cast<std::size_t>(to - from) + 1);
  for (LocalDay d = from; d <= to; ++d) days[static_cast<std::size_t>(d - from)].day = d;
  auto add = [&](LocalDay day, Medium medium, std::int64_t items, std::int64_t seconds) {
    if (day < from || day > to) return;
    MediumTotal& total =
        days[static_cast<std::size_t>(day - from)].mediums[static_cast<std::size_t>(medium)];
    total.items += items;
    total.seconds += seconds;
  };
  for (const DailyTotal& total : input.daily) {
    if (filter.admits(total.language)) {
      add(total.day, mediumOf(total.kind), total.items, total.seconds);
    }
  }
  for (const LogDayTotal& total : input.logs.days) {
    if (filter.admits(total.language)) add(total.day, total.medium, total.logs, total.minutes * 60);
  }
  return days;
}

}  // namespace it::domain
