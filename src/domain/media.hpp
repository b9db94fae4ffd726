#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace it::domain {

// Metadata of the things a user watches, as the providers describe them. Durations are whole
// seconds, as the original stored them.

// The longest duration believed from a provider (a year). Anything longer is a broken answer,
// and would let a few items overflow the sums of a user's history.
constexpr std::int64_t kMaxMediaSeconds = 366LL * 24 * 60 * 60;

// Whether `seconds` is a duration to believe.
constexpr bool isPlausibleDuration(std::int64_t seconds) {
  return seconds >= 0 && seconds <= kMaxMediaSeconds;
}

// A TVDB series (PUT /show).
struct TvdbSeries {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> image;
  std::optional<std::int64_t> average_runtime_seconds;  // TVDB averageRuntime (minutes) * 60
  std::optional<std::string> language;  // originalLanguage ("jpn") as contentLanguage ("ja")
};

// A TVDB movie (POST /syncmovies with a tvdb_id, as the original's first clients send).
struct TvdbMovie {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> image;
  std::int64_t runtime_seconds = 0;     // TVDB runtime (minutes) * 60; 0 when TVDB has none
  std::optional<std::string> language;  // originalLanguage, when TVDB gives it
};

// A TMDB movie (POST /syncmovies with a tmdb_id, POST /api/movies).
struct TmdbMovie {
  std::int64_t id = 0;
  std::string name;   // original_title: the name in the movie's own language and script
  std::string title;  // title: TMDB's localised (English) title
  std::optional<std::string> image;     // kTmdbPosterBase + poster_path; nothing without a poster
  std::int64_t runtime_seconds = 0;     // runtime (minutes) * 60, never 0 (see TmdbClient)
  std::optional<std::string> language;  // original_language
};

// Where TMDB's w500 posters are: a poster_path ("/q719j...jpg") is appended.
inline constexpr std::string_view kTmdbPosterBase = "https://image.tmdb.org/t/p/w500";

// Which database a movie's id comes from.
enum class MovieDatabase : std::uint8_t { kTvdb, kTmdb };

// A movie as it is recorded, from either database.
struct Movie {
  MovieDatabase database = MovieDatabase::kTmdb;
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> image;
  std::int64_t runtime_seconds = 0;
  std::optional<std::string> language;

  friend bool operator==(const Movie&, const Movie&) = default;
};

inline Movie movieFrom(const TvdbMovie& m) {
  return {MovieDatabase::kTvdb, m.id, m.name, m.image, m.runtime_seconds, m.language};
}
inline Movie movieFrom(const TmdbMovie& m) {
  return {MovieDatabase::kTmdb, m.id, m.name, m.image, m.runtime_seconds, m.language};
}

// One hit of GET /v4/search, for suggesting ids to the sync client.
struct TvdbSearchResult {
  std::int64_t tvdb_id = 0;
  std::string type;  // "series" or "movie"
  std::string name;
  std::optional<std::string> year;
  std::optional<std::string> image_url;
  std::optional<std::string> overview;
};

// One hit of TMDB's GET /3/search/movie.
struct TmdbSearchResult {
  std::int64_t tmdb_id = 0;
  std::string name;                 // original_title
  std::string title;                // the localised title
  std::optional<std::string> year;  // of release_date; nothing when TMDB has no date
  std::optional<std::string> image_url;
  std::optional<std::string> overview;  // nothing when empty
};

// A YouTube video with its channel (POST /syncyoutube).
struct YoutubeVideo {
  std::string id;
  std::string title;
  std::string channel_id;
  std::string channel_title;
  std::int64_t duration_seconds = 0;
  // The channel's thumbnail (from channels.list, not the video): nothing until looked up.
  std::optional<std::string> channel_artwork_url;
  // snippet.defaultAudioLanguage, else snippet.defaultLanguage, as contentLanguage.
  std::optional<std::string> language;
};

// A YouTube channel (channels.list): its title and thumbnail (high, else medium, else default).
struct YoutubeChannel {
  std::string id;
  std::string title;
  std::optional<std::string> thumbnail_url;
};

// A Spotify podcast episode with its show (POST /syncspotify).
struct SpotifyEpisode {
  std::string id;
  std::string title;
  std::string show_id;
  std::string show_name;
  std::int64_t duration_seconds = 0;  // duration_ms / 1000, truncated
  // "YYYY-MM-DD"; a date Spotify gives to the month is the 1st, to the year January 1st.
  // Nothing when Spotify gave none, or gave it to a precision it does not document.
  std::optional<std::string> release_date;
  std::optional<std::string> show_artwork_url;  // the show's first image
  // The episode's language, else its first of languages, else its show's first.
  std::optional<std::string> language;
};

// A Spotify release date ("2024-05-01", "2024-05" or "2024") with its release_date_precision
// ("day", "month", "year") as "YYYY-MM-DD" (ISO dates compare as text); nothing when either
// is malformed or the precision is another.
std::optional<std::string> spotifyReleaseDay(std::string_view date, std::string_view precision);

}  // namespace it::domain
