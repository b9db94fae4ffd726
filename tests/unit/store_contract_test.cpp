// What every store must do alike, run against each store: SQLite on a temporary file and
// DynamoDB on a real moto_server. What only one store does (SQLite's migrations and group
// commit, DynamoDB's retries, leases and table layout) is tested in that store's own file.
//
// The tests call the concrete stores' methods, so they hold whichever interfaces a store
// implements. A new store is tested here by adding its factory below and naming it in Stores.

#include <gtest/gtest.h>

#include <cstdint>
#include <exception>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "aws/dynamodb_client.hpp"
#include "aws/tables.hpp"
#include "storage/dynamodb/dynamodb_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/moto_server.hpp"
#include "support/store_helpers.hpp"
#include "support/temp_dir.hpp"

namespace it::test {

// ---- the stores under test ----------------------------------------------------------------------
//
// A factory has
//   Store                  the store's type;
//   SetUpTestSuite(),      static, run before and after all tests of the store;
//   TearDownTestSuite()
//   unavailable()          static, why the store cannot be tested here (nothing: it can);
//   make()                 a new, empty store for one test.
// A factory lives as long as its test's store and owns what that store runs on. The factories
// are outside the anonymous namespace so that ctest names the tests after them, as in
// unit.StoreContractTest.UpsertKeepsOneEntryPerUserAndShow<it::test::SqliteFactory>.

class SqliteFactory {
 public:
  using Store = storage::sqlite::SqliteStore;
  static void SetUpTestSuite() {}
  static void TearDownTestSuite() {}
  static std::optional<std::string> unavailable() { return std::nullopt; }

  std::unique_ptr<Store> make() {
    return std::make_unique<Store>(Store::Options{dir_.path() + "/tracker.db"});
  }

 private:
  TempDir dir_;
};

// One moto_server for all of the store's tests, emptied before each.
class DynamoDbFactory {
 public:
  using Store = storage::dynamodb::DynamoDbStore;
  static void SetUpTestSuite() {
    if (MotoServer::available()) moto_ = std::make_unique<MotoServer>();
  }
  static void TearDownTestSuite() { moto_.reset(); }
  static std::optional<std::string> unavailable() {
    if (!moto_) return "moto_server is not installed";
    return std::nullopt;
  }

  std::unique_ptr<Store> make() {
    moto_->reset();
    const aws::AwsConfig config = motoAwsConfig(moto_->url());
    const aws::TableNames tables;
    auto transport = aws::makeCurlAwsTransport();
    aws::DynamoDbClient client(config, *transport);
    std::ostringstream ignored;
    aws::createTables(client, tables, false, ignored);
    return std::make_unique<Store>(Store::Options{config, tables, aws::AwsRetryPolicy{}});
  }

 private:
  static inline std::unique_ptr<MotoServer> moto_;
};

// Every store the suite runs against.
using Stores = ::testing::Types<SqliteFactory, DynamoDbFactory>;

namespace {

using domain::ItemKind;
using storage::CountDone;
using storage::SyncStamp;
using storage::TvProgressKey;

template <class Factory>
class StoreContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { Factory::SetUpTestSuite(); }
  static void TearDownTestSuite() { Factory::TearDownTestSuite(); }
  void SetUp() override {
    if (auto why = Factory::unavailable()) GTEST_SKIP() << *why;
    store_ = factory_.make();
  }

  typename Factory::Store& store() { return *store_; }

