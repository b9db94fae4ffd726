// Manual logs, the settings they use (language, goal, day start) and what /progress and
// /api/activity make of them, over real HTTP on both stores.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <set>

#include "integration/server_fixture.hpp"

namespace it::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

json::value parse(const HttpResult& r) { return json::parse(r.body); }

// The clock says 2025-01-15 10:30 UTC, the server's zone is UTC.
class LogsTest : public ServerTest {
 protected:
  void adjust(app::Config& config) override { config.time_zone = "UTC"; }

  HttpResult postLog(const std::string& body, const std::string& user = "alice",
                     std::vector<std::string> headers = {}) {
    return clientFor(user)->request("POST", "/api/logs", body, headers);
  }
  // Records a log; returns it.
  json::object log(const std::string& body, const std::string& user = "alice") {
    auto r = postLog(body, user);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? parse(r).as_object() : json::object();
  }
  json::object progress(const std::string& user = "alice") {
    auto r = clientFor(user)->get("/progress");
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r).as_object();
  }
  json::array logs(const std::string& query = "", const std::string& user = "alice") {
    auto r = clientFor(user)->get("/api/logs" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r).at("logs").as_array();
  }
};

TEST_F(LogsTest, ALogIsStoredWithItsDefaultsAndReadBack) {
  json::object book = log(
      R"({"medium": "book", "minutes": 45, "title": "よつばと! 3", "amount": 30,
          "unit": "pages", "language": "JA", "note": "on the train"})");
  EXPECT_EQ(book.at("date"), "2025-01-15");  // today, in the user's calendar
  EXPECT_EQ(book.at("language"), "ja");
  EXPECT_EQ(book.at("unit"), "pages");
  EXPECT_EQ(book.at("created_at"), "2025-01-15T10:30:00.123456");
  std::string id(book.at("id").as_string());
  auto r = clientFor("alice")->get("/api/logs/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(parse(r), json::value(book));
  // Without a language and without a default one: unknown.
  EXPECT_TRUE(log(R"({"medium": "anime", "minutes": 24})").at("language").is_null());
  // With a default language, a log without one gets it; null still means unknown.
  ASSERT_EQ(clientFor("alice")->request("PUT", "/api/me/language", R"({"language": "ko"})").status,
            200);
  EXPECT_EQ(log(R"({"medium": "anime", "minutes": 24})").at("language"), "ko");
  EXPECT_TRUE(
      log(R"({"medium": "anime", "minutes": 24, "language": null})").at("language").is_null());
}

TEST_F(LogsTest, BadLogsAreRefusedNamingTheFieldAndNothingIsWritten) {
  const std::pair<const char*, const char*> bad[] = {
      {R"({"minutes": 45})", "medium"},
      {R"({"medium": "books", "minutes": 45})", "medium"},
      {R"({"medium": "book"})", "minutes"},
      {R"({"medium": "book", "minutes": 0})", "minutes"},
      {R"({"medium": "book", "minutes": 1441})", "minutes"},
      {R"({"medium": "book", "minutes": 4.5})", "minutes"},
      {R"({"medium": "book", "minutes": "45"})", "minutes"},
      {R"({"medium": "book", "minutes": 45, "amount": 3})", "unit"},
      {R"({"medium": "book", "minutes": 45, "unit": "pages"})", "amount"},
      {R"({"medium": "book", "minutes": 45, "amount": -3, "unit": "pages"})", "amount"},
      {R"({"medium": "book", "minutes": 45, "amount": 3, "unit": "words"})", "unit"},
      {R"({"medium": "book", "minutes": 45, "language": "japanese"})", "language"},
      {R"({"medium": "book", "minutes": 45, "date": "2025-01-16"})", "date"},
      {R"({"medium": "book", "minutes": 45, "date": "2025-02-30"})", "date"},
      {R"({"medium": "book", "minutes": 45, "title": ""})", "title"},
      {R"({"medium": "book", "minutes": 45, "colour": "red"})", "colour"},
  };
  for (const auto& [body, field] : bad) {
    auto r = postLog(body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_NE(r.body.find(field), std::string::npos) << body << " -> " << r.body;
  }
  std::string long_title(513, 'a');
  EXPECT_EQ(postLog(R"({"medium": "book", "minutes": 45, "title": ")" + long_title + "\"}").status,
            400);
  std::string long_note(2001, 'a');
  EXPECT_EQ(postLog(R"({"medium": "book", "minutes": 45, "note": ")" + long_note + "\"}").status,
            400);
  EXPECT_TRUE(logs().empty());
  EXPECT_EQ(progress().at("total_minutes_immersed"), 0);
}

