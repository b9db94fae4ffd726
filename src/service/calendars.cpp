#include "service/calendars.hpp"

namespace it::service {

UserCalendar Calendars::withSettings(std::string_view username) const {
  UserCalendar user;
  user.settings = store_.userSettings(username).value_or(storage::UserSettings{});
  if (const auto& own = user.settings.time_zone) {
    if (const auto* zone = domain::findTimeZone(*own)) {
      user.calendar = {*own, zone, user.settings.day_start_hour};
      return user;
    }
  }
  user.calendar = {default_zone_, domain::findTimeZone(default_zone_),
                   user.settings.day_start_hour};
  return user;
}

}  // namespace it::service
