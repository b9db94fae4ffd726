// The server on DynamoDB (moto_server) next to the originals: data written with boto3 exactly
// as the originals' code wrote it is served; what the server writes is checked item by item,
// attribute by attribute, through boto3's low-level view; two server processes share the
// tables without counting an item twice.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "e2e/server_process.hpp"
#include "fakes/fake_providers.hpp"
#include "support/http_client.hpp"
#include "support/moto_server.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

namespace json = boost::json;

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kHour = 3600;

// Puts items with boto3's resource API, as the originals' Python code (the Flask app, the
// immersion tracker's migration scripts) did: JSON integers become DynamoDB numbers.
constexpr const char* kPutScript = R"(
import json, os, sys
import boto3
db = boto3.resource('dynamodb', endpoint_url=os.environ['AWS_ENDPOINT_URL'],
                    region_name=os.environ['AWS_REGION'])
for put in json.load(sys.stdin):
    db.Table(put['table']).put_item(Item=put['item'])
)";

// Prints both tables (Scan) and the whole partition USER#<u> of each user named on the command
// line (the original GetProgressHandler's Query), in DynamoDB's low-level JSON.
constexpr const char* kDumpScript = R"(
import json, os, sys
import boto3
c = boto3.client('dynamodb', endpoint_url=os.environ['AWS_ENDPOINT_URL'],
                 region_name=os.environ['AWS_REGION'])
def pages(call, **kw):
    items = []
    while True:
        r = call(**kw)
        items += r['Items']
        if 'LastEvaluatedKey' not in r:
            return items
        kw['ExclusiveStartKey'] = r['LastEvaluatedKey']
out = {t: pages(c.scan, TableName=t, ConsistentRead=True)
       for t in ('immersion_tracker', 'tv_show_tracker')}
for user in sys.argv[1:]:
    out['USER#' + user] = pages(c.query, TableName='immersion_tracker', ConsistentRead=True,
                                KeyConditionExpression='pk = :pk',
                                ExpressionAttributeValues={':pk': {'S': 'USER#' + user}})
print(json.dumps(out, default=str))
)";

const char* const kOriginalPrefixes[] = {"EPISODE#",      "SHOW#",           "MOVIE#",
                                         "YOUTUBEVIDEO#", "YOUTUBECHANNEL#", "SPOTIFYEPISODE#",
                                         "SPOTIFYSHOW#"};

bool hasOriginalPrefix(std::string_view sk) {
  for (const char* prefix : kOriginalPrefixes) {
    if (sk.starts_with(prefix)) return true;
  }
  return false;
}

// An item's attribute names with their DynamoDB types ("S", "N", "BOOL", ...).
std::map<std::string, std::string> typesOf(const json::object& item) {
  std::map<std::string, std::string> types;
  for (const auto& [name, value] : item) {
    const auto& typed = value.as_object();
    types[std::string(name)] = typed.empty() ? "?" : std::string(typed.begin()->key());
  }
  return types;
}

std::string str(const json::object& item, const char* name) {
  const auto* v = item.if_contains(name);
  if (v == nullptr || !v->is_object() || !v->as_object().contains("S")) return "<not S>";
  return std::string(v->as_object().at("S").as_string());
}

std::string num(const json::object& item, const char* name) {
  const auto* v = item.if_contains(name);
  if (v == nullptr || !v->is_object() || !v->as_object().contains("N")) return "<not N>";
  return std::string(v->as_object().at("N").as_string());
}

// The item of `items` with this sk (and pk, when given); an empty object when there is none.
json::object findItem(const json::array& items, const std::string& sk, const std::string& pk = "") {
  for (const auto& v : items) {
    const auto& o = v.as_object();
    if (str(o, "sk") == sk && (pk.empty() || str(o, "pk") == pk)) return o;
  }
  ADD_FAILURE() << "no item with sk " << sk << " (pk " << pk << ")";
  return {};
}

// The quarter label ("Jan 2025") of a time, in UTC.
std::string quarterLabel(std::int64_t timestamp) {
  std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds{std::chrono::seconds{timestamp}})};
  static const char* kMonths[] = {"Jan", "Apr", "Jul", "Oct"};
  return std::string(kMonths[(static_cast<unsigned>(ymd.month()) - 1) / 3]) + " " +
         std::to_string(static_cast<int>(ymd.year()));
}
int quarterIndex(std::int64_t timestamp) {
  std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds{std::chrono::seconds{timestamp}})};
  return static_cast<int>(ymd.year()) * 4 + static_cast<int>((unsigned(ymd.month()) - 1) / 3);
}