TEST_F(LogsTest, AnIdempotencyKeyRecordsARetriedPostOnce) {
  const std::string body = R"({"medium": "podcast", "minutes": 30})";
  auto first = postLog(body, "alice", {"Idempotency-Key: 4f1c-retry"});
  ASSERT_EQ(first.status, 201);
  auto retry = postLog(body, "alice", {"Idempotency-Key: 4f1c-retry"});
  ASSERT_EQ(retry.status, 201);
  EXPECT_EQ(retry.header("idempotent-replayed"), "true");
  EXPECT_EQ(parse(retry), parse(first));
  EXPECT_EQ(logs().size(), 1u);
  EXPECT_EQ(progress().at("total_minutes_immersed"), 30);
  // Keys are per user, and a new key records a new log.
  ASSERT_EQ(postLog(body, "bob", {"Idempotency-Key: 4f1c-retry"}).status, 201);
  ASSERT_EQ(postLog(body, "alice", {"Idempotency-Key: another"}).status, 201);
  EXPECT_EQ(logs().size(), 2u);
  EXPECT_EQ(postLog(body, "alice", {"Idempotency-Key: has space"}).status, 400);
}

TEST_F(LogsTest, ListingIsNewestDateFirstInPagesAndFiltersByDate) {
  for (const char* date : {"2025-01-10", "2025-01-14", "2025-01-12", "2025-01-14"}) {
    log(std::string(R"({"medium": "manga", "minutes": 10, "date": ")") + date + "\"}");
    clock_.advance(1s);
  }
  json::array all = logs();
  ASSERT_EQ(all.size(), 4u);
  std::vector<std::string> dates;
  for (const auto& l : all) dates.emplace_back(l.at("date").as_string());
  EXPECT_EQ(dates,
            (std::vector<std::string>{"2025-01-14", "2025-01-14", "2025-01-12", "2025-01-10"}));
  // The same day: newest created first.
  EXPECT_GT(all[0].at("created_at").as_string(), all[1].at("created_at").as_string());

  // Pages of 3 then 1, the same logs in the same order.
  auto first = clientFor("alice")->get("/api/logs?limit=3");
  json::value page = parse(first);
  ASSERT_EQ(page.at("logs").as_array().size(), 3u);
  std::string cursor(page.at("next_cursor").as_string());
  json::value rest = parse(clientFor("alice")->get("/api/logs?limit=3&cursor=" + cursor));
  ASSERT_EQ(rest.at("logs").as_array().size(), 1u);
  EXPECT_FALSE(rest.as_object().contains("next_cursor"));
  EXPECT_EQ(rest.at("logs").at(0), all[3]);

  EXPECT_EQ(logs("?from=2025-01-11&to=2025-01-13").size(), 1u);
  // A cursor from outside a narrower range: before it, the range from its top; past it, none.
  ASSERT_EQ(logs("?to=2025-01-11&cursor=" + cursor).size(), 1u);
  EXPECT_EQ(logs("?to=2025-01-11&cursor=" + cursor).at(0).at("date"), "2025-01-10");
  EXPECT_TRUE(logs("?from=2025-01-13&cursor=" + cursor).empty());
  EXPECT_EQ(logs("?from=2025-01-12").size(), 3u);
  // By creation: the last one recorded first.
  EXPECT_EQ(logs("?order=created&limit=1").at(0).at("date"), "2025-01-14");
  EXPECT_EQ(logs("?order=created&limit=1").at(0), all[0]);
  for (const char* query : {"?limit=0", "?limit=501", "?from=2025-1-1", "?cursor=nonsense",
                            "?order=title", "?from=2025-01-14&to=2025-01-12"}) {
    EXPECT_EQ(clientFor("alice")->get(std::string("/api/logs") + query).status, 400) << query;
  }
  EXPECT_TRUE(logs("", "bob").empty());
}

