// Issue 7, "Provider faults": every metadata provider (TVDB movies via /syncmovies and series
// via PUT /show, TMDB movies via /syncmovies, YouTube via /syncyoutube, Spotify via
// /syncspotify) failing in the ways real
// ones do: 5xx, 429 with Retry-After (transient and persistent), malformed JSON, valid JSON of
// an unexpected shape, a failing token endpoint, a slow answer. Whatever happens, the sync
// ends with a clear answer (200 listing the failed ids, or 502 naming the provider), nothing
// is half-written (only the items that succeeded are recorded, and a failed one syncs later
// once the fault is gone) and the server keeps answering other requests meanwhile.
//
// A provider that does not answer in time is cut off by the per-attempt timeout
// (provider_timeout_seconds; 250 ms here) and counts as down. Requests that may call a
// provider run on a pool of their own, so however many wait on one, the rest of the API
// answers.
//
// Cases already in immersion_test.cpp (YouTube 429 retried once, YouTube 503 on every call,
// Spotify 429 after an expired token, ids rejected with 400/403/404) are not repeated here.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_providers.hpp"
#include "integration/server_fixture.hpp"

namespace it::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

json::value parse(const HttpResult& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return ec ? json::value() : v;
}

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr const char* kVideoA = "kJQP7kiw5Fk";
constexpr const char* kVideoB = "9bZkp7q19f0";
constexpr const char* kVideoC = "dQw4w9WgXcQ";
constexpr const char* kSpotifyA = "512ojhOuo1ktJprKbVcKyQ";
constexpr const char* kSpotifyB = "4rOoJ6Egrf8K2IrywzwOMk";
constexpr const char* kSpotifyC = "6rqhFgbbKwnb9MLmUQDhG6";

enum class Kind { kMovies, kSeries, kTmdbMovies, kYoutube, kSpotify };

// Movies (from either database) are looked up one by one, each under its file name.
bool isMovies(Kind kind) { return kind == Kind::kMovies || kind == Kind::kTmdbMovies; }

// One provider endpoint as the tests see it: the three items the fixture knows, the prefix of
// its item lookups, its token endpoint, and answers of the right status but the wrong shape
// ("{GOOD}" and "{VICTIM}" stand for the ids of the request they answer).
struct Provider {
  Kind kind;
  const char* name;           // test-name suffix
  const char* provider_name;  // as the error messages name it
  std::vector<std::string> items;
  std::string lookup_path;
  std::string auth_path;  // "" when the provider takes a plain API key
  std::vector<std::string> odd_shapes;
};

const Provider kMovies{Kind::kMovies,
                       "TvdbMovies",
                       "TVDB",
                       {"331904", "197", "424243"},
                       "/v4/movies/",
                       "/v4/login",
                       {R"({"data": 5})", R"({"status": "success", "data": 5})",
                        R"({"status": "success", "data": {"id": {VICTIM}, "name": 7}})",
                        R"({"status": "success", "data": {"name": "x", "runtime": 99999999}})"}};
const Provider kSeries{Kind::kSeries,
                       "TvdbSeries",
                       "TVDB",
                       {"278157"},
                       "/v4/series/",
                       "/v4/login",
                       {R"({"data": 5})", R"({"status": "success", "data": []})",
                        R"({"status": "success", "data": {"id": {VICTIM}}})",
                        R"({"status": "success", "data": {"name": "x", "averageRuntime": -5}})"}};
const Provider kTmdbMovies{Kind::kTmdbMovies,
                           "TmdbMovies",
                           "TMDB",
                           {"372058", "129", "4935"},
                           "/3/movie/",
                           "",
                           {R"([1, 2])", R"({"id": {VICTIM}, "original_title": 7, "runtime": 100})",
                            R"({"id": {VICTIM}, "original_title": "x", "runtime": 99999999})",
                            R"({"id": {VICTIM}, "original_title": "x", "runtime": -5})",
                            R"({"id": {GOOD}, "original_title": "x", "runtime": 100})"}};
const Provider kYoutube{Kind::kYoutube,
                        "Youtube",
                        "YouTube",
                        {kVideoA, kVideoB, kVideoC},
                        "/youtube/v3/videos",
                        "",
                        {R"({"items": "x"})", R"([1, 2])",
                         R"({"items": [{"id": "{GOOD}", "snippet": [], "contentDetails": {}},
                   {"id": "{VICTIM}", "snippet": {"title": "t", "channelId": "c",
                    "channelTitle": "c"}, "contentDetails": {"duration": "forever"}}]})"}};
const Provider kSpotify{Kind::kSpotify,
                        "Spotify",
                        "Spotify",
                        {kSpotifyA, kSpotifyB, kSpotifyC},
                        "/v1/episodes/",
                        "/api/token",
                        {R"({"episodes": null})", R"("{VICTIM}")",
                         R"({"id": "{VICTIM}", "name": "x", "duration_ms": "long",
                             "show": {"id": "s", "name": "n"}})",
                         R"({"id": "{GOOD}", "name": "x", "duration_ms": 1000,
                             "show": {"id": "s", "name": "n"}})",
                         R"({"id": "{VICTIM}", "name": "x", "duration_ms": 1000, "show": null})"}};

