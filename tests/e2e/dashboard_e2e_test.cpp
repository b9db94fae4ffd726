// The web dashboard in a real browser: Debian's headless Chromium, driven by puppeteer-core
// (web/tests/browser/dashboard.mjs), against the real binary on a free port with seeded data
// and the fake providers. The script signs in, compares the numbers on the pages with the
// API's, changes things through the pages, and saves screenshots of every page (1280 and 390
// px wide) in build/<preset>/test-artifacts/dashboard/. Afterwards this test checks through
// the API that the changes made in the browser were stored.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "api/web/bundle.hpp"
#include "e2e/server_process.hpp"
#include "fakes/fake_providers.hpp"
#include "support/http_client.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

namespace json = boost::json;

constexpr const char* kPassword = "correct horse battery";

// Films "watched elsewhere" over the last months (POST /api/movies takes past days), so the
// charts and the screenshots have a history to show.
struct Film {
  std::int64_t id;
  const char* original_title;
  const char* title;
  int minutes;
};
constexpr Film kFilmsWatchedElsewhere[] = {
    {129, "千と千尋の神隠し", "Spirited Away", 125},
    {4935, "ハウルの動く城", "Howl's Moving Castle", 119},
    {128, "もののけ姫", "Princess Mononoke", 134},
    {8392, "となりのトトロ", "My Neighbor Totoro", 86},
    {16859, "魔女の宅急便", "Kiki's Delivery Service", 103},
    {37797, "耳をすませば", "Whisper of the Heart", 111},
    {110420, "おおかみこどもの雨と雪", "Wolf Children", 117},
    {378064, "聲の形", "A Silent Voice", 130},
    {568160, "天気の子", "Weathering with You", 112},
    {10515, "天空の城ラピュタ", "Castle in the Sky", 124},
    {81, "風の谷のナウシカ", "Nausicaä of the Valley of the Wind", 117},
    {149870, "風立ちぬ", "The Wind Rises", 126},
};

// The UTC day `days_ago` days before today, as YYYY-MM-DD: in the past in every time zone
// when `days_ago` is at least 1.
std::string utcDayBefore(int days_ago) {
  auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) -
             std::chrono::days(days_ago);
  std::chrono::year_month_day ymd{day};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

