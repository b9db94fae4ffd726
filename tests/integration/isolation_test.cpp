// Isolation between users, endpoint by endpoint (SECURITY.md): alice cannot read or change
// bob's data by a parameter, by a body field or by ?user=; a removed user's tokens stop
// working; no answer carries a password, a token or a password hash. Runs on both stores.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>

#include "auth/passwords.hpp"
#include "fakes/fake_providers.hpp"
#include "integration/server_fixture.hpp"

namespace it::test {
namespace {

namespace json = boost::json;

constexpr const char* kVideo = "kJQP7kiw5Fk";
constexpr const char* kSpotifyEpisode = "512ojhOuo1ktJprKbVcKyQ";

class IsolationTest : public ServerTest {
 protected:
  void adjust(app::Config& config) override {
    config.time_zone = "UTC";
    config.providers = fake_.settings();
    fake_.addSeries(278157, "Free!", std::nullopt, 24);
    fake_.addMovie(197, "Your Name", std::nullopt, 106);
    fake_.addVideo(kVideo, "Despacito", "UCLp8RBhQHu9wSsq62j_Md6A", "LuisFonsiVEVO", "PT4M42S");
    fake_.addSpotifyEpisode(kSpotifyEpisode, "Episode 1", 1'500'000, "38bS44xjbVVZ3No3ByF1dJ",
                            "Podcast");
  }

