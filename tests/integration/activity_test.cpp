// GET /api/activity over real HTTP on both stores: immersion per day and kind in the user's
// zone, every day of the range present, from the stores' per-day totals.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "fakes/fake_providers.hpp"
#include "integration/server_fixture.hpp"

namespace it::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

json::value parse(const HttpResult& r) { return json::parse(r.body); }

// The server in Pacific/Auckland; the clock says 2025-01-15 23:30 there (10:30 UTC).
class ActivityTest : public ServerTest {
 protected:
  void adjust(app::Config& config) override {
    config.time_zone = "Pacific/Auckland";
    config.providers = fake_.settings();
    fake_.addMovie(331904, "すずめの戸締まり", std::nullopt, 122);
    fake_.addVideo("kJQP7kiw5Fk", "Despacito", "UCLp8RBhQHu9wSsq62j_Md6A", "LuisFonsiVEVO",
                   "PT4M42S");
    fake_.addSpotifyEpisode("512ojhOuo1ktJprKbVcKyQ", "Episode 1", 1'500'000,
                            "38bS44xjbVVZ3No3ByF1dJ", "The Miku Real Japanese Podcast");
  }

  void syncEpisodes(const std::string& user, const std::vector<std::string>& files) {
    json::array list;
    for (const auto& f : files)
      list.push_back(json::object{{"folder_name", "Show"}, {"file_name", f}});
    auto r = clientFor(user)->post("/sync", json::serialize(json::object{{"episodes", list}}));
    ASSERT_EQ(r.status, 200) << r.body;
  }

