#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/medium.hpp"
#include "domain/progress.hpp"

namespace it::domain {

// What GET /progress adds to the original's fields: all immersion, synced and logged, by
// medium and by language, against the user's daily goal, with their streaks. Computed from the
// per-day totals of synced items and the totals of logs (ProgressInput; logs.days must cover
// at least the last 7 days), never from items or logs.
// Synced items count as their medium (mediumOf) and, having no language yet, as unknown.

// The immersion of one medium or one language.
struct ImmersionShare {
  std::int64_t minutes = 0;
  std::int64_t items = 0;  // synced items and logs
  std::int64_t minutes_last_7_days = 0;
};
struct MediumShare : ImmersionShare {
  Medium medium = Medium::kOther;
};
struct LanguageShare : ImmersionShare {
  std::optional<std::string> language;  // nothing: unknown
};

struct ImmersionSummary {
  std::int64_t total_minutes = 0;
  std::int64_t minutes_today = 0;
  std::vector<MediumShare> by_medium;              // most minutes first
  std::vector<LanguageShare> by_language;          // most minutes first
  std::optional<std::int64_t> goal_daily_minutes;  // nothing: no goal
  std::optional<bool> goal_met_today;              // nothing without a goal
  std::int64_t current_streak_days = 0;
  std::int64_t longest_streak_days = 0;
};

// A day counts for a streak when its immersion reaches the goal, or, without a goal (0), is
// above zero; every day is judged against the goal given (the one in force now). The current
// streak runs back from today, or from yesterday while today has not counted yet.
ImmersionSummary summarizeImmersion(const ProgressInput& input, LocalDay today,
                                    std::int64_t goal_daily_minutes);

}  // namespace it::domain
