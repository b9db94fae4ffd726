// What only the SQLite store does: migrations, group commit, the credentials stamp file, and
// recent items one by one. What every store does is in store_contract_test.cpp.

#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <future>
#include <thread>

#include "storage/sqlite/schema.hpp"
#include "support/store_helpers.hpp"
#include "support/temp_dir.hpp"

namespace it::storage::sqlite {
namespace {

using test::calendar;
using test::errorOf;
using test::progress;
using test::putAndWait;
using test::recordEpisodes;

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
            [done](Result<void> r) { done->set_value(errorOf(r)); });
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
  EXPECT_EQ(SqliteStore({path()}).credentialsVersion(), v3);  // kept in the file, as restarted
}

// The TV progress entries a store keeps between commits are never stale: the next read after a
// write by this store or by another process on the same file (here a second store, which maps
// the shared counters apart) sees the write.
TEST_F(SqliteStoreTest, TvProgressReadsSeeEveryCommitOfEveryProcess) {
  SqliteStore server({path()});
  SqliteStore cli({path()});
  ASSERT_TRUE(server.addUser({"alice", "h", false, "t"}));
  EXPECT_FALSE(server.getTvProgress("alice", "Lost"));  // an absence is kept too
  putAndWait(cli, progress("alice", "Lost", 1, 2));
  auto read = server.getTvProgress("alice", "Lost");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->episode, 2);
  EXPECT_EQ(server.getTvProgress("alice", "Lost")->episode, 2);  // a second read, kept

  putAndWait(server, progress("alice", "Lost", 1, 3));
  EXPECT_EQ(server.getTvProgress("alice", "Lost")->episode, 3);
  putAndWait(cli, progress("alice", "Lost", 2, 1));
  EXPECT_EQ(server.getTvProgress("alice", "Lost")->season, 2);
  // A commit that touches no TV progress at all empties the cache as well.
  ASSERT_TRUE(cli.removeUser("alice"));
  EXPECT_FALSE(server.getTvProgress("alice", "Lost"));
}

// 2024-03-31T12:00:00Z.
constexpr std::int64_t kEndOfMarch = 1711886400;

// SQLite lists each recent item on its own, where DynamoDB sums those of one sync. The rest of
// this test is DailyTotalsFollowTheAskedZone in store_contract_test.cpp.
TEST_F(SqliteStoreTest, RecentItemsAreListedOneByOne) {
  SqliteStore store({path()});
  ASSERT_TRUE(store.addUser({"alice", "hash", false, "2025-01-01T00:00:00.000000"}));
  SyncStamp stamp{kEndOfMarch, calendar("UTC")};
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "1"}, {"Show", "2"}, {"Show", "1"}}, stamp),
            2);
  EXPECT_EQ(store.progressInput("alice", calendar("UTC"), kEndOfMarch - 3600).recent.size(), 2u);

  stamp.calendar = calendar("America/New_York");
  EXPECT_EQ(recordEpisodes(store, "alice", {{"Show", "3"}}, stamp), 1);
  auto ny = store.progressInput("alice", calendar("America/New_York"), 0);
  EXPECT_EQ(ny.recent.size(), 3u);
  for (const auto& item : ny.recent) {
    EXPECT_EQ(item.items, 1);
    EXPECT_EQ(item.timestamp, kEndOfMarch);
  }
}

