#include "client/movie_command.hpp"

#include <boost/json/object.hpp>
#include <ostream>

#include "domain/time_zone.hpp"
#include "util/json.hpp"

namespace it::client {
namespace {

namespace json = boost::json;

// "1h 47m", "52m".
std::string hoursAndMinutes(std::int64_t seconds) {
  std::int64_t minutes = seconds / 60;
  std::string text = minutes >= 60 ? std::to_string(minutes / 60) + "h " : "";
  return text + std::to_string(minutes % 60) + "m";
}

}  // namespace

int runMovieAdd(ApiClient& api, std::int64_t tmdb_id, const std::optional<std::string>& watched_on,
                Console& console) {
  json::object body{{"tmdb_id", tmdb_id}};
  if (watched_on) {
    if (!domain::parseIsoDate(*watched_on)) {
      throw ClientError("--watched-on must be a date written YYYY-MM-DD (got \"" + *watched_on +
                        "\")");
    }
    body["watched_on"] = *watched_on;
  }
  // The server's refusals are the user's to read as they are: an unknown id, a day after
  // today, TMDB not configured or down.
  auto reply = api.call("POST", "api/movies", body, {201, 400, 422, 502, 503});
  const json::object& answer = reply.body;
  if (reply.status >= 400) {
    throw ClientError(stringAt(answer, "error").value_or("the server refused the movie"));
  }
  std::string file = stringAt(answer, "movie_id").value_or("");
  if (reply.status == 200) {
    console.out << "You already have TMDB movie " << tmdb_id << " (as " << file
                << "); it was not added again.\n";
    return 0;
  }
  std::string name = stringAt(answer, "name").value_or(file);
  if (auto title = stringAt(answer, "title"); title && !title->empty() && *title != name) {
    name += " (" + *title + ")";
  }
  console.out << "Added " << name << ", watched " << stringAt(answer, "watched_on").value_or("")
              << " (" << hoursAndMinutes(integerAt(answer, "duration_seconds").value_or(0))
              << ").\n";
  return 0;
}

}  // namespace it::client
