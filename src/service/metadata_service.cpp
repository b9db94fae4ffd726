#include "service/metadata_service.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <map>

#include "telemetry/log.hpp"
#include "util/json.hpp"

namespace it::service {
namespace {

namespace json = boost::json;
using providers::Outcome;

template <class T>
json::value jsonOrNull(const std::optional<T>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

// Cache bodies: the domain values as JSON objects. A body that does not read back (written
// by another version, say, before languages were kept) counts as a miss and is fetched again.

template <class T>
struct Codec;

// A value that may be unknown, as JSON (null when unknown).
json::value optionalJson(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

// A member that must be there and be text or null: the text, or an empty optional for null;
// nothing at all (the outer optional) when it is missing or of another type.
std::optional<std::optional<std::string>> optionalText(const json::object& o,
                                                       std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !(v->is_null() || v->is_string())) return std::nullopt;
  if (v->is_null()) return std::optional<std::string>();
  return std::optional<std::string>(std::string(v->get_string()));
}

template <>
struct Codec<domain::TvdbSeries> {
  static constexpr const char* kKind = "tvdb_series";
  static std::string key(const domain::TvdbSeries& s) { return std::to_string(s.id); }
  static json::object encode(const domain::TvdbSeries& s) {
    return {{"id", s.id},
            {"name", s.name},
            {"image", jsonOrNull(s.image)},
            {"average_runtime_seconds", jsonOrNull(s.average_runtime_seconds)},
            {"language", optionalJson(s.language)}};
  }
  static std::optional<domain::TvdbSeries> decode(const json::object& o) {
    auto id = integerAt(o, "id");
    auto name = stringAt(o, "name");
    auto language = optionalText(o, "language");
    if (!id || !name || !language) return std::nullopt;
    return domain::TvdbSeries{*id, *name, stringAt(o, "image"),
                              integerAt(o, "average_runtime_seconds"), *language};
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
            {"runtime_seconds", m.runtime_seconds},
            {"language", optionalJson(m.language)}};
  }
  static std::optional<domain::TvdbMovie> decode(const json::object& o) {
    auto id = integerAt(o, "id");
    auto name = stringAt(o, "name");
    auto runtime = integerAt(o, "runtime_seconds");
    auto language = optionalText(o, "language");
    if (!id || !name || !runtime || !language) return std::nullopt;
    return domain::TvdbMovie{*id, *name, stringAt(o, "image"), *runtime, *language};
  }
};

template <>
struct Codec<domain::TmdbMovie> {
  static constexpr const char* kKind = "tmdb_movie";
  static std::string key(const domain::TmdbMovie& m) { return std::to_string(m.id); }
  static json::object encode(const domain::TmdbMovie& m) {
    return {{"id", m.id},
            {"name", m.name},
            {"title", m.title},
            {"image", optionalJson(m.image)},
            {"runtime_seconds", m.runtime_seconds},
            {"language", optionalJson(m.language)}};
  }
  static std::optional<domain::TmdbMovie> decode(const json::object& o) {
    auto id = integerAt(o, "id");
    auto name = stringAt(o, "name");
    auto title = stringAt(o, "title");
    auto image = optionalText(o, "image");
    auto runtime = integerAt(o, "runtime_seconds");
    auto language = optionalText(o, "language");
    if (!id || !name || !title || !image || !runtime || !language) return std::nullopt;
    return domain::TmdbMovie{*id, *name, *title, *image, *runtime, *language};
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
            {"duration_seconds", v.duration_seconds},
            {"language", optionalJson(v.language)}};
  }
  static std::optional<domain::YoutubeVideo> decode(const json::object& o) {
    auto id = stringAt(o, "id");
    auto title = stringAt(o, "title");
    auto channel = stringAt(o, "channel_id");
    auto channel_title = stringAt(o, "channel_title");
    auto duration = integerAt(o, "duration_seconds");
    auto language = optionalText(o, "language");
    if (!id || !title || !channel || !channel_title || !duration || !language) {
      return std::nullopt;
    }
    return domain::YoutubeVideo{*id,       *title,       *channel, *channel_title,
                                *duration, std::nullopt, *language};
  }
};

template <>
struct Codec<domain::YoutubeChannel> {
  static constexpr const char* kKind = "youtube_channel";
  static std::string key(const domain::YoutubeChannel& c) { return c.id; }
  static json::object encode(const domain::YoutubeChannel& c) {
    return {{"id", c.id}, {"title", c.title}, {"thumbnail_url", optionalJson(c.thumbnail_url)}};
  }
  static std::optional<domain::YoutubeChannel> decode(const json::object& o) {
    auto id = stringAt(o, "id");
    auto title = stringAt(o, "title");
    auto thumbnail = optionalText(o, "thumbnail_url");
    if (!id || !title || !thumbnail) return std::nullopt;
    return domain::YoutubeChannel{*id, *title, *thumbnail};
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
            {"duration_seconds", e.duration_seconds},
            {"release_date", optionalJson(e.release_date)},
            {"show_artwork_url", optionalJson(e.show_artwork_url)},
            {"language", optionalJson(e.language)}};
  }
  static std::optional<domain::SpotifyEpisode> decode(const json::object& o) {
    auto id = stringAt(o, "id");
    auto title = stringAt(o, "title");
    auto show = stringAt(o, "show_id");
    auto show_name = stringAt(o, "show_name");
    auto duration = integerAt(o, "duration_seconds");
    // Entries cached before release dates, artwork and languages were kept have no such keys:
    // they count as missing, so the episode is fetched again, once.
    auto date = optionalText(o, "release_date");
    auto artwork = optionalText(o, "show_artwork_url");
    auto language = optionalText(o, "language");
    if (!id || !title || !show || !show_name || !duration || !date || !artwork || !language) {
      return std::nullopt;
    }
    return domain::SpotifyEpisode{*id,       *title, *show,    *show_name,
                                  *duration, *date,  *artwork, *language};
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

MetadataService::MetadataService(storage::MetadataCache& store, const Clock& clock,
                                 providers::TvdbClient& tvdb, providers::TmdbClient& tmdb,
                                 providers::YoutubeClient& youtube,
                                 providers::SpotifyClient& spotify, MetadataLimits limits)
    : store_(store),
      clock_(clock),
      tvdb_(tvdb),
      tmdb_(tmdb),
      youtube_(youtube),
      spotify_(spotify),
      limits_(limits) {}

template <class T>
std::optional<T> MetadataService::cached(std::string_view id) {
  auto entry = store_.cachedMetadata(Codec<T>::kKind, id);
  if (!entry) return std::nullopt;
  auto v = parseJson(entry->body);
  if (!v || !v->is_object()) return std::nullopt;
  return Codec<T>::decode(v->get_object());
}

void MetadataService::remember(std::vector<storage::MetadataEntry> entries) {
  if (entries.empty()) return;
  std::vector<std::string> keys;
  for (const auto& e : entries) keys.push_back(e.kind + ":" + e.id);
  // Once committed (or failed), the cache answers for these ids: their flights can go. Losing
  // a cache entry only costs a later fetch: log it, do not fail the request.
  store_.putCachedMetadata(
      std::move(entries), [flights = flights_, keys = std::move(keys)](Result<void> written) {
        {
          std::lock_guard lock(flights->mutex);
          for (const auto& key : keys) flights->by_key.erase(key);
        }
        if (!written) {
          telemetry::logWarn("metadata cache write failed", {{"error", written.failure->message}});
        }
      });
}

namespace {

// The provider's answer about the id itself ("no such id", "not this id"): asking again soon
// would get the same answer. Everything else (timeouts, 5xx, 429, a broken answer) may be gone
// by the next request.
bool isAboutTheId(const providers::Failure& f) {
  return f.kind == providers::FailureKind::kNotFound ||
         f.kind == providers::FailureKind::kItemRejected;
}

}  // namespace

std::optional<providers::Failure> MetadataService::knownMissing(const std::string& key) {
  std::lock_guard lock(missing_.mutex);
  auto it = missing_.by_key.find(key);
  if (it == missing_.by_key.end() || clock_.now() >= it->second.until) return std::nullopt;
  return it->second.failure;
}

void MetadataService::rememberMissing(const std::string& key, const providers::Failure& failure) {
  if (!isAboutTheId(failure) || limits_.max_not_found == 0) return;
  auto now = clock_.now();
  auto until = now + limits_.not_found_for;
  std::lock_guard lock(missing_.mutex);
  missing_.by_key.insert_or_assign(key, Missing{failure, until});
  missing_.order.emplace_back(key, until);
  // Every entry lives equally long, so `order` is also the order they expire in.
  while (!missing_.order.empty() &&
         (missing_.order.size() > limits_.max_not_found || missing_.order.front().second <= now)) {
    auto& [old_key, old_until] = missing_.order.front();
    auto it = missing_.by_key.find(old_key);
    // Only if not remembered again since (then a later entry of `order` is its own).
    if (it != missing_.by_key.end() && it->second.until == old_until) missing_.by_key.erase(it);
    missing_.order.pop_front();
  }
}

namespace {

// What the ids a request has no time left for fail with: as if `provider` were unavailable,
// so that a sync lists them as failed and the next one asks for them again.
providers::Failure outOfTime(std::string_view provider) {
  return {providers::FailureKind::kUnavailable,
          std::string(provider) +
              " was not asked: this request ran out of time for provider lookups; sync again "
              "for the rest"};
}

bool isPast(MetadataService::Deadline deadline) {
  return std::chrono::steady_clock::now() >= deadline;
}

// A failure that says nothing about the id but about the provider (down, bad credentials, out
// of quota): asking again for the next id would only fail the same way, slowly.
bool isProviderWide(const providers::Failure& f) {
  return f.kind == providers::FailureKind::kUnavailable ||
         f.kind == providers::FailureKind::kRejected ||
         f.kind == providers::FailureKind::kNotConfigured;
}

// Calls `fetch_chunk` (ids -> outcomes, in order) for chunks of `chunk` ids; after a
// provider-wide failure the remaining ids fail the same way without being asked for, and once
// `deadline` has passed they fail as outOfTime(provider).
template <class T, class Key, class FetchChunk>
std::vector<Outcome<T>> fetchInChunks(const std::vector<Key>& ids, std::size_t chunk,
                                      MetadataService::Deadline deadline, std::string_view provider,
                                      FetchChunk fetch_chunk) {
  std::vector<Outcome<T>> out;
  out.reserve(ids.size());
  for (std::size_t begin = 0; begin < ids.size(); begin += chunk) {
    if (isPast(deadline)) {
      while (out.size() < ids.size()) out.push_back(Outcome<T>::fail(outOfTime(provider)));
      break;
    }
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

// A search that fails is the provider's failure whatever it said (a search has no id to
// blame), unless the provider is not configured.
template <class T>
Outcome<T> asProviderFailure(Outcome<T> found) {
  if (!found && found.failure.kind != FailureKind::kNotConfigured) {
    found.failure.kind = FailureKind::kUnavailable;
  }
  return found;
}

std::string keyText(std::int64_t id) { return std::to_string(id); }
const std::string& keyText(const std::string& id) { return id; }

// How flights and remembered "no such id" answers name an id: "<kind>:<id>".
template <class T, class Key>
std::string keyOf(const Key& id) {
  return std::string(Codec<T>::kKind) + ":" + keyText(id);
}

template <class T>
std::optional<T> decodeBody(const std::string& body) {
  auto v = parseJson(body);
  if (!v || !v->is_object()) return std::nullopt;
  return Codec<T>::decode(v->get_object());
}

}  // namespace

std::pair<std::shared_ptr<MetadataService::Flight>, bool> MetadataService::board(
    const std::string& key) {
  std::lock_guard lock(flights_->mutex);
  auto [it, inserted] = flights_->by_key.try_emplace(key);
  if (inserted) it->second = std::make_shared<Flight>();
  return {it->second, inserted};
}

void MetadataService::land(const std::string& key, Flight& flight, std::optional<std::string> body,
                           bool unboard) {
  // A failure is forgotten at once (the next request tries again); a fresh success stays
  // boarded until remember() has it in the cache.
  if (!body || unboard) {
    std::lock_guard lock(flights_->mutex);
    auto it = flights_->by_key.find(key);
    if (it != flights_->by_key.end() && it->second.get() == &flight) flights_->by_key.erase(it);
  }
  {
    std::lock_guard lock(flight.mutex);
    flight.done = true;
    flight.body = std::move(body);
  }
  flight.landed.notify_all();
}

// How one lookUp gets each id: from the cache (already in `out`), fetched here (owned, each
// id once, with the flight others may wait on), or awaited from another request's flight.
template <class T, class Key>
struct MetadataService::Plan {
  std::vector<Outcome<T>> out;
  std::vector<Key> owned;
  std::vector<std::shared_ptr<Flight>> owned_flights;
  std::vector<std::vector<std::size_t>> owned_positions;  // where each goes in `out`
  std::vector<std::pair<std::shared_ptr<Flight>, std::size_t>> awaited;
};

template <class T, class Key>
MetadataService::Plan<T, Key> MetadataService::plan(const std::vector<Key>& ids) {
  Plan<T, Key> plan;
  plan.out.resize(ids.size());
  std::map<Key, std::size_t> owned_index;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (auto known = owned_index.find(ids[i]); known != owned_index.end()) {
      plan.owned_positions[known->second].push_back(i);
      continue;
    }
    std::string key = keyOf<T>(ids[i]);
    if (auto missing = knownMissing(key)) {
      plan.out[i] = Outcome<T>::fail(std::move(*missing));
      continue;
    }
    if (auto hit = cached<T>(keyText(ids[i]))) {
      plan.out[i] = Outcome<T>::success(std::move(*hit));
      continue;
    }
    auto [flight, owner] = board(key);
    if (!owner) {
      plan.awaited.emplace_back(std::move(flight), i);
      continue;
    }
    // Another request's flight may have landed and left between the cache check above and
    // boarding: then the cache has it now.
    if (auto entry = store_.cachedMetadata(Codec<T>::kKind, keyText(ids[i]))) {
      if (auto value = decodeBody<T>(entry->body)) {
        land(key, *flight, entry->body, /*unboard=*/true);
        plan.out[i] = Outcome<T>::success(std::move(*value));
        continue;
      }
    }
    owned_index.emplace(ids[i], plan.owned.size());
    plan.owned.push_back(ids[i]);
    plan.owned_flights.push_back(std::move(flight));
    plan.owned_positions.push_back({i});
  }
  return plan;
}

template <class T, class Key, class Fetch>
void MetadataService::fetchOwned(Plan<T, Key>& plan, Fetch& fetch) {
  if (plan.owned.empty()) return;
  std::vector<storage::MetadataEntry> fresh;
  {
    // Every owned flight lands when this scope ends, also when the fetch throws, and before
    // the cache write below can commit (which unboards the flights).
    std::vector<std::optional<std::string>> bodies(plan.owned.size());
    struct Landing {
      MetadataService& self;
      const std::vector<Key>& keys;
      std::vector<std::shared_ptr<Flight>>& flights;
      std::vector<std::optional<std::string>>& bodies;
      ~Landing() {
        for (std::size_t k = 0; k < keys.size(); ++k) {
          self.land(keyOf<T>(keys[k]), *flights[k], std::move(bodies[k]), /*unboard=*/false);
        }
      }
    } landing{*this, plan.owned, plan.owned_flights, bodies};
    std::vector<Outcome<T>> fetched = fetch(plan.owned);
    std::int64_t now = epochSeconds(clock_.now());
    for (std::size_t k = 0; k < fetched.size() && k < plan.owned.size(); ++k) {
      if (fetched[k]) {
        fresh.push_back(entryFor(*fetched[k].value, now));
        bodies[k] = fresh.back().body;
      } else {
        // Before the flight lands, so that a request it wakes finds the answer here.
        rememberMissing(keyOf<T>(plan.owned[k]), fetched[k].failure);
      }
      for (std::size_t position : plan.owned_positions[k]) plan.out[position] = fetched[k];
    }
  }
  remember(std::move(fresh));
}

template <class T, class Key, class Fetch>
void MetadataService::awaitOthers(Plan<T, Key>& plan, const std::vector<Key>& ids, Fetch& fetch) {
  for (auto& [flight, position] : plan.awaited) {
    std::optional<std::string> body;
    {
      std::unique_lock lock(flight->mutex);
      // Captured by an init-capture: clang before 16 cannot capture a structured binding.
      flight->landed.wait(lock, [&f = flight] { return f->done; });
      body = flight->body;
    }
    std::optional<T> value = body ? decodeBody<T>(*body) : std::nullopt;
    if (value) {
      plan.out[position] = Outcome<T>::success(std::move(*value));
    } else if (auto missing = knownMissing(keyOf<T>(ids[position]))) {
      plan.out[position] = Outcome<T>::fail(std::move(*missing));  // the provider said so
    } else {  // the other request's lookup failed: try once more on our own
      plan.out[position] = std::move(fetch(std::vector<Key>{ids[position]}).front());
      if (!plan.out[position]) rememberMissing(keyOf<T>(ids[position]), plan.out[position].failure);
    }
  }
}

// From the cache where it can; the misses each fetched once with `fetch` (ids → outcomes, in
// order), or awaited when another request is fetching them; what came back is cached.
// Deadlock-free: a request lands every flight it owns before it waits for anyone else's.
template <class T, class Key, class Fetch>
std::vector<Outcome<T>> MetadataService::lookUp(const std::vector<Key>& ids, Fetch fetch) {
  Plan<T, Key> lookup = plan<T>(ids);
  fetchOwned(lookup, fetch);
  awaitOthers(lookup, ids, fetch);
  return std::move(lookup.out);
}

Outcome<domain::TvdbSeries> MetadataService::series(std::int64_t id) {
  Deadline until = deadline();
  return std::move(
      lookUp<domain::TvdbSeries>(std::vector<std::int64_t>{id},
                                 [this, until](const std::vector<std::int64_t>& misses) {
                                   return fetchInChunks<domain::TvdbSeries>(
                                       misses, 1, until, "TVDB", [this](const auto& one) {
                                         return std::vector{tvdb_.series(one.front())};
                                       });
                                 })
          .front());
}

std::vector<Outcome<domain::TvdbMovie>> MetadataService::tvdbMovies(
    const std::vector<std::int64_t>& ids, Deadline until) {
  return lookUp<domain::TvdbMovie>(ids, [this, until](const std::vector<std::int64_t>& misses) {
    return fetchInChunks<domain::TvdbMovie>(misses, 1, until, "TVDB", [this](const auto& one) {
      return std::vector{tvdb_.movie(one.front())};
    });
  });
}

std::vector<Outcome<domain::TmdbMovie>> MetadataService::tmdbMovies(
    const std::vector<std::int64_t>& ids, Deadline until) {
  return lookUp<domain::TmdbMovie>(ids, [this, until](const std::vector<std::int64_t>& misses) {
    return fetchInChunks<domain::TmdbMovie>(misses, 1, until, "TMDB", [this](const auto& one) {
      return std::vector{tmdb_.movie(one.front())};
    });
  });
}

std::vector<Outcome<domain::YoutubeVideo>> MetadataService::videos(
    const std::vector<std::string>& ids, Deadline until) {
  return lookUp<domain::YoutubeVideo>(ids, [this, until](const std::vector<std::string>& misses) {
    return fetchInChunks<domain::YoutubeVideo>(
        misses, 50, until, "YouTube", [this](const auto& chunk) { return youtube_.videos(chunk); });
  });
}

std::vector<Outcome<domain::YoutubeChannel>> MetadataService::youtubeChannels(
    const std::vector<std::string>& ids, Deadline until) {
  return lookUp<domain::YoutubeChannel>(ids, [this, until](const std::vector<std::string>& misses) {
    return fetchInChunks<domain::YoutubeChannel>(
        misses, 50, until, "YouTube",
        [this](const auto& chunk) { return youtube_.channels(chunk); });
  });
}

std::vector<Outcome<domain::SpotifyEpisode>> MetadataService::spotifyEpisodes(
    const std::vector<std::string>& ids, Deadline until) {
  return lookUp<domain::SpotifyEpisode>(ids, [this, until](const std::vector<std::string>& misses) {
    return fetchInChunks<domain::SpotifyEpisode>(
        misses, 1, until, "Spotify",
        [this](const auto& one) { return std::vector{spotify_.episode(one.front())}; });
  });
}

Outcome<std::vector<domain::SpotifyEpisode>> MetadataService::spotifyShowEpisodes(
    std::string_view show_id, Deadline until) {
  if (isPast(until)) return outOfTime("Spotify");
  return spotify_.showEpisodes(show_id);
}

Outcome<std::vector<domain::TvdbSearchResult>> MetadataService::searchTvdb(std::string_view query,
                                                                           std::string_view type,
                                                                           std::size_t limit) {
  return asProviderFailure(tvdb_.search(query, type, limit));
}

Outcome<std::vector<domain::TmdbSearchResult>> MetadataService::searchTmdb(std::string_view query,
                                                                           std::size_t limit) {
  return asProviderFailure(tmdb_.search(query, limit));
}

}  // namespace it::service
