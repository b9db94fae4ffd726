#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "providers/metadata_clients.hpp"

namespace it::test {

// TheTVDB v4, TMDB v3, YouTube Data v3 and the Spotify Web API on one loopback port, speaking
// their wire formats (reference/external-apis.md §1-3; TMDB as its v3 docs describe it):
// envelopes, error bodies, 404s, batches with missing ids, 429 with Retry-After. Tests fill it
// with data and inject failures. Thread-safe.
class FakeProviders {
 public:
  // The credentials it accepts; anything else gets the provider's 401/400 answer.
  static constexpr const char* kTvdbApiKey = "fake-tvdb-key";
  static constexpr const char* kTmdbReadAccessToken = "fake-tmdb-token";
  static constexpr const char* kYoutubeApiKey = "fake-youtube-key";
  static constexpr const char* kSpotifyClientId = "fake-spotify-id";
  static constexpr const char* kSpotifyClientSecret = "fake-spotify-secret";

  FakeProviders();  // listening on 127.0.0.1, a free port
  ~FakeProviders();
  FakeProviders(const FakeProviders&) = delete;
  FakeProviders& operator=(const FakeProviders&) = delete;

  // "http://127.0.0.1:PORT": the origin of all the base URLs.
  std::string baseUrl() const;
  // Settings pointing every client here, with the credentials above and a retry policy with
  // millisecond backoffs (Retry-After capped at 50 ms) so tests stay fast.
  providers::ProviderSettings settings() const;
  // The base URLs and credentials above as the server's environment variables
  // (IMMERSION_TRACKER_*), for a server run as a child process. TMDB is left out, so that such
  // a server looks movies up in TVDB; add tmdbEnvironment() for TMDB.
  std::vector<std::pair<std::string, std::string>> environment() const;
  // IMMERSION_TRACKER_TMDB_BASE_URL and IMMERSION_TRACKER_TMDB_READ_ACCESS_TOKEN.
  std::vector<std::pair<std::string, std::string>> tmdbEnvironment() const;

  // Data. Series and movies are also found by GET /v4/search (case-insensitive substring).
  void addSeries(std::int64_t id, std::string name, std::optional<std::string> image,
                 std::optional<int> average_runtime_minutes);
  void addMovie(std::int64_t id, std::string name, std::optional<std::string> image,
                std::optional<int> runtime_minutes);
  // A TMDB movie for GET /3/movie/{id} (runtime null when `runtime_minutes` is nothing), also
  // found by GET /3/search/movie (case-insensitive substring of title or original_title).
  void addTmdbMovie(std::int64_t id, std::string original_title, std::string title,
                    std::optional<std::string> poster_path, std::optional<int> runtime_minutes,
                    std::string release_date = "2016-08-26", std::string overview = "A movie.");
  // A video for videos.list; its snippet.defaultAudioLanguage is `audio_language`, none when
  // nothing.
  void addVideo(std::string id, std::string title, std::string channel_id,
                std::string channel_title, std::string iso_duration,
                std::optional<std::string> audio_language = "ja");
  // A channel for channels.list; `thumbnail_sizes` are the thumbnails it has ("default",
  // "medium", "high"), each at https://yt3.ggpht.com/<id>-<size>.
  void addChannel(std::string id, std::string title,
                  std::vector<std::string> thumbnail_sizes = {"default", "medium", "high"});
  // A Spotify episode; its release date as Spotify gives it ("2024-05-01", "2024-05" or "2024")
  // with its release_date_precision. Also listed, newest first, by its show's
  // GET /v1/shows/{id}/episodes pages (at most 50 a page, linked by `next`).
  void addSpotifyEpisode(std::string id, std::string name, std::int64_t duration_ms,
                         std::string show_id, std::string show_name,
                         std::string release_date = "2024-05-01", std::string precision = "day");
  // An episode the show's pages list as null (unavailable in the market, region-locked).
  void addUnavailableSpotifyEpisode(std::string show_id, std::string release_date);

  // The next `times` requests whose path starts with `path_prefix` are answered with `status`
  // and `body` (plus `Retry-After: <seconds>` when given) instead of normally.
  void failNext(std::string path_prefix, int status, std::string body, int times = 1,
                std::optional<int> retry_after_seconds = std::nullopt);
  // Requests whose path starts with `path_prefix` are answered only after `delay`.
  void setDelay(std::string path_prefix, std::chrono::milliseconds delay);
  // Every token handed out so far stops working (TVDB and Spotify answer 401 to it).
  void expireTokens();
  // From now on, every answer says "Connection: close" and its connection is closed after it,
  // as a server without keep-alive does (what a client that never reuses connections costs);
  // `false` restores keep-alive, which the real APIs offer.
  void closeEveryConnection(bool close);

  // Requests received so far whose path starts with `path_prefix` ("/v4/login",
  // "/v4/series/", "/3/movie/", "/youtube/v3/videos", "/v1/episodes/", "/api/token", ...).
  int requestCount(std::string_view path_prefix) const;
  // Their full targets (path and query), in arrival order.
  std::vector<std::string> requestTargets(std::string_view path_prefix) const;
  // TCP connections accepted so far, for all the providers together.
  int connectionCount() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace it::test
