#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "providers/metadata_clients.hpp"
#include "storage/metadata_cache.hpp"
#include "util/clock.hpp"

namespace it::service {

// Provider metadata through the store's shared cache: an id fetched once is served from the
// cache to every user from then on (titles, runtimes and durations of published items hardly
// change, and provider quotas are small). Within a request each id is asked for once, and
// requests asking for the same id at the same time share one provider call.
// Successful fetches are queued
// for the cache before the caller's own write, so they are committed by the time that write
// is acknowledged (the store commits in submission order). Blocking (outbound HTTP): call it
// from a worker thread. Thread-safe.
class MetadataService {
 public:
  MetadataService(storage::MetadataCache& store, const Clock& clock, providers::TvdbClient& tvdb,
                  providers::TmdbClient& tmdb, providers::YoutubeClient& youtube,
                  providers::SpotifyClient& spotify);

  providers::Outcome<domain::TvdbSeries> series(std::int64_t id);
  // One outcome per id, in order.
  std::vector<providers::Outcome<domain::TvdbMovie>> tvdbMovies(
      const std::vector<std::int64_t>& ids);
  std::vector<providers::Outcome<domain::TmdbMovie>> tmdbMovies(
      const std::vector<std::int64_t>& ids);
  std::vector<providers::Outcome<domain::YoutubeVideo>> videos(const std::vector<std::string>& ids);
  std::vector<providers::Outcome<domain::YoutubeChannel>> youtubeChannels(
      const std::vector<std::string>& ids);
  std::vector<providers::Outcome<domain::SpotifyEpisode>> spotifyEpisodes(
      const std::vector<std::string>& ids);
  // Not cached: a show's list of episodes grows.
  providers::Outcome<std::vector<domain::SpotifyEpisode>> spotifyShowEpisodes(
      std::string_view show_id) {
    return spotify_.showEpisodes(show_id);
  }
  // Not cached: searches are for a person choosing an id, and cheap for TVDB.
  providers::Outcome<std::vector<domain::TvdbSearchResult>> searchTvdb(std::string_view query,
                                                                       std::string_view type,
                                                                       std::size_t limit);
  providers::Outcome<std::vector<domain::TmdbSearchResult>> searchTmdb(std::string_view query,
                                                                       std::size_t limit);

 private:
  // A lookup under way: requests needing the same id wait for its result (the cache body, or
  // nothing when it failed) instead of calling the provider again.
  struct Flight {
    std::mutex mutex;
    std::condition_variable landed;
    bool done = false;
    std::optional<std::string> body;
  };

  template <class T, class Key>
  struct Plan;
  template <class T, class Key>
  Plan<T, Key> plan(const std::vector<Key>& ids);
  template <class T, class Key, class Fetch>
  void fetchOwned(Plan<T, Key>& plan, Fetch& fetch);
  template <class T, class Key, class Fetch>
  void awaitOthers(Plan<T, Key>& plan, const std::vector<Key>& ids, Fetch& fetch);
  template <class T, class Key, class Fetch>
  std::vector<providers::Outcome<T>> lookUp(const std::vector<Key>& ids, Fetch fetch);
  template <class T>
  std::optional<T> cached(std::string_view id);
  void remember(std::vector<storage::MetadataEntry> entries);
  // The flights by "<kind>:<id>". A successful flight stays until its cache entry is
  // committed, so a request arriving in between still finds the result. Shared with the
  // store's commit callbacks, which may run after this service is gone.
  struct Flights {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<Flight>> by_key;
  };
  // The flight for `key`, and whether the caller owns it (must fetch, then land it).
  std::pair<std::shared_ptr<Flight>, bool> board(const std::string& key);
  // Ends `flight` with `body` (nothing: failed) and wakes its waiters; `unboard` also takes a
  // successful one off the board (when the cache already holds it).
  void land(const std::string& key, Flight& flight, std::optional<std::string> body, bool unboard);

  storage::MetadataCache& store_;
  const Clock& clock_;
  providers::TvdbClient& tvdb_;
  providers::TmdbClient& tmdb_;
  providers::YoutubeClient& youtube_;
  providers::SpotifyClient& spotify_;
  std::shared_ptr<Flights> flights_ = std::make_shared<Flights>();
};

}  // namespace it::service
