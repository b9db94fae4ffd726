#include "api/immersion/handlers.hpp"

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>

#include "api/access.hpp"
#include "api/immersion/requests.hpp"
#include "api/json_body.hpp"
#include "domain/activity.hpp"
#include "domain/logs.hpp"
#include "domain/names.hpp"
#include "domain/progress.hpp"
#include "domain/time_zone.hpp"
#include "http/responses.hpp"

namespace it::api::immersion {
namespace {

namespace json = boost::json;
using http::errorResponse;
using http::jsonResponse;
using http::Request;
using http::Respond;
using http::Response;

// A sync's failed items as the API lists them: [{"id", "file_name" (movies), "error"}].
json::array failedJson(const std::vector<service::FailedItem>& failed) {
  json::array out;
  for (const auto& f : failed) {
    json::object entry{{"id", f.id}};
    if (f.file_name) entry.emplace("file_name", *f.file_name);
    entry.emplace("error", f.error);
    out.push_back(std::move(entry));
  }
  return out;
}

// Answers a sync: 200 {"<count_field>": n, "failed": [...]} (the failures where the endpoint
// lists them); when nothing could be synced, its status with the same fields and an "error".
Done<service::SyncReport> answerSync(Respond respond, std::string count_field,
                                     bool lists_failures) {
  return [respond = std::move(respond), count_field = std::move(count_field),
          lists_failures](Result<service::SyncReport> result) {
    if (!result) return respond(http::failureResponse(result.failure));
    const service::SyncReport& report = *result;
    json::object body;
    if (report.nothing_synced) body.emplace("error", report.nothing_synced->message);
    body.emplace(count_field, report.added);
    if (lists_failures) body.emplace("failed", failedJson(report.failed));
    respond(jsonResponse(report.nothing_synced ? http::statusOf(report.nothing_synced->kind) : 200,
                         body));
  };
}

// ---- endpoints ----------------------------------------------------------------------------

void syncEpisodes(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                  const Respond& respond) {
  auto parsed = parseSyncEpisodes(req.body);
  if (!parsed) return respond(http::failureResponse(parsed.failure));
  deps.sync.episodes(caller.username, std::move(*parsed),
                     answerSync(respond, "episodes_added", false));
}

void getShows(const Dependencies& deps, const Request&, const auth::Principal& caller,
              const Respond& respond) {
  json::array shows;
  for (const auto& s : deps.sync.shows(caller.username)) {
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
  if (!parsed) return respond(http::failureResponse(parsed.failure));
  auto& update = *parsed;
  deps.sync.tagShow(caller.username, std::move(update.folder_name), update.tvdb_id,
                    [respond](Result<void> result) {
                      if (!result) return respond(http::failureResponse(*result.failure));
                      respond(jsonResponse(200, json::object{}));
                    });
}

void syncMovies(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                const Respond& respond) {
  auto parsed = parseSyncMovies(req.body);
  if (!parsed) return respond(http::failureResponse(parsed.failure));
  deps.sync.movies(caller.username, std::move(*parsed), answerSync(respond, "movies_added", true));
}

void syncYoutube(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  auto parsed = parseSyncYoutube(req.body);
  if (!parsed) return respond(http::failureResponse(parsed.failure));
  deps.sync.youtubeVideos(caller.username, std::move(*parsed),
                          answerSync(respond, "videos_added", true));
}

void syncSpotify(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  auto parsed = parseSyncSpotify(req.body);
  if (!parsed) return respond(http::failureResponse(parsed.failure));
  deps.sync.spotifyEpisodes(caller.username, std::move(parsed->episode_ids), parsed->backfill,
                            answerSync(respond, "episodes_added", true));
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

// Each of `items` as the object `to_object` makes of it, in an array on the arena `sp`.
template <class Items, class ToObject>
json::array listOf(const Items& items, const json::storage_ptr& sp, ToObject to_object) {
  json::array list(sp);
  list.reserve(items.size());
  for (const auto& item : items) list.push_back(to_object(item));
  return list;
}

// Boost.JSON writes 100.0 as "1E2": the trend goes in through a placeholder instead. It is the
// first string of the document (only numbers come before it), so the first match is it.
constexpr std::string_view kTrendPlaceholder = "\"@weekly_trend_percentage@\"";

// The fields of all immersion, synced and logged, that we add to the original's.
void addImmersionFields(json::object& body, const domain::ImmersionSummary& s,
                        const json::storage_ptr& sp) {
  auto share = [&sp](std::string_view key, json::value name, const domain::ImmersionShare& m) {
    json::object o(sp);
    o.reserve(4);
    o.emplace(key, std::move(name));
    o.emplace("minutes", m.minutes);
    o.emplace("items", m.items);
    o.emplace("minutes_last_7_days", m.minutes_last_7_days);
    return o;
  };
  json::array by_medium = listOf(s.by_medium, sp, [&](const domain::MediumShare& m) {
    return share("medium", json::value(domain::mediumName(m.medium), sp), m);
  });
  json::array by_language = listOf(s.by_language, sp, [&](const domain::LanguageShare& l) {
    return share("language", l.language ? json::value(*l.language, sp) : json::value(nullptr, sp),
                 l);
  });
  body.emplace("total_minutes_immersed", s.total_minutes);
  body.emplace("minutes_today", s.minutes_today);
  body.emplace("by_medium", std::move(by_medium));
  body.emplace("by_language", std::move(by_language));
  body.emplace("goal_daily_minutes",
               s.goal_daily_minutes ? json::value(*s.goal_daily_minutes) : json::value(nullptr));
  body.emplace("goal_met_today",
               s.goal_met_today ? json::value(*s.goal_met_today) : json::value(nullptr));
  body.emplace("current_streak_days", s.current_streak_days);
  body.emplace("longest_streak_days", s.longest_streak_days);
}

// The progress document, with the trend as kTrendPlaceholder, on the arena `sp`.
json::object progressDocument(const service::ProgressReport& report, const json::storage_ptr& sp) {
  const domain::Progress& p = report.progress;
  auto optional = [&sp](const std::optional<std::string>& s) {
    return s ? json::value(*s, sp) : json::value(nullptr, sp);
  };
  using Fields = std::initializer_list<std::pair<json::string_view, json::value_ref>>;
  auto object = [&sp](Fields fields) { return json::object(fields, sp); };
  json::array daily = listOf(p.daily_activity, sp, [&](const domain::DailyActivity& d) {
    return object({{"days_ago", d.days_ago}, {"minutes_watched", d.minutes_watched}});
  });
  json::array all_time = listOf(p.all_time_progress, sp, [&](const domain::CumulativeProgress& q) {
    return object({{"label", q.label}, {"cumulative_hours", q.cumulative_hours}});
  });
  // In the fields' order of the original's answer (ids and artwork came later).
  json::array shows = listOf(p.shows, sp, [&](const domain::ShowProgress& s) {
    return object({{"show_id", optional(s.show_id)},
                   {"name", optional(s.name)},
                   {"artwork_url", optional(s.artwork_url)},
                   {"episodes_watched", s.episodes_watched}});
  });
  json::array channels = listOf(p.youtube_channels, sp, [&](const domain::ChannelProgress& c) {
    return object({{"channel_id", c.channel_id},
                   {"channel_name", optional(c.channel_name)},
                   {"artwork_url", optional(c.artwork_url)},
                   {"videos_watched", c.videos_watched}});
  });
  json::array spotify = listOf(p.spotify_shows, sp, [&](const domain::SpotifyShowProgress& s) {
    return object({{"show_id", s.show_id},
                   {"show_name", optional(s.show_name)},
                   {"artwork_url", optional(s.artwork_url)},
                   {"episodes_watched", s.episodes_watched}});
  });
  json::array movies = listOf(p.movies, sp, [&](const domain::MovieProgress& m) {
    return object({{"movie_id", m.movie_id},
                   {"name", optional(m.name)},
                   {"artwork_url", optional(m.artwork_url)}});
  });

  json::object body(sp);
  body.reserve(26);
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
  body.emplace("time_zone", report.time_zone);
  addImmersionFields(body, report.immersion, sp);
  return body;
}

std::string progressBody(const service::ProgressReport& report) {
  // One arena for the whole document: a user's lists can hold thousands of small objects.
  json::monotonic_resource arena;
  std::string text = json::serialize(progressDocument(report, json::storage_ptr(&arena)));
  if (const auto& trend = report.progress.weekly_trend_percentage) {
    auto at = text.find(kTrendPlaceholder);
    text.replace(at, kTrendPlaceholder.size(), formatTrend(*trend));
  }
  return text;
}

void getProgress(const Dependencies& deps, const Request&, const auth::Principal& caller,
                 const Respond& respond) {
  service::ProgressReport report = deps.progress.progressOf(caller.username);
  Response response;
  response.body = progressBody(report);
  respond(std::move(response));
}

// The query and limit of a search (?query=&limit=, limit 1-50, default 5), or the 400.
struct SearchParameters {
  std::string_view query;
  std::size_t limit = 5;
};

Result<SearchParameters> searchParameters(const Request& req) {
  SearchParameters p;
  p.query = req.queryParam("query").value_or("");
  if (p.query.empty() || p.query.size() > 200 || !domain::isValidUtf8(p.query)) {
    return invalidRequest("query must be 1-200 bytes of UTF-8");
  }
  if (auto text = req.queryParam("limit")) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), p.limit);
    if (ec != std::errc() || end != text->data() + text->size() || p.limit < 1 || p.limit > 50) {
      return invalidRequest("limit must be an integer from 1 to 50");
    }
  }
  return Result<SearchParameters>::success(p);
}

// A day of the query (?from=2026-11-30), nothing when absent, or the 400.
Result<std::optional<domain::LocalDay>> dayParam(const Request& req, std::string_view name) {
  auto text = req.queryParam(name);
  if (!text) return Result<std::optional<domain::LocalDay>>::success(std::nullopt);
  auto day = domain::parseIsoDate(*text);
  if (!day) return invalidRequest(std::string(name) + " must be a date written YYYY-MM-DD");
  return Result<std::optional<domain::LocalDay>>::success(*day);
}

// ?language=ja: only immersion in that language (or "unknown": without one); all without it.
Result<domain::LanguageFilter> languageParam(const Request& req) {
  auto text = req.queryParam("language");
  if (!text) return Result<domain::LanguageFilter>::success(domain::LanguageFilter::any());
  if (*text == "unknown") {
    return Result<domain::LanguageFilter>::success(domain::LanguageFilter::only(std::nullopt));
  }
  auto tag = domain::languageTag(*text);
  if (!tag) {
    return invalidRequest(
        "language must be a BCP 47 primary language tag such as \"ja\", or \"unknown\"");
  }
  return Result<domain::LanguageFilter>::success(domain::LanguageFilter::only(std::move(tag)));
}

void getActivity(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  auto from = dayParam(req, "from");
  if (!from) return respond(http::failureResponse(from.failure));
  auto to = dayParam(req, "to");
  if (!to) return respond(http::failureResponse(to.failure));
  auto language = languageParam(req);
  if (!language) return respond(http::failureResponse(language.failure));
  auto report = deps.progress.activity(caller.username, *from, *to, *language);
  if (!report) return respond(http::failureResponse(report.failure));
  json::array days;
  days.reserve(report->days.size());
  for (const auto& day : report->days) {
    json::object minutes;
    json::object items;
    std::int64_t seconds = 0;
    for (std::size_t m = 0; m < domain::kMediums; ++m) {
      const domain::MediumTotal& medium = day.mediums[m];
      seconds += medium.seconds;
      if (medium.items == 0 && medium.seconds == 0) continue;
      auto name = domain::mediumName(static_cast<domain::Medium>(m));
      minutes.emplace(name, medium.seconds / 60);
      items.emplace(name, medium.items);
    }
    // Minutes truncated as /progress truncates them: the day's total, and each kind's.
    days.push_back(json::object{{"date", domain::formatIsoDate(day.day)},
                                {"total_minutes", seconds / 60},
                                {"minutes", std::move(minutes)},
                                {"items", std::move(items)}});
  }
  respond(jsonResponse(200, json::object{{"from", domain::formatIsoDate(report->from)},
                                         {"to", domain::formatIsoDate(report->to)},
                                         {"time_zone", report->time_zone},
                                         {"days", std::move(days)}}));
}

void searchTvdb(const Dependencies& deps, const Request& req, const auth::Principal&,
                const Respond& respond) {
  auto search = searchParameters(req);
  if (!search) return respond(http::failureResponse(search.failure));
  std::string_view type = req.queryParam("type").value_or("series");
  if (type != "series" && type != "movie") {
    return respond(errorResponse(400, "type must be \"series\" or \"movie\""));
  }
  auto found = deps.metadata.searchTvdb(search->query, type, search->limit);
  if (!found) return respond(http::failureResponse(found.failure));
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

void searchTmdb(const Dependencies& deps, const Request& req, const auth::Principal&,
                const Respond& respond) {
  auto search = searchParameters(req);
  if (!search) return respond(http::failureResponse(search.failure));
  auto found = deps.metadata.searchTmdb(search->query, search->limit);
  if (!found) return respond(http::failureResponse(found.failure));
  json::array results;
  for (const auto& r : *found.value) {
    results.push_back(json::object{{"tmdb_id", r.tmdb_id},
                                   {"name", r.name},
                                   {"title", r.title},
                                   {"year", jsonOrNull(r.year)},
                                   {"image_url", jsonOrNull(r.image_url)},
                                   {"overview", jsonOrNull(r.overview)}});
  }
  respond(jsonResponse(200, json::object{{"results", std::move(results)}}));
}

void addMovie(const Dependencies& deps, const Request& req, const auth::Principal& caller,
              const Respond& respond) {
  auto parsed = parseAddMovie(req.body);
  if (!parsed) return respond(http::failureResponse(parsed.failure));
  std::int64_t tmdb_id = parsed->tmdb_id;
  deps.sync.addMovie(caller.username, tmdb_id, parsed->watched_on,
                     [respond, tmdb_id](Result<service::AddedMovie> result) {
                       if (!result) return respond(http::failureResponse(result.failure));
                       const service::AddedMovie& added = *result;
                       json::object body{{"added", added.added},
                                         {"movie_id", added.file_name},
                                         {"tmdb_id", tmdb_id}};
                       if (added.movie) {
                         body.emplace("name", added.movie->name);
                         body.emplace("title", added.movie->title);
                         body.emplace("artwork_url", jsonOrNull(added.movie->image));
                         body.emplace("duration_seconds", added.movie->runtime_seconds);
                         body.emplace("watched_on", added.watched_on);
                         body.emplace("watched_at", added.timestamp);
                       }
                       respond(jsonResponse(added.added ? 201 : 200, body));
                     });
}

// ---- one provider-backed request per user ------------------------------------------------

// Lets each user have one request at a time on the provider pool. Such a request holds a
// provider thread for as long as the providers take (up to its time budget, see
// MetadataLimits), so a user sending many at once would take the whole pool, and the
// providers' quotas, while other users' searches and syncs queue behind them. With one each,
// the pool is shared between the users who need it, however many requests any one of them
// sends. A second request while the first runs is answered 429 at once rather than queued:
// waiting would hold a provider thread just the same. Thread-safe.
class ProviderGate : public std::enable_shared_from_this<ProviderGate> {
 public:
  // A user's turn: given back once, when the request answers, or at the latest when nothing
  // can answer it any more (the handler threw, or dropped its answer).
  class Pass {
   public:
    Pass(std::shared_ptr<ProviderGate> gate, std::string user)
        : gate_(std::move(gate)), user_(std::move(user)) {}
    ~Pass() { release(); }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;
    void release() {
      std::lock_guard lock(gate_->mutex_);
      if (released_) return;
      released_ = true;
      gate_->busy_.erase(user_);
    }

   private:
    std::shared_ptr<ProviderGate> gate_;
    std::string user_;
    bool released_ = false;  // under gate_->mutex_
  };

  // `user`'s turn, or nothing while they have a request under way.
  std::shared_ptr<Pass> enter(const std::string& user) {
    {
      std::lock_guard lock(mutex_);
      if (!busy_.insert(user).second) return nullptr;
    }
    return std::make_shared<Pass>(shared_from_this(), user);
  }

  // `inner` behind the gate.
  http::Handler guard(http::Handler inner) {
    return [gate = shared_from_this(), inner = std::move(inner)](
               const Request& r, const auth::Principal& p, Respond respond) {
      auto pass = gate->enter(p.username);
      if (!pass) return respond(busyResponse());
      // The turn ends before the answer is sent, so the client's next request finds it free.
      Respond answer = [pass, respond = std::move(respond)](Response response) {
        pass->release();
        respond(std::move(response));
      };
      try {
        inner(r, p, std::move(answer));
      } catch (...) {  // the router answers it
        pass->release();
        throw;
      }
    };
  }

 private:
  static Response busyResponse() {
    Response r = errorResponse(429,
                               "Another of your requests that may call TVDB, TMDB, YouTube or "
                               "Spotify is still running; send this one once it has answered");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }

  std::mutex mutex_;
  std::unordered_set<std::string> busy_;  // users with a request under way
};

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
  // cannot hold up the others. Listing shows is a short indexed read. Only the syncs take
  // large bodies (the server's max_body_bytes); the rest take a few fields.
  constexpr std::size_t kSyncBody = http::kServerBodyLimit;
  std::vector<http::Route> table = {
      {Method::kGet, "/progress", Access::kUser, Execution::kBlocking, handler(getProgress)},
      {Method::kGet, "/api/activity", Access::kUser, Execution::kBlocking, handler(getActivity)},
      {Method::kGet, "/shows", Access::kUser, Execution::kInline, handler(getShows)},
      {Method::kPost, "/sync", Access::kUser, Execution::kBlocking, handler(syncEpisodes),
       kSyncBody},
      {Method::kPut, "/show", Access::kUser, Execution::kProvider, handler(updateShow)},
      {Method::kPost, "/syncmovies", Access::kUser, Execution::kProvider, handler(syncMovies),
       kSyncBody},
      {Method::kPost, "/syncyoutube", Access::kUser, Execution::kProvider, handler(syncYoutube),
       kSyncBody},
      {Method::kPost, "/syncspotify", Access::kUser, Execution::kProvider, handler(syncSpotify),
       kSyncBody},
      {Method::kGet, "/tvdb/search", Access::kUser, Execution::kProvider, handler(searchTvdb)},
      {Method::kGet, "/tmdb/search", Access::kUser, Execution::kProvider, handler(searchTmdb)},
      {Method::kPost, "/api/movies", Access::kUser, Execution::kProvider, handler(addMovie)},
  };
  // Every route on the provider pool: one request per user at a time (see ProviderGate).
  auto gate = std::make_shared<ProviderGate>();
  for (auto& route : table) {
    if (route.execution == Execution::kProvider) {
      route.handler = gate->guard(std::move(route.handler));
    }
  }
  return table;
}

}  // namespace it::api::immersion
