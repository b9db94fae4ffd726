// dryRun (steps.hpp): what `sync --dry-run` prints.

#include <ostream>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "client/sync/common.hpp"
#include "client/sync/steps.hpp"

namespace it::client::sync {
namespace {

namespace fs = std::filesystem;

// "Would sync ..." for each kind of item found.
void listWouldSync(const LocalState& state, std::ostream& out) {
  if (!state.episodes.empty()) {
    out << "Would sync " << plural(state.episodes.size(), "local episode", "local episodes")
        << ":\n";
    for (const auto& e : state.episodes) {
      out << "  " << e.folder_name << " / " << e.file_name << "\n";
    }
  }
  if (!state.movies.empty()) {
    out << "Would sync " << plural(state.movies.size(), "movie", "movies")
        << " (asking for their TMDB or TVDB ids):\n";
    for (const auto& m : state.movies) out << "  " << m.file_name << "\n";
  }
  if (state.watched) {
    if (!state.watched->youtube_ids.empty()) {
      out << "Would sync "
          << plural(state.watched->youtube_ids.size(), "YouTube video", "YouTube videos") << ":";
      for (const auto& id : state.watched->youtube_ids) out << " " << id;
      out << "\n";
    }
    if (!state.watched->spotify_ids.empty()) {
      out << "Would sync "
          << plural(state.watched->spotify_ids.size(), "Spotify episode", "Spotify episodes")
          << ":";
      for (const auto& id : state.watched->spotify_ids) out << " " << id;
      out << "\n";
    }
  }
}

// The size of the files of `items` together, as std::filesystem::file_size reports each.
template <typename Item>
std::uintmax_t totalSize(const std::vector<Item>& items) {
  std::uintmax_t bytes = 0;
  for (const auto& item : items) {
    std::error_code ec;
    bytes += fs::file_size(item.path, ec);
  }
  return bytes;
}

// "Would delete the completed show ..." for each show folder the real run would delete: one
// with no video left once its watched episodes are gone.
void listCompletedShows(const std::vector<LocalEpisode>& episodes, const SyncOptions& options,
                        std::ostream& out) {
  std::set<std::string> folders;
  std::set<fs::path> deleted;
  for (const auto& e : episodes) {
    folders.insert(e.folder_name);
    deleted.insert(e.path);
  }
  for (const auto& folder : folders) {
    fs::path dir = options.dir / "shows" / folder;
    bool video_left = true;
    try {
      video_left = containsVideo(dir, deleted);
    } catch (const fs::filesystem_error&) {  // unreadable: the real run keeps it too
    }
    if (!video_left) out << "Would delete the completed show " << folder << ".\n";
  }
}

// "Would delete ..." for what the real run deletes once the server confirms it.
void listWouldDelete(const LocalState& state, const SyncOptions& options, std::ostream& out) {
  if (!state.episodes.empty()) {
    out << "Would delete " << plural(state.episodes.size(), "local episode", "local episodes")
        << " (" << gigabytes(totalSize(state.episodes)) << " GB) once the server confirms them.\n";
    listCompletedShows(state.episodes, options, out);
  }
  if (!state.movies.empty()) {
    out << "Would delete " << plural(state.movies.size(), "movie", "movies") << " ("
        << gigabytes(totalSize(state.movies)) << " GB) once the server confirms them.\n";
  }
  if (state.watched &&
      (!state.watched->youtube_ids.empty() || !state.watched->spotify_ids.empty())) {
    out << "Would remove the confirmed links from " << kWatchedFile << ".\n";
  }
}

}  // namespace

int dryRun(const LocalState& state, const SyncOptions& options, Console& console) {
  auto& out = console.out;
  out << "Dry run: nothing is sent to the server and nothing is deleted.\n";
  listWouldSync(state, out);
  listWouldDelete(state, options, out);
  if (state.episodes.empty() && state.movies.empty() &&
      (!state.watched ||
       (state.watched->youtube_ids.empty() && state.watched->spotify_ids.empty()))) {
    out << "Nothing to sync.\n";
  }
  return 0;
}

}  // namespace it::client::sync
