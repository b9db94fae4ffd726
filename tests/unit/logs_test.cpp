#include "domain/logs.hpp"

#include <gtest/gtest.h>

#include "client/log_command.hpp"
#include "domain/immersion_summary.hpp"

namespace it::domain {
namespace {

TEST(Logs, MediumsAndUnitsRoundTripByName) {
  for (std::size_t m = 0; m < kMediums; ++m) {
    auto medium = static_cast<Medium>(m);
    EXPECT_EQ(mediumNamed(mediumName(medium)), medium);
  }
  EXPECT_EQ(mediumNamed("visual_novel"), Medium::kVisualNovel);
  EXPECT_EQ(mediumNamed("Book"), std::nullopt);
  EXPECT_EQ(mediumNamed(""), std::nullopt);
  EXPECT_EQ(unitNamed("pages"), AmountUnit::kPages);
  EXPECT_EQ(unitNamed("page"), std::nullopt);
  EXPECT_EQ(mediumOf(ItemKind::kSpotifyEpisode), Medium::kPodcast);
  EXPECT_EQ(mediumOf(ItemKind::kEpisode), Medium::kTv);
}

TEST(Logs, LanguageTagsAreTwoOrThreeLettersLowerCased) {
  EXPECT_EQ(languageTag("ja"), "ja");
  EXPECT_EQ(languageTag("JA"), "ja");
  EXPECT_EQ(languageTag("yue"), "yue");
  EXPECT_EQ(languageTag("jpn"), "ja");  // the shortest code, so that both count as one
  EXPECT_EQ(languageTag("KOR"), "ko");
  EXPECT_EQ(languageTag("j"), std::nullopt);
  EXPECT_EQ(languageTag("japanese"), std::nullopt);
  EXPECT_EQ(languageTag("ja-JP"), std::nullopt);
  EXPECT_EQ(languageTag("j1"), std::nullopt);
}

TEST(Logs, ProvidersTagsGiveTheirPrimaryLanguageOrNone) {
  EXPECT_EQ(contentLanguage("ja"), "ja");
  EXPECT_EQ(contentLanguage("en-US"), "en");  // YouTube, Spotify
  EXPECT_EQ(contentLanguage("zh-Hant"), "zh");
  EXPECT_EQ(contentLanguage("pt_BR"), "pt");
  EXPECT_EQ(contentLanguage("jpn"), "ja");  // TVDB
  EXPECT_EQ(contentLanguage("yue"), "yue");
  EXPECT_EQ(contentLanguage("zxx"), std::nullopt);  // no linguistic content
  EXPECT_EQ(contentLanguage("und"), std::nullopt);
  EXPECT_EQ(contentLanguage("mul"), std::nullopt);
  EXPECT_EQ(contentLanguage(""), std::nullopt);
  EXPECT_EQ(contentLanguage("-US"), std::nullopt);
  EXPECT_EQ(contentLanguage("japanese"), std::nullopt);
}

TEST(Logs, ThreeLetterCodesMapToTwoLetterOnes) {
  EXPECT_EQ(twoLetterLanguage("jpn"), "ja");
  EXPECT_EQ(twoLetterLanguage("kor"), "ko");
  EXPECT_EQ(twoLetterLanguage("ger"), "de");
  EXPECT_EQ(twoLetterLanguage("deu"), "de");
  EXPECT_EQ(twoLetterLanguage("zho"), "zh");
  EXPECT_EQ(twoLetterLanguage("EN"), "en");
  EXPECT_EQ(twoLetterLanguage("xxx"), std::nullopt);
  EXPECT_EQ(twoLetterLanguage(""), std::nullopt);
}

TEST(Logs, IdsSortAsLogsWereCreated) {
  std::string earlier = newLogId(1'764'000'000'000'000, 0xffffffff);
  std::string later = newLogId(1'764'000'000'000'001, 0);
  EXPECT_LT(earlier, later);
  EXPECT_TRUE(isLogId(earlier));
  EXPECT_EQ(earlier.size(), 24u);
  EXPECT_FALSE(isLogId("0006440a2b5d4000FFFFFFFF"));
  EXPECT_FALSE(isLogId("../../etc/passwd"));
  EXPECT_FALSE(isLogId(""));
}

TEST(Logs, AnAmountNeedsItsUnit) {
  ImmersionLog log;
  log.amount = 30;
  EXPECT_TRUE(logInconsistency(log).has_value());
  log.unit = AmountUnit::kPages;
  EXPECT_FALSE(logInconsistency(log).has_value());
  log.amount.reset();
  EXPECT_TRUE(logInconsistency(log).has_value());
}

TEST(Logs, AChangeSetsOnlyTheFieldsItGives) {
  ImmersionLog log;
  log.id = "x";
  log.medium = Medium::kBook;
  log.minutes = 45;
  log.title = "よつばと! 3";
  log.language = "ja";
  LogChange change;
  change.minutes = 50;
  change.title = std::optional<std::string>();  // cleared
  ImmersionLog changed = withChange(log, change);
  EXPECT_EQ(changed.minutes, 50);
  EXPECT_EQ(changed.title, std::nullopt);
  EXPECT_EQ(changed.language, "ja");
  EXPECT_EQ(changed.medium, Medium::kBook);
  EXPECT_EQ(changed.id, "x");
}

TEST(Logs, RowsGiveTheTotalsPerShareAndPerDate) {
  LogTotals t = logTotalsOfRows({{100, Medium::kBook, "ja", 45, 1},
                                 {101, Medium::kBook, "ja", 15, 2},
                                 {101, Medium::kManga, std::nullopt, 10, 1}},
                                101, 101);
  ASSERT_EQ(t.days.size(), 2u);
  ASSERT_EQ(t.shares.size(), 2u);
  EXPECT_EQ(t.shares[0].medium, Medium::kBook);
  EXPECT_EQ(t.shares[0].minutes, 60);
  EXPECT_EQ(t.shares[0].logs, 3);
  ASSERT_EQ(t.dates.size(), 2u);
  EXPECT_EQ(t.dates[1].day, 101);
  EXPECT_EQ(t.dates[1].minutes, 25);
}

TEST(Logs, TotalsMoveWithAChange) {
  ImmersionLog before;
  before.date = 100;
  before.medium = Medium::kBook;
  before.minutes = 45;
  before.language = "ja";
  ImmersionLog after = before;
  after.date = 101;
  LogTotalsDelta delta = logTotalsChange(before, after);
  ASSERT_EQ(delta.size(), 2u);
  EXPECT_EQ((delta[{100, Medium::kBook, "ja"}]), (LogTally{-45, -1}));
  EXPECT_EQ((delta[{101, Medium::kBook, "ja"}]), (LogTally{45, 1}));
  // Only the minutes change: one entry, no count.
  after = before;
  after.minutes = 50;
  delta = logTotalsChange(before, after);
  ASSERT_EQ(delta.size(), 1u);
  EXPECT_EQ((delta[{100, Medium::kBook, "ja"}]), (LogTally{5, 0}));
  EXPECT_TRUE(logTotalsChange(before, before).empty());
  // An unknown language is kept as "".
  before.language.reset();
  EXPECT_EQ(logTotals(before, -1).begin()->first, (LogTotalsKey{100, Medium::kBook, ""}));
}

TEST(Logs, DurationsAreReadAsPeopleWriteThem) {
  using client::parseDuration;
  EXPECT_EQ(parseDuration("45"), 45);
  EXPECT_EQ(parseDuration("45m"), 45);
  EXPECT_EQ(parseDuration("45min"), 45);
  EXPECT_EQ(parseDuration("1h"), 60);
  EXPECT_EQ(parseDuration("1h30m"), 90);
  EXPECT_EQ(parseDuration("1h 30m"), 90);
  EXPECT_EQ(parseDuration("1h30"), 90);
  EXPECT_EQ(parseDuration("1m30"), std::nullopt);  // seconds? minutes? refused
  EXPECT_EQ(parseDuration("45m30"), std::nullopt);
  EXPECT_EQ(parseDuration("1h 1h"), std::nullopt);
  EXPECT_EQ(parseDuration("30m 1h"), std::nullopt);
  EXPECT_EQ(parseDuration("2H"), 120);
  EXPECT_EQ(parseDuration("24h"), 1440);
  EXPECT_EQ(parseDuration("0"), std::nullopt);
  EXPECT_EQ(parseDuration("24h1m"), std::nullopt);
  EXPECT_EQ(parseDuration("1.5h"), std::nullopt);
  EXPECT_EQ(parseDuration("30 45m"), std::nullopt);
  EXPECT_EQ(parseDuration("2x"), std::nullopt);
  EXPECT_EQ(parseDuration(""), std::nullopt);
  EXPECT_EQ(parseDuration("-5"), std::nullopt);
  EXPECT_EQ(parseDuration("99999999999m"), std::nullopt);
}

// ---- the summary GET /progress adds -----------------------------------------------------------

constexpr LocalDay kToday = 100;

// A store's log totals of `rows`, as GET /progress asks for them on day kToday.
LogTotals progressLogTotals(const std::vector<LogDayTotal>& rows) {
  return logTotalsOfRows(rows, kToday - 6, kToday);
}

ProgressInput history(std::vector<std::pair<LocalDay, std::int64_t>> log_minutes_by_day) {
  std::vector<LogDayTotal> rows;
  for (auto [day, minutes] : log_minutes_by_day)
    rows.push_back({day, Medium::kBook, "ja", minutes, 1});
  ProgressInput in;
  in.logs = progressLogTotals(rows);
  return in;
}

TEST(ImmersionSummary, SyncedAndLoggedMinutesAddUpByMediumAndLanguage) {
  ProgressInput in;
  in.daily = {{100, ItemKind::kEpisode, 3, 3 * 1440}, {90, ItemKind::kMovie, 1, 7200}};
  in.logs = progressLogTotals({{100, Medium::kBook, "ja", 45, 1},
                               {99, Medium::kTv, "ja", 20, 1},
                               {80, Medium::kPodcast, "ko", 30, 2}});
  ImmersionSummary s = summarizeImmersion(in, 100, 0);
  EXPECT_EQ(s.total_minutes, 72 + 120 + 45 + 20 + 30);
  EXPECT_EQ(s.minutes_today, 72 + 45);
  ASSERT_EQ(s.by_medium.size(), 4u);
  EXPECT_EQ(s.by_medium[0].medium, Medium::kMovie);
  EXPECT_EQ(s.by_medium[0].minutes, 120);
  EXPECT_EQ(s.by_medium[0].minutes_last_7_days, 0);  // day 90 is 10 days ago
  EXPECT_EQ(s.by_medium[1].medium, Medium::kTv);     // 72 synced + 20 logged
  EXPECT_EQ(s.by_medium[1].minutes, 92);
  EXPECT_EQ(s.by_medium[1].items, 4);
  EXPECT_EQ(s.by_medium[1].minutes_last_7_days, 92);
  ASSERT_EQ(s.by_language.size(), 3u);
  EXPECT_EQ(s.by_language[0].language, std::nullopt);  // synced items: 72 + 120
  EXPECT_EQ(s.by_language[0].minutes, 192);
  EXPECT_EQ(s.by_language[1].language, "ja");
  EXPECT_EQ(s.by_language[1].minutes, 65);
  EXPECT_EQ(s.by_language[2].language, "ko");
  EXPECT_EQ(s.by_language[2].items, 2);
  EXPECT_EQ(s.goal_daily_minutes, std::nullopt);
  EXPECT_EQ(s.goal_met_today, std::nullopt);
}

TEST(ImmersionSummary, WithoutAGoalAnyImmersionKeepsTheStreak) {
  auto s = summarizeImmersion(history({{95, 5}, {96, 5}, {98, 1}, {99, 1}, {100, 1}}), 100, 0);
  EXPECT_EQ(s.current_streak_days, 3);
  EXPECT_EQ(s.longest_streak_days, 3);
  s = summarizeImmersion(history({{90, 5}, {91, 5}, {92, 5}, {93, 5}, {99, 1}}), 100, 0);
  EXPECT_EQ(s.current_streak_days, 1);  // ran to yesterday: still current today
  EXPECT_EQ(s.longest_streak_days, 4);
  s = summarizeImmersion(history({{97, 5}, {98, 5}}), 100, 0);
  EXPECT_EQ(s.current_streak_days, 0);  // broken yesterday
  EXPECT_EQ(s.longest_streak_days, 2);
  s = summarizeImmersion(ProgressInput{}, 100, 0);
  EXPECT_EQ(s.current_streak_days, 0);
  EXPECT_EQ(s.longest_streak_days, 0);
}

TEST(ImmersionSummary, AGoalDecidesWhichDaysCount) {
  // Each day against today's goal of 30 minutes: day 98 (20) breaks the run.
  auto s =
      summarizeImmersion(history({{96, 30}, {97, 60}, {98, 20}, {99, 30}, {100, 10}}), 100, 30);
  EXPECT_EQ(s.goal_daily_minutes, 30);
  EXPECT_EQ(s.goal_met_today, false);
  EXPECT_EQ(s.current_streak_days, 1);  // yesterday met it; today may still
  EXPECT_EQ(s.longest_streak_days, 2);
  s = summarizeImmersion(history({{99, 30}, {100, 10}, {100, 25}}), 100, 30);
  EXPECT_EQ(s.goal_met_today, true);  // 35 minutes today, in two rows
  EXPECT_EQ(s.current_streak_days, 2);
}

TEST(ImmersionSummary, SyncedItemsCountTowardsTheGoal) {
  ProgressInput in = history({{100, 10}});
  in.daily = {{100, ItemKind::kEpisode, 1, 20 * 60}};
  auto s = summarizeImmersion(in, 100, 30);
  EXPECT_EQ(s.goal_met_today, true);
  EXPECT_EQ(s.current_streak_days, 1);
}

}  // namespace
}  // namespace it::domain
