#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "storage/immersion_store.hpp"
#include "util/clock.hpp"

namespace it::service {

// A user's settings, and the calendar they give.
struct UserCalendar {
  storage::Calendar calendar;
  storage::UserSettings settings;
};

// Each user's calendar: their own time zone, else the server's default (also when their zone
// has since disappeared from the system's tz database). Thread-safe.
class Calendars {
 public:
  // `default_zone` must name a zone of the tz database.
  Calendars(storage::ImmersionStore& store, std::string default_zone)
      : store_(store), default_zone_(std::move(default_zone)) {}

  storage::Calendar of(std::string_view username) const { return withSettings(username).calendar; }
  // The same, with the settings it was read from (one read); the defaults for no such user.
  UserCalendar withSettings(std::string_view username) const;

 private:
  storage::ImmersionStore& store_;
  std::string default_zone_;
};

// `clock`'s time, in whole seconds.
inline std::chrono::sys_seconds nowSeconds(const Clock& clock) {
  return std::chrono::floor<std::chrono::seconds>(clock.now());
}

}  // namespace it::service