// Test names and failure messages show the provider's name, not its bytes.
void PrintTo(const Provider& p, std::ostream* out) { *out << p.name; }

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Both stores, every provider pointing at the fakes.
class ProviderFaultTest : public ServerTest {
 protected:
  void adjust(app::Config& config) override {
    config.time_zone = "UTC";
    config.providers = fake_.settings();
    fake_.addSeries(278157, "Free!", "https://artworks.thetvdb.com/free.jpg", 24);
    fake_.addMovie(331904, "すずめの戸締まり", std::nullopt, 122);
    fake_.addMovie(197, "君の名は。", std::nullopt, 106);
    fake_.addMovie(424243, "天気の子", std::nullopt, 112);
    fake_.addTmdbMovie(372058, "君の名は。", "Your Name.", std::nullopt, 106);
    fake_.addTmdbMovie(129, "千と千尋の神隠し", "Spirited Away", std::nullopt, 125);
    fake_.addTmdbMovie(4935, "ハウルの動く城", "Howl's Moving Castle", std::nullopt, 119);
    fake_.addVideo(kVideoA, "Despacito", "UCLp8RBhQHu9wSsq62j_Md6A", "LuisFonsiVEVO", "PT4M42S");
    fake_.addVideo(kVideoB, "Gangnam Style", "UCrDkAvwZum-UTjHmzDI2iIw", "officialpsy", "PT4M13S");
    fake_.addVideo(kVideoC, "Never Gonna Give You Up", "UCuAXFkgsw1L7xaCfnd5JJOw", "Rick Astley",
                   "PT3M33S");
    for (const char* id : {kSpotifyA, kSpotifyB, kSpotifyC}) {
      fake_.addSpotifyEpisode(id, std::string("Episode ") + id, 1'500'000, "38bS44xjbVVZ3No3ByF1dJ",
                              "The Miku Real Japanese Podcast");
    }
  }

  // A new item the fake knows and the server has not cached (the metadata cache is shared by
  // all users, so a fault on an item looked up before would never be reached).
  std::string freshItem(const Provider& p) {
    int n = ++fresh_items_;
    char text[32];
    switch (p.kind) {
      case Kind::kMovies:
        fake_.addMovie(600000 + n, "Movie " + std::to_string(n), std::nullopt, 90);
        return std::to_string(600000 + n);
      case Kind::kTmdbMovies:
        fake_.addTmdbMovie(800000 + n, "Film " + std::to_string(n), "Film", std::nullopt, 90);
        return std::to_string(800000 + n);
      case Kind::kSeries:
        fake_.addSeries(700000 + n, "Series " + std::to_string(n), std::nullopt, 30);
        return std::to_string(700000 + n);
      case Kind::kYoutube:
        std::snprintf(text, sizeof text, "fresh%06d", n);
        fake_.addVideo(text, std::string("Video ") + text, "UCfresh", "Fresh", "PT10M");
        return text;
      case Kind::kSpotify:
        std::snprintf(text, sizeof text, "fresh%017d", n);
        fake_.addSpotifyEpisode(text, std::string("Episode ") + text, 600'000, "freshshow",
                                "Fresh Show");
        return text;
    }
    return "";
  }

  // Ids of the provider's format that it does not know (a series tag: one).
  std::vector<std::string> unknownIds(const Provider& p) {
    std::vector<std::string> ids;
    for (int i = 0; i < (p.kind == Kind::kSeries ? 1 : 3); ++i) {
      int n = ++fresh_items_;
      char text[32];
      if (p.kind == Kind::kYoutube) {
        std::snprintf(text, sizeof text, "unknwn%05d", n);
      } else if (p.kind == Kind::kSpotify) {
        std::snprintf(text, sizeof text, "unknown%015d", n);
      } else {
        std::snprintf(text, sizeof text, "%d", 990000 + n);
      }
      ids.emplace_back(text);
    }
    return ids;
  }

  // Where the lookup of `id` goes: failNext/setDelay there hits it (YouTube: its batch).
  static std::string lookupPath(const Provider& p, const std::string& id) {
    return p.kind == Kind::kYoutube ? p.lookup_path : p.lookup_path + id;
  }

