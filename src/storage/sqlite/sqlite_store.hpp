#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/change_counters.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/tv_progress_cache.hpp"
#include "storage/store.hpp"

namespace it::storage::sqlite {

// Store on one SQLite file in WAL mode.
//
// Writes go through one writer thread that takes whatever is queued (up to a batch limit),
// runs each write in its own savepoint inside one BEGIN IMMEDIATE transaction and commits
// with synchronous=FULL: one fsync for the whole group ("group commit"). A write's callback
// runs only after its commit returned, so an acknowledged write is on disk. Reads use
// separate read-only connections, one per reading thread, so they never wait for the writer
// or for each other. Thread-safe.
//
// Beside the database lives "<database>-changes", counters shared with every process that
// uses the database (ChangeCounters): the credentials version, and the commit count that keeps
// the cache of TV progress entries (TvProgressCache) from serving what another write changed.
class SqliteStore final : public Store {
 public:
  struct Options {
    std::string path;             // database file; its directory must exist
    std::size_t max_batch = 512;  // writes per commit at most
  };

  // Opens (creating if needed) and migrates the database. Throws StoreError.
  explicit SqliteStore(Options options);
  // Commits everything queued, then closes.
  ~SqliteStore() override;

  // The schema version this build migrates to.
  static int latestSchemaVersion();

  bool fastReads() const override { return true; }
  std::optional<std::uint64_t> credentialsVersion() override;

  std::optional<UserRecord> findUser(std::string_view name) override;
  std::vector<UserRecord> listUsers() override;
  bool addUser(const UserRecord& user) override;
  bool setPasswordHash(std::string_view name, std::string_view hash) override;
  bool removeUser(std::string_view name) override;
  void addToken(const TokenInfo& token, std::string_view token_hash) override;
  std::optional<UserRecord> findUserByTokenHash(std::string_view token_hash) override;
  std::vector<TokenInfo> listTokens(std::string_view username) override;
  std::vector<StoredToken> listStoredTokens(std::string_view username) override;
  int revokeTokens(std::string_view username, std::string_view id) override;
  void addSession(std::string_view session_hash, std::string_view username, std::int64_t expires_at,
                  std::int64_t now) override;
  std::optional<SessionUser> findUserBySessionHash(std::string_view session_hash) override;
  void extendSession(std::string_view session_hash, std::int64_t expires_at) override;
  void removeSession(std::string_view session_hash) override;

  std::optional<TvProgress> getTvProgress(std::string_view username,
                                          std::string_view tv_show) override;
  std::vector<TvProgress> listTvProgress(std::string_view username) override;
  TvProgressPage listAllTvProgress(std::size_t limit,
                                   const std::optional<TvProgressKey>& after) override;
  void putTvProgress(TvProgress progress, WriteDone done) override;

