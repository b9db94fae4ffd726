// syncMovies and deleteMovies (steps.hpp): the watched movies of movies/watched/.

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <span>
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
  BatchedRequest request{.path = "syncmovies",
                         .list_field = "movies",
                         .noun_plural = "movies",
                         .partial_answers = true};
  std::vector<std::string> names;
  for (const auto& m : movies) {
    std::string what = "movie " + m.file_name;
    auto matches = offerMatches(api, console, m.file_name, source, what);
    std::int64_t id = askId(console, source, what, matches);
    request.items.push_back(
        json::serialize(json::object{{"file_name", m.file_name}, {source.id_field, id}}));
    names.push_back(m.file_name);
  }
  Settlement settlement({"movies_added", "movie", "movies", "file_name"});
  sendInBatches(api, request, run.body_budget, console,
                [&](const ApiClient::Reply& reply, std::size_t first, std::size_t count) {
                  settlement.add(reply, std::span(names).subspan(first, count));
                });
  auto result = settlement.report(console);
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
