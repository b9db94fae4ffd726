#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/time_zone.hpp"
#include "service/sync_service.hpp"
#include "storage/immersion_store.hpp"
#include "util/failure.hpp"

namespace it::api::immersion {

// Decoding and validation of the immersion API's request bodies (wire format → values). A bad
// request is rejected whole: the result is then a kInvalidRequest failure (a 400) naming the
// first bad item, and nothing may be written.

using MovieRequest = service::MovieFile;

struct SpotifySyncRequest {
  std::vector<std::string> episode_ids;
  bool backfill = false;  // also the earlier episodes of their shows
};

// POST /api/movies: a movie watched without a file.
struct AddMovieRequest {
  std::int64_t tmdb_id = 0;
  std::optional<domain::LocalDay> watched_on;  // nothing: today
};

struct ShowUpdateRequest {
  std::string folder_name;
  std::int64_t tvdb_id = 0;
};

// POST /sync {"episodes": [{"folder_name", "file_name"}]}
Result<std::vector<storage::EpisodeRef>> parseSyncEpisodes(std::string_view body);
// POST /syncmovies {"movies": [{"file_name", "tmdb_id"}]}; older clients send "tvdb_id" instead.
// Each item has exactly one of the two.
Result<std::vector<MovieRequest>> parseSyncMovies(std::string_view body);
// POST /syncyoutube {"video_ids": [...]}
Result<std::vector<std::string>> parseSyncYoutube(std::string_view body);
// POST /syncspotify {"episode_ids": [...], "backfill": true|false|null (optional)}
Result<SpotifySyncRequest> parseSyncSpotify(std::string_view body);
// POST /api/movies {"tmdb_id", "watched_on": "YYYY-MM-DD" (optional)}
Result<AddMovieRequest> parseAddMovie(std::string_view body);
// PUT /show {"folder_name", "tvdb_id"}
Result<ShowUpdateRequest> parseShowUpdate(std::string_view body);

}  // namespace it::api::immersion
