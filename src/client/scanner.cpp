#include "client/scanner.hpp"

#include <algorithm>
#include <array>
#include <system_error>
#include <tuple>

namespace it::client {
namespace {

namespace fs = std::filesystem;

// The original's .mkv and .mp4, and what else people watch from disk (TV recordings in .ts
// and .m2ts among them).
constexpr std::array<std::string_view, 16> kVideoExtensions = {
    ".mkv", ".mp4", ".webm", ".avi", ".m4v",  ".mov", ".ts",  ".m2ts",
    ".mts", ".wmv", ".flv",  ".mpg", ".mpeg", ".vob", ".3gp", ".ogv"};

// Downloads in progress (qBittorrent, browsers, curl and others): a video still arriving.
constexpr std::array<std::string_view, 6> kPartialExtensions = {
    ".part", ".!qb", ".crdownload", ".download", ".partial", ".tmp"};

std::string lowerExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return ext;
}

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
  std::string ext = lowerExtension(path);
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

bool containsVideo(const fs::path& dir, const std::set<fs::path>& except) {
  if (!isDirectory(dir)) return false;
  // Symlinked directories are not followed (the default), so a link back up the tree cannot
  // loop and a link to elsewhere cannot keep a finished show alive. A subfolder that cannot
  // be read throws: the caller must then keep the folder, not delete what it cannot see.
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (except.contains(entry.path())) continue;
    std::string ext = lowerExtension(entry.path());
    bool video_name = isVideoFile(entry.path());
    std::error_code ec;
    bool regular = entry.is_regular_file(ec);
    if (ec && video_name) return true;  // cannot tell what it is: assume the worst
    if (regular && (video_name || std::find(kPartialExtensions.begin(), kPartialExtensions.end(),
                                            ext) != kPartialExtensions.end())) {
      return true;
    }
  }
  return false;
}

}  // namespace it::client
