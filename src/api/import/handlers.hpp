#pragma once

#include <cstddef>
#include <vector>

#include "http/router.hpp"
#include "service/calendars.hpp"
#include "storage/store.hpp"

namespace it::api::imports {

// The largest document POST /api/import reads: an export of 100,000 records is about 25 MB.
inline constexpr std::size_t kMaxImportBytes = 48 * 1024 * 1024;

// What the import handler works with; must outlive the routes.
struct Dependencies {
  storage::Store& store;
  const service::Calendars& calendars;
  std::size_t max_body_bytes = kMaxImportBytes;  // at most the server's bodies in flight
};

// POST /api/import: an export document into the caller's account (importer.hpp).
std::vector<http::Route> routes(const Dependencies& deps);

}  // namespace it::api::imports
