// What every store must do alike, run against each store: SQLite on a temporary file and
// DynamoDB on a real moto_server. What only one store does (SQLite's migrations and group
// commit, DynamoDB's retries, leases and table layout) is tested in that store's own file.
//
// The tests call the concrete stores' methods, so they hold whichever interfaces a store
// implements. A new store is tested here by adding its factory below and naming it in Stores.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "aws/dynamodb_client.hpp"
#include "aws/tables.hpp"
#include "net/aws_json.hpp"
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
    const net::AwsConfig config = motoAwsConfig(moto_->url());
    const aws::TableNames tables;
    auto transport = net::makeCurlAwsTransport();
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
using storage::EpisodeRef;
using storage::LanguageChoice;
using storage::MetadataEntry;
using storage::MovieRecord;
using storage::ShowRecord;
using storage::SyncStamp;
using storage::TvProgress;
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

MovieRecord movie(const std::string& file, const std::string& name, std::int64_t seconds) {
  return MovieRecord{
      file, domain::Movie{domain::MovieDatabase::kTvdb, 1000, name, std::nullopt, seconds}};
}

std::vector<std::string> folderNames(const std::vector<ShowRecord>& shows) {
  std::vector<std::string> names;
  for (const auto& s : shows) names.push_back(s.folder_name);
  return names;
}

template <class T>
std::vector<T> sorted(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  return values;
}

// The names of the user's movies, sorted.
std::vector<std::optional<std::string>> movieNames(const domain::ProgressInput& in) {
  std::vector<std::optional<std::string>> names;
  for (const auto& m : in.movies) names.push_back(m.name);
  return sorted(std::move(names));
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

TYPED_TEST(StoreContractTest, UsersAreListedByNameWithWhatTheyWereAddedWith) {
  auto& store = this->store();
  ASSERT_TRUE(store.addUser({"carol", "hash-c", true, "2025-01-03T00:00:00.000000"}));
  ASSERT_TRUE(store.addUser({"alice", "hash-a", false, "2025-01-01T00:00:00.000000"}));
  ASSERT_TRUE(store.addUser({"Bob", "hash-b", false, "2025-01-02T00:00:00.000000"}));

  auto users = store.listUsers();
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0].name, "Bob");  // byte order
  EXPECT_EQ(users[1].name, "alice");
  EXPECT_EQ(users[2].name, "carol");
  EXPECT_FALSE(users[1].admin);
  EXPECT_TRUE(users[2].admin);
  EXPECT_EQ(users[2].password_hash, "hash-c");
  EXPECT_EQ(users[2].created_at, "2025-01-03T00:00:00.000000");

  auto alice = store.findUser("alice");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->password_hash, "hash-a");
  EXPECT_FALSE(alice->admin);
  EXPECT_EQ(alice->created_at, "2025-01-01T00:00:00.000000");
  EXPECT_FALSE(store.findUser("Alice"));  // names are case-sensitive
  EXPECT_FALSE(store.findUser("nobody"));

  ASSERT_TRUE(store.setPasswordHash("alice", "hash-a2"));
  alice = store.findUser("alice");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->password_hash, "hash-a2");
  auto carol = store.findUser("carol");
  ASSERT_TRUE(carol);
  EXPECT_EQ(carol->password_hash, "hash-c");
}

// Sessions are found by their hash with their user and expiry, moved on, ended one by one, by
// a new password or by the user's removal; a sign-in forgets the user's expired ones.
TYPED_TEST(StoreContractTest, SessionsLastUntilEndedByTheUserOrTheirPassword) {
  auto& store = this->store();
  addUser(store, "alice");
  addUser(store, "bob");
  store.addSession("hash-a1", "alice", 1000, 100);
  store.addSession("hash-a2", "alice", 2000, 100);
  store.addSession("hash-b1", "bob", 1000, 100);
  auto found = store.findUserBySessionHash("hash-a1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user.name, "alice");
  EXPECT_EQ(found->expires_at, 1000);
  EXPECT_FALSE(store.findUserBySessionHash("hash-none"));

  store.extendSession("hash-a1", 5000);
  EXPECT_EQ(store.findUserBySessionHash("hash-a1")->expires_at, 5000);
  store.removeSession("hash-a1");
  EXPECT_FALSE(store.findUserBySessionHash("hash-a1"));
  EXPECT_TRUE(store.findUserBySessionHash("hash-a2"));

  // Expired by 2000: alice's a2 goes when she signs in again; bob's b1 stays (his own).
  store.addSession("hash-a3", "alice", 9000, 2000);
  EXPECT_FALSE(store.findUserBySessionHash("hash-a2"));
  EXPECT_TRUE(store.findUserBySessionHash("hash-a3"));
  EXPECT_TRUE(store.findUserBySessionHash("hash-b1"));

  ASSERT_TRUE(store.setPasswordHash("alice", "new-hash"));
  EXPECT_FALSE(store.findUserBySessionHash("hash-a3"));
  EXPECT_TRUE(store.findUserBySessionHash("hash-b1"));
  ASSERT_TRUE(store.removeUser("bob"));
  EXPECT_FALSE(store.findUserBySessionHash("hash-b1"));
}

TYPED_TEST(StoreContractTest, TokensAreListedOldestFirstAndRevokedOneOrAll) {
  auto& store = this->store();
  addUser(store, "alice");
  addUser(store, "bob");
  store.addToken({"t2", "alice", "phone", "2025-01-02T00:00:00.000000"}, "hash-t2");
  store.addToken({"t1", "alice", "laptop", "2025-01-01T00:00:00.000000"}, "hash-t1");
  store.addToken({"t3", "alice", "", "2025-01-03T00:00:00.000000"}, "hash-t3");
  store.addToken({"b1", "bob", "desk", "2025-01-01T00:00:00.000000"}, "hash-b1");

  auto tokens = store.listTokens("alice");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].id, "t1");
  EXPECT_EQ(tokens[0].username, "alice");
  EXPECT_EQ(tokens[0].label, "laptop");
  EXPECT_EQ(tokens[0].created_at, "2025-01-01T00:00:00.000000");
  EXPECT_EQ(tokens[1].id, "t2");
  EXPECT_EQ(tokens[2].id, "t3");
  EXPECT_EQ(tokens[2].label, "");
  EXPECT_TRUE(store.listTokens("nobody").empty());

  EXPECT_EQ(store.revokeTokens("alice", "b1"), 0);  // bob's
  EXPECT_EQ(store.revokeTokens("alice", "nope"), 0);
  EXPECT_EQ(store.revokeTokens("alice", "t2"), 1);
  EXPECT_FALSE(store.findUserByTokenHash("hash-t2"));
  auto owner = store.findUserByTokenHash("hash-t1");
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->name, "alice");
  EXPECT_EQ(store.revokeTokens("alice", ""), 2);
  EXPECT_TRUE(store.listTokens("alice").empty());
  EXPECT_FALSE(store.findUserByTokenHash("hash-t1"));
  EXPECT_FALSE(store.findUserByTokenHash("hash-t3"));

  auto bob = store.findUserByTokenHash("hash-b1");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->name, "bob");
  EXPECT_EQ(bob->password_hash, "hash-of-bob");
  EXPECT_EQ(store.listTokens("bob").size(), 1u);
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

