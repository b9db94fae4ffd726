#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "client/api_client.hpp"
#include "client/sync_command.hpp"

namespace it::client {

// `immersion-tracker movie add <tmdb-id> [--watched-on YYYY-MM-DD]`: records a movie watched
// without a file (a cinema, a streaming service) through POST /api/movies, and says what was
// recorded. A movie the user already has is not recorded again; that is said, and is no
// failure. Returns 0. Throws ClientError (one sentence) when the server refuses or fails.
int runMovieAdd(ApiClient& api, std::int64_t tmdb_id, const std::optional<std::string>& watched_on,
                Console& console);

}  // namespace it::client
