#include <boost/json.hpp>
#include <charconv>
#include <cstdint>
#include <mutex>
#include <optional>

#include "domain/language.hpp"
#include "providers/metadata_clients.hpp"
#include "providers/token_cache.hpp"
#include "util/encoding.hpp"
#include "util/json.hpp"

namespace it::providers {
namespace {

namespace json = boost::json;

// The docs say a token lives a month; refreshing earlier costs one login.
constexpr auto kTokenLifetime = std::chrono::hours(24 * 25);

std::optional<std::int64_t> parseId(std::string_view text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return id;
}

// The envelope's "message" ("NotFoundException: error fetching "), else the status.
std::string envelopeMessage(const net::OutboundResponse& response) {
  if (auto v = parseJson(response.body); v && v->is_object()) {
    if (auto message = stringAt(v->get_object(), "message"); message && !message->empty()) {
      return *message;
    }
  }
  return "HTTP " + std::to_string(response.status);
}

class HttpTvdbClient final : public TvdbClient {
 public:
  HttpTvdbClient(const ProviderSettings& settings, net::HttpTransport& transport,
                 const Clock& clock)
      : base_url_(trimSlash(settings.tvdb_base_url)),
        api_key_(settings.tvdb_api_key),
        pin_(settings.tvdb_pin),
        retry_(settings.retry),
        transport_(transport),
        tokens_(clock) {}

  Outcome<domain::TvdbSeries> series(std::int64_t id) override {
    auto data = fetchData("/v4/series/" + std::to_string(id), "series " + std::to_string(id),
                          Call::kRecord);
    if (!data) return Outcome<domain::TvdbSeries>::fail(data.failure);
    const json::object& o = data.value->get_object();
    domain::TvdbSeries series;
    series.id = id;  // the original trusted the requested id, not the echoed one
    auto name = stringAt(o, "name");
    if (!name) return invalid<domain::TvdbSeries>("series " + std::to_string(id), "no name");
    series.name = std::move(*name);
    series.image = stringAt(o, "image");
    if (auto minutes = integerAt(o, "averageRuntime")) {
      if (!domain::isPlausibleDuration(*minutes) || !domain::isPlausibleDuration(*minutes * 60)) {
        return invalid<domain::TvdbSeries>("series " + std::to_string(id),
                                           "averageRuntime " + std::to_string(*minutes));
      }
      series.average_runtime_seconds = *minutes * 60;
    }
    if (auto language = stringAt(o, "originalLanguage")) {
      series.language = domain::contentLanguage(*language);
    }
    return Outcome<domain::TvdbSeries>::success(std::move(series));
  }

  Outcome<domain::TvdbMovie> movie(std::int64_t id) override {
    auto data =
        fetchData("/v4/movies/" + std::to_string(id), "movie " + std::to_string(id), Call::kRecord);
    if (!data) return Outcome<domain::TvdbMovie>::fail(data.failure);
    const json::object& o = data.value->get_object();
    domain::TvdbMovie movie;
    movie.id = id;
    auto name = stringAt(o, "name");
    if (!name) return invalid<domain::TvdbMovie>("movie " + std::to_string(id), "no name");
    movie.name = std::move(*name);
    movie.image = stringAt(o, "image");
    // Lenient where the original required it: a movie without a runtime still counts, for
    // nothing.
    std::int64_t minutes = integerAt(o, "runtime").value_or(0);
    if (!domain::isPlausibleDuration(minutes) || !domain::isPlausibleDuration(minutes * 60)) {
      return invalid<domain::TvdbMovie>("movie " + std::to_string(id),
                                        "runtime " + std::to_string(minutes));
    }
    movie.runtime_seconds = minutes * 60;
    if (auto language = stringAt(o, "originalLanguage")) {
      movie.language = domain::contentLanguage(*language);
    }
    return Outcome<domain::TvdbMovie>::success(std::move(movie));
  }