// Version 4 let movies come from TMDB: a file of version 3, with the movies older clients
// synced from TVDB, keeps them (names, artwork, totals) and takes TMDB movies beside them.
TEST_F(SqliteStoreTest, MoviesOfAVersion3FileStayAndTmdbMoviesJoinThem) {
  {
    Connection db(path(), Connection::Mode::kReadWrite);
    migrate(db, 3);
    db.exec(
        "INSERT INTO users (name, password_hash, is_admin, created_at) "
        "VALUES ('alice', 'hash', 0, '2025-01-01T00:00:00.000000');"
        "INSERT INTO movies (username, file_name, tvdb_id, tvdb_name, tvdb_image, "
        "movie_duration, timestamp) VALUES ('alice', 'suzume.mkv', 331904, 'すずめの戸締まり', "
        "'https://img/suzume', 7320, 1711800000)");
  }
  ASSERT_EQ(userVersion(path()), 3);
  SqliteStore store({path()});
  EXPECT_EQ(userVersion(path()), SqliteStore::latestSchemaVersion());
  SyncStamp stamp{kEndOfMarch, calendar("UTC")};
  domain::Movie your_name{domain::MovieDatabase::kTmdb, 372058, "君の名は。", std::nullopt, 6360};
  EXPECT_EQ(test::recordMovies(store, "alice", {{"your_name.mkv", your_name}}, stamp), 1);

  auto in = store.progressInput("alice", calendar("UTC"), 0);
  EXPECT_EQ(in.movies, (std::vector<domain::MovieInfo>{
                           {"suzume.mkv", "すずめの戸締まり", "https://img/suzume"},
                           {"your_name.mkv", "君の名は。", std::nullopt}}));
  std::int64_t seconds = 0;
  for (const auto& day : in.daily) {
    if (day.kind == domain::ItemKind::kMovie) seconds += day.seconds;
  }
  EXPECT_EQ(seconds, 7320 + 6360);  // the older movie counts in the rebuilt totals too
  EXPECT_EQ(store.movieWithTmdbId("alice", 372058), std::optional<std::string>("your_name.mkv"));
  EXPECT_EQ(store.movieWithTmdbId("alice", 331904), std::nullopt);
}

// The movies come in the answer's order (by name in byte order, unnamed last, then by file
// name), TMDB's and TVDB's together, straight from movies_by_name: neither a sort in a
// temporary b-tree nor a row of the table per movie (migration 8).
TEST_F(SqliteStoreTest, MoviesAreReadInTheAnswersOrderFromOneIndex) {
  {
    Connection db(path(), Connection::Mode::kReadWrite);
    migrate(db, 7);
    db.exec(
        "INSERT INTO users (name, password_hash, is_admin, created_at) "
        "VALUES ('alice', 'hash', 0, '2025-01-01T00:00:00.000000');"
        // Synced by an older client: named by TVDB, or not named at all.
        "INSERT INTO movies (username, file_name, tvdb_id, tvdb_name, tvdb_image, "
        "movie_duration, timestamp) VALUES "
        "('alice', 'z.mkv', 1, 'Alien', 'https://img/z', 60, 1711800000), "
        "('alice', 'unnamed b.mkv', 2, NULL, NULL, 60, 1711800000), "
        "('alice', 'unnamed a.mkv', 3, NULL, 'https://img/a', 60, 1711800000)");
  }
  SqliteStore store({path()});
  SyncStamp stamp{kEndOfMarch, calendar("UTC")};
  auto tmdb = [](const char* name, std::optional<std::string> image) {
    return domain::Movie{domain::MovieDatabase::kTmdb, 7, name, std::move(image), 60};
  };
  EXPECT_EQ(test::recordMovies(store, "alice",
                               {{"a.mkv", tmdb("Alien", std::nullopt)},
                                {"b.mkv", tmdb("alien", "https://img/b")},
                                {"c.mkv", tmdb("君の名は。", std::nullopt)},
                                {"d.mkv", tmdb("Zodiac", std::nullopt)}},
                               stamp),
            4);
  EXPECT_EQ(store.progressInput("alice", calendar("UTC"), 0).movies,
            (std::vector<domain::MovieInfo>{{"a.mkv", "Alien", std::nullopt},
                                            {"z.mkv", "Alien", "https://img/z"},
                                            {"d.mkv", "Zodiac", std::nullopt},
                                            {"b.mkv", "alien", "https://img/b"},
                                            {"c.mkv", "君の名は。", std::nullopt},
                                            {"unnamed a.mkv", std::nullopt, "https://img/a"},
                                            {"unnamed b.mkv", std::nullopt, std::nullopt}}));

  Connection db(path(), Connection::Mode::kReadOnly);
  auto plan = db.prepare(
      "EXPLAIN QUERY PLAN SELECT file_name, COALESCE(tmdb_name, tvdb_name), "
      "COALESCE(tmdb_image, tvdb_image) FROM movies WHERE username = ?1 "
      "ORDER BY COALESCE(tmdb_name, tvdb_name) IS NULL, COALESCE(tmdb_name, tvdb_name), "
      "file_name");
  plan.bind(1, "alice");
  std::string steps;
  while (plan.step()) steps += plan.columnText(3) + "\n";
  EXPECT_EQ(steps, "SEARCH movies USING COVERING INDEX movies_by_name (username=?)\n");
}

}  // namespace
}  // namespace it::storage::sqlite
