#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <mutex>
#include <optional>

#include "domain/language.hpp"
#include "domain/names.hpp"
#include "providers/metadata_clients.hpp"
#include "providers/token_cache.hpp"
#include "util/encoding.hpp"
#include "util/json.hpp"

namespace it::providers {
namespace {

namespace json = boost::json;

// A token is dropped this long before Spotify says it expires, so no call starts with a token
// that dies in flight.
constexpr std::int64_t kExpiryMarginSeconds = 60;
constexpr std::int64_t kMinTokenLifetimeSeconds = 5;

// The accounts service answers {"error": "invalid_client", "error_description": "..."}; the
// Web API answers {"error": {"status": 404, "message": "..."}}. Either way, the best text.
std::string errorMessage(const net::OutboundResponse& response) {
  if (auto v = parseJson(response.body); v && v->is_object()) {
    const json::object& o = v->get_object();
    if (auto description = stringAt(o, "error_description"); description && !description->empty()) {
      return *description;
    }
    if (auto error = stringAt(o, "error"); error && !error->empty()) return *error;
    if (auto* error = o.if_contains("error"); error != nullptr && error->is_object()) {
      if (auto message = stringAt(error->get_object(), "message"); message && !message->empty()) {
        return *message;
      }
    }
  }
  return "HTTP " + std::to_string(response.status);
}

// The language of an episode or show object: its (deprecated) `language`, else the first of
// its `languages` that names one.
std::optional<std::string> firstLanguage(const json::object& o) {
  if (auto tag = stringAt(o, "language")) {
    if (auto language = domain::contentLanguage(*tag)) return language;
  }
  const json::value* languages = o.if_contains("languages");
  if (languages == nullptr || !languages->is_array()) return std::nullopt;
  for (const json::value& tag : languages->get_array()) {
    if (!tag.is_string()) continue;
    if (auto language = domain::contentLanguage(tag.get_string())) return language;
  }
  return std::nullopt;
}

// The fields an episode object has in both its full and its simplified form (in a show's
// pages): id, name, duration and release date. A reason when one is missing or wrong.
std::optional<std::string> decodeEpisodeFields(const json::object& o,
                                               domain::SpotifyEpisode& episode) {
  auto id = stringAt(o, "id");
  if (!id) return "no id";
  episode.id = std::move(*id);
  auto name = stringAt(o, "name");
  if (!name) return "no name";
  episode.title = std::move(*name);
  auto duration_ms = integerAt(o, "duration_ms");
  if (!duration_ms) return "no duration_ms";
  if (!domain::isPlausibleDuration(*duration_ms / 1000)) {
    return "duration_ms " + std::to_string(*duration_ms);
  }
  episode.duration_seconds = *duration_ms / 1000;
  auto date = stringAt(o, "release_date");
  auto precision = stringAt(o, "release_date_precision");
  if (date && precision) episode.release_date = domain::spotifyReleaseDay(*date, *precision);
  episode.language = firstLanguage(o);
  return std::nullopt;
}

// A successful answer's episode object, checked to describe `wanted` in full.
Outcome<domain::SpotifyEpisode> decodeEpisode(const net::OutboundResponse& response,
                                              const std::string& wanted) {
  using Result = Outcome<domain::SpotifyEpisode>;
  long status = response.status;
  auto invalid = [&](const std::string& why) {
    return Result::fail(FailureKind::kInvalidResponse,
                        "Spotify sent an invalid response for episode " + wanted + ": " + why);
  };
  if (status / 100 != 2) return invalid("HTTP " + std::to_string(status));
  auto v = parseJson(response.body);
  if (!v || !v->is_object()) return invalid("not a JSON object");
  const json::object& o = v->get_object();
  domain::SpotifyEpisode episode;
  if (auto wrong = decodeEpisodeFields(o, episode)) return invalid(*wrong);
  if (episode.id != wanted) return invalid("it describes episode " + episode.id);
  auto* show = o.if_contains("show");
  if (show == nullptr || !show->is_object()) return invalid("no show");
  auto show_id = stringAt(show->get_object(), "id");
  auto show_name = stringAt(show->get_object(), "name");
  if (!show_id) return invalid("no show.id");
  if (!show_name) return invalid("no show.name");
  episode.show_id = std::move(*show_id);
  episode.show_name = std::move(*show_name);
  // The show's first image (Spotify lists the widest first), as the original took it.
  if (const auto* images = show->get_object().if_contains("images");
      images != nullptr && images->is_array() && !images->get_array().empty() &&
      images->get_array().front().is_object()) {
    episode.show_artwork_url = stringAt(images->get_array().front().get_object(), "url");
  }
  if (!episode.language) episode.language = firstLanguage(show->get_object());
  return Result::success(std::move(episode));
}

// One page of a show's episodes: its episodes are added to `episodes` (null entries, for
// unavailable episodes, skipped; a null list is an empty page), and the URL of the next page
// is returned, empty after the last. A failure's message says what is wrong with the page.
Outcome<std::string> readShowPage(const net::OutboundResponse& response, const std::string& show,
                                  std::vector<domain::SpotifyEpisode>& episodes) {
  auto fail = [](std::string why) {
    return Failure{FailureKind::kInvalidResponse, std::move(why)};
  };
  if (response.status / 100 != 2) return fail("HTTP " + std::to_string(response.status));
  auto v = parseJson(response.body);
  if (!v || !v->is_object()) return fail("not a JSON object");
  const json::object& page = v->get_object();
  const json::value* items = page.if_contains("items");
  if (items != nullptr && !items->is_null()) {
    if (!items->is_array()) return fail("items is not a list");
    for (const json::value& item : items->get_array()) {
      if (item.is_null()) continue;
      if (!item.is_object()) return fail("an item is not an object");
      domain::SpotifyEpisode episode;
      if (auto wrong = decodeEpisodeFields(item.get_object(), episode)) return fail(*wrong);
      if (!domain::isValidSpotifyId(episode.id)) return fail("episode id " + episode.id);
      episode.show_id = show;
      episodes.push_back(std::move(episode));
    }
  }
  const json::value* next = page.if_contains("next");
  if (next == nullptr || next->is_null()) return Outcome<std::string>::success("");
  if (!next->is_string()) return fail("next is not a URL");
  return Outcome<std::string>::success(std::string(next->get_string()));
}

class HttpSpotifyClient final : public SpotifyClient {
 public:
  HttpSpotifyClient(const ProviderSettings& settings, net::HttpTransport& transport,
                    const Clock& clock)
      : api_base_url_(trimSlash(settings.spotify_api_base_url)),
        accounts_base_url_(trimSlash(settings.spotify_accounts_base_url)),
        client_id_(settings.spotify_client_id),
        client_secret_(settings.spotify_client_secret),
        market_(settings.spotify_market),
        retry_(settings.retry),
        transport_(transport),
        tokens_(clock) {}

