#include "service/sync_service.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "domain/names.hpp"
#include "domain/time_zone.hpp"
#include "telemetry/log.hpp"

namespace it::service {

namespace {

// Keeps the first of each key, in order.
template <class T, class KeyOf>
std::vector<T> firstOfEach(std::vector<T> items, KeyOf key_of) {
  std::unordered_set<std::string> seen;
  std::vector<T> unique;
  unique.reserve(items.size());
  for (auto& item : items) {
    if (seen.insert(std::string(key_of(item))).second) unique.push_back(std::move(item));
  }
  return unique;
}

std::vector<std::string> withoutExisting(std::vector<std::string> keys,
                                         const std::vector<std::string>& existing) {
  std::unordered_set<std::string_view> have(existing.begin(), existing.end());
  std::erase_if(keys, [&](const std::string& k) { return have.contains(k); });
  return keys;
}

// What came back from a provider for the items of one sync.
template <class T>
struct Fetched {
  std::vector<T> found;
  std::vector<FailedItem> failed;
  std::optional<Failure> not_configured;
  bool provider_failed = false;  // some failure was the provider's, not the id's

  void fail(const Failure& failure, FailedItem item) {
    if (failure.kind == FailureKind::kNotConfigured) not_configured = failure;
    if (failure.kind != FailureKind::kNotFound && failure.kind != FailureKind::kItemRejected) {
      provider_failed = true;
    }
    item.error = failure.message;
    failed.push_back(std::move(item));
  }
};

template <class T>
Fetched<T> sortOut(const std::vector<std::string>& ids, std::vector<Result<T>> outcomes) {
  Fetched<T> fetched;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i]) {
      fetched.found.push_back(std::move(*outcomes[i].value));
    } else {
      fetched.fail(outcomes[i].failure, FailedItem{ids[i], std::nullopt, {}});
    }
  }
  return fetched;
}

// Ends a sync whose metadata is fetched, or returns false when its items must be written
// first. The rules: a provider without credentials fails the sync (nothing written); when
// every item needing metadata failed and none was recorded before, nothing could be
// processed (kUnprocessable when the provider said the ids are unknown or invalid,
// kUnavailable when it failed); otherwise the found items are written and the failures listed.
template <class T>
bool endedEarly(const Fetched<T>& fetched, std::size_t already_recorded,
                const Done<SyncReport>& done) {
  if (!fetched.failed.empty()) {
    // Operators see provider trouble in the log; the ids themselves go to the client only.
    telemetry::logWarn("metadata lookups failed", {{"count", std::to_string(fetched.failed.size())},
                                                   {"first_error", fetched.failed.front().error}});
  }
  if (fetched.not_configured) {
    done(Result<SyncReport>::fail(*fetched.not_configured));
    return true;
  }
  if (fetched.found.empty() && !fetched.failed.empty() && already_recorded == 0) {
    SyncReport report;
    report.nothing_synced =
        Failure{fetched.provider_failed ? FailureKind::kUnavailable : FailureKind::kUnprocessable,
                "Nothing could be synced: " + fetched.failed.front().error};
    report.failed = fetched.failed;
    done(Result<SyncReport>::success(std::move(report)));
    return true;
  }
  return false;
}

// Completes `done` with what a store write counted, and the failures of the sync.
storage::CountDone reportAdded(Done<SyncReport> done, std::vector<FailedItem> failed = {}) {
  return [done = std::move(done), failed = std::move(failed)](Result<std::int64_t> added) mutable {
    if (!added) return done(Result<SyncReport>::fail(added.failure));
    done(Result<SyncReport>::success(SyncReport{*added, std::move(failed), std::nullopt}));
  };
}

const std::string& sameString(const std::string& id) { return id; }

}  // namespace

storage::SyncStamp SyncService::stampFor(std::string_view username) const {
  return {nowSeconds(clock_).time_since_epoch().count(), calendars_.of(username)};
}

void SyncService::episodes(std::string_view username, std::vector<storage::EpisodeRef> episodes,
                           Done<SyncReport> done) {
  store_.recordEpisodes(username, std::move(episodes), stampFor(username),
                        reportAdded(std::move(done)));
}