TEST_F(LogsTest, ChangingALogMovesItsMinutesAndOthersCannotTouchIt) {
  json::object l = log(R"({"medium": "book", "minutes": 45, "title": "x", "language": "ja"})");
  std::string path = "/api/logs/" + std::string(l.at("id").as_string());
  auto alice = clientFor("alice");
  auto bob = clientFor("bob");
  // bob sees none of it, and changes nothing.
  EXPECT_EQ(bob->get(path).status, 404);
  EXPECT_EQ(bob->request("PATCH", path, R"({"minutes": 5})").status, 404);
  EXPECT_EQ(bob->request("DELETE", path).status, 404);
  EXPECT_EQ(alice->get("/api/logs/000000000000000000000000").status, 404);
  EXPECT_EQ(alice->get("/api/logs/not-an-id").status, 404);

  auto changed = alice->request("PATCH", path,
                                R"({"minutes": 60, "date": "2025-01-14", "title": null,
                                    "medium": "manga"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  json::value c = parse(changed);
  EXPECT_EQ(c.at("minutes"), 60);
  EXPECT_TRUE(c.at("title").is_null());
  EXPECT_EQ(c.at("language"), "ja");
  EXPECT_EQ(c.at("id"), l.at("id"));
  // A change that leaves it inconsistent or in the future: 400, nothing changed.
  EXPECT_EQ(alice->request("PATCH", path, R"({"amount": 3})").status, 400);
  EXPECT_EQ(alice->request("PATCH", path, R"({"date": "2025-01-16"})").status, 400);
  EXPECT_EQ(alice->request("PATCH", path, R"({"minutes": -1})").status, 400);
  EXPECT_EQ(parse(alice->get(path)), c);

  json::object p = progress();
  EXPECT_EQ(p.at("total_minutes_immersed"), 60);
  EXPECT_EQ(p.at("minutes_today"), 0);  // moved to yesterday
  EXPECT_EQ(p.at("by_medium"), json::parse(R"([{"medium": "manga", "minutes": 60, "items": 1,
      "minutes_last_7_days": 60}])"));

  auto removed = alice->request("DELETE", path);
  EXPECT_EQ(removed.status, 204);
  EXPECT_EQ(alice->request("DELETE", path).status, 404);
  EXPECT_EQ(alice->get(path).status, 404);
  p = progress();
  EXPECT_EQ(p.at("total_minutes_immersed"), 0);
  EXPECT_EQ(p.at("by_medium"), json::array());
}