  Outcome<domain::SpotifyEpisode> episode(std::string_view id) override {
    using Result = Outcome<domain::SpotifyEpisode>;
    if (auto missing = notConfigured()) return *missing;
    std::string wanted(id);
    auto response = getAuthorized("/v1/episodes/" + percentEncode(id) + marketQuery('?'));
    if (!response) return response.failure;
    long status = response->status;
    if (status == 404) {
      return Result::fail(FailureKind::kNotFound, "Spotify episode " + wanted + " not found");
    }
    if (status >= 400) {  // "invalid id", or this episode is not for this market or app
      return Result::fail(FailureKind::kItemRejected,
                          "Spotify rejected episode " + wanted + ": " + errorMessage(*response));
    }
    return decodeEpisode(*response, wanted);
  }

  Outcome<std::vector<domain::SpotifyEpisode>> showEpisodes(std::string_view show_id) override {
    using Result = Outcome<std::vector<domain::SpotifyEpisode>>;
    if (auto missing = notConfigured()) return *missing;
    const std::string show(show_id);
    auto invalid = [&](const std::string& why) {
      return Result::fail(FailureKind::kInvalidResponse,
                          "Spotify sent an invalid page of show " + show + "'s episodes: " + why);
    };
    std::vector<domain::SpotifyEpisode> episodes;
    std::string path =
        "/v1/shows/" + percentEncode(show_id) + "/episodes?limit=50" + marketQuery('&');
    constexpr std::size_t kMaxPages = SpotifyClient::kMaxShowEpisodes / 50 + 1;
    for (std::size_t page = 0; page < kMaxPages; ++page) {
      auto response = getAuthorized(path);
      if (!response) return response.failure;
      if (response->status == 404) {
        return Result::fail(FailureKind::kNotFound, "Spotify show " + show + " not found");
      }
      if (response->status >= 400) {
        return Result::fail(FailureKind::kItemRejected,
                            "Spotify rejected show " + show + ": " + errorMessage(*response));
      }
      auto next = readShowPage(*response, show, episodes);
      if (!next) return invalid(next.failure.message);
      if (episodes.size() > SpotifyClient::kMaxShowEpisodes) {
        return invalid("more than " + std::to_string(SpotifyClient::kMaxShowEpisodes) +
                       " episodes");
      }
      if (next->empty()) return Result::success(std::move(episodes));
      // Followed only on Spotify's own API: the next page is Spotify's to name, not a place
      // to send our token to.
      if (!next->starts_with(api_base_url_ + "/v1/shows/")) {
        return invalid("its next page is elsewhere: " + *next);
      }
      path = next->substr(api_base_url_.size());
    }
    return invalid("more than " + std::to_string(kMaxPages) + " pages");
  }

