// `immersion-tracker sync` and `progress` as a user runs them: the real binary against the
// real server (SQLite in a temporary directory) whose providers are the in-process fakes, a
// prepared folder tree, answers piped to the prompts; the whole output and the files left on
// disk are compared, as the original's end-to-end test did. Plus failures at each step, each
// of which must leave everything unconfirmed in place.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "domain/time_zone.hpp"
#include "e2e/server_process.hpp"
#include "fakes/fake_providers.hpp"
#include "fakes/loopback_server.hpp"
#include "support/http_client.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMiB = 1024 * 1024;

// A sparse file of `size` bytes (sizes matter for "Deleted 1.64 GB", the disk does not).
void makeFile(const fs::path& path, std::uintmax_t size = 0) {
  fs::create_directories(path.parent_path());
  std::ofstream(path).close();
  fs::resize_file(path, size);
}

void writeText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// What a command printed on a terminal (a pseudo-terminal of 120 columns, its standard input,
// output and error; `input` typed first), and its exit code.
struct TerminalRun {
  int exit_code;
  std::string output;
};

TerminalRun runOnTerminal(const std::vector<std::string>& argv, const std::string& input) {
  winsize size{};
  size.ws_row = 40;
  size.ws_col = 120;
  int terminal = -1;
  pid_t pid = ::forkpty(&terminal, nullptr, nullptr, &size);
  if (pid < 0) return {-1, "forkpty failed"};
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (::write(terminal, input.data(), input.size()) < 0) return {-1, "cannot type the input"};
  std::string output;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(terminal, buffer, sizeof buffer);
    if (n > 0) {
      output.append(buffer, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO once the command has closed the terminal
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(terminal);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

// "Oct 2026     ": the label of this quarter in the server's zone (the machine's), padded.
std::string thisQuarterLabel() {
  const auto* zone = domain::findTimeZone(domain::machineTimeZoneName());
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto day = domain::localDayOf(now.time_since_epoch().count(), *zone);
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  static const char* kMonths[] = {"Jan", "Apr", "Jul", "Oct"};
  unsigned quarter = (static_cast<unsigned>(ymd.month()) - 1) / 3;
  std::string label =
      std::string(kMonths[quarter]) + " " + std::to_string(static_cast<int>(ymd.year()));
  return label + std::string(11 - label.size(), ' ');
}

const std::string kWeekBefore =
    "Weekly activity:\n"
    "6 days ago │                                     0m\n"
    "5 days ago │                                     0m\n"
    "4 days ago │                                     0m\n"
    "3 days ago │                                     0m\n"
    "2 days ago │                                     0m\n"
    "Yesterday  │                                     0m\n";
const std::string kFullBar = "██████████████████████████████";

class SyncE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.addSeries(278157, "Free!", "https://artworks.thetvdb.com/free.jpg", 24);
    fake_.addSeries(270065, "ハイキュー!!", "https://artworks.thetvdb.com/haikyuu.jpg", 24);
    fake_.addMovie(331904, "すずめの戸締まり", std::nullopt, 122);
    fake_.addMovie(197, "君の名は。", std::nullopt, 106);
    fake_.addVideo("kJQP7kiw5Fk", "Despacito", "UCLp8RBhQHu9wSsq62j_Md6A", "LuisFonsiVEVO",
                   "PT4M42S");
    fake_.addVideo("9bZkp7q19f0", "Gangnam Style", "UCrDkAvwZum-UTjHmzDI2iIw", "officialpsy",
                   "PT4M13S");
    fake_.addSpotifyEpisode("512ojhOuo1ktJprKbVcKyQ", "Episode 1", 1'500'000,
                            "38bS44xjbVVZ3No3ByF1dJ", "The Miku Real Japanese Podcast");
    fake_.addSpotifyEpisode("4rOoJ6Egrf8K2IrywzwOMk", "Episode 2", 1'500'999,
                            "38bS44xjbVVZ3No3ByF1dJ", "The Miku Real Japanese Podcast");
    // The server (a child process) inherits these; so does the client.
    for (const auto& [name, value] : fake_.environment()) env_.set(name, value);
    env_.set("IMMERSION_TRACKER_USER", "alice");
    env_.set("IMMERSION_TRACKER_PASSWORD", "password");
    server_ = ServerProcess::start(data_.path());
    ASSERT_EQ(cli(data_.path(), {"user", "add", "alice"}, "password\n").exit_code, 0);
    env_.set("IMMERSION_TRACKER_API_URL", server_.url());
  }

  RunResult sync(const std::string& answers = "", std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{IT_BINARY, "sync", "--dir", tree_.path()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv, answers);
  }

  fs::path at(const std::string& relative) const { return fs::path(tree_.path()) / relative; }

  boost::json::value progressJson() {
    HttpClient client(server_.url());
    client.setBasicAuth("alice", "password");
    return boost::json::parse(client.get("/progress").body);
  }

  FakeProviders fake_;
  TempDir data_;
  TempDir tree_;
  ServerProcess server_;
  ScopedEnv env_;
};

TEST_F(SyncE2E, ShowsAreSyncedTaggedAndDeletedAsByTheOriginal) {
  makeFile(at("shows/1 [123] Free!/watched/[123] Free! episode 1.mp4"), 560 * kMiB);
  makeFile(at("shows/1 [123] Free!/watched/[123] Free! episode 10.mp4"), 220 * kMiB);
  makeFile(at("shows/1 [123] Free!/watched/.DS_Store"));
  makeFile(at("shows/2 (123) Haikyuu Part 1/watched/(123) Haikyuu S01E01.mkv"), 130 * kMiB);
  makeFile(at("shows/3 (123) Haikyuu Part 2/watched/(123) Haikyuu S01E013.MKV"), 770 * kMiB);
  makeFile(at("shows/3 (123) Haikyuu Part 2/(123) Haikyuu S01E014.mkv"), 440 * kMiB);
  fs::create_directories(at("shows/4 {123} Attack on Titan?"));

  // "1" picks the first TVDB match offered for Free!; the others are typed ids.
  auto r = sync("1\n270065\n270065\n");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "Finding local episodes watched...\n"
            "Finding local movies watched...\n"
            "Finding watched URLs...\n"
            "Syncing 4 local episodes watched...\n"
            "Successfully added 4 new episodes to the remote server.\n"
            "Retrieving remote show metadata...\n"
            "TVDB matches for show 1 [123] Free!:\n"
            "  1) Free! (2020), id 278157\n"
            "Enter the TVDB id for show 1 [123] Free!:\n"
            "Successfully updated show metadata.\n"
            "Enter the TVDB id for show 2 (123) Haikyuu Part 1:\n"
            "Successfully updated show metadata.\n"
            "Enter the TVDB id for show 3 (123) Haikyuu Part 2:\n"
            "Successfully updated show metadata.\n"
            "Retrieving progress summary...\n"
            "\n"
            "2 episodes of Free!\n"
            "2 episodes of ハイキュー!!\n"
            "\n"
            "4 episodes watched today.\n"
            "0 movies watched today.\n"
            "0 YouTube videos watched today.\n"
            "0 Spotify episodes watched today.\n"
            "\n" +
                kWeekBefore + "Today      │" + kFullBar +
                "   1h 36m\n"
                "\n"
                "All time progress:\n" +
                thisQuarterLabel() + "│" + kFullBar +
                "       1h\n"
                "1 total hour watched.\n"
                "0 years and 0 months since immersion started.\n"
                "\n"
                "Deleting 4 local episodes watched...\n"
                "Deleted 1.64 GB of watched episodes.\n"
                "Deleted completed show: 1 [123] Free!\n"
                "Deleted completed show: 2 (123) Haikyuu Part 1\n"
                "\n");
  EXPECT_FALSE(fs::exists(at("shows/1 [123] Free!")));
  EXPECT_FALSE(fs::exists(at("shows/2 (123) Haikyuu Part 1")));
  EXPECT_FALSE(fs::exists(at("shows/3 (123) Haikyuu Part 2/watched/(123) Haikyuu S01E013.MKV")));
  EXPECT_TRUE(fs::exists(at("shows/3 (123) Haikyuu Part 2/(123) Haikyuu S01E014.mkv")));
  EXPECT_TRUE(fs::exists(at("shows/4 {123} Attack on Titan?")));

  // Again, with nothing left to sync: the summary alone, and nothing asked.
  r = sync();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("Syncing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("4 episodes watched today."), std::string::npos) << r.out;
}

TEST_F(SyncE2E, AnyCharactersInNamesAndSidecarsNextToEpisodes) {
  makeFile(at("shows/進撃の巨人 * 🎌/watched/第1話 [1080p].mkv"), 100 * kMiB);
  makeFile(at("shows/進撃の巨人 * 🎌/watched/第1話 [1080p].ja.srt"), 1);
  makeFile(at("shows/What? {x} (y) [z]/watched/Episode *1*.mp4"), 100 * kMiB);
  makeFile(at("shows/What? {x} (y) [z]/watched/Episode *1*.srt"), 1);
  makeFile(at("shows/What? {x} (y) [z]/Episode *2*.mp4"), 100 * kMiB);
  // TVDB is down while the shows are tagged: they stay untagged, the episodes are synced.
  fake_.failNext("/v4/", 503, "Service Unavailable", 100);
  auto r = sync("278157\n270065\n");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("Successfully added 2 new episodes to the remote server."),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("Could not tag show What? {x} (y) [z]: TVDB is unavailable"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("Deleted completed show: 進撃の巨人 * 🎌"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(at("shows/進撃の巨人 * 🎌")));
  // Its unwatched episode keeps the other show; the watched one and not its subtitles went.
  EXPECT_FALSE(fs::exists(at("shows/What? {x} (y) [z]/watched/Episode *1*.mp4")));
  EXPECT_TRUE(fs::exists(at("shows/What? {x} (y) [z]/watched/Episode *1*.srt")));
  EXPECT_TRUE(fs::exists(at("shows/What? {x} (y) [z]/Episode *2*.mp4")));
  EXPECT_EQ(progressJson().at("total_episodes_watched"), 2);
}

TEST_F(SyncE2E, MoviesAndWatchedLinks) {
  makeFile(at("movies/watched/suzume.mp4"), 1024 * kMiB);
  makeFile(at("movies/watched/your_name.mkv"), 2048 * kMiB);
  makeFile(at("movies/watched/your_name.srt"), 1);  // a sidecar: not a movie, kept
  writeText(at("watched.txt"),
            "# this week\n"
            "https://www.youtube.com/watch?v=9bZkp7q19f0\n"
            "\n"
            "https://youtu.be/kJQP7kiw5Fk?si=AbCdEf&t=30\n"
            "youtube.com/watch?feature=share&v=9bZkp7q19f0\n"
            "https://open.spotify.com/intl-de/episode/512ojhOuo1ktJprKbVcKyQ?si=abc\r\n"
            "spotify:episode:4rOoJ6Egrf8K2IrywzwOMk\n");

  auto r = sync("331904\n197\n");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(r.out,
            "Finding local episodes watched...\n"
            "Finding local movies watched...\n"
            "Finding watched URLs...\n"
            "Syncing 2 movies watched...\n"
            "Enter the TVDB id for movie suzume:\n"
            "Enter the TVDB id for movie your_name:\n"
            "Successfully added 2 new movies to the remote server.\n"
            "Syncing 2 YouTube videos watched...\n"
            "Successfully added 2 new YouTube videos to the remote server.\n"
            "Syncing 2 Spotify episodes watched...\n"
            "Successfully added 2 new Spotify episodes to the remote server.\n"
            "Retrieving progress summary...\n"
            "\n"
            "すずめの戸締まり\n"
            "君の名は。\n"
            "\n"
            "1 video of LuisFonsiVEVO\n"
            "1 video of officialpsy\n"
            "\n"
            "2 episodes of The Miku Real Japanese Podcast\n"
            "\n"
            "0 episodes watched today.\n"
            "2 movies watched today.\n"
            "2 YouTube videos watched today.\n"
            "2 Spotify episodes watched today.\n"
            "\n" +
                kWeekBefore + "Today      │" + kFullBar +
                "   4h 46m\n"
                "\n"
                "All time progress:\n" +
                thisQuarterLabel() + "│" + kFullBar +
                "       4h\n"
                "4 total hours watched.\n"
                "0 years and 0 months since immersion started.\n"
                "\n"
                "Deleting 2 local movies watched...\n"
                "Deleted 3.00 GB of watched movies.\n"
                "Clearing watched URLs...\n"
                "\n");
  EXPECT_FALSE(fs::exists(at("movies/watched/suzume.mp4")));
  EXPECT_FALSE(fs::exists(at("movies/watched/your_name.mkv")));
  EXPECT_TRUE(fs::exists(at("movies/watched/your_name.srt")));
  // Confirmed links are gone; the comment and the blank line stay.
  EXPECT_EQ(readText(at("watched.txt")), "# this week\n\n");
}

// libcurl (and the 30 libraries Debian's build of it brings) is loaded with the first outbound
// call, not at start: a server whose users never ask a provider does without it.
TEST_F(SyncE2E, TheServerLoadsLibcurlWithItsFirstProviderCall) {
  auto mapsLibcurl = [this] {
    std::ifstream maps("/proc/" + std::to_string(server_.process->pid()) + "/maps");
    std::string line;
    while (std::getline(maps, line)) {
      if (line.find("/libcurl") != std::string::npos) return true;
    }
    return false;
  };
  ASSERT_FALSE(progressJson().is_null());  // a request that asks no provider
  EXPECT_FALSE(mapsLibcurl());

  writeText(at("watched.txt"), "https://www.youtube.com/watch?v=9bZkp7q19f0\n");
  auto r = sync();
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("Successfully added 1 new YouTube videos"), std::string::npos) << r.out;
  EXPECT_TRUE(mapsLibcurl());
}

TEST_F(SyncE2E, ProgressPrintsTheSummaryAlone) {
  auto r = run({IT_BINARY, "progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Retrieving progress summary...\n"
            "\n"
            "0 episodes watched today.\n"
            "0 movies watched today.\n"
            "0 YouTube videos watched today.\n"
            "0 Spotify episodes watched today.\n"
            "\n"
            "Weekly activity:\n"
            "6 days ago │                                     0m\n"
            "5 days ago │                                     0m\n"
            "4 days ago │                                     0m\n"
            "3 days ago │                                     0m\n"
            "2 days ago │                                     0m\n"
            "Yesterday  │                                     0m\n"
            "Today      │                                     0m\n"
            "\n"
            "All time progress:\n"
            "0 total hours watched.\n"
            "0 years and 0 months since immersion started.\n");
}

// `log`, `logs` and `log --undo` as a user runs them, against the real server.
TEST_F(SyncE2E, LogsAreAddedListedAndUndoneFromTheCommandLine) {
  auto r = run({IT_BINARY, "log", "45m", "book", "よつばと! 3", "--amount", "30", "--unit", "pages",
                "--language", "ja"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Logged book, 45m, 30 pages, \"よつばと! 3\" (ja) on ", 0), 0u) << r.out;
  r = run({IT_BINARY, "log", "1h30m", "visual_novel", "--date", "2025-01-02"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Logged visual_novel, 1h 30m on 2025-01-02.\n");
  EXPECT_EQ(progressJson().at("total_minutes_immersed"), 135);

  r = run({IT_BINARY, "logs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("DATE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("よつばと! 3"), std::string::npos) << r.out;
  EXPECT_LT(r.out.find("book"), r.out.find("2025-01-02"));  // newest date first

  // Undo removes the one recorded last, though its date is older.
  r = run({IT_BINARY, "log", "--undo"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Removed the last log: visual_novel, 1h 30m on 2025-01-02.\n");
  EXPECT_EQ(progressJson().at("total_minutes_immersed"), 45);

  // Mistakes: one plain sentence, a non-zero exit, nothing recorded.
  for (std::vector<std::string> argv : {std::vector<std::string>{"log", "2x", "book"},
                                        {"log", "45m", "books"},
                                        {"log", "45m", "book", "--unit", "pages"},
                                        {"log", "45m"},
                                        {"log", "--undo", "45m", "book"}}) {
    argv.insert(argv.begin(), IT_BINARY);
    r = run(argv);
    EXPECT_NE(r.exit_code, 0) << argv[1] << " " << argv[2];
    EXPECT_EQ(r.err.rfind("immersion-tracker: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(progressJson().at("total_minutes_immersed"), 45);
  ASSERT_EQ(run({IT_BINARY, "log", "--undo"}).exit_code, 0);
  r = run({IT_BINARY, "log", "--undo"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "immersion-tracker: there is no log to undo\n");
  EXPECT_EQ(run({IT_BINARY, "logs"}).out,
            "No logs yet. Add one with: immersion-tracker log 45m book \"Title\"\n");
}

// `export` as a user runs it: everything as JSON to standard output, or CSV to a file.
TEST_F(SyncE2E, ExportWritesTheWholeHistoryToStandardOutputOrAFile) {
  ASSERT_EQ(run({IT_BINARY, "log", "45m", "book", "Kiki, \"the\" book", "--date", "2025-01-02"})
                .exit_code,
            0);
  auto r = run({IT_BINARY, "export"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  boost::json::object doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("format"), "immersion-tracker-export");
  ASSERT_EQ(doc.at("logs").as_array().size(), 1u);
  EXPECT_EQ(doc.at("logs").at(0).at("title"), "Kiki, \"the\" book");

  r = run({IT_BINARY, "export", "--format", "csv", "--output", at("history.csv").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(readText(at("history.csv")),
            "date,kind,medium,title,minutes,amount,unit,language\r\n"
            "2025-01-02,log,book,\"Kiki, \"\"the\"\" book\",45.00,,,\r\n");
  EXPECT_FALSE(fs::exists(at("history.csv.part")));

  // Imported back: it is all there already.
  ASSERT_EQ(run({IT_BINARY, "export", "--output", at("history.json").string()}).exit_code, 0);
  r = run({IT_BINARY, "import", at("history.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Imported 0 items and 0 logs (0 items and 1 logs were there already); 0 shows' TV "
            "progress updated.\n");
  r = run({IT_BINARY, "import", at("missing.json").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "immersion-tracker: cannot read " + at("missing.json").string() + "\n");
  writeText(at("bad.json"), "{\"format\": \"something else\", \"version\": 1}");
  r = run({IT_BINARY, "import", at("bad.json").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("this is not an immersion-tracker export"), std::string::npos) << r.err;

  r = run({IT_BINARY, "export", "--format", "xml"});  // a usage error, as CLI11 reports them
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("--format: xml not in {json,csv}\n", 0), 0u) << r.err;
}

// `export --all` and `import --all`, an operator's: every user, with their password and tokens,
// from one store into another (here SQLite to SQLite; the integration tests cover DynamoDB).
TEST_F(SyncE2E, EveryUserMovesToAnotherStoreWithTheirPasswordAndTokens) {
  ASSERT_EQ(run({IT_BINARY, "log", "45m", "book", "--date", "2025-01-02"}).exit_code, 0);
  auto created = cli(data_.path(), {"token", "create", "alice", "--label", "phone"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string token = created.out.substr(0, created.out.find('\n'));
  const std::string file = at("everyone.jsonl").string();
  auto r = cli(data_.path(), {"export", "--all", "--output", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // alice, and the admin the server created in the empty store.
  EXPECT_EQ(r.err,
            "Exported 2 users to " + file + " (it holds their password hashes: keep it private)\n");
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(fs::exists(file + ".part"));

  TempDir moved_data;
  r = cli(moved_data.path(), {"import", "--all", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "admin: added, 0 tokens; 0 items and 0 logs imported (0 and 0 there already)\n"
            "alice: added, 1 token; 0 items and 1 logs imported (0 and 0 there already)\n"
            "Imported 2 users from " +
                file + "\n");
  r = cli(moved_data.path(), {"import", "--all", file});  // twice: nothing more
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nalice: already there (password kept), 0 tokens; 0 items and 0 logs "
                       "imported (0 and 1 there already)\n"),
            std::string::npos)
      << r.out;

  // The other store serves alice, by her password and by her token.
  ServerProcess moved = ServerProcess::start(moved_data.path());
  HttpClient by_password(moved.url());
  by_password.setBasicAuth("alice", "password");
  auto progress = by_password.get("/progress");
  ASSERT_EQ(progress.status, 200) << progress.body;
  EXPECT_EQ(boost::json::parse(progress.body).at("total_minutes_immersed"), 45);
  HttpClient by_token(moved.url());
  by_token.setBearer(token);
  EXPECT_EQ(by_token.get("/progress").status, 200);

  // Mistakes: one sentence each, nothing written.
  ASSERT_EQ(run({IT_BINARY, "export", "--output", at("mine.json").string()}).exit_code, 0);
  TempDir empty_data;
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"export", "--all", "--format", "csv"},
            "--all writes JSON only; leave out --format csv"},
           {{"export", "--all", "--server", "http://127.0.0.1:1"},
            "--all reads the store of the configuration (--config, --data-dir, --store), not a "
            "server: leave out --server, --user and --token"},
           {{"import", "--all", at("mine.json").string()},
            at("mine.json").string() +
                ": line 1: the document has no account: it is one user's export (import it into "
                "an account with immersion-tracker import FILE), not an export of every user"},
       }) {
    r = cli(empty_data.path(), args);
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_EQ(r.err, "immersion-tracker: " + message + "\n");
  }
  EXPECT_EQ(cli(empty_data.path(), {"user", "list"}).out, "No users.\n");
}

TEST_F(SyncE2E, DryRunChangesNothing) {
  makeFile(at("shows/Free/watched/ep1.mkv"), 100 * kMiB);
  writeText(at("watched.txt"), "https://www.youtube.com/watch?v=9bZkp7q19f0\n");
  auto r = sync("", {"--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Would sync 1 local episode:\n  Free / ep1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Would delete the completed show Free."), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(at("shows/Free/watched/ep1.mkv")));
  EXPECT_EQ(readText(at("watched.txt")), "https://www.youtube.com/watch?v=9bZkp7q19f0\n");
  EXPECT_EQ(progressJson().at("total_episodes_watched"), 0);
  EXPECT_EQ(fake_.requestCount("/youtube/"), 0);
}

TEST_F(SyncE2E, NonInteractiveAsksNothingAndKeepsMovies) {
  makeFile(at("shows/Free/watched/ep1.mkv"));
  makeFile(at("movies/watched/suzume.mp4"));
  auto r = sync("", {"--non-interactive"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(r.out.find("Enter the TVDB id"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Left 1 show untagged"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Skipped 1 movie"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(at("shows/Free")));
  EXPECT_TRUE(fs::exists(at("movies/watched/suzume.mp4")));
}

TEST_F(SyncE2E, AnInvalidAnswerIsAskedAgain) {
  makeFile(at("movies/watched/suzume.mp4"));
  auto r = sync("soon\n-3\n\n331904\n");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("Enter the TVDB id for movie suzume:\n"
                       "Please answer with a TVDB id (a positive whole number).\n"
                       "Enter the TVDB id for movie suzume:\n"
                       "Please answer with a TVDB id (a positive whole number).\n"
                       "Enter the TVDB id for movie suzume:\n"
                       "Please answer with a TVDB id (a positive whole number).\n"
                       "Enter the TVDB id for movie suzume:\n"
                       "Successfully added 1 new movies to the remote server.\n"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(at("movies/watched/suzume.mp4")));
}

// ---- failures: each leaves everything unconfirmed in place ---------------------------------

TEST_F(SyncE2E, ServerDownKeepsEverything) {
  makeFile(at("shows/Free/watched/ep1.mkv"));
  writeText(at("watched.txt"), "https://youtu.be/9bZkp7q19f0\n");
  server_.process->signal(SIGTERM);
  ASSERT_EQ(server_.process->wait(), 0);
  auto r = sync();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("immersion-tracker: cannot reach the server at " + server_.url(), 0), 0u)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one sentence
  EXPECT_TRUE(fs::exists(at("shows/Free/watched/ep1.mkv")));
  EXPECT_EQ(readText(at("watched.txt")), "https://youtu.be/9bZkp7q19f0\n");
}

TEST_F(SyncE2E, WrongPasswordKeepsEverything) {
  makeFile(at("shows/Free/watched/ep1.mkv"));
  env_.set("IMMERSION_TRACKER_PASSWORD", "wrong");
  auto r = sync();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("refused the credentials of user alice"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(at("shows/Free/watched/ep1.mkv")));
}

TEST_F(SyncE2E, AnUnreadableLineStopsBeforeAnythingIsSynced) {
  makeFile(at("shows/Free/watched/ep1.mkv"));
  writeText(at("watched.txt"),
            "https://youtu.be/9bZkp7q19f0\n# fine\nhttps://example.com/watch?v=9bZkp7q19f0\n");
  auto r = sync();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "immersion-tracker: watched.txt line 3 is not a YouTube or Spotify link: "
            "\"https://example.com/watch?v=9bZkp7q19f0\"; nothing was synced or deleted\n");
  EXPECT_TRUE(fs::exists(at("shows/Free/watched/ep1.mkv")));
  EXPECT_EQ(progressJson().at("total_episodes_watched"), 0);

  writeText(at("watched.txt"), "https://spotify.link/AbCdEfGh\n");
  r = sync();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("watched.txt line 1 is a Spotify short link"), std::string::npos) << r.err;
}

TEST_F(SyncE2E, AProviderFailureForOneItemKeepsOnlyThatItem) {
  writeText(at("watched.txt"),
            "https://youtu.be/9bZkp7q19f0\nhttps://youtu.be/xxxxxxxxxxx\n"
            "https://open.spotify.com/episode/512ojhOuo1ktJprKbVcKyQ\n");
  auto r = sync();
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("Successfully added 1 new YouTube videos to the remote server."),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("Could not sync YouTube video xxxxxxxxxxx: YouTube video xxxxxxxxxxx not "
                       "found"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("immersion-tracker: 1 item could not be synced or deleted"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(readText(at("watched.txt")), "https://youtu.be/xxxxxxxxxxx\n");
}

TEST_F(SyncE2E, AnUnknownTvdbIdIsAskedAgain) {
  makeFile(at("shows/Free/watched/ep1.mkv"));
  auto r = sync("999999\n278157\n");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("Enter the TVDB id for show Free:\n"
                       "TVDB series 999999 not found\n"
                       "Enter the TVDB id for show Free:\n"
                       "Successfully updated show metadata.\n"),
            std::string::npos)
      << r.out;
}

TEST_F(SyncE2E, AnswersEndingEarlyStopWithoutDeleting) {
  makeFile(at("shows/Free/watched/ep1.mkv"));
  makeFile(at("shows/Haikyuu/watched/ep1.mkv"));
  auto r = sync("278157\n");  // nothing for the second show
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "immersion-tracker: standard input ended before the TVDB id of show Haikyuu was "
            "given (use --non-interactive to skip the questions)\n");
  EXPECT_TRUE(fs::exists(at("shows/Free/watched/ep1.mkv")));
  EXPECT_TRUE(fs::exists(at("shows/Haikyuu/watched/ep1.mkv")));
}

// --spotify-backfill (or IMMERSION_TRACKER_SPOTIFY_BACKFILL=1) asks the server for the earlier
// episodes of each linked episode's show too; without it the request is the original's.
TEST_F(SyncE2E, SpotifyBackfillBringsInTheShowsEarlierEpisodes) {
  fake_.addSpotifyEpisode("earlierEpisode00000000", "Episode 0", 900'000, "38bS44xjbVVZ3No3ByF1dJ",
                          "The Miku Real Japanese Podcast", "2024-04-01");
  fake_.addSpotifyEpisode("laterEpisode0000000000", "Episode 3", 900'000, "38bS44xjbVVZ3No3ByF1dJ",
                          "The Miku Real Japanese Podcast", "2024-06-01");
  writeText(at("watched.txt"), "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk\n");
  auto r = sync("", {"--spotify-backfill"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Episode 2, and Episode 1 (the same day) and Episode 0 before it; not Episode 3.
  EXPECT_EQ(progressJson().at("spotify_episodes_watched"), 3) << r.out;
  EXPECT_NE(r.out.find("Clearing watched URLs"), std::string::npos) << r.out;
  EXPECT_EQ(readText(at("watched.txt")), "");

  writeText(at("watched.txt"), "https://open.spotify.com/episode/laterEpisode0000000000\n");
  env_.set("IMMERSION_TRACKER_SPOTIFY_BACKFILL", "1");
  r = sync();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(progressJson().at("spotify_episodes_watched"), 4) << r.out;
  EXPECT_EQ(fake_.requestCount("/v1/shows/"), 2);
}

TEST_F(SyncE2E, ProviderOutagesKeepMoviesAndLinks) {
  makeFile(at("movies/watched/suzume.mp4"));
  writeText(at("watched.txt"), "https://open.spotify.com/episode/512ojhOuo1ktJprKbVcKyQ\n");
  fake_.failNext("/v4/", 503, "Service Unavailable", 1000);
  fake_.failNext("/v1/episodes/", 500, "oops", 1000);
  auto r = sync("331904\n");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("Could not sync movie suzume: TVDB is unavailable"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Could not sync Spotify episode 512ojhOuo1ktJprKbVcKyQ: Spotify is "
                       "unavailable"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("immersion-tracker: 2 items could not be synced or deleted"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out.find("Clearing watched URLs"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(at("movies/watched/suzume.mp4")));
  EXPECT_EQ(readText(at("watched.txt")),
            "https://open.spotify.com/episode/512ojhOuo1ktJprKbVcKyQ\n");
}

TEST_F(SyncE2E, ASymlinkedWatchedFileStaysALink) {
  TempDir elsewhere;
  fs::path real = fs::path(elsewhere.path()) / "links.txt";
  writeText(real, "https://youtu.be/9bZkp7q19f0\nhttps://youtu.be/xxxxxxxxxxx\n");
  fs::permissions(real, fs::perms::owner_read | fs::perms::owner_write);
  fs::create_symlink(real, at("watched.txt"));
  auto r = sync();
  EXPECT_EQ(r.exit_code, 1) << r.out;  // the unknown video
  EXPECT_TRUE(fs::is_symlink(at("watched.txt")));
  EXPECT_EQ(readText(real), "https://youtu.be/xxxxxxxxxxx\n");
  EXPECT_EQ(fs::status(real).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

// Makes `path` impossible to delete: immutable for root (ext4 and most disk file systems), a
// read-only directory for anyone else. False when neither is possible here.
bool makeUndeletable(const fs::path& path) {
  if (geteuid() != 0) {
    fs::permissions(path.parent_path(), fs::perms::owner_read | fs::perms::owner_exec);
    return true;
  }
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  int flags = 0;
  bool ok = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  flags |= FS_IMMUTABLE_FL;
  ok = ok && ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  ::close(fd);
  return ok;
}

void makeDeletable(const fs::path& path) {
  std::error_code ec;
  fs::permissions(path.parent_path(), fs::perms::owner_all, ec);
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  int flags = 0;
  if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
    flags &= ~FS_IMMUTABLE_FL;
    ioctl(fd, FS_IOC_SETFLAGS, &flags);
  }
  ::close(fd);
}

TEST_F(SyncE2E, AnUndeletableFileIsReported) {
  fs::path stuck = at("shows/Free/watched/ep2.mkv");
  makeFile(at("shows/Free/watched/ep1.mkv"), 10 * kMiB);
  makeFile(stuck, 10 * kMiB);
  if (!makeUndeletable(stuck)) GTEST_SKIP() << "cannot make a file undeletable here";
  auto r = sync("", {"--non-interactive"});
  makeDeletable(stuck);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Could not delete " + stuck.string() + ": "), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("Deleted 0.01 GB of watched episodes."), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(stuck));
  EXPECT_TRUE(fs::exists(at("shows/Free")));  // not complete: a video is left
}

// The server has TMDB's token, as the original's does today: the client asks for TMDB ids,
// with TMDB's suggestions, and `movie add` records films watched without a file.
class SyncWithTmdbE2E : public SyncE2E {
 protected:
  void SetUp() override {
    fake_.addTmdbMovie(372058, "君の名は。", "Your Name.", "/q719jXXEzOoYaps6babgKnONONX.jpg", 106,
                       "2016-08-26");
    fake_.addTmdbMovie(129, "千と千尋の神隠し", "Spirited Away", std::nullopt, 125, "2001-07-20");
    for (const auto& [name, value] : fake_.tmdbEnvironment()) env_.set(name, value);
    SyncE2E::SetUp();
  }

  RunResult movieAdd(std::vector<std::string> args) {
    std::vector<std::string> argv{IT_BINARY, "movie", "add"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, "");
  }
};

TEST_F(SyncWithTmdbE2E, MoviesAreAskedForByTmdbIdWithTmdbSuggestions) {
  makeFile(at("movies/watched/your_name.mkv"), 2048 * kMiB);
  makeFile(at("movies/watched/sen_to_chihiro.mp4"), 1024 * kMiB);
  // "1" picks the match offered for your_name; the other is a typed id.
  auto r = sync("129\n1\n");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.substr(0, r.out.find("Retrieving progress summary")),
            "Finding local episodes watched...\n"
            "Finding local movies watched...\n"
            "Finding watched URLs...\n"
            "Syncing 2 movies watched...\n"
            "Enter the TMDB id for movie sen_to_chihiro:\n"
            "TMDB matches for movie your_name:\n"
            "  1) 君の名は。 / Your Name. (2016), id 372058\n"
            "Enter the TMDB id for movie your_name:\n"
            "Successfully added 2 new movies to the remote server.\n");
  EXPECT_NE(r.out.find("\n千と千尋の神隠し\n君の名は。\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Deleted 3.00 GB of watched movies."), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(at("movies/watched/your_name.mkv")));
  EXPECT_EQ(progressJson().at("movies").at(1).at("artwork_url"),
            "https://image.tmdb.org/t/p/w500/q719jXXEzOoYaps6babgKnONONX.jpg");
}

TEST_F(SyncWithTmdbE2E, MovieAddRecordsAFilmWatchedElsewhereOnce) {
  auto r = movieAdd({"372058", "--watched-on", "2024-12-25"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(r.out, "Added 君の名は。 (Your Name.), watched 2024-12-25 (1h 46m).\n");
  EXPECT_EQ(r.err, "");

  r = movieAdd({"372058"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "You already have TMDB movie 372058 (as manual_tmdb_372058); it was not added "
            "again.\n");

  auto p = progressJson();
  EXPECT_EQ(p.at("total_movies_watched"), 1);
  EXPECT_EQ(p.at("movies").at(0).at("movie_id"), "manual_tmdb_372058");

  // Refusals are one sentence and a non-zero exit, and record nothing.
  r = movieAdd({"999999"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "immersion-tracker: TMDB has no movie with id 999999\n");
  r = movieAdd({"129", "--watched-on", "25/12/2024"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "immersion-tracker: --watched-on must be a date written YYYY-MM-DD (got "
            "\"25/12/2024\")\n");
  r = movieAdd({"129", "--watched-on", "2999-01-01"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("watched_on 2999-01-01 is after today"), std::string::npos) << r.err;
  EXPECT_NE(movieAdd({"-5"}).exit_code, 0);
  EXPECT_EQ(progressJson().at("total_movies_watched"), 1);
}

// ---- large syncs: batches within the server's body limit ------------------------------------

// A server that takes at most 256 KiB a request (IMMERSION_TRACKER_MAX_BODY_BYTES), as one with
// a smaller max_body_bytes than the client's first budget of 1 MiB would.
class SyncLargeE2E : public SyncE2E {
 protected:
  void SetUp() override {
    env_.set("IMMERSION_TRACKER_MAX_BODY_BYTES", std::to_string(body_limit_));
    SyncE2E::SetUp();
  }

  // `shows` show folders of `per_show` empty episode files each ("Show 007/watched/Episode
  // 0042.mkv").
  void makeEpisodes(int shows, int per_show) {
    for (int s = 0; s < shows; ++s) {
      char show[32];
      std::snprintf(show, sizeof show, "shows/Show %03d/watched", s);
      fs::path watched = at(show);
      fs::create_directories(watched);
      for (int e = 0; e < per_show; ++e) {
        char name[32];
        std::snprintf(name, sizeof name, "Episode %04d.mkv", e);
        std::ofstream(watched / name).close();
      }
    }
  }

  std::size_t filesLeft() {
    std::size_t n = 0;
    if (!fs::exists(at("shows"))) return 0;
    for (const auto& entry : fs::recursive_directory_iterator(at("shows"))) {
      n += entry.is_regular_file() ? 1 : 0;
    }
    return n;
  }

  // How many POST /sync the server answered with `status`, from its /metrics.
  long syncRequests(int status) {
    std::string metrics = HttpClient(server_.url()).get("/metrics").body;
    std::string series = "http_requests_total{route=\"/sync\",method=\"POST\",status=\"" +
                         std::to_string(status) + "\"} ";
    auto found = metrics.find(series);
    return found == std::string::npos ? 0 : std::stol(metrics.substr(found + series.size()));
  }

  std::size_t body_limit_ = 256 * 1024;
};

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// 100,000 episode files (5.4 MB of JSON, 20 times the server's limit): the client learns the
// limit from the server's 413s, sends them in batches under it, and reports them as one
// request; the server has them all, and every file is deleted.
TEST_F(SyncLargeE2E, AHundredThousandEpisodesGoInBatchesUnderTheServersLimit) {
  const auto started = std::chrono::steady_clock::now();
  makeEpisodes(200, 500);
  const auto made = std::chrono::steady_clock::now();
  auto r = sync("", {"--non-interactive"});
  const auto synced = std::chrono::steady_clock::now();
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out.substr(0, 2000);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.rfind("Finding local episodes watched...\n"
                        "Finding local movies watched...\n"
                        "Finding watched URLs...\n"
                        "Syncing 100000 local episodes watched...\n"
                        "Successfully added 100000 new episodes to the remote server.\n"
                        "Retrieving remote show metadata...\n"
                        "Left 200 shows untagged (--non-interactive); tag them in a run without "
                        "it.\n"
                        "Retrieving progress summary...\n"
                        "\n"
                        "100000 episodes of Unknown\n"  // untagged shows, as the original
                        "\n"
                        "100000 episodes watched today.\n",
                        0),
            0u)
      << r.out.substr(0, 2000);
  EXPECT_EQ(occurrences(r.out, "Successfully added"), 1u);
  // Syncing, added, of Unknown, watched today, deleting: the total, once each.
  EXPECT_EQ(occurrences(r.out, "100000"), 5u) << r.out;
  EXPECT_NE(r.out.find("\nDeleting 100000 local episodes watched...\n"
                       "Deleted 0.00 GB of watched episodes.\n"
                       "Deleted completed show: Show 000\n"),
            std::string::npos);
  EXPECT_EQ(occurrences(r.out, "Deleted completed show: "), 200u);
  EXPECT_EQ(r.out.find('\r'), std::string::npos);  // not a terminal: no bar

  EXPECT_EQ(progressJson().at("total_episodes_watched"), 100000);
  EXPECT_EQ(filesLeft(), 0u);
  EXPECT_FALSE(fs::exists(at("shows/Show 000")));
  // The first budget refused twice (1 MiB, then half of it), then 5.4 MB in batches of at
  // most 256 KiB.
  EXPECT_EQ(syncRequests(413), 2);
  EXPECT_GE(syncRequests(200), 21);
  EXPECT_LE(syncRequests(200), 22);

  auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::cerr << "[ timing   ] 100,000 files made in " << seconds(made - started) << " s, synced in "
            << seconds(synced - made) << " s\n";
}

// On a terminal the same sync draws a bar that counts the episodes (here 2,000 in batches
// under a limit of 16 KiB); the rest of the output is unchanged.
class SyncLargeOnTerminalE2E : public SyncLargeE2E {
 protected:
  SyncLargeOnTerminalE2E() { body_limit_ = 16 * 1024; }
};

TEST_F(SyncLargeOnTerminalE2E, ABarCountsTheEpisodes) {
  makeEpisodes(4, 500);
  auto r = runOnTerminal({IT_BINARY, "sync", "--dir", tree_.path(), "--non-interactive"}, "\n");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Syncing 2000 local episodes watched...\r\n\rSyncing episodes  ["),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("] 100%  2,000 of 2,000\r\n"
                          "Successfully added 2000 new episodes to the remote server.\r\n"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Press ENTER to close..."), std::string::npos) << r.output;
  EXPECT_EQ(progressJson().at("total_episodes_watched"), 2000);
  EXPECT_EQ(filesLeft(), 0u);
}

// What the client prints came from the server: a hostile (or compromised) one answering with
// terminal escape sequences (OSC 52 sets the clipboard, CSI 2J clears the screen, C1 CSI) gets
// them printed as plain text without the control characters.
TEST(SyncClientTerminal, ControlCharactersFromTheServerAreNotPrinted) {
  const std::string evil =
      "\x1b]52;c;SGVsbG8=\x07\x1b[2J\xc2\x9b"
      "31mboom\r";
  LoopbackServer server([&](boost::asio::ip::tcp::socket& socket) {
    serveHttp(socket, 1 << 20, "hostile", [&](const HttpRequest&, auto&) {
      return std::optional<HttpReply>(
          HttpReply{500, boost::json::serialize(boost::json::object{{"error", evil}})});
    });
  });
  ScopedEnv env;
  env.set("IMMERSION_TRACKER_API_URL", "http://127.0.0.1:" + std::to_string(server.port()));
  env.set("IMMERSION_TRACKER_USER", "alice");
  env.set("IMMERSION_TRACKER_PASSWORD", "password");
  auto r = run({IT_BINARY, "progress"});
  server.stop();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("]52;c;SGVsbG8=[2J31mboom"), std::string::npos) << r.err;
  for (std::string control : {"\x1b", "\x07", "\xc2\x9b", "\r"}) {
    EXPECT_EQ((r.out + r.err).find(control), std::string::npos)
        << "printed a control character: " << r.err;
  }
}

}  // namespace
}  // namespace it::test
