#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "domain/progress.hpp"
#include "domain/time_zone.hpp"

namespace it::domain {

// Immersion per day and kind, for charts (GET /api/activity), from the per-day totals every
// store keeps: never from the items themselves.

inline constexpr std::size_t kItemKinds = 4;

struct KindTotal {
  std::int64_t items = 0;
  std::int64_t seconds = 0;
};

struct DayActivity {
  LocalDay day = 0;
  std::array<KindTotal, kItemKinds> kinds{};  // by ItemKind
};

// One entry per day from `from` to `to`, both included (none when from > to), in order; a day
// without items has zeros.
std::vector<DayActivity> activityBetween(const std::vector<DailyTotal>& daily, LocalDay from,
                                         LocalDay to);

}  // namespace it::domain