 private:
  Factory factory_;
  std::unique_ptr<typename Factory::Store> store_;  // destroyed first
};

TYPED_TEST_SUITE(StoreContractTest, Stores);

// ---- helpers ------------------------------------------------------------------------------------

// 2024-03-31T12:00:00Z: Sunday noon in UTC, already Monday 1 April 01:00 in Auckland.
constexpr std::int64_t kEndOfMarch = 1711886400;

void addUser(auto& store, const std::string& name) {
  ASSERT_TRUE(store.addUser({name, "hash-of-" + name, false, "2025-01-01T00:00:00.000000"}));
}

// ---- users and tokens ---------------------------------------------------------------------------

TYPED_TEST(StoreContractTest, UsersTokensAndCascadingRemoval) {
  auto& store = this->store();
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

// ---- TV progress --------------------------------------------------------------------------------

TYPED_TEST(StoreContractTest, UpsertKeepsOneEntryPerUserAndShow) {
  auto& store = this->store();
  putAndWait(store, progress("alice", "Lost", 1, 2));
  putAndWait(store, progress("alice", "Lost", 4, 5));
  putAndWait(store, progress("bob", "Lost", 1, 1));
  auto shows = store.listTvProgress("alice");
  ASSERT_EQ(shows.size(), 1u);
  EXPECT_EQ(shows[0].season, 4);
  EXPECT_EQ(store.listAllTvProgress(0, std::nullopt).entries.size(), 2u);
}

TYPED_TEST(StoreContractTest, PagingIsKeysetOrdered) {
  auto& store = this->store();
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

// ---- immersion: time zones ----------------------------------------------------------------------

TYPED_TEST(StoreContractTest, DailyTotalsFollowTheAskedZone) {
  auto& store = this->store();
  addUser(store, "alice");
  SyncStamp stamp{kEndOfMarch, calendar("UTC")};
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "1"}, {"Show", "2"}, {"Show", "1"}}, stamp),
            2);
  auto utc = store.progressInput("alice", calendar("UTC"), kEndOfMarch - 3600);
  ASSERT_EQ(utc.daily.size(), 1u);
  EXPECT_EQ(utc.daily[0].day, domain::localDayOf(kEndOfMarch, *domain::findTimeZone("UTC")));
  EXPECT_EQ(utc.daily[0].items, 2);
  // Recent items one by one or summed per sync (SQLite's one by one: sqlite_store_test).
  EXPECT_EQ(recentSum(utc, ItemKind::kEpisode).items, 2);
  EXPECT_EQ(utc.first_timestamp, kEndOfMarch);

  // Asked for another zone, the totals are rebuilt from the items: one day later there.
  auto auckland = store.progressInput("alice", calendar("Pacific/Auckland"), kEndOfMarch + 1);
  ASSERT_EQ(auckland.daily.size(), 1u);
  EXPECT_EQ(auckland.daily[0].day, utc.daily[0].day + 1);
  EXPECT_EQ(auckland.daily[0].items, 2);
  EXPECT_TRUE(auckland.recent.empty());

  // A sync counted in a third zone rebuilds too, then adds.
  stamp.calendar = calendar("America/New_York");
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "3"}}, stamp), 1);
  auto ny = store.progressInput("alice", calendar("America/New_York"), 0);
  ASSERT_EQ(ny.daily.size(), 1u);
  EXPECT_EQ(ny.daily[0].items, 3);
  EXPECT_EQ(recentSum(ny, ItemKind::kEpisode).items, 3);
}

// ---- removing a user ----------------------------------------------------------------------------

TYPED_TEST(StoreContractTest, ItemsAreKeptPerUserAndRemovedWithTheUser) {
  auto& store = this->store();
  addUser(store, "alice");
  SyncStamp stamp{kEndOfMarch, calendar("UTC")};
  countAndWait([&](CountDone d) {
    store.recordYoutubeVideos("alice", {{"kJQP7kiw5Fk", "t", "UC1", "Channel", 282}}, stamp, d);
  });
  countAndWait([&](CountDone d) {
    store.recordSpotifyEpisodes("alice", {{"512ojhOuo1ktJprKbVcKyQ", "t", "S1", "Show", 60}}, stamp,
                                d);
  });
  EXPECT_EQ(store.existingYoutubeVideos("alice", {"kJQP7kiw5Fk", "9bZkp7q19f0"}),
            std::vector<std::string>{"kJQP7kiw5Fk"});
  auto input = store.progressInput("alice", calendar("UTC"), 0);
  EXPECT_EQ(input.youtube_channels.size(), 1u);
  EXPECT_EQ(input.spotify_shows.size(), 1u);
  EXPECT_EQ(input.daily.size(), 2u);

  ASSERT_TRUE(store.removeUser("alice"));
  ASSERT_TRUE(store.addUser({"alice", "hash", false, "2025-01-01T00:00:00.000000"}));
  EXPECT_TRUE(store.existingYoutubeVideos("alice", {"kJQP7kiw5Fk"}).empty());
  auto fresh = store.progressInput("alice", calendar("UTC"), 0);
  EXPECT_TRUE(fresh.daily.empty());
  EXPECT_TRUE(fresh.youtube_channels.empty());
  EXPECT_FALSE(fresh.first_timestamp);
}

// ---- settings and the metadata cache ------------------------------------------------------------

TYPED_TEST(StoreContractTest, TimeZoneSettingAndMetadataCache) {
  auto& store = this->store();
  addUser(store, "alice");
  EXPECT_EQ(store.userTimeZone("alice"), std::nullopt);
  EXPECT_TRUE(store.setUserTimeZone("alice", "Asia/Tokyo"));
  EXPECT_EQ(store.userTimeZone("alice"), "Asia/Tokyo");
  EXPECT_TRUE(store.setUserTimeZone("alice", ""));
  EXPECT_EQ(store.userTimeZone("alice"), std::nullopt);
  EXPECT_FALSE(store.setUserTimeZone("nobody", "UTC"));

  std::promise<std::exception_ptr> done;
  store.putCachedMetadata({{"youtube_video", "abc", R"({"id":"abc"})", 42}},
                          [&](std::exception_ptr e) { done.set_value(e); });
  ASSERT_EQ(done.get_future().get(), nullptr);
  auto hit = store.cachedMetadata("youtube_video", "abc");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, R"({"id":"abc"})");
  EXPECT_EQ(hit->fetched_at, 42);
  EXPECT_FALSE(store.cachedMetadata("tvdb_series", "abc"));
}

}  // namespace
}  // namespace it::test
