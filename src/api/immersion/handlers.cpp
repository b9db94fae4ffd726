#include "api/immersion/handlers.hpp"

#include <boost/json/array.hpp>
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
#include "util/json_writer.hpp"

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

// What the answer's strings add up to, with room for the punctuation and numbers around
// each, so that the writer seldom grows its string.
std::size_t sizeOf(const std::optional<std::string>& s) { return s ? s->size() : 4; }

std::size_t progressBodySize(const domain::Progress& p) {
  std::size_t size = 2048;
  for (const auto& q : p.all_time_progress) size += 48 + q.label.size();
  for (const auto& s : p.shows) {
    size += 96 + sizeOf(s.show_id) + sizeOf(s.name) + sizeOf(s.artwork_url);
  }
  for (const auto& c : p.youtube_channels) {
    size += 96 + c.channel_id.size() + sizeOf(c.channel_name) + sizeOf(c.artwork_url);
  }
  for (const auto& s : p.spotify_shows) {
    size += 96 + s.show_id.size() + sizeOf(s.show_name) + sizeOf(s.artwork_url);
  }
  for (const auto& m : p.movies) {
    size += 48 + m.file_name.size() + sizeOf(m.name) + sizeOf(m.artwork_url);
  }
  return size;
}

// The fields of all immersion, synced and logged, that we add to the original's.
void addImmersionFields(JsonWriter& out, const domain::ImmersionSummary& s) {
  auto share = [&out](const domain::ImmersionShare& m) {
    out.field("minutes", m.minutes)
        .field("items", m.items)
        .field("minutes_last_7_days", m.minutes_last_7_days)
        .endObject();
  };
  out.field("total_minutes_immersed", s.total_minutes).field("minutes_today", s.minutes_today);
  out.key("by_medium").beginArray();
  for (const auto& m : s.by_medium) {
    out.beginObject().field("medium", domain::mediumName(m.medium));
    share(m);
  }
  out.endArray().key("by_language").beginArray();
  for (const auto& l : s.by_language) {
    out.beginObject().field("language", l.language);
    share(l);
  }
  out.endArray()
      .field("goal_daily_minutes", s.goal_daily_minutes)
      .field("goal_met_today", s.goal_met_today)
      .field("current_streak_days", s.current_streak_days)
      .field("longest_streak_days", s.longest_streak_days);
}

}  // namespace

std::string progressBody(const service::ProgressReport& report) {
  const domain::Progress& p = report.progress;
  JsonWriter out(progressBodySize(p));
  out.beginObject()
      .field("total_episodes_watched", p.total_episodes_watched)
      .field("total_movies_watched", p.total_movies_watched)
      .field("total_hours_watched", p.total_hours_watched)
      .field("episodes_watched_today", p.episodes_watched_today)
      .field("movies_watched_today", p.movies_watched_today)
      .field("youtube_videos_watched", p.youtube_videos_watched)
      .field("youtube_videos_watched_today", p.youtube_videos_watched_today)
      .field("spotify_episodes_watched", p.spotify_episodes_watched)
      .field("spotify_episodes_watched_today", p.spotify_episodes_watched_today)
      .field("days_since_first_episode", p.days_since_first_episode)
      .key("weekly_trend_percentage");
  // Boost.JSON would write 100.0 as "1E2": the trend is formatted as the original's Java did.
  if (p.weekly_trend_percentage) {
    out.raw(formatTrend(*p.weekly_trend_percentage));
  } else {
    out.value(nullptr);
  }
  out.key("daily_activity").beginArray();
  for (const auto& d : p.daily_activity) {
    out.beginObject()
        .field("days_ago", d.days_ago)
        .field("minutes_watched", d.minutes_watched)
        .endObject();
  }
  out.endArray().key("all_time_progress").beginArray();
  for (const auto& q : p.all_time_progress) {
    out.beginObject()
        .field("label", q.label)
        .field("cumulative_hours", q.cumulative_hours)
        .endObject();
  }
  // In the fields' order of the original's answer (ids and artwork came later).
  out.endArray().key("shows").beginArray();
  for (const auto& s : p.shows) {
    out.beginObject()
        .field("show_id", s.show_id)
        .field("name", s.name)
        .field("artwork_url", s.artwork_url)
        .field("episodes_watched", s.episodes_watched)
        .endObject();
  }
  out.endArray().key("youtube_channels").beginArray();
  for (const auto& c : p.youtube_channels) {
    out.beginObject()
        .field("channel_id", c.channel_id)
        .field("channel_name", c.channel_name)
        .field("artwork_url", c.artwork_url)
        .field("videos_watched", c.videos_watched)
        .endObject();
  }
  out.endArray().key("spotify_shows").beginArray();
  for (const auto& s : p.spotify_shows) {
    out.beginObject()
        .field("show_id", s.show_id)
        .field("show_name", s.show_name)
        .field("artwork_url", s.artwork_url)
        .field("episodes_watched", s.episodes_watched)
        .endObject();
  }
  out.endArray().key("movies").beginArray();
  for (const auto& m : p.movies) {
    out.beginObject()
        .field("movie_id", m.file_name)
        .field("name", m.name)
        .field("artwork_url", m.artwork_url)
        .endObject();
  }
  out.endArray().field("time_zone", report.time_zone);
  addImmersionFields(out, report.immersion);
  out.endObject();
  return out.take();
}

std::string activityBody(const service::ActivityReport& report) {
  JsonWriter out(256 + report.days.size() * 160);
  out.beginObject()
      .field("from", domain::formatIsoDate(report.from))
      .field("to", domain::formatIsoDate(report.to))
      .field("time_zone", report.time_zone)
      .key("days")
      .beginArray();
  for (const auto& day : report.days) {
    std::int64_t seconds = 0;
    for (const domain::MediumTotal& medium : day.mediums) seconds += medium.seconds;
    // Minutes truncated as /progress truncates them: the day's total, and each kind's.
    out.beginObject()
        .field("date", domain::formatIsoDate(day.day))
        .field("total_minutes", seconds / 60);
    for (bool minutes : {true, false}) {
      out.key(minutes ? "minutes" : "items").beginObject();
      for (std::size_t m = 0; m < domain::kMediums; ++m) {
        const domain::MediumTotal& medium = day.mediums[m];
        if (medium.items == 0 && medium.seconds == 0) continue;
        out.field(domain::mediumName(static_cast<domain::Medium>(m)),
                  minutes ? medium.seconds / 60 : medium.items);
      }
      out.endObject();
    }
    out.endObject();
  }
  out.endArray().endObject();
  return out.take();
}

namespace {

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
  Response response;
  response.body = activityBody(*report);
  respond(std::move(response));
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

// The trend as Java's Double.toString would print the common cases ("100.0", "-12.5",
// "122.22222222222223"): shortest round-trip digits, with ".0" on whole numbers.
std::string formatTrend(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  std::string text(buf, ec == std::errc() ? end : buf);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

}  // namespace it::api::immersion
