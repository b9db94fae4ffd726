// The immersion API's request bodies (api/immersion/requests.hpp), each input decoded as every
// endpoint's: POST /sync, /syncmovies, /syncyoutube, /syncspotify, /api/movies and PUT /show.
//
// Invariants: a decoded request holds at most kMaxItemsPerRequest items, each valid (names
// non-empty UTF-8 of at most 1024 bytes, ids of the right form, TVDB and TMDB ids positive, a
// movie's day a real date from 1970-01-02); a rejected
// one is an invalid request, rendered as a 400 in the service's error shape (so a quoted bad
// value never breaks the JSON), of bounded size.

#include <string>
#include <vector>

#include "api/immersion/requests.hpp"
#include "domain/names.hpp"
#include "domain/time_zone.hpp"
#include "fuzz_support.hpp"

namespace {

namespace immersion = it::api::immersion;
namespace domain = it::domain;
using it::fuzz::decodedOrRefused;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body = it::fuzz::textOf(data, size);

  // Each result is kept in a variable: decodedOrRefused() points into it.
  auto sync = immersion::parseSyncEpisodes(body);
  if (const auto* episodes = decodedOrRefused(sync)) {
    FUZZ_CHECK(episodes->size() <= domain::kMaxItemsPerRequest);
    for (const auto& e : *episodes) {
      FUZZ_CHECK(domain::isValidItemName(e.folder_name));
      FUZZ_CHECK(domain::isValidItemName(e.file_name));
    }
  }
  auto sync_movies = immersion::parseSyncMovies(body);
  if (const auto* movies = decodedOrRefused(sync_movies)) {
    FUZZ_CHECK(movies->size() <= domain::kMaxItemsPerRequest);
    for (const auto& m : *movies) {
      FUZZ_CHECK(domain::isValidItemName(m.file_name));
      FUZZ_CHECK(m.id > 0);
    }
  }
  auto add_movie = immersion::parseAddMovie(body);
  if (const auto* movie = decodedOrRefused(add_movie)) {
    FUZZ_CHECK(movie->tmdb_id > 0);
    if (movie->watched_on) {
      FUZZ_CHECK(*movie->watched_on >= 1);
      FUZZ_CHECK(domain::parseIsoDate(domain::formatIsoDate(*movie->watched_on)) ==
                 movie->watched_on);
    }
  }
  auto sync_youtube = immersion::parseSyncYoutube(body);
  if (const auto* ids = decodedOrRefused(sync_youtube)) {
    FUZZ_CHECK(ids->size() <= domain::kMaxItemsPerRequest);
    for (const auto& id : *ids) FUZZ_CHECK(domain::isValidYoutubeVideoId(id));
  }
  auto sync_spotify = immersion::parseSyncSpotify(body);
  if (const auto* spotify = decodedOrRefused(sync_spotify)) {
    FUZZ_CHECK(spotify->episode_ids.size() <= domain::kMaxItemsPerRequest);
    for (const auto& id : spotify->episode_ids) FUZZ_CHECK(domain::isValidSpotifyId(id));
    // Only a JSON true turns the back catalogue on.
    FUZZ_CHECK(!spotify->backfill || body.find("true") != std::string_view::npos);
  }
  auto show_update = immersion::parseShowUpdate(body);
  if (const auto* show = decodedOrRefused(show_update)) {
    FUZZ_CHECK(domain::isValidItemName(show->folder_name));
    FUZZ_CHECK(show->tvdb_id > 0);
  }
  return 0;
}
