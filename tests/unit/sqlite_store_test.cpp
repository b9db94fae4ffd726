#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "support/store_helpers.hpp"
#include "support/temp_dir.hpp"

namespace it::storage::sqlite {
namespace {

using test::calendar;
using test::countAndWait;
using test::progress;
using test::putAndWait;

int userVersion(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr);
  sqlite3_step(s);
  int v = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::string path() const { return dir_.path() + "/tracker.db"; }
  test::TempDir dir_;
};

TEST_F(SqliteStoreTest, MigratesToTheLatestVersionOnceAndKeepsData) {
  {
    SqliteStore store({path()});
    putAndWait(store, progress("alice", "Lost", 1, 2));
  }
  EXPECT_EQ(userVersion(path()), SqliteStore::latestSchemaVersion());
  SqliteStore reopened({path()});
  auto p = reopened.getTvProgress("alice", "Lost");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->season, 1);
  EXPECT_EQ(p->episode, 2);
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerVersion) {
  { SqliteStore store({path()}); }
  sqlite3* db = nullptr;
  sqlite3_open(path().c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_THROW(SqliteStore({path()}), StoreError);
}

TEST_F(SqliteStoreTest, UpsertKeepsOneEntryPerUserAndShow) {
  SqliteStore store({path()});
  putAndWait(store, progress("alice", "Lost", 1, 2));
  putAndWait(store, progress("alice", "Lost", 4, 5));
  putAndWait(store, progress("bob", "Lost", 1, 1));
  auto shows = store.listTvProgress("alice");
  ASSERT_EQ(shows.size(), 1u);
  EXPECT_EQ(shows[0].season, 4);
  EXPECT_EQ(store.listAllTvProgress(0, std::nullopt).entries.size(), 2u);
}

TEST_F(SqliteStoreTest, ManyConcurrentWritesAreGroupCommittedAndAllLand) {
  SqliteStore store({path()});
  constexpr int kWrites = 2000;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<std::exception_ptr>> pending;
      for (int i = 0; i < kWrites / 4; ++i) {
        auto done = std::make_shared<std::promise<std::exception_ptr>>();
        pending.push_back(done->get_future());
        store.putTvProgress(
            progress("u" + std::to_string(t), "show " + std::to_string(i), 1, i + 1),
            [done](std::exception_ptr e) { done->set_value(e); });
      }
      for (auto& f : pending) {
        if (f.get() == nullptr) ok.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kWrites);
  EXPECT_EQ(store.listAllTvProgress(0, std::nullopt).entries.size(), static_cast<size_t>(kWrites));
}

TEST_F(SqliteStoreTest, PagingIsKeysetOrdered) {
  SqliteStore store({path()});
  for (const char* u : {"b", "a"}) {
    for (const char* s : {"y", "x", "z"}) putAndWait(store, progress(u, s, 1, 1));
  }
  auto first = store.listAllTvProgress(4, std::nullopt);
  ASSERT_EQ(first.entries.size(), 4u);
  ASSERT_TRUE(first.next);
  EXPECT_EQ(*first.next, (TvProgressKey{"b", "x"}));
  auto second = store.listAllTvProgress(4, first.next);
  ASSERT_EQ(second.entries.size(), 2u);
  EXPECT_FALSE(second.next);
  EXPECT_EQ(second.entries[0].username + second.entries[0].tv_show, "by");
  EXPECT_EQ(second.entries[1].username + second.entries[1].tv_show, "bz");
}

TEST_F(SqliteStoreTest, UsersTokensAndCascadingRemoval) {
  SqliteStore store({path()});
  EXPECT_TRUE(store.addUser({"alice", "hash1", false, "t"}));
  EXPECT_FALSE(store.addUser({"alice", "hash2", true, "t"}));
  EXPECT_EQ(store.findUser("alice")->password_hash, "hash1");
  EXPECT_TRUE(store.setPasswordHash("alice", "hash3"));
  EXPECT_FALSE(store.setPasswordHash("nobody", "x"));
  store.addToken({"id1", "alice", "laptop", "t"}, "tokenhash1");
  store.addToken({"id2", "alice", "", "t"}, "tokenhash2");
  EXPECT_EQ(store.findUserByTokenHash("tokenhash1")->name, "alice");
  EXPECT_FALSE(store.findUserByTokenHash("nope"));
  EXPECT_EQ(store.listTokens("alice").size(), 2u);
  EXPECT_EQ(store.revokeTokens("alice", "id1"), 1);
  EXPECT_FALSE(store.findUserByTokenHash("tokenhash1"));
  putAndWait(store, progress("alice", "Lost", 1, 1));

  EXPECT_TRUE(store.removeUser("alice"));
  EXPECT_FALSE(store.removeUser("alice"));
  EXPECT_FALSE(store.findUser("alice"));
  EXPECT_FALSE(store.findUserByTokenHash("tokenhash2"));
  EXPECT_TRUE(store.listTvProgress("alice").empty());
}

TEST_F(SqliteStoreTest, CredentialsVersionChangesWithUsersAcrossStores) {
  SqliteStore server({path()});
  SqliteStore cli({path()});  // as another process would open it
  auto v0 = server.credentialsVersion();
  ASSERT_TRUE(v0);
  ASSERT_TRUE(cli.addUser({"alice", "h1", false, "t"}));
  auto v1 = server.credentialsVersion();
  EXPECT_NE(v1, v0);
  putAndWait(cli, progress("alice", "Lost", 1, 1));  // data writes leave it alone
  EXPECT_EQ(server.credentialsVersion(), v1);
  ASSERT_TRUE(cli.setPasswordHash("alice", "h2"));
  auto v2 = server.credentialsVersion();
  EXPECT_NE(v2, v1);
  ASSERT_TRUE(cli.removeUser("alice"));
  EXPECT_NE(server.credentialsVersion(), v2);
  EXPECT_FALSE(cli.setPasswordHash("alice", "h3"));  // nothing changed: no new version
  auto v3 = server.credentialsVersion();
  EXPECT_EQ(server.credentialsVersion(), v3);

  std::filesystem::remove(path() + "-credentials");
  EXPECT_FALSE(server.credentialsVersion());  // unknown: callers re-read the user
}

// ---- immersion tracking -------------------------------------------------------------------

// 2024-03-31T12:00:00Z: Sunday noon in UTC, already Monday 1 April 01:00 in Auckland.
constexpr std::int64_t kEndOfMarch = 1711886400;

class ImmersionStoreTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SqliteStore>(SqliteStore::Options{path()});
    ASSERT_TRUE(store_->addUser({"alice", "hash", false, "2025-01-01T00:00:00.000000"}));
  }
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(ImmersionStoreTest, DailyTotalsFollowTheAskedZone) {
  SyncStamp stamp{kEndOfMarch, calendar("UTC")};
  EXPECT_EQ(
      countAndWait([&](CountDone d) {
        store_->recordEpisodes("alice", {{"Show", "1"}, {"Show", "2"}, {"Show", "1"}}, stamp, d);
      }),
      2);
  auto utc = store_->progressInput("alice", calendar("UTC"), kEndOfMarch - 3600);
  ASSERT_EQ(utc.daily.size(), 1u);
  EXPECT_EQ(utc.daily[0].day, domain::localDayOf(kEndOfMarch, *domain::findTimeZone("UTC")));
  EXPECT_EQ(utc.daily[0].items, 2);
  EXPECT_EQ(utc.recent.size(), 2u);
  EXPECT_EQ(utc.first_timestamp, kEndOfMarch);

  // Asked for another zone, the totals are rebuilt from the items: one day later there.
  auto auckland = store_->progressInput("alice", calendar("Pacific/Auckland"), kEndOfMarch + 1);
  ASSERT_EQ(auckland.daily.size(), 1u);
  EXPECT_EQ(auckland.daily[0].day, utc.daily[0].day + 1);
  EXPECT_EQ(auckland.daily[0].items, 2);
  EXPECT_TRUE(auckland.recent.empty());

  // A sync counted in a third zone rebuilds too, then adds.
  stamp.calendar = calendar("America/New_York");
  EXPECT_EQ(countAndWait([&](CountDone d) {
              store_->recordEpisodes("alice", {{"Show", "3"}}, stamp, d);
            }),
            1);
  auto ny = store_->progressInput("alice", calendar("America/New_York"), 0);
  ASSERT_EQ(ny.daily.size(), 1u);
  EXPECT_EQ(ny.daily[0].items, 3);
  EXPECT_EQ(ny.recent.size(), 3u);
}