class DynamoDbLayout : public MotoTest {
 protected:
  static void SetUpTestSuite() {
    MotoTest::SetUpTestSuite();
    // The interpreter that has boto3, resolved once (by path, so HOME does not matter later).
    auto r = run({"/usr/bin/env", "python3", "-c", "import boto3, sys; print(sys.executable)"});
    if (r.exit_code == 0 && !r.out.empty()) {
      python_ = r.out.substr(0, r.out.find('\n'));
    }
  }

  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped()) return;
    if (python_.empty()) GTEST_SKIP() << "python3 with boto3 is not installed";
    // No ~/.aws of the machine, no settings of the environment: only what the test sets.
    env_.onlyMoto(moto_->url(), home_.path());
  }

  // The CLI on DynamoDB (`--store` and `--data-dir` are global options).
  RunResult itCli(const std::vector<std::string>& args, const std::string& input = "") {
    std::vector<std::string> argv{IT_BINARY, "--store", "dynamodb", "--data-dir", data_.path()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, input);
  }

  void createTables(bool sample_data) {
    std::vector<std::string> argv{IT_BINARY, "dynamodb", "create-tables"};
    if (sample_data) argv.push_back("--sample-data");
    auto r = run(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  void addUser(const std::string& name, const std::string& password) {
    auto r = itCli({"user", "add", name}, password + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Added user " + name + "\n");
  }

  // `immersion-tracker --store dynamodb serve`, days counted in UTC; ready once listening.
  ServerProcess startServer(const std::string& data_dir) {
    return ServerProcess::launch({IT_BINARY, "--store", "dynamodb", "--data-dir", data_dir, "serve",
                                  "--listen", "127.0.0.1:0", "--time-zone", "UTC"});
  }

  RunResult python(const char* script, const std::vector<std::string>& args = {},
                   const std::string& input = "") {
    std::vector<std::string> argv{python_, "-c", script};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, input);
  }

  // Writes `items` ({"table", "item"} each) as the originals' Python code would.
  void putAsOriginals(const json::array& puts) {
    auto r = python(kPutScript, {}, json::serialize(puts));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Both tables and the users' partitions, as boto3 sees them.
  json::object dump(const std::vector<std::string>& users, std::string* text = nullptr) {
    auto r = python(kDumpScript, users);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (r.exit_code != 0) return {};
    if (text != nullptr) *text = r.out;
    return json::parse(r.out).as_object();
  }

  static json::value getJson(HttpClient& client, const std::string& path) {
    HttpResult r = client.get(path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    if (r.status != 200) return nullptr;
    return json::parse(r.body);
  }

  static json::value postJson(HttpClient& client, const std::string& path, const std::string& body,
                              long status = 200) {
    HttpResult r = client.post(path, body);
    EXPECT_EQ(r.status, status) << path << ": " << r.body;
    if (r.status != status) return nullptr;
    return json::parse(r.body);
  }

  static inline std::string python_;
  TempDir home_;
  TempDir data_;
  ScopedEnv env_;
};

json::object put(const char* table, json::object item) {
  return {{"table", table}, {"item", std::move(item)}};
}

TEST_F(DynamoDbLayout, OriginalsDataIsServed) {
  ASSERT_NO_FATAL_FAILURE(createTables(/*sample_data=*/true));

  // jordan's history as the immersion original wrote it, spread over the last 20 days.
  const std::int64_t now = std::time(nullptr);
  const std::string pk = "USER#jordan";
  struct Watched {
    std::int64_t timestamp;
    std::int64_t seconds;  // as the original counts it
  };
  std::vector<Watched> watched;
  json::array puts;
  auto episode = [&](const std::string& folder, const std::string& file, std::int64_t timestamp,
                     std::int64_t seconds) {
    puts.push_back(put("immersion_tracker", {{"pk", pk},
                                             {"sk", "EPISODE#" + folder + "#" + file},
                                             {"user", "jordan"},
                                             {"folder_name", folder},
                                             {"file_name", file},
                                             {"timestamp", timestamp},
                                             {"version", 1}}));
    watched.push_back({timestamp, seconds});
  };
  // Tagged by PUT /show (version 2): its episodes last its TVDB runtime, 40 minutes.
  puts.push_back(
      put("immersion_tracker", {{"pk", pk},
                                {"sk", "SHOW#Free!"},
                                {"user", "jordan"},
                                {"folder_name", "Free!"},
                                {"tvdb_id", 278157},
                                {"tvdb_name", "Free!"},
                                {"tvdb_image", "https://artworks.thetvdb.com/banners/free.jpg"},
                                {"tvdb_average_runtime", 2400},
                                {"version", 2}}));
  episode("Free!", "Free! - 01.mkv", now - 20 * kDay - kHour, 2400);
  episode("Free!", "Free! - 02.mkv", now - 10 * kDay, 2400);
  episode("Free!", "Free! - 03.mkv", now - 2 * kDay - kHour, 2400);
  // Untagged, as POST /sync created it: 20 minutes an episode.
  puts.push_back(put("immersion_tracker", {{"pk", pk},
                                           {"sk", "SHOW#ハイキュー!!"},
                                           {"user", "jordan"},
                                           {"folder_name", "ハイキュー!!"},
                                           {"version", 1}}));
  episode("ハイキュー!!", "第1話.mkv", now - 5 * kDay, 1200);
  episode("ハイキュー!!", "第2話.mkv", now - 2 * kDay, 1200);
  puts.push_back(
      put("immersion_tracker", {{"pk", pk},
                                {"sk", "MOVIE#すずめの戸締まり.mkv"},
                                {"user", "jordan"},
                                {"file_name", "すずめの戸締まり.mkv"},
                                {"tvdb_id", 331904},
                                {"tvdb_name", "すずめの戸締まり"},
                                {"tvdb_image", "https://artworks.thetvdb.com/banners/suzume.jpg"},
                                {"movie_duration", 7320},
                                {"timestamp", now - 8 * kDay},
                                {"version", 1}}));
  watched.push_back({now - 8 * kDay, 7320});
  // A movie as the original writes it today, from TMDB.
  puts.push_back(
      put("immersion_tracker",
          {{"pk", pk},
           {"sk", "MOVIE#your_name"},
           {"user", "jordan"},
           {"file_name", "your_name"},
           {"tmdb_id", 372058},
           {"tmdb_name", "君の名は。"},
           {"tmdb_image", "https://image.tmdb.org/t/p/w500/q719jXXEzOoYaps6babgKnONONX.jpg"},
           {"movie_duration", 6360},
           {"timestamp", now - 10 * kDay},
           {"version", 1}}));
  watched.push_back({now - 10 * kDay, 6360});
  puts.push_back(put("immersion_tracker", {{"pk", pk},
                                           {"sk", "YOUTUBEVIDEO#kJQP7kiw5Fk"},
                                           {"user", "jordan"},
                                           {"youtube_video_id", "kJQP7kiw5Fk"},
                                           {"youtube_video_title", "Despacito"},
                                           {"youtube_channel_id", "UCLp8RBhQHu9wSsq62j_Md6A"},
                                           {"youtube_video_duration", 282},
                                           {"timestamp", now - 4 * kDay},
                                           {"version", 1}}));
  watched.push_back({now - 4 * kDay, 282});
  puts.push_back(
      put("immersion_tracker", {{"pk", pk},
                                {"sk", "YOUTUBECHANNEL#UCLp8RBhQHu9wSsq62j_Md6A"},
                                {"user", "jordan"},
                                {"youtube_channel_id", "UCLp8RBhQHu9wSsq62j_Md6A"},
                                {"youtube_channel_title", "LuisFonsiVEVO"},
                                // The original's migration 003 added this.
                                {"youtube_channel_artwork_url", "https://yt3.ggpht.com/luisfonsi"},
                                {"version", 1}}));
  // A video whose channel item is missing (written before the original's migration 000).
  puts.push_back(put("immersion_tracker", {{"pk", pk},
                                           {"sk", "YOUTUBEVIDEO#9bZkp7q19f0"},
                                           {"user", "jordan"},
                                           {"youtube_video_id", "9bZkp7q19f0"},
                                           {"youtube_video_title", "Gangnam Style"},
                                           {"youtube_channel_id", "UCrDkAvwZum-UTjHmzDI2iIw"},
                                           {"youtube_video_duration", 253},
                                           {"timestamp", now - 15 * kDay},
                                           {"version", 1}}));
  watched.push_back({now - 15 * kDay, 253});
  puts.push_back(put("immersion_tracker", {{"pk", pk},
                                           {"sk", "SPOTIFYEPISODE#512ojhOuo1ktJprKbVcKyQ"},
                                           {"user", "jordan"},
                                           {"spotify_episode_id", "512ojhOuo1ktJprKbVcKyQ"},
                                           {"spotify_episode_title", "Episode 1"},
                                           {"spotify_show_id", "38bS44xjbVVZ3No3ByF1dJ"},
                                           {"spotify_episode_duration", 1500},
                                           {"timestamp", now - 3 * kDay},
                                           {"version", 1}}));
  watched.push_back({now - 3 * kDay, 1500});
  puts.push_back(
      put("immersion_tracker", {{"pk", pk},
                                {"sk", "SPOTIFYSHOW#38bS44xjbVVZ3No3ByF1dJ"},
                                {"user", "jordan"},
                                {"spotify_show_id", "38bS44xjbVVZ3No3ByF1dJ"},
                                {"spotify_show_name", "The Miku Real Japanese Podcast"},
                                // And migration 004 this.
                                {"spotify_show_artwork_url", "https://i.scdn.co/image/miku"},
                                {"version", 1}}));
  // And jordan's place in a show, as the Flask original's put_item wrote it.
  puts.push_back(put("tv_show_tracker", {{"username", "jordan"},
                                         {"tv_show", "Free!"},
                                         {"season", 1},
                                         {"episode", 12},
                                         {"last_updated", "2025-01-15T10:30:00.123456"}}));
  ASSERT_NO_FATAL_FAILURE(putAsOriginals(puts));

  ASSERT_NO_FATAL_FAILURE(addUser("jordan", "jordan-pass"));
  ASSERT_NO_FATAL_FAILURE(addUser("john_doe", "john-pass"));
  ServerProcess server = startServer(data_.path());
  ASSERT_GT(server.port, 0);
  HttpClient client(server.url());
  client.setBasicAuth("jordan", "jordan-pass");

  EXPECT_EQ(getJson(client, "/shows?user=jordan"), json::parse(R"({"shows": [
      {"folder_name": "Free!", "tvdb_id": 278157, "tvdb_name": "Free!",
       "tvdb_image": "https://artworks.thetvdb.com/banners/free.jpg"},
      {"folder_name": "ハイキュー!!", "tvdb_id": null, "tvdb_name": null, "tvdb_image": null}]})"));

  json::value progress = getJson(client, "/progress?user=jordan");
  const std::int64_t request_time = std::time(nullptr);
  ASSERT_TRUE(progress.is_object());
  const json::object& p = progress.as_object();
  // 3 x 40 min + 2 x 20 min + 7320 s + 6360 s + 282 s + 253 s + 1500 s = 25315 s: 7 hours,
  // 421 minutes.
  EXPECT_EQ(p.at("total_episodes_watched"), 5);
  EXPECT_EQ(p.at("total_movies_watched"), 2);
  EXPECT_EQ(p.at("total_hours_watched"), 7);
  EXPECT_EQ(p.at("episodes_watched_today"), 0);
  EXPECT_EQ(p.at("movies_watched_today"), 0);
  EXPECT_EQ(p.at("youtube_videos_watched"), 2);
  EXPECT_EQ(p.at("youtube_videos_watched_today"), 0);
  EXPECT_EQ(p.at("spotify_episodes_watched"), 1);
  EXPECT_EQ(p.at("spotify_episodes_watched_today"), 0);
  EXPECT_EQ(p.at("days_since_first_episode"), 20);
  // Last 7 x 24 h: 2400 + 1200 + 1200 + 282 + 1500 s = 109 min; all time 421 min over 20 days.
  const double average = 421.0 / 20 * 7;
  ASSERT_TRUE(p.at("weekly_trend_percentage").is_double()) << progress;
  EXPECT_NEAR(p.at("weekly_trend_percentage").as_double(), (109 - average) / average * 100, 1e-9);
  EXPECT_EQ(p.at("shows"), json::parse(R"([
      {"show_id": "278157", "name": "Free!",
       "artwork_url": "https://artworks.thetvdb.com/banners/free.jpg", "episodes_watched": 3},
      {"show_id": null, "name": null, "artwork_url": null, "episodes_watched": 2}])"));
  EXPECT_EQ(p.at("youtube_channels"), json::parse(R"([
      {"channel_id": "UCLp8RBhQHu9wSsq62j_Md6A", "channel_name": "LuisFonsiVEVO",
       "artwork_url": "https://yt3.ggpht.com/luisfonsi", "videos_watched": 1},
      {"channel_id": "UCrDkAvwZum-UTjHmzDI2iIw", "channel_name": null, "artwork_url": null,
       "videos_watched": 1}])"));
  EXPECT_EQ(p.at("spotify_shows"), json::parse(R"([
      {"show_id": "38bS44xjbVVZ3No3ByF1dJ", "show_name": "The Miku Real Japanese Podcast",
       "artwork_url": "https://i.scdn.co/image/miku", "episodes_watched": 1}])"));
  EXPECT_EQ(p.at("movies"), json::parse(R"([
      {"movie_id": "すずめの戸締まり.mkv", "name": "すずめの戸締まり",
       "artwork_url": "https://artworks.thetvdb.com/banners/suzume.jpg"},
      {"movie_id": "your_name", "name": "君の名は。",
       "artwork_url": "https://image.tmdb.org/t/p/w500/q719jXXEzOoYaps6babgKnONONX.jpg"}])"));
  EXPECT_EQ(p.at("time_zone"), "UTC");

  // The calendar fields (UTC days and quarters), item by item.
  json::array daily;
  for (int days_ago = 6; days_ago >= 0; --days_ago) {
    std::int64_t seconds = 0;
    for (const auto& w : watched) {
      if (request_time / kDay - w.timestamp / kDay == days_ago) seconds += w.seconds;
    }
    daily.push_back(json::object{{"days_ago", days_ago}, {"minutes_watched", seconds / 60}});
  }
  EXPECT_EQ(p.at("daily_activity"), daily);
  std::map<int, std::int64_t> by_quarter;
  std::map<int, std::string> labels;
  for (const auto& w : watched) {
    by_quarter[quarterIndex(w.timestamp)] += w.seconds;
    labels[quarterIndex(w.timestamp)] = quarterLabel(w.timestamp);
  }
  json::array all_time;
  std::int64_t cumulative = 0;
  for (const auto& [quarter, seconds] : by_quarter) {
    ASSERT_LE(quarter - by_quarter.begin()->first, 1);  // 20 days span at most two quarters
    cumulative += seconds;
    all_time.push_back(
        json::object{{"label", labels[quarter]}, {"cumulative_hours", cumulative / 3600}});
  }
  EXPECT_EQ(p.at("all_time_progress"), all_time);

  // The Flask original's items: jordan's own, and the setup script's sample items of john_doe.
  EXPECT_EQ(getJson(client, "/api/show_user?username=jordan"), json::parse(R"({
      "username": "jordan", "total_shows": 1,
      "shows": [{"tv_show": "Free!", "season": 1, "episode": 12,
                 "last_updated": "2025-01-15T10:30:00.123456"}]})"));
  EXPECT_EQ(getJson(client, "/api/show_episode?username=jordan&tv_show=Free%21"),
            json::parse(R"({"username": "jordan", "tv_show": "Free!", "season": 1,
                            "episode": 12, "last_updated": "2025-01-15T10:30:00.123456"})"));
  EXPECT_EQ(client.get("/api/show_user?username=john_doe").status, 403);

  HttpClient john(server.url());
  john.setBasicAuth("john_doe", "john-pass");
  json::value shows = getJson(john, "/api/show_user?username=john_doe");
  ASSERT_TRUE(shows.is_object());
  EXPECT_EQ(shows.at("username"), "john_doe");
  EXPECT_EQ(shows.at("total_shows"), 2);
  ASSERT_EQ(shows.at("shows").as_array().size(), 2u) << shows;
  const auto& breaking_bad = shows.at("shows").as_array()[0].as_object();
  const auto& the_office = shows.at("shows").as_array()[1].as_object();
  EXPECT_EQ(breaking_bad.at("tv_show"), "Breaking Bad");
  EXPECT_EQ(breaking_bad.at("season"), 3);
  EXPECT_EQ(breaking_bad.at("episode"), 7);
  EXPECT_TRUE(breaking_bad.at("last_updated").as_string().ends_with("Z"));
  EXPECT_EQ(the_office.at("tv_show"), "The Office");
  EXPECT_EQ(the_office.at("season"), 5);
  EXPECT_EQ(the_office.at("episode"), 12);
  // john_doe has no immersion data: zeros and empty lists.
  json::value empty = getJson(john, "/progress");
  ASSERT_TRUE(empty.is_object());
  EXPECT_EQ(empty.at("total_episodes_watched"), 0);
  EXPECT_EQ(empty.at("shows"), json::array{});
  EXPECT_EQ(getJson(john, "/shows"), json::parse(R"({"shows": []})"));
}

TEST_F(DynamoDbLayout, ItemsWrittenByTheServerHaveTheOriginalsLayout) {
  FakeProviders fake;
  fake.addSeries(278157, "Free!", "https://artworks.thetvdb.com/free.jpg", 24);
  fake.addMovie(331904, "すずめの戸締まり", "https://artworks.thetvdb.com/suzume.jpg", 122);
  fake.addVideo("kJQP7kiw5Fk", "Despacito", "UCLp8RBhQHu9wSsq62j_Md6A", "LuisFonsiVEVO", "PT4M42S");
  fake.addChannel("UCLp8RBhQHu9wSsq62j_Md6A", "LuisFonsiVEVO");
  fake.addSpotifyEpisode("4rOoJ6Egrf8K2IrywzwOMk", "Episode 2", 1'500'999, "38bS44xjbVVZ3No3ByF1dJ",
                         "The Miku Real Japanese Podcast");
  fake.addTmdbMovie(372058, "君の名は。", "Your Name.", "/q719jXXEzOoYaps6babgKnONONX.jpg", 106);
  fake.addTmdbMovie(129, "千と千尋の神隠し", "Spirited Away", std::nullopt, 125);
  for (const auto& [name, value] : fake.environment()) env_.set(name, value);
  for (const auto& [name, value] : fake.tmdbEnvironment()) env_.set(name, value);
  ASSERT_NO_FATAL_FAILURE(createTables(/*sample_data=*/false));
  const std::string password = "Pl41nText-Secret";
  ASSERT_NO_FATAL_FAILURE(addUser("alice", password));
  ServerProcess server = startServer(data_.path());
  ASSERT_GT(server.port, 0);
  HttpClient client(server.url());
  client.setBasicAuth("alice", password);

  const std::int64_t before = std::time(nullptr);
  EXPECT_EQ(postJson(client, "/sync", R"({"episodes": [
      {"folder_name": "Free!", "file_name": "Free! - 01.mkv"},
      {"folder_name": "Free!", "file_name": "Free! - 02.mkv"},
      {"folder_name": "Haikyuu", "file_name": "Haikyuu - 01.mkv"}]})"),
            json::parse(R"({"episodes_added": 3})"));
  HttpResult tagged =
      client.request("PUT", "/show", R"({"folder_name": "Free!", "tvdb_id": 278157})",
                     {"Content-Type: application/json"});
  EXPECT_EQ(tagged.status, 200) << tagged.body;
  EXPECT_EQ(postJson(client, "/syncmovies",
                     R"({"movies": [{"file_name": "Suzume.mkv", "tvdb_id": 331904},
                                    {"file_name": "your_name.mkv", "tmdb_id": 372058}]})")
                .at("movies_added"),
            2);
  EXPECT_EQ(postJson(client, "/api/movies", R"({"tmdb_id": 129})", 201).at("added"), true);
  EXPECT_EQ(
      postJson(client, "/syncyoutube", R"({"video_ids": ["kJQP7kiw5Fk"]})").at("videos_added"), 1);
  EXPECT_EQ(postJson(client, "/syncspotify", R"({"episode_ids": ["4rOoJ6Egrf8K2IrywzwOMk"]})")
                .at("episodes_added"),
            1);
  EXPECT_EQ(postJson(client, "/api/update_episode",
                     R"({"username": "alice", "tv_show": "The Office", "season": 2,
                         "episode": 5})",
                     201)
                .at("message"),
            "Episode updated successfully");
  const std::int64_t after = std::time(nullptr);
  EXPECT_EQ(getJson(client, "/progress").at("total_episodes_watched"), 3);

  std::string text;
  json::object tables = dump({"alice"}, &text);
  ASSERT_FALSE(tables.empty());
  EXPECT_EQ(text.find(password), std::string::npos) << "the password is stored in plain text";
  const json::array& immersion = tables.at("immersion_tracker").as_array();

  using Types = std::map<std::string, std::string>;
  auto expectTimestamp = [&](const json::object& item) {
    std::int64_t t = std::stoll(num(item, "timestamp"));
    EXPECT_GE(t, before);
    EXPECT_LE(t, after);
  };
  const Types episode_types{{"pk", "S"},          {"sk", "S"},        {"user", "S"},
                            {"folder_name", "S"}, {"file_name", "S"}, {"timestamp", "N"},
                            {"version", "N"}};
  for (const auto& [folder, file] :
       std::vector<std::pair<std::string, std::string>>{{"Free!", "Free! - 01.mkv"},
                                                        {"Free!", "Free! - 02.mkv"},
                                                        {"Haikyuu", "Haikyuu - 01.mkv"}}) {
    json::object e = findItem(immersion, "EPISODE#" + folder + "#" + file, "USER#alice");
    EXPECT_EQ(typesOf(e), episode_types) << e;
    EXPECT_EQ(str(e, "user"), "alice");
    EXPECT_EQ(str(e, "folder_name"), folder);
    EXPECT_EQ(str(e, "file_name"), file);
    EXPECT_EQ(num(e, "version"), "1");
    expectTimestamp(e);
  }

  json::object untagged = findItem(immersion, "SHOW#Haikyuu", "USER#alice");
  EXPECT_EQ(
      typesOf(untagged),
      (Types{{"pk", "S"}, {"sk", "S"}, {"user", "S"}, {"folder_name", "S"}, {"version", "N"}}))
      << untagged;
  EXPECT_EQ(str(untagged, "folder_name"), "Haikyuu");
  EXPECT_EQ(num(untagged, "version"), "1");

  // Tagged by PUT /show: TVDB's fields, the runtime in seconds, the version bumped. One
  // attribute is ours, which the original ignores: the series' language (tvdb_language), as
  // `language` is on movies, videos and podcast episodes.
  json::object show = findItem(immersion, "SHOW#Free!", "USER#alice");
  EXPECT_EQ(typesOf(show), (Types{{"pk", "S"},
                                  {"sk", "S"},
                                  {"user", "S"},
                                  {"folder_name", "S"},
                                  {"tvdb_id", "N"},
                                  {"tvdb_name", "S"},
                                  {"tvdb_image", "S"},
                                  {"tvdb_average_runtime", "N"},
                                  {"tvdb_language", "S"},
                                  {"version", "N"}}))
      << show;
  EXPECT_EQ(num(show, "tvdb_id"), "278157");
  EXPECT_EQ(str(show, "tvdb_name"), "Free!");
  EXPECT_EQ(str(show, "tvdb_image"), "https://artworks.thetvdb.com/free.jpg");
  EXPECT_EQ(num(show, "tvdb_average_runtime"), "1440");
  EXPECT_EQ(num(show, "version"), "2");

  json::object movie = findItem(immersion, "MOVIE#Suzume.mkv", "USER#alice");
  EXPECT_EQ(typesOf(movie), (Types{{"pk", "S"},
                                   {"sk", "S"},
                                   {"user", "S"},
                                   {"file_name", "S"},
                                   {"tvdb_id", "N"},
                                   {"tvdb_name", "S"},
                                   {"tvdb_image", "S"},
                                   {"movie_duration", "N"},
                                   {"language", "S"},
                                   {"timestamp", "N"},
                                   {"version", "N"}}))
      << movie;
  EXPECT_EQ(num(movie, "tvdb_id"), "331904");
  EXPECT_EQ(str(movie, "tvdb_name"), "すずめの戸締まり");
  EXPECT_EQ(num(movie, "movie_duration"), "7320");
  EXPECT_EQ(num(movie, "version"), "1");
  expectTimestamp(movie);

  // From TMDB, as the original writes them today: tmdb_* instead of tvdb_*, no image without
  // a poster; a movie added without a file under manual_tmdb_<id>.
  json::object tmdb_movie = findItem(immersion, "MOVIE#your_name.mkv", "USER#alice");
  Types tmdb_types{
      {"pk", "S"},       {"sk", "S"},        {"user", "S"},       {"file_name", "S"},
      {"tmdb_id", "N"},  {"tmdb_name", "S"}, {"tmdb_image", "S"}, {"movie_duration", "N"},
      {"language", "S"}, {"timestamp", "N"}, {"version", "N"}};
  EXPECT_EQ(typesOf(tmdb_movie), tmdb_types) << tmdb_movie;
  EXPECT_EQ(num(tmdb_movie, "tmdb_id"), "372058");
  EXPECT_EQ(str(tmdb_movie, "tmdb_name"), "君の名は。");
  EXPECT_EQ(str(tmdb_movie, "tmdb_image"),
            "https://image.tmdb.org/t/p/w500/q719jXXEzOoYaps6babgKnONONX.jpg");
  EXPECT_EQ(num(tmdb_movie, "movie_duration"), "6360");
  json::object manual = findItem(immersion, "MOVIE#manual_tmdb_129", "USER#alice");
  tmdb_types.erase("tmdb_image");
  EXPECT_EQ(typesOf(manual), tmdb_types) << manual;
  EXPECT_EQ(str(manual, "file_name"), "manual_tmdb_129");
  EXPECT_EQ(str(manual, "tmdb_name"), "千と千尋の神隠し");

  json::object video = findItem(immersion, "YOUTUBEVIDEO#kJQP7kiw5Fk", "USER#alice");
  EXPECT_EQ(typesOf(video), (Types{{"pk", "S"},
                                   {"sk", "S"},
                                   {"user", "S"},
                                   {"youtube_video_id", "S"},
                                   {"youtube_video_title", "S"},
                                   {"youtube_channel_id", "S"},
                                   {"youtube_video_duration", "N"},
                                   {"language", "S"},
                                   {"timestamp", "N"},
                                   {"version", "N"}}))
      << video;
  EXPECT_EQ(str(video, "youtube_video_title"), "Despacito");
  EXPECT_EQ(str(video, "youtube_channel_id"), "UCLp8RBhQHu9wSsq62j_Md6A");
  EXPECT_EQ(num(video, "youtube_video_duration"), "282");
  expectTimestamp(video);
  json::object channel =
      findItem(immersion, "YOUTUBECHANNEL#UCLp8RBhQHu9wSsq62j_Md6A", "USER#alice");
  EXPECT_EQ(typesOf(channel), (Types{{"pk", "S"},
                                     {"sk", "S"},
                                     {"user", "S"},
                                     {"youtube_channel_id", "S"},
                                     {"youtube_channel_title", "S"},
                                     {"youtube_channel_artwork_url", "S"},
                                     {"version", "N"}}))
      << channel;
  EXPECT_EQ(str(channel, "youtube_channel_title"), "LuisFonsiVEVO");
  EXPECT_EQ(str(channel, "youtube_channel_artwork_url"),
            "https://yt3.ggpht.com/UCLp8RBhQHu9wSsq62j_Md6A-high");

  json::object podcast_episode =
      findItem(immersion, "SPOTIFYEPISODE#4rOoJ6Egrf8K2IrywzwOMk", "USER#alice");
  EXPECT_EQ(typesOf(podcast_episode), (Types{{"pk", "S"},
                                             {"sk", "S"},
                                             {"user", "S"},
                                             {"spotify_episode_id", "S"},
                                             {"spotify_episode_title", "S"},
                                             {"spotify_show_id", "S"},
                                             {"spotify_episode_duration", "N"},
                                             {"language", "S"},
                                             {"timestamp", "N"},
                                             {"version", "N"}}))
      << podcast_episode;
  EXPECT_EQ(num(podcast_episode, "spotify_episode_duration"), "1500");  // 1,500,999 ms
  expectTimestamp(podcast_episode);
  json::object podcast = findItem(immersion, "SPOTIFYSHOW#38bS44xjbVVZ3No3ByF1dJ", "USER#alice");
  EXPECT_EQ(typesOf(podcast), (Types{{"pk", "S"},
                                     {"sk", "S"},
                                     {"user", "S"},
                                     {"spotify_show_id", "S"},
                                     {"spotify_show_name", "S"},
                                     {"spotify_show_artwork_url", "S"},
                                     {"version", "N"}}))
      << podcast;
  EXPECT_EQ(str(podcast, "spotify_show_name"), "The Miku Real Japanese Podcast");
  EXPECT_EQ(str(podcast, "spotify_show_artwork_url"),
            "https://i.scdn.co/image/38bS44xjbVVZ3No3ByF1dJ-640");

  // Everything else is ours, in partitions of our own ("IT#..."), and the login holds a hash.
  std::set<std::string> own_partitions;
  for (const auto& v : immersion) {
    const auto& item = v.as_object();
    std::string item_pk = str(item, "pk");
    if (item_pk == "USER#alice") {
      EXPECT_TRUE(hasOriginalPrefix(str(item, "sk"))) << item;
      continue;
    }
    EXPECT_TRUE(item_pk.starts_with("IT#")) << item;
    own_partitions.insert(item_pk.starts_with("IT#META#") ? "IT#META#" : item_pk);
  }
  EXPECT_TRUE(own_partitions.contains("IT#USER"));
  EXPECT_TRUE(own_partitions.contains("IT#TOTALS#alice"));
  json::object user = findItem(immersion, "alice", "IT#USER");
  EXPECT_TRUE(str(user, "password_hash").starts_with("$argon2id$")) << user;
  EXPECT_EQ(str(user, "name"), "alice");
  EXPECT_EQ(user.at("admin"), json::parse(R"({"BOOL": false})"));
  json::object totals = findItem(immersion, "TOTALS", "IT#TOTALS#alice");
  EXPECT_EQ(str(totals, "zone"), "UTC");

  // The original's whole-partition Query (GetProgressHandler) finds its own item types only.
  const json::array& partition = tables.at("USER#alice").as_array();
  EXPECT_EQ(partition.size(), 12u);  // 3 episodes, 2 shows, 3 movies, video, channel, podcast x 2
  for (const auto& v : partition) {
    EXPECT_TRUE(hasOriginalPrefix(str(v.as_object(), "sk"))) << v;
  }

  // The Flask original's layout: numbers as N, the naive UTC time with microseconds.
  const json::array& tv = tables.at("tv_show_tracker").as_array();
  ASSERT_EQ(tv.size(), 1u);
  const json::object& progress = tv[0].as_object();
  EXPECT_EQ(typesOf(progress), (Types{{"username", "S"},
                                      {"tv_show", "S"},
                                      {"season", "N"},
                                      {"episode", "N"},
                                      {"last_updated", "S"}}))
      << progress;
  EXPECT_EQ(str(progress, "username"), "alice");
  EXPECT_EQ(str(progress, "tv_show"), "The Office");
  EXPECT_EQ(num(progress, "season"), "2");
  EXPECT_EQ(num(progress, "episode"), "5");
  EXPECT_TRUE(std::regex_match(str(progress, "last_updated"),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})")))
      << progress;
}

