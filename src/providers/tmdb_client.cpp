#include <boost/json.hpp>
#include <cstdint>
#include <optional>

#include "domain/language.hpp"
#include "providers/metadata_clients.hpp"
#include "util/encoding.hpp"
#include "util/json.hpp"

namespace it::providers {
namespace {

namespace json = boost::json;

// TMDB's status_code for "The resource you requested could not be found." and for "Invalid id:
// The pre-requisite id is invalid or not found.": both mean there is no such movie.
constexpr std::int64_t kStatusNotFound = 34;
constexpr std::int64_t kStatusInvalidId = 6;

// TMDB's error body: {"success": false, "status_code": 34, "status_message": "..."}.
struct TmdbError {
  std::optional<std::int64_t> status_code;
  std::string message;  // status_message, else "HTTP <status>"
};

TmdbError tmdbError(const net::OutboundResponse& response) {
  TmdbError error;
  if (auto v = parseJson(response.body); v && v->is_object()) {
    error.status_code = integerAt(v->get_object(), "status_code");
    error.message = stringAt(v->get_object(), "status_message").value_or("");
  }
  if (error.message.empty()) error.message = "HTTP " + std::to_string(response.status);
  return error;
}

// A string member that is present and not empty (TMDB sends "" and null for "none").
std::optional<std::string> nonEmptyAt(const json::object& o, std::string_view key) {
  auto s = stringAt(o, key);
  if (!s || s->empty()) return std::nullopt;
  return s;
}

// The full poster URL for a poster_path, or nothing when the movie has no poster.
std::optional<std::string> posterUrl(const json::object& o) {
  auto path = nonEmptyAt(o, "poster_path");
  if (!path) return std::nullopt;
  return std::string(domain::kTmdbPosterBase) + *path;
}

std::optional<domain::TmdbSearchResult> decodeSearchResult(const json::value& item) {
  if (!item.is_object()) return std::nullopt;
  const json::object& o = item.get_object();
  auto id = integerAt(o, "id");
  if (!id || *id <= 0) return std::nullopt;  // nothing a caller could ask for
  domain::TmdbSearchResult hit;
  hit.tmdb_id = *id;
  auto title = nonEmptyAt(o, "title");
  hit.name = nonEmptyAt(o, "original_title").value_or(title.value_or(""));
  hit.title = title.value_or(hit.name);
  if (auto date = stringAt(o, "release_date"); date && date->size() >= 4) {
    hit.year = date->substr(0, 4);
  }
  hit.image_url = posterUrl(o);
  hit.overview = nonEmptyAt(o, "overview");
  return hit;
}

class HttpTmdbClient final : public TmdbClient {
 public:
  HttpTmdbClient(const ProviderSettings& settings, net::HttpTransport& transport)
      : base_url_(trimSlash(settings.tmdb_base_url)),
        token_(settings.tmdb_read_access_token),
        retry_(settings.retry),
        transport_(transport) {}

  Outcome<domain::TmdbMovie> movie(std::int64_t id) override {
    if (token_.empty()) return notConfigured();
    auto body = fetch("/3/movie/" + std::to_string(id), id);
    if (!body) return Outcome<domain::TmdbMovie>::fail(body.failure);
    return decodeMovie(body.value->get_object(), id);
  }

  Outcome<std::vector<domain::TmdbSearchResult>> search(std::string_view query,
                                                        std::size_t limit) override {
    using Result = Outcome<std::vector<domain::TmdbSearchResult>>;
    if (token_.empty()) return notConfigured();
    std::vector<domain::TmdbSearchResult> results;
    if (limit == 0) return Result::success(std::move(results));
    // The first page holds 20 results, more than a caller shows; adult titles stay out.
    auto body =
        fetch("/3/search/movie?query=" + percentEncode(query) + "&include_adult=false&page=1",
              std::nullopt);
    if (!body) return Result::fail(body.failure);
    const json::value* list = body.value->get_object().if_contains("results");
    if (list == nullptr || !list->is_array()) {
      return Failure{FailureKind::kInvalidResponse,
                     "TMDB sent an invalid response for search: results is not a list"};
    }
    for (const json::value& item : list->get_array()) {
      if (results.size() >= limit) break;
      if (auto hit = decodeSearchResult(item)) results.push_back(std::move(*hit));
    }
    return Result::success(std::move(results));
  }

 private:
  static Failure notConfigured() {
    return {FailureKind::kNotConfigured,
            "TMDB is not configured: set IMMERSION_TRACKER_TMDB_READ_ACCESS_TOKEN"};
  }