void SyncService::movies(std::string_view username, std::vector<MovieFile> movies,
                         Done<SyncReport> done) {
  movies = firstOfEach(std::move(movies),
                       [](const MovieFile& m) -> const std::string& { return m.file_name; });
  std::vector<std::string> names;
  for (const auto& m : movies) names.push_back(m.file_name);
  auto existing = store_.existingMovies(username, names);
  std::unordered_set<std::string_view> have(existing.begin(), existing.end());
  std::erase_if(movies, [&](const MovieFile& m) { return have.contains(m.file_name); });

  auto outcomes = lookUpMovies(movies);
  Fetched<domain::Movie> fetched;
  std::vector<storage::MovieRecord> records;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i]) {
      records.push_back({movies[i].file_name, std::move(*outcomes[i].value)});
      fetched.found.push_back(records.back().movie);
    } else {
      fetched.fail(outcomes[i].failure,
                   FailedItem{std::to_string(movies[i].id), movies[i].file_name, {}});
    }
  }
  if (endedEarly(fetched, existing.size(), done)) return;
  store_.recordMovies(username, std::move(records), stampFor(username),
                      reportAdded(std::move(done), std::move(fetched.failed)));
}

std::vector<Result<domain::Movie>> SyncService::lookUpMovies(const std::vector<MovieFile>& movies) {
  std::vector<std::int64_t> tvdb_ids;
  std::vector<std::int64_t> tmdb_ids;
  for (const auto& m : movies) {
    (m.database == domain::MovieDatabase::kTmdb ? tmdb_ids : tvdb_ids).push_back(m.id);
  }
  // No ids, no lookups: each answers an empty list at once. Both share the request's budget.
  MetadataService::Deadline deadline = metadata_.deadline();
  auto from_tvdb = metadata_.tvdbMovies(tvdb_ids, deadline);
  auto from_tmdb = metadata_.tmdbMovies(tmdb_ids, deadline);
  auto as_movie = [](const auto& found) -> Result<domain::Movie> {
    if (!found) return found.failure;
    return Result<domain::Movie>::success(domain::movieFrom(*found.value));
  };
  std::vector<Result<domain::Movie>> out;
  out.reserve(movies.size());
  std::size_t next_tvdb = 0;
  std::size_t next_tmdb = 0;
  for (const auto& m : movies) {
    out.push_back(m.database == domain::MovieDatabase::kTmdb ? as_movie(from_tmdb[next_tmdb++])
                                                             : as_movie(from_tvdb[next_tvdb++]));
  }
  return out;
}

void SyncService::addMovie(std::string_view username, std::int64_t tmdb_id,
                           std::optional<domain::LocalDay> watched_on, Done<AddedMovie> done) {
  storage::SyncStamp stamp = stampFor(username);
  const domain::DayRule days = stamp.calendar.days();
  domain::LocalDay today = domain::localDayOf(stamp.timestamp, days);
  domain::LocalDay day = watched_on.value_or(today);
  if (day > today) {
    return done(Failure{FailureKind::kInvalidRequest, "watched_on " + domain::formatIsoDate(day) +
                                                          " is after today (" +
                                                          domain::formatIsoDate(today) + " in " +
                                                          stamp.calendar.zone_name + ")"});
  }
  if (auto have = store_.movieWithTmdbId(username, tmdb_id)) {
    return done(Result<AddedMovie>::success({false, std::move(*have), std::nullopt, 0, ""}));
  }
  auto found = std::move(metadata_.tmdbMovies({tmdb_id}, metadata_.deadline()).front());
  if (!found) {
    Failure failure = found.failure;
    // TMDB's 404, or a movie it cannot time yet: the caller's id is the problem.
    if (failure.kind == FailureKind::kNotFound || failure.kind == FailureKind::kItemRejected) {
      failure.kind = FailureKind::kUnprocessable;
    }
    return done(std::move(failure));
  }
  // Noon (of a day that begins at midnight), as the original's tool records it; but never
  // later than now, which would put a movie watched this morning in the future.
  stamp.timestamp = std::min(domain::noonOfLocalDay(day, days), stamp.timestamp);
  AddedMovie added{true, "manual_tmdb_" + std::to_string(tmdb_id), std::move(*found.value),
                   stamp.timestamp, domain::formatIsoDate(day)};
  std::vector<storage::MovieRecord> records{{added.file_name, domain::movieFrom(*added.movie)}};
  store_.recordMovies(
      username, std::move(records), std::move(stamp),
      [done = std::move(done), added = std::move(added)](Result<std::int64_t> count) mutable {
        if (!count) return done(count.failure);
        // Added by another request in between: the user has it, once.
        if (*count == 0) added = {false, added.file_name, std::nullopt, 0, ""};
        done(Result<AddedMovie>::success(std::move(added)));
      });
}

