#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>

#include "fakes/fake_providers.hpp"
#include "fakes/fixed_clock.hpp"
#include "net/curl_client.hpp"
#include "net/http_transport.hpp"
#include "providers/metadata_clients.hpp"

namespace it::providers {
namespace {

using namespace std::chrono_literals;
using net::CurlTransport;
using net::HttpTransport;
using net::OutboundRequest;
using net::OutboundResponse;
using net::RetryPolicy;
using net::sendWithRetry;
using net::TransportResult;
using test::FakeProviders;
using test::FixedClock;

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::chrono::milliseconds elapsedSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

// Passes calls through to another transport and keeps a copy of every request, so tests can
// check what went on the wire (bodies and headers the fake does not echo).
class RecordingTransport final : public HttpTransport {
 public:
  explicit RecordingTransport(HttpTransport& inner) : inner_(inner) {}
  TransportResult send(const OutboundRequest& request) override {
    {
      std::lock_guard lock(mutex_);
      sent_.push_back(request);
    }
    return inner_.send(request);
  }
  std::vector<OutboundRequest> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  HttpTransport& inner_;
  mutable std::mutex mutex_;
  std::vector<OutboundRequest> sent_;
};

bool hasHeader(const OutboundRequest& request, std::string_view header) {
  for (const auto& h : request.headers) {
    if (h == header) return true;
  }
  return false;
}

// Answers from a script, for testing sendWithRetry without a network.
class ScriptedTransport final : public HttpTransport {
 public:
  void push(long status, std::vector<std::pair<std::string, std::string>> headers = {}) {
    OutboundResponse r;
    r.status = status;
    r.headers = std::move(headers);
    script_.push_back(TransportResult{r, ""});
  }
  void pushError(std::string error) { script_.push_back(TransportResult{std::nullopt, error}); }
  TransportResult send(const OutboundRequest&) override {
    ++calls;
    if (script_.empty()) return TransportResult{std::nullopt, "script ran out"};
    TransportResult r = script_.front();
    script_.pop_front();
    return r;
  }
  int calls = 0;

 private:
  std::deque<TransportResult> script_;
};

std::string httpDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buffer;
}

class ProvidersTest : public ::testing::Test {
 protected:
  FakeProviders fake_;
  CurlTransport transport_{CurlTransport::Options{}};
  FixedClock clock_{test::readmeTime()};
  ProviderSettings settings_ = fake_.settings();
};

// ----- sendWithRetry and CurlTransport -----

using TransportTest = ProvidersTest;
using FakeProvidersTest = ProvidersTest;

RetryPolicy noBackoff(int attempts, std::chrono::milliseconds max_retry_after) {
  RetryPolicy p;
  p.max_attempts = attempts;
  p.initial_backoff = 0ms;
  p.max_backoff = 0ms;
  p.max_retry_after = max_retry_after;
  return p;
}

TEST(TransportRetry, RetryAfterAsHttpDateIsHonouredAndCapped) {
  ScriptedTransport t;
  t.push(429, {{"retry-after", httpDate(std::chrono::system_clock::now() + 30s)}});
  t.push(200);
  auto start = std::chrono::steady_clock::now();
  TransportResult r = sendWithRetry(t, {}, noBackoff(3, 80ms));
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(t.calls, 2);
  // Without the header there would be no wait at all; with it, the cap.
  EXPECT_GE(elapsedSince(start), 80ms);
  EXPECT_LT(elapsedSince(start), 5s);
}

TEST(TransportRetry, RetryAfterInSecondsIsHonouredAndCapped) {
  ScriptedTransport t;
  t.push(503, {{"retry-after", "3600"}});
  t.push(200);
  auto start = std::chrono::steady_clock::now();
  TransportResult r = sendWithRetry(t, {}, noBackoff(3, 60ms));
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 200);
  EXPECT_GE(elapsedSince(start), 60ms);
  EXPECT_LT(elapsedSince(start), 5s);
}

TEST(TransportRetry, UnparsableRetryAfterFallsBackToBackoff) {
  ScriptedTransport t;
  t.push(429, {{"retry-after", "soon, maybe"}});
  t.push(200);
  auto start = std::chrono::steady_clock::now();
  TransportResult r = sendWithRetry(t, {}, noBackoff(3, 10s));
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 200);
  EXPECT_LT(elapsedSince(start), 5s);
}

TEST(TransportRetry, RetriesTransportErrors5xxAnd429UpToMaxAttempts) {
  ScriptedTransport t;
  t.pushError("connection refused");
  t.push(500);
  t.push(429);
  t.push(502);
  TransportResult r = sendWithRetry(t, {}, noBackoff(4, 0ms));
  EXPECT_EQ(t.calls, 4);
  ASSERT_TRUE(r.response);  // the last result, whatever it was
  EXPECT_EQ(r.response->status, 502);

  ScriptedTransport errors;
  for (int i = 0; i < 5; ++i) errors.pushError("timed out");
  r = sendWithRetry(errors, {}, noBackoff(3, 0ms));
  EXPECT_EQ(errors.calls, 3);
  EXPECT_FALSE(r.response);
  EXPECT_EQ(r.error, "timed out");
}

TEST(TransportRetry, NeverRetriesOther4xx) {
  for (long status : {400L, 401L, 403L, 404L, 409L}) {
    ScriptedTransport t;
    t.push(status);
    t.push(200);
    TransportResult r = sendWithRetry(t, {}, noBackoff(4, 0ms));
    EXPECT_EQ(t.calls, 1) << status;
    ASSERT_TRUE(r.response);
    EXPECT_EQ(r.response->status, status);
  }
}

TEST(TransportRetry, BackoffIsBounded) {
  ScriptedTransport t;
  for (int i = 0; i < 6; ++i) t.push(500);
  RetryPolicy p;
  p.max_attempts = 6;
  p.initial_backoff = 1ms;
  p.max_backoff = 4ms;
  auto start = std::chrono::steady_clock::now();
  sendWithRetry(t, {}, p);
  EXPECT_EQ(t.calls, 6);
  EXPECT_LT(elapsedSince(start), 2s);  // 5 waits of at most 4 ms each, plus scheduling slack
}

TEST_F(TransportTest, CapturesStatusAndLowerCasedHeaders) {
  fake_.failNext("/teapot", 418, R"({"short":"and stout"})", 1, 7);
  TransportResult r = transport_.send({"GET", fake_.baseUrl() + "/teapot", {}, ""});
  ASSERT_TRUE(r.response) << r.error;
  EXPECT_EQ(r.response->status, 418);
  EXPECT_EQ(r.response->body, R"({"short":"and stout"})");
  EXPECT_EQ(r.response->header("retry-after"), "7");
  EXPECT_TRUE(r.response->header("content-type").has_value());
  EXPECT_FALSE(r.response->header("x-missing").has_value());
}

TEST_F(TransportTest, CutsOffOversizedResponses) {
  fake_.addVideo("dQw4w9WgXcQ", "Never Gonna Give You Up", "UC1", "Rick", "PT3M33S");
  CurlTransport small(CurlTransport::Options{5000ms, 5000ms, 100});
  TransportResult r =
      small.send({"GET",
                  fake_.baseUrl() + "/youtube/v3/videos?part=snippet&id=dQw4w9WgXcQ&key=" +
                      FakeProviders::kYoutubeApiKey,
                  {},
                  ""});
  EXPECT_FALSE(r.response);
  EXPECT_TRUE(contains(r.error, "larger than 100 bytes")) << r.error;
}

TEST_F(TransportTest, IsSafeToShareBetweenThreads) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        TransportResult r = transport_.send({"GET", fake_.baseUrl() + "/nothing", {}, ""});
        if (r.response && r.response->status == 404) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 40);
  EXPECT_EQ(fake_.requestCount("/nothing"), 40);
}

// ----- the fake itself -----

TEST_F(FakeProvidersTest, AnswersUnknownRoutesWith404) {
  TransportResult r = transport_.send({"GET", fake_.baseUrl() + "/v5/anything", {}, ""});
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 404);
}

TEST_F(FakeProvidersTest, RefusesMoreThan50VideoIds) {
  std::string ids;
  for (int i = 0; i < 51; ++i) ids += (i ? "," : "") + std::string("v") + std::to_string(i);
  TransportResult r =
      transport_.send({"GET",
                       fake_.baseUrl() + "/youtube/v3/videos?part=snippet&id=" + ids +
                           "&key=" + FakeProviders::kYoutubeApiKey,
                       {},
                       ""});
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 400);
}