  json::value activity(const std::string& query, const std::string& user = "alice") {
    auto r = clientFor(user)->get("/api/activity" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? parse(r) : json::value();
  }

  FakeProviders fake_;
};

TEST_F(ActivityTest, TheLastSevenDaysByDefaultEveryDayPresent) {
  syncEpisodes("alice", {"1", "2"});
  json::value a = activity("");
  EXPECT_EQ(a.at("from"), "2025-01-09");
  EXPECT_EQ(a.at("to"), "2025-01-15");
  EXPECT_EQ(a.at("time_zone"), "Pacific/Auckland");
  const json::array& days = a.at("days").as_array();
  ASSERT_EQ(days.size(), 7u);
  EXPECT_EQ(days.at(0), json::parse(R"({"date": "2025-01-09", "total_minutes": 0,
      "minutes": {}, "items": {}})"));
  EXPECT_EQ(days.at(6), json::parse(R"({"date": "2025-01-15", "total_minutes": 40,
      "minutes": {"tv": 40}, "items": {"tv": 2}})"));
  // bob has nothing.
  EXPECT_EQ(activity("", "bob").at("days").at(6).at("items"), json::object());
}

TEST_F(ActivityTest, EveryKindIsCountedOnTheDayOfItsSyncInTheUsersZone) {
  syncEpisodes("alice", {"1"});
  auto alice = clientFor("alice");
  ASSERT_EQ(
      alice->post("/syncmovies", R"({"movies": [{"file_name": "suzume", "tvdb_id": 331904}]})")
          .status,
      200);
  clock_.advance(1h);  // 00:30 on the 16th in Auckland, still the 15th in UTC
  ASSERT_EQ(alice->post("/syncyoutube", R"({"video_ids": ["kJQP7kiw5Fk"]})").status, 200);
  ASSERT_EQ(alice->post("/syncspotify", R"({"episode_ids": ["512ojhOuo1ktJprKbVcKyQ"]})").status,
            200);

  json::value a = activity("?from=2025-01-15&to=2025-01-16");
  EXPECT_EQ(a.at("days"), json::parse(R"([
      {"date": "2025-01-15", "total_minutes": 142, "minutes": {"tv": 20, "movie": 122},
       "items": {"tv": 1, "movie": 1}},
      {"date": "2025-01-16", "total_minutes": 29, "minutes": {"youtube": 4, "podcast": 25},
       "items": {"youtube": 1, "podcast": 1}}])"));

  // In UTC all of it was on the 15th.
  ASSERT_EQ(alice->request("PUT", "/api/me/time_zone", R"({"time_zone": "UTC"})").status, 200);
  a = activity("?from=2025-01-15&to=2025-01-16");
  EXPECT_EQ(a.at("time_zone"), "UTC");
  EXPECT_EQ(a.at("days").at(0).at("total_minutes"), 171);
  EXPECT_EQ(a.at("days").at(1).at("items"), json::object());
}

// Synced items count in their provider's language (the fakes say Japanese, as their originals
// do), or in the one the user chose for their show folder, channel or podcast: past items
// and future ones, in /progress's by_language and /api/activity's language filter.
TEST_F(ActivityTest, SyncedItemsCountInTheirLanguageOrTheOneChosenForTheirGroup) {
  fake_.addVideo("english0001", "In English", "UCenglish", "English", "PT10M", "en-US");
  fake_.addVideo("nolanguage1", "Music", "UCLp8RBhQHu9wSsq62j_Md6A", "LuisFonsiVEVO", "PT5M",
                 std::nullopt);
  syncEpisodes("alice", {"1"});  // an untagged folder: no language
  auto alice = clientFor("alice");
  ASSERT_EQ(alice
                ->post("/syncyoutube", R"({"video_ids": ["kJQP7kiw5Fk", "english0001",
      "nolanguage1"]})")
                .status,
            200);
  ASSERT_EQ(alice->post("/syncspotify", R"({"episode_ids": ["512ojhOuo1ktJprKbVcKyQ"]})").status,
            200);
  auto by_language = [&] {
    auto r = alice->get("/progress?user=alice");
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r).at("by_language");
  };
  EXPECT_EQ(by_language(), json::parse(R"([
      {"language": "ja", "minutes": 29, "items": 2, "minutes_last_7_days": 29},
      {"language": null, "minutes": 25, "items": 2, "minutes_last_7_days": 25},
      {"language": "en", "minutes": 10, "items": 1, "minutes_last_7_days": 10}])"));
  EXPECT_EQ(activity("?from=2025-01-15&to=2025-01-15&language=en").at("days").at(0),
            json::parse(R"({"date": "2025-01-15", "total_minutes": 10,
                "minutes": {"youtube": 10}, "items": {"youtube": 1}})"));

  // The music channel is Spanish, the show folder Korean: from now on, and before.
  auto choose = [&](const std::string& body) {
    auto r = alice->request("PUT", "/api/languages", body);
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r);
  };
  EXPECT_EQ(choose(R"({"kind": "channel", "id": "UCLp8RBhQHu9wSsq62j_Md6A", "language": "ES"})"),
            json::parse(R"({"kind": "channel", "id": "UCLp8RBhQHu9wSsq62j_Md6A",
                "language": "es"})"));
  choose(R"({"kind": "show", "id": "Show", "language": "ko"})");
  EXPECT_EQ(parse(alice->get("/api/languages")), json::parse(R"({"languages": [
      {"kind": "show", "id": "Show", "language": "ko"},
      {"kind": "channel", "id": "UCLp8RBhQHu9wSsq62j_Md6A", "language": "es"}]})"));
  EXPECT_EQ(by_language(), json::parse(R"([
      {"language": "ja", "minutes": 25, "items": 1, "minutes_last_7_days": 25},
      {"language": "ko", "minutes": 20, "items": 1, "minutes_last_7_days": 20},
      {"language": "en", "minutes": 10, "items": 1, "minutes_last_7_days": 10},
      {"language": "es", "minutes": 9, "items": 2, "minutes_last_7_days": 9}])"));
  syncEpisodes("alice", {"2"});
  EXPECT_EQ(activity("?from=2025-01-15&to=2025-01-15&language=ko").at("days").at(0),
            json::parse(R"({"date": "2025-01-15", "total_minutes": 40, "minutes": {"tv": 40},
                "items": {"tv": 2}})"));
  EXPECT_EQ(activity("?from=2025-01-15&to=2025-01-15&language=unknown")
                .at("days")
                .at(0)
                .at("total_minutes"),
            0);

  // Forgotten: the provider's language again. bob's items are his own.
  choose(R"({"kind": "channel", "id": "UCLp8RBhQHu9wSsq62j_Md6A", "language": null})");
  EXPECT_EQ(activity("?from=2025-01-15&to=2025-01-15&language=ja").at("days").at(0).at("items"),
            json::parse(R"({"youtube": 1, "podcast": 1})"));
  EXPECT_EQ(parse(clientFor("bob")->get("/api/languages")), json::parse(R"({"languages": []})"));

  // Bad choices change nothing.
  for (const char* bad :
       {R"({"kind": "movie", "id": "x", "language": "ja"})",
        R"({"kind": "show", "id": "", "language": "ja"})",
        R"({"kind": "show", "id": "Show", "language": "japanese"})",
        R"({"kind": "show", "id": "Show"})",
        R"({"kind": "show", "id": "Show", "language": "ja", "extra": 1})", R"([1])"}) {
    auto r = alice->request("PUT", "/api/languages", bad);
    EXPECT_EQ(r.status, 400) << bad << " → " << r.body;
  }
  EXPECT_EQ(parse(alice->get("/api/languages")).at("languages").as_array().size(), 1u);
  HttpClient anonymous(baseUrl());
  EXPECT_EQ(anonymous.get("/api/languages").status, 401);
}

TEST_F(ActivityTest, RangesAreCheckedAndAtMostAYear) {
  json::value year = activity("?from=2024-01-16&to=2025-01-15");
  EXPECT_EQ(year.at("days").as_array().size(), 366u);
  EXPECT_EQ(activity("?to=2025-01-01").at("from"), "2024-12-26");
  EXPECT_EQ(activity("?from=2025-01-14").at("to"), "2025-01-15");
  auto alice = clientFor("alice");
  for (const char* bad : {"?from=2024-01-15&to=2025-01-15", "?from=2025-01-16&to=2025-01-15",
                          "?from=2025-02-30", "?to=15/01/2025", "?from="}) {
    auto r = alice->get(std::string("/api/activity") + bad);
    EXPECT_EQ(r.status, 400) << bad << " → " << r.body;
  }
  HttpClient anonymous(baseUrl());
  EXPECT_EQ(anonymous.get("/api/activity").status, 401);
}

}  // namespace
}  // namespace it::test
