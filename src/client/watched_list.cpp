#include "client/watched_list.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <unordered_set>

#include "domain/names.hpp"

namespace it::client {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kWhitespace = " \t\r\f\v";
constexpr std::string_view kSpotifyUriPrefix = "spotify:episode:";

// Whitespace as Python's str.strip() sees it in pasted text: ASCII, and the no-break (U+00A0)
// and ideographic (U+3000) spaces that copying from web pages and Japanese input brings.
constexpr std::string_view kWideSpaces[] = {"\xC2\xA0", "\xE3\x80\x80"};

std::string_view trim(std::string_view s) {
  for (bool changed = true; changed;) {
    changed = false;
    auto first = s.find_first_not_of(kWhitespace);
    if (first == std::string_view::npos) return {};
    auto last = s.find_last_not_of(kWhitespace);
    s = s.substr(first, last - first + 1);
    for (std::string_view space : kWideSpaces) {
      if (s.starts_with(space)) s.remove_prefix(space.size()), changed = true;
      if (s.ends_with(space)) s.remove_suffix(space.size()), changed = true;
    }
  }
  return s;
}

// The link with the characters a URL parser refuses but browsers copy as they are (a raw '|'
// in a playlist parameter, non-ASCII text in a query) percent-encoded; the original's regex
// read such lines, so they must be read here too.
std::string escapedForUrl(std::string_view link) {
  static constexpr std::string_view kRefused = " \"<>\\^`{|}";
  std::string out;
  for (char c : link) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || byte < 0x20 || kRefused.find(c) != std::string_view::npos) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool startsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lowered(s.substr(0, prefix.size())) == prefix;
}

