#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/api_client.hpp"
#include "client/sync_command.hpp"

// Asking the user for the TVDB or TMDB id of a show or movie, as the original sync script did,
// with the server's search results offered as numbered suggestions.

namespace it::client::sync {

// Where ids come from: a database and what to search it for.
struct IdSource {
  const char* database;  // "TVDB" or "TMDB", as the prompts name it
  const char* search;    // the server's search, with its type: "tvdb/search?type=movie"
  const char* id_field;  // the id's member in a search result and in a request: "tvdb_id"
};

inline constexpr IdSource kTvdbSeries{"TVDB", "tvdb/search?type=series", "tvdb_id"};
inline constexpr IdSource kTvdbMovies{"TVDB", "tvdb/search?type=movie", "tvdb_id"};
inline constexpr IdSource kTmdbMovies{"TMDB", "tmdb/search?", "tmdb_id"};

// The database the server looks movies up in (GET /api/providers): TMDB when it has TMDB's
// token, else TVDB, which is also what a server without that endpoint (an older one) uses.
const IdSource& movieSource(ApiClient& api);

// One search result offered at a prompt.
struct IdMatch {
  std::int64_t id = 0;
  std::string label;  // "Free! (2013)", "君の名は。 / Your Name. (2016)"
};

// Searches `source` (through the server) for the folder or file `name`, and lists up to five
// matches as "<database> matches for <what>:". Returns them; none, and nothing printed, when
// searching is not possible.
std::vector<IdMatch> offerMatches(ApiClient& api, Console& console, std::string_view name,
                                  const IdSource& source, const std::string& what);

// Asks "Enter the <database> id for <what>:" (the original's words) until the answer is an id
// or the number of a match, and returns the id. Throws ClientError when input ends.
std::int64_t askId(Console& console, const IdSource& source, const std::string& what,
                   const std::vector<IdMatch>& matches);

}  // namespace it::client::sync