  // PUT /show needs a folder the user has synced.
  void prepare(const Provider& p, const std::string& user = "alice") {
    if (p.kind != Kind::kSeries) return;
    auto r = clientFor(user)->post("/sync",
                                   R"({"episodes": [{"folder_name": "Show", "file_name": "1"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // One sync request for `ids` (series: PUT /show of the first, on folder "Show").
  HttpResult sync(const Provider& p, const std::vector<std::string>& ids,
                  const std::string& user = "alice") {
    auto client = clientFor(user);
    json::array list;
    switch (p.kind) {
      case Kind::kSeries:
        return client->request("PUT", "/show",
                               json::serialize(json::object{{"folder_name", "Show"},
                                                            {"tvdb_id", std::stoll(ids.at(0))}}));
      case Kind::kMovies:
      case Kind::kTmdbMovies:
        for (const auto& id : ids) {
          list.push_back(
              json::object{{"file_name", "file-" + id},
                           {p.kind == Kind::kMovies ? "tvdb_id" : "tmdb_id", std::stoll(id)}});
        }
        return client->post("/syncmovies", json::serialize(json::object{{"movies", list}}));
      case Kind::kYoutube:
        for (const auto& id : ids) list.push_back(json::value(id));
        return client->post("/syncyoutube", json::serialize(json::object{{"video_ids", list}}));
      case Kind::kSpotify:
        for (const auto& id : ids) list.push_back(json::value(id));
        return client->post("/syncspotify", json::serialize(json::object{{"episode_ids", list}}));
    }
    return {};
  }

  static const char* addedField(const Provider& p) {
    switch (p.kind) {
      case Kind::kMovies:
      case Kind::kTmdbMovies:
        return "movies_added";
      case Kind::kYoutube:
        return "videos_added";
      default:
        return "episodes_added";
    }
  }

  // What the user has: the number of items of this kind recorded; for series, folder "Show"'s
  // TVDB id (0 untagged) and version.
  std::int64_t recorded(const Provider& p, const std::string& user = "alice") {
    auto client = clientFor(user);
    if (p.kind == Kind::kSeries) {
      auto r = client->get("/shows");
      EXPECT_EQ(r.status, 200) << r.body;
      auto body = parse(r);
      for (const auto& s : body.at("shows").as_array()) {
        if (s.at("folder_name") == "Show") {
          return s.at("tvdb_id").is_null() ? 0 : s.at("tvdb_id").as_int64();
        }
      }
      return -1;
    }
    auto r = client->get("/progress");
    EXPECT_EQ(r.status, 200) << r.body;
    auto body = parse(r);
    switch (p.kind) {
      case Kind::kMovies:
      case Kind::kTmdbMovies:
        return body.at("total_movies_watched").as_int64();
      case Kind::kYoutube:
        return body.at("youtube_videos_watched").as_int64();
      default:
        return body.at("spotify_episodes_watched").as_int64();
    }
  }
  std::int64_t showVersion(const std::string& user = "alice") {
    auto show = service_->store().findShow(user, "Show");
    return show ? show->version : -1;
  }

  // Waits (up to 10 s) until the fake has seen a request under `prefix`.
  bool awaitRequest(const std::string& prefix) {
    for (int i = 0; i < 1000; ++i) {
      if (fake_.requestCount(prefix) > 0) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  // A sync of a new item and a new victim (a series tag: the victim alone) whose lookup the
  // test makes fail, with what the user had before it.
  struct VictimRequest {
    std::string victim;
    std::vector<std::string> ids;     // what is synced
    std::vector<std::string> failed;  // what the victim's failure fails
    // Movies and Spotify episodes are looked up one by one, so the other item is still
    // recorded; a YouTube batch fails as a whole, a series tag is one item.
    bool per_item = false;
    std::int64_t before = 0;   // recorded(p)
    std::int64_t version = 0;  // showVersion()
    std::string path;          // where the victim's lookup goes
    int calls = 0;             // requests seen there so far
  };
  VictimRequest victimRequest(const Provider& p, std::string good, std::string victim) {
    VictimRequest v;
    v.per_item = isMovies(p.kind) || p.kind == Kind::kSpotify;
    v.ids = p.kind == Kind::kSeries ? std::vector<std::string>{victim}
                                    : std::vector<std::string>{std::move(good), victim};
    v.failed = v.per_item ? std::vector<std::string>{victim} : v.ids;
    v.before = recorded(p);
    v.version = showVersion();
    v.path = lookupPath(p, victim);
    v.calls = fake_.requestCount(v.path);
    v.victim = std::move(victim);
    return v;
  }

  // The answer names the provider and, but for PUT /show, lists exactly `ids` as failed,
  // each with an error naming the provider.
  void expectFailed(const Provider& p, const HttpResult& r, const std::vector<std::string>& ids) {
    auto body = parse(r);
    if (r.status != 200) {
      EXPECT_TRUE(body.at("error").is_string()) << r.body;
      EXPECT_TRUE(contains(str(body.at("error")), p.provider_name)) << r.body;
    }
    if (p.kind == Kind::kSeries) return;
    if (r.status == 502) {
      EXPECT_EQ(body.at(addedField(p)), 0) << r.body;
    }
    const auto& failed = body.at("failed").as_array();
    ASSERT_EQ(failed.size(), ids.size()) << r.body;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      EXPECT_EQ(str(failed.at(i).at("id")), ids[i]) << r.body;
      EXPECT_TRUE(contains(str(failed.at(i).at("error")), p.provider_name)) << r.body;
      if (isMovies(p.kind)) {
        EXPECT_EQ(str(failed.at(i).at("file_name")), "file-" + ids[i]);
      }
    }
  }

  FakeProviders fake_;
  int fresh_items_ = 0;
};

class ProviderFaultEach : public ProviderFaultTest,
                          public ::testing::WithParamInterface<Provider> {};

struct Fault {
  const char* what;
  int status;
  std::string body;
  int times;
  std::optional<int> retry_after = std::nullopt;
};

// The victim's lookup fails for good (on every attempt, or with an answer not worth retrying):
// it is reported failed, not recorded and not cached, so the same request once the fault is
// gone records it. Movies and Spotify episodes are looked up one by one, so the item before it
// is still recorded (200); a YouTube batch fails as a whole, a series tag is one item (502).
TEST_P(ProviderFaultEach, AFailedLookupIsReportedNotRecordedAndSyncsLater) {
  const Provider& p = GetParam();
  std::vector<Fault> faults = {
      {"HTTP 500 on every attempt", 500, "Internal Server Error", 3},
      {"HTTP 502 on every attempt", 502, "<html>Bad Gateway</html>", 3},
      {"HTTP 429 with Retry-After on every attempt", 429,
       R"({"error": {"code": 429, "message": "Too Many Requests"}})", 3, 1},
      {"malformed JSON", 200, R"({"status": "success", "data": {"id": 1, "name": )", 1},
      {"an empty body", 200, "", 1},
  };
  for (const auto& shape : p.odd_shapes) faults.push_back({"unexpected shape", 200, shape, 1});
  prepare(p);

  for (const auto& fault : faults) {
    std::string good = freshItem(p);
    std::string victim = freshItem(p);
    std::string body = replaceAll(replaceAll(fault.body, "{GOOD}", good), "{VICTIM}", victim);
    SCOPED_TRACE(std::string(fault.what) + ": " + body);
    VictimRequest v = victimRequest(p, good, victim);
    fake_.failNext(v.path, fault.status, body, fault.times, fault.retry_after);

    auto r = sync(p, v.ids);
    EXPECT_EQ(r.status, v.per_item ? 200 : 502) << r.body;
    expectFailed(p, r, v.failed);
    if (v.per_item) {
      EXPECT_EQ(parse(r).at(addedField(p)), 1) << r.body;
    }
    // Retried as the policy says: 3 attempts on 5xx and 429, none after a 200.
    EXPECT_EQ(fake_.requestCount(v.path) - v.calls, fault.times);
    if (p.kind == Kind::kSeries) {
      EXPECT_EQ(recorded(p), v.before);  // still as it was
      EXPECT_EQ(showVersion(), v.version);
    } else {
      EXPECT_EQ(recorded(p), v.before + (v.per_item ? 1 : 0));
    }

    // The fault is gone: the same request records what failed, and only that.
    r = sync(p, v.ids);
    ASSERT_EQ(r.status, 200) << r.body;
    if (p.kind == Kind::kSeries) {
      EXPECT_EQ(recorded(p), std::stoll(v.victim));
      EXPECT_EQ(showVersion(), v.version + 1);
    } else {
      EXPECT_EQ(parse(r).at(addedField(p)), static_cast<std::int64_t>(v.failed.size()));
      EXPECT_EQ(parse(r).at("failed"), json::array());
      EXPECT_EQ(recorded(p), v.before + 2);
    }
  }
}

// A fault that clears within the retries: the sync succeeds as if nothing had happened.
TEST_P(ProviderFaultEach, ATransientFaultIsRetriedAndTheSyncSucceeds) {
  const Provider& p = GetParam();
  const Fault faults[] = {
      {"HTTP 500 once", 500, "Internal Server Error", 1},
      {"HTTP 503 twice", 503, "Service Unavailable", 2},
      {"HTTP 429 once, Retry-After: 1", 429, R"({"error": {"message": "slow down"}})", 1, 1},
      {"HTTP 429 twice, Retry-After: 2", 429, R"({"error": {"message": "slow down"}})", 2, 2},
  };
  prepare(p);
  for (const auto& fault : faults) {
    SCOPED_TRACE(fault.what);
    std::string item = freshItem(p);
    std::string path = lookupPath(p, item);
    std::int64_t before = recorded(p);
    int calls = fake_.requestCount(path);
    fake_.failNext(path, fault.status, fault.body, fault.times, fault.retry_after);

    auto r = sync(p, {item});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(fake_.requestCount(path) - calls, fault.times + 1);
    if (p.kind == Kind::kSeries) {
      EXPECT_EQ(recorded(p), std::stoll(item));
    } else {
      EXPECT_EQ(parse(r).at(addedField(p)), 1) << r.body;
      EXPECT_EQ(parse(r).at("failed"), json::array()) << r.body;
      EXPECT_EQ(recorded(p), before + 1);
    }
  }
}

// The provider answers slowly (well within the transport's timeout): meanwhile other requests,
// of the same user and of another, answer without waiting for it; then the slow sync
// completes normally.
TEST_P(ProviderFaultEach, ASlowProviderDoesNotHoldUpOtherRequests) {
  const Provider& p = GetParam();
  prepare(p);
  constexpr auto kDelay = 3s;
  std::vector<std::string> request = {p.items[0]};
  fake_.setDelay(p.lookup_path, kDelay);
  auto slow = std::async(std::launch::async, [&] { return sync(p, request); });
  ASSERT_TRUE(awaitRequest(p.lookup_path)) << "the provider was never called";

  auto others = std::async(std::launch::async, [&] {
    std::vector<HttpResult> results;
    auto alice = clientFor("alice");
    auto bob = clientFor("bob");
    results.push_back(alice->get("/progress"));
    results.push_back(alice->get("/shows"));
    results.push_back(
        bob->post("/sync", R"({"episodes": [{"folder_name": "B", "file_name": "1"}]})"));
    results.push_back(bob->get("/progress"));
    HttpClient anonymous(baseUrl());
    results.push_back(anonymous.get("/healthz"));
    return results;
  });
  // Generous: these take milliseconds, the provider's answer takes kDelay.
  ASSERT_EQ(others.wait_for(kDelay - 500ms), std::future_status::ready)
      << "requests waited for a slow provider call";
  for (const auto& r : others.get()) EXPECT_EQ(r.status, 200) << r.body;

  ASSERT_EQ(slow.wait_for(60s), std::future_status::ready);
  auto r = slow.get();
  ASSERT_EQ(r.status, 200) << r.body;
  if (p.kind == Kind::kSeries) {
    EXPECT_EQ(recorded(p), std::stoll(p.items[0]));
  } else {
    EXPECT_EQ(parse(r).at(addedField(p)), static_cast<std::int64_t>(request.size()));
    EXPECT_EQ(recorded(p), static_cast<std::int64_t>(request.size()));
  }
}

// The providers that hand out tokens (YouTube takes a plain API key).
class ProviderFaultWithToken : public ProviderFaultEach {};

// The token endpoint failing (TVDB /v4/login, Spotify /api/token), on the first login and on
// the login after a token expired: a 502 naming the provider, nothing recorded, and the next
// sync logs in and records everything.
TEST_P(ProviderFaultWithToken, AFailingTokenEndpointFailsTheSyncCleanly) {
  const Provider& p = GetParam();
  // `per_item`: not a provider-wide failure, so every item of the request logs in again.
  struct TokenFault {
    Fault fault;
    bool per_item;
  } faults[] = {
      {{"HTTP 500 on every attempt", 500, "Internal Server Error", 3}, false},
      {{"HTTP 429 on every attempt", 429, "{}", 3, 1}, false},
      {{"malformed JSON", 200, R"({"access_token": )", 1}, true},
      {{"no token in it", 200, R"({"status": "success", "data": {}, "token_type": "Bearer"})", 1},
       true},
  };
  prepare(p);
  for (const auto& [fault, per_item] : faults) {
    SCOPED_TRACE(fault.what);
    std::vector<std::string> request = {freshItem(p)};
    if (p.kind != Kind::kSeries) request.push_back(freshItem(p));
    std::int64_t before = recorded(p);
    std::int64_t version = showVersion();
    fake_.expireTokens();  // from the second round on, the server must log in again
    int injected = fault.times * (per_item ? static_cast<int>(request.size()) : 1);
    int calls = fake_.requestCount(p.auth_path);
    fake_.failNext(p.auth_path, fault.status, fault.body, injected, fault.retry_after);

    auto r = sync(p, request);
    EXPECT_EQ(r.status, 502) << r.body;
    expectFailed(p, r, request);
    EXPECT_EQ(fake_.requestCount(p.auth_path) - calls, injected);
    EXPECT_EQ(recorded(p), before);
    if (p.kind == Kind::kSeries) {
      EXPECT_EQ(showVersion(), version);
    }

    r = sync(p, request);
    ASSERT_EQ(r.status, 200) << r.body;
    if (p.kind == Kind::kSeries) {
      EXPECT_EQ(recorded(p), std::stoll(request[0]));
    } else {
      EXPECT_EQ(parse(r).at(addedField(p)), 2) << r.body;
      EXPECT_EQ(recorded(p), before + 2);
    }
  }
}

// Every provider call gets at most 250 ms per attempt.
class ProviderTimeout : public ProviderFaultEach {
 protected:
  static constexpr auto kTimeout = 250ms;
  // Far longer than every attempt's timeout together: a sync still waiting for the answer
  // would be seen waiting.
  static constexpr auto kHang = 20s;

  void adjust(app::Config& config) override {
    ProviderFaultEach::adjust(config);
    config.providers.request_timeout = kTimeout;
  }
};

// A lookup that never answers: each attempt is cut off, retried as a 5xx would be, and the
// item is reported failed well before the provider would have answered; nothing of it is
// recorded, and it syncs once the provider answers again.
TEST_P(ProviderTimeout, ALookupThatHangsTimesOutAndSyncsLater) {
  const Provider& p = GetParam();
  prepare(p);
  std::string good = freshItem(p);
  VictimRequest v = victimRequest(p, good, freshItem(p));
  fake_.setDelay(v.path, kHang);

  auto pending = std::async(std::launch::async, [&] { return sync(p, v.ids); });
  ASSERT_EQ(pending.wait_for(kHang - 5s), std::future_status::ready)
      << "the sync waited for a provider that does not answer";
  auto r = pending.get();
  EXPECT_EQ(r.status, v.per_item ? 200 : 502) << r.body;
  expectFailed(p, r, v.failed);
  EXPECT_EQ(fake_.requestCount(v.path) - v.calls, 3);  // every attempt timed out
  if (p.kind == Kind::kSeries) {
    EXPECT_EQ(recorded(p), v.before);
    EXPECT_EQ(showVersion(), v.version);
  } else {
    EXPECT_EQ(parse(r).at(addedField(p)), v.per_item ? 1 : 0) << r.body;
    EXPECT_EQ(recorded(p), v.before + (v.per_item ? 1 : 0));
  }

  fake_.setDelay(v.path, 0ms);  // answering again
  r = sync(p, v.ids);
  ASSERT_EQ(r.status, 200) << r.body;
  if (p.kind == Kind::kSeries) {
    EXPECT_EQ(recorded(p), std::stoll(v.victim));
  } else {
    EXPECT_EQ(parse(r).at("failed"), json::array()) << r.body;
    EXPECT_EQ(recorded(p), v.before + 2);
  }
}

class ProviderTimeoutWithToken : public ProviderTimeout {};

// The token endpoint hanging: a 502 naming the provider, nothing recorded, and a later sync
// logs in and records everything.
TEST_P(ProviderTimeoutWithToken, ATokenEndpointThatHangsFailsTheSyncCleanly) {
  const Provider& p = GetParam();
  prepare(p);
  std::vector<std::string> request = {freshItem(p)};
  std::int64_t before = recorded(p);
  std::int64_t version = showVersion();
  fake_.expireTokens();
  fake_.setDelay(p.auth_path, kHang);

  auto pending = std::async(std::launch::async, [&] { return sync(p, request); });
  ASSERT_EQ(pending.wait_for(kHang - 5s), std::future_status::ready)
      << "the sync waited for a token endpoint that does not answer";
  auto r = pending.get();
  EXPECT_EQ(r.status, 502) << r.body;
  expectFailed(p, r, request);
  EXPECT_EQ(recorded(p), before);
  EXPECT_EQ(showVersion(), version);

  fake_.setDelay(p.auth_path, 0ms);
  r = sync(p, request);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(recorded(p), p.kind == Kind::kSeries ? std::stoll(request[0]) : before + 1);
}

// Ids the provider says it does not know are remembered so for ten minutes: the same request
// again, from the same user or another, gets the same answer without the provider being asked;
// after that it is asked again. (Transient failures are never remembered: a failed lookup
// syncs at the next request, see AFailedLookupIsReportedNotRecordedAndSyncsLater.)
TEST_P(ProviderFaultEach, AnIdTheProviderDoesNotKnowIsNotAskedForAgainForAWhile) {
  const Provider& p = GetParam();
  prepare(p);
  prepare(p, "bob");
  std::vector<std::string> unknown = unknownIds(p);
  int before = fake_.requestCount(p.lookup_path);
  auto first = sync(p, unknown);
  ASSERT_EQ(first.status, 422) << first.body;
  int asked = fake_.requestCount(p.lookup_path) - before;
  ASSERT_GT(asked, 0);

  for (const char* user : {"alice", "bob"}) {
    SCOPED_TRACE(user);
    auto again = sync(p, unknown, user);
    EXPECT_EQ(again.status, 422) << again.body;
    EXPECT_EQ(parse(again), parse(first));
  }
  EXPECT_EQ(fake_.requestCount(p.lookup_path) - before, asked) << "the provider was asked again";

  clock_.advance(std::chrono::minutes(11));
  EXPECT_EQ(sync(p, unknown).status, 422);
  EXPECT_EQ(fake_.requestCount(p.lookup_path) - before, 2 * asked);
}

// Every provider, and those that hand out tokens, named in the tests' names.
std::string providerName(const ::testing::TestParamInfo<Provider>& info) { return info.param.name; }
const auto kAllProviders = ::testing::Values(kMovies, kSeries, kTmdbMovies, kYoutube, kSpotify);
const auto kTokenProviders = ::testing::Values(kMovies, kSeries, kSpotify);

INSTANTIATE_TEST_SUITE_P(ProviderFaults, ProviderFaultEach, kAllProviders, providerName);
INSTANTIATE_TEST_SUITE_P(ProviderFaults, ProviderFaultWithToken, kTokenProviders, providerName);
INSTANTIATE_TEST_SUITE_P(ProviderFaults, ProviderTimeout, kAllProviders, providerName);
INSTANTIATE_TEST_SUITE_P(ProviderFaults, ProviderTimeoutWithToken, kTokenProviders, providerName);

// More provider-backed requests hang than there are threads for them (the fixture runs 2
// workers and 2 provider threads; four users, as a user has one such request at a time):
// everything else, including a first login (password hashing runs on the workers) and syncs
// that need no provider, still answers; then the hung requests complete.
TEST_F(ProviderFaultTest, RequestsWaitingOnAProviderDoNotStarveTheRest) {
  constexpr auto kDelay = 4s;
  constexpr int kHung = 4;
  const std::string users[kHung] = {"alice", "bob", "carol", "dave"};
  addUser("carol", false);
  addUser("dave", false);
  std::vector<std::string> ids;
  for (int i = 0; i < kHung; ++i) ids.push_back(freshItem(kYoutube));
  fake_.setDelay("/youtube/v3/videos", kDelay);
  std::vector<std::future<HttpResult>> hung;
  for (int i = 0; i < kHung; ++i) {
    hung.push_back(
        std::async(std::launch::async, [&, i] { return sync(kYoutube, {ids[i]}, users[i]); }));
  }
  ASSERT_TRUE(awaitRequest("/youtube/v3/videos")) << "the provider was never called";

  auto others = std::async(std::launch::async, [&] {
    std::vector<HttpResult> results;
    auto alice = clientFor("alice");
    results.push_back(alice->get("/progress"));
    results.push_back(
        alice->post("/sync", R"({"episodes": [{"folder_name": "A", "file_name": "1"}]})"));
    results.push_back(
        alice->post("/api/update_episode",
                    R"({"username": "alice", "tv_show": "A", "season": 1, "episode": 2})"));
    results.push_back(alice->get("/api/show_episode?username=alice&tv_show=A"));
    // root's first request: its password is checked on the worker pool.
    results.push_back(clientFor("root")->get("/api/show_all"));
    HttpClient anonymous(baseUrl());
    results.push_back(anonymous.get("/healthz"));
    return results;
  });
  ASSERT_EQ(others.wait_for(kDelay - 1s), std::future_status::ready)
      << "requests waited behind requests waiting on a provider";
  auto results = others.get();
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].status, i == 2 ? 201 : 200) << i << ": " << results[i].body;
  }

