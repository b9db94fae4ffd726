#include "storage/sqlite/schema.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include "storage/store.hpp"

namespace it::storage::sqlite {
namespace {

// Versioned schema: entry i migrates from version i to i + 1. Never edit a released entry;
// append a new one. PRAGMA user_version records the version a file is at.
constexpr const char* kMigrations[] = {
    // 1: users, API tokens and the original Flask app's TV progress.
    R"sql(
    CREATE TABLE users (
      name          TEXT PRIMARY KEY,
      password_hash TEXT NOT NULL,
      is_admin      INTEGER NOT NULL DEFAULT 0,
      created_at    TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE api_tokens (
      token_hash TEXT PRIMARY KEY,
      id         TEXT NOT NULL,
      username   TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      label      TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX api_tokens_by_user ON api_tokens(username, id);
    CREATE TABLE tv_progress (
      username     TEXT NOT NULL,
      tv_show      TEXT NOT NULL,
      season       INTEGER NOT NULL,
      episode      INTEGER NOT NULL,
      last_updated TEXT NOT NULL,
      PRIMARY KEY (username, tv_show)
    ) WITHOUT ROWID;
    )sql",
    // 2: the original Lambda service's immersion tracking. One table per item type of its
    // DynamoDB layout, with its attribute names; timestamps and durations in whole seconds. Per-day
    // totals (kept in one zone per user) and per-group totals (show folder, channel, podcast)
    // let GET /progress read O(days + groups), not O(items).
    R"sql(
    ALTER TABLE users ADD COLUMN time_zone TEXT;
    CREATE TABLE shows (
      username             TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      folder_name          TEXT NOT NULL,
      tvdb_id              INTEGER,
      tvdb_name            TEXT,
      tvdb_image           TEXT,
      tvdb_average_runtime INTEGER,
      version              INTEGER NOT NULL DEFAULT 1,
      PRIMARY KEY (username, folder_name)
    ) WITHOUT ROWID;
    CREATE TABLE episodes (
      username    TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      folder_name TEXT NOT NULL,
      file_name   TEXT NOT NULL,
      timestamp   INTEGER NOT NULL,
      PRIMARY KEY (username, folder_name, file_name)
    ) WITHOUT ROWID;
    CREATE INDEX episodes_by_time ON episodes(username, timestamp);
    CREATE TABLE movies (
      username       TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      file_name      TEXT NOT NULL,
      tvdb_id        INTEGER NOT NULL,
      tvdb_name      TEXT,
      tvdb_image     TEXT,
      movie_duration INTEGER NOT NULL,
      timestamp      INTEGER NOT NULL,
      PRIMARY KEY (username, file_name)
    ) WITHOUT ROWID;
    CREATE INDEX movies_by_time ON movies(username, timestamp);
    CREATE INDEX movies_by_name ON movies(username, tvdb_name);
    CREATE TABLE youtube_videos (
      username               TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      youtube_video_id       TEXT NOT NULL,
      youtube_video_title    TEXT NOT NULL,
      youtube_channel_id     TEXT NOT NULL,
      youtube_video_duration INTEGER NOT NULL,
      timestamp              INTEGER NOT NULL,
      PRIMARY KEY (username, youtube_video_id)
    ) WITHOUT ROWID;
    CREATE INDEX youtube_videos_by_time ON youtube_videos(username, timestamp);
    CREATE TABLE youtube_channels (
      username              TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      youtube_channel_id    TEXT NOT NULL,
      youtube_channel_title TEXT NOT NULL,
      PRIMARY KEY (username, youtube_channel_id)
    ) WITHOUT ROWID;
    CREATE TABLE spotify_episodes (
      username                 TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      spotify_episode_id       TEXT NOT NULL,
      spotify_episode_title    TEXT NOT NULL,
      spotify_show_id          TEXT NOT NULL,
      spotify_episode_duration INTEGER NOT NULL,
      timestamp                INTEGER NOT NULL,
      PRIMARY KEY (username, spotify_episode_id)
    ) WITHOUT ROWID;
    CREATE INDEX spotify_episodes_by_time ON spotify_episodes(username, timestamp);
    CREATE TABLE spotify_shows (
      username          TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      spotify_show_id   TEXT NOT NULL,
      spotify_show_name TEXT NOT NULL,
      PRIMARY KEY (username, spotify_show_id)
    ) WITHOUT ROWID;
    CREATE TABLE daily_totals (
      username TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      day      INTEGER NOT NULL,
      kind     INTEGER NOT NULL,
      items    INTEGER NOT NULL,
      seconds  INTEGER NOT NULL,
      PRIMARY KEY (username, day, kind)
    ) WITHOUT ROWID;
    CREATE TABLE group_totals (
      username TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      kind     INTEGER NOT NULL,
      grp      TEXT NOT NULL,
      items    INTEGER NOT NULL,
      PRIMARY KEY (username, kind, grp)
    ) WITHOUT ROWID;
    CREATE TABLE daily_totals_zone (
      username TEXT PRIMARY KEY REFERENCES users(name) ON DELETE CASCADE,
      zone     TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE metadata_cache (
      kind       TEXT NOT NULL,
      id         TEXT NOT NULL,
      body       TEXT NOT NULL,
      fetched_at INTEGER NOT NULL,
      PRIMARY KEY (kind, id)
    ) WITHOUT ROWID;
    )sql",
    // 3: the pictures GET /progress shows for a YouTube channel (its thumbnail) and a Spotify
    // show (its first image); null until known.
    R"sql(
    ALTER TABLE youtube_channels ADD COLUMN youtube_channel_artwork_url TEXT;
    ALTER TABLE spotify_shows ADD COLUMN spotify_show_artwork_url TEXT;
    )sql",
    // 4: movies from TMDB (tmdb_*), as the original records them today, beside those from
    // TVDB (tvdb_*), which older clients still send: each movie has exactly one of the two ids,
    // so tvdb_id may now be null. SQLite cannot drop NOT NULL in place: the table is copied.
    R"sql(
    CREATE TABLE movies_v4 (
      username       TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      file_name      TEXT NOT NULL,
      tvdb_id        INTEGER,
      tvdb_name      TEXT,
      tvdb_image     TEXT,
      tmdb_id        INTEGER,
      tmdb_name      TEXT,
      tmdb_image     TEXT,
      movie_duration INTEGER NOT NULL,
      timestamp      INTEGER NOT NULL,
      PRIMARY KEY (username, file_name),
      CHECK ((tvdb_id IS NULL) <> (tmdb_id IS NULL))
    ) WITHOUT ROWID;
    INSERT INTO movies_v4 (username, file_name, tvdb_id, tvdb_name, tvdb_image, movie_duration,
                           timestamp)
      SELECT username, file_name, tvdb_id, tvdb_name, tvdb_image, movie_duration, timestamp
      FROM movies;
    DROP TABLE movies;
    ALTER TABLE movies_v4 RENAME TO movies;
    CREATE INDEX movies_by_time ON movies(username, timestamp);
    CREATE INDEX movies_by_name ON movies(username, COALESCE(tmdb_name, tvdb_name));
    CREATE INDEX movies_by_tmdb_id ON movies(username, tmdb_id) WHERE tmdb_id IS NOT NULL;
    )sql",
    // 5: the web dashboard's sessions, by the SHA-256 of their id, each until expires_at
    // (epoch seconds; moved on as the session is used).
    R"sql(
    CREATE TABLE sessions (
      session_hash TEXT PRIMARY KEY,
      username     TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      expires_at   INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sessions_by_user ON sessions(username, expires_at);
    )sql",
    // 6: manual logs (books, manga, a film at the cinema...) with their totals per (date,
    // medium, language; '' when unknown), per (medium, language) and per date, so that
    // GET /progress reads O(days) rows however many logs, and the settings they and the goal
    // need: the
    // language of a log that names none, the daily goal, the hour the user's day begins.
    // Dates are days since 1970-01-01 of the user's calendar; created_at epoch microseconds.
    R"sql(
    ALTER TABLE users ADD COLUMN language TEXT;
    ALTER TABLE users ADD COLUMN daily_goal_minutes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN day_start_hour INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE logs (
      username        TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      id              TEXT NOT NULL,
      date            INTEGER NOT NULL,
      medium          TEXT NOT NULL,
      minutes         INTEGER NOT NULL,
      title           TEXT,
      amount          INTEGER,
      unit            TEXT,
      language        TEXT,
      note            TEXT,
      created_at      INTEGER NOT NULL,
      revision        INTEGER NOT NULL,
      idempotency_key TEXT,
      PRIMARY KEY (username, id)
    ) WITHOUT ROWID;
    CREATE INDEX logs_by_date ON logs(username, date, id);
    CREATE UNIQUE INDEX logs_by_idempotency_key ON logs(username, idempotency_key)
      WHERE idempotency_key IS NOT NULL;
    CREATE TABLE log_totals (
      username TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      day      INTEGER NOT NULL,
      medium   TEXT NOT NULL,
      language TEXT NOT NULL,
      minutes  INTEGER NOT NULL,
      logs     INTEGER NOT NULL,
      PRIMARY KEY (username, day, medium, language)
    ) WITHOUT ROWID;
    CREATE TABLE log_share_totals (
      username TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      medium   TEXT NOT NULL,
      language TEXT NOT NULL,
      minutes  INTEGER NOT NULL,
      logs     INTEGER NOT NULL,
      PRIMARY KEY (username, medium, language)
    ) WITHOUT ROWID;
    CREATE TABLE log_date_totals (
      username TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      day      INTEGER NOT NULL,
      minutes  INTEGER NOT NULL,
      logs     INTEGER NOT NULL,
      PRIMARY KEY (username, day)
    ) WITHOUT ROWID;
    )sql",
    // 7: languages. Synced items keep what their provider says they are in (a show's in
    // shows.tvdb_language), the user may choose one for a show folder, channel or podcast
    // (kind: 0 show folder, 2 YouTube channel, 3 podcast, as domain::ItemKind), and the daily
    // totals are kept per language too ('' when unknown): rebuilt from the items, once.
    R"sql(
    ALTER TABLE shows ADD COLUMN tvdb_language TEXT;
    ALTER TABLE movies ADD COLUMN language TEXT;
    ALTER TABLE youtube_videos ADD COLUMN language TEXT;
    ALTER TABLE spotify_episodes ADD COLUMN language TEXT;
    CREATE TABLE language_choices (
      username TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      kind     INTEGER NOT NULL,
      grp      TEXT NOT NULL,
      language TEXT NOT NULL,
      PRIMARY KEY (username, kind, grp)
    ) WITHOUT ROWID;
    DROP TABLE daily_totals;
    CREATE TABLE daily_totals (
      username TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      day      INTEGER NOT NULL,
      kind     INTEGER NOT NULL,
      language TEXT NOT NULL,
      items    INTEGER NOT NULL,
      seconds  INTEGER NOT NULL,
      PRIMARY KEY (username, day, kind, language)
    ) WITHOUT ROWID;
    DELETE FROM daily_totals_zone;
    )sql",
    // 8: what GET /progress reads, from indexes that hold all of it. Each item of the last days
    // is read for its time and duration only: with the duration in the time index, those come
    // from a few index pages instead of one page of the table per item (episodes' time index
    // holds their folder already). The movies are listed in the answer's order (by name,
    // unnamed last, then by file name), which the older movies_by_name did not give without a
    // sort of every movie in a temporary b-tree, and with the columns the list shows, so that
    // no row of the table is read for it either.
    R"sql(
    DROP INDEX movies_by_name;
    CREATE INDEX movies_by_name ON movies(username, COALESCE(tmdb_name, tvdb_name) IS NULL,
      COALESCE(tmdb_name, tvdb_name), file_name, tmdb_name, tvdb_name, tmdb_image, tvdb_image);
    DROP INDEX movies_by_time;
    CREATE INDEX movies_by_time ON movies(username, timestamp, movie_duration);
    DROP INDEX youtube_videos_by_time;
    CREATE INDEX youtube_videos_by_time
      ON youtube_videos(username, timestamp, youtube_video_duration);
    DROP INDEX spotify_episodes_by_time;
    CREATE INDEX spotify_episodes_by_time
      ON spotify_episodes(username, timestamp, spotify_episode_duration);
    )sql",
};

constexpr int kLatestVersion = static_cast<int>(std::size(kMigrations));

}  // namespace

int latestSchemaVersion() { return kLatestVersion; }

void migrate(Connection& db, int target) {
  db.exec("BEGIN IMMEDIATE");
  try {
    int version = 0;
    {
      // Reset before migrating: a statement still running would lock the tables a migration
      // drops ("database table is locked").
      auto version_stmt = db.prepare("PRAGMA user_version");
      version_stmt.step();
      version = static_cast<int>(version_stmt.columnInt(0));
    }
    if (version > kLatestVersion) {
      throw StoreError("database schema version " + std::to_string(version) +
                       " is newer than this program supports (" + std::to_string(kLatestVersion) +
                       "); upgrade immersion-tracker");
    }
    target = std::min(target, kLatestVersion);
    for (int v = version; v < target; ++v) db.exec(kMigrations[v]);
    if (version < target) db.exec(("PRAGMA user_version = " + std::to_string(target)).c_str());
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

}  // namespace it::storage::sqlite
