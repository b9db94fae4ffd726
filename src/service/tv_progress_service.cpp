#include "service/tv_progress_service.hpp"

#include "util/time_format.hpp"

namespace it::service {

std::optional<storage::TvProgress> TvProgressService::position(std::string_view username,
                                                               std::string_view tv_show) const {
  return store_.getTvProgress(username, tv_show);
}

std::vector<storage::TvProgress> TvProgressService::positions(std::string_view username) const {
  return store_.listTvProgress(username);
}

storage::TvProgressPage TvProgressService::page(
    std::size_t limit, const std::optional<storage::TvProgressKey>& after) const {
  return store_.listAllTvProgress(limit, after);
}

void TvProgressService::update(std::string username, std::string tv_show, std::int64_t season,
                               std::int64_t episode, Done<storage::TvProgress> done) {
  storage::TvProgress progress{std::move(username), std::move(tv_show), season, episode,
                               formatUtcMicros(clock_.now())};
  store_.putTvProgress(progress, [done = std::move(done), progress](Result<void> written) {
    if (!written) return done(Result<storage::TvProgress>::fail(*written.failure));
    done(Result<storage::TvProgress>::success(progress));
  });
}

}  // namespace it::service
