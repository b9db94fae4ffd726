// Seed 000's endpoints over real HTTP: the original's paths, statuses and messages, with
// authentication and per-user isolation on top.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "integration/server_fixture.hpp"

namespace it::test {
namespace {

namespace json = boost::json;

json::value parse(const HttpResult& r) { return json::parse(r.body); }

std::string update(const std::string& user, const std::string& show, const json::value& season,
                   const json::value& episode) {
  return json::serialize(json::object{
      {"username", user}, {"tv_show", show}, {"season", season}, {"episode", episode}});
}

using TvProgressTest = ServerTest;

TEST_F(TvProgressTest, UpdateThenReadBackAsInTheReadme) {
  auto alice = clientFor("alice");
  auto r = alice->post("/api/update_episode", update("alice", "The Office", 2, 5));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(parse(r), json::parse(R"({"message": "Episode updated successfully",
      "username": "alice", "tv_show": "The Office", "season": 2, "episode": 5})"));

  r = alice->get("/api/show_episode?username=alice&tv_show=The%20Office");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(parse(r), json::parse(R"({"username": "alice", "tv_show": "The Office",
      "season": 2, "episode": 5, "last_updated": "2025-01-15T10:30:00.123456"})"));
}

TEST_F(TvProgressTest, UpdateOverwritesAndRefreshesTimestamp) {
  auto alice = clientFor("alice");
  ASSERT_EQ(alice->post("/api/update_episode", update("alice", "Lost", 1, 1)).status, 201);
  clock_.advance(std::chrono::hours(1));
  ASSERT_EQ(alice->post("/api/update_episode", update("alice", "Lost", "3", "12")).status, 201);
  auto body = parse(alice->get("/api/show_episode?username=alice&tv_show=Lost"));
  EXPECT_EQ(body.at("season"), 3);
  EXPECT_EQ(body.at("episode"), 12);
  EXPECT_EQ(body.at("last_updated"), "2025-01-15T11:30:00.123456");
}

TEST_F(TvProgressTest, ShowUserListsShowsSortedByName) {
  auto alice = clientFor("alice");
  for (const char* show : {"Zoo", "Breaking Bad", "進撃の巨人", "The Office"}) {
    ASSERT_EQ(alice->post("/api/update_episode", update("alice", show, 1, 2)).status, 201);
  }
  auto r = alice->get("/api/show_user?username=alice");
  ASSERT_EQ(r.status, 200);
  auto body = parse(r);
  EXPECT_EQ(body.at("username"), "alice");
  EXPECT_EQ(body.at("total_shows"), 4);
  std::vector<std::string> names;
  for (const auto& s : body.at("shows").as_array()) {
    names.emplace_back(s.at("tv_show").as_string());
    EXPECT_EQ(s.as_object().size(), 4u);  // tv_show, season, episode, last_updated
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Breaking Bad", "The Office", "Zoo", "進撃の巨人"}));
}

TEST_F(TvProgressTest, UnknownUserOrShow) {
  auto root = clientFor("root");
  auto r = root->get("/api/show_user?username=nobody");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(parse(r), json::parse(R"({"username":"nobody","shows":[],"total_shows":0})"));
  r = root->get("/api/show_episode?username=nobody&tv_show=Lost");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(parse(r), json::parse(R"({"message": "No data found for this user and TV show"})"));
}

TEST_F(TvProgressTest, MissingParameters) {
  auto alice = clientFor("alice");
  struct Case {
    std::string path;
    std::string error;
  } cases[] = {
      {"/api/show_episode", "Username and tv_show are required"},
      {"/api/show_episode?username=alice", "Username and tv_show are required"},
      {"/api/show_episode?username=alice&tv_show=", "Username and tv_show are required"},
      {"/api/show_episode?tv_show=Lost", "Username and tv_show are required"},
      {"/api/show_user", "Username is required"},
      {"/api/show_user?username=", "Username is required"},
  };
  for (const auto& c : cases) {
    auto r = alice->get(c.path);
    EXPECT_EQ(r.status, 400) << c.path;
    EXPECT_EQ(parse(r), (json::object{{"error", c.error}})) << c.path;
  }
}

// Every bad update gets the right 400 and leaves the store untouched.
TEST_F(TvProgressTest, BadUpdatesAreRejectedAndChangeNothing) {
  auto alice = clientFor("alice");
  const std::string required = "Username, tv_show, season, and episode are required";
  const std::string integers = "Season and episode must be valid integers";
  const std::string positive = "Season and episode must be positive integers";
  struct Case {
    std::string body;
    std::string error;
  } cases[] = {
      {"", "JSON data is required"},
      {"{}", "JSON data is required"},
      {"[]", "JSON data is required"},
      {"null", "JSON data is required"},
      {"{\"username\":", "Request body is not valid JSON"},
      {"username=alice&season=1", "Request body is not valid JSON"},
      {"[1, 2]", "Request body must be a JSON object"},
      {R"({"username":"alice","tv_show":"Lost","season":1})", required},
      {R"({"username":"alice","tv_show":"","season":1,"episode":1})", required},
      {R"({"username":"","tv_show":"Lost","season":1,"episode":1})", required},
      {R"({"tv_show":"Lost","season":1,"episode":1})", required},
      {R"({"username":"alice","tv_show":"Lost","season":null,"episode":1})", required},
      {R"({"username":"alice","tv_show":7,"season":1,"episode":1})",
       "Username and tv_show must be strings"},
      {R"({"username":false,"tv_show":"Lost","season":1,"episode":1})", required},
      {R"({"username":"alice","tv_show":[],"season":1,"episode":1})", required},
      {R"({"username":"alice","tv_show":"Lost","season":1.5,"episode":1})", integers},
      {R"({"username":"alice","tv_show":"Lost","season":"3.5","episode":1})", integers},
      {R"({"username":"alice","tv_show":"Lost","season":true,"episode":1})", integers},
      {R"({"username":"alice","tv_show":"Lost","season":"three","episode":1})", integers},
      {R"({"username":"alice","tv_show":"Lost","season":[1],"episode":1})", integers},
      {R"({"username":"alice","tv_show":"Lost","season":2147483648,"episode":1})", integers},
      {R"({"username":"alice","tv_show":"Lost","season":1,"episode":1e300})", integers},
      {R"({"username":"alice","tv_show":"Lost","season":"99999999999999999999","episode":1})",
       integers},
      {R"({"username":"alice","tv_show":"Lost","season":0,"episode":1})", positive},
      {R"({"username":"alice","tv_show":"Lost","season":1,"episode":-4})", positive},
      {R"({"username":"alice","tv_show":"Lost","season":"-2","episode":1})", positive},
      {R"({"username":"al ice","tv_show":"Lost","season":1,"episode":1})",
       "Invalid username: use 1-64 letters, digits, '_', '-' or '.'"},
      {R"({"username":"alice","tv_show":")" + std::string(513, 'x') +
           R"(","season":1,"episode":1})",
       "Invalid tv_show: use at most 512 bytes of UTF-8, without NUL"},
      {R"({"username":"alice","tv_show":"Lost\u0000","season":1,"episode":1})",
       "Invalid tv_show: use at most 512 bytes of UTF-8, without NUL"},
      {"{\"username\":\"alice\",\"tv_show\":\"\xff\xfe\",\"season\":1,\"episode\":1}",
       "Request body is not valid JSON"},
  };
  for (const auto& c : cases) {
    auto r = alice->post("/api/update_episode", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(parse(r), (json::object{{"error", c.error}})) << c.body;
  }
  auto r = alice->get("/api/show_user?username=alice");
  EXPECT_EQ(parse(r).at("total_shows"), 0);
}

TEST_F(TvProgressTest, NumbersMayBeIntegerStringsOrIntegralFloats) {
  auto alice = clientFor("alice");
  auto r = alice->post("/api/update_episode", update("alice", "Lost", "4", 3.0));
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(parse(r).at("season"), 4);  // a number in the response, not "4"
  EXPECT_EQ(parse(r).at("episode"), 3);
  r = alice->post("/api/update_episode", update("alice", "Lost", 2147483647, 1));
  EXPECT_EQ(r.status, 201);
}

TEST_F(TvProgressTest, UsersSeeOnlyTheirOwnData) {
  auto alice = clientFor("alice");
  auto bob = clientFor("bob");
  ASSERT_EQ(bob->post("/api/update_episode", update("bob", "Lost", 1, 1)).status, 201);

  auto r = alice->get("/api/show_episode?username=bob&tv_show=Lost");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(parse(r), json::parse(R"({"error":"You may only access your own data"})"));
  EXPECT_EQ(alice->get("/api/show_user?username=bob").status, 403);
  EXPECT_EQ(alice->post("/api/update_episode", update("bob", "Lost", 9, 9)).status, 403);
  EXPECT_EQ(alice->get("/api/show_user?username=alice&user=bob").status, 403);
  EXPECT_EQ(alice->get("/api/show_all").status, 403);
  // ?user= naming the caller (what the original client sends) is fine.
  EXPECT_EQ(alice->get("/api/show_user?username=alice&user=alice").status, 200);

  // Bob's entry is untouched by Alice's attempt; the admin may read and write it.
  auto root = clientFor("root");
  r = root->get("/api/show_episode?username=bob&tv_show=Lost");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(parse(r).at("season"), 1);
  EXPECT_EQ(root->post("/api/update_episode", update("bob", "Lost", 2, 1)).status, 201);
  EXPECT_EQ(parse(bob->get("/api/show_episode?username=bob&tv_show=Lost")).at("season"), 2);
}

TEST_F(TvProgressTest, ShowAllPagesThroughEveryEntry) {
  auto root = clientFor("root");
  std::vector<std::pair<std::string, std::string>> expected;
  for (const char* user : {"alice", "bob"}) {
    for (const char* show : {"A", "B", "C"}) {
      ASSERT_EQ(root->post("/api/update_episode", update(user, show, 1, 1)).status, 201);
      expected.emplace_back(user, show);
    }
  }
  auto all = parse(root->get("/api/show_all"));
  EXPECT_EQ(all.at("total_entries"), 6);
  EXPECT_FALSE(all.as_object().contains("next_cursor"));

  std::vector<std::pair<std::string, std::string>> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    std::string path = "/api/show_all?limit=4" + (cursor.empty() ? "" : "&cursor=" + cursor);
    auto r = root->get(path);
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = parse(r);
    ++pages;
    for (const auto& e : body.at("entries").as_array()) {
      seen.emplace_back(e.at("username").as_string(), e.at("tv_show").as_string());
    }
    if (!body.as_object().contains("next_cursor")) break;
    cursor = std::string(body.at("next_cursor").as_string());
  }
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen, expected);

  EXPECT_EQ(root->get("/api/show_all?limit=0").status, 400);
  EXPECT_EQ(root->get("/api/show_all?limit=abc").status, 400);
  EXPECT_EQ(root->get("/api/show_all?limit=1001").status, 400);
  auto r = root->get("/api/show_all?cursor=%21%21");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(parse(r), json::parse(R"({"error":"Invalid cursor"})"));
}

TEST_F(TvProgressTest, ConcurrentWritersAreAllDurableAndConsistent) {
  constexpr int kThreads = 8;
  constexpr int kWrites = 40;
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto alice = clientFor("alice");
      for (int i = 1; i <= kWrites; ++i) {
        auto r =
            alice->post("/api/update_episode", update("alice", "show-" + std::to_string(t), 1, i));
        if (r.status == 201) created.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), kThreads * kWrites);
  auto body = parse(clientFor("alice")->get("/api/show_user?username=alice"));
  ASSERT_EQ(body.at("total_shows"), kThreads);
  for (const auto& s : body.at("shows").as_array()) EXPECT_EQ(s.at("episode"), kWrites);
}

}  // namespace
}  // namespace it::test
