#pragma once

#include "storage/immersion_store.hpp"
#include "storage/log_store.hpp"
#include "storage/metadata_cache.hpp"
#include "storage/store_error.hpp"
#include "storage/tv_progress_store.hpp"
#include "storage/users.hpp"

namespace it::storage {

// Everything the service persists, one implementation per engine (sqlite/, dynamodb/). The
// rest of the program sees only the role it needs: users and tokens, TV progress, immersion
// items and totals, manual logs, the metadata cache. Implementations are thread-safe.
class Store : public UserStore,
              public TvProgressStore,
              public ImmersionStore,
              public LogStore,
              public MetadataCache {};

}  // namespace it::storage
