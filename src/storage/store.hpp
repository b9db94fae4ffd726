#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/media.hpp"
#include "domain/progress.hpp"
#include "domain/time_zone.hpp"

namespace it::storage {

// A storage failure the caller cannot fix (disk full, database locked for too long, ...).
// Handlers map it to 500 {"error": "Database error"}, as the original did.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct UserRecord {
  std::string name;
  std::string password_hash;  // libsodium crypto_pwhash_str output (Argon2id)
  bool admin = false;
  std::string created_at;
};

struct TokenInfo {
  std::string id;  // short public identifier, used to revoke one token
  std::string username;
  std::string label;
  std::string created_at;
};

// Seed 000's item: where a user is in a show (current position, not a history).
struct TvProgress {
  std::string username;
  std::string tv_show;
  std::int64_t season = 0;
  std::int64_t episode = 0;
  std::string last_updated;  // "2025-01-15T10:30:00.123456" (UTC)
};

// Keyset position for paging GET /api/show_all: the last (username, tv_show) returned.
using TvProgressKey = std::pair<std::string, std::string>;

struct TvProgressPage {
  std::vector<TvProgress> entries;
  std::optional<TvProgressKey> next;  // set when more entries follow
};

// Called exactly once, from any thread, after the write is durable (nullptr) or failed.
using WriteDone = std::function<void(std::exception_ptr)>;
// The same for writes that count something (items added; 1 or 0 for found or not).
using CountDone = std::function<void(std::exception_ptr, std::int64_t)>;

// ---- seed 004: immersion tracking ----------------------------------------------------------

// A show folder of a user, with what TVDB said about it once tagged (PUT /show).
struct ShowRecord {
  std::string folder_name;
  std::optional<std::int64_t> tvdb_id;
  std::optional<std::string> tvdb_name;
  std::optional<std::string> tvdb_image;
  std::optional<std::int64_t> tvdb_average_runtime;  // seconds
  std::int64_t version = 1;                          // +1 on every update, as the original's
};

struct EpisodeRef {
  std::string folder_name;
  std::string file_name;
};

struct MovieRecord {
  std::string file_name;
  domain::TvdbMovie movie;
};

// The user's calendar: the time zone in which per-day totals are kept. A store keeps its
// totals in one zone per user and rebuilds them when asked for another one.
struct Calendar {
  std::string zone_name;
  const date::time_zone* zone = nullptr;
};

// When a sync happened (epoch seconds; every item of one request gets the same time, as the
// original's) and in which calendar to count it.
struct SyncStamp {
  std::int64_t timestamp = 0;
  Calendar calendar;
};

// Provider metadata shared by all users, so an id is fetched once. `body` is JSON owned by
// the caller (api/immersion); `fetched_at` is epoch seconds.
struct MetadataEntry {
  std::string kind;  // "tvdb_series", "tvdb_movie", "youtube_video", "spotify_episode"
  std::string id;
  std::string body;
  std::int64_t fetched_at = 0;
};

// Everything the service persists. One implementation per engine; the domain and the handlers
// only see this interface. Implementations are thread-safe. Reads throw StoreError on failure.
class Store {
 public:
  virtual ~Store() = default;

  // True when point reads take microseconds (embedded engine), so they may run on I/O threads.
  virtual bool fastReads() const = 0;

  // A number that changes whenever a user is added, removed or given a new password, by this
  // process or another one using the same store; cheap enough to ask on every request.
  // Nothing when the engine cannot tell: callers then re-read the user.
  virtual std::optional<std::uint64_t> credentialsVersion() { return std::nullopt; }

  // Users and API tokens (synchronous: used by the CLI, start-up and the auth slow path).
  virtual std::optional<UserRecord> findUser(std::string_view name) = 0;
  virtual std::vector<UserRecord> listUsers() = 0;
  virtual bool addUser(const UserRecord& user) = 0;  // false when the name is taken
  virtual bool setPasswordHash(std::string_view name, std::string_view hash) = 0;
  // Removes the user with their tokens and their data. False when there is no such user.
  virtual bool removeUser(std::string_view name) = 0;
  virtual void addToken(const TokenInfo& token, std::string_view token_hash) = 0;
  virtual std::optional<UserRecord> findUserByTokenHash(std::string_view token_hash) = 0;
  virtual std::vector<TokenInfo> listTokens(std::string_view username) = 0;
  // Revokes one token (by id) or all of a user's tokens (id empty). Returns how many.
  virtual int revokeTokens(std::string_view username, std::string_view id) = 0;

