#include "client/scanner.hpp"

#include <algorithm>
#include <array>
#include <system_error>
#include <tuple>

namespace it::client {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 6> kVideoExtensions = {".mkv", ".mp4", ".webm",
                                                              ".avi", ".m4v", ".mov"};

bool isDirectory(const fs::path& path) {
  std::error_code ec;  // missing or unreadable: treated as absent, as the original did
  return fs::is_directory(path, ec);
}

// A regular file (following a symlink) with a video extension. A broken symlink is neither.
bool isVideoEntry(const fs::directory_entry& entry) {
  std::error_code ec;
  return entry.is_regular_file(ec) && isVideoFile(entry.path());
}

}  // namespace

bool isVideoFile(const fs::path& path) {
  // extension() is the last one only, so "ep.mkv.part" (a download in progress) is not a
  // video, and a dot file such as ".mkv" has none at all.
  std::string ext = path.extension().string();
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return std::find(kVideoExtensions.begin(), kVideoExtensions.end(), ext) != kVideoExtensions.end();
}

std::vector<LocalEpisode> findWatchedEpisodes(const fs::path& root) {
  std::vector<LocalEpisode> episodes;
  fs::path shows = root / "shows";
  if (!isDirectory(shows)) return episodes;
  for (const fs::directory_entry& show : fs::directory_iterator(shows)) {
    std::error_code ec;
    if (!show.is_directory(ec)) continue;
    fs::path watched = show.path() / "watched";
    if (!isDirectory(watched)) continue;  // a show with nothing watched yet
    std::string folder_name = show.path().filename().string();
    for (const fs::directory_entry& file : fs::directory_iterator(watched)) {
      if (!isVideoEntry(file)) continue;
      episodes.push_back({folder_name, file.path().stem().string(), file.path()});
    }
  }
  // The path breaks ties ("ep.mkv" and "ep.mp4"), so the order never depends on the
  // directory's own order.
  std::sort(episodes.begin(), episodes.end(), [](const LocalEpisode& a, const LocalEpisode& b) {
    return std::tie(a.folder_name, a.file_name, a.path.native()) <
           std::tie(b.folder_name, b.file_name, b.path.native());
  });
  return episodes;
}

std::vector<LocalMovie> findWatchedMovies(const fs::path& root) {
  std::vector<LocalMovie> movies;
  fs::path watched = root / "movies" / "watched";
  if (!isDirectory(watched)) return movies;
  for (const fs::directory_entry& file : fs::directory_iterator(watched)) {
    if (!isVideoEntry(file)) continue;
    movies.push_back({file.path().stem().string(), file.path()});
  }
  std::sort(movies.begin(), movies.end(), [](const LocalMovie& a, const LocalMovie& b) {
    return std::tie(a.file_name, a.path.native()) < std::tie(b.file_name, b.path.native());
  });
  return movies;
}

bool containsVideo(const fs::path& dir) {
  if (!isDirectory(dir)) return false;
  // Symlinked directories are not followed (the default), so a link back up the tree cannot
  // loop and a link to elsewhere cannot keep a finished show alive.
  for (const fs::directory_entry& entry :
       fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied)) {
    if (isVideoEntry(entry)) return true;
  }
  return false;
}

}  // namespace it::client
