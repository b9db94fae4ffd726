#include "fakes/fake_providers.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "fakes/loopback_server.hpp"
#include "util/encoding.hpp"

namespace it::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace json = boost::json;
using tcp = net::ip::tcp;

constexpr const char* kJson = "application/json; charset=utf-8";

struct Series {
  std::string name;
  std::optional<std::string> image;
  std::optional<int> runtime_minutes;
};

struct TmdbMovie {
  std::string original_title;
  std::string title;
  std::optional<std::string> poster_path;
  std::optional<int> runtime_minutes;
  std::string release_date;
  std::string overview;
};

struct Video {
  std::string title;
  std::string channel_id;
  std::string channel_title;
  std::string duration;
  std::optional<std::string> audio_language;  // snippet.defaultAudioLanguage, when any
};

struct Episode {
  std::string name;
  std::int64_t duration_ms = 0;
  std::string show_id;
  std::string show_name;
  std::string release_date;
  std::string precision;
  bool unavailable = false;  // listed as null in its show's pages
};

struct InjectedFailure {
  std::string path_prefix;
  int status = 500;
  std::string body;
  int times = 0;
  std::optional<int> retry_after_seconds;
};

using Reply = HttpReply;

Reply jsonReply(int status, const json::value& body) {
  return Reply{status, json::serialize(body), kJson};
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool allDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

bool allAlnum(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
  });
}

