#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>

#include "client/api_client.hpp"

namespace it::client {

struct SyncOptions {
  std::filesystem::path dir = ".";  // holds shows/, movies/ and watched.txt
  bool non_interactive = false;     // never prompt: untagged shows stay so, movies wait
  bool dry_run = false;             // say what would be synced and deleted; change nothing
  // Also record every earlier episode of each Spotify episode's show ("backfill").
  bool spotify_backfill = false;
};

// The sync client's terminal. Tests use string streams.
struct Console {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool in_is_terminal = false;  // "Press ENTER to close..." only then
  // Whether `out` shows on a terminal (a progress bar while a sync takes several requests,
  // only then). Unset: when `out` writes through a TerminalSafeBuffer to std::cout and
  // standard output is a terminal (see outIsTerminal()).
  std::optional<bool> out_is_terminal;
};

// console.out_is_terminal, or, when unset, what the process's standard output is.
bool outIsTerminal(const Console& console);

// `immersion-tracker sync`: what the original sync_episodes.py does, in its order and with its
// output, plus TVDB suggestions at the prompts, more link forms, and safety: a file is deleted, and
// a watched.txt line removed, only once the server confirmed that item. Returns 0, or 1 when some
// items could not be synced (they are reported and kept). Throws ClientError (one sentence) when
// the run cannot go on; what was not confirmed by then is left in place.
int runSync(ApiClient& api, const SyncOptions& options, Console& console);

// `immersion-tracker progress`: the progress summary alone.
void runProgress(ApiClient& api, Console& console);

}  // namespace it::client
