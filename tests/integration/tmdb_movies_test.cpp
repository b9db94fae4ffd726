// Movies from TMDB over real HTTP, with the real TMDB client talking to the in-process fake:
// POST /syncmovies with tmdb_id beside the older tvdb_id, GET /tmdb/search, GET /api/providers
// and POST /api/movies (a movie watched without a file). Runs on both stores.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fakes/fake_providers.hpp"
#include "integration/server_fixture.hpp"

namespace it::test {
namespace {

namespace json = boost::json;

json::value parse(const HttpResult& r) { return json::parse(r.body); }

// One /syncmovies item: {"file_name", "<key>": id}.
json::object movie(const std::string& file, const char* key, std::int64_t id) {
  return {{"file_name", file}, {key, id}};
}

std::string moviesBody(json::array movies) {
  return json::serialize(json::object{{"movies", std::move(movies)}});
}

std::string addBody(std::int64_t tmdb_id, std::optional<std::string> watched_on = std::nullopt) {
  json::object body{{"tmdb_id", tmdb_id}};
  if (watched_on) body["watched_on"] = *watched_on;
  return json::serialize(body);
}

constexpr const char* kYourNamePoster = "/q719jXXEzOoYaps6babgKnONONX.jpg";
constexpr const char* kTmdbErrorNotFound =
    R"({"success":false,"status_code":34,"status_message":"The resource you requested could not be found."})";

// The server in Pacific/Auckland (the original's zone; the clock says 2025-01-15 23:30 there),
// with TVDB and TMDB pointing at the fake, which knows the same films in both.
class TmdbMoviesTest : public ServerTest {
 protected:
  void adjust(app::Config& config) override {
    config.time_zone = "Pacific/Auckland";
    config.providers = fake_.settings();
    fake_.addMovie(331904, "すずめの戸締まり", "https://artworks.thetvdb.com/suzume.jpg", 122);
    fake_.addTmdbMovie(372058, "君の名は。", "Your Name.", kYourNamePoster, 106, "2016-08-26",
                       "High schoolers Mitsuha and Taki are complete strangers...");
    fake_.addTmdbMovie(129, "千と千尋の神隠し", "Spirited Away", std::nullopt, 125, "2001-07-20");
    fake_.addTmdbMovie(1290000, "未定の映画", "A Film Without A Runtime", std::nullopt,
                       std::nullopt, "");
  }

  json::value progress(const std::string& user) {
    auto r = clientFor(user)->get("/progress");
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r);
  }

