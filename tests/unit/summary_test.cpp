#include "client/summary.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <string_view>

namespace it::client {
namespace {

std::string summaryOf(std::string_view json) {
  return formatProgressSummary(boost::json::parse(json).as_object());
}

// Expected outputs are written from the original script's f-strings: labels padded to 11 and
// bars to 30 code points ("█" and "│" are 3 bytes each but count once), amounts right-aligned
// to 7, nothing truncated.

TEST(ProgressSummaryTest, RichExample) {
  const std::string body = R"({
    "total_episodes_watched": 16, "total_movies_watched": 2, "total_hours_watched": 40,
    "episodes_watched_today": 2, "movies_watched_today": 1,
    "youtube_videos_watched": 3, "youtube_videos_watched_today": 3,
    "spotify_episodes_watched": 5, "spotify_episodes_watched_today": 1,
    "days_since_first_episode": 400, "weekly_trend_percentage": 100.0,
    "daily_activity": [{"days_ago": 6, "minutes_watched": 0}, {"days_ago": 5, "minutes_watched": 59},
      {"days_ago": 4, "minutes_watched": 60}, {"days_ago": 3, "minutes_watched": 61},
      {"days_ago": 2, "minutes_watched": 1}, {"days_ago": 1, "minutes_watched": 96},
      {"days_ago": 0, "minutes_watched": 120}],
    "all_time_progress": [{"label": "Oct 2024", "cumulative_hours": 0},
      {"label": "Jan 2025", "cumulative_hours": 1}, {"label": "Apr 2025", "cumulative_hours": 17},
      {"label": "Jul 2025", "cumulative_hours": 40}],
    "shows": [{"name": "Free!", "episodes_watched": 12}, {"name": null, "episodes_watched": 3},
      {"name": "Haikyuu!!", "episodes_watched": 1}],
    "youtube_channels": [{"channel_name": "LuisFonsiVEVO", "videos_watched": 2},
      {"channel_name": "officialpsy", "videos_watched": 1}],
    "spotify_shows": [{"show_name": null, "episodes_watched": 4},
      {"show_name": "The Miku Real Japanese Podcast", "episodes_watched": 1}],
    "movies": [{"name": "Suzume"}, {"name": null}], "time_zone": "Pacific/Auckland"})";
  // Bars: 59/120*30 = 14.75 -> 14, 60 -> 15, 61 -> 15.25 -> 15, 1 -> 0.25 -> 0, 96 -> 24;
  // 1/40*30 = 0.75 -> 0, 17/40*30 = 12.75 -> 12. 400 days: 1 year, 35 / 30.42 -> 1 month.
  const std::string expected = R"(12 episodes of Free!
3 episodes of Unknown
1 episodes of Haikyuu!!

Suzume
Unknown

2 videos of LuisFonsiVEVO
1 video of officialpsy

4 episodes of Unknown
1 episode of The Miku Real Japanese Podcast

2 episodes watched today.
1 movies watched today.
3 YouTube videos watched today.
1 Spotify episodes watched today.

Weekly activity:
6 days ago │                                     0m
5 days ago │██████████████                      59m
4 days ago │███████████████                   1h 0m
3 days ago │███████████████                   1h 1m
2 days ago │                                     1m
Yesterday  │████████████████████████         1h 36m
Today      │██████████████████████████████    2h 0m
This week's activity is +100% compared to the average.

All time progress:
Oct 2024   │                                     0h
Jan 2025   │                                     1h
Apr 2025   │████████████                        17h
Jul 2025   │██████████████████████████████      40h
40 total hours watched.
1 year and 1 month since immersion started.
)";
  EXPECT_EQ(summaryOf(body), expected);
}