  for (auto& h : hung) {
    ASSERT_EQ(h.wait_for(60s), std::future_status::ready);
    auto r = h.get();
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(parse(r).at("videos_added"), 1) << r.body;
  }
  for (const auto& user : users) EXPECT_EQ(recorded(kYoutube, user), 1) << user;
}

// Once a lookup finds the provider down (5xx through every retry), the request's remaining
// items are reported failed without calling it again; nothing is written; the same request
// succeeds once the provider is back.
TEST_F(ProviderFaultTest, AProviderDownIsNotAskedForTheRemainingItems) {
  for (const Provider* p : {&kMovies, &kSpotify}) {
    SCOPED_TRACE(p->name);
    int before = fake_.requestCount(p->lookup_path);
    fake_.failNext(p->lookup_path, 503, "Service Unavailable", 3);
    auto r = sync(*p, p->items);
    EXPECT_EQ(r.status, 502) << r.body;
    expectFailed(*p, r, p->items);
    EXPECT_EQ(fake_.requestCount(p->lookup_path) - before, 3);  // the first item's 3 attempts
    EXPECT_EQ(recorded(*p), 0);

    r = sync(*p, p->items);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(parse(r).at(addedField(*p)), 3);
    EXPECT_EQ(recorded(*p), 3);
  }
}

