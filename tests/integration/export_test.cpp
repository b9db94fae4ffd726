// GET /api/export over real HTTP on both stores: the caller's whole history as one streamed
// JSON document or CSV, and nobody else's; POST /api/import of it; export --all and import --all.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "api/export/export_document.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/transfer_all.hpp"
#include "auth/passwords.hpp"
#include "fakes/fake_providers.hpp"
#include "integration/server_fixture.hpp"
#include "service/calendars.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

namespace json = boost::json;

class ExportTest : public ServerTest {
 protected:
  void adjust(app::Config& config) override {
    config.providers = fake_.settings();
    fake_.addSeries(278157, "Free!", std::nullopt, 24);
    fake_.addTmdbMovie(372058, "君の名は。", "Your Name.", "/poster.jpg", 106);
    fake_.addVideo("kJQP7kiw5Fk", "Despacito, \"Remix\"", "UCLp8RBhQHu9wSsq62j_Md6A",
                   "LuisFonsiVEVO", "PT4M42S", "es");
    fake_.addSpotifyEpisode("512ojhOuo1ktJprKbVcKyQ", "Episode 1", 1'500'000,
                            "38bS44xjbVVZ3No3ByF1dJ", "The Miku Real Japanese Podcast");
  }

  // alice: two episodes of a tagged show, a movie, a video, a podcast episode, a log, TV
  // progress, settings and a language choice.
  void seedAlice() {
    auto alice = clientFor("alice");
    auto ok = [](const HttpResult& r) { EXPECT_LT(r.status, 300) << r.body; };
    ok(alice->post("/sync", R"({"episodes": [{"folder_name": "Free", "file_name": "01.mkv"},
        {"folder_name": "Free", "file_name": "02.mkv"}]})"));
    ok(alice->request("PUT", "/show", R"({"folder_name": "Free", "tvdb_id": 278157})"));
    ok(alice->post("/syncmovies", R"({"movies": [{"file_name": "kimi.mkv", "tmdb_id": 372058}]})"));
    ok(alice->post("/syncyoutube", R"({"video_ids": ["kJQP7kiw5Fk"]})"));
    ok(alice->post("/syncspotify", R"({"episode_ids": ["512ojhOuo1ktJprKbVcKyQ"]})"));
    ok(alice->post("/api/logs", R"({"medium": "book", "minutes": 45, "title": "=SUM(A1), ok",
        "amount": 30, "unit": "pages", "language": "ja", "date": "2025-01-14"})"));
    ok(alice->post("/api/update_episode",
                   R"({"username": "alice", "tv_show": "Lost", "season": 2, "episode": 3})"));
    ok(alice->request("PUT", "/api/me/goal", R"({"daily_minutes": 30})"));
    ok(alice->request("PUT", "/api/languages",
                      R"({"kind": "podcast", "id": "38bS44xjbVVZ3No3ByF1dJ", "language": "ko"})"));
  }

  FakeProviders fake_;
};

