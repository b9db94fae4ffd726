// Seed 004's endpoints over real HTTP, with the real provider clients talking to in-process
// fakes of TVDB, YouTube and Spotify: the original's paths and bodies, validation, partial
// provider failures, the shared metadata cache, per-user time zones and isolation.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <thread>

#include "fakes/fake_providers.hpp"
#include "integration/server_fixture.hpp"

namespace it::test {
namespace {

namespace json = boost::json;

json::value parse(const HttpResult& r) { return json::parse(r.body); }

std::string episodesBody(const std::vector<std::pair<std::string, std::string>>& episodes) {
  json::array list;
  for (const auto& [folder, file] : episodes) {
    list.push_back(json::object{{"folder_name", folder}, {"file_name", file}});
  }
  return json::serialize(json::object{{"episodes", std::move(list)}});
}

std::string idsBody(const char* key, const std::vector<std::string>& ids) {
  json::array list;
  for (const auto& id : ids) list.push_back(json::value(id));
  return json::serialize(json::object{{key, std::move(list)}});
}

std::string moviesBody(const std::vector<std::pair<std::string, std::int64_t>>& movies) {
  json::array list;
  for (const auto& [file, id] : movies)
    list.push_back(json::object{{"file_name", file}, {"tvdb_id", id}});
  return json::serialize(json::object{{"movies", std::move(list)}});
}

std::string showBody(const std::string& folder, std::int64_t id) {
  return json::serialize(json::object{{"folder_name", folder}, {"tvdb_id", id}});
}

constexpr const char* kVideoA = "kJQP7kiw5Fk";
constexpr const char* kVideoB = "9bZkp7q19f0";
constexpr const char* kVideoC = "dQw4w9WgXcQ";
constexpr const char* kSpotifyA = "512ojhOuo1ktJprKbVcKyQ";
constexpr const char* kSpotifyB = "4rOoJ6Egrf8K2IrywzwOMk";

// The server in Pacific/Auckland (the original's zone), with every provider pointing at the
// fakes, which know two series, two movies, three videos and two podcast episodes.
class ImmersionTest : public ServerTest {
 protected:
  void adjust(app::Config& config) override {
    config.time_zone = "Pacific/Auckland";
    config.providers = fake_.settings();
    fake_.addSeries(278157, "Free!", "https://artworks.thetvdb.com/free.jpg", 24);
    fake_.addSeries(270065, "ハイキュー!!", "https://artworks.thetvdb.com/haikyuu.jpg", 24);
    fake_.addSeries(81189, "Breaking Bad", std::nullopt, std::nullopt);
    fake_.addMovie(331904, "すずめの戸締まり", "https://artworks.thetvdb.com/suzume.jpg", 122);
    fake_.addMovie(197, "君の名は。", std::nullopt, 106);
    fake_.addVideo(kVideoA, "Despacito", "UCLp8RBhQHu9wSsq62j_Md6A", "LuisFonsiVEVO", "PT4M42S");
    fake_.addVideo(kVideoB, "Gangnam Style", "UCrDkAvwZum-UTjHmzDI2iIw", "officialpsy", "PT4M13S");
    fake_.addVideo(kVideoC, "Never Gonna Give You Up", "UCuAXFkgsw1L7xaCfnd5JJOw", "Rick Astley",
                   "PT3M33S");
    // channels.list knows two of the three channels (one without its high thumbnail).
    fake_.addChannel("UCLp8RBhQHu9wSsq62j_Md6A", "Luis Fonsi");
    fake_.addChannel("UCuAXFkgsw1L7xaCfnd5JJOw", "Rick Astley", {"default", "medium"});
    fake_.addSpotifyEpisode(kSpotifyA, "Episode 1", 1'500'000, "38bS44xjbVVZ3No3ByF1dJ",
                            "The Miku Real Japanese Podcast");
    fake_.addSpotifyEpisode(kSpotifyB, "Episode 2", 1'500'999, "38bS44xjbVVZ3No3ByF1dJ",
                            "The Miku Real Japanese Podcast");
  }

  json::value progress(const std::string& user) {
    auto r = clientFor(user)->get("/progress");
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r);
  }

