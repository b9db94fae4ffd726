#include "api/immersion/metadata.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <map>

#include "api/json_body.hpp"
#include "providers/json_fields.hpp"
#include "telemetry/log.hpp"

namespace it::api::immersion {
namespace {

namespace json = boost::json;
using providers::Outcome;

// Cache bodies: the domain values as JSON objects. A body that does not read back (written
// by another version, say) counts as a miss and is fetched again.

template <class T>
struct Codec;

template <>
struct Codec<domain::TvdbSeries> {
  static constexpr const char* kKind = "tvdb_series";
  static std::string key(const domain::TvdbSeries& s) { return std::to_string(s.id); }
  static json::object encode(const domain::TvdbSeries& s) {
    return {{"id", s.id},
            {"name", s.name},
            {"image", jsonOrNull(s.image)},
            {"average_runtime_seconds", jsonOrNull(s.average_runtime_seconds)}};
  }
  static std::optional<domain::TvdbSeries> decode(const json::object& o) {
    auto id = providers::integerAt(o, "id");
    auto name = providers::stringAt(o, "name");
    if (!id || !name) return std::nullopt;
    return domain::TvdbSeries{*id, *name, providers::stringAt(o, "image"),
                              providers::integerAt(o, "average_runtime_seconds")};
  }
};

template <>
struct Codec<domain::TvdbMovie> {
  static constexpr const char* kKind = "tvdb_movie";
  static std::string key(const domain::TvdbMovie& m) { return std::to_string(m.id); }
  static json::object encode(const domain::TvdbMovie& m) {
    return {{"id", m.id},
            {"name", m.name},
            {"image", jsonOrNull(m.image)},
            {"runtime_seconds", m.runtime_seconds}};
  }
  static std::optional<domain::TvdbMovie> decode(const json::object& o) {
    auto id = providers::integerAt(o, "id");
    auto name = providers::stringAt(o, "name");
    auto runtime = providers::integerAt(o, "runtime_seconds");
    if (!id || !name || !runtime) return std::nullopt;
    return domain::TvdbMovie{*id, *name, providers::stringAt(o, "image"), *runtime};
  }
};

template <>
struct Codec<domain::YoutubeVideo> {
  static constexpr const char* kKind = "youtube_video";
  static std::string key(const domain::YoutubeVideo& v) { return v.id; }
  static json::object encode(const domain::YoutubeVideo& v) {
    return {{"id", v.id},
            {"title", v.title},
            {"channel_id", v.channel_id},
            {"channel_title", v.channel_title},
            {"duration_seconds", v.duration_seconds}};
  }
  static std::optional<domain::YoutubeVideo> decode(const json::object& o) {
    auto id = providers::stringAt(o, "id");
    auto title = providers::stringAt(o, "title");
    auto channel = providers::stringAt(o, "channel_id");
    auto channel_title = providers::stringAt(o, "channel_title");
    auto duration = providers::integerAt(o, "duration_seconds");
    if (!id || !title || !channel || !channel_title || !duration) return std::nullopt;
    return domain::YoutubeVideo{*id, *title, *channel, *channel_title, *duration};
  }
};

template <>
struct Codec<domain::SpotifyEpisode> {
  static constexpr const char* kKind = "spotify_episode";
  static std::string key(const domain::SpotifyEpisode& e) { return e.id; }
  static json::object encode(const domain::SpotifyEpisode& e) {
    return {{"id", e.id},
            {"title", e.title},
            {"show_id", e.show_id},
            {"show_name", e.show_name},
            {"duration_seconds", e.duration_seconds}};
  }
  static std::optional<domain::SpotifyEpisode> decode(const json::object& o) {
    auto id = providers::stringAt(o, "id");
    auto title = providers::stringAt(o, "title");
    auto show = providers::stringAt(o, "show_id");
    auto show_name = providers::stringAt(o, "show_name");
    auto duration = providers::integerAt(o, "duration_seconds");
    if (!id || !title || !show || !show_name || !duration) return std::nullopt;
    return domain::SpotifyEpisode{*id, *title, *show, *show_name, *duration};
  }
};

std::int64_t epochSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

template <class T>
storage::MetadataEntry entryFor(const T& value, std::int64_t now) {
  return {Codec<T>::kKind, Codec<T>::key(value), json::serialize(Codec<T>::encode(value)), now};
}

}  // namespace

MetadataService::MetadataService(storage::Store& store, const Clock& clock,
                                 providers::TvdbClient& tvdb, providers::YoutubeClient& youtube,
                                 providers::SpotifyClient& spotify)
    : store_(store), clock_(clock), tvdb_(tvdb), youtube_(youtube), spotify_(spotify) {}

template <class T>
std::optional<T> MetadataService::cached(std::string_view kind, std::string_view id) {
  auto entry = store_.cachedMetadata(kind, id);
  if (!entry) return std::nullopt;
  auto v = providers::parseJson(entry->body);
  if (!v || !v->is_object()) return std::nullopt;
  return Codec<T>::decode(v->get_object());
}

void MetadataService::remember(std::vector<storage::MetadataEntry> entries) {
  if (entries.empty()) return;
  // Losing a cache entry only costs a later fetch: log it, do not fail the request.
  store_.putCachedMetadata(std::move(entries), [](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      telemetry::logWarn("metadata cache write failed", {{"error", e.what()}});
    }
  });
}