TYPED_TEST(StoreContractTest, TvProgressIsReadBackAsPutAndListedInByteOrder) {
  auto& store = this->store();
  const std::string okami =
      "\xC5\x8C"
      "kami";  // "Ōkami"
  for (const std::string& show : std::vector<std::string>{"apple", "Zebra", okami, "Lost"}) {
    putAndWait(store, progress("alice", show, 1, 1));
  }
  putAndWait(store, TvProgress{"alice", "Lost", 3, 7, "2025-02-01T08:00:00.000001"});
  putAndWait(store, progress("bob", "Lost", 1, 1));

  auto lost = store.getTvProgress("alice", "Lost");
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->username, "alice");
  EXPECT_EQ(lost->tv_show, "Lost");
  EXPECT_EQ(lost->season, 3);
  EXPECT_EQ(lost->episode, 7);
  EXPECT_EQ(lost->last_updated, "2025-02-01T08:00:00.000001");
  EXPECT_FALSE(store.getTvProgress("alice", "lost"));
  EXPECT_FALSE(store.getTvProgress("carol", "Lost"));

  std::vector<std::string> names;
  for (const auto& p : store.listTvProgress("alice")) names.push_back(p.tv_show);
  EXPECT_EQ(names, (std::vector<std::string>{"Lost", "Zebra", "apple", okami}));
  EXPECT_TRUE(store.listTvProgress("carol").empty());
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

TYPED_TEST(StoreContractTest, PagingEndsWhenAPageHoldsTheRest) {
  auto& store = this->store();
  EXPECT_TRUE(store.listAllTvProgress(2, std::nullopt).entries.empty());
  EXPECT_FALSE(store.listAllTvProgress(2, std::nullopt).next);
  for (const char* u : {"a", "b"}) {
    for (const char* s : {"x", "y"}) putAndWait(store, progress(u, s, 1, 1));
  }

  auto all = store.listAllTvProgress(0, std::nullopt);
  EXPECT_EQ(all.entries.size(), 4u);
  EXPECT_FALSE(all.next);
  auto exact = store.listAllTvProgress(4, std::nullopt);
  EXPECT_EQ(exact.entries.size(), 4u);
  EXPECT_FALSE(exact.next);

  auto first = store.listAllTvProgress(3, std::nullopt);
  ASSERT_EQ(first.entries.size(), 3u);
  EXPECT_EQ(first.next, (TvProgressKey{"b", "x"}));
  auto rest = store.listAllTvProgress(3, first.next);
  ASSERT_EQ(rest.entries.size(), 1u);
  EXPECT_EQ(rest.entries[0].username + rest.entries[0].tv_show, "by");
  EXPECT_FALSE(rest.next);

  EXPECT_TRUE(store.listAllTvProgress(3, TvProgressKey{"b", "y"}).entries.empty());
  // After a key that is not stored: from the next one stored.
  auto after = store.listAllTvProgress(0, TvProgressKey{"a", "xx"});
  ASSERT_EQ(after.entries.size(), 3u);
  EXPECT_EQ(after.entries[0].username + after.entries[0].tv_show, "ay");
}

// ---- immersion: recording items -----------------------------------------------------------------

