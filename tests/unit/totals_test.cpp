// The totals ledger on its own: syncs, re-tags, rebuilds and zone changes, with no store.

#include "domain/totals.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace it::domain {
namespace {

const date::time_zone& zone(const char* name) {
  const date::time_zone* z = findTimeZone(name);
  EXPECT_NE(z, nullptr) << name;
  return *z;
}

// Items counted over all days.
std::int64_t itemsIn(const TotalsDelta& delta) {
  std::int64_t sum = 0;
  for (const auto& [key, tally] : delta.days) sum += tally.items;
  return sum;
}

// 2025-03-09 is the day New York moves its clocks forward (a 23-hour day); 2025-11-02 the day
// it moves them back (25 hours).
constexpr std::int64_t kNyMarch9Start = 1741496400;  // 2025-03-09T00:00-05:00
constexpr std::int64_t kNyMarch10Start = kNyMarch9Start + 23 * 3600;
constexpr std::int64_t kNyNov2Start = 1762056000;  // 2025-11-02T00:00-04:00
constexpr std::int64_t kNyNov3Start = kNyNov2Start + 25 * 3600;

TEST(TotalsTest, SyncCountsPerDayPerSyncTimeAndPerGroup) {
  const std::int64_t t = 1700000000;
  std::vector<TalliedItem> items = {
      {ItemKind::kEpisode, t, "Show A", 1200},
      {ItemKind::kEpisode, t, "Show A", 1200},
      {ItemKind::kEpisode, t, "Show B", 1500},
  };
  TotalsDelta delta = tally(items, zone("UTC"), SyncTimes::all());
  const LocalDay day = localDayOf(t, zone("UTC"));
  ASSERT_EQ(delta.days.size(), 1u);
  EXPECT_EQ(delta.days.at({day, ItemKind::kEpisode}), (Tally{3, 3900}));
  EXPECT_EQ(delta.sync_times.at({t, ItemKind::kEpisode}), (Tally{3, 3900}));
  EXPECT_EQ(delta.groups.at({ItemKind::kEpisode, "Show A"}), 2);
  EXPECT_EQ(delta.groups.at({ItemKind::kEpisode, "Show B"}), 1);
  EXPECT_EQ(delta.first_timestamp, t);
  EXPECT_EQ(itemsIn(delta), 3);
}

TEST(TotalsTest, MoviesBelongToNoGroup) {
  std::vector<TalliedItem> items = {{ItemKind::kMovie, 1700000000, "", 6000}};
  TotalsDelta delta = tally(items, zone("UTC"), SyncTimes::none());
  EXPECT_TRUE(delta.groups.empty());
  EXPECT_TRUE(delta.sync_times.empty());
  EXPECT_EQ(itemsIn(delta), 1);
}

TEST(TotalsTest, NothingAddedIsAnEmptyDelta) {
  TotalsDelta delta = tally({}, zone("UTC"), SyncTimes::all());
  EXPECT_TRUE(delta.empty());
  EXPECT_FALSE(delta.first_timestamp.has_value());
}

TEST(TotalsTest, DaysFollowTheLocalCalendarAcrossDstChanges) {
  const auto& ny = zone("America/New_York");
  std::vector<TalliedItem> items = {
      {ItemKind::kYoutubeVideo, kNyMarch9Start - 1, "c", 60},        // 8 March, 23:59:59
      {ItemKind::kYoutubeVideo, kNyMarch9Start, "c", 60},            // 9 March, first second
      {ItemKind::kYoutubeVideo, kNyMarch10Start - 1, "c", 60},       // 9 March, last second
      {ItemKind::kYoutubeVideo, kNyMarch10Start, "c", 60},           // 10 March
      {ItemKind::kYoutubeVideo, kNyNov2Start + 24 * 3600, "c", 60},  // still 2 November
      {ItemKind::kYoutubeVideo, kNyNov3Start, "c", 60},              // 3 November
  };
  TotalsDelta delta = tally(items, ny, SyncTimes::none());
  const LocalDay march9 = localDayOf(kNyMarch9Start, ny);
  const LocalDay nov2 = localDayOf(kNyNov2Start, ny);
  EXPECT_EQ(delta.days.at({march9 - 1, ItemKind::kYoutubeVideo}).items, 1);
  EXPECT_EQ(delta.days.at({march9, ItemKind::kYoutubeVideo}).items, 2);
  EXPECT_EQ(delta.days.at({march9 + 1, ItemKind::kYoutubeVideo}).items, 1);
  EXPECT_EQ(delta.days.at({nov2, ItemKind::kYoutubeVideo}).items, 1);
  EXPECT_EQ(delta.days.at({nov2 + 1, ItemKind::kYoutubeVideo}).items, 1);
}

TEST(TotalsTest, AChangeOfZoneMovesItemsBetweenDaysButKeepsTheirSums) {
  // 2025-06-01T20:00Z is already 2 June in Auckland (UTC+12); 10:00Z is still 1 June there.
  const std::int64_t t = 1748808000;
  std::vector<TalliedItem> items = {{ItemKind::kSpotifyEpisode, t, "pod", 1800},
                                    {ItemKind::kSpotifyEpisode, t - 10 * 3600, "pod", 1800}};
  TotalsDelta utc = tally(items, zone("UTC"), SyncTimes::none());
  TotalsDelta auckland = tally(items, zone("Pacific/Auckland"), SyncTimes::none());
  const LocalDay june1 = localDayOf(t, zone("UTC"));
  EXPECT_EQ(utc.days.size(), 1u);
  EXPECT_EQ(utc.days.at({june1, ItemKind::kSpotifyEpisode}), (Tally{2, 3600}));
  EXPECT_EQ(auckland.days.at({june1, ItemKind::kSpotifyEpisode}), (Tally{1, 1800}));
  EXPECT_EQ(auckland.days.at({june1 + 1, ItemKind::kSpotifyEpisode}), (Tally{1, 1800}));
  EXPECT_EQ(utc.groups, auckland.groups);
  EXPECT_EQ(utc.first_timestamp, auckland.first_timestamp);
}

TEST(TotalsTest, EpisodesWithoutARuntimeCountTwentyMinutes) {
  EXPECT_EQ(episodeSeconds(std::nullopt), 20 * 60);
  EXPECT_EQ(episodeSeconds(2700), 2700);
}

TEST(TotalsTest, AChosenLanguageWinsOverTheProvidersAndUnknownIsEmpty) {
  EXPECT_EQ(countedLanguage(std::string("ko"), std::string("ja")), "ko");
  EXPECT_EQ(countedLanguage(std::nullopt, std::string("ja")), "ja");
  EXPECT_EQ(countedLanguage(std::nullopt, std::nullopt), "");
}

TEST(TotalsTest, RetaggingCorrectsTheSecondsOfEachDayAndSyncTime) {
  const auto& utc = zone("UTC");
  const std::int64_t t = 1700000000;
  std::vector<std::int64_t> episodes = {t, t, t + 86400};
  TotalsDelta delta =
      recount(episodes, ItemKind::kEpisode, {1200, ""}, {2700, ""}, utc, SyncTimes::all());
  const LocalDay day = localDayOf(t, utc);
  EXPECT_EQ(delta.days.at({day, ItemKind::kEpisode}), (Tally{0, 2 * 1500}));
  EXPECT_EQ(delta.days.at({day + 1, ItemKind::kEpisode}), (Tally{0, 1500}));
  EXPECT_EQ(delta.sync_times.at({t, ItemKind::kEpisode}), (Tally{0, 3000}));
  EXPECT_TRUE(delta.groups.empty());
  EXPECT_FALSE(delta.first_timestamp.has_value());
  // Back to no runtime: the opposite change.
  TotalsDelta back =
      recount(episodes, ItemKind::kEpisode, {2700, ""}, {1200, ""}, utc, SyncTimes::none());
  EXPECT_EQ(back.days.at({day, ItemKind::kEpisode}), (Tally{0, -3000}));
  EXPECT_TRUE(back.sync_times.empty());
  // The same counting again changes nothing.
  EXPECT_TRUE(
      recount(episodes, ItemKind::kEpisode, {1200, ""}, {1200, ""}, utc, SyncTimes::all()).empty());
}

TEST(TotalsTest, ANewLanguageMovesTheItemsOfEachDayFromTheOldOne) {
  const auto& utc = zone("UTC");
  const std::int64_t t = 1700000000;
  std::vector<std::int64_t> videos = {t, t + 60, t + 86400};
  TotalsDelta delta =
      recount(videos, ItemKind::kYoutubeVideo, {600, ""}, {600, "ja"}, utc, SyncTimes::all());
  const LocalDay day = localDayOf(t, utc);
  EXPECT_EQ(delta.days.at({day, ItemKind::kYoutubeVideo, ""}), (Tally{-2, -1200}));
  EXPECT_EQ(delta.days.at({day, ItemKind::kYoutubeVideo, "ja"}), (Tally{2, 1200}));
  EXPECT_EQ(delta.days.at({day + 1, ItemKind::kYoutubeVideo, "ja"}), (Tally{1, 600}));
  EXPECT_EQ(delta.days.size(), 4u);
  // Same seconds: the sync times, which keep no language, do not change.
  EXPECT_TRUE(delta.sync_times.empty());
  // Applied to the tally of the same items, the totals are those of the items in "ja".
  std::vector<TalliedItem> before, after;
  for (std::int64_t v : videos) {
    before.push_back({ItemKind::kYoutubeVideo, v, "channel", 600, ""});
    after.push_back({ItemKind::kYoutubeVideo, v, "channel", 600, "ja"});
  }
  TotalsDelta counted = tally(before, utc, SyncTimes::none());
  counted.merge(delta);
  counted.sync_times.clear();
  EXPECT_EQ(counted.days, tally(after, utc, SyncTimes::none()).days);
}

TEST(TotalsTest, ARebuildKeepsTheSyncTimesOfTheLastNineDaysBeforeTheLatestItem) {
  const std::int64_t latest = 1700000000;
  std::vector<TalliedItem> items = {
      {ItemKind::kMovie, latest, "", 100},
      {ItemKind::kMovie, latest - kSyncTimeTotalsSeconds, "", 100},
      {ItemKind::kMovie, latest - kSyncTimeTotalsSeconds - 1, "", 100},
  };
  TotalsDelta delta = tally(items, zone("UTC"), recentSyncTimes(items));
  EXPECT_EQ(delta.sync_times.size(), 2u);
  EXPECT_FALSE(delta.sync_times.contains({latest - kSyncTimeTotalsSeconds - 1, ItemKind::kMovie}));
  EXPECT_EQ(itemsIn(delta), 3);
}

TEST(TotalsTest, MergeAddsAndDropsWhatComesToNothing) {
  TotalsDelta a;
  a.days[{1, ItemKind::kEpisode}] = {2, 2400};
  a.groups[{ItemKind::kEpisode, "x"}] = 2;
  a.first_timestamp = 50;
  TotalsDelta b;
  b.days[{1, ItemKind::kEpisode}] = {-2, -2400};
  b.days[{2, ItemKind::kEpisode}] = {0, 300};
  b.groups[{ItemKind::kEpisode, "x"}] = -2;
  b.first_timestamp = 40;
  a.merge(b);
  EXPECT_FALSE(a.days.contains({1, ItemKind::kEpisode}));
  EXPECT_EQ(a.days.at({2, ItemKind::kEpisode}), (Tally{0, 300}));
  EXPECT_TRUE(a.groups.empty());
  EXPECT_EQ(a.first_timestamp, 40);
}

// A user's history as a store keeps it: items by key, and each show folder's runtime.
struct History {
  struct Item {
    ItemKind kind;
    std::int64_t timestamp;
    std::string group;
    std::int64_t seconds;  // not used for episodes: they last their show's runtime
  };
  std::map<std::string, Item> items;
  std::map<std::string, std::optional<std::int64_t>> runtimes;

