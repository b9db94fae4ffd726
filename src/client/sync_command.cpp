#include "client/sync_command.hpp"

#include <unistd.h>

#include <iostream>
#include <string>

#include "client/summary.hpp"
#include "client/sync/common.hpp"
#include "client/sync/steps.hpp"
#include "client/terminal.hpp"

namespace it::client {
namespace {

void printSummary(ApiClient& api, Console& console) {
  console.out << "Retrieving progress summary...\n\n";
  console.out.flush();
  auto reply = api.call("GET", "progress");
  console.out << formatProgressSummary(reply.body);
}

// The end of a run: waits for ENTER in a terminal (the original's window stayed open), then
// says why the exit code is 1, if it is.
int finish(const sync::SyncRun& run, Console& console) {
  console.out << "\n";
  if (console.in_is_terminal) {
    console.out << "Press ENTER to close...";
    console.out.flush();
    std::string ignored;
    std::getline(console.in, ignored);
  }
  console.out.flush();
  if (run.failures > 0) {
    console.err << "immersion-tracker: " << sync::plural(run.failures, "item", "items")
                << " could not be synced or deleted (see above); they were kept for the next "
                   "run.\n";
    return 1;
  }
  if (run.untagged > 0) {
    console.err << "immersion-tracker: " << sync::plural(run.untagged, "show", "shows")
                << " could not be tagged (see above); the next run asks again.\n";
    return 1;
  }
  return 0;
}

}  // namespace

bool outIsTerminal(const Console& console) {
  if (console.out_is_terminal) return *console.out_is_terminal;
  const auto* safe = dynamic_cast<const TerminalSafeBuffer*>(console.out.rdbuf());
  return safe != nullptr && &safe->target() == &std::cout && isatty(STDOUT_FILENO) == 1;
}

void runProgress(ApiClient& api, Console& console) {
  printSummary(api, console);
  console.out.flush();
}

int runSync(ApiClient& api, const SyncOptions& options, Console& console) {
  sync::LocalState state = sync::scanFolder(options, console);
  if (options.dry_run) return sync::dryRun(state, options, console);

  sync::SyncRun run;
  sync::syncEpisodes(api, state.episodes, options, console, run);
  sync::syncMovies(api, state.movies, options, console, run);
  if (state.watched) {
    sync::syncYoutubeVideos(api, state.watched->youtube_ids, console, run);
    sync::syncSpotifyEpisodes(api, state.watched->spotify_ids, options.spotify_backfill, console,
                              run);
  }
  printSummary(api, console);
  if (run.synced_anything) console.out << "\n";

  // Deleting: only what the server confirmed.
  sync::deleteEpisodes(state.episodes, options, console, run);
  sync::deleteMovies(state.movies, console, run);
  sync::clearWatchedLinks(options, console, run);
  return finish(run, console);
}

}  // namespace it::client