TEST_F(DynamoDbLayout, TwoServersOnTheSameTablesCountEachItemOnce) {
  ASSERT_NO_FATAL_FAILURE(createTables(/*sample_data=*/false));
  ASSERT_NO_FATAL_FAILURE(addUser("alice", "alice-pass"));
  TempDir data_b;
  ServerProcess a = startServer(data_.path());
  ServerProcess b = startServer(data_b.path());
  ASSERT_GT(a.port, 0);
  ASSERT_GT(b.port, 0);
  HttpClient client_a(a.url());
  HttpClient client_b(b.url());
  client_a.setBasicAuth("alice", "alice-pass");
  client_b.setBasicAuth("alice", "alice-pass");

  auto episodes = [](const std::string& folder, int from, int to) {
    std::string body = R"({"episodes": [)";
    for (int i = from; i <= to; ++i) {
      if (i > from) body += ", ";
      body += R"({"folder_name": ")" + folder + R"(", "file_name": "episode )" + std::to_string(i) +
              R"(.mkv"})";
    }
    return body + "]}";
  };
  auto added = [](const json::value& answer) -> std::int64_t {
    return answer.is_object() ? answer.at("episodes_added").to_number<std::int64_t>() : -1;
  };

  EXPECT_EQ(added(postJson(client_a, "/sync", episodes("Free!", 1, 3))), 3);
  // The same episodes through the other process: nothing new.
  EXPECT_EQ(added(postJson(client_b, "/sync", episodes("Free!", 1, 3))), 0);
  EXPECT_EQ(added(postJson(client_b, "/sync", episodes("Free!", 1, 4))), 1);

  // Both at once, the same ten new episodes: each is counted by exactly one of them.
  std::int64_t added_a = -1;
  std::int64_t added_b = -1;
  {
    std::thread other([&] {
      HttpClient c(b.url());
      c.setBasicAuth("alice", "alice-pass");
      HttpResult r = c.post("/sync", episodes("Haikyuu", 1, 10));
      if (r.status == 200) added_b = added(json::parse(r.body));
    });
    HttpResult r = client_a.post("/sync", episodes("Haikyuu", 1, 10));
    if (r.status == 200) added_a = added(json::parse(r.body));
    other.join();
  }
  ASSERT_GE(added_a, 0);
  ASSERT_GE(added_b, 0);
  EXPECT_EQ(added_a + added_b, 10);

  // Both processes see the same totals, read from the same aggregates.
  json::value progress_a = getJson(client_a, "/progress");
  json::value progress_b = getJson(client_b, "/progress");
  ASSERT_TRUE(progress_a.is_object());
  EXPECT_EQ(progress_a.at("total_episodes_watched"), 14);
  EXPECT_EQ(progress_a.at("episodes_watched_today"), 14);
  EXPECT_EQ(
      progress_a.at("shows"),
      json::parse(
          R"([{"show_id": null, "name": null, "artwork_url": null, "episodes_watched": 14}])"));
  EXPECT_EQ(progress_a, progress_b);
  EXPECT_EQ(getJson(client_b, "/shows"), json::parse(R"({"shows": [
      {"folder_name": "Free!", "tvdb_id": null, "tvdb_name": null, "tvdb_image": null},
      {"folder_name": "Haikyuu", "tvdb_id": null, "tvdb_name": null, "tvdb_image": null}]})"));

  // And the table holds each episode once, with one show item per folder.
  json::object tables = dump({"alice"});
  ASSERT_FALSE(tables.empty());
  int episode_items = 0;
  int show_items = 0;
  for (const auto& v : tables.at("USER#alice").as_array()) {
    std::string sk = str(v.as_object(), "sk");
    if (sk.starts_with("EPISODE#")) ++episode_items;
    if (sk.starts_with("SHOW#")) ++show_items;
  }
  EXPECT_EQ(episode_items, 14);
  EXPECT_EQ(show_items, 2);
}