TYPED_TEST(StoreContractTest, RecordingEpisodesCountsNewOnesOnceAndCreatesTheirShows) {
  auto& store = this->store();
  addUser(store, "alice");
  const std::vector<EpisodeRef> episodes{
      {"b", "e1"}, {"b", "e2"}, {"B", "e1"}, {"b", "e1"}, {"a", "e1"}};
  EXPECT_EQ(recordEpisodes(store, "alice", episodes, stampAt(kT0)), 4);

  auto shows = store.listShows("alice");
  EXPECT_EQ(folderNames(shows), (std::vector<std::string>{"B", "a", "b"}));  // byte order
  for (const auto& show : shows) {
    EXPECT_FALSE(show.tvdb_id) << show.folder_name;
    EXPECT_FALSE(show.tvdb_name) << show.folder_name;
    EXPECT_FALSE(show.tvdb_image) << show.folder_name;
    EXPECT_FALSE(show.tvdb_average_runtime) << show.folder_name;
    EXPECT_EQ(show.version, 1) << show.folder_name;
  }
  auto b = store.findShow("alice", "b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->folder_name, "b");
  EXPECT_FALSE(store.findShow("alice", "c"));
  EXPECT_FALSE(store.findShow("bob", "b"));

  // The same sync again, and an empty one, add nothing.
  EXPECT_EQ(recordEpisodes(store, "alice", episodes, stampAt(kT0 + 60)), 0);
  EXPECT_EQ(recordEpisodes(store, "alice", {}, stampAt(kT0 + 60)), 0);
  EXPECT_EQ(store.listShows("alice").size(), 3u);

  domain::ProgressInput in = store.progressInput("alice", utc(), 0);
  EXPECT_EQ(dailyOf(in, ItemKind::kEpisode), (std::vector<Day>{{utcDay(kT0), 4, 4 * 1200}}));
  EXPECT_EQ(groupsOf(in, ItemKind::kEpisode),
            (std::map<std::string, std::int64_t>{{"B", 1}, {"a", 1}, {"b", 2}}));
  EXPECT_EQ(recentSum(in, ItemKind::kEpisode).items, 4);
  EXPECT_EQ(recentSum(in, ItemKind::kEpisode).seconds, 4 * 1200);
  for (const auto& r : in.recent) EXPECT_EQ(r.timestamp, kT0);
  EXPECT_EQ(in.first_timestamp, kT0);
  std::vector<std::string> progress_folders;
  for (const auto& s : in.shows) {
    progress_folders.push_back(s.folder_name);
    EXPECT_FALSE(s.tvdb_id) << s.folder_name;
  }
  EXPECT_EQ(sorted(progress_folders), (std::vector<std::string>{"B", "a", "b"}));
}

TYPED_TEST(StoreContractTest, ARecordedItemIsNotCountedOrReTimestampedAgain) {
  auto& store = this->store();
  addUser(store, "alice");
  const std::int64_t later = kT0 + 86400;
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e1"}}, stampAt(kT0)), 1);
  EXPECT_EQ(recordMovies(store, "alice", {movie("m1.mkv", "Alien", 7000)}, stampAt(kT0)), 1);
  EXPECT_EQ(recordVideos(store, "alice", {{"v1", "Video 1", "UC1", "One", 300}}, stampAt(kT0)), 1);
  EXPECT_EQ(
      recordPodcastEpisodes(store, "alice", {{"s1", "Episode 1", "S1", "Pod", 600}}, stampAt(kT0)),
      1);

  // A day later each comes again, beside a new one; the old ones come with other metadata.
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e1"}, {"Show", "e2"}}, stampAt(later)), 1);
  EXPECT_EQ(recordMovies(store, "alice",
                         {movie("m1.mkv", "Alien again", 1), movie("m2.mkv", "Zodiac", 9000)},
                         stampAt(later)),
            1);
  EXPECT_EQ(
      recordVideos(store, "alice",
                   {{"v1", "Video 1", "UC9", "Nine", 1}, {"v2", "Video 2", "UC1", "One", 400}},
                   stampAt(later)),
      1);
  EXPECT_EQ(recordPodcastEpisodes(
                store, "alice",
                {{"s1", "Episode 1", "S9", "Nine", 1}, {"s2", "Episode 2", "S1", "Pod", 900}},
                stampAt(later)),
            1);

  const domain::LocalDay day = utcDay(kT0);
  domain::ProgressInput in = store.progressInput("alice", utc(), 0);
  EXPECT_EQ(dailyOf(in, ItemKind::kEpisode),
            (std::vector<Day>{{day, 1, 1200}, {day + 1, 1, 1200}}));
  EXPECT_EQ(dailyOf(in, ItemKind::kMovie), (std::vector<Day>{{day, 1, 7000}, {day + 1, 1, 9000}}));
  EXPECT_EQ(dailyOf(in, ItemKind::kYoutubeVideo),
            (std::vector<Day>{{day, 1, 300}, {day + 1, 1, 400}}));
  EXPECT_EQ(dailyOf(in, ItemKind::kSpotifyEpisode),
            (std::vector<Day>{{day, 1, 600}, {day + 1, 1, 900}}));
  EXPECT_EQ(groupsOf(in, ItemKind::kYoutubeVideo),
            (std::map<std::string, std::int64_t>{{"UC1", 2}}));
  EXPECT_EQ(groupsOf(in, ItemKind::kSpotifyEpisode),
            (std::map<std::string, std::int64_t>{{"S1", 2}}));
  EXPECT_EQ(in.youtube_channels, (std::vector<domain::GroupInfo>{{"UC1", "One"}}));
  EXPECT_EQ(in.spotify_shows, (std::vector<domain::GroupInfo>{{"S1", "Pod"}}));
  EXPECT_EQ(movieNames(in), (std::vector<std::optional<std::string>>{"Alien", "Zodiac"}));
  EXPECT_EQ(in.first_timestamp, kT0);

  // Since the second sync, only what it added.
  domain::ProgressInput recent = store.progressInput("alice", utc(), later);
  for (ItemKind kind :
       {ItemKind::kEpisode, ItemKind::kMovie, ItemKind::kYoutubeVideo, ItemKind::kSpotifyEpisode}) {
    EXPECT_EQ(recentSum(recent, kind).items, 1) << static_cast<int>(kind);
  }
  for (const auto& r : recent.recent) EXPECT_EQ(r.timestamp, later);
}

TYPED_TEST(StoreContractTest, MoviesAreCountedWithTheirRuntimeAndNamed) {
  auto& store = this->store();
  addUser(store, "alice");
  EXPECT_EQ(recordMovies(store, "alice",
                         {movie("z.mkv", "Zodiac", 9000), movie("a.mkv", "Alien", 7000),
                          movie("z.mkv", "Zodiac", 9000), movie("n.mkv", "No runtime", 0)},
                         stampAt(kT0)),
            3);
  EXPECT_EQ(store.existingMovies("alice", {"a.mkv", "b.mkv", "z.mkv"}),
            (std::vector<std::string>{"a.mkv", "z.mkv"}));

  domain::ProgressInput in = store.progressInput("alice", utc(), 0);
  EXPECT_EQ(dailyOf(in, ItemKind::kMovie), (std::vector<Day>{{utcDay(kT0), 3, 16000}}));
  EXPECT_TRUE(groupsOf(in, ItemKind::kMovie).empty());
  EXPECT_EQ(recentSum(in, ItemKind::kMovie).items, 3);
  EXPECT_EQ(recentSum(in, ItemKind::kMovie).seconds, 16000);
  EXPECT_EQ(movieNames(in),
            (std::vector<std::optional<std::string>>{"Alien", "No runtime", "Zodiac"}));
  EXPECT_EQ(in.first_timestamp, kT0);
}

TYPED_TEST(StoreContractTest, VideosAndPodcastEpisodesAreCountedPerChannelAndShow) {
  auto& store = this->store();
  addUser(store, "alice");
  EXPECT_EQ(recordVideos(store, "alice",
                         {{"v1", "Video 1", "UC1", "One", 100},
                          {"v2", "Video 2", "UC2", "Two", 200},
                          {"v3", "Video 3", "UC1", "One", 300}},
                         stampAt(kT0)),
            3);
  // A channel keeps the title it was first recorded with.
  EXPECT_EQ(recordVideos(store, "alice", {{"v4", "Video 4", "UC1", "One renamed", 400}},
                         stampAt(kT0 + 3600)),
            1);
  EXPECT_EQ(recordPodcastEpisodes(
                store, "alice",
                {{"s1", "Episode 1", "S1", "Pod", 1800}, {"s2", "Episode 2", "S1", "Pod", 1200}},
                stampAt(kT0)),
            2);

  domain::ProgressInput in = store.progressInput("alice", utc(), 0);
  EXPECT_EQ(dailyOf(in, ItemKind::kYoutubeVideo), (std::vector<Day>{{utcDay(kT0), 4, 1000}}));
  EXPECT_EQ(groupsOf(in, ItemKind::kYoutubeVideo),
            (std::map<std::string, std::int64_t>{{"UC1", 3}, {"UC2", 1}}));
  EXPECT_EQ(sorted(in.youtube_channels),
            (std::vector<domain::GroupInfo>{{"UC1", "One"}, {"UC2", "Two"}}));
  EXPECT_EQ(dailyOf(in, ItemKind::kSpotifyEpisode), (std::vector<Day>{{utcDay(kT0), 2, 3000}}));
  EXPECT_EQ(groupsOf(in, ItemKind::kSpotifyEpisode),
            (std::map<std::string, std::int64_t>{{"S1", 2}}));
  EXPECT_EQ(in.spotify_shows, (std::vector<domain::GroupInfo>{{"S1", "Pod"}}));
  EXPECT_EQ(recentSum(in, ItemKind::kYoutubeVideo).items, 4);
  EXPECT_EQ(recentSum(in, ItemKind::kYoutubeVideo).seconds, 1000);
  EXPECT_EQ(recentSum(in, ItemKind::kSpotifyEpisode).seconds, 3000);
}

// GET /progress's pictures and ids: a show's TVDB image, a movie's file name and image, a
// channel's thumbnail and a podcast's image. A picture once known stays until a newer one
// comes; a later item without one does not erase it.
TYPED_TEST(StoreContractTest, ArtworkIsKeptForShowsMoviesChannelsAndPodcasts) {
  auto& store = this->store();
  addUser(store, "alice");
  MovieRecord suzume{"suzume.mkv", domain::Movie{domain::MovieDatabase::kTmdb, 916224, "Suzume",
                                                 "https://img/suzume", 7000}};
  EXPECT_EQ(recordMovies(store, "alice", {suzume, movie("x.mkv", "X", 60)}, stampAt(kT0)), 2);
  domain::YoutubeVideo v1{"v1", "Video 1", "UC1", "One", 100};
  domain::YoutubeVideo v2{"v2", "Video 2", "UC1", "One", 100};
  v2.channel_artwork_url = "https://img/one";
  domain::YoutubeVideo v3{"v3", "Video 3", "UC1", "One", 100};
  EXPECT_EQ(recordVideos(store, "alice", {v1}, stampAt(kT0)), 1);
  EXPECT_EQ(recordVideos(store, "alice", {v2}, stampAt(kT0 + 60)), 1);
  EXPECT_EQ(recordVideos(store, "alice", {v3}, stampAt(kT0 + 120)), 1);
  domain::SpotifyEpisode s1{"s1", "Episode 1", "S1", "Pod", 600};
  s1.show_artwork_url = "https://img/pod";
  EXPECT_EQ(recordPodcastEpisodes(store, "alice", {s1}, stampAt(kT0)), 1);

  domain::ProgressInput in = store.progressInput("alice", utc(), 0);
  EXPECT_EQ(in.youtube_channels,
            (std::vector<domain::GroupInfo>{{"UC1", "One", "https://img/one"}}));
  EXPECT_EQ(in.spotify_shows, (std::vector<domain::GroupInfo>{{"S1", "Pod", "https://img/pod"}}));
  EXPECT_EQ(sorted(in.movies),
            (std::vector<domain::MovieInfo>{{"suzume.mkv", "Suzume", "https://img/suzume"},
                                            {"x.mkv", "X", std::nullopt}}));
}

// Movies from TMDB (today's clients) and TVDB (older ones) are listed together by name, and a
// TMDB id is found among the user's own movies only.
TYPED_TEST(StoreContractTest, MoviesFromTmdbAndTvdbAreNamedTogetherAndFoundByTmdbId) {
  auto& store = this->store();
  addUser(store, "alice");
  addUser(store, "bob");
  MovieRecord your_name{"your_name.mkv",
                        domain::Movie{domain::MovieDatabase::kTmdb, 372058, "君の名は。",
                                      "https://image.tmdb.org/t/p/w500/q719.jpg", 6360}};
  MovieRecord manual{"manual_tmdb_129", domain::Movie{domain::MovieDatabase::kTmdb, 129,
                                                      "千と千尋の神隠し", std::nullopt, 7500}};
  EXPECT_EQ(recordMovies(store, "alice", {your_name, movie("alien.mkv", "Alien", 7000), manual},
                         stampAt(kT0)),
            3);
  EXPECT_EQ(recordMovies(store, "bob", {movie("b.mkv", "B", 60)}, stampAt(kT0)), 1);

  domain::ProgressInput in = store.progressInput("alice", utc(), 0);
  EXPECT_EQ(sorted(in.movies),
            (std::vector<domain::MovieInfo>{
                {"alien.mkv", "Alien", std::nullopt},
                {"manual_tmdb_129", "千と千尋の神隠し", std::nullopt},
                {"your_name.mkv", "君の名は。", "https://image.tmdb.org/t/p/w500/q719.jpg"}}));
  EXPECT_EQ(store.movieWithTmdbId("alice", 372058), std::optional<std::string>("your_name.mkv"));
  EXPECT_EQ(store.movieWithTmdbId("alice", 129), std::optional<std::string>("manual_tmdb_129"));
  EXPECT_EQ(store.movieWithTmdbId("alice", 1000), std::nullopt);  // a TVDB id, not TMDB's
  EXPECT_EQ(store.movieWithTmdbId("bob", 372058), std::nullopt);
  // The same file again is not a second movie, whatever its database.
  EXPECT_EQ(recordMovies(store, "alice", {movie("your_name.mkv", "Kimi no Na wa", 60)},
                         stampAt(kT0 + 60)),
            0);
}

TYPED_TEST(StoreContractTest, ExistingKeysAreTheUsersOwnOfOneKindInTheOrderAsked) {
  auto& store = this->store();
  addUser(store, "alice");
  addUser(store, "bob");
  EXPECT_EQ(recordMovies(store, "alice", {movie("m1.mkv", "Alien", 7000)}, stampAt(kT0)), 1);
  EXPECT_EQ(
      recordVideos(store, "alice",
                   {{"v1", "Video 1", "UC1", "One", 100}, {"v2", "Video 2", "UC1", "One", 100}},
                   stampAt(kT0)),
      2);
  EXPECT_EQ(
      recordPodcastEpisodes(store, "alice", {{"s1", "Episode 1", "S1", "Pod", 60}}, stampAt(kT0)),
      1);
  EXPECT_EQ(recordVideos(store, "bob", {{"v3", "Video 3", "UC1", "One", 100}}, stampAt(kT0)), 1);

  EXPECT_EQ(store.existingYoutubeVideos("alice", {"v2", "x", "v3", "v1", "s1", "m1.mkv"}),
            (std::vector<std::string>{"v2", "v1"}));
  EXPECT_EQ(store.existingSpotifyEpisodes("alice", {"v1", "s1", "s2"}),
            (std::vector<std::string>{"s1"}));
  EXPECT_EQ(store.existingMovies("alice", {"v1", "m2.mkv", "m1.mkv"}),
            (std::vector<std::string>{"m1.mkv"}));
  EXPECT_EQ(store.existingYoutubeVideos("bob", {"v1", "v2", "v3"}),
            (std::vector<std::string>{"v3"}));
  EXPECT_TRUE(store.existingYoutubeVideos("alice", {}).empty());
  EXPECT_TRUE(store.existingMovies("carol", {"m1.mkv"}).empty());
}

TYPED_TEST(StoreContractTest, EachUserHasTheirOwnItemsAndShows) {
  auto& store = this->store();
  addUser(store, "alice");
  addUser(store, "bob");
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e1"}, {"Show", "e2"}}, stampAt(kT0)), 2);
  EXPECT_EQ(recordEpisodes(store, "bob", {{"Show", "e1"}}, stampAt(kT0)), 1);  // new to bob
  EXPECT_EQ(recordVideos(store, "alice", {{"v1", "Video 1", "UC1", "One", 100}}, stampAt(kT0)), 1);
  EXPECT_EQ(recordVideos(store, "bob", {{"v1", "Video 1", "UC1", "One", 100}}, stampAt(kT0)), 1);
  EXPECT_EQ(tagShow(store, "alice", "Show", {81189, "Breaking Bad", std::nullopt, 2700}), 1);

  auto bobs = store.findShow("bob", "Show");
  ASSERT_TRUE(bobs);
  EXPECT_FALSE(bobs->tvdb_id);
  EXPECT_EQ(bobs->version, 1);
  domain::ProgressInput bob = store.progressInput("bob", utc(), 0);
  EXPECT_EQ(dailyOf(bob, ItemKind::kEpisode), (std::vector<Day>{{utcDay(kT0), 1, 1200}}));
  EXPECT_EQ(dailyOf(bob, ItemKind::kYoutubeVideo), (std::vector<Day>{{utcDay(kT0), 1, 100}}));
  ASSERT_EQ(bob.shows.size(), 1u);
  EXPECT_FALSE(bob.shows[0].tvdb_id);
  domain::ProgressInput alice = store.progressInput("alice", utc(), 0);
  EXPECT_EQ(dailyOf(alice, ItemKind::kEpisode), (std::vector<Day>{{utcDay(kT0), 2, 5400}}));
}

// ---- immersion: tagging shows -------------------------------------------------------------------

TYPED_TEST(StoreContractTest, TaggingAShowSetsItsSeriesAndBumpsItsVersion) {
  auto& store = this->store();
  addUser(store, "alice");
  addUser(store, "bob");
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e1"}}, stampAt(kT0)), 1);

  EXPECT_EQ(tagShow(store, "alice", "Show", {81189, "Breaking Bad", "https://img/bb.jpg", 2700}),
            1);
  auto show = store.findShow("alice", "Show");
  ASSERT_TRUE(show);
  EXPECT_EQ(show->tvdb_id, 81189);
  EXPECT_EQ(show->tvdb_name, "Breaking Bad");
  EXPECT_EQ(show->tvdb_image, "https://img/bb.jpg");
  EXPECT_EQ(show->tvdb_average_runtime, 2700);
  EXPECT_EQ(show->version, 2);

  // Folders the user has not got are not created.
  EXPECT_EQ(tagShow(store, "alice", "Nope", {1, "Other", std::nullopt, std::nullopt}), 0);
  EXPECT_FALSE(store.findShow("alice", "Nope"));
  EXPECT_EQ(tagShow(store, "bob", "Show", {1, "Other", std::nullopt, std::nullopt}), 0);
  EXPECT_FALSE(store.findShow("bob", "Show"));

  // Tagged again with a series without image or runtime: those are cleared.
  EXPECT_EQ(tagShow(store, "alice", "Show", {1, "Other", std::nullopt, std::nullopt}), 1);
  show = store.findShow("alice", "Show");
  ASSERT_TRUE(show);
  EXPECT_EQ(show->tvdb_id, 1);
  EXPECT_EQ(show->tvdb_name, "Other");
  EXPECT_FALSE(show->tvdb_image);
  EXPECT_FALSE(show->tvdb_average_runtime);
  EXPECT_EQ(show->version, 3);
  auto listed = store.listShows("alice");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].tvdb_name, "Other");
  EXPECT_EQ(listed[0].version, 3);

  domain::ProgressInput in = store.progressInput("alice", utc(), 0);
  ASSERT_EQ(in.shows.size(), 1u);
  EXPECT_EQ(in.shows[0].folder_name, "Show");
  EXPECT_EQ(in.shows[0].tvdb_id, 1);
  EXPECT_EQ(in.shows[0].tvdb_name, "Other");
  EXPECT_FALSE(in.shows[0].average_runtime_seconds);
}