TEST_F(ExportTest, TheJsonDocumentHoldsEverythingOfTheCallersAndNothingElse) {
  seedAlice();
  ASSERT_EQ(clientFor("bob")
                ->post("/sync", R"({"episodes": [{"folder_name": "Bob",
      "file_name": "x"}]})")
                .status,
            200);
  auto r = clientFor("alice")->get("/api/export");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  EXPECT_EQ(r.header("content-disposition"),
            "attachment; filename=\"immersion-tracker-alice-2025-01-15.json\"");
  json::object doc = json::parse(r.body).as_object();
  EXPECT_EQ(doc.at("format"), "immersion-tracker-export");
  EXPECT_EQ(doc.at("version"), 1);
  EXPECT_EQ(doc.at("exported_at"), "2025-01-15T10:30:00.123456");
  EXPECT_EQ(doc.at("user"), json::parse(R"({"username": "alice", "time_zone": null,
      "language": null, "daily_goal_minutes": 30, "day_start_hour": 0})"));
  ASSERT_EQ(doc.at("tv_progress").as_array().size(), 1u);
  EXPECT_EQ(doc.at("tv_progress").at(0).at("tv_show"), "Lost");
  EXPECT_EQ(doc.at("tv_progress").at(0).at("season"), 2);
  EXPECT_EQ(doc.at("shows"), json::parse(R"([{"folder_name": "Free", "tvdb_id": 278157,
      "tvdb_name": "Free!", "tvdb_image": null, "tvdb_average_runtime_seconds": 1440,
      "tvdb_language": "ja"}])"));
  ASSERT_EQ(doc.at("channels").as_array().size(), 1u);
  EXPECT_EQ(doc.at("channels").at(0).at("title"), "LuisFonsiVEVO");
  EXPECT_EQ(doc.at("podcasts").at(0).at("id"), "38bS44xjbVVZ3No3ByF1dJ");
  EXPECT_EQ(doc.at("language_choices"), json::parse(R"([{"kind": "podcast",
      "id": "38bS44xjbVVZ3No3ByF1dJ", "language": "ko"}])"));

  std::map<std::string, std::vector<json::object>> items;
  for (const auto& item : doc.at("items").as_array()) {
    items[std::string(item.at("kind").as_string())].push_back(item.as_object());
  }
  ASSERT_EQ(items["episode"].size(), 2u);
  EXPECT_EQ(items["episode"][0].at("folder_name"), "Free");
  EXPECT_EQ(items["episode"][0].at("date"), "2025-01-15");
  EXPECT_EQ(items["episode"][0].at("timestamp"), 1736937000);
  ASSERT_EQ(items["movie"].size(), 1u);
  EXPECT_EQ(items["movie"][0], json::parse(R"({"kind": "movie", "timestamp": 1736937000,
      "date": "2025-01-15", "file_name": "kimi.mkv", "database": "tmdb", "id": 372058,
      "name": "君の名は。", "image": "https://image.tmdb.org/t/p/w500/poster.jpg",
      "runtime_seconds": 6360, "language": "ja"})"));
  ASSERT_EQ(items["youtube_video"].size(), 1u);
  EXPECT_EQ(items["youtube_video"][0].at("channel_id"), "UCLp8RBhQHu9wSsq62j_Md6A");
  EXPECT_EQ(items["youtube_video"][0].at("duration_seconds"), 282);
  EXPECT_EQ(items["youtube_video"][0].at("language"), "es");
  ASSERT_EQ(items["spotify_episode"].size(), 1u);
  EXPECT_EQ(items["spotify_episode"][0].at("show_id"), "38bS44xjbVVZ3No3ByF1dJ");
  EXPECT_EQ(items.size(), 4u);  // bob's episode is not there

  ASSERT_EQ(doc.at("logs").as_array().size(), 1u);
  json::object log = doc.at("logs").at(0).as_object();
  EXPECT_EQ(log.at("medium"), "book");
  EXPECT_EQ(log.at("date"), "2025-01-14");
  EXPECT_EQ(log.at("amount"), 30);
}

TEST_F(ExportTest, CsvHasOneRowPerItemOrLogCountedAsProgressCountsThem) {
  seedAlice();
  auto r = clientFor("alice")->get("/api/export?format=csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
  std::vector<std::string> rows;
  for (std::size_t at = 0; at < r.body.size();) {
    auto end = r.body.find("\r\n", at);
    ASSERT_NE(end, std::string::npos) << "every row ends with CRLF";
    rows.push_back(r.body.substr(at, end - at));
    at = end + 2;
  }
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[0], "date,kind,medium,title,minutes,amount,unit,language");
  std::sort(rows.begin() + 1, rows.end());
  EXPECT_EQ(rows[1], "2025-01-14,log,book,\"'=SUM(A1), ok\",45.00,30,pages,ja");
  EXPECT_EQ(rows[2], "2025-01-15,episode,tv,Free! / 01.mkv,24.00,,,ja");
  EXPECT_EQ(rows[3], "2025-01-15,episode,tv,Free! / 02.mkv,24.00,,,ja");
  EXPECT_EQ(rows[4], "2025-01-15,movie,movie,君の名は。,106.00,,,ja");
  EXPECT_EQ(rows[5], "2025-01-15,spotify_episode,podcast,Episode 1,25.00,,,ko");
  EXPECT_EQ(rows[6], "2025-01-15,youtube_video,youtube,\"Despacito, \"\"Remix\"\"\",4.70,,,es");
}