TEST_F(FakeProvidersTest, SpotifyNeedsAMarket) {
  fake_.addSpotifyEpisode("512ojhOuo1ktJprKbVcKyQ", "Episode 12", 1686230, "38bS44xjbVVZ3No3ByF1dJ",
                          "Show");
  settings_.spotify_market = "";
  auto client = makeSpotifyClient(settings_, transport_, clock_);
  auto outcome = client->episode("512ojhOuo1ktJprKbVcKyQ");
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kNotFound);
  EXPECT_FALSE(contains(fake_.requestTargets("/v1/episodes/").at(0), "market"));
}

// ----- TVDB -----

using TvdbClientTest = ProvidersTest;

TEST_F(TvdbClientTest, ParsesSeriesAndMovies) {
  fake_.addSeries(278157, "Free!", "https://artworks.thetvdb.com/banners/posters/278157-1.jpg", 24);
  fake_.addSeries(270065, "ハイキュー!!", std::nullopt, std::nullopt);
  fake_.addMovie(331904, "すずめの戸締まり", "https://artworks.thetvdb.com/m.jpg", 122);
  fake_.addMovie(197, "君の名は。", std::nullopt, std::nullopt);
  auto client = makeTvdbClient(settings_, transport_, clock_);

  auto free = client->series(278157);
  ASSERT_TRUE(free) << free.failure.message;
  EXPECT_EQ(free.value->id, 278157);
  EXPECT_EQ(free.value->name, "Free!");
  EXPECT_EQ(free.value->image, "https://artworks.thetvdb.com/banners/posters/278157-1.jpg");
  EXPECT_EQ(free.value->average_runtime_seconds, 24 * 60);
  EXPECT_EQ(free.value->language, "ja");  // originalLanguage "jpn"

  auto haikyu = client->series(270065);
  ASSERT_TRUE(haikyu) << haikyu.failure.message;
  EXPECT_EQ(haikyu.value->name, "ハイキュー!!");
  EXPECT_EQ(haikyu.value->image, std::nullopt);
  EXPECT_EQ(haikyu.value->average_runtime_seconds, std::nullopt);

  auto suzume = client->movie(331904);
  ASSERT_TRUE(suzume) << suzume.failure.message;
  EXPECT_EQ(suzume.value->id, 331904);
  EXPECT_EQ(suzume.value->name, "すずめの戸締まり");
  EXPECT_EQ(suzume.value->image, "https://artworks.thetvdb.com/m.jpg");
  EXPECT_EQ(suzume.value->runtime_seconds, 122 * 60);

  auto kimi = client->movie(197);
  ASSERT_TRUE(kimi) << kimi.failure.message;
  EXPECT_EQ(kimi.value->runtime_seconds, 0);
  EXPECT_EQ(kimi.value->image, std::nullopt);
}

TEST_F(TvdbClientTest, ReusesTheTokenAndLogsInAgainAfterA401) {
  fake_.addSeries(1, "One", std::nullopt, 30);
  auto client = makeTvdbClient(settings_, transport_, clock_);
  ASSERT_TRUE(client->series(1));
  ASSERT_TRUE(client->series(1));
  ASSERT_TRUE(client->movie(2).failure.kind == FailureKind::kNotFound);
  EXPECT_EQ(fake_.requestCount("/v4/login"), 1);

  fake_.expireTokens();
  auto again = client->series(1);
  ASSERT_TRUE(again) << again.failure.message;
  EXPECT_EQ(fake_.requestCount("/v4/login"), 2);
  EXPECT_EQ(fake_.requestCount("/v4/series/"), 4);  // two, then a 401 and its retry
}

TEST_F(TvdbClientTest, LogsInAgainWhenTheTokenAgesOut) {
  fake_.addSeries(1, "One", std::nullopt, 30);
  auto client = makeTvdbClient(settings_, transport_, clock_);
  ASSERT_TRUE(client->series(1));
  clock_.advance(std::chrono::hours(24 * 24));
  ASSERT_TRUE(client->series(1));
  EXPECT_EQ(fake_.requestCount("/v4/login"), 1);
  clock_.advance(std::chrono::hours(24 * 2));
  ASSERT_TRUE(client->series(1));
  EXPECT_EQ(fake_.requestCount("/v4/login"), 2);
  EXPECT_EQ(fake_.requestCount("/v4/series/"), 3);  // no 401 needed
}

TEST_F(TvdbClientTest, LoginSendsThePinOnlyWhenThereIsOne) {
  fake_.addSeries(1, "One", std::nullopt, 30);
  RecordingTransport recording(transport_);
  ASSERT_TRUE(makeTvdbClient(settings_, recording, clock_)->series(1));
  auto login = boost::json::parse(recording.sent().at(0).body).as_object();
  EXPECT_EQ(login.at("apikey"), FakeProviders::kTvdbApiKey);
  EXPECT_FALSE(login.contains("pin"));
  EXPECT_TRUE(hasHeader(recording.sent().at(0), "Content-Type: application/json"));
  EXPECT_TRUE(hasHeader(recording.sent().at(1), "Authorization: Bearer tvdb-token-1"));

  settings_.tvdb_pin = "ABCD1234";
  RecordingTransport with_pin(transport_);
  ASSERT_TRUE(makeTvdbClient(settings_, with_pin, clock_)->series(1));
  EXPECT_EQ(boost::json::parse(with_pin.sent().at(0).body).at("pin"), "ABCD1234");
}

TEST_F(TvdbClientTest, ABadApiKeyIsRejectedWithoutRetrying) {
  settings_.tvdb_api_key = "wrong";
  auto outcome = makeTvdbClient(settings_, transport_, clock_)->series(1);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kRejected);
  EXPECT_EQ(outcome.failure.message, "TVDB rejected the API key: Unauthorized");
  EXPECT_EQ(fake_.requestCount("/v4/login"), 1);
  EXPECT_EQ(fake_.requestCount("/v4/series/"), 0);
}

TEST_F(TvdbClientTest, AnUnknownIdIsNotFoundWithoutRetrying) {
  auto client = makeTvdbClient(settings_, transport_, clock_);
  auto series = client->series(42);
  ASSERT_FALSE(series);
  EXPECT_EQ(series.failure.kind, FailureKind::kNotFound);
  EXPECT_EQ(series.failure.message, "TVDB series 42 not found");
  EXPECT_EQ(fake_.requestCount("/v4/series/"), 1);
  auto movie = client->movie(43);
  EXPECT_EQ(movie.failure.message, "TVDB movie 43 not found");
}

TEST_F(TvdbClientTest, ServerErrorsAreRetried) {
  fake_.addSeries(1, "One", std::nullopt, 30);
  fake_.failNext("/v4/series/", 500, "{}", 2);
  auto outcome = makeTvdbClient(settings_, transport_, clock_)->series(1);
  ASSERT_TRUE(outcome) << outcome.failure.message;
  EXPECT_EQ(fake_.requestCount("/v4/series/"), 3);
}

TEST_F(TvdbClientTest, PersistentServerErrorsMakeItUnavailable) {
  fake_.addSeries(1, "One", std::nullopt, 30);
  fake_.failNext("/v4/series/", 503, "", 100);
  auto outcome = makeTvdbClient(settings_, transport_, clock_)->series(1);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kUnavailable);
  EXPECT_EQ(outcome.failure.message, "TVDB is unavailable: HTTP 503");
  EXPECT_EQ(fake_.requestCount("/v4/series/"), settings_.retry.max_attempts);
}

TEST_F(TvdbClientTest, TooManyRequestsWaitsForRetryAfter) {
  fake_.addSeries(1, "One", std::nullopt, 30);
  fake_.failNext("/v4/series/", 429, "", 1, 1);  // 1 s, capped to the settings' 50 ms
  auto client = makeTvdbClient(settings_, transport_, clock_);
  ASSERT_TRUE(client->series(1));  // log in first, so only the data call is timed
  auto start = std::chrono::steady_clock::now();
  fake_.failNext("/v4/series/", 429, "", 1, 1);
  auto outcome = client->series(1);
  ASSERT_TRUE(outcome) << outcome.failure.message;
  EXPECT_GE(elapsedSince(start), settings_.retry.max_retry_after);  // backoff alone is <= 5 ms
  EXPECT_EQ(fake_.requestCount("/v4/series/"), 4);
}

