// The account endpoints over real HTTP, on both stores: the caller's own settings (time zone,
// password), their API tokens, and for admins the users. The web dashboard's settings page
// uses them; any client may.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/server_fixture.hpp"

namespace it::test {
namespace {

namespace json = boost::json;

json::value parse(const HttpResult& r) { return json::parse(r.body); }

class AccountTest : public ServerTest {
 protected:
  void adjust(app::Config& config) override { config.time_zone = "Pacific/Auckland"; }

  // A client of `user` with `password` (clientFor knows only the fixture's passwords).
  std::unique_ptr<HttpClient> login(const std::string& user, const std::string& password) {
    auto client = std::make_unique<HttpClient>(baseUrl());
    client->setBasicAuth(user, password);
    return client;
  }
};

TEST_F(AccountTest, MeSaysWhoTheCallerIsTheirZoneAndTheProviders) {
  auto r = clientFor("alice")->get("/api/me");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"username": "alice", "is_admin": false,
      "time_zone": "Pacific/Auckland", "time_zone_is_default": true,
      "language": null, "daily_goal_minutes": 0, "day_start_hour": 0,
      "providers": {"tvdb": false, "tmdb": false, "youtube": false, "spotify": false,
                    "movie_database": "tmdb"}})"));
  EXPECT_EQ(parse(clientFor("root")->get("/api/me")).at("is_admin"), true);
  HttpClient anonymous(baseUrl());
  EXPECT_EQ(anonymous.get("/api/me").status, 401);
}

TEST_F(AccountTest, TheTimeZoneIsTheUsersOwnUntilClearedAndProgressFollowsIt) {
  auto alice = clientFor("alice");
  auto r = alice->request("PUT", "/api/me/time_zone", R"({"time_zone": "Asia/Tokyo"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"time_zone": "Asia/Tokyo", "time_zone_is_default": false,
      "language": null, "daily_goal_minutes": 0, "day_start_hour": 0})"));
  EXPECT_EQ(parse(alice->get("/progress")).at("time_zone"), "Asia/Tokyo");
  EXPECT_EQ(parse(clientFor("bob")->get("/api/me")).at("time_zone"), "Pacific/Auckland");

  for (const char* bad : {R"({"time_zone": "Mars/Olympus"})", R"({"time_zone": "+09:00"})",
                          R"({"time_zone": 9})", R"({"zone": "Asia/Tokyo"})", "[]"}) {
    r = alice->request("PUT", "/api/me/time_zone", bad);
    EXPECT_EQ(r.status, 400) << bad << " → " << r.body;
  }
  EXPECT_EQ(parse(alice->get("/api/me")).at("time_zone"), "Asia/Tokyo");

  r = alice->request("PUT", "/api/me/time_zone", R"({"time_zone": null})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::parse(R"({"time_zone": "Pacific/Auckland", "time_zone_is_default": true,
                            "language": null, "daily_goal_minutes": 0, "day_start_hour": 0})"));
}