// A user with no data: the original crashed on max() of the empty all-time list; here the
// header stands alone.
TEST(ProgressSummaryTest, EmptyUser) {
  const std::string body = R"({
    "total_episodes_watched": 0, "total_movies_watched": 0, "total_hours_watched": 0,
    "episodes_watched_today": 0, "movies_watched_today": 0,
    "youtube_videos_watched": 0, "youtube_videos_watched_today": 0,
    "spotify_episodes_watched": 0, "spotify_episodes_watched_today": 0,
    "days_since_first_episode": 0, "weekly_trend_percentage": null,
    "daily_activity": [{"days_ago": 6, "minutes_watched": 0}, {"days_ago": 5, "minutes_watched": 0},
      {"days_ago": 4, "minutes_watched": 0}, {"days_ago": 3, "minutes_watched": 0},
      {"days_ago": 2, "minutes_watched": 0}, {"days_ago": 1, "minutes_watched": 0},
      {"days_ago": 0, "minutes_watched": 0}],
    "all_time_progress": [], "shows": [], "youtube_channels": [], "spotify_shows": [],
    "movies": []})";
  const std::string expected = R"(0 episodes watched today.
0 movies watched today.
0 YouTube videos watched today.
0 Spotify episodes watched today.

Weekly activity:
6 days ago │                                     0m
5 days ago │                                     0m
4 days ago │                                     0m
3 days ago │                                     0m
2 days ago │                                     0m
Yesterday  │                                     0m
Today      │                                     0m

All time progress:
0 total hours watched.
0 years and 0 months since immersion started.
)";
  EXPECT_EQ(summaryOf(body), expected);
}

TEST(ProgressSummaryTest, MissingFieldsReadAsZeroNullAndEmpty) {
  const std::string expected = R"(0 episodes watched today.
0 movies watched today.
0 YouTube videos watched today.
0 Spotify episodes watched today.

Weekly activity:

All time progress:
0 total hours watched.
0 years and 0 months since immersion started.
)";
  EXPECT_EQ(summaryOf("{}"), expected);
  // Lists of the wrong type are empty; non-numbers count as 0.
  EXPECT_EQ(summaryOf(R"({"shows": {}, "movies": "x", "daily_activity": null,
                          "all_time_progress": 3, "total_hours_watched": "5",
                          "weekly_trend_percentage": "12"})"),
            expected);
}

// Padding counts code points: "2025年10月" is 8 characters (16 bytes), "🎌 Q4" 4 (7 bytes).
// A label or amount wider than its column is printed whole. An empty name is "Unknown".
TEST(ProgressSummaryTest, JapaneseAndEmojiNamesAndWideColumns) {
  const std::string body = R"({
    "total_hours_watched": 1, "episodes_watched_today": 0, "movies_watched_today": 0,
    "youtube_videos_watched_today": 0, "spotify_episodes_watched_today": 0,
    "days_since_first_episode": 364, "weekly_trend_percentage": null,
    "daily_activity": [{"days_ago": 6, "minutes_watched": 6000},
      {"days_ago": 5, "minutes_watched": 59999}, {"days_ago": 4, "minutes_watched": 60000},
      {"days_ago": 3, "minutes_watched": 0}, {"days_ago": 2, "minutes_watched": 30},
      {"days_ago": 1, "minutes_watched": 0}, {"days_ago": 0, "minutes_watched": 600}],
    "all_time_progress": [{"label": "2025年10月", "cumulative_hours": 1},
      {"label": "🎌 Q4", "cumulative_hours": 3},
      {"label": "Quarter of Oct 2025", "cumulative_hours": 12345678}],
    "shows": [], "movies": [{"name": "君の名は。"}, {"name": ""}], "youtube_channels": [],
    "spotify_shows": [{"show_name": "ゆる言語学ラジオ 🎙️", "episodes_watched": 2}]})";
  const std::string expected = R"(君の名は。
Unknown

2 episodes of ゆる言語学ラジオ 🎙️

0 episodes watched today.
0 movies watched today.
0 YouTube videos watched today.
0 Spotify episodes watched today.