TEST_F(ExportTest, AnEmptyHistoryIsAValidDocumentAndBadRequestsAreRefused) {
  auto bob = clientFor("bob");
  auto r = bob->get("/api/export");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object doc = json::parse(r.body).as_object();
  EXPECT_EQ(doc.at("items"), json::array());
  EXPECT_EQ(doc.at("logs"), json::array());
  EXPECT_EQ(bob->get("/api/export?format=csv").body,
            "date,kind,medium,title,minutes,amount,unit,language\r\n");
  EXPECT_EQ(bob->get("/api/export?format=xml").status, 400);
  EXPECT_EQ(bob->get("/api/export?user=alice").status, 403);
  HttpClient anonymous(baseUrl());
  EXPECT_EQ(anonymous.get("/api/export").status, 401);
}

// The export's parts that must survive a move to another account, as they are compared.
// Items of one sync time are in the order their store keeps them, which differs between stores:
// they are compared sorted.
json::object movable(json::object doc) {
  doc.erase("exported_at");
  doc.at("user").as_object().erase("username");
  json::array& items = doc.at("items").as_array();
  std::sort(items.begin(), items.end(), [](const json::value& a, const json::value& b) {
    return json::serialize(a) < json::serialize(b);
  });
  return doc;
}

TEST_F(ExportTest, AnExportImportsIntoAnotherAccountOnceAndCompletely) {
  seedAlice();
  auto alice = clientFor("alice");
  auto bob = clientFor("bob");
  const std::string exported = alice->get("/api/export").body;

  auto r = bob->post("/api/import", exported);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"items_added": 5, "items_present": 0,
      "logs_added": 1, "logs_present": 0, "tv_progress_updated": 1, "shows_tagged": 1,
      "language_choices": 1})"));
  json::object bobs = json::parse(bob->get("/api/export").body).as_object();
  EXPECT_EQ(movable(bobs), movable(json::parse(exported).as_object()));
  // They count the same.
  auto progress = [](HttpClient& c, const std::string& user) {
    json::object p = json::parse(c.get("/progress?user=" + user).body).as_object();
    return json::array{p.at("by_language"), p.at("by_medium"), p.at("total_minutes_immersed")};
  };
  EXPECT_EQ(progress(*bob, "bob"), progress(*alice, "alice"));

  // Again: nothing more.
  r = bob->post("/api/import", exported);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"items_added": 0, "items_present": 5,
      "logs_added": 0, "logs_present": 1, "tv_progress_updated": 0, "shows_tagged": 1,
      "language_choices": 1})"));
  EXPECT_EQ(movable(json::parse(bob->get("/api/export").body).as_object()), movable(bobs));
}

