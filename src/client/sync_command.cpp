#include "client/sync_command.hpp"

#include <unistd.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "client/scanner.hpp"
#include "client/summary.hpp"
#include "client/watched_list.hpp"
#include "domain/names.hpp"
#include "util/encoding.hpp"
#include "util/json.hpp"

namespace it::client {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kWatchedFile = "watched.txt";
constexpr std::size_t kMaxSuggestions = 5;

std::string gigabytes(std::uintmax_t bytes) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(bytes) / 1024 / 1024 / 1024);
  return text;
}

std::string trim(std::string_view s) {
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  auto end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::int64_t intOr(const json::object& o, std::string_view key, std::int64_t fallback = 0) {
  return integerAt(o, key).value_or(fallback);
}

// ---- reading the folder --------------------------------------------------------------------

struct LocalState {
  std::vector<LocalEpisode> episodes;
  std::vector<LocalMovie> movies;
  std::optional<WatchedFile> watched;  // nothing when there is no watched.txt
};

LocalState scan(const SyncOptions& options, Console& console) {
  LocalState state;
  try {
    console.out << "Finding local episodes watched...\n";
    state.episodes = findWatchedEpisodes(options.dir);
    console.out << "Finding local movies watched...\n";
    state.movies = findWatchedMovies(options.dir);
  } catch (const fs::filesystem_error& e) {
    throw ClientError("cannot read " + e.path1().string() + ": " + e.code().message());
  }
  // The server takes names of UTF-8 up to 1024 bytes; say which file is in the way before
  // anything is sent.
  auto checkName = [](const std::string& name, const fs::path& path) {
    if (!domain::isValidItemName(name)) {
      throw ClientError("cannot sync " + path.string() +
                        ": its name is not UTF-8 text of at most 1024 bytes (rename it); "
                        "nothing was synced or deleted");
    }
  };
  for (const auto& e : state.episodes) {
    checkName(e.folder_name, e.path);
    checkName(e.file_name, e.path);
  }
  for (const auto& m : state.movies) checkName(m.file_name, m.path);
  console.out << "Finding watched URLs...\n";
  console.out.flush();
  fs::path file = options.dir / kWatchedFile;
  std::error_code ec;
  if (!fs::exists(file, ec)) return state;
  std::ifstream in(file, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  if (!in && !in.eof()) throw ClientError("cannot read " + file.string());
  auto parsed = parseWatchedFile(content.str());
  if (auto* error = std::get_if<WatchedFileError>(&parsed)) {
    std::string where = std::string(kWatchedFile) + " line " + std::to_string(error->line_number);
    if (error->text.find("spotify.link/") != std::string::npos ||
        error->text.find("spotify.app.link/") != std::string::npos) {
      throw ClientError(where +
                        " is a Spotify short link, which only Spotify can resolve: open "
                        "it and paste the open.spotify.com/episode/ link instead; "
                        "nothing was synced or deleted");
    }
    throw ClientError(where + " is not a YouTube or Spotify link: \"" + error->text +
                      "\"; nothing was synced or deleted");
  }
  state.watched = std::move(std::get<WatchedFile>(parsed));
  return state;
}

// ---- asking for TVDB ids -------------------------------------------------------------------

struct Match {
  std::int64_t tvdb_id = 0;
  std::string label;  // "Free! (2013)"
};

// What to search TVDB for: the folder or file name without bracketed tags ("[123]",
// "(1080p)", "{x}"), a leading number, and with '_' and '.' as spaces.
std::string searchTerms(std::string_view name) {
  std::string out;
  int depth = 0;
  for (char c : name) {
    if (c == '[' || c == '(' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == ')' || c == '}') && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out += (c == '_' || c == '.') ? ' ' : c;
    }
  }
  std::string terms = trim(out);
  auto first_space = terms.find(' ');
  if (first_space != std::string::npos && terms.find_first_not_of("0123456789") == first_space) {
    terms = trim(terms.substr(first_space));
  }
  std::string collapsed;
  for (char c : terms) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += c;
  }
  return collapsed.empty() ? std::string(name) : collapsed;
}