  std::optional<UserSettings> userSettings(std::string_view username) override;
  bool changeUserSettings(std::string_view username, const SettingsChange& change) override;
  std::vector<ShowRecord> listShows(std::string_view username) override;
  std::optional<ShowRecord> findShow(std::string_view username,
                                     std::string_view folder_name) override;
  void recordEpisodes(std::string_view username, std::vector<EpisodeRef> episodes, SyncStamp stamp,
                      CountDone done) override;
  void updateShow(std::string_view username, std::string_view folder_name,
                  domain::TvdbSeries series, CountDone done) override;
  std::vector<std::string> existingMovies(std::string_view username,
                                          const std::vector<std::string>& keys) override;
  std::optional<std::string> movieWithTmdbId(std::string_view username,
                                             std::int64_t tmdb_id) override;
  std::vector<std::string> existingYoutubeVideos(std::string_view username,
                                                 const std::vector<std::string>& keys) override;
  std::vector<std::string> existingSpotifyEpisodes(std::string_view username,
                                                   const std::vector<std::string>& keys) override;
  void recordMovies(std::string_view username, std::vector<MovieRecord> movies, SyncStamp stamp,
                    CountDone done) override;
  void recordYoutubeVideos(std::string_view username, std::vector<domain::YoutubeVideo> videos,
                           SyncStamp stamp, CountDone done) override;
  void recordSpotifyEpisodes(std::string_view username,
                             std::vector<domain::SpotifyEpisode> episodes, SyncStamp stamp,
                             CountDone done) override;
  WatchedPage listWatched(std::string_view username, const std::optional<std::string>& cursor,
                          std::size_t limit) override;
  std::vector<GroupRecord> listGroups(std::string_view username) override;
  std::vector<LanguageChoice> languageChoices(std::string_view username) override;
  void chooseLanguage(std::string_view username, domain::ItemKind kind, std::string_view group,
                      std::optional<std::string> language) override;
  domain::ProgressInput progressInput(std::string_view username, const Calendar& calendar,
                                      std::int64_t recent_since) override;
  std::vector<domain::DailyTotal> dailyTotals(std::string_view username, const Calendar& calendar,
                                              domain::LocalDay from, domain::LocalDay to) override;
  AddedLog addLog(std::string_view username, const domain::ImmersionLog& log,
                  std::string_view idempotency_key) override;
  std::optional<domain::ImmersionLog> findLog(std::string_view username,
                                              std::string_view id) override;
  LogPage listLogs(std::string_view username, const LogQuery& query) override;
  bool replaceLog(std::string_view username, const domain::ImmersionLog& before,
                  const domain::ImmersionLog& after) override;
  bool removeLog(std::string_view username, const domain::ImmersionLog& log) override;
  domain::LogTotals logTotals(std::string_view username, domain::LocalDay from, domain::LocalDay to,
                              bool all_time) override;
  std::optional<MetadataEntry> cachedMetadata(std::string_view kind, std::string_view id) override;
  void putCachedMetadata(std::vector<MetadataEntry> entries, WriteDone done) override;

 private:
  using WriteOp = std::function<void(Connection&)>;
  struct PendingWrite {
    WriteOp op;
    WriteDone done;
  };

  // A reader connection for the duration of one read: the calling thread's own connection
  // (no lock at all) or, when that one is in use further up the stack, one from the pool.
  class ReaderLease {
   public:
    ReaderLease(Connection* conn, bool* busy) : conn_(conn), busy_(busy) {}
    ReaderLease(SqliteStore* pool, std::unique_ptr<Connection> owned)
        : conn_(owned.get()), pool_(pool), owned_(std::move(owned)) {}
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    ~ReaderLease();
    Connection* operator->() { return conn_; }
    Connection& operator*() { return *conn_; }

   private:
    Connection* conn_;
    bool* busy_ = nullptr;         // thread-local connection: cleared when done
    SqliteStore* pool_ = nullptr;  // pooled connection: returned when done
    std::unique_ptr<Connection> owned_;
  };

  ReaderLease reader();
  void submit(WriteOp op, WriteDone done);
  // Queues `op` and waits for its commit; rethrows its failure.
  void writeAndWait(WriteOp op);
  // Runs `read` in one snapshot in which the user's totals are kept by `calendar`, rebuilding
  // them first when they are not (progress_read.cpp).
  void readTotals(std::string_view username, const Calendar& calendar,
                  const std::function<void(Connection&)>& read);
  // Queues a write that counts something; `done` gets the count after the commit.
  void submitCounting(std::function<std::int64_t(Connection&)> op, CountDone done);
  std::vector<std::string> existingKeys(const char* sql, std::string_view username,
                                        const std::vector<std::string>& keys);
  void writerLoop();
  void commitBatch(std::vector<PendingWrite>& batch);

  Options options_;
  const std::uint64_t id_;  // tells stores apart in the threads' reader caches
  ChangeCounters counters_;
  TvProgressCache tv_cache_;
  std::unique_ptr<Connection> writer_conn_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<PendingWrite> queue_;
  bool stopping_ = false;
  std::thread writer_;

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

}  // namespace it::storage::sqlite
