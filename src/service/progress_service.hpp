#pragma once

#include <string>
#include <string_view>

#include "domain/progress.hpp"
#include "service/calendars.hpp"
#include "storage/immersion_store.hpp"
#include "util/clock.hpp"

namespace it::service {

// GET /progress for one user, and the zone its days are counted in.
struct ProgressReport {
  domain::Progress progress;
  std::string time_zone;
};

// A user's immersion statistics: reads the totals the store keeps, in the user's calendar, and
// computes them (domain/progress.hpp). Blocking (a store round trip); throws StoreError when
// the store cannot be read. Thread-safe.
class ProgressService {
 public:
  ProgressService(storage::ImmersionStore& store, const Clock& clock, const Calendars& calendars)
      : store_(store), clock_(clock), calendars_(calendars) {}

  ProgressReport progressOf(std::string_view username) const;

 private:
  storage::ImmersionStore& store_;
  const Clock& clock_;
  const Calendars& calendars_;
};

}  // namespace it::service
