#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/tv_progress_store.hpp"

namespace it::storage::sqlite {

// The TV progress entries read since the database's last commit, so that a point read
// (GET /api/show_episode, the most frequent request of the original's clients) costs a map
// lookup instead of a SQLite read transaction, whose WAL read lock takes `fcntl` calls and a
// process-wide mutex that the I/O threads contend for.
//
// Entries are valid while the commit count (ChangeCounters::commits(), bumped by every process
// after every commit) is the one they were read at: the first lookup after any commit, by any
// process, finds the cache emptied. So it pays while reads outnumber writes, and is never
// stale: a write is acknowledged only after its commit was counted. Holds at most
// `max_entries`; past that, what is read is not kept until the next commit empties it.
// Thread-safe.
class TvProgressCache {
 public:
  explicit TvProgressCache(std::size_t max_entries) : max_entries_(max_entries) {}

  // What the store held for (username, tv_show) at commit count `commits` (an entry, or none),
  // when the cache knows it; nothing when it does not.
  std::optional<std::optional<TvProgress>> find(std::uint64_t commits, std::string_view username,
                                                std::string_view tv_show) const;

  // Keeps `entry` (or its absence), read from a snapshot taken while the commit count was
  // `read_at`, unless the count has moved since (`now` != `read_at`): that snapshot may predate
  // the latest commit.
  void keep(std::uint64_t read_at, std::uint64_t now, std::string_view username,
            std::string_view tv_show, const std::optional<TvProgress>& entry);

 private:
  // Looked up by a (username, tv_show) key built in a reused buffer, without a new string.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  using Entries =
      std::unordered_map<std::string, std::optional<TvProgress>, KeyHash, std::equal_to<>>;

  const std::size_t max_entries_;
  mutable std::shared_mutex mutex_;
  std::uint64_t commits_ = 0;  // the commit count the entries were read at
  Entries entries_;
};

}  // namespace it::storage::sqlite