TYPED_TEST(StoreContractTest, RetaggingAShowCorrectsTheTimeAlreadyCounted) {
  auto& store = this->store();
  addUser(store, "alice");
  const domain::LocalDay day = utcDay(kT0);
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e1"}, {"Show", "e2"}, {"Other", "e1"}},
                           stampAt(kT0)),
            3);
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e3"}}, stampAt(kT0 + 86400)), 1);
  EXPECT_EQ(dailyOf(store.progressInput("alice", utc(), 0), ItemKind::kEpisode),
            (std::vector<Day>{{day, 3, 3 * 1200}, {day + 1, 1, 1200}}));

  // 45-minute episodes: the days already counted are corrected.
  EXPECT_EQ(tagShow(store, "alice", "Show", {81189, "Breaking Bad", std::nullopt, 2700}), 1);
  domain::ProgressInput in = store.progressInput("alice", utc(), 0);
  EXPECT_EQ(dailyOf(in, ItemKind::kEpisode),
            (std::vector<Day>{{day, 3, 2 * 2700 + 1200}, {day + 1, 1, 2700}}));
  EXPECT_EQ(recentSum(in, ItemKind::kEpisode).items, 4);
  EXPECT_EQ(recentSum(in, ItemKind::kEpisode).seconds, 3 * 2700 + 1200);
  ASSERT_EQ(in.shows.size(), 2u);

  // A new episode counts the new runtime.
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e4"}}, stampAt(kT0 + 86400)), 1);
  EXPECT_EQ(dailyOf(store.progressInput("alice", utc(), 0), ItemKind::kEpisode),
            (std::vector<Day>{{day, 3, 2 * 2700 + 1200}, {day + 1, 2, 2 * 2700}}));

  // Tagged again without a runtime: back to 20 minutes.
  EXPECT_EQ(tagShow(store, "alice", "Show", {81189, "Breaking Bad", std::nullopt, std::nullopt}),
            1);
  in = store.progressInput("alice", utc(), 0);
  EXPECT_EQ(dailyOf(in, ItemKind::kEpisode),
            (std::vector<Day>{{day, 3, 3 * 1200}, {day + 1, 2, 2 * 1200}}));
  EXPECT_EQ(recentSum(in, ItemKind::kEpisode).seconds, 5 * 1200);
  EXPECT_EQ(groupsOf(in, ItemKind::kEpisode),
            (std::map<std::string, std::int64_t>{{"Other", 1}, {"Show", 4}}));
}