// An item already recorded plus one whose lookup fails: not "nothing could be synced", so
// 200 with the failure listed (the README's rule), and the recorded one is not re-stamped.
TEST_F(ProviderFaultTest, AFailureBesideAnItemAlreadyRecordedIsA200) {
  ASSERT_EQ(sync(kYoutube, {kVideoA}).status, 200);
  clock_.advance(std::chrono::hours(48));
  fake_.failNext("/youtube/v3/videos", 500, "Internal Server Error", 3);
  auto r = sync(kYoutube, {kVideoA, kVideoB});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("videos_added"), 0);
  expectFailed(kYoutube, r, {kVideoB});
  auto progress = parse(clientFor("alice")->get("/progress"));
  EXPECT_EQ(progress.at("youtube_videos_watched"), 1);
  EXPECT_EQ(progress.at("youtube_videos_watched_today"), 0);  // still two days ago
}

// 51 videos take two videos.list calls. YouTube down on the first: the second is not asked
// for. A broken answer to the first fails its 50 ids only; the second batch is recorded.
TEST_F(ProviderFaultTest, YoutubeFaultsFailOnlyTheirBatch) {
  std::vector<std::string> ids;
  for (int i = 0; i < 51; ++i) ids.push_back(freshItem(kYoutube));

  fake_.failNext("/youtube/v3/videos", 500, "Internal Server Error", 3);
  auto r = sync(kYoutube, ids, "alice");
  EXPECT_EQ(r.status, 502) << r.body;
  expectFailed(kYoutube, r, ids);
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 3);
  EXPECT_EQ(recorded(kYoutube, "alice"), 0);

  fake_.failNext("/youtube/v3/videos", 200, R"({"kind": "youtube#videoListResponse", "items": 7})");
  r = sync(kYoutube, ids, "bob");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("videos_added"), 1);
  expectFailed(kYoutube, r, std::vector<std::string>(ids.begin(), ids.begin() + 50));
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 5);
  EXPECT_EQ(recorded(kYoutube, "bob"), 1);

  // Back up: both end with all 51.
  for (const char* user : {"alice", "bob"}) {
    r = sync(kYoutube, ids, user);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(parse(r).at("failed"), json::array());
    EXPECT_EQ(recorded(kYoutube, user), 51);
  }
}

}  // namespace
}  // namespace it::test