TEST_F(TvdbClientTest, OtherClientErrorsAreRejectedWithoutRetrying) {
  fake_.failNext(
      "/v4/series/", 400,
      R"({"status":"failure","message":"InvalidValueType: Invalid series id","data":null})");
  auto outcome = makeTvdbClient(settings_, transport_, clock_)->series(1);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kItemRejected);  // about this id only
  EXPECT_TRUE(contains(outcome.failure.message, "InvalidValueType: Invalid series id"))
      << outcome.failure.message;
  EXPECT_EQ(fake_.requestCount("/v4/series/"), 1);
}

TEST_F(TvdbClientTest, MalformedAnswersAreInvalidResponses) {
  auto client = makeTvdbClient(settings_, transport_, clock_);
  for (const char* body : {"{not json", R"({"status":"failure","data":{"name":"x"}})",
                           R"({"status":"success","data":{"id":1}})",
                           R"({"status":"success","data":null})", R"([1,2])"}) {
    fake_.failNext("/v4/series/", 200, body);
    auto outcome = client->series(1);
    ASSERT_FALSE(outcome) << body;
    EXPECT_EQ(outcome.failure.kind, FailureKind::kInvalidResponse) << body;
  }
  EXPECT_EQ(fake_.requestCount("/v4/series/"), 5);
}

TEST_F(TvdbClientTest, SearchesWithAnEncodedQueryAndALimit) {
  fake_.addSeries(270065, "Haikyu!!", "https://artworks.thetvdb.com/h.jpg", 24);
  fake_.addSeries(270066, "Haikyu!! To the Top", std::nullopt, 24);
  fake_.addSeries(270067, "Haikyu!! Land vs. Air", std::nullopt, 24);
  fake_.addMovie(99, "Haikyu!! The Dumpster Battle", std::nullopt, 85);
  auto client = makeTvdbClient(settings_, transport_, clock_);

  auto hits = client->search("haikyu", "series", 2);
  ASSERT_TRUE(hits) << hits.failure.message;
  ASSERT_EQ(hits.value->size(), 2u);
  EXPECT_EQ(hits.value->at(0).tvdb_id, 270065);
  EXPECT_EQ(hits.value->at(0).type, "series");
  EXPECT_EQ(hits.value->at(0).name, "Haikyu!!");
  EXPECT_EQ(hits.value->at(0).image_url, "https://artworks.thetvdb.com/h.jpg");
  EXPECT_EQ(hits.value->at(0).year, "2020");
  EXPECT_EQ(hits.value->at(0).overview, std::nullopt);  // null in the answer

  auto movies = client->search("Dumpster Battle & more", "movie", 10);
  ASSERT_TRUE(movies);
  EXPECT_TRUE(movies.value->empty());
  auto targets = fake_.requestTargets("/v4/search");
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0], "/v4/search?query=haikyu&type=series&limit=2");
  EXPECT_EQ(targets[1], "/v4/search?query=Dumpster%20Battle%20%26%20more&type=movie&limit=10");
}

TEST_F(TvdbClientTest, SearchToleratesMissingFieldsAndUsesThePrefixedId) {
  fake_.failNext("/v4/search", 200, R"({"status":"success","data":[
      {"id":"series-81189","name":"Breaking Bad","type":"series","tvdb_id":null,"year":null},
      {"objectID":"movie-x"},
      {"tvdb_id":"12345"},
      {"id":"movie-7","tvdb_id":"not a number","image_url":"https://i/7.jpg","extra":[1,2]}]})");
  auto hits = makeTvdbClient(settings_, transport_, clock_)->search("b", "series", 10);
  ASSERT_TRUE(hits) << hits.failure.message;
  ASSERT_EQ(hits.value->size(), 3u);  // the one without any usable id is skipped
  EXPECT_EQ(hits.value->at(0).tvdb_id, 81189);
  EXPECT_EQ(hits.value->at(0).name, "Breaking Bad");
  EXPECT_EQ(hits.value->at(0).year, std::nullopt);
  EXPECT_EQ(hits.value->at(1).tvdb_id, 12345);
  EXPECT_EQ(hits.value->at(1).type, "series");
  EXPECT_EQ(hits.value->at(2).tvdb_id, 7);
  EXPECT_EQ(hits.value->at(2).image_url, "https://i/7.jpg");
}

TEST_F(TvdbClientTest, NotConfiguredMakesNoCalls) {
  settings_.tvdb_api_key = "";
  auto client = makeTvdbClient(settings_, transport_, clock_);
  auto series = client->series(1);
  auto movie = client->movie(1);
  auto search = client->search("x", "series", 5);
  for (const Failure* f : {&series.failure, &movie.failure, &search.failure}) {
    EXPECT_EQ(f->kind, FailureKind::kNotConfigured);
    EXPECT_EQ(f->message, "TVDB is not configured: set IMMERSION_TRACKER_TVDB_API_KEY");
  }
  EXPECT_FALSE(series || movie || search);
  EXPECT_EQ(fake_.requestCount("/"), 0);
}

TEST_F(TvdbClientTest, ATimeoutMakesItUnavailable) {
  fake_.addSeries(1, "One", std::nullopt, 30);
  fake_.setDelay("/v4/series/", 5s);  // the fake's destructor cuts this short
  CurlTransport impatient(CurlTransport::Options{1000ms, 80ms, 1 << 20});
  auto outcome = makeTvdbClient(settings_, impatient, clock_)->series(1);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kUnavailable);
  EXPECT_TRUE(outcome.failure.message.starts_with("TVDB is unavailable: "))
      << outcome.failure.message;
  EXPECT_EQ(fake_.requestCount("/v4/series/"), settings_.retry.max_attempts);
}

TEST_F(TvdbClientTest, ARefusedConnectionMakesItUnavailable) {
  settings_.tvdb_base_url = "http://127.0.0.1:1";
  auto outcome = makeTvdbClient(settings_, transport_, clock_)->series(1);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kUnavailable);
  EXPECT_TRUE(outcome.failure.message.starts_with("TVDB is unavailable: "))
      << outcome.failure.message;
}

// ----- TMDB -----

class TmdbClientTest : public ProvidersTest {
 protected:
  static constexpr std::int64_t kYourName = 372058;
  static constexpr const char* kYourNamePoster = "/q719jXXEzOoYaps6babgKnONONX.jpg";
  static constexpr const char* kTmdb429 =
      R"({"success":false,"status_code":25,)"
      R"("status_message":"Your request count (#) is over the allowed limit of (40)."})";
};

TEST_F(TmdbClientTest, ParsesAMovieWithItsNativeTitleAndPoster) {
  fake_.addTmdbMovie(kYourName, "君の名は。", "Your Name.", kYourNamePoster, 106);
  RecordingTransport recording(transport_);
  auto movie = makeTmdbClient(settings_, recording)->movie(kYourName);
  ASSERT_TRUE(movie) << movie.failure.message;
  EXPECT_EQ(movie->id, kYourName);
  EXPECT_EQ(movie->name, "君の名は。");
  EXPECT_EQ(movie->title, "Your Name.");
  EXPECT_EQ(movie->image, "https://image.tmdb.org/t/p/w500/q719jXXEzOoYaps6babgKnONONX.jpg");
  EXPECT_EQ(movie->runtime_seconds, 106 * 60);
  EXPECT_EQ(movie->language, "ja");  // original_language
  std::vector<OutboundRequest> all = recording.sent();
  ASSERT_EQ(all.size(), 1u);
  const OutboundRequest& sent = all[0];
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.url, fake_.baseUrl() + "/3/movie/372058");
  EXPECT_TRUE(hasHeader(sent, "Authorization: Bearer fake-tmdb-token"));
  EXPECT_TRUE(hasHeader(sent, "Accept: application/json"));
  EXPECT_EQ(fake_.requestTargets("/3/movie/"), std::vector<std::string>{"/3/movie/372058"});
}

TEST_F(TmdbClientTest, ATrailingSlashOnTheBaseUrlIsIgnored) {
  fake_.addTmdbMovie(kYourName, "君の名は。", "Your Name.", kYourNamePoster, 106);
  settings_.tmdb_base_url = fake_.baseUrl() + "/";
  ASSERT_TRUE(makeTmdbClient(settings_, transport_)->movie(kYourName));
  EXPECT_EQ(fake_.requestTargets("/"), std::vector<std::string>{"/3/movie/372058"});
}