TEST_F(AccountTest, APasswordChangesOnlyWithTheCurrentOneAndTheOldOneStopsWorking) {
  auto alice = clientFor("alice");
  auto r = alice->request("PUT", "/api/me/password",
                          R"({"current_password": "wrong", "new_password": "n3w-pass"})");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(alice->get("/api/me").status, 200);  // unchanged
  for (const char* bad : {R"({"current_password": "alice-pass"})",
                          R"({"current_password": "alice-pass", "new_password": ""})",
                          R"({"current_password": "alice-pass", "new_password": 5})"}) {
    r = alice->request("PUT", "/api/me/password", bad);
    EXPECT_EQ(r.status, 400) << bad << " → " << r.body;
  }

  r = alice->request("PUT", "/api/me/password",
                     R"({"current_password": "alice-pass", "new_password": "n3w-pass"})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(alice->get("/api/me").status, 401);
  EXPECT_EQ(login("alice", "n3w-pass")->get("/api/me").status, 200);
}

TEST_F(AccountTest, TokensAreShownOnceListedWithoutThemAndRevokedOneByOne) {
  auto alice = clientFor("alice");
  auto r = alice->post("/api/tokens", R"({"name": "laptop"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto created = parse(r);
  std::string token(created.at("token").as_string());
  std::string id(created.at("id").as_string());
  EXPECT_EQ(created.at("name"), "laptop");
  EXPECT_FALSE(created.at("created_at").as_string().empty());

  HttpClient by_token(baseUrl());
  by_token.setBearer(token);
  EXPECT_EQ(parse(by_token.get("/api/me")).at("username"), "alice");

  r = alice->get("/api/tokens");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value listed = parse(r);
  const json::array& tokens = listed.at("tokens").as_array();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens.at(0).at("id").as_string(), id);
  EXPECT_EQ(tokens.at(0).at("name"), "laptop");
  EXPECT_EQ(r.body.find(token), std::string::npos) << "the token itself is listed";
  EXPECT_EQ(parse(clientFor("bob")->get("/api/tokens")).at("tokens"), json::array());

  // Someone else's token, or none: 404, and nothing changes.
  EXPECT_EQ(clientFor("bob")->request("DELETE", "/api/tokens/" + id).status, 404);
  EXPECT_EQ(alice->request("DELETE", "/api/tokens/00000000").status, 404);
  EXPECT_EQ(alice->request("DELETE", "/api/tokens/").status, 404);
  EXPECT_EQ(alice->request("DELETE", "/api/tokens/" + id + "/x").status, 404);
  EXPECT_EQ(by_token.get("/api/me").status, 200);

  r = alice->request("DELETE", "/api/tokens/" + id);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(by_token.get("/api/me").status, 401);
  EXPECT_EQ(alice->request("DELETE", "/api/tokens/" + id).status, 404);

  for (const char* bad : {R"({"name": ""})", R"({"label": "x"})", R"({"name": 7})"}) {
    EXPECT_EQ(alice->post("/api/tokens", bad).status, 400) << bad;
  }
  EXPECT_EQ(parse(alice->get("/api/tokens")).at("tokens"), json::array());
}

TEST_F(AccountTest, AdminsListAddAndRemoveUsers) {
  auto root = clientFor("root");
  EXPECT_EQ(clientFor("alice")->get("/api/users").status, 403);
  EXPECT_EQ(
      clientFor("alice")->post("/api/users", R"({"username": "eve", "password": "x"})").status,
      403);
  EXPECT_EQ(clientFor("alice")->request("DELETE", "/api/users/bob").status, 403);

  auto r = root->get("/api/users");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> names;
  json::value users = parse(r);
  for (const auto& u : users.at("users").as_array()) {
    names.emplace_back(u.at("username").as_string());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"alice", "bob", "root"}));

  r = root->post("/api/users",
                 R"({"username": "carol", "password": "carol pass 1", "is_admin": false})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(parse(r).at("username"), "carol");
  EXPECT_EQ(parse(r).at("is_admin"), false);
  EXPECT_EQ(parse(login("carol", "carol pass 1")->get("/api/me")).at("username"), "carol");
  EXPECT_EQ(root->post("/api/users", R"({"username": "carol", "password": "other"})").status, 409);
  for (const char* bad :
       {R"({"username": "no spaces", "password": "x"})", R"({"username": "dave"})",
        R"({"username": "dave", "password": "x", "is_admin": "yes"})"}) {
    EXPECT_EQ(root->post("/api/users", bad).status, 400) << bad;
  }

  EXPECT_EQ(root->request("DELETE", "/api/users/root").status, 400);  // not oneself
  EXPECT_EQ(root->request("DELETE", "/api/users/nobody").status, 404);
  r = root->request("DELETE", "/api/users/carol");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(login("carol", "carol pass 1")->get("/api/me").status, 401);
  EXPECT_EQ(root->request("DELETE", "/api/users/carol").status, 404);
}

}  // namespace
}  // namespace it::test
