#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace it::domain {

// Metadata of the things a user watches, as the providers describe them. Durations are whole
// seconds, as the original stored them.

// A TVDB series (PUT /show).
struct TvdbSeries {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> image;
  std::optional<std::int64_t> average_runtime_seconds;  // TVDB averageRuntime (minutes) * 60
};

// A TVDB movie (POST /syncmovies).
struct TvdbMovie {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> image;
  std::int64_t runtime_seconds = 0;  // TVDB runtime (minutes) * 60; 0 when TVDB has none
};

// One hit of GET /v4/search, for suggesting ids to the sync client.
struct TvdbSearchResult {
  std::int64_t tvdb_id = 0;
  std::string type;  // "series" or "movie"
  std::string name;
  std::optional<std::string> year;
  std::optional<std::string> image_url;
  std::optional<std::string> overview;
};

// A YouTube video with its channel (POST /syncyoutube).
struct YoutubeVideo {
  std::string id;
  std::string title;
  std::string channel_id;
  std::string channel_title;
  std::int64_t duration_seconds = 0;
};

// A Spotify podcast episode with its show (POST /syncspotify).
struct SpotifyEpisode {
  std::string id;
  std::string title;
  std::string show_id;
  std::string show_name;
  std::int64_t duration_seconds = 0;  // duration_ms / 1000, truncated
};

}  // namespace it::domain