// ---- immersion: languages ----------------------------------------------------------------------

TYPED_TEST(StoreContractTest, ItemsCountInTheirLanguageOrInTheOneChosenForTheirGroup) {
  auto& store = this->store();
  addUser(store, "alice");
  using Languages = std::map<std::string, std::pair<std::int64_t, std::int64_t>>;
  auto video = [](std::string id, std::string channel, std::int64_t seconds,
                  std::optional<std::string> language) {
    return domain::YoutubeVideo{id,      "Video " + id, channel, "Channel " + channel,
                                seconds, std::nullopt,  language};
  };
  EXPECT_EQ(recordVideos(store, "alice",
                         {video("v1", "UC1", 100, "ja"), video("v2", "UC1", 200, std::nullopt),
                          video("v3", "UC2", 300, "en")},
                         stampAt(kT0)),
            3);
  MovieRecord film = movie("film.mkv", "Film", 7000);
  film.movie.language = "ja";
  EXPECT_EQ(recordMovies(store, "alice", {film}, stampAt(kT0)), 1);
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e1"}, {"Show", "e2"}}, stampAt(kT0)), 2);
  EXPECT_EQ(tagShow(store, "alice", "Show", {81189, "Show", std::nullopt, 2700, "ja"}), 1);
  EXPECT_EQ(store.findShow("alice", "Show")->tvdb_language, "ja");

  auto languages = [&](ItemKind kind) {
    return languagesOf(store.progressInput("alice", utc(), 0), kind);
  };
  EXPECT_EQ(languages(ItemKind::kYoutubeVideo),
            (Languages{{"", {1, 200}}, {"en", {1, 300}}, {"ja", {1, 100}}}));
  EXPECT_EQ(languages(ItemKind::kMovie), (Languages{{"ja", {1, 7000}}}));
  EXPECT_EQ(languages(ItemKind::kEpisode), (Languages{{"ja", {2, 5400}}}));

  // A channel's chosen language counts for its past videos and its future ones.
  store.chooseLanguage("alice", ItemKind::kYoutubeVideo, "UC1", "ko");
  EXPECT_EQ(store.languageChoices("alice"),
            (std::vector<LanguageChoice>{{ItemKind::kYoutubeVideo, "UC1", "ko"}}));
  EXPECT_EQ(languages(ItemKind::kYoutubeVideo), (Languages{{"en", {1, 300}}, {"ko", {2, 300}}}));
  EXPECT_EQ(recordVideos(store, "alice", {video("v4", "UC1", 400, "ja")}, stampAt(kT0 + 60)), 1);
  EXPECT_EQ(languages(ItemKind::kYoutubeVideo), (Languages{{"en", {1, 300}}, {"ko", {3, 700}}}));

  // A show folder's choice wins over what TVDB says, even when the show is tagged again.
  store.chooseLanguage("alice", ItemKind::kEpisode, "Show", "zh");
  EXPECT_EQ(languages(ItemKind::kEpisode), (Languages{{"zh", {2, 5400}}}));
  EXPECT_EQ(tagShow(store, "alice", "Show", {81189, "Show", std::nullopt, 1800, "ko"}), 1);
  EXPECT_EQ(languages(ItemKind::kEpisode), (Languages{{"zh", {2, 3600}}}));
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e3"}}, stampAt(kT0 + 60)), 1);
  EXPECT_EQ(languages(ItemKind::kEpisode), (Languages{{"zh", {3, 5400}}}));

  // Forgotten choices: the providers' languages count again.
  store.chooseLanguage("alice", ItemKind::kEpisode, "Show", std::nullopt);
  store.chooseLanguage("alice", ItemKind::kYoutubeVideo, "UC1", std::nullopt);
  EXPECT_TRUE(store.languageChoices("alice").empty());
  EXPECT_EQ(languages(ItemKind::kEpisode), (Languages{{"ko", {3, 5400}}}));
  EXPECT_EQ(languages(ItemKind::kYoutubeVideo),
            (Languages{{"", {1, 200}}, {"en", {1, 300}}, {"ja", {2, 500}}}));
  // Counting moved nothing between days or groups.
  domain::ProgressInput in = store.progressInput("alice", utc(), 0);
  EXPECT_EQ(dailyOf(in, ItemKind::kYoutubeVideo), (std::vector<Day>{{utcDay(kT0), 4, 1000}}));
  EXPECT_EQ(groupsOf(in, ItemKind::kYoutubeVideo),
            (std::map<std::string, std::int64_t>{{"UC1", 3}, {"UC2", 1}}));
}

// ---- immersion: export -------------------------------------------------------------------------

