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

// The local date of the instant `epoch_seconds` in `zone`.
LocalDay localDayOf(std::int64_t epoch_seconds, const date::time_zone& zone);

// The first instant of local day `day` in `zone` (local midnight, or the end of the gap when a
// DST change skips midnight), as epoch seconds.
std::int64_t startOfLocalDay(LocalDay day, const date::time_zone& zone);

// Noon of local day `day` in `zone` (the earlier one should clocks go back over it), as epoch
// seconds: when a movie watched that day at an unknown time is said to have been watched.
std::int64_t noonOfLocalDay(LocalDay day, const date::time_zone& zone);

// A calendar date written "YYYY-MM-DD" (four-digit year, a day that exists), or nothing.
std::optional<LocalDay> parseIsoDate(std::string_view text);
// `day` as "YYYY-MM-DD".
std::string formatIsoDate(LocalDay day);

}  // namespace it::domain
