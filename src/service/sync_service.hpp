#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/calendars.hpp"
#include "service/metadata_service.hpp"
#include "storage/immersion_store.hpp"
#include "util/clock.hpp"
#include "util/failure.hpp"

namespace it::service {

// A movie file the sync client found, with the id it was matched to in TMDB (today's
// clients) or TVDB (older ones).
struct MovieFile {
  std::string file_name;
  domain::MovieDatabase database = domain::MovieDatabase::kTmdb;
  std::int64_t id = 0;
};

// What POST /api/movies did: recorded a movie watched without a file, or found that the user
// has it already (then `movie` is empty and `file_name` is the one they have it under).
struct AddedMovie {
  bool added = false;
  std::string file_name;
  std::optional<domain::TmdbMovie> movie;
  std::int64_t timestamp = 0;  // when it counts as watched (epoch seconds), when added
  std::string watched_on;      // that day, "YYYY-MM-DD" in the user's calendar, when added
};

// An item of a sync that could not be recorded, and why (one sentence naming the id).
struct FailedItem {
  std::string id;
  std::optional<std::string> file_name;  // movies
  std::string error;
};

// What a sync did.
struct SyncReport {
  std::int64_t added = 0;
  std::vector<FailedItem> failed;  // in request order
  // Set when every item that needed metadata failed and the user had none of the others:
  // nothing could be synced. kUnprocessable when the provider said the ids are unknown or
  // invalid, kUnavailable when it failed; the message names the first failure.
  std::optional<Failure> nothing_synced;
};

// The sync use cases: recording what a user watched (episodes, movies, YouTube videos,
// podcast episodes) and tagging a show folder with its TVDB series. Items the user already has
// are neither fetched again nor re-timestamped; the metadata of the others comes through
// MetadataService, all the lookups of one call within one time budget (the items it leaves no
// time for are listed as failed); every item of one call gets the same sync time. Each call
// completes `done` exactly once, after the write is durable (from any thread); it blocks while
// it reads the store and asks providers, so call it from a worker. Thread-safe.
class SyncService {
 public:
  SyncService(storage::ImmersionStore& store, const Clock& clock, MetadataService& metadata,
              const Calendars& calendars)
      : store_(store), clock_(clock), metadata_(metadata), calendars_(calendars) {}

  // The user's show folders (created by syncing their episodes), sorted by folder name.
  std::vector<storage::ShowRecord> shows(std::string_view username) const {
    return store_.listShows(username);
  }

  void episodes(std::string_view username, std::vector<storage::EpisodeRef> episodes,
                Done<SyncReport> done);
  void movies(std::string_view username, std::vector<MovieFile> movies, Done<SyncReport> done);
  // Records the TMDB movie `tmdb_id` as watched without a file (at a cinema, on a streaming
  // service) at noon of `watched_on` (a day of the user's calendar; nothing: today), under the
  // file name manual_tmdb_<id> as the original's own tool does. A movie the user already has
  // (from a file or added so) is not recorded again. Fails kInvalidRequest for a day after
  // today, kUnprocessable when TMDB has no such movie, with TMDB's failure when it cannot be
  // asked.
  void addMovie(std::string_view username, std::int64_t tmdb_id,
                std::optional<domain::LocalDay> watched_on, Done<AddedMovie> done);
  void youtubeVideos(std::string_view username, std::vector<std::string> video_ids,
                     Done<SyncReport> done);
  // With `backfill`, also every earlier episode of each listed episode's show (released on or
  // before it) that the user has not got, at most domain::kMaxItemsPerRequest of them a sync;
  // a show whose list cannot be read is listed among the failures, its episode still recorded.
  void spotifyEpisodes(std::string_view username, std::vector<std::string> episode_ids,
                       bool backfill, Done<SyncReport> done);
  // Tags the user's show folder with TVDB's series `tvdb_id` (its episodes then count its
  // runtime). Fails kNotFound when the user has no such folder, kUnprocessable when TVDB does
  // not know the id, with the provider's failure when TVDB cannot be asked.
  void tagShow(std::string_view username, std::string folder_name, std::int64_t tvdb_id,
               Done<void> done);

 private:
  storage::SyncStamp stampFor(std::string_view username) const;
  // Each movie's metadata from its database, in order.
  std::vector<Result<domain::Movie>> lookUpMovies(const std::vector<MovieFile>& movies);
  // `videos` with their channels' titles and thumbnails, where channels.list gives them.
  std::vector<Result<domain::YoutubeVideo>> withChannels(
      std::vector<Result<domain::YoutubeVideo>> videos, MetadataService::Deadline deadline);
  // The earlier episodes of the shows of `listed` (see spotifyEpisodes), without those the
  // user has or that are listed; what could not be looked up goes to `failed`.
  std::vector<domain::SpotifyEpisode> earlierSpotifyEpisodes(
      std::string_view username, const std::vector<domain::SpotifyEpisode>& listed,
      std::vector<FailedItem>& failed, MetadataService::Deadline deadline);
  template <class Fetch, class Record>
  void syncByIds(std::string_view username, std::vector<std::string> ids,
                 const std::vector<std::string>& existing, Fetch fetch, Record record,
                 Done<SyncReport> done);

  storage::ImmersionStore& store_;
  const Clock& clock_;
  MetadataService& metadata_;
  const Calendars& calendars_;
};

}  // namespace it::service
