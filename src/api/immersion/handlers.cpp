#include "api/immersion/handlers.hpp"

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <unordered_set>

#include "api/access.hpp"
#include "api/immersion/requests.hpp"
#include "api/json_body.hpp"
#include "domain/names.hpp"
#include "domain/progress.hpp"
#include "domain/time_zone.hpp"
#include "http/responses.hpp"
#include "telemetry/log.hpp"

namespace it::api::immersion {
namespace {

namespace json = boost::json;
using http::errorResponse;
using http::jsonResponse;
using http::Request;
using http::Respond;
using http::Response;
using providers::FailureKind;
using providers::Outcome;

std::chrono::sys_seconds nowSeconds(const Clock& clock) {
  return std::chrono::floor<std::chrono::seconds>(clock.now());
}

// The caller's calendar: their own time zone, else the server's default (also when their zone
// has since disappeared from the system's tz database).
storage::Calendar calendarFor(const Dependencies& deps, std::string_view username) {
  if (auto own = deps.store.userTimeZone(username)) {
    if (const auto* zone = domain::findTimeZone(*own)) return {*own, zone};
  }
  return {deps.default_time_zone, domain::findTimeZone(deps.default_time_zone)};
}

storage::SyncStamp stampFor(const Dependencies& deps, std::string_view username) {
  return {nowSeconds(deps.clock).time_since_epoch().count(), calendarFor(deps, username)};
}

// The answer to a write that counts what it added: {"<field>": n, ...extra}.
storage::CountDone answerCount(Respond respond, std::string field, json::object extra = {}) {
  return [respond = std::move(respond), field = std::move(field), extra = std::move(extra)](
             std::exception_ptr error, std::int64_t added) {
    if (error) return respond(errorResponse(500, "Database error"));
    json::object body;
    body.emplace(field, added);
    for (const auto& [key, value] : extra) body.emplace(key, value);
    respond(jsonResponse(200, body));
  };
}

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

// What came back from a provider for the items of one sync request.
template <class T>
struct Fetched {
  std::vector<T> found;
  json::array failed;  // [{"id", "error"}], in request order
  std::optional<std::string> not_configured;
  bool provider_failed = false;  // some failure was the provider's, not the id's

  void fail(const providers::Failure& failure, json::object entry) {
    if (failure.kind == FailureKind::kNotConfigured) not_configured = failure.message;
    if (failure.kind != FailureKind::kNotFound && failure.kind != FailureKind::kItemRejected) {
      provider_failed = true;
    }
    entry.emplace("error", failure.message);
    failed.push_back(std::move(entry));
  }
};

template <class T>
Fetched<T> sortOut(const std::vector<std::string>& ids, std::vector<Outcome<T>> outcomes) {
  Fetched<T> result;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i]) {
      result.found.push_back(std::move(*outcomes[i].value));
      continue;
    }
    result.fail(outcomes[i].failure, json::object{{"id", ids[i]}});
  }
  return result;
}

// Answers a sync whose metadata is fetched, or returns false when `record` must write first.
// The rules: a provider without credentials is a 503 naming the setting and nothing is
// written; when every item needing metadata failed and none was recorded before, nothing
// could be processed: 422 when the provider said the ids are unknown or invalid, 502 when it
// failed (both with the same body shape); otherwise 200 with the failures listed.
template <class T>
bool answeredEarly(const Fetched<T>& fetched, std::size_t already_recorded,
                   const std::string& count_field, const Respond& respond) {
  if (!fetched.failed.empty()) {
    // Operators see provider trouble in the log; the ids themselves go to the client only.
    const json::object& first = fetched.failed.front().as_object();
    telemetry::logWarn("metadata lookups failed",
                       {{"count", std::to_string(fetched.failed.size())},
                        {"first_error", std::string_view(first.at("error").as_string())}});
  }
  if (fetched.not_configured) {
    respond(errorResponse(503, *fetched.not_configured));
    return true;
  }
  if (fetched.found.empty() && !fetched.failed.empty() && already_recorded == 0) {
    std::string first = fetched.failed.front().as_object().at("error").as_string().c_str();
    respond(jsonResponse(fetched.provider_failed ? 502 : 422,
                         json::object{{"error", "Nothing could be synced: " + first},
                                      {count_field, 0},
                                      {"failed", fetched.failed}}));
    return true;
  }
  return false;
}

// ---- endpoints ----------------------------------------------------------------------------