  FakeProviders fake_;
};

TEST_F(TmdbMoviesTest, TodaysClientSendsTmdbIdsAndTheOlderOneTvdbIdsInTheSameTable) {
  auto alice = clientFor("alice");
  auto r = alice->post("/syncmovies", moviesBody({movie("your_name", "tmdb_id", 372058),
                                                  movie("suzume", "tvdb_id", 331904),
                                                  movie("spirited_away", "tmdb_id", 129)}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"movies_added": 3, "failed": []})"));

  auto p = progress("alice");
  EXPECT_EQ(p.at("total_movies_watched"), 3);
  EXPECT_EQ(p.at("total_hours_watched"), 5);  // 106 + 122 + 125 minutes
  // Original titles, in their own script; posters from TMDB's w500 size.
  EXPECT_EQ(p.at("movies"), json::parse(R"([
      {"movie_id": "suzume", "name": "すずめの戸締まり",
       "artwork_url": "https://artworks.thetvdb.com/suzume.jpg"},
      {"movie_id": "spirited_away", "name": "千と千尋の神隠し", "artwork_url": null},
      {"movie_id": "your_name", "name": "君の名は。",
       "artwork_url": "https://image.tmdb.org/t/p/w500/q719jXXEzOoYaps6babgKnONONX.jpg"}])"));
  // The request carried the read access token as TMDB wants it.
  EXPECT_EQ(fake_.requestTargets("/3/movie/"),
            (std::vector<std::string>{"/3/movie/372058", "/3/movie/129"}));
}

TEST_F(TmdbMoviesTest, TmdbIsAskedOncePerMovieWhoeverSyncsIt) {
  ASSERT_EQ(clientFor("alice")
                ->post("/syncmovies", moviesBody({movie("your_name", "tmdb_id", 372058)}))
                .status,
            200);
  auto r = clientFor("bob")->post("/syncmovies",
                                  moviesBody({movie("kimi_no_na_wa.mkv", "tmdb_id", 372058)}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("movies_added"), 1);
  EXPECT_EQ(fake_.requestCount("/3/movie/"), 1);
  EXPECT_EQ(progress("bob").at("movies").at(0).at("name"), "君の名は。");
}

TEST_F(TmdbMoviesTest, AnItemWithBothIdsOrNeitherIsRejectedNamingItAndNothingIsWritten) {
  auto alice = clientFor("alice");
  json::object both = movie("b", "tmdb_id", 372058);
  both["tvdb_id"] = 331904;
  for (const json::object& bad : {both, json::object{{"file_name", "n"}}}) {
    auto r = alice->post("/syncmovies", moviesBody({movie("a", "tmdb_id", 129), bad}));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("movies[1] must have exactly one of"), std::string::npos) << r.body;
  }
  for (const char* bad :
       {R"({"file_name": "a", "tmdb_id": 0})", R"({"file_name": "a", "tmdb_id": "372058"})",
        R"({"file_name": "a", "tmdb_id": 1.5})"}) {
    auto r = alice->post("/syncmovies", R"({"movies": [)" + std::string(bad) + "]}");
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(r.body.find("movies[0].tmdb_id must be a positive integer"), std::string::npos)
        << r.body;
  }
  EXPECT_EQ(fake_.requestCount("/3/"), 0);
  EXPECT_EQ(progress("alice").at("total_movies_watched"), 0);
}

TEST_F(TmdbMoviesTest, AnUnknownIdOrAMovieWithoutARuntimeFailsAloneNamingTheId) {
  auto r = clientFor("alice")->post(
      "/syncmovies", moviesBody({movie("a", "tmdb_id", 372058), movie("b", "tmdb_id", 999999),
                                 movie("c", "tmdb_id", 1290000)}));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = parse(r);
  EXPECT_EQ(body.at("movies_added"), 1);
  const json::array& failed = body.at("failed").as_array();
  ASSERT_EQ(failed.size(), 2u) << r.body;
  EXPECT_EQ(failed.at(0).at("id"), "999999");
  EXPECT_EQ(failed.at(0).at("file_name"), "b");
  EXPECT_NE(failed.at(0).at("error").as_string().find("999999"), json::string::npos);
  EXPECT_EQ(failed.at(1).at("id"), "1290000");
  EXPECT_NE(failed.at(1).at("error").as_string().find("runtime"), json::string::npos);

  // Nothing could be synced, because of the ids: 422.
  r = clientFor("bob")->post("/syncmovies", moviesBody({movie("b", "tmdb_id", 999999)}));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(progress("bob").at("total_movies_watched"), 0);
}

TEST_F(TmdbMoviesTest, ARateLimitIsWaitedOutAndTmdbDownIsA502WithNothingWritten) {
  fake_.failNext("/3/movie/", 429,
                 R"({"success":false,"status_code":25,"status_message":"Your request count (#) )"
                 R"(is over the allowed limit of (40)."})",
                 1, 1);
  auto r = clientFor("alice")->post("/syncmovies", moviesBody({movie("a", "tmdb_id", 372058)}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("movies_added"), 1);
  EXPECT_EQ(fake_.requestCount("/3/movie/"), 2);

  fake_.failNext("/3/movie/", 503, R"({"success":false,"status_code":9,"status_message":"x"})",
                 100);
  r = clientFor("bob")->post("/syncmovies", moviesBody({movie("b", "tmdb_id", 129)}));
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_NE(r.body.find("TMDB"), std::string::npos) << r.body;
  EXPECT_EQ(progress("bob").at("total_movies_watched"), 0);
}

TEST_F(TmdbMoviesTest, SearchSuggestsTmdbIdsWithOriginalAndLocalisedTitles) {
  auto r = clientFor("alice")->get("/tmdb/search?query=your%20name&limit=3");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"results": [{"tmdb_id": 372058, "name": "君の名は。",
      "title": "Your Name.", "year": "2016",
      "image_url": "https://image.tmdb.org/t/p/w500/q719jXXEzOoYaps6babgKnONONX.jpg",
      "overview": "High schoolers Mitsuha and Taki are complete strangers..."}]})"));
  r = clientFor("alice")->get("/tmdb/search?query=%E5%8D%83%E3%81%A8");  // 千と
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("results").at(0).at("tmdb_id"), 129);
  EXPECT_EQ(clientFor("alice")->get("/tmdb/search?query=").status, 400);
  EXPECT_EQ(clientFor("alice")->get("/tmdb/search?query=x&limit=51").status, 400);
}

TEST_F(TmdbMoviesTest, ProvidersSayWhichAreConfiguredAndWhereMoviesAreLookedUp) {
  auto r = clientFor("alice")->get("/api/providers");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"tvdb": true, "tmdb": true, "youtube": true,
      "spotify": true, "movie_database": "tmdb"})"));
  HttpClient anonymous(baseUrl());
  EXPECT_EQ(anonymous.get("/api/providers").status, 401);
}

// ---- POST /api/movies -------------------------------------------------------------------

