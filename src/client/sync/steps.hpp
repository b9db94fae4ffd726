#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/api_client.hpp"
#include "client/scanner.hpp"
#include "client/sync_command.hpp"
#include "client/watched_list.hpp"

// The steps runSync takes, in the original sync script's order: read the folder, sync each
// kind of item (episodes, then their shows' tagging, movies, YouTube videos, Spotify
// episodes), print the summary, then delete what the server confirmed. A step with nothing
// to do prints nothing. Each throws ClientError when the run cannot go on.

namespace it::client::sync {

// What was found in the folder to sync.
struct LocalState {
  std::vector<LocalEpisode> episodes;
  std::vector<LocalMovie> movies;
  std::optional<WatchedFile> watched;  // nothing when there is no watched.txt
};

// The most bytes of JSON one sync request carries, to begin with: 1 MiB, well under the
// server's default max_body_bytes (8 MiB) and the 6 MB AWS Lambda takes, so that a usual sync
// is one request. A server that refuses a request as too large lowers it (sendInBatches(),
// common.hpp).
inline constexpr std::size_t kFirstBodyBudget = 1024 * 1024;

// What a run has done so far, filled in by the sync steps: what the deletion steps may
// delete, and the exit code.
struct SyncRun {
  std::size_t body_budget = kFirstBodyBudget;  // what this server takes, as far as we know
  std::size_t failures = 0;      // items not synced or not deleted: kept for the next run
  std::size_t untagged = 0;      // shows TVDB could not tag this time: the next run asks again
  bool synced_anything = false;  // a sync request was sent (a blank line follows the summary)
  std::set<std::string> confirmed_movies;   // file names the server recorded
  std::set<std::string> confirmed_youtube;  // video ids the server recorded
  std::set<std::string> confirmed_spotify;  // episode ids the server recorded
};

// Finds the watched episodes, movies and links of options.dir, and checks that the server
// can take their names, before anything is sent (local_state.cpp).
LocalState scanFolder(const SyncOptions& options, Console& console);

// --dry-run: says what would be synced and deleted; sends and changes nothing. Returns 0
// (dry_run.cpp).
int dryRun(const LocalState& state, const SyncOptions& options, Console& console);

// Sends the episodes, in batches within run.body_budget (a progress bar on a terminal when there
// are several) reported as one request; the server records them all or answers an error,
// which ends the run. Then has untagged shows tagged (episodes.cpp).
void syncEpisodes(ApiClient& api, const std::vector<LocalEpisode>& episodes,
                  const SyncOptions& options, Console& console, SyncRun& run);

// Asks for the TVDB id of every show the server has untagged, unless --non-interactive.
// Returns how many could not be tagged because TVDB failed: they stay untagged, and their
// episodes are synced all the same (show_tagging.cpp).
std::size_t tagUntaggedShows(ApiClient& api, const SyncOptions& options, Console& console);

// Asks for each movie's TVDB id before the request (as the original did), then sends them;
// --non-interactive keeps them all for later (movies.cpp).
void syncMovies(ApiClient& api, const std::vector<LocalMovie>& movies, const SyncOptions& options,
                Console& console, SyncRun& run);

// Sends the links of watched.txt, each kind in its own requests (watched_links.cpp).
void syncYoutubeVideos(ApiClient& api, const std::vector<std::string>& ids, Console& console,
                       SyncRun& run);
// With `backfill`, the server also records the earlier episodes of their shows.
void syncSpotifyEpisodes(ApiClient& api, const std::vector<std::string>& ids, bool backfill,
                         Console& console, SyncRun& run);

// Deletes the episode files, all of which the server recorded (had it not, the run would have
// ended), then each show folder left without a video (episodes.cpp).
void deleteEpisodes(const std::vector<LocalEpisode>& episodes, const SyncOptions& options,
                    Console& console, SyncRun& run);

// Deletes the movie files the server confirmed (movies.cpp).
void deleteMovies(const std::vector<LocalMovie>& movies, Console& console, SyncRun& run);

// Removes the lines of the confirmed links from watched.txt as it is now (watched_links.cpp).
void clearWatchedLinks(const SyncOptions& options, Console& console, const SyncRun& run);

}  // namespace it::client::sync
