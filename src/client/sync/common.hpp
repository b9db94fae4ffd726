#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "client/api_client.hpp"
#include "client/sync_command.hpp"

// What several steps of `immersion-tracker sync` share: the words they print, deleting files,
// and reading the server's answer to a sync of items that need metadata.

namespace it::client::sync {

// The file of YouTube and Spotify links, in the synced folder.
inline constexpr const char* kWatchedFile = "watched.txt";

// `s` without leading and trailing spaces, tabs and line breaks.
std::string trim(std::string_view s);

// "1 movie", "2 movies".
std::string plural(std::size_t n, const char* one, const char* many);

// Bytes as gigabytes (GiB) with two decimals, as the original printed freed space.
std::string gigabytes(std::uintmax_t bytes);

// The integer at `key` of a server answer; `fallback` when missing or not an integer.
std::int64_t intOr(const boost::json::object& o, std::string_view key, std::int64_t fallback = 0);

// Deletes `paths`, reporting each one that cannot be deleted (and counting it in
// `failures`); returns the bytes freed.
std::uintmax_t deleteFiles(const std::vector<std::filesystem::path>& paths, std::size_t& failures,
                           Console& console);

// What the server said about a sync of items that need metadata: which keys it confirmed.
struct SyncResult {
  std::set<std::string> confirmed;
  std::size_t failed = 0;
};

// How the server and the console name one kind of item in a sync request that can fail in
// part (/syncmovies, /syncyoutube, /syncspotify).
struct ItemKind {
  const char* count_field;  // how many were added, in the answer: "movies_added"
  const char* noun_one;     // "movie"
  const char* noun_plural;  // "movies"
  const char* key_field;    // what names the item in a "failed" entry: "file_name", "id"
};

// Reads the answer `reply` to a sync of `keys` (ids or, for movies, file names) and reports
// the failures. Only keys the server surely recorded are confirmed: none when the request
// failed or a failure names no item.
SyncResult settle(const ApiClient::Reply& reply, const std::vector<std::string>& keys,
                  const ItemKind& kind, Console& console);

}  // namespace it::client::sync