// Items an original writes after this server built a user's aggregates are counted once
// `dynamodb rebuild-totals` has the aggregates rebuilt.
TEST_F(DynamoDbLayout, RebuildTotalsCountsWhatTheOriginalsWroteMeanwhile) {
  ASSERT_NO_FATAL_FAILURE(createTables(/*sample_data=*/false));
  ASSERT_NO_FATAL_FAILURE(addUser("alice", "alice-pass"));
  ServerProcess server = startServer(data_.path());
  ASSERT_GT(server.port, 0);
  HttpClient client(server.url());
  client.setBasicAuth("alice", "alice-pass");
  postJson(client, "/sync", R"({"episodes": [{"folder_name": "Free!", "file_name": "e1.mkv"}]})");
  EXPECT_EQ(getJson(client, "/progress").at("total_episodes_watched"), 1);

  const std::int64_t now = std::time(nullptr);
  ASSERT_NO_FATAL_FAILURE(
      putAsOriginals(json::array{put("immersion_tracker", {{"pk", "USER#alice"},
                                                           {"sk", "EPISODE#Free!#e2.mkv"},
                                                           {"user", "alice"},
                                                           {"folder_name", "Free!"},
                                                           {"file_name", "e2.mkv"},
                                                           {"timestamp", now - 3600},
                                                           {"version", 1}})}));
  EXPECT_EQ(getJson(client, "/progress").at("total_episodes_watched"), 1);  // not seen yet

  auto r = itCli({"dynamodb", "rebuild-totals"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Progress aggregates of alice will be rebuilt on next use\n");
  json::value progress = getJson(client, "/progress");
  EXPECT_EQ(progress.at("total_episodes_watched"), 2);
  EXPECT_EQ(
      progress.at("shows"),
      json::parse(
          R"([{"show_id": null, "name": null, "artwork_url": null, "episodes_watched": 2}])"));

  r = itCli({"dynamodb", "rebuild-totals", "alice", "nobody"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "immersion-tracker: no user named \"nobody\"\n");
  EXPECT_EQ(r.out, "");  // checked before anything is changed
}

}  // namespace
}  // namespace it::test
