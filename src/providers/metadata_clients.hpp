#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/media.hpp"
#include "net/http_transport.hpp"
#include "providers/outcome.hpp"
#include "util/clock.hpp"

namespace it::providers {

// Where the providers are and how to log in. Base URLs are origins (no path); the clients
// append the APIs' own paths (/v4/login, /youtube/v3/videos, /v1/episodes/{id}, /api/token).
// An empty credential means "not configured": every call then fails with kNotConfigured and a
// message naming the environment variable to set.
struct ProviderSettings {
  std::string tvdb_base_url = "https://api4.thetvdb.com";
  std::string tvdb_api_key;  // IMMERSION_TRACKER_TVDB_API_KEY
  std::string tvdb_pin;      // only for subscriber keys; never sent when empty
  std::string tmdb_base_url = "https://api.themoviedb.org";
  std::string tmdb_read_access_token;  // IMMERSION_TRACKER_TMDB_READ_ACCESS_TOKEN
  std::string youtube_base_url = "https://www.googleapis.com";
  std::string youtube_api_key;  // IMMERSION_TRACKER_YOUTUBE_API_KEY
  std::string spotify_api_base_url = "https://api.spotify.com";
  std::string spotify_accounts_base_url = "https://accounts.spotify.com";
  std::string spotify_client_id;      // IMMERSION_TRACKER_SPOTIFY_CLIENT_ID
  std::string spotify_client_secret;  // IMMERSION_TRACKER_SPOTIFY_CLIENT_SECRET
  std::string spotify_market = "US";  // episodes are unavailable without a market
  // Per attempt: connecting, then the whole exchange (provider_timeout_seconds). A provider
  // that does not answer in time counts as down for that attempt, and is retried as `retry`
  // says.
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{10000};
  net::RetryPolicy retry;
};

// Which providers have credentials, and so can be asked.
struct ConfiguredProviders {
  bool tvdb = false;
  bool tmdb = false;
  bool youtube = false;
  bool spotify = false;
  // The database movies are looked up in by default: TMDB when it is configured (as the
  // original does today), else TVDB (as it did first).
  const char* movieDatabase() const { return tmdb || !tvdb ? "tmdb" : "tvdb"; }
};

inline ConfiguredProviders configuredProviders(const ProviderSettings& s) {
  return {!s.tvdb_api_key.empty(), !s.tmdb_read_access_token.empty(), !s.youtube_api_key.empty(),
          !s.spotify_client_id.empty() && !s.spotify_client_secret.empty()};
}

// TheTVDB v4. Logs in once and reuses the token until shortly before it expires (a month), or
// until a call answers 401 (then logs in again, once). Thread-safe.
class TvdbClient {
 public:
  virtual ~TvdbClient() = default;
  virtual Outcome<domain::TvdbSeries> series(std::int64_t id) = 0;
  virtual Outcome<domain::TvdbMovie> movie(std::int64_t id) = 0;
  // type: "series" or "movie". At most `limit` results, in TVDB's order.
  virtual Outcome<std::vector<domain::TvdbSearchResult>> search(std::string_view query,
                                                                std::string_view type,
                                                                std::size_t limit) = 0;
};

// TMDB API v3 with a read access token (sent as a Bearer token). Thread-safe.
class TmdbClient {
 public:
  virtual ~TmdbClient() = default;
  // GET /3/movie/{id}. kNotFound when TMDB has no such movie (404, or an id it calls invalid),
  // kItemRejected when it has no runtime yet (the movie would count for nothing).
  virtual Outcome<domain::TmdbMovie> movie(std::int64_t id) = 0;
  // GET /3/search/movie (first page, adult titles left out): at most `limit` results, in
  // TMDB's order.
  virtual Outcome<std::vector<domain::TmdbSearchResult>> search(std::string_view query,
                                                                std::size_t limit) = 0;
};

// YouTube Data API v3 videos.list and channels.list. Thread-safe.
class YoutubeClient {
 public:
  virtual ~YoutubeClient() = default;
  // One outcome per id, in the order given; asks for up to 50 ids per call. An id missing from
  // the answer is kNotFound; a failed call fails every id of its batch.
  virtual std::vector<Outcome<domain::YoutubeVideo>> videos(
      const std::vector<std::string>& ids) = 0;
  // channels.list, the same way: titles and thumbnails of channels.
  virtual std::vector<Outcome<domain::YoutubeChannel>> channels(
      const std::vector<std::string>& ids) = 0;
};

// Spotify Web API with the client-credentials flow. The token is reused until shortly before
// `expires_in` runs out, or until a call answers 401 (then fetched again, once). Thread-safe.
class SpotifyClient {
 public:
  virtual ~SpotifyClient() = default;
  virtual Outcome<domain::SpotifyEpisode> episode(std::string_view id) = 0;
  // Every episode of the show (GET /v1/shows/{id}/episodes, 50 a page, following `next`), in
  // Spotify's order, each with `show_id` set and `show_name` empty (pages do not say it).
  // Unavailable episodes (null entries) are left out. At most kMaxShowEpisodes.
  virtual Outcome<std::vector<domain::SpotifyEpisode>> showEpisodes(std::string_view show_id) = 0;

  // More than this many episodes in a show is taken for a broken answer (and bounds the work).
  static constexpr std::size_t kMaxShowEpisodes = 10'000;
};

// The real clients over `transport` (which must outlive them). `clock` times token expiry.
std::unique_ptr<TvdbClient> makeTvdbClient(const ProviderSettings& settings,
                                           net::HttpTransport& transport, const Clock& clock);
std::unique_ptr<TmdbClient> makeTmdbClient(const ProviderSettings& settings,
                                           net::HttpTransport& transport);
std::unique_ptr<YoutubeClient> makeYoutubeClient(const ProviderSettings& settings,
                                                 net::HttpTransport& transport);
std::unique_ptr<SpotifyClient> makeSpotifyClient(const ProviderSettings& settings,
                                                 net::HttpTransport& transport, const Clock& clock);

}  // namespace it::providers