TEST_F(TmdbClientTest, WithoutAPosterOrAnOriginalTitle) {
  fake_.addTmdbMovie(4935, "ハウルの動く城", "Howl's Moving Castle", std::nullopt, 119);
  fake_.addTmdbMovie(77, "", "Only An English Title", "", 90);
  auto client = makeTmdbClient(settings_, transport_);
  auto howl = client->movie(4935);
  ASSERT_TRUE(howl) << howl.failure.message;
  EXPECT_EQ(howl->name, "ハウルの動く城");
  EXPECT_EQ(howl->image, std::nullopt);  // poster_path null
  auto english = client->movie(77);
  ASSERT_TRUE(english) << english.failure.message;
  EXPECT_EQ(english->name, "Only An English Title");  // original_title "" falls back to title
  EXPECT_EQ(english->title, "Only An English Title");
  EXPECT_EQ(english->image, std::nullopt);  // poster_path ""
}

TEST_F(TmdbClientTest, AMovieWithoutARuntimeYetIsRejectedForNow) {
  fake_.addTmdbMovie(1001, "未定", "Undecided", kYourNamePoster, std::nullopt);
  fake_.addTmdbMovie(1002, "零", "Zero", kYourNamePoster, 0);
  auto client = makeTmdbClient(settings_, transport_);
  for (std::int64_t id : {1001, 1002}) {
    auto movie = client->movie(id);
    ASSERT_FALSE(movie) << id;
    EXPECT_EQ(movie.failure.kind, FailureKind::kItemRejected);
    EXPECT_EQ(movie.failure.message, "TMDB has no runtime for movie " + std::to_string(id) +
                                         " yet; try again once it has one");
  }
  EXPECT_EQ(fake_.requestCount("/3/movie/"), 2);  // a refusal, not retried
}

TEST_F(TmdbClientTest, AnUnknownOrInvalidIdIsNotFoundWithoutRetrying) {
  auto client = makeTmdbClient(settings_, transport_);
  auto unknown = client->movie(999);  // TMDB status_code 34
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.failure.kind, FailureKind::kNotFound);
  EXPECT_EQ(unknown.failure.message, "TMDB has no movie with id 999");
  auto invalid = client->movie(-5);  // TMDB status_code 6, "Invalid id"
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.failure.kind, FailureKind::kNotFound);
  EXPECT_EQ(invalid.failure.message, "TMDB has no movie with id -5");
  EXPECT_EQ(fake_.requestCount("/3/movie/"), 2);
}

TEST_F(TmdbClientTest, ABare404OrAnother4xxIsAboutThatMovieOnly) {
  auto client = makeTmdbClient(settings_, transport_);
  fake_.failNext("/3/movie/", 404, "<html>Not Found</html>");  // not TMDB's own answer
  auto bare = client->movie(1);
  EXPECT_EQ(bare.failure.kind, FailureKind::kItemRejected);
  EXPECT_EQ(bare.failure.message, "TMDB rejected the request for movie 1: HTTP 404");
  fake_.failNext("/3/movie/", 422,
                 R"({"success":false,"status_code":22,"status_message":"Invalid page."})");
  auto other = client->movie(1);
  EXPECT_EQ(other.failure.kind, FailureKind::kItemRejected);
  EXPECT_EQ(other.failure.message, "TMDB rejected the request for movie 1: Invalid page.");
}

TEST_F(TmdbClientTest, AWrongTokenIsRejectedWithoutRetrying) {
  fake_.addTmdbMovie(kYourName, "君の名は。", "Your Name.", kYourNamePoster, 106);
  settings_.tmdb_read_access_token = "not-the-token";
  auto client = makeTmdbClient(settings_, transport_);
  auto movie = client->movie(kYourName);
  ASSERT_FALSE(movie);
  EXPECT_EQ(movie.failure.kind, FailureKind::kRejected);
  EXPECT_EQ(movie.failure.message,
            "TMDB rejected the read access token: Invalid API key: You must be granted a valid "
            "key.");
  auto search = client->search("your", 5);
  ASSERT_FALSE(search);
  EXPECT_EQ(search.failure.kind, FailureKind::kRejected);
  EXPECT_EQ(fake_.requestCount("/3/"), 2);
}

TEST_F(TmdbClientTest, ARateLimitIsRetriedAfterRetryAfter) {
  fake_.addTmdbMovie(kYourName, "君の名は。", "Your Name.", kYourNamePoster, 106);
  fake_.failNext("/3/movie/", 429, kTmdb429, 1, 1);
  auto start = std::chrono::steady_clock::now();
  auto movie = makeTmdbClient(settings_, transport_)->movie(kYourName);
  ASSERT_TRUE(movie) << movie.failure.message;
  EXPECT_EQ(movie->name, "君の名は。");
  EXPECT_EQ(fake_.requestCount("/3/movie/"), 2);
  EXPECT_GE(elapsedSince(start), settings_.retry.max_retry_after);  // 1 s, capped to 50 ms
}

TEST_F(TmdbClientTest, ErrorsOnEveryAttemptMakeItUnavailable) {
  fake_.addTmdbMovie(kYourName, "君の名は。", "Your Name.", kYourNamePoster, 106);
  auto client = makeTmdbClient(settings_, transport_);
  const int attempts = settings_.retry.max_attempts;
  fake_.failNext("/3/movie/", 503, "", attempts);
  auto down = client->movie(kYourName);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.failure.kind, FailureKind::kUnavailable);
  EXPECT_EQ(down.failure.message, "TMDB is unavailable: HTTP 503");
  EXPECT_EQ(fake_.requestCount("/3/movie/"), attempts);

  fake_.failNext("/3/search/movie", 429, kTmdb429, attempts, 0);
  auto limited = client->search("your", 5);
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.failure.kind, FailureKind::kUnavailable);
  EXPECT_EQ(limited.failure.message, "TMDB is unavailable: HTTP 429");
  EXPECT_EQ(fake_.requestCount("/3/search/movie"), attempts);

  EXPECT_TRUE(client->movie(kYourName));  // once TMDB is back
}

TEST_F(TmdbClientTest, ARefusedConnectionMakesItUnavailable) {
  settings_.tmdb_base_url = "http://127.0.0.1:1";
  auto outcome = makeTmdbClient(settings_, transport_)->movie(kYourName);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kUnavailable);
  EXPECT_TRUE(outcome.failure.message.starts_with("TMDB is unavailable: "))
      << outcome.failure.message;
}

TEST_F(TmdbClientTest, NotConfiguredMakesNoCalls) {
  settings_.tmdb_read_access_token = "";
  auto client = makeTmdbClient(settings_, transport_);
  auto movie = client->movie(kYourName);
  auto search = client->search("your", 5);
  for (const Failure* f : {&movie.failure, &search.failure}) {
    EXPECT_EQ(f->kind, FailureKind::kNotConfigured);
    EXPECT_EQ(f->message, "TMDB is not configured: set IMMERSION_TRACKER_TMDB_READ_ACCESS_TOKEN");
  }
  EXPECT_FALSE(movie || search);
  EXPECT_EQ(fake_.requestCount("/"), 0);
}

TEST_F(TmdbClientTest, MalformedMoviesAreInvalidResponses) {
  auto client = makeTmdbClient(settings_, transport_);
  for (const char* body :
       {"{not json", "[1,2]", R"({"id":2,"title":"Two","original_title":"二","runtime":90})",
        R"({"id":1,"runtime":90,"poster_path":null})",
        R"({"id":1,"title":"","original_title":"","runtime":90})",
        R"({"id":1,"title":"One","runtime":-5})",
        R"({"id":1,"title":"One","runtime":1000000000})"}) {
    fake_.failNext("/3/movie/", 200, body);
    auto outcome = client->movie(1);
    ASSERT_FALSE(outcome) << body;
    EXPECT_EQ(outcome.failure.kind, FailureKind::kInvalidResponse) << body;
    EXPECT_TRUE(outcome.failure.message.starts_with("TMDB sent an invalid response for movie 1: "))
        << outcome.failure.message;
  }
  fake_.failNext("/3/movie/", 200, R"({"id":1,"runtime":90})");
  EXPECT_EQ(client->movie(1).failure.message,
            "TMDB sent an invalid response for movie 1: no title");
  // An answer without the id is believed to be about the movie asked for.
  fake_.failNext("/3/movie/", 200, R"({"title":"One","runtime":90})");
  auto no_id = client->movie(1);
  ASSERT_TRUE(no_id) << no_id.failure.message;
  EXPECT_EQ(no_id->name, "One");
}

