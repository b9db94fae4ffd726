#pragma once

#include <vector>

#include "http/router.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"

namespace it::api::tv_progress {

// Seed 000's four endpoints, with the original's paths, status codes and messages:
//   GET  /api/show_episode?username=&tv_show=   GET /api/show_user?username=
//   POST /api/update_episode (201)              GET /api/show_all (admin; limit, cursor)
// `store` and `clock` must outlive the routes.
std::vector<http::Route> routes(storage::Store& store, const Clock& clock);

}  // namespace it::api::tv_progress
