#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
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

// What one request may cost the providers, and how long a provider's "no such id" is believed.
struct MetadataLimits {
  // A lookup the provider answered "no such id" (or "not this id", kItemRejected) is answered
  // the same way from memory for this long, so that asking again and again for ids that do
  // not exist costs the provider nothing. Failures of the provider itself (timeouts, 5xx,
  // 429) are never remembered: the next request tries again.
  std::chrono::seconds not_found_for{std::chrono::minutes(10)};
  // At most this many such answers are remembered (the oldest go first); each is an id and
  // the provider's one-sentence answer, a few hundred bytes.
  std::size_t max_not_found = 100'000;
  // How long one request may go on asking providers. Once it is spent, the ids not yet
  // looked up are failed as if the provider were unavailable (a sync lists them under
  // `failed`, and the next sync asks for them again), so a request of 10,000 unknown ids cannot
  // keep a provider thread, and the provider, busy for hours. A call under way is not cut
  // short: the request ends at most one call (its timeout and retries) after the budget.
  std::chrono::milliseconds request_budget{std::chrono::seconds(20)};
};

// Provider metadata through the store's shared cache: an id fetched once is served from the
// cache to every user from then on (titles, runtimes and durations of published items hardly
// change, and provider quotas are small). Within a request each id is asked for once, and
// requests asking for the same id at the same time share one provider call. An id the provider
// says does not exist is remembered so for a while (in memory), and a request stops asking
// providers once its time budget is spent (MetadataLimits). Successful fetches are queued
// for the cache before the caller's own write, so they are committed by the time that write
// is acknowledged (the store commits in submission order). Blocking (outbound HTTP): call it
// from a worker thread. Thread-safe.
class MetadataService {
 public:
  MetadataService(storage::MetadataCache& store, const Clock& clock, providers::TvdbClient& tvdb,
                  providers::TmdbClient& tmdb, providers::YoutubeClient& youtube,
                  providers::SpotifyClient& spotify, MetadataLimits limits = {});

  // When a request must stop asking providers. Measured on the steady clock, not `clock`: it
  // is about time really spent (and tests run with a clock that stands still).
  using Deadline = std::chrono::steady_clock::time_point;
  // The deadline of a request starting now (MetadataLimits::request_budget). A request making
  // several lookups passes the same deadline to each, so that they share one budget.
  Deadline deadline() const { return std::chrono::steady_clock::now() + limits_.request_budget; }

  providers::Outcome<domain::TvdbSeries> series(std::int64_t id);
  // One outcome per id, in order. Ids whose turn comes after `deadline` fail kUnavailable
  // without the provider being asked.
  std::vector<providers::Outcome<domain::TvdbMovie>> tvdbMovies(
      const std::vector<std::int64_t>& ids, Deadline deadline);
  std::vector<providers::Outcome<domain::TmdbMovie>> tmdbMovies(
      const std::vector<std::int64_t>& ids, Deadline deadline);
  std::vector<providers::Outcome<domain::YoutubeVideo>> videos(const std::vector<std::string>& ids,
                                                               Deadline deadline);
  std::vector<providers::Outcome<domain::YoutubeChannel>> youtubeChannels(
      const std::vector<std::string>& ids, Deadline deadline);
  std::vector<providers::Outcome<domain::SpotifyEpisode>> spotifyEpisodes(
      const std::vector<std::string>& ids, Deadline deadline);
  // Not cached: a show's list of episodes grows. Fails kUnavailable after `deadline`.
  providers::Outcome<std::vector<domain::SpotifyEpisode>> spotifyShowEpisodes(
      std::string_view show_id, Deadline deadline);
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
  // The provider's remembered "no such id" for `key` ("<kind>:<id>"), if still believed.
  std::optional<providers::Failure> knownMissing(const std::string& key);
  // Remembers `failure` for `key` when it is the provider's answer about the id itself.
  void rememberMissing(const std::string& key, const providers::Failure& failure);
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
  const MetadataLimits limits_;
  std::shared_ptr<Flights> flights_ = std::make_shared<Flights>();
  // The ids the providers said do not exist, by "<kind>:<id>", until when that is believed;
  // `order` holds the same keys oldest first (plus ones already replaced, skipped when their
  // time comes), to drop the oldest when full and the expired ones as new ones arrive.
  struct Missing {
    providers::Failure failure;
    std::chrono::system_clock::time_point until;
  };
  struct MissingIds {
    std::mutex mutex;
    std::unordered_map<std::string, Missing> by_key;
    std::deque<std::pair<std::string, std::chrono::system_clock::time_point>> order;
  } missing_;
};

}  // namespace it::service