 private:
  std::optional<Failure> notConfigured() const {
    if (!client_id_.empty() && !client_secret_.empty()) return std::nullopt;
    return Failure{FailureKind::kNotConfigured,
                   "Spotify is not configured: set IMMERSION_TRACKER_SPOTIFY_CLIENT_ID and "
                   "IMMERSION_TRACKER_SPOTIFY_CLIENT_SECRET"};
  }

  // "?market=US" (or "&market=US" after other parameters). Without a market,
  // client-credentials calls answer 404 "non existing id".
  std::string marketQuery(char separator) const {
    return market_.empty() ? "" : separator + std::string("market=") + percentEncode(market_);
  }

  // GET with a token, getting a new one once if Spotify says it is no longer valid. The
  // response (any status but 401), or why there is none: no token, Spotify unreachable or
  // rate-limiting past the retries, or the new token refused too.
  Outcome<net::OutboundResponse> getAuthorized(const std::string& path_and_query) {
    auto first = token("");
    if (!first) return first.failure;
    net::TransportResult result = get(path_and_query, *first.value);
    if (result.response && result.response->status == 401) {
      auto second = token(*first.value);
      if (!second) return second.failure;
      result = get(path_and_query, *second.value);
    }
    if (isUnavailable(result)) return unavailable(result);
    if (result.response->status == 401) {
      return Failure{FailureKind::kRejected,
                     "Spotify rejected the access token: " + errorMessage(*result.response)};
    }
    return Outcome<net::OutboundResponse>::success(std::move(*result.response));
  }

  static bool isUnavailable(const net::TransportResult& result) {
    return !result.response || result.response->status == 429 || result.response->status >= 500;
  }

  static Failure unavailable(const net::TransportResult& result) {
    return {
        FailureKind::kUnavailable,
        "Spotify is unavailable: " +
            (result.response ? "HTTP " + std::to_string(result.response->status) : result.error)};
  }

  net::TransportResult get(const std::string& path_and_query, const std::string& token) {
    net::OutboundRequest request;
    request.url = api_base_url_ + path_and_query;
    request.headers = {"Accept: application/json", "Authorization: Bearer " + token};
    return net::sendWithRetry(transport_, request, retry_);
  }

  // A cached token that is still fresh and is not `rejected`, or a new one.
  Outcome<std::string> token(const std::string& rejected) {
    return tokens_.get(rejected, [this] {
      std::int64_t expires_in = 0;
      auto fresh = fetchToken(expires_in);
      if (!fresh) return Outcome<TokenCache::Fresh>::fail(fresh.failure);
      std::int64_t keep = expires_in - kExpiryMarginSeconds;
      if (keep < kMinTokenLifetimeSeconds) keep = std::min(expires_in, kMinTokenLifetimeSeconds);
      return Outcome<TokenCache::Fresh>::success(
          {std::move(*fresh.value), std::chrono::seconds(std::max<std::int64_t>(keep, 0))});
    });
  }

  Outcome<std::string> fetchToken(std::int64_t& expires_in) {
    net::OutboundRequest request;
    request.method = "POST";
    request.url = accounts_base_url_ + "/api/token";
    request.headers = {"Accept: application/json",
                       "Authorization: Basic " + base64Encode(client_id_ + ":" + client_secret_),
                       "Content-Type: application/x-www-form-urlencoded"};
    request.body = "grant_type=client_credentials";
    net::TransportResult result = net::sendWithRetry(transport_, request, retry_);
    if (isUnavailable(result)) return Outcome<std::string>::fail(unavailable(result));
    const net::OutboundResponse& response = *result.response;
    if (response.status >= 400) {
      return Outcome<std::string>::fail(
          FailureKind::kRejected,
          "Spotify rejected the client credentials: " + errorMessage(response));
    }
    auto v = parseJson(response.body);
    if (response.status / 100 == 2 && v && v->is_object()) {
      const json::object& o = v->get_object();
      if (auto access = stringAt(o, "access_token"); access && !access->empty()) {
        expires_in = integerAt(o, "expires_in").value_or(3600);
        return Outcome<std::string>::success(std::move(*access));
      }
    }
    return Outcome<std::string>::fail(FailureKind::kInvalidResponse,
                                      "Spotify sent an invalid token response: HTTP " +
                                          std::to_string(response.status) + " without a token");
  }

  const std::string api_base_url_;
  const std::string accounts_base_url_;
  const std::string client_id_;
  const std::string client_secret_;
  const std::string market_;
  const net::RetryPolicy retry_;
  net::HttpTransport& transport_;

  TokenCache tokens_;
};

}  // namespace

std::unique_ptr<SpotifyClient> makeSpotifyClient(const ProviderSettings& settings,
                                                 net::HttpTransport& transport,
                                                 const Clock& clock) {
  return std::make_unique<HttpSpotifyClient>(settings, transport, clock);
}

}  // namespace it::providers