TYPED_TEST(StoreContractTest, WatchedItemsAreListedInPagesWithWhatWasRecorded) {
  auto& store = this->store();
  addUser(store, "alice");
  addUser(store, "bob");
  std::vector<EpisodeRef> episodes;
  for (int i = 0; i < 7; ++i)
    episodes.push_back({"Show " + std::to_string(i % 2), "e" + std::to_string(i)});
  EXPECT_EQ(recordEpisodes(store, "alice", episodes, stampAt(kT0)), 7);
  MovieRecord film = movie("film.mkv", "Film", 7000);
  film.movie.language = "ja";
  EXPECT_EQ(recordMovies(store, "alice", {film}, stampAt(kT0 + 1)), 1);
  EXPECT_EQ(recordVideos(store, "alice",
                         {{"v1", "Video 1", "UC1", "One", 100, "https://yt3.example/1", "ja"},
                          {"v2", "Video 2", "UC2", "Two", 200}},
                         stampAt(kT0 + 2)),
            2);
  EXPECT_EQ(recordPodcastEpisodes(store, "alice", {{"s1", "Episode 1", "S1", "Pod", 600}},
                                  stampAt(kT0 + 3)),
            1);
  EXPECT_EQ(recordEpisodes(store, "bob", {{"Bob's", "x"}}, stampAt(kT0)), 1);

  // Pages of 3 until the end, each item once.
  std::vector<storage::WatchedItem> all;
  std::optional<std::string> cursor;
  int pages = 0;
  do {
    storage::WatchedPage page = store.listWatched("alice", cursor, 3);
    EXPECT_LE(page.items.size(), 3u);
    for (auto& item : page.items) all.push_back(std::move(item));
    cursor = page.next_cursor;
    ASSERT_LT(++pages, 20);
  } while (cursor);
  ASSERT_EQ(all.size(), 11u);
  std::map<ItemKind, int> kinds;
  std::set<std::pair<std::string, std::string>> episode_keys;
  for (const auto& item : all) {
    ++kinds[item.kind];
    if (item.kind == ItemKind::kEpisode) {
      EXPECT_EQ(item.timestamp, kT0);
      episode_keys.insert({item.folder_name, item.file_name});
    } else if (item.kind == ItemKind::kMovie) {
      EXPECT_EQ(item.file_name, "film.mkv");
      EXPECT_EQ(item.movie, film.movie);
      EXPECT_EQ(item.timestamp, kT0 + 1);
    } else if (item.kind == ItemKind::kYoutubeVideo && item.id == "v1") {
      EXPECT_EQ(
          item,
          (storage::WatchedItem{
              ItemKind::kYoutubeVideo, kT0 + 2, "", "", {}, "v1", "Video 1", "UC1", 100, "ja"}));
    } else if (item.kind == ItemKind::kSpotifyEpisode) {
      EXPECT_EQ(item, (storage::WatchedItem{ItemKind::kSpotifyEpisode,
                                            kT0 + 3,
                                            "",
                                            "",
                                            {},
                                            "s1",
                                            "Episode 1",
                                            "S1",
                                            600,
                                            std::nullopt}));
    }
  }
  EXPECT_EQ(kinds, (std::map<ItemKind, int>{{ItemKind::kEpisode, 7},
                                            {ItemKind::kMovie, 1},
                                            {ItemKind::kYoutubeVideo, 2},
                                            {ItemKind::kSpotifyEpisode, 1}}));
  EXPECT_EQ(episode_keys.size(), 7u);
  EXPECT_TRUE(episode_keys.contains({"Show 1", "e5"}));

  EXPECT_EQ(store.listGroups("alice"),
            (std::vector<storage::GroupRecord>{
                {ItemKind::kYoutubeVideo, {"UC1", "One", "https://yt3.example/1"}},
                {ItemKind::kYoutubeVideo, {"UC2", "Two", std::nullopt}},
                {ItemKind::kSpotifyEpisode, {"S1", "Pod", std::nullopt}}}));
  EXPECT_TRUE(store.listGroups("bob").empty());
  storage::WatchedPage bobs = store.listWatched("bob", std::nullopt, 10);
  ASSERT_EQ(bobs.items.size(), 1u);
  EXPECT_EQ(bobs.items[0].folder_name, "Bob's");
  EXPECT_FALSE(bobs.next_cursor.has_value());
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

// What GET /api/activity reads: the per-day totals of a range of days, as progressInput has
// them, in the calendar asked for (rebuilt into it first when they are kept in another).
TYPED_TEST(StoreContractTest, DailyTotalsOfARangeAreThoseProgressInputHasOfIt) {
  auto& store = this->store();
  addUser(store, "alice");
  addUser(store, "bob");
  using Row = std::tuple<domain::LocalDay, ItemKind, std::int64_t, std::int64_t,
                         std::optional<std::string>>;
  auto rows = [](const std::vector<domain::DailyTotal>& totals) {
    std::vector<Row> out;
    for (const auto& t : totals) out.emplace_back(t.day, t.kind, t.items, t.seconds, t.language);
    return sorted(std::move(out));
  };
  auto between = [&](const domain::ProgressInput& in, domain::LocalDay from, domain::LocalDay to) {
    std::vector<domain::DailyTotal> days;
    for (const auto& t : in.daily) {
      if (t.day >= from && t.day <= to) days.push_back(t);
    }
    return rows(days);
  };
  constexpr std::int64_t kDay = 24 * 3600;
  for (int d = 0; d < 5; ++d) {
    const std::int64_t t = kEndOfMarch + d * kDay;  // noon in UTC, 01:00 the next day in Auckland
    EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e" + std::to_string(d)}}, stampAt(t)), 1);
    EXPECT_EQ(
        recordMovies(store, "alice", {movie("m" + std::to_string(d), "M", 60 * d)}, stampAt(t)), 1);
  }
  EXPECT_EQ(recordEpisodes(store, "bob", {{"Show", "e0"}}, stampAt(kEndOfMarch)), 1);

  // Asked in Auckland first: kept in UTC until now, so rebuilt (a day later there).
  const domain::LocalDay first = utcDay(kEndOfMarch);
  auto auckland = store.dailyTotals("alice", calendar("Pacific/Auckland"), first + 2, first + 3);
  EXPECT_EQ(rows(auckland), between(store.progressInput("alice", calendar("Pacific/Auckland"), 0),
                                    first + 2, first + 3));
  ASSERT_EQ(auckland.size(), 4u);  // an episode and a movie on each of the two days
  for (const auto& t : auckland) EXPECT_TRUE(t.day == first + 2 || t.day == first + 3);

  const domain::ProgressInput all = store.progressInput("alice", utc(), 0);
  for (auto [from, to] :
       std::vector<std::pair<domain::LocalDay, domain::LocalDay>>{{first, first + 4},
                                                                  {first - 10, first + 10},
                                                                  {first + 1, first + 1},
                                                                  {first + 5, first + 9},
                                                                  {first + 3, first + 2}}) {
    EXPECT_EQ(rows(store.dailyTotals("alice", utc(), from, to)), between(all, from, to))
        << from - first << " to " << to - first;
  }
  EXPECT_EQ(store.dailyTotals("alice", utc(), first, first + 4).size(), 10u);
  EXPECT_EQ(store.dailyTotals("bob", utc(), first, first + 4).size(), 1u);
  EXPECT_TRUE(store.dailyTotals("nobody", utc(), first, first + 4).empty());
}

TYPED_TEST(StoreContractTest, RetaggingCorrectsTheDaysOfTheZoneTheTotalsAreKeptIn) {
  auto& store = this->store();
  addUser(store, "alice");
  // Both on Sunday 31 March in UTC; in Auckland on Sunday 23:00 and on Monday 01:00.
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e1"}}, stampAt(kEndOfMarch - 2 * 3600)), 1);
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "e2"}}, stampAt(kEndOfMarch)), 1);
  const domain::LocalDay sunday = utcDay(kEndOfMarch);
  EXPECT_EQ(
      dailyOf(store.progressInput("alice", calendar("Pacific/Auckland"), 0), ItemKind::kEpisode),
      (std::vector<Day>{{sunday, 1, 1200}, {sunday + 1, 1, 1200}}));

  EXPECT_EQ(tagShow(store, "alice", "Show", {81189, "Breaking Bad", std::nullopt, 1800}), 1);
  EXPECT_EQ(
      dailyOf(store.progressInput("alice", calendar("Pacific/Auckland"), 0), ItemKind::kEpisode),
      (std::vector<Day>{{sunday, 1, 1800}, {sunday + 1, 1, 1800}}));
  EXPECT_EQ(dailyOf(store.progressInput("alice", utc(), 0), ItemKind::kEpisode),
            (std::vector<Day>{{sunday, 2, 3600}}));
}

