// The bodies of GET /progress and GET /api/activity, written straight into a string, are the
// bytes Boost.JSON made of the same documents before (the reference below is the renderer they
// replaced), whatever the strings hold: quotes, backslashes, control characters, UTF-8, bytes
// that are not UTF-8.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "api/immersion/handlers.hpp"
#include "domain/logs.hpp"

namespace it::api::immersion {
namespace {

namespace json = boost::json;

// ---- the reference: the documents as json::values, serialized by Boost.JSON -----------------

json::value optional(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

constexpr std::string_view kTrendPlaceholder = "\"@weekly_trend_percentage@\"";

std::string referenceProgressBody(const service::ProgressReport& report) {
  const domain::Progress& p = report.progress;
  json::array daily;
  for (const auto& d : p.daily_activity) {
    daily.push_back(json::object{{"days_ago", d.days_ago}, {"minutes_watched", d.minutes_watched}});
  }
  json::array all_time;
  for (const auto& q : p.all_time_progress) {
    all_time.push_back(json::object{{"label", q.label}, {"cumulative_hours", q.cumulative_hours}});
  }
  json::array shows;
  for (const auto& s : p.shows) {
    shows.push_back(json::object{{"show_id", optional(s.show_id)},
                                 {"name", optional(s.name)},
                                 {"artwork_url", optional(s.artwork_url)},
                                 {"episodes_watched", s.episodes_watched}});
  }
  json::array channels;
  for (const auto& c : p.youtube_channels) {
    channels.push_back(json::object{{"channel_id", c.channel_id},
                                    {"channel_name", optional(c.channel_name)},
                                    {"artwork_url", optional(c.artwork_url)},
                                    {"videos_watched", c.videos_watched}});
  }
  json::array spotify;
  for (const auto& s : p.spotify_shows) {
    spotify.push_back(json::object{{"show_id", s.show_id},
                                   {"show_name", optional(s.show_name)},
                                   {"artwork_url", optional(s.artwork_url)},
                                   {"episodes_watched", s.episodes_watched}});
  }
  json::array movies;
  for (const auto& m : p.movies) {
    movies.push_back(json::object{{"movie_id", m.file_name},
                                  {"name", optional(m.name)},
                                  {"artwork_url", optional(m.artwork_url)}});
  }
  json::object body;
  body.emplace("total_episodes_watched", p.total_episodes_watched);
  body.emplace("total_movies_watched", p.total_movies_watched);
  body.emplace("total_hours_watched", p.total_hours_watched);
  body.emplace("episodes_watched_today", p.episodes_watched_today);
  body.emplace("movies_watched_today", p.movies_watched_today);
  body.emplace("youtube_videos_watched", p.youtube_videos_watched);
  body.emplace("youtube_videos_watched_today", p.youtube_videos_watched_today);
  body.emplace("spotify_episodes_watched", p.spotify_episodes_watched);
  body.emplace("spotify_episodes_watched_today", p.spotify_episodes_watched_today);
  body.emplace("days_since_first_episode", p.days_since_first_episode);
  if (p.weekly_trend_percentage) {
    body.emplace("weekly_trend_percentage",
                 kTrendPlaceholder.substr(1, kTrendPlaceholder.size() - 2));
  } else {
    body.emplace("weekly_trend_percentage", nullptr);
  }
  body.emplace("daily_activity", std::move(daily));
  body.emplace("all_time_progress", std::move(all_time));
  body.emplace("shows", std::move(shows));
  body.emplace("youtube_channels", std::move(channels));
  body.emplace("spotify_shows", std::move(spotify));
  body.emplace("movies", std::move(movies));
  body.emplace("time_zone", report.time_zone);
  const domain::ImmersionSummary& s = report.immersion;
  auto share = [](std::string_view key, json::value name, const domain::ImmersionShare& m) {
    return json::object{{key, std::move(name)},
                        {"minutes", m.minutes},
                        {"items", m.items},
                        {"minutes_last_7_days", m.minutes_last_7_days}};
  };
  json::array by_medium;
  for (const auto& m : s.by_medium) {
    by_medium.push_back(share("medium", json::value(domain::mediumName(m.medium)), m));
  }
  json::array by_language;
  for (const auto& l : s.by_language)
    by_language.push_back(share("language", optional(l.language), l));
  body.emplace("total_minutes_immersed", s.total_minutes);
  body.emplace("minutes_today", s.minutes_today);
  body.emplace("by_medium", std::move(by_medium));
  body.emplace("by_language", std::move(by_language));
  body.emplace("goal_daily_minutes",
               s.goal_daily_minutes ? json::value(*s.goal_daily_minutes) : json::value(nullptr));
  body.emplace("goal_met_today",
               s.goal_met_today ? json::value(*s.goal_met_today) : json::value(nullptr));
  body.emplace("current_streak_days", s.current_streak_days);
  body.emplace("longest_streak_days", s.longest_streak_days);
  std::string text = json::serialize(body);
  if (p.weekly_trend_percentage) {
    text.replace(text.find(kTrendPlaceholder), kTrendPlaceholder.size(),
                 formatTrend(*p.weekly_trend_percentage));
  }
  return text;
}

std::string referenceActivityBody(const service::ActivityReport& report) {
  json::array days;
  for (const auto& day : report.days) {
    json::object minutes;
    json::object items;
    std::int64_t seconds = 0;
    for (std::size_t m = 0; m < domain::kMediums; ++m) {
      const domain::MediumTotal& medium = day.mediums[m];
      seconds += medium.seconds;
      if (medium.items == 0 && medium.seconds == 0) continue;
      auto name = domain::mediumName(static_cast<domain::Medium>(m));
      minutes.emplace(name, medium.seconds / 60);
      items.emplace(name, medium.items);
    }
    days.push_back(json::object{{"date", domain::formatIsoDate(day.day)},
                                {"total_minutes", seconds / 60},
                                {"minutes", std::move(minutes)},
                                {"items", std::move(items)}});
  }
  return json::serialize(json::object{{"from", domain::formatIsoDate(report.from)},
                                      {"to", domain::formatIsoDate(report.to)},
                                      {"time_zone", report.time_zone},
                                      {"days", std::move(days)}});
}

// ---- the cases --------------------------------------------------------------------------------

// Every byte value once, and the ones that need escaping in a row.
std::string everyByte() {
  std::string text;
  for (int c = 1; c < 256; ++c) text += static_cast<char>(c);
  return text + std::string(1, '\0') + "\"\\\b\f\n\r\t\x1f\x7f/";
}

const std::vector<std::string> kStrings = {
    "",
    "plain",
    "進撃の巨人",
    "quote \" and \\ backslash",
    "\n\t\r",
    "\x01\x02\x1e\x1f",
    "\xff\xfe not UTF-8",
    everyByte(),
    "ends with an escape\n",
    "\"",
    std::string(300, 'x') + "\x1b",
};

service::ProgressReport sampleReport(std::optional<double> trend,
                                     const std::vector<std::string>& strings = kStrings) {
  service::ProgressReport r;
  domain::Progress& p = r.progress;
  p.total_episodes_watched = 40000;
  p.total_movies_watched = 3;
  p.total_hours_watched = 55837;
  p.episodes_watched_today = -1;  // never negative, but any number is written alike
  p.movies_watched_today = 0;
  p.youtube_videos_watched = std::numeric_limits<std::int64_t>::max();
  p.youtube_videos_watched_today = std::numeric_limits<std::int64_t>::min();
  p.spotify_episodes_watched = 20000;
  p.spotify_episodes_watched_today = 32;
  p.days_since_first_episode = 729;
  p.weekly_trend_percentage = trend;
  for (int d = 6; d >= 0; --d) p.daily_activity.push_back({d, d * 100});
  p.all_time_progress = {{"Oct 2024", 2181}, {"Jan 2025", 8932}};
  for (const auto& s : strings) {
    p.shows.push_back({s, 800, s, s});
    p.youtube_channels.push_back({s, 30, s, std::nullopt});
    p.spotify_shows.push_back({std::nullopt, 4, s, s});
    p.movies.push_back({s, s, s});
    p.movies.push_back({s, std::nullopt, std::nullopt});
  }
  p.shows.push_back({std::nullopt, 1, std::nullopt, std::nullopt});
  r.time_zone = "Pacific/Auckland";
  domain::ImmersionSummary& s = r.immersion;
  s.total_minutes = 123;
  s.minutes_today = 4;
  domain::MediumShare tv;
  tv.medium = domain::Medium::kTv;
  tv.minutes = 100;
  tv.items = 5;
  tv.minutes_last_7_days = 7;
  domain::MediumShare book;
  book.medium = domain::Medium::kVisualNovel;
  s.by_medium = {tv, book};
  domain::LanguageShare ja;
  ja.language = "ja";
  ja.minutes = 3;
  domain::LanguageShare unknown;
  unknown.items = 9;
  s.by_language = {ja, unknown};
  return r;
}

TEST(ProgressBody, IsWhatBoostJsonMadeOfTheSameDocument) {
  for (std::optional<double> trend :
       {std::optional<double>{}, std::optional<double>{100.0}, std::optional<double>{-12.5},
        std::optional<double>{2.1647174365370883}, std::optional<double>{0.0},
        std::optional<double>{1e21}}) {
    service::ProgressReport report = sampleReport(trend);
    EXPECT_EQ(progressBody(report), referenceProgressBody(report));
    report.immersion.goal_daily_minutes = 60;
    report.immersion.goal_met_today = false;
    EXPECT_EQ(progressBody(report), referenceProgressBody(report));
  }
}

TEST(ProgressBody, OfAUserWithoutDataIsTheEmptyDocument) {
  service::ProgressReport report;
  report.time_zone = "UTC";
  EXPECT_EQ(progressBody(report), referenceProgressBody(report));
  EXPECT_TRUE(progressBody(report).starts_with(R"({"total_episodes_watched":0,)"));
}

// The document parses (when its strings are UTF-8), its fields in the original's order.
TEST(ProgressBody, ParsesWithItsFieldsInTheOriginalsOrder) {
  const std::vector<std::string> utf8 = {"", "進撃の巨人", "quote \" and \\", "\n\x01\x7f"};
  json::object parsed = json::parse(progressBody(sampleReport(100.0, utf8))).as_object();
  EXPECT_EQ(parsed.begin()->key(), "total_episodes_watched");
  EXPECT_EQ((parsed.end() - 1)->key(), "longest_streak_days");
  ASSERT_EQ(parsed.at("movies").as_array().size(), 2 * utf8.size());
  EXPECT_EQ(parsed.at("movies").as_array()[2].at("name"), "進撃の巨人");
  EXPECT_EQ(parsed.at("weekly_trend_percentage"), 100.0);
}

TEST(ProgressBody, ALongListOfMoviesIsWrittenWhole) {
  service::ProgressReport report;
  for (int i = 0; i < 20000; ++i) {
    const std::string id = "movie " + std::to_string(i);
    report.progress.movies.push_back(
        {id, "Movie \"" + std::to_string(i) + "\"", "https://img/" + std::to_string(i)});
  }
  EXPECT_EQ(progressBody(report), referenceProgressBody(report));
}

TEST(ActivityBody, IsWhatBoostJsonMadeOfTheSameDocument) {
  service::ActivityReport report;
  report.from = -400;  // 1968
  report.to = 20789;
  report.time_zone = "Asia/Tokyo";
  for (domain::LocalDay day : {-400, -1, 0, 59, 10956, 11016, 20789}) {
    domain::DayActivity a;
    a.day = day;
    a.mediums[static_cast<std::size_t>(domain::Medium::kTv)] = {3, 3 * 1440};
    a.mediums[static_cast<std::size_t>(domain::Medium::kVisualNovel)] = {0, 59};
    a.mediums[static_cast<std::size_t>(domain::Medium::kOther)] = {1, 0};
    report.days.push_back(a);
    report.days.push_back({day + 1, {}});  // a day without immersion
  }
  EXPECT_EQ(activityBody(report), referenceActivityBody(report));
  report.days.clear();
  EXPECT_EQ(activityBody(report), referenceActivityBody(report));
}

}  // namespace
}  // namespace it::api::immersion
