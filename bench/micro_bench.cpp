// Micro-benchmarks of the per-request work that runs on the I/O threads: routing with a
// cached credential, the point read, JSON decoding of an update, number parsing, timestamps.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <filesystem>
#include <future>

#include "api/json_body.hpp"
#include "api/tv_progress/episode_number.hpp"
#include "api/tv_progress/handlers.hpp"
#include "auth/authenticator.hpp"
#include "auth/passwords.hpp"
#include "http/router.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "telemetry/log.hpp"
#include "util/time_format.hpp"

namespace {

using namespace it;

class NullObserver final : public http::RequestObserver {
 public:
  void onResponse(const http::Request&, std::string_view, int, double, std::string_view) override {}
};

void BM_RouteCachedShowEpisode(benchmark::State& state) {
  telemetry::configureLogging(telemetry::LogLevel::kOff, false);
  auto dir = std::filesystem::temp_directory_path() / "it-micro-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  storage::sqlite::SqliteStore store({(dir / "b.db").string()});
  store.addUser({"bench", auth::hashPassword("pw"), false, "t"});
  std::promise<void> written;
  store.putTvProgress({"bench", "The Office", 2, 5, "2025-01-15T10:30:00.123456"},
                      [&](Result<void>) { written.set_value(); });
  written.get_future().wait();
  SystemClock clock;
  service::TvProgressService tv(store, clock);
  auth::Authenticator authenticator(store);
  NullObserver observer;
  http::Router router(
      api::tv_progress::routes(tv), authenticator, observer,
      [](http::Execution, std::function<void()> f) {
        f();
        return true;
      },
      true);
  http::Request req;
  req.method = http::Method::kGet;
  req.path = "/api/show_episode";
  req.query = {{"username", "bench"}, {"tv_show", "The Office"}};
  req.headers = {{"authorization", "Basic YmVuY2g6cHc="}};  // bench:pw
  req.client_address = "127.0.0.1";
  int status = 0;
  router.dispatch(req, [&](http::Response r) { status = r.status; });  // warms the cache
  for (auto _ : state) {
    router.dispatch(req, [&](http::Response r) { status = r.status; });
    benchmark::DoNotOptimize(status);
  }
  if (status != 200) state.SkipWithError("unexpected status");
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_RouteCachedShowEpisode);

void BM_ParseUpdateBody(benchmark::State& state) {
  const std::string body = R"({"username":"bench","tv_show":"The Office","season":2,"episode":5})";
  for (auto _ : state) {
    auto parsed = api::parseJsonObject(body, "empty");
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_ParseUpdateBody);

void BM_ParseEpisodeNumberString(benchmark::State& state) {
  boost::json::value v = "12";
  std::int64_t out = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(api::tv_progress::parseEpisodeNumber(v, out));
  }
}
BENCHMARK(BM_ParseEpisodeNumberString);

void BM_FormatTimestamp(benchmark::State& state) {
  auto now = std::chrono::system_clock::now();
  for (auto _ : state) benchmark::DoNotOptimize(formatUtcMicros(now));
}
BENCHMARK(BM_FormatTimestamp);

}  // namespace

BENCHMARK_MAIN();
