#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store_error.hpp"

namespace it::storage {

// Provider metadata shared by all users, so an id is fetched once. `body` is JSON owned by
// the caller (service/metadata_service); `fetched_at` is epoch seconds.
struct MetadataEntry {
  std::string kind;  // "tvdb_series", "tvdb_movie", "youtube_video", "spotify_episode"
  std::string id;
  std::string body;
  std::int64_t fetched_at = 0;
};

// The shared metadata cache. Thread-safe; reads throw StoreError on failure.
class MetadataCache {
 public:
  virtual ~MetadataCache() = default;

  virtual std::optional<MetadataEntry> cachedMetadata(std::string_view kind,
                                                      std::string_view id) = 0;
  virtual void putCachedMetadata(std::vector<MetadataEntry> entries, WriteDone done) = 0;
};

}  // namespace it::storage