TYPED_TEST(StoreContractTest, ProgressOfAUserWithoutItemsIsEmpty) {
  auto& store = this->store();
  addUser(store, "alice");
  for (const char* user : {"alice", "nobody"}) {
    domain::ProgressInput in = store.progressInput(user, utc(), 0);
    EXPECT_TRUE(in.daily.empty()) << user;
    EXPECT_TRUE(in.groups.empty()) << user;
    EXPECT_TRUE(in.recent.empty()) << user;
    EXPECT_FALSE(in.first_timestamp) << user;
    EXPECT_TRUE(in.shows.empty()) << user;
    EXPECT_TRUE(in.youtube_channels.empty()) << user;
    EXPECT_TRUE(in.spotify_shows.empty()) << user;
    EXPECT_TRUE(in.movies.empty()) << user;
  }
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

TYPED_TEST(StoreContractTest, RemovingAUserLeavesOtherUsersUntouched) {
  auto& store = this->store();
  for (const std::string user : {"alice", "bob"}) {
    addUser(store, user);
    store.addToken({"id-" + user, user, "", "2025-01-01T00:00:00.000000"}, "hash-" + user);
    putAndWait(store, progress(user, "Lost", 1, 2));
    EXPECT_EQ(recordEpisodes(store, user, {{"Show", "e1"}, {"Show", "e2"}}, stampAt(kT0)), 2);
    EXPECT_EQ(recordVideos(store, user, {{"v1", "Video 1", "UC1", "One", 100}}, stampAt(kT0)), 1);
    EXPECT_TRUE(store.setUserTimeZone(user, "Asia/Tokyo"));
  }

  ASSERT_TRUE(store.removeUser("alice"));
  EXPECT_FALSE(store.findUser("alice"));
  EXPECT_TRUE(store.listTokens("alice").empty());
  EXPECT_TRUE(store.listTvProgress("alice").empty());
  EXPECT_TRUE(store.listShows("alice").empty());
  EXPECT_EQ(store.userTimeZone("alice"), std::nullopt);

  EXPECT_TRUE(store.findUser("bob"));
  auto owner = store.findUserByTokenHash("hash-bob");
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->name, "bob");
  EXPECT_EQ(store.listTokens("bob").size(), 1u);
  EXPECT_TRUE(store.getTvProgress("bob", "Lost"));
  EXPECT_EQ(store.listAllTvProgress(0, std::nullopt).entries.size(), 1u);
  EXPECT_EQ(folderNames(store.listShows("bob")), std::vector<std::string>{"Show"});
  EXPECT_EQ(store.existingYoutubeVideos("bob", {"v1"}), std::vector<std::string>{"v1"});
  EXPECT_EQ(store.userTimeZone("bob"), "Asia/Tokyo");
  domain::ProgressInput bob = store.progressInput("bob", utc(), 0);
  EXPECT_EQ(dailyOf(bob, ItemKind::kEpisode), (std::vector<Day>{{utcDay(kT0), 2, 2400}}));
  EXPECT_EQ(groupsOf(bob, ItemKind::kYoutubeVideo),
            (std::map<std::string, std::int64_t>{{"UC1", 1}}));
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
                          [&](Result<void> r) { done.set_value(errorOf(r)); });
  ASSERT_EQ(done.get_future().get(), nullptr);
  auto hit = store.cachedMetadata("youtube_video", "abc");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, R"({"id":"abc"})");
  EXPECT_EQ(hit->fetched_at, 42);
  EXPECT_FALSE(store.cachedMetadata("tvdb_series", "abc"));
}

TYPED_TEST(StoreContractTest, SettingsChangeOnlyWhatIsGiven) {
  auto& store = this->store();
  addUser(store, "alice");
  EXPECT_EQ(store.userSettings("alice"), storage::UserSettings{});
  EXPECT_EQ(store.userSettings("nobody"), std::nullopt);
  storage::SettingsChange change;
  change.language = std::optional<std::string>("ja");
  change.daily_goal_minutes = 60;
  ASSERT_TRUE(store.changeUserSettings("alice", change));
  ASSERT_TRUE(store.changeUserSettings("alice", {.day_start_hour = 4}));
  ASSERT_TRUE(store.setUserTimeZone("alice", "Asia/Tokyo"));
  EXPECT_EQ(store.userSettings("alice"), (storage::UserSettings{"Asia/Tokyo", "ja", 60, 4}));
  ASSERT_TRUE(store.changeUserSettings(
      "alice", {.language = std::optional<std::string>(), .daily_goal_minutes = 0}));
  EXPECT_EQ(store.userSettings("alice"), (storage::UserSettings{"Asia/Tokyo", std::nullopt, 0, 4}));
  EXPECT_FALSE(store.changeUserSettings("nobody", {.day_start_hour = 4}));
  EXPECT_TRUE(store.changeUserSettings("alice", {}));
}

// Totals kept by a calendar whose days begin at 4 are rebuilt when asked for midnight days.
TYPED_TEST(StoreContractTest, DailyTotalsFollowTheDayStart) {
  auto& store = this->store();
  addUser(store, "alice");
  storage::Calendar from4 = calendar("UTC");
  from4.day_start_hour = 4;
  const std::int64_t three_am = kEndOfMarch - 9 * 3600;  // Sunday 03:00 UTC
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "1"}}, SyncStamp{three_am, from4}), 1);
  auto by4 = store.progressInput("alice", from4, three_am);
  ASSERT_EQ(by4.daily.size(), 1u);
  EXPECT_EQ(by4.daily[0].day, utcDay(kEndOfMarch) - 1);  // still Saturday
  auto by0 = store.progressInput("alice", calendar("UTC"), three_am);
  ASSERT_EQ(by0.daily.size(), 1u);
  EXPECT_EQ(by0.daily[0].day, utcDay(kEndOfMarch));
}

domain::ImmersionLog newLog(const std::string& id, domain::LocalDay date, std::int64_t minutes,
                            std::optional<std::string> language = "ja") {
  domain::ImmersionLog log;
  log.id = id;
  log.medium = domain::Medium::kBook;
  log.minutes = minutes;
  log.date = date;
  log.language = std::move(language);
  log.title = "よつばと!";
  log.amount = 30;
  log.unit = domain::AmountUnit::kPages;
  log.created_at = 1'700'000'000'000'000;
  return log;
}

