#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/tv_progress_store.hpp"
#include "util/clock.hpp"
#include "util/failure.hpp"

namespace it::service {

// Where users are in their TV shows (the original Flask app's API): one current position per
// (user, show), overwritten by each update. Callers check names and access first. Reads
// block briefly and throw StoreError on failure. Thread-safe.
class TvProgressService {
 public:
  TvProgressService(storage::TvProgressStore& store, const Clock& clock)
      : store_(store), clock_(clock) {}

  std::optional<storage::TvProgress> position(std::string_view username,
                                              std::string_view tv_show) const;
  // All of a user's shows, sorted by show name.
  std::vector<storage::TvProgress> positions(std::string_view username) const;
  // Every user's positions, by (username, tv_show), `limit` (0: all) after `after`.
  storage::TvProgressPage page(std::size_t limit,
                               const std::optional<storage::TvProgressKey>& after) const;
  // Records that `username` is at `season`/`episode` of `tv_show` now; completes `done` with
  // the stored position once it is durable.
  void update(std::string username, std::string tv_show, std::int64_t season, std::int64_t episode,
              Done<storage::TvProgress> done);

 private:
  storage::TvProgressStore& store_;
  const Clock& clock_;
};

}  // namespace it::service
