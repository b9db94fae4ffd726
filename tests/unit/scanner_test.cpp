#include "client/scanner.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "support/temp_dir.hpp"

namespace it::client {
namespace {

namespace fs = std::filesystem;

// A folder tree under a fresh temp dir; paths are relative to its root.
class Tree {
 public:
  const fs::path& root() const { return root_; }

  fs::path file(const std::string& relative, const std::string& content = "x") {
    fs::path path = root_ / fs::path(relative);
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  fs::path dir(const std::string& relative) {
    fs::path path = root_ / fs::path(relative);
    fs::create_directories(path);
    return path;
  }

 private:
  test::TempDir temp_;
  fs::path root_ = temp_.path();
};

using Pair = std::pair<std::string, std::string>;

std::vector<Pair> episodePairs(const std::vector<LocalEpisode>& episodes) {
  std::vector<Pair> out;
  for (const auto& e : episodes) out.emplace_back(e.folder_name, e.file_name);
  return out;
}

std::vector<std::string> movieNames(const std::vector<LocalMovie>& movies) {
  std::vector<std::string> out;
  for (const auto& m : movies) out.push_back(m.file_name);
  return out;
}

// --- isVideoFile -----------------------------------------------------------------------

TEST(ScannerIsVideoFile, KnownExtensionsInAnyCase) {
  for (const char* name : {"ep.mkv", "ep.mp4", "ep.webm", "ep.avi", "ep.m4v", "ep.mov", "ep.MKV",
                           "ep.Mp4", "ep.WEBM", "ep.AvI", "ep.M4V", "ep.MOV", "a.b.mkv",
                           "dir/sub dir/ep 01.mkv", "ハイキュー!! 01.mp4", "🎌.mov"}) {
    EXPECT_TRUE(isVideoFile(fs::path(name))) << name;
  }
}

TEST(ScannerIsVideoFile, OnlyTheLastExtensionCounts) {
  for (const char* name : {"ep.mkv.part", "ep.mp4.!qB", "ep.srt", "ep.mkv.srt", "ep.ass", "ep.nfo",
                           "ep", "mkv", ".mkv", ".DS_Store", "ep.", "ep.mkvv", "ep.mk", "ep.mp3",
                           "ep..", "Thumbs.db", "desktop.ini"}) {
    EXPECT_FALSE(isVideoFile(fs::path(name))) << name;
  }
}

// --- findWatchedEpisodes ---------------------------------------------------------------

TEST(ScannerEpisodes, NothingWithoutShowsFolder) {
  Tree tree;
  EXPECT_TRUE(findWatchedEpisodes(tree.root()).empty());
  tree.file("movies/watched/m.mkv");
  EXPECT_TRUE(findWatchedEpisodes(tree.root()).empty());
}

TEST(ScannerEpisodes, NothingWhenRootIsMissing) {
  Tree tree;
  EXPECT_TRUE(findWatchedEpisodes(tree.root() / "nowhere").empty());
}

TEST(ScannerEpisodes, EmptyShowsFolder) {
  Tree tree;
  tree.dir("shows");
  EXPECT_TRUE(findWatchedEpisodes(tree.root()).empty());
}

TEST(ScannerEpisodes, FindsWatchedVideosOnly) {
  Tree tree;
  fs::path ep1 = tree.file("shows/Show A/watched/Ep 01.mkv");
  tree.file("shows/Show A/watched/Ep 02.MP4");
  tree.file("shows/Show A/watched/.DS_Store");
  tree.file("shows/Show A/watched/Ep 01.srt");
  tree.file("shows/Show A/watched/Ep 03.mkv.part");
  tree.file("shows/Show A/watched/notes.txt");
  tree.file("shows/Show A/Ep 04.mkv");                 // not watched yet
  tree.file("shows/Show A/extras/watched/x.mkv");      // not shows/<show>/watched
  tree.dir("shows/Show A/watched/x.mkv");              // a directory, not a video
  tree.file("shows/Show A/watched/nested/Ep 05.mkv");  // only files directly in watched/
  tree.file("shows/No Watched Folder/Ep 01.mkv");
  tree.file("shows/loose file.mkv");  // not a show directory
  tree.file("shows/.DS_Store");

  auto episodes = findWatchedEpisodes(tree.root());
  EXPECT_EQ(episodePairs(episodes), (std::vector<Pair>{{"Show A", "Ep 01"}, {"Show A", "Ep 02"}}));
  ASSERT_FALSE(episodes.empty());
  EXPECT_EQ(episodes[0].path, ep1);
  EXPECT_TRUE(fs::is_regular_file(episodes[1].path));
  EXPECT_EQ(episodes[1].path.filename(), "Ep 02.MP4");
}

TEST(ScannerEpisodes, StemDropsOnlyTheLastExtension) {
  Tree tree;
  tree.file("shows/S/watched/a.b.mkv");
  tree.file("shows/S/watched/Show.S01E01.1080p.WEB.mp4");
  auto episodes = findWatchedEpisodes(tree.root());
  EXPECT_EQ(episodePairs(episodes),
            (std::vector<Pair>{{"S", "Show.S01E01.1080p.WEB"}, {"S", "a.b"}}));
}

TEST(ScannerEpisodes, WatchedMayBeEmpty) {
  Tree tree;
  tree.dir("shows/S/watched");
  tree.file("shows/S/Ep 01.mkv");
  EXPECT_TRUE(findWatchedEpisodes(tree.root()).empty());
}

TEST(ScannerEpisodes, NamesWithSpecialCharacters) {
  Tree tree;
  tree.file("shows/4 {123} Attack on Titan?/watched/Ep * 1 (final) [1080p].mkv");
  tree.file("shows/ハイキュー!! [S2]/watched/第1話 「もう一度」.mp4");
  tree.file("shows/🎌 anime/watched/🍙 episode 1.webm");
  tree.file("shows/it's \"quoted\" & $HOME/watched/ep\t1.mkv");
  tree.file("shows/back\\slash/watched/100%.avi");

  auto episodes = findWatchedEpisodes(tree.root());
  EXPECT_EQ(episodePairs(episodes),
            (std::vector<Pair>{{"4 {123} Attack on Titan?", "Ep * 1 (final) [1080p]"},
                               {"back\\slash", "100%"},
                               {"it's \"quoted\" & $HOME", "ep\t1"},
                               {"ハイキュー!! [S2]", "第1話 「もう一度」"},
                               {"🎌 anime", "🍙 episode 1"}}));
  for (const auto& e : episodes) EXPECT_TRUE(fs::is_regular_file(e.path)) << e.path;
}

TEST(ScannerEpisodes, SortedByFolderThenFileInByteOrder) {
  Tree tree;
  // Created out of order; byte order puts upper case before lower case, digits before
  // letters and multi-byte UTF-8 after ASCII.
  tree.file("shows/b/watched/2.mkv");
  tree.file("shows/b/watched/10.mkv");
  tree.file("shows/b/watched/1.mkv");
  tree.file("shows/a/watched/z.mkv");
  tree.file("shows/B/watched/x.mkv");
  tree.file("shows/é/watched/e.mkv");
  tree.file("shows/a b/watched/y.mkv");
  tree.file("shows/ab/watched/Y.mkv");
  tree.file("shows/ab/watched/y.mkv");

  EXPECT_EQ(episodePairs(findWatchedEpisodes(tree.root())), (std::vector<Pair>{{"B", "x"},
                                                                               {"a", "z"},
                                                                               {"a b", "y"},
                                                                               {"ab", "Y"},
                                                                               {"ab", "y"},
                                                                               {"b", "1"},
                                                                               {"b", "10"},
                                                                               {"b", "2"},
                                                                               {"é", "e"}}));
}

TEST(ScannerEpisodes, SameStemTwiceIsListedTwiceInPathOrder) {
  Tree tree;
  tree.file("shows/S/watched/ep.mp4");
  tree.file("shows/S/watched/ep.mkv");
  auto episodes = findWatchedEpisodes(tree.root());
  ASSERT_EQ(episodes.size(), 2u);
  EXPECT_EQ(episodes[0].path.filename(), "ep.mkv");
  EXPECT_EQ(episodes[1].path.filename(), "ep.mp4");
}

TEST(ScannerEpisodes, SymlinkToAFileCountsBrokenOneDoesNot) {
  Tree tree;
  fs::path target = tree.file("elsewhere/real.mkv");
  tree.dir("shows/S/watched");
  fs::create_symlink(target, tree.root() / "shows/S/watched/linked.mkv");
  fs::create_symlink(tree.root() / "missing.mkv", tree.root() / "shows/S/watched/broken.mkv");
  fs::create_directory_symlink(tree.root() / "elsewhere",
                               tree.root() / "shows/S/watched/dirlink.mkv");

  auto episodes = findWatchedEpisodes(tree.root());
  EXPECT_EQ(episodePairs(episodes), (std::vector<Pair>{{"S", "linked"}}));
}

TEST(ScannerEpisodes, ShowsFolderThatIsAFile) {
  Tree tree;
  tree.file("shows", "not a folder");
  EXPECT_TRUE(findWatchedEpisodes(tree.root()).empty());
}

TEST(ScannerEpisodes, WatchedThatIsAFileIsIgnored) {
  Tree tree;
  tree.file("shows/S/watched", "not a folder");
  tree.file("shows/T/watched/ep.mkv");
  EXPECT_EQ(episodePairs(findWatchedEpisodes(tree.root())), (std::vector<Pair>{{"T", "ep"}}));
}

TEST(ScannerEpisodes, UnreadableWatchedFolderThrows) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads every directory";
  Tree tree;
  fs::path watched = tree.dir("shows/S/watched");
  tree.file("shows/S/watched/ep.mkv");
  fs::permissions(watched, fs::perms::none);
  EXPECT_THROW(findWatchedEpisodes(tree.root()), fs::filesystem_error);
  fs::permissions(watched, fs::perms::owner_all);
}

// --- findWatchedMovies -----------------------------------------------------------------

TEST(ScannerMovies, NothingWithoutMoviesFolder) {
  Tree tree;
  tree.file("shows/S/watched/ep.mkv");
  EXPECT_TRUE(findWatchedMovies(tree.root()).empty());
  tree.file("movies/Unwatched Movie.mkv");  // movies/ without watched/
  EXPECT_TRUE(findWatchedMovies(tree.root()).empty());
}

TEST(ScannerMovies, FindsWatchedMoviesSorted) {
  Tree tree;
  fs::path spirited = tree.file("movies/watched/Spirited Away (2001).mkv");
  tree.file("movies/watched/Spirited Away (2001).srt");  // subtitles sidecar
  tree.file("movies/watched/Spirited Away (2001).en.srt");
  tree.file("movies/watched/Akira [1988] {remaster}.MOV");
  tree.file("movies/watched/君の名は。.m4v");
  tree.file("movies/watched/What? *Really*.webm");
  tree.file("movies/watched/.DS_Store");
  tree.file("movies/watched/part.mp4.part");
  tree.dir("movies/watched/Box Set.mkv");
  tree.file("movies/watched/Box Set.mkv/inner.mkv");
  tree.file("movies/Not Yet.mkv");

  auto movies = findWatchedMovies(tree.root());
  EXPECT_EQ(movieNames(movies),
            (std::vector<std::string>{"Akira [1988] {remaster}", "Spirited Away (2001)",
                                      "What? *Really*", "君の名は。"}));
  ASSERT_EQ(movies.size(), 4u);
  EXPECT_EQ(movies[1].path, spirited);
}

TEST(ScannerMovies, EmptyWatchedFolder) {
  Tree tree;
  tree.dir("movies/watched");
  EXPECT_TRUE(findWatchedMovies(tree.root()).empty());
}

// --- containsVideo ---------------------------------------------------------------------

TEST(ScannerContainsVideo, MissingOrEmptyFolder) {
  Tree tree;
  EXPECT_FALSE(containsVideo(tree.root() / "missing"));
  EXPECT_FALSE(containsVideo(tree.dir("empty")));
}

TEST(ScannerContainsVideo, FindsVideosAtAnyDepth) {
  Tree tree;
  tree.file("show/ep.mkv");
  EXPECT_TRUE(containsVideo(tree.root() / "show"));
  tree.file("deep/a/b/c/d/ep 9.MP4");
  EXPECT_TRUE(containsVideo(tree.root() / "deep"));
  EXPECT_TRUE(containsVideo(tree.root() / "deep/a/b"));
}

TEST(ScannerContainsVideo, IgnoresNonVideos) {
  Tree tree;
  tree.file("show/watched/ep.srt");
  tree.file("show/.DS_Store");
  tree.file("show/poster.jpg");
  tree.dir("show/season.mkv");  // a directory with a video name
  tree.dir("show/watched/empty");
  EXPECT_FALSE(containsVideo(tree.root() / "show"));
  tree.file("show/watched/empty/ハイキュー 🎌 [1].webm");
  EXPECT_TRUE(containsVideo(tree.root() / "show"));
}

TEST(ScannerContainsVideo, DoesNotFollowDirectorySymlinks) {
  Tree tree;
  tree.file("other/ep.mkv");
  tree.file("show/notes.txt");
  fs::create_directory_symlink(tree.root() / "other", tree.root() / "show/link");
  fs::create_directory_symlink(tree.root() / "show", tree.root() / "show/loop");  // a cycle
  EXPECT_FALSE(containsVideo(tree.root() / "show"));
}

TEST(ScannerContainsVideo, SymlinkToAVideoFileCounts) {
  Tree tree;
  fs::path target = tree.file("other/ep.mkv");
  tree.dir("show/sub");
  fs::create_symlink(target, tree.root() / "show/sub/ep.mkv");
  EXPECT_TRUE(containsVideo(tree.root() / "show"));
}

TEST(ScannerContainsVideo, AnUnreadableSubfolderIsAnError) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads every directory";
  Tree tree;
  fs::path locked = tree.dir("show/locked");
  tree.file("show/locked/ep.mkv");
  fs::permissions(locked, fs::perms::none);
  // What it cannot see may be a video: the caller must keep the folder.
  EXPECT_THROW(containsVideo(tree.root() / "show"), fs::filesystem_error);
  fs::permissions(locked, fs::perms::owner_all);
}

TEST(ScannerContainsVideo, DownloadsInProgressAndTvRecordingsCount) {
  for (const char* name : {"ep.mkv.part", "ep.mp4.!qB", "ep.crdownload", "ep.ts", "ep.M2TS"}) {
    Tree tree;
    tree.file(std::string("show/") + name);
    EXPECT_TRUE(containsVideo(tree.root() / "show")) << name;
  }
}

}  // namespace
}  // namespace it::client
