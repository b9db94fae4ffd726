#include "domain/time_zone.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <cstdlib>
#include <exception>

namespace it::domain {

const date::time_zone* findTimeZone(std::string_view name) {
  if (name.empty()) {
    return nullptr;
  }
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    // locate_zone reports an unknown name (and an unreadable tz database) by throwing; callers
    // treat both as "no such zone" and answer with a validation error or a fallback.
    return nullptr;
  }
}

std::string machineTimeZoneName() {
  // TZ first: containers often set it while /etc/localtime still says UTC. POSIX allows a
  // leading ':' before a zone name. Values that are not tz database names (POSIX rule strings
  // such as "EST5EDT,M3.2.0,M11.1.0") fall through to the system setting.
  if (const char* tz = std::getenv("TZ"); tz != nullptr) {
    std::string_view name = tz;
    if (!name.empty() && name.front() == ':') {
      name.remove_prefix(1);
    }
    if (const date::time_zone* zone = findTimeZone(name); zone != nullptr) {
      return zone->name();
    }
  }
  try {
    const date::time_zone* zone = date::current_zone();
    if (zone != nullptr && !zone->name().empty()) {
      return zone->name();
    }
  } catch (const std::exception&) {
    // No /etc/localtime, or it points outside the database: UTC is the documented fallback.
  }
  return "UTC";
}

LocalDay localDayOf(std::int64_t epoch_seconds, const DayRule& days) {
  const date::sys_seconds instant{std::chrono::seconds{epoch_seconds}};
  const auto local = days.zone->to_local(instant) - std::chrono::hours(days.start_hour);
  return static_cast<LocalDay>(date::floor<date::days>(local).time_since_epoch().count());
}

std::int64_t startOfLocalDay(LocalDay day, const DayRule& days) {
  const date::local_seconds start =
      date::local_days{date::days{day}} + std::chrono::hours(days.start_hour);
  // choose::earliest: an ambiguous start (clocks fall back over it) is its first occurrence; a
  // skipped one (DST gap) maps to the end of the gap, the first instant that exists on that day.
  return days.zone->to_sys(start, date::choose::earliest).time_since_epoch().count();
}

std::int64_t noonOfLocalDay(LocalDay day, const DayRule& days) {
  const date::local_seconds middle =
      date::local_days{date::days{day}} + std::chrono::hours(12 + days.start_hour);
  return days.zone->to_sys(middle, date::choose::earliest).time_since_epoch().count();
}

std::string dayRuleKey(std::string_view zone_name, int start_hour) {
  std::string key(zone_name);
  if (start_hour != 0) key += "@" + std::to_string(start_hour);
  return key;
}

std::optional<DayRule> dayRuleOfKey(std::string_view key) {
  int start_hour = 0;
  if (auto at = key.find('@'); at != std::string_view::npos) {
    std::string_view hour = key.substr(at + 1);
    if (hour.empty() || hour.size() > 2 ||
        hour.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    start_hour = std::stoi(std::string(hour));
    if (start_hour > 23) return std::nullopt;
    key = key.substr(0, at);
  }
  const date::time_zone* zone = findTimeZone(key);
  if (zone == nullptr) return std::nullopt;
  return DayRule(*zone, start_hour);
}

std::optional<LocalDay> parseIsoDate(std::string_view text) {
  auto digits = [&](std::size_t from, std::size_t count) -> std::optional<int> {
    int n = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      n = n * 10 + (text[i] - '0');
    }
    return n;
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto year = digits(0, 4);
  auto month = digits(5, 2);
  auto day = digits(8, 2);
  if (!year || !month || !day) return std::nullopt;
  const date::year_month_day date{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                  date::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  return static_cast<LocalDay>(date::local_days{date}.time_since_epoch().count());
}

std::string formatIsoDate(LocalDay day) {
  // Written digit by digit: date::format goes through a stream, and GET /api/activity writes up
  // to 366 of these per answer. Years outside 0-9999 (never seen) are left to it.
  const date::year_month_day date{date::sys_days{date::days{day}}};
  const int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) return date::format("%F", date::local_days{date::days{day}});
  std::string text = "0000-00-00";
  auto put = [&text](std::size_t end, unsigned value) {  // right-aligned, ending before `end`
    for (std::size_t at = end; value > 0; value /= 10) {
      text[--at] = static_cast<char>('0' + value % 10);
    }
  };
  put(4, static_cast<unsigned>(year));
  put(7, static_cast<unsigned>(date.month()));
  put(10, static_cast<unsigned>(date.day()));
  return text;
}

}  // namespace it::domain
