#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace it::client {

// watched.txt: one YouTube or Spotify link per line, as people paste them.

enum class LinkKind { kYoutubeVideo, kSpotifyEpisode };

struct WatchedLink {
  LinkKind kind = LinkKind::kYoutubeVideo;
  std::string id;  // 11-character YouTube video id or 22-character Spotify episode id
};

// The id in one line, or nothing when the line is not a link this client can read.
// YouTube: watch?v= (anywhere in the query), youtu.be/ID, /shorts/ID, /live/ID, /embed/ID, /v/ID,
// on youtube.com, www., m., music., youtube-nocookie.com and youtu.be, with or without a
// scheme, with any extra parameters or #fragment. Spotify: open.spotify.com/episode/ID with an
// optional /intl-xx/ (or intl-xx-yy) segment, embed/episode/ID, embed-podcast/episode/ID,
// play.spotify.com/episode/ID, any ?query, and spotify:episode:ID. The line must already be
// trimmed; hosts are matched case-insensitively, ids never.
std::optional<WatchedLink> parseWatchedLink(std::string_view line);

// One line of the file as read: its number (from 1), its text (without the line break) and
// the link on it (nothing for a blank line or a # comment).
struct WatchedLine {
  int number = 0;
  std::string text;
  std::optional<WatchedLink> link;
};

struct WatchedFile {
  std::vector<WatchedLine> lines;  // every line, in order
  // The links to sync: each id once, in order of first appearance.
  std::vector<std::string> youtube_ids;
  std::vector<std::string> spotify_ids;
};

// The first line that is neither blank, a comment nor a readable link.
struct WatchedFileError {
  int line_number = 0;
  std::string text;
};

// Reads a whole watched.txt (LF or CRLF line ends, surrounding whitespace ignored, a UTF-8 BOM
// ignored).
std::variant<WatchedFile, WatchedFileError> parseWatchedFile(std::string_view content);

// The file's text with every line whose link is in `confirmed_youtube` or
// `confirmed_spotify` removed; other lines (unconfirmed links, comments, blank lines) are kept
// as they were, each ending in "\n". Empty when nothing is left but blank lines.
std::string withoutConfirmed(const WatchedFile& file,
                             const std::vector<std::string>& confirmed_youtube,
                             const std::vector<std::string>& confirmed_spotify);

}  // namespace it::client