  std::vector<TalliedItem> tallied() const {
    std::vector<TalliedItem> out;
    for (const auto& [key, item] : items) {
      std::int64_t seconds =
          item.kind == ItemKind::kEpisode ? episodeSeconds(runtimes.at(item.group)) : item.seconds;
      out.push_back({item.kind, item.timestamp, item.group, seconds});
    }
    return out;
  }
};

// Random syncs (with repeats of items already recorded) and re-tags applied one at a time, as
// the stores do, must leave the same totals as one rebuild from the final items, in any zone.
TEST(TotalsTest, RebuildEqualsTheSumOfIncrementalChangesOverRandomHistories) {
  const char* zones[] = {"UTC", "America/New_York", "Pacific/Auckland", "Australia/Lord_Howe",
                         "Asia/Kathmandu"};
  const ItemKind kinds[] = {ItemKind::kEpisode, ItemKind::kMovie, ItemKind::kYoutubeVideo,
                            ItemKind::kSpotifyEpisode};
  for (unsigned seed = 1; seed <= 40; ++seed) {
    std::mt19937 random(seed);
    const auto& z = zone(zones[seed % std::size(zones)]);
    auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
    History history;
    TotalsDelta incremental;
    // Around DST changes in both hemispheres, a few months apart.
    std::int64_t now = kNyMarch9Start - 40 * 86400;
    for (int step = 0; step < 60; ++step) {
      now += pick(5) == 0 ? pick(30) * 86400 : pick(20000);
      if (pick(4) == 0 && !history.runtimes.empty()) {  // re-tag a folder
        auto folder = std::next(history.runtimes.begin(), pick(history.runtimes.size()));
        std::optional<std::int64_t> runtime;
        if (pick(3) != 0) runtime = 60 * (1 + pick(90));
        std::vector<std::int64_t> times;
        for (const auto& [key, item] : history.items) {
          if (item.kind == ItemKind::kEpisode && item.group == folder->first) {
            times.push_back(item.timestamp);
          }
        }
        incremental.merge(recount(times, ItemKind::kEpisode, {episodeSeconds(folder->second), ""},
                                  {episodeSeconds(runtime), ""}, z, SyncTimes::all()));
        folder->second = runtime;
        continue;
      }
      std::vector<TalliedItem> added;  // a sync: items the user has not got yet count
      for (int n = pick(8); n >= 0; --n) {
        ItemKind kind = kinds[pick(4)];
        std::string group = kind == ItemKind::kMovie ? "" : "g" + std::to_string(pick(4));
        std::string key =
            std::to_string(static_cast<int>(kind)) + group + "#" + std::to_string(pick(40));
        if (history.items.contains(key)) continue;
        std::int64_t seconds = pick(7200);
        if (kind == ItemKind::kEpisode) {
          seconds = episodeSeconds(history.runtimes.try_emplace(group).first->second);
        }
        history.items[key] = {kind, now, group, seconds};
        added.push_back({kind, now, group, seconds});
      }
      incremental.merge(tally(added, z, SyncTimes::all()));
    }
    TotalsDelta rebuilt = tally(history.tallied(), z, SyncTimes::all());
    EXPECT_EQ(rebuilt.days, incremental.days) << "seed " << seed;
    EXPECT_EQ(rebuilt.sync_times, incremental.sync_times) << "seed " << seed;
    EXPECT_EQ(rebuilt.groups, incremental.groups) << "seed " << seed;
    EXPECT_EQ(rebuilt.first_timestamp, incremental.first_timestamp) << "seed " << seed;
    EXPECT_FALSE(rebuilt.empty()) << "seed " << seed;
  }
}

}  // namespace
}  // namespace it::domain
