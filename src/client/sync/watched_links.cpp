// syncYoutubeVideos, syncSpotifyEpisodes and clearWatchedLinks (steps.hpp): the links of
// watched.txt.

#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <fstream>
#include <span>
#include <string>
#include <system_error>

#include "client/sync/common.hpp"
#include "client/sync/steps.hpp"

namespace it::client::sync {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// One kind of link: the request that syncs it and how it is named.
struct LinkEndpoint {
  const char* path;       // "syncyoutube"
  const char* ids_field;  // the list of ids in the request: "video_ids"
  ItemKind kind;
};

constexpr LinkEndpoint kYoutube{
    "syncyoutube", "video_ids", {"videos_added", "YouTube video", "YouTube videos", "id"}};
constexpr LinkEndpoint kSpotify{
    "syncspotify", "episode_ids", {"episodes_added", "Spotify episode", "Spotify episodes", "id"}};

// Sends `ids` to `endpoint` (in batches within run.body_budget), counting in `run` those not
// synced; returns those the server confirmed. `extra` goes into each request body too.
std::set<std::string> syncLinks(ApiClient& api, const std::vector<std::string>& ids,
                                const LinkEndpoint& endpoint, Console& console, SyncRun& run,
                                json::object extra = {}) {
  console.out << "Syncing " << ids.size() << " " << endpoint.kind.noun_plural << " watched...\n";
  console.out.flush();
  BatchedRequest request{.path = endpoint.path,
                         .list_field = endpoint.ids_field,
                         .noun_plural = endpoint.kind.noun_plural,
                         .fields = std::move(extra),
                         .partial_answers = true};
  request.items.reserve(ids.size());
  for (const auto& id : ids) request.items.push_back(json::serialize(json::string(id)));
  Settlement settlement(endpoint.kind);
  sendInBatches(api, request, run.body_budget, console,
                [&](const ApiClient::Reply& reply, std::size_t first, std::size_t count) {
                  settlement.add(reply, std::span(ids).subspan(first, count));
                });
  auto result = settlement.report(console);
  run.failures += result.failed;
  run.synced_anything = true;
  return std::move(result.confirmed);
}

// Writes `content` to `path` through a temporary file beside it and a rename, so a crash
// leaves either the old or the new file. A symlinked watched.txt is written where it points,
// and the file keeps its permissions.
void replaceFile(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::path target = fs::canonical(path, ec);
  if (ec) throw ClientError("cannot find " + path.string() + ": " + ec.message());
  std::string temporary = target.string() + ".XXXXXX";
  int fd = ::mkstemp(temporary.data());
  if (fd < 0) throw ClientError("cannot write a temporary file next to " + target.string());
  bool written =
      ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
      ::fsync(fd) == 0;
  ::close(fd);
  fs::permissions(temporary, fs::status(target, ec).permissions(), ec);
  if (written) fs::rename(temporary, target, ec);
  if (!written || ec) {
    fs::remove(temporary, ec);
    throw ClientError("cannot rewrite " + target.string());
  }
}

// The lines of watched.txt as it is now (it may have changed while the run waited for
// prompts and the server), each with the link it holds, if any.
WatchedFile currentLines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  WatchedFile file;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 0 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    file.lines.push_back({++number, line, parseWatchedLink(trim(line))});
  }
  return file;
}

}  // namespace

void syncYoutubeVideos(ApiClient& api, const std::vector<std::string>& ids, Console& console,
                       SyncRun& run) {
  if (ids.empty()) return;
  run.confirmed_youtube = syncLinks(api, ids, kYoutube, console, run);
}

void syncSpotifyEpisodes(ApiClient& api, const std::vector<std::string>& ids, bool backfill,
                         Console& console, SyncRun& run) {
  if (ids.empty()) return;
  // Sent only when asked for: without it the request is the original client's.
  json::object extra;
  if (backfill) extra["backfill"] = true;
  run.confirmed_spotify = syncLinks(api, ids, kSpotify, console, run, std::move(extra));
}

void clearWatchedLinks(const SyncOptions& options, Console& console, const SyncRun& run) {
  if (run.confirmed_youtube.empty() && run.confirmed_spotify.empty()) return;
  console.out << "Clearing watched URLs...\n";
  std::vector<std::string> youtube(run.confirmed_youtube.begin(), run.confirmed_youtube.end());
  std::vector<std::string> spotify(run.confirmed_spotify.begin(), run.confirmed_spotify.end());
  fs::path file = options.dir / kWatchedFile;
  replaceFile(file, withoutConfirmed(currentLines(file), youtube, spotify));
}

}  // namespace it::client::sync
