#include <algorithm>
#include <boost/json.hpp>
#include <optional>
#include <unordered_map>

#include "domain/iso_duration.hpp"
#include "domain/language.hpp"
#include "providers/metadata_clients.hpp"
#include "util/encoding.hpp"
#include "util/json.hpp"

namespace it::providers {
namespace {

namespace json = boost::json;

// videos.list takes at most 50 ids per call.
constexpr std::size_t kMaxIdsPerCall = 50;

// The Google API error envelope: {"error": {"code", "message", "errors": [{"reason"}],
// "details": [{"reason"}]}}.
struct GoogleError {
  std::string reason;
  std::string message;
};

GoogleError googleError(const net::OutboundResponse& response) {
  GoogleError error;
  auto v = parseJson(response.body);
  const json::object* e = v && v->is_object() ? objectAt(v->get_object(), "error") : nullptr;
  if (e != nullptr) {
    error.message = stringAt(*e, "message").value_or("");
    if (auto* errors = e->if_contains("errors"); errors != nullptr && errors->is_array()) {
      const json::array& list = errors->get_array();
      if (!list.empty() && list.front().is_object()) {
        error.reason = stringAt(list.front().get_object(), "reason").value_or("");
      }
    }
    if (auto* details = e->if_contains("details");
        error.reason.empty() && details != nullptr && details->is_array()) {
      for (const json::value& d : details->get_array()) {
        if (!d.is_object()) continue;
        if (auto reason = stringAt(d.get_object(), "reason"); reason && !reason->empty()) {
          error.reason = *reason;
          break;
        }
      }
    }
  }
  if (error.message.empty()) error.message = "HTTP " + std::to_string(response.status);
  return error;
}

class HttpYoutubeClient final : public YoutubeClient {
 public:
  HttpYoutubeClient(const ProviderSettings& settings, net::HttpTransport& transport)
      : base_url_(trimSlash(settings.youtube_base_url)),
        api_key_(settings.youtube_api_key),
        retry_(settings.retry),
        transport_(transport) {}

  std::vector<Outcome<domain::YoutubeVideo>> videos(const std::vector<std::string>& ids) override {
    return list<domain::YoutubeVideo>(ids, kVideos, &parseVideo);
  }

  std::vector<Outcome<domain::YoutubeChannel>> channels(
      const std::vector<std::string>& ids) override {
    return list<domain::YoutubeChannel>(ids, kChannels, &parseChannel);
  }

 private:
  // One of the list endpoints: where it is, what it asks for, what it lists.
  struct Resource {
    const char* path;   // "/youtube/v3/videos"
    const char* parts;  // "snippet,contentDetails"
    const char* noun;   // "video"
  };
  static constexpr Resource kVideos{"/youtube/v3/videos", "snippet,contentDetails", "video"};
  static constexpr Resource kChannels{"/youtube/v3/channels", "snippet", "channel"};

  template <class T>
  using Parse = Outcome<T> (*)(const std::string& id, const json::object& item);

  // One outcome per id, in order; each distinct id asked for once, 50 a call.
  template <class T>
  std::vector<Outcome<T>> list(const std::vector<std::string>& ids, const Resource& resource,
                               Parse<T> parse) {
    using Result = Outcome<T>;
    if (api_key_.empty()) {
      return std::vector<Result>(
          ids.size(),
          Result::fail(FailureKind::kNotConfigured,
                       "YouTube is not configured: set IMMERSION_TRACKER_YOUTUBE_API_KEY"));
    }
    // Each distinct id is asked for once, in the order of first appearance.
    std::vector<std::string> unique;
    std::unordered_map<std::string, Result> found;
    for (const auto& id : ids) {
      if (id.empty() || found.contains(id)) continue;
      found.emplace(
          id, Result::fail(FailureKind::kNotFound,
                           "YouTube " + std::string(resource.noun) + " " + id + " not found"));
      unique.push_back(id);
    }
    for (std::size_t start = 0; start < unique.size(); start += kMaxIdsPerCall) {
      std::size_t end = std::min(unique.size(), start + kMaxIdsPerCall);
      fetchBatch<T>({unique.begin() + start, unique.begin() + end}, resource, parse, found);
    }
    std::vector<Result> results;
    results.reserve(ids.size());
    for (const auto& id : ids) {
      auto it = found.find(id);
      results.push_back(it != found.end() ? it->second
                                          : Result::fail(FailureKind::kNotFound,
                                                         "YouTube " + std::string(resource.noun) +
                                                             " id is empty"));
    }
    return results;
  }

  // One list call; fills in `found` for the batch's ids (kNotFound stays for the ones the
  // answer leaves out), or the call's failure for all of them.
  template <class T>
  void fetchBatch(const std::vector<std::string>& batch, const Resource& resource, Parse<T> parse,
                  std::unordered_map<std::string, Outcome<T>>& found) {
    using Result = Outcome<T>;
    std::string id_list;
    for (const auto& id : batch) {
      if (!id_list.empty()) id_list += ',';
      id_list += percentEncode(id);
    }
    net::OutboundRequest request;
    request.url = base_url_ + resource.path + "?part=" + resource.parts + "&id=" + id_list +
                  "&key=" + percentEncode(api_key_);
    request.headers = {"Accept: application/json"};
    net::TransportResult result = net::sendWithRetry(transport_, request, retry_);

    auto failAll = [&](Failure failure) {
      for (const auto& id : batch) found.insert_or_assign(id, Result::fail(failure));
    };
    auto items = itemsOf(result);
    if (!items) return failAll(items.failure);
    for (const json::value& item : *items) {
      if (!item.is_object()) continue;
      auto id = stringAt(item.get_object(), "id");
      if (!id) continue;
      auto slot = found.find(*id);
      if (slot == found.end()) continue;  // not asked for in this call
      if (std::find(batch.begin(), batch.end(), *id) == batch.end()) continue;
      slot->second = parse(*id, item.get_object());
    }
  }

