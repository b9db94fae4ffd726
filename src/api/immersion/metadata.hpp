#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "providers/metadata_clients.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"

namespace it::api::immersion {

// Provider metadata through the store's shared cache: an id fetched once is served from the
// cache to every user from then on (titles, runtimes and durations of published items hardly
// change, and provider quotas are small). Within a request each id is asked for once.
// Successful fetches are queued
// for the cache before the caller's own write, so they are committed by the time that write
// is acknowledged (the store commits in submission order). Blocking (outbound HTTP): call it
// from a worker thread. Thread-safe.
class MetadataService {
 public:
  MetadataService(storage::Store& store, const Clock& clock, providers::TvdbClient& tvdb,
                  providers::YoutubeClient& youtube, providers::SpotifyClient& spotify);

  providers::Outcome<domain::TvdbSeries> series(std::int64_t id);
  // One outcome per id, in order.
  std::vector<providers::Outcome<domain::TvdbMovie>> movies(const std::vector<std::int64_t>& ids);
  std::vector<providers::Outcome<domain::YoutubeVideo>> videos(const std::vector<std::string>& ids);
  std::vector<providers::Outcome<domain::SpotifyEpisode>> spotifyEpisodes(
      const std::vector<std::string>& ids);
  // Not cached: searches are for a person choosing an id, and cheap for TVDB.
  providers::Outcome<std::vector<domain::TvdbSearchResult>> searchTvdb(std::string_view query,
                                                                       std::string_view type,
                                                                       std::size_t limit);

 private:
  template <class T>
  std::optional<T> cached(std::string_view kind, std::string_view id);
  void remember(std::vector<storage::MetadataEntry> entries);

  storage::Store& store_;
  const Clock& clock_;
  providers::TvdbClient& tvdb_;
  providers::YoutubeClient& youtube_;
  providers::SpotifyClient& spotify_;
};

}  // namespace it::api::immersion