void syncEpisodes(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                  const Respond& respond) {
  auto parsed = parseSyncEpisodes(req.body);
  if (auto* error = std::get_if<Response>(&parsed)) return respond(std::move(*error));
  auto& episodes = std::get<std::vector<storage::EpisodeRef>>(parsed);
  deps.store.recordEpisodes(caller.username, std::move(episodes), stampFor(deps, caller.username),
                            answerCount(respond, "episodes_added"));
}

void getShows(const Dependencies& deps, const Request&, const auth::Principal& caller,
              const Respond& respond) {
  json::array shows;
  for (const auto& s : deps.store.listShows(caller.username)) {
    shows.push_back(json::object{{"folder_name", s.folder_name},
                                 {"tvdb_id", jsonOrNull(s.tvdb_id)},
                                 {"tvdb_name", jsonOrNull(s.tvdb_name)},
                                 {"tvdb_image", jsonOrNull(s.tvdb_image)}});
  }
  respond(jsonResponse(200, json::object{{"shows", std::move(shows)}}));
}

void updateShow(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                const Respond& respond) {
  auto parsed = parseShowUpdate(req.body);
  if (auto* error = std::get_if<Response>(&parsed)) return respond(std::move(*error));
  auto& update = std::get<ShowUpdateRequest>(parsed);
  if (!deps.store.findShow(caller.username, update.folder_name)) {
    return respond(errorResponse(
        404, "No show folder \"" + update.folder_name + "\"; sync one of its episodes first"));
  }
  auto series = deps.metadata.series(update.tvdb_id);
  if (!series) {
    switch (series.failure.kind) {
      case FailureKind::kNotFound:
      case FailureKind::kItemRejected:  // TVDB's 400 "Invalid series id"
        return respond(errorResponse(422, series.failure.message));
      case FailureKind::kNotConfigured:
        return respond(errorResponse(503, series.failure.message));
      default:
        return respond(errorResponse(502, series.failure.message));
    }
  }
  deps.store.updateShow(
      caller.username, update.folder_name, std::move(*series.value),
      [respond, folder = update.folder_name](std::exception_ptr error, std::int64_t updated) {
        if (error) return respond(errorResponse(500, "Database error"));
        if (updated == 0) return respond(errorResponse(404, "No show folder \"" + folder + "\""));
        respond(jsonResponse(200, json::object{}));
      });
}

void syncMovies(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                const Respond& respond) {
  auto parsed = parseSyncMovies(req.body);
  if (auto* error = std::get_if<Response>(&parsed)) return respond(std::move(*error));
  auto movies =
      firstOfEach(std::move(std::get<std::vector<MovieRequest>>(parsed)),
                  [](const MovieRequest& m) -> const std::string& { return m.file_name; });
  std::vector<std::string> names;
  for (const auto& m : movies) names.push_back(m.file_name);
  auto existing = deps.store.existingMovies(caller.username, names);
  std::unordered_set<std::string_view> have(existing.begin(), existing.end());
  std::erase_if(movies, [&](const MovieRequest& m) { return have.contains(m.file_name); });

  std::vector<std::int64_t> ids;
  std::vector<std::string> id_texts;
  for (const auto& m : movies) {
    ids.push_back(m.tvdb_id);
    id_texts.push_back(std::to_string(m.tvdb_id));
  }
  auto outcomes = deps.metadata.movies(ids);
  Fetched<domain::TvdbMovie> fetched;
  std::vector<storage::MovieRecord> records;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i]) {
      records.push_back({movies[i].file_name, std::move(*outcomes[i].value)});
      fetched.found.push_back(records.back().movie);
      continue;
    }
    fetched.fail(outcomes[i].failure,
                 json::object{{"id", id_texts[i]}, {"file_name", movies[i].file_name}});
  }
  if (answeredEarly(fetched, existing.size(), "movies_added", respond)) return;
  deps.store.recordMovies(caller.username, std::move(records), stampFor(deps, caller.username),
                          answerCount(respond, "movies_added", {{"failed", fetched.failed}}));
}

void syncYoutube(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  auto parsed = parseSyncYoutube(req.body);
  if (auto* error = std::get_if<Response>(&parsed)) return respond(std::move(*error));
  auto ids = firstOfEach(std::move(std::get<std::vector<std::string>>(parsed)),
                         [](const std::string& id) -> const std::string& { return id; });
  auto existing = deps.store.existingYoutubeVideos(caller.username, ids);
  ids = withoutExisting(std::move(ids), existing);
  auto fetched = sortOut(ids, deps.metadata.videos(ids));
  if (answeredEarly(fetched, existing.size(), "videos_added", respond)) return;
  deps.store.recordYoutubeVideos(
      caller.username, std::move(fetched.found), stampFor(deps, caller.username),
      answerCount(respond, "videos_added", {{"failed", fetched.failed}}));
}