  Outcome<std::vector<domain::TvdbSearchResult>> search(std::string_view query,
                                                        std::string_view type,
                                                        std::size_t limit) override {
    using Result = Outcome<std::vector<domain::TvdbSearchResult>>;
    if (api_key_.empty()) return Result::fail(notConfigured());
    std::vector<domain::TvdbSearchResult> results;
    if (limit == 0) return Result::success(std::move(results));
    std::string path = "/v4/search?query=" + percentEncode(query) + "&type=" + percentEncode(type) +
                       "&limit=" + std::to_string(limit);
    auto data = fetchData(path, "search", Call::kSearch);
    if (!data) return Result::fail(data.failure);
    if (!data.value->is_array())
      return invalid<std::vector<domain::TvdbSearchResult>>("search", "data is not a list");
    for (const json::value& item : data.value->get_array()) {
      if (results.size() >= limit) break;
      if (!item.is_object()) continue;
      const json::object& o = item.get_object();
      domain::TvdbSearchResult hit;
      std::optional<std::int64_t> id;
      if (auto tvdb_id = stringAt(o, "tvdb_id")) id = parseId(*tvdb_id);
      if (!id) id = integerAt(o, "tvdb_id");
      if (!id) {
        // "series-81189" / "movie-12345": the bare id follows the type prefix.
        if (auto prefixed = stringAt(o, "id")) {
          auto dash = prefixed->rfind('-');
          id = parseId(dash == std::string::npos ? std::string_view(*prefixed)
                                                 : std::string_view(*prefixed).substr(dash + 1));
        }
      }
      if (!id) continue;  // nothing a caller could use
      hit.tvdb_id = *id;
      hit.type = stringAt(o, "type").value_or(std::string(type));
      hit.name = stringAt(o, "name").value_or("");
      hit.year = stringAt(o, "year");
      hit.image_url = stringAt(o, "image_url");
      hit.overview = stringAt(o, "overview");
      results.push_back(std::move(hit));
    }
    return Result::success(std::move(results));
  }

 private:
  enum class Call { kRecord, kSearch };

  Failure notConfigured() const {
    return {FailureKind::kNotConfigured,
            "TVDB is not configured: set IMMERSION_TRACKER_TVDB_API_KEY"};
  }

  template <class T>
  static Outcome<T> invalid(const std::string& what, const std::string& why) {
    return Outcome<T>::fail(FailureKind::kInvalidResponse,
                            "TVDB sent an invalid response for " + what + ": " + why);
  }

  static Failure unavailable(const net::TransportResult& result) {
    return {
        FailureKind::kUnavailable,
        "TVDB is unavailable: " +
            (result.response ? "HTTP " + std::to_string(result.response->status) : result.error)};
  }

  static bool isUnavailable(const net::TransportResult& result) {
    return !result.response || result.response->status == 429 || result.response->status >= 500;
  }

  // A cached token that is still fresh and is not `rejected`, or a new one from /v4/login.
  Outcome<std::string> token(const std::string& rejected) {
    return tokens_.get(rejected, [this] {
      auto fresh = login();
      if (!fresh) return Outcome<TokenCache::Fresh>::fail(fresh.failure);
      return Outcome<TokenCache::Fresh>::success({std::move(*fresh.value), kTokenLifetime});
    });
  }