TEST_F(TmdbClientTest, SearchFindsTitlesInEitherLanguage) {
  fake_.addTmdbMovie(kYourName, "君の名は。", "Your Name.", kYourNamePoster, 106, "2016-08-26",
                     "High schoolers Mitsuha and Taki are complete strangers.");
  fake_.addTmdbMovie(129, "千と千尋の神隠し", "Spirited Away", "/39wmItIWsg5sZMyRUHLkWBcuVCM.jpg",
                     125, "2001-07-20");
  fake_.addTmdbMovie(4935, "ハウルの動く城", "Howl's Moving Castle", std::nullopt, 119, "", "");
  auto client = makeTmdbClient(settings_, transport_);

  auto your_name = client->search("your name", 10);
  ASSERT_TRUE(your_name) << your_name.failure.message;
  ASSERT_EQ(your_name->size(), 1u);
  const domain::TmdbSearchResult& hit = your_name->at(0);
  EXPECT_EQ(hit.tmdb_id, kYourName);
  EXPECT_EQ(hit.name, "君の名は。");
  EXPECT_EQ(hit.title, "Your Name.");
  EXPECT_EQ(hit.year, "2016");
  EXPECT_EQ(hit.image_url, "https://image.tmdb.org/t/p/w500/q719jXXEzOoYaps6babgKnONONX.jpg");
  EXPECT_EQ(hit.overview, "High schoolers Mitsuha and Taki are complete strangers.");

  auto native = client->search("の", 2);  // all three have it; the fake lists them by id
  ASSERT_TRUE(native) << native.failure.message;
  ASSERT_EQ(native->size(), 2u);
  EXPECT_EQ(native->at(0).tmdb_id, 129);
  EXPECT_EQ(native->at(0).name, "千と千尋の神隠し");
  EXPECT_EQ(native->at(0).year, "2001");
  EXPECT_EQ(native->at(1).tmdb_id, 4935);
  EXPECT_EQ(native->at(1).title, "Howl's Moving Castle");
  EXPECT_EQ(native->at(1).year, std::nullopt);       // release_date ""
  EXPECT_EQ(native->at(1).image_url, std::nullopt);  // poster_path null
  EXPECT_EQ(native->at(1).overview, std::nullopt);   // overview ""

  EXPECT_EQ(
      fake_.requestTargets("/3/search/movie"),
      (std::vector<std::string>{"/3/search/movie?query=your%20name&include_adult=false&page=1",
                                "/3/search/movie?query=%E3%81%AE&include_adult=false&page=1"}));
}

TEST_F(TmdbClientTest, SearchWithALimitOfZeroOrNoMatchesIsEmpty) {
  fake_.addTmdbMovie(kYourName, "君の名は。", "Your Name.", kYourNamePoster, 106);
  auto client = makeTmdbClient(settings_, transport_);
  auto none = client->search("your", 0);
  ASSERT_TRUE(none) << none.failure.message;
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(fake_.requestCount("/3/"), 0);
  auto nothing = client->search("Totoro", 5);
  ASSERT_TRUE(nothing) << nothing.failure.message;
  EXPECT_TRUE(nothing->empty());
  EXPECT_EQ(fake_.requestCount("/3/search/movie"), 1);
}

TEST_F(TmdbClientTest, SearchSkipsUnusableResultsAndNeedsAList) {
  auto client = makeTmdbClient(settings_, transport_);
  fake_.failNext("/3/search/movie", 200, R"({"page":1,"results":[
      1, null, {"title":"No id"}, {"id":"7","title":"String id"},
      {"id":8,"title":"Eight","release_date":null,"poster_path":"","extra":[1]}],
      "total_pages":1,"total_results":5})");
  auto hits = client->search("e", 10);
  ASSERT_TRUE(hits) << hits.failure.message;
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(hits->at(0).tmdb_id, 8);
  EXPECT_EQ(hits->at(0).name, "Eight");  // no original_title: the title
  EXPECT_EQ(hits->at(0).title, "Eight");
  EXPECT_EQ(hits->at(0).year, std::nullopt);
  EXPECT_EQ(hits->at(0).image_url, std::nullopt);

  for (const char* body : {R"({"page":1})", R"({"page":1,"results":{}})", "[]", "nope"}) {
    fake_.failNext("/3/search/movie", 200, body);
    auto outcome = client->search("e", 10);
    ASSERT_FALSE(outcome) << body;
    EXPECT_EQ(outcome.failure.kind, FailureKind::kInvalidResponse) << body;
  }
  fake_.failNext("/3/search/movie", 422,
                 R"({"success":false,"status_code":22,"status_message":"Invalid page."})");
  auto refused = client->search("e", 10);
  EXPECT_EQ(refused.failure.kind, FailureKind::kRejected);  // about the request, not an id
  EXPECT_EQ(refused.failure.message, "TMDB rejected the request for search: Invalid page.");
}

TEST_F(FakeProvidersTest, TmdbAnswersAMissingQueryWithNothing) {
  fake_.addTmdbMovie(372058, "君の名は。", "Your Name.", std::nullopt, 106);
  auto get = [&](const std::string& target, bool with_token) {
    std::vector<std::string> headers;
    if (with_token) {
      headers.push_back(std::string("Authorization: Bearer ") +
                        FakeProviders::kTmdbReadAccessToken);
    }
    return transport_.send({"GET", fake_.baseUrl() + target, headers, ""});
  };
  TransportResult missing = get("/3/search/movie", true);
  ASSERT_TRUE(missing.response) << missing.error;
  EXPECT_EQ(missing.response->status, 200);
  auto body = boost::json::parse(missing.response->body).as_object();
  EXPECT_TRUE(body.at("results").as_array().empty());
  EXPECT_EQ(body.at("total_results"), 0);
  TransportResult anonymous = get("/3/search/movie?query=your", false);
  ASSERT_TRUE(anonymous.response) << anonymous.error;
  EXPECT_EQ(anonymous.response->status, 401);
  EXPECT_EQ(boost::json::parse(anonymous.response->body).at("status_code"), 7);
  TransportResult movie = get("/3/movie/372058", true);
  ASSERT_TRUE(movie.response) << movie.error;
  auto full = boost::json::parse(movie.response->body).as_object();
  EXPECT_EQ(full.at("original_language"), "ja");
  EXPECT_TRUE(full.at("belongs_to_collection").is_null());
  EXPECT_TRUE(full.at("poster_path").is_null());
}

// ----- YouTube -----

using YoutubeClientTest = ProvidersTest;

TEST_F(YoutubeClientTest, ParsesVideosInTheOrderAsked) {
  fake_.addVideo("dQw4w9WgXcQ", "Never Gonna Give You Up", "UCuAXFkgsw1L7xaCfnd5JJOw",
                 "Rick Astley", "PT3M33S");
  fake_.addVideo("live0000001", "Live now", "UC2", "Live Channel", "P0D", std::nullopt);
  fake_.addVideo("english0001", "In English", "UC3", "English", "PT1M", "en-GB");
  auto client = makeYoutubeClient(settings_, transport_);
  auto videos = client->videos({"live0000001", "dQw4w9WgXcQ"});
  ASSERT_EQ(videos.size(), 2u);
  auto english = client->videos({"english0001"});
  ASSERT_EQ(english.size(), 1u);
  ASSERT_TRUE(english[0]) << english[0].failure.message;
  EXPECT_EQ(english[0].value->language, "en");  // defaultAudioLanguage "en-GB"
  EXPECT_EQ(videos[0].value->language, std::nullopt);
  ASSERT_TRUE(videos[0]) << videos[0].failure.message;
  ASSERT_TRUE(videos[1]) << videos[1].failure.message;
  EXPECT_EQ(videos[0].value->id, "live0000001");
  EXPECT_EQ(videos[0].value->duration_seconds, 0);
  const auto& rick = *videos[1].value;
  EXPECT_EQ(rick.id, "dQw4w9WgXcQ");
  EXPECT_EQ(rick.title, "Never Gonna Give You Up");
  EXPECT_EQ(rick.channel_id, "UCuAXFkgsw1L7xaCfnd5JJOw");
  EXPECT_EQ(rick.channel_title, "Rick Astley");
  EXPECT_EQ(rick.duration_seconds, 213);
  EXPECT_EQ(rick.language, "ja");
  ASSERT_EQ(fake_.requestCount("/youtube/v3/videos"), 2);
  EXPECT_EQ(fake_.requestTargets("/youtube/v3/videos")[0],
            "/youtube/v3/videos?part=snippet,contentDetails&id=live0000001,dQw4w9WgXcQ"
            "&key=fake-youtube-key");
}