TEST_F(ImmersionStoreTest, ItemsAreKeptPerUserAndRemovedWithTheUser) {
  SyncStamp stamp{kEndOfMarch, calendar("UTC")};
  countAndWait([&](CountDone d) {
    store_->recordYoutubeVideos("alice", {{"kJQP7kiw5Fk", "t", "UC1", "Channel", 282}}, stamp, d);
  });
  countAndWait([&](CountDone d) {
    store_->recordSpotifyEpisodes("alice", {{"512ojhOuo1ktJprKbVcKyQ", "t", "S1", "Show", 60}},
                                  stamp, d);
  });
  EXPECT_EQ(store_->existingYoutubeVideos("alice", {"kJQP7kiw5Fk", "9bZkp7q19f0"}),
            std::vector<std::string>{"kJQP7kiw5Fk"});
  auto input = store_->progressInput("alice", calendar("UTC"), 0);
  EXPECT_EQ(input.youtube_channels.size(), 1u);
  EXPECT_EQ(input.spotify_shows.size(), 1u);
  EXPECT_EQ(input.daily.size(), 2u);

  ASSERT_TRUE(store_->removeUser("alice"));
  ASSERT_TRUE(store_->addUser({"alice", "hash", false, "2025-01-01T00:00:00.000000"}));
  EXPECT_TRUE(store_->existingYoutubeVideos("alice", {"kJQP7kiw5Fk"}).empty());
  auto fresh = store_->progressInput("alice", calendar("UTC"), 0);
  EXPECT_TRUE(fresh.daily.empty());
  EXPECT_TRUE(fresh.youtube_channels.empty());
  EXPECT_FALSE(fresh.first_timestamp);
}

TEST_F(ImmersionStoreTest, TimeZoneSettingAndMetadataCache) {
  EXPECT_EQ(store_->userTimeZone("alice"), std::nullopt);
  EXPECT_TRUE(store_->setUserTimeZone("alice", "Asia/Tokyo"));
  EXPECT_EQ(store_->userTimeZone("alice"), "Asia/Tokyo");
  EXPECT_TRUE(store_->setUserTimeZone("alice", ""));
  EXPECT_EQ(store_->userTimeZone("alice"), std::nullopt);
  EXPECT_FALSE(store_->setUserTimeZone("nobody", "UTC"));

  std::promise<std::exception_ptr> done;
  store_->putCachedMetadata({{"youtube_video", "abc", R"({"id":"abc"})", 42}},
                            [&](std::exception_ptr e) { done.set_value(e); });
  ASSERT_EQ(done.get_future().get(), nullptr);
  auto hit = store_->cachedMetadata("youtube_video", "abc");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, R"({"id":"abc"})");
  EXPECT_EQ(hit->fetched_at, 42);
  EXPECT_FALSE(store_->cachedMetadata("tvdb_series", "abc"));
}

}  // namespace
}  // namespace it::storage::sqlite
