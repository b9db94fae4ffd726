#include "api/immersion/requests.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "api/json_body.hpp"
#include "domain/names.hpp"

namespace it::api::immersion {
namespace {

namespace json = boost::json;

// `value` quoted for an error message when it is short, readable text; otherwise nothing
// (never echo megabytes or invalid UTF-8 back).
std::string quoted(const json::value& value) {
  if (!value.is_string()) return "";
  std::string_view s = value.get_string();
  if (s.size() > 64 || !domain::isValidUtf8(s)) return "";
  return ": \"" + std::string(s) + "\"";
}

std::string at(std::string_view list, std::size_t index) {
  return std::string(list) + "[" + std::to_string(index) + "]";
}

// The body, checked to hold `list`: a JSON array of at most kMaxItemsPerRequest entries.
Result<json::object> listBody(std::string_view body, std::string_view list) {
  std::string shape =
      "Request body must be a JSON object with a \"" + std::string(list) + "\" list";
  auto parsed = parseJsonObject(body, shape);
  if (!parsed) return parsed.failure;
  const json::value* v = parsed->if_contains(list);
  if (v == nullptr || !v->is_array()) return invalidRequest(shape);
  std::size_t n = v->get_array().size();
  if (n > domain::kMaxItemsPerRequest) {
    return invalidRequest("At most " + std::to_string(domain::kMaxItemsPerRequest) + " " +
                          std::string(list) + " per request (got " + std::to_string(n) + ")");
  }
  return parsed;
}

// A name member of an item object; nothing when it is missing or invalid.
std::optional<std::string> nameField(const json::object& item, std::string_view key) {
  const json::value* v = item.if_contains(key);
  if (v == nullptr || !v->is_string() || !domain::isValidItemName(v->get_string())) {
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::string badName(std::string_view where, std::string_view key) {
  return std::string(where) + "." + std::string(key) +
         " must be a non-empty UTF-8 string of at most 1024 bytes";
}

// A TVDB or TMDB id (`key`): a positive JSON integer (1.0 and "1" are not).
std::optional<std::int64_t> idField(const json::object& item, std::string_view key) {
  const json::value* v = item.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64() && v->get_int64() > 0) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

// The ids of `document`'s `list` (checked by listBody), each checked by `valid`.
Result<std::vector<std::string>> idsIn(const json::object& document, std::string_view list,
                                       bool (*valid)(std::string_view), std::string_view what) {
  const json::array& array = document.at(list).get_array();
  std::vector<std::string> ids;
  ids.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    const json::value& v = array[i];
    if (!v.is_string() || !valid(v.get_string())) {
      return invalidRequest(at(list, i) + " is not " + std::string(what) + quoted(v));
    }
    ids.emplace_back(v.get_string());
  }
  return Result<std::vector<std::string>>::success(std::move(ids));
}

}  // namespace

Result<std::vector<storage::EpisodeRef>> parseSyncEpisodes(std::string_view body) {
  auto document = listBody(body, "episodes");
  if (!document) return document.failure;
  const json::array& array = document->at("episodes").get_array();
  std::vector<storage::EpisodeRef> episodes;
  episodes.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    std::string where = at("episodes", i);
    if (!array[i].is_object()) {
      return invalidRequest(where + " must be an object with \"folder_name\" and \"file_name\"");
    }
    const json::object& item = array[i].get_object();
    auto folder = nameField(item, "folder_name");
    if (!folder) return invalidRequest(badName(where, "folder_name"));
    auto file = nameField(item, "file_name");
    if (!file) return invalidRequest(badName(where, "file_name"));
    episodes.push_back({std::move(*folder), std::move(*file)});
  }
  return Result<std::vector<storage::EpisodeRef>>::success(std::move(episodes));
}

Result<std::vector<MovieRequest>> parseSyncMovies(std::string_view body) {
  auto document = listBody(body, "movies");
  if (!document) return document.failure;
  const json::array& array = document->at("movies").get_array();
  std::vector<MovieRequest> movies;
  movies.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    std::string where = at("movies", i);
    if (!array[i].is_object()) {
      return invalidRequest(where +
                            " must be an object with \"file_name\" and \"tmdb_id\" (or, from "
                            "older clients, \"tvdb_id\")");
    }
    const json::object& item = array[i].get_object();
    auto file = nameField(item, "file_name");
    if (!file) return invalidRequest(badName(where, "file_name"));
    bool tmdb = item.contains("tmdb_id");
    if (tmdb == item.contains("tvdb_id")) {
      return invalidRequest(where + " must have exactly one of \"tmdb_id\" and \"tvdb_id\"");
    }
    const char* key = tmdb ? "tmdb_id" : "tvdb_id";
    auto id = idField(item, key);
    if (!id) return invalidRequest(where + "." + key + " must be a positive integer");
    movies.push_back({std::move(*file),
                      tmdb ? domain::MovieDatabase::kTmdb : domain::MovieDatabase::kTvdb, *id});
  }
  return Result<std::vector<MovieRequest>>::success(std::move(movies));
}