  // The items of a list answer (none when Google leaves them out, its way of saying "none of
  // them"), or the failure the answer stands for.
  static Outcome<json::array> itemsOf(const net::TransportResult& result) {
    if (!result.response) {
      return Failure{FailureKind::kUnavailable, "YouTube is unavailable: " + result.error};
    }
    const net::OutboundResponse& response = *result.response;
    if (response.status == 429 || response.status >= 500) {
      return Failure{FailureKind::kUnavailable,
                     "YouTube is unavailable: HTTP " + std::to_string(response.status)};
    }
    if (response.status >= 400) {
      GoogleError error = googleError(response);
      if (error.reason == "quotaExceeded" || error.reason == "dailyLimitExceeded") {
        return Failure{FailureKind::kRejected, "YouTube quota exceeded"};
      }
      if (error.reason == "rateLimitExceeded" || error.reason == "userRateLimitExceeded") {
        return Failure{FailureKind::kUnavailable, "YouTube is unavailable: " + error.reason};
      }
      return Failure{FailureKind::kRejected, "YouTube rejected the request: " + error.message};
    }
    auto v = parseJson(response.body);
    if (response.status / 100 != 2 || !v || !v->is_object()) {
      return Failure{FailureKind::kInvalidResponse, "YouTube sent an invalid response: HTTP " +
                                                        std::to_string(response.status) +
                                                        (v ? "" : ", not JSON")};
    }
    auto* items = v->get_object().if_contains("items");
    if (items == nullptr || items->is_null()) return Outcome<json::array>::success({});
    if (!items->is_array()) {
      return Failure{FailureKind::kInvalidResponse,
                     "YouTube sent an invalid response: items is not a list"};
    }
    return Outcome<json::array>::success(std::move(items->get_array()));
  }

  using Result = Outcome<domain::YoutubeVideo>;

  static Result parseVideo(const std::string& id, const json::object& item) {
    auto invalid = [&](std::string_view why) {
      return Result::fail(
          FailureKind::kInvalidResponse,
          "YouTube sent an invalid response for video " + id + ": " + std::string(why));
    };
    const json::object* snippet = objectAt(item, "snippet");
    const json::object* details = objectAt(item, "contentDetails");
    if (snippet == nullptr) return invalid("no snippet");
    if (details == nullptr) return invalid("no contentDetails");
    domain::YoutubeVideo video;
    video.id = id;
    auto title = stringAt(*snippet, "title");
    auto channel_id = stringAt(*snippet, "channelId");
    auto channel_title = stringAt(*snippet, "channelTitle");
    auto duration = stringAt(*details, "duration");
    if (!title) return invalid("no snippet.title");
    if (!channel_id) return invalid("no snippet.channelId");
    if (!channel_title) return invalid("no snippet.channelTitle");
    if (!duration) return invalid("no contentDetails.duration");
    auto seconds = domain::parseIsoDurationSeconds(*duration);
    if (!seconds) return invalid("duration \"" + *duration + "\" is not ISO 8601");
    if (!domain::isPlausibleDuration(*seconds)) return invalid("duration \"" + *duration + "\"");
    video.title = std::move(*title);
    video.channel_id = std::move(*channel_id);
    video.channel_title = std::move(*channel_title);
    video.duration_seconds = *seconds;
    // What is spoken, else the language of the title and description.
    for (const char* field : {"defaultAudioLanguage", "defaultLanguage"}) {
      if (auto tag = stringAt(*snippet, field)) video.language = domain::contentLanguage(*tag);
      if (video.language) break;
    }
    return Result::success(std::move(video));
  }

  static Outcome<domain::YoutubeChannel> parseChannel(const std::string& id,
                                                      const json::object& item) {
    const json::object* snippet = objectAt(item, "snippet");
    auto title = snippet != nullptr ? stringAt(*snippet, "title") : std::nullopt;
    if (!title) {
      return Failure{FailureKind::kInvalidResponse,
                     "YouTube sent an invalid response for channel " + id + ": no snippet.title"};
    }
    domain::YoutubeChannel channel{id, std::move(*title), std::nullopt};
    if (const json::object* thumbnails = objectAt(*snippet, "thumbnails")) {
      for (const char* size : {"high", "medium", "default"}) {
        const json::object* thumbnail = objectAt(*thumbnails, size);
        auto url = thumbnail != nullptr ? stringAt(*thumbnail, "url") : std::nullopt;
        if (url && !url->empty()) {
          channel.thumbnail_url = std::move(*url);
          break;
        }
      }
    }
    return Outcome<domain::YoutubeChannel>::success(std::move(channel));
  }

  const std::string base_url_;
  const std::string api_key_;
  const net::RetryPolicy retry_;
  net::HttpTransport& transport_;
};

}  // namespace

std::unique_ptr<YoutubeClient> makeYoutubeClient(const ProviderSettings& settings,
                                                 net::HttpTransport& transport) {
  return std::make_unique<HttpYoutubeClient>(settings, transport);
}

}  // namespace it::providers