void syncSpotify(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  auto parsed = parseSyncSpotify(req.body);
  if (auto* error = std::get_if<Response>(&parsed)) return respond(std::move(*error));
  auto ids = firstOfEach(std::move(std::get<std::vector<std::string>>(parsed)),
                         [](const std::string& id) -> const std::string& { return id; });
  auto existing = deps.store.existingSpotifyEpisodes(caller.username, ids);
  ids = withoutExisting(std::move(ids), existing);
  auto fetched = sortOut(ids, deps.metadata.spotifyEpisodes(ids));
  if (answeredEarly(fetched, existing.size(), "episodes_added", respond)) return;
  deps.store.recordSpotifyEpisodes(
      caller.username, std::move(fetched.found), stampFor(deps, caller.username),
      answerCount(respond, "episodes_added", {{"failed", fetched.failed}}));
}

// The trend as Java's Double.toString would print the common cases ("100.0", "-12.5",
// "122.22222222222223"): shortest round-trip digits, with ".0" on whole numbers.
std::string formatTrend(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  std::string text(buf, ec == std::errc() ? end : buf);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

std::string progressBody(const domain::Progress& p, const std::string& zone_name) {
  // Boost.JSON writes 100.0 as "1E2": the trend goes in through a placeholder instead. It is the
  // first string of the document (only numbers come before it), so the first match is it.
  constexpr std::string_view kTrendPlaceholder = "\"@weekly_trend_percentage@\"";
  // One arena for the whole document: a user's lists can hold thousands of small objects.
  json::monotonic_resource arena;
  json::storage_ptr sp(&arena);
  auto list = [&sp](std::size_t n) {
    json::array a(sp);
    a.reserve(n);
    return a;
  };
  auto optional = [&sp](const std::optional<std::string>& s) {
    return s ? json::value(*s, sp) : json::value(nullptr, sp);
  };
  json::array daily = list(p.daily_activity.size());
  for (const auto& d : p.daily_activity) {
    daily.push_back(
        json::object({{"days_ago", d.days_ago}, {"minutes_watched", d.minutes_watched}}, sp));
  }
  json::array all_time = list(p.all_time_progress.size());
  for (const auto& q : p.all_time_progress) {
    all_time.push_back(
        json::object({{"label", q.label}, {"cumulative_hours", q.cumulative_hours}}, sp));
  }
  json::array shows = list(p.shows.size());
  for (const auto& s : p.shows) {
    shows.push_back(
        json::object({{"name", optional(s.name)}, {"episodes_watched", s.episodes_watched}}, sp));
  }
  json::array channels = list(p.youtube_channels.size());
  for (const auto& c : p.youtube_channels) {
    channels.push_back(json::object(
        {{"channel_name", optional(c.channel_name)}, {"videos_watched", c.videos_watched}}, sp));
  }
  json::array spotify = list(p.spotify_shows.size());
  for (const auto& s : p.spotify_shows) {
    spotify.push_back(json::object(
        {{"show_name", optional(s.show_name)}, {"episodes_watched", s.episodes_watched}}, sp));
  }
  json::array movies = list(p.movies.size());
  for (const auto& name : p.movies) movies.push_back(json::object({{"name", optional(name)}}, sp));

  json::object body(sp);
  body.reserve(18);
  body.emplace("total_episodes_watched", p.total_episodes_watched);
  body.emplace("total_movies_watched", p.total_movies_watched);
  body.emplace("total_hours_watched", p.total_hours_watched);
  body.emplace("episodes_watched_today", p.episodes_watched_today);
  body.emplace("movies_watched_today", p.movies_watched_today);
  body.emplace("youtube_videos_watched", p.youtube_videos_watched);
  body.emplace("youtube_videos_watched_today", p.youtube_videos_watched_today);
  body.emplace("spotify_episodes_watched", p.spotify_episodes_watched);
  body.emplace("spotify_episodes_watched_today", p.spotify_episodes_watched_today);
  body.emplace("days_since_first_episode", p.days_since_first_episode);
  if (p.weekly_trend_percentage) {
    body.emplace("weekly_trend_percentage",
                 kTrendPlaceholder.substr(1, kTrendPlaceholder.size() - 2));
  } else {
    body.emplace("weekly_trend_percentage", nullptr);
  }
  body.emplace("daily_activity", std::move(daily));
  body.emplace("all_time_progress", std::move(all_time));
  body.emplace("shows", std::move(shows));
  body.emplace("youtube_channels", std::move(channels));
  body.emplace("spotify_shows", std::move(spotify));
  body.emplace("movies", std::move(movies));
  body.emplace("time_zone", zone_name);
  std::string text = json::serialize(body);
  if (p.weekly_trend_percentage) {
    auto at = text.find(kTrendPlaceholder);
    text.replace(at, kTrendPlaceholder.size(), formatTrend(*p.weekly_trend_percentage));
  }
  return text;
}

void getProgress(const Dependencies& deps, const Request&, const auth::Principal& caller,
                 const Respond& respond) {
  storage::Calendar calendar = calendarFor(deps, caller.username);
  auto now = nowSeconds(deps.clock);
  auto input = deps.store.progressInput(caller.username, calendar,
                                        domain::recentWindowStart(now, *calendar.zone));
  Response response;
  response.body =
      progressBody(domain::computeProgress(input, now, *calendar.zone), calendar.zone_name);
  respond(std::move(response));
}

void searchTvdb(const Dependencies& deps, const Request& req, const auth::Principal&,
                const Respond& respond) {
  std::string_view query = req.queryParam("query").value_or("");
  if (query.empty() || query.size() > 200 || !domain::isValidUtf8(query)) {
    return respond(errorResponse(400, "query must be 1-200 bytes of UTF-8"));
  }
  std::string_view type = req.queryParam("type").value_or("series");
  if (type != "series" && type != "movie") {
    return respond(errorResponse(400, "type must be \"series\" or \"movie\""));
  }
  std::size_t limit = 5;
  if (auto text = req.queryParam("limit")) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc() || end != text->data() + text->size() || limit < 1 || limit > 50) {
      return respond(errorResponse(400, "limit must be an integer from 1 to 50"));
    }
  }
  auto found = deps.metadata.searchTvdb(query, type, limit);
  if (!found) {
    int status = found.failure.kind == FailureKind::kNotConfigured ? 503 : 502;
    return respond(errorResponse(status, found.failure.message));
  }
  json::array results;
  for (const auto& r : *found.value) {
    results.push_back(json::object{{"tvdb_id", r.tvdb_id},
                                   {"name", r.name},
                                   {"type", r.type},
                                   {"year", jsonOrNull(r.year)},
                                   {"image_url", jsonOrNull(r.image_url)},
                                   {"overview", jsonOrNull(r.overview)}});
  }
  respond(jsonResponse(200, json::object{{"results", std::move(results)}}));
}

}  // namespace