namespace it::test {
namespace {

// One request per user at a time on the provider pool: while alice's sync waits on a slow
// provider, every other provider-backed request of hers is answered 429 at once (the one error
// shape, with Retry-After), without asking any provider, while bob's go through and her
// other requests answer as usual. Her next request after the answer goes through, also after
// one that failed.
TEST_F(ProviderFaultTest, AUserHasOneProviderBackedRequestAtATime) {
  constexpr auto kDelay = 3s;
  std::string slow_item = freshItem(kYoutube);
  fake_.setDelay("/youtube/v3/videos", kDelay);
  auto slow = std::async(std::launch::async, [&] { return sync(kYoutube, {slow_item}); });
  ASSERT_TRUE(awaitRequest("/youtube/v3/videos")) << "the provider was never called";

  auto alice = clientFor("alice");
  auto started = std::chrono::steady_clock::now();
  std::vector<HttpResult> refused = {
      alice->get("/tvdb/search?query=free"),
      alice->get("/tmdb/search?query=your"),
      alice->request("PUT", "/show", R"({"folder_name": "Show", "tvdb_id": 278157})"),
      alice->post("/syncmovies", R"({"movies": [{"file_name": "m", "tmdb_id": 129}]})"),
      alice->post("/syncyoutube", std::string(R"({"video_ids": [")") + kVideoA + "\"]}"),
      alice->post("/syncspotify", std::string(R"({"episode_ids": [")") + kSpotifyA + "\"]}"),
      alice->post("/api/movies", R"({"tmdb_id": 129})"),
  };
  for (const auto& r : refused) {
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_TRUE(parse(r).at("error").is_string()) << r.body;
    EXPECT_EQ(r.header("retry-after"), "1");
  }
  EXPECT_EQ(fake_.requestCount("/v4/search"), 0);
  EXPECT_EQ(fake_.requestCount("/v4/series/"), 0);
  EXPECT_EQ(fake_.requestCount("/3/"), 0);
  EXPECT_EQ(fake_.requestCount("/v1/episodes/"), 0);
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 1);

