// syncEpisodes and deleteEpisodes (steps.hpp): the watched episodes of shows/*/watched/.

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <system_error>

#include "client/sync/common.hpp"
#include "client/sync/steps.hpp"

namespace it::client::sync {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// A show folder is deleted only when it surely holds no video: one that cannot be read
// through counts as holding one.
bool containsVideoOrUnreadable(const fs::path& dir) {
  try {
    return containsVideo(dir);
  } catch (const fs::filesystem_error&) {
    return true;
  }
}

// Deletes each folder of shows/ among `folders` that holds no video any more.
void deleteCompletedShows(const std::set<std::string>& folders, const SyncOptions& options,
                          Console& console, SyncRun& run) {
  for (const auto& folder : folders) {
    fs::path dir = options.dir / "shows" / folder;
    std::error_code ec;
    if (!fs::is_directory(dir, ec) || containsVideoOrUnreadable(dir)) continue;
    fs::remove_all(dir, ec);
    if (ec) {
      console.err << "Could not delete the completed show " << dir.string() << ": " << ec.message()
                  << "\n";
      ++run.failures;
    } else {
      console.out << "Deleted completed show: " << folder << "\n";
    }
  }
}

}  // namespace

void syncEpisodes(ApiClient& api, const std::vector<LocalEpisode>& episodes,
                  const SyncOptions& options, Console& console, SyncRun& run) {
  if (episodes.empty()) return;
  console.out << "Syncing " << episodes.size() << " local episodes watched...\n";
  console.out.flush();
  BatchedRequest request{.path = "sync", .list_field = "episodes", .noun_plural = "episodes"};
  request.items.reserve(episodes.size());
  for (const auto& e : episodes) {
    request.items.push_back(
        json::serialize(json::object{{"folder_name", e.folder_name}, {"file_name", e.file_name}}));
  }
  std::int64_t added = 0;
  sendInBatches(api, request, run.body_budget, console,
                [&](const ApiClient::Reply& reply, std::size_t, std::size_t) {
                  added += intOr(reply.body, "episodes_added");
                });
  console.out << "Successfully added " << added << " new episodes to the remote server.\n";
  run.synced_anything = true;
  run.untagged = tagUntaggedShows(api, options, console);
}

void deleteEpisodes(const std::vector<LocalEpisode>& episodes, const SyncOptions& options,
                    Console& console, SyncRun& run) {
  if (episodes.empty()) return;
  console.out << "Deleting " << episodes.size() << " local episodes watched...\n";
  std::vector<fs::path> paths;
  std::set<std::string> folders;
  for (const auto& e : episodes) {
    paths.push_back(e.path);
    folders.insert(e.folder_name);
  }
  std::uintmax_t bytes = deleteFiles(paths, run.failures, console);
  console.out << "Deleted " << gigabytes(bytes) << " GB of watched episodes.\n";
  deleteCompletedShows(folders, options, console, run);
}

}  // namespace it::client::sync