TEST_F(LogsTest, ProgressAddsLoggedAndSyncedImmersionAndKeepsTheOriginalsFields) {
  auto alice = clientFor("alice");
  ASSERT_EQ(alice
                ->post("/sync", R"({"episodes": [{"folder_name": "Show", "file_name": "1"},
      {"folder_name": "Show", "file_name": "2"}]})")
                .status,
            200);
  log(R"({"medium": "book", "minutes": 45, "language": "ja"})");
  log(R"({"medium": "tv", "minutes": 30, "language": "ja", "date": "2025-01-14"})");
  log(R"({"medium": "podcast", "minutes": 15, "language": "ko", "date": "2025-01-01"})");
  json::object p = progress();
  // The original's fields count synced media only.
  EXPECT_EQ(p.at("total_episodes_watched"), 2);
  EXPECT_EQ(p.at("episodes_watched_today"), 2);
  EXPECT_EQ(p.at("total_hours_watched"), 0);
  EXPECT_EQ(p.at("daily_activity").at(6).at("minutes_watched"), 40);
  // Ours add everything.
  EXPECT_EQ(p.at("total_minutes_immersed"), 40 + 45 + 30 + 15);
  EXPECT_EQ(p.at("minutes_today"), 85);
  EXPECT_EQ(p.at("by_medium"), json::parse(R"([
      {"medium": "tv", "minutes": 70, "items": 3, "minutes_last_7_days": 70},
      {"medium": "book", "minutes": 45, "items": 1, "minutes_last_7_days": 45},
      {"medium": "podcast", "minutes": 15, "items": 1, "minutes_last_7_days": 0}])"));
  EXPECT_EQ(p.at("by_language"), json::parse(R"([
      {"language": "ja", "minutes": 75, "items": 2, "minutes_last_7_days": 75},
      {"language": null, "minutes": 40, "items": 2, "minutes_last_7_days": 40},
      {"language": "ko", "minutes": 15, "items": 1, "minutes_last_7_days": 0}])"));
  EXPECT_TRUE(p.at("goal_daily_minutes").is_null());
  EXPECT_TRUE(p.at("goal_met_today").is_null());
  EXPECT_EQ(p.at("current_streak_days"), 2);
  EXPECT_EQ(p.at("longest_streak_days"), 2);
  // bob has nothing of it.
  json::object b = progress("bob");
  EXPECT_EQ(b.at("total_minutes_immersed"), 0);
  EXPECT_EQ(b.at("by_language"), json::array());
}

TEST_F(LogsTest, AGoalJudgesEveryDayAndAStreakToYesterdayStaysCurrent) {
  auto alice = clientFor("alice");
  auto goal = alice->request("PUT", "/api/me/goal", R"({"daily_minutes": 30})");
  ASSERT_EQ(goal.status, 200) << goal.body;
  EXPECT_EQ(parse(goal).at("daily_goal_minutes"), 30);
  for (const char* date : {"2025-01-11", "2025-01-12", "2025-01-13", "2025-01-14"}) {
    log(std::string(R"({"medium": "reading", "minutes": 30, "date": ")") + date + "\"}");
  }
  log(R"({"medium": "reading", "minutes": 20, "date": "2025-01-12"})");  // 50 that day
  json::object p = progress();
  EXPECT_EQ(p.at("goal_daily_minutes"), 30);
  EXPECT_EQ(p.at("goal_met_today"), false);
  EXPECT_EQ(p.at("current_streak_days"), 4);  // ran to yesterday
  log(R"({"medium": "reading", "minutes": 10})");
  EXPECT_EQ(progress().at("current_streak_days"), 4);  // today: 10 of 30
  log(R"({"medium": "game", "minutes": 25})");
  p = progress();
  EXPECT_EQ(p.at("goal_met_today"), true);
  EXPECT_EQ(p.at("current_streak_days"), 5);
  // A higher goal now judges every day again: only the 12th (50) and today (35) reach 35.
  ASSERT_EQ(alice->request("PUT", "/api/me/goal", R"({"daily_minutes": 35})").status, 200);
  p = progress();
  EXPECT_EQ(p.at("current_streak_days"), 1);
  EXPECT_EQ(p.at("longest_streak_days"), 1);
  // No goal: any immersion counts.
  ASSERT_EQ(alice->request("PUT", "/api/me/goal", "{}").status, 200);
  p = progress();
  EXPECT_TRUE(p.at("goal_daily_minutes").is_null());
  EXPECT_EQ(p.at("longest_streak_days"), 5);
  for (const char* bad :
       {R"({"daily_minutes": -1})", R"({"daily_minutes": 1441})", R"({"daily_minutes": "30"})",
        "[]", R"({"daily_minute": 60})", R"({"daily_minutes": 60, "weekly_minutes": 420})"}) {
    EXPECT_EQ(alice->request("PUT", "/api/me/goal", bad).status, 400) << bad;
  }
}

