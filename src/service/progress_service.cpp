#include "service/progress_service.hpp"

namespace it::service {

ProgressReport ProgressService::progressOf(std::string_view username) const {
  UserCalendar user = calendars_.withSettings(username);
  const storage::Calendar& calendar = user.calendar;
  auto now = nowSeconds(clock_);
  auto input =
      store_.progressInput(username, calendar, domain::recentWindowStart(now, calendar.days()));
  const domain::LocalDay today =
      domain::localDayOf(now.time_since_epoch().count(), calendar.days());
  // The rows of the last week (the summary's "last 7 days"), and the all-time totals.
  input.logs = logs_.logTotals(username, today - 6, today, true);
  ProgressReport report;
  report.immersion = domain::summarizeImmersion(input, today, user.settings.daily_goal_minutes);
  // Last: it takes the movies out of `input` rather than copying them.
  report.progress = domain::computeProgress(std::move(input), now, calendar.days());
  report.time_zone = calendar.zone_name;
  return report;
}

Result<ActivityReport> ProgressService::activity(std::string_view username,
                                                 std::optional<domain::LocalDay> from,
                                                 std::optional<domain::LocalDay> to,
                                                 const domain::LanguageFilter& language) const {
  storage::Calendar calendar = calendars_.of(username);
  auto now = nowSeconds(clock_);
  ActivityReport report;
  report.to = to.value_or(domain::localDayOf(now.time_since_epoch().count(), calendar.days()));
  report.from = from.value_or(report.to - 6);
  if (report.from > report.to) {
    return Failure{FailureKind::kInvalidRequest, "from must not be after to"};
  }
  if (report.to - report.from + 1 > kMaxActivityDays) {
    return Failure{FailureKind::kInvalidRequest,
                   "A range of at most " + std::to_string(kMaxActivityDays) + " days, please"};
  }
  // The per-day totals of the range only, of synced items and of logs.
  domain::ProgressInput input;
  input.daily = store_.dailyTotals(username, calendar, report.from, report.to);
  input.logs = logs_.logTotals(username, report.from, report.to, false);
  report.time_zone = calendar.zone_name;
  report.days = domain::activityBetween(input, report.from, report.to, language);
  return Result<ActivityReport>::success(std::move(report));
}

}  // namespace it::service
