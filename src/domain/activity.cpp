#include "domain/activity.hpp"

namespace it::domain {

std::vector<DayActivity> activityBetween(const std::vector<DailyTotal>& daily, LocalDay from,
                                         LocalDay to) {
  std::vector<DayActivity> days;
  if (from > to) return days;
  days.resize(static_cast<std::size_t>(to - from) + 1);
  for (LocalDay d = from; d <= to; ++d) days[static_cast<std::size_t>(d - from)].day = d;
  for (const DailyTotal& total : daily) {
    if (total.day < from || total.day > to) continue;
    KindTotal& kind = days[static_cast<std::size_t>(total.day - from)]
                          .kinds[static_cast<std::size_t>(total.kind)];
    kind.items += total.items;
    kind.seconds += total.seconds;
  }
  return days;
}

}  // namespace it::domain
