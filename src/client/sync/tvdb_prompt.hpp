#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/api_client.hpp"
#include "client/sync_command.hpp"

// Asking the user for the TVDB id of a show or movie, as the original sync script did, with
// the server's TVDB search results offered as numbered suggestions.

namespace it::client::sync {

// One TVDB search result offered at a prompt.
struct TvdbMatch {
  std::int64_t tvdb_id = 0;
  std::string label;  // "Free! (2013)"
};

// Searches TVDB (through the server) for the folder or file `name`, of `type` "series" or
// "movie", and lists up to five matches as "TVDB matches for <what>:". Returns them; none,
// and nothing printed, when searching is not possible.
std::vector<TvdbMatch> offerTvdbMatches(ApiClient& api, Console& console, std::string_view name,
                                        const char* type, const std::string& what);

// Asks "Enter the TVDB id for <what>:" (the original's words) until the answer is a TVDB id
// or the number of a match, and returns the id. Throws ClientError when input ends.
std::int64_t askTvdbId(Console& console, const std::string& what,
                       const std::vector<TvdbMatch>& matches);

}  // namespace it::client::sync
