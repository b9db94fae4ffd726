#include "service/progress_service.hpp"

namespace it::service {

ProgressReport ProgressService::progressOf(std::string_view username) const {
  storage::Calendar calendar = calendars_.of(username);
  auto now = nowSeconds(clock_);
  auto input =
      store_.progressInput(username, calendar, domain::recentWindowStart(now, *calendar.zone));
  return {domain::computeProgress(input, now, *calendar.zone), calendar.zone_name};
}

}  // namespace it::service