TEST_F(TmdbMoviesTest, AMovieWatchedWithoutAFileIsRecordedAtNoonOfThatDayOnce) {
  auto alice = clientFor("alice");
  auto r = alice->post("/api/movies", addBody(372058, "2024-12-25"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"added": true, "movie_id": "manual_tmdb_372058",
      "tmdb_id": 372058, "name": "君の名は。", "title": "Your Name.",
      "artwork_url": "https://image.tmdb.org/t/p/w500/q719jXXEzOoYaps6babgKnONONX.jpg",
      "duration_seconds": 6360, "watched_on": "2024-12-25", "watched_at": 1735081200})"));

  // Again, or on another day: the user has it.
  r = alice->post("/api/movies", addBody(372058));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"added": false, "movie_id": "manual_tmdb_372058",
      "tmdb_id": 372058})"));

  // Without a day: today (Auckland), at noon, which has passed.
  r = alice->post("/api/movies", addBody(129));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(parse(r).at("watched_on"), "2025-01-15");
  EXPECT_EQ(parse(r).at("watched_at"), 1736895600);

  auto p = progress("alice");
  EXPECT_EQ(p.at("total_movies_watched"), 2);
  EXPECT_EQ(p.at("movies_watched_today"), 1);
  EXPECT_EQ(p.at("movies").at(1).at("movie_id"), "manual_tmdb_372058");
  EXPECT_EQ(p.at("movies").at(1).at("name"), "君の名は。");
  EXPECT_EQ(progress("bob").at("total_movies_watched"), 0);
}

TEST_F(TmdbMoviesTest, AMovieTheUserHasFromAFileIsNotAddedAgain) {
  ASSERT_EQ(clientFor("alice")
                ->post("/syncmovies", moviesBody({movie("kimi_no_na_wa.mkv", "tmdb_id", 372058)}))
                .status,
            200);
  int calls = fake_.requestCount("/3/movie/");
  auto r = clientFor("alice")->post("/api/movies", addBody(372058, "2024-12-25"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("added"), false);
  EXPECT_EQ(parse(r).at("movie_id"), "kimi_no_na_wa.mkv");
  EXPECT_EQ(fake_.requestCount("/3/movie/"), calls);
  EXPECT_EQ(progress("alice").at("total_movies_watched"), 1);
}

TEST_F(TmdbMoviesTest, BadManualMoviesAreRefusedAndNothingIsWritten) {
  auto alice = clientFor("alice");
  struct Case {
    std::string body;
    int status;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {addBody(372058, "2025-01-16"), 400, "after today (2025-01-15 in Pacific/Auckland)"},
           {addBody(372058, "2025-02-30"), 400, "watched_on must be a date written YYYY-MM-DD"},
           {addBody(372058, "15/01/2025"), 400, "watched_on must be a date written YYYY-MM-DD"},
           {addBody(372058, "1969-12-31"), 400, "from 1970-01-02"},
           {R"({"tmdb_id": "372058"})", 400, "tmdb_id must be a positive integer"},
           {R"({"tvdb_id": 331904})", 400, "tmdb_id must be a positive integer"},
           {"[]", 400, "Request body must be a JSON object"},
           {addBody(999999), 422, "999999"},
           {addBody(1290000), 422, "runtime"},
       }) {
    auto r = alice->post("/api/movies", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " → " << r.body;
    EXPECT_NE(r.body.find(c.says), std::string::npos) << c.body << " → " << r.body;
  }
  EXPECT_EQ(progress("alice").at("total_movies_watched"), 0);
}

// A server with TVDB's key but not TMDB's: movies are looked up in TVDB; TMDB calls say
// which setting is missing.
class TvdbOnlyMoviesTest : public ServerTest {
 protected:
  void adjust(app::Config& config) override {
    config.providers = fake_.settings();
    config.providers.tmdb_read_access_token.clear();
    config.providers.youtube_api_key.clear();
  }
  FakeProviders fake_;
};

TEST_F(TvdbOnlyMoviesTest, ProvidersSayTvdbAndTmdbCallsAnswer503NamingTheSetting) {
  auto alice = clientFor("alice");
  auto r = alice->get("/api/providers");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"tvdb": true, "tmdb": false, "youtube": false,
      "spotify": true, "movie_database": "tvdb"})"));
  for (auto result :
       {alice->post("/syncmovies", moviesBody({movie("a", "tmdb_id", 129)})),
        alice->post("/api/movies", addBody(129)), alice->get("/tmdb/search?query=x")}) {
    EXPECT_EQ(result.status, 503) << result.body;
    EXPECT_NE(result.body.find("IMMERSION_TRACKER_TMDB_READ_ACCESS_TOKEN"), std::string::npos)
        << result.body;
  }
  EXPECT_EQ(fake_.requestCount("/3/"), 0);
}

}  // namespace
}  // namespace it::test
