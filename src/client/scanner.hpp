#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace it::client {

// The sync client's view of the local folder (the original script's layout):
//   shows/<show>/watched/<episode>.<video extension>   watched episodes
//   shows/<show>/<episode>...                          not watched yet (ignored)
//   movies/watched/<movie>.<video extension>           watched movies
//   watched.txt                                        YouTube and Spotify links

struct LocalEpisode {
  std::string folder_name;  // the show's directory name
  std::string file_name;    // the file name without its last extension (Path.stem)
  std::filesystem::path path;
};

struct LocalMovie {
  std::string file_name;  // without its last extension
  std::filesystem::path path;
};

// .mkv, .mp4, .webm, .avi, .m4v, .mov, .ts, .m2ts, .mts, .wmv, .flv, .mpg, .mpeg, .vob, .3gp or
// .ogv, in any letter case.
bool isVideoFile(const std::filesystem::path& path);

// Regular files (or symlinks to them) directly in shows/*/watched/ that are videos, sorted by
// (folder_name, file_name) in byte order. Nothing when `root`/shows does not exist. Names are
// taken as bytes (UTF-8 on Linux); any character is fine. Throws std::filesystem::filesystem_error
// when a directory cannot be read.
std::vector<LocalEpisode> findWatchedEpisodes(const std::filesystem::path& root);

// The same for movies/watched/, sorted by file_name.
std::vector<LocalMovie> findWatchedMovies(const std::filesystem::path& root);

// Whether `dir` holds a video file, or a download in progress (.part, .!qB, .crdownload,
// ...), anywhere below it (recursively): a show folder is deleted only when this is false.
// Throws std::filesystem::filesystem_error when a subfolder cannot be read. Files in `except`
// (those about to be deleted, for a dry run) do not count.
bool containsVideo(const std::filesystem::path& dir,
                   const std::set<std::filesystem::path>& except = {});

}  // namespace it::client
