#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/medium.hpp"
#include "domain/progress.hpp"
#include "domain/time_zone.hpp"

namespace it::domain {

// Immersion per day and medium, for charts (GET /api/activity), from the per-day totals every
// store keeps of synced items and of logs: never from the items or logs themselves. Synced
// items count under their medium (mediumOf: tv, movie, youtube, podcast), logs under theirs.

struct MediumTotal {
  std::int64_t items = 0;  // synced items and logs
  std::int64_t seconds = 0;
};

struct DayActivity {
  LocalDay day = 0;
  std::array<MediumTotal, kMediums> mediums{};  // by Medium
};

// Which immersion to count: all, or only that in one language (nothing: unknown).
struct LanguageFilter {
  bool all = true;
  std::optional<std::string> language;

  static LanguageFilter any() { return {}; }
  static LanguageFilter only(std::optional<std::string> language) {
    return {false, std::move(language)};
  }
  bool admits(const std::optional<std::string>& l) const { return all || l == language; }
};

// One entry per day from `from` to `to`, both included (none when from > to), in order; a day
// without immersion has zeros. input.logs.days must cover the range.
std::vector<DayActivity> activityBetween(const ProgressInput& input, LocalDay from, LocalDay to,
                                         const LanguageFilter& filter = LanguageFilter::any());

}  // namespace it::domain