Weekly activity:
6 days ago │███                             100h 0m
5 days ago │█████████████████████████████   999h 59m
4 days ago │██████████████████████████████  1000h 0m
3 days ago │                                     0m
2 days ago │                                    30m
Yesterday  │                                     0m
Today      │                                 10h 0m

All time progress:
2025年10月   │                                     1h
🎌 Q4       │                                     3h
Quarter of Oct 2025│██████████████████████████████  12345678h
1 total hour watched.
0 years and 11 months since immersion started.
)";
  EXPECT_EQ(summaryOf(body), expected);
}

// Shows and channels without movies or Spotify; the blank line between lists appears only
// between non-empty ones. Numbers past int64, a negative count, integral doubles.
TEST(ProgressSummaryTest, LargeNumbersAndIntegralDoubles) {
  const std::string body = R"({
    "shows": [{"name": "Big", "episodes_watched": 18446744073709551615},
      {"episodes_watched": 1}, {}],
    "youtube_channels": [{"channel_name": "Neg", "videos_watched": -1}],
    "movies": [], "spotify_shows": [],
    "total_hours_watched": 2.0, "days_since_first_episode": 730.0,
    "episodes_watched_today": 9223372036854775807, "movies_watched_today": 0,
    "youtube_videos_watched_today": 0, "spotify_episodes_watched_today": 0,
    "weekly_trend_percentage": 1e20,
    "daily_activity": [{"days_ago": 1, "minutes_watched": 45},
      {"days_ago": 0, "minutes_watched": 90.0}],
    "all_time_progress": [{"label": "Jan 2025", "cumulative_hours": 0},
      {"label": "Apr 2025", "cumulative_hours": 0}]})";
  const std::string expected = R"(18446744073709551615 episodes of Big
1 episodes of Unknown
0 episodes of Unknown

-1 videos of Neg

9223372036854775807 episodes watched today.
0 movies watched today.
0 YouTube videos watched today.
0 Spotify episodes watched today.

Weekly activity:
Yesterday  │███████████████                     45m
Today      │██████████████████████████████   1h 30m
This week's activity is +100000000000000000000% compared to the average.

All time progress:
Jan 2025   │                                     0h
Apr 2025   │                                     0h
2 total hours watched.
2 years and 0 months since immersion started.
)";
  EXPECT_EQ(summaryOf(body), expected);
}

TEST(ProgressSummaryTest, BlankLinesBetweenLists) {
  // Only channels and Spotify shows: no blank line before the channels, one between them.
  EXPECT_EQ(summaryOf(R"({"youtube_channels": [{"channel_name": null, "videos_watched": 1}],
                          "spotify_shows": [{"show_name": "P", "episodes_watched": 0}]})"),
            R"(1 video of Unknown

0 episodes of P

0 episodes watched today.
0 movies watched today.
0 YouTube videos watched today.
0 Spotify episodes watched today.

Weekly activity:

All time progress:
0 total hours watched.
0 years and 0 months since immersion started.
)");
  // Only Spotify shows: no blank line before them.
  EXPECT_EQ(summaryOf(R"({"spotify_shows": [{"show_name": "P", "episodes_watched": 1}],
                          "total_hours_watched": 1})"),
            R"(1 episode of P

0 episodes watched today.
0 movies watched today.
0 YouTube videos watched today.
0 Spotify episodes watched today.

Weekly activity:

All time progress:
1 total hour watched.
0 years and 0 months since immersion started.
)");
  // Movies and Spotify shows.
  EXPECT_EQ(summaryOf(R"({"movies": [{"name": "M"}],
                          "spotify_shows": [{"show_name": "P", "episodes_watched": 2}]})"),
            R"(M

2 episodes of P

0 episodes watched today.
0 movies watched today.
0 YouTube videos watched today.
0 Spotify episodes watched today.

Weekly activity:

