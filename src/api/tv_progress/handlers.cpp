#include "api/tv_progress/handlers.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <charconv>

#include "api/access.hpp"
#include "api/json_body.hpp"
#include "api/tv_progress/episode_number.hpp"
#include "domain/names.hpp"
#include "http/responses.hpp"
#include "util/encoding.hpp"

namespace it::api::tv_progress {
namespace {

namespace json = boost::json;
using http::errorResponse;
using http::Request;
using http::Respond;
using http::Response;

constexpr std::size_t kMaxPageSize = 1000;

const char* const kInvalidUsername = "Invalid username: use 1-64 letters, digits, '_', '-' or '.'";
const char* const kInvalidShow = "Invalid tv_show: use at most 512 bytes of UTF-8, without NUL";

json::object progressJson(const storage::TvProgress& p, bool with_username) {
  json::object o;
  if (with_username) o.emplace("username", p.username);
  o.emplace("tv_show", p.tv_show);
  o.emplace("season", p.season);
  o.emplace("episode", p.episode);
  o.emplace("last_updated", p.last_updated);
  return o;
}

// Checks a `username` argument: well-formed, and one the caller may act for.
std::optional<Response> checkUsername(const auth::Principal& caller, std::string_view username) {
  if (!domain::isValidUsername(username)) return errorResponse(400, kInvalidUsername);
  return checkMayActFor(caller, username);
}

// Paging cursor for /api/show_all: base64url("<username>\n<tv_show>") of the last entry
// returned. Usernames cannot contain a newline, so the first one splits the pair.
std::string encodeCursor(const storage::TvProgressKey& key) {
  return base64UrlEncode(key.first + "\n" + key.second);
}

std::optional<storage::TvProgressKey> decodeCursor(std::string_view cursor) {
  std::optional<std::string> decoded = base64UrlDecode(cursor);
  if (!decoded) return std::nullopt;
  const std::string& raw = *decoded;
  auto nl = raw.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  storage::TvProgressKey key{raw.substr(0, nl), raw.substr(nl + 1)};
  if (!domain::isValidUsername(key.first) || !domain::isValidShowName(key.second)) {
    return std::nullopt;
  }
  return key;
}

void showEpisode(service::TvProgressService& tv, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  if (auto denied = checkUserParameter(req, caller)) return respond(std::move(*denied));
  std::string_view username = req.queryParam("username").value_or("");
  std::string_view tv_show = req.queryParam("tv_show").value_or("");
  if (username.empty() || tv_show.empty()) {
    return respond(errorResponse(400, "Username and tv_show are required"));
  }
  if (auto bad = checkUsername(caller, username)) return respond(std::move(*bad));
  if (!domain::isValidShowName(tv_show)) return respond(errorResponse(400, kInvalidShow));

  auto progress = tv.position(username, tv_show);
  if (!progress) {
    return respond(http::jsonResponse(
        404, json::object{{"message", "No data found for this user and TV show"}}));
  }
  respond(http::jsonResponse(200, progressJson(*progress, true)));
}

void showUser(service::TvProgressService& tv, const Request& req, const auth::Principal& caller,
              const Respond& respond) {
  if (auto denied = checkUserParameter(req, caller)) return respond(std::move(*denied));
  std::string_view username = req.queryParam("username").value_or("");
  if (username.empty()) return respond(errorResponse(400, "Username is required"));
  if (auto bad = checkUsername(caller, username)) return respond(std::move(*bad));

  json::array shows;
  for (const auto& p : tv.positions(username)) shows.push_back(progressJson(p, false));
  std::size_t total = shows.size();
  respond(http::jsonResponse(
      200,
      json::object{{"username", username}, {"shows", std::move(shows)}, {"total_shows", total}}));
}

void updateEpisode(service::TvProgressService& tv, const Request& req,
                   const auth::Principal& caller, const Respond& respond) {
  if (auto denied = checkUserParameter(req, caller)) return respond(std::move(*denied));
  auto parsed = parseJsonObject(req.body, "JSON data is required");
  if (!parsed) return respond(http::failureResponse(parsed.failure));
  const json::object& data = *parsed;

  auto field = [&](std::string_view name) -> const json::value* {
    const json::value* v = data.if_contains(name);
    return v == nullptr || v->is_null() ? nullptr : v;
  };
  const json::value* username = field("username");
  const json::value* tv_show = field("tv_show");
  const json::value* season = field("season");
  const json::value* episode = field("episode");
  // As the original's `if not username or not tv_show ...`: falsy means missing.
  auto blank = [](const json::value* v) { return v == nullptr || isFalsy(*v); };
  if (blank(username) || blank(tv_show) || season == nullptr || episode == nullptr) {
    return respond(errorResponse(400, "Username, tv_show, season, and episode are required"));
  }
  if (!username->is_string() || !tv_show->is_string()) {
    return respond(errorResponse(400, "Username and tv_show must be strings"));
  }
  std::int64_t season_number = 0;
  std::int64_t episode_number = 0;
  NumberCheck season_check = parseEpisodeNumber(*season, season_number);
  NumberCheck episode_check = parseEpisodeNumber(*episode, episode_number);
  if (season_check == NumberCheck::kNotInteger || episode_check == NumberCheck::kNotInteger) {
    return respond(errorResponse(400, "Season and episode must be valid integers"));
  }
  if (season_check == NumberCheck::kNotPositive || episode_check == NumberCheck::kNotPositive) {
    return respond(errorResponse(400, "Season and episode must be positive integers"));
  }
  std::string_view user = username->get_string();
  std::string_view show = tv_show->get_string();
  if (auto bad = checkUsername(caller, user)) return respond(std::move(*bad));
  if (!domain::isValidShowName(show)) return respond(errorResponse(400, kInvalidShow));

  tv.update(
      std::string(user), std::string(show), season_number, episode_number,
      [respond](Result<storage::TvProgress> stored) {
        if (!stored) return respond(http::failureResponse(stored.failure));
        respond(http::jsonResponse(201, json::object{{"message", "Episode updated successfully"},
                                                     {"username", stored->username},
                                                     {"tv_show", stored->tv_show},
                                                     {"season", stored->season},
                                                     {"episode", stored->episode}}));
      });
}

void showAll(service::TvProgressService& tv, const Request& req, const auth::Principal& caller,
             const Respond& respond) {
  if (auto denied = checkUserParameter(req, caller)) return respond(std::move(*denied));
  std::size_t limit = 0;
  if (auto text = req.queryParam("limit")) {
    unsigned long long n = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc() || end != text->data() + text->size() || n < 1 || n > kMaxPageSize) {
      return respond(errorResponse(400, "limit must be an integer from 1 to 1000"));
    }
    limit = static_cast<std::size_t>(n);
  }
  std::optional<storage::TvProgressKey> after;
  if (auto cursor = req.queryParam("cursor"); cursor && !cursor->empty()) {
    after = decodeCursor(*cursor);
    if (!after) return respond(errorResponse(400, "Invalid cursor"));
  }
  storage::TvProgressPage page = tv.page(limit, after);
  json::array entries;
  for (const auto& p : page.entries) entries.push_back(progressJson(p, true));
  json::object body;
  std::size_t total = entries.size();
  body.emplace("entries", std::move(entries));
  body.emplace("total_entries", total);
  if (page.next) body.emplace("next_cursor", encodeCursor(*page.next));
  respond(http::jsonResponse(200, body));
}

}  // namespace

std::vector<http::Route> routes(service::TvProgressService& tv) {
  using http::Access;
  using http::Execution;
  using http::Method;
  auto handler = [&tv](auto endpoint) {
    return [&tv, endpoint](const Request& r, const auth::Principal& p, Respond done) {
      endpoint(tv, r, p, done);
    };
  };
  return {
      {Method::kGet, "/api/show_episode", Access::kUser, Execution::kInline, handler(showEpisode)},
      {Method::kGet, "/api/show_user", Access::kUser, Execution::kInline, handler(showUser)},
      {Method::kPost, "/api/update_episode", Access::kUser, Execution::kInline,
       handler(updateEpisode)},
      {Method::kGet, "/api/show_all", Access::kAdmin, Execution::kBlocking, handler(showAll)},
  };
}

}  // namespace it::api::tv_progress