// YouTube videos and podcast episodes: the ids the user has not got yet are fetched (`fetch`:
// ids to results, in order), then what was found is recorded (`record`).
template <class Fetch, class Record>
void SyncService::syncByIds(std::string_view username, std::vector<std::string> ids,
                            const std::vector<std::string>& existing, Fetch fetch, Record record,
                            Done<SyncReport> done) {
  ids = withoutExisting(std::move(ids), existing);
  auto fetched = sortOut(ids, fetch(ids));
  if (endedEarly(fetched, existing.size(), done)) return;
  record(username, std::move(fetched.found), stampFor(username),
         reportAdded(std::move(done), std::move(fetched.failed)));
}

void SyncService::youtubeVideos(std::string_view username, std::vector<std::string> video_ids,
                                Done<SyncReport> done) {
  auto ids = firstOfEach(std::move(video_ids), sameString);
  auto existing = store_.existingYoutubeVideos(username, ids);
  syncByIds(
      username, std::move(ids), existing,
      [this](const auto& ids) {
        MetadataService::Deadline deadline = metadata_.deadline();
        return withChannels(metadata_.videos(ids, deadline), deadline);
      },
      [this](auto&&... args) { store_.recordYoutubeVideos(std::move(args)...); }, std::move(done));
}

std::vector<Result<domain::YoutubeVideo>> SyncService::withChannels(
    std::vector<Result<domain::YoutubeVideo>> videos, MetadataService::Deadline deadline) {
  std::vector<std::string> channel_ids;
  for (const auto& v : videos) {
    if (v) channel_ids.push_back(v->channel_id);
  }
  channel_ids = firstOfEach(std::move(channel_ids), sameString);
  if (channel_ids.empty()) return videos;
  auto channels = metadata_.youtubeChannels(channel_ids, deadline);
  std::unordered_map<std::string, const domain::YoutubeChannel*> found;
  std::vector<const Failure*> failures;
  for (const auto& c : channels) {
    if (c) {
      found.emplace(c->id, &*c);
    } else {
      failures.push_back(&c.failure);
    }
  }
  if (!failures.empty()) {
    // Not the sync's failure: the channels keep the names the videos give them, without a
    // picture, and are looked up again with the next video of theirs.
    telemetry::logWarn(
        "youtube channel lookups failed",
        {{"count", std::to_string(failures.size())}, {"first_error", failures.front()->message}});
  }
  for (auto& v : videos) {
    if (!v) continue;
    if (auto it = found.find(v->channel_id); it != found.end()) {
      v->channel_title = it->second->title;
      v->channel_artwork_url = it->second->thumbnail_url;
    }
  }
  return videos;
}

void SyncService::spotifyEpisodes(std::string_view username, std::vector<std::string> episode_ids,
                                  bool backfill, Done<SyncReport> done) {
  auto ids = firstOfEach(std::move(episode_ids), sameString);
  auto existing = store_.existingSpotifyEpisodes(username, ids);
  MetadataService::Deadline deadline = metadata_.deadline();
  if (!backfill) {
    return syncByIds(
        username, std::move(ids), existing,
        [this, deadline](const auto& ids) { return metadata_.spotifyEpisodes(ids, deadline); },
        [this](auto&&... args) { store_.recordSpotifyEpisodes(std::move(args)...); },
        std::move(done));
  }
  // Episodes the user has are looked up too (from the cache, mostly): their shows' earlier
  // episodes may be missing.
  auto fetched = sortOut(ids, metadata_.spotifyEpisodes(ids, deadline));
  if (endedEarly(fetched, existing.size(), done)) return;
  std::unordered_set<std::string_view> have(existing.begin(), existing.end());
  std::vector<domain::SpotifyEpisode> records;
  for (const auto& e : fetched.found) {
    if (!have.contains(e.id)) records.push_back(e);
  }
  for (auto& e : earlierSpotifyEpisodes(username, fetched.found, fetched.failed, deadline)) {
    records.push_back(std::move(e));
  }
  store_.recordSpotifyEpisodes(username, std::move(records), stampFor(username),
                               reportAdded(std::move(done), std::move(fetched.failed)));
}