  Outcome<std::string> login() {
    json::object body{{"apikey", api_key_}};
    if (!pin_.empty()) body["pin"] = pin_;  // an empty pin is an error at TVDB
    net::OutboundRequest request;
    request.method = "POST";
    request.url = base_url_ + "/v4/login";
    request.headers = {"Accept: application/json", "Content-Type: application/json"};
    request.body = json::serialize(body);
    net::TransportResult result = net::sendWithRetry(transport_, request, retry_);
    if (isUnavailable(result)) return Outcome<std::string>::fail(unavailable(result));
    const net::OutboundResponse& response = *result.response;
    if (response.status >= 400) {
      return Outcome<std::string>::fail(FailureKind::kRejected,
                                        "TVDB rejected the API key: " + envelopeMessage(response));
    }
    auto v = parseJson(response.body);
    if (response.status / 100 == 2 && v && v->is_object()) {
      const json::object& o = v->get_object();
      auto* data = o.if_contains("data");
      if (stringAt(o, "status") == "success" && data != nullptr && data->is_object()) {
        if (auto t = stringAt(data->get_object(), "token"); t && !t->empty()) {
          return Outcome<std::string>::success(std::move(*t));
        }
      }
    }
    return invalid<std::string>("login",
                                "HTTP " + std::to_string(response.status) + " without a token");
  }

  net::TransportResult get(const std::string& path_and_query, const std::string& token) {
    net::OutboundRequest request;
    request.url = base_url_ + path_and_query;
    request.headers = {"Accept: application/json", "Authorization: Bearer " + token};
    return net::sendWithRetry(transport_, request, retry_);
  }

  // GET with the token (logging in again once on a 401) and unwrap the envelope's "data".
  // `what` names the call in messages: "series 42", "movie 7", "search". A record's data must
  // be an object and a 404 means "no such id"; a search's is a list, null when nothing matched.
  Outcome<json::value> fetchData(const std::string& path_and_query, const std::string& what,
                                 Call call) {
    if (api_key_.empty()) return Outcome<json::value>::fail(notConfigured());
    auto first = token("");
    if (!first) return Outcome<json::value>::fail(first.failure);
    net::TransportResult result = get(path_and_query, *first.value);
    if (result.response && result.response->status == 401) {
      auto second = token(*first.value);
      if (!second) return Outcome<json::value>::fail(second.failure);
      result = get(path_and_query, *second.value);
    }
    if (isUnavailable(result)) return Outcome<json::value>::fail(unavailable(result));
    const net::OutboundResponse& response = *result.response;
    long status = response.status;
    if (status == 401) {
      return Outcome<json::value>::fail(FailureKind::kRejected,
                                        "TVDB rejected the API key: " + envelopeMessage(response));
    }
    if (status == 404 && call == Call::kRecord) {
      return Outcome<json::value>::fail(FailureKind::kNotFound, "TVDB " + what + " not found");
    }
    if (status >= 400) {
      // On a series or movie it is about that id ("Invalid series id"); on a search, about
      // the request as a whole.
      return Outcome<json::value>::fail(
          call == Call::kRecord ? FailureKind::kItemRejected : FailureKind::kRejected,
          "TVDB rejected the request for " + what + ": " + envelopeMessage(response));
    }
    if (status / 100 != 2) return invalid<json::value>(what, "HTTP " + std::to_string(status));
    auto v = parseJson(response.body);
    if (!v || !v->is_object()) return invalid<json::value>(what, "not a JSON object");
    json::object& o = v->get_object();
    if (stringAt(o, "status") != "success") {
      return invalid<json::value>(what, "status is not \"success\"");
    }
    json::value* data = o.if_contains("data");
    if (call == Call::kSearch && (data == nullptr || data->is_null())) {
      return Outcome<json::value>::success(json::array());  // nothing found, said tersely
    }
    if (data == nullptr || (call == Call::kRecord && !data->is_object())) {
      return invalid<json::value>(what, "no data");
    }
    return Outcome<json::value>::success(std::move(*data));
  }

  const std::string base_url_;
  const std::string api_key_;
  const std::string pin_;
  const net::RetryPolicy retry_;
  net::HttpTransport& transport_;

  TokenCache tokens_;
};

}  // namespace

std::unique_ptr<TvdbClient> makeTvdbClient(const ProviderSettings& settings,
                                           net::HttpTransport& transport, const Clock& clock) {
  return std::make_unique<HttpTvdbClient>(settings, transport, clock);
}

}  // namespace it::providers
