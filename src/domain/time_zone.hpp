#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace it::domain {

// Time zones come from the system tz database (Howard Hinnant's date/tz.h over
// /usr/share/zoneinfo), because g++ 12's <chrono> has none.

// The zone called `name` ("Pacific/Auckland", "UTC", ...), or nullptr when there is none.
const date::time_zone* findTimeZone(std::string_view name);

// The machine's zone name (from /etc/localtime or TZ), or "UTC" when it cannot be told.
std::string machineTimeZoneName();

// A local calendar day: days since 1970-01-01 of the date on the wall clock in some zone.
using LocalDay = std::int32_t;

// How instants fall into a user's days: their time zone, and the hour at which each of their
// days begins (0: midnight; 4: a day ends at 4 a.m., as in Anki, so 2 a.m. still counts for
// the day before).
struct DayRule {
  // A zone alone: days from midnight to midnight.
  DayRule(const date::time_zone& zone, int start_hour = 0)  // NOLINT(google-explicit-constructor)
      : zone(&zone), start_hour(start_hour) {}

  const date::time_zone* zone;
  int start_hour;
};

// The day the instant `epoch_seconds` falls in: the local date, in the rule's zone, of the
// wall-clock time `start_hour` hours earlier.
LocalDay localDayOf(std::int64_t epoch_seconds, const DayRule& days);

// The first instant of day `day` (its local start hour, or the end of the gap when a DST change
// skips it), as epoch seconds.
std::int64_t startOfLocalDay(LocalDay day, const DayRule& days);

// The middle of day `day`: twelve hours after its start on the wall clock (noon for days that
// begin at midnight; the earlier one should clocks go back over it), as epoch seconds: when a
// movie watched that day at an unknown time is said to have been watched.
std::int64_t noonOfLocalDay(LocalDay day, const DayRule& days);

// What per-day totals kept under a rule record it as: the zone's name ("Asia/Tokyo"), with
// "@<hour>" when days begin at another hour than midnight ("Asia/Tokyo@4").
std::string dayRuleKey(std::string_view zone_name, int start_hour);
// The rule a key names; nothing when the zone is gone or the key is not one.
std::optional<DayRule> dayRuleOfKey(std::string_view key);

// A calendar date written "YYYY-MM-DD" (four-digit year, a day that exists), or nothing.
std::optional<LocalDay> parseIsoDate(std::string_view text);
// `day` as "YYYY-MM-DD".
std::string formatIsoDate(LocalDay day);

}  // namespace it::domain
