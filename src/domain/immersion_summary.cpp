#include "domain/immersion_summary.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "domain/logs.hpp"

namespace it::domain {
namespace {

constexpr std::int64_t kSecondsPerMinute = 60;

// Seconds and items, summed; shares are reported in whole minutes, truncated as /progress
// truncates hours.
struct Sum {
  std::int64_t seconds = 0;
  std::int64_t items = 0;
  std::int64_t last_week_seconds = 0;

  void add(std::int64_t s, std::int64_t n, std::int64_t last_week_s) {
    seconds += s;
    items += n;
    last_week_seconds += last_week_s;
  }
  ImmersionShare share() const {
    return {seconds / kSecondsPerMinute, items, last_week_seconds / kSecondsPerMinute};
  }
};

template <class Share>
void sortByMinutes(std::vector<Share>& shares) {
  std::stable_sort(shares.begin(), shares.end(),
                   [](const Share& a, const Share& b) { return a.minutes > b.minutes; });
}

struct Streaks {
  std::int64_t current = 0;
  std::int64_t longest = 0;
};

// `seconds_by_day`: every day with immersion, in order.
Streaks streaks(const std::map<LocalDay, std::int64_t>& seconds_by_day, LocalDay today,
                std::int64_t goal_seconds) {
  auto counts = [&](std::int64_t seconds) {
    return goal_seconds > 0 ? seconds >= goal_seconds : seconds > 0;
  };
  Streaks s;
  std::int64_t run = 0;          // days counted in a row, up to `last`
  std::optional<LocalDay> last;  // the last day counted
  for (const auto& [day, seconds] : seconds_by_day) {
    if (day > today) break;
    if (!counts(seconds)) continue;  // breaks the run: the next day counted is not last + 1
    run = last && *last == day - 1 ? run + 1 : 1;
    last = day;
    s.longest = std::max(s.longest, run);
  }
  // The run that ends today, or yesterday while today has not counted yet.
  if (last && (*last == today || *last == today - 1)) s.current = run;
  return s;
}

}  // namespace

ImmersionSummary summarizeImmersion(const ProgressInput& input, LocalDay today,
                                    std::int64_t goal_daily_minutes) {
  const LocalDay week_start = today - 6;
  auto in_last_week = [&](LocalDay day) { return day >= week_start && day <= today; };
  std::array<Sum, kMediums> mediums{};
  std::map<std::optional<std::string>, Sum> languages;
  std::map<LocalDay, std::int64_t> seconds_by_day;
  auto share = [&](Medium medium, const std::optional<std::string>& language, std::int64_t seconds,
                   std::int64_t items, std::int64_t last_week_seconds) {
    mediums[static_cast<std::size_t>(medium)].add(seconds, items, last_week_seconds);
    languages[language].add(seconds, items, last_week_seconds);
  };
  for (const DailyTotal& total : input.daily) {
    share(mediumOf(total.kind), total.language, total.seconds, total.items,
          in_last_week(total.day) ? total.seconds : 0);
    seconds_by_day[total.day] += total.seconds;
  }
  // Logs: all time per (medium, language) and per date; the last week from its own rows.
  for (const LogShareTotal& total : input.logs.shares) {
    share(total.medium, total.language, total.minutes * kSecondsPerMinute, total.logs, 0);
  }
  for (const LogDayTotal& total : input.logs.days) {
    if (!in_last_week(total.day)) continue;
    share(total.medium, total.language, 0, 0, total.minutes * kSecondsPerMinute);
  }
  for (const LogDateTotal& total : input.logs.dates) {
    seconds_by_day[total.day] += total.minutes * kSecondsPerMinute;
  }

  ImmersionSummary summary;
  std::int64_t total_seconds = 0;
  for (const auto& [day, seconds] : seconds_by_day) total_seconds += seconds;
  summary.total_minutes = total_seconds / kSecondsPerMinute;
  auto today_at = seconds_by_day.find(today);
  const std::int64_t today_seconds = today_at == seconds_by_day.end() ? 0 : today_at->second;
  summary.minutes_today = today_seconds / kSecondsPerMinute;
  for (std::size_t m = 0; m < kMediums; ++m) {
    if (mediums[m].items == 0) continue;
    MediumShare share{mediums[m].share()};
    share.medium = static_cast<Medium>(m);
    summary.by_medium.push_back(share);
  }
  sortByMinutes(summary.by_medium);
  for (const auto& [language, sum] : languages) {
    if (sum.items == 0) continue;
    LanguageShare share{sum.share()};
    share.language = language;
    summary.by_language.push_back(std::move(share));
  }
  sortByMinutes(summary.by_language);
  const std::int64_t goal_seconds = goal_daily_minutes * kSecondsPerMinute;
  if (goal_daily_minutes > 0) {
    summary.goal_daily_minutes = goal_daily_minutes;
    summary.goal_met_today = today_seconds >= goal_seconds;
  }
  Streaks s = streaks(seconds_by_day, today, goal_seconds);
  summary.current_streak_days = s.current;
  summary.longest_streak_days = s.longest;
  return summary;
}

}  // namespace it::domain