  void SetUp() override {
    ServerTest::SetUp();
    if (IsSkipped()) return;
    // Bob's data, which alice must neither see nor change.
    auto bob = clientFor("bob");
    ASSERT_EQ(bob->post("/api/update_episode",
                        R"({"username":"bob","tv_show":"Bob's Show","season":2,"episode":5})")
                  .status,
              201);
    ASSERT_EQ(
        bob->post("/sync", R"({"episodes":[{"folder_name":"Bob Folder","file_name":"1.mkv"}]})")
            .status,
        200);
    bob_before_ = bobSnapshot();
  }

  // Everything bob can read about himself.
  std::string bobSnapshot() {
    auto bob = clientFor("bob");
    std::string all;
    for (const char* path : {"/api/show_user?username=bob", "/shows", "/progress"}) {
      auto r = bob->get(path);
      EXPECT_EQ(r.status, 200) << path << ": " << r.body;
      all += r.body + "\n";
    }
    return all;
  }

  FakeProviders fake_;
  std::string bob_before_;
};

struct Attempt {
  const char* what;
  const char* method;
  const char* target;
  const char* body;
  int status;  // what alice gets
};

// Every endpoint, aimed at bob by each way a request can name a user.
const Attempt kAttempts[] = {
    // By parameter.
    {"show_episode by username", "GET", "/api/show_episode?username=bob&tv_show=Bob%27s%20Show", "",
     403},
    {"show_user by username", "GET", "/api/show_user?username=bob", "", 403},
    {"show_all is admin-only", "GET", "/api/show_all", "", 403},
    // By body field.
    {"update_episode for bob", "POST", "/api/update_episode",
     R"({"username":"bob","tv_show":"Bob's Show","season":9,"episode":9})", 403},
    // By ?user=, which the immersion original's client sends with every request.
    {"show_episode by ?user=", "GET", "/api/show_episode?username=alice&tv_show=x&user=bob", "",
     403},
    {"show_user by ?user=", "GET", "/api/show_user?username=alice&user=bob", "", 403},
    {"update_episode by ?user=", "POST", "/api/update_episode?user=bob",
     R"({"username":"alice","tv_show":"x","season":1,"episode":1})", 403},
    {"progress by ?user=", "GET", "/progress?user=bob", "", 403},
    {"shows by ?user=", "GET", "/shows?user=bob", "", 403},
    {"sync by ?user=", "POST", "/sync?user=bob",
     R"({"episodes":[{"folder_name":"Bob Folder","file_name":"2.mkv"}]})", 403},
    {"tag a show by ?user=", "PUT", "/show?user=bob",
     R"({"folder_name":"Bob Folder","tvdb_id":278157})", 403},
    {"movies by ?user=", "POST", "/syncmovies?user=bob",
     R"({"movies":[{"file_name":"x.mkv","tvdb_id":197}]})", 403},
    {"youtube by ?user=", "POST", "/syncyoutube?user=bob", R"({"video_ids":["kJQP7kiw5Fk"]})", 403},
    {"spotify by ?user=", "POST", "/syncspotify?user=bob",
     R"({"episode_ids":["512ojhOuo1ktJprKbVcKyQ"]})", 403},
    {"tvdb search by ?user=", "GET", "/tvdb/search?query=free&user=bob", "", 403},
    // By naming bob's folder in alice's own request: it is alice's folder name then, not bob's.
    {"tag bob's folder", "PUT", "/show", R"({"folder_name":"Bob Folder","tvdb_id":278157})", 404},
};

TEST_F(IsolationTest, NoEndpointLetsAliceReadOrChangeBobsData) {
  auto alice = clientFor("alice");
  for (const Attempt& a : kAttempts) {
    SCOPED_TRACE(a.what);
    auto r = alice->request(a.method, a.target, a.body, {"Content-Type: application/json"});
    EXPECT_EQ(r.status, a.status) << r.body;
    // Nothing of bob's comes back (an error may quote what alice herself sent).
    const std::string sent = std::string(a.target) + a.body;
    for (const char* bobs : {"Bob's Show", "Bob Folder", "\"season\":2"}) {
      if (sent.find(bobs) == std::string::npos) {
        EXPECT_EQ(r.body.find(bobs), std::string::npos) << r.body;
      }
    }
    EXPECT_NE(json::parse(r.body).as_object().if_contains("error"), nullptr) << r.body;
  }
  EXPECT_EQ(bobSnapshot(), bob_before_);
}

TEST_F(IsolationTest, AlicesOwnAnswersHoldNothingOfBobs) {
  auto alice = clientFor("alice");
  ASSERT_EQ(
      alice->post("/sync", R"({"episodes":[{"folder_name":"Alice Folder","file_name":"1.mkv"}]})")
          .status,
      200);
  for (const char* path : {"/api/show_user?username=alice", "/shows", "/progress",
                           "/api/show_episode?username=alice&tv_show=Bob%27s%20Show"}) {
    auto r = alice->get(path);
    EXPECT_EQ(r.body.find("Bob"), std::string::npos) << path << ": " << r.body;
  }
  json::value progress = json::parse(alice->get("/progress").body);
  EXPECT_EQ(progress.at("total_episodes_watched"), 1);
  // An admin may read everyone's TV progress: that is what show_all is for.
  auto all = clientFor("root")->get("/api/show_all");
  EXPECT_EQ(all.status, 200);
  EXPECT_NE(all.body.find("Bob's Show"), std::string::npos);
}

TEST_F(IsolationTest, ARemovedUsersTokensAndPasswordStopWorking) {
  auth::NewToken token = auth::generateToken();
  service_->store().addToken({token.id, "bob", "laptop", "2025-01-01T00:00:00.000000"},
                             auth::tokenHash(token.token));
  HttpClient with_token(baseUrl());
  with_token.setBearer(token.token);
  ASSERT_EQ(with_token.get("/shows").status, 200);

  ASSERT_TRUE(service_->store().removeUser("bob"));
  EXPECT_EQ(with_token.get("/shows").status, 401);
  EXPECT_EQ(clientFor("bob")->get("/shows").status, 401);
  // Re-creating the name does not bring back the old tokens or data.
  addUser("bob", false);
  EXPECT_EQ(with_token.get("/shows").status, 401);
  auto shows = clientFor("bob")->get("/shows");
  EXPECT_EQ(shows.status, 200);
  EXPECT_EQ(json::parse(shows.body), json::parse(R"({"shows":[]})"));
}

TEST_F(IsolationTest, NoAnswerCarriesAPasswordATokenOrAHash) {
  auth::NewToken token = auth::generateToken();
  service_->store().addToken({token.id, "alice", "", "2025-01-01T00:00:00.000000"},
                             auth::tokenHash(token.token));
  auto hash = service_->store().findUser("alice")->password_hash;
  const std::vector<std::string> secrets = {"alice-pass", token.token, auth::tokenHash(token.token),
                                            hash, hash.substr(hash.rfind('$') + 1)};
  HttpClient with_token(baseUrl());
  with_token.setBearer(token.token);
  HttpClient wrong(baseUrl());
  wrong.setBasicAuth("alice", "alice-pass-but-wrong");
  auto with_password = clientFor("alice");
  std::vector<HttpResult> answers;
  for (HttpClient* c : {with_password.get(), &with_token, &wrong}) {
    for (const char* path : {"/api/show_user?username=alice", "/shows", "/progress", "/metrics",
                             "/healthz", "/api/show_all", "/no/such/route"}) {
      answers.push_back(c->get(path));
    }
    answers.push_back(c->post("/sync", "{not json"));
  }
  for (const auto& r : answers) {
    for (const auto& secret : secrets) {
      EXPECT_EQ(r.body.find(secret), std::string::npos) << "answer leaks a secret: " << r.body;
      for (const auto& [name, value] : r.headers) {
        EXPECT_EQ(value.find(secret), std::string::npos) << name << ": " << value;
      }
    }
  }
}

}  // namespace
}  // namespace it::test
