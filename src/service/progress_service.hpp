#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/activity.hpp"
#include "domain/immersion_summary.hpp"
#include "domain/progress.hpp"
#include "service/calendars.hpp"
#include "storage/immersion_store.hpp"
#include "storage/log_store.hpp"
#include "util/clock.hpp"
#include "util/failure.hpp"

namespace it::service {

// GET /progress for one user: the original's fields (synced media), all immersion (synced and
// logged) against their goal, and the zone its days are counted in.
struct ProgressReport {
  domain::Progress progress;
  domain::ImmersionSummary immersion;
  std::string time_zone;
};

// GET /api/activity: one entry per day of [from, to] in the user's zone, per medium.
struct ActivityReport {
  domain::LocalDay from = 0;
  domain::LocalDay to = 0;
  std::string time_zone;
  std::vector<domain::DayActivity> days;
};

// A user's immersion statistics: reads the totals the store keeps, in the user's calendar, and
// computes them (domain/progress.hpp). Blocking (a store round trip); throws StoreError when
// the store cannot be read. Thread-safe.
class ProgressService {
 public:
  ProgressService(storage::ImmersionStore& store, storage::LogStore& logs, const Clock& clock,
                  const Calendars& calendars)
      : store_(store), logs_(logs), clock_(clock), calendars_(calendars) {}

  ProgressReport progressOf(std::string_view username) const;
  // Immersion per day and kind from `from` to `to` (days of the user's calendar): `to` is
  // today unless given, `from` six days before `to` unless given. kInvalidRequest when `from`
  // is after `to` or the range is longer than kMaxActivityDays.
  // Only immersion in `language` when it is given.
  Result<ActivityReport> activity(
      std::string_view username, std::optional<domain::LocalDay> from,
      std::optional<domain::LocalDay> to,
      const domain::LanguageFilter& language = domain::LanguageFilter::any()) const;

  static constexpr int kMaxActivityDays = 366;

 private:
  storage::ImmersionStore& store_;
  storage::LogStore& logs_;
  const Clock& clock_;
  const Calendars& calendars_;
};

}  // namespace it::service