std::vector<domain::SpotifyEpisode> SyncService::earlierSpotifyEpisodes(
    std::string_view username, const std::vector<domain::SpotifyEpisode>& listed,
    std::vector<FailedItem>& failed, MetadataService::Deadline deadline) {
  // Per show, the listed episode released last: everything up to its day is wanted.
  std::map<std::string, const domain::SpotifyEpisode*> latest;
  std::unordered_set<std::string_view> listed_ids;
  for (const auto& e : listed) {
    listed_ids.insert(e.id);
    if (!e.release_date) {
      failed.push_back({e.id, std::nullopt,
                        "Spotify gives no release date for episode " + e.id +
                            ": the earlier episodes of its show were not looked up"});
      continue;
    }
    auto& last = latest[e.show_id];
    if (last == nullptr || *e.release_date > *last->release_date) last = &e;
  }
  std::vector<domain::SpotifyEpisode> earlier;
  for (const auto& [show_id, target] : latest) {
    auto all = metadata_.spotifyShowEpisodes(show_id, deadline);
    if (!all) {
      failed.push_back({show_id, std::nullopt,
                        "The earlier episodes of " + target->show_name +
                            " were not recorded: " + all.failure.message});
      continue;
    }
    std::size_t undated = 0;
    for (auto& e : *all) {
      if (!e.release_date) {
        ++undated;
      } else if (*e.release_date <= *target->release_date && !listed_ids.contains(e.id)) {
        e.show_name = target->show_name;
        e.show_artwork_url = target->show_artwork_url;
        earlier.push_back(std::move(e));
      }
    }
    if (undated > 0) {
      telemetry::logWarn("spotify episodes without a known release date were skipped",
                         {{"show_id", show_id}, {"count", std::to_string(undated)}});
    }
  }
  earlier = firstOfEach(std::move(earlier),
                        [](const domain::SpotifyEpisode& e) -> const std::string& { return e.id; });
  std::vector<std::string> ids;
  for (const auto& e : earlier) ids.push_back(e.id);
  auto existing = store_.existingSpotifyEpisodes(username, ids);
  std::unordered_set<std::string_view> have(existing.begin(), existing.end());
  std::erase_if(earlier, [&](const domain::SpotifyEpisode& e) { return have.contains(e.id); });
  if (earlier.size() > domain::kMaxItemsPerRequest) {
    // Newest first are kept out: the next backfill of the same episodes records them.
    std::sort(earlier.begin(), earlier.end(),
              [](const auto& a, const auto& b) { return *a.release_date < *b.release_date; });
    failed.push_back({earlier[domain::kMaxItemsPerRequest].show_id, std::nullopt,
                      std::to_string(earlier.size() - domain::kMaxItemsPerRequest) +
                          " earlier episodes were left for the next sync (at most " +
                          std::to_string(domain::kMaxItemsPerRequest) + " a sync)"});
    earlier.resize(domain::kMaxItemsPerRequest);
  }
  return earlier;
}

void SyncService::tagShow(std::string_view username, std::string folder_name, std::int64_t tvdb_id,
                          Done<void> done) {
  if (!store_.findShow(username, folder_name)) {
    return done(Result<void>::fail(
        FailureKind::kNotFound,
        "No show folder \"" + folder_name + "\"; sync one of its episodes first"));
  }
  auto series = metadata_.series(tvdb_id);
  if (!series) {
    Failure failure = series.failure;
    // TVDB's 404, or its 400 "Invalid series id": the caller's id is the problem.
    if (failure.kind == FailureKind::kNotFound) failure.kind = FailureKind::kUnprocessable;
    return done(Result<void>::fail(std::move(failure)));
  }
  store_.updateShow(username, folder_name, std::move(*series.value),
                    [done = std::move(done), folder = folder_name](Result<std::int64_t> updated) {
                      if (!updated) return done(Result<void>::fail(updated.failure));
                      if (*updated == 0) {
                        return done(Result<void>::fail(FailureKind::kNotFound,
                                                       "No show folder \"" + folder + "\""));
                      }
                      done(Result<void>::success());
                    });
}

}  // namespace it::service
