#include "storage/sqlite/tv_progress_cache.hpp"

#include <mutex>

namespace it::storage::sqlite {
namespace {

// "username\0tv_show": a user name never holds a NUL, so no two pairs share a key. Built in a
// buffer each thread reuses, so a lookup allocates nothing once the buffer has grown.
std::string_view keyOf(std::string_view username, std::string_view tv_show) {
  thread_local std::string key;
  key.assign(username);
  key.push_back('\0');
  key.append(tv_show);
  return key;
}

}  // namespace

std::optional<std::optional<TvProgress>> TvProgressCache::find(std::uint64_t commits,
                                                               std::string_view username,
                                                               std::string_view tv_show) const {
  std::string_view key = keyOf(username, tv_show);
  std::shared_lock lock(mutex_);
  if (commits != commits_) return std::nullopt;
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void TvProgressCache::keep(std::uint64_t read_at, std::uint64_t now, std::string_view username,
                           std::string_view tv_show, const std::optional<TvProgress>& entry) {
  if (read_at != now) return;
  std::string_view key = keyOf(username, tv_show);
  std::unique_lock lock(mutex_);
  if (commits_ != read_at) {
    // Read after a commit the entries predate (or, for a reader that was slow, before one they
    // already saw: then the count has moved again and the next keep starts over).
    if (read_at < commits_) return;
    entries_.clear();
    commits_ = read_at;
  }
  if (entries_.size() >= max_entries_) return;
  entries_.try_emplace(std::string(key), entry);
}

}  // namespace it::storage::sqlite