Result<std::vector<std::string>> parseSyncYoutube(std::string_view body) {
  auto document = listBody(body, "video_ids");
  if (!document) return document.failure;
  return idsIn(*document, "video_ids", domain::isValidYoutubeVideoId,
               "a YouTube video id (11 characters of A-Z, a-z, 0-9, '_' and '-')");
}

Result<SpotifySyncRequest> parseSyncSpotify(std::string_view body) {
  auto document = listBody(body, "episode_ids");
  if (!document) return document.failure;
  auto ids = idsIn(*document, "episode_ids", domain::isValidSpotifyId,
                   "a Spotify episode id (22 characters of A-Z, a-z and 0-9)");
  if (!ids) return ids.failure;
  const json::value* backfill = document->if_contains("backfill");
  if (backfill != nullptr && !backfill->is_null() && !backfill->is_bool()) {
    return invalidRequest("backfill must be true or false");
  }
  return Result<SpotifySyncRequest>::success(
      {std::move(*ids), backfill != nullptr && backfill->is_bool() && backfill->get_bool()});
}

Result<AddMovieRequest> parseAddMovie(std::string_view body) {
  auto parsed = parseJsonObject(
      body, "Request body must be a JSON object with \"tmdb_id\" and, optionally, \"watched_on\"");
  if (!parsed) return parsed.failure;
  AddMovieRequest request;
  auto id = idField(*parsed, "tmdb_id");
  if (!id) return invalidRequest("tmdb_id must be a positive integer");
  request.tmdb_id = *id;
  if (const json::value* day = parsed->if_contains("watched_on");
      day != nullptr && !day->is_null()) {
    request.watched_on = day->is_string() ? domain::parseIsoDate(day->get_string()) : std::nullopt;
    // Before 1970-01-02, noon in some zone is before the epoch, which nothing here counts.
    if (!request.watched_on || *request.watched_on < 1) {
      return invalidRequest("watched_on must be a date written YYYY-MM-DD, from 1970-01-02" +
                            quoted(*day));
    }
  }
  return Result<AddMovieRequest>::success(request);
}

Result<ShowUpdateRequest> parseShowUpdate(std::string_view body) {
  auto parsed = parseJsonObject(body,
                                "Request body must be a JSON object with \"folder_name\" and "
                                "\"tvdb_id\"");
  if (!parsed) return parsed.failure;
  const json::object& item = *parsed;
  auto folder = nameField(item, "folder_name");
  if (!folder) {
    return invalidRequest("folder_name must be a non-empty UTF-8 string of at most 1024 bytes");
  }
  auto id = idField(item, "tvdb_id");
  if (!id) return invalidRequest("tvdb_id must be a positive integer");
  return Result<ShowUpdateRequest>::success({std::move(*folder), *id});
}

}  // namespace it::api::immersion
