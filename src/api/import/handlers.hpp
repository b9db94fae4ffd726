#pragma once

#include <cstddef>
#include <vector>

#include "http/router.hpp"
#include "service/calendars.hpp"
#include "storage/store.hpp"

namespace it::api::imports {

// What the import handler works with; must outlive the routes.
struct Dependencies {
  storage::Store& store;
  const service::Calendars& calendars;
  // The largest document it reads (the max_import_bytes setting): a limit of its own, larger
  // than the syncs' (an export of 100,000 records is 12 MiB).
  std::size_t max_body_bytes = 64 * 1024 * 1024;
};

// POST /api/import: an export document into the caller's account (importer.hpp), as large as
// deps.max_body_bytes.
std::vector<http::Route> routes(const Dependencies& deps);

}  // namespace it::api::imports
