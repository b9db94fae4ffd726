// watched.txt (client/watched_list.hpp): the whole input as a file, and as a single line.
//
// Invariants: a link's id is a valid YouTube or Spotify id; a parsed file has one entry per
// line with no line break in its text, and each id once in order of first appearance;
// withoutConfirmed keeps what it should: with nothing confirmed, the kept text parses to the
// same links; with everything confirmed, to none; an error names a line that is there.

#include <string>
#include <unordered_set>
#include <variant>
#include <vector>

#include "client/watched_list.hpp"
#include "domain/names.hpp"
#include "fuzz_support.hpp"

namespace {

using it::client::LinkKind;
using it::client::WatchedFile;
using it::client::WatchedFileError;
using it::client::WatchedLink;

void checkLink(const WatchedLink& link) {
  if (link.kind == LinkKind::kYoutubeVideo) {
    FUZZ_CHECK(it::domain::isValidYoutubeVideoId(link.id));
  } else {
    FUZZ_CHECK(link.kind == LinkKind::kSpotifyEpisode);
    FUZZ_CHECK(it::domain::isValidSpotifyId(link.id));
  }
}

// The ids of every link line, in order, as (kind, id).
std::vector<std::pair<LinkKind, std::string>> linksOf(const WatchedFile& file) {
  std::vector<std::pair<LinkKind, std::string>> out;
  for (const auto& line : file.lines) {
    if (line.link) out.emplace_back(line.link->kind, line.link->id);
  }
  return out;
}

void checkFile(std::string_view content) {
  auto parsed = it::client::parseWatchedFile(content);
  if (const auto* error = std::get_if<WatchedFileError>(&parsed)) {
    FUZZ_CHECK(error->line_number >= 1);
    FUZZ_CHECK(!error->text.empty());
    FUZZ_CHECK(content.find(error->text) != std::string_view::npos);
    return;
  }
  const WatchedFile& file = std::get<WatchedFile>(parsed);
  std::vector<std::string> youtube;
  std::vector<std::string> spotify;
  std::unordered_set<std::string> seen_youtube;
  std::unordered_set<std::string> seen_spotify;
  for (std::size_t i = 0; i < file.lines.size(); ++i) {
    const auto& line = file.lines[i];
    FUZZ_CHECK(line.number == static_cast<int>(i) + 1);
    FUZZ_CHECK(line.text.find('\n') == std::string::npos);
    if (!line.link) continue;
    checkLink(*line.link);
    bool is_youtube = line.link->kind == LinkKind::kYoutubeVideo;
    if ((is_youtube ? seen_youtube : seen_spotify).insert(line.link->id).second) {
      (is_youtube ? youtube : spotify).push_back(line.link->id);
    }
  }
  FUZZ_CHECK(file.youtube_ids == youtube);
  FUZZ_CHECK(file.spotify_ids == spotify);

  // Nothing confirmed: the rewritten file reads as the same links.
  std::string kept = it::client::withoutConfirmed(file, {}, {});
  auto reparsed = it::client::parseWatchedFile(kept);
  FUZZ_CHECK(std::holds_alternative<WatchedFile>(reparsed));
  FUZZ_CHECK(linksOf(std::get<WatchedFile>(reparsed)) == linksOf(file));

  // Everything confirmed: no link is left.
  std::string rest = it::client::withoutConfirmed(file, file.youtube_ids, file.spotify_ids);
  auto remaining = it::client::parseWatchedFile(rest);
  FUZZ_CHECK(std::holds_alternative<WatchedFile>(remaining));
  FUZZ_CHECK(linksOf(std::get<WatchedFile>(remaining)).empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view content = it::fuzz::textOf(data, size);
  if (auto link = it::client::parseWatchedLink(content)) checkLink(*link);
  checkFile(content);
  return 0;
}
