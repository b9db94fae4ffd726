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
};

// POST /api/import: an export document into the caller's account (importer.hpp), as large as
// the server's max_body_bytes.
std::vector<http::Route> routes(const Dependencies& deps);

}  // namespace it::api::imports