TEST_F(YoutubeClientTest, ChannelsComeWithTheirBestThumbnail) {
  fake_.addChannel("UC1", "One");
  fake_.addChannel("UC2", "Two", {"default"});
  fake_.addChannel("UC3", "Three", {});
  auto client = makeYoutubeClient(settings_, transport_);
  auto channels = client->channels({"UC1", "UC2", "UC3", "UCmissing"});
  ASSERT_EQ(channels.size(), 4u);
  ASSERT_TRUE(channels[0]) << channels[0].failure.message;
  EXPECT_EQ(channels[0]->title, "One");
  EXPECT_EQ(channels[0]->thumbnail_url, "https://yt3.ggpht.com/UC1-high");
  EXPECT_EQ(channels[1]->thumbnail_url, "https://yt3.ggpht.com/UC2-default");
  EXPECT_EQ(channels[2]->thumbnail_url, std::nullopt);
  ASSERT_FALSE(channels[3]);
  EXPECT_EQ(channels[3].failure.kind, FailureKind::kNotFound);
  EXPECT_EQ(channels[3].failure.message, "YouTube channel UCmissing not found");
  EXPECT_EQ(fake_.requestTargets("/youtube/v3/channels"),
            std::vector<std::string>{"/youtube/v3/channels?part=snippet&id=UC1,UC2,UC3,UCmissing"
                                     "&key=fake-youtube-key"});

  fake_.failNext("/youtube/v3/channels", 200, R"({"items": [{"id": "UC1", "snippet": {}}]})");
  auto broken = client->channels({"UC1"});
  ASSERT_FALSE(broken[0]);
  EXPECT_EQ(broken[0].failure.kind, FailureKind::kInvalidResponse);
}

TEST_F(YoutubeClientTest, AsksForAtMost50IdsPerCallAndEachIdOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < 120; ++i) {
    ids.push_back("video" + std::to_string(1000 + i));
    fake_.addVideo(ids.back(), "Title " + std::to_string(i), "UC", "Channel",
                   "PT" + std::to_string(i) + "S");
  }
  std::vector<std::string> asked = ids;
  asked.push_back(ids[3]);  // a repeat gets its own outcome but no second lookup
  auto videos = makeYoutubeClient(settings_, transport_)->videos(asked);
  ASSERT_EQ(videos.size(), 121u);
  for (int i = 0; i < 120; ++i) {
    ASSERT_TRUE(videos[i]) << videos[i].failure.message;
    EXPECT_EQ(videos[i].value->id, ids[i]);
    EXPECT_EQ(videos[i].value->duration_seconds, i);
  }
  ASSERT_TRUE(videos[120]);
  EXPECT_EQ(videos[120].value->id, ids[3]);
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 3);
  int asked_for_repeat = 0;
  for (const auto& target : fake_.requestTargets("/youtube/v3/videos")) {
    for (auto at = target.find("video1003"); at != std::string::npos;
         at = target.find("video1003", at + 1)) {
      ++asked_for_repeat;
    }
  }
  EXPECT_EQ(asked_for_repeat, 1);
}

TEST_F(YoutubeClientTest, AMissingIdIsNotFoundWhileTheOthersSucceed) {
  fake_.addVideo("aaaaaaaaaaa", "A", "UC1", "One", "PT1M");
  fake_.addVideo("ccccccccccc", "C", "UC3", "Three", "PT1H");
  auto videos = makeYoutubeClient(settings_, transport_)
                    ->videos({"aaaaaaaaaaa", "bbbbbbbbbbb", "ccccccccccc"});
  ASSERT_EQ(videos.size(), 3u);
  EXPECT_TRUE(videos[0]);
  ASSERT_FALSE(videos[1]);
  EXPECT_EQ(videos[1].failure.kind, FailureKind::kNotFound);
  EXPECT_EQ(videos[1].failure.message, "YouTube video bbbbbbbbbbb not found");
  ASSERT_TRUE(videos[2]);
  EXPECT_EQ(videos[2].value->duration_seconds, 3600);
}

TEST_F(YoutubeClientTest, NoItemsMemberMeansNoneFound) {
  fake_.failNext("/youtube/v3/videos", 200,
                 R"({"kind":"youtube#videoListResponse","pageInfo":{"totalResults":0}})");
  auto videos = makeYoutubeClient(settings_, transport_)->videos({"aaaaaaaaaaa"});
  ASSERT_EQ(videos.size(), 1u);
  EXPECT_EQ(videos[0].failure.kind, FailureKind::kNotFound);
}

TEST_F(YoutubeClientTest, QuotaExceededRejectsEveryIdOfTheBatch) {
  fake_.addVideo("aaaaaaaaaaa", "A", "UC1", "One", "PT1M");
  fake_.failNext("/youtube/v3/videos", 403, R"({"error":{"code":403,
      "message":"The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
      "errors":[{"message":"quota","domain":"youtube.quota","reason":"quotaExceeded"}]}})");
  auto videos = makeYoutubeClient(settings_, transport_)->videos({"aaaaaaaaaaa", "bbbbbbbbbbb"});
  ASSERT_EQ(videos.size(), 2u);
  for (const auto& v : videos) {
    ASSERT_FALSE(v);
    EXPECT_EQ(v.failure.kind, FailureKind::kRejected);
    EXPECT_EQ(v.failure.message, "YouTube quota exceeded");
  }
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 1);
}

TEST_F(YoutubeClientTest, AnInvalidKeyIsRejected) {
  settings_.youtube_api_key = "wrong";
  auto videos = makeYoutubeClient(settings_, transport_)->videos({"aaaaaaaaaaa"});
  ASSERT_FALSE(videos.at(0));
  EXPECT_EQ(videos[0].failure.kind, FailureKind::kRejected);
  EXPECT_TRUE(contains(videos[0].failure.message, "API key not valid"))
      << videos[0].failure.message;
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 1);
}

TEST_F(YoutubeClientTest, ReasonsComeFromDetailsWhenErrorsHasNone) {
  fake_.failNext("/youtube/v3/videos", 400, R"({"error":{"code":400,"message":"Bad key",
      "status":"INVALID_ARGUMENT","details":[{"@type":"x"},{"reason":"API_KEY_INVALID"}]}})");
  fake_.failNext("/youtube/v3/videos", 403, R"({"error":{"code":403,"message":"Slow down",
      "errors":[{"reason":"rateLimitExceeded","domain":"usageLimits"}]}})");
  auto client = makeYoutubeClient(settings_, transport_);
  auto bad_key = client->videos({"aaaaaaaaaaa"});
  EXPECT_EQ(bad_key.at(0).failure.kind, FailureKind::kRejected);
  EXPECT_TRUE(contains(bad_key[0].failure.message, "Bad key"));
  auto limited = client->videos({"aaaaaaaaaaa"});
  EXPECT_EQ(limited.at(0).failure.kind, FailureKind::kUnavailable);
}