bool isLowerAlpha(std::string_view s) {
  for (char c : s) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

// Spotify's localised path prefix: intl-xx or intl-xx-yy, in any letter case.
bool isIntlSegment(std::string_view segment) {
  std::string s = lowered(segment);
  if (s.size() != 7 && s.size() != 10) return false;
  if (s.compare(0, 5, "intl-") != 0 || !isLowerAlpha(s.substr(5, 2))) return false;
  return s.size() == 7 || (s[7] == '-' && isLowerAlpha(s.substr(8, 2)));
}

std::optional<WatchedLink> youtube(std::string_view id) {
  if (!domain::isValidYoutubeVideoId(id)) return std::nullopt;
  return WatchedLink{LinkKind::kYoutubeVideo, std::string(id)};
}

std::optional<WatchedLink> spotify(std::string_view id) {
  if (!domain::isValidSpotifyId(id)) return std::nullopt;
  return WatchedLink{LinkKind::kSpotifyEpisode, std::string(id)};
}

// Path segments as written (ids are never percent-encoded, so nothing is decoded), without
// the empty segment a trailing slash leaves.
std::vector<std::string> segmentsOf(const boost::urls::url_view& url) {
  std::vector<std::string> out;
  for (auto segment : url.encoded_segments()) out.emplace_back(segment);
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

// The first value of query parameter `key`, percent-decoded.
std::optional<std::string> queryValue(const boost::urls::url_view& url, std::string_view key) {
  for (auto param : url.params()) {
    if (param.key == key) {
      if (!param.has_value) return std::nullopt;
      return std::string(param.value);
    }
  }
  return std::nullopt;
}

std::optional<WatchedLink> parseHttpLink(std::string_view link, bool allow_attribution);

std::optional<WatchedLink> youtubeComLink(const boost::urls::url_view& url,
                                          const std::vector<std::string>& segments,
                                          bool allow_attribution) {
  if (segments.size() == 1 && segments[0] == "watch") {
    auto v = queryValue(url, "v");
    return v ? youtube(*v) : std::nullopt;
  }
  if (segments.size() == 2) {
    const std::string& form = segments[0];
    // /embed/videoseries?list= is a playlist whose name happens to be 11 characters long.
    if (form == "embed" && segments[1] == "videoseries") return std::nullopt;
    if (form == "shorts" || form == "live" || form == "embed" || form == "v" || form == "e") {
      return youtube(segments[1]);
    }
  }
  // A legacy share link carries the real link, percent-encoded, in `u`. One level only, so a
  // link that nests itself cannot recurse.
  if (allow_attribution && segments.size() == 1 && segments[0] == "attribution_link") {
    auto u = queryValue(url, "u");
    if (!u || u->empty() || (*u)[0] != '/') return std::nullopt;
    return parseHttpLink("https://www.youtube.com" + *u, false);
  }
  return std::nullopt;
}

std::optional<WatchedLink> spotifyLink(std::string_view host,
                                       const std::vector<std::string>& all_segments) {
  std::vector<std::string> segments = all_segments;
  if (host == "play.spotify.com") {
    if (segments.size() == 2 && segments[0] == "episode") return spotify(segments[1]);
    return std::nullopt;
  }
  if (!segments.empty() && isIntlSegment(segments[0])) segments.erase(segments.begin());
  if (segments.size() == 2 && segments[0] == "episode") return spotify(segments[1]);
  if (segments.size() == 3 && (segments[0] == "embed" || segments[0] == "embed-podcast") &&
      segments[1] == "episode") {
    return spotify(segments[2]);
  }
  return std::nullopt;
}

// An absolute http(s) link.
std::optional<WatchedLink> parseHttpLink(std::string_view link, bool allow_attribution) {
  // The fragment never holds the id, and pasted ones (#:~:text=...) are often not valid URL
  // syntax; dropping it keeps the parser strict about the rest.
  link = link.substr(0, link.find('#'));
  auto parsed = boost::urls::parse_uri(link);
  if (!parsed) return std::nullopt;
  const boost::urls::url_view& url = *parsed;
  std::string scheme = lowered(url.scheme());
  if ((scheme != "http" && scheme != "https") || url.has_userinfo()) return std::nullopt;
  std::string host = lowered(url.encoded_host());
  std::vector<std::string> segments = segmentsOf(url);

  if (host == "youtube.com" || host == "www.youtube.com" || host == "m.youtube.com" ||
      host == "music.youtube.com") {
    return youtubeComLink(url, segments, allow_attribution);
  }
  if (host == "youtube-nocookie.com" || host == "www.youtube-nocookie.com") {
    if (segments.size() == 2 && segments[0] == "embed" && segments[1] != "videoseries") {
      return youtube(segments[1]);
    }
    return std::nullopt;
  }
  if (host == "youtu.be") {
    return segments.size() == 1 ? youtube(segments[0]) : std::nullopt;
  }
  if (host == "open.spotify.com" || host == "play.spotify.com") {
    return spotifyLink(host, segments);
  }
  return std::nullopt;
}

}  // namespace

namespace {

std::optional<WatchedLink> parseLink(std::string_view line) {
  if (startsWithIgnoreCase(line, kSpotifyUriPrefix)) {
    std::string_view id = line.substr(kSpotifyUriPrefix.size());
    return spotify(id.substr(0, id.find('?')));  // "?si=..." as on shared links
  }
  if (line.find("://") != std::string_view::npos) return parseHttpLink(line, true);
  // Pasted without a scheme ("youtu.be/ID", "//www.youtube.com/..."): without one, a URL
  // parser would read "youtube.com:" as the scheme or the host as a path.
  if (line.starts_with("//")) return parseHttpLink("https:" + std::string(line), true);
  return parseHttpLink("https://" + std::string(line), true);
}

}  // namespace

std::optional<WatchedLink> parseWatchedLink(std::string_view line) {
  line = trim(line);
  // A note after the link: "https://youtu.be/ID # Japanese lesson 3".
  if (auto note = line.find(" #"); note != std::string_view::npos)
    line = trim(line.substr(0, note));
  if (line.empty()) return std::nullopt;
  return parseLink(escapedForUrl(line));
}

std::variant<WatchedFile, WatchedFileError> parseWatchedFile(std::string_view content) {
  if (content.starts_with(kBom)) content.remove_prefix(kBom.size());
  WatchedFile file;
  std::unordered_set<std::string> seen_youtube;
  std::unordered_set<std::string> seen_spotify;
  int number = 0;
  while (!content.empty()) {
    auto end = content.find('\n');
    std::string_view text = content.substr(0, end);
    content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);
    if (text.ends_with('\r')) text.remove_suffix(1);
    ++number;

    WatchedLine line{number, std::string(text), std::nullopt};
    std::string_view trimmed = trim(text);
    if (!trimmed.empty() && !trimmed.starts_with('#')) {
      line.link = parseWatchedLink(trimmed);
      if (!line.link) return WatchedFileError{number, std::string(trimmed)};
      bool youtube = line.link->kind == LinkKind::kYoutubeVideo;
      auto& seen = youtube ? seen_youtube : seen_spotify;
      if (seen.insert(line.link->id).second) {
        (youtube ? file.youtube_ids : file.spotify_ids).push_back(line.link->id);
      }
    }
    file.lines.push_back(std::move(line));
  }
  return file;
}

std::string withoutConfirmed(const WatchedFile& file,
                             const std::vector<std::string>& confirmed_youtube,
                             const std::vector<std::string>& confirmed_spotify) {
  std::unordered_set<std::string_view> youtube(confirmed_youtube.begin(), confirmed_youtube.end());
  std::unordered_set<std::string_view> spotify(confirmed_spotify.begin(), confirmed_spotify.end());
  std::string out;
  bool only_blank = true;
  for (const WatchedLine& line : file.lines) {
    if (line.link) {
      const auto& confirmed = line.link->kind == LinkKind::kYoutubeVideo ? youtube : spotify;
      if (confirmed.contains(line.link->id)) continue;
    }
    if (!trim(line.text).empty()) only_blank = false;
    out += line.text;
    out += '\n';
  }
  return only_blank ? std::string() : out;
}

}  // namespace it::client