TEST_F(LogsTest, ADayThatBeginsAtFourCountsTheSmallHoursForTheDayBefore) {
  auto alice = clientFor("alice");
  clock_.set(std::chrono::sys_days{std::chrono::year{2025} / 1 / 15} + 3h);  // 03:00 UTC
  ASSERT_EQ(
      alice->post("/sync", R"({"episodes": [{"folder_name": "Show", "file_name": "1"}]})").status,
      200);
  json::value activity = parse(alice->get("/api/activity?from=2025-01-14&to=2025-01-15"));
  EXPECT_EQ(activity.at("days").at(1).at("total_minutes"), 20);  // midnight: the 15th
  json::object early = log(R"({"medium": "manga", "minutes": 1})");
  ASSERT_EQ(early.at("date"), "2025-01-15");

  auto day_start = alice->request("PUT", "/api/me/day_start", R"({"hour": 4})");
  ASSERT_EQ(day_start.status, 200) << day_start.body;
  EXPECT_EQ(parse(day_start).at("day_start_hour"), 4);
  activity = parse(alice->get("/api/activity?from=2025-01-14&to=2025-01-15"));
  EXPECT_EQ(activity.at("to"), "2025-01-15");
  EXPECT_EQ(activity.at("days").at(0).at("total_minutes"), 20);  // 3 a.m. is still the 14th
  EXPECT_EQ(activity.at("days").at(1).at("total_minutes"), 1);   // the log keeps its date
  // Today is still the 14th: a log dated the 15th is in the future.
  EXPECT_EQ(postLog(R"({"medium": "book", "minutes": 5, "date": "2025-01-15"})").status, 400);
  EXPECT_EQ(log(R"({"medium": "book", "minutes": 5})").at("date"), "2025-01-14");
  EXPECT_EQ(progress().at("minutes_today"), 25);
  // The log dated the 15th, now "tomorrow", can still be changed, though not moved later.
  std::string early_path = "/api/logs/" + std::string(early.at("id").as_string());
  EXPECT_EQ(alice->request("PATCH", early_path, R"({"title": "x"})").status, 200);
  EXPECT_EQ(alice->request("PATCH", early_path, R"({"date": "2025-01-16"})").status, 400);
  for (const char* bad : {R"({"hour": 24})", R"({"hour": -1})", R"({"hour": "4"})", "{}"}) {
    EXPECT_EQ(alice->request("PUT", "/api/me/day_start", bad).status, 400) << bad;
  }
  // /api/me says it all.
  json::value me = parse(alice->get("/api/me"));
  EXPECT_EQ(me.at("day_start_hour"), 4);
  EXPECT_EQ(me.at("daily_goal_minutes"), 0);
  EXPECT_TRUE(me.at("language").is_null());
}

TEST_F(LogsTest, ActivityCountsLogsUnderTheirMediumAndFiltersByLanguage) {
  auto alice = clientFor("alice");
  ASSERT_EQ(
      alice->post("/sync", R"({"episodes": [{"folder_name": "Show", "file_name": "1"}]})").status,
      200);
  log(R"({"medium": "tv", "minutes": 10, "language": "ja"})");
  log(R"({"medium": "visual_novel", "minutes": 90, "language": "ja"})");
  log(R"({"medium": "book", "minutes": 5, "language": "es"})");
  json::value all = parse(alice->get("/api/activity?from=2025-01-15&to=2025-01-15"));
  EXPECT_EQ(all.at("days").at(0), json::parse(R"({"date": "2025-01-15", "total_minutes": 125,
      "minutes": {"tv": 30, "book": 5, "visual_novel": 90},
      "items": {"tv": 2, "book": 1, "visual_novel": 1}})"));
  json::value ja = parse(alice->get("/api/activity?from=2025-01-15&to=2025-01-15&language=ja"));
  EXPECT_EQ(ja.at("days").at(0).at("total_minutes"), 100);
  EXPECT_EQ(ja.at("days").at(0).at("items"), json::parse(R"({"tv": 1, "visual_novel": 1})"));
  json::value unknown =
      parse(alice->get("/api/activity?from=2025-01-15&to=2025-01-15&language=unknown"));
  EXPECT_EQ(unknown.at("days").at(0).at("minutes"), json::parse(R"({"tv": 20})"));
  EXPECT_EQ(alice->get("/api/activity?language=japanese").status, 400);
}

}  // namespace
}  // namespace it::test