TEST_F(YoutubeClientTest, AMalformedItemFailsOnlyThatId) {
  fake_.failNext("/youtube/v3/videos", 200, R"({"items":[
      {"id":"aaaaaaaaaaa","snippet":{"title":"A","channelId":"UC1","channelTitle":"One"},
       "contentDetails":{"duration":"PT2M"}},
      {"id":"bbbbbbbbbbb","snippet":{"title":"B","channelId":"UC2"},
       "contentDetails":{"duration":"PT2M"}},
      {"id":"ccccccccccc","snippet":{"title":"C","channelId":"UC3","channelTitle":"Three"},
       "contentDetails":{"duration":"two minutes"}}]})");
  auto videos = makeYoutubeClient(settings_, transport_)
                    ->videos({"aaaaaaaaaaa", "bbbbbbbbbbb", "ccccccccccc"});
  ASSERT_EQ(videos.size(), 3u);
  EXPECT_TRUE(videos[0]);
  EXPECT_EQ(videos[1].failure.kind, FailureKind::kInvalidResponse);
  EXPECT_EQ(videos[2].failure.kind, FailureKind::kInvalidResponse);

  fake_.failNext("/youtube/v3/videos", 200, "<html>oops</html>");
  auto broken = makeYoutubeClient(settings_, transport_)->videos({"aaaaaaaaaaa"});
  EXPECT_EQ(broken.at(0).failure.kind, FailureKind::kInvalidResponse);
}

TEST_F(YoutubeClientTest, ServerErrorsAreRetriedThenUnavailable) {
  fake_.addVideo("aaaaaaaaaaa", "A", "UC1", "One", "PT1M");
  fake_.failNext("/youtube/v3/videos", 500, "{}", 2);
  auto client = makeYoutubeClient(settings_, transport_);
  EXPECT_TRUE(client->videos({"aaaaaaaaaaa"}).at(0));
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 3);

  fake_.failNext("/youtube/v3/videos", 500, "{}", 100);
  auto failed = client->videos({"aaaaaaaaaaa", "bbbbbbbbbbb"});
  for (const auto& v : failed) {
    EXPECT_EQ(v.failure.kind, FailureKind::kUnavailable);
    EXPECT_EQ(v.failure.message, "YouTube is unavailable: HTTP 500");
  }
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 6);
}

TEST_F(YoutubeClientTest, NotConfiguredMakesNoCalls) {
  settings_.youtube_api_key = "";
  auto videos = makeYoutubeClient(settings_, transport_)->videos({"aaaaaaaaaaa", "bbbbbbbbbbb"});
  ASSERT_EQ(videos.size(), 2u);
  for (const auto& v : videos) {
    EXPECT_EQ(v.failure.kind, FailureKind::kNotConfigured);
    EXPECT_TRUE(contains(v.failure.message, "IMMERSION_TRACKER_YOUTUBE_API_KEY"));
  }
  EXPECT_EQ(fake_.requestCount("/"), 0);
  EXPECT_TRUE(makeYoutubeClient(fake_.settings(), transport_)->videos({}).empty());
  EXPECT_EQ(fake_.requestCount("/"), 0);
}

// ----- Spotify -----

class SpotifyClientTest : public ProvidersTest {
 protected:
  void SetUp() override {
    fake_.addSpotifyEpisode(kEpisode, "Episode 12 - Example", 1686230, "38bS44xjbVVZ3No3ByF1dJ",
                            "Example Japanese Podcast");
  }
  static constexpr const char* kEpisode = "512ojhOuo1ktJprKbVcKyQ";
};

TEST_F(SpotifyClientTest, ParsesAnEpisodeAskingForTheMarket) {
  auto outcome = makeSpotifyClient(settings_, transport_, clock_)->episode(kEpisode);
  ASSERT_TRUE(outcome) << outcome.failure.message;
  EXPECT_EQ(outcome.value->id, kEpisode);
  EXPECT_EQ(outcome.value->title, "Episode 12 - Example");
  EXPECT_EQ(outcome.value->show_id, "38bS44xjbVVZ3No3ByF1dJ");
  EXPECT_EQ(outcome.value->show_name, "Example Japanese Podcast");
  EXPECT_EQ(outcome.value->duration_seconds, 1686);
  EXPECT_EQ(outcome.value->language, "ja");
  EXPECT_EQ(fake_.requestTargets("/v1/episodes/"),
            std::vector<std::string>{"/v1/episodes/512ojhOuo1ktJprKbVcKyQ?market=US"});
}

TEST_F(SpotifyClientTest, TokenRequestUsesBasicAuthAndAForm) {
  RecordingTransport recording(transport_);
  ASSERT_TRUE(makeSpotifyClient(settings_, recording, clock_)->episode(kEpisode));
  auto sent = recording.sent();
  ASSERT_EQ(sent.size(), 2u);
  const OutboundRequest& token = sent[0];
  EXPECT_EQ(token.method, "POST");
  EXPECT_EQ(token.url, fake_.baseUrl() + "/api/token");
  EXPECT_EQ(token.body, "grant_type=client_credentials");
  // base64("fake-spotify-id:fake-spotify-secret")
  EXPECT_TRUE(
      hasHeader(token, "Authorization: Basic ZmFrZS1zcG90aWZ5LWlkOmZha2Utc3BvdGlmeS1zZWNyZXQ="));
  EXPECT_TRUE(hasHeader(token, "Content-Type: application/x-www-form-urlencoded"));
  EXPECT_TRUE(hasHeader(sent[1], "Authorization: Bearer spotify-token-1"));
}

TEST_F(SpotifyClientTest, ReusesTheTokenAndFetchesANewOneAfterA401) {
  auto client = makeSpotifyClient(settings_, transport_, clock_);
  ASSERT_TRUE(client->episode(kEpisode));
  ASSERT_TRUE(client->episode(kEpisode));
  EXPECT_EQ(fake_.requestCount("/api/token"), 1);
  fake_.expireTokens();
  auto again = client->episode(kEpisode);
  ASSERT_TRUE(again) << again.failure.message;
  EXPECT_EQ(fake_.requestCount("/api/token"), 2);
  EXPECT_EQ(fake_.requestCount("/v1/episodes/"), 4);
}

TEST_F(SpotifyClientTest, FetchesANewTokenShortlyBeforeItExpires) {
  auto client = makeSpotifyClient(settings_, transport_, clock_);
  ASSERT_TRUE(client->episode(kEpisode));
  clock_.advance(std::chrono::seconds(3500));
  ASSERT_TRUE(client->episode(kEpisode));
  EXPECT_EQ(fake_.requestCount("/api/token"), 1);
  clock_.advance(std::chrono::seconds(50));  // 3550 s: within the last minute of 3600
  ASSERT_TRUE(client->episode(kEpisode));
  EXPECT_EQ(fake_.requestCount("/api/token"), 2);
}

TEST_F(SpotifyClientTest, BadCredentialsAreRejected) {
  settings_.spotify_client_secret = "wrong";
  auto outcome = makeSpotifyClient(settings_, transport_, clock_)->episode(kEpisode);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kRejected);
  EXPECT_TRUE(contains(outcome.failure.message, "Invalid client")) << outcome.failure.message;
  EXPECT_EQ(fake_.requestCount("/api/token"), 1);
  EXPECT_EQ(fake_.requestCount("/v1/episodes/"), 0);
}

TEST_F(SpotifyClientTest, AnUnknownEpisodeIsNotFoundWithoutRetrying) {
  auto outcome =
      makeSpotifyClient(settings_, transport_, clock_)->episode("0000000000000000000000");
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kNotFound);
  EXPECT_EQ(outcome.failure.message, "Spotify episode 0000000000000000000000 not found");
  EXPECT_EQ(fake_.requestCount("/v1/episodes/"), 1);
}

TEST_F(SpotifyClientTest, AnInvalidIdIsRejectedWithoutRetrying) {
  auto outcome = makeSpotifyClient(settings_, transport_, clock_)->episode("not/an id?");
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kItemRejected);
  EXPECT_TRUE(contains(outcome.failure.message, "invalid id")) << outcome.failure.message;
  EXPECT_EQ(fake_.requestTargets("/v1/episodes/"),
            std::vector<std::string>{"/v1/episodes/not%2Fan%20id%3F?market=US"});
}

TEST_F(SpotifyClientTest, AnAnswerAboutAnotherEpisodeIsInvalid) {
  fake_.failNext("/v1/episodes/", 200,
                 R"({"id":"someOtherEpisode000000","name":"Other","duration_ms":1000,
                     "show":{"id":"s","name":"S"}})");
  auto outcome = makeSpotifyClient(settings_, transport_, clock_)->episode(kEpisode);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kInvalidResponse);
}

