#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>

#include "aws/dynamodb_client.hpp"
#include "aws/tables.hpp"
#include "storage/dynamodb/table_ops.hpp"
#include "storage/store.hpp"

namespace it::storage::dynamodb {

struct SyncCandidate;

// Store on the two originals' DynamoDB tables, in their layouts, so this server can be pointed
// at an existing deployment of either:
//
// TV-progress table (the original Flask app's, default "tv_show_tracker"): hash `username`, range
// `tv_show`, `season` and `episode` (N), `last_updated` (S).
//
// Immersion table (the original Lambda service's, default "immersion_tracker"), pk "USER#<user>"
// with sk EPISODE#<folder>#<file>, SHOW#<folder>, MOVIE#<file>, YOUTUBEVIDEO#<id>,
// YOUTUBECHANNEL#<id>, SPOTIFYEPISODE#<id>, SPOTIFYSHOW#<id>, with the original's attribute
// names and types (`timestamp` and durations N seconds, `version` N). And items of our own,
// in partitions the originals never query:
//
//   pk "IT#USER"            sk <name>     name, password_hash, admin (BOOL), created_at,
//                                         time_zone, language (when set),
//                                         daily_goal_minutes, day_start_hour (N, when set)
//   pk "IT#TOKEN"           sk <sha256>   token_id, username, label, created_at
//   pk "IT#META#<kind>"     sk <id>       body (S, provider JSON), fetched_at (N)
//   pk "IT#TOTALS#<user>"   the user's aggregates, so GET /progress reads O(days):
//       sk "DAY#<local day>#<KIND>[#<lang>]"  items, seconds: per day of the zone below and
//                                         language (none when unknown)
//       sk "GROUP#<KIND>#<group>"         items: per show folder, channel or podcast; with
//                                         what progress shows of it: a folder's tvdb_id,
//                                         tvdb_name, tvdb_average_runtime (as its SHOW item),
//                                         a channel's or podcast's title
//       sk "MOVIE#N#<name>#<file>"        name: one per movie, in name order (unnamed ones:
//          "MOVIE#~#<file>")              the `movies` list of GET /progress
//       sk "STAMP#<12-digit time>#<KIND>" items, seconds: per sync (one time per request);
//                                         the recent ones give "today" and "last week" (a
//                                         rebuild writes those of the user's last 9 days)
//       sk "TOTALS"                       zone, first_timestamp, generation
//       sk "LEASE"                        owner, expires: the write lease (see Lease)
//   with KIND one of EPISODE, MOVIE, YOUTUBEVIDEO, SPOTIFYEPISODE.
//   pk "IT#LOGS#<user>"     the user's manual logs (dynamodb_logs.cpp):
//       sk "LOG#<id>"                     the log (ids sort as logs were created)
//       sk "DATE#<YYYY-MM-DD>#<id>"       the same log again, for listing by date
//       sk "KEY#<idempotency key>"        log_id: the log a POST with that key recorded
//       sk "TOTAL#<YYYY-MM-DD>#<medium>#<lang>"  minutes, logs: per date, medium and
//                                         language ("" when unknown)
//       sk "SHARE#<medium>#<lang>"        minutes, logs: per medium and language, all time
//       sk "DAYTOTAL#<YYYY-MM-DD>"        minutes, logs: per date
//   A log's items and its totals are written in one transaction, conditioned on the revision
//   read, so logs need no lease and their totals never need a rebuild.
//   pk "IT#LANGUAGES#<user>"  sk "<KIND>#<group>"  language: the language the user chose for
//                                         a show folder, channel or podcast (changing one
//                                         rebuilds the aggregates)
//
// A sync, holding the user's write lease (the LEASE item: across processes, with a mutex
// within one), reads which of its items the user has (BatchGetItem), writes the new ones
// (BatchWriteItem, 25 per call, unprocessed items resubmitted), then adds them to the
// aggregates in one transaction that checks the aggregates are kept in the zone it counted
// in. GET /progress reads this partition only (two Queries), never the user's items. A
// re-sync or a concurrent one never counts an item twice; a sync that fails or dies
// between items and aggregates has the aggregates rebuilt from the items. Aggregates that
// are missing (data written by the originals) or kept in another zone are rebuilt the same
// way. Reads are strongly consistent. Thread-safe.
class DynamoDbStore final : public Store {
 public:
  struct Options {
    net::AwsConfig aws;
    aws::TableNames tables;
    aws::AwsRetryPolicy retry;
  };

  // Checks that both tables exist. Throws StoreError naming the missing table and the command
  // that creates it. `transport` defaults to libcurl (tests may inject faults).
  explicit DynamoDbStore(Options options, std::unique_ptr<net::AwsJsonTransport> transport = {});
  ~DynamoDbStore() override;

  bool fastReads() const override { return false; }

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
  // A Scan of the whole table, sorted here: DynamoDB has no order across partitions.
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

  // Has the user's aggregates rebuilt from their items on next use: for items the originals
  // wrote after this server built them (`immersion-tracker dynamodb rebuild-totals`).
  void invalidateAggregates(std::string_view username);

  // How long a write lease lasts when its holder neither finishes nor releases it.
  static constexpr std::int64_t kLeaseSeconds = 120;

 private:
  // Deletes the user's sessions: all of them, or those expired by `by` (epoch seconds).
  void removeSessionsOf(std::string_view username, std::optional<std::int64_t> by);

  // A user's write lease, the item IT#TOTALS#<user> / LEASE (owner, expires): held while
  // items or aggregates of the user are written, so that a check for existing items followed
  // by a batch write is safe across processes (several servers, Lambda). Released when
  // destroyed. A lease that expired unreleased means its holder died mid-write: its next
  // holder has the aggregates rebuilt.
  class Lease {
   public:
    Lease(DynamoDbStore& store, std::string username, std::string owner)
        : store_(store), username_(std::move(username)), owner_(std::move(owner)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    // Marks the aggregates for a rebuild (after a write that may be half done). When even that
    // fails, the lease is kept until it expires, which has the same effect.
    void invalidateTotals();

   private:
    DynamoDbStore& store_;
    std::string username_;
    std::string owner_;
    bool release_ = true;
  };
  // Waits (about 30 s at most) for the user's lease; throws StoreError when it stays taken.
  Lease acquireLease(const std::string& username);
  // Removes the zone of the user's aggregates, so the next use rebuilds them.
  void invalidateTotals(const std::string& username);

  // Records the candidates the user has not got yet; counts them.
  std::int64_t recordItems(const std::string& username, std::vector<SyncCandidate> candidates,
                           const SyncStamp& stamp, domain::ItemKind kind);
  // The same, reporting to `done`.
  void record(std::string_view username, std::vector<SyncCandidate> candidates,
              const SyncStamp& stamp, domain::ItemKind kind, const CountDone& done);
  // Rebuilds the user's aggregates from their items if they are missing or kept in another
  // zone than `calendar`'s. The caller holds the user's lease.
  void ensureTotals(const std::string& username, const Calendar& calendar);
  std::vector<std::string> existingKeys(std::string_view username, std::string_view prefix,
                                        const std::vector<std::string>& keys);
  std::mutex& writeLock(std::string_view username);
  json::object userKey(std::string_view name) const;

  std::unique_ptr<net::AwsJsonTransport> transport_;
  aws::DynamoDbClient client_;
  TableOps ops_;
  aws::TableNames tables_;
  std::array<std::mutex, 64> write_locks_;
};

}  // namespace it::storage::dynamodb