// The id of the n-th log: ids sort as logs are created.
std::string logId(int n) { return domain::newLogId(1'700'000'000'000'000 + n, 7); }

// Every kind of log total, read back: all rows, all-time shares and dates.
domain::LogTotals logTotalsOf(auto& store, const std::string& user) {
  return store.logTotals(user, 0, 100'000, true);
}

// The minutes of the user's logs, as each kind of total sums them (all must agree).
std::int64_t loggedMinutes(auto& store, const std::string& user) {
  domain::LogTotals t = logTotalsOf(store, user);
  std::int64_t by_row = 0, by_share = 0, by_date = 0;
  for (const auto& r : t.days) by_row += r.minutes;
  for (const auto& r : t.shares) by_share += r.minutes;
  for (const auto& r : t.dates) by_date += r.minutes;
  EXPECT_EQ(by_row, by_share);
  EXPECT_EQ(by_row, by_date);
  return by_row;
}

TYPED_TEST(StoreContractTest, LogsAreKeptWithTheirTotalsAndChangedOnlyAtTheirRevision) {
  auto& store = this->store();
  addUser(store, "alice");
  addUser(store, "bob");
  auto first = store.addLog("alice", newLog(logId(1), 100, 45), "");
  EXPECT_FALSE(first.replayed);
  EXPECT_EQ(store.findLog("alice", logId(1)), newLog(logId(1), 100, 45));
  EXPECT_EQ(store.findLog("bob", logId(1)), std::nullopt);
  store.addLog("alice", newLog(logId(2), 101, 30, std::nullopt), "");
  domain::LogTotals in = logTotalsOf(store, "alice");
  ASSERT_EQ(in.days.size(), 2u);
  EXPECT_EQ(loggedMinutes(store, "alice"), 75);
  EXPECT_EQ(store.logTotals("alice", 101, 101, false).days.size(), 1u);
  EXPECT_TRUE(store.logTotals("alice", 101, 101, false).shares.empty());

  domain::ImmersionLog before = newLog(logId(1), 100, 45);
  domain::ImmersionLog after = before;
  after.minutes = 50;
  after.date = 101;
  after.language.reset();
  after.title.reset();
  after.revision = 2;
  EXPECT_TRUE(store.replaceLog("alice", before, after));
  EXPECT_FALSE(store.replaceLog("alice", before, after));  // no longer at revision 1
  EXPECT_FALSE(store.replaceLog("bob", before, after));
  EXPECT_EQ(store.findLog("alice", logId(1)), after);
  in = logTotalsOf(store, "alice");
  ASSERT_EQ(in.days.size(), 1u);  // both on day 101, language unknown
  EXPECT_EQ(in.days[0].minutes, 80);
  EXPECT_EQ(in.days[0].logs, 2);
  EXPECT_EQ(in.days[0].language, std::nullopt);
  ASSERT_EQ(in.dates.size(), 1u);
  EXPECT_EQ(in.dates[0].logs, 2);
  EXPECT_EQ(loggedMinutes(store, "alice"), 80);

  EXPECT_FALSE(store.removeLog("alice", before));  // an old revision
  EXPECT_TRUE(store.removeLog("alice", after));
  EXPECT_FALSE(store.removeLog("alice", after));
  EXPECT_EQ(store.findLog("alice", logId(1)), std::nullopt);
  EXPECT_EQ(loggedMinutes(store, "alice"), 30);
  EXPECT_TRUE(logTotalsOf(store, "bob").days.empty());
  EXPECT_TRUE(logTotalsOf(store, "bob").shares.empty());
}

TYPED_TEST(StoreContractTest, AnIdempotencyKeyRecordsOnceAndGoesWithItsLog) {
  auto& store = this->store();
  addUser(store, "alice");
  addUser(store, "bob");
  auto first = store.addLog("alice", newLog(logId(1), 100, 45), "key-1");
  auto again = store.addLog("alice", newLog(logId(2), 100, 45), "key-1");
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.log, first.log);
  EXPECT_FALSE(store.addLog("bob", newLog(logId(3), 100, 45), "key-1").replayed);
  EXPECT_EQ(store.listLogs("alice", {}).logs.size(), 1u);
  EXPECT_EQ(loggedMinutes(store, "alice"), 45);
  // Removing the log frees its key.
  ASSERT_TRUE(store.removeLog("alice", first.log));
  EXPECT_FALSE(store.addLog("alice", newLog(logId(4), 100, 45), "key-1").replayed);
}

TYPED_TEST(StoreContractTest, LogsListNewestDateFirstInPages) {
  auto& store = this->store();
  addUser(store, "alice");
  const domain::LocalDay dates[] = {100, 103, 101, 103, 102};
  for (int n = 0; n < 5; ++n) store.addLog("alice", newLog(logId(n), dates[n], 10), "");
  auto ids = [](const storage::LogPage& page) {
    std::vector<std::string> out;
    for (const auto& l : page.logs) out.push_back(l.id);
    return out;
  };
  storage::LogQuery query;
  query.limit = 2;
  auto page = store.listLogs("alice", query);
  EXPECT_EQ(ids(page), (std::vector<std::string>{logId(3), logId(1)}));
  EXPECT_TRUE(page.more);
  query.after_date = page.logs.back().date;
  query.after_id = page.logs.back().id;
  page = store.listLogs("alice", query);
  EXPECT_EQ(ids(page), (std::vector<std::string>{logId(4), logId(2)}));
  query.after_date = page.logs.back().date;
  query.after_id = page.logs.back().id;
  page = store.listLogs("alice", query);
  EXPECT_EQ(ids(page), (std::vector<std::string>{logId(0)}));
  EXPECT_FALSE(page.more);

  storage::LogQuery range;
  range.from = 101;
  range.to = 102;
  EXPECT_EQ(ids(store.listLogs("alice", range)), (std::vector<std::string>{logId(4), logId(2)}));
  storage::LogQuery created;
  created.order = storage::LogQuery::Order::kCreated;
  created.limit = 1;
  page = store.listLogs("alice", created);
  EXPECT_EQ(ids(page), (std::vector<std::string>{logId(4)}));
  created.after_id = logId(4);
  EXPECT_EQ(ids(store.listLogs("alice", created)), (std::vector<std::string>{logId(3)}));
  EXPECT_TRUE(store.listLogs("bob", {}).logs.empty());
}

TYPED_TEST(StoreContractTest, RemovingAUserRemovesTheirLogs) {
  auto& store = this->store();
  addUser(store, "alice");
  store.addLog("alice", newLog(logId(1), 100, 45), "key");
  ASSERT_TRUE(store.removeUser("alice"));
  addUser(store, "alice");
  EXPECT_EQ(store.findLog("alice", logId(1)), std::nullopt);
  EXPECT_TRUE(store.listLogs("alice", {}).logs.empty());
  EXPECT_TRUE(logTotalsOf(store, "alice").days.empty());
  EXPECT_TRUE(logTotalsOf(store, "alice").dates.empty());
  EXPECT_FALSE(store.addLog("alice", newLog(logId(2), 100, 45), "key").replayed);
}

TYPED_TEST(StoreContractTest, MetadataCacheKeepsTheLatestEntryPerKindAndId) {
  auto& store = this->store();
  putMetadata(store, {{"tvdb_series", "81189", R"({"v":1})", 10},
                      {"tvdb_movie", "81189", R"({"movie":true})", 11}});
  // Twice in one write: the last one wins.
  putMetadata(store, {{"tvdb_series", "81189", R"({"v":2})", 20},
                      {"tvdb_series", "81189", R"({"v":3})", 30}});

  auto series = store.cachedMetadata("tvdb_series", "81189");
  ASSERT_TRUE(series);
  EXPECT_EQ(series->kind, "tvdb_series");
  EXPECT_EQ(series->id, "81189");
  EXPECT_EQ(series->body, R"({"v":3})");
  EXPECT_EQ(series->fetched_at, 30);
  auto movie = store.cachedMetadata("tvdb_movie", "81189");
  ASSERT_TRUE(movie);
  EXPECT_EQ(movie->body, R"({"movie":true})");
  EXPECT_EQ(movie->fetched_at, 11);
  EXPECT_FALSE(store.cachedMetadata("spotify_episode", "81189"));

  std::vector<MetadataEntry> many;
  for (int i = 0; i < 30; ++i) {
    many.push_back({"youtube_video", "v" + std::to_string(i), std::to_string(i), kT0 + i});
  }
  putMetadata(store, many);
  for (int i = 0; i < 30; ++i) {
    auto entry = store.cachedMetadata("youtube_video", "v" + std::to_string(i));
    ASSERT_TRUE(entry) << i;
    EXPECT_EQ(entry->body, std::to_string(i));
    EXPECT_EQ(entry->fetched_at, kT0 + i);
  }
}

}  // namespace
}  // namespace it::test