// Up to five TVDB matches from the server; none when searching is not possible.
std::vector<Match> suggestions(ApiClient& api, std::string_view name, const char* type) {
  std::string terms = searchTerms(name);
  std::vector<Match> matches;
  try {
    auto reply = api.call("GET", "tvdb/search?query=" + percentEncode(terms) + "&type=" + type +
                                     "&limit=" + std::to_string(kMaxSuggestions));
    const json::value* results = reply.body.if_contains("results");
    if (results == nullptr || !results->is_array()) return matches;
    for (const json::value& r : results->get_array()) {
      if (!r.is_object() || matches.size() == kMaxSuggestions) continue;
      auto id = integerAt(r.get_object(), "tvdb_id");
      auto result_name = stringAt(r.get_object(), "name");
      if (!id || !result_name) continue;
      std::string label = *result_name;
      if (auto year = stringAt(r.get_object(), "year"); year && !year->empty()) {
        label += " (" + *year + ")";
      }
      matches.push_back({*id, label});
    }
  } catch (const ClientError&) {
    // No TVDB key on the server, an older server, TVDB down: ask without suggestions.
  }
  return matches;
}

// A positive whole number as Python's int() reads one: an optional '+', and full-width digits
// (what a Japanese keyboard types) as well as ASCII ones.
std::optional<std::int64_t> positiveInteger(std::string_view answer) {
  std::string text;
  for (std::size_t i = 0; i < answer.size(); ++i) {
    // U+FF10..U+FF19 are EF BC 90..99 in UTF-8.
    if (answer.compare(i, 2, "\xEF\xBC") == 0 && i + 2 < answer.size() &&
        static_cast<unsigned char>(answer[i + 2]) >= 0x90 &&
        static_cast<unsigned char>(answer[i + 2]) <= 0x99) {
      text += static_cast<char>('0' + (static_cast<unsigned char>(answer[i + 2]) - 0x90));
      i += 2;
    } else {
      text += answer[i];
    }
  }
  if (!text.empty() && text.front() == '+') text.erase(0, 1);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

void showMatches(Console& console, const std::string& what, const std::vector<Match>& matches) {
  if (matches.empty()) return;
  console.out << "TVDB matches for " << what << ":\n";
  for (std::size_t i = 0; i < matches.size(); ++i) {
    console.out << "  " << i + 1 << ") " << matches[i].label << ", id " << matches[i].tvdb_id
                << "\n";
  }
}

// Asks `prompt` (the original's words) until the answer is a TVDB id or the number of a match.
std::int64_t askTvdbId(Console& console, const std::string& what, const std::string& prompt,
                       const std::vector<Match>& matches) {
  for (;;) {
    console.out << prompt;
    console.out.flush();
    std::string line;
    if (!std::getline(console.in, line)) {
      throw ClientError("standard input ended before the TVDB id of " + what +
                        " was given (use --non-interactive to skip the questions)");
    }
    if (auto n = positiveInteger(trim(line))) {
      if (*n >= 1 && static_cast<std::size_t>(*n) <= matches.size()) return matches[*n - 1].tvdb_id;
      return *n;
    }
    console.out << "Please answer with a TVDB id (a positive whole number)"
                << (matches.empty() ? "" : " or the number of a match") << ".\n";
  }
}

// ---- syncing -------------------------------------------------------------------------------

// What the server said about a sync of items that need metadata: which keys it confirmed.
struct SyncResult {
  std::set<std::string> confirmed;
  std::size_t failed = 0;
};

// Reads a /syncmovies, /syncyoutube or /syncspotify answer for `keys` (ids or, for movies,
// file names found under `key_field` of a failure) and reports the failures.
SyncResult settle(const ApiClient::Reply& reply, const std::vector<std::string>& keys,
                  const char* count_field, const char* noun_one, const char* noun_plural,
                  const char* key_field, Console& console) {
  SyncResult result;
  std::set<std::string> failed;
  bool listed_all = true;  // every entry of "failed" named its item
  const json::value* list = reply.body.if_contains("failed");
  if (list != nullptr && list->is_array()) {
    for (const json::value& f : list->get_array()) {
      auto key = f.is_object() ? stringAt(f.get_object(), key_field) : std::nullopt;
      if (!key) {
        listed_all = false;
        continue;
      }
      failed.insert(*key);
      auto error = stringAt(f.get_object(), "error");
      console.err << "Could not sync " << noun_one << " " << *key << ": "
                  << error.value_or("no reason given") << "\n";
    }
  } else if (list != nullptr) {
    listed_all = false;
  }
  if (reply.status != 200) {
    // Nothing was recorded (422, 502, or 503 when the server has no credentials for the
    // provider): whatever the list says, nothing is confirmed.
    if (list == nullptr) {
      console.err << "Could not sync " << plural(keys.size(), noun_one, noun_plural) << ": "
                  << stringAt(reply.body, "error").value_or("no reason given") << "\n";
    }
    result.failed = keys.size();
    return result;
  }
  console.out << "Successfully added " << intOr(reply.body, count_field) << " new " << noun_plural
              << " to the remote server.\n";
  if (!listed_all) {
    // A "failed" entry that names no item could be any of them: confirm none.
    console.err << "The server's answer does not say which " << noun_plural
                << " failed; all are kept for the next run.\n";
    result.failed = keys.size();
    return result;
  }
  for (const auto& key : keys) {
    if (!failed.contains(key)) result.confirmed.insert(key);
  }
  result.failed = keys.size() - result.confirmed.size();
  return result;
}

// Asks for the TVDB id of every untagged show. Returns how many could not be tagged because
// TVDB failed (they stay untagged; their episodes are synced all the same).
std::size_t updateRemoteShows(ApiClient& api, const SyncOptions& options, Console& console) {
  console.out << "Retrieving remote show metadata...\n";
  console.out.flush();
  auto reply = api.call("GET", "shows");
  const json::value* shows = reply.body.if_contains("shows");
  if (shows == nullptr || !shows->is_array()) return 0;
  std::size_t left_untagged = 0;
  std::size_t failed = 0;
  for (const json::value& show : shows->get_array()) {
    if (!show.is_object()) continue;
    const json::object& s = show.get_object();
    if (intOr(s, "tvdb_id") != 0) continue;
    auto folder = stringAt(s, "folder_name");
    if (!folder) continue;
    if (options.non_interactive) {
      ++left_untagged;
      continue;
    }
    auto matches = suggestions(api, *folder, "series");
    showMatches(console, "show " + *folder, matches);
    for (;;) {
      std::int64_t id = askTvdbId(console, "show " + *folder,
                                  "Enter the TVDB id for show " + *folder + ":\n", matches);
      auto put = api.call("PUT", "show", json::object{{"folder_name", *folder}, {"tvdb_id", id}},
                          {404, 422, 502, 503});
      if (put.status == 200) {
        console.out << "Successfully updated show metadata.\n";
        break;
      }
      std::string error = stringAt(put.body, "error").value_or("no reason given");
      if (put.status == 422) {  // TVDB does not know that id: ask again
        console.out << error << "\n";
        continue;
      }
      if (put.status != 404) {  // TVDB failing: the show stays untagged for the next run
        console.err << "Could not tag show " << *folder << ": " << error << "\n";
        ++failed;
      }
      break;  // (404: the folder is gone from the server; nothing to tag)
    }
  }
  if (left_untagged > 0) {
    console.out << "Left " << left_untagged << (left_untagged == 1 ? " show" : " shows")
                << " untagged (--non-interactive); tag them in a run without it.\n";
  }
  return failed;
}

// ---- deleting ------------------------------------------------------------------------------

// Deletes `paths`, reporting each one that cannot be deleted; returns the bytes freed.
std::uintmax_t deleteFiles(const std::vector<fs::path>& paths, std::size_t& failures,
                           Console& console) {
  std::uintmax_t bytes = 0;
  for (const auto& path : paths) {
    std::error_code ec;
    std::uintmax_t size = fs::file_size(path, ec);
    if (ec) size = 0;
    bool removed = fs::remove(path, ec);
    if (ec) {
      console.err << "Could not delete " << path.string() << ": " << ec.message() << "\n";
      ++failures;
    } else if (removed) {
      bytes += size;
    }
  }
  return bytes;
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

// A show folder is deleted only when it surely holds no video: one that cannot be read
// through counts as holding one.
bool containsVideoOrUnreadable(const fs::path& dir) {
  try {
    return containsVideo(dir);
  } catch (const fs::filesystem_error&) {
    return true;
  }
}

// ---- dry run -------------------------------------------------------------------------------

int dryRun(const LocalState& state, const SyncOptions& options, Console& console) {
  auto& out = console.out;
  out << "Dry run: nothing is sent to the server and nothing is deleted.\n";
  std::uintmax_t episode_bytes = 0;
  std::set<std::string> folders;
  if (!state.episodes.empty()) {
    out << "Would sync " << plural(state.episodes.size(), "local episode", "local episodes")
        << ":\n";
    for (const auto& e : state.episodes) {
      out << "  " << e.folder_name << " / " << e.file_name << "\n";
      std::error_code ec;
      episode_bytes += fs::file_size(e.path, ec);
      folders.insert(e.folder_name);
    }
  }
  std::uintmax_t movie_bytes = 0;
  if (!state.movies.empty()) {
    out << "Would sync " << plural(state.movies.size(), "movie", "movies")
        << " (asking for their TVDB ids):\n";
    for (const auto& m : state.movies) {
      out << "  " << m.file_name << "\n";
      std::error_code ec;
      movie_bytes += fs::file_size(m.path, ec);
    }
  }
  if (state.watched) {
    if (!state.watched->youtube_ids.empty()) {
      out << "Would sync "
          << plural(state.watched->youtube_ids.size(), "YouTube video", "YouTube videos") << ":";
      for (const auto& id : state.watched->youtube_ids) out << " " << id;
      out << "\n";
    }
    if (!state.watched->spotify_ids.empty()) {
      out << "Would sync "
          << plural(state.watched->spotify_ids.size(), "Spotify episode", "Spotify episodes")
          << ":";
      for (const auto& id : state.watched->spotify_ids) out << " " << id;
      out << "\n";
    }
  }
  if (!state.episodes.empty()) {
    out << "Would delete " << plural(state.episodes.size(), "local episode", "local episodes")
        << " (" << gigabytes(episode_bytes) << " GB) once the server confirms them.\n";
    std::set<fs::path> deleted;
    for (const auto& e : state.episodes) deleted.insert(e.path);
    for (const auto& folder : folders) {
      fs::path dir = options.dir / "shows" / folder;
      bool video_left = true;
      try {
        video_left = containsVideo(dir, deleted);
      } catch (const fs::filesystem_error&) {  // unreadable: the real run keeps it too
      }
      if (!video_left) out << "Would delete the completed show " << folder << ".\n";
    }
  }
  if (!state.movies.empty()) {
    out << "Would delete " << plural(state.movies.size(), "movie", "movies") << " ("
        << gigabytes(movie_bytes) << " GB) once the server confirms them.\n";
  }
  if (state.watched &&
      (!state.watched->youtube_ids.empty() || !state.watched->spotify_ids.empty())) {
    out << "Would remove the confirmed links from " << kWatchedFile << ".\n";
  }
  if (state.episodes.empty() && state.movies.empty() &&
      (!state.watched ||
       (state.watched->youtube_ids.empty() && state.watched->spotify_ids.empty()))) {
    out << "Nothing to sync.\n";
  }
  return 0;
}

void printSummary(ApiClient& api, Console& console) {
  console.out << "Retrieving progress summary...\n\n";
  console.out.flush();
  auto reply = api.call("GET", "progress");
  console.out << formatProgressSummary(reply.body);
}

}  // namespace

void runProgress(ApiClient& api, Console& console) {
  printSummary(api, console);
  console.out.flush();
}

int runSync(ApiClient& api, const SyncOptions& options, Console& console) {
  auto& out = console.out;
  LocalState state = scan(options, console);
  if (options.dry_run) return dryRun(state, options, console);

  std::size_t failures = 0;  // items not synced or not deleted: kept for the next run
  std::size_t untagged = 0;  // shows TVDB could not tag this time
  bool synced_anything = false;

  // Episodes: the server records them all or answers an error (which ends the run).
  if (!state.episodes.empty()) {
    out << "Syncing " << state.episodes.size() << " local episodes watched...\n";
    out.flush();
    json::array list;
    for (const auto& e : state.episodes) {
      list.push_back(json::object{{"folder_name", e.folder_name}, {"file_name", e.file_name}});
    }
    auto reply = api.call("POST", "sync", json::object{{"episodes", std::move(list)}});
    out << "Successfully added " << intOr(reply.body, "episodes_added")
        << " new episodes to the remote server.\n";
    synced_anything = true;
    untagged = updateRemoteShows(api, options, console);
  }

  // Movies: each needs a TVDB id, asked for before the request (as the original did).
  std::set<std::string> confirmed_movies;
  if (!state.movies.empty()) {
    out << "Syncing " << state.movies.size() << " movies watched...\n";
    if (options.non_interactive) {
      out << "Skipped " << plural(state.movies.size(), "movie", "movies")
          << ": each needs a TVDB id, which --non-interactive does not ask for. "
             "They were kept.\n";
    } else {
      json::array list;
      std::vector<std::string> names;
      for (const auto& m : state.movies) {
        auto matches = suggestions(api, m.file_name, "movie");
        showMatches(console, "movie " + m.file_name, matches);
        std::int64_t id = askTvdbId(console, "movie " + m.file_name,
                                    "Enter the TVDB id for movie " + m.file_name + ":\n", matches);
        list.push_back(json::object{{"file_name", m.file_name}, {"tvdb_id", id}});
        names.push_back(m.file_name);
      }
      auto reply = api.call("POST", "syncmovies", json::object{{"movies", std::move(list)}},
                            {422, 502, 503});
      auto result = settle(reply, names, "movies_added", "movie", "movies", "file_name", console);
      confirmed_movies = std::move(result.confirmed);
      failures += result.failed;
      synced_anything = true;
    }
  }

  // YouTube videos and Spotify episodes from watched.txt.
  std::set<std::string> confirmed_youtube;
  std::set<std::string> confirmed_spotify;
  if (state.watched && !state.watched->youtube_ids.empty()) {
    const auto& ids = state.watched->youtube_ids;
    out << "Syncing " << ids.size() << " YouTube videos watched...\n";
    out.flush();
    json::array list(ids.begin(), ids.end());
    auto reply = api.call("POST", "syncyoutube", json::object{{"video_ids", std::move(list)}},
                          {422, 502, 503});
    auto result =
        settle(reply, ids, "videos_added", "YouTube video", "YouTube videos", "id", console);
    confirmed_youtube = std::move(result.confirmed);
    failures += result.failed;
    synced_anything = true;
  }
  if (state.watched && !state.watched->spotify_ids.empty()) {
    const auto& ids = state.watched->spotify_ids;
    out << "Syncing " << ids.size() << " Spotify episodes watched...\n";
    out.flush();
    json::array list(ids.begin(), ids.end());
    auto reply = api.call("POST", "syncspotify", json::object{{"episode_ids", std::move(list)}},
                          {422, 502, 503});
    auto result =
        settle(reply, ids, "episodes_added", "Spotify episode", "Spotify episodes", "id", console);
    confirmed_spotify = std::move(result.confirmed);
    failures += result.failed;
    synced_anything = true;
  }

  printSummary(api, console);
  if (synced_anything) out << "\n";

  // Deleting: only what the server confirmed.
  if (!state.episodes.empty()) {
    out << "Deleting " << state.episodes.size() << " local episodes watched...\n";
    std::vector<fs::path> paths;
    for (const auto& e : state.episodes) paths.push_back(e.path);
    std::uintmax_t bytes = deleteFiles(paths, failures, console);
    out << "Deleted " << gigabytes(bytes) << " GB of watched episodes.\n";
    std::set<std::string> folders;
    for (const auto& e : state.episodes) folders.insert(e.folder_name);
    for (const auto& folder : folders) {
      fs::path dir = options.dir / "shows" / folder;
      std::error_code ec;
      if (!fs::is_directory(dir, ec) || containsVideoOrUnreadable(dir)) continue;
      fs::remove_all(dir, ec);
      if (ec) {
        console.err << "Could not delete the completed show " << dir.string() << ": "
                    << ec.message() << "\n";
        ++failures;
      } else {
        out << "Deleted completed show: " << folder << "\n";
      }
    }
  }
  if (!confirmed_movies.empty()) {
    out << "Deleting " << confirmed_movies.size() << " local movies watched...\n";
    std::vector<fs::path> paths;
    for (const auto& m : state.movies) {
      if (confirmed_movies.contains(m.file_name)) paths.push_back(m.path);
    }
    std::uintmax_t bytes = deleteFiles(paths, failures, console);
    out << "Deleted " << gigabytes(bytes) << " GB of watched movies.\n";
  }
  if (!confirmed_youtube.empty() || !confirmed_spotify.empty()) {
    out << "Clearing watched URLs...\n";
    std::vector<std::string> youtube(confirmed_youtube.begin(), confirmed_youtube.end());
    std::vector<std::string> spotify(confirmed_spotify.begin(), confirmed_spotify.end());
    fs::path file = options.dir / kWatchedFile;
    replaceFile(file, withoutConfirmed(currentLines(file), youtube, spotify));
  }

  out << "\n";
  if (console.in_is_terminal) {
    out << "Press ENTER to close...";
    out.flush();
    std::string ignored;
    std::getline(console.in, ignored);
  }
  out.flush();
  if (failures > 0) {
    console.err << "immersion-tracker: " << plural(failures, "item", "items")
                << " could not be synced or deleted (see above); they were kept for the next "
                   "run.\n";
    return 1;
  }
  if (untagged > 0) {
    console.err << "immersion-tracker: " << plural(untagged, "show", "shows")
                << " could not be tagged (see above); the next run asks again.\n";
    return 1;
  }
  return 0;
}

}  // namespace it::client
