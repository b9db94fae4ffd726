#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/api_client.hpp"
#include "client/sync_command.hpp"

// What several steps of `immersion-tracker sync` share: the words they print, deleting files,
// sending a sync's items in batches, and reading the server's answers to a sync of items that
// need metadata.

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

// The answers to the batches of one such sync, read one by one and reported as the answer to
// a single request would have been.
class Settlement {
 public:
  explicit Settlement(const ItemKind& kind) : kind_(kind) {}

  // Reads the answer `reply` to a batch of `keys` (ids or, for movies, file names). Only keys
  // the server surely recorded are confirmed: none of a batch that failed as a whole, or whose
  // answer lists a failure that names no item.
  void add(const ApiClient::Reply& reply, std::span<const std::string> keys);

  // Reports what add() read: each item that failed, each reason a batch failed as a whole
  // (once, with all the items it failed), "Successfully added <the sum> new movies to the
  // remote server." when a batch was answered 200, and a warning when an answer did not name
  // its failures. Returns the confirmed keys and how many were not.
  SyncResult report(Console& console);

 private:
  ItemKind kind_;
  SyncResult result_;
  std::vector<std::string> item_errors_;                           // one line each
  std::vector<std::pair<std::string, std::size_t>> batch_errors_;  // the reason, how many
  std::int64_t added_ = 0;
  bool answered_ok_ = false;  // some batch answered 200
  bool unlisted_ = false;     // some answer listed a failure that names no item
};

// ---- Sync requests in batches ----------------------------------------------------------------
//
// No sync request goes over the server's body limit (max_body_bytes, 8 MiB by default; 6 MB on
// AWS Lambda): the items are packed into requests of at most a budget of bytes of JSON, 1 MiB
// at first (kFirstBodyBudget, steps.hpp). A server that refuses a batch as too large (413)
// has a smaller limit: the budget becomes half the refused body, for the rest of the run, and
// the same items go again in smaller batches.

// How many items, from the first of `item_bytes` (each item's size as JSON text, in order),
// one request may carry within `budget` bytes: its body is `fixed_bytes` (the body with an
// empty list) plus the items and a comma between two. At least one when there is any, even an
// item that passes the budget alone (the server may take it all the same). Pure.
std::size_t itemsThatFit(std::span<const std::size_t> item_bytes, std::size_t fixed_bytes,
                         std::size_t budget);

// All of `item_bytes` cut into requests as itemsThatFit() cuts them: how many items each
// request carries, in order. Pure.
std::vector<std::size_t> packBatches(std::span<const std::size_t> item_bytes,
                                     std::size_t fixed_bytes, std::size_t budget);

// A list of items for one sync endpoint.
struct BatchedRequest {
  const char* path;                // "sync"
  const char* list_field;          // the list in the body: "episodes"
  const char* noun_plural;         // "episodes": for the progress bar and the messages
  boost::json::object fields;      // what else the body holds: {"backfill": true}
  std::vector<std::string> items;  // each item as JSON text
  // Also 422, 502 and 503 are answers (of a batch the providers failed), not errors.
  bool partial_answers = false;
};

// Sends `request`'s items in order, in as few requests within `budget` as itemsThatFit()
// makes, and calls `answered(reply, first, count)` with the answer to the items [first, first +
// count). A 413 sets `budget` to half the refused body and sends those items again in smaller
// batches. On a terminal (outIsTerminal()) and when there is more than one batch, a progress
// bar counts the items sent ("Syncing episodes  [####....]  40%  40,000 of 100,000");
// otherwise nothing is printed. Throws ClientError as ApiClient::call() does: when one item
// alone is refused as too large, and when a batch fails (saying how many items had been sent
// before it).
void sendInBatches(ApiClient& api, const BatchedRequest& request, std::size_t& budget,
                   Console& console,
                   const std::function<void(const ApiClient::Reply&, std::size_t first,
                                            std::size_t count)>& answered);

}  // namespace it::client::sync