std::string slug(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

json::value stringOrNull(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::object tvdbFailure(std::string_view message) {
  return {{"status", "failure"}, {"message", message}, {"data", nullptr}};
}

json::object tmdbError(int status_code, std::string_view message) {
  return {{"success", false}, {"status_code", status_code}, {"status_message", message}};
}

json::object googleError(int code, std::string_view message, std::string_view domain,
                         std::string_view reason, std::optional<std::string_view> detail_reason) {
  json::object error{
      {"code", code},
      {"message", message},
      {"errors",
       json::array{json::object{{"message", message}, {"domain", domain}, {"reason", reason}}}}};
  if (detail_reason) {
    error["status"] = "INVALID_ARGUMENT";
    error["details"] = json::array{
        json::object{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
                     {"reason", *detail_reason},
                     {"domain", "googleapis.com"},
                     {"metadata", json::object{{"service", "youtube.googleapis.com"}}}}};
  }
  return {{"error", std::move(error)}};
}

json::object spotifyError(int status, std::string_view message) {
  return {{"error", json::object{{"status", status}, {"message", message}}}};
}

}  // namespace

struct FakeProviders::Impl {
  using Request = http::request<http::string_body>;

  // Data, injected behaviour and the request log.
  mutable std::mutex mutex;
  std::condition_variable stop_cv;  // wakes delayed handlers when the fake shuts down
  bool stopping = false;
  std::map<std::int64_t, Series> series;
  std::map<std::int64_t, Series> movies;
  std::map<std::int64_t, TmdbMovie> tmdb_movies;
  std::map<std::string, Video> videos;
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> channels;
  std::map<std::string, Episode> episodes;
  std::vector<InjectedFailure> failures;
  std::vector<std::pair<std::string, std::chrono::milliseconds>> delays;
  std::set<std::string> tvdb_tokens;
  std::set<std::string> spotify_tokens;
  std::set<std::string> expired_tokens;
  int next_token = 1;
  std::vector<std::pair<std::string, std::string>> requests;  // path, target
  std::atomic<bool> close_connections{false};

  // Last: stopped (its threads joined) before the members they use go.
  LoopbackServer server{[this](tcp::socket& socket) {
    serveHttp(socket, 1 << 20, "fake-providers", [this](const Request& request, tcp::socket&) {
      Reply reply = handle(request);
      reply.close = close_connections;
      return std::optional<Reply>(std::move(reply));
    });
  }};

  ~Impl() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    stop_cv.notify_all();
    server.stop();
  }

  Reply handle(const Request& request) {
    std::string target(request.target());
    std::string raw_path = target.substr(0, target.find('?'));
    std::optional<std::chrono::milliseconds> delay;
    std::optional<Reply> injected;
    {
      std::lock_guard lock(mutex);
      requests.emplace_back(raw_path, target);
      for (const auto& [prefix, d] : delays) {
        if (raw_path.starts_with(prefix)) delay = d;
      }
    }
    if (delay) {
      std::unique_lock lock(mutex);
      if (stop_cv.wait_for(lock, *delay, [this] { return stopping; })) {
        return Reply{503, "shutting down", "text/plain"};
      }
    }
    {
      std::lock_guard lock(mutex);
      for (auto it = failures.begin(); it != failures.end(); ++it) {
        if (!raw_path.starts_with(it->path_prefix)) continue;
        injected = Reply{it->status, it->body, kJson, {}};
        if (it->retry_after_seconds) {
          injected->headers.emplace_back("Retry-After", std::to_string(*it->retry_after_seconds));
        }
        if (--it->times <= 0) failures.erase(it);
        break;
      }
    }
    if (injected) return *injected;

    auto url = boost::urls::parse_origin_form(target);
    if (!url) return Reply{400, "bad request target", "text/plain"};
    std::string path = url->path();  // percent-decoded
    auto param = [&](std::string_view key) -> std::optional<std::string> {
      auto it = url->params().find(key);
      if (it == url->params().end()) return std::nullopt;
      return std::string((*it).value);
    };
    bool get = request.method() == http::verb::get;
    bool post = request.method() == http::verb::post;

    if (post && path == "/v4/login") return tvdbLogin(request);
    if (get && path.starts_with("/v4/series/")) {
      return tvdbRecord(request, "series", path.substr(std::string_view("/v4/series/").size()));
    }
    if (get && path.starts_with("/v4/movies/")) {
      return tvdbRecord(request, "movie", path.substr(std::string_view("/v4/movies/").size()));
    }
    if (get && path == "/v4/search") {
      return tvdbSearch(request, param("query").value_or(param("q").value_or("")),
                        param("type").value_or(""), param("limit"));
    }
    if (get && path.starts_with("/3/movie/")) {
      return tmdbMovie(request, path.substr(std::string_view("/3/movie/").size()));
    }
    if (get && path == "/3/search/movie") return tmdbSearch(request, param("query").value_or(""));
    if (get && path == "/youtube/v3/videos") {
      return youtubeVideos(param("key"), param("part"), param("id"));
    }
    if (get && path == "/youtube/v3/channels") {
      return youtubeChannels(param("key"), param("part"), param("id"));
    }
    if (post && path == "/api/token") return spotifyToken(request);
    if (get && path.starts_with("/v1/shows/") && path.ends_with("/episodes")) {
      std::string_view rest = std::string_view(path).substr(std::string_view("/v1/shows/").size());
      return spotifyShowEpisodes(request, std::string(rest.substr(0, rest.find('/'))),
                                 param("market"), param("offset"), param("limit"));
    }
    if (get && path.starts_with("/v1/episodes/")) {
      return spotifyEpisode(request, path.substr(std::string_view("/v1/episodes/").size()),
                            param("market"));
    }
    return Reply{404, "Not Found", "text/plain"};
  }

  // The token after "Bearer ", if the request has one that is in `valid`.
  std::optional<std::string> bearer(const Request& request, const std::set<std::string>& valid,
                                    bool& expired) {
    auto it = request.find(http::field::authorization);
    expired = false;
    if (it == request.end()) return std::nullopt;
    std::string_view value = it->value();
    if (!value.starts_with("Bearer ")) return std::nullopt;
    std::string token(value.substr(7));
    std::lock_guard lock(mutex);
    if (valid.contains(token)) return token;
    expired = expired_tokens.contains(token);
    return std::nullopt;
  }

  std::string newToken(std::string_view kind, std::set<std::string>& into) {
    std::lock_guard lock(mutex);
    std::string token = std::string(kind) + "-token-" + std::to_string(next_token++);
    into.insert(token);
    return token;
  }

  Reply tvdbLogin(const Request& request) {
    boost::system::error_code ec;
    json::value body = json::parse(request.body(), ec);
    if (ec || !body.is_object()) {
      return jsonReply(400, tvdbFailure("InvalidValueType: body is not a JSON object"));
    }
    const json::object& o = body.get_object();
    auto* apikey = o.if_contains("apikey");
    if (auto* pin = o.if_contains("pin");
        pin != nullptr && (!pin->is_string() || pin->get_string().empty())) {
      return jsonReply(400, tvdbFailure("InvalidValueType: pin required"));
    }
    if (apikey == nullptr || !apikey->is_string() || apikey->get_string() != kTvdbApiKey) {
      return jsonReply(401, tvdbFailure("Unauthorized"));
    }
    std::string token = newToken("tvdb", tvdb_tokens);
    return jsonReply(200,
                     json::object{{"status", "success"}, {"data", json::object{{"token", token}}}});
  }

  Reply tvdbRecord(const Request& request, std::string_view kind, std::string_view id_text) {
    bool expired = false;
    if (!bearer(request, tvdb_tokens, expired)) return jsonReply(401, tvdbFailure("Unauthorized"));
    if (!allDigits(id_text) || id_text.size() > 15) {
      return jsonReply(400, tvdbFailure(kind == "series" ? "InvalidValueType: Invalid series id"
                                                         : "InvalidValueType: Invalid movie id"));
    }
    std::int64_t id = std::stoll(std::string(id_text));
    std::optional<Series> record;
    {
      std::lock_guard lock(mutex);
      auto& table = kind == "series" ? series : movies;
      if (auto it = table.find(id); it != table.end()) record = it->second;
    }
    if (!record) return jsonReply(404, tvdbFailure("NotFoundException: error fetching "));
    json::value runtime =
        record->runtime_minutes ? json::value(*record->runtime_minutes) : json::value(nullptr);
    json::object data{
        {"id", id},
        {"name", record->name},
        {"slug", slug(record->name)},
        {"image", stringOrNull(record->image)},
        {"nameTranslations", json::array{"eng", "jpn"}},
        {"overviewTranslations", json::array{"eng"}},
        {"aliases", json::array{json::object{{"language", "eng"}, {"name", record->name}}}},
        {"score", 12345},
        {"lastUpdated", "2024-01-01 00:00:00"},
        {"year", "2020"},
        {"originalCountry", "jpn"},
        {"originalLanguage", "jpn"},
    };
    if (kind == "series") {
      data["firstAired"] = "2020-04-01";
      data["lastAired"] = "2020-06-24";
      data["nextAired"] = "";
      data["averageRuntime"] = runtime;
      data["defaultSeasonType"] = 1;
      data["isOrderRandomized"] = false;
      data["episodes"] = nullptr;
      data["status"] = json::object{
          {"id", 2}, {"name", "Ended"}, {"recordType", "series"}, {"keepUpdated", false}};
    } else {
      data["runtime"] = runtime;
      data["status"] = json::object{
          {"id", 5}, {"name", "Released"}, {"recordType", "movie"}, {"keepUpdated", false}};
    }
    return jsonReply(200, json::object{{"status", "success"}, {"data", std::move(data)}});
  }

  Reply tvdbSearch(const Request& request, const std::string& query, const std::string& type,
                   const std::optional<std::string>& limit_text) {
    bool expired = false;
    if (!bearer(request, tvdb_tokens, expired)) return jsonReply(401, tvdbFailure("Unauthorized"));
    std::size_t limit = 50;
    if (limit_text) {
      if (!allDigits(*limit_text) || limit_text->size() > 6) {
        return jsonReply(400, tvdbFailure("InvalidValueType: limit"));
      }
      limit = std::stoul(*limit_text);
      if (limit > 5000) return jsonReply(400, tvdbFailure("Max results overflow"));
    }
    std::string needle = lower(query);
    json::array data;
    auto add = [&](std::string_view kind, std::int64_t id, const Series& record) {
      if (data.size() >= limit) return;
      if (!type.empty() && type != kind) return;
      if (lower(record.name).find(needle) == std::string::npos) return;
      std::string prefixed = std::string(kind) + "-" + std::to_string(id);
      json::object hit{
          {"objectID", prefixed},
          {"id", prefixed},
          {"tvdb_id", std::to_string(id)},
          {"type", kind},
          {"name", record.name},
          {"slug", slug(record.name)},
          {"year", "2020"},
          {"primary_language", "jpn"},
          {"country", "jpn"},
          {"status", kind == "series" ? "Ended" : "Released"},
          {"overview", nullptr},
          {"image_url", stringOrNull(record.image)},
          {"translations", json::object{{"eng", record.name}}},
          {"is_official", true},
      };
      data.push_back(std::move(hit));
    };
    {
      std::lock_guard lock(mutex);
      for (const auto& [id, record] : series) add("series", id, record);
      for (const auto& [id, record] : movies) add("movie", id, record);
    }
    std::size_t count = data.size();
    return jsonReply(200, json::object{{"status", "success"},
                                       {"data", std::move(data)},
                                       {"links", json::object{{"prev", nullptr},
                                                              {"self", "/v4/search?page=0"},
                                                              {"next", nullptr},
                                                              {"total_items", count},
                                                              {"page_size", 50}}}});
  }

  // TMDB's answer when the read access token is missing or wrong; nothing when it will do.
  static std::optional<Reply> tmdbRefusal(const Request& request) {
    auto it = request.find(http::field::authorization);
    if (it != request.end() && it->value() == std::string("Bearer ") + kTmdbReadAccessToken) {
      return std::nullopt;
    }
    return jsonReply(401, tmdbError(7, "Invalid API key: You must be granted a valid key."));
  }

  // GET /3/movie/{id}: the full movie object, as TMDB sends it.
  Reply tmdbMovie(const Request& request, std::string_view id_text) {
    if (auto refused = tmdbRefusal(request)) return *refused;
    if (!allDigits(id_text) || id_text.size() > 15) {
      return jsonReply(404,
                       tmdbError(6, "Invalid id: The pre-requisite id is invalid or not found."));
    }
    std::int64_t id = std::stoll(std::string(id_text));
    std::optional<TmdbMovie> found;
    {
      std::lock_guard lock(mutex);
      if (auto it = tmdb_movies.find(id); it != tmdb_movies.end()) found = it->second;
    }
    if (!found) {
      return jsonReply(404, tmdbError(34, "The resource you requested could not be found."));
    }
    const TmdbMovie& m = *found;
    char imdb_id[16];
    std::snprintf(imdb_id, sizeof imdb_id, "tt%07lld", static_cast<long long>(id % 10'000'000));
    json::object body{
        {"adult", false},
        {"backdrop_path", "/backdrop-" + std::to_string(id) + ".jpg"},
        {"belongs_to_collection", nullptr},
        {"budget", 0},
        {"genres", json::array{json::object{{"id", 16}, {"name", "Animation"}},
                               json::object{{"id", 18}, {"name", "Drama"}}}},
        {"homepage", ""},
        {"id", id},
        {"imdb_id", imdb_id},
        {"origin_country", json::array{"JP"}},
        {"original_language", "ja"},
        {"original_title", m.original_title},
        {"overview", m.overview},
        {"popularity", 42.5},
        {"poster_path", stringOrNull(m.poster_path)},
        {"production_companies", json::array{}},
        {"production_countries",
         json::array{json::object{{"iso_3166_1", "JP"}, {"name", "Japan"}}}},
        {"release_date", m.release_date},
        {"revenue", 0},
        {"runtime", m.runtime_minutes ? json::value(*m.runtime_minutes) : json::value(nullptr)},
        {"spoken_languages",
         json::array{
             json::object{{"english_name", "Japanese"}, {"iso_639_1", "ja"}, {"name", "日本語"}}}},
        {"status", "Released"},
        {"tagline", ""},
        {"title", m.title},
        {"video", false},
        {"vote_average", 8.5},
        {"vote_count", 1000},
    };
    return jsonReply(200, body);
  }

  // GET /3/search/movie: the first page (20 results) of the movies whose title or original
  // title contains the query, any case. TMDB answers a missing or empty query with no results.
  Reply tmdbSearch(const Request& request, const std::string& query) {
    if (auto refused = tmdbRefusal(request)) return *refused;
    constexpr std::size_t kPageSize = 20;
    std::string needle = lower(query);
    json::array results;
    std::size_t total = 0;
    if (!needle.empty()) {
      std::lock_guard lock(mutex);
      for (const auto& [id, m] : tmdb_movies) {
        if (lower(m.title).find(needle) == std::string::npos &&
            lower(m.original_title).find(needle) == std::string::npos) {
          continue;
        }
        if (++total > kPageSize) continue;
        results.push_back(json::object{
            {"adult", false},
            {"backdrop_path", "/backdrop-" + std::to_string(id) + ".jpg"},
            {"genre_ids", json::array{16, 18}},
            {"id", id},
            {"original_language", "ja"},
            {"original_title", m.original_title},
            {"overview", m.overview},
            {"popularity", 42.5},
            {"poster_path", stringOrNull(m.poster_path)},
            {"release_date", m.release_date},
            {"title", m.title},
            {"video", false},
            {"vote_average", 8.5},
            {"vote_count", 1000},
        });
      }
    }
    std::size_t pages = std::max<std::size_t>(1, (total + kPageSize - 1) / kPageSize);
    return jsonReply(200, json::object{{"page", 1},
                                       {"results", std::move(results)},
                                       {"total_pages", pages},
                                       {"total_results", total}});
  }

  // channels.list?part=snippet: the known ones among the ids, each with its thumbnails.
  Reply youtubeChannels(const std::optional<std::string>& key,
                        const std::optional<std::string>& part,
                        const std::optional<std::string>& id_list) {
    if (!key || *key != kYoutubeApiKey) {
      return jsonReply(400, googleError(400, "API key not valid. Please pass a valid API key.",
                                        "global", "badRequest", "API_KEY_INVALID"));
    }
    if (!part || part->find("snippet") == std::string::npos || !id_list) {
      return jsonReply(400, googleError(400, "'part' is a required parameter.", "youtube.parameter",
                                        "required", std::nullopt));
    }
    json::array items;
    std::lock_guard lock(mutex);
    std::size_t start = 0;
    for (;;) {
      std::size_t comma = id_list->find(',', start);
      std::string id =
          id_list->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (auto it = channels.find(id); it != channels.end()) {
        json::object thumbnails;
        for (const auto& size : it->second.second) {
          thumbnails[size] =
              json::object{{"url", "https://yt3.ggpht.com/" + id + "-" + size}, {"width", 88}};
        }
        items.push_back(
            json::object{{"kind", "youtube#channel"},
                         {"id", id},
                         {"snippet", json::object{{"title", it->second.first},
                                                  {"description", "A channel."},
                                                  {"thumbnails", std::move(thumbnails)}}}});
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return jsonReply(
        200, json::object{{"kind", "youtube#channelListResponse"}, {"items", std::move(items)}});
  }

  Reply youtubeVideos(const std::optional<std::string>& key, const std::optional<std::string>& part,
                      const std::optional<std::string>& id_list) {
    if (!key || *key != kYoutubeApiKey) {
      return jsonReply(400, googleError(400, "API key not valid. Please pass a valid API key.",
                                        "global", "badRequest", "API_KEY_INVALID"));
    }
    if (!part || part->empty()) {
      return jsonReply(400, googleError(400, "'part' is a required parameter.", "youtube.parameter",
                                        "required", std::nullopt));
    }
    if (!id_list) {
      return jsonReply(400,
                       googleError(400, "No filter selected. Expected one of: id, chart.",
                                   "youtube.parameter", "missingRequiredParameter", std::nullopt));
    }
    std::vector<std::string> ids;
    for (std::size_t start = 0;;) {
      std::size_t comma = id_list->find(',', start);
      std::string id =
          id_list->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (ids.size() > 50) {
      return jsonReply(400, googleError(400, "The request specifies an invalid filter parameter.",
                                        "youtube.parameter", "invalidFilters", std::nullopt));
    }
    bool snippet = part->find("snippet") != std::string::npos;
    bool details = part->find("contentDetails") != std::string::npos;
    json::array items;
    std::lock_guard lock(mutex);
    for (const auto& id : ids) {
      auto it = videos.find(id);
      if (it == videos.end()) continue;  // unknown, private and deleted ids are simply left out
      const Video& v = it->second;
      json::object item{{"kind", "youtube#video"}, {"etag", "etag-" + id}, {"id", id}};
      if (snippet) {
        auto thumbnail = [&](std::string_view file, int width, int height) {
          return json::object{{"url", "https://i.ytimg.com/vi/" + id + "/" + std::string(file)},
                              {"width", width},
                              {"height", height}};
        };
        item["snippet"] = json::object{
            {"publishedAt", "2024-05-01T09:00:00Z"},
            {"channelId", v.channel_id},
            {"title", v.title},
            {"description", "A video."},
            {"thumbnails", json::object{{"default", thumbnail("default.jpg", 120, 90)},
                                        {"medium", thumbnail("mqdefault.jpg", 320, 180)},
                                        {"high", thumbnail("hqdefault.jpg", 480, 360)}}},
            {"channelTitle", v.channel_title},
            {"tags", json::array{"japanese"}},
            {"categoryId", "27"},
            {"liveBroadcastContent", v.duration == "P0D" ? "live" : "none"},
            {"localized", json::object{{"title", v.title}, {"description", "A video."}}},
        };
        if (v.audio_language) {
          item["snippet"].as_object()["defaultAudioLanguage"] = *v.audio_language;
        }
      }
      if (details) {
        item["contentDetails"] = json::object{
            {"duration", v.duration},      {"dimension", "2d"},
            {"definition", "hd"},          {"caption", "false"},
            {"licensedContent", true},     {"contentRating", json::object{}},
            {"projection", "rectangular"},
        };
      }
      items.push_back(std::move(item));
    }
    std::size_t count = items.size();
    return jsonReply(
        200, json::object{
                 {"kind", "youtube#videoListResponse"},
                 {"etag", "list-etag"},
                 {"items", std::move(items)},
                 {"pageInfo", json::object{{"totalResults", count}, {"resultsPerPage", count}}},
             });
  }

  Reply spotifyToken(const Request& request) {
    auto invalidClient = [] {
      return jsonReply(
          400, json::object{{"error", "invalid_client"}, {"error_description", "Invalid client"}});
    };
    auto auth = request.find(http::field::authorization);
    if (auth == request.end() || !auth->value().starts_with("Basic ")) return invalidClient();
    auto credentials = base64Decode(auth->value().substr(6));
    if (!credentials ||
        *credentials != std::string(kSpotifyClientId) + ":" + kSpotifyClientSecret) {
      return invalidClient();
    }
    auto type = request.find(http::field::content_type);
    bool form =
        type != request.end() && type->value().starts_with("application/x-www-form-urlencoded");
    if (!form || request.body() != "grant_type=client_credentials") {
      return jsonReply(400, json::object{{"error", "unsupported_grant_type"},
                                         {"error_description", "grant_type parameter is missing"}});
    }
    std::string token = newToken("spotify", spotify_tokens);
    return jsonReply(
        200, json::object{{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", 3600}});
  }

  // Spotify's answer when the token, the id or the market will not do; nothing when they will.
  std::optional<Reply> spotifyRefusal(const Request& request, const std::string& id,
                                      const std::optional<std::string>& market) {
    bool expired = false;
    if (!bearer(request, spotify_tokens, expired)) {
      return jsonReply(
          401, spotifyError(401, expired ? "The access token expired" : "Invalid access token"));
    }
    if (!allAlnum(id)) return jsonReply(400, spotifyError(400, "invalid id"));
    // As on the real API: without a market, client-credentials callers see nothing.
    if (!market || market->empty()) return jsonReply(404, spotifyError(404, "non existing id"));
    return std::nullopt;
  }

  Reply spotifyEpisode(const Request& request, const std::string& id,
                       const std::optional<std::string>& market) {
    if (auto refused = spotifyRefusal(request, id, market)) return *refused;
    std::optional<Episode> episode;
    {
      std::lock_guard lock(mutex);
      if (auto it = episodes.find(id); it != episodes.end()) episode = it->second;
    }
    if (!episode || episode->unavailable) {
      return jsonReply(404, spotifyError(404, "non existing id"));
    }
    const Episode& e = *episode;
    auto images = [](std::string_view seed) {
      json::array out;
      for (int size : {640, 300, 64}) {
        out.push_back(json::object{
            {"url", "https://i.scdn.co/image/" + std::string(seed) + "-" + std::to_string(size)},
            {"height", size},
            {"width", size}});
      }
      return out;
    };
    json::object show{
        {"id", e.show_id},
        {"type", "show"},
        {"uri", "spotify:show:" + e.show_id},
        {"href", "https://api.spotify.com/v1/shows/" + e.show_id},
        {"external_urls", json::object{{"spotify", "https://open.spotify.com/show/" + e.show_id}}},
        {"name", e.show_name},
        {"description", "A show."},
        {"html_description", "<p>A show.</p>"},
        {"explicit", false},
        {"is_externally_hosted", false},
        {"languages", json::array{"ja"}},
        {"media_type", "audio"},
        {"total_episodes", 250},
        {"copyrights", json::array{}},
        {"images", images(e.show_id)},
    };
    json::object body{
        {"id", id},
        {"type", "episode"},
        {"uri", "spotify:episode:" + id},
        {"href", "https://api.spotify.com/v1/episodes/" + id},
        {"external_urls", json::object{{"spotify", "https://open.spotify.com/episode/" + id}}},
        {"name", e.name},
        {"description", "An episode."},
        {"html_description", "<p>An episode.</p>"},
        {"duration_ms", e.duration_ms},
        {"explicit", false},
        {"is_externally_hosted", false},
        {"is_playable", true},
        {"language", "ja"},
        {"languages", json::array{"ja"}},
        {"release_date", e.release_date},
        {"release_date_precision", e.precision},
        {"audio_preview_url", nullptr},
        {"images", images(id)},
        {"show", std::move(show)},
    };
    return jsonReply(200, body);
  }

  // A show's episodes, newest first, as Spotify pages them: simplified episode objects (no
  // show), null for unavailable ones, `next` naming the following page or null.
  Reply spotifyShowEpisodes(const Request& request, const std::string& show_id,
                            const std::optional<std::string>& market,
                            const std::optional<std::string>& offset_text,
                            const std::optional<std::string>& limit_text) {
    if (auto refused = spotifyRefusal(request, show_id, market)) return *refused;
    std::size_t offset = offset_text ? std::stoul(*offset_text) : 0;
    std::size_t limit = limit_text ? std::stoul(*limit_text) : 20;
    if (limit < 1 || limit > 50) return jsonReply(400, spotifyError(400, "Invalid limit"));
    std::vector<std::pair<std::string, Episode>> listed;
    {
      std::lock_guard lock(mutex);
      for (const auto& [id, e] : episodes) {
        if (e.show_id == show_id) listed.emplace_back(id, e);
      }
    }
    if (listed.empty()) return jsonReply(404, spotifyError(404, "non existing id"));
    std::stable_sort(listed.begin(), listed.end(), [](const auto& a, const auto& b) {
      return a.second.release_date > b.second.release_date;
    });
    json::array items;
    for (std::size_t i = offset; i < listed.size() && i < offset + limit; ++i) {
      const auto& [id, e] = listed[i];
      if (e.unavailable) {
        items.push_back(nullptr);
        continue;
      }
      items.push_back(json::object{
          {"id", id},
          {"type", "episode"},
          {"uri", "spotify:episode:" + id},
          {"name", e.name},
          {"description", "An episode."},
          {"duration_ms", e.duration_ms},
          {"explicit", false},
          {"is_playable", true},
          {"languages", json::array{"ja"}},
          {"release_date", e.release_date},
          {"release_date_precision", e.precision},
          {"images", json::array{}},
      });
    }
    std::string self =
        "http://127.0.0.1:" + std::to_string(server.port()) + "/v1/shows/" + show_id + "/episodes";
    auto page = [&](std::size_t at) {
      return self + "?offset=" + std::to_string(at) + "&limit=" + std::to_string(limit) +
             "&market=" + *market;
    };
    bool more = offset + limit < listed.size();
    return jsonReply(200, json::object{{"href", page(offset)},
                                       {"items", std::move(items)},
                                       {"limit", limit},
                                       {"next", more ? json::value(page(offset + limit)) : nullptr},
                                       {"offset", offset},
                                       {"previous", nullptr},
                                       {"total", listed.size()}});
  }
};

FakeProviders::FakeProviders() : impl_(std::make_unique<Impl>()) {}

FakeProviders::~FakeProviders() = default;

std::string FakeProviders::baseUrl() const {
  return "http://127.0.0.1:" + std::to_string(impl_->server.port());
}

providers::ProviderSettings FakeProviders::settings() const {
  providers::ProviderSettings s;
  s.tvdb_base_url = baseUrl();
  s.tmdb_base_url = baseUrl();
  s.youtube_base_url = baseUrl();
  s.spotify_api_base_url = baseUrl();
  s.spotify_accounts_base_url = baseUrl();
  s.tvdb_api_key = kTvdbApiKey;
  s.tmdb_read_access_token = kTmdbReadAccessToken;
  s.youtube_api_key = kYoutubeApiKey;
  s.spotify_client_id = kSpotifyClientId;
  s.spotify_client_secret = kSpotifyClientSecret;
  s.retry.max_attempts = 3;
  s.retry.initial_backoff = std::chrono::milliseconds(1);
  s.retry.max_backoff = std::chrono::milliseconds(5);
  s.retry.max_retry_after = std::chrono::milliseconds(50);
  return s;
}

std::vector<std::pair<std::string, std::string>> FakeProviders::environment() const {
  return {
      {"IMMERSION_TRACKER_TVDB_BASE_URL", baseUrl()},
      {"IMMERSION_TRACKER_YOUTUBE_BASE_URL", baseUrl()},
      {"IMMERSION_TRACKER_SPOTIFY_API_BASE_URL", baseUrl()},
      {"IMMERSION_TRACKER_SPOTIFY_ACCOUNTS_BASE_URL", baseUrl()},
      {"IMMERSION_TRACKER_TVDB_API_KEY", kTvdbApiKey},
      {"IMMERSION_TRACKER_YOUTUBE_API_KEY", kYoutubeApiKey},
      {"IMMERSION_TRACKER_SPOTIFY_CLIENT_ID", kSpotifyClientId},
      {"IMMERSION_TRACKER_SPOTIFY_CLIENT_SECRET", kSpotifyClientSecret},
  };
}

std::vector<std::pair<std::string, std::string>> FakeProviders::tmdbEnvironment() const {
  return {
      {"IMMERSION_TRACKER_TMDB_BASE_URL", baseUrl()},
      {"IMMERSION_TRACKER_TMDB_READ_ACCESS_TOKEN", kTmdbReadAccessToken},
  };
}

void FakeProviders::addSeries(std::int64_t id, std::string name, std::optional<std::string> image,
                              std::optional<int> average_runtime_minutes) {
  std::lock_guard lock(impl_->mutex);
  impl_->series[id] = Series{std::move(name), std::move(image), average_runtime_minutes};
}

void FakeProviders::addMovie(std::int64_t id, std::string name, std::optional<std::string> image,
                             std::optional<int> runtime_minutes) {
  std::lock_guard lock(impl_->mutex);
  impl_->movies[id] = Series{std::move(name), std::move(image), runtime_minutes};
}

void FakeProviders::addTmdbMovie(std::int64_t id, std::string original_title, std::string title,
                                 std::optional<std::string> poster_path,
                                 std::optional<int> runtime_minutes, std::string release_date,
                                 std::string overview) {
  std::lock_guard lock(impl_->mutex);
  impl_->tmdb_movies[id] =
      TmdbMovie{std::move(original_title), std::move(title),        std::move(poster_path),
                runtime_minutes,           std::move(release_date), std::move(overview)};
}

void FakeProviders::addVideo(std::string id, std::string title, std::string channel_id,
                             std::string channel_title, std::string iso_duration,
                             std::optional<std::string> audio_language) {
  std::lock_guard lock(impl_->mutex);
  impl_->videos[std::move(id)] =
      Video{std::move(title), std::move(channel_id), std::move(channel_title),
            std::move(iso_duration), std::move(audio_language)};
}

void FakeProviders::addChannel(std::string id, std::string title,
                               std::vector<std::string> thumbnail_sizes) {
  std::lock_guard lock(impl_->mutex);
  impl_->channels[std::move(id)] = {std::move(title), std::move(thumbnail_sizes)};
}

void FakeProviders::addSpotifyEpisode(std::string id, std::string name, std::int64_t duration_ms,
                                      std::string show_id, std::string show_name,
                                      std::string release_date, std::string precision) {
  std::lock_guard lock(impl_->mutex);
  impl_->episodes[std::move(id)] = Episode{std::move(name),         duration_ms,
                                           std::move(show_id),      std::move(show_name),
                                           std::move(release_date), std::move(precision)};
}

void FakeProviders::addUnavailableSpotifyEpisode(std::string show_id, std::string release_date) {
  std::lock_guard lock(impl_->mutex);
  std::string id = "Unavailable" + std::to_string(impl_->episodes.size());
  id.resize(22, '0');
  impl_->episodes[id] =
      Episode{"", 0, std::move(show_id), "", std::move(release_date), "day", true};
}

void FakeProviders::failNext(std::string path_prefix, int status, std::string body, int times,
                             std::optional<int> retry_after_seconds) {
  if (times <= 0) return;
  std::lock_guard lock(impl_->mutex);
  impl_->failures.push_back(
      InjectedFailure{std::move(path_prefix), status, std::move(body), times, retry_after_seconds});
}

void FakeProviders::setDelay(std::string path_prefix, std::chrono::milliseconds delay) {
  std::lock_guard lock(impl_->mutex);
  impl_->delays.emplace_back(std::move(path_prefix), delay);
}

void FakeProviders::expireTokens() {
  std::lock_guard lock(impl_->mutex);
  for (const auto& t : impl_->tvdb_tokens) impl_->expired_tokens.insert(t);
  for (const auto& t : impl_->spotify_tokens) impl_->expired_tokens.insert(t);
  impl_->tvdb_tokens.clear();
  impl_->spotify_tokens.clear();
}

void FakeProviders::closeEveryConnection(bool close) { impl_->close_connections = close; }

int FakeProviders::connectionCount() const {
  return static_cast<int>(impl_->server.acceptedConnections());
}

int FakeProviders::requestCount(std::string_view path_prefix) const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<int>(
      std::count_if(impl_->requests.begin(), impl_->requests.end(),
                    [&](const auto& r) { return r.first.starts_with(path_prefix); }));
}

std::vector<std::string> FakeProviders::requestTargets(std::string_view path_prefix) const {
  std::lock_guard lock(impl_->mutex);
  std::vector<std::string> out;
  for (const auto& [path, target] : impl_->requests) {
    if (path.starts_with(path_prefix)) out.push_back(target);
  }
  return out;
}

}  // namespace it::test