TEST_F(SpotifyClientTest, MissingFieldsAreInvalid) {
  auto client = makeSpotifyClient(settings_, transport_, clock_);
  for (const char* body :
       {R"({"id":"512ojhOuo1ktJprKbVcKyQ","duration_ms":1000,"show":{"id":"s","name":"S"}})",
        R"({"id":"512ojhOuo1ktJprKbVcKyQ","name":"N","show":{"id":"s","name":"S"}})",
        R"({"id":"512ojhOuo1ktJprKbVcKyQ","name":"N","duration_ms":1000})",
        R"({"id":"512ojhOuo1ktJprKbVcKyQ","name":"N","duration_ms":1000,"show":{"id":"s"}})",
        "not json"}) {
    fake_.failNext("/v1/episodes/", 200, body);
    auto outcome = client->episode(kEpisode);
    ASSERT_FALSE(outcome) << body;
    EXPECT_EQ(outcome.failure.kind, FailureKind::kInvalidResponse) << body;
  }
}

TEST_F(SpotifyClientTest, TheReleaseDateIsReadToItsPrecision) {
  auto client = makeSpotifyClient(settings_, transport_, clock_);
  EXPECT_EQ(client->episode(kEpisode).value->release_date, "2024-05-01");
  fake_.addSpotifyEpisode("monthPrecision00000000", "M", 1000, "show", "S", "2023-07", "month");
  EXPECT_EQ(client->episode("monthPrecision00000000").value->release_date, "2023-07-01");
  fake_.addSpotifyEpisode("unknownPrecision000000", "U", 1000, "show", "S", "2023-07", "week");
  auto unknown = client->episode("unknownPrecision000000");
  ASSERT_TRUE(unknown) << unknown.failure.message;  // recorded all the same, without a date
  EXPECT_EQ(unknown.value->release_date, std::nullopt);
}

// A show's pages: 50 episodes each, newest first, followed through `next`; null entries
// (unavailable episodes) are skipped.
TEST_F(SpotifyClientTest, AShowsEpisodesArePagedThrough) {
  const std::string show = "38bS44xjbVVZ3No3ByF1dJ";
  for (int i = 0; i < 119; ++i) {
    std::string id = "showEpisode" + std::to_string(1000 + i);
    id.resize(22, 'x');
    char date[11];
    std::snprintf(date, sizeof date, "2020-%02d-%02d", 1 + i / 28, 1 + i % 28);
    fake_.addSpotifyEpisode(id, "Episode " + std::to_string(i), 60'000 * (i + 1), show,
                            "Example Japanese Podcast", date);
  }
  fake_.addUnavailableSpotifyEpisode(show, "2019-12-31");
  auto client = makeSpotifyClient(settings_, transport_, clock_);
  auto episodes = client->showEpisodes(show);
  ASSERT_TRUE(episodes) << episodes.failure.message;
  ASSERT_EQ(episodes.value->size(), 120u);  // 119, and the one of SetUp (2024-05-01)
  EXPECT_EQ(episodes.value->front().id, kEpisode);
  EXPECT_EQ(episodes.value->back().title, "Episode 0");
  EXPECT_EQ(episodes.value->back().release_date, "2020-01-01");
  EXPECT_EQ(episodes.value->back().duration_seconds, 60);
  EXPECT_EQ(episodes.value->back().show_id, show);
  EXPECT_EQ(episodes.value->back().show_name, "");
  EXPECT_EQ(fake_.requestTargets("/v1/shows/"),
            (std::vector<std::string>{
                "/v1/shows/38bS44xjbVVZ3No3ByF1dJ/episodes?limit=50&market=US",
                "/v1/shows/38bS44xjbVVZ3No3ByF1dJ/episodes?offset=50&limit=50&market=US",
                "/v1/shows/38bS44xjbVVZ3No3ByF1dJ/episodes?offset=100&limit=50&market=US"}));
}

TEST_F(SpotifyClientTest, AShowsPagesSurviveARateLimitAndNullItems) {
  const std::string show = "38bS44xjbVVZ3No3ByF1dJ";
  auto client = makeSpotifyClient(settings_, transport_, clock_);
  fake_.failNext("/v1/shows/", 429,
                 R"({"error":{"status":429,"message":"API rate limit exceeded"}})", 1, 0);
  auto episodes = client->showEpisodes(show);
  ASSERT_TRUE(episodes) << episodes.failure.message;
  EXPECT_EQ(episodes.value->size(), 1u);
  fake_.failNext("/v1/shows/", 200, R"({"items": null, "next": null})");
  episodes = client->showEpisodes(show);
  ASSERT_TRUE(episodes) << episodes.failure.message;
  EXPECT_TRUE(episodes.value->empty());
  fake_.failNext("/v1/shows/", 200, R"({"items": [null, null], "next": null})");
  episodes = client->showEpisodes(show);
  ASSERT_TRUE(episodes) << episodes.failure.message;
  EXPECT_TRUE(episodes.value->empty());
}

TEST_F(SpotifyClientTest, BrokenShowPagesAreInvalidAndUnknownShowsNotFound) {
  auto client = makeSpotifyClient(settings_, transport_, clock_);
  auto unknown = client->showEpisodes("0000000000000000000000");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.failure.kind, FailureKind::kNotFound);
  EXPECT_EQ(unknown.failure.message, "Spotify show 0000000000000000000000 not found");
  for (const char* body :
       {R"({"items": {}, "next": null})", R"({"items": [1], "next": null})",
        R"({"items": [{"id": "bad id", "name": "N", "duration_ms": 1}], "next": null})",
        R"({"items": [], "next": "https://elsewhere.example/v1/shows/x/episodes"})",
        R"({"items": [], "next": 5})", "[]"}) {
    fake_.failNext("/v1/shows/", 200, body);
    auto outcome = client->showEpisodes("38bS44xjbVVZ3No3ByF1dJ");
    ASSERT_FALSE(outcome) << body;
    EXPECT_EQ(outcome.failure.kind, FailureKind::kInvalidResponse) << body;
  }
}

TEST(SpotifyReleaseDay, EachPrecisionGivesADay) {
  EXPECT_EQ(domain::spotifyReleaseDay("2024-05-01", "day"), "2024-05-01");
  EXPECT_EQ(domain::spotifyReleaseDay("2024-05", "month"), "2024-05-01");
  EXPECT_EQ(domain::spotifyReleaseDay("2024", "year"), "2024-01-01");
  for (auto [date, precision] :
       std::vector<std::pair<const char*, const char*>>{{"2024-05", "day"},
                                                        {"2024-05-01", "month"},
                                                        {"2024-13", "month"},
                                                        {"2024-05-32", "day"},
                                                        {"24", "year"},
                                                        {"2024-05-01", "week"},
                                                        {"2024/05/01", "day"},
                                                        {"", "day"}}) {
    EXPECT_EQ(domain::spotifyReleaseDay(date, precision), std::nullopt) << date << " " << precision;
  }
}

TEST_F(SpotifyClientTest, TooManyRequestsIsRetriedThenUnavailable) {
  auto client = makeSpotifyClient(settings_, transport_, clock_);
  fake_.failNext("/v1/episodes/", 429,
                 R"({"error":{"status":429,"message":"API rate limit exceeded"}})", 1, 0);
  EXPECT_TRUE(client->episode(kEpisode));
  fake_.failNext("/v1/episodes/", 429, "", 100, 0);
  auto outcome = client->episode(kEpisode);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kUnavailable);
  EXPECT_EQ(outcome.failure.message, "Spotify is unavailable: HTTP 429");
  EXPECT_EQ(fake_.requestCount("/v1/episodes/"), 2 + 3);
}

TEST_F(SpotifyClientTest, NotConfiguredMakesNoCalls) {
  settings_.spotify_client_id = "";
  auto outcome = makeSpotifyClient(settings_, transport_, clock_)->episode(kEpisode);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.failure.kind, FailureKind::kNotConfigured);
  EXPECT_EQ(outcome.failure.message,
            "Spotify is not configured: set IMMERSION_TRACKER_SPOTIFY_CLIENT_ID and "
            "IMMERSION_TRACKER_SPOTIFY_CLIENT_SECRET");
  EXPECT_EQ(fake_.requestCount("/"), 0);
}

TEST_F(SpotifyClientTest, ConcurrentCallsShareTheClient) {
  auto client = makeSpotifyClient(settings_, transport_, clock_);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j) {
        if (client->episode(kEpisode)) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 20);
  EXPECT_LE(fake_.requestCount("/api/token"), 4);  // at most one per racing thread
}

}  // namespace
}  // namespace it::providers
