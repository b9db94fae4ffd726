#pragma once

#include <vector>

#include "http/router.hpp"
#include "service/calendars.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"

namespace it::api::exports {

// What the export handler works with; must outlive the routes.
struct Dependencies {
  storage::Store& store;
  const service::Calendars& calendars;
  const Clock& clock;
};

// GET /api/export[?format=json|csv]: the caller's whole history, streamed (export_document.hpp).
std::vector<http::Route> routes(const Dependencies& deps);

}  // namespace it::api::exports
