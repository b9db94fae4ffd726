// syncMovies and deleteMovies (steps.hpp): the watched movies of movies/watched/.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "client/sync/common.hpp"
#include "client/sync/id_prompt.hpp"
#include "client/sync/steps.hpp"

namespace it::client::sync {

namespace fs = std::filesystem;
namespace json = boost::json;

void syncMovies(ApiClient& api, const std::vector<LocalMovie>& movies, const SyncOptions& options,
                Console& console, SyncRun& run) {
  if (movies.empty()) return;
  console.out << "Syncing " << movies.size() << " movies watched...\n";
  if (options.non_interactive) {
    console.out << "Skipped " << plural(movies.size(), "movie", "movies")
                << ": each needs a TMDB or TVDB id, which --non-interactive does not ask for. "
                   "They were kept.\n";
    return;
  }
  const IdSource& source = movieSource(api);
  json::array list;
  std::vector<std::string> names;
  for (const auto& m : movies) {
    std::string what = "movie " + m.file_name;
    auto matches = offerMatches(api, console, m.file_name, source, what);
    std::int64_t id = askId(console, source, what, matches);
    list.push_back(json::object{{"file_name", m.file_name}, {source.id_field, id}});
    names.push_back(m.file_name);
  }
  auto reply =
      api.call("POST", "syncmovies", json::object{{"movies", std::move(list)}}, {422, 502, 503});
  auto result = settle(reply, names, {"movies_added", "movie", "movies", "file_name"}, console);
  run.confirmed_movies = std::move(result.confirmed);
  run.failures += result.failed;
  run.synced_anything = true;
}

void deleteMovies(const std::vector<LocalMovie>& movies, Console& console, SyncRun& run) {
  if (run.confirmed_movies.empty()) return;
  console.out << "Deleting " << run.confirmed_movies.size() << " local movies watched...\n";
  std::vector<fs::path> paths;
  for (const auto& m : movies) {
    if (run.confirmed_movies.contains(m.file_name)) paths.push_back(m.path);
  }
  std::uintmax_t bytes = deleteFiles(paths, run.failures, console);
  console.out << "Deleted " << gigabytes(bytes) << " GB of watched movies.\n";
}

}  // namespace it::client::sync