  // TV progress (seed 000).
  virtual std::optional<TvProgress> getTvProgress(std::string_view username,
                                                  std::string_view tv_show) = 0;
  // All of a user's shows, sorted by show name (byte order, as DynamoDB sorts keys).
  virtual std::vector<TvProgress> listTvProgress(std::string_view username) = 0;
  // Every entry sorted by (username, tv_show); limit 0 means all.
  virtual TvProgressPage listAllTvProgress(std::size_t limit,
                                           const std::optional<TvProgressKey>& after) = 0;
  // Create-or-overwrite. `done` runs once the write is durable or has failed.
  virtual void putTvProgress(TvProgress progress, WriteDone done) = 0;

  // ---- immersion tracking (seed 004) ----
  // Every write below is one transaction: all of it is recorded or none. Items a user already
  // has are left alone (not re-timestamped) and not counted.

  // The user's own time zone setting; nothing means the server's default. Synchronous.
  virtual std::optional<std::string> userTimeZone(std::string_view username) = 0;
  // Sets (or, with an empty name, clears) it. False when there is no such user.
  virtual bool setUserTimeZone(std::string_view username, std::string_view zone_name) = 0;

  // The user's show folders, sorted by folder name (byte order, as DynamoDB sorts keys).
  virtual std::vector<ShowRecord> listShows(std::string_view username) = 0;
  virtual std::optional<ShowRecord> findShow(std::string_view username,
                                             std::string_view folder_name) = 0;
  // Records episodes (creating missing show folders); counts the new episodes.
  virtual void recordEpisodes(std::string_view username, std::vector<EpisodeRef> episodes,
                              SyncStamp stamp, CountDone done) = 0;
  // Tags a show folder with TVDB's series; counts 1, or 0 when the folder does not exist.
  virtual void updateShow(std::string_view username, std::string_view folder_name,
                          domain::TvdbSeries series, CountDone done) = 0;

  // Which of `keys` the user already has (movie file names, YouTube or Spotify ids).
  virtual std::vector<std::string> existingMovies(std::string_view username,
                                                  const std::vector<std::string>& keys) = 0;
  virtual std::vector<std::string> existingYoutubeVideos(std::string_view username,
                                                         const std::vector<std::string>& keys) = 0;
  virtual std::vector<std::string> existingSpotifyEpisodes(
      std::string_view username, const std::vector<std::string>& keys) = 0;
  virtual void recordMovies(std::string_view username, std::vector<MovieRecord> movies,
                            SyncStamp stamp, CountDone done) = 0;
  // Also records each video's channel (each episode's show) when the user has not got it yet.
  virtual void recordYoutubeVideos(std::string_view username,
                                   std::vector<domain::YoutubeVideo> videos, SyncStamp stamp,
                                   CountDone done) = 0;
  virtual void recordSpotifyEpisodes(std::string_view username,
                                     std::vector<domain::SpotifyEpisode> episodes, SyncStamp stamp,
                                     CountDone done) = 0;

  // What GET /progress needs (see domain/progress.hpp): per-day totals in `calendar`, items
  // since `recent_since` (epoch seconds), names. Reads O(days + recent items), not O(history).
  virtual domain::ProgressInput progressInput(std::string_view username, const Calendar& calendar,
                                              std::int64_t recent_since) = 0;

  // The shared metadata cache.
  virtual std::optional<MetadataEntry> cachedMetadata(std::string_view kind,
                                                      std::string_view id) = 0;
  virtual void putCachedMetadata(std::vector<MetadataEntry> entries, WriteDone done) = 0;
};

}  // namespace it::storage
