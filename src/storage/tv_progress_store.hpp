#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/store_error.hpp"

namespace it::storage {

// Where a user is in a show, as the original Flask app kept it: the current position, not a
// history.
struct TvProgress {
  std::string username;
  std::string tv_show;
  std::int64_t season = 0;
  std::int64_t episode = 0;
  std::string last_updated;  // "2025-01-15T10:30:00.123456" (UTC)
};

// Keyset position for paging GET /api/show_all: the last (username, tv_show) returned.
using TvProgressKey = std::pair<std::string, std::string>;

struct TvProgressPage {
  std::vector<TvProgress> entries;
  std::optional<TvProgressKey> next;  // set when more entries follow
};

// Users' positions in their TV shows. Implementations are thread-safe; reads throw StoreError
// on failure.
class TvProgressStore {
 public:
  virtual ~TvProgressStore() = default;

  virtual std::optional<TvProgress> getTvProgress(std::string_view username,
                                                  std::string_view tv_show) = 0;
  // All of a user's shows, sorted by show name (byte order, as DynamoDB sorts keys).
  virtual std::vector<TvProgress> listTvProgress(std::string_view username) = 0;
  // Every entry sorted by (username, tv_show); limit 0 means all.
  virtual TvProgressPage listAllTvProgress(std::size_t limit,
                                           const std::optional<TvProgressKey>& after) = 0;
  // Create-or-overwrite. `done` runs once the write is durable or has failed.
  virtual void putTvProgress(TvProgress progress, WriteDone done) = 0;
};

}  // namespace it::storage