All time progress:
0 total hours watched.
0 years and 0 months since immersion started.
)");
}

constexpr std::string_view kQuietHead = R"(0 episodes watched today.
0 movies watched today.
0 YouTube videos watched today.
0 Spotify episodes watched today.

Weekly activity:
Today      │                                     0m
)";

constexpr std::string_view kQuietTail = R"(
All time progress:
0 total hours watched.
)";

// round() is Python's: halves go to the even integer; "+" only above 0.
TEST(ProgressSummaryTest, TrendLine) {
  const struct {
    std::string_view percentage;
    std::string_view line;
  } cases[] = {
      {"100.0", "This week's activity is +100% compared to the average.\n"},
      {"-37.5", "This week's activity is -38% compared to the average.\n"},
      {"2.5", "This week's activity is +2% compared to the average.\n"},
      {"3.5", "This week's activity is +4% compared to the average.\n"},
      {"1.5", "This week's activity is +2% compared to the average.\n"},
      {"-2.5", "This week's activity is -2% compared to the average.\n"},
      {"0.5", "This week's activity is 0% compared to the average.\n"},
      {"0.4", "This week's activity is 0% compared to the average.\n"},
      {"-0.4", "This week's activity is 0% compared to the average.\n"},
      {"-0.5", "This week's activity is 0% compared to the average.\n"},
      {"0.49999999999999994", "This week's activity is 0% compared to the average.\n"},
      {"0.0", "This week's activity is 0% compared to the average.\n"},
      {"44.32989690721649", "This week's activity is +44% compared to the average.\n"},
      {"122.22222222222223", "This week's activity is +122% compared to the average.\n"},
      {"-100.0", "This week's activity is -100% compared to the average.\n"},
      {"7", "This week's activity is +7% compared to the average.\n"},
      {"-3", "This week's activity is -3% compared to the average.\n"},
      {"0", "This week's activity is 0% compared to the average.\n"},
      {"null", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.percentage);
    const std::string body =
        R"({"daily_activity": [{"days_ago": 0, "minutes_watched": 0}], "days_since_first_episode": 0,
            "weekly_trend_percentage": )" +
        std::string(c.percentage) + "}";
    EXPECT_EQ(summaryOf(body), std::string(kQuietHead) + std::string(c.line) +
                                   std::string(kQuietTail) +
                                   "0 years and 0 months since immersion started.\n");
  }
}

// years = int(days / 365), months = int((days % 365) / (365 / 12)) with Python's floor modulo.
TEST(ProgressSummaryTest, YearsAndMonths) {
  const struct {
    std::string_view days;
    std::string_view line;
  } cases[] = {
      {"0", "0 years and 0 months since immersion started.\n"},
      {"30", "0 years and 0 months since immersion started.\n"},
      {"31", "0 years and 1 month since immersion started.\n"},
      {"61", "0 years and 2 months since immersion started.\n"},
      {"364", "0 years and 11 months since immersion started.\n"},
      {"365", "1 year and 0 months since immersion started.\n"},
      {"366", "1 year and 0 months since immersion started.\n"},
      {"400", "1 year and 1 month since immersion started.\n"},
      {"729", "1 year and 11 months since immersion started.\n"},
      {"730", "2 years and 0 months since immersion started.\n"},
      {"800", "2 years and 2 months since immersion started.\n"},
      {"3650", "10 years and 0 months since immersion started.\n"},
      {"-1", "0 years and 11 months since immersion started.\n"},
      {"-366", "-1 years and 11 months since immersion started.\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.days);
    const std::string body =
        R"({"daily_activity": [{"days_ago": 0, "minutes_watched": 0}],
            "days_since_first_episode": )" +
        std::string(c.days) + "}";
    EXPECT_EQ(summaryOf(body),
              std::string(kQuietHead) + std::string(kQuietTail) + std::string(c.line));
  }
}

}  // namespace
}  // namespace it::client