  // Meanwhile bob's provider-backed requests, and alice's others, go through.
  auto bob = clientFor("bob");
  auto r = bob->get("/tmdb/search?query=your");
  EXPECT_EQ(r.status, 200) << r.body;
  r = bob->post("/syncmovies", R"({"movies": [{"file_name": "m", "tmdb_id": 129}]})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(alice->get("/progress").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, kDelay - 1s)
      << "requests waited for alice's slow one";
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout);

  ASSERT_EQ(slow.wait_for(60s), std::future_status::ready);
  r = slow.get();
  EXPECT_EQ(r.status, 200) << r.body;
  fake_.setDelay("/youtube/v3/videos", 0ms);

  // Her turn is free again once the answer is out, also after one that failed.
  r = alice->get("/tmdb/search?query=your");
  EXPECT_EQ(r.status, 200) << r.body;
  r = alice->post("/syncyoutube", R"({"video_ids": 5})");
  EXPECT_EQ(r.status, 400) << r.body;
  fake_.failNext("/3/movie/", 503, "Service Unavailable", 3);
  r = alice->post("/api/movies", R"({"tmdb_id": 4935})");
  EXPECT_EQ(r.status, 502) << r.body;
  r = alice->post("/api/movies", R"({"tmdb_id": 4935})");
  EXPECT_EQ(r.status, 201) << r.body;
}

// A request may ask providers for provider_budget_seconds (1 s here). A sync of ids each
// answered slowly records those looked up in that time, lists the rest as failed as if the
// provider were down, and answers about then instead of after every lookup; the next sync
// records the rest.
class ProviderBudget : public ProviderFaultTest {
 protected:
  void adjust(app::Config& config) override {
    ProviderFaultTest::adjust(config);
    config.provider_budget_seconds = 1;
  }
};

TEST_F(ProviderBudget, ASyncStopsAskingProvidersOnceItsTimeIsSpent) {
  constexpr auto kBudget = 1s;
  constexpr auto kDelay = 150ms;  // per lookup: 40 of them would take 6 s
  constexpr int kItems = 40;
  for (const Provider* p : {&kSpotify, &kTmdbMovies}) {
    SCOPED_TRACE(p->name);
    std::vector<std::string> ids;
    for (int i = 0; i < kItems; ++i) ids.push_back(freshItem(*p));
    fake_.setDelay(p->lookup_path, kDelay);
    int before = fake_.requestCount(p->lookup_path);

    auto started = std::chrono::steady_clock::now();
    auto r = sync(*p, ids);
    auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_LT(took, kBudget + 2s) << "the sync kept asking after its budget";
    auto body = parse(r);
    std::int64_t added = body.at(addedField(*p)).as_int64();
    int asked = fake_.requestCount(p->lookup_path) - before;
    EXPECT_GE(added, 1);
    EXPECT_LT(added, kItems);
    EXPECT_EQ(asked, added);
    // The rest, in request order, failed as a provider failure is reported.
    const auto& failed = body.at("failed").as_array();
    ASSERT_EQ(failed.size(), static_cast<std::size_t>(kItems - added)) << r.body;
    for (std::size_t i = 0; i < failed.size(); ++i) {
      EXPECT_EQ(str(failed.at(i).at("id")), ids[added + i]);
      std::string error = str(failed.at(i).at("error"));
      EXPECT_TRUE(contains(error, p->provider_name)) << error;
      EXPECT_TRUE(contains(error, "ran out of time")) << error;
    }
    EXPECT_EQ(recorded(*p), added);

    fake_.setDelay(p->lookup_path, 0ms);
    r = sync(*p, ids);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(parse(r).at(addedField(*p)), kItems - added);
    EXPECT_EQ(parse(r).at("failed"), json::array());
    EXPECT_EQ(recorded(*p), kItems);
  }
}

}  // namespace
}  // namespace it::test
