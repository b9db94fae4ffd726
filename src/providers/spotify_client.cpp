#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <mutex>
#include <optional>

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
  auto echoed = stringAt(o, "id");
  if (!echoed) return invalid("no id");
  if (*echoed != wanted) return invalid("it describes episode " + *echoed);
  episode.id = std::move(*echoed);
  auto name = stringAt(o, "name");
  if (!name) return invalid("no name");
  episode.title = std::move(*name);
  auto duration_ms = integerAt(o, "duration_ms");
  if (!duration_ms) return invalid("no duration_ms");
  if (!domain::isPlausibleDuration(*duration_ms / 1000)) {
    return invalid("duration_ms " + std::to_string(*duration_ms));
  }
  episode.duration_seconds = *duration_ms / 1000;
  auto* show = o.if_contains("show");
  if (show == nullptr || !show->is_object()) return invalid("no show");
  auto show_id = stringAt(show->get_object(), "id");
  auto show_name = stringAt(show->get_object(), "name");
  if (!show_id) return invalid("no show.id");
  if (!show_name) return invalid("no show.name");
  episode.show_id = std::move(*show_id);
  episode.show_name = std::move(*show_name);
  return Result::success(std::move(episode));
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
    if (client_id_.empty() || client_secret_.empty()) {
      return Result::fail(FailureKind::kNotConfigured,
                          "Spotify is not configured: set IMMERSION_TRACKER_SPOTIFY_CLIENT_ID and "
                          "IMMERSION_TRACKER_SPOTIFY_CLIENT_SECRET");
    }
    std::string wanted(id);
    // Without a market, client-credentials calls answer 404 "non existing id".
    std::string path = "/v1/episodes/" + percentEncode(id);
    if (!market_.empty()) path += "?market=" + percentEncode(market_);

    auto first = token("");
    if (!first) return Result::fail(first.failure);
    net::TransportResult result = get(path, *first.value);
    if (result.response && result.response->status == 401) {
      auto second = token(*first.value);
      if (!second) return Result::fail(second.failure);
      result = get(path, *second.value);
    }
    if (isUnavailable(result)) return Result::fail(unavailable(result));
    const net::OutboundResponse& response = *result.response;
    long status = response.status;
    if (status == 401) {
      return Result::fail(FailureKind::kRejected,
                          "Spotify rejected the access token: " + errorMessage(response));
    }
    if (status == 404) {
      return Result::fail(FailureKind::kNotFound, "Spotify episode " + wanted + " not found");
    }
    if (status >= 400) {  // "invalid id", or this episode is not for this market or app
      return Result::fail(FailureKind::kItemRejected,
                          "Spotify rejected episode " + wanted + ": " + errorMessage(response));
    }

    return decodeEpisode(response, wanted);
  }

 private:
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