  FakeProviders fake_;
};

// ---- POST /sync, GET /shows -------------------------------------------------------------

TEST_F(ImmersionTest, SyncCountsOnlyNewEpisodesAndCreatesShows) {
  auto alice = clientFor("alice");
  auto r = alice->post("/sync", episodesBody({{"1 [123] Free!", "ep1"},
                                              {"1 [123] Free!", "ep2"},
                                              {"2 (123) Haikyuu", "ep1"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(parse(r), json::parse(R"({"episodes_added": 3})"));

  r = alice->post("/sync", episodesBody({{"1 [123] Free!", "ep2"}, {"1 [123] Free!", "ep3"}}));
  EXPECT_EQ(parse(r), json::parse(R"({"episodes_added": 1})"));

  r = alice->get("/shows");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(parse(r), json::parse(R"({"shows": [
      {"folder_name": "1 [123] Free!", "tvdb_id": null, "tvdb_name": null, "tvdb_image": null},
      {"folder_name": "2 (123) Haikyuu", "tvdb_id": null, "tvdb_name": null, "tvdb_image": null}
  ]})"));
}

TEST_F(ImmersionTest, ResyncDoesNotRetimestamp) {
  auto alice = clientFor("alice");
  ASSERT_EQ(alice->post("/sync", episodesBody({{"Show", "ep1"}})).status, 200);
  clock_.advance(std::chrono::hours(24 * 3));
  auto r = alice->post("/sync", episodesBody({{"Show", "ep1"}, {"Show", "ep1"}}));
  EXPECT_EQ(parse(r), json::parse(R"({"episodes_added": 0})"));
  auto p = progress("alice");
  EXPECT_EQ(p.at("total_episodes_watched"), 1);
  EXPECT_EQ(p.at("episodes_watched_today"), 0);  // still counted three days ago
  EXPECT_EQ(p.at("days_since_first_episode"), 3);
}

TEST_F(ImmersionTest, EmptySyncAddsNothing) {
  auto r = clientFor("alice")->post("/sync", R"({"episodes": []})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(parse(r), json::parse(R"({"episodes_added": 0})"));
}

TEST_F(ImmersionTest, BadSyncRequestsAreRejectedWholeNamingTheFirstBadItem) {
  auto alice = clientFor("alice");
  std::string long_name(1025, 'x');
  struct Case {
    std::string body;
    std::string message_part;
  } cases[] = {
      {"", "\"episodes\" list"},
      {"{}", "\"episodes\" list"},
      {R"({"episodes": "ep1"})", "\"episodes\" list"},
      {R"({"episodes": [{"folder_name": "A", "file_name": "1"}, 7]})", "episodes[1] must be"},
      {R"({"episodes": [{"folder_name": "A", "file_name": "1"},
                         {"folder_name": "B", "file_name": "2"},
                         {"folder_name": "", "file_name": "3"}]})",
       "episodes[2].folder_name"},
      {R"({"episodes": [{"folder_name": "A"}]})", "episodes[0].file_name"},
      {R"({"episodes": [{"folder_name": "A", "file_name": 5}]})", "episodes[0].file_name"},
      {R"({"episodes": [{"folder_name": "A", "file_name": ")" + long_name + R"("}]})",
       "at most 1024 bytes"},
      {"{\"episodes\": [{\"folder_name\": \"\xff\", \"file_name\": \"1\"}]}", "not valid JSON"},
      {R"({"episodes": [)", "not valid JSON"},
  };
  for (const auto& c : cases) {
    auto r = alice->post("/sync", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_NE(parse(r).at("error").as_string().find(c.message_part), std::string::npos) << r.body;
  }
  std::vector<std::pair<std::string, std::string>> too_many(10'001, {"A", "1"});
  auto r = alice->post("/sync", episodesBody(too_many));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(parse(r).at("error"), "At most 10000 episodes per request (got 10001)");

  EXPECT_EQ(parse(alice->get("/shows")), json::parse(R"({"shows": []})"));
  EXPECT_EQ(progress("alice").at("total_episodes_watched"), 0);
}

TEST_F(ImmersionTest, SyncOfTenThousandEpisodesIsOneRequest) {
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 10'000; ++i) {
    many.emplace_back("Show " + std::to_string(i % 7), "episode " + std::to_string(i));
  }
  auto r = clientFor("alice")->post("/sync", episodesBody(many));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(parse(r).at("episodes_added"), 10'000);
  EXPECT_EQ(parse(clientFor("alice")->get("/shows")).at("shows").as_array().size(), 7u);
}

TEST_F(ImmersionTest, ConcurrentSyncsOfTheSameEpisodesRecordEachOnce) {
  std::vector<std::pair<std::string, std::string>> episodes;
  for (int i = 0; i < 300; ++i) episodes.emplace_back("Show", "ep " + std::to_string(i));
  std::string body = episodesBody(episodes);
  std::atomic<std::int64_t> added{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      auto client = clientFor("alice");
      for (int round = 0; round < 3; ++round) {
        auto r = client->post("/sync", body);
        if (r.status == 200) added += parse(r).at("episodes_added").as_int64();
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(added.load(), 300);
  EXPECT_EQ(progress("alice").at("total_episodes_watched"), 300);
}

// ---- PUT /show ----------------------------------------------------------------------------

TEST_F(ImmersionTest, TaggingAShowFetchesTvdbAndBumpsTheVersion) {
  auto alice = clientFor("alice");
  ASSERT_EQ(alice->post("/sync", episodesBody({{"1 [123] Free!", "ep1"}})).status, 200);
  auto r = alice->request("PUT", "/show", showBody("1 [123] Free!", 278157));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse("{}"));
  EXPECT_EQ(parse(alice->get("/shows")), json::parse(R"({"shows": [
      {"folder_name": "1 [123] Free!", "tvdb_id": 278157, "tvdb_name": "Free!",
       "tvdb_image": "https://artworks.thetvdb.com/free.jpg"}]})"));
  auto show = service_->store().findShow("alice", "1 [123] Free!");
  ASSERT_TRUE(show);
  EXPECT_EQ(show->version, 2);
  EXPECT_EQ(show->tvdb_average_runtime, 24 * 60);
}

TEST_F(ImmersionTest, TaggingAnUnknownFolderOrSeriesIsAClearError) {
  auto alice = clientFor("alice");
  auto r = alice->request("PUT", "/show", showBody("Nope", 278157));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(parse(r).at("error").as_string().find("Nope"), std::string::npos);
  EXPECT_EQ(fake_.requestCount("/v4/series/"), 0);

  ASSERT_EQ(alice->post("/sync", episodesBody({{"Show", "ep1"}})).status, 200);
  r = alice->request("PUT", "/show", showBody("Show", 999999));
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(parse(r).at("error").as_string().find("999999"), std::string::npos) << r.body;

  for (const char* bad : {R"({"folder_name": "Show", "tvdb_id": 0})",
                          R"({"folder_name": "Show", "tvdb_id": "278157"})",
                          R"({"folder_name": "Show", "tvdb_id": 1.5})",
                          R"({"folder_name": "", "tvdb_id": 278157})", R"({"tvdb_id": 278157})"}) {
    EXPECT_EQ(alice->request("PUT", "/show", bad).status, 400) << bad;
  }
  EXPECT_EQ(parse(alice->get("/shows")).at("shows").at(0).at("tvdb_id"), nullptr);
}

TEST_F(ImmersionTest, SeriesMetadataIsFetchedOncePerServer) {
  for (const char* user : {"alice", "bob"}) {
    auto client = clientFor(user);
    ASSERT_EQ(client->post("/sync", episodesBody({{"Free", "ep1"}})).status, 200);
    ASSERT_EQ(client->request("PUT", "/show", showBody("Free", 278157)).status, 200);
  }
  EXPECT_EQ(fake_.requestCount("/v4/series/278157"), 1);
  EXPECT_EQ(fake_.requestCount("/v4/login"), 1);
}

// ---- POST /syncmovies -----------------------------------------------------------------------

TEST_F(ImmersionTest, MoviesAreSyncedOnceWithoutAskingTvdbAgain) {
  auto alice = clientFor("alice");
  auto r = alice->post("/syncmovies", moviesBody({{"suzume", 331904}, {"your_name", 197}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"movies_added": 2, "failed": []})"));
  int calls = fake_.requestCount("/v4/movies/");
  r = alice->post("/syncmovies", moviesBody({{"suzume", 331904}}));
  EXPECT_EQ(parse(r), json::parse(R"({"movies_added": 0, "failed": []})"));
  EXPECT_EQ(fake_.requestCount("/v4/movies/"), calls);

  auto p = progress("alice");
  EXPECT_EQ(p.at("total_movies_watched"), 2);
  EXPECT_EQ(p.at("movies_watched_today"), 2);
  EXPECT_EQ(p.at("total_hours_watched"), 3);  // 122 + 106 minutes
  EXPECT_EQ(p.at("movies"), json::parse(R"([
      {"movie_id": "suzume", "name": "すずめの戸締まり",
       "artwork_url": "https://artworks.thetvdb.com/suzume.jpg"},
      {"movie_id": "your_name", "name": "君の名は。", "artwork_url": null}])"));
}

TEST_F(ImmersionTest, AnUnknownMovieIsReportedAndTheOthersRecorded) {
  auto r = clientFor("alice")->post("/syncmovies", moviesBody({{"a", 331904}, {"b", 424242}}));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = parse(r);
  EXPECT_EQ(body.at("movies_added"), 1);
  ASSERT_EQ(body.at("failed").as_array().size(), 1u);
  EXPECT_EQ(body.at("failed").at(0).at("id"), "424242");
  EXPECT_EQ(body.at("failed").at(0).at("file_name"), "b");
  EXPECT_FALSE(body.at("failed").at(0).at("error").as_string().empty());

  // Nothing could be synced, because TVDB does not know the id: 422, not a gateway error.
  r = clientFor("bob")->post("/syncmovies", moviesBody({{"c", 424242}}));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(parse(r).at("movies_added"), 0);
  EXPECT_EQ(progress("bob").at("total_movies_watched"), 0);
}

TEST_F(ImmersionTest, AnIdTheProviderRejectsFailsAloneAndTheOthersAreRecorded) {
  fake_.failNext(
      "/v4/movies/331904", 400,
      R"({"status":"failure","message":"InvalidValueType: Invalid movie id","data":null})");
  auto r = clientFor("alice")->post("/syncmovies",
                                    moviesBody({{"a", 331904}, {"b", 197}, {"c", 424242}}));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = parse(r);
  EXPECT_EQ(body.at("movies_added"), 1);
  ASSERT_EQ(body.at("failed").as_array().size(), 2u);
  EXPECT_EQ(body.at("failed").at(0).at("id"), "331904");
  EXPECT_EQ(body.at("failed").at(1).at("id"), "424242");
  EXPECT_EQ(progress("alice").at("movies"),
            json::parse(R"([{"movie_id": "b", "name": "君の名は。", "artwork_url": null}])"));

  fake_.failNext("/v1/episodes/" + std::string(kSpotifyA), 403,
                 R"({"error": {"status": 403, "message": "Forbidden"}})");
  r = clientFor("alice")->post("/syncspotify", idsBody("episode_ids", {kSpotifyA, kSpotifyB}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("episodes_added"), 1);
  EXPECT_EQ(parse(r).at("failed").at(0).at("id"), kSpotifyA);

  ASSERT_EQ(clientFor("alice")->post("/sync", episodesBody({{"Show", "1"}})).status, 200);
  fake_.failNext(
      "/v4/series/", 400,
      R"({"status":"failure","message":"InvalidValueType: Invalid series id","data":null})");
  r = clientFor("alice")->request("PUT", "/show", showBody("Show", 278157));
  EXPECT_EQ(r.status, 422) << r.body;
}

TEST_F(ImmersionTest, RetaggingAShowCorrectsTheTimeAlreadyCounted) {
  auto alice = clientFor("alice");
  ASSERT_EQ(alice
                ->post("/sync",
                       episodesBody({{"S", "1"}, {"S", "2"}, {"S", "3"}, {"S", "4"}, {"S", "5"}}))
                .status,
            200);
  auto minutesToday = [&] {
    return progress("alice").at("daily_activity").at(6).at("minutes_watched").as_int64();
  };
  EXPECT_EQ(minutesToday(), 100);  // 5 × 20 minutes, untagged
  ASSERT_EQ(alice->request("PUT", "/show", showBody("S", 278157)).status, 200);
  EXPECT_EQ(minutesToday(), 120);  // 5 × 24
  EXPECT_EQ(progress("alice").at("total_hours_watched"), 2);
  ASSERT_EQ(alice->request("PUT", "/show", showBody("S", 81189)).status, 200);
  EXPECT_EQ(minutesToday(), 100);  // TVDB has no runtime for it: 20 minutes again
  // The same after the totals are rebuilt in another zone.
  ASSERT_TRUE(service_->store().setUserTimeZone("alice", "UTC"));
  EXPECT_EQ(minutesToday(), 100);
}

TEST_F(ImmersionTest, EveryEndpointRejectsMalformedBodiesAndWritesNothing) {
  auto alice = clientFor("alice");
  std::string too_many_ids = idsBody("video_ids", std::vector<std::string>(10'001, kVideoA));
  struct Case {
    const char* method;
    const char* path;
    std::string body;
  } cases[] = {
      {"POST", "/syncmovies", ""},
      {"POST", "/syncmovies", "[]"},
      {"POST", "/syncmovies", R"({"movies": {"file_name": "a", "tvdb_id": 197}})"},
      {"POST", "/syncmovies", R"({"movies": [{"file_name": "a", "tvdb_id": 197}, "b"]})"},
      {"POST", "/syncmovies", R"({"movies": [{"file_name": "a"}]})"},
      {"POST", "/syncyoutube", R"({"video_ids": "kJQP7kiw5Fk"})"},
      {"POST", "/syncyoutube", R"({"videos": ["kJQP7kiw5Fk"]})"},
      {"POST", "/syncyoutube", too_many_ids},
      {"POST", "/syncspotify", R"({"episode_ids": [null]})"},
      {"POST", "/syncspotify", R"({"episode_ids": ["512ojhOuo1ktJprKbVcKyQ", 5]})"},
      {"PUT", "/show", R"({"folder_name": ["S"], "tvdb_id": 197})"},
      {"PUT", "/show", "not json"},
  };
  for (const auto& c : cases) {
    auto r = alice->request(c.method, c.path, c.body);
    EXPECT_EQ(r.status, 400) << c.path << " " << c.body.substr(0, 80);
    EXPECT_TRUE(parse(r).at("error").is_string()) << r.body;
  }
  auto p = progress("alice");
  EXPECT_EQ(p.at("total_movies_watched"), 0);
  EXPECT_EQ(p.at("youtube_videos_watched"), 0);
  EXPECT_EQ(p.at("spotify_episodes_watched"), 0);
  EXPECT_EQ(fake_.requestCount("/v4/movies/") + fake_.requestCount("/youtube/") +
                fake_.requestCount("/v1/episodes/"),
            0);
}

// channels.list down: the videos are recorded all the same, their channel named as the video
// names it and without a picture; the channel's next video brings the picture in.
TEST_F(ImmersionTest, AChannelLookupThatFailsIsTriedAgainWithTheNextVideo) {
  fake_.addVideo("aaaaaaaaaaa", "Another one", "UCLp8RBhQHu9wSsq62j_Md6A", "LuisFonsiVEVO", "PT1M");
  auto alice = clientFor("alice");
  fake_.failNext("/youtube/v3/channels", 500, R"({"error": {"code": 500, "message": "Backend"}})",
                 3);
  auto r = alice->post("/syncyoutube", idsBody("video_ids", {kVideoA}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"videos_added": 1, "failed": []})"));
  EXPECT_EQ(progress("alice").at("youtube_channels"), json::parse(R"([
      {"channel_id": "UCLp8RBhQHu9wSsq62j_Md6A", "channel_name": "LuisFonsiVEVO",
       "artwork_url": null, "videos_watched": 1}])"));

  ASSERT_EQ(
      parse(alice->post("/syncyoutube", idsBody("video_ids", {"aaaaaaaaaaa"}))).at("videos_added"),
      1);
  // The picture now; the name stays the one the channel was first recorded with.
  EXPECT_EQ(progress("alice").at("youtube_channels"), json::parse(R"([
      {"channel_id": "UCLp8RBhQHu9wSsq62j_Md6A", "channel_name": "LuisFonsiVEVO",
       "artwork_url": "https://yt3.ggpht.com/UCLp8RBhQHu9wSsq62j_Md6A-high",
       "videos_watched": 2}])"));
}

TEST_F(ImmersionTest, ConcurrentSyncsOfTheSameVideosRecordEachOnce) {
  // A slow YouTube, so the requests overlap while the first lookup is under way.
  fake_.setDelay("/youtube/v3/videos", std::chrono::milliseconds(300));
  std::string body = idsBody("video_ids", {kVideoA, kVideoB, kVideoC});
  std::atomic<std::int64_t> added{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      auto client = clientFor(t % 2 == 0 ? "alice" : "bob");
      auto r = client->post("/syncyoutube", body);
      if (r.status == 200) added += parse(r).at("videos_added").as_int64();
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(added.load(), 6);  // three each for alice and bob
  // Each video looked up once, though the requests may split the ids between them.
  std::map<std::string, int> lookups;
  for (const auto& target : fake_.requestTargets("/youtube/v3/videos")) {
    auto ids = target.substr(target.find("id=") + 3);
    ids = ids.substr(0, ids.find('&'));
    for (std::size_t start = 0; start <= ids.size();) {
      auto end = std::min(ids.find("%2C", start), ids.find(',', start));
      if (end == std::string::npos) end = ids.size();
      ++lookups[ids.substr(start, end - start)];
      start = end + (ids.compare(end, 3, "%2C") == 0 ? 3 : 1);
    }
  }
  EXPECT_EQ(lookups, (std::map<std::string, int>{{kVideoA, 1}, {kVideoB, 1}, {kVideoC, 1}}));
  EXPECT_EQ(progress("alice").at("youtube_videos_watched"), 3);
  EXPECT_EQ(progress("bob").at("youtube_channels").as_array().size(), 3u);
}

// ---- POST /syncyoutube --------------------------------------------------------------------

TEST_F(ImmersionTest, YoutubeVideosAndChannelsAreRecordedAndGrouped) {
  auto alice = clientFor("alice");
  auto r = alice->post("/syncyoutube", idsBody("video_ids", {kVideoA, kVideoB, kVideoA}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"videos_added": 2, "failed": []})"));
  r = alice->post("/syncyoutube", idsBody("video_ids", {kVideoA, kVideoC}));
  EXPECT_EQ(parse(r).at("videos_added"), 1);

  auto p = progress("alice");
  EXPECT_EQ(p.at("youtube_videos_watched"), 3);
  EXPECT_EQ(p.at("youtube_videos_watched_today"), 3);
  // Ties ordered by channel name. Titles and thumbnails from channels.list (the best size it
  // has); a channel it does not know keeps the name the video gives it, without a picture.
  EXPECT_EQ(p.at("youtube_channels"), json::parse(R"([
      {"channel_id": "UCLp8RBhQHu9wSsq62j_Md6A", "channel_name": "Luis Fonsi",
       "artwork_url": "https://yt3.ggpht.com/UCLp8RBhQHu9wSsq62j_Md6A-high", "videos_watched": 1},
      {"channel_id": "UCuAXFkgsw1L7xaCfnd5JJOw", "channel_name": "Rick Astley",
       "artwork_url": "https://yt3.ggpht.com/UCuAXFkgsw1L7xaCfnd5JJOw-medium", "videos_watched": 1},
      {"channel_id": "UCrDkAvwZum-UTjHmzDI2iIw", "channel_name": "officialpsy",
       "artwork_url": null, "videos_watched": 1}])"));
  EXPECT_EQ(fake_.requestCount("/youtube/v3/channels"), 2);  // one per sync; cached after
  // 4:42 + 4:13 + 3:33 = 12:28 today.
  EXPECT_EQ(p.at("daily_activity").at(6), json::parse(R"({"days_ago": 0, "minutes_watched": 12})"));
}

TEST_F(ImmersionTest, VideoMetadataIsSharedBetweenUsers) {
  ASSERT_EQ(clientFor("alice")->post("/syncyoutube", idsBody("video_ids", {kVideoA})).status, 200);
  ASSERT_EQ(clientFor("bob")->post("/syncyoutube", idsBody("video_ids", {kVideoA})).status, 200);
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 1);
  EXPECT_EQ(progress("bob").at("youtube_videos_watched"), 1);
}

TEST_F(ImmersionTest, InvalidVideoIdsAreRejectedBeforeAnyCall) {
  auto r =
      clientFor("alice")->post("/syncyoutube", idsBody("video_ids", {kVideoA, "short", kVideoB}));
  EXPECT_EQ(r.status, 400);
  std::string error(parse(r).at("error").as_string());
  EXPECT_NE(error.find("video_ids[1]"), std::string::npos) << error;
  EXPECT_NE(error.find("\"short\""), std::string::npos) << error;
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 0);
  EXPECT_EQ(clientFor("alice")->post("/syncyoutube", R"({"video_ids": [12345678901]})").status,
            400);
}

TEST_F(ImmersionTest, RateLimitedProviderIsRetriedAfterRetryAfter) {
  fake_.failNext("/youtube/v3/videos", 429, R"({"error": {"code": 429, "message": "slow down"}})",
                 1, 1);
  auto r = clientFor("alice")->post("/syncyoutube", idsBody("video_ids", {kVideoA}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("videos_added"), 1);
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 2);
}

TEST_F(ImmersionTest, ProviderDownFailsTheSyncWithTheIdsAndWritesNothing) {
  fake_.failNext("/youtube/v3/videos", 503, "Service Unavailable", 100);
  auto r = clientFor("alice")->post("/syncyoutube", idsBody("video_ids", {kVideoA, kVideoB}));
  EXPECT_EQ(r.status, 502) << r.body;
  auto body = parse(r);
  EXPECT_EQ(body.at("videos_added"), 0);
  ASSERT_EQ(body.at("failed").as_array().size(), 2u);
  EXPECT_EQ(body.at("failed").at(0).at("id"), kVideoA);
  EXPECT_EQ(progress("alice").at("youtube_videos_watched"), 0);
}

TEST_F(ImmersionTest, AMissingVideoIsReportedAndTheOthersRecorded) {
  auto r = clientFor("alice")->post("/syncyoutube", idsBody("video_ids", {kVideoA, "xxxxxxxxxxx"}));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = parse(r);
  EXPECT_EQ(body.at("videos_added"), 1);
  ASSERT_EQ(body.at("failed").as_array().size(), 1u);
  EXPECT_EQ(body.at("failed").at(0).at("id"), "xxxxxxxxxxx");
}

// ---- POST /syncspotify --------------------------------------------------------------------

TEST_F(ImmersionTest, SpotifyEpisodesAndShowsAreRecorded) {
  auto r = clientFor("alice")->post("/syncspotify", idsBody("episode_ids", {kSpotifyA, kSpotifyB}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"episodes_added": 2, "failed": []})"));
  auto p = progress("alice");
  EXPECT_EQ(p.at("spotify_episodes_watched"), 2);
  EXPECT_EQ(p.at("spotify_shows"), json::parse(R"([
      {"show_id": "38bS44xjbVVZ3No3ByF1dJ", "show_name": "The Miku Real Japanese Podcast",
       "artwork_url": "https://i.scdn.co/image/38bS44xjbVVZ3No3ByF1dJ-640",
       "episodes_watched": 2}])"));
  EXPECT_EQ(p.at("daily_activity").at(6).at("minutes_watched"), 50);
  for (const auto& target : fake_.requestTargets("/v1/episodes/")) {
    EXPECT_NE(target.find("market=US"), std::string::npos) << target;
  }
  EXPECT_EQ(clientFor("alice")->post("/syncspotify", idsBody("episode_ids", {"abc"})).status, 400);
}

TEST_F(ImmersionTest, SpotifyRateLimitsAndExpiredTokensAreHandled) {
  auto alice = clientFor("alice");
  ASSERT_EQ(alice->post("/syncspotify", idsBody("episode_ids", {kSpotifyA})).status, 200);
  EXPECT_EQ(fake_.requestCount("/api/token"), 1);
  fake_.expireTokens();
  fake_.failNext("/v1/episodes/", 429,
                 R"({"error": {"status": 429, "message": "API rate limit exceeded"}})", 1, 1);
  auto r = alice->post("/syncspotify", idsBody("episode_ids", {kSpotifyB}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("episodes_added"), 1);
  EXPECT_EQ(fake_.requestCount("/api/token"), 2);  // a new token after the 401
}

// With "backfill": every earlier episode of the listed episode's show (released on or before
// it, to the precision Spotify gives), null entries of the show's pages and episodes of an
// unknown precision skipped, and what the user has left alone.
TEST_F(ImmersionTest, SpotifyBackfillRecordsTheEarlierEpisodesOfTheShow) {
  const std::string show = "5CfCWKI5pZ28U0uOzXkDHe";
  auto add = [&](const std::string& id, const std::string& date, const std::string& precision) {
    fake_.addSpotifyEpisode(id, "Episode " + id.substr(0, 2), 600'000, show, "Nihongo con Teppei",
                            date, precision);
  };
  add("e1xxxxxxxxxxxxxxxxxxxx", "2023-01-10", "day");
  add("e2xxxxxxxxxxxxxxxxxxxx", "2023", "year");        // January 1st
  add("e3xxxxxxxxxxxxxxxxxxxx", "2023-02", "month");    // February 1st
  add("e4xxxxxxxxxxxxxxxxxxxx", "2023-03-01", "day");   // the one listed below
  add("e5xxxxxxxxxxxxxxxxxxxx", "2023-03-01", "day");   // the same day: included
  add("e6xxxxxxxxxxxxxxxxxxxx", "2023-04-01", "day");   // later: not
  add("e7xxxxxxxxxxxxxxxxxxxx", "2023-01-05", "hour");  // unknown precision: skipped
  fake_.addUnavailableSpotifyEpisode(show, "2022-12-01");
  auto alice = clientFor("alice");
  auto backfill = [&](std::vector<std::string> ids) {
    json::object body{{"episode_ids", json::array(ids.begin(), ids.end())}, {"backfill", true}};
    auto r = alice->post("/syncspotify", json::serialize(body));
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r);
  };

  ASSERT_EQ(parse(alice->post("/syncspotify", idsBody("episode_ids", {"e6xxxxxxxxxxxxxxxxxxxx"})))
                .at("episodes_added"),
            1);  // without backfill: that one alone
  EXPECT_EQ(backfill({"e4xxxxxxxxxxxxxxxxxxxx"}),
            json::parse(R"({"episodes_added": 5, "failed": []})"));
  auto p = progress("alice");
  EXPECT_EQ(p.at("spotify_episodes_watched"), 6);
  EXPECT_EQ(p.at("spotify_shows"), json::parse(R"([
      {"show_id": "5CfCWKI5pZ28U0uOzXkDHe", "show_name": "Nihongo con Teppei",
       "artwork_url": "https://i.scdn.co/image/5CfCWKI5pZ28U0uOzXkDHe-640", "episodes_watched": 6}])"));

  // Again: nothing new. An episode the user has still brings in earlier ones that are new.
  EXPECT_EQ(backfill({"e4xxxxxxxxxxxxxxxxxxxx"}).at("episodes_added"), 0);
  add("e0xxxxxxxxxxxxxxxxxxxx", "2022-06-01", "day");
  EXPECT_EQ(backfill({"e6xxxxxxxxxxxxxxxxxxxx"}).at("episodes_added"), 1);
  EXPECT_EQ(progress("alice").at("spotify_episodes_watched"), 7);

  // A show whose pages cannot be read: the listed episode is recorded, the show is reported.
  fake_.failNext("/v1/shows/", 500, R"({"error": {"status": 500, "message": "Server error"}})", 3);
  auto r = backfill({kSpotifyA});
  EXPECT_EQ(r.at("episodes_added"), 1);
  ASSERT_EQ(r.at("failed").as_array().size(), 1u) << r;
  EXPECT_EQ(r.at("failed").at(0).at("id"), "38bS44xjbVVZ3No3ByF1dJ");
  EXPECT_EQ(r.at("failed").at(0).at("error"),
            "The earlier episodes of The Miku Real Japanese Podcast were not recorded: Spotify is "
            "unavailable: HTTP 500");
  EXPECT_EQ(alice->post("/syncspotify", R"({"episode_ids": [], "backfill": "yes"})").status, 400);
}

// ---- GET /progress ------------------------------------------------------------------------

TEST_F(ImmersionTest, ProgressOfAUserWithoutDataIsZeros) {
  EXPECT_EQ(progress("alice"), json::parse(R"({
      "total_episodes_watched": 0, "total_movies_watched": 0, "total_hours_watched": 0,
      "episodes_watched_today": 0, "movies_watched_today": 0,
      "youtube_videos_watched": 0, "youtube_videos_watched_today": 0,
      "spotify_episodes_watched": 0, "spotify_episodes_watched_today": 0,
      "days_since_first_episode": 0, "weekly_trend_percentage": null,
      "daily_activity": [{"days_ago": 6, "minutes_watched": 0}, {"days_ago": 5, "minutes_watched": 0},
                         {"days_ago": 4, "minutes_watched": 0}, {"days_ago": 3, "minutes_watched": 0},
                         {"days_ago": 2, "minutes_watched": 0}, {"days_ago": 1, "minutes_watched": 0},
                         {"days_ago": 0, "minutes_watched": 0}],
      "all_time_progress": [], "shows": [], "youtube_channels": [], "spotify_shows": [],
      "movies": [], "time_zone": "Pacific/Auckland",
      "total_minutes_immersed": 0, "minutes_today": 0, "by_medium": [], "by_language": [],
      "goal_daily_minutes": null, "goal_met_today": null, "current_streak_days": 0,
      "longest_streak_days": 0})"));
}

TEST_F(ImmersionTest, ProgressOfAPreparedHistory) {
  auto alice = clientFor("alice");
  auto now = clock_.now();
  // 2024-12-26 (Auckland): two episodes of a show tagged later (24 min each).
  clock_.set(now - std::chrono::hours(24 * 20));
  ASSERT_EQ(alice->post("/sync", episodesBody({{"Free", "ep1"}, {"Free", "ep2"}})).status, 200);
  // An hour ago and now (23:30 in Auckland): a 10-minute-ish video and a 25-minute podcast.
  clock_.set(now - std::chrono::hours(1));
  ASSERT_EQ(alice->post("/syncyoutube", idsBody("video_ids", {kVideoA})).status, 200);
  clock_.set(now);
  ASSERT_EQ(alice->post("/syncspotify", idsBody("episode_ids", {kSpotifyA})).status, 200);
  ASSERT_EQ(alice->post("/sync", episodesBody({{"Untagged", "ep1"}})).status, 200);
  ASSERT_EQ(alice->request("PUT", "/show", showBody("Free", 278157)).status, 200);

  auto p = progress("alice");
  EXPECT_EQ(p.at("total_episodes_watched"), 3);
  EXPECT_EQ(p.at("episodes_watched_today"), 1);
  EXPECT_EQ(p.at("days_since_first_episode"), 20);
  // 2×24 + 20 (untagged) + 4:42 + 25:00 = 97:42 in all; 49:42 in the last week.
  EXPECT_EQ(p.at("total_hours_watched"), 1);
  double average = 97.0 / 20 * 7;
  EXPECT_NEAR(p.at("weekly_trend_percentage").as_double(), (49 - average) / average * 100, 1e-9);
  EXPECT_EQ(p.at("daily_activity").at(6).at("minutes_watched"), 49);
  EXPECT_EQ(p.at("all_time_progress"), json::parse(R"([
      {"label": "Oct 2024", "cumulative_hours": 0}, {"label": "Jan 2025", "cumulative_hours": 1}])"));
  // The untagged show is listed under null instead of failing the request.
  EXPECT_EQ(p.at("shows"), json::parse(R"([
      {"show_id": "278157", "name": "Free!", "artwork_url": "https://artworks.thetvdb.com/free.jpg",
       "episodes_watched": 2},
      {"show_id": null, "name": null, "artwork_url": null, "episodes_watched": 1}])"));
}

TEST_F(ImmersionTest, ProgressIsComputedInTheUsersOwnTimeZone) {
  auto alice = clientFor("alice");
  ASSERT_EQ(alice->post("/syncyoutube", idsBody("video_ids", {kVideoA})).status, 200);
  // 10:30 UTC is 23:30 in Auckland; two hours later it is tomorrow there, still today in UTC.
  clock_.advance(std::chrono::hours(2));
  EXPECT_EQ(progress("alice").at("youtube_videos_watched_today"), 0);
  ASSERT_TRUE(service_->store().setUserTimeZone("alice", "UTC"));
  auto p = progress("alice");
  EXPECT_EQ(p.at("time_zone"), "UTC");
  EXPECT_EQ(p.at("youtube_videos_watched_today"), 1);
  EXPECT_EQ(p.at("daily_activity").at(6).at("minutes_watched"), 4);
  ASSERT_TRUE(service_->store().setUserTimeZone("alice", ""));
  EXPECT_EQ(progress("alice").at("daily_activity").at(5).at("minutes_watched"), 4);
}

// ---- isolation, search ----------------------------------------------------------------------

TEST_F(ImmersionTest, UsersSeeOnlyTheirOwnData) {
  auto alice = clientFor("alice");
  ASSERT_EQ(alice->post("/sync", episodesBody({{"Secret show", "ep1"}})).status, 200);
  auto bob = clientFor("bob");
  EXPECT_EQ(parse(bob->get("/shows")), json::parse(R"({"shows": []})"));
  EXPECT_EQ(progress("bob").at("total_episodes_watched"), 0);
  EXPECT_EQ(bob->request("PUT", "/show", showBody("Secret show", 278157)).status, 404);
  // The original client's ?user= must name the caller.
  EXPECT_EQ(bob->get("/shows?user=alice").status, 403);
  EXPECT_EQ(bob->get("/progress?user=alice").status, 403);
  EXPECT_EQ(alice->get("/shows?user=alice").status, 200);
  HttpClient anonymous(baseUrl());
  EXPECT_EQ(anonymous.get("/progress").status, 401);
  EXPECT_EQ(anonymous.post("/sync", episodesBody({{"A", "1"}})).status, 401);
}

TEST_F(ImmersionTest, TvdbSearchSuggestsIds) {
  auto r = clientFor("alice")->get("/tvdb/search?query=free&type=series");
  ASSERT_EQ(r.status, 200) << r.body;
  auto results = parse(r).at("results").as_array();
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results.at(0).at("tvdb_id"), 278157);
  EXPECT_EQ(results.at(0).at("name"), "Free!");
  EXPECT_EQ(clientFor("alice")->get("/tvdb/search?query=").status, 400);
  EXPECT_EQ(clientFor("alice")->get("/tvdb/search?query=x&type=person").status, 400);
}

// A server with no provider credentials.
class UnconfiguredProvidersTest : public ServerTest {};

TEST_F(UnconfiguredProvidersTest, SyncsNeedingAProviderAnswer503NamingTheSetting) {
  auto alice = clientFor("alice");
  auto r = alice->post("/syncyoutube", idsBody("video_ids", {kVideoA}));
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(parse(r).at("error").as_string().find("IMMERSION_TRACKER_YOUTUBE_API_KEY"),
            std::string::npos)
      << r.body;
  r = alice->post("/syncspotify", idsBody("episode_ids", {kSpotifyA}));
  EXPECT_EQ(r.status, 503);
  r = alice->post("/syncmovies", moviesBody({{"a", 197}}));
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(parse(r).at("error").as_string().find("IMMERSION_TRACKER_TVDB_API_KEY"),
            std::string::npos);
  // Episodes need no provider.
  EXPECT_EQ(alice->post("/sync", episodesBody({{"A", "1"}})).status, 200);
  EXPECT_EQ(alice->request("PUT", "/show", showBody("A", 197)).status, 503);
}

}  // namespace
}  // namespace it::test