  static std::string what(std::optional<std::int64_t> movie_id) {
    return movie_id ? "movie " + std::to_string(*movie_id) : "search";
  }

  static Failure invalid(std::optional<std::int64_t> movie_id, const std::string& why) {
    return {FailureKind::kInvalidResponse,
            "TMDB sent an invalid response for " + what(movie_id) + ": " + why};
  }

  static Outcome<domain::TmdbMovie> decodeMovie(const json::object& o, std::int64_t id) {
    if (auto echoed = integerAt(o, "id"); echoed && *echoed != id) {
      return invalid(id, "it describes movie " + std::to_string(*echoed));
    }
    domain::TmdbMovie movie;
    movie.id = id;
    auto title = nonEmptyAt(o, "title");
    auto original = nonEmptyAt(o, "original_title");
    if (!title && !original) return invalid(id, "no title");
    movie.name = original ? std::move(*original) : *title;
    movie.title = title.value_or(movie.name);
    movie.image = posterUrl(o);
    // TMDB lists a movie before it knows its length (runtime null or 0). Recorded then, it would
    // count for nothing; refused, the sync client keeps the file and tries again later.
    std::int64_t minutes = integerAt(o, "runtime").value_or(0);
    if (minutes == 0) {
      return Failure{FailureKind::kItemRejected, "TMDB has no runtime for movie " +
                                                     std::to_string(id) +
                                                     " yet; try again once it has one"};
    }
    if (!domain::isPlausibleDuration(minutes) || !domain::isPlausibleDuration(minutes * 60)) {
      return invalid(id, "runtime " + std::to_string(minutes));
    }
    movie.runtime_seconds = minutes * 60;
    if (auto language = stringAt(o, "original_language")) {
      movie.language = domain::contentLanguage(*language);
    }
    return Outcome<domain::TmdbMovie>::success(std::move(movie));
  }

  // GET with the token; the answer's JSON object, or the failure its status stands for.
  // `movie_id` is the movie asked for, nothing for a search: a 4xx is then about the request
  // as a whole rather than about one id.
  Outcome<json::value> fetch(const std::string& path_and_query,
                             std::optional<std::int64_t> movie_id) {
    net::OutboundRequest request;
    request.url = base_url_ + path_and_query;
    request.headers = {"Accept: application/json", "Authorization: Bearer " + token_};
    // sendWithRetry has already retried 429s and 5xx (honouring Retry-After): only the last
    // result is classified here.
    net::TransportResult result = net::sendWithRetry(transport_, request, retry_);
    if (!result.response) {
      return Failure{FailureKind::kUnavailable, "TMDB is unavailable: " + result.error};
    }
    const net::OutboundResponse& response = *result.response;
    long status = response.status;
    if (status == 429 || status >= 500) {
      return Failure{FailureKind::kUnavailable,
                     "TMDB is unavailable: HTTP " + std::to_string(status)};
    }
    if (status >= 400) return refusal(response, movie_id);
    if (status / 100 != 2) return invalid(movie_id, "HTTP " + std::to_string(status));
    auto v = parseJson(response.body);
    if (!v || !v->is_object()) return invalid(movie_id, "not a JSON object");
    return Outcome<json::value>::success(std::move(*v));
  }

  // What a 4xx (other than 429) means.
  static Failure refusal(const net::OutboundResponse& response,
                         std::optional<std::int64_t> movie_id) {
    TmdbError error = tmdbError(response);
    if (response.status == 401) {
      return {FailureKind::kRejected, "TMDB rejected the read access token: " + error.message};
    }
    // Only TMDB's own "not found" codes: a bare 404 (a wrong base URL, a proxy) says nothing
    // about the movie.
    if (movie_id && response.status == 404 &&
        (error.status_code == kStatusNotFound || error.status_code == kStatusInvalidId)) {
      return {FailureKind::kNotFound, "TMDB has no movie with id " + std::to_string(*movie_id)};
    }
    return {movie_id ? FailureKind::kItemRejected : FailureKind::kRejected,
            "TMDB rejected the request for " + what(movie_id) + ": " + error.message};
  }

  const std::string base_url_;
  const std::string token_;
  const net::RetryPolicy retry_;
  net::HttpTransport& transport_;
};

}  // namespace

std::unique_ptr<TmdbClient> makeTmdbClient(const ProviderSettings& settings,
                                           net::HttpTransport& transport) {
  return std::make_unique<HttpTmdbClient>(settings, transport);
}

}  // namespace it::providers
