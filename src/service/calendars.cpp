#include "service/calendars.hpp"

namespace it::service {

storage::Calendar Calendars::of(std::string_view username) const {
  if (auto own = store_.userTimeZone(username)) {
    if (const auto* zone = domain::findTimeZone(*own)) return {*own, zone};
  }
  return {default_zone_, domain::findTimeZone(default_zone_)};
}

}  // namespace it::service