std::vector<http::Route> routes(const Dependencies& deps) {
  using http::Access;
  using http::Execution;
  using http::Method;
  using Endpoint =
      void (*)(const Dependencies&, const Request&, const auth::Principal&, const Respond&);
  // Every endpoint acts for the caller; ?user=, which the original client sends, must name
  // them.
  auto handler = [&deps](Endpoint endpoint) {
    return [&deps, endpoint](const Request& r, const auth::Principal& p, Respond respond) {
      if (auto denied = checkUserParameter(r, p)) return respond(std::move(*denied));
      endpoint(deps, r, p, respond);
    };
  };
  // Syncs parse up to 10,000 items and progress sums the history: both run off the I/O
  // threads. The endpoints that may call a provider get the provider pool, so a slow provider
  // cannot hold up the others. Listing shows is a short indexed read.
  return {
      {Method::kGet, "/progress", Access::kUser, Execution::kBlocking, handler(getProgress)},
      {Method::kGet, "/shows", Access::kUser, Execution::kInline, handler(getShows)},
      {Method::kPost, "/sync", Access::kUser, Execution::kBlocking, handler(syncEpisodes)},
      {Method::kPut, "/show", Access::kUser, Execution::kProvider, handler(updateShow)},
      {Method::kPost, "/syncmovies", Access::kUser, Execution::kProvider, handler(syncMovies)},
      {Method::kPost, "/syncyoutube", Access::kUser, Execution::kProvider, handler(syncYoutube)},
      {Method::kPost, "/syncspotify", Access::kUser, Execution::kProvider, handler(syncSpotify)},
      {Method::kGet, "/tvdb/search", Access::kUser, Execution::kProvider, handler(searchTvdb)},
  };
}

}  // namespace it::api::immersion
