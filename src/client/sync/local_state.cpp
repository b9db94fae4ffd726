// scanFolder (steps.hpp): reading the folder to sync.

#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

#include "client/sync/common.hpp"
#include "client/sync/steps.hpp"
#include "domain/names.hpp"

namespace it::client::sync {
namespace {

namespace fs = std::filesystem;

// The server takes names of UTF-8 up to 1024 bytes; say which file is in the way before
// anything is sent.
void checkName(const std::string& name, const fs::path& path) {
  if (!domain::isValidItemName(name)) {
    throw ClientError("cannot sync " + path.string() +
                      ": its name is not UTF-8 text of at most 1024 bytes (rename it); "
                      "nothing was synced or deleted");
  }
}

// watched.txt of options.dir; nothing when there is none. Throws ClientError naming the first
// line that is not a link this client reads.
std::optional<WatchedFile> readWatchedFile(const SyncOptions& options) {
  fs::path file = options.dir / kWatchedFile;
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  if (!in && !in.eof()) throw ClientError("cannot read " + file.string());
  auto parsed = parseWatchedFile(content.str());
  if (auto* error = std::get_if<WatchedFileError>(&parsed)) {
    std::string where = std::string(kWatchedFile) + " line " + std::to_string(error->line_number);
    if (error->text.find("spotify.link/") != std::string::npos ||
        error->text.find("spotify.app.link/") != std::string::npos) {
      throw ClientError(where +
                        " is a Spotify short link, which only Spotify can resolve: open "
                        "it and paste the open.spotify.com/episode/ link instead; "
                        "nothing was synced or deleted");
    }
    throw ClientError(where + " is not a YouTube or Spotify link: \"" + error->text +
                      "\"; nothing was synced or deleted");
  }
  return std::move(std::get<WatchedFile>(parsed));
}

}  // namespace

LocalState scanFolder(const SyncOptions& options, Console& console) {
  LocalState state;
  try {
    console.out << "Finding local episodes watched...\n";
    state.episodes = findWatchedEpisodes(options.dir);
    console.out << "Finding local movies watched...\n";
    state.movies = findWatchedMovies(options.dir);
  } catch (const fs::filesystem_error& e) {
    throw ClientError("cannot read " + e.path1().string() + ": " + e.code().message());
  }
  for (const auto& e : state.episodes) {
    checkName(e.folder_name, e.path);
    checkName(e.file_name, e.path);
  }
  for (const auto& m : state.movies) checkName(m.file_name, m.path);
  console.out << "Finding watched URLs...\n";
  console.out.flush();
  state.watched = readWatchedFile(options);
  return state;
}

}  // namespace it::client::sync