class DashboardE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (api::web::embeddedBundle().files.size() < 2) {
      GTEST_SKIP() << "this build has no dashboard (IT_WEB_DASHBOARD=OFF)";
    }
    node_ = findInPath("node");
    chromium_ = findInPath("chromium");
    ASSERT_FALSE(node_.empty()) << "node is missing: run scripts/install-deps.sh";
    ASSERT_FALSE(chromium_.empty()) << "chromium is missing: run scripts/install-deps.sh --test";

    fake_.addSeries(278157, "Free!", "https://artworks.thetvdb.com/banners/posters/278157-1.jpg",
                    24);
    fake_.addSeries(270065, "Haikyu!!", "https://artworks.thetvdb.com/banners/posters/270065-1.jpg",
                    24);
    fake_.addVideo("kJQP7kiw5Fk", "Despacito", "UCLp8RBhQHu9wSsq62j_Md6A", "LuisFonsiVEVO",
                   "PT4M42S");
    fake_.addVideo("9bZkp7q19f0", "Gangnam Style", "UCrDkAvwZum-UTjHmzDI2iIw", "officialpsy",
                   "PT4M13S");
    fake_.addSpotifyEpisode("512ojhOuo1ktJprKbVcKyQ", "Episode 1", 1'500'000,
                            "38bS44xjbVVZ3No3ByF1dJ", "The Miku Real Japanese Podcast");
    fake_.addTmdbMovie(372058, "君の名は。", "Your Name.", "/q719jXXEzOoYaps6babgKnONONX.jpg", 106);
    for (const auto& film : kFilmsWatchedElsewhere) {
      fake_.addTmdbMovie(film.id, film.original_title, film.title,
                         "/" + std::to_string(film.id) + ".jpg", film.minutes);
    }
    for (const auto& [name, value] : fake_.environment()) env_.set(name, value);
    for (const auto& [name, value] : fake_.tmdbEnvironment()) env_.set(name, value);

    ASSERT_EQ(cli(data_.path(), {"user", "add", "alice", "--admin"}, std::string(kPassword) + "\n")
                  .exit_code,
              0);
    // A newcomer with nothing synced yet, for the empty states.
    ASSERT_EQ(cli(data_.path(), {"user", "add", "bob"}, "bob-pass\n").exit_code, 0);
    server_ = ServerProcess::start(data_.path());
    ASSERT_GT(server_.port, 0);
    seed();
  }

  // What the sync client and the TV client would have sent.
  void seed() {
    auto api = client();
    auto sent = [&](const char* method, const char* path, const char* body) {
      auto r = api->request(method, path, body);
      ASSERT_LT(r.status, 300) << method << " " << path << ": " << r.body;
    };
    sent("POST", "/sync",
         R"json({"episodes": [{"folder_name": "Free!", "file_name": "Free! - 01.mkv"},
                          {"folder_name": "Free!", "file_name": "Free! - 02.mkv"},
                          {"folder_name": "Free!", "file_name": "Free! - 03.mkv"},
                          {"folder_name": "Haikyuu (2014)", "file_name": "Haikyuu - 01.mkv"},
                          {"folder_name": "Haikyuu (2014)", "file_name": "Haikyuu - 02.mkv"}]})json");
    sent("PUT", "/show", R"json({"folder_name": "Free!", "tvdb_id": 278157})json");
    sent("POST", "/syncyoutube", R"json({"video_ids": ["kJQP7kiw5Fk", "9bZkp7q19f0"]})json");
    sent("POST", "/syncspotify", R"json({"episode_ids": ["512ojhOuo1ktJprKbVcKyQ"]})json");
    sent("POST", "/syncmovies",
         R"json({"movies": [{"file_name": "your-name.mkv", "tmdb_id": 372058}]})json");
    int days_ago = 2;
    for (const auto& film : kFilmsWatchedElsewhere) {
      std::string body = R"({"tmdb_id": )" + std::to_string(film.id) + R"(, "watched_on": ")" +
                         utcDayBefore(days_ago) + R"("})";
      sent("POST", "/api/movies", body.c_str());
      days_ago += 9;
    }
    sent("POST", "/api/update_episode",
         R"json({"username": "alice", "tv_show": "The Office", "season": 2, "episode": 5})json");
    sent("POST", "/api/update_episode",
         R"json({"username": "alice", "tv_show": "Frieren", "season": 1, "episode": 3})json");
  }

  std::unique_ptr<HttpClient> client() {
    auto c = std::make_unique<HttpClient>(server_.url());
    c->setBasicAuth("alice", kPassword);
    return c;
  }

  FakeProviders fake_;
  TempDir data_;
  ScopedEnv env_;
  ServerProcess server_;
  std::string node_;
  std::string chromium_;
};

TEST_F(DashboardE2E, InARealBrowser) {
  auto artifacts = std::filesystem::path(IT_ARTIFACT_DIR) / "dashboard";
  std::filesystem::remove_all(artifacts);
  std::filesystem::create_directories(artifacts);
  env_.set("IT_BASE_URL", server_.url());
  env_.set("IT_USERNAME", "alice");
  env_.set("IT_PASSWORD", kPassword);
  env_.set("IT_NEWCOMER", "bob:bob-pass");
  env_.set("IT_CHROMIUM", chromium_);
  env_.set("IT_SCREENSHOTS", artifacts.string());

  auto browser = run({node_, std::string(IT_SOURCE_DIR) + "/web/tests/browser/dashboard.mjs"});
  EXPECT_EQ(browser.exit_code, 0) << "stdout:\n" << browser.out << "\nstderr:\n" << browser.err;
  std::cout << browser.out;

  // What the browser changed is stored: the episode moved on, the folder is tagged.
  auto api = client();
  auto office = json::parse(api->get("/api/show_episode?username=alice&tv_show=The%20Office").body);
  EXPECT_EQ(office.at("episode").as_int64(), 6);
  EXPECT_EQ(office.at("season").as_int64(), 2);
  auto shows = json::parse(api->get("/shows").body).at("shows").as_array();
  bool tagged = false;
  for (const auto& s : shows) {
    if (s.at("folder_name") == "Haikyuu (2014)") tagged = s.at("tvdb_id") == json::value(270065);
  }
  EXPECT_TRUE(tagged) << json::serialize(shows);
  for (const char* page : {"immersion", "tv", "library", "logs", "settings", "login", "newcomer"}) {
    for (const char* width : {"1280", "390"}) {
      EXPECT_TRUE(std::filesystem::exists(artifacts / (std::string(page) + "-" + width + ".png")))
          << page << " at " << width << " px";
    }
  }
}

}  // namespace
}  // namespace it::test