TEST_F(ExportTest, ABadDocumentIsRefusedNamingItsFirstBadRecordAndNothingIsWritten) {
  seedAlice();
  auto bob = clientFor("bob");
  const std::string before = bob->get("/api/export").body;
  json::object good = json::parse(clientFor("alice")->get("/api/export").body).as_object();
  auto broken = [&](auto change) {
    json::object doc = good;
    change(doc);
    return json::serialize(doc);
  };
  struct Case {
    std::string body;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"[]", "Not an export document: the document: it must be a JSON object"},
      {"{\"items\": [", "Request body must be an export document (JSON)"},
      {broken([](json::object& d) { d["version"] = 2; }),
       "the document: version must be 1, the one this server reads"},
      {broken([](json::object& d) { d["extra"] = json::array(); }),
       "Not an export document: the document: unknown member \"extra\""},
      {broken(
           [](json::object& d) { d.at("items").as_array().at(1).as_object()["timestamp"] = -1; }),
       "items[1]: timestamp must be a whole number from 0 to 253402300799"},
      {broken([](json::object& d) { d.at("items").as_array().at(2).as_object()["kind"] = "book"; }),
       "items[2]: kind must be episode, movie, youtube_video or spotify_episode"},
      {broken([](json::object& d) {
         d.at("items").as_array().at(0).as_object()["tags"] = json::array{"x"};
       }),
       "Not an export document: items[0]: a nested value"},
      {broken([](json::object& d) { d.at("logs").as_array().at(0).as_object()["minutes"] = 0; }),
       "logs[0]: minutes must be a whole number from 1 to 1440"},
      {broken([](json::object& d) { d.at("user").as_object()["day_start_hour"] = 24; }),
       "user: day_start_hour must be a whole number from 0 to 23"},
      {broken([](json::object& d) {
         d.at("language_choices").as_array().at(0).as_object()["kind"] = "movie";
       }),
       "language_choices[0]: kind must be \"show\", \"channel\" or \"podcast\""},
  };
  for (const auto& c : cases) {
    auto r = bob->post("/api/import", c.body);
    EXPECT_EQ(r.status, 400) << c.error;
    auto error = json::parse(r.body).at("error").as_string();
    EXPECT_EQ(std::string(error).rfind(c.error, 0), 0u) << error;
  }
  EXPECT_EQ(bob->get("/api/export").body, before);
  HttpClient anonymous(baseUrl());
  EXPECT_EQ(anonymous.post("/api/import", "{}").status, 401);
}

// The lines of an export of every user, parsed.
std::vector<json::object> documentsOf(const std::string& every_user) {
  std::vector<json::object> documents;
  std::istringstream lines(every_user);
  for (std::string line; std::getline(lines, line);) {
    documents.push_back(json::parse(line).as_object());
  }
  return documents;
}