// A failure that says nothing about the id but about the provider (down, bad credentials, out
// of quota): asking again for the next id would only fail the same way, slowly.
bool isProviderWide(const providers::Failure& f) {
  return f.kind == providers::FailureKind::kUnavailable ||
         f.kind == providers::FailureKind::kRejected ||
         f.kind == providers::FailureKind::kNotConfigured;
}

// Calls `fetch_chunk` (ids -> outcomes, in order) for chunks of `chunk` ids; after a
// provider-wide failure the remaining ids fail the same way without being asked for.
template <class T, class Key, class FetchChunk>
std::vector<Outcome<T>> fetchInChunks(const std::vector<Key>& ids, std::size_t chunk,
                                      FetchChunk fetch_chunk) {
  std::vector<Outcome<T>> out;
  out.reserve(ids.size());
  for (std::size_t begin = 0; begin < ids.size(); begin += chunk) {
    std::vector<Key> part(
        ids.begin() + static_cast<std::ptrdiff_t>(begin),
        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), begin + chunk)));
    for (auto& outcome : fetch_chunk(part)) out.push_back(std::move(outcome));
    if (!out.empty() && !out.back() && isProviderWide(out.back().failure)) {
      providers::Failure failure = out.back().failure;
      while (out.size() < ids.size()) out.push_back(Outcome<T>::fail(failure));
      break;
    }
  }
  return out;
}

// Fills the result from the cache, fetches the misses with `fetch` (ids → outcomes, in order)
// and collects what came back in `fresh` for the cache.
template <class T, class Key, class Fetch, class CachedFn>
std::vector<Outcome<T>> lookUp(const std::vector<Key>& ids, Fetch fetch, std::int64_t now,
                               std::vector<storage::MetadataEntry>& fresh, CachedFn cachedFn) {
  std::vector<Outcome<T>> out(ids.size());
  std::vector<Key> misses;                          // each id once
  std::vector<std::vector<std::size_t>> positions;  // where each miss goes in `out`
  std::map<Key, std::size_t> miss_index;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (auto known = miss_index.find(ids[i]); known != miss_index.end()) {
      positions[known->second].push_back(i);
    } else if (auto hit = cachedFn(ids[i])) {
      out[i] = Outcome<T>::success(std::move(*hit));
    } else {
      miss_index.emplace(ids[i], misses.size());
      misses.push_back(ids[i]);
      positions.push_back({i});
    }
  }
  if (misses.empty()) return out;
  std::vector<Outcome<T>> fetched = fetch(misses);
  for (std::size_t k = 0; k < fetched.size() && k < positions.size(); ++k) {
    if (fetched[k]) fresh.push_back(entryFor(*fetched[k].value, now));
    for (std::size_t position : positions[k]) out[position] = fetched[k];
  }
  return out;
}

Outcome<domain::TvdbSeries> MetadataService::series(std::int64_t id) {
  if (auto hit = cached<domain::TvdbSeries>(Codec<domain::TvdbSeries>::kKind, std::to_string(id))) {
    return Outcome<domain::TvdbSeries>::success(std::move(*hit));
  }
  auto fetched = tvdb_.series(id);
  if (fetched) remember({entryFor(*fetched.value, epochSeconds(clock_.now()))});
  return fetched;
}

std::vector<Outcome<domain::TvdbMovie>> MetadataService::movies(
    const std::vector<std::int64_t>& ids) {
  std::vector<storage::MetadataEntry> fresh;
  auto out = lookUp<domain::TvdbMovie>(
      ids,
      [this](const std::vector<std::int64_t>& misses) {
        return fetchInChunks<domain::TvdbMovie>(
            misses, 1, [this](const auto& one) { return std::vector{tvdb_.movie(one.front())}; });
      },
      epochSeconds(clock_.now()), fresh,
      [this](std::int64_t id) {
        return cached<domain::TvdbMovie>(Codec<domain::TvdbMovie>::kKind, std::to_string(id));
      });
  remember(std::move(fresh));
  return out;
}

std::vector<Outcome<domain::YoutubeVideo>> MetadataService::videos(
    const std::vector<std::string>& ids) {
  std::vector<storage::MetadataEntry> fresh;
  auto out = lookUp<domain::YoutubeVideo>(
      ids,
      [this](const std::vector<std::string>& misses) {
        return fetchInChunks<domain::YoutubeVideo>(
            misses, 50, [this](const auto& chunk) { return youtube_.videos(chunk); });
      },
      epochSeconds(clock_.now()), fresh,
      [this](const std::string& id) {
        return cached<domain::YoutubeVideo>(Codec<domain::YoutubeVideo>::kKind, id);
      });
  remember(std::move(fresh));
  return out;
}

std::vector<Outcome<domain::SpotifyEpisode>> MetadataService::spotifyEpisodes(
    const std::vector<std::string>& ids) {
  std::vector<storage::MetadataEntry> fresh;
  auto out = lookUp<domain::SpotifyEpisode>(
      ids,
      [this](const std::vector<std::string>& misses) {
        return fetchInChunks<domain::SpotifyEpisode>(misses, 1, [this](const auto& one) {
          return std::vector{spotify_.episode(one.front())};
        });
      },
      epochSeconds(clock_.now()), fresh,
      [this](const std::string& id) {
        return cached<domain::SpotifyEpisode>(Codec<domain::SpotifyEpisode>::kKind, id);
      });
  remember(std::move(fresh));
  return out;
}

Outcome<std::vector<domain::TvdbSearchResult>> MetadataService::searchTvdb(std::string_view query,
                                                                           std::string_view type,
                                                                           std::size_t limit) {
  return tvdb_.search(query, type, limit);
}

}  // namespace it::api::immersion