// `export --all` and `import --all` (an operator's, on the store itself) on this test's store:
// every user with their account and tokens, copied whole into a fresh SQLite store and back
// into this one.
TEST_F(ExportTest, EveryUserMovesToAnotherStoreWithTheirAccountTokensAndData) {
  seedAlice();
  auto alice = clientFor("alice");
  auto r = alice->post("/api/tokens", R"({"name": "phone"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string token(json::parse(r.body).at("token").as_string());
  const json::object alice_before =
      movable(json::parse(alice->get("/api/export").body).as_object());
  storage::Store& store = service_->store();

  std::ostringstream every_user;
  ASSERT_EQ(app::cli::exportEveryUser(config_, store, std::nullopt, every_user), 0);
  std::map<std::string, json::object> by_name;
  for (auto& doc : documentsOf(every_user.str())) {
    by_name[std::string(doc.at("user").at("username").as_string())] = doc;
  }
  ASSERT_EQ(by_name.size(), 3u);
  EXPECT_EQ(by_name["alice"].at("account"),
            (json::object{{"password_hash", store.findUser("alice")->password_hash},
                          {"admin", false},
                          {"created_at", "2025-01-01T00:00:00.000000"}}));
  EXPECT_EQ(by_name["root"].at("account").at("admin"), true);
  ASSERT_EQ(by_name["alice"].at("tokens").as_array().size(), 1u);
  EXPECT_EQ(by_name["alice"].at("tokens").at(0).at("hash"), json::value(auth::tokenHash(token)));
  EXPECT_EQ(by_name["alice"].at("tokens").at(0).at("label"), "phone");
  EXPECT_EQ(by_name["bob"].at("tokens"), json::array());
  // A line of it is not for one account.
  r = clientFor("bob")->post("/api/import", json::serialize(by_name["alice"]));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body).at("error"),
            "account: this is a part of an export of every user, which only an operator imports, "
            "with immersion-tracker import --all");
  const std::string file = dir_.path() + "/everyone.jsonl";
  std::ofstream(file) << every_user.str();

  // Into a fresh SQLite store: the same users, passwords, tokens and data.
  TempDir other;
  app::Config copy = config_;
  copy.store = "sqlite";
  copy.data_dir = other.path();
  auto copied = app::openStore(copy);
  std::ostringstream out;
  ASSERT_EQ(app::cli::importEveryUser(copy, *copied, file, out, false), 0);
  EXPECT_NE(out.str().find("alice: added, 1 token; 5 items and 1 logs imported (0 and 0 there "
                           "already)\n"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("Imported 3 users from " + file + "\n"), std::string::npos);
  for (const auto& user : store.listUsers()) {
    auto moved = copied->findUser(user.name);
    ASSERT_TRUE(moved) << user.name;
    EXPECT_EQ(moved->password_hash, user.password_hash);
    EXPECT_EQ(moved->admin, user.admin);
    EXPECT_EQ(moved->created_at, user.created_at);
  }
  EXPECT_EQ(copied->findUserByTokenHash(auth::tokenHash(token))->name, "alice");
  const service::Calendars calendars(*copied, "UTC");
  api::exports::ExportDocument copied_alice(*copied, calendars, clock_, "alice",
                                            api::exports::ExportFormat::kJson);
  std::string copied_text;
  while (auto piece = copied_alice.next()) copied_text += *piece;
  EXPECT_EQ(json::serialize(movable(json::parse(copied_text).as_object())),
            json::serialize(alice_before));
  out.str("");
  ASSERT_EQ(app::cli::importEveryUser(copy, *copied, file, out, false), 0);  // nothing more
  EXPECT_NE(out.str().find("alice: already there (password kept), 0 tokens; 0 items and 0 logs "
                           "imported (5 and 1 there already)\n"),
            std::string::npos)
      << out.str();

  // A bad line: nothing written, the line named.
  ASSERT_TRUE(store.removeUser("alice"));
  json::object broken = by_name["bob"];
  broken["items"] = json::array{json::object{{"kind", "book"}, {"timestamp", 1}}};
  const std::string bad_file = dir_.path() + "/bad.jsonl";
  std::ofstream(bad_file) << json::serialize(by_name["alice"]) << "\n"
                          << json::serialize(broken) << "\n";
  try {
    app::cli::importEveryUser(config_, store, bad_file, out, false);
    ADD_FAILURE() << "a bad line was imported";
  } catch (const app::cli::CommandError& e) {
    EXPECT_EQ(std::string(e.what()),
              bad_file +
                  ": line 2: items[0]: kind must be episode, movie, youtube_video or "
                  "spotify_episode");
  }
  std::ofstream(bad_file) << json::serialize(by_name["alice"]) << "\n\n"
                          << json::serialize(by_name["alice"]) << "\n";
  try {
    app::cli::importEveryUser(config_, store, bad_file, out, false);
    ADD_FAILURE() << "a user twice was imported";
  } catch (const app::cli::CommandError& e) {
    EXPECT_EQ(std::string(e.what()), bad_file + ": line 3: user \"alice\" is on line 1 too");
  }
  EXPECT_FALSE(store.findUser("alice"));

  // Removed, alice comes back whole from the file, with her password and her token.
  out.str("");
  ASSERT_EQ(app::cli::importEveryUser(config_, store, file, out, false), 0);
  EXPECT_NE(out.str().find("alice: added, 1 token; 5 items and 1 logs imported"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("bob: already there (password kept), 0 tokens"), std::string::npos);
  EXPECT_EQ(movable(json::parse(clientFor("alice")->get("/api/export").body).as_object()),
            alice_before);
  HttpClient by_token(baseUrl());
  by_token.setBearer(token);
  EXPECT_EQ(by_token.get("/api/me").status, 200);
}

TEST(CsvField, QuotesWhatNeedsItAndDisarmsFormulas) {
  using api::exports::csvField;
  EXPECT_EQ(csvField("plain"), "plain");
  EXPECT_EQ(csvField(""), "");
  EXPECT_EQ(csvField("a,b"), "\"a,b\"");
  EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csvField("=1+1"), "'=1+1");
  EXPECT_EQ(csvField("-5"), "'-5");
  EXPECT_EQ(csvField("@cmd"), "'@cmd");
  EXPECT_EQ(csvField("日本語"), "日本語");
}

}  // namespace
}  // namespace it::test
